//! `uv.lock`: what uv resolved, the truth for what gets installed.
//!
//! Format `version = 1`, with or without `revision`. Only the fields uv-rootless uses are
//! read; everything else is ignored so newer revisions keep parsing.

use super::names::{is_valid_name, marker_would_panic, PackageName};
use super::parse_toml;
use crate::error::UserError;
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap};

/// The lock file versions this release understands.
pub const SUPPORTED_VERSION: u32 = 1;

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct Lock {
    pub version: u32,
    pub revision: Option<u32>,
    pub requires_python: Option<String>,
    #[serde(default)]
    pub manifest: Manifest,
    #[serde(default)]
    pub package: Vec<Package>,
}

/// `[manifest]`: present for workspaces.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Manifest {
    #[serde(default)]
    pub members: Vec<String>,
}

/// One `[[package]]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct Package {
    pub name: String,
    pub version: Option<String>,
    #[serde(default)]
    pub source: Source,
    pub sdist: Option<Artifact>,
    #[serde(default)]
    pub wheels: Vec<Artifact>,
    #[serde(default)]
    pub dependencies: Vec<Dependency>,
    /// `[package.optional-dependencies]`: the edges each extra adds.
    #[serde(default)]
    pub optional_dependencies: BTreeMap<String, Vec<Dependency>>,
    /// `[package.dev-dependencies]`: the edges of each dependency group, `dev` among them.
    #[serde(default)]
    pub dev_dependencies: BTreeMap<String, Vec<Dependency>>,
    pub metadata: Option<Metadata>,
}

/// `source = { registry = … }` and its siblings; exactly one key is set.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Source {
    pub registry: Option<String>,
    pub git: Option<String>,
    pub url: Option<String>,
    pub path: Option<String>,
    pub directory: Option<String>,
    pub editable: Option<String>,
    #[serde(rename = "virtual")]
    pub virtual_: Option<String>,
}

impl Source {
    /// The kind of source, as uv names it in the lock.
    pub fn kind(&self) -> &'static str {
        if self.registry.is_some() {
            "registry"
        } else if self.git.is_some() {
            "git"
        } else if self.url.is_some() {
            "url"
        } else if self.path.is_some() {
            "path"
        } else if self.directory.is_some() {
            "directory"
        } else if self.editable.is_some() {
            "editable"
        } else if self.virtual_.is_some() {
            "virtual"
        } else {
            "unknown"
        }
    }
}

/// An sdist or a wheel.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Artifact {
    pub url: Option<String>,
    pub path: Option<String>,
    pub filename: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Dependency {
    pub name: String,
    /// Set when the lock holds several versions of `name` (a fork by marker).
    pub version: Option<String>,
    pub extra: Option<Vec<String>>,
    pub marker: Option<String>,
}

/// `[package.metadata]`: what the project asked for when the lock was made.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct Metadata {
    #[serde(default)]
    pub requires_dist: Vec<RequiresDist>,
    #[serde(default)]
    pub requires_dev: BTreeMap<String, Vec<RequiresDist>>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct RequiresDist {
    pub name: String,
    pub specifier: Option<String>,
    pub marker: Option<String>,
    /// Set for a workspace member or a path, git or URL source, whose version range uv drops.
    pub editable: Option<String>,
    pub directory: Option<String>,
    pub path: Option<String>,
    pub git: Option<String>,
    pub url: Option<String>,
}

/// Parses `uv.lock` and checks its format version.
///
/// Most of a large lock is its `wheels = [...]` arrays, one wheel a line as uv writes them, and
/// its one-line `sdist = { ... }` tables. The fast path lifts those out with a line scanner,
/// keeping each artifact's URL, path and file name, and parses the rest; any text not in uv's
/// canonical layout takes the full parse.
pub fn parse(text: &str) -> Result<Lock, UserError> {
    if let Some((skeleton, lifted)) = lift_artifacts(text) {
        if let Ok(mut lock) = toml::from_str::<Lock>(&skeleton) {
            // A lifted sdist beside one the skeleton still has is a duplicate key: the full
            // parse reports it.
            let duplicate = lock
                .package
                .iter()
                .zip(&lifted)
                .any(|(package, lifted)| package.sdist.is_some() && lifted.sdist.is_some());
            if lock.version == SUPPORTED_VERSION && lock.package.len() == lifted.len() && !duplicate
            {
                for (package, lifted) in lock.package.iter_mut().zip(lifted) {
                    if package.wheels.is_empty() {
                        package.wheels = lifted.wheels;
                    }
                    if lifted.sdist.is_some() {
                        package.sdist = lifted.sdist;
                    }
                }
                validate(&lock)?;
                return Ok(lock);
            }
        }
    }
    let lock = parse_full(text)?;
    validate(&lock)?;
    Ok(lock)
}

