//! Where things live in the image and who runs it: the venv and source paths, the `uv sync`
//! options, the runtime user, and the paths of the generated files.

use super::names;
use super::select::AppProject;
use crate::error::UserError;
use crate::model::{Decision, Layout, Outputs, RunFile, Source, User};
use crate::options::Settings;
use crate::read::graph::runtime_closure;
use crate::read::names::PackageName;
use crate::read::pyproject::PyProject;
use crate::read::ProjectFiles;

/// Runtime user: the `nonroot` convention of distroless images.
pub const DEFAULT_UID: u32 = 65532;
/// The largest user or group id: Kubernetes validates `runAsUser` and `runAsGroup` as int32.
pub const MAX_ID: u32 = 2_147_483_647;
/// Ports below this need `CAP_NET_BIND_SERVICE`, which the container never has.
pub const FIRST_UNPRIVILEGED_PORT: u16 = 1024;
/// The virtual environment in both stages.
pub const VENV: &str = "/app";
/// Where the build context goes in the build stage.
pub const BUILD_DIR: &str = "/src";
/// The working directory of an installed project that reads files of the project by relative
/// paths: those files, beside the venv.
pub const RUN_DIR: &str = "/app/run";

/// What the app imports or reads by name beside its command: Django's settings and URLconf
/// modules, and the directories of the project its settings build from `BASE_DIR`.
#[derive(Debug, Clone, Default)]
pub struct Needed {
    /// Dotted module names, each with what names it (`` `DJANGO_SETTINGS_MODULE` at `wsgi.py:3` ``).
    pub modules: Vec<(String, String)>,
    /// Directories relative to the import root, each with what names it.
    pub dirs: Vec<(String, String)>,
}

/// The layout of the image for the chosen project. A packaged project whose wheel does not
/// hold what its command (or `needed`) names runs from its source, as a virtual one does.
pub fn decide_layout(
    files: &ProjectFiles,
    app: &AppProject<'_>,
    project: &crate::read::pyproject::Project,
    settings: &Settings,
    command: &[String],
    needed: &Needed,
) -> Result<Layout, UserError> {
    let from_source = if app.pyproject.is_packaged() {
        outside_wheel(app, command, needed).unwrap_or_default()
    } else {
        String::new()
    };
    let installs_project = app.pyproject.is_packaged() && from_source.is_empty();
    let sync_options = sync_options(app.pyproject, project, settings, &app.member)?;
    // A virtual app still needs the workspace members it imports: the second sync installs
    // them (non-editable), once their source is in the build stage.
    let app_name = if app.member.is_empty() {
        PackageName::new(&project.name).into_string()
    } else {
        app.member.clone()
    };
    let closure = runtime_closure(&files.lock, &app_name);
    let installs_members = !installs_project
        && files.lock.manifest.members.iter().any(|member| {
            let member = PackageName::new(member);
            !member.is(&app_name) && closure.contains(&member)
        });
    // A virtual app runs from its source: module paths (`python -m api`, `api.main:app`) start
    // at its import root, as they do on the developer's machine.
    let source_dir = match app.import_root() {
        "" => BUILD_DIR.to_string(),
        root => format!("{BUILD_DIR}/{root}"),
    };
    let member_dir = app
        .manifest
        .strip_suffix("pyproject.toml")
        .unwrap_or_default();
    let run_files: Vec<RunFile> = if installs_project {
        let mut run_files: Vec<RunFile> = app
            .source
            .run_files
            .iter()
            .map(|(path, read_at)| RunFile {
                path: path.clone(),
                source: format!("{member_dir}{path}"),
                target: format!("{RUN_DIR}/{path}"),
                read_at: read_at.clone(),
            })
            .collect();
        for path in command_files(app, command, member_dir) {
            if !run_files.iter().any(|file| file.path == path) {
                run_files.push(RunFile {
                    source: format!("{member_dir}{path}"),
                    target: format!("{RUN_DIR}/{path}"),
                    read_at: command.join(" "),
                    path,
                });
            }
        }
        run_files
    } else {
        Vec::new()
    };
    Ok(Layout {
        venv: VENV.into(),
        build_dir: BUILD_DIR.into(),
        installs_project,
        installs_members,
        scm_version: String::new(),
        scm_version_env: Vec::new(),
        scm_version_label: false,
        copies_source: !installs_project,
        from_source,
        workdir: match (installs_project, run_files.is_empty()) {
            (false, _) => source_dir,
            (true, true) => VENV.into(),
            (true, false) => RUN_DIR.into(),
        },
        run_files,
        run_dir: RUN_DIR.into(),
        package: app.member.clone(),
        workspace: !files.members.is_empty(),
        member_manifests: files
            .members
            .iter()
            .map(|member| format!("{}/pyproject.toml", member.path))
            .collect(),
        dynamic_dependencies: dynamic_dependencies(files),
        sync_options,
    })
}

