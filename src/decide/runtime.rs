//! How the app runs: its kind (`web`, `worker`, `job`, `cli`), the paths beside its code it
//! may write, and how its run-time settings reach it. Pure: the kind follows the config, then
//! whether the command serves HTTP, then the frameworks the lock installs.

use crate::error::UserError;
use crate::model::{AppKind, Decision, ProbeEnv, Runtime, Source};
use crate::options::Settings;
use crate::read::names::PackageName;
use crate::read::python::EnvList;
use crate::read::source::needed_dir;
use std::collections::BTreeSet;

/// How long `verify` watches a worker stay up by default, in seconds.
pub const DEFAULT_SMOKE_SECONDS: u32 = 5;

/// Distributions whose presence means the process runs until stopped: chat bots and queue
/// consumers. A web command wins over them (a web app that enqueues Celery tasks is web).
const WORKER_FRAMEWORKS: &[&str] = &[
    "aiogram",
    "aio-pika",
    "aiokafka",
    "aiomqtt",
    "arq",
    "celery",
    "confluent-kafka",
    "discord-py",
    "disnake",
    "dramatiq",
    "faststream",
    "hikari",
    "huey",
    "hydrogram",
    "interactions-py",
    "kafka-python",
    "kurigram",
    "matrix-nio",
    "nats-py",
    "nextcord",
    "paho-mqtt",
    "pika",
    "py-cord",
    "pyrofork",
    "pyrogram",
    "python-telegram-bot",
    "pytelegrambotapi",
    "rq",
    "slack-bolt",
    "taskiq",
    "telethon",
    "temporalio",
    "twitchio",
];

/// What the decision reads.
pub struct Input<'a> {
    pub settings: &'a Settings,
    /// Whether the command serves HTTP, as the command decision found it.
    pub web: bool,
    /// Every package the app installs (its runtime closure in `uv.lock`).
    pub installed: &'a BTreeSet<PackageName>,
    /// The final stage's working directory, which writable paths are relative to.
    pub workdir: &'a str,
    /// Relative paths the source plainly writes, with where, e.g. (`logs/bot.log`,
    /// `bot.py:7`); a directory it creates ends in `/` (`logs/`).
    pub written_paths: &'a [(String, String)],
    /// The directories those paths need ([`needed_dir`]) that hold files of the project, as
    /// the read found them, each with one of them: a tmpfs there would hide them.
    pub occupied_dirs: &'a [(String, String)],
    /// The venv, which the working directory is for an installed project.
    pub venv: &'a str,
    /// A list of allowed hosts read from a variable (Django's `ALLOWED_HOSTS`), where it is
    /// read, and the host the probes send, which it must hold.
    pub probe_hosts: Option<(&'a EnvList, &'a str, &'a str)>,
    /// Why the command takes a subcommand (argparse subparsers, a click group), when it does:
    /// run bare it prints its usage and exits, so it is no worker.
    pub subcommands: Option<&'a str>,
}

