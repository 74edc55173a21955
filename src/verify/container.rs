//! The container mechanics of `verify`: build the image, run the app's job in a hardened
//! container, stop, diff and remove it, run the probe inside the image, and bring the compose
//! file up and down. Each step returns what the engine showed; [`super::checks`] judges it.

use super::checks::{Compose, Job};
use super::{tail, Options};
use crate::engine::{self, http_status, Docker, LABEL};
use crate::error::UserError;
use crate::hardening::{Hardening, HARDENING};
use crate::model::{AppKind, Plan, RequiredSetting};
use crate::read::ProjectFiles;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

const PROBE: &str = include_str!("probe.py");
const SESSION: &str = include_str!("session.py");

/// The containers of one verify run of one image.
pub struct Containers<'a> {
    pub docker: &'a Docker,
    /// `--env` and `--env-file` of every container run.
    pub env_flags: Vec<String>,
    /// `--env` pairs and absolute `--env-file` paths, for compose.
    options_env: Vec<String>,
    options_env_files: Vec<String>,
    /// Stand-ins of required settings for compose's run, which the override file sets.
    compose_stand_ins: Vec<(String, String)>,
    pub plan: &'a Plan,
    /// The id of the image, once built: every run names it so, never by a tag that someone
    /// else may move.
    pub image: String,
    /// Limit for each wait on a container: a job, a health answer, compose.
    pub run_timeout: Duration,
    /// Containers named so far, for unique names.
    counter: u32,
}

impl<'a> Containers<'a> {
    pub fn new(docker: &'a Docker, plan: &'a Plan, run_timeout: Duration) -> Self {
        Containers {
            docker,
            env_flags: Vec::new(),
            options_env: Vec::new(),
            options_env_files: Vec::new(),
            compose_stand_ins: Vec::new(),
            plan,
            image: String::new(),
            run_timeout,
            counter: 0,
        }
    }

    /// Passes `env` (`KEY=VALUE`) and `env_files` to every container, and to compose.
    pub fn set_env(
        &mut self,
        env: &[String],
        env_files: &[std::path::PathBuf],
    ) -> Result<(), UserError> {
        let mut files = Vec::new();
        for file in env_files {
            let absolute = std::path::absolute(file)
                .ok()
                .filter(|path| path.is_file())
                .ok_or_else(|| {
                    UserError::new(format!("`--env-file {}`: no such file", file.display()))
                        .hint("pass a file of KEY=VALUE lines")
                })?;
            files.push(absolute.to_string_lossy().into_owned());
        }
        self.env_flags.clear();
        for pair in env {
            self.env_flags.extend(["--env".to_string(), pair.clone()]);
        }
        for file in &files {
            self.env_flags
                .extend(["--env-file".to_string(), file.clone()]);
        }
        self.options_env = env.to_vec();
        self.options_env_files = files;
        Ok(())
    }

    /// Gives every container run the stand-ins of `runs`, and compose those of `compose`.
    pub fn give_stand_ins(&mut self, runs: &[&RequiredSetting], compose: &[&RequiredSetting]) {
        for setting in runs {
            self.env_flags.extend([
                "--env".to_string(),
                format!("{}={}", setting.name, setting.stand_in),
            ]);
        }
        self.compose_stand_ins = compose
            .iter()
            .map(|setting| (setting.name.clone(), setting.stand_in.clone()))
            .collect();
    }

    fn docker(&self, args: &[String], timeout: Duration) -> Result<engine::Output, UserError> {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        self.docker.run(&args, timeout)
    }

