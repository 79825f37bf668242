//! Reading the answers that are lists of named things: `query-commands`, `qom-list-types`, the names in
//! `device-list-properties`, and a guest agent's `guest-info`.

use serde_json::Value;

/// The `name` of each entry of a list answer (`query-commands`, `qom-list-types`, ...).
pub fn names(answer: &Value) -> Vec<String> {
    answer
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|e| e.get("name").and_then(Value::as_str).map(str::to_owned))
        .collect()
}

/// A guest agent's commands from its `guest-info` answer: name, and whether it is enabled.
pub fn agent_commands(info: &Value) -> Vec<(String, bool)> {
    let listed = info.get("supported_commands").and_then(Value::as_array);
    listed
        .into_iter()
        .flatten()
        .filter_map(|c| {
            let name = c.get("name")?.as_str()?.to_owned();
            Some((
                name,
                c.get("enabled").and_then(Value::as_bool) != Some(false),
            ))
        })
        .collect()
}
