//! Bytes in, a value or a `DecodeError` out: the decoder of the full QMP bindings must never panic, hang or
//! overflow the stack, and what it decodes encodes into text that decodes to the same value. Run with
//! `RUSTC_BOOTSTRAP=1 cargo fuzz run decode` in qapi-runtime/ (the first input byte picks the type).
#![no_main]

use libfuzzer_sys::fuzz_target;
use qapi_runtime::{Decode, Encode, EventSet};

fn round_trip<T: Decode + Encode + PartialEq + std::fmt::Debug>(bytes: &[u8]) {
    if let Ok(value) = qapi_runtime::from_slice::<T>(bytes) {
        let text = qapi_runtime::to_vec(&value);
        let again = qapi_runtime::from_slice::<T>(&text).unwrap_or_else(|e| {
            panic!(
                "{value:?} encodes to {} which fails: {e}",
                String::from_utf8_lossy(&text)
            )
        });
        assert_eq!(value, again);
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&pick, bytes)) = data.split_first() else {
        return;
    };
    match pick % 8 {
        0 => round_trip::<Vec<qemu_qmp::SchemaInfo>>(bytes),
        1 => round_trip::<Vec<qemu_qmp::BlockInfo>>(bytes),
        2 => round_trip::<qemu_qmp::BlockdevOptions>(bytes),
        3 => round_trip::<qemu_qmp::StatusInfo>(bytes),
        4 => round_trip::<Vec<qemu_qmp::ObjectPropertyInfo>>(bytes),
        5 => round_trip::<qapi_runtime::Value>(bytes),
        6 => round_trip::<Vec<qemu_qmp::ObjectOptions>>(bytes),
        _ => {
            for name in [
                "JOB_STATUS_CHANGE",
                "BLOCK_JOB_COMPLETED",
                "STOP",
                "NEW_EVENT",
            ] {
                let _ = qemu_qmp::AnyEvent::from_parts(name, bytes);
            }
        }
    }
});
