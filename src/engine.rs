//! The Docker client of `verify` and `--pin-digests`: every command runs with a bound on its
//! wait, and every container a verify run starts is labelled so that it can be removed, also
//! on Ctrl-C, as is the image it built and keeps no tag of (by its id, never by a name).

use crate::error::UserError;
use anyhow::Context;
use std::io::Read;
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

/// Label on every container a verify run starts, valued with the run's id.
pub const LABEL: &str = "uv-rootless.verify";

/// What a finished command printed.
#[derive(Debug, Clone)]
pub struct Output {
    pub success: bool,
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
    pub elapsed: Duration,
}

/// The docker client of one run; `run_id` labels the containers of a verify run.
#[derive(Debug, Clone)]
pub struct Docker {
    pub program: String,
    pub run_id: String,
    /// What the run undoes at its end, in order: the tags it set and the image it built.
    /// Shared with the clone the Ctrl-C handler holds.
    undos: Arc<Mutex<Vec<Undo>>>,
}

impl Docker {
    pub fn new(run_id: String) -> Self {
        let program = std::env::var("UV_ROOTLESS_DOCKER").unwrap_or_else(|_| "docker".into());
        Docker {
            program,
            run_id,
            undos: Arc::default(),
        }
    }

    /// `docker ARGS`, killed after `timeout`.
    pub fn run(&self, args: &[&str], timeout: Duration) -> Result<Output, UserError> {
        self.run_unless_interrupted(args, timeout, true)
    }

    /// As [`Docker::run`], but a command still running at `timeout` is killed and gives
    /// `Ok(None)`: for a command whose running on is the finding, not an engine failure.
    pub fn run_or_time_out(
        &self,
        args: &[&str],
        timeout: Duration,
    ) -> Result<Option<Output>, UserError> {
        if interrupted() {
            return Err(UserError::new("interrupted"));
        }
        match run_bounded(self.command(args), timeout) {
            Ok(output) => Ok(Some(output)),
            Err(RunError::Timeout) => Ok(None),
            Err(error) => Err(self.run_error(error, args, timeout)),
        }
    }

    fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(&self.program);
        command.args(args).env("DOCKER_BUILDKIT", "1");
        command
    }

    fn run_error(&self, error: RunError, args: &[&str], timeout: Duration) -> UserError {
        match error {
            RunError::Timeout => UserError::new(format!(
                "`{} {}` did not finish within {} s",
                self.program,
                args.first().copied().unwrap_or_default(),
                timeout.as_secs()
            ))
            .hint("raise the limit with `--timeout`, or look at the engine with `docker ps`"),
            RunError::Io(error) => UserError::new(format!("{error:#}"))
                .hint("install Docker, or point `UV_ROOTLESS_DOCKER` at the docker client"),
        }
    }

    fn run_unless_interrupted(
        &self,
        args: &[&str],
        timeout: Duration,
        stop_when_interrupted: bool,
    ) -> Result<Output, UserError> {
        if stop_when_interrupted && interrupted() {
            return Err(UserError::new("interrupted"));
        }
        run_bounded(self.command(args), timeout)
            .map_err(|error| self.run_error(error, args, timeout))
    }

    /// Adds `undo` to what [`Docker::cleanup`] undoes, after the containers.
    pub fn undo_at_cleanup(&self, undo: Undo) {
        if let Ok(mut undos) = self.undos.lock() {
            undos.push(undo);
        }
    }

    /// The id a name points at now, or None when no image has that name (or it cannot be said).
    pub fn image_id(&self, name: &str, stop_when_interrupted: bool) -> Option<String> {
        let inspect = self
            .run_unless_interrupted(
                &["image", "inspect", "--format", "{{.Id}}", name],
                Duration::from_secs(20),
                stop_when_interrupted,
            )
            .ok()?;
        let id = inspect.stdout.trim();
        (inspect.success && !id.is_empty()).then(|| id.to_string())
    }

    /// Removes every container this run started, then undoes what it marked with
    /// [`Docker::undo_at_cleanup`]: each by id, and only while it is still as the run left it.
    /// Safe to call more than once.
    pub fn cleanup(&self) {
        self.remove_containers();
        let mut undos = self
            .undos
            .lock()
            .map(|mut undos| std::mem::take(&mut *undos))
            .unwrap_or_default();
        // Tags first: an image goes only once no tag of the run's names it.
        undos.sort_by_key(|undo| matches!(undo, Undo::Image { .. }));
        let quick = Duration::from_secs(60);
        for undo in undos {
            match undo {
                Undo::Tag { tag, id, previous } => {
                    let now = self.image_id(&tag, false);
                    match tag_action(now.as_deref(), &id, previous.as_deref()) {
                        TagAction::Leave => {}
                        TagAction::PointBackAt(previous) => {
                            let _ =
                                self.run_unless_interrupted(&["tag", previous, &tag], quick, false);
                        }
                        TagAction::Remove => {
                            let _ = self.run_unless_interrupted(
                                &["image", "rm", "--no-prune", &tag],
                                quick,
                                false,
                            );
                        }
                    }
                }
                Undo::Image { id } => {
                    let tags = self.run_unless_interrupted(
                        &["image", "inspect", "--format", "{{json .RepoTags}}", &id],
                        Duration::from_secs(20),
                        false,
                    );
                    if tags.is_ok_and(|tags| tags.success && untagged(&tags.stdout)) {
                        let _ = self.run_unless_interrupted(&["image", "rm", &id], quick, false);
                    }
                }
            }
        }
    }

    fn remove_containers(&self) {
        let filters = [
            format!("label={LABEL}={}", self.run_id),
            format!(
                "label=com.docker.compose.project={}",
                compose_project(&self.run_id)
            ),
        ];
        for filter in filters {
            if let Ok(output) = self.run_unless_interrupted(
                &["ps", "-aq", "--filter", &filter],
                Duration::from_secs(20),
                false,
            ) {
                let ids: Vec<&str> = output.stdout.split_whitespace().collect();
                if !ids.is_empty() {
                    let mut args = vec!["rm", "-f", "-v"];
                    args.extend(ids);
                    let _ = self.run_unless_interrupted(&args, Duration::from_secs(60), false);
                }
            }
        }
    }
}

