//! Random JSON conforming to a type of a checked schema, made by walking the model (`ir::Api`): optional members
//! at random, now and then a member a newer QEMU might add, an enum value or a union branch these bindings do not
//! know. Beyond a depth, optional members are left out, arrays are empty and unions and alternates take their
//! shortest way out, so a value of a recursive type is finite. Shared by the round-trip tests of constructs.json
//! and of random schemas.
// Shared by several test crates, each using part of it.
#![allow(dead_code)]

use qapi_gen::ir::{Api, Args, Builtin, IntType, Kind, Member, TypeExpr};
use serde_json::{json, Map, Value};

/// xorshift64*: enough randomness for shapes of JSON, and the same sequence for the same seed.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    pub fn chance(&mut self, one_in: usize) -> bool {
        self.below(one_in) == 0
    }
}

/// Random JSON conforming to the model's types.
pub struct Gen<'a> {
    pub api: &'a Api,
    pub rng: Rng,
    pub depth: usize,
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
            Builtin::Bool => json!(r.is_multiple_of(2)),
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

    pub fn named(&mut self, name: &str) -> Value {
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
