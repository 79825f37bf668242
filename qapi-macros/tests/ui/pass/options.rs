// The options: no docs and conditions as cfg (CONFIG_S390 is not set, so that value is unknown to the bindings),
// one module and what it uses, a doc URL, strict rules on a schema that meets them.
#![deny(warnings)]

#[path = "../common/fake.rs"]
mod fake;

// The condition names come from the schema and nothing declares them to `check-cfg` (a build script or
// `[lints.rust] unexpected_cfgs = { check-cfg = [...] }` in Cargo.toml could): allow them here.
#[allow(unexpected_cfgs)]
mod configured {
    qapi_macros::include_qapi!(
        "$QAPI_MACROS_DIR/tests/schemas/every/every.json",
        docs = false,
        conditions = cfg,
    );
}

mod common {
    qapi_macros::include_qapi!(
        "$QAPI_MACROS_DIR/tests/schemas/every/every.json",
        modules = ["common"],
        doc_url = "https://example.invalid/qapi#{name}",
    );
}

mod strict {
    qapi_macros::include_qapi!("${QAPI_MACROS_DIR}/tests/schemas/strict.json", strict);
}

use common::Commands as _;

fn main() {
    assert_eq!(
        configured::MachineKind::from_name("s390".into()),
        configured::MachineKind::Other("s390".into())
    );
    let qemu = fake::Fake::new(vec![(
        "get-value",
        serde_json::json!({ "type": "text", "data": "v" }),
    )]);
    let value = qemu.get_value(common::GetValue::new("k")).unwrap();
    assert_eq!(value, common::Value::Text("v".into()));
    let point = strict::Point::new(1, 2);
    assert_eq!(
        serde_json::to_value(point).unwrap(),
        serde_json::json!({ "x": 1, "y": 2 })
    );
}
