//! What the image's labels and the manifests' names say about the project.

use super::names;
use crate::error::UserError;
use crate::model::ProjectInfo;
use crate::read::names::PackageName;
use crate::read::pyproject::License;

pub fn project_info(project: &crate::read::pyproject::Project) -> Result<ProjectInfo, UserError> {
    let normalized_name = PackageName::new(&project.name).into_string();
    let license = match &project.license {
        Some(License::Spdx(expression)) => names::one_line(expression),
        Some(License::Table {
            text: Some(text), ..
        }) => names::one_line(text.lines().next().unwrap_or_default()),
        _ => String::new(),
    };
    const URL_KEYS: &[&str] = &[
        "source",
        "source code",
        "repository",
        "code",
        "github",
        "homepage",
    ];
    let source_url = URL_KEYS
        .iter()
        .find_map(|key| {
            project
                .urls
                .iter()
                .find(|(name, _)| name.trim().eq_ignore_ascii_case(key))
                .map(|(_, url)| names::one_line(url))
        })
        .unwrap_or_default();
    Ok(ProjectInfo {
        name: project.name.clone(),
        k8s_name: names::dns_label(&normalized_name),
        normalized_name,
        version: project
            .version
            .as_deref()
            .map(names::one_line)
            .unwrap_or_default(),
        description: project
            .description
            .as_deref()
            .map(names::one_line)
            .unwrap_or_default(),
        license,
        source_url,
    })
}
