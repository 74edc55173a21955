//! Walks a tree-sitter syntax tree of one Python file and collects [`FileFacts`].
//!
//! Walks over statements and expressions use an explicit stack, and recursion is only
//! through nested `def`/`class` scopes and argument values, each capped, so deeply nested input
//! cannot exhaust the stack. Regions the parser marked as errors are skipped, not guessed at.

use super::facts::*;
use std::collections::{HashMap, HashSet};
use std::time::Instant;
use tree_sitter::{Node, Parser, Tree};

/// Deepest argument value read before it becomes [`Value::Other`].
const MAX_VALUE_DEPTH: usize = 16;
/// Deepest `def`/`class` nesting read; deeper scopes are left out.
const MAX_SCOPE_DEPTH: usize = 48;
/// Most calls kept per file across functions and the main block; the rest set `truncated`.
const MAX_CALLS: usize = 20_000;
/// Most facts of any other kind kept per file.
const MAX_OTHER: usize = 5_000;

/// Callees [`Reader::call_anywhere`] reads in full: environment reads and file writes.
const ENV_AND_FILE_CALLEES: &[&str] = &[
    "os.environ.get",
    "os.getenv",
    "os.environ.setdefault",
    "os.makedirs",
    "os.mkdir",
    "aiofiles.os.makedirs",
    "aiofiles.os.mkdir",
    "logging.FileHandler",
    "logging.handlers.RotatingFileHandler",
    "logging.handlers.TimedRotatingFileHandler",
    "logging.handlers.WatchedFileHandler",
    "logging.basicConfig",
    "loguru.logger.add",
    "open",
    "io.open",
    "builtins.open",
    "aiofiles.open",
    "anyio.open_file",
    "trio.open_file",
];

/// Classes whose instances are paths with `pathlib.Path`'s writing methods, the async ones
/// of anyio and trio too: `await anyio.Path("data").mkdir()`.
const PATH_CLASSES: &[&str] = &["pathlib.Path", "anyio.Path", "trio.Path"];

/// The method of a call of a [`PATH_CLASSES`] instance: `mkdir` of `pathlib.Path().mkdir`.
fn path_class_method(callee: &str) -> Option<&str> {
    let (receiver, method) = callee.rsplit_once("().")?;
    (PATH_CLASSES.contains(&receiver) && !method.contains('.')).then_some(method)
}

/// Classes whose instances read the environment when called: django-environ's `Env` and
/// python-decouple's configs.
const ENV_CLASSES: &[(&str, EnvReadKind)] = &[
    ("environ.Env", EnvReadKind::EnvironEnv),
    ("environ.FileAwareEnv", EnvReadKind::EnvironEnv),
    ("environ.environ.Env", EnvReadKind::EnvironEnv),
    ("environ.environ.FileAwareEnv", EnvReadKind::EnvironEnv),
    ("decouple.AutoConfig", EnvReadKind::DecoupleConfig),
    ("decouple.Config", EnvReadKind::DecoupleConfig),
];

/// A module-level name bound to an instance of one of [`ENV_CLASSES`], with django-environ's
/// scheme: `Env(DEBUG=(bool, False))` gives `DEBUG` a cast and a default.
struct EnvObject {
    kind: EnvReadKind,
    scheme: HashMap<String, (Option<String>, Option<Value>)>,
}

/// Why a file could not be read into facts at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ParseFailure {
    /// The parser ran past its time budget.
    TimedOut,
    /// The Python grammar did not load: a build problem, not the file's.
    GrammarUnavailable,
}

impl std::fmt::Display for ParseFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ParseFailure::TimedOut => f.write_str("the parser ran out of time"),
            ParseFailure::GrammarUnavailable => f.write_str("the Python grammar did not load"),
        }
    }
}

/// Parses `text` and reads its facts; gives up with [`ParseFailure::TimedOut`] at `deadline`.
pub fn read_facts(text: &str, deadline: Option<Instant>) -> Result<FileFacts, ParseFailure> {
    let tree = parse(text, deadline)?;
    let mut reader = Reader {
        src: text,
        bindings: HashMap::new(),
        modules: HashSet::new(),
        env_objects: HashMap::new(),
        file_paths: HashMap::new(),
        star_import: false,
        facts: FileFacts::default(),
        calls_kept: 0,
        place: Place {
            deferred: false,
            in_class: false,
            in_try: false,
            function: None,
        },
        bound: HashMap::new(),
        cast_of: HashMap::new(),
    };
    let root = tree.root_node();
    reader.read_imports(root);
    reader.read_env_objects(root);
    reader.read_file_paths(root);
    reader.read_anywhere(root);
    reader.read_module_block(root);
    // Those of functions are read anywhere, those of the module in its block: in source order.
    reader.facts.exit_guards.sort_by_key(|guard| guard.line);
    reader.facts.module_calls = reader.calls_in(root);
    reader.read_scopes(root, &mut Vec::new(), 0);
    Ok(reader.facts)
}

fn parse(text: &str, deadline: Option<Instant>) -> Result<Tree, ParseFailure> {
    let mut parser = Parser::new();
    parser
        .set_language(&tree_sitter_python::LANGUAGE.into())
        .map_err(|_| ParseFailure::GrammarUnavailable)?;
    let bytes = text.as_bytes();
    let mut input = |offset: usize, _| bytes.get(offset..).unwrap_or(&[]);
    let mut progress = |_: &tree_sitter::ParseState| match deadline {
        Some(deadline) if Instant::now() >= deadline => std::ops::ControlFlow::Break(()),
        _ => std::ops::ControlFlow::Continue(()),
    };
    let options = tree_sitter::ParseOptions::new().progress_callback(&mut progress);
    parser
        .parse_with_options(&mut input, None, Some(options))
        .ok_or(ParseFailure::TimedOut)
}

struct Reader<'a> {
    src: &'a str,
    /// Local name -> dotted target, from every import in the file (the last one wins).
    bindings: HashMap<String, String>,
    /// The names `import` statements bind to modules, and the dotted modules they import:
    /// `os` and `os.path` of `import os.path`. Such a name is a module, never a path.
    modules: HashSet<String>,
    /// Module-level names bound to an environment reader object: `env = environ.Env()`.
    env_objects: HashMap<String, EnvObject>,
    /// Module-level names bound to a path built from the module's location, the last wins.
    file_paths: HashMap<String, FilePath>,
    /// Whether the file has a star import, which may bind any name.
    star_import: bool,
    facts: FileFacts,
    calls_kept: usize,
    /// Where [`Reader::read_anywhere`] stands: the scope of the node it reads.
    place: Place,
    /// Module-level assignments' right-hand nodes (by id) and the name each is bound to.
    bound: HashMap<usize, String>,
    /// Nodes (by id) passed straight to `int()`, `float()` or `bool()`, and that builtin.
    cast_of: HashMap<usize, &'static str>,
}

/// The scope a node sits in, as [`Reader::read_anywhere`] walks down.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Place {
    /// Inside a `def` or `lambda`: runs when called, not at import.
    deferred: bool,
    /// Inside a class body: runs at import, but binds no module-level name.
    in_class: bool,
    /// Inside the body of a `try` that has an `except`.
    in_try: bool,
    /// Line of the `def` whose own body holds the node; `None` at module level and inside a
    /// `lambda` or a class body.
    function: Option<u32>,
}

fn line(node: Node) -> u32 {
    u32::try_from(node.start_position().row + 1).unwrap_or(u32::MAX)
}

/// Named children without comments, which tree-sitter places anywhere as extras.
fn children<'t>(node: Node<'t>) -> Vec<Node<'t>> {
    let mut cursor = node.walk();
    node.named_children(&mut cursor)
        .filter(|child| child.kind() != "comment")
        .collect()
}

fn field_children<'t>(node: Node<'t>, field: &str) -> Vec<Node<'t>> {
    let mut cursor = node.walk();
    node.children_by_field_name(field, &mut cursor).collect()
}

/// Pushes `item` unless `list` is at `cap`, in which case the facts are marked truncated.
fn push_capped<T>(list: &mut Vec<T>, item: T, cap: usize, truncated: &mut bool) {
    if list.len() < cap {
        list.push(item);
    } else {
        *truncated = true;
    }
}

