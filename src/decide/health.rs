//! Which URL proves a web app is up: `health-path` from config, else a GET route read from the
//! source (a health-like one first, then `/`, then another route without parameters), else a
//! TCP connect to the port. Kubernetes restarts a pod whose liveness probe gets a 404, so a
//! path the app does not serve is worse than no path at all.

use crate::read::python;
use crate::read::python::{Call, Class};
use crate::read::source::{Framework, Module, SourceScan};

/// A GET route found in the source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Route {
    /// The full path, router prefix included: `/api/healthz`.
    pub path: String,
    /// File relative to the project root.
    pub file: String,
    pub line: u32,
}

/// How the health of a web app is checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Probe {
    /// GET this path; `reason` says where it came from.
    Http { path: String, reason: String },
    /// Connect to the port; `reason` says why no path was chosen.
    Tcp { reason: String },
}

/// Last path segments that name a health endpoint, preferred in this order.
const HEALTH_NAMES: &[&str] = &[
    "healthz",
    "health",
    "health-check",
    "healthcheck",
    "livez",
    "liveness",
    "live",
    "readyz",
    "ping",
    "status",
];

/// Path segments of a GET route that acts rather than shows (signs out, deletes, restarts): a
/// probe sent every few seconds must not be one of them.
const ACTING_NAMES: &[&str] = &[
    "logout",
    "log-out",
    "log_out",
    "signout",
    "sign-out",
    "sign_out",
    "logoff",
    "delete",
    "remove",
    "reset",
    "clear",
    "purge",
    "flush",
    "revoke",
    "unsubscribe",
    "shutdown",
    "restart",
    "reboot",
    "kill",
    "stop",
];

/// Decorator names that declare a GET route when their first argument is a path.
const GET_DECORATORS: &[&str] = &["get"];
/// Decorator names that declare a route for the `methods=` given, GET when none are.
const ROUTE_DECORATORS: &[&str] = &["route", "api_route"];
/// The decorator of an MCP server (`FastMCP`) that adds an HTTP route beside the MCP
/// endpoint, at the root: `@mcp.custom_route("/healthz", methods=["GET"])`. Its `methods`
/// are required, so it is a GET route only when they name GET.
const CUSTOM_ROUTE: &str = "custom_route";

/// The `methods` of a `custom_route` decorator: the keyword, else the second positional
/// argument.
fn custom_route_methods(decorator: &python::Decorator) -> Vec<String> {
    if !decorator.methods.is_empty() {
        return decorator.methods.clone();
    }
    match decorator
        .call
        .as_ref()
        .and_then(|call| call.arg(1, "methods"))
    {
        Some(python::Value::StrList(methods)) => methods.clone(),
        _ => Vec::new(),
    }
}

/// Keyword arguments that give a router or blueprint its path prefix.
const PREFIX_KWARGS: &[&str] = &["prefix", "url_prefix", "path"];

/// Every GET route read from decorators and route lists, in source order.
pub fn get_routes(scan: &SourceScan) -> Vec<Route> {
    let mut routes = Vec::new();
    let includes = includes(scan);
    for module in &scan.modules {
        let facts = &module.facts;
        for function in &facts.functions {
            for decorator in &function.decorators {
                let (Some(callee), Some(path)) = (&decorator.callee, &decorator.first_str) else {
                    continue;
                };
                let (object, name) = match callee.rsplit_once('.') {
                    Some((object, name)) => (Some(object), name),
                    None => (None, callee.as_str()),
                };
                let get = |methods: &[String]| {
                    methods
                        .iter()
                        .any(|method| method.eq_ignore_ascii_case("GET"))
                };
                let is_get = GET_DECORATORS.contains(&name)
                    || (ROUTE_DECORATORS.contains(&name)
                        && (decorator.methods.is_empty() || get(&decorator.methods)))
                    || (name == CUSTOM_ROUTE && get(&custom_route_methods(decorator)));
                if !is_get {
                    continue;
                }
                if callee.starts_with("litestar.") {
                    // A Litestar handler sits below its controller's `path`, and below the
                    // `Router(path=...)` whose `route_handlers` list it or its controller.
                    let (owner, own) = match &function.class {
                        Some(class) => {
                            let qualname = function
                                .qualname
                                .strip_suffix(&format!(".{}", function.name))
                                .unwrap_or(class);
                            let found = facts
                                .classes
                                .iter()
                                .find(|found| found.qualname == qualname);
                            let path = found.and_then(|found| found.string("path"));
                            // A controller path that is not a literal hides its handlers.
                            let hidden = found.is_some_and(|found| {
                                path.is_none() && found.others.iter().any(|name| name == "path")
                            });
                            if hidden {
                                continue;
                            }
                            (qualname.to_string(), path.unwrap_or_default().to_string())
                        }
                        None => (function.qualname.clone(), String::new()),
                    };
                    let owner = (module.module.clone(), owner);
                    for prefix in prefixes(scan, &includes, &owner, 0) {
                        routes.push(Route {
                            path: litestar_join(&concat(&prefix, &own), path),
                            file: module.file.clone(),
                            line: decorator.line,
                        });
                    }
                    continue;
                }
                routes.extend(below_prefixes(
                    scan,
                    &includes,
                    module,
                    object,
                    path,
                    decorator.line,
                ));
            }
        }
        for entry in &facts.routes {
            let is_route = entry
                .callee
                .as_deref()
                .is_some_and(|callee| callee.rsplit('.').next() == Some("Route"));
            // Below the paths of the `Mount`s around it, and of the mounts of the app that
            // holds it; a mount whose path is not a literal hides it.
            let (true, Some(within), Some(path)) = (is_route, &entry.within, &entry.path) else {
                continue;
            };
            let outer = match (&entry.owner, &entry.owner_name) {
                (python::RouteOwner::Call(Some(callee)), Some(name))
                    if callee.rsplit('.').next() != Some("Mount") =>
                {
                    prefixes(scan, &includes, &(module.module.clone(), name.clone()), 0)
                }
                _ => vec![String::new()],
            };
            for prefix in outer {
                routes.push(Route {
                    path: join(&concat(&prefix, within), path),
                    file: module.file.clone(),
                    line: entry.line,
                });
            }
        }
    }
    routes.extend(registered_routes(scan, &includes));
    routes.extend(aiohttp_routes(scan));
    // Django's routes are in `urlpatterns`, below the settings' `ROOT_URLCONF`.
    if let Some(site) = super::django::site(scan) {
        routes.extend(site.routes());
    }
    routes
}

