//! qmp-shell: an interactive shell (or a script runner) for QEMU's monitor and guest agent.

use std::io::IsTerminal;
use std::path::PathBuf;

use clap::Parser;
use qmp_tools::events::Stdout;
use qmp_tools::repl::{console, default_history, run_batch, run_interactive};
use qmp_tools::shell::{Options, Shell};
use qmp_tools::target::Target;

/// A shell for QEMU's machine protocol: `name key=value ...` commands checked against the server's schema, with
/// completion, transactions, HMP mode and events as they arrive. Reads commands from standard input when it is not
/// a terminal.
#[derive(Parser)]
#[command(name = "qmp-shell", version)]
struct Args {
    /// The server: a unix socket path, or HOST:PORT.
    server: String,
    /// Indented JSON.
    #[arg(short, long)]
    pretty: bool,
    /// Show each request before sending it.
    #[arg(short, long)]
    verbose: bool,
    /// Start in HMP mode (lines go to human-monitor-command).
    #[arg(short = 'H', long)]
    hmp: bool,
    /// The server is a QEMU guest agent.
    #[arg(short, long)]
    guest_agent: bool,
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
    let target = Target::parse(&args.server);
    let client = match rt.block_on(target.connect(args.guest_agent)) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("qmp-shell: cannot connect to {target}: {e}");
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
    };
    if !interactive {
        let mut shell = rt.block_on(Shell::start(client, opts, console(), Stdout));
        return run_batch(&rt, &mut shell);
    }
    let history = if args.no_history {
        None
    } else {
        args.history.or_else(default_history)
    };
    run_interactive(&rt, history, |sink| {
        rt.block_on(Shell::start(client, opts, console(), sink))
    })
}
