//! The operations behind the subcommands: read -> decide -> render -> write or check.
//! Nothing here prints; `main` reports what these return.

use crate::config_edit::{self, Choice};
use crate::decide;
use crate::error::UserError;
use crate::model::Plan;
use crate::output::{self, Status};
use crate::read::{self, ProjectFiles};
use crate::render::{self, Rendered};
use crate::settings::{Flags, Settings};
use std::path::Path;
use toml_edit::{Array, Value};

/// A project read and decided.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub files: ProjectFiles,
    pub plan: Plan,
    pub rendered: Vec<Rendered>,
}

/// Reads the project, merges `flags` over its `[tool.uv-rootless]`, decides and renders.
pub fn load(root: &Path, flags: Flags) -> Result<Loaded, UserError> {
    load_files(read::read_project(root)?, flags)
}

/// As `load`, without the recorded digests: `--pin-digests` records them again.
fn load_unpinned(root: &Path, flags: Flags) -> Result<Loaded, UserError> {
    let mut files = read::read_project(root)?;
    if let Some(config) = files.pyproject.tool.uv_rootless.as_mut() {
        config.digests = None;
    }
    load_files(files, flags)
}

fn load_files(files: ProjectFiles, flags: Flags) -> Result<Loaded, UserError> {
    let config = files.pyproject.tool.uv_rootless.clone().unwrap_or_default();
    let settings = Settings::merge(flags, config);
    let plan = decide::plan(&files, &settings)?;
    let rendered = render::render_all(&plan)?;
    Ok(Loaded {
        files,
        plan,
        rendered,
    })
}

/// What `init` and `generate` did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WriteReport {
    /// Files written (changed), relative to the project.
    pub written: Vec<String>,
    /// Files already current.
    pub unchanged: Vec<String>,
}

/// `init`: writes the outputs and records the choices in `[tool.uv-rootless]`; with
/// `pin_digests`, also the digests of the images (from the local engine).
pub fn init(
    root: &Path,
    flags: Flags,
    force: bool,
    pin_digests: bool,
) -> Result<(Loaded, WriteReport), UserError> {
    let _lock = output::lock_project(root)?;
    let (choices, remove) = choices_to_record(&flags);
    let mut loaded = if pin_digests {
        load_unpinned(root, flags.clone())?
    } else {
        load(root, flags.clone())?
    };
    // The base is always recorded, so a later default cannot change a project's image.
    let mut choices = choices;
    if !choices.iter().any(|choice| choice.key == "base") {
        choices.insert(
            0,
            Choice {
                key: "base",
                value: Value::from(loaded.plan.base.value.id.as_str()),
                comment: BASE_COMMENT,
            },
        );
    }
    if pin_digests {
        let (pinned, choice) = with_digests(loaded, flags)?;
        loaded = pinned;
        choices.push(choice);
    }
    let pyproject = config_edit::record(&loaded.files.pyproject_text, &choices, &remove)?;
    let report = write(root, &loaded, force, Some(pyproject))?;
    Ok((loaded, report))
}

/// `generate`: re-renders from `pyproject.toml` and its `[tool.uv-rootless]`; with
/// `pin_digests`, first records the digests of the images (from the local engine).
pub fn generate(
    root: &Path,
    force: bool,
    pin_digests: bool,
) -> Result<(Loaded, WriteReport), UserError> {
    let _lock = output::lock_project(root)?;
    if !pin_digests {
        let loaded = load(root, Flags::default())?;
        let report = write(root, &loaded, force, None)?;
        return Ok((loaded, report));
    }
    let (loaded, choice) = with_digests(load_unpinned(root, Flags::default())?, Flags::default())?;
    let pyproject = config_edit::record(&loaded.files.pyproject_text, &[choice], &[])?;
    let report = write(root, &loaded, force, Some(pyproject))?;
    Ok((loaded, report))
}

/// The project decided again with the digests of its images as the engine has them now
/// (replacing any recorded before). Nothing is written yet: an image without a digest is an
/// error before any file changes.
fn with_digests(loaded: Loaded, flags: Flags) -> Result<(Loaded, Choice), UserError> {
    let digests = crate::digests::resolve(&crate::digests::images(&loaded.plan))?;
    let choice = digests_choice(&digests);
    let mut files = loaded.files;
    files
        .pyproject
        .tool
        .uv_rootless
        .get_or_insert_with(Default::default)
        .digests = Some(digests);
    Ok((load_files(files, flags)?, choice))
}

