//! What the integration tests share: hand-written command and event bindings (stand-ins for generated ones),
//! a scripted fake server, and how they talk to the real QEMU programs that `qapi_tests::Server` starts.
#![allow(dead_code)]

use std::time::Duration;

use qmp_client::{Client, ClientBuilder, Command, Event, OobCommand};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::unix::{OwnedReadHalf, OwnedWriteHalf};
use tokio::net::UnixStream;

// ---- Bindings written by hand, as the generator will write them ----

/// `{}`: what commands without `returns` give.
#[derive(Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Empty {}

#[derive(Debug, Serialize)]
pub struct QueryVersion {}
impl Command for QueryVersion {
    const NAME: &'static str = "query-version";
    type Returns = VersionInfo;
}

#[derive(Debug, PartialEq, Deserialize)]
pub struct VersionInfo {
    pub qemu: VersionTriple,
    pub package: String,
}

#[derive(Debug, PartialEq, Deserialize)]
pub struct VersionTriple {
    pub major: i64,
    pub minor: i64,
    pub micro: i64,
}

#[derive(Debug, Serialize)]
pub struct QueryStatus {}
impl Command for QueryStatus {
    const NAME: &'static str = "query-status";
    type Returns = StatusInfo;
}

#[derive(Debug, Deserialize)]
pub struct StatusInfo {
    pub running: bool,
    pub status: String,
}

#[derive(Debug, Serialize)]
pub struct Stop {}
impl Command for Stop {
    const NAME: &'static str = "stop";
    type Returns = Empty;
}

#[derive(Debug, Serialize)]
pub struct Cont {}
impl Command for Cont {
    const NAME: &'static str = "cont";
    type Returns = Empty;
}

#[derive(Debug, Serialize)]
pub struct BlockdevCreate {
    #[serde(rename = "job-id")]
    pub job_id: String,
    pub options: Value,
}
impl Command for BlockdevCreate {
    const NAME: &'static str = "blockdev-create";
    type Returns = Empty;
}

#[derive(Debug, Serialize)]
pub struct BlockdevAdd(pub Value);
impl Command for BlockdevAdd {
    const NAME: &'static str = "blockdev-add";
    type Returns = Empty;
}

#[derive(Debug, Serialize)]
pub struct JobDismiss {
    pub id: String,
}
impl Command for JobDismiss {
    const NAME: &'static str = "job-dismiss";
    type Returns = Empty;
}

#[derive(Debug, Serialize)]
pub struct QueryJobs {}
impl Command for QueryJobs {
    const NAME: &'static str = "query-jobs";
    type Returns = Vec<JobInfo>;
}

#[derive(Debug, Deserialize)]
pub struct JobInfo {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub status: String,
    #[serde(rename = "current-progress")]
    pub current_progress: i64,
    #[serde(rename = "total-progress")]
    pub total_progress: i64,
    pub error: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct QomList {
    pub path: String,
}
impl Command for QomList {
    const NAME: &'static str = "qom-list";
    type Returns = Vec<ObjectPropertyInfo>;
}

#[derive(Debug, Deserialize)]
pub struct ObjectPropertyInfo {
    pub name: String,
    #[serde(rename = "type")]
    pub kind: String,
}

#[derive(Debug, Serialize)]
pub struct Getfd {
    pub fdname: String,
}
impl Command for Getfd {
    const NAME: &'static str = "getfd";
    type Returns = Empty;
}

#[derive(Debug, Serialize)]
pub struct Closefd {
    pub fdname: String,
}
impl Command for Closefd {
    const NAME: &'static str = "closefd";
    type Returns = Empty;
}

#[derive(Debug, Serialize)]
pub struct AddFd {
    #[serde(rename = "fdset-id", skip_serializing_if = "Option::is_none")]
    pub fdset_id: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub opaque: Option<String>,
}
impl Command for AddFd {
    const NAME: &'static str = "add-fd";
    type Returns = AddfdInfo;
}

#[derive(Debug, Deserialize)]
pub struct AddfdInfo {
    #[serde(rename = "fdset-id")]
    pub fdset_id: i64,
    pub fd: i64,
}

/// `query-yank` allows out-of-band execution in QEMU's schema.
#[derive(Debug, Serialize)]
pub struct QueryYank {}
impl Command for QueryYank {
    const NAME: &'static str = "query-yank";
    type Returns = Vec<Value>;
    const ALLOW_OOB: bool = true;
}
impl OobCommand for QueryYank {}

#[derive(Debug, Serialize)]
pub struct GuestPing {}
impl Command for GuestPing {
    const NAME: &'static str = "guest-ping";
    type Returns = Empty;
}

#[derive(Debug, Serialize)]
pub struct GuestInfo {}
impl Command for GuestInfo {
    const NAME: &'static str = "guest-info";
    type Returns = GuestAgentInfo;
}

#[derive(Debug, Deserialize)]
pub struct GuestAgentInfo {
    pub version: String,
    pub supported_commands: Vec<GuestAgentCommandInfo>,
}

#[derive(Debug, Deserialize)]
pub struct GuestAgentCommandInfo {
    pub name: String,
    pub enabled: bool,
    #[serde(rename = "success-response")]
    pub success_response: bool,
}

/// A stand-in for a `success-response: false` command such as `guest-shutdown` (never sent to a real agent).
#[derive(Debug, Serialize)]
pub struct NoReply {}
impl Command for NoReply {
    const NAME: &'static str = "x-no-reply";
    type Returns = Empty;
    const SUCCESS_RESPONSE: bool = false;
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct JobStatusChange {
    pub id: String,
    pub status: String,
}
impl Event for JobStatusChange {
    const NAME: &'static str = "JOB_STATUS_CHANGE";
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct StopEvent {}
impl Event for StopEvent {
    const NAME: &'static str = "STOP";
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct ResumeEvent {}
impl Event for ResumeEvent {
    const NAME: &'static str = "RESUME";
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct VncConnected {
    pub server: Value,
    pub client: Value,
}
impl Event for VncConnected {
    const NAME: &'static str = "VNC_CONNECTED";
}

// ---- Time limits, so that no test can hang ----

pub const LIMIT: Duration = Duration::from_secs(20);

/// Awaits `f`, failing the test after `LIMIT`.
pub async fn within<T>(f: impl std::future::Future<Output = T>) -> T {
    tokio::time::timeout(LIMIT, f)
        .await
        .expect("the test hung: no result within its time limit")
}

// ---- The scripted fake server ----

pub const GREETING: &str = r#"{"QMP": {"version": {"qemu": {"micro": 2, "minor": 0, "major": 10}, "package": "fake"}, "capabilities": ["oob"]}}"#;

/// The server's end of a socketpair: reads requests line by line, writes what the script says.
pub struct Peer {
    reader: BufReader<OwnedReadHalf>,
    pub writer: OwnedWriteHalf,
}

impl Peer {
    pub fn new(stream: UnixStream) -> Peer {
        let (r, w) = stream.into_split();
        Peer {
            reader: BufReader::new(r),
            writer: w,
        }
    }

