//! Decisions: from what the project says and what the user chose, a [`Plan`]. Pure
//! functions of what `read` returned: nothing here touches the disk, writes or prints. Each
//! decision has its own module; `plan` wires them in the order they depend on each other.

pub mod base;
pub mod command;
pub mod django;
pub mod entry;
pub mod health;
pub mod image;
pub mod layout;
pub mod names;
pub mod native;
pub mod needs;
pub mod platform;
pub mod project;
pub mod python;
pub mod runtime;
pub mod script_server;
pub mod select;
pub mod settings;
pub mod version;

use crate::error::UserError;
use crate::model::{App, AppKind, Decision, EnvVar, HealthProbe, Plan, Source, ToolInfo};
use crate::options::Settings;
use crate::read::names::PackageName;
use crate::read::ProjectFiles;

pub use image::{DEFAULT_UV_VERSION, UV_IMAGE};
pub use layout::DEFAULT_UID;

pub const DEFAULT_PORT: u16 = 8000;
/// Version of the `explain --format json` schema.
pub const SCHEMA_VERSION: u32 = 1;

/// Builds the plan. The decisions ask the lock for the same closures many times: they are
/// worked out once.
pub fn plan(files: &ProjectFiles, settings: &Settings) -> Result<Plan, UserError> {
    crate::read::graph::remembering(&files.lock, || decide_plan(files, settings))
}

