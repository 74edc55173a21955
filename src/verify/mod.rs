//! `verify`: build the image from the generated Dockerfile and prove, on a real engine, what
//! the generated files promise: it runs as the configured non-root uid on a read-only root
//! filesystem with no capabilities, does its job, writes nothing, stops promptly on SIGTERM,
//! and ships no uv, compiler, `.git`, dev dependency or bytecode it would have to write.

pub mod docker;

use crate::error::UserError;
use crate::model::Plan;
use crate::read::graph::dev_only_packages;
use crate::read::names::PackageName;
use crate::read::ProjectFiles;
use docker::{http_status, Docker, LABEL};
use serde::Deserialize;
use std::collections::BTreeSet;
use std::path::PathBuf;
use std::time::{Duration, Instant};

const PROBE: &str = include_str!("probe.py");

/// The flags of `uv-rootless verify`.
#[derive(Debug, Clone)]
pub struct Options {
    /// Also bring the service up with the generated compose file.
    pub compose: bool,
    /// Leave the image tagged afterwards.
    pub keep: bool,
    /// Image tag; default: the plan's image.
    pub tag: Option<String>,
    /// `docker build --secret` values, e.g. `id=ca-certificates,src=/etc/ssl/certs/ca.pem`.
    pub secrets: Vec<String>,
    /// `docker build --network`, e.g. `host`.
    pub network: Option<String>,
    /// `docker build --no-cache`.
    pub no_cache: bool,
    /// Build this Dockerfile instead of the generated one.
    pub dockerfile: Option<PathBuf>,
    /// Limit for the build.
    pub build_timeout: Duration,
    /// Limit for each wait on a container: a job, a health answer, compose.
    pub run_timeout: Duration,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            compose: false,
            keep: false,
            tag: None,
            secrets: Vec::new(),
            network: None,
            no_cache: false,
            dockerfile: None,
            build_timeout: Duration::from_secs(1800),
            run_timeout: Duration::from_secs(60),
        }
    }
}

/// One line of the report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Check {
    pub name: &'static str,
    pub passed: bool,
    pub detail: String,
}

/// Measurements taken along the way, for benchmarks.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Timings {
    pub build: Duration,
    /// Container start to first successful health answer (web) or to exit (CLI).
    pub first_response: Duration,
    pub stop: Duration,
    pub image_size: u64,
}

#[derive(Debug, Clone)]
pub struct Report {
    pub image: String,
    pub checks: Vec<Check>,
    pub timings: Timings,
    pub build_log: String,
}

impl Report {
    pub fn passed(&self) -> bool {
        self.checks.iter().all(|check| check.passed)
    }
}

/// What the probe inside the image reports.
#[derive(Debug, Deserialize)]
struct Probe {
    uid: u32,
    gid: u32,
    writable: Vec<String>,
    forbidden: Vec<String>,
    git: Vec<String>,
    missing_bytecode: Vec<String>,
    missing_bytecode_count: usize,
    distributions: Vec<String>,
}

/// The hardening flags every container of a verify run gets.
const HARDENED: &[&str] = &[
    "--tmpfs",
    "/tmp",
    "--cap-drop",
    "ALL",
    "--security-opt",
    "no-new-privileges",
];

/// Builds and checks. `on_check` sees each check as it completes. Errors (no engine, a failed
/// build, a time-out) end the run; failed checks do not.
pub fn verify(
    files: &ProjectFiles,
    plan: &Plan,
    options: &Options,
    on_check: &mut dyn FnMut(&Check),
) -> Result<Report, UserError> {
    let run_id = format!("{}-{}", std::process::id(), unique_suffix());
    let docker = Docker::new(run_id.clone());
    docker::cleanup_on_interrupt(&docker);
    let server = docker.run(
        &["version", "--format", "{{.Server.Version}}"],
        Duration::from_secs(20),
    )?;
    if !server.success {
        return Err(UserError::new("the Docker engine is not reachable")
            .detail(server.stderr.trim().to_string())
            .hint("start the Docker daemon, or set `DOCKER_HOST` to one that runs"));
    }
    let tag = options
        .tag
        .clone()
        .unwrap_or_else(|| plan.image.value.clone());
    let result = run_checks(files, plan, options, &docker, &tag, on_check);
    docker.cleanup();
    if !options.keep {
        let _ = docker.run(&["image", "rm", &tag], Duration::from_secs(60));
        if tag != plan.image.value {
            let _ = docker.run(&["image", "rm", &plan.image.value], Duration::from_secs(60));
        }
    }
    result
}

