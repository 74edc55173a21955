//! Decisions: from what the project says and what the user chose, a [`Plan`]. Pure
//! functions: nothing here writes or prints.

pub mod base;
pub mod command;
pub mod names;
pub mod native;
pub mod needs;
pub mod platform;
pub mod python;

use crate::error::UserError;
use crate::model::{
    App, AppKind, Base, Decision, Layout, Outputs, Plan, ProjectInfo, Source, ToolInfo, User,
};
use crate::options::{Setting, Settings};
use crate::read::project::normalize;
use crate::read::pyproject::{License, PyProject};
use crate::read::ProjectFiles;
use pep440_rs::{Version, VersionSpecifiers};
use std::str::FromStr;

/// uv used in the build stage unless `[tool.uv] required-version` pins another.
pub const DEFAULT_UV_VERSION: &str = "0.13.9";
/// Runtime user: the `nonroot` convention of distroless images.
pub const DEFAULT_UID: u32 = 65532;
pub const DEFAULT_PORT: u16 = 8000;
/// Version of the `explain --format json` schema.
pub const SCHEMA_VERSION: u32 = 1;

const VENV: &str = "/app";
const BUILD_DIR: &str = "/src";

/// The project whose command the image runs: the root, or one workspace member.
#[derive(Debug, Clone)]
pub struct AppProject<'a> {
    pub pyproject: &'a PyProject,
    /// Its manifest, relative to the root: `pyproject.toml` or `packages/api/pyproject.toml`.
    pub manifest: String,
    /// Where module paths start, relative to the root: `""`, `src`, `packages/api/src`.
    pub import_root: String,
    /// The member's normalised name when it is not the root; empty otherwise.
    pub member: String,
}

