//! qom-tree: a QOM object and everything below it.

use clap::Parser;
use qmp_tools::qom_tools::{tree, QomArgs};
use qmp_tools::shared::connect::Peer;
use qmp_tools::shared::run::run_client;

/// Prints a QOM object and all objects below it, as QEMU's Python qom-tree does: each object's path, then its
/// properties as `  name: value (type)`, then its children.
#[derive(Parser)]
#[command(name = "qom-tree", version)]
struct Args {
    #[command(flatten)]
    qom: QomArgs,
    /// Where to start.
    #[arg(default_value = "/")]
    path: String,
}

fn main() {
    let args = Args::parse();
    let status = run_client(
        "qom-tree",
        &args.qom.server(),
        Peer::Monitor,
        |c| async move {
            let mut out = String::new();
            tree(&c, &args.path, &mut out).await.map(|()| out)
        },
    );
    std::process::exit(status);
}
