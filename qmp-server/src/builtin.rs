//! The commands the server answers itself, from what it knows: negotiation, `query-commands`, `query-version`,
//! `query-qmp-schema`, and the guest agent's synchronisation.

use serde_json::{json, Map, Value};

use crate::error::CommandError;
use crate::server::{Entry, Flags, Protocol, ServerBuilder};

/// The built-in commands for `builder`'s protocol; registered commands of the same name take precedence.
pub(crate) fn entries(builder: &ServerBuilder) -> Vec<(String, Entry)> {
    match builder.protocol {
        Protocol::Qmp => qmp(builder),
        Protocol::GuestAgent => guest_agent(),
    }
}

const QMP_BUILTINS: [&str; 4] = [
    "qmp_capabilities",
    "query-commands",
    "query-version",
    "query-qmp-schema",
];

fn qmp(builder: &ServerBuilder) -> Vec<(String, Entry)> {
    let mut names: Vec<String> = builder.commands.keys().cloned().collect();
    names.extend(QMP_BUILTINS.iter().map(|n| n.to_string()));
    names.sort();
    names.dedup();
    let commands: Value = names.iter().map(|n| json!({ "name": n })).collect();
    let version = builder.version.clone();
    let schema = builder
        .schema
        .clone()
        .unwrap_or_else(|| minimal_schema(builder, &names));
    let mut entries = vec![
        // Only reached after negotiation: before it, the session answers `qmp_capabilities` itself.
        entry("qmp_capabilities", move |_| {
            Err(CommandError::new(
                "CommandNotFound",
                "Capabilities negotiation is already complete, command ignored",
            ))
        }),
    ];
    if builder.answer_queries {
        entries.push(entry("query-commands", move |_| Ok(commands.clone())));
        entries.push(entry("query-version", move |_| Ok(version.clone())));
        entries.push(entry("query-qmp-schema", move |_| Ok(schema.clone())));
    }
    entries
}

fn guest_agent() -> Vec<(String, Entry)> {
    let sync = |args: Map<String, Value>| match args.get("id") {
        Some(id @ Value::Number(_)) => Ok(id.clone()),
        Some(_) => Err(CommandError::generic(
            "Invalid parameter type for 'id', expected: integer",
        )),
        None => Err(CommandError::generic("Parameter 'id' is missing")),
    };
    // The session writes the 0xFF byte before `guest-sync-delimited`'s reply.
    vec![
        entry("guest-sync", sync),
        entry("guest-sync-delimited", sync),
    ]
}

fn entry<F>(name: &str, f: F) -> (String, Entry)
where
    F: Fn(Map<String, Value>) -> Result<Value, CommandError> + Send + Sync + 'static,
{
    let f = std::sync::Arc::new(f);
    let entry = Entry::new(Flags::default(), move |args| {
        let f = f.clone();
        async move { f(args) }
    });
    (name.to_owned(), entry)
}

/// An introspection reply describing what the server knows without a schema: every command and event by name,
/// their arguments and returns of the builtin type `any`.
fn minimal_schema(builder: &ServerBuilder, commands: &[String]) -> Value {
    let mut infos = vec![json!({ "name": "any", "meta-type": "builtin", "json-type": "value" })];
    for name in commands {
        let allow_oob = builder
            .commands
            .get(name)
            .is_some_and(|e| e.flags.allow_oob);
        let mut info =
            json!({ "name": name, "meta-type": "command", "arg-type": "any", "ret-type": "any" });
        if allow_oob {
            info["allow-oob"] = Value::Bool(true);
        }
        infos.push(info);
    }
    for name in &builder.events {
        infos.push(json!({ "name": name, "meta-type": "event", "arg-type": "any" }));
    }
    Value::Array(infos)
}
