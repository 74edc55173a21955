//! Records choices in `[tool.uv-rootless]` with toml_edit: every other byte of
//! `pyproject.toml` stays as it was (line endings, a byte-order mark, a missing final newline
//! and the quoting of values left alone included), and each key added gets a comment saying
//! what it is.

use crate::error::UserError;
use toml_edit::{DocumentMut, InlineTable, Item, Table, Value};

/// One key to set in `[tool.uv-rootless]`.
#[derive(Debug, Clone)]
pub struct Choice {
    pub key: &'static str,
    pub value: Value,
    pub comment: &'static str,
}

/// Sets `choices` in `[tool.uv-rootless]` and removes the keys in `remove`. Keys whose value
/// is already the same are left untouched, so recording twice changes nothing.
pub fn record(text: &str, choices: &[Choice], remove: &[&str]) -> Result<String, UserError> {
    let (bom, body) = match text.strip_prefix('\u{feff}') {
        Some(body) => ("\u{feff}", body),
        None => ("", text),
    };
    let mut document: DocumentMut = body.parse().map_err(|error: toml_edit::TomlError| {
        UserError::new("failed to parse `pyproject.toml`").detail(error.to_string())
    })?;
    // toml_edit writes `\n` line ends and a final newline: what it writes for the document
    // as parsed is the baseline that the edit is compared with, line by line.
    let baseline = document.to_string();
    edit(&mut document, choices, remove)?;
    let edited = document.to_string();
    Ok(format!("{bom}{}", keep_layout(body, &baseline, &edited)))
}

/// `edited`, with every line it shares with `baseline` taken from `original` as it was there
/// (its line ending included), and every new line ending as the file's lines do. When the
/// baseline is not `original` line for line, `edited` as it is.
fn keep_layout(original: &str, baseline: &str, edited: &str) -> String {
    let original_lines: Vec<&str> = original.split_inclusive('\n').collect();
    let baseline_lines: Vec<&str> = baseline.split_inclusive('\n').collect();
    let same = original_lines.len() == baseline_lines.len()
        && original_lines.iter().zip(&baseline_lines).all(|(o, b)| {
            // A multi-line string keeps its own `\r\n` in toml_edit's text: compare without.
            let bare = |line: &str| {
                let line = line.strip_suffix('\n').unwrap_or(line);
                line.strip_suffix('\r').unwrap_or(line).to_string()
            };
            bare(o) == bare(b)
        });
    if !same {
        return edited.to_string();
    }
    let eol = if original.contains("\r\n") {
        "\r\n"
    } else {
        "\n"
    };
    let edited_lines: Vec<&str> = edited.split_inclusive('\n').collect();
    let mut out = String::with_capacity(edited.len() + edited_lines.len());
    let diff =
        similar::capture_diff_slices(similar::Algorithm::Myers, &baseline_lines, &edited_lines);
    for op in diff {
        for change in op.iter_changes(&baseline_lines, &edited_lines) {
            match change.tag() {
                similar::ChangeTag::Equal => {
                    let line = original_lines[change.old_index().unwrap_or_default()];
                    out.push_str(line);
                    if !line.ends_with('\n') {
                        // The original's last line, without an end: more lines follow it now.
                        out.push_str(eol);
                    }
                }
                similar::ChangeTag::Insert => {
                    let line = change.value();
                    out.push_str(line.strip_suffix('\n').unwrap_or(line));
                    out.push_str(eol);
                }
                similar::ChangeTag::Delete => {}
            }
        }
    }
    if !original.is_empty() && !original.ends_with('\n') {
        // Keep the file without a final newline.
        let trimmed = out.strip_suffix(eol).unwrap_or(&out).len();
        out.truncate(trimmed);
    }
    out
}

/// Whether two values are the same TOML data, however each is written (`'a'` and `"a"`).
fn same_value(a: &Value, b: &Value) -> bool {
    let parse = |value: &Value| {
        let mut value = value.clone();
        value.decor_mut().clear();
        toml::from_str::<toml::Table>(&format!("v = {value}")).ok()
    };
    match (parse(a), parse(b)) {
        (Some(a), Some(b)) => a == b,
        _ => false,
    }
}