pub fn decide(input: &Input<'_>) -> Result<Runtime, UserError> {
    let settings = input.settings;
    let kind = decide_kind(input);
    let adopted = match &settings.writable {
        Some(_) => None,
        None => Some(adopt(input)),
    };
    let writable = match (&settings.writable, &adopted) {
        (Some(setting), _) => {
            let mut paths = Vec::new();
            for path in &setting.value {
                let path = check_writable(path)?;
                if !paths.contains(&path) {
                    paths.push(path);
                }
            }
            Decision::new(paths, setting.source, "`writable` in `[tool.uv-rootless]`")
        }
        (None, Some(adopted)) if !adopted.paths.is_empty() => Decision::new(
            adopted.paths.iter().map(|(path, _)| path.clone()).collect(),
            Source::Detected,
            format!(
                "the code writes beside itself, read-only in the container: {}; `writable` in `[tool.uv-rootless]` replaces this list (`writable = []` for none)",
                adopted
                    .paths
                    .iter()
                    .map(|(path, why)| format!("`{path}` ({why})"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        ),
        (None, _) => Decision::new(
            Vec::new(),
            Source::Default,
            "none: the root filesystem is read-only, /tmp aside",
        ),
    };
    let workdir = input.workdir.trim_end_matches('/');
    let writable_mounts = writable
        .value
        .iter()
        .map(|path| format!("{workdir}/{path}"))
        .collect();
    let env_file = match &settings.env_file {
        Some(setting) => check_relative(&setting.value, "env-file")?,
        None => String::new(),
    };
    let smoke_seconds = match &settings.smoke_seconds {
        Some(setting) if setting.value == 0 || setting.value > 600 => return Err(UserError::new(
            format!(
                "`smoke-seconds` must be between 1 and 600, not `{}`",
                setting.value
            ),
        )
        .hint(
            "set `smoke-seconds` in `[tool.uv-rootless]` to how long a worker must stay up, e.g. 5",
        )),
        Some(setting) => setting.value,
        None => DEFAULT_SMOKE_SECONDS,
    };
    let mut suggested: Vec<String> = Vec::new();
    let hints = match adopted {
        Some(adopted) => adopted.hints,
        None => input
        .written_paths
        .iter()
        .filter(|(path, _)| {
            let path = path.trim_end_matches('/');
            !writable
                .value
                .iter()
                .any(|w| path == w || path.starts_with(&format!("{w}/")))
        })
        // One hint per directory to make writable, at the first place that writes it.
        .filter(|(path, _)| {
            let top = path.split('/').next().unwrap_or(path).to_string();
            let new = !suggested.contains(&top);
            suggested.push(top);
            new
        })
        .map(|(path, at)| match path.rsplit_once('/') {
            Some((dir, "")) => {
                let top = dir.split('/').next().unwrap_or(dir);
                format!(
                    "`{at}` creates the directory `{dir}` beside the code, which is read-only in the container: add `writable = [\"{top}\"]` to `[tool.uv-rootless]`"
                )
            }
            Some((dir, _)) => {
                let top = dir.split('/').next().unwrap_or(dir);
                format!(
                    "`{at}` writes `{path}` beside the code, which is read-only in the container: add `writable = [\"{top}\"]` to `[tool.uv-rootless]`"
                )
            }
            // A bare file name: it may be the directory itself (`os.makedirs("logs")`), or a
            // file in the working directory, which cannot be a mount of its own.
            None => format!(
                "`{at}` writes `{path}` in the working directory, which is read-only in the container: if it is a directory, add `writable = [\"{path}\"]` to `[tool.uv-rootless]`; if it is a file, write it under a directory made writable that way, or under `/tmp`"
            ),
        })
        .collect(),
    };
    let probe_env = match input.probe_hosts {
        Some((list, at, host)) if kind.value == AppKind::Web => vec![probe_env(list, at, host)],
        _ => Vec::new(),
    };
    Ok(Runtime {
        kind,
        writable,
        writable_mounts,
        env_file,
        smoke_seconds,
        hints,
        probe_env,
        // The settings read from the source, filled in by `plan`.
        required_env: Vec::new(),
    })
}

/// What the plan makes writable itself when `writable` is unset, and a hint for each written
/// path it leaves read-only, saying why.
struct Adopted {
    /// Each directory, relative to the working directory, and where the code writes it.
    paths: Vec<(String, String)>,
    hints: Vec<String>,
}

/// Where a refused directory's hint lists the directories made writable: a NUL, which no
/// path or file name holds.
const LIST: &str = "\0";

/// What a venv's root holds: never a mount when the working directory is the venv.
const VENV_ENTRIES: &[&str] = &["bin", "include", "lib", "lib64", "share"];

/// The directories beside the code that the code writes, made writable: the directory it
/// creates, a written file's parent; not a file of the working directory itself, a directory
/// that holds files of the project, a part of the venv, or a name a mount cannot carry.
fn adopt(input: &Input<'_>) -> Adopted {
    let in_venv = input.workdir.trim_end_matches('/') == input.venv.trim_end_matches('/');
    let mut candidates: Vec<(String, String)> = Vec::new();
    let mut refused: Vec<String> = Vec::new();
    let mut root_files: Vec<&str> = Vec::new();
    // Refused directories, with their hint: given unless one made writable holds them.
    let mut later: Vec<(&str, String)> = Vec::new();
    for (path, at) in input.written_paths {
        let shown = path.trim_end_matches('/').escape_debug().to_string();
        let Some(dir) = needed_dir(path) else {
            if !root_files.contains(&path.as_str()) {
                root_files.push(path);
                later.push(("", format!(
                    "`{at}` writes `{shown}` in the working directory, which is read-only in the container; it is not made writable, as a file of the working directory cannot be a mount of its own: write it under a directory the code creates (which is made writable), or under `/tmp`"
                )));
            }
            continue;
        };
        let top = dir.split('/').next().unwrap_or(dir);
        let shown_dir = dir.escape_debug().to_string();
        let held = input
            .occupied_dirs
            .iter()
            .find(|(seen, _)| seen == dir)
            .map(|(_, file)| file.as_str());
        let refusal = match (check_writable(dir), held) {
            (Err(_), _) => Some((
                format!("`{shown_dir}` has characters a mount cannot carry"),
                "write it under a directory named with letters, digits, `.`, `_` and `-`, or under `/tmp`".to_string(),
            )),
            (Ok(_), Some(file)) => Some((
                format!("`{dir}` holds files of the project (`{}`), which a tmpfs there would hide", file.escape_debug()),
                format!("write it under a directory of its own, or under `/tmp`; if those files are no part of the project (a local run's output), remove them; if hiding them is meant, set `writable = [{LIST}\"{dir}\"]` in `[tool.uv-rootless]`, which replaces this list"),
            )),
            (Ok(_), None) if in_venv && VENV_ENTRIES.contains(&top) => Some((
                format!(
                    "`{top}` is part of the venv `{}`, the working directory of an installed project",
                    input.venv
                ),
                "write it under a directory of its own, or under `/tmp`".to_string(),
            )),
            (Ok(_), None) => None,
        };
        match refusal {
            None => {
                if !candidates.iter().any(|(seen, _)| seen == dir) {
                    let why = if path.ends_with('/') {
                        format!("`{at}` creates it")
                    } else {
                        format!("`{at}` writes `{shown}`")
                    };
                    candidates.push((dir.to_string(), why));
                }
            }
            Some((reason, fix)) => {
                if !refused.iter().any(|seen| seen == dir) {
                    refused.push(dir.to_string());
                    later.push((dir, format!(
                        "`{at}` writes `{shown}` beside the code, which is read-only in the container; `{shown_dir}` is not made writable: {reason}: {fix}"
                    )));
                }
            }
        }
    }
    // A directory below another one made writable is in its tmpfs already.
    let covered = |dir: &str, paths: &[(String, String)]| {
        paths
            .iter()
            .any(|(other, _)| dir.starts_with(&format!("{other}/")))
    };
    let paths: Vec<(String, String)> = candidates
        .iter()
        .filter(|(dir, _)| !covered(dir, &candidates))
        .cloned()
        .collect();
    // The list a user would set to add one directory to those made writable.
    let listed: String = paths
        .iter()
        .map(|(dir, _)| format!("\"{dir}\", "))
        .collect();
    let hints = later
        .into_iter()
        .filter(|(dir, _)| !covered(dir, &paths))
        .map(|(_, hint)| hint.replace(LIST, &listed))
        .collect();
    Adopted { paths, hints }
}

/// The values that keep `host` in a list of hosts read from a variable: the image's default,
/// and compose's and Kubernetes' values that add it to what the user sets.
fn probe_env(list: &EnvList, at: &str, host: &str) -> ProbeEnv {
    let name = &list.variable;
    // `.split()` splits on whitespace; a space joins.
    let separator = list.separator.as_deref().unwrap_or(" ");
    let defaults: Vec<&str> = match (&list.default, &list.separator) {
        (Some(default), Some(separator)) => default
            .split(separator.as_str())
            .map(str::trim)
            .filter(|h| !h.is_empty())
            .collect(),
        (Some(default), None) => default.split_whitespace().collect(),
        (None, _) => Vec::new(),
    };
    let mut image: Vec<&str> = defaults.clone();
    if !image.contains(&host) {
        image.push(host);
    }
    let image_value = image.join(separator);
    // compose interpolates `${...}`: a default with `$`, braces or quotes is left out.
    let default = defaults.join(separator);
    let plain = default
        .chars()
        .all(|c| !c.is_control() && !matches!(c, '$' | '{' | '}' | '"' | '\\' | '\''));
    let compose_default = if plain { default.as_str() } else { "" };
    let compose_value = format!("${{{name}:-{compose_default}}}{separator}{host}");
    let kubernetes_value = format!("$({name}){separator}{host}");
    let default_note = match &list.default {
        Some(_) => "the code's default with it",
        None if list.required => "the code has no default",
        None => "the code's default is not a literal",
    };
    ProbeEnv {
        name: name.clone(),
        reason: format!(
            "`{at}` reads the allowed hosts from `{name}`, and the probes send `Host: {host}`: the image sets `{name}={image_value}` ({default_note}); compose and Kubernetes add `{host}` to the value you give"
        ),
        image_value,
        compose_value,
        kubernetes_value,
    }
}

fn decide_kind(input: &Input<'_>) -> Decision<AppKind> {
    if let Some(setting) = &input.settings.kind {
        return Decision::new(
            setting.value,
            setting.source,
            "`kind` in `[tool.uv-rootless]`",
        );
    }
    if input.web {
        return Decision::new(AppKind::Web, Source::Detected, "the command serves HTTP");
    }
    let workers: Vec<&str> = WORKER_FRAMEWORKS
        .iter()
        .copied()
        .filter(|name| input.installed.contains(&PackageName::new(name)))
        .collect();
    if let (false, Some(found)) = (workers.is_empty(), input.subcommands) {
        return Decision::new(
            AppKind::Cli,
            Source::Detected,
            format!(
                "{found}: run bare it prints its usage and exits, so it is a command-line tool and no worker, though `uv.lock` installs {}",
                workers.join(", ")
            ),
        );
    }
    if !workers.is_empty() {
        return Decision::new(
            AppKind::Worker,
            Source::Lock,
            format!(
                "`uv.lock` installs {}, which runs until stopped; a Deployment without a Service",
                workers.join(", ")
            ),
        );
    }
    Decision::new(
        AppKind::Cli,
        Source::Default,
        "a command-line program that runs and exits: a Kubernetes Job, so it does not restart in a loop",
    )
}

/// A writable path: relative to the working directory, no `..`, characters a mount accepts.
fn check_writable(path: &str) -> Result<String, UserError> {
    let path = check_relative(path, "writable")?;
    if path == "." {
        return Err(
            UserError::new("`writable` cannot be the working directory itself").hint(
                "name the directories the app writes, e.g. `writable = [\"logs\", \"data\"]`",
            ),
        );
    }
    Ok(path)
}

/// A path relative to the project or the working directory, normalised (no `./`, no trailing
/// `/`); only `A-Z a-z 0-9 . _ - /`, which every output prints as it is.
fn check_relative(path: &str, key: &str) -> Result<String, UserError> {
    let trimmed = path.trim_end_matches('/');
    let trimmed = trimmed.strip_prefix("./").unwrap_or(trimmed);
    let fix = || {
        format!("set `{key}` in `[tool.uv-rootless]` to a relative path such as \"logs\" or \"data/uploads\"")
    };
    if trimmed.is_empty() || path.starts_with('/') {
        return Err(
            UserError::new(format!("`{key}` must be a relative path, not `{path}`")).hint(fix()),
        );
    }
    if !trimmed
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-' | b'/'))
    {
        return Err(UserError::new(format!(
            "`{key}` has `{}`: only letters, digits, `.`, `_`, `-` and `/` can be mounted",
            path.escape_debug()
        ))
        .hint(fix()));
    }
    if trimmed
        .split('/')
        .any(|part| part.is_empty() || part == ".." || part == ".")
    {
        return Err(
            UserError::new(format!("`{key}` has `{path}`: no `..`, `.` or empty parts"))
                .hint(fix()),
        );
    }
    Ok(trimmed.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::options::Setting;

    fn input<'a>(
        settings: &'a Settings,
        web: bool,
        installed: &'a BTreeSet<PackageName>,
    ) -> Input<'a> {
        Input {
            settings,
            web,
            installed,
            workdir: "/src",
            written_paths: &[],
            occupied_dirs: &[],
            venv: "/app",
            probe_hosts: None,
            subcommands: None,
        }
    }

    #[test]
    fn a_command_that_takes_a_subcommand_is_a_cli_though_a_bot_library_is_installed() {
        let settings = Settings::default();
        let installed: BTreeSet<PackageName> = [PackageName::new("telethon")].into();
        let found = "`src/pkg/cli.py:4` adds argparse subcommands (`add_subparsers`)";
        let runtime = decide(&Input {
            subcommands: Some(found),
            ..input(&settings, false, &installed)
        })
        .unwrap();
        assert_eq!(runtime.kind.value, AppKind::Cli);
        assert!(
            runtime.kind.reason.contains(found),
            "{}",
            runtime.kind.reason
        );
        assert!(
            runtime.kind.reason.contains("telethon"),
            "{}",
            runtime.kind.reason
        );
        // Without one it is the worker the library makes it; a web command stays web.
        let runtime = decide(&input(&settings, false, &installed)).unwrap();
        assert_eq!(runtime.kind.value, AppKind::Worker);
        let runtime = decide(&Input {
            subcommands: Some(found),
            ..input(&settings, true, &installed)
        })
        .unwrap();
        assert_eq!(runtime.kind.value, AppKind::Web);
    }

    #[test]
    fn a_host_list_from_the_environment_keeps_the_probes_host() {
        let settings = Settings::default();
        let none = BTreeSet::new();
        let list = EnvList {
            variable: "DJANGO_ALLOWED_HOSTS".into(),
            default: Some("localhost, example.com".into()),
            required: false,
            separator: Some(",".into()),
        };
        let runtime = decide(&Input {
            probe_hosts: Some((&list, "site/settings.py:9", "127.0.0.1")),
            ..input(&settings, true, &none)
        })
        .unwrap();
        let env = &runtime.probe_env[0];
        assert_eq!(env.image_value, "localhost,example.com,127.0.0.1");
        assert_eq!(
            env.compose_value,
            "${DJANGO_ALLOWED_HOSTS:-localhost,example.com},127.0.0.1"
        );
        assert_eq!(env.kubernetes_value, "$(DJANGO_ALLOWED_HOSTS),127.0.0.1");
        assert!(env.reason.contains("site/settings.py:9"), "{}", env.reason);
        // Split on whitespace, a default that holds the host already, a default compose
        // could not carry.
        let list = EnvList {
            default: Some("127.0.0.1 ${x}".into()),
            separator: None,
            ..list
        };
        let runtime = decide(&Input {
            probe_hosts: Some((&list, "s.py:1", "127.0.0.1")),
            ..input(&settings, true, &none)
        })
        .unwrap();
        let env = &runtime.probe_env[0];
        assert_eq!(env.image_value, "127.0.0.1 ${x}");
        assert_eq!(env.compose_value, "${DJANGO_ALLOWED_HOSTS:-} 127.0.0.1");
        // Not a web app: no probes, nothing to keep.
        let runtime = decide(&Input {
            probe_hosts: Some((&list, "s.py:1", "127.0.0.1")),
            ..input(&settings, false, &none)
        })
        .unwrap();
        assert!(runtime.probe_env.is_empty());
    }

    fn config<T>(value: T) -> Option<Setting<T>> {
        Some(Setting {
            value,
            source: Source::Config,
        })
    }

    #[test]
    fn kind_follows_config_then_web_then_the_lock() {
        let settings = Settings::default();
        let none = BTreeSet::new();
        let bot = BTreeSet::from([PackageName::new("discord.py")]);
        let kind = |web, installed| decide(&input(&settings, web, installed)).unwrap().kind;
        assert_eq!(kind(true, &bot).value, AppKind::Web);
        let worker = kind(false, &bot);
        assert_eq!(worker.value, AppKind::Worker);
        assert!(worker.reason.contains("discord-py"), "{}", worker.reason);
        assert_eq!(kind(false, &none).value, AppKind::Cli);
        let settings = Settings {
            kind: config(AppKind::Job),
            ..Settings::default()
        };
        let job = decide(&input(&settings, false, &bot)).unwrap().kind;
        assert_eq!((job.value, job.source), (AppKind::Job, Source::Config));
    }

    #[test]
    fn writable_paths_are_relative_and_mount_under_the_workdir() {
        let settings = Settings {
            writable: config(vec!["logs/".into(), "./data/db".into(), "logs".into()]),
            ..Settings::default()
        };
        let none = BTreeSet::new();
        let runtime = decide(&input(&settings, false, &none)).unwrap();
        assert_eq!(runtime.writable.value, ["logs", "data/db"]);
        assert_eq!(runtime.writable_mounts, ["/src/logs", "/src/data/db"]);
        for bad in [
            "/var/log", "../logs", "a/../b", "", ".", "logs dir", "a\nb", "a:b", "a//b",
        ] {
            let settings = Settings {
                writable: config(vec![bad.into()]),
                ..Settings::default()
            };
            let error = decide(&input(&settings, false, &none)).unwrap_err();
            assert!(error.to_string().contains("writable"), "{bad:?}: {error}");
        }
    }

    #[test]
    fn a_written_path_that_is_not_writable_gets_a_hint() {
        let settings = Settings {
            writable: config(vec!["data".into()]),
            ..Settings::default()
        };
        let none = BTreeSet::new();
        let written = [
            ("logs/bot.log".to_string(), "bot.py:7".to_string()),
            ("data/app.db".to_string(), "db.py:2".to_string()),
        ];
        let runtime = decide(&Input {
            written_paths: &written,
            ..input(&settings, false, &none)
        })
        .unwrap();
        assert_eq!(runtime.hints.len(), 1);
        assert!(runtime.hints[0].contains("`bot.py:7` writes `logs/bot.log`"));
        assert!(runtime.hints[0].contains("writable = [\"logs\"]"));
    }

    fn written(paths: &[(&str, &str)]) -> Vec<(String, String)> {
        paths
            .iter()
            .map(|(path, at)| (path.to_string(), at.to_string()))
            .collect()
    }

    #[test]
    fn a_directory_the_code_creates_or_writes_a_file_in_is_made_writable() {
        let settings = Settings::default();
        let none = BTreeSet::new();
        let written = written(&[
            ("logs/", "app.py:3"),
            ("logs/app.log", "app.py:4"),
            ("data/cache/x.db", "db.py:2"),
        ]);
        let decided = || {
            decide(&Input {
                written_paths: &written,
                ..input(&settings, false, &none)
            })
            .unwrap()
        };
        let runtime = decided();
        assert_eq!(runtime.writable.value, ["logs", "data/cache"]);
        assert_eq!(runtime.writable.source, Source::Detected);
        assert_eq!(runtime.writable_mounts, ["/src/logs", "/src/data/cache"]);
        let reason = &runtime.writable.reason;
        assert!(
            reason.contains("`logs` (`app.py:3` creates it)"),
            "{reason}"
        );
        assert!(
            reason.contains("`data/cache` (`db.py:2` writes `data/cache/x.db`)"),
            "{reason}"
        );
        assert!(runtime.hints.is_empty(), "{:?}", runtime.hints);
        // The same inputs, the same plan.
        assert_eq!(decided(), runtime);
    }

    #[test]
    fn a_directory_below_one_made_writable_is_not_mounted_again() {
        let settings = Settings::default();
        let none = BTreeSet::new();
        let written = written(&[
            ("data/cache/", "a.py:1"),
            ("data/", "a.py:2"),
            ("data/my dir/x.log", "a.py:3"),
        ]);
        let runtime = decide(&Input {
            written_paths: &written,
            ..input(&settings, false, &none)
        })
        .unwrap();
        assert_eq!(runtime.writable.value, ["data"]);
        // `data/my dir` could not be a mount, but `data`'s tmpfs holds it.
        assert!(runtime.hints.is_empty(), "{:?}", runtime.hints);
    }

    #[test]
    fn a_file_of_the_working_directory_itself_is_not_made_writable() {
        let settings = Settings::default();
        let none = BTreeSet::new();
        let written = written(&[("bot.db", "db.py:5")]);
        let runtime = decide(&Input {
            written_paths: &written,
            ..input(&settings, false, &none)
        })
        .unwrap();
        assert!(runtime.writable.value.is_empty());
        assert_eq!(runtime.writable.source, Source::Default);
        assert_eq!(runtime.hints.len(), 1);
        let hint = &runtime.hints[0];
        assert!(hint.contains("`db.py:5` writes `bot.db`"), "{hint}");
        assert!(hint.contains("cannot be a mount of its own"), "{hint}");
    }

    #[test]
    fn a_directory_that_holds_files_of_the_project_is_not_made_writable() {
        let settings = Settings::default();
        let none = BTreeSet::new();
        let written = written(&[("data/app.db", "db.py:2"), ("data/cache/", "db.py:3")]);
        let occupied = [("data".to_string(), "data/schema.sql".to_string())];
        let runtime = decide(&Input {
            written_paths: &written,
            occupied_dirs: &occupied,
            ..input(&settings, false, &none)
        })
        .unwrap();
        // `data/cache` is not there: a tmpfs hides nothing.
        assert_eq!(runtime.writable.value, ["data/cache"]);
        assert_eq!(runtime.hints.len(), 1);
        let hint = &runtime.hints[0];
        assert!(hint.contains("`db.py:2` writes `data/app.db`"), "{hint}");
        assert!(
            hint.contains("`data` holds files of the project (`data/schema.sql`)"),
            "{hint}"
        );
        // Setting the list replaces it: the fix names what it holds now, and `data`.
        assert!(
            hint.contains("set `writable = [\"data/cache\", \"data\"]`"),
            "{hint}"
        );
    }

    #[test]
    fn no_part_of_the_venv_is_made_writable_when_it_is_the_working_directory() {
        let settings = Settings::default();
        let none = BTreeSet::new();
        let written = written(&[("lib/x.log", "a.py:1"), ("logs/", "a.py:2")]);
        let venv_input = |workdir| Input {
            written_paths: &written,
            workdir,
            ..input(&settings, false, &none)
        };
        let runtime = decide(&venv_input("/app")).unwrap();
        assert_eq!(runtime.writable_mounts, ["/app/logs"]);
        assert_eq!(runtime.hints.len(), 1);
        assert!(
            runtime.hints[0].contains("`lib` is part of the venv `/app`"),
            "{}",
            runtime.hints[0]
        );
        // Beside the source, `lib` is a directory like any other.
        let runtime = decide(&venv_input("/src")).unwrap();
        assert_eq!(runtime.writable.value, ["lib", "logs"]);
    }

    #[test]
    fn a_directory_a_mount_cannot_name_is_not_made_writable() {
        let settings = Settings::default();
        let none = BTreeSet::new();
        let written = written(&[("my logs/a.log", "a.py:1"), ("a:b/", "a.py:2")]);
        let runtime = decide(&Input {
            written_paths: &written,
            ..input(&settings, false, &none)
        })
        .unwrap();
        assert!(runtime.writable.value.is_empty());
        assert_eq!(runtime.hints.len(), 2, "{:?}", runtime.hints);
        assert!(runtime.hints[0].contains("`my logs` has characters a mount cannot carry"));
    }

    #[test]
    fn writable_in_the_config_wins_over_what_the_code_writes() {
        let none = BTreeSet::new();
        let written = written(&[("logs/app.log", "app.py:4"), ("cache/", "app.py:5")]);
        // An empty list: nothing made writable, the hints as before.
        let settings = Settings {
            writable: config(Vec::new()),
            ..Settings::default()
        };
        let runtime = decide(&Input {
            written_paths: &written,
            ..input(&settings, false, &none)
        })
        .unwrap();
        assert!(runtime.writable.value.is_empty());
        assert_eq!(runtime.writable.source, Source::Config);
        assert_eq!(runtime.hints.len(), 2);
        assert!(runtime.hints[0].contains("add `writable = [\"logs\"]`"));
        // A list: that list alone.
        let settings = Settings {
            writable: config(vec!["cache".into()]),
            ..Settings::default()
        };
        let runtime = decide(&Input {
            written_paths: &written,
            ..input(&settings, false, &none)
        })
        .unwrap();
        assert_eq!(runtime.writable.value, ["cache"]);
        assert_eq!(runtime.hints.len(), 1);
    }

    #[test]
    fn smoke_seconds_is_bounded() {
        let none = BTreeSet::new();
        for bad in [0, 601] {
            let settings = Settings {
                smoke_seconds: config(bad),
                ..Settings::default()
            };
            assert!(decide(&input(&settings, false, &none)).is_err());
        }
        let settings = Settings::default();
        assert_eq!(
            decide(&input(&settings, false, &none))
                .unwrap()
                .smoke_seconds,
            DEFAULT_SMOKE_SECONDS
        );
    }
}
