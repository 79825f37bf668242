mod api {
    qapi_macros::include_qapi!("$QAPI_MACROS_DIR/tests/schemas/broken/cycle-a.json");
}

fn main() {}
