//! The step of a virtual project's Dockerfile that compiles its source, run with the local
//! Python on a source tree of one good module and one that does not compile: the build goes on
//! (the bad file is named and left without bytecode, as uv leaves one in the environment), and
//! the good module gets its bytecode.

use std::path::Path;
use std::process::Command;

/// The `RUN` instruction below the comment that introduces the source's compile step, with its
/// continuation lines joined.
fn compile_step(dockerfile: &str) -> String {
    let mut lines = dockerfile
        .lines()
        .skip_while(|line| !line.starts_with("# A virtual project runs from its source"))
        .skip_while(|line| !line.starts_with("RUN "));
    let mut step = String::new();
    for line in lines.by_ref() {
        match line.strip_suffix('\\') {
            Some(start) => step.push_str(start),
            None => {
                step.push_str(line);
                break;
            }
        }
    }
    step.trim_start_matches("RUN ").to_string()
}

#[test]
fn a_source_file_that_does_not_compile_does_not_fail_the_build() {
    let dockerfile = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/fastapi-service/Dockerfile"),
    )
    .expect("the example's Dockerfile");
    let step = compile_step(&dockerfile);
    assert!(step.ends_with(" /src"), "{step}");
    let dir = std::env::temp_dir().join(format!(
        "uv-rootless-source-bytecode-{}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("tools")).expect("mkdir");
    std::fs::write(dir.join("main.py"), "VALUE = 1\n").expect("write");
    std::fs::write(dir.join("tools/old.py"), "print 'python 2'\n").expect("write");
    let command = format!(
        "{} {}",
        step.trim_end_matches(" /src")
            .replacen("/app/bin/python", "python3", 1),
        dir.display()
    );
    let output = Command::new("sh")
        .args(["-c", &command])
        .output()
        .expect("runs sh");
    let compiled = |module: &str, stem: &str| {
        std::fs::read_dir(dir.join(module).join("__pycache__"))
            .map(|entries| {
                entries
                    .filter_map(Result::ok)
                    .any(|entry| entry.file_name().to_string_lossy().starts_with(stem))
            })
            .unwrap_or(false)
    };
    let (good, bad) = (compiled("", "main."), compiled("tools", "old."));
    let _ = std::fs::remove_dir_all(&dir);
    let printed = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(output.status.success(), "{command}\n{printed}");
    assert!(good, "no bytecode for main.py: {printed}");
    assert!(!bad, "bytecode for a file that does not compile");
    assert!(
        printed.contains("old.py"),
        "the bad file is not named: {printed}"
    );
}