fn decide_plan(files: &ProjectFiles, settings: &Settings) -> Result<Plan, UserError> {
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

    let python = python::decide(files, settings.python.as_ref(), base.value)?;
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
    let venv_bin = format!("{}/bin", layout::VENV);
    let select::Selected {
        app: app_project,
        command: choice,
        targets,
    } = select::select(files, settings, &venv_bin, port)?;
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

    let port = choice.port.unwrap_or(port);
    let configured = match &settings.health_path {
        Some(setting) => Some((
            names::check_health_path(&setting.value)?,
            if setting.source == Source::Flag {
                "`--health-path`"
            } else {
                "`health-path` in `[tool.uv-rootless]`"
            },
        )),
        None => None,
    };
    let app_name = if app_project.member.is_empty() {
        PackageName::new(&project.name).into_string()
    } else {
        app_project.member.clone()
    };
    let installed = crate::read::graph::runtime_closure(&files.lock, &app_name);
    // Django answers 400 to a `Host` that `ALLOWED_HOSTS` does not list, probes included.
    let django_site = django::site(app_project.source)
        .filter(|_| installed.contains(&PackageName::new("django")));
    if let Some(site) = &django_site {
        site.check_star_imports()?;
    }
    let needed = django_site
        .as_ref()
        .map(django::Site::needed)
        .unwrap_or_default();
    let mut layout = layout::decide_layout(
        files,
        &app_project,
        project,
        settings,
        &choice.command.value,
        &needed,
    )?;
    let entry_extras = layout::entry_extras(&app_project, &choice.command.value, &venv_bin);
    layout::add_extras(&mut layout.sync_options, &entry_extras.extras);
    let django_hosts = django_site.as_ref().map(django::Site::hosts);
    let probe_hosts = match &django_hosts {
        Some(django::Hosts::FromEnv { list, at }) => Some((list, at.as_str(), django::PROBE_HOST)),
        _ => None,
    };
    // A console script run bare, with no subcommand named.
    let subcommands = match choice.command.value.as_slice() {
        [program] => program
            .strip_prefix(&format!("{venv_bin}/"))
            .and_then(|script| app_project.pyproject.project.as_ref()?.scripts.get(script))
            .and_then(|entry| script_server::subcommands(app_project.source, entry)),
        _ => None,
    };
    let mut runtime = runtime::decide(&runtime::Input {
        settings,
        web: choice.web,
        installed: &installed,
        workdir: &layout.workdir,
        written_paths: &app_project.source.written_paths(!layout.installs_project),
        occupied_dirs: &app_project.source.occupied_dirs,
        venv: &layout.venv,
        probe_hosts,
        subcommands: subcommands.as_deref(),
    })?;
    // What the modules cannot be imported without, but what the image itself sets.
    // A console script runs the function its entry names (`pkg.main:run`).
    let mut started_by = choice.command.value.clone();
    started_by.extend(
        choice
            .command
            .value
            .first()
            .and_then(|program| program.strip_prefix(&format!("{venv_bin}/")))
            .and_then(|script| app_project.pyproject.project.as_ref()?.scripts.get(script))
            .cloned(),
    );
    let mut required = settings::required(app_project.source, &started_by);
    required.extend(django_site.iter().flat_map(django::Site::required_env));
    required.extend(settings::flask::sqlalchemy_uri(
        app_project.source,
        &installed,
    ));
    required.extend(settings::flask::secret_key(app_project.source, &installed));
    required.retain(|setting| {
        setting.name != "DJANGO_SETTINGS_MODULE"
            && !choice.env.iter().any(|env| env.name == setting.name)
            && !runtime.probe_env.iter().any(|env| env.name == setting.name)
    });
    runtime.required_env = settings::merge(required);
    settings::stand_in::fit(&mut runtime.required_env, app_project.source, &installed);
    let kind = runtime.kind.value;
    // `kind` in the config can say what the command does not show: a server it does not
    // recognise is web, a recognised one run as something else is not.
    let web = kind == AppKind::Web;
    let mut probe = health::decide_with(
        app_project.source,
        configured
            .as_ref()
            .map(|(path, origin)| (path.as_str(), *origin)),
        choice
            .health
            .as_ref()
            .map(|(path, reason)| (path.as_str(), reason.as_str())),
        choice.framework,
    );
    let mut findings = choice.findings.clone();
    findings.extend(entry_extras.findings.iter().cloned());
    let mut probe_host = String::new();
    if let (Some(hosts), true) = (&django_hosts, web) {
        match (hosts, &probe, &configured) {
            (django::Hosts::Refuse(reason), health::Probe::Http { .. }, None) => {
                probe = health::Probe::Tcp {
                    reason: format!("Django would refuse an HTTP probe: {reason}"),
                };
            }
            (django::Hosts::Refuse(reason), health::Probe::Http { .. }, Some(_)) => {
                findings.push(format!("Django may refuse the probes: {reason}"));
            }
            (django::Hosts::Accept(reason), health::Probe::Http { .. }, _) => {
                findings.push(format!("Django's allowed hosts: {reason}"));
            }
            _ => {}
        }
        findings.extend(runtime.probe_env.iter().map(|env| env.reason.clone()));
        if matches!(probe, health::Probe::Http { .. }) {
            probe_host = django::PROBE_HOST.to_string();
        }
    }
    let static_files = django::static_files(django_site.as_ref().filter(|_| web), &layout);
    let (health_probe, health_path) = match (&probe, web) {
        (_, false) => (HealthProbe::None, String::new()),
        (health::Probe::Http { path, reason }, true) => {
            findings.push(format!("health path `{path}`: {reason}"));
            (HealthProbe::Http, path.clone())
        }
        (health::Probe::Tcp { reason }, true) => {
            findings.push(format!(
                "health probe: TCP connect to port {port}: {reason}"
            ));
            (HealthProbe::Tcp, String::new())
        }
    };
    if let Some(note) = &app_project.source.import_root_note {
        findings.push(note.clone());
    }
    if let Some(note) = app_project.source.cut_note() {
        if !findings.contains(&note) {
            findings.push(note);
        }
    }
    let app = App {
        kind,
        web,
        port: if web { port } else { 0 },
        health_check: if web {
            health::check_command(&format!("{}/bin/python", layout::VENV), port, &probe)
        } else {
            Vec::new()
        },
        health_path,
        health_probe,
        session_script: if web && !choice.session_script.is_empty() {
            format!(
                "{}/{}",
                layout.workdir.trim_end_matches('/'),
                choice.session_script
            )
        } else {
            String::new()
        },
        health_note: if web && configured.is_none() {
            choice.health_note.clone()
        } else {
            String::new()
        },
        probe_host,
        smoke_args: match (&settings.smoke_args, kind) {
            (_, AppKind::Web) => Vec::new(),
            (Some(setting), _) => setting.value.clone(),
            // A job and a worker are checked doing what they do; a command-line program by
            // answering `--help`.
            (None, AppKind::Job | AppKind::Worker) => Vec::new(),
            (None, AppKind::Cli) => vec!["--help".to_string()],
        },
        framework: choice
            .framework
            .map(|framework| framework.distribution().to_string())
            .unwrap_or_default(),
        handles_sigterm: choice.handles_sigterm,
        env: if web {
            let mut env = choice.env.clone();
            env.extend(runtime.probe_env.iter().map(|probe_env| EnvVar {
                name: probe_env.name.clone(),
                value: probe_env.image_value.clone(),
            }));
            env
        } else {
            Vec::new()
        },
        findings,
    };

    if app.web {
        let source = match &settings.port {
            Some(setting) if setting.source == Source::Flag => "`--port`",
            Some(_) => "`port` in `[tool.uv-rootless]`",
            None => "the default",
        };
        layout::check_port(app.port, source)?;
    }
    let user = layout::decide_user(settings)?;
    let mut uv_version = image::decide_uv_version(files)?;
    // A tool that drives uv depends on the `uv` distribution: its binary is the app's, in the
    // venv, and not the uv that builds the image (which never reaches it).
    if let Some(own) = crate::read::graph::runtime_closure(&files.lock, &app_name)
        .contains(&PackageName::new("uv"))
        .then(|| files.lock.package("uv"))
        .flatten()
    {
        uv_version.reason = format!(
            "{}; the app's own dependency uv {} (from `uv.lock`) is in `{}/bin`, apart from it",
            uv_version.reason,
            own.version.as_deref().unwrap_or("(unversioned)"),
            layout.venv
        );
    }
    let scm = version::decide(files, settings, &app_name)?;
    let mut warnings: Vec<String> = choice.warnings.clone();
    let mut info = project::project_info(project)?;
    let app_reads_git = files
        .vcs_versioned
        .iter()
        .any(|v| PackageName::new(&project.name).is(&v.name));
    if let (Some(decided), true) = (&scm, app_reads_git) {
        info.version = decided.version.release.clone();
    }
    // Another dynamic version (read from a file by the backend): the user's `version` tags it,
    // else the version in that file. It only labels the image: the build reads it itself.
    if let (true, Some(setting)) = (info.version.is_empty(), &settings.version) {
        info.version = names::one_line(&setting.value);
    }
    if let (true, Some(from_file)) = (
        info.version.is_empty(),
        files.file_versioned.iter().find(|f| f.name == app_name),
    ) {
        match &from_file.found {
            Ok((version, _)) => info.version = names::one_line(version),
            Err(why) => {
                info.version = version::UNKNOWN.to_string();
                warnings.push(format!(
                    "`{}` makes `[project] version` dynamic and {why}: the image is tagged `{}` (the build works the version out itself from the build context; one read from git, as versioningit reads it, gets its fallback there, since the context holds no `.git`); set `version = \"1.0.0\"` in `[tool.uv-rootless]`, or the whole `image = \"name:tag\"`",
                    from_file.manifest,
                    version::UNKNOWN
                ));
            }
        }
    }
    let image = image::decide_image(settings, &info)?;
    let scm_version = scm.map(|decided| {
        warnings.extend(decided.warning);
        layout.scm_version = decided.version.release.clone();
        layout.scm_version_env = decided.version.env.clone();
        layout.scm_version_label = app_reads_git;
        decided.version
    });
    let platforms = image::decide_platforms(settings)?;
    // The extras both `uv sync` steps install: the chosen ones, then the console script's.
    let extras: Vec<String> = settings
        .extras
        .iter()
        .flat_map(|s| s.value.iter().cloned())
        .chain(entry_extras.extras.iter().cloned())
        .collect();
    let needs_for = |python: &crate::model::Python| {
        needs::decide(&needs::Input {
            lock: &files.lock,
            pyproject: &files.pyproject,
            app: &app_name,
            base: base.value,
            python,
            platforms: &platforms.value,
            extras: &extras,
            groups: settings.groups.as_ref().map_or(&[], |s| s.value.as_slice()),
        })
    };
    let (python, needs) = python::prefer_wheels(files, base.value, python, needs_for);
    let needs = needs?;
    let mut needed: Vec<String> = files
        .members
        .iter()
        .flat_map(|member| [member.path.clone(), member.source.import_root.clone()])
        .chain(needs.local_sources.iter().cloned())
        .collect();
    needed.push(files.source.import_root.clone());
    let outputs = layout::decide_outputs(settings, &needed)?;
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
            base_value.to_model(
                &python.value.minor,
                &format!("{UV_IMAGE}:{}", uv_version.value),
                |image| image::pin(&settings.digests, image),
            )?,
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
        runtime,
        static_files,
        outputs,
        scm_version,
        targets,
        warnings,
    })
}

/// The plan of the build as the tree is now: the version the backend computes for it (a
/// commit past the tag, a changed tree) instead of the release the generated files carry, in
/// the build argument, the label and, unless `image` was chosen, the image tag. `verify`
/// builds with it.
pub fn for_this_tree(plan: &Plan) -> Plan {
    let mut plan = plan.clone();
    let Some(version) = &plan.scm_version else {
        return plan;
    };
    if version.value == version.release {
        return plan;
    }
    let app_reads_git = plan.project.version == version.release;
    plan.layout.scm_version = version.value.clone();
    if app_reads_git {
        plan.project.version = version.value.clone();
    }
    if app_reads_git && plan.image.source == Source::Pyproject {
        plan.image.value = format!(
            "{}:{}",
            plan.project.normalized_name,
            names::tag_safe(&version.value)
        );
    }
    plan
}
