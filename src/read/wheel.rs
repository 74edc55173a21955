//! What a packaged project's wheel holds, as its build backend's table says: the import names
//! it installs. Pure: the manifest's text in, a model out; `None` where the table leaves it to
//! the backend's discovery, which only a build would show.

/// The modules a wheel installs, by their import names, and what says so.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Wheel {
    /// Modules and packages held with everything below them: `apps`, `ns.pkg`, `tool` (a
    /// single-file module).
    pub trees: Vec<String>,
    /// Packages held without their subpackages (setuptools' explicit `packages` list).
    pub packages: Vec<String>,
    /// Glob patterns of the packages held, and of those left out (setuptools'
    /// `packages.find` `include` and `exclude`).
    pub include: Vec<String>,
    pub exclude: Vec<String>,
    /// The table that says so, for `explain`: "`packages` in `[tool.setuptools]`".
    pub key: String,
}

impl Wheel {
    /// Whether the module `name` (a package's `__init__` when `is_package`) is installed by
    /// the wheel.
    pub fn holds(&self, name: &str, is_package: bool) -> bool {
        let in_tree = self.trees.iter().any(|tree| {
            name == tree
                || name
                    .strip_prefix(tree.as_str())
                    .is_some_and(|rest| rest.starts_with('.'))
        });
        // The package a module's file sits in: itself for an `__init__.py`.
        let package = if is_package {
            name
        } else {
            name.rsplit_once('.').map_or("", |(parent, _)| parent)
        };
        let listed = !package.is_empty() && self.packages.iter().any(|p| p == package);
        let found = !package.is_empty()
            && self.include.iter().any(|pattern| glob(pattern, package))
            && !self.exclude.iter().any(|pattern| glob(pattern, package));
        in_tree || listed || found
    }
}

/// The wheel of the project whose `pyproject.toml` is `manifest`; `None` when the backend is
/// not one modelled here or its table leaves the contents to its discovery.
#[cfg(test)]
pub fn wheel(manifest: &str) -> Option<Wheel> {
    wheel_of(&toml::from_str(manifest).ok()?)
}

