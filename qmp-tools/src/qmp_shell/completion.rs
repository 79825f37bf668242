//! Tab completion for the shell: command names, argument names (dotted, into nested objects and union branches)
//! and enum values, all from what the server reported; independent of the line editor.

use std::sync::Arc;

use serde_json::{Map, Value};

use crate::qmp_shell::drivers::{open_command, LiveTypes};

use crate::qmp_shell::command_line::{parse_arguments, split_words};
use crate::qmp_shell::validate::{object_branch, type_at};
use qapi_introspection::reply::Meta;

use crate::shared::schema::{JsonType, Schema};

/// What the shell knows about the server's commands.
#[derive(Clone, Debug, Default)]
pub struct Vocabulary {
    /// The introspected schema (QEMU's monitor from 2.5 on).
    pub schema: Option<Schema>,
    /// Command names when there is no schema: the guest agent's `guest-info`, or `query-commands`.
    pub commands: Vec<String>,
    /// Commands the server has but refuses (a guest agent's disabled ones).
    pub disabled: Vec<String>,
    /// HMP command names (from `help`), and the `info` subcommands.
    pub hmp: Vec<String>,
    /// The subcommands of HMP's `info`.
    pub hmp_info: Vec<String>,
    /// The live QEMU's device and object types and their properties (`device_add driver=...`).
    pub live: Option<Arc<LiveTypes>>,
}

impl Vocabulary {
    /// Every command name, sorted.
    pub fn command_names(&self) -> Vec<String> {
        match &self.schema {
            Some(s) => s.command_names().map(str::to_owned).collect(),
            None => {
                let mut names = self.commands.clone();
                names.sort();
                names
            }
        }
    }
}

/// Where the line being completed is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Context {
    /// QMP commands; inside `transaction(` ... `)` when `in_transaction`.
    Qmp {
        /// Inside `transaction(` ... `)`: the actions a transaction takes.
        in_transaction: bool,
    },
    /// Human monitor command lines.
    Hmp,
}

/// One completion: what the list shows, and the text that replaces the word.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Candidate {
    /// What the list of candidates shows.
    pub display: String,
    /// What replaces the word being completed.
    pub replacement: String,
}

/// The shell's own commands; they start with a dot so they never clash with QMP names.
pub const BUILTINS: &[&str] = &[
    ".help", ".wait", ".pretty", ".compact", ".verbose", ".quiet", ".hmp", ".qmp", ".quit",
];

/// Completions for the text before `pos`: where the replaced word starts, and the candidates.
pub fn complete(
    vocab: &Vocabulary,
    context: Context,
    line: &str,
    pos: usize,
) -> (usize, Vec<Candidate>) {
    let before = line.get(..pos).unwrap_or(line);
    let Ok(mut words) = split_words(before, true) else {
        return (pos, Vec::new());
    };
    let current = match words.last() {
        Some(w)
            if w.start + w.text.len() == before.len() && !before.ends_with(char::is_whitespace) =>
        {
            words
                .pop()
                .map(|w| (w.start, w.text))
                .unwrap_or((pos, String::new()))
        }
        _ => (pos, String::new()),
    };
    let (start, word) = current;
    let mut prior: Vec<String> = words.into_iter().map(|w| w.text).collect();
    let candidates = match context {
        Context::Hmp => complete_hmp(vocab, &prior, &word),
        Context::Qmp { in_transaction } => {
            let mut transaction = in_transaction;
            if prior.first().map(String::as_str) == Some("transaction(") {
                prior.remove(0);
                transaction = true;
            }
            complete_qmp(vocab, transaction, &prior, &word)
        }
    };
    (start, candidates)
}

fn names(list: impl IntoIterator<Item = String>, prefix: &str, suffix: &str) -> Vec<Candidate> {
    list.into_iter()
        .filter(|n| n.starts_with(prefix))
        .map(|n| Candidate {
            replacement: format!("{n}{suffix}"),
            display: n,
        })
        .collect()
}