/// Every name and version in the lock, checked: they reach generated files (comments, the
/// reasons `explain` gives), so a lock edited by hand must not carry text that is not one.
/// uv writes only valid ones, so the fix is always to lock again.
fn validate(lock: &Lock) -> Result<(), UserError> {
    // `field` is where the value is, `owner` the package whose table holds it (its name is
    // checked first, so it is safe to show).
    let invalid = |what: &str, field: &str, owner: Option<&str>, value: &str| {
        let place = match owner {
            Some(owner) => format!("`{field}` of package `{owner}`"),
            None => format!("`{field}`"),
        };
        UserError::new(format!(
            "`uv.lock` has an invalid {what} in {place}: {}",
            serde_json::to_string(value).unwrap_or_default()
        ))
        .hint(if what == "version" {
            "a version is a PEP 440 version such as `1.2.3`"
        } else {
            "a name is ASCII letters, digits, `-`, `_` and `.`, starting and ending with a letter or digit (PEP 508)"
        })
        .hint("uv writes only valid ones: run `uv lock` to write the lock again")
    };
    let name = |value: &str, field: &str, owner: Option<&str>| {
        if is_valid_name(value) {
            Ok(())
        } else {
            Err(invalid("name", field, owner, value))
        }
    };
    let version = |value: &str, field: &str, owner: &str| {
        if is_valid_version(value) {
            Ok(())
        } else {
            Err(invalid("version", field, Some(owner), value))
        }
    };
    // A marker pep508_rs would panic on; one it cannot read is left to the install check.
    let marker = |value: &Option<String>, field: &str, owner: &str| match value {
        Some(text) if marker_would_panic(text) => Err(UserError::new(format!(
            "`uv.lock` has an invalid marker in `{field}` of package `{owner}`: {}",
            serde_json::to_string(text).unwrap_or_default()
        ))
        .detail("it compares a string with `~=`, which only versions can use")
        .hint("uv writes only valid ones: fix the marker in `pyproject.toml` and run `uv lock`")),
        _ => Ok(()),
    };
    let edges = |deps: &[Dependency], field: &str, owner: &str| -> Result<(), UserError> {
        for dep in deps {
            name(&dep.name, &format!("{field}[].name"), Some(owner))?;
            marker(&dep.marker, &format!("{field}[].marker"), owner)?;
            if let Some(value) = &dep.version {
                version(value, &format!("{field}[].version"), owner)?;
            }
            for extra in dep.extra.iter().flatten() {
                name(extra, &format!("{field}[].extra"), Some(owner))?;
            }
        }
        Ok(())
    };
    for member in &lock.manifest.members {
        name(member, "manifest.members", None)?;
    }
    for (index, package) in lock.package.iter().enumerate() {
        name(
            &package.name,
            &format!("name` of `[[package]]` number `{}", index + 1),
            None,
        )?;
        let owner = package.name.as_str();
        if let Some(value) = &package.version {
            version(value, "version", owner)?;
        }
        edges(&package.dependencies, "dependencies", owner)?;
        for (extra, deps) in &package.optional_dependencies {
            name(extra, "optional-dependencies", Some(owner))?;
            edges(deps, &format!("optional-dependencies.{extra}"), owner)?;
        }
        for (group, deps) in &package.dev_dependencies {
            name(group, "dev-dependencies", Some(owner))?;
            edges(deps, &format!("dev-dependencies.{group}"), owner)?;
        }
        if let Some(metadata) = &package.metadata {
            for require in &metadata.requires_dist {
                name(&require.name, "metadata.requires-dist[].name", Some(owner))?;
                marker(&require.marker, "metadata.requires-dist[].marker", owner)?;
            }
            for (group, requires) in &metadata.requires_dev {
                name(group, "metadata.requires-dev", Some(owner))?;
                for require in requires {
                    name(
                        &require.name,
                        &format!("metadata.requires-dev.{group}[].name"),
                        Some(owner),
                    )?;
                    marker(
                        &require.marker,
                        &format!("metadata.requires-dev.{group}[].marker"),
                        owner,
                    )?;
                }
            }
        }
    }
    Ok(())
}

