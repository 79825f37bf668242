// QEMU 9.2.4's QMP schema, whole, used through the generated `Commands` trait.
#![deny(warnings)]

#[path = "../common/fake.rs"]
mod fake;

mod qmp {
    qapi_macros::include_qapi!("$QAPI_SHARED_DIR/qemu/9.2.4/qapi/qapi-schema.json");
}

use qmp::Commands as _;
use serde_json::json;

fn main() {
    let qemu = fake::Fake::new(vec![
        (
            "query-version",
            json!({ "qemu": { "major": 9, "minor": 2, "micro": 4 }, "package": "" }),
        ),
        ("human-monitor-command", json!("VM status: running")),
    ]);
    // All of its arguments are optional: it still takes them.
    qemu.qmp_capabilities(Default::default()).unwrap();
    let version = qemu.query_version().unwrap();
    assert_eq!((version.qemu.major, version.qemu.minor), (9, 2));
    let args = qmp::HumanMonitorCommand::new("info status").with_cpu_index(0);
    qemu.human_monitor_command(args).unwrap();
    let sent = qemu.sent.borrow();
    assert_eq!(
        sent[1],
        json!({ "execute": "query-version", "arguments": {} })
    );
    assert_eq!(
        sent[2],
        json!({ "execute": "human-monitor-command",
                "arguments": { "command-line": "info status", "cpu-index": 0 } })
    );
}
