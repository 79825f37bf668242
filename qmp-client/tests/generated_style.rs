//! Bindings written the way qapi-gen writes them (`ObjectType` + `impl_serde!`, a per-command trait over
//! `Executor`), driven through both clients.

mod common;

use common::*;
use qapi_runtime::{Command, DecodeError, Empty, Executor, Members, ObjectType, Writer};
use qapi_tests::Server;
use qmp_client::ClientBuilder;
use serde_json::json;

#[derive(Debug, Default)]
pub struct QueryVersionArgs;
impl ObjectType for QueryVersionArgs {
    fn decode_members(_: &mut Members<'_, '_>) -> Result<Self, DecodeError> {
        Ok(QueryVersionArgs)
    }
    fn encode_members(&self, _: &mut Writer) {}
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
    fn decode_members(m: &mut Members<'_, '_>) -> Result<Self, DecodeError> {
        let (mut qemu, mut package) = (None, None);
        while let Some(key) = m.next_key()? {
            let key = &*key;
            match key {
                "qemu" => m.read(&mut qemu, key),
                "package" => m.read(&mut package, key),
                _ => m.other(key),
            }?;
        }
        let Some(qemu) = qemu else {
            return Err(m.missing("qemu"));
        };
        let Some(package) = package else {
            return Err(m.missing("package"));
        };
        Ok(Version { qemu, package })
    }
    fn encode_members(&self, w: &mut Writer) {
        w.member("qemu", &self.qemu);
        w.member("package", &self.package);
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
    fn decode_members(m: &mut Members<'_, '_>) -> Result<Self, DecodeError> {
        let (mut major, mut minor, mut micro) = (None, None, None);
        while let Some(key) = m.next_key()? {
            let key = &*key;
            match key {
                "major" => m.read(&mut major, key),
                "minor" => m.read(&mut minor, key),
                "micro" => m.read(&mut micro, key),
                _ => m.other(key),
            }?;
        }
        let Some(major) = major else {
            return Err(m.missing("major"));
        };
        let Some(minor) = minor else {
            return Err(m.missing("minor"));
        };
        let Some(micro) = micro else {
            return Err(m.missing("micro"));
        };
        Ok(Triple {
            major,
            minor,
            micro,
        })
    }
    fn encode_members(&self, w: &mut Writer) {
        w.member("major", &self.major);
        w.member("minor", &self.minor);
        w.member("micro", &self.micro);
    }
}
qapi_runtime::impl_serde!(Triple);

#[derive(Debug)]
pub struct StopArgs;
impl ObjectType for StopArgs {
    fn decode_members(_: &mut Members<'_, '_>) -> Result<Self, DecodeError> {
        Ok(StopArgs)
    }
    fn encode_members(&self, _: &mut Writer) {}
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
    assert!(
        req.get("arguments").is_none(),
        "no arguments are sent as none: {req}"
    );
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
