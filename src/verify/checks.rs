//! The rules of `verify`: each turns what the engine showed (the probe's JSON, `docker diff`,
//! `docker inspect`, a job's outcome, a timing) and what the plan promises into a [`Check`].
//! Pure functions of plain values, so every rule is tested here without an engine.

use super::{tail, Check};
use crate::model::{Plan, RequiredSetting, User};
use crate::read::graph;
use crate::read::names::PackageName;
use crate::read::ProjectFiles;
use serde::Deserialize;
use std::collections::BTreeSet;
use std::time::Duration;

/// How long `docker stop` may take: a process that handles SIGTERM exits at once, one that
/// ignores it is killed only after the stop timeout.
pub const STOP_LIMIT: Duration = Duration::from_secs(3);

/// How the app's job went in one container.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Job {
    /// A web app answered `GET path` with `status`, `elapsed` after its container started;
    /// the tail of its logs when the status is not a success.
    Answered {
        path: String,
        status: u16,
        elapsed: Duration,
        logs: String,
    },
    /// A worker was still running `seconds` after its start-up settled `settled_after` its
    /// start (`None`: it was still busy, and ran `seconds` in all).
    StayedUp {
        seconds: u32,
        settled_after: Option<Duration>,
    },
    /// A worker exited `seconds` after it started, before its window was over; its exit code and
    /// the tail of its logs.
    ExitedEarly {
        seconds: u32,
        code: Option<i32>,
        logs: String,
    },
    /// A web app probed over TCP answered on its port with an HTTP status line: any status
    /// but a server error (the plan knows no path, and an answer proves the server listens;
    /// a 5xx proves the app failed). The tail of its logs on a 5xx.
    Listening {
        status: u16,
        elapsed: Duration,
        logs: String,
    },
    /// `docker run` itself failed.
    DidNotStart { stderr: String },
    /// The container published no host port for the app's port.
    NoPublishedPort,
    /// The container stopped before answering; the tail of its logs.
    ExitedBeforeAnswering { logs: String },
    /// Nothing answered `GET path` within the limit.
    NoAnswer { path: String, timeout: Duration },
    /// A command-line app's smoke test (`smoke`, as one line) finished.
    Exited {
        smoke: String,
        code: Option<i32>,
        stdout: String,
        stderr: String,
        elapsed: Duration,
    },
    /// A command-line app's smoke test (`smoke`, as one line) was still running after
    /// `timeout`: most likely a server or a loop that the plan took for a command-line app.
    DidNotExit { smoke: String, timeout: Duration },
}

/// What a failed container's log shows: its last `lines` lines, after the exception lines that
/// come before them. A chained traceback's root cause is printed first and its last frames last,
/// so a tail alone can hide the error the chain starts from (a refused connection under the
/// framework's own exception). A refused connection to a service on the container's own host
/// gets a line that says what to do.
pub fn log_excerpt(logs: &str, lines: usize) -> String {
    let all: Vec<&str> = logs.lines().collect();
    let start = all.len().saturating_sub(lines);
    let mut out = String::new();
    let earlier: Vec<&str> = all[..start]
        .iter()
        .copied()
        .filter(|line| is_exception_line(line))
        .collect();
    if !earlier.is_empty() {
        out.push_str("  (exceptions earlier in the log)\n");
        for line in earlier.iter().rev().take(8).rev() {
            out.push_str(&format!("  {line}\n"));
        }
        out.push_str("  ...\n");
    }
    out.push_str(&tail(logs, lines));
    if let Some(port) = all.iter().find_map(|line| refused_local_port(line)) {
        let service = match port {
            5432 => "PostgreSQL",
            3306 => "MySQL",
            6379 => "Redis",
            27017 => "MongoDB",
            5672 => "RabbitMQ",
            9200 => "Elasticsearch",
            11211 => "memcached",
            _ => "a service",
        };
        out.push_str(&format!(
            "  hint: the app connects at start to {service} on its own host (port {port}), where \
             the container has none: pass the service's real address with `--env` (or `--env-file`), \
             or set `health-path` to a route that does not need it\n"
        ));
    }
    out
}

/// A line Python prints for an exception: `Name: message` or a bare `Name`, at the start of the
/// line, where the name (dotted) ends like an exception class.
fn is_exception_line(line: &str) -> bool {
    if line.starts_with(char::is_whitespace) {
        return false;
    }
    let name = line
        .split_once(':')
        .map_or(line, |(name, _)| name)
        .trim_end();
    let valid = !name.is_empty()
        && name.split('.').all(|part| {
            !part.is_empty() && part.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        });
    let last = name.rsplit('.').next().unwrap_or(name);
    valid
        && [
            "Error",
            "Exception",
            "Exit",
            "Interrupt",
            "Failure",
            "Refused",
            "Timeout",
        ]
        .iter()
        .any(|end| last.ends_with(end))
}

/// The port of a refused connection to the container's own host named on `line`:
/// `localhost:6379`, `('127.0.0.1', 5432)`, `"127.0.0.1", port 5432`.
fn refused_local_port(line: &str) -> Option<u16> {
    let lower = line.to_ascii_lowercase();
    if !lower.contains("refused") && !lower.contains("errno 111") {
        return None;
    }
    let number = |token: &str| -> Option<u16> {
        let end = token
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(token.len());
        token[..end].parse().ok()
    };
    let tokens: Vec<&str> = lower
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '.' || c == ':'))
        .filter(|t| !t.is_empty())
        .collect();
    let local = |t: &str| ["localhost", "127.0.0.1", "::1"].contains(&t.trim_end_matches('.'));
    if !tokens
        .iter()
        .any(|t| local(t) || t.starts_with("localhost:") || t.starts_with("127.0.0.1:"))
    {
        return None;
    }
    for (i, token) in tokens.iter().enumerate() {
        let next = tokens.get(i + 1).copied().unwrap_or("");
        for host in ["localhost:", "127.0.0.1:"] {
            if let Some(port) = token.strip_prefix(host).and_then(number) {
                return Some(port);
            }
        }
        if local(token) || *token == "port" {
            if let Some(port) = number(next) {
                return Some(port);
            }
        }
    }
    None
}

