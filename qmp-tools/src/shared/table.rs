//! Plain text tables for a terminal: a title, aligned columns, no decoration that breaks copy and paste.

/// A titled table; a table with no headers prints its rows as `key  value` pairs.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Table {
    /// The title line.
    pub title: String,
    /// The column headers; none for `key  value` rows.
    pub headers: Vec<String>,
    /// The rows, one cell per column.
    pub rows: Vec<Vec<String>>,
}

impl Table {
    /// An empty table with `title` and `headers`.
    pub fn new(title: impl Into<String>, headers: &[&str]) -> Table {
        Table {
            title: title.into(),
            headers: headers.iter().map(|h| (*h).to_owned()).collect(),
            rows: Vec::new(),
        }
    }

    /// Adds a row.
    pub fn row(&mut self, cells: Vec<String>) {
        self.rows.push(cells);
    }

    /// The table as text, each line ending in a newline; columns are as wide as their widest cell.
    pub fn render(&self) -> String {
        let columns = self
            .rows
            .iter()
            .map(Vec::len)
            .chain([self.headers.len()])
            .max()
            .unwrap_or(0);
        let mut widths = vec![0; columns];
        for line in self.rows.iter().chain(std::iter::once(&self.headers)) {
            for (i, cell) in line.iter().enumerate() {
                widths[i] = widths[i].max(cell.chars().count());
            }
        }
        let mut out = format!("{}\n", self.title);
        let mut line = |cells: &[String]| {
            let mut text = String::from(" ");
            for (i, cell) in cells.iter().enumerate() {
                text.push(' ');
                text.push_str(cell);
                if i + 1 < cells.len() {
                    let pad = widths[i] - cell.chars().count() + 1;
                    text.extend(std::iter::repeat_n(' ', pad));
                }
            }
            out.push_str(text.trim_end());
            out.push('\n');
        };
        if !self.headers.is_empty() {
            line(&self.headers);
        }
        for row in &self.rows {
            line(row);
        }
        out
    }
}

/// A byte count for people: `256 MiB`, `1.5 GiB`, `512 B`.
pub fn human_size(bytes: u64) -> String {
    const UNITS: [&str; 6] = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 || value.fract() == 0.0 {
        format!("{value:.0} {}", UNITS[unit])
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_align() {
        let mut t = Table::new("CPUs (2)", &["INDEX", "QOM PATH"]);
        t.row(vec!["0".into(), "/machine/unattached/device[0]".into()]);
        t.row(vec!["10".into(), "/x".into()]);
        assert_eq!(
            t.render(),
            "CPUs (2)\n  INDEX  QOM PATH\n  0      /machine/unattached/device[0]\n  10     /x\n"
        );
    }

    #[test]
    fn key_value_tables_and_ragged_rows() {
        let mut t = Table::new("VM", &[]);
        t.row(vec!["Status".into(), "running".into()]);
        t.row(vec!["Name".into()]);
        assert_eq!(t.render(), "VM\n  Status  running\n  Name\n");
    }

    #[test]
    fn sizes_for_people() {
        assert_eq!(human_size(512), "512 B");
        assert_eq!(human_size(268435456), "256 MiB");
        assert_eq!(human_size(1536 * 1024 * 1024), "1.5 GiB");
        assert_eq!(human_size(0), "0 B");
    }
}
