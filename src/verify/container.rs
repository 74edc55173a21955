//! The container mechanics of `verify`: build the image, run the app's job in a hardened
//! container, stop, diff and remove it, run the probe inside the image, and bring the compose
//! file up and down. Each step returns what the engine showed; [`super::checks`] judges it.

use super::checks::{Compose, Job};
use super::{tail, Options};
use crate::engine::{self, http_status, Docker, LABEL};
use crate::error::UserError;
use crate::hardening::{Hardening, HARDENING};
use crate::model::Plan;
use crate::read::ProjectFiles;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

const PROBE: &str = include_str!("probe.py");

/// The containers of one verify run of one image.
pub struct Containers<'a> {
    pub docker: &'a Docker,
    pub plan: &'a Plan,
    pub tag: &'a str,
    /// Limit for each wait on a container: a job, a health answer, compose.
    pub run_timeout: Duration,
    /// Containers named so far, for unique names.
    counter: u32,
}

impl<'a> Containers<'a> {
    pub fn new(docker: &'a Docker, plan: &'a Plan, tag: &'a str, run_timeout: Duration) -> Self {
        Containers {
            docker,
            plan,
            tag,
            run_timeout,
            counter: 0,
        }
    }

    fn docker(&self, args: &[String], timeout: Duration) -> Result<engine::Output, UserError> {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        self.docker.run(&args, timeout)
    }

