//! Django, read from its settings: the settings module (`DJANGO_SETTINGS_MODULE` as `wsgi.py`,
//! `asgi.py` or `manage.py` set it), the literal routes of `ROOT_URLCONF` and of the modules it
//! includes, whether `ALLOWED_HOSTS` lets the probes' `Host` in, and whether `STATIC_ROOT` asks
//! for `collectstatic` at build time. Settings split over modules (`from .base import *`) are
//! followed; values computed at run time are not.

use super::health::Route;
use super::settings::{self, typed_stand_in, STAND_IN};
use crate::error::UserError;
use crate::model::{EnvVar, Layout, RequiredSetting, StaticFiles};
use crate::read::python::{Constant, EnvList, EnvReadKind, Value};
use crate::read::source::{django_door, Module, SourceScan};

/// The `Host` every probe sends to a Django app. The image's health check and `verify` connect
/// to 127.0.0.1 and say so; the Kubernetes probes are given it as a header (without one they
/// would send the pod's IP, which no `ALLOWED_HOSTS` can list in advance).
pub const PROBE_HOST: &str = "127.0.0.1";

/// Where `collectstatic`'s files wait for the final stage, at their own absolute path; in the
/// project stage only.
pub const STATIC_STAGING: &str = "/staging-static";

/// The value of a setting the settings module cannot be imported without, in the
/// `collectstatic` step only: never in the final stage.
pub const BUILD_PLACEHOLDER: &str = "collectstatic-build-only";

/// The placeholder of a database URL: a URL Django can configure a database from without
/// connecting to it (collectstatic opens no connection).
pub const DATABASE_URL_PLACEHOLDER: &str = settings::DATABASE_URL_STAND_IN;

/// Deepest chain of `include()`s followed from `ROOT_URLCONF`.
const MAX_INCLUDE_DEPTH: usize = 8;
/// Deepest chain of `from ... import *` followed between settings modules.
const MAX_STAR_DEPTH: usize = 4;
/// Most routes read, across every urls module.
const MAX_ROUTES: usize = 2_000;

/// A Django project whose settings module is in the scanned source.
#[derive(Debug, Clone, Copy)]
pub struct Site<'a> {
    scan: &'a SourceScan,
    /// The settings module.
    pub settings: &'a Module,
    /// `file:line` where `DJANGO_SETTINGS_MODULE` is set.
    pub settings_at: (&'a str, u32),
}

/// Whether Django accepts a request with `Host: 127.0.0.1`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Hosts {
    /// It does: the reason says why.
    Accept(String),
    /// `ALLOWED_HOSTS` is read from an environment variable, at `file:line`: the outputs add
    /// the probes' host to it.
    FromEnv { list: EnvList, at: String },
    /// It does not, or it cannot be known: the reason says which.
    Refuse(String),
}

/// One part of a host list built from several.
#[derive(Debug, Clone, PartialEq, Eq)]
enum HostPart {
    Hosts(Vec<String>),
    /// Read from the environment, at `file:line`.
    Env(EnvList, String),
    Unknown,
}

/// The settings module that the server's entry module (`wsgi.py`, `asgi.py`) names, else the
/// one `manage.py` or another module names; `None` when it is not in the source.
pub fn site(scan: &SourceScan) -> Option<Site<'_>> {
    let rank = |module: &Module| {
        if django_door(&module.module).is_some() {
            0
        } else if module.module == "manage" {
            1
        } else {
            2
        }
    };
    let mut modules: Vec<&Module> = scan.modules.iter().collect();
    modules.sort_by_key(|module| rank(module));
    for module in modules {
        for read in &module.facts.env_reads {
            let names_settings = matches!(
                read.kind,
                EnvReadKind::EnvironSetdefault | EnvReadKind::EnvironAssign
            ) && read.name.as_deref() == Some("DJANGO_SETTINGS_MODULE");
            let Some(Value::Str(name)) = read.default.as_ref().filter(|_| names_settings) else {
                continue;
            };
            if let Some(settings) = scan.module(name) {
                return Some(Site {
                    scan,
                    settings,
                    settings_at: (&module.file, read.line),
                });
            }
        }
    }
    None
}

impl<'a> Site<'a> {
    /// The last assignment of `name` in the settings module, else in the modules it
    /// star-imports (the last import first).
    pub fn constant(&self, name: &str) -> Option<(&'a Module, &'a Constant)> {
        lookup(self.scan, self.settings, name, 0)
    }

    /// `file:line` of a setting, for `explain`.
    fn at(module: &Module, constant: &Constant) -> String {
        format!("{}:{}", module.file, constant.line)
    }

    /// Every literal route below `ROOT_URLCONF`, with the prefixes of the `include()`s that
    /// lead to it. Empty when `ROOT_URLCONF` is not a string naming a scanned module.
    pub fn routes(&self) -> Vec<Route> {
        let mut routes = Vec::new();
        if let Some((_, constant)) = self.constant("ROOT_URLCONF") {
            if let Value::Str(root) = &constant.value {
                let mut chain = Vec::new();
                collect_routes(self.scan, root, "", &mut chain, &mut routes);
            }
        }
        routes
    }