/// GET routes added by a call rather than a decorator, at module level or in a function:
/// Flask's `app.add_url_rule(rule, ...)`, FastAPI's `app.add_api_route(path, endpoint, ...)`
/// and, in a module that imports Starlette or FastAPI, Starlette's `app.add_route(path,
/// endpoint, ...)`. GET when their `methods=` name it or are not given (each one's default); a
/// literal path only, below the prefixes of the object's includes, as a decorator's.
fn registered_routes(scan: &SourceScan, includes: &[Include]) -> Vec<Route> {
    let mut routes = Vec::new();
    for module in &scan.modules {
        let starlette = imports(module, "starlette") || imports(module, "fastapi");
        for call in calls(module) {
            let Some((object, name)) = call.callee.as_deref().and_then(|c| c.rsplit_once('.'))
            else {
                continue;
            };
            let path = match name {
                "add_url_rule" => call.arg(0, "rule"),
                "add_api_route" => call.arg(0, "path"),
                "add_route" if starlette => call.arg(0, "path"),
                _ => continue,
            };
            let Some(path) = path.and_then(python::Value::as_str) else {
                continue;
            };
            let get = match call.kwarg("methods") {
                None => true,
                Some(python::Value::StrList(methods)) => methods
                    .iter()
                    .any(|method| method.eq_ignore_ascii_case("GET")),
                Some(_) => false,
            };
            if get {
                let object = Some(object);
                routes.extend(below_prefixes(
                    scan, includes, module, object, path, call.line,
                ));
            }
        }
    }
    routes
}

/// The route at `path` of the router or app that `object` names in `module`, below each of its
/// prefixes: its own and those of every chain of includes above it (none for an object that is
/// not followed).
fn below_prefixes<'a>(
    scan: &SourceScan,
    includes: &[Include],
    module: &'a Module,
    object: Option<&str>,
    path: &'a str,
    line: u32,
) -> impl Iterator<Item = Route> + 'a {
    let prefixes = match object.and_then(|object| resolve(scan, module, object)) {
        Some(router) => prefixes(scan, includes, &router, 0),
        None => vec![String::new()],
    };
    prefixes.into_iter().map(move |prefix| Route {
        path: join(&prefix, path),
        file: module.file.clone(),
        line,
    })
}

/// The calls of `module` at module level and in its functions.
fn calls(module: &Module) -> impl Iterator<Item = &Call> {
    let in_functions = module.facts.functions.iter().flat_map(|f| &f.calls);
    module.facts.module_calls.iter().chain(in_functions)
}

/// Whether `module` imports `package` or one of its modules.
fn imports(module: &Module, package: &str) -> bool {
    module.facts.imports.iter().any(|import| {
        import
            .target
            .strip_prefix(package)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('.'))
    })
}

/// aiohttp's GET routes registered by a call, in modules that import aiohttp:
/// `app.router.add_get(path, handler)`, `app.router.add_route("GET", path, handler)` (or
/// `"*"`), and `web.get(path, handler)` or `web.route("GET", path, handler)` in a list given to
/// `app.add_routes`. A literal path only. None when any sub-application is added
/// (`app.add_subapp(prefix, sub)`): its routes are served below a prefix not followed here.
fn aiohttp_routes(scan: &SourceScan) -> Vec<Route> {
    let subapp = scan.modules.iter().any(|module| {
        calls(module).any(|call| {
            call.callee
                .as_deref()
                .is_some_and(|callee| callee.rsplit('.').next() == Some("add_subapp"))
        })
    });
    if subapp {
        return Vec::new();
    }
    let mut routes = Vec::new();
    for module in &scan.modules {
        if !imports(module, "aiohttp") {
            continue;
        }
        for call in calls(module) {
            let Some(callee) = call.callee.as_deref() else {
                continue;
            };
            let get = |index: usize| call.arg(index, "method").and_then(python::Value::as_str);
            let is_get = |method: &str| method.eq_ignore_ascii_case("GET") || method == "*";
            let path = match callee.rsplit_once('.') {
                Some(("aiohttp.web", "get")) => call.arg(0, "path"),
                Some(("aiohttp.web", "route")) if get(0).is_some_and(is_get) => call.arg(1, "path"),
                Some((object, "add_get")) if object.ends_with("router") => call.arg(0, "path"),
                Some((object, "add_route"))
                    if object.ends_with("router") && get(0).is_some_and(is_get) =>
                {
                    call.arg(1, "path")
                }
                _ => None,
            };
            if let Some(path) = path.and_then(python::Value::as_str) {
                routes.push(Route {
                    path: path.to_string(),
                    file: module.file.clone(),
                    line: call.line,
                });
            }
        }
    }
    routes
}

/// A router, app or blueprint object: the module that assigns it and its name there.
type Object = (String, String);

/// `into.include_router(router, prefix=...)`, `into.register_blueprint(router,
/// url_prefix=...)` or `into.mount(path, app)`, at module level or inside a function; a
/// `Mount(path, app=router)` in a route list; a name in the `route_handlers` of Litestar's
/// `Router(path=...)` (or `Litestar(...)`).
struct Include {
    router: Object,
    into: Object,
    /// `None` when the prefix is not a string the source spells out.
    prefix: Option<String>,
    /// Flask's `url_prefix` at registration replaces the blueprint's own.
    replaces_own: bool,
}

/// Deepest chain of includes (and of re-exports) followed.
const MAX_INCLUDE_DEPTH: usize = 8;

fn includes(scan: &SourceScan) -> Vec<Include> {
    let mut found = Vec::new();
    for module in &scan.modules {
        let facts = &module.facts;
        let calls = facts
            .module_calls
            .iter()
            .chain(facts.functions.iter().flat_map(|function| &function.calls));
        for call in calls {
            let Some((object, method)) = call.callee.as_deref().and_then(|c| c.rsplit_once('.'))
            else {
                continue;
            };
            let (router_at, router_keyword, prefix_keyword) = match method {
                "include_router" => (0, "router", "prefix"),
                "register_blueprint" => (0, "blueprint", "url_prefix"),
                "mount" => (1, "app", "path"),
                _ => continue,
            };
            let router = match call.arg(router_at, router_keyword) {
                Some(python::Value::Name(name) | python::Value::Attribute(name)) => {
                    resolve(scan, module, name)
                }
                _ => None,
            };
            let (Some(router), Some(into)) = (router, resolve(scan, module, object)) else {
                continue;
            };
            let value = if method == "mount" {
                call.arg(0, prefix_keyword)
            } else {
                call.kwarg(prefix_keyword)
            };
            found.push(Include {
                router,
                into,
                prefix: match value {
                    None => Some(String::new()),
                    Some(value) => text_of(scan, module, value),
                },
                replaces_own: method == "register_blueprint" && value.is_some(),
            });
        }
        // An owner bound to no name is an object of its own, with no includes above it.
        let owner = |name: &Option<String>, line: u32| match name {
            Some(name) => (module.module.clone(), name.clone()),
            None => (module.module.clone(), format!("<line {line}>")),
        };
        for entry in &facts.routes {
            let (Some(app), Some(within), Some(path)) = (&entry.app, &entry.within, &entry.path)
            else {
                continue;
            };
            if let Some(router) = resolve(scan, module, app) {
                found.push(Include {
                    router,
                    into: owner(&entry.owner_name, entry.line),
                    prefix: Some(concat(within, path)),
                    replaces_own: false,
                });
            }
        }
        for list in &facts.handler_lists {
            // A named router's own `path` is read from its assignment, as a prefix's is.
            let prefix = match &list.owner_name {
                Some(_) => String::new(),
                None => list.path.clone().unwrap_or_default(),
            };
            for handler in &list.handlers {
                if let Some(router) = resolve(scan, module, handler) {
                    found.push(Include {
                        router,
                        into: owner(&list.owner_name, list.line),
                        prefix: Some(prefix.clone()),
                        replaces_own: false,
                    });
                }
            }
        }
    }
    found
}

