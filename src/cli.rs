//! Command-line types. Doc comments here are the `--help` text.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;
use uv_rootless::model::BaseId;
use uv_rootless::options::Flags;

/// Generate a non-root, read-only Dockerfile, compose.yaml and Kubernetes manifest for a uv project.
#[derive(Debug, Parser)]
#[command(name = "uv-rootless", version, propagate_version = true)]
#[command(
    after_help = "Examples:\n  uv-rootless init                  # in a uv project: write the files\n  uv-rootless check                 # in CI: fail with a diff when they are stale\n  uv-rootless explain --format json # what would be built, and why"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Write the Dockerfile, compose.yaml, .dockerignore and Kubernetes manifest, and record the
    /// choices in `[tool.uv-rootless]` of pyproject.toml.
    #[command(
        after_help = "Examples:\n  uv-rootless init\n  uv-rootless init path/to/project --base azurelinux\n  uv-rootless init --script my-cli --python 3.13\n  uv-rootless init --port 8080 --command uvicorn app.main:app --host 0.0.0.0 --port 8080\n  uv-rootless init --package api      # a member of a uv workspace"
    )]
    Init {
        #[command(flatten)]
        project: ProjectArg,
        #[command(flatten)]
        choices: ChoiceArgs,
        /// Replace existing files that uv-rootless did not generate.
        #[arg(long)]
        force: bool,
        /// Pin the base images by digest, read from the local Docker engine (pull them
        /// first), and record the digests in `[tool.uv-rootless]`.
        #[arg(long)]
        pin_digests: bool,
    },
    /// Regenerate the files from pyproject.toml, uv.lock and `[tool.uv-rootless]`.
    #[command(
        after_help = "Examples:\n  uv-rootless generate\n  uv-rootless generate --check   # the same as `uv-rootless check`"
    )]
    Generate {
        #[command(flatten)]
        project: ProjectArg,
        /// Write nothing; exit 1 with a diff if the files are stale (like `check`).
        #[arg(long)]
        check: bool,
        /// Replace existing files that uv-rootless did not generate.
        #[arg(long, conflicts_with = "check")]
        force: bool,
        /// Record the base images' digests again from the local Docker engine (pull them
        /// first), then regenerate.
        #[arg(long, conflicts_with = "check")]
        pin_digests: bool,
    },
    /// Exit 0 if the generated files are current, 1 with a unified diff if not, 2 on bad input.
    /// Writes nothing.
    #[command(
        after_help = "Examples:\n  uv-rootless check\n  uv-rootless check path/to/project\n  uv-rootless check --format github   # annotations in a GitHub Actions run"
    )]
    Check {
        #[command(flatten)]
        project: ProjectArg,
        /// How to report stale files: a unified diff, or GitHub Actions workflow commands (an
        /// error annotation on each stale file, then the diff).
        #[arg(long, value_enum, default_value_t = CheckFormat::Diff)]
        format: CheckFormat,
    },
    /// Build the image and prove it: runs as the configured non-root uid, read-only, with no
    /// capabilities; does its job; writes nothing; stops on SIGTERM; ships no uv, compiler,
    /// `.git`, dev dependency or missing bytecode. Needs a Docker engine.
    #[command(
        after_help = "Exit status: 0 when every check passes, 1 when one fails, 2 when it cannot run\n(no engine, a failed build, a time-out).\n\nExamples:\n  uv-rootless verify\n  uv-rootless verify --compose\n  uv-rootless verify --secret id=ca-certificates,src=/etc/ssl/certs/ca-certificates.crt\n  uv-rootless verify --keep --tag myapp:test\n  uv-rootless verify --env SECRET_KEY=test --env-file .env.test"
    )]
    Verify {
        #[command(flatten)]
        project: ProjectArg,
        #[command(flatten)]
        verify: VerifyArgs,
    },
    /// Show what would be built and why: each decision, its value and where it came from.
    #[command(
        after_help = "Examples:\n  uv-rootless explain\n  uv-rootless explain --base azurelinux\n  uv-rootless explain --format json | jq .python"
    )]
    Explain {
        #[command(flatten)]
        project: ProjectArg,
        #[command(flatten)]
        choices: ChoiceArgs,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Print a shell completion script to stdout.
    #[command(
        after_help = "Examples:\n  uv-rootless completions bash > ~/.local/share/bash-completion/completions/uv-rootless\n  uv-rootless completions zsh > \"${fpath[1]}/_uv-rootless\"\n  uv-rootless completions fish > ~/.config/fish/completions/uv-rootless.fish"
    )]
    Completions {
        /// The shell to complete for.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
}

