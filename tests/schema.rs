//! `explain --format json` matches `schema/explain.schema.json` for every example and base, and
//! every `[tool.uv-rootless]` we ship matches `schema/config.schema.json`. CI also validates with
//! a full JSON Schema validator (check-jsonschema); these tests check the subset the schemas use
//! (types, const, enum, required, additionalProperties, items, bounds), so a field added to the
//! plan without the schema fails here first.
//!
//! `schema/config.schema.json` is generated from the table of options
//! (`uv_rootless::options::config_schema`); `the_config_schema_is_current` fails when the
//! committed file differs. Regenerate it with `UPDATE_SCHEMA=1 cargo test --test schema`, which
//! writes the file instead of failing, and commit the result.

use serde_json::Value;
use std::path::Path;
use uv_rootless::model::BaseId;
use uv_rootless::options::{Flags, ToolConfig};

fn schema_file(name: &str) -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("schema")
        .join(name);
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn schema() -> Value {
    schema_file("explain.schema.json")
}

fn resolve<'a>(root: &'a Value, schema: &'a Value) -> &'a Value {
    match schema.get("$ref").and_then(Value::as_str) {
        Some(reference) => {
            let name = reference.trim_start_matches("#/$defs/");
            &root["$defs"][name]
        }
        None => schema,
    }
}

fn validate(root: &Value, schema: &Value, value: &Value, at: &str, errors: &mut Vec<String>) {
    let schema = resolve(root, schema);
    if let Some(constant) = schema.get("const") {
        if constant != value {
            errors.push(format!("{at}: {value} is not {constant}"));
        }
    }
    if let Some(options) = schema.get("enum").and_then(Value::as_array) {
        if !options.contains(value) {
            errors.push(format!("{at}: {value} is not one of {options:?}"));
        }
    }
    let type_ok = match schema.get("type").and_then(Value::as_str) {
        Some("object") => value.is_object(),
        Some("array") => value.is_array(),
        Some("string") => value.is_string(),
        Some("integer") => value.is_u64() || value.is_i64(),
        Some("boolean") => value.is_boolean(),
        Some(other) => panic!("{at}: the test does not know type {other}"),
        None => true,
    };
    if !type_ok {
        errors.push(format!("{at}: {value} is not of type {}", schema["type"]));
        return;
    }
    if let Some(number) = value.as_f64() {
        if schema
            .get("minimum")
            .and_then(Value::as_f64)
            .is_some_and(|min| number < min)
        {
            errors.push(format!("{at}: {number} is below the minimum"));
        }
        if schema
            .get("maximum")
            .and_then(Value::as_f64)
            .is_some_and(|max| number > max)
        {
            errors.push(format!("{at}: {number} is above the maximum"));
        }
    }
    if let Some(object) = value.as_object() {
        let properties = schema.get("properties").and_then(Value::as_object);
        for key in schema
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if !object.contains_key(key.as_str().unwrap()) {
                errors.push(format!("{at}: missing required `{key}`"));
            }
        }
        for (key, item) in object {
            match properties.and_then(|properties| properties.get(key)) {
                Some(property) => validate(root, property, item, &format!("{at}.{key}"), errors),
                None => match schema.get("additionalProperties") {
                    Some(Value::Bool(false)) => {
                        errors.push(format!("{at}: `{key}` is not in the schema"))
                    }
                    Some(extra @ Value::Object(_)) => {
                        validate(root, extra, item, &format!("{at}.{key}"), errors)
                    }
                    _ => {}
                },
            }
        }
    }
    if let Some(array) = value.as_array() {
        if let Some(min) = schema.get("minItems").and_then(Value::as_u64) {
            if (array.len() as u64) < min {
                errors.push(format!("{at}: fewer than {min} items"));
            }
        }
        if let Some(items) = schema.get("items") {
            for (index, item) in array.iter().enumerate() {
                validate(root, items, item, &format!("{at}[{index}]"), errors);
            }
        }
    }
}

fn errors_against(schema: &Value, value: &Value) -> Vec<String> {
    let mut errors = Vec::new();
    validate(schema, schema, value, "$", &mut errors);
    errors
}

fn errors_of(value: &Value) -> Vec<String> {
    errors_against(&schema(), value)
}

fn plan_json(example: &str, base: BaseId) -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("examples")
        .join(example);
    let flags = Flags {
        base: Some(base),
        ..Flags::default()
    };
    let loaded = uv_rootless::app::load(&path, flags).unwrap();
    serde_json::from_str(&uv_rootless::explain::json(&loaded.plan).unwrap()).unwrap()
}

#[test]
fn every_example_matches_the_schema() {
    for entry in std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("examples")).unwrap()
    {
        let name = entry.unwrap().file_name().into_string().unwrap();
        for base in BaseId::ALL {
            let errors = errors_of(&plan_json(&name, base));
            assert!(errors.is_empty(), "{name} on {base}: {errors:#?}");
        }
    }
}

