//! Known native needs: packages whose sdist links a system library. Building one from source
//! needs the library's headers in the build stage and the library itself in the final stage.
//! A new entry is a row here; names are the base's own package names (checked against Debian
//! trixie's and Azure Linux 3.0's package lists; the Docker Hardened Images and distroless bases
//! build with Debian 13's apt). A base whose final stage cannot install a listed runtime
//! library refuses the project (`needs`).

use crate::model::BaseId;

/// One system library that some Python packages build against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NativeNeed {
    /// PEP 503 names of the Python packages whose sdist needs it.
    pub packages: &'static [&'static str],
    /// The library, for people.
    pub library: &'static str,
    /// Headers and tools for the build stage, per base.
    pub build: &'static [(BaseId, &'static [&'static str])],
    /// The shared library for the final stage, per base.
    pub runtime: &'static [(BaseId, &'static [&'static str])],
    /// The wheel-only alternative, for the error a base without a package manager gives.
    pub alternative: &'static str,
}

pub const NATIVE_NEEDS: &[NativeNeed] = &[
    NativeNeed {
        packages: &["psycopg2", "psycopg-c"],
        library: "libpq (PostgreSQL client)",
        build: &[
            (BaseId::PythonSlim, &["libpq-dev"]),
            (BaseId::Azurelinux, &["libpq-devel"]),
            (BaseId::DhiPython, &["libpq-dev"]),
            (BaseId::DistrolessPython3, &["libpq-dev"]),
        ],
        runtime: &[
            (BaseId::PythonSlim, &["libpq5"]),
            (BaseId::Azurelinux, &["libpq"]),
            (BaseId::DhiPython, &["libpq5"]),
            (BaseId::DistrolessPython3, &["libpq5"]),
        ],
        alternative: "`psycopg2-binary` or `psycopg[binary]`, which ship wheels with libpq inside",
    },
    NativeNeed {
        packages: &["mysqlclient"],
        library: "the MariaDB/MySQL client library",
        build: &[
            (
                BaseId::PythonSlim,
                &["default-libmysqlclient-dev", "pkg-config"],
            ),
            (
                BaseId::DhiPython,
                &["default-libmysqlclient-dev", "pkg-config"],
            ),
            (
                BaseId::DistrolessPython3,
                &["default-libmysqlclient-dev", "pkg-config"],
            ),
        ],
        runtime: &[
            (BaseId::PythonSlim, &["libmariadb3"]),
            (BaseId::DhiPython, &["libmariadb3"]),
            (BaseId::DistrolessPython3, &["libmariadb3"]),
        ],
        alternative: "`pymysql`, which is pure Python",
    },
    NativeNeed {
        packages: &["python-ldap"],
        library: "OpenLDAP and SASL",
        build: &[
            (BaseId::PythonSlim, &["libldap-dev", "libsasl2-dev"]),
            (BaseId::DhiPython, &["libldap-dev", "libsasl2-dev"]),
            (BaseId::DistrolessPython3, &["libldap-dev", "libsasl2-dev"]),
        ],
        runtime: &[
            (BaseId::PythonSlim, &["libldap2"]),
            (BaseId::DhiPython, &["libldap2"]),
            (BaseId::DistrolessPython3, &["libldap2"]),
        ],
        alternative: "`ldap3`, which is pure Python",
    },
    NativeNeed {
        packages: &["lxml"],
        library: "libxml2 and libxslt",
        build: &[
            (BaseId::PythonSlim, &["libxml2-dev", "libxslt1-dev"]),
            (BaseId::DhiPython, &["libxml2-dev", "libxslt1-dev"]),
            (BaseId::DistrolessPython3, &["libxml2-dev", "libxslt1-dev"]),
        ],
        runtime: &[
            (BaseId::PythonSlim, &["libxml2", "libxslt1.1"]),
            (BaseId::DhiPython, &["libxml2", "libxslt1.1"]),
            (BaseId::DistrolessPython3, &["libxml2", "libxslt1.1"]),
        ],
        alternative: "a Python version and platform that lxml publishes wheels for",
    },
    NativeNeed {
        packages: &["cffi"],
        library: "libffi",
        build: &[
            (BaseId::PythonSlim, &["libffi-dev"]),
            (BaseId::Azurelinux, &["libffi-devel"]),
            (BaseId::DhiPython, &["libffi-dev"]),
            (BaseId::DistrolessPython3, &["libffi-dev"]),
        ],
        // libffi8 is in both hardened runtime images already (their Python's ctypes needs it).
        runtime: &[(BaseId::PythonSlim, &["libffi8"])],
        alternative: "a Python version and platform that cffi publishes wheels for",
    },
];

/// A system library that a package installed from its wheel (or pure Python) loads at run
/// time, with `ctypes` or `cffi`, or a program it runs, and does not ship: the final stage
/// installs it. Its import
/// fails without it (`psycopg`: "no pq wrapper available"; WeasyPrint: "cannot load library
/// 'libgobject-2.0-0'").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LoadedAtRunTime {
    /// PEP 503 name of the package that loads it.
    pub package: &'static str,
    /// Packages that, installed beside it, bring the library along (`psycopg[binary]`).
    pub unless: &'static [&'static str],
    /// The library, for people.
    pub library: &'static str,
    /// The packages that install it in the final stage, per base with a package manager there.
    pub runtime: &'static [(BaseId, &'static [&'static str])],
    /// What to depend on instead on a final stage that cannot install it; empty when nothing.
    pub alternative: &'static str,
}

