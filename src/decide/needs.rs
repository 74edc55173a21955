//! What the build stage needs beyond uv, read from `uv.lock`: git for git sources (and an ssh
//! agent for ssh URLs). Sources outside the project directory cannot be built at all: the
//! project directory is the Docker build context.

use super::base::BaseEntry;
use super::{native, platform};
use crate::error::UserError;
use crate::model::{IndexSecret, Needs};
use crate::read::graph::runtime_closure;
use crate::read::lock::Lock;
use crate::read::names::{is_mountable_path, PackageName};
use std::collections::BTreeSet;

/// What `decide` reads.
pub struct Input<'a> {
    pub lock: &'a Lock,
    pub pyproject: &'a crate::read::pyproject::PyProject,
    /// The package the app is (normalised).
    pub app: &'a str,
    pub base: &'a BaseEntry,
    pub python: &'a crate::model::Python,
    pub platforms: &'a [String],
    pub extras: &'a [String],
    pub groups: &'a [String],
}

pub fn decide(input: &Input<'_>) -> Result<Needs, UserError> {
    let Input {
        lock,
        pyproject,
        app,
        base,
        ..
    } = *input;
    let members: BTreeSet<PackageName> = lock
        .manifest
        .members
        .iter()
        .map(|m| PackageName::new(m))
        .collect();
    // A set: a lock may hold many path sources, and a list searched for each would be
    // quadratic in them.
    let mut local_sources: BTreeSet<String> = BTreeSet::new();
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
            // Inside the project, and not the project or a workspace member (whose manifests
            // are mounted anyway): uv builds it in the dependency layer, so its files are
            // mounted there.
            let path = path.trim_start_matches("./").trim_end_matches('/');
            let member = members.contains(&PackageName::new(&package.name));
            if !path.is_empty() && path != "." && !member {
                if !is_mountable_path(path) {
                    return Err(UserError::new(format!(
                        "`uv.lock` installs `{}` from {}, a path the Dockerfile cannot mount safely",
                        package.name,
                        serde_json::to_string(path).unwrap_or_default()
                    ))
                    .hint("rename it with ASCII letters, digits, `.`, `_` and `-`, then run `uv lock`"));
                }
                local_sources.insert(path.to_string());
            }
        }
    }
    let local_sources: Vec<String> = local_sources.into_iter().collect();
    let closure = runtime_closure(lock, app);
    let mut git_packages = BTreeSet::new();
    let mut ssh = false;
    for package in &lock.package {
        if let Some(url) = &package.source.git {
            if closure.contains(&PackageName::new(&package.name)) {
                git_packages.insert(PackageName::new(&package.name));
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
    let source_builds = source_builds(input)?;
    let mut runtime_packages: Vec<String> = Vec::new();
    let mut source_builds_out = Vec::new();
    for mut build in source_builds {
        if let Some(need) = native::lookup(&build.package) {
            build.library = need.library.to_string();
            let runtime = need.runtime_packages(base.id);
            if !runtime.is_empty() && !base.runtime_has_shell {
                return Err(UserError::new(format!(
                    "`{}` {} is built from source ({}) and then needs {} at run time, which the {} final stage cannot install",
                    build.package, build.version, build.why, need.library, base.title
                ))
                .detail("that final stage is distroless: no package manager, no shell")
                .hint(format!("depend on {} instead", need.alternative))
                .hint("or use `--base python-slim`, whose final stage installs the library"));
            }
            add_unique(&mut system_packages, need.build_packages(base.id));
            add_unique(&mut runtime_packages, runtime);
        }
        source_builds_out.push(build);
    }
    // Libraries that installed packages load at run time, which their wheels do not ship.
    let installed = crate::read::graph::closure_with(lock, app, input.groups, input.extras);
    for need in native::LOADED_AT_RUN_TIME {
        let needed = installed.contains(&PackageName::new(need.package))
            && !need
                .unless
                .iter()
                .any(|other| installed.contains(&PackageName::new(other)));
        if !needed {
            continue;
        }
        let runtime = need.runtime_packages(base.id);
        if runtime.is_empty() || !base.runtime_has_shell {
            let mut error = UserError::new(format!(
                "`{}` needs {} at run time, which its wheel does not ship and the {} final stage cannot install",
                need.package, need.library, base.title
            ))
            .detail("that final stage is distroless: no package manager, no shell");
            if !need.alternative.is_empty() {
                error = error.hint(format!("depend on {} instead", need.alternative));
            }
            return Err(
                error.hint("or use `--base python-slim`, whose final stage installs the library")
            );
        }
        add_unique(&mut runtime_packages, runtime);
    }
    if !source_builds_out.is_empty() {
        // Compiler first, then the libraries' headers.
        let mut packages: Vec<String> = Vec::new();
        add_unique(&mut packages, base.compiler_packages);
        for package in system_packages.drain(..) {
            if !packages.contains(&package) {
                packages.push(package);
            }
        }
        system_packages = packages;
        let list = |git: bool| {
            source_builds_out
                .iter()
                .filter(|b| git_packages.contains(b.package.as_str()) == git)
                .map(|b| format!("`{}`", b.package))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let (sdists, checkouts) = (list(false), list(true));
        if !sdists.is_empty() {
            reasons.push(format!("a compiler to build {sdists} from source"));
        }
        if !checkouts.is_empty() {
            // The lock cannot tell whether a git checkout has native code.
            reasons.push(format!(
                "a compiler in case the git checkout of {checkouts} has native code"
            ));
        }
        for build in source_builds_out.iter().filter(|b| !b.library.is_empty()) {
            reasons.push(format!(
                "the headers of {} for `{}`",
                build.library, build.package
            ));
        }
    }
    let indexes = index_secrets(pyproject)?;
    Ok(Needs {
        system_packages,
        git_packages: git_packages.into_iter().map(String::from).collect(),
        ssh,
        reasons,
        indexes,
        source_builds: source_builds_out,
        runtime_packages,
        local_sources,
    })
}

fn add_unique(to: &mut Vec<String>, packages: &[&str]) {
    for package in packages {
        if !to.iter().any(|p| p == package) {
            to.push(package.to_string());
        }
    }
}

/// The packages built from source on any target platform.
fn source_builds(input: &Input<'_>) -> Result<Vec<crate::model::SourceBuild>, UserError> {
    let minor = input
        .python
        .minor
        .strip_prefix("3.")
        .and_then(|m| m.parse::<u32>().ok())
        .unwrap_or_default();
    let python_full = if input.python.version.matches('.').count() >= 2 {
        input.python.version.clone()
    } else {
        format!("{}.999", input.python.minor)
    };
    let mut targets = Vec::new();
    for name in input.platforms {
        let machine = platform::machine(name).map_err(UserError::new)?;
        targets.push(platform::Target {
            platform: name.clone(),
            machine,
            python_minor: minor,
            python_full: python_full.clone(),
            glibc: input.base.glibc,
        });
    }
    let uv = input.pyproject.tool_uv();
    platform::source_builds(
        &platform::Input {
            lock: input.lock,
            app: input.app,
            extras: input.extras,
            groups: input.groups,
            no_binary: uv.and_then(|uv| uv.no_binary).unwrap_or(false),
            no_binary_packages: uv
                .map(|uv| uv.no_binary_package.as_slice())
                .unwrap_or_default(),
            no_build: uv.and_then(|uv| uv.no_build).unwrap_or(false),
            no_build_packages: uv
                .map(|uv| uv.no_build_package.as_slice())
                .unwrap_or_default(),
        },
        &targets,
    )
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
