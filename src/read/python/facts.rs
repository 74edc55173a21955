//! The plain facts read from one Python file: what is imported, assigned, defined, called and
//! read from the environment, each with its 1-based line. Nothing here judges what they mean.
//!
//! Dotted names are resolved through the file's own imports only: after `import uvicorn as u`,
//! `u.run` reads `uvicorn.run`; after `from flask import Flask as F`, `F` reads `flask.Flask`.
//! A name the file does not import stays as written (`open`, `app.run`). A call made on the
//! result of another call gets a `()` segment: `Path("out").mkdir` reads `pathlib.Path().mkdir`.
//! Relative imports keep their dots (`.main.app`) until [`Import::absolute`] anchors them.

use serde::Serialize;

/// Everything read from one file.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct FileFacts {
    pub imports: Vec<Import>,
    /// Lines of the import statements that sit under an `if` (`if PRODUCTION: from .prod
    /// import *`, `if TYPE_CHECKING:`), which may not run.
    pub conditional_imports: Vec<u32>,
    /// Module-level `name = call(...)`, including inside module-level `if`/`try`/`with`.
    pub assignments: Vec<Assignment>,
    /// Module-level `name = other` and `name = module.other`: another name for an object
    /// (`app = api`, `application = app`), in source order.
    pub aliases: Vec<Alias>,
    /// Every `def`, top-level, method or nested, in source order.
    pub functions: Vec<Function>,
    /// Every call under a module-level `if __name__ == "__main__":`, nested calls too.
    pub main_calls: Vec<Call>,
    /// Every call the module makes when it runs as a script: at module level and in
    /// module-level blocks (`if`, `with`, `try`, `for`, the `__main__` guard), nested calls
    /// too, never inside a `def` or `class`. `with gr.Blocks() as demo:` and `st.title(...)`.
    pub module_calls: Vec<Call>,
    /// Entries of a module-level `urlpatterns = [...]` or `urlpatterns += [...]`.
    pub url_patterns: Vec<UrlPattern>,
    /// Entries of `routes=[...]` keyword lists and of module-level `routes = [...]`.
    pub routes: Vec<RouteEntry>,
    /// Litestar's `route_handlers=[...]` lists, with the path of the router that holds them.
    pub handler_lists: Vec<HandlerList>,
    /// Every `class`, top-level or nested, in source order.
    pub classes: Vec<Class>,
    /// Module-level assignments to upper-case names, as Django's settings are written.
    pub constants: Vec<Constant>,
    /// Module-level `NAME += value` to upper-case names, the added value only
    /// (`ALLOWED_HOSTS += ["localhost"]`).
    pub augmented_constants: Vec<Constant>,
    pub env_reads: Vec<EnvRead>,
    /// `if` statements, at module level or in a function's own body, that stop the import (or
    /// the function) when a value is missing: `if not KEY: sys.exit(...)`, `if "KEY" not in
    /// os.environ: raise ...`, one per operand checked.
    pub exit_guards: Vec<ExitGuard>,
    pub fs_writes: Vec<FsWrite>,
    /// Module-level names bound to a path built from the module's own location
    /// (`BASE_DIR = Path(__file__).resolve().parent.parent`), in source order.
    pub file_paths: Vec<NamedPath>,
    /// Paths built from the module's location inside the value of a module-level assignment
    /// that is not one itself, under the name assigned: each item of `STATICFILES_DIRS =
    /// [BASE_DIR / "static"]`, the `"DIRS"` of `TEMPLATES = [{...}]`.
    pub value_paths: Vec<NamedPath>,
    /// Lines of the imports that run whenever the module does: statements of the module's own
    /// block, not inside an `if`, `try`, `with`, `def` or `class`.
    pub unconditional_imports: Vec<u32>,
    /// Arguments built from the module's location given to a call of anything else than a
    /// known writer: `init_logging(log_dir=BASE_DIR / "logs")`. A name bound to a path of
    /// another module, passed as it is, is left out.
    pub path_args: Vec<PathArg>,
    /// String literals that start with `sqlite` and contain `://`, anywhere in the file.
    pub sqlite_urls: Vec<Located<String>>,
    /// F-strings whose text starts with `sqlite` and contains `://`, anywhere in the file:
    /// `f"sqlite:///{settings.DB_PATH}"`, for the reader to resolve.
    pub sqlite_url_templates: Vec<Located<Vec<TemplatePart>>>,
    /// Lines where the parser found a syntax error or had to invent a missing token; facts
    /// inside the broken region are not read. At most [`MAX_ERROR_LINES`] are kept.
    pub syntax_errors: Vec<u32>,
    /// Set when a per-file bound on facts was reached and later facts were dropped.
    pub truncated: bool,
}