/// Names are Debian trixie's (python-slim's final stage), checked with `apt-cache policy`.
pub const LOADED_AT_RUN_TIME: &[LoadedAtRunTime] = &[
    LoadedAtRunTime {
        package: "psycopg",
        unless: &["psycopg-binary", "psycopg-c"],
        library: "libpq (PostgreSQL client)",
        runtime: &[(BaseId::PythonSlim, &["libpq5"])],
        alternative: "`psycopg[binary]`, whose wheel ships libpq",
    },
    LoadedAtRunTime {
        package: "weasyprint",
        unless: &[],
        library: "Pango",
        runtime: &[(
            BaseId::PythonSlim,
            &["libpango-1.0-0", "libpangoft2-1.0-0", "libharfbuzz-subset0"],
        )],
        alternative: "",
    },
    LoadedAtRunTime {
        package: "cairocffi",
        unless: &[],
        library: "cairo",
        runtime: &[(BaseId::PythonSlim, &["libcairo2"])],
        alternative: "",
    },
    LoadedAtRunTime {
        package: "python-magic",
        unless: &[],
        library: "libmagic",
        runtime: &[(BaseId::PythonSlim, &["libmagic1t64"])],
        alternative: "",
    },
    // GitPython runs the `git` program, and looks for it when it is imported: without it,
    // `import git` raises "Bad git executable".
    LoadedAtRunTime {
        package: "gitpython",
        unless: &[],
        library: "the `git` program",
        runtime: &[(BaseId::PythonSlim, &["git"])],
        alternative: "",
    },
    LoadedAtRunTime {
        package: "pyzbar",
        unless: &[],
        library: "ZBar",
        runtime: &[(BaseId::PythonSlim, &["libzbar0t64"])],
        alternative: "",
    },
];

impl LoadedAtRunTime {
    pub fn runtime_packages(&self, base: BaseId) -> &'static [&'static str] {
        column(self.runtime, base)
    }
}

/// The entry for a PEP 503 package name.
pub fn lookup(package: &str) -> Option<&'static NativeNeed> {
    NATIVE_NEEDS
        .iter()
        .find(|need| need.packages.contains(&package))
}

impl NativeNeed {
    pub fn build_packages(&self, base: BaseId) -> &'static [&'static str] {
        column(self.build, base)
    }

    pub fn runtime_packages(&self, base: BaseId) -> &'static [&'static str] {
        column(self.runtime, base)
    }
}

fn column(
    rows: &'static [(BaseId, &'static [&'static str])],
    base: BaseId,
) -> &'static [&'static str] {
    rows.iter()
        .find(|(id, _)| *id == base)
        .map(|(_, packages)| *packages)
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_normalised_and_listed_once() {
        let mut seen = std::collections::BTreeSet::new();
        for need in NATIVE_NEEDS {
            assert!(!need.build.is_empty(), "{}", need.library);
            for name in need.packages {
                assert_eq!(crate::read::names::PackageName::new(name).as_str(), *name);
                assert!(seen.insert(*name), "{name} twice");
            }
        }
        assert_eq!(
            lookup("psycopg2")
                .unwrap()
                .build_packages(BaseId::PythonSlim),
            ["libpq-dev"]
        );
        assert!(lookup("requests").is_none());
    }
}
