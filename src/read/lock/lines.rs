//! The line reader: a lock exactly in uv's layout, read without a TOML parser.
//!
//! uv writes a lock one way: table headers on their own lines, one `key = value` a line, its
//! long arrays one entry a line, blank lines between packages. This reads exactly that, into
//! the [`Lock`] the TOML parser would give, and judges what TOML would: a key twice, a table
//! twice, a table over a key. Anything else (a comment, an escape, a value uv does not write, a
//! table it rarely writes) gives None, and the caller takes the slower paths, which read it or
//! say what is wrong.

use super::{
    artifact, dependency, entries, fields, is_bare_key, is_plain_string_line, plain_run,
    requirement, table_line, Fields, Lock, Manifest, Metadata, Package, Source,
};
use std::collections::BTreeMap;

/// A value as uv writes it on one line, or a multi-line array of its.
enum Line<'a> {
    Text(&'a str),
    Integer(u64),
    /// An array of strings; an empty array is one too.
    Texts(Vec<&'a str>),
    /// An inline table, its fields in the reader's buffer.
    Table,
    /// An array of inline tables: the inside of each.
    Tables(Vec<&'a str>),
    /// A boolean, which nothing reads.
    Other,
}

/// The table a line is in.
#[derive(Clone, Copy, PartialEq)]
enum At {
    Top,
    Manifest,
    Options,
    /// `[manifest.dependency-groups]` or `[options.exclude-newer-package]`: read, not kept.
    Ignored,
    Package,
    Optional,
    Dev,
    Metadata,
    RequiresDev,
}

/// The keys of the tables a later line can still clash with.
#[derive(Default)]
struct Keys<'a> {
    top: Vec<&'a str>,
    /// The tables of the top level opened so far: `manifest`, `options` and their subtables.
    top_tables: Vec<&'a str>,
    manifest: Vec<&'a str>,
    options: Vec<&'a str>,
    package: Vec<&'a str>,
    /// The subtables of the current package opened so far.
    package_tables: Vec<&'a str>,
    metadata: Vec<&'a str>,
    /// The table the lines are in now.
    current: Vec<&'a str>,
}

impl<'a> Keys<'a> {
    /// Leaves the table at `at`: its keys move to where a later header checks them.
    fn leave(&mut self, at: At) {
        let keys = std::mem::take(&mut self.current);
        match at {
            At::Top => self.top = keys,
            At::Manifest => self.manifest = keys,
            At::Options => self.options = keys,
            At::Package => self.package = keys,
            At::Metadata => self.metadata = keys,
            At::Ignored | At::Optional | At::Dev | At::RequiresDev => {}
        }
    }
}

/// A lock this large is read in two halves, one on another thread: what a 2 MB lock costs to
/// read is several times what the thread does.
const HALVES_FROM: usize = crate::read::LARGE_LOCK_BYTES as usize;

/// The lock in `text`, or None when a line is not as uv writes it.
pub(super) fn read(text: &str) -> Option<Lock> {
    if text.len() >= HALVES_FROM {
        if let Some(lock) = read_halves(text) {
            return Some(lock);
        }
    }
    read_part(text, false)
}

/// `text` read as two parts split at the first `[[package]]` past its middle, the second on
/// another thread, then joined. The second part starts with that header, so it holds only
/// packages: a header of the top level in it, which the whole text may have there, leaves the
/// text to [`read_part`] whole. None when either part is not read.
fn read_halves(text: &str) -> Option<Lock> {
    let middle = text.len() / 2;
    let split = middle + text[middle..].find("\n[[package]]\n")? + 1;
    let (head, tail) = text.split_at(split);
    std::thread::scope(|scope| {
        let tail = std::thread::Builder::new()
            .spawn_scoped(scope, || read_part(tail, true))
            .ok()?;
        let head = read_part(head, false);
        let tail = tail
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        // A key `package` of the top level, which would make `[[package]]` TOML's error, is
        // never read: the head refuses it.
        let (mut lock, rest) = (head?, tail?);
        lock.package.extend(rest.package);
        Some(lock)
    })
}

/// The lock in `text`. With `tail`, `text` is
/// the packages that end a lock: a table of the top level is not read, and the lock's version
/// is not needed.
fn read_part(text: &str, tail: bool) -> Option<Lock> {
    let mut version = None;
    let mut revision = None;
    let mut requires_python = None;
    let mut manifest = Manifest::default();
    let mut packages: Vec<Package> = Vec::new();
    let mut at = At::Top;
    let mut keys = Keys::default();
    let mut buffer: Fields<'_> = Vec::with_capacity(8);
    let mut lines = super::lines(text);
    while let Some(line) = lines.next() {
        if line.is_empty() {
            continue;
        }
        if line.starts_with('[') {
            keys.leave(at);
            at = header(line, tail, &mut keys, &mut packages)?;
            continue;
        }
        // A bare key has no space, so the first one starts ` = `.
        let space = line.bytes().position(|b| b == b' ')?;
        let (key, rest) = (&line[..space], line[space..].strip_prefix(" = ")?);
        if !is_bare_key(key) || keys.current.contains(&key) {
            return None;
        }
        keys.current.push(key);
        let value = if rest == "[" {
            multi_line(&mut lines)?
        } else {
            one_line(rest, &mut buffer)?
        };
        match at {
            At::Top => match (key, value) {
                ("version", Line::Integer(n)) => version = Some(u32::try_from(n).ok()?),
                ("revision", Line::Integer(n)) => revision = Some(u32::try_from(n).ok()?),
                ("requires-python", Line::Text(text)) => requires_python = Some(text.to_string()),
                ("version" | "revision" | "requires-python" | "manifest" | "package", _) => {
                    return None
                }
                (_, value) => unread(value)?,
            },
            At::Manifest => match (key, value) {
                ("members", Line::Texts(texts)) => {
                    manifest.members = texts.into_iter().map(str::to_string).collect();
                }
                ("members", _) => return None,
                (_, value) => unread(value)?,
            },
            At::Options | At::Ignored => unread(value)?,
            At::Package => {
                let package = packages.last_mut()?;
                match (key, value) {
                    ("name", Line::Text(text)) => package.name = text.to_string(),
                    ("version", Line::Text(text)) => package.version = Some(text.to_string()),
                    ("source", Line::Table) => package.source = source(&buffer)?,
                    ("sdist", Line::Table) => package.sdist = Some(artifact(&buffer)?),
                    ("wheels", value) => package.wheels = list(value, artifact)?,
                    ("dependencies", value) => package.dependencies = list(value, dependency)?,
                    (
                        "name"
                        | "version"
                        | "source"
                        | "sdist"
                        | "optional-dependencies"
                        | "dev-dependencies"
                        | "metadata",
                        _,
                    ) => return None,
                    (_, value) => unread(value)?,
                }
            }
            At::Optional | At::Dev => {
                let package = packages.last_mut()?;
                let map = if at == At::Optional {
                    &mut package.optional_dependencies
                } else {
                    &mut package.dev_dependencies
                };
                map.insert(key.to_string(), list(value, dependency)?);
            }
            At::Metadata => {
                let metadata = packages.last_mut()?.metadata.as_mut()?;
                match key {
                    "requires-dist" => metadata.requires_dist = list(value, requirement)?,
                    "requires-dev" => return None,
                    _ => unread(value)?,
                }
            }
            At::RequiresDev => {
                let metadata = packages.last_mut()?.metadata.as_mut()?;
                metadata
                    .requires_dev
                    .insert(key.to_string(), list(value, requirement)?);
            }
        }
    }
    keys.leave(at);
    // Every package is named (the last one's keys are checked here, the others' at the next
    // `[[package]]`).
    if !packages.is_empty() && !keys.package.contains(&"name") {
        return None;
    }
    // Another version is the full parse's to report.
    let version = match tail {
        true => super::SUPPORTED_VERSION,
        false => version.filter(|&v| v == super::SUPPORTED_VERSION)?,
    };
    Some(Lock {
        version,
        revision,
        requires_python,
        manifest,
        package: packages,
    })
}

/// The table a header opens, after checking it is one uv writes and that TOML allows it here.
fn header<'a>(
    line: &'a str,
    tail: bool,
    keys: &mut Keys<'a>,
    packages: &mut Vec<Package>,
) -> Option<At> {
    // A table of the top level, which may come once and must not be a key already.
    let top = |keys: &mut Keys<'a>, name: &'a str, at: At| {
        if tail || keys.top.contains(&name) || keys.top_tables.contains(&name) {
            return None;
        }
        keys.top_tables.push(name);
        Some(at)
    };
    // A subtable of the current package, the same way.
    let sub = |keys: &mut Keys<'a>, packages: &mut Vec<Package>, name: &'a str, at: At| {
        let package = packages.last_mut()?;
        if keys.package.contains(&name) || keys.package_tables.contains(&name) {
            return None;
        }
        keys.package_tables.push(name);
        if at == At::Metadata {
            package.metadata = Some(Metadata::default());
        }
        Some(at)
    };
    match line {
        "[[package]]" => {
            if keys.top.contains(&"package") {
                return None;
            }
            // The package before this one must have been named.
            if !packages.is_empty() && !keys.package.contains(&"name") {
                return None;
            }
            keys.package.clear();
            keys.package_tables.clear();
            keys.metadata.clear();
            packages.push(Package {
                name: String::new(),
                version: None,
                source: Source::default(),
                sdist: None,
                wheels: Vec::new(),
                dependencies: Vec::new(),
                optional_dependencies: BTreeMap::new(),
                dev_dependencies: BTreeMap::new(),
                metadata: None,
            });
            Some(At::Package)
        }
        "[package.optional-dependencies]" => {
            sub(keys, packages, "optional-dependencies", At::Optional)
        }
        "[package.dev-dependencies]" => sub(keys, packages, "dev-dependencies", At::Dev),
        "[package.metadata]" => sub(keys, packages, "metadata", At::Metadata),
        "[package.metadata.requires-dev]" => {
            // uv writes `[package.metadata]` first; the other order is the slower paths'.
            if !keys.package_tables.contains(&"metadata") || keys.metadata.contains(&"requires-dev")
            {
                return None;
            }
            sub(keys, packages, "metadata.requires-dev", At::RequiresDev)
        }
        "[manifest]" => top(keys, "manifest", At::Manifest),
        "[options]" => top(keys, "options", At::Options),
        // Subtables whose content nothing reads, after their table as uv writes them.
        "[manifest.dependency-groups]" => {
            if !keys.top_tables.contains(&"manifest")
                || keys.manifest.contains(&"dependency-groups")
            {
                return None;
            }
            top(keys, "manifest.dependency-groups", At::Ignored)
        }
        "[options.exclude-newer-package]" => {
            if !keys.top_tables.contains(&"options")
                || keys.options.contains(&"exclude-newer-package")
            {
                return None;
            }
            top(keys, "options.exclude-newer-package", At::Ignored)
        }
        _ => None,
    }
}