impl<'a> Reader<'a> {
    fn text(&self, node: Node) -> &'a str {
        // Byte ranges inside error regions need not fall on character boundaries.
        self.src.get(node.byte_range()).unwrap_or("")
    }

    // ----- imports -------------------------------------------------------------------------

    fn read_imports(&mut self, root: Node) {
        for statement in children(root) {
            if matches!(
                statement.kind(),
                "import_statement" | "import_from_statement"
            ) {
                let line = line(statement);
                push_capped(
                    &mut self.facts.unconditional_imports,
                    line,
                    MAX_OTHER,
                    &mut self.facts.truncated,
                );
            }
        }
        let mut stack = vec![(root, false)];
        while let Some((node, in_if)) = stack.pop() {
            let kept = self.facts.imports.len();
            match node.kind() {
                "import_statement" => self.import_statement(node),
                "import_from_statement" => self.import_from_statement(node),
                "ERROR" => {}
                kind => {
                    let in_if = in_if || kind == "if_statement";
                    stack.extend(children(node).into_iter().rev().map(|kid| (kid, in_if)));
                }
            }
            if in_if && self.facts.imports.len() > kept {
                self.facts.conditional_imports.push(line(node));
            }
        }
    }

    fn bind(&mut self, node: Node, local: String, target: String) {
        if local != "*" {
            self.bindings.insert(local.clone(), target.clone());
        } else {
            self.star_import = true;
        }
        let import = Import {
            line: line(node),
            local,
            target,
        };
        push_capped(
            &mut self.facts.imports,
            import,
            MAX_OTHER,
            &mut self.facts.truncated,
        );
    }

    fn import_statement(&mut self, node: Node) {
        for name in field_children(node, "name") {
            match name.kind() {
                "dotted_name" => {
                    // `import os.path` binds `os`, and `os.path.join` then reads as written.
                    let full = self.squeeze(name);
                    let head = full.split('.').next().unwrap_or_default().to_string();
                    let mut dotted = String::new();
                    for part in full.split('.') {
                        if !dotted.is_empty() {
                            dotted.push('.');
                        }
                        dotted.push_str(part);
                        self.modules.insert(dotted.clone());
                    }
                    self.bind(node, head.clone(), head);
                }
                "aliased_import" => {
                    let (Some(target), Some(alias)) = (
                        name.child_by_field_name("name"),
                        name.child_by_field_name("alias"),
                    ) else {
                        continue;
                    };
                    let (target, alias) = (self.squeeze(target), self.text(alias).to_string());
                    self.modules.insert(alias.clone());
                    self.bind(node, alias, target);
                }
                _ => {}
            }
        }
    }

    fn import_from_statement(&mut self, node: Node) {
        let Some(module) = node.child_by_field_name("module_name") else {
            return;
        };
        let module = self.squeeze(module);
        let join = |name: &str| {
            if module.ends_with('.') {
                format!("{module}{name}")
            } else {
                format!("{module}.{name}")
            }
        };
        for child in children(node) {
            if child.kind() == "wildcard_import" {
                self.bind(node, "*".to_string(), join("*"));
            }
        }
        for name in field_children(node, "name") {
            match name.kind() {
                "dotted_name" => {
                    let name = self.squeeze(name);
                    self.bind(node, name.clone(), join(&name));
                }
                "aliased_import" => {
                    let (Some(target), Some(alias)) = (
                        name.child_by_field_name("name"),
                        name.child_by_field_name("alias"),
                    ) else {
                        continue;
                    };
                    let target = join(&self.squeeze(target));
                    self.bind(node, self.text(alias).to_string(), target);
                }
                _ => {}
            }
        }
    }

    /// A dotted name's text without the spaces or line continuations Python allows inside it.
    fn squeeze(&self, node: Node) -> String {
        self.text(node)
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '\\')
            .collect()
    }

    // ----- names and values ----------------------------------------------------------------

    /// The dotted name an expression spells, before resolution: `u.run`, `Path().mkdir`.
    fn raw_dotted(&self, node: Node, depth: usize) -> Option<String> {
        if depth > MAX_VALUE_DEPTH {
            return None;
        }
        match node.kind() {
            "identifier" => Some(self.text(node).to_string()),
            "attribute" => {
                let object = self.raw_dotted(node.child_by_field_name("object")?, depth + 1)?;
                let attribute = self.text(node.child_by_field_name("attribute")?);
                Some(format!("{object}.{attribute}"))
            }
            "call" => {
                let function = self.raw_dotted(node.child_by_field_name("function")?, depth + 1)?;
                Some(format!("{function}()"))
            }
            _ => None,
        }
    }

    /// Replaces the head of a dotted name with what the imports bind it to.
    fn resolve(&self, raw: &str) -> String {
        let (head, rest) = match raw.find(['.', '(']) {
            Some(at) => raw.split_at(at),
            None => (raw, ""),
        };
        match self.bindings.get(head) {
            Some(target) => format!("{target}{rest}"),
            None => raw.to_string(),
        }
    }

    fn dotted(&self, node: Node) -> Option<String> {
        self.raw_dotted(node, 0).map(|raw| self.resolve(&raw))
    }

    fn value(&self, node: Node, depth: usize) -> Value {
        if depth > MAX_VALUE_DEPTH {
            return Value::Other;
        }
        match node.kind() {
            "string" | "concatenated_string" => match self.string(node) {
                Some(text) => Value::Str(text),
                None => self.template(node).map_or(Value::Other, Value::Template),
            },
            "conditional_expression" => match children(node).as_slice() {
                [then, condition, otherwise] => Value::Conditional {
                    then: Box::new(self.value(*then, depth + 1)),
                    condition: Box::new(self.value(*condition, depth + 1)),
                    otherwise: Box::new(self.value(*otherwise, depth + 1)),
                },
                _ => Value::Other,
            },
            // `a + b` and `a or b`: the two operands read; any other operator is unreadable.
            "binary_operator" | "boolean_operator" => {
                let operator = node.child_by_field_name("operator").map(|op| op.kind());
                let operands = (
                    node.child_by_field_name("left"),
                    node.child_by_field_name("right"),
                );
                let make: fn(Box<Value>, Box<Value>) -> Value = match operator {
                    Some("+") if node.kind() == "binary_operator" => Value::Add,
                    Some("or") if node.kind() == "boolean_operator" => Value::Or,
                    _ => return Value::Other,
                };
                match operands {
                    (Some(left), Some(right)) => make(
                        Box::new(self.value(left, depth + 1)),
                        Box::new(self.value(right, depth + 1)),
                    ),
                    _ => Value::Other,
                }
            }
            "integer" => parse_int(self.text(node)).map_or(Value::Other, Value::Int),
            "true" => Value::Bool(true),
            "false" => Value::Bool(false),
            "none" => Value::NoneLiteral,
            "ellipsis" => Value::Ellipsis,
            "identifier" => Value::Name(self.text(node).to_string()),
            "attribute" => self.dotted(node).map_or(Value::Other, Value::Attribute),
            "call" => Value::Call(Box::new(self.call(node, depth + 1))),
            "subscript" => {
                let value = node
                    .child_by_field_name("value")
                    .and_then(|v| self.dotted(v));
                let index = field_children(node, "subscript");
                match (value, index.as_slice()) {
                    (Some(value), [index]) => Value::Subscript {
                        value,
                        index: Box::new(self.value(*index, depth + 1)),
                    },
                    _ => Value::Other,
                }
            }
            "list" | "tuple" => {
                let items: Option<Vec<String>> =
                    children(node).into_iter().map(|i| self.string(i)).collect();
                items.map_or(Value::Other, Value::StrList)
            }
            "parenthesized_expression" => match children(node).as_slice() {
                [inner] => self.value(*inner, depth + 1),
                _ => Value::Other,
            },
            _ => Value::Other,
        }
    }

    /// The text of a plain or raw string literal, or of adjacent ones joined; `None` for
    /// f-strings, t-strings, bytes and anything that is not a string.
    fn string(&self, node: Node) -> Option<String> {
        match node.kind() {
            "concatenated_string" => children(node).into_iter().map(|s| self.string(s)).collect(),
            "string" => {
                let parts = children(node);
                let start = parts.first().filter(|p| p.kind() == "string_start")?;
                let end = parts.last().filter(|p| p.kind() == "string_end")?;
                let prefix = self.text(*start).to_ascii_lowercase();
                if prefix.contains(['f', 'b', 't']) {
                    return None;
                }
                let body = self.src.get(start.end_byte()..end.start_byte())?;
                if prefix.contains('r') {
                    Some(body.to_string())
                } else {
                    Some(unescape(body))
                }
            }
            _ => None,
        }
    }

    /// The pieces of an f-string whose replacement fields are plain names or dotted
    /// attributes (no conversion, format spec or `=`); `None` for anything else.
    fn template(&self, node: Node) -> Option<Vec<TemplatePart>> {
        if node.kind() != "string" {
            return None;
        }
        let parts = children(node);
        let start = parts.first().filter(|p| p.kind() == "string_start")?;
        let prefix = self.text(*start).to_ascii_lowercase();
        if !prefix.contains('f') || prefix.contains(['b', 't']) {
            return None;
        }
        let mut pieces = Vec::new();
        for part in &parts[1..] {
            match part.kind() {
                "string_content" => {
                    let body = self.text(*part);
                    let text = if prefix.contains('r') {
                        body.to_string()
                    } else {
                        unescape(body)
                    };
                    pieces.push(TemplatePart::Text(
                        text.replace("{{", "{").replace("}}", "}"),
                    ));
                }
                "interpolation" => {
                    let mut cursor = part.walk();
                    let plain = part.children(&mut cursor).all(|child| {
                        matches!(child.kind(), "{" | "}" | "identifier" | "attribute")
                    });
                    let expression = part.child_by_field_name("expression")?;
                    let value = self.value(expression, 1);
                    if !plain || !matches!(value, Value::Name(_) | Value::Attribute(_)) {
                        return None;
                    }
                    pieces.push(TemplatePart::Field(value));
                }
                "string_end" => {}
                _ => return None,
            }
        }
        Some(pieces)
    }

    fn call(&self, node: Node, depth: usize) -> Call {
        let callee = node
            .child_by_field_name("function")
            .and_then(|f| self.dotted(f));
        let mut call = Call {
            line: line(node),
            callee,
            args: Vec::new(),
            kwargs: Vec::new(),
        };
        let Some(arguments) = node.child_by_field_name("arguments") else {
            return call;
        };
        if arguments.kind() != "argument_list" {
            // `f(x for x in y)`: one generator argument.
            call.args.push(Value::Other);
            return call;
        }
        for argument in children(arguments) {
            match argument.kind() {
                "keyword_argument" => {
                    let (Some(name), Some(value)) = (
                        argument.child_by_field_name("name"),
                        argument.child_by_field_name("value"),
                    ) else {
                        continue;
                    };
                    call.kwargs.push(Keyword {
                        name: self.text(name).to_string(),
                        value: self.value(value, depth + 1),
                    });
                }
                "dictionary_splat" => {}
                _ => call.args.push(self.value(argument, depth + 1)),
            }
        }
        call
    }

    // ----- facts found anywhere ------------------------------------------------------------

    fn read_anywhere(&mut self, root: Node) {
        let mut stack = vec![(root, self.place)];
        while let Some((node, place)) = stack.pop() {
            if node.is_error() || node.is_missing() {
                let at = line(node);
                let errors = &mut self.facts.syntax_errors;
                if errors.len() < MAX_ERROR_LINES && !errors.contains(&at) {
                    errors.push(at);
                }
                continue;
            }
            self.place = place;
            match node.kind() {
                "call" => {
                    self.note_cast(node);
                    self.call_anywhere(node);
                }
                "subscript" => self.environ_subscript(node),
                "string" => self.sqlite_url(node),
                "pair" => self.filename_pair(node),
                // At module level, and in the own body of a `def`.
                "assignment" | "named_expression"
                    if !place.in_class && (!place.deferred || place.function.is_some()) =>
                {
                    self.note_bound(node)
                }
                "if_statement" if place.function.is_some() && !place.in_class => {
                    self.exit_guards(node, place.function)
                }
                _ => {}
            }
            let inner = match node.kind() {
                "function_definition" => Place {
                    deferred: true,
                    function: Some(line(node)),
                    ..place
                },
                "lambda" => Place {
                    deferred: true,
                    function: None,
                    ..place
                },
                "class_definition" => Place {
                    in_class: true,
                    function: None,
                    ..place
                },
                _ => place,
            };
            // The body of a `try` with an `except` clause: its errors may be caught.
            let catches = node.kind() == "try_statement"
                && children(node).iter().any(|c| c.kind() == "except_clause");
            let body = node.child_by_field_name("body").filter(|_| catches);
            // All children, not only named ones: a missing `:` is an anonymous node.
            let mut cursor = node.walk();
            let kids: Vec<Node> = node.children(&mut cursor).collect();
            stack.extend(kids.into_iter().rev().map(|kid| {
                if Some(kid) == body {
                    (
                        kid,
                        Place {
                            in_try: true,
                            ..inner
                        },
                    )
                } else {
                    (kid, inner)
                }
            }));
        }
        self.facts.syntax_errors.sort_unstable();
    }

    /// `NAME = <call or subscript>` (or `(NAME := ...)`) at module level or in a function's
    /// own body: the name the right side is bound to; `app.config["KEY"] = <call or
    /// subscript>`: `app.config["KEY"]`, the key a string literal.
    fn note_bound(&mut self, node: Node) {
        let (left, right) = match node.kind() {
            "named_expression" => ("name", "value"),
            _ => ("left", "right"),
        };
        let (Some(left), Some(right)) = (
            node.child_by_field_name(left),
            node.child_by_field_name(right),
        ) else {
            return;
        };
        if !matches!(right.kind(), "call" | "subscript") {
            return;
        }
        let name = match left.kind() {
            "identifier" => self.text(left).to_string(),
            "subscript" => {
                let (Some(value), Some(key)) = (
                    left.child_by_field_name("value"),
                    left.child_by_field_name("subscript")
                        .and_then(|key| self.string(key)),
                ) else {
                    return;
                };
                format!("{}[{key:?}]", self.text(value))
            }
            _ => return,
        };
        self.bound.insert(right.id(), name);
    }

    /// `int(x)`, `float(x)`, `bool(x)` with one argument: `x` is read as that type.
    fn note_cast(&mut self, node: Node) {
        let Some(function) = node.child_by_field_name("function") else {
            return;
        };
        let cast = match self.text(function) {
            "int" => "int",
            "float" => "float",
            "bool" => "bool",
            _ => return,
        };
        let Some(arguments) = node.child_by_field_name("arguments") else {
            return;
        };
        if let [argument] = children(arguments).as_slice() {
            self.cast_of.insert(argument.id(), cast);
        }
    }

    fn call_anywhere(&mut self, node: Node) {
        let callee = node
            .child_by_field_name("function")
            .and_then(|f| self.dotted(f));
        self.routes_keyword(node, &callee);
        // A writer of its argument, or a path class's method, is read below.
        let known = callee.as_deref().is_some_and(|callee| {
            ENV_AND_FILE_CALLEES.contains(&callee) || path_class_method(callee).is_some()
        });
        if !known {
            if let Some(write) = self.receiver_write(node) {
                push_capped(
                    &mut self.facts.fs_writes,
                    write,
                    MAX_OTHER,
                    &mut self.facts.truncated,
                );
                return;
            }
        }
        if let Some(callee) = &callee {
            if !ENV_AND_FILE_CALLEES.contains(&callee.as_str()) {
                self.path_args(node, callee);
            }
        }
        // Reading every argument of every call would double the cost of a scan; only calls
        // that may read the environment or write a file are read in full here.
        let Some(callee) = callee else {
            return;
        };
        if let Some(read) = self.library_env_read(node, &callee) {
            self.push_env(read, node);
            return;
        }
        if !known {
            return;
        }
        let call = self.call(node, 0);
        let callee = callee.as_str();
        let env_kind = match callee {
            "os.environ.get" => Some(EnvReadKind::EnvironGet),
            "os.getenv" => Some(EnvReadKind::Getenv),
            "os.environ.setdefault" => Some(EnvReadKind::EnvironSetdefault),
            _ => None,
        };
        if let Some(kind) = env_kind {
            let read = EnvRead {
                line: call.line,
                kind,
                name: call
                    .arg(0, "key")
                    .and_then(Value::as_str)
                    .map(str::to_string),
                default: call.arg(1, "default").cloned(),
                cast: None,
                at_start: true,
                in_try: false,
                bound_to: None,
                function: None,
            };
            self.push_env(read, node);
        }
        if let Some(write) = self.fs_write(node, &call, callee) {
            push_capped(
                &mut self.facts.fs_writes,
                write,
                MAX_OTHER,
                &mut self.facts.truncated,
            );
        }
    }

    /// Reads the `routes=[...]` keyword of a call, whatever the callee, and Litestar's
    /// `route_handlers=[...]`.
    fn routes_keyword(&mut self, node: Node, callee: &Option<String>) {
        if let Some(arguments) = node.child_by_field_name("arguments") {
            for keyword in children(arguments) {
                if keyword.kind() != "keyword_argument" {
                    continue;
                }
                let (Some(name), Some(list)) = (
                    keyword.child_by_field_name("name"),
                    keyword.child_by_field_name("value"),
                ) else {
                    continue;
                };
                match self.text(name) {
                    "routes" => {
                        let context = RouteContext {
                            owner: RouteOwner::Call(callee.clone()),
                            within: self.mount_prefix(node),
                            owner_name: self.assigned_name(node),
                        };
                        self.route_list(list, &context);
                    }
                    "route_handlers" => self.handler_list(node, list, callee),
                    _ => {}
                }
            }
        }
    }

    fn handler_list(&mut self, owner: Node, list: Node, callee: &Option<String>) {
        let call = self.call(owner, 0);
        let is_router = callee
            .as_deref()
            .is_some_and(|callee| callee.rsplit('.').next() == Some("Router"));
        let path = call
            .kwarg("path")
            .or_else(|| call.args.first().filter(|_| is_router))
            .and_then(Value::as_str)
            .map(str::to_string);
        let handlers = list_items(list)
            .into_iter()
            .filter_map(|item| match self.value(item, 0) {
                Value::Name(name) | Value::Attribute(name) => Some(name),
                _ => None,
            })
            .take(MAX_OTHER)
            .collect();
        let entry = HandlerList {
            line: line(owner),
            callee: callee.clone(),
            path,
            owner_name: self.assigned_name(owner),
            handlers,
        };
        push_capped(
            &mut self.facts.handler_lists,
            entry,
            MAX_OTHER,
            &mut self.facts.truncated,
        );
    }

    /// Whether a call's callee is named `Mount` (Starlette's, also re-exported by FastAPI).
    fn is_mount(&self, call: Node) -> bool {
        call.child_by_field_name("function")
            .and_then(|function| self.dotted(function))
            .is_some_and(|callee| callee.rsplit('.').next() == Some("Mount"))
    }

    /// The paths of the `Mount` calls `call` is (or sits in), outermost first and joined;
    /// `None` when one of them is not a string literal.
    fn mount_prefix(&self, call: Node) -> Option<String> {
        let mut prefix = String::new();
        let mut node = Some(call);
        let mut steps = 0;
        while let Some(current) = node {
            steps += 1;
            if steps > 10 * MAX_VALUE_DEPTH {
                return None;
            }
            if current.kind() == "call" && self.is_mount(current) {
                let mount = self.call(current, 0);
                let path = mount.arg(0, "path").and_then(Value::as_str)?;
                prefix = format!("{}{prefix}", path.trim_end_matches('/'));
            }
            node = current.parent();
        }
        Some(prefix)
    }

    /// The name a call's value is assigned to: `api` for `api = Router(...)`.
    fn assigned_name(&self, call: Node) -> Option<String> {
        let parent = call.parent()?;
        let left = parent.child_by_field_name("left")?;
        (parent.kind() == "assignment"
            && parent.child_by_field_name("right") == Some(call)
            && left.kind() == "identifier")
            .then(|| self.text(left).to_string())
    }

    /// Names bound at module level (in module-level blocks too) to an instance of one of
    /// [`ENV_CLASSES`], read before the calls that use them.
    fn read_env_objects(&mut self, root: Node) {
        let mut stack: Vec<Node> = children(root).into_iter().rev().collect();
        while let Some(statement) = stack.pop() {
            if statement.kind() != "expression_statement" {
                for block in blocks_of(statement).into_iter().rev() {
                    stack.extend(children(block).into_iter().rev());
                }
                continue;
            }
            for assignment in children(statement) {
                let (Some(left), Some(right)) = (
                    assignment.child_by_field_name("left"),
                    assignment.child_by_field_name("right"),
                ) else {
                    continue;
                };
                if assignment.kind() != "assignment"
                    || left.kind() != "identifier"
                    || right.kind() != "call"
                {
                    continue;
                }
                let callee = right
                    .child_by_field_name("function")
                    .and_then(|f| self.dotted(f));
                let Some(&(_, kind)) = ENV_CLASSES
                    .iter()
                    .find(|(class, _)| callee.as_deref() == Some(*class))
                else {
                    continue;
                };
                let object = EnvObject {
                    kind,
                    scheme: self.env_scheme(right),
                };
                self.env_objects.insert(self.text(left).to_string(), object);
            }
        }
    }

    /// The keyword arguments of `Env(...)`: `NAME=cast` or `NAME=(cast, default)`.
    fn env_scheme(&self, call: Node) -> HashMap<String, (Option<String>, Option<Value>)> {
        let mut scheme = HashMap::new();
        let Some(arguments) = call.child_by_field_name("arguments") else {
            return scheme;
        };
        for keyword in children(arguments) {
            let (Some(name), Some(value)) = (
                keyword.child_by_field_name("name"),
                keyword.child_by_field_name("value"),
            ) else {
                continue;
            };
            if keyword.kind() != "keyword_argument" {
                continue;
            }
            let entry = match (value.kind(), children(value).as_slice()) {
                ("tuple", [cast, default]) => (
                    self.cast_name(&self.value(*cast, 0)),
                    Some(self.value(*default, 0)),
                ),
                ("tuple", [cast]) => (self.cast_name(&self.value(*cast, 0)), None),
                _ => (self.cast_name(&self.value(value, 0)), None),
            };
            scheme.insert(self.text(name).to_string(), entry);
        }
        scheme
    }

    /// A cast given as a value: a resolved dotted name, `()` after a call.
    fn cast_name(&self, value: &Value) -> Option<String> {
        match value {
            Value::Name(name) => Some(self.resolve(name)),
            Value::Attribute(name) => Some(name.clone()),
            Value::Call(call) => call.callee.as_ref().map(|callee| format!("{callee}()")),
            _ => None,
        }
    }

    /// A read through django-environ or python-decouple: `decouple.config(...)`, or a call of
    /// (or a method of) an object [`Reader::read_env_objects`] found, with the argument
    /// positions of each method.
    fn library_env_read(&self, node: Node, callee: &str) -> Option<EnvRead> {
        let (head, method) = match callee.split_once('.') {
            _ if callee == "decouple.config" => (callee, None),
            Some((head, method)) => (head, Some(method)),
            None => (callee, None),
        };
        let object = self.env_objects.get(head);
        let kind = if callee == "decouple.config" {
            EnvReadKind::DecoupleConfig
        } else {
            object?.kind
        };
        let call = self.call(node, 0);
        let cast_at = |index: usize| call.arg(index, "cast").and_then(|v| self.cast_name(v));
        let var = |index: usize| call.arg(index, "var").and_then(Value::as_str);
        // (name, default, cast)
        let (name, default, cast) = match (kind, method) {
            (EnvReadKind::DecoupleConfig, None) => (
                call.arg(0, "option").and_then(Value::as_str),
                call.arg(1, "default"),
                cast_at(2),
            ),
            (EnvReadKind::EnvironEnv, None | Some("get_value")) => {
                (var(0), call.arg(2, "default"), cast_at(1))
            }
            (EnvReadKind::EnvironEnv, Some(method @ ("list" | "tuple" | "dict"))) => {
                (var(0), call.arg(2, "default"), Some(method.to_string()))
            }
            (
                EnvReadKind::EnvironEnv,
                Some(
                    method @ ("str" | "bool" | "int" | "float" | "json" | "url" | "path" | "bytes"),
                ),
            ) => (var(0), call.arg(1, "default"), Some(method.to_string())),
            (EnvReadKind::EnvironEnv, Some(method)) => {
                // The URL readers name their variable by default.
                let variable = match method {
                    "db_url" | "db" => "DATABASE_URL",
                    "cache_url" | "cache" => "CACHE_URL",
                    "email_url" | "email" => "EMAIL_URL",
                    "search_url" => "SEARCH_URL",
                    "channels_url" | "channels" => "CHANNELS_URL",
                    _ => return None,
                };
                (
                    Some(var(0).unwrap_or(variable)),
                    call.arg(1, "default"),
                    Some(method.to_string()),
                )
            }
            _ => return None,
        };
        let scheme = name
            .and_then(|name| object?.scheme.get(name))
            .filter(|_| kind == EnvReadKind::EnvironEnv);
        Some(EnvRead {
            line: call.line,
            kind,
            name: name.map(str::to_string),
            default: default
                .cloned()
                .or_else(|| scheme.and_then(|(_, default)| default.clone())),
            cast: cast.or_else(|| scheme.and_then(|(cast, _)| cast.clone())),
            at_start: true,
            in_try: false,
            bound_to: None,
            function: None,
        })
    }

    /// Keeps `read`, found at `node`, with where it runs, the name it is bound to, and the
    /// builtin it is passed to (when the read says no type of its own).
    fn push_env(&mut self, mut read: EnvRead, node: Node) {
        read.at_start = !self.place.deferred;
        read.in_try = self.place.in_try;
        read.bound_to = self.bound.get(&node.id()).cloned();
        read.function = self.place.function;
        if read.cast.is_none() {
            read.cast = self.cast_of.get(&node.id()).map(|cast| cast.to_string());
        }
        push_capped(
            &mut self.facts.env_reads,
            read,
            MAX_OTHER,
            &mut self.facts.truncated,
        );
    }

    fn fs_write(&self, node: Node, call: &Call, callee: &str) -> Option<FsWrite> {
        let literal = |index: usize, name: &str| {
            call.arg(index, name)
                .and_then(Value::as_str)
                .map(str::to_string)
        };
        // A literal path, or an upper-case constant naming one, left for the reader to look up.
        let path = |value: Option<&Value>| -> Option<(String, Option<String>)> {
            match value? {
                Value::Str(text) => Some((text.clone(), None)),
                Value::Name(name) if is_constant_name(name) => {
                    Some((String::new(), Some(self.resolve(name))))
                }
                Value::Attribute(dotted)
                    if dotted
                        .rsplit_once('.')
                        .is_some_and(|(_, last)| is_constant_name(last)) =>
                {
                    Some((String::new(), Some(dotted.clone())))
                }
                _ => None,
            }
        };
        // Else a path built from the module's location.
        let located = |index: Option<usize>, name: &str| match path(match index {
            Some(index) => call.arg(index, name),
            None => call.kwarg(name),
        }) {
            Some((path, constant)) => Some((path, constant, None)),
            None => {
                let node = self.argument_node(node, index, name)?;
                Some((String::new(), None, Some(self.file_path(node, 0)?)))
            }
        };
        let (kind, (path, constant, from_file)) = match callee {
            "os.makedirs" | "os.mkdir" | "aiofiles.os.makedirs" | "aiofiles.os.mkdir" => {
                (FsWriteKind::Makedirs, located(Some(0), "name")?)
            }
            "logging.FileHandler"
            | "logging.handlers.RotatingFileHandler"
            | "logging.handlers.TimedRotatingFileHandler"
            | "logging.handlers.WatchedFileHandler" => {
                (FsWriteKind::LogFile, located(Some(0), "filename")?)
            }
            "logging.basicConfig" => (FsWriteKind::LogFile, located(None, "filename")?),
            // A sink that is a path; a stream, a function or a handler is none.
            "loguru.logger.add" => (FsWriteKind::LogFile, located(Some(0), "sink")?),
            "open" | "io.open" | "builtins.open" | "aiofiles.open" | "anyio.open_file"
            | "trio.open_file" => {
                let mode = literal(1, "mode")?;
                if !writes(&mode) {
                    return None;
                }
                (FsWriteKind::Open(mode), located(Some(0), "file")?)
            }
            _ => {
                let method = path_class_method(callee)?;
                let kind = path_method_write(method, call)?;
                let function = node.child_by_field_name("function")?;
                let inner = function.child_by_field_name("object")?;
                let inner = self.call(inner, 0);
                let parts: Option<Vec<&str>> = inner.args.iter().map(Value::as_str).collect();
                let parts = parts.filter(|parts| !parts.is_empty())?;
                (kind, (parts.join("/"), None, None))
            }
        };
        Some(FsWrite {
            line: call.line,
            kind,
            path,
            constant,
            from_file,
        })
    }

    /// `<path built from the module's location>.mkdir()` (or `.touch()`, `.write_text()`,
    /// `.open("w")`), whatever the receiver's spelling: `(BASE_DIR / "logs").mkdir()`.
    fn receiver_write(&self, node: Node) -> Option<FsWrite> {
        let function = node.child_by_field_name("function")?;
        if function.kind() != "attribute" {
            return None;
        }
        let method = self.text(function.child_by_field_name("attribute")?);
        if !["mkdir", "touch", "write_text", "write_bytes", "open"].contains(&method) {
            return None;
        }
        let from_file = self.file_path(function.child_by_field_name("object")?, 0)?;
        let call = self.call(node, 0);
        Some(FsWrite {
            line: call.line,
            kind: path_method_write(method, &call)?,
            path: String::new(),
            constant: None,
            from_file: Some(from_file),
        })
    }

    // ----- paths built from the module's location ------------------------------------------

    /// The arguments of a call that are paths built from this module's location.
    fn path_args(&mut self, node: Node, callee: &str) {
        // What builds a path is no consumer of one.
        let builds = callee.starts_with("pathlib.")
            || callee.starts_with("os.path.")
            || ["str", "os.fspath", "posixpath.join"].contains(&callee);
        let Some(arguments) = node.child_by_field_name("arguments") else {
            return;
        };
        let arguments = children(arguments);
        // A `*args` moves the positions after it.
        if builds || arguments.iter().any(|a| a.kind().ends_with("splat")) {
            return;
        }
        let mut position = 0;
        for argument in arguments {
            let (at, keyword, value) = match argument.kind() {
                "keyword_argument" => {
                    let (Some(name), Some(value)) = (
                        argument.child_by_field_name("name"),
                        argument.child_by_field_name("value"),
                    ) else {
                        continue;
                    };
                    (None, Some(self.text(name).to_string()), value)
                }
                _ => {
                    position += 1;
                    (Some(position - 1), None, argument)
                }
            };
            let Some(path) = self.file_path(value, 0) else {
                continue;
            };
            if path.anchor.is_some() && path.steps.is_empty() {
                continue;
            }
            let arg = PathArg {
                line: line(argument),
                callee: callee.to_string(),
                position: at,
                keyword,
                path,
            };
            push_capped(
                &mut self.facts.path_args,
                arg,
                MAX_OTHER,
                &mut self.facts.truncated,
            );
        }
    }

    /// The argument node at positional `index` (`None` for keyword-only), or else the keyword
    /// `name`'s value; `None` after a `*args`, which moves the positions.
    fn argument_node<'t>(
        &self,
        call: Node<'t>,
        index: Option<usize>,
        name: &str,
    ) -> Option<Node<'t>> {
        let arguments = children(call.child_by_field_name("arguments")?);
        if let Some(index) = index {
            let positional: Vec<Node> = arguments
                .iter()
                .copied()
                .filter(|a| a.kind() != "keyword_argument" && a.kind() != "dictionary_splat")
                .collect();
            if positional.iter().any(|a| a.kind() == "list_splat") {
                return None;
            }
            if let Some(node) = positional.get(index) {
                return Some(*node);
            }
        }
        arguments
            .iter()
            .filter(|a| a.kind() == "keyword_argument")
            .find(|a| {
                a.child_by_field_name("name")
                    .is_some_and(|n| self.text(n) == name)
            })?
            .child_by_field_name("value")
    }

    /// Module-level `name = <path>` (also annotated, and in module-level blocks), in source
    /// order, so a later one can build on an earlier one.
    fn read_file_paths(&mut self, root: Node) {
        let mut stack: Vec<Node> = children(root).into_iter().rev().collect();
        while let Some(statement) = stack.pop() {
            if statement.kind() == "expression_statement" {
                for expression in children(statement) {
                    if expression.kind() != "assignment" {
                        continue;
                    }
                    let (Some(left), Some(right)) = (
                        expression.child_by_field_name("left"),
                        expression.child_by_field_name("right"),
                    ) else {
                        continue;
                    };
                    if left.kind() != "identifier" {
                        continue;
                    }
                    let name = self.text(left).to_string();
                    match self.file_path(right, 0) {
                        Some(path) => {
                            self.file_paths.insert(name.clone(), path.clone());
                            let named = NamedPath {
                                line: line(left),
                                name,
                                path,
                            };
                            push_capped(
                                &mut self.facts.file_paths,
                                named,
                                MAX_OTHER,
                                &mut self.facts.truncated,
                            );
                        }
                        // Rebound to something else: no longer a path known here.
                        None => {
                            self.file_paths.remove(&name);
                            let line = line(left);
                            for path in self.paths_within(right, 0) {
                                let named = NamedPath {
                                    line,
                                    name: name.clone(),
                                    path,
                                };
                                push_capped(
                                    &mut self.facts.value_paths,
                                    named,
                                    MAX_OTHER,
                                    &mut self.facts.truncated,
                                );
                            }
                        }
                    }
                }
                continue;
            }
            for block in blocks_of(statement).into_iter().rev() {
                stack.extend(children(block).into_iter().rev());
            }
        }
    }

    /// The paths built from the module's location among the items of a list, tuple, set or
    /// dict (the values of a dict), nested ones too.
    fn paths_within(&self, node: Node, depth: usize) -> Vec<FilePath> {
        if depth > MAX_VALUE_DEPTH {
            return Vec::new();
        }
        match node.kind() {
            "list" | "tuple" | "set" | "dictionary" | "parenthesized_expression" => children(node)
                .into_iter()
                .flat_map(|item| match self.file_path(item, 0) {
                    Some(path) => vec![path],
                    None => self.paths_within(item, depth + 1),
                })
                .collect(),
            "pair" => node
                .child_by_field_name("value")
                .map(|value| match self.file_path(value, 0) {
                    Some(path) => vec![path],
                    None => self.paths_within(value, depth + 1),
                })
                .unwrap_or_default(),
            _ => Vec::new(),
        }
    }

    /// The path an expression builds from the module's location, if it does.
    fn file_path(&self, node: Node, depth: usize) -> Option<FilePath> {
        if depth > MAX_VALUE_DEPTH {
            return None;
        }
        match node.kind() {
            "identifier" => {
                let name = self.text(node);
                if name == "__file__" {
                    return Some(FilePath {
                        anchor: None,
                        steps: Vec::new(),
                    });
                }
                if let Some(path) = self.file_paths.get(name) {
                    return Some(path.clone());
                }
                if self.modules.contains(name) {
                    return None;
                }
                let anchor = match self.bindings.get(name) {
                    Some(target) => target.clone(),
                    None if self.star_import => name.to_string(),
                    None => return None,
                };
                Some(FilePath {
                    anchor: Some(anchor),
                    steps: Vec::new(),
                })
            }
            "parenthesized_expression" => match children(node).as_slice() {
                [inner] => self.file_path(*inner, depth + 1),
                _ => None,
            },
            "attribute" => {
                let object = node.child_by_field_name("object")?;
                match self.text(node.child_by_field_name("attribute")?) {
                    "parent" => {
                        let mut path = self.file_path(object, depth + 1)?;
                        path.push("..");
                        Some(path)
                    }
                    _ => {
                        // `settings.BASE_DIR` after `from core import settings`.
                        let dotted = self.dotted(node)?;
                        let raw = self.raw_dotted(node, 0)?;
                        // `aiofiles.os` after `import aiofiles.os` is a module.
                        if self.modules.contains(&raw) {
                            return None;
                        }
                        let head = raw.split('.').next().unwrap_or_default();
                        self.bindings.contains_key(head).then(|| FilePath {
                            anchor: Some(dotted),
                            steps: Vec::new(),
                        })
                    }
                }
            }
            "subscript" => {
                // `Path(__file__).parents[1]` is two levels up.
                let value = node.child_by_field_name("value")?;
                if value.kind() != "attribute"
                    || self.text(value.child_by_field_name("attribute")?) != "parents"
                {
                    return None;
                }
                let index = match field_children(node, "subscript").as_slice() {
                    [index] if index.kind() == "integer" => parse_int(self.text(*index))?,
                    _ => return None,
                };
                let levels = usize::try_from(index).ok()?.checked_add(1)?;
                if levels > 64 {
                    return None;
                }
                let mut path = self.file_path(value.child_by_field_name("object")?, depth + 1)?;
                for _ in 0..levels {
                    path.push("..");
                }
                Some(path)
            }
            "binary_operator" => {
                if node.child_by_field_name("operator").map(|op| self.text(op)) != Some("/") {
                    return None;
                }
                let mut path = self.file_path(node.child_by_field_name("left")?, depth + 1)?;
                let right = self.string(node.child_by_field_name("right")?)?;
                path.join(&right)?;
                Some(path)
            }
            "call" => {
                let function = node.child_by_field_name("function")?;
                let arguments: Vec<Node> = node
                    .child_by_field_name("arguments")
                    .map(children)
                    .unwrap_or_default();
                if arguments.iter().any(|a| a.kind().ends_with("splat")) {
                    return None;
                }
                let positional: Vec<Node> = arguments
                    .iter()
                    .copied()
                    .filter(|a| a.kind() != "keyword_argument")
                    .collect();
                let joined = |first: Node, rest: &[Node]| -> Option<FilePath> {
                    let mut path = self.file_path(first, depth + 1)?;
                    for part in rest {
                        path.join(&self.string(*part)?)?;
                    }
                    Some(path)
                };
                let callee = self.dotted(function);
                match callee.as_deref() {
                    Some(
                        "pathlib.Path" | "pathlib.PurePath" | "pathlib.PosixPath" | "anyio.Path"
                        | "trio.Path" | "os.path.join" | "posixpath.join",
                    ) => {
                        let (first, rest) = positional.split_first()?;
                        joined(*first, rest)
                    }
                    Some(
                        "os.path.abspath" | "os.path.realpath" | "os.path.normpath" | "str"
                        | "os.fspath",
                    ) => match positional.as_slice() {
                        [only] => self.file_path(*only, depth + 1),
                        _ => None,
                    },
                    Some("os.path.dirname") => match positional.as_slice() {
                        [only] => {
                            let mut path = self.file_path(*only, depth + 1)?;
                            path.push("..");
                            Some(path)
                        }
                        _ => None,
                    },
                    _ => {
                        if function.kind() != "attribute" {
                            return None;
                        }
                        let object = function.child_by_field_name("object")?;
                        match self.text(function.child_by_field_name("attribute")?) {
                            "resolve" | "absolute" => self.file_path(object, depth + 1),
                            "joinpath" => joined(object, &positional),
                            _ => None,
                        }
                    }
                }
            }
            _ => None,
        }
    }

    fn environ_subscript(&mut self, node: Node) {
        let Value::Subscript { value, index } = self.value(node, 0) else {
            return;
        };
        if value != "os.environ" {
            return;
        }
        // `os.environ["X"] = ...` sets the variable: kept as such, with the value set. Asked
        // last because `parent` walks down from the root.
        if let Some(parent) = node.parent() {
            let is_target = ["assignment", "augmented_assignment"].contains(&parent.kind())
                && parent.child_by_field_name("left") == Some(node);
            if is_target && parent.kind() == "assignment" {
                let set = EnvRead {
                    line: line(node),
                    kind: EnvReadKind::EnvironAssign,
                    name: index.as_str().map(str::to_string),
                    default: parent
                        .child_by_field_name("right")
                        .map(|value| self.value(value, 0)),
                    cast: None,
                    at_start: true,
                    in_try: false,
                    bound_to: None,
                    function: None,
                };
                self.push_env(set, node);
                return;
            }
            if is_target || parent.kind() == "delete_statement" {
                return;
            }
        }
        let read = EnvRead {
            line: line(node),
            kind: EnvReadKind::EnvironSubscript,
            name: index.as_str().map(str::to_string),
            default: None,
            cast: None,
            at_start: true,
            in_try: false,
            bound_to: None,
            function: None,
        };
        self.push_env(read, node);
    }

    fn sqlite_url(&mut self, node: Node) {
        // Most strings are not URLs; decoding every docstring would cost more than the check.
        if !self.text(node).contains("sqlite") {
            return;
        }
        if let Some(parts) = self.template(node) {
            let is_url = matches!(parts.first(), Some(TemplatePart::Text(text))
                if text.starts_with("sqlite") && text.contains("://"));
            if is_url {
                let url = Located {
                    line: line(node),
                    value: parts,
                };
                push_capped(
                    &mut self.facts.sqlite_url_templates,
                    url,
                    MAX_OTHER,
                    &mut self.facts.truncated,
                );
            }
            return;
        }
        if let Some(text) = self.string(node) {
            if text.starts_with("sqlite") && text.contains("://") {
                let url = Located {
                    line: line(node),
                    value: text,
                };
                push_capped(
                    &mut self.facts.sqlite_urls,
                    url,
                    MAX_OTHER,
                    &mut self.facts.truncated,
                );
            }
        }
    }

    /// `"filename": "logs/app.log"` in a dict: how `logging.config.dictConfig` names a log file.
    fn filename_pair(&mut self, node: Node) {
        let key = node.child_by_field_name("key").and_then(|k| self.string(k));
        if key.as_deref() != Some("filename") {
            return;
        }
        let Some(value) = node.child_by_field_name("value") else {
            return;
        };
        let (path, from_file) = match self.string(value) {
            Some(path) => (path, None),
            None => match self.file_path(value, 0) {
                Some(from_file) => (String::new(), Some(from_file)),
                None => return,
            },
        };
        {
            let write = FsWrite {
                line: line(node),
                kind: FsWriteKind::LogFile,
                path,
                constant: None,
                from_file,
            };
            push_capped(
                &mut self.facts.fs_writes,
                write,
                MAX_OTHER,
                &mut self.facts.truncated,
            );
        }
    }

    fn route_list(&mut self, list: Node, context: &RouteContext) {
        for item in list_items(list) {
            if item.kind() != "call" {
                continue;
            }
            let call = self.call(item, 0);
            let mounted = match call.arg(1, "app") {
                Some(Value::Name(name) | Value::Attribute(name)) => Some(name.clone()),
                _ => None,
            };
            let entry = RouteEntry {
                line: call.line,
                owner: context.owner.clone(),
                path: call
                    .arg(0, "path")
                    .and_then(Value::as_str)
                    .map(str::to_string),
                app: mounted.filter(|_| {
                    call.callee
                        .as_deref()
                        .is_some_and(|callee| callee.rsplit('.').next() == Some("Mount"))
                }),
                callee: call.callee,
                within: context.within.clone(),
                owner_name: context.owner_name.clone(),
            };
            push_capped(
                &mut self.facts.routes,
                entry,
                MAX_OTHER,
                &mut self.facts.truncated,
            );
        }
    }

    // ----- module-level statements ---------------------------------------------------------

    /// Statements that run at import time: the module body and the blocks of module-level
    /// `if`/`try`/`with`/`for`/`while`, but not `def` or `class` bodies.
    fn read_module_block(&mut self, root: Node) {
        // Statements still to read, next one last, so facts come out in source order.
        let mut stack: Vec<Node> = children(root).into_iter().rev().collect();
        while let Some(statement) = stack.pop() {
            let blocks = match statement.kind() {
                "expression_statement" => {
                    for expression in children(statement) {
                        self.module_expression(expression);
                    }
                    continue;
                }
                "if_statement" if self.is_main_guard(statement) => {
                    if let Some(body) = statement.child_by_field_name("consequence") {
                        self.main_calls(body);
                    }
                    alternatives(statement)
                }
                "if_statement" => {
                    self.exit_guards(statement, None);
                    blocks_of(statement)
                }
                _ => blocks_of(statement),
            };
            for block in blocks.into_iter().rev() {
                stack.extend(children(block).into_iter().rev());
            }
        }
    }

    fn module_expression(&mut self, expression: Node) {
        match expression.kind() {
            "assignment" => {
                // `a = b = App()` nests assignments on the right.
                let mut targets = Vec::new();
                let mut node = expression;
                while node.kind() == "assignment" {
                    if let Some(left) = node.child_by_field_name("left") {
                        targets.push(left);
                    }
                    match node.child_by_field_name("right") {
                        Some(right) => node = right,
                        None => return,
                    }
                }
                for target in targets {
                    if target.kind() == "identifier" {
                        self.module_assignment(self.text(target), node);
                        self.module_constant(target, node);
                    }
                }
            }
            "augmented_assignment" => {
                let left = expression.child_by_field_name("left");
                let right = expression.child_by_field_name("right");
                if let (Some(left), Some(right)) = (left, right) {
                    if self.text(left) == "urlpatterns" {
                        self.url_patterns(right);
                    }
                    let adds = expression
                        .child_by_field_name("operator")
                        .is_some_and(|operator| operator.kind() == "+=");
                    if adds && left.kind() == "identifier" && is_constant_name(self.text(left)) {
                        let constant = Constant {
                            line: line(left),
                            name: self.text(left).to_string(),
                            value: self.value(right, 0),
                            env_list: self.env_list(right),
                        };
                        push_capped(
                            &mut self.facts.augmented_constants,
                            constant,
                            MAX_OTHER,
                            &mut self.facts.truncated,
                        );
                    }
                }
            }
            _ => {}
        }
    }

    fn module_assignment(&mut self, target: &str, value: Node) {
        match (target, value.kind()) {
            (_, "call") => {
                let assignment = Assignment {
                    line: line(value),
                    target: target.to_string(),
                    call: self.call(value, 0),
                };
                push_capped(
                    &mut self.facts.assignments,
                    assignment,
                    MAX_OTHER,
                    &mut self.facts.truncated,
                );
            }
            ("urlpatterns", _) => self.url_patterns(value),
            ("routes", _) => {
                let context = RouteContext {
                    owner: RouteOwner::Variable(target.to_string()),
                    within: Some(String::new()),
                    owner_name: None,
                };
                self.route_list(value, &context);
            }
            (_, "identifier" | "attribute") => {
                let Some(aliased) = self.dotted(value) else {
                    return;
                };
                if aliased == target {
                    return;
                }
                let alias = Alias {
                    line: line(value),
                    target: target.to_string(),
                    value: aliased,
                };
                push_capped(
                    &mut self.facts.aliases,
                    alias,
                    MAX_OTHER,
                    &mut self.facts.truncated,
                );
            }
            _ => {}
        }
    }

    /// `NAME = value` at module level, for an upper-case `NAME`.
    fn module_constant(&mut self, target: Node, value: Node) {
        let name = self.text(target);
        if !is_constant_name(name) {
            return;
        }
        let constant = Constant {
            line: line(target),
            name: name.to_string(),
            value: self.value(value, 0),
            env_list: self.env_list(value),
        };
        push_capped(
            &mut self.facts.constants,
            constant,
            MAX_OTHER,
            &mut self.facts.truncated,
        );
    }

    /// The first `<environment read>.split(...)` inside `value`, not entering lambdas.
    fn env_list(&self, value: Node) -> Option<EnvList> {
        let mut stack = vec![value];
        let mut seen = 0;
        while let Some(node) = stack.pop() {
            seen += 1;
            if seen > 1_000 || matches!(node.kind(), "lambda" | "ERROR") {
                continue;
            }
            if node.kind() == "call" {
                if let Some(list) = self.split_of_env(node) {
                    return Some(list);
                }
            }
            stack.extend(children(node).into_iter().rev());
        }
        None
    }

    /// `os.environ.get("X", "a").split(",")`, `os.getenv("X").split()`,
    /// `os.environ["X"].split(",")`.
    fn split_of_env(&self, call: Node) -> Option<EnvList> {
        let function = call.child_by_field_name("function")?;
        if function.kind() != "attribute" {
            return None;
        }
        let method = function.child_by_field_name("attribute")?;
        if self.text(method) != "split" {
            return None;
        }
        let mut object = function.child_by_field_name("object")?;
        while object.kind() == "parenthesized_expression" {
            object = *children(object).first()?;
        }
        let split = self.call(call, 0);
        let separator = match split.arg(0, "sep") {
            None | Some(Value::NoneLiteral) => None,
            Some(Value::Str(separator)) => Some(separator.clone()),
            Some(_) => return None,
        };
        let (variable, default, required) = match self.value(object, 0) {
            Value::Call(read) => {
                if !matches!(read.callee.as_deref(), Some("os.environ.get" | "os.getenv")) {
                    return None;
                }
                let variable = read.arg(0, "key")?.as_str()?.to_string();
                let default = read
                    .arg(1, "default")
                    .and_then(Value::as_str)
                    .map(str::to_string);
                (variable, default, false)
            }
            Value::Subscript { value, index } if value == "os.environ" => {
                (index.as_str()?.to_string(), None, true)
            }
            _ => return None,
        };
        Some(EnvList {
            variable,
            default,
            required,
            separator,
        })
    }

    fn url_patterns(&mut self, value: Node) {
        for item in list_items(value) {
            if item.kind() != "call" {
                continue;
            }
            let call = self.call(item, 0);
            let pattern = UrlPattern {
                line: call.line,
                route: call
                    .args
                    .first()
                    .and_then(Value::as_str)
                    .map(str::to_string),
                view: call.arg(1, "view").cloned(),
                function: call.callee,
            };
            push_capped(
                &mut self.facts.url_patterns,
                pattern,
                MAX_OTHER,
                &mut self.facts.truncated,
            );
        }
    }

    /// An `if` whose block stops the import, or the function `function` names (`raise`,
    /// `sys.exit()`, `exit()`, `quit()` as one of its statements): the values its condition
    /// finds missing.
    fn exit_guards(&mut self, statement: Node, function: Option<u32>) {
        let (Some(condition), Some(body)) = (
            statement.child_by_field_name("condition"),
            statement.child_by_field_name("consequence"),
        ) else {
            return;
        };
        let stops = children(body)
            .into_iter()
            .any(|statement| match statement.kind() {
                "raise_statement" => true,
                "expression_statement" => children(statement).into_iter().any(|expression| {
                    expression.kind() == "call"
                        && expression
                            .child_by_field_name("function")
                            .and_then(|f| self.dotted(f))
                            .is_some_and(|callee| {
                                matches!(callee.as_str(), "sys.exit" | "exit" | "quit" | "os._exit")
                            })
                }),
                _ => false,
            });
        if !stops {
            return;
        }
        // `not A or not B`: each operand stops the import on its own.
        let mut operands = vec![condition];
        while let Some(operand) = operands.pop() {
            match operand.kind() {
                "boolean_operator"
                    if operand
                        .child_by_field_name("operator")
                        .is_some_and(|op| op.kind() == "or") =>
                {
                    operands.extend(operand.child_by_field_name("right"));
                    operands.extend(operand.child_by_field_name("left"));
                }
                "parenthesized_expression" => operands.extend(children(operand)),
                _ => {
                    if let Some(mut guard) = self.exit_guard(operand) {
                        guard.function = function;
                        push_capped(
                            &mut self.facts.exit_guards,
                            guard,
                            MAX_OTHER,
                            &mut self.facts.truncated,
                        );
                    }
                }
            }
        }
    }

    /// `not NAME`, `NAME is None`, `NAME == ""`, `not os.getenv("X")`, `"X" not in
    /// os.environ`, `not (NAME := os.getenv("X"))`.
    fn exit_guard(&self, operand: Node) -> Option<ExitGuard> {
        let at = line(operand);
        let mut node = match operand.kind() {
            "not_operator" => operand.child_by_field_name("argument")?,
            "comparison_operator" => return self.compared_guard(operand),
            _ => return None,
        };
        while matches!(node.kind(), "parenthesized_expression" | "named_expression") {
            node = match node.kind() {
                "named_expression" => node.child_by_field_name("value")?,
                _ => *children(node).first()?,
            };
        }
        self.tested(node, at)
    }

    /// A name or an environment read tested for being empty or `None`.
    fn tested(&self, node: Node, at: u32) -> Option<ExitGuard> {
        match node.kind() {
            "identifier" => Some(ExitGuard {
                line: at,
                variable: Some(self.text(node).to_string()),
                env: None,
                function: None,
            }),
            "call" => {
                let call = self.call(node, 0);
                let reads = matches!(call.callee.as_deref(), Some("os.environ.get" | "os.getenv"));
                let name = call.arg(0, "key").and_then(Value::as_str)?;
                reads.then(|| ExitGuard {
                    line: at,
                    variable: None,
                    env: Some(name.to_string()),
                    function: None,
                })
            }
            _ => None,
        }
    }

    /// `NAME is None`, `NAME == ""`, `"X" not in os.environ`.
    fn compared_guard(&self, operand: Node) -> Option<ExitGuard> {
        let at = line(operand);
        let operands = children(operand);
        let operators = field_children(operand, "operators");
        let [left, right] = operands.as_slice() else {
            return None;
        };
        let kinds: Vec<&str> = operators.iter().map(|op| op.kind()).collect();
        match kinds.as_slice() {
            ["not", "in"] | ["not in"] if self.dotted(*right).as_deref() == Some("os.environ") => {
                Some(ExitGuard {
                    line: at,
                    variable: None,
                    env: Some(self.string(*left)?),
                    function: None,
                })
            }
            ["is"] | ["=="]
                if right.kind() == "none" || self.string(*right).as_deref() == Some("") =>
            {
                let mut left = *left;
                while matches!(left.kind(), "parenthesized_expression" | "named_expression") {
                    left = match left.kind() {
                        "named_expression" => left.child_by_field_name("value")?,
                        _ => *children(left).first()?,
                    };
                }
                self.tested(left, at)
            }
            _ => None,
        }
    }

    fn is_main_guard(&self, statement: Node) -> bool {
        let Some(condition) = statement.child_by_field_name("condition") else {
            return false;
        };
        if condition.kind() != "comparison_operator" {
            return false;
        }
        let operands = children(condition);
        let [left, right] = operands.as_slice() else {
            return false;
        };
        let operator = field_children(condition, "operators");
        if operator.len() != 1 || operator[0].kind() != "==" {
            return false;
        }
        let is_name = |node: &Node| node.kind() == "identifier" && self.text(*node) == "__name__";
        let is_main = |node: &Node| self.string(*node).as_deref() == Some("__main__");
        (is_name(left) && is_main(right)) || (is_main(left) && is_name(right))
    }

    fn main_calls(&mut self, body: Node) {
        let calls = self.calls_in(body);
        self.facts.main_calls = calls;
    }

    /// Every call under `node`, in source order, not entering `def` or `class` bodies.
    fn calls_in(&mut self, node: Node) -> Vec<Call> {
        let mut calls = Vec::new();
        let mut stack = vec![node];
        while let Some(node) = stack.pop() {
            match node.kind() {
                "function_definition" | "class_definition" | "ERROR" => continue,
                "call" => {
                    if self.calls_kept < MAX_CALLS {
                        self.calls_kept += 1;
                        calls.push(self.call(node, 0));
                    } else {
                        self.facts.truncated = true;
                    }
                }
                _ => {}
            }
            stack.extend(children(node).into_iter().rev());
        }
        calls
    }

    // ----- definitions ---------------------------------------------------------------------

    /// Finds every `def` under `node`; `scopes` holds the enclosing names and whether each is
    /// a class.
    fn read_scopes(&mut self, node: Node, scopes: &mut Vec<(String, bool)>, depth: usize) {
        if depth > MAX_SCOPE_DEPTH {
            self.facts.truncated = true;
            return;
        }
        let mut stack = vec![node];
        while let Some(node) = stack.pop() {
            match node.kind() {
                "ERROR" => {}
                "function_definition" => {
                    self.function(node, scopes, depth);
                }
                "class_definition" => {
                    let Some(body) = node.child_by_field_name("body") else {
                        continue;
                    };
                    let name = node
                        .child_by_field_name("name")
                        .map_or("", |n| self.text(n));
                    self.class(node, body, name, scopes);
                    scopes.push((name.to_string(), true));
                    self.read_scopes(body, scopes, depth + 1);
                    scopes.pop();
                }
                _ => stack.extend(children(node).into_iter().rev()),
            }
        }
    }

    fn function(&mut self, node: Node, scopes: &mut Vec<(String, bool)>, depth: usize) {
        let Some(name) = node.child_by_field_name("name").map(|n| self.text(n)) else {
            return;
        };
        let decorators = match node.parent() {
            Some(parent) if parent.kind() == "decorated_definition" => children(parent)
                .into_iter()
                .filter(|child| child.kind() == "decorator")
                .filter_map(|decorator| self.decorator(decorator))
                .collect(),
            _ => Vec::new(),
        };
        let mut qualname: Vec<&str> = scopes.iter().map(|(scope, _)| scope.as_str()).collect();
        qualname.push(name);
        let qualname = qualname.join(".");
        let class = scopes
            .last()
            .filter(|(_, is_class)| *is_class)
            .map(|(class, _)| class.clone());
        let is_async = node.child(0).is_some_and(|first| first.kind() == "async");
        let body = node.child_by_field_name("body");
        let calls = body.map(|body| self.calls_in(body)).unwrap_or_default();
        let returns = node
            .child_by_field_name("return_type")
            .and_then(|annotation| children(annotation).into_iter().find(|n| n.is_named()))
            .and_then(|annotation| match annotation.kind() {
                "string" => self
                    .string(annotation)
                    .filter(|text| {
                        !text.is_empty()
                            && text.split('.').all(|part| {
                                !part.is_empty()
                                    && part.chars().all(|ch| ch.is_alphanumeric() || ch == '_')
                            })
                    })
                    .map(|text| self.resolve(&text)),
                "identifier" | "attribute" => self.dotted(annotation),
                _ => None,
            });
        let mut returned = Vec::new();
        if let Some(body) = body {
            let mut stack = vec![body];
            while let Some(node) = stack.pop() {
                match node.kind() {
                    "function_definition" | "class_definition" | "lambda" | "ERROR" => {}
                    "return_statement" => {
                        if let Some(value) = children(node).into_iter().find(|n| n.is_named()) {
                            if returned.len() < MAX_OTHER {
                                returned.push(self.value(value, 0));
                            }
                        }
                    }
                    _ => stack.extend(children(node).into_iter().rev()),
                }
            }
        }
        let function = Function {
            line: line(node),
            name: name.to_string(),
            qualname,
            class,
            is_async,
            decorators,
            calls,
            returns,
            returned,
            params: self.params(node),
        };
        push_capped(
            &mut self.facts.functions,
            function,
            MAX_OTHER,
            &mut self.facts.truncated,
        );
        if let Some(body) = body {
            scopes.push((name.to_string(), false));
            self.read_scopes(body, scopes, depth + 1);
            scopes.pop();
        }
    }

    /// The named parameters of a `def`, with their defaults and `Annotated[...]` calls.
    fn params(&self, function: Node) -> Vec<Param> {
        let Some(parameters) = function.child_by_field_name("parameters") else {
            return Vec::new();
        };
        let mut params = Vec::new();
        for parameter in children(parameters).into_iter().take(MAX_OTHER) {
            let (name, annotation, default) = match parameter.kind() {
                "identifier" => (Some(parameter), None, None),
                "typed_parameter" => (
                    children(parameter)
                        .into_iter()
                        .find(|child| child.kind() == "identifier"),
                    parameter.child_by_field_name("type"),
                    None,
                ),
                "default_parameter" | "typed_default_parameter" => (
                    parameter.child_by_field_name("name"),
                    parameter.child_by_field_name("type"),
                    parameter.child_by_field_name("value"),
                ),
                _ => continue,
            };
            let Some(name) = name.filter(|name| name.kind() == "identifier") else {
                continue;
            };
            params.push(Param {
                name: self.text(name).to_string(),
                default: default.map(|value| self.value(value, 0)),
                annotated: annotation.and_then(|annotation| self.annotated_call(annotation)),
            });
        }
        params
    }

    /// The first call among the items of `Annotated[T, call(...), ...]`.
    fn annotated_call(&self, annotation: Node) -> Option<Call> {
        let mut node = annotation;
        // The `type` node wraps the expression.
        while node.kind() == "type" {
            node = children(node).into_iter().find(|child| child.is_named())?;
        }
        let (base, items) = match node.kind() {
            "subscript" => (
                node.child_by_field_name("value")?,
                field_children(node, "subscript"),
            ),
            "generic_type" => {
                let parts = children(node);
                let base = *parts.first()?;
                let items = parts
                    .iter()
                    .filter(|part| part.kind() == "type_parameter")
                    .flat_map(|part| children(*part))
                    .collect();
                (base, items)
            }
            _ => return None,
        };
        let base = self.dotted(base)?;
        if base != "typing.Annotated"
            && base != "typing_extensions.Annotated"
            && base != "Annotated"
        {
            return None;
        }
        items.into_iter().find_map(|mut item| {
            while item.kind() == "type" {
                item = children(item).into_iter().find(|child| child.is_named())?;
            }
            (item.kind() == "call").then(|| self.call(item, 0))
        })
    }

    fn class(&mut self, node: Node, body: Node, name: &str, scopes: &[(String, bool)]) {
        let bases = node
            .child_by_field_name("superclasses")
            .map(|bases| {
                children(bases)
                    .into_iter()
                    .filter(|base| matches!(base.kind(), "identifier" | "attribute"))
                    .filter_map(|base| self.dotted(base))
                    .collect()
            })
            .unwrap_or_default();
        let mut strings = Vec::new();
        let mut others = Vec::new();
        let mut fields = Vec::new();
        let mut calls = Vec::new();
        let assignments = children(body)
            .into_iter()
            .filter(|statement| statement.kind() == "expression_statement")
            .flat_map(children)
            .filter(|assignment| assignment.kind() == "assignment");
        for assignment in assignments.take(MAX_OTHER) {
            let Some(left) = assignment
                .child_by_field_name("left")
                .filter(|left| left.kind() == "identifier")
            else {
                continue;
            };
            let name = self.text(left).to_string();
            let right = assignment.child_by_field_name("right");
            match assignment.child_by_field_name("type") {
                Some(annotation) => fields.push(ClassField {
                    line: line(assignment),
                    name: name.clone(),
                    annotation: self
                        .text(annotation)
                        .chars()
                        .filter(|c| !c.is_whitespace() && *c != '\\')
                        .collect(),
                    value: right.map(|right| self.value(right, 0)),
                }),
                None => {
                    if let Some(right) = right.filter(|right| right.kind() == "call") {
                        calls.push((name.clone(), self.call(right, 0)));
                    }
                }
            }
            match right.and_then(|right| self.string(right)) {
                Some(value) => strings.push((name, value)),
                None => others.push(name),
            }
        }
        let mut qualname: Vec<&str> = scopes.iter().map(|(scope, _)| scope.as_str()).collect();
        qualname.push(name);
        let class = Class {
            line: line(node),
            name: name.to_string(),
            qualname: qualname.join("."),
            bases,
            strings,
            others,
            fields,
            calls,
        };
        push_capped(
            &mut self.facts.classes,
            class,
            MAX_OTHER,
            &mut self.facts.truncated,
        );
    }

    fn decorator(&self, decorator: Node) -> Option<Decorator> {
        let expression = children(decorator).into_iter().next()?;
        let at = line(decorator);
        if expression.kind() != "call" {
            return Some(Decorator {
                line: at,
                callee: self.dotted(expression),
                first_str: None,
                methods: Vec::new(),
                call: None,
            });
        }
        let call = self.call(expression, 0);
        let methods = match call.kwarg("methods") {
            Some(Value::StrList(methods)) => methods.clone(),
            _ => Vec::new(),
        };
        Some(Decorator {
            line: at,
            // `@get()` takes its router's (or controller's) own path.
            first_str: if call.args.is_empty() && call.kwargs.is_empty() {
                Some(String::new())
            } else {
                call.arg(0, "path")
                    .and_then(Value::as_str)
                    .map(str::to_string)
            },
            callee: call.callee.clone(),
            methods,
            call: Some(call),
        })
    }
}

