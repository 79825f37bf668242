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

use qapi_codegen::ir::{Api, Args, Builtin, IntType, Kind, Member, TypeExpr};
use qapi_runtime::{Decode, Encode};
use serde_json::{json, Map, Value};

/// xorshift64*: enough randomness for shapes of JSON, and the same sequence for the same seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn chance(&mut self, one_in: usize) -> bool {
        self.below(one_in) == 0
    }
}

/// Random JSON conforming to the model's types.
struct Gen<'a> {
    api: &'a Api,
    rng: Rng,
    depth: usize,
}

/// Beyond this depth, optional members are left out and recursion takes its shortest way out.
const DEEP: usize = 5;

impl Gen<'_> {
    fn builtin(&mut self, b: Builtin) -> Value {
        let r = self.rng.next();
        match b {
            Builtin::Str => {
                let samples = [
                    "",
                    "a",
                    "node-name",
                    "é\"\\\n\u{1}😀",
                    "/machine/peripheral/x",
                ];
                json!(samples[self.rng.below(samples.len())])
            }
            Builtin::Number => match self.rng.below(3) {
                0 => json!(r as i32),
                1 => json!((r as i32) as f64 / 8.0),
                _ => json!(f64::from_bits(r & 0x3fef_ffff_ffff_ffff)),
            },
            // QEMU's rule: a negative int64 is a uint64 too.
            Builtin::Int(IntType::UINT64) if self.rng.chance(4) => json!(r as i64),
            Builtin::Int(IntType::UINT64) => json!(r),
            Builtin::Int(int) => {
                // Any value of the type's range, from the random bits.
                let (low, high) = int.range();
                let span = (high - low) as u128 + 1;
                json!((low + (u128::from(r) % span) as i128) as i64)
            }
            Builtin::Bool => json!(r & 1 == 0),
            Builtin::Null => Value::Null,
            Builtin::Any => self.any(),
        }
    }

    fn any(&mut self) -> Value {
        match self.rng.below(if self.depth > DEEP { 3 } else { 5 }) {
            0 => json!(self.rng.next() as i64),
            1 => json!("x"),
            2 => Value::Null,
            3 => {
                self.depth += 1;
                let v = json!([self.any(), true]);
                self.depth -= 1;
                v
            }
            _ => {
                self.depth += 1;
                let v = json!({"k": self.any(), "n": 1.5});
                self.depth -= 1;
                v
            }
        }
    }

    fn value(&mut self, ty: &TypeExpr) -> Value {
        match ty {
            TypeExpr::Builtin(b) => self.builtin(*b),
            TypeExpr::Empty => json!({}),
            TypeExpr::Array(item) => {
                let n = if self.depth > DEEP {
                    0
                } else {
                    self.rng.below(4)
                };
                self.depth += 1;
                let items = (0..n).map(|_| self.value(item)).collect();
                self.depth -= 1;
                Value::Array(items)
            }
            TypeExpr::Named(name) => {
                self.depth += 1;
                let v = self.named(name);
                self.depth -= 1;
                v
            }
        }
    }

    fn named(&mut self, name: &str) -> Value {
        let def = self.api.definitions.iter().find(|d| d.name == name);
        let def = def.unwrap_or_else(|| panic!("no type {name}"));
        match &def.kind {
            Kind::Enum(values) if values.is_empty() || self.rng.chance(8) => json!("x-newer-value"),
            Kind::Enum(values) => json!(values[self.rng.below(values.len())].name),
            Kind::Struct(s) => Value::Object(self.members(&s.members)),
            Kind::Union(u) => {
                let mut object = self.members(&u.members);
                let known = u.branches.len();
                let pick = if self.depth > DEEP {
                    u.branches.iter().position(|b| b.ty.is_none()).unwrap_or(0)
                } else {
                    self.rng.below(known + 1)
                };
                match u.branches.get(pick) {
                    Some(branch) => {
                        object.insert(u.discriminator.clone(), json!(branch.name));
                        if let Some(ty) = &branch.ty {
                            let Value::Object(members) = self.named(ty) else {
                                unreachable!()
                            };
                            object.extend(members);
                        }
                    }
                    None => {
                        object.insert(u.discriminator.clone(), json!("x-newer-branch"));
                        object.insert("x-newer-member".into(), json!([1, {"a": null}]));
                    }
                }
                Value::Object(object)
            }
            Kind::SimpleUnion(branches) => {
                let b = &branches[self.rng.below(branches.len())];
                json!({"type": b.name, "data": self.value(&b.ty)})
            }
            Kind::Alternate(branches) => {
                let scalar = |ty: &TypeExpr| matches!(ty, TypeExpr::Builtin(_));
                let b = match branches.iter().find(|b| scalar(&b.ty)) {
                    Some(b) if self.depth > DEEP => b,
                    _ => &branches[self.rng.below(branches.len())],
                };
                self.value(&b.ty)
            }
            Kind::Command(c) => self.args(&c.args),
            Kind::Event(e) => self.args(&e.data),
        }
    }

    fn args(&mut self, args: &Args) -> Value {
        match args {
            Args::None => json!({}),
            Args::Inline(members) => Value::Object(self.members(members)),
            Args::Named(name) => self.named(name),
        }
    }

    /// Required members, optional ones at random, now and then a member a newer QEMU added.
    fn members(&mut self, members: &[Member]) -> Map<String, Value> {
        let mut object = Map::new();
        for m in members {
            if m.optional && (self.depth > DEEP || self.rng.chance(2)) {
                continue;
            }
            let value = self.value(&m.ty);
            object.insert(m.name.clone(), value);
        }
        if self.rng.chance(4) {
            object.insert("x-added-later".into(), json!({"deep": [1, 2, {"x": "y"}]}));
        }
        object
    }
}

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
    let schema = qapi_parser::load(&path, &qapi_parser::Options::default()).unwrap();
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
