//! The draw sampler, `shuangsui-sampler-1`: how a draw turns a seed into picks.
//!
//! This text is the specification. It is written so that an auditor who does not read Rust can
//! re-check any recorded draw, years later, in any language. `tools/sampler_reference.py` is an
//! independent implementation in plain Python 3 (standard library only), and
//! `fixtures/sampler-vectors.toml` holds test vectors computed by it that this program is tested
//! against. The same text, as Markdown, is in `docs/sampler.md`.
//!
//! No general-purpose random library is used to make a choice: such libraries may change their
//! output from one version to the next, which would make old draws impossible to re-check. The
//! random library only supplies the operating system's random bytes in step 1.
//!
//! # The algorithm
//!
//! 1. **Seed.** A seed is 32 bytes. For a new draw the program takes 32 random bytes from the
//!    operating system (`os_entropy`) and an optional witness text (for example numbers read
//!    out at a public draw; empty if there is none), and computes
//!    `seed = SHA-256(os_entropy || witness)`, where `||` joins the 32 bytes and the witness text
//!    encoded as UTF-8, exactly as recorded (no spaces are trimmed, nothing is normalized).
//!    Both `os_entropy` and the witness are recorded with the draw, so anyone can recompute the
//!    seed. The entropy is drawn when the draw is announced, before the witness is known, and
//!    only its SHA-256 (the commitment) is published then; it is revealed in the draw's record
//!    (docs/draw-record.md). A seed can also be given directly (`--seed` followed by 64
//!    hexadecimal digits, with `--dry-run`), which replays a draw and writes nothing: a chosen
//!    seed never commits a draw.
//! 2. **Keystream.** The seed is used as the key of the ChaCha20 stream cipher exactly as
//!    defined in RFC 8439: 256-bit key = the seed, 96-bit nonce = all zero, block counter
//!    starting at 0 and counting up by one per 64-byte block. The keystream is what ChaCha20
//!    produces when encrypting bytes that are all zero. It is read from its start as consecutive
//!    32-bit unsigned integers ("words"), each made of 4 bytes in little-endian order (the first
//!    byte is the lowest). Every word is used once, in order; nothing is skipped.
//! 3. **Uniform number below n** (for 1 ≤ n ≤ 2³² − 1). Let
//!    `limit = 2³² − (2³² mod n)`, the largest multiple of n not above 2³². Take the next
//!    word `w`. If `w ≥ limit`, throw it away and take the next word, as often as needed.
//!    Otherwise the result is `w mod n`. Every result from 0 to n − 1 is then exactly equally
//!    likely. When n = 1 the result is always 0, and one word is still taken (this keeps the
//!    rule the same for every n).
//! 4. **Choosing k of n** (0 ≤ k ≤ n). The pool's members are numbered 0 to n − 1 in the
//!    pool's canonical order (the draw engine says which order that is). Start from the list
//!    `a = [0, 1, …, n − 1]`. For `i = 0, 1, …, k − 1`: take `j = i + (uniform number below
//!    n − i)` (step 3), then swap the entries at positions i and j of the list. The picks are
//!    `a[0], a[1], …, a[k − 1]`, in that order (this is a partial Fisher–Yates shuffle). With
//!    k = 0 nothing is picked and no word is taken. An implementation may keep only the
//!    changed positions of the list (a dictionary) instead of the whole list; the result is the
//!    same.
//! 5. **One stream per draw.** A draw uses one keystream for all of its choices: each choice
//!    continues from the word where the previous one stopped. The draw engine documents the
//!    order of its choices (for example targets first, then inspectors) and records the number
//!    of words consumed.
//!
//! With every draw the program records [`ALGORITHM_VERSION`] (`shuangsui-sampler-1`), the
//! seed, `os_entropy` and the witness. A later version of the algorithm would get a new name;
//! this one will not change.
//!
//! # Limits
//!
//! Pools of up to 2³² − 1 members. One keystream gives 2³² − 1 blocks of 64 bytes (about 68
//! billion words), far beyond any draw; a sampler that ran out would report an error rather
//! than repeat itself.

use std::collections::HashMap;
use std::fmt;

use chacha20::cipher::{KeyIvInit, StreamCipher};
use chacha20::ChaCha20;
use sha2::{Digest, Sha256};

