//! Records choices in `[tool.uv-rootless]` with toml_edit: every other byte of
//! `pyproject.toml` stays as it was, and each key added gets a comment saying what it is.

use crate::error::UserError;
use toml_edit::{DocumentMut, Item, Table, Value};

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
    let mut document: DocumentMut = text.parse().map_err(|error: toml_edit::TomlError| {
        UserError::new("failed to parse `pyproject.toml`").detail(error.to_string())
    })?;
    let root = document.as_table_mut();
    if !root.contains_key("tool") {
        let mut tool = Table::new();
        tool.set_implicit(true);
        root.insert("tool", Item::Table(tool));
    }
    let tool = root
        .get_mut("tool")
        .and_then(Item::as_table_mut)
        .ok_or_else(|| {
            UserError::new("`tool` in `pyproject.toml` is not a table")
                .hint("make it a table: `[tool]` or `[tool.NAME]` sections")
        })?;
    if !tool.contains_key("uv-rootless") {
        let mut table = Table::new();
        table.decor_mut().set_prefix("\n");
        tool.insert("uv-rootless", Item::Table(table));
    }
    let table = tool
        .get_mut("uv-rootless")
        .and_then(Item::as_table_mut)
        .ok_or_else(|| {
            UserError::new("`tool.uv-rootless` in `pyproject.toml` is not a table")
                .hint("write it as a `[tool.uv-rootless]` section")
        })?;
    for key in remove {
        table.remove(key);
    }
    for choice in choices {
        match table.get_mut(choice.key) {
            Some(Item::Value(existing)) => {
                if existing.to_string().trim() != choice.value.to_string().trim() {
                    let decor = existing.decor().clone();
                    let mut value = choice.value.clone();
                    *value.decor_mut() = decor;
                    *existing = value;
                }
            }
            _ => {
                table.insert(choice.key, Item::Value(choice.value.clone()));
                if let Some(mut key) = table.key_mut(choice.key) {
                    key.leaf_decor_mut()
                        .set_prefix(format!("# {}\n", choice.comment));
                }
            }
        }
    }
    Ok(document.to_string())
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
