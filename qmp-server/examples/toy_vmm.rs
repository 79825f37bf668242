//! A QMP server for a toy VMM: `stop`, `cont` and `query-status` over the committed QEMU bindings, with the
//! `STOP` and `RESUME` events. Run it, then talk to it with qmp-shell, socat or Python's qemu.qmp:
//! `cargo run -p qmp-server --example toy_vmm -- /tmp/toy.sock`
use std::sync::atomic::{AtomicBool, Ordering::SeqCst};
use std::sync::Arc;

use qapi_runtime::Empty;
use qemu_qmp::{Cont, QueryStatus, ResumeEvent, RunState, StatusInfo, Stop, StopEvent};
use qmp_server::Server;

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let path = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "/tmp/toy-vmm.sock".into());
    let running = Arc::new(AtomicBool::new(true));
    let builder = Server::builder()
        .version(9, 2, 4, "toy-vmm")
        .event::<StopEvent>()
        .event::<ResumeEvent>();
    let events = builder.emitter();
    let (r1, r2, e1, e2) = (running.clone(), running.clone(), events.clone(), events);
    let server = builder
        .command(move |_: Stop| {
            r1.store(false, SeqCst);
            e1.emit(&StopEvent::new());
            async { Ok(Empty {}) }
        })
        .command(move |_: Cont| {
            r2.store(true, SeqCst);
            e2.emit(&ResumeEvent::new());
            async { Ok(Empty {}) }
        })
        .command(move |_: QueryStatus| {
            let on = running.load(SeqCst);
            async move {
                Ok(StatusInfo::new(
                    on,
                    if on {
                        RunState::Running
                    } else {
                        RunState::Paused
                    },
                ))
            }
        })
        .build();
    let _listening = server.listen_unix(&path).await?;
    println!("QMP on {path}; Ctrl-C stops");
    tokio::signal::ctrl_c().await
}
