// A generated command checks its argument's type: `add-machine` takes `AddMachine`, not `DiskFile`.
mod api {
    qapi_macros::include_qapi!(
        "$QAPI_MACROS_DIR/tests/schemas/every/every.json",
        docs = false
    );
}

use api::Commands;

fn run<C: Commands>(client: &C) {
    let _ = client.add_machine(api::DiskFile::new("a.img"));
}

fn main() {}
