//! The open-ended arguments of `device_add` (and of `object-add` where the schema does not describe the chosen
//! type): the properties of the chosen driver or QOM type, asked of the live QEMU (`device-list-properties`,
//! `qom-list-properties`) and the type names (`qom-list-types`), each asked once per connection. `netdev_add` needs
//! none of this: its `Netdev` union describes every backend in the schema.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use qmp_client::{Client, Error};
use serde_json::{json, Map, Value};

use crate::qmp_shell::command_line::Loose;
use crate::qmp_shell::suggest::did_you_mean;
use crate::qmp_shell::validate::{describe_value, Report};
use crate::shared::lists::names;
use crate::shared::qom::property_list;

/// What kind of type a command's tag names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Kind {
    /// A device driver (`device-list-properties`).
    Device,
    /// A user-creatable QOM type (`qom-list-properties`).
    Object,
}

/// A command whose arguments beyond the schema's are the properties of the type its tag names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OpenCommand {
    /// The command's name (`device_add`, `object-add`, `blockdev-add`...).
    pub command: &'static str,
    /// The argument that names the type (`driver=`).
    pub tag: &'static str,
    /// Whether the tag names a device driver or a QOM object type.
    pub kind: Kind,
}

const OPEN_COMMANDS: &[OpenCommand] = &[
    OpenCommand {
        command: "device_add",
        tag: "driver",
        kind: Kind::Device,
    },
    OpenCommand {
        command: "object-add",
        tag: "qom-type",
        kind: Kind::Object,
    },
];

/// The open-ended command called `name`, if it is one.
pub fn open_command(name: &str) -> Option<OpenCommand> {
    OPEN_COMMANDS.iter().copied().find(|c| c.command == name)
}

/// One property of a type, as QEMU lists it.
pub use crate::shared::qom::Property as TypeProperty;

/// Reads a `device-list-properties`/`qom-list-properties` answer, sorted by name.
pub fn read_properties(answer: &Value) -> Vec<TypeProperty> {
    let mut list = property_list(answer);
    list.sort_by(|a, b| a.name.cmp(&b.name));
    list
}

type Properties = Result<Arc<Vec<TypeProperty>>, String>;

/// The live QEMU's types and their properties, asked once each.
pub struct LiveTypes {
    client: Client,
    runtime: tokio::runtime::Handle,
    properties: Mutex<HashMap<(Kind, String), Properties>>,
    types: Mutex<HashMap<Kind, Arc<Vec<String>>>>,
}

impl std::fmt::Debug for LiveTypes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("LiveTypes")
    }
}

/// How long completion may wait for QEMU before offering nothing.
const COMPLETION_WAIT: Duration = Duration::from_secs(2);

impl LiveTypes {
    /// Must be called inside the tokio runtime the client runs on.
    pub fn new(client: Client) -> LiveTypes {
        LiveTypes {
            client,
            runtime: tokio::runtime::Handle::current(),
            properties: Mutex::new(HashMap::new()),
            types: Mutex::new(HashMap::new()),
        }
    }

    /// The properties of `type_name`; `Err` says why there are none (no such type).
    pub async fn properties(&self, kind: Kind, type_name: &str) -> Properties {
        let key = (kind, type_name.to_owned());
        if let Some(known) = lock(&self.properties).get(&key) {
            return known.clone();
        }
        let answer = match kind {
            Kind::Device => {
                self.client
                    .execute_raw("device-list-properties", json!({"typename": type_name}))
                    .await
            }
            Kind::Object => {
                self.client
                    .execute_raw("qom-list-properties", json!({"typename": type_name}))
                    .await
            }
        };
        let result = match answer {
            Ok(list) => Ok(Arc::new(read_properties(&list))),
            Err(Error::Qmp { desc, .. }) => Err(desc),
            // The connection failed: worth asking again later.
            Err(e) => return Err(e.to_string()),
        };
        lock(&self.properties).insert(key, result.clone());
        result
    }

    /// The concrete types of `kind`, sorted.
    pub async fn types(&self, kind: Kind) -> Arc<Vec<String>> {
        if let Some(known) = lock(&self.types).get(&kind) {
            return known.clone();
        }
        let implements = match kind {
            Kind::Device => "device",
            Kind::Object => "user-creatable",
        };
        let args = json!({"implements": implements, "abstract": false});
        let Ok(answer) = self.client.execute_raw("qom-list-types", args).await else {
            return Arc::new(Vec::new());
        };
        let mut names = names(&answer);
        names.sort();
        let names = Arc::new(names);
        lock(&self.types).insert(kind, names.clone());
        names
    }

    /// For completion, which runs outside the runtime: asks QEMU, waiting at most `COMPLETION_WAIT`.
    pub fn properties_now(&self, kind: Kind, type_name: &str) -> Option<Arc<Vec<TypeProperty>>> {
        if tokio::runtime::Handle::try_current().is_ok() {
            let known = lock(&self.properties)
                .get(&(kind, type_name.to_owned()))
                .cloned();
            return known.and_then(Result::ok);
        }
        let ask =
            async { tokio::time::timeout(COMPLETION_WAIT, self.properties(kind, type_name)).await };
        self.runtime.block_on(ask).ok().and_then(Result::ok)
    }

