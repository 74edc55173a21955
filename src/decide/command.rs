//! The command the image runs: flag/config > the single `[project.scripts]` entry > the entry
//! named like the project > a recognised web stack whose app is found unambiguously.

use super::entry;
use super::script_server;
use super::select::AppProject;
use crate::error::UserError;
use crate::model::{Decision, EnvVar, Source};
use crate::options::{Setting, Settings};
use crate::read::names::{requirement_name, PackageName};
use crate::read::source::{AppObject, Framework, ScriptApp, SourceScan};
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
    /// The framework's own health endpoint and why, when the command's server has one.
    pub health: Option<(String, String)>,
    /// What the health probe does not prove, for `explain` and `verify`; empty when nothing.
    pub health_note: String,
    /// The script the framework runs, relative to the working directory, for a framework that
    /// runs it once per session (Streamlit, Panel); empty otherwise.
    pub session_script: String,
    /// What the user should know about this choice although it works (a development server).
    pub warnings: Vec<String>,
}

impl CommandChoice {
    /// A command-line program: no port, no probe, nothing read from the source.
    fn program(command: Decision<Vec<String>>) -> Self {
        CommandChoice {
            command,
            web: false,
            handles_sigterm: false,
            framework: None,
            port: None,
            env: Vec::new(),
            findings: Vec::new(),
            health: None,
            health_note: String::new(),
            session_script: String::new(),
            warnings: Vec::new(),
        }
    }

    /// A console script or a `__main__` block: a web app on the server's port when its code
    /// starts one (`server`, read from the source), a command-line program otherwise.
    fn run_by_code(
        app: &AppProject<'_>,
        mut command: Decision<Vec<String>>,
        server: Option<script_server::ScriptServer>,
    ) -> Self {
        let Some(server) = server else {
            return CommandChoice::program(command);
        };
        command.value.extend(server.args);
        CommandChoice {
            web: true,
            handles_sigterm: server.handles_sigterm,
            framework: server
                .framework
                .or(match app.source.app_objects.as_slice() {
                    [one] => Some(one.framework),
                    _ => None,
                }),
            port: Some(server.port),
            env: server.env,
            findings: server.findings,
            health: server.health,
            ..CommandChoice::program(command)
        }
    }
}

/// A program that serves HTTP, as `--command` may start it.
struct Server {
    /// The program's name in the venv's `bin`.
    program: &'static str,
    /// A first argument that makes it a server (`fastapi run`); empty when any does.
    subcommand: &'static str,
    /// Distributions that install the program; one of them must be installed.
    distributions: &'static [&'static str],
    /// Options that take the port (`--port 8000`, `--port=8000`).
    port_options: &'static [&'static str],
    /// Options that take `host:port`.
    bind_options: &'static [&'static str],
    /// The port it listens on when none is given.
    default_port: u16,
    /// Options that give the address; empty when it listens on all interfaces by default,
    /// else it listens on loopback unless one of them is given.
    host_options: &'static [&'static str],
    handles_sigterm: bool,
    /// The framework's own health endpoint, when it serves one whatever the app's routes.
    health: &'static str,
}

/// Servers `--command` may start: a known one makes a web app, with its port read from the
/// command's arguments (else its own default).
const SERVERS: &[Server] = &[
    Server {
        program: "uvicorn",
        subcommand: "",
        distributions: &["uvicorn"],
        port_options: &["--port"],
        bind_options: &[],
        default_port: 8000,
        host_options: &["--host"],
        handles_sigterm: true,
        health: "",
    },
    Server {
        program: "gunicorn",
        subcommand: "",
        distributions: &["gunicorn"],
        port_options: &[],
        bind_options: &["--bind", "-b"],
        default_port: 8000,
        host_options: &["--bind", "-b"],
        handles_sigterm: true,
        health: "",
    },
    Server {
        program: "hypercorn",
        subcommand: "",
        distributions: &["hypercorn"],
        port_options: &[],
        bind_options: &["--bind", "-b"],
        default_port: 8000,
        host_options: &["--bind", "-b"],
        handles_sigterm: true,
        health: "",
    },
    Server {
        program: "granian",
        subcommand: "",
        distributions: &["granian"],
        port_options: &["--port"],
        bind_options: &[],
        default_port: 8000,
        host_options: &["--host"],
        handles_sigterm: true,
        health: "",
    },
    Server {
        program: "daphne",
        subcommand: "",
        distributions: &["daphne"],
        port_options: &["--port", "-p"],
        bind_options: &[],
        default_port: 8000,
        host_options: &["--bind", "-b"],
        handles_sigterm: true,
        health: "",
    },
    Server {
        program: "waitress-serve",
        subcommand: "",
        distributions: &["waitress"],
        port_options: &["--port"],
        bind_options: &["--listen"],
        default_port: 8080,
        host_options: &[],
        handles_sigterm: false,
        health: "",
    },
    Server {
        program: "fastapi",
        subcommand: "run",
        distributions: &["fastapi-cli"],
        port_options: &["--port"],
        bind_options: &[],
        default_port: 8000,
        host_options: &[],
        handles_sigterm: true,
        health: "",
    },
    Server {
        program: "litestar",
        subcommand: "run",
        distributions: &["litestar"],
        port_options: &["--port", "-p"],
        bind_options: &[],
        default_port: 8000,
        host_options: &["--host", "-H"],
        handles_sigterm: true,
        health: "",
    },
    Server {
        program: "streamlit",
        subcommand: "run",
        distributions: &["streamlit"],
        port_options: &["--server.port"],
        bind_options: &[],
        default_port: 8501,
        host_options: &[],
        handles_sigterm: true,
        health: "/_stcore/health",
    },
    Server {
        program: "panel",
        subcommand: "serve",
        distributions: &["panel"],
        port_options: &["--port"],
        bind_options: &[],
        default_port: 5006,
        host_options: &[],
        handles_sigterm: false,
        health: "",
    },
];

/// Programs other than servers whose distribution is certain: `--command` naming one that
/// the lock does not install is an error. Any other program is taken on trust (a console
/// script of some installed distribution, a file in the image).
const KNOWN_PROGRAMS: &[(&str, &str)] = &[
    ("celery", "celery"),
    ("django-admin", "django"),
    ("flask", "flask"),
    ("gradio", "gradio"),
    ("huey_consumer", "huey"),
    ("dramatiq", "dramatiq"),
    ("rq", "rq"),
    ("arq", "arq"),
];

/// What `--command` says about the port: from an option, else the server's default.
fn command_port(server: &Server, args: &[String]) -> (u16, String) {
    let parse = |text: &str| text.trim().parse::<u16>().ok().filter(|port| *port != 0);
    let mut found = None;
    for (index, arg) in args.iter().enumerate() {
        for option in server.port_options.iter().chain(server.bind_options) {
            let value = match arg.strip_prefix(option) {
                Some("") => args.get(index + 1).map(String::as_str),
                Some(rest) if rest.starts_with('=') => Some(&rest[1..]),
                _ => None,
            };
            let Some(value) = value else { continue };
            let port = if server.bind_options.contains(option) {
                value.rsplit_once(':').and_then(|(_, port)| parse(port))
            } else {
                parse(value)
            };
            if let Some(port) = port {
                found = Some((port, format!("`{option}` in the command")));
            }
        }
    }
    found.unwrap_or((
        server.default_port,
        format!("{}'s default, as the command gives no port", server.program),
    ))
}

/// Every package the app installs, as [`closure_with`](crate::read::graph::closure_with)
/// follows the lock: each edge's extras too (`fastapi[standard]` installs uvicorn), and the
/// extras and groups chosen in the settings.
fn installed_closure(
    files: &ProjectFiles,
    app: &AppProject<'_>,
    settings: &Settings,
) -> BTreeSet<PackageName> {
    let start = if app.member.is_empty() {
        app.pyproject
            .project
            .as_ref()
            .map(|project| PackageName::new(&project.name))
            .unwrap_or_else(|| PackageName::new(""))
    } else {
        PackageName::new(&app.member)
    };
    let chosen = |setting: &Option<Setting<Vec<String>>>| {
        setting
            .as_ref()
            .map(|setting| setting.value.clone())
            .unwrap_or_default()
    };
    crate::read::graph::closure_with(
        &files.lock,
        start.as_str(),
        &chosen(&settings.groups),
        &chosen(&settings.extras),
    )
}

/// What the image installs, asked by distribution name when a server is chosen: the app's
/// [`installed_closure`], so a server the lock holds only for a dev group or an extra not chosen
/// is never run; the whole lock when the lock does not hold the app (no `[project]`).
struct Installs<'a> {
    files: &'a ProjectFiles,
    closure: Option<BTreeSet<PackageName>>,
}

impl<'a> Installs<'a> {
    fn of(files: &'a ProjectFiles, app: &AppProject<'_>, settings: &Settings) -> Self {
        let closure = installed_closure(files, app, settings);
        let known = closure
            .iter()
            .any(|name| files.lock.package(name.as_str()).is_some());
        Installs {
            files,
            closure: known.then_some(closure),
        }
    }

    /// Whether the image installs `name` (a normalised distribution name).
    fn has(&self, name: &str) -> bool {
        match &self.closure {
            Some(closure) => closure.contains(&PackageName::new(name)),
            None => self.files.lock.package(name).is_some(),
        }
    }

    /// Whether the lock holds `name` but the image does not install it.
    fn only_outside(&self, name: &str) -> bool {
        !self.has(name) && self.files.lock.package(name).is_some()
    }
}

/// Where the lock holds packages the image does not install: "the lock holds `uvicorn` only
/// in the dependency group `dev` of `app`", naming each group and extra of a project of the
/// workspace that asks for one of `names` itself; else the general case.
fn held_outside(files: &ProjectFiles, names: &[&str]) -> String {
    use crate::read::names::is_valid_name;
    let wanted: Vec<PackageName> = names.iter().map(|name| PackageName::new(name)).collect();
    let mut places = Vec::new();
    for package in &files.lock.package {
        let local = matches!(package.source.kind(), "editable" | "virtual" | "directory");
        if !local {
            continue;
        }
        let tables = [
            ("the dependency group", &package.dev_dependencies),
            ("the extra", &package.optional_dependencies),
        ];
        for (what, table) in tables {
            for (key, deps) in table {
                // A name that is not one is not shown (it would reach the terminal as it is).
                let asks = deps
                    .iter()
                    .any(|dep| wanted.contains(&PackageName::new(&dep.name)));
                if asks && is_valid_name(key) {
                    places.push(format!("{what} `{key}` of `{}`", package.name));
                }
            }
        }
    }
    let shown: Vec<String> = names.iter().map(|name| format!("`{name}`")).collect();
    let shown = shown.join(", ");
    if places.is_empty() {
        return format!("the lock holds {shown} only outside the app's runtime dependencies (a dev group, an extra not chosen)");
    }
    format!("the lock holds {shown} only in {}", places.join(", in "))
}

