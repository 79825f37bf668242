//! What the live tests share: the `known!` tables the build script writes (every command and event of a 10.2.0
//! schema as a path into its crate, and the queries to call), a connection helper, and the outcome of a query.
#![allow(dead_code)]

use std::fmt::Debug;
use std::path::Path;
use std::time::Duration;

use qmp_client::blocking::Client;
use qmp_client::{ClientBuilder, Error};
use serde_json::Value;

/// Expands the build script's tables for one crate into `AVAILABLE`, `COMMANDS` and `EVENTS` ((schema name,
/// the bindings' `NAME`) pairs, each naming the bindings' type, so a missing one fails to compile) and
/// `call_queries`, which runs every query through the crate's `Commands` trait (all its arguments absent:
/// `Default`).
macro_rules! known {
    (
        krate: $k:ident,
        available: $available:expr,
        commands: [$(($command:literal, $command_type:ident)),* $(,)?],
        events: [$(($event:literal, $event_type:ident)),* $(,)?],
        queries: [$(($query:literal, $method:ident, [$($default:ident)?])),* $(,)?] $(,)?
    ) => {
        const AVAILABLE: bool = $available;
        #[allow(deprecated)]
        const COMMANDS: &[(&str, &str)] =
            &[$(($command, <$k::$command_type as qapi_runtime::Command>::NAME)),*];
        #[allow(deprecated, dead_code)]
        const EVENTS: &[(&str, &str)] =
            &[$(($event, <$k::$event_type as qapi_runtime::Event>::NAME)),*];
        #[allow(dead_code)]
        const QUERIES: &[&str] = &[$($query),*];
        #[allow(deprecated)]
        fn call_queries(client: &qmp_client::blocking::Client) -> Vec<common::Outcome> {
            use $k::Commands as _;
            vec![$(common::Outcome::of(
                $query,
                client.$method($(::core::default::Default::$default())?),
            )),*]
        }
    };
}
pub(crate) use known;

/// A blocking client on a just-started server's socket.
pub fn connect(socket: impl AsRef<Path>) -> Client {
    let builder = ClientBuilder::new()
        .wait_for_server(true)
        .call_timeout(Some(Duration::from_secs(60)));
    Client::connect_unix_with(builder, socket).expect("connecting to the server")
}

/// What one typed call gave.
pub struct Outcome {
    pub command: &'static str,
    pub result: Result<Decoded, Error>,
}

/// A reply decoded into the bindings' type: its `Debug` text and the value encoded again.
pub struct Decoded {
    pub debug: String,
    pub encoded: Value,
}

impl Outcome {
    pub fn of<T: Debug + serde::Serialize>(
        command: &'static str,
        result: Result<T, Error>,
    ) -> Outcome {
        let result = result.map(|value| Decoded {
            debug: format!("{value:?}"),
            encoded: serde_json::to_value(&value).expect("encoding a decoded reply"),
        });
        Outcome { command, result }
    }
}

/// The object members of `raw` that `typed` lacks, as JSON paths (`[0].active`): what the bindings dropped
/// from a newer server's reply.
pub fn dropped_members(raw: &Value, typed: &Value, path: &str, out: &mut Vec<String>) {
    match (raw, typed) {
        (Value::Object(r), Value::Object(t)) => {
            for (key, value) in r {
                let here = format!("{path}.{key}");
                match t.get(key) {
                    None => out.push(here),
                    Some(tv) => dropped_members(value, tv, &here, out),
                }
            }
        }
        (Value::Array(r), Value::Array(t)) => {
            for (i, (rv, tv)) in r.iter().zip(t).enumerate() {
                dropped_members(rv, tv, &format!("{path}[{i}]"), out);
            }
        }
        _ => {}
    }
}

/// For every decoded reply, the members the bindings dropped (as `command.path`): what a newer server added.
/// Printed as it goes.
pub fn newer_in_replies(client: &Client, outcomes: &[Outcome]) -> Vec<String> {
    let mut dropped = Vec::new();
    for o in outcomes {
        let Ok(d) = &o.result else { continue };
        let raw = client
            .execute_raw(o.command, serde_json::json!({}))
            .expect("the same query, untyped");
        let mut here = Vec::new();
        dropped_members(&raw, &d.encoded, "", &mut here);
        if !here.is_empty() {
            eprintln!("newer    {:40} members dropped: {here:?}", o.command);
        }
        dropped.extend(here.into_iter().map(|p| format!("{}{p}", o.command)));
    }
    dropped
}

/// Calls every query, checks that each reply decoded (a QMP error from the server is allowed: the command is
/// not in this build, or what it reports is absent), and prints a table. Gives the outcomes.
pub fn run_queries(outcomes: Vec<Outcome>, live_commands: &[String]) -> Vec<Outcome> {
    let mut failures = Vec::new();
    for o in &outcomes {
        let live = live_commands.iter().any(|c| c == o.command);
        match &o.result {
            Ok(d) => eprintln!("ok       {:40} {:.100}", o.command, d.debug),
            Err(Error::Qmp { class, desc }) => {
                eprintln!("refused  {:40} {class}: {desc:.80}", o.command);
                if live && class == "CommandNotFound" {
                    failures.push(format!(
                        "{}: in the server's schema, yet {class}",
                        o.command
                    ));
                }
            }
            Err(e) => failures.push(format!("{}: {e}", o.command)),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    outcomes
}
