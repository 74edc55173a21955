//! What a project's Python source says, read once per project with the Python parser
//! ([`crate::read::python`]): the facts of every module below the import root, the web
//! application objects among them (`app = FastAPI()` and the like, Django's `wsgi.py`), and
//! whether the bounded scan was cut short.

use super::python::{self, FileFacts, FileOutcome, FilePath, Import, ScanCut, ScanLimits};
use serde::Serialize;

/// Deepest chain of re-exports followed to the object a name stands for.
const MAX_NAME_DEPTH: usize = 8;
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
    /// A script run by `streamlit run`, its own server.
    Streamlit,
    /// A script that builds a Gradio app and calls `.launch()`, its own server.
    Gradio,
    /// A script that marks Panel objects `.servable()`, run by `panel serve`.
    Panel,
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
            Framework::Streamlit => "streamlit",
            Framework::Gradio => "gradio",
            Framework::Panel => "panel",
        }
    }

    /// Whether the app is a script that its framework serves (Streamlit, Gradio, Panel),
    /// rather than an application object a server imports.
    pub fn is_script(self) -> bool {
        matches!(
            self,
            Framework::Streamlit | Framework::Gradio | Framework::Panel
        )
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
    /// Line of the assignment (of the `def`, for a factory).
    pub line: u32,
    /// Whether `variable` is a function that returns the application (a factory the server
    /// calls), rather than the application itself.
    pub factory: bool,
}

impl AppObject {
    /// `module:variable`, as uvicorn and gunicorn take it.
    pub fn target(&self) -> String {
        format!("{}:{}", self.module, self.variable)
    }

    /// Whether an ASGI server serves it: an ASGI framework's app, or Django's `asgi.py` (or
    /// `asgi/__init__.py`).
    pub fn is_asgi(&self) -> bool {
        self.framework.is_asgi()
            || (self.framework == Framework::Django && django_door(&self.module) == Some("asgi"))
    }
}

/// A script its framework serves: a Streamlit page, a Gradio app that launches itself, a
/// Panel app.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct ScriptApp {
    /// File relative to the project root, `/`-separated.
    pub file: String,
    pub framework: Framework,
    /// Line of the call that shows it: the first `st.*` call, `.launch()`, `.servable()`.
    pub line: u32,
    /// That call, resolved: `streamlit.title`, `demo.launch`, `panel.Column().servable`.
    pub call: String,
}

/// One parsed module below the import root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Module {
    /// File relative to the project root, `/`-separated.
    pub file: String,
    /// Import path: `pkg.cli`.
    pub module: String,
    /// Whether it is a package's `__init__.py`.
    pub is_package: bool,
    pub facts: FileFacts,
}

/// What the source of one project (the root or a workspace member) says, scanned once when
/// the project is read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SourceScan {
    /// Where module paths start, relative to the root: `""`, `src`, `packages/api/src`.
    pub import_root: String,
    /// Web application objects found below `import_root`.
    pub app_objects: Vec<AppObject>,
    /// Top-level functions that return an application and that no module-level assignment
    /// calls (`def create_app() -> FastAPI:`), found below `import_root`.
    pub app_factories: Vec<AppObject>,
    /// Scripts served by their framework (Streamlit, Gradio, Panel) found below
    /// `import_root`.
    pub script_apps: Vec<ScriptApp>,
    /// Every module parsed, in walk order.
    pub modules: Vec<Module>,
    /// Set when a bound stopped the scan: what follows was not read.
    pub cut: Option<ScanCut>,
    /// `.py` files found but not parsed (too large, not UTF-8, unreadable).
    pub skipped_files: usize,
    /// Why `import_root` is neither `src` nor the project's directory, for `explain`.
    pub import_root_note: Option<String>,
    /// The directories of [`SourceScan::written_paths`] ([`needed_dir`]) that exist below
    /// `import_root` and hold files of the project (placeholders such as `.gitkeep` aside),
    /// or are something else than a directory, each with the first such file found (relative
    /// to `import_root`): a tmpfs there would hide them.
    pub occupied_dirs: Vec<(String, String)>,
    /// Of [`SourceScan::read_paths`], those that exist in the project's directory and that git
    /// would ship (elsewhere, that are on the disk), each with the `file:line` that reads it;
    /// read only for a packaged project, whose source is not in the image.
    pub run_files: Vec<(String, String)>,
    /// What the wheel of a packaged project holds, when its backend's table says
    /// ([`super::wheel`]); `None` for a virtual project or when only a build would tell.
    pub wheel: Option<super::wheel::Wheel>,
}

/// The directory a written path needs writable: the directory itself for one the code
/// creates (`logs/`), a file's parent (`logs/app.log` -> `logs`); `None` for a file in the
/// working directory itself, which cannot be a mount of its own.
pub fn needed_dir(path: &str) -> Option<&str> {
    match path.strip_suffix('/') {
        Some(dir) => Some(dir),
        None => path.rsplit_once('/').map(|(dir, _)| dir),
    }
}

/// Files that only keep a directory in git, which a tmpfs may hide.
const PLACEHOLDERS: &[&str] = &[".gitkeep", ".keep", ".gitignore"];

/// How many entries [`held_file`] reads before it takes the directory for a full one.
const MAX_OCCUPIED_ENTRIES: usize = 10_000;

/// What in `dir` (below `root`) a tmpfs would hide: `dir` itself when it is a file, a link or
/// anything not a directory, else the first file (at any depth) that is not a placeholder,
/// relative to `root`. A missing path holds nothing; one that cannot be read, or holds too
/// many entries to count, is taken as full (`dir` itself named).
fn held_file(root: &Path, dir: &str) -> Option<String> {
    let path = root.join(dir);
    match std::fs::symlink_metadata(&path) {
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return None,
        Err(_) => return Some(dir.to_string()),
        Ok(meta) if !meta.is_dir() => return Some(dir.to_string()),
        Ok(_) => {}
    }
    let mut pending = vec![path];
    let mut seen = 0usize;
    while let Some(next) = pending.pop() {
        let Ok(entries) = std::fs::read_dir(&next) else {
            return Some(dir.to_string());
        };
        // Sorted, so the file named is the same on every machine.
        let mut entries: Vec<_> = entries.collect();
        seen += entries.len();
        if seen > MAX_OCCUPIED_ENTRIES {
            return Some(dir.to_string());
        }
        entries.sort_by_key(|entry| entry.as_ref().ok().map(|entry| entry.file_name()));
        let mut dirs = Vec::new();
        for entry in entries {
            let Ok(entry) = entry else {
                return Some(dir.to_string());
            };
            let Ok(kind) = entry.file_type() else {
                return Some(dir.to_string());
            };
            if kind.is_dir() {
                dirs.push(entry.path());
            } else if !PLACEHOLDERS.iter().any(|name| entry.file_name() == *name) {
                let file = entry.path();
                let shown = file.strip_prefix(root).unwrap_or(&file);
                return Some(shown.to_string_lossy().replace('\\', "/"));
            }
        }
        // Depth-first, in name order.
        pending.extend(dirs.into_iter().rev());
    }
    None
}

/// The needed directories of what `scan` writes that hold files below its import root in
/// `project_root`, in the order they are written. In a git repository the files are the ones git
/// would commit (tracked, or new and not ignored), so that a log a local run left in `logs/` does
/// not make a developer's checkout disagree with CI's clone; elsewhere, what is on the disk.
fn occupied_dirs(project_root: &Path, scan: &SourceScan) -> Vec<(String, String)> {
    let root = project_root.join(&scan.import_root);
    let mut dirs: Vec<&str> = Vec::new();
    let written = scan.written_paths(true);
    for (path, _) in &written {
        if let Some(dir) = needed_dir(path) {
            if !dirs.contains(&dir) {
                dirs.push(dir);
            }
        }
    }
    if dirs.is_empty() {
        return Vec::new();
    }
    let committed = committed_files(&root, &dirs);
    let mut occupied = Vec::new();
    for dir in dirs {
        let held = match &committed {
            Some(files) => not_a_directory(&root, dir).or_else(|| {
                let below = format!("{dir}/");
                files
                    .iter()
                    .filter(|file| *file == dir || file.starts_with(&below))
                    .find(|file| {
                        let name = file.rsplit('/').next().unwrap_or(file);
                        !PLACEHOLDERS.contains(&name)
                    })
                    .cloned()
            }),
            None => held_file(&root, dir),
        };
        if let Some(file) = held {
            occupied.push((dir.to_string(), file));
        }
    }
    occupied
}

/// `dir` itself when something that is not a directory sits at its path in `root`.
fn not_a_directory(root: &Path, dir: &str) -> Option<String> {
    match std::fs::symlink_metadata(root.join(dir)) {
        Ok(meta) if !meta.is_dir() => Some(dir.to_string()),
        _ => None,
    }
}

