//! Every generated file, for every example and every base, as a snapshot; and one
//! `explain --format json` per example. Read them as a user would: they are the output.

mod common;

use std::path::Path;
use uv_rootless::app;
use uv_rootless::model::BaseId;
use uv_rootless::options::Flags;

const EXAMPLES: &[&str] = &[
    "bot-logs",
    "cli-hello",
    "default-groups",
    "django-site",
    "fastapi-service",
    "flask-gunicorn",
    "flat-layout",
    "git-versioned",
    "gradio-app",
    "greeter-config",
    "healthz-only",
    "main-script",
    "native-build",
    "needs-secret",
    "newer-python",
    "path-dependency",
    "private-deps",
    "script-server",
    "streamlit-app",
    "uv-dependency",
    "workspace",
    "workspace-virtual",
];

#[test]
fn every_example_directory_is_snapshotted() {
    let mut found: Vec<String> =
        std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("examples"))
            .unwrap()
            .map(|entry| entry.unwrap())
            .filter(|entry| entry.path().is_dir())
            .map(|entry| entry.file_name().to_string_lossy().into_owned())
            .collect();
    found.sort();
    assert_eq!(found, EXAMPLES, "add the new example to EXAMPLES");
}

fn example(name: &str) -> std::path::PathBuf {
    common::outside_our_repository();
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("examples")
        .join(name)
}

fn settings() -> insta::Settings {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path("snapshots");
    settings.set_prepend_module_to_snapshot(false);
    settings.add_filter(
        &common::regex_escape(&format!("uv-rootless {}", env!("CARGO_PKG_VERSION"))),
        "uv-rootless [VERSION]",
    );
    settings.add_filter(
        &common::regex_escape(&format!("\"version\": \"{}\"", env!("CARGO_PKG_VERSION"))),
        "\"version\": \"[VERSION]\"",
    );
    settings
}

/// A refusal as `uv-rootless` prints it: the error, then each hint.
fn refusal(error: &uv_rootless::error::UserError) -> String {
    let mut text = format!("error: {error}");
    for hint in &error.hints {
        text.push_str(&format!("\nhint: {hint}"));
    }
    text
}

#[test]
fn every_output_of_every_example_on_every_base() {
    let settings = settings();
    for name in EXAMPLES {
        for base in BaseId::ALL {
            // The examples record no base of their own: the flag chooses, as `init --base` would.
            let flags = Flags {
                base: Some(base),
                ..Flags::default()
            };
            // A base that cannot serve the example refuses it: its error is the output.
            let loaded = match app::load(&example(name), flags) {
                Ok(loaded) => loaded,
                Err(error) => {
                    settings.bind(|| {
                        insta::assert_snapshot!(format!("{name}__{base}__error"), refusal(&error));
                    });
                    continue;
                }
            };
            for rendered in &loaded.rendered {
                let file = rendered.path.replace('/', "_");
                settings.bind(|| {
                    insta::assert_snapshot!(format!("{name}__{base}__{file}"), rendered.content);
                });
            }
        }
    }
}

/// Hand-written projects for what the examples do not show (private index, git, extras, groups).
const FIXTURES: &[&str] = &["build-needs", "workspace-site"];

#[test]
fn every_output_of_every_fixture_project_on_every_base() {
    let settings = settings();
    for name in FIXTURES {
        common::outside_our_repository();
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/projects")
            .join(name);
        for base in BaseId::ALL {
            let flags = Flags {
                base: Some(base),
                ..Flags::default()
            };
            let loaded = match app::load(&path, flags) {
                Ok(loaded) => loaded,
                Err(error) => {
                    settings.bind(|| {
                        insta::assert_snapshot!(
                            format!("fixture-{name}__{base}__error"),
                            refusal(&error)
                        );
                    });
                    continue;
                }
            };
            for rendered in &loaded.rendered {
                let file = rendered.path.replace('/', "_");
                settings.bind(|| {
                    insta::assert_snapshot!(
                        format!("fixture-{name}__{base}__{file}"),
                        rendered.content
                    );
                });
            }
        }
    }
}

#[test]
fn explain_json_of_every_example() {
    let settings = settings();
    for name in EXAMPLES {
        let loaded = app::load(&example(name), Flags::default()).unwrap();
        let json = uv_rootless::explain::json(&loaded.plan).unwrap();
        settings.bind(|| insta::assert_snapshot!(format!("{name}__explain.json"), json));
    }
}

#[test]
fn rendering_twice_gives_identical_bytes() {
    for name in EXAMPLES {
        let first = app::load(&example(name), Flags::default()).unwrap();
        let second = app::load(&example(name), Flags::default()).unwrap();
        assert_eq!(first.rendered, second.rendered, "{name}");
    }
}

#[test]
fn committed_example_outputs_are_current() {
    // Each example carries its generated files, as a user's repository would: `check` passes.
    for name in EXAMPLES {
        let (_, stale) = app::check(&example(name)).unwrap();
        let paths: Vec<&str> = stale.iter().map(|file| file.path.as_str()).collect();
        assert!(
            stale.is_empty(),
            "{name}: stale {paths:?}; run `cargo run -- generate examples/{name}`"
        );
    }
}