/// Builds the plan.
pub fn plan(files: &ProjectFiles, settings: &Settings) -> Result<Plan, UserError> {
    let base_setting = settings.base.as_ref();
    let base_entry = base::entry(base_setting.map_or(base::DEFAULT_BASE, |s| s.value));
    let base = match base_setting {
        Some(setting) => Decision::new(
            base_entry,
            setting.source,
            format!(
                "chosen with {}",
                if setting.source == Source::Flag {
                    "`--base`"
                } else {
                    "`base` in `[tool.uv-rootless]`"
                }
            ),
        ),
        None => Decision::new(base_entry, Source::Default, "the default base"),
    };

    let mut python = python::decide(files, settings.python.as_ref(), base.value)?;
    let app_project = select_app(files, settings)?;
    let project = app_project
        .pyproject
        .project
        .as_ref()
        .or(files.pyproject.project.as_ref())
        .ok_or_else(|| {
            UserError::new("`pyproject.toml` has no `[project]` table")
                .hint("add `[project]` with at least `name`, or run `uv init`")
        })?;
    names::check_project_name(&project.name, &app_project.manifest)?;

    let port = match &settings.port {
        Some(setting) if setting.value == 0 => {
            return Err(
                UserError::new("the port must be between 1 and 65535, not `0`")
                    .hint("set `port` in `[tool.uv-rootless]` or pass `--port N`"),
            )
        }
        Some(setting) => setting.value,
        None => DEFAULT_PORT,
    };
    let choice = command::decide(files, &app_project, settings, &format!("{VENV}/bin"), port)?;

    let health_path = match &settings.health_path {
        Some(setting) => names::check_health_path(&setting.value)?,
        None => "/".to_string(),
    };
    let app = App {
        kind: if choice.web {
            AppKind::Web
        } else {
            AppKind::Cli
        },
        web: choice.web,
        port: if choice.web { port } else { 0 },
        health_check: if choice.web {
            vec![
                format!("{VENV}/bin/python"),
                "-c".into(),
                format!(
                    "import urllib.request; urllib.request.urlopen('http://127.0.0.1:{port}{health_path}', timeout=3)"
                ),
            ]
        } else {
            Vec::new()
        },
        health_path: if choice.web {
            health_path
        } else {
            String::new()
        },
        smoke_args: if choice.web {
            Vec::new()
        } else {
            settings
                .smoke_args
                .as_ref()
                .map_or_else(|| vec!["--help".to_string()], |s| s.value.clone())
        },
        framework: choice
            .framework
            .map(|framework| framework.distribution().to_string())
            .unwrap_or_default(),
        handles_sigterm: choice.handles_sigterm,
    };

    let user = decide_user(settings)?;
    let uv_version = decide_uv_version(files)?;
    let info = project_info(project)?;
    let image = match &settings.image {
        Some(setting) => Decision::new(
            names::check_image(&setting.value)?,
            setting.source,
            "set with `image` in `[tool.uv-rootless]`",
        ),
        None => Decision::new(
            format!(
                "{}:{}",
                info.normalized_name,
                if info.version.is_empty() {
                    "latest"
                } else {
                    names::tag_safe(&info.version)
                }
            ),
            Source::Pyproject,
            "the project's name and version",
        ),
    };

    let installs_project = app_project.pyproject.is_packaged();
    let sync_options = sync_options(
        app_project.pyproject,
        project,
        settings,
        &app_project.member,
    )?;
    let layout = Layout {
        venv: VENV.into(),
        build_dir: BUILD_DIR.into(),
        installs_project,
        copies_source: !installs_project,
        workdir: if installs_project {
            VENV.into()
        } else {
            BUILD_DIR.into()
        },
        package: app_project.member.clone(),
        workspace: !files.members.is_empty(),
        member_manifests: files
            .members
            .iter()
            .map(|member| format!("{}/pyproject.toml", member.path))
            .collect(),
        sync_options,
    };

    let app_name = if app_project.member.is_empty() {
        normalize(&project.name)
    } else {
        app_project.member.clone()
    };
    let platforms = decide_platforms(settings)?;
    let needs_for = |python: &crate::model::Python| {
        needs::decide(&needs::Input {
            lock: &files.lock,
            pyproject: &files.pyproject,
            app: &app_name,
            base: base.value,
            python,
            platforms: &platforms.value,
            extras: settings.extras.as_ref().map_or(&[], |s| s.value.as_slice()),
            groups: settings.groups.as_ref().map_or(&[], |s| s.value.as_slice()),
        })
    };
    let mut needs = needs_for(&python.value);
    // Python chosen as "the newest accepted": if the lock's wheels do not cover it, an older
    // accepted minor that builds fewer packages from source is the better image.
    let pinned = matches!(
        python.source,
        Source::Flag | Source::Config | Source::PythonVersionFile
    );
    let builds = |needs: &Result<crate::model::Needs, UserError>| {
        needs.as_ref().map_or(usize::MAX, |n| n.source_builds.len())
    };
    if !pinned && builds(&needs) > 0 {
        let newest = python.value.clone();
        let first_reason = python.reason.clone();
        let names = |needs: &Result<crate::model::Needs, UserError>| -> Vec<String> {
            needs.as_ref().map_or_else(
                |_| Vec::new(),
                |n| n.source_builds.iter().map(|b| b.package.clone()).collect(),
            )
        };
        let newest_builds = names(&needs);
        for older in python::older_minors(files, base.value, &newest) {
            let candidate = needs_for(&older);
            if builds(&candidate) < builds(&needs) {
                let kept = names(&candidate);
                let avoided: Vec<String> = newest_builds
                    .iter()
                    .filter(|name| !kept.contains(name))
                    .map(|name| format!("`{name}`"))
                    .collect();
                python = Decision::new(
                    older.clone(),
                    python.source,
                    format!(
                        "{first_reason}, but not {}: {}; {} installs {} from wheels",
                        newest.minor,
                        if avoided.is_empty() {
                            format!("the lock cannot install everything on {}", newest.minor)
                        } else {
                            format!(
                                "the lock has no {} wheel for {}",
                                newest.minor,
                                avoided.join(", ")
                            )
                        },
                        older.minor,
                        if avoided.len() == 1 { "it" } else { "them" },
                    ),
                );
                needs = candidate;
            }
        }
    }
    let needs = needs?;
    let outputs = decide_outputs(settings)?;
    let base_value = base.value;
    Ok(Plan {
        schema_version: SCHEMA_VERSION,
        tool: ToolInfo {
            name: "uv-rootless".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            regenerate: "uv-rootless generate".into(),
        },
        project: info,
        base: Decision::new(
            Base {
                id: base_value.id,
                uv_image: pin(
                    &settings.digests,
                    &format!("{UV_IMAGE}:{}", uv_version.value),
                )?,
                title: base_value.title.into(),
                build_image: pin(
                    &settings.digests,
                    &base_value.build_image_for(&python.value.minor),
                )?,
                runtime_image: pin(
                    &settings.digests,
                    &base_value.runtime_image_for(&python.value.minor),
                )?,
                managed_python: base_value.managed_python,
                python_install_dir: base_value.python_install_dir.into(),
                runtime_has_shell: base_value.runtime_has_shell,
                ca_bundle: base_value.ca_bundle.into(),
            },
            base.source,
            base.reason,
        ),
        python,
        uv_version,
        app,
        command: choice.command,
        user,
        image,
        layout,
        platforms,
        needs,
        outputs,
    })
}

