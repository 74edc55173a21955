//! The version of a project whose build backend reads it from git. The build context has no
//! `.git`, so the version is worked out here, as the backend would work it out, and handed to
//! the build through the backend's own override variable.
//!
//! Two values come out: the version of the tree as it is now (what the backend computes;
//! `verify` builds and tags with it), and the release the generated files carry: the nearest
//! tag's version, which does not change with every commit, so `check` stays quiet between
//! releases. A version is only a label: when git cannot give one, the backend's configured
//! fallback, else `0.0.0`, is used with a warning, never an error.

use crate::error::UserError;
use crate::model::{ScmVersion, Source};
use crate::options::Settings;
use crate::read::project::VcsVersioned;
use crate::read::vcs::{Backend, Git, Repo};
use crate::read::ProjectFiles;
use pep440_rs::Version;
use std::str::FromStr;

/// The version when no tag and no fallback give one.
pub const UNKNOWN: &str = "0.0.0";

/// The decided version, and a warning when it is not a release's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decided {
    pub version: ScmVersion,
    pub warning: Option<String>,
}

/// The version of `app` (the project the image runs) if it reads it from git, else of the
/// first project that does, and the override variables of every project that does. `None`
/// when no project reads its version from git.
pub fn decide(
    files: &ProjectFiles,
    settings: &Settings,
    app: &str,
) -> Result<Option<Decided>, UserError> {
    let Some(project) = files
        .vcs_versioned
        .iter()
        .find(|v| v.name == app)
        .or(files.vcs_versioned.first())
    else {
        return Ok(None);
    };
    let mut env: Vec<String> = Vec::new();
    for versioned in &files.vcs_versioned {
        let name = versioned.backend.override_env(&versioned.name);
        if !env.contains(&name) {
            env.push(name);
        }
    }
    let made = |value: String, release: String, source: Source, reason: String| ScmVersion {
        value,
        release,
        source,
        reason,
        backend: project.backend.name().to_string(),
        env: env.clone(),
    };
    if let Some(setting) = &settings.version {
        let version = pep440(&setting.value).ok_or_else(|| {
            UserError::new(format!(
                "`version` in `[tool.uv-rootless]` is {}, which is not a PEP 440 version",
                serde_json::to_string(&setting.value).unwrap_or_default()
            ))
            .hint("use a version such as `1.2.0`")
        })?;
        return Ok(Some(Decided {
            version: made(
                version.clone(),
                version,
                setting.source,
                "set with `version` in `[tool.uv-rootless]`, which wins over git".into(),
            ),
            warning: None,
        }));
    }
    let outcome = match &files.git {
        Some(Git::Repo(repo)) => from_repo(project, repo),
        Some(Git::None(why)) => Err(why.clone()),
        None => Err("git was not asked".into()),
    };
    match outcome {
        Ok(Computed {
            value,
            release,
            reason,
            warning,
        }) => Ok(Some(Decided {
            version: made(value, release, Source::Detected, reason),
            warning,
        })),
        Err(why) => fallback(project, &why).map(|(value, source, reason, warning)| {
            Some(Decided {
                version: made(value.clone(), value, source, reason),
                warning: Some(warning),
            })
        }),
    }
}

/// A version worked out from the repository.
struct Computed {
    value: String,
    release: String,
    reason: String,
    warning: Option<String>,
}

/// The version the backend takes when git gives none: its configured fallback, else `0.0.0`;
/// always with a warning that says why and how to get the real one.
fn fallback(
    project: &VcsVersioned,
    why: &str,
) -> Result<(String, Source, String, String), UserError> {
    let fixes =
        "tag the release (`git tag v1.0.0`), or set `version = \"1.0.0\"` in `[tool.uv-rootless]`";
    if let Some(configured) = &project.config.fallback {
        let version = pep440(configured).ok_or_else(|| {
            UserError::new(format!(
                "`{}` is {}, which is not a PEP 440 version",
                project.config.fallback_key,
                serde_json::to_string(configured).unwrap_or_default()
            ))
            .at(&project.manifest, None)
            .hint("use a version such as `0.0.0`: the backend refuses this one too")
        })?;
        return Ok((
            version.clone(),
            Source::Pyproject,
            format!(
                "{why}, so {} takes `{}`",
                project.backend.name(),
                project.config.fallback_key
            ),
            format!(
                "{why}: the version and the image tag are `{version}`, the fallback `{}` of `{}`; {fixes}",
                project.config.fallback_key, project.manifest
            ),
        ));
    }
    Ok((
        UNKNOWN.to_string(),
        Source::Default,
        format!(
            "{why}, and `{}` gives {} no fallback version",
            project.manifest,
            project.backend.name()
        ),
        format!("{why}: the version is `{UNKNOWN}` and the image is tagged `{UNKNOWN}`; {fixes}"),
    ))
}

