//! `pyproject.toml`: `pyproject::parse` must never panic; when it parses, the checks the
//! readers and the decisions run on its values without touching files must not panic either.
#![no_main]

use libfuzzer_sys::fuzz_target;
use uv_rootless::decide::names;
use uv_rootless::read::names::{parse_requires_python, requirement_name, PackageName};
use uv_rootless::read::pyproject;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(parsed) = pyproject::parse(text) else {
        return;
    };
    let _ = parsed.is_packaged();
    if let Some(workspace) = parsed.workspace() {
        let _ = (workspace.members.len(), workspace.exclude.len());
    }
    if let Some(project) = &parsed.project {
        let normalized = PackageName::new(&project.name).into_string();
        if names::check_project_name(&project.name, "pyproject.toml").is_ok() {
            let label = names::dns_label(&normalized);
            assert!(label.len() <= 63 && !label.is_empty(), "{label:?}");
        }
        if let Some(requires_python) = &project.requires_python {
            let _ = parse_requires_python(requires_python, "project.requires-python");
        }
        for requirement in project
            .dependencies
            .iter()
            .chain(project.optional_dependencies.values().flatten())
        {
            if let Err(error) = requirement_name(requirement, "project.dependencies") {
                // A panic of pep508_rs, caught: the screen before it missed an input.
                assert!(
                    !error
                        .details
                        .iter()
                        .any(|detail| detail.starts_with("the requirement parser failed")),
                    "pep508_rs panicked on {requirement:?}: {error:?}"
                );
            }
        }
        if let Some(version) = &project.version {
            let _ = names::tag_safe(version);
        }
        if let Some(description) = &project.description {
            let _ = names::one_line(description);
        }
    }
    if let Some(config) = &parsed.tool.uv_rootless {
        if let Some(image) = &config.image {
            let _ = names::check_image(image);
        }
        if let Some(path) = &config.health_path {
            let _ = names::check_health_path(path);
        }
        for (path, key) in [
            (&config.dockerfile, "dockerfile"),
            (&config.compose, "compose"),
            (&config.kubernetes, "kubernetes"),
        ] {
            if let Some(path) = path {
                let _ = names::check_output_path(path, key);
            }
        }
    }
});