fn unique_suffix() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos() % 1_000_000_000)
        .unwrap_or_default()
}

struct Run<'a> {
    plan: &'a Plan,
    docker: &'a Docker,
    tag: &'a str,
    options: &'a Options,
    checks: Vec<Check>,
    counter: u32,
}

impl Run<'_> {
    fn record(
        &mut self,
        on_check: &mut dyn FnMut(&Check),
        name: &'static str,
        passed: bool,
        detail: String,
    ) {
        if docker::interrupted() {
            return;
        }
        let check = Check {
            name,
            passed,
            detail,
        };
        on_check(&check);
        self.checks.push(check);
    }

    fn container_name(&mut self) -> String {
        self.counter += 1;
        format!("uv-rootless-verify-{}-{}", self.docker.run_id, self.counter)
    }

    /// `docker run` arguments up to the image, with the run's label and the hardening flags.
    fn run_args(&mut self, read_only: bool, detached: bool) -> (String, Vec<String>) {
        let name = self.container_name();
        let mut args: Vec<String> = vec!["run".into()];
        if detached {
            args.push("-d".into());
        }
        args.extend([
            "--name".into(),
            name.clone(),
            "--label".into(),
            format!("{LABEL}={}", self.docker.run_id),
        ]);
        if read_only {
            args.push("--read-only".into());
        }
        args.extend(HARDENED.iter().map(|s| s.to_string()));
        if self.plan.app.web {
            args.extend(["-p".into(), format!("127.0.0.1::{}", self.plan.app.port)]);
        }
        (name, args)
    }

    fn docker(&self, args: &[String], timeout: Duration) -> Result<docker::Output, UserError> {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        self.docker.run(&args, timeout)
    }

    /// Starts the app the way its checks need: a web app until it answers its health URL, a
    /// command-line app through its smoke test. Returns (container, passed, detail, elapsed).
    fn do_job(&mut self, read_only: bool) -> Result<(String, bool, String, Duration), UserError> {
        let timeout = self.options.run_timeout;
        if self.plan.app.web {
            let (name, mut args) = self.run_args(read_only, true);
            args.push(self.tag.to_string());
            let started = Instant::now();
            let output = self.docker(&args, timeout)?;
            if !output.success {
                return Ok((
                    name,
                    false,
                    format!("did not start: {}", output.stderr.trim()),
                    started.elapsed(),
                ));
            }
            let port_output = self.docker(
                &[
                    "port".into(),
                    name.clone(),
                    format!("{}/tcp", self.plan.app.port),
                ],
                timeout,
            )?;
            let host_port: Option<u16> = port_output
                .stdout
                .lines()
                .next()
                .and_then(|line| line.rsplit(':').next())
                .and_then(|port| port.trim().parse().ok());
            let Some(host_port) = host_port else {
                return Ok((name, false, "no published port".into(), started.elapsed()));
            };
            let path = &self.plan.app.health_path;
            loop {
                if let Some(status) = http_status(host_port, path, Duration::from_secs(2)) {
                    let elapsed = started.elapsed();
                    let ok = (200..400).contains(&status);
                    return Ok((
                        name,
                        ok,
                        format!(
                            "`GET {path}` answered {status} after {:.2} s",
                            elapsed.as_secs_f64()
                        ),
                        elapsed,
                    ));
                }
                let state = self.docker(
                    &[
                        "inspect".into(),
                        "--format".into(),
                        "{{.State.Running}}".into(),
                        name.clone(),
                    ],
                    timeout,
                )?;
                if state.stdout.trim() != "true" {
                    let logs = self.docker(
                        &["logs".into(), "--tail".into(), "20".into(), name.clone()],
                        timeout,
                    )?;
                    return Ok((
                        name,
                        false,
                        format!("exited before answering:\n{}{}", logs.stdout, logs.stderr),
                        started.elapsed(),
                    ));
                }
                if started.elapsed() > timeout {
                    return Ok((
                        name,
                        false,
                        format!("`GET {path}` got no answer within {} s", timeout.as_secs()),
                        started.elapsed(),
                    ));
                }
                std::thread::sleep(Duration::from_millis(100));
            }
        } else {
            let (name, mut args) = self.run_args(read_only, false);
            args.push(self.tag.to_string());
            args.extend(self.plan.app.smoke_args.iter().cloned());
            let output = self.docker(&args, timeout)?;
            let smoke = self.plan.app.smoke_args.join(" ");
            let detail = if output.success {
                format!(
                    "`{smoke}` exited 0 in {:.2} s",
                    output.elapsed.as_secs_f64()
                )
            } else {
                format!(
                    "`{smoke}` exited {}:\n{}{}",
                    output.code.map_or("by a signal".into(), |c| c.to_string()),
                    tail(&output.stdout, 10),
                    tail(&output.stderr, 10)
                )
            };
            Ok((name, output.success, detail, output.elapsed))
        }
    }
}

