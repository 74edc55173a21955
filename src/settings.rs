//! Flags merged with `[tool.uv-rootless]`: a flag wins over the config, and each value
//! remembers where it came from so `explain` can say.

use crate::model::Source;
use crate::read::config::{BaseId, ToolConfig};

/// The choices a user can make on the command line; clap-free so tests can build them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Flags {
    pub base: Option<BaseId>,
    pub python: Option<String>,
    pub script: Option<String>,
    pub command: Option<Vec<String>>,
    pub port: Option<u16>,
    pub package: Option<String>,
    pub uid: Option<u32>,
    pub gid: Option<u32>,
    pub platforms: Option<Vec<String>>,
}

/// A chosen value and its origin.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Setting<T> {
    pub value: T,
    pub source: Source,
}

/// Flags over config, field by field. `None` means the decision stage picks.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Settings {
    pub base: Option<Setting<BaseId>>,
    pub python: Option<Setting<String>>,
    pub script: Option<Setting<String>>,
    pub command: Option<Setting<Vec<String>>>,
    pub port: Option<Setting<u16>>,
    pub health_path: Option<Setting<String>>,
    pub smoke_args: Option<Setting<Vec<String>>>,
    pub extras: Option<Setting<Vec<String>>>,
    pub groups: Option<Setting<Vec<String>>>,
    pub uid: Option<Setting<u32>>,
    pub gid: Option<Setting<u32>>,
    pub package: Option<Setting<String>>,
    pub platforms: Option<Setting<Vec<String>>>,
    /// Pinned image digests from the config, by image reference.
    pub digests: std::collections::BTreeMap<String, String>,
    pub image: Option<Setting<String>>,
    pub dockerfile: Option<Setting<String>>,
    pub compose: Option<Setting<String>>,
    pub kubernetes: Option<Setting<String>>,
}

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

impl Settings {
    pub fn merge(flags: Flags, config: ToolConfig) -> Self {
        // Destructure both so a new field cannot be forgotten here.
        let Flags {
            base,
            python,
            script,
            command,
            port,
            package,
            uid,
            gid,
            platforms,
        } = flags;
        let ToolConfig {
            base: config_base,
            python: config_python,
            script: config_script,
            command: config_command,
            port: config_port,
            health_path,
            smoke_args,
            extras,
            groups,
            uid: config_uid,
            gid: config_gid,
            package: config_package,
            platforms: config_platforms,
            digests,
            image,
            dockerfile,
            compose,
            kubernetes,
        } = config;
        // A script or a command given as a flag replaces both kinds from the config.
        let (config_script, config_command) = if script.is_some() || command.is_some() {
            (None, None)
        } else {
            (config_script, config_command)
        };
        Settings {
            base: pick(base, config_base),
            python: pick(python, config_python),
            script: pick(script, config_script),
            command: pick(command, config_command),
            port: pick(port, config_port),
            health_path: pick(None, health_path),
            smoke_args: pick(None, smoke_args),
            extras: pick(None, extras),
            groups: pick(None, groups),
            uid: pick(uid, config_uid),
            gid: pick(gid, config_gid),
            package: pick(package, config_package),
            platforms: pick(platforms, config_platforms),
            digests: digests.unwrap_or_default(),
            image: pick(None, image),
            dockerfile: pick(None, dockerfile),
            compose: pick(None, compose),
            kubernetes: pick(None, kubernetes),
        }
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
}
