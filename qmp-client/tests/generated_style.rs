//! Bindings written the way qapi-codegen writes them (`ObjectType` + `impl_serde!`, a per-command trait over
//! `Executor`), driven through both clients.

mod common;

use common::*;
use qapi_runtime::wire::{put, take, DecodeError};
use qapi_runtime::{Command, Empty, Executor, Object, ObjectType};
use qapi_tests::Server;
use qmp_client::ClientBuilder;
use serde_json::json;

#[derive(Debug, Default)]
pub struct QueryVersionArgs;
impl ObjectType for QueryVersionArgs {
    fn decode_members(_: &mut Object) -> Result<Self, DecodeError> {
        Ok(QueryVersionArgs)
    }
    fn encode_members(&self, _: &mut Object) {}
}
qapi_runtime::impl_serde!(QueryVersionArgs);
impl Command for QueryVersionArgs {
    const NAME: &'static str = "query-version";
    type Returns = Version;
}

#[derive(Debug)]
pub struct Version {
    pub qemu: Triple,
    pub package: String,
}
impl ObjectType for Version {
    fn decode_members(o: &mut Object) -> Result<Self, DecodeError> {
        Ok(Version {
            qemu: take(o, "qemu")?,
            package: take(o, "package")?,
        })
    }
    fn encode_members(&self, o: &mut Object) {
        put(o, "package", &self.package);
    }
}
qapi_runtime::impl_serde!(Version);

#[derive(Debug)]
pub struct Triple {
    pub major: i64,
    pub minor: i64,
    pub micro: i64,
}
impl ObjectType for Triple {
    fn decode_members(o: &mut Object) -> Result<Self, DecodeError> {
        Ok(Triple {
            major: take(o, "major")?,
            minor: take(o, "minor")?,
            micro: take(o, "micro")?,
        })
    }
    fn encode_members(&self, o: &mut Object) {
        put(o, "major", &self.major);
        put(o, "minor", &self.minor);
        put(o, "micro", &self.micro);
    }
}
qapi_runtime::impl_serde!(Triple);

#[derive(Debug)]
pub struct StopArgs;
impl ObjectType for StopArgs {
    fn decode_members(_: &mut Object) -> Result<Self, DecodeError> {
        Ok(StopArgs)
    }
    fn encode_members(&self, _: &mut Object) {}
}
qapi_runtime::impl_serde!(StopArgs);
impl Command for StopArgs {
    const NAME: &'static str = "stop";
    type Returns = Empty;
}

/// What the generator emits: one method per command for every `Executor`.
pub trait Commands: Executor {
    fn query_version(&self) -> Self::Output<'_, QueryVersionArgs> {
        self.execute(QueryVersionArgs)
    }
    fn stop(&self) -> Self::Output<'_, StopArgs> {
        self.execute(StopArgs)
    }
}
impl<T: Executor + ?Sized> Commands for T {}

#[tokio::test]
async fn async_client_gets_per_command_methods() {
    let Some(qsd) = Server::storage_daemon(&[]) else {
        return;
    };
    let qmp = within(real().connect_unix(qsd.socket())).await.unwrap();
    let v = within(qmp.query_version()).await.unwrap();
    assert!(v.qemu.major >= 10);
    assert!(v.qemu.minor >= 0 && v.qemu.micro >= 0);
    assert!(v.package.contains("10."), "{}", v.package);
}

#[test]
fn blocking_client_gets_per_command_methods() {
    let Some(qsd) = Server::storage_daemon(&[]) else {
        return;
    };
    let qmp = qmp_client::blocking::Client::connect_unix_with(real(), qsd.socket()).unwrap();
    assert!(qmp.query_version().unwrap().qemu.major >= 10);
    // The storage daemon has no `stop`: a QMP error, typed as such.
    let err = qmp.stop().unwrap_err();
    assert_eq!(err.class().map(|c| c.as_str()), Some("CommandNotFound"));
}

#[tokio::test]
async fn decode_errors_of_generated_types_keep_their_path() {
    let (client, mut peer) = fake_qmp(ClientBuilder::new()).await;
    let call = tokio::spawn({
        let c = client.clone();
        async move { c.query_version().await }
    });
    let req = peer.request().await;
    assert_eq!(req["execute"], "query-version");
    assert_eq!(req["arguments"], json!({}));
    peer.reply(
        &req["id"],
        json!({"qemu": {"major": 10, "minor": 0, "micro": "two"}, "package": ""}),
    )
    .await;
    let err = within(call).await.unwrap().unwrap_err();
    let d = err.decode_error().unwrap_or_else(|| panic!("{err}"));
    assert_eq!(d.path, "qemu.micro", "{err}");
    assert!(d.message.contains("expected"), "{}", d.message);
}