    /// For completion: the type names of `kind`.
    pub fn types_now(&self, kind: Kind) -> Arc<Vec<String>> {
        if tokio::runtime::Handle::try_current().is_ok() {
            return lock(&self.types).get(&kind).cloned().unwrap_or_default();
        }
        let ask = async { tokio::time::timeout(COMPLETION_WAIT, self.types(kind)).await };
        self.runtime.block_on(ask).unwrap_or_default()
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// Takes out of `args` the arguments that are not the schema's (`schema_members`), checks them against the type's
/// properties and turns loose text into strings where the property wants one. The schema's arguments stay in
/// `args` for the schema check.
pub fn check_properties(
    args: &mut Map<String, Value>,
    loose: &[Loose],
    schema_members: &[&str],
    properties: &[TypeProperty],
    type_name: &str,
    report: &mut Report,
) -> Map<String, Value> {
    let extra_keys: Vec<String> = args
        .keys()
        .filter(|k| !schema_members.contains(&k.as_str()))
        .cloned()
        .collect();
    let mut extra = Map::new();
    for key in extra_keys {
        let Some(mut value) = args.remove(&key) else {
            continue;
        };
        let Some(property) = properties.iter().find(|p| p.name == key) else {
            let names = properties
                .iter()
                .map(|p| p.name.as_str())
                .chain(schema_members.iter().copied());
            report.problems.push(format!(
                "'{type_name}' has no property '{key}'{}",
                did_you_mean(&key, names)
            ));
            continue;
        };
        let typed = loose.iter().find(|l| l.path.len() == 1 && l.path[0] == key);
        if let Some(problem) = coerce(property, &mut value, typed) {
            report.problems.push(format!("'{key}': {problem}"));
        }
        extra.insert(key, value);
    }
    extra
}

/// Makes `value` what the property's type wants where the text allows; a problem when it cannot.
fn coerce(property: &TypeProperty, value: &mut Value, typed: Option<&Loose>) -> Option<String> {
    let t = property.type_name.as_str();
    let integer = t.starts_with("int") || t.starts_with("uint") || t == "size";
    match (t, &*value) {
        ("bool", Value::Bool(_)) => None,
        ("bool", other) => Some(format!(
            "expected a boolean (true or false), got {}",
            describe_value(other)
        )),
        (_, Value::Number(_)) if integer => None,
        (_, other) if integer => Some(format!(
            "expected an integer, got {}",
            describe_value(other)
        )),
        _ => {
            // Strings, enums, links, MAC addresses...: what was typed, as text.
            if let Some(loose) = typed {
                *value = Value::String(loose.text.clone());
            }
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::qmp_shell::command_line::parse_arguments;

    fn virtio_net() -> Vec<TypeProperty> {
        read_properties(&json!([
            {"name": "netdev", "type": "str"},
            {"name": "mac", "type": "str"},
            {"name": "addr", "type": "str"},
            {"name": "vectors", "type": "uint32"},
            {"name": "mq", "type": "bool"},
        ]))
    }

    #[test]
    fn properties_of_the_driver_pass_and_others_are_named() {
        let mut a = parse_arguments([
            "driver=virtio-net-pci",
            "id=n2",
            "netdev=net0",
            "mac=52:54:00:12:34:99",
            "addr=5",
            "vectors=4",
        ])
        .unwrap();
        let mut report = Report::default();
        let extra = check_properties(
            &mut a.object,
            &a.loose,
            &["driver", "bus", "id"],
            &virtio_net(),
            "virtio-net-pci",
            &mut report,
        );
        assert!(report.is_ok(), "{report:?}");
        assert_eq!(
            Value::Object(extra),
            json!({"netdev": "net0", "mac": "52:54:00:12:34:99", "addr": "5", "vectors": 4})
        );
        assert_eq!(
            Value::Object(a.object),
            json!({"driver": "virtio-net-pci", "id": "n2"})
        );

        let mut a = parse_arguments(["driver=virtio-net-pci", "macc=x", "mq=maybe"]).unwrap();
        let mut report = Report::default();
        check_properties(
            &mut a.object,
            &a.loose,
            &["driver", "bus", "id"],
            &virtio_net(),
            "virtio-net-pci",
            &mut report,
        );
        assert_eq!(
            report.problems,
            [
                "'virtio-net-pci' has no property 'macc' (did you mean 'mac'?)",
                "'mq': expected a boolean (true or false), got the string \"maybe\""
            ]
        );
    }

    #[test]
    fn only_the_open_commands_are_open() {
        assert_eq!(open_command("device_add").map(|c| c.tag), Some("driver"));
        assert_eq!(
            open_command("object-add").map(|c| c.kind),
            Some(Kind::Object)
        );
        assert_eq!(open_command("blockdev-add"), None);
    }
}
