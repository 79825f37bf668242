// A fake QEMU for the compile tests: a blocking `Executor` that answers each command with a canned reply and
// records the messages it was sent.

#![allow(dead_code)]
use std::cell::RefCell;

use qapi_runtime::{Command, Executor};
use serde_json::Value;

pub struct Fake {
    replies: Vec<(&'static str, Value)>,
    pub sent: RefCell<Vec<Value>>,
}

impl Fake {
    /// Answers command `name` with `reply`; `{}` to any other.
    pub fn new(replies: Vec<(&'static str, Value)>) -> Fake {
        Fake {
            replies,
            sent: RefCell::new(Vec::new()),
        }
    }
}

impl Executor for Fake {
    type Output<'a, C: Command + Send + 'a> = Result<C::Returns, qapi_runtime::DecodeError>;

    fn execute<'a, C: Command + Send + 'a>(&'a self, command: C) -> Self::Output<'a, C> {
        let arguments = qapi_runtime::to_value(&command);
        self.sent
            .borrow_mut()
            .push(serde_json::json!({ "execute": C::NAME, "arguments": arguments }));
        let reply = self
            .replies
            .iter()
            .find(|(name, _)| *name == C::NAME)
            .map_or_else(|| serde_json::json!({}), |(_, reply)| reply.clone());
        qapi_runtime::from_value(&reply)
    }
}
