//! What the image builds from source on each target platform: the packages the app installs
//! there (the lock's dependency edges whose markers hold for CPython X.Y on Linux and that
//! architecture, plus the chosen extras and groups), and of those, the ones with no wheel that
//! fits (Python and ABI tags, `manylinux` glibc no newer than the base's, the architecture).

use crate::error::UserError;
use crate::model::SourceBuild;
use crate::read::lock::{Dependency, Lock, Package};
use crate::read::names::{guarded, parse_marker, PackageName};
use pep508_rs::{ExtraName, MarkerEnvironment, MarkerEnvironmentBuilder};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::str::FromStr;

/// The platforms an image can target: Docker's name and the kernel's machine name.
pub const PLATFORMS: &[(&str, &str)] = &[("linux/amd64", "x86_64"), ("linux/arm64", "aarch64")];

pub const DEFAULT_PLATFORM: &str = "linux/amd64";

/// The machine name of a Docker platform, or an error that lists the known ones.
pub fn machine(platform: &str) -> Result<&'static str, String> {
    PLATFORMS
        .iter()
        .find(|(name, _)| *name == platform)
        .map(|(_, machine)| *machine)
        .ok_or_else(|| {
            format!(
                "unknown platform `{platform}`; expected {}",
                PLATFORMS
                    .iter()
                    .map(|(name, _)| format!("`{name}`"))
                    .collect::<Vec<_>>()
                    .join(" or ")
            )
        })
}

/// One image target: CPython `major.minor` on glibc Linux.
#[derive(Debug, Clone)]
pub struct Target {
    pub platform: String,
    pub machine: &'static str,
    pub python_minor: u32,
    /// `X.Y.Z` for markers: the given patch, else the newest (`X.Y.999`), as the base images
    /// and uv both take the newest patch of a minor.
    pub python_full: String,
    /// The glibc of the base (the newest `manylinux_X_Y` it runs).
    pub glibc: (u32, u32),
}

impl Target {
    fn marker_environment(&self) -> Option<MarkerEnvironment> {
        let python_version = format!("3.{}", self.python_minor);
        MarkerEnvironment::try_from(MarkerEnvironmentBuilder {
            implementation_name: "cpython",
            implementation_version: &self.python_full,
            os_name: "posix",
            platform_machine: self.machine,
            platform_python_implementation: "CPython",
            platform_release: "",
            platform_system: "Linux",
            platform_version: "",
            python_full_version: &self.python_full,
            python_version: &python_version,
            sys_platform: "linux",
        })
        .ok()
    }

    fn describe(&self) -> String {
        format!(
            "CPython 3.{} on {} (glibc {}.{})",
            self.python_minor, self.platform, self.glibc.0, self.glibc.1
        )
    }
}

/// Whether a wheel file name has a tag triple this target installs.
pub fn wheel_fits(filename: &str, target: &Target) -> bool {
    let Some(stem) = filename.strip_suffix(".whl") else {
        return false;
    };
    let mut parts = stem.rsplitn(4, '-');
    let (Some(platforms), Some(abis), Some(pythons), Some(_)) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return false;
    };
    platforms.split('.').any(|p| platform_fits(p, target))
        && pythons.split('.').any(|python| {
            abis.split('.')
                .any(|abi| python_abi_fits(python, abi, target.python_minor))
        })
}

fn platform_fits(tag: &str, target: &Target) -> bool {
    if tag == "any" {
        return true;
    }
    let legacy = [
        ("manylinux1_", (2, 5)),
        ("manylinux2010_", (2, 12)),
        ("manylinux2014_", (2, 17)),
        ("linux_", (0, 0)),
    ];
    for (prefix, glibc) in legacy {
        if let Some(arch) = tag.strip_prefix(prefix) {
            return arch == target.machine && glibc <= target.glibc;
        }
    }
    let Some(rest) = tag.strip_prefix("manylinux_") else {
        return false;
    };
    let mut fields = rest.splitn(3, '_');
    let (Some(major), Some(minor), Some(arch)) = (fields.next(), fields.next(), fields.next())
    else {
        return false;
    };
    match (major.parse::<u32>(), minor.parse::<u32>()) {
        (Ok(major), Ok(minor)) => arch == target.machine && (major, minor) <= target.glibc,
        _ => false,
    }
}

