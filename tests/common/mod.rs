//! Shared helpers of the CLI tests: temporary project copies, running the binary, and insta
//! settings that filter the tool version and temporary paths out of snapshots.
//!
//! Snapshot assertions stay in the test files themselves, so insta names their snapshots after
//! the test crate (`cli__…`, `hostile__…`) and keeps them in `tests/snapshots/`.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::SystemTime;

/// The four files uv-rootless generates, at their default paths.
pub const OUTPUTS: [&str; 5] = [
    "Dockerfile",
    "compose.yaml",
    ".dockerignore",
    "k8s/manifest.yaml",
    "k8s/kustomization.yaml",
];

const TEMP_PREFIX: &str = "uv-rootless-test";

static COUNTER: AtomicUsize = AtomicUsize::new(0);

/// A project in a fresh directory under the system temp dir, removed when dropped.
pub struct Project {
    root: PathBuf,
}

impl Project {
    /// An empty directory.
    pub fn empty() -> Self {
        let root = std::env::temp_dir().join(format!(
            "{TEMP_PREFIX}-{}-{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::SeqCst)
        ));
        if root.exists() {
            std::fs::remove_dir_all(&root).expect("remove a stale temp dir");
        }
        std::fs::create_dir_all(&root).expect("create a temp dir");
        Project { root }
    }

    /// A copy of `examples/NAME`, with its committed generated files.
    pub fn example(name: &str) -> Self {
        let project = Project::empty();
        copy_dir(&examples_dir().join(name), &project.root);
        project
    }

    /// A copy of `examples/NAME` as before `init`: no `[tool.uv-rootless]`, no generated files.
    pub fn fresh_example(name: &str) -> Self {
        let project = Project::example(name);
        project.strip_generated();
        project
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    pub fn path(&self, relative: &str) -> PathBuf {
        self.root.join(relative)
    }

    pub fn exists(&self, relative: &str) -> bool {
        self.path(relative).exists()
    }

    pub fn read(&self, relative: &str) -> String {
        std::fs::read_to_string(self.path(relative))
            .unwrap_or_else(|error| panic!("read {relative}: {error}"))
    }

    pub fn write(&self, relative: &str, content: &str) {
        let path = self.path(relative);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("create parent dir");
        }
        std::fs::write(&path, content).unwrap_or_else(|error| panic!("write {relative}: {error}"));
    }

    pub fn remove(&self, relative: &str) {
        std::fs::remove_file(self.path(relative))
            .unwrap_or_else(|error| panic!("remove {relative}: {error}"));
    }

    /// Rewrites a file; panics if `edit` leaves it unchanged, so a test cannot edit nothing.
    pub fn edit(&self, relative: &str, edit: impl FnOnce(&str) -> String) {
        let before = self.read(relative);
        let after = edit(&before);
        assert_ne!(before, after, "the edit of {relative} changed nothing");
        self.write(relative, &after);
    }

    /// Replaces exactly one occurrence of `from` in a file.
    pub fn replace(&self, relative: &str, from: &str, to: &str) {
        self.edit(relative, |text| {
            assert_eq!(
                text.matches(from).count(),
                1,
                "{from:?} must occur once in {relative}"
            );
            text.replacen(from, to, 1)
        });
    }

    /// Removes `[tool.uv-rootless]` (the last table of every example) and the generated files.
    pub fn strip_generated(&self) {
        let text = self.read("pyproject.toml");
        let start = text
            .find("\n[tool.uv-rootless]")
            .expect("the example records [tool.uv-rootless]");
        let mut stripped = text[..start].trim_end_matches('\n').to_string();
        stripped.push('\n');
        self.write("pyproject.toml", &stripped);
        for output in OUTPUTS {
            let _ = std::fs::remove_file(self.path(output));
        }
        let _ = std::fs::remove_dir(self.path("k8s"));
    }

    /// Every file below the root (paths `/`-separated) and its bytes.
    pub fn files(&self) -> BTreeMap<String, Vec<u8>> {
        self.files_with_mtimes()
            .into_iter()
            .map(|(path, (bytes, _))| (path, bytes))
            .collect()
    }

