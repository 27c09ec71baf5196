//! Reading a store on a full disk (issue 20). sled writes when it opens a database (it
//! recovers its log and starts a new segment), so on a disk with no space left even `list` and
//! `verify` could not open the store. Then the store's files are copied to a temporary
//! directory on another filesystem (the system's temporary directory, else `/dev/shm`), the
//! copy is opened instead, and the store is read-only: every write is refused with
//! [`super::StoreError::DiskFull`] until space is freed. The copy is removed when the store is
//! dropped. Nothing here writes to the full disk.

use std::path::{Path, PathBuf};

/// Whether `e` says the device has no space left.
pub(super) fn is_no_space(e: &sled::Error) -> bool {
    match e {
        sled::Error::Io(io) => no_space_io(io),
        _ => false,
    }
}

fn no_space_io(io: &std::io::Error) -> bool {
    io.kind() == std::io::ErrorKind::StorageFull || io.raw_os_error() == Some(libc::ENOSPC)
}

/// A temporary copy of a store's files, removed on drop.
#[derive(Debug)]
pub(super) struct ReadOnlyCopy {
    dir: PathBuf,
}

impl ReadOnlyCopy {
    pub(super) fn dir(&self) -> &Path {
        &self.dir
    }
}

impl Drop for ReadOnlyCopy {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Copy the store directory `path` to a fresh directory on the first of the candidate
/// filesystems that has room for it.
pub(super) fn copy_store(path: &Path) -> Result<ReadOnlyCopy, String> {
    let mut last = String::from("no temporary directory");
    let stamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    let candidates = [std::env::temp_dir(), PathBuf::from("/dev/shm")];
    for base in candidates.iter().filter(|b| b.is_dir()) {
        let copy = ReadOnlyCopy {
            dir: base.join(format!(
                "shuangsui-full-disk-{}-{stamp}",
                std::process::id()
            )),
        };
        match copy_dir(path, &copy.dir) {
            Ok(()) => return Ok(copy),
            // `copy` is dropped here: a partial copy is removed.
            Err(e) => last = format!("{}: {e}", base.display()),
        }
    }
    Err(last)
}

fn copy_dir(from: &Path, to: &Path) -> std::io::Result<()> {
    std::fs::create_dir(to)?;
    for e in std::fs::read_dir(from)? {
        let e = e?;
        let kind = e.file_type()?;
        let name = e.file_name();
        let dest = to.join(&name);
        // A snapshot still being generated is incomplete by definition: sled reads the last
        // whole one and its log.
        if name.to_string_lossy().ends_with(".generating") {
            continue;
        }
        if kind.is_dir() {
            copy_dir(&e.path(), &dest)?;
        } else if kind.is_file() {
            std::fs::copy(e.path(), dest)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A full disk met by a commit (not at open) says so too, in both languages.
    #[test]
    fn enospc_in_a_write_is_the_full_disk_message() {
        let full = sled::Error::Io(std::io::Error::from_raw_os_error(libc::ENOSPC));
        let e = super::super::sled_err(full);
        assert!(matches!(e, super::super::StoreError::DiskFull(_)), "{e:?}");
        let zh = e.localize(crate::i18n::Lang::Zh);
        assert!(
            zh.contains("磁盘已满") && zh.contains("释放磁盘空间"),
            "{zh}"
        );
        let en = e.localize(crate::i18n::Lang::En);
        assert!(en.starts_with("the disk holding the store is full"), "{en}");
    }

    #[test]
    fn enospc_is_recognised_and_other_errors_are_not() {
        let full = sled::Error::Io(std::io::Error::from_raw_os_error(libc::ENOSPC));
        assert!(is_no_space(&full));
        let denied = sled::Error::Io(std::io::Error::from_raw_os_error(libc::EACCES));
        assert!(!is_no_space(&denied));
        assert!(!is_no_space(&sled::Error::Unsupported("x".into())));
    }

    #[test]
    fn the_copy_holds_every_file_and_goes_away_on_drop() {
        let src = std::env::temp_dir().join(format!("shuangsui-copy-src-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&src);
        std::fs::create_dir_all(src.join("blobs")).unwrap();
        std::fs::write(src.join("db"), b"log").unwrap();
        std::fs::write(src.join("blobs/7"), b"blob").unwrap();
        let copy = copy_store(&src).unwrap();
        let dir = copy.dir().to_path_buf();
        assert_eq!(std::fs::read(dir.join("db")).unwrap(), b"log");
        assert_eq!(std::fs::read(dir.join("blobs/7")).unwrap(), b"blob");
        drop(copy);
        assert!(!dir.exists());
        std::fs::remove_dir_all(&src).unwrap();
    }
}
