//! vm-info: what a QEMU process is (version, state, machine, CPUs, memory, block devices, NICs, displays, ...)
//! from the queries the server offers; a storage daemon simply offers fewer. [`gather`] asks, [`render`] makes
//! tables, [`to_json`] the one JSON shape documented in the README.

mod json;
mod render;

pub use json::to_json;
pub use render::render;

use qmp_client::{Client, Error};

use crate::shared::join::futures_join;
use serde_json::{json, Map, Value};

/// One query: its key in [`VmInfo`], the command and its arguments.
struct Query {
    key: &'static str,
    command: &'static str,
    args: Value,
}

fn plan() -> Vec<Query> {
    let q = |key, command, args| Query { key, command, args };
    vec![
        q("version", "query-version", Value::Null),
        q("status", "query-status", Value::Null),
        q("name", "query-name", Value::Null),
        q("uuid", "query-uuid", Value::Null),
        q("target", "query-target", Value::Null),
        q(
            "machine",
            "qom-get",
            json!({"path": "/machine", "property": "type"}),
        ),
        q("machines", "query-machines", Value::Null),
        q("kvm", "query-kvm", Value::Null),
        q("cpus", "query-cpus-fast", Value::Null),
        q("memory", "query-memory-size-summary", Value::Null),
        q("balloon", "query-balloon", Value::Null),
        q("block", "query-block", Value::Null),
        q(
            "block-nodes",
            "query-named-block-nodes",
            json!({"flat": true}),
        ),
        q("block-exports", "query-block-exports", Value::Null),
        q("jobs", "query-jobs", Value::Null),
        q("chardevs", "query-chardev", Value::Null),
        q("iothreads", "query-iothreads", Value::Null),
        q("pci", "query-pci", Value::Null),
        q("vnc", "query-vnc-servers", Value::Null),
        q("spice", "query-spice", Value::Null),
        q("migration", "query-migrate", Value::Null),
        q("objects", "qom-list", json!({"path": "/objects"})),
    ]
}

/// Where `-device` puts devices with and without an id.
const PERIPHERALS: [&str; 2] = ["/machine/peripheral", "/machine/peripheral-anon"];

/// What the queries returned, in the order asked; a query the server refused keeps its error. `nics` is not a
/// query's answer but vm-info's own list (see [`gather`]).
#[derive(Clone, Debug, Default)]
pub struct VmInfo {
    /// Each query's name with its answer or the server's refusal.
    pub results: Vec<(String, Result<Value, String>)>,
}

impl VmInfo {
    /// The answer to the query `key`, if it succeeded.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.results
            .iter()
            .find(|(k, _)| k == key)
            .and_then(|(_, r)| r.as_ref().ok())
    }
}

/// Runs every query the server has, all at once; then finds the NICs among the devices.
pub async fn gather(client: &Client) -> Result<VmInfo, Error> {
    let available: Option<Vec<String>> =
        match client.execute_raw("query-commands", Value::Null).await {
            Ok(list @ Value::Array(_)) => Some(crate::shared::lists::names(&list)),
            Ok(_) => None,
            Err(e) if e.is_disconnect() || matches!(e, Error::Timeout(_)) => return Err(e),
            Err(_) => None,
        };
    let has = |command: &str| {
        available
            .as_ref()
            .is_none_or(|a| a.iter().any(|c| c == command))
    };
    let wanted: Vec<Query> = plan().into_iter().filter(|q| has(q.command)).collect();
    let calls = wanted
        .iter()
        .map(|q| client.execute_raw(q.command, q.args.clone()));
    let answers = futures_join(calls).await;
    let mut info = VmInfo::default();
    for (query, answer) in wanted.iter().zip(answers) {
        info.results.push((query.key.to_owned(), outcome(answer)?));
    }
    if has("qom-list") && info.get("machine").is_some() {
        let nics = nics(client).await?;
        info.results
            .push(("nics".to_owned(), Ok(Value::Array(nics))));
    }
    Ok(info)
}

/// A refusal is kept; a lost connection or a timeout ends the whole report.
fn outcome(answer: Result<Value, Error>) -> Result<Result<Value, String>, Error> {
    match answer {
        Ok(v) => Ok(Ok(v)),
        Err(e) if e.is_disconnect() || matches!(e, Error::Timeout(_)) => Err(e),
        Err(Error::Qmp { desc, .. }) => Ok(Err(desc)),
        Err(e) => Ok(Err(e.to_string())),
    }
}

