//! Zip archives as inputs: listing entries with safe names and caps, and reading one
//! entry into memory.
//!
//! - Entry names are checked: an absolute name (`/etc/x`, `C:\x`), a `..` component or
//!   a control character makes that entry an error of its own; nothing is ever written
//!   from an entry name outside `OUT/<archive path>/`.
//! - Caps: entries per archive, total declared uncompressed size per archive, and the
//!   compression ratio of each entry (declared and actual: reading stops past the cap),
//!   so a zip bomb fails alone.
//! - A zip inside a zip is read (depth 2); deeper ones are errors.
//!
//! The central directory of an archive is read when its first entry is needed; workers
//! clone the [`ZipArchive`] (its metadata is shared) over a [`SharedFile`] that reads
//! by position, so many workers read entries of one archive at the same time. An
//! archive is closed (and a nested one freed) after its last scheduled entry.

use std::fs::File;
use std::io::{Cursor, Read, Seek, SeekFrom};
use std::sync::{Arc, Mutex};

use zip::ZipArchive;

/// Limits applied to every archive.
#[derive(Debug, Clone, Copy)]
pub struct ZipCaps {
    /// Most entries in one archive.
    pub max_entries: usize,
    /// Most uncompressed bytes (as declared) in one archive.
    pub max_total: u64,
    /// Highest compression ratio (uncompressed / compressed) of one entry.
    pub max_ratio: u64,
    /// Largest entry, in bytes (the document size cap).
    pub max_entry: u64,
}

/// Deepest nesting: a zip inside a zip.
pub const MAX_DEPTH: usize = 2;

/// A file read by position (`pread`), cloneable: each clone has its own position.
#[derive(Debug, Clone)]
pub struct SharedFile {
    file: Arc<File>,
    pos: u64,
    len: u64,
}

impl SharedFile {
    /// Open a file for shared positioned reads.
    pub fn open(path: &std::path::Path) -> std::io::Result<Self> {
        let file = File::open(path)?;
        let len = file.metadata()?.len();
        Ok(SharedFile {
            file: Arc::new(file),
            pos: 0,
            len,
        })
    }
}

impl Read for SharedFile {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        #[cfg(unix)]
        let n = std::os::unix::fs::FileExt::read_at(&*self.file, buf, self.pos)?;
        #[cfg(windows)]
        let n = std::os::windows::fs::FileExt::seek_read(&*self.file, buf, self.pos)?;
        self.pos += n as u64;
        Ok(n)
    }
}

impl Seek for SharedFile {
    fn seek(&mut self, to: SeekFrom) -> std::io::Result<u64> {
        let next = match to {
            SeekFrom::Start(p) => Some(p),
            SeekFrom::End(d) => self.len.checked_add_signed(d),
            SeekFrom::Current(d) => self.pos.checked_add_signed(d),
        };
        match next {
            Some(p) => {
                self.pos = p;
                Ok(p)
            }
            None => Err(std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                "seek before the start of the file",
            )),
        }
    }
}

/// An archive on disk.
pub type FileZip = ZipArchive<SharedFile>;
/// An archive held in memory (a zip inside a zip).
pub type MemZip = ZipArchive<Cursor<Arc<[u8]>>>;

/// Open an archive on disk, reading its central directory.
pub fn open_file(path: &std::path::Path) -> Result<FileZip, String> {
    let file = SharedFile::open(path).map_err(|e| format!("cannot read the archive: {e}"))?;
    ZipArchive::new(file).map_err(|e| format!("unreadable zip archive: {e}"))
}

/// Open an archive held in memory.
pub fn open_bytes(bytes: Vec<u8>) -> Result<MemZip, String> {
    let bytes: Arc<[u8]> = bytes.into();
    ZipArchive::new(Cursor::new(bytes)).map_err(|e| format!("unreadable zip archive: {e}"))
}

