//! A project with no console script and no web app object, run the way its author runs it: a
//! package with a `__main__.py` (`python -m pkg`), or, in a virtual project, a file at the top of
//! its import root with an `if __name__ == "__main__":` block (`python main.py`, the layout that
//! `uv init --app` writes); with neither, a module with a conventional entry name one level
//! down (`app/main.py`, `bot/main.py`) and such a block, as `python -m app.main`.

use super::select::AppProject;
use crate::error::UserError;
use crate::read::names::PackageName;
use crate::read::source::Module;

/// How the entry is started.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EntryKind {
    /// `python -m PACKAGE`: the package's `__main__.py`.
    Package(String),
    /// `python FILE`: a file in the working directory.
    File(String),
    /// `python -m PACKAGE.MODULE`: a module of a top-level package (or a directory without
    /// `__init__.py`), so its absolute imports of that package work.
    Module(String),
}

/// The entry found, with where it was read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub kind: EntryKind,
    /// The module whose `if __name__ == "__main__":` block runs (`pkg.__main__`, `main`).
    pub module: String,
    /// The file, relative to the project root, and the line of its `__main__` block's first call
    /// (of its first module-level call, for a package's unguarded `__main__.py`).
    pub file: String,
    pub line: u32,
}

impl Entry {
    /// The arguments after the interpreter.
    pub fn args(&self) -> Vec<String> {
        match &self.kind {
            EntryKind::Package(package) | EntryKind::Module(package) => {
                vec!["-m".into(), package.clone()]
            }
            EntryKind::File(file) => vec![file.clone()],
        }
    }

    /// How the command reads in prose: `python -m pkg` or `python main.py`.
    pub fn shown(&self) -> String {
        format!("python {}", self.args().join(" "))
    }
}

/// Top-level files that have a `__main__` block but are tooling, not the app.
const TOOLING: &[&str] = &[
    "setup", "conftest", "noxfile", "fabfile", "tasks", "dodo", "manage", "docs", "build",
];

fn is_tooling(module: &str) -> bool {
    TOOLING.contains(&module)
        || module.starts_with("test_")
        || module.ends_with("_test")
        || module == "test"
        || module == "tests"
}

/// Names a module one level down takes when it is the app's entry (`app/main.py`).
const NESTED_ENTRY_NAMES: &[&str] = &["main", "app", "bot", "run", "server", "worker", "cli"];

/// The entry of `app`, `Ok(None)` when there is none, an error when several are equally likely.
pub fn find(app: &AppProject<'_>) -> Result<Option<Entry>, UserError> {
    let virtual_project = !app.pyproject.is_packaged();
    let mut candidates: Vec<Entry> = Vec::new();
    for module in &app.source.modules {
        if let Some(entry) = candidate(module, virtual_project) {
            candidates.push(entry);
        }
    }
    // Only with nothing at the top and no console script at all: a module one level down is
    // the entry less often than a helper someone runs by hand, and scripts say what runs.
    let no_scripts = app
        .pyproject
        .project
        .as_ref()
        .is_none_or(|project| project.scripts.is_empty());
    if candidates.is_empty() && no_scripts {
        candidates = app.source.modules.iter().filter_map(nested).collect();
        if candidates.len() > 1 {
            let mains: Vec<&Entry> = candidates
                .iter()
                .filter(|entry| entry.module.ends_with(".main"))
                .collect();
            if let [main] = mains.as_slice() {
                return Ok(Some((*main).clone()));
            }
        }
    }
    if candidates.len() <= 1 {
        return Ok(candidates.pop());
    }
    let own = app
        .pyproject
        .project
        .as_ref()
        .map(|project| PackageName::new(&project.name));
    let named_like_project = |entry: &&Entry| match (&entry.kind, &own) {
        (EntryKind::Package(package), Some(own)) => own.is(package),
        (EntryKind::File(file), Some(own)) => own.is(file.trim_end_matches(".py")),
        (EntryKind::Module(module), Some(own)) => module
            .split_once('.')
            .is_some_and(|(package, _)| own.is(package)),
        _ => false,
    };
    let packages: Vec<&Entry> = candidates
        .iter()
        .filter(|entry| matches!(entry.kind, EntryKind::Package(_)))
        .collect();
    let chosen = candidates
        .iter()
        .find(named_like_project)
        .or(match packages.as_slice() {
            [one] => Some(*one),
            _ => None,
        })
        .or_else(|| {
            candidates
                .iter()
                .find(|entry| entry.kind == EntryKind::File("main.py".into()))
        });
    match chosen {
        Some(entry) => Ok(Some(entry.clone())),
        None => {
            let shown: Vec<String> = candidates
                .iter()
                .map(|entry| format!("`{}` ({}:{})", entry.shown(), entry.file, entry.line))
                .collect();
            Err(UserError::new(format!(
                "no command to run: `{}` has no console script, and several files could be its entry",
                app.manifest
            ))
            .detail(format!("each has an `if __name__ == \"__main__\":` block: {}", shown.join(", ")))
            .hint(format!(
                "give the one to run, e.g. `--command {}`",
                candidates[0].shown()
            )))
        }
    }
}

