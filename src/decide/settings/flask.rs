//! Flask-SQLAlchemy's database URI read from the environment: `init_app` (or
//! `SQLAlchemy(app)`) raises at import when `SQLALCHEMY_DATABASE_URI` is `None` and builds an
//! engine from it, so a variable the URI is read from with nothing to fall back on is required.
//! So is the variable Flask's `SECRET_KEY` is read from: the session refuses a `None` key.

use super::stand_in::SQLITE_STAND_IN;
use super::STAND_IN;
use crate::model::RequiredSetting;
use crate::read::names::PackageName;
use crate::read::python::{EnvReadKind, Value};
use crate::read::source::SourceScan;
use std::collections::BTreeSet;

/// The config key Flask-SQLAlchemy makes its default engine from.
const URI_KEY: &str = "SQLALCHEMY_DATABASE_URI";

/// The variable `app.config["SQLALCHEMY_DATABASE_URI"]` is set from at import with
/// `os.getenv("X")` or `os.environ.get("X")` and no default, when Flask-SQLAlchemy is
/// installed and a module calls `db.init_app(app)` or `SQLAlchemy(app)` at import.
pub fn sqlalchemy_uri(
    scan: &SourceScan,
    installed: &BTreeSet<PackageName>,
) -> Vec<RequiredSetting> {
    if !installed.contains(&PackageName::new("flask-sqlalchemy")) {
        return Vec::new();
    }
    let is_extension = |callee: &str| callee.rsplit('.').next() == Some("SQLAlchemy");
    // The names `SQLAlchemy()` is bound to, in any module: `db` of `db = SQLAlchemy()`.
    let instances: Vec<&str> = scan
        .modules
        .iter()
        .flat_map(|module| &module.facts.assignments)
        .filter(|assignment| assignment.call.callee.as_deref().is_some_and(is_extension))
        .map(|assignment| assignment.target.as_str())
        .collect();
    let initialised = scan.modules.iter().find_map(|module| {
        module
            .facts
            .module_calls
            .iter()
            .find(|call| {
                let Some(callee) = call.callee.as_deref() else {
                    return false;
                };
                let init_app = callee
                    .strip_suffix(".init_app")
                    .map(|owner| owner.rsplit('.').next().unwrap_or(owner))
                    .is_some_and(|owner| instances.contains(&owner));
                !call.args.is_empty() && (init_app || is_extension(callee))
            })
            .map(|call| format!("{}:{}", module.file, call.line))
    });
    let Some(initialised) = initialised else {
        return Vec::new();
    };
    config_reads(scan, URI_KEY)
        .map(|(at, name, target)| RequiredSetting {
            name,
            at,
            stand_in: SQLITE_STAND_IN.to_string(),
            reason: format!(
                "`{target}` is read from it with no default, and Flask-SQLAlchemy, set up at `{initialised}` when it is imported, raises without a database URI"
            ),
        })
        .collect()
}

/// The variable `app.config["SECRET_KEY"]` is set from at import with `os.getenv("X")` or
/// `os.environ.get("X")` and no default, when Flask is installed: a `None` key makes every
/// request that touches the session (a login, a form's CSRF token) fail with a 500.
pub fn secret_key(scan: &SourceScan, installed: &BTreeSet<PackageName>) -> Vec<RequiredSetting> {
    if !installed.contains(&PackageName::new("flask")) {
        return Vec::new();
    }
    config_reads(scan, "SECRET_KEY")
        .map(|(at, name, target)| RequiredSetting {
            name,
            at,
            stand_in: STAND_IN.to_string(),
            reason: format!(
                "`{target}` is read from it with no default, and Flask refuses the session (a 500) without a secret key"
            ),
        })
        .collect()
}