/// The image uv comes from.
pub const UV_IMAGE: &str = "ghcr.io/astral-sh/uv";

/// `image@sha256:...` when `digests` in the config pins it, else `image`.
fn pin(
    digests: &std::collections::BTreeMap<String, String>,
    image: &str,
) -> Result<String, UserError> {
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
fn decide_platforms(settings: &Settings) -> Result<Decision<Vec<String>>, UserError> {
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

/// The root, or the workspace member chosen with `--package` (or the only runnable one).
fn select_app<'a>(
    files: &'a ProjectFiles,
    settings: &Settings,
) -> Result<AppProject<'a>, UserError> {
    let root = AppProject {
        pyproject: &files.pyproject,
        manifest: "pyproject.toml".into(),
        import_root: import_root(files, ""),
        member: String::new(),
    };
    let members: Vec<AppProject<'a>> = files
        .members
        .iter()
        .filter_map(|member| {
            let project = member.pyproject.project.as_ref()?;
            Some(AppProject {
                pyproject: &member.pyproject,
                manifest: format!("{}/pyproject.toml", member.path),
                import_root: import_root(files, &member.path),
                member: normalize(&project.name),
            })
        })
        .collect();

    if let Some(setting) = &settings.package {
        let wanted = normalize(&setting.value);
        if files
            .pyproject
            .project
            .as_ref()
            .is_some_and(|project| normalize(&project.name) == wanted)
        {
            return Ok(root);
        }
        return members
            .into_iter()
            .find(|member| member.member == wanted)
            .ok_or_else(|| {
                let names: Vec<String> = files
                    .members
                    .iter()
                    .filter_map(|m| m.pyproject.project.as_ref())
                    .map(|p| format!("`{}`", p.name))
                    .collect();
                let mut error = UserError::new(format!(
                    "`{}` is not a project of this workspace",
                    setting.value
                ));
                error = if names.is_empty() {
                    error.hint("`--package` is for uv workspaces; this project has no `[tool.uv.workspace]` members")
                } else {
                    error.hint(format!("choose one of {} with `--package NAME`", names.join(", ")))
                };
                error
            });
    }
    if members.is_empty() || settings.command.is_some() || settings.script.is_some() {
        return Ok(root);
    }
    // A workspace without `--package`: the root if it runs something, else the one member that does.
    let runnable = |app: &AppProject<'_>| {
        command::decide(files, app, settings, "/app/bin", DEFAULT_PORT).is_ok()
    };
    if files.pyproject.project.is_some() && runnable(&root) {
        return Ok(root);
    }
    // A root without `[project]` and a single member: that member is the app, and its own
    // error (if any) is the one worth showing.
    if files.pyproject.project.is_none() && members.len() == 1 {
        return Ok(members.into_iter().next().unwrap_or(root));
    }
    let mut runnable_members: Vec<AppProject<'a>> =
        members.iter().filter(|m| runnable(m)).cloned().collect();
    if runnable_members.len() == 1 {
        return Ok(runnable_members.remove(0));
    }
    if runnable_members.is_empty() {
        let mut error = UserError::new(
            "no project of this workspace has a command uv-rootless can run: choose one with `--package NAME` and give its `--command`",
        );
        let candidates = files
            .pyproject
            .project
            .is_some()
            .then_some(&root)
            .into_iter()
            .chain(members.iter());
        for app in candidates {
            let reason = command::decide(files, app, settings, "/app/bin", DEFAULT_PORT)
                .err()
                .map(|error| error.message)
                .unwrap_or_default();
            error = error.detail(format!("`{}`: {reason}", app.manifest));
        }
        return Err(error.hint("e.g. `uv-rootless init --package NAME --command python -m NAME`"));
    }
    let listed: Vec<String> = runnable_members
        .iter()
        .map(|member| {
            let command = command::decide(files, member, settings, "/app/bin", DEFAULT_PORT)
                .map(|choice| serde_json::to_string(&choice.command.value).unwrap_or_default())
                .unwrap_or_default();
            format!("`{}` ({}) runs {command}", member.member, member.manifest)
        })
        .collect();
    Err(UserError::new(
        "several projects of this workspace can run: choose one with `--package NAME`",
    )
    .detail(listed.join("\n"))
    .hint(format!(
        "e.g. `uv-rootless init --package {}`",
        runnable_members
            .first()
            .map_or("NAME", |m| m.member.as_str())
    )))
}

