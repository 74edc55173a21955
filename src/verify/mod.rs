//! `verify`: build the image from the generated Dockerfile and prove, on a real engine, what
//! the generated files promise: it runs as the configured non-root uid on a read-only root
//! filesystem with no capabilities, does its job, writes nothing, stops promptly on SIGTERM,
//! and ships no uv, compiler, `.git`, dev dependency or bytecode it would have to write.
//!
//! This file is the run order; `container.rs` drives the engine and [`checks`] judges what it
//! showed.

pub mod checks;
mod container;

use crate::engine::{self, Docker, Undo};
use crate::error::UserError;
use crate::model::Plan;
use crate::read::ProjectFiles;
use checks::ProbeRoots;
use container::Containers;
use std::path::PathBuf;
use std::time::Duration;

/// The flags of `uv-rootless verify`.
#[derive(Debug, Clone)]
pub struct Options {
    /// Also bring the service up with the generated compose file.
    pub compose: bool,
    /// Leave the image tagged afterwards: `tag`, or the plan's image.
    pub keep: bool,
    /// Tag the image with this while the run lasts (and after, with `keep`).
    pub tag: Option<String>,
    /// `docker build --secret` values, e.g. `id=ca-certificates,src=/etc/ssl/certs/ca.pem`.
    pub secrets: Vec<String>,
    /// `docker build --network`, e.g. `host`.
    pub network: Option<String>,
    /// `docker build --no-cache`.
    pub no_cache: bool,
    /// Build this Dockerfile instead of the generated one.
    pub dockerfile: Option<PathBuf>,
    /// `KEY=VALUE` settings for every container run, and for compose.
    pub env: Vec<String>,
    /// Env files for every container run, and for compose.
    pub env_files: Vec<PathBuf>,
    /// Limit for the build.
    pub build_timeout: Duration,
    /// Limit for each wait on a container: a job, a health answer, compose.
    pub run_timeout: Duration,
}

/// One line of the report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Check {
    pub name: &'static str,
    pub passed: bool,
    pub detail: String,
}

/// What a run found: every check, in the order they ran.
#[derive(Debug, Clone)]
pub struct Report {
    pub checks: Vec<Check>,
}

impl Report {
    /// How many checks failed.
    pub fn failed(&self) -> usize {
        self.checks.iter().filter(|check| !check.passed).count()
    }
}

/// The one tag `verify` sets on the image it builds: `--tag`, or with `--keep` the plan's
/// image; none otherwise, and then the plan's image name is never touched: the image is known
/// by its id alone and removed at the end.
pub fn image_tag<'a>(plan: &'a Plan, options: &'a Options) -> Option<&'a str> {
    match &options.tag {
        Some(tag) => Some(tag),
        None if options.keep => Some(&plan.image.value),
        None => None,
    }
}

/// Builds and checks. `on_check` sees each check as it completes. Errors (no engine, a failed
/// build, a time-out) end the run; failed checks do not.
pub fn verify(
    files: &ProjectFiles,
    plan: &Plan,
    options: &Options,
    on_check: &mut dyn FnMut(&Check),
) -> Result<Report, UserError> {
    let run_id = format!("{}-{}", std::process::id(), unique_suffix());
    let docker = Docker::new(run_id);
    engine::cleanup_on_interrupt(&docker);
    let server = docker.run(
        &["version", "--format", "{{.Server.Version}}"],
        Duration::from_secs(20),
    )?;
    if !server.success {
        return Err(UserError::new("the Docker engine is not reachable")
            .detail(server.stderr.trim().to_string())
            .hint("start the Docker daemon, or set `DOCKER_HOST` to one that runs"));
    }
    let mut containers = Containers::new(&docker, plan, options.run_timeout);
    containers.set_env(&options.env, &options.env_files)?;
    // The settings the code requires at start that the user did not pass get their stand-in;
    // compose also reads the project's own env file, whose values win there.
    let mut passed: Vec<String> = options
        .env
        .iter()
        .map(|pair| {
            pair.split_once('=')
                .map_or(pair.as_str(), |(key, _)| key)
                .to_string()
        })
        .collect();
    for file in &options.env_files {
        passed.extend(checks::env_file_names(
            &std::fs::read_to_string(file).unwrap_or_default(),
        ));
    }
    let required = &plan.runtime.required_env;
    let given = checks::stand_ins(required, &passed);
    if !plan.runtime.env_file.is_empty() {
        let text = std::fs::read_to_string(files.root.join(&plan.runtime.env_file));
        passed.extend(checks::env_file_names(&text.unwrap_or_default()));
    }
    containers.give_stand_ins(&given, &checks::stand_ins(required, &passed));
    let mut report = Reporter {
        checks: Vec::new(),
        on_check,
    };
    let settings = checks::stand_ins_given(&given);
    let result = run_checks(files, plan, options, &mut containers, &mut report, settings);
    // The containers, then (without `--keep`) the tag and the image this run made, by id.
    docker.cleanup();
    result.map(|()| Report {
        checks: report.checks,
    })
}

