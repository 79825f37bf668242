//! The QMP examples in a schema's doc comments (`-> {...}` requests, `<- {...}` replies and events), and a
//! checker program that decodes each with the generated types and re-encodes it.

use std::fmt::Write as _;

use qapi_gen::ir::{Api, Kind};
use qapi_gen::names::Names;
use serde_json::{json, Value};

/// One message of an example, with where it came from.
pub struct Example {
    /// The definition whose doc holds it.
    pub definition: String,
    /// `command` (a request, with the reply that follows when it is a `return`), or `event`.
    pub kind: &'static str,
    /// Command or event name.
    pub name: String,
    pub message: Value,
    /// The `return` of the reply to a command request.
    pub returns: Option<Value>,
}

/// Examples found, and the messages that could not be checked (elided with `...`, not JSON).
#[derive(Default)]
pub struct Extracted {
    pub examples: Vec<Example>,
    pub incomplete: Vec<(String, String)>,
}

/// Splits doc text into `->` / `<-` messages: each starts at its arrow and runs until its brackets balance.
fn messages(text: &str) -> Vec<(bool, String)> {
    let mut out = Vec::new();
    let mut current: Option<(bool, String, i32)> = None;
    for line in text.lines() {
        let t = line.trim();
        if current.is_none() {
            let request = t.starts_with("-> ");
            if !(request || t.starts_with("<- ")) {
                continue;
            }
            current = Some((request, String::new(), 0));
        }
        let Some((request, buf, depth)) = current.as_mut() else {
            continue;
        };
        let body = if buf.is_empty() { &t[3..] } else { t };
        let mut in_string = false;
        let mut escaped = false;
        for c in body.chars() {
            match c {
                _ if escaped => escaped = false,
                '\\' if in_string => escaped = true,
                '"' => in_string = !in_string,
                '{' | '[' if !in_string => *depth += 1,
                '}' | ']' if !in_string => *depth -= 1,
                _ => {}
            }
        }
        buf.push_str(body);
        buf.push('\n');
        if *depth <= 0 {
            out.push((*request, std::mem::take(buf)));
            current = None;
        }
    }
    out
}

pub fn extract(api: &Api) -> Extracted {
    let mut out = Extracted::default();
    for def in &api.definitions {
        let Some(doc) = &def.doc else { continue };
        let mut text = doc.body.clone();
        for (_, section) in &doc.sections {
            text.push('\n');
            text.push_str(section);
        }
        let mut last_command: Option<usize> = None;
        for (request, raw) in messages(&text) {
            let value: Value = match serde_json::from_str(&raw) {
                Ok(v) if !raw.contains("...") => v,
                _ => {
                    out.incomplete
                        .push((def.name.clone(), raw.trim().to_string()));
                    last_command = None;
                    continue;
                }
            };
            if request {
                let name = value["execute"]
                    .as_str()
                    .or(value["exec-oob"].as_str())
                    .unwrap_or("")
                    .to_string();
                out.examples.push(Example {
                    definition: def.name.clone(),
                    kind: "command",
                    name,
                    message: value,
                    returns: None,
                });
                last_command = Some(out.examples.len() - 1);
            } else if let Some(event) = value["event"].as_str() {
                out.examples.push(Example {
                    definition: def.name.clone(),
                    kind: "event",
                    name: event.to_string(),
                    message: value.clone(),
                    returns: None,
                });
            } else if let (Some(ret), Some(i)) = (value.get("return"), last_command) {
                out.examples[i].returns = Some(ret.clone());
                last_command = None;
            }
        }
    }
    out
}

/// The examples as the checker reads them.
pub fn to_json(crate_name: &str, examples: &[Example]) -> Vec<Value> {
    examples
        .iter()
        .map(|e| {
            json!({"crate": crate_name, "definition": e.definition, "kind": e.kind, "name": e.name,
                   "message": e.message, "returns": e.returns})
        })
        .collect()
}