    /// `docker build` of the Dockerfile, tagged `tag` when one is given and with nothing else;
    /// its id is read from `--iidfile` and every later step names the image by it. A failed
    /// build is an error: nothing is left to check.
    pub fn build(
        &mut self,
        files: &ProjectFiles,
        options: &Options,
        tag: Option<&str>,
    ) -> Result<Built, UserError> {
        let plan = self.plan;
        let dockerfile = options
            .dockerfile
            .clone()
            .unwrap_or_else(|| files.root.join(&plan.outputs.dockerfile));
        // What the engine held before: an image it already had (the same build, cached, that
        // someone tagged) is not this run's to remove.
        let listed = self.docker(
            &[
                "image".into(),
                "ls".into(),
                "--all".into(),
                "--quiet".into(),
                "--no-trunc".into(),
            ],
            self.run_timeout,
        )?;
        let before = listed.success.then_some(listed.stdout);
        let iidfile =
            std::env::temp_dir().join(format!("uv-rootless-verify-{}.iid", self.docker.run_id));
        let _ = std::fs::remove_file(&iidfile);
        let args = build_args(
            &dockerfile.to_string_lossy(),
            &files.root.to_string_lossy(),
            &iidfile.to_string_lossy(),
            tag,
            // The version the backend would read from git, as the tree is now (the file's
            // default is the release it was generated at).
            (!plan.layout.scm_version_env.is_empty()).then_some(plan.layout.scm_version.as_str()),
            options,
        );
        let build = self.docker(&args, options.build_timeout);
        let written = std::fs::read_to_string(&iidfile).unwrap_or_default();
        let _ = std::fs::remove_file(&iidfile);
        let build = build?;
        if !build.success {
            let error = UserError::new(format!(
                "`docker build` of `{}` failed",
                dockerfile.display()
            ))
            .detail(tail(&build.stderr, 30));
            return Err(error.hint(build_failure_hint(&options.secrets)));
        }
        let id = image_id(&written).ok_or_else(|| {
            UserError::new("`docker build` succeeded but wrote no image id to its `--iidfile`")
                .detail(tail(&build.stderr, 10))
                .hint(
                    "use a Docker client that supports `docker build --iidfile` (any since 17.06)",
                )
        })?;
        self.image = id.clone();
        Ok(Built {
            existed_before: before
                .is_none_or(|listed| listed.split_whitespace().any(|known| known == id)),
            id,
            elapsed: build.elapsed,
        })
    }