/// Python and ABI tags as `packaging.tags` lists them for CPython 3.`minor` (GIL build).
fn python_abi_fits(python: &str, abi: &str, minor: u32) -> bool {
    let cpython = |tag: &str| tag.strip_prefix("cp3").and_then(|m| m.parse::<u32>().ok());
    match abi {
        "none" => {
            python == "py3"
                || cpython(python) == Some(minor)
                || python
                    .strip_prefix("py3")
                    .and_then(|m| m.parse::<u32>().ok())
                    .is_some_and(|m| m <= minor)
        }
        "abi3" => cpython(python).is_some_and(|m| (2..=minor).contains(&m)),
        _ => cpython(abi).is_some_and(|m| m == minor) && cpython(python) == Some(minor),
    }
}

/// What the app installs and builds from source, for every target.
pub struct Input<'a> {
    pub lock: &'a Lock,
    /// The package the app is: the project, or the workspace member.
    pub app: &'a str,
    pub extras: &'a [String],
    pub groups: &'a [String],
    pub no_binary: bool,
    pub no_binary_packages: &'a [String],
    pub no_build: bool,
    pub no_build_packages: &'a [String],
}

pub fn source_builds(input: &Input<'_>, targets: &[Target]) -> Result<Vec<SourceBuild>, UserError> {
    let mut by_key: BTreeMap<(String, String), SourceBuild> = BTreeMap::new();
    let no_binary: HashSet<PackageName> = input
        .no_binary_packages
        .iter()
        .map(|n| PackageName::new(n))
        .collect();
    let no_build: HashSet<PackageName> = input
        .no_build_packages
        .iter()
        .map(|n| PackageName::new(n))
        .collect();
    for target in targets {
        for (package, certain) in installed(input, target)? {
            let name = PackageName::new(&package.name).into_string();
            let version = package.version.clone().unwrap_or_default();
            // Both reach the Dockerfile's comments: only what uv itself would write.
            let valid_name = !name.is_empty()
                && name
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
            let valid_version = version
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"!+-._".contains(&b));
            if !valid_name || !valid_version {
                return Err(UserError::new(format!(
                    "`uv.lock` has a package {} {} that is not a valid name and version",
                    serde_json::to_string(&package.name).unwrap_or_default(),
                    serde_json::to_string(&version).unwrap_or_default()
                ))
                .hint("run `uv lock` to write a fresh lock file"));
            }
            let Some(why) = build_reason(package, &name, input, &no_binary, target) else {
                continue;
            };
            let why = match why {
                Ok(why) => why,
                // Reached only through a marker this reader could not evaluate: not an error.
                Err(_) if !certain => continue,
                Err(error) => return Err(error),
            };
            if package.sdist.is_some() && (input.no_build || no_build.contains(name.as_str())) {
                return Err(UserError::new(format!(
                    "`{name}` {version} must be built from its sdist for {}, but `[tool.uv]` in `pyproject.toml` forbids building it (`no-build`)",
                    target.describe()
                ))
                .hint(format!("allow the build: remove `{name}` from `no-build-package` (or `no-build = true`)"))
                .hint("or pick a platform or Python version that it publishes a wheel for"));
            }
            by_key
                .entry((name.clone(), version.clone()))
                .or_insert_with(|| SourceBuild {
                    package: name,
                    version,
                    why,
                    platforms: Vec::new(),
                    library: String::new(),
                })
                .platforms
                .push(target.platform.clone());
        }
    }
    Ok(by_key.into_values().collect())
}

/// None: installed from a wheel (or a local project uv builds anyway). Some(Ok(why)): built
/// from source. Some(Err): it cannot be installed on this target at all.
fn build_reason(
    package: &Package,
    name: &str,
    input: &Input<'_>,
    no_binary: &HashSet<PackageName>,
    target: &Target,
) -> Option<Result<String, UserError>> {
    let source = &package.source;
    if source.editable.is_some() || source.virtual_.is_some() || source.directory.is_some() {
        return None;
    }
    if source.git.is_some() {
        return Some(Ok("a git source, built from its checkout".into()));
    }
    if input.no_binary || no_binary.contains(name) {
        return match &package.sdist {
            Some(_) => Some(Ok(if input.no_binary {
                "`[tool.uv] no-binary = true` rules out every wheel".into()
            } else {
                "`[tool.uv] no-binary-package` names it".into()
            })),
            None => Some(Err(no_install(
                package,
                target,
                "`no-binary` rules out its wheels and the lock has no sdist",
            ))),
        };
    }
    let fits = package.wheels.iter().any(|wheel| {
        wheel
            .file_name
            .as_deref()
            .is_some_and(|f| wheel_fits(f, target))
    });
    if fits {
        return None;
    }
    if package.sdist.is_some()
        || source.url.is_some()
        || source.path.is_some() && package.wheels.is_empty()
    {
        let why = if package.wheels.is_empty() {
            "only an sdist is published".to_string()
        } else {
            format!("no wheel for {}", target.describe())
        };
        return Some(Ok(why));
    }
    Some(Err(no_install(
        package,
        target,
        "no wheel fits and the lock has no sdist",
    )))
}

