//! Whether `uv.lock` was made from these manifests: `uv sync --locked` refuses a stale lock
//! late in an image build, so it is caught here with the fix, as `uv lock --check` would.

use super::names::{
    parse_requirement, parse_requires_python, parse_specifiers, parse_version, PackageName,
};
use super::pyproject::PyProject;
use super::ProjectFiles;
use crate::error::UserError;
use pep440_rs::{Version, VersionSpecifiers};
use std::collections::{BTreeMap, BTreeSet};

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
pub fn check(files: &ProjectFiles) -> Result<(), UserError> {
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
        let name = PackageName::new(&project.name);
        let Some(package) = files.lock.package(name.as_str()) else {
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
            let same = match (parse_version(declared), parse_version(locked)) {
                (Some(declared), Some(locked)) => declared == locked,
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
            wanted.insert(PackageName::new(parsed.name.as_ref()));
            parsed_requirements.push(parsed);
        }
        let locked: BTreeSet<PackageName> = metadata
            .requires_dist
            .iter()
            .map(|dist| PackageName::new(&dist.name))
            .collect();
        if wanted != locked {
            let added: Vec<&PackageName> = wanted.difference(&locked).collect();
            let removed: Vec<&PackageName> = locked.difference(&wanted).collect();
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
        // Each range's key is worked out only when it is compared.
        let mut declared_ranges: BTreeMap<PackageName, Vec<Option<&VersionSpecifiers>>> =
            BTreeMap::new();
        for parsed in &parsed_requirements {
            let range = match &parsed.version_or_url {
                Some(pep508_rs::VersionOrUrl::VersionSpecifier(specifiers)) => Some(specifiers),
                Some(pep508_rs::VersionOrUrl::Url(_)) => continue,
                None => None,
            };
            declared_ranges
                .entry(PackageName::new(parsed.name.as_ref()))
                .or_default()
                .push(range);
        }
        // The lock's entries by name. A name with a source (a workspace member, a path, git or
        // URL) has no range in the lock, so it is never compared.
        let mut locked_entries: BTreeMap<PackageName, Vec<&str>> = BTreeMap::new();
        let mut sourced = BTreeSet::new();
        for dist in &metadata.requires_dist {
            let name = PackageName::new(&dist.name);
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
            let declared = [declared[0].map(range_key).unwrap_or_default()];
            let locked = match parse_specifiers(locked[0]) {
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

fn list(names: &[&PackageName]) -> String {
    names
        .iter()
        .map(|name| format!("`{name}`"))
        .collect::<Vec<_>>()
        .join(", ")
}
