//! The plan: what to build and why. Plain data, the only thing templates see, and what
//! `explain` prints.

use serde::{Deserialize, Serialize};

/// Where a decision's value came from, strongest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Source {
    /// A command-line flag.
    Flag,
    /// `[tool.uv-rootless]` in `pyproject.toml`.
    Config,
    /// `.python-version`.
    PythonVersionFile,
    /// `uv.lock`.
    Lock,
    /// `pyproject.toml` outside `[tool.uv-rootless]`.
    Pyproject,
    /// Found by looking at the project's dependencies or source.
    Detected,
    /// uv-rootless's default.
    Default,
}

impl Source {
    pub fn describe(self) -> &'static str {
        match self {
            Source::Flag => "flag",
            Source::Config => "[tool.uv-rootless]",
            Source::PythonVersionFile => ".python-version",
            Source::Lock => "uv.lock",
            Source::Pyproject => "pyproject.toml",
            Source::Detected => "detected",
            Source::Default => "default",
        }
    }
}

/// A decided value, where it came from, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Decision<T> {
    pub value: T,
    pub source: Source,
    pub reason: String,
}

impl<T> Decision<T> {
    pub fn new(value: T, source: Source, reason: impl Into<String>) -> Self {
        Self {
            value,
            source,
            reason: reason.into(),
        }
    }
}

/// Everything needed to render every output.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Plan {
    /// Version of the `explain --format json` schema.
    pub schema_version: u32,
    pub tool: ToolInfo,
    pub project: ProjectInfo,
    pub base: Decision<Base>,
    pub python: Decision<Python>,
    pub uv_version: Decision<String>,
    pub app: App,
    pub command: Decision<Vec<String>>,
    pub user: Decision<User>,
    pub image: Decision<String>,
    pub layout: Layout,
    /// Target platforms whose wheels were checked.
    pub platforms: Decision<Vec<String>>,
    /// What the build stage needs beyond uv.
    pub needs: Needs,
    /// How the app runs: its kind, the paths it writes, its settings.
    pub runtime: Runtime,
    /// Static files collected at build time (Django's `collectstatic`).
    pub static_files: StaticFiles,
    pub outputs: Outputs,
    /// The version of a project whose build backend reads it from git; `None` (left out of
    /// the JSON) when none does.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scm_version: Option<ScmVersion>,
    /// The projects of a workspace that could run, and why the chosen one was; empty for a
    /// single project.
    pub targets: Vec<Target>,
    /// What the user should know although nothing failed, one line each: `init`, `generate`
    /// and `verify` print them, `explain` shows them.
    pub warnings: Vec<String>,
}

/// The version a build backend would read from git, worked out before the build (the build
/// context has no `.git`) and handed to it through the backend's override variables.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ScmVersion {
    /// The version of the tree as it is now, as the backend computes it: `verify` builds and
    /// tags the image with it.
    pub value: String,
    /// What the generated files carry (`ARG APP_VERSION`'s default, the version label, the
    /// image tag): the release, which does not change with every commit.
    pub release: String,
    pub source: Source,
    pub reason: String,
    /// The backend whose scheme made the version.
    pub backend: String,
    /// The override variables the build stage sets from `APP_VERSION`.
    pub env: Vec<String>,
}

/// A project of a workspace that the image could run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Target {
    /// `[project] name`.
    pub name: String,
    /// Its manifest, relative to the root.
    pub manifest: String,
    /// Whether it is the workspace's root project.
    pub root: bool,
    /// Whether the image runs it.
    pub chosen: bool,
    /// The command it would run; empty when it has none.
    pub command: Vec<String>,
    /// Why it was chosen, why not, or why it has no command.
    pub reason: String,
}

/// Static files a framework collects into a directory that the running container could not
/// write: Django's `collectstatic` into `STATIC_ROOT`, run in the project stage. The files
/// then wait under `staging` at their own absolute path, and the final stage copies them owned
/// by root.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StaticFiles {
    /// Whether the build collects them.
    pub collect: bool,
    /// Why, or why not.
    pub reason: String,
    /// Where the step runs: the final stage's working directory.
    pub workdir: String,
    /// Variables set for this step only, never in the final stage: the settings module, and
    /// placeholders for the settings the import cannot do without (`SECRET_KEY`).
    pub env: Vec<EnvVar>,
    /// The collecting command, exec form.
    pub command: Vec<String>,
    /// Moves the collected directory under `staging`, at its own path.
    pub stage: Vec<String>,
    /// Where the files wait, in the build stage only.
    pub staging: String,
}

