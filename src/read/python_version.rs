//! `.python-version`: the interpreter uv pins for the project.

use crate::error::UserError;

/// A pinned CPython version, `X.Y` or `X.Y.Z`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PinnedPython {
    /// As written after normalisation, e.g. `3.12` or `3.12.4`.
    pub version: String,
}

/// Parses the content of `.python-version` the way uv does: the first line that is neither
/// blank nor a comment; `3.12`, `3.12.4`, `cpython@3.12`, `cpython-3.12`, `cp312`.
pub fn parse(text: &str) -> Result<PinnedPython, UserError> {
    // Editors on Windows may start the file with a byte-order mark; uv reads past it too.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let line = text
        .lines()
        .map(str::trim)
        .find(|line| !line.is_empty() && !line.starts_with('#'))
        .ok_or_else(|| {
            UserError::new("`.python-version` is empty")
                .hint("write a version such as `3.13` into it, or delete it")
        })?;
    let unsupported = || {
        UserError::new(format!(
            "`.python-version` asks for `{line}`, which uv-rootless cannot build"
        ))
        .hint("pin a CPython version such as `3.13` or `3.13.1`, or pass `--python X.Y`")
    };
    let lower = line.to_ascii_lowercase();
    let version = if let Some(rest) = lower
        .strip_prefix("cpython@")
        .or_else(|| lower.strip_prefix("cpython-"))
        .or_else(|| lower.strip_prefix("cpython"))
    {
        rest.to_string()
    } else if let Some(rest) = lower.strip_prefix("cp") {
        // `cp312` means 3.12.
        if rest.len() < 2 || !rest.bytes().all(|b| b.is_ascii_digit()) {
            return Err(unsupported());
        }
        format!("{}.{}", &rest[..1], &rest[1..])
    } else {
        lower.clone()
    };
    if !is_version(&version) {
        return Err(unsupported());
    }
    Ok(PinnedPython { version })
}

/// `X.Y` or `X.Y.Z`, digits only: no free-threaded, debug or pre-release builds.
pub fn is_version(version: &str) -> bool {
    let parts: Vec<&str> = version.split('.').collect();
    (2..=3).contains(&parts.len())
        && parts.iter().all(|part| {
            !part.is_empty() && part.len() <= 3 && part.bytes().all(|b| b.is_ascii_digit())
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_the_forms_uv_writes() {
        for (text, expected) in [
            ("3.12\n", "3.12"),
            ("3.12.4", "3.12.4"),
            ("cpython@3.13", "3.13"),
            ("cpython-3.11", "3.11"),
            ("cp312", "3.12"),
            ("# comment\n\n3.13\n", "3.13"),
            ("\u{feff}3.13\r\n", "3.13"),
        ] {
            assert_eq!(parse(text).unwrap().version, expected, "{text:?}");
        }
    }

    #[test]
    fn rejects_what_cannot_be_built() {
        for text in [
            "",
            "\n# only a comment\n",
            "pypy@3.10",
            "3.13t",
            "3",
            "latest",
            "3.x",
        ] {
            assert!(parse(text).is_err(), "{text:?}");
        }
    }
}
