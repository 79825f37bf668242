//! The decoder of the full QMP bindings on damaged text: every byte of a real introspection reply's first
//! entries replaced in turn by bytes that matter to the reader (quotes, backslashes, brackets, a non-ASCII byte,
//! a control character, a digit) and every prefix of it decode to a value or a `DecodeError`, never a panic;
//! what decodes re-encodes to text that decodes to the same value.

use qemu_qmp::SchemaInfo;

fn check(text: &[u8]) {
    if let Ok(value) = qemu_qmp::from_slice::<Vec<SchemaInfo>>(text) {
        let again = qemu_qmp::from_slice::<Vec<SchemaInfo>>(&qemu_qmp::to_vec(&value));
        assert_eq!(
            again.as_ref(),
            Ok(&value),
            "{}",
            String::from_utf8_lossy(text)
        );
    }
}

#[test]
fn damaged_replies_give_a_value_or_an_error() {
    let Some(path) = qapi_tests::shared_file("qemu/introspection/qemu-storage-daemon-10.0.2.json")
    else {
        return;
    };
    let reply: Vec<SchemaInfo> = qemu_qmp::from_slice(&std::fs::read(path).unwrap()).unwrap();
    // Entries of every meta-type, the discriminator and base members in QEMU's order.
    let mut picked: Vec<SchemaInfo> = Vec::new();
    for info in reply {
        if !picked
            .iter()
            .any(|p| p.meta_type.tag_name() == info.meta_type.tag_name())
        {
            picked.push(info);
        }
    }
    assert!(picked.len() >= 6, "{picked:?}");
    let text = qemu_qmp::to_vec(&picked);
    assert_eq!(
        qemu_qmp::from_slice::<Vec<SchemaInfo>>(&text)
            .unwrap()
            .len(),
        picked.len()
    );
    for end in 0..text.len() {
        check(&text[..end]);
    }
    let mut damaged = text.clone();
    for i in 0..text.len() {
        for byte in [b'"', b'\\', b'{', b']', b',', b':', 0xC3, 0x01, b'7', b' '] {
            damaged[i] = byte;
            check(&damaged);
        }
        damaged[i] = text[i];
    }
}