fn complete_hmp(vocab: &Vocabulary, prior: &[String], word: &str) -> Vec<Candidate> {
    match prior {
        [] => {
            let builtins = [".qmp", ".quit", ".help"].map(str::to_owned);
            names(vocab.hmp.iter().cloned().chain(builtins), word, " ")
        }
        [info] if info == "info" => names(vocab.hmp_info.iter().cloned(), word, " "),
        _ => Vec::new(),
    }
}

fn complete_qmp(
    vocab: &Vocabulary,
    transaction: bool,
    prior: &[String],
    word: &str,
) -> Vec<Candidate> {
    let schema = vocab.schema.as_ref();
    let Some((command, arg_words)) = prior.split_first() else {
        // The first word: a command, or an action inside a transaction.
        if transaction {
            let actions = schema.map(Schema::transaction_actions).unwrap_or_default();
            let mut out = names(actions.into_iter().map(str::to_owned), word, " ");
            out.extend(names([")".to_owned()], word, ""));
            return out;
        }
        let mut all = vocab.command_names();
        if schema.is_some_and(|s| s.command("transaction").is_some()) {
            all.push("transaction(".to_owned());
        }
        all.extend(BUILTINS.iter().map(|b| (*b).to_owned()));
        return names(all, word, " ");
    };
    if command == ".help" && arg_words.is_empty() {
        return names(vocab.command_names(), word, "");
    }
    let Some(schema) = schema else {
        return Vec::new();
    };
    if command == ".wait" && arg_words.is_empty() {
        return names(schema.event_names().map(str::to_owned), word, " ");
    }
    let arg_type = if transaction {
        schema.transaction_data_type(command)
    } else {
        schema.command(command).map(|c| c.arg_type)
    };
    let Some(arg_type) = arg_type else {
        return Vec::new();
    };
    let given = given_arguments(arg_words);
    let mut out = match word.split_once('=') {
        Some((key, prefix)) => complete_value(schema, arg_type, &given, key, prefix),
        None => complete_key(schema, arg_type, &given, word),
    };
    // Where the schema already offers values for the tag (object-add's qom-type is an enum), they are enough.
    if !transaction && (out.is_empty() || !word.contains('=')) {
        out.extend(complete_open(
            vocab, schema, command, arg_type, &given, word,
        ));
    }
    out
}

/// `device_add`'s driver names, and the properties of the chosen driver, from the live QEMU (where the schema does
/// not describe the chosen type itself).
fn complete_open(
    vocab: &Vocabulary,
    schema: &Schema,
    command: &str,
    arg_type: &str,
    given: &Value,
    word: &str,
) -> Vec<Candidate> {
    let (Some(open), Some(live)) = (open_command(command), vocab.live.as_ref()) else {
        return Vec::new();
    };
    if let Some((key, prefix)) = word.split_once('=') {
        if key != open.tag {
            return Vec::new();
        }
        return live
            .types_now(open.kind)
            .iter()
            .filter(|t| t.starts_with(prefix))
            .map(|t| Candidate {
                display: t.clone(),
                replacement: format!("{key}={t} "),
            })
            .collect();
    }
    let Some(type_name) = given.get(open.tag).and_then(Value::as_str) else {
        return Vec::new();
    };
    if schema.branch_type(arg_type, type_name).is_some() {
        return Vec::new();
    }
    let Some(properties) = live.properties_now(open.kind, type_name) else {
        return Vec::new();
    };
    properties
        .iter()
        .filter(|p| p.name.starts_with(word) && given.get(&p.name).is_none())
        .map(|p| Candidate {
            display: format!("{}=", p.name),
            replacement: format!("{}=", p.name),
        })
        .collect()
}

/// The arguments typed so far, as far as they read (a union's tag chooses which members come next).
fn given_arguments(words: &[String]) -> Value {
    let mut object = Map::new();
    for word in words {
        if let Ok(args) = parse_arguments([word.as_str()]) {
            merge(&mut object, args.object);
        }
    }
    Value::Object(object)
}

fn merge(into: &mut Map<String, Value>, from: Map<String, Value>) {
    for (key, value) in from {
        match (into.get_mut(&key), value) {
            (Some(Value::Object(a)), Value::Object(b)) => merge(a, b),
            (None, v) => {
                into.insert(key, v);
            }
            _ => {}
        }
    }
}

