//! The base image table: every fact about a base that a decision or a template needs. A new
//! base is a [`BaseEntry`] in [`BASES`] and a [`BaseId`] variant, plus an `{% if %}` in the
//! templates for each real difference its facts cannot express; no new logic elsewhere.

use crate::error::UserError;
use crate::model::BaseId;
use crate::model::{Base, PackageManager};

/// Debian's apt. Recommends stay out; the index lists are removed in the same layer.
pub const APT: PackageManager = PackageManager {
    update: "apt-get update",
    install: "apt-get install -y --no-install-recommends",
    clean: "rm -rf /var/lib/apt/lists/*",
    lint_ignore: "DL3008",
};

/// apt on an image that does not set `DEBIAN_FRONTEND` (`debian:trixie-slim`): without it a
/// package such as tzdata asks its questions and the build waits for an answer.
pub const APT_NONINTERACTIVE: PackageManager = PackageManager {
    update: "apt-get update",
    install: "DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends",
    clean: "rm -rf /var/lib/apt/lists/*",
    lint_ignore: "DL3008",
};

/// Azure Linux's tdnf. It ignores `install_weak_deps`, so only the cache can be dropped.
pub const TDNF: PackageManager = PackageManager {
    update: "",
    install: "tdnf install -y",
    clean: "tdnf clean all",
    lint_ignore: "",
};

/// The base used when neither a flag nor the config names one.
pub const DEFAULT_BASE: BaseId = BaseId::PythonSlim;

/// One base image family.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BaseEntry {
    pub id: BaseId,
    pub title: &'static str,
    /// Python minors the base offers, oldest first.
    pub python_minors: &'static [&'static str],
    /// Build stage image; `{python}` stands for the Python minor.
    pub build_image: &'static str,
    /// Final stage image; `{python}` stands for the Python minor.
    pub runtime_image: &'static str,
    pub managed_python: bool,
    pub python_install_dir: &'static str,
    pub runtime_has_shell: bool,
    /// Whether the final image lacks libstdc++, which manylinux wheels may link (numpy,
    /// pandas, pyarrow, grpcio: the manylinux policy lets them expect it from the system), so
    /// the build stage copies its own when an extension module of the environment needs it.
    pub copies_libstdcxx: bool,
    /// CA bundle of the final image for Python's `ssl`, when Python would not find it itself
    /// (python-build-standalone looks in `/etc/ssl`, Azure Linux keeps it in `/etc/pki`).
    pub ca_bundle: &'static str,
    /// The build image's package manager: git, ssh and compilers for the build stage.
    pub package_manager: PackageManager,
    /// The final image's, for shared libraries of packages built from source; `None` for an
    /// image without one (then nothing that needs a library can be built from source).
    pub runtime_package_manager: Option<PackageManager>,
    /// The image's own Python as a command, `{python}` standing for the minor; empty when
    /// Python is uv-managed.
    pub python_command: &'static str,
    /// Packages that give the build stage the final image's own Python at the same path, when
    /// the build image lacks it (`{python}` stands for the minor): the environment made there
    /// names that interpreter, so it must be the one the final image runs.
    pub python_packages: &'static [&'static str],
    /// Packages that give the build stage git, and an ssh client, with the base's package manager.
    pub git_packages: &'static [&'static str],
    pub ssh_packages: &'static [&'static str],
    /// A C and C++ toolchain for building sdists, and Python's headers where the build image's
    /// Python comes without them.
    pub compiler_packages: &'static [&'static str],
    /// glibc of the build and final images: the newest `manylinux_X_Y` wheel they run.
    pub glibc: (u32, u32),
}

