mod unknown_option {
    qapi_macros::include_qapi!("$QAPI_MACROS_DIR/tests/schemas/strict.json", doc = false);
}

mod unknown_module {
    qapi_macros::include_qapi!(
        "$QAPI_MACROS_DIR/tests/schemas/every/every.json",
        modules = ["every", "block-core"]
    );
}

mod unset_variable {
    qapi_macros::include_qapi!("$QAPI_MACROS_NO_SUCH_VARIABLE/qapi-schema.json");
}

fn main() {}
