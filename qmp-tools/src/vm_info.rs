//! vm-info: what a QEMU process is (version, state, name, CPUs, memory, block devices, ...) from the queries the
//! server offers; a storage daemon simply offers fewer.

use qmp_client::{Client, Error};
use serde_json::{json, Map, Value};

use crate::table::{human_size, Table};

/// One query: its key in the JSON output, the command and its arguments.
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
        q("migration", "query-migrate", Value::Null),
        q("objects", "qom-list", json!({"path": "/objects"})),
    ]
}

/// What the queries returned, in the order asked; a query the server refused keeps its error.
#[derive(Clone, Debug, Default)]
pub struct VmInfo {
    pub results: Vec<(String, Result<Value, String>)>,
}

impl VmInfo {
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.results
            .iter()
            .find(|(k, _)| k == key)
            .and_then(|(_, r)| r.as_ref().ok())
    }

    /// Every answer under its key, and the refusals under `errors`.
    pub fn to_json(&self) -> Value {
        let mut out = Map::new();
        let mut errors = Map::new();
        for (key, result) in &self.results {
            match result {
                Ok(v) => out.insert(key.clone(), v.clone()),
                Err(e) => errors.insert(key.clone(), Value::String(e.clone())),
            };
        }
        if !errors.is_empty() {
            out.insert("errors".to_owned(), Value::Object(errors));
        }
        Value::Object(out)
    }
}

/// Runs every query the server has, all at once.
pub async fn gather(client: &Client) -> Result<VmInfo, Error> {
    let available: Option<Vec<String>> =
        match client.execute_raw("query-commands", Value::Null).await {
            Ok(Value::Array(list)) => Some(
                list.iter()
                    .filter_map(|c| c.get("name").and_then(Value::as_str).map(str::to_owned))
                    .collect(),
            ),
            Ok(_) => None,
            Err(e) if e.is_disconnect() => return Err(e),
            Err(_) => None,
        };
    let wanted: Vec<Query> = plan()
        .into_iter()
        .filter(|q| {
            available
                .as_ref()
                .is_none_or(|a| a.iter().any(|c| c == q.command))
        })
        .collect();
    let calls = wanted
        .iter()
        .map(|q| client.execute_raw(q.command, q.args.clone()));
    let answers = futures_join(calls).await;
    let mut info = VmInfo::default();
    for (query, answer) in wanted.iter().zip(answers) {
        let result = match answer {
            Ok(v) => Ok(v),
            Err(e) if e.is_disconnect() => return Err(e),
            Err(Error::Qmp { desc, .. }) => Err(desc),
            Err(e) => Err(e.to_string()),
        };
        info.results.push((query.key.to_owned(), result));
    }
    Ok(info)
}

/// Awaits all futures, concurrently, keeping their order (the client pipelines the requests).
async fn futures_join<F: std::future::Future>(futures: impl Iterator<Item = F>) -> Vec<F::Output> {
    let mut pinned: Vec<_> = futures.map(Box::pin).collect();
    let mut outputs: Vec<Option<F::Output>> = pinned.iter().map(|_| None).collect();
    std::future::poll_fn(|cx| {
        let mut pending = false;
        for (fut, out) in pinned.iter_mut().zip(outputs.iter_mut()) {
            if out.is_none() {
                match fut.as_mut().poll(cx) {
                    std::task::Poll::Ready(v) => *out = Some(v),
                    std::task::Poll::Pending => pending = true,
                }
            }
        }
        if pending {
            std::task::Poll::Pending
        } else {
            std::task::Poll::Ready(())
        }
    })
    .await;
    outputs.into_iter().flatten().collect()
}

/// A value as a cell: text as is, numbers and booleans printed, absent as `-`.
fn cell(value: Option<&Value>) -> String {
    match value {
        None | Some(Value::Null) => "-".to_owned(),
        Some(Value::String(s)) if s.is_empty() => "-".to_owned(),
        Some(Value::String(s)) => s.clone(),
        Some(Value::Bool(b)) => if *b { "yes" } else { "no" }.to_owned(),
        Some(other) => other.to_string(),
    }
}

fn size_cell(value: Option<&Value>) -> String {
    value
        .and_then(Value::as_u64)
        .map(human_size)
        .unwrap_or_else(|| "-".to_owned())
}

fn list(value: Option<&Value>) -> &[Value] {
    value
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or(&[])
}