    /// Whether Django accepts the probes' `Host` (`DEBUG` off unless it is literally `True`).
    pub fn hosts(&self) -> Hosts {
        let debug = self
            .constant("DEBUG")
            .is_some_and(|(_, constant)| constant.value == Value::Bool(true));
        let host = PROBE_HOST;
        let Some((module, constant)) = self.constant("ALLOWED_HOSTS") else {
            return if debug {
                Hosts::Accept(format!(
                    "`DEBUG = True` and no `ALLOWED_HOSTS` in `{}`: Django accepts `{host}`",
                    self.settings.file
                ))
            } else {
                Hosts::Refuse(format!(
                    "`{}` sets no `ALLOWED_HOSTS`, so with `DEBUG` off Django answers 400 to every request; list `\"{host}\"` in it for an HTTP probe",
                    self.settings.file
                ))
            };
        };
        let at = Self::at(module, constant);
        if let Some(list) = constant
            .env_list
            .clone()
            .or_else(|| environ_list(module, &constant.value))
        {
            return Hosts::FromEnv { list, at };
        }
        // A list built from parts (`DEFAULT + [...]`, `env.list(...) + [...]`) and grown by
        // `ALLOWED_HOSTS += [...]` after it, in its module or in the settings that
        // star-import it: a part that accepts the host accepts it; else a part read from the
        // environment is where the outputs add it.
        let mut parts = Vec::new();
        self.parts(module, &constant.value, 0, &mut parts);
        let added = self.chain().into_iter().flat_map(|chained| {
            chained
                .facts
                .augmented_constants
                .iter()
                .filter(move |added| {
                    added.name == "ALLOWED_HOSTS"
                        && (chained.module != module.module || added.line > constant.line)
                })
                .map(move |added| (chained, added))
        });
        let mut grown = Vec::new();
        for (chained, added) in added {
            grown.push(Self::at(chained, added));
            match added.env_list.clone() {
                Some(list) => parts.push(HostPart::Env(list, Self::at(chained, added))),
                None => self.parts(chained, &added.value, 0, &mut parts),
            }
        }
        let composite = !grown.is_empty() || !matches!(constant.value, Value::StrList(_));
        if composite && !parts.contains(&HostPart::Unknown) {
            let literal: Vec<&String> = parts
                .iter()
                .filter_map(|part| match part {
                    HostPart::Hosts(hosts) => Some(hosts),
                    _ => None,
                })
                .flatten()
                .collect();
            let grown = if grown.is_empty() {
                String::new()
            } else {
                format!(" (grown at `{}`)", grown.join("`, `"))
            };
            if literal.iter().any(|h| *h == "*" || *h == host) {
                return Hosts::Accept(format!("`ALLOWED_HOSTS` at `{at}`{grown} accepts `{host}`"));
            }
            if let Some((list, env_at)) = parts.iter().find_map(|part| match part {
                HostPart::Env(list, env_at) => Some((list.clone(), env_at.clone())),
                _ => None,
            }) {
                return Hosts::FromEnv { list, at: env_at };
            }
            if literal.is_empty() && debug {
                return Hosts::Accept(format!(
                    "`ALLOWED_HOSTS` at `{at}`{grown} is empty and `DEBUG = True`: Django accepts `{host}`"
                ));
            }
            return Hosts::Refuse(format!(
                "`ALLOWED_HOSTS` at `{at}`{grown} is {}, which refuses the probes' `Host: {host}` (Django answers 400); add `\"{host}\"` to it for an HTTP probe",
                serde_json::to_string(&literal).unwrap_or_default()
            ));
        }
        match &constant.value {
            Value::StrList(hosts) if hosts.iter().any(|h| h == "*" || h == host) => {
                Hosts::Accept(format!("`ALLOWED_HOSTS` at `{at}` accepts `{host}`"))
            }
            Value::StrList(hosts) if hosts.is_empty() && debug => Hosts::Accept(format!(
                "`ALLOWED_HOSTS` at `{at}` is empty and `DEBUG = True`: Django accepts `{host}`"
            )),
            Value::StrList(hosts) => Hosts::Refuse(format!(
                "`ALLOWED_HOSTS` at `{at}` is {}, which refuses the probes' `Host: {host}` (Django answers 400); add `\"{host}\"` to it for an HTTP probe",
                serde_json::to_string(hosts).unwrap_or_default()
            )),
            _ => Hosts::Refuse(format!(
                "`ALLOWED_HOSTS` at `{at}` is neither a literal list nor an environment variable split into one, so whether Django accepts the probes' `Host: {host}` is unknown; set `health-path` to probe over HTTP anyway"
            )),
        }
    }

    /// The parts of a host list `value` (of `module`) is built from, bounded.
    fn parts(&self, module: &'a Module, value: &Value, depth: usize, parts: &mut Vec<HostPart>) {
        if depth > MAX_STAR_DEPTH {
            parts.push(HostPart::Unknown);
            return;
        }
        match value {
            Value::StrList(hosts) => parts.push(HostPart::Hosts(hosts.clone())),
            Value::Add(left, right) => {
                self.parts(module, left, depth + 1, parts);
                self.parts(module, right, depth + 1, parts);
            }
            Value::Name(name) if name.chars().all(|c| !c.is_ascii_lowercase()) => {
                match lookup(self.scan, module, name, 0) {
                    Some((owner, constant)) => match constant
                        .env_list
                        .clone()
                        .or_else(|| environ_list(owner, &constant.value))
                    {
                        Some(list) => parts.push(HostPart::Env(list, Self::at(owner, constant))),
                        None => self.parts(owner, &constant.value, depth + 1, parts),
                    },
                    None => parts.push(HostPart::Unknown),
                }
            }
            _ => match (environ_list(module, value), value.as_call()) {
                (Some(list), Some(call)) => parts.push(HostPart::Env(
                    list,
                    format!("{}:{}", module.file, call.line),
                )),
                _ => parts.push(HostPart::Unknown),
            },
        }
    }

