//! `init`'s edit of `pyproject.toml`: `config_edit::record` must never panic on any text, and
//! when it returns Ok the result parses as TOML with the recorded values in
//! `[tool.uv-rootless]`, the removed key gone, and recording again changes nothing.
#![no_main]

use libfuzzer_sys::fuzz_target;
use toml_edit::{Array, Value};
use uv_rootless::config_edit::{record, Choice};

fn choices() -> Vec<Choice> {
    vec![
        Choice {
            key: "base",
            value: Value::from("python-slim"),
            comment: "Base image family.",
        },
        Choice {
            key: "command",
            value: Value::Array(["python", "-m", "app"].into_iter().collect::<Array>()),
            comment: "Command the image runs, exec form.",
        },
        Choice {
            key: "port",
            value: Value::from(8000i64),
            comment: "Port the web server listens on.",
        },
    ]
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let choices = choices();
    let remove = ["script"];
    let Ok(out) = record(text, &choices, &remove) else {
        return;
    };
    let document: toml::Table = match toml::from_str(&out) {
        Ok(document) => document,
        Err(error) => panic!("record() wrote text that is not TOML: {error}\n--- out\n{out}"),
    };
    let table = document
        .get("tool")
        .and_then(|tool| tool.get("uv-rootless"))
        .and_then(toml::Value::as_table)
        .unwrap_or_else(|| panic!("no [tool.uv-rootless] table in\n{out}"));
    assert_eq!(
        table.get("base").and_then(toml::Value::as_str),
        Some("python-slim"),
        "{out}"
    );
    assert_eq!(
        table.get("port").and_then(toml::Value::as_integer),
        Some(8000),
        "{out}"
    );
    let command: Option<Vec<&str>> = table
        .get("command")
        .and_then(toml::Value::as_array)
        .map(|array| array.iter().filter_map(toml::Value::as_str).collect());
    assert_eq!(command, Some(vec!["python", "-m", "app"]), "{out}");
    assert!(!table.contains_key("script"), "{out}");
    let again = record(&out, &choices, &remove).expect("record() accepts its own output");
    assert_eq!(again, out, "recording twice changed the text");
});
