//! The project's vocabulary, with no I/O: package names (PEP 503), PEP 508 requirements,
//! `requires-python` ranges and paths the Dockerfile can mount. Every other module speaks in
//! these terms instead of normalising strings itself.

use crate::error::UserError;
use pep440_rs::VersionSpecifiers;
use pep508_rs::Requirement;
use serde::Serialize;
use std::borrow::Borrow;
use std::fmt;
use std::str::FromStr;

/// A distribution, extra or group name in PEP 503 normal form: lowercase, each run of `-`, `_`
/// and `.` one `-`. Two spellings of one name compare equal once they are `PackageName`s.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct PackageName(String);

impl PackageName {
    /// Normalises `name` as PEP 503 says.
    pub fn new(name: &str) -> Self {
        // uv writes names already normalised: keep those as they are, without the char loop.
        let bytes = name.as_bytes();
        let plain = |b: &u8| b.is_ascii_lowercase() || b.is_ascii_digit();
        if bytes.first().is_some_and(plain)
            && bytes.last().is_some_and(plain)
            && bytes.iter().all(|b| plain(b) || *b == b'-')
            && !name.contains("--")
        {
            return PackageName(name.to_string());
        }
        let mut out = String::with_capacity(name.len());
        let mut last_separator = false;
        for ch in name.chars() {
            if matches!(ch, '-' | '_' | '.') {
                if !last_separator {
                    out.push('-');
                }
                last_separator = true;
            } else {
                out.extend(ch.to_lowercase());
                last_separator = false;
            }
        }
        PackageName(out)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }

    /// Whether `other`, in whatever spelling, names this package.
    pub fn is(&self, other: &str) -> bool {
        *self == PackageName::new(other)
    }
}

impl fmt::Display for PackageName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Borrow<str> for PackageName {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for PackageName {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl From<PackageName> for String {
    fn from(name: PackageName) -> Self {
        name.0
    }
}

/// Whether `name` is a valid PEP 508 name: ASCII letters, digits, `-`, `_` and `.`, starting
/// and ending with a letter or digit. Nothing else may name a package, an extra or a group.
pub fn is_valid_name(name: &str) -> bool {
    let bytes = name.as_bytes();
    bytes.first().is_some_and(u8::is_ascii_alphanumeric)
        && bytes.last().is_some_and(u8::is_ascii_alphanumeric)
        && bytes
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

thread_local! {
    /// Set while this thread runs a [`guarded`] call: its panic, caught, prints nothing.
    static QUIET: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Runs `parse`, a call into pep508_rs or pep440_rs, turning a panic of theirs into `Err`
/// with its message. Some input makes them panic (`'linux' ~= sys_platform` reaches an
/// `unreachable!`); a panic is a bug of theirs, but on the project's text it must be an error
/// naming the file, not exit 101.
///
/// Output stays clean through one process-wide panic hook, installed at the first call: it is
/// silent while the panicking thread is inside `guarded`, and hands every other panic to the
/// hook that was there before. (Swapping the hook for each call would race with other
/// threads' panics.) A caught panic leaves pep508_rs's marker interner poisoned, so every
/// later marker parse of the process panics too: callers make it an error, never "unknown".
pub fn guarded<T>(parse: impl FnOnce() -> T) -> Result<T, String> {
    static HOOK: std::sync::Once = std::sync::Once::new();
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !QUIET.with(std::cell::Cell::get) {
                previous(info);
            }
        }));
    });
    let was_quiet = QUIET.with(|quiet| quiet.replace(true));
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(parse));
    QUIET.with(|quiet| quiet.set(was_quiet));
    result.map_err(|payload| {
        payload
            .downcast_ref::<&str>()
            .map(|text| text.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "the parser failed".to_string())
    })
}

