//! Build needs and install options read from the project: extras, groups, sources outside the
//! build context. Each error names the file, the field and the fix.

use std::path::{Path, PathBuf};
use uv_rootless::model::BaseId;
use uv_rootless::options::Flags;

fn fixture_copy(tag: &str) -> PathBuf {
    let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/projects/build-needs");
    let target =
        std::env::temp_dir().join(format!("uv-rootless-needs-{}-{tag}", std::process::id()));
    let _ = std::fs::remove_dir_all(&target);
    copy(&source, &target);
    target
}

fn copy(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let path = entry.path();
        if path.is_dir() {
            copy(&path, &to.join(entry.file_name()));
        } else {
            std::fs::copy(&path, to.join(entry.file_name())).unwrap();
        }
    }
}

fn error_after(tag: &str, edit: impl FnOnce(&Path)) -> uv_rootless::error::UserError {
    let dir = fixture_copy(tag);
    edit(&dir);
    let error = uv_rootless::app::load(&dir, Flags::default()).unwrap_err();
    std::fs::remove_dir_all(&dir).unwrap();
    error
}

fn replace(dir: &Path, file: &str, from: &str, to: &str) {
    let path = dir.join(file);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{from:?} not in {file}");
    std::fs::write(&path, text.replace(from, to)).unwrap();
}

#[test]
fn the_fixture_plans_git_secrets_extras_and_groups() {
    let dir = fixture_copy("plan");
    let plan = uv_rootless::app::load(&dir, Flags::default()).unwrap().plan;
    std::fs::remove_dir_all(&dir).unwrap();
    // A git source is built from its checkout: git, and a compiler, as for an sdist.
    assert_eq!(
        plan.needs.system_packages,
        ["gcc", "g++", "libc6-dev", "make", "git"]
    );
    assert_eq!(plan.needs.git_packages, vec!["tinylib".to_string()]);
    assert_eq!(plan.needs.source_builds.len(), 1);
    assert_eq!(plan.needs.source_builds[0].package, "tinylib");
    assert!(!plan.needs.ssh);
    assert_eq!(plan.needs.indexes.len(), 1);
    assert_eq!(plan.needs.indexes[0].env_prefix, "UV_INDEX_INTERNAL");
    assert_eq!(
        plan.layout.sync_options,
        ["--extra", "fast", "--group", "observability"]
            .map(String::from)
            .to_vec()
    );
}

#[test]
fn an_unknown_extra_is_an_error() {
    let error = error_after("extra", |dir| {
        replace(
            dir,
            "pyproject.toml",
            "extras = [\"fast\"]",
            "extras = [\"turbo\"]",
        )
    });
    assert!(error.message.contains("`turbo`"), "{error}");
    assert!(
        error.hints.iter().any(|hint| hint.contains("`fast`")),
        "{error:?}"
    );
}

#[test]
fn the_dev_group_never_goes_in() {
    let error = error_after("dev", |dir| {
        replace(
            dir,
            "pyproject.toml",
            "groups = [\"observability\"]",
            "groups = [\"dev\"]",
        )
    });
    assert!(error.message.contains("`dev`"), "{error}");
}

#[test]
fn an_undefined_group_is_an_error() {
    let error = error_after("group", |dir| {
        replace(
            dir,
            "pyproject.toml",
            "groups = [\"observability\"]",
            "groups = [\"metrics\"]",
        )
    });
    assert!(error.message.contains("`metrics`"), "{error}");
}

#[test]
fn ssh_git_sources_mount_the_agent() {
    let dir = fixture_copy("ssh");
    replace(
        &dir,
        "uv.lock",
        "source = { git = \"https://git.example.com/team/tinylib",
        "source = { git = \"ssh://git@git.example.com/team/tinylib",
    );
    let loaded = uv_rootless::app::load(&dir, Flags::default()).unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
    assert!(loaded.plan.needs.ssh);
    assert_eq!(
        loaded.plan.needs.system_packages,
        ["gcc", "g++", "libc6-dev", "make", "git", "openssh-client"]
    );
    let dockerfile = &loaded.rendered[0].content;
    assert_eq!(
        dockerfile.matches("--mount=type=ssh").count(),
        2,
        "{dockerfile}"
    );
    assert!(
        dockerfile.contains("docker build --ssh default"),
        "{dockerfile}"
    );
}

#[test]
fn a_path_source_outside_the_project_is_an_error() {
    let error = error_after("outside", |dir| {
        replace(
            dir,
            "uv.lock",
            "source = { registry = \"https://pypi.internal.example/simple\" }",
            "source = { editable = \"../internal-lib\" }",
        )
    });
    assert!(error.message.contains("`../internal-lib`"), "{error}");
    assert!(error.message.contains("build context"), "{error}");
}