/// [`wheel`] of the manifest parsed once by its caller.
pub fn wheel_of(value: &toml::Value) -> Option<Wheel> {
    let at = |path: &[&str]| path.iter().try_fold(value, |value, key| value.get(key));
    let strings = |value: Option<&toml::Value>| -> Option<Vec<String>> {
        match value? {
            toml::Value::String(one) => Some(vec![one.clone()]),
            toml::Value::Array(items) => items
                .iter()
                .map(|item| item.as_str().map(str::to_string))
                .collect(),
            _ => None,
        }
    };
    let name = at(&["project", "name"])?.as_str()?;
    // The import name backends derive from the project's: `my-app` -> `my_app`.
    let import_name = name.replace(['-', '.'], "_").to_ascii_lowercase();
    let backend = at(&["build-system", "build-backend"])?.as_str()?;
    let backend = backend.split(':').next().unwrap_or_default().trim();
    let trees = |key: &str, trees: Vec<String>| Wheel {
        trees,
        key: key.to_string(),
        ..Wheel::default()
    };
    match backend {
        "setuptools.build_meta" => {
            let modules = strings(at(&["tool", "setuptools", "py-modules"]));
            let packages = at(&["tool", "setuptools", "packages"]);
            // With neither, setuptools discovers the packages itself.
            if modules.is_none() && packages.is_none() {
                return None;
            }
            let key = match (&modules, packages) {
                (Some(_), Some(_)) => "`packages` and `py-modules` in `[tool.setuptools]`",
                (Some(_), None) => "`py-modules` in `[tool.setuptools]`",
                _ => "`packages` in `[tool.setuptools]`",
            };
            let mut wheel = Wheel {
                trees: modules.unwrap_or_default(),
                key: key.into(),
                ..Wheel::default()
            };
            match packages {
                None => {}
                Some(toml::Value::Array(_)) => wheel.packages = strings(packages)?,
                Some(table) => {
                    let find = table.get("find")?;
                    let include = strings(find.get("include"))?;
                    if include.iter().any(|p| p.contains('[')) {
                        return None;
                    }
                    wheel.exclude = strings(find.get("exclude")).unwrap_or_default();
                    wheel.include = include;
                    wheel.key = "`include` in `[tool.setuptools.packages.find]`".into();
                }
            }
            Some(wheel)
        }
        "hatchling.build" => {
            let wheel_key = |key: &str| {
                at(&["tool", "hatch", "build", "targets", "wheel", key])
                    .or_else(|| at(&["tool", "hatch", "build", key]))
            };
            // Patterns and remapped paths are hatch's to resolve.
            if ["include", "sources", "force-include"]
                .iter()
                .any(|key| wheel_key(key).is_some())
            {
                return None;
            }
            let packages = strings(wheel_key("packages"));
            let only = strings(wheel_key("only-include"));
            if packages.is_none() && only.is_none() {
                return Some(trees(
                    "hatch's default, the project's name",
                    vec![import_name],
                ));
            }
            let mut held: Vec<String> = packages
                .unwrap_or_default()
                .iter()
                .map(|path| last_part(path).to_string())
                .collect();
            for path in only.unwrap_or_default() {
                let path = path.trim_matches('/');
                if path.contains(['/', '*', '?', '[']) {
                    return None;
                }
                held.push(path.strip_suffix(".py").unwrap_or(path).to_string());
            }
            Some(trees(
                "`packages` or `only-include` of hatch's wheel target",
                held,
            ))
        }
        "uv_build" => {
            let names = match at(&["tool", "uv", "build-backend", "module-name"]) {
                Some(value) => strings(Some(value))?,
                None => vec![import_name],
            };
            Some(trees("`module-name` in `[tool.uv.build-backend]`", names))
        }
        "flit_core.buildapi" => {
            let module = match at(&["tool", "flit", "module", "name"]) {
                Some(value) => value.as_str()?.to_string(),
                None => name.replace('-', "_"),
            };
            Some(trees("flit's module, the project's name", vec![module]))
        }
        "pdm.backend" => {
            let includes = strings(at(&["tool", "pdm", "build", "includes"]))?;
            let root = at(&["tool", "pdm", "build", "package-dir"])
                .and_then(toml::Value::as_str)
                .unwrap_or("")
                .trim_matches('/');
            let mut held = Vec::new();
            for path in includes {
                let path = path.trim_matches('/');
                let path = match root {
                    "" => path,
                    root => path.strip_prefix(root)?.trim_start_matches('/'),
                };
                if path.is_empty() || path.contains(['/', '*', '?', '[']) {
                    return None;
                }
                held.push(path.strip_suffix(".py").unwrap_or(path).to_string());
            }
            Some(trees("`includes` in `[tool.pdm.build]`", held))
        }
        _ => None,
    }
}

fn last_part(path: &str) -> &str {
    let path = path.trim_end_matches('/');
    let last = path.rsplit('/').next().unwrap_or(path);
    last.strip_suffix(".py").unwrap_or(last)
}

/// fnmatch's `*` and `?` (setuptools' patterns), whole-name.
fn glob(pattern: &str, name: &str) -> bool {
    let (pattern, name) = (pattern.as_bytes(), name.as_bytes());
    let (mut p, mut n) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while n < name.len() {
        match pattern.get(p) {
            Some(b'*') => {
                star = Some((p, n));
                p += 1;
            }
            Some(&c) if c == b'?' || c == name[n] => {
                p += 1;
                n += 1;
            }
            _ => match star {
                Some((sp, sn)) => {
                    p = sp + 1;
                    n = sn + 1;
                    star = Some((sp, sn + 1));
                }
                None => return false,
            },
        }
    }
    pattern[p..].iter().all(|c| *c == b'*')
}

#[cfg(test)]
mod tests {
    use super::wheel;

