//! qemu-ga-client: QEMU's guest-agent client command line.

use clap::Parser;
use qmp_tools::ga_client::{run, Verb};
use qmp_tools::shared::connect::{parse_seconds, Peer, ServerArgs, DEFAULT_TIMEOUT_SECS};
use qmp_tools::shared::read_only::ReadOnly;
use qmp_tools::shared::run::run_client;

/// Talks to a QEMU guest agent with the verbs of QEMU's Python qemu-ga-client. Read-only unless --read-write:
/// ping, info, ifconfig and fsfreeze status are sent; cat, fsfreeze freeze/thaw, fstrim, reboot, shutdown and
/// suspend need --read-write (cat opens a file through the agent).
#[derive(Parser)]
#[command(name = "qemu-ga-client", version)]
struct Args {
    /// The agent's socket: a unix socket path, or HOST:PORT.
    #[arg(short, long, env = "QGA_CLIENT_ADDRESS", value_name = "ADDRESS")]
    address: String,
    /// Seconds to wait for connecting and for each reply; 0 waits forever.
    #[arg(long, value_name = "SECONDS", default_value_t = DEFAULT_TIMEOUT_SECS, value_parser = parse_seconds)]
    timeout: f64,
    /// Allow verbs that change the guest (or, for an agent running on this host, the host).
    #[arg(long)]
    read_write: bool,
    #[command(subcommand)]
    verb: Verb,
}

fn main() {
    let args = Args::parse();
    let server = ServerArgs {
        server: args.address.clone(),
        timeout: args.timeout,
    };
    let read_only = ReadOnly::from_flag(!args.read_write);
    let status = run_client(
        "qemu-ga-client",
        &server,
        Peer::GuestAgent,
        |c| async move { run(&c, read_only, &args.verb).await },
    );
    std::process::exit(status);
}