use crate::i18n::Lang;

/// The name of this algorithm, recorded with every draw.
pub const ALGORITHM_VERSION: &str = "shuangsui-sampler-1";

/// A seed: the 32-byte ChaCha20 key of a draw (step 1).
pub type Seed = [u8; 32];

/// The largest pool a sampler can choose from: 2³² − 1 (step 3).
pub const MAX_POOL: usize = u32::MAX as usize;

/// Keystream bytes computed at a time: 4 ChaCha20 blocks, 64 words.
const BUF_BYTES: usize = 256;

/// Up to this pool size `choose_k` keeps the whole list; above it, only the changed positions.
const DENSE_MAX_N: usize = 1 << 16;

/// Reservations are capped so that a huge `k` cannot make one enormous allocation up front.
const RESERVE_CAP: usize = 1 << 20;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SamplerError {
    /// A seed in hex must have 64 digits; `digits` is how many were given.
    SeedLength { digits: usize },
    /// Character `pos` (1-based) of a hex seed is not a hexadecimal digit.
    SeedChar { pos: usize, ch: char },
    /// The operating system could not supply random bytes.
    Entropy(String),
    /// A uniform number below 0 was asked for.
    EmptyRange,
    /// More picks than pool members.
    TooMany { k: usize, n: usize },
    /// A pool larger than [`MAX_POOL`].
    PoolTooLarge { n: usize },
    /// The keystream of this seed is used up (after about 68 billion words).
    KeystreamExhausted,
}

impl SamplerError {
    pub fn localize(&self, lang: Lang) -> String {
        use Lang::*;
        match (self, lang) {
            (SamplerError::SeedLength { digits }, Zh) => {
                format!("随机种子应为 64 位十六进制数字（32 字节），实际为 {digits} 位")
            }
            (SamplerError::SeedLength { digits }, En) => format!(
                "a seed is 64 hexadecimal digits (32 bytes); this one has {digits} characters"
            ),
            (SamplerError::SeedChar { pos, ch }, Zh) => {
                format!("随机种子第 {pos} 位 {ch:?} 不是十六进制数字（应为 0-9、a-f）")
            }
            (SamplerError::SeedChar { pos, ch }, En) => format!(
                "character {pos} of the seed, {ch:?}, is not a hexadecimal digit (0-9, a-f)"
            ),
            (SamplerError::Entropy(e), Zh) => {
                format!("无法从操作系统取得随机数：{e}")
            }
            (SamplerError::Entropy(e), En) => {
                format!("could not get random bytes from the operating system: {e}")
            }
            (SamplerError::EmptyRange, Zh) => "不能从空范围（0 个）中抽取".to_string(),
            (SamplerError::EmptyRange, En) => "cannot draw from an empty range (0)".to_string(),
            (SamplerError::TooMany { k, n }, Zh) => {
                format!("要抽取 {k} 个，但候选范围只有 {n} 个")
            }
            (SamplerError::TooMany { k, n }, En) => {
                format!("{k} picks were asked for, but the pool has only {n} members")
            }
            (SamplerError::PoolTooLarge { n }, Zh) => {
                format!("候选范围 {n} 个过大，最多 {MAX_POOL} 个")
            }
            (SamplerError::PoolTooLarge { n }, En) => {
                format!("a pool of {n} is too large; at most {MAX_POOL}")
            }
            (SamplerError::KeystreamExhausted, Zh) => {
                "该随机种子的密钥流已用尽，请使用新的随机种子".to_string()
            }
            (SamplerError::KeystreamExhausted, En) => {
                "the keystream of this seed is used up; use a new seed".to_string()
            }
        }
    }
}

impl fmt::Display for SamplerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.localize(Lang::default()))
    }
}

impl std::error::Error for SamplerError {}

/// Step 1: 32 fresh random bytes from the operating system (`os_entropy`), to be recorded.
pub fn fresh_entropy() -> Result<[u8; 32], SamplerError> {
    use rand::TryRngCore;
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng
        .try_fill_bytes(&mut bytes)
        .map_err(|e| SamplerError::Entropy(e.to_string()))?;
    Ok(bytes)
}

