//! Reads a whole project: the root `pyproject.toml`, `uv.lock`, `.python-version`, and the
//! manifests of workspace members; then checks that the lock still matches the manifests.

use super::lock::{self, Lock};
use super::pyproject::PyProject;
use super::python_version::{self, PinnedPython};
use super::source::{self, SourceScan};
use super::workspace::{self, Member};
use super::{
    lock_check, parse_toml, read_text, vcs, MAX_LOCK_BYTES, MAX_PYPROJECT_BYTES,
    MAX_PYTHON_VERSION_BYTES,
};
use crate::error::UserError;
use std::path::{Path, PathBuf};

/// Everything the project's files say, before any decision.
#[derive(Debug, Clone)]
pub struct ProjectFiles {
    /// The project directory (the Docker build context).
    pub root: PathBuf,
    /// The root `pyproject.toml`, as text: `init` edits it with toml_edit.
    pub pyproject_text: String,
    pub pyproject: PyProject,
    pub lock: Lock,
    pub python_version: Option<PinnedPython>,
    /// Workspace members other than the root, sorted by path.
    pub members: Vec<Member>,
    /// The root project's source, scanned once.
    pub source: SourceScan,
    /// Projects (the root and members) whose build backend reads the version from git.
    pub vcs_versioned: Vec<VcsVersioned>,
    /// Projects (the root and members) whose dynamic version the build backend reads from a
    /// file of theirs, or from elsewhere uv-rootless does not read.
    pub file_versioned: Vec<FileVersioned>,
    /// What git says of the repository around the project directory; asked only when a
    /// project reads its version from git.
    pub git: Option<vcs::Git>,
}

/// A project whose version its build backend reads from version control.
#[derive(Debug, Clone)]
pub struct VcsVersioned {
    /// PEP 503 normalised name.
    pub name: String,
    /// Its manifest, relative to the root.
    pub manifest: String,
    pub backend: vcs::Backend,
    /// What the backend's own table changes in the version it computes.
    pub config: vcs::BackendConfig,
    /// How many directories below the root its manifest is: 0 for the root, 2 for
    /// `packages/api`.
    pub depth: usize,
}

/// A project whose dynamic version does not come from git: what its version file says.
#[derive(Debug, Clone)]
pub struct FileVersioned {
    /// PEP 503 normalised name.
    pub name: String,
    /// Its manifest, relative to the root.
    pub manifest: String,
    /// The version and the file it is in, or why it cannot be read here.
    pub found: Result<(String, String), String>,
}

/// An error when `path` exists but is no file (through links): a directory named
/// `pyproject.toml` is not a missing `pyproject.toml`, and the message says which it is.
fn not_a_file(path: &Path, display: &str) -> Result<(), UserError> {
    let Ok(metadata) = std::fs::metadata(path) else {
        return Ok(());
    };
    if metadata.is_file() {
        return Ok(());
    }
    let what = if metadata.is_dir() {
        "a directory"
    } else {
        "not a regular file"
    };
    Err(
        UserError::new(format!("`{display}` is {what}, not a file")).hint(format!(
            "move it away: uv-rootless reads `{display}` as a file"
        )),
    )
}

/// Reads the project at `root`.
pub fn read_project(root: &Path) -> Result<ProjectFiles, UserError> {
    let files = read_unchecked(root)?;
    lock_check::check(&files)?;
    Ok(files)
}

/// [`read_project`] without the check that the lock was made from these manifests, for a
/// caller that runs [`lock_check::check`] itself (beside the decisions, on another thread).
pub fn read_unchecked(root: &Path) -> Result<ProjectFiles, UserError> {
    let pyproject_path = root.join("pyproject.toml");
    not_a_file(&pyproject_path, "pyproject.toml")?;
    if !pyproject_path.is_file() {
        return Err(UserError::new(format!(
            "`pyproject.toml` not found in `{}`",
            root.display()
        ))
        .hint("run uv-rootless in the project's root directory, or pass its path, e.g. `uv-rootless init path/to/project`"));
    }
    let pyproject_text = read_text(&pyproject_path, "pyproject.toml", MAX_PYPROJECT_BYTES)?;
    let pyproject: PyProject = parse_toml(&pyproject_text, "pyproject.toml")?;
    // Before the lock, whose entry for the project carries the same name: the error about
    // `pyproject.toml` is the one to fix first.
    if let Some(project) = &pyproject.project {
        super::names::check_project_name(&project.name, "pyproject.toml")?;
    }

    let lock_path = root.join("uv.lock");
    not_a_file(&lock_path, "uv.lock")?;
    if !lock_path.is_file() {
        return Err(UserError::new("`uv.lock` not found")
            .hint("run `uv lock` to create it, and commit it: the image installs exactly what it locks")
            .hint("if this project is a member of a uv workspace, run uv-rootless at the workspace root with `--package NAME`"));
    }
    let lock = lock::parse(&read_text(&lock_path, "uv.lock", MAX_LOCK_BYTES)?)?;

    let python_version_path = root.join(".python-version");
    not_a_file(&python_version_path, ".python-version")?;
    let python_version = if python_version_path.is_file() {
        Some(python_version::parse(&read_text(
            &python_version_path,
            ".python-version",
            MAX_PYTHON_VERSION_BYTES,
        )?)?)
    } else {
        None
    };

    let members = workspace::read_members(root, &pyproject)?;
    let mut vcs_versioned = Vec::new();
    let mut file_versioned = Vec::new();
    let mut manifests = vec![("pyproject.toml".to_string(), &pyproject)];
    manifests.extend(
        members
            .iter()
            .map(|m| (format!("{}/pyproject.toml", m.path), &m.pyproject)),
    );
    for (manifest, manifest_pyproject) in manifests {
        let Some(project) = &manifest_pyproject.project else {
            continue;
        };
        let text = if manifest == "pyproject.toml" {
            pyproject_text.clone()
        } else {
            std::fs::read_to_string(root.join(&manifest)).unwrap_or_default()
        };
        let value: toml::Value = toml::from_str(&text).unwrap_or(toml::Value::Boolean(false));
        let dynamic = project.dynamic.iter().any(|d| d == "version");
        let backend = vcs::backend(manifest_pyproject, &text);
        if dynamic && backend.is_none() {
            let dir = match manifest.strip_suffix("/pyproject.toml") {
                Some(member) => root.join(member),
                None => root.to_path_buf(),
            };
            file_versioned.push(FileVersioned {
                name: super::names::PackageName::new(&project.name).into_string(),
                manifest: manifest.clone(),
                found: super::version_file::read(&dir, &value).unwrap_or_else(|| {
                    Err("its build backend computes it in a way uv-rootless does not read".into())
                }),
            });
        }
        if let Some(backend) = backend {
            vcs_versioned.push(VcsVersioned {
                name: super::names::PackageName::new(&project.name).into_string(),
                depth: manifest.matches('/').count(),
                manifest,
                backend,
                config: vcs::BackendConfig::read(backend, &value),
            });
        }
    }
    let git = (!vcs_versioned.is_empty()).then(|| vcs::inspect(root));
    let source = source::scan_project(root, "", &pyproject_text, pyproject.is_packaged());
    let files = ProjectFiles {
        root: root.to_path_buf(),
        pyproject_text,
        pyproject,
        lock,
        python_version,
        members,
        source,
        vcs_versioned,
        file_versioned,
        git,
    };
    Ok(files)
}
