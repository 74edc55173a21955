//! The command the image runs: flag/config > the single `[project.scripts]` entry > the entry
//! named like the project > a recognised web stack whose app is found unambiguously.

use super::entry;
use super::script_server;
use super::select::AppProject;
use crate::error::UserError;
use crate::model::{Decision, EnvVar, Source};
use crate::options::{Setting, Settings};
use crate::read::names::{requirement_name, PackageName};
use crate::read::source::{AppObject, Framework};
use crate::read::ProjectFiles;
use std::collections::BTreeSet;

/// What to run, and what kind of program it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommandChoice {
    pub command: Decision<Vec<String>>,
    /// Whether the command serves HTTP.
    pub web: bool,
    /// Whether the process handles SIGTERM itself as PID 1.
    pub handles_sigterm: bool,
    /// The detected framework, if any.
    pub framework: Option<Framework>,
    /// The port the command listens on when it is fixed by the code; `None` to take the
    /// requested or default port.
    pub port: Option<u16>,
    /// Variables the image sets for the command (the port and host its code reads).
    pub env: Vec<EnvVar>,
    /// What was read from the source and where, for `explain`.
    pub findings: Vec<String>,
}

/// Servers, by distribution name, that uv-rootless can start, and whether they handle SIGTERM.
const SERVERS: &[&str] = &[
    "uvicorn",
    "gunicorn",
    "hypercorn",
    "granian",
    "fastapi",
    "daphne",
];

pub fn decide(
    files: &ProjectFiles,
    app: &AppProject<'_>,
    settings: &Settings,
    venv_bin: &str,
    port: u16,
) -> Result<CommandChoice, UserError> {
    if let Some(Setting { value, source }) = &settings.command {
        if value.is_empty() || value[0].trim().is_empty() {
            return Err(UserError::new("the command is empty").hint(
                "give the program and its arguments, e.g. `--command uvicorn app.main:app`",
            ));
        }
        let program = value[0].rsplit('/').next().unwrap_or_default();
        let web = settings.port.is_some() || SERVERS.contains(&program);
        return Ok(CommandChoice {
            command: Decision::new(
                value.clone(),
                *source,
                format!("given with {}", origin(*source, "--command", "command")),
            ),
            web,
            handles_sigterm: SERVERS.contains(&program),
            framework: None,
            port: None,
            env: Vec::new(),
            findings: Vec::new(),
        });
    }

    let project = app.pyproject.project.as_ref();
    let installed = app.pyproject.is_packaged();
    let scripts: Vec<&String> = match project {
        Some(project) if installed => project.scripts.keys().collect(),
        _ => Vec::new(),
    };

    if let Some(Setting { value, source }) = &settings.script {
        let known = project.is_some_and(|project| project.scripts.contains_key(value));
        if !known {
            return Err(UserError::new(format!(
                "{} names the script `{value}`, but `[project.scripts]` in `{}` has no such entry",
                origin(*source, "--script", "script"),
                app.manifest
            ))
            .hint(candidates_hint(&scripts)));
        }
        if !installed {
            return Err(not_installed(app, value));
        }
        check_script_name(value, app)?;
        return script_choice(
            app,
            settings,
            venv_bin,
            value,
            *source,
            format!("given with {}", origin(*source, "--script", "script")),
        );
    }

    if scripts.len() == 1 {
        let script = scripts[0];
        check_script_name(script, app)?;
        return script_choice(
            app,
            settings,
            venv_bin,
            script,
            Source::Pyproject,
            format!(
                "the only entry of `[project.scripts]` in `{}`",
                app.manifest
            ),
        );
    }
    if let Some(project) = project.filter(|_| scripts.len() > 1) {
        let own = PackageName::new(&project.name);
        if let Some(script) = scripts.iter().find(|script| own.is(script)) {
            check_script_name(script, app)?;
            return script_choice(
                app,
                settings,
                venv_bin,
                script,
                Source::Pyproject,
                format!(
                    "the entry of `[project.scripts]` named like the project, among {}",
                    quoted(&scripts)
                ),
            );
        }
    }

    detect_web(files, app, settings, venv_bin, port, &scripts)
}

fn origin(source: Source, flag: &str, key: &str) -> String {
    match source {
        Source::Flag => format!("`{flag}`"),
        _ => format!("`{key}` in `[tool.uv-rootless]`"),
    }
}

