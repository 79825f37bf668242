use crate::read::Members;
use crate::wire::{DecodeError, ObjectType};
use crate::write::Writer;

/// The `timestamp` of a QMP event: seconds and microseconds since the Unix epoch, as QEMU sends them.
///
/// QEMU sends `{"seconds": -1, "microseconds": -1}` when it could not read the clock; [`Timestamp::time`] gives
/// `None` then.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Timestamp {
    /// Whole seconds since the Unix epoch (`-1` when QEMU could not read the clock).
    pub seconds: i64,
    /// Microseconds within the second (`-1` when QEMU could not read the clock).
    pub microseconds: i64,
}

// serde through the wire helpers rather than derived, so that the runtime (and every generated crate) builds
// without serde_derive and syn.
impl ObjectType for Timestamp {
    fn decode_members(o: &mut Members<'_, '_>) -> Result<Self, DecodeError> {
        let (mut seconds, mut microseconds) = (None, None);
        while let Some(key) = o.next_key()? {
            match &*key {
                "seconds" => seconds = Some(o.value("seconds")?),
                "microseconds" => microseconds = Some(o.value("microseconds")?),
                _ => o.skip()?,
            }
        }
        Ok(Timestamp {
            seconds: o.required(seconds, "seconds")?,
            microseconds: o.required(microseconds, "microseconds")?,
        })
    }
    fn encode_members(&self, w: &mut Writer) {
        w.field(b",\"seconds\":", &self.seconds);
        w.field(b",\"microseconds\":", &self.microseconds);
    }
}

crate::impl_serde!(Timestamp);

impl Timestamp {
    /// QEMU's "no time" value.
    pub const NONE: Timestamp = Timestamp {
        seconds: -1,
        microseconds: -1,
    };

    /// The time as a `SystemTime`, or `None` for QEMU's "no time" value (or any other negative value).
    pub fn time(&self) -> Option<std::time::SystemTime> {
        if self.seconds < 0 || !(0..1_000_000).contains(&self.microseconds) {
            return None;
        }
        let d = std::time::Duration::new(self.seconds as u64, self.microseconds as u32 * 1000);
        std::time::UNIX_EPOCH.checked_add(d)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_time_is_none() {
        let t: Timestamp = serde_json::from_str(r#"{"seconds": -1, "microseconds": -1}"#).unwrap();
        assert_eq!(t, Timestamp::NONE);
        assert_eq!(t.time(), None);
        assert_eq!(
            crate::wire::to_string(&t),
            r#"{"seconds":-1,"microseconds":-1}"#
        );
    }

    #[test]
    fn real_time_converts() {
        let t: Timestamp =
            serde_json::from_str(r#"{"seconds": 1700000000, "microseconds": 250000}"#).unwrap();
        let d = t
            .time()
            .unwrap()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap();
        assert_eq!(d.as_millis(), 1_700_000_000_250);
    }
}