/// The checker's dispatch functions for one generated crate: by command and event name to its Rust type.
pub fn dispatch(api: &Api, krate: &str) -> String {
    let names = Names::new(api);
    let module = krate.replace('-', "_");
    let mut s = String::new();
    let _ = writeln!(
        s,
        "fn command_{module}(name: &str, args: Value, ret: Option<Value>) -> Result<(), String> {{"
    );
    let _ = writeln!(s, "    #[allow(deprecated)]\n    match name {{");
    for (i, d) in api.definitions.iter().enumerate() {
        if let Kind::Command(_) = d.kind {
            let _ = writeln!(
                s,
                "        {:?} => check_command::<{module}::{}>(args, ret),",
                d.name, names.definitions[i]
            );
        }
    }
    let _ = writeln!(
        s,
        "        _ => Err(format!(\"no command {{name}}\")),\n    }}\n}}"
    );
    let _ = writeln!(
        s,
        "fn event_{module}(name: &str, data: Value) -> Result<(), String> {{"
    );
    let _ = writeln!(s, "    #[allow(deprecated)]\n    match name {{");
    for (i, d) in api.definitions.iter().enumerate() {
        if let Kind::Event(_) = d.kind {
            let _ = writeln!(
                s,
                "        {:?} => check_event::<{module}::{}>(data),",
                d.name, names.definitions[i]
            );
        }
    }
    let _ = writeln!(
        s,
        "        _ => Err(format!(\"no event {{name}}\")),\n    }}\n}}"
    );
    s
}

/// The checker's `main`: reads the examples file, prints one result line per example.
pub const CHECKER_MAIN: &str = r#"
// Test scaffolding, generated by the test: only the bindings it uses are held to clippy.
#![allow(warnings, clippy::all)]
use qapi_runtime::Command;
use serde_json::Value;

/// Decodes and re-encodes; the JSON must not change.
fn round_trip<T: qapi_runtime::Decode + qapi_runtime::Encode>(value: Value) -> Result<(), String> {
    let text = serde_json::to_vec(&value).map_err(|e| e.to_string())?;
    let decoded: T = qapi_runtime::from_slice(&text).map_err(|e| format!("does not decode: {e}"))?;
    let again: Value = serde_json::from_slice(&qapi_runtime::to_vec(&decoded)).map_err(|e| e.to_string())?;
    if again != value {
        return Err(format!("re-encodes differently: {again}"));
    }
    Ok(())
}

fn check_command<C>(args: Value, ret: Option<Value>) -> Result<(), String>
where
    C: Command + qapi_runtime::Decode,
    C::Returns: qapi_runtime::Encode,
{
    let args = if args.is_null() { Value::Object(Default::default()) } else { args };
    round_trip::<C>(args).map_err(|e| format!("arguments: {e}"))?;
    if let Some(ret) = ret {
        round_trip::<C::Returns>(ret).map_err(|e| format!("return: {e}"))?;
    }
    Ok(())
}

fn check_event<E: qapi_runtime::Event + qapi_runtime::Encode>(data: Value) -> Result<(), String> {
    let data = if data.is_null() { Value::Object(Default::default()) } else { data };
    round_trip::<E>(data)
}

fn main() {
    let path = std::env::args().nth(1).expect("examples file");
    let examples: Vec<Value> = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    for e in examples {
        let name = e["name"].as_str().unwrap_or("");
        let result = match (e["crate"].as_str().unwrap_or(""), e["kind"].as_str().unwrap_or("")) {
            ("introspection", _) => round_trip::<<qemu_qmp_9_2_4::QueryQmpSchema as Command>::Returns>(e["message"].clone()),
            (krate, "command") => commands(krate, name, e["message"]["arguments"].clone(), e.get("returns").cloned().filter(|r| !r.is_null())),
            (krate, _) => events(krate, name, e["message"]["data"].clone()),
        };
        let line = match result {
            Ok(()) => serde_json::json!({"ok": true}),
            Err(reason) => serde_json::json!({"ok": false, "reason": reason}),
        };
        println!("{line}");
    }
}
"#;
