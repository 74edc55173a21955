//! `uv.lock`: what uv resolved, the truth for what gets installed.
//!
//! Format `version = 1`, with or without `revision`. Only the fields uv-rootless uses are
//! read; everything else is ignored so newer revisions keep parsing.

use super::names::{is_valid_name, marker_would_panic, PackageName};
use super::parse_toml;
use crate::error::UserError;
use serde::Deserialize;
use std::collections::BTreeMap;

mod lines;

/// The lock file versions this release understands.
pub const SUPPORTED_VERSION: u32 = 1;

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct Lock {
    pub version: u32,
    pub revision: Option<u32>,
    pub requires_python: Option<String>,
    #[serde(default)]
    pub manifest: Manifest,
    #[serde(default)]
    pub package: Vec<Package>,
}

/// `[manifest]`: present for workspaces.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Manifest {
    #[serde(default)]
    pub members: Vec<String>,
}

/// One `[[package]]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct Package {
    pub name: String,
    pub version: Option<String>,
    #[serde(default)]
    pub source: Source,
    pub sdist: Option<Artifact>,
    #[serde(default)]
    pub wheels: Vec<Artifact>,
    #[serde(default)]
    pub dependencies: Vec<Dependency>,
    /// `[package.optional-dependencies]`: the edges each extra adds.
    #[serde(default)]
    pub optional_dependencies: BTreeMap<String, Vec<Dependency>>,
    /// `[package.dev-dependencies]`: the edges of each dependency group, `dev` among them.
    #[serde(default)]
    pub dev_dependencies: BTreeMap<String, Vec<Dependency>>,
    pub metadata: Option<Metadata>,
}

/// `source = { registry = … }` and its siblings; exactly one key is set.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Source {
    pub registry: Option<String>,
    pub git: Option<String>,
    pub url: Option<String>,
    pub path: Option<String>,
    pub directory: Option<String>,
    pub editable: Option<String>,
    #[serde(rename = "virtual")]
    pub virtual_: Option<String>,
}

impl Source {
    /// The kind of source, as uv names it in the lock.
    pub fn kind(&self) -> &'static str {
        if self.registry.is_some() {
            "registry"
        } else if self.git.is_some() {
            "git"
        } else if self.url.is_some() {
            "url"
        } else if self.path.is_some() {
            "path"
        } else if self.directory.is_some() {
            "directory"
        } else if self.editable.is_some() {
            "editable"
        } else if self.virtual_.is_some() {
            "virtual"
        } else {
            "unknown"
        }
    }
}

/// An sdist or a wheel, by the name of its file (which says, for a wheel, where it installs).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(from = "ArtifactFields")]
pub struct Artifact {
    /// Its `filename`, else the last part of its `url` or `path`.
    pub file_name: Option<String>,
}

/// An artifact's fields as the lock writes them.
#[derive(Deserialize)]
struct ArtifactFields {
    url: Option<String>,
    path: Option<String>,
    filename: Option<String>,
}

impl From<ArtifactFields> for Artifact {
    fn from(fields: ArtifactFields) -> Self {
        Artifact::named(
            fields.url.as_deref(),
            fields.path.as_deref(),
            fields.filename.as_deref(),
        )
    }
}

