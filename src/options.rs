//! The one table of choices a user can make. Each option is declared once, in
//! [`for_each_option!`](crate::for_each_option): its field name and value type, its key in
//! `[tool.uv-rootless]`, the doc text (the comment `init` writes above the key), its merge rule
//! and, if it has one, its command-line flag. Everything else is generated from the table:
//! [`Flags`], [`Settings`] and [`Settings::merge`], [`ToolConfig`] (the serde type of the config
//! section), the keys `init` records ([`Flags::choices`], [`ToolConfig::choices`]) and the JSON
//! Schema of the section ([`config_schema`], committed as `schema/config.schema.json`). The
//! binary's `cli.rs` expands the same table into its clap struct, so clap stays out of the
//! library.

use crate::config_edit::Choice;
use crate::model::BaseId;
use crate::model::Source;
use serde::Deserialize;
use serde_json::{json, Value as Json};
use std::collections::BTreeMap;
use toml_edit::{Array, InlineTable, Value};

/// The table of options. Calls `$callback!` with every entry, in the order of the keys of
/// `[tool.uv-rootless]` (the order serde lists them in when a key is unknown).
///
/// An entry is `name: Type { key, doc, merge, flag? }`:
/// - `key`: the key in `[tool.uv-rootless]`;
/// - `doc`: one line, written as a comment above the key when `init` records it, and the
///   description in the JSON Schema;
/// - `merge`: how the flag and the config make the setting: `pick` (the flag wins over the
///   config; `None` leaves the choice to `decide`) or `or_default` (the config, else empty);
/// - `flag`: for options with a command-line flag, its place among the flags (in `--help` and
///   in the keys `init` records), the clap value type, the `--help` text and the clap
///   attributes; `replaces` names config keys that this flag drops and that recording it
///   removes. Only the binary expands the flag part, so the tokens in it are clap's.
#[macro_export]
macro_rules! for_each_option {
    ($callback:ident) => {
        $callback! {
            base: $crate::model::BaseId {
                key: "base",
                doc: "Base image family: \"python-slim\", \"azurelinux\", \"dhi-python\" or \"distroless-python3\".",
                merge: pick,
                flag: 0 BaseArg {
                    /// Base image family.
                    #[arg(long, value_enum)]
                },
            }
            python: String {
                key: "python",
                doc: "Python version of the image; wins over .python-version.",
                merge: pick,
                flag: 1 String {
                    /// Python version, `X.Y` or `X.Y.Z` (default: `.python-version`, else the newest the base offers
                    /// that `requires-python` accepts).
                    #[arg(long, value_name = "X.Y")]
                },
            }
            script: String {
                key: "script",
                doc: "Console script from [project.scripts] that the image runs.",
                merge: pick,
                flag: 2 String {
                    /// Console script from `[project.scripts]` to run.
                    #[arg(long, value_name = "NAME", conflicts_with = "command")]
                } replaces ["command"],
            }
            command: Vec<String> {
                key: "command",
                doc: "Command the image runs, exec form.",
                merge: pick,
                flag: 3 Vec<String> {
                    /// Command to run, with its arguments; put it last, it takes the rest of the line.
                    #[arg(long, value_name = "PROGRAM ARGS", num_args = 1.., allow_hyphen_values = true)]
                } replaces ["script"],
            }
            port: u16 {
                key: "port",
                doc: "Port the web server listens on.",
                merge: pick,
                flag: 4 u16 {
                    /// Port the web server listens on (default 8000).
                    #[arg(long, value_name = "N")]
                },
            }
            kind: $crate::model::AppKind {
                key: "kind",
                doc: "What the app is: \"web\", \"worker\" (runs until stopped), \"job\" or \"cli\" (runs and exits).",
                merge: pick,
            }
            writable: Vec<String> {
                key: "writable",
                doc: "Paths relative to the working directory the app may write (a tmpfs or emptyDir each); unset, the directories the code writes beside itself.",
                merge: pick,
            }
            env_file: String {
                key: "env-file",
                doc: "Env file, relative to the project, that compose passes to the container (it must exist).",
                merge: pick,
            }
            smoke_seconds: u32 {
                key: "smoke-seconds",
                doc: "Seconds a worker must stay up in `verify` after its start-up settles (default 5).",
                merge: pick,
            }
            health_path: String {
                key: "health-path",
                doc: "URL path of the health check of a web service.",
                merge: pick,
            }
            smoke_args: Vec<String> {
                key: "smoke-args",
                doc: "Arguments for the smoke test of a command-line app (`verify`).",
                merge: pick,
            }
            extras: Vec<String> {
                key: "extras",
                doc: "Optional dependencies ([project.optional-dependencies]) to install.",
                merge: pick,
            }
            groups: Vec<String> {
                key: "groups",
                doc: "Dependency groups to install; never `dev`.",
                merge: pick,
            }
            uid: u32 {
                key: "uid",
                doc: "Numeric user id the container runs as.",
                merge: pick,
                flag: 6 u32 {
                    /// Numeric user id to run as (default 65532).
                    #[arg(long, value_name = "UID")]
                },
            }
            gid: u32 {
                key: "gid",
                doc: "Numeric group id the container runs as.",
                merge: pick,
                flag: 7 u32 {
                    /// Numeric group id to run as (default: the uid).
                    #[arg(long, value_name = "GID")]
                },
            }
            package: String {
                key: "package",
                doc: "Workspace member to build.",
                merge: pick,
                flag: 5 String {
                    /// Workspace member to build.
                    #[arg(long, value_name = "NAME")]
                },
            }
            platforms: Vec<String> {
                key: "platforms",
                doc: "Docker platforms whose wheels are checked.",
                merge: pick,
                flag: 8 Vec<String> {
                    /// Target platform whose wheels are checked: linux/amd64 (default), linux/arm64, or both,
                    /// comma-separated; a package with no wheel for it is built from its sdist.
                    #[arg(long = "platform", value_name = "OS/ARCH", value_delimiter = ',')]
                },
            }
            digests: ::std::collections::BTreeMap<String, String> {
                key: "digests",
                doc: "Registry digests of the base images, from `--pin-digests`.",
                merge: or_default,
            }
            image: String {
                key: "image",
                doc: "Image name and tag for compose and Kubernetes.",
                merge: pick,
            }
            version: String {
                key: "version",
                doc: "The project's version where its build backend reads it from git (hatch-vcs, setuptools-scm, ...).",
                merge: pick,
            }
            dockerfile: String {
                key: "dockerfile",
                doc: "Where to write the Dockerfile, relative to the project.",
                merge: pick,
            }
            compose: String {
                key: "compose",
                doc: "Where to write the compose file, relative to the project.",
                merge: pick,
            }
            kubernetes: String {
                key: "kubernetes",
                doc: "Where to write the Kubernetes manifest, relative to the project.",
                merge: pick,
            }
        }
    };
}

