// `blockdev-del` has a required argument: its method cannot be called without it.
use qemu_qmp::Commands as _;

fn delete(qmp: &qmp_client::blocking::Client) {
    let _ = qmp.blockdev_del();
}

fn main() {
    let _ = delete;
}
