//! Inputs the fuzz targets in `fuzz/` found to break a reader, kept as tests (`bash
//! tests/fuzz/run` runs the targets). Each failed before its fix in `src/`.

use std::path::PathBuf;
use uv_rootless::read::lock::{self, Lock};
use uv_rootless::read::names::requirement_name;
use uv_rootless::read::project::read_project;
use uv_rootless::read::python_version;

/// A fresh directory holding `files`, removed on drop.
struct TempProject(PathBuf);

impl TempProject {
    fn new(name: &str, files: &[(&str, &str)]) -> Self {
        let dir = std::env::temp_dir().join(format!(
            "uv-rootless-fuzz-regression-{name}-{}",
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        for (path, text) in files {
            std::fs::write(dir.join(path), text).unwrap();
        }
        TempProject(dir)
    }
}

impl Drop for TempProject {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

const PYPROJECT: &str = "[project]\nname = \"demo\"\nversion = \"0.1.0\"\nrequires-python = \">=3.12\"\ndependencies = [\"foo~=1.0\"]\n";
const LOCK: &str = "version = 1\nrevision = 3\nrequires-python = \">=3.12\"\n\n[[package]]\nname = \"demo\"\nversion = \"0.1.0\"\nsource = { virtual = \".\" }\n\n[package.metadata]\nrequires-dist = [{ name = \"foo\", specifier = \"~=1.0\" }]\n";

/// `read_project` (what every command runs first) must answer with an error, never panic.
fn assert_read_project_errs(name: &str, files: &[(&str, &str)]) {
    let project = TempProject::new(name, files);
    let root = project.0.clone();
    match std::panic::catch_unwind(move || read_project(&root)) {
        Ok(Ok(_)) => panic!("{name}: read_project accepted it"),
        Ok(Err(_)) => {}
        Err(_) => panic!("{name}: read_project panicked"),
    }
}

/// pep508_rs 0.9.2 (the newest) panics in `parse_name` (`expect("`PackageName` validation
/// should match PEP 508 parsing")`) on a name that ends in `-`, `_` or `.` followed by any
/// other character: `foo-~=1.0`, `foo_ >=1`. The fuzzer's input was a corpus pyproject with
/// `"ibm-watsoixna-~=1.3.39"` in an optional dependency.
#[test]
fn requirement_name_ending_in_a_separator_is_an_error_not_a_panic() {
    for requirement in [
        "ibm-watsoixna-~=1.3.39",
        "foo-~=1.0",
        "foo_ >=1",
        "foo.[extra]",
        "foo- ; python_version > '3'",
    ] {
        match std::panic::catch_unwind(|| requirement_name(requirement, "project.dependencies")) {
            Ok(result) => assert!(result.is_err(), "{requirement:?} accepted: {result:?}"),
            Err(_) => panic!("requirement_name panicked on {requirement:?}"),
        }
    }
    assert_read_project_errs(
        "requirement",
        &[
            (
                "pyproject.toml",
                &PYPROJECT.replace("foo~=1.0", "foo-~=1.0"),
            ),
            ("uv.lock", LOCK),
        ],
    );
}

/// The same panic in `parse_extras_cursor` (`expect("`ExtraName` validation should match PEP
/// 508 parsing")`) on an extra that ends in a separator: `lerobot[pyserial-`. Found by the
/// `pyproject` target from lerobot's corpus manifest, with `-dep]` erased.
#[test]
fn extra_ending_in_a_separator_is_an_error_not_a_panic() {
    for requirement in [
        "lerobot[pyserial-",
        "lerobot[pyserial-]",
        "foo[a_, b]",
        "foo [a.] >=1",
        "foo[ok, bad- ]",
    ] {
        match std::panic::catch_unwind(|| requirement_name(requirement, "project.dependencies")) {
            Ok(result) => assert!(result.is_err(), "{requirement:?} accepted: {result:?}"),
            Err(_) => panic!("requirement_name panicked on {requirement:?}"),
        }
    }
    assert_eq!(
        requirement_name("foo[a-b, c.d] >=1", "project.dependencies")
            .unwrap()
            .as_str(),
        "foo"
    );
}

/// `.python-version` text starting with `cp` and then a character of more than one byte:
/// `split_at(1)` lands inside the character and panics.
#[test]

fn python_version_cp_then_a_multibyte_character_is_an_error_not_a_panic() {
    // The fuzzer's input, as found: b"CP\xcf\x83\0\0\0\0\0\0011\r\n".
    for text in ["CPσ\x00\x00\x00\x00\x00\x0011\r\n", "cpé", "cp💣312", "cpσ"] {
        let result = std::panic::catch_unwind(|| python_version::parse(text));
        match result {
            Ok(parsed) => assert!(parsed.is_err(), "{text:?} accepted as {parsed:?}"),
            Err(_) => panic!("python_version::parse panicked on {text:?}"),
        }
    }
    assert_read_project_errs(
        "python-version",
        &[
            ("pyproject.toml", PYPROJECT),
            ("uv.lock", LOCK),
            (".python-version", "cp\u{e9}\n"),
        ],
    );
}

/// The `uv.lock` fast path and the full TOML parse, on the same text.
enum Verdict {
    Same,
    /// Both read a lock, but not the same one: both `Debug` forms.
    Different(String, String),
    /// The fast path read a lock from text the full parse rejects.
    FastAcceptsInvalid(String),
    /// The fast path refused (it falls back to the full parse itself, so this is its answer).
    FastRejects,
}

fn compare(text: &str) -> Verdict {
    let Ok(fast) = lock::parse(text) else {
        return Verdict::FastRejects;
    };
    match toml::from_str::<Lock>(text) {
        Ok(full) => {
            let (fast, full) = (format!("{fast:#?}"), format!("{full:#?}"));
            if fast == full {
                Verdict::Same
            } else {
                Verdict::Different(fast, full)
            }
        }
        Err(error) => Verdict::FastAcceptsInvalid(error.to_string()),
    }
}

fn assert_same(text: &str) {
    match compare(text) {
        Verdict::Same => {}
        Verdict::FastRejects => panic!("lock::parse rejects valid text:\n{text}"),
        Verdict::Different(fast, full) => {
            panic!("the fast path read another lock\n--- fast\n{fast}\n--- full\n{full}")
        }
        Verdict::FastAcceptsInvalid(error) => {
            panic!("the fast path accepted text that is not TOML: {error}\n{text}")
        }
    }
}

fn assert_rejected(text: &str) {
    match compare(text) {
        Verdict::FastRejects => {}
        Verdict::FastAcceptsInvalid(error) => {
            panic!("lock::parse accepted text that is not TOML ({error}):\n{text}")
        }
        Verdict::Same | Verdict::Different(..) => panic!("the text is valid TOML: {text}"),
    }
}

const HEAD: &str = "version = 1\nrevision = 3\nrequires-python = \">=3.11\"\n\n[[package]]\nname = \"click\"\nversion = \"8.1.8\"\nsource = { registry = \"https://pypi.org/simple\" }\n";

#[test]
fn the_fast_path_agrees_on_the_layout_uv_writes() {
    assert_same(&format!(
        "{HEAD}wheels = [\n    {{ url = \"https://files.example/a.whl\", hash = \"sha256:00\", size = 1 }},\n    {{ path = \"wheels/b-1.0-py3-none-any.whl\", filename = \"b-1.0-py3-none-any.whl\" }},\n]\n"
    ));
    // CRLF line endings, an escape, a block before any package: handled (or left to the full
    // parse) correctly today; kept so a fix of the bugs below does not break them.
    assert_same(
        &format!("{HEAD}wheels = [\n    {{ url = \"https://files.example/a.whl\" }},\n]\n")
            .replace('\n', "\r\n"),
    );
    assert_same(&format!(
        "{HEAD}wheels = [\n    {{ url = \"https://files.example/a\\u0041.whl\" }},\n]\n"
    ));
    assert_same(
        "version = 1\nwheels = [\n    { url = \"https://files.example/x.whl\" },\n]\n\n[[package]]\nname = \"a\"\n",
    );
}

/// A literal (single-quoted) string can hold `"`: `string_field` then reads the URL out of the
/// wrong string (`y`) and loses the file name.
#[test]

fn lock_fast_path_single_quoted_wheel_fields() {
    assert_same(&format!(
        "{HEAD}wheels = [\n    {{ url = 'https://files.example/single-quoted.whl', filename = 'x url = \"y\".whl' }},\n]\n"
    ));
}

/// A `wheels = [` block under `[package.metadata]` is not the package's wheels: the full
/// parse ignores it, the fast path gives it to the package.
#[test]

fn lock_fast_path_wheels_in_a_sub_table() {
    assert_same(&format!(
        "{HEAD}\n[package.metadata]\nrequires-dist = [{{ name = \"x\" }}]\nwheels = [\n    {{ url = \"https://files.example/in-metadata.whl\" }},\n]\n"
    ));
}

/// A line `wheels = [` inside a multi-line string is string content, not a block.
#[test]

fn lock_fast_path_wheels_line_in_a_multiline_string() {
    // In a key the reader ignores: a version holding a newline is rejected since every
    // version in the lock is checked, by both paths alike.
    assert_same("version = 1\n\n[[package]]\nname = \"a\"\nnote = \"\"\"\nwheels = [\n    { url = \"x\" },\n]\n\"\"\"\n");
    assert!(matches!(
        compare("version = 1\n\n[[package]]\nname = \"a\"\nversion = \"\"\"\nwheels = [\n    { url = \"x\" },\n]\n\"\"\"\n"),
        Verdict::FastRejects
    ));
}

/// Text that is not TOML inside a wheels block never reaches a TOML parser on the fast path:
/// an unterminated block, garbage after an entry, a duplicate key. uv would refuse this lock
/// (`uv sync --locked` in the image build); uv-rootless must too, with the parser's line and
/// column.
#[test]

fn lock_fast_path_rejects_invalid_wheel_blocks() {
    assert_rejected(&format!(
        "{HEAD}wheels = [\n    {{ url = \"https://files.example/a.whl\" }},\n"
    ));
    assert_rejected(&format!(
        "{HEAD}wheels = [\n    {{ url = \"https://files.example/a.whl\" }} trailing garbage\n]\n"
    ));
    assert_rejected(&format!(
        "{HEAD}wheels = [\n    {{ url = \"https://files.example/a.whl\", url = \"https://files.example/b.whl\" }},\n]\n"
    ));
    assert_rejected(&format!(
        "{HEAD}wheels = [\n    {{ url = \"https://files.example/a.whl\"\n]\n"
    ));
}

/// TOML forbids leading zeros in an integer (`size = 01`); the fast path's wheel scanner took
/// any run of digits, so it read a lock from text the full parse rejects. Found by the `lock`
/// target's strict comparison after the fixes above.
#[test]
fn lock_fast_path_rejects_an_integer_with_a_leading_zero() {
    assert_rejected(&format!(
        "{HEAD}wheels = [\n    {{ url = \"https://files.example/a.whl\", size = 01 }},\n]\n"
    ));
    // A plain zero is an integer.
    assert_same(&format!(
        "{HEAD}wheels = [\n    {{ url = \"https://files.example/a.whl\", size = 0 }},\n]\n"
    ));
}

/// An integer too large for TOML's i64 (`size = 1568901555555...`) in a lifted line: the fast
/// path took any run of digits. Found by the `lock` target (seed 1) once sdist lines were
/// lifted too.
#[test]
fn lock_fast_path_rejects_an_integer_that_overflows() {
    let long = "15689015555555555555555555555555555555555555";
    assert_rejected(&format!(
        "{HEAD}sdist = {{ url = \"https://files.example/a.tar.gz\", size = {long} }}\n"
    ));
    assert_rejected(&format!(
        "{HEAD}wheels = [\n    {{ url = \"https://files.example/a.whl\", size = {long} }},\n]\n"
    ));
    // Near the limit, the full parse decides, and both agree.
    assert_same(&format!(
        "{HEAD}wheels = [\n    {{ url = \"https://files.example/a.whl\", size = 9223372036854775807 }},\n]\n"
    ));
}

/// The sdist line: twice in a package, or under `[package.metadata]`, the full parse decides
/// (a duplicate key; a key `Metadata` ignores). Passes today; kept for a fast path that lifts
/// `sdist` lines too.
#[test]
fn lock_sdist_lines_agree_with_the_full_parse() {
    assert_rejected(&format!(
        "{HEAD}sdist = {{ url = \"https://files.example/a.tar.gz\", size = 1 }}\nsdist = {{ url = \"https://files.example/b.tar.gz\" }}\n"
    ));
    assert_same(&format!(
        "{HEAD}\n[package.metadata]\nsdist = {{ url = \"https://files.example/in-metadata.tar.gz\" }}\n"
    ));
    assert_same(&format!(
        "{HEAD}sdist = {{ url = \"https://files.example/a.tar.gz\", hash = \"sha256:00\", size = 1 }}\nwheels = [\n    {{ url = \"https://files.example/a.whl\" }},\n]\n"
    ));
}

/// The project the `read_project` regressions start from reads fine: their errors come from
/// the one change each makes.
#[test]
fn the_base_project_of_the_read_project_regressions_reads() {
    let project = TempProject::new("base", &[("pyproject.toml", PYPROJECT), ("uv.lock", LOCK)]);
    read_project(&project.0).unwrap();
    let project = TempProject::new(
        "base-pinned",
        &[
            ("pyproject.toml", PYPROJECT),
            ("uv.lock", LOCK),
            (".python-version", "cp312\n"),
        ],
    );
    assert_eq!(
        read_project(&project.0)
            .unwrap()
            .python_version
            .unwrap()
            .version,
        "3.12"
    );
}