/// `--command` or `command` in the config: checked against what the lock installs when the
/// program's distribution is certain, and a web app when it starts a known server.
fn given_command(
    files: &ProjectFiles,
    app: &AppProject<'_>,
    settings: &Settings,
    value: &[String],
    source: Source,
    venv_bin: &str,
) -> Result<CommandChoice, UserError> {
    if value.is_empty() || value[0].trim().is_empty() {
        return Err(UserError::new("the command is empty")
            .hint("give the program and its arguments, e.g. `--command uvicorn app.main:app`"));
    }
    let given = origin(source, "--command", "command");
    let first = value[0].as_str();
    // A bare name, or a path into the venv's `bin`, is a program the venv must hold; another
    // path is a file of the image, taken on trust.
    let program = match first.rsplit_once('/') {
        None => Some(first),
        Some((dir, name)) if dir == venv_bin => Some(name),
        Some(_) => None,
    };
    let server = program.and_then(|program| {
        SERVERS.iter().find(|server| {
            server.program == program
                && (server.subcommand.is_empty()
                    || value.get(1).map(String::as_str) == Some(server.subcommand))
        })
    });
    let own_script = program.is_some_and(|program| {
        app.pyproject.is_packaged()
            && app
                .pyproject
                .project
                .as_ref()
                .is_some_and(|project| project.scripts.contains_key(program))
    });
    if let (Some(program), false) = (program, own_script) {
        let needed: Vec<&str> = match SERVERS.iter().find(|server| server.program == program) {
            Some(server) => server.distributions.to_vec(),
            None => KNOWN_PROGRAMS
                .iter()
                .filter(|(name, _)| *name == program)
                .map(|(_, distribution)| *distribution)
                .collect(),
        };
        let installed = installed_closure(files, app, settings);
        // An app the lock does not hold (no `[project]`) installs what cannot be known here.
        let known = installed
            .iter()
            .any(|name| files.lock.package(name.as_str()).is_some());
        if known
            && !needed.is_empty()
            && !needed
                .iter()
                .any(|name| installed.contains(&PackageName::new(name)))
        {
            let held: Vec<&str> = needed
                .iter()
                .copied()
                .filter(|name| files.lock.package(name).is_some())
                .collect();
            let from = needed
                .iter()
                .map(|name| format!("`{name}`"))
                .collect::<Vec<_>>()
                .join(" or ");
            return Err(UserError::new(format!(
                "{given} runs `{program}`, but `uv.lock` does not install it for `{}`",
                app.manifest
            ))
            .detail(if held.is_empty() {
                format!("`{program}` comes from {from}, which is not in the lock")
            } else {
                format!(
                    "`{program}` comes from {from}; {}, which the image does not install",
                    held_outside(files, &held)
                )
            })
            .hint(format!(
                "run `uv add {}`, then uv-rootless again",
                needed[0]
            ))
            .hint("or give a command whose program the app installs"));
        }
    }
    let requested = settings.port.as_ref().map(|setting| setting.value);
    let mut findings = Vec::new();
    let mut port = None;
    let mut health = None;
    if let Some(server) = server {
        let (listens, how) = command_port(server, &value[1..]);
        if let Some(wanted) = requested.filter(|wanted| *wanted != listens) {
            return Err(UserError::new(format!(
                "{given} starts {} on port {listens} ({how}), but port {wanted} was asked for",
                server.program
            ))
            .hint(format!(
                "give the port in the command too, or drop `--port`/`port` to use {listens}"
            )));
        }
        findings.push(format!(
            "{given} starts the server {}: port {listens} ({how})",
            server.program
        ));
        port = Some(listens);
        let host_given = value[1..].iter().any(|arg| {
            server
                .host_options
                .iter()
                .any(|option| arg == option || arg.starts_with(&format!("{option}=")))
        });
        if !server.host_options.is_empty() && !host_given {
            findings.push(format!(
                "{given} gives {} no address, and it then listens on 127.0.0.1 only (unless its configuration says otherwise): add `{} 0.0.0.0` for the port to be reachable from outside the container",
                server.program, server.host_options[0]
            ));
        }
        if !server.health.is_empty() {
            health = Some((
                server.health.to_string(),
                format!("{}'s own health endpoint", server.program),
            ));
        }
    }
    Ok(CommandChoice {
        command: Decision::new(value.to_vec(), source, format!("given with {given}")),
        web: settings.port.is_some() || server.is_some(),
        handles_sigterm: server.is_some_and(|server| server.handles_sigterm),
        framework: None,
        port,
        env: Vec::new(),
        findings,
        health,
        health_note: String::new(),
        session_script: String::new(),
        warnings: Vec::new(),
    })
}

pub fn decide(
    files: &ProjectFiles,
    app: &AppProject<'_>,
    settings: &Settings,
    venv_bin: &str,
    port: u16,
) -> Result<CommandChoice, UserError> {
    if let Some(Setting { value, source }) = &settings.command {
        return given_command(files, app, settings, value, *source, venv_bin);
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
        if let Some(choice) = instead_of_missing(files, app, settings, venv_bin, port, script) {
            return Ok(choice);
        }
        let choice = script_choice(
            app,
            settings,
            venv_bin,
            script,
            Source::Pyproject,
            format!(
                "the only entry of `[project.scripts]` in `{}`",
                app.manifest
            ),
        )?;
        return Ok(with_web_alternative(
            choice, script, files, app, settings, venv_bin, port,
        ));
    }
    if let Some(project) = project.filter(|_| scripts.len() > 1) {
        let own = PackageName::new(&project.name);
        if let Some(script) = scripts.iter().find(|script| own.is(script)) {
            check_script_name(script, app)?;
            if let Some(choice) = instead_of_missing(files, app, settings, venv_bin, port, script) {
                return Ok(choice);
            }
            let choice = script_choice(
                app,
                settings,
                venv_bin,
                script,
                Source::Pyproject,
                format!(
                    "the entry of `[project.scripts]` named like the project, among {}",
                    quoted(&scripts)
                ),
            )?;
            return Ok(with_web_alternative(
                choice, script, files, app, settings, venv_bin, port,
            ));
        }
    }

    detect_web(files, app, settings, venv_bin, port, &scripts)
}

/// Why the console script `script` cannot start: its entry names a module of the project's
/// own package (one the scan holds) that the source does not have, so running it fails with
/// `ModuleNotFoundError`. `None` when the module is there, belongs to another distribution, or
/// the scan did not read every file.
fn missing_entry_module(app: &AppProject<'_>, script: &str) -> Option<String> {
    let scan = app.source;
    if scan.cut.is_some() || scan.skipped_files > 0 {
        return None;
    }
    let entry = app.pyproject.project.as_ref()?.scripts.get(script)?;
    let entry = entry.split('[').next().unwrap_or_default().trim();
    let module = entry
        .split_once(':')
        .map_or(entry, |(module, _)| module)
        .trim();
    if module.is_empty() || scan.module(module).is_some() {
        return None;
    }
    let top = module.split('.').next().unwrap_or_default();
    let owner = scan.modules.iter().find(|candidate| {
        candidate.module == top || candidate.module.starts_with(&format!("{top}."))
    })?;
    Some(format!(
        "the console script `{script}` (`{entry}`) is not run: its module `{module}` is not in the source, though its package `{top}` is (`{}`), so it would fail with ModuleNotFoundError",
        owner.file
    ))
}

/// A console script whose module is missing from the source (`missing_entry_module`) gives
/// way to what the project runs without it (a web app, a `__main__`); `None` when the script
/// is fine or nothing else is found, and it is then chosen as before.
fn instead_of_missing(
    files: &ProjectFiles,
    app: &AppProject<'_>,
    settings: &Settings,
    venv_bin: &str,
    port: u16,
    script: &str,
) -> Option<CommandChoice> {
    let why = missing_entry_module(app, script)?;
    let mut choice = detect_web(files, app, settings, venv_bin, port, &[]).ok()?;
    choice.findings.insert(0, why);
    Some(choice)
}