fn tail(text: &str, lines: usize) -> String {
    let all: Vec<&str> = text.lines().collect();
    let start = all.len().saturating_sub(lines);
    all[start..]
        .iter()
        .map(|line| format!("  {line}\n"))
        .collect()
}

fn run_checks(
    files: &ProjectFiles,
    plan: &Plan,
    options: &Options,
    docker: &Docker,
    tag: &str,
    on_check: &mut dyn FnMut(&Check),
) -> Result<Report, UserError> {
    let mut run = Run {
        plan,
        docker,
        tag,
        options,
        checks: Vec::new(),
        counter: 0,
    };
    let mut timings = Timings::default();

    // Build.
    let dockerfile = options
        .dockerfile
        .clone()
        .unwrap_or_else(|| files.root.join(&plan.outputs.dockerfile));
    let dockerfile_text = dockerfile.to_string_lossy().into_owned();
    let context = files.root.to_string_lossy().into_owned();
    let mut args: Vec<String> = vec![
        "build".into(),
        "--progress=plain".into(),
        "-f".into(),
        dockerfile_text,
        "-t".into(),
        tag.into(),
    ];
    if tag != plan.image.value {
        args.extend(["-t".into(), plan.image.value.clone()]);
    }
    for secret in &options.secrets {
        args.extend(["--secret".into(), secret.clone()]);
    }
    if let Some(network) = &options.network {
        args.extend(["--network".into(), network.clone()]);
    }
    if options.no_cache {
        args.push("--no-cache".into());
    }
    args.push(context);
    let build = run.docker(&args, options.build_timeout)?;
    timings.build = build.elapsed;
    if !build.success {
        return Err(UserError::new(format!("`docker build` of `{}` failed", dockerfile.display()))
            .detail(tail(&build.stderr, 30))
            .hint("fix the cause above; if uv cannot reach the index through a TLS-intercepting proxy, pass its CA: `--secret id=ca-certificates,src=/path/to/ca.pem`"));
    }
    let build_log = build.stderr.clone();
    run.record(
        on_check,
        "build",
        true,
        format!("built `{tag}` in {:.1} s", build.elapsed.as_secs_f64()),
    );

    // The image's own user.
    let inspect = run.docker(
        &[
            "image".into(),
            "inspect".into(),
            "--format".into(),
            "{{.Size}}|{{.Config.User}}".into(),
            tag.into(),
        ],
        options.run_timeout,
    )?;
    // Size first: an image without USER prints an empty user.
    let (size, user) = inspect.stdout.trim().split_once('|').unwrap_or_default();
    let user = user.to_string();
    timings.image_size = size.parse().unwrap_or_default();
    let expected = format!("{}:{}", plan.user.value.uid, plan.user.value.gid);
    let numeric = !user.is_empty()
        && user
            .split(':')
            .all(|id| !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit()));
    let root = user.is_empty() || user.split(':').next() == Some("0") || user.starts_with("root");
    run.record(
        on_check,
        "image user",
        numeric && !root && user == expected,
        if user.is_empty() {
            "the image sets no USER: it runs as root".into()
        } else {
            format!("USER {user} (expected {expected})")
        },
    );

    // The job, read-only, no capabilities, no new privileges, no `--user`.
    let (name, passed, detail, elapsed) = run.do_job(true)?;
    timings.first_response = elapsed;
    run.record(
        on_check,
        "read-only run",
        passed,
        format!(
            "--read-only --tmpfs /tmp --cap-drop ALL --security-opt no-new-privileges: {detail}"
        ),
    );
    if plan.app.web {
        let stop = run.docker(
            &["stop".into(), "-t".into(), "10".into(), name.clone()],
            Duration::from_secs(30),
        )?;
        timings.stop = stop.elapsed;
        run.record(
            on_check,
            "stops on SIGTERM",
            stop.success && stop.elapsed < Duration::from_secs(3),
            format!(
                "`docker stop` returned in {:.2} s (limit 3 s)",
                stop.elapsed.as_secs_f64()
            ),
        );
    }
    let _ = run.docker(&["rm".into(), "-f".into(), name], options.run_timeout);

    // The same job with a writable root filesystem: it must write nothing.
    let (name, passed, detail, _) = run.do_job(false)?;
    let diff = run.docker(&["diff".into(), name.clone()], options.run_timeout)?;
    let changes: Vec<&str> = diff.stdout.lines().collect();
    run.record(
        on_check,
        "writes nothing",
        passed && diff.success && changes.is_empty(),
        if !passed {
            format!("the job failed without --read-only: {detail}")
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
    );
    let _ = run.docker(&["rm".into(), "-f".into(), name], options.run_timeout);

    // Inside the image.
    probe_checks(files, &mut run, on_check)?;

    if options.compose {
        compose_check(files, &mut run, on_check)?;
    }

    Ok(Report {
        image: tag.to_string(),
        checks: run.checks,
        timings,
        build_log,
    })
}