/// Step 1: `seed = SHA-256(os_entropy || witness as UTF-8)`. The witness is used exactly as
/// given; trim or normalize it before recording it, not here.
pub fn derive_seed(os_entropy: &[u8; 32], witness: &str) -> Seed {
    let mut hasher = Sha256::new();
    hasher.update(os_entropy);
    hasher.update(witness.as_bytes());
    hasher.finalize().into()
}

/// Read a seed (or recorded `os_entropy`) written as 64 hexadecimal digits, either case.
/// Spaces around it are ignored.
pub fn parse_seed_hex(text: &str) -> Result<Seed, SamplerError> {
    let text = text.trim();
    if let Some((i, ch)) = text
        .chars()
        .enumerate()
        .find(|(_, c)| !c.is_ascii_hexdigit())
    {
        return Err(SamplerError::SeedChar { pos: i + 1, ch });
    }
    // Only ASCII hex digits are left, so bytes and characters coincide.
    if text.len() != 64 {
        return Err(SamplerError::SeedLength { digits: text.len() });
    }
    let mut seed = [0u8; 32];
    hex::decode_to_slice(text, &mut seed)
        .map_err(|_| SamplerError::SeedLength { digits: text.len() })?;
    Ok(seed)
}

/// A seed as 64 lowercase hexadecimal digits, the form in which it is recorded.
pub fn seed_hex(seed: &Seed) -> String {
    hex::encode(seed)
}

/// The keystream cursor of one draw (steps 2 to 5): every choice continues where the previous
/// one stopped.
pub struct Sampler {
    cipher: ChaCha20,
    buf: [u8; BUF_BYTES],
    /// Byte position of the next unread word in `buf`; `BUF_BYTES` when `buf` is used up.
    next: usize,
    words: u64,
}

impl fmt::Debug for Sampler {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sampler")
            .field("words_consumed", &self.words)
            .finish_non_exhaustive()
    }
}

impl Sampler {
    /// A sampler at the start of the keystream of `seed` (step 2).
    pub fn new(seed: &Seed) -> Sampler {
        let key = chacha20::Key::from(*seed);
        let nonce = chacha20::Nonce::default();
        Sampler {
            cipher: ChaCha20::new(&key, &nonce),
            buf: [0; BUF_BYTES],
            next: BUF_BYTES,
            words: 0,
        }
    }

    /// How many 32-bit words have been taken from the keystream so far, rejected ones included.
    pub fn words_consumed(&self) -> u64 {
        self.words
    }

    /// The next word of the keystream (step 2).
    pub fn next_word(&mut self) -> Result<u32, SamplerError> {
        if self.next >= BUF_BYTES {
            self.buf = [0; BUF_BYTES];
            self.cipher
                .try_apply_keystream(&mut self.buf)
                .map_err(|_| SamplerError::KeystreamExhausted)?;
            self.next = 0;
        }
        let b = &self.buf[self.next..self.next + 4];
        let word = u32::from_le_bytes([b[0], b[1], b[2], b[3]]);
        self.next += 4;
        self.words += 1;
        Ok(word)
    }

    /// A uniform number in `0..n` (step 3). `n` must be at least 1.
    pub fn uniform(&mut self, n: u32) -> Result<u32, SamplerError> {
        if n == 0 {
            return Err(SamplerError::EmptyRange);
        }
        let n = u64::from(n);
        let limit = (1u64 << 32) - (1u64 << 32) % n;
        loop {
            let w = u64::from(self.next_word()?);
            if w < limit {
                // w % n < n <= u32::MAX, so the value fits.
                return Ok((w % n) as u32);
            }
        }
    }

    /// Choose `k` of the positions `0..n` (step 4): the picks, in the order drawn.
    pub fn choose_k(&mut self, n: usize, k: usize) -> Result<Vec<usize>, SamplerError> {
        if n > MAX_POOL {
            return Err(SamplerError::PoolTooLarge { n });
        }
        if k > n {
            return Err(SamplerError::TooMany { k, n });
        }
        if n <= DENSE_MAX_N {
            self.choose_k_dense(n, k)
        } else {
            self.choose_k_sparse(n, k)
        }
    }

