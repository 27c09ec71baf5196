//! Unified social credit code (统一社会信用代码), GB 32100-2015.
//!
//! 18 characters from `0123456789ABCDEFGHJKLMNPQRTUWXY`. The 18th is a check character:
//! with weights 1,3,9,27,19,26,16,17,20,29,25,13,8,24,10,30,28 over the first 17,
//! `check = CHARSET[(31 - sum mod 31) mod 31]`.
//!
//! A few early pilot codes were issued before the check was enforced; they fail it and are
//! real. They are listed in [`PILOT_CODES`] and only warn.

use serde::{Deserialize, Serialize};
use std::fmt;

pub const CHARSET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
pub const WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];

/// Codes known to be genuine although their check character fails (early pilot issues).
/// An import accepts them with a warning. Extend this list only with a documented source.
pub const PILOT_CODES: &[&str] = &["91530125MA6K5XQ10X", "92530125MA6N0Y8E4P"];

/// A code: the 18 ASCII characters of a valid one are kept inline (no heap string per target);
/// anything else a store holds is kept as it was. Serialized as the plain string, as before.
#[derive(Clone)]
pub struct CreditCode(Repr);

#[derive(Clone)]
enum Repr {
    Inline([u8; 18]),
    Other(Box<str>),
}

impl CreditCode {
    fn of(s: String) -> CreditCode {
        match <[u8; 18]>::try_from(s.as_bytes()) {
            Ok(b) if s.is_ascii() => CreditCode(Repr::Inline(b)),
            _ => CreditCode(Repr::Other(s.into_boxed_str())),
        }
    }
}

impl PartialEq for CreditCode {
    fn eq(&self, other: &CreditCode) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for CreditCode {}

impl PartialOrd for CreditCode {
    fn partial_cmp(&self, other: &CreditCode) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for CreditCode {
    fn cmp(&self, other: &CreditCode) -> std::cmp::Ordering {
        self.as_str().cmp(other.as_str())
    }
}

impl std::hash::Hash for CreditCode {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.as_str().hash(state)
    }
}

impl std::borrow::Borrow<str> for CreditCode {
    fn borrow(&self) -> &str {
        self.as_str()
    }
}

impl fmt::Debug for CreditCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("CreditCode").field(&self.as_str()).finish()
    }
}

impl Serialize for CreditCode {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        // As the derived newtype `CreditCode(String)` did.
        s.serialize_newtype_struct("CreditCode", self.as_str())
    }
}

impl<'de> Deserialize<'de> for CreditCode {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<CreditCode, D::Error> {
        #[derive(Deserialize)]
        #[serde(rename = "CreditCode")]
        struct Wire(String);
        Wire::deserialize(d).map(|w| CreditCode::of(w.0))
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CreditCodeError {
    Length(usize),
    BadChar { pos: usize, ch: char },
    Check { expected: char, found: char },
}

impl CreditCodeError {
    pub fn localize(&self, lang: crate::i18n::Lang) -> String {
        use crate::i18n::Lang::*;
        match (self, lang) {
            (CreditCodeError::Length(n), Zh) => format!("统一社会信用代码应为 18 位，实际 {n} 位"),
            (CreditCodeError::Length(n), En) => {
                format!("a credit code has 18 characters, this one has {n}")
            }
            (CreditCodeError::BadChar { pos, ch }, Zh) => {
                format!("第 {pos} 位字符 {ch:?} 不是信用代码允许的字符（不含 I、O、Z、S、V）")
            }
            (CreditCodeError::BadChar { pos, ch }, En) => {
                format!("character {pos} {ch:?} is not allowed in a credit code (no I, O, Z, S, V)")
            }
            (CreditCodeError::Check { expected, found }, Zh) => {
                format!("校验位错误：应为 {expected}，实际为 {found}")
            }
            (CreditCodeError::Check { expected, found }, En) => {
                format!("check character wrong: expected {expected}, found {found}")
            }
        }
    }
}

/// The outcome of validating a code that is accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CreditCodeCheck {
    Valid,
    /// Check character fails but the code is a known pilot code: accept and warn.
    PilotWarning,
}

fn value_of(c: u8) -> Option<u32> {
    CHARSET.iter().position(|&x| x == c).map(|p| p as u32)
}

/// Compute the check character for the first 17 characters (which must be valid charset chars).
pub fn check_char(first17: &str) -> Option<char> {
    let b = first17.as_bytes();
    if b.len() != 17 {
        return None;
    }
    let mut sum = 0u32;
    for (i, &c) in b.iter().enumerate() {
        sum += value_of(c)? * WEIGHTS[i];
    }
    let idx = (31 - sum % 31) % 31;
    Some(CHARSET[idx as usize] as char)
}

impl CreditCode {
    /// Parse and validate. Lower-case letters are upper-cased; surrounding spaces trimmed.
    pub fn parse(s: &str) -> Result<(CreditCode, CreditCodeCheck), CreditCodeError> {
        let norm: String = s.trim().to_uppercase();
        let n = norm.chars().count();
        if n != 18 {
            return Err(CreditCodeError::Length(n));
        }
        for (i, ch) in norm.chars().enumerate() {
            if !ch.is_ascii() || value_of(ch as u8).is_none() {
                return Err(CreditCodeError::BadChar { pos: i + 1, ch });
            }
        }
        let expected = check_char(&norm[..17]).unwrap_or('?');
        let found = norm.as_bytes()[17] as char;
        if expected != found {
            if PILOT_CODES.contains(&norm.as_str()) {
                return Ok((CreditCode::of(norm), CreditCodeCheck::PilotWarning));
            }
            return Err(CreditCodeError::Check { expected, found });
        }
        Ok((CreditCode::of(norm), CreditCodeCheck::Valid))
    }

