mod api {
    qapi_macros::include_qapi!("$QAPI_MACROS_DIR/tests/schemas/broken/syntax.json");
}

fn main() {}