pub const BASES: &[BaseEntry] = &[
    BaseEntry {
        id: BaseId::PythonSlim,
        title: "python:X.Y-slim (Debian 13 trixie)",
        python_minors: &["3.10", "3.11", "3.12", "3.13", "3.14"],
        build_image: "python:{python}-slim-trixie",
        runtime_image: "python:{python}-slim-trixie",
        managed_python: false,
        python_install_dir: "",
        runtime_has_shell: true,
        copies_libstdcxx: false,
        ca_bundle: "",
        package_manager: APT,
        runtime_package_manager: Some(APT),
        python_command: "python{python}",
        python_packages: &[],
        git_packages: &["git"],
        ssh_packages: &["openssh-client"],
        compiler_packages: &["gcc", "g++", "libc6-dev", "make"],
        glibc: (2, 41),
    },
    BaseEntry {
        id: BaseId::Azurelinux,
        title: "Azure Linux 3.0",
        python_minors: &["3.10", "3.11", "3.12", "3.13", "3.14"],
        build_image: "mcr.microsoft.com/azurelinux/base/core:3.0",
        runtime_image: "mcr.microsoft.com/azurelinux/distroless/base:3.0",
        managed_python: true,
        python_install_dir: "/opt/python",
        runtime_has_shell: false,
        copies_libstdcxx: true,
        ca_bundle: "/etc/pki/tls/certs/ca-bundle.crt",
        package_manager: TDNF,
        runtime_package_manager: None,
        python_command: "",
        python_packages: &[],
        git_packages: &["git"],
        ssh_packages: &["openssh-clients"],
        compiler_packages: &[
            "gcc",
            "gcc-c++",
            "glibc-devel",
            "kernel-headers",
            "binutils",
            "make",
        ],
        glibc: (2, 38),
    },
    // Docker Hardened Images, image/python/debian-13/X.Y.yaml and X.Y-dev.yaml in
    // github.com/docker-hardened-images/catalog: CPython built with prefix `/usr` (no longer
    // `/opt/python`: image/python/guides.md), run-as nonroot 65532, ENV SSL_CERT_FILE; the
    // runtime variant lists no shell and no package manager, the -dev variant adds apt and bash.
    BaseEntry {
        id: BaseId::DhiPython,
        title: "Docker Hardened Images python (Debian 13)",
        python_minors: &["3.10", "3.11", "3.12", "3.13", "3.14"],
        build_image: "dhi.io/python:{python}-dev",
        runtime_image: "dhi.io/python:{python}",
        managed_python: false,
        python_install_dir: "",
        runtime_has_shell: false,
        copies_libstdcxx: false,
        ca_bundle: "/etc/ssl/certs/ca-certificates.crt",
        package_manager: APT,
        runtime_package_manager: None,
        python_command: "/usr/bin/python{python}",
        python_packages: &[],
        git_packages: &["git"],
        ssh_packages: &["openssh-client"],
        compiler_packages: &["gcc", "g++", "libc6-dev", "make"],
        glibc: (2, 41),
    },
    // Google distroless, python3/config.bzl and python3/python.bzl in
    // github.com/GoogleContainerTools/distroless: the files of Debian 13's python3.13-minimal,
    // libpython3.13-stdlib and python3.13-venv debs on the cc image, no shell, ENV SSL_CERT_FILE;
    // `:nonroot` runs as 65532. Its project builds in `debian:trixie-slim`, where apt installs
    // the same Debian packages at the same paths.
    BaseEntry {
        id: BaseId::DistrolessPython3,
        title: "Google distroless python3 (Debian 13)",
        python_minors: &["3.13"],
        build_image: "debian:trixie-slim",
        runtime_image: "gcr.io/distroless/python3-debian13:nonroot",
        managed_python: false,
        python_install_dir: "",
        runtime_has_shell: false,
        copies_libstdcxx: false,
        ca_bundle: "/etc/ssl/certs/ca-certificates.crt",
        package_manager: APT_NONINTERACTIVE,
        runtime_package_manager: None,
        python_command: "/usr/bin/python{python}",
        python_packages: &[
            "python{python}-minimal",
            "libpython{python}-stdlib",
            "python{python}-venv",
        ],
        // debian:trixie-slim has no CA bundle, and git over https needs one (the generated
        // Dockerfile's ca-certificates secret reaches uv only).
        git_packages: &["git", "ca-certificates"],
        ssh_packages: &["openssh-client"],
        // Debian's Python keeps its headers in a package of their own.
        compiler_packages: &["gcc", "g++", "libc6-dev", "make", "python3.13-dev"],
        glibc: (2, 41),
    },
];