/// The report as text tables.
pub fn render(info: &VmInfo) -> String {
    let mut tables = vec![overview(info)];
    tables.extend(cpus(info));
    tables.extend(block_devices(info));
    tables.extend(block_nodes(info));
    tables.extend(simple_tables(info));
    tables.extend(pci(info));
    // The overview always shows, if only its title (a storage daemon has no status, name or machine).
    let mut out: Vec<String> = tables
        .iter()
        .enumerate()
        .filter(|(i, t)| *i == 0 || !t.rows.is_empty())
        .map(|(_, t)| t.render())
        .collect();
    let refused: Vec<String> = info
        .results
        .iter()
        .filter_map(|(k, r)| r.as_ref().err().map(|e| format!("{k}: {e}")))
        .collect();
    if !refused.is_empty() {
        out.push(format!("Not available\n  {}\n", refused.join("\n  ")));
    }
    out.join("\n")
}

fn overview(info: &VmInfo) -> Table {
    let title = match info.get("version") {
        Some(v) => {
            let q = v.get("qemu");
            let n = |k| {
                q.and_then(|q| q.get(k))
                    .map(|x| cell(Some(x)))
                    .unwrap_or_default()
            };
            let package = cell(v.get("package"));
            let package = if package == "-" {
                String::new()
            } else {
                format!(" ({package})")
            };
            format!("QEMU {}.{}.{}{package}", n("major"), n("minor"), n("micro"))
        }
        None => "QEMU".to_owned(),
    };
    let mut t = Table::new(title, &[]);
    let mut add = |key: &str, value: String| t.row(vec![key.to_owned(), value]);
    if let Some(s) = info.get("status") {
        let running = if s.get("running").and_then(Value::as_bool) == Some(true) {
            "running"
        } else {
            "not running"
        };
        add("Status", format!("{} ({running})", cell(s.get("status"))));
    }
    if let Some(n) = info.get("name") {
        add("Name", cell(n.get("name")));
    }
    if let Some(u) = info.get("uuid") {
        add("UUID", cell(u.get("UUID")));
    }
    if let Some(t) = info.get("target") {
        add("Target", cell(t.get("arch")));
    }
    if let Some(m) = info.get("machine") {
        add("Machine", cell(Some(m)));
    }
    if let Some(k) = info.get("kvm") {
        let kvm = format!(
            "{} (present: {})",
            cell(k.get("enabled")),
            cell(k.get("present"))
        );
        add("KVM", kvm);
    }
    if let Some(c) = info.get("cpus") {
        add("CPUs", list(Some(c)).len().to_string());
    }
    if let Some(m) = info.get("memory") {
        let plugged = m.get("plugged-memory").and_then(Value::as_u64).unwrap_or(0);
        let extra = if plugged > 0 {
            format!(" + {} hot-plugged", human_size(plugged))
        } else {
            String::new()
        };
        add(
            "Memory",
            format!("{}{extra}", size_cell(m.get("base-memory"))),
        );
    }
    if let Some(b) = info.get("balloon") {
        add("Balloon", size_cell(b.get("actual")));
    }
    if let Some(m) = info.get("migration") {
        let status = cell(m.get("status"));
        add(
            "Migration",
            if status == "-" {
                "none".to_owned()
            } else {
                status
            },
        );
    }
    t
}

fn cpus(info: &VmInfo) -> Option<Table> {
    let cpus = list(info.get("cpus"));
    let mut t = Table::new(
        format!("CPUs ({})", cpus.len()),
        &["INDEX", "THREAD", "TOPOLOGY", "QOM PATH"],
    );
    for c in cpus {
        let topology: Vec<String> = c
            .get("props")
            .and_then(Value::as_object)
            .map(|p| {
                p.iter()
                    .map(|(k, v)| format!("{}={}", k.trim_end_matches("-id"), cell(Some(v))))
                    .collect()
            })
            .unwrap_or_default();
        t.row(vec![
            cell(c.get("cpu-index")),
            cell(c.get("thread-id")),
            topology.join(" "),
            cell(c.get("qom-path")),
        ]);
    }
    Some(t)
}