fn complete_key(schema: &Schema, arg_type: &str, given: &Value, word: &str) -> Vec<Candidate> {
    let (parent, partial) = match word.rsplit_once('.') {
        Some((parent, partial)) => (Some(parent), partial),
        None => (None, word),
    };
    let parent_path: Vec<String> = parent
        .map(|p| p.split('.').map(str::to_owned).collect())
        .unwrap_or_default();
    let Some(ty) = type_at(schema, arg_type, given, &parent_path) else {
        return Vec::new();
    };
    let Some(object) = object_branch(schema, ty) else {
        return Vec::new();
    };
    let here = parent_path.iter().try_fold(given, |v, p| v.get(p));
    let lead = parent.map(|p| format!("{p}.")).unwrap_or_default();
    schema
        .members_for(object, here)
        .into_iter()
        .filter(|m| m.name.starts_with(partial))
        .filter(|m| here.and_then(|h| h.get(&m.name)).is_none())
        .map(|m| {
            // Plain objects continue with a dot; everything else (alternates too) takes a value.
            let suffix = match schema.lookup(&m.ty) {
                Some(Meta::Object { .. }) => ".",
                _ => "=",
            };
            Candidate {
                display: format!("{}{suffix}", m.name),
                replacement: format!("{lead}{}{suffix}", m.name),
            }
        })
        .collect()
}

fn complete_value(
    schema: &Schema,
    arg_type: &str,
    given: &Value,
    key: &str,
    prefix: &str,
) -> Vec<Candidate> {
    let path: Vec<String> = key.split('.').map(str::to_owned).collect();
    let Some(ty) = type_at(schema, arg_type, given, &path) else {
        return Vec::new();
    };
    let mut values = Vec::new();
    collect_values(schema, ty, &mut values, 0);
    values
        .into_iter()
        .filter(|v| v.starts_with(prefix))
        .map(|v| Candidate {
            replacement: format!("{key}={v} "),
            display: v,
        })
        .collect()
}

/// The values worth offering for a type: enum values, `true`/`false`, `null`, through alternates.
fn collect_values(schema: &Schema, ty: &str, out: &mut Vec<String>, depth: usize) {
    match schema.lookup(ty) {
        Some(Meta::Enum { values }) => out.extend(values.iter().map(|v| v.name.clone())),
        Some(Meta::Builtin {
            json_type: JsonType::Boolean,
        }) => out.extend(["true".to_owned(), "false".to_owned()]),
        Some(Meta::Builtin {
            json_type: JsonType::Null,
        }) => out.push("null".to_owned()),
        Some(Meta::Alternate { members }) if depth == 0 => {
            for b in members {
                collect_values(schema, b, out, depth + 1);
            }
        }
        _ => {}
    }
}