fn candidate(module: &Module, virtual_project: bool) -> Option<Entry> {
    // A package's `__main__` module runs top to bottom under `python -m`: any module-level
    // call is its entry, guarded by `if __name__ == "__main__":` or not.
    let calls = if module.module.ends_with(".__main__") {
        &module.facts.module_calls
    } else {
        &module.facts.main_calls
    };
    let first_line = module
        .facts
        .main_calls
        .first()
        .or(calls.first())
        .map(|call| call.line)?;
    let entry = |kind| Entry {
        kind,
        module: module.module.clone(),
        file: module.file.clone(),
        line: first_line,
    };
    match module.module.split_once('.') {
        // `pkg/__main__.py`, run as `python -m pkg`: its relative imports work that way only.
        Some((package, "__main__")) if !package.contains('.') && !is_tooling(package) => {
            Some(entry(EntryKind::Package(package.to_string())))
        }
        // A file beside the working directory: only a virtual project copies its source.
        None if virtual_project
            && !module.is_package
            && module.module != "__main__"
            && !is_tooling(&module.module) =>
        {
            let name = module.file.rsplit('/').next()?.to_string();
            Some(entry(EntryKind::File(name)))
        }
        _ => None,
    }
}

/// `pkg/main.py` (or another conventional entry name, or the package's own name:
/// `netbot/netbot.py`) with an `if __name__ == "__main__":` block, run as `python -m pkg.main`
/// from the import root.
fn nested(module: &Module) -> Option<Entry> {
    let (package, name) = module.module.split_once('.')?;
    if name.contains('.')
        || !(NESTED_ENTRY_NAMES.contains(&name) || name == package)
        || module.is_package
        || is_tooling(package)
    {
        return None;
    }
    let line = module.facts.main_calls.first()?.line;
    Some(Entry {
        kind: EntryKind::Module(module.module.clone()),
        module: module.module.clone(),
        file: module.file.clone(),
        line,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::read::pyproject::PyProject;
    use crate::read::python::{Call, FileFacts};
    use crate::read::source::SourceScan;

    fn module(name: &str, file: &str, main: bool) -> Module {
        let mut facts = FileFacts::default();
        if main {
            facts.main_calls.push(Call {
                line: 7,
                callee: Some("main".into()),
                args: Vec::new(),
                kwargs: Vec::new(),
            });
        }
        Module {
            file: file.into(),
            module: name.into(),
            is_package: file.ends_with("__init__.py"),
            facts,
        }
    }

    fn find_in(pyproject: &str, modules: Vec<Module>) -> Result<Option<Entry>, UserError> {
        let pyproject: PyProject = crate::read::pyproject::parse(pyproject).unwrap();
        let source = SourceScan {
            modules,
            ..SourceScan::default()
        };
        find(&AppProject {
            pyproject: &pyproject,
            manifest: "pyproject.toml".into(),
            source: &source,
            member: String::new(),
        })
    }

    const VIRTUAL: &str = "[project]\nname = \"hello\"\nversion = \"0.1.0\"\n";
    const PACKAGED: &str = "[project]\nname = \"hello\"\nversion = \"0.1.0\"\n[build-system]\nrequires = [\"uv_build\"]\nbuild-backend = \"uv_build\"\n";

    #[test]
    fn a_main_py_with_a_main_block_is_the_entry_of_a_virtual_project() {
        let entry = find_in(VIRTUAL, vec![module("main", "main.py", true)])
            .unwrap()
            .unwrap();
        assert_eq!(entry.args(), ["main.py"]);
        assert_eq!((entry.file.as_str(), entry.line), ("main.py", 7));
        // Without the block it is only a module.
        assert_eq!(
            find_in(VIRTUAL, vec![module("main", "main.py", false)]).unwrap(),
            None
        );
    }

    #[test]
    fn a_packages_main_runs_with_dash_m_and_files_are_not_in_a_packaged_image() {
        let modules = || {
            vec![
                module("bot", "bot/__init__.py", false),
                module("bot.__main__", "bot/__main__.py", true),
            ]
        };
        let entry = find_in(VIRTUAL, modules()).unwrap().unwrap();
        assert_eq!(entry.args(), ["-m", "bot"]);
        let entry = find_in(PACKAGED, modules()).unwrap().unwrap();
        assert_eq!(entry.args(), ["-m", "bot"]);
        assert_eq!(
            find_in(PACKAGED, vec![module("main", "src/main.py", true)]).unwrap(),
            None
        );
    }

    #[test]
    fn a_packages_main_without_a_guard_runs_its_module_level_calls() {
        // `asyncio.run(main())` at the bottom of `bot/__main__.py`, no `__main__` guard.
        let mut main = module("bot.__main__", "bot/__main__.py", false);
        main.facts.module_calls.push(Call {
            line: 12,
            callee: Some("asyncio.run".into()),
            args: Vec::new(),
            kwargs: Vec::new(),
        });
        let entry = find_in(PACKAGED, vec![main.clone()]).unwrap().unwrap();
        assert_eq!(entry.args(), ["-m", "bot"]);
        assert_eq!(entry.line, 12);
        // A plain module's module-level calls are imports' side effects, not an entry.
        let mut plain = main;
        plain.module = "main".into();
        plain.file = "main.py".into();
        assert_eq!(find_in(VIRTUAL, vec![plain]).unwrap(), None);
    }

    #[test]
    fn a_main_module_one_level_down_runs_with_dash_m_when_nothing_at_the_top_is_an_entry() {
        // `app/main.py` of a directory without `__init__.py`, importing `app.config`.
        let entry = find_in(VIRTUAL, vec![module("app.main", "app/main.py", true)])
            .unwrap()
            .unwrap();
        assert_eq!(entry.args(), ["-m", "app.main"]);
        assert_eq!(entry.shown(), "python -m app.main");
        assert_eq!((entry.file.as_str(), entry.line), ("app/main.py", 7));
        // A top-level entry wins; so does `main` among several one level down.
        let top = find_in(
            VIRTUAL,
            vec![
                module("app.main", "app/main.py", true),
                module("run", "run.py", true),
            ],
        )
        .unwrap()
        .unwrap();
        assert_eq!(top.args(), ["run.py"]);
        let main = find_in(
            PACKAGED,
            vec![
                module("bot.worker", "bot/worker.py", true),
                module("bot.main", "bot/main.py", true),
            ],
        )
        .unwrap()
        .unwrap();
        assert_eq!(main.args(), ["-m", "bot.main"]);
        let own = find_in(
            VIRTUAL,
            vec![module("netbot.netbot", "netbot/netbot.py", true)],
        )
        .unwrap()
        .unwrap();
        assert_eq!(own.args(), ["-m", "netbot.netbot"]);
        // A project with console scripts says what runs: none of its modules is guessed.
        let scripts = format!("{VIRTUAL}[project.scripts]\nhello = \"app.main:main\"\n");
        assert_eq!(
            find_in(&scripts, vec![module("app.main", "app/main.py", true)]).unwrap(),
            None
        );
        // A helper with another name, or deeper down, is no entry.
        assert_eq!(
            find_in(
                VIRTUAL,
                vec![
                    module("app.db", "app/db.py", true),
                    module("app.sub.main", "app/sub/main.py", true),
                    module("tests.main", "tests/main.py", true),
                ]
            )
            .unwrap(),
            None
        );
    }

    #[test]
    fn tooling_files_and_nested_mains_are_not_entries() {
        let modules = vec![
            module("setup", "setup.py", true),
            module("test_app", "test_app.py", true),
            module("manage", "manage.py", true),
            module("pkg.sub.__main__", "pkg/sub/__main__.py", true),
        ];
        assert_eq!(find_in(VIRTUAL, modules).unwrap(), None);
    }

    #[test]
    fn several_entries_prefer_the_projects_name_then_one_package_then_main_py_else_an_error() {
        let named = find_in(
            VIRTUAL,
            vec![
                module("main", "main.py", true),
                module("hello", "hello.py", true),
            ],
        )
        .unwrap()
        .unwrap();
        assert_eq!(named.args(), ["hello.py"]);
        let package = find_in(
            VIRTUAL,
            vec![
                module("main", "main.py", true),
                module("app.__main__", "app/__main__.py", true),
            ],
        )
        .unwrap()
        .unwrap();
        assert_eq!(package.args(), ["-m", "app"]);
        let main = find_in(
            VIRTUAL,
            vec![
                module("main", "main.py", true),
                module("other", "other.py", true),
            ],
        )
        .unwrap()
        .unwrap();
        assert_eq!(main.args(), ["main.py"]);
        let error = find_in(
            VIRTUAL,
            vec![module("one", "one.py", true), module("two", "two.py", true)],
        )
        .unwrap_err()
        .to_string();
        assert!(
            error.contains("several files could be its entry"),
            "{error}"
        );
        assert!(error.contains("`python one.py` (one.py:7)"), "{error}");
    }
}