impl Artifact {
    fn named(url: Option<&str>, path: Option<&str>, filename: Option<&str>) -> Self {
        let last = |text: &str| {
            let start = text.rfind('/').map_or(0, |i| i + 1);
            text[start..].to_string()
        };
        Artifact {
            file_name: filename
                .map(str::to_string)
                .or_else(|| url.map(last))
                .or_else(|| path.map(last)),
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
pub struct Dependency {
    pub name: String,
    /// Set when the lock holds several versions of `name` (a fork by marker).
    pub version: Option<String>,
    pub extra: Option<Vec<String>>,
    pub marker: Option<String>,
}

/// `[package.metadata]`: what the project asked for when the lock was made.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct Metadata {
    #[serde(default)]
    pub requires_dist: Vec<RequiresDist>,
    #[serde(default)]
    pub requires_dev: BTreeMap<String, Vec<RequiresDist>>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct RequiresDist {
    pub name: String,
    pub specifier: Option<String>,
    pub marker: Option<String>,
    /// Set for a workspace member or a path, git or URL source, whose version range uv drops.
    pub editable: Option<String>,
    pub directory: Option<String>,
    pub path: Option<String>,
    pub git: Option<String>,
    pub url: Option<String>,
}

/// Parses `uv.lock` and checks its format version.
///
/// Most of a large lock is its multi-line arrays, one entry a line as uv writes them: the
/// wheels, the dependencies (of a package, of its extras and groups), the requirements its
/// metadata records, the resolution markers; and its one-line `sdist = { ... }` tables. The
/// fast path lifts those out with a line scanner and parses the rest; an array whose entries
/// are not exactly as uv writes them stays in the text the TOML parser reads, and a text not
/// in uv's layout takes the full parse. A lock all in uv's layout, which is every lock uv
/// writes but for a few tables it rarely writes, needs no TOML parser at all (see [`lines`]).
pub fn parse(text: &str) -> Result<Lock, UserError> {
    if let Some(lock) = lines::read(text) {
        validate(&lock)?;
        return Ok(lock);
    }
    if let Some((skeleton, lifted)) = lift(text) {
        if let Ok(lock) = toml::from_str::<Lock>(&skeleton) {
            if let Some(lock) = merge(lock, lifted) {
                validate(&lock)?;
                return Ok(lock);
            }
        }
    }
    let lock = parse_full(text)?;
    validate(&lock)?;
    Ok(lock)
}

/// Puts what was lifted back where the skeleton holds an empty array in its place (so the
/// TOML parser has judged the keys: one twice is an error). None when the two disagree, which
/// the full parse then reports.
fn merge(mut lock: Lock, lifted: Vec<Lifted>) -> Option<Lock> {
    if lock.version != SUPPORTED_VERSION || lock.package.len() != lifted.len() {
        return None;
    }
    fn put<T>(place: Option<&mut Vec<T>>, entries: Vec<T>) -> Option<()> {
        let place = place?;
        place.is_empty().then(|| *place = entries)
    }
    for (package, lifted) in lock.package.iter_mut().zip(lifted) {
        // A lifted sdist beside one the skeleton still has is a duplicate key.
        if lifted.sdist.is_some() {
            if package.sdist.is_some() {
                return None;
            }
            package.sdist = lifted.sdist;
        }
        if let Some(wheels) = lifted.wheels {
            put(Some(&mut package.wheels), wheels)?;
        }
        if let Some(dependencies) = lifted.dependencies {
            put(Some(&mut package.dependencies), dependencies)?;
        }
        for (key, entries) in lifted.optional {
            put(package.optional_dependencies.get_mut(&key), entries)?;
        }
        for (key, entries) in lifted.dev {
            put(package.dev_dependencies.get_mut(&key), entries)?;
        }
        if let Some(requires) = lifted.requires_dist {
            put(
                package.metadata.as_mut().map(|m| &mut m.requires_dist),
                requires,
            )?;
        }
        for (key, entries) in lifted.requires_dev {
            let metadata = package.metadata.as_mut()?;
            put(metadata.requires_dev.get_mut(&key), entries)?;
        }
    }
    Some(lock)
}

/// Every name and version in the lock, checked: they reach generated files (comments, the
/// reasons `explain` gives), so a lock edited by hand must not carry text that is not one.
/// uv writes only valid ones, so the fix is always to lock again.
fn validate(lock: &Lock) -> Result<(), UserError> {
    // `field` says where the value is (worked out only for an invalid one), `owner` the
    // package whose table holds it (its name is checked first, so it is safe to show).
    type Field<'f> = &'f dyn Fn() -> String;
    let invalid = |what: &str, field: Field<'_>, owner: Option<&str>, value: &str| {
        let field = field();
        let place = match owner {
            Some(owner) => format!("`{field}` of package `{owner}`"),
            None => format!("`{field}`"),
        };
        UserError::new(format!(
            "`uv.lock` has an invalid {what} in {place}: {}",
            serde_json::to_string(value).unwrap_or_default()
        ))
        .hint(if what == "version" {
            "a version is a PEP 440 version such as `1.2.3`"
        } else {
            "a name is ASCII letters, digits, `-`, `_` and `.`, starting and ending with a letter or digit (PEP 508)"
        })
        .hint("uv writes only valid ones: run `uv lock` to write the lock again")
    };
    let name = |value: &str, field: Field<'_>, owner: Option<&str>| {
        if is_valid_name(value) {
            Ok(())
        } else {
            Err(invalid("name", field, owner, value))
        }
    };
    let version = |value: &str, field: Field<'_>, owner: &str| {
        if is_valid_version(value) {
            Ok(())
        } else {
            Err(invalid("version", field, Some(owner), value))
        }
    };
    // A marker pep508_rs would panic on; one it cannot read is left to the install check.
    let marker = |value: &Option<String>, field: Field<'_>, owner: &str| match value {
        Some(text) if marker_would_panic(text) => Err(UserError::new(format!(
            "`uv.lock` has an invalid marker in `{}` of package `{owner}`: {}",
            field(),
            serde_json::to_string(text).unwrap_or_default()
        ))
        .detail("it compares a string with `~=`, which only versions can use")
        .hint("uv writes only valid ones: fix the marker in `pyproject.toml` and run `uv lock`")),
        _ => Ok(()),
    };
    let edges = |deps: &[Dependency], table: Field<'_>, owner: &str| -> Result<(), UserError> {
        for dep in deps {
            name(&dep.name, &|| format!("{}[].name", table()), Some(owner))?;
            marker(&dep.marker, &|| format!("{}[].marker", table()), owner)?;
            if let Some(value) = &dep.version {
                version(value, &|| format!("{}[].version", table()), owner)?;
            }
            for extra in dep.extra.iter().flatten() {
                name(extra, &|| format!("{}[].extra", table()), Some(owner))?;
            }
        }
        Ok(())
    };
    for member in &lock.manifest.members {
        name(member, &|| "manifest.members".into(), None)?;
    }
    for (index, package) in lock.package.iter().enumerate() {
        name(
            &package.name,
            &|| format!("name` of `[[package]]` number `{}", index + 1),
            None,
        )?;
        let owner = package.name.as_str();
        if let Some(value) = &package.version {
            version(value, &|| "version".into(), owner)?;
        }
        edges(&package.dependencies, &|| "dependencies".into(), owner)?;
        for (extra, deps) in &package.optional_dependencies {
            name(extra, &|| "optional-dependencies".into(), Some(owner))?;
            edges(deps, &|| format!("optional-dependencies.{extra}"), owner)?;
        }
        for (group, deps) in &package.dev_dependencies {
            name(group, &|| "dev-dependencies".into(), Some(owner))?;
            edges(deps, &|| format!("dev-dependencies.{group}"), owner)?;
        }
        if let Some(metadata) = &package.metadata {
            for require in &metadata.requires_dist {
                name(
                    &require.name,
                    &|| "metadata.requires-dist[].name".into(),
                    Some(owner),
                )?;
                marker(
                    &require.marker,
                    &|| "metadata.requires-dist[].marker".into(),
                    owner,
                )?;
            }
            for (group, requires) in &metadata.requires_dev {
                name(group, &|| "metadata.requires-dev".into(), Some(owner))?;
                for require in requires {
                    name(
                        &require.name,
                        &|| format!("metadata.requires-dev.{group}[].name"),
                        Some(owner),
                    )?;
                    marker(
                        &require.marker,
                        &|| format!("metadata.requires-dev.{group}[].marker"),
                        owner,
                    )?;
                }
            }
        }
    }
    Ok(())
}

