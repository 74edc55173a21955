//! Versions that a build backend reads from version control: hatch-vcs, setuptools-scm,
//! uv-dynamic-versioning and pdm's `scm` source. They read `.git`, which the build context
//! rightly leaves out, so the version is worked out here, on the host, from the same git
//! repository, and the Dockerfile hands it to the backend through the backend's own override.

use super::pyproject::PyProject;
use std::path::Path;
use std::process::Command;

/// A backend that reads the version from version control.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Backend {
    SetuptoolsScm,
    HatchVcs,
    UvDynamicVersioning,
    PdmScm,
}

impl Backend {
    /// The backend's name, as its package is named.
    pub fn name(self) -> &'static str {
        match self {
            Backend::SetuptoolsScm => "setuptools-scm",
            Backend::HatchVcs => "hatch-vcs",
            Backend::UvDynamicVersioning => "uv-dynamic-versioning",
            Backend::PdmScm => "pdm's scm version source",
        }
    }

    /// The environment variable the backend takes the version from instead of git.
    /// setuptools-scm under setuptools knows the distribution's name, so it takes the
    /// per-distribution form, which cannot reach another package built in the same step.
    /// hatch-vcs runs setuptools-scm without the name ("No distribution name is known here"),
    /// so only the plain form reaches it.
    pub fn override_env(self, normalized_name: &str) -> String {
        match self {
            Backend::HatchVcs => "SETUPTOOLS_SCM_PRETEND_VERSION".into(),
            Backend::SetuptoolsScm => format!(
                "SETUPTOOLS_SCM_PRETEND_VERSION_FOR_{}",
                normalized_name
                    .chars()
                    .map(|ch| if ch.is_ascii_alphanumeric() {
                        ch.to_ascii_uppercase()
                    } else {
                        '_'
                    })
                    .collect::<String>()
            ),
            Backend::UvDynamicVersioning => "UV_DYNAMIC_VERSIONING_BYPASS".into(),
            Backend::PdmScm => "PDM_BUILD_SCM_VERSION".into(),
        }
    }
}

/// Which backend, if any, gives the project's version from version control: only when
/// `[project] dynamic` lists `version`.
pub fn backend(pyproject: &PyProject, text: &str) -> Option<Backend> {
    let dynamic = pyproject
        .project
        .as_ref()
        .is_some_and(|p| p.dynamic.iter().any(|d| d == "version"));
    if !dynamic {
        return None;
    }
    let value: toml::Value = toml::from_str(text).ok()?;
    let requires: Vec<String> = value
        .get("build-system")
        .and_then(|b| b.get("requires"))
        .and_then(|r| r.as_array())
        .map(|r| {
            r.iter()
                .filter_map(|r| r.as_str())
                .map(|r| {
                    let end = r
                        .find(|ch: char| {
                            !(ch.is_ascii_alphanumeric() || matches!(ch, '-' | '_' | '.'))
                        })
                        .unwrap_or(r.len());
                    super::names::PackageName::new(&r[..end]).into_string()
                })
                .collect()
        })
        .unwrap_or_default();
    let tool = value.get("tool");
    let table = |path: &[&str]| {
        let mut at = tool;
        for key in path {
            at = at.and_then(|t| t.get(*key));
        }
        at
    };
    let source_is = |path: &[&str], wanted: &str| {
        table(path)
            .and_then(|t| t.get("source"))
            .and_then(|s| s.as_str())
            == Some(wanted)
    };
    let requires_any = |name: &str| requires.iter().any(|r| r == name);
    if requires_any("hatch-vcs") || source_is(&["hatch", "version"], "vcs") {
        Some(Backend::HatchVcs)
    } else if requires_any("uv-dynamic-versioning") || table(&["uv-dynamic-versioning"]).is_some() {
        Some(Backend::UvDynamicVersioning)
    } else if source_is(&["pdm", "version"], "scm") {
        Some(Backend::PdmScm)
    } else if requires_any("setuptools-scm") || table(&["setuptools_scm"]).is_some() {
        Some(Backend::SetuptoolsScm)
    } else {
        None
    }
}

/// What a backend's configuration says that changes the version it computes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BackendConfig {
    /// The version the backend takes when it finds no repository (`fallback_version`,
    /// hatch's `fallback-version`, ...), as written.
    pub fallback: Option<String>,
    /// The key that gives it, for messages: `[tool.setuptools_scm] fallback_version`.
    pub fallback_key: String,
    /// Keys that change the backend's scheme away from its default (`version_scheme`,
    /// `format`, `tag_regex`, ...): the version is then not worked out here beyond the tag.
    pub custom: Vec<String>,
    /// setuptools-scm's `root`, as directories up from the project (`".."` is 1); `None` for
    /// the project directory itself, or a `root` that is not only `..` steps.
    pub root_up: Option<usize>,
    /// Whether `root` is set at all (a value uv-rootless cannot follow is then not the default).
    pub root_set: bool,
    /// setuptools-scm's `search_parent_directories`.
    pub search_parents: bool,
    /// uv-dynamic-versioning's `bump`.
    pub bump: bool,
}