/// Runs a console script: a web app when its entry function starts a server (read from the
/// source), a command-line app otherwise.
fn script_choice(
    app: &AppProject<'_>,
    settings: &Settings,
    venv_bin: &str,
    script: &str,
    source: Source,
    reason: String,
) -> Result<CommandChoice, UserError> {
    let entry = app
        .pyproject
        .project
        .as_ref()
        .and_then(|project| project.scripts.get(script))
        .map(String::as_str)
        .unwrap_or_default();
    let requested = settings.port.as_ref().map(|setting| setting.value);
    let server = script_server::find(app.source, script, entry, requested)?;
    let command = Decision::new(vec![format!("{venv_bin}/{script}")], source, reason);
    Ok(match server {
        Some(server) => {
            let framework = match app.source.app_objects.as_slice() {
                [one] => Some(one.framework),
                _ => None,
            };
            CommandChoice {
                command,
                web: true,
                handles_sigterm: server.handles_sigterm,
                framework,
                port: Some(server.port),
                env: server.env,
                findings: server.findings,
            }
        }
        None => CommandChoice {
            command,
            web: false,
            handles_sigterm: false,
            framework: None,
            port: None,
            env: Vec::new(),
            findings: Vec::new(),
        },
    })
}

/// Runs the project's `__main__` (`python -m pkg`, `python main.py`): a web app when that block
/// starts a server, a command-line app otherwise. `Ok(None)` when there is no such entry.
fn entry_choice(
    app: &AppProject<'_>,
    settings: &Settings,
    venv_bin: &str,
) -> Result<Option<CommandChoice>, UserError> {
    let Some(found) = entry::find(app)? else {
        return Ok(None);
    };
    let shown = found.shown();
    let requested = settings.port.as_ref().map(|setting| setting.value);
    let server = script_server::find_in_main(app.source, &found.module, &shown, requested)?;
    let mut argv = vec![format!("{venv_bin}/python")];
    argv.extend(found.args());
    let command = Decision::new(
        argv,
        Source::Detected,
        format!(
            "no console script, and `{}` has an `if __name__ == \"__main__\":` block at line {}: run as `{shown}`",
            found.file, found.line
        ),
    );
    Ok(Some(match server {
        Some(server) => CommandChoice {
            command,
            web: true,
            handles_sigterm: server.handles_sigterm,
            framework: match app.source.app_objects.as_slice() {
                [one] => Some(one.framework),
                _ => None,
            },
            port: Some(server.port),
            env: server.env,
            findings: server.findings,
        },
        None => CommandChoice {
            command,
            web: false,
            handles_sigterm: false,
            framework: None,
            port: None,
            env: Vec::new(),
            findings: Vec::new(),
        },
    }))
}

/// Script names become file names under the venv's `bin`: keep them to what is safe there.
fn check_script_name(script: &str, app: &AppProject<'_>) -> Result<(), UserError> {
    let safe = !script.is_empty()
        && !script.starts_with(['-', '.'])
        && script
            .chars()
            .all(|ch| ch.is_ascii_alphanumeric() || matches!(ch, '-' | '_' | '.'));
    if safe {
        Ok(())
    } else {
        Err(UserError::new(format!(
            "`[project.scripts]` in `{}` has an entry named {}, which is not a usable command name",
            app.manifest,
            serde_json::to_string(script).unwrap_or_default()
        ))
        .hint("name scripts with letters, digits, `-`, `_` and `.` only, or run another command with `--command`"))
    }
}

fn not_installed(app: &AppProject<'_>, script: &str) -> UserError {
    UserError::new(format!(
        "the script `{script}` is not installed: `{}` is a virtual project, so uv installs its dependencies but not the project itself",
        app.manifest
    ))
    .hint("add a `[build-system]` (or `[tool.uv] package = true`) so uv installs the project and its scripts")
    .hint("or run the code directly, e.g. `--command python -m your_module`")
}

