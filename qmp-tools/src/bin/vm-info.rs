//! vm-info: what a QEMU process is, as a table or as JSON.

use std::io::Write;

use clap::Parser;
use qmp_tools::shared::connect::{connect, describe, Peer, ServerArgs};
use qmp_tools::vm_info::{gather, render, to_json};

/// Shows a QEMU process's version, state, name, UUID, CPUs, memory, block devices and more, from the queries its
/// monitor offers (qemu-system-* and qemu-storage-daemon alike). Sends only queries.
///
/// --json prints one object whose keys are the sections (qemu, status, running, name, uuid, target, machine, kvm,
/// memory, balloon, migration, cpus, block-devices, block-nodes, dirty-bitmaps, block-exports, jobs, chardevs,
/// iothreads, pci-buses, nics, displays, objects, not-available); see the README.
#[derive(Parser)]
#[command(name = "vm-info", version)]
struct Args {
    #[command(flatten)]
    server: ServerArgs,
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
    let target = args.server.target();
    let info = rt.block_on(async {
        let client = connect(&target, Peer::Monitor, args.server.limit())
            .await
            .map_err(|e| e.to_string())?;
        let info = gather(&client)
            .await
            .map_err(|e| format!("{target}: {}", describe(&e)));
        client.close().await;
        info
    });
    let text = match info {
        Ok(info) if args.json => serde_json::to_string_pretty(&to_json(&info)).map(|t| t + "\n"),
        Ok(info) => Ok(render(&info)),
        Err(e) => {
            eprintln!("vm-info: {e}");
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
