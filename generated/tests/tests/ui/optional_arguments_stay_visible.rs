// A command whose arguments are all optional takes them too: `migrate` cannot go out without its caller writing
// the (possibly empty) arguments.
use qemu_qmp::Commands as _;

fn migrate(qmp: &qmp_client::blocking::Client) {
    let _ = qmp.migrate();
}

fn main() {
    let _ = migrate;
}
