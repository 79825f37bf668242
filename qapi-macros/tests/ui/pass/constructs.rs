// The workspace's construct-coverage schemas (schemas/, shared with qapi-gen's tests) compile in place,
// warning-free.
#![deny(warnings)]

mod constructs {
    qapi_macros::include_qapi!("$QAPI_MACROS_DIR/../schemas/constructs.json");
}

mod legacy {
    qapi_macros::include_qapi!("$QAPI_MACROS_DIR/../schemas/legacy.json", docs = false);
}

fn main() {
    let _ = <constructs::AnyEvent as qapi_runtime::EventSet>::from_parts("X", b"{}");
    let _ = <legacy::AnyEvent as qapi_runtime::EventSet>::from_parts("X", b"{}");
}