/// Whether a marker holds `'...' ~= KEY` with a string key on the right, which pep508_rs
/// 0.9 turns around into a string comparison with `~=` and then panics on. Only text outside
/// quotes counts; `~=` before a version key (`'3.8' ~= python_version`) is fine.
pub fn marker_would_panic(text: &str) -> bool {
    if !text.contains("~=") {
        return false;
    }
    let bytes = text.as_bytes();
    let mut quote = None;
    let mut at = 0;
    while at < bytes.len() {
        let b = bytes[at];
        match quote {
            Some(q) if b == q => quote = None,
            Some(_) => {}
            None if b == b'\'' || b == b'"' => quote = Some(b),
            None if b == b'~' && bytes.get(at + 1) == Some(&b'=') => {
                let rest = text[at + 2..].trim_start();
                let key: String = rest
                    .chars()
                    .take_while(|ch| ch.is_ascii_alphanumeric() || matches!(ch, '_' | '.'))
                    .collect();
                let harmless = key.is_empty()
                    || key.starts_with(|ch: char| ch.is_ascii_digit())
                    || matches!(
                        key.as_str(),
                        "python_version" | "python_full_version" | "implementation_version"
                    );
                if !harmless {
                    return true;
                }
                at += 1;
            }
            None => {}
        }
        at += 1;
    }
    false
}

/// A marker from a lock or a requirement: `Ok(None)` when pep508_rs cannot read it (the
/// caller treats it as unknown), `Err` when it makes pep508_rs panic (always an error).
pub fn parse_marker(marker: &str) -> Result<Option<pep508_rs::MarkerTree>, String> {
    if marker_would_panic(marker) {
        return Err(format!(
            "the marker {} compares a string with `~=`, which markers cannot do",
            serde_json::to_string(marker).unwrap_or_default()
        ));
    }
    guarded(|| pep508_rs::MarkerTree::from_str(marker).ok())
}

/// A PEP 440 version, or None; a panic of the parser is None too (a version is never needed
/// to decide anything safely).
pub fn parse_version(text: &str) -> Option<pep440_rs::Version> {
    guarded(|| pep440_rs::Version::from_str(text).ok())
        .ok()
        .flatten()
}

/// PEP 440 version specifiers, or the parser's complaint (a panic included).
pub fn parse_specifiers(text: &str) -> Result<VersionSpecifiers, String> {
    guarded(|| VersionSpecifiers::from_str(text).map_err(|error| error.to_string()))
        .and_then(|result| result)
}

/// `[project] name` must be a valid PEP 508 name: it becomes image, compose and k8s names.
pub fn check_project_name(name: &str, manifest: &str) -> Result<(), UserError> {
    if is_valid_name(name) {
        Ok(())
    } else {
        Err(UserError::new(format!(
            "`project.name` in `{manifest}` is not a valid package name: {}",
            serde_json::to_string(name).unwrap_or_default()
        ))
        .hint("use ASCII letters, digits, `-`, `_` and `.`, starting and ending with a letter or digit (PEP 508)"))
    }
}

/// Parses a `requires-python` value, naming where it came from when it is invalid.
pub fn parse_requires_python(value: &str, field: &str) -> Result<VersionSpecifiers, UserError> {
    parse_specifiers(value).map_err(|error| {
        UserError::new(format!(
            "`{field}` is not a valid version specifier: `{value}`"
        ))
        .detail(error)
        .hint("write it like `>=3.11` (PEP 440)")
    })
}

/// The normalised name of a PEP 508 requirement.
pub fn requirement_name(requirement: &str, field: &str) -> Result<PackageName, UserError> {
    parse_requirement(requirement, field).map(|parsed| PackageName::new(parsed.name.as_ref()))
}

