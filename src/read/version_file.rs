//! A dynamic version that the build backend reads from a file of the project, not from git:
//! hatchling's `[tool.hatch.version] path`, pdm's `source = "file"`, setuptools'
//! `[tool.setuptools.dynamic] version = {attr = ...}` or `{file = ...}`. The file is in the
//! build context, so the build gets the version by itself; it is read here only to tag and
//! label the image.

use std::path::Path;

/// The largest file read for a version.
const MAX_BYTES: u64 = 1 << 20;

/// The version the backend of the manifest at `dir` reads from a file, and that file
/// (relative to `dir`); `Err(why)` when it cannot be read here; `None` when the backend reads
/// no file.
pub fn read(dir: &Path, manifest: &toml::Value) -> Option<Result<(String, String), String>> {
    let at = |path: &[&str]| {
        let mut at = Some(manifest);
        for key in path {
            at = at.and_then(|t| t.get(*key));
        }
        at
    };
    let text = |value: Option<&toml::Value>| value.and_then(|v| v.as_str()).map(String::from);
    let hatch = at(&["tool", "hatch", "version"]);
    if let Some(path) = text(hatch.and_then(|t| t.get("path"))) {
        if hatch.and_then(|t| t.get("pattern")).is_some() {
            return Some(Err(format!(
                "`[tool.hatch.version] pattern` reads `{path}` with a pattern of its own"
            )));
        }
        return Some(assigned(dir, &path, &["__version__", "VERSION"]));
    }
    let pdm = at(&["tool", "pdm", "version"]);
    if text(pdm.and_then(|t| t.get("source"))).as_deref() == Some("file") {
        let path = text(pdm.and_then(|t| t.get("path")))?;
        return Some(assigned(dir, &path, &["__version__"]));
    }
    let setuptools = at(&["tool", "setuptools", "dynamic", "version"]);
    if let Some(attr) = text(setuptools.and_then(|t| t.get("attr"))) {
        let (module, name) = attr.rsplit_once('.')?;
        let as_path = module.replace('.', "/");
        let candidates = [
            format!("{as_path}.py"),
            format!("{as_path}/__init__.py"),
            format!("src/{as_path}.py"),
            format!("src/{as_path}/__init__.py"),
        ];
        return Some(
            candidates
                .iter()
                .find(|path| dir.join(path).is_file())
                .map(|path| assigned(dir, path, &[name]))
                .unwrap_or_else(|| {
                    Err(format!(
                        "the module `{module}` of `attr = \"{attr}\"` is not found"
                    ))
                }),
        );
    }
    if let Some(file) = setuptools.and_then(|t| t.get("file")).and_then(|f| {
        f.as_str()
            .map(String::from)
            .or_else(|| f.as_array()?.first()?.as_str().map(String::from))
    }) {
        return Some(contents(dir, &file).and_then(|text| match text.trim() {
            "" => Err(format!("`{file}` is empty")),
            version => Ok((version.to_string(), file.clone())),
        }));
    }
    None
}

fn contents(dir: &Path, path: &str) -> Result<String, String> {
    if Path::new(path).is_absolute() || path.split(['/', '\\']).any(|part| part == "..") {
        return Err(format!("`{path}` is outside the project"));
    }
    let full = dir.join(path);
    match std::fs::metadata(&full) {
        Ok(metadata) if metadata.is_file() && metadata.len() <= MAX_BYTES => {
            std::fs::read_to_string(&full)
                .map_err(|error| format!("`{path}` cannot be read: {error}"))
        }
        Ok(_) => Err(format!("`{path}` is no file of at most 1 MiB")),
        Err(_) => Err(format!("`{path}` is not found")),
    }
}

/// The string literal assigned at the top level of the Python file `path` to one of `names`
/// (`__version__ = "1.2.0"`), as the backends' default patterns find it.
fn assigned(dir: &Path, path: &str, names: &[&str]) -> Result<(String, String), String> {
    let text = contents(dir, path)?;
    for line in text.lines() {
        for name in names {
            let Some(rest) = line.strip_prefix(name) else {
                continue;
            };
            let rest = rest.trim_start();
            let rest = rest
                .strip_prefix(':')
                .map(|typed| typed.split_once('=').map_or("", |(_, value)| value))
                .or_else(|| rest.strip_prefix('='));
            let Some(value) = rest.map(str::trim) else {
                continue;
            };
            let quote = match value.chars().next() {
                Some(quote @ ('"' | '\'')) => quote,
                _ => continue,
            };
            if let Some(end) = value[1..].find(quote) {
                let version = &value[1..1 + end];
                return Ok((
                    version.strip_prefix('v').unwrap_or(version).to_string(),
                    path.to_string(),
                ));
            }
        }
    }
    Err(format!(
        "`{path}` assigns no string to {}",
        names
            .iter()
            .map(|name| format!("`{name}`"))
            .collect::<Vec<_>>()
            .join(" or ")
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_backends_version_file_is_read_as_the_backend_reads_it() {
        let dir = crate::read::vcs::tests::scratch("version-file");
        std::fs::create_dir_all(dir.join("src/pkg")).unwrap();
        std::fs::write(
            dir.join("src/pkg/__init__.py"),
            "\"\"\"Doc.\"\"\"\n__version__: str = 'v2.1.0'\n",
        )
        .unwrap();
        std::fs::write(dir.join("src/pkg/version.py"), "VERSION = \"9.0\"\n").unwrap();
        std::fs::write(dir.join("VERSION"), "3.3.3\n").unwrap();
        let read = |config: &str| read(&dir, &toml::from_str(config).unwrap());
        assert_eq!(
            read("[tool.hatch.version]\npath = \"src/pkg/__init__.py\"\n"),
            Some(Ok(("2.1.0".into(), "src/pkg/__init__.py".into())))
        );
        assert_eq!(
            read("[tool.pdm]\nversion = { source = \"file\", path = \"src/pkg/__init__.py\" }\n")
                .unwrap()
                .unwrap()
                .0,
            "2.1.0"
        );
        assert_eq!(
            read("[tool.setuptools.dynamic]\nversion = {attr = \"pkg.version.VERSION\"}\n")
                .unwrap()
                .unwrap(),
            ("9.0".into(), "src/pkg/version.py".into())
        );
        assert_eq!(
            read("[tool.setuptools.dynamic]\nversion = {file = \"VERSION\"}\n")
                .unwrap()
                .unwrap()
                .0,
            "3.3.3"
        );
        let missing = read("[tool.hatch.version]\npath = \"nope.py\"\n")
            .unwrap()
            .unwrap_err();
        assert!(missing.contains("not found"), "{missing}");
        let outside = read("[tool.hatch.version]\npath = \"../x.py\"\n")
            .unwrap()
            .unwrap_err();
        assert!(outside.contains("outside"), "{outside}");
        assert_eq!(read("[tool.pdm.version]\nsource = \"scm\"\n"), None);
        std::fs::remove_dir_all(dir).unwrap();
    }
}