    /// What the settings name that the app needs at run time: the settings module and
    /// `ROOT_URLCONF`, imported by name, and the directories of `STATICFILES_DIRS`,
    /// `TEMPLATES` (`DIRS`) and `LOCALE_PATHS` built from a module's location (relative to
    /// the import root), each with where it is named.
    pub fn needed(&self) -> super::layout::Needed {
        let (file, line) = self.settings_at;
        let mut modules = vec![(
            self.settings.module.clone(),
            format!("`DJANGO_SETTINGS_MODULE` at `{file}:{line}`"),
        )];
        if let Some((module, constant)) = self.constant("ROOT_URLCONF") {
            if let Value::Str(urlconf) = &constant.value {
                modules.push((
                    urlconf.clone(),
                    format!("`ROOT_URLCONF` at `{}`", Self::at(module, constant)),
                ));
            }
        }
        let mut dirs = Vec::new();
        for name in ["STATICFILES_DIRS", "TEMPLATES", "LOCALE_PATHS"] {
            if let Some((module, _)) = self.constant(name) {
                for (dir, line) in self.scan.value_paths(module, name) {
                    if !dir.is_empty() {
                        dirs.push((dir, format!("`{name}` at `{}:{line}`", module.file)));
                    }
                }
            }
        }
        super::layout::Needed { modules, dirs }
    }
    /// The settings module and the modules it star-imports outside every `if`, transitively
    /// ([`MAX_STAR_DEPTH`] deep), each once, depth first.
    fn chain(&self) -> Vec<&'a Module> {
        let mut chain: Vec<&'a Module> = Vec::new();
        let mut modules = vec![(self.settings, 0)];
        while let Some((module, depth)) = modules.pop() {
            if chain.iter().any(|seen| seen.module == module.module) {
                continue;
            }
            chain.push(module);
            if depth < MAX_STAR_DEPTH {
                modules.extend(
                    star_imports(self.scan, module, true).map(|imported| (imported, depth + 1)),
                );
            }
        }
        chain
    }

    /// An error for a star import of the settings chain that always runs (not inside a `try`
    /// or an `if`) and names a module of the project that is not in the source: a
    /// `from .local import *` of a file kept out of git. The settings could not be imported,
    /// so `collectstatic` in the build, and the app at start, would fail.
    pub fn check_star_imports(&self) -> Result<(), UserError> {
        for module in self.chain() {
            for import in module.facts.imports.iter().filter(|import| {
                import.local == "*" && module.facts.unconditional_imports.contains(&import.line)
            }) {
                let Some(target) = import
                    .absolute(&module.module, module.is_package)
                    .and_then(|target| target.strip_suffix(".*").map(str::to_string))
                else {
                    continue;
                };
                // A module of the project: its package is in the source, the module is not.
                let Some((package, name)) = target.rsplit_once('.') else {
                    continue;
                };
                let Some(package) = self.scan.module(package).filter(|p| p.is_package) else {
                    continue;
                };
                if self.scan.module(&target).is_some() {
                    continue;
                }
                let file = match package.file.rsplit_once('/') {
                    Some((dir, _)) => format!("{dir}/{name}.py"),
                    None => format!("{name}.py"),
                };
                let written = format!("from {} import *", import.target.trim_end_matches(".*"));
                return Err(UserError::new(format!(
                    "the Django settings at `{}:{}` import `{target}` with `{written}`, but the project has no `{file}`",
                    module.file, import.line
                ))
                .at(module.file.clone(), Some(import.line))
                .detail("the settings cannot be imported without it: `collectstatic` in the build and the app at start would fail with ModuleNotFoundError; a file git ignores (local settings) is not in the build context")
                .hint(format!(
                    "commit a default `{file}` (it may read what differs from the environment)"
                ))
                .hint(format!(
                    "or make it optional: put `{written}` in a `try:` block with `except ImportError: pass`"
                )));
            }
        }
        Ok(())
    }

    /// `file:line` of a `STATIC_ROOT` that is set (not `None`).
    pub fn static_root(&self) -> Option<String> {
        self.constant("STATIC_ROOT")
            .filter(|(_, constant)| constant.value != Value::NoneLiteral)
            .map(|(module, constant)| Self::at(module, constant))
    }

    /// Variables the settings cannot be imported without, each with where it is read and a
    /// stand-in of its type ([`STAND_IN`] for a plain string): `os.environ["X"]`, a required
    /// list, a `*SECRET_KEY` read with no default (Django refuses an empty key), and a
    /// django-environ or python-decouple read with no default (they raise without the
    /// variable), in the settings module and the modules it star-imports outside every `if`.
    /// Sorted, each once; a read that says its type (a bool, a database URL) wins over one
    /// that does not.
    pub fn required_env(&self) -> Vec<RequiredSetting> {
        let mut found = Vec::new();
        for module in self.chain() {
            for read in &module.facts.env_reads {
                let Some(name) = &read.name else { continue };
                let reason = match read.kind {
                    EnvReadKind::EnvironSubscript => "`os.environ[...]` in the settings",
                    EnvReadKind::EnvironGet | EnvReadKind::Getenv
                        if read.default.is_none() && name.ends_with("SECRET_KEY") =>
                    {
                        "read with no default by the settings, and Django refuses an empty secret key"
                    }
                    EnvReadKind::EnvironEnv | EnvReadKind::DecoupleConfig
                        if read.default.is_none() =>
                    {
                        "read with no default by the settings, which raise without it"
                    }
                    _ => continue,
                };
                found.push(RequiredSetting {
                    name: name.clone(),
                    at: format!("{}:{}", module.file, read.line),
                    stand_in: typed_stand_in(read.cast.as_deref())
                        .unwrap_or(STAND_IN)
                        .to_string(),
                    reason: reason.to_string(),
                });
            }
            for constant in &module.facts.constants {
                if let Some(list) = environ_list(module, &constant.value) {
                    if list.required {
                        found.push(RequiredSetting {
                            name: list.variable,
                            at: Self::at(module, constant),
                            stand_in: STAND_IN.to_string(),
                            reason: "a list split from it in the settings, with no default"
                                .to_string(),
                        });
                    }
                }
            }
        }
        settings::merge(found)
    }
}

