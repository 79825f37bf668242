//! A property of the generated codec: for random JSON that conforms to a type of `schemas/constructs.json`
//! (made by walking the checked model, with members a newer QEMU might add and values these bindings do not
//! know), `decode(encode(decode(json))) == decode(json)`, and serde_json on top of the codec agrees.
//!
//! The generator is driven by the model only, so it serves any schema; a small seeded generator keeps the runs
//! reproducible (a failure prints its seed and JSON).

#[rustfmt::skip]
#[path = "generated/constructs.rs"]
#[allow(unused_imports, dead_code, deprecated)]
mod bindings;

use std::path::Path;

use qapi_gen::ir::Api;
use qapi_runtime::{Decode, Encode};
use serde_json::Value;

mod support {
    pub mod json_values;
}
use support::json_values::{Gen, Rng};

/// Decodes `json` as `T`, re-encodes, decodes again: the same value, and serde_json gives it too.
fn round_trip<T>(json: &Value) -> Result<(), String>
where
    T: Decode + Encode + PartialEq + std::fmt::Debug + serde::de::DeserializeOwned,
{
    let text = json.to_string();
    let first: T = qapi_runtime::from_str(&text).map_err(|e| format!("decode: {e}"))?;
    let encoded = qapi_runtime::to_vec(&first);
    let second: T = qapi_runtime::from_slice(&encoded).map_err(|e| format!("re-decode: {e}"))?;
    if first != second {
        return Err(format!("{first:?}\n  != {second:?}"));
    }
    let via_serde: T = serde_json::from_str(&text).map_err(|e| format!("serde: {e}"))?;
    if via_serde != first {
        return Err(format!("serde gave {via_serde:?}"));
    }
    Ok(())
}

type Check = fn(&Value) -> Result<(), String>;

/// Every type, command and event of constructs.json, by schema name.
#[allow(deprecated)]
fn checks() -> Vec<(&'static str, Check)> {
    use bindings::*;
    vec![
        ("QType", round_trip::<QType>),
        ("Color", round_trip::<Color>),
        ("CaseValues", round_trip::<CaseValues>),
        ("Empty", round_trip::<bindings::Empty>),
        ("Base", round_trip::<Base>),
        ("Derived", round_trip::<Derived>),
        ("Collide", round_trip::<Collide>),
        ("Node", round_trip::<Node>),
        ("NodeRef", round_trip::<NodeRef>),
        ("Scalar", round_trip::<Scalar>),
        ("ColorOrColors", round_trip::<ColorOrColors>),
        ("ShapeKind", round_trip::<ShapeKind>),
        ("ShapeBase", round_trip::<ShapeBase>),
        ("Circle", round_trip::<Circle>),
        ("Square", round_trip::<Square>),
        ("Shape", round_trip::<Shape>),
        ("GroupMode", round_trip::<GroupMode>),
        ("GroupAll", round_trip::<GroupAll>),
        ("GroupAny", round_trip::<GroupAny>),
        ("Group", round_trip::<Group>),
        ("draw", round_trip::<Draw>),
        ("query-shapes", round_trip::<QueryShapes>),
        ("add-shape", round_trip::<AddShape>),
        ("clear", round_trip::<Clear>),
        ("shutdown-now", round_trip::<ShutdownNow>),
        ("__com.example_frob", round_trip::<ComExampleFrob>),
        ("plug", round_trip::<Plug>),
        ("SHAPE_DRAWN", round_trip::<ShapeDrawnEvent>),
        ("CLEARED", round_trip::<ClearedEvent>),
        ("NODE_ADDED", round_trip::<NodeAddedEvent>),
        ("BASE", round_trip::<BaseEvent>),
        ("__com.example_Widget", round_trip::<ComExampleWidget>),
    ]
}

#[test]
fn decode_encode_decode_is_the_identity_for_every_construct() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../schemas/constructs.json");
    let schema = qapi_schema::load(&path, &qapi_schema::Options::default()).unwrap();
    let api = Api::from_schema(&schema);
    let checks = checks();
    // Every definition of the schema is checked.
    for d in &api.definitions {
        assert!(
            checks.iter().any(|(name, _)| *name == d.name),
            "no check for {}",
            d.name
        );
    }
    for (name, check) in checks {
        for seed in 1..=300u64 {
            let mut gen = Gen {
                api: &api,
                rng: Rng(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1),
                depth: 0,
            };
            let json = gen.named(name);
            if let Err(e) = check(&json) {
                panic!("{name}, seed {seed}: {e}\n  json: {json}");
            }
        }
    }
}
