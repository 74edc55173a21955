//! Validation and sanitising of values that land in generated files. What passes here is
//! still escaped by the templates; this keeps names within what each format allows.

use crate::error::UserError;

pub use crate::read::names::check_project_name;

/// A DNS-1035 label (a DNS-1123 label that starts with a letter, as Services require), at most
/// 63 characters, from a normalised project name. The manifest creates a namespace of this name
/// and labels it, so it is never one that Kubernetes or a cluster component owns.
pub fn dns_label(normalized: &str) -> String {
    let mut label: String = normalized
        .chars()
        .map(|ch| {
            if ch.is_ascii_alphanumeric() {
                ch.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    if !label.starts_with(|ch: char| ch.is_ascii_lowercase()) || is_system_namespace(&label) {
        label.insert_str(0, "app-");
    }
    label.truncate(63);
    let label = label.trim_end_matches('-').to_string();
    if label.is_empty() {
        "app".into()
    } else {
        label
    }
}

/// Namespaces that Kubernetes or a cluster's own components own: the manifest's Namespace
/// labels it to enforce the "restricted" profile, which would evict their privileged Pods
/// (`calico-system`'s node agents, `istio-system`'s CNI). `*-system` is the convention of such
/// components; the rest are the well-known ones that do not follow it.
fn is_system_namespace(label: &str) -> bool {
    label == "default"
        || label.starts_with("kube-")
        || label.starts_with("openshift")
        || label.ends_with("-system")
        || matches!(
            label,
            "calico-apiserver"
                | "tigera-operator"
                | "cert-manager"
                | "ingress-nginx"
                | "linkerd"
                | "linkerd-cni"
                | "linkerd-viz"
                | "istio-cni"
                | "kyverno"
                | "argocd"
                | "local-path-storage"
        )
}

/// Collapses whitespace, drops control characters: label and description values stay on one line.
pub fn one_line(text: &str) -> String {
    text.split(|ch: char| ch.is_whitespace() || ch.is_control())
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// A Docker tag allows `[A-Za-z0-9_.-]`, at most 128 characters, not starting with `.` or `-`:
/// `1.0+local` -> `1.0-local`. Every other character becomes `-`.
pub fn tag_safe(version: &str) -> String {
    let mut tag: String = version
        .chars()
        .map(|ch| {
            if ch.is_ascii_alphanumeric() || matches!(ch, '_' | '.' | '-') {
                ch
            } else {
                '-'
            }
        })
        .collect();
    if tag.starts_with(['.', '-']) {
        tag.insert(0, '_');
    }
    tag.truncate(128);
    tag
}

/// An image reference: registry, path, tag and digest characters only.
pub fn check_image(image: &str) -> Result<String, UserError> {
    let valid = !image.is_empty()
        && image.len() <= 255
        && !image.starts_with(['-', '.', '/', ':'])
        && image.bytes().all(|b| {
            b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-' | b'/' | b':' | b'@')
        });
    if valid {
        Ok(image.to_string())
    } else {
        Err(UserError::new(format!(
            "`image` in `[tool.uv-rootless]` is not a valid image reference: {}",
            serde_json::to_string(image).unwrap_or_default()
        ))
        .hint("write it like `registry.example.com/team/app:1.2.3`"))
    }
}

/// The health URL path: starts with `/`, URL characters only (no quoting, no `$`).
pub fn check_health_path(path: &str) -> Result<String, UserError> {
    let valid = path.starts_with('/')
        && path.len() <= 1024
        && path.bytes().all(|b| {
            b.is_ascii_alphanumeric()
                || matches!(
                    b,
                    b'/' | b'-'
                        | b'.'
                        | b'_'
                        | b'~'
                        | b'%'
                        | b'?'
                        | b'='
                        | b'&'
                        | b'+'
                        | b','
                        | b';'
                        | b':'
                        | b'@'
                )
        });
    if valid {
        Ok(path.to_string())
    } else {
        Err(UserError::new(format!(
            "`health-path` in `[tool.uv-rootless]` is not a URL path: {}",
            serde_json::to_string(path).unwrap_or_default()
        ))
        .hint("write a path such as `/healthz`, percent-encoding anything unusual"))
    }
}

/// An output path: relative, inside the project, not one of the project's own inputs, and
/// meaning only itself as a line of `.dockerignore`.
pub fn check_output_path(path: &str, key: &str) -> Result<String, UserError> {
    let error = |problem: &str| {
        UserError::new(format!(
            "`{key}` in `[tool.uv-rootless]` {problem}: {}",
            serde_json::to_string(path).unwrap_or_default()
        ))
        .hint("give a path relative to the project directory, such as `deploy/Dockerfile`")
    };
    let normalized = path.trim_start_matches("./");
    if normalized.is_empty() || normalized.ends_with('/') {
        return Err(error("is not a file path"));
    }
    if normalized.starts_with('/') || normalized.contains('\\') {
        return Err(error("must be a relative path with `/` separators"));
    }
    if normalized
        .split('/')
        .any(|part| part.is_empty() || part == "." || part == "..")
    {
        return Err(error("must stay inside the project"));
    }
    // `.dockerignore` lists the outputs: there `!` negates an exclusion (`!.env` would let
    // `.env` into the build context), `#` starts a comment, `*?[]` are globs, and whitespace
    // at either end is dropped. None of them can stand for itself there.
    if normalized.chars().any(|ch| {
        ch.is_control()
            || ch.is_whitespace()
            // Invisible format characters: a byte-order mark, zero-width and bidirectional
            // marks, which YAML refuses raw and which make a path look like another.
            || matches!(ch, '\u{feff}' | '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2060}'..='\u{2069}')
            || matches!(
                ch,
                '"' | '\'' | '$' | '`' | '*' | '?' | '[' | ']' | '{' | '}' | '#' | '!'
            )
    }) {
        return Err(error(
            "contains characters that the generated files cannot quote safely",
        ));
    }
    // The project's inputs, in any directory (a workspace member's `pyproject.toml`) and in any
    // case (a case-insensitive file system), and the ignore file Docker reads beside a
    // Dockerfile (`NAME.dockerignore`): never an output, whatever `--force` says.
    let file_name = normalized
        .rsplit('/')
        .next()
        .unwrap_or(normalized)
        .to_ascii_lowercase();
    if matches!(
        file_name.as_str(),
        "pyproject.toml" | "uv.lock" | ".python-version"
    ) || file_name.ends_with(".dockerignore")
    {
        return Err(error("would overwrite one of the project's own files"));
    }
    Ok(normalized.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dns_labels() {
        assert_eq!(dns_label("cli-hello"), "cli-hello");
        assert_eq!(dns_label("3d-tools"), "app-3d-tools");
        assert_eq!(dns_label("default"), "app-default");
        assert_eq!(dns_label("kube-system"), "app-kube-system");
        assert_eq!(dns_label("kubernetes"), "kubernetes");
        for system in [
            "calico-system",
            "istio-system",
            "kube-public",
            "tigera-operator",
        ] {
            assert_eq!(dns_label(system), format!("app-{system}"));
        }
        assert_eq!(dns_label("systematic"), "systematic");
        assert_eq!(dns_label(&"a".repeat(80)).len(), 63);
        assert_eq!(dns_label(&format!("{}-b", "a".repeat(62))), "a".repeat(62));
    }

    #[test]
    fn output_paths_stay_inside() {
        assert_eq!(
            check_output_path("./deploy/Dockerfile", "dockerfile").unwrap(),
            "deploy/Dockerfile"
        );
        for bad in [
            "/etc/passwd",
            "../x",
            "a/../../b",
            "uv.lock",
            "a b",
            "x\ny",
            "",
            "!.env",
            "deploy/ Dockerfile",
            "Dockerfile\u{a0}",
            "k8s/*.yaml",
            "packages/api/pyproject.toml",
            "Uv.Lock",
            "Dockerfile.dockerignore",
            "\u{feff}Dockerfile",
            "deploy/\u{202e}elifrekcoD",
        ] {
            assert!(check_output_path(bad, "dockerfile").is_err(), "{bad:?}");
        }
    }

    #[test]
    fn one_line_removes_newlines() {
        assert_eq!(one_line("a\n  b\r\n\tc\u{7}d"), "a b c d");
    }
}
