//! Whether a console script starts a server: `[project.scripts] serve = "pkg.cli:main"` whose
//! `main()` calls `uvicorn.run(...)`, `waitress.serve(...)`, Flask's `app.run(...)` and the
//! like. Reads the function's calls (and those of the functions it calls, of its module or
//! imported from another scanned module, one level deep, their parameters read from the
//! arguments passed), then the address the server listens on: a literal, an environment variable with
//! its default, which the image then sets, or an option of the script's command line (click,
//! typer, argparse), which the command passes when its default will not do. An entry that is a
//! typer app or a click group is read through its commands. Also tells whether an entry takes a
//! subcommand (argparse subparsers, a click group), which makes it no worker. An MCP server
//! object's `run` with an HTTP transport serves too; with stdio it is a command-line program.

use super::DEFAULT_PORT;
use crate::error::UserError;
use crate::model::EnvVar;
use crate::read::python::{Call, Function, Value};
use crate::read::source::{Framework, Module, SourceScan};

/// What the script's server listens on, and what the image sets for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScriptServer {
    /// What serves: `uvicorn`, `waitress`, `flask`.
    pub server: &'static str,
    pub port: u16,
    pub handles_sigterm: bool,
    /// Variables the code reads for its address, set to what the container needs.
    pub env: Vec<EnvVar>,
    /// Options the command passes for the address (`--host 0.0.0.0`), when its command line
    /// reads it and its default is not what the container needs.
    pub args: Vec<String>,
    /// What was read and where, for `explain`.
    pub findings: Vec<String>,
    /// The framework's own health endpoint and why, when the server has one.
    pub health: Option<(String, String)>,
    /// The framework that serves, when the server is one's own (Gradio's `launch`).
    pub framework: Option<Framework>,
}

/// A server-starting call: how to match it and what it does when an argument is left out.
struct Server {
    name: &'static str,
    /// Matches the resolved callee.
    matches: fn(&str, &SourceScan) -> bool,
    host: Arg,
    port: Arg,
    /// A `host:port` keyword (`bind=`, `listen=`), read before `host`/`port`.
    bind: Option<&'static str>,
    default_host: Option<&'static str>,
    /// `None` when the default cannot be read from the call (a config object holds it).
    default_port: Option<u16>,
    handles_sigterm: bool,
}

/// Where an argument is: a positional index and a keyword name.
#[derive(Clone, Copy)]
struct Arg(Option<usize>, &'static str);

fn last(callee: &str) -> &str {
    callee.rsplit('.').next().unwrap_or_default()
}

const SERVERS: &[Server] = &[
    Server {
        name: "uvicorn",
        // `uvicorn.Config(app, host=..., port=...)` is served by `uvicorn.Server(config)`:
        // the config holds the address.
        matches: |callee, _| {
            matches!(
                callee,
                "uvicorn.run" | "uvicorn.main.run" | "uvicorn.Config" | "uvicorn.config.Config"
            )
        },
        host: Arg(None, "host"),
        port: Arg(None, "port"),
        bind: None,
        default_host: Some("127.0.0.1"),
        default_port: Some(8000),
        handles_sigterm: true,
    },
    Server {
        name: "waitress",
        matches: |callee, _| callee == "waitress.serve",
        host: Arg(None, "host"),
        port: Arg(None, "port"),
        bind: Some("listen"),
        default_host: Some("0.0.0.0"),
        default_port: Some(8080),
        handles_sigterm: false,
    },
    Server {
        name: "aiohttp",
        matches: |callee, _| callee == "aiohttp.web.run_app",
        host: Arg(None, "host"),
        port: Arg(None, "port"),
        bind: None,
        default_host: Some("0.0.0.0"),
        default_port: Some(8080),
        handles_sigterm: true,
    },
    Server {
        name: "granian",
        matches: |callee, _| callee.starts_with("granian") && last(callee) == "Granian",
        host: Arg(Some(1), "address"),
        port: Arg(Some(2), "port"),
        bind: None,
        default_host: Some("127.0.0.1"),
        default_port: Some(8000),
        handles_sigterm: true,
    },
    Server {
        name: "hypercorn",
        matches: |callee, _| {
            callee == "hypercorn.asyncio.serve" || callee == "hypercorn.trio.serve"
        },
        host: Arg(None, ""),
        port: Arg(None, ""),
        bind: None,
        default_host: None,
        default_port: None,
        handles_sigterm: true,
    },
    Server {
        name: "flask",
        // `app.run(...)` on a Flask application object of the project, or on a name bound to
        // one (`application = app`).
        matches: |callee, scan| {
            callee.rsplit_once('.').is_some_and(|(object, method)| {
                let name = last(object);
                let flask = |owner: &str, variable: &str| {
                    scan.app_objects.iter().any(|app| {
                        app.framework == Framework::Flask
                            && app.module == owner
                            && app.variable == variable
                    })
                };
                let aliased = || {
                    scan.modules.iter().any(|module| {
                        module.facts.aliases.iter().any(|alias| {
                            alias.target == name
                                && scan
                                    .object_of(module, name)
                                    .is_some_and(|(owner, variable)| flask(&owner, &variable))
                        })
                    })
                };
                method == "run"
                    && (scan
                        .app_objects
                        .iter()
                        .any(|app| app.framework == Framework::Flask && app.variable == name)
                        || aliased())
            })
        },
        host: Arg(Some(0), "host"),
        port: Arg(Some(1), "port"),
        bind: None,
        default_host: Some("127.0.0.1"),
        default_port: Some(5000),
        handles_sigterm: false,
    },
    Server {
        name: "http.server",
        matches: |callee, _| last(callee) == "serve_forever",
        host: Arg(None, ""),
        port: Arg(None, ""),
        bind: None,
        default_host: None,
        default_port: None,
        handles_sigterm: false,
    },
];

/// An argument as far as it can be read without running anything.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Read {
    Absent,
    Literal(String),
    /// Read from this variable, with this default.
    Env(String, Option<String>),
    /// A parameter the command line sets: a click, typer or argparse option.
    Option(CliOption),
    Unknown,
}

/// An option of the script's command line that a value is read from.
#[derive(Debug, Clone, PartialEq, Eq)]
struct CliOption {
    /// The option that sets it (`--port`); `None` for a plain Python default no command-line
    /// library reads.
    flag: Option<String>,
    /// The variable the library reads it from when the option is not given (`envvar=`).
    envvar: Option<String>,
    /// Its default when the option is not given.
    default: Box<Read>,
    /// Where it is declared, for `explain`: "`@click.option` at `src/pkg/cli.py:4`".
    declared: String,
}

/// Where a value is read: the module, and the function whose body holds the server's call
/// (`None` for a module's `__main__` block).
#[derive(Clone, Copy)]
struct Scope<'a> {
    scan: &'a SourceScan,
    module: &'a Module,
    function: Option<&'a Function>,
    /// The call that entered `function` from another function, and where that call was
    /// made: a parameter with nothing declared for it is read from the caller's argument.
    caller: Option<(&'a Call, &'a Module, Option<&'a Function>)>,
}

fn literal(value: &Value) -> Option<String> {
    match value {
        Value::Str(text) => Some(text.clone()),
        Value::Int(number) => Some(number.to_string()),
        _ => None,
    }
}

fn is_env_name(name: &str) -> bool {
    let mut chars = name.chars();
    name.len() <= 100
        && chars
            .next()
            .is_some_and(|first| first == '_' || first.is_ascii_alphabetic())
        && chars.all(|ch| ch == '_' || ch.is_ascii_alphanumeric())
}

/// Reads `value`: literals, `int(...)`/`str(...)` around another value, `os.environ.get`,
/// `os.getenv`, `os.environ[...]`, a module-level name assigned one of those (or an upper-case
/// constant), and a
/// command-line option: a parameter of the function that a click or typer option declares
/// (or its plain default), or `args.NAME` of an argparse `add_argument`.
fn read(value: &Value, scope: Scope<'_>, depth: usize) -> Read {
    let module = scope.module;
    if let Some(text) = literal(value) {
        return Read::Literal(text);
    }
    if depth < 4 {
        if let Some(option) = cli_option(value, scope, depth) {
            return Read::Option(option);
        }
    }
    // A default that is itself read (`os.getenv("PORT", os.getenv("APP_PORT", "8000"))`):
    // the variable the image sets is the outer one, which wins; the default is the inner
    // read's own.
    let default_of = |default: &Value| match read(default, scope, depth + 1) {
        Read::Literal(text) => Some(text),
        Read::Env(_, default) => default,
        _ => None,
    };
    let env = |name: Option<&Value>, default: Option<&Value>| match name.and_then(Value::as_str) {
        Some(name) if is_env_name(name) => {
            let default = match default {
                Some(default) if depth < 4 => default_of(default),
                Some(default) => literal(default),
                None => None,
            };
            Read::Env(name.to_string(), default)
        }
        _ => Read::Unknown,
    };
    match value {
        Value::Call(call) => match call.callee.as_deref() {
            Some("int" | "str") if depth < 4 => call
                .args
                .first()
                .map_or(Read::Unknown, |inner| read(inner, scope, depth + 1)),
            Some("os.environ.get" | "os.getenv") => env(call.args.first(), call.arg(1, "default")),
            _ => Read::Unknown,
        },
        Value::Subscript { value, index } if value == "os.environ" => env(Some(index), None),
        // `os.environ.get("PORT") or 8000`: the variable, else (unset or empty) the right.
        Value::Or(left, right) if depth < 4 => match read(left, scope, depth + 1) {
            Read::Env(name, default) => {
                let truthy = default
                    .as_deref()
                    .filter(|text| !text.is_empty() && *text != "0");
                match truthy {
                    Some(text) => Read::Env(name, Some(text.to_string())),
                    None => Read::Env(name, default_of(right)),
                }
            }
            Read::Literal(text) if !text.is_empty() && text != "0" => Read::Literal(text),
            Read::Literal(_) => read(right, scope, depth + 1),
            _ => Read::Unknown,
        },
        // An upper-case module constant: `DEFAULT_PORT = 8000`, `PORT = int(os.getenv(...))`.
        Value::Name(name)
            if depth < 4
                && module
                    .facts
                    .constants
                    .iter()
                    .any(|constant| &constant.name == name) =>
        {
            let constant = module
                .facts
                .constants
                .iter()
                .rev()
                .find(|constant| &constant.name == name)
                .map(|constant| &constant.value);
            constant.map_or(Read::Unknown, |value| {
                read(
                    value,
                    Scope {
                        scan: scope.scan,
                        module,
                        function: None,
                        caller: None,
                    },
                    depth + 1,
                )
            })
        }
        Value::Name(name) if depth < 4 => module
            .facts
            .assignments
            .iter()
            .rev()
            .find(|assignment| &assignment.target == name)
            .map_or(Read::Unknown, |assignment| {
                read(
                    &Value::Call(Box::new(assignment.call.clone())),
                    Scope {
                        scan: scope.scan,
                        module,
                        function: None,
                        caller: None,
                    },
                    depth + 1,
                )
            }),
        Value::Attribute(dotted) if depth < 4 => {
            settings_field(scope, dotted).unwrap_or(Read::Unknown)
        }
        _ => Read::Unknown,
    }
}

