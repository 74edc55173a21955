//! 36 real uv projects (`tests/fixtures/corpus`, configuration and lock files only, no source):
//! reading and deciding must never panic, every outcome is a snapshot (the `explain` text, or
//! the error as `main` prints it), every error is one a user can act on, and reading the
//! largest lock is fast.
//!
//! Each project is tried twice: as it is (`corpus__<dir>.snap`), and with an explicit command
//! (`corpus__<dir>__with_command.snap`), so the decisions past command detection run too. The
//! projects have no source code, so web app detection cannot find `app = FastAPI()`: an error
//! saying so is right for them.

mod common;

use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;
use std::time::{Duration, Instant};
use uv_rootless::app;
use uv_rootless::error::UserError;
use uv_rootless::options::Flags;
use uv_rootless::read::{read_project, ProjectFiles};

/// The command given for the second run of each project.
const COMMAND: [&str; 3] = ["python", "-m", "app"];
/// The project with the largest lock (544 packages, 2 MB).
const LARGEST: &str = "camel-ai__camel";
const EXPECTED_PROJECTS: usize = 36;

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/corpus")
}

/// One row of `INDEX.tsv`.
struct Entry {
    dir: String,
    repo: String,
    commit: String,
    /// The folder holding `pyproject.toml` and `uv.lock`: the `dir` itself, or the subfolder
    /// that the `notes` column names with `PROJECT ROOT = …`.
    root: PathBuf,
}

fn index() -> &'static [Entry] {
    static INDEX: OnceLock<Vec<Entry>> = OnceLock::new();
    INDEX.get_or_init(|| {
        let text = std::fs::read_to_string(corpus_dir().join("INDEX.tsv")).expect("INDEX.tsv");
        let mut lines = text.lines();
        let header: Vec<&str> = lines.next().expect("a header").split('\t').collect();
        let column = |name: &str| {
            header
                .iter()
                .position(|column| *column == name)
                .unwrap_or_else(|| panic!("INDEX.tsv has no `{name}` column"))
        };
        let (dir, repo, commit, notes) = (
            column("dir"),
            column("repo"),
            column("commit"),
            column("notes"),
        );
        lines
            .filter(|line| !line.trim().is_empty())
            .map(|line| {
                let fields: Vec<&str> = line.split('\t').collect();
                let field = |index: usize| fields.get(index).copied().unwrap_or_default();
                let mut root = corpus_dir().join(field(dir));
                if let Some((_, rest)) = field(notes).split_once("PROJECT ROOT = ") {
                    let sub = rest
                        .split(|ch: char| ch.is_whitespace() || ch == ';')
                        .next()
                        .unwrap_or_default()
                        .trim_end_matches('/');
                    root = root.join(sub);
                }
                Entry {
                    dir: field(dir).to_string(),
                    repo: field(repo).to_string(),
                    commit: field(commit).to_string(),
                    root,
                }
            })
            .collect()
    })
}

/// What one run gave.
#[derive(Debug, Clone)]
enum Outcome {
    /// `explain` text of the plan.
    Plan(String),
    Error(UserError),
    /// The panic's message.
    Panic(String),
}

/// The outcomes of one project.
struct Run {
    dir: String,
    /// `read_project` alone: `Some(message)` when it panicked.
    read_panic: Option<String>,
    /// `app::load` as the project is.
    default: Outcome,
    /// `app::load` with `--command python -m app` (and `--package` for a workspace root
    /// without `[project]`).
    with_command: Outcome,
    /// The flags of the second run, for the snapshot's description.
    command_flags: Flags,
}

fn panic_message(payload: Box<dyn std::any::Any + Send>) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|text| text.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "(a panic without a message)".into())
}

fn load(root: &Path, flags: Flags) -> Outcome {
    match panic::catch_unwind(AssertUnwindSafe(|| app::load(root, flags))) {
        Ok(Ok(loaded)) => Outcome::Plan(uv_rootless::explain::text(&loaded.plan)),
        Ok(Err(error)) => Outcome::Error(error),
        Err(payload) => Outcome::Panic(panic_message(payload)),
    }
}