fn unique_suffix() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos() % 1_000_000_000)
        .unwrap_or_default()
}

/// The checks so far, each also shown to the caller as it completes.
struct Reporter<'a> {
    checks: Vec<Check>,
    on_check: &'a mut dyn FnMut(&Check),
}

impl Reporter<'_> {
    fn record(&mut self, check: Check) {
        // After Ctrl-C every docker call fails at once: what fails then is not the image's.
        if engine::interrupted() {
            return;
        }
        (self.on_check)(&check);
        self.checks.push(check);
    }
}

/// The steps of a run, in order.
fn run_checks(
    files: &ProjectFiles,
    plan: &Plan,
    options: &Options,
    containers: &mut Containers<'_>,
    report: &mut Reporter<'_>,
    settings: Option<Check>,
) -> Result<(), UserError> {
    let user = plan.user.value;

    let tag = image_tag(plan, options);
    // What the tag named before, to point it back there at the end.
    let previous = tag.and_then(|tag| containers.docker.image_id(tag, true));
    let build = containers.build(files, options, tag)?;
    if !options.keep {
        if let Some(tag) = tag {
            containers.docker.undo_at_cleanup(Undo::Tag {
                tag: tag.to_string(),
                id: build.id.clone(),
                previous,
            });
        }
        if !build.existed_before {
            containers.docker.undo_at_cleanup(Undo::Image {
                id: build.id.clone(),
            });
        }
    }
    let short = build.id.get(..19).unwrap_or(&build.id);
    report.record(Check {
        name: "build",
        passed: true,
        detail: match tag {
            Some(tag) => format!(
                "built `{tag}` ({short}) in {:.1} s",
                build.elapsed.as_secs_f64()
            ),
            None => format!("built {short} in {:.1} s", build.elapsed.as_secs_f64()),
        },
    });

    if let Some(settings) = settings {
        report.record(settings);
    }
    report.record(checks::image_user(&containers.image_user()?, user));

    // The job, read-only, no capabilities, no new privileges, no `--user`.
    let (name, job) = containers.job(true)?;
    report.record(checks::read_only_run(&job, &plan.app.health_note));
    // A web app and a worker run until stopped: SIGTERM must stop them promptly. A job and a
    // command-line app have exited by now.
    if plan.app.kind.long_running() {
        let was_running = containers.running(&name)?;
        let (stopped, elapsed) = containers.stop(&name)?;
        report.record(checks::stops_on_sigterm(was_running, stopped, elapsed));
    }
    let never_exited = matches!(job, checks::Job::DidNotExit { .. });
    if never_exited {
        // A smoke test that ran on would run on again without --read-only: stop it now.
        let _ = containers.stop(&name)?;
    }
    containers.remove(name);

    // What the health probe does not reach: a script that runs once per session, run once
    // with its framework's own test runner, read-only too.
    if !plan.app.session_script.is_empty() {
        report.record(checks::first_session(&containers.session()?));
    }

    // The same job with a writable root filesystem: it must write nothing. Not run after a
    // smoke test that did not exit: it would only wait as long again.
    if !never_exited {
        let (name, job) = containers.job(false)?;
        let (diff_succeeded, diff) = containers.diff(&name)?;
        report.record(checks::writes_nothing(
            &job,
            diff_succeeded,
            &diff,
            &containers.engine_mounts(),
        ));
        containers.remove(name);
    }

    // Inside the image.
    let roots = ProbeRoots::of(plan);
    let output = containers.probe(roots.to_json())?;
    match checks::probe(output.success, &output.stdout, &output.stderr) {
        Err(failed) => report.record(failed),
        Ok(probe) => {
            report.record(checks::runs_as(&probe, user));
            report.record(checks::app_not_writable(&probe, &roots.writable));
            report.record(checks::no_uv_no_compiler(&probe, &plan.layout.venv));
            report.record(checks::no_git(&probe));
            let dev_only = checks::dev_only_packages(files, plan);
            report.record(checks::no_dev_dependencies(&probe, &dev_only));
            report.record(checks::bytecode_compiled(&probe));
            if let Some(version) = &plan.scm_version {
                let names: Vec<String> =
                    files.vcs_versioned.iter().map(|v| v.name.clone()).collect();
                if let Some(check) = checks::version_from_git(&probe, &names, &version.value) {
                    report.record(check);
                }
            }
        }
    }

    // compose's run of a smoke test that did not exit would only wait as long again.
    if options.compose && !never_exited {
        let compose_file = files.root.join(&plan.outputs.compose);
        let (outcome, down_succeeded) = containers.compose(&compose_file)?;
        report.record(checks::compose(&outcome, down_succeeded, user));
    }
    Ok(())
}

/// The last `lines` lines of `text`, indented under a check's detail.
fn tail(text: &str, lines: usize) -> String {
    let all: Vec<&str> = text.lines().collect();
    let start = all.len().saturating_sub(lines);
    all[start..]
        .iter()
        .map(|line| format!("  {line}\n"))
        .collect()
}
