//! The audit log: who changed what and when, SHA-256 hash-chained.
//!
//! Entry `n` stores `prev` = hash of entry `n-1` (32 zero bytes for the first) and
//! `hash = SHA-256(prev || seq || time || user || action || summary || digest)` where `digest`
//! is the SHA-256 of the list of writes (tree, key, SHA-256 of the value or none for a removal).
//! Each field is length-prefixed (u64 little-endian) before hashing so no two entries collide
//! by moving bytes between fields.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WriteDigest {
    pub tree: String,
    pub key: Vec<u8>,
    /// SHA-256 of the value written; `None` for a removal.
    pub hash: Option<[u8; 32]>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub seq: u64,
    /// Local time, RFC 3339.
    pub time: String,
    /// The OS user who made the change.
    pub user: String,
    /// Machine-readable action, e.g. `import targets`, `draw`, `task result`.
    pub action: String,
    /// One line a person reads.
    pub summary: String,
    pub writes: Vec<WriteDigest>,
    pub digest: [u8; 32],
    pub prev: [u8; 32],
    pub hash: [u8; 32],
}

pub fn now_text() -> String {
    chrono::Local::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, false)
}

fn field(h: &mut Sha256, bytes: &[u8]) {
    h.update((bytes.len() as u64).to_le_bytes());
    h.update(bytes);
}

pub fn writes_digest(writes: &[WriteDigest]) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update((writes.len() as u64).to_le_bytes());
    for w in writes {
        field(&mut h, w.tree.as_bytes());
        field(&mut h, &w.key);
        match &w.hash {
            Some(x) => {
                h.update([1u8]);
                h.update(x);
            }
            None => h.update([0u8]),
        }
    }
    h.finalize().into()
}

impl AuditEntry {
    pub fn new(
        seq: u64,
        time: String,
        user: String,
        action: String,
        summary: String,
        writes: Vec<WriteDigest>,
        prev: [u8; 32],
    ) -> AuditEntry {
        let digest = writes_digest(&writes);
        let mut e = AuditEntry {
            seq,
            time,
            user,
            action,
            summary,
            writes,
            digest,
            prev,
            hash: [0; 32],
        };
        e.hash = e.compute_hash();
        e
    }

    pub fn compute_hash(&self) -> [u8; 32] {
        let mut h = Sha256::new();
        h.update(self.prev);
        h.update(self.seq.to_le_bytes());
        field(&mut h, self.time.as_bytes());
        field(&mut h, self.user.as_bytes());
        field(&mut h, self.action.as_bytes());
        field(&mut h, self.summary.as_bytes());
        h.update(self.digest);
        h.finalize().into()
    }

    /// Check this entry against the previous entry's hash.
    pub fn check(&self, prev: &[u8; 32]) -> Result<(), String> {
        if &self.prev != prev {
            return Err("prev hash does not match the previous entry".into());
        }
        if writes_digest(&self.writes) != self.digest {
            return Err("digest does not match the recorded writes".into());
        }
        if self.compute_hash() != self.hash {
            return Err("entry hash does not match its content".into());
        }
        Ok(())
    }

    pub fn hash_hex(&self) -> String {
        hex::encode(self.hash)
    }
}

/// The OS user running this process: the name of its real uid in /etc/passwd, else `uid N`.
/// Never the environment: `USER=zhang shuangsui ...` does not make anyone zhang (issue 14).
pub fn os_user() -> String {
    uid_name().unwrap_or_else(|| "unknown".into())
}

/// The real uid of this process (the kernel's word, not the environment's).
#[cfg(unix)]
pub fn real_uid() -> u32 {
    // SAFETY: getuid(2) takes no arguments, touches no memory of ours and cannot fail.
    unsafe { libc::getuid() }
}

#[cfg(unix)]
fn uid_name() -> Option<String> {
    let uid = real_uid();
    let passwd = std::fs::read_to_string("/etc/passwd").unwrap_or_default();
    let name = passwd.lines().find_map(|l| {
        let mut f = l.split(':');
        let name = f.next()?;
        let _pw = f.next()?;
        (f.next()? == uid.to_string()).then(|| name.to_string())
    });
    Some(name.unwrap_or_else(|| format!("uid {uid}")))
}

#[cfg(not(unix))]
fn uid_name() -> Option<String> {
    None
}
