//! What the templates see: the plan's values without their sources and reasons (those are for
//! `explain`), the base's facts, and the hardening and health timings in the spellings the
//! outputs use. Built here, in Rust, so the templates only loop, branch and print.

use crate::hardening::{HealthTimings, HARDENING, HEALTH};
use crate::model::{
    App, Layout, Needs, Outputs, PackageManager, Plan, ProjectInfo, Python, Runtime, StaticFiles,
    ToolInfo, User,
};
use serde::Serialize;

/// The plan as the templates see it, under the name `plan`.
#[derive(Debug, Serialize)]
pub struct View<'a> {
    pub tool: &'a ToolInfo,
    pub project: &'a ProjectInfo,
    pub base: BaseView<'a>,
    pub python: &'a Python,
    pub app: &'a App,
    pub command: &'a [String],
    pub user: User,
    pub image: &'a str,
    /// The image's repository without its tag or digest, as kustomize's `images` names it.
    pub image_name: &'a str,
    pub layout: &'a Layout,
    pub platforms: &'a [String],
    pub needs: &'a Needs,
    pub outputs: &'a Outputs,
    /// Whether `docker build` needs `-f`: the Dockerfile is not `Dockerfile` at the root.
    pub dockerfile_flag: bool,
    pub hardening: HardeningView,
    pub health: HealthTimings,
    pub runtime: &'a Runtime,
    pub static_files: &'a StaticFiles,
    /// Whether the manifest runs the app as a Job (it runs to completion) rather than a
    /// Deployment.
    pub k8s_job: bool,
    /// The kind in words, for comments: `command-line app`, `worker`, ...
    pub kind_noun: &'static str,
    /// The paths the app may write, each as its outputs mount it.
    pub writable: Vec<WritableView>,
    /// The env file as the compose file's directory sees it; empty for none.
    pub compose_env_file: String,
    pub layers: LayersView,
}

/// One writable path, as each output mounts it.
#[derive(Debug, Serialize)]
pub struct WritableView {
    /// Absolute path in the container.
    pub mount: String,
    /// compose's tmpfs entry, owned by the runtime user.
    pub tmpfs: String,
    /// Kubernetes volume name: `writable-N`, a DNS-1123 label whatever the path.
    pub volume: String,
    pub size_mib: u32,
}

/// Build-stage paths of the layered final stage: the dependencies' environment as the project
/// step sees it, and where that step stages what it added. Neither reaches the image.
#[derive(Debug, Serialize)]
pub struct LayersView {
    /// Where the dependencies' stage's environment is mounted in the project step.
    pub deps_venv: String,
    /// The root of what the project step adds, copied onto `/` in the final stage.
    pub staging: &'static str,
    /// The environment's path under [`LayersView::staging`].
    pub staged_venv: String,
    /// Where the stdlib stage stages the bytecode of the final image's standard library, at its
    /// paths.
    pub stdlib_bytecode: &'static str,
    /// How that bytecode is checked at import: `unchecked-hash` when the build stage's Python is
    /// the final image's own (the same image, or uv's Python copied over), else `checked-hash`,
    /// so that a source that differs there is compiled again, never run from other bytecode.
    pub stdlib_invalidation: &'static str,
    /// Why, for the Dockerfile's comment.
    pub stdlib_invalidation_reason: &'static str,
    /// The interpreter's tools in the standard library, which a server does not start, as one
    /// list of names: what the stdlib stage does not follow (unless importing the dependencies
    /// loads them).
    pub stdlib_tools: String,
    /// Where the dependencies' stage stages libstdc++ for a final image without it, at its
    /// path (empty when no extension module needs it).
    pub libstdcxx: &'static str,
}

/// Holds libstdc++ for the final stage, in the dependencies' stage only.
const LIBSTDCXX: &str = "/staging-libstdcxx";

/// Holds the project's installed files, at their paths, in the project stage only.
const STAGING: &str = "/staging";

/// Holds the standard library's bytecode, at its paths, in the build stage only.
const STDLIB_BYTECODE: &str = "/stdlib-bytecode";

/// See [`LayersView::stdlib_tools`]: module and package names, plain words.
const STDLIB_TOOLS: &[&str] = &[
    "pydoc",
    "pydoc_data",
    "pdb",
    "bdb",
    "doctest",
    "_pyrepl",
    "idlelib",
    "tkinter",
    "turtle",
    "turtledemo",
    "ensurepip",
    "venv",
    "test",
    "tests",
    "lib2to3",
];

/// The invalidation mode of the standard library's bytecode, and why: see
/// [`LayersView::stdlib_invalidation`].
fn stdlib_invalidation(base: &crate::model::Base) -> (&'static str, &'static str) {
    if base.managed_python {
        ("unchecked-hash", "the final stage copies this Python")
    } else if base.build_image == base.runtime_image {
        (
            "unchecked-hash",
            "the build and final stages start from the same image",
        )
    } else {
        (
            "checked-hash",
            "the build image's standard library may differ from the final image's",
        )
    }
}