/// Where a route list sits: its owner, the mounts around it, the name its owner is bound to.
struct RouteContext {
    owner: RouteOwner,
    within: Option<String>,
    owner_name: Option<String>,
}

/// The blocks a compound statement runs at its own level: every branch of `if`, `try`, `with`,
/// `for` and `while`; nothing for `def`, `class` or simple statements.
fn blocks_of(statement: Node) -> Vec<Node> {
    match statement.kind() {
        "if_statement" => {
            let mut blocks: Vec<Node> = statement
                .child_by_field_name("consequence")
                .into_iter()
                .collect();
            blocks.extend(alternatives(statement));
            blocks
        }
        "with_statement" | "for_statement" | "while_statement" => {
            let mut blocks: Vec<Node> = statement.child_by_field_name("body").into_iter().collect();
            blocks.extend(alternatives(statement));
            blocks
        }
        "try_statement" => {
            let mut blocks: Vec<Node> = statement.child_by_field_name("body").into_iter().collect();
            for clause in children(statement) {
                match clause.kind() {
                    "except_clause" | "finally_clause" => {
                        blocks.extend(children(clause).into_iter().filter(|c| c.kind() == "block"))
                    }
                    "else_clause" => blocks.extend(clause.child_by_field_name("body")),
                    _ => {}
                }
            }
            blocks
        }
        _ => Vec::new(),
    }
}

