//! Stage 6: **output**. Finding the input documents, naming and writing result files
//! atomically, and the run record.
//!
//! `samples/a/b.txt` given as the directory `samples` is written to
//! `OUT/a/b.txt.json`; a single file given as input to `OUT/<file name>.json`. Every
//! file is written to a temporary file in the destination directory and renamed into
//! place, so a reader (or a run stopped half way) never sees a partial file.

use std::io::Write;
use std::path::{Path, PathBuf};

use serde::Serialize;

pub use crate::record::{DocumentRecord, RunRecord, SeverityCounts, Status};

/// One input document: where to read it and the relative path it is known by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputDoc {
    /// Path to read.
    pub path: PathBuf,
    /// Path relative to the input root, with `/` separators: the name in outputs.
    pub relative: String,
}

/// File name endings read from a directory (files with no extension are read too).
pub const DOCUMENT_EXTENSIONS: &[&str] = &[
    "txt", "text", "md", "markdown", "html", "htm", "xhtml", "pdf",
];

fn is_document(path: &Path) -> bool {
    match path.extension().and_then(|e| e.to_str()) {
        None => true,
        Some(ext) => DOCUMENT_EXTENSIONS.contains(&ext.to_ascii_lowercase().as_str()),
    }
}

/// Whether a file (or archive entry) of this name is read as a document.
pub fn is_document_name(name: &str) -> bool {
    is_document(Path::new(name.rsplit('/').next().unwrap_or(name)))
}

/// Whether a relative output name stays inside `OUT`: no root, no drive letter, no
/// empty, `.` or `..` component (with `/` or a backslash as separator).
pub fn is_safe_relative(relative: &str) -> bool {
    let drive = relative.len() >= 2 && relative.as_bytes()[1] == b':';
    !relative.is_empty()
        && !drive
        && relative
            .split(['/', '\\'])
            .all(|c| !c.is_empty() && c != "." && c != "..")
}

/// Problems met while listing inputs (an input that does not exist, an unreadable folder).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputProblem {
    /// The path concerned.
    pub path: String,
    /// What went wrong.
    pub message: String,
}

/// List the documents under the given inputs in a deterministic order: each input in
/// the order given, a directory's files sorted by name, recursively. Links are not
/// followed, so nothing outside an input directory is read.
pub fn collect_inputs(inputs: &[PathBuf]) -> (Vec<InputDoc>, Vec<InputProblem>) {
    let mut docs = Vec::new();
    let mut problems = Vec::new();
    for input in inputs {
        let meta = match std::fs::metadata(input) {
            Ok(m) => m,
            Err(e) => {
                problems.push(InputProblem {
                    path: input.display().to_string(),
                    message: e.to_string(),
                });
                continue;
            }
        };
        if meta.is_file() {
            let name = input.file_name().map_or_else(
                || input.display().to_string(),
                |n| n.to_string_lossy().into_owned(),
            );
            docs.push(InputDoc {
                path: input.clone(),
                relative: name,
            });
            continue;
        }
        for entry in walkdir::WalkDir::new(input)
            .follow_links(false)
            .sort_by_file_name()
        {
            match entry {
                Ok(e) => {
                    if !e.file_type().is_file() || !is_document(e.path()) {
                        continue;
                    }
                    let rel = e.path().strip_prefix(input).unwrap_or(e.path());
                    let relative = rel
                        .components()
                        .map(|c| c.as_os_str().to_string_lossy())
                        .collect::<Vec<_>>()
                        .join("/");
                    docs.push(InputDoc {
                        path: e.path().to_path_buf(),
                        relative,
                    });
                }
                Err(e) => problems.push(InputProblem {
                    path: e
                        .path()
                        .map_or_else(|| input.display().to_string(), |p| p.display().to_string()),
                    message: e.to_string(),
                }),
            }
        }
    }
    (docs, problems)
}

/// Where a document's result goes: `OUT/<relative>.json`.
pub fn result_path(out: &Path, relative: &str) -> PathBuf {
    out.join(format!("{relative}.json"))
}

/// Where the results of a document go: `OUT/<relative>.json` for a document with one
/// notice; `OUT/<relative>#1.json`, `#2`, ... when it holds several.
pub fn result_paths(out: &Path, relative: &str, notices: usize) -> Vec<PathBuf> {
    if notices <= 1 {
        vec![result_path(out, relative)]
    } else {
        (1..=notices)
            .map(|k| out.join(format!("{relative}#{k}.json")))
            .collect()
    }
}

/// Where a document's normalised text goes: `OUT/<relative>.norm.txt`.
pub fn norm_text_path(out: &Path, relative: &str) -> PathBuf {
    out.join(format!("{relative}.norm.txt"))
}

/// Serialise a value as pretty JSON with a final newline.
pub fn to_json<T: Serialize>(value: &T) -> String {
    let mut buffer = Vec::new();
    pretty_json_into(&mut buffer, value);
    String::from_utf8(buffer).expect("serde_json writes UTF-8")
}

/// Append `value` as [`to_json`] gives it to `buffer`.
fn pretty_json_into<T: Serialize>(buffer: &mut Vec<u8>, value: &T) {
    serde_json::to_writer_pretty(&mut *buffer, value).expect("result types always serialise");
    buffer.push(b'\n');
}

