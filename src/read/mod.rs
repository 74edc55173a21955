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
pub mod workspace;

pub use project::{read_project, ProjectFiles};

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

/// Reads a file as UTF-8 text, or says which file could not be read and why.
pub(crate) fn read_text(path: &Path, display: &str) -> Result<String, UserError> {
    std::fs::read_to_string(path)
        .map_err(|error| UserError::new(format!("failed to read `{display}`: {error}")))
}
