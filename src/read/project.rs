//! Reads a whole project: the root `pyproject.toml`, `uv.lock`, `.python-version`, and the
//! manifests of workspace members; then checks that the lock still matches the manifests.

use super::lock::{self, Lock};
use super::pyproject::PyProject;
use super::python_version::{self, PinnedPython};
use super::{parse_toml, read_text};
use crate::error::UserError;
use pep440_rs::{Version, VersionSpecifiers};
use pep508_rs::Requirement;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::str::FromStr;

/// Everything the project's files say, before any decision.
#[derive(Debug, Clone)]
pub struct ProjectFiles {
    /// The project directory (the Docker build context).
    pub root: PathBuf,
    /// The root `pyproject.toml`, as text: `init` edits it with toml_edit.
    pub pyproject_text: String,
    pub pyproject: PyProject,
    pub lock: Lock,
    pub python_version: Option<PinnedPython>,
    /// Workspace members other than the root, sorted by path.
    pub members: Vec<Member>,
}

/// A workspace member below the root.
#[derive(Debug, Clone)]
pub struct Member {
    /// Path relative to the root, `/`-separated.
    pub path: String,
    pub pyproject: PyProject,
}

/// PEP 503 normalisation: lowercase, runs of `-`, `_` and `.` become one `-`.
pub fn normalize(name: &str) -> String {
    // uv writes names already normalised: keep those as they are, without the char loop.
    let bytes = name.as_bytes();
    let plain = |b: &u8| b.is_ascii_lowercase() || b.is_ascii_digit();
    if bytes.first().is_some_and(plain)
        && bytes.last().is_some_and(plain)
        && bytes.iter().all(|b| plain(b) || *b == b'-')
        && !name.contains("--")
    {
        return name.to_string();
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
    out
}

/// Reads the project at `root`.
pub fn read_project(root: &Path) -> Result<ProjectFiles, UserError> {
    let pyproject_path = root.join("pyproject.toml");
    if !pyproject_path.is_file() {
        return Err(UserError::new(format!(
            "`pyproject.toml` not found in `{}`",
            root.display()
        ))
        .hint("run uv-rootless in the project's root directory, or pass its path, e.g. `uv-rootless init path/to/project`"));
    }
    let pyproject_text = read_text(&pyproject_path, "pyproject.toml")?;
    let pyproject: PyProject = parse_toml(&pyproject_text, "pyproject.toml")?;

    let lock_path = root.join("uv.lock");
    if !lock_path.is_file() {
        return Err(UserError::new("`uv.lock` not found")
            .hint("run `uv lock` to create it, and commit it: the image installs exactly what it locks")
            .hint("if this project is a member of a uv workspace, run uv-rootless at the workspace root with `--package NAME`"));
    }
    let lock = lock::parse(&read_text(&lock_path, "uv.lock")?)?;

    let python_version_path = root.join(".python-version");
    let python_version = if python_version_path.is_file() {
        Some(python_version::parse(&read_text(
            &python_version_path,
            ".python-version",
        )?)?)
    } else {
        None
    };

    let members = read_members(root, &pyproject)?;
    let files = ProjectFiles {
        root: root.to_path_buf(),
        pyproject_text,
        pyproject,
        lock,
        python_version,
        members,
    };
    check_lock_is_current(&files)?;
    Ok(files)
}

fn read_members(root: &Path, pyproject: &PyProject) -> Result<Vec<Member>, UserError> {
    let Some(workspace) = pyproject.workspace() else {
        return Ok(Vec::new());
    };
    let mut paths = BTreeSet::new();
    for pattern in &workspace.members {
        for path in expand_glob(root, pattern) {
            let excluded = workspace
                .exclude
                .iter()
                .any(|exclude| glob_matches(exclude.trim_end_matches('/'), &path));
            if !excluded && path != "." && root.join(&path).join("pyproject.toml").is_file() {
                paths.insert(path);
            }
        }
    }
    for path in &paths {
        if !is_mountable_path(path) {
            return Err(UserError::new(format!(
                "the workspace member directory {} has a name the Dockerfile cannot mount safely",
                serde_json::to_string(path).unwrap_or_default()
            ))
            .hint("rename it with ASCII letters, digits, `.`, `_` and `-`, or leave it out with `[tool.uv.workspace] exclude`"));
        }
    }
    paths
        .into_iter()
        .map(|path| {
            let display = format!("{path}/pyproject.toml");
            let text = read_text(&root.join(&path).join("pyproject.toml"), &display)?;
            let pyproject = parse_toml(&text, &display)?;
            Ok(Member { path, pyproject })
        })
        .collect()
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

/// Expands a workspace member pattern (`packages/*`, `libs/foo`) to directories below `root`,
/// as `/`-separated relative paths.
fn expand_glob(root: &Path, pattern: &str) -> Vec<String> {
    let mut found = vec![String::new()];
    for segment in pattern.trim_end_matches('/').split('/') {
        if segment.is_empty() || segment == "." {
            continue;
        }
        let mut next = Vec::new();
        for prefix in &found {
            let dir = root.join(prefix);
            if segment.contains(['*', '?', '[']) {
                let Ok(entries) = std::fs::read_dir(&dir) else {
                    continue;
                };
                let mut names: Vec<String> = entries
                    .filter_map(|entry| entry.ok())
                    .filter(|entry| entry.path().is_dir())
                    .filter_map(|entry| entry.file_name().into_string().ok())
                    .filter(|name| !name.starts_with('.') && wildcard(segment, name))
                    .collect();
                names.sort();
                next.extend(names.into_iter().map(|name| join(prefix, &name)));
            } else if dir.join(segment).is_dir() {
                next.push(join(prefix, segment));
            }
        }
        found = next;
    }
    found.retain(|path| !path.is_empty());
    found
}

fn join(prefix: &str, name: &str) -> String {
    if prefix.is_empty() {
        name.to_string()
    } else {
        format!("{prefix}/{name}")
    }
}

fn glob_matches(pattern: &str, path: &str) -> bool {
    let pattern: Vec<&str> = pattern.split('/').filter(|s| !s.is_empty()).collect();
    let path: Vec<&str> = path.split('/').collect();
    pattern.len() == path.len() && pattern.iter().zip(&path).all(|(p, s)| wildcard(p, s))
}

/// `*` and `?` wildcards within one path segment.
fn wildcard(pattern: &str, text: &str) -> bool {
    fn go(pattern: &[char], text: &[char]) -> bool {
        match pattern.split_first() {
            None => text.is_empty(),
            Some(('*', rest)) => (0..=text.len()).any(|skip| go(rest, &text[skip..])),
            Some(('?', rest)) => !text.is_empty() && go(rest, &text[1..]),
            Some((ch, rest)) => text.first() == Some(ch) && go(rest, &text[1..]),
        }
    }
    let pattern: Vec<char> = pattern.chars().collect();
    let text: Vec<char> = text.chars().collect();
    go(&pattern, &text)
}

/// Parses a `requires-python` value, naming where it came from when it is invalid.
pub fn parse_requires_python(value: &str, field: &str) -> Result<VersionSpecifiers, UserError> {
    VersionSpecifiers::from_str(value).map_err(|error| {
        UserError::new(format!(
            "`{field}` is not a valid version specifier: `{value}`"
        ))
        .detail(error.to_string())
        .hint("write it like `>=3.11` (PEP 440)")
    })
}

/// Python versions used to compare two `requires-python` values by what they accept.
fn probe_versions() -> impl Iterator<Item = Version> {
    (0..=30u64).flat_map(|minor| {
        [0u64, 1, 5, 50]
            .into_iter()
            .map(move |patch| Version::new([3, minor, patch]))
    })
}

/// The lock must have been made from these manifests: `uv sync --locked` would refuse it
/// otherwise, late in an image build. Catch that here with the fix.
fn check_lock_is_current(files: &ProjectFiles) -> Result<(), UserError> {
    let stale = |what: String| {
        UserError::new(format!("`uv.lock` is out of date: {what}"))
            .hint("run `uv lock` to update it, then run uv-rootless again")
    };

    // requires-python: the lock holds the intersection of every member's.
    let mut manifests: Vec<(String, &PyProject)> =
        vec![("pyproject.toml".into(), &files.pyproject)];
    manifests.extend(
        files
            .members
            .iter()
            .map(|member| (format!("{}/pyproject.toml", member.path), &member.pyproject)),
    );
    let mut declared = Vec::new();
    for (file, pyproject) in &manifests {
        if let Some(value) = pyproject
            .project
            .as_ref()
            .and_then(|project| project.requires_python.as_deref())
        {
            let field = format!("project.requires-python` in `{file}");
            declared.push((value.to_string(), parse_requires_python(value, &field)?));
        }
    }
    if let (Some(locked), false) = (files.lock.requires_python.as_deref(), declared.is_empty()) {
        let locked_specifiers = parse_requires_python(locked, "requires-python` in `uv.lock")?;
        let disagrees = probe_versions().any(|version| {
            locked_specifiers.contains(&version)
                != declared
                    .iter()
                    .all(|(_, specifiers)| specifiers.contains(&version))
        });
        if disagrees {
            let declared_text: Vec<String> = declared
                .iter()
                .map(|(value, _)| format!("`{value}`"))
                .collect();
            return Err(stale(format!(
                "it has `requires-python = \"{locked}\"`, but `pyproject.toml` says {}",
                declared_text.join(" and ")
            )));
        }
    }

    // Every project in the workspace is in the lock, with the dependencies it declares.
    for (file, pyproject) in &manifests {
        let Some(project) = &pyproject.project else {
            continue;
        };
        let name = normalize(&project.name);
        let Some(package) = files.lock.package(&name) else {
            return Err(stale(format!(
                "it has no entry for `{}` from `{file}`",
                project.name
            )));
        };
        // uv records the project's own version; a new one makes the lock stale.
        if let (Some(declared), Some(locked)) =
            (project.version.as_deref(), package.version.as_deref())
        {
            // Text that is no PEP 440 version is not compared: uv itself would refuse it.
            let same = match (Version::from_str(declared), Version::from_str(locked)) {
                (Ok(declared), Ok(locked)) => declared == locked,
                _ => true,
            };
            if !same && !project.dynamic.iter().any(|field| field == "version") {
                return Err(stale(format!(
                    "it has `{}` {locked}, but `{file}` says version {declared}",
                    project.name
                )));
            }
        }
        if project.dynamic.iter().any(|field| field == "dependencies") {
            continue;
        }
        let Some(metadata) = &package.metadata else {
            continue;
        };
        let mut wanted = BTreeSet::new();
        let field = format!("project.dependencies` in `{file}");
        let mut parsed_requirements = Vec::new();
        for requirement in project
            .dependencies
            .iter()
            .chain(project.optional_dependencies.values().flatten())
        {
            let parsed = parse_requirement(requirement, &field)?;
            wanted.insert(parsed.name.to_string());
            parsed_requirements.push(parsed);
        }
        let locked: BTreeSet<String> = metadata
            .requires_dist
            .iter()
            .map(|dist| normalize(&dist.name))
            .collect();
        if wanted != locked {
            let added: Vec<&String> = wanted.difference(&locked).collect();
            let removed: Vec<&String> = locked.difference(&wanted).collect();
            let mut parts = Vec::new();
            if !added.is_empty() {
                parts.push(format!("`{file}` adds {}", list(&added)));
            }
            if !removed.is_empty() {
                parts.push(format!("`{file}` no longer has {}", list(&removed)));
            }
            return Err(stale(parts.join(", and ")));
        }
        // The version range of each requirement named once on both sides (a name listed
        // several times, with markers, is left to uv).
        let mut declared_ranges: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for parsed in &parsed_requirements {
            let range = match &parsed.version_or_url {
                Some(pep508_rs::VersionOrUrl::VersionSpecifier(specifiers)) => {
                    range_key(specifiers)
                }
                Some(pep508_rs::VersionOrUrl::Url(_)) => continue,
                None => String::new(),
            };
            declared_ranges
                .entry(parsed.name.to_string())
                .or_default()
                .push(range);
        }
        // The lock's entries by name. A name with a source (a workspace member, a path, git or
        // URL) has no range in the lock, so it is never compared.
        let mut locked_entries: BTreeMap<String, Vec<&str>> = BTreeMap::new();
        let mut sourced = BTreeSet::new();
        for dist in &metadata.requires_dist {
            let name = normalize(&dist.name);
            if dist.has_source() {
                sourced.insert(name.clone());
            }
            locked_entries
                .entry(name)
                .or_default()
                .push(dist.specifier.as_deref().unwrap_or_default());
        }
        for (name, declared) in &declared_ranges {
            let Some(locked) = locked_entries.get(name) else {
                continue;
            };
            if declared.len() != 1 || locked.len() != 1 || sourced.contains(name) {
                continue;
            }
            let locked = match VersionSpecifiers::from_str(locked[0]) {
                Ok(specifiers) => range_key(&specifiers),
                Err(_) => locked[0].replace(' ', ""),
            };
            if declared[0] != locked {
                let show = |range: &str| {
                    if range.is_empty() {
                        "any version".to_string()
                    } else {
                        format!("`{range}`")
                    }
                };
                return Err(stale(format!(
                    "it resolved `{name}` for {}, but `{file}` now asks for {}",
                    show(&locked),
                    show(&declared[0])
                )));
            }
        }
    }
    Ok(())
}

/// A version range in a form that compares equal however it was written: each specifier
/// normalised, sorted.
fn range_key(specifiers: &VersionSpecifiers) -> String {
    let mut parts: Vec<String> = specifiers.iter().map(ToString::to_string).collect();
    parts.sort();
    parts.join(",")
}

fn list(names: &[&String]) -> String {
    names
        .iter()
        .map(|name| format!("`{name}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The normalised name of a PEP 508 requirement.
pub fn requirement_name(requirement: &str, field: &str) -> Result<String, UserError> {
    parse_requirement(requirement, field).map(|parsed| parsed.name.to_string())
}

/// A PEP 508 requirement, parsed; input that would make pep508_rs panic is an error first.
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
    Requirement::<pep508_rs::VerbatimUrl>::from_str(requirement)
        .map_err(|error| invalid(error.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes_like_pep_503() {
        assert_eq!(normalize("Foo.Bar__baz"), "foo-bar-baz");
        assert_eq!(normalize("cli-hello"), "cli-hello");
    }

    #[test]
    fn wildcards_match_one_segment() {
        assert!(wildcard("*", "api"));
        assert!(wildcard("lib-*", "lib-core"));
        assert!(!wildcard("lib-*", "core"));
        assert!(glob_matches("packages/*", "packages/api"));
        assert!(!glob_matches("packages/*", "packages/api/x"));
    }
}