/// The devices given with `-device` (or `device_add`) that have a `mac` and a `netdev`: each as
/// `{"id", "type", "mac", "netdev", "qom-path"}` (`id` null for a device without one).
async fn nics(client: &Client) -> Result<Vec<Value>, Error> {
    let listings = futures_join(
        PERIPHERALS
            .iter()
            .map(|p| client.execute_raw("qom-list", json!({"path": p}))),
    )
    .await;
    let mut paths = Vec::new();
    for (parent, listing) in PERIPHERALS.iter().zip(listings) {
        let Ok(listing) = outcome(listing)? else {
            continue;
        };
        for p in crate::shared::qom::properties(&listing) {
            if crate::shared::qom::is_child(&p.type_name) {
                paths.push((*parent, p.name));
            }
        }
    }
    let device_listings = futures_join(paths.iter().map(|(parent, name)| {
        let path = format!("{parent}/{name}");
        async move {
            (
                path.clone(),
                client.execute_raw("qom-list", json!({"path": path})).await,
            )
        }
    }))
    .await;
    let mut out = Vec::new();
    for ((parent, name), (path, listing)) in paths.iter().zip(device_listings) {
        let Ok(listing) = outcome(listing)? else {
            continue;
        };
        let props = crate::shared::qom::properties(&listing);
        let has = |n: &str| props.iter().any(|p| p.name == n);
        if !(has("mac") && has("netdev")) {
            continue;
        }
        let get = |property: &'static str| {
            client.execute_raw("qom-get", json!({"path": path, "property": property}))
        };
        let values = futures_join([get("type"), get("mac"), get("netdev")].into_iter()).await;
        let mut nic = Map::new();
        let id = (*parent == PERIPHERALS[0]).then(|| Value::String(name.clone()));
        nic.insert("id".to_owned(), id.unwrap_or(Value::Null));
        for (key, value) in ["type", "mac", "netdev"].into_iter().zip(values) {
            nic.insert(key.to_owned(), outcome(value)?.unwrap_or(Value::Null));
        }
        nic.insert("qom-path".to_owned(), Value::String(path.clone()));
        out.push(Value::Object(nic));
    }
    Ok(out)
}

/// QEMU's machine name from its QOM type: `pc-i440fx-10.0-machine` is `pc-i440fx-10.0`.
pub fn machine_name(info: &VmInfo) -> Option<String> {
    let qom_type = info.get("machine")?.as_str()?;
    Some(
        qom_type
            .strip_suffix("-machine")
            .unwrap_or(qom_type)
            .to_owned(),
    )
}

/// The `query-machines` entry of the running machine.
fn current_machine(info: &VmInfo) -> Option<&Value> {
    let name = machine_name(info)?;
    info.get("machines")?
        .as_array()?
        .iter()
        .find(|m| m.get("name").and_then(Value::as_str) == Some(name.as_str()))
}

/// The objects under `/objects` that a user created: `(id, QOM type)`. The machine's own RAM backend (its
/// `default-ram-id`, `pc.ram` on a PC), which QEMU creates for `-m`, is not one of them.
pub fn user_objects(info: &VmInfo) -> Vec<(String, String)> {
    let own_ram = current_machine(info)
        .and_then(|m| m.get("default-ram-id"))
        .and_then(Value::as_str);
    let listing = info.get("objects").cloned().unwrap_or(Value::Null);
    crate::shared::qom::properties(&listing)
        .into_iter()
        .filter_map(|p| {
            let kind = p.type_name.strip_prefix("child<")?.strip_suffix('>')?;
            (Some(p.name.as_str()) != own_ram).then(|| (p.name.clone(), kind.to_owned()))
        })
        .collect()
}

/// The dirty bitmaps of every block node: `{"node", "name", "granularity", "count", "recording", "persistent"}`.
pub fn dirty_bitmaps(info: &VmInfo) -> Vec<Value> {
    let nodes = info.get("block-nodes").and_then(Value::as_array);
    let mut out = Vec::new();
    for node in nodes.into_iter().flatten() {
        let bitmaps = node.get("dirty-bitmaps").and_then(Value::as_array);
        for b in bitmaps.into_iter().flatten() {
            let get = |k: &str| b.get(k).cloned().unwrap_or(Value::Null);
            out.push(json!({
                "node": node.get("node-name").cloned().unwrap_or(Value::Null),
                "name": get("name"),
                "granularity": get("granularity"),
                "count": get("count"),
                "recording": get("recording"),
                "persistent": get("persistent"),
            }));
        }
    }
    out
}