fn block_devices(info: &VmInfo) -> Option<Table> {
    let mut t = Table::new(
        "Block devices",
        &[
            "DEVICE",
            "NODE",
            "DRIVER",
            "SIZE",
            "RO",
            "REMOVABLE",
            "FILE",
        ],
    );
    for d in list(info.get("block")) {
        let name = match cell(d.get("device")).as_str() {
            "-" => cell(d.get("qdev")),
            other => other.to_owned(),
        };
        let inserted = d.get("inserted");
        let get = |k: &str| inserted.and_then(|i| i.get(k));
        let size = inserted
            .and_then(|i| i.get("image"))
            .and_then(|i| i.get("virtual-size"));
        let (node, driver) = match inserted {
            Some(_) => (cell(get("node-name")), cell(get("drv"))),
            None => ("(no medium)".to_owned(), "-".to_owned()),
        };
        t.row(vec![
            name,
            node,
            driver,
            size_cell(size),
            cell(get("ro")),
            cell(d.get("removable")),
            cell(get("file")),
        ]);
    }
    Some(t)
}

fn block_nodes(info: &VmInfo) -> Option<Table> {
    let mut t = Table::new("Block nodes", &["NODE", "DRIVER", "SIZE", "RO", "FILE"]);
    for n in list(info.get("block-nodes")) {
        let size = n.get("image").and_then(|i| i.get("virtual-size"));
        t.row(vec![
            cell(n.get("node-name")),
            cell(n.get("drv")),
            size_cell(size),
            cell(n.get("ro")),
            cell(n.get("file")),
        ]);
    }
    Some(t)
}

/// A table's columns: header, and the member of each list entry it shows.
type Columns = &'static [(&'static str, &'static str)];

/// Tables whose rows are plain members of each list entry.
fn simple_tables(info: &VmInfo) -> Vec<Table> {
    let specs: [(&str, &str, Columns); 4] = [
        (
            "block-exports",
            "Block exports",
            &[
                ("ID", "id"),
                ("TYPE", "type"),
                ("NODE", "node-name"),
                ("SHUTTING DOWN", "shutting-down"),
            ],
        ),
        (
            "jobs",
            "Jobs",
            &[
                ("ID", "id"),
                ("TYPE", "type"),
                ("STATUS", "status"),
                ("DONE", "current-progress"),
                ("OF", "total-progress"),
            ],
        ),
        (
            "chardevs",
            "Character devices",
            &[
                ("LABEL", "label"),
                ("OPEN", "frontend-open"),
                ("FILENAME", "filename"),
            ],
        ),
        (
            "iothreads",
            "I/O threads",
            &[("ID", "id"), ("THREAD", "thread-id")],
        ),
    ];
    let mut tables: Vec<Table> = specs
        .iter()
        .map(|(key, title, columns)| {
            let headers: Vec<&str> = columns.iter().map(|(h, _)| *h).collect();
            let mut t = Table::new(*title, &headers);
            for entry in list(info.get(key)) {
                t.row(columns.iter().map(|(_, k)| cell(entry.get(*k))).collect());
            }
            t
        })
        .collect();
    let mut objects = Table::new("User-created objects", &["ID", "TYPE"]);
    for o in list(info.get("objects")) {
        let kind = o.get("type").and_then(Value::as_str).unwrap_or("");
        if let Some(inner) = kind
            .strip_prefix("child<")
            .and_then(|k| k.strip_suffix('>'))
        {
            objects.row(vec![cell(o.get("name")), inner.to_owned()]);
        }
    }
    tables.push(objects);
    tables
}

fn pci(info: &VmInfo) -> Option<Table> {
    let mut t = Table::new("PCI devices", &["ADDRESS", "VENDOR:DEVICE", "CLASS", "ID"]);
    for bus in list(info.get("pci")) {
        for d in list(bus.get("devices")) {
            let num = |k: &str| d.get(k).and_then(Value::as_u64).unwrap_or(0);
            let id = |k: &str| {
                d.get("id")
                    .and_then(|i| i.get(k))
                    .and_then(Value::as_u64)
                    .unwrap_or(0)
            };
            t.row(vec![
                format!("{:02x}:{:02x}.{}", num("bus"), num("slot"), num("function")),
                format!("{:04x}:{:04x}", id("vendor"), id("device")),
                cell(d.get("class_info").and_then(|c| c.get("desc"))),
                cell(d.get("qdev_id")),
            ]);
        }
    }
    Some(t)
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
            text.starts_with("QEMU 10.0.2\n  Status  prelaunch (not running)\n"),
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
    fn json_keeps_answers_and_refusals() {
        let i = info(vec![
            ("name", Ok(json!({"name": "vm0"}))),
            ("balloon", Err("none")),
        ]);
        assert_eq!(
            i.to_json(),
            json!({"name": {"name": "vm0"}, "errors": {"balloon": "none"}})
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