/// `settings.PORT`, where `settings = Settings()` (in the module or one it imports it from)
/// builds a pydantic-settings class whose body gives `PORT` a literal default: the environment
/// variable pydantic-settings reads for it (`env_prefix` + the field's name, upper-cased
/// unless `case_sensitive`), with that default. `None` when any of it cannot be read: values
/// passed to the constructor, a prefix that is not a literal, a field with `Field(...)`.
fn settings_field(scope: Scope<'_>, dotted: &str) -> Option<Read> {
    let scan = scope.scan;
    let (object, field) = dotted.rsplit_once('.')?;
    let (class_module, class, built) = super::health::instance_of(scan, scope.module, object)?;
    if !built.args.is_empty() || !built.kwargs.is_empty() {
        return None;
    }
    if !class.bases.iter().any(|base| last(base) == "BaseSettings") {
        return None;
    }
    let default = match (class.string(field), class.number(field)) {
        (Some(text), None) => text.to_string(),
        (None, Some(number)) => number.to_string(),
        _ => return None,
    };
    let name = super::settings::env_naming(&[(class_module, class)])?.variable(field);
    is_env_name(&name).then_some(Read::Env(name, Some(default)))
}

/// The name click gives the parameter of an option declared with `decls`
/// (`"--port", "-p"` is `port`; a bare identifier names it).
fn click_name(decls: &[&str]) -> Option<String> {
    if let Some(name) = decls.iter().find(|decl| !decl.starts_with('-')) {
        return Some(name.to_string());
    }
    let longest = decls
        .iter()
        .filter(|decl| decl.starts_with("--"))
        .chain(decls.iter().filter(|decl| !decl.starts_with("--")))
        .max_by_key(|decl| (decl.starts_with("--"), decl.len()))?;
    Some(
        longest
            .trim_start_matches('-')
            .replace('-', "_")
            .to_ascii_lowercase(),
    )
}

/// The long option among `decls`, else the first one.
fn flag_of(decls: &[&str]) -> Option<String> {
    decls
        .iter()
        .find(|decl| decl.starts_with("--"))
        .or_else(|| decls.iter().find(|decl| decl.starts_with('-')))
        .map(|decl| decl.to_string())
        .filter(|flag| is_flag(flag))
}

/// An option name safe to put in the command: `--port`, `-p`, `--bind-host`.
fn is_flag(flag: &str) -> bool {
    flag.len() <= 64
        && flag.starts_with('-')
        && flag
            .trim_start_matches('-')
            .chars()
            .next()
            .is_some_and(|ch| ch.is_ascii_alphanumeric())
        && flag
            .chars()
            .all(|ch| ch == '-' || ch == '_' || ch.is_ascii_alphanumeric())
}

fn strings(values: &[Value]) -> Vec<&str> {
    values.iter().filter_map(Value::as_str).collect()
}

/// The command-line option `value` is read from, when it is one.
fn cli_option(value: &Value, scope: Scope<'_>, depth: usize) -> Option<CliOption> {
    let module = scope.module;
    let inner = |value: &Value| Box::new(read(value, scope, depth + 1));
    match value {
        // A parameter of the function that holds the call.
        Value::Name(name) => {
            let function = scope.function?;
            let param = function.params.iter().find(|param| &param.name == name)?;
            let at = |line: u32| format!("`{}:{line}`", module.file);
            // `@click.option("--port", default=8000)` on the function.
            for decorator in &function.decorators {
                let Some(call) = &decorator.call else {
                    continue;
                };
                let callee = call.callee.as_deref().unwrap_or_default();
                if !matches!(callee, "click.option" | "click.decorators.option") {
                    continue;
                }
                let decls = strings(&call.args);
                if click_name(&decls).as_deref() != Some(name.as_str()) {
                    continue;
                }
                return Some(CliOption {
                    flag: flag_of(&decls),
                    envvar: call
                        .kwarg("envvar")
                        .and_then(Value::as_str)
                        .filter(|v| is_env_name(v))
                        .map(str::to_string),
                    default: call.kwarg("default").map_or(Box::new(Read::Absent), inner),
                    declared: format!("`@click.option` at {}", at(decorator.line)),
                });
            }
            let typer_call = |call: &Call| {
                matches!(
                    call.callee.as_deref(),
                    Some("typer.Option" | "typer.params.Option")
                )
            };
            let typer_flag = |decls: &[&str]| {
                flag_of(decls).or_else(|| {
                    Some(format!("--{}", name.replace('_', "-"))).filter(|f| is_flag(f))
                })
            };
            // `port: Annotated[int, typer.Option("--port")] = 8000`.
            if let Some(call) = param.annotated.as_ref().filter(|call| typer_call(call)) {
                return Some(CliOption {
                    flag: typer_flag(&strings(&call.args)),
                    envvar: call
                        .kwarg("envvar")
                        .and_then(Value::as_str)
                        .filter(|v| is_env_name(v))
                        .map(str::to_string),
                    default: param.default.as_ref().map_or(Box::new(Read::Absent), inner),
                    declared: format!(
                        "`typer.Option` in the annotation of `{name}` at {}",
                        at(function.line)
                    ),
                });
            }
            // `port: int = typer.Option(8000, "--port")`.
            if let Some(call) = param
                .default
                .as_ref()
                .and_then(Value::as_call)
                .filter(|call| typer_call(call))
            {
                let default = call
                    .arg(0, "default")
                    .filter(|value| value.as_str().is_none_or(|text| !text.starts_with('-')));
                let decls = strings(&call.args);
                return Some(CliOption {
                    flag: typer_flag(&decls),
                    envvar: call
                        .kwarg("envvar")
                        .and_then(Value::as_str)
                        .filter(|v| is_env_name(v))
                        .map(str::to_string),
                    default: default.map_or(Box::new(Read::Absent), inner),
                    declared: format!(
                        "`typer.Option` as the default of `{name}` at {}",
                        at(function.line)
                    ),
                });
            }
            // A helper's parameter: the argument its caller passes, read where the call is.
            if let Some((call, caller_module, caller_function)) = scope.caller {
                let index = function.params.iter().position(|p| &p.name == name)?;
                // A method's `self` is not among the call's arguments.
                let index = if function.class.is_some() {
                    index.checked_sub(1)?
                } else {
                    index
                };
                if let Some(argument) = call.arg(index, name) {
                    let outer = Scope {
                        scan: scope.scan,
                        module: caller_module,
                        function: caller_function,
                        caller: None,
                    };
                    return match read(argument, outer, depth + 1) {
                        Read::Option(option) => Some(option),
                        found @ (Read::Literal(_) | Read::Env(..)) => Some(CliOption {
                            flag: None,
                            envvar: None,
                            default: Box::new(found),
                            declared: format!(
                                "the argument `{name}` of `{}` passed at `{}:{}`",
                                function.qualname, caller_module.file, call.line
                            ),
                        }),
                        _ => None,
                    };
                }
            }
            // A plain default: a typer command's option (`--port`), else what the function gets
            // when it is called with no arguments.
            let default = param.default.as_ref()?;
            // A typer command: decorated `@app.command()` in a module that imports typer, or
            // run by `typer.run(function)`.
            let imports_typer = module
                .facts
                .imports
                .iter()
                .any(|import| import.target == "typer" || import.target.starts_with("typer."));
            let decorated = function.decorators.iter().any(|decorator| {
                decorator
                    .callee
                    .as_deref()
                    .is_some_and(|callee| last(callee) == "command")
            });
            let run_by_typer = module
                .facts
                .functions
                .iter()
                .flat_map(|other| &other.calls)
                .chain(&module.facts.module_calls)
                .any(|call| {
                    matches!(call.callee.as_deref(), Some("typer.run" | "typer.main.run"))
                        && call.args.first() == Some(&Value::Name(function.name.clone()))
                });
            let typer = imports_typer && (decorated || run_by_typer);
            Some(CliOption {
                flag: if typer { typer_flag(&[]) } else { None },
                envvar: None,
                default: inner(default),
                declared: format!(
                    "{} `{name}` of `{}` at {}",
                    if typer {
                        "the typer parameter"
                    } else {
                        "the default of the parameter"
                    },
                    function.qualname,
                    at(function.line)
                ),
            })
        }
        // `args.port` after `parser.add_argument("--port", type=int, default=5000)`.
        Value::Attribute(dotted) => {
            let (_, dest) = dotted.rsplit_once('.')?;
            // The function's own parser first, then one a helper of the module builds.
            let calls = scope
                .function
                .map(|function| function.calls.as_slice())
                .into_iter()
                .flatten()
                .chain(&module.facts.module_calls)
                .chain(
                    module
                        .facts
                        .functions
                        .iter()
                        .flat_map(|function| &function.calls),
                );
            for call in calls {
                if call.callee.as_deref().map(last) != Some("add_argument") {
                    continue;
                }
                let decls = strings(&call.args);
                let named = match call.kwarg("dest").and_then(Value::as_str) {
                    Some(given) => given.to_string(),
                    None => match decls
                        .iter()
                        .find(|decl| decl.starts_with("--"))
                        .or(decls.first())
                    {
                        Some(decl) => decl.trim_start_matches('-').replace('-', "_"),
                        None => continue,
                    },
                };
                if named != dest {
                    continue;
                }
                // With subcommands, the option may be one's own: it cannot be passed first.
                let subparsers = module
                    .facts
                    .functions
                    .iter()
                    .flat_map(|function| &function.calls)
                    .chain(&module.facts.module_calls)
                    .any(|call| call.callee.as_deref().map(last) == Some("add_subparsers"));
                return Some(CliOption {
                    flag: flag_of(&decls).filter(|_| !subparsers),
                    envvar: None,
                    default: call.kwarg("default").map_or(Box::new(Read::Absent), inner),
                    declared: format!("`add_argument` at `{}:{}`", module.file, call.line),
                });
            }
            None
        }
        _ => None,
    }
}

/// A read option as what decides the address: the variable a library reads it from (or its
/// default reads), a plain default no command line sets, or the option itself.
fn settle(read: Read, what: &str, findings: &mut Vec<String>) -> Read {
    let Read::Option(option) = read else {
        return read;
    };
    let default = match option.default.as_ref() {
        Read::Literal(text) => format!(", default {text}"),
        _ => String::new(),
    };
    findings.push(match &option.flag {
        Some(flag) => format!(
            "the {what} is the option `{flag}` of the command line ({}{default})",
            option.declared
        ),
        None => format!("the {what} is {}{default}", option.declared),
    });
    if let Some(name) = option.envvar {
        let default = match *option.default {
            Read::Literal(text) => Some(text),
            Read::Env(_, default) => default,
            _ => None,
        };
        return Read::Env(name, default);
    }
    match *option.default {
        Read::Env(name, default) => Read::Env(name, default),
        default if option.flag.is_none() => default,
        default => Read::Option(CliOption {
            default: Box::new(default),
            ..option
        }),
    }
}