/// Keys of setuptools-scm's configuration that leave the computed version as the default
/// scheme makes it (files it writes, where it looks, its fallback).
const SCM_NEUTRAL: &[&str] = &[
    "root",
    "search_parent_directories",
    "fallback_version",
    "fallback_root",
    "version_file",
    "version_file_template",
    "write_to",
    "write_to_template",
    "relative_to",
    "dist_name",
];

impl BackendConfig {
    /// Reads the backend's own table from the manifest's TOML.
    pub fn read(backend: Backend, manifest: &toml::Value) -> Self {
        let at = |path: &[&str]| {
            let mut at = Some(manifest);
            for key in path {
                at = at.and_then(|t| t.get(*key));
            }
            at.and_then(|t| t.as_table())
        };
        let string = |table: Option<&toml::Table>, key: &str| {
            table
                .and_then(|t| t.get(key))
                .and_then(|v| v.as_str())
                .map(String::from)
        };
        let mut config = BackendConfig::default();
        let scm_options = |config: &mut BackendConfig, table: Option<&toml::Table>, path: &str| {
            let Some(table) = table else { return };
            for (key, value) in table {
                match key.as_str() {
                    "root" => {
                        config.root_set = true;
                        config.root_up = value.as_str().and_then(levels_up);
                    }
                    "search_parent_directories" => {
                        config.search_parents = value.as_bool() == Some(true);
                    }
                    "fallback_version" => {
                        if let Some(fallback) = value.as_str() {
                            config.fallback = Some(fallback.to_string());
                            config.fallback_key = format!("{path} fallback_version");
                        }
                    }
                    key if SCM_NEUTRAL.contains(&key) => {}
                    key => config.custom.push(format!("{path} {key}")),
                }
            }
        };
        match backend {
            Backend::SetuptoolsScm => {
                scm_options(
                    &mut config,
                    at(&["tool", "setuptools_scm"]),
                    "[tool.setuptools_scm]",
                );
            }
            Backend::HatchVcs => {
                let table = at(&["tool", "hatch", "version"]);
                scm_options(
                    &mut config,
                    at(&["tool", "hatch", "version", "raw-options"]),
                    "[tool.hatch.version.raw-options]",
                );
                if let Some(fallback) = string(table, "fallback-version") {
                    config.fallback = Some(fallback);
                    config.fallback_key = "[tool.hatch.version] fallback-version".into();
                }
                if string(table, "tag-pattern").is_some_and(|p| !p.is_empty()) {
                    config
                        .custom
                        .push("[tool.hatch.version] tag-pattern".into());
                }
            }
            Backend::UvDynamicVersioning => {
                let Some(table) = at(&["tool", "uv-dynamic-versioning"]) else {
                    return config;
                };
                for (key, value) in table {
                    match key.as_str() {
                        "fallback-version" | "fallback_version" => {
                            if let Some(fallback) = value.as_str() {
                                config.fallback = Some(fallback.to_string());
                                config.fallback_key = format!("[tool.uv-dynamic-versioning] {key}");
                            }
                        }
                        "bump" if value.as_bool().is_some() => {
                            config.bump = value.as_bool() == Some(true);
                        }
                        "vcs" if matches!(value.as_str(), Some("git" | "any")) => {}
                        "style" if value.as_str() == Some("pep440") => {}
                        "ignore-untracked" | "ignore_untracked" => {}
                        key => config
                            .custom
                            .push(format!("[tool.uv-dynamic-versioning] {key}")),
                    }
                }
            }
            Backend::PdmScm => {
                let Some(table) = at(&["tool", "pdm", "version"]) else {
                    return config;
                };
                for (key, value) in table {
                    match key.as_str() {
                        "fallback_version" => {
                            if let Some(fallback) = value.as_str() {
                                config.fallback = Some(fallback.to_string());
                                config.fallback_key = "[tool.pdm.version] fallback_version".into();
                            }
                        }
                        "source" | "write_to" | "write_template" => {}
                        key => config.custom.push(format!("[tool.pdm.version] {key}")),
                    }
                }
            }
        }
        config
    }
}

