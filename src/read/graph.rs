//! The lock as a graph: which packages an app installs, following `uv.lock`'s dependency
//! edges. Shared by the decisions (what the build needs) and by `verify` (what must not be in
//! the image).

use super::lock::{Dependency, Lock, Package};
use super::names::{requirement_name, PackageName};
use super::pyproject::GroupEntry;
use super::ProjectFiles;
use std::cell::RefCell;
use std::collections::{BTreeSet, HashMap};
use std::rc::Rc;

/// What was worked out of one lock while a caller holds it: its packages by name and the
/// closures asked of it. Deciding a plan asks the same closures a dozen times (once for each
/// Python minor it weighs), and indexing a 2 MB lock takes a millisecond.
struct Memo {
    /// The lock this is of, borrowed (so unchanged) for as long as the memo lives.
    lock: *const Lock,
    index: Rc<HashMap<PackageName, Vec<usize>>>,
    closures: HashMap<(String, Vec<String>, Vec<String>), BTreeSet<PackageName>>,
}

thread_local! {
    static MEMOS: RefCell<Vec<Memo>> = const { RefCell::new(Vec::new()) };
}

/// Runs `work` with what is worked out of `lock` kept until it returns. Sound because `lock` is
/// borrowed for the whole call: it cannot change while its memo is used, and the memo is gone
/// (even if `work` panics) before it could.
pub fn remembering<T>(lock: &Lock, work: impl FnOnce() -> T) -> T {
    struct Forget;
    impl Drop for Forget {
        fn drop(&mut self) {
            MEMOS.with(|memos| memos.borrow_mut().pop());
        }
    }
    MEMOS.with(|memos| {
        memos.borrow_mut().push(Memo {
            lock,
            index: Rc::new(index(lock)),
            closures: HashMap::new(),
        })
    });
    let _forget = Forget;
    work()
}

/// `use_memo` on the memo of `lock`, if a caller is [`remembering`] it.
fn with_memo<T>(lock: &Lock, use_memo: impl FnOnce(&mut Memo) -> T) -> Option<T> {
    MEMOS.with(|memos| {
        memos
            .borrow_mut()
            .iter_mut()
            .rev()
            .find(|memo| std::ptr::eq(memo.lock, lock))
            .map(use_memo)
    })
}

fn index(lock: &Lock) -> HashMap<PackageName, Vec<usize>> {
    let mut index: HashMap<PackageName, Vec<usize>> = HashMap::with_capacity(lock.package.len());
    for (at, package) in lock.package.iter().enumerate() {
        index
            .entry(PackageName::new(&package.name))
            .or_default()
            .push(at);
    }
    index
}

/// Every `[[package]]` of a lock by normalised name. A lock may hold one name several times
/// (forks by marker), so a name gives all its entries.
pub struct ByName<'a> {
    lock: &'a Lock,
    index: Rc<HashMap<PackageName, Vec<usize>>>,
}

impl<'a> ByName<'a> {
    pub fn get(&self, name: &PackageName) -> impl Iterator<Item = &'a Package> + '_ {
        let lock = self.lock;
        self.index
            .get(name)
            .into_iter()
            .flatten()
            .map(move |&at| &lock.package[at])
    }
}

pub fn by_name(lock: &Lock) -> ByName<'_> {
    ByName {
        lock,
        index: with_memo(lock, |memo| Rc::clone(&memo.index))
            .unwrap_or_else(|| Rc::new(index(lock))),
    }
}

/// Every package the app installs, following the lock's dependency edges from `start`, and
/// for an edge that names extras (`{ name = "fastapi", extra = ["standard"] }`) the target's
/// `[package.optional-dependencies]` of those extras, whose edges can name extras again
/// (markers ignored: a superset, which is what build needs want).
pub fn runtime_closure(lock: &Lock, start: &str) -> BTreeSet<PackageName> {
    closure_with(lock, start, &[], &[])
}

/// Every package the app installs with its chosen dependency groups and extras: the
/// [`runtime_closure`] of the app, its chosen extras followed as an edge's extras are, plus what
/// the app's chosen groups add.
pub fn closure_with(
    lock: &Lock,
    app: &str,
    groups: &[String],
    extras: &[String],
) -> BTreeSet<PackageName> {
    let key = (app.to_string(), groups.to_vec(), extras.to_vec());
    if let Some(closure) = with_memo(lock, |memo| memo.closures.get(&key).cloned()).flatten() {
        return closure;
    }
    let closure = walk(lock, app, groups, extras);
    with_memo(lock, |memo| memo.closures.insert(key, closure.clone()));
    closure
}