/// The flags of `verify`.
#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// Also bring the service up with the generated compose.yaml, then take it down.
    #[arg(long)]
    pub compose: bool,
    /// Leave the image tagged for inspection: `--tag`, or `image` from the plan
    /// (`<name>:<version>`). Without it, no name is touched: the image is known by its id
    /// and removed at the end.
    #[arg(long)]
    pub keep: bool,
    /// Tag the image with this name (kept with `--keep`; without it, put back as it was at the
    /// end).
    #[arg(long, value_name = "TAG")]
    pub tag: Option<String>,
    /// Passed to `docker build --secret`, e.g. `id=ca-certificates,src=/path/to/ca.pem`.
    #[arg(long, value_name = "SPEC")]
    pub secret: Vec<String>,
    /// Passed to `docker build --network`: `host` reaches an index or git server on the
    /// machine's loopback.
    #[arg(long, value_name = "MODE")]
    pub network: Option<String>,
    /// Passed to `docker build --no-cache`: every step runs, none comes from the build cache.
    #[arg(long)]
    pub no_cache: bool,
    /// Build this Dockerfile instead of the generated one.
    #[arg(long, value_name = "PATH")]
    pub dockerfile: Option<PathBuf>,
    /// A run-time setting for every container verify runs (and compose), e.g.
    /// `SECRET_KEY=test`; repeatable. Never part of the image. A setting the code requires at
    /// start (`explain` names them) that neither this nor `--env-file` passes gets a stand-in of
    /// its type.
    #[arg(long = "env", value_name = "KEY=VALUE", value_parser = parse_env)]
    pub env: Vec<String>,
    /// A file of `KEY=VALUE` lines passed to every container verify runs (and compose).
    #[arg(long, value_name = "PATH")]
    pub env_file: Vec<PathBuf>,
    /// Seconds the build may take.
    #[arg(long, value_name = "SECONDS", default_value_t = 1800)]
    pub build_timeout: u64,
    /// Seconds each wait on a container may take (start, answer, job).
    #[arg(long, value_name = "SECONDS", default_value_t = 60)]
    pub timeout: u64,
}

#[derive(Debug, Args)]
pub struct ProjectArg {
    /// The project directory: where pyproject.toml and uv.lock are.
    #[arg(default_value = ".")]
    pub path: PathBuf,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CheckFormat {
    Diff,
    Github,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Text,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum BaseArg {
    /// python:X.Y-slim (Debian), the image's own CPython.
    PythonSlim,
    /// Azure Linux 3.0, uv-managed CPython; distroless final stage.
    Azurelinux,
    /// Docker Hardened Images python (Debian 13): `-dev` builds, the runtime variant runs.
    DhiPython,
    /// gcr.io/distroless/python3-debian13 (Debian's Python 3.13 only); no shell.
    DistrolessPython3,
}

impl From<BaseArg> for BaseId {
    fn from(base: BaseArg) -> Self {
        match base {
            BaseArg::PythonSlim => BaseId::PythonSlim,
            BaseArg::Azurelinux => BaseId::Azurelinux,
            BaseArg::DhiPython => BaseId::DhiPython,
            BaseArg::DistrolessPython3 => BaseId::DistrolessPython3,
        }
    }
}

/// The clap struct of the options that have a flag, expanded from the table in
/// `uv_rootless::options`. `display_order` is the flag's place in the table, so `--help` lists
/// the flags in that order, which is not the order of the config keys.
macro_rules! define_choice_args {
    ($(
        $name:ident: $type:ty {
            key: $key:tt,
            doc: $doc:tt,
            merge: $merge:ident,
            $(flag: $order:tt $arg:ty {
                $(#[doc = $help:tt])*
                #[arg($($clap:tt)*)]
            } $(replaces [$($replaced:tt),*])?,)?
        }
    )*) => {
        /// Choices that override `[tool.uv-rootless]`; `init` records them there.
        #[derive(Debug, Args)]
        pub struct ChoiceArgs {
            $($(
                $(#[doc = $help])*
                #[arg($($clap)*, display_order = $order)]
                pub $name: Option<$arg>,
            )?)*
        }

        impl From<ChoiceArgs> for Flags {
            fn from(args: ChoiceArgs) -> Self {
                Flags {
                    $($($name: args.$name.map(<$arg as Into<$type>>::into),)?)*
                }
            }
        }
    };
}

uv_rootless::for_each_option!(define_choice_args);

/// `KEY=VALUE` with a key a shell could export: the value passes to docker as it is.
fn parse_env(text: &str) -> Result<String, String> {
    let (key, _) = text
        .split_once('=')
        .ok_or_else(|| format!("`{text}` is not KEY=VALUE"))?;
    let valid = key
        .bytes()
        .next()
        .is_some_and(|b| b.is_ascii_alphabetic() || b == b'_')
        && key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
    if valid {
        Ok(text.to_string())
    } else {
        Err(format!(
            "`{key}` is not a variable name: letters, digits and `_`, not starting with a digit"
        ))
    }
}
