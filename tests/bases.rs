//! Bases that cannot serve a project refuse it with exit 2, nothing written, and a hint naming
//! a base that can: here a Python the base does not have (a shared library that a shell-less
//! final stage cannot install: `tests/needs.rs`).

mod common;

use common::Project;

/// `init --base BASE`, refused: the whole stderr.
fn refused(project: &Project, base: &str) -> String {
    project.run_rejected(&["init", "--base", base]).stderr
}

#[test]
fn distroless_refuses_a_python_it_does_not_have_and_names_a_base_that_has_it() {
    let project = Project::example("newer-python");
    project.write(".python-version", "3.14\n");
    let stderr = refused(&project, "distroless-python3");
    assert!(
        stderr.contains("the `distroless-python3` base offers 3.13"),
        "{stderr}"
    );
    assert!(
        stderr.contains("choose `--base python-slim`, which offers 3.14"),
        "{stderr}"
    );
    // The same pin on a base that has it is served.
    let output = project.run(&["explain", "--base", "dhi-python"]);
    assert_eq!(output.code, 0, "{}", output.report());
}

#[test]
fn distroless_refuses_a_requires_python_above_its_python_and_names_a_base() {
    let project = Project::example("newer-python");
    project.remove(".python-version");
    project.replace(
        "pyproject.toml",
        "requires-python = \">=3.13\"",
        "requires-python = \">=3.14\"",
    );
    project.replace(
        "uv.lock",
        "requires-python = \">=3.13\"",
        "requires-python = \">=3.14\"",
    );
    let stderr = refused(&project, "distroless-python3");
    assert!(
        stderr.contains("no Python that the `distroless-python3` base offers (3.13)"),
        "{stderr}"
    );
    assert!(
        stderr.contains("choose `--base python-slim`, which offers Python 3.14"),
        "{stderr}"
    );
}