impl Job {
    /// Whether the job did what it should, and what to say about it.
    pub fn outcome(&self) -> (bool, String) {
        match self {
            Job::Answered {
                path,
                status,
                elapsed,
                logs,
            } => {
                let passed = (200..400).contains(status);
                (
                    passed,
                    format!(
                        "`GET {path}` answered {status} after {:.2} s{}",
                        elapsed.as_secs_f64(),
                        if passed || logs.is_empty() {
                            String::new()
                        } else {
                            format!("; its log:\n{}", log_excerpt(logs, 20))
                        }
                    ),
                )
            }
            Job::StayedUp {
                seconds,
                settled_after: Some(after),
            } => (
                true,
                format!(
                    "still running {seconds} s after its start-up settled ({:.1} s after start)",
                    after.as_secs_f64()
                ),
            ),
            Job::StayedUp {
                seconds,
                settled_after: None,
            } => (
                true,
                format!(
                    "still running after {seconds} s, and still busy: its start-up did not settle"
                ),
            ),
            Job::ExitedEarly {
                seconds,
                code,
                logs,
            } => (
                false,
                format!(
                    "exited {} after {seconds} s; a worker must run until stopped:\n{}",
                    code.map_or("by a signal".into(), |c| c.to_string()),
                    log_excerpt(logs, 20)
                ),
            ),
            Job::Listening {
                status,
                elapsed,
                logs,
            } => {
                let passed = *status < 500;
                (
                    passed,
                    format!(
                        "the port answered (HTTP {status}) after {:.2} s{}",
                        elapsed.as_secs_f64(),
                        if passed {
                            String::new()
                        } else {
                            format!(
                                ": the server listens, but the app failed; its log:\n{}",
                                log_excerpt(logs, 20)
                            )
                        }
                    ),
                )
            }
            Job::DidNotStart { stderr } => (false, format!("did not start: {}", stderr.trim())),
            Job::NoPublishedPort => (false, "no published port".into()),
            Job::ExitedBeforeAnswering { logs } => (
                false,
                format!("exited before answering:\n{}", log_excerpt(logs, 20)),
            ),
            Job::NoAnswer { path, timeout } => (
                false,
                format!("`GET {path}` got no answer within {} s", timeout.as_secs()),
            ),
            Job::Exited {
                smoke,
                code: Some(0),
                elapsed,
                ..
            } => (
                true,
                format!("`{smoke}` exited 0 in {:.2} s", elapsed.as_secs_f64()),
            ),
            Job::DidNotExit { smoke, timeout } => (
                false,
                format!(
                    "`{smoke}` did not exit within {} s, so the app was stopped; a command-line \
                     app's smoke test must exit. If the app is a server, set `kind = \"web\"` \
                     (with `port`) in `[tool.uv-rootless]`; if it runs until stopped, set \
                     `kind = \"worker\"`; else give `smoke-args` that exit",
                    timeout.as_secs()
                ),
            ),
            Job::Exited {
                smoke,
                code,
                stdout,
                stderr,
                ..
            } => (
                false,
                format!(
                    "`{smoke}` exited {}:\n{}{}",
                    code.map_or("by a signal".into(), |c| c.to_string()),
                    tail(stdout, 10),
                    tail(stderr, 10)
                ),
            ),
        }
    }
}

/// The image's `USER` (from `docker image inspect`) is the plan's numeric, non-root uid:gid.
pub fn image_user(user: &str, expected: User) -> Check {
    let expected = format!("{}:{}", expected.uid, expected.gid);
    let numeric = !user.is_empty()
        && user
            .split(':')
            .all(|id| !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit()));
    let root = user.is_empty() || user.split(':').next() == Some("0") || user.starts_with("root");
    Check {
        name: "image user",
        passed: numeric && !root && user == expected,
        detail: if user.is_empty() {
            "the image sets no USER: it runs as root".into()
        } else {
            format!("USER {user} (expected {expected})")
        },
    }
}

/// The job ran with a read-only root filesystem, no capabilities and no new privileges.
/// `not_covered` is what the health probe does not prove (the plan's `health_note`), said
/// beside a passing answer so that a pass is not read as more than it is.
pub fn read_only_run(job: &Job, not_covered: &str) -> Check {
    let (passed, detail) = job.outcome();
    let note = if passed && !not_covered.is_empty() && matches!(job, Job::Answered { .. }) {
        format!(" (not covered by the probe: {not_covered})")
    } else {
        String::new()
    };
    Check {
        name: "read-only run",
        passed,
        detail: format!(
            "--read-only --tmpfs /tmp --cap-drop ALL --security-opt no-new-privileges: {detail}{note}"
        ),
    }
}

/// A first session of a script its framework runs per session (Streamlit, Panel), run in the
/// image read-only with the framework's own machinery: it passes when the script ran to its end.
pub fn first_session(job: &Job) -> Check {
    let (passed, detail) = match job {
        Job::Exited {
            code: Some(0),
            stdout,
            elapsed,
            ..
        } => (
            true,
            format!(
                "{} ({:.2} s)",
                stdout.trim().lines().last().unwrap_or("the session ran"),
                elapsed.as_secs_f64()
            ),
        ),
        Job::Exited {
            code,
            stdout,
            stderr,
            ..
        } => (
            false,
            format!(
                "the session exited {}:\n{}{}",
                code.map_or("by a signal".into(), |c| c.to_string()),
                tail(stdout, 5),
                tail(stderr, 20)
            ),
        ),
        other => other.outcome(),
    };
    Check {
        name: "first session",
        passed,
        detail,
    }
}

/// The container was running, and `docker stop` stopped it within [`STOP_LIMIT`]. One that
/// had already exited proves nothing about SIGTERM: that fails too.
pub fn stops_on_sigterm(was_running: bool, stopped: bool, elapsed: Duration) -> Check {
    Check {
        name: "stops on SIGTERM",
        passed: was_running && stopped && elapsed < STOP_LIMIT,
        detail: if was_running {
            format!(
                "`docker stop` returned in {:.2} s (limit {} s)",
                elapsed.as_secs_f64(),
                STOP_LIMIT.as_secs()
            )
        } else {
            "not checked: the container had already exited, so there was nothing to stop".into()
        },
    }
}

/// With a writable root filesystem, the job succeeded and `docker diff` (`diff`, one change a
/// line) shows nothing but the mount points in `mounts` (the `writable` paths, the init): the
/// engine creates those, and their parents change with them, before the app runs.
pub fn writes_nothing(job: &Job, diff_succeeded: bool, diff: &str, mounts: &[String]) -> Check {
    let (job_passed, job_detail) = job.outcome();
    let engine_made = |line: &str| {
        let Some((change, path)) = line.split_once(' ') else {
            return false;
        };
        mounts.iter().any(|mount| {
            (change == "A" && path == mount)
                || (matches!(change, "A" | "C") && mount.starts_with(&format!("{path}/")))
        })
    };
    let changes: Vec<&str> = diff.lines().filter(|line| !engine_made(line)).collect();
    Check {
        name: "writes nothing",
        passed: job_passed && diff_succeeded && changes.is_empty(),
        detail: if !job_passed {
            format!("the job failed without --read-only: {job_detail}")
        } else if changes.is_empty() {
            "`docker diff` is empty after the job".into()
        } else {
            format!(
                "`docker diff` shows {} change(s): {}",
                changes.len(),
                changes
                    .iter()
                    .take(10)
                    .copied()
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        },
    }
}

/// Where the probe looks: the directories the runtime user must not be able to write, and the
/// source directories whose modules must have bytecode (besides the stdlib and the venv).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProbeRoots {
    pub writable: Vec<String>,
    pub bytecode: Vec<String>,
}