    /// `i + uniform(n - i)`: the position to swap with at step i (needs `i < n <= MAX_POOL`).
    fn swap_partner(&mut self, i: usize, n: usize) -> Result<usize, SamplerError> {
        let remaining = u32::try_from(n - i).map_err(|_| SamplerError::PoolTooLarge { n })?;
        Ok(i + self.uniform(remaining)? as usize)
    }

    /// Step 4 literally, with the whole list.
    fn choose_k_dense(&mut self, n: usize, k: usize) -> Result<Vec<usize>, SamplerError> {
        let mut a: Vec<usize> = (0..n).collect();
        for i in 0..k {
            let j = self.swap_partner(i, n)?;
            a.swap(i, j);
        }
        a.truncate(k);
        Ok(a)
    }

    /// Step 4 keeping only the changed positions: `moved[p]` is `a[p]` where it is not `p`.
    /// Position `i` is never read again after step `i`, so it is dropped then.
    fn choose_k_sparse(&mut self, n: usize, k: usize) -> Result<Vec<usize>, SamplerError> {
        let mut moved: HashMap<usize, usize> = HashMap::with_capacity(k.min(RESERVE_CAP));
        let mut picks = Vec::with_capacity(k.min(RESERVE_CAP));
        for i in 0..k {
            let j = self.swap_partner(i, n)?;
            let at_i = moved.remove(&i).unwrap_or(i);
            if j == i {
                picks.push(at_i);
            } else {
                let at_j = moved.insert(j, at_i).unwrap_or(j);
                picks.push(at_j);
            }
        }
        Ok(picks)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde::Deserialize;

    const VECTORS: &str = include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fixtures/sampler-vectors.toml"
    ));

    #[derive(Deserialize)]
    struct Vectors {
        algorithm: String,
        keystream: Vec<KeystreamVector>,
        vector: Vec<PickVector>,
        sequence: Vec<Sequence>,
    }

    #[derive(Deserialize)]
    struct KeystreamVector {
        name: String,
        key: String,
        offset: usize,
        bytes: String,
    }

    #[derive(Deserialize)]
    struct PickVector {
        name: String,
        seed_label: Option<String>,
        entropy: Option<String>,
        witness: Option<String>,
        seed: String,
        n: usize,
        k: usize,
        picks: Vec<usize>,
        words: u64,
    }

    #[derive(Deserialize)]
    struct Sequence {
        name: String,
        seed: String,
        step: Vec<Step>,
    }

    #[derive(Deserialize)]
    struct Step {
        n: usize,
        k: usize,
        picks: Vec<usize>,
        words: u64,
    }

    fn vectors() -> Vectors {
        toml::from_str(VECTORS).expect("fixtures/sampler-vectors.toml parses")
    }

    fn seed(text: &str) -> Seed {
        parse_seed_hex(text).expect("valid seed hex in test")
    }

    fn sha256(bytes: &[u8]) -> Seed {
        Sha256::digest(bytes).into()
    }

    #[test]
    fn vectors_name_this_algorithm() {
        assert_eq!(vectors().algorithm, ALGORITHM_VERSION);
    }

    #[test]
    fn keystream_matches_rfc_8439() {
        let v = vectors();
        assert!(v.keystream.len() >= 3);
        for ks in &v.keystream {
            let expected = hex::decode(&ks.bytes).expect("hex");
            assert_eq!(ks.offset % 4, 0, "{}", ks.name);
            let mut s = Sampler::new(&seed(&ks.key));
            let mut stream = Vec::new();
            while stream.len() < ks.offset + expected.len() {
                stream.extend_from_slice(&s.next_word().expect("word").to_le_bytes());
            }
            assert_eq!(&stream[ks.offset..], &expected[..], "{}", ks.name);
        }
    }

    #[test]
    fn rfc_8439_first_word_is_little_endian() {
        // Keystream of the all-zero key starts 76 b8 e0 ad: the first word is 0xade0b876.
        let mut s = Sampler::new(&[0; 32]);
        assert_eq!(s.next_word(), Ok(0xade0_b876));
        assert_eq!(s.next_word(), Ok(0x903d_f1a0));
        assert_eq!(s.words_consumed(), 2);
    }

    #[test]
    fn pick_vectors_match_the_python_reference() {
        let v = vectors();
        assert!(v.vector.len() >= 8);
        for pv in &v.vector {
            let expected_seed = seed(&pv.seed);
            if let Some(label) = &pv.seed_label {
                assert_eq!(sha256(label.as_bytes()), expected_seed, "{}", pv.name);
            }
            if let Some(entropy) = &pv.entropy {
                let witness = pv.witness.as_deref().unwrap_or("");
                assert_eq!(
                    derive_seed(&seed(entropy), witness),
                    expected_seed,
                    "{}",
                    pv.name
                );
            }
            let mut s = Sampler::new(&expected_seed);
            let picks = s.choose_k(pv.n, pv.k).expect("valid vector");
            assert_eq!(picks, pv.picks, "{}", pv.name);
            assert_eq!(s.words_consumed(), pv.words, "{}", pv.name);
        }
    }

    #[test]
    fn vectors_cover_the_edge_cases() {
        let v = vectors();
        let has = |f: &dyn Fn(&PickVector) -> bool| v.vector.iter().any(f);
        assert!(has(&|p| p.k == 0));
        assert!(has(&|p| p.k == p.n && p.n > 1));
        assert!(has(&|p| p.n == 1));
        assert!(has(&|p| p.n == 1_000_000));
        assert!(has(&|p| p.n > 1 << 31 && p.words > p.k as u64));
        assert!(has(&|p| p.witness.is_some()));
    }

    #[test]
    fn sequence_vectors_continue_one_stream() {
        for sq in vectors().sequence {
            let mut s = Sampler::new(&seed(&sq.seed));
            for (i, st) in sq.step.iter().enumerate() {
                let picks = s.choose_k(st.n, st.k).expect("valid step");
                assert_eq!(picks, st.picks, "{} step {i}", sq.name);
                assert_eq!(s.words_consumed(), st.words, "{} step {i}", sq.name);
            }
        }
    }

    /// Optional: the fixture file is exactly what the Python reference prints today.
    #[test]
    fn python_reference_regenerates_the_fixture() {
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tools/sampler_reference.py");
        let out = match std::process::Command::new("python3").arg(script).output() {
            Ok(out) => out,
            Err(e) => {
                println!("note: python3 not available ({e}); reference check skipped");
                return;
            }
        };
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(String::from_utf8_lossy(&out.stdout), VECTORS);
    }

    #[test]
    fn uniform_rejects_words_at_or_above_the_limit() {
        // n = 2^31 + 1: limit = 2^32 - (2^32 mod n) = n, so about half of all words are rejected.
        let n = (1u32 << 31) + 1;
        let mut s = Sampler::new(&sha256(b"rejection"));
        let mut words = Sampler::new(&sha256(b"rejection"));
        let mut rejected = 0;
        for _ in 0..1000 {
            let got = s.uniform(n).expect("n > 0");
            assert!(got < n);
            // Redo step 3 by hand on a second cursor over the same keystream.
            let expected = loop {
                let w = words.next_word().expect("word");
                if w >= n {
                    rejected += 1;
                } else {
                    break w % n;
                }
            };
            assert_eq!(got, expected);
        }
        assert_eq!(s.words_consumed(), words.words_consumed());
        assert_eq!(s.words_consumed(), 1000 + rejected);
        // Geometric with p = 1/2: mean 2000 words, standard deviation about 45.
        assert!((1800..2200).contains(&s.words_consumed()), "{s:?}");
    }

    #[test]
    fn uniform_without_rejection_is_the_word_mod_n() {
        // n = 2^32 - 1: only the word 0xffffffff is rejected.
        let mut s = Sampler::new(&sha256(b"mod"));
        let mut words = Sampler::new(&sha256(b"mod"));
        for n in [1u32, 2, 3, 7, 20, 1000, u32::MAX] {
            let w = words.next_word().expect("word");
            assert_ne!(w, u32::MAX);
            assert_eq!(s.uniform(n), Ok(w % n));
        }
    }

    #[test]
    fn n_equal_one_consumes_a_word() {
        let mut s = Sampler::new(&[7; 32]);
        assert_eq!(s.uniform(1), Ok(0));
        assert_eq!(s.uniform(1), Ok(0));
        assert_eq!(s.words_consumed(), 2);
        assert_eq!(s.choose_k(1, 1), Ok(vec![0]));
        assert_eq!(s.words_consumed(), 3);
        assert_eq!(s.choose_k(5, 0), Ok(vec![]));
        assert_eq!(s.words_consumed(), 3);
    }

    #[test]
    fn bad_requests_are_errors_and_take_no_word() {
        let mut s = Sampler::new(&[1; 32]);
        assert_eq!(s.uniform(0), Err(SamplerError::EmptyRange));
        assert_eq!(s.choose_k(3, 4), Err(SamplerError::TooMany { k: 4, n: 3 }));
        assert_eq!(s.choose_k(0, 1), Err(SamplerError::TooMany { k: 1, n: 0 }));
        #[cfg(target_pointer_width = "64")]
        assert_eq!(
            s.choose_k(MAX_POOL + 1, 1),
            Err(SamplerError::PoolTooLarge { n: MAX_POOL + 1 })
        );
        assert_eq!(s.choose_k(0, 0), Ok(vec![]));
        assert_eq!(s.words_consumed(), 0);
    }

    #[test]
    fn seed_hex_round_trips_and_is_lenient_about_case_and_spaces() {
        let text = "00112233445566778899AABBCCDDEEFF00112233445566778899aabbccddeeff";
        let s = parse_seed_hex(&format!("  {text}\n")).expect("valid");
        assert_eq!(s[0], 0x00);
        assert_eq!(s[10], 0xaa);
        assert_eq!(s[31], 0xff);
        assert_eq!(seed_hex(&s), text.to_ascii_lowercase());
    }

    #[test]
    fn seed_hex_errors_say_what_is_wrong() {
        assert_eq!(
            parse_seed_hex("abc"),
            Err(SamplerError::SeedLength { digits: 3 })
        );
        assert_eq!(
            parse_seed_hex(&"0".repeat(66)),
            Err(SamplerError::SeedLength { digits: 66 })
        );
        assert_eq!(
            parse_seed_hex(""),
            Err(SamplerError::SeedLength { digits: 0 })
        );
        let mut bad = "0".repeat(64);
        bad.replace_range(4..5, "g");
        assert_eq!(
            parse_seed_hex(&bad),
            Err(SamplerError::SeedChar { pos: 5, ch: 'g' })
        );
        let wide = format!("种{}", "0".repeat(63));
        assert_eq!(
            parse_seed_hex(&wide),
            Err(SamplerError::SeedChar { pos: 1, ch: '种' })
        );

        let e = SamplerError::SeedChar { pos: 5, ch: 'g' };
        assert!(e.localize(Lang::Zh).contains("第 5 位"));
        assert!(e.localize(Lang::En).contains("character 5"));
        let e = SamplerError::SeedLength { digits: 3 };
        assert!(e.localize(Lang::Zh).contains("64 位"));
        assert!(e.localize(Lang::En).contains("64 hexadecimal digits"));
        assert_eq!(e.to_string(), e.localize(Lang::Zh));
    }

    #[test]
    fn derive_seed_is_sha256_of_entropy_then_witness() {
        let entropy = [9u8; 32];
        let mut joined = entropy.to_vec();
        joined.extend_from_slice("开奖 12 34".as_bytes());
        assert_eq!(derive_seed(&entropy, "开奖 12 34"), sha256(&joined));
        assert_eq!(derive_seed(&entropy, ""), sha256(&entropy));
        assert_ne!(derive_seed(&entropy, "1"), derive_seed(&entropy, " 1"));
    }

    #[test]
    fn fresh_entropy_comes_from_the_os() {
        let a = fresh_entropy().expect("OS entropy");
        let b = fresh_entropy().expect("OS entropy");
        assert_ne!(a, b);
        assert_ne!(a, [0; 32]);
    }

    /// Chi-square test of uniformity. Seeds are SHA-256 of i as 8 little-endian bytes,
    /// i = 0..20000; each draw chooses k = 3 of n = 20. The count of each position at each pick
    /// (first, second, third) is a multinomial with 20000 trials and 20 equally likely cells,
    /// so its chi-square statistic has 19 degrees of freedom. The critical value for df = 19 at
    /// p = 0.001 is 43.82: a statistic above it would reject uniformity at p < 0.001. The test
    /// is deterministic (fixed seeds), so it cannot fail by chance on a later run.
    #[test]
    fn picks_are_uniform_chi_square() {
        const N_DRAWS: usize = 20_000;
        const N: usize = 20;
        const K: usize = 3;
        const CRITICAL_DF19_P001: f64 = 43.82;
        let mut counts = [[0u64; N]; K];
        let mut overall = [0u64; N];
        for i in 0..N_DRAWS as u64 {
            let mut s = Sampler::new(&sha256(&i.to_le_bytes()));
            let picks = s.choose_k(N, K).expect("k <= n");
            for (pos, &p) in picks.iter().enumerate() {
                counts[pos][p] += 1;
                overall[p] += 1;
            }
        }
        let chi2 = |cells: &[u64; N], total: f64| {
            let expected = total / N as f64;
            cells
                .iter()
                .map(|&c| (c as f64 - expected).powi(2) / expected)
                .sum::<f64>()
        };
        for (pos, cells) in counts.iter().enumerate() {
            let stat = chi2(cells, N_DRAWS as f64);
            assert!(
                stat < CRITICAL_DF19_P001,
                "pick {pos}: chi-square {stat:.2} >= {CRITICAL_DF19_P001}"
            );
        }
        // All picks together: sampling without replacement makes this statistic, if anything,
        // smaller than a chi-square with df = 19, so the same critical value is conservative.
        let stat = chi2(&overall, (N_DRAWS * K) as f64);
        assert!(stat < CRITICAL_DF19_P001, "overall chi-square {stat:.2}");
    }

    #[test]
    fn chi_square_test_can_fail() {
        // The statistic above does detect a bias: plain `w mod 20` over words limited to
        // 0..30 (a crude non-uniform source) is far past the critical value.
        let mut cells = [0u64; 20];
        let mut s = Sampler::new(&[3; 32]);
        for _ in 0..20_000 {
            let w = s.next_word().expect("word") % 30;
            cells[(w % 20) as usize] += 1;
        }
        let expected = 1000.0;
        let stat: f64 = cells
            .iter()
            .map(|&c| (c as f64 - expected).powi(2) / expected)
            .sum();
        assert!(stat > 43.82, "{stat}");
    }

    #[test]
    fn large_pool_is_fast_enough_to_run_in_a_test() {
        let mut s = Sampler::new(&[5; 32]);
        let picks = s.choose_k(1_000_000, 50_000).expect("k <= n");
        assert_eq!(picks.len(), 50_000);
        let mut sorted = picks.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted.len(), 50_000);
        assert!(sorted.iter().all(|&p| p < 1_000_000));
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        #[test]
        fn choose_k_gives_k_distinct_positions_deterministically(
            seed_bytes in any::<[u8; 32]>(),
            (n, k) in (0usize..3000).prop_flat_map(|n| (Just(n), 0..=n)),
        ) {
            let mut a = Sampler::new(&seed_bytes);
            let picks = a.choose_k(n, k).expect("k <= n");
            prop_assert_eq!(picks.len(), k);
            prop_assert!(picks.iter().all(|&p| p < n));
            let mut sorted = picks.clone();
            sorted.sort_unstable();
            sorted.dedup();
            prop_assert_eq!(sorted.len(), k);
            prop_assert!(a.words_consumed() >= k as u64);

            let mut b = Sampler::new(&seed_bytes);
            prop_assert_eq!(b.choose_k(n, k).expect("k <= n"), picks);
            prop_assert_eq!(b.words_consumed(), a.words_consumed());
        }

        #[test]
        fn dense_and_sparse_lists_give_the_same_picks(
            seed_bytes in any::<[u8; 32]>(),
            (n, k) in (1usize..5000).prop_flat_map(|n| (Just(n), 0..=n)),
        ) {
            let mut dense = Sampler::new(&seed_bytes);
            let mut sparse = Sampler::new(&seed_bytes);
            prop_assert_eq!(
                dense.choose_k_dense(n, k).expect("k <= n"),
                sparse.choose_k_sparse(n, k).expect("k <= n")
            );
            prop_assert_eq!(dense.words_consumed(), sparse.words_consumed());
        }
    }
}
