//! Messages the codec bench and the `codec_profile` example share (the example includes this file by path).

use serde_json::Value;

/// A `query-block` reply: `n` drives, each with an image and a backing chain three deep.
pub fn query_block(n: usize) -> Vec<u8> {
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