/// A value on one line: `"text"`, an integer or a boolean (each maybe with a comment after
/// it, as uv writes beside some options), `["text", ...]`, `{ ... }` (its fields go to
/// `buffer`) or `[{ ... }]`, the one-entry array of tables uv writes on one line.
fn one_line<'a>(rest: &'a str, buffer: &mut Fields<'a>) -> Option<Line<'a>> {
    let bytes = rest.as_bytes();
    let string = |text: &'a str| -> Option<&'a str> {
        let inner = text.strip_prefix('"')?.strip_suffix('"')?;
        (plain_run(inner.as_bytes(), 0) == inner.len()).then_some(inner)
    };
    let (value, len) = match bytes.first()? {
        b'"' => {
            let end = plain_run(bytes, 1);
            (bytes.get(end) == Some(&b'"')).then_some(())?;
            (Line::Text(&rest[1..end]), end + 1)
        }
        b'0'..=b'9' => {
            let len = bytes.iter().take_while(|b| b.is_ascii_digit()).count();
            // TOML integers have no leading zero; 18 digits always fit in an i64.
            if len > 18 || (len > 1 && bytes[0] == b'0') {
                return None;
            }
            (Line::Integer(rest[..len].parse().ok()?), len)
        }
        b't' if rest.starts_with("true") => (Line::Other, 4),
        b'f' if rest.starts_with("false") => (Line::Other, 5),
        b'{' => {
            fields(rest.strip_prefix("{ ")?.strip_suffix(" }")?, buffer)?;
            return Some(Line::Table);
        }
        b'[' => {
            let inner = rest.strip_prefix('[')?.strip_suffix(']')?;
            if inner.is_empty() {
                return Some(Line::Texts(Vec::new()));
            }
            if let Some(table) = inner.strip_prefix("{ ") {
                // One table: a second would leave `}, {` inside, which `fields` refuses.
                let inside = table.strip_suffix(" }")?;
                fields(inside, buffer)?;
                return Some(Line::Tables(vec![inside]));
            }
            let texts = inner.split(", ").map(string).collect::<Option<_>>()?;
            return Some(Line::Texts(texts));
        }
        _ => return None,
    };
    let after = &rest[len..];
    // A comment: `#` and anything but a control character other than tab.
    let comment = |text: &str| {
        text.chars()
            .all(|c| c == '\t' || !(c < ' ' || c == '\u{7f}'))
    };
    match after.strip_prefix(" #") {
        _ if after.is_empty() => Some(value),
        Some(text) if comment(text) => Some(value),
        _ => None,
    }
}

