//! The settings an app cannot start without, read from the modules of its source: a variable
//! read when a module is imported with no way to do without it (`os.environ["KEY"]`, a
//! django-environ or python-decouple read with no default, `os.getenv("KEY")` followed by an
//! `if not KEY: sys.exit(...)`), the same reads in a function that runs at start (the factory
//! or console-script entry the command names, a top-level function a module calls at import,
//! and the project's functions those call, [`MAX_CALL_DEPTH`] deep), and the fields with no
//! default of a pydantic-settings class the code instantiates at start, and of the settings
//! classes its fields' defaults instantiate. A module the project imports only under an `if`
//! is not counted. Each with the `file:line` that requires it and a stand-in of the type the
//! code reads, which only `verify`'s runs are given.

use crate::model::RequiredSetting;
use crate::read::python::{Call, Class, ClassField, EnvRead, EnvReadKind, Function, Value};
use crate::read::source::{Module, SourceScan};
use std::collections::BTreeSet;

pub mod flask;
pub mod stand_in;

/// The stand-in of a setting read as a plain string.
pub const STAND_IN: &str = "verify-stand-in";

/// A database URL a framework can configure a database from without connecting to it.
pub const DATABASE_URL_STAND_IN: &str = "sqlite:////tmp/collectstatic.sqlite3";

/// Classes whose subclasses read their fields from the environment when instantiated.
const SETTINGS_BASES: &[&str] = &[
    "pydantic_settings.BaseSettings",
    "pydantic_settings.main.BaseSettings",
    "pydantic.BaseSettings",
    "pydantic.v1.BaseSettings",
    "pydantic.env_settings.BaseSettings",
];

/// Deepest chain of settings classes followed through their bases.
const MAX_BASE_DEPTH: usize = 8;

/// A value of the type `cast` reads (a django-environ method, a cast function, or the builtin
/// an `os.environ` read is passed to): one the cast accepts. `None` for a plain string.
pub fn typed_stand_in(cast: Option<&str>) -> Option<&'static str> {
    let cast = cast?;
    // A cast function imported by name: `dj_database_url.parse`, `decimal.Decimal`.
    let last = cast.rsplit('.').next().unwrap_or(cast);
    let value = match (cast, last) {
        (_, "bool" | "strtobool") => "false",
        (_, "int" | "float" | "Decimal") => "0",
        ("db" | "db_url" | "dj_database_url.parse" | "dj_database_url.config", _) => {
            DATABASE_URL_STAND_IN
        }
        ("cache" | "cache_url", _) => "locmemcache://",
        ("email" | "email_url", _) => "consolemail://",
        ("search_url", _) => "simple://",
        ("channels" | "channels_url", _) => "inmemory://",
        ("url", _) => "http://localhost/",
        ("json", _) => "{}",
        ("dict", _) => "stand-in=stand-in",
        ("path", _) => "/tmp",
        _ => return None,
    };
    Some(value)
}

/// A value pydantic accepts for a field annotated `annotation`: a number for `int` (positive
/// for `PositiveInt`), `false` for `bool`, a URL of the scheme of a URL or DSN type, JSON for a
/// collection (pydantic-settings parses those as JSON), a UUID, a date or time, an address.
/// `None` for a string, or a type not known here.
pub fn annotation_stand_in(annotation: &str) -> Option<&'static str> {
    let core = core_type(annotation);
    let head = core.split('[').next().unwrap_or(core);
    let head = head.rsplit('.').next().unwrap_or(head);
    let value = match head {
        "PostgresDsn" | "PostgreSQLDsn" => "postgresql://stand-in:stand-in@localhost:5432/stand-in",
        "CockroachDsn" => "cockroachdb://stand-in:stand-in@localhost:26257/stand-in",
        "MySQLDsn" => "mysql://stand-in:stand-in@localhost:3306/stand-in",
        "MariaDBDsn" => "mariadb://stand-in:stand-in@localhost:3306/stand-in",
        "RedisDsn" => "redis://localhost:6379/0",
        "MongoDsn" => "mongodb://localhost:27017/stand-in",
        "AmqpDsn" => "amqp://localhost:5672/",
        "KafkaDsn" => "kafka://localhost:9092",
        "NatsDsn" => "nats://localhost:4222",
        "ClickHouseDsn" => "clickhouse://localhost:8123/stand-in",
        "AnyUrl" | "AnyHttpUrl" | "HttpUrl" | "Url" | "AnyWebsocketUrl" => "http://localhost/",
        "WebsocketUrl" => "ws://localhost/",
        "FileUrl" => "file:///tmp",
        "EmailStr" | "NameEmail" => "stand-in@example.com",
        "IPvAnyAddress" | "IPv4Address" => "127.0.0.1",
        "bool" | "StrictBool" => "false",
        "int" | "float" | "Decimal" | "NonNegativeInt" | "NonNegativeFloat" | "StrictInt"
        | "StrictFloat" | "timedelta" => "0",
        "PositiveInt" | "PositiveFloat" => "1",
        "UUID" | "UUID4" => "00000000-0000-4000-8000-000000000000",
        "datetime" | "AwareDatetime" => "2000-01-01T00:00:00+00:00",
        "NaiveDatetime" => "2000-01-01T00:00:00",
        "date" => "2000-01-01",
        "time" => "00:00:00",
        "IPv6Address" => "::1",
        "IPvAnyNetwork" | "IPv4Network" | "IPvAnyInterface" | "IPv4Interface" => "127.0.0.0/8",
        "dict" | "Dict" | "Mapping" => "{}",
        "list" | "List" | "set" | "Set" | "tuple" | "Tuple" | "Sequence" | "frozenset" => "[]",
        "Path" | "DirectoryPath" => "/tmp",
        _ => return None,
    };
    Some(value)
}