/// A chosen value and its origin.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Setting<T> {
    pub value: T,
    pub source: Source,
}

/// Merge rule `pick`: the flag wins over the config.
fn pick<T>(flag: Option<T>, config: Option<T>) -> Option<Setting<T>> {
    match (flag, config) {
        (Some(value), _) => Some(Setting {
            value,
            source: Source::Flag,
        }),
        (None, Some(value)) => Some(Setting {
            value,
            source: Source::Config,
        }),
        (None, None) => None,
    }
}

/// Merge rule `or_default`: the flag, else the config, else empty.
fn or_default<T: Default>(flag: Option<T>, config: Option<T>) -> T {
    flag.or(config).unwrap_or_default()
}

/// The type a merge rule gives a field of [`Settings`].
macro_rules! setting_type {
    (pick, $type:ty) => { Option<Setting<$type>> };
    (or_default, $type:ty) => { $type };
}

/// The flag's value for options with a flag; `None` for config-only ones.
macro_rules! flag_value {
    ($flags:ident . $name:ident) => {
        None
    };
    ($flags:ident . $name:ident $order:tt) => {
        $flags.$name
    };
}

/// Whether an entry has a flag part.
macro_rules! has_flag {
    () => {
        false
    };
    ($order:tt) => {
        true
    };
}