/// The entries of an array uv writes one a line, up to its `]`: all strings or all tables.
fn multi_line<'a>(lines: &mut impl Iterator<Item = &'a str>) -> Option<Line<'a>> {
    let mut texts = Vec::new();
    let mut tables = Vec::new();
    loop {
        let entry = lines.next()?;
        if entry == "]" {
            break;
        }
        if let Some(inside) = table_line(entry) {
            tables.push(inside);
        } else if is_plain_string_line(entry) {
            texts.push(&entry[5..entry.len() - 2]);
        } else {
            return None;
        }
    }
    match (texts.is_empty(), tables.is_empty()) {
        (_, true) => Some(Line::Texts(texts)),
        (true, false) => Some(Line::Tables(tables)),
        (false, false) => None,
    }
}

/// A value nothing reads, checked: the tables of an array must still be ones uv writes.
fn unread(value: Line<'_>) -> Option<()> {
    if let Line::Tables(insides) = value {
        let mut buffer = Vec::with_capacity(8);
        insides
            .iter()
            .try_for_each(|inside| fields(inside, &mut buffer))?;
    }
    Some(())
}

/// An array of tables read by `read`; an empty array is one.
fn list<'a, T>(value: Line<'a>, read: impl Fn(&Fields<'a>) -> Option<T>) -> Option<Vec<T>> {
    match value {
        Line::Tables(insides) => entries(insides.into_iter().map(Some), read),
        Line::Texts(texts) if texts.is_empty() => Some(Vec::new()),
        _ => None,
    }
}

