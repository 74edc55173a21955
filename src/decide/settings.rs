//! The settings an app cannot start without, read from the modules of its source: a variable
//! read when a module is imported with no way to do without it (`os.environ["KEY"]`, a
//! django-environ or python-decouple read with no default, `os.getenv("KEY")` followed by an
//! `if not KEY: sys.exit(...)`), the `os.environ["KEY"]` and no-default django-environ and
//! python-decouple reads directly in a function that runs at start (the factory the command
//! names, a top-level function a module calls at import), and the fields with no default of a
//! pydantic-settings class the code instantiates at start. Each with the `file:line` that requires it and a stand-in
//! of the type the code reads, which only `verify`'s runs are given.

use crate::model::RequiredSetting;
use crate::read::python::{Call, Class, EnvRead, EnvReadKind, Value};
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
    let mut found = Vec::new();
    for module in &scan.modules {
        for read in &module.facts.env_reads {
            let in_started = read
                .function
                .is_some_and(|def| started.contains(&(module.file.as_str(), def)));
            found.extend(required_read(module, read, in_started));
        }
    }
    found.extend(settings_fields(scan));
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
/// read with no default, and, at import only, a `getenv` with nothing to fall back on that an
/// exit guard stops the import without. `in_function` is a read in the body of a function that
/// runs at start (exit guards are read at module level only); else the read must run at import.
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
    let guard = || {
        module.facts.exit_guards.iter().find(|guard| {
            guard.env.as_deref() == Some(name)
                || (guard.variable.is_some() && guard.variable == read.bound_to)
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
        EnvReadKind::EnvironGet | EnvReadKind::Getenv if !in_function => {
            let guard = guard().filter(|_| empty)?;
            format!(
                "read with no value to fall back on, and `{}:{}` stops the import without it",
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

/// The top-level functions that run at start, as (file, line of the `def`): those a module
/// calls at import (`app = create_app()`, `config = load_config()`, not under its `__main__`
/// guard), and the factory `command` names as `module:function` or `module:function()`.
fn started_functions<'a>(scan: &'a SourceScan, command: &[String]) -> BTreeSet<(&'a str, u32)> {
    let top_level = |module: &'a Module, name: &str| {
        module
            .facts
            .functions
            .iter()
            .find(move |function| function.class.is_none() && function.qualname == name)
            .map(move |function| (module.file.as_str(), function.line))
    };
    let mut started = BTreeSet::new();
    for module in &scan.modules {
        let calls = module.facts.module_calls.iter().filter(|call| {
            !module
                .facts
                .main_calls
                .iter()
                .any(|main| main.line == call.line && main.callee == call.callee)
        });
        for callee in calls.filter_map(|call| call.callee.as_deref()) {
            let (path, name) = callee.rsplit_once('.').unwrap_or(("", callee));
            let path = path.trim_start_matches('.');
            // `create_app()` of the module itself, or of a module it imports.
            let owners = scan.modules.iter().filter(|owner| {
                if path.is_empty() {
                    owner.file == module.file
                } else {
                    owner.module == path || owner.module.ends_with(&format!(".{path}"))
                }
            });
            started.extend(owners.filter_map(|owner| top_level(owner, name)));
        }
    }
    for word in command {
        let word = word
            .rsplit_once('=')
            .map_or(word.as_str(), |(_, value)| value);
        let word = word.split_once('(').map_or(word, |(head, _)| head);
        let Some((path, name)) = word.split_once(':') else {
            continue;
        };
        let owners = scan.modules.iter().filter(|owner| owner.module == path);
        started.extend(owners.filter_map(|owner| top_level(owner, name)));
    }
    started
}

/// A settings class and its settings parents (nearest first), each with its module.
struct SettingsClass<'a> {
    class: &'a Class,
    own: Vec<(&'a Module, &'a Class)>,
}

/// The fields with no default of each pydantic-settings class instantiated at start.
fn settings_fields(scan: &SourceScan) -> Vec<RequiredSetting> {
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
    let started = started_names(scan);
    let mut found = Vec::new();
    for (module, class) in &classes {
        if !started.contains(&class.name) {
            continue;
        }
        let Some(own) = chain(*module, *class) else {
            continue;
        };
        let settings = SettingsClass { class, own };
        found.extend(class_required(&settings));
    }
    found
}

/// The last segments of what the modules call at start (`Settings` of `settings =
/// Settings()`), and of what the functions so called call (`get_settings()` returning
/// `Settings()`).
fn started_names(scan: &SourceScan) -> BTreeSet<String> {
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
    names
}

fn class_required(settings: &SettingsClass<'_>) -> Vec<RequiredSetting> {
    // A prefix the code computes: the names are not known, and none is named.
    let Some(naming) = env_naming(&settings.own) else {
        return Vec::new();
    };
    let mut seen: Vec<&str> = Vec::new();
    let mut found = Vec::new();
    for (module, class) in &settings.own {
        for field in &class.fields {
            // A subclass's field shadows its parent's.
            if seen.contains(&field.name.as_str()) {
                continue;
            }
            seen.push(&field.name);
            if field.name.starts_with('_')
                || field.name == "model_config"
                || field.annotation.contains("ClassVar")
            {
                continue;
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
            if !required {
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
                    "field `{}: {}` of the pydantic-settings class `{}`, which the code instantiates at start, has no default",
                    field.name, field.annotation, settings.class.name
                ),
            });
        }
    }
    found
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
    fn reads_in_the_factory_the_command_names_are_required() {
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
