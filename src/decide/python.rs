//! The Python version: flag > config > `.python-version` > the newest minor the base offers
//! that `requires-python` accepts.

use super::base::BaseEntry;
use crate::error::UserError;
use crate::model::{Decision, Needs, Python, Source};
use crate::options::Setting;
use crate::read::names::parse_requires_python;
use crate::read::python_version::is_version;
use crate::read::ProjectFiles;
use pep440_rs::{Version, VersionSpecifiers};
use std::str::FromStr;

pub fn decide(
    files: &ProjectFiles,
    requested: Option<&Setting<String>>,
    base: &BaseEntry,
) -> Result<Decision<Python>, UserError> {
    let (requires_python, requires_from) = requires_python(files)?;
    let pinned = requested
        .map(|setting| (setting.value.clone(), setting.source))
        .or_else(|| {
            files
                .python_version
                .as_ref()
                .map(|pin| (pin.version.clone(), Source::PythonVersionFile))
        });

    if let Some((version, source)) = pinned {
        let origin = match source {
            Source::Flag => "`--python`".to_string(),
            Source::Config => "`python` in `[tool.uv-rootless]`".to_string(),
            _ => "`.python-version`".to_string(),
        };
        if !is_version(&version) {
            return Err(UserError::new(format!(
                "{origin} is `{version}`, which is not a Python version uv-rootless can build"
            ))
            .hint("use `X.Y` or `X.Y.Z`, e.g. `3.13`"));
        }
        let minor = minor_of(&version);
        if !base.python_minors.contains(&minor.as_str()) {
            return Err(UserError::new(format!(
                "{origin} asks for Python `{version}`, but the `{}` base offers {}",
                base.id,
                base.python_minors.join(", ")
            ))
            .hint(
                match super::base::BASES
                    .iter()
                    .find(|other| other.python_minors.contains(&minor.as_str()))
                {
                    Some(other) => format!(
                        "pin one of those versions, or choose `--base {}`, which offers {minor}",
                        other.id
                    ),
                    None => "pin one of those versions: no base offers it".to_string(),
                },
            ));
        }
        if let Some(specifiers) = &requires_python {
            if !accepts(specifiers, &version) {
                return Err(UserError::new(format!(
                    "{origin} asks for Python `{version}`, but `requires-python` in `{requires_from}` is `{specifiers}`"
                ))
                .hint("pin a version that `requires-python` accepts, or widen `requires-python` and run `uv lock`"));
            }
        }
        // An image's own Python is the newest patch of its minor: a patch pin cannot be honoured
        // there, so say so rather than claim a version the image does not run.
        if !base.managed_python && version != minor {
            if let Some(specifiers) = requires_python.as_ref().filter(|s| !accepts(s, &minor)) {
                return Err(UserError::new(format!(
                    "{origin} pins Python `{version}`, but the `{}` image carries its own {minor} release, which `requires-python = \"{specifiers}\"` may exclude",
                    base.id
                ))
                .hint("use `--base azurelinux`, which installs the exact version, or widen `requires-python`"));
            }
            return Ok(Decision::new(
                Python { version: minor.clone(), minor: minor.clone() },
                source,
                format!(
                    "{origin} pins `{version}`; the `{}` image carries its own {minor} release, not an exact patch (`--base azurelinux` installs `{version}` exactly)",
                    base.id
                ),
            ));
        }
        let reason = match source {
            Source::PythonVersionFile => {
                "pinned in `.python-version`; uv gives it precedence over `requires-python`"
                    .to_string()
            }
            _ => format!("chosen with {origin}"),
        };
        return Ok(Decision::new(Python { version, minor }, source, reason));
    }

    // The newest minor whose newest patch `requires-python` accepts; where the base installs
    // Python itself, also the newest accepted patch of a minor (for `==3.12.4` and the like).
    let newest: Option<(String, String)> = base.python_minors.iter().rev().find_map(|minor| {
        let Some(specifiers) = &requires_python else {
            return Some((minor.to_string(), minor.to_string()));
        };
        if accepts(specifiers, minor) {
            return Some((minor.to_string(), minor.to_string()));
        }
        if !base.managed_python {
            return None;
        }
        (0..=99u32)
            .rev()
            .map(|patch| format!("{minor}.{patch}"))
            .find(|version| accepts(specifiers, version))
            .map(|version| (version, minor.to_string()))
    });
    match (newest, &requires_python) {
        (Some((version, minor)), Some(specifiers)) => Ok(Decision::new(
            Python { version, minor },
            if requires_from == "uv.lock" {
                Source::Lock
            } else {
                Source::Pyproject
            },
            format!(
                "the newest Python the `{}` base offers that `requires-python = \"{specifiers}\"` in `{requires_from}` accepts",
                base.id
            ),
        )),
        (Some((version, minor)), None) => Ok(Decision::new(
            Python { version, minor },
            Source::Default,
            format!(
                "the newest Python the `{}` base offers; the project sets no `requires-python`",
                base.id
            ),
        )),
        (None, specifiers) => {
            // Another base that offers a minor `requires-python` accepts can build the project.
            let other = specifiers.as_ref().and_then(|specifiers| {
                super::base::BASES.iter().find_map(|other| {
                    other
                        .python_minors
                        .iter()
                        .rev()
                        .find(|minor| accepts(specifiers, minor))
                        .map(|minor| (other.id, *minor))
                })
            });
            Err(UserError::new(format!(
                "no Python that the `{}` base offers ({}) satisfies `requires-python = \"{}\"` in `{requires_from}`",
                base.id,
                base.python_minors.join(", "),
                specifiers.as_ref().map(ToString::to_string).unwrap_or_default()
            ))
            .hint(match other {
                Some((other, minor)) => format!(
                    "choose `--base {other}`, which offers Python {minor}; or widen `requires-python` and run `uv lock`"
                ),
                None if base.managed_python => {
                    "widen `requires-python` and run `uv lock`".to_string()
                }
                None => "an exact patch needs `--base azurelinux`, which installs it; or widen `requires-python` and run `uv lock`".to_string(),
            }))
        }
    }
}