/// The version from the repository, as the backend's scheme makes it; `Err(why)` when the
/// backend would not read this repository.
fn from_repo(project: &VcsVersioned, repo: &Repo) -> Result<Computed, String> {
    let backend = project.backend;
    let below = repo.levels_up + project.depth;
    let scm_family = matches!(backend, Backend::SetuptoolsScm | Backend::HatchVcs);
    if scm_family
        && below > 0
        && !project.config.search_parents
        && project.config.root_up != Some(below)
    {
        return Err(format!(
            "`{}` is {below} director{} below the top of its git repository, and {} reads only the repository at its `root`{}",
            project.manifest,
            if below == 1 { "y" } else { "ies" },
            backend.name(),
            if project.config.root_set {
                " as configured"
            } else {
                " (set `root` or `search_parent_directories = true`)"
            }
        ));
    }
    if repo.head.is_empty() {
        return Err("the git repository has no commit yet".into());
    }
    let glob = match backend {
        Backend::SetuptoolsScm | Backend::HatchVcs => "*[0-9]*",
        Backend::PdmScm => "*.*",
        Backend::UvDynamicVersioning => "v[0-9]*",
    };
    let nearest = repo.nearest(glob);
    let tagged = nearest.and_then(|(tag, distance)| {
        let version = match backend {
            Backend::UvDynamicVersioning => Dunamai::parse(tag).map(|d| d.exact()),
            _ => scm_tag_version(tag),
        };
        version.map(|version| (tag, distance, version))
    });
    let no_tag_why = match nearest {
        Some((tag, _)) if tagged.is_none() => format!(
            "the nearest git tag `{tag}` is not a version {} reads",
            backend.name()
        ),
        _ if repo.shallow => "git finds no version tag in this shallow clone".to_string(),
        _ => "git finds no version tag".to_string(),
    };
    let (release, release_warning) = match &tagged {
        Some((_, _, version)) => (version.clone(), None),
        None => {
            let label = match &project.config.fallback {
                Some(fallback) => pep440(fallback).unwrap_or_else(|| UNKNOWN.into()),
                None => UNKNOWN.into(),
            };
            (label, Some(no_tag_why.clone()))
        }
    };
    if !project.config.custom.is_empty() {
        let keys = project
            .config
            .custom
            .iter()
            .map(|key| format!("`{key}`"))
            .collect::<Vec<_>>()
            .join(", ");
        return Ok(Computed {
            value: release.clone(),
            reason: match &tagged {
                Some((tag, _, _)) => format!(
                    "the nearest git tag `{tag}`: {keys} sets a scheme of {} that uv-rootless does not reproduce, so the tag's version is used; pass the exact one with `--build-arg APP_VERSION=...` if it matters",
                    backend.name()
                ),
                None => format!("{no_tag_why}, and {keys} sets a scheme of {} that uv-rootless does not reproduce", backend.name()),
            },
            warning: release_warning.map(|why| no_tag_warning(&why, &release, &release)),
            release,
        });
    }
    let (tag, distance, tag_version) = match &tagged {
        Some((tag, distance, version)) => (Some(*tag), *distance, version.clone()),
        None => (None, repo.commits, String::new()),
    };
    let value = match backend {
        Backend::SetuptoolsScm | Backend::HatchVcs => {
            let base = if tag.is_some() {
                tag_version.as_str()
            } else {
                "0.0"
            };
            guess_next_dev(
                base,
                distance,
                repo.dirty,
                &format!("g{}", prefix(&repo.head, 9)),
                &repo.today,
                true,
            )
        }
        Backend::PdmScm => {
            let base = if tag.is_some() {
                tag_version.as_str()
            } else {
                "0.0"
            };
            guess_next_dev(
                base,
                distance,
                repo.dirty,
                &format!("g{}", repo.short),
                &repo.today,
                false,
            )
        }
        Backend::UvDynamicVersioning => {
            let parsed = match tag {
                Some(tag) => Dunamai::parse(tag),
                None => Dunamai::parse("v0.0.0"),
            };
            parsed.map(|d| d.serialize(distance, prefix(&repo.head, 7), project.config.bump))
        }
    };
    let Some(value) = value else {
        return Ok(Computed {
            value: release.clone(),
            reason: format!(
                "the nearest git tag `{}` and {distance} commits since: {}'s next version cannot be worked out from it, so the tag's version is used",
                tag.unwrap_or_default(),
                backend.name()
            ),
            warning: release_warning.map(|why| no_tag_warning(&why, &release, &release)),
            release,
        });
    };
    let scheme = match backend {
        Backend::SetuptoolsScm | Backend::HatchVcs | Backend::PdmScm => {
            "its default scheme (guess-next-dev, node-and-date)".to_string()
        }
        Backend::UvDynamicVersioning if project.config.bump => {
            "dunamai's PEP 440 style with `bump`".to_string()
        }
        Backend::UvDynamicVersioning => "dunamai's default PEP 440 style".to_string(),
    };
    let changed = if repo.dirty {
        ", tracked files changed"
    } else {
        ""
    };
    let reason = match tag {
        Some(tag) if distance == 0 && value == release => {
            format!("the git tag `{tag}` on HEAD{changed}")
        }
        Some(tag) => format!(
            "the nearest git tag `{tag}` and {distance} commit{} since{changed}, as {} makes it with {scheme}; the generated files carry the release `{release}`",
            if distance == 1 { "" } else { "s" },
            backend.name()
        ),
        None => format!(
            "{no_tag_why}: {} makes it from the {distance} commit{} with {scheme}; the generated files carry `{release}`",
            backend.name(),
            if distance == 1 { "" } else { "s" }
        ),
    };
    Ok(Computed {
        warning: release_warning.map(|why| no_tag_warning(&why, &value, &release)),
        value,
        release,
        reason,
    })
}