/// `app.config["KEY"] = os.getenv("X")` (or `os.environ.get`) with no default, at import and
/// outside a `try`: where (`file:line`), the variable and the item it sets.
fn config_reads<'a>(
    scan: &'a SourceScan,
    key: &str,
) -> impl Iterator<Item = (String, String, String)> + 'a {
    let key = format!("[{key:?}]");
    scan.modules.iter().flat_map(move |module| {
        let key = key.clone();
        module.facts.env_reads.iter().filter_map(move |read| {
            let (Some(name), Some(target)) = (&read.name, &read.bound_to) else {
                return None;
            };
            let no_default = match &read.default {
                None | Some(Value::NoneLiteral) => true,
                Some(Value::Str(text)) => text.is_empty(),
                _ => false,
            };
            let sets_config = target
                .strip_suffix(&key)
                .is_some_and(|owner| owner.ends_with("config"));
            (read.at_start
                && !read.in_try
                && no_default
                && matches!(read.kind, EnvReadKind::Getenv | EnvReadKind::EnvironGet)
                && sets_config)
                .then(|| {
                    (
                        format!("{}:{}", module.file, read.line),
                        name.clone(),
                        target.clone(),
                    )
                })
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::read::source::scan_of_texts;

    fn required(text: &str, installed: &[&str]) -> Vec<(String, String, String)> {
        let installed = installed
            .iter()
            .map(|name| PackageName::new(name))
            .collect();
        sqlalchemy_uri(&scan_of_texts(&[("app.py", "app", text)]), &installed)
            .into_iter()
            .map(|setting| (setting.name, setting.at, setting.stand_in))
            .collect()
    }

    const APP: &str =
        "import os\nfrom flask import Flask\nfrom flask_sqlalchemy import SQLAlchemy\n\
                       app = Flask(__name__)\n\
                       app.config['SQLALCHEMY_DATABASE_URI'] = os.getenv('DATABASE_URL')\n\
                       app.config['OTHER'] = os.getenv('OTHER')\n\
                       db = SQLAlchemy()\n\
                       db.init_app(app)\n";

    #[test]
    fn the_uri_flask_sqlalchemy_is_set_up_with_at_import_is_required() {
        let expected = vec![(
            "DATABASE_URL".to_string(),
            "app.py:5".to_string(),
            SQLITE_STAND_IN.to_string(),
        )];
        assert_eq!(required(APP, &["flask", "flask-sqlalchemy"]), expected);
        let given = "import os\nfrom flask import Flask\nfrom flask_sqlalchemy import SQLAlchemy\n\
                     app = Flask(__name__)\n\
                     app.config[\"SQLALCHEMY_DATABASE_URI\"] = os.environ.get('DATABASE_URL', None)\n\
                     db = SQLAlchemy(app)\n";
        assert_eq!(required(given, &["flask-sqlalchemy"]), expected);
    }

    #[test]
    fn a_secret_key_read_with_no_default_is_required_with_flask() {
        let secret = |text: &str, installed: &[&str]| -> Vec<(String, String)> {
            let installed = installed
                .iter()
                .map(|name| PackageName::new(name))
                .collect();
            secret_key(&scan_of_texts(&[("app.py", "app", text)]), &installed)
                .into_iter()
                .map(|setting| (setting.name, setting.at))
                .collect()
        };
        let app = "import os\nfrom flask import Flask\napp = Flask(__name__)\n\
                   app.config['SECRET_KEY'] = os.getenv('SECRET_KEY')\n\
                   app.config['OTHER'] = os.getenv('OTHER')\n";
        assert_eq!(
            secret(app, &["flask"]),
            [("SECRET_KEY".to_string(), "app.py:4".to_string())]
        );
        // Not Flask, or a default to fall back on.
        assert!(secret(app, &["quart"]).is_empty());
        let defaulted = app.replace("getenv('SECRET_KEY')", "getenv('SECRET_KEY', 'dev')");
        assert!(secret(&defaulted, &["flask"]).is_empty());
    }

    #[test]
    fn a_uri_with_a_default_or_never_set_up_at_import_is_not() {
        // Not installed.
        assert!(required(APP, &["flask"]).is_empty());
        // A default to fall back on.
        let defaulted = APP.replace(
            "getenv('DATABASE_URL')",
            "getenv('DATABASE_URL', 'sqlite://')",
        );
        assert!(required(&defaulted, &["flask-sqlalchemy"]).is_empty());
        // Set up in a function, or another extension set up at import.
        let later = APP.replace("db.init_app(app)", "def setup():\n    db.init_app(app)");
        assert!(required(&later, &["flask-sqlalchemy"]).is_empty());
        let other = APP.replace("db.init_app(app)", "login.init_app(app)");
        assert!(required(&other, &["flask-sqlalchemy"]).is_empty());
        // A read in a function runs when it is called.
        let deferred = APP.replace(
            "app.config['SQLALCHEMY_DATABASE_URI'] = os.getenv('DATABASE_URL')",
            "def configure():\n    app.config['SQLALCHEMY_DATABASE_URI'] = os.getenv('DATABASE_URL')",
        );
        assert!(required(&deferred, &["flask-sqlalchemy"]).is_empty());
    }
}
