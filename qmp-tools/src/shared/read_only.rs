//! Read-only mode: only commands that look and change nothing are sent. On a guest agent running on a host, where
//! any other command acts on the host itself, it is the tools' default.

/// Commands QEMU's monitor answers without changing anything, besides every `query-*` and `x-query-*`.
pub const MONITOR_QUERIES: &[&str] = &[
    "qmp_capabilities",
    "qom-get",
    "qom-list",
    "qom-list-types",
    "qom-list-properties",
    "device-list-properties",
];

/// Guest-agent commands that only answer.
pub const GUEST_AGENT_QUERIES: &[&str] = &[
    "guest-sync-delimited",
    "guest-sync",
    "guest-ping",
    "guest-info",
    "guest-get-time",
    "guest-get-timezone",
    "guest-get-host-name",
    "guest-get-osinfo",
    "guest-get-users",
    "guest-get-vcpus",
    "guest-get-fsinfo",
    "guest-get-disks",
    "guest-get-devices",
    "guest-get-memory-blocks",
    "guest-get-memory-block-info",
    "guest-get-load",
    "guest-get-cpustats",
    "guest-get-diskstats",
    "guest-network-get-interfaces",
    "guest-network-get-route",
    "guest-fsfreeze-status",
];

/// Whether commands that change something may be sent.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ReadOnly {
    /// Everything may be sent.
    #[default]
    Off,
    /// Only the queries above.
    On,
}

impl ReadOnly {
    /// On for `--read-only` (`true`), off otherwise.
    pub fn from_flag(on: bool) -> ReadOnly {
        if on {
            ReadOnly::On
        } else {
            ReadOnly::Off
        }
    }

    /// Whether only queries are sent.
    pub fn is_on(self) -> bool {
        self == ReadOnly::On
    }

    /// `Err` with the reason when `command` may not be sent.
    pub fn check(self, command: &str) -> Result<(), String> {
        if self == ReadOnly::Off || is_query(command) {
            Ok(())
        } else {
            Err(format!(
                "'{command}' refused: read-only mode sends only queries (query-*, qom-get, qom-list, guest-get-*, ...)"
            ))
        }
    }
}

/// On the allow-list of commands that change nothing.
pub fn is_query(command: &str) -> bool {
    command.starts_with("query-")
        || command.starts_with("x-query-")
        || MONITOR_QUERIES.contains(&command)
        || GUEST_AGENT_QUERIES.contains(&command)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_queries_pass_in_read_only_mode() {
        for ok in [
            "query-status",
            "x-query-ramblock",
            "qom-get",
            "guest-info",
            "guest-get-osinfo",
        ] {
            assert_eq!(ReadOnly::On.check(ok), Ok(()), "{ok}");
        }
        for refused in [
            "quit",
            "stop",
            "qom-set",
            "device_add",
            "guest-shutdown",
            "guest-file-open",
            "human-monitor-command",
        ] {
            let why = ReadOnly::On.check(refused).unwrap_err();
            assert!(why.contains(refused) && why.contains("read-only"), "{why}");
        }
        assert_eq!(ReadOnly::Off.check("quit"), Ok(()));
    }
}