/// What a verify run made in the engine besides containers, and undoes at its end.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Undo {
    /// `tag` was set on `id`, the image the run built; `previous` is the id it named before.
    Tag {
        tag: String,
        id: String,
        previous: Option<String>,
    },
    /// `id` was built by the run and was not in the engine before it.
    Image { id: String },
}

/// What to do with a tag the run set, seeing what it names `now`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TagAction<'a> {
    /// It names something else now (someone tagged it meanwhile): not the run's any more.
    Leave,
    /// Point it back at the image it named before the run.
    PointBackAt(&'a str),
    /// It named nothing before: remove the tag (not the image behind it).
    Remove,
}

pub fn tag_action<'a>(now: Option<&str>, id: &str, previous: Option<&'a str>) -> TagAction<'a> {
    match (now, previous) {
        (Some(now), _) if now != id => TagAction::Leave,
        (None, _) => TagAction::Leave,
        (Some(_), Some(previous)) if previous == id => TagAction::Leave,
        (Some(_), Some(previous)) => TagAction::PointBackAt(previous),
        (Some(_), None) => TagAction::Remove,
    }
}

/// Whether `docker image inspect --format '{{json .RepoTags}}'` printed no tag. Anything else,
/// unreadable output included, counts as tagged: an image is removed only when it surely has
/// no name.
pub fn untagged(repo_tags_json: &str) -> bool {
    serde_json::from_str::<Option<Vec<String>>>(repo_tags_json.trim())
        .is_ok_and(|tags| tags.unwrap_or_default().is_empty())
}

/// The compose project name of a run: letters and digits only, as every compose accepts.
pub fn compose_project(run_id: &str) -> String {
    format!("uvrootlessverify{}", run_id.replace('-', ""))
}

/// The run whose containers a Ctrl-C must remove.
static ACTIVE: OnceLock<Docker> = OnceLock::new();

/// Set on Ctrl-C: from then on every docker call fails at once and no check is reported, so
/// nothing the interruption itself broke is shown as a failed check.
static INTERRUPTED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

pub fn interrupted() -> bool {
    INTERRUPTED.load(std::sync::atomic::Ordering::SeqCst)
}

/// On Ctrl-C, remove the run's containers before exiting with 130.
pub fn cleanup_on_interrupt(docker: &Docker) {
    if ACTIVE.set(docker.clone()).is_ok() {
        let _ = ctrlc::set_handler(|| {
            INTERRUPTED.store(true, std::sync::atomic::Ordering::SeqCst);
            if let Some(docker) = ACTIVE.get() {
                eprintln!("\ninterrupted: removing the containers and the image this run made");
                docker.cleanup();
            }
            std::process::exit(130);
        });
    }
}

#[derive(Debug)]
pub enum RunError {
    Timeout,
    /// The program could not be started or waited for, with the program named.
    Io(anyhow::Error),
}