/// The `elif`/`else` blocks of an `if`, or the `else` block of a loop.
fn alternatives(statement: Node) -> Vec<Node> {
    field_children(statement, "alternative")
        .into_iter()
        .filter_map(|clause| match clause.kind() {
            "elif_clause" => clause.child_by_field_name("consequence"),
            "else_clause" => clause.child_by_field_name("body"),
            _ => None,
        })
        .collect()
}

/// The items of a list literal, or of lists joined with `+` (`[...] + static(...)`).
fn list_items(node: Node) -> Vec<Node> {
    let mut items = Vec::new();
    let mut stack = vec![node];
    while let Some(node) = stack.pop() {
        match node.kind() {
            "list" | "tuple" => items.extend(children(node)),
            "binary_operator" => {
                let is_plus = node
                    .child_by_field_name("operator")
                    .is_some_and(|op| op.kind() == "+");
                if is_plus {
                    // Right first so that the left operand's items come out first.
                    stack.extend(node.child_by_field_name("right"));
                    stack.extend(node.child_by_field_name("left"));
                }
            }
            "parenthesized_expression" => stack.extend(children(node)),
            _ => {}
        }
    }
    items
}

/// What a `pathlib.Path` method call writes, if it does: `.mkdir()` makes a directory,
/// `.touch()`, `.write_text()`, `.write_bytes()` and `.open()` in a writing mode a file.
fn path_method_write(method: &str, call: &Call) -> Option<FsWriteKind> {
    match method {
        "mkdir" => Some(FsWriteKind::PathMkdir),
        "touch" | "write_text" | "write_bytes" => Some(FsWriteKind::PathWrite),
        "open"
            if call
                .arg(0, "mode")
                .and_then(Value::as_str)
                .is_some_and(writes) =>
        {
            Some(FsWriteKind::PathWrite)
        }
        _ => None,
    }
}

