//! `[tool.uv-rootless]`: the choices `init` recorded and the user may edit.

use serde::{Deserialize, Serialize};

/// The base image families uv-rootless can build on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum BaseId {
    /// The official `python:X.Y-slim-<codename>` images: Debian with CPython in `/usr/local`.
    PythonSlim,
    /// Azure Linux 3.0, with a uv-managed CPython under `/opt/python`.
    Azurelinux,
}

impl BaseId {
    pub const ALL: [BaseId; 2] = [BaseId::PythonSlim, BaseId::Azurelinux];

    pub fn as_str(self) -> &'static str {
        match self {
            BaseId::PythonSlim => "python-slim",
            BaseId::Azurelinux => "azurelinux",
        }
    }
}

impl std::fmt::Display for BaseId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for BaseId {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        BaseId::ALL
            .into_iter()
            .find(|base| base.as_str() == s)
            .ok_or_else(|| {
                format!("unknown base `{s}`; expected one of `python-slim`, `azurelinux`")
            })
    }
}

/// `[tool.uv-rootless]`. Unknown keys are an error, so a typo never goes unnoticed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct ToolConfig {
    /// Base image family.
    pub base: Option<BaseId>,
    /// Python version for the image, `X.Y` or `X.Y.Z`.
    pub python: Option<String>,
    /// Console script from `[project.scripts]` to run.
    pub script: Option<String>,
    /// Command to run, exec form.
    pub command: Option<Vec<String>>,
    /// Port the web server listens on.
    pub port: Option<u16>,
    /// Path of the health URL of a web service.
    pub health_path: Option<String>,
    /// Arguments for the smoke test of a command-line app (`verify`).
    pub smoke_args: Option<Vec<String>>,
    /// Optional dependencies (`[project.optional-dependencies]`) to install.
    pub extras: Option<Vec<String>>,
    /// Dependency groups to install; never `dev`.
    pub groups: Option<Vec<String>>,
    /// Numeric user id the container runs as.
    pub uid: Option<u32>,
    /// Numeric group id the container runs as.
    pub gid: Option<u32>,
    /// Workspace member to build.
    pub package: Option<String>,
    /// Docker platforms whose wheels are checked: `linux/amd64`, `linux/arm64`.
    pub platforms: Option<Vec<String>>,
    /// Registry digests of the images the Dockerfile builds from, recorded by `--pin-digests`:
    /// image reference -> `sha256:...`.
    pub digests: Option<std::collections::BTreeMap<String, String>>,
    /// Image name and tag.
    pub image: Option<String>,
    /// Where to write the Dockerfile, relative to the project.
    pub dockerfile: Option<String>,
    /// Where to write the compose file, relative to the project.
    pub compose: Option<String>,
    /// Where to write the Kubernetes manifest, relative to the project.
    pub kubernetes: Option<String>,
}