/// A PEP 440 version as uv writes it in a lock (normalised): digits and dots, with an epoch
/// (`N!`), pre-, post- and dev-release parts and a local part (`+...`), in ASCII letters,
/// digits, `.`, `!`, `+`, `-` and `_`. Checked by its characters: what matters here is that
/// no structure can ride in on it; the lock check parses versions as PEP 440 where it needs
/// their meaning.
pub fn is_valid_version(version: &str) -> bool {
    let bytes = version.as_bytes();
    bytes.first().is_some_and(u8::is_ascii_digit)
        && bytes.last().is_some_and(u8::is_ascii_alphanumeric)
        && bytes
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'!' | b'+' | b'-' | b'_'))
}

/// What the line scanner took out of one `[[package]]`.
#[derive(Default)]
struct Lifted {
    sdist: Option<Artifact>,
    wheels: Option<Vec<Artifact>>,
    dependencies: Option<Vec<Dependency>>,
    /// `[package.optional-dependencies]`, by extra.
    optional: Vec<(String, Vec<Dependency>)>,
    /// `[package.dev-dependencies]`, by group.
    dev: Vec<(String, Vec<Dependency>)>,
    requires_dist: Option<Vec<RequiresDist>>,
    /// `[package.metadata.requires-dev]`, by group.
    requires_dev: Vec<(String, Vec<RequiresDist>)>,
}

/// The table a line of the lock is in.
#[derive(Clone, Copy, PartialEq)]
enum Table {
    Top,
    Package,
    Optional,
    Dev,
    Metadata,
    RequiresDev,
    Other,
}

