//! vm-info's JSON: one object whose keys are vm-info's sections, the same for every server (a key is absent when
//! the server has no such query; a query it refused is under `not-available`). The README documents each key.

use serde_json::{json, Map, Value};

use crate::vm_info::{dirty_bitmaps, displays, machine_name, user_objects, VmInfo};

/// Sections whose entries are QEMU's own, unchanged: key, and the query answer they come from.
const QEMU_LISTS: &[(&str, &str)] = &[
    ("cpus", "cpus"),
    ("block-devices", "block"),
    ("block-nodes", "block-nodes"),
    ("block-exports", "block-exports"),
    ("jobs", "jobs"),
    ("chardevs", "chardevs"),
    ("iothreads", "iothreads"),
    ("pci-buses", "pci"),
];

/// The report as one JSON object.
pub fn to_json(info: &VmInfo) -> Value {
    let mut out = Map::new();
    let mut put = |key: &str, value: Value| {
        out.insert(key.to_owned(), value);
    };
    if let Some(v) = info.get("version") {
        let q = v.get("qemu");
        let n = |k| {
            q.and_then(|q| q.get(k))
                .and_then(Value::as_u64)
                .unwrap_or(0)
        };
        put(
            "qemu",
            json!({
                "version": format!("{}.{}.{}", n("major"), n("minor"), n("micro")),
                "package": v.get("package").cloned().unwrap_or(Value::Null),
            }),
        );
    }
    if let Some(s) = info.get("status") {
        put("status", s.get("status").cloned().unwrap_or(Value::Null));
        put("running", s.get("running").cloned().unwrap_or(Value::Null));
    }
    let member = |key: &str, inner: &str| info.get(key).and_then(|v| v.get(inner)).cloned();
    for (key, answer, inner) in [
        ("name", "name", "name"),
        ("uuid", "uuid", "UUID"),
        ("target", "target", "arch"),
    ] {
        if let Some(v) = member(answer, inner) {
            put(key, v);
        }
    }
    if let Some(m) = machine_name(info) {
        put("machine", Value::String(m));
    }
    if let Some(k) = info.get("kvm") {
        put(
            "kvm",
            json!({"enabled": k.get("enabled"), "present": k.get("present")}),
        );
    }
    if let Some(m) = info.get("memory") {
        put(
            "memory",
            json!({"base": m.get("base-memory"), "plugged": m.get("plugged-memory").cloned().unwrap_or(json!(0))}),
        );
    }
    if let Some(actual) = member("balloon", "actual") {
        put("balloon", actual);
    }
    if let Some(m) = info.get("migration") {
        put(
            "migration",
            m.get("status").cloned().unwrap_or(json!("none")),
        );
    }
    for (key, answer) in QEMU_LISTS {
        if let Some(list) = info.get(answer) {
            put(key, list.clone());
        }
    }
    if info.get("block-nodes").is_some() {
        put("dirty-bitmaps", Value::Array(dirty_bitmaps(info)));
    }
    if info.get("nics").is_some() {
        put("nics", info.get("nics").cloned().unwrap_or_default());
    }
    if info.get("vnc").is_some() || info.get("spice").is_some() {
        put("displays", Value::Array(displays(info)));
    }
    if info.get("objects").is_some() {
        let objects = user_objects(info)
            .into_iter()
            .map(|(id, kind)| json!({"id": id, "type": kind}));
        put("objects", objects.collect());
    }
    let refused: Map<String, Value> = info
        .results
        .iter()
        .filter_map(|(k, r)| {
            r.as_ref()
                .err()
                .map(|e| (k.clone(), Value::String(e.clone())))
        })
        .collect();
    if !refused.is_empty() {
        put("not-available", Value::Object(refused));
    }
    Value::Object(out)
}