    /// `docker build` of the Dockerfile; its time. A failed build is an error: nothing is
    /// left to check.
    pub fn build(&self, files: &ProjectFiles, options: &Options) -> Result<Duration, UserError> {
        let plan = self.plan;
        let dockerfile = options
            .dockerfile
            .clone()
            .unwrap_or_else(|| files.root.join(&plan.outputs.dockerfile));
        let mut args: Vec<String> = vec![
            "build".into(),
            "--progress=plain".into(),
            "-f".into(),
            dockerfile.to_string_lossy().into_owned(),
            "-t".into(),
            self.tag.into(),
        ];
        if self.tag != plan.image.value {
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
        args.push(files.root.to_string_lossy().into_owned());
        let build = self.docker(&args, options.build_timeout)?;
        if !build.success {
            return Err(UserError::new(format!("`docker build` of `{}` failed", dockerfile.display()))
                .detail(tail(&build.stderr, 30))
                .hint("fix the cause above; if uv cannot reach the index through a TLS-intercepting proxy, pass its CA: `--secret id=ca-certificates,src=/path/to/ca.pem`"));
        }
        Ok(build.elapsed)
    }

    /// The image's `USER`, empty when it sets none.
    pub fn image_user(&self) -> Result<String, UserError> {
        let inspect = self.docker(
            &[
                "image".into(),
                "inspect".into(),
                "--format".into(),
                "{{.Config.User}}".into(),
                self.tag.into(),
            ],
            self.run_timeout,
        )?;
        Ok(inspect.stdout.trim().to_string())
    }

    fn container_name(&mut self) -> String {
        self.counter += 1;
        format!("uv-rootless-verify-{}-{}", self.docker.run_id, self.counter)
    }

    /// `docker run` arguments up to the image, with the run's label and the hardening flags;
    /// a web app's port published on the loopback when `publish`.
    fn run_args(
        &mut self,
        read_only: bool,
        detached: bool,
        publish: bool,
    ) -> (String, Vec<String>) {
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
        // The hardening compose and Kubernetes apply, from the same table; the writable run
        // only lifts the read-only root, to see what the app would write.
        let hardening = Hardening {
            read_only_root: read_only,
            ..HARDENING
        };
        args.extend(hardening.docker_run_flags(&self.plan.user.value));
        if publish && self.plan.app.web {
            args.extend(["-p".into(), format!("127.0.0.1::{}", self.plan.app.port)]);
        }
        (name, args)
    }

    /// Starts the app the way its checks need: a web app until it answers its health URL, a
    /// command-line app through its smoke test. Returns the container's name and the outcome;
    /// the container is left for the caller to stop, diff and remove.
    pub fn job(&mut self, read_only: bool) -> Result<(String, Job), UserError> {
        if self.plan.app.web {
            self.web_job(read_only)
        } else {
            self.smoke_job(read_only)
        }
    }

    fn web_job(&mut self, read_only: bool) -> Result<(String, Job), UserError> {
        let timeout = self.run_timeout;
        let (name, mut args) = self.run_args(read_only, true, true);
        args.push(self.tag.to_string());
        let started = Instant::now();
        let output = self.docker(&args, timeout)?;
        if !output.success {
            return Ok((
                name,
                Job::DidNotStart {
                    stderr: output.stderr,
                },
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
            return Ok((name, Job::NoPublishedPort));
        };
        // A TCP probe still sends a request: the engine's port proxy accepts connections even
        // when nothing listens in the container, so only an answer proves the server is up.
        let tcp = self.plan.app.health_probe == crate::model::HealthProbe::Tcp;
        let path = if tcp {
            "/".to_string()
        } else {
            self.plan.app.health_path.clone()
        };
        loop {
            if let Some(status) = http_status(host_port, &path, Duration::from_secs(2)) {
                let elapsed = started.elapsed();
                if tcp {
                    return Ok((name, Job::Listening { status, elapsed }));
                }
                return Ok((
                    name,
                    Job::Answered {
                        path,
                        status,
                        elapsed,
                    },
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
                let logs = format!("{}{}", logs.stdout, logs.stderr);
                return Ok((name, Job::ExitedBeforeAnswering { logs }));
            }
            if started.elapsed() > timeout {
                return Ok((name, Job::NoAnswer { path, timeout }));
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn smoke_job(&mut self, read_only: bool) -> Result<(String, Job), UserError> {
        let (name, mut args) = self.run_args(read_only, false, true);
        args.push(self.tag.to_string());
        args.extend(self.plan.app.smoke_args.iter().cloned());
        let output = self.docker(&args, self.run_timeout)?;
        let job = Job::Exited {
            smoke: self.plan.app.smoke_args.join(" "),
            code: output.code,
            stdout: output.stdout,
            stderr: output.stderr,
            elapsed: output.elapsed,
        };
        Ok((name, job))
    }

    /// `docker stop -t 10`: whether it succeeded, and how long it took.
    pub fn stop(&self, name: &str) -> Result<(bool, Duration), UserError> {
        let stop = self.docker(
            &["stop".into(), "-t".into(), "10".into(), name.into()],
            Duration::from_secs(30),
        )?;
        Ok((stop.success, stop.elapsed))
    }

    /// `docker diff`: whether it succeeded, and its changes, one a line.
    pub fn diff(&self, name: &str) -> Result<(bool, String), UserError> {
        let diff = self.docker(&["diff".into(), name.into()], self.run_timeout)?;
        Ok((diff.success, diff.stdout))
    }

    /// Removes a container; the run's cleanup catches any this misses.
    pub fn remove(&self, name: String) {
        let _ = self.docker(&["rm".into(), "-f".into(), name], self.run_timeout);
    }

    /// Runs `probe.py` with `argument` in the image as its own user, with the venv's Python
    /// (the final stage may have no shell), writable but hardened and unpublished.
    pub fn probe(&mut self, argument: String) -> Result<engine::Output, UserError> {
        let (_, mut args) = self.run_args(false, false, false);
        args.extend([
            "--entrypoint".into(),
            format!("{}/bin/python", self.plan.layout.venv),
            self.tag.to_string(),
            "-c".into(),
            PROBE.into(),
            argument,
        ]);
        self.docker(&args, Duration::from_secs(300))
    }

    /// Brings `compose_file` up (a web app, until its health check decides) or runs the smoke
    /// test through it (a command-line app), then takes it down. Returns what it showed and
    /// whether `down` succeeded.
    pub fn compose(&self, compose_file: &Path) -> Result<(Compose, bool), UserError> {
        let program: Vec<String> = if self
            .docker(
                &["compose".into(), "version".into()],
                Duration::from_secs(20),
            )
            .is_ok_and(|o| o.success)
        {
            vec![self.docker.program.clone(), "compose".into()]
        } else {
            vec!["docker-compose".into()]
        };
        let compose = ComposeCommand {
            program,
            file: compose_file,
            project: engine::compose_project(&self.docker.run_id),
        };
        let timeout = self.run_timeout * 2;
        let outcome = if self.plan.app.web {
            let up = compose.run(&["up", "-d", "--no-build"], timeout)?;
            if up.success {
                self.service_state(&compose, timeout)?
            } else {
                Compose::UpFailed { stderr: up.stderr }
            }
        } else {
            let mut extra: Vec<&str> = vec!["run", "--rm", "app"];
            extra.extend(self.plan.app.smoke_args.iter().map(String::as_str));
            let output = compose.run(&extra, timeout)?;
            Compose::Smoke {
                succeeded: output.success,
                stderr: output.stderr,
            }
        };
        let down = compose.run(&["down", "-v", "-t", "5"], timeout)?;
        Ok((outcome, down.success))
    }

    /// Waits for the service's container, then for its health check to decide.
    fn service_state(
        &self,
        compose: &ComposeCommand<'_>,
        timeout: Duration,
    ) -> Result<Compose, UserError> {
        let started = Instant::now();
        let container = loop {
            let ps = compose.run(&["ps", "-q"], timeout)?;
            if let Some(id) = ps.stdout.split_whitespace().next() {
                break id.to_string();
            }
            if started.elapsed() > timeout {
                return Ok(Compose::NoContainer);
            }
            std::thread::sleep(Duration::from_millis(200));
        };
        let mut status = String::new();
        while started.elapsed() < timeout {
            let inspect = self.docker(
                &[
                    "inspect".into(),
                    "--format".into(),
                    "{{.State.Health.Status}} {{.HostConfig.ReadonlyRootfs}} {{.Config.User}}"
                        .into(),
                    container.clone(),
                ],
                timeout,
            )?;
            status = inspect.stdout.trim().to_string();
            if status.starts_with("healthy") || status.starts_with("unhealthy") {
                break;
            }
            std::thread::sleep(Duration::from_millis(500));
        }
        Ok(Compose::Service { status })
    }
}

/// `docker compose` (or `docker-compose`) on one file, as the run's compose project.
struct ComposeCommand<'a> {
    program: Vec<String>,
    file: &'a Path,
    project: String,
}

impl ComposeCommand<'_> {
    fn run(&self, extra: &[&str], timeout: Duration) -> Result<engine::Output, UserError> {
        let mut command = Command::new(&self.program[0]);
        command
            .args(&self.program[1..])
            .arg("-f")
            .arg(self.file)
            .args(["-p", &self.project])
            .args(extra);
        engine::run_bounded(command, timeout).map_err(|_| {
            UserError::new(format!(
                "`{} {}` did not finish in time or could not start",
                self.program.join(" "),
                extra.first().copied().unwrap_or_default()
            ))
            .hint("install Docker Compose (`docker compose` or `docker-compose`)")
        })
    }
}
