//! Which project the image runs: the root, the workspace member chosen with `--package`, or
//! the one project of the workspace that has a command. Each candidate's command is decided
//! once, and the same results explain a refusal.

use super::command::{self, CommandChoice};
use crate::error::UserError;
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

/// The chosen project and its decided command.
pub struct Selected<'a> {
    pub app: AppProject<'a>,
    pub command: CommandChoice,
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
    let decided = |app: AppProject<'a>| -> Result<Selected<'a>, UserError> {
        let command = command::decide(files, &app, settings, venv_bin, port)?;
        Ok(Selected { app, command })
    };

    if let Some(setting) = &settings.package {
        let wanted = PackageName::new(&setting.value);
        if files
            .pyproject
            .project
            .as_ref()
            .is_some_and(|project| wanted.is(&project.name))
        {
            return decided(root);
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
        return decided(member);
    }
    if members.is_empty() || settings.command.is_some() || settings.script.is_some() {
        return decided(root);
    }
    // A root without `[project]` and a single member: that member is the app, and its own
    // error (if any) is the one worth showing.
    let root_is_project = files.pyproject.project.is_some();
    if !root_is_project && members.len() == 1 {
        return match members.into_iter().next() {
            Some(member) => decided(member),
            None => decided(root),
        };
    }
    // A workspace without `--package`: the root if it runs something, else the one member that
    // does. Each candidate's command is decided once.
    let root_outcome = if root_is_project {
        match command::decide(files, &root, settings, venv_bin, port) {
            Ok(command) => return Ok(Selected { app: root, command }),
            Err(error) => Some(error),
        }
    } else {
        None
    };
    let outcomes: Vec<(AppProject<'a>, Result<CommandChoice, UserError>)> = members
        .into_iter()
        .map(|member| {
            let outcome = command::decide(files, &member, settings, venv_bin, port);
            (member, outcome)
        })
        .collect();
    let mut runnable: Vec<(AppProject<'a>, CommandChoice)> = Vec::new();
    let mut refused: Vec<(AppProject<'a>, UserError)> = Vec::new();
    for (member, outcome) in outcomes {
        match outcome {
            Ok(command) => runnable.push((member, command)),
            Err(error) => refused.push((member, error)),
        }
    }
    if runnable.len() == 1 {
        if let Some((app, command)) = runnable.pop() {
            return Ok(Selected { app, command });
        }
    }
    if runnable.is_empty() {
        let mut error = UserError::new(
            "no project of this workspace has a command uv-rootless can run: choose one with `--package NAME` and give its `--command`",
        );
        if let Some(root_error) = root_outcome {
            error = error.detail(format!("`{}`: {}", root.manifest, root_error.message));
        }
        for (member, reason) in &refused {
            error = error.detail(format!("`{}`: {}", member.manifest, reason.message));
        }
        return Err(error.hint("e.g. `uv-rootless init --package NAME --command python -m NAME`"));
    }
    let listed: Vec<String> = runnable
        .iter()
        .map(|(member, choice)| {
            let command = serde_json::to_string(&choice.command.value).unwrap_or_default();
            format!("`{}` ({}) runs {command}", member.member, member.manifest)
        })
        .collect();
    Err(UserError::new(
        "several projects of this workspace can run: choose one with `--package NAME`",
    )
    .detail(listed.join("\n"))
    .hint(format!(
        "e.g. `uv-rootless init --package {}`",
        runnable.first().map_or("NAME", |(m, _)| m.member.as_str())
    )))
}
