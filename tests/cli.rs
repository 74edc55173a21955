//! The binary as a user runs it: help, `init`, `generate`, `check`, `explain`, every error
//! message and its exit code, in temporary copies of the examples.
//!
//! Each snapshot records the exit code, stdout and stderr of one run; read them as a user would.

mod common;

use common::{Output, Project, OUTPUTS};

/// Snapshots a run's exit code, stdout and stderr, named after the test (or given a name).
macro_rules! assert_run_snapshot {
    ($output:expr) => {
        common::insta_settings().bind(|| insta::assert_snapshot!($output.report()))
    };
    ($name:expr, $output:expr) => {
        common::insta_settings().bind(|| insta::assert_snapshot!($name, $output.report()))
    };
}

fn examples() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(common::examples_dir())
        .unwrap()
        .map(|entry| entry.unwrap())
        .filter(|entry| entry.file_type().unwrap().is_dir())
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert!(names.len() >= 5, "{names:?}");
    names
}

/// Pause long enough for a rewrite to show in a file's modification time.
fn tick() {
    std::thread::sleep(std::time::Duration::from_millis(20));
}

fn assert_success(output: &Output, what: &str) {
    assert_eq!(output.code, 0, "{what}:\n{}", output.report());
}

// ---------------------------------------------------------------------------------------------
// Help

fn help(args: &[&str]) -> Output {
    let output = common::run_in(&std::env::temp_dir(), args);
    assert_success(&output, &format!("{args:?}"));
    assert!(output.stderr.is_empty(), "{}", output.report());
    output
}

#[test]
fn help_top_level() {
    assert_run_snapshot!(help(&["--help"]));
}

#[test]
fn help_init() {
    assert_run_snapshot!(help(&["init", "--help"]));
}

#[test]
fn help_generate() {
    assert_run_snapshot!(help(&["generate", "--help"]));
}

#[test]
fn help_check() {
    assert_run_snapshot!(help(&["check", "--help"]));
}

#[test]
fn help_explain() {
    assert_run_snapshot!(help(&["explain", "--help"]));
}

#[test]
fn help_verify() {
    assert_run_snapshot!(help(&["verify", "--help"]));
}

#[test]
fn help_completions() {
    assert_run_snapshot!(help(&["completions", "--help"]));
}

#[test]
fn completions_load_in_bash_and_name_every_subcommand() {
    let bash = common::run_in(&std::env::temp_dir(), &["completions", "bash"]);
    assert_success(&bash, "completions bash");
    // bash itself must accept the script and register the completion function.
    let script =
        std::env::temp_dir().join(format!("uv-rootless-completion-{}", std::process::id()));
    std::fs::write(&script, &bash.stdout).unwrap();
    let registered = std::process::Command::new("bash")
        .arg("-c")
        .arg(format!(
            "source '{}' && complete -p uv-rootless",
            script.display()
        ))
        .output()
        .unwrap();
    let _ = std::fs::remove_file(&script);
    assert!(registered.status.success(), "{registered:?}");
    assert!(
        String::from_utf8_lossy(&registered.stdout).contains("uv-rootless"),
        "{registered:?}"
    );
    for shell in ["bash", "zsh", "fish"] {
        let output = common::run_in(&std::env::temp_dir(), &["completions", shell]);
        assert_success(&output, shell);
        for subcommand in ["init", "generate", "check", "verify", "explain"] {
            assert!(output.stdout.contains(subcommand), "{shell}: {subcommand}");
        }
    }
}

#[test]
fn help_of_every_subcommand_is_snapshotted() {
    // The subcommands `--help` lists; each needs its `help_NAME` test above.
    let output = help(&["--help"]);
    let listed: Vec<&str> = output
        .stdout
        .split("Commands:\n")
        .nth(1)
        .expect("a Commands section")
        .lines()
        .take_while(|line| !line.is_empty())
        .filter(|line| line.starts_with("  ") && !line.starts_with("   "))
        .filter_map(|line| line.split_whitespace().next())
        .collect();
    assert_eq!(
        listed,
        [
            "init",
            "generate",
            "check",
            "verify",
            "explain",
            "completions",
            "help"
        ],
        "add a help snapshot test for a new subcommand"
    );
}

// ---------------------------------------------------------------------------------------------
// init

#[test]
fn init_on_every_fresh_example_writes_the_committed_files_and_is_idempotent() {
    for name in examples() {
        let committed = Project::example(&name);
        let project = Project::fresh_example(&name);
        let stripped = project.read("pyproject.toml");
        for output in OUTPUTS {
            assert!(!project.exists(output), "{name}: {output} was not removed");
        }

        let output = project.run(&["init"]);
        assert_success(&output, &format!("{name}: init"));
        assert_run_snapshot!(format!("init_fresh_{name}"), output);

        // The four outputs, exactly as committed in the example (generated the same way),
        // unless its config sets a key only a user writes (no flag records it, e.g.
        // `writable`): a fresh `init` cannot know it.
        let config: toml::Table = toml::from_str(&committed.read("pyproject.toml")).unwrap();
        let user_only = config
            .get("tool")
            .and_then(|tool| tool.get("uv-rootless"))
            .and_then(|table| table.as_table())
            .is_some_and(|table| {
                uv_rootless::options::OPTIONS
                    .iter()
                    .any(|option| !option.has_flag && table.contains_key(option.key))
            });
        for file in OUTPUTS.iter().filter(|_| !user_only) {
            assert_eq!(
                project.read(file),
                committed.read(file),
                "{name}: {file} differs from the committed one"
            );
        }
        // pyproject.toml: every byte kept, `[tool.uv-rootless]` with `base` appended.
        let pyproject = project.read("pyproject.toml");
        assert!(
            pyproject.starts_with(&stripped),
            "{name}: init changed existing bytes of pyproject.toml:\n{pyproject}"
        );
        assert_eq!(
            &pyproject[stripped.len()..],
            "\n[tool.uv-rootless]\n# Base image family: \"python-slim\", \"azurelinux\", \"dhi-python\" or \"distroless-python3\".\nbase = \"python-slim\"\n",
            "{name}"
        );
        if !user_only {
            assert_eq!(pyproject, committed.read("pyproject.toml"), "{name}");
        }

        let check = project.run(&["check"]);
        assert_success(&check, &format!("{name}: check after init"));
        assert!(check.stdout.is_empty(), "{}", check.report());

        // A second init finds everything current and touches nothing.
        let before = project.files_with_mtimes();
        tick();
        let again = project.run(&["init"]);
        assert_success(&again, &format!("{name}: second init"));
        assert!(
            again
                .stderr
                .starts_with("init: every file is already current\n"),
            "{name}: {}",
            again.report()
        );
        common::assert_same_files(&before, &project.files_with_mtimes(), &"second init");
    }
}