/// Most syntax-error lines kept per file: enough to point at the problem, bounded on garbage.
pub const MAX_ERROR_LINES: usize = 20;

/// A value with the line it was found on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Located<T> {
    pub line: u32,
    pub value: T,
}

/// One name bound by an import statement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Import {
    pub line: u32,
    /// The name bound in this file: `u` for `import uvicorn as u`, `os` for `import os.path`,
    /// `*` for a wildcard import (which binds nothing known).
    pub local: String,
    /// What it stands for: `uvicorn`, `flask.Flask`, or `.main.app` for `from .main import app`
    /// (leading dots = relative level).
    pub target: String,
}

impl Import {
    /// Leading dots of a relative import: 0 for an absolute one.
    pub fn level(&self) -> usize {
        self.target.bytes().take_while(|b| *b == b'.').count()
    }

    /// The target as an absolute dotted name, given the importing file's module path and
    /// whether it is a package's `__init__.py`. `None` when the dots climb above the top.
    pub fn absolute(&self, module: &str, is_package: bool) -> Option<String> {
        let level = self.level();
        if level == 0 {
            return Some(self.target.clone());
        }
        let mut parts: Vec<&str> = module.split('.').filter(|p| !p.is_empty()).collect();
        // One dot is the package the module sits in: `.x` inside `a/b.py` means `a.x`.
        if !is_package {
            parts.pop();
        }
        let up = level - 1;
        if up >= parts.len() {
            return None;
        }
        parts.truncate(parts.len() - up);
        let rest = &self.target[level..];
        if !rest.is_empty() {
            parts.push(rest);
        }
        Some(parts.join("."))
    }
}

/// A module-level `target = callee(...)`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Assignment {
    pub line: u32,
    pub target: String,
    pub call: Call,
}

/// A module-level `target = value` whose value is a name or a dotted attribute.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Alias {
    pub line: u32,
    pub target: String,
    /// The name or attribute, resolved through the file's imports as callees are: `api`,
    /// `pkg.core.app` after `from pkg import core`, `.base.app` after `from .base import app`.
    pub value: String,
}

/// A call with its arguments.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Call {
    pub line: u32,
    /// Resolved dotted callee; `None` when the callee is not a dotted name (`f[0]()`).
    pub callee: Option<String>,
    /// Positional arguments; `*args` appears as [`Value::Other`].
    pub args: Vec<Value>,
    /// Keyword arguments in order; `**kwargs` is left out.
    pub kwargs: Vec<Keyword>,
}

impl Call {
    /// The value of keyword argument `name`, if given.
    pub fn kwarg(&self, name: &str) -> Option<&Value> {
        self.kwargs
            .iter()
            .find(|keyword| keyword.name == name)
            .map(|keyword| &keyword.value)
    }

    /// The positional argument at `index`, or else the keyword `name`.
    pub fn arg(&self, index: usize, name: &str) -> Option<&Value> {
        self.args.get(index).or_else(|| self.kwarg(name))
    }
}

/// One `name=value` argument.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Keyword {
    pub name: String,
    pub value: Value,
}