/// The type inside `Optional[...]`, `Annotated[X, ...]`, `Union[X, None]` and `X | None`.
fn core_type(annotation: &str) -> &str {
    let mut text = annotation.trim();
    for _ in 0..8 {
        let unwrapped = ["Optional[", "Annotated[", "Union["]
            .iter()
            .find_map(|prefix| {
                let at = text.find(prefix)?;
                // `typing.Optional[` too, but not `MyOptional[`.
                let before = &text[..at];
                (before.is_empty() || before.ends_with('.'))
                    .then(|| text[at + prefix.len()..].strip_suffix(']'))
                    .flatten()
            });
        let inner = unwrapped.unwrap_or(text);
        let first = top_level(inner)
            .into_iter()
            .find(|part| *part != "None" && !part.is_empty())
            .unwrap_or(inner);
        if first == text {
            break;
        }
        text = first;
    }
    text
}

/// The parts of `text` split at its top-level `,` and `|`.
fn top_level(text: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let (mut depth, mut start) = (0i32, 0);
    for (at, c) in text.char_indices() {
        match c {
            '[' | '(' => depth += 1,
            ']' | ')' => depth -= 1,
            ',' | '|' if depth == 0 => {
                parts.push(text[start..at].trim());
                start = at + 1;
            }
            _ => {}
        }
    }
    parts.push(text[start..].trim());
    parts
}

/// Every setting the modules of `scan` require at start, sorted by name, each once (a read
/// that says its type wins over one that does not). `command` is what the image runs: the
/// factory it names (`--factory pkg.main:create_app`, `"pkg:create_app()"`) runs at start.
pub fn required(scan: &SourceScan, command: &[String]) -> Vec<RequiredSetting> {
    let started = started_functions(scan, command);
    let conditional = imported_only_under_if(scan, command);
    let mut found = Vec::new();
    for module in &scan.modules {
        for read in &module.facts.env_reads {
            if read.function.is_none() && conditional.contains(module.module.as_str()) {
                continue;
            }
            let in_started = read
                .function
                .is_some_and(|def| started.contains(&(module.file.as_str(), def)));
            found.extend(required_read(module, read, in_started));
        }
    }
    found.extend(settings_fields(scan, &started));
    // A variable the code sets itself at start is no longer missing.
    let set: Vec<&str> = scan
        .modules
        .iter()
        .flat_map(|module| &module.facts.env_reads)
        .filter(|read| {
            read.at_start
                && matches!(
                    read.kind,
                    EnvReadKind::EnvironSetdefault | EnvReadKind::EnvironAssign
                )
        })
        .filter_map(|read| read.name.as_deref())
        .collect();
    found.retain(|setting| !set.contains(&setting.name.as_str()));
    merge(found)
}

/// The modules the project imports only under an `if` (`if PRODUCTION: from .production
/// import *`, `if TYPE_CHECKING:`), which may never be imported, and which `command` does not
/// name (`pkg.main:app`, `-m pkg.main`). A module imported nowhere is not one of them.
fn imported_only_under_if<'a>(scan: &'a SourceScan, command: &[String]) -> BTreeSet<&'a str> {
    let named = |module: &str| {
        command.iter().any(|word| {
            let word = word
                .rsplit_once('=')
                .map_or(word.as_str(), |(_, value)| value);
            let path = word.split_once(':').map_or(word, |(path, _)| path);
            path == module || path.starts_with(&format!("{module}."))
        })
    };
    let names: std::collections::HashMap<&str, &str> = scan
        .modules
        .iter()
        .map(|module| (module.module.as_str(), module.module.as_str()))
        .collect();
    let mut conditional = BTreeSet::new();
    let mut always = BTreeSet::new();
    for importer in &scan.modules {
        for import in &importer.facts.imports {
            let Some(target) = import.absolute(&importer.module, importer.is_package) else {
                continue;
            };
            let under_if = importer.facts.conditional_imports.contains(&import.line);
            // `import a.b` and `from a.b import c` import `a` and `a.b` (and maybe `a.b.c`).
            let ends = target.match_indices('.').map(|(at, _)| at);
            for end in ends.chain([target.len()]) {
                let Some(&name) = names.get(&target[..end]) else {
                    continue;
                };
                if name == importer.module {
                    continue;
                }
                if under_if {
                    conditional.insert(name);
                } else {
                    always.insert(name);
                }
            }
        }
    }
    conditional
        .into_iter()
        .filter(|name| !always.contains(name) && !named(name))
        .collect()
}

/// Sorted by name, each once: a typed stand-in wins over a plain one, else the first found.
pub fn merge(mut found: Vec<RequiredSetting>) -> Vec<RequiredSetting> {
    found.retain(|setting| is_variable_name(&setting.name));
    found.sort_by_key(|setting| (setting.name.clone(), setting.stand_in == STAND_IN));
    found.dedup_by(|later, first| later.name == first.name);
    found
}