fn walk(lock: &Lock, app: &str, groups: &[String], extras: &[String]) -> BTreeSet<PackageName> {
    let by_name = by_name(lock);
    let app_name = PackageName::new(app);
    let groups: BTreeSet<PackageName> = groups.iter().map(|g| PackageName::new(g)).collect();
    let edge = |dependency: &Dependency| {
        (
            PackageName::new(&dependency.name),
            dependency
                .extra
                .iter()
                .flatten()
                .map(|extra| PackageName::new(extra))
                .collect::<Vec<_>>(),
        )
    };
    let mut queue = vec![(
        app_name.clone(),
        extras
            .iter()
            .map(|e| PackageName::new(e))
            .collect::<Vec<_>>(),
    )];
    for package in by_name.get(&app_name) {
        for (group, dependencies) in &package.dev_dependencies {
            if groups.contains(&PackageName::new(group)) {
                queue.extend(dependencies.iter().map(edge));
            }
        }
    }
    let mut closure = BTreeSet::new();
    // Each (package, extra) is followed once, as each package's own dependencies are.
    let mut followed: BTreeSet<(PackageName, PackageName)> = BTreeSet::new();
    while let Some((name, extras)) = queue.pop() {
        let first = closure.insert(name.clone());
        let extras: Vec<PackageName> = extras
            .into_iter()
            .filter(|extra| followed.insert((name.clone(), extra.clone())))
            .collect();
        for package in by_name.get(&name) {
            if first {
                queue.extend(package.dependencies.iter().map(edge));
            }
            for (extra, dependencies) in &package.optional_dependencies {
                if extras.contains(&PackageName::new(extra)) {
                    queue.extend(dependencies.iter().map(edge));
                }
            }
        }
    }
    closure
}

/// Packages that only dependency groups the image does not install ask for: the requirements of
/// every group (`[dependency-groups]` and `[tool.uv] dev-dependencies` of the root and every
/// member, and the lock's `requires-dev` of every package), minus what the app installs with its
/// chosen `groups` and `extras`. `app` is the package the image runs (the root project or a
/// workspace member). A group's `[tool.uv] default-groups` membership does not matter: the
/// image syncs with `--no-default-groups`.
pub fn dev_only_packages(
    files: &ProjectFiles,
    app: &str,
    groups: &[String],
    extras: &[String],
) -> BTreeSet<PackageName> {
    let mut dev = BTreeSet::new();
    let mut manifests = vec![&files.pyproject];
    manifests.extend(files.members.iter().map(|member| &member.pyproject));
    for pyproject in manifests {
        if let Some(requirements) = pyproject
            .tool_uv()
            .and_then(|uv| uv.dev_dependencies.as_ref())
        {
            dev.extend(
                requirements
                    .iter()
                    .filter_map(|r| requirement_name(r, "").ok()),
            );
        }
        for entries in pyproject.dependency_groups.values() {
            dev.extend(
                entries
                    .iter()
                    .filter_map(GroupEntry::requirement)
                    .filter_map(|r| requirement_name(r, "").ok()),
            );
        }
    }
    for package in &files.lock.package {
        if let Some(metadata) = &package.metadata {
            for requirements in metadata.requires_dev.values() {
                dev.extend(requirements.iter().map(|r| PackageName::new(&r.name)));
            }
        }
    }
    let closure = closure_with(&files.lock, app, groups, extras);
    dev.retain(|name| !closure.contains(name));
    dev
}

#[cfg(test)]
mod tests {
    use super::*;

    fn corpus(name: &str) -> ProjectFiles {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/corpus")
            .join(name);
        super::super::read_project(&root).unwrap()
    }

    fn names(names: &[&str]) -> BTreeSet<PackageName> {
        names.iter().map(|n| PackageName::new(n)).collect()
    }

    #[test]
    fn an_edge_with_extras_follows_the_targets_optional_dependencies() {
        // `fastapi[standard]` installs fastapi-cli[standard], whose extra installs
        // fastapi-cloud-cli; and uvicorn[standard] installs uvloop (markers ignored).
        let files = corpus("astral-sh__uv-docker-example");
        let closure = runtime_closure(&files.lock, "uv-docker-example");
        for name in [
            "fastapi",
            "fastapi-cli",
            "fastapi-cloud-cli",
            "httpx",
            "uvicorn",
            "uvloop",
            "email-validator",
        ] {
            assert!(closure.contains(&PackageName::new(name)), "{name}");
        }
        assert!(!closure.contains(&PackageName::new("ruff")));
        // fastapi-cli is in the dev group too, but the app installs it.
        assert_eq!(
            dev_only_packages(&files, "uv-docker-example", &[], &[]),
            names(&["ruff"])
        );
    }

    #[test]
    fn an_edge_without_extras_does_not_follow_them() {
        let mut files = corpus("astral-sh__uv-docker-example");
        for package in &mut files.lock.package {
            for edge in &mut package.dependencies {
                edge.extra = None;
            }
        }
        let closure = runtime_closure(&files.lock, "uv-docker-example");
        assert!(closure.contains(&PackageName::new("fastapi")));
        for name in ["fastapi-cli", "httpx", "uvicorn", "email-validator"] {
            assert!(!closure.contains(&PackageName::new(name)), "{name}");
        }
        assert_eq!(
            dev_only_packages(&files, "uv-docker-example", &[], &[]),
            names(&["fastapi-cli", "ruff"])
        );
        // An extra chosen for the app is followed, and so are the extras its edges name.
        let closure = closure_with(&files.lock, "fastapi", &[], &["standard".into()]);
        assert!(closure.contains(&PackageName::new("fastapi-cli")));
        assert!(closure.contains(&PackageName::new("fastapi-cloud-cli")));
    }
}
