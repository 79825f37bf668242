//! qom-get: one QOM property's value.

use clap::Parser;
use qmp_tools::qom_tools::{get, QomArgs};
use qmp_tools::shared::connect::Peer;
use qmp_tools::shared::run::run_client;

/// Prints the value of a QOM property (text as is, anything else as JSON), as QEMU's Python qom-get does.
#[derive(Parser)]
#[command(name = "qom-get", version)]
struct Args {
    #[command(flatten)]
    qom: QomArgs,
    /// The object's QOM path and the property, joined by a dot: /machine.type
    path_property: String,
}

fn main() {
    let args = Args::parse();
    let status = run_client(
        "qom-get",
        &args.qom.server(),
        Peer::Monitor,
        |c| async move { get(&c, &args.path_property).await.map(|v| v + "\n") },
    );
    std::process::exit(status);
}