/// A name a shell can `export` and compose can pass.
pub fn is_variable_name(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// A read the start cannot do without: `os.environ["KEY"]`, a django-environ or python-decouple
/// read with no default, and a `getenv` with nothing to fall back on that an exit guard of the
/// same scope (the module, or the function's own body) stops without. `in_function` is a read
/// in the body of a function that runs at start; else the read must run at import.
fn required_read(module: &Module, read: &EnvRead, in_function: bool) -> Option<RequiredSetting> {
    let name = read.name.as_ref()?;
    if read.in_try || !(in_function || read.at_start) {
        return None;
    }
    let empty = match &read.default {
        None => true,
        Some(Value::Str(text)) => text.is_empty(),
        Some(Value::NoneLiteral) => true,
        _ => false,
    };
    // A guard of the same scope: the module's, or the function's own.
    let guard = || {
        module.facts.exit_guards.iter().find(|guard| {
            guard.function == read.function
                && (guard.env.as_deref() == Some(name)
                    || (guard.variable.is_some() && guard.variable == read.bound_to))
        })
    };
    let place = if in_function {
        ", in a function that runs at start"
    } else {
        ""
    };
    let reason = match read.kind {
        EnvReadKind::EnvironSubscript if in_function => {
            format!("`os.environ[\"{name}\"]` in a function that runs at start")
        }
        EnvReadKind::EnvironSubscript => format!("`os.environ[\"{name}\"]` when it is imported"),
        EnvReadKind::EnvironGet | EnvReadKind::Getenv => {
            let guard = guard().filter(|_| empty)?;
            let stops = if in_function {
                "the function that runs at start"
            } else {
                "the import"
            };
            format!(
                "read with no value to fall back on, and `{}:{}` stops {stops} without it",
                module.file, guard.line
            )
        }
        EnvReadKind::EnvironEnv if read.default.is_none() => format!(
            "read with django-environ, no default{place}: it raises `ImproperlyConfigured` without it"
        ),
        EnvReadKind::DecoupleConfig if read.default.is_none() => format!(
            "read with python-decouple, no default{place}: it raises `UndefinedValueError` without it"
        ),
        _ => return None,
    };
    Some(RequiredSetting {
        name: name.clone(),
        at: format!("{}:{}", module.file, read.line),
        stand_in: typed_stand_in(read.cast.as_deref())
            .unwrap_or(STAND_IN)
            .to_string(),
        reason,
    })
}

/// Deepest chain of the project's own functions followed from one that runs at start.
const MAX_CALL_DEPTH: usize = 4;

/// The top-level functions that run at start, as (file, line of the `def`): those a module
/// calls at import (`app = create_app()`, `config = load_config()`, not under its `__main__`
/// guard), those the `__main__` guard of a module run with `-m` calls, the factory or entry
/// function `command` names as `module:function` or `module:function()`, and the top-level
/// functions of the project those call, across modules, [`MAX_CALL_DEPTH`] calls deep.
fn started_functions<'a>(scan: &'a SourceScan, command: &[String]) -> BTreeSet<(&'a str, u32)> {
    let top_level = |module: &'a Module, name: &str| {
        module
            .facts
            .functions
            .iter()
            .find(move |function| function.class.is_none() && function.qualname == name)
            .map(move |function| (module, function))
    };
    // `create_app()` of the module itself, or of a module it imports.
    let callees = |module: &'a Module, callee: &str| -> Vec<(&'a Module, &'a Function)> {
        let (path, name) = callee.rsplit_once('.').unwrap_or(("", callee));
        let path = path.trim_start_matches('.');
        scan.modules
            .iter()
            .filter(|owner| {
                if path.is_empty() {
                    owner.file == module.file
                } else {
                    owner.module == path || owner.module.ends_with(&format!(".{path}"))
                }
            })
            .filter_map(|owner| top_level(owner, name))
            .collect()
    };
    let mut next: Vec<(&Module, &Function)> = Vec::new();
    for module in &scan.modules {
        let calls = module.facts.module_calls.iter().filter(|call| {
            !module
                .facts
                .main_calls
                .iter()
                .any(|main| main.line == call.line && main.callee == call.callee)
        });
        for callee in calls.filter_map(|call| call.callee.as_deref()) {
            next.extend(callees(module, callee));
        }
    }
    for (at, word) in command.iter().enumerate() {
        if at > 0 && command[at - 1] == "-m" {
            let run = [word.clone(), format!("{word}.__main__")];
            for module in scan
                .modules
                .iter()
                .filter(|module| run.contains(&module.module))
            {
                for callee in module
                    .facts
                    .main_calls
                    .iter()
                    .filter_map(|call| call.callee.as_deref())
                {
                    next.extend(callees(module, callee));
                }
            }
            continue;
        }
        let word = word
            .rsplit_once('=')
            .map_or(word.as_str(), |(_, value)| value);
        let word = word.split_once('(').map_or(word, |(head, _)| head);
        let Some((path, name)) = word.split_once(':') else {
            continue;
        };
        let owners = scan.modules.iter().filter(|owner| owner.module == path);
        next.extend(owners.filter_map(|owner| top_level(owner, name)));
    }
    let mut started = BTreeSet::new();
    for _ in 0..=MAX_CALL_DEPTH {
        let mut called = Vec::new();
        for (module, function) in next.drain(..) {
            if !started.insert((module.file.as_str(), function.line)) {
                continue;
            }
            for callee in function
                .calls
                .iter()
                .filter_map(|call| call.callee.as_deref())
            {
                called.extend(callees(module, callee));
            }
        }
        next = called;
    }
    started
}

/// A settings class and its settings parents (nearest first), each with its module.
struct SettingsClass<'a> {
    class: &'a Class,
    own: Vec<(&'a Module, &'a Class)>,
    /// The field of another settings class whose default instantiates this one:
    /// `` the field `bot` of `Settings` ``; `None` for a class the code instantiates itself.
    via: Option<String>,
}

/// Deepest chain of settings classes followed through fields whose default instantiates
/// another one.
const MAX_NESTED_DEPTH: usize = 4;

