//! Types written by hand with serde's derives join the codec through serde_json: a command or a reply type that
//! bindings do not have can still be sent and decoded by any client of this runtime.
//!
//! ```
//! #[derive(serde::Serialize)]
//! struct QueryStatus {}
//! #[derive(serde::Deserialize, Debug, PartialEq)]
//! struct Status { running: bool }
//! qapi_runtime::encode_via_serde!(QueryStatus);
//! qapi_runtime::decode_via_serde!(Status);
//! impl qapi_runtime::Command for QueryStatus {
//!     const NAME: &'static str = "query-status";
//!     type Returns = Status;
//! }
//! assert_eq!(qapi_runtime::to_string(&QueryStatus {}), "{}");
//! let s: Status = qapi_runtime::from_str(r#"{"running": true}"#).unwrap();
//! assert_eq!(s, Status { running: true });
//! let e = qapi_runtime::from_str::<Status>(r#"{"running": 1}"#).unwrap_err();
//! assert_eq!(e.path(), "running");
//! ```

use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::read::Reader;
use crate::wire::DecodeError;
use crate::write::Writer;

/// `Encode` through serde_json (what [`encode_via_serde!`](crate::encode_via_serde) expands to).
pub fn encode<T: Serialize + ?Sized>(value: &T, writer: &mut Writer) {
    writer.serde(value);
}

/// `Decode` through serde_json, the error with serde's path (what [`decode_via_serde!`](crate::decode_via_serde)
/// expands to).
pub fn decode<T: DeserializeOwned>(reader: &mut Reader<'_>) -> Result<T, DecodeError> {
    let start = {
        reader.peek()?;
        reader.offset()
    };
    let text = reader.raw()?;
    let mut de = serde_json::Deserializer::from_slice(text);
    serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let mut error = DecodeError::new(e.inner().to_string()).at(start + e.inner().column());
        let segments: Vec<_> = e.path().iter().collect();
        for segment in segments.into_iter().rev() {
            error = match segment {
                serde_path_to_error::Segment::Seq { index } => error.in_index(*index),
                serde_path_to_error::Segment::Map { key } => error.in_member(key),
                serde_path_to_error::Segment::Enum { variant } => error.in_member(variant),
                serde_path_to_error::Segment::Unknown => error,
            };
        }
        error
    })
}

/// Implements [`Encode`](crate::Encode) for types that implement serde's `Serialize`.
#[macro_export]
macro_rules! encode_via_serde {
    ($($t:ty),* $(,)?) => {$(
        impl $crate::Encode for $t {
            fn encode(&self, writer: &mut $crate::Writer) {
                $crate::via_serde::encode(self, writer)
            }
        }
    )*};
}

/// Implements [`Decode`](crate::Decode) for types that implement serde's `Deserialize`.
#[macro_export]
macro_rules! decode_via_serde {
    ($($t:ty),* $(,)?) => {$(
        impl $crate::Decode for $t {
            fn decode(reader: &mut $crate::Reader<'_>) -> ::core::result::Result<Self, $crate::DecodeError> {
                $crate::via_serde::decode(reader)
            }
        }
    )*};
}