/// A PEP 440 version as uv writes it in a lock (normalised): digits and dots, with an epoch
/// (`N!`), pre-, post- and dev-release parts and a local part (`+...`), in ASCII letters,
/// digits, `.`, `!`, `+`, `-` and `_`. Checked by its characters: what matters here is that
/// no structure can ride in on it; the lock check parses versions as PEP 440 where it needs
/// their meaning.
pub fn is_valid_version(version: &str) -> bool {
    let bytes = version.as_bytes();
    bytes.first().is_some_and(u8::is_ascii_digit)
        && bytes.last().is_some_and(u8::is_ascii_alphanumeric)
        && bytes
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'!' | b'+' | b'-' | b'_'))
}

/// What the line scanner took out of one `[[package]]`.
#[derive(Default)]
struct Lifted {
    wheels: Vec<Artifact>,
    sdist: Option<Artifact>,
}

/// Splits multi-line `wheels = [` blocks and one-line `sdist = { ... }` tables out of the text:
/// the text without them (each wheels block replaced by `wheels = []`) and, per `[[package]]`
/// in order, what was lifted. None when the text is not exactly as uv writes it; the caller
/// then parses the whole text.
fn lift_artifacts(text: &str) -> Option<(String, Vec<Lifted>)> {
    let mut skeleton = String::with_capacity(text.len() / 4);
    let mut wheels: Vec<Lifted> = Vec::new();
    // Whether the current table is a `[[package]]` itself, not one of its sub-tables.
    let mut in_package = false;
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        if line.starts_with('[') {
            in_package = line == "[[package]]";
            if in_package {
                wheels.push(Lifted::default());
            }
        }
        if in_package {
            if let Some(rest) = line.strip_prefix("sdist = { ") {
                let current = wheels.last_mut()?;
                if current.sdist.is_some() {
                    return None;
                }
                current.sdist = Some(inline_table(rest.strip_suffix(" }")?)?);
                continue;
            }
        }
        if line == "wheels = [" {
            if !in_package {
                return None;
            }
            let current = &mut wheels.last_mut()?.wheels;
            let mut closed = false;
            for entry in lines.by_ref() {
                if entry == "]" {
                    closed = true;
                    break;
                }
                current.push(inline_table(
                    entry.strip_prefix("    { ")?.strip_suffix(" },")?,
                )?);
            }
            if !closed {
                return None;
            }
            skeleton.push_str("wheels = []\n");
            continue;
        }
        skeleton.push_str(line);
        skeleton.push('\n');
    }
    // uv never writes multi-line strings, whose content could look like a wheels block. One
    // could only open in the skeleton: a lifted line is a closed inline table of plain strings.
    if skeleton.contains("\"\"\"") || skeleton.contains("'''") {
        return None;
    }
    Some((skeleton, wheels))
}

/// The inside of an inline table exactly as uv writes a wheel or an sdist: `key = "text", key =
/// 123, ...` with lowercase keys, each once, and strings of printable ASCII without escapes.
/// None for anything else, which the full parse then judges.
fn inline_table(rest: &str) -> Option<Artifact> {
    let bytes = rest.as_bytes();
    let mut artifact = Artifact::default();
    let mut seen: [&[u8]; 8] = [&[]; 8];
    let mut seen_count = 0;
    let mut at = 0;
    loop {
        let key_len = bytes[at..]
            .iter()
            .position(|&b| !(b.is_ascii_lowercase() || b == b'-'))?;
        let key = &bytes[at..at + key_len];
        if key.is_empty() || seen[..seen_count].contains(&key) || seen_count == seen.len() {
            return None;
        }
        seen[seen_count] = key;
        seen_count += 1;
        at += key_len;
        at += bytes[at..].starts_with(b" = ").then_some(3)?;
        let value = if bytes.get(at) == Some(&b'"') {
            let start = at + 1;
            // Escapes, control characters and non-ASCII: the full parse decides.
            let end = plain_run(bytes, start);
            if bytes.get(end) != Some(&b'"') {
                return None;
            }
            at = end + 1;
            Some(&rest[start..end])
        } else {
            let len = bytes[at..]
                .iter()
                .position(|&b| !b.is_ascii_digit())
                .unwrap_or(bytes.len() - at);
            // TOML integers have no leading zero and fit in an i64: 18 digits always do, longer
            // ones are the full parse's to judge.
            if len == 0 || len > 18 || (len > 1 && bytes[at] == b'0') {
                return None;
            }
            at += len;
            None
        };
        let field = match key {
            b"url" => Some(&mut artifact.url),
            b"path" => Some(&mut artifact.path),
            b"filename" => Some(&mut artifact.filename),
            _ => None,
        };
        if let Some(field) = field {
            *field = Some(value?.to_string());
        }
        if at == bytes.len() {
            return Some(artifact);
        }
        at += bytes[at..].starts_with(b", ").then_some(2)?;
    }
}

