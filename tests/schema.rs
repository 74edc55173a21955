//! `explain --format json` matches `schema/explain.schema.json` for every example and base.
//! CI also validates with a full JSON Schema validator (check-jsonschema); this test checks the
//! subset the schema uses (types, const, enum, required, additionalProperties, items, bounds),
//! so a field added to the plan without the schema fails here first.

use serde_json::Value;
use std::path::Path;
use uv_rootless::options::Flags;
use uv_rootless::read::config::BaseId;

fn schema() -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("schema/explain.schema.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
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
                None if schema.get("additionalProperties") == Some(&Value::Bool(false)) => {
                    errors.push(format!("{at}: `{key}` is not in the schema"))
                }
                None => {}
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

fn errors_of(value: &Value) -> Vec<String> {
    let schema = schema();
    let mut errors = Vec::new();
    validate(&schema, &schema, value, "$", &mut errors);
    errors
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
