//! A bounded walk over a package directory that reads every `.py` file into facts.
//!
//! The walk is deterministic (entries sorted by name), does not follow symbolic links (so it
//! cannot loop or leave the root), skips environments, tests, build output and hidden
//! directories, and stops at a file count and a byte total so a huge tree costs bounded time.

use super::extract::{read_facts, ParseFailure};
use super::facts::FileFacts;
use serde::Serialize;
use std::path::Path;
use std::time::{Duration, Instant};

/// Directory names never entered: environments, caches, tests, build output, migrations.
pub const SKIP_DIRS: &[&str] = &[
    "venv",
    "node_modules",
    "tests",
    "__pycache__",
    "site-packages",
    "build",
    "dist",
    "migrations",
];

/// How far a scan may go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScanLimits {
    /// Most `.py` files read.
    pub max_files: usize,
    /// Larger files are listed as [`FileOutcome::TooLarge`] and not read.
    pub max_file_bytes: u64,
    /// Reading stops before the total of bytes read would pass this.
    pub max_total_bytes: u64,
    /// Deepest directory level entered below the root.
    pub max_depth: usize,
    /// Time the parser may spend on one file.
    pub parse_time_per_file: Duration,
}

impl Default for ScanLimits {
    fn default() -> Self {
        ScanLimits {
            max_files: 5_000,
            max_file_bytes: 1 << 20,
            max_total_bytes: 64 << 20,
            max_depth: 16,
            parse_time_per_file: Duration::from_secs(2),
        }
    }
}

/// Why a scan stopped before the end of the tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "limit", content = "value")]
pub enum ScanCut {
    /// [`ScanLimits::max_files`] files were read.
    Files(usize),
    /// The next file would have passed [`ScanLimits::max_total_bytes`].
    TotalBytes(u64),
}

/// What became of one `.py` file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "outcome")]
pub enum FileOutcome {
    /// Parsed; [`FileFacts::syntax_errors`] says whether the parser had to recover.
    Parsed(Box<FileFacts>),
    /// Larger than [`ScanLimits::max_file_bytes`]; not read.
    TooLarge { bytes: u64 },
    /// Not UTF-8, which Python 3 source is unless it declares otherwise.
    NotUtf8,
    /// Could not be read.
    Unreadable { error: String },
    /// Read but not parsed.
    Failed { failure: ParseFailure },
}

/// One `.py` file found by the scan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ScannedFile {
    /// Relative to the scan root, `/`-separated.
    pub path: String,
    /// Import path from the root: `pkg.sub.mod`; a package's `__init__.py` gives `pkg.sub`.
    /// `None` when a part is not a Python identifier (`my-scripts/run.py`) or for a root
    /// `__init__.py`.
    pub module: Option<String>,
    /// Whether this is an `__init__.py`, which matters for relative imports.
    pub is_package: bool,
    pub outcome: FileOutcome,
}

/// The result of [`scan_package`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct PackageScan {
    /// In walk order: sorted by name, a directory's files before its subdirectories.
    pub files: Vec<ScannedFile>,
    /// Set when a limit stopped the walk; `files` then holds what was read before.
    pub cut: Option<ScanCut>,
    /// Directories that could not be listed, relative to the root, with the error.
    pub unreadable_dirs: Vec<(String, String)>,
    /// Bytes of source read.
    pub bytes_read: u64,
}

