//! Suggestions for a mistyped name: the closest candidate, where a swap of two neighbouring letters counts as one
//! mistake and wins a tie (`query-stauts` is `query-status`, not `query-stats`), and never a command that stops
//! QEMU without saying so.

use std::cmp::Ordering;

/// Commands that end the VM (or the guest), and what to say when one is suggested.
const STOPPING: &[(&str, &str)] = &[
    ("quit", "careful: quit stops QEMU; .quit leaves the shell"),
    (
        "system_powerdown",
        "careful: system_powerdown shuts the guest down",
    ),
    (
        "guest-shutdown",
        "careful: guest-shutdown shuts the guest down",
    ),
];

/// ` (did you mean 'x'?)` for the closest candidate within a small number of mistakes, or nothing.
pub fn did_you_mean<'a>(wrong: &str, candidates: impl Iterator<Item = &'a str>) -> String {
    match closest(wrong, candidates) {
        Some(c) => match STOPPING.iter().find(|(name, _)| *name == c) {
            Some((_, note)) => format!(" (did you mean '{c}'? {note})"),
            None => format!(" (did you mean '{c}'?)"),
        },
        None => String::new(),
    }
}

/// The closest candidate: fewest mistakes (a neighbour swap is one), then the one a swap explains, then by name.
pub fn closest<'a>(wrong: &str, candidates: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    let limit = (wrong.chars().count() / 3).max(2);
    candidates
        .map(|c| {
            let swaps_allowed = mistakes(wrong, c, true);
            let swapped = swaps_allowed < mistakes(wrong, c, false);
            (swaps_allowed, !swapped, c)
        })
        .filter(|(d, _, _)| *d <= limit)
        .min_by(|a, b| a.partial_cmp(b).unwrap_or(Ordering::Equal))
        .map(|(_, _, c)| c)
}

/// Edit distance (insertions, deletions, substitutions), with `swaps` also counting a swap of two neighbouring
/// characters as one edit (the optimal string alignment distance).
pub fn mistakes(a: &str, b: &str, swaps: bool) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let width = b.len() + 1;
    let mut d = vec![0usize; (a.len() + 1) * width];
    for (j, cell) in d.iter_mut().enumerate().take(width) {
        *cell = j;
    }
    for i in 1..=a.len() {
        d[i * width] = i;
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (d[(i - 1) * width + j] + 1)
                .min(d[i * width + j - 1] + 1)
                .min(d[(i - 1) * width + j - 1] + cost);
            if swaps && i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(d[(i - 2) * width + j - 2] + 1);
            }
            d[i * width + j] = best;
        }
    }
    d[a.len() * width + b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_edits_and_swaps() {
        assert_eq!(mistakes("kitten", "sitting", false), 3);
        assert_eq!(mistakes("", "abc", true), 3);
        assert_eq!(mistakes("same", "same", true), 0);
        assert_eq!(mistakes("stauts", "status", false), 2);
        assert_eq!(mistakes("stauts", "status", true), 1);
    }

    #[test]
    fn a_swap_wins_a_tie() {
        let names = ["query-stats", "query-status", "query-stats-schemas"];
        assert_eq!(
            did_you_mean("query-stauts", names.iter().copied()),
            " (did you mean 'query-status'?)"
        );
        assert_eq!(
            closest("query-stat", names.iter().copied()),
            Some("query-stats")
        );
        assert_eq!(closest("zzzzzz", names.iter().copied()), None);
    }

    #[test]
    fn stopping_commands_come_with_a_warning() {
        let names = ["quit", "query-status"];
        let hint = did_you_mean("quti", names.iter().copied());
        assert!(
            hint.contains("'quit'") && hint.contains("stops QEMU"),
            "{hint}"
        );
    }
}