    fn manifest(backend: &str, table: &str) -> String {
        format!(
            "[project]\nname = \"My-App\"\n\n[build-system]\nbuild-backend = \"{backend}\"\n\n{table}"
        )
    }

    /// `(module, is_package)` held by the wheel of `backend` with `table`.
    fn holds(backend: &str, table: &str, module: &str, is_package: bool) -> Option<bool> {
        wheel(&manifest(backend, table)).map(|wheel| wheel.holds(module, is_package))
    }

    #[test]
    fn setuptools_holds_the_packages_it_lists_or_finds() {
        let st = "setuptools.build_meta";
        let listed = "[tool.setuptools]\npackages = [\"apps\"]\n";
        assert_eq!(holds(st, listed, "apps.models", false), Some(true));
        assert_eq!(holds(st, listed, "apps", true), Some(true));
        assert_eq!(holds(st, listed, "proj.wsgi", false), Some(false));
        // An explicit list holds no subpackage it does not name.
        assert_eq!(holds(st, listed, "apps.sub.views", false), Some(false));
        let modules = "[tool.setuptools]\npy-modules = [\"tool\"]\n";
        assert_eq!(holds(st, modules, "tool", false), Some(true));
        assert_eq!(holds(st, modules, "other", false), Some(false));
        let find =
            "[tool.setuptools.packages.find]\ninclude = [\"core*\"]\nexclude = [\"core.tests\"]\n";
        assert_eq!(holds(st, find, "core.sub.views", false), Some(true));
        assert_eq!(holds(st, find, "core.tests.test_x", false), Some(false));
        assert_eq!(holds(st, find, "settings", false), Some(false));
        // Discovery, or `find` without `include`: not modelled.
        assert_eq!(holds(st, "", "proj.wsgi", false), None);
        assert_eq!(
            holds(
                st,
                "[tool.setuptools.packages.find]\nwhere = [\"src\"]\n",
                "x",
                false
            ),
            None
        );
    }

    #[test]
    fn hatch_holds_its_packages_or_the_projects_name() {
        let hatch = "hatchling.build";
        let packages = "[tool.hatch.build.targets.wheel]\npackages = [\"src/mysite\"]\n";
        assert_eq!(holds(hatch, packages, "mysite.wsgi", false), Some(true));
        assert_eq!(holds(hatch, packages, "other.wsgi", false), Some(false));
        let only = "[tool.hatch.build.targets.wheel]\nonly-include = [\"pkg\", \"run.py\"]\n";
        assert_eq!(holds(hatch, only, "run", false), Some(true));
        assert_eq!(holds(hatch, "", "my_app.main", false), Some(true));
        assert_eq!(holds(hatch, "", "server.main", false), Some(false));
        let patterns = "[tool.hatch.build.targets.wheel]\ninclude = [\"*.py\"]\n";
        assert_eq!(holds(hatch, patterns, "x", false), None);
    }

    #[test]
    fn uv_flit_and_pdm_hold_their_module() {
        assert_eq!(holds("uv_build", "", "my_app.cli", false), Some(true));
        assert_eq!(holds("uv_build", "", "web.cli", false), Some(false));
        let named = "[tool.uv.build-backend]\nmodule-name = \"web\"\n";
        assert_eq!(holds("uv_build", named, "web.cli", false), Some(true));
        assert_eq!(
            holds("flit_core.buildapi", "", "My_App.cli", false),
            Some(true)
        );
        assert_eq!(holds("flit_core.buildapi", "", "web", false), Some(false));
        let pdm = "[tool.pdm.build]\npackage-dir = \"src\"\nincludes = [\"src/web\"]\n";
        assert_eq!(holds("pdm.backend", pdm, "web.app", false), Some(true));
        assert_eq!(holds("pdm.backend", pdm, "api.app", false), Some(false));
        assert_eq!(holds("pdm.backend", "", "web.app", false), None);
        assert_eq!(holds("maturin", "", "web.app", false), None);
    }
}