/// `src` layout or flat, below the project's directory.
fn import_root(files: &ProjectFiles, dir: &str) -> String {
    let join = |a: &str, b: &str| {
        if a.is_empty() {
            b.to_string()
        } else {
            format!("{a}/{b}")
        }
    };
    let src = join(dir, "src");
    if files.root.join(&src).is_dir() {
        src
    } else {
        dir.to_string()
    }
}

fn decide_user(settings: &Settings) -> Result<Decision<User>, UserError> {
    let uid = settings.uid.as_ref().map_or(DEFAULT_UID, |s| s.value);
    let gid = settings.gid.as_ref().map_or(uid, |s| s.value);
    if uid == 0 || gid == 0 {
        return Err(UserError::new(format!(
            "the container must not run as root, but `{}` is 0",
            if uid == 0 { "uid" } else { "gid" }
        ))
        .hint(format!(
            "use a non-zero id such as {DEFAULT_UID}, or leave it unset"
        )));
    }
    let source = settings
        .uid
        .as_ref()
        .or(settings.gid.as_ref())
        .map_or(Source::Default, |s| s.source);
    let reason = if source == Source::Default {
        "65532, the `nonroot` user of distroless images: numeric, so Kubernetes can verify `runAsNonRoot`".to_string()
    } else {
        "chosen by the user".to_string()
    };
    Ok(Decision::new(User { uid, gid }, source, reason))
}

/// `[tool.uv] required-version` pins uv when it allows exactly one version, and must at least
/// accept the default otherwise.
fn decide_uv_version(files: &ProjectFiles) -> Result<Decision<String>, UserError> {
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
    let exact = trimmed.strip_prefix("==").unwrap_or(trimmed).trim();
    if Version::from_str(exact).is_ok() && !exact.contains('*') {
        return Ok(Decision::new(
            exact.to_string(),
            Source::Pyproject,
            format!("pinned by `[tool.uv] required-version = \"{required}\"`"),
        ));
    }
    let specifiers = VersionSpecifiers::from_str(trimmed).map_err(|error| {
        UserError::new(format!(
            "`tool.uv.required-version` in `pyproject.toml` is not a valid version specifier: `{required}`"
        ))
        .detail(error.to_string())
    })?;
    let default = Version::from_str(DEFAULT_UV_VERSION).map_err(crate::error::internal)?;
    if specifiers.contains(&default) {
        Ok(Decision::new(
            DEFAULT_UV_VERSION.to_string(),
            Source::Pyproject,
            format!("the tested uv release, which `[tool.uv] required-version = \"{required}\"` accepts"),
        ))
    } else {
        Err(UserError::new(format!(
            "`tool.uv.required-version` in `pyproject.toml` is `{required}`, which excludes uv {DEFAULT_UV_VERSION}, the release uv-rootless uses"
        ))
        .hint("pin the uv you want exactly, e.g. `required-version = \"==0.13.9\"`: the image then uses that release"))
    }
}