/// An argument or assigned value, as far as it can be read without running anything.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "value", rename_all = "kebab-case")]
pub enum Value {
    /// A string literal with escapes decoded; adjacent literals joined. Not f-strings or bytes.
    Str(String),
    /// An integer literal (decimal, hex, octal, binary, `_` separators) that fits in `i64`.
    Int(i64),
    /// `True` or `False`.
    Bool(bool),
    /// `None`.
    NoneLiteral,
    /// A bare identifier as written, not resolved: look it up among the file's assignments.
    Name(String),
    /// A dotted attribute, resolved through the imports: `os.environ`, `settings.PORT`.
    Attribute(String),
    Call(Box<Call>),
    /// `value[index]`: `os.environ["PORT"]` is `Subscript { value: "os.environ", index: Str }`.
    Subscript {
        value: String,
        index: Box<Value>,
    },
    /// A list or tuple whose items are all string literals.
    StrList(Vec<String>),
    /// `...`, as `Field(...)` marks a required field.
    Ellipsis,
    /// An f-string whose replacement fields are each a name or a dotted attribute without a
    /// conversion or a format spec: `f"sqlite:///{settings.DB_PATH}"`.
    Template(Vec<TemplatePart>),
    /// `then if condition else otherwise`.
    Conditional {
        then: Box<Value>,
        condition: Box<Value>,
        otherwise: Box<Value>,
    },
    /// `left + right`: `DEFAULT_HOSTS + ["localhost"]`.
    Add(Box<Value>, Box<Value>),
    /// `left or right`: the left value unless it is empty or `None`
    /// (`os.environ.get("PORT") or 8000`).
    Or(Box<Value>, Box<Value>),
    /// Anything else: other f-strings, arithmetic, lambdas, other lists, `*args`.
    Other,
}

/// A piece of an f-string: text as written (escapes decoded), or a replacement field's value
/// ([`Value::Name`] or [`Value::Attribute`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "value", rename_all = "kebab-case")]
pub enum TemplatePart {
    Text(String),
    Field(Value),
}

impl Value {
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::Str(text) => Some(text),
            _ => None,
        }
    }

    pub fn as_call(&self) -> Option<&Call> {
        match self {
            Value::Call(call) => Some(call),
            _ => None,
        }
    }
}

/// A `def`, with where it sits, how it is decorated and what it calls.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Function {
    pub line: u32,
    pub name: String,
    /// Enclosing classes and functions joined by `.`: `Api.health`, `create_app.healthz`.
    pub qualname: String,
    /// The class the function is directly defined in, when it is a method.
    pub class: Option<String>,
    pub is_async: bool,
    pub decorators: Vec<Decorator>,
    /// Every call in the body, nested calls and calls inside `if`/`with`/`try`/`for`/`while`/
    /// `match` included, in source order; calls inside nested `def`s and classes belong to those.
    pub calls: Vec<Call>,
    /// The return annotation when it is a dotted name or a string of one, resolved:
    /// `-> FastAPI` after `from fastapi import FastAPI` reads `fastapi.FastAPI`.
    pub returns: Option<String>,
    /// The values of the body's own `return` statements (not those of nested `def`s), in
    /// source order; a bare `return` is left out.
    pub returned: Vec<Value>,
    /// The named parameters, in order (`*args`, `**kwargs` and the `*` separator left out).
    pub params: Vec<Param>,
}

/// One named parameter of a `def`: `port: int = typer.Option(8000)`,
/// `host: Annotated[str, typer.Option()] = "0.0.0.0"`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Param {
    pub name: String,
    pub default: Option<Value>,
    /// The first call among the items of an `Annotated[...]` annotation:
    /// `typer.Option("--port")` of `Annotated[int, typer.Option("--port")]`.
    pub annotated: Option<Call>,
}

/// One `@decorator` line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Decorator {
    pub line: u32,
    /// Resolved dotted name: `app.get`, `litestar.get`, `functools.cache`.
    pub callee: Option<String>,
    /// The first positional argument (or `path=`) when it is a string: the route of
    /// `@app.get("/health")`; empty for a call without arguments (`@get()`).
    pub first_str: Option<String>,
    /// The `methods=[...]` string list, when given.
    pub methods: Vec<String>,
    /// The decorator's own call with its arguments, when it is one:
    /// `@click.option("--port", default=8000)`.
    pub call: Option<Call>,
}

