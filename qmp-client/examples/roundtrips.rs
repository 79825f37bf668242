//! Times `query-version` round trips against any QMP server on a unix socket, the same way the report's Python
//! comparison does: 200 warm-up calls, N sequential calls, then N calls in flight at once.
//! `cargo run --release --example roundtrips -- SOCKET [N]`

use std::time::Instant;

use qmp_client::ClientBuilder;
use serde_json::Value;

#[tokio::main(flavor = "current_thread")]
async fn main() -> qmp_client::Result<()> {
    let mut args = std::env::args().skip(1);
    let Some(path) = args.next() else {
        eprintln!("usage: roundtrips SOCKET [N]");
        std::process::exit(2);
    };
    let n: usize = args.next().and_then(|n| n.parse().ok()).unwrap_or(2000);
    let qmp = ClientBuilder::new()
        .max_in_flight(None)
        .connect_unix(&path)
        .await?;
    for _ in 0..200 {
        qmp.execute_raw("query-version", Value::Null).await?;
    }
    let started = Instant::now();
    for _ in 0..n {
        qmp.execute_raw("query-version", Value::Null).await?;
    }
    let sequential = started.elapsed().as_secs_f64();
    let started = Instant::now();
    let mut set = tokio::task::JoinSet::new();
    for _ in 0..n {
        let qmp = qmp.clone();
        set.spawn(async move { qmp.execute_raw("query-version", Value::Null).await });
    }
    while let Some(r) = set.join_next().await {
        r.expect("task")?;
    }
    let pipelined = started.elapsed().as_secs_f64();
    println!(
        "qmp-client: sequential {:.0} us/round trip ({:.0}/s); pipelined {:.0}/s",
        sequential / n as f64 * 1e6,
        n as f64 / sequential,
        n as f64 / pipelined
    );
    qmp.close().await;
    Ok(())
}