/// The end of the run of plain bytes (printable ASCII other than `"` and `\`) that starts at
/// `from`: eight bytes at a time while none of them can end it, then byte by byte.
fn plain_run(bytes: &[u8], from: usize) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    // Whether some byte of `v` is zero; may also flag bytes above a zero byte, which the
    // byte-by-byte loop then settles.
    let zero = |v: u64| v.wrapping_sub(ONES) & !v & HIGH;
    let mut at = from;
    while let Some(chunk) = bytes.get(at..at + 8) {
        let x = u64::from_le_bytes(chunk.try_into().unwrap_or_default());
        let stop = zero(x ^ (ONES * u64::from(b'"')))
            | zero(x ^ (ONES * u64::from(b'\\')))
            | zero(x ^ (ONES * 0x7f))
            | (x.wrapping_sub(ONES * 0x20) & !x & HIGH)
            | (x & HIGH);
        if stop != 0 {
            break;
        }
        at += 8;
    }
    while let Some(&b) = bytes.get(at) {
        if b == b'"' || b == b'\\' || !(b' '..=b'~').contains(&b) {
            break;
        }
        at += 1;
    }
    at
}

fn parse_full(text: &str) -> Result<Lock, UserError> {
    #[derive(Deserialize)]
    struct VersionOnly {
        version: Option<i64>,
    }
    // Check the version first: a lock from a future uv may not parse as this one expects.
    let head: VersionOnly = parse_toml(text, "uv.lock")?;
    let version = head.version.ok_or_else(|| {
        UserError::new("`uv.lock` has no integer `version` field")
            .hint("run `uv lock` to write a fresh lock file")
    })?;
    if version != i64::from(SUPPORTED_VERSION) {
        return Err(UserError::new(format!(
            "`uv.lock` has `version = {version}`, but uv-rootless reads version {SUPPORTED_VERSION}"
        ))
        .hint("upgrade uv-rootless, or lock with a uv that writes lock version 1"));
    }
    parse_toml(text, "uv.lock")
}

impl Lock {
    pub fn package(&self, name: &str) -> Option<&Package> {
        self.package
            .iter()
            .find(|package| PackageName::new(&package.name).as_str() == name)
    }

    /// Every `[[package]]` by normalised name. A lock may hold one name several times (forks
    /// by marker), so each name maps to all its entries.
    pub fn by_name(&self) -> HashMap<PackageName, Vec<&Package>> {
        let mut by_name: HashMap<PackageName, Vec<&Package>> =
            HashMap::with_capacity(self.package.len());
        for package in &self.package {
            by_name
                .entry(PackageName::new(&package.name))
                .or_default()
                .push(package);
        }
        by_name
    }
}

