//! vm-info's tables.

use serde_json::Value;

use crate::shared::table::{human_size, Table};
use crate::vm_info::{dirty_bitmaps, displays, machine_name, user_objects, VmInfo};

/// A value as a cell: text as is, numbers and booleans printed, absent as `-`.
pub(crate) fn cell(value: Option<&Value>) -> String {
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
    tables.push(bitmaps(info));
    tables.push(nic_table(info));
    tables.push(display_table(info));
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
        add("Status", cell(s.get("status")));
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
    if let Some(m) = machine_name(info) {
        add("Machine", m);
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
    for (id, kind) in user_objects(info) {
        objects.row(vec![id, kind]);
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

fn bitmaps(info: &VmInfo) -> Table {
    let mut t = Table::new(
        "Dirty bitmaps",
        &[
            "NODE",
            "NAME",
            "GRANULARITY",
            "DIRTY",
            "RECORDING",
            "PERSISTENT",
        ],
    );
    for b in dirty_bitmaps(info) {
        t.row(vec![
            cell(b.get("node")),
            cell(b.get("name")),
            size_cell(b.get("granularity")),
            size_cell(b.get("count")),
            cell(b.get("recording")),
            cell(b.get("persistent")),
        ]);
    }
    t
}

fn nic_table(info: &VmInfo) -> Table {
    let mut t = Table::new("NICs", &["ID", "TYPE", "MAC", "NETDEV", "QOM PATH"]);
    for n in list(info.get("nics")) {
        t.row(vec![
            cell(n.get("id")),
            cell(n.get("type")),
            cell(n.get("mac")),
            cell(n.get("netdev")),
            cell(n.get("qom-path")),
        ]);
    }
    t
}

fn display_table(info: &VmInfo) -> Table {
    let mut t = Table::new("Displays", &["TYPE", "ID", "ADDRESS", "AUTH", "CLIENTS"]);
    for d in displays(info) {
        t.row(vec![
            cell(d.get("type")),
            cell(d.get("id")),
            cell(d.get("address")),
            cell(d.get("auth")),
            cell(d.get("clients")),
        ]);
    }
    t
}
