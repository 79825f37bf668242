//! The reader driving a serde serializer: how generated types serialize into formats other than JSON without a
//! `Value` tree.

use super::{DecodeError, Num, Reader, Token};

/// Feeds the JSON text `json` (one value) to a serde serializer, value by value: how generated types serialize
/// into formats other than JSON without a `Value` tree.
pub fn transcode<S: serde::Serializer>(json: &[u8], serializer: S) -> Result<S::Ok, S::Error> {
    let mut reader = Reader::new(json);
    let ok = transcode_value(&mut reader, serializer)?;
    reader.end().map_err(serde::ser::Error::custom)?;
    Ok(ok)
}

fn transcode_value<S: serde::Serializer>(
    reader: &mut Reader<'_>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    use serde::ser::{Error, SerializeMap, SerializeSeq};
    let fail = |e: DecodeError| S::Error::custom(e);
    match reader.peek().map_err(fail)? {
        Token::Null => {
            reader.null().map_err(fail)?;
            serializer.serialize_unit()
        }
        Token::Bool => serializer.serialize_bool(reader.bool().map_err(fail)?),
        Token::Number => match reader.number().map_err(fail)?.0 {
            Num::Unsigned(u) => serializer.serialize_u64(u),
            Num::Signed(i) => serializer.serialize_i64(i),
            Num::Float(f) => serializer.serialize_f64(f),
        },
        Token::String => serializer.serialize_str(&reader.str().map_err(fail)?),
        Token::Array => {
            reader.enter(b'[').map_err(fail)?;
            let mut seq = serializer.serialize_seq(None)?;
            let mut first = true;
            while reader.more(b']', &mut first).map_err(fail)? {
                seq.serialize_element(&Next(std::cell::Cell::new(Some(&mut *reader))))?;
            }
            reader.depth -= 1;
            seq.end()
        }
        Token::Object => {
            reader.enter(b'{').map_err(fail)?;
            let mut map = serializer.serialize_map(None)?;
            let mut first = true;
            while reader.more(b'}', &mut first).map_err(fail)? {
                let key = reader.str().map_err(fail)?;
                reader.expect(b':').map_err(fail)?;
                map.serialize_key(&*key)?;
                map.serialize_value(&Next(std::cell::Cell::new(Some(&mut *reader))))?;
            }
            reader.depth -= 1;
            map.end()
        }
    }
}

/// The next value of a reader, for serde (which serializes it once).
struct Next<'r, 'a>(std::cell::Cell<Option<&'r mut Reader<'a>>>);

impl serde::Serialize for Next<'_, '_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.0.take() {
            Some(reader) => transcode_value(reader, serializer),
            None => Err(serde::ser::Error::custom("a value serialized twice")),
        }
    }
}
