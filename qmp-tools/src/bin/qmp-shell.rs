//! qmp-shell: an interactive shell (or a script runner) for QEMU's monitor and guest agent.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use clap::Parser;
use qmp_tools::qmp_shell::events::Stdout;
use qmp_tools::qmp_shell::repl::{console, default_history, run_batch, run_interactive};
use qmp_tools::qmp_shell::shell::{Options, Shell};
use qmp_tools::shared::connect::{connect, describe, Peer, ServerArgs};
use qmp_tools::shared::read_only::ReadOnly;

/// A shell for QEMU's machine protocol: `name key=value ...` commands checked against the server's schema, with
/// completion, transactions, HMP mode and events as they arrive. Reads commands from standard input when it is not
/// a terminal. Takes the flags of QEMU's Python qmp-shell (-H, -N, -v, -p, -l).
#[derive(Parser)]
#[command(name = "qmp-shell", version)]
struct Args {
    #[command(flatten)]
    server: ServerArgs,
    /// Indented JSON.
    #[arg(short, long)]
    pretty: bool,
    /// Show each request before sending it.
    #[arg(short, long)]
    verbose: bool,
    /// Start in HMP mode (lines go to human-monitor-command).
    #[arg(short = 'H', long)]
    hmp: bool,
    /// Skip negotiation, as Python's qmp-shell -N: this client negotiates capabilities itself when it connects,
    /// so a `qmp_capabilities` line (which scripts for -N start with) is answered here, not sent.
    #[arg(short = 'N', long)]
    skip_negotiation: bool,
    /// Append every request sent and every reply and event received to FILE, one JSON message a line.
    #[arg(short = 'l', long, value_name = "FILE")]
    logfile: Option<PathBuf>,
    /// The server is a QEMU guest agent (read-only unless --read-write).
    #[arg(short, long)]
    guest_agent: bool,
    /// Send only queries (query-*, qom-get, qom-list, guest-get-*, ...); refuse everything else.
    #[arg(long, conflicts_with = "read_write")]
    read_only: bool,
    /// With -g: allow commands that change the guest (or, for an agent on this host, the host).
    #[arg(long)]
    read_write: bool,
    /// Send commands even when the schema says their arguments are wrong.
    #[arg(long)]
    no_validate: bool,
    /// Read commands from standard input even when it is a terminal.
    #[arg(long)]
    batch: bool,
    /// History file (default ~/.qmp-shell_history).
    #[arg(long, value_name = "FILE")]
    history: Option<PathBuf>,
    /// Keep no history.
    #[arg(long, conflicts_with = "history")]
    no_history: bool,
}

fn main() {
    let args = Args::parse();
    std::process::exit(run(args));
}

fn run(args: Args) -> i32 {
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("qmp-shell: {e}");
            return 2;
        }
    };
    let log = match &args.logfile {
        Some(path) => match std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
        {
            Ok(f) => Some(Arc::new(Mutex::new(f))),
            Err(e) => {
                eprintln!(
                    "qmp-shell: cannot open the log file {}: {e}",
                    path.display()
                );
                return 2;
            }
        },
        None => None,
    };
    let peer = if args.guest_agent {
        Peer::GuestAgent
    } else {
        Peer::Monitor
    };
    let target = args.server.target();
    let client = match rt.block_on(connect(&target, peer, args.server.limit())) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("qmp-shell: {e}");
            return 2;
        }
    };
    let interactive = !args.batch && std::io::stdin().is_terminal();
    let opts = Options {
        pretty: args.pretty,
        verbose: args.verbose,
        hmp: args.hmp,
        guest_agent: args.guest_agent,
        no_validate: args.no_validate,
        interruptible: interactive,
        read_only: ReadOnly::from_flag(args.read_only || (args.guest_agent && !args.read_write)),
        skip_negotiation: args.skip_negotiation,
        log,
    };
    if !interactive {
        return match rt.block_on(Shell::start(client, opts, console(), Stdout)) {
            Ok(mut shell) => run_batch(&rt, &mut shell),
            Err(e) => {
                eprintln!("qmp-shell: {target}: {}", describe(&e));
                2
            }
        };
    }
    let history = if args.no_history {
        None
    } else {
        args.history.or_else(default_history)
    };
    run_interactive(&rt, history, |sink| {
        rt.block_on(Shell::start(client, opts, console(), sink))
            .map_err(|e| format!("{target}: {}", describe(&e)))
    })
}
