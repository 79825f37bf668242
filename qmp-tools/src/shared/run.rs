//! The frame of the one-shot tools (qom-get, qom-set, qom-list, qom-tree, qemu-ga-client): connect, do one thing,
//! print its output, exit with a status that tells failure from success.

use std::future::Future;
use std::io::Write;

use qmp_client::Client;

use crate::shared::connect::{connect, Peer, ServerArgs};

/// Exit status when connecting failed.
pub const EXIT_CONNECT: i32 = 2;
/// Exit status when the work failed.
pub const EXIT_FAILED: i32 = 1;

/// Connects, runs `work`, prints what it returns (or `tool: error` on standard error); the exit status.
pub fn run_client<F, Fut>(tool: &str, server: &ServerArgs, peer: Peer, work: F) -> i32
where
    F: FnOnce(Client) -> Fut,
    Fut: Future<Output = Result<String, String>>,
{
    let rt = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("{tool}: {e}");
            return EXIT_CONNECT;
        }
    };
    let outcome = rt.block_on(async {
        let client = connect(&server.target(), peer, server.limit())
            .await
            .map_err(|e| (EXIT_CONNECT, e.to_string()))?;
        let result = work(client.clone()).await;
        client.close().await;
        result.map_err(|e| (EXIT_FAILED, e))
    });
    match outcome {
        Ok(text) => {
            // A closed pipe (`qom-tree | head`) is not worth a complaint.
            let _ = std::io::stdout().lock().write_all(text.as_bytes());
            0
        }
        Err((status, message)) => {
            eprintln!("{tool}: {message}");
            status
        }
    }
}
