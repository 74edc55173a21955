//! The value type of the `base` key of `[tool.uv-rootless]`. The section itself,
//! `ToolConfig`, is generated from the table of options in `crate::options`.

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
