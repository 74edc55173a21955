//! Finds web application objects in a project's Python source: `app = FastAPI()` and the like,
//! and Django's `wsgi.py`. Only top-level assignments count; the scan is bounded.

use serde::Serialize;
use std::path::Path;

/// Web frameworks uv-rootless recognises, by the class that makes the application object.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Framework {
    Fastapi,
    Starlette,
    Litestar,
    Flask,
    Django,
}

impl Framework {
    /// The distribution that provides the framework.
    pub fn distribution(self) -> &'static str {
        match self {
            Framework::Fastapi => "fastapi",
            Framework::Starlette => "starlette",
            Framework::Litestar => "litestar",
            Framework::Flask => "flask",
            Framework::Django => "django",
        }
    }

    /// ASGI (served by uvicorn) or WSGI (served by gunicorn).
    pub fn is_asgi(self) -> bool {
        matches!(
            self,
            Framework::Fastapi | Framework::Starlette | Framework::Litestar
        )
    }

    fn from_constructor(name: &str) -> Option<Self> {
        match name {
            "FastAPI" => Some(Framework::Fastapi),
            "Starlette" => Some(Framework::Starlette),
            "Litestar" => Some(Framework::Litestar),
            "Flask" => Some(Framework::Flask),
            _ => None,
        }
    }
}

/// An application object found in the source.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct AppObject {
    /// File relative to the project root, `/`-separated.
    pub file: String,
    /// Import path: `app.main`.
    pub module: String,
    /// Variable name: `app`.
    pub variable: String,
    pub framework: Framework,
}

impl AppObject {
    /// `module:variable`, as uvicorn and gunicorn take it.
    pub fn target(&self) -> String {
        format!("{}:{}", self.module, self.variable)
    }
}

/// What the source of one project (the root or a workspace member) says, scanned once when
/// the project is read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SourceScan {
    /// Where module paths start, relative to the root: `""`, `src`, `packages/api/src`.
    pub import_root: String,
    /// Web application objects found below `import_root`.
    pub app_objects: Vec<AppObject>,
}

/// Scans the project in `dir` (relative to `project_root`, `""` for the root): its import root
/// (`src` layout or flat) and what is below it.
pub fn scan(project_root: &Path, dir: &str) -> SourceScan {
    let src = if dir.is_empty() {
        "src".to_string()
    } else {
        format!("{dir}/src")
    };
    let import_root = if project_root.join(&src).is_dir() {
        src
    } else {
        dir.to_string()
    };
    SourceScan {
        app_objects: find_app_objects(project_root, &import_root),
        import_root,
    }
}

const SKIP_DIRS: &[&str] = &[
    "node_modules",
    "venv",
    "env",
    "tests",
    "test",
    "docs",
    "build",
    "dist",
    "__pycache__",
    "migrations",
    "site-packages",
    "examples",
];
const MAX_DEPTH: usize = 6;
const MAX_FILES: usize = 5_000;
const MAX_FILE_SIZE: u64 = 1 << 20;

/// Scans `import_root` (relative to `project_root`, `""` for the root itself) for application
/// objects. Module paths are relative to `import_root`.
pub fn find_app_objects(project_root: &Path, import_root: &str) -> Vec<AppObject> {
    let mut found = Vec::new();
    let mut budget = MAX_FILES;
    let base = if import_root.is_empty() {
        project_root.to_path_buf()
    } else {
        project_root.join(import_root)
    };
    walk(
        &base,
        &mut Vec::new(),
        0,
        &mut budget,
        &mut |parts, text| {
            let file_in_root = parts.join("/");
            let file = if import_root.is_empty() {
                file_in_root.clone()
            } else {
                format!("{import_root}/{file_in_root}")
            };
            let Some(module) = module_path(parts) else {
                return;
            };
            if parts.last().map(String::as_str) == Some("wsgi.py")
                && text.contains("get_wsgi_application")
            {
                found.push(AppObject {
                    file: file.clone(),
                    module: module.clone(),
                    variable: "application".into(),
                    framework: Framework::Django,
                });
            }
            for (variable, framework) in assignments(text) {
                found.push(AppObject {
                    file: file.clone(),
                    module: module.clone(),
                    variable,
                    framework,
                });
            }
        },
    );
    found.sort();
    found
}

