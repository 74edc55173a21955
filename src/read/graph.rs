//! The lock as a graph: which packages an app installs, following `uv.lock`'s dependency
//! edges. Shared by the decisions (what the build needs) and by `verify` (what must not be in
//! the image).

use super::lock::Lock;
use super::names::{requirement_name, PackageName};
use super::pyproject::GroupEntry;
use super::ProjectFiles;
use std::collections::BTreeSet;

/// Every package the app installs, following the lock's dependency edges from `start`
/// (markers ignored: a superset, which is what build needs want).
pub fn runtime_closure(lock: &Lock, start: &str) -> BTreeSet<PackageName> {
    let by_name = lock.by_name();
    let mut closure = BTreeSet::new();
    let mut queue = vec![PackageName::new(start)];
    while let Some(name) = queue.pop() {
        if closure.contains(&name) {
            continue;
        }
        for package in by_name.get(&name).into_iter().flatten() {
            queue.extend(
                package
                    .dependencies
                    .iter()
                    .map(|d| PackageName::new(&d.name)),
            );
        }
        closure.insert(name);
    }
    closure
}

/// Every package the app installs with its chosen dependency groups and extras: the
/// [`runtime_closure`] of the app, plus of what those groups and extras of the app add.
pub fn closure_with(
    lock: &Lock,
    app: &str,
    groups: &[String],
    extras: &[String],
) -> BTreeSet<PackageName> {
    let mut closure = runtime_closure(lock, app);
    let app_name = PackageName::new(app);
    let groups: BTreeSet<PackageName> = groups.iter().map(|g| PackageName::new(g)).collect();
    let extras: BTreeSet<PackageName> = extras.iter().map(|e| PackageName::new(e)).collect();
    let by_name = lock.by_name();
    let mut starts = Vec::new();
    for package in by_name.get(&app_name).into_iter().flatten() {
        for (group, dependencies) in &package.dev_dependencies {
            if groups.contains(&PackageName::new(group)) {
                starts.extend(dependencies.iter().map(|d| d.name.clone()));
            }
        }
        for (extra, dependencies) in &package.optional_dependencies {
            if extras.contains(&PackageName::new(extra)) {
                starts.extend(dependencies.iter().map(|d| d.name.clone()));
            }
        }
    }
    for start in starts {
        closure.extend(runtime_closure(lock, &start));
    }
    closure
}

/// Packages that only dependency groups the image does not install ask for: the requirements of
/// every group (`[dependency-groups]` and `[tool.uv] dev-dependencies` of the root and every
/// member, and the lock's `requires-dev` of every package), minus what the app installs with its
/// chosen `groups` and `extras`. `app` is the package the image runs (the root project or a
/// workspace member). A group's `[tool.uv] default-groups` membership does not matter: the
/// image syncs with `--no-default-groups`.
pub fn dev_only_packages(
    files: &ProjectFiles,
    app: &str,
    groups: &[String],
    extras: &[String],
) -> BTreeSet<PackageName> {
    let mut dev = BTreeSet::new();
    let mut manifests = vec![&files.pyproject];
    manifests.extend(files.members.iter().map(|member| &member.pyproject));
    for pyproject in manifests {
        if let Some(requirements) = pyproject
            .tool_uv()
            .and_then(|uv| uv.dev_dependencies.as_ref())
        {
            dev.extend(
                requirements
                    .iter()
                    .filter_map(|r| requirement_name(r, "").ok()),
            );
        }
        for entries in pyproject.dependency_groups.values() {
            dev.extend(
                entries
                    .iter()
                    .filter_map(GroupEntry::requirement)
                    .filter_map(|r| requirement_name(r, "").ok()),
            );
        }
    }
    for package in &files.lock.package {
        if let Some(metadata) = &package.metadata {
            for requirements in metadata.requires_dev.values() {
                dev.extend(requirements.iter().map(|r| PackageName::new(&r.name)));
            }
        }
    }
    let closure = closure_with(&files.lock, app, groups, extras);
    dev.retain(|name| !closure.contains(name));
    dev
}