/// How the app runs once built: what kind of program it is, where it may write beside its
/// code, and how its run-time settings reach it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Runtime {
    /// The kind, and why (the same value as `app.kind`).
    pub kind: Decision<AppKind>,
    /// Writable paths relative to the working directory: a tmpfs in compose and `verify`, an
    /// `emptyDir` in Kubernetes. Everything else stays read-only.
    pub writable: Decision<Vec<String>>,
    /// The same paths, absolute in the image.
    pub writable_mounts: Vec<String>,
    /// An env file compose passes to the container, relative to the project; empty for none.
    pub env_file: String,
    /// How long `verify` watches a worker stay up, in seconds.
    pub smoke_seconds: u32,
    /// Hints from reading the source: paths it writes that are not writable, one line each.
    pub hints: Vec<String>,
    /// Settings that must list the probes' host (Django's `ALLOWED_HOSTS` read from a
    /// variable), each kept as the user sets it with that host added.
    pub probe_env: Vec<ProbeEnv>,
    /// Settings the app cannot start without, read from its source: the outputs name them and
    /// `verify` gives each one the user did not pass its stand-in. Sorted by name, each once.
    pub required_env: Vec<RequiredSetting>,
}

/// A variable the app's modules require when they are imported: `os.environ["KEY"]`, a
/// django-environ or python-decouple read with no default, a pydantic-settings field with no
/// default of a settings class instantiated at start.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RequiredSetting {
    pub name: String,
    /// `file:line` that requires it.
    pub at: String,
    /// A value of the type the code reads it as, for `verify`'s runs only: never in an image.
    pub stand_in: String,
    /// How the code requires it.
    pub reason: String,
}

/// A variable the app reads a list of hosts from, which must hold the host the probes send.
/// The image sets the code's default with the host added; compose and Kubernetes add the host
/// to the value the user gives (the shell or `.env`; the Secret or ConfigMap).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProbeEnv {
    pub name: String,
    /// The final stage's `ENV` value.
    pub image_value: String,
    /// compose's value: `${NAME:-default},host`, which compose interpolates.
    pub compose_value: String,
    /// Kubernetes' value: `$(NAME),host`, which the kubelet expands from `envFrom`.
    pub kubernetes_value: String,
    /// Where the code reads it, and why it is set.
    pub reason: String,
}

/// Build-stage needs read from `uv.lock`; the final stage never gets them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Needs {
    /// Packages the base's package manager installs in the build stage.
    pub system_packages: Vec<String>,
    /// Locked packages with a git source that the app installs.
    pub git_packages: Vec<String>,
    /// Whether a git source uses ssh: the uv steps mount the ssh agent.
    pub ssh: bool,
    /// Why the system packages are needed, one line each.
    pub reasons: Vec<String>,
    /// Named indexes whose credentials reach uv only through build secrets.
    pub indexes: Vec<IndexSecret>,
    /// Locked packages the image builds from source, on one target platform or more.
    pub source_builds: Vec<SourceBuild>,
    /// Shared libraries the final stage installs for what was built (python-slim only).
    pub runtime_packages: Vec<String>,
    /// Path dependencies inside the project (not workspace members): mounted into the
    /// dependency layer, where uv builds them.
    pub local_sources: Vec<String>,
}

/// A locked package built from source in the build stage.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SourceBuild {
    pub package: String,
    pub version: String,
    /// Why, e.g. "no wheel for CPython 3.13 on linux/arm64 (glibc 2.41)".
    pub why: String,
    /// The target platforms it is built for.
    pub platforms: Vec<String>,
    /// The system library it builds against, from the native-needs table; empty if none known.
    pub library: String,
}