/// Check an entry name and turn it into a relative path with `/` separators.
/// Absolute names, drive letters, `..` and control characters are refused.
pub fn safe_entry_name(raw: &str) -> Result<String, String> {
    let refuse = |why: &str| Err(format!("unsafe entry name {raw:?}: {why}; entry skipped"));
    if raw.chars().any(|c| c.is_control()) {
        return refuse("control character");
    }
    let unified = raw.replace('\\', "/");
    if unified.starts_with('/') {
        return refuse("absolute path");
    }
    let mut parts = Vec::new();
    for (i, part) in unified.split('/').enumerate() {
        match part {
            "" | "." => continue,
            ".." => return refuse("'..' would leave the archive's folder"),
            p if i == 0 && p.len() >= 2 && p.as_bytes()[1] == b':' => {
                return refuse("drive letter")
            }
            p => parts.push(p),
        }
    }
    if parts.is_empty() {
        return refuse("empty name");
    }
    Ok(parts.join("/"))
}

/// What one archive entry is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EntryKind {
    /// A document to extract.
    Document,
    /// A zip inside the archive.
    Zip,
    /// An entry that cannot be used, with the reason (a zip nested too deep).
    Bad(String),
    /// An entry whose name is unsafe (absolute, `..`): its name is never used as a path.
    Unsafe(String),
}

/// One entry of an archive listing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// Index in the archive.
    pub index: usize,
    /// Safe relative name (for an unsafe entry: the raw name, for the message only).
    pub name: String,
    /// What it is.
    pub kind: EntryKind,
}

/// List an archive's documents and nested zips, sorted by name component-wise
/// (the order of a directory walk). `is_document` decides which names are read;
/// `depth` is 1 for an archive on disk, 2 for a zip inside it.
pub fn list<R: Read + Seek>(
    archive: &mut ZipArchive<R>,
    caps: &ZipCaps,
    depth: usize,
    is_document: &dyn Fn(&str) -> bool,
) -> Result<Vec<Entry>, String> {
    if archive.len() > caps.max_entries {
        return Err(format!(
            "the archive has {} entries, over the cap of {} (--zip-max-entries)",
            archive.len(),
            caps.max_entries
        ));
    }
    let mut total: u64 = 0;
    let mut entries = Vec::new();
    for index in 0..archive.len() {
        let file = archive
            .by_index_raw(index)
            .map_err(|e| format!("unreadable zip archive: {e}"))?;
        total = total.saturating_add(file.size());
        if total > caps.max_total {
            return Err(format!(
                "the archive declares more than {} uncompressed bytes (--zip-max-total)",
                caps.max_total
            ));
        }
        if file.is_dir() {
            continue;
        }
        let raw = file.name().to_string();
        let name = match safe_entry_name(&raw) {
            Ok(n) => n,
            Err(e) => {
                entries.push(Entry {
                    index,
                    name: raw,
                    kind: EntryKind::Unsafe(e),
                });
                continue;
            }
        };
        let kind = if name.to_ascii_lowercase().ends_with(".zip") {
            if depth >= MAX_DEPTH {
                EntryKind::Bad(format!(
                    "a zip nested deeper than {MAX_DEPTH} levels is not read"
                ))
            } else {
                EntryKind::Zip
            }
        } else if is_document(&name) {
            EntryKind::Document
        } else {
            continue;
        };
        entries.push(Entry { index, name, kind });
    }
    entries.sort_by(|a, b| a.name.split('/').cmp(b.name.split('/')));
    Ok(entries)
}

/// Read one entry into memory, within the caps.
pub fn read_entry<R: Read + Seek>(
    archive: &mut ZipArchive<R>,
    index: usize,
    caps: &ZipCaps,
) -> Result<Vec<u8>, String> {
    let file = archive
        .by_index(index)
        .map_err(|e| format!("cannot read the zip entry: {e}"))?;
    let declared = file.size();
    let compressed = file.compressed_size().max(1);
    if declared > caps.max_entry {
        return Err(format!(
            "skipped: the entry is {declared} bytes, over the limit of {} bytes",
            caps.max_entry
        ));
    }
    let ratio_limit = compressed.saturating_mul(caps.max_ratio);
    if declared > ratio_limit {
        return Err(format!(
            "compression ratio {}:1 over the cap of {}:1 (possible zip bomb; --zip-max-ratio)",
            declared / compressed,
            caps.max_ratio
        ));
    }
    let limit = caps.max_entry.min(ratio_limit.max(1024));
    let mut bytes = Vec::with_capacity(declared.min(limit) as usize);
    file.take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot read the zip entry: {e}"))?;
    if bytes.len() as u64 > limit {
        return Err(format!(
            "the entry inflates past {limit} bytes, more than it declares (possible zip bomb)"
        ));
    }
    Ok(bytes)
}

