//! QEMU's object tree (QOM) as a file system sees it: objects are directories, properties are files, `child<>`
//! properties are the child object's directory, set `link<>` properties are symbolic links to their target.
//!
//! Everything here is plain logic over `qom-list`/`qom-get` answers; the FUSE glue is in [`crate::qom_fuse`].

use serde_json::Value;

/// A property as `qom-list` gives it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Property {
    /// The property's name.
    pub name: String,
    /// Its type: `child<T>`, `link<T>`, `str`, `bool`, ...
    pub type_name: String,
}

/// Reads a list of QOM properties (`qom-list`, `qom-list-properties`, `device-list-properties` answer alike);
/// entries without a name are skipped.
pub fn property_list(answer: &Value) -> Vec<Property> {
    answer
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|p| {
            Some(Property {
                name: p.get("name")?.as_str()?.to_owned(),
                type_name: p
                    .get("type")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_owned(),
            })
        })
        .collect()
}

/// The properties of a `qom-list` answer that can be file names (not `.`, `..`, nor with a slash).
pub fn properties(listing: &Value) -> Vec<Property> {
    property_list(listing)
        .into_iter()
        .filter(|p| !p.name.is_empty() && !p.name.contains('/') && p.name != "." && p.name != "..")
        .collect()
}

/// How a property shows in the file system.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Node {
    /// An object (the root, or a `child<>` property).
    Object,
    /// A set `link<>` property: a symbolic link to the target object's absolute QOM path.
    Link(String),
    /// Any other property, and a `link<>` that is not set (writing a path into it sets it); `writable` is false
    /// where QEMU would refuse a `qom-set`.
    Property {
        /// The property's type.
        type_name: String,
        /// Whether QEMU would take a `qom-set` of it.
        writable: bool,
    },
}

/// Whether a QOM type name is a child property's (`child<T>`).
pub fn is_child(type_name: &str) -> bool {
    type_name.starts_with("child<")
}

/// Whether a QOM type name is a link property's (`link<T>`).
pub fn is_link(type_name: &str) -> bool {
    type_name.starts_with("link<")
}

/// The path of `name` inside the object at `parent`.
pub fn join(parent: &str, name: &str) -> String {
    if parent == "/" {
        format!("/{name}")
    } else {
        format!("{parent}/{name}")
    }
}

/// The parent path and the last name of a path other than `/`.
pub fn split(path: &str) -> Option<(&str, &str)> {
    let (parent, name) = path.rsplit_once('/')?;
    if name.is_empty() {
        return None;
    }
    Some((if parent.is_empty() { "/" } else { parent }, name))
}

/// What a symbolic link at `link_path` holds to reach the absolute QOM path `target`: relative, so it works
/// wherever the tree is mounted (`/machine/a/parent_bus` → `../../machine/i440fx/pci.0`).
pub fn relative_target(link_path: &str, target: &str) -> String {
    let depth = link_path.matches('/').count().saturating_sub(1);
    let up = "../".repeat(depth);
    let rest = target.trim_start_matches('/');
    match (up.is_empty(), rest.is_empty()) {
        (true, true) => ".".to_owned(),
        (true, false) => rest.to_owned(),
        (false, true) => up.trim_end_matches('/').to_owned(),
        (false, false) => format!("{up}{rest}"),
    }
}

/// A property's value as file content: text as is, anything else as JSON; one line.
pub fn render(value: &Value) -> Vec<u8> {
    let mut text = match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    text.push('\n');
    text.into_bytes()
}

/// The value to `qom-set` from what was written into a property of this type.
pub fn parse(type_name: &str, written: &[u8]) -> Value {
    let text = String::from_utf8_lossy(written);
    let text = text.strip_suffix('\n').unwrap_or(&text);
    let text = text.strip_suffix('\r').unwrap_or(text);
    if type_name == "string" || type_name == "str" || is_link(type_name) {
        return Value::String(text.to_owned());
    }
    if type_name == "bool" {
        match text.trim() {
            "true" | "on" | "yes" | "1" => return Value::Bool(true),
            "false" | "off" | "no" | "0" => return Value::Bool(false),
            _ => {}
        }
    }
    // Numbers, enums written as bare words, structured values as JSON.
    serde_json::from_str(text.trim()).unwrap_or_else(|_| Value::String(text.trim().to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn paths() {
        assert_eq!(join("/", "machine"), "/machine");
        assert_eq!(join("/machine", "unattached"), "/machine/unattached");
        assert_eq!(split("/machine"), Some(("/", "machine")));
        assert_eq!(
            split("/machine/i440fx/pci.0"),
            Some(("/machine/i440fx", "pci.0"))
        );
        assert_eq!(split("/"), None);
    }

    #[test]
    fn links_are_relative() {
        assert_eq!(
            relative_target(
                "/machine/i440fx/pci.0/child[4]/parent_bus",
                "/machine/i440fx/pci.0"
            ),
            "../../../../machine/i440fx/pci.0"
        );
        assert_eq!(relative_target("/machine/x", "/machine/y"), "../machine/y");
        assert_eq!(relative_target("/top", "/machine"), "machine");
        assert_eq!(relative_target("/a/b", "/"), "..");
    }

    #[test]
    fn values_as_files_and_back() {
        assert_eq!(
            render(&json!("pc-i440fx-10.0-machine")),
            b"pc-i440fx-10.0-machine\n"
        );
        assert_eq!(render(&json!(true)), b"true\n");
        assert_eq!(render(&json!({"a": 1})), b"{\"a\":1}\n");
        assert_eq!(parse("bool", b"off\n"), json!(false));
        assert_eq!(parse("bool", b"true"), json!(true));
        assert_eq!(parse("uint32", b"42\n"), json!(42));
        assert_eq!(parse("string", b"42\n"), json!("42"));
        assert_eq!(
            parse("link<bus>", b"/machine/i440fx/pci.0\n"),
            json!("/machine/i440fx/pci.0")
        );
        assert_eq!(parse("OnOffAuto", b"auto\n"), json!("auto"));
        assert_eq!(
            parse("SMPConfiguration", b"{\"cpus\": 2}"),
            json!({"cpus": 2})
        );
    }

    #[test]
    fn listing_skips_names_that_cannot_be_files() {
        let l = json!([{"name": "type", "type": "string"}, {"name": "a/b", "type": "int"}, {"type": "x"}, {"name": ".."}]);
        assert_eq!(
            properties(&l),
            [Property {
                name: "type".into(),
                type_name: "string".into()
            }]
        );
        assert!(properties(&json!({})).is_empty());
    }
}
