//! qom-list: the properties of a QOM object.

use clap::Parser;
use qmp_tools::qom_tools::{list, QomArgs};
use qmp_tools::shared::connect::Peer;
use qmp_tools::shared::run::run_client;

/// Lists the properties of a QOM object, one a line, as QEMU's Python qom-list does: a child object is `name/`, a
/// link `@name/`.
#[derive(Parser)]
#[command(name = "qom-list", version)]
struct Args {
    #[command(flatten)]
    qom: QomArgs,
    /// The object's QOM path.
    #[arg(default_value = "/")]
    path: String,
}

fn main() {
    let args = Args::parse();
    let status = run_client(
        "qom-list",
        &args.qom.server(),
        Peer::Monitor,
        |c| async move { list(&c, &args.path).await },
    );
    std::process::exit(status);
}