fn no_tag_warning(why: &str, value: &str, release: &str) -> String {
    format!(
        "{why}: the build's version is `{value}` and the generated files and image tag carry `{release}`; tag the release (`git tag v1.0.0`), fetch the tags (in CI: `git fetch --tags --unshallow`, or a checkout with its whole history), or set `version = \"1.0.0\"` in `[tool.uv-rootless]`"
    )
}

fn prefix(text: &str, length: usize) -> &str {
    text.get(..length).unwrap_or(text)
}

/// `v1.2.0` or `1.2.0` as a normalised PEP 440 version (`1.2.0`), or `None`.
fn pep440(raw: &str) -> Option<String> {
    let raw = raw.trim();
    let version = raw.strip_prefix(['v', 'V']).unwrap_or(raw);
    Version::from_str(version).ok().map(|v| v.to_string())
}

/// A tag's version as setuptools-scm's and pdm's default `tag_regex` read it:
/// `^(?:[\w-]+-)?(?P<version>[vV]?\d+(?:\.\d+){0,2}[^\+]*)(?:\+.*)?$`, normalised.
fn scm_tag_version(tag: &str) -> Option<String> {
    let public = tag.split('+').next().unwrap_or(tag);
    let starts_version = |rest: &str| {
        let rest = rest.strip_prefix(['v', 'V']).unwrap_or(rest);
        rest.starts_with(|ch: char| ch.is_ascii_digit())
    };
    // The regex's prefix is greedy: the last dash after which a version starts wins.
    let mut starts: Vec<usize> = public
        .match_indices('-')
        .map(|(at, _)| at + 1)
        .filter(|&at| {
            public[..at]
                .chars()
                .all(|ch| ch.is_alphanumeric() || ch == '_' || ch == '-')
        })
        .collect();
    starts.reverse();
    starts.push(0);
    let start = starts
        .into_iter()
        .find(|&at| starts_version(&public[at..]))?;
    pep440(&public[start..])
}

/// setuptools-scm's default `guess-next-dev` scheme with the `node-and-date` local scheme, and
/// pdm's default formatter, which follows it (`exact_when_dirty`: pdm keeps the tag on a
/// changed tree at distance 0, with only the date as local part). `None` for a tag the scheme
/// cannot bump (a `.devN` other than `.dev0`).
fn guess_next_dev(
    tag: &str,
    distance: u64,
    dirty: bool,
    node: &str,
    today: &str,
    exact_needs_clean: bool,
) -> Option<String> {
    let exact = distance == 0 && (!dirty || !exact_needs_clean);
    if exact {
        return Some(if dirty {
            format!("{tag}+d{today}")
        } else {
            tag.to_string()
        });
    }
    let public = tag.split('+').next().unwrap_or(tag);
    let next = match public.rsplit_once(".dev") {
        Some((before, "0")) => before.to_string(),
        Some(_) => return None,
        None => {
            let digits = public.len()
                - public
                    .chars()
                    .rev()
                    .take_while(|ch| ch.is_ascii_digit())
                    .count();
            let number: u64 = public[digits..].parse().ok()?;
            format!("{}{}", &public[..digits], number + 1)
        }
    };
    let date = if dirty {
        format!(".d{today}")
    } else {
        String::new()
    };
    Some(format!("{next}.dev{distance}+{node}{date}"))
}