/// One entry of Django's `urlpatterns`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UrlPattern {
    pub line: u32,
    /// Resolved callee: `django.urls.path`, `django.urls.re_path`, `django.urls.include`.
    pub function: Option<String>,
    /// The first positional argument when it is a string: `healthz/`, `^ping$`.
    pub route: Option<String>,
    /// The second positional argument (or `view=`): the view, or `include("app.urls")`.
    pub view: Option<Value>,
}

/// A module-level `NAME = value` whose name is upper case: `ROOT_URLCONF = "site.urls"`,
/// `ALLOWED_HOSTS = [...]`, `STATIC_ROOT = BASE_DIR / "static"`. A later assignment to the
/// same name comes later in the list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Constant {
    pub line: u32,
    pub name: String,
    pub value: Value,
    /// Set when the value splits one environment variable into a list:
    /// `os.environ.get("HOSTS", "a,b").split(",")`, also inside a comprehension.
    pub env_list: Option<EnvList>,
}

/// A list read from one environment variable and split on a separator.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EnvList {
    pub variable: String,
    /// The default when it is a string literal.
    pub default: Option<String>,
    /// `os.environ[...]`: no default, the import fails without the variable.
    pub required: bool,
    /// The literal separator of `.split(sep)`; `None` for `.split()`, which splits on
    /// whitespace.
    pub separator: Option<String>,
}

/// What holds a route list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "name", rename_all = "kebab-case")]
pub enum RouteOwner {
    /// The `routes=` keyword of a call to this callee (`starlette.applications.Starlette`,
    /// `starlette.routing.Mount`); `None` when the callee is not a dotted name.
    Call(Option<String>),
    /// A module-level `name = [...]` list named `routes`.
    Variable(String),
}

/// One call inside a route list: `Route("/health", health)`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RouteEntry {
    pub line: u32,
    pub owner: RouteOwner,
    /// Resolved callee of the entry: `starlette.routing.Route`, `starlette.routing.Mount`.
    pub callee: Option<String>,
    /// The first positional argument (or `path=`) when it is a string.
    pub path: Option<String>,
    /// The paths of the Starlette `Mount`s the list sits in (its owner included), joined:
    /// `/api/v1` inside `Mount("/api", routes=[Mount("/v1", routes=[...])])`, `""` inside
    /// none; `None` when a mount's path is not a string literal.
    pub within: Option<String>,
    /// The `app=` of a `Mount` entry (or its second positional argument) when it is a name:
    /// the application mounted at `path`.
    pub app: Option<String>,
    /// The module-level name the owner call is assigned to: `api` for
    /// `api = Starlette(routes=[...])`.
    pub owner_name: Option<String>,
}

/// A `route_handlers=[...]` list of Litestar's `Litestar(...)` or `Router(...)`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HandlerList {
    pub line: u32,
    /// Resolved callee of the owner: `litestar.Router`, `litestar.Litestar`.
    pub callee: Option<String>,
    /// The owner's `path=` (a `Router`'s first positional argument) when it is a string.
    pub path: Option<String>,
    /// The module-level name the owner is assigned to: `api` for `api = Router(...)`.
    pub owner_name: Option<String>,
    /// The items that are names, as [`Value::Name`] or [`Value::Attribute`] spell them:
    /// `health`, `app.controllers.UserController`.
    pub handlers: Vec<String>,
}

/// A `class` statement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Class {
    pub line: u32,
    pub name: String,
    /// Enclosing classes and functions joined by `.`, as [`Function::qualname`].
    pub qualname: String,
    /// The base classes that are dotted names, resolved: `litestar.Controller`.
    pub bases: Vec<String>,
    /// Class-level `NAME = "text"` (or `NAME: str = "text"`): a Litestar `Controller`'s
    /// `path`, a settings class's `API_PREFIX`. A later one of a name comes later.
    pub strings: Vec<(String, String)>,
    /// Names the class body assigns something other than a string literal.
    pub others: Vec<String>,
    /// Class-level annotated names, `name: type` and `name: type = value`, in source order:
    /// the fields of a dataclass or a pydantic model.
    pub fields: Vec<ClassField>,
    /// Class-level `name = call(...)` without an annotation: pydantic-settings'
    /// `model_config = SettingsConfigDict(env_prefix="APP_")`.
    pub calls: Vec<(String, Call)>,
}