/// A named `[[tool.uv.index]]`: its credentials come from two build secrets, read into uv's
/// `UV_INDEX_<NAME>_USERNAME` / `_PASSWORD` inside the one `RUN` that needs them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IndexSecret {
    pub name: String,
    /// `UV_INDEX_<NAME>` as uv spells it: upper case, other characters as `_`.
    pub env_prefix: String,
    /// Build secret ids: `uv-index-<name>-username` and `-password`.
    pub username_secret: String,
    pub password_secret: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ToolInfo {
    pub name: String,
    pub version: String,
    /// The command that regenerates the files, for their headers.
    pub regenerate: String,
}

/// What the image's labels and the manifests' names say about the project.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProjectInfo {
    /// `[project] name` as written.
    pub name: String,
    /// PEP 503 normalised name.
    pub normalized_name: String,
    /// DNS-1123 label for Kubernetes and compose names.
    pub k8s_name: String,
    /// `[project] version`, or empty when dynamic.
    pub version: String,
    /// One line, control characters removed.
    pub description: String,
    /// SPDX expression or licence text's first line; may be empty.
    pub license: String,
    /// Repository or homepage URL from `[project.urls]`; may be empty.
    pub source_url: String,
}

/// A base image family, as its table entry describes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Base {
    pub id: BaseId,
    /// The uv image the build stage takes uv from, `@sha256:...` when pinned.
    pub uv_image: String,
    /// Human name, e.g. `Azure Linux 3.0`.
    pub title: String,
    /// Image of the build stage.
    pub build_image: String,
    /// Image of the final stage.
    pub runtime_image: String,
    /// Whether Python is uv-managed (installed in the build stage under `python_install_dir`
    /// and copied) rather than the image's own.
    pub managed_python: bool,
    /// Where uv installs managed Python; empty when Python is the image's own.
    pub python_install_dir: String,
    /// Whether the final image has a shell, so `RUN` can run in the final stage.
    pub runtime_has_shell: bool,
    /// Whether the final image lacks libstdc++, so the build stage's is copied when an
    /// extension module of the environment links it.
    #[serde(skip)]
    pub copies_libstdcxx: bool,
    /// `SSL_CERT_FILE` for the final stage; empty when Python finds the CA bundle itself.
    pub ca_bundle: String,
    // The facts below are the base's, not decisions: the templates read them, `explain` has
    // nothing to say about them, and leaving them out keeps its JSON schema as it is.
    /// Installs the build stage's system packages.
    #[serde(skip)]
    pub package_manager: PackageManager,
    /// Installs the final stage's shared libraries; `None` when the final image has none.
    #[serde(skip)]
    pub runtime_package_manager: Option<PackageManager>,
    /// The image's own Python as a command, e.g. `python3.13`; empty when Python is uv-managed
    /// (its path is known only once uv installed it).
    #[serde(skip)]
    pub python_command: String,
    /// Packages that install the final image's Python in the build stage, when the build image
    /// lacks it; empty otherwise.
    #[serde(skip)]
    pub python_packages: Vec<String>,
}

/// A package manager as a `RUN` uses it: `[update &&] install PACKAGES && clean`. Static text
/// from the base table, never from the project.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct PackageManager {
    /// Refreshes the package index first; empty when `install` does that itself.
    pub update: &'static str,
    /// The install command, to which the package names are appended.
    pub install: &'static str,
    /// Removes what the install leaves behind (index, cache), so the layer holds only packages.
    pub clean: &'static str,
    /// The hadolint rule the step breaks on purpose (unpinned versions: the lock pins Python
    /// packages, the base tag pins the system's); empty when none applies.
    pub lint_ignore: &'static str,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Python {
    /// As requested: `3.13` or `3.13.1`.
    pub version: String,
    /// `3.13`.
    pub minor: String,
}