/// The remote displays: each VNC server (`{"type": "vnc", "id", "address", "auth", "clients"}`) and SPICE when
/// enabled (`{"type": "spice", ...}`).
pub fn displays(info: &VmInfo) -> Vec<Value> {
    let mut out = Vec::new();
    let servers = info.get("vnc").and_then(Value::as_array);
    for vnc in servers.into_iter().flatten() {
        let first = vnc
            .get("server")
            .and_then(Value::as_array)
            .and_then(|s| s.first());
        let address = first.map(|s| {
            let host = s.get("host").and_then(Value::as_str).unwrap_or("");
            let service = s.get("service").and_then(Value::as_str).unwrap_or("");
            if host.contains(':') {
                format!("[{host}]:{service}")
            } else {
                format!("{host}:{service}")
            }
        });
        let clients = vnc.get("clients").and_then(Value::as_array).map(Vec::len);
        out.push(json!({
            "type": "vnc",
            "id": vnc.get("id").cloned().unwrap_or(Value::Null),
            "address": address,
            "auth": vnc.get("auth").cloned().unwrap_or(Value::Null),
            "clients": clients.unwrap_or(0),
        }));
    }
    if let Some(spice) = info.get("spice") {
        if spice.get("enabled").and_then(Value::as_bool) == Some(true) {
            let host = spice.get("host").and_then(Value::as_str).unwrap_or("");
            let port = spice.get("port").or_else(|| spice.get("tls-port"));
            let clients = spice
                .get("channels")
                .and_then(Value::as_array)
                .map(Vec::len);
            out.push(json!({
                "type": "spice",
                "id": null,
                "address": port.map(|p| format!("{host}:{p}")),
                "auth": spice.get("auth").cloned().unwrap_or(Value::Null),
                "clients": clients.unwrap_or(0),
            }));
        }
    }
    out
}
#[cfg(test)]
mod tests {
    use super::*;

    fn info(results: Vec<(&str, Result<Value, &str>)>) -> VmInfo {
        VmInfo {
            results: results
                .into_iter()
                .map(|(k, r)| (k.to_owned(), r.map_err(str::to_owned)))
                .collect(),
        }
    }

    #[test]
    fn renders_what_there_is() {
        let i = info(vec![
            (
                "version",
                Ok(json!({"qemu": {"major": 10, "minor": 0, "micro": 2}, "package": ""})),
            ),
            (
                "status",
                Ok(json!({"running": false, "status": "prelaunch"})),
            ),
            (
                "memory",
                Ok(json!({"base-memory": 268435456u64, "plugged-memory": 0})),
            ),
            (
                "cpus",
                Ok(
                    json!([{"cpu-index": 0, "thread-id": 7, "qom-path": "/machine/unattached/device[0]",
                                 "props": {"core-id": 0, "socket-id": 0}}]),
                ),
            ),
            ("balloon", Err("No balloon device has been activated")),
            (
                "objects",
                Ok(
                    json!([{"name": "type", "type": "string"}, {"name": "io0", "type": "child<iothread>"}]),
                ),
            ),
        ]);
        let text = render(&i);
        assert!(
            text.starts_with("QEMU 10.0.2\n  Status  prelaunch\n"),
            "{text}"
        );
        assert!(text.contains("  Memory  256 MiB\n"), "{text}");
        assert!(text.contains("CPUs (1)\n  INDEX  THREAD  TOPOLOGY         QOM PATH\n  0      7       core=0 socket=0  /machine/unattached/device[0]\n"), "{text}");
        assert!(
            text.contains("User-created objects\n  ID   TYPE\n  io0  iothread\n"),
            "{text}"
        );
        assert!(
            text.ends_with("Not available\n  balloon: No balloon device has been activated\n"),
            "{text}"
        );
        assert!(!text.contains("Block devices"));
    }

    #[test]
    fn json_is_vm_info_s_own_shape() {
        let i = info(vec![
            ("name", Ok(json!({"name": "vm0"}))),
            (
                "status",
                Ok(json!({"running": false, "status": "prelaunch"})),
            ),
            ("machine", Ok(json!("pc-i440fx-10.0-machine"))),
            (
                "machines",
                Ok(json!([{"name": "pc-i440fx-10.0", "default-ram-id": "pc.ram"}])),
            ),
            (
                "objects",
                Ok(
                    json!([{"name": "type", "type": "string"}, {"name": "pc.ram", "type": "child<memory-backend-ram>"},
                          {"name": "mem1", "type": "child<memory-backend-ram>"}]),
                ),
            ),
            ("balloon", Err("none")),
        ]);
        assert_eq!(
            to_json(&i),
            json!({"name": "vm0", "status": "prelaunch", "running": false, "machine": "pc-i440fx-10.0",
                   "objects": [{"id": "mem1", "type": "memory-backend-ram"}],
                   "not-available": {"balloon": "none"}})
        );
    }

    #[test]
    fn odd_shapes_do_not_panic() {
        let i = info(vec![
            ("cpus", Ok(json!("not a list"))),
            ("block", Ok(json!([{"device": 3}, 7]))),
            ("pci", Ok(json!([{"devices": [{}]}]))),
            ("version", Ok(json!([]))),
        ]);
        let text = render(&i);
        assert!(text.contains("00:00.0"), "{text}");
    }
}