fn argument(call: &Call, arg: Arg) -> Option<&Value> {
    if arg.1.is_empty() {
        return None;
    }
    match arg.0 {
        Some(index) => call.arg(index, arg.1),
        None => call.kwarg(arg.1),
    }
}

fn is_loopback(host: &str) -> bool {
    matches!(host, "127.0.0.1" | "localhost" | "::1") || host.starts_with("127.")
}

/// The top-level function `callee` names from `module`: one of its own (`serve`), or one it
/// imports from another scanned module (`from .server import serve`, `pkg.server.serve`),
/// also under another name (`main = serve`).
fn function_named<'a>(
    scan: &'a SourceScan,
    module: &'a Module,
    callee: &str,
) -> Option<(&'a Module, &'a Function)> {
    let (owner, name) = scan.object_of(module, callee)?;
    let owner = scan.module(&owner)?;
    owner
        .facts
        .functions
        .iter()
        .find(|candidate| candidate.qualname == name)
        .map(|function| (owner, function))
}

/// The calls `function` makes in `module`, and those of the top-level functions it calls by
/// name, its module's own or imported from another scanned module (one level: a `main()` that
/// calls `serve()`), each with where its body is.
fn calls_of<'a>(
    scan: &'a SourceScan,
    module: &'a Module,
    function: &str,
) -> Vec<(Scope<'a>, &'a Call)> {
    let Some((_, entry)) = function_named(scan, module, function) else {
        return Vec::new();
    };
    let scope = Scope {
        scan,
        module,
        function: Some(entry),
        caller: None,
    };
    let mut calls: Vec<(Scope, &Call)> = entry.calls.iter().map(|call| (scope, call)).collect();
    calls.extend(helper_calls(scan, module, &entry.calls, Some(entry)));
    calls
}

/// The calls of the top-level functions that `calls` (made in `module`) call by name.
fn helper_calls<'a>(
    scan: &'a SourceScan,
    module: &'a Module,
    calls: &'a [Call],
    caller: Option<&'a Function>,
) -> Vec<(Scope<'a>, &'a Call)> {
    let mut found = Vec::new();
    for call in calls {
        // `typer.run(serve)` runs `serve` as a one-command typer app.
        let typer_run = matches!(call.callee.as_deref(), Some("typer.run" | "typer.main.run"));
        let named = if typer_run {
            match call.args.first() {
                Some(Value::Name(name)) => function_named(scan, module, name),
                _ => None,
            }
        } else {
            call.callee
                .as_deref()
                .and_then(|callee| function_named(scan, module, callee))
        };
        let Some((owner, helper)) = named else {
            continue;
        };
        if caller.is_some_and(|caller| std::ptr::eq(caller, helper)) {
            continue;
        }
        let scope = Scope {
            scan,
            module: owner,
            function: Some(helper),
            caller: (!typer_run).then_some((call, module, caller)),
        };
        found.extend(helper.calls.iter().map(|call| (scope, call)));
    }
    found
}

/// Reads the script entry `module:function` (as in `[project.scripts]`); `Ok(None)` when it
/// starts no server uv-rootless knows. `requested` is a port from flag or config.
pub fn find(
    scan: &SourceScan,
    script: &str,
    entry: &str,
    requested: Option<u16>,
) -> Result<Option<ScriptServer>, UserError> {
    let entry = entry.split('[').next().unwrap_or_default().trim();
    let Some((module_name, function)) = entry.split_once(':') else {
        return Ok(None);
    };
    let Some(module) = scan.module(module_name.trim()) else {
        return Ok(None);
    };
    let function = function.trim();
    let subject = format!("the script `{script}` (`{entry}`)");
    if let Some(server) = served(scan, &subject, calls_of(scan, module, function), requested)? {
        return Ok(Some(server));
    }
    if let Some(server) = callback(scan, module, &subject, function, requested)? {
        return Ok(Some(server));
    }
    subcommand(scan, module, &subject, function, requested)
}

/// An entry that is a method of a module-level object (`bot:bot.run`): the first function
/// registered on that object with a decorator (`@bot.listen(StartingEvent)`, `@client.event`)
/// that starts a server, itself or through the functions it calls. The object runs its
/// callbacks, so the server runs with it.
fn callback(
    scan: &SourceScan,
    module: &Module,
    subject: &str,
    entry: &str,
    requested: Option<u16>,
) -> Result<Option<ScriptServer>, UserError> {
    let Some((object, _)) = entry.split_once('.') else {
        return Ok(None);
    };
    let assigned = module
        .facts
        .assignments
        .iter()
        .any(|assignment| assignment.target == object);
    if !assigned {
        return Ok(None);
    }
    let on_object = format!("{object}.");
    for function in module
        .facts
        .functions
        .iter()
        .filter(|function| function.class.is_none())
    {
        let Some(decorator) = function.decorators.iter().find(|decorator| {
            decorator
                .callee
                .as_deref()
                .is_some_and(|callee| callee.starts_with(&on_object))
        }) else {
            continue;
        };
        let Some(mut server) = served(
            scan,
            subject,
            calls_of(scan, module, &function.qualname),
            requested,
        )?
        else {
            continue;
        };
        server.findings.insert(
            1,
            format!(
                "the server starts in `{}`, registered on `{object}` with `@{}` at `{}:{}`",
                function.name,
                decorator.callee.as_deref().unwrap_or_default(),
                module.file,
                decorator.line
            ),
        );
        return Ok(Some(server));
    }
    Ok(None)
}

/// Whether the script entry `module:function` takes a subcommand: its function (or one it
/// calls) adds argparse subparsers, or it is a click group or a typer app of two or more
/// commands. Such a program run bare prints its usage and exits, so it is no long-running
/// worker, whatever it installs. The finding, for `explain`; `None` when it does not.
pub fn subcommands(scan: &SourceScan, entry: &str) -> Option<String> {
    let entry = entry.split('[').next().unwrap_or_default().trim();
    let (module_name, function) = entry.split_once(':')?;
    let module = scan.module(module_name.trim())?;
    let function = function.trim();
    if let Some((scope, call)) = calls_of(scan, module, function)
        .into_iter()
        .find(|(_, call)| call.callee.as_deref().map(last) == Some("add_subparsers"))
    {
        return Some(format!(
            "`{}:{}` adds argparse subcommands (`add_subparsers`)",
            scope.module.file, call.line
        ));
    }
    let facts = &module.facts;
    if let Some(function) = facts.functions.iter().find(|candidate| {
        candidate.qualname == function
            && candidate.decorators.iter().any(|decorator| {
                decorator
                    .callee
                    .as_deref()
                    .is_some_and(|callee| last(callee) == "group")
            })
    }) {
        return Some(format!(
            "`{}:{}` makes `{}` a click group",
            module.file, function.line, function.name
        ));
    }
    let typer = facts.assignments.iter().find(|assignment| {
        assignment.target == function
            && matches!(
                assignment.call.callee.as_deref(),
                Some("typer.Typer" | "typer.main.Typer")
            )
    })?;
    let decorated = |method: &str| {
        let callee = format!("{function}.{method}");
        facts
            .functions
            .iter()
            .filter(|candidate| candidate.class.is_none())
            .filter(|candidate| {
                candidate
                    .decorators
                    .iter()
                    .any(|decorator| decorator.callee.as_deref() == Some(callee.as_str()))
            })
            .count()
    };
    // A typer app of one command and no callback runs that command without its name.
    let commands = decorated("command");
    (commands >= 2 || (commands == 1 && decorated("callback") > 0)).then(|| {
        format!(
            "`{}:{}` makes `{function}` a typer app of {commands} command(s) run by name",
            module.file, typer.line
        )
    })
}

/// An entry that is a typer app or a click group (`app = typer.Typer()`, `@click.group()`):
/// the first of its commands (`@app.command()`) that starts a server, run by its name. A typer
/// app with one command and no callback runs that command without its name.
fn subcommand(
    scan: &SourceScan,
    module: &Module,
    subject: &str,
    entry: &str,
    requested: Option<u16>,
) -> Result<Option<ScriptServer>, UserError> {
    let typer = module.facts.assignments.iter().any(|assignment| {
        assignment.target == entry
            && matches!(
                assignment.call.callee.as_deref(),
                Some("typer.Typer" | "typer.main.Typer")
            )
    });
    let group = module.facts.functions.iter().any(|function| {
        function.qualname == entry
            && function.decorators.iter().any(|decorator| {
                decorator
                    .callee
                    .as_deref()
                    .is_some_and(|callee| last(callee) == "group")
            })
    });
    if !typer && !group {
        return Ok(None);
    }
    let of_entry = |method: &str| format!("{entry}.{method}");
    let commands: Vec<(&Function, &crate::read::python::Decorator)> = module
        .facts
        .functions
        .iter()
        .filter(|function| function.class.is_none())
        .filter_map(|function| {
            function
                .decorators
                .iter()
                .find(|decorator| decorator.callee.as_deref() == Some(of_entry("command").as_str()))
                .map(|decorator| (function, decorator))
        })
        .collect();
    let callback = module.facts.functions.iter().any(|function| {
        function
            .decorators
            .iter()
            .any(|decorator| decorator.callee.as_deref() == Some(of_entry("callback").as_str()))
    });
    for (function, decorator) in &commands {
        let Some(mut server) = served(
            scan,
            subject,
            calls_of(scan, module, &function.qualname),
            requested,
        )?
        else {
            continue;
        };
        let named = decorator
            .call
            .as_ref()
            .and_then(|call| call.arg(0, "name"))
            .and_then(Value::as_str)
            .map(str::to_string);
        let name = named.unwrap_or_else(|| function.name.to_ascii_lowercase().replace('_', "-"));
        let alone = typer && commands.len() == 1 && !callback;
        let valid = !name.is_empty()
            && !name.starts_with('-')
            && name.len() <= 64
            && name
                .chars()
                .all(|ch| ch.is_ascii_alphanumeric() || matches!(ch, '-' | '_' | '.' | ':'));
        if alone {
            server.findings.insert(
                1,
                format!(
                    "`{}` at `{}:{}` is the only command of the typer app `{entry}`: it runs without its name",
                    function.name, module.file, function.line
                ),
            );
        } else if valid {
            server.findings.insert(
                1,
                format!(
                    "the server starts in the command `{name}` (`{}` at `{}:{}`): the command passes it",
                    function.name, module.file, function.line
                ),
            );
            server.args.insert(0, name);
        } else {
            continue;
        }
        return Ok(Some(server));
    }
    Ok(None)
}