/// The class `object` (a name used in `module`) is an instance of: [`SourceScan::instance_of`].
pub(super) fn instance_of<'a>(
    scan: &'a SourceScan,
    module: &'a Module,
    object: &str,
) -> Option<(&'a Module, &'a Class, &'a Call)> {
    scan.instance_of(module, object)
}

/// The object a name used in `module` stands for: [`SourceScan::object_of`].
pub(super) fn resolve(
    scan: &SourceScan,
    module: &crate::read::source::Module,
    name: &str,
) -> Option<Object> {
    scan.object_of(module, name)
}

/// Every full prefix of `router`'s routes: its own (`APIRouter(prefix=...)`), below each
/// chain of includes that reaches it.
fn prefixes(scan: &SourceScan, includes: &[Include], router: &Object, depth: usize) -> Vec<String> {
    let own = scan
        .module(&router.0)
        .and_then(|module| {
            module
                .facts
                .assignments
                .iter()
                .find(|assignment| assignment.target == router.1)
        })
        .and_then(|assignment| {
            let is_router = assignment
                .call
                .callee
                .as_deref()
                .is_some_and(|callee| callee.rsplit('.').next() == Some("Router"));
            let value = PREFIX_KWARGS
                .iter()
                .find_map(|name| assignment.call.kwarg(name))
                .or_else(|| assignment.call.args.first().filter(|_| is_router))?;
            let module = scan.module(&router.0)?;
            Some(text_of(scan, module, value))
        });
    // A prefix the source does not spell out hides the router's routes: a guess would be a
    // path the app does not serve.
    let own = match own {
        Some(Some(own)) => own,
        Some(None) => return Vec::new(),
        None => String::new(),
    };
    let own = own.as_str();
    let above: Vec<&Include> = includes
        .iter()
        .filter(|include| &include.router == router)
        .collect();
    if above.is_empty() || depth >= MAX_INCLUDE_DEPTH {
        return vec![own.to_string()];
    }
    let mut found = Vec::new();
    for include in above {
        let own = if include.replaces_own { "" } else { own };
        let Some(between) = &include.prefix else {
            continue;
        };
        for outer in prefixes(scan, includes, &include.into, depth + 1) {
            let prefix = concat(&concat(&outer, between), own);
            if !found.contains(&prefix) {
                found.push(prefix);
            }
        }
    }
    found
}

/// The text of a prefix as the source spells it: [`SourceScan::text_of`].
fn text_of(
    scan: &SourceScan,
    module: &crate::read::source::Module,
    value: &python::Value,
) -> Option<String> {
    scan.text_of(module, value)
}

/// Two prefixes one after the other; an empty one adds nothing, not even a `/`.
fn concat(outer: &str, inner: &str) -> String {
    match (outer.is_empty(), inner.is_empty()) {
        (_, true) => outer.to_string(),
        (true, false) => inner.to_string(),
        (false, false) => join(outer, inner),
    }
}

/// `prefix` + `path`, with one `/` between them and one in front.
fn join(prefix: &str, path: &str) -> String {
    let prefix = prefix.trim_end_matches('/');
    let path = path.trim_start_matches('/');
    let joined = format!("{prefix}/{path}");
    if joined.starts_with('/') {
        joined
    } else {
        format!("/{joined}")
    }
}

/// A Litestar handler's path below its prefix: Litestar serves `/x` and `/x/` alike, so a
/// handler at `/` of a controller at `/health` is `/health`.
fn litestar_join(prefix: &str, path: &str) -> String {
    let joined = join(prefix, path);
    match joined.trim_end_matches('/') {
        "" => "/".to_string(),
        trimmed => trimmed.to_string(),
    }
}

/// Whether a path takes no parameters and is safe to put in a probe.
fn is_plain(path: &str) -> bool {
    path.starts_with('/')
        && path.len() <= 200
        && path
            .chars()
            .all(|ch| ch.is_ascii_alphanumeric() || matches!(ch, '/' | '-' | '_' | '.' | '~'))
}

/// As [`decide`], with the endpoint the command's server serves itself (`/_stcore/health`
/// for Streamlit) and why: it comes after `configured` and before any route of the source,
/// since it answers whatever routes the app declares.
pub fn decide_with(
    scan: &SourceScan,
    configured: Option<(&str, &str)>,
    server_own: Option<(&str, &str)>,
    framework: Option<Framework>,
) -> Probe {
    match (configured, server_own) {
        (None, Some((path, reason))) => Probe::Http {
            path: path.to_string(),
            reason: reason.to_string(),
        },
        _ => decide_for(scan, configured, framework),
    }
}

/// The OpenAPI document the framework serves by itself, and why: FastAPI's `/openapi.json`,
/// Litestar's `/schema/openapi.json`. It answers without the app's own code (no database, no
/// login), so it comes before any other route but a health route and the root. A constructor
/// that moves it is followed where the source spells the new path out: FastAPI's
/// `openapi_url=` ([`fastapi_document`]), Litestar's `OpenAPIConfig(path=...)`
/// ([`litestar_document`]). `None` when one turns it off or moves it where the source does not
/// say, when two constructors disagree, or when the framework has none.
fn framework_document(scan: &SourceScan, framework: Option<Framework>) -> Option<(String, String)> {
    let (constructors, name, default, _) = framework_app(framework?)?;
    // Every application the source builds must serve its document at one path.
    let mut found: Option<String> = None;
    for (module, call) in built_apps(scan, constructors) {
        let path = match framework? {
            Framework::Fastapi => match call.kwarg("openapi_url") {
                None => default.to_string(),
                Some(value) => fastapi_document(scan, module, value)?,
            },
            _ => match call.kwarg("openapi_config") {
                None => default.to_string(),
                Some(value) => litestar_document(scan, module, value)?,
            },
        };
        if !is_plain(&path) || found.as_ref().is_some_and(|seen| *seen != path) {
            return None;
        }
        found = Some(path);
    }
    let path = found.unwrap_or_else(|| default.to_string());
    Some((
        path,
        format!("the OpenAPI document {name} serves by itself, which runs none of the app's code"),
    ))
}

