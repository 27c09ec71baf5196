//! Signatures nobody can forge without the server's key (issue 14): the audit chain and the
//! backup checksum are plain SHA-256, which anyone who can write a file can recompute. The
//! server holds an ed25519 key outside the store (default [`DEFAULT_KEY`], made at its first
//! start, mode 0600; its public half beside it as `KEY.pub`, readable by all). After each
//! committed write it signs the audit head (`audit-head.sig` in the store directory); every
//! backup gets a signature file beside it (`FILE.sig`). `verify` and `restore` check them and
//! say who signed (the public key's first 16 hex digits).

use ed25519_dalek::{Signature, Signer as _, SigningKey, Verifier as _, VerifyingKey};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

/// Where `serve` keeps its key unless `--key` says otherwise.
pub const DEFAULT_KEY: &str = "/etc/shuangsui/key";

/// The head signature's file in the store directory.
pub const HEAD_FILE: &str = "audit-head.sig";

/// The signing key of a server.
pub struct Signer {
    key: SigningKey,
}

/// The public half of a key file: `KEY.pub`.
pub fn public_path(key: &Path) -> PathBuf {
    let mut p = key.as_os_str().to_owned();
    p.push(".pub");
    PathBuf::from(p)
}

/// The signature file of a backup: `FILE.sig`.
pub fn sig_path(file: &Path) -> PathBuf {
    let mut p = file.as_os_str().to_owned();
    p.push(".sig");
    PathBuf::from(p)
}

/// Who signed: the first 16 hex digits of the public key.
pub fn signer_id(public_hex: &str) -> String {
    public_hex.chars().take(16).collect()
}

impl Signer {
    /// Read the key at `path`, or make one there (directory 0700, key 0600, `KEY.pub` 0644).
    pub fn open_or_create(path: &Path) -> Result<Signer, String> {
        if let Some(s) = Signer::open(path)? {
            return Ok(s);
        }
        use std::io::Write;
        use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
        let seed = crate::draw::sampler::fresh_entropy().map_err(|e| format!("{e:?}"))?;
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::DirBuilder::new()
                .recursive(true)
                .mode(0o700)
                .create(dir)
                .map_err(|e| format!("{}: {e}", dir.display()))?;
        }
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(path)
            .map_err(|e| format!("{}: {e}", path.display()))?;
        f.write_all(format!("{}\n", hex::encode(seed)).as_bytes())
            .and_then(|_| f.sync_all())
            .map_err(|e| format!("{}: {e}", path.display()))?;
        let s = Signer {
            key: SigningKey::from_bytes(&seed),
        };
        let public = public_path(path);
        std::fs::write(&public, format!("{}\n", s.public_hex()))
            .and_then(|_| std::fs::set_permissions(&public, std::fs::Permissions::from_mode(0o644)))
            .map_err(|e| format!("{}: {e}", public.display()))?;
        Ok(s)
    }

    /// Read the key at `path`; `None` when there is none. A key readable by others than its
    /// owner is refused (anyone could sign with it).
    pub fn open(path: &Path) -> Result<Option<Signer>, String> {
        use std::os::unix::fs::PermissionsExt;
        let meta = match std::fs::metadata(path) {
            Ok(m) => m,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(format!("{}: {e}", path.display())),
        };
        if meta.permissions().mode() & 0o077 != 0 {
            return Err(format!(
                "{}: 签名密钥对他人可读，请 chmod 600 / the signing key is readable by others: chmod 600 it",
                path.display()
            ));
        }
        let text = super::anchor::read_limited(path, 1024)
            .map_err(|e| format!("{}: {e}", path.display()))?;
        let seed: [u8; 32] = hex::decode(text.trim())
            .ok()
            .and_then(|b| b.try_into().ok())
            .ok_or_else(|| format!("{}: 不是签名密钥 / not a signing key", path.display()))?;
        Ok(Some(Signer {
            key: SigningKey::from_bytes(&seed),
        }))
    }

    pub fn public_hex(&self) -> String {
        hex::encode(self.key.verifying_key().to_bytes())
    }

    fn sign(&self, msg: &[u8]) -> String {
        hex::encode(self.key.sign(msg).to_bytes())
    }

    /// Sign the audit head (`len` entries, the last one's hash `head`) of the store at `dir`.
    pub fn sign_head(&self, dir: &Path, len: u64, head: &str) -> std::io::Result<()> {
        let sig = HeadSignature {
            len,
            head: head.to_string(),
            public: self.public_hex(),
            signature: self.sign(&head_message(len, head)),
        };
        let text = serde_json::to_vec_pretty(&sig).map_err(std::io::Error::other)?;
        let tmp = dir.join(format!("{HEAD_FILE}.tmp"));
        std::fs::write(&tmp, text)?;
        std::fs::rename(tmp, dir.join(HEAD_FILE))
    }

    /// The signature file's text for a backup's bytes.
    pub fn sign_backup(&self, bytes: &[u8]) -> String {
        let sha = hex::encode(Sha256::digest(bytes));
        let sig = FileSignature {
            sha256: sha.clone(),
            bytes: bytes.len() as u64,
            public: self.public_hex(),
            signature: self.sign(&file_message(&sha, bytes.len() as u64)),
        };
        serde_json::to_string_pretty(&sig).unwrap_or_default() + "\n"
    }
}