/// One annotated name of a class body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClassField {
    pub line: u32,
    pub name: String,
    /// The annotation as written, whitespace removed: `int`, `Optional[PostgresDsn]`.
    pub annotation: String,
    /// The assigned value; `None` for a bare `name: type`.
    pub value: Option<Value>,
}

impl Class {
    /// The last string the class body assigns to `name`.
    pub fn string(&self, name: &str) -> Option<&str> {
        self.strings
            .iter()
            .rev()
            .find(|(found, _)| found == name)
            .map(|(_, value)| value.as_str())
    }

    /// The integer the last annotated assignment of `name` gives it (`PORT: int = 8080`, a
    /// settings class's port default), when it is one.
    pub fn number(&self, name: &str) -> Option<i64> {
        match self
            .fields
            .iter()
            .rev()
            .find(|field| field.name == name)?
            .value
        {
            Some(Value::Int(number)) => Some(number),
            _ => None,
        }
    }

    /// The call a class-level `model_config = ...(...)` assigns: pydantic-settings'
    /// `SettingsConfigDict(env_prefix=...)`.
    pub fn config(&self) -> Option<&Call> {
        self.calls
            .iter()
            .rev()
            .find(|(name, _)| name == "model_config")
            .map(|(_, call)| call)
    }
}

/// How the environment is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum EnvReadKind {
    /// `os.environ.get(name, default)`.
    EnvironGet,
    /// `os.getenv(name, default)`.
    Getenv,
    /// `os.environ[name]`.
    EnvironSubscript,
    /// `os.environ.setdefault(name, default)`: Django's `DJANGO_SETTINGS_MODULE`.
    EnvironSetdefault,
    /// `os.environ[name] = value`, a write: the value is the default, as the variable holds
    /// it from then on.
    EnvironAssign,
    /// A read through a django-environ `Env()` bound at module level in the same file:
    /// `env("X")`, `env.str("X")`, `env.bool("X")`, `env.db()` (which reads `DATABASE_URL`).
    EnvironEnv,
    /// python-decouple: `decouple.config("X")`, or a call of an `AutoConfig()` or `Config()`
    /// bound at module level in the same file.
    DecoupleConfig,
}

/// One read of an environment variable (or a plain `os.environ[name] = value`, which sets
/// it). Pydantic-settings fields are [`Class::fields`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EnvRead {
    pub line: u32,
    pub kind: EnvReadKind,
    /// The variable's name when it is a string literal.
    pub name: Option<String>,
    /// The default argument, when given; for django-environ also the second item of the
    /// variable's `(cast, default)` scheme given to `Env()`.
    pub default: Option<Value>,
    /// What the value is read as, when the read says: a django-environ method (`str`, `bool`,
    /// `db`, `cache_url`, ...), else a `cast` argument (or the `Env()` scheme's cast) as a
    /// resolved dotted name (`bool`, `dj_database_url.parse`), `()` after a call
    /// (`decouple.Csv()`); for `os.environ` reads, the builtin they are passed to straight
    /// away: `int` of `int(os.environ["PORT"])`.
    pub cast: Option<String>,
    /// Whether the read runs when the module is imported: outside every `def` and `lambda`
    /// (class bodies run at import).
    pub at_start: bool,
    /// Whether it sits in the body of a `try` that has an `except`, which may catch its error.
    pub in_try: bool,
    /// The name the read is assigned to at module level or in the own body of its `def`:
    /// `KEY` of `KEY = os.getenv("KEY")` or of `(KEY := os.getenv("KEY"))`; or the item:
    /// `app.config["KEY"]` of `app.config["KEY"] = os.getenv("X")` (the key quoted as a Rust
    /// string literal).
    pub bound_to: Option<String>,
    /// Line of the `def` whose own body holds the read (not a nested `def`, `lambda` or class
    /// of it); `None` for a read outside every `def`.
    pub function: Option<u32>,
}