fn source(fields: &Fields<'_>) -> Option<Source> {
    let owned = |key| super::owned(fields, key);
    Some(Source {
        registry: owned("registry")?,
        git: owned("git")?,
        url: owned("url")?,
        path: owned("path")?,
        directory: owned("directory")?,
        editable: owned("editable")?,
        virtual_: owned("virtual")?,
    })
}

#[cfg(test)]
mod tests {
    use super::super::{lift, parse_full, tests::MINIMAL};
    use super::read;

    fn same_as_full(text: &str) {
        let lines = read(text).unwrap_or_else(|| panic!("not read:\n{text}"));
        assert_eq!(
            format!("{lines:#?}"),
            format!("{:#?}", parse_full(text).unwrap())
        );
    }

    /// Every lock of the corpus the line reader reads, it reads as the full parse does; and it
    /// reads all but those with a table uv rarely writes.
    #[test]
    fn reads_the_corpus_as_the_full_parse() {
        let corpus = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/corpus");
        let (mut read_here, mut left) = (0, Vec::new());
        for entry in std::fs::read_dir(corpus).unwrap() {
            let path = entry.unwrap().path().join("uv.lock");
            let Ok(text) = std::fs::read_to_string(&path) else {
                continue;
            };
            match read(&text) {
                Some(lock) => {
                    let full = parse_full(&text).unwrap();
                    assert!(
                        format!("{lock:#?}") == format!("{full:#?}"),
                        "{}",
                        path.display()
                    );
                    read_here += 1;
                }
                None => left.push(path),
            }
        }
        assert!(read_here >= 30, "{read_here} read, left: {left:?}");
        assert!(left.len() <= 3, "left: {left:?}");
    }