/// Splits the multi-line arrays uv writes one entry a line, and one-line `sdist = { ... }`
/// tables, out of the text: the text without them (each array replaced by `key = []`) and, per
/// `[[package]]` in order, what was lifted. An array with an entry not exactly as uv writes it
/// stays in the text. None when the text is not laid out as uv writes it; the caller then
/// parses the whole text.
fn lift(text: &str) -> Option<(String, Vec<Lifted>)> {
    let mut skeleton = String::with_capacity(text.len() / 8);
    let mut packages: Vec<Lifted> = Vec::new();
    let mut table = Table::Top;
    let mut block: Vec<&str> = Vec::new();
    let mut lines = lines(text);
    while let Some(line) = lines.next() {
        if line.starts_with('[') {
            table = match line {
                "[[package]]" => {
                    packages.push(Lifted::default());
                    Table::Package
                }
                "[package.optional-dependencies]" => Table::Optional,
                "[package.dev-dependencies]" => Table::Dev,
                "[package.metadata]" => Table::Metadata,
                "[package.metadata.requires-dev]" => Table::RequiresDev,
                _ => Table::Other,
            };
        }
        if table == Table::Package {
            if let Some(rest) = line.strip_prefix("sdist = { ") {
                let current = packages.last_mut()?;
                if current.sdist.is_some() {
                    return None;
                }
                let mut buffer = Vec::new();
                fields(rest.strip_suffix(" }")?, &mut buffer)?;
                current.sdist = Some(artifact(&buffer)?);
                continue;
            }
        }
        let Some(key) = line
            .strip_suffix(" = [")
            .filter(|key| is_bare_key(key) && table != Table::Other)
        else {
            skeleton.push_str(line);
            skeleton.push('\n');
            continue;
        };
        block.clear();
        loop {
            let entry = lines.next()?;
            if entry == "]" {
                break;
            }
            // An entry of uv's is indented; anything else is not its layout.
            if !entry.starts_with("    ") {
                return None;
            }
            block.push(entry);
        }
        let lifted = match (table, key) {
            (Table::Top | Table::Package, "resolution-markers") => {
                block.iter().all(|entry| is_plain_string_line(entry))
            }
            (Table::Package, "wheels") => {
                let wheels = tables(&block, artifact);
                let lifted = wheels.is_some();
                packages.last_mut()?.wheels = wheels;
                lifted
            }
            (Table::Package, "dependencies") => {
                let dependencies = tables(&block, dependency);
                let lifted = dependencies.is_some();
                packages.last_mut()?.dependencies = dependencies;
                lifted
            }
            (Table::Optional | Table::Dev, key) => match tables(&block, dependency) {
                Some(entries) => {
                    let current = packages.last_mut()?;
                    let map = if table == Table::Optional {
                        &mut current.optional
                    } else {
                        &mut current.dev
                    };
                    map.push((key.to_string(), entries));
                    true
                }
                None => false,
            },
            (Table::Metadata, "requires-dist") => {
                let requires = tables(&block, requirement);
                let lifted = requires.is_some();
                packages.last_mut()?.requires_dist = requires;
                lifted
            }
            (Table::RequiresDev, key) => match tables(&block, requirement) {
                Some(entries) => {
                    packages
                        .last_mut()?
                        .requires_dev
                        .push((key.to_string(), entries));
                    true
                }
                None => false,
            },
            _ => false,
        };
        skeleton.push_str(line);
        if lifted {
            skeleton.push_str("]\n");
        } else {
            skeleton.push('\n');
            for entry in &block {
                skeleton.push_str(entry);
                skeleton.push('\n');
            }
            skeleton.push_str("]\n");
        }
    }
    // uv never writes multi-line strings, whose content could look like an array. One could
    // only open in the skeleton: a lifted line is a closed inline table of plain strings.
    if skeleton.contains("\"\"\"") || skeleton.contains("'''") {
        return None;
    }
    Some((skeleton, packages))
}

/// A key TOML reads bare, as uv writes the names of extras and groups.
fn is_bare_key(key: &str) -> bool {
    !key.is_empty()
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// `    "text",` with plain text.
fn is_plain_string_line(entry: &str) -> bool {
    entry
        .strip_prefix("    \"")
        .and_then(|rest| rest.strip_suffix("\","))
        .is_some_and(|inner| plain_run(inner.as_bytes(), 0) == inner.len())
}

/// Every line of a block as `    { ... },`, each read by `read`; None if one is not.
fn tables<'a, T>(block: &[&'a str], read: impl Fn(&Fields<'a>) -> Option<T>) -> Option<Vec<T>> {
    entries(block.iter().map(|entry| table_line(entry)), read)
}

