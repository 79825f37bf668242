//! What `.help` shows: the shell's syntax, and a command's arguments as the live schema gives them.

use crate::qmp_shell::completion::Vocabulary;
use qapi_introspection::reply::{Meta, ObjectMember};

use crate::shared::schema::Schema;

/// The shell's syntax, as `.help` prints it.
pub const SHELL_HELP: &str = "\
Commands:      NAME key=value ...      e.g.  blockdev-add driver=null-co node-name=n0 size=1048576
  values       JSON where they read as JSON ({...} [...] \"text\" 12 true null), 'literal text', or plain text;
               outside quotes a backslash takes the next character as it is (a\\ b is the text \"a b\")
  devices      device_add driver=NAME then the driver's properties (netdev=net0 mac=52:54:00:12:34:56), checked
               and completed from the live QEMU; object-add likewise
  nested       dotted keys: cache.direct=true is {\"cache\": {\"direct\": true}}
  raw JSON     {\"execute\": \"query-status\"}
Transactions:  transaction(   then one action per line (NAME key=value ...), then )   (or all on one line)
Shell commands:
  .help [NAME]           this text, or NAME's arguments from the server's schema (also help, ?)
  .wait EVENT [SECONDS]  wait for an event (one shown since the last .wait counts); default 10 s
  .pretty / .compact     indented or one-line JSON
  .verbose / .quiet      show each request before sending it, or not
  .hmp / .qmp            human monitor mode (lines go through human-monitor-command; `cpu N` picks a CPU) / back
  .quit                  leave (also exit, Ctrl-D); note that quit, without the dot, is QEMU's command that
                         stops QEMU
Tab completes command names, argument names and enum values; arguments are checked before sending.";

/// A command's arguments and result, for a person.
pub fn describe_command(vocab: &Vocabulary, name: &str) -> Result<String, String> {
    let Some(schema) = &vocab.schema else {
        return if vocab.commands.iter().any(|c| c == name) {
            Ok(format!(
                "{name}: the server gives no schema, so its arguments are unknown here"
            ))
        } else {
            Err(format!("unknown command '{name}'"))
        };
    };
    let Some(cmd) = schema.command(name) else {
        return Err(format!("unknown command '{name}'"));
    };
    let mut out = String::new();
    let flags = feature_note(cmd.features);
    let members = schema.members_for(cmd.arg_type, None);
    if members.is_empty() {
        out.push_str(&format!("{name}{flags}: no arguments\n"));
    } else {
        out.push_str(&format!("{name}{flags}: arguments\n"));
        out.push_str(&member_lines(schema, &members));
    }
    if let Some(Meta::Object {
        tag: Some(tag),
        variants,
        ..
    }) = schema.lookup(cmd.arg_type)
    {
        out.push_str(&format!("  and by '{tag}':\n"));
        for (case, branch) in variants {
            let names: Vec<String> = schema
                .members_for(branch, None)
                .iter()
                .map(|m| {
                    if m.optional {
                        m.name.clone()
                    } else {
                        format!("{}*", m.name)
                    }
                })
                .collect();
            let names = if names.is_empty() {
                "(nothing more)".to_owned()
            } else {
                names.join(" ")
            };
            out.push_str(&format!("    {tag}={case}: {names}\n"));
        }
        out.push_str("  (* required)\n");
    }
    // object-add's types are in the schema's union (listed above); device drivers are not.
    let open = crate::qmp_shell::drivers::open_command(name);
    if let Some(open) = open.filter(|o| o.kind == crate::qmp_shell::drivers::Kind::Device) {
        out.push_str(&format!(
            "  and the properties of the driver '{}' names, from the live QEMU (Tab after {}=NAME lists them)\n",
            open.tag, open.tag
        ));
    }
    out.push_str(&format!("returns: {}", returns(schema, cmd.ret_type)));
    Ok(out)
}

fn member_lines(schema: &Schema, members: &[&ObjectMember]) -> String {
    let width = members.iter().map(|m| m.name.len()).max().unwrap_or(0);
    let mut out = String::new();
    for m in members {
        let need = if m.optional { "optional" } else { "required" };
        out.push_str(&format!(
            "  {:width$}  {need}  {}{}\n",
            m.name,
            schema.describe(&m.ty),
            feature_note(&m.features)
        ));
    }
    out
}

fn returns(schema: &Schema, ret_type: &str) -> String {
    match schema.lookup(ret_type) {
        Some(Meta::Object {
            members, tag: None, ..
        }) if members.is_empty() => "nothing ({})".to_owned(),
        Some(Meta::Object { members, .. }) => {
            let names: Vec<&str> = members.iter().map(|m| m.name.as_str()).collect();
            format!("an object ({})", names.join(", "))
        }
        Some(Meta::Array { element }) => match schema.lookup(element) {
            Some(Meta::Object { members, .. }) => {
                let names: Vec<&str> = members.iter().map(|m| m.name.as_str()).collect();
                format!("a list of objects ({})", names.join(", "))
            }
            _ => schema.describe(ret_type),
        },
        _ => schema.describe(ret_type),
    }
}

fn feature_note(features: &[String]) -> String {
    let marked: Vec<&str> = features
        .iter()
        .map(String::as_str)
        .filter(|f| *f == "deprecated" || *f == "unstable")
        .collect();
    if marked.is_empty() {
        String::new()
    } else {
        format!(" ({})", marked.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::shared::schema::tests::sample;

    #[test]
    fn describes_a_union_command() {
        let v = Vocabulary {
            schema: Some(sample()),
            ..Default::default()
        };
        let text = describe_command(&v, "blockdev-add").unwrap();
        assert!(text.starts_with("blockdev-add: arguments\n"), "{text}");
        assert!(
            text.contains("  driver     required  enum (file, null-co, qcow2)\n"),
            "{text}"
        );
        assert!(
            text.contains("    driver=file: filename* aio x-old\n"),
            "{text}"
        );
        assert!(text.ends_with("returns: nothing ({})"), "{text}");
        let text = describe_command(&v, "query-status").unwrap();
        assert_eq!(
            text,
            "query-status: no arguments\nreturns: an object (running, status)"
        );
        assert!(describe_command(&v, "set-things")
            .unwrap()
            .starts_with("set-things (unstable)"));
        assert!(describe_command(&v, "nope").is_err());
    }
}