/// The files below `dirs` (relative to `root`, sorted) that git would commit: tracked, or new
/// and not ignored. `None` when `root` is in no git repository or git cannot run.
fn committed_files(root: &Path, dirs: &[&str]) -> Option<Vec<String>> {
    // A project its repository ignores (a copy below another project's ignored `target/`) has
    // no file git would commit: what is on disk counts, as outside any repository.
    let ignored = std::process::Command::new("git")
        .arg("-C")
        .arg(root)
        .args(["check-ignore", "-q", "--"])
        .arg(root.canonicalize().ok()?)
        .stdin(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|status| status.success());
    if ignored {
        return None;
    }
    let output = std::process::Command::new("git")
        .arg("-C")
        .arg(root)
        .args([
            "ls-files",
            "-z",
            "--cached",
            "--others",
            "--exclude-standard",
            "--",
        ])
        .args(dirs.iter().map(|dir| format!(":(literal){dir}")))
        .stdin(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .output()
        .ok()?;
    if !output.status.success() {
        return None;
    }
    let mut files: Vec<String> = output
        .stdout
        .split(|byte| *byte == 0)
        .filter(|file| !file.is_empty())
        .map(|file| String::from_utf8_lossy(file).into_owned())
        .collect();
    files.sort();
    files.dedup();
    Some(files)
}

impl SourceScan {
    /// The class `object` (a name used in `module`) is an instance of, where the module it
    /// resolves to assigns it `object = Class(...)`: the class's module, the class, and the call
    /// that builds it.
    pub fn instance_of<'a>(
        &'a self,
        module: &'a Module,
        object: &str,
    ) -> Option<(&'a Module, &'a python::Class, &'a python::Call)> {
        let scan = self;
        let (owner, name) = scan.object_of(module, object)?;
        let owner = scan.module(&owner)?;
        let built = owner
            .facts
            .assignments
            .iter()
            .rev()
            .find(|assignment| assignment.target == name)?;
        let (class_module, class) = scan.object_of(owner, built.call.callee.as_deref()?)?;
        let class_module = scan.module(&class_module)?;
        let class = class_module
            .facts
            .classes
            .iter()
            .find(|found| found.qualname == class)?;
        Some((class_module, class, &built.call))
    }

    /// The object a name used in `module` stands for: a name the module assigns itself, or one
    /// it imports (`health.router` after `from app.routers import health`, `router` after
    /// `from .api import router`), followed through a package's re-exports and through plain
    /// aliases (`app = api`, `application = app`, `app = core.base_app`).
    pub fn object_of(&self, module: &Module, name: &str) -> Option<(String, String)> {
        let scan = self;
        let mut module = module;
        let mut name = name.to_string();
        for _ in 0..MAX_NAME_DEPTH {
            let dotted = if name.contains('.') {
                name.clone()
            } else {
                // A module-level assignment binds the name for the module's own code: an
                // import of the same name inside a function (`import app.models` in a lifespan
                // hook) does not. A call builds the object here; an alias names another one.
                let facts = &module.facts;
                if facts.assignments.iter().any(|a| a.target == name) {
                    return Some((module.module.clone(), name));
                }
                if let Some(alias) = facts.aliases.iter().rev().find(|a| a.target == name) {
                    name = alias.value.clone();
                    continue;
                }
                match facts.imports.iter().rev().find(|i| i.local == name) {
                    Some(import) => import.target.clone(),
                    None => return Some((module.module.clone(), name)),
                }
            };
            let import = python::Import {
                line: 0,
                local: String::new(),
                target: dotted,
            };
            let absolute = import.absolute(&module.module, module.is_package)?;
            let (owner, variable) = absolute.rsplit_once('.')?;
            module = scan.module(owner)?;
            name = variable.to_string();
        }
        None
    }

    /// The text a value spells: a string literal, an upper-case constant of
    /// the module or of the one it is imported from (`API_PREFIX`, `config.API_PREFIX`), or the
    /// string a settings class gives the attribute of its instance (`settings.API_V1_STR` after
    /// `settings = Settings()` whose class body has `API_V1_STR: str = "/api/v1"`), or an
    /// f-string of such values.
    pub fn text_of(&self, module: &Module, value: &python::Value) -> Option<String> {
        let scan = self;
        let constant = |module: &Module, name: &str| {
            module
                .facts
                .constants
                .iter()
                .rev()
                .find(|constant| constant.name == name)
                .and_then(|constant| constant.value.as_str())
                .map(str::to_string)
        };
        match value {
            python::Value::Str(text) => Some(text.clone()),
            python::Value::Name(name) => {
                let (owner, name) = scan.object_of(module, name)?;
                constant(scan.module(&owner)?, &name)
            }
            python::Value::Attribute(dotted) => {
                let (object, attribute) = dotted.rsplit_once('.')?;
                if let Some(owner) = scan.module(object) {
                    return constant(owner, attribute);
                }
                let (_, class, _) = scan.instance_of(module, object)?;
                class.string(attribute).map(str::to_string)
            }
            // `f"{settings.API_V1_STR}/openapi.json"`: each field by the rules above.
            python::Value::Template(parts) => parts
                .iter()
                .map(|part| match part {
                    python::TemplatePart::Text(text) => Some(text.clone()),
                    python::TemplatePart::Field(value) => scan.text_of(module, value),
                })
                .collect(),
            _ => None,
        }
    }

    /// The module with this import path.
    pub fn module(&self, name: &str) -> Option<&Module> {
        self.modules.iter().find(|module| module.module == name)
    }

    /// Relative literal paths the source reads at run time from the working directory
    /// ([`read_by`]: `open("config.yaml")`, `Config("alembic.ini")`,
    /// `StaticFiles(directory="static")`, ...), each once with the `file:line` of its first
    /// read, in scan order. Absolute paths, `..`, a name a `COPY` could not carry, and names
    /// the generated `.dockerignore` leaves out are left out.
    pub fn read_paths(&self) -> Vec<(String, String)> {
        let mut found: Vec<(String, String)> = Vec::new();
        for module in &self.modules {
            let facts = &module.facts;
            let bodies = std::iter::once(&facts.module_calls)
                .chain(std::iter::once(&facts.main_calls))
                .chain(facts.functions.iter().map(|function| &function.calls));
            for calls in bodies {
                for call in calls {
                    let Some(path) = read_by(call, calls) else {
                        continue;
                    };
                    let path = path.trim_start_matches("./").trim_end_matches('/');
                    let keep = !path.is_empty()
                        && super::names::is_mountable_path(path)
                        && !path.split('/').any(ignored_name);
                    if keep && !found.iter().any(|(seen, _)| seen == path) {
                        found.push((path.to_string(), format!("{}:{}", module.file, call.line)));
                    }
                }
            }
        }
        found
    }

    /// Relative paths the source plainly writes (`os.makedirs("logs")`, a `FileHandler`, a
    /// relative SQLite URL), each with the `file:line` it was seen at, in scan order. Absolute
    /// paths, `/tmp` and paths that leave the working directory are left out. A directory the
    /// code creates ends in `/`. A path built from a module's own location
    /// (`BASE_DIR / "logs"`) is taken relative to the import root, which is the working
    /// directory when `modules_in_workdir`; an installed project's modules sit in the venv's
    /// `site-packages` instead, and such paths are then left out.
    pub fn written_paths(&self, modules_in_workdir: bool) -> Vec<(String, String)> {
        let mut found: Vec<(String, String)> = Vec::new();
        let mut add = |path: &str, file: &str, line: u32, directory: bool| {
            let path = path.trim().trim_start_matches("./").trim_end_matches('/');
            let relative = !path.is_empty()
                && !path.starts_with('/')
                && !path.starts_with('~')
                && !path.contains('\\')
                && path.split('/').all(|part| !matches!(part, "" | "." | ".."));
            let path = if directory {
                format!("{path}/")
            } else {
                path.to_string()
            };
            if relative && !found.iter().any(|(seen, _)| *seen == path) {
                found.push((path, format!("{file}:{line}")));
            }
        };
        for module in &self.modules {
            for write in &module.facts.fs_writes {
                let directory = matches!(
                    write.kind,
                    crate::read::python::FsWriteKind::Makedirs
                        | crate::read::python::FsWriteKind::PathMkdir
                );
                let path = match (&write.constant, &write.from_file) {
                    (Some(constant), _) => match self.constant_str(module, constant) {
                        Some(path) => path.to_string(),
                        None if modules_in_workdir => match self.named_path(module, constant, 0) {
                            Some(path) => path,
                            None => continue,
                        },
                        None => continue,
                    },
                    (None, Some(from_file)) if modules_in_workdir => {
                        match self.file_path(module, from_file, 0) {
                            Some(path) => path,
                            None => continue,
                        }
                    }
                    (None, Some(_)) => continue,
                    (None, None) => write.path.clone(),
                };
                add(&path, &module.file, write.line, directory);
            }
            for arg in &module.facts.path_args {
                if !modules_in_workdir || !self.makes_directory_of(module, arg) {
                    continue;
                }
                if let Some(path) = self.file_path(module, &arg.path, 0) {
                    add(&path, &module.file, arg.line, true);
                }
            }
            // `f"sqlite:///{settings.DB_PATH}"` reads as the URL its fields' literal
            // defaults spell.
            let templates = module.facts.sqlite_url_templates.iter().filter_map(|url| {
                let text = self.text_of(module, &python::Value::Template(url.value.clone()))?;
                Some((text, url.line))
            });
            let literals = module
                .facts
                .sqlite_urls
                .iter()
                .map(|url| (url.value.clone(), url.line));
            for (url, line) in literals.chain(templates).collect::<Vec<_>>() {
                // `sqlite:///relative.db` is relative, `sqlite:////abs.db` absolute.
                if let Some(path) = url.split_once(":///").map(|(_, path)| path) {
                    let path = path.split('?').next().unwrap_or(path);
                    if path != ":memory:" {
                        add(path, &module.file, line, false);
                    }
                }
            }
        }
        found
    }

    /// The string an upper-case constant holds: `NAME` in `module` itself, `pkg.mod.NAME` in
    /// the module `pkg.mod` of this scan. The last assignment wins; `None` for anything but a
    /// string literal.
    fn constant_str<'s>(&'s self, module: &'s Module, constant: &str) -> Option<&'s str> {
        let (owner, name) = match constant.rsplit_once('.') {
            Some((owner, name)) => (self.module(owner)?, name),
            None => (module, constant),
        };
        owner
            .facts
            .constants
            .iter()
            .rev()
            .find(|c| c.name == name)?
            .value
            .as_str()
    }

    /// Whether the function `arg` is given to (top-level, of `module` or of the module its
    /// dotted callee names) makes a directory of the parameter it lands in:
    /// `os.makedirs(log_dir)`, `os.mkdir(log_dir)`, `log_dir.mkdir()`.
    fn makes_directory_of(&self, module: &Module, arg: &python::PathArg) -> bool {
        let import = Import {
            line: 0,
            local: String::new(),
            target: arg.callee.clone(),
        };
        let Some(callee) = import.absolute(&module.module, module.is_package) else {
            return false;
        };
        let (owner, name) = match callee.rsplit_once('.') {
            Some((owner, name)) => match self.module(owner) {
                Some(owner) => (owner, name),
                None => return false,
            },
            None => (module, callee.as_str()),
        };
        let Some(function) = owner
            .facts
            .functions
            .iter()
            .rev()
            .find(|f| f.qualname == name && f.class.is_none())
        else {
            return false;
        };
        let param = match (&arg.position, &arg.keyword) {
            (Some(position), _) => function.params.get(*position),
            (None, Some(keyword)) => function.params.iter().find(|p| p.name == *keyword),
            (None, None) => None,
        };
        let Some(param) = param else {
            return false;
        };
        let named = |value: Option<&python::Value>| matches!(value, Some(python::Value::Name(name)) if *name == param.name);
        function
            .calls
            .iter()
            .any(|call| match call.callee.as_deref() {
                Some("os.makedirs" | "os.mkdir" | "aiofiles.os.makedirs" | "aiofiles.os.mkdir") => {
                    named(call.arg(0, "name"))
                }
                Some(callee) => callee.strip_suffix(".mkdir") == Some(param.name.as_str()),
                None => false,
            })
    }

    /// Where a path built from `module`'s location leads, relative to the import root: the
    /// module's file, up and down its steps; `None` when it climbs above the import root or
    /// starts from a name no module of the scan binds to such a path.
    fn file_path(&self, module: &Module, path: &FilePath, depth: usize) -> Option<String> {
        let start = match &path.anchor {
            None => {
                let file = match self.import_root.as_str() {
                    "" => module.file.as_str(),
                    root => module.file.strip_prefix(root)?.strip_prefix('/')?,
                };
                file.to_string()
            }
            Some(anchor) => self.named_path(module, anchor, depth + 1)?,
        };
        let mut parts: Vec<&str> = start.split('/').filter(|part| !part.is_empty()).collect();
        for step in &path.steps {
            if step == ".." {
                // Above the import root is outside the working directory's tree.
                parts.pop()?;
            } else {
                parts.push(step);
            }
        }
        Some(parts.join("/"))
    }

    /// The paths built from `module`'s location inside the value it assigns to `name`
    /// (`STATICFILES_DIRS = [BASE_DIR / "static"]`), relative to the import root, each with
    /// its line; a path above the import root is left out.
    pub fn value_paths(&self, module: &Module, name: &str) -> Vec<(String, u32)> {
        module
            .facts
            .value_paths
            .iter()
            .filter(|named| named.name == name)
            .filter_map(|named| Some((self.file_path(module, &named.path, 0)?, named.line)))
            .collect()
    }

    /// The path a name bound to one built from a module's location leads to: `NAME` of
    /// `module` (or of a module it star-imports), `pkg.mod.NAME` (or `.mod.NAME`) of the module
    /// `pkg.mod`.
    fn named_path(&self, module: &Module, name: &str, depth: usize) -> Option<String> {
        // Names bound in a chain of modules, each a step: a cycle ends here.
        if depth > 8 {
            return None;
        }
        let import = Import {
            line: 0,
            local: String::new(),
            target: name.to_string(),
        };
        let absolute = import.absolute(&module.module, module.is_package)?;
        let (owners, name): (Vec<&Module>, &str) = match absolute.rsplit_once('.') {
            Some((owner, name)) => (self.module(owner).into_iter().collect(), name),
            None => {
                let mut owners = vec![module];
                owners.extend(
                    module
                        .facts
                        .imports
                        .iter()
                        .filter(|import| import.local == "*")
                        .filter_map(|import| import.absolute(&module.module, module.is_package))
                        .filter_map(|target| self.module(target.strip_suffix(".*")?)),
                );
                (owners, name)
            }
        };
        owners.into_iter().find_map(|owner| {
            let bound = owner
                .facts
                .file_paths
                .iter()
                .rev()
                .find(|n| n.name == name)?;
            self.file_path(owner, &bound.path, depth + 1)
        })
    }

    /// One line for `explain` when the scan did not read everything; `None` when it did.
    pub fn cut_note(&self) -> Option<String> {
        let root = if self.import_root.is_empty() {
            "."
        } else {
            &self.import_root
        };
        match self.cut {
            Some(ScanCut::Files(files)) => Some(format!(
                "the source scan of `{root}` stopped after {files} files: later files were not read"
            )),
            Some(ScanCut::TotalBytes(bytes)) => Some(format!(
                "the source scan of `{root}` stopped at {bytes} bytes: later files were not read"
            )),
            None => None,
        }
    }
}

