//! `--pin-digests`: the registry digest of each image the Dockerfile builds from, read from
//! the local engine (`docker image inspect`), to record in `[tool.uv-rootless] digests`.
//! `generate` and `check` then read the digests from the config and never need an engine.

use crate::engine::Docker;
use crate::error::UserError;
use crate::model::Plan;
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
    let engine = docker.run(
        &["version", "--format", "{{.Server.Version}}"],
        Duration::from_secs(30),
    )?;
    if !engine.success {
        return Err(UserError::new(
            "`--pin-digests` reads the digests from the Docker engine, which is not reachable",
        )
        .detail(engine.stderr.trim().to_string())
        .hint("start the engine (or point `DOCKER_HOST` at it), then run again"));
    }
    let mut digests = BTreeMap::new();
    let mut missing = Vec::new();
    let mut unpulled = Vec::new();
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
            missing.push(image.clone());
            continue;
        }
        let repo_digests: Vec<String> =
            serde_json::from_str(output.stdout.trim()).unwrap_or_default();
        let wanted = repository(image);
        let digest = repo_digests
            .iter()
            .filter_map(|entry| entry.split_once('@'))
            .find(|(repo, _)| *repo == wanted || *repo == format!("docker.io/library/{wanted}"))
            .map(|(_, digest)| digest.to_string());
        match digest {
            Some(digest) => {
                digests.insert(image.clone(), digest);
            }
            None => unpulled.push(image.clone()),
        }
    }
    if missing.is_empty() && unpulled.is_empty() {
        return Ok(digests);
    }
    let quote = |images: &[String]| {
        images
            .iter()
            .map(|i| format!("`{i}`"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut error = UserError::new(format!(
        "`--pin-digests` needs the registry digest of every image the Dockerfile builds from, and {} of {} are unknown here",
        missing.len() + unpulled.len(),
        images.len()
    ));
    if !missing.is_empty() {
        error = error.detail(format!(
            "not on this machine's Docker engine: {}",
            quote(&missing)
        ));
    }
    if !unpulled.is_empty() {
        error = error.detail(format!(
            "built or loaded here, not pulled, so without a registry digest: {}",
            quote(&unpulled)
        ));
    }
    let mut pulls: Vec<String> = missing
        .iter()
        .chain(&unpulled)
        .map(|i| format!("docker pull {i}"))
        .collect();
    pulls.dedup();
    Err(error.hint(format!("`{}`, then run again", pulls.join(" && "))))
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