/// The fields with no default of each pydantic-settings class instantiated at start.
fn settings_fields(scan: &SourceScan, started: &BTreeSet<(&str, u32)>) -> Vec<RequiredSetting> {
    let classes: Vec<(&Module, &Class)> = scan
        .modules
        .iter()
        .flat_map(|module| {
            module
                .facts
                .classes
                .iter()
                .map(move |class| (module, class))
        })
        .filter(|(_, class)| !class.qualname.contains('.'))
        .collect();
    let by_name = |name: &str| -> Option<(&Module, &Class)> {
        let last = name.rsplit('.').next().unwrap_or(name);
        classes
            .iter()
            .find(|(_, class)| class.name == last)
            .copied()
    };
    // The chain of bases up to a settings base; `None` when it never reaches one.
    let chain = |module, class| -> Option<Vec<(&Module, &Class)>> {
        let mut parents = vec![(module, class)];
        let mut current: &Class = class;
        for _ in 0..MAX_BASE_DEPTH {
            if current
                .bases
                .iter()
                .any(|base| SETTINGS_BASES.contains(&base.as_str()))
            {
                return Some(parents);
            }
            let parent = current
                .bases
                .iter()
                .filter_map(|base| by_name(base))
                .find(|(_, parent)| !std::ptr::eq(*parent, current))?;
            parents.push(parent);
            current = parent.1;
        }
        None
    };
    let started = started_names(scan, started);
    let mut queue: Vec<(&Module, &Class, Option<String>, usize)> = classes
        .iter()
        .filter(|(_, class)| started.contains(&class.name))
        .map(|(module, class)| (*module, *class, None, 0))
        .rev()
        .collect();
    let mut seen: Vec<&Class> = Vec::new();
    let mut found = Vec::new();
    while let Some((module, class, via, depth)) = queue.pop() {
        if seen.iter().any(|done| std::ptr::eq(*done, class)) {
            continue;
        }
        seen.push(class);
        let Some(own) = chain(module, class) else {
            continue;
        };
        let settings = SettingsClass { class, own, via };
        let (required, nested) = class_required(&settings);
        found.extend(required);
        if depth >= MAX_NESTED_DEPTH {
            continue;
        }
        for (field, name) in nested.into_iter().rev() {
            if let Some((owner, inner)) = by_name(&name) {
                let via = format!("the field `{field}` of `{}`", class.name);
                queue.push((owner, inner, Some(via), depth + 1));
            }
        }
    }
    found
}

/// The class a field's default instantiates when its owner is instantiated, by name: the
/// `default_factory` of `Field(default_factory=BotConfig)`, the callee of a default
/// `BotConfig()`, else the annotation's type when the default is something other than
/// `None` (`Field(default_factory=lambda: BotConfig())`). `None` for no default or `None`.
fn nested_class(field: &ClassField, field_call: Option<&Call>) -> Option<String> {
    let default = match field_call {
        Some(call) => call
            .kwarg("default_factory")
            .or_else(|| call.kwarg("default"))
            .or(call.args.first())?,
        None => field.value.as_ref()?,
    };
    let factory = field_call.is_some_and(|call| call.kwarg("default_factory").is_some());
    match default {
        Value::NoneLiteral | Value::Ellipsis => None,
        Value::Name(name) | Value::Attribute(name) if factory => Some(name.clone()),
        Value::Call(call) if call.callee.is_some() => call.callee.clone(),
        _ => {
            let core = core_type(&field.annotation);
            let head = core.split('[').next().unwrap_or(core);
            (!head.is_empty()).then(|| head.to_string())
        }
    }
}

/// The last segments of what the modules call at start (`Settings` of `settings =
/// Settings()`), of what the functions so called call (`get_settings()` returning
/// `Settings()`), and of what the functions that run at start call (`started`).
fn started_names(scan: &SourceScan, started: &BTreeSet<(&str, u32)>) -> BTreeSet<String> {
    let last = |callee: &str| {
        callee
            .rsplit('.')
            .next()
            .unwrap_or(callee)
            .trim_end_matches("()")
            .to_string()
    };
    let mut names: BTreeSet<String> = scan
        .modules
        .iter()
        .flat_map(|module| &module.facts.module_calls)
        .filter_map(|call| call.callee.as_deref())
        .map(last)
        .collect();
    let called: Vec<String> = scan
        .modules
        .iter()
        .flat_map(|module| &module.facts.functions)
        .filter(|function| function.class.is_none() && names.contains(&function.name))
        .flat_map(|function| &function.calls)
        .filter_map(|call| call.callee.as_deref())
        .map(last)
        .collect();
    names.extend(called);
    let run: Vec<String> = scan
        .modules
        .iter()
        .flat_map(|module| {
            module
                .facts
                .functions
                .iter()
                .filter(|function| started.contains(&(module.file.as_str(), function.line)))
        })
        .flat_map(|function| &function.calls)
        .filter_map(|call| call.callee.as_deref())
        .map(last)
        .collect();
    names.extend(run);
    names
}

/// The fields with no default of a settings class and its parents, and the fields whose
/// default instantiates another class, as (field, class name).
fn class_required(settings: &SettingsClass<'_>) -> (Vec<RequiredSetting>, Vec<(String, String)>) {
    // A prefix the code computes: the names are not known, and none is named.
    let Some(naming) = env_naming(&settings.own) else {
        return (Vec::new(), Vec::new());
    };
    let mut seen: Vec<&str> = Vec::new();
    let mut found = Vec::new();
    let mut nested = Vec::new();
    for (module, class) in &settings.own {
        for field in &class.fields {
            // A subclass's field shadows its parent's.
            if seen.contains(&field.name.as_str()) {
                continue;
            }
            seen.push(&field.name);
            let Some((required, field_call)) = model_field(field) else {
                continue;
            };
            if !required {
                nested.extend(
                    nested_class(field, field_call).map(|class| (field.name.clone(), class)),
                );
                continue;
            }
            let alias = field_call.and_then(|call| {
                call.kwarg("validation_alias")
                    .or_else(|| call.kwarg("alias"))
                    .or_else(|| call.kwarg("env"))
                    .and_then(Value::as_str)
            });
            let name = match alias {
                Some(alias) if naming.case_sensitive => alias.to_string(),
                Some(alias) => alias.to_ascii_uppercase(),
                None => naming.variable(&field.name),
            };
            found.push(RequiredSetting {
                name,
                at: format!("{}:{}", module.file, field.line),
                stand_in: annotation_stand_in(&field.annotation)
                    .unwrap_or(STAND_IN)
                    .to_string(),
                reason: format!(
                    "field `{}: {}` of the pydantic-settings class `{}`, which {} instantiates at start, has no default",
                    field.name,
                    field.annotation,
                    settings.class.name,
                    settings.via.as_deref().unwrap_or("the code")
                ),
            });
        }
    }
    (found, nested)
}