/// The constructors of a framework's application, its name, where it serves its OpenAPI
/// document by default and the constructor's keyword for checks every route runs first;
/// `None` for a framework without one.
fn framework_app(
    framework: Framework,
) -> Option<(
    &'static [&'static str],
    &'static str,
    &'static str,
    &'static str,
)> {
    match framework {
        Framework::Fastapi => Some((
            &["fastapi.FastAPI", "fastapi.applications.FastAPI"],
            "FastAPI",
            "/openapi.json",
            "dependencies",
        )),
        Framework::Litestar => Some((
            &["litestar.Litestar", "litestar.app.Litestar"],
            "Litestar",
            "/schema/openapi.json",
            "guards",
        )),
        _ => None,
    }
}

/// Every call of one of `constructors` in the source: at module level, in an assignment or in
/// a function, with the module it is in.
fn built_apps<'a>(
    scan: &'a SourceScan,
    constructors: &'a [&'a str],
) -> impl Iterator<Item = (&'a Module, &'a Call)> + 'a {
    scan.modules.iter().flat_map(move |module| {
        let facts = &module.facts;
        facts
            .assignments
            .iter()
            .map(|assignment| &assignment.call)
            .chain(&facts.module_calls)
            .chain(facts.functions.iter().flat_map(|function| &function.calls))
            .filter(move |call| {
                call.callee
                    .as_deref()
                    .is_some_and(|callee| constructors.contains(&callee))
            })
            .map(move |call| (module, call))
    })
}

/// Where the source builds its application with checks that run before every route of its
/// own: FastAPI's `dependencies=[Depends(...)]`, Litestar's `guards=[...]`, as an app that wants
/// a token everywhere has them. None of its routes is a probe then (a request without the
/// token gets 401 or 422), but the framework's document answers without them. `file:line` of
/// the first such constructor.
fn guarded_app(scan: &SourceScan, framework: Option<Framework>) -> Option<String> {
    let (constructors, name, _, keyword) = framework_app(framework?)?;
    built_apps(scan, constructors).find_map(|(module, call)| match call.kwarg(keyword)? {
        python::Value::NoneLiteral => None,
        python::Value::StrList(items) if items.is_empty() => None,
        _ => Some(format!(
            "{name}({keyword}=...)` in `{}:{}",
            module.file, call.line
        )),
    })
}

/// Where FastAPI's `openapi_url=` puts the document: a string the source spells out
/// ([`text_of`]), or the branch of `url if flag else None` that the defaults of the flag take,
/// when it is not `None`. `None` when it is off or unknown.
fn fastapi_document(scan: &SourceScan, module: &Module, value: &python::Value) -> Option<String> {
    match value {
        python::Value::Conditional {
            then,
            condition,
            otherwise,
        } => match truth_of(scan, module, condition)? {
            true => fastapi_document(scan, module, then),
            false => fastapi_document(scan, module, otherwise),
        },
        _ => text_of(scan, module, value).filter(|path| path.starts_with('/')),
    }
}

/// Where Litestar's `openapi_config=OpenAPIConfig(...)` (or a name bound to one) puts the
/// document: `openapi.json` below its `path=` (`/schema` by default). `None` when the config
/// may move or leave it out (its own controller or router, `enabled_endpoints` without it),
/// or is not read.
fn litestar_document(scan: &SourceScan, module: &Module, value: &python::Value) -> Option<String> {
    let config = match value {
        python::Value::Call(call) => call.as_ref(),
        python::Value::Name(name) | python::Value::Attribute(name) => {
            let (owner, variable) = resolve(scan, module, name)?;
            &scan
                .module(&owner)?
                .facts
                .assignments
                .iter()
                .rev()
                .find(|assignment| assignment.target == variable)?
                .call
        }
        _ => return None,
    };
    let is_config = config
        .callee
        .as_deref()
        .is_some_and(|callee| callee.rsplit('.').next() == Some("OpenAPIConfig"));
    if !is_config
        || config.kwarg("openapi_controller").is_some()
        || config.kwarg("openapi_router").is_some()
    {
        return None;
    }
    if let Some(endpoints) = config.kwarg("enabled_endpoints") {
        match endpoints {
            python::Value::StrList(names) if names.iter().any(|n| n == "openapi.json") => {}
            _ => return None,
        }
    }
    let path = match config.kwarg("path") {
        None => "/schema".to_string(),
        Some(path) => text_of(scan, module, path).filter(|path| path.starts_with('/'))?,
    };
    Some(join(&path, "openapi.json"))
}

/// The truth a condition has by the source's defaults: `True`, an upper-case constant, or a
/// settings field's literal default (`settings.SWAGGER_UI_ENABLED: bool = True`).
fn truth_of(scan: &SourceScan, module: &Module, value: &python::Value) -> Option<bool> {
    let literal = |value: Option<&python::Value>| match value? {
        python::Value::Bool(truth) => Some(*truth),
        _ => None,
    };
    match value {
        python::Value::Bool(truth) => Some(*truth),
        python::Value::Name(name) => {
            let (owner, name) = resolve(scan, module, name)?;
            let owner = scan.module(&owner)?;
            let constant = owner
                .facts
                .constants
                .iter()
                .rev()
                .find(|c| c.name == name)?;
            literal(Some(&constant.value))
        }
        python::Value::Attribute(dotted) => {
            let (object, attribute) = dotted.rsplit_once('.')?;
            if let Some(owner) = scan.module(object) {
                let constant = owner
                    .facts
                    .constants
                    .iter()
                    .rev()
                    .find(|c| c.name == attribute)?;
                return literal(Some(&constant.value));
            }
            let (_, class, _) = instance_of(scan, module, object)?;
            let field = class
                .fields
                .iter()
                .rev()
                .find(|field| field.name == attribute)?;
            literal(field.value.as_ref())
        }
        _ => None,
    }
}

/// The health probe for a web app whose source is `scan`; `configured` is `health-path`
/// from config or flag, already checked.
pub fn decide(scan: &SourceScan, configured: Option<(&str, &str)>) -> Probe {
    decide_for(scan, configured, None)
}

/// As [`decide`], for an app of `framework`: after a health route and the root, the document
/// the framework serves itself ([`framework_document`]) comes before the app's other routes.
fn decide_for(
    scan: &SourceScan,
    configured: Option<(&str, &str)>,
    framework: Option<Framework>,
) -> Probe {
    if let Some((path, origin)) = configured {
        return Probe::Http {
            path: path.to_string(),
            reason: format!("given with {origin}"),
        };
    }
    let routes: Vec<Route> = get_routes(scan)
        .into_iter()
        .filter(|route| is_plain(&route.path))
        .collect();
    let found = |route: &Route, what: &str| Probe::Http {
        path: route.path.clone(),
        reason: format!("{what} GET route in `{}:{}`", route.file, route.line),
    };
    if let Some(guard) = guarded_app(scan, framework) {
        if let Some((path, reason)) = framework_document(scan, framework) {
            return Probe::Http {
                path,
                reason: format!(
                    "{reason}: every route of the app's own runs the checks of `{guard}` first, which refuse a request without credentials"
                ),
            };
        }
    }
    for name in HEALTH_NAMES {
        let mut matching: Vec<&Route> = routes
            .iter()
            .filter(|route| route.path.trim_end_matches('/').rsplit('/').next() == Some(name))
            .collect();
        matching.sort_by_key(|route| route.path.len());
        if let Some(route) = matching.first() {
            return found(route, "health");
        }
    }
    if let Some(route) = routes.iter().find(|route| route.path == "/") {
        return found(route, "the root");
    }
    if let Some((path, reason)) = framework_document(scan, framework) {
        return Probe::Http { path, reason };
    }
    let acts = |route: &&Route| {
        route
            .path
            .split('/')
            .any(|segment| ACTING_NAMES.contains(&segment.to_ascii_lowercase().as_str()))
    };
    let mut others: Vec<&Route> = routes.iter().filter(|route| !acts(route)).collect();
    others.sort_by(|a, b| a.path.len().cmp(&b.path.len()).then(a.path.cmp(&b.path)));
    if let Some(route) = others.first() {
        return found(route, "a parameterless");
    }
    let mut reason =
        "no GET route without parameters was found in the source, so the probe connects to the port"
            .to_string();
    if let Some(note) = scan.cut_note() {
        reason.push_str(&format!(" ({note})"));
    }
    Probe::Tcp { reason }
}

