//! The images: which uv release the build stage takes, which target platforms its wheels are
//! checked for, the digests that pin the images, and the name and tag of the app's image.

use super::{names, platform};
use crate::error::UserError;
use crate::model::{Decision, ProjectInfo, Source};
use crate::options::Settings;
use crate::read::names::{parse_specifiers, parse_version};
use crate::read::ProjectFiles;
use std::collections::BTreeMap;

/// uv used in the build stage unless `[tool.uv] required-version` pins another.
pub const DEFAULT_UV_VERSION: &str = "0.13.9";

/// The image uv comes from.
pub const UV_IMAGE: &str = "ghcr.io/astral-sh/uv";

/// `image@sha256:...` when `digests` in the config pins it, else `image`.
pub fn pin(digests: &BTreeMap<String, String>, image: &str) -> Result<String, UserError> {
    if digests.is_empty() {
        return Ok(image.to_string());
    }
    let Some(digest) = digests.get(image) else {
        return Err(UserError::new(format!(
            "`digests` in `[tool.uv-rootless]` pins the images by digest, but not `{image}`, which the Dockerfile now builds from"
        ))
        .detail("the images changed since the digests were recorded (another Python, base or uv version)")
        .hint("`docker pull` the image, then `uv-rootless generate --pin-digests` records the digests again")
        .hint("or remove `digests` to build from tags"));
    };
    let valid = digest.strip_prefix("sha256:").is_some_and(|hex| {
        hex.len() == 64
            && hex
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    });
    if !valid {
        return Err(UserError::new(format!(
            "`digests` in `[tool.uv-rootless]` pins `{image}` to {}, which is not a `sha256:` followed by 64 hex digits",
            serde_json::to_string(digest).unwrap_or_default()
        ))
        .hint("run `uv-rootless generate --pin-digests` to record the digests of the local images again"));
    }
    Ok(format!("{image}@{digest}"))
}

/// Target platforms: `--platform`, else `platforms` in the config, else linux/amd64.
pub fn decide_platforms(settings: &Settings) -> Result<Decision<Vec<String>>, UserError> {
    let Some(setting) = &settings.platforms else {
        return Ok(Decision::new(
            vec![platform::DEFAULT_PLATFORM.to_string()],
            Source::Default,
            "the default; `--platform linux/arm64` (or both) checks wheels for other targets",
        ));
    };
    let origin = if setting.source == Source::Flag {
        "`--platform`"
    } else {
        "`platforms` in `[tool.uv-rootless]`"
    };
    let mut platforms: Vec<String> = Vec::new();
    for name in &setting.value {
        platform::machine(name).map_err(|message| {
            UserError::new(format!("{origin}: {message}"))
                .hint("the bases publish glibc images for linux/amd64 and linux/arm64")
        })?;
        if !platforms.contains(name) {
            platforms.push(name.clone());
        }
    }
    if platforms.is_empty() {
        return Err(UserError::new(format!("{origin} names no platform"))
            .hint("name at least one of `linux/amd64`, `linux/arm64`"));
    }
    Ok(Decision::new(
        platforms,
        setting.source,
        format!("chosen with {origin}"),
    ))
}

/// `[tool.uv] required-version` pins uv when it allows exactly one version, and must at least
/// accept the default otherwise. The pin becomes the tag of uv's image, which exists for
/// releases only, as `X.Y.Z`: `==0.13` is PEP 440's 0.13.0 (not the moving tag `0.13`), and an
/// epoch, a pre-, post- or dev-release or a local part names no image.
pub fn decide_uv_version(files: &ProjectFiles) -> Result<Decision<String>, UserError> {
    let Some(required) = files
        .pyproject
        .tool_uv()
        .and_then(|uv| uv.required_version.as_deref())
    else {
        return Ok(Decision::new(
            DEFAULT_UV_VERSION.to_string(),
            Source::Default,
            "the uv release this uv-rootless is tested with",
        ));
    };
    let trimmed = required.trim();
    let shown = serde_json::to_string(required).unwrap_or_default();
    let exact = trimmed.strip_prefix("==").unwrap_or(trimmed).trim();
    let pinned = if exact.contains('*') || exact.starts_with('=') {
        None
    } else {
        parse_version(exact)
    };
    if let Some(version) = pinned {
        let not_a_release = || {
            UserError::new(format!(
                "`tool.uv.required-version` in `pyproject.toml` pins uv to {shown}, which is not a uv release with an image"
            ))
            .detail("uv's image is tagged with releases only, `X.Y.Z`: no epoch, pre-, post- or dev-release, or local part")
            .hint(format!(
                "pin a release exactly, e.g. `required-version = \"=={DEFAULT_UV_VERSION}\"`"
            ))
        };
        let release = version.release();
        if version.epoch() != 0
            || version.any_prerelease()
            || version.is_post()
            || version.is_local()
            || release.iter().skip(3).any(|part| *part != 0)
        {
            return Err(not_a_release());
        }
        let part = |index: usize| release.get(index).copied().unwrap_or(0);
        let tag = format!("{}.{}.{}", part(0), part(1), part(2));
        return Ok(Decision::new(
            tag,
            Source::Pyproject,
            format!("pinned by `[tool.uv] required-version = {shown}`"),
        ));
    }
    let specifiers = parse_specifiers(trimmed).map_err(|error| {
        UserError::new(format!(
            "`tool.uv.required-version` in `pyproject.toml` is not a valid version specifier: {shown}"
        ))
        .detail(error)
        .hint(format!(
            "write a range such as `>=0.13`, or pin a release: `required-version = \"=={DEFAULT_UV_VERSION}\"`"
        ))
    })?;
    let default = parse_version(DEFAULT_UV_VERSION)
        .ok_or_else(|| crate::error::internal("the default uv version does not parse"))?;
    if specifiers.contains(&default) {
        Ok(Decision::new(
            DEFAULT_UV_VERSION.to_string(),
            Source::Pyproject,
            format!("the tested uv release, which `[tool.uv] required-version = {shown}` accepts"),
        ))
    } else {
        Err(UserError::new(format!(
            "`tool.uv.required-version` in `pyproject.toml` is {shown}, which excludes uv {DEFAULT_UV_VERSION}, the release uv-rootless uses"
        ))
        .hint("pin the uv you want exactly, e.g. `required-version = \"==0.13.9\"`: the image then uses that release"))
    }
}

/// The image's name and tag: `image` from the config, else the project's name and version.
pub fn decide_image(
    settings: &Settings,
    info: &ProjectInfo,
) -> Result<Decision<String>, UserError> {
    Ok(match &settings.image {
        Some(setting) => Decision::new(
            names::check_image(&setting.value)?,
            setting.source,
            "set with `image` in `[tool.uv-rootless]`",
        ),
        None if info.version.is_empty() => {
            return Err(UserError::new(format!(
                "`pyproject.toml` of `{}` makes `[project] version` dynamic, so the image has no version to be tagged with",
                info.name
            ))
            .detail("a silent `:latest` would make every build look the same")
            .hint("set `version = \"1.0.0\"` in `[tool.uv-rootless]`, or the whole `image = \"name:tag\"`"))
        }
        None => Decision::new(
            format!("{}:{}", info.normalized_name, names::tag_safe(&info.version)),
            Source::Pyproject,
            "the project's name and version",
        ),
    })
}
