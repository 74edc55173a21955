//! The operations behind the subcommands: read -> decide -> render -> write or check.
//! Nothing here prints; `main` reports what these return.

use crate::config_edit::{self, Choice};
use crate::decide;
use crate::error::UserError;
use crate::model::Plan;
use crate::options::{Flags, Settings, ToolConfig};
use crate::output::{self, Status};
use crate::read::{self, ProjectFiles};
use crate::render::{self, Rendered};
use crate::verify::{self, Check};
use std::path::Path;

/// A project read and decided.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub files: ProjectFiles,
    pub plan: Plan,
    pub rendered: Vec<Rendered>,
}

/// Reads the project, merges `flags` over its `[tool.uv-rootless]`, decides and renders.
pub fn load(root: &Path, flags: Flags) -> Result<Loaded, UserError> {
    load_files(read_files(root)?, flags)
}

/// As `load`, without the recorded digests: `--pin-digests` records them again.
fn load_unpinned(root: &Path, flags: Flags) -> Result<Loaded, UserError> {
    let mut files = read_files(root)?;
    if let Some(config) = files.pyproject.tool.uv_rootless.as_mut() {
        config.digests = None;
    }
    load_files(files, flags)
}

/// The project's files, the lock not yet checked against the manifests ([`load_files`] does);
/// for a large lock, the templates compile meanwhile.
fn read_files(root: &Path) -> Result<ProjectFiles, UserError> {
    if read::has_large_lock(root) {
        render::warm_up();
    }
    read::read_unchecked(root)
}

/// Checks that the lock was made from the manifests, on another thread while the plan is
/// decided: a stale lock's error comes first, whatever deciding said.
fn load_files(files: ProjectFiles, flags: Flags) -> Result<Loaded, UserError> {
    let config = files.pyproject.tool.uv_rootless.clone().unwrap_or_default();
    let settings = Settings::merge(flags, config);
    let plan = std::thread::scope(|scope| {
        let check = || read::lock_check::check(&files);
        let thread = || std::thread::Builder::new().spawn_scoped(scope, check).ok();
        let Some(checking) = read::has_large_lock(&files.root).then(thread).flatten() else {
            // A small lock, or no thread to be had: one after the other.
            check()?;
            return decide::plan(&files, &settings);
        };
        let plan = decide::plan(&files, &settings);
        checking
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic))?;
        plan
    })?;
    let mut rendered = render::render_all(&plan)?;
    // The user's patterns at the end of `.dockerignore` are theirs: kept, and never stale.
    output::keep_user_lines(&files.root, &mut rendered);
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
    let mut loaded = if pin_digests {
        load_unpinned(root, flags.clone())?
    } else {
        load(root, flags.clone())?
    };
    // The base is always recorded, so a later default cannot change a project's image.
    let recorded = Flags {
        base: Some(flags.base.unwrap_or(loaded.plan.base.value.id)),
        ..flags.clone()
    };
    let (mut choices, remove) = recorded.choices();
    if pin_digests {
        let (pinned, digests) = with_digests(loaded, flags)?;
        loaded = pinned;
        choices.extend(digests);
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
    let (loaded, choices) = with_digests(load_unpinned(root, Flags::default())?, Flags::default())?;
    let pyproject = config_edit::record(&loaded.files.pyproject_text, &choices, &[])?;
    let report = write(root, &loaded, force, Some(pyproject))?;
    Ok((loaded, report))
}

/// The project decided again with the digests of its images as the engine has them now
/// (replacing any recorded before). Nothing is written yet: an image without a digest is an
/// error before any file changes. Also returns the `digests` key to record.
fn with_digests(loaded: Loaded, flags: Flags) -> Result<(Loaded, Vec<Choice>), UserError> {
    let digests = crate::digests::resolve(&crate::digests::images(&loaded.plan))?;
    let recorded = ToolConfig {
        digests: Some(digests.clone()),
        ..ToolConfig::default()
    };
    let mut files = loaded.files;
    files
        .pyproject
        .tool
        .uv_rootless
        .get_or_insert_with(Default::default)
        .digests = Some(digests);
    Ok((load_files(files, flags)?, recorded.choices()))
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
    output::check_in_the_way(
        root,
        &loaded.rendered,
        &loaded.plan.outputs.dockerfile,
        &loaded.plan.outputs.compose,
        force,
    )?;
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

/// What `verify` tells as it goes, before its report.
#[derive(Debug)]
pub enum Progress<'a> {
    /// An output on disk differs from what `generate` writes; the file on disk is verified.
    Stale(&'a Stale),
    /// The build starts: of this tag, or (None) of an image known by its id alone.
    Building(Option<&'a str>),
    /// What the user should know although nothing failed (the plan's warnings).
    Warning(&'a str),
    /// What reading the source found that the container may refuse (a write to a read-only
    /// path), shown before the checks so that a failing run comes with its likely cause.
    Hint(&'a str),
    /// A check completed.
    Check(&'a Check),
}

/// `verify` builds and runs the files on disk: with none written yet (no Dockerfile, unless
/// `--dockerfile` names another), there is nothing to verify, and the fix is `init`.
fn missing_outputs(stale: &[Stale], plan: &Plan, options: &verify::Options) -> Option<UserError> {
    let missing: Vec<&str> = stale
        .iter()
        .filter(|file| file.status == Status::Missing)
        .map(|file| file.path.as_str())
        .collect();
    let dockerfile = plan.outputs.dockerfile.as_str();
    (options.dockerfile.is_none() && missing.contains(&dockerfile)).then(|| {
        UserError::new(format!(
            "`{dockerfile}` does not exist: `verify` builds and runs the generated files on disk"
        ))
        .detail(format!("not written yet: {}", missing.join(", ")))
        .hint("run `uv-rootless init` in the project first (or `generate`, when `[tool.uv-rootless]` is already there), then `verify`")
    })
}

/// `verify`: builds the image from the outputs on disk and checks it on the Docker engine.
/// Stale outputs are not an error here: they are reported and verified as they are.
pub fn verify(
    root: &Path,
    options: &verify::Options,
    on_progress: &mut dyn FnMut(Progress<'_>),
) -> Result<verify::Report, UserError> {
    let (loaded, stale) = check(root)?;
    if let Some(missing) = missing_outputs(&stale, &loaded.plan, options) {
        return Err(missing);
    }
    for warning in &loaded.plan.warnings {
        on_progress(Progress::Warning(warning));
    }
    for hint in &loaded.plan.runtime.hints {
        on_progress(Progress::Hint(hint));
    }
    for file in &stale {
        on_progress(Progress::Stale(file));
    }
    // The version of the tree as it is, not only the release the files carry.
    let plan = decide::for_this_tree(&loaded.plan);
    on_progress(Progress::Building(verify::image_tag(&plan, options)));
    verify::verify(&loaded.files, &plan, options, &mut |check| {
        on_progress(Progress::Check(check))
    })
}
