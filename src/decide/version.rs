//! The version of a project whose build backend reads it from git: `version` in
//! `[tool.uv-rootless]`, else the nearest git tag that read found, `v` stripped, as PEP 440.

use crate::error::UserError;
use crate::options::Settings;
use crate::read::ProjectFiles;
use pep440_rs::Version;
use std::str::FromStr;

/// The version, and the override variables of the backends that take it. `None` when no
/// project reads its version from git.
pub fn decide(
    files: &ProjectFiles,
    settings: &Settings,
) -> Result<Option<(String, Vec<String>)>, UserError> {
    let Some(first) = files.vcs_versioned.first() else {
        return Ok(None);
    };
    let (raw, from) = match (&settings.version, &files.git_tag) {
        (Some(setting), _) => (setting.value.clone(), "`version` in `[tool.uv-rootless]`"),
        (None, Some(Ok(tag))) => (tag.clone(), "the nearest git tag"),
        (None, Some(Err(why))) => {
            return Err(UserError::new(format!(
                "`{}` reads its version from git with {}, and git gives none: {why}",
                first.manifest,
                first.backend.name()
            ))
            .detail("the build context has no `.git`, so the version is worked out before the build and passed to it")
            .hint("tag the release (`git tag v1.0.0`; in CI, fetch tags: `git fetch --tags`)")
            .hint("or set `version = \"1.0.0\"` in `[tool.uv-rootless]`"))
        }
        (None, None) => return Err(crate::error::internal("no git tag was read")),
    };
    let version = raw.trim().strip_prefix(['v', 'V']).unwrap_or(raw.trim());
    if Version::from_str(version).is_err() {
        return Err(UserError::new(format!(
            "{from} is {}, which is not a PEP 440 version",
            serde_json::to_string(&raw).unwrap_or_default()
        ))
        .hint("use a version such as `1.2.0` or `v1.2.0` (tag), or set `version` in `[tool.uv-rootless]`"));
    }
    let mut env: Vec<String> = Vec::new();
    for project in &files.vcs_versioned {
        let name = project.backend.override_env(&project.name);
        if !env.contains(&name) {
            env.push(name);
        }
    }
    Ok(Some((version.to_string(), env)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::options::Setting;
    use crate::read::project::VcsVersioned;
    use crate::read::vcs::Backend;

    fn files(tag: Result<&str, &str>) -> ProjectFiles {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/cli-hello");
        let mut files = crate::read::read_project(&root).unwrap();
        files.vcs_versioned = vec![VcsVersioned {
            name: "cli-hello".into(),
            manifest: "pyproject.toml".into(),
            backend: Backend::SetuptoolsScm,
        }];
        files.git_tag = Some(tag.map(String::from).map_err(String::from));
        files
    }

    #[test]
    fn the_tag_loses_its_v_the_setting_wins_and_no_tag_is_an_error() {
        let settings = Settings::default();
        let (version, env) = decide(&files(Ok("v1.2.0+local")), &settings)
            .unwrap()
            .unwrap();
        assert_eq!(version, "1.2.0+local");
        assert_eq!(env, ["SETUPTOOLS_SCM_PRETEND_VERSION_FOR_CLI_HELLO"]);
        let error = decide(&files(Err("git finds no tag")), &settings).unwrap_err();
        assert!(error.to_string().contains("git gives none"), "{error}");
        assert!(decide(&files(Ok("release-7")), &settings).is_err());
        let chosen = Settings {
            version: Some(Setting {
                value: "2.0".into(),
                source: crate::model::Source::Config,
            }),
            ..Settings::default()
        };
        let (version, _) = decide(&files(Err("no tag")), &chosen).unwrap().unwrap();
        assert_eq!(version, "2.0");
    }

    #[test]
    fn a_local_version_keeps_its_meaning_in_the_tag() {
        assert_eq!(crate::decide::names::tag_safe("1.0+local"), "1.0-local");
        assert_eq!(crate::decide::names::tag_safe("1.0"), "1.0");
    }
}
