//! qom-set: sets one QOM property.

use clap::Parser;
use qmp_tools::qom_tools::{set, QomArgs};
use qmp_tools::shared::connect::Peer;
use qmp_tools::shared::read_only::ReadOnly;
use qmp_tools::shared::run::run_client;

/// Sets a QOM property, as QEMU's Python qom-set does; the value is read by the property's type (true/false for a
/// bool, a number for an integer, text for a string or a link).
#[derive(Parser)]
#[command(name = "qom-set", version)]
struct Args {
    #[command(flatten)]
    qom: QomArgs,
    /// Refuse to set anything (for scripts that must not change the VM).
    #[arg(long)]
    read_only: bool,
    /// The object's QOM path and the property, joined by a dot: /machine/peripheral/nic0.x-txburst
    path_property: String,
    /// The new value.
    value: String,
}

fn main() {
    let args = Args::parse();
    let read_only = ReadOnly::from_flag(args.read_only);
    let status = run_client(
        "qom-set",
        &args.qom.server(),
        Peer::Monitor,
        |c| async move { set(&c, read_only, &args.path_property, &args.value).await },
    );
    std::process::exit(status);
}
