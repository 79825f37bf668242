//! Bytes in, `Result` out: the whole front end (parse, check, model, dump) must never panic, hang or overflow
//! the stack. Run with `cargo fuzz run load` in qapi-parser/ (stable Rust: `RUSTC_BOOTSTRAP=1`).
#![no_main]

use libfuzzer_sys::fuzz_target;
use qapi_schema::{dump::dump, load_str, Options};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    for options in [Options::strict(), Options::default()] {
        // Includes resolve relative to this name: a directory that does not exist, so they fail cleanly.
        match load_str("/nonexistent-fuzz-dir/fuzz.json", text, &options) {
            Ok(schema) => {
                let _ = dump(&schema);
            }
            Err(err) => {
                let _ = err.to_string();
            }
        }
    }
});