/// The flags for the run with an explicit command. A workspace whose root has no `[project]`
/// cannot run the root, so the first member (by path) with a `[project]` is chosen.
fn command_flags(files: Option<&ProjectFiles>) -> Flags {
    let package = files
        .filter(|files| files.pyproject.project.is_none())
        .and_then(|files| {
            files
                .members
                .iter()
                .find_map(|member| member.pyproject.project.as_ref())
                .map(|project| project.name.clone())
        });
    Flags {
        command: Some(COMMAND.iter().map(|part| part.to_string()).collect()),
        package,
        ..Flags::default()
    }
}

fn run(entry: &Entry) -> Run {
    let read = panic::catch_unwind(AssertUnwindSafe(|| read_project(&entry.root)));
    let (read_panic, files) = match read {
        Ok(files) => (None, files.ok()),
        Err(payload) => (Some(panic_message(payload)), None),
    };
    let command_flags = command_flags(files.as_ref());
    Run {
        dir: entry.dir.clone(),
        read_panic,
        default: load(&entry.root, Flags::default()),
        with_command: load(&entry.root, command_flags.clone()),
        command_flags,
    }
}

/// Every project, run once per test process (on every core) and shared by the tests.
fn runs() -> &'static [Run] {
    static RUNS: OnceLock<Vec<Run>> = OnceLock::new();
    common::outside_our_repository();
    RUNS.get_or_init(|| {
        let entries = index();
        let next = AtomicUsize::new(0);
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
        let mut done: Vec<(usize, Run)> = std::thread::scope(|scope| {
            let workers: Vec<_> = (0..threads)
                .map(|_| {
                    scope.spawn(|| {
                        let mut done = Vec::new();
                        loop {
                            let i = next.fetch_add(1, Ordering::SeqCst);
                            let Some(entry) = entries.get(i) else {
                                break done;
                            };
                            done.push((i, run(entry)));
                        }
                    })
                })
                .collect();
            workers
                .into_iter()
                .flat_map(|worker| worker.join().expect("a corpus worker"))
                .collect()
        });
        done.sort_by_key(|(i, _)| *i);
        done.into_iter().map(|(_, run)| run).collect()
    })
}

fn outcome_text(outcome: &Outcome) -> String {
    match outcome {
        Outcome::Plan(text) => text.clone(),
        Outcome::Error(error) => error.render(false),
        Outcome::Panic(message) => format!("PANIC: {message}\n"),
    }
}

fn insta_settings(description: String) -> insta::Settings {
    let mut settings = insta::Settings::clone_current();
    settings.set_description(description);
    settings.set_omit_expression(true);
    settings.add_filter(
        &common::regex_escape(&format!("uv-rootless {}", env!("CARGO_PKG_VERSION"))),
        "uv-rootless [VERSION]",
    );
    settings.add_filter(
        &common::regex_escape(&corpus_dir().display().to_string()),
        "[CORPUS]",
    );
    settings
}

#[test]
fn the_index_lists_every_corpus_folder() {
    let mut listed: Vec<&str> = index().iter().map(|entry| entry.dir.as_str()).collect();
    listed.sort_unstable();
    let mut folders: Vec<String> = std::fs::read_dir(corpus_dir())
        .unwrap()
        .map(|entry| entry.unwrap())
        .filter(|entry| entry.file_type().unwrap().is_dir())
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .collect();
    folders.sort_unstable();
    assert_eq!(listed, folders);
    assert_eq!(listed.len(), EXPECTED_PROJECTS);
    for entry in index() {
        assert!(
            entry.root.join("pyproject.toml").is_file() && entry.root.join("uv.lock").is_file(),
            "{}: no pyproject.toml and uv.lock in {}",
            entry.dir,
            entry.root.display()
        );
    }
}

#[test]
fn no_project_makes_uv_rootless_panic() {
    let mut panics = Vec::new();
    for run in runs() {
        if let Some(message) = &run.read_panic {
            panics.push(format!("{}: read_project: {message}", run.dir));
        }
        for (what, outcome) in [
            ("load", &run.default),
            ("load with a command", &run.with_command),
        ] {
            if let Outcome::Panic(message) = outcome {
                panics.push(format!("{}: {what}: {message}", run.dir));
            }
        }
    }
    assert!(
        panics.is_empty(),
        "{} panic(s):\n{}",
        panics.len(),
        panics.join("\n")
    );
}

