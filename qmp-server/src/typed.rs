//! Typed dispatch over the `qapi_runtime::Command` and `Event` traits that every generated command and event
//! implements: the only module that knows how typed values become JSON and back (through the runtime's codec,
//! `qapi_runtime::from_slice` and `to_vec`).

use std::future::Future;

use qapi_runtime::{Command, Decode, DecodeError, Encode, Event};
use serde_json::{Map, Value};

use crate::error::CommandError;
use crate::mock::Mock;
use crate::server::{Emitter, Flags, Server, ServerBuilder};

/// The flags a command's schema definition gives it.
pub fn flags_of<C: Command>() -> Flags {
    Flags {
        allow_oob: C::ALLOW_OOB,
        success_response: C::SUCCESS_RESPONSE,
    }
}

/// Decodes a command's `arguments` and rejects members the command does not have, in QEMU's words
/// (`Parameter 'device' is missing`, `Invalid parameter type for 'device', expected: string`,
/// `Parameter 'zz' is unexpected`). Unexpected members are looked for at the top level only.
pub fn decode_arguments<C: Command + Decode>(
    arguments: Map<String, Value>,
) -> Result<C, CommandError> {
    let value = Value::Object(arguments);
    let text = serde_json::to_vec(&value).unwrap_or_default();
    let command: C = qapi_runtime::from_slice(&text).map_err(|e| argument_error(&e))?;
    if let (Value::Object(given), Ok(Value::Object(known))) = (
        &value,
        serde_json::from_slice::<Value>(&qapi_runtime::to_vec(&command)),
    ) {
        if let Some(extra) = given.keys().find(|k| !known.contains_key(*k)) {
            return Err(CommandError::generic(format!(
                "Parameter '{extra}' is unexpected"
            )));
        }
    }
    Ok(command)
}

/// Encodes a typed value as JSON.
pub fn encode<T: Encode + ?Sized>(value: &T) -> Result<Value, CommandError> {
    serde_json::from_slice(&qapi_runtime::to_vec(value))
        .map_err(|e| CommandError::generic(format!("encoding the reply: {e}")))
}

/// Decodes JSON as a typed value (a recorded call's arguments, an event's data).
pub fn decode<T: Decode>(value: Value) -> Result<T, DecodeError> {
    qapi_runtime::from_slice(&serde_json::to_vec(&value).unwrap_or_default())
}

/// The runtime's decode error gives the JSON path and the message; QEMU names the parameter and the type it
/// expected.
fn argument_error(e: &DecodeError) -> CommandError {
    let (path, message) = (e.path(), e.message().to_owned());
    let join = |name: &str| {
        if path.is_empty() {
            name.to_owned()
        } else {
            format!("{path}.{name}")
        }
    };
    if let Some(name) = message
        .strip_prefix("missing member `")
        .and_then(|m| m.strip_suffix('`'))
    {
        return CommandError::generic(format!("Parameter '{}' is missing", join(name)));
    }
    if let Some((expected, _)) = message
        .strip_prefix("expected ")
        .and_then(|m| m.split_once(", found"))
    {
        let expected = expected.trim_start_matches("an ").trim_start_matches("a ");
        let name = if path.is_empty() { "null" } else { &path };
        return CommandError::generic(format!(
            "Invalid parameter type for '{name}', expected: {expected}"
        ));
    }
    let name = if path.is_empty() { "arguments" } else { &path };
    CommandError::generic(format!("Parameter '{name}' is invalid: {message}"))
}

impl ServerBuilder {
    /// Answers command `C` with `handler`, which takes its decoded arguments and gives its typed return; the
    /// command's flags come from its definition.
    ///
    /// ```
    /// use qmp_server::Server;
    /// # struct Stop;
    /// # impl qapi_runtime::ObjectType for Stop {
    /// #     fn decode_members(_: &mut qapi_runtime::Members<'_, '_>) -> Result<Self, qapi_runtime::DecodeError> { Ok(Stop) }
    /// #     fn encode_members(&self, _: &mut qapi_runtime::Writer) {}
    /// # }
    /// # impl qapi_runtime::Command for Stop { const NAME: &'static str = "stop"; type Returns = qapi_runtime::Empty; }
    /// let server = Server::builder()
    ///     .command::<Stop, _>(|_| async { Ok(qapi_runtime::Empty {}) })
    ///     .build();
    /// assert!(server.command_names().any(|n| n == "stop"));
    /// ```
    pub fn command<C, Fut>(self, handler: impl Fn(C) -> Fut + Send + Sync + 'static) -> Self
    where
        C: Command + Decode + Send + 'static,
        C::Returns: Encode,
        Fut: Future<Output = Result<C::Returns, CommandError>> + Send + 'static,
    {
        let handler = std::sync::Arc::new(handler);
        self.command_raw(C::NAME, flags_of::<C>(), move |arguments| {
            let started = decode_arguments::<C>(arguments).map(|c| handler(c));
            async move { encode(&started?.await?) }
        })
    }

    /// Names event `E` for `query-qmp-schema`.
    pub fn event<E: Event>(self) -> Self {
        self.event_raw(E::NAME)
    }
}

/// An event's `data`: `null` (left out on the wire) when it has no members, as QEMU sends `STOP`.
fn event_data<E: Encode>(event: &E) -> Value {
    match serde_json::from_slice(&qapi_runtime::to_vec(event)) {
        Ok(Value::Object(o)) if o.is_empty() => Value::Null,
        Ok(data) => data,
        Err(_) => Value::Null,
    }
}

impl Server {
    /// Sends event `E` to every negotiated client, stamped with the time now.
    pub fn emit<E: Event + Encode>(&self, event: &E) {
        self.emit_raw(E::NAME, event_data(event));
    }
}

impl Emitter {
    /// Sends event `E` to every negotiated client, stamped with the time now.
    pub fn emit<E: Event + Encode>(&self, event: &E) {
        self.emit_raw(E::NAME, event_data(event));
    }
}

impl Mock {
    /// Answers command `C` with a closure over its typed arguments.
    pub fn on<C>(
        &self,
        handler: impl Fn(C) -> Result<C::Returns, CommandError> + Send + Sync + 'static,
    ) where
        C: Command + Decode + Send + 'static,
        C::Returns: Encode,
    {
        self.stub_with(C::NAME, flags_of::<C>(), move |arguments| {
            let command = decode_arguments::<C>(arguments)?;
            encode(&handler(command)?)
        });
    }

    /// Answers command `C` with `value` every time.
    pub fn returns<C>(&self, value: C::Returns)
    where
        C: Command,
        C::Returns: Encode,
    {
        let value = encode(&value).unwrap_or(Value::Null);
        self.stub_value_with(C::NAME, flags_of::<C>(), value);
    }

    /// Fails command `C` with `error` every time.
    pub fn fails<C: Command>(&self, error: CommandError) {
        self.stub_error_with(C::NAME, flags_of::<C>(), error);
    }

    /// The arguments of every call of `C` received so far, decoded, in order.
    pub fn calls_of<C: Command + Decode>(&self) -> Vec<C> {
        self.calls()
            .into_iter()
            .filter(|call| call.name == C::NAME)
            .filter_map(|call| decode(Value::Object(call.arguments)).ok())
            .collect()
    }

    /// Sends event `E` now.
    pub fn emit<E: Event + Encode>(&self, event: &E) {
        self.server().emit(event);
    }
}