#[test]
fn init_records_flags_with_comments_and_generate_reproduces_them() {
    let project = Project::fresh_example("fastapi-service");
    let stripped = project.read("pyproject.toml");
    let flags = [
        "--base",
        "azurelinux",
        "--port",
        "9000",
        "--python",
        "3.13",
        "--uid",
        "1000",
    ];
    let mut args = vec!["init"];
    args.extend(flags);
    let output = project.run(&args);
    assert_success(&output, "init with flags");
    assert_run_snapshot!("init_with_flags", output);

    let pyproject = project.read("pyproject.toml");
    assert!(pyproject.starts_with(&stripped), "{pyproject}");
    insta::assert_snapshot!(
        "init_with_flags_pyproject_tail",
        &pyproject[stripped.len()..]
    );

    // The recorded choices show in the outputs.
    let dockerfile = project.read("Dockerfile");
    assert!(dockerfile.contains("\nFROM mcr.microsoft.com/azurelinux/distroless/"));
    assert!(dockerfile.contains("\nUSER 1000:1000\n"), "{dockerfile}");
    assert!(dockerfile.contains("\nEXPOSE 9000\n"), "{dockerfile}");
    assert!(project
        .read("compose.yaml")
        .contains("      - \"9000:9000\"\n"));
    assert!(project
        .read("k8s/manifest.yaml")
        .contains("containerPort: 9000\n"));

    // `generate` alone, from the config, reproduces every file.
    let written: Vec<(String, String)> = OUTPUTS
        .iter()
        .map(|file| (file.to_string(), project.read(file)))
        .collect();
    for file in OUTPUTS {
        project.remove(file);
    }
    let generate = project.run(&["generate"]);
    assert_success(&generate, "generate");
    for (file, content) in &written {
        assert_eq!(&project.read(file), content, "generate changed {file}");
    }
    assert_eq!(project.read("pyproject.toml"), pyproject);
    assert_success(&project.run(&["check"]), "check after generate");

    // The same init again changes nothing.
    let before = project.files_with_mtimes();
    tick();
    assert_success(&project.run(&args), "init with flags, again");
    common::assert_same_files(&before, &project.files_with_mtimes(), &"init again");

    // With the flags, explain says they come from flags; without, from the config.
    let mut explain_args = vec!["explain"];
    explain_args.extend(flags);
    let from_flags = project.run(&explain_args);
    assert_success(&from_flags, "explain with flags");
    let from_config = project.run(&["explain"]);
    assert_success(&from_config, "explain");
    assert_run_snapshot!("explain_after_init_with_flags", from_config);
    for (decision, value) in [
        ("base", "azurelinux (Azure Linux 3.0)"),
        ("python", "3.13"),
        ("user", "1000:1000"),
    ] {
        for (output, source) in [(&from_flags, "flag"), (&from_config, "[tool.uv-rootless]")] {
            let lines: Vec<&str> = output.stdout.lines().collect();
            let at = lines
                .iter()
                .position(|line| line.starts_with(&format!("{decision:<9} {value}")))
                .unwrap_or_else(|| panic!("no {decision} line:\n{}", output.stdout));
            assert!(
                lines[at + 1]
                    .trim_start()
                    .starts_with(&format!("from {source}:")),
                "{decision}: {}",
                lines[at + 1]
            );
        }
    }
    let json = project.run(&["explain", "--format", "json"]);
    assert_success(&json, "explain --format json");
    let plan: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    for decision in ["base", "python", "user"] {
        assert_eq!(plan[decision]["source"], "config", "{decision}");
    }
    assert_eq!(plan["app"]["port"], 9000);
    let json = project.run(&["explain", "--format", "json", "--port", "9001"]);
    let plan: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(plan["app"]["port"], 9001);
    assert_eq!(plan["base"]["source"], "config");
}

// ---------------------------------------------------------------------------------------------
// check and generate --check

/// `check` and `generate --check` both exit 1, write nothing, print the same diffs (one per
/// stale file, naming it), and agree; `generate` then brings the files up to date.
fn assert_stale(project: &Project, stale: &[&str]) -> Output {
    let before = project.files_with_mtimes();
    let check = project.run(&["check"]);
    assert_eq!(check.code, 1, "{}", check.report());
    let generate_check = project.run(&["generate", "--check"]);
    assert_eq!(generate_check.code, 1, "{}", generate_check.report());
    assert_eq!(check.stdout, generate_check.stdout);
    assert_eq!(check.stderr, generate_check.stderr);
    common::assert_same_files(&before, &project.files_with_mtimes(), &"check");

    for file in OUTPUTS {
        let header = format!("--- a/{file}\n+++ b/{file}\n");
        assert_eq!(
            check.stdout.contains(&header),
            stale.contains(&file),
            "{file} in the diff:\n{}",
            check.stdout
        );
    }
    assert!(check.stdout.starts_with("--- a/"), "{}", check.stdout);

    assert_success(&project.run(&["generate"]), "generate");
    let after = project.run(&["check"]);
    assert_success(&after, "check after generate");
    check
}

