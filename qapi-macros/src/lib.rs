//! `include_qapi!`.
