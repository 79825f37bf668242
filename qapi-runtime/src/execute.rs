//! One `execute` for any client, one method per command for free.
//!
//! Generated bindings contain a trait with one method per command (`query_version()`, `blockdev_add(args)`, ...),
//! implemented for every [`Executor`]. A client implements [`Executor`] once, blocking or async: the associated
//! `Output` type says what a call gives, `Result<C::Returns, E>` for a blocking client, a future of it for an
//! async one.

use crate::Command;

/// A client that can run any command.
pub trait Executor {
    /// What running command `C` gives.
    type Output<'a, C: Command + Send + 'a>
    where
        Self: 'a;

    /// Sends `command` and gives its reply.
    fn execute<'a, C: Command + Send + 'a>(&'a self, command: C) -> Self::Output<'a, C>
    where
        C::Returns: Send;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::{to_string, Empty, Encode};
    use crate::write::Writer;

    struct Ping;
    impl Encode for Ping {
        fn encode(&self, w: &mut Writer) {
            w.begin_object();
            w.end_object();
        }
    }
    impl Command for Ping {
        const NAME: &'static str = "ping";
        type Returns = Empty;
    }

    /// A blocking "client" that answers `{}` to everything and records what it sent.
    struct Echo(std::cell::RefCell<Vec<String>>);

    impl Executor for Echo {
        type Output<'a, C: Command + Send + 'a> = Result<C::Returns, crate::DecodeError>;
        fn execute<'a, C: Command + Send + 'a>(&'a self, command: C) -> Self::Output<'a, C> {
            let message = format!(
                r#"{{"execute":"{}","arguments":{}}}"#,
                C::NAME,
                to_string(&command)
            );
            self.0.borrow_mut().push(message);
            crate::from_str("{}")
        }
    }

    trait Commands: Executor {
        fn ping(&self) -> Self::Output<'_, Ping> {
            self.execute(Ping)
        }
    }
    impl<T: Executor + ?Sized> Commands for T {}

    #[test]
    fn a_blocking_client_gets_the_command_methods() {
        let client = Echo(Default::default());
        assert_eq!(client.ping().unwrap(), Empty);
        assert_eq!(client.0.borrow()[0], r#"{"execute":"ping","arguments":{}}"#);
    }
}