fn head_message(len: u64, head: &str) -> Vec<u8> {
    format!("shuangsui audit head\n{len}\n{head}").into_bytes()
}

fn file_message(sha: &str, len: u64) -> Vec<u8> {
    format!("shuangsui backup\n{sha}\n{len}").into_bytes()
}

/// The signed audit head of a store.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct HeadSignature {
    pub len: u64,
    pub head: String,
    pub public: String,
    pub signature: String,
}

/// The signature of a backup file.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct FileSignature {
    pub sha256: String,
    pub bytes: u64,
    pub public: String,
    pub signature: String,
}

fn valid(public: &str, msg: &[u8], signature: &str) -> bool {
    let Some(vk) = hex::decode(public)
        .ok()
        .and_then(|b| <[u8; 32]>::try_from(b).ok())
        .and_then(|b| VerifyingKey::from_bytes(&b).ok())
    else {
        return false;
    };
    let Some(sig) = hex::decode(signature)
        .ok()
        .and_then(|b| <[u8; 64]>::try_from(b).ok())
        .map(|b| Signature::from_bytes(&b))
    else {
        return false;
    };
    vk.verify(msg, &sig).is_ok()
}

/// The public key trusted on this machine: `KEY.pub` beside the key file, if readable.
pub fn trusted_public(key: &Path) -> Option<String> {
    super::anchor::read_limited(&public_path(key), 1024)
        .ok()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
}

/// What the head signature of a store says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum HeadCheck {
    /// No signature file (a store never served with a key).
    Unsigned,
    /// Entry `len` is signed by `signer`; `later` entries after it are not (written without
    /// the key, e.g. locally by a user who cannot read it).
    Signed {
        len: u64,
        signer: String,
        later: u64,
    },
    /// The signature is broken, by another key than the trusted one, or the chain no longer
    /// holds the signed head: the chain was rewritten.
    Bad(String),
}

impl HeadCheck {
    pub fn localize(&self, lang: crate::i18n::Lang) -> String {
        use crate::i18n::Lang;
        match (self, lang) {
            (HeadCheck::Unsigned, Lang::Zh) => {
                "审计链头没有签名（未经持有密钥的服务器写入）".into()
            }
            (HeadCheck::Unsigned, Lang::En) => {
                "the audit head is not signed (never written by a server holding the key)".into()
            }
            (HeadCheck::Signed { len, signer, later }, Lang::Zh) => {
                let mut s = format!("审计链头签名有效：第 {len} 条由密钥 {signer} 签名");
                if *later > 0 {
                    s.push_str(&format!("；其后 {later} 条未签名（不经服务器写入）"));
                }
                s
            }
            (HeadCheck::Signed { len, signer, later }, Lang::En) => {
                let mut s =
                    format!("audit head signature valid: entry {len} signed by key {signer}");
                if *later > 0 {
                    s.push_str(&format!(
                        "; {later} later entries are unsigned (written without the server)"
                    ));
                }
                s
            }
            (HeadCheck::Bad(why), Lang::Zh) => format!("审计链头签名不符：{why}"),
            (HeadCheck::Bad(why), Lang::En) => {
                format!("audit head signature does not match: {why}")
            }
        }
    }
}