/// A tag as dunamai's default pattern reads it:
/// `^v(EPOCH!)?BASE([-._]?STAGE[-._]?REVISION?)?(\+METADATA)?$`, STAGE any letters.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Dunamai {
    epoch: Option<u64>,
    base: Vec<u64>,
    /// The stage as the tag spells it, and its revision when the tag has one. Only stages
    /// dunamai's PEP 440 style can print are kept: `post` and `dev` as written, and
    /// `a`/`alpha`, `b`/`beta`, `rc`/`c`/`pre`/`preview` in any case.
    stage: Option<(String, Option<u64>)>,
}

impl Dunamai {
    fn parse(tag: &str) -> Option<Self> {
        let rest = tag.strip_prefix('v')?;
        let rest = match rest.split_once('+') {
            Some((_, "")) => return None,
            Some((rest, _)) => rest,
            None => rest,
        };
        let (epoch, rest) = match rest.split_once('!') {
            Some((epoch, rest)) => (Some(digits(epoch)?), rest),
            None => (None, rest),
        };
        let base_end = rest
            .char_indices()
            .find(|&(at, ch)| {
                !(ch.is_ascii_digit()
                    || ch == '.' && rest[at + 1..].starts_with(|c: char| c.is_ascii_digit()))
            })
            .map_or(rest.len(), |(at, _)| at);
        let base: Vec<u64> = rest[..base_end]
            .split('.')
            .map(digits)
            .collect::<Option<_>>()?;
        let separator = |text: &str| {
            text.strip_prefix(['-', '.', '_'])
                .unwrap_or(text)
                .to_string()
        };
        let tail = separator(&rest[base_end..]);
        let stage = if rest[base_end..].is_empty() {
            None
        } else {
            let letters = tail
                .find(|ch: char| !ch.is_ascii_alphabetic())
                .unwrap_or(tail.len());
            let name = &tail[..letters];
            let number = separator(&tail[letters..]);
            let revision = match number.as_str() {
                "" if tail.len() == letters => None,
                "" => return None,
                number => Some(digits(number)?),
            };
            let printable = matches!(name, "post" | "dev")
                || matches!(
                    name.to_ascii_lowercase().as_str(),
                    "a" | "alpha" | "b" | "beta" | "rc" | "c" | "pre" | "preview"
                );
            if name.is_empty() || !printable {
                return None;
            }
            Some((name.to_string(), revision))
        };
        Some(Self { epoch, base, stage })
    }

    /// The tag's own version (distance 0).
    fn exact(&self) -> String {
        self.serialize(0, "", false)
    }

    /// dunamai's PEP 440 serialisation (`Version.serialize`): the commit is metadata when
    /// there is a distance; with `bump` (and a distance), the last part of the base goes up by
    /// one, or the stage's revision (2 when the tag has none), and the distance is a `.dev`;
    /// without, a `.post` with `.dev0`. A `post` or `dev` stage is its segment; another stage
    /// is printed as PEP 440 spells it, its missing revision as 0.
    fn serialize(&self, distance: u64, commit: &str, bump: bool) -> String {
        let bumped = bump && distance > 0;
        let mut base = self.base.clone();
        let mut revision = self.stage.as_ref().and_then(|(_, revision)| *revision);
        if bumped {
            match &self.stage {
                None => {
                    if let Some(last) = base.last_mut() {
                        *last += 1;
                    }
                }
                Some(_) => revision = Some(revision.map_or(2, |r| r + 1)),
            }
        }
        let (mut pre, mut post, mut dev) = (None, None, None);
        match self.stage.as_ref().map(|(name, _)| name.as_str()) {
            Some("post") => post = revision,
            Some("dev") => dev = revision,
            Some(name) => pre = Some((name.to_ascii_lowercase(), revision.unwrap_or(0))),
            None => {}
        }
        if distance > 0 {
            if bumped || post.is_some() || dev.is_some() {
                dev = Some(dev.unwrap_or(0) + distance);
            } else {
                post = Some(distance);
                dev = Some(0);
            }
        }
        let mut out = String::new();
        if let Some(epoch) = self.epoch {
            out.push_str(&format!("{epoch}!"));
        }
        out.push_str(
            &base
                .iter()
                .map(u64::to_string)
                .collect::<Vec<_>>()
                .join("."),
        );
        if let Some((name, number)) = pre {
            let name = match name.as_str() {
                "alpha" => "a",
                "beta" => "b",
                "c" | "pre" | "preview" => "rc",
                other => other,
            };
            out.push_str(&format!("{name}{number}"));
        }
        if let Some(post) = post {
            out.push_str(&format!(".post{post}"));
        }
        if let Some(dev) = dev {
            out.push_str(&format!(".dev{dev}"));
        }
        if distance > 0 {
            out.push_str(&format!("+{commit}"));
        }
        out
    }
}