/// One value that an `if` at module level or in a function's own body checks before it stops
/// the import or the function (`raise`, `sys.exit()`, `exit()`, `quit()` directly in its
/// block).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExitGuard {
    pub line: u32,
    /// Line of the `def` whose own body holds the `if`; `None` at module level.
    pub function: Option<u32>,
    /// A name tested for being empty or `None`: `KEY` of `if not KEY:` or `if KEY is None:`.
    pub variable: Option<String>,
    /// A variable tested in the environment itself: `if "KEY" not in os.environ:`, `if not
    /// os.getenv("KEY"):`.
    pub env: Option<String>,
}

/// How a path is written to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "mode", rename_all = "kebab-case")]
pub enum FsWriteKind {
    /// `os.makedirs(path)`, `os.mkdir(path)`.
    Makedirs,
    /// `pathlib.Path(path).mkdir(...)`.
    PathMkdir,
    /// `Path(path).touch()`, `.write_text(...)`, `.write_bytes(...)`, `.open("w")`.
    PathWrite,
    /// `logging.FileHandler(path)` and the rotating handlers, `logging.basicConfig(filename=)`,
    /// loguru's `logger.add(path)`.
    LogFile,
    /// `open(path, mode)` with a mode that writes; holds the mode.
    Open(String),
}

/// A write to a path given as a string literal or an upper-case constant. Absolute paths are kept too: the reader of
/// these facts decides which ones matter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FsWrite {
    pub line: u32,
    pub kind: FsWriteKind,
    /// The literal path; empty when `constant` names it instead.
    pub path: String,
    /// The upper-case constant the path is given as, resolved through the imports:
    /// `LOG_DIR` (this module's), `core.config.LOG_DIR` (`from core.config import LOG_DIR`
    /// or `config.LOG_DIR`). The reader looks up its string value among the module constants.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub constant: Option<String>,
    /// The path when it is built from the module's own location instead:
    /// `os.makedirs(BASE_DIR / "logs")`, `Path(__file__).parent.joinpath("data").mkdir()`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from_file: Option<FilePath>,
}

/// A path built from a module's location, as Django's `BASE_DIR` is: `__file__`,
/// `Path(...)`, `.resolve()`, `.parent`, `.parents[n]`, `os.path.dirname`/`abspath`, and `/`,
/// `os.path.join` or `.joinpath` with string literals, through names bound at module level.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FilePath {
    /// Where it starts: `None` for this module's own file; else a name it is built on that
    /// this module does not bind to a path itself, resolved through the imports
    /// (`core.settings.BASE_DIR`, `.base.BASE_DIR`), or as written when only a star import
    /// can bind it. The reader looks the name up among that module's [`NamedPath`]s.
    pub anchor: Option<String>,
    /// Steps from there, `..` for a parent: `["..", "..", "logs"]` for
    /// `Path(__file__).parent.parent / "logs"`. A `..` never follows a name.
    pub steps: Vec<String>,
}

impl FilePath {
    /// One step up: a `..` cancels the name before it.
    pub fn push(&mut self, step: &str) {
        if step == ".." && self.steps.last().is_some_and(|last| last != "..") {
            self.steps.pop();
        } else {
            self.steps.push(step.to_string());
        }
    }

    /// Joins a relative literal below (`"logs/app.log"`); `None` for an absolute one, which
    /// replaces the path, or one that is not plain (`~`, a backslash, empty).
    pub fn join(&mut self, part: &str) -> Option<()> {
        if part.is_empty() || part.starts_with(['/', '~']) || part.contains('\\') {
            return None;
        }
        for step in part.split('/') {
            match step {
                "" | "." => {}
                step => self.push(step),
            }
        }
        Some(())
    }
}

/// One argument of [`FileFacts::path_args`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PathArg {
    pub line: u32,
    /// The resolved dotted callee: `core.logging.init_logging`, `setup`.
    pub callee: String,
    /// The position of a positional argument; `None` for a keyword one.
    pub position: Option<usize>,
    /// The keyword of a keyword argument.
    pub keyword: Option<String>,
    pub path: FilePath,
}

/// A module-level `name = <path built from the module's location>`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NamedPath {
    pub line: u32,
    pub name: String,
    pub path: FilePath,
}