#[test]
fn check_is_current_on_every_committed_example() {
    for name in examples() {
        let project = Project::example(&name);
        let before = project.files_with_mtimes();
        let output = project.run(&["check"]);
        assert_success(&output, &name);
        assert_eq!(output.stdout, "");
        assert_eq!(output.stderr, "check: every generated file is current\n");
        assert_eq!(project.run(&["generate", "--check"]).code, 0, "{name}");
        common::assert_same_files(&before, &project.files_with_mtimes(), &"check");
    }
}

/// One change to a committed example, the outputs it makes stale, and lines the diff must show.
struct StaleCase {
    /// The snapshot is `check_after_<name>`.
    name: &'static str,
    example: &'static str,
    change: fn(&Project),
    stale: &'static [&'static str],
    /// Text the diff (stdout) or the report (stderr) must contain.
    shows: &'static [&'static str],
}

const STALE_CASES: &[StaleCase] = &[
    StaleCase {
        // As `uv remove uvicorn && uv add hypercorn` would leave it: the server changes. Only
        // the Dockerfile runs the server; compose and the manifest use the image's ENTRYPOINT.
        name: "a_dependency_change",
        example: "fastapi-service",
        change: |project| {
            project.replace("pyproject.toml", "\"uvicorn>=0.30\"", "\"hypercorn>=0.17\"");
            project.edit("uv.lock", |lock| {
                lock.replace("\"uvicorn\"", "\"hypercorn\"").replace(
                    "{ name = \"hypercorn\", specifier = \">=0.30\" }",
                    "{ name = \"hypercorn\", specifier = \">=0.17\" }",
                )
            });
        },
        stale: &["Dockerfile"],
        shows: &[
            "+ENTRYPOINT [\"/app/bin/hypercorn\",\"--bind\",\"0.0.0.0:8000\",\"app.main:app\"]\n",
        ],
    },
    StaleCase {
        // Django's `asgi.py` beside its `wsgi.py`: without gunicorn, uvicorn serves the ASGI
        // entry.
        name: "a_wsgi_server_swapped_for_an_asgi_one",
        example: "django-site",
        change: |project| {
            project.replace("pyproject.toml", "\"gunicorn>=22\"", "\"uvicorn>=0.30\"");
            project.edit("uv.lock", |lock| {
                lock.replace("\"gunicorn\"", "\"uvicorn\"").replace(
                    "{ name = \"uvicorn\", specifier = \">=22\" }",
                    "{ name = \"uvicorn\", specifier = \">=0.30\" }",
                )
            });
        },
        stale: &["Dockerfile"],
        shows: &[
            "+ENTRYPOINT [\"/app/bin/uvicorn\",\"mysite.asgi:application\",\"--host\",\"0.0.0.0\",\"--port\",\"8000\"]\n",
        ],
    },
    StaleCase {
        // A literal `ALLOWED_HOSTS` without 127.0.0.1: Django would answer the probes 400, so
        // they connect to the port instead, and no output sets the variable any more.
        name: "an_allowed_hosts_list_that_refuses_the_probe",
        example: "django-site",
        change: |project| {
            project.replace(
                "mysite/settings.py",
                "os.environ.get(\"DJANGO_ALLOWED_HOSTS\", \"localhost\").split(\",\")",
                "[\"example.com\"]",
            )
        },
        stale: &["Dockerfile", "compose.yaml", "k8s/manifest.yaml"],
        shows: &[
            "socket.create_connection(('127.0.0.1', 8000), 3)",
            "-    DJANGO_ALLOWED_HOSTS=localhost,127.0.0.1 \\\n",
            "+            tcpSocket:\n",
        ],
    },
    StaleCase {
        name: "a_port_change_in_the_config",
        example: "fastapi-service",
        change: |project| {
            project.replace(
                "pyproject.toml",
                "base = \"python-slim\"\n",
                "base = \"python-slim\"\nport = 8080\n",
            )
        },
        stale: &["Dockerfile", "compose.yaml", "k8s/manifest.yaml"],
        shows: &[],
    },
    StaleCase {
        name: "a_base_change_in_the_config",
        example: "cli-hello",
        change: |project| {
            project.replace(
                "pyproject.toml",
                "base = \"python-slim\"",
                "base = \"azurelinux\"",
            )
        },
        stale: &["Dockerfile"],
        shows: &[],
    },
    StaleCase {
        name: "a_description_change",
        example: "cli-hello",
        change: |project| {
            project.replace(
                "pyproject.toml",
                "description = \"A tiny click-based command-line greeter installed as a console script.\"",
                "description = \"Greets people.\"",
            )
        },
        stale: &["Dockerfile"],
        shows: &[],
    },
    StaleCase {
        // The lock does not record scripts, so it stays consistent.
        name: "a_console_script_rename",
        example: "cli-hello",
        change: |project| {
            project.replace(
                "pyproject.toml",
                "cli-hello = \"cli_hello.cli:main\"",
                "hello = \"cli_hello.cli:main\"",
            )
        },
        stale: &["Dockerfile"],
        shows: &["-ENTRYPOINT [\"/app/bin/cli-hello\"]\n+ENTRYPOINT [\"/app/bin/hello\"]\n"],
    },
    StaleCase {
        name: "a_hand_edit_of_the_dockerfile",
        example: "cli-hello",
        change: |project| {
            project.replace(
                "Dockerfile",
                "USER 65532:65532\n",
                "USER 65532:65532\nRUN echo hand-made\n",
            )
        },
        stale: &["Dockerfile"],
        shows: &["\n-RUN echo hand-made\n"],
    },
    StaleCase {
        name: "a_deleted_output",
        example: "cli-hello",
        change: |project| project.remove("k8s/manifest.yaml"),
        stale: &["k8s/manifest.yaml"],
        shows: &["`k8s/manifest.yaml` is missing"],
    },
];