/// The inside of `    { ... },`, an entry of an array of tables as uv writes one.
fn table_line(entry: &str) -> Option<&str> {
    entry.strip_prefix("    { ")?.strip_suffix(" },")
}

/// Every inline table's inside (None for a line that is not one), each read by `read`.
fn entries<'a, T>(
    insides: impl Iterator<Item = Option<&'a str>>,
    read: impl Fn(&Fields<'a>) -> Option<T>,
) -> Option<Vec<T>> {
    let mut buffer = Vec::with_capacity(8);
    insides
        .map(|inside| {
            fields(inside?, &mut buffer)?;
            read(&buffer)
        })
        .collect()
}

/// A value of an inline table as uv writes one.
enum Value<'a> {
    Text(&'a str),
    Integer,
    Texts(Vec<&'a str>),
    /// An inline table of plain values, such as the `source` of an edge to one of several
    /// versions.
    Table,
}

type Fields<'a> = Vec<(&'a [u8], Value<'a>)>;

/// The inside of an inline table exactly as uv writes one: `key = "text", key = 123, key =
/// ["text", ...], key = { key = "text" }` with lowercase keys, each once, and strings of
/// printable ASCII without escapes. None for anything else, which the TOML parser then judges.
/// They go to `out`, emptied first.
fn fields<'a>(rest: &'a str, out: &mut Fields<'a>) -> Option<()> {
    let mut at = 0;
    out.clear();
    fields_from(rest, &mut at, false, out)?;
    (at == rest.len()).then_some(())
}

/// The fields from `at` to the end of `rest`, or, `nested`, to the ` }` that closes them (`at`
/// is then past it).
fn fields_from<'a>(
    rest: &'a str,
    at: &mut usize,
    nested: bool,
    fields: &mut Fields<'a>,
) -> Option<()> {
    let bytes = rest.as_bytes();
    // Where this table's fields start in `fields`: a nested table's are taken off at its end.
    let first = fields.len();
    // A string starting at `at` (its opening quote): its text, and `at` moved past it.
    let string = |at: &mut usize| -> Option<&'a str> {
        if bytes.get(*at) != Some(&b'"') {
            return None;
        }
        let start = *at + 1;
        // Escapes, control characters and non-ASCII: the TOML parser decides.
        let end = plain_run(bytes, start);
        if bytes.get(end) != Some(&b'"') {
            return None;
        }
        *at = end + 1;
        Some(&rest[start..end])
    };
    loop {
        let key_len = bytes[*at..]
            .iter()
            .position(|&b| !(b.is_ascii_lowercase() || b == b'-'))?;
        let key = &bytes[*at..*at + key_len];
        if key.is_empty()
            || fields[first..].iter().any(|(seen, _)| *seen == key)
            || fields.len() - first == 16
        {
            return None;
        }
        *at += key_len;
        *at += bytes[*at..].starts_with(b" = ").then_some(3)?;
        let value = match bytes.get(*at) {
            Some(b'"') => Value::Text(string(at)?),
            Some(b'[') => {
                *at += 1;
                let mut texts = Vec::new();
                if bytes.get(*at) != Some(&b']') {
                    loop {
                        texts.push(string(at)?);
                        if bytes[*at..].starts_with(b", ") {
                            *at += 2;
                        } else {
                            break;
                        }
                    }
                }
                *at += (bytes.get(*at) == Some(&b']')).then_some(1)?;
                Value::Texts(texts)
            }
            Some(b'{') if !nested => {
                *at += bytes[*at..].starts_with(b"{ ").then_some(2)?;
                // The nested table's fields are checked, then dropped: none is read.
                let before = fields.len();
                fields_from(rest, at, true, fields)?;
                fields.truncate(before);
                Value::Table
            }
            _ => {
                let len = bytes[*at..]
                    .iter()
                    .position(|&b| !b.is_ascii_digit())
                    .unwrap_or(bytes.len() - *at);
                // TOML integers have no leading zero and fit in an i64: 18 digits always do,
                // longer ones are the TOML parser's to judge.
                if len == 0 || len > 18 || (len > 1 && bytes[*at] == b'0') {
                    return None;
                }
                *at += len;
                Value::Integer
            }
        };
        fields.push((key, value));
        if bytes[*at..].starts_with(b", ") {
            *at += 2;
        } else if nested {
            *at += bytes[*at..].starts_with(b" }").then_some(2)?;
            return Some(());
        } else {
            return Some(());
        }
    }
}