/// The first of `calls` that starts a server, read.
fn served(
    scan: &SourceScan,
    subject: &str,
    calls: Vec<(Scope<'_>, &Call)>,
    requested: Option<u16>,
) -> Result<Option<ScriptServer>, UserError> {
    for (scope, call) in calls {
        let Some(callee) = call.callee.as_deref() else {
            continue;
        };
        let gradio = scope
            .module
            .facts
            .imports
            .iter()
            .any(|import| import.target == "gradio" || import.target.starts_with("gradio."));
        if gradio && last(callee) == "launch" {
            return gradio_launch(scope.module, subject, call, requested).map(Some);
        }
        if let Some(run) = mcp_run(scope, call) {
            match run {
                McpRun::Http(package, built) => {
                    return mcp_http(scope, subject, package, call, built, requested).map(Some)
                }
                McpRun::Stdio => continue,
            }
        }
        let Some(server) = SERVERS.iter().find(|server| (server.matches)(callee, scan)) else {
            continue;
        };
        return decide(scan, scope, subject, server, call, requested).map(Some);
    }
    Ok(None)
}

/// The MCP server classes, by the package that defines them: how they are named, and what
/// they listen on when neither `run` nor the constructor says (their sources: `mcp`'s
/// `FastMCP.__init__` defaults `host="127.0.0.1"`, `port=8000`; `MCPServer.run`'s the same;
/// the standalone `fastmcp` reads `FASTMCP_HOST`/`FASTMCP_PORT`, `127.0.0.1` and 8000).
const MCP_SERVERS: &[McpServer] = &[
    McpServer {
        classes: &[
            "mcp.server.fastmcp.FastMCP",
            "mcp.server.fastmcp.server.FastMCP",
        ],
        server: mcp_server("mcp FastMCP"),
        env: None,
    },
    McpServer {
        classes: &[
            "mcp.server.MCPServer",
            "mcp.server.mcpserver.MCPServer",
            "mcp.server.mcpserver.server.MCPServer",
        ],
        server: mcp_server("mcp MCPServer"),
        env: None,
    },
    McpServer {
        classes: &[
            "fastmcp.FastMCP",
            "fastmcp.server.FastMCP",
            "fastmcp.server.server.FastMCP",
        ],
        server: mcp_server("FastMCP"),
        env: Some(("FASTMCP_HOST", "FASTMCP_PORT")),
    },
];

/// An MCP server class: its resolved names, how it serves, and the variables it reads its
/// host and port from when no code gives them.
struct McpServer {
    classes: &'static [&'static str],
    server: Server,
    env: Option<(&'static str, &'static str)>,
}

const fn mcp_server(name: &'static str) -> Server {
    Server {
        name,
        matches: |_, _| false,
        host: Arg(None, "host"),
        port: Arg(None, "port"),
        bind: None,
        default_host: Some("127.0.0.1"),
        default_port: Some(8000),
        // Each serves HTTP with uvicorn.
        handles_sigterm: true,
    }
}

/// What a call of an MCP server object's `run` does.
enum McpRun<'a> {
    /// Serves HTTP (`streamable-http`, `http`, `sse`): the class's entry of [`MCP_SERVERS`],
    /// and the constructor's call with where it is.
    Http(&'static McpServer, (&'a Module, &'a Call)),
    /// Talks MCP over stdin and stdout: a command-line program.
    Stdio,
}

/// `mcp.run(transport="streamable-http")`, `await mcp.run_async("http")`,
/// `mcp.run_sse_async()`, where `mcp` (a name of the module or imported from another) is
/// assigned an MCP server class of [`MCP_SERVERS`] at module level. The transport is a
/// literal, else what a variable or option it is read from defaults to; `run` without one is
/// stdio, as is a transport that cannot be read.
fn mcp_run<'a>(scope: Scope<'a>, call: &Call) -> Option<McpRun<'a>> {
    let (object, method) = call.callee.as_deref()?.rsplit_once('.')?;
    let (owner, variable) = super::health::resolve(scope.scan, scope.module, object)?;
    let owner = scope.scan.module(&owner)?;
    let built = &owner
        .facts
        .assignments
        .iter()
        .rev()
        .find(|assignment| assignment.target == variable)?
        .call;
    let class = built.callee.as_deref()?;
    let package = MCP_SERVERS
        .iter()
        .find(|mcp| mcp.classes.contains(&class))?;
    let http = McpRun::Http(package, (owner, built));
    let transport = match method {
        "run_streamable_http_async" | "run_sse_async" => return Some(http),
        // The standalone `fastmcp`'s own: `transport=` picks among its HTTP transports.
        "run_http_async" => return Some(http),
        "run" | "run_async" => call.arg(0, "transport"),
        _ => return None,
    };
    let Some(transport) = transport else {
        return Some(McpRun::Stdio);
    };
    let text = match read(transport, scope, 0) {
        Read::Literal(text) => Some(text),
        Read::Env(_, default) => default,
        Read::Option(option) => match *option.default {
            Read::Literal(text) => Some(text),
            Read::Env(_, default) => default,
            _ => None,
        },
        _ => None,
    };
    match text.as_deref() {
        Some("streamable-http" | "http" | "sse") => Some(http),
        _ => Some(McpRun::Stdio),
    }
}

/// An MCP server's `run` over HTTP: the address from `run`'s `host=`/`port=`, else the
/// constructor's (settings the `FastMCP(...)` of `mcp` takes), else the package's default.
fn mcp_http(
    scope: Scope<'_>,
    subject: &str,
    mcp: &McpServer,
    call: &Call,
    (built_in, built): (&Module, &Call),
    requested: Option<u16>,
) -> Result<ScriptServer, UserError> {
    let at = format!("`{}:{}`", scope.module.file, call.line);
    let callee = call.callee.clone().unwrap_or_default();
    let server = &mcp.server;
    let mut findings = vec![format!(
        "{subject} starts an MCP server over HTTP ({}): `{callee}(...)` at {at}",
        server.name
    )];
    let constructor = Scope {
        scan: scope.scan,
        module: built_in,
        function: None,
        caller: None,
    };
    let address = |name: &str, fallback: Option<(&str, &str)>| {
        if let Some(value) = call.kwarg(name) {
            return read(value, scope, 0);
        }
        if let Some(value) = built.kwarg(name) {
            return read(value, constructor, 0);
        }
        match fallback {
            Some((variable, default)) => Read::Env(variable.to_string(), Some(default.to_string())),
            None => Read::Absent,
        }
    };
    let host = address("host", mcp.env.map(|(host, _)| (host, "127.0.0.1")));
    let port = address("port", mcp.env.map(|(_, port)| (port, "8000")));
    for name in ["host", "port"] {
        if call.kwarg(name).is_none() && built.kwarg(name).is_some() {
            findings.push(findings_of(built_in, built, name));
        }
    }
    let place = Listen {
        subject,
        server,
        at: &at,
        bind_name: false,
    };
    listen(scope.scan, &place, host, port, findings, requested)
}

/// Where the constructor of an MCP server gives `name`, for `explain`.
fn findings_of(module: &Module, built: &Call, name: &str) -> String {
    format!(
        "the {name} is the constructor's `{name}=` at `{}:{}`",
        module.file, built.line
    )
}

/// What the image sets for a Gradio app that launches itself on `port`: all interfaces, the
/// port, no analytics, its upload and cache directory under `/tmp`.
pub fn gradio_env(port: u16) -> Vec<EnvVar> {
    [
        ("GRADIO_SERVER_NAME", "0.0.0.0".to_string()),
        ("GRADIO_SERVER_PORT", port.to_string()),
        ("GRADIO_ANALYTICS_ENABLED", "False".to_string()),
        ("GRADIO_TEMP_DIR", "/tmp/gradio".to_string()),
    ]
    .into_iter()
    .map(|(name, value)| EnvVar {
        name: name.into(),
        value,
    })
    .collect()
}

/// Gradio's `.launch(...)`: it listens on `GRADIO_SERVER_NAME`/`GRADIO_SERVER_PORT` unless
/// `server_name=`/`server_port=` fix them (its own default port is 7860). A loopback
/// `server_name`, or a fixed port other than the one asked for, is an error.
pub fn gradio_launch(
    module: &Module,
    subject: &str,
    call: &Call,
    requested: Option<u16>,
) -> Result<ScriptServer, UserError> {
    let at = format!("`{}:{}`", module.file, call.line);
    let callee = call.callee.clone().unwrap_or_default();
    let mut findings = vec![format!(
        "{subject} launches a Gradio app: `{callee}(...)` at {at}"
    )];
    if let Some(host) = call.kwarg("server_name").and_then(Value::as_str) {
        if host != "0.0.0.0" && host != "::" {
            return Err(UserError::new(format!(
                "{subject} launches the Gradio app on `{host}` (`server_name`) at {at}: nothing outside the container can reach it"
            ))
            .hint("drop `server_name` (the image sets `GRADIO_SERVER_NAME=0.0.0.0`), then uv-rootless again"));
        }
    }
    let port = match call.kwarg("server_port") {
        Some(Value::Int(fixed)) => {
            let fixed = u16::try_from(*fixed).ok().filter(|port| *port != 0);
            match (fixed, requested) {
                (Some(fixed), Some(wanted)) if fixed != wanted => {
                    return Err(UserError::new(format!(
                        "{subject} launches the Gradio app on port {fixed} (`server_port`) at {at}, but it is to listen on port {wanted}"
                    ))
                    .hint(format!("drop `server_port` (the image sets `GRADIO_SERVER_PORT={wanted}`), or drop `--port`/`port`")));
                }
                (Some(fixed), _) => fixed,
                (None, _) => requested.unwrap_or(7860),
            }
        }
        None => requested.unwrap_or(7860),
        Some(_) => {
            let port = requested.unwrap_or(7860);
            findings.push(format!(
                "`server_port` at {at} could not be read: the image sets `GRADIO_SERVER_PORT={port}`, which it overrides"
            ));
            port
        }
    };
    Ok(ScriptServer {
        server: "gradio",
        port,
        handles_sigterm: false,
        env: gradio_env(port),
        args: Vec::new(),
        findings,
        health: Some((
            "/config".to_string(),
            "the configuration Gradio serves once the app is built".to_string(),
        )),
        framework: Some(Framework::Gradio),
    })
}

