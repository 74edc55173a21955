//! Which project the image runs: the root, the workspace member chosen with `--package`, or
//! the one project of the workspace that has a command. Each candidate's command is decided
//! once, and the same results explain a refusal.

use super::command::{self, CommandChoice};
use crate::error::UserError;
use crate::model::{Source, Target};
use crate::options::Settings;
use crate::read::names::PackageName;
use crate::read::pyproject::PyProject;
use crate::read::source::SourceScan;
use crate::read::ProjectFiles;

/// The project whose command the image runs: the root, or one workspace member.
#[derive(Debug, Clone)]
pub struct AppProject<'a> {
    pub pyproject: &'a PyProject,
    /// Its manifest, relative to the root: `pyproject.toml` or `packages/api/pyproject.toml`.
    pub manifest: String,
    /// Its source, as read.
    pub source: &'a SourceScan,
    /// The member's normalised name when it is not the root; empty otherwise.
    pub member: String,
}

impl AppProject<'_> {
    /// Where module paths start, relative to the root: `""`, `src`, `packages/api/src`.
    pub fn import_root(&self) -> &str {
        &self.source.import_root
    }
}

/// The chosen project, its decided command, and every project of a workspace that could run
/// with the reason for the choice (empty for a single project).
pub struct Selected<'a> {
    pub app: AppProject<'a>,
    pub command: CommandChoice,
    pub targets: Vec<Target>,
}