    /// The next request, parsed (the client ends each with a newline).
    pub async fn request(&mut self) -> Value {
        let mut line = String::new();
        let n = within(self.reader.read_line(&mut line))
            .await
            .expect("reading a request");
        assert!(
            n > 0,
            "the client closed the connection instead of sending a request"
        );
        serde_json::from_str(&line).unwrap_or_else(|e| panic!("bad request {line:?}: {e}"))
    }

    /// The next request's raw bytes up to its newline.
    pub async fn request_bytes(&mut self) -> Vec<u8> {
        let mut line = Vec::new();
        within(self.reader.read_until(b'\n', &mut line))
            .await
            .expect("reading a request");
        line
    }

    /// One message and its CRLF, in one write.
    pub async fn send(&mut self, text: &str) {
        self.send_bytes(format!("{text}\r\n").as_bytes()).await;
    }

    pub async fn send_bytes(&mut self, bytes: &[u8]) {
        self.writer
            .write_all(bytes)
            .await
            .expect("writing to the client");
    }

    /// A reply to the request whose `id` member is `id`: as QEMU does, the id is echoed when the request had one
    /// (`Value::Null` here: it had none).
    pub async fn reply(&mut self, id: &Value, ret: Value) {
        let reply = match id {
            Value::Null => serde_json::json!({"return": ret}),
            id => serde_json::json!({"return": ret, "id": id}),
        };
        self.send(&reply.to_string()).await;
    }

    pub async fn event(&mut self, name: &str, data: Value) {
        let e = serde_json::json!({"event": name, "data": data, "timestamp": {"seconds": 1, "microseconds": 2}});
        self.send(&e.to_string()).await;
    }

    /// Everything the client sends until it closes its side.
    pub async fn read_rest(&mut self) -> Vec<u8> {
        let mut buf = Vec::new();
        within(self.reader.read_to_end(&mut buf))
            .await
            .expect("reading to the end");
        buf
    }

    /// Whether the client sent nothing more within `wait`.
    pub async fn quiet_for(&mut self, wait: Duration) -> bool {
        let mut byte = [0u8; 1];
        tokio::time::timeout(wait, self.reader.read(&mut byte))
            .await
            .is_err()
    }
}

/// A client connected to a fake QMP server that greeted it and accepted `qmp_capabilities`.
pub async fn fake_qmp(builder: ClientBuilder) -> (Client, Peer) {
    let (ours, theirs) = UnixStream::pair().expect("socketpair");
    let mut peer = Peer::new(theirs);
    let connecting = tokio::spawn(builder.unix_stream(ours));
    peer.send(GREETING).await;
    let req = peer.request().await;
    assert_eq!(req["execute"], "qmp_capabilities");
    peer.reply(&req["id"], serde_json::json!({})).await;
    let client = within(connecting)
        .await
        .expect("connect task")
        .expect("connecting to the fake server");
    (client, peer)
}

// ---- Real QEMU programs ----

/// Options for real servers: a just-started QEMU may have created its socket but not be listening yet.
pub fn real() -> ClientBuilder {
    ClientBuilder::new().wait_for_server(true)
}

/// What these tests add to `qapi_tests::Server::system_emulator`: a small guest, and a VNC server on loopback
/// for the `VNC_CONNECTED` event.
pub const VM_WITH_VNC: &[&str] = &["-m", "64", "-vnc", "127.0.0.1:0,to=99"];

// Hand-written with serde's derives: they join the codec through serde_json.
qapi_runtime::encode_via_serde!(
    QueryVersion,
    QueryStatus,
    Stop,
    Cont,
    BlockdevCreate,
    BlockdevAdd,
    JobDismiss,
    QueryJobs,
    QomList,
    Getfd,
    Closefd,
    AddFd,
    QueryYank,
    GuestPing,
    GuestInfo,
    NoReply,
);
qapi_runtime::decode_via_serde!(
    Empty,
    VersionInfo,
    StatusInfo,
    JobInfo,
    ObjectPropertyInfo,
    AddfdInfo,
    GuestAgentInfo,
    JobStatusChange,
    StopEvent,
    ResumeEvent,
    VncConnected,
);

/// `reply` with the id of `request`, when it has one (QEMU echoes the id; a request without one gets a reply without
/// one).
pub fn echo_id(mut reply: Value, request: &Value) -> Value {
    if let Some(id) = request.get("id") {
        reply["id"] = id.clone();
    }
    reply
}