/// `..`, `../..`, `../../` as a count of levels up; `.` and `./` as 0; anything else `None`.
fn levels_up(root: &str) -> Option<usize> {
    let mut up = 0;
    for part in root.split(['/', '\\']) {
        match part {
            "" | "." => {}
            ".." => up += 1,
            _ => return None,
        }
    }
    Some(up)
}

/// What git says of the directory a project is in, as the backends ask it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Git {
    /// No repository around the project, or git could not run: why.
    None(String),
    Repo(Repo),
}

/// A git repository around the project.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Repo {
    /// How many directories up from the project its top level is: 0 when the project
    /// directory is the top.
    pub levels_up: usize,
    /// HEAD's full commit hash; empty before the first commit.
    pub head: String,
    /// HEAD abbreviated as git abbreviates it (`rev-parse --short`).
    pub short: String,
    /// Commits reachable from HEAD (in a shallow clone, only those it has).
    pub commits: u64,
    /// Tracked files changed (untracked files do not count, as for the backends).
    pub dirty: bool,
    /// A shallow clone: it may lack the tags and commits the version is made of.
    pub shallow: bool,
    /// The nearest tag whose name matches each glob the backends use: setuptools-scm's
    /// `*[0-9]*`, pdm's `*.*`, dunamai's `v[0-9]*`.
    pub nearest: Vec<Nearest>,
    /// Today's date in UTC, `YYYYMMDD`: setuptools-scm and pdm put it in a changed tree's
    /// version.
    pub today: String,
}

/// The nearest tag that matches a glob, and the commits since it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Nearest {
    pub glob: &'static str,
    /// `(tag, commits since)`; `None` when no tag matches.
    pub tag: Option<(String, u64)>,
}

/// The tag globs asked of `git describe`, one for each backend's default.
pub const GLOBS: [&str; 3] = ["*[0-9]*", "*.*", "v[0-9]*"];

impl Repo {
    /// The nearest tag matching `glob`, and the commits since it.
    pub fn nearest(&self, glob: &str) -> Option<(&str, u64)> {
        self.nearest
            .iter()
            .find(|n| n.glob == glob)
            .and_then(|n| n.tag.as_ref())
            .map(|(tag, distance)| (tag.as_str(), *distance))
    }
}

/// Asks git about the repository around `root` (only read commands; bounded output).
pub fn inspect(root: &Path) -> Git {
    let git = |args: &[&str]| -> Result<String, String> {
        let output = Command::new("git")
            .arg("-C")
            .arg(root)
            .args(args)
            .stdin(std::process::Stdio::null())
            .output()
            .map_err(|error| format!("`git` could not run: {error}"))?;
        if output.status.success() {
            Ok(String::from_utf8_lossy(&output.stdout).trim().to_string())
        } else {
            Err(String::from_utf8_lossy(&output.stderr).trim().to_string())
        }
    };
    let top = match git(&["rev-parse", "--show-toplevel"]) {
        Ok(top) => top,
        Err(error) if error.starts_with("`git` could not run") => return Git::None(error),
        Err(_) => return Git::None("the project is in no git repository".into()),
    };
    let levels_up = match (Path::new(&top).canonicalize(), root.canonicalize()) {
        (Ok(top), Ok(root)) => root
            .strip_prefix(&top)
            .map(|inside| inside.components().count())
            .unwrap_or(0),
        _ => 0,
    };
    let head = git(&["rev-parse", "--verify", "--quiet", "HEAD"]).unwrap_or_default();
    let short = if head.is_empty() {
        String::new()
    } else {
        git(&["rev-parse", "--short", "HEAD"]).unwrap_or_default()
    };
    let commits = if head.is_empty() {
        0
    } else {
        git(&["rev-list", "--count", "HEAD"])
            .ok()
            .and_then(|count| count.parse().ok())
            .unwrap_or(0)
    };
    let dirty = git(&["status", "--porcelain", "--untracked-files=no"])
        .is_ok_and(|status| !status.is_empty());
    let shallow = git(&["rev-parse", "--is-shallow-repository"]).is_ok_and(|s| s == "true");
    let nearest = GLOBS
        .iter()
        .map(|glob| Nearest {
            glob,
            tag: if head.is_empty() {
                None
            } else {
                git(&[
                    "describe",
                    "--tags",
                    "--long",
                    "--abbrev=40",
                    "--match",
                    glob,
                ])
                .ok()
                .and_then(|described| parse_describe(&described))
            },
        })
        .collect();
    Git::Repo(Repo {
        levels_up,
        head,
        short,
        commits,
        dirty,
        shallow,
        nearest,
        today: today_utc(),
    })
}