/// Runs `command` with its output captured, killing it after `timeout`.
pub fn run_bounded(mut command: Command, timeout: Duration) -> Result<Output, RunError> {
    let start = Instant::now();
    let program = command.get_program().to_string_lossy().into_owned();
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .with_context(|| format!("failed to run `{program}`"))
        .map_err(RunError::Io)?;
    let mut stdout = child.stdout.take().map(reader);
    let mut stderr = child.stderr.take().map(reader);
    let status = loop {
        let state = child
            .try_wait()
            .with_context(|| format!("failed to wait for `{program}`"))
            .map_err(RunError::Io)?;
        match state {
            Some(status) => break status,
            None if start.elapsed() > timeout => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(RunError::Timeout);
            }
            None => std::thread::sleep(Duration::from_millis(20)),
        }
    };
    let collect = |handle: Option<std::thread::JoinHandle<String>>| {
        handle.and_then(|h| h.join().ok()).unwrap_or_default()
    };
    Ok(Output {
        success: status.success(),
        code: status.code(),
        stdout: collect(stdout.take()),
        stderr: collect(stderr.take()),
        elapsed: start.elapsed(),
    })
}

fn reader(mut stream: impl Read + Send + 'static) -> std::thread::JoinHandle<String> {
    std::thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = stream.read_to_end(&mut bytes);
        String::from_utf8_lossy(&bytes).into_owned()
    })
}

/// The HTTP status of `GET path` on 127.0.0.1:`port`, or None when nothing answers yet.
pub fn http_status(port: u16, path: &str, timeout: Duration) -> Option<u16> {
    use std::io::Write;
    use std::net::{SocketAddr, TcpStream};
    let address = SocketAddr::from(([127, 0, 0, 1], port));
    let mut stream = TcpStream::connect_timeout(&address, timeout).ok()?;
    stream.set_read_timeout(Some(timeout)).ok()?;
    stream.set_write_timeout(Some(timeout)).ok()?;
    let request =
        format!("GET {path} HTTP/1.0\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).ok()?;
    let mut head = [0u8; 64];
    let mut read = 0;
    while read < 12 {
        match stream.read(&mut head[read..]) {
            Ok(0) | Err(_) => break,
            Ok(n) => read += n,
        }
    }
    let line = String::from_utf8_lossy(&head[..read]);
    line.split_whitespace().nth(1)?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_command_past_its_limit_is_killed() {
        let mut command = Command::new("sleep");
        command.arg("5");
        let start = Instant::now();
        assert!(matches!(
            run_bounded(command, Duration::from_millis(200)),
            Err(RunError::Timeout)
        ));
        assert!(start.elapsed() < Duration::from_secs(2));
    }

    #[test]
    fn output_is_captured() {
        let mut command = Command::new("sh");
        command.args(["-c", "echo out; echo err >&2; exit 3"]);
        let output = run_bounded(command, Duration::from_secs(5)).unwrap();
        assert_eq!(output.stdout, "out\n");
        assert_eq!(output.stderr, "err\n");
        assert_eq!(output.code, Some(3));
    }

    #[test]
    fn a_program_that_cannot_start_is_named() {
        let command = Command::new("/nonexistent/docker");
        let Err(RunError::Io(error)) = run_bounded(command, Duration::from_secs(5)) else {
            panic!("a missing program must fail to start");
        };
        let message = format!("{error:#}");
        assert!(
            message.starts_with("failed to run `/nonexistent/docker`: "),
            "{message}"
        );
    }

    #[test]
    fn a_tag_is_undone_only_while_it_names_the_image_the_run_built() {
        let (built, theirs) = ("sha256:built", "sha256:theirs");
        // Named something before: it names that again.
        assert_eq!(
            tag_action(Some(built), built, Some(theirs)),
            TagAction::PointBackAt(theirs)
        );
        // Named nothing before: the tag goes.
        assert_eq!(tag_action(Some(built), built, None), TagAction::Remove);
        // Retagged meanwhile, or gone: left alone.
        assert_eq!(tag_action(Some(theirs), built, None), TagAction::Leave);
        assert_eq!(tag_action(None, built, Some(theirs)), TagAction::Leave);
        // The build gave the very image the tag already named: nothing changed.
        assert_eq!(
            tag_action(Some(built), built, Some(built)),
            TagAction::Leave
        );
    }

    #[test]
    fn only_an_image_that_surely_has_no_tag_is_untagged() {
        assert!(untagged("[]\n"));
        assert!(untagged("null"));
        assert!(!untagged("[\"fastapi-service:0.1.0\"]"));
        assert!(!untagged(""));
        assert!(!untagged("Error: No such image"));
    }

    #[test]
    fn nothing_listening_is_none() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        drop(listener);
        assert_eq!(http_status(port, "/", Duration::from_millis(200)), None);
    }
}
