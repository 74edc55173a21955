//! The base image table. A new base is a row here (and whatever `{% if %}` its real
//! differences need in the templates), not new logic.

use crate::read::config::BaseId;

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
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_base_has_a_row() {
        for id in BaseId::ALL {
            assert_eq!(entry(id).id, id);
        }
    }
}