/// ASCII digits as a number, as `\d+` matches them (`u64::from_str` alone takes a `+`).
fn digits(text: &str) -> Option<u64> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::options::Setting;
    use crate::read::vcs::{self, BackendConfig};
    use std::path::Path;

    fn git(dir: &Path, args: &[&str]) {
        vcs::tests::git(dir, args);
    }

    /// The cli-hello example, as if its one project read its version with `backend`, in the
    /// repository state `git`.
    fn files(backend: Backend, config: &str, depth: usize, git: Git) -> ProjectFiles {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/cli-hello");
        let mut files = crate::read::read_project(&root).unwrap();
        files.vcs_versioned = vec![VcsVersioned {
            name: "cli-hello".into(),
            manifest: if depth == 0 {
                "pyproject.toml".into()
            } else {
                "packages/api/pyproject.toml".into()
            },
            backend,
            config: BackendConfig::read(backend, &toml::from_str(config).unwrap()),
            depth,
        }];
        files.git = Some(git);
        files
    }

    fn version(backend: Backend, config: &str, git: Git) -> Decided {
        decide(
            &files(backend, config, 0, git),
            &Settings::default(),
            "cli-hello",
        )
        .unwrap()
        .unwrap()
    }

    const ALL: [Backend; 4] = [
        Backend::SetuptoolsScm,
        Backend::HatchVcs,
        Backend::UvDynamicVersioning,
        Backend::PdmScm,
    ];

    /// Each backend's version in a real repository through its life: no tag, a tag on HEAD,
    /// commits after it, a changed tree. The expected strings are what setuptools-scm 10,
    /// hatch-vcs 0.5, uv-dynamic-versioning 0.14 (dunamai 1.26) and pdm-backend 2.5 printed
    /// for the same states.
    #[test]
    fn each_backend_gets_the_version_its_own_scheme_makes() {
        let dir = vcs::tests::scratch("version");
        let root = dir.as_path();
        git(root, &["init", "-q"]);
        std::fs::write(root.join("f"), "x").unwrap();
        git(root, &["add", "f"]);
        git(root, &["commit", "-q", "-m", "1"]);
        git(root, &["commit", "-q", "--allow-empty", "-m", "2"]);
        let state = || vcs::inspect(root);
        let head = || match state() {
            Git::Repo(repo) => repo.head,
            Git::None(why) => panic!("{why}"),
        };
        let (h, today) = (
            head(),
            match state() {
                Git::Repo(repo) => repo.today,
                Git::None(_) => unreachable!(),
            },
        );
        let short = |length: usize| h[..length].to_string();
        let values = |config: &str| -> Vec<(String, String, bool)> {
            ALL.iter()
                .map(|&backend| {
                    let decided = version(backend, config, state());
                    (
                        decided.version.value,
                        decided.version.release,
                        decided.warning.is_some(),
                    )
                })
                .collect()
        };
        // No tag: the backends' own no-tag versions; the files carry 0.0.0, with a warning.
        let untagged = values("");
        let pdm_short = match state() {
            Git::Repo(repo) => repo.short,
            Git::None(_) => unreachable!(),
        };
        assert_eq!(untagged[0].0, format!("0.1.dev2+g{}", short(9)));
        assert_eq!(untagged[1].0, format!("0.1.dev2+g{}", short(9)));
        assert_eq!(untagged[2].0, format!("0.0.0.post2.dev0+{}", short(7)));
        assert_eq!(untagged[3].0, format!("0.1.dev2+g{pdm_short}"));
        assert!(untagged
            .iter()
            .all(|(_, release, warned)| release == "0.0.0" && *warned));

        // On the tag: the tag's version, v stripped, no warning.
        git(root, &["tag", "v1.4.2"]);
        assert!(values("")
            .iter()
            .all(|v| v == &("1.4.2".to_string(), "1.4.2".to_string(), false)));

        // Two commits after it: each backend's dev version; the files keep the release.
        git(root, &["commit", "-q", "--allow-empty", "-m", "3"]);
        git(root, &["commit", "-q", "--allow-empty", "-m", "4"]);
        let h = head();
        let after = values("");
        assert_eq!(after[0].0, format!("1.4.3.dev2+g{}", &h[..9]));
        assert_eq!(after[1].0, format!("1.4.3.dev2+g{}", &h[..9]));
        assert_eq!(after[2].0, format!("1.4.2.post2.dev0+{}", &h[..7]));
        assert!(after[3].0.starts_with("1.4.3.dev2+g"), "{:?}", after[3]);
        assert!(after
            .iter()
            .all(|(_, release, warned)| release == "1.4.2" && !warned));
        let bumped = version(
            Backend::UvDynamicVersioning,
            "[tool.uv-dynamic-versioning]\nbump = true\n",
            state(),
        );
        assert_eq!(bumped.version.value, format!("1.4.3.dev2+{}", &h[..7]));

        // A changed tracked file: setuptools-scm and pdm add the date; dunamai does not.
        std::fs::write(root.join("f"), "changed").unwrap();
        let dirty = values("");
        assert_eq!(dirty[0].0, format!("1.4.3.dev2+g{}.d{today}", &h[..9]));
        assert_eq!(dirty[2].0, format!("1.4.2.post2.dev0+{}", &h[..7]));
        assert!(dirty[3].0.ends_with(&format!(".d{today}")));
        git(root, &["checkout", "-q", "f"]);

        // A release candidate, annotated: each backend bumps the candidate's number.
        git(root, &["tag", "-a", "v3.0rc1", "-m", "rc"]);
        git(root, &["commit", "-q", "--allow-empty", "-m", "5"]);
        let h = head();
        let rc = values("");
        assert_eq!(rc[0].0, format!("3.0rc2.dev1+g{}", &h[..9]));
        assert_eq!(rc[2].0, format!("3.0rc1.post1.dev0+{}", &h[..7]));
        assert!(rc.iter().all(|(_, release, _)| release == "3.0rc1"));

        // A scheme uv-rootless does not reproduce: the tag's version, and explain says so.
        let custom = version(
            Backend::SetuptoolsScm,
            "[tool.setuptools_scm]\nversion_scheme = \"post-release\"\n",
            state(),
        );
        assert_eq!(custom.version.value, "3.0rc1");
        assert!(
            custom.version.reason.contains("does not reproduce"),
            "{}",
            custom.version.reason
        );
        std::fs::remove_dir_all(root).unwrap();
    }

    #[test]
    fn without_a_repository_the_fallback_or_0_0_0_with_a_warning_never_an_error() {
        let no_git = || Git::None("the project is in no git repository".into());
        for backend in ALL {
            let decided = version(backend, "", no_git());
            assert_eq!(decided.version.value, "0.0.0");
            assert_eq!(decided.version.source, Source::Default);
            let warning = decided.warning.unwrap();
            assert!(
                warning.contains("tagged `0.0.0`") && warning.contains("git tag"),
                "{warning}"
            );
        }
        let configured = [
            (
                Backend::SetuptoolsScm,
                "[tool.setuptools_scm]\nfallback_version = \"0.9\"\n",
            ),
            (
                Backend::HatchVcs,
                "[tool.hatch.version]\nfallback-version = \"0.9\"\n",
            ),
            (
                Backend::HatchVcs,
                "[tool.hatch.version.raw-options]\nfallback_version = \"0.9\"\n",
            ),
            (
                Backend::UvDynamicVersioning,
                "[tool.uv-dynamic-versioning]\nfallback-version = \"0.9\"\n",
            ),
            (
                Backend::PdmScm,
                "[tool.pdm.version]\nfallback_version = \"v0.9\"\n",
            ),
        ];
        for (backend, config) in configured {
            let decided = version(backend, config, no_git());
            assert_eq!(decided.version.value, "0.9", "{config}");
            assert_eq!(decided.version.source, Source::Pyproject);
            assert!(decided.warning.unwrap().contains("fallback"));
        }
        let broken = decide(
            &files(
                Backend::PdmScm,
                "[tool.pdm.version]\nfallback_version = \"soon\"\n",
                0,
                no_git(),
            ),
            &Settings::default(),
            "cli-hello",
        )
        .unwrap_err();
        assert!(broken.to_string().contains("fallback_version"), "{broken}");
    }

    #[test]
    fn a_project_below_the_top_of_its_repository_follows_its_backends_root() {
        let dir = vcs::tests::scratch("version-sub");
        let root = dir.as_path();
        git(root, &["init", "-q"]);
        std::fs::create_dir_all(root.join("app")).unwrap();
        std::fs::write(root.join("app/f"), "x").unwrap();
        git(root, &["add", "."]);
        git(root, &["commit", "-q", "-m", "1"]);
        git(root, &["tag", "v2.0.0"]);
        let sub = || vcs::inspect(&root.join("app"));
        let decided = |backend, config: &str| version(backend, config, sub()).version.value;
        // setuptools-scm and hatch-vcs read only the repository at their `root`.
        assert_eq!(decided(Backend::SetuptoolsScm, ""), "0.0.0");
        let why = version(Backend::HatchVcs, "", sub()).warning.unwrap();
        assert!(why.contains("1 directory below the top"), "{why}");
        assert_eq!(
            decided(
                Backend::SetuptoolsScm,
                "[tool.setuptools_scm]\nroot = \"..\"\n"
            ),
            "2.0.0"
        );
        assert_eq!(
            decided(
                Backend::HatchVcs,
                "[tool.hatch.version.raw-options]\nsearch_parent_directories = true\n"
            ),
            "2.0.0"
        );
        assert_eq!(
            decided(
                Backend::SetuptoolsScm,
                "[tool.setuptools_scm]\nroot = \"../..\"\n"
            ),
            "0.0.0"
        );
        // dunamai and pdm look up from wherever they start.
        assert_eq!(decided(Backend::UvDynamicVersioning, ""), "2.0.0");
        assert_eq!(decided(Backend::PdmScm, ""), "2.0.0");
        // A workspace member two levels below a root that is the top.
        let member = files(
            Backend::SetuptoolsScm,
            "[tool.setuptools_scm]\nroot = \"../..\"\n",
            2,
            vcs::inspect(root),
        );
        let member = decide(&member, &Settings::default(), "cli-hello")
            .unwrap()
            .unwrap();
        assert_eq!(member.version.value, "2.0.0");
        std::fs::remove_dir_all(root).unwrap();
    }

    #[test]
    fn a_shallow_clone_without_tags_says_how_to_fetch_them() {
        let dir = vcs::tests::scratch("version-shallow");
        let origin = dir.join("origin");
        std::fs::create_dir_all(&origin).unwrap();
        git(&origin, &["init", "-q"]);
        git(&origin, &["commit", "-q", "--allow-empty", "-m", "1"]);
        git(&origin, &["tag", "v1.0.0"]);
        git(&origin, &["commit", "-q", "--allow-empty", "-m", "2"]);
        let url = format!("file://{}", origin.display());
        git(
            &dir,
            &["clone", "-q", "--depth", "1", "--no-tags", &url, "clone"],
        );
        let decided = version(Backend::HatchVcs, "", vcs::inspect(&dir.join("clone")));
        assert!(
            decided.version.value.starts_with("0.1.dev1+g"),
            "{decided:?}"
        );
        assert_eq!(decided.version.release, "0.0.0");
        let warning = decided.warning.unwrap();
        assert!(
            warning.contains("shallow clone") && warning.contains("fetch"),
            "{warning}"
        );
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn the_setting_wins_and_must_be_a_version() {
        let chosen = |value: &str| Settings {
            version: Some(Setting {
                value: value.into(),
                source: Source::Config,
            }),
            ..Settings::default()
        };
        let no_git = Git::None("none".into());
        let files = files(Backend::SetuptoolsScm, "", 0, no_git);
        let decided = decide(&files, &chosen("v2.0"), "cli-hello")
            .unwrap()
            .unwrap();
        assert_eq!(
            (decided.version.value.as_str(), decided.warning),
            ("2.0", None)
        );
        assert_eq!(
            decided.version.env,
            ["SETUPTOOLS_SCM_PRETEND_VERSION_FOR_CLI_HELLO"]
        );
        assert!(decide(&files, &chosen("release-7"), "cli-hello").is_err());
    }

    #[test]
    fn tags_read_as_the_backends_default_patterns_read_them() {
        assert_eq!(scm_tag_version("v1.2.0").as_deref(), Some("1.2.0"));
        assert_eq!(scm_tag_version("release-7").as_deref(), Some("7"));
        // The prefix is greedy, as the regex's is.
        assert_eq!(scm_tag_version("app-2-1.5").as_deref(), Some("1.5"));
        assert_eq!(
            scm_tag_version("my-pkg-v1.0-rc1").as_deref(),
            Some("1.0rc1")
        );
        assert_eq!(scm_tag_version("1.0+local").as_deref(), Some("1.0"));
        assert_eq!(scm_tag_version("latest"), None);
        assert_eq!(
            Dunamai::parse("1.2.0"),
            None,
            "dunamai's pattern wants the v"
        );
        assert_eq!(Dunamai::parse("v1!2.0-rc.3").unwrap().exact(), "1!2.0rc3");
        assert_eq!(
            Dunamai::parse("v1.0.post2")
                .unwrap()
                .serialize(3, "abc", false),
            "1.0.post2.dev3+abc"
        );
        assert_eq!(
            Dunamai::parse("v3.0.post1")
                .unwrap()
                .serialize(1, "abc", true),
            "3.0.post2.dev1+abc"
        );
        assert_eq!(
            guess_next_dev("1.0.dev0", 2, false, "gabc", "", true).as_deref(),
            Some("1.0.dev2+gabc")
        );
        assert_eq!(guess_next_dev("1.0.dev3", 2, false, "gabc", "", true), None);
        assert_eq!(
            guess_next_dev("1!2.9", 1, false, "gabc", "", true).as_deref(),
            Some("1!2.10.dev1+gabc")
        );
    }

    /// dunamai 1.26's `Version.serialize` (PEP 440 style, commit `abc`) of each tag at
    /// distance 0, at distance 2, and at distance 2 with `bump`; `None`: dunamai refuses to
    /// print a PEP 440 version of the tag.
    #[test]
    fn dunamai_stages_and_missing_revisions_read_as_dunamai_reads_them() {
        let table: &[(&str, Option<[&str; 3]>)] = &[
            (
                "v1.0.0-beta",
                Some(["1.0.0b0", "1.0.0b0.post2.dev0+abc", "1.0.0b2.dev2+abc"]),
            ),
            (
                "v2.0alpha1",
                Some(["2.0a1", "2.0a1.post2.dev0+abc", "2.0a2.dev2+abc"]),
            ),
            (
                "v2.0-c.1",
                Some(["2.0rc1", "2.0rc1.post2.dev0+abc", "2.0rc2.dev2+abc"]),
            ),
            (
                "v2.0PREVIEW2",
                Some(["2.0rc2", "2.0rc2.post2.dev0+abc", "2.0rc3.dev2+abc"]),
            ),
            (
                "v1.0.0-Beta.2",
                Some(["1.0.0b2", "1.0.0b2.post2.dev0+abc", "1.0.0b3.dev2+abc"]),
            ),
            (
                "v1.0.post",
                Some(["1.0", "1.0.post2.dev0+abc", "1.0.post2.dev2+abc"]),
            ),
            (
                "v1.0.dev",
                Some(["1.0", "1.0.post2.dev0+abc", "1.0.dev4+abc"]),
            ),
            (
                "v1.0.dev3",
                Some(["1.0.dev3", "1.0.dev5+abc", "1.0.dev6+abc"]),
            ),
            (
                "v1!2.0-rc.3",
                Some(["1!2.0rc3", "1!2.0rc3.post2.dev0+abc", "1!2.0rc4.dev2+abc"]),
            ),
            (
                "v3.0.post1",
                Some(["3.0.post1", "3.0.post1.dev2+abc", "3.0.post2.dev2+abc"]),
            ),
            ("v1.0-r1", None),
            ("v1.0-rev1", None),
            ("v1.0-POST1", None),
            ("v1.0-", None),
            ("v1.0beta-", None),
            ("v1.0+", None),
        ];
        for (tag, expected) in table {
            let got = Dunamai::parse(tag).map(|d| {
                [
                    d.exact(),
                    d.serialize(2, "abc", false),
                    d.serialize(2, "abc", true),
                ]
            });
            assert_eq!(
                got.as_ref()
                    .map(|g| [g[0].as_str(), g[1].as_str(), g[2].as_str()]),
                *expected,
                "{tag}"
            );
        }
    }

    /// A dynamic version a backend reads from a file tags the image; one that cannot be read
    /// tags it `0.0.0` with a warning instead of refusing the project.
    #[test]
    fn a_version_read_from_a_file_tags_the_image_else_0_0_0_with_a_warning() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/cli-hello");
        let mut files = crate::read::read_project(&root).unwrap();
        let project = files.pyproject.project.as_mut().unwrap();
        project.version = None;
        project.dynamic = vec!["version".into()];
        let with = |found: Result<(String, String), String>| {
            let mut files = files.clone();
            files.file_versioned = vec![crate::read::project::FileVersioned {
                name: "cli-hello".into(),
                manifest: "pyproject.toml".into(),
                found,
            }];
            crate::decide::plan(&files, &Settings::default()).unwrap()
        };
        let read = with(Ok(("2.5.0".into(), "src/cli_hello/__init__.py".into())));
        assert_eq!(read.image.value, "cli-hello:2.5.0");
        assert!(read.warnings.is_empty());
        let unread = with(Err("`src/cli_hello/__init__.py` is not found".into()));
        assert_eq!(unread.image.value, "cli-hello:0.0.0");
        assert!(
            unread.warnings[0].contains("is not found"),
            "{:?}",
            unread.warnings
        );
    }

    #[test]
    fn a_local_version_keeps_its_meaning_in_the_tag() {
        assert_eq!(crate::decide::names::tag_safe("1.0+local"), "1.0-local");
        assert_eq!(crate::decide::names::tag_safe("1.0"), "1.0");
    }
}