#[test]
fn outcome_of_every_project() {
    let mut mismatches = Vec::new();
    for (entry, run) in index().iter().zip(runs()) {
        let root = entry
            .root
            .strip_prefix(corpus_dir())
            .unwrap_or(&entry.root)
            .display()
            .to_string();
        let source = format!("{}@{}, project root `{root}`", entry.repo, entry.commit);
        let flags = &run.command_flags;
        let command = format!(
            "{source}, with `--command {}`{}",
            flags.command.as_deref().unwrap_or_default().join(" "),
            flags
                .package
                .as_deref()
                .map(|package| format!(" `--package {package}`"))
                .unwrap_or_default()
        );
        for (name, description, outcome) in [
            (run.dir.clone(), source, &run.default),
            (
                format!("{}__with_command", run.dir),
                command,
                &run.with_command,
            ),
        ] {
            let text = outcome_text(outcome);
            let checked = panic::catch_unwind(AssertUnwindSafe(|| {
                insta_settings(description).bind(|| insta::assert_snapshot!(name.as_str(), text));
            }));
            if checked.is_err() {
                mismatches.push(name);
            }
        }
    }
    assert!(
        mismatches.is_empty(),
        "snapshots that differ:\n{}",
        mismatches.join("\n")
    );
}

/// Backticked spans of `text`.
fn quoted(text: &str) -> impl Iterator<Item = &str> {
    text.split('`').skip(1).step_by(2)
}

/// Whether a backticked span names one of the project's files or a flag.
fn names_a_file_or_flag(span: &str) -> bool {
    span == "pyproject.toml"
        || span.ends_with("/pyproject.toml")
        || span == "uv.lock"
        || span == ".python-version"
        || span.starts_with("--")
}

/// What is wrong with an error as a user sees it, if anything.
fn error_problems(error: &UserError) -> Vec<&'static str> {
    let mut problems = Vec::new();
    if error.message.trim().is_empty() {
        problems.push("the message is empty");
    }
    if !quoted(&error.message).any(names_a_file_or_flag) {
        problems.push("the message names no file or flag in backticks");
    }
    if error.hints.iter().all(|hint| hint.trim().is_empty()) {
        problems.push("there is no hint");
    }
    problems
}

#[test]
fn every_error_names_a_file_or_flag_and_gives_a_hint() {
    let mut bad = Vec::new();
    for run in runs() {
        for (what, outcome) in [
            ("as it is", &run.default),
            ("with a command", &run.with_command),
        ] {
            if let Outcome::Error(error) = outcome {
                let problems = error_problems(error);
                if !problems.is_empty() {
                    bad.push(format!(
                        "{} ({what}): {}\n  {}",
                        run.dir,
                        problems.join("; "),
                        error.render(false).trim_end().replace('\n', "\n  ")
                    ));
                }
            }
        }
    }
    assert!(
        bad.is_empty(),
        "{} error(s) a user cannot act on:\n{}",
        bad.len(),
        bad.join("\n")
    );
}

#[test]
fn reading_the_largest_lock_is_fast() {
    // Measure alone: the other tests share one computation of every project's outcome, which
    // would otherwise compete for the CPU.
    runs();
    let entry = index()
        .iter()
        .find(|entry| entry.dir == LARGEST)
        .expect("the largest project is in the index");
    let lock_size = std::fs::metadata(entry.root.join("uv.lock")).unwrap().len();
    let mut times: Vec<Duration> = (0..3)
        .map(|_| {
            let start = Instant::now();
            let files = read_project(&entry.root);
            let elapsed = start.elapsed();
            let files = files.unwrap_or_else(|error| panic!("{LARGEST}: {error}"));
            assert!(
                files.lock.package.len() > 500,
                "{LARGEST}: packages missing"
            );
            elapsed
        })
        .collect();
    times.sort_unstable();
    let median = times[1];
    let build = if cfg!(debug_assertions) {
        "debug"
    } else {
        "release"
    };
    println!(
        "read_project({LARGEST}, uv.lock {:.1} MB): median of 3 = {median:?} ({build} build; runs {times:?})",
        lock_size as f64 / 1e6
    );
    assert!(
        median < Duration::from_secs(2),
        "reading {LARGEST} took {median:?} (median of 3), over 2 s"
    );
}