/// Directories below a flat import root that hold no application code: left out of the scan
/// on top of the parser's own list, so an example or a docs snippet is never taken for the app.
const EXTRA_SKIP_DIRS: &[&str] = &["env", "test", "docs", "examples"];

/// Scans the project in `dir` (relative to `project_root`, `""` for the root): its import root
/// (`src` layout or flat) and what is below it.
pub fn scan(project_root: &Path, dir: &str) -> SourceScan {
    scan_with(project_root, dir, &ScanLimits::default())
}

/// [`scan`] of a project whose manifest is `manifest` (the text of its `pyproject.toml`): a
/// packaged project's modules start where its build backend's table puts them
/// (`[tool.setuptools] package-dir`, hatch's `packages`, ...); a virtual project whose app
/// imports its sibling modules as top-level ones (`from routers import users` in
/// `app/main.py`) runs from the app's directory, as `cd app && uvicorn main:app` does.
pub fn scan_project(project_root: &Path, dir: &str, manifest: &str, packaged: bool) -> SourceScan {
    let limits = ScanLimits::default();
    let scan = scan_with(project_root, dir, &limits);
    // The backend's tables, read once: where its packages start, and what its wheel holds.
    let tables: Option<toml::Value> = if packaged {
        toml::from_str(manifest).ok()
    } else {
        None
    };
    let found = if packaged {
        tables
            .as_ref()
            .and_then(configured_root)
            .and_then(|(root, key)| {
                let root = below(dir, &root);
                let moved = root != scan.import_root && project_root.join(&root).is_dir();
                moved.then(|| {
                    let note = format!(
                        "modules start at `{}`, where {key} of `{}` puts the packages",
                        if root.is_empty() { "." } else { &root },
                        below(dir, "pyproject.toml")
                    );
                    (root, note)
                })
            })
    } else {
        module_relative_root(&scan)
    };
    let mut scan = match found {
        Some((root, note)) => {
            let mut moved = scan_root(project_root, root, &limits);
            moved.import_root_note = Some(note);
            moved
        }
        None => scan,
    };
    scan.occupied_dirs = occupied_dirs(project_root, &scan);
    if packaged {
        scan.run_files = run_files(&project_root.join(dir), &scan);
        scan.wheel = tables.as_ref().and_then(super::wheel::wheel_of);
    }
    scan
}

/// The paths of `scan.read_paths()` that are files or directories of `project_dir` (not
/// links), and in a git repository hold files git would commit.
fn run_files(project_dir: &Path, scan: &SourceScan) -> Vec<(String, String)> {
    let mut read = Vec::new();
    for (path, at) in scan.read_paths() {
        let script_location = alembic_scripts(project_dir, &path);
        read.push((path, at));
        if let Some(found) = script_location {
            if !read.iter().any(|(seen, _)| *seen == found.0) {
                read.push(found);
            }
        }
    }
    let present: Vec<(String, String)> = read
        .into_iter()
        .filter(|(path, _)| {
            std::fs::symlink_metadata(project_dir.join(path))
                .is_ok_and(|meta| meta.is_file() || meta.is_dir())
        })
        .collect();
    if present.is_empty() {
        return present;
    }
    let paths: Vec<&str> = present.iter().map(|(path, _)| path.as_str()).collect();
    match committed_files(project_dir, &paths) {
        Some(files) => present
            .into_iter()
            .filter(|(path, _)| {
                let below = format!("{path}/");
                files
                    .iter()
                    .any(|file| file == path || file.starts_with(&below))
            })
            .collect(),
        None => present,
    }
}

/// The largest `alembic.ini` read for its `script_location`.
const MAX_ALEMBIC_INI: u64 = 1 << 20;

/// The migrations directory an `alembic.ini` the code reads names (`script_location =
/// migrations`, or `%(here)s/migrations`, beside the file), with the line that names it. A
/// package resource (`pkg:migrations`) is in the package already; other interpolations are not
/// followed.
fn alembic_scripts(project_dir: &Path, ini: &str) -> Option<(String, String)> {
    let (dir, name) = match ini.rsplit_once('/') {
        Some((dir, name)) => (Some(dir), name),
        None => (None, ini),
    };
    if name != "alembic.ini" {
        return None;
    }
    let path = project_dir.join(ini);
    if std::fs::symlink_metadata(&path).ok()?.len() > MAX_ALEMBIC_INI {
        return None;
    }
    let text = std::fs::read_to_string(&path).ok()?;
    let mut section = "";
    for (index, line) in text.lines().enumerate() {
        let line = line.trim();
        if let Some(name) = line
            .strip_prefix('[')
            .and_then(|rest| rest.strip_suffix(']'))
        {
            section = name.trim();
            continue;
        }
        let Some((key, value)) = line.split_once(['=', ':']) else {
            continue;
        };
        if section != "alembic" || key.trim() != "script_location" {
            continue;
        }
        let value = value.trim();
        let location = match value.strip_prefix("%(here)s/") {
            Some(rest) => match dir {
                Some(dir) => format!("{dir}/{rest}"),
                None => rest.to_string(),
            },
            None => value.to_string(),
        };
        let location = location.trim_start_matches("./").trim_end_matches('/');
        let keep = !location.is_empty()
            && super::names::is_mountable_path(location)
            && !location.split('/').any(ignored_name);
        return keep.then(|| {
            (
                location.to_string(),
                format!("{ini}:{} (script_location)", index + 1),
            )
        });
    }
    None
}

/// Names the generated `.dockerignore` keeps out of the build context (secrets, keys), which a
/// `COPY` of them would not find: never a file to copy.
fn ignored_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    name.starts_with('.')
        || lower.starts_with("id_")
        || ["credentials.json", "kubeconfig"].contains(&lower.as_str())
        || lower.starts_with("client_secret") && lower.ends_with(".json")
        || [
            ".pem",
            ".key",
            ".p12",
            ".pfx",
            ".ppk",
            ".jks",
            ".keystore",
            ".tfstate",
        ]
        .iter()
        .any(|suffix| lower.ends_with(suffix))
}

/// The relative path a call reads, when it is a literal: `open("config.yaml")` (a mode that
/// only reads), `Path("config/settings.toml").read_text()`, alembic's `Config("alembic.ini")`,
/// Jinja's `FileSystemLoader("templates")`, Starlette's and FastAPI's
/// `StaticFiles(directory="static")` and `Jinja2Templates(directory="templates")`. `calls`
/// are the other calls of the same body, where the `Path(...)` of a `.read_text()` is.
fn read_by<'a>(call: &'a python::Call, calls: &'a [python::Call]) -> Option<&'a str> {
    use python::Value;
    let callee = call.callee.as_deref()?;
    match callee {
        "open" | "io.open" | "builtins.open" => {
            let reads = match call.arg(1, "mode") {
                None => true,
                Some(Value::Str(mode)) => !mode.contains(['w', 'a', 'x', '+']),
                Some(_) => false,
            };
            reads.then(|| call.arg(0, "file")?.as_str())?
        }
        "alembic.config.Config" => call.arg(0, "file_")?.as_str(),
        "jinja2.FileSystemLoader" | "jinja2.loaders.FileSystemLoader" => {
            call.arg(0, "searchpath")?.as_str()
        }
        "starlette.staticfiles.StaticFiles" | "fastapi.staticfiles.StaticFiles" => {
            call.kwarg("directory")?.as_str()
        }
        "starlette.templating.Jinja2Templates" | "fastapi.templating.Jinja2Templates" => {
            call.arg(0, "directory")?.as_str()
        }
        "pathlib.Path" => {
            let [Value::Str(path)] = call.args.as_slice() else {
                return None;
            };
            let read = calls.iter().any(|other| {
                other.line == call.line
                    && other.callee.as_deref().is_some_and(|callee| {
                        matches!(
                            callee,
                            "pathlib.Path().read_text"
                                | "pathlib.Path().read_bytes"
                                | "pathlib.Path().iterdir"
                                | "pathlib.Path().glob"
                        ) || callee == "pathlib.Path().open"
                            && match other.arg(0, "mode") {
                                None => true,
                                Some(Value::Str(mode)) => !mode.contains(['w', 'a', 'x', '+']),
                                Some(_) => false,
                            }
                    })
            });
            read.then_some(path.as_str())
        }
        _ => None,
    }
}

/// `path` inside the project directory `dir`.
fn below(dir: &str, path: &str) -> String {
    match (dir.is_empty(), path.is_empty()) {
        (true, _) => path.to_string(),
        (false, true) => dir.to_string(),
        (false, false) => format!("{dir}/{path}"),
    }
}

