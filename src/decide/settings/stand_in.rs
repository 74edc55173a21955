//! The stand-in each required setting is given by `verify`: a value of the shape its name, its
//! type and the packages the image installs say the code expects, so that the app gets past
//! its start (an engine built from a database URL of a driver it has, a bot token of the shape
//! its library checks, a nested model's JSON) without connecting to anything.

use super::{core_type, model_field, top_level, STAND_IN};
use crate::model::RequiredSetting;
use crate::read::names::PackageName;
use crate::read::python::{ClassField, Value};
use crate::read::source::SourceScan;
use std::collections::BTreeSet;

/// Deepest nesting of models followed into a JSON stand-in.
const MAX_MODEL_DEPTH: usize = 4;

/// A Telegram bot token of the shape aiogram, python-telegram-bot and pyTelegramBotAPI accept:
/// a numeric bot id, `:`, 35 characters of `[A-Za-z0-9_-]`.
pub const TELEGRAM_TOKEN_STAND_IN: &str = "123456789:verify-stand-in-AAAAAAAAAAAAAAAAAAA";

/// A SQLite URL under `/tmp`, which the standard library's driver opens when first used.
pub const SQLITE_STAND_IN: &str = "sqlite:////tmp/stand-in.sqlite3";

/// The packages that validate a Telegram bot token when a bot is made.
const TELEGRAM_PACKAGES: &[&str] = &["aiogram", "python-telegram-bot", "pytelegrambotapi"];

/// Gives each of `required` whose stand-in says no more than its type a value its name and use
/// call for: a field typed with a model of the project gets that model's JSON, one typed with a
/// `Literal` or an `Enum` of the project its first value, a plain string (or a URL of any
/// scheme) named as a URL, a host, a database URL or DSN, a broker, a bot token or an address a
/// value of that shape, and a database URL the scheme of a driver `installed` holds.
pub fn fit(required: &mut [RequiredSetting], scan: &SourceScan, installed: &BTreeSet<PackageName>) {
    let uses_async = scan.modules.iter().any(|module| {
        module.facts.imports.iter().any(|import| {
            ["sqlalchemy.ext.asyncio", "sqlmodel.ext.asyncio"]
                .iter()
                .any(|prefix| import.target.starts_with(prefix))
        })
    });
    let fitter = Fitter {
        scan,
        installed,
        uses_async,
    };
    for setting in required.iter_mut() {
        let annotation = field_at(scan, &setting.at).map(|field| field.annotation.as_str());
        if let Some(value) = fitter.stand_in(&setting.name, annotation, &setting.stand_in) {
            setting.stand_in = value;
        }
    }
}

/// The class field declared at `at` (`file:line`), when a field requires the setting.
fn field_at<'a>(scan: &'a SourceScan, at: &str) -> Option<&'a ClassField> {
    let (file, line) = at.rsplit_once(':')?;
    let line: u32 = line.parse().ok()?;
    let module = scan.modules.iter().find(|module| module.file == file)?;
    module
        .facts
        .classes
        .iter()
        .flat_map(|class| &class.fields)
        .find(|field| field.line == line)
}

/// The database a URL names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Database {
    Postgres,
    MySql,
    Sqlite,
}

struct Fitter<'a> {
    scan: &'a SourceScan,
    installed: &'a BTreeSet<PackageName>,
    /// Whether the source imports SQLAlchemy's (or SQLModel's) asyncio engine.
    uses_async: bool,
}