impl ProbeRoots {
    pub fn of(plan: &Plan) -> Self {
        let mut writable = vec![plan.layout.venv.clone(), plan.layout.workdir.clone()];
        let mut bytecode = Vec::new();
        if plan.base.value.managed_python {
            writable.push(plan.base.value.python_install_dir.clone());
        }
        if plan.layout.copies_source {
            writable.push(plan.layout.build_dir.clone());
            bytecode.push(plan.layout.build_dir.clone());
        }
        writable.sort();
        writable.dedup();
        ProbeRoots { writable, bytecode }
    }

    /// The probe's argument.
    pub fn to_json(&self) -> String {
        serde_json::json!({ "writable_roots": self.writable, "bytecode_roots": self.bytecode })
            .to_string()
    }
}

/// What the probe inside the image reports (`probe.py`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct Probe {
    pub uid: u32,
    pub gid: u32,
    pub writable: Vec<String>,
    pub forbidden: Vec<String>,
    pub git: Vec<String>,
    pub missing_bytecode: Vec<String>,
    pub missing_bytecode_count: usize,
    /// Modules of the standard library that importing the top-level modules of the
    /// environment's distributions (but the local ones: the project's own) loaded from source,
    /// without bytecode.
    #[serde(default)]
    pub stdlib_missing_bytecode: Vec<String>,
    /// Why that list may be incomplete (the imports ran out of time), or empty.
    #[serde(default)]
    pub stdlib_import_note: String,
    pub distributions: Vec<String>,
    /// Each installed distribution's version, by PEP 503 name.
    #[serde(default)]
    pub versions: std::collections::BTreeMap<String, String>,
}

/// The probe's report, or the failed check when it did not run or printed something else.
pub fn probe(succeeded: bool, stdout: &str, stderr: &str) -> Result<Probe, Check> {
    match serde_json::from_str(stdout.trim()) {
        Ok(probe) if succeeded => Ok(probe),
        _ => Err(Check {
            name: "inside the image",
            passed: false,
            detail: format!(
                "the probe failed:\n{}{}",
                tail(stdout, 10),
                tail(stderr, 10)
            ),
        }),
    }
}

/// The process runs as the plan's uid:gid, and that is not root.
pub fn runs_as(probe: &Probe, user: User) -> Check {
    Check {
        name: "runs as",
        passed: probe.uid == user.uid && probe.gid == user.gid && probe.uid != 0,
        detail: format!(
            "uid {} gid {} (expected {}:{})",
            probe.uid, probe.gid, user.uid, user.gid
        ),
    }
}

/// The runtime user can write nothing under `roots` (the app, the venv, the Python).
pub fn app_not_writable(probe: &Probe, roots: &[String]) -> Check {
    Check {
        name: "app not writable",
        passed: probe.writable.is_empty(),
        detail: if probe.writable.is_empty() {
            format!(
                "the runtime user can write nothing under {}",
                roots.join(", ")
            )
        } else {
            format!(
                "writable by the runtime user: {}",
                probe.writable.join(", ")
            )
        },
    }
}

