//! What generated code names, in one place: each generated module imports this as `rt`, so that its paths stay
//! short (`rt::Option<rt::String>`) while never depending on what the schema itself names `String` or `Option`.

pub use core::convert::{From, Into};
pub use core::fmt;
pub use core::mem;
pub use core::ops::Deref;
pub use core::option::Option::{self, None, Some};
pub use core::result::Result::{self, Err, Ok};
pub use std::boxed::Box;
pub use std::string::String;
pub use std::vec::Vec;

pub use crate::impl_serde;
pub use crate::read::{Members, Reader, Token};
pub use crate::wire::{event_data, Decode, DecodeError, Empty, Encode, Object, ObjectType};
pub use crate::write::Writer;
pub use std::borrow::Cow;

pub use crate::{Command, Definition, Event, EventSet, Executor, Info, Meta, OobCommand, Value};