impl Fitter<'_> {
    fn has(&self, package: &str) -> bool {
        self.installed.contains(&PackageName::new(package))
    }

    /// A better stand-in than `current` for the setting `name` read as `annotation`.
    fn stand_in(&self, name: &str, annotation: Option<&str>, current: &str) -> Option<String> {
        if let Some(annotation) = annotation {
            if let Some(value) = self.typed(annotation, name, 0) {
                return Some(match value {
                    serde_json::Value::String(text) => text,
                    other => other.to_string(),
                });
            }
        }
        let head = annotation.map(head_of);
        let any_url = matches!(head, Some("AnyUrl" | "Url" | "MultiHostUrl"));
        if current == STAND_IN {
            self.by_name(name)
        } else if any_url {
            self.by_name(name).filter(|value| value.contains("://"))
        } else if current.starts_with("postgresql://") {
            Some(self.database_url(Some(Database::Postgres), name))
        } else if current.starts_with("mysql://") {
            Some(self.database_url(Some(Database::MySql), name))
        } else {
            None
        }
    }

    /// A value of a type the project defines or a `Literal`: a model's JSON object, an
    /// enum's first value, the first choice. `None` for any other type.
    fn typed(&self, annotation: &str, name: &str, depth: usize) -> Option<serde_json::Value> {
        // A forward reference: `"Inner"`.
        let annotation = annotation.trim_matches(|c| c == '"' || c == '\'');
        let core = core_type(annotation);
        let head = head_of(core);
        if head == "Literal" {
            let inner = core.split_once('[')?.1.strip_suffix(']')?;
            let first = *top_level(inner).first()?;
            return literal(first);
        }
        if depth >= MAX_MODEL_DEPTH || core.contains('[') {
            return None;
        }
        let class = self
            .scan
            .modules
            .iter()
            .flat_map(|module| &module.facts.classes)
            .find(|class| class.name == head && !class.qualname.contains('.'))?;
        let is_enum = class
            .bases
            .iter()
            .any(|base| base.ends_with("Enum") || base.ends_with("Flag"));
        if is_enum {
            return class
                .strings
                .first()
                .map(|(_, value)| serde_json::Value::String(value.clone()));
        }
        // The class and its parents of the project, nearest first.
        let mut chain = vec![class];
        while chain.len() <= MAX_MODEL_DEPTH {
            let last = chain[chain.len() - 1];
            let parent = last.bases.iter().find_map(|base| {
                let base = base.rsplit('.').next().unwrap_or(base);
                self.scan
                    .modules
                    .iter()
                    .flat_map(|module| &module.facts.classes)
                    .find(|found| found.name == base && !std::ptr::eq(*found, last))
            });
            match parent {
                Some(parent) if !chain.iter().any(|seen| std::ptr::eq(*seen, parent)) => {
                    chain.push(parent)
                }
                _ => break,
            }
        }
        if chain.iter().all(|class| class.fields.is_empty()) {
            return None;
        }
        let mut object = serde_json::Map::new();
        let mut seen: Vec<&str> = Vec::new();
        for field in chain.iter().flat_map(|class| &class.fields) {
            if seen.contains(&field.name.as_str()) {
                continue;
            }
            seen.push(&field.name);
            let Some((required, field_call)) = model_field(field) else {
                continue;
            };
            if !required {
                continue;
            }
            let key = field_call
                .and_then(|call| {
                    call.kwarg("validation_alias")
                        .or_else(|| call.kwarg("alias"))
                        .and_then(Value::as_str)
                })
                .unwrap_or(&field.name);
            let path = format!("{name}_{}", field.name);
            let value = self
                .typed(&field.annotation, &path, depth + 1)
                .or_else(|| {
                    super::annotation_stand_in(&field.annotation).map(|text| {
                        serde_json::from_str(text)
                            .unwrap_or_else(|_| serde_json::Value::String(text.to_string()))
                    })
                })
                .unwrap_or_else(|| {
                    serde_json::Value::String(
                        self.by_name(&path).unwrap_or_else(|| STAND_IN.to_string()),
                    )
                });
            object.insert(key.to_string(), value);
        }
        Some(serde_json::Value::Object(object))
    }

    /// A value of the shape the setting's name says, `None` when it says nothing known.
    fn by_name(&self, name: &str) -> Option<String> {
        let upper = name.to_ascii_uppercase();
        let words: Vec<&str> = upper.split('_').filter(|word| !word.is_empty()).collect();
        let has = |wanted: &[&str]| wanted.iter().any(|word| words.contains(word));
        // `DATABASE_URL`, `DATABASEURL`, `PG_DSN`: a value that locates a service.
        let locator = has(&["URL", "URI", "DSN"])
            || ["URL", "URI", "DSN"]
                .iter()
                .any(|suffix| upper.ends_with(suffix));
        let value = if has(&["SENTRY"]) && locator {
            "http://stand-in@localhost/0".to_string()
        } else if has(&["KAFKA"]) && has(&["BOOTSTRAP", "SERVERS", "SERVER", "BROKERS", "BROKER"]) {
            "localhost:9092".to_string()
        } else if has(&["REDIS", "VALKEY"]) && locator {
            "redis://localhost:6379/0".to_string()
        } else if has(&["AMQP", "RABBIT", "RABBITMQ"]) && locator {
            "amqp://guest:guest@localhost:5672//".to_string()
        } else if has(&["BROKER"]) || (has(&["CELERY"]) && has(&["BACKEND"]) && locator) {
            self.broker_url()
        } else if has(&["MONGO", "MONGODB"]) && locator {
            "mongodb://localhost:27017/stand-in".to_string()
        } else if has(&["NATS"]) && locator {
            "nats://localhost:4222".to_string()
        } else if locator
            && has(&[
                "DATABASE",
                "DB",
                "SQLALCHEMY",
                "POSTGRES",
                "POSTGRESQL",
                "PG",
                "PSQL",
                "MYSQL",
                "MARIADB",
                "SQLITE",
            ])
            || words == ["DSN"]
        {
            let family = if has(&["POSTGRES", "POSTGRESQL", "PG", "PSQL"]) {
                Some(Database::Postgres)
            } else if has(&["MYSQL", "MARIADB"]) {
                Some(Database::MySql)
            } else if has(&["SQLITE"]) {
                Some(Database::Sqlite)
            } else {
                None
            };
            self.database_url(family, name)
        } else if locator && has(&["WS", "WSS", "WEBSOCKET"]) {
            "ws://localhost/".to_string()
        } else if locator || has(&["ENDPOINT"]) {
            "http://localhost/".to_string()
        } else if has(&["TOKEN"]) && TELEGRAM_PACKAGES.iter().any(|package| self.has(package)) {
            TELEGRAM_TOKEN_STAND_IN.to_string()
        } else if has(&["HOST", "HOSTNAME"]) {
            "localhost".to_string()
        } else if words.last() == Some(&"EMAIL") {
            "stand-in@example.com".to_string()
        } else {
            return None;
        };
        Some(value)
    }

    /// A broker URL: Redis when the image has its client, else AMQP when it has one.
    fn broker_url(&self) -> String {
        let amqp = ["kombu", "pika", "aio-pika", "aiormq", "amqp", "amqpstorm"];
        if !self.has("redis") && amqp.iter().any(|package| self.has(package)) {
            "amqp://guest:guest@localhost:5672//".to_string()
        } else {
            "redis://localhost:6379/0".to_string()
        }
    }

    /// A database URL of `family` (else of the drivers installed, else SQLite) with the
    /// scheme SQLAlchemy, when installed, needs for a driver the image has: an async one when
    /// the name or the source says asyncio.
    fn database_url(&self, family: Option<Database>, name: &str) -> String {
        let postgres = [
            ("asyncpg", "postgresql+asyncpg", true),
            ("psycopg", "postgresql+psycopg", true),
            ("psycopg2", "postgresql", false),
            ("psycopg2-binary", "postgresql", false),
            ("pg8000", "postgresql+pg8000", false),
        ];
        let mysql = [
            ("aiomysql", "mysql+aiomysql", true),
            ("asyncmy", "mysql+asyncmy", true),
            ("mysqlclient", "mysql+mysqldb", false),
            ("pymysql", "mysql+pymysql", false),
            ("mysql-connector-python", "mysql+mysqlconnector", false),
        ];
        let sqlite = [("aiosqlite", "sqlite+aiosqlite", true)];
        let installed = |drivers: &[(&str, &str, bool)]| {
            drivers.iter().any(|(package, _, _)| self.has(package))
        };
        let family = family.unwrap_or(if installed(&postgres) {
            Database::Postgres
        } else if installed(&mysql) {
            Database::MySql
        } else {
            Database::Sqlite
        });
        let (drivers, plain, rest): (&[(&str, &str, bool)], &str, &str) = match family {
            Database::Postgres => (
                &postgres,
                "postgresql",
                "://stand-in:stand-in@localhost:5432/stand-in",
            ),
            Database::MySql => (
                &mysql,
                "mysql",
                "://stand-in:stand-in@localhost:3306/stand-in",
            ),
            Database::Sqlite => (&sqlite, "sqlite", ":////tmp/stand-in.sqlite3"),
        };
        let wants_async = self.uses_async
            || name
                .to_ascii_uppercase()
                .split('_')
                .any(|word| word == "ASYNC");
        let scheme = if !self.has("sqlalchemy") {
            plain
        } else {
            // Async drivers first when asyncio is used, else sync ones; SQLite's own module
            // is always there for a sync engine.
            let pick = |wanted: bool| {
                drivers
                    .iter()
                    .find(|(package, _, is_async)| *is_async == wanted && self.has(package))
                    .map(|(_, scheme, _)| *scheme)
            };
            match (wants_async, family) {
                (true, _) => pick(true).or_else(|| pick(false)).unwrap_or(plain),
                (false, Database::Sqlite) => plain,
                (false, _) => pick(false).or_else(|| pick(true)).unwrap_or(plain),
            }
        };
        match scheme {
            "sqlite" => SQLITE_STAND_IN.to_string(),
            _ => format!("{scheme}{rest}"),
        }
    }
}

