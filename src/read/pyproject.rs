//! `pyproject.toml`: the `[project]` table, `[tool.uv]` and `[tool.uv-rootless]`.

use crate::options::ToolConfig;
use serde::Deserialize;
use std::collections::BTreeMap;

/// The parts of `pyproject.toml` that uv-rootless reads. Unknown keys are ignored.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct PyProject {
    pub project: Option<Project>,
    pub build_system: Option<serde::de::IgnoredAny>,
    #[serde(default)]
    pub dependency_groups: BTreeMap<String, Vec<GroupEntry>>,
    #[serde(default)]
    pub tool: Tool,
}

/// One entry of a PEP 735 dependency group: a requirement, or `{ include-group = "…" }`.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum GroupEntry {
    Requirement(String),
    Table(serde::de::IgnoredAny),
}

impl GroupEntry {
    /// The requirement, when the entry is one (an included group's are read under its own name).
    pub fn requirement(&self) -> Option<&str> {
        match self {
            GroupEntry::Requirement(requirement) => Some(requirement),
            GroupEntry::Table(_) => None,
        }
    }
}

/// PEP 621 `[project]`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct Project {
    pub name: String,
    pub version: Option<String>,
    pub description: Option<String>,
    pub requires_python: Option<String>,
    #[serde(default)]
    pub dependencies: Vec<String>,
    #[serde(default)]
    pub optional_dependencies: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    pub scripts: BTreeMap<String, String>,
    pub license: Option<License>,
    #[serde(default)]
    pub urls: BTreeMap<String, String>,
    #[serde(default)]
    pub dynamic: Vec<String>,
}

/// `license` is an SPDX expression (PEP 639) or the older `{ text = … }` / `{ file = … }` table.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum License {
    Spdx(String),
    Table {
        text: Option<String>,
        file: Option<String>,
    },
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct Tool {
    pub uv: Option<ToolUv>,
    #[serde(rename = "uv-rootless")]
    pub uv_rootless: Option<ToolConfig>,
}

/// `[tool.uv]`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct ToolUv {
    pub package: Option<bool>,
    pub required_version: Option<String>,
    pub workspace: Option<Workspace>,
    #[serde(default)]
    pub sources: BTreeMap<String, Sources>,
    #[serde(default)]
    pub index: Vec<Index>,
    pub dev_dependencies: Option<Vec<String>>,
    /// Build every package from its sdist (`true`), never using a wheel.
    pub no_binary: Option<bool>,
    /// Packages built from their sdist, never installed from a wheel.
    #[serde(default)]
    pub no_binary_package: Vec<String>,
    /// Never build an sdist: every package needs a wheel.
    pub no_build: Option<bool>,
    /// Packages that must come from a wheel.
    #[serde(default)]
    pub no_build_package: Vec<String>,
}

/// One entry of `[tool.uv.sources]`: a table, or a list of tables with markers.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum Sources {
    One(SourceSpec),
    Many(Vec<SourceSpec>),
}

impl Sources {
    pub fn specs(&self) -> &[SourceSpec] {
        match self {
            Sources::One(spec) => std::slice::from_ref(spec),
            Sources::Many(specs) => specs,
        }
    }
}

/// The keys of a `[tool.uv.sources]` table that decide how a package is built.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct SourceSpec {
    pub git: Option<String>,
    pub path: Option<String>,
    pub url: Option<String>,
    pub index: Option<String>,
    pub workspace: Option<bool>,
    pub editable: Option<bool>,
}

/// `[tool.uv.workspace]`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Workspace {
    #[serde(default)]
    pub members: Vec<String>,
    #[serde(default)]
    pub exclude: Vec<String>,
}

/// One `[[tool.uv.index]]`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Index {
    pub name: Option<String>,
    pub url: Option<String>,
    #[serde(default)]
    pub default: bool,
    #[serde(default)]
    pub explicit: bool,
}

impl PyProject {
    pub fn tool_uv(&self) -> Option<&ToolUv> {
        self.tool.uv.as_ref()
    }

    /// Whether uv installs this project into the environment. uv treats a project without a
    /// `[build-system]` as virtual unless `tool.uv.package = true`.
    pub fn is_packaged(&self) -> bool {
        match self.tool_uv().and_then(|uv| uv.package) {
            Some(package) => package,
            None => self.build_system.is_some(),
        }
    }

    pub fn workspace(&self) -> Option<&Workspace> {
        self.tool_uv().and_then(|uv| uv.workspace.as_ref())
    }
}

/// Parses `pyproject.toml` text.
pub fn parse(text: &str) -> Result<PyProject, crate::error::UserError> {
    super::parse_toml(text, "pyproject.toml")
}