/// The text of the field `key`: `Some(None)` when it is absent, None when it is not a string
/// (which the TOML parser then reports).
fn text<'a>(fields: &Fields<'a>, key: &str) -> Option<Option<&'a str>> {
    match fields.iter().find(|(seen, _)| *seen == key.as_bytes()) {
        None => Some(None),
        Some((_, Value::Text(text))) => Some(Some(text)),
        Some(_) => None,
    }
}

/// [`text`], owned.
fn owned(fields: &Fields<'_>, key: &str) -> Option<Option<String>> {
    Some(text(fields, key)?.map(str::to_string))
}

fn artifact(fields: &Fields<'_>) -> Option<Artifact> {
    Some(Artifact::named(
        text(fields, "url")?,
        text(fields, "path")?,
        text(fields, "filename")?,
    ))
}

fn dependency(fields: &Fields<'_>) -> Option<Dependency> {
    let extra = match fields.iter().find(|(key, _)| *key == b"extra") {
        None => None,
        Some((_, Value::Texts(texts))) => Some(texts.iter().map(|t| (*t).to_string()).collect()),
        Some(_) => return None,
    };
    Some(Dependency {
        name: owned(fields, "name")??,
        version: owned(fields, "version")?,
        extra,
        marker: owned(fields, "marker")?,
    })
}

fn requirement(fields: &Fields<'_>) -> Option<RequiresDist> {
    Some(RequiresDist {
        name: owned(fields, "name")??,
        specifier: owned(fields, "specifier")?,
        marker: owned(fields, "marker")?,
        editable: owned(fields, "editable")?,
        directory: owned(fields, "directory")?,
        path: owned(fields, "path")?,
        git: owned(fields, "git")?,
        url: owned(fields, "url")?,
    })
}

/// The end of the run of plain bytes (printable ASCII other than `"` and `\`) that starts at
/// `from`.
fn plain_run(bytes: &[u8], from: usize) -> usize {
    // Whether a byte ends the run: `"`, `\\`, a control character, DEL or non-ASCII.
    first_stop(bytes, from, |b| {
        (b == b'"') | (b == b'\\') | (b.wrapping_sub(b' ') > b'~' - b' ')
    })
}

/// Where the first byte from `from` on that `stops` is, else the end of `bytes`.
///
/// Sixteen bytes at a time while none of them stops (a loop the compiler turns into a few
/// vector instructions), then one by one.
#[inline(always)]
fn first_stop(bytes: &[u8], from: usize, stops: impl Fn(u8) -> bool) -> usize {
    let mut at = from;
    while let Some(chunk) = bytes.get(at..at + 16) {
        if chunk.iter().fold(false, |stop, &b| stop | stops(b)) {
            break;
        }
        at += 16;
    }
    while bytes.get(at).is_some_and(|&b| !stops(b)) {
        at += 1;
    }
    at
}

/// The lines of `text` as [`str::lines`] gives them (a `\r` before the `\n` dropped, no
/// empty line after the last `\n`), found sixteen bytes at a time.
fn lines(text: &str) -> impl Iterator<Item = &str> {
    let bytes = text.as_bytes();
    let mut at = 0;
    std::iter::from_fn(move || {
        if at >= bytes.len() {
            return None;
        }
        let end = first_stop(bytes, at, |b| b == b'\n');
        // `\n` is ASCII, so both ends are on character boundaries.
        let line = &text[at..end];
        at = end + 1;
        Some(
            line.strip_suffix('\r')
                .filter(|_| end < bytes.len())
                .unwrap_or(line),
        )
    })
}

fn parse_full(text: &str) -> Result<Lock, UserError> {
    #[derive(Deserialize)]
    struct VersionOnly {
        version: Option<i64>,
    }
    // Check the version first: a lock from a future uv may not parse as this one expects.
    let head: VersionOnly = parse_toml(text, "uv.lock")?;
    let version = head.version.ok_or_else(|| {
        UserError::new("`uv.lock` has no integer `version` field")
            .hint("run `uv lock` to write a fresh lock file")
    })?;
    if version != i64::from(SUPPORTED_VERSION) {
        return Err(UserError::new(format!(
            "`uv.lock` has `version = {version}`, but uv-rootless reads version {SUPPORTED_VERSION}"
        ))
        .hint("upgrade uv-rootless, or lock with a uv that writes lock version 1"));
    }
    parse_toml(text, "uv.lock")
}

