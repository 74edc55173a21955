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
    /// Packages that give the build stage git, and an ssh client, with the base's package manager.
    pub git_packages: &'static [&'static str],
    pub ssh_packages: &'static [&'static str],
    /// A C and C++ toolchain for building sdists; Python's headers come with both bases' Python.
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
        ca_bundle: "",
        package_manager: APT,
        runtime_package_manager: Some(APT),
        python_command: "python{python}",
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
        ca_bundle: "/etc/pki/tls/certs/ca-bundle.crt",
        package_manager: TDNF,
        runtime_package_manager: None,
        python_command: "",
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
            ca_bundle: self.ca_bundle.into(),
            package_manager: self.package_manager,
            runtime_package_manager: self.runtime_package_manager,
            python_command: self.python_command.replace("{python}", python_minor),
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
        let slim = entry(BaseId::PythonSlim)
            .to_model("3.13", "uv:1", |image| Ok(image.to_string()))
            .unwrap();
        assert_eq!(slim.python_command, "python3.13");
        assert_eq!(slim.build_image, "python:3.13-slim-trixie");
    }
}
