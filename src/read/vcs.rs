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

/// What git says of the project's version: the nearest tag, or why there is none.
pub fn git_tag(root: &Path) -> Result<String, String> {
    let git = |args: &[&str]| -> Result<String, String> {
        let output = Command::new("git")
            .arg("-C")
            .arg(root)
            .args(args)
            .output()
            .map_err(|error| format!("`git` could not run: {error}"))?;
        if output.status.success() {
            Ok(String::from_utf8_lossy(&output.stdout).trim().to_string())
        } else {
            Err(String::from_utf8_lossy(&output.stderr).trim().to_string())
        }
    };
    // The backends read the repository whose top level is the project directory; a repository
    // further up (this project copied into another one) is not the project's history.
    let top = git(&["rev-parse", "--show-toplevel"])
        .map_err(|error| format!("the project directory is not a git repository ({error})"))?;
    let same = match (Path::new(&top).canonicalize(), root.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    };
    if !same {
        // The repository's path stays out of the message: it differs on every machine.
        return Err("the project directory is not the top of its git repository".to_string());
    }
    git(&["describe", "--tags", "--abbrev=0"])
        .map_err(|error| format!("git finds no tag ({error})"))
}

#[cfg(test)]
mod tests {
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

    fn git(dir: &Path, args: &[&str]) {
        let status = Command::new("git")
            .arg("-C")
            .arg(dir)
            .args(["-c", "user.name=t", "-c", "user.email=t@example.invalid"])
            .args(args)
            .output()
            .unwrap();
        assert!(status.status.success(), "{args:?}: {status:?}");
    }

    #[test]
    fn the_tag_comes_from_the_projects_own_repository_only() {
        let unique = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos();
        let dir =
            std::env::temp_dir().join(format!("uv-rootless-vcs-{}-{unique}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let root = dir.as_path();
        assert!(git_tag(root).is_err(), "not a repository");
        git(root, &["init", "-q"]);
        std::fs::write(root.join("f"), "x").unwrap();
        git(root, &["add", "f"]);
        git(root, &["commit", "-q", "-m", "one"]);
        let untagged = git_tag(root).unwrap_err();
        assert!(untagged.contains("no tag"), "{untagged}");
        git(root, &["tag", "v1.2.0"]);
        assert_eq!(git_tag(root).unwrap(), "v1.2.0");
        // A project inside another repository is not that repository's history.
        std::fs::create_dir(root.join("sub")).unwrap();
        let nested = git_tag(&root.join("sub")).unwrap_err();
        assert!(nested.contains("not the top"), "{nested}");
        std::fs::remove_dir_all(root).unwrap();
    }
}