/// A class-level annotated name as pydantic reads it: `None` when it is no field (private,
/// `model_config`, a `ClassVar`); else whether it has no default, and its `Field(...)` call.
pub(super) fn model_field(field: &ClassField) -> Option<(bool, Option<&Call>)> {
    if field.name.starts_with('_')
        || field.name == "model_config"
        || field.annotation.contains("ClassVar")
    {
        return None;
    }
    let field_call = field
        .value
        .as_ref()
        .and_then(Value::as_call)
        .filter(|call| {
            call.callee
                .as_deref()
                .is_some_and(|callee| callee == "Field" || callee.ends_with(".Field"))
        });
    let required = match (&field.value, field_call) {
        (None | Some(Value::Ellipsis), _) => true,
        (_, Some(call)) => field_is_required(call),
        _ => false,
    };
    Some((required, field_call))
}

/// `Field(...)`, `Field()` with neither `default` nor `default_factory`.
fn field_is_required(call: &Call) -> bool {
    if call.kwarg("default").is_some() || call.kwarg("default_factory").is_some() {
        return false;
    }
    matches!(call.args.first(), None | Some(Value::Ellipsis))
}

/// How pydantic-settings names the environment variable of a field: `env_prefix` + the
/// field's name, matched without regard to case unless `case_sensitive`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct EnvNaming {
    pub prefix: String,
    pub case_sensitive: bool,
}

impl EnvNaming {
    /// The variable that sets `field`: upper-cased unless names are case-sensitive (any case
    /// matches then, and upper case is the convention).
    pub fn variable(&self, field: &str) -> String {
        let name = format!("{}{field}", self.prefix);
        if self.case_sensitive {
            name
        } else {
            name.to_uppercase()
        }
    }
}