/// Reads every `.py` file under `root` (the import root) within `limits`.
pub fn scan_package(root: &Path, limits: &ScanLimits) -> PackageScan {
    let mut scan = PackageScan::default();
    // Directories still to walk, as paths relative to the root; popped from the end.
    let mut pending: Vec<Vec<String>> = vec![Vec::new()];
    while let Some(parts) = pending.pop() {
        let dir = parts.iter().fold(root.to_path_buf(), |dir, p| dir.join(p));
        let entries = match std::fs::read_dir(&dir) {
            Ok(entries) => entries,
            Err(error) => {
                scan.unreadable_dirs
                    .push((parts.join("/"), error.to_string()));
                continue;
            }
        };
        let mut files = Vec::new();
        let mut dirs = Vec::new();
        for entry in entries.flatten() {
            // A name that is not UTF-8 cannot be a module name either.
            let Ok(name) = entry.file_name().into_string() else {
                continue;
            };
            // `DirEntry::file_type` does not follow symbolic links.
            let Ok(kind) = entry.file_type() else {
                continue;
            };
            if kind.is_dir() {
                if !skipped_dir(&name) && !entry.path().join("pyvenv.cfg").exists() {
                    dirs.push(name);
                }
            } else if kind.is_file() && name.ends_with(".py") {
                files.push(name);
            }
        }
        files.sort();
        dirs.sort();
        for name in files {
            if scan.files.len() >= limits.max_files {
                scan.cut = Some(ScanCut::Files(limits.max_files));
                return scan;
            }
            let mut file_parts = parts.clone();
            file_parts.push(name);
            match read_one(&dir, &file_parts, limits, &mut scan.bytes_read) {
                Some(file) => scan.files.push(file),
                None => {
                    scan.cut = Some(ScanCut::TotalBytes(limits.max_total_bytes));
                    return scan;
                }
            }
        }
        if parts.len() < limits.max_depth {
            for name in dirs.into_iter().rev() {
                let mut sub = parts.clone();
                sub.push(name);
                pending.push(sub);
            }
        }
    }
    scan
}

fn skipped_dir(name: &str) -> bool {
    name.starts_with('.') || SKIP_DIRS.contains(&name)
}

/// Reads and parses one file; `None` when reading it would pass the byte total.
fn read_one(
    dir: &Path,
    parts: &[String],
    limits: &ScanLimits,
    bytes_read: &mut u64,
) -> Option<ScannedFile> {
    let name = parts.last().map_or("", String::as_str);
    let path = dir.join(name);
    let is_package = name == "__init__.py";
    let mut file = ScannedFile {
        path: parts.join("/"),
        module: module_path(parts),
        is_package,
        outcome: FileOutcome::NotUtf8,
    };
    let size = match std::fs::metadata(&path) {
        Ok(metadata) => metadata.len(),
        Err(error) => {
            file.outcome = FileOutcome::Unreadable {
                error: error.to_string(),
            };
            return Some(file);
        }
    };
    if size > limits.max_file_bytes {
        file.outcome = FileOutcome::TooLarge { bytes: size };
        return Some(file);
    }
    if bytes_read.saturating_add(size) > limits.max_total_bytes {
        return None;
    }
    let bytes = match read_capped(&path, limits.max_file_bytes) {
        Ok(bytes) => bytes,
        Err(error) => {
            file.outcome = FileOutcome::Unreadable {
                error: error.to_string(),
            };
            return Some(file);
        }
    };
    *bytes_read += bytes.len() as u64;
    file.outcome = match String::from_utf8(bytes) {
        Err(_) => FileOutcome::NotUtf8,
        Ok(text) => {
            let deadline = Instant::now() + limits.parse_time_per_file;
            match read_facts(&text, Some(deadline)) {
                Ok(facts) => FileOutcome::Parsed(Box::new(facts)),
                Err(failure) => FileOutcome::Failed { failure },
            }
        }
    };
    Some(file)
}

/// Reads at most `cap + 1` bytes, so a file that grew after its size was taken stays bounded;
/// one that did is reported too large.
fn read_capped(path: &Path, cap: u64) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let mut bytes = Vec::new();
    std::fs::File::open(path)?
        .take(cap.saturating_add(1))
        .read_to_end(&mut bytes)?;
    if bytes.len() as u64 > cap {
        return Err(std::io::Error::other(
            "the file grew past the size limit while read",
        ));
    }
    Ok(bytes)
}

/// `pkg/sub/mod.py` -> `pkg.sub.mod`, `pkg/__init__.py` -> `pkg`.
pub fn module_path(parts: &[String]) -> Option<String> {
    let (file, dirs) = parts.split_last()?;
    let stem = file.strip_suffix(".py")?;
    let mut names: Vec<&str> = dirs.iter().map(String::as_str).collect();
    if stem != "__init__" {
        names.push(stem);
    }
    if names.is_empty() || !names.iter().all(|name| is_identifier(name)) {
        return None;
    }
    Some(names.join("."))
}

fn is_identifier(text: &str) -> bool {
    let mut chars = text.chars();
    chars.next().is_some_and(|c| c == '_' || c.is_alphabetic())
        && chars.all(|c| c == '_' || c.is_alphanumeric())
}