/// The library's expansion of the table: everything but the clap struct.
macro_rules! define_options {
    ($(
        $name:ident: $type:ty {
            key: $key:tt,
            doc: $doc:tt,
            merge: $merge:ident,
            $(flag: $order:tt $arg:ty {
                $(#[doc = $help:tt])*
                #[arg $clap:tt]
            } $(replaces [$($replaced:tt),*])?,)?
        }
    )*) => {
        /// The choices a user can make on the command line; clap-free so tests can build them.
        /// Each field's doc is its `--help`.
        #[derive(Debug, Clone, Default, PartialEq, Eq)]
        pub struct Flags {
            $($(
                $(#[doc = $help])*
                pub $name: Option<$type>,
            )?)*
        }

        /// Flags over config, field by field. `None` means the decision stage picks.
        #[derive(Debug, Clone, Default, PartialEq, Eq)]
        pub struct Settings {
            $(
                #[doc = $doc]
                pub $name: setting_type!($merge, $type),
            )*
        }

        /// `[tool.uv-rootless]`. Unknown keys are an error, so a typo never goes unnoticed.
        #[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
        #[serde(deny_unknown_fields)]
        pub struct ToolConfig {
            $(
                #[doc = $doc]
                #[serde(rename = $key)]
                pub $name: Option<$type>,
            )*
        }

        /// Each option's key, doc and JSON Schema, in table order.
        pub const OPTIONS: &[OptionInfo] = &[
            $(OptionInfo {
                key: $key,
                doc: $doc,
                has_flag: has_flag!($($order)?),
                replaces: &[$($($($replaced),*)?)?],
                schema: <$type as ConfigValue>::schema,
            },)*
        ];

        impl Settings {
            /// Merges `flags` over `config` by each option's merge rule. A flag that replaces
            /// other keys (a script or a command) drops them from the config first.
            pub fn merge(flags: Flags, mut config: ToolConfig) -> Self {
                $($($(
                    if flags.$name.is_some() {
                        $(config.clear($replaced);)*
                    }
                )?)?)*
                Settings {
                    $($name: $merge(flag_value!(flags.$name $($order)?), config.$name),)*
                }
            }
        }

        impl Flags {
            /// The flags given, as keys of `[tool.uv-rootless]` in flag order; and the keys
            /// they replace, to remove.
            pub fn choices(&self) -> (Vec<Choice>, Vec<&'static str>) {
                let mut choices = Vec::new();
                let mut remove = Vec::new();
                $($(
                    if let Some(value) = &self.$name {
                        choices.push(($order, Choice {
                            key: $key,
                            value: value.to_toml(),
                            comment: $doc,
                        }));
                        $($(remove.push($replaced);)*)?
                    }
                )?)*
                choices.sort_by_key(|(order, _)| *order);
                (choices.into_iter().map(|(_, choice)| choice).collect(), remove)
            }
        }

        impl ToolConfig {
            /// The keys set here, as keys to record, in table order.
            pub fn choices(&self) -> Vec<Choice> {
                let mut choices = Vec::new();
                $(
                    if let Some(value) = &self.$name {
                        choices.push(Choice {
                            key: $key,
                            value: value.to_toml(),
                            comment: $doc,
                        });
                    }
                )*
                choices
            }

            /// Unsets the option whose key is `key`.
            fn clear(&mut self, key: &str) {
                match key {
                    $($key => self.$name = None,)*
                    _ => {}
                }
            }
        }
    };
}

for_each_option!(define_options);

/// The JSON Schema of `[tool.uv-rootless]`, from the table: each key with its type and doc,
/// no other key allowed (as [`ToolConfig`] refuses unknown keys). Pretty-printed with a final
/// newline: the bytes of `schema/config.schema.json`.
pub fn config_schema() -> String {
    let properties: serde_json::Map<String, Json> = OPTIONS
        .iter()
        .map(|option| {
            let mut property = serde_json::Map::new();
            property.insert("description".into(), Json::from(option.doc));
            if let Json::Object(value_schema) = (option.schema)() {
                property.extend(value_schema);
            }
            (option.key.to_string(), Json::Object(property))
        })
        .collect();
    let schema = json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://github.com/uv-rootless/uv-rootless/schema/config.schema.json",
        "title": "[tool.uv-rootless]",
        "description": "The choices uv-rootless reads from `[tool.uv-rootless]` in pyproject.toml; `init` records the flags it was given here. Generated from the table of options (`src/options.rs`).",
        "type": "object",
        "additionalProperties": false,
        "properties": properties,
    });
    // A `Value` always serializes; the fallback keeps the signature free of an error no
    // caller could act on.
    let mut text = serde_json::to_string_pretty(&schema).unwrap_or_default();
    text.push('\n');
    text
}

/// What the table says of one option, for the schema and for tests.
#[derive(Debug, Clone, Copy)]
pub struct OptionInfo {
    pub key: &'static str,
    pub doc: &'static str,
    pub has_flag: bool,
    /// Config keys a flag of this option drops, and recording it removes.
    pub replaces: &'static [&'static str],
    /// The JSON Schema of the value.
    pub schema: fn() -> Json,
}

/// A type an option's value can have: how it is written into `pyproject.toml` and what the
/// schema says of it.
trait ConfigValue {
    fn to_toml(&self) -> Value;
    fn schema() -> Json;
}

impl ConfigValue for String {
    fn to_toml(&self) -> Value {
        Value::from(self.as_str())
    }
    fn schema() -> Json {
        json!({"type": "string"})
    }
}

impl ConfigValue for BaseId {
    fn to_toml(&self) -> Value {
        Value::from(self.as_str())
    }
    fn schema() -> Json {
        let names: Vec<&str> = BaseId::ALL.iter().map(|base| base.as_str()).collect();
        json!({"type": "string", "enum": names})
    }
}