/// Check the head signature of the store at `dir` against its chain: `hash_at(n)` is the hash
/// of entry `n` (1-based), `len` the chain's length; `trusted`: the public key to require.
pub fn check_head(
    dir: &Path,
    len: u64,
    hash_at: impl Fn(u64) -> Option<String>,
    trusted: Option<&str>,
) -> HeadCheck {
    let Ok(text) = super::anchor::read_limited(&dir.join(HEAD_FILE), 64 * 1024) else {
        return HeadCheck::Unsigned;
    };
    let Ok(sig) = serde_json::from_str::<HeadSignature>(&text) else {
        return HeadCheck::Bad(format!("{HEAD_FILE} is not a signature"));
    };
    let signer = signer_id(&sig.public);
    if !valid(
        &sig.public,
        &head_message(sig.len, &sig.head),
        &sig.signature,
    ) {
        return HeadCheck::Bad(format!(
            "{HEAD_FILE}: the signature of key {signer} is broken"
        ));
    }
    if let Some(t) = trusted.filter(|t| *t != sig.public) {
        return HeadCheck::Bad(format!(
            "signed by key {signer}, not by this server's key {}",
            signer_id(t)
        ));
    }
    if sig.len > len || hash_at(sig.len).as_deref() != Some(sig.head.as_str()) {
        return HeadCheck::Bad(format!(
            "key {signer} signed entry {} with hash {}, which the chain ({len} entries) no longer holds: it was rewritten",
            sig.len,
            &sig.head[..sig.head.len().min(16)]
        ));
    }
    HeadCheck::Signed {
        len: sig.len,
        signer,
        later: len - sig.len,
    }
}

/// Check the signature file beside a backup. `Ok(Some(signer))`: signed and intact;
/// `Ok(None)`: no signature file; `Err`: why the signature does not hold.
pub fn check_backup(
    file: &Path,
    bytes: &[u8],
    trusted: Option<&str>,
) -> Result<Option<String>, String> {
    let path = sig_path(file);
    let text = match super::anchor::read_limited(&path, 64 * 1024) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(format!("{}: {e}", path.display())),
    };
    let sig: FileSignature =
        serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    let signer = signer_id(&sig.public);
    let sha = hex::encode(Sha256::digest(bytes));
    if sha != sig.sha256 || sig.bytes != bytes.len() as u64 {
        return Err(format!(
            "{}: the backup was changed after key {signer} signed it (SHA-256 {} signed, {} now)",
            path.display(),
            &sig.sha256[..sig.sha256.len().min(16)],
            &sha[..16]
        ));
    }
    if !valid(
        &sig.public,
        &file_message(&sig.sha256, sig.bytes),
        &sig.signature,
    ) {
        return Err(format!(
            "{}: the signature of key {signer} is broken",
            path.display()
        ));
    }
    if let Some(t) = trusted.filter(|t| *t != sig.public) {
        return Err(format!(
            "{}: signed by key {signer}, not by this server's key {}",
            path.display(),
            signer_id(t)
        ));
    }
    Ok(Some(signer))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_is_made_0600_and_signs_what_verifies() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let key = dir.path().join("etc").join("key");
        let s = Signer::open_or_create(&key).unwrap();
        let mode = std::fs::metadata(&key).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        assert_eq!(trusted_public(&key), Some(s.public_hex()));
        // The same key next time.
        assert_eq!(
            Signer::open_or_create(&key).unwrap().public_hex(),
            s.public_hex()
        );
        let backup = dir.path().join("b.ssbak");
        std::fs::write(&backup, b"backup bytes").unwrap();
        std::fs::write(sig_path(&backup), s.sign_backup(b"backup bytes")).unwrap();
        let me = trusted_public(&key);
        assert_eq!(
            check_backup(&backup, b"backup bytes", me.as_deref()),
            Ok(Some(signer_id(&s.public_hex())))
        );
        let e = check_backup(&backup, b"backup bytez", me.as_deref()).unwrap_err();
        assert!(e.contains("changed after key"), "{e}");
        // Another key's signature is named as such.
        let other = Signer::open_or_create(&dir.path().join("other")).unwrap();
        std::fs::write(sig_path(&backup), other.sign_backup(b"backup bytes")).unwrap();
        let e = check_backup(&backup, b"backup bytes", me.as_deref()).unwrap_err();
        assert!(e.contains("not by this server's key"), "{e}");
        // Heads.
        s.sign_head(dir.path(), 2, "abcd").unwrap();
        let at = |n: u64| (n == 2).then(|| "abcd".to_string());
        assert!(matches!(
            check_head(dir.path(), 3, at, me.as_deref()),
            HeadCheck::Signed {
                len: 2,
                later: 1,
                ..
            }
        ));
        let rewritten = |_: u64| Some("ffff".to_string());
        assert!(matches!(
            check_head(dir.path(), 3, rewritten, me.as_deref()),
            HeadCheck::Bad(_)
        ));
        // A key readable by others is refused.
        std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o644)).unwrap();
        assert!(Signer::open(&key).is_err());
    }
}