fn digests_choice(digests: &std::collections::BTreeMap<String, String>) -> Choice {
    let mut table = toml_edit::InlineTable::new();
    for (image, digest) in digests {
        table.insert(image, Value::from(digest.as_str()));
    }
    Choice {
        key: "digests",
        value: Value::InlineTable(table),
        comment: "Registry digests of the base images, from `--pin-digests`.",
    }
}

fn write(
    root: &Path,
    loaded: &Loaded,
    force: bool,
    pyproject: Option<String>,
) -> Result<WriteReport, UserError> {
    let mut files: Vec<(String, String)> = loaded
        .rendered
        .iter()
        .map(|rendered| (rendered.path.clone(), rendered.content.clone()))
        .collect();
    if let Some(pyproject) = pyproject {
        files.push(("pyproject.toml".into(), pyproject));
    }
    let mut inputs: Vec<String> = ["pyproject.toml", "uv.lock", ".python-version"]
        .map(String::from)
        .to_vec();
    inputs.extend(
        loaded
            .files
            .members
            .iter()
            .map(|member| format!("{}/pyproject.toml", member.path)),
    );
    // Paths first: a link out of the project is refused before any content is compared.
    let prepared = output::prepare(root, &files, &inputs)?;
    output::check_ownership(root, &loaded.rendered, force)?;
    let written = prepared.write()?;
    let unchanged = files
        .iter()
        .map(|(path, _)| path.clone())
        .filter(|path| !written.contains(path))
        .collect();
    Ok(WriteReport { written, unchanged })
}

/// One stale output and how to bring it up to date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stale {
    pub path: String,
    pub status: Status,
    pub diff: String,
}

/// `check`: compares the outputs on disk with what `generate` would write.
pub fn check(root: &Path) -> Result<(Loaded, Vec<Stale>), UserError> {
    let loaded = load(root, Flags::default())?;
    let mut stale = Vec::new();
    for rendered in &loaded.rendered {
        let status = output::status(root, rendered)?;
        if status == Status::Current {
            continue;
        }
        let existing = std::fs::read_to_string(root.join(&rendered.path)).unwrap_or_default();
        stale.push(Stale {
            path: rendered.path.clone(),
            status,
            diff: output::unified_diff(&rendered.path, &existing, &rendered.content),
        });
    }
    Ok((loaded, stale))
}

const BASE_COMMENT: &str = "Base image family: \"python-slim\" or \"azurelinux\".";

/// The flags given to `init`, as keys of `[tool.uv-rootless]`; and the keys they replace.
fn choices_to_record(flags: &Flags) -> (Vec<Choice>, Vec<&'static str>) {
    let Flags {
        base,
        python,
        script,
        command,
        port,
        package,
        uid,
        gid,
        platforms,
    } = flags;
    let mut choices = Vec::new();
    let mut remove = Vec::new();
    if let Some(base) = base {
        choices.push(Choice {
            key: "base",
            value: Value::from(base.as_str()),
            comment: BASE_COMMENT,
        });
    }
    if let Some(python) = python {
        choices.push(Choice {
            key: "python",
            value: Value::from(python.as_str()),
            comment: "Python version of the image; wins over .python-version.",
        });
    }
    if let Some(script) = script {
        choices.push(Choice {
            key: "script",
            value: Value::from(script.as_str()),
            comment: "Console script from [project.scripts] that the image runs.",
        });
        remove.push("command");
    }
    if let Some(command) = command {
        let array: Array = command.iter().map(String::as_str).collect();
        choices.push(Choice {
            key: "command",
            value: Value::Array(array),
            comment: "Command the image runs, exec form.",
        });
        remove.push("script");
    }
    if let Some(port) = port {
        choices.push(Choice {
            key: "port",
            value: Value::from(i64::from(*port)),
            comment: "Port the web server listens on.",
        });
    }
    if let Some(package) = package {
        choices.push(Choice {
            key: "package",
            value: Value::from(package.as_str()),
            comment: "Workspace member to build.",
        });
    }
    if let Some(uid) = uid {
        choices.push(Choice {
            key: "uid",
            value: Value::from(i64::from(*uid)),
            comment: "Numeric user id the container runs as.",
        });
    }
    if let Some(gid) = gid {
        choices.push(Choice {
            key: "gid",
            value: Value::from(i64::from(*gid)),
            comment: "Numeric group id the container runs as.",
        });
    }
    if let Some(platforms) = platforms {
        let array: Array = platforms.iter().map(String::as_str).collect();
        choices.push(Choice {
            key: "platforms",
            value: Value::Array(array),
            comment: "Docker platforms whose wheels are checked.",
        });
    }
    (choices, remove)
}
