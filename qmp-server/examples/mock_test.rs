//! Testing a function that drives QEMU against the mock instead of a real QEMU: the stubbed reply, the typed
//! arguments the function sent, and an event scripted to follow a command.
//! `cargo run -p qmp-server --example mock_test`
use qemu_qmp::{BlockdevAdd, Stop, StopEvent};
use qmp_client::Client;
use qmp_server::{CommandError, Mock};
use serde_json::json;

/// The function under test: pauses the VM and waits until QEMU says it stopped.
async fn pause(qmp: &Client) -> qmp_client::Result<()> {
    let limit = std::time::Duration::from_secs(10);
    let stopped = qmp.execute_and_wait::<Stop, StopEvent>(Stop::new(), |_| true);
    match tokio::time::timeout(limit, stopped).await {
        Ok(result) => result.map(|_| ()),
        Err(_) => panic!("no STOP event within {limit:?}"),
    }
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let mock = Mock::start().await?;
    mock.stub_value("stop", json!({}));
    mock.emit_after("stop", "STOP", serde_json::Value::Null);
    mock.fails::<BlockdevAdd>(CommandError::generic("Could not open 'missing.qcow2'"));

    let qmp = Client::connect_unix(mock.path())
        .await
        .expect("connecting to the mock");
    pause(&qmp).await.expect("pause succeeds against the mock");
    assert_eq!(mock.calls_of::<Stop>().len(), 1);
    assert_eq!(mock.call_count("blockdev-add"), 0);
    println!("pause() sent {:?}", mock.calls());
    Ok(())
}
