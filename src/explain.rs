//! `explain`: the plan for people, or as JSON for tools.

use crate::error::{internal, UserError};
use crate::model::{Decision, Plan};

/// The plan as JSON, pretty-printed, with a trailing newline.
pub fn json(plan: &Plan) -> Result<String, UserError> {
    serde_json::to_string_pretty(plan)
        .map(|mut text| {
            text.push('\n');
            text
        })
        .map_err(internal)
}

/// The plan for people: each decision, its value, and why.
pub fn text(plan: &Plan) -> String {
    fn line<T>(out: &mut String, name: &str, value: &str, decision: &Decision<T>) {
        out.push_str(&format!("{name:<9} {value}\n"));
        out.push_str(&format!(
            "{:<9} from {}: {}\n",
            "",
            decision.source.describe(),
            decision.reason
        ));
    }
    let mut out = format!(
        "Plan for `{}`{} ({} {})\n\n",
        plan.project.name,
        if plan.project.version.is_empty() {
            String::new()
        } else {
            format!(" {}", plan.project.version)
        },
        plan.tool.name,
        plan.tool.version
    );
    for warning in &plan.warnings {
        out.push_str(&format!("{:<9} {warning}\n", "warning"));
    }
    if !plan.warnings.is_empty() {
        out.push('\n');
    }
    let base = &plan.base.value;
    line(
        &mut out,
        "base",
        &format!(
            "{} ({}): build on `{}`, run on `{}`",
            base.id, base.title, base.build_image, base.runtime_image
        ),
        &plan.base,
    );
    line(&mut out, "python", &plan.python.value.version, &plan.python);
    line(&mut out, "uv", &plan.uv_version.value, &plan.uv_version);
    let command = serde_json::to_string(&plan.command.value).unwrap_or_default();
    line(&mut out, "command", &command, &plan.command);
    for target in &plan.targets {
        out.push_str(&format!(
            "{:<9} {} `{}` ({}){}: {}\n",
            "target",
            if target.chosen { "*" } else { "-" },
            target.name,
            target.manifest,
            if target.command.is_empty() {
                String::new()
            } else {
                format!(
                    " {}",
                    serde_json::to_string(&target.command).unwrap_or_default()
                )
            },
            target.reason
        ));
    }
    if plan.app.web {
        let probe = if plan.app.health_probe == crate::model::HealthProbe::Tcp {
            "TCP connect".to_string()
        } else {
            format!("`{}`", plan.app.health_path)
        };
        out.push_str(&format!(
            "{:<9} web: port {}, health check {probe}\n",
            "serves", plan.app.port
        ));
        if !plan.app.health_note.is_empty() {
            out.push_str(&format!(
                "{:<9} the health check does not prove all: {}\n",
                "", plan.app.health_note
            ));
        }
    } else {
        out.push_str(&format!(
            "{:<9} verify's smoke test arguments {}{}\n",
            "smoke",
            serde_json::to_string(&plan.app.smoke_args).unwrap_or_default(),
            if plan.app.kind == crate::model::AppKind::Worker {
                format!(", up for {} s", plan.runtime.smoke_seconds)
            } else {
                String::new()
            }
        ));
    }
    let runtime = &plan.runtime;
    line(&mut out, "kind", runtime.kind.value.as_str(), &runtime.kind);
    if !runtime.writable.value.is_empty() {
        line(
            &mut out,
            "writable",
            &runtime.writable_mounts.join(", "),
            &runtime.writable,
        );
    }
    if !runtime.env_file.is_empty() {
        out.push_str(&format!(
            "{:<9} compose reads `{}`\n",
            "env file", runtime.env_file
        ));
    }
    for hint in &runtime.hints {
        out.push_str(&format!("{:<9} {hint}\n", "hint"));
    }
    for setting in &runtime.required_env {
        out.push_str(&format!(
            "{:<9} `{}` is required at start: `{}`, {}; pass it at run time (verify gives it `{}`)\n",
            "setting", setting.name, setting.at, setting.reason, setting.stand_in
        ));
    }
    for finding in &plan.app.findings {
        out.push_str(&format!("{:<9} {finding}\n", "source"));
    }
    for var in &plan.app.env {
        out.push_str(&format!(
            "{:<9} `{}={}` in the final stage, read by the code\n",
            "env", var.name, var.value
        ));
    }
    let static_files = &plan.static_files;
    if static_files.collect {
        out.push_str(&format!(
            "{:<9} {}: `{}`\n",
            "static",
            static_files.reason,
            static_files.command.join(" ")
        ));
    }
    let user = &plan.user.value;
    line(
        &mut out,
        "user",
        &format!("{}:{}", user.uid, user.gid),
        &plan.user,
    );
    line(&mut out, "image", &plan.image.value, &plan.image);
    if let Some(version) = &plan.scm_version {
        out.push_str(&format!(
            "{:<9} {}{}\n",
            "version",
            version.value,
            if version.value == version.release {
                String::new()
            } else {
                format!(
                    " (the generated files carry the release `{}`; `verify` builds with `{}`)",
                    version.release, version.value
                )
            }
        ));
        out.push_str(&format!(
            "{:<9} from {}: {}\n",
            "",
            version.source.describe(),
            version.reason
        ));
        out.push_str(&format!(
            "{:<9} {} reads the version from git, which the build context leaves out: the build stage sets {} from `APP_VERSION`\n",
            "",
            version.backend,
            version
                .env
                .iter()
                .map(|name| format!("`{name}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    let layout = &plan.layout;
    out.push_str(&format!(
        "{:<9} {}{}\n",
        "install",
        if layout.installs_project {
            format!("project installed into `{}`", layout.venv)
        } else if !layout.from_source.is_empty() {
            format!(
                "packaged project run from its source: dependencies in `{}`, source in `{}`, not installed: {}",
                layout.venv, layout.build_dir, layout.from_source
            )
        } else {
            format!(
                "virtual project: dependencies in `{}`, source in `{}`",
                layout.venv, layout.build_dir
            )
        },
        if layout.package.is_empty() {
            String::new()
        } else {
            format!(", workspace member `{}`", layout.package)
        }
    ));
    if !layout.dynamic_dependencies.is_empty() {
        out.push_str(&format!(
            "{:<9} the dependencies' stage installs the lock as it is (`uv sync --frozen`): `{}` \
             {} dependencies `dynamic`, which only the build backend works out from the whole \
             source; the project's stage checks the lock (`--locked`)\n",
            "lock",
            layout.dynamic_dependencies.join("`, `").escape_debug(),
            if layout.dynamic_dependencies.len() == 1 {
                "declares"
            } else {
                "declare"
            },
        ));
    }
    for file in &layout.run_files {
        out.push_str(&format!(
            "{:<9} `{}` to `{}`: `{}` reads it relative to the working directory, `{}`\n",
            "copies",
            file.path.escape_debug(),
            file.target.escape_debug(),
            file.read_at.escape_debug(),
            layout.run_dir
        ));
    }
    line(
        &mut out,
        "platform",
        &plan.platforms.value.join(", "),
        &plan.platforms,
    );
    for build in &plan.needs.source_builds {
        out.push_str(&format!(
            "{:<9} `{}` {} from source on {}: {}{}\n",
            "builds",
            build.package,
            build.version,
            build.platforms.join(", "),
            build.why,
            if build.library.is_empty() {
                String::new()
            } else {
                format!("; links {}", build.library)
            }
        ));
    }
    for reason in &plan.needs.reasons {
        out.push_str(&format!("{:<9} {reason}\n", "needs"));
    }
    if !plan.needs.runtime_packages.is_empty() {
        out.push_str(&format!(
            "{:<9} in the final stage, the system packages {} (libraries and programs the installed packages use)\n",
            "needs",
            plan.needs
                .runtime_packages
                .iter()
                .map(|p| format!("`{p}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    for index in &plan.needs.indexes {
        out.push_str(&format!(
            "{:<9} credentials of index `{}`, if it needs any, only through the build secrets `{}` and `{}`\n",
            "needs", index.name, index.username_secret, index.password_secret
        ));
    }
    out.push_str(&format!(
        "{:<9} {}, {}, {}, {}\n",
        "outputs",
        plan.outputs.dockerfile,
        plan.outputs.compose,
        plan.outputs.dockerignore,
        plan.outputs.kubernetes
    ));
    out
}
