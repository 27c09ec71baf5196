//! The record codec: one format-version byte, then bincode 2.0.1 (serde API, standard config).
//!
//! Every value in every tree goes through [`encode`] and [`decode`]; no other module names
//! bincode. A record written by a newer format is refused with a clear error instead of being
//! misread.

use serde::de::DeserializeOwned;
use serde::Serialize;

/// Version of the record layout. Bump it when a stored type changes shape, and teach
/// [`decode`] to read the old one.
pub const FORMAT_VERSION: u8 = 1;

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

pub fn decode<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, CodecError> {
    let (&v, body) = bytes.split_first().ok_or(CodecError::Empty)?;
    if v != FORMAT_VERSION {
        return Err(CodecError::Version(v));
    }
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

    #[test]
    fn round_trip_and_version_byte() {
        let v = (42u64, "宜良".to_string(), vec![1u8, 2, 3]);
        let b = encode(&v).unwrap();
        assert_eq!(b[0], FORMAT_VERSION);
        let back: (u64, String, Vec<u8>) = decode(&b).unwrap();
        assert_eq!(back, v);
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