/// Reads a module's `if __name__ == "__main__":` block (`python main.py`, `python -m pkg`) and
/// the module's functions it calls; `Ok(None)` when it starts no server uv-rootless knows.
/// `shown` is how the command reads in prose.
pub fn find_in_main(
    scan: &SourceScan,
    module_name: &str,
    shown: &str,
    requested: Option<u16>,
) -> Result<Option<ScriptServer>, UserError> {
    let Some(module) = scan.module(module_name) else {
        return Ok(None);
    };
    // A package's `__main__.py` runs as a whole under `python -m`, guarded or not.
    let run = if module.module.ends_with(".__main__") {
        &module.facts.module_calls
    } else {
        &module.facts.main_calls
    };
    let scope = Scope {
        scan,
        module,
        function: None,
        caller: None,
    };
    let mut calls: Vec<(Scope, &Call)> = run.iter().map(|call| (scope, call)).collect();
    for call in run {
        if let Some(callee) = call.callee.as_deref() {
            if let Some((owner, function)) = function_named(scan, module, callee) {
                calls.extend(calls_of(scan, owner, &function.qualname));
            }
        }
    }
    let subject = format!("`{shown}` (the `__main__` block of `{}`)", module.file);
    if let Some(server) = served(scan, &subject, calls, requested)? {
        return Ok(Some(server));
    }
    // `cli()` or `app()` of a click group or typer app of the module.
    for call in run {
        let Some(callee) = call.callee.as_deref().filter(|name| !name.contains('.')) else {
            continue;
        };
        if let Some(server) = subcommand(scan, module, &subject, callee, requested)? {
            return Ok(Some(server));
        }
    }
    Ok(None)
}

fn decide(
    scan: &SourceScan,
    scope: Scope<'_>,
    subject: &str,
    server: &Server,
    call: &Call,
    requested: Option<u16>,
) -> Result<ScriptServer, UserError> {
    let module = scope.module;
    let at = format!("`{}:{}`", module.file, call.line);
    let callee = call.callee.clone().unwrap_or_default();
    let findings = vec![format!(
        "{subject} starts a {} server: `{callee}(...)` at {at}",
        server.name
    )];
    let (mut host, mut port) = (Read::Absent, Read::Absent);
    if let Some(bind) = server.bind.and_then(|name| call.kwarg(name)) {
        match read(bind, scope, 0) {
            Read::Literal(text) => {
                if let Some((h, p)) = text.rsplit_once(':') {
                    host = Read::Literal(h.trim_matches(['[', ']']).to_string());
                    port = Read::Literal(p.to_string());
                }
            }
            Read::Env(name, default) => {
                let default_port = default
                    .as_deref()
                    .and_then(|d| d.rsplit_once(':'))
                    .map(|(_, p)| p.to_string());
                host = Read::Env(name.clone(), None);
                port = Read::Env(name, default_port);
            }
            // An option's `host:port` default is not split here.
            Read::Option(_) => {
                host = Read::Unknown;
                port = Read::Unknown;
            }
            other => {
                host = other.clone();
                port = other;
            }
        }
    }
    if host == Read::Absent {
        host = argument(call, server.host).map_or(Read::Absent, |v| read(v, scope, 0));
    }
    if port == Read::Absent {
        port = argument(call, server.port).map_or(Read::Absent, |v| read(v, scope, 0));
    }
    let bind_name = server.bind.and_then(|name| call.kwarg(name)).is_some();
    let place = Listen {
        subject,
        server,
        at: &at,
        bind_name,
    };
    listen(scan, &place, host, port, findings, requested)
}

/// Where a server-starting call is, for [`listen`].
struct Listen<'a> {
    subject: &'a str,
    server: &'a Server,
    /// "`file:line`" of the call.
    at: &'a str,
    /// The address is one `host:port` keyword (`bind=`).
    bind_name: bool,
}