/// The directory a build backend's table puts the packages in, relative to the project, and
/// the key that says so: uv's `module-root`, hatch's wheel `packages` (their common parent) or
/// `sources`, setuptools' `package-dir` for `""` or `packages.find.where`, pdm's
/// `package-dir`, poetry's `from`, maturin's `python-source`. `None` when none is set or the
/// path is not a plain relative one.
fn configured_root(value: &toml::Value) -> Option<(String, &'static str)> {
    let at = |path: &[&str]| path.iter().try_fold(value, |value, key| value.get(key));
    let one = |values: Vec<String>| {
        let first = values.first()?.clone();
        values.iter().all(|value| *value == first).then_some(first)
    };
    let strings = |value: &toml::Value| -> Vec<String> {
        value
            .as_array()
            .map(|items| {
                items
                    .iter()
                    .filter_map(|item| item.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    };
    let parent = |path: &str| {
        let path = clean(path).unwrap_or_default();
        path.rsplit_once('/')
            .map_or(String::new(), |(parent, _)| parent.to_string())
    };
    let found: Option<(String, &'static str)> = None
        .or_else(|| {
            let root = at(&["tool", "uv", "build-backend", "module-root"])?.as_str()?;
            Some((
                root.to_string(),
                "`module-root` in `[tool.uv.build-backend]`",
            ))
        })
        .or_else(|| {
            let packages = strings(at(&[
                "tool", "hatch", "build", "targets", "wheel", "packages",
            ])?);
            let roots = packages.iter().map(|package| parent(package)).collect();
            Some((
                one(roots)?,
                "`packages` in `[tool.hatch.build.targets.wheel]`",
            ))
        })
        .or_else(|| {
            let sources = at(&["tool", "hatch", "build", "targets", "wheel", "sources"])
                .or_else(|| at(&["tool", "hatch", "build", "sources"]))?;
            let roots = match sources.as_table() {
                Some(table) => table
                    .iter()
                    .filter(|(_, to)| to.as_str() == Some(""))
                    .map(|(from, _)| from.clone())
                    .collect(),
                None => strings(sources),
            };
            Some((one(roots)?, "hatch's `sources`"))
        })
        .or_else(|| {
            let root = at(&["tool", "setuptools", "package-dir", ""])?.as_str()?;
            Some((root.to_string(), "`package-dir` in `[tool.setuptools]`"))
        })
        .or_else(|| {
            let roots = strings(at(&["tool", "setuptools", "packages", "find", "where"])?);
            Some((one(roots)?, "`where` in `[tool.setuptools.packages.find]`"))
        })
        .or_else(|| {
            let root = at(&["tool", "pdm", "build", "package-dir"])?.as_str()?;
            Some((root.to_string(), "`package-dir` in `[tool.pdm.build]`"))
        })
        .or_else(|| {
            let packages = at(&["tool", "poetry", "packages"])?.as_array()?;
            let roots = packages
                .iter()
                .map(|package| {
                    package
                        .get("from")
                        .and_then(toml::Value::as_str)
                        .unwrap_or("")
                        .to_string()
                })
                .collect();
            Some((one(roots)?, "`from` in `[tool.poetry] packages`"))
        })
        .or_else(|| {
            let root = at(&["tool", "maturin", "python-source"])?.as_str()?;
            Some((root.to_string(), "`python-source` in `[tool.maturin]`"))
        });
    let (root, key) = found?;
    Some((clean(&root)?, key))
}

/// A relative directory as `/`-separated parts without `.`: `None` when it leaves the project.
fn clean(path: &str) -> Option<String> {
    if path.starts_with('/') || path.contains('\\') {
        return None;
    }
    let parts: Vec<&str> = path
        .split('/')
        .filter(|part| !part.is_empty() && *part != ".")
        .collect();
    if parts.contains(&"..") {
        return None;
    }
    Some(parts.join("/"))
}

/// The directory a virtual project's app runs from when its module imports the modules
/// beside it as top-level ones: `app/main.py` with `from routers import users` and
/// `app/routers/` (or `backend/mysite/wsgi.py` naming `mysite.settings`) runs from `app` (or
/// `backend`), the only directory where those imports resolve. An app module that imports
/// itself as a package (`from app.core import x`, `from .core import x`) stays where it is.
fn module_relative_root(scan: &SourceScan) -> Option<(String, String)> {
    let exists = |name: &str| {
        let below = format!("{name}.");
        scan.modules
            .iter()
            .any(|module| module.module == name || module.module.starts_with(&below))
    };
    let mut found: Vec<(String, String)> = Vec::new();
    for object in scan.app_objects.iter().chain(&scan.app_factories) {
        let Some(module) = scan.module(&object.module) else {
            continue;
        };
        let parts: Vec<&str> = module.module.split('.').collect();
        let Some((_, packages)) = parts.split_last() else {
            continue;
        };
        let facts = &module.facts;
        let settings = facts
            .env_reads
            .iter()
            .filter(|read| read.name.as_deref() == Some("DJANGO_SETTINGS_MODULE"))
            .filter_map(|read| read.default.as_ref()?.as_str());
        let heads: Vec<&str> = facts
            .imports
            .iter()
            .map(|import| import.target.as_str())
            .chain(settings)
            .filter_map(|target| target.split('.').next())
            .collect();
        let relative = facts.imports.iter().any(|import| import.level() > 0);
        if packages.is_empty() || relative || heads.contains(&packages[0]) {
            continue;
        }
        for head in heads {
            if exists(head) {
                continue;
            }
            let inside = (1..=packages.len())
                .rev()
                .map(|depth| packages[..depth].join("."))
                .find(|package| exists(&format!("{package}.{head}")));
            if let Some(package) = inside {
                let dir = package.replace('.', "/");
                let dir = match scan.import_root.as_str() {
                    "" => dir,
                    root => format!("{root}/{dir}"),
                };
                if !found.iter().any(|(seen, _)| *seen == dir) {
                    let note = format!(
                        "`{}` imports `{head}` as a top-level module, which is `{dir}/{head}`: the app runs from `{dir}`, its modules start there",
                        object.file
                    );
                    found.push((dir, note));
                }
            }
        }
    }
    match <[_; 1]>::try_from(found) {
        Ok([one]) => Some(one),
        Err(_) => None,
    }
}

/// [`scan`] within the given bounds.
pub fn scan_with(project_root: &Path, dir: &str, limits: &ScanLimits) -> SourceScan {
    let src = if dir.is_empty() {
        "src".to_string()
    } else {
        format!("{dir}/src")
    };
    // `src/` is the source root of the src layout, unless it is itself a package
    // (`src/__init__.py`, imported as `src.app`): then the project's directory is the root.
    if project_root.join(&src).is_dir() && !project_root.join(&src).join("__init__.py").is_file() {
        let scan = scan_root(project_root, src, limits);
        // A `src/` without `__init__.py` whose own modules import `src.…` is a namespace
        // package run from the project's directory (`uvicorn src.main:app`): module paths start
        // there, as they do on the developer's machine.
        if !imports_src_package(&scan) {
            return scan;
        }
    }
    scan_root(project_root, dir.to_string(), limits)
}

/// Whether a module of `scan` (rooted at a `src/`) imports `src` itself absolutely:
/// `from src.db import x`, `import src.auth`, `from src import app`.
fn imports_src_package(scan: &SourceScan) -> bool {
    scan.modules.iter().any(|module| {
        module.facts.imports.iter().any(|import| {
            import.level() == 0 && (import.target == "src" || import.target.starts_with("src."))
        })
    })
}

/// The scan of the modules below `import_root`.
fn scan_root(project_root: &Path, import_root: String, limits: &ScanLimits) -> SourceScan {
    let base = if import_root.is_empty() {
        project_root.to_path_buf()
    } else {
        project_root.join(&import_root)
    };
    let package = python::scan_package(&base, limits);
    let mut scan = SourceScan {
        cut: package.cut,
        ..SourceScan::default()
    };
    for file in package.files {
        if file
            .path
            .split('/')
            .rev()
            .skip(1)
            .any(|dir| EXTRA_SKIP_DIRS.contains(&dir))
        {
            continue;
        }
        let FileOutcome::Parsed(facts) = file.outcome else {
            scan.skipped_files += 1;
            continue;
        };
        let Some(module) = file.module else {
            continue;
        };
        let path = if import_root.is_empty() {
            file.path
        } else {
            format!("{import_root}/{}", file.path)
        };
        scan.app_objects.extend(app_objects(&path, &module, &facts));
        scan.app_factories
            .extend(app_factories(&path, &module, &facts));
        scan.script_apps.extend(script_app(&path, &facts));
        scan.modules.push(Module {
            file: path,
            module,
            is_package: file.is_package,
            facts: *facts,
        });
    }
    let built = built_by_imported_factories(&scan.app_factories, &scan.modules);
    scan.app_objects.extend(built);
    uncalled(&mut scan.app_factories, &scan.modules);
    unmounted(&mut scan.app_objects, &scan.modules);
    scan.app_objects.sort();
    scan.app_factories.sort();
    scan.script_apps.sort();
    scan.import_root = import_root;
    scan
}

/// `wsgi` or `asgi` when `module` is one of Django's entry modules: `site.wsgi`, the module of
/// a `wsgi.py` or of a package `wsgi/__init__.py`.
pub fn django_door(module: &str) -> Option<&'static str> {
    match module.rsplit('.').next() {
        Some("wsgi") => Some("wsgi"),
        Some("asgi") => Some("asgi"),
        _ => None,
    }
}

/// Module-level `name = Framework(...)` assignments, and Django's
/// `application = get_wsgi_application()` in a `wsgi.py` (or `wsgi/__init__.py`),
/// `get_asgi_application()` (or Channels' `ProtocolTypeRouter(...)`) in an `asgi.py` (or
/// `asgi/__init__.py`).
fn app_objects(file: &str, module: &str, facts: &FileFacts) -> Vec<AppObject> {
    let is_wsgi = django_door(module) == Some("wsgi");
    let is_asgi = django_door(module) == Some("asgi");
    facts
        .assignments
        .iter()
        .filter_map(|assignment| {
            let callee = assignment.call.callee.as_deref()?;
            let last = callee.rsplit('.').next().unwrap_or_default();
            let framework = if (is_wsgi && last == "get_wsgi_application")
                || (is_asgi && matches!(last, "get_asgi_application" | "ProtocolTypeRouter"))
            {
                Framework::Django
            } else if let Some(framework) = Framework::from_constructor(last) {
                framework
            } else {
                factory_framework(callee, facts)?
            };
            Some(AppObject {
                file: file.to_string(),
                module: module.to_string(),
                variable: assignment.target.clone(),
                framework,
                line: assignment.line,
                factory: false,
            })
        })
        .collect()
}

/// Top-level functions that return an application object: annotated with the framework's
/// class (`def get_app() -> Litestar:`), or returning a call of it (`return Litestar([...])`),
/// or building one and returning a name (`app = FastAPI(); ...; return app`). A factory the
/// module itself calls in an assignment is left out: that assignment is the app object.
fn app_factories(file: &str, module: &str, facts: &FileFacts) -> Vec<AppObject> {
    let constructor = |dotted: &str| Framework::from_constructor(dotted.rsplit('.').next()?);
    facts
        .functions
        .iter()
        .filter(|function| function.qualname == function.name)
        .filter(|function| {
            !facts
                .assignments
                .iter()
                .any(|assignment| assignment.call.callee.as_deref() == Some(&function.name))
        })
        .filter_map(|function| {
            let framework = function
                .returns
                .as_deref()
                .and_then(constructor)
                .or_else(|| {
                    function.returned.iter().find_map(|value| match value {
                        python::Value::Call(call) => call.callee.as_deref().and_then(constructor),
                        _ => None,
                    })
                })
                .or_else(|| {
                    let returns_name = function
                        .returned
                        .iter()
                        .any(|value| matches!(value, python::Value::Name(_)));
                    returns_name
                        .then(|| factory_framework(&function.name, facts))
                        .flatten()
                })?;
            Some(AppObject {
                file: file.to_string(),
                module: module.to_string(),
                variable: function.name.clone(),
                framework,
                line: function.line,
                factory: true,
            })
        })
        .collect()
}

/// Module-level `app = create_app()` where `create_app` is a factory of another module of the
/// project, imported (`from web import create_app`, `from . import create_app`) or named
/// through its module (`web.create_app()`): the application object of the assigning module.
/// Test modules' calls are not. The calls of one factory build one application, however many
/// modules make it (`wsgi.py` and `run.py`): the first object in module order stands for it.
fn built_by_imported_factories(factories: &[AppObject], modules: &[Module]) -> Vec<AppObject> {
    let mut built: Vec<(&AppObject, AppObject)> = Vec::new();
    for module in modules.iter().filter(|module| !is_test_module(module)) {
        let facts = &module.facts;
        for assignment in &facts.assignments {
            let Some(callee) = assignment.call.callee.as_deref() else {
                continue;
            };
            // The callee as an absolute dotted name: a relative import's dots resolved.
            let absolute = if callee.starts_with('.') {
                facts
                    .imports
                    .iter()
                    .filter(|import| callee == import.target)
                    .find_map(|import| import.absolute(&module.module, module.is_package))
            } else {
                Some(callee.to_string())
            };
            let Some((owner, function)) = absolute.as_deref().and_then(|c| c.rsplit_once('.'))
            else {
                continue;
            };
            let factory = factories.iter().find(|factory| {
                factory.module == owner
                    && factory.variable == function
                    && factory.module != module.module
            });
            if let Some(factory) = factory {
                built.push((
                    factory,
                    AppObject {
                        file: module.file.clone(),
                        module: module.module.clone(),
                        variable: assignment.target.clone(),
                        framework: factory.framework,
                        line: assignment.line,
                        factory: false,
                    },
                ));
            }
        }
    }
    built.sort_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
    built.dedup_by(|later, first| later.0 == first.0);
    built.into_iter().map(|(_, object)| object).collect()
}

/// A test module: `test_*.py`, `*_test.py`, `conftest.py`.
fn is_test_module(module: &Module) -> bool {
    let name = module.file.rsplit('/').next().unwrap_or_default();
    name.starts_with("test_") || name.ends_with("_test.py") || name == "conftest.py"
}

/// Keeps the factories that the project's own code never calls: one that is called
/// (`app = create_app()`, `uvicorn.run(create_app())`, also through an import) is served
/// the way that code serves it. Calls in test modules (`test_*.py`, `conftest.py`) do not
/// count.
fn uncalled(factories: &mut Vec<AppObject>, modules: &[Module]) {
    let called: std::collections::BTreeSet<&str> = modules
        .iter()
        .filter(|module| !is_test_module(module))
        .flat_map(|module| {
            let facts = &module.facts;
            facts
                .assignments
                .iter()
                .map(|assignment| &assignment.call)
                .chain(facts.module_calls.iter())
                .chain(
                    facts
                        .functions
                        .iter()
                        .flat_map(|function| function.calls.iter()),
                )
        })
        .filter_map(|call| call.callee.as_deref()?.rsplit('.').next())
        .collect();
    factories.retain(|factory| !called.contains(factory.variable.as_str()));
}

/// Drops the application objects that another one mounts (`app.mount("/v1", api)`,
/// `Mount("/v1", app=api)`): the server serves the outer one, which answers for both.
fn unmounted(objects: &mut Vec<AppObject>, modules: &[Module]) {
    let mut mounted: Vec<(String, String)> = Vec::new();
    for module in modules {
        let facts = &module.facts;
        // A name used in `module`, as the module and variable it stands for.
        let target = |name: &str| -> Option<(String, String)> {
            let dotted = match facts.imports.iter().rev().find(|i| i.local == name) {
                Some(import) => import.absolute(&module.module, module.is_package)?,
                None if !name.contains('.') => return Some((module.module.clone(), name.into())),
                None => name.to_string(),
            };
            dotted
                .rsplit_once('.')
                .map(|(owner, variable)| (owner.to_string(), variable.to_string()))
        };
        let calls = facts
            .module_calls
            .iter()
            .chain(facts.functions.iter().flat_map(|function| &function.calls));
        for call in calls {
            let Some((receiver, "mount")) = call.callee.as_deref().and_then(|c| c.rsplit_once('.'))
            else {
                continue;
            };
            let is_app = target(receiver).is_some_and(|(owner, variable)| {
                objects
                    .iter()
                    .any(|o| o.module == owner && o.variable == variable)
            });
            if let (true, Some(python::Value::Name(name))) = (is_app, call.arg(1, "app")) {
                mounted.extend(target(name));
            }
        }
        for entry in &facts.routes {
            mounted.extend(entry.app.as_deref().and_then(target));
        }
    }
    let outer: Vec<AppObject> = objects
        .iter()
        .filter(|object| {
            !mounted
                .iter()
                .any(|(owner, variable)| *owner == object.module && *variable == object.variable)
        })
        .cloned()
        .collect();
    // Apps that all mount each other are none of them the outer one: keep them all.
    if !outer.is_empty() {
        *objects = outer;
    }
}

/// The framework of a same-module factory: `app = create_app()` where the file's own top-level
/// `def create_app()` constructs one framework's application (`FastAPI(...)`, `Flask(...)`).
fn factory_framework(callee: &str, facts: &FileFacts) -> Option<Framework> {
    let function = facts
        .functions
        .iter()
        .find(|function| function.qualname == callee && !callee.contains('.'))?;
    let mut built = function.calls.iter().filter_map(|call| {
        let last = call.callee.as_deref()?.rsplit('.').next()?;
        Framework::from_constructor(last)
    });
    let first = built.next()?;
    built.all(|other| other == first).then_some(first)
}

/// Whether the file is a script its framework serves, read from what it does when it runs:
/// Streamlit's API called at module level (`st.title(...)`, resolved through the imports);
/// `.launch()` called at module level (or under `__main__`) in a file that imports `gradio`;
/// `.servable()` called at module level in a file that imports `panel`. A module that only
/// imports a framework, or calls it inside functions, is a library, not a script.
fn script_app(file: &str, facts: &FileFacts) -> Option<ScriptApp> {
    let imports = |top: &str| {
        facts
            .imports
            .iter()
            .any(|import| import.target == top || import.target.starts_with(&format!("{top}.")))
    };
    let found = |framework: Framework, call: &python::Call| ScriptApp {
        file: file.to_string(),
        framework,
        line: call.line,
        call: call.callee.clone().unwrap_or_default(),
    };
    // What runs when the file runs: its module-level calls, and those of its own top-level
    // functions that it calls there (`if __name__ == "__main__": main()`), one level deep.
    let mut calls: Vec<&python::Call> = facts.module_calls.iter().collect();
    for call in &facts.module_calls {
        let Some(name) = call.callee.as_deref() else {
            continue;
        };
        if let Some(function) = facts
            .functions
            .iter()
            .find(|function| function.qualname == name && !name.contains('.'))
        {
            calls.extend(function.calls.iter());
        }
    }
    let method = |call: &python::Call, name: &str| {
        call.callee
            .as_deref()
            .is_some_and(|callee| callee.rsplit('.').next() == Some(name))
    };
    if imports("streamlit") {
        if let Some(call) = calls.iter().copied().find(|call| {
            call.callee
                .as_deref()
                .is_some_and(|callee| callee.starts_with("streamlit."))
        }) {
            return Some(found(Framework::Streamlit, call));
        }
    }
    if imports("gradio") {
        if let Some(call) = calls.iter().copied().find(|call| method(call, "launch")) {
            return Some(found(Framework::Gradio, call));
        }
    }
    if imports("panel") {
        if let Some(call) = calls.iter().copied().find(|call| method(call, "servable")) {
            return Some(found(Framework::Panel, call));
        }
    }
    None
}

/// The application objects of one scanned module, for the decisions' tests.
#[cfg(test)]
pub(crate) fn app_objects_of(module: &Module) -> Vec<AppObject> {
    app_objects(&module.file, &module.module, &module.facts)
}

/// A scan of in-memory files, `(file, module, text)`, for the decisions' tests.
#[cfg(test)]
pub(crate) fn scan_of_texts(files: &[(&str, &str, &str)]) -> SourceScan {
    let modules: Vec<Module> = files
        .iter()
        .map(|(file, module, text)| Module {
            file: file.to_string(),
            // `pkg/__init__.py` is the package `pkg`, as the scanner names it.
            module: module.trim_end_matches(".__init__").to_string(),
            is_package: module.ends_with(".__init__"),
            facts: crate::read::python::read_facts(text, None).expect("parses"),
        })
        .collect();
    let mut script_apps: Vec<ScriptApp> = modules
        .iter()
        .filter_map(|module| script_app(&module.file, &module.facts))
        .collect();
    script_apps.sort();
    let mut app_factories: Vec<AppObject> = modules
        .iter()
        .flat_map(|module| app_factories(&module.file, &module.module, &module.facts))
        .collect();
    uncalled(&mut app_factories, &modules);
    app_factories.sort();
    SourceScan {
        modules,
        script_apps,
        app_factories,
        ..SourceScan::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn read_paths_are_relative_literal_reads_once_each() {
        let text = "import json, yaml\nfrom pathlib import Path\nfrom alembic.config import Config\nfrom fastapi.staticfiles import StaticFiles\nfrom fastapi.templating import Jinja2Templates\nfrom jinja2 import FileSystemLoader\nCONFIG = yaml.safe_load(open('config.yaml'))\nopen('out.txt', 'w')\nopen('/etc/passwd')\nopen('../up.txt')\nopen('.env')\nopen('certs/server.key')\nstatic = StaticFiles(directory='static')\ntemplates = Jinja2Templates(directory='templates/')\nloader = FileSystemLoader('./mail')\ndef migrate():\n    cfg = Config('alembic.ini')\n    text = Path('config/settings.toml').read_text()\n    Path('made').mkdir()\n    return json.load(open('config.yaml'))\n";
        let scan = scan_of_texts(&[("app/main.py", "app.main", text)]);
        let at = |path: &str, line: u32| (path.to_string(), format!("app/main.py:{line}"));
        assert_eq!(
            scan.read_paths(),
            [
                at("config.yaml", 7),
                at("static", 13),
                at("templates", 14),
                at("mail", 15),
                at("alembic.ini", 17),
                at("config/settings.toml", 18),
            ]
        );
    }

    #[test]
    fn read_paths_a_copy_could_not_carry_are_left_out() {
        let text = "open('data/*.csv')\nopen('a b.txt')\nopen('x\"y.txt')\nopen('c:/x.ini')\nopen('line\\nbreak')\nopen('data/seed.csv')\n";
        let scan = scan_of_texts(&[("app.py", "app", text)]);
        assert_eq!(
            scan.read_paths(),
            [("data/seed.csv".to_string(), "app.py:6".to_string())]
        );
    }

    #[test]
    fn an_alembic_ini_brings_its_script_location() {
        let dir = project(
            "alembic-script-location",
            &[
                ("db/migrations/env.py", ""),
                (
                    "alembic.ini",
                    "[alembic]\nscript_location = %(here)s/db/migrations\nsqlalchemy.url = sqlite://\n",
                ),
                (
                    "src/pkg/__init__.py",
                    "from alembic.config import Config\ncfg = Config('alembic.ini')\n",
                ),
            ],
        );
        let manifest = "[project]\nname = 'pkg'\n[build-system]\nrequires = ['uv_build']\nbuild-backend = 'uv_build'\n";
        let scan = scan_project(dir.path(), "", manifest, true);
        assert_eq!(
            scan.run_files,
            [
                (
                    "alembic.ini".to_string(),
                    "src/pkg/__init__.py:2".to_string()
                ),
                (
                    "db/migrations".to_string(),
                    "alembic.ini:2 (script_location)".to_string()
                ),
            ]
        );
    }

    #[test]
    fn run_files_are_the_reads_git_would_ship() {
        let dir = project(
            "run-files",
            &[
                ("migrations/env.py", ""),
                ("alembic.ini", "[alembic]\n"),
                ("local.yaml", ""),
                (".gitignore", "local.yaml\n"),
                (
                    "src/pkg/__init__.py",
                    "from alembic.config import Config\ncfg = Config('alembic.ini')\nopen('migrations')\nopen('local.yaml')\nopen('missing.yaml')\n",
                ),
            ],
        );
        let root = dir.path();
        crate::read::vcs::tests::git(root, &["init", "-q"]);
        let manifest = "[project]\nname = 'pkg'\n[build-system]\nrequires = ['uv_build']\nbuild-backend = 'uv_build'\n";
        let scan = scan_project(root, "", manifest, true);
        assert_eq!(
            scan.run_files,
            [
                (
                    "alembic.ini".to_string(),
                    "src/pkg/__init__.py:2".to_string()
                ),
                (
                    "migrations".to_string(),
                    "src/pkg/__init__.py:3".to_string()
                ),
            ]
        );
        assert!(scan_project(root, "", manifest, false).run_files.is_empty());
        // A copy of the project below a directory its repository ignores: what is on disk
        // counts, as outside a repository.
        std::fs::write(root.join(".gitignore"), "copy/\n").unwrap();
        let copy = root.join("copy");
        std::fs::create_dir(&copy).unwrap();
        std::fs::write(copy.join("config.toml"), "").unwrap();
        std::fs::create_dir_all(copy.join("src/pkg")).unwrap();
        std::fs::write(copy.join("src/pkg/__init__.py"), "open('config.toml')\n").unwrap();
        let scan = scan_project(&copy, "", manifest, true);
        assert_eq!(
            scan.run_files,
            [(
                "config.toml".to_string(),
                "src/pkg/__init__.py:1".to_string()
            )]
        );
    }

    #[test]
    fn written_paths_are_relative_writes_and_sqlite_files_once_each() {
        let text = "import os, logging, pathlib\nos.makedirs('logs', exist_ok=True)\nh = logging.FileHandler('logs/app.log')\nos.makedirs('/var/data')\nopen('/tmp/x', 'w')\nopen('../up.txt', 'w')\nDB = 'sqlite:///./db.sqlite3'\nMEM = 'sqlite:///:memory:'\nos.makedirs('logs')\n";
        let scan = scan_of_texts(&[("app.py", "app", text)]);
        assert_eq!(
            scan.written_paths(true),
            [
                ("logs/".to_string(), "app.py:2".to_string()),
                ("logs/app.log".to_string(), "app.py:3".to_string()),
                ("db.sqlite3".to_string(), "app.py:7".to_string()),
            ]
        );
    }

    #[test]
    fn sqlite_f_strings_over_literal_defaults_of_settings_fields_are_written_paths() {
        let config = "from pydantic_settings import BaseSettings\nclass Settings(BaseSettings):\n    SQLITE_URL: str = 'tmp/local.db'\n    OTHER: str\nsettings = Settings()\nDATA = 'data'\n";
        let main = "from sqlalchemy.ext.asyncio import create_async_engine\nfrom app.config import settings, DATA\nengine = create_async_engine(f'sqlite+aiosqlite:///{settings.SQLITE_URL}')\nother = f'sqlite:///{settings.OTHER}'\nthird = f'sqlite:///{DATA}/app.db?mode=rwc'\nunknown = f'sqlite:///{path}'\n";
        let scan = scan_of_texts(&[
            ("app/config.py", "app.config", config),
            ("app/main.py", "app.main", main),
        ]);
        assert_eq!(
            scan.written_paths(true),
            [
                ("tmp/local.db".to_string(), "app/main.py:3".to_string()),
                ("data/app.db".to_string(), "app/main.py:5".to_string()),
            ]
        );
    }

    #[test]
    fn written_paths_include_loguru_file_sinks() {
        let config = "from pathlib import Path\nBASE_DIR = Path(__file__).resolve().parent.parent\nLOG_PATH = 'var/bot.log'\n";
        let app = "import sys\nfrom loguru import logger\nfrom core.config import BASE_DIR, LOG_PATH\nlogger.add('logs/app_{time}.log', rotation='10 MB')\nlogger.add(sink=LOG_PATH)\nlogger.add(BASE_DIR / 'data' / 'today.log')\nlogger.add(sys.stdout)\n";
        let scan = scan_of_texts(&[
            ("core/config.py", "core.config", config),
            ("core/app.py", "core.app", app),
        ]);
        assert_eq!(
            scan.written_paths(true),
            [
                (
                    "logs/app_{time}.log".to_string(),
                    "core/app.py:4".to_string()
                ),
                ("var/bot.log".to_string(), "core/app.py:5".to_string()),
                ("data/today.log".to_string(), "core/app.py:6".to_string()),
            ]
        );
    }

    #[test]
    fn written_paths_named_by_an_upper_case_constant_of_the_module_or_an_imported_one() {
        let config = "LOG_DIR: str = 'logs'\nDB_FILE = 'data/bot.db'\nname = 'lower'\n";
        let utils = "import os\nfrom core.config import LOG_DIR\nfrom core import config\nCACHE = 'cache'\nos.makedirs(LOG_DIR, exist_ok=True)\nopen(config.DB_FILE, 'w')\nos.makedirs(CACHE)\nos.makedirs(MISSING)\nos.makedirs(name)\n";
        let scan = scan_of_texts(&[
            ("core/config.py", "core.config", config),
            ("core/utils.py", "core.utils", utils),
        ]);
        assert_eq!(
            scan.written_paths(true),
            [
                ("logs/".to_string(), "core/utils.py:5".to_string()),
                ("data/bot.db".to_string(), "core/utils.py:6".to_string()),
                ("cache/".to_string(), "core/utils.py:7".to_string()),
            ]
        );
    }

    #[test]
    fn written_paths_built_from_a_modules_location_are_relative_to_the_import_root() {
        let base = "from pathlib import Path\nBASE_DIR = Path(__file__).resolve().parent.parent.parent\nHERE = Path(__file__).parent\nABOVE = BASE_DIR.parent\n";
        let dev = "import os, logging\nfrom .base import *\nLOG_DIR = BASE_DIR / 'logs'\nLOG_DIR.mkdir(exist_ok=True)\nLOGGING = {'handlers': {'f': {'filename': os.path.join(BASE_DIR, 'logs', 'django.log')}}}\nos.makedirs(HERE / 'cache')\nos.makedirs(ABOVE / 'outside')\nopen(os.path.join(os.path.dirname(__file__), '..', '..', '..', 'up.txt'), 'w')\n";
        let app = "import os\nfrom site_a.settings.base import BASE_DIR\nfrom site_a.settings import dev\nos.makedirs(BASE_DIR / 'media')\nos.makedirs(dev.LOG_DIR / 'more')\nos.makedirs(os.path.join(os.path.dirname(__file__), 'data'))\n";
        let mut scan = scan_of_texts(&[
            ("src/site_a/settings/base.py", "site_a.settings.base", base),
            ("src/site_a/settings/dev.py", "site_a.settings.dev", dev),
            ("src/site_a/app.py", "site_a.app", app),
        ]);
        scan.import_root = "src".to_string();
        assert_eq!(
            scan.written_paths(true),
            [
                (
                    "logs/".to_string(),
                    "src/site_a/settings/dev.py:4".to_string()
                ),
                (
                    "logs/django.log".to_string(),
                    "src/site_a/settings/dev.py:5".to_string()
                ),
                (
                    "site_a/settings/cache/".to_string(),
                    "src/site_a/settings/dev.py:6".to_string()
                ),
                ("media/".to_string(), "src/site_a/app.py:4".to_string()),
                ("logs/more/".to_string(), "src/site_a/app.py:5".to_string()),
                (
                    "site_a/data/".to_string(),
                    "src/site_a/app.py:6".to_string()
                ),
            ]
        );
        // Installed, the modules are in the venv, not the working directory.
        assert_eq!(scan.written_paths(false), []);
    }

    #[test]
    fn a_path_given_to_a_function_that_makes_a_directory_of_it_is_written() {
        let helpers = "import os, logging\nfrom pathlib import Path\ndef init_logging(level, log_dir=None):\n    os.makedirs(log_dir, exist_ok=True)\ndef ensure(path):\n    path.mkdir(parents=True)\ndef reads(path):\n    return open(path).read()\n";
        let settings = "from pathlib import Path\nfrom core.helpers import init_logging, ensure, reads\nfrom core import helpers\nBASE_DIR = Path(__file__).resolve().parent.parent.parent\ninit_logging('INFO', log_dir=BASE_DIR / 'data' / 'logs')\nhelpers.ensure(BASE_DIR / 'cache')\nreads(BASE_DIR / 'seed.txt')\ninit_logging(BASE_DIR / 'wrong')\ndef local(d):\n    d.mkdir()\nlocal(BASE_DIR.parent / 'outside')\nlocal(BASE_DIR / 'tmp')\n";
        let scan = scan_of_texts(&[
            ("core/helpers.py", "core.helpers", helpers),
            ("core/settings/common.py", "core.settings.common", settings),
        ]);
        assert_eq!(
            scan.written_paths(true),
            [
                (
                    "data/logs/".to_string(),
                    "core/settings/common.py:5".to_string()
                ),
                (
                    "cache/".to_string(),
                    "core/settings/common.py:6".to_string()
                ),
                ("tmp/".to_string(), "core/settings/common.py:12".to_string()),
            ]
        );
        assert_eq!(scan.written_paths(false), []);
    }

    #[test]
    fn the_directories_written_in_that_hold_files_of_the_project_are_occupied() {
        let app = "import os, logging\nfrom pathlib import Path\nos.makedirs('logs', exist_ok=True)\nlogging.FileHandler('logs/app.log')\nopen('data/app.db', 'w')\nPath('cache').mkdir()\nopen('out/x.txt', 'w')\nopen('seed/new.csv', 'w')\nopen('top.txt', 'w')\nname = 'x'\nos.makedirs(f'tmp/{name}')\nos.makedirs(os.environ['LOG_DIR'])\n";
        let dir = project(
            "occupied",
            &[
                ("app.py", app),
                ("logs/.gitkeep", ""),
                ("data/schema.sql", "create table t (x);\n"),
                ("out", "a file where a directory is written\n"),
                ("seed/deep/rows.csv", "1\n"),
            ],
        );
        std::fs::create_dir_all(dir.path().join("cache/empty")).expect("mkdir");
        let scan = scan_project(dir.path(), "", "[project]\nname = 'x'\n", false);
        // An f-string and an environment variable are no path the scan knows.
        let paths: Vec<String> = scan
            .written_paths(true)
            .into_iter()
            .map(|(path, _)| path)
            .collect();
        assert_eq!(
            paths,
            [
                "logs/",
                "logs/app.log",
                "data/app.db",
                "cache/",
                "out/x.txt",
                "seed/new.csv",
                "top.txt"
            ]
        );
        // `logs` holds a placeholder, `cache` empty directories: neither is occupied.
        let occupied = |dir: &str, file: &str| (dir.to_string(), file.to_string());
        assert_eq!(
            scan.occupied_dirs,
            [
                occupied("data", "data/schema.sql"),
                occupied("out", "out"),
                occupied("seed", "seed/deep/rows.csv"),
            ]
        );
    }

    #[test]
    fn in_a_git_repository_only_files_git_would_commit_occupy_a_directory() {
        let app = "import logging\nlogging.FileHandler('logs/app.log')\nopen('data/app.db', 'w')\nopen('seed/new.csv', 'w')\nopen('cache/x', 'w')\n";
        let dir = project(
            "occupied-git",
            &[
                ("app.py", app),
                (".gitignore", "*.log\ncache/\n"),
                // A local run's output, ignored: the clone CI checks out has no such file.
                ("logs/app.log", "started\n"),
                ("cache/x", "ignored as a whole\n"),
                ("data/schema.sql", "create table t (x);\n"),
                // New and not ignored: the next commit holds it.
                ("seed/rows.csv", "1\n"),
            ],
        );
        let git = |args: &[&str]| {
            let status = std::process::Command::new("git")
                .arg("-C")
                .arg(dir.path())
                .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
                .args(args)
                .stdout(std::process::Stdio::null())
                .status()
                .expect("git runs");
            assert!(status.success(), "git {args:?}");
        };
        git(&["init", "-q"]);
        git(&["add", "app.py", ".gitignore", "data/schema.sql"]);
        git(&["commit", "-q", "-m", "init"]);
        let scan = scan_project(dir.path(), "", "[project]\nname = 'x'\n", false);
        let occupied = |dir: &str, file: &str| (dir.to_string(), file.to_string());
        assert_eq!(
            scan.occupied_dirs,
            [
                occupied("data", "data/schema.sql"),
                occupied("seed", "seed/rows.csv"),
            ]
        );
    }

    /// A fresh directory holding `files`; each test names its own.
    struct Dir(std::path::PathBuf);
    impl Dir {
        fn path(&self) -> &Path {
            &self.0
        }
    }
    impl Drop for Dir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    fn project(name: &str, files: &[(&str, &str)]) -> Dir {
        let dir =
            Dir(std::env::temp_dir()
                .join(format!("uv-rootless-source-{name}-{}", std::process::id())));
        let _ = std::fs::remove_dir_all(dir.path());
        for (path, text) in files {
            let path = dir.path().join(path);
            std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
            std::fs::write(path, text).expect("write");
        }
        dir
    }

    #[test]
    fn a_src_directory_its_modules_import_as_src_is_a_package_of_the_root() {
        let dir = project(
            "src-namespace",
            &[
                (
                    "src/main.py",
                    "from fastapi import FastAPI\nfrom src.db import engine\napp = FastAPI()\n",
                ),
                ("src/db/database.py", "engine = None\n"),
                ("pyproject.toml", "[project]\nname = 'x'\n"),
            ],
        );
        let scan = scan(dir.path(), "");
        assert_eq!(scan.import_root, "");
        let targets: Vec<String> = scan.app_objects.iter().map(AppObject::target).collect();
        assert_eq!(targets, ["src.main:app"]);
    }

    #[test]
    fn a_src_layout_whose_modules_import_their_package_keeps_src_as_root() {
        let dir = project("src-layout", &[
            ("src/api/main.py", "from fastapi import FastAPI\nfrom api.db import engine\nimport srcery\napp = FastAPI()\n"),
            ("src/api/db.py", "engine = None\n"),
        ]);
        let scan = scan(dir.path(), "");
        assert_eq!(scan.import_root, "src");
        let targets: Vec<String> = scan.app_objects.iter().map(AppObject::target).collect();
        assert_eq!(targets, ["api.main:app"]);
    }

    #[test]
    fn finds_module_level_assignments_only() {
        let dir = project("assignments", &[(
            "app/main.py",
            "from fastapi import FastAPI\napp = FastAPI(title='x')\n\ndef f():\n    inner = FastAPI()\napi: FastAPI = fastapi.FastAPI()\nif app == Flask(x): pass\n",
        )]);
        let scan = scan(dir.path(), "");
        let found: Vec<(&str, &str, Framework)> = scan
            .app_objects
            .iter()
            .map(|o| (o.module.as_str(), o.variable.as_str(), o.framework))
            .collect();
        assert_eq!(
            found,
            vec![
                ("app.main", "api", Framework::Fastapi),
                ("app.main", "app", Framework::Fastapi)
            ]
        );
    }

    #[test]
    fn a_name_bound_to_another_name_stands_for_that_object() {
        let scan = scan_of_texts(&[
            ("pkg/main.py", "pkg.main", "from fastapi import FastAPI\napi = FastAPI()\napp = api\n"),
            ("pkg/__init__.py", "pkg.__init__", "from .main import app as application\n"),
            ("pkg/wsgi.py", "pkg.wsgi", "from pkg import main\nfrom pkg import application\nserved = main.app\nalso = application\nloop = loop2\nloop2 = loop\n"),
        ]);
        let module = |name: &str| scan.module(name).expect("module");
        let api = Some(("pkg.main".to_string(), "api".to_string()));
        assert_eq!(scan.object_of(module("pkg.main"), "app"), api);
        assert_eq!(scan.object_of(module("pkg"), "application"), api);
        assert_eq!(scan.object_of(module("pkg.wsgi"), "served"), api);
        assert_eq!(scan.object_of(module("pkg.wsgi"), "also"), api);
        // Aliases of each other name nothing, and the walk stops.
        assert_eq!(scan.object_of(module("pkg.wsgi"), "loop"), None);
        // The app objects are the ones built: the aliases add no candidate.
        let found: Vec<String> = scan
            .modules
            .iter()
            .flat_map(app_objects_of)
            .map(|o| o.target())
            .collect();
        assert_eq!(found, ["pkg.main:api"]);
    }

    #[test]
    fn an_app_built_by_a_factory_of_the_same_module() {
        let dir = project("factory", &[(
            "api/main.py",
            "from fastapi import FastAPI\nfrom .other import make\n\ndef create_app() -> FastAPI:\n    app = FastAPI(title='x')\n    return app\n\napp = create_app()\nother = make()\n",
        )]);
        let scan = scan(dir.path(), "");
        let found: Vec<(String, Framework, u32)> = scan
            .app_objects
            .iter()
            .map(|o| (o.target(), o.framework, o.line))
            .collect();
        assert_eq!(found, [("api.main:app".to_string(), Framework::Fastapi, 8)]);
    }

    #[test]
    fn an_app_built_by_a_factory_imported_from_another_module() {
        let factory = "from flask import Flask\n\ndef create_app(config=None):\n    app = Flask(__name__)\n    return app\n";
        let dir = project("imported-factory", &[
            ("web/__init__.py", factory),
            ("wsgi.py", "from web import create_app\n\napp = create_app()\n"),
            // Relative, and through the module's name.
            ("web/serve.py", "from . import create_app\nfrom web import other\nimport web\n\napplication = create_app('prod')\nx = web.create_app()\ny = other.make()\n"),
            ("web/other.py", "def make():\n    return 1\n"),
            // A test's call is not an app object.
            ("test_app.py", "from web import create_app\n\nclient = create_app()\n"),
        ]);
        let scan = scan(dir.path(), "");
        let found: Vec<(String, Framework, u32, bool)> = scan
            .app_objects
            .iter()
            .map(|o| (o.target(), o.framework, o.line, o.factory))
            .collect();
        // Three modules build it: one application, the first in module order.
        assert_eq!(
            found,
            [(
                "web.serve:application".to_string(),
                Framework::Flask,
                5,
                false
            )]
        );
        assert_eq!(scan.app_factories, []);
        let dir = project(
            "imported-factories",
            &[
                ("web/__init__.py", factory),
                (
                    "api.py",
                    "from fastapi import FastAPI

def make_api():
    return FastAPI()
",
                ),
                (
                    "wsgi.py",
                    "from web import create_app

app = create_app()
",
                ),
                (
                    "asgi.py",
                    "from api import make_api

app = make_api()
",
                ),
            ],
        );
        let found: Vec<String> = super::scan(dir.path(), "")
            .app_objects
            .iter()
            .map(AppObject::target)
            .collect();
        assert_eq!(found, ["asgi:app", "wsgi:app"]);
    }

    #[test]
    fn factories_that_are_never_called_at_module_level() {
        let dir = project("factories", &[
            (
                "src/svc/app.py",
                "from litestar import Litestar\n\ndef get_app() -> Litestar:\n    return Litestar([])\n",
            ),
            (
                "src/svc/main.py",
                "import fastapi\n\ndef create_app():\n    app = fastapi.FastAPI()\n    app.include_router(r)\n    return app\n\ndef helper() -> dict:\n    return {}\n\nclass C:\n    def build(self) -> fastapi.FastAPI:\n        return fastapi.FastAPI()\n",
            ),
            // Builds an app but returns something else, and a factory the module calls itself.
            (
                "src/svc/other.py",
                "from flask import Flask\n\ndef run():\n    web = Flask(__name__)\n    return 0\n\ndef make() -> Flask:\n    return Flask(__name__)\n\nweb = make()\n",
            ),
        ]);
        let scan = scan(dir.path(), "");
        let found: Vec<(String, Framework, u32)> = scan
            .app_factories
            .iter()
            .map(|o| (o.target(), o.framework, o.line))
            .collect();
        assert_eq!(
            found,
            [
                ("svc.app:get_app".to_string(), Framework::Litestar, 3),
                ("svc.main:create_app".to_string(), Framework::Fastapi, 3),
            ]
        );
        assert!(scan.app_factories.iter().all(|o| o.factory));
        // Called in an assignment by another module, the factory is that module's app.
        let dir = project("called", &[
            ("svc/factory.py", "from fastapi import FastAPI\n\ndef create_app() -> FastAPI:\n    return FastAPI()\n"),
            ("svc/main.py", "from .factory import create_app\n\napp = create_app()\n"),
        ]);
        assert_eq!(super::scan(dir.path(), "").app_factories, []);
        // So is one the project's code calls to serve it; a test's call does not count.
        let dir = project("served", &[
            ("svc/factory.py", "from fastapi import FastAPI\n\ndef create_app() -> FastAPI:\n    return FastAPI()\n"),
            ("svc/run.py", "import uvicorn\nfrom .factory import create_app\ndef main():\n    uvicorn.run(create_app())\n"),
        ]);
        assert_eq!(super::scan(dir.path(), "").app_factories, []);
        let dir = project("tested", &[
            ("svc/factory.py", "from fastapi import FastAPI\n\ndef create_app() -> FastAPI:\n    return FastAPI()\n"),
            ("conftest.py", "from svc.factory import create_app\ndef client():\n    return create_app()\n"),
        ]);
        assert_eq!(super::scan(dir.path(), "").app_factories.len(), 1);
        assert_eq!(scan.app_objects.len(), 1);
        assert!(!scan.app_objects[0].factory);
    }

    #[test]
    fn a_virtual_app_that_imports_its_siblings_runs_from_its_directory() {
        let virtual_manifest = "[project]\nname = 'x'\n";
        let dir = project("siblings", &[
            (
                "app/main.py",
                "from fastapi import FastAPI\nfrom routers import users\nimport fastapi\napp = FastAPI()\n",
            ),
            ("app/routers/users.py", "router = 1\n"),
            ("tools/seed.py", "x = 1\n"),
        ]);
        let scan = scan_project(dir.path(), "", virtual_manifest, false);
        assert_eq!(scan.import_root, "app");
        assert_eq!(scan.app_objects[0].target(), "main:app");
        assert_eq!(scan.app_objects[0].file, "app/main.py");
        assert!(scan
            .import_root_note
            .as_deref()
            .is_some_and(|note| note.contains("`routers`")));
        // Packaged, the project is installed and its modules are where the scan found them.
        let scan = scan_project(dir.path(), "", virtual_manifest, true);
        assert_eq!(scan.app_objects[0].target(), "app.main:app");
        // Django's settings named from a directory below the project.
        let dir = project("django-below", &[
            ("backend/manage.py", "import os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'mysite.settings')\n"),
            (
                "backend/mysite/wsgi.py",
                "import os\nfrom django.core.wsgi import get_wsgi_application\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'mysite.settings')\napplication = get_wsgi_application()\n",
            ),
            ("backend/mysite/settings.py", "ROOT_URLCONF = 'mysite.urls'\n"),
        ]);
        let scan = scan_project(dir.path(), "", virtual_manifest, false);
        assert_eq!(scan.import_root, "backend");
        assert_eq!(scan.app_objects[0].target(), "mysite.wsgi:application");
        // An app that imports itself as a package stays where it is.
        let dir = project("package-style", &[
            ("app/main.py", "from fastapi import FastAPI\nfrom app.routers import users\nfrom config import x\napp = FastAPI()\n"),
            ("app/routers/users.py", "router = 1\n"),
            ("app/config.py", "x = 1\n"),
        ]);
        let scan = scan_project(dir.path(), "", virtual_manifest, false);
        assert_eq!(scan.import_root, "");
        assert_eq!(scan.import_root_note, None);
        let dir = project("relative", &[
            ("app/main.py", "from fastapi import FastAPI\nfrom .routers import users\nfrom config import x\napp = FastAPI()\n"),
            ("app/routers/users.py", "router = 1\n"),
            ("app/config.py", "x = 1\n"),
        ]);
        assert_eq!(
            scan_project(dir.path(), "", virtual_manifest, false).import_root,
            ""
        );
        // `src` imported as a package from inside it: the project's directory is the root.
        let dir = project(
            "src-package",
            &[
                (
                    "src/main.py",
                    "from fastapi import FastAPI\nfrom src.config import x\napp = FastAPI()\n",
                ),
                ("src/config.py", "x = 1\n"),
            ],
        );
        let scan = scan_project(dir.path(), "", virtual_manifest, false);
        assert_eq!(scan.import_root, "");
        assert_eq!(scan.app_objects[0].target(), "src.main:app");
        // In a workspace member, its own directory.
        let dir = project(
            "src-package-member",
            &[
                (
                    "apps/api/src/main.py",
                    "from fastapi import FastAPI\nfrom src.config import x\napp = FastAPI()\n",
                ),
                ("apps/api/src/config.py", "x = 1\n"),
            ],
        );
        let scan = scan_project(dir.path(), "apps/api", virtual_manifest, false);
        assert_eq!(scan.import_root, "apps/api");
        assert_eq!(scan.app_objects[0].target(), "src.main:app");
    }

    #[test]
    fn a_packaged_projects_modules_start_where_its_backend_puts_them() {
        let files = [
            ("lib/svc/__init__.py", ""),
            (
                "lib/svc/main.py",
                "from fastapi import FastAPI\napp = FastAPI()\n",
            ),
        ];
        for manifest in [
            "[tool.setuptools]\npackage-dir = {\"\" = \"lib\"}\n",
            "[tool.setuptools.packages.find]\nwhere = [\"lib\"]\n",
            "[tool.hatch.build.targets.wheel]\npackages = [\"lib/svc\"]\n",
            "[tool.hatch.build.targets.wheel.sources]\n\"lib\" = \"\"\n",
            "[tool.uv.build-backend]\nmodule-root = \"lib\"\n",
            "[tool.pdm.build]\npackage-dir = \"lib\"\n",
            "[tool.poetry]\npackages = [{ include = \"svc\", from = \"lib\" }]\n",
            "[tool.maturin]\npython-source = \"lib\"\n",
        ] {
            let dir = project("backend-root", &files);
            let scan = scan_project(dir.path(), "", manifest, true);
            assert_eq!(scan.import_root, "lib", "{manifest}");
            assert_eq!(scan.app_objects[0].target(), "svc.main:app", "{manifest}");
            assert!(scan.import_root_note.is_some(), "{manifest}");
        }
        // A root that leaves the project, or one that is not there, changes nothing.
        let dir = project("backend-root-bad", &files);
        for manifest in [
            "[tool.setuptools]\npackage-dir = {\"\" = \"../lib\"}\n",
            "[tool.setuptools]\npackage-dir = {\"\" = \"python\"}\n",
        ] {
            let scan = scan_project(dir.path(), "", manifest, true);
            assert_eq!(scan.import_root, "", "{manifest}");
            assert_eq!(scan.app_objects[0].target(), "lib.svc.main:app");
        }
        // uv's `module-root = ""` beside a `src` directory that is not the package's.
        let dir = project(
            "module-root-flat",
            &[
                (
                    "svc/main.py",
                    "from fastapi import FastAPI\napp = FastAPI()\n",
                ),
                ("src/notes.py", "x = 1\n"),
            ],
        );
        let scan = scan_project(
            dir.path(),
            "",
            "[tool.uv.build-backend]\nmodule-root = \"\"\n",
            true,
        );
        assert_eq!(scan.import_root, "");
        assert_eq!(scan.app_objects[0].target(), "svc.main:app");
    }

    #[test]
    fn an_app_another_app_mounts_is_not_a_candidate() {
        let dir = project("mounted", &[
            (
                "main.py",
                "from fastapi import FastAPI\nfrom starlette.applications import Starlette\nfrom starlette.routing import Mount\nfrom sub import admin\napi = FastAPI()\napp = FastAPI()\napp.mount('/v1', api)\nouter = Starlette(routes=[Mount('/admin', app=admin)])\n",
            ),
            ("sub.py", "from flask import Flask\nadmin = FastAPI()\n"),
        ]);
        let scan = scan(dir.path(), "");
        let found: Vec<String> = scan.app_objects.iter().map(AppObject::target).collect();
        assert_eq!(found, ["main:app", "main:outer"]);
    }

    #[test]
    fn src_layout_and_django_wsgi() {
        let dir = project("django", &[
            (
                "src/site/wsgi.py",
                "from django.core.wsgi import get_wsgi_application\napplication = get_wsgi_application()\n",
            ),
            ("src/site/other.py", "x = get_wsgi_application()\n"),
            ("src/docs/app.py", "from flask import Flask\napp = Flask(__name__)\n"),
        ]);
        let scan = scan(dir.path(), "");
        assert_eq!(scan.import_root, "src");
        assert_eq!(scan.app_objects.len(), 1, "{:?}", scan.app_objects);
        assert_eq!(scan.app_objects[0].target(), "site.wsgi:application");
        assert_eq!(scan.app_objects[0].file, "src/site/wsgi.py");
        assert!(scan.module("site.other").is_some());
        assert_eq!(scan.cut_note(), None);
    }

    #[test]
    fn scripts_served_by_their_framework() {
        let scan = scan_of_texts(&[
            (
                "app.py",
                "app",
                "import streamlit as st\nimport pandas\n\nst.title('Hello')\n",
            ),
            (
                "ui.py",
                "ui",
                "import gradio as gr\nwith gr.Blocks() as demo:\n    gr.Markdown('x')\nif __name__ == '__main__':\n    demo.launch()\n",
            ),
            (
                "dash.py",
                "dash",
                "import panel as pn\npn.extension()\npn.Column('x').servable()\n",
            ),
            // Libraries: they import a framework and use it only inside functions, or never
            // launch what they build.
            (
                "lib.py",
                "lib",
                "import streamlit as st\ndef page():\n    st.title('x')\n",
            ),
            (
                "blocks.py",
                "blocks",
                "import gradio as gr\ndemo = gr.Interface(fn=str, inputs='text', outputs='text')\n",
            ),
            (
                "other.py",
                "other",
                "import streamlit\nserver.launch()\n",
            ),
            // The entry function called under `__main__`, one level deep.
            (
                "main_page.py",
                "main_page",
                "import streamlit as st\n\ndef main():\n    st.header('x')\n\nif __name__ == '__main__':\n    main()\n",
            ),
            (
                "served.py",
                "served",
                "import gradio as gr\ndef build():\n    return gr.Blocks()\ndef main():\n    build().launch()\nmain()\n",
            ),
        ]);
        let found: Vec<(&str, Framework, u32, &str)> = scan
            .script_apps
            .iter()
            .map(|app| {
                (
                    app.file.as_str(),
                    app.framework,
                    app.line,
                    app.call.as_str(),
                )
            })
            .collect();
        assert_eq!(
            found,
            [
                ("app.py", Framework::Streamlit, 4, "streamlit.title"),
                ("dash.py", Framework::Panel, 3, "panel.Column().servable"),
                ("main_page.py", Framework::Streamlit, 4, "streamlit.header"),
                ("served.py", Framework::Gradio, 5, "build().launch"),
                ("ui.py", Framework::Gradio, 5, "demo.launch"),
            ]
        );
    }

    #[test]
    fn a_src_directory_that_is_a_package_is_imported_from_the_project_directory() {
        let dir = project(
            "src-package",
            &[
                ("src/__init__.py", ""),
                (
                    "src/app.py",
                    "from flask import Flask\napp = Flask(__name__)\n",
                ),
            ],
        );
        let scan = scan(dir.path(), "");
        assert_eq!(scan.import_root, "");
        assert_eq!(scan.app_objects[0].target(), "src.app:app");
    }

    #[test]
    fn django_asgi_beside_wsgi() {
        let dir = project("django-asgi", &[
            (
                "site/asgi.py",
                "from django.core.asgi import get_asgi_application\napplication = get_asgi_application()\n",
            ),
            ("site/wsgi.py", "application = get_wsgi_application()\n"),
            ("site/other.py", "application = get_asgi_application()\n"),
        ]);
        let scan = scan(dir.path(), "");
        let targets: Vec<(String, Framework)> = scan
            .app_objects
            .iter()
            .map(|o| (o.target(), o.framework))
            .collect();
        assert_eq!(
            targets,
            [
                ("site.asgi:application".to_string(), Framework::Django),
                ("site.wsgi:application".to_string(), Framework::Django)
            ]
        );
    }

    #[test]
    fn django_entry_packages() {
        let dir = project("django-packages", &[
            (
                "site/asgi/__init__.py",
                "from django.core.asgi import get_asgi_application\napplication = get_asgi_application()\n",
            ),
            (
                "site/wsgi/__init__.py",
                "from django.core.wsgi import get_wsgi_application\napplication = get_wsgi_application()\n",
            ),
            ("site/wsgi_helpers.py", "application = get_wsgi_application()\n"),
        ]);
        let scan = scan(dir.path(), "");
        let targets: Vec<(String, bool)> = scan
            .app_objects
            .iter()
            .map(|o| (o.target(), o.is_asgi()))
            .collect();
        assert_eq!(
            targets,
            [
                ("site.asgi:application".to_string(), true),
                ("site.wsgi:application".to_string(), false)
            ]
        );
    }

    #[test]
    fn a_cut_scan_says_so() {
        let dir = project(
            "cut",
            &[
                ("a.py", "x = 1\n"),
                ("b.py", "y = 2\n"),
                ("c.py", "z = 3\n"),
            ],
        );
        let limits = ScanLimits {
            max_files: 2,
            ..ScanLimits::default()
        };
        let scan = scan_with(dir.path(), "", &limits);
        assert_eq!(scan.modules.len(), 2);
        let note = scan.cut_note().expect("cut");
        assert!(note.contains("stopped after 2 files"), "{note}");
    }
}