#[test]
fn the_schema_rejects_unknown_and_missing_fields() {
    let mut plan = plan_json("cli-hello", BaseId::PythonSlim);
    plan["surprise"] = Value::Bool(true);
    plan["app"].as_object_mut().unwrap().remove("port");
    plan["python"]["source"] = Value::String("guess".into());
    let errors = errors_of(&plan);
    assert!(
        errors
            .iter()
            .any(|e| e.contains("`surprise` is not in the schema")),
        "{errors:?}"
    );
    assert!(
        errors
            .iter()
            .any(|e| e.contains("missing required `\"port\"`")),
        "{errors:?}"
    );
    assert!(
        errors.iter().any(|e| e.contains("$.python.source")),
        "{errors:?}"
    );
}

#[test]
fn the_config_schema_is_current() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("schema/config.schema.json");
    let generated = uv_rootless::options::config_schema();
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    if committed == generated {
        return;
    }
    if std::env::var_os("UPDATE_SCHEMA").is_some_and(|value| value == "1") {
        std::fs::write(&path, generated).unwrap();
        return;
    }
    panic!(
        "`schema/config.schema.json` differs from the table of options in `src/options.rs`\n\n\
         hint: run `UPDATE_SCHEMA=1 cargo test --test schema` and commit the result"
    );
}

/// `[tool.uv-rootless]` of a `pyproject.toml`, as JSON.
fn config_json(text: &str) -> Option<Value> {
    let document: toml::Table = toml::from_str(text).unwrap();
    let section = document.get("tool")?.get("uv-rootless")?;
    Some(serde_json::to_value(section).unwrap())
}

#[test]
fn every_shipped_config_matches_the_config_schema() {
    let schema = schema_file("config.schema.json");
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut checked = 0;
    for folder in ["examples", "tests/fixtures/projects"] {
        for entry in std::fs::read_dir(root.join(folder)).unwrap() {
            let path = entry.unwrap().path().join("pyproject.toml");
            let Ok(text) = std::fs::read_to_string(&path) else {
                continue;
            };
            let Some(config) = config_json(&text) else {
                continue;
            };
            let errors = errors_against(&schema, &config);
            assert!(errors.is_empty(), "{}: {errors:#?}", path.display());
            checked += 1;
        }
    }
    assert!(checked >= 8, "only {checked} configs found");
}

/// The schema and the serde type agree: what one refuses, the other refuses too.
#[test]
fn the_config_schema_refuses_what_the_config_type_refuses() {
    let schema = schema_file("config.schema.json");
    let accepts = |body: &str| {
        let text = format!("[tool.uv-rootless]\n{body}\n");
        let by_schema = errors_against(&schema, &config_json(&text).unwrap());
        let by_type = toml::from_str::<toml::Table>(&text).unwrap()["tool"]["uv-rootless"]
            .clone()
            .try_into::<ToolConfig>();
        assert_eq!(
            by_schema.is_empty(),
            by_type.is_ok(),
            "{body}: schema {by_schema:?}, type {by_type:?}"
        );
        by_schema.is_empty()
    };
    assert!(accepts(
        "base = \"azurelinux\"\npython = \"3.13\"\ncommand = [\"serve\"]\nport = 65535\n\
         health-path = \"/healthz\"\nsmoke-args = []\nextras = [\"s3\"]\ngroups = [\"prod\"]\n\
         uid = 4294967295\ngid = 0\npackage = \"api\"\nplatforms = [\"linux/arm64\"]\n\
         digests = { \"python:3.13-slim-trixie\" = \"sha256:00\" }\nimage = \"x:1\"\n\
         dockerfile = \"Dockerfile\"\ncompose = \"compose.yaml\"\nkubernetes = \"k8s/m.yaml\""
    ));
    for bad in [
        "prot = 1",
        "base = \"alpine\"",
        "port = 65536",
        "uid = -1",
        "gid = 4294967296",
        "command = \"serve\"",
        "platforms = [1]",
        "digests = { a = 1 }",
        "script = 3",
    ] {
        assert!(!accepts(bad), "{bad}");
    }
}

/// README's `[tool.uv-rootless]` table has a row for every key of the table of options.
#[test]
fn the_readme_table_lists_every_option() {
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let table = readme
        .split("## Configuration: `[tool.uv-rootless]`")
        .nth(1)
        .expect("README has the configuration section");
    let table = table.split("\n\n").nth(1).unwrap_or_default();
    let listed: Vec<&str> = table
        .lines()
        .filter_map(|row| row.strip_prefix("| ")?.split(" |").next())
        .flat_map(|keys| keys.split(", "))
        .map(|key| key.trim_matches('`'))
        .collect();
    let missing: Vec<&str> = uv_rootless::options::OPTIONS
        .iter()
        .map(|option| option.key)
        .filter(|key| !listed.contains(key))
        .collect();
    assert!(missing.is_empty(), "README's table lacks {missing:?}");
}