/// Whether an `open()` mode writes, appends, creates or updates.
/// An upper-case module constant's name: `LOG_DIR`, `DB2`.
fn is_constant_name(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_uppercase())
        && name
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
}

fn writes(mode: &str) -> bool {
    mode.contains(['w', 'a', 'x', '+'])
}

fn parse_int(text: &str) -> Option<i64> {
    let digits: String = text.chars().filter(|c| *c != '_').collect();
    let lower = digits.to_ascii_lowercase();
    let (radix, body) = match lower.get(..2) {
        Some("0x") => (16, &lower[2..]),
        Some("0o") => (8, &lower[2..]),
        Some("0b") => (2, &lower[2..]),
        _ => (10, lower.as_str()),
    };
    i64::from_str_radix(body, radix).ok()
}

/// Decodes the escapes of a non-raw Python string literal. An unknown escape keeps its
/// backslash, as Python does.
fn unescape(body: &str) -> String {
    let mut out = String::with_capacity(body.len());
    let mut chars = body.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let Some(next) = chars.next() else {
            out.push('\\');
            break;
        };
        let simple = match next {
            '\n' => Some(None),
            '\\' => Some(Some('\\')),
            '\'' => Some(Some('\'')),
            '"' => Some(Some('"')),
            'n' => Some(Some('\n')),
            't' => Some(Some('\t')),
            'r' => Some(Some('\r')),
            'a' => Some(Some('\x07')),
            'b' => Some(Some('\x08')),
            'f' => Some(Some('\x0c')),
            'v' => Some(Some('\x0b')),
            _ => None,
        };
        if let Some(decoded) = simple {
            out.extend(decoded);
            continue;
        }
        let width = match next {
            'x' => 2,
            'u' => 4,
            'U' => 8,
            '0'..='7' => {
                let mut value = next.to_digit(8).unwrap_or(0);
                for _ in 0..2 {
                    match chars.peek().and_then(|d| d.to_digit(8)) {
                        Some(digit) => {
                            value = value * 8 + digit;
                            chars.next();
                        }
                        None => break,
                    }
                }
                out.extend(char::from_u32(value));
                continue;
            }
            _ => {
                out.push('\\');
                out.push(next);
                continue;
            }
        };
        let hex: String = (0..width).filter_map(|_| chars.next()).collect();
        match u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32) {
            Some(decoded) if hex.len() == width => out.push(decoded),
            _ => {
                out.push('\\');
                out.push(next);
                out.push_str(&hex);
            }
        }
    }
    out
}