/// The port and the host the server listens on, read as `host` and `port`: what the image
/// sets, what the command passes, or why nothing outside the container could reach it.
fn listen(
    scan: &SourceScan,
    call: &Listen<'_>,
    host: Read,
    port: Read,
    mut findings: Vec<String>,
    requested: Option<u16>,
) -> Result<ScriptServer, UserError> {
    let Listen {
        subject,
        server,
        at,
        bind_name,
    } = *call;
    let mut env = Vec::new();
    let host = settle(host, "host", &mut findings);
    let port = settle(port, "port", &mut findings);
    let mut args = Vec::new();
    let unreachable = |host: &str, how: &str| {
        UserError::new(format!(
            "{subject} starts {} on {host} ({how}) at {at}: nothing outside the container can reach it",
            server.name
        ))
        .detail("in a container, 127.0.0.1 is the container's own loopback; the port must be served on 0.0.0.0")
        .hint("listen on all interfaces, read from the environment: `host=os.environ.get(\"HOST\", \"0.0.0.0\")`, then uv-rootless again")
        .hint("or run the app with a server command instead, e.g. `--command uvicorn package.module:app --host 0.0.0.0 --port 8000`")
    };
    match &host {
        Read::Literal(text) if is_loopback(text) => return Err(unreachable(text, "hard-coded")),
        Read::Absent => match server.default_host {
            Some(default) if is_loopback(default) => {
                return Err(unreachable(default, "its default when no host is given"))
            }
            Some(_) => {}
            None => findings.push(format!(
                "the address {} listens on could not be read at {at}; it must be 0.0.0.0",
                server.name
            )),
        },
        Read::Env(name, _) if !bind_name => {
            findings.push(format!(
                "the host is read from `{name}` at {at}: the image sets `{name}=0.0.0.0`"
            ));
            env.push(EnvVar {
                name: name.clone(),
                value: "0.0.0.0".into(),
            });
        }
        Read::Unknown => findings.push(format!(
            "the host could not be read at {at}; it must be 0.0.0.0 for the port to be reachable"
        )),
        Read::Option(option) => {
            let flag = option.flag.clone().unwrap_or_default();
            match option.default.as_ref() {
                Read::Literal(text) if !is_loopback(text) => {}
                Read::Literal(text) => {
                    findings.push(format!(
                        "`{flag}` defaults to {text}, which nothing outside the container can reach: the command passes `{flag} 0.0.0.0`"
                    ));
                    args.extend([flag, "0.0.0.0".to_string()]);
                }
                _ => {
                    findings.push(format!(
                        "`{flag}` has no default that can be read: the command passes `{flag} 0.0.0.0`"
                    ));
                    args.extend([flag, "0.0.0.0".to_string()]);
                }
            }
        }
        _ => {}
    }
    let hard_coded = |port: u16, how: &str| -> Result<u16, UserError> {
        match requested {
            Some(wanted) if wanted != port => Err(UserError::new(format!(
                "the port is {port} ({how}) at {at}, but port {wanted} was asked for"
            ))
            .hint(format!(
                "read the port from the environment (`port=int(os.environ.get(\"PORT\", \"{wanted}\"))`), or drop `--port`/`port`"
            ))),
            _ => Ok(port),
        }
    };
    let parse = |text: &str| text.trim().parse::<u16>().ok().filter(|port| *port != 0);
    let chosen = match &port {
        Read::Literal(text) => match parse(text) {
            Some(port) => hard_coded(port, "hard-coded")?,
            None => requested.unwrap_or(DEFAULT_PORT),
        },
        Read::Env(name, default) => {
            let port = requested
                .or_else(|| default.as_deref().and_then(parse))
                .unwrap_or(DEFAULT_PORT);
            let value = if bind_name {
                format!("0.0.0.0:{port}")
            } else {
                port.to_string()
            };
            findings.push(format!(
                "the {} is read from `{name}` at {at}: the image sets `{name}={value}`",
                if bind_name { "address" } else { "port" }
            ));
            env.push(EnvVar {
                name: name.clone(),
                value,
            });
            port
        }
        Read::Absent => match server.default_port {
            Some(port) => hard_coded(port, "the server's default")?,
            None => {
                let port = requested.unwrap_or(DEFAULT_PORT);
                findings.push(format!(
                    "the port could not be read at {at}: assuming {port} (set it with `--port`)"
                ));
                port
            }
        },
        Read::Unknown => {
            let port = requested.unwrap_or(DEFAULT_PORT);
            findings.push(format!(
                "the port could not be read at {at}: assuming {port} (set it with `--port`)"
            ));
            port
        }
        Read::Option(option) => {
            let flag = option.flag.clone().unwrap_or_default();
            let default = match option.default.as_ref() {
                Read::Literal(text) => parse(text),
                _ => None,
            };
            match (default, requested) {
                (Some(port), None) => port,
                (Some(port), Some(wanted)) if wanted == port => port,
                (default, wanted) => {
                    let port = wanted
                        .or(default)
                        .or(server.default_port)
                        .unwrap_or(DEFAULT_PORT);
                    findings.push(format!(
                        "the command passes `{flag} {port}` ({})",
                        match (default, wanted) {
                            (Some(default), Some(_)) => format!("its default is {default}"),
                            (None, _) => "it has no default that can be read".to_string(),
                            (Some(_), None) => String::new(),
                        }
                    ));
                    args.extend([flag, port.to_string()]);
                    port
                }
            }
        }
    };
    if let Some(note) = scan.cut_note() {
        findings.push(note);
    }
    Ok(ScriptServer {
        server: server.name,
        port: chosen,
        handles_sigterm: server.handles_sigterm,
        env,
        args,
        findings,
        health: None,
        framework: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scan_of(files: &[(&str, &str)]) -> SourceScan {
        let named: Vec<(String, &str, &str)> = files
            .iter()
            .map(|(module, text)| {
                (
                    format!("src/{}.py", module.replace('.', "/")),
                    *module,
                    *text,
                )
            })
            .collect();
        let triples: Vec<(&str, &str, &str)> = named
            .iter()
            .map(|(file, module, text)| (file.as_str(), *module, *text))
            .collect();
        crate::read::source::scan_of_texts(&triples)
    }

    fn found(text: &str, requested: Option<u16>) -> Result<Option<ScriptServer>, UserError> {
        found_at(text, "pkg.cli:main", requested)
    }

    fn found_at(
        text: &str,
        entry: &str,
        requested: Option<u16>,
    ) -> Result<Option<ScriptServer>, UserError> {
        find(&scan_of(&[("pkg.cli", text)]), "serve", entry, requested)
    }

    #[test]
    fn an_entry_re_exported_or_bound_by_another_name_is_read_through() {
        let cli = "import uvicorn\ndef serve():\n    uvicorn.run('pkg.app:app', host='0.0.0.0', port=8100)\n";
        let scan = scan_of(&[
            ("pkg.cli", cli),
            (
                "pkg.__init__",
                "from .cli import serve as main\nrun = main\n",
            ),
            ("pkg.entry", "from pkg import cli\nstart = cli.serve\n"),
        ]);
        for entry in ["pkg:main", "pkg:run", "pkg.entry:start"] {
            let server = find(&scan, "serve", entry, None)
                .expect("ok")
                .unwrap_or_else(|| panic!("{entry} serves"));
            assert_eq!(server.port, 8100, "{entry}");
        }
        // An MCP server object under another name.
        let mcp = "from mcp.server.fastmcp import FastMCP\nmcp = FastMCP('x', host='0.0.0.0', port=8200)\nserver = mcp\ndef main():\n    server.run(transport='streamable-http')\n";
        let server = found(mcp, None).expect("ok").expect("an MCP server");
        assert_eq!(server.port, 8200);
        // Flask's own server, run on a name bound to the app.
        let mut scan = scan_of(&[
            ("pkg.web", "from flask import Flask\napp = Flask(__name__)\n"),
            ("pkg.cli", "from pkg.web import app\napplication = app\ndef main():\n    application.run(host='0.0.0.0', port=5100)\n"),
        ]);
        scan.app_objects = scan
            .modules
            .iter()
            .flat_map(crate::read::source::app_objects_of)
            .collect();
        let server = find(&scan, "serve", "pkg.cli:main", None)
            .expect("ok")
            .expect("Flask's server");
        assert_eq!((server.server, server.port), ("flask", 5100));
    }

    #[test]
    fn an_entry_with_subcommands_is_found_and_a_plain_one_is_not() {
        let at = |text: &str, entry: &str| subcommands(&scan_of(&[("pkg.cli", text)]), entry);
        let argparse = "import argparse\ndef build():\n    p = argparse.ArgumentParser()\n    sub = p.add_subparsers(dest='cmd', required=True)\n    return p\ndef main():\n    args = build().parse_args()\n";
        let found = at(argparse, "pkg.cli:main").expect("argparse subparsers");
        assert!(found.contains("`src/pkg/cli.py:4`"), "{found}");
        assert!(found.contains("add_subparsers"), "{found}");
        let group = "import click\n@click.group()\ndef cli():\n    pass\n@cli.command()\ndef run():\n    pass\n";
        assert!(at(group, "pkg.cli:cli").is_some_and(|f| f.contains("click group")));
        let typer_two = "import typer\napp = typer.Typer()\n@app.command()\ndef a():\n    pass\n@app.command()\ndef b():\n    pass\n";
        assert!(at(typer_two, "pkg.cli:app").is_some_and(|f| f.contains("typer app")));
        // A typer app of one command runs it without its name; a plain parser takes none.
        let typer_one = "import typer\napp = typer.Typer()\n@app.command()\ndef a():\n    pass\n";
        assert_eq!(at(typer_one, "pkg.cli:app"), None);
        let plain = "import argparse\ndef main():\n    p = argparse.ArgumentParser()\n    p.add_argument('--token')\n    p.parse_args()\n";
        assert_eq!(at(plain, "pkg.cli:main"), None);
        assert_eq!(at(argparse, "pkg.cli:other"), None);
        assert_eq!(at(argparse, "pkg.missing:main"), None);
    }

    #[test]
    fn uvicorn_run_with_port_and_host_from_the_environment() {
        let server = found(
            "import os\nimport uvicorn\n\ndef main():\n    uvicorn.run(\"pkg.app:app\", host=os.environ.get(\"HOST\", \"127.0.0.1\"), port=int(os.environ.get(\"PORT\", \"8080\")))\n",
            None,
        )
        .expect("ok")
        .expect("a server");
        assert_eq!(server.server, "uvicorn");
        assert_eq!(server.port, 8080);
        let env: Vec<(&str, &str)> = server
            .env
            .iter()
            .map(|var| (var.name.as_str(), var.value.as_str()))
            .collect();
        assert_eq!(env, vec![("HOST", "0.0.0.0"), ("PORT", "8080")]);
        assert!(
            server.findings[0].contains("`src/pkg/cli.py:5`"),
            "{:?}",
            server.findings
        );
        // A requested port wins over the code's default and is what the image sets.
        let server = found(
            "import os, uvicorn\ndef main():\n    uvicorn.run(app, host='0.0.0.0', port=int(os.getenv('PORT', 8080)))\n",
            Some(9000),
        )
        .expect("ok")
        .expect("a server");
        assert_eq!(server.port, 9000);
        assert_eq!(server.env[0].value, "9000");
    }

    #[test]
    fn nested_and_or_defaults_of_the_environment_are_read() {
        let env_of = |server: &ScriptServer| -> Vec<(String, String)> {
            server
                .env
                .iter()
                .map(|var| (var.name.clone(), var.value.clone()))
                .collect()
        };
        let pair = |name: &str, value: &str| (name.to_string(), value.to_string());
        for (code, port) in [
            (
                "int(os.getenv('PORT', os.getenv('APP_PORT', '5100')))",
                "5100",
            ),
            ("int(os.environ.get('PORT') or 5200)", "5200"),
            ("int(os.environ.get('PORT', '') or '5300')", "5300"),
            ("int(os.getenv('PORT', 5400))", "5400"),
        ] {
            let text = format!(
                "import os, uvicorn\ndef main():\n    uvicorn.run('pkg.app:app', host=os.environ.get('HOST') or '127.0.0.1', port={code})\n"
            );
            let server = found(&text, None).expect("ok").expect("a server");
            assert_eq!(server.port.to_string(), port, "{code}");
            assert_eq!(
                env_of(&server),
                [pair("HOST", "0.0.0.0"), pair("PORT", port)],
                "{code}"
            );
        }
        // A loopback literal on the left of `or` is what runs.
        let text = "import os, uvicorn\ndef main():\n    uvicorn.run('pkg.app:app', host='127.0.0.1' or os.getenv('HOST'), port=8000)\n";
        assert!(found(text, None).is_err());
    }

    #[test]
    fn host_and_port_from_the_defaults_of_a_pydantic_settings_class() {
        let served = |config: &str, main: &str| {
            let scan = scan_of(&[("pkg.config", config), ("pkg.__main__", main)]);
            let server = find_in_main(&scan, "pkg.__main__", "python -m pkg", None)
                .expect("ok")
                .expect("a server");
            let env: Vec<(String, String)> = server
                .env
                .iter()
                .map(|var| (var.name.clone(), var.value.clone()))
                .collect();
            (server.port, env)
        };
        let pair = |name: &str, value: &str| (name.to_string(), value.to_string());
        let main = "from aiohttp import web\nfrom pkg.config import settings\napp = web.Application()\nweb.run_app(app, host=settings.WEB_SERVER_HOST, port=settings.WEB_SERVER_PORT)\n";
        let settings = "from pydantic_settings import BaseSettings, SettingsConfigDict\nclass Settings(BaseSettings):\n    BOT_TOKEN: str\n    WEB_SERVER_HOST: str = '127.0.0.1'\n    WEB_SERVER_PORT: int = 8080\n";
        assert_eq!(
            served(&format!("{settings}settings = Settings()\n"), main),
            (
                8080,
                vec![
                    pair("WEB_SERVER_HOST", "0.0.0.0"),
                    pair("WEB_SERVER_PORT", "8080")
                ]
            )
        );
        // `env_prefix` comes first; pydantic-settings matches names in any case by default.
        let lower = "from pydantic_settings import BaseSettings, SettingsConfigDict\nclass Settings(BaseSettings):\n    model_config = SettingsConfigDict(env_prefix='app_', env_file='.env')\n    host: str = '127.0.0.1'\n    port: int = 8090\nsettings = Settings()\n";
        let uses = "import uvicorn\nfrom .config import settings\nuvicorn.run('pkg.api:app', host=settings.host, port=settings.port)\n";
        assert_eq!(
            served(lower, uses),
            (
                8090,
                vec![pair("APP_HOST", "0.0.0.0"), pair("APP_PORT", "8090")]
            )
        );
        let sensitive = lower.replace(
            "env_prefix='app_'",
            "env_prefix='app_', case_sensitive=True",
        );
        assert_eq!(
            served(&sensitive, uses).1,
            vec![pair("app_host", "0.0.0.0"), pair("app_port", "8090")]
        );
        // pydantic v1's inner `class Config:`.
        let inner = "from pydantic import BaseSettings\nclass Settings(BaseSettings):\n    port: int = 8091\n    host: str = '0.0.0.0'\n    class Config:\n        env_prefix = 'SVC_'\nsettings = Settings()\n";
        assert_eq!(
            served(inner, uses),
            (
                8091,
                vec![pair("SVC_HOST", "0.0.0.0"), pair("SVC_PORT", "8091")]
            )
        );
        // What cannot be read stays unread: a prefix that is no literal, values given to the
        // constructor, a class that is no settings class.
        let unread = (8000, Vec::new());
        let computed = lower.replace("env_prefix='app_'", "env_prefix=PREFIX");
        assert_eq!(served(&computed, uses), unread);
        let given = format!("{settings}settings = Settings(WEB_SERVER_PORT=9000)\n");
        assert_eq!(served(&given, main), unread);
        let plain = format!(
            "{}settings = Settings()\n",
            settings.replace("(BaseSettings)", "")
        );
        assert_eq!(served(&plain, main), unread);
    }

    #[test]
    fn a_uvicorn_config_served_by_uvicorn_server() {
        let server = found(
            "import os\nimport uvicorn\n\ndef main():\n    config = uvicorn.Config(\"pkg.app:app\", host=\"0.0.0.0\", port=int(os.environ.get(\"PORT\", \"5000\")))\n    uvicorn.Server(config).run()\n",
            None,
        )
        .expect("ok")
        .expect("a server");
        assert_eq!((server.server, server.port), ("uvicorn", 5000));
        assert_eq!(server.env[0].name, "PORT");
    }

    #[test]
    fn a_helper_a_module_constant_and_a_bind_string() {
        let server = found(
            "import os\nfrom waitress import serve\nPORT = int(os.environ['APP_PORT'])\ndef run():\n    serve(app, listen='0.0.0.0:7000')\ndef main():\n    run()\n",
            None,
        )
        .expect("ok")
        .expect("a server");
        assert_eq!((server.server, server.port), ("waitress", 7000));
        let server = found(
            "import os\nimport uvicorn as u\nPORT = int(os.environ.get('APP_PORT', '7001'))\ndef main():\n    u.run(app, host='0.0.0.0', port=PORT)\n",
            None,
        )
        .expect("ok")
        .expect("a server");
        assert_eq!(server.port, 7001);
        assert_eq!(server.env[0].name, "APP_PORT");
    }

    #[test]
    fn loopback_is_refused() {
        let error = found(
            "import uvicorn\ndef main():\n    uvicorn.run(app, host='127.0.0.1', port=8000)\n",
            None,
        )
        .expect_err("hard-coded loopback");
        assert!(
            error.to_string().contains("127.0.0.1 (hard-coded)"),
            "{error}"
        );
        // uvicorn's own default is loopback too.
        assert!(found("import uvicorn\ndef main():\n    uvicorn.run(app)\n", None).is_err());
        // A hard-coded port that differs from the requested one is refused.
        assert!(found(
            "import uvicorn\ndef main():\n    uvicorn.run(app, host='0.0.0.0', port=8000)\n",
            Some(9000)
        )
        .is_err());
    }

    #[test]
    fn a_gradio_launch_in_the_entry_function_serves_on_the_address_the_image_sets() {
        let env = |server: &ScriptServer| -> Vec<String> {
            server
                .env
                .iter()
                .map(|var| format!("{}={}", var.name, var.value))
                .collect()
        };
        let server = found(
            "import gradio as gr\n\ndef main():\n    with gr.Blocks() as demo:\n        gr.Markdown('x')\n    demo.queue().launch(server_name='0.0.0.0')\n",
            None,
        )
        .expect("ok")
        .expect("a server");
        assert_eq!((server.server, server.port), ("gradio", 7860));
        assert!(!server.handles_sigterm);
        assert_eq!(
            env(&server),
            [
                "GRADIO_SERVER_NAME=0.0.0.0",
                "GRADIO_SERVER_PORT=7860",
                "GRADIO_ANALYTICS_ENABLED=False",
                "GRADIO_TEMP_DIR=/tmp/gradio"
            ]
        );
        assert_eq!(server.health.as_ref().expect("a health path").0, "/config");
        assert!(
            server.findings[0].contains("`src/pkg/cli.py:6`"),
            "{:?}",
            server.findings
        );
        // `server_port=` is the port; a requested one is set through the environment.
        let server = found(
            "import gradio as gr\ndef main():\n    gr.Interface(fn=str, inputs='text', outputs='text').launch(server_port=7000)\n",
            None,
        )
        .expect("ok")
        .expect("a server");
        assert_eq!(server.port, 7000);
        let server = found(
            "import gradio as gr\ndef main():\n    gr.Blocks().launch()\n",
            Some(9000),
        )
        .expect("ok")
        .expect("a server");
        assert_eq!(server.port, 9000);
        assert!(env(&server).contains(&"GRADIO_SERVER_PORT=9000".to_string()));
        // Loopback, or a fixed port that is not the one asked for, is an error with the fix.
        let error = found(
            "import gradio as gr\ndef main():\n    gr.Blocks().launch(server_name='127.0.0.1')\n",
            None,
        )
        .expect_err("loopback")
        .render(false);
        assert!(error.contains("`127.0.0.1` (`server_name`)"), "{error}");
        assert!(error.contains("GRADIO_SERVER_NAME=0.0.0.0"), "{error}");
        assert!(found(
            "import gradio as gr\ndef main():\n    gr.Blocks().launch(server_port=7000)\n",
            Some(9000)
        )
        .is_err());
        // `.launch()` in a module that does not import gradio is something else.
        assert_eq!(
            found("def main():\n    rocket.launch()\n", None).expect("ok"),
            None
        );
    }

    fn args(server: &ScriptServer) -> Vec<&str> {
        server.args.iter().map(String::as_str).collect()
    }

    #[test]
    fn click_options_give_the_port_and_a_loopback_host_is_overridden() {
        let text = "import click, uvicorn\n\n@click.command()\n@click.option('--host', default='127.0.0.1')\n@click.option('--port', '-p', default=8001, type=int)\ndef main(host, port):\n    uvicorn.run('pkg.app:app', host=host, port=port)\n";
        let server = found(text, None).expect("ok").expect("a server");
        assert_eq!((server.server, server.port), ("uvicorn", 8001));
        assert_eq!(args(&server), ["--host", "0.0.0.0"]);
        assert!(
            server
                .findings
                .iter()
                .any(|finding| finding.contains("`--port`")
                    && finding.contains("`src/pkg/cli.py:5`")),
            "{:?}",
            server.findings
        );
        // A requested port is passed with the option.
        let server = found(text, Some(9000)).expect("ok").expect("a server");
        assert_eq!(server.port, 9000);
        assert_eq!(args(&server), ["--host", "0.0.0.0", "--port", "9000"]);
        // `envvar=` is set by the image instead; an option with no default is passed.
        let server = found(
            "import click, uvicorn\n@click.command()\n@click.option('--host', default='0.0.0.0')\n@click.option('--listen-port', 'port', envvar='APP_PORT', default=7000)\ndef main(host, port):\n    uvicorn.run(app, host=host, port=port)\n",
            None,
        )
        .expect("ok")
        .expect("a server");
        assert_eq!(server.port, 7000);
        assert!(server.args.is_empty());
        assert_eq!(server.env[0].name, "APP_PORT");
        let server = found(
            "import click, uvicorn\n@click.command()\n@click.option('--port', type=int)\ndef main(port):\n    uvicorn.run(app, host='0.0.0.0', port=port)\n",
            None,
        )
        .expect("ok")
        .expect("a server");
        assert_eq!((server.port, args(&server)), (8000, vec!["--port", "8000"]));
    }

    #[test]
    fn typer_options_and_plain_defaults() {
        let server = found(
            "import typer, uvicorn\ndef main(host: str = typer.Option('127.0.0.1', '--host', '-h'), port: int = typer.Option(8002)):\n    uvicorn.run(app, host=host, port=port)\n",
            None,
        )
        .expect("ok")
        .expect("a server");
        assert_eq!(
            (server.port, args(&server)),
            (8002, vec!["--host", "0.0.0.0"])
        );
        let server = found(
            "import typer, uvicorn\nfrom typing import Annotated\ndef main(bind_host: Annotated[str, typer.Option()] = '0.0.0.0', port: Annotated[int, typer.Option(envvar='PORT')] = 8003):\n    uvicorn.run(app, host=bind_host, port=port)\n",
            Some(9000),
        )
        .expect("ok")
        .expect("a server");
        assert_eq!(server.port, 9000);
        assert!(server.args.is_empty());
        assert_eq!(server.env[0].name, "PORT");
        // A typer command's plain default is its option `--port`.
        let server = found(
            "import typer, uvicorn\ncli = typer.Typer()\n@cli.command()\ndef main(host: str = '127.0.0.1', port: int = 8004):\n    uvicorn.run(app, host=host, port=port)\n",
            None,
        )
        .expect("ok")
        .expect("a server");
        assert_eq!(
            (server.port, args(&server)),
            (8004, vec!["--host", "0.0.0.0"])
        );
        // A plain function called with no arguments gets its defaults: no option to pass.
        let server = found(
            "import uvicorn\ndef main(host='0.0.0.0', port=8005):\n    uvicorn.run(app, host=host, port=port)\n",
            None,
        )
        .expect("ok")
        .expect("a server");
        assert_eq!((server.port, server.args.len()), (8005, 0));
        // In a module that imports typer too, unless typer runs it.
        let server = found(
            "import typer, uvicorn\ndef main(host='0.0.0.0', port=8007):\n    uvicorn.run(app, host=host, port=port)\n",
            None,
        )
        .expect("ok")
        .expect("a server");
        assert_eq!((server.port, server.args.len()), (8007, 0));
        assert!(found(
            "import typer, uvicorn\ndef main(host='127.0.0.1', port=8007):\n    uvicorn.run(app, host=host, port=port)\n",
            None,
        )
        .is_err());
        // `typer.run(serve)` in the entry: `serve`'s parameters are its options.
        let server = found(
            "import typer, uvicorn\ndef serve(host: str = 'localhost', port: int = 8006):\n    uvicorn.run(app, host=host, port=port)\ndef main():\n    typer.run(serve)\n",
            None,
        )
        .expect("ok")
        .expect("a server");
        assert_eq!(
            (server.port, args(&server)),
            (8006, vec!["--host", "0.0.0.0"])
        );
        assert!(found(
            "import uvicorn\ndef main(host='127.0.0.1', port=8005):\n    uvicorn.run(app, host=host, port=port)\n",
            None,
        )
        .is_err());
    }

    #[test]
    fn argparse_arguments_give_the_port() {
        let server = found(
            "import argparse, os\nfrom waitress import serve\ndef main():\n    parser = argparse.ArgumentParser()\n    parser.add_argument('--host', default='127.0.0.1')\n    parser.add_argument('-p', '--port', type=int, default=int(os.environ.get('PORT', '5001')))\n    args = parser.parse_args()\n    serve(app, host=args.host, port=args.port)\n",
            None,
        )
        .expect("ok")
        .expect("a server");
        assert_eq!((server.server, server.port), ("waitress", 5001));
        assert_eq!(args(&server), ["--host", "0.0.0.0"]);
        assert_eq!(server.env[0].name, "PORT");
        // With subcommands, the option is not passed: a loopback default is an error.
        assert!(found(
            "import argparse, uvicorn\ndef main():\n    parser = argparse.ArgumentParser()\n    sub = parser.add_subparsers()\n    serve = sub.add_parser('serve')\n    serve.add_argument('--host', default='127.0.0.1')\n    args = parser.parse_args()\n    uvicorn.run(app, host=args.host, port=8000)\n",
            None,
        )
        .is_err());
        // A parser built by a helper of the module.
        let server = found(
            "import argparse, uvicorn\ndef parse():\n    parser = argparse.ArgumentParser()\n    parser.add_argument('--port', type=int, default=5003)\n    return parser.parse_args()\ndef main():\n    args = parse()\n    uvicorn.run(app, host='0.0.0.0', port=args.port)\n",
            None,
        )
        .expect("ok")
        .expect("a server");
        assert_eq!(server.port, 5003);
        // In a `__main__` block.
        let scan = scan_of(&[(
            "main",
            "import argparse\nimport uvicorn\nif __name__ == '__main__':\n    parser = argparse.ArgumentParser()\n    parser.add_argument('--port', dest='listen', type=int, default=5002)\n    parser.add_argument('--host', default='0.0.0.0')\n    options = parser.parse_args()\n    uvicorn.run(app, host=options.host, port=options.listen)\n",
        )]);
        let server = find_in_main(&scan, "main", "python main.py", Some(9000))
            .expect("ok")
            .expect("a server");
        assert_eq!((server.port, args(&server)), (9000, vec!["--port", "9000"]));
    }

    #[test]
    fn a_typer_app_or_click_group_runs_its_serving_command_by_name() {
        let server = found_at(
            "import typer, uvicorn\napp = typer.Typer()\n\n@app.command()\ndef init_db():\n    pass\n\n@app.command()\ndef run_server(port: int = 8010):\n    uvicorn.run('pkg.api:app', host='0.0.0.0', port=port)\n",
            "pkg.cli:app",
            Some(9000),
        )
        .expect("ok")
        .expect("a server");
        assert_eq!(server.port, 9000);
        assert_eq!(args(&server), ["run-server", "--port", "9000"]);
        // One command and no callback: typer runs it without its name.
        let server = found_at(
            "import typer, uvicorn\napp = typer.Typer()\n@app.command()\ndef serve(host: str = '127.0.0.1'):\n    uvicorn.run('pkg.api:app', host=host, port=8011)\n",
            "pkg.cli:app",
            None,
        )
        .expect("ok")
        .expect("a server");
        assert_eq!(
            (server.port, args(&server)),
            (8011, vec!["--host", "0.0.0.0"])
        );
        // A click group's command, named in its decorator.
        let server = found(
            "import click\nfrom waitress import serve\n@click.group()\ndef main():\n    pass\n@main.command('web')\n@click.option('--port', default=8012)\ndef web_cmd(port):\n    serve(app, port=port)\n",
            None,
        )
        .expect("ok")
        .expect("a server");
        assert_eq!((server.port, args(&server)), (8012, vec!["web"]));
    }

    #[test]
    fn a_helper_s_parameters_are_read_from_its_caller_s_arguments() {
        let server = found(
            "import click, uvicorn\ndef serve(app, bind_host, bind_port):\n    uvicorn.run(app, host=bind_host, port=bind_port)\n@click.command()\n@click.option('--host', default='127.0.0.1')\n@click.option('--port', default=8030)\ndef main(host, port):\n    serve('pkg.api:app', host, bind_port=port)\n",
            None,
        )
        .expect("ok")
        .expect("a server");
        assert_eq!(
            (server.port, args(&server)),
            (8030, vec!["--host", "0.0.0.0"])
        );
        let server = found(
            "import uvicorn\ndef serve(port):\n    uvicorn.run(app, host='0.0.0.0', port=port)\ndef main():\n    serve(8031)\n",
            None,
        )
        .expect("ok")
        .expect("a server");
        assert_eq!(server.port, 8031);
    }

    #[test]
    fn a_function_imported_from_another_module_is_followed() {
        // `python -m pkg`: `__main__.py` calls the CLI's `main`, imported relatively.
        let scan = scan_of(&[
            ("pkg.__main__", "from .cli import main\n\nmain()\n"),
            (
                "pkg.cli",
                "import click\nfrom pkg.server import run\n@click.command()\n@click.option('--port', default=8020)\ndef main(port):\n    run(port)\n",
            ),
            (
                "pkg.server",
                "import uvicorn\ndef run(port):\n    uvicorn.run('pkg.api:app', host='0.0.0.0', port=port)\n",
            ),
        ]);
        // The port passes through a parameter of the helper that starts the server.
        let server = find_in_main(&scan, "pkg.__main__", "python -m pkg", None)
            .expect("ok")
            .expect("a server");
        assert_eq!((server.server, server.port), ("uvicorn", 8020));
        assert!(
            server.findings[0].contains("`src/pkg/server.py:3`"),
            "{:?}",
            server.findings
        );
        // A console script whose entry calls a server function imported by absolute name.
        let scan = scan_of(&[
            (
                "pkg.cli",
                "import pkg.server\ndef main():\n    pkg.server.serve()\n",
            ),
            (
                "pkg.server",
                "from waitress import serve as waitress_serve\ndef serve():\n    waitress_serve(app, host='0.0.0.0', port=8021)\n",
            ),
        ]);
        let server = find(&scan, "serve", "pkg.cli:main", None)
            .expect("ok")
            .expect("a server");
        assert_eq!((server.server, server.port), ("waitress", 8021));
    }

    #[test]
    fn a_main_block_that_runs_a_click_group_or_a_typer_app() {
        let scan = scan_of(&[(
            "main",
            "import click\n\n@click.group()\ndef cli():\n    pass\n\n@cli.command()\n@click.option('--host', default='localhost')\n@click.option('--port', default=DEFAULT_PORT)\ndef run(host, port):\n    import uvicorn\n    uvicorn.run('app:app', host=host, port=port)\n\nif __name__ == '__main__':\n    cli()\n",
        )]);
        let server = find_in_main(&scan, "main", "python main.py", None)
            .expect("ok")
            .expect("a server");
        // A default that cannot be read is passed: uvicorn's own port.
        assert_eq!(
            (server.port, args(&server)),
            (8000, vec!["run", "--host", "0.0.0.0", "--port", "8000"])
        );
        // An upper-case module constant is read.
        let scan = scan_of(&[(
            "main",
            "import click, uvicorn\nDEFAULT_PORT = 8041\n@click.command()\n@click.option('--port', default=DEFAULT_PORT)\ndef main(port):\n    uvicorn.run(app, host='0.0.0.0', port=port)\nif __name__ == '__main__':\n    main()\n",
        )]);
        let server = find_in_main(&scan, "main", "python main.py", None)
            .expect("ok")
            .expect("a server");
        assert_eq!((server.port, server.args.len()), (8041, 0));
        let scan = scan_of(&[(
            "pkg.__main__",
            "import typer, uvicorn\napp = typer.Typer()\n@app.command()\ndef serve(port: int = 8040):\n    uvicorn.run('pkg.api:app', host='0.0.0.0', port=port)\n@app.command()\ndef migrate():\n    pass\napp()\n",
        )]);
        let server = find_in_main(&scan, "pkg.__main__", "python -m pkg", None)
            .expect("ok")
            .expect("a server");
        assert_eq!((server.port, args(&server)), (8040, vec!["serve"]));
    }

    #[test]
    fn an_mcp_server_over_http_serves_on_its_port_and_stdio_is_no_server() {
        let sdk = "from mcp.server.fastmcp import FastMCP\n";
        let standalone = "from fastmcp import FastMCP\n";
        let serve = |head: &str, body: &str, requested| {
            found(&format!("import os\n{head}{body}"), requested)
        };
        // The port and host the constructor is given, read from the environment.
        let server = serve(
            sdk,
            "mcp = FastMCP('d', host=os.environ.get('HOST', '0.0.0.0'), port=int(os.environ.get('PORT', '8000')))\ndef main():\n    mcp.run(transport='streamable-http')\n",
            None,
        )
        .expect("ok")
        .expect("a server");
        assert_eq!((server.server, server.port), ("mcp FastMCP", 8000));
        let env: Vec<(&str, &str)> = server
            .env
            .iter()
            .map(|var| (var.name.as_str(), var.value.as_str()))
            .collect();
        assert_eq!(env, [("HOST", "0.0.0.0"), ("PORT", "8000")]);
        assert!(server.handles_sigterm);
        // `run`'s own `host=`/`port=` win over the constructor's.
        let server = serve(
            standalone,
            "mcp = FastMCP('d', port=1)\ndef main():\n    mcp.run(transport='http', host='0.0.0.0', port=9000)\n",
            None,
        )
        .expect("ok")
        .expect("a server");
        assert_eq!((server.server, server.port), ("FastMCP", 9000));
        assert!(server.env.is_empty());
        // The standalone package reads its defaults from FASTMCP_HOST and FASTMCP_PORT.
        let server = serve(
            standalone,
            "mcp = FastMCP('d')\nasync def main():\n    await mcp.run_async('sse')\n",
            Some(7000),
        )
        .expect("ok")
        .expect("a server");
        let env: Vec<(&str, &str)> = server
            .env
            .iter()
            .map(|var| (var.name.as_str(), var.value.as_str()))
            .collect();
        assert_eq!(env, [("FASTMCP_HOST", "0.0.0.0"), ("FASTMCP_PORT", "7000")]);
        assert_eq!(server.port, 7000);
        // mcp's FastMCP listens on 127.0.0.1 when no host is given: refused.
        let error = serve(
            sdk,
            "mcp = FastMCP('d')\ndef main():\n    mcp.run('streamable-http')\n",
            None,
        )
        .expect_err("loopback default");
        assert!(
            error.to_string().contains("127.0.0.1 (its default"),
            "{error}"
        );
        // A transport read from the environment or an option: its default decides.
        let server = serve(
            standalone,
            "mcp = FastMCP('d')\ndef main():\n    mcp.run(transport=os.environ.get('TRANSPORT', 'http'))\n",
            None,
        )
        .expect("ok");
        assert!(server.is_some_and(|server| server.port == 8000));
        // stdio, the default transport, and one that cannot be read are no server.
        for body in [
            "mcp = FastMCP('d')\ndef main():\n    mcp.run()\n",
            "mcp = FastMCP('d')\ndef main():\n    mcp.run(transport='stdio')\n",
            "mcp = FastMCP('d')\ndef main():\n    mcp.run(transport=os.environ.get('TRANSPORT', 'stdio'))\n",
            "mcp = FastMCP('d')\ndef main(t):\n    mcp.run(transport=pick())\n",
            // `run` of an object that is no MCP server.
            "mcp = Other('d')\ndef main():\n    mcp.run(transport='http')\n",
        ] {
            assert_eq!(serve(standalone, body, None).expect("ok"), None, "{body}");
        }
    }

    #[test]
    fn an_mcp_server_object_imported_from_another_module() {
        let scan = scan_of(&[
            (
                "pkg.server",
                "from fastmcp import FastMCP\nmcp = FastMCP('d', host='0.0.0.0', port=8123)\n",
            ),
            (
                "pkg.cli",
                "from pkg.server import mcp\ndef main():\n    mcp.run(transport='streamable-http')\n",
            ),
        ]);
        let server = find(&scan, "serve", "pkg.cli:main", None)
            .expect("ok")
            .expect("a server");
        assert_eq!(server.port, 8123);
        assert!(
            server
                .findings
                .iter()
                .any(|finding| finding.contains("constructor's `port=` at `src/pkg/server.py:2`")),
            "{:?}",
            server.findings
        );
    }

    #[test]
    fn a_callback_registered_on_the_entry_object_starts_the_server() {
        let scan = scan_of(&[
            (
                "server",
                "import uvicorn\nasync def run_server():\n    config = uvicorn.Config(app, host='0.0.0.0', port=8123)\n    await uvicorn.Server(config).serve()\n",
            ),
            (
                "bot",
                "import hikari\nbot = hikari.GatewayBot('x')\n@bot.listen(hikari.StartingEvent)\nasync def on_starting(_):\n    from server import run_server\n    await run_server()\n",
            ),
        ]);
        let server = find(&scan, "bot", "bot:bot.run", None)
            .expect("ok")
            .expect("a server");
        assert_eq!((server.server, server.port), ("uvicorn", 8123));
        assert!(
            server.findings[1].contains("`on_starting`, registered on `bot` with `@bot.listen`"),
            "{:?}",
            server.findings
        );
        // A method of a name the module does not assign, and a callback of another object,
        // are not followed.
        let other = scan_of(&[(
            "bot",
            "import uvicorn\nbot = Bot()\nother = Bot()\n@other.listen()\nasync def f(_):\n    uvicorn.run(app, host='0.0.0.0')\n",
        )]);
        assert_eq!(find(&other, "bot", "bot:bot.run", None).expect("ok"), None);
        assert_eq!(
            find(&other, "bot", "bot:nothing.run", None).expect("ok"),
            None
        );
    }

    #[test]
    fn a_plain_cli_is_not_a_server() {
        assert_eq!(
            found(
                "import sys\ndef main():\n    print(sys.argv)\n    run()\n",
                None
            )
            .expect("ok"),
            None
        );
        // The server call must be in the entry function, not elsewhere in the module.
        assert_eq!(
            found(
                "import uvicorn\ndef other():\n    uvicorn.run(app)\ndef main():\n    pass\n",
                None
            )
            .expect("ok"),
            None
        );
    }
}