/// The root, or the workspace member chosen with `--package` (or the only runnable one), and
/// the command it runs.
pub fn select<'a>(
    files: &'a ProjectFiles,
    settings: &Settings,
    venv_bin: &str,
    port: u16,
) -> Result<Selected<'a>, UserError> {
    let root = AppProject {
        pyproject: &files.pyproject,
        manifest: "pyproject.toml".into(),
        source: &files.source,
        member: String::new(),
    };
    let members: Vec<AppProject<'a>> = files
        .members
        .iter()
        .filter_map(|member| {
            let project = member.pyproject.project.as_ref()?;
            Some(AppProject {
                pyproject: &member.pyproject,
                manifest: format!("{}/pyproject.toml", member.path),
                source: &member.source,
                member: PackageName::new(&project.name).into_string(),
            })
        })
        .collect();
    let root_is_project = files.pyproject.project.is_some();
    // Every project of a workspace, with the command it would run by itself (the command and
    // script chosen for the app are not theirs), for the list `explain` shows.
    let own = Settings {
        command: None,
        script: None,
        ..settings.clone()
    };
    let candidates: Vec<(AppProject<'a>, Result<CommandChoice, UserError>)> = if members.is_empty()
    {
        Vec::new()
    } else {
        root_is_project
            .then(|| root.clone())
            .into_iter()
            .chain(members.iter().cloned())
            .map(|project| {
                let outcome = command::decide(files, &project, &own, venv_bin, port);
                (project, outcome)
            })
            .collect()
    };
    let runnable = candidates
        .iter()
        .filter(|(_, outcome)| outcome.is_ok())
        .count();
    let choose = |app: AppProject<'a>, why: String| -> Result<Selected<'a>, UserError> {
        let command = command::decide(files, &app, settings, venv_bin, port)?;
        let targets = candidates
            .iter()
            .map(|(project, outcome)| {
                let chosen = project.manifest == app.manifest;
                let flag = format!(
                    "`--package {}`",
                    project
                        .pyproject
                        .project
                        .as_ref()
                        .map_or("NAME", |p| p.name.as_str())
                );
                let (command, reason) = match (chosen, outcome) {
                    (true, _) => (command.command.value.clone(), why.clone()),
                    (false, Ok(choice)) => (
                        choice.command.value.clone(),
                        format!(
                            "can run too ({}): choose it with {flag}",
                            choice.command.reason
                        ),
                    ),
                    (false, Err(error)) => (Vec::new(), error.message.clone()),
                };
                Target {
                    name: project
                        .pyproject
                        .project
                        .as_ref()
                        .map(|p| p.name.clone())
                        .unwrap_or_default(),
                    manifest: project.manifest.clone(),
                    root: project.member.is_empty(),
                    chosen,
                    command,
                    reason,
                }
            })
            .collect();
        Ok(Selected {
            app,
            command,
            targets,
        })
    };
    let others = |runnable: usize| {
        if runnable > 1 {
            format!(", although {} projects of the workspace can run", runnable)
        } else {
            String::new()
        }
    };

    if let Some(setting) = &settings.package {
        let wanted = PackageName::new(&setting.value);
        let how = if setting.source == Source::Flag {
            "chosen with `--package`"
        } else {
            "chosen with `package` in `[tool.uv-rootless]`"
        };
        if files
            .pyproject
            .project
            .as_ref()
            .is_some_and(|project| wanted.is(&project.name))
        {
            return choose(root, how.to_string());
        }
        let Some(member) = members.into_iter().find(|member| wanted.is(&member.member)) else {
            let names: Vec<String> = files
                .members
                .iter()
                .filter_map(|m| m.pyproject.project.as_ref())
                .map(|p| format!("`{}`", p.name))
                .collect();
            let error = UserError::new(format!(
                "`{}` is not a project of this workspace",
                setting.value
            ));
            return Err(if names.is_empty() {
                error.hint("`--package` is for uv workspaces; this project has no `[tool.uv.workspace]` members")
            } else {
                error.hint(format!(
                    "choose one of {} with `--package NAME`",
                    names.join(", ")
                ))
            });
        };
        return choose(member, how.to_string());
    }
    if members.is_empty() {
        return choose(root, String::new());
    }
    if settings.command.is_some() || settings.script.is_some() {
        return choose(
            root,
            format!(
                "the root project, which the chosen command or script runs in without `--package`{}",
                others(runnable)
            ),
        );
    }
    // A root without `[project]` and a single member: that member is the app, and its own
    // error (if any) is the one worth showing.
    if !root_is_project && members.len() == 1 {
        return match members.into_iter().next() {
            Some(member) => choose(
                member,
                "the workspace's only project (the root has no `[project]`)".into(),
            ),
            None => choose(root, String::new()),
        };
    }
    // A workspace without `--package`: the root if it runs something, else the one member that
    // does.
    let root_outcome = candidates
        .iter()
        .find(|(project, _)| project.member.is_empty())
        .map(|(_, outcome)| outcome);
    if let Some(Ok(_)) = root_outcome {
        return choose(
            root,
            format!(
                "the workspace's root project runs a command, and the root comes first without `--package`{}",
                others(runnable)
            ),
        );
    }
    let mut runnable_members: Vec<&AppProject<'a>> = candidates
        .iter()
        .filter(|(project, outcome)| !project.member.is_empty() && outcome.is_ok())
        .map(|(project, _)| project)
        .collect();
    if runnable_members.len() == 1 {
        if let Some(app) = runnable_members.pop() {
            let why = if root_is_project {
                "the only project of the workspace with a command (the root has none)"
            } else {
                "the only project of the workspace with a command"
            };
            return choose(app.clone(), why.into());
        }
    }
    if runnable_members.is_empty() {
        let mut error = UserError::new(
            "no project of this workspace has a command uv-rootless can run: choose one with `--package NAME` and give its `--command`",
        );
        for (project, outcome) in &candidates {
            if let Err(reason) = outcome {
                error = error.detail(format!("`{}`: {}", project.manifest, reason.message));
            }
        }
        return Err(error.hint("e.g. `uv-rootless init --package NAME --command python -m NAME`"));
    }
    let listed: Vec<String> = candidates
        .iter()
        .filter(|(project, _)| !project.member.is_empty())
        .filter_map(|(project, outcome)| {
            let choice = outcome.as_ref().ok()?;
            let command = serde_json::to_string(&choice.command.value).unwrap_or_default();
            Some(format!(
                "`{}` ({}) runs {command}",
                project.member, project.manifest
            ))
        })
        .collect();
    Err(UserError::new(
        "several projects of this workspace can run: choose one with `--package NAME`",
    )
    .detail(listed.join("\n"))
    .hint(format!(
        "e.g. `uv-rootless init --package {}`",
        runnable_members
            .first()
            .map_or("NAME", |m| m.member.as_str())
    )))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::options::Setting;
    use std::path::Path;

    fn targets(dir: &str, settings: &Settings) -> Vec<Target> {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
        let files = crate::read::read_project(&root).unwrap();
        select(&files, settings, "/app/bin", 8000).unwrap().targets
    }

    fn summary(targets: &[Target]) -> Vec<(String, bool, usize)> {
        targets
            .iter()
            .map(|t| (t.name.clone(), t.chosen, t.command.len()))
            .collect()
    }

    #[test]
    fn a_workspace_lists_every_project_that_could_run_and_why_one_was_chosen() {
        // The root is an app (a Django site) and the member has a script: both can run.
        let site = targets(
            "tests/fixtures/projects/workspace-site",
            &Settings::default(),
        );
        assert_eq!(
            summary(&site),
            [
                ("site".to_string(), true, 4),
                ("site-tools".to_string(), false, 1)
            ]
        );
        assert!(site[0].root && !site[1].root);
        assert!(
            site[0].reason.contains("root project runs a command"),
            "{}",
            site[0].reason
        );
        assert!(site[0]
            .reason
            .contains("2 projects of the workspace can run"));
        assert_eq!(site[1].command, ["/app/bin/site-tools"]);
        assert!(
            site[1].reason.contains("`--package site-tools`"),
            "{}",
            site[1].reason
        );
        // `--package` chooses the member; the root is listed as the other that can run.
        let chosen = Settings {
            package: Some(Setting {
                value: "site-tools".into(),
                source: Source::Flag,
            }),
            ..Settings::default()
        };
        let member = targets("tests/fixtures/projects/workspace-site", &chosen);
        assert_eq!(
            summary(&member),
            [
                ("site".to_string(), false, 4),
                ("site-tools".to_string(), true, 1)
            ]
        );
        assert_eq!(member[1].reason, "chosen with `--package`");
        // A root that runs nothing: the one member that does, and why the root does not.
        let workspace = targets("examples/workspace", &Settings::default());
        assert_eq!(
            summary(&workspace),
            [
                ("workspace-root".to_string(), false, 0),
                ("acme-api".to_string(), true, 6),
                ("acme-core".to_string(), false, 0)
            ]
        );
        assert!(
            workspace[0].reason.contains("no single console script"),
            "{}",
            workspace[0].reason
        );
        assert!(workspace[1]
            .reason
            .contains("only project of the workspace with a command"));
        // A single project has no list.
        assert!(targets("examples/cli-hello", &Settings::default()).is_empty());
    }
}
