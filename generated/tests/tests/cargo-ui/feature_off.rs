// `stop` is in the schema module `misc`: with qemu-qmp built without the cargo feature `misc`, calling it names
// the feature instead of saying "method not found".
use qemu_qmp::Commands as _;

pub fn pause(qmp: &qmp_client::blocking::Client) {
    let _ = qmp.stop();
}