/// The base: its images and every fact the templates branch on or print.
#[derive(Debug, Serialize)]
pub struct BaseView<'a> {
    pub uv_image: &'a str,
    pub title: &'a str,
    pub build_image: &'a str,
    pub runtime_image: &'a str,
    pub managed_python: bool,
    pub python_install_dir: &'a str,
    pub python_command: &'a str,
    pub python_packages: &'a [String],
    pub runtime_has_shell: bool,
    pub copies_libstdcxx: bool,
    pub ca_bundle: &'a str,
    pub package_manager: PackageManager,
    pub runtime_package_manager: Option<PackageManager>,
}

/// [`HARDENING`] as compose and Kubernetes spell it.
#[derive(Debug, Serialize)]
pub struct HardeningView {
    pub read_only_root: bool,
    pub cap_drop: &'static [&'static str],
    /// Kubernetes' `allowPrivilegeEscalation`: the opposite of `no-new-privileges`.
    pub allow_privilege_escalation: bool,
    /// compose's `security_opt`.
    pub security_opt: Vec<String>,
    /// The `/tmp` tmpfs, owned by the runtime user (compose).
    pub tmpfs: String,
    pub tmp_path: &'static str,
    pub tmp_size_mib: u32,
}

pub fn view(plan: &Plan) -> View<'_> {
    let base = &plan.base.value;
    let user = plan.user.value;
    View {
        tool: &plan.tool,
        project: &plan.project,
        base: BaseView {
            uv_image: &base.uv_image,
            title: &base.title,
            build_image: &base.build_image,
            runtime_image: &base.runtime_image,
            managed_python: base.managed_python,
            python_install_dir: &base.python_install_dir,
            python_command: &base.python_command,
            python_packages: &base.python_packages,
            runtime_has_shell: base.runtime_has_shell,
            copies_libstdcxx: base.copies_libstdcxx,
            ca_bundle: &base.ca_bundle,
            package_manager: base.package_manager,
            runtime_package_manager: base.runtime_package_manager,
        },
        python: &plan.python.value,
        app: &plan.app,
        command: &plan.command.value,
        user,
        image: &plan.image.value,
        image_name: image_name(&plan.image.value),
        layout: &plan.layout,
        platforms: &plan.platforms.value,
        needs: &plan.needs,
        outputs: &plan.outputs,
        dockerfile_flag: plan.outputs.dockerfile != "Dockerfile",
        hardening: HardeningView {
            read_only_root: HARDENING.read_only_root,
            cap_drop: HARDENING.cap_drop,
            allow_privilege_escalation: !HARDENING.no_new_privileges,
            security_opt: HARDENING.security_opt(),
            tmpfs: HARDENING.tmpfs(&user),
            tmp_path: HARDENING.tmp_path,
            tmp_size_mib: HARDENING.tmp_size_mib,
        },
        health: HEALTH,
        runtime: &plan.runtime,
        static_files: &plan.static_files,
        k8s_job: !plan.app.kind.long_running(),
        kind_noun: match plan.app.kind {
            crate::model::AppKind::Web => "web app",
            crate::model::AppKind::Worker => "worker",
            crate::model::AppKind::Job => "job",
            crate::model::AppKind::Cli => "command-line app",
        },
        writable: plan
            .runtime
            .writable_mounts
            .iter()
            .enumerate()
            .map(|(index, mount)| WritableView {
                mount: mount.clone(),
                tmpfs: HARDENING.writable_tmpfs(mount, &user),
                volume: format!("writable-{}", index + 1),
                size_mib: HARDENING.writable_size_mib,
            })
            .collect(),
        compose_env_file: match (
            plan.runtime.env_file.as_str(),
            plan.outputs.compose_context.as_str(),
        ) {
            ("", _) => String::new(),
            (file, "." | "") => file.to_string(),
            (file, context) => format!("{}/{file}", context.trim_end_matches('/')),
        },
        layers: LayersView {
            deps_venv: format!("/deps{}", plan.layout.venv),
            staging: STAGING,
            staged_venv: format!("{STAGING}{}", plan.layout.venv),
            stdlib_bytecode: STDLIB_BYTECODE,
            stdlib_invalidation: stdlib_invalidation(base).0,
            stdlib_invalidation_reason: stdlib_invalidation(base).1,
            stdlib_tools: STDLIB_TOOLS.join(" "),
            libstdcxx: LIBSTDCXX,
        },
    }
}

/// `registry:5000/team/app:1.2@sha256:...` -> `registry:5000/team/app`: the digest goes first,
/// then a tag after the last `/`.
fn image_name(image: &str) -> &str {
    let image = image.split('@').next().unwrap_or(image);
    let last_slash = image.rfind('/').map_or(0, |index| index + 1);
    match image[last_slash..].rfind(':') {
        Some(colon) => &image[..last_slash + colon],
        None => image,
    }
}

#[cfg(test)]
mod tests {
    use super::image_name;

    #[test]
    fn image_name_drops_the_tag_and_digest_but_not_a_registry_port() {
        assert_eq!(image_name("app:1.0"), "app");
        assert_eq!(
            image_name("registry:5000/team/app:1.0"),
            "registry:5000/team/app"
        );
        assert_eq!(
            image_name("registry:5000/team/app"),
            "registry:5000/team/app"
        );
        assert_eq!(image_name("app@sha256:abc"), "app");
        assert_eq!(image_name("ghcr.io/o/app:1.0@sha256:abc"), "ghcr.io/o/app");
    }
}