pub fn entry(id: BaseId) -> &'static BaseEntry {
    BASES
        .iter()
        .find(|entry| entry.id == id)
        .unwrap_or(&BASES[0])
}

impl BaseEntry {
    pub fn build_image_for(&self, python_minor: &str) -> String {
        self.build_image.replace("{python}", python_minor)
    }

    pub fn runtime_image_for(&self, python_minor: &str) -> String {
        self.runtime_image.replace("{python}", python_minor)
    }

    /// The plan's base for Python `python_minor`: this entry's facts, with `uv_image` and the
    /// base's images each passed through `pin` (which adds a recorded digest).
    pub fn to_model(
        &self,
        python_minor: &str,
        uv_image: &str,
        pin: impl Fn(&str) -> Result<String, UserError>,
    ) -> Result<Base, UserError> {
        Ok(Base {
            id: self.id,
            uv_image: pin(uv_image)?,
            title: self.title.into(),
            build_image: pin(&self.build_image_for(python_minor))?,
            runtime_image: pin(&self.runtime_image_for(python_minor))?,
            managed_python: self.managed_python,
            python_install_dir: self.python_install_dir.into(),
            runtime_has_shell: self.runtime_has_shell,
            copies_libstdcxx: self.copies_libstdcxx,
            ca_bundle: self.ca_bundle.into(),
            package_manager: self.package_manager,
            runtime_package_manager: self.runtime_package_manager,
            python_command: self.python_command.replace("{python}", python_minor),
            python_packages: self
                .python_packages
                .iter()
                .map(|package| package.replace("{python}", python_minor))
                .collect(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_base_has_an_entry() {
        for id in BaseId::ALL {
            assert_eq!(entry(id).id, id);
        }
    }

    /// `needs` lets shared libraries into the final stage whenever its image has a shell, so
    /// such an image must have a package manager to install them with.
    #[test]
    fn a_final_image_with_a_shell_has_a_package_manager() {
        for base in BASES {
            assert_eq!(
                base.runtime_has_shell,
                base.runtime_package_manager.is_some(),
                "{}",
                base.id
            );
        }
    }

    /// Either the image brings Python (and the command that runs it) or uv installs it.
    #[test]
    fn python_is_the_image_s_or_managed() {
        for base in BASES {
            assert_eq!(
                base.managed_python,
                base.python_command.is_empty(),
                "{}",
                base.id
            );
            assert_eq!(
                base.managed_python,
                !base.python_install_dir.is_empty(),
                "{}",
                base.id
            );
        }
        let distroless = entry(BaseId::DistrolessPython3)
            .to_model("3.13", "uv:1", |image| Ok(image.to_string()))
            .unwrap();
        assert_eq!(
            distroless.python_packages,
            [
                "python3.13-minimal",
                "libpython3.13-stdlib",
                "python3.13-venv"
            ]
        );
        let slim = entry(BaseId::PythonSlim)
            .to_model("3.13", "uv:1", |image| Ok(image.to_string()))
            .unwrap();
        assert_eq!(slim.python_command, "python3.13");
        assert_eq!(slim.build_image, "python:3.13-slim-trixie");
    }

    /// A final stage without a shell cannot run the image's Python to compile its standard
    /// library or to find itself: the build stage runs that Python by the absolute path the
    /// final image has it at, which is also what the environment's `pyvenv.cfg` names.
    #[test]
    fn a_shell_less_image_s_own_python_is_named_by_its_path() {
        for base in BASES
            .iter()
            .filter(|base| !base.managed_python && !base.runtime_has_shell)
        {
            assert!(base.python_command.starts_with('/'), "{}", base.id);
        }
    }

    /// Headers named with a Python minor belong to a base that offers that minor alone.
    #[test]
    fn python_headers_in_the_compiler_packages_match_the_base_s_python() {
        for base in BASES {
            for package in base
                .compiler_packages
                .iter()
                .filter(|p| p.starts_with("python3"))
            {
                assert_eq!(base.python_minors.len(), 1, "{}: {package}", base.id);
                assert_eq!(
                    *package,
                    format!("python{}-dev", base.python_minors[0]),
                    "{}",
                    base.id
                );
            }
        }
    }
}