/// The naming of a settings class's fields, from the first of `classes` (the class, then its
/// parents) that sets each key in `model_config = SettingsConfigDict(...)` or in an inner
/// `class Config:` of its module. `None` when a key is set to something other than a literal, or
/// `model_config` to something other than a call (a dict literal), which cannot be read.
pub fn env_naming(classes: &[(&Module, &Class)]) -> Option<EnvNaming> {
    let mut prefix: Option<String> = None;
    let mut case_sensitive: Option<bool> = None;
    for (module, class) in classes {
        if let Some(config) = class.config() {
            // `model_config = some_helper(prefix="BOT_")`: what the helper makes of its
            // arguments is not read, so neither are the names.
            let dict = config.callee.as_deref().is_some_and(|callee| {
                matches!(
                    callee.rsplit('.').next(),
                    Some("SettingsConfigDict" | "ConfigDict" | "dict")
                )
            });
            if !dict {
                return None;
            }
            if prefix.is_none() {
                prefix = match config.kwarg("env_prefix") {
                    None => None,
                    Some(Value::Str(text)) => Some(text.clone()),
                    Some(_) => return None,
                };
            }
            if case_sensitive.is_none() {
                case_sensitive = match config.kwarg("case_sensitive") {
                    None => None,
                    Some(Value::Bool(sensitive)) => Some(*sensitive),
                    Some(_) => return None,
                };
            }
            continue;
        }
        if class.others.iter().any(|other| other == "model_config") {
            return None;
        }
        // pydantic v1's (and v2's deprecated) inner `class Config:`.
        let inner = format!("{}.Config", class.qualname);
        let Some(config) = module
            .facts
            .classes
            .iter()
            .find(|found| found.qualname == inner)
        else {
            continue;
        };
        if prefix.is_none() {
            match config.string("env_prefix") {
                Some(text) => prefix = Some(text.to_string()),
                None if config.others.iter().any(|other| other == "env_prefix") => return None,
                None => {}
            }
        }
        if case_sensitive.is_none() && config.others.iter().any(|other| other == "case_sensitive") {
            return None;
        }
    }
    Some(EnvNaming {
        prefix: prefix.unwrap_or_default(),
        case_sensitive: case_sensitive.unwrap_or(false),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::read::source::scan_of_texts;

    fn names(files: &[(&str, &str, &str)]) -> Vec<(String, String, String)> {
        run(files, &[])
    }

    fn run(files: &[(&str, &str, &str)], command: &[&str]) -> Vec<(String, String, String)> {
        let command: Vec<String> = command.iter().map(|word| word.to_string()).collect();
        required(&scan_of_texts(files), &command)
            .into_iter()
            .map(|setting| (setting.name, setting.at, setting.stand_in))
            .collect()
    }

    fn triple(name: &str, at: &str, stand_in: &str) -> (String, String, String) {
        (name.into(), at.into(), stand_in.into())
    }

    #[test]
    fn environment_reads_the_import_cannot_do_without() {
        let app = "import os, sys\n\
                   KEY = os.environ.get('KEY', '')\n\
                   if not KEY:\n    sys.exit('KEY is not set')\n\
                   PORT = int(os.environ['PORT'])\n\
                   TOKEN = os.environ['TOKEN']\n\
                   OPTIONAL = os.getenv('OPTIONAL')\n\
                   DEFAULTED = os.environ.get('DEFAULTED', 'x')\n\
                   try:\n    CAUGHT = os.environ['CAUGHT']\nexcept KeyError:\n    CAUGHT = ''\n\
                   def later():\n    return os.environ['LATER']\n\
                   os.environ.setdefault('SET_HERE', '1')\n\
                   SET = os.environ['SET_HERE']\n\
                   if not os.getenv('API'):\n    raise SystemExit('API is not set')\n";
        assert_eq!(
            names(&[("app.py", "app", app)]),
            [
                triple("API", "app.py:17", STAND_IN),
                triple("KEY", "app.py:2", STAND_IN),
                triple("PORT", "app.py:5", "0"),
                triple("TOKEN", "app.py:6", STAND_IN),
            ]
        );
    }

    #[test]
    fn reads_in_the_factory_the_command_names_and_what_it_calls_are_required() {
        let main = "import os\nimport environ\nfrom fastapi import FastAPI\n\
                    env = environ.Env()\n\
                    def create_app():\n\
                    \x20   key = os.environ['FACTORY_KEY']\n\
                    \x20   port = int(os.environ['FACTORY_PORT'])\n\
                    \x20   soft = os.getenv('SOFT')\n\
                    \x20   db = env.db('DATABASE_URL')\n\
                    \x20   defaulted = env('DEFAULTED', default='x')\n\
                    \x20   def nested():\n        return os.environ['NESTED']\n\
                    \x20   handler = lambda: os.environ['LAMBDA']\n\
                    \x20   try:\n        caught = os.environ['CAUGHT']\n    except KeyError:\n        caught = ''\n\
                    \x20   helper()\n\
                    \x20   return FastAPI()\n\
                    def helper():\n    return os.environ['DEEPER']\n\
                    class Api:\n    def create_app(self):\n        return os.environ['METHOD']\n";
        let files = [("web/main.py", "web.main", main)];
        let expected = [
            triple("DATABASE_URL", "web/main.py:9", DATABASE_URL_STAND_IN),
            triple("DEEPER", "web/main.py:21", STAND_IN),
            triple("FACTORY_KEY", "web/main.py:6", STAND_IN),
            triple("FACTORY_PORT", "web/main.py:7", "0"),
        ];
        let uvicorn = [
            "/app/.venv/bin/uvicorn",
            "--factory",
            "web.main:create_app",
            "--port",
            "8000",
        ];
        assert_eq!(run(&files, &uvicorn), expected);
        let gunicorn = [
            "/app/.venv/bin/gunicorn",
            "--bind",
            "0.0.0.0:8000",
            "web.main:create_app()",
        ];
        assert_eq!(run(&files, &gunicorn), expected);
        let flask = ["/app/.venv/bin/flask", "--app=web.main:create_app()", "run"];
        assert_eq!(run(&files, &flask), expected);
        // A command that names no function of the module runs none of them.
        assert_eq!(run(&files, &["/app/.venv/bin/uvicorn", "web.main:app"]), []);
        assert_eq!(names(&files), []);
    }

    #[test]
    fn reads_in_the_functions_a_module_calls_at_import_are_required() {
        let app = "import os\nfrom .config import load_config\nfrom fastapi import FastAPI\n\
                   config = load_config()\n\
                   app = FastAPI()\n\
                   @app.get('/')\ndef index():\n    return os.environ['ROUTE']\n\
                   def main():\n    return os.environ['MAIN_ONLY']\n\
                   if __name__ == '__main__':\n    main()\n";
        let config = "import os\n\
                      def load_config():\n    return {'key': os.environ['CONFIG_KEY']}\n\
                      def other():\n    return os.environ['OTHER']\n";
        assert_eq!(
            names(&[
                ("pkg/app.py", "pkg.app", app),
                ("pkg/config.py", "pkg.config", config),
            ]),
            [triple("CONFIG_KEY", "pkg/config.py:3", STAND_IN)]
        );
    }

    #[test]
    fn django_environ_and_decouple_reads_without_a_default() {
        let settings = "import environ\nfrom decouple import config\n\
                        env = environ.Env(DEBUG=(bool, False))\n\
                        SECRET_KEY = env('SECRET_KEY')\n\
                        DEBUG = env('DEBUG')\n\
                        DATABASES = {'default': env.db()}\n\
                        TLS = env.bool('TLS')\n\
                        KEY = config('API_KEY')\n\
                        SOFT = config('SOFT', default='x')\n";
        assert_eq!(
            names(&[("site/settings.py", "site.settings", settings)]),
            [
                triple("API_KEY", "site/settings.py:8", STAND_IN),
                triple("DATABASE_URL", "site/settings.py:6", DATABASE_URL_STAND_IN),
                triple("SECRET_KEY", "site/settings.py:4", STAND_IN),
                triple("TLS", "site/settings.py:7", "false"),
            ]
        );
    }

    #[test]
    fn pydantic_settings_fields_without_a_default() {
        let config = "from typing import Optional\n\
                      from pydantic import Field, PostgresDsn\n\
                      from pydantic_settings import BaseSettings, SettingsConfigDict\n\
                      class Settings(BaseSettings):\n    \
                          model_config = SettingsConfigDict(env_prefix='app_')\n    \
                          lims_host: str\n    \
                          workers: int\n    \
                          debug: bool = False\n    \
                          database_url: PostgresDsn\n    \
                          cache: Optional[str] = None\n    \
                          tags: list[str] = Field(default_factory=list)\n    \
                          key: str = Field(..., validation_alias='THE_KEY')\n    \
                          level: str = Field('info')\n    \
                          redis: Optional[RedisDsn] = Field()\n\
                      class Unused(BaseSettings):\n    never: str\n\
                      settings = Settings()\n";
        assert_eq!(
            names(&[("app/config.py", "app.config", config)]),
            [
                triple(
                    "APP_DATABASE_URL",
                    "app/config.py:9",
                    "postgresql://stand-in:stand-in@localhost:5432/stand-in"
                ),
                triple("APP_LIMS_HOST", "app/config.py:6", STAND_IN),
                triple("APP_REDIS", "app/config.py:14", "redis://localhost:6379/0"),
                triple("APP_WORKERS", "app/config.py:7", "0"),
                triple("THE_KEY", "app/config.py:12", STAND_IN),
            ]
        );
        // pydantic v1's `class Config`, a parent settings class in another module, and an
        // instance made by a function the module calls at start.
        let base = "from pydantic import BaseSettings\n\
                    class Base(BaseSettings):\n    token: str\n    \
                    class Config:\n        env_prefix = 'svc_'\n";
        let main = "from functools import lru_cache\nfrom .base import Base\n\
                    class Settings(Base):\n    port: int\n\
                    @lru_cache\ndef get_settings():\n    return Settings()\n\
                    settings = get_settings()\n";
        assert_eq!(
            names(&[
                ("svc/base.py", "svc.base", base),
                ("svc/main.py", "svc.main", main)
            ]),
            [
                triple("SVC_PORT", "svc/main.py:4", "0"),
                triple("SVC_TOKEN", "svc/base.py:3", STAND_IN),
            ]
        );
        // Never instantiated at start: nothing is required when the module is imported.
        let lazy = "from pydantic_settings import BaseSettings\n\
                    class Settings(BaseSettings):\n    host: str\n\
                    def get():\n    return Settings()\n";
        assert!(names(&[("lazy.py", "lazy", lazy)]).is_empty());
    }

    #[test]
    fn a_settings_class_a_field_default_instantiates_is_read_with_its_own_prefix() {
        let config = "from pydantic import Field, SecretStr\n\
                      from pydantic_settings import BaseSettings, SettingsConfigDict\n\
                      class BotConfig(BaseSettings):\n    \
                          token: SecretStr\n    \
                          admin: int = 0\n    \
                          model_config = SettingsConfigDict(env_prefix='BOT_')\n\
                      class DbConfig(BaseSettings):\n    \
                          model_config = SettingsConfigDict(env_prefix='DB_')\n    \
                          dsn: str\n\
                      class CacheConfig(BaseSettings):\n    \
                          url: str\n\
                      class Optional(BaseSettings):\n    \
                          never: str\n\
                      class Settings(BaseSettings):\n    \
                          bot: BotConfig = Field(default_factory=BotConfig)\n    \
                          db: DbConfig = DbConfig()\n    \
                          cache: CacheConfig = Field(default_factory=lambda: CacheConfig())\n    \
                          maybe: Optional[Optional] = None\n    \
                          name: str = 'x'\n\
                      settings = Settings()\n";
        assert_eq!(
            names(&[("bot/config.py", "bot.config", config)]),
            [
                triple("BOT_TOKEN", "bot/config.py:4", STAND_IN),
                triple("DB_DSN", "bot/config.py:9", STAND_IN),
                triple("URL", "bot/config.py:11", STAND_IN),
            ]
        );
        // The outer class never instantiated: nor is the inner one.
        let lazy = config.replace("settings = Settings()\n", "");
        assert_eq!(names(&[("bot/config.py", "bot.config", &lazy)]), []);
    }

    #[test]
    fn settings_made_in_functions_the_start_calls_are_required() {
        let config = "from functools import cache\n\
                      from pydantic_settings import BaseSettings\n\
                      class Settings(BaseSettings):\n    token: str\n\
                      @cache\ndef get_settings():\n    return Settings()\n";
        let main = "import asyncio, os\nfrom bot.config import get_settings\n\
                    async def main():\n    settings = get_settings()\n    key = os.environ['KEY']\n\
                    def run():\n    asyncio.run(main())\n\
                    def unused():\n    return os.environ['UNUSED']\n";
        let files = [
            ("bot/config.py", "bot.config", config),
            ("bot/main.py", "bot.main", main),
        ];
        let expected = [
            triple("KEY", "bot/main.py:5", STAND_IN),
            triple("TOKEN", "bot/config.py:4", STAND_IN),
        ];
        // The entry function of a console script, and the `__main__` guard of `python -m`.
        assert_eq!(run(&files, &["/app/bin/bot-run", "bot.main:run"]), expected);
        let guard = format!("{main}if __name__ == '__main__':\n    run()\n");
        let files_main = [files[0], ("bot/main.py", "bot.main", guard.as_str())];
        assert_eq!(
            run(&files_main, &["/app/bin/python", "-m", "bot.main"]),
            expected
        );
        // Nothing calls them at start: nothing is required.
        assert_eq!(run(&files, &["/app/bin/bot-run"]), []);
        assert_eq!(run(&files_main, &["/app/bin/python", "-m", "other"]), []);
        // Calls deeper than the bound are not followed.
        let chain = "import os\n\
                     def f0():\n    f1()\n\
                     def f1():\n    f2()\n\
                     def f2():\n    f3()\n\
                     def f3():\n    f4()\n\
                     def f4():\n    f5()\n\
                     def f5():\n    return os.environ['DEEP']\n\
                     def g0():\n    g1()\n\
                     def g1():\n    g0()\n    return os.environ['CYCLE']\n";
        let files = [("deep.py", "deep", chain)];
        assert_eq!(
            run(&files, &["deep:f1"]),
            [triple("DEEP", "deep.py:13", STAND_IN)]
        );
        assert_eq!(run(&files, &["deep:f0"]), []);
        assert_eq!(
            run(&files, &["deep:g0"]),
            [triple("CYCLE", "deep.py:18", STAND_IN)]
        );
    }

    #[test]
    fn getenv_reads_a_started_function_raises_without_are_required() {
        let config = "import os, sys\n\
                      def _path():\n    \
                          if not (value := os.getenv('BASE_CONFIG')):\n        \
                              raise RuntimeError('BASE_CONFIG is not set')\n    \
                          return value\n\
                      def load_config():\n    \
                          token = os.environ.get('TOKEN')\n    \
                          if token is None:\n        sys.exit('no token')\n    \
                          soft = os.getenv('SOFT')\n    \
                          if not soft:\n        return None\n    \
                          other = os.getenv('DEFAULTED', 'x')\n    \
                          if not other:\n        raise RuntimeError('unset')\n    \
                          if not LATER:\n        raise RuntimeError('unset')\n    \
                          return open(_path())\n\
                      LATER = os.getenv('LATER')\n";
        let main = "from app.config import load_config\n\
                    def get_app():\n    return load_config()\n";
        let files = [
            ("app/config.py", "app.config", config),
            ("app/main.py", "app.main", main),
        ];
        assert_eq!(
            run(
                &files,
                &["/app/bin/uvicorn", "--factory", "app.main:get_app"]
            ),
            [
                triple("BASE_CONFIG", "app/config.py:3", STAND_IN),
                triple("TOKEN", "app/config.py:7", STAND_IN),
            ]
        );
        // No start calls them: the same reads are not required.
        assert_eq!(run(&files, &["/app/bin/uvicorn", "app.main:app"]), []);
    }

    #[test]
    fn reads_of_a_module_imported_only_under_an_if_are_not_required() {
        let settings = "import os\nfrom .base import *\n\
                        if os.environ.get('PRODUCTION'):\n    from .production import *\n\
                        from typing import TYPE_CHECKING\n\
                        if TYPE_CHECKING:\n    from .typed import Thing\n";
        let files = [
            ("site/settings.py", "site.settings", settings),
            (
                "site/base.py",
                "site.base",
                "import os\nA = os.environ['BASE']\n",
            ),
            (
                "site/production.py",
                "site.production",
                "import os\nB = os.environ['SECRET_KEY']\n",
            ),
            (
                "site/typed.py",
                "site.typed",
                "import os\nC = os.environ['TYPED']\n",
            ),
        ];
        assert_eq!(names(&files), [triple("BASE", "site/base.py:2", STAND_IN)]);
        // The command names it, or another module imports it outside an `if`: it runs.
        assert_eq!(
            run(&files, &["/app/bin/uvicorn", "site.typed:app"]),
            [
                triple("BASE", "site/base.py:2", STAND_IN),
                triple("TYPED", "site/typed.py:2", STAND_IN),
            ]
        );
        let web = ("site/web.py", "site.web", "from site import production\n");
        let files = [files[0], files[1], files[2], files[3], web];
        assert_eq!(
            names(&files),
            [
                triple("BASE", "site/base.py:2", STAND_IN),
                triple("SECRET_KEY", "site/production.py:2", STAND_IN),
            ]
        );
    }

    #[test]
    fn case_sensitive_names_keep_their_case_and_a_computed_prefix_names_nothing() {
        let sensitive = "from pydantic import Field\nfrom pydantic_settings import BaseSettings, SettingsConfigDict\n\
                         class Settings(BaseSettings):\n    \
                             model_config = SettingsConfigDict(env_prefix='app_', case_sensitive=True)\n    \
                             lims_host: str\n    \
                             key: str = Field(alias='The_Key')\n\
                         settings = Settings()\n";
        assert_eq!(
            names(&[("config.py", "config", sensitive)]),
            [
                triple("The_Key", "config.py:6", STAND_IN),
                triple("app_lims_host", "config.py:5", STAND_IN),
            ]
        );
        let computed = "import os\nfrom pydantic_settings import BaseSettings, SettingsConfigDict\n\
                        class Settings(BaseSettings):\n    \
                            model_config = SettingsConfigDict(env_prefix=os.environ.get('P', 'x_'))\n    \
                            host: str\n\
                        settings = Settings()\n";
        assert!(names(&[("config.py", "config", computed)]).is_empty());
        // A helper makes the config: what it does with `prefix` is not read, so no name is
        // guessed (`HOST` would be wrong, `BOT_HOST` is right).
        let helper =
            "from pydantic_settings import BaseSettings\nfrom pkg.helpers import make_config\n\
                      class Settings(BaseSettings):\n    \
                          model_config = make_config(prefix='BOT_')\n    \
                          host: str\n\
                      settings = Settings()\n";
        assert!(names(&[("config.py", "config", helper)]).is_empty());
    }

    #[test]
    fn a_name_no_shell_could_export_is_left_out() {
        let config = "from pydantic import Field\nfrom pydantic_settings import BaseSettings\n\
                      class Settings(BaseSettings):\n    \
                          key: str = Field(alias='KEY\\n    evil: true')\n    \
                          fine: str\n\
                      settings = Settings()\n\
                      import os\nX = os.environ['A B']\n";
        assert_eq!(
            names(&[("config.py", "config", config)]),
            [triple("FINE", "config.py:5", STAND_IN)]
        );
    }

    #[test]
    fn stand_ins_follow_the_annotation() {
        for (annotation, stand_in) in [
            ("int", Some("0")),
            ("Optional[int]", Some("0")),
            ("typing.Optional[bool]", Some("false")),
            ("int|None", Some("0")),
            (
                "Annotated[HttpUrl,Field(description='x')]",
                Some("http://localhost/"),
            ),
            ("pydantic.AmqpDsn", Some("amqp://localhost:5672/")),
            ("dict[str,int]", Some("{}")),
            ("list[int]", Some("[]")),
            ("PositiveInt", Some("1")),
            ("uuid.UUID", Some("00000000-0000-4000-8000-000000000000")),
            ("datetime.datetime", Some("2000-01-01T00:00:00+00:00")),
            ("date", Some("2000-01-01")),
            ("str", None),
            ("SecretStr", None),
            ("MyOptional[int]", None),
        ] {
            assert_eq!(annotation_stand_in(annotation), stand_in, "{annotation}");
        }
    }
}