/// Reads HMP's `help` output: each line starts with the command name (`name|alias args -- text`).
pub fn hmp_names(help: &str, under_info: bool) -> Vec<String> {
    let mut out: Vec<String> = help
        .lines()
        .filter_map(|line| {
            let mut words = line.split_whitespace();
            if under_info && words.next() != Some("info") {
                return None;
            }
            words.next()
        })
        .flat_map(|name| name.split('|').map(str::to_owned).collect::<Vec<_>>())
        .filter(|n| {
            !n.is_empty()
                && n.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "_-".contains(c))
        })
        .collect();
    out.sort();
    out.dedup();
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::shared::schema::tests::sample;

    fn vocab() -> Vocabulary {
        Vocabulary {
            schema: Some(sample()),
            ..Default::default()
        }
    }

    fn shown(context: Context, line: &str) -> (usize, Vec<String>) {
        let (start, c) = complete(&vocab(), context, line, line.len());
        (start, c.into_iter().map(|c| c.replacement).collect())
    }

    const QMP: Context = Context::Qmp {
        in_transaction: false,
    };

    #[test]
    fn command_names() {
        assert_eq!(shown(QMP, "query-"), (0, vec!["query-status ".to_owned()]));
        assert_eq!(shown(QMP, "tr").1, ["transaction ", "transaction( "]);
        assert!(shown(QMP, "").1.contains(&".help ".to_owned()));
        assert_eq!(shown(QMP, "  st"), (2, vec!["stop ".to_owned()]));
        assert_eq!(shown(QMP, ".help blockdev").1, ["blockdev-add"]);
    }

    #[test]
    fn argument_names_follow_the_union_tag_and_skip_given_ones() {
        assert_eq!(
            shown(QMP, "blockdev-add ").1,
            ["driver=", "node-name=", "read-only=", "cache.", "discard="]
        );
        assert_eq!(shown(QMP, "blockdev-add no").1, ["node-name="]);
        let after_tag = shown(QMP, "blockdev-add driver=file node-name=a ").1;
        assert_eq!(
            after_tag,
            [
                "read-only=",
                "cache.",
                "discard=",
                "filename=",
                "aio=",
                "x-old="
            ]
        );
        assert_eq!(
            shown(QMP, "blockdev-add driver=file cache.").1,
            ["cache.direct=", "cache.no-flush="]
        );
        assert_eq!(
            shown(QMP, "blockdev-add cache.direct=true cache.").1,
            ["cache.no-flush="]
        );
        assert_eq!(
            shown(QMP, "set-things ref.").1,
            ["ref.direct=", "ref.no-flush="]
        );
        assert!(shown(QMP, "query-status ").1.is_empty());
        assert!(shown(QMP, "no-such-command ").1.is_empty());
    }

    #[test]
    fn enum_and_boolean_values() {
        let (start, values) = shown(QMP, "blockdev-add driver=q");
        assert_eq!((start, values), (13, vec!["driver=qcow2 ".to_owned()]));
        assert_eq!(
            shown(QMP, "blockdev-add driver=file aio=").1,
            ["aio=threads ", "aio=native "]
        );
        assert_eq!(
            shown(QMP, "blockdev-add read-only=").1,
            ["read-only=true ", "read-only=false "]
        );
        assert_eq!(
            shown(QMP, "blockdev-add cache.direct=f").1,
            ["cache.direct=false "]
        );
        assert_eq!(shown(QMP, "set-things ref=").1, ["ref=null "]);
    }

    #[test]
    fn transactions_complete_actions_and_their_data() {
        let inside = Context::Qmp {
            in_transaction: true,
        };
        assert_eq!(
            shown(inside, "").1,
            ["abort ", "block-dirty-bitmap-add ", ")"]
        );
        assert_eq!(
            shown(inside, "block-dirty-bitmap-add n").1,
            ["node=", "name="]
        );
        assert_eq!(
            shown(QMP, "transaction( block-dirty-bitmap-add node=a g").1,
            ["granularity="]
        );
        assert_eq!(shown(QMP, "transaction( ab").1, ["abort "]);
    }

    #[test]
    fn completes_in_the_middle_of_a_line() {
        let line = "blockdev-add dri node-name=x";
        let (start, c) = complete(&vocab(), QMP, line, 16);
        assert_eq!(start, 13);
        assert_eq!(c[0].replacement, "driver=");
    }

    #[test]
    fn names_only_and_hmp() {
        let v = Vocabulary {
            commands: vec![
                "guest-ping".into(),
                "guest-info".into(),
                "guest-sync".into(),
            ],
            hmp: hmp_names(
                "info [subcommand] -- show\nq|quit  -- quit the emulator\nstop  -- stop",
                false,
            ),
            hmp_info: hmp_names("info status  -- show status\ninfo block [-n] -- show", true),
            ..Default::default()
        };
        let (_, c) = complete(&v, QMP, "guest-", 6);
        let names: Vec<String> = c.into_iter().map(|c| c.display).collect();
        assert_eq!(names, ["guest-info", "guest-ping", "guest-sync"]);
        assert!(complete(&v, QMP, "guest-ping ", 11).1.is_empty());
        assert_eq!(v.hmp, ["info", "q", "quit", "stop"]);
        let (_, c) = complete(&v, Context::Hmp, "info s", 6);
        assert_eq!(c[0].replacement, "status ");
        let (_, c) = complete(&v, Context::Hmp, "qu", 2);
        assert_eq!(c[0].replacement, "quit ");
    }
}