/// What kind of program the image runs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct App {
    /// `web`, `worker`, `job` or `cli`.
    pub kind: AppKind,
    /// Whether it serves HTTP: a port, a healthcheck, probes and a Service.
    pub web: bool,
    /// Port the server listens on; 0 for a command-line app.
    pub port: u16,
    /// Health URL path for web apps probed over HTTP; empty otherwise.
    pub health_path: String,
    /// How health is checked: a GET of `health_path`, a TCP connect to `port`, or not at all.
    pub health_probe: HealthProbe,
    /// What the health probe does not prove (a script that runs only when a session opens);
    /// empty when nothing is known to be left out.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub health_note: String,
    /// The script a framework runs once per session (Streamlit, Panel), absolute in the image,
    /// which `verify` runs once with the framework's own machinery; empty otherwise.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub session_script: String,
    /// The `Host` header the Kubernetes probes send; empty for their default, the pod's IP.
    /// The image's health check and `verify` send `127.0.0.1`, the address they connect to.
    pub probe_host: String,
    /// The image's health check, exec form, run inside the container; empty for a
    /// command-line app. Python's `urllib`, so the image needs no curl.
    pub health_check: Vec<String>,
    /// Arguments for the smoke test of a command-line app.
    pub smoke_args: Vec<String>,
    /// The framework detected, if any, e.g. `fastapi`.
    pub framework: String,
    /// Whether the process handles SIGTERM itself as PID 1 (servers do); otherwise the
    /// outputs give it an init.
    pub handles_sigterm: bool,
    /// Environment the final stage sets because the app's code reads it (`PORT`, `HOST`).
    pub env: Vec<EnvVar>,
    /// What was read from the source and where, one line each, for `explain`.
    pub findings: Vec<String>,
}

/// How the outputs check that a web app is up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum HealthProbe {
    /// GET `health_path`.
    Http,
    /// Connect to the port: no GET route without parameters is known.
    Tcp,
    /// A command-line app has no health check.
    None,
}

/// One variable the image sets. The name is checked to be a plain identifier and the value is
/// generated (a port number, an address), but both still reach files through their escaping.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EnvVar {
    pub name: String,
    pub value: String,
}

/// What kind of program the image runs, which decides what runs it: a Deployment with a
/// Service and probes (`web`), a Deployment alone (`worker`), a Job (`job`, `cli`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum AppKind {
    /// Serves HTTP.
    Web,
    /// Runs until stopped and serves no HTTP: a bot, a queue consumer.
    Worker,
    /// Runs once to completion.
    Job,
    /// A command-line program: run with arguments, it exits.
    Cli,
}

impl AppKind {
    pub const ALL: [AppKind; 4] = [AppKind::Web, AppKind::Worker, AppKind::Job, AppKind::Cli];

    pub fn as_str(self) -> &'static str {
        match self {
            AppKind::Web => "web",
            AppKind::Worker => "worker",
            AppKind::Job => "job",
            AppKind::Cli => "cli",
        }
    }

    /// Whether it runs until stopped (a Deployment) rather than to completion (a Job).
    pub fn long_running(self) -> bool {
        matches!(self, AppKind::Web | AppKind::Worker)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct User {
    pub uid: u32,
    pub gid: u32,
}

/// Where things live in the image and how the project is installed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Layout {
    /// The virtual environment (`UV_PROJECT_ENVIRONMENT`), copied to the final stage.
    pub venv: String,
    /// Where the build context is copied in the build stage.
    pub build_dir: String,
    /// Whether uv installs the project (or workspace member) into the venv. When it does
    /// not (a virtual project), the source itself is copied to the final stage.
    pub installs_project: bool,
    /// Whether the second `uv sync` installs workspace members the app depends on although the
    /// app itself is virtual (uv installs a virtual member's workspace dependencies, not the
    /// member).
    pub installs_members: bool,
    /// The version handed to build backends that read it from git (`ARG APP_VERSION`'s
    /// default); empty when no project does.
    pub scm_version: String,
    /// The backends' override variables that take `APP_VERSION` in the build stage.
    pub scm_version_env: Vec<String>,
    /// Whether the image's version label takes `APP_VERSION` too: the app's own version is
    /// read from git.
    pub scm_version_label: bool,
    /// Whether the source tree goes to the final stage (virtual projects).
    pub copies_source: bool,
    /// Why a packaged project runs from its source all the same (its wheel does not hold a
    /// module or directory the app needs); empty otherwise.
    pub from_source: String,
    /// Working directory of the final stage.
    pub workdir: String,
    /// Files and directories of the project that an installed project's code reads by a path
    /// relative to its working directory (`alembic.ini`, `templates/`), copied from the build
    /// context into [`Layout::run_dir`], which is then the working directory; empty for a
    /// virtual project, whose whole source is there.
    pub run_files: Vec<RunFile>,
    /// Where they go: the final stage's working directory when there are any.
    pub run_dir: String,
    /// Workspace member to build (`uv sync --package`); empty for a single project.
    pub package: String,
    /// Whether the project is a uv workspace.
    pub workspace: bool,
    /// Member manifests bind-mounted for the dependency layer, relative to the context.
    pub member_manifests: Vec<String>,
    /// Projects (the root, members) whose dependencies are `dynamic`: only their build backend
    /// works them out, from the whole source, so the dependencies' stage installs the lock as it
    /// is (`--frozen`), and the project's stage, which has the source, checks it (`--locked`).
    pub dynamic_dependencies: Vec<String>,
    /// `uv sync` options beyond the fixed ones: `--extra`, `--group`, `--package`.
    pub sync_options: Vec<String>,
}

