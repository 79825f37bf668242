// QEMU 9.2.4's guest-agent schema, used through the generated `Commands` trait.
#![deny(warnings)]

#[path = "../common/fake.rs"]
mod fake;

mod qga {
    qapi_macros::include_qapi!(
        "$QAPI_SHARED_DIR/qemu/9.2.4/qga/qapi-schema.json",
        docs = false
    );
}

use qga::Commands as _;
use serde_json::json;

fn main() {
    let agent = fake::Fake::new(vec![
        ("guest-sync", json!(42)),
        ("guest-get-time", json!(1_700_000_000_000_000_000_i64)),
    ]);
    assert_eq!(agent.guest_sync(qga::GuestSync::new(42)).unwrap(), 42);
    assert_eq!(agent.guest_get_time().unwrap(), 1_700_000_000_000_000_000);
    const _: () = assert!(!<qga::GuestShutdown as qapi_runtime::Command>::SUCCESS_RESPONSE);
}
