//! A command's failure as QMP reports it: an error class and a human-readable description.

use std::fmt;

/// `{"error": {"class": ..., "desc": ...}}`. The classes QEMU uses are `GenericError` (nearly everything),
/// `CommandNotFound`, `DeviceNotActive`, `DeviceNotFound` and `KVMMissingCap`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CommandError {
    /// The error class, e.g. `GenericError`.
    pub class: String,
    /// The message for the client (`desc`).
    pub desc: String,
}

impl CommandError {
    /// An error of class `class` saying `desc`.
    pub fn new(class: impl Into<String>, desc: impl Into<String>) -> Self {
        CommandError {
            class: class.into(),
            desc: desc.into(),
        }
    }

    /// A `GenericError`, QEMU's class for almost every failure.
    pub fn generic(desc: impl Into<String>) -> Self {
        CommandError::new("GenericError", desc)
    }

    /// QEMU's answer to a command it does not have.
    pub fn command_not_found(name: &str) -> Self {
        CommandError::new(
            "CommandNotFound",
            format!("The command {name} has not been found"),
        )
    }
}

impl fmt::Display for CommandError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.class, self.desc)
    }
}

impl std::error::Error for CommandError {}