fn probe_checks(
    files: &ProjectFiles,
    run: &mut Run<'_>,
    on_check: &mut dyn FnMut(&Check),
) -> Result<(), UserError> {
    let plan = run.plan;
    let mut writable_roots = vec![plan.layout.venv.clone(), plan.layout.workdir.clone()];
    let mut bytecode_roots = Vec::new();
    if plan.base.value.managed_python {
        writable_roots.push(plan.base.value.python_install_dir.clone());
    }
    if plan.layout.copies_source {
        writable_roots.push(plan.layout.build_dir.clone());
        bytecode_roots.push(plan.layout.build_dir.clone());
    }
    writable_roots.sort();
    writable_roots.dedup();
    let argument =
        serde_json::json!({ "writable_roots": writable_roots, "bytecode_roots": bytecode_roots })
            .to_string();
    let (_, mut args) = run.run_args(false, false);
    args.retain(|arg| !arg.starts_with("127.0.0.1::"));
    if let Some(index) = args.iter().position(|arg| arg == "-p") {
        args.remove(index);
    }
    args.extend([
        "--entrypoint".into(),
        format!("{}/bin/python", plan.layout.venv),
        run.tag.to_string(),
        "-c".into(),
        PROBE.into(),
        argument,
    ]);
    let output = run.docker(&args, Duration::from_secs(300))?;
    let probe: Probe = match serde_json::from_str(output.stdout.trim()) {
        Ok(probe) if output.success => probe,
        _ => {
            run.record(
                on_check,
                "inside the image",
                false,
                format!(
                    "the probe failed:\n{}{}",
                    tail(&output.stdout, 10),
                    tail(&output.stderr, 10)
                ),
            );
            return Ok(());
        }
    };
    let user = plan.user.value;
    run.record(
        on_check,
        "runs as",
        probe.uid == user.uid && probe.gid == user.gid && probe.uid != 0,
        format!(
            "uid {} gid {} (expected {}:{})",
            probe.uid, probe.gid, user.uid, user.gid
        ),
    );
    run.record(
        on_check,
        "app not writable",
        probe.writable.is_empty(),
        if probe.writable.is_empty() {
            format!(
                "the runtime user can write nothing under {}",
                writable_roots.join(", ")
            )
        } else {
            format!(
                "writable by the runtime user: {}",
                probe.writable.join(", ")
            )
        },
    );
    run.record(
        on_check,
        "no uv, no compiler",
        probe.forbidden.is_empty(),
        if probe.forbidden.is_empty() {
            "no uv, uvx, gcc, cc, clang or ld anywhere".into()
        } else {
            format!("found: {}", probe.forbidden.join(", "))
        },
    );
    run.record(
        on_check,
        "no .git",
        probe.git.is_empty(),
        if probe.git.is_empty() {
            "no `.git` directory".into()
        } else {
            format!("found: {}", probe.git.join(", "))
        },
    );
    // The runtime closure from the app (a workspace member, or the root).
    let app = if plan.layout.package.is_empty() {
        &plan.project.normalized_name
    } else {
        &plan.layout.package
    };
    let dev_only = dev_only_packages(files, app);
    let installed: BTreeSet<PackageName> = probe
        .distributions
        .iter()
        .map(|name| PackageName::new(name))
        .collect();
    let shipped: Vec<&PackageName> = dev_only
        .iter()
        .filter(|name| installed.contains(*name))
        .collect();
    run.record(
        on_check,
        "no dev dependencies",
        shipped.is_empty(),
        if shipped.is_empty() {
            format!("none of {} dev-only package(s) installed", dev_only.len())
        } else {
            format!(
                "installed: {}",
                shipped
                    .iter()
                    .map(|s| s.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        },
    );
    run.record(
        on_check,
        "bytecode compiled",
        probe.missing_bytecode_count == 0,
        if probe.missing_bytecode_count == 0 {
            "every importable module of the stdlib, the venv and the source has its .pyc".into()
        } else {
            format!(
                "{} module(s) without .pyc, e.g. {}",
                probe.missing_bytecode_count,
                probe.missing_bytecode.join(", ")
            )
        },
    );
    Ok(())
}

fn compose_check(
    files: &ProjectFiles,
    run: &mut Run<'_>,
    on_check: &mut dyn FnMut(&Check),
) -> Result<(), UserError> {
    let plan = run.plan;
    let compose_file = files.root.join(&plan.outputs.compose);
    let program: Vec<String> = if run
        .docker(
            &["compose".into(), "version".into()],
            Duration::from_secs(20),
        )
        .is_ok_and(|o| o.success)
    {
        vec![run.docker.program.clone(), "compose".into()]
    } else {
        vec!["docker-compose".into()]
    };
    let project = docker::compose_project(&run.docker.run_id);
    let compose = |extra: &[&str], timeout: Duration| -> Result<docker::Output, UserError> {
        let mut command = std::process::Command::new(&program[0]);
        command
            .args(&program[1..])
            .arg("-f")
            .arg(&compose_file)
            .args(["-p", &project])
            .args(extra);
        docker::run_bounded(command, timeout).map_err(|_| {
            UserError::new(format!(
                "`{} {}` did not finish in time or could not start",
                program.join(" "),
                extra.first().copied().unwrap_or_default()
            ))
            .hint("install Docker Compose (`docker compose` or `docker-compose`)")
        })
    };
    let timeout = run.options.run_timeout * 2;
    let result = if plan.app.web {
        let up = compose(&["up", "-d", "--no-build"], timeout)?;
        if !up.success {
            (false, format!("`up` failed:\n{}", tail(&up.stderr, 15)))
        } else {
            let started = Instant::now();
            let container = loop {
                let ps = compose(&["ps", "-q"], timeout)?;
                if let Some(id) = ps.stdout.split_whitespace().next() {
                    break Some(id.to_string());
                }
                if started.elapsed() > timeout {
                    break None;
                }
                std::thread::sleep(Duration::from_millis(200));
            };
            match container {
                None => (false, "no container came up".into()),
                Some(id) => {
                    let mut status = String::new();
                    while started.elapsed() < timeout {
                        let inspect = run.docker(&["inspect".into(), "--format".into(), "{{.State.Health.Status}} {{.HostConfig.ReadonlyRootfs}} {{.Config.User}}".into(), id.clone()], timeout)?;
                        status = inspect.stdout.trim().to_string();
                        if status.starts_with("healthy") || status.starts_with("unhealthy") {
                            break;
                        }
                        std::thread::sleep(Duration::from_millis(500));
                    }
                    let expected = format!(
                        "healthy true {}:{}",
                        plan.user.value.uid, plan.user.value.gid
                    );
                    (
                        status == expected,
                        format!("health, read-only, user: `{status}` (expected `{expected}`)"),
                    )
                }
            }
        }
    } else {
        let mut extra: Vec<&str> = vec!["run", "--rm", "app"];
        extra.extend(plan.app.smoke_args.iter().map(String::as_str));
        let output = compose(&extra, timeout)?;
        (
            output.success,
            if output.success {
                "`compose run` of the smoke test exited 0".into()
            } else {
                format!("`compose run` failed:\n{}", tail(&output.stderr, 15))
            },
        )
    };
    let down = compose(&["down", "-v", "-t", "5"], timeout)?;
    let passed = result.0 && down.success;
    run.record(
        on_check,
        "compose",
        passed,
        format!(
            "{}{}",
            result.1,
            if down.success {
                "; taken down"
            } else {
                "; `down` failed"
            }
        ),
    );
    Ok(())
}