impl Lock {
    pub fn package(&self, name: &str) -> Option<&Package> {
        self.package
            .iter()
            .find(|package| PackageName::new(&package.name).as_str() == name)
    }
}

impl RequiresDist {
    /// A workspace member, or a path, git or URL source: uv records no version range for it.
    pub fn has_source(&self) -> bool {
        self.editable.is_some()
            || self.directory.is_some()
            || self.path.is_some()
            || self.git.is_some()
            || self.url.is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(super) const MINIMAL: &str = r#"
version = 1
revision = 2
requires-python = ">=3.11"

[[package]]
name = "demo"
version = "0.1.0"
source = { editable = "." }
dependencies = [{ name = "click" }]

[package.metadata]
requires-dist = [{ name = "click", specifier = ">=8" }]

[[package]]
name = "click"
version = "8.1.8"
source = { registry = "https://pypi.org/simple" }
sdist = { url = "https://files.pythonhosted.org/click-8.1.8.tar.gz", hash = "sha256:00", size = 1 }
wheels = [{ url = "https://files.pythonhosted.org/click-8.1.8-py3-none-any.whl", hash = "sha256:00", size = 1 }]
"#;

    #[test]
    fn reads_version_1_with_revision() {
        let lock = parse(MINIMAL).unwrap();
        assert_eq!(lock.revision, Some(2));
        assert_eq!(lock.requires_python.as_deref(), Some(">=3.11"));
        assert_eq!(lock.package.len(), 2);
        assert_eq!(lock.package("click").unwrap().source.kind(), "registry");
        assert_eq!(lock.package("demo").unwrap().source.kind(), "editable");
    }

    #[test]
    fn reads_version_1_without_revision() {
        let lock = parse(&MINIMAL.replace("revision = 2\n", "")).unwrap();
        assert_eq!(lock.revision, None);
    }

    #[test]
    fn rejects_other_versions() {
        let error = parse(&MINIMAL.replace("version = 1\n", "version = 2\n")).unwrap_err();
        assert!(error.message.contains("`version = 2`"), "{error}");
    }

    #[test]
    fn the_fast_path_reads_the_same_lock_as_the_full_parse() {
        let text = MINIMAL.replace(
            "wheels = [{ url = \"https://files.pythonhosted.org/click-8.1.8-py3-none-any.whl\", hash = \"sha256:00\", size = 1 }]",
            "wheels = [\n    { url = \"https://files.pythonhosted.org/click-8.1.8-py3-none-any.whl\", hash = \"sha256:00\", size = 1 },\n    { path = \"wheels/local-1.0-cp313-cp313-linux_x86_64.whl\", filename = \"local-1.0-cp313-cp313-linux_x86_64.whl\" },\n]",
        );
        assert!(lift(&text).is_some());
        let fast = parse(&text).unwrap();
        let full = parse_full(&text).unwrap();
        let wheels = |lock: &Lock| -> Vec<Option<String>> {
            lock.package
                .iter()
                .flat_map(|p| p.wheels.iter().map(|w| w.file_name.clone()))
                .collect()
        };
        assert_eq!(wheels(&fast), wheels(&full));
        assert_eq!(wheels(&fast).len(), 2);
    }

    /// Every lock of the corpus: what the fast path reads is what the full parse reads, and
    /// the line scanner lifts the arrays of uv's layout (what is left for the TOML parser is a
    /// small part of a large lock).
    #[test]
    fn the_fast_path_reads_every_corpus_lock_as_the_full_parse() {
        let corpus = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/corpus");
        let mut locks = 0;
        for entry in std::fs::read_dir(corpus).unwrap() {
            let path = entry.unwrap().path().join("uv.lock");
            let Ok(text) = std::fs::read_to_string(&path) else {
                continue;
            };
            let (skeleton, _) = lift(&text).unwrap_or_else(|| panic!("{}", path.display()));
            if text.len() > 200_000 {
                assert!(
                    skeleton.len() * 5 < text.len(),
                    "{}: {} of {} bytes left",
                    path.display(),
                    skeleton.len(),
                    text.len()
                );
            }
            let fast = format!("{:#?}", parse(&text).unwrap());
            let full = format!("{:#?}", parse_full(&text).unwrap());
            assert!(fast == full, "{}", path.display());
            locks += 1;
        }
        assert!(locks >= 20, "{locks}");
    }

    #[test]
    fn an_array_not_in_uvs_layout_is_left_to_the_toml_parser() {
        let text = MINIMAL.replace(
            "dependencies = [{ name = \"click\" }]",
            "dependencies = [\n    { name = \"click\", marker = \"sys_platform == 'linux'\" },\n    { name = \"attrs\" }, # a comment\n    { name = 'idna', extra = [\"a\", \"b\"] },\n]",
        );
        let (skeleton, _) = lift(&text).unwrap();
        assert!(skeleton.contains("# a comment"), "{skeleton}");
        let lock = parse(&text).unwrap();
        assert_eq!(
            format!("{lock:#?}"),
            format!("{:#?}", parse_full(&text).unwrap())
        );
        let names: Vec<&str> = lock.package[0]
            .dependencies
            .iter()
            .map(|dep| dep.name.as_str())
            .collect();
        assert_eq!(names, ["click", "attrs", "idna"]);
        // The same array in uv's layout is lifted, and read the same.
        let text = text
            .replace(" # a comment", "")
            .replace("'idna'", "\"idna\"");
        let (skeleton, lifted) = lift(&text).unwrap();
        assert!(skeleton.contains("dependencies = []"), "{skeleton}");
        assert_eq!(lifted[0].dependencies.as_ref().map(Vec::len), Some(3));
        assert_eq!(
            format!("{:#?}", parse(&text).unwrap()),
            format!("{:#?}", parse_full(&text).unwrap())
        );
    }

    #[test]
    fn a_key_twice_is_an_error_on_either_path() {
        let twice = MINIMAL.replace(
            "dependencies = [{ name = \"click\" }]",
            "dependencies = [\n    { name = \"click\" },\n]\ndependencies = [\n    { name = \"attrs\" },\n]",
        );
        assert!(parse(&twice).is_err());
        assert!(parse_full(&twice).is_err());
    }

    #[test]
    fn lines_are_the_lines_of_str() {
        let texts = [
            "",
            "\n",
            "a",
            "a\n",
            "a\r\n",
            "a\r",
            "\r\n\r\n",
            "a\rb\nc",
            "a\n\nb\r\n\r",
            "\u{e9}t\u{e9}\r\n\u{1f600}\n",
            "0123456789abcdef\n0123456789abcdef0123456789abcdef\r\n0123456789abcdefx",
        ];
        for text in texts {
            let ours: Vec<&str> = lines(text).collect();
            let std: Vec<&str> = text.lines().collect();
            assert_eq!(ours, std, "{text:?}");
        }
    }

    #[test]
    fn plain_run_stops_where_the_byte_loop_would() {
        let naive = |bytes: &[u8], from: usize| {
            bytes[from..]
                .iter()
                .position(|&b| b == b'"' || b == b'\\' || !(b' '..=b'~').contains(&b))
                .map_or(bytes.len(), |i| from + i)
        };
        let stops: Vec<u8> = (0u8..=255).filter(|b| naive(&[*b], 0) == 0).collect();
        assert_eq!(stops.len(), 256 - 95 + 2);
        for len in 0..24 {
            for at in 0..len {
                for &stop in &stops {
                    let mut bytes = vec![b'a'; len];
                    bytes[at] = stop;
                    for from in 0..=len {
                        assert_eq!(
                            plain_run(&bytes, from),
                            naive(&bytes, from),
                            "{bytes:?} {from}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn versions_as_uv_writes_them() {
        for good in [
            "1",
            "1.0",
            "2!1.0.post1",
            "1.0rc1",
            "2.1.0+cu121",
            "1.0.dev0",
            "0_1",
        ] {
            assert!(is_valid_version(good), "{good:?}");
        }
        for bad in [
            "",
            "v1",
            "1.0 ",
            "1.0\nRUN x",
            "1.0`id`",
            "1.0+",
            "1.*",
            "1;2",
        ] {
            assert!(!is_valid_version(bad), "{bad:?}");
        }
    }

    #[test]
    fn every_name_is_checked_installed_or_not() {
        let error = parse(&MINIMAL.replace(
            "requires-dist = [{ name = \"click\"",
            "requires-dist = [{ name = \"click\\nRUN x\"",
        ))
        .unwrap_err();
        assert!(
            error
                .message
                .contains("`metadata.requires-dist[].name` of package `demo`"),
            "{error:?}"
        );
    }

    #[test]
    fn reports_line_and_column_of_bad_toml() {
        let error = parse("version = 1\n[[package]\nname = 1").unwrap_err();
        assert!(error.to_string().contains("line 2"), "{error}");
    }
}
