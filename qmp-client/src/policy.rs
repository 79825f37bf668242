//! Which commands a client may send: policies consulted with each command's name before anything is sent.
//!
//! A [`CommandPolicy`] is the hook; [`ReadOnly`] is the one this crate ships: an allow-list of the commands that
//! only read, for a client that must not change the VM (or, for a guest agent running on a host, the host).
//! Policies are given to [`crate::ClientBuilder::policy`] before connecting, or to [`crate::Client::add_policy`]
//! once connected (e.g. one built from the connected QEMU's `query-qmp-schema`). Every policy must agree; the
//! first refusal fails the call with [`crate::Error::Refused`], naming the command and the policy's reason.
//! The handshake (`qmp_capabilities`, the guest agent's `guest-sync-delimited` on connect) is not checked.
//!
//! ```
//! use qmp_client::{Client, CommandPolicy, ReadOnly};
//!
//! let read_only = ReadOnly::qemu();
//! assert!(read_only.check("query-status").is_ok());
//! assert!(read_only.check("qom-get").is_ok());
//! assert!(read_only.check("stop").is_err());
//!
//! // Any `Fn(&str) -> Result<(), String>` is a policy.
//! let no_quit = |command: &str| match command {
//!     "quit" => Err("this client never stops QEMU".to_owned()),
//!     _ => Ok(()),
//! };
//! let builder = Client::builder().policy(no_quit).read_only();
//! # drop(builder);
//! ```

use std::collections::BTreeSet;
use std::sync::Arc;

use crate::builder::Protocol;

/// Decides, from its name alone, whether a command may be sent. Called on every call before anything is
/// written, from any task: keep it quick and never block.
pub trait CommandPolicy: Send + Sync + 'static {
    /// `Ok(())` lets `command` through; `Err(reason)` refuses it, and the call fails with
    /// [`crate::Error::Refused`] `{ command, reason }`.
    fn check(&self, command: &str) -> Result<(), String>;
}

impl<F> CommandPolicy for F
where
    F: Fn(&str) -> Result<(), String> + Send + Sync + 'static,
{
    fn check(&self, command: &str) -> Result<(), String> {
        self(command)
    }
}

/// The policies of one client, all of which must agree.
#[derive(Clone, Default)]
pub(crate) struct Policies(Vec<Arc<dyn CommandPolicy>>);

impl Policies {
    pub(crate) fn push(&mut self, policy: Arc<dyn CommandPolicy>) {
        self.0.push(policy);
    }

    pub(crate) fn check(&self, command: &str) -> crate::Result<()> {
        for policy in &self.0 {
            policy
                .check(command)
                .map_err(|reason| crate::Error::Refused {
                    command: command.to_owned(),
                    reason,
                })?;
        }
        Ok(())
    }
}

impl std::fmt::Debug for Policies {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} command policies", self.0.len())
    }
}

/// QEMU monitor commands outside the `query-` and `x-query-` families that only read.
pub const QEMU_READ_ONLY: &[&str] = &[
    "device-list-properties",
    "qom-get",
    "qom-list",
    "qom-list-properties",
    "qom-list-types",
    "trace-event-get-state",
    "x-debug-block-dirty-bitmap-sha256",
    "x-debug-query-block-graph",
];

/// Name prefixes of QEMU monitor commands that only read: by QEMU's naming rule no `query-` command changes
/// state.
pub const QEMU_READ_ONLY_PREFIXES: &[&str] = &["query-", "x-query-"];

/// Guest-agent commands outside the `guest-get-` family that only read. Not among them: `guest-exec-status`
/// (it forgets a finished process once reported) and `guest-file-read` (it moves the file position, on a handle
/// only `guest-file-open` gives).
pub const GUEST_AGENT_READ_ONLY: &[&str] = &[
    "guest-fsfreeze-status",
    "guest-info",
    "guest-network-get-interfaces",
    "guest-network-get-route",
    "guest-ping",
    "guest-ssh-get-authorized-keys",
    "guest-sync",
    "guest-sync-delimited",
];

/// Name prefixes of guest-agent commands that only read.
pub const GUEST_AGENT_READ_ONLY_PREFIXES: &[&str] = &["guest-get-"];