/// An archive on disk whose central directory is read when its first scheduled entry
/// is read and dropped (closing the file) after its last, so a run over thousands of
/// archives keeps only the archives in use open.
#[derive(Debug)]
pub struct ZipHandle {
    path: std::path::PathBuf,
    caps: ZipCaps,
    state: Mutex<Option<FileZip>>,
    remaining: std::sync::atomic::AtomicUsize,
}

impl ZipHandle {
    /// The archive at `path`, opened lazily.
    pub fn new(path: &std::path::Path, caps: ZipCaps) -> Self {
        ZipHandle {
            path: path.to_path_buf(),
            caps,
            state: Mutex::new(None),
            remaining: std::sync::atomic::AtomicUsize::new(0),
        }
    }

    /// Count one more entry to be read.
    pub fn expect_one(&self) {
        self.remaining
            .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    }

    /// Read entry `index`, opening the archive if needed (kept open only while
    /// scheduled entries remain).
    pub fn read(&self, index: usize) -> Result<Vec<u8>, String> {
        let mut archive = {
            let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
            match state.as_ref() {
                Some(a) => a.clone(),
                None => {
                    let a = open_file(&self.path)?;
                    if self.remaining.load(std::sync::atomic::Ordering::SeqCst) > 0 {
                        *state = Some(a.clone());
                    }
                    a
                }
            }
        };
        read_entry(&mut archive, index, &self.caps)
    }

    /// One scheduled entry is done: close the archive after the last.
    pub fn done_one(&self) {
        let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        let before = self
            .remaining
            .fetch_update(
                std::sync::atomic::Ordering::SeqCst,
                std::sync::atomic::Ordering::SeqCst,
                |n| Some(n.saturating_sub(1)),
            )
            .unwrap_or(0);
        if before <= 1 {
            *state = None;
        }
    }
}

/// A zip inside an archive on disk, opened in memory when its first entry is read
/// and dropped when its last scheduled entry is done.
#[derive(Debug)]
pub struct NestedZip {
    outer: Arc<ZipHandle>,
    index: usize,
    caps: ZipCaps,
    state: Mutex<NestedState>,
}

#[derive(Debug)]
struct NestedState {
    open: Option<Result<MemZip, String>>,
    remaining: usize,
}

impl NestedZip {
    /// The nested zip at `index` of `outer`.
    pub fn new(outer: Arc<ZipHandle>, index: usize, caps: ZipCaps) -> Self {
        NestedZip {
            outer,
            index,
            caps,
            state: Mutex::new(NestedState {
                open: None,
                remaining: 0,
            }),
        }
    }

    /// Count one more entry to be read.
    pub fn expect_one(&self) {
        self.state
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remaining += 1;
    }

    /// Read entry `index` of the nested zip.
    pub fn read(&self, index: usize) -> Result<Vec<u8>, String> {
        let mut archive = {
            let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
            if state.open.is_none() {
                state.open = Some(self.outer.read(self.index).and_then(open_bytes));
            }
            match state.open.as_ref() {
                Some(Ok(a)) => a.clone(),
                Some(Err(e)) => return Err(format!("the enclosing zip: {e}")),
                None => unreachable!("opened above"),
            }
        };
        read_entry(&mut archive, index, &self.caps)
    }

    /// One entry is done: drop the archive from memory after the last.
    pub fn done_one(&self) {
        let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        state.remaining = state.remaining.saturating_sub(1);
        if state.remaining == 0 {
            state.open = None;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unsafe_names_are_refused() {
        assert!(safe_entry_name("../../x").is_err());
        assert!(safe_entry_name("/etc/x").is_err());
        assert!(safe_entry_name("a/../../x").is_err());
        assert!(safe_entry_name("C:\\x").is_err());
        assert!(safe_entry_name("a\u{0}b").is_err());
        assert_eq!(safe_entry_name("./a//b.txt").unwrap(), "a/b.txt");
        assert_eq!(safe_entry_name("a\\b.txt").unwrap(), "a/b.txt");
    }
}