fn walk(
    dir: &Path,
    parts: &mut Vec<String>,
    depth: usize,
    budget: &mut usize,
    visit: &mut dyn FnMut(&[String], &str),
) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = entries.filter_map(|entry| entry.ok()).collect();
    entries.sort_by_key(|entry| entry.file_name());
    for entry in entries {
        let Ok(name) = entry.file_name().into_string() else {
            continue;
        };
        let Ok(file_type) = entry.file_type() else {
            continue;
        };
        if name.starts_with('.') || file_type.is_symlink() {
            continue;
        }
        if file_type.is_dir() {
            if depth < MAX_DEPTH && !SKIP_DIRS.contains(&name.as_str()) {
                parts.push(name);
                walk(&entry.path(), parts, depth + 1, budget, visit);
                parts.pop();
            }
        } else if name.ends_with(".py") {
            if *budget == 0 {
                return;
            }
            *budget -= 1;
            let small = entry
                .metadata()
                .map(|meta| meta.len() <= MAX_FILE_SIZE)
                .unwrap_or(false);
            if let (true, Ok(text)) = (small, std::fs::read_to_string(entry.path())) {
                parts.push(name);
                visit(parts, &text);
                parts.pop();
            }
        }
    }
}

/// `a/b/c.py` -> `a.b.c`; `a/__init__.py` -> `a`. None when a part is not an identifier.
fn module_path(parts: &[String]) -> Option<String> {
    let (file, dirs) = parts.split_last()?;
    let stem = file.strip_suffix(".py")?;
    let mut names: Vec<&str> = dirs.iter().map(String::as_str).collect();
    if stem != "__init__" {
        names.push(stem);
    }
    (!names.is_empty() && names.iter().all(|name| is_identifier(name))).then(|| names.join("."))
}

fn is_identifier(text: &str) -> bool {
    let mut chars = text.chars();
    chars
        .next()
        .is_some_and(|first| first == '_' || first.is_alphabetic())
        && chars.all(|ch| ch == '_' || ch.is_alphanumeric())
}

/// Top-level `name = Framework(...)` or `name: T = module.Framework(...)` assignments.
fn assignments(text: &str) -> Vec<(String, Framework)> {
    let mut found = Vec::new();
    for line in text.lines() {
        if line.starts_with([' ', '\t']) {
            continue;
        }
        let Some((target, value)) = line.split_once('=') else {
            continue;
        };
        if value.starts_with('=') {
            continue;
        }
        let target = target.split(':').next().unwrap_or_default().trim();
        if !is_identifier(target) {
            continue;
        }
        let Some((callee, _)) = value.trim_start().split_once('(') else {
            continue;
        };
        let constructor = callee.trim().rsplit('.').next().unwrap_or_default();
        if let Some(framework) = Framework::from_constructor(constructor) {
            found.push((target.to_string(), framework));
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_top_level_assignments_only() {
        let text = "from fastapi import FastAPI\napp = FastAPI(title='x')\n\ndef f():\n    inner = FastAPI()\napi: FastAPI = fastapi.FastAPI()\nif app == Flask(x): pass\n";
        assert_eq!(
            assignments(text),
            vec![
                ("app".to_string(), Framework::Fastapi),
                ("api".to_string(), Framework::Fastapi)
            ]
        );
    }

    #[test]
    fn module_paths() {
        let parts = |p: &str| p.split('/').map(String::from).collect::<Vec<_>>();
        assert_eq!(
            module_path(&parts("app/main.py")).as_deref(),
            Some("app.main")
        );
        assert_eq!(
            module_path(&parts("pkg/__init__.py")).as_deref(),
            Some("pkg")
        );
        assert_eq!(module_path(&parts("my-dir/main.py")), None);
    }
}