fn quoted(names: &[&String]) -> String {
    names
        .iter()
        .map(|name| format!("`{name}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn candidates_hint(scripts: &[&String]) -> String {
    if scripts.is_empty() {
        "run a command instead, e.g. `--command python -m your_module`".to_string()
    } else {
        format!("choose one of {} with `--script NAME`", quoted(scripts))
    }
}

fn detect_web(
    files: &ProjectFiles,
    app: &AppProject<'_>,
    settings: &Settings,
    venv_bin: &str,
    port: u16,
    scripts: &[&String],
) -> Result<CommandChoice, UserError> {
    let no_command = || {
        let mut error = UserError::new(format!(
            "no command to run: `{}` has no single console script and no web app uv-rootless recognises",
            app.manifest
        ));
        if !scripts.is_empty() {
            error = error.detail(format!("scripts: {}", quoted(scripts)));
        }
        let uninstalled: Vec<&String> = match &app.pyproject.project {
            Some(project) if !app.pyproject.is_packaged() => project.scripts.keys().collect(),
            _ => Vec::new(),
        };
        if !uninstalled.is_empty() {
            error = error.detail(format!(
                "`[project.scripts]` has {}, but `{}` is a virtual project (no `[build-system]`, or `[tool.uv] package = false`), so uv does not install it or its scripts",
                quoted(&uninstalled),
                app.manifest
            ))
            .hint("add a `[build-system]` (or `[tool.uv] package = true`) so uv installs the project and its scripts");
        }
        error
            .hint(candidates_hint(scripts))
            .hint("or give the command: `--command PROGRAM ARGS...` (it is recorded in `[tool.uv-rootless]`)")
    };
    let Some(project) = &app.pyproject.project else {
        return entry_choice(app, settings, venv_bin)?.ok_or_else(no_command);
    };
    let mut dependencies = BTreeSet::new();
    let field = format!("project.dependencies` in `{}", app.manifest);
    for requirement in &project.dependencies {
        dependencies.insert(requirement_name(requirement, &field)?);
    }
    let frameworks: BTreeSet<Framework> = [
        Framework::Fastapi,
        Framework::Starlette,
        Framework::Litestar,
        Framework::Flask,
        Framework::Django,
    ]
    .into_iter()
    .filter(|framework| dependencies.contains(framework.distribution()))
    .collect();
    if frameworks.is_empty() {
        return entry_choice(app, settings, venv_bin)?.ok_or_else(no_command);
    }

    let objects: Vec<AppObject> = app
        .source
        .app_objects
        .iter()
        .filter(|object| frameworks.contains(&object.framework))
        .cloned()
        .collect();
    let objects = one_django_entry(objects, |name| files.lock.package(name).is_some());
    let object = match objects.as_slice() {
        [one] => one.clone(),
        [] => {
            if let Some(choice) = entry_choice(app, settings, venv_bin)? {
                return Ok(choice);
            }
            let names: Vec<&str> = frameworks.iter().map(|f| f.distribution()).collect();
            return Err(UserError::new(format!(
                "`{}` depends on {}, but no application object was found in `{}`",
                app.manifest,
                names.join(" and "),
                if app.import_root().is_empty() { "." } else { app.import_root() }
            ))
            .detail("uv-rootless looks for a top-level assignment such as `app = FastAPI()` or `app = Flask(__name__)`, or Django's `wsgi.py`")
            .hint(command_hint(&frameworks)));
        }
        many => {
            let targets: Vec<String> = many
                .iter()
                .map(|object| format!("`{}` ({})", object.target(), object.file))
                .collect();
            return Err(UserError::new(format!(
                "several web applications were found in `{}`",
                if app.import_root().is_empty() {
                    "."
                } else {
                    app.import_root()
                }
            ))
            .detail(format!("candidates: {}", targets.join(", ")))
            .hint(command_hint(&frameworks)));
        }
    };

    let has = |name: &str| files.lock.package(name).is_some();
    let target = object.target();
    let port_text = port.to_string();
    if object.framework == Framework::Django && is_asgi_entry(&object) {
        return django_asgi(files, app, &object, venv_bin, port);
    }
    let (server, argv): (&str, Vec<String>) = if object.framework.is_asgi() {
        if has("uvicorn") {
            (
                "uvicorn",
                vec![
                    format!("{venv_bin}/uvicorn"),
                    target.clone(),
                    "--host".into(),
                    "0.0.0.0".into(),
                    "--port".into(),
                    port_text,
                ],
            )
        } else if has("hypercorn") {
            (
                "hypercorn",
                vec![
                    format!("{venv_bin}/hypercorn"),
                    "--bind".into(),
                    format!("0.0.0.0:{port_text}"),
                    target.clone(),
                ],
            )
        } else {
            return Err(missing_server(
                app,
                object.framework,
                "ASGI server",
                "uvicorn",
            ));
        }
    } else if has("gunicorn") {
        (
            "gunicorn",
            vec![
                format!("{venv_bin}/gunicorn"),
                "--bind".into(),
                format!("0.0.0.0:{port_text}"),
                target.clone(),
            ],
        )
    } else {
        return Err(missing_server(
            app,
            object.framework,
            "WSGI server",
            "gunicorn",
        ));
    };
    Ok(CommandChoice {
        command: Decision::new(
            argv,
            Source::Detected,
            format!(
                "{} application `{target}` found in `{}`, served by {server} from `uv.lock`",
                object.framework.distribution(),
                object.file
            ),
        ),
        web: true,
        handles_sigterm: true,
        framework: Some(object.framework),
        port: None,
        env: Vec::new(),
        findings: Vec::new(),
    })
}

/// How to give the command by hand, for the server that fits the framework.
fn command_hint(frameworks: &BTreeSet<Framework>) -> String {
    let example = if frameworks.contains(&Framework::Django) {
        "--command gunicorn --bind 0.0.0.0:8000 mysite.wsgi:application"
    } else if frameworks.contains(&Framework::Flask) {
        "--command gunicorn --bind 0.0.0.0:8000 package.module:app"
    } else {
        "--command uvicorn package.module:app --host 0.0.0.0 --port 8000"
    };
    format!("give the command with `--command`, e.g. `{example}`")
}

fn missing_server(
    app: &AppProject<'_>,
    framework: Framework,
    kind: &str,
    suggestion: &str,
) -> UserError {
    UserError::new(format!(
        "`{}` uses {}, but `uv.lock` installs no {kind} to serve it",
        app.manifest,
        framework.distribution()
    ))
    .hint(format!("run `uv add {suggestion}`, then uv-rootless again"))
    .hint("or give the command with `--command`")
}

/// ASGI servers that serve Django's `asgi.py`, in order of preference.
const DJANGO_ASGI_SERVERS: &[&str] = &["uvicorn", "hypercorn", "daphne", "granian"];

/// Django's `application` in an `asgi.py`, rather than a `wsgi.py`.
fn is_asgi_entry(object: &AppObject) -> bool {
    object.file.rsplit('/').next() == Some("asgi.py")
}

/// Django's `wsgi.py` and `asgi.py` side by side are one application: its WSGI entry when
/// gunicorn is installed, else its ASGI entry when an ASGI server is (else the WSGI one, for
/// the error that names the missing server).
fn one_django_entry(objects: Vec<AppObject>, has: impl Fn(&str) -> bool) -> Vec<AppObject> {
    let package = |object: &AppObject| {
        object
            .module
            .rsplit_once('.')
            .map_or(String::new(), |(package, _)| package.to_string())
    };
    let [first, second] = objects.as_slice() else {
        return objects;
    };
    let pair = first.framework == Framework::Django
        && second.framework == Framework::Django
        && package(first) == package(second)
        && is_asgi_entry(first) != is_asgi_entry(second);
    if !pair {
        return objects;
    }
    let want_asgi = !has("gunicorn") && DJANGO_ASGI_SERVERS.iter().any(|server| has(server));
    let chosen = if is_asgi_entry(first) == want_asgi {
        first
    } else {
        second
    };
    vec![chosen.clone()]
}

/// Django's ASGI application, served by the ASGI server `uv.lock` installs.
fn django_asgi(
    files: &ProjectFiles,
    app: &AppProject<'_>,
    object: &AppObject,
    venv_bin: &str,
    port: u16,
) -> Result<CommandChoice, UserError> {
    let target = object.target();
    let port = port.to_string();
    let Some(server) = DJANGO_ASGI_SERVERS
        .iter()
        .copied()
        .find(|server| files.lock.package(server).is_some())
    else {
        return Err(missing_server(
            app,
            object.framework,
            "ASGI server",
            "uvicorn",
        ));
    };
    let program = format!("{venv_bin}/{server}");
    let argv: Vec<String> = match server {
        "uvicorn" => vec![
            program,
            target.clone(),
            "--host".into(),
            "0.0.0.0".into(),
            "--port".into(),
            port,
        ],
        "hypercorn" => vec![
            program,
            "--bind".into(),
            format!("0.0.0.0:{port}"),
            target.clone(),
        ],
        "daphne" => vec![
            program,
            "-b".into(),
            "0.0.0.0".into(),
            "-p".into(),
            port,
            target.clone(),
        ],
        _ => vec![
            program,
            "--interface".into(),
            "asgi".into(),
            "--host".into(),
            "0.0.0.0".into(),
            "--port".into(),
            port,
            target.clone(),
        ],
    };
    Ok(CommandChoice {
        command: Decision::new(
            argv,
            Source::Detected,
            format!(
                "django application `{target}` found in `{}`, served by {server} from `uv.lock` (no gunicorn for its WSGI entry)",
                object.file
            ),
        ),
        web: true,
        handles_sigterm: true,
        framework: Some(object.framework),
        port: None,
        env: Vec::new(),
        findings: Vec::new(),
    })
}