#[test]
fn check_after_each_change_names_exactly_the_stale_files() {
    for case in STALE_CASES {
        let project = Project::example(case.example);
        (case.change)(&project);
        let output = assert_stale(&project, case.stale);
        for text in case.shows {
            assert!(
                output.stdout.contains(text) || output.stderr.contains(text),
                "{}: {text:?} not in\n{}",
                case.name,
                output.report()
            );
        }
        assert_run_snapshot!(format!("check_after_{}", case.name), output);
    }
}

#[test]
fn check_after_a_dockerfile_written_by_hand() {
    let project = Project::example("cli-hello");
    project.write("Dockerfile", "FROM python:3.13-slim\nCMD [\"cli-hello\"]\n");
    let before = project.files_with_mtimes();
    let check = project.run(&["check"]);
    assert_eq!(check.code, 1, "{}", check.report());
    assert_eq!(check.stdout, project.run(&["generate", "--check"]).stdout);
    common::assert_same_files(&before, &project.files_with_mtimes(), &"check");
    assert!(check
        .stderr
        .contains("`Dockerfile` exists but was not generated by uv-rootless"));
    assert_run_snapshot!(check);
}

#[test]

fn check_after_a_dockerfile_written_by_hand_hints_a_command_that_works() {
    let project = Project::example("cli-hello");
    project.write("Dockerfile", "FROM python:3.13-slim\nCMD [\"cli-hello\"]\n");
    let check = project.run(&["check"]);
    assert_eq!(check.code, 1, "{}", check.report());
    let hint = check
        .stderr
        .lines()
        .find_map(|line| line.strip_prefix("hint: "))
        .expect("a hint");
    // Whatever the hint says to run must succeed.
    assert!(hint.contains("--force"), "{hint}");
    assert_success(&project.run(&["generate", "--force"]), "generate --force");
    assert_success(&project.run(&["check"]), "check");
}

// ---------------------------------------------------------------------------------------------
// Errors: exit 2, a message and a hint, and nothing in the project changed.

#[test]
fn error_missing_pyproject() {
    let project = Project::fresh_example("cli-hello");
    project.remove("pyproject.toml");
    let root = project.root().to_string_lossy().into_owned();
    let output = project.run_rejected(&["init", &root]);
    assert_run_snapshot!(output);
}

#[test]
fn error_missing_lock() {
    let project = Project::fresh_example("cli-hello");
    project.remove("uv.lock");
    assert_run_snapshot!(project.run_rejected(&["init"]));
}

#[test]
fn check_format_github_annotates_an_input_error_at_its_file_and_line() {
    let project = Project::example("cli-hello");
    project.replace("pyproject.toml", "version = \"0.1.0\"", "version = \"0.1.0");
    let output = project.run(&["check", "--format", "github"]);
    assert_eq!(output.code, 2, "{}", output.report());
    assert!(
        output
            .stdout
            .starts_with("::error file=pyproject.toml,line=3,title=uv-rootless::failed to parse `pyproject.toml`"),
        "{}",
        output.stdout
    );
}

#[test]
fn error_unparsable_pyproject() {
    let project = Project::fresh_example("cli-hello");
    project.replace("pyproject.toml", "version = \"0.1.0\"", "version = \"0.1.0");
    let output = project.run_rejected(&["init"]);
    assert!(
        output.stderr.contains("line 3, column"),
        "{}",
        output.stderr
    );
    assert_run_snapshot!(output);
}

#[test]
fn error_unparsable_lock() {
    let project = Project::fresh_example("cli-hello");
    project.edit("uv.lock", |lock| {
        lock.replacen(
            "[[package]]\nname = \"click\"",
            "[[package]\nname = \"click\"",
            1,
        )
    });
    let output = project.run_rejected(&["init"]);
    assert!(
        output.stderr.contains("line 24, column"),
        "{}",
        output.stderr
    );
    assert_run_snapshot!(output);
}

#[test]
fn error_lock_version_2() {
    let project = Project::fresh_example("cli-hello");
    project.replace("uv.lock", "version = 1\n", "version = 2\n");
    assert_run_snapshot!(project.run_rejected(&["init"]));
}

#[test]
fn error_lock_requires_python_disagrees_with_pyproject() {
    let project = Project::fresh_example("cli-hello");
    project.replace(
        "pyproject.toml",
        "requires-python = \">=3.11\"",
        "requires-python = \">=3.12\"",
    );
    assert_run_snapshot!(project.run_rejected(&["init"]));
}

#[test]
fn error_dependency_not_locked() {
    let project = Project::fresh_example("cli-hello");
    project.replace(
        "pyproject.toml",
        "    \"click>=8.1\",\n",
        "    \"click>=8.1\",\n    \"requests>=2.31\",\n",
    );
    assert_run_snapshot!(project.run_rejected(&["init"]));
}

/// A stale lock is reported before what deciding on it would say (here, a missing script):
/// the lock is checked beside the decisions, and its error wins.
#[test]
fn error_dependency_not_locked_comes_before_a_decision_error() {
    let project = Project::fresh_example("cli-hello");
    project.replace(
        "pyproject.toml",
        "    \"click>=8.1\",\n",
        "    \"click>=8.1\",\n    \"requests>=2.31\",\n",
    );
    let output = project.run_rejected(&["init", "--script", "no-such-script"]);
    assert!(
        output.stderr.contains("`uv.lock` is out of date"),
        "{}",
        output.report()
    );
    // A lock large enough to be checked on a thread of its own: the same.
    let padding = format!("# {}\n", "x".repeat(300 << 10));
    project.replace(
        "uv.lock",
        "version = 1\n",
        &format!("version = 1\n{padding}"),
    );
    let output = project.run_rejected(&["init", "--script", "no-such-script"]);
    assert!(
        output.stderr.contains("`uv.lock` is out of date"),
        "{}",
        output.report()
    );
}

