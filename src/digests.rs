//! `--pin-digests`: the registry digest of each image the Dockerfile builds from, read from
//! the local engine (`docker image inspect`), to record in `[tool.uv-rootless] digests`.
//! `generate` and `check` then read the digests from the config and never need an engine.

use crate::error::UserError;
use crate::model::Plan;
use crate::verify::docker::Docker;
use std::collections::BTreeMap;
use std::time::Duration;

/// The images of `plan` without any digest: uv's, the build stage's and the final stage's.
pub fn images(plan: &Plan) -> Vec<String> {
    let base = &plan.base.value;
    let mut images: Vec<String> = [&base.uv_image, &base.build_image, &base.runtime_image]
        .iter()
        .map(|image| image.split('@').next().unwrap_or_default().to_string())
        .collect();
    images.dedup();
    images
}

/// The repository of an image reference: without its tag (`python:3.13-slim` -> `python`,
/// `registry:5000/team/app:1` -> `registry:5000/team/app`).
fn repository(image: &str) -> &str {
    let name_start = image.rfind('/').map_or(0, |slash| slash + 1);
    match image[name_start..].find(':') {
        Some(colon) => &image[..name_start + colon],
        None => image,
    }
}

/// `sha256:...` of each image, from its `RepoDigests` on the local engine.
pub fn resolve(images: &[String]) -> Result<BTreeMap<String, String>, UserError> {
    let docker = Docker::new(String::new());
    let mut digests = BTreeMap::new();
    for image in images {
        let output = docker.run(
            &[
                "image",
                "inspect",
                "--format",
                "{{json .RepoDigests}}",
                image,
            ],
            Duration::from_secs(30),
        )?;
        if !output.success {
            return Err(UserError::new(format!(
                "`{image}` is not on this machine's Docker engine, so its digest is unknown"
            ))
            .detail(output.stderr.trim().to_string())
            .hint(format!("`docker pull {image}`, then run again")));
        }
        let repo_digests: Vec<String> =
            serde_json::from_str(output.stdout.trim()).unwrap_or_default();
        let wanted = repository(image);
        let digest = repo_digests
            .iter()
            .filter_map(|entry| entry.split_once('@'))
            .find(|(repo, _)| *repo == wanted || *repo == format!("docker.io/library/{wanted}"))
            .map(|(_, digest)| digest.to_string());
        let Some(digest) = digest else {
            return Err(UserError::new(format!(
                "`{image}` on this machine has no registry digest: it was built or loaded here, not pulled"
            ))
            .hint(format!("`docker pull {image}` to get the registry's image, then run again")));
        };
        digests.insert(image.clone(), digest);
    }
    Ok(digests)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repository_drops_the_tag_only() {
        assert_eq!(repository("python:3.13-slim-trixie"), "python");
        assert_eq!(
            repository("mcr.microsoft.com/azurelinux/base/core:3.0"),
            "mcr.microsoft.com/azurelinux/base/core"
        );
        assert_eq!(
            repository("registry:5000/team/app:1"),
            "registry:5000/team/app"
        );
        assert_eq!(
            repository("registry:5000/team/app"),
            "registry:5000/team/app"
        );
    }
}