/// A PEP 508 requirement, parsed; input that would make pep508_rs panic is an error first,
/// and a panic on anything else is caught and is an error too.
pub fn parse_requirement(
    requirement: &str,
    field: &str,
) -> Result<Requirement<pep508_rs::VerbatimUrl>, UserError> {
    let invalid = |detail: String| {
        UserError::new(format!(
            "`{field}` has an invalid requirement: `{requirement}`"
        ))
        .detail(detail)
        .hint("write it as PEP 508 describes, e.g. `requests>=2.31`")
    };
    // The name first, by PEP 508's own rule: pep508_rs 0.9 panics on some names that end in
    // `-`, `_` or `.` before more text, so such input never reaches it.
    let name: String = requirement
        .trim_start()
        .chars()
        .take_while(|ch| ch.is_ascii_alphanumeric() || matches!(ch, '-' | '_' | '.'))
        .collect();
    let name_ok = name.starts_with(|ch: char| ch.is_ascii_alphanumeric())
        && name.ends_with(|ch: char| ch.is_ascii_alphanumeric());
    if !name_ok {
        return Err(invalid(format!(
            "a name starts and ends with a letter or digit, not {}",
            serde_json::to_string(&name).unwrap_or_default()
        )));
    }
    // Extras too: pep508_rs panics on an extra that ends in a separator (`pkg[extra-]`).
    let after_name = requirement.trim_start()[name.len()..].trim_start();
    if let Some(extras) = after_name.strip_prefix('[') {
        let extras = extras.split(']').next().unwrap_or_default();
        for extra in extras.split(',').map(str::trim) {
            let identifier = extra
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
            if identifier && extra.ends_with(['-', '_', '.']) {
                return Err(invalid(format!(
                    "an extra starts and ends with a letter or digit, not {}",
                    serde_json::to_string(extra).unwrap_or_default()
                )));
            }
        }
    }
    if requirement
        .split_once(';')
        .is_some_and(|(_, marker)| marker_would_panic(marker))
    {
        return Err(invalid(
            "a marker compares a string with `~=`, which only versions can use: write `==` or `!=`"
                .to_string(),
        ));
    }
    guarded(|| Requirement::<pep508_rs::VerbatimUrl>::from_str(requirement))
        .map_err(|panic| invalid(format!("the requirement parser failed on it: {panic}")))?
        .map_err(|error| invalid(error.to_string()))
}

/// Whether a relative, `/`-separated path can go into a Dockerfile `--mount` as it is: segments
/// of ASCII letters, digits, `.`, `_` and `-`, none empty, `.` or `..`.
pub fn is_mountable_path(path: &str) -> bool {
    path.split('/').all(|segment| {
        !matches!(segment, "" | "." | "..")
            && segment
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes_like_pep_503() {
        assert_eq!(PackageName::new("Foo.Bar__baz").as_str(), "foo-bar-baz");
        assert_eq!(PackageName::new("cli-hello").as_str(), "cli-hello");
        assert!(PackageName::new("Django").is("django"));
        assert!(PackageName::new("zope.interface").is("Zope_Interface"));
    }

    #[test]
    fn the_marker_screen_finds_a_string_compared_with_tilde_equal() {
        for bad in [
            "'linux' ~= sys_platform",
            "python_version > '3' and \"x\"~=platform_system",
            "'a' ~=  os.name",
        ] {
            assert!(marker_would_panic(bad), "{bad:?}");
        }
        for fine in [
            "sys_platform == 'linux'",
            "sys_platform ~= 'linux'",
            "'3.8' ~= python_version",
            "python_full_version ~= '3.12.1'",
            "platform_release == '~= sys_platform'",
        ] {
            assert!(!marker_would_panic(fine), "{fine:?}");
        }
    }

    #[test]
    fn guarded_turns_a_panic_into_its_message() {
        assert_eq!(guarded(|| 1), Ok(1));
        assert_eq!(
            guarded(|| -> u8 { panic!("boom {}", 1) }),
            Err("boom 1".to_string())
        );
    }

    #[test]
    fn mountable_paths_are_plain_relative_segments() {
        assert!(is_mountable_path("packages/api"));
        assert!(!is_mountable_path("../outside"));
        assert!(!is_mountable_path("a//b"));
        assert!(!is_mountable_path("with space"));
    }
}