/// The `collectstatic` step of the project stage: when the settings set `STATIC_ROOT`, which
/// the running container cannot write. It runs where the app runs (the final stage's working
/// directory) with the settings module the server uses, then moves `STATIC_ROOT` under
/// [`STATIC_STAGING`] for the final stage to copy, owned by root.
pub fn static_files(site: Option<&Site<'_>>, layout: &Layout) -> StaticFiles {
    let skip = |reason: String| StaticFiles {
        collect: false,
        reason,
        workdir: String::new(),
        env: Vec::new(),
        command: Vec::new(),
        stage: Vec::new(),
        staging: String::new(),
    };
    let Some(site) = site else {
        return skip("nothing to collect: not a Django web app".into());
    };
    let Some(at) = site.static_root() else {
        return skip(format!(
            "`{}` sets no `STATIC_ROOT`: nothing to collect",
            site.settings.file
        ));
    };
    let python = format!("{}/bin/python", layout.venv);
    // `manage.py` sits in the working directory only when the source is (a virtual project);
    // an installed one runs Django's own entry point with the same settings.
    let manage = layout.copies_source && site.scan.module("manage").is_some();
    let mut command = vec![python.clone()];
    if manage {
        command.push("manage.py".into());
    } else {
        command.extend(["-m".into(), "django".into()]);
    }
    command.extend(["collectstatic".into(), "--noinput".into()]);
    let mut env = vec![EnvVar {
        name: "DJANGO_SETTINGS_MODULE".into(),
        value: site.settings.module.clone(),
    }];
    // A plain string gets a value that says it is for the build only.
    let placeholders: Vec<(String, String)> = site
        .required_env()
        .into_iter()
        .filter(|setting| setting.name != "DJANGO_SETTINGS_MODULE")
        .map(|setting| match setting.stand_in.as_str() {
            STAND_IN => (setting.name, BUILD_PLACEHOLDER.to_string()),
            _ => (setting.name, setting.stand_in),
        })
        .collect();
    env.extend(placeholders.iter().map(|(name, value)| EnvVar {
        name: name.clone(),
        value: value.clone(),
    }));
    let stage = vec![
        python,
        "-c".into(),
        "import os, shutil, sys; from django.conf import settings; \
         root = os.path.abspath(settings.STATIC_ROOT); target = sys.argv[1] + root; \
         os.makedirs(root, exist_ok=True); \
         os.makedirs(os.path.dirname(target), exist_ok=True); shutil.move(root, target)"
            .into(),
        STATIC_STAGING.into(),
    ];
    let mut reason = format!(
        "`STATIC_ROOT` is set at `{at}`, and the root filesystem is read-only at run time: `collectstatic` runs in the build"
    );
    if !placeholders.is_empty() {
        reason.push_str(&format!(
            ", with a placeholder for {} (read without a default by the settings), set for that step only",
            placeholders
                .iter()
                .map(|(name, _)| format!("`{name}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    StaticFiles {
        collect: true,
        reason,
        workdir: layout.workdir.clone(),
        env,
        command,
        stage,
        staging: STATIC_STAGING.into(),
    }
}

fn lookup<'a>(
    scan: &'a SourceScan,
    module: &'a Module,
    name: &str,
    depth: usize,
) -> Option<(&'a Module, &'a Constant)> {
    if let Some(constant) = module.facts.constants.iter().rev().find(|c| c.name == name) {
        return Some((module, constant));
    }
    if depth >= MAX_STAR_DEPTH {
        return None;
    }
    let imported: Vec<&Module> = star_imports(scan, module, false).collect();
    imported
        .into_iter()
        .rev()
        .find_map(|imported| lookup(scan, imported, name, depth + 1))
}

/// The scanned modules that `module` star-imports, in import order; with `always`, only
/// those it imports outside every `if` (`if PRODUCTION: from .production import *` may not
/// run).
fn star_imports<'a>(
    scan: &'a SourceScan,
    module: &'a Module,
    always: bool,
) -> impl Iterator<Item = &'a Module> + 'a {
    module
        .facts
        .imports
        .iter()
        .filter(|import| import.local == "*")
        .filter(move |import| !always || !module.facts.conditional_imports.contains(&import.line))
        .filter_map(|import| {
            let target = import.absolute(&module.module, module.is_package)?;
            scan.module(target.strip_suffix(".*")?)
        })
        .filter(move |imported| imported.module != module.module)
}

/// django-environ's `env.list("X", default=[...])`, where `env = environ.Env(...)` in the same
/// module: comma-separated.
fn environ_list(module: &Module, value: &Value) -> Option<EnvList> {
    let call = value.as_call()?;
    let (object, method) = call.callee.as_deref()?.rsplit_once('.')?;
    let is_env = module.facts.assignments.iter().any(|assignment| {
        assignment.target == object
            && assignment
                .call
                .callee
                .as_deref()
                .is_some_and(|callee| callee.rsplit('.').next() == Some("Env"))
    });
    if method != "list" || !is_env {
        return None;
    }
    let variable = call.arg(0, "var")?.as_str()?.to_string();
    let default = call.kwarg("default");
    let text = match default {
        Some(Value::StrList(hosts)) => Some(hosts.join(",")),
        Some(Value::Str(hosts)) => Some(hosts.clone()),
        _ => None,
    };
    Some(EnvList {
        variable,
        required: default.is_none(),
        default: text,
        separator: Some(",".to_string()),
    })
}

/// How Django matches one entry of `urlpatterns`.
#[derive(Clone, Copy)]
enum Syntax {
    /// `path()`: the route is literal text, `<converter:name>` aside.
    Path,
    /// `re_path()` and the old `url()`: a regular expression.
    Regex,
}

fn collect_routes(
    scan: &SourceScan,
    module_name: &str,
    prefix: &str,
    chain: &mut Vec<String>,
    routes: &mut Vec<Route>,
) {
    if chain.len() > MAX_INCLUDE_DEPTH || chain.iter().any(|seen| seen == module_name) {
        return;
    }
    let Some(module) = scan.module(module_name) else {
        return;
    };
    chain.push(module_name.to_string());
    for pattern in &module.facts.url_patterns {
        if routes.len() >= MAX_ROUTES {
            break;
        }
        let syntax = match pattern
            .function
            .as_deref()
            .and_then(|function| function.rsplit('.').next())
        {
            Some("path") => Syntax::Path,
            Some("re_path" | "url") => Syntax::Regex,
            _ => continue,
        };
        let (Some(route), Some(view)) = (&pattern.route, &pattern.view) else {
            continue;
        };
        match view {
            Value::Call(call)
                if call.callee.as_deref().and_then(|c| c.rsplit('.').next()) == Some("include") =>
            {
                let included = match call.arg(0, "arg") {
                    Some(Value::Str(name) | Value::Attribute(name)) => name.as_str(),
                    Some(Value::StrList(parts)) if !parts.is_empty() => parts[0].as_str(),
                    _ => continue,
                };
                if let Some(part) = literal(syntax, route, false) {
                    collect_routes(scan, included, &format!("{prefix}{part}"), chain, routes);
                }
            }
            // `admin.site.urls`, a DRF `router.urls`: routes below a prefix, not read here.
            Value::Attribute(name) if name.ends_with(".urls") => {}
            _ => {
                if let Some(part) = literal(syntax, route, true) {
                    routes.push(Route {
                        path: format!("/{prefix}{part}"),
                        file: module.file.clone(),
                        line: pattern.line,
                    });
                }
            }
        }
    }
    chain.pop();
}

/// The literal path a route matches, `None` when it takes parameters. A `path()` route is
/// returned as written (the probe decision refuses `<int:pk>`); a regular expression only when
/// it is literal text between `^` and `$` (`$` only for an endpoint), with `\.`-style escapes
/// and an optional trailing `/?`.
fn literal(syntax: Syntax, route: &str, endpoint: bool) -> Option<String> {
    let Syntax::Regex = syntax else {
        return Some(route.to_string());
    };
    let mut pattern = route.strip_prefix('^').unwrap_or(route);
    if endpoint {
        pattern = pattern
            .strip_suffix('$')
            .or_else(|| pattern.strip_suffix("\\Z"))
            .unwrap_or(pattern);
    }
    pattern = pattern.strip_suffix("/?").unwrap_or(pattern);
    let mut out = String::new();
    let mut chars = pattern.chars();
    while let Some(ch) = chars.next() {
        match ch {
            '\\' => match chars.next() {
                Some(escaped @ ('.' | '-' | '/' | '_' | '~')) => out.push(escaped),
                _ => return None,
            },
            '(' | ')' | '[' | ']' | '{' | '}' | '*' | '+' | '?' | '|' | '^' | '$' => return None,
            _ => out.push(ch),
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::read::source::scan_of_texts;

    fn scan(files: &[(&str, &str)]) -> SourceScan {
        let named: Vec<(&str, String, &str)> = files
            .iter()
            .map(|(file, text)| {
                let module = file
                    .trim_end_matches(".py")
                    .trim_end_matches("/__init__")
                    .replace('/', ".");
                (*file, module, *text)
            })
            .collect();
        let triples: Vec<(&str, &str, &str)> = named
            .iter()
            .map(|(file, module, text)| (*file, module.as_str(), *text))
            .collect();
        scan_of_texts(&triples)
    }

    const WSGI: &str = "import os\nfrom django.core.wsgi import get_wsgi_application\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'mysite.settings')\napplication = get_wsgi_application()\n";

    fn paths(routes: &[Route]) -> Vec<&str> {
        routes.iter().map(|route| route.path.as_str()).collect()
    }

    #[test]
    fn routes_follow_root_urlconf_and_its_includes() {
        let scan = scan(&[
            ("mysite/wsgi.py", WSGI),
            ("mysite/settings.py", "ROOT_URLCONF = 'mysite.urls'\n"),
            (
                "mysite/urls.py",
                "from django.urls import path, re_path, include\nfrom django.contrib import admin\nfrom . import views\n\
                 urlpatterns = [\n    path('admin/', admin.site.urls),\n    path('', views.index),\n\
                 \x20   path('ops/', include('ops.urls')),\n    re_path(r'^legacy/', include(('legacy.urls', 'legacy'))),\n\
                 \x20   path('items/<int:pk>/', views.item),\n]\n\
                 urlpatterns += [re_path(r'^ping/?$', views.ping), re_path(r'^a(b|c)$', views.x)]\n",
            ),
            (
                "ops/urls.py",
                "from django.urls import path\nurlpatterns = [path('healthz/', views.healthz), path('loop/', include('mysite.urls'))]\n",
            ),
            ("legacy/urls.py", "from django.conf.urls import url\nurlpatterns = [url(r'^status\\.json$', v)]\n"),
            ("other/urls.py", "from django.urls import path\nurlpatterns = [path('never/', v)]\n"),
        ]);
        let site = site(&scan).expect("a site");
        assert_eq!(site.settings.module, "mysite.settings");
        assert_eq!(site.settings_at, ("mysite/wsgi.py", 3));
        let routes = site.routes();
        assert_eq!(
            paths(&routes),
            [
                "/",
                "/ops/healthz/",
                "/legacy/status.json",
                "/items/<int:pk>/",
                "/ping",
            ]
        );
        assert_eq!(
            (routes[1].file.as_str(), routes[1].line),
            ("ops/urls.py", 2)
        );
    }

    #[test]
    fn no_settings_module_or_root_urlconf_means_no_routes() {
        let urls = "from django.urls import path\nurlpatterns = [path('healthz/', v)]\n";
        // The settings module is named but is not in the source.
        let missing = scan(&[("mysite/wsgi.py", WSGI), ("mysite/urls.py", urls)]);
        assert!(site(&missing).is_none());
        let no_urlconf = scan(&[
            ("mysite/wsgi.py", WSGI),
            ("mysite/settings.py", "DEBUG = False\n"),
            ("mysite/urls.py", urls),
        ]);
        assert!(site(&no_urlconf).expect("site").routes().is_empty());
    }

    #[test]
    fn settings_split_over_star_imports() {
        let scan = scan(&[
            (
                "manage.py",
                "import os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'mysite.settings.prod')\n",
            ),
            ("mysite/settings/__init__.py", ""),
            (
                "mysite/settings/base.py",
                "import os\nROOT_URLCONF = 'mysite.urls'\nSTATIC_ROOT = None\nDEBUG = True\nKEY = os.environ['DB_PASSWORD']\n",
            ),
            (
                "mysite/settings/prod.py",
                "import os\nfrom .base import *\nDEBUG = False\nSTATIC_ROOT = BASE_DIR / 'static'\nSECRET_KEY = os.environ.get('DJANGO_SECRET_KEY')\nX = os.environ.get('OPTIONAL')\n",
            ),
        ]);
        let site = site(&scan).expect("a site");
        let (module, constant) = site.constant("ROOT_URLCONF").expect("found");
        assert_eq!(module.module, "mysite.settings.base");
        assert_eq!(constant.value, Value::Str("mysite.urls".into()));
        assert_eq!(
            site.static_root().as_deref(),
            Some("mysite/settings/prod.py:4")
        );
        let required: Vec<(String, String)> = site
            .required_env()
            .into_iter()
            .map(|setting| (setting.name, setting.at))
            .collect();
        assert_eq!(
            required,
            [
                (
                    "DB_PASSWORD".to_string(),
                    "mysite/settings/base.py:5".to_string()
                ),
                (
                    "DJANGO_SECRET_KEY".to_string(),
                    "mysite/settings/prod.py:5".to_string()
                )
            ]
        );
        // `DEBUG = False` in prod wins over base's `True`: no hosts, every request refused.
        assert!(matches!(site.hosts(), Hosts::Refuse(_)));
    }

    #[test]
    fn settings_star_imported_under_an_if_are_not_required() {
        let scan = scan(&[
            (
                "manage.py",
                "import os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'mysite.settings')\n",
            ),
            (
                "mysite/settings.py",
                "import os\nROOT_URLCONF = 'mysite.urls'\nfrom .base import *\n\
                 PRODUCTION = os.environ.get('PRODUCTION') == '1'\n\
                 if PRODUCTION:\n    from .production import *\n",
            ),
            (
                "mysite/base.py",
                "import os\nDB = os.environ['DB_PASSWORD']\n",
            ),
            (
                "mysite/production.py",
                "import os\nSECRET_KEY = os.environ['SECRET_KEY']\n",
            ),
        ]);
        let site = site(&scan).expect("a site");
        let required: Vec<String> = site
            .required_env()
            .into_iter()
            .map(|setting| setting.name)
            .collect();
        assert_eq!(required, ["DB_PASSWORD"]);
    }

    #[test]
    fn the_settings_a_wsgi_package_names_win_over_manage_py() {
        let scan = scan(&[
            (
                "manage.py",
                "import os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'mysite.settings.local')\n",
            ),
            (
                "mysite/wsgi/__init__.py",
                "import os\nos.environ['DJANGO_SETTINGS_MODULE'] = 'mysite.settings.production'\n",
            ),
            ("mysite/settings/__init__.py", "from .base import *\n"),
            ("mysite/settings/base.py", "ROOT_URLCONF = 'mysite.urls'\n"),
            ("mysite/settings/local.py", "from .base import *\n"),
            ("mysite/settings/production.py", "from .base import *\nSTATIC_ROOT = '/srv/static'\n"),
        ]);
        let site = site(&scan).expect("a site");
        assert_eq!(site.settings.module, "mysite.settings.production");
        assert_eq!(site.settings_at, ("mysite/wsgi/__init__.py", 2));
        assert_eq!(
            site.static_root().as_deref(),
            Some("mysite/settings/production.py:2")
        );
    }

    #[test]
    fn allowed_hosts_accept_refuse_or_come_from_the_environment() {
        let hosts = |settings: &str| {
            let scan = scan(&[("mysite/wsgi.py", WSGI), ("mysite/settings.py", settings)]);
            site(&scan).expect("site").hosts()
        };
        assert!(matches!(hosts("ALLOWED_HOSTS = ['*']\n"), Hosts::Accept(_)));
        assert!(matches!(
            hosts("ALLOWED_HOSTS = ['example.com', '127.0.0.1']\n"),
            Hosts::Accept(_)
        ));
        assert!(matches!(
            hosts("DEBUG = True\nALLOWED_HOSTS = []\n"),
            Hosts::Accept(_)
        ));
        assert!(matches!(hosts("DEBUG = True\n"), Hosts::Accept(_)));
        let Hosts::Refuse(reason) = hosts("ALLOWED_HOSTS = ['example.com', 'localhost']\n") else {
            panic!("a literal list without 127.0.0.1 refuses the probe");
        };
        assert!(reason.contains("mysite/settings.py:1"), "{reason}");
        assert!(
            reason.contains("[\"example.com\",\"localhost\"]"),
            "{reason}"
        );
        assert!(matches!(hosts("ALLOWED_HOSTS = []\n"), Hosts::Refuse(_)));
        assert!(matches!(hosts("DEBUG = False\n"), Hosts::Refuse(_)));
        assert!(matches!(
            hosts("ALLOWED_HOSTS = compute()\n"),
            Hosts::Refuse(_)
        ));
        let Hosts::FromEnv { list, at } = hosts(
            "import os\nALLOWED_HOSTS = os.environ.get('DJANGO_ALLOWED_HOSTS', 'localhost').split(',')\n",
        ) else {
            panic!("read from the environment");
        };
        assert_eq!(
            (list.variable.as_str(), list.default.as_deref(), at.as_str()),
            (
                "DJANGO_ALLOWED_HOSTS",
                Some("localhost"),
                "mysite/settings.py:2"
            )
        );
        let Hosts::FromEnv { list, .. } = hosts(
            "import environ\nenv = environ.Env()\nALLOWED_HOSTS = env.list('DJANGO_ALLOWED_HOSTS', default=['example.com'])\n",
        ) else {
            panic!("django-environ's list");
        };
        assert_eq!(
            (
                list.default.as_deref(),
                list.separator.as_deref(),
                list.required
            ),
            (Some("example.com"), Some(","), false)
        );
    }

    #[test]
    fn allowed_hosts_built_from_parts_or_grown_after_are_read_part_by_part() {
        let hosts = |settings: &str| {
            let scan = scan(&[
                ("mysite/wsgi.py", WSGI),
                (
                    "mysite/base.py",
                    "DEFAULT = ['example.com']\nALLOWED_HOSTS = ['example.com']\n",
                ),
                ("mysite/settings.py", settings),
            ]);
            site(&scan).expect("site").hosts()
        };
        let accepts = |settings: &str| matches!(hosts(settings), Hosts::Accept(_));
        assert!(accepts(
            "DEFAULT = ['a.com']\nALLOWED_HOSTS = DEFAULT + ['127.0.0.1']\n"
        ));
        assert!(accepts(
            "LOCAL = ['127.0.0.1']\nALLOWED_HOSTS = ['a.com'] + LOCAL\n"
        ));
        assert!(accepts(
            "ALLOWED_HOSTS = ['a.com']\nALLOWED_HOSTS += ['127.0.0.1']\n"
        ));
        assert!(accepts("from .base import *\nALLOWED_HOSTS += ['*']\n"));
        // Added before the list is assigned again: gone.
        assert!(!accepts(
            "ALLOWED_HOSTS = ['a']\nALLOWED_HOSTS += ['*']\nALLOWED_HOSTS = ['b']\n"
        ));
        let Hosts::Refuse(reason) = hosts("from .base import *\nALLOWED_HOSTS += ['localhost']\n")
        else {
            panic!("no part accepts the probe");
        };
        assert!(reason.contains("mysite/base.py:2"), "{reason}");
        assert!(
            reason.contains("grown at `mysite/settings.py:2`"),
            "{reason}"
        );
        assert!(
            reason.contains("[\"example.com\",\"localhost\"]"),
            "{reason}"
        );
        // A part read from the environment is where the probes' host is added.
        let Hosts::FromEnv { list, at } = hosts(
            "import environ\nenv = environ.Env()\nALLOWED_HOSTS = env.list('HOSTS', default=['a.com']) + ['localhost']\n",
        ) else {
            panic!("read from the environment");
        };
        assert_eq!(
            (list.variable.as_str(), at.as_str()),
            ("HOSTS", "mysite/settings.py:3")
        );
        let Hosts::FromEnv { list, .. } = hosts(
            "import os\nALLOWED_HOSTS = ['a.com']\nALLOWED_HOSTS += os.environ.get('EXTRA_HOSTS', '').split(',')\n",
        ) else {
            panic!("grown from the environment");
        };
        assert_eq!(list.variable, "EXTRA_HOSTS");
        // A part that cannot be read leaves it unknown.
        assert!(matches!(
            hosts("ALLOWED_HOSTS = compute() + ['a.com']\n"),
            Hosts::Refuse(reason) if reason.contains("neither")
        ));
    }

    fn layout(copies_source: bool) -> Layout {
        Layout {
            venv: "/app".into(),
            build_dir: "/src".into(),
            installs_project: !copies_source,
            installs_members: false,
            scm_version: String::new(),
            scm_version_label: false,
            scm_version_env: Vec::new(),
            copies_source,
            from_source: String::new(),
            workdir: if copies_source { "/src" } else { "/app" }.into(),
            run_files: Vec::new(),
            run_dir: "/app/run".into(),
            package: String::new(),
            workspace: false,
            member_manifests: Vec::new(),
            dynamic_dependencies: Vec::new(),
            sync_options: Vec::new(),
        }
    }

    #[test]
    fn static_files_are_collected_when_static_root_is_set() {
        let settings = "import os\nSECRET_KEY = os.environ['DJANGO_SECRET_KEY']\nSTATIC_ROOT = BASE_DIR / 'staticfiles'\n";
        let manage =
            "import os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'mysite.settings')\n";
        let with_manage = scan(&[
            ("manage.py", manage),
            ("mysite/wsgi.py", WSGI),
            ("mysite/settings.py", settings),
        ]);
        let site = site(&with_manage).expect("site");
        let virtual_project = static_files(Some(&site), &layout(true));
        assert!(virtual_project.collect);
        assert_eq!(
            virtual_project.command,
            ["/app/bin/python", "manage.py", "collectstatic", "--noinput"]
        );
        assert_eq!(virtual_project.workdir, "/src");
        let env: Vec<(&str, &str)> = virtual_project
            .env
            .iter()
            .map(|var| (var.name.as_str(), var.value.as_str()))
            .collect();
        assert_eq!(
            env,
            [
                ("DJANGO_SETTINGS_MODULE", "mysite.settings"),
                ("DJANGO_SECRET_KEY", BUILD_PLACEHOLDER)
            ]
        );
        assert!(
            virtual_project.reason.contains("mysite/settings.py:3"),
            "{}",
            virtual_project.reason
        );
        assert_eq!(
            virtual_project.stage.last().map(String::as_str),
            Some(STATIC_STAGING)
        );
        // An installed project has no `manage.py` where it runs.
        let installed = static_files(Some(&site), &layout(false));
        assert_eq!(
            installed.command,
            [
                "/app/bin/python",
                "-m",
                "django",
                "collectstatic",
                "--noinput"
            ]
        );
        assert_eq!(installed.workdir, "/app");
        // No `STATIC_ROOT`, or `None`: nothing to collect.
        for settings in ["DEBUG = False\n", "STATIC_ROOT = None\n"] {
            let scan = scan(&[("mysite/wsgi.py", WSGI), ("mysite/settings.py", settings)]);
            let site = super::site(&scan).expect("site");
            assert!(!static_files(Some(&site), &layout(true)).collect);
        }
        assert!(!static_files(None, &layout(true)).collect);
    }

    #[test]
    fn django_environ_and_decouple_reads_without_a_default_get_placeholders() {
        let placeholders = |settings: &str| {
            let scan = scan(&[("mysite/wsgi.py", WSGI), ("mysite/settings.py", settings)]);
            let site = site(&scan).expect("site");
            let files = static_files(Some(&site), &layout(true));
            assert!(files.collect);
            files
                .env
                .into_iter()
                .skip(1)
                .map(|var| (var.name, var.value))
                .collect::<Vec<_>>()
        };
        let owned = |pairs: &[(&str, &str)]| {
            pairs
                .iter()
                .map(|(name, value)| (name.to_string(), value.to_string()))
                .collect::<Vec<_>>()
        };
        let environ = "import environ\nenv = environ.Env(DEBUG=(bool, False))\n\
            SECRET_KEY = env('SECRET_KEY')\nDEBUG = env('DEBUG')\nSSL = env.bool('SECURE_SSL')\n\
            DATABASES = {'default': env.db()}\nHOST = env.str('EMAIL_HOST', default='localhost')\n\
            NAME = env.str('SITE_NAME')\nWORKERS = env.int('WORKERS', 2)\n\
            STATIC_ROOT = BASE_DIR / 'staticfiles'\n";
        assert_eq!(
            placeholders(environ),
            owned(&[
                ("DATABASE_URL", DATABASE_URL_PLACEHOLDER),
                ("SECRET_KEY", BUILD_PLACEHOLDER),
                ("SECURE_SSL", "false"),
                ("SITE_NAME", BUILD_PLACEHOLDER),
            ])
        );
        let decouple = "from decouple import config\nfrom dj_database_url import parse as db_url\n\
            SECRET_KEY = config('SECRET_KEY')\nDEBUG = config('DEBUG', cast=bool)\n\
            DATABASES = {'default': config('DATABASE_URL', cast=db_url)}\n\
            PORT = config('PORT', default=8000, cast=int)\nSTATIC_ROOT = 'static'\n";
        assert_eq!(
            placeholders(decouple),
            owned(&[
                ("DATABASE_URL", DATABASE_URL_PLACEHOLDER),
                ("DEBUG", "false"),
                ("SECRET_KEY", BUILD_PLACEHOLDER),
            ])
        );
        // A variable read both ways gets the placeholder its typed read needs.
        let both = "import os, environ\nenv = environ.Env()\nURL = os.environ['DATABASE_URL']\n\
            DATABASES = {'default': env.db_url('DATABASE_URL')}\nSTATIC_ROOT = 'static'\n";
        assert_eq!(
            placeholders(both),
            owned(&[("DATABASE_URL", DATABASE_URL_PLACEHOLDER)])
        );
    }

    #[test]
    fn regex_routes_are_literal_or_nothing() {
        let regex = |route: &str, endpoint| literal(Syntax::Regex, route, endpoint);
        assert_eq!(regex("^$", true).as_deref(), Some(""));
        assert_eq!(regex("^health/?$", true).as_deref(), Some("health"));
        assert_eq!(regex(r"^v1\.0/", false).as_deref(), Some("v1.0/"));
        assert_eq!(regex(r"^item/(?P<id>\d+)$", true), None);
        assert_eq!(regex(r"^a\d$", true), None);
        assert_eq!(regex("^x$", false), None);
    }

    #[test]
    fn a_star_import_of_a_settings_module_not_in_the_source_is_an_error() {
        let wsgi =
            "import os\nos.environ.setdefault(\"DJANGO_SETTINGS_MODULE\", \"proj.settings\")\n";
        let chain = |init: &str, with_local: bool| {
            let mut files = vec![
                ("wsgi.py", "wsgi", wsgi.to_string()),
                ("proj/__init__.py", "proj.__init__", String::new()),
                (
                    "proj/settings/__init__.py",
                    "proj.settings.__init__",
                    init.to_string(),
                ),
                (
                    "proj/settings/base.py",
                    "proj.settings.base",
                    "DEBUG = False\n".to_string(),
                ),
            ];
            if with_local {
                files.push((
                    "proj/settings/local.py",
                    "proj.settings.local",
                    String::new(),
                ));
            }
            let triples: Vec<(&str, &str, &str)> = files
                .iter()
                .map(|(file, module, text)| (*file, *module, text.as_str()))
                .collect();
            scan_of_texts(&triples)
        };
        let unguarded = "from .base import *\nfrom .local import *\n";
        let scan = chain(unguarded, false);
        let error = site(&scan).unwrap().check_star_imports().unwrap_err();
        assert_eq!(error.file.as_deref(), Some("proj/settings/__init__.py"));
        assert_eq!(error.line, Some(2));
        assert!(
            error.message.contains("`from .local import *`"),
            "{}",
            error.message
        );
        assert!(
            error.message.contains("`proj/settings/local.py`"),
            "{}",
            error.message
        );
        assert!(error
            .hints
            .iter()
            .any(|hint| hint.contains("except ImportError")));
        // Committed, guarded, or of another distribution: fine.
        let scan = chain(unguarded, true);
        assert!(site(&scan).unwrap().check_star_imports().is_ok());
        let guarded =
            "from .base import *\ntry:\n    from .local import *\nexcept ImportError:\n    pass\n";
        let scan = chain(guarded, false);
        assert!(site(&scan).unwrap().check_star_imports().is_ok());
        let global = "from django.conf.global_settings import *\nfrom .base import *\n";
        let scan = chain(global, false);
        assert!(site(&scan).unwrap().check_star_imports().is_ok());
        // Down the chain: the base module's own star import.
        let scan = chain("from .base import *\n", false);
        assert!(site(&scan).unwrap().check_star_imports().is_ok());
    }
}
