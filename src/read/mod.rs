//! Reading a project: what `pyproject.toml`, `uv.lock` and `.python-version` say.
//!
//! Nothing here decides, writes or prints. Each reader parses leniently into
//! serde types and reports problems as [`UserError`](crate::error::UserError)s
//! that name the file and the field.

pub mod graph;
pub mod lock;
pub mod lock_check;
pub mod names;
pub mod project;
pub mod pyproject;
pub mod python;
pub mod python_version;
pub mod source;
pub mod vcs;
pub mod version_file;
pub mod wheel;
pub mod workspace;

pub use project::{read_project, read_unchecked, ProjectFiles};

use crate::error::UserError;
use std::path::Path;

/// Parses TOML text into `T`, turning a syntax or type error into one that names `file`
/// and carries the parser's line and column.
pub(crate) fn parse_toml<T: serde::de::DeserializeOwned>(
    text: &str,
    file: &str,
) -> Result<T, UserError> {
    toml::from_str(text).map_err(|error| {
        let line = error.span().map(|span| {
            let before = text.get(..span.start).unwrap_or(text);
            u32::try_from(before.matches('\n').count() + 1).unwrap_or(u32::MAX)
        });
        UserError::new(format!("failed to parse `{file}`"))
            .at(file, line)
            .detail(error.to_string().trim_end().to_string())
            .hint(format!(
                "fix the TOML at the line and column shown in `{file}`"
            ))
    })
}

/// The largest `pyproject.toml` read: the largest of the corpus is tens of KiB.
pub const MAX_PYPROJECT_BYTES: u64 = 4 << 20;
/// The largest `uv.lock` read: a large workspace's is a few MiB. Reading costs several times
/// the file's size in memory, so a bound keeps a planted file from taking the machine.
pub const MAX_LOCK_BYTES: u64 = 64 << 20;
/// The largest `.python-version` read: one version, maybe comments.
pub const MAX_PYTHON_VERSION_BYTES: u64 = 64 << 10;

/// A lock from this size up is worth other threads: reading it (in halves), checking it
/// beside the decisions, compiling the templates meanwhile. Below it, starting a thread costs
/// more than it saves (a 10 KB lock's `check` took 0.8 ms longer with them).
pub const LARGE_LOCK_BYTES: u64 = 256 << 10;

/// Whether the project at `root` has a `uv.lock` of at least [`LARGE_LOCK_BYTES`].
pub fn has_large_lock(root: &Path) -> bool {
    std::fs::metadata(root.join("uv.lock")).is_ok_and(|meta| meta.len() >= LARGE_LOCK_BYTES)
}

/// Reads a file as UTF-8 text of at most `limit` bytes, or says which file could not be read
/// and why. The bound holds for files that grow while read, and for ones that are no regular
/// file (a FIFO, `/dev/zero` behind a link), whose size says nothing.
pub(crate) fn read_text(path: &Path, display: &str, limit: u64) -> Result<String, UserError> {
    use std::io::Read;
    let failed =
        |error: std::io::Error| UserError::new(format!("failed to read `{display}`: {error}"));
    let too_large = || {
        let size = if limit >= 1 << 20 {
            format!("{} MiB", limit >> 20)
        } else {
            format!("{} KiB", limit >> 10)
        };
        UserError::new(format!(
            "`{display}` is larger than {size}, more than uv-rootless reads"
        ))
        .hint(format!(
            "make sure `{display}` is the file uv and you wrote: even a large project's is far smaller"
        ))
    };
    let file = std::fs::File::open(path).map_err(failed)?;
    let size = file.metadata().map_err(failed)?.len();
    if size > limit {
        return Err(too_large());
    }
    // Room for the whole file and the one byte that finds its end: `Take` gives `read_to_end`
    // no size, and growing by doubling would touch twice the memory (a 2 MB lock's buffer
    // reached 4 MB), which costs more than the parse on a machine slow to map fresh pages.
    let mut bytes = Vec::with_capacity(size as usize + 1);
    file.take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(failed)?;
    if bytes.len() as u64 > limit {
        return Err(too_large());
    }
    String::from_utf8(bytes).map_err(|_| {
        failed(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            "stream did not contain valid UTF-8",
        ))
    })
}
