//! The request parser over arbitrary bytes: the cutter, fed in two parts split where the input says, finds the
//! same items as fed whole, keeps at most its limit, and every text it finds is checked without a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use qmp_server::request::parse_request;
use qmp_server::stream::{Cutter, Item};

const LIMIT: usize = 4096;

fuzz_target!(|data: &[u8]| {
    let Some((&split, input)) = data.split_first() else {
        return;
    };
    let split = usize::from(split).min(input.len());
    let mut whole = Vec::new();
    let mut cutter = Cutter::new(LIMIT);
    cutter.feed(input, &mut whole);
    assert!(cutter.pending() <= LIMIT);
    cutter.finish(&mut whole);

    let mut parts = Vec::new();
    let mut cutter = Cutter::new(LIMIT);
    cutter.feed(&input[..split], &mut parts);
    cutter.feed(&input[split..], &mut parts);
    cutter.finish(&mut parts);
    assert_eq!(whole, parts);

    for item in whole {
        if let Item::Text(text) = item {
            assert!(text.len() <= LIMIT);
            for oob in [false, true] {
                if let Ok(request) = parse_request(&text, oob) {
                    assert!(oob || !request.oob);
                }
            }
        }
    }
});
