//! The anchor: the audit log's length and head hash, written after every commit to a small
//! file beside the store (`<store>.anchor`), outside sled, fsynced and renamed into place. A
//! store whose chain is shorter than its anchor, or whose entry at the anchored length has
//! another hash, lost (or changed) history that sled itself may not notice: `verify` fails
//! naming what is missing, and the store refuses writes until it is restored.

use std::io::Write as _;
use std::path::{Path, PathBuf};

/// What the anchor file says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Anchor {
    /// Audit entries committed (the head's sequence number).
    pub len: u64,
    /// The head entry's hash.
    pub head: [u8; 32],
}

const HEADER: &str = "shuangsui-anchor 1";

/// The anchor file of the store at `store` (a sibling: `<dir>.anchor`).
pub fn path_for(store: &Path) -> PathBuf {
    let mut name = store
        .file_name()
        .map(|n| n.to_os_string())
        .unwrap_or_else(|| "store".into());
    name.push(".anchor");
    store.with_file_name(name)
}

/// Reads the anchor; `Ok(None)` when there is none yet (a store from before anchors, or
/// never written to). A file that cannot be parsed is an error naming it.
pub fn read(store: &Path) -> Result<Option<Anchor>, String> {
    let path = path_for(store);
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(format!("{}: {e}", path.display())),
    };
    parse(&text)
        .map(Some)
        .ok_or_else(|| format!("{}: unreadable anchor", path.display()))
}

fn parse(text: &str) -> Option<Anchor> {
    let mut lines = text.lines();
    if lines.next()? != HEADER {
        return None;
    }
    let len = lines.next()?.strip_prefix("len ")?.parse().ok()?;
    let hex_head = lines.next()?.strip_prefix("head ")?;
    let bytes = hex::decode(hex_head).ok()?;
    let head: [u8; 32] = bytes.try_into().ok()?;
    Some(Anchor { len, head })
}

/// Writes the anchor whole or not at all (see [`write_atomic`]).
pub fn write(store: &Path, anchor: Anchor) -> std::io::Result<()> {
    let text = format!(
        "{HEADER}\nlen {}\nhead {}\n",
        anchor.len,
        hex::encode(anchor.head)
    );
    write_atomic(&path_for(store), text.as_bytes())
}

/// Writes `bytes` to `path` whole or not at all: a temporary file in the same directory,
/// fsynced, renamed over `path`, then the directory fsynced.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    write_atomic_with(path, |f| f.write_all(bytes))
}

/// [`write_atomic`] with the content written by `write` into the file (a backup streams its
/// body this way rather than holding it whole).
pub fn write_atomic_with(
    path: &Path,
    write: impl FnOnce(&mut std::fs::File) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    // What a killed write left behind: removed now.
    let prefix = format!(".{name}.tmp-");
    if let Ok(entries) = std::fs::read_dir(&dir) {
        for e in entries.flatten() {
            if e.file_name().to_string_lossy().starts_with(&prefix) {
                tracing::info!(file = %e.path().display(), "removing the leftover of a killed write");
                let _ = std::fs::remove_file(e.path());
            }
        }
    }
    let tmp = dir.join(format!("{prefix}{}", std::process::id()));
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        write(&mut f)?;
        f.sync_all()?;
        drop(f);
        std::fs::rename(&tmp, path)?;
        if let Ok(d) = std::fs::File::open(&dir) {
            let _ = d.sync_all();
        }
        Ok(())
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// Read a text file of at most `limit` bytes (roles, config, keymap): `/dev/zero` or a huge
/// file is refused instead of read forever. An over-long file is `InvalidData`.
pub fn read_limited(path: &Path, limit: u64) -> std::io::Result<String> {
    use std::io::Read;
    let f = std::fs::File::open(path)?;
    let mut bytes = Vec::new();
    f.take(limit + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!("超过 {limit} 字节 / larger than {limit} bytes"),
        ));
    }
    String::from_utf8(bytes).map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_beside_the_store() {
        let dir = tempfile::tempdir().unwrap();
        let store = dir.path().join("store");
        assert_eq!(path_for(&store), dir.path().join("store.anchor"));
        assert_eq!(read(&store).unwrap(), None);
        let a = Anchor {
            len: 12,
            head: [7u8; 32],
        };
        write(&store, a).unwrap();
        assert_eq!(read(&store).unwrap(), Some(a));
        std::fs::write(path_for(&store), "garbage").unwrap();
        assert!(read(&store).is_err());
        // A killed write's temporary file is removed by the next write; the file is whole.
        let leftover = dir.path().join(format!(".store.anchor.tmp-{}", u32::MAX));
        std::fs::write(&leftover, "half").unwrap();
        write(&store, a).unwrap();
        assert_eq!(read(&store).unwrap(), Some(a));
        assert!(!leftover.exists());
        let leftovers: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .filter_map(|e| e.ok())
            .filter(|e| e.file_name().to_string_lossy().contains(".tmp-"))
            .collect();
        assert!(leftovers.is_empty());
    }
}
