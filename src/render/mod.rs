//! Rendering: the plan, through its [`view`], into the templates embedded in the binary.
//!
//! Strict undefined (a missing field is our bug, not empty output), trailing newlines kept,
//! block tags trimmed. Every value reaches an output through the [`escape`] filter of the
//! context it is printed in. The Dockerfile and `.dockerignore` refuse to print a string that
//! went through none (only numbers print bare there); in `.yaml.j2` templates a value without a
//! filter is written as a YAML scalar, which is what their filters write too.

pub mod escape;
pub mod view;

use crate::error::{internal, UserError};
use crate::model::Plan;
use minijinja::{
    AutoEscape, Environment, Error, ErrorKind, Output, State, UndefinedBehavior, Value,
};

/// One generated file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum OutputKind {
    Dockerfile,
    Compose,
    Dockerignore,
    Kubernetes,
    Kustomization,
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
    (
        OutputKind::Kustomization,
        "kustomization.yaml.j2",
        include_str!("../../templates/kustomization.yaml.j2"),
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

/// Auto-escape modes: what printing a value means in each kind of template.
const STRICT: AutoEscape = AutoEscape::Custom("strict");
const YAML: AutoEscape = AutoEscape::Custom("yaml");

fn environment() -> Result<Environment<'static>, UserError> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_keep_trailing_newline(true);
    env.set_trim_blocks(true);
    env.set_lstrip_blocks(true);
    env.set_auto_escape_callback(|name| {
        if name.ends_with(".yaml.j2") {
            YAML
        } else {
            STRICT
        }
    });
    env.set_formatter(format_value);
    let safe = |text: String| Value::from_safe_string(text);
    env.add_filter("comment", move |text: &str| safe(escape::comment(text)));
    env.add_filter("label_value", move |text: &str| {
        safe(escape::label_value(text))
    });
    env.add_filter("exec_form", move |args: Vec<String>| {
        escape::exec_form(&args).map(safe)
    });
    env.add_filter("shell_word", move |word: &str| {
        escape::shell_word(word).map(safe)
    });
    env.add_filter("yaml_scalar", move |value: Value| {
        escape::yaml_scalar(&value).map(safe)
    });
    env.add_filter("yaml_plain", move |text: &str| {
        escape::yaml_plain(text).map(safe)
    });
    env.add_filter("mount_value", move |value: &str| {
        escape::mount_value(value).map(safe)
    });
    env.add_filter("dockerignore_line", move |path: &str| {
        escape::dockerignore_line(path).map(safe)
    });
    env.add_template(MACROS.0, MACROS.1).map_err(internal)?;
    for (_, name, source) in TEMPLATES {
        env.add_template(name, source).map_err(internal)?;
    }
    Ok(env)
}

/// Prints a value: filtered (safe) strings as they are; otherwise, in YAML, as a YAML scalar,
/// and elsewhere only numbers, so a string that skipped its escaping fails the render.
fn format_value(out: &mut Output, state: &State, value: &Value) -> Result<(), Error> {
    if value.is_undefined() {
        return Err(Error::from(ErrorKind::UndefinedError));
    }
    let text = if value.is_safe() {
        value.to_string()
    } else if state.auto_escape() == YAML {
        escape::yaml_scalar(value)?
    } else if value.is_number() {
        value.to_string()
    } else {
        return Err(Error::new(
            ErrorKind::InvalidOperation,
            format!("{value:?} printed without an escaping filter"),
        ));
    };
    out.write_str(&text).map_err(Error::from)
}

/// The templates, compiled once a process: by [`warm_up`]'s thread while the project is read,
/// or else by the first render.
static COMPILED: std::sync::OnceLock<Result<Environment<'static>, String>> =
    std::sync::OnceLock::new();

fn compiled() -> Result<&'static Environment<'static>, UserError> {
    COMPILED
        .get_or_init(|| environment().map_err(|error| error.to_string()))
        .as_ref()
        .map_err(|error| internal(error.clone()))
}

/// Compiles the templates on another thread, so that it overlaps reading the project (a few
/// milliseconds of a `check`). A render that comes first waits for it.
pub fn warm_up() {
    if COMPILED.get().is_none() {
        // Without a thread (none to be had), the first render compiles them.
        let _ = std::thread::Builder::new().spawn(|| {
            let _ = compiled();
        });
    }
}

/// Renders every output of `plan`.
pub fn render_all(plan: &Plan) -> Result<Vec<Rendered>, UserError> {
    let env = compiled()?;
    TEMPLATES
        .iter()
        .map(|(kind, name, _)| {
            let template = env.get_template(name).map_err(internal)?;
            let content = template
                .render(minijinja::context! { plan => view::view(plan) })
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
        OutputKind::Kustomization => &plan.outputs.kustomization,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_template_parses() {
        environment().unwrap();
    }

    fn render_as(name: &str, source: &str) -> Result<String, minijinja::Error> {
        let mut env = environment().unwrap();
        env.add_template_owned(name.to_string(), source.to_string())?;
        env.get_template(name)?
            .render(minijinja::context! { text => "a\u{2028}b", port => 8000 })
    }

    #[test]
    fn dockerfile_refuses_a_string_printed_without_a_filter() {
        let error = render_as("test.j2", "RUN echo {{ text }}").unwrap_err();
        assert!(
            error.to_string().contains("without an escaping filter"),
            "{error}"
        );
        assert_eq!(
            render_as("test.j2", "# {{ text|comment }}\nEXPOSE {{ port }}").unwrap(),
            "# a b\nEXPOSE 8000"
        );
        assert!(render_as("test.j2", "{{ missing }}").is_err());
    }

    #[test]
    fn yaml_prints_an_unfiltered_value_as_a_yaml_scalar() {
        assert_eq!(
            render_as("test.yaml.j2", "a: {{ text }}\nb: {{ port }}").unwrap(),
            "a: \"a\\u2028b\"\nb: 8000"
        );
    }
}