/// One file or directory of [`Layout::run_files`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RunFile {
    /// As the code names it, relative to the working directory: `alembic.ini`, `templates`.
    pub path: String,
    /// Its path in the build context: below the member's directory for a workspace member.
    pub source: String,
    /// Its path in the image, below [`Layout::run_dir`].
    pub target: String,
    /// The `file:line` that reads it.
    pub read_at: String,
}

impl Layout {
    /// The values of one `uv sync` option, e.g. the groups of `--group`.
    pub fn chosen(&self, option: &str) -> Vec<String> {
        self.sync_options
            .windows(2)
            .filter(|pair| pair[0] == option)
            .map(|pair| pair[1].clone())
            .collect()
    }
}

/// Output paths, relative to the project root, and the paths the files use to refer to each other.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Outputs {
    pub dockerfile: String,
    pub compose: String,
    pub dockerignore: String,
    pub kubernetes: String,
    /// `kustomization.yaml` beside the Kubernetes manifest, for `kubectl apply -k`.
    pub kustomization: String,
    /// The manifest as the kustomization names it: its file name in the same directory.
    pub kustomization_resource: String,
    /// The build context as seen from the compose file's directory.
    pub compose_context: String,
    /// `.dockerignore` entries for the generated files: each output, and the directory of an
    /// output in a subdirectory that holds no source the build needs (`k8s`), so setuptools'
    /// flat-layout discovery never sees it as a package.
    pub context_excludes: Vec<String>,
}

/// The base image families uv-rootless can build on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum BaseId {
    /// The official `python:X.Y-slim-<codename>` images: Debian with CPython in `/usr/local`.
    PythonSlim,
    /// Azure Linux 3.0, with a uv-managed CPython under `/opt/python`.
    Azurelinux,
    /// Docker Hardened Images' `dhi.io/python:X.Y` (Debian 13): the `-dev` variant builds, the
    /// runtime variant (no shell, no package manager) runs; CPython in `/usr`.
    DhiPython,
    /// Google's `gcr.io/distroless/python3-debian13:nonroot`: Debian 13's own Python 3.13 in
    /// `/usr`, no shell; the build stage is `debian:trixie-slim` with the same Python.
    DistrolessPython3,
}

impl BaseId {
    pub const ALL: [BaseId; 4] = [
        BaseId::PythonSlim,
        BaseId::Azurelinux,
        BaseId::DhiPython,
        BaseId::DistrolessPython3,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            BaseId::PythonSlim => "python-slim",
            BaseId::Azurelinux => "azurelinux",
            BaseId::DhiPython => "dhi-python",
            BaseId::DistrolessPython3 => "distroless-python3",
        }
    }
}

impl std::fmt::Display for BaseId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for BaseId {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        BaseId::ALL
            .into_iter()
            .find(|base| base.as_str() == s)
            .ok_or_else(|| {
                let names: Vec<String> =
                    BaseId::ALL.iter().map(|base| format!("`{base}`")).collect();
                format!("unknown base `{s}`; expected one of {}", names.join(", "))
            })
    }
}