    /// Wrap a stored code without validation (it was validated when it entered the store).
    pub fn from_stored(s: String) -> CreditCode {
        CreditCode::of(s)
    }

    pub fn as_str(&self) -> &str {
        match &self.0 {
            // SAFETY: `CreditCode::of` keeps only ASCII bytes inline, and ASCII is UTF-8.
            Repr::Inline(b) => unsafe { std::str::from_utf8_unchecked(b) },
            Repr::Other(s) => s,
        }
    }

    /// Complete 17 valid characters with their check character.
    pub fn complete(first17: &str) -> Option<CreditCode> {
        let c = check_char(first17)?;
        Some(CreditCode::of(format!("{first17}{c}")))
    }
}

impl fmt::Display for CreditCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_real_code_validates() {
        // A published code: Tencent (Shenzhen) 91440300708461136T.
        assert_eq!(
            CreditCode::parse("91440300708461136T").unwrap().1,
            CreditCodeCheck::Valid
        );
        assert_eq!(check_char("91440300708461136"), Some('T'));
    }

    #[test]
    fn wrong_check_char_is_rejected() {
        let e = CreditCode::parse("91440300708461136U").unwrap_err();
        assert_eq!(
            e,
            CreditCodeError::Check {
                expected: 'T',
                found: 'U'
            }
        );
        assert!(e.localize(crate::i18n::Lang::Zh).contains("校验位"));
    }

    #[test]
    fn bad_length_and_chars() {
        assert_eq!(
            CreditCode::parse("123").unwrap_err(),
            CreditCodeError::Length(3)
        );
        assert!(matches!(
            CreditCode::parse("9144030070846113IT").unwrap_err(),
            CreditCodeError::BadChar { pos: 17, ch: 'I' }
        ));
        assert!(matches!(
            CreditCode::parse("宜良9144030070846113").unwrap_err(),
            CreditCodeError::BadChar { pos: 1, .. }
        ));
    }

    #[test]
    fn pilot_codes_warn() {
        for p in PILOT_CODES {
            assert!(check_char(&p[..17]).unwrap() != p.as_bytes()[17] as char);
            assert_eq!(
                CreditCode::parse(p).unwrap().1,
                CreditCodeCheck::PilotWarning
            );
        }
    }

    #[test]
    fn a_code_is_kept_inline_and_encodes_as_its_string() {
        assert_eq!(std::mem::size_of::<CreditCode>(), 24);
        let (c, _) = CreditCode::parse("91440300708461136T").unwrap();
        assert!(matches!(c.0, Repr::Inline(_)));
        let cfg = bincode::config::standard();
        let plain = bincode::serde::encode_to_vec("91440300708461136T", cfg).unwrap();
        assert_eq!(bincode::serde::encode_to_vec(&c, cfg).unwrap(), plain);
        assert_eq!(serde_json::to_string(&c).unwrap(), "\"91440300708461136T\"");
        let (back, _): (CreditCode, usize) =
            bincode::serde::decode_from_slice(&plain, cfg).unwrap();
        assert_eq!(back, c);
        // A stored code of another shape is kept as it was.
        let odd = CreditCode::from_stored("旧码-1".into());
        assert_eq!(odd.as_str(), "旧码-1");
        let j: CreditCode = serde_json::from_str("\"旧码-1\"").unwrap();
        assert_eq!(j, odd);
        assert!(odd > c);
    }

    #[test]
    fn lower_case_is_normalised() {
        let (c, _) = CreditCode::parse(" 91440300708461136t ").unwrap();
        assert_eq!(c.as_str(), "91440300708461136T");
    }
}
