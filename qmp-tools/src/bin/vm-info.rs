//! vm-info: what a QEMU process is, as a table or as JSON.

use std::io::Write;

use clap::Parser;
use qmp_tools::target::Target;
use qmp_tools::vm_info::{gather, render};

/// Shows a QEMU process's version, state, name, UUID, CPUs, memory, block devices and more, from the queries its
/// monitor offers (qemu-system-* and qemu-storage-daemon alike).
#[derive(Parser)]
#[command(name = "vm-info", version)]
struct Args {
    /// The monitor: a unix socket path, or HOST:PORT.
    server: String,
    /// Print the answers as one JSON object instead of tables.
    #[arg(long)]
    json: bool,
}

fn main() {
    let args = Args::parse();
    let rt = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("vm-info: {e}");
            std::process::exit(2);
        }
    };
    let target = Target::parse(&args.server);
    let info = rt.block_on(async {
        let client = target.connect(false).await?;
        let info = gather(&client).await;
        client.close().await;
        info
    });
    let text = match info {
        Ok(info) if args.json => serde_json::to_string_pretty(&info.to_json()).map(|t| t + "\n"),
        Ok(info) => Ok(render(&info)),
        Err(e) => {
            eprintln!("vm-info: {target}: {e}");
            std::process::exit(2);
        }
    };
    match text {
        // A closed pipe (`vm-info | head`) is not worth a complaint.
        Ok(text) => {
            let _ = std::io::stdout().lock().write_all(text.as_bytes());
        }
        Err(e) => {
            eprintln!("vm-info: {e}");
            std::process::exit(1);
        }
    }
}