/// [`write_result_file`] of `value` as [`to_json`] gives it, serialised into a buffer
/// that each worker thread keeps from one document to the next (a result is tens of
/// kilobytes: a new buffer would grow and copy itself about ten times).
pub fn write_json_result<T: Serialize>(path: &Path, value: &T) -> std::io::Result<()> {
    thread_local! {
        static BUFFER: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    BUFFER.with_borrow_mut(|buffer| {
        buffer.clear();
        pretty_json_into(buffer, value);
        let result = write_result_file(path, buffer);
        // One huge result should not stay with the thread for the rest of the run.
        if buffer.capacity() > 1 << 22 {
            *buffer = Vec::new();
        }
        result
    })
}

/// A new temporary file in `dir`, creating `dir` (and its parents) only when it is
/// missing: most result files go to folders that exist, and trying first saves two
/// system calls per file.
fn temporary_file_in(dir: &Path) -> std::io::Result<tempfile::NamedTempFile> {
    let create = || {
        tempfile::Builder::new()
            .prefix(".seloste-")
            .suffix(".tmp")
            .tempfile_in(dir)
    };
    match create() {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            std::fs::create_dir_all(dir)?;
            create()
        }
        result => result,
    }
}

/// A file written in full or not at all: the bytes go (buffered) to a temporary file
/// in the target's folder, and [`Self::commit`] syncs it and renames it into place.
/// Dropped without a commit, the temporary file is removed and the target untouched.
pub struct AtomicFile {
    writer: std::io::BufWriter<tempfile::NamedTempFile>,
    path: PathBuf,
}

impl AtomicFile {
    /// Start writing `path` (creating its folder if needed).
    pub fn create(path: &Path) -> std::io::Result<Self> {
        let dir = path.parent().unwrap_or_else(|| Path::new("."));
        Ok(AtomicFile {
            writer: std::io::BufWriter::new(temporary_file_in(dir)?),
            path: path.to_path_buf(),
        })
    }

    /// Sync the written bytes to disk and put the file in place.
    pub fn commit(self) -> std::io::Result<()> {
        let tmp = self.writer.into_inner().map_err(|e| e.into_error())?;
        tmp.as_file().sync_all()?;
        tmp.persist(&self.path).map_err(|e| e.error)?;
        Ok(())
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.writer.write(buf)
    }

    fn write_all(&mut self, buf: &[u8]) -> std::io::Result<()> {
        self.writer.write_all(buf)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.writer.flush()
    }
}

/// Write a file atomically and durably: a temporary file in the same directory, synced
/// to disk, then a rename. For the run record and blessed golden files.
pub fn write_atomic(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    let mut file = AtomicFile::create(path)?;
    file.write_all(contents)?;
    file.commit()
}

/// Write one document's result atomically (a temporary file, then a rename), without
/// waiting for the disk: a crash of the process never leaves a partial file, and a run
/// of 20,000 documents does not pay 20,000 disk syncs (they were a third of its time).
/// After a power loss, `--resume` cannot tell a lost result from a written one; run
/// `sync` after a run if that matters.
pub fn write_result_file(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or_else(|| Path::new("."));
    let mut tmp = temporary_file_in(dir)?;
    tmp.write_all(contents)?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn result_paths_keep_the_relative_layout() {
        assert_eq!(
            result_path(Path::new("out"), "a/b.txt"),
            PathBuf::from("out/a/b.txt.json")
        );
        assert_eq!(
            norm_text_path(Path::new("out"), "b.md"),
            PathBuf::from("out/b.md.norm.txt")
        );
    }

    #[test]
    fn relative_names_stay_inside_out() {
        assert!(is_safe_relative("a/b.txt"));
        assert!(is_safe_relative("x.zip/c d.txt"));
        assert!(is_safe_relative("a/12:30.txt"));
        for bad in ["", "/a", "a/../b", "..", "a//b", "./a", "C:/x", "a\\..\\b"] {
            assert!(!is_safe_relative(bad), "{bad}");
        }
        assert!(is_document_name("a.zip/b.TXT"));
        assert!(!is_document_name("a/b.png"));
    }

    #[test]
    fn json_results_are_to_json_whatever_came_before() {
        let dir = tempfile::tempdir().unwrap();
        let long = serde_json::json!({"text": "ä".repeat(5000), "n": [1, 2, 3]});
        let short = serde_json::json!({"title": "Rekisteriseloste", "fields": {}});
        for (i, value) in [&long, &short, &long].into_iter().enumerate() {
            let p = dir.path().join(format!("{i}.json"));
            write_json_result(&p, value).unwrap();
            assert_eq!(std::fs::read_to_string(&p).unwrap(), to_json(value));
        }
    }

    #[test]
    fn atomic_file_appears_only_on_commit() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("new/run.json");
        let mut dropped = AtomicFile::create(&p).unwrap();
        dropped.write_all(b"partial").unwrap();
        drop(dropped);
        assert!(!p.exists());
        assert_eq!(
            std::fs::read_dir(dir.path().join("new")).unwrap().count(),
            0
        );
        let mut file = AtomicFile::create(&p).unwrap();
        file.write_all(b"{}").unwrap();
        assert!(!p.exists(), "nothing in place before the commit");
        file.commit().unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"{}");
        assert_eq!(
            std::fs::read_dir(dir.path().join("new")).unwrap().count(),
            1
        );
    }

    #[test]
    fn atomic_write_leaves_no_temporary_files() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("x/y.json");
        write_atomic(&p, b"{}").unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"{}");
        let names: Vec<_> = std::fs::read_dir(dir.path().join("x"))
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names.len(), 1);
    }
}