#[test]
fn error_no_command_two_scripts_none_named_like_the_project() {
    let project = Project::fresh_example("cli-hello");
    project.replace(
        "pyproject.toml",
        "cli-hello = \"cli_hello.cli:main\"\n",
        "hello = \"cli_hello.cli:main\"\ngoodbye = \"cli_hello.cli:main\"\n",
    );
    assert_run_snapshot!(project.run_rejected(&["init"]));
}

#[test]
fn error_no_command_virtual_project_without_web_framework() {
    // No build system: uv does not install the project, so its script is not there either.
    let project = Project::fresh_example("cli-hello");
    project.replace(
        "pyproject.toml",
        "[build-system]\nrequires = [\"uv_build>=0.13.9,<0.14.0\"]\nbuild-backend = \"uv_build\"\n",
        "",
    );
    assert_run_snapshot!(project.run_rejected(&["init"]));
}

#[test]
fn error_script_flag_names_a_missing_script() {
    let project = Project::fresh_example("cli-hello");
    assert_run_snapshot!(project.run_rejected(&["init", "--script", "hello"]));
}

#[test]
fn error_python_not_offered_by_the_base() {
    let project = Project::fresh_example("cli-hello");
    assert_run_snapshot!(project.run_rejected(&["init", "--python", "3.9"]));
}

#[test]
fn error_python_older_than_requires_python() {
    let project = Project::fresh_example("newer-python");
    assert_run_snapshot!(project.run_rejected(&["init", "--python", "3.11"]));
}

#[test]
fn error_python_version_file_asks_for_pypy() {
    let project = Project::fresh_example("cli-hello");
    project.write(".python-version", "pypy@3.10\n");
    assert_run_snapshot!(project.run_rejected(&["init"]));
}

#[test]
fn error_unknown_key_in_config() {
    let project = Project::example("cli-hello");
    project.replace(
        "pyproject.toml",
        "base = \"python-slim\"\n",
        "base = \"python-slim\"\nprot = 1\n",
    );
    let output = project.run_rejected(&["init"]);
    assert!(output.stderr.contains("unknown field `prot`"));
    assert_run_snapshot!(output);
}

#[test]
fn error_unknown_base_in_config() {
    let project = Project::example("cli-hello");
    project.replace(
        "pyproject.toml",
        "base = \"python-slim\"",
        "base = \"alpine\"",
    );
    assert_run_snapshot!(project.run_rejected(&["init"]));
}

#[test]
fn error_uid_zero_in_config() {
    let project = Project::example("cli-hello");
    project.replace(
        "pyproject.toml",
        "base = \"python-slim\"\n",
        "base = \"python-slim\"\nuid = 0\n",
    );
    assert_run_snapshot!(project.run_rejected(&["init"]));
}

#[test]
fn error_uid_zero_flag() {
    let project = Project::fresh_example("cli-hello");
    let output = project.run_rejected(&["init", "--uid", "0"]);
    assert!(output
        .stderr
        .starts_with("error: the container must not run as root"));
}

#[test]
fn error_output_path_escapes_the_project() {
    let project = Project::example("cli-hello");
    project.replace(
        "pyproject.toml",
        "base = \"python-slim\"\n",
        "base = \"python-slim\"\ndockerfile = \"../Dockerfile\"\n",
    );
    assert_run_snapshot!(project.run_rejected(&["init"]));
    assert!(!project.root().parent().unwrap().join("Dockerfile").exists());
}

#[test]
fn error_package_names_a_non_member() {
    let project = Project::fresh_example("workspace");
    assert_run_snapshot!(project.run_rejected(&["init", "--package", "acme-web"]));
}

#[test]
fn error_workspace_with_two_runnable_members() {
    // acme-core gets a console script: the lock does not record scripts, so it stays current.
    let project = Project::fresh_example("workspace");
    project.replace(
        "packages/core/pyproject.toml",
        "[build-system]",
        "[project.scripts]\nacme-core = \"acme_core:main\"\n\n[build-system]",
    );
    assert_run_snapshot!(project.run_rejected(&["init"]));
    // Choosing the member resolves it.
    assert_success(
        &project.run(&["explain", "--package", "acme-core"]),
        "explain",
    );
}

#[test]
fn error_existing_dockerfile_not_generated_refused_then_forced() {
    let project = Project::fresh_example("cli-hello");
    let hand_written = "FROM python:3.13-slim\nCMD [\"cli-hello\"]\n";
    project.write("Dockerfile", hand_written);
    let pyproject = project.read("pyproject.toml");

    let refused = project.run_rejected(&["init"]);
    assert_run_snapshot!("error_existing_dockerfile_refused", refused);
    assert_eq!(project.read("Dockerfile"), hand_written);
    assert_eq!(project.read("pyproject.toml"), pyproject);
    for file in ["compose.yaml", ".dockerignore", "k8s/manifest.yaml"] {
        assert!(!project.exists(file), "{file} was written");
    }
    // `generate` refuses too.
    project.run_rejected(&["generate"]);

    let forced = project.run(&["init", "--force"]);
    assert_success(&forced, "init --force");
    assert_run_snapshot!("error_existing_dockerfile_forced", forced);
    let committed = Project::example("cli-hello");
    for file in OUTPUTS {
        assert_eq!(project.read(file), committed.read(file), "{file}");
    }
    assert_eq!(
        project.read("pyproject.toml"),
        committed.read("pyproject.toml")
    );
}