/// Refuses every command not on its allow-list (names, and name prefixes).
#[derive(Clone, Debug)]
pub struct ReadOnly {
    names: BTreeSet<String>,
    prefixes: Vec<String>,
    what: &'static str,
}

impl ReadOnly {
    /// QEMU's monitor: the `query-*` and `x-query-*` commands and [`QEMU_READ_ONLY`].
    pub fn qemu() -> Self {
        Self::from_lists(QEMU_READ_ONLY, QEMU_READ_ONLY_PREFIXES, "QEMU monitor")
    }

    /// The guest agent: the `guest-get-*` commands and [`GUEST_AGENT_READ_ONLY`].
    pub fn guest_agent() -> Self {
        Self::from_lists(
            GUEST_AGENT_READ_ONLY,
            GUEST_AGENT_READ_ONLY_PREFIXES,
            "guest agent",
        )
    }

    /// The ready list for a protocol.
    pub fn for_protocol(protocol: Protocol) -> Self {
        match protocol {
            Protocol::Qmp => Self::qemu(),
            Protocol::GuestAgent => Self::guest_agent(),
        }
    }

    /// Only the commands named, no prefixes.
    pub fn only<I: IntoIterator<Item = S>, S: Into<String>>(names: I) -> Self {
        ReadOnly {
            names: names.into_iter().map(Into::into).collect(),
            prefixes: Vec::new(),
            what: "given",
        }
    }

    fn from_lists(names: &[&str], prefixes: &[&str], what: &'static str) -> Self {
        ReadOnly {
            names: names.iter().map(|&n| n.to_owned()).collect(),
            prefixes: prefixes.iter().map(|&p| p.to_owned()).collect(),
            what,
        }
    }

    /// Also allows `command`.
    pub fn allow(mut self, command: impl Into<String>) -> Self {
        self.names.insert(command.into());
        self
    }

    /// `command` is on the list.
    pub fn allows(&self, command: &str) -> bool {
        self.names.contains(command) || self.prefixes.iter().any(|p| command.starts_with(&**p))
    }
}

impl CommandPolicy for ReadOnly {
    fn check(&self, command: &str) -> Result<(), String> {
        if self.allows(command) {
            Ok(())
        } else {
            Err(format!(
                "the client is read-only, and `{command}` is not on its list of {} read-only commands",
                self.what
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lists_allow_getters_and_refuse_the_rest() {
        let qemu = ReadOnly::qemu();
        for ok in ["query-status", "x-query-roms", "qom-get", "qom-list-types"] {
            assert!(qemu.allows(ok), "{ok}");
        }
        for refused in [
            "stop",
            "quit",
            "human-monitor-command",
            "qom-set",
            "ringbuf-read",
        ] {
            assert!(!qemu.allows(refused), "{refused}");
        }
        let agent = ReadOnly::guest_agent();
        for ok in ["guest-info", "guest-get-osinfo", "guest-sync-delimited"] {
            assert!(agent.allows(ok), "{ok}");
        }
        for refused in [
            "guest-exec",
            "guest-exec-status",
            "guest-file-read",
            "guest-shutdown",
        ] {
            assert!(!agent.allows(refused), "{refused}");
        }
        assert!(ReadOnly::only(["stop"]).allows("stop"));
        assert!(!ReadOnly::only(["stop"]).allows("query-status"));
    }

    #[test]
    fn every_policy_must_agree_and_the_error_names_the_command() {
        let mut all = Policies::default();
        all.push(Arc::new(ReadOnly::qemu()));
        all.push(Arc::new(|c: &str| match c {
            "query-kvm" => Err("not on this QEMU".to_owned()),
            _ => Ok(()),
        }));
        assert!(all.check("query-status").is_ok());
        let err = all.check("query-kvm").unwrap_err().to_string();
        assert_eq!(err, "query-kvm refused before sending: not on this QEMU");
        let err = all.check("system_reset").unwrap_err().to_string();
        assert!(
            err.starts_with("system_reset refused before sending: the client is read-only"),
            "{err}"
        );
    }
}