fn edit(document: &mut DocumentMut, choices: &[Choice], remove: &[&str]) -> Result<(), UserError> {
    let root = document.as_table_mut();
    if !root.contains_key("tool") {
        let mut tool = Table::new();
        tool.set_implicit(true);
        root.insert("tool", Item::Table(tool));
    }
    // `tool` and `tool.uv-rootless` may be inline tables (`uv-rootless = { ... }`): they are
    // edited in place, as the reader reads them, with no comments (an inline table has no room
    // for one).
    let inline_tool = root.get("tool").is_some_and(Item::is_inline_table);
    let tool = root
        .get_mut("tool")
        .and_then(Item::as_table_like_mut)
        .ok_or_else(|| {
            UserError::new("`tool` in `pyproject.toml` is not a table")
                .hint("make it a table: `[tool]` or `[tool.NAME]` sections")
        })?;
    let created = !tool.contains_key("uv-rootless");
    if created {
        if inline_tool {
            let closing = closing_space(tool, None);
            let mut table = Value::InlineTable(InlineTable::new());
            table.decor_mut().set_prefix(" ");
            tool.insert("uv-rootless", Item::Value(table));
            closing_space(tool, Some(closing));
        } else {
            let mut table = Table::new();
            table.decor_mut().set_prefix("\n");
            tool.insert("uv-rootless", Item::Table(table));
        }
    }
    let inline = tool.get("uv-rootless").is_some_and(Item::is_inline_table);
    let table = tool
        .get_mut("uv-rootless")
        .and_then(Item::as_table_like_mut)
        .ok_or_else(|| {
            UserError::new("`tool.uv-rootless` in `pyproject.toml` is not a table")
                .hint("write it as a `[tool.uv-rootless]` section")
        })?;
    // In an inline table, the space before `}` is the last value's: it is taken off here and
    // put on whichever value is last at the end, or a comma would follow it (`'a' , b = 1`).
    let closing = match (inline, created) {
        (true, true) => " ".to_string(),
        (true, false) => closing_space(table, None),
        (false, _) => String::new(),
    };
    for key in remove {
        table.remove(key);
    }
    for choice in choices {
        match table.get_mut(choice.key) {
            Some(Item::Value(existing)) => {
                if !same_value(existing, &choice.value) {
                    let decor = existing.decor().clone();
                    let mut value = choice.value.clone();
                    *value.decor_mut() = decor;
                    *existing = value;
                }
            }
            _ => {
                let mut value = choice.value.clone();
                if inline {
                    value.decor_mut().set_prefix(" ");
                }
                table.insert(choice.key, Item::Value(value));
                if !inline {
                    if let Some(mut key) = table.key_mut(choice.key) {
                        key.leaf_decor_mut()
                            .set_prefix(format!("# {}\n", choice.comment));
                    }
                }
            }
        }
    }
    if inline {
        closing_space(table, Some(closing));
    }
    Ok(())
}

/// Takes the whitespace after the last value of an inline table off it and returns it, or
/// (with `put`) puts it there.
fn closing_space(table: &mut dyn toml_edit::TableLike, put: Option<String>) -> String {
    let Some((_, Item::Value(last))) = table.iter_mut().last() else {
        return String::new();
    };
    if let Some(space) = put {
        last.decor_mut().set_suffix(space);
        return String::new();
    }
    let suffix = last
        .decor()
        .suffix()
        .and_then(|suffix| suffix.as_str())
        .unwrap_or("")
        .to_string();
    if suffix.chars().all(char::is_whitespace) {
        last.decor_mut().set_suffix("");
        suffix
    } else {
        String::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base(value: &str) -> Choice {
        Choice {
            key: "base",
            value: Value::from(value),
            comment: "Base image family.",
        }
    }

    #[test]
    fn leaves_everything_else_byte_for_byte() {
        let text = "# top comment\n[project]\nname = \"x\"   # trailing\nversion = '1'\n\n[tool.ruff]\nline-length = 100\n";
        let out = record(text, &[base("python-slim")], &[]).unwrap();
        assert!(out.starts_with(text), "{out}");
        assert!(
            out.ends_with("\n[tool.uv-rootless]\n# Base image family.\nbase = \"python-slim\"\n"),
            "{out}"
        );
    }

    #[test]
    fn an_update_in_place_keeps_crlf_around_it() {
        let text = "[project]\r\nd = \"\"\"\na\r\nb\n\"\"\"\r\n[tool.uv-rootless]\r\nbase = \"python-slim\"\r\nport = 1\r\n";
        let out = record(text, &[base("azurelinux")], &["port"]).unwrap();
        assert_eq!(
            out,
            "[project]\r\nd = \"\"\"\na\r\nb\n\"\"\"\r\n[tool.uv-rootless]\r\nbase = \"azurelinux\"\r\n"
        );
    }

    #[test]
    fn an_inline_table_is_edited_in_place() {
        let port = Choice {
            key: "port",
            value: Value::from(8000i64),
            comment: "Port.",
        };
        for (text, expected) in [
            (
                "[tool]\nuv-rootless = { base = 'python-slim', script = \"x\" }\n",
                "[tool]\nuv-rootless = { base = 'python-slim', port = 8000 }\n",
            ),
            (
                "tool = { ruff = {} }\n",
                "tool = { ruff = {}, uv-rootless = { base = \"python-slim\", port = 8000 } }\n",
            ),
        ] {
            let out = record(text, &[base("python-slim"), port.clone()], &["script"]).unwrap();
            assert_eq!(out, expected);
            let again = record(&out, &[base("python-slim"), port.clone()], &["script"]).unwrap();
            assert_eq!(again, out);
        }
    }

    #[test]
    fn recording_twice_changes_nothing() {
        let text = "[project]\nname = \"x\"\n";
        let once = record(text, &[base("azurelinux")], &[]).unwrap();
        let twice = record(&once, &[base("azurelinux")], &[]).unwrap();
        assert_eq!(once, twice);
    }

    #[test]
    fn updates_in_place_keeping_comments() {
        let text = "[tool.uv-rootless]\n# mine\nbase = \"python-slim\" # keep\nport = 1\n";
        let out = record(text, &[base("azurelinux")], &["port"]).unwrap();
        assert_eq!(
            out,
            "[tool.uv-rootless]\n# mine\nbase = \"azurelinux\" # keep\n"
        );
    }
}