/// No uv and no compiler or linker anywhere in the image. When the venv at `venv` has the `uv`
/// distribution installed (a tool that drives uv depends on it), its `bin/uv`, `bin/uvx` and
/// `bin/uvw` are the app's own, from `uv.lock`, and not the uv that built the image.
pub fn no_uv_no_compiler(probe: &Probe, venv: &str) -> Check {
    let app_uv = probe
        .distributions
        .iter()
        .any(|name| PackageName::new(name).is("uv"));
    let own: Vec<String> = if app_uv {
        ["uv", "uvx", "uvw"]
            .iter()
            .map(|name| format!("{venv}/bin/{name}"))
            .collect()
    } else {
        Vec::new()
    };
    let found: Vec<&String> = probe
        .forbidden
        .iter()
        .filter(|path| !own.contains(path))
        .collect();
    let kept: Vec<&String> = probe
        .forbidden
        .iter()
        .filter(|path| own.contains(path))
        .collect();
    let mut detail = if found.is_empty() {
        "no uv, uvx, gcc, cc, clang or ld anywhere".to_string()
    } else {
        format!(
            "found: {}",
            found
                .iter()
                .map(|path| path.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    if !kept.is_empty() {
        let kept: Vec<&str> = kept.iter().map(|path| path.as_str()).collect();
        detail.push_str(&format!(
            "{} {}: the app's own `uv` distribution from `uv.lock`, not the build's uv",
            if found.is_empty() {
                "; but for"
            } else {
                "; allowed:"
            },
            kept.join(", ")
        ));
    }
    Check {
        name: "no uv, no compiler",
        passed: found.is_empty(),
        detail,
    }
}

/// No `.git` directory anywhere in the image.
pub fn no_git(probe: &Probe) -> Check {
    Check {
        name: "no .git",
        passed: probe.git.is_empty(),
        detail: if probe.git.is_empty() {
            "no `.git` directory".into()
        } else {
            format!("found: {}", probe.git.join(", "))
        },
    }
}

/// Each installed project whose build backend reads its version from git (`names`, PEP 503)
/// has the version worked out for the build (`expected`): not the `0.0.0` a backend without
/// `.git` falls back to. `None` when none of them is installed (a virtual app).
pub fn version_from_git(probe: &Probe, names: &[String], expected: &str) -> Option<Check> {
    let same = |found: &str| {
        use std::str::FromStr;
        match (
            pep440_rs::Version::from_str(found),
            pep440_rs::Version::from_str(expected),
        ) {
            (Ok(found), Ok(expected)) => found == expected,
            _ => found == expected,
        }
    };
    let installed: Vec<(&String, &String)> = names
        .iter()
        .filter_map(|name| probe.versions.get(name).map(|version| (name, version)))
        .collect();
    if installed.is_empty() {
        return None;
    }
    let wrong: Vec<String> = installed
        .iter()
        .filter(|(_, version)| !same(version))
        .map(|(name, version)| format!("`{name}` is {version}"))
        .collect();
    Some(Check {
        name: "version from git",
        passed: wrong.is_empty(),
        detail: if wrong.is_empty() {
            format!(
                "{} installed as {expected}",
                installed
                    .iter()
                    .map(|(name, _)| format!("`{name}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        } else {
            format!("{} (expected {expected})", wrong.join(", "))
        },
    })
}

/// None of `dev_only` (normalized names) is installed in the image's venv.
pub fn no_dev_dependencies(probe: &Probe, dev_only: &BTreeSet<PackageName>) -> Check {
    let installed: BTreeSet<PackageName> = probe
        .distributions
        .iter()
        .map(|name| PackageName::new(name))
        .collect();
    let shipped: Vec<&str> = dev_only
        .iter()
        .filter(|name| installed.contains(*name))
        .map(PackageName::as_str)
        .collect();
    Check {
        name: "no dev dependencies",
        passed: shipped.is_empty(),
        detail: if shipped.is_empty() {
            format!("none of {} dev-only package(s) installed", dev_only.len())
        } else {
            format!("installed: {}", shipped.join(", "))
        },
    }
}

/// How many modules of the standard library importing the dependencies may load without
/// bytecode before `bytecode compiled` fails: a dependency whose import takes another path at
/// run time than in the build (another user, `HOME`, settings) may load one the build did not
/// see, which costs its compile at each start, not a failure. Without the stdlib layer at all,
/// a FastAPI service loads 167.
pub const STDLIB_WITHOUT_BYTECODE_TOLERATED: usize = 5;

/// Every importable module of the environment and the source has a `.pyc` the interpreter loads
/// (its magic number, and the source's hash or mtime and size, as the import system compares
/// them: a stale `.pyc` or another release's is compiled over at each start), and so has every
/// module of the standard library that importing the dependencies loads (but at most
/// [`STDLIB_WITHOUT_BYTECODE_TOLERATED`]), so a read-only image never compiles much at start.
pub fn bytecode_compiled(probe: &Probe) -> Check {
    let stdlib = probe.stdlib_missing_bytecode.len();
    let shown = probe
        .stdlib_missing_bytecode
        .iter()
        .take(20)
        .map(String::as_str)
        .collect::<Vec<_>>()
        .join(", ");
    let mut problems = Vec::new();
    if probe.missing_bytecode_count > 0 {
        problems.push(format!(
            "{} module(s) of the environment or the source without a .pyc this Python loads \
             (none, a stale one or another release's), e.g. {}",
            probe.missing_bytecode_count,
            probe.missing_bytecode.join(", ")
        ));
    }
    if stdlib > STDLIB_WITHOUT_BYTECODE_TOLERATED {
        problems.push(format!(
            "importing the dependencies' top-level modules loaded {stdlib} module(s) of the \
             standard library without a .pyc this Python loads (at most \
             {STDLIB_WITHOUT_BYTECODE_TOLERATED} pass), e.g. {shown}"
        ));
    }
    let mut notes = Vec::new();
    if (1..=STDLIB_WITHOUT_BYTECODE_TOLERATED).contains(&stdlib) {
        notes.push(format!(
            "{stdlib} module(s) of the stdlib loaded without a .pyc this Python loads, \
             compiled at each start: {shown}"
        ));
    }
    if !probe.stdlib_import_note.is_empty() {
        notes.push(probe.stdlib_import_note.clone());
    }
    let note = if notes.is_empty() {
        String::new()
    } else {
        format!(" ({})", notes.join("; "))
    };
    Check {
        name: "bytecode compiled",
        passed: problems.is_empty(),
        detail: if problems.is_empty() {
            format!(
                "every importable module of the venv and the source has a .pyc this Python \
                 loads, and so has every module of the stdlib that importing the venv's \
                 dependencies loads{note}"
            )
        } else {
            format!("{}{note}", problems.join("; "))
        },
    }
}

/// The dev-only packages of the plan's app (a workspace member, or the root), as
/// [`graph::dev_only_packages`] finds them in the lock.
pub fn dev_only_packages(files: &ProjectFiles, plan: &Plan) -> BTreeSet<PackageName> {
    let app = if plan.layout.package.is_empty() {
        &plan.project.normalized_name
    } else {
        &plan.layout.package
    };
    graph::dev_only_packages(
        files,
        app,
        &plan.layout.chosen("--group"),
        &plan.layout.chosen("--extra"),
    )
}

/// What `docker compose` showed of the service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Compose {
    /// `up` failed; its stderr.
    UpFailed { stderr: String },
    /// `up` succeeded but `ps` listed no container within the limit.
    NoContainer,
    /// A web service's `{{.State.Health.Status}} {{.HostConfig.ReadonlyRootfs}}
    /// {{.Config.User}}`, once healthy or unhealthy (or the last seen at the limit), and the
    /// tail of its logs when it is not healthy.
    Service { status: String, logs: String },
    /// A command-line app's `compose run` of the smoke test.
    Smoke { succeeded: bool, stderr: String },
    /// A worker's `{{.State.Status}} {{.HostConfig.ReadonlyRootfs}} {{.Config.User}}` after
    /// it ran `seconds`, and the tail of its logs.
    Worker {
        status: String,
        seconds: u32,
        logs: String,
    },
}

/// The compose file brings the service up healthy, read-only, as the plan's user (a web app)
/// or runs the smoke test (a command-line app), and takes it down again.
pub fn compose(outcome: &Compose, down_succeeded: bool, user: User) -> Check {
    let (passed, detail) = match outcome {
        Compose::UpFailed { stderr } => (false, format!("`up` failed:\n{}", tail(stderr, 15))),
        Compose::NoContainer => (false, "no container came up".into()),
        Compose::Service { status, logs } => {
            let expected = format!("healthy true {}:{}", user.uid, user.gid);
            let passed = *status == expected;
            (
                passed,
                format!(
                    "health, read-only, user: `{status}` (expected `{expected}`){}",
                    if passed || logs.is_empty() {
                        String::new()
                    } else {
                        format!("; its log:\n{}", log_excerpt(logs, 15))
                    }
                ),
            )
        }
        Compose::Smoke {
            succeeded: true, ..
        } => (true, "`compose run` of the smoke test exited 0".into()),
        Compose::Smoke { stderr, .. } => (
            false,
            format!("`compose run` failed:\n{}", tail(stderr, 15)),
        ),
        Compose::Worker {
            status,
            seconds,
            logs,
        } => {
            let expected = format!("running true {}:{}", user.uid, user.gid);
            let passed = *status == expected;
            (
                passed,
                format!(
                    "state, read-only, user after {seconds} s: `{status}` (expected `{expected}`){}",
                    if passed {
                        String::new()
                    } else {
                        format!("; its log:\n{}", log_excerpt(logs, 15))
                    }
                ),
            )
        }
    };
    Check {
        name: "compose",
        passed: passed && down_succeeded,
        detail: format!(
            "{detail}{}",
            if down_succeeded {
                "; taken down"
            } else {
                "; `down` failed"
            }
        ),
    }
}

/// The names an env file sets, as `docker run --env-file` and compose read it: `KEY=VALUE` and
/// bare `KEY` lines (`export KEY=...` too, which compose accepts); blank lines and `#` comments
/// set nothing.
pub fn env_file_names(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .map(|line| line.strip_prefix("export ").unwrap_or(line).trim_start())
        .map(|line| line.split_once('=').map_or(line, |(key, _)| key).trim())
        .filter(|key| !key.is_empty())
        .map(str::to_string)
        .collect()
}

/// The settings the code requires at start that the user did not pass (`passed`: the names
/// of `--env` and of the `--env-file`s): the ones `verify` gives their stand-in. A setting the
/// user passed is left to the user's value.
pub fn stand_ins<'a>(
    required: &'a [RequiredSetting],
    passed: &[String],
) -> Vec<&'a RequiredSetting> {
    required
        .iter()
        .filter(|setting| !passed.contains(&setting.name))
        .collect()
}

/// The report's line for the stand-ins given, naming them; `None` when none was.
pub fn stand_ins_given(given: &[&RequiredSetting]) -> Option<Check> {
    if given.is_empty() {
        return None;
    }
    let names: Vec<String> = given
        .iter()
        .map(|setting| format!("{}={} ({})", setting.name, setting.stand_in, setting.at))
        .collect();
    Some(Check {
        name: "settings",
        passed: true,
        detail: format!(
            "the code requires {} at start and none was passed: the runs get {}; pass real values with `--env NAME=VALUE` or `--env-file FILE`",
            given
                .iter()
                .map(|setting| format!("`{}`", setting.name))
                .collect::<Vec<_>>()
                .join(", "),
            names.join(", ")
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A chained traceback whose root cause is far above the last lines, as a framework that
    /// catches and re-raises prints it.
    fn chained_log() -> String {
        let mut log = String::from(
            "Traceback (most recent call last):\n  File \"/app/x.py\", line 3, in f\n    \
             r.set(k, v)\nredis.exceptions.ConnectionError: Error 111 connecting to \
             localhost:6379. Connection refused.\n\nThe above exception was the direct cause \
             of the following exception:\n\nTraceback (most recent call last):\n",
        );
        for n in 0..30 {
            log.push_str(&format!(
                "  File \"/app/lib/frame{n}.py\", line {n}, in g\n"
            ));
        }
        log.push_str(
            "litestar.exceptions.LitestarException: Exception caught after response started\n",
        );
        log
    }

    #[test]
    fn a_log_excerpt_shows_the_root_cause_of_a_chain_and_names_the_service() {
        let excerpt = log_excerpt(&chained_log(), 20);
        assert!(
            excerpt.contains("redis.exceptions.ConnectionError: Error 111"),
            "{excerpt}"
        );
        assert!(excerpt.contains("LitestarException"), "{excerpt}");
        assert!(
            excerpt.contains("Redis on its own host (port 6379)"),
            "{excerpt}"
        );
        // The last lines come last, the root cause before them, once.
        assert!(excerpt.find("ConnectionError").unwrap() < excerpt.find("frame29").unwrap());
        assert_eq!(excerpt.matches("ConnectionError").count(), 1, "{excerpt}");
    }

    #[test]
    fn a_short_log_is_shown_whole_with_no_earlier_section() {
        let log = "ValueError: Invalid endpoint: x\n";
        assert_eq!(log_excerpt(log, 20), "  ValueError: Invalid endpoint: x\n");
    }

    #[test]
    fn refused_connections_name_their_local_port() {
        for (line, port) in [
            ("redis.exceptions.ConnectionError: Error 111 connecting to localhost:6379. Connection refused.", Some(6379)),
            ("OSError: Multiple exceptions: [Errno 111] Connect call failed ('127.0.0.1', 5432), [Errno 99] Cannot assign requested address", Some(5432)),
            ("psycopg.OperationalError: connection failed: connection to server at \"127.0.0.1\", port 5432 failed: Connection refused", Some(5432)),
            ("pymongo.errors.ServerSelectionTimeoutError: localhost:27017: [Errno 111] Connection refused", Some(27017)),
            // Not local, or not refused: no hint.
            ("ConnectionRefusedError: db.internal:5432 refused", None),
            ("listening on 127.0.0.1:8000", None),
        ] {
            assert_eq!(refused_local_port(line), port, "{line}");
        }
        assert!(is_exception_line(
            "pydantic_core._pydantic_core.ValidationError: 2 validation errors"
        ));
        assert!(!is_exception_line("  File \"x.py\", line 1"));
        assert!(!is_exception_line("INFO: Started server process"));
    }

    const USER: User = User {
        uid: 65532,
        gid: 65532,
    };

    fn clean_probe() -> Probe {
        Probe {
            uid: 65532,
            gid: 65532,
            distributions: vec!["fastapi".into(), "Typing_Extensions".into()],
            ..Probe::default()
        }
    }

    fn answered(status: u16) -> Job {
        Job::Answered {
            path: "/health".into(),
            status,
            elapsed: Duration::from_millis(890),
            logs: "KeyError: 'SECRET_KEY'\n".into(),
        }
    }

    fn exited(code: Option<i32>) -> Job {
        Job::Exited {
            smoke: "hello --help".into(),
            code,
            stdout: "out\n".into(),
            stderr: "Traceback\nPermissionError: [Errno 30] Read-only file system\n".into(),
            elapsed: Duration::from_millis(120),
        }
    }

    #[test]
    fn a_smoke_test_that_never_exits_fails_and_names_the_kinds_that_fix_it() {
        let job = Job::DidNotExit {
            smoke: "serve --help".into(),
            timeout: Duration::from_secs(60),
        };
        let check = read_only_run(&job, "");
        assert!(!check.passed, "{check:?}");
        assert!(
            check
                .detail
                .contains("`serve --help` did not exit within 60 s"),
            "{}",
            check.detail
        );
        assert!(check.detail.contains(r#"kind = "web""#), "{}", check.detail);
        assert!(check.detail.contains("`port`"), "{}", check.detail);
        assert!(
            check.detail.contains(r#"kind = "worker""#),
            "{}",
            check.detail
        );
        assert!(
            check.detail.contains("[tool.uv-rootless]"),
            "{}",
            check.detail
        );
    }

    #[test]
    fn image_user_must_be_the_plans_numeric_non_root_user() {
        let check = image_user("65532:65532", USER);
        assert!(check.passed, "{check:?}");
        assert_eq!(check.detail, "USER 65532:65532 (expected 65532:65532)");
        let root = User { uid: 0, gid: 0 };
        for (user, expected) in [
            ("", USER),
            ("0:0", root),
            ("root", USER),
            ("app:app", USER),
            ("65532", USER),
            ("1000:1000", USER),
        ] {
            assert!(!image_user(user, expected).passed, "{user:?}");
        }
        assert_eq!(
            image_user("", USER).detail,
            "the image sets no USER: it runs as root"
        );
    }

    #[test]
    fn a_web_job_passes_on_a_2xx_or_3xx_answer_only() {
        let check = read_only_run(&answered(200), "");
        assert!(check.passed);
        assert!(check
            .detail
            .ends_with(": `GET /health` answered 200 after 0.89 s"));
        assert!(read_only_run(&answered(302), "").passed);
        for job in [
            answered(500),
            answered(404),
            Job::DidNotStart {
                stderr: "no such image\n".into(),
            },
            Job::NoPublishedPort,
            Job::ExitedBeforeAnswering {
                logs: "PermissionError\n".into(),
            },
            Job::NoAnswer {
                path: "/health".into(),
                timeout: Duration::from_secs(60),
            },
        ] {
            assert!(!read_only_run(&job, "").passed, "{job:?}");
        }
    }

    #[test]
    fn a_cli_job_passes_on_exit_0_only() {
        let check = read_only_run(&exited(Some(0)), "");
        assert!(check.passed);
        assert!(check
            .detail
            .ends_with(": `hello --help` exited 0 in 0.12 s"));
        let check = read_only_run(&exited(Some(1)), "");
        assert!(!check.passed);
        assert!(
            check
                .detail
                .contains("`hello --help` exited 1:\n  out\n  Traceback\n"),
            "{}",
            check.detail
        );
        let check = read_only_run(&exited(None), "");
        assert!(!check.passed);
        assert!(check.detail.contains("exited by a signal"));
    }

    #[test]
    fn stopping_must_succeed_within_the_limit() {
        let check = stops_on_sigterm(true, true, Duration::from_millis(370));
        assert!(check.passed);
        assert_eq!(check.detail, "`docker stop` returned in 0.37 s (limit 3 s)");
        assert!(!stops_on_sigterm(true, true, Duration::from_millis(10_200)).passed);
        assert!(!stops_on_sigterm(true, true, STOP_LIMIT).passed);
        assert!(!stops_on_sigterm(true, false, Duration::from_millis(370)).passed);
        // A container that had crashed stops at once: that is no proof.
        let crashed = stops_on_sigterm(false, true, Duration::from_millis(20));
        assert!(!crashed.passed);
        assert!(
            crashed.detail.starts_with("not checked"),
            "{}",
            crashed.detail
        );
    }

    #[test]
    fn any_change_in_docker_diff_fails_writes_nothing() {
        let check = writes_nothing(&answered(200), true, "", &[]);
        assert!(check.passed);
        assert_eq!(check.detail, "`docker diff` is empty after the job");
        let check = writes_nothing(&answered(200), true, "C /app\nA /app/app.db\n", &[]);
        assert!(!check.passed);
        assert_eq!(
            check.detail,
            "`docker diff` shows 2 change(s): C /app, A /app/app.db"
        );
        assert!(!writes_nothing(&answered(200), false, "", &[]).passed);
        let check = writes_nothing(&exited(Some(2)), true, "", &[]);
        assert!(!check.passed);
        assert!(check
            .detail
            .starts_with("the job failed without --read-only: `hello --help` exited 2"));
    }

    #[test]
    fn only_the_mount_points_of_writable_paths_are_left_out_of_the_diff() {
        let mounts = ["/src/data/logs".to_string()];
        let engine = "C /src\nA /src/data\nA /src/data/logs\n";
        assert!(writes_nothing(&answered(200), true, engine, &mounts).passed);
        // Anything else the app writes still fails, beside or inside a mount's parent.
        for line in [
            "A /src/app.db",
            "A /src/data/other",
            "A /src/data/logsx",
            "C /etc",
        ] {
            let diff = format!("{engine}{line}\n");
            let check = writes_nothing(&answered(200), true, &diff, &mounts);
            assert!(!check.passed, "{line}");
            assert_eq!(
                check.detail,
                format!("`docker diff` shows 1 change(s): {line}")
            );
        }
        assert!(!writes_nothing(&answered(200), true, engine, &[]).passed);
    }

    #[test]
    fn a_5xx_answer_shows_the_log_and_a_worker_must_stay_up() {
        let check = read_only_run(&answered(503), "");
        assert!(!check.passed);
        assert!(
            check
                .detail
                .contains("answered 503 after 0.89 s; its log:\n  KeyError: 'SECRET_KEY'\n"),
            "{}",
            check.detail
        );
        assert!(!read_only_run(&answered(200), "").detail.contains("its log"));
        let up = read_only_run(
            &Job::StayedUp {
                seconds: 5,
                settled_after: Some(Duration::from_millis(3200)),
            },
            "",
        );
        assert!(up.passed);
        assert!(
            up.detail
                .contains("still running 5 s after its start-up settled (3.2 s after start)"),
            "{}",
            up.detail
        );
        let early = read_only_run(
            &Job::ExitedEarly {
                seconds: 5,
                code: Some(0),
                logs: "done\n".into(),
            },
            "",
        );
        assert!(!early.passed);
        assert!(
            early.detail.contains("exited 0 after 5 s"),
            "{}",
            early.detail
        );
    }

    #[test]
    fn a_server_error_on_the_port_fails_and_shows_the_log() {
        let listening = |status| Job::Listening {
            status,
            elapsed: Duration::from_millis(400),
            logs: "Traceback\nRuntimeError: no database\n".into(),
        };
        // Any answer proves the server listens, a 404 at `/` included.
        assert!(read_only_run(&listening(404), "").passed);
        let check = read_only_run(&listening(500), "");
        assert!(!check.passed);
        assert!(
            check.detail.ends_with(
                "answered (HTTP 500) after 0.40 s: the server listens, but the app failed; its log:\n  Traceback\n  RuntimeError: no database\n"
            ),
            "{}",
            check.detail
        );
    }

    #[test]
    fn an_unhealthy_compose_service_shows_its_log() {
        let unhealthy = Compose::Service {
            status: "unhealthy true 65532:65532".into(),
            logs: "Traceback\nKeyError: 'SECRET_KEY'\n".into(),
        };
        let check = compose(&unhealthy, true, USER);
        assert!(!check.passed);
        assert!(
            check
                .detail
                .contains("; its log:\n  Traceback\n  KeyError: 'SECRET_KEY'\n"),
            "{}",
            check.detail
        );
    }

    #[test]
    fn a_passing_probe_says_what_it_did_not_cover() {
        let note = "the script runs only when a session opens";
        let check = read_only_run(&answered(200), note);
        assert!(check.passed);
        assert!(
            check
                .detail
                .ends_with("answered 200 after 0.89 s (not covered by the probe: the script runs only when a session opens)"),
            "{}",
            check.detail
        );
        // A failure says why it failed, not what a pass would have left out.
        assert!(!read_only_run(&answered(500), note)
            .detail
            .contains("not covered"));
    }

    #[test]
    fn a_script_that_raises_in_its_first_session_fails_first_session() {
        let session = |code, stderr: &str| Job::Exited {
            smoke: "session".into(),
            code,
            stdout: "the script app.py ran to its end in one session\n".into(),
            stderr: stderr.into(),
            elapsed: Duration::from_millis(2300),
        };
        let check = first_session(&session(Some(0), ""));
        assert!(check.passed, "{check:?}");
        assert_eq!(
            check.detail,
            "the script app.py ran to its end in one session (2.30 s)"
        );
        let check = first_session(&session(
            Some(1),
            "the script app.py raised on its first run:\nKeyError: 'API_URL'\n",
        ));
        assert!(!check.passed);
        assert!(
            check.detail.contains("KeyError: 'API_URL'"),
            "{}",
            check.detail
        );
        assert!(!first_session(&session(None, "")).passed);
        let did_not_start = Job::DidNotStart {
            stderr: "no such file\n".into(),
        };
        assert!(!first_session(&did_not_start).passed);
    }

    #[test]
    fn a_compose_worker_must_be_running_read_only_as_the_user() {
        let worker = |status: &str| Compose::Worker {
            status: status.into(),
            seconds: 5,
            logs: "Traceback\n".into(),
        };
        assert!(compose(&worker("running true 65532:65532"), true, USER).passed);
        for status in [
            "exited true 65532:65532",
            "running false 65532:65532",
            "running true 0:0",
            "",
        ] {
            let check = compose(&worker(status), true, USER);
            assert!(!check.passed, "{status}");
            assert!(check.detail.contains("Traceback"));
        }
    }

    #[test]
    fn the_probe_must_run_and_print_its_report() {
        let json = r#"{"uid": 65532, "gid": 65532, "writable": [], "forbidden": [], "git": [],
            "missing_bytecode": [], "missing_bytecode_count": 0, "distributions": ["fastapi"]}"#;
        let probe = probe(true, json, "").unwrap();
        assert_eq!(probe.uid, 65532);
        assert_eq!(probe.distributions, ["fastapi"]);
        let failed = super::probe(true, "Traceback", "SyntaxError\n").unwrap_err();
        assert!(!failed.passed);
        assert_eq!(failed.name, "inside the image");
        assert_eq!(
            failed.detail,
            "the probe failed:\n  Traceback\n  SyntaxError\n"
        );
        assert!(super::probe(false, json, "").is_err());
    }

    #[test]
    fn root_or_another_uid_fails_runs_as() {
        assert!(runs_as(&clean_probe(), USER).passed);
        let root = Probe {
            uid: 0,
            gid: 0,
            ..clean_probe()
        };
        assert!(!runs_as(&root, USER).passed);
        assert!(!runs_as(&root, User { uid: 0, gid: 0 }).passed);
        let other = Probe {
            gid: 0,
            ..clean_probe()
        };
        assert!(!runs_as(&other, USER).passed);
    }

    #[test]
    fn a_writable_app_file_fails_app_not_writable() {
        let roots = ["/app".to_string(), "/src".to_string()];
        let check = app_not_writable(&clean_probe(), &roots);
        assert!(check.passed);
        assert_eq!(
            check.detail,
            "the runtime user can write nothing under /app, /src"
        );
        let writable = Probe {
            writable: vec!["/app/lib/python3.13/site-packages/app.pth".into()],
            ..clean_probe()
        };
        let check = app_not_writable(&writable, &roots);
        assert!(!check.passed);
        assert!(check.detail.contains("app.pth"));
    }

    #[test]
    fn a_uv_binary_or_compiler_fails_no_uv() {
        assert!(no_uv_no_compiler(&clean_probe(), "/app").passed);
        let with_uv = Probe {
            forbidden: vec!["/usr/local/bin/uv".into()],
            ..clean_probe()
        };
        let check = no_uv_no_compiler(&with_uv, "/app");
        assert!(!check.passed);
        assert_eq!(check.detail, "found: /usr/local/bin/uv");
    }

    #[test]
    fn the_apps_own_uv_passes_only_in_the_venv_and_only_when_installed_as_a_distribution() {
        let in_venv = Probe {
            forbidden: vec!["/app/bin/uv".into(), "/app/bin/uvx".into()],
            ..clean_probe()
        };
        // Without the `uv` distribution, a uv in the venv is the build's, leaked.
        let check = no_uv_no_compiler(&in_venv, "/app");
        assert!(!check.passed, "{}", check.detail);
        let own = Probe {
            distributions: vec!["fastapi".into(), "uv".into()],
            ..in_venv.clone()
        };
        let check = no_uv_no_compiler(&own, "/app");
        assert!(check.passed, "{}", check.detail);
        assert!(
            check.detail.contains("the app's own `uv` distribution"),
            "{}",
            check.detail
        );
        // Elsewhere it is still a leak.
        let elsewhere = Probe {
            forbidden: vec!["/usr/local/bin/uv".into(), "/app/bin/uv".into()],
            ..own
        };
        let check = no_uv_no_compiler(&elsewhere, "/app");
        assert!(!check.passed);
        assert!(
            check
                .detail
                .starts_with("found: /usr/local/bin/uv; allowed: /app/bin/uv"),
            "{}",
            check.detail
        );
    }

    #[test]
    fn a_git_directory_fails_no_git() {
        assert!(no_git(&clean_probe()).passed);
        let with_git = Probe {
            git: vec!["/src/.git".into()],
            ..clean_probe()
        };
        assert!(!no_git(&with_git).passed);
    }

    #[test]
    fn an_installed_dev_package_fails_no_dev_dependencies() {
        let dev_only: BTreeSet<PackageName> = ["pytest", "typing-extensions"]
            .into_iter()
            .map(PackageName::new)
            .collect();
        let only_pytest = BTreeSet::from([PackageName::new("pytest")]);
        let check = no_dev_dependencies(&clean_probe(), &only_pytest);
        assert!(check.passed);
        assert_eq!(check.detail, "none of 1 dev-only package(s) installed");
        // The probe's names are compared normalized: `Typing_Extensions` is `typing-extensions`.
        let check = no_dev_dependencies(&clean_probe(), &dev_only);
        assert!(!check.passed);
        assert_eq!(check.detail, "installed: typing-extensions");
    }

    #[test]
    fn a_module_without_bytecode_fails_bytecode_compiled() {
        assert!(bytecode_compiled(&clean_probe()).passed);
        let missing = Probe {
            missing_bytecode: vec!["/src/app/main.py".into()],
            missing_bytecode_count: 3,
            ..clean_probe()
        };
        let check = bytecode_compiled(&missing);
        assert!(!check.passed);
        assert_eq!(
            check.detail,
            "3 module(s) of the environment or the source without a .pyc this Python loads \
             (none, a stale one or another release's), e.g. /src/app/main.py"
        );
    }

    #[test]
    fn stdlib_modules_the_dependencies_load_without_bytecode_fail_bytecode_compiled() {
        let path = |n: usize| format!("/usr/local/lib/python3.13/m{n}.py");
        let few = Probe {
            stdlib_missing_bytecode: (0..STDLIB_WITHOUT_BYTECODE_TOLERATED).map(path).collect(),
            ..clean_probe()
        };
        let check = bytecode_compiled(&few);
        assert!(check.passed, "{}", check.detail);
        assert!(check
            .detail
            .contains("5 module(s) of the stdlib loaded without a .pyc this Python loads"));
        let many = Probe {
            stdlib_missing_bytecode: (0..=STDLIB_WITHOUT_BYTECODE_TOLERATED).map(path).collect(),
            stdlib_import_note: "importing took over 120 s".into(),
            ..clean_probe()
        };
        let check = bytecode_compiled(&many);
        assert!(!check.passed);
        assert!(
            check.detail.starts_with(
                "importing the dependencies' top-level modules loaded 6 module(s) of the \
                 standard library without a .pyc this Python loads (at most 5 pass), e.g. \
                 /usr/local/lib/python3.13/m0.py"
            ),
            "{}",
            check.detail
        );
        assert!(check.detail.ends_with("(importing took over 120 s)"));
    }

    #[test]
    fn compose_must_be_healthy_read_only_as_the_user_and_come_down() {
        let healthy = Compose::Service {
            status: "healthy true 65532:65532".into(),
            logs: String::new(),
        };
        let check = compose(&healthy, true, USER);
        assert!(check.passed);
        assert_eq!(
            check.detail,
            "health, read-only, user: `healthy true 65532:65532` (expected `healthy true 65532:65532`); taken down"
        );
        let check = compose(&healthy, false, USER);
        assert!(!check.passed);
        assert!(check.detail.ends_with("; `down` failed"));
        for status in [
            "unhealthy true 65532:65532",
            "healthy false 65532:65532",
            "healthy true 0:0",
            "starting true 65532:65532",
        ] {
            let outcome = Compose::Service {
                status: status.into(),
                logs: String::new(),
            };
            assert!(!compose(&outcome, true, USER).passed, "{status}");
        }
        assert!(!compose(&Compose::NoContainer, true, USER).passed);
        let up_failed = Compose::UpFailed {
            stderr: "port is already allocated\n".into(),
        };
        assert!(!compose(&up_failed, true, USER).passed);
        let smoke = |succeeded| Compose::Smoke {
            succeeded,
            stderr: "Error\n".into(),
        };
        assert!(compose(&smoke(true), true, USER).passed);
        assert!(!compose(&smoke(false), true, USER).passed);
    }

    fn example(name: &str) -> (ProjectFiles, Plan) {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("examples")
            .join(name);
        let loaded = crate::app::load(&root, Default::default()).unwrap();
        (loaded.files, loaded.plan)
    }

    #[test]
    fn dev_only_packages_are_the_dev_group_outside_the_runtime_closure() {
        let (files, plan) = example("fastapi-service");
        let dev_only = dev_only_packages(&files, &plan);
        assert_eq!(dev_only, BTreeSet::from([PackageName::new("pytest")]));
        // A dev requirement the app also needs at run time is not dev-only.
        let mut files = files;
        for package in &mut files.lock.package {
            if let Some(metadata) = &mut package.metadata {
                for requirements in metadata.requires_dev.values_mut() {
                    let mut shared = requirements[0].clone();
                    shared.name = "fastapi".into();
                    requirements.push(shared);
                }
            }
        }
        assert_eq!(
            dev_only_packages(&files, &plan),
            BTreeSet::from([PackageName::new("pytest")])
        );
    }

    #[test]
    fn every_group_not_chosen_is_dev_only_whatever_default_groups_say() {
        let (files, mut plan) = example("default-groups");
        let names = |names: &[&str]| names.iter().map(|n| PackageName::new(n)).collect();
        assert_eq!(
            dev_only_packages(&files, &plan),
            names(&["coverage", "pytest", "ruff"])
        );
        // A group chosen in `[tool.uv-rootless]` goes into the image: its packages may be there.
        plan.layout.sync_options = vec!["--group".into(), "lint".into()];
        assert_eq!(
            dev_only_packages(&files, &plan),
            names(&["coverage", "pytest"])
        );
    }

    #[test]
    fn probe_roots_cover_the_venv_the_workdir_and_copied_source() {
        let (_, plan) = example("fastapi-service");
        let roots = ProbeRoots::of(&plan);
        assert_eq!(roots.writable, ["/app", "/src"]);
        assert_eq!(roots.bytecode, ["/src"]);
        assert_eq!(
            roots.to_json(),
            r#"{"bytecode_roots":["/src"],"writable_roots":["/app","/src"]}"#
        );
    }

    #[test]
    fn a_project_versioned_from_git_is_installed_with_the_version_worked_out() {
        let probe = Probe {
            versions: [
                ("app".to_string(), "1.4.2".to_string()),
                ("lib".to_string(), "0.0.0".to_string()),
            ]
            .into_iter()
            .collect(),
            ..clean_probe()
        };
        let names = |names: &[&str]| names.iter().map(|n| n.to_string()).collect::<Vec<_>>();
        assert!(
            version_from_git(&probe, &names(&["app"]), "1.4.2")
                .unwrap()
                .passed
        );
        assert!(
            version_from_git(&probe, &names(&["app"]), "1.4.2.0")
                .unwrap()
                .passed,
            "PEP 440 equality"
        );
        // The backend fell back without `.git`: the check fails and says what was installed.
        let fell_back = version_from_git(&probe, &names(&["app", "lib"]), "1.4.2").unwrap();
        assert!(!fell_back.passed);
        assert_eq!(fell_back.detail, "`lib` is 0.0.0 (expected 1.4.2)");
        // A virtual app installs no distribution of its own: nothing to check.
        assert!(version_from_git(&probe, &names(&["web"]), "1.4.2").is_none());
    }

    fn setting(name: &str, at: &str, stand_in: &str) -> RequiredSetting {
        RequiredSetting {
            name: name.into(),
            at: at.into(),
            stand_in: stand_in.into(),
            reason: String::new(),
        }
    }

    #[test]
    fn required_settings_not_passed_get_their_stand_in_and_one_line_says_so() {
        let required = [
            setting("DATABASE_URL", "app/db.py:3", "postgresql://localhost/db"),
            setting("PORT", "app/main.py:9", "0"),
            setting("SECRET_KEY", "wsgi.py:11", "verify-stand-in"),
        ];
        // `--env SECRET_KEY=...` and an env file that sets PORT: the user's values win.
        let file = "# settings\n\nexport PORT=8080\n  DEBUG  \nEMPTY=\n";
        let mut passed = env_file_names(file);
        assert_eq!(passed, ["PORT", "DEBUG", "EMPTY"]);
        passed.push("SECRET_KEY".into());
        let given = stand_ins(&required, &passed);
        assert_eq!(
            given.iter().map(|s| s.name.as_str()).collect::<Vec<_>>(),
            ["DATABASE_URL"]
        );
        let check = stand_ins_given(&given).expect("a line");
        assert!(check.passed);
        assert_eq!(check.detail.lines().count(), 1, "{}", check.detail);
        assert!(
            check.detail.contains("`DATABASE_URL`")
                && check
                    .detail
                    .contains("postgresql://localhost/db (app/db.py:3)")
                && check.detail.contains("--env NAME=VALUE")
                && check.detail.contains("--env-file"),
            "{}",
            check.detail
        );
        assert!(!check.detail.contains("SECRET_KEY"), "{}", check.detail);
        // Everything passed: nothing given, no line.
        let all: Vec<String> = required.iter().map(|s| s.name.clone()).collect();
        assert!(stand_ins(&required, &all).is_empty());
        assert!(stand_ins_given(&[]).is_none());
    }
}