fn project_info(project: &crate::read::pyproject::Project) -> Result<ProjectInfo, UserError> {
    let normalized_name = normalize(&project.name);
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

fn decide_outputs(settings: &Settings) -> Result<Outputs, UserError> {
    let path = |setting: &Option<Setting<String>>, key: &str, default: &str| match setting {
        Some(setting) => names::check_output_path(&setting.value, key),
        None => Ok(default.to_string()),
    };
    let dockerfile = path(&settings.dockerfile, "dockerfile", "Dockerfile")?;
    let compose = path(&settings.compose, "compose", "compose.yaml")?;
    let kubernetes = path(&settings.kubernetes, "kubernetes", "k8s/manifest.yaml")?;
    let depth = compose.matches('/').count();
    let compose_context = if depth == 0 {
        ".".to_string()
    } else {
        vec![".."; depth].join("/")
    };
    let all = [&dockerfile, &compose, &kubernetes];
    for (index, a) in all.iter().enumerate() {
        if all[index + 1..].contains(a) {
            return Err(UserError::new(format!(
                "two outputs in `[tool.uv-rootless]` are both written to `{a}`"
            ))
            .hint("give `dockerfile`, `compose` and `kubernetes` different paths"));
        }
    }
    Ok(Outputs {
        dockerfile,
        compose,
        dockerignore: ".dockerignore".into(),
        kubernetes,
        compose_context,
    })
}

/// `--extra`, `--group` and `--package` for both `uv sync` steps. Extras must exist in
/// `[project.optional-dependencies]`; `dev` never goes in.
fn sync_options(
    pyproject: &PyProject,
    project: &crate::read::pyproject::Project,
    settings: &Settings,
    package: &str,
) -> Result<Vec<String>, UserError> {
    let mut options = Vec::new();
    for extra in settings.extras.iter().flat_map(|s| s.value.iter()) {
        let known = project
            .optional_dependencies
            .keys()
            .any(|name| normalize(name) == normalize(extra));
        if !known {
            let names: Vec<String> = project
                .optional_dependencies
                .keys()
                .map(|n| format!("`{n}`"))
                .collect();
            return Err(UserError::new(format!(
                "`extras` in `[tool.uv-rootless]` names `{extra}`, which `[project.optional-dependencies]` does not define"
            ))
            .hint(if names.is_empty() {
                "the project defines no extras; remove `extras`".to_string()
            } else {
                format!("choose from {}", names.join(", "))
            }));
        }
        options.extend(["--extra".to_string(), normalize(extra)]);
    }
    for group in settings.groups.iter().flat_map(|s| s.value.iter()) {
        let name = normalize(group);
        let valid =
            !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
        if !valid {
            return Err(UserError::new(format!(
                "`groups` in `[tool.uv-rootless]` has {}, which is not a dependency group name",
                serde_json::to_string(group).unwrap_or_default()
            ))
            .hint("use the names of `[dependency-groups]`"));
        }
        let defined = pyproject
            .dependency_groups
            .keys()
            .any(|key| normalize(key) == name);
        if !defined {
            return Err(UserError::new(format!(
                "`groups` in `[tool.uv-rootless]` names `{group}`, which `[dependency-groups]` does not define"
            ))
            .hint("add the group with `uv add --group NAME ...`, or remove it from `groups`"));
        }
        if name == "dev" {
            return Err(UserError::new("`groups` in `[tool.uv-rootless]` names `dev`, which never goes into the image")
                .hint("move what production needs out of the dev group into `dependencies` or another group"));
        }
        options.extend(["--group".to_string(), name]);
    }
    if !package.is_empty() {
        options.extend(["--package".to_string(), package.to_string()]);
    }
    Ok(options)
}