/// The last segment of a type's name before its parameters: `HttpUrl` of `pydantic.HttpUrl`.
fn head_of(annotation: &str) -> &str {
    let core = core_type(annotation);
    let head = core.split('[').next().unwrap_or(core);
    head.rsplit('.').next().unwrap_or(head)
}

/// A `Literal` choice as JSON: a quoted string without escapes, an integer, a boolean.
fn literal(text: &str) -> Option<serde_json::Value> {
    let quoted = ['"', '\'']
        .iter()
        .find_map(|quote| text.strip_prefix(*quote)?.strip_suffix(*quote));
    if let Some(inner) = quoted {
        return (!inner.contains('\\')).then(|| serde_json::Value::String(inner.to_string()));
    }
    match text {
        "True" => Some(serde_json::Value::Bool(true)),
        "False" => Some(serde_json::Value::Bool(false)),
        _ => text.parse::<i64>().ok().map(serde_json::Value::from),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::read::source::scan_of_texts;

    fn packages(names: &[&str]) -> BTreeSet<PackageName> {
        names.iter().map(|name| PackageName::new(name)).collect()
    }

    /// Each required setting's name and stand-in, once fitted to `installed`.
    fn fitted(files: &[(&str, &str, &str)], installed: &[&str]) -> Vec<(String, String)> {
        let scan = scan_of_texts(files);
        let mut required = super::super::required(&scan, &[]);
        fit(&mut required, &scan, &packages(installed));
        required
            .into_iter()
            .map(|setting| (setting.name, setting.stand_in))
            .collect()
    }

    fn pairs(expected: &[(&str, &str)]) -> Vec<(String, String)> {
        expected
            .iter()
            .map(|(name, value)| (name.to_string(), value.to_string()))
            .collect()
    }

    fn settings(fields: &str) -> String {
        format!(
            "from typing import Literal\n\
             from pydantic import AnyUrl, HttpUrl, PostgresDsn\n\
             from pydantic_settings import BaseSettings\n\
             class Settings(BaseSettings):\n{fields}\
             settings = Settings()\n"
        )
    }

    #[test]
    fn a_plain_string_gets_the_shape_its_name_says() {
        let config = settings(
            "    aws_endpoint_url: str\n    database_url: str\n    redis_url: str\n    \
             celery_broker_url: str\n    mongo_uri: str\n    sentry_dsn: str\n    \
             public_ws_url: str\n    db_host: str\n    admin_email: str\n    \
             secret_key: str\n    bot_token: str\n    webhook_url: HttpUrl\n",
        );
        assert_eq!(
            fitted(
                &[("config.py", "config", &config)],
                &["sqlalchemy", "psycopg2"]
            ),
            pairs(&[
                ("ADMIN_EMAIL", "stand-in@example.com"),
                ("AWS_ENDPOINT_URL", "http://localhost/"),
                // No Telegram library: a token is a plain string.
                ("BOT_TOKEN", STAND_IN),
                ("CELERY_BROKER_URL", "redis://localhost:6379/0"),
                (
                    "DATABASE_URL",
                    "postgresql://stand-in:stand-in@localhost:5432/stand-in"
                ),
                ("DB_HOST", "localhost"),
                ("MONGO_URI", "mongodb://localhost:27017/stand-in"),
                ("PUBLIC_WS_URL", "ws://localhost/"),
                ("REDIS_URL", "redis://localhost:6379/0"),
                ("SECRET_KEY", STAND_IN),
                ("SENTRY_DSN", "http://stand-in@localhost/0"),
                ("WEBHOOK_URL", "http://localhost/"),
            ])
        );
        // A broker without a Redis client speaks AMQP.
        let broker = settings("    broker_url: str\n");
        assert_eq!(
            fitted(&[("config.py", "config", &broker)], &["celery", "kombu"]),
            pairs(&[("BROKER_URL", "amqp://guest:guest@localhost:5672//")])
        );
    }

    #[test]
    fn a_database_url_names_a_driver_the_image_has() {
        let config = settings("    database_url: str\n");
        let async_config = format!(
            "from sqlalchemy.ext.asyncio import create_async_engine\n{}",
            settings("    database_url: str\n")
        );
        let url = |installed: &[&str], text: &str| {
            fitted(&[("config.py", "config", text)], installed)[0]
                .1
                .clone()
        };
        let postgres = "stand-in:stand-in@localhost:5432/stand-in";
        let mysql = "stand-in:stand-in@localhost:3306/stand-in";
        for (installed, text, expected) in [
            (
                &["sqlalchemy", "asyncpg"][..],
                &config,
                format!("postgresql+asyncpg://{postgres}"),
            ),
            (
                &["sqlalchemy", "psycopg"],
                &config,
                format!("postgresql+psycopg://{postgres}"),
            ),
            (
                &["sqlalchemy", "psycopg2-binary"],
                &config,
                format!("postgresql://{postgres}"),
            ),
            (
                &["sqlalchemy", "psycopg2", "asyncpg"],
                &config,
                format!("postgresql://{postgres}"),
            ),
            (
                &["sqlalchemy", "psycopg2", "asyncpg"],
                &async_config,
                format!("postgresql+asyncpg://{postgres}"),
            ),
            // Without SQLAlchemy, the libraries take the plain scheme.
            (&["asyncpg"], &config, format!("postgresql://{postgres}")),
            (
                &["sqlalchemy", "pymysql"],
                &config,
                format!("mysql+pymysql://{mysql}"),
            ),
            (
                &["sqlalchemy", "aiomysql"],
                &config,
                format!("mysql+aiomysql://{mysql}"),
            ),
            (
                &["sqlalchemy", "asyncmy"],
                &async_config,
                format!("mysql+asyncmy://{mysql}"),
            ),
            (
                &["sqlalchemy", "aiosqlite"],
                &config,
                SQLITE_STAND_IN.to_string(),
            ),
            (
                &["sqlalchemy", "aiosqlite"],
                &async_config,
                "sqlite+aiosqlite:////tmp/stand-in.sqlite3".to_string(),
            ),
            (&[], &config, SQLITE_STAND_IN.to_string()),
        ] {
            assert_eq!(url(installed, text), expected, "{installed:?}");
        }
        // The name says the database, and a DSN type the scheme its driver needs.
        let named =
            settings("    sqlite_url: str\n    pg_dsn: PostgresDsn\n    async_database_url: str\n");
        assert_eq!(
            fitted(
                &[("config.py", "config", &named)],
                &["sqlalchemy", "psycopg2", "asyncpg"]
            ),
            pairs(&[
                (
                    "ASYNC_DATABASE_URL",
                    &format!("postgresql+asyncpg://{postgres}")
                ),
                ("PG_DSN", &format!("postgresql://{postgres}")),
                ("SQLITE_URL", SQLITE_STAND_IN),
            ])
        );
    }

    #[test]
    fn a_url_type_keeps_the_scheme_it_accepts() {
        let config = settings(
            "    redis_url: AnyUrl\n    database_url: HttpUrl\n    \
             postgres_dsn: PostgresDsn\n    api_host: AnyUrl\n",
        );
        assert_eq!(
            fitted(
                &[("config.py", "config", &config)],
                &["sqlalchemy", "asyncpg"]
            ),
            pairs(&[
                // A host is no URL: `AnyUrl` keeps its own stand-in.
                ("API_HOST", "http://localhost/"),
                // `HttpUrl` accepts only http and https.
                ("DATABASE_URL", "http://localhost/"),
                (
                    "POSTGRES_DSN",
                    "postgresql+asyncpg://stand-in:stand-in@localhost:5432/stand-in"
                ),
                ("REDIS_URL", "redis://localhost:6379/0"),
            ])
        );
    }

    #[test]
    fn a_telegram_token_has_the_shape_its_library_checks() {
        let (id, secret) = TELEGRAM_TOKEN_STAND_IN.split_once(':').unwrap();
        assert!(id.chars().all(|c| c.is_ascii_digit()) && !id.is_empty());
        assert_eq!(secret.len(), 35);
        assert!(secret
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-'));
        let bot = "import os\nfrom aiogram import Bot\nTOKEN = os.environ['BOT_TOKEN']\n";
        for library in ["aiogram", "python-telegram-bot", "pyTelegramBotAPI"] {
            assert_eq!(
                fitted(&[("bot.py", "bot", bot)], &[library]),
                pairs(&[("BOT_TOKEN", TELEGRAM_TOKEN_STAND_IN)]),
                "{library}"
            );
        }
        assert_eq!(
            fitted(&[("bot.py", "bot", bot)], &["discord-py"]),
            pairs(&[("BOT_TOKEN", STAND_IN)])
        );
    }

    #[test]
    fn a_field_typed_with_a_model_of_the_project_gets_its_json() {
        let models = "import enum\nfrom pydantic import BaseModel, Field\n\
                      class Mode(str, enum.Enum):\n    FAST = 'fast'\n    SLOW = 'slow'\n\
                      class Base(BaseModel):\n    name: str\n\
                      class Inner(Base):\n    port: int\n    debug: bool = False\n    \
                      tags: list[str]\n    key: str = Field(alias='KEY')\n    \
                      level: Literal['info','debug']\n\
                      class Database(BaseModel):\n    host: str\n    url: str\n    \
                      inner: Inner\n    mode: Mode\n    timeout: int = Field(5)\n\
                      class Loop(BaseModel):\n    again: 'Loop'\n";
        let config = settings(
            "    database: Database\n    loop: Loop\n    mode: Mode\n    \
             stage: Literal['dev','prod']\n    optional: Database | None\n",
        );
        let files = [
            ("models.py", "models", models),
            ("config.py", "config", config.as_str()),
        ];
        // Keys sorted; a string named as a URL follows the path of names down to it.
        let database = |url: &str| {
            format!(
                r#"{{"host":"localhost","inner":{{"KEY":"verify-stand-in","level":"info","name":"verify-stand-in","port":0,"tags":[]}},"mode":"fast","url":"{url}"}}"#
            )
        };
        assert_eq!(
            fitted(&files, &[]),
            pairs(&[
                ("DATABASE", &database(SQLITE_STAND_IN)),
                (
                    "LOOP",
                    r#"{"again":{"again":{"again":{"again":"verify-stand-in"}}}}"#
                ),
                ("MODE", "fast"),
                ("OPTIONAL", &database("http://localhost/")),
                ("STAGE", "dev"),
            ])
        );
    }
}
