//! Rendering: the plan through the templates embedded in the binary.
//!
//! Strict undefined (a missing field is our bug, not empty output), trailing newlines kept,
//! block tags trimmed. `.yaml.j2` templates escape every printed value as a JSON scalar,
//! which YAML reads as a quoted string; the Dockerfile uses `exec_form` (JSON arrays) for exec forms and
//! `docker_quote` for label values.

pub mod escape;

use crate::error::{internal, UserError};
use crate::model::Plan;
use minijinja::{AutoEscape, Environment, UndefinedBehavior};

/// One generated file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum OutputKind {
    Dockerfile,
    Compose,
    Dockerignore,
    Kubernetes,
}

/// Every output, its template name and source, in the order they are written and shown.
const TEMPLATES: &[(OutputKind, &str, &str)] = &[
    (
        OutputKind::Dockerfile,
        "Dockerfile.j2",
        include_str!("../../templates/Dockerfile.j2"),
    ),
    (
        OutputKind::Compose,
        "compose.yaml.j2",
        include_str!("../../templates/compose.yaml.j2"),
    ),
    (
        OutputKind::Dockerignore,
        "dockerignore.j2",
        include_str!("../../templates/dockerignore.j2"),
    ),
    (
        OutputKind::Kubernetes,
        "k8s.yaml.j2",
        include_str!("../../templates/k8s.yaml.j2"),
    ),
];

const MACROS: (&str, &str) = ("_macros.j2", include_str!("../../templates/_macros.j2"));

/// A rendered output and where it goes, relative to the project root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    pub kind: OutputKind,
    pub path: String,
    pub content: String,
}

fn environment() -> Result<Environment<'static>, UserError> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_keep_trailing_newline(true);
    env.set_trim_blocks(true);
    env.set_lstrip_blocks(true);
    env.set_auto_escape_callback(|name| {
        if name.ends_with(".yaml.j2") {
            AutoEscape::Json
        } else {
            AutoEscape::None
        }
    });
    env.add_filter("docker_quote", docker_quote);
    env.add_filter("exec_form", exec_form);
    env.add_template(MACROS.0, MACROS.1).map_err(internal)?;
    for (_, name, source) in TEMPLATES {
        env.add_template(name, source).map_err(internal)?;
    }
    Ok(env)
}

/// Escapes a value for a double-quoted Dockerfile string: backslash, quote, and `$` (which
/// Dockerfile would expand). Newlines never reach here: the plan keeps values on one line.
fn docker_quote(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for ch in value.chars() {
        match ch {
            '\\' | '"' | '$' => {
                out.push('\\');
                out.push(ch);
            }
            ch if ch.is_control() => out.push(' '),
            ch => out.push(ch),
        }
    }
    out
}

/// A Dockerfile exec form: a JSON array of strings, which Dockerfile parses as JSON and never
/// expands. Plain JSON escaping (quotes, backslashes, control characters), nothing more.
fn exec_form(args: Vec<String>) -> Result<String, minijinja::Error> {
    serde_json::to_string(&args).map_err(|error| {
        minijinja::Error::new(minijinja::ErrorKind::InvalidOperation, error.to_string())
    })
}

/// Renders every output of `plan`.
pub fn render_all(plan: &Plan) -> Result<Vec<Rendered>, UserError> {
    let env = environment()?;
    TEMPLATES
        .iter()
        .map(|(kind, name, _)| {
            let template = env.get_template(name).map_err(internal)?;
            let content = template
                .render(minijinja::context! { plan => plan })
                .map_err(|error| {
                    internal(format!("template `{name}` failed to render: {error:#}"))
                })?;
            Ok(Rendered {
                kind: *kind,
                path: path_of(plan, *kind).to_string(),
                content,
            })
        })
        .collect()
}

pub fn path_of(plan: &Plan, kind: OutputKind) -> &str {
    match kind {
        OutputKind::Dockerfile => &plan.outputs.dockerfile,
        OutputKind::Compose => &plan.outputs.compose,
        OutputKind::Dockerignore => &plan.outputs.dockerignore,
        OutputKind::Kubernetes => &plan.outputs.kubernetes,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn docker_quote_escapes_what_dockerfile_interprets() {
        assert_eq!(docker_quote(r#"a "b" $(c) \d"#), r#"a \"b\" \$(c) \\d"#);
    }

    #[test]
    fn every_template_parses() {
        environment().unwrap();
    }
}