fn no_install(package: &Package, target: &Target, why: &str) -> UserError {
    let version = package.version.as_deref().unwrap_or("");
    UserError::new(format!(
        "`uv.lock` has no way to install `{}` {version} on {}: {why}",
        package.name,
        target.describe()
    ))
    .detail("`uv sync` in the image build would fail")
    .hint("choose another target with `--platform` (or `platforms` in `[tool.uv-rootless]`) or another Python version")
    .hint(format!(
        "or, if `{}` is not needed on Linux, give its requirement a marker such as `sys_platform == 'win32'` and run `uv lock`",
        package.name
    ))
}

/// The packages `uv sync` installs for the app on `target`, each with whether every edge that
/// reached it had a marker this reader understood.
fn installed<'a>(
    input: &Input<'a>,
    target: &Target,
) -> Result<Vec<(&'a Package, bool)>, UserError> {
    let by_name = crate::read::graph::by_name(input.lock);
    let environment = target.marker_environment();
    let app = PackageName::new(input.app);
    // Extras as markers name them: plain, and in the encoded form uv writes for conflicting
    // extras (`extra-<len>-<package>-<extra>`) and groups.
    let mut marker_extras: Vec<ExtraName> = Vec::new();
    for extra in input.extras {
        let extra = PackageName::new(extra);
        marker_extras.extend(ExtraName::from_str(extra.as_str()).ok());
        marker_extras.extend(
            ExtraName::from_str(&format!("extra-{}-{app}-{extra}", app.as_str().len())).ok(),
        );
    }
    for group in input.groups {
        let group = PackageName::new(group);
        marker_extras.extend(
            ExtraName::from_str(&format!("group-{}-{app}-{group}", app.as_str().len())).ok(),
        );
    }
    let mut verdicts: HashMap<&str, Option<bool>> = HashMap::new();
    // A marker pep508_rs panics on: the run fails after the walk, naming it.
    let mut failed: Option<String> = None;
    let mut holds = |marker: Option<&'a str>| -> Option<bool> {
        let Some(marker) = marker else {
            return Some(true);
        };
        *verdicts.entry(marker).or_insert_with(|| {
            let environment = environment.as_ref()?;
            let evaluated = parse_marker(marker).and_then(|tree| {
                tree.map(|tree| guarded(|| tree.evaluate(environment, &marker_extras)))
                    .transpose()
            });
            match evaluated {
                Ok(verdict) => verdict,
                Err(panic) => {
                    failed.get_or_insert(format!(
                        "{}: {panic}",
                        serde_json::to_string(marker).unwrap_or_default()
                    ));
                    None
                }
            }
        })
    };

    // (package, extra or "" for its own dependencies) -> reached with certainty
    let mut seen: HashMap<(*const Package, &str), bool> = HashMap::new();
    let mut order: Vec<&'a Package> = Vec::new();
    let mut queue: Vec<(&'a Package, &'a str, bool)> = Vec::new();
    for package in by_name.get(&app) {
        queue.push((package, "", true));
        for extra in input.extras {
            if let Some((key, _)) = package
                .optional_dependencies
                .iter()
                .find(|(key, _)| PackageName::new(key).is(extra))
            {
                queue.push((package, key.as_str(), true));
            }
        }
    }
    let groups: HashSet<PackageName> = input.groups.iter().map(|g| PackageName::new(g)).collect();
    while let Some((package, extra, certain)) = queue.pop() {
        let key = (package as *const Package, extra);
        match seen.get(&key) {
            Some(true) => continue,
            Some(false) if !certain => continue,
            _ => {}
        }
        if !seen.contains_key(&(package as *const Package, "")) && extra.is_empty() {
            order.push(package);
        }
        seen.insert(key, certain);
        let mut edges: Vec<&'a Dependency> = Vec::new();
        if extra.is_empty() {
            edges.extend(&package.dependencies);
            if PackageName::new(&package.name) == app {
                for (group, deps) in &package.dev_dependencies {
                    if groups.contains(&PackageName::new(group)) {
                        edges.extend(deps);
                    }
                }
            }
        } else if let Some(deps) = package.optional_dependencies.get(extra) {
            edges.extend(deps);
        }
        for edge in edges {
            let verdict = holds(edge.marker.as_deref());
            if verdict == Some(false) {
                continue;
            }
            let certain = certain && verdict.is_some();
            for dep in by_name.get(&PackageName::new(&edge.name)) {
                if edge.version.is_some() && edge.version != dep.version {
                    continue;
                }
                queue.push((dep, "", certain));
                for extra in edge.extra.iter().flatten() {
                    if let Some((key, _)) = dep.optional_dependencies.get_key_value(extra.as_str())
                    {
                        queue.push((dep, key.as_str(), certain));
                    }
                }
            }
        }
    }
    if let Some(marker) = failed {
        return Err(UserError::new(format!(
            "`uv.lock` has a marker that cannot be evaluated: {marker}"
        ))
        .hint("fix the marker in `pyproject.toml` and run `uv lock`"));
    }
    Ok(order
        .into_iter()
        .map(|package| {
            let certain = seen
                .get(&(package as *const Package, ""))
                .copied()
                .unwrap_or(false);
            (package, certain)
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target(platform: &str, minor: u32, glibc: (u32, u32)) -> Target {
        Target {
            platform: platform.into(),
            machine: machine(platform).unwrap(),
            python_minor: minor,
            python_full: format!("3.{minor}.999"),
            glibc,
        }
    }

    #[test]
    fn wheel_tags() {
        let amd = target("linux/amd64", 13, (2, 41));
        let arm = target("linux/arm64", 13, (2, 41));
        let old = target("linux/amd64", 13, (2, 17));
        let fits = |f: &str, t: &Target| wheel_fits(f, t);
        assert!(fits("click-8.1.8-py3-none-any.whl", &amd));
        assert!(fits("six-1.16.0-py2.py3-none-any.whl", &arm));
        assert!(fits(
            "pydantic_core-2.33.2-cp313-cp313-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
            &amd
        ));
        assert!(!fits(
            "pydantic_core-2.33.2-cp313-cp313-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
            &arm
        ));
        assert!(fits(
            "pydantic_core-2.33.2-cp313-cp313-manylinux_2_17_aarch64.whl",
            &arm
        ));
        assert!(!fits(
            "pydantic_core-2.33.2-cp312-cp312-manylinux_2_17_x86_64.whl",
            &amd
        ));
        assert!(fits(
            "cryptography-44.0.0-cp39-abi3-manylinux_2_34_x86_64.whl",
            &amd
        ));
        assert!(!fits(
            "cryptography-44.0.0-cp39-abi3-manylinux_2_34_x86_64.whl",
            &old
        ));
        assert!(fits("numpy-2.2.0-cp313-cp313-manylinux1_x86_64.whl", &old));
        assert!(!fits(
            "numpy-2.2.0-cp313-cp313t-manylinux_2_17_x86_64.whl",
            &amd
        ));
        assert!(!fits(
            "numpy-2.2.0-cp313-cp313-musllinux_1_2_x86_64.whl",
            &amd
        ));
        assert!(!fits("numpy-2.2.0-cp313-cp313-win_amd64.whl", &amd));
        assert!(!fits("numpy-2.2.0-cp313-cp313-macosx_11_0_arm64.whl", &arm));
        assert!(fits("local-1.0-cp313-cp313-linux_x86_64.whl", &amd));
        assert!(fits("tomli-2.0-py311-none-any.whl", &amd));
        assert!(!fits("future-2.0-py314-none-any.whl", &amd));
        assert!(fits("pkg-1.0-1build-py3-none-any.whl", &amd));
        assert!(!fits("not-a-wheel.tar.gz", &amd));
        assert!(!fits("short-any.whl", &amd));
    }

    const LOCK: &str = r#"
version = 1
revision = 3
requires-python = ">=3.11"

[[package]]
name = "app"
version = "0.1.0"
source = { editable = "." }
dependencies = [
    { name = "pywin32", marker = "sys_platform == 'win32'" },
    { name = "native", marker = "platform_machine == 'aarch64'" },
    { name = "old-sdist" },
    { name = "uvicorn", extra = ["standard"] },
]

[package.optional-dependencies]
fast = [{ name = "orphan" }]

[[package]]
name = "pywin32"
version = "311"
source = { registry = "https://pypi.org/simple" }
wheels = [
    { url = "https://files.example/pywin32-311-cp313-cp313-win_amd64.whl" },
]

[[package]]
name = "native"
version = "1.0"
source = { registry = "https://pypi.org/simple" }
sdist = { url = "https://files.example/native-1.0.tar.gz" }
wheels = [
    { url = "https://files.example/native-1.0-cp313-cp313-manylinux_2_17_x86_64.whl" },
]

[[package]]
name = "old-sdist"
version = "0.9"
source = { registry = "https://pypi.org/simple" }
sdist = { url = "https://files.example/old_sdist-0.9.tar.gz" }

[[package]]
name = "uvicorn"
version = "0.30"
source = { registry = "https://pypi.org/simple" }
wheels = [
    { url = "https://files.example/uvicorn-0.30-py3-none-any.whl" },
]

[package.optional-dependencies]
standard = [{ name = "uvloop", marker = "sys_platform != 'win32'" }]

[[package]]
name = "uvloop"
version = "0.21"
source = { registry = "https://pypi.org/simple" }
wheels = [
    { url = "https://files.example/uvloop-0.21-cp313-cp313-manylinux_2_28_x86_64.whl" },
]

[[package]]
name = "orphan"
version = "1.0"
source = { registry = "https://pypi.org/simple" }
wheels = [
    { url = "https://files.example/orphan-1.0-cp313-cp313-win_amd64.whl" },
]
"#;

    fn builds(
        lock: &Lock,
        extras: &[String],
        platforms: &[&str],
    ) -> Result<Vec<SourceBuild>, UserError> {
        let targets: Vec<Target> = platforms.iter().map(|p| target(p, 13, (2, 41))).collect();
        source_builds(
            &Input {
                lock,
                app: "app",
                extras,
                groups: &[],
                no_binary: false,
                no_binary_packages: &[],
                no_build: false,
                no_build_packages: &[],
            },
            &targets,
        )
    }

    #[test]
    fn follows_markers_extras_and_platforms() {
        let lock = crate::read::lock::parse(LOCK).unwrap();
        let summary = |builds: Vec<SourceBuild>| -> Vec<String> {
            builds
                .iter()
                .map(|b| format!("{} {}: {}", b.package, b.platforms.join("+"), b.why))
                .collect()
        };
        // pywin32 (win32 only) is never installed; uvloop comes in through `uvicorn[standard]`
        // and has an amd64 wheel; `native` is arm64 only, where it has no wheel.
        assert_eq!(
            summary(builds(&lock, &[], &["linux/amd64"]).unwrap()),
            ["old-sdist linux/amd64: only an sdist is published"]
        );
        // On arm64, `native` builds from its sdist, and uvloop has neither wheel nor sdist.
        let error = builds(&lock, &[], &["linux/amd64", "linux/arm64"]).unwrap_err();
        assert!(
            error
                .message
                .contains("`uvloop` 0.21 on CPython 3.13 on linux/arm64"),
            "{error}"
        );
        let mut arm_only = lock.clone();
        arm_only.package.retain(|p| p.name != "uvloop");
        assert_eq!(
            summary(builds(&arm_only, &[], &["linux/amd64", "linux/arm64"]).unwrap()),
            [
                "native linux/arm64: no wheel for CPython 3.13 on linux/arm64 (glibc 2.41)",
                "old-sdist linux/amd64+linux/arm64: only an sdist is published",
            ]
        );
        // The `fast` extra adds a package with a Windows wheel only.
        let error = builds(&lock, &["fast".to_string()], &["linux/amd64"]).unwrap_err();
        assert!(error.message.contains("`orphan` 1.0"), "{error}");
    }

    #[test]
    fn unknown_platforms_are_named() {
        assert_eq!(machine("linux/arm64"), Ok("aarch64"));
        let error = machine("linux/s390x").unwrap_err();
        assert!(error.contains("`linux/amd64` or `linux/arm64`"), "{error}");
    }
}
