//! The record codec: one format-version byte, then bincode 2.0.1 (serde API, standard config).
//!
//! Every value in every tree goes through [`encode`] and [`decode`]; no other module names
//! bincode. A record written by a newer format is refused with a clear error instead of being
//! misread.
//!
//! Old formats stay readable: a stored type implements [`Stored`], whose `from_v1` reads a
//! format-1 body (the shapes of the first release). Types whose shape never changed use the
//! default (the body is read as the current type); a type that changed shape decodes its legacy
//! struct and converts it (`office::legacy`). A record is rewritten in the current format only
//! when it is next changed, so the bytes an audit entry hashed stay as they were.

use serde::de::DeserializeOwned;
use serde::Serialize;

/// Version of the record layout. Bump it when a stored type changes shape, and teach
/// [`Stored`] to read the old one.
///
/// - 1: the first release.
/// - 2: one visit per target and period (`Task::merged`, `DrawInput::draw2`,
///   `DrawOutcome::merges`).
/// - 3: a draw's pools are delta-coded (`draw::engine::pool_serde`; in draw records and
///   announcements). A format-2 body reads as format 3: a pool not starting with the delta
///   mark is the plain ids of format 2, and nothing else changed. The bump only makes an older
///   build refuse these records instead of misreading their pools.
pub const FORMAT_VERSION: u8 = 3;

/// The format before [`FORMAT_VERSION`] whose bodies read as the current shape.
const FORMAT_SAME_SHAPE: u8 = 2;

/// A type kept in the store, readable in every format this build knows.
pub trait Stored: DeserializeOwned {
    /// Read a format-1 body. The default: the shape did not change.
    fn from_v1(body: &[u8]) -> Result<Self, CodecError> {
        decode_body(body)
    }
}

/// `Stored` for types whose shape is the same in every format.
#[macro_export]
macro_rules! stored_unchanged {
    ($($t:ty),* $(,)?) => { $(impl $crate::store::codec::Stored for $t {})* };
}

stored_unchanged!(
    String,
    u8,
    u16,
    u32,
    u64,
    i64,
    bool,
    [u8; 32],
    Vec<u8>,
    Vec<u64>,
    Vec<String>
);

#[derive(Debug, thiserror::Error)]
pub enum CodecError {
    #[error("record is empty")]
    Empty,
    #[error("record format version {0} is not known to this build (it reads {FORMAT_VERSION})")]
    Version(u8),
    #[error("record cannot be decoded: {0}")]
    Decode(String),
    #[error("record cannot be encoded: {0}")]
    Encode(String),
}

fn config() -> bincode::config::Configuration {
    bincode::config::standard()
}

pub fn encode<T: Serialize + ?Sized>(value: &T) -> Result<Vec<u8>, CodecError> {
    let mut out = vec![FORMAT_VERSION];
    let body = bincode::serde::encode_to_vec(value, config())
        .map_err(|e| CodecError::Encode(e.to_string()))?;
    out.extend_from_slice(&body);
    Ok(out)
}

/// [`encode`] into a writer: the same bytes, never held whole (a backup of a large store).
pub fn encode_into<T: Serialize + ?Sized>(
    w: &mut impl std::io::Write,
    value: &T,
) -> Result<(), CodecError> {
    w.write_all(&[FORMAT_VERSION])
        .map_err(|e| CodecError::Encode(e.to_string()))?;
    bincode::serde::encode_into_std_write(value, w, config())
        .map_err(|e| CodecError::Encode(e.to_string()))?;
    Ok(())
}

pub fn decode<T: Stored>(bytes: &[u8]) -> Result<T, CodecError> {
    let (&v, body) = bytes.split_first().ok_or(CodecError::Empty)?;
    match v {
        FORMAT_VERSION | FORMAT_SAME_SHAPE => decode_body(body),
        1 => T::from_v1(body),
        _ => Err(CodecError::Version(v)),
    }
}

/// Read a format-1 body as its legacy shape `L` and convert it.
pub fn decode_v1_as<L: DeserializeOwned + Into<T>, T>(body: &[u8]) -> Result<T, CodecError> {
    decode_body::<L>(body).map(Into::into)
}

/// The body after the version byte, in the current shape of `T`.
pub fn decode_body<T: DeserializeOwned>(body: &[u8]) -> Result<T, CodecError> {
    let (value, used) = bincode::serde::decode_from_slice(body, config())
        .map_err(|e| CodecError::Decode(e.to_string()))?;
    if used != body.len() {
        return Err(CodecError::Decode(format!(
            "{} trailing bytes",
            body.len() - used
        )));
    }
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    stored_unchanged!((u64, String, Vec<u8>));

    #[test]
    fn round_trip_and_version_byte() {
        let v = (42u64, "宜良".to_string(), vec![1u8, 2, 3]);
        let b = encode(&v).unwrap();
        assert_eq!(b[0], FORMAT_VERSION);
        let back: (u64, String, Vec<u8>) = decode(&b).unwrap();
        assert_eq!(back, v);
    }

    #[test]
    fn a_format_1_record_of_an_unchanged_type_reads_as_today() {
        let mut b = encode(&"宜良".to_string()).unwrap();
        b[0] = 1;
        assert_eq!(decode::<String>(&b).unwrap(), "宜良");
    }

    #[test]
    fn unknown_version_and_garbage_are_errors() {
        let mut b = encode(&7u32).unwrap();
        b[0] = 99;
        assert!(matches!(decode::<u32>(&b), Err(CodecError::Version(99))));
        assert!(matches!(decode::<u32>(&[]), Err(CodecError::Empty)));
        assert!(decode::<String>(&[FORMAT_VERSION, 200, 1]).is_err());
        let mut t = encode(&7u32).unwrap();
        t.push(0);
        assert!(decode::<u32>(&t).is_err());
    }
}
