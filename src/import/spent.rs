//! The memory of a file's bytes given back to the system part by part while a large import
//! converts them (issue 17): the parts of a 276 MB CSV are read once each, in parallel, and a
//! part's pages are not needed once its rows are converted. Without this the whole file and
//! all the converted records were held at once (the peak of an import).

/// The bytes of a file the import owns and will drop unread once converted.
pub(crate) struct Spent {
    start: usize,
    end: usize,
}

impl Spent {
    /// For `bytes`, which the caller owns, reads only through the import's tables, and drops
    /// right after the conversion.
    pub(crate) fn of(bytes: &[u8]) -> Spent {
        let start = bytes.as_ptr() as usize;
        Spent {
            start,
            end: start + bytes.len(),
        }
    }

    /// Give back the whole pages of a span of the bytes (address, length) that nothing will
    /// read again; a span outside the bytes (a transcoded copy) is left alone.
    pub(crate) fn release(&self, (at, len): (usize, usize)) {
        if at < self.start || at + len > self.end {
            return;
        }
        #[cfg(target_os = "linux")]
        {
            // SAFETY: `sysconf` has no preconditions.
            let page = usize::try_from(unsafe { libc::sysconf(libc::_SC_PAGESIZE) }).unwrap_or(0);
            if page == 0 {
                return;
            }
            let from = at.div_ceil(page) * page;
            let to = (at + len) / page * page;
            if to <= from {
                return;
            }
            // SAFETY: [from, to) is a whole number of pages inside the live allocation of
            // `bytes` (checked above), private anonymous memory from the allocator. Its part
            // was read to the end by a reader that is gone, and nothing reads these bytes again
            // before they are dropped. MADV_DONTNEED only lets the kernel take the pages back:
            // the memory stays mapped and valid (read again, it would be zeros), so neither
            // the allocator nor any reference can observe anything but a change of contents
            // nobody reads.
            unsafe {
                libc::madvise(from as *mut libc::c_void, to - from, libc::MADV_DONTNEED);
            }
        }
    }
}
