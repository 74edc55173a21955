//! The whole pipeline on arbitrary project text: the input is a `pyproject.toml`, a NUL byte,
//! and a `uv.lock`, written to a directory of their own and read, decided and rendered as
//! `generate` would. Either an error, or four files of the template's shape, as
//! `tests/render_check` checks them (the hostile property test runs the same checks).
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::path::PathBuf;
use std::sync::OnceLock;

#[path = "../../tests/render_check/mod.rs"]
mod render_check;

/// One directory per fuzzing process, rewritten for each input.
fn project_dir() -> &'static PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir =
            std::env::temp_dir().join(format!("uv-rootless-fuzz-render-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("create the project directory");
        // An application object for web projects to find, so that they get as far as
        // rendering without a `command`.
        std::fs::write(
            dir.join("main.py"),
            "from fastapi import FastAPI\n\napp = FastAPI()\n",
        )
        .expect("write main.py");
        dir
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let (pyproject, lock) = text.split_once('\0').unwrap_or((text, ""));
    let dir = project_dir();
    std::fs::write(dir.join("pyproject.toml"), pyproject).expect("write pyproject.toml");
    std::fs::write(dir.join("uv.lock"), lock).expect("write uv.lock");
    let Ok(loaded) = uv_rootless::app::load(dir, Default::default()) else {
        return;
    };
    let files: Vec<(String, String)> = loaded
        .rendered
        .iter()
        .map(|rendered| (rendered.path.clone(), rendered.content.clone()))
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
        panic!("{problem}\n--- pyproject.toml\n{pyproject}\n--- uv.lock\n{lock}");
    }
});