    /// A large lock, read in halves, reads as the whole text does; and what only the whole
    /// text can judge leaves the halves.
    #[test]
    fn halves_read_what_the_whole_reads() {
        let corpus = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/corpus");
        let camel = std::fs::read_to_string(corpus.join("camel-ai__camel/uv.lock")).unwrap();
        assert!(camel.len() >= super::HALVES_FROM);
        // Every large lock of the corpus the reader takes whole, it takes in halves the same.
        let mut large = 0;
        for entry in std::fs::read_dir(&corpus).unwrap() {
            let Ok(text) = std::fs::read_to_string(entry.unwrap().path().join("uv.lock")) else {
                continue;
            };
            if text.len() < super::HALVES_FROM {
                continue;
            }
            let whole = super::read_part(&text, false).map(|lock| format!("{lock:#?}"));
            let halves = super::read_halves(&text).map(|lock| format!("{lock:#?}"));
            if whole.is_some() {
                assert!(halves == whole);
                large += 1;
            }
        }
        assert!(large >= 10, "{large}");
        // A table of the top level after the packages: the second half does not read it, the
        // whole text does.
        let options = format!("{camel}\n[options]\nexclude-newer = \"2025-01-01T00:00:00Z\"\n");
        assert!(super::read_halves(&options).is_none());
        same_as_full(&options);
        // A key `package` before the first `[[package]]`, which is past the middle: TOML's
        // error, which the first half sees.
        let filler: String = (0..40_000).map(|i| format!("    \"{i:08}\",\n")).collect();
        let package_key = format!(
            "version = 1\npackage = 1\nfiller = [\n{filler}]\n\n[[package]]\nname = \"a\"\n"
        );
        assert!(package_key.len() >= super::HALVES_FROM);
        assert!(read(&package_key).is_none());
        assert!(parse_full(&package_key).is_err());
    }

    #[test]
    fn reads_what_uv_writes() {
        same_as_full(MINIMAL);
        same_as_full(&format!(
            "{MINIMAL}\n[package.optional-dependencies]\nweb = [\n    {{ name = \"click\" }},\n]\ns3 = []\n\n[package.metadata]\nrequires-dist = []\nprovides-extras = [\"s3\", \"web\"]\n\n[package.metadata.requires-dev]\ndev = [{{ name = \"click\" }}]\n"
        ));
        let workspace = MINIMAL.replace(
            "\n[[package]]\nname = \"demo\"",
            "\n[manifest]\nmembers = [\n    \"a\",\n    \"b\",\n]\n\n[manifest.dependency-groups]\ndev = [{ name = \"x\" }]\n\n[options]\nexclude-newer = \"2025-01-01T00:00:00Z\"\n\n[options.exclude-newer-package]\nx = \"2025-01-01T00:00:00Z\"\n\n[[package]]\nname = \"demo\"",
        );
        assert!(workspace.contains("[manifest]"));
        same_as_full(&workspace);
        // The comments and booleans uv writes among its options.
        same_as_full(&workspace.replace(
            "exclude-newer = \"2025-01-01T00:00:00Z\"",
            "exclude-newer = \"2025-01-01T00:00:00Z\" # This has no effect, résumé\tand all.\nexclude-newer-span = \"P3D\"\ncache = false\nkeep = true #",
        ));
    }

