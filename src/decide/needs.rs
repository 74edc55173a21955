//! What the build stage needs beyond uv, read from `uv.lock`: git for git sources (and an ssh
//! agent for ssh URLs). Sources outside the project directory cannot be built at all: the
//! project directory is the Docker build context.

use super::base::BaseEntry;
use crate::error::UserError;
use crate::model::{IndexSecret, Needs};
use crate::read::lock::{Lock, Package};
use crate::read::project::normalize;
use std::collections::{BTreeSet, HashMap};

/// Every package the app installs, following the lock's dependency edges from `start`
/// (markers ignored: a superset, which is what build needs want).
pub fn runtime_closure(lock: &Lock, start: &str) -> BTreeSet<String> {
    // A lock may hold one name several times (forks by marker): each entry adds its edges.
    let mut by_name: HashMap<String, Vec<&Package>> = HashMap::with_capacity(lock.package.len());
    for package in &lock.package {
        by_name
            .entry(normalize(&package.name))
            .or_default()
            .push(package);
    }
    let mut closure = BTreeSet::new();
    let mut queue = vec![normalize(start)];
    while let Some(name) = queue.pop() {
        if closure.contains(&name) {
            continue;
        }
        for package in by_name.get(&name).into_iter().flatten() {
            queue.extend(package.dependencies.iter().map(|d| normalize(&d.name)));
        }
        closure.insert(name);
    }
    closure
}

pub fn decide(
    lock: &Lock,
    pyproject: &crate::read::pyproject::PyProject,
    app: &str,
    base: &BaseEntry,
) -> Result<Needs, UserError> {
    for package in &lock.package {
        let source = &package.source;
        let local = source
            .editable
            .as_deref()
            .or(source.directory.as_deref())
            .or(source.path.as_deref());
        if let Some(path) = local {
            let outside = path.starts_with('/')
                || path.starts_with('\\')
                || path.split(['/', '\\']).next() == Some("..")
                || path.get(1..3) == Some(":\\");
            if outside {
                return Err(UserError::new(format!(
                    "`uv.lock` installs `{}` from `{path}`, outside the project directory, which is the Docker build context",
                    package.name
                ))
                .detail("Docker cannot copy files from outside the build context, so the image cannot build it")
                .hint("make it a member of this workspace (move it below the project and list it in `[tool.uv.workspace] members`)")
                .hint("or publish it to an index and depend on it by version"));
            }
        }
    }
    let closure = runtime_closure(lock, app);
    let mut git_packages = BTreeSet::new();
    let mut ssh = false;
    for package in &lock.package {
        if let Some(url) = &package.source.git {
            if closure.contains(&normalize(&package.name)) {
                git_packages.insert(normalize(&package.name));
                ssh |= url.starts_with("ssh://")
                    || url.starts_with("git+ssh://")
                    || url.contains("git@");
            }
        }
    }
    let mut system_packages: Vec<String> = Vec::new();
    if !git_packages.is_empty() {
        system_packages.extend(base.git_packages.iter().map(|p| p.to_string()));
    }
    if ssh {
        system_packages.extend(base.ssh_packages.iter().map(|p| p.to_string()));
    }
    let mut reasons = Vec::new();
    if !git_packages.is_empty() {
        reasons.push(format!(
            "git for {}",
            git_packages
                .iter()
                .map(|n| format!("`{n}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    if ssh {
        reasons.push(
            "an ssh client for git over ssh (keys stay in the agent: `docker build --ssh default`)"
                .into(),
        );
    }
    let indexes = index_secrets(pyproject)?;
    Ok(Needs {
        system_packages,
        git_packages: git_packages.into_iter().collect(),
        ssh,
        reasons,
        indexes,
    })
}

/// Named indexes from `[[tool.uv.index]]`, with the build secrets that carry their credentials.
pub fn index_secrets(
    pyproject: &crate::read::pyproject::PyProject,
) -> Result<Vec<IndexSecret>, UserError> {
    let mut secrets = Vec::new();
    for index in pyproject
        .tool_uv()
        .map(|uv| uv.index.as_slice())
        .unwrap_or_default()
    {
        let Some(name) = &index.name else { continue };
        let valid = !name.is_empty()
            && name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
        if !valid {
            return Err(UserError::new(format!(
                "`[[tool.uv.index]]` in `pyproject.toml` has the name {}, which cannot name a build secret",
                serde_json::to_string(name).unwrap_or_default()
            ))
            .hint("name indexes with ASCII letters, digits, `-`, `_` and `.`, as uv requires"));
        }
        let lower = name.to_ascii_lowercase();
        secrets.push(IndexSecret {
            name: name.clone(),
            env_prefix: format!(
                "UV_INDEX_{}",
                name.chars()
                    .map(|ch| if ch.is_ascii_alphanumeric() {
                        ch.to_ascii_uppercase()
                    } else {
                        '_'
                    })
                    .collect::<String>()
            ),
            username_secret: format!("uv-index-{lower}-username"),
            password_secret: format!("uv-index-{lower}-password"),
        });
    }
    Ok(secrets)
}
