// Our schema of every construct, used through the generated types and the `Commands` trait.
#![deny(warnings)]

#[path = "../common/fake.rs"]
mod fake;

mod api {
    qapi_macros::include_qapi!("$QAPI_MACROS_DIR/tests/schemas/every/every.json");
}

use api::Commands as _;
use qapi_runtime::{Command, Definition, EventSet};
use serde_json::json;

fn main() {
    let qemu = fake::Fake::new(vec![
        (
            "add-machine",
            json!({ "name": "m1", "kind": "virt", "cpus": 4, "future-member": 1 }),
        ),
        (
            "query-machines",
            json!([{ "name": "m1", "kind": "riscv", "cpus": 1, "memory": 1024 }]),
        ),
        (
            "describe",
            json!({ "value": 1, "children": [{ "value": 2 }], "left": { "value": 3 } }),
        ),
        ("get-value", json!({ "type": "number", "data": 7 })),
    ]);

    // Inline arguments: required members in `new`, optional ones with `with_*`.
    let args = api::AddMachine::new("m1", api::MachineKind::Virt)
        .with_size(api::Size::Named(api::Named::new("big")));
    let machine = qemu.add_machine(args).unwrap();
    assert_eq!(machine, api::Machine::new("m1", api::MachineKind::Virt, 4));
    let named: api::Named = machine.into();
    assert_eq!(named.name, "m1");

    // A newer QEMU's enum value is kept, not an error; an allow-oob command without arguments.
    let machines = qemu.query_machines().unwrap();
    assert_eq!(machines[0].kind, api::MachineKind::Other("riscv".into()));
    assert_eq!(machines[0].memory, Some(1024));
    const _: () = assert!(api::QueryMachines::ALLOW_OOB);

    // Named arguments (the method takes the named type), a recursive return type.
    let tree = qemu.describe(api::DiskFile::new("a.img")).unwrap();
    assert_eq!(tree.children.as_ref().map(Vec::len), Some(1));
    assert_eq!(tree.left.as_ref().map(|t| t.value), Some(3));

    // Boxed arguments: a flat union.
    let disk = api::Disk::new(api::DiskBranch::Nbd(api::DiskNbd::new(api::Named::new(
        "srv",
    ))))
    .with_size(512);
    qemu.set_disk(disk).unwrap();

    // A legacy simple union.
    let value = qemu.get_value(api::GetValue::new("k")).unwrap();
    assert_eq!(value, api::Value::Number(7));

    // What went on the wire.
    let sent = qemu.sent.borrow();
    assert_eq!(
        sent[0],
        json!({ "execute": "add-machine",
                "arguments": { "name": "m1", "kind": "virt", "size": { "name": "big" } } })
    );
    assert_eq!(
        sent[3],
        json!({ "execute": "set-disk",
                "arguments": { "size": 512, "driver": "nbd", "server": { "name": "srv" } } })
    );

    // Metadata, success-response, deprecation.
    assert_eq!(<api::Machine as Definition>::INFO.module, "every");
    assert_eq!(<api::Machine as Definition>::INFO.since, Some("1.0"));
    #[allow(deprecated)]
    {
        const _: () = assert!(!api::Halt::SUCCESS_RESPONSE);
    }

    // Events, known and unknown.
    let event = api::AnyEvent::from_parts("MACHINE_ADDED", br#"{"name": "m2"}"#).unwrap();
    assert_eq!(
        event,
        api::AnyEvent::MachineAdded(api::MachineAddedEvent::new("m2"))
    );
    let unknown = api::AnyEvent::from_parts("NEW_EVENT", br#"{"x": 1}"#).unwrap();
    assert_eq!(unknown.name(), "NEW_EVENT");
}