    /// What TOML refuses, or reads otherwise, is never read here: the slower paths judge it.
    #[test]
    fn leaves_to_the_toml_parser_what_is_not_uvs_layout() {
        let after_click = |extra: &str| {
            MINIMAL.replace(
                "name = \"click\"\nversion",
                &format!("name = \"click\"\n{extra}\nversion"),
            )
        };
        for text in [
            MINIMAL.replace("revision = 2", "revision = 2 # a \u{7}comment"),
            MINIMAL.replace("revision = 2", "revision = 2 #\ra comment"),
            MINIMAL.replace("revision = 2", "revision = 2# a comment"),
            MINIMAL.replace("revision = 2", "revision = 2 ; a comment"),
            MINIMAL.replace("revision = 2", "revision = truly"),
            MINIMAL.replace("revision = 2", "revision = true"),
            MINIMAL.replace(
                "source = { editable = \".\" }",
                "source = { editable = \".\" } # a comment",
            ),
            MINIMAL.replace("revision = 2", "revision = 2\nrevision = 3"),
            MINIMAL.replace("revision = 2", "revision = 99999999999"),
            MINIMAL.replace("revision = 2", "revision = 02"),
            MINIMAL.replace("version = 1\n", "version = \"1\"\n"),
            MINIMAL.replace("version = 1\n", ""),
            MINIMAL.replace("[[package]]\nname = \"demo\"", "[[package]]"),
            MINIMAL.replace("name = \"demo\"", "name = \"d\\u0065mo\""),
            MINIMAL.replace("requires-python = \">=3.11\"", "package = 1"),
            MINIMAL.replace(
                "requires-python = \">=3.11\"",
                "manifest = { members = [] }",
            ),
            after_click("metadata = { requires-dist = [] }"),
            after_click("source = \"pypi\""),
            after_click("dependencies = [\n    { name = \"a\" },\n    \"b\",\n]"),
            after_click("dependencies = [\"b\"]"),
            after_click("wheels = [{ url = \"a\" }, { url = \"b\" }]"),
            MINIMAL.replace(
                "[package.metadata]\n",
                "[package.metadata]\n\n[package.metadata]\n",
            ),
            MINIMAL.replace(
                "[package.metadata]",
                "[package.metadata.requires-dev]\ndev = []\n\n[package.metadata]",
            ),
            MINIMAL.replace(
                "[package.metadata]\n",
                "[package.metadata]\nrequires-dev = {}\n[package.metadata.requires-dev]\n",
            ),
            MINIMAL.replace("requires-python", "[options]\n[options]\n\nrequires-python"),
            MINIMAL.replace(
                "requires-python",
                "[manifest.dependency-groups]\n\nrequires-python",
            ),
            format!("[package.metadata]\n{MINIMAL}"),
            MINIMAL.replace("[[package]]", "[[package]] "),
            MINIMAL.replace(
                "[[package]]\nname = \"click\"",
                "[[package]]\nname = \"click\"\n\n[unknown]",
            ),
            MINIMAL.replace("version = 1\n", "version = 1\n  \n"),
            // Tables nothing reads are judged too.
            MINIMAL.replace(
                "\n[[package]]\nname = \"demo\"",
                "\n[manifest]\noverrides = [\n    { name = \"a\\u0062\" },\n]\n\n[[package]]\nname = \"demo\"",
            ),
            MINIMAL.replace("requires-python = \">=3.11\"", "conflicts = [{ package = 1.5 }]"),
        ] {
            assert!(read(&text).is_none(), "read:\n{text}");
            // The slower paths still read, or refuse, each; they never panic.
            let _ = super::super::parse(&text);
        }
        // The tree-walking fast path stays for what it reads.
        assert!(lift(MINIMAL).is_some());
    }
}