/// The projects uv syncs (the root and every member) that declare their dependencies, extras or
/// Python range `dynamic`: uv builds their metadata to check the lock, which needs their whole
/// source (a version from git, a readme, a metadata hook), not the manifests alone.
fn dynamic_dependencies(files: &ProjectFiles) -> Vec<String> {
    const LOCKED_FIELDS: [&str; 3] = ["dependencies", "optional-dependencies", "requires-python"];
    std::iter::once(&files.pyproject)
        .chain(files.members.iter().map(|member| &member.pyproject))
        .filter_map(|pyproject| pyproject.project.as_ref())
        .filter(|project| {
            project
                .dynamic
                .iter()
                .any(|field| LOCKED_FIELDS.contains(&field.as_str()))
        })
        .map(|project| PackageName::new(&project.name).into_string())
        .collect()
}

/// The modules the command names that are the project's own: `proj.wsgi` of
/// `proj.wsgi:application`, the module of `-m`, `-A` and `--app`, a dotted argument that is a
/// module of the source; each with the argument.
fn command_modules<'s>(app: &AppProject<'s>, command: &[String]) -> Vec<(&'s str, String)> {
    let mut found: Vec<(&'s str, String)> = Vec::new();
    let mut previous = "";
    for arg in command.iter().skip(1) {
        let value = arg
            .strip_prefix("--app=")
            .or_else(|| arg.strip_prefix("--module="))
            .unwrap_or(arg);
        let (name, attribute) = match value.split_once(':') {
            Some((name, _)) => (name, true),
            None => (value, false),
        };
        let named = attribute
            || name.contains('.')
            || ["-m", "-A", "--app", "--module"].contains(&previous)
            || value.len() != arg.len();
        previous = arg;
        if !named || name.is_empty() {
            continue;
        }
        if let Some(module) = app.source.module(name) {
            if !found.iter().any(|(seen, _)| *seen == module.module) {
                found.push((&module.module, format!("`{arg}` in the command")));
            }
        }
    }
    found
}

/// Why a packaged project cannot run installed: its wheel ([`crate::read::wheel`]) does not
/// hold a module the command or Django names, or a directory Django's settings name sits in
/// no package of the wheel. `None` when all are held or the model cannot tell; also when the
/// command runs one of the project's console scripts, which only an install makes.
fn outside_wheel(app: &AppProject<'_>, command: &[String], needed: &Needed) -> Option<String> {
    let own_script = command
        .first()
        .and_then(|program| program.strip_prefix(&format!("{VENV}/bin/")))
        .is_some_and(|script| {
            app.pyproject
                .project
                .as_ref()
                .is_some_and(|project| project.scripts.contains_key(script))
        });
    if own_script {
        return None;
    }
    let source = app.source;
    if let Some(wheel) = &source.wheel {
        let modules = command_modules(app, command)
            .into_iter()
            .map(|(name, why)| (name.to_string(), why))
            .chain(needed.modules.iter().cloned());
        for (name, why) in modules {
            let Some(module) = source.module(&name) else {
                continue;
            };
            if !wheel.holds(&module.module, module.is_package) {
                return Some(format!(
                    "the wheel holds no module `{name}` (`{}`, named by {why}): {} says what it holds (add the module's package there to install the project instead)",
                    module.file, wheel.key
                ));
            }
        }
    }
    for (dir, why) in &needed.dirs {
        // The package the directory sits in: its longest leading part that is one.
        let parts: Vec<&str> = dir.split('/').collect();
        let package = (1..parts.len())
            .rev()
            .map(|depth| parts[..depth].join("."))
            .find(|name| source.module(name).is_some_and(|module| module.is_package));
        let held = match (&package, &source.wheel) {
            (None, _) => false,
            (Some(package), Some(wheel)) => wheel.holds(package, true),
            (Some(_), None) => true,
        };
        if !held {
            return Some(format!(
                "`{dir}` (named by {why}) is in no package of the wheel: installed, the settings would look for it beside them in the venv's site-packages, where it is not"
            ));
        }
    }
    None
}

/// The files of the project the command names by a relative path (`python scripts/job.py`,
/// `panel serve webapp/app.py`): modules of the source, copied beside the files it reads.
fn command_files(app: &AppProject<'_>, command: &[String], member_dir: &str) -> Vec<String> {
    let mut found = Vec::new();
    for arg in command.iter().skip(1) {
        let path = arg.trim_start_matches("./");
        let file = format!("{member_dir}{path}");
        let known = app.source.modules.iter().any(|module| module.file == file);
        if known && !found.iter().any(|seen| seen == path) {
            found.push(path.to_string());
        }
    }
    found
}

pub fn decide_user(settings: &Settings) -> Result<Decision<User>, UserError> {
    let uid = settings.uid.as_ref().map_or(DEFAULT_UID, |s| s.value);
    let gid = settings.gid.as_ref().map_or(uid, |s| s.value);
    // Kubernetes takes ids from 0 to 2147483647 (`runAsUser` is an int64 it checks against
    // int32), and 4294967295 is `(uid_t)-1`, "no change" to setuid: above that, the manifest
    // would be refused or mean something else.
    if let Some((key, id)) = [("uid", uid), ("gid", gid)]
        .into_iter()
        .find(|(_, id)| *id > MAX_ID)
    {
        return Err(UserError::new(format!(
            "`{key}` is {id}, above {MAX_ID}, the largest id Kubernetes accepts"
        ))
        .hint(format!(
            "use an id from 1 to {MAX_ID}, such as {DEFAULT_UID}, or leave it unset"
        )));
    }
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

/// The output paths. `needed` are the directories the build reads (workspace members, local
/// path sources, source roots): a generated file's directory is kept out of the build context
/// only when it is none of them and holds none of them.
pub fn decide_outputs(settings: &Settings, needed: &[String]) -> Result<Outputs, UserError> {
    let path =
        |setting: &Option<crate::options::Setting<String>>, key: &str, default: &str| match setting
        {
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
    let (kubernetes_dir, kustomization_resource) = match kubernetes.rsplit_once('/') {
        Some((dir, file)) => (format!("{dir}/"), file.to_string()),
        None => (String::new(), kubernetes.clone()),
    };
    let kustomization = format!("{kubernetes_dir}kustomization.yaml");
    if kubernetes == kustomization {
        return Err(UserError::new(format!(
            "`kubernetes` in `[tool.uv-rootless]` is `{kubernetes}`, the path of the kustomization written beside the manifest"
        ))
        .hint("name the manifest otherwise, e.g. `k8s/manifest.yaml`"));
    }
    let all = [&dockerfile, &compose, &kubernetes, &kustomization];
    for (index, a) in all.iter().enumerate() {
        if all[index + 1..].contains(a) {
            return Err(UserError::new(format!(
                "two outputs in `[tool.uv-rootless]` are both written to `{a}`"
            ))
            .hint("give `dockerfile`, `compose` and `kubernetes` different paths"));
        }
    }
    let context_excludes = context_excludes(&[&dockerfile, &compose, &kubernetes], needed);
    Ok(Outputs {
        dockerfile,
        compose,
        dockerignore: ".dockerignore".into(),
        kubernetes,
        kustomization,
        kustomization_resource,
        compose_context,
        context_excludes,
    })
}

/// What `.dockerignore` lists for the generated files: each file, and the directory of each one
/// that lives in a subdirectory, unless the build needs that directory. A directory such as
/// `k8s/` left in the context (even empty, once its file is ignored) is a second top-level
/// package to setuptools' flat-layout discovery, which then refuses to build.
fn context_excludes(outputs: &[&String], needed: &[String]) -> Vec<String> {
    let inside = |path: &str, dir: &str| {
        path == dir
            || path
                .strip_prefix(dir)
                .is_some_and(|rest| rest.starts_with('/'))
    };
    let mut excludes: Vec<String> = Vec::new();
    for output in outputs {
        let mut entry = output.to_string();
        if let Some((dir, _)) = output.rsplit_once('/') {
            let needed_here = needed
                .iter()
                .filter(|path| !path.is_empty())
                .any(|path| inside(path, dir) || inside(dir, path));
            if !needed_here {
                entry = dir.to_string();
            }
        }
        if !excludes.contains(&entry) {
            excludes.push(entry);
        }
    }
    excludes
}

/// The extras the console script the image runs names (`app = "pkg.cli:main [cli]"`): its
/// code imports what they add, so both `uv sync` steps install them. Each with why, for
/// `explain`; an extra the project does not define is left out and said so.
pub struct EntryExtras {
    pub extras: Vec<String>,
    pub findings: Vec<String>,
}

/// [`EntryExtras`] of `command` when it runs a console script of the app from `venv_bin`.
pub fn entry_extras(app: &AppProject<'_>, command: &[String], venv_bin: &str) -> EntryExtras {
    let mut found = EntryExtras {
        extras: Vec::new(),
        findings: Vec::new(),
    };
    let Some(project) = app.pyproject.project.as_ref() else {
        return found;
    };
    let Some((script, entry)) = command
        .first()
        .and_then(|program| program.strip_prefix(venv_bin)?.strip_prefix('/'))
        .and_then(|script| Some((script, project.scripts.get(script)?)))
    else {
        return found;
    };
    // `module:attr [extra, ...]`, the entry point's whole value; anything else names none.
    let dotted = |text: &str| {
        !text.is_empty()
            && text.split('.').all(|part| {
                !part.is_empty()
                    && !part.starts_with(|ch: char| ch.is_ascii_digit())
                    && part.chars().all(|ch| ch.is_alphanumeric() || ch == '_')
            })
    };
    let Some(named) = entry.split_once('[').and_then(|(reference, rest)| {
        let (module, attr) = reference.split_once(':').unwrap_or((reference, "x"));
        let inside = rest.trim_end().strip_suffix(']')?;
        (dotted(module.trim()) && dotted(attr.trim()) && !inside.contains(['[', ']']))
            .then_some(inside)
    }) else {
        return found;
    };
    for extra in named.split(',').map(str::trim).filter(|e| !e.is_empty()) {
        let defined = crate::read::names::is_valid_name(extra)
            && project
                .optional_dependencies
                .keys()
                .any(|name| PackageName::new(name).is(extra));
        if !defined {
            found.findings.push(format!(
                "the console script `{script}` names the extra {}, which `[project.optional-dependencies]` does not define: not installed",
                serde_json::to_string(extra).unwrap_or_default()
            ));
            continue;
        }
        let name = PackageName::new(extra).into_string();
        if !found.extras.contains(&name) {
            found.findings.push(format!(
                "the console script `{script}` names the extra `{name}` in `[project.scripts]`: both `uv sync` steps install it (`--extra {name}`)"
            ));
            found.extras.push(name);
        }
    }
    found
}

/// Adds `--extra NAME` to `sync_options` for each extra not already chosen, after the chosen
/// ones.
pub fn add_extras(sync_options: &mut Vec<String>, extras: &[String]) {
    let chosen: Vec<String> = sync_options
        .chunks(2)
        .filter(|pair| pair[0] == "--extra")
        .map(|pair| pair[1].clone())
        .collect();
    let at = chosen.len() * 2;
    let added: Vec<String> = extras
        .iter()
        .filter(|extra| !chosen.contains(extra))
        .flat_map(|extra| ["--extra".to_string(), extra.clone()])
        .collect();
    sync_options.splice(at..at, added);
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
        // The name goes into `RUN uv sync --extra NAME`: a PEP 685 name or nothing, even when
        // `[project.optional-dependencies]` defines a key of that spelling.
        if !crate::read::names::is_valid_name(extra) {
            return Err(UserError::new(format!(
                "`extras` in `[tool.uv-rootless]` has {}, which is not an extra name",
                serde_json::to_string(extra).unwrap_or_default()
            ))
            .hint("an extra's name is ASCII letters, digits, `-`, `_` and `.`, starting and ending with a letter or digit (PEP 685)")
            .hint("use the names of `[project.optional-dependencies]`"));
        }
        let known = project
            .optional_dependencies
            .keys()
            .any(|name| PackageName::new(name).is(extra));
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
        options.extend(["--extra".to_string(), PackageName::new(extra).into_string()]);
    }
    for group in settings.groups.iter().flat_map(|s| s.value.iter()) {
        let name = PackageName::new(group).into_string();
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
            .any(|key| PackageName::new(key).as_str() == name);
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

/// The web server's port: compose.yaml and the manifest drop every capability and run as a
/// non-root user, so a port below 1024 cannot be bound (`CAP_NET_BIND_SERVICE` is gone, and
/// adding it back in the manifest would not reach a non-root process without file
/// capabilities). An error, not a warning: the image builds, and only the running container
/// fails, in a crash loop, far from this run; the fix is a one-line change.
pub fn check_port(port: u16, source: &str) -> Result<(), UserError> {
    if port == 0 || port >= FIRST_UNPRIVILEGED_PORT {
        return Ok(());
    }
    Err(UserError::new(format!(
        "the web server would listen on port {port} ({source}), which a non-root process with no capabilities cannot bind"
    ))
    .detail("compose.yaml and the Kubernetes manifest drop all capabilities, `NET_BIND_SERVICE` with them, and run as a non-root user")
    .hint(format!(
        "listen on a port of {FIRST_UNPRIVILEGED_PORT} or above, e.g. `port = 8000` in `[tool.uv-rootless]` or `--port 8000`; publish it as port {port} outside the container (compose `ports`, a Kubernetes Service `port`)"
    )))
}

#[cfg(test)]
mod tests {
    use super::{command_files, context_excludes, outside_wheel, Needed};
    use crate::decide::select::AppProject;
    use crate::read::pyproject::{self, PyProject};
    use crate::read::source::{scan_of_texts, SourceScan};

    const DJANGO_SITE: [(&str, &str, &str); 4] = [
        ("apps/__init__.py", "apps.__init__", ""),
        ("proj/__init__.py", "proj.__init__", ""),
        (
            "proj/settings.py",
            "proj.settings",
            "from pathlib import Path\nBASE_DIR = Path(__file__).resolve().parent.parent\nROOT_URLCONF = \"proj.urls\"\nSTATICFILES_DIRS = [BASE_DIR / \"static\", (\"vendor\", BASE_DIR / \"proj\" / \"vendor\")]\nTEMPLATES = [{\"BACKEND\": \"x\", \"DIRS\": [BASE_DIR / \"templates\"]}]\n",
        ),
        (
            "proj/wsgi.py",
            "proj.wsgi",
            "import os\nfrom django.core.wsgi import get_wsgi_application\nos.environ.setdefault(\"DJANGO_SETTINGS_MODULE\", \"proj.settings\")\napplication = get_wsgi_application()\n",
        ),
    ];

    fn project(table: &str) -> (PyProject, String) {
        let manifest = format!(
            "[project]\nname = \"site\"\nversion = \"1\"\n[project.scripts]\nsite-admin = \"proj.admin:main\"\n[build-system]\nrequires = [\"setuptools\"]\nbuild-backend = \"setuptools.build_meta\"\n{table}"
        );
        (pyproject::parse(&manifest).unwrap(), manifest)
    }

    fn scan(manifest: &str, files: &[(&str, &str, &str)]) -> SourceScan {
        SourceScan {
            wheel: crate::read::wheel::wheel(manifest),
            ..scan_of_texts(files)
        }
    }

    fn app<'a>(pyproject: &'a PyProject, source: &'a SourceScan) -> AppProject<'a> {
        AppProject {
            pyproject,
            manifest: "pyproject.toml".into(),
            source,
            member: String::new(),
        }
    }

    fn command(args: &[&str]) -> Vec<String> {
        args.iter().map(|arg| arg.to_string()).collect()
    }

    #[test]
    fn a_module_the_wheel_does_not_hold_runs_the_project_from_its_source() {
        let gunicorn = command(&["/app/bin/gunicorn", "proj.wsgi:application"]);
        let (pyproject, manifest) = project("[tool.setuptools]\npackages = [\"apps\"]\n");
        let source = scan(&manifest, &DJANGO_SITE);
        let why = outside_wheel(&app(&pyproject, &source), &gunicorn, &Needed::default());
        assert!(
            why.as_deref().is_some_and(|why| why.contains("`proj.wsgi`")
                && why.contains("`packages` in `[tool.setuptools]`")),
            "{why:?}"
        );
        // `python -m` and a module Django names count too.
        for args in [
            ["/app/bin/python", "-m", "proj.wsgi"],
            ["/app/bin/gunicorn", "--workers=2", "proj.wsgi"],
        ] {
            let module = command(&args);
            let why = outside_wheel(&app(&pyproject, &source), &module, &Needed::default());
            assert!(why.is_some(), "{args:?}");
        }
        // A word that only looks like a module of the project is none: `worker` of celery.
        let celery = command(&["/app/bin/celery", "-A", "apps", "worker"]);
        let worker = [
            ("worker.py", "worker", ""),
            ("apps/__init__.py", "apps.__init__", ""),
        ];
        let with_worker = scan(&manifest, &worker);
        assert_eq!(
            outside_wheel(&app(&pyproject, &with_worker), &celery, &Needed::default()),
            None
        );
        let settings = Needed {
            modules: vec![("proj.settings".into(), "`DJANGO_SETTINGS_MODULE`".into())],
            dirs: Vec::new(),
        };
        let elsewhere = command(&["/app/bin/gunicorn", "apps.wsgi:application"]);
        assert!(outside_wheel(&app(&pyproject, &source), &elsewhere, &settings).is_some());
        // Held: installed as before.
        let (pyproject, manifest) = project("[tool.setuptools]\npackages = [\"apps\", \"proj\"]\n");
        let source = scan(&manifest, &DJANGO_SITE);
        assert_eq!(
            outside_wheel(&app(&pyproject, &source), &gunicorn, &settings),
            None
        );
        // Discovery the model cannot follow, or a console script of the project (which only
        // an install makes): as before.
        let (pyproject, manifest) = project("");
        let source = scan(&manifest, &DJANGO_SITE);
        assert_eq!(
            outside_wheel(&app(&pyproject, &source), &gunicorn, &settings),
            None
        );
        let (pyproject, manifest) = project("[tool.setuptools]\npackages = [\"apps\"]\n");
        let source = scan(&manifest, &DJANGO_SITE);
        let script = command(&["/app/bin/site-admin", "serve"]);
        assert_eq!(
            outside_wheel(&app(&pyproject, &source), &script, &settings),
            None
        );
    }

    #[test]
    fn django_directories_outside_the_wheels_packages_run_the_project_from_its_source() {
        // The settings' `static/` beside the package: installed, `BASE_DIR` is site-packages
        // and `collectstatic` finds nothing there; from the source, it is in the image.
        let (pyproject, manifest) = project("[tool.setuptools]\npackages = [\"apps\", \"proj\"]\n");
        let source = scan(&manifest, &DJANGO_SITE);
        let site = crate::decide::django::site(&source).expect("a Django site");
        let needed = site.needed();
        let dirs: Vec<&str> = needed.dirs.iter().map(|(dir, _)| dir.as_str()).collect();
        assert_eq!(dirs, ["static", "proj/vendor", "templates"]);
        let gunicorn = command(&["/app/bin/gunicorn", "proj.wsgi:application"]);
        let why = outside_wheel(&app(&pyproject, &source), &gunicorn, &needed);
        assert!(
            why.as_deref().is_some_and(|why| why
                .starts_with("`static` (named by `STATICFILES_DIRS` at `proj/settings.py:4`)")),
            "{why:?}"
        );
        // Inside a package the wheel holds: installed with it.
        let inside = Needed {
            dirs: vec![("proj/vendor".into(), "`STATICFILES_DIRS`".into())],
            ..needed.clone()
        };
        assert_eq!(
            outside_wheel(&app(&pyproject, &source), &gunicorn, &inside),
            None
        );
        // Outside every package, even where the model of the wheel cannot tell.
        let (pyproject, manifest) = project("");
        let source = scan(&manifest, &DJANGO_SITE);
        assert!(outside_wheel(&app(&pyproject, &source), &gunicorn, &needed).is_some());
    }

    #[test]
    fn the_files_a_command_names_are_the_sources_modules() {
        let (pyproject, manifest) = project("[tool.setuptools]\npackages = [\"apps\"]\n");
        let mut files = DJANGO_SITE.to_vec();
        files.push(("scripts/job.py", "scripts.job", "print(1)\n"));
        let source = scan(&manifest, &files);
        let app = app(&pyproject, &source);
        let job = command(&["python", "./scripts/job.py", "--out", "report.csv"]);
        assert_eq!(command_files(&app, &job, ""), ["scripts/job.py"]);
        let outside = command(&["python", "/etc/job.py", "../scripts/job.py"]);
        assert!(command_files(&app, &outside, "").is_empty());
        // A member's command names files of its own directory.
        assert!(command_files(&app, &job, "apps/api/").is_empty());
    }

    #[test]
    fn a_generated_directory_leaves_the_context_unless_the_build_needs_it() {
        let (dockerfile, compose) = ("Dockerfile".to_string(), "compose.yaml".to_string());
        let k8s = "k8s/manifest.yaml".to_string();
        assert_eq!(
            context_excludes(&[&dockerfile, &compose, &k8s], &[String::new()]),
            ["Dockerfile", "compose.yaml", "k8s"]
        );
        // The manifest next to the source, or above a member: only the file itself.
        let in_source = "src/k8s.yaml".to_string();
        let above_member = "packages/deploy.yaml".to_string();
        assert_eq!(
            context_excludes(
                &[&in_source, &above_member],
                &["src".to_string(), "packages/api".to_string()]
            ),
            ["src/k8s.yaml", "packages/deploy.yaml"]
        );
        // Two outputs in one directory: one line.
        let (a, b) = ("deploy/a.yaml".to_string(), "deploy/b.yaml".to_string());
        assert_eq!(context_excludes(&[&a, &b], &[]), ["deploy"]);
    }
}

#[cfg(test)]
mod example_tests {
    fn layout(name: &str) -> crate::model::Layout {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("examples")
            .join(name);
        crate::app::load(&root, Default::default())
            .unwrap()
            .plan
            .layout
    }

    #[test]
    fn an_installed_project_runs_among_the_files_it_reads() {
        let greeter = layout("greeter-config");
        assert!(greeter.installs_project);
        assert_eq!(greeter.workdir, "/app/run");
        let copied: Vec<(&str, &str, &str)> = greeter
            .run_files
            .iter()
            .map(|file| {
                (
                    file.source.as_str(),
                    file.target.as_str(),
                    file.read_at.as_str(),
                )
            })
            .collect();
        assert_eq!(
            copied,
            [
                (
                    "config.toml",
                    "/app/run/config.toml",
                    "src/greeter_config/cli.py:9"
                ),
                (
                    "messages/en.txt",
                    "/app/run/messages/en.txt",
                    "src/greeter_config/cli.py:11"
                ),
            ]
        );
        // Reading nothing, it runs from the venv as before.
        assert_eq!(layout("cli-hello").workdir, "/app");
        assert!(layout("cli-hello").run_files.is_empty());
    }

    #[test]
    fn the_extras_the_console_script_names_are_installed_and_said_why() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/projects/entry-extras");
        let plan = crate::app::load(&root, Default::default()).unwrap().plan;
        assert_eq!(plan.command.value, ["/app/bin/entry-extras"]);
        assert_eq!(plan.layout.sync_options, ["--extra", "cli"]);
        assert!(
            plan.app
                .findings
                .iter()
                .any(|f| f.contains("names the extra `cli`")),
            "{:?}",
            plan.app.findings
        );
        assert!(
            plan.app.findings.iter().any(|f| f.contains(
                "names the extra \"gui\", which `[project.optional-dependencies]` does not define"
            )),
            "{:?}",
            plan.app.findings
        );
        // One chosen in the config comes first, and once.
        let mut options = vec!["--extra".to_string(), "cli".to_string()];
        super::add_extras(&mut options, &["cli".to_string(), "gui".to_string()]);
        assert_eq!(options, ["--extra", "cli", "--extra", "gui"]);
        let mut options = vec!["--group".to_string(), "web".to_string()];
        super::add_extras(&mut options, &["cli".to_string()]);
        assert_eq!(options, ["--extra", "cli", "--group", "web"]);
    }

    #[test]
    fn a_virtual_member_gets_the_workspace_members_it_imports() {
        let virtual_member = layout("workspace-virtual");
        assert!(!virtual_member.installs_project);
        assert!(virtual_member.installs_members);
        assert_eq!(virtual_member.workdir, "/src/apps/api/src");
        // A virtual project outside a workspace has no member to install.
        let single = layout("fastapi-service");
        assert!(!single.installs_members);
        assert_eq!(single.workdir, "/src");
    }
}
