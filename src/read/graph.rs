//! The lock as a graph: which packages an app installs, following `uv.lock`'s dependency
//! edges. Shared by the decisions (what the build needs) and by `verify` (what must not be in
//! the image).

use super::lock::Lock;
use super::names::{requirement_name, PackageName};
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

/// Packages only the `dev` group or `[tool.uv] dev-dependencies` ask for: those dev
/// requirements that the app's runtime closure in `uv.lock` does not reach. `app` is the
/// package the image runs (the root project or a workspace member).
pub fn dev_only_packages(files: &ProjectFiles, app: &str) -> BTreeSet<PackageName> {
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
    }
    for package in &files.lock.package {
        if let Some(metadata) = &package.metadata {
            for (group, requirements) in &metadata.requires_dev {
                if group == "dev" {
                    dev.extend(requirements.iter().map(|r| PackageName::new(&r.name)));
                }
            }
        }
    }
    let closure = runtime_closure(&files.lock, app);
    dev.retain(|name| !closure.contains(name));
    dev
}