    /// Every file below the root with its bytes and modification time.
    pub fn files_with_mtimes(&self) -> BTreeMap<String, (Vec<u8>, SystemTime)> {
        let mut files = BTreeMap::new();
        collect(&self.root, "", &mut files);
        files
    }

    /// Runs the binary in the project directory.
    pub fn run(&self, args: &[&str]) -> Output {
        run_in(&self.root, args)
    }

    /// Runs `args`, then asserts exit code 2, an `error: ` on stderr and nothing on stdout, and
    /// that no file of the project changed (bytes and modification times).
    pub fn run_failing(&self, args: &[&str]) -> Output {
        let before = self.files_with_mtimes();
        let output = self.run(args);
        assert_eq!(output.code, 2, "{args:?}:\n{}", output.report());
        assert!(output.stderr.starts_with("error: "), "{}", output.report());
        assert_eq!(output.stdout, "", "{args:?}");
        let after = self.files_with_mtimes();
        assert_same_files(&before, &after, &args);
        output
    }

    /// [`Project::run_failing`], and the message has uv-rootless's shape: `error: ` and one
    /// line, a blank line, optional details, and at least one `hint: ` line.
    pub fn run_rejected(&self, args: &[&str]) -> Output {
        let output = self.run_failing(args);
        assert_error_shape(&output.stderr);
        output
    }
}

impl Drop for Project {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.root);
    }
}

/// Asserts that two listings hold the same files with the same bytes and modification times.
pub fn assert_same_files(
    before: &BTreeMap<String, (Vec<u8>, SystemTime)>,
    after: &BTreeMap<String, (Vec<u8>, SystemTime)>,
    what: &dyn std::fmt::Debug,
) {
    let names =
        |files: &BTreeMap<String, (Vec<u8>, SystemTime)>| files.keys().cloned().collect::<Vec<_>>();
    assert_eq!(
        names(before),
        names(after),
        "{what:?} added or removed files"
    );
    for (path, (bytes, mtime)) in before {
        let (new_bytes, new_mtime) = &after[path];
        assert!(
            bytes == new_bytes,
            "{what:?} changed the content of {path}:\n{}",
            String::from_utf8_lossy(new_bytes)
        );
        assert_eq!(mtime, new_mtime, "{what:?} rewrote {path}");
    }
}

fn collect(dir: &Path, prefix: &str, files: &mut BTreeMap<String, (Vec<u8>, SystemTime)>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .expect("read dir")
        .map(|entry| entry.expect("dir entry"))
        .collect();
    entries.sort_by_key(|entry| entry.file_name());
    for entry in entries {
        let name = entry.file_name().to_string_lossy().into_owned();
        let relative = if prefix.is_empty() {
            name
        } else {
            format!("{prefix}/{name}")
        };
        let file_type = entry.file_type().expect("file type");
        if file_type.is_symlink() {
            let target = std::fs::read_link(entry.path()).expect("read link");
            let mtime = entry
                .metadata()
                .and_then(|meta| meta.modified())
                .expect("mtime");
            let bytes = format!("symlink to {}", target.display()).into_bytes();
            files.insert(relative, (bytes, mtime));
        } else if file_type.is_dir() {
            collect(&entry.path(), &relative, files);
        } else {
            let bytes = std::fs::read(entry.path()).expect("read file");
            let mtime = entry
                .metadata()
                .and_then(|meta| meta.modified())
                .expect("mtime");
            files.insert(relative, (bytes, mtime));
        }
    }
}

pub fn examples_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples")
}

/// Copies a directory tree; symlinks are not expected in the examples.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create dir");
    for entry in std::fs::read_dir(from).expect("read example dir") {
        let entry = entry.expect("dir entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("file type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy file");
        }
    }
}