/// `TAG-DISTANCE-gHASH` (the tag may hold dashes) as the tag and the distance.
fn parse_describe(described: &str) -> Option<(String, u64)> {
    let (rest, hash) = described.rsplit_once('-')?;
    if !hash.starts_with('g') {
        return None;
    }
    let (tag, distance) = rest.rsplit_once('-')?;
    Some((tag.to_string(), distance.parse().ok()?))
}

/// Today's date in UTC as `YYYYMMDD`, from the system clock (civil-from-days).
fn today_utc() -> String {
    let days = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_secs() / 86_400) as i64;
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}{month:02}{day:02}")
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    fn detect(text: &str) -> Option<Backend> {
        backend(&super::super::pyproject::parse(text).unwrap(), text)
    }

    #[test]
    fn each_backend_is_recognised_only_for_a_dynamic_version() {
        let project = "[project]\nname = \"x\"\ndynamic = [\"version\"]\n";
        assert_eq!(
            detect(&format!(
                "{project}[build-system]\nrequires = [\"hatchling\", \"hatch-vcs>=0.4\"]\n"
            )),
            Some(Backend::HatchVcs)
        );
        assert_eq!(
            detect(&format!(
                "{project}[tool.hatch.version]\nsource = \"vcs\"\n"
            )),
            Some(Backend::HatchVcs)
        );
        assert_eq!(
            detect(&format!("{project}[build-system]\nrequires = [\"setuptools>=64\", \"setuptools_scm[toml]>=8\"]\n")),
            Some(Backend::SetuptoolsScm)
        );
        assert_eq!(
            detect(&format!("{project}[tool.setuptools_scm]\n")),
            Some(Backend::SetuptoolsScm)
        );
        assert_eq!(
            detect(&format!(
                "{project}[tool.uv-dynamic-versioning]\nvcs = \"git\"\n"
            )),
            Some(Backend::UvDynamicVersioning)
        );
        assert_eq!(
            detect(&format!("{project}[tool.pdm.version]\nsource = \"scm\"\n")),
            Some(Backend::PdmScm)
        );
        assert_eq!(
            detect(&format!("{project}[tool.pdm.version]\nsource = \"file\"\n")),
            None
        );
        // A static version: the backend never asks git.
        assert_eq!(
            detect("[project]\nname = \"x\"\nversion = \"1.0\"\n[build-system]\nrequires = [\"hatch-vcs\"]\n"),
            None
        );
        assert_eq!(
            Backend::SetuptoolsScm.override_env("my-app.x"),
            "SETUPTOOLS_SCM_PRETEND_VERSION_FOR_MY_APP_X"
        );
    }

    /// Runs git in `dir` with a fixed author, and fails the test on an error.
    pub(crate) fn git(dir: &Path, args: &[&str]) {
        let status = Command::new("git")
            .arg("-C")
            .arg(dir)
            .args(["-c", "user.name=t", "-c", "user.email=t@example.invalid"])
            .args(["-c", "init.defaultBranch=main", "-c", "tag.gpgSign=false"])
            .args(["-c", "commit.gpgSign=false"])
            .args(args)
            .output()
            .unwrap();
        assert!(status.status.success(), "{args:?}: {status:?}");
    }

    /// A new empty directory under the system's temporary directory, outside any repository.
    pub(crate) fn scratch(name: &str) -> std::path::PathBuf {
        let unique = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos();
        let dir = std::env::temp_dir().join(format!(
            "uv-rootless-{name}-{}-{unique}",
            std::process::id()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    fn repo(git: Git) -> Repo {
        match git {
            Git::Repo(repo) => repo,
            Git::None(why) => panic!("no repository: {why}"),
        }
    }

    #[test]
    fn git_is_asked_what_each_backend_reads() {
        let dir = scratch("vcs");
        let root = dir.as_path();
        assert!(
            matches!(inspect(root), Git::None(ref why) if why.contains("no git repository")),
            "not a repository"
        );
        git(root, &["init", "-q"]);
        let empty = repo(inspect(root));
        assert_eq!((empty.head.as_str(), empty.commits), ("", 0));
        std::fs::write(root.join("f"), "x").unwrap();
        git(root, &["add", "f"]);
        git(root, &["commit", "-q", "-m", "one"]);
        let untagged = repo(inspect(root));
        assert_eq!(untagged.commits, 1);
        assert_eq!(untagged.head.len(), 40);
        assert!(untagged.head.starts_with(&untagged.short));
        assert!(untagged.nearest.iter().all(|n| n.tag.is_none()));
        assert!(!untagged.dirty && !untagged.shallow);
        assert_eq!(untagged.levels_up, 0);
        assert_eq!(untagged.today.len(), 8);
        git(root, &["tag", "v1.2.0"]);
        git(root, &["commit", "-q", "--allow-empty", "-m", "two"]);
        git(
            root,
            &["tag", "-a", "release-2", "-m", "not a version for pdm"],
        );
        git(root, &["commit", "-q", "--allow-empty", "-m", "three"]);
        std::fs::write(root.join("f"), "changed").unwrap();
        // An untracked file does not make the tree dirty; a changed tracked one does.
        std::fs::write(root.join("new"), "x").unwrap();
        let after = repo(inspect(root));
        assert_eq!(after.nearest("*[0-9]*"), Some(("release-2", 1)));
        assert_eq!(after.nearest("*.*"), Some(("v1.2.0", 2)));
        assert_eq!(after.nearest("v[0-9]*"), Some(("v1.2.0", 2)));
        assert!(after.dirty);
        // A project in a subdirectory sees the repository around it, and how far up it is.
        std::fs::create_dir_all(root.join("packages/api")).unwrap();
        assert_eq!(repo(inspect(&root.join("packages/api"))).levels_up, 2);
        // A shallow clone knows it is one, and has only the commits it fetched.
        let clone = scratch("vcs-clone");
        let url = format!("file://{}", root.display());
        git(&clone, &["clone", "-q", "--depth", "1", &url, "c"]);
        let shallow = repo(inspect(&clone.join("c")));
        assert!(shallow.shallow);
        assert_eq!(shallow.commits, 1);
        assert!(shallow.nearest.iter().all(|n| n.tag.is_none()));
        std::fs::remove_dir_all(root).unwrap();
        std::fs::remove_dir_all(clone).unwrap();
    }

    #[test]
    fn a_describe_line_splits_at_its_last_two_dashes() {
        assert_eq!(
            parse_describe("my-tag-1.0-3-gabc"),
            Some(("my-tag-1.0".into(), 3))
        );
        assert_eq!(parse_describe("v1-x-gabc"), None);
        assert_eq!(levels_up("../.."), Some(2));
        assert_eq!(levels_up("./"), Some(0));
        assert_eq!(levels_up("../other"), None);
    }

    #[test]
    fn each_backends_own_table_says_its_fallback_and_any_custom_scheme() {
        let config = |backend: Backend, text: &str| {
            BackendConfig::read(backend, &toml::from_str(text).unwrap())
        };
        let scm = config(
            Backend::SetuptoolsScm,
            "[tool.setuptools_scm]\nfallback_version = \"0.9\"\nroot = \"..\"\nversion_file = \"v.py\"\n",
        );
        assert_eq!(scm.fallback.as_deref(), Some("0.9"));
        assert_eq!(scm.fallback_key, "[tool.setuptools_scm] fallback_version");
        assert_eq!((scm.root_up, scm.custom.len()), (Some(1), 0));
        let custom = config(
            Backend::SetuptoolsScm,
            "[tool.setuptools_scm]\nversion_scheme = \"post-release\"\n",
        );
        assert_eq!(custom.custom, ["[tool.setuptools_scm] version_scheme"]);
        let hatch = config(
            Backend::HatchVcs,
            "[tool.hatch.version]\nsource = \"vcs\"\nfallback-version = \"1.0\"\n[tool.hatch.version.raw-options]\nsearch_parent_directories = true\n",
        );
        assert_eq!(hatch.fallback.as_deref(), Some("1.0"));
        assert!(hatch.search_parents && hatch.custom.is_empty());
        let dunamai = config(
            Backend::UvDynamicVersioning,
            "[tool.uv-dynamic-versioning]\nvcs = \"git\"\nstyle = \"pep440\"\nbump = true\nfallback-version = \"0.0.1\"\n",
        );
        assert!(dunamai.bump && dunamai.custom.is_empty());
        assert_eq!(dunamai.fallback.as_deref(), Some("0.0.1"));
        let jinja = config(
            Backend::UvDynamicVersioning,
            "[tool.uv-dynamic-versioning]\nformat-jinja = \"{{ base }}\"\n",
        );
        assert_eq!(jinja.custom, ["[tool.uv-dynamic-versioning] format-jinja"]);
        let pdm = config(
            Backend::PdmScm,
            "[tool.pdm.version]\nsource = \"scm\"\nfallback_version = \"2.0\"\ntag_regex = \"x\"\n",
        );
        assert_eq!(pdm.fallback.as_deref(), Some("2.0"));
        assert_eq!(pdm.custom, ["[tool.pdm.version] tag_regex"]);
    }
}