#[test]
fn error_generate_check_conflicts_with_force() {
    let project = Project::example("cli-hello");
    let output = project.run_failing(&["generate", "--check", "--force"]);
    assert!(output.stderr.starts_with("error: "), "{}", output.stderr);
}

// ---------------------------------------------------------------------------------------------
// A failed write leaves everything as it was.

#[test]
fn failed_write_when_k8s_is_a_file_changes_nothing() {
    let project = Project::fresh_example("cli-hello");
    project.write("k8s", "not a directory\n");
    let pyproject = project.read("pyproject.toml");
    let output = project.run_failing(&["init"]);
    for file in ["Dockerfile", "compose.yaml", ".dockerignore"] {
        assert!(!project.exists(file), "{file} was written");
    }
    assert_eq!(project.read("pyproject.toml"), pyproject);
    assert_eq!(project.read("k8s"), "not a directory\n");
    assert_run_snapshot!(output);
}

#[test]

fn failed_write_when_k8s_is_a_file_says_what_to_do() {
    let project = Project::fresh_example("cli-hello");
    project.write("k8s", "not a directory\n");
    let output = project.run_failing(&["init"]);
    common::assert_error_shape(&output.stderr);
}

#[cfg(unix)]
#[test]
fn failed_write_when_k8s_is_a_dangling_symlink_changes_nothing() {
    // Reading k8s/manifest.yaml says "missing", so the failure comes from writing: the files
    // staged before it (Dockerfile, compose.yaml, .dockerignore) must be rolled back.
    let project = Project::fresh_example("cli-hello");
    std::os::unix::fs::symlink("nowhere", project.path("k8s")).unwrap();
    let output = project.run_rejected(&["init"]);
    for file in ["Dockerfile", "compose.yaml", ".dockerignore"] {
        assert!(!project.exists(file), "{file} was written");
    }
    assert!(!project.exists("nowhere"));
    assert_run_snapshot!(output);
}

// ---------------------------------------------------------------------------------------------
// Colour

#[test]
fn no_ansi_escapes_when_not_a_terminal() {
    let project = Project::fresh_example("cli-hello");
    let mut outputs = vec![
        project.run(&["--help"]),
        project.run(&["init", "--help"]),
        project.run(&["--version"]),
        project.run(&["init", "--bogus"]),
        project.run(&["init", "--python", "3.9"]),
        project.run(&["init"]),
        project.run(&["explain"]),
        project.run(&["explain", "--format", "json"]),
    ];
    project.replace("Dockerfile", "USER 65532:65532\n", "USER 1:1\n");
    outputs.push(project.run(&["check"]));
    outputs.push(project.run(&["generate", "--check"]));
    outputs.push(project.run(&["generate"]));
    let codes: Vec<i32> = outputs.iter().map(|output| output.code).collect();
    assert_eq!(codes, [0, 0, 0, 2, 2, 0, 0, 0, 1, 1, 0]);
    for output in &outputs {
        assert!(
            !output.stdout.contains('\x1b') && !output.stderr.contains('\x1b'),
            "{}",
            output.report()
        );
    }
    for (path, bytes) in project.files() {
        assert!(!bytes.contains(&0x1b), "{path}");
    }
}