/// The image's health check, exec form, run inside the container with the venv's Python:
/// `urllib` for a path, a socket connect for TCP, so the image needs no curl.
pub fn check_command(python: &str, port: u16, probe: &Probe) -> Vec<String> {
    let code = match probe {
        Probe::Http { path, .. } => format!(
            "import urllib.request; urllib.request.urlopen('http://127.0.0.1:{port}{path}', timeout=3)"
        ),
        Probe::Tcp { .. } => {
            format!("import socket; socket.create_connection(('127.0.0.1', {port}), 3).close()")
        }
    };
    vec![python.to_string(), "-c".into(), code]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scan_of(files: &[(&str, &str)]) -> SourceScan {
        let named: Vec<(&str, String, &str)> = files
            .iter()
            .map(|(file, text)| (*file, file.trim_end_matches(".py").replace('/', "."), *text))
            .collect();
        let triples: Vec<(&str, &str, &str)> = named
            .iter()
            .map(|(file, module, text)| (*file, module.as_str(), *text))
            .collect();
        crate::read::source::scan_of_texts(&triples)
    }

    fn path_of(probe: Probe) -> String {
        match probe {
            Probe::Http { path, .. } => path,
            Probe::Tcp { .. } => "tcp".into(),
        }
    }

    #[test]
    fn prefers_a_health_route_then_root_then_another() {
        let scan = scan_of(&[(
            "app/main.py",
            "app = FastAPI()\n@app.get('/')\ndef root(): pass\n@app.get('/items')\ndef items(): pass\n@app.get('/healthz')\ndef h(): pass\n",
        )]);
        let probe = decide(&scan, None);
        assert_eq!(
            probe,
            Probe::Http {
                path: "/healthz".into(),
                reason: "health GET route in `app/main.py:6`".into()
            }
        );
        let scan = scan_of(&[(
            "m.py",
            "@app.get('/items')\ndef items(): pass\n@app.get('/')\ndef root(): pass\n",
        )]);
        assert_eq!(path_of(decide(&scan, None)), "/");
        let scan = scan_of(&[(
            "m.py",
            "@app.get('/items/{id}')\ndef item(): pass\n@app.get('/items')\ndef items(): pass\n",
        )]);
        assert_eq!(path_of(decide(&scan, None)), "/items");
    }

    #[test]
    fn the_framework_s_own_document_comes_before_other_routes_and_acting_routes_never() {
        let app = "from fastapi import FastAPI\napp = FastAPI(title='x')\n\
                   @app.get('/items')\ndef items(): pass\n\
                   @app.get('/auth/logout')\ndef out(): pass\n";
        let probe = decide_for(&scan_of(&[("m.py", app)]), None, Some(Framework::Fastapi));
        assert_eq!(path_of(probe), "/openapi.json");
        // The root still wins, as a health route does.
        let rooted = format!("{app}@app.get('/')\ndef root(): pass\n");
        let probe = decide_for(
            &scan_of(&[("m.py", &rooted)]),
            None,
            Some(Framework::Fastapi),
        );
        assert_eq!(path_of(probe), "/");
        // Turned off or moved: the app's own routes, never one that signs out or deletes.
        let off =
            "from fastapi import FastAPI\ndef create():\n    return FastAPI(openapi_url=None)\n\
                   @app.get('/a/logout')\ndef out(): pass\n\
                   @app.get('/cache/clear')\ndef clear(): pass\n\
                   @app.get('/users')\ndef users(): pass\n";
        let probe = decide_for(&scan_of(&[("m.py", off)]), None, Some(Framework::Fastapi));
        assert_eq!(path_of(probe), "/users");
        let only_acting =
            "@app.get('/logout')\ndef out(): pass\n@app.get('/Stop')\ndef s(): pass\n";
        assert_eq!(
            path_of(decide(&scan_of(&[("m.py", only_acting)]), None)),
            "tcp"
        );
        // Litestar serves its document below `/schema`, unless configured otherwise.
        let litestar =
            "from litestar import Litestar, get\n@get('/items')\ndef items() -> None: ...\n\
                        app = Litestar(route_handlers=[items])\n";
        let probe = decide_for(
            &scan_of(&[("m.py", litestar)]),
            None,
            Some(Framework::Litestar),
        );
        assert_eq!(path_of(probe), "/schema/openapi.json");
        let configured = litestar.replace("[items])", "[items], openapi_config=None)");
        let probe = decide_for(
            &scan_of(&[("m.py", &configured)]),
            None,
            Some(Framework::Litestar),
        );
        assert_eq!(path_of(probe), "/items");
        // Other frameworks serve no such document.
        let flask = "@app.get('/items')\ndef items(): pass\n";
        let probe = decide_for(&scan_of(&[("m.py", flask)]), None, Some(Framework::Flask));
        assert_eq!(path_of(probe), "/items");
    }

    #[test]
    fn an_app_whose_every_route_checks_a_token_is_probed_at_its_document() {
        let app = |args: &str| {
            format!(
                "from fastapi import Depends, FastAPI\nfrom .dependencies import get_query_token\n\
                 app = FastAPI({args})\n@app.get('/')\nasync def root(): pass\n\
                 @app.get('/healthz')\nasync def health(): pass\n"
            )
        };
        let probe_of = |args: &str| {
            decide_for(
                &scan_of(&[("app/main.py", &app(args))]),
                None,
                Some(Framework::Fastapi),
            )
        };
        let probe = probe_of("dependencies=[Depends(get_query_token)]");
        assert_eq!(path_of(probe.clone()), "/openapi.json");
        let Probe::Http { reason, .. } = probe else {
            unreachable!()
        };
        assert!(
            reason.contains("FastAPI(dependencies=...)` in `app/main.py:3`"),
            "{reason}"
        );
        // No checks, or no document to fall back on: the app's own health route.
        assert_eq!(path_of(probe_of("dependencies=[]")), "/healthz");
        assert_eq!(path_of(probe_of("")), "/healthz");
        assert_eq!(
            path_of(probe_of(
                "dependencies=[Depends(get_query_token)], openapi_url=None"
            )),
            "/healthz"
        );
        let litestar =
            "from litestar import Litestar, get\n@get('/')\nasync def root() -> str: ...\n\
                        app = Litestar(route_handlers=[root], guards=[requires_token])\n";
        let probe = decide_for(
            &scan_of(&[("app.py", litestar)]),
            None,
            Some(Framework::Litestar),
        );
        assert_eq!(path_of(probe), "/schema/openapi.json");
    }

    #[test]
    fn a_moved_openapi_document_is_followed_where_the_source_spells_it() {
        let fastapi = |url: &str| {
            let config = "from pydantic_settings import BaseSettings\nclass Settings(BaseSettings):\n    API_V1_STR: str = '/api/v1'\n    DOCS: bool = True\n    HIDDEN: bool = False\n    NAMED: str\nsettings = Settings()\n";
            let main = format!("from fastapi import FastAPI\nfrom app.config import settings\napp = FastAPI(openapi_url={url})\n@app.get('/posts/')\ndef posts(): pass\n");
            let scan = scan_of(&[("app/config.py", config), ("app/main.py", &main)]);
            path_of(decide_for(&scan, None, Some(Framework::Fastapi)))
        };
        assert_eq!(fastapi("'/docs/openapi.json'"), "/docs/openapi.json");
        assert_eq!(
            fastapi("f'{settings.API_V1_STR}/openapi.json'"),
            "/api/v1/openapi.json"
        );
        assert_eq!(
            fastapi("f'{settings.API_V1_STR}/openapi.json' if settings.DOCS else None"),
            "/api/v1/openapi.json"
        );
        // Off by default, or unknown: the app's own route.
        assert_eq!(
            fastapi("f'{settings.API_V1_STR}/openapi.json' if settings.HIDDEN else None"),
            "/posts/"
        );
        assert_eq!(fastapi("'/o.json' if flag else None"), "/posts/");
        assert_eq!(fastapi("f'{settings.NAMED}/openapi.json'"), "/posts/");
        assert_eq!(fastapi("None"), "/posts/");
        let litestar = |config: &str| {
            let app = format!("from litestar import Litestar, get\nfrom litestar.openapi import OpenAPIConfig\n@get('/tasks/{{task_id:int}}')\nasync def task(task_id: int) -> dict: ...\nDOCS = OpenAPIConfig(title='x', path='/named')\napp = Litestar(route_handlers=[task], openapi_config={config})\n");
            let scan = scan_of(&[("app.py", &app)]);
            path_of(decide_for(&scan, None, Some(Framework::Litestar)))
        };
        assert_eq!(
            litestar("OpenAPIConfig(title='x', version='1')"),
            "/schema/openapi.json"
        );
        assert_eq!(
            litestar("OpenAPIConfig(title='x', path='/docs')"),
            "/docs/openapi.json"
        );
        assert_eq!(litestar("DOCS"), "/named/openapi.json");
        assert_eq!(
            litestar("OpenAPIConfig(title='x', openapi_controller=Mine)"),
            "tcp"
        );
        assert_eq!(
            litestar("OpenAPIConfig(title='x', enabled_endpoints={'swagger'})"),
            "tcp"
        );
        assert_eq!(litestar("None"), "tcp");
    }

    #[test]
    fn a_route_with_parameters_is_never_chosen() {
        let scan = scan_of(&[("m.py", "@app.get('/healthz/{id}')\ndef h(id): pass\n")]);
        assert_eq!(path_of(decide(&scan, None)), "tcp");
        let scan = scan_of(&[("m.py", "@bp.route('/health/<name>')\ndef h(name): pass\n")]);
        assert_eq!(path_of(decide(&scan, None)), "tcp");
    }

    #[test]
    fn methods_prefixes_and_route_lists() {
        // A POST-only route is not a probe target; a Flask route without methods is GET.
        let scan = scan_of(&[(
            "m.py",
            "@app.route('/health', methods=['POST'])\ndef a(): pass\n@app.route('/ping')\ndef b(): pass\n",
        )]);
        assert_eq!(path_of(decide(&scan, None)), "/ping");
        let scan = scan_of(&[(
            "m.py",
            "router = APIRouter(prefix='/api/')\n@router.get('/status')\ndef s(): pass\n",
        )]);
        assert_eq!(path_of(decide(&scan, None)), "/api/status");
        let scan = scan_of(&[(
            "m.py",
            "from starlette.routing import Route, Mount\napp = Starlette(routes=[Route('/healthz', h), Mount('/x', routes=[Route('/ping', p)])])\n",
        )]);
        assert_eq!(path_of(decide(&scan, None)), "/healthz");
        let scan = scan_of(&[(
            "m.py",
            "from litestar import get\n@get('/readyz')\nasync def r() -> str: ...\n",
        )]);
        assert_eq!(path_of(decide(&scan, None)), "/readyz");
    }

    #[test]
    fn an_mcp_server_s_custom_get_route_is_a_probe_target() {
        let scan = scan_of(&[(
            "m.py",
            "from fastmcp import FastMCP\nmcp = FastMCP('d')\n@mcp.custom_route('/healthz', methods=['GET'])\nasync def h(request): ...\n",
        )]);
        assert_eq!(path_of(decide(&scan, None)), "/healthz");
        // The methods given positionally.
        let scan = scan_of(&[(
            "m.py",
            "mcp = FastMCP('d')\n@mcp.custom_route('/ping', ['GET', 'HEAD'])\nasync def h(request): ...\n",
        )]);
        assert_eq!(path_of(decide(&scan, None)), "/ping");
        // A POST-only custom route is none; with no route the probe connects to the port.
        let scan = scan_of(&[(
            "m.py",
            "mcp = FastMCP('d')\n@mcp.custom_route('/health', methods=['POST'])\nasync def h(request): ...\n",
        )]);
        assert!(matches!(decide(&scan, None), Probe::Tcp { .. }));
    }

    #[test]
    fn included_routers_carry_their_include_prefix_across_modules() {
        // `from pkg import module`, then `module.router`, at module level.
        let scan = scan_of(&[
            (
                "app/main.py",
                "from fastapi import FastAPI\nfrom app.routers import health\napp = FastAPI()\napp.include_router(health.router, prefix='/health')\n",
            ),
            (
                "app/routers/health.py",
                "from fastapi import APIRouter\nrouter = APIRouter()\n@router.get('/')\ndef h(): return {}\n",
            ),
        ]);
        assert_eq!(
            decide(&scan, None),
            Probe::Http {
                path: "/health/".into(),
                reason: "health GET route in `app/routers/health.py:3`".into()
            }
        );
        // A relative import under an alias, included inside a factory, and the router's own
        // prefix below the include prefix.
        let scan = scan_of(&[
            (
                "app/main.py",
                "from .api import router as api_router\ndef create_app():\n    app = FastAPI()\n    app.include_router(api_router, prefix='/api')\n    return app\n",
            ),
            (
                "app/api.py",
                "router = APIRouter(prefix='/v1')\n@router.get('/items')\ndef items(): pass\n",
            ),
        ]);
        assert_eq!(path_of(decide(&scan, None)), "/api/v1/items");
        // A router included in a router that is included in turn, re-exported by a package.
        let scan = scan_of(&[
            (
                "svc/main.py",
                "from svc.routes import api\napp = FastAPI()\napp.include_router(api, prefix='/api')\n",
            ),
            ("svc/routes/__init__.py", "from .top import api\n"),
            (
                "svc/routes/top.py",
                "from . import ops\napi = APIRouter()\napi.include_router(ops.router, prefix='/ops')\n",
            ),
            (
                "svc/routes/ops.py",
                "router = APIRouter()\n@router.get('/livez')\ndef l(): pass\n",
            ),
        ]);
        assert_eq!(path_of(decide(&scan, None)), "/api/ops/livez");
        // Flask: `url_prefix` of `register_blueprint` replaces the blueprint's own.
        let scan = scan_of(&[
            (
                "site/app.py",
                "from site.ops import bp\napp = Flask(__name__)\napp.register_blueprint(bp, url_prefix='/ops')\n",
            ),
            (
                "site/ops.py",
                "bp = Blueprint('ops', __name__, url_prefix='/old')\n@bp.route('/ping')\ndef p(): pass\n",
            ),
        ]);
        assert_eq!(path_of(decide(&scan, None)), "/ops/ping");
    }

    fn paths_of(scan: &SourceScan) -> Vec<String> {
        get_routes(scan)
            .into_iter()
            .map(|route| route.path)
            .collect()
    }

    #[test]
    fn aiohttp_routes_from_the_router_route_lists_and_route_tables() {
        let app = "from aiohttp import web\nroutes = web.RouteTableDef()\n@routes.get('/table')\nasync def t(request): ...\n@routes.post('/posted')\nasync def p(request): ...\ndef make():\n    app = web.Application()\n    app.router.add_get('/ping', ping)\n    app.router.add_post('/write', w)\n    app.router.add_route('GET', '/health', h)\n    app.router.add_route('POST', '/form', f)\n    app.router.add_route('*', '/any', a)\n    app.add_routes([web.get('/', index), web.post('/in', i), web.route('get', '/r', r), web.get(PATH, x)])\n    app.add_routes(routes)\n    app.router.add_get(f'/{name}', n)\n    return app\n";
        let scan = scan_of(&[("m.py", app)]);
        assert_eq!(
            paths_of(&scan),
            ["/table", "/ping", "/health", "/any", "/", "/r"]
        );
        assert_eq!(path_of(decide(&scan, None)), "/health");
        // Without aiohttp, an `add_get` is some other library's.
        let scan = scan_of(&[(
            "m.py",
            "def make(app):\n    app.router.add_get('/ping', ping)\n",
        )]);
        assert_eq!(paths_of(&scan), Vec::<String>::new());
        // A sub-application serves its routes below a prefix this does not follow: none.
        let sub = "from aiohttp import web\nsub = web.Application()\nsub.router.add_get('/health', h)\napp = web.Application()\napp.add_subapp('/api/', sub)\n";
        let scan = scan_of(&[("m.py", sub)]);
        assert_eq!(paths_of(&scan), Vec::<String>::new());
    }

    #[test]
    fn routes_added_by_a_call_are_routes() {
        let flask = "from flask import Flask, Blueprint\nbp = Blueprint('ops', __name__)\nbp.add_url_rule('/live', view_func=live)\ndef create_app():\n    app = Flask(__name__)\n    app.add_url_rule('/form', 'form', form, methods=['POST'])\n    app.add_url_rule(rule='/ready', view_func=ready, methods=['GET', 'HEAD'])\n    app.add_url_rule(RULE, view_func=x)\n    app.register_blueprint(bp, url_prefix='/ops')\n    return app\n";
        let scan = scan_of(&[("m.py", flask)]);
        assert_eq!(paths_of(&scan), ["/ops/live", "/ready"]);
        let fastapi = "from fastapi import FastAPI, APIRouter\nrouter = APIRouter(prefix='/api')\nrouter.add_api_route('/items', items)\nrouter.add_api_route('/items', create, methods=['POST'])\napp = FastAPI()\napp.add_api_route('/healthz', health)\napp.add_route('/metrics', metrics)\napp.include_router(router)\n";
        let scan = scan_of(&[("m.py", fastapi)]);
        assert_eq!(paths_of(&scan), ["/api/items", "/healthz", "/metrics"]);
        assert_eq!(path_of(decide(&scan, None)), "/healthz");
        // `add_route` of a library other than Starlette's is not read.
        let other = "import falcon\napp = falcon.App()\napp.add_route('/things', things)\n";
        assert_eq!(paths_of(&scan_of(&[("m.py", other)])), Vec::<String>::new());
    }

    #[test]
    fn a_router_or_app_bound_by_another_name_keeps_its_prefixes() {
        let scan = scan_of(&[
            (
                "app/main.py",
                "from fastapi import FastAPI\nfrom app.routes import api_router\n\napi = FastAPI()\napp = api\napp.include_router(api_router, prefix='/api')\n",
            ),
            (
                "app/routes.py",
                "from fastapi import APIRouter\nfrom app import ops\nrouter = APIRouter(prefix='/v1')\napi_router = router\n@router.get('/healthz')\ndef h(): pass\nops_router = ops.router\n",
            ),
            (
                "app/ops.py",
                "from fastapi import APIRouter\nrouter = APIRouter(prefix='/ops')\n@router.get('/ping')\ndef p(): pass\n",
            ),
            ("app/__init__.py", ""),
        ]);
        // `ops.router` has no include: its own prefix only.
        assert_eq!(paths_of(&scan), ["/api/v1/healthz", "/ops/ping"]);
    }

    #[test]
    fn an_import_inside_a_function_does_not_hide_the_app_it_shares_a_name_with() {
        let scan = scan_of(&[
            (
                "app/main.py",
                "from fastapi import FastAPI\nfrom app.routers import root\n\nasync def lifespan(app: FastAPI):\n    import app.models\n    yield\n\napp = FastAPI(lifespan=lifespan)\napp.include_router(root.router, prefix='/api/v1')\n",
            ),
            (
                "app/routers/root.py",
                "router = APIRouter()\n@router.get('/')\ndef r(): pass\n@router.get('/health/liveness')\ndef l(): pass\n",
            ),
            ("app/models.py", ""),
        ]);
        assert_eq!(paths_of(&scan), ["/api/v1/", "/api/v1/health/liveness"]);
        assert_eq!(path_of(decide(&scan, None)), "/api/v1/health/liveness");
    }

    #[test]
    fn prefixes_from_constants_and_settings_and_none_from_what_is_not_spelled_out() {
        let scan = scan_of(&[
            (
                "app/main.py",
                "from fastapi import FastAPI\nfrom app.core.config import settings, API_PREFIX\nfrom app.core import config\nfrom app.api import api_router\nfrom app import ops, other, misc\napp = FastAPI()\napp.include_router(api_router, prefix=settings.API_V1_STR)\napp.include_router(ops.router, prefix=API_PREFIX)\napp.include_router(other.router, prefix=config.OTHER)\napp.include_router(misc.router, prefix=make_prefix())\n",
            ),
            (
                "app/core/config.py",
                "from pydantic_settings import BaseSettings\nAPI_PREFIX = '/ops'\nOTHER = '/other'\nclass Settings(BaseSettings):\n    API_V1_STR: str = '/api/v1'\n    NAME = 'x'\nsettings = Settings()\n",
            ),
            (
                "app/api.py",
                "from app.core.config import settings\napi_router = APIRouter()\n@api_router.get('/utils/health-check/')\ndef h(): pass\n",
            ),
            (
                "app/ops.py",
                "router = APIRouter()\n@router.get('/ping')\ndef p(): pass\n",
            ),
            (
                "app/other.py",
                "router = APIRouter(prefix=PREFIX)\n@router.get('/status')\ndef s(): pass\n",
            ),
            (
                "app/misc.py",
                "router = APIRouter()\n@router.get('/healthz')\ndef z(): pass\n",
            ),
        ]);
        assert_eq!(
            paths_of(&scan),
            ["/api/v1/utils/health-check/", "/ops/ping"]
        );
        assert_eq!(path_of(decide(&scan, None)), "/api/v1/utils/health-check/");
    }

    #[test]
    fn starlette_mounts_prefix_their_routes_and_the_apps_they_mount() {
        let scan = scan_of(&[(
            "m.py",
            "from starlette.routing import Route, Mount\nPREFIX = '/p'\napp = Starlette(routes=[\n    Mount('/api', routes=[Route('/healthz', h)]),\n    Mount(path='/v1/', routes=[Mount('/inner', routes=[Route('/ping', p)])]),\n    Mount(PREFIX, routes=[Route('/status', s)]),\n])\n",
        )]);
        assert_eq!(paths_of(&scan), ["/api/healthz", "/v1/inner/ping"]);
        assert_eq!(path_of(decide(&scan, None)), "/api/healthz");
        // A sub-application mounted with `app.mount` or `Mount(app=...)`, across modules.
        let scan = scan_of(&[
            (
                "svc/main.py",
                "from fastapi import FastAPI\nfrom svc.api import api\nfrom svc import ops\napp = FastAPI()\napp.mount('/v1', api)\nroot = Starlette(routes=[Mount('/ops', app=ops.app)])\n",
            ),
            (
                "svc/api.py",
                "api = FastAPI()\n@api.get('/healthz')\ndef h(): pass\n",
            ),
            (
                "svc/ops.py",
                "app = Starlette(routes=[Route('/ping', p)])\n",
            ),
        ]);
        assert_eq!(paths_of(&scan), ["/v1/healthz", "/ops/ping"]);
    }

    #[test]
    fn litestar_handlers_sit_below_their_controller_and_router_paths() {
        let scan = scan_of(&[(
            "app.py",
            "from litestar import Controller, Litestar, Router, get\n\nclass HealthController(Controller):\n    path = '/health'\n\n    @get()\n    async def check(self) -> dict: ...\n\n    @get('/ready')\n    async def ready(self) -> dict: ...\n\n@get(path='/items')\nasync def items() -> list: ...\n\napi = Router(path='/api', route_handlers=[HealthController, items])\napp = Litestar(route_handlers=[api])\n\nclass Hidden(Controller):\n    path = urls.HIDDEN\n    @get('/healthz')\n    async def h(self) -> str: ...\n",
        )]);
        assert_eq!(
            paths_of(&scan),
            ["/api/health", "/api/health/ready", "/api/items"]
        );
        assert_eq!(path_of(decide(&scan, None)), "/api/health");
        // An unnamed router, a positional path, and a controller from another module.
        let scan = scan_of(&[
            (
                "svc/app.py",
                "from litestar import Litestar, Router\nfrom svc.controllers import Ops\nfrom svc import handlers\napp = Litestar(route_handlers=[Router(path='/v1', route_handlers=[Ops]), Router('/v2', route_handlers=[handlers.ping])])\n",
            ),
            (
                "svc/controllers.py",
                "import litestar\nclass Ops(litestar.Controller):\n    path = '/ops'\n    @litestar.get('/livez')\n    def livez(self) -> str: ...\n",
            ),
            (
                "svc/handlers.py",
                "from litestar import get\n@get('/ping/')\ndef ping() -> str: ...\n",
            ),
        ]);
        assert_eq!(paths_of(&scan), ["/v1/ops/livez", "/v2/ping"]);
    }

    #[test]
    fn the_servers_own_endpoint_comes_after_configuration_and_before_routes() {
        let scan = scan_of(&[("m.py", "@app.get('/healthz')\ndef h(): pass\n")]);
        let own = Some(("/_stcore/health", "Streamlit's own health endpoint"));
        assert_eq!(
            path_of(decide_with(&scan, None, own, None)),
            "/_stcore/health"
        );
        assert_eq!(
            path_of(decide_with(
                &scan,
                Some(("/ready", "`--health-path`")),
                own,
                None
            )),
            "/ready"
        );
        assert_eq!(path_of(decide_with(&scan, None, None, None)), "/healthz");
    }

    #[test]
    fn django_routes_come_from_root_urlconf() {
        let scan = scan_of(&[
            (
                "mysite/wsgi.py",
                "import os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'mysite.settings')\napplication = get_wsgi_application()\n",
            ),
            ("mysite/settings.py", "ROOT_URLCONF = 'mysite.urls'\n"),
            (
                "mysite/urls.py",
                "from django.urls import path, include\nurlpatterns = [path('', views.index), path('ops/', include('ops.urls'))]\n",
            ),
            ("ops/urls.py", "urlpatterns = [path('healthz/', views.healthz)]\n"),
        ]);
        assert_eq!(
            decide(&scan, None),
            Probe::Http {
                path: "/ops/healthz/".into(),
                reason: "health GET route in `ops/urls.py:1`".into()
            }
        );
    }

    #[test]
    fn configuration_wins_and_nothing_known_means_tcp() {
        let scan = scan_of(&[("m.py", "@app.get('/healthz')\ndef h(): pass\n")]);
        assert_eq!(
            path_of(decide(&scan, Some(("/ready", "`--health-path`")))),
            "/ready"
        );
        assert_eq!(path_of(decide(&SourceScan::default(), None)), "tcp");
        let tcp = check_command(
            "/venv/bin/python",
            8080,
            &decide(&SourceScan::default(), None),
        );
        assert!(
            tcp[2].contains("create_connection(('127.0.0.1', 8080), 3)"),
            "{tcp:?}"
        );
    }
}