/// Older minors than `chosen` that the base offers and `requires-python` accepts, newest
/// first: the fallbacks when the newest lacks wheels for what the lock installs.
pub fn older_minors(files: &ProjectFiles, base: &BaseEntry, chosen: &Python) -> Vec<Python> {
    let Ok((requires_python, _)) = requires_python(files) else {
        return Vec::new();
    };
    base.python_minors
        .iter()
        .rev()
        .skip_while(|minor| **minor != chosen.minor)
        .skip(1)
        .filter(|minor| requires_python.as_ref().is_none_or(|s| accepts(s, minor)))
        .map(|minor| Python {
            version: minor.to_string(),
            minor: minor.to_string(),
        })
        .collect()
}

/// A Python chosen as "the newest accepted" may meet a lock whose wheels do not cover it: an
/// older accepted minor that builds fewer packages from source is then the better image.
/// `needs_for` decides the build needs for a Python; a pinned Python (flag, config,
/// `.python-version`) is kept whatever it builds.
pub fn prefer_wheels(
    files: &ProjectFiles,
    base: &BaseEntry,
    python: Decision<Python>,
    needs_for: impl Fn(&Python) -> Result<Needs, UserError>,
) -> (Decision<Python>, Result<Needs, UserError>) {
    let mut python = python;
    let mut needs = needs_for(&python.value);
    let pinned = matches!(
        python.source,
        Source::Flag | Source::Config | Source::PythonVersionFile
    );
    let builds = |needs: &Result<Needs, UserError>| {
        needs.as_ref().map_or(usize::MAX, |n| n.source_builds.len())
    };
    if pinned || builds(&needs) == 0 {
        return (python, needs);
    }
    let first_reason = python.reason.clone();
    let names = |needs: &Result<Needs, UserError>| -> Vec<String> {
        needs.as_ref().map_or_else(
            |_| Vec::new(),
            |n| n.source_builds.iter().map(|b| b.package.clone()).collect(),
        )
    };
    // Each minor tried, newest first, with what it builds from source.
    let mut tried: Vec<(Python, Vec<String>)> = vec![(python.value.clone(), names(&needs))];
    let mut best = 0;
    for older in older_minors(files, base, &python.value) {
        let candidate = needs_for(&older);
        tried.push((older.clone(), names(&candidate)));
        if builds(&candidate) < builds(&needs) {
            best = tried.len() - 1;
            needs = candidate;
        }
    }
    if best == 0 {
        return (python, needs);
    }
    // Why each newer minor was passed over: what it would build that the chosen one does not.
    let (chosen, kept) = &tried[best];
    let passed: Vec<String> = tried[..best]
        .iter()
        .map(|(newer, built)| {
            let avoided: Vec<String> = built
                .iter()
                .filter(|name| !kept.contains(name))
                .map(|name| format!("`{name}`"))
                .collect();
            if avoided.is_empty() {
                format!("the lock cannot install everything on {}", newer.minor)
            } else {
                format!(
                    "the lock has no {} wheel for {}",
                    newer.minor,
                    avoided.join(", ")
                )
            }
        })
        .collect();
    let minors: Vec<&str> = tried[..best]
        .iter()
        .map(|(newer, _)| newer.minor.as_str())
        .collect();
    let avoided_count = tried[0]
        .1
        .iter()
        .filter(|name| !kept.contains(name))
        .count();
    python = Decision::new(
        chosen.clone(),
        python.source,
        format!(
            "{first_reason}, but not {}: {}; {} installs {} from wheels",
            minors.join(" or "),
            passed.join("; "),
            chosen.minor,
            if avoided_count == 1 { "it" } else { "them" },
        ),
    );
    (python, needs)
}

/// The lock's `requires-python` (what uv resolved for), else the root `pyproject.toml`'s.
fn requires_python(
    files: &ProjectFiles,
) -> Result<(Option<VersionSpecifiers>, &'static str), UserError> {
    if let Some(value) = files.lock.requires_python.as_deref() {
        return Ok((
            Some(parse_requires_python(
                value,
                "requires-python` in `uv.lock",
            )?),
            "uv.lock",
        ));
    }
    let declared = files
        .pyproject
        .project
        .as_ref()
        .and_then(|project| project.requires_python.as_deref());
    match declared {
        Some(value) => Ok((
            Some(parse_requires_python(
                value,
                "project.requires-python` in `pyproject.toml",
            )?),
            "pyproject.toml",
        )),
        None => Ok((None, "pyproject.toml")),
    }
}

/// `3.13.1` -> `3.13`.
fn minor_of(version: &str) -> String {
    version.split('.').take(2).collect::<Vec<_>>().join(".")
}

/// Whether `requires-python` accepts `version`. A bare minor stands for its newest patch
/// release, which is what a base image carries.
fn accepts(specifiers: &VersionSpecifiers, version: &str) -> bool {
    let full = if version.split('.').count() == 2 {
        format!("{version}.99")
    } else {
        version.to_string()
    };
    Version::from_str(&full).is_ok_and(|version| specifiers.contains(&version))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_minor_stands_for_its_newest_patch() {
        let specifiers = VersionSpecifiers::from_str(">=3.11.4,<3.13").unwrap();
        assert!(accepts(&specifiers, "3.11"));
        assert!(accepts(&specifiers, "3.12"));
        assert!(!accepts(&specifiers, "3.13"));
        assert!(!accepts(&specifiers, "3.11.2"));
    }
}
