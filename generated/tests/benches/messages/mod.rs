//! The messages the codec bench decodes and encodes, shared by the bench (`benches/codec.rs`) and the profiling
//! driver (`examples/codec_profile.rs`), and what a client does with an event message.

use qapi_runtime::{DecodeError, EventSet, Reader, Timestamp};
use serde_json::Value;

/// An introspection reply from `../shared`; `None` (after the missing-material notice) without it.
pub fn introspection(file: &str) -> Option<Vec<u8>> {
    let path = qapi_tests::shared_file(&format!("qemu/introspection/{file}"))?;
    Some(std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display())))
}

/// A `query-block` reply: `n` drives, each with an image and a backing chain three deep, with each object's
/// members in the schema's order, as QEMU sends them (`serde_json::json!` sorts them by name: the text is read
/// into the bindings' types and written back).
pub fn query_block(n: usize) -> Vec<u8> {
    let sorted = query_block_sorted(n);
    let drives: Vec<qemu_qmp::BlockInfo> =
        qemu_qmp::from_slice(&sorted).expect("the query-block reply decodes");
    qemu_qmp::to_vec(&drives)
}

/// [`query_block`]'s reply with each object's members sorted by name.
fn query_block_sorted(n: usize) -> Vec<u8> {
    let image = |name: &str, backing: Option<Value>| {
        let mut image = serde_json::json!({
            "filename": format!("/var/lib/images/{name}.qcow2"), "format": "qcow2",
            "virtual-size": 10737418240u64, "actual-size": 2147483648u64, "cluster-size": 65536,
            "dirty-flag": false, "backing-filename-format": "qcow2",
            "format-specific": {"type": "qcow2", "data": {"compat": "1.1", "compression-type": "zlib",
                "lazy-refcounts": false, "refcount-bits": 16, "corrupt": false, "extended-l2": false}},
        });
        if let Some(backing) = backing {
            image["backing-filename"] = backing["filename"].clone();
            image["full-backing-filename"] = backing["filename"].clone();
            image["backing-image"] = backing;
        }
        image
    };
    let drives: Vec<Value> = (0..n)
        .map(|i| {
            let chain = image(&format!("base{i}"), None);
            let chain = image(&format!("mid{i}"), Some(chain));
            let top = image(&format!("top{i}"), Some(chain));
            serde_json::json!({
                "device": format!("drive{i}"), "qdev": format!("/machine/peripheral/disk{i}/virtio-backend"),
                "type": "unknown", "removable": false, "locked": false, "io-status": "ok",
                "inserted": {
                    "file": format!("/var/lib/images/top{i}.qcow2"), "node-name": format!("#block{i}"),
                    "ro": false, "drv": "qcow2", "backing_file_depth": 2, "encrypted": false,
                    "detect_zeroes": "off", "bps": 0, "bps_rd": 0, "bps_wr": 0, "iops": 0, "iops_rd": 0,
                    "iops_wr": 0, "write_threshold": 0,
                    "cache": {"writeback": true, "direct": false, "no-flush": false}, "children": [], "active": true,
                    "image": top,
                },
            })
        })
        .collect();
    serde_json::to_vec(&drives).unwrap()
}

/// 2000 event messages, one per line, of a few common kinds.
pub fn event_stream() -> Vec<Vec<u8>> {
    (0..2000)
        .map(|i| {
            let ts =
                serde_json::json!({"seconds": 1733580000 + i, "microseconds": (i * 37) % 1000000});
            let (event, data) = match i % 6 {
                0 => (
                    "JOB_STATUS_CHANGE",
                    serde_json::json!({"id": format!("job{i}"), "status": "running"}),
                ),
                1 => (
                    "BLOCK_JOB_COMPLETED",
                    serde_json::json!({"type": "mirror", "device": format!("job{i}"),
                        "len": 10737418240u64, "offset": 10737418240u64, "speed": 0}),
                ),
                2 => ("STOP", serde_json::json!({})),
                3 => ("RESUME", serde_json::json!({})),
                4 => (
                    "DEVICE_DELETED",
                    serde_json::json!({"device": format!("nic{i}"),
                        "path": format!("/machine/peripheral/nic{i}")}),
                ),
                _ => (
                    "BALLOON_CHANGE",
                    serde_json::json!({"actual": 1073741824u64 + i}),
                ),
            };
            serde_json::to_vec(&serde_json::json!({"event": event, "data": data, "timestamp": ts}))
                .unwrap()
        })
        .collect()
}

/// What a client does with an event message: the envelope read, `data` decoded by name.
pub fn decode_event(message: &[u8]) -> Result<(qemu_qmp::AnyEvent, Timestamp), DecodeError> {
    let mut reader = Reader::new(message);
    let (mut name, mut data, mut timestamp) = (None, None, None);
    reader.object(|m| {
        while let Some(key) = m.next_key()? {
            match &*key {
                "event" => name = Some(m.value::<String>("event")?),
                "data" => data = Some(m.raw()?.1),
                "timestamp" => timestamp = Some(m.value::<Timestamp>("timestamp")?),
                _ => m.skip()?,
            }
        }
        Ok(())
    })?;
    let name = name.ok_or_else(|| DecodeError::new("missing member `event`"))?;
    let event = qemu_qmp::AnyEvent::from_parts(&name, data.unwrap_or(b"{}"))?;
    Ok((event, timestamp.unwrap_or(Timestamp::NONE)))
}