/// A console script chosen on its own that serves nothing, while the source holds a web app
/// the lock can serve: `explain` names that app and the `--command` that would serve it, so
/// the choice is seen and can be changed.
fn with_web_alternative(
    mut choice: CommandChoice,
    script: &str,
    files: &ProjectFiles,
    app: &AppProject<'_>,
    settings: &Settings,
    venv_bin: &str,
    port: u16,
) -> CommandChoice {
    if let Some(why) = missing_entry_module(app, script) {
        // `instead_of_missing` found nothing else to run.
        choice.warnings.push(format!(
            "{why}; nothing else to run was found: fix the entry in `[project.scripts]`, or give the command with `--command`"
        ));
        return choice;
    }
    if choice.web {
        return choice;
    }
    let Ok(web) = detect_web(files, app, settings, venv_bin, port, &[]) else {
        return choice;
    };
    let Some(framework) = web.framework.filter(|_| web.web) else {
        return choice;
    };
    // Only a command `--command` accepts: its server among the app's runtime dependencies.
    let accepted = given_command(
        files,
        app,
        settings,
        &web.command.value,
        Source::Flag,
        venv_bin,
    );
    let command = web.command.value.join(" ");
    choice.findings.push(match accepted {
        Ok(_) => format!(
            "the console script `{script}` runs, not the {} app the source holds ({}); to serve that app instead: `--command {command}`",
            framework.distribution(),
            web.command.reason,
        ),
        Err(error) => format!(
            "the console script `{script}` runs, not the {} app the source holds ({}); `--command {command}` would serve it once the server is a dependency of the app: {}",
            framework.distribution(),
            web.command.reason,
            error.message
        ),
    });
    choice
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
    Ok(CommandChoice::run_by_code(app, command, server))
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
    let guarded = app
        .source
        .module(&found.module)
        .is_some_and(|module| !module.facts.main_calls.is_empty());
    let command = Decision::new(
        argv,
        Source::Detected,
        if guarded {
            format!(
                "no console script, and `{}` has an `if __name__ == \"__main__\":` block at line {}: run as `{shown}`",
                found.file, found.line
            )
        } else {
            format!(
                "no console script, and the package's `{}` runs code at module level from line {}: run as `{shown}`",
                found.file, found.line
            )
        },
    );
    Ok(Some(CommandChoice::run_by_code(app, command, server)))
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
    const WEB_FRAMEWORKS: [Framework; 5] = [
        Framework::Fastapi,
        Framework::Starlette,
        Framework::Litestar,
        Framework::Flask,
        Framework::Django,
    ];
    let mut frameworks: BTreeSet<Framework> = WEB_FRAMEWORKS
        .into_iter()
        .filter(|framework| dependencies.contains(framework.distribution()))
        .collect();
    let script_frameworks: BTreeSet<Framework> =
        [Framework::Streamlit, Framework::Gradio, Framework::Panel]
            .into_iter()
            .filter(|framework| dependencies.contains(framework.distribution()))
            .collect();
    let installs = Installs::of(files, app, settings);
    let mut through_others = Vec::new();
    if frameworks.is_empty() && script_frameworks.is_empty() {
        // A framework that only another dependency brings (`django-allauth` installs Django,
        // `flask-sqlalchemy` Flask) counts when the image installs it and the source builds
        // its application: an object or an uncalled factory of that framework.
        let builds = |framework: Framework| {
            app.source
                .app_objects
                .iter()
                .chain(&app.source.app_factories)
                .any(|object| object.framework == framework)
        };
        frameworks = WEB_FRAMEWORKS
            .into_iter()
            .filter(|framework| installs.has(framework.distribution()) && builds(*framework))
            .collect();
        through_others = frameworks
            .iter()
            .map(|framework| {
                format!(
                    "{} is not in `[project.dependencies]` of `{}`, but another dependency installs it and the source builds its application",
                    framework.distribution(),
                    app.manifest
                )
            })
            .collect();
    }
    if frameworks.is_empty() && script_frameworks.is_empty() {
        return entry_choice(app, settings, venv_bin)?.ok_or_else(no_command);
    }

    let objects: Vec<AppObject> = app
        .source
        .app_objects
        .iter()
        .filter(|object| frameworks.contains(&object.framework))
        .cloned()
        .collect();
    let objects = django_entry(&installs, objects);
    let mut scripts_found = script_apps(app.source, &script_frameworks);
    let mut others = Vec::new();
    if objects.is_empty() && scripts_found.len() > 1 {
        if let Some(chosen) = conventional_script(&scripts_found, &project.name) {
            others = scripts_found
                .iter()
                .filter(|script| script.file != chosen.file)
                .map(|script| format!("`{}`", script.file))
                .collect();
            scripts_found = vec![chosen];
        }
    }
    // A factory no module calls (`def create_app() -> FastAPI:`) only when no plain app object
    // or script is found: the server calls it.
    let objects = if objects.is_empty() && scripts_found.is_empty() {
        app.source
            .app_factories
            .iter()
            .filter(|factory| frameworks.contains(&factory.framework))
            .cloned()
            .collect()
    } else {
        objects
    };
    match (objects.as_slice(), scripts_found.as_slice()) {
        ([], [script]) => {
            let requested = settings.port.as_ref().map(|setting| setting.value);
            let mut choice = script_command(files, app, script, venv_bin, requested)?;
            if !others.is_empty() {
                choice.findings.push(format!(
                    "`{}` is run for its conventional entry name, among the {} scripts {}",
                    script.file,
                    script.framework.distribution(),
                    others.join(", ")
                ));
            }
            return Ok(choice);
        }
        ([], []) if frameworks.is_empty() => {
            if let Some(choice) = entry_choice(app, settings, venv_bin)? {
                return Ok(choice);
            }
            let names: Vec<&str> = script_frameworks.iter().map(|f| f.distribution()).collect();
            return Err(UserError::new(format!(
                "`{}` depends on {}, but no script that runs it was found in `{}`",
                app.manifest,
                names.join(" and "),
                if app.import_root().is_empty() { "." } else { app.import_root() }
            ))
            .detail("uv-rootless looks for a file that calls `st.*` at module level (Streamlit), calls `.launch()` at module level or under `__main__` (Gradio), or marks an object `.servable()` (Panel)")
            .hint("give the command with `--command`, e.g. `--command streamlit run app.py --server.port 8000 --server.address 0.0.0.0`"));
        }
        ([], []) => {}
        ([_], []) => {}
        (objects, scripts) => {
            let mut targets: Vec<String> = objects
                .iter()
                .map(|object| format!("`{}` ({})", object.target(), object.file))
                .collect();
            targets.extend(scripts.iter().map(|script| {
                format!(
                    "the {} script `{}`",
                    script.framework.distribution(),
                    script.file
                )
            }));
            let mut all = frameworks.clone();
            all.extend(script_frameworks.iter().copied());
            return Err(UserError::new(format!(
                "several web applications were found in `{}`",
                if app.import_root().is_empty() {
                    "."
                } else {
                    app.import_root()
                }
            ))
            .detail(format!("candidates: {}", targets.join(", ")))
            .hint(command_hint(&all)));
        }
    }

    let object = match objects.as_slice() {
        [one] => one.clone(),
        [] => {
            if let Some(choice) = framework_cli(&installs, app, &frameworks, venv_bin, port) {
                return Ok(choice);
            }
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
            .detail("uv-rootless looks for a top-level assignment such as `app = FastAPI()` or `app = Flask(__name__)`, a top-level factory that returns one (`def create_app() -> FastAPI:`), or Django's `wsgi.py`")
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

    let has = |name: &str| installs.has(name);
    let target = object.target();
    let port_text = port.to_string();
    let bind = format!("0.0.0.0:{port_text}");
    // The servers the lock may install, in order of preference, and how each takes the app.
    let bin = |program: &str| format!("{venv_bin}/{program}");
    // A factory is named the way each server calls one: `--factory module:func` (uvicorn,
    // granian), `module:func()` (hypercorn, gunicorn), `--call module:func` (waitress).
    let factory = object.factory;
    let called = if factory {
        format!("{target}()")
    } else {
        target.clone()
    };
    let strings = |parts: &[&[&str]]| -> Vec<String> {
        parts.concat().into_iter().map(String::from).collect()
    };
    let (uv_bin, hc_bin, gr_bin, da_bin, gu_bin, wa_bin) = (
        bin("uvicorn"),
        bin("hypercorn"),
        bin("granian"),
        bin("daphne"),
        bin("gunicorn"),
        bin("waitress-serve"),
    );
    let factory_flag: &[&str] = if factory { &["--factory"] } else { &[] };
    let listen = format!("--listen={bind}");
    let granian = |interface: &str| {
        strings(&[
            &[gr_bin.as_str(), "--interface", interface],
            factory_flag,
            &["--host", "0.0.0.0", "--port", &port_text, &target],
        ])
    };
    let mut candidates: Vec<(&str, bool, Vec<String>)> = if object.is_asgi() {
        vec![
            (
                "uvicorn",
                true,
                strings(&[
                    &[uv_bin.as_str()],
                    factory_flag,
                    &[&target, "--host", "0.0.0.0", "--port", &port_text],
                ]),
            ),
            (
                "hypercorn",
                true,
                strings(&[&[hc_bin.as_str(), "--bind", &bind, &called]]),
            ),
            ("granian", true, granian("asgi")),
            (
                "daphne",
                true,
                strings(&[&[
                    da_bin.as_str(),
                    "--bind",
                    "0.0.0.0",
                    "--port",
                    &port_text,
                    &target,
                ]]),
            ),
        ]
    } else {
        vec![
            (
                "gunicorn",
                true,
                strings(&[&[gu_bin.as_str(), "--bind", &bind, &called]]),
            ),
            (
                "waitress",
                false,
                if factory {
                    strings(&[&[wa_bin.as_str(), &listen, "--call", &target]])
                } else {
                    strings(&[&[wa_bin.as_str(), &listen, &target]])
                },
            ),
            ("granian", true, granian("wsgi")),
        ]
    };
    // Daphne takes an application, never a factory.
    if factory {
        candidates.retain(|(server, _, _)| *server != "daphne");
    }
    let Some((server, handles_sigterm, argv)) = candidates
        .into_iter()
        .find(|(distribution, _, _)| has(distribution))
    else {
        if object.framework == Framework::Flask && has("flask") {
            let mut choice = flask_development_server(app, &object, venv_bin, port);
            choice.findings.extend(through_others);
            return Ok(choice);
        }
        if object.framework == Framework::Django && has("django") {
            if let Some(mut choice) = django_development_server(app, &object, venv_bin, port) {
                choice.findings.extend(through_others);
                return Ok(choice);
            }
        }
        return Err(if object.is_asgi() {
            missing_server(
                &installs,
                app,
                object.framework,
                "ASGI server",
                ASGI_SERVERS,
                "uvicorn",
            )
        } else {
            missing_server(
                &installs,
                app,
                object.framework,
                "WSGI server",
                WSGI_SERVERS,
                "gunicorn",
            )
        });
    };
    let mut choice = CommandChoice {
        command: Decision::new(
            argv,
            Source::Detected,
            if factory {
                format!(
                    "{} application factory `{target}` ({}:{}), a top-level function that returns the app and that no module calls, called by {server} from `uv.lock`",
                    object.framework.distribution(),
                    object.file,
                    object.line
                )
            } else {
                format!(
                    "{} application `{target}` found in `{}`, served by {server} from `uv.lock`",
                    object.framework.distribution(),
                    object.file
                )
            },
        ),
        web: true,
        handles_sigterm,
        framework: Some(object.framework),
        port: None,
        env: Vec::new(),
        findings: if factory {
            vec![format!(
                "`{target}` at `{}:{}` is an application factory: {server} calls it once when it starts",
                object.file, object.line
            )]
        } else {
            Vec::new()
        },
        health: None,
        health_note: String::new(),
        session_script: String::new(),
        warnings: Vec::new(),
    };
    choice.findings.extend(through_others);
    Ok(choice)
}

/// A FastAPI or Litestar app the source builds in a way not read here (`app = create_app()`):
/// the framework's own CLI finds it at run time, in the files it searches by default, when the
/// lock installs that CLI and such a file exists. `fastapi run` looks for `app` or `api` in
/// `main.py`, `app.py`, `api.py` and the same under `app/`; `litestar run` for an app or a
/// factory in `app.py`, `application.py` or those packages.
fn framework_cli(
    installs: &Installs<'_>,
    app: &AppProject<'_>,
    frameworks: &BTreeSet<Framework>,
    venv_bin: &str,
    port: u16,
) -> Option<CommandChoice> {
    // The CLIs search the working directory, which holds the source of a virtual project only.
    if app.pyproject.is_packaged() {
        return None;
    }
    let has = |name: &str| installs.has(name);
    let root = app.import_root();
    let at_root = |file: &str| {
        if root.is_empty() {
            file.to_string()
        } else {
            format!("{root}/{file}")
        }
    };
    let imports = |module: &crate::read::source::Module, top: &str| {
        module
            .facts
            .imports
            .iter()
            .any(|import| import.target == top || import.target.starts_with(&format!("{top}.")))
    };
    let port_text = port.to_string();
    let (framework, cli, module, argv) =
        if frameworks.contains(&Framework::Fastapi) && has("fastapi-cli") {
            let found = [
                "main.py",
                "app.py",
                "api.py",
                "app/main.py",
                "app/app.py",
                "app/api.py",
            ]
            .iter()
            .find_map(|file| {
                let module = app
                    .source
                    .modules
                    .iter()
                    .find(|m| m.file == at_root(file))?;
                let assigned = module
                    .facts
                    .assignments
                    .iter()
                    .any(|assignment| matches!(assignment.target.as_str(), "app" | "api"));
                (assigned && imports(module, "fastapi")).then_some((*file, module))
            })?;
            (
                Framework::Fastapi,
                "fastapi run",
                found.1,
                vec![
                    format!("{venv_bin}/fastapi"),
                    "run".into(),
                    found.0.to_string(),
                    "--host".into(),
                    "0.0.0.0".into(),
                    "--port".into(),
                    port_text,
                ],
            )
        } else if frameworks.contains(&Framework::Litestar) && has("uvicorn") {
            let module = [
                "app.py",
                "application.py",
                "app/__init__.py",
                "application/__init__.py",
            ]
            .iter()
            .find_map(|file| {
                let module = app
                    .source
                    .modules
                    .iter()
                    .find(|m| m.file == at_root(file))?;
                imports(module, "litestar").then_some(module)
            })?;
            (
                Framework::Litestar,
                "litestar run",
                module,
                vec![
                    format!("{venv_bin}/litestar"),
                    "run".into(),
                    "--host".into(),
                    "0.0.0.0".into(),
                    "--port".into(),
                    port_text,
                ],
            )
        } else {
            return None;
        };
    Some(CommandChoice {
        command: Decision::new(
            argv,
            Source::Detected,
            format!(
                "no {} application object was read in the source, and `{}` imports {}: `{cli}` (from `uv.lock`) finds the app there at run time",
                framework.distribution(),
                module.file,
                framework.distribution()
            ),
        ),
        web: true,
        handles_sigterm: true,
        framework: Some(framework),
        port: None,
        env: Vec::new(),
        findings: vec![format!(
            "`{cli}` searches `{}` for the app when it starts: an app it cannot find there makes the container exit",
            module.file
        )],
        health: None,
        health_note: String::new(),
        session_script: String::new(),
        warnings: Vec::new(),
    })
}

/// ASGI servers and WSGI servers, by distribution, as [`detect_web`] prefers them.
const ASGI_SERVERS: &[&str] = &["uvicorn", "hypercorn", "granian", "daphne"];
const WSGI_SERVERS: &[&str] = &["gunicorn", "waitress", "granian"];

/// A Django project's `wsgi.py` and `asgi.py` are two doors to one app: one of them is kept,
/// by the servers the lock installs. WSGI first, unless the project uses Channels (whose
/// websockets need ASGI) or the lock has no WSGI server. In `asgi.py`, `application` is the
/// one Django's `ASGI_APPLICATION` names (Channels wraps the plain app in it).
fn django_entry(installs: &Installs<'_>, objects: Vec<AppObject>) -> Vec<AppObject> {
    // The package the door sits in: `site` for `site/wsgi.py` and `site/asgi/__init__.py`.
    let dir_of = |object: &AppObject| {
        object
            .module
            .rsplit_once('.')
            .map_or("", |(package, _)| package)
            .to_string()
    };
    let django: Vec<&AppObject> = objects
        .iter()
        .filter(|object| object.framework == Framework::Django)
        .collect();
    let same_dir = django
        .first()
        .is_some_and(|first| django.iter().all(|o| dir_of(o) == dir_of(first)));
    if django.len() < 2 || !same_dir || django.len() != objects.len() {
        return objects;
    }
    let (asgi, wsgi): (Vec<&AppObject>, Vec<&AppObject>) =
        django.iter().copied().partition(|object| object.is_asgi());
    let asgi = asgi
        .iter()
        .find(|object| object.variable == "application")
        .or(asgi.last())
        .copied();
    let installed = |names: &[&str]| names.iter().any(|name| installs.has(name));
    let channels = installs.has("channels");
    let chosen = match (wsgi.as_slice(), asgi) {
        ([], Some(asgi)) => asgi,
        ([wsgi], Some(asgi)) => {
            if (channels || !installed(WSGI_SERVERS)) && installed(ASGI_SERVERS) {
                asgi
            } else {
                wsgi
            }
        }
        _ => return objects,
    };
    vec![chosen.clone()]
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

/// A Flask app whose lock installs no WSGI server runs the way its project runs it,
/// `flask run`: Werkzeug's development server, with a warning that says how to serve it for
/// production. It does not handle SIGTERM as PID 1, so an init runs it.
fn flask_development_server(
    app: &AppProject<'_>,
    object: &AppObject,
    venv_bin: &str,
    port: u16,
) -> CommandChoice {
    let target = if object.factory {
        format!("{}()", object.target())
    } else {
        object.target()
    };
    let warning = format!(
        "`{}` uses flask and `uv.lock` installs no WSGI server, so the image runs Flask's development server (`flask run`), which Flask says is not for production: run `uv add gunicorn`, then uv-rootless again, to serve it with gunicorn",
        app.manifest
    );
    CommandChoice {
        command: Decision::new(
            vec![
                format!("{venv_bin}/flask"),
                "--app".into(),
                target.clone(),
                "run".into(),
                "--host".into(),
                "0.0.0.0".into(),
                "--port".into(),
                port.to_string(),
            ],
            Source::Detected,
            format!(
                "flask application `{target}` found in `{}`; `uv.lock` installs no WSGI server, so Flask's development server serves it",
                object.file
            ),
        ),
        web: true,
        handles_sigterm: false,
        framework: Some(Framework::Flask),
        port: None,
        env: Vec::new(),
        findings: Vec::new(),
        health: None,
        health_note: String::new(),
        session_script: String::new(),
        warnings: vec![warning],
    }
}

/// `manage.py` run as Python runs it (`__main__`, its directory first on `sys.path`), with
/// the migrations check `runserver` makes at start left out: it opens the database, and a
/// database the container cannot open then (SQLite's file in a read-only directory, a server
/// not up yet) stops the server before it listens. gunicorn makes no such check.
const RUNSERVER_WITHOUT_MIGRATION_CHECK: &str = "import runpy, sys; from django.core.management.commands import runserver; runserver.Command.check_migrations = lambda self: None; sys.argv[0] = 'manage.py'; runpy.run_path('manage.py', run_name='__main__')";

/// A Django project whose lock installs no WSGI or ASGI server runs the way its project runs
/// it, `manage.py runserver`: Django's development server, with a warning that says how to serve
/// it for production. `manage.py` must sit in the working directory, the import root of a
/// virtual project; `None` otherwise. `--noreload`: the autoreloader would run the server in a
/// second process that restarts on every change to the source, which cannot change in the image.
/// It does not handle SIGTERM as PID 1, so an init runs it.
fn django_development_server(
    app: &AppProject<'_>,
    object: &AppObject,
    venv_bin: &str,
    port: u16,
) -> Option<CommandChoice> {
    if app.pyproject.is_packaged() {
        return None;
    }
    let manage = app.source.module("manage")?;
    let warning = format!(
        "`{}` uses django and `uv.lock` installs no WSGI or ASGI server, so the image runs Django's development server (`manage.py runserver`), which Django says is not for production: run `uv add gunicorn`, then uv-rootless again, to serve it with gunicorn",
        app.manifest
    );
    Some(CommandChoice {
        command: Decision::new(
            vec![
                format!("{venv_bin}/python"),
                "-c".into(),
                RUNSERVER_WITHOUT_MIGRATION_CHECK.into(),
                "runserver".into(),
                format!("0.0.0.0:{port}"),
                "--noreload".into(),
            ],
            Source::Detected,
            format!(
                "django application `{}` found in `{}`; `uv.lock` installs no WSGI or ASGI server, so Django's development server serves it, started by `{}`",
                object.target(),
                object.file,
                manage.file
            ),
        ),
        web: true,
        handles_sigterm: false,
        framework: Some(Framework::Django),
        port: None,
        env: Vec::new(),
        findings: vec![
            "`manage.py runserver` starts without its migrations check, which opens the database before the server listens: a database the container cannot open then (SQLite's file in the read-only source, a server not up yet) would stop it; requests that use the database still need one".to_string(),
            "`manage.py runserver` runs with `--noreload`: its autoreloader would start a second process to watch source that cannot change in the image".to_string(),
            "`manage.py runserver` serves static files only with `DEBUG` on: with it off they are the app's to serve (WhiteNoise), as under gunicorn".to_string(),
        ],
        health: None,
        health_note: String::new(),
        session_script: String::new(),
        warnings: vec![warning],
    })
}

fn missing_server(
    installs: &Installs<'_>,
    app: &AppProject<'_>,
    framework: Framework,
    kind: &str,
    servers: &[&str],
    suggestion: &str,
) -> UserError {
    let mut error = UserError::new(format!(
        "`{}` uses {}, but `uv.lock` installs no {kind} to serve it",
        app.manifest,
        framework.distribution()
    ));
    // A server kept for development (`uv add --dev uvicorn`) is not in the image.
    let outside: Vec<&str> = servers
        .iter()
        .copied()
        .filter(|server| installs.only_outside(server))
        .collect();
    let suggestion = match outside.first() {
        Some(server) => {
            error = error.detail(format!(
                "{}, which the image does not install",
                held_outside(installs.files, &outside)
            ));
            *server
        }
        None => suggestion,
    };
    error
        .hint(format!("run `uv add {suggestion}`, then uv-rootless again"))
        .hint("or give the command with `--command`")
}

/// The scripts of `frameworks` in the source, without the pages of a Streamlit multipage app
/// (`pages/*.py` beside the main script, which `streamlit run` finds by itself).
fn script_apps(scan: &SourceScan, frameworks: &BTreeSet<Framework>) -> Vec<ScriptApp> {
    let found: Vec<&ScriptApp> = scan
        .script_apps
        .iter()
        .filter(|script| frameworks.contains(&script.framework))
        .collect();
    let dir_of = |file: &str| file.rsplit_once('/').map_or("", |(dir, _)| dir).to_string();
    found
        .iter()
        .filter(|script| {
            let dir = dir_of(&script.file);
            let is_page = script.framework == Framework::Streamlit
                && (dir == "pages" || dir.ends_with("/pages"))
                && found.iter().any(|main| {
                    main.framework == Framework::Streamlit
                        && dir_of(&main.file) == dir.trim_end_matches("pages").trim_end_matches('/')
                });
            !is_page
        })
        .map(|script| (*script).clone())
        .collect()
}

/// Among several scripts of one framework, the one its users name as the entry: for Streamlit
/// `streamlit_app.py`, `app.py`, `main.py`, `Home.py`/`home.py`, then a file named like the
/// project; for Gradio and Panel `app.py`, `main.py`, then one named like the project. The
/// first name that exactly one script has wins; `None` when none does, or the scripts are of
/// several frameworks.
fn conventional_script(scripts: &[ScriptApp], project: &str) -> Option<ScriptApp> {
    let framework = scripts.first()?.framework;
    if scripts.iter().any(|script| script.framework != framework) {
        return None;
    }
    let names: &[&[&str]] = match framework {
        Framework::Streamlit => &[
            &["streamlit_app.py"],
            &["app.py"],
            &["main.py"],
            &["Home.py", "home.py"],
        ],
        _ => &[&["app.py"], &["main.py"]],
    };
    let base = |script: &ScriptApp| {
        script
            .file
            .rsplit('/')
            .next()
            .unwrap_or_default()
            .to_string()
    };
    let own = PackageName::new(project);
    let named = |accept: &dyn Fn(&str) -> bool| {
        let found: Vec<&ScriptApp> = scripts
            .iter()
            .filter(|script| accept(&base(script)))
            .collect();
        match found.as_slice() {
            [one] => Some((*one).clone()),
            _ => None,
        }
    };
    names
        .iter()
        .find_map(|choices| named(&|file: &str| choices.contains(&file)))
        .or_else(|| named(&|file: &str| file.strip_suffix(".py").is_some_and(|stem| own.is(stem))))
}

/// Runs a script with its framework's own server on `port`, bound to all interfaces, with
/// nothing written outside `/tmp`.
fn script_command(
    files: &ProjectFiles,
    app: &AppProject<'_>,
    script: &ScriptApp,
    venv_bin: &str,
    requested: Option<u16>,
) -> Result<CommandChoice, UserError> {
    let framework = script.framework;
    let distribution = framework.distribution();
    // The framework's own port, as its users know it, unless one is asked for.
    let port = requested.unwrap_or(match framework {
        Framework::Streamlit => 8501,
        Framework::Gradio => 7860,
        _ => 5006,
    });
    let Some(locked) = files.lock.package(distribution) else {
        return Err(UserError::new(format!(
            "`{}` depends on {distribution}, but `uv.lock` does not install it",
            app.manifest
        ))
        .hint("run `uv lock`, then uv-rootless again"));
    };
    // Streamlit's test runner, which runs a session without a browser, came with 1.28.
    let has_test_runner = locked
        .version
        .as_deref()
        .and_then(|version| {
            let mut parts = version.split('.').map(|part| part.parse::<u32>().ok());
            Some((parts.next()??, parts.next()??))
        })
        .is_some_and(|version| version >= (1, 28));
    if app.pyproject.is_packaged() {
        return Err(UserError::new(format!(
            "the {distribution} script `{}` is part of the installed package, and `{}` runs from the venv, where the script is no file of its own to run",
            script.file, app.manifest
        ))
        .hint("make the project an application (`[tool.uv] package = false`): its source is then copied and the script run from it")
        .hint("or give the command with `--command`"));
    }
    // The working directory is the import root: the script's path starts there.
    let root = app.import_root();
    let path = match script.file.strip_prefix(root) {
        Some(rest) if !root.is_empty() => rest.trim_start_matches('/').to_string(),
        _ => script.file.clone(),
    };
    let session_path = path.clone();
    let at = format!("`{}:{}`", script.file, script.line);
    let port_text = port.to_string();
    let mut findings = vec![format!(
        "{distribution} script `{}`: `{}(...)` at {at}",
        script.file, script.call
    )];
    let (argv, env, handles_sigterm, health, health_note) = match framework {
        Framework::Streamlit => (
            vec![
                format!("{venv_bin}/streamlit"),
                "run".into(),
                path,
                "--server.port".into(),
                port_text,
                "--server.address".into(),
                "0.0.0.0".into(),
                "--server.headless".into(),
                "true".into(),
                "--server.fileWatcherType".into(),
                "none".into(),
                "--browser.gatherUsageStats".into(),
                "false".into(),
            ],
            Vec::new(),
            true,
            Some(("/_stcore/health".to_string(), "Streamlit's own health endpoint".to_string())),
            "Streamlit answers its health endpoint once its server is up; the script runs only when a session opens".to_string(),
        ),
        Framework::Gradio => {
            let launch = app
                .source
                .modules
                .iter()
                .find(|module| module.file == script.file)
                .and_then(|module| {
                    // At module level, or in the function the module calls there.
                    let functions = module.facts.functions.iter().flat_map(|f| f.calls.iter());
                    module.facts.module_calls.iter().chain(functions).find(|call| {
                        call.line == script.line
                            && call.callee.as_deref() == Some(script.call.as_str())
                    })
                });
            if let Some(launch) = launch {
                if let Some(host) = launch.kwarg("server_name").and_then(|value| value.as_str()) {
                    if host != "0.0.0.0" && host != "::" {
                        return Err(UserError::new(format!(
                            "the Gradio app launches on `{host}` (`server_name`) at {at}: nothing outside the container can reach it"
                        ))
                        .hint("drop `server_name` (the image sets `GRADIO_SERVER_NAME=0.0.0.0`), then uv-rootless again"));
                    }
                }
                match launch.kwarg("server_port") {
                    Some(crate::read::python::Value::Int(fixed)) if i64::from(port) != *fixed => {
                        return Err(UserError::new(format!(
                            "the Gradio app launches on port {fixed} (`server_port`) at {at}, but it is to listen on port {port}"
                        ))
                        .hint(format!("drop `server_port` (the image sets `GRADIO_SERVER_PORT={port}`), or set `port = {fixed}` in `[tool.uv-rootless]`")));
                    }
                    Some(crate::read::python::Value::Int(_)) | None => {}
                    Some(_) => findings.push(format!(
                        "`server_port` at {at} could not be read: the image sets `GRADIO_SERVER_PORT={port}`, which it overrides"
                    )),
                }
            }
            (
                vec![format!("{venv_bin}/python"), path],
                script_server::gradio_env(port),
                false,
                Some(("/config".to_string(), "the configuration Gradio serves once the app is built".to_string())),
                "the script has built the app by then; its event handlers run only when used".to_string(),
            )
        }
        _ => (
            vec![
                format!("{venv_bin}/panel"),
                "serve".into(),
                path,
                "--address".into(),
                "0.0.0.0".into(),
                "--port".into(),
                port_text,
                "--allow-websocket-origin".into(),
                "*".into(),
                "--liveness".into(),
            ],
            Vec::new(),
            false,
            Some(("/liveness".to_string(), "Panel's liveness endpoint (`--liveness`)".to_string())),
            "Panel answers its liveness endpoint once its server is up; the script runs only when a session opens".to_string(),
        ),
    };
    if let Some(note) = app.source.cut_note() {
        findings.push(note);
    }
    Ok(CommandChoice {
        command: Decision::new(
            argv,
            Source::Detected,
            format!(
                "{distribution} script `{}` found (`{}` at {at}), served by {distribution} from `uv.lock`",
                script.file, script.call
            ),
        ),
        web: true,
        handles_sigterm,
        framework: Some(framework),
        port: Some(port),
        env,
        findings,
        health,
        health_note,
        // A script run once per session is run once by `verify`; Gradio's has run by the time
        // its health endpoint answers.
        session_script: match framework {
            Framework::Streamlit if has_test_runner => session_path,
            Framework::Panel => session_path,
            _ => String::new(),
        },
        warnings: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use crate::options::Flags;
    use crate::read::names::PackageName;
    use crate::read::ProjectFiles;

    /// `names` added to the lock as packages the app depends on, as `uv add` leaves them.
    fn add_to_lock(files: &mut ProjectFiles, names: &[&str]) {
        for name in names {
            let mut package = files.lock.package[0].clone();
            package.name = name.to_string();
            package.dependencies.clear();
            package.optional_dependencies.clear();
            package.dev_dependencies.clear();
            files.lock.package.push(package);
        }
        app_package(files)
            .dependencies
            .extend(names.iter().map(|name| crate::read::lock::Dependency {
                name: name.to_string(),
                version: None,
                extra: None,
                marker: None,
            }));
    }

    /// `name` and every edge to it taken out of the lock.
    fn remove_from_lock(files: &mut ProjectFiles, name: &str) {
        files.lock.package.retain(|package| package.name != name);
        for package in &mut files.lock.package {
            package.dependencies.retain(|edge| edge.name != name);
        }
    }

    /// The app's own package in the lock.
    fn app_package(files: &mut ProjectFiles) -> &mut crate::read::lock::Package {
        let app = PackageName::new(&files.pyproject.project.as_ref().expect("project").name);
        files
            .lock
            .package
            .iter_mut()
            .find(|package| app.is(&package.name))
            .expect("the app is in the lock")
    }

    /// The command decided for `files` with `source` as the project's scan, default settings.
    fn decide_in(
        files: &ProjectFiles,
        source: &crate::read::source::SourceScan,
    ) -> Result<super::CommandChoice, String> {
        let app = super::AppProject {
            pyproject: &files.pyproject,
            manifest: "pyproject.toml".into(),
            source,
            member: String::new(),
        };
        super::decide(
            files,
            &app,
            &crate::options::Settings::default(),
            "/app/bin",
            8000,
        )
        .map_err(|error| error.to_string())
    }

    /// The scan of `sources` with the application objects their modules build, as
    /// `read_project` finds them.
    fn scan_with_apps(sources: &[(&str, &str, &str)]) -> crate::read::source::SourceScan {
        let mut scan = crate::read::source::scan_of_texts(sources);
        scan.app_objects = scan
            .modules
            .iter()
            .flat_map(crate::read::source::app_objects_of)
            .collect();
        scan
    }

    fn example(name: &str) -> std::path::PathBuf {
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("examples")
            .join(name)
    }

    fn with_command(
        name: &str,
        command: &[&str],
        port: Option<u16>,
    ) -> Result<crate::model::Plan, String> {
        let flags = Flags {
            command: Some(command.iter().map(|arg| arg.to_string()).collect()),
            port,
            ..Flags::default()
        };
        crate::app::load(&example(name), flags)
            .map(|loaded| loaded.plan)
            .map_err(|error| error.to_string())
    }

    #[test]
    fn a_console_script_that_serves_nothing_names_the_web_app_it_wins_over() {
        let dir = std::env::temp_dir().join(format!(
            "uv-rootless-web-alternative-{}",
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&dir);
        let source = example("script-server");
        for file in [
            "pyproject.toml",
            "uv.lock",
            "src/script_server/__init__.py",
            "src/script_server/app.py",
        ] {
            let to = dir.join(file);
            std::fs::create_dir_all(to.parent().expect("parent")).expect("mkdir");
            std::fs::copy(source.join(file), to).expect("copy");
        }
        std::fs::write(
            dir.join("src/script_server/cli.py"),
            "def main() -> None:\n    print('migrated')\n",
        )
        .expect("write");
        let plan = crate::app::load(&dir, Flags::default()).map(|loaded| loaded.plan);
        let _ = std::fs::remove_dir_all(&dir);
        let plan = plan.expect("plans");
        assert!(!plan.app.web);
        assert!(
            plan.app.findings.iter().any(|finding| finding
                .contains("the console script `serve` runs, not the fastapi app the source holds")
                && finding.contains(
                    "`--command /app/bin/uvicorn script_server.app:app --host 0.0.0.0 --port 8000`"
                )),
            "{:?}",
            plan.app.findings
        );
        // A script that serves the app itself says nothing of the kind.
        let plan = crate::app::load(&example("script-server"), Flags::default())
            .expect("plans")
            .plan;
        assert!(plan
            .app
            .findings
            .iter()
            .all(|finding| !finding.contains("instead")));
    }

    #[test]
    fn a_console_script_whose_module_is_missing_gives_way_to_the_web_app() {
        let dir = example("script-server");
        let read = |file: &str| std::fs::read_to_string(dir.join(file)).expect("reads");
        let init = read("src/script_server/__init__.py");
        let app = read("src/script_server/app.py");
        let mut files = crate::read::read_project(&dir).expect("reads");
        let decided = |files: &ProjectFiles, sources: &[(&str, &str, &str)]| {
            decide_in(files, &scan_with_apps(sources)).expect("plans")
        };
        let package = [
            (
                "src/script_server/__init__.py",
                "script_server.__init__",
                init.as_str(),
            ),
            (
                "src/script_server/app.py",
                "script_server.app",
                app.as_str(),
            ),
        ];
        // `serve = "script_server.cli:main"`, and no `script_server/cli.py`.
        let choice = decided(&files, &package);
        assert_eq!(
            choice.command.value,
            [
                "/app/bin/uvicorn",
                "script_server.app:app",
                "--host",
                "0.0.0.0",
                "--port",
                "8000"
            ]
        );
        assert!(choice.web);
        assert!(
            choice.findings[0].contains(
                "its module `script_server.cli` is not in the source, though its package `script_server` is"
            ),
            "{:?}",
            choice.findings
        );
        // The module there (serving nothing): the script runs, as before.
        let cli = "def main() -> None:\n    print('migrated')\n";
        let mut with_cli = package.to_vec();
        with_cli.push(("src/script_server/cli.py", "script_server.cli", cli));
        assert_eq!(decided(&files, &with_cli).command.value, ["/app/bin/serve"]);
        // Nothing else to run: the script stays, with a warning that it cannot start.
        let choice = decided(&files, &package[..1]);
        assert_eq!(choice.command.value, ["/app/bin/serve"]);
        assert!(
            choice
                .warnings
                .iter()
                .any(|warning| warning
                    .contains("its module `script_server.cli` is not in the source")),
            "{:?}",
            choice.warnings
        );
        assert!(decided(&files, &with_cli).warnings.is_empty());
        // A module of another distribution (not the project's package): the script runs.
        let project = files.pyproject.project.as_mut().expect("project");
        project
            .scripts
            .insert("serve".into(), "othertool.cli:main".into());
        assert_eq!(decided(&files, &package).command.value, ["/app/bin/serve"]);
    }

    #[test]
    fn a_command_whose_program_the_lock_does_not_install_is_an_error() {
        // flask-gunicorn's lock has gunicorn and no uvicorn; pytest only in the dev group.
        let error = with_command("flask-gunicorn", &["uvicorn", "wsgi:app"], None)
            .expect_err("uvicorn is not installed");
        assert!(
            error.contains("`--command` runs `uvicorn`, but `uv.lock` does not install it"),
            "{error}"
        );
        assert!(error.contains("is not in the lock"), "{error}");
        let error = with_command(
            "fastapi-service",
            &["/app/bin/gunicorn", "app.main:app"],
            None,
        )
        .expect_err("gunicorn is not installed");
        assert!(error.contains("runs `gunicorn`"), "{error}");
        // Python, a program whose distribution cannot be known, and a path elsewhere in the
        // image are taken on trust; the installed server is accepted.
        for command in [
            &["python", "-m", "app"][..],
            &["python3.13", "wsgi.py"][..],
            &["some-script"][..],
            &["/usr/local/bin/tool"][..],
            &["gunicorn", "wsgi:app"][..],
        ] {
            assert!(
                with_command("flask-gunicorn", command, None).is_ok(),
                "{command:?}"
            );
        }
    }

    #[test]
    fn a_known_server_in_the_command_gives_the_web_app_its_port() {
        let plan = with_command(
            "flask-gunicorn",
            &["gunicorn", "--bind", "0.0.0.0:9001", "wsgi:app"],
            None,
        )
        .expect("plans");
        assert!(plan.app.web);
        assert_eq!(plan.app.port, 9001);
        let plan = with_command(
            "fastapi-service",
            &[
                "uvicorn",
                "app.main:app",
                "--port=7002",
                "--host",
                "0.0.0.0",
            ],
            None,
        )
        .expect("plans");
        assert_eq!(plan.app.port, 7002);
        // No port in the command: the server's own default.
        let plan =
            with_command("streamlit-app", &["streamlit", "run", "app.py"], None).expect("plans");
        assert_eq!(
            (plan.app.port, plan.app.health_path.as_str()),
            (8501, "/_stcore/health")
        );
        // A port asked for that the command does not listen on is an error.
        let error = with_command(
            "flask-gunicorn",
            &["gunicorn", "-b", "0.0.0.0:9001", "wsgi:app"],
            Some(8000),
        )
        .expect_err("two ports");
        assert!(
            error.contains("on port 9001 (`-b` in the command), but port 8000"),
            "{error}"
        );
        // A server left on its loopback default is pointed out; one given an address is not.
        let loopback = |plan: &crate::model::Plan| {
            plan.app
                .findings
                .iter()
                .any(|finding| finding.contains("listens on 127.0.0.1 only"))
        };
        assert!(loopback(
            &with_command("flask-gunicorn", &["gunicorn", "wsgi:app"], None).expect("plans")
        ));
        assert!(!loopback(
            &with_command(
                "flask-gunicorn",
                &["gunicorn", "-b", "0.0.0.0:8000", "wsgi:app"],
                None
            )
            .expect("plans")
        ));
        // An unknown program is a web app only with a port.
        assert!(
            !with_command("flask-gunicorn", &["python", "wsgi.py"], None)
                .expect("plans")
                .app
                .web
        );
        assert!(
            with_command("flask-gunicorn", &["python", "wsgi.py"], Some(8000))
                .expect("plans")
                .app
                .web
        );
    }

    #[test]
    fn a_streamlit_script_runs_with_its_own_server_and_health_endpoint() {
        let plan = crate::app::load(&example("streamlit-app"), Flags::default())
            .expect("plans")
            .plan;
        assert_eq!(
            plan.command.value[..5],
            [
                "/app/bin/streamlit",
                "run",
                "app.py",
                "--server.port",
                "8501"
            ]
        );
        assert!(plan
            .command
            .value
            .windows(2)
            .any(|pair| pair == ["--server.address", "0.0.0.0"]));
        assert_eq!(plan.app.framework, "streamlit");
        assert_eq!(plan.app.health_path, "/_stcore/health");
        assert_eq!(plan.app.session_script, "/src/app.py");
        assert!(plan.app.health_note.contains("only when a session opens"));
        assert!(
            plan.app
                .findings
                .iter()
                .any(|finding| finding.contains("`app.py:5`")),
            "{:?}",
            plan.app.findings
        );
    }

    #[test]
    fn a_panel_script_is_served_by_panel_with_its_liveness_endpoint() {
        let mut files = crate::read::read_project(&example("gradio-app")).expect("reads");
        // The same project, depending on panel instead.
        if let Some(project) = files.pyproject.project.as_mut() {
            project.dependencies = vec!["panel>=1".into()];
        }
        let mut panel = files.lock.package[0].clone();
        panel.name = "panel".into();
        files.lock.package.push(panel);
        let scan = crate::read::source::scan_of_texts(&[(
            "dashboard.py",
            "dashboard",
            "import panel as pn\npn.extension()\npn.Column('# Hi').servable()\n",
        )]);
        let choice = decide_in(&files, &scan).expect("plans");
        assert_eq!(
            choice.command.value,
            [
                "/app/bin/panel",
                "serve",
                "dashboard.py",
                "--address",
                "0.0.0.0",
                "--port",
                "5006",
                "--allow-websocket-origin",
                "*",
                "--liveness"
            ]
        );
        assert_eq!(choice.health.expect("a health path").0, "/liveness");
        assert!(choice.health_note.contains("only when a session opens"));
        assert_eq!(choice.session_script, "dashboard.py");
    }

    /// The example's files with `source` in place of its scan, decided with no settings.
    fn decided_with_source(name: &str, source: &str) -> Result<super::CommandChoice, String> {
        decided_with_files(name, &[("app.py", "app", source)])
    }

    /// The example's files with these `(file, module, text)` in place of its scan.
    fn decided_with_files(
        name: &str,
        sources: &[(&str, &str, &str)],
    ) -> Result<super::CommandChoice, String> {
        let files = crate::read::read_project(&example(name)).expect("reads");
        let scan = crate::read::source::scan_of_texts(sources);
        decide_in(&files, &scan)
    }

    #[test]
    fn a_gradio_script_launches_itself_on_the_address_the_image_sets() {
        let choice = decided_with_source(
            "gradio-app",
            "import gradio as gr\nwith gr.Blocks() as demo:\n    gr.Markdown('x')\ndemo.launch()\n",
        )
        .expect("plans");
        assert_eq!(choice.command.value, ["/app/bin/python", "app.py"]);
        let env: Vec<String> = choice
            .env
            .iter()
            .map(|var| format!("{}={}", var.name, var.value))
            .collect();
        assert_eq!(
            env,
            [
                "GRADIO_SERVER_NAME=0.0.0.0",
                "GRADIO_SERVER_PORT=7860",
                "GRADIO_ANALYTICS_ENABLED=False",
                "GRADIO_TEMP_DIR=/tmp/gradio"
            ]
        );
        assert_eq!(choice.health.expect("a health path").0, "/config");
        assert!(!choice.handles_sigterm);
        // What `launch()` hard-codes wins over the environment: loopback or another port is
        // an error.
        let error = decided_with_source(
            "gradio-app",
            "import gradio as gr\ndemo = gr.Interface(fn=str, inputs='text', outputs='text')\ndemo.launch(server_name='127.0.0.1')\n",
        )
        .expect_err("loopback");
        assert!(
            error.contains("launches on `127.0.0.1` (`server_name`) at `app.py:3`"),
            "{error}"
        );
        let error = decided_with_source(
            "gradio-app",
            "import gradio as gr\ngr.Interface(fn=str, inputs='text', outputs='text').launch(server_port=7000)\n",
        )
        .expect_err("another port");
        assert!(error.contains("on port 7000 (`server_port`)"), "{error}");
        // A module that builds an app but never launches it is no script to run.
        let error = decided_with_source(
            "gradio-app",
            "import gradio as gr\ndef build():\n    return gr.Blocks()\n",
        )
        .expect_err("nothing to run");
        assert!(
            error.contains("no script that runs it was found"),
            "{error}"
        );
    }

    #[test]
    fn among_several_scripts_the_conventional_entry_name_is_run() {
        let page = "import streamlit as st\nst.title('x')\n";
        let run = |names: &[&str]| {
            let sources: Vec<(&str, &str, &str)> = names
                .iter()
                .map(|name| (*name, name.trim_end_matches(".py"), page))
                .collect();
            decided_with_files("streamlit-app", &sources)
                .map(|choice| choice.command.value[2].clone())
        };
        assert_eq!(
            run(&["eda.py", "app.py", "streamlit_app.py", "plots.py"]).unwrap(),
            "streamlit_app.py"
        );
        assert_eq!(run(&["eda.py", "main.py", "app.py"]).unwrap(), "app.py");
        assert_eq!(run(&["eda.py", "main.py"]).unwrap(), "main.py");
        assert_eq!(run(&["eda.py", "Home.py"]).unwrap(), "Home.py");
        // A file named like the project (`streamlit-app`).
        assert_eq!(
            run(&["eda.py", "streamlit-app.py"]).unwrap(),
            "streamlit-app.py"
        );
        let error = run(&["eda.py", "plots.py"]).unwrap_err();
        assert!(error.contains("several web applications"), "{error}");
        // Two files of that name in different directories are no choice.
        let error = run(&["a/app.py", "b/app.py"]).unwrap_err();
        assert!(error.contains("several web applications"), "{error}");
    }

    #[test]
    fn a_detected_app_is_served_by_the_server_the_lock_installs() {
        let served_by = |example_name: &str, server: &str| {
            let mut files = crate::read::read_project(&example(example_name)).expect("reads");
            // The lock's own server swapped for another.
            remove_from_lock(&mut files, "gunicorn");
            remove_from_lock(&mut files, "uvicorn");
            add_to_lock(&mut files, &[server]);
            decide_in(&files, &files.source)
                .map(|choice| (choice.command.value, choice.handles_sigterm))
        };
        let (argv, handles_sigterm) = served_by("flask-gunicorn", "waitress").expect("plans");
        assert_eq!(
            argv,
            [
                "/app/bin/waitress-serve",
                "--listen=0.0.0.0:8000",
                "wsgi:app"
            ]
        );
        assert!(!handles_sigterm);
        let (argv, _) = served_by("flask-gunicorn", "granian").expect("plans");
        assert_eq!(argv[..3], ["/app/bin/granian", "--interface", "wsgi"]);
        let (argv, handles_sigterm) = served_by("fastapi-service", "daphne").expect("plans");
        assert_eq!(argv[0], "/app/bin/daphne");
        assert_eq!(argv.last().map(String::as_str), Some("app.main:app"));
        assert!(handles_sigterm);
        // No WSGI server: Flask's own development server, as `flask run` starts it.
        let (argv, handles_sigterm) = served_by("flask-gunicorn", "uvicorn").expect("plans");
        assert_eq!(
            argv,
            [
                "/app/bin/flask",
                "--app",
                "wsgi:app",
                "run",
                "--host",
                "0.0.0.0",
                "--port",
                "8000"
            ]
        );
        assert!(!handles_sigterm);
        // No ASGI server has no such fallback.
        let error = served_by("fastapi-service", "gunicorn").expect_err("no ASGI server");
        assert!(
            error.contains("uses fastapi, but `uv.lock` installs no ASGI server to serve it"),
            "{error}"
        );
    }

    #[test]
    fn flasks_development_server_comes_with_a_warning_in_the_plan() {
        let mut files = crate::read::read_project(&example("flask-gunicorn")).expect("reads");
        remove_from_lock(&mut files, "gunicorn");
        let plan =
            crate::decide::plan(&files, &crate::options::Settings::default()).expect("plans");
        assert_eq!(plan.command.value[0], "/app/bin/flask");
        assert!(
            plan.warnings
                .iter()
                .any(|warning| warning.contains("Flask's development server")
                    && warning.contains("uv add gunicorn")),
            "{:?}",
            plan.warnings
        );
    }

    #[test]
    fn djangos_development_server_runs_from_manage_py_when_the_lock_has_no_server() {
        let mut files = crate::read::read_project(&example("django-site")).expect("reads");
        remove_from_lock(&mut files, "gunicorn");
        let plan =
            crate::decide::plan(&files, &crate::options::Settings::default()).expect("plans");
        assert_eq!(
            plan.command.value[3..],
            ["runserver", "0.0.0.0:8000", "--noreload"]
        );
        assert_eq!(
            plan.command.value[..3],
            [
                "/app/bin/python",
                "-c",
                super::RUNSERVER_WITHOUT_MIGRATION_CHECK
            ]
        );
        assert!(
            plan.warnings
                .iter()
                .any(|warning| warning.contains("Django's development server")
                    && warning.contains("uv add gunicorn")),
            "{:?}",
            plan.warnings
        );
        // The rest of Django's handling is the server's as much as gunicorn's.
        assert!(plan.static_files.collect, "{}", plan.static_files.reason);
        assert!(
            plan.runtime
                .probe_env
                .iter()
                .any(|env| env.name == "DJANGO_ALLOWED_HOSTS"
                    && env.image_value.contains("127.0.0.1"))
        );
        // An installed project has no `manage.py` in its working directory: no fallback.
        let mut packaged = files.clone();
        packaged
            .pyproject
            .tool
            .uv
            .as_mut()
            .expect("[tool.uv]")
            .package = Some(true);
        let error = crate::decide::plan(&packaged, &crate::options::Settings::default())
            .expect_err("no manage.py where it runs");
        assert!(
            error.to_string().contains("installs no WSGI server"),
            "{error}"
        );
    }

    #[test]
    fn a_factory_app_is_left_to_the_frameworks_cli_to_find() {
        let decided = |lock_extra: &str, dependency: &str, file: &str, text: &str| {
            let mut files = crate::read::read_project(&example("flask-gunicorn")).expect("reads");
            if let Some(project) = files.pyproject.project.as_mut() {
                project.dependencies = vec![dependency.into()];
            }
            add_to_lock(&mut files, &[dependency, lock_extra]);
            let module = file.trim_end_matches(".py").replace('/', ".");
            let scan = crate::read::source::scan_of_texts(&[(file, module.as_str(), text)]);
            decide_in(&files, &scan).map(|choice| choice.command.value)
        };
        let factory =
            "from fastapi import FastAPI\nfrom .factory import create_app\napp = create_app()\n";
        assert_eq!(
            decided("fastapi-cli", "fastapi", "app/main.py", factory).expect("plans"),
            [
                "/app/bin/fastapi",
                "run",
                "app/main.py",
                "--host",
                "0.0.0.0",
                "--port",
                "8000"
            ]
        );
        // Without fastapi-cli, or in a file `fastapi run` does not search, nothing is found.
        assert!(decided("other", "fastapi", "app/main.py", factory)
            .expect_err("no cli")
            .contains("no application object was found"));
        assert!(decided("fastapi-cli", "fastapi", "service/web.py", factory).is_err());
        // A factory the source names is called by the server itself.
        let factory = "from litestar import Litestar\ndef create_app() -> Litestar:\n    return Litestar([])\n";
        assert_eq!(
            decided("uvicorn", "litestar", "app.py", factory).expect("plans")[..3],
            ["/app/bin/uvicorn", "--factory", "app:create_app"]
        );
        let litestar = "from litestar import Litestar\nfrom .build import make\napp = make()\n";
        assert_eq!(
            decided("uvicorn", "litestar", "app.py", litestar).expect("plans"),
            [
                "/app/bin/litestar",
                "run",
                "--host",
                "0.0.0.0",
                "--port",
                "8000"
            ]
        );
    }

    #[test]
    fn a_server_the_lock_holds_only_for_a_dev_group_is_not_run() {
        let files_with = |runtime: &[&str]| {
            let mut files = crate::read::read_project(&example("fastapi-service")).expect("reads");
            remove_from_lock(&mut files, "uvicorn");
            // `uv add --dev uvicorn`: in the lock, on an edge of the `dev` group only.
            add_to_lock(&mut files, &["uvicorn"]);
            let app = app_package(&mut files);
            let edge = app.dependencies.pop().expect("the edge just added");
            app.dev_dependencies.insert("dev".into(), vec![edge]);
            add_to_lock(&mut files, runtime);
            files
        };
        let decided = |runtime: &[&str]| {
            let files = files_with(runtime);
            decide_in(&files, &files.source).map(|choice| choice.command.value)
        };
        // Given as the command, it is refused the same way, naming the group.
        let files = files_with(&[]);
        let app = super::AppProject {
            pyproject: &files.pyproject,
            manifest: "pyproject.toml".into(),
            source: &files.source,
            member: String::new(),
        };
        let flags = Flags {
            command: Some(vec!["uvicorn".into(), "app.main:app".into()]),
            ..Flags::default()
        };
        let settings = crate::options::Settings::merge(flags, Default::default());
        let error = super::decide(&files, &app, &settings, "/app/bin", 8000)
            .expect_err("uvicorn is not installed")
            .to_string();
        assert!(
            error.contains(
                "`uvicorn` comes from `uvicorn`; the lock holds `uvicorn` only in the dependency group `dev` of `fastapi-service`, which the image does not install"
            ),
            "{error}"
        );
        assert_eq!(decided(&["granian"]).expect("plans")[0], "/app/bin/granian");
        let error = decided(&[]).expect_err("no server in the image");
        assert!(
            error.contains("installs no ASGI server")
                && error.contains(
                    "holds `uvicorn` only in the dependency group `dev` of `fastapi-service`, which the image does not install"
                ),
            "{error}"
        );
    }

    #[test]
    fn a_factory_no_module_calls_is_served_with_the_servers_factory_syntax() {
        let decided = |servers: &[&str], sources: &[(&str, &str, &str)]| {
            let mut files = crate::read::read_project(&example("fastapi-service")).expect("reads");
            remove_from_lock(&mut files, "uvicorn");
            add_to_lock(&mut files, servers);
            let scan = scan_with_apps(sources);
            decide_in(&files, &scan)
        };
        let factory = (
            "svc/main.py",
            "svc.main",
            "from fastapi import FastAPI\n\ndef create_app():\n    app = FastAPI()\n    return app\n",
        );
        let argv = |servers: &[&str]| decided(servers, &[factory]).expect("plans").command.value;
        assert_eq!(
            argv(&["uvicorn"]),
            [
                "/app/bin/uvicorn",
                "--factory",
                "svc.main:create_app",
                "--host",
                "0.0.0.0",
                "--port",
                "8000"
            ]
        );
        assert_eq!(
            argv(&["hypercorn"]),
            [
                "/app/bin/hypercorn",
                "--bind",
                "0.0.0.0:8000",
                "svc.main:create_app()"
            ]
        );
        assert_eq!(
            argv(&["granian"]),
            [
                "/app/bin/granian",
                "--interface",
                "asgi",
                "--factory",
                "--host",
                "0.0.0.0",
                "--port",
                "8000",
                "svc.main:create_app"
            ]
        );
        // Daphne cannot call a factory: the next server that can is taken, else an error.
        assert_eq!(argv(&["daphne", "hypercorn"])[0], "/app/bin/hypercorn");
        assert!(decided(&["daphne"], &[factory]).is_err());
        let choice = decided(&["uvicorn"], &[factory]).expect("plans");
        assert!(
            choice
                .command
                .reason
                .contains("factory `svc.main:create_app` (svc/main.py:3)"),
            "{}",
            choice.command.reason
        );
        // A plain app object wins over a factory.
        let plain = (
            "svc/app.py",
            "svc.app",
            "from fastapi import FastAPI\napp = FastAPI()\n",
        );
        assert_eq!(
            decided(&["uvicorn"], &[factory, plain])
                .expect("plans")
                .command
                .value[..2],
            ["/app/bin/uvicorn", "svc.app:app"]
        );
        // Several factories are several applications.
        let other = (
            "svc/other.py",
            "svc.other",
            "import fastapi\ndef make() -> fastapi.FastAPI:\n    return fastapi.FastAPI()\n",
        );
        let error = decided(&["uvicorn"], &[factory, other]).expect_err("several");
        assert!(error.contains("several web applications"), "{error}");
        assert!(error.contains("`svc.other:make` (svc/other.py)"), "{error}");
    }

    #[test]
    fn a_framework_another_dependency_installs_counts_when_the_source_builds_its_app() {
        let decided = |text: &str| {
            let mut files = crate::read::read_project(&example("flask-gunicorn")).expect("reads");
            // Flask comes with an extension (`flask-login` depends on it): the lock installs it,
            // `[project.dependencies]` does not name it.
            if let Some(project) = files.pyproject.project.as_mut() {
                project.dependencies = vec!["flask-login".into(), "gunicorn".into()];
            }
            let scan = scan_with_apps(&[("wsgi.py", "wsgi", text)]);
            decide_in(&files, &scan).map(|choice| (choice.command.value, choice.findings))
        };
        let (argv, findings) =
            decided("from flask import Flask\napp = Flask(__name__)\n").expect("plans");
        assert_eq!(
            argv,
            ["/app/bin/gunicorn", "--bind", "0.0.0.0:8000", "wsgi:app"]
        );
        assert!(
            findings.iter().any(|finding| finding
                .contains("flask is not in `[project.dependencies]` of `pyproject.toml`")),
            "{findings:?}"
        );
        // Installed but never built by the source: no web app.
        let error = decided("print('hello')\n").expect_err("no command");
        assert!(error.contains("no command to run"), "{error}");
    }

    #[test]
    fn a_wsgi_factory_is_called_by_gunicorn_and_waitress() {
        let decided = |server: &str| {
            let mut files = crate::read::read_project(&example("flask-gunicorn")).expect("reads");
            remove_from_lock(&mut files, "gunicorn");
            add_to_lock(&mut files, &[server]);
            let scan = crate::read::source::scan_of_texts(&[(
                "web.py",
                "web",
                "from flask import Flask\ndef create_app() -> Flask:\n    return Flask(__name__)\n",
            )]);
            decide_in(&files, &scan).map(|choice| choice.command.value)
        };
        assert_eq!(
            decided("gunicorn").unwrap(),
            [
                "/app/bin/gunicorn",
                "--bind",
                "0.0.0.0:8000",
                "web:create_app()"
            ]
        );
        assert_eq!(
            decided("waitress").unwrap(),
            [
                "/app/bin/waitress-serve",
                "--listen=0.0.0.0:8000",
                "--call",
                "web:create_app"
            ]
        );
    }

    #[test]
    fn django_is_served_through_wsgi_or_asgi_by_the_servers_the_lock_installs() {
        let served = |servers: &[&str]| {
            let mut files = crate::read::read_project(&example("flask-gunicorn")).expect("reads");
            if let Some(project) = files.pyproject.project.as_mut() {
                project.dependencies = vec!["django".into()];
            }
            remove_from_lock(&mut files, "gunicorn");
            add_to_lock(&mut files, &["django"]);
            add_to_lock(&mut files, servers);
            let scan = scan_with_apps(&[
                (
                    "mysite/wsgi.py",
                    "mysite.wsgi",
                    "from django.core.wsgi import get_wsgi_application\napplication = get_wsgi_application()\n",
                ),
                (
                    "mysite/asgi.py",
                    "mysite.asgi",
                    "from django.core.asgi import get_asgi_application\ndjango_asgi_app = get_asgi_application()\nfrom channels.routing import ProtocolTypeRouter\napplication = ProtocolTypeRouter({'http': django_asgi_app})\n",
                ),
            ]);
            decide_in(&files, &scan).map(|choice| choice.command.value)
        };
        let argv = served(&["gunicorn", "uvicorn"]).expect("plans");
        assert_eq!(argv[0], "/app/bin/gunicorn");
        assert_eq!(
            argv.last().map(String::as_str),
            Some("mysite.wsgi:application")
        );
        let argv = served(&["uvicorn"]).expect("plans");
        assert_eq!(argv[..2], ["/app/bin/uvicorn", "mysite.asgi:application"]);
        // Channels needs ASGI, even where a WSGI server is installed.
        let argv = served(&["gunicorn", "daphne", "channels"]).expect("plans");
        assert_eq!(argv[0], "/app/bin/daphne");
        assert_eq!(
            argv.last().map(String::as_str),
            Some("mysite.asgi:application")
        );
        assert!(served(&[])
            .expect_err("no server")
            .contains("installs no WSGI server"));
    }

    #[test]
    fn a_gradio_launch_inside_the_entry_function_is_read_too() {
        let error = decided_with_source(
            "gradio-app",
            "import gradio as gr\ndef main():\n    gr.Interface(fn=str, inputs='text', outputs='text').launch(server_port=7000)\nif __name__ == '__main__':\n    main()\n",
        )
        .expect_err("another port");
        assert!(
            error.contains("on port 7000 (`server_port`) at `app.py:3`"),
            "{error}"
        );
    }

    #[test]
    fn a_script_app_needs_its_framework_locked_and_a_virtual_project() {
        let script =
            "import gradio as gr\ngr.Interface(fn=str, inputs='text', outputs='text').launch()\n";
        let decided = |packaged: bool, locked: bool| {
            let mut files = crate::read::read_project(&example("gradio-app")).expect("reads");
            if let Some(uv) = files.pyproject.tool.uv.as_mut() {
                uv.package = Some(packaged);
            }
            if !locked {
                files
                    .lock
                    .package
                    .retain(|package| package.name != "gradio");
            }
            let scan = crate::read::source::scan_of_texts(&[("app.py", "app", script)]);
            decide_in(&files, &scan).map(|choice| choice.command.value)
        };
        assert!(decided(false, true).is_ok());
        let error = decided(true, true).expect_err("packaged");
        assert!(
            error.contains("the gradio script `app.py` is part of the installed package"),
            "{error}"
        );
        let error = decided(false, false).expect_err("not locked");
        assert!(
            error.contains("depends on gradio, but `uv.lock` does not install it"),
            "{error}"
        );
    }
}