    /// The image's `USER`, empty when it sets none.
    pub fn image_user(&self) -> Result<String, UserError> {
        let inspect = self.docker(
            &[
                "image".into(),
                "inspect".into(),
                "--format".into(),
                "{{.Config.User}}".into(),
                self.image.clone(),
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
    /// `app`: a run of the app itself, which gets what compose gives it (its writable paths,
    /// an init, the settings, the published port); the probe gets none of that.
    fn run_args(&mut self, read_only: bool, detached: bool, app: bool) -> (String, Vec<String>) {
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
        let writable: &[String] = if app {
            &self.plan.runtime.writable_mounts
        } else {
            &[]
        };
        args.extend(hardening.docker_run_flags(&self.plan.user.value, writable));
        if !app {
            return (name, args);
        }
        // compose gives every app an init and Kubernetes one that does not handle SIGTERM;
        // the same here, so the stop check sees what they would.
        if !self.plan.app.handles_sigterm {
            args.push("--init".into());
        }
        args.extend(self.env_flags.iter().cloned());
        if self.plan.app.web {
            args.extend(["-p".into(), format!("127.0.0.1::{}", self.plan.app.port)]);
        }
        (name, args)
    }

    /// Starts the app the way its checks need: a web app until it answers its health URL, a
    /// command-line app through its smoke test. Returns the container's name and the outcome;
    /// the container is left for the caller to stop, diff and remove.
    pub fn job(&mut self, read_only: bool) -> Result<(String, Job), UserError> {
        match self.plan.app.kind {
            _ if self.plan.app.web => self.web_job(read_only),
            AppKind::Worker => self.worker_job(read_only),
            _ => self.smoke_job(read_only),
        }
    }

    /// The paths the engine itself creates in an app's container before the app runs: the
    /// mount points of the writable paths and of `--init`'s binary (`/sbin` or `/usr/sbin`,
    /// wherever the image's `/sbin` leads).
    pub fn engine_mounts(&self) -> Vec<String> {
        let mut mounts = self.plan.runtime.writable_mounts.clone();
        if !self.plan.app.handles_sigterm {
            mounts.extend(["/sbin/docker-init".into(), "/usr/sbin/docker-init".into()]);
        }
        mounts
    }

    /// Whether the container is running now.
    pub fn running(&self, name: &str) -> Result<bool, UserError> {
        let state = self.docker(
            &[
                "inspect".into(),
                "--format".into(),
                "{{.State.Running}}".into(),
                name.into(),
            ],
            self.run_timeout,
        )?;
        Ok(state.stdout.trim() == "true")
    }

    /// The last `lines` of the container's output, stdout then stderr.
    fn logs(&self, name: &str, lines: u32) -> Result<String, UserError> {
        let logs = self.docker(
            &[
                "logs".into(),
                "--tail".into(),
                lines.to_string(),
                name.into(),
            ],
            self.run_timeout,
        )?;
        Ok(format!("{}{}", logs.stdout, logs.stderr))
    }

    /// Whether the container used less than a tenth of a CPU over the engine's sample (about
    /// two seconds): its start-up (the imports, the settings, the first connections) is over.
    /// An engine that reports no figure counts as settled, so the window is the plain one.
    fn idle(&self, name: &str) -> Result<bool, UserError> {
        let stats = self.docker(
            &[
                "stats".into(),
                "--no-stream".into(),
                "--format".into(),
                "{{.CPUPerc}}".into(),
                name.into(),
            ],
            self.run_timeout,
        )?;
        Ok(stats
            .stdout
            .trim()
            .trim_end_matches('%')
            .parse::<f64>()
            .map_or(true, |percent| percent < 10.0))
    }

    /// A worker: started detached with its smoke arguments; it passes when it is still running
    /// `smoke_seconds` after its start-up settled (the first engine sample where it is idle), so
    /// that a crash at start is seen however slowly a loaded engine imports the app. A worker
    /// still busy after `smoke_seconds` plus 30 s, or the run limit, passes as running.
    fn worker_job(&mut self, read_only: bool) -> Result<(String, Job), UserError> {
        let seconds = self.plan.runtime.smoke_seconds;
        let (name, mut args) = self.run_args(read_only, true, true);
        args.push(self.image.clone());
        args.extend(self.plan.app.smoke_args.iter().cloned());
        let output = self.docker(&args, self.run_timeout)?;
        if !output.success {
            return Ok((
                name,
                Job::DidNotStart {
                    stderr: output.stderr,
                },
            ));
        }
        let started = Instant::now();
        let window = Duration::from_secs(u64::from(seconds));
        let cap = (window + Duration::from_secs(30)).min(self.run_timeout.max(window));
        let mut settled: Option<Instant> = None;
        loop {
            if !self.running(&name)? {
                let code = self.docker(
                    &[
                        "inspect".into(),
                        "--format".into(),
                        "{{.State.ExitCode}}".into(),
                        name.clone(),
                    ],
                    self.run_timeout,
                )?;
                let logs = self.logs(&name, 200)?;
                return Ok((
                    name,
                    Job::ExitedEarly {
                        seconds: started.elapsed().as_secs_f64().ceil() as u32,
                        code: code.stdout.trim().parse().ok(),
                        logs,
                    },
                ));
            }
            let up = started.elapsed();
            match settled {
                Some(at) if at.elapsed() >= window => {
                    return Ok((
                        name,
                        Job::StayedUp {
                            seconds,
                            settled_after: Some(at - started),
                        },
                    ))
                }
                _ if up >= cap => {
                    return Ok((
                        name,
                        Job::StayedUp {
                            seconds: up.as_secs() as u32,
                            settled_after: None,
                        },
                    ))
                }
                Some(_) => std::thread::sleep(Duration::from_millis(250)),
                None => {
                    if self.idle(&name)? {
                        settled = Some(Instant::now());
                    }
                }
            }
        }
    }

    fn web_job(&mut self, read_only: bool) -> Result<(String, Job), UserError> {
        let timeout = self.run_timeout;
        let (name, mut args) = self.run_args(read_only, true, true);
        args.push(self.image.clone());
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
                    let logs = if status >= 500 {
                        self.logs(&name, 200)?
                    } else {
                        String::new()
                    };
                    return Ok((
                        name,
                        Job::Listening {
                            status,
                            elapsed,
                            logs,
                        },
                    ));
                }
                // A failure answer's cause is in the log, as a crash's is.
                let logs = if (200..400).contains(&status) {
                    String::new()
                } else {
                    self.logs(&name, 200)?
                };
                return Ok((
                    name,
                    Job::Answered {
                        path,
                        status,
                        elapsed,
                        logs,
                    },
                ));
            }
            if !self.running(&name)? {
                let logs = self.logs(&name, 200)?;
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
        args.push(self.image.clone());
        args.extend(self.plan.app.smoke_args.iter().cloned());
        let smoke = self.plan.app.smoke_args.join(" ");
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        // Killing the client leaves the container running; the caller removes it.
        let Some(output) = self.docker.run_or_time_out(&args, self.run_timeout)? else {
            let timeout = self.run_timeout;
            return Ok((name, Job::DidNotExit { smoke, timeout }));
        };
        let job = Job::Exited {
            smoke,
            code: output.code,
            stdout: output.stdout,
            stderr: output.stderr,
            elapsed: output.elapsed,
        };
        Ok((name, job))
    }

    /// One session of the plan's session script (Streamlit, Panel) with the framework's own
    /// machinery,
    /// in the hardened read-only container the app runs in, with the app's settings; the
    /// container is removed afterwards.
    pub fn session(&mut self) -> Result<Job, UserError> {
        let (name, mut args) = self.run_args(true, false, true);
        // The published port is of no use here, and would only hold a host port.
        if args.len() >= 2 && args[args.len() - 2] == "-p" {
            args.truncate(args.len() - 2);
        }
        let seconds = self.run_timeout.as_secs().max(10);
        args.extend([
            "--entrypoint".into(),
            format!("{}/bin/python", self.plan.layout.venv),
            self.image.clone(),
            "-c".into(),
            SESSION.into(),
            self.plan.app.session_script.clone(),
            seconds.to_string(),
            self.plan.app.framework.clone(),
        ]);
        let output = self.docker(&args, self.run_timeout + Duration::from_secs(30))?;
        self.remove(name);
        Ok(Job::Exited {
            smoke: format!("a session of {}", self.plan.app.session_script),
            code: output.code,
            stdout: output.stdout,
            stderr: output.stderr,
            elapsed: output.elapsed,
        })
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
            self.image.clone(),
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
        // Compose names the image by a tag: some releases of Compose refuse an id there.
        // A tag of this run's own, removed at the end.
        let tag = format!("uv-rootless-verify:{}", self.docker.run_id);
        let tagged = self.docker(
            &["tag".into(), self.image.clone(), tag.clone()],
            Duration::from_secs(20),
        )?;
        if !tagged.success {
            return Err(
                UserError::new(format!("`docker tag` of the image as `{tag}` failed"))
                    .detail(tail(&tagged.stderr, 5))
                    .hint("look at the engine with `docker images`"),
            );
        }
        self.docker.undo_at_cleanup(engine::Undo::Tag {
            tag: tag.clone(),
            id: self.image.clone(),
            previous: None,
        });
        let override_file = self.override_file(&tag)?;
        let compose = ComposeCommand {
            program,
            files: vec![compose_file.to_path_buf(), override_file.clone()],
            project: engine::compose_project(&self.docker.run_id),
        };
        let result = self.compose_steps(&compose);
        let _ = std::fs::remove_file(override_file);
        result
    }

    fn compose_steps(&self, compose: &ComposeCommand) -> Result<(Compose, bool), UserError> {
        let timeout = self.run_timeout * 2;
        let outcome = if self.plan.app.kind.long_running() {
            let up = compose.run(&["up", "-d", "--no-build"], timeout)?;
            if !up.success {
                Compose::UpFailed { stderr: up.stderr }
            } else if self.plan.app.web {
                self.service_state(compose, timeout)?
            } else {
                self.worker_state(compose, timeout)?
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

    /// An override compose file, in the temporary directory: the image as `image` (the compose
    /// file names the plan's image, which this run does not tag), and `--env` and `--env-file`.
    fn override_file(&self, image: &str) -> Result<std::path::PathBuf, UserError> {
        let (env, files) = (&self.options_env, &self.options_env_files);
        let environment: serde_json::Map<String, serde_json::Value> = self
            .compose_stand_ins
            .iter()
            .map(|(key, value)| (key.as_str(), value.as_str()))
            .chain(env.iter().filter_map(|pair| pair.split_once('=')))
            .map(|(key, value)| (key.to_string(), serde_json::Value::from(value)))
            .collect();
        let mut service = serde_json::Map::new();
        service.insert("image".into(), image.into());
        if !environment.is_empty() {
            service.insert("environment".into(), environment.into());
        }
        if !files.is_empty() {
            service.insert("env_file".into(), serde_json::json!(files));
        }
        // JSON is YAML: no escaping of our own for the values.
        let text = serde_json::json!({ "services": { "app": service } }).to_string();
        let path = std::env::temp_dir().join(format!(
            "uv-rootless-verify-{}.compose.yaml",
            self.docker.run_id
        ));
        std::fs::write(&path, text).map_err(|error| {
            UserError::new(format!("failed to write `{}`: {error}", path.display()))
                .hint("set TMPDIR to a writable directory")
        })?;
        Ok(path)
    }

    /// The service's container id, once `ps` lists it.
    fn service_container(
        &self,
        compose: &ComposeCommand,
        timeout: Duration,
    ) -> Result<Option<String>, UserError> {
        let started = Instant::now();
        loop {
            let ps = compose.run(&["ps", "-q"], timeout)?;
            if let Some(id) = ps.stdout.split_whitespace().next() {
                return Ok(Some(id.to_string()));
            }
            if started.elapsed() > timeout {
                return Ok(None);
            }
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    /// A worker's state after `smoke_seconds`: running, read-only, as the image's user.
    fn worker_state(
        &self,
        compose: &ComposeCommand,
        timeout: Duration,
    ) -> Result<Compose, UserError> {
        let Some(container) = self.service_container(compose, timeout)? else {
            return Ok(Compose::NoContainer);
        };
        let seconds = self.plan.runtime.smoke_seconds;
        std::thread::sleep(Duration::from_secs(u64::from(seconds)));
        let inspect = self.docker(
            &[
                "inspect".into(),
                "--format".into(),
                "{{.State.Status}} {{.HostConfig.ReadonlyRootfs}} {{.Config.User}}".into(),
                container.clone(),
            ],
            timeout,
        )?;
        // `restart: unless-stopped` may have restarted a crashed worker: a restart count
        // above zero is a crash too.
        let restarts = self.docker(
            &[
                "inspect".into(),
                "--format".into(),
                "{{.RestartCount}}".into(),
                container.clone(),
            ],
            timeout,
        )?;
        let mut status = inspect.stdout.trim().to_string();
        if restarts.stdout.trim() != "0" {
            status = format!("restarted {} time(s): {status}", restarts.stdout.trim());
        }
        let logs = self.logs(&container, 200)?;
        Ok(Compose::Worker {
            status,
            seconds,
            logs,
        })
    }

    /// Waits for the service's container, then for its health check to decide.
    fn service_state(
        &self,
        compose: &ComposeCommand,
        timeout: Duration,
    ) -> Result<Compose, UserError> {
        let started = Instant::now();
        let Some(container) = self.service_container(compose, timeout)? else {
            return Ok(Compose::NoContainer);
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
        // An unhealthy service's cause is in its log, as a failed run's is.
        let logs = if status.starts_with("healthy") {
            String::new()
        } else {
            self.logs(&container, 200)?
        };
        Ok(Compose::Service { status, logs })
    }
}

/// What a build made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Built {
    /// The image's id, `sha256:...`.
    pub id: String,
    /// Whether the engine had an image of this id before the build (a build wholly from the
    /// cache gives the id of the image it gave last time); unknown counts as yes.
    pub existed_before: bool,
    pub elapsed: Duration,
}

/// The arguments of `docker build`: `-t` only for `tag`, the id written to `iidfile`.
fn build_args(
    dockerfile: &str,
    context: &str,
    iidfile: &str,
    tag: Option<&str>,
    app_version: Option<&str>,
    options: &Options,
) -> Vec<String> {
    let mut args: Vec<String> = vec![
        "build".into(),
        "--progress=plain".into(),
        "-f".into(),
        dockerfile.into(),
        "--iidfile".into(),
        iidfile.into(),
    ];
    if let Some(tag) = tag {
        args.extend(["-t".into(), tag.into()]);
    }
    if let Some(version) = app_version {
        args.extend(["--build-arg".into(), format!("APP_VERSION={version}")]);
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
    args.push(context.into());
    args
}

/// The id in an `--iidfile`: `sha256:` and hex digits, nothing else.
fn image_id(iidfile: &str) -> Option<String> {
    let id = iidfile.trim();
    let hex = id.strip_prefix("sha256:")?;
    (!hex.is_empty() && hex.bytes().all(|b| b.is_ascii_hexdigit())).then(|| id.to_string())
}

/// What to say after a failed build: the CA secret, unless the build already had it.
fn build_failure_hint(secrets: &[String]) -> &'static str {
    let has_ca = secrets
        .iter()
        .any(|secret| secret.split(',').any(|part| part == "id=ca-certificates"));
    if has_ca {
        "fix the cause above"
    } else {
        "fix the cause above; if uv cannot reach the index through a TLS-intercepting proxy, pass its CA: `--secret id=ca-certificates,src=/path/to/ca.pem`"
    }
}

/// `docker compose` (or `docker-compose`) on the compose file (and verify's override), as
/// the run's compose project.
struct ComposeCommand {
    program: Vec<String>,
    files: Vec<std::path::PathBuf>,
    project: String,
}

impl ComposeCommand {
    fn run(&self, extra: &[&str], timeout: Duration) -> Result<engine::Output, UserError> {
        let mut command = Command::new(&self.program[0]);
        command.args(&self.program[1..]);
        for file in &self.files {
            command.arg("-f").arg(file);
        }
        command.args(["-p", &self.project]).args(extra);
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

#[cfg(test)]
mod tests {
    use super::*;

    fn options() -> Options {
        Options {
            compose: false,
            keep: false,
            tag: None,
            secrets: vec!["id=ca-certificates,src=ca.pem".into()],
            network: None,
            no_cache: false,
            dockerfile: None,
            env: Vec::new(),
            env_files: Vec::new(),
            build_timeout: Duration::from_secs(1),
            run_timeout: Duration::from_secs(1),
        }
    }

    #[test]
    fn a_build_is_tagged_with_the_one_tag_asked_for_and_no_other() {
        let untagged = build_args("Dockerfile", ".", "/tmp/x.iid", None, None, &options());
        assert!(!untagged.contains(&"-t".to_string()), "{untagged:?}");
        assert_eq!(
            untagged,
            [
                "build",
                "--progress=plain",
                "-f",
                "Dockerfile",
                "--iidfile",
                "/tmp/x.iid",
                "--secret",
                "id=ca-certificates,src=ca.pem",
                "."
            ]
        );
        let tagged = build_args(
            "Dockerfile",
            ".",
            "/tmp/x.iid",
            Some("mine:test"),
            Some("1.4.3.dev1+gabc"),
            &options(),
        );
        assert!(
            tagged
                .windows(2)
                .any(|pair| pair[0] == "--build-arg" && pair[1] == "APP_VERSION=1.4.3.dev1+gabc"),
            "{tagged:?}"
        );
        let tags: Vec<&String> = tagged
            .windows(2)
            .filter(|pair| pair[0] == "-t")
            .map(|pair| &pair[1])
            .collect();
        assert_eq!(tags, ["mine:test"]);
    }

    #[test]
    fn an_image_id_is_sha256_and_hex_only() {
        assert_eq!(
            image_id("sha256:0123abcdef\n").as_deref(),
            Some("sha256:0123abcdef")
        );
        for bad in [
            "",
            "sha256:",
            "0123abcdef",
            "sha256:01 23",
            "sha256:xyz",
            "fastapi:1",
        ] {
            assert_eq!(image_id(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn the_ca_hint_is_left_out_when_the_build_had_the_ca() {
        assert!(build_failure_hint(&[]).contains("--secret id=ca-certificates"));
        let other = ["id=uv-index-internal-password,env=X".to_string()];
        assert!(build_failure_hint(&other).contains("--secret id=ca-certificates"));
        let ca = ["id=ca-certificates,src=/etc/ssl/certs/ca-certificates.crt".to_string()];
        assert_eq!(build_failure_hint(&ca), "fix the cause above");
    }
}