/// What a run of the binary did.
#[derive(Debug, Clone)]
pub struct Output {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Output {
    /// Exit code, stdout and stderr together: what a snapshot records.
    pub fn report(&self) -> String {
        format!(
            "exit code: {}\n----- stdout -----\n{}----- stderr -----\n{}",
            self.code,
            with_final_newline(&self.stdout),
            with_final_newline(&self.stderr)
        )
    }
}

fn with_final_newline(text: &str) -> String {
    if text.is_empty() || text.ends_with('\n') {
        text.to_string()
    } else {
        format!("{text}\n[no newline at end]\n")
    }
}

/// Runs the binary in `dir`, with the environment pinned so output does not depend on the
/// caller's terminal: no forced colour, a fixed help width.
pub fn run_in(dir: &Path, args: &[&str]) -> Output {
    let output = Command::new(env!("CARGO_BIN_EXE_uv-rootless"))
        .args(args)
        .current_dir(dir)
        .env_remove("CLICOLOR_FORCE")
        .env_remove("FORCE_COLOR")
        .env_remove("CLICOLOR")
        .env_remove("NO_COLOR")
        .env("COLUMNS", "100")
        .output()
        .expect("run uv-rootless");
    Output {
        code: output.status.code().expect("exited, not killed"),
        stdout: String::from_utf8(output.stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8(output.stderr).expect("stderr is UTF-8"),
    }
}

/// Insta settings: snapshots without the tool version or temporary paths.
pub fn insta_settings() -> insta::Settings {
    let mut settings = insta::Settings::clone_current();
    settings.add_filter(
        &regex_escape(&format!("uv-rootless {}", env!("CARGO_PKG_VERSION"))),
        "uv-rootless [VERSION]",
    );
    let temp = std::env::temp_dir();
    let temp = temp.to_string_lossy();
    settings.add_filter(
        &format!(
            r"{}/?{TEMP_PREFIX}-\d+-\d+",
            regex_escape(temp.trim_end_matches('/'))
        ),
        "[PROJECT]",
    );
    settings
}

pub fn regex_escape(text: &str) -> String {
    text.chars()
        .flat_map(|ch| {
            if "\\.+*?()|[]{}^$".contains(ch) {
                vec!['\\', ch]
            } else {
                vec![ch]
            }
        })
        .collect()
}

/// Asserts the shape of a uv-rootless error on stderr: `error: MESSAGE`, a blank line, then
/// details and `hint: ` lines, ending with a newline.
pub fn assert_error_shape(stderr: &str) {
    let mut lines = stderr.lines();
    let first = lines.next().unwrap_or_default();
    assert!(
        first.starts_with("error: ") && first.len() > "error: ".len(),
        "{stderr}"
    );
    assert_eq!(
        lines.next(),
        Some(""),
        "no blank line after the message:\n{stderr}"
    );
    assert!(
        stderr.lines().any(|line| line.starts_with("hint: ")),
        "no hint:\n{stderr}"
    );
    assert!(stderr.ends_with('\n'), "{stderr:?}");
}

/// A string as a TOML basic string. JSON's escapes are a subset of TOML's, but TOML also
/// forbids a raw DEL, which JSON allows.
pub fn toml_string(text: &str) -> String {
    serde_json::to_string(text)
        .expect("serialise a string")
        .replace('\u{7f}', "\\u007F")
}

/// A string as a TOML multi-line basic string: real newlines, everything else escaped.
pub fn toml_multiline_string(text: &str) -> String {
    let mut out = String::from("\"\"\"\n");
    for ch in text.chars() {
        match ch {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push('\n'),
            ch if ch.is_control() && ch != '\t' => {
                out.push_str(&format!("\\u{:04X}", u32::from(ch)))
            }
            ch => out.push(ch),
        }
    }
    out.push_str("\"\"\"");
    out
}

/// Keeps git from finding this repository above the examples and fixtures (it stops below the
/// repository's top): a project read in a test is in no git repository, as a copy of it
/// anywhere else would be, and what a backend would read from git does not change with each of
/// our commits. Set once, before the first project is read.
pub fn outside_our_repository() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| std::env::set_var("GIT_CEILING_DIRECTORIES", env!("CARGO_MANIFEST_DIR")));
}