/// A package from the native-needs table built from its sdist: its headers in the build
/// stage, its shared library in python-slim's final stage; a final stage without a package
/// manager (Azure Linux's, Docker Hardened Images', distroless') cannot install it, which is an
/// error naming the wheel-only alternative and python-slim.
#[test]
fn psycopg2_from_its_sdist_gets_libpq() {
    let to_psycopg2 = |dir: &Path| {
        replace(
            dir,
            "uv.lock",
            "    { name = \"tinylib\" },\n]",
            "    { name = \"psycopg2\" },\n]",
        );
        replace(
            dir,
            "uv.lock",
            "name = \"tinylib\"\nversion = \"0.3.0\"\nsource = { git = \"https://git.example.com/team/tinylib?tag=v0.3.0#0123456789abcdef0123456789abcdef01234567\" }",
            "name = \"psycopg2\"\nversion = \"2.9.10\"\nsource = { registry = \"https://pypi.org/simple\" }\nsdist = { url = \"https://files.example/psycopg2-2.9.10.tar.gz\" }",
        );
    };
    let dir = fixture_copy("psycopg2");
    to_psycopg2(&dir);
    let loaded = uv_rootless::app::load(&dir, Flags::default()).unwrap();
    let needs = &loaded.plan.needs;
    assert_eq!(
        needs.system_packages,
        ["gcc", "g++", "libc6-dev", "make", "libpq-dev"]
    );
    assert_eq!(needs.runtime_packages, ["libpq5"]);
    assert_eq!(needs.source_builds[0].library, "libpq (PostgreSQL client)");
    let dockerfile = &loaded.rendered[0].content;
    let final_stage = &dockerfile[dockerfile.rfind("\nFROM ").unwrap()..];
    assert!(
        final_stage.contains("apt-get install -y --no-install-recommends libpq5"),
        "{final_stage}"
    );
    assert!(
        !final_stage.contains("libpq-dev") && !final_stage.contains("gcc"),
        "{final_stage}"
    );

    // Every final stage without a package manager refuses, naming the wheel and python-slim.
    for base in [
        BaseId::Azurelinux,
        BaseId::DhiPython,
        BaseId::DistrolessPython3,
    ] {
        let flags = Flags {
            base: Some(base),
            ..Flags::default()
        };
        let error = uv_rootless::app::load(&dir, flags).unwrap_err();
        assert!(
            error
                .message
                .contains("`psycopg2` 2.9.10 is built from source"),
            "{base}: {error}"
        );
        assert!(
            error.hints.iter().any(|h| h.contains("psycopg2-binary")),
            "{base}: {error:?}"
        );
        assert!(
            error
                .hints
                .iter()
                .any(|h| h.contains("`--base python-slim`")),
            "{base}: {error:?}"
        );
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn psycopg_from_its_wheel_gets_libpq_in_the_final_stage_unless_binary_ships_it() {
    // psycopg 3 loads libpq with ctypes; its pure-Python wheel does not ship it.
    let to_psycopg = |dir: &Path, with_binary: bool| {
        let deps = if with_binary {
            "    { name = \"psycopg\" },\n    { name = \"psycopg-binary\" },\n]"
        } else {
            "    { name = \"psycopg\" },\n]"
        };
        replace(dir, "uv.lock", "    { name = \"tinylib\" },\n]", deps);
        let mut packages = "name = \"psycopg\"\nversion = \"3.2.9\"\nsource = { registry = \"https://pypi.org/simple\" }\nwheels = [{ url = \"https://files.example/psycopg-3.2.9-py3-none-any.whl\" }]".to_string();
        if with_binary {
            packages.push_str("\n\n[[package]]\nname = \"psycopg-binary\"\nversion = \"3.2.9\"\nsource = { registry = \"https://pypi.org/simple\" }\nwheels = [{ url = \"https://files.example/psycopg_binary-3.2.9-cp313-cp313-manylinux_2_17_x86_64.manylinux2014_x86_64.whl\" }]");
        }
        replace(
            dir,
            "uv.lock",
            "name = \"tinylib\"\nversion = \"0.3.0\"\nsource = { git = \"https://git.example.com/team/tinylib?tag=v0.3.0#0123456789abcdef0123456789abcdef01234567\" }",
            &packages,
        );
    };
    let dir = fixture_copy("psycopg");
    to_psycopg(&dir, false);
    let loaded = uv_rootless::app::load(&dir, Flags::default()).unwrap();
    assert_eq!(loaded.plan.needs.runtime_packages, ["libpq5"]);
    let dockerfile = &loaded.rendered[0].content;
    let final_stage = &dockerfile[dockerfile.rfind("\nFROM ").unwrap()..];
    assert!(
        final_stage.contains("apt-get install -y --no-install-recommends libpq5"),
        "{final_stage}"
    );
    // No compiler for it: nothing is built.
    assert!(!loaded.plan.needs.system_packages.iter().any(|p| p == "gcc"));
    // A final stage without a package manager refuses, naming the binary wheel.
    let flags = Flags {
        base: Some(BaseId::Azurelinux),
        ..Flags::default()
    };
    let error = uv_rootless::app::load(&dir, flags).unwrap_err();
    assert!(error.message.contains("`psycopg` needs libpq"), "{error}");
    assert!(
        error.hints.iter().any(|h| h.contains("psycopg[binary]")),
        "{error:?}"
    );
    std::fs::remove_dir_all(&dir).unwrap();

    let dir = fixture_copy("psycopg-binary");
    to_psycopg(&dir, true);
    let loaded = uv_rootless::app::load(&dir, Flags::default()).unwrap();
    assert!(
        loaded.plan.needs.runtime_packages.is_empty(),
        "{:?}",
        loaded.plan.needs.runtime_packages
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn gitpython_gets_the_git_program_in_the_final_stage() {
    // GitPython's import fails without `git` ("Bad git executable"); its wheel is pure Python.
    let dir = fixture_copy("gitpython");
    replace(
        &dir,
        "uv.lock",
        "    { name = \"tinylib\" },\n]",
        "    { name = \"gitpython\" },\n]",
    );
    replace(
        &dir,
        "uv.lock",
        "name = \"tinylib\"\nversion = \"0.3.0\"\nsource = { git = \"https://git.example.com/team/tinylib?tag=v0.3.0#0123456789abcdef0123456789abcdef01234567\" }",
        "name = \"gitpython\"\nversion = \"3.1.45\"\nsource = { registry = \"https://pypi.org/simple\" }\nwheels = [{ url = \"https://files.example/gitpython-3.1.45-py3-none-any.whl\" }]",
    );
    let loaded = uv_rootless::app::load(&dir, Flags::default()).unwrap();
    assert_eq!(loaded.plan.needs.runtime_packages, ["git"]);
    let dockerfile = &loaded.rendered[0].content;
    let final_stage = &dockerfile[dockerfile.rfind("\nFROM ").unwrap()..];
    assert!(
        final_stage.contains("apt-get install -y --no-install-recommends git"),
        "{final_stage}"
    );
    let flags = Flags {
        base: Some(BaseId::Azurelinux),
        ..Flags::default()
    };
    let error = uv_rootless::app::load(&dir, flags).unwrap_err();
    assert!(
        error
            .message
            .contains("`gitpython` needs the `git` program at run time"),
        "{error}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn dynamic_dependencies_install_the_lock_as_it_is_in_the_dependencies_stage() {
    // Only the build backend knows dependencies a metadata hook gives: checking the lock
    // against them needs the whole source, which the dependencies' stage does not have.
    let dir = fixture_copy("dynamic-dependencies");
    let deps_stage = |dir: &Path| {
        let loaded = uv_rootless::app::load(dir, Flags::default()).unwrap();
        let dockerfile = loaded.rendered[0].content.clone();
        let start = dockerfile.find("FROM build AS deps").unwrap();
        let end = start + dockerfile[start..].find("\nFROM ").unwrap();
        (
            loaded.plan.layout.dynamic_dependencies,
            dockerfile[start..end].to_string(),
            dockerfile,
        )
    };
    let (dynamic, stage, _) = deps_stage(&dir);
    assert!(dynamic.is_empty());
    assert!(stage.contains("uv sync --locked "), "{stage}");
    replace(
        &dir,
        "pyproject.toml",
        "version = \"1.2.0\"\n",
        "version = \"1.2.0\"\ndynamic = [\"optional-dependencies\"]\n",
    );
    let (dynamic, stage, dockerfile) = deps_stage(&dir);
    assert_eq!(dynamic, ["needs-demo"]);
    assert!(stage.contains("uv sync --frozen "), "{stage}");
    // The project's stage, which has the source, still checks the lock.
    let project = &dockerfile[dockerfile.find("AS project").unwrap()..];
    assert!(project.contains("uv sync --locked "), "{project}");
    std::fs::remove_dir_all(&dir).unwrap();
}
