// The argument struct cannot be built without the required member, neither with `new` nor as a literal (a newer
// schema may add optional members: the struct is `#[non_exhaustive]`), nor with `Default`.
use qemu_qmp::{BlockdevDel, Commands as _};

fn delete(qmp: &qmp_client::blocking::Client) {
    let _ = qmp.blockdev_del(BlockdevDel::new());
    let _ = qmp.blockdev_del(BlockdevDel { node_name: "n".into() });
    let _ = qmp.blockdev_del(Default::default());
}

fn main() {
    let _ = delete;
}