/// `--pin-digests` reads each image's `RepoDigests` from the engine (here a stand-in `docker`
/// that answers `image inspect` as a real one does), records them in `[tool.uv-rootless]`, and
/// the Dockerfile builds `FROM image@sha256:...`; `check` then needs no engine. An image that
/// was never pulled has no digest: an error, and nothing written.
#[test]
fn pin_digests_records_and_uses_the_engines_digests() {
    let project = Project::fresh_example("cli-hello");
    let digest = |c: char| format!("sha256:{}", c.to_string().repeat(64));
    let fake = project.path("fake-docker");
    std::fs::write(
        &fake,
        format!(
            "#!/bin/sh\n# image inspect --format {{{{json .RepoDigests}}}} IMAGE\ncase \"$5\" in\n  ghcr.io/astral-sh/uv:*) echo '[\"ghcr.io/astral-sh/uv@{}\"]' ;;\n  python:*) echo '[\"python@{}\"]' ;;\n  *) echo '[]' ;;\nesac\n",
            digest('a'),
            digest('b')
        ),
    )
    .unwrap();
    std::fs::set_permissions(&fake, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let run = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_uv-rootless"))
            .args(args)
            .current_dir(project.root())
            .env("UV_ROOTLESS_DOCKER", &fake)
            .output()
            .unwrap()
    };
    let output = run(&["init", "--pin-digests"]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let dockerfile = project.read("Dockerfile");
    assert!(
        dockerfile.contains(&format!(
            "\nFROM ghcr.io/astral-sh/uv:0.13.9@{} AS uv\n",
            digest('a')
        )),
        "{dockerfile}"
    );
    assert!(
        dockerfile.contains(&format!(
            "\nFROM python:3.13-slim-trixie@{} AS build\n",
            digest('b')
        )),
        "{dockerfile}"
    );
    let pyproject = project.read("pyproject.toml");
    assert!(pyproject.contains("digests = {"), "{pyproject}");
    assert_eq!(project.run(&["check"]).code, 0);

    // Another Python means another base image, which no recorded digest covers: an error
    // until the digests are recorded again.
    project.write(".python-version", "3.12\n");
    let output = project.run(&["generate"]);
    assert_eq!(output.code, 2, "{}", output.stderr);
    assert!(
        output.stderr.contains("but not `python:3.12-slim-trixie`"),
        "{}",
        output.stderr
    );
    let output = run(&["generate", "--pin-digests"]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(project.read("Dockerfile").contains(&format!(
        "\nFROM python:3.12-slim-trixie@{} AS build\n",
        digest('b')
    )));
    assert!(!project
        .read("pyproject.toml")
        .contains("python:3.13-slim-trixie"));

    // Azure Linux's images were built here, never pulled: no digest, nothing written.
    let before = project.read("pyproject.toml");
    let output = run(&["init", "--base", "azurelinux", "--pin-digests"]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("2 of 3 are unknown here")
            && stderr.contains("not pulled, so without a registry digest: `mcr.microsoft.com/azurelinux/base/core:3.0`, `mcr.microsoft.com/azurelinux/distroless/base:3.0`")
            && stderr.contains("docker pull mcr.microsoft.com/azurelinux/base/core:3.0 && docker pull mcr.microsoft.com/azurelinux/distroless/base:3.0"),
        "{stderr}"
    );
    assert_eq!(project.read("pyproject.toml"), before);
    assert_eq!(project.run(&["check"]).code, 0);
}

/// A new version range or a new project version makes the lock stale, as `uv lock --check`
/// says: `uv sync --locked` in the image build would fail, so `check` fails first and says to
/// run `uv lock`.
#[test]
fn check_after_a_version_range_or_project_version_change_says_run_uv_lock() {
    let project = Project::example("cli-hello");
    let pyproject = project.read("pyproject.toml");
    project.write(
        "pyproject.toml",
        &pyproject.replace("\"click>=8.1\"", "\"click>=8.2\""),
    );
    let output = project.run(&["check"]);
    assert_eq!(output.code, 2, "{}", output.stderr);
    assert!(
        output
            .stderr
            .contains("it resolved `click` for `>=8.1`, but `pyproject.toml` now asks for `>=8.2`")
            && output.stderr.contains("run `uv lock`"),
        "{}",
        output.stderr
    );
    // The same range written another way is no change.
    project.write(
        "pyproject.toml",
        &pyproject.replace("\"click>=8.1\"", "\"click >= 8.1\""),
    );
    assert_eq!(project.run(&["check"]).code, 0);

    project.write(
        "pyproject.toml",
        &pyproject.replace("version = \"0.1.0\"", "version = \"0.2.0\""),
    );
    let output = project.run(&["check"]);
    assert_eq!(output.code, 2, "{}", output.stderr);
    assert!(
        output
            .stderr
            .contains("it has `cli-hello` 0.1.0, but `pyproject.toml` says version 0.2.0"),
        "{}",
        output.stderr
    );
}

#[test]
fn a_main_block_that_starts_a_server_is_a_web_app_on_the_port_its_code_reads() {
    // The app object is built in a factory, so only `main.py`'s `__main__` block says how the
    // app is served.
    let project = Project::fresh_example("fastapi-service");
    project.replace(
        "app/main.py",
        "app = FastAPI(title=\"fastapi-service\")\n",
        "def create_app() -> FastAPI:\n    app = FastAPI(title=\"fastapi-service\")\n",
    );
    project.edit("app/main.py", |text| {
        let (head, routes) = text.split_at(text.find("\n\n@app.get").unwrap());
        let indented: String = routes
            .lines()
            .map(|line| {
                if line.is_empty() {
                    String::new()
                } else {
                    format!("    {line}")
                }
            })
            .collect::<Vec<_>>()
            .join("\n");
        format!("{head}\n{indented}\n    return app\n")
    });
    project.write(
        "main.py",
        "import os\n\nimport uvicorn\n\nfrom app.main import create_app\n\n\ndef main() -> None:\n    uvicorn.run(create_app(), host=\"0.0.0.0\", port=int(os.environ.get(\"PORT\", \"8080\")))\n\n\nif __name__ == \"__main__\":\n    main()\n",
    );
    let output = project.run(&["init"]);
    assert_success(&output, "init");
    let dockerfile = project.read("Dockerfile");
    assert!(
        dockerfile.contains("ENTRYPOINT [\"/app/bin/python\",\"main.py\"]"),
        "{dockerfile}"
    );
    assert!(dockerfile.contains("    PORT=8080 \\\n"), "{dockerfile}");
    assert!(dockerfile.contains("EXPOSE 8080"), "{dockerfile}");
    let manifest = project.read("k8s/manifest.yaml");
    assert!(manifest.contains("containerPort: 8080"), "{manifest}");
}

#[test]
fn a_users_own_compose_file_or_containerfile_is_not_shadowed_without_force() {
    for (theirs, ours, setting) in [
        (
            "docker-compose.yml",
            "compose.yaml",
            "compose = \"deploy/compose.yaml\"",
        ),
        (
            "compose.yml",
            "compose.yaml",
            "compose = \"deploy/compose.yaml\"",
        ),
        (
            "Containerfile",
            "Dockerfile",
            "dockerfile = \"deploy/Dockerfile\"",
        ),
    ] {
        let project = Project::fresh_example("cli-hello");
        project.write(theirs, "services: {}\n");
        let pyproject = project.read("pyproject.toml");
        let output = project.run_failing(&["init"]);
        assert_eq!(output.code, 2, "{theirs}: {}", output.report());
        assert!(
            output
                .stderr
                .contains(&format!("`{theirs}` is this project's own")),
            "{theirs}: {}",
            output.stderr
        );
        assert!(
            output.stderr.contains(setting),
            "{theirs}: {}",
            output.stderr
        );
        common::assert_error_shape(&output.stderr);
        assert!(!project.exists(ours), "{ours} was written beside {theirs}");
        assert_eq!(project.read("pyproject.toml"), pyproject);
        // Either fix works, and the user's file is left as it was.
        let elsewhere = Project::fresh_example("cli-hello");
        elsewhere.write(theirs, "services: {}\n");
        elsewhere.replace(
            "pyproject.toml",
            "[build-system]",
            &format!("[tool.uv-rootless]\n{setting}\n\n[build-system]"),
        );
        assert_success(&elsewhere.run(&["init"]), theirs);
        assert!(!elsewhere.exists(ours));
        assert_success(&project.run(&["init", "--force"]), theirs);
        assert!(project.exists(ours));
        assert_eq!(project.read(theirs), "services: {}\n");
        // Once forced, regenerating (the pre-commit hook) does not refuse again.
        assert_success(&project.run(&["generate"]), theirs);
        assert_success(&project.run(&["check"]), theirs);
    }
}

#[test]
fn every_file_in_the_way_of_an_output_is_named_in_one_run_with_every_fix() {
    // The project's own Dockerfile, Compose file and `.dockerignore` at once.
    let project = Project::fresh_example("cli-hello");
    project.write("Dockerfile", "FROM scratch\n");
    project.write("docker-compose.yml", "services: {}\n");
    project.write(".dockerignore", ".venv\n");
    let pyproject = project.read("pyproject.toml");
    let output = project.run_failing(&["init"]);
    assert_eq!(output.code, 2, "{}", output.report());
    common::assert_error_shape(&output.stderr);
    // Three files in two problems: no count that could be either.
    assert_eq!(
        output.stderr.lines().next(),
        Some("error: files of this project are in the way of the outputs, and nothing was written"),
        "{}",
        output.stderr
    );
    for expected in [
        "`Dockerfile`, `.dockerignore` already exist",
        "`docker-compose.yml` is this project's own Compose file",
        "`dockerfile = \"deploy/Dockerfile\"`",
        "`compose = \"deploy/compose.yaml\"`",
        "`.dockerignore.mine`",
    ] {
        assert!(
            output.stderr.contains(expected),
            "{expected}: {}",
            output.stderr
        );
    }
    assert!(!project.exists("compose.yaml"));
    assert_eq!(project.read("pyproject.toml"), pyproject);
    // Following the hints of that one run is enough for the next to succeed.
    std::fs::rename(
        project.path(".dockerignore"),
        project.path(".dockerignore.mine"),
    )
    .unwrap();
    project.replace(
        "pyproject.toml",
        "[build-system]",
        "[tool.uv-rootless]\ndockerfile = \"deploy/Dockerfile\"\ncompose = \"deploy/compose.yaml\"\n\n[build-system]",
    );
    assert_success(&project.run(&["init"]), "after the hints");
    assert_eq!(project.read("Dockerfile"), "FROM scratch\n");
    assert_eq!(project.read("docker-compose.yml"), "services: {}\n");
}

#[test]
fn required_settings_are_passed_from_the_shell_or_left_to_the_env_file() {
    let project = Project::example("needs-secret");
    // A pydantic-settings class instantiated at start, beside the module-level exit.
    project.write(
        "config.py",
        "from pydantic_settings import BaseSettings, SettingsConfigDict\n\
         class Settings(BaseSettings):\n    \
             model_config = SettingsConfigDict(env_prefix='app_')\n    \
             workers: int\n    \
             debug: bool = False\n\
         settings = Settings()\n",
    );
    assert_success(&project.run(&["generate"]), "generate");
    let compose = project.read("compose.yaml");
    assert!(
        compose.contains("    #   APP_WORKERS (config.py:4)\n"),
        "{compose}"
    );
    assert!(
        compose.contains("    environment:\n      \"APP_WORKERS\":\n      \"SECRET_KEY\":\n"),
        "{compose}"
    );
    let manifest = project.read("k8s/manifest.yaml");
    assert!(
        manifest.contains("#   SECRET_KEY (wsgi.py:11)"),
        "{manifest}"
    );
    let explain = project.run(&["explain", "--format", "json"]);
    let plan: serde_json::Value = serde_json::from_str(&explain.stdout).expect("json");
    let required = &plan["runtime"]["required_env"];
    assert_eq!(required[0]["name"], "APP_WORKERS");
    assert_eq!(required[0]["stand_in"], "0");
    assert_eq!(required[1]["name"], "SECRET_KEY");
    // With an env file compose reads the settings from it: no entry of the shell's overrides it.
    project.replace(
        "pyproject.toml",
        "[tool.uv-rootless]\n",
        "[tool.uv-rootless]\nenv-file = \".env\"\n",
    );
    assert_success(&project.run(&["generate"]), "generate");
    let compose = project.read("compose.yaml");
    assert!(
        compose.contains("which the file must set:\n    #   APP_WORKERS (config.py:4)\n"),
        "{compose}"
    );
    assert!(!compose.contains("environment:"), "{compose}");
}

/// `verify` before `init`: nothing to build, so no engine is asked; the error says to run `init`.
#[test]
fn verify_before_init_names_the_missing_files_and_says_to_run_init() {
    let project = Project::fresh_example("cli-hello");
    let output = project.run_rejected(&["verify", "."]);
    assert!(
        output.stderr.contains(
            "`Dockerfile` does not exist: `verify` builds and runs the generated files on disk"
        ),
        "{}",
        output.report()
    );
    assert!(
        output.stderr.contains("run `uv-rootless init`"),
        "{}",
        output.report()
    );
}

#[test]
fn init_and_generate_name_a_write_the_read_only_root_refuses() {
    let project = Project::fresh_example("fastapi-service");
    project.edit("app/main.py", |text| {
        format!("{text}\nwith open(\"notes.txt\", \"w\") as out:\n    out.write(\"x\")\n")
    });
    let hint = "hint: `app/main.py:26` writes `notes.txt` in the working directory, which is read-only in the container";
    for args in [&["init"][..], &["generate"][..]] {
        let output = project.run(args);
        assert_success(&output, "with a write to the working directory");
        let last = output.stderr.lines().last().unwrap_or_default();
        assert!(last.starts_with(hint), "{args:?}:\n{}", output.report());
    }
}