impl ConfigValue for crate::model::AppKind {
    fn to_toml(&self) -> Value {
        Value::from(self.as_str())
    }
    fn schema() -> Json {
        let names: Vec<&str> = crate::model::AppKind::ALL
            .iter()
            .map(|kind| kind.as_str())
            .collect();
        json!({"type": "string", "enum": names})
    }
}

impl ConfigValue for u16 {
    fn to_toml(&self) -> Value {
        Value::from(i64::from(*self))
    }
    fn schema() -> Json {
        json!({"type": "integer", "minimum": u16::MIN, "maximum": u16::MAX})
    }
}

impl ConfigValue for u32 {
    fn to_toml(&self) -> Value {
        Value::from(i64::from(*self))
    }
    fn schema() -> Json {
        json!({"type": "integer", "minimum": u32::MIN, "maximum": u32::MAX})
    }
}

impl ConfigValue for Vec<String> {
    fn to_toml(&self) -> Value {
        Value::Array(self.iter().map(String::as_str).collect::<Array>())
    }
    fn schema() -> Json {
        json!({"type": "array", "items": {"type": "string"}})
    }
}

/// An inline table, so `digests = { "image" = "sha256:..." }` stays one key of the section.
impl ConfigValue for BTreeMap<String, String> {
    fn to_toml(&self) -> Value {
        let mut table = InlineTable::new();
        for (key, value) in self {
            table.insert(key, Value::from(value.as_str()));
        }
        Value::InlineTable(table)
    }
    fn schema() -> Json {
        json!({"type": "object", "additionalProperties": {"type": "string"}})
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_win_over_config() {
        let settings = Settings::merge(
            Flags {
                port: Some(9000),
                ..Flags::default()
            },
            ToolConfig {
                port: Some(8080),
                python: Some("3.12".into()),
                ..ToolConfig::default()
            },
        );
        assert_eq!(settings.port.unwrap().source, Source::Flag);
        assert_eq!(settings.python.unwrap().source, Source::Config);
        assert!(settings.base.is_none());
    }

    #[test]
    fn a_command_flag_replaces_a_configured_script() {
        let settings = Settings::merge(
            Flags {
                command: Some(vec!["serve".into()]),
                ..Flags::default()
            },
            ToolConfig {
                script: Some("old".into()),
                ..ToolConfig::default()
            },
        );
        assert!(settings.script.is_none());
        assert_eq!(settings.command.unwrap().value, vec!["serve".to_string()]);
    }

    #[test]
    fn a_script_flag_replaces_a_configured_command() {
        let settings = Settings::merge(
            Flags {
                script: Some("serve".into()),
                ..Flags::default()
            },
            ToolConfig {
                command: Some(vec!["old".into()]),
                ..ToolConfig::default()
            },
        );
        assert!(settings.command.is_none());
        assert_eq!(settings.script.unwrap().source, Source::Flag);
        let (choices, remove) = Flags {
            script: Some("serve".into()),
            ..Flags::default()
        }
        .choices();
        assert_eq!(choices.len(), 1);
        assert_eq!(remove, ["command"]);
    }

    #[test]
    fn flags_are_recorded_in_flag_order() {
        let flags = Flags {
            uid: Some(1000),
            package: Some("api".into()),
            base: Some(BaseId::Azurelinux),
            ..Flags::default()
        };
        let keys: Vec<&str> = flags.choices().0.iter().map(|choice| choice.key).collect();
        assert_eq!(keys, ["base", "package", "uid"]);
    }

    #[test]
    fn config_only_keys_have_no_flag_and_replaced_keys_exist() {
        let config_only: Vec<&str> = OPTIONS
            .iter()
            .filter(|option| !option.has_flag)
            .map(|option| option.key)
            .collect();
        assert_eq!(
            config_only,
            [
                "kind",
                "writable",
                "env-file",
                "smoke-seconds",
                "health-path",
                "smoke-args",
                "extras",
                "groups",
                "digests",
                "image",
                "version",
                "dockerfile",
                "compose",
                "kubernetes"
            ]
        );
        for option in OPTIONS {
            for replaced in option.replaces {
                assert!(
                    OPTIONS.iter().any(|other| other.key == *replaced),
                    "{} replaces unknown key {replaced}",
                    option.key
                );
            }
        }
    }

    #[test]
    fn every_key_is_kebab_case_and_every_doc_one_line() {
        for option in OPTIONS {
            assert!(
                option
                    .key
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c == '-'),
                "{}",
                option.key
            );
            assert!(!option.doc.contains('\n'), "{}", option.key);
        }
    }
}