impl RequiresDist {
    /// A workspace member, or a path, git or URL source: uv records no version range for it.
    pub fn has_source(&self) -> bool {
        self.editable.is_some()
            || self.directory.is_some()
            || self.path.is_some()
            || self.git.is_some()
            || self.url.is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINIMAL: &str = r#"
version = 1
revision = 2
requires-python = ">=3.11"

[[package]]
name = "demo"
version = "0.1.0"
source = { editable = "." }
dependencies = [{ name = "click" }]

[package.metadata]
requires-dist = [{ name = "click", specifier = ">=8" }]

[[package]]
name = "click"
version = "8.1.8"
source = { registry = "https://pypi.org/simple" }
sdist = { url = "https://files.pythonhosted.org/click-8.1.8.tar.gz", hash = "sha256:00", size = 1 }
wheels = [{ url = "https://files.pythonhosted.org/click-8.1.8-py3-none-any.whl", hash = "sha256:00", size = 1 }]
"#;

    #[test]
    fn reads_version_1_with_revision() {
        let lock = parse(MINIMAL).unwrap();
        assert_eq!(lock.revision, Some(2));
        assert_eq!(lock.requires_python.as_deref(), Some(">=3.11"));
        assert_eq!(lock.package.len(), 2);
        assert_eq!(lock.package("click").unwrap().source.kind(), "registry");
        assert_eq!(lock.package("demo").unwrap().source.kind(), "editable");
    }

    #[test]
    fn reads_version_1_without_revision() {
        let lock = parse(&MINIMAL.replace("revision = 2\n", "")).unwrap();
        assert_eq!(lock.revision, None);
    }

    #[test]
    fn rejects_other_versions() {
        let error = parse(&MINIMAL.replace("version = 1\n", "version = 2\n")).unwrap_err();
        assert!(error.message.contains("`version = 2`"), "{error}");
    }

    #[test]
    fn the_fast_path_reads_the_same_lock_as_the_full_parse() {
        let text = MINIMAL.replace(
            "wheels = [{ url = \"https://files.pythonhosted.org/click-8.1.8-py3-none-any.whl\", hash = \"sha256:00\", size = 1 }]",
            "wheels = [\n    { url = \"https://files.pythonhosted.org/click-8.1.8-py3-none-any.whl\", hash = \"sha256:00\", size = 1 },\n    { path = \"wheels/local-1.0-cp313-cp313-linux_x86_64.whl\", filename = \"local-1.0-cp313-cp313-linux_x86_64.whl\" },\n]",
        );
        assert!(lift_artifacts(&text).is_some());
        let fast = parse(&text).unwrap();
        let full = parse_full(&text).unwrap();
        let wheels = |lock: &Lock| -> Vec<(Option<String>, Option<String>, Option<String>)> {
            lock.package
                .iter()
                .flat_map(|p| {
                    p.wheels
                        .iter()
                        .map(|w| (w.url.clone(), w.path.clone(), w.filename.clone()))
                })
                .collect()
        };
        assert_eq!(wheels(&fast), wheels(&full));
        assert_eq!(wheels(&fast).len(), 2);
    }

    #[test]
    fn plain_run_stops_where_the_byte_loop_would() {
        let naive = |bytes: &[u8], from: usize| {
            bytes[from..]
                .iter()
                .position(|&b| b == b'"' || b == b'\\' || !(b' '..=b'~').contains(&b))
                .map_or(bytes.len(), |i| from + i)
        };
        let stops: Vec<u8> = (0u8..=255).filter(|b| naive(&[*b], 0) == 0).collect();
        assert_eq!(stops.len(), 256 - 95 + 2);
        for len in 0..24 {
            for at in 0..len {
                for &stop in &stops {
                    let mut bytes = vec![b'a'; len];
                    bytes[at] = stop;
                    for from in 0..=len {
                        assert_eq!(
                            plain_run(&bytes, from),
                            naive(&bytes, from),
                            "{bytes:?} {from}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn versions_as_uv_writes_them() {
        for good in [
            "1",
            "1.0",
            "2!1.0.post1",
            "1.0rc1",
            "2.1.0+cu121",
            "1.0.dev0",
            "0_1",
        ] {
            assert!(is_valid_version(good), "{good:?}");
        }
        for bad in [
            "",
            "v1",
            "1.0 ",
            "1.0\nRUN x",
            "1.0`id`",
            "1.0+",
            "1.*",
            "1;2",
        ] {
            assert!(!is_valid_version(bad), "{bad:?}");
        }
    }

    #[test]
    fn every_name_is_checked_installed_or_not() {
        let error = parse(&MINIMAL.replace(
            "requires-dist = [{ name = \"click\"",
            "requires-dist = [{ name = \"click\\nRUN x\"",
        ))
        .unwrap_err();
        assert!(
            error
                .message
                .contains("`metadata.requires-dist[].name` of package `demo`"),
            "{error:?}"
        );
    }

    #[test]
    fn reports_line_and_column_of_bad_toml() {
        let error = parse("version = 1\n[[package]\nname = 1").unwrap_err();
        assert!(error.to_string().contains("line 2"), "{error}");
    }
}
