//! `[tool.uv.workspace]`: which directories below the root are members, by uv's glob rules
//! (`*`, `?`, `[abc]`, `[!abc]` within one path segment, `**` for any number of directories),
//! matched in time linear in the pattern and the name, whatever the pattern.

use super::names::is_mountable_path;
use super::pyproject::PyProject;
use super::source::{self, SourceScan};
use super::{parse_toml, read_text};
use crate::error::UserError;
use std::collections::BTreeSet;
use std::path::Path;

/// A workspace member below the root.
#[derive(Debug, Clone)]
pub struct Member {
    /// Path relative to the root, `/`-separated.
    pub path: String,
    pub pyproject: PyProject,
    /// Its source, scanned once.
    pub source: SourceScan,
}

/// How many directories a `**` pattern may visit before the walk stops: a member list is
/// short, and a pattern must not walk a whole disk.
const MAX_VISITED: usize = 10_000;

/// The members `pyproject`'s workspace table names, read from below `root`, sorted by path.
pub fn read_members(root: &Path, pyproject: &PyProject) -> Result<Vec<Member>, UserError> {
    let Some(workspace) = pyproject.workspace() else {
        return Ok(Vec::new());
    };
    let mut paths = BTreeSet::new();
    for pattern in &workspace.members {
        for path in expand(root, pattern) {
            let excluded = workspace
                .exclude
                .iter()
                .any(|exclude| path_matches(exclude.trim_end_matches('/'), &path));
            if !excluded && path != "." && root.join(&path).join("pyproject.toml").is_file() {
                paths.insert(path);
            }
        }
    }
    for path in &paths {
        if !is_mountable_path(path) {
            return Err(UserError::new(format!(
                "the workspace member directory {} has a name the Dockerfile cannot mount safely",
                serde_json::to_string(path).unwrap_or_default()
            ))
            .hint("rename it with ASCII letters, digits, `.`, `_` and `-`, or leave it out with `[tool.uv.workspace] exclude`"));
        }
    }
    paths
        .into_iter()
        .map(|path| {
            let display = format!("{path}/pyproject.toml");
            let text = read_text(
                &root.join(&path).join("pyproject.toml"),
                &display,
                super::MAX_PYPROJECT_BYTES,
            )?;
            let pyproject: super::pyproject::PyProject = parse_toml(&text, &display)?;
            let source = source::scan_project(root, &path, &text, pyproject.is_packaged());
            Ok(Member {
                path,
                pyproject,
                source,
            })
        })
        .collect()
}

/// Expands a member pattern (`packages/*`, `libs/foo`, `apps/**`) to directories below
/// `root`, as `/`-separated relative paths.
fn expand(root: &Path, pattern: &str) -> Vec<String> {
    let mut found = vec![String::new()];
    let mut visited = 0usize;
    for segment in pattern.trim_end_matches('/').split('/') {
        if segment.is_empty() || segment == "." {
            continue;
        }
        let mut next = Vec::new();
        for prefix in &found {
            if segment == "**" {
                // Zero or more directories: the prefix itself and everything below it.
                next.push(prefix.clone());
                descendants(root, prefix, &mut next, &mut visited);
            } else if segment.contains(['*', '?', '[']) {
                let glob = Segment::parse(segment);
                next.extend(
                    subdirectories(root, prefix)
                        .into_iter()
                        .filter(|name| glob.matches(name))
                        .map(|name| join(prefix, &name)),
                );
            } else if root.join(prefix).join(segment).is_dir() {
                next.push(join(prefix, segment));
            }
        }
        next.sort();
        next.dedup();
        found = next;
    }
    found.retain(|path| !path.is_empty());
    found
}

/// The visible subdirectories of `root/prefix`, sorted.
fn subdirectories(root: &Path, prefix: &str) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(root.join(prefix)) else {
        return Vec::new();
    };
    let mut names: Vec<String> = entries
        .filter_map(|entry| entry.ok())
        .filter(|entry| entry.file_type().is_ok_and(|kind| kind.is_dir()))
        .filter_map(|entry| entry.file_name().into_string().ok())
        .filter(|name| !name.starts_with('.'))
        .collect();
    names.sort();
    names
}

fn descendants(root: &Path, prefix: &str, out: &mut Vec<String>, visited: &mut usize) {
    for name in subdirectories(root, prefix) {
        if *visited >= MAX_VISITED {
            return;
        }
        *visited += 1;
        let path = join(prefix, &name);
        out.push(path.clone());
        descendants(root, &path, out, visited);
    }
}

fn join(prefix: &str, name: &str) -> String {
    if prefix.is_empty() {
        name.to_string()
    } else {
        format!("{prefix}/{name}")
    }
}

/// Whether a relative path matches a pattern segment by segment (used for `exclude`).
fn path_matches(pattern: &str, path: &str) -> bool {
    let pattern: Vec<&str> = pattern
        .split('/')
        .filter(|s| !s.is_empty() && *s != ".")
        .collect();
    let path: Vec<&str> = path.split('/').collect();
    segments_match(&pattern, &path)
}

/// Segment lists, `**` matching any number of segments: linear in the number of segments
/// times the number of `**`, by the same last-star backtracking as within a segment.
fn segments_match(pattern: &[&str], path: &[&str]) -> bool {
    let (mut p, mut s) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while s < path.len() {
        if p < pattern.len() && pattern[p] == "**" {
            star = Some((p, s));
            p += 1;
        } else if p < pattern.len() && Segment::parse(pattern[p]).matches(path[s]) {
            p += 1;
            s += 1;
        } else if let Some((star_p, star_s)) = star {
            p = star_p + 1;
            s = star_s + 1;
            star = Some((star_p, star_s + 1));
        } else {
            return false;
        }
    }
    pattern[p..].iter().all(|segment| *segment == "**")
}

/// One token of a segment pattern.
#[derive(Debug, Clone, PartialEq)]
enum Token {
    Literal(char),
    AnyChar,
    AnyRun,
    /// `[...]`: ranges `(from, to)` inclusive, negated with `!` (or `^`).
    Class {
        ranges: Vec<(char, char)>,
        negated: bool,
    },
}

/// A glob for one path segment.
#[derive(Debug, Clone, PartialEq)]
struct Segment(Vec<Token>);

impl Segment {
    fn parse(pattern: &str) -> Self {
        let chars: Vec<char> = pattern.chars().collect();
        let mut tokens = Vec::new();
        let mut i = 0;
        while i < chars.len() {
            match chars[i] {
                '*' => {
                    // `**` inside a segment is a plain run, as in the glob crate.
                    if tokens.last() != Some(&Token::AnyRun) {
                        tokens.push(Token::AnyRun);
                    }
                    i += 1;
                }
                '?' => {
                    tokens.push(Token::AnyChar);
                    i += 1;
                }
                '[' => match Self::class(&chars, i + 1) {
                    Some((token, end)) => {
                        tokens.push(token);
                        i = end + 1;
                    }
                    None => {
                        tokens.push(Token::Literal('['));
                        i += 1;
                    }
                },
                ch => {
                    tokens.push(Token::Literal(ch));
                    i += 1;
                }
            }
        }
        Segment(tokens)
    }

    /// A class starting after its `[`: the token and the index of its `]`, or `None` when it
    /// is not closed (then `[` is a literal).
    fn class(chars: &[char], start: usize) -> Option<(Token, usize)> {
        let mut i = start;
        let negated = matches!(chars.get(i), Some('!' | '^'));
        if negated {
            i += 1;
        }
        let mut ranges = Vec::new();
        let first = i;
        while i < chars.len() {
            let ch = chars[i];
            // A `]` first in the class is a member, not its end.
            if ch == ']' && i > first {
                return Some((Token::Class { ranges, negated }, i));
            }
            if chars.get(i + 1) == Some(&'-') && chars.get(i + 2).is_some_and(|c| *c != ']') {
                ranges.push((ch, chars[i + 2]));
                i += 3;
            } else {
                ranges.push((ch, ch));
                i += 1;
            }
        }
        None
    }

    /// Greedy matching that backtracks only to the last `*`: O(pattern × text) at worst,
    /// never exponential.
    fn matches(&self, text: &str) -> bool {
        let text: Vec<char> = text.chars().collect();
        let tokens = &self.0;
        let (mut t, mut s) = (0, 0);
        let mut star: Option<(usize, usize)> = None;
        while s < text.len() {
            match tokens.get(t) {
                Some(Token::AnyRun) => {
                    star = Some((t, s));
                    t += 1;
                    continue;
                }
                Some(token) if Self::one(token, text[s]) => {
                    t += 1;
                    s += 1;
                    continue;
                }
                _ => {}
            }
            match star {
                Some((star_t, star_s)) => {
                    t = star_t + 1;
                    s = star_s + 1;
                    star = Some((star_t, star_s + 1));
                }
                None => return false,
            }
        }
        tokens[t..].iter().all(|token| *token == Token::AnyRun)
    }

    fn one(token: &Token, ch: char) -> bool {
        match token {
            Token::Literal(literal) => *literal == ch,
            Token::AnyChar => true,
            Token::AnyRun => false,
            Token::Class { ranges, negated } => {
                ranges.iter().any(|(from, to)| (*from..=*to).contains(&ch)) != *negated
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, Instant};

    fn glob(pattern: &str, text: &str) -> bool {
        Segment::parse(pattern).matches(text)
    }

    #[test]
    fn wildcards_match_within_one_segment() {
        assert!(glob("*", "api"));
        assert!(glob("lib-*", "lib-core"));
        assert!(!glob("lib-*", "core"));
        assert!(glob("a?c", "abc"));
        assert!(!glob("a?c", "ac"));
        assert!(glob("*-svc", "auth-svc"));
        assert!(path_matches("packages/*", "packages/api"));
        assert!(!path_matches("packages/*", "packages/api/x"));
    }

    #[test]
    fn classes_match_one_character() {
        assert!(glob("lib[abc]", "libb"));
        assert!(!glob("lib[abc]", "libd"));
        assert!(glob("v[0-9]", "v7"));
        assert!(!glob("v[!0-9]", "v7"));
        assert!(glob("v[!0-9]", "vx"));
        assert!(glob("[]]x", "]x"));
        // An unclosed class is a literal `[`.
        assert!(glob("a[b", "a[b"));
    }

    #[test]
    fn double_star_matches_any_number_of_directories() {
        assert!(path_matches("apps/**", "apps"));
        assert!(path_matches("apps/**", "apps/web/api"));
        assert!(path_matches("**/internal", "libs/x/internal"));
        assert!(!path_matches("**/internal", "libs/x/public"));
    }

    #[test]
    fn a_pattern_with_many_stars_is_matched_in_linear_time() {
        let pattern = "*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b";
        let text = "a".repeat(4096);
        let started = Instant::now();
        assert!(!glob(pattern, &text));
        assert!(
            started.elapsed() < Duration::from_secs(1),
            "took {:?}",
            started.elapsed()
        );
        let segments = vec!["**"; 40].into_iter().chain(["b"]).collect::<Vec<_>>();
        let path = vec!["a"; 200];
        let started = Instant::now();
        assert!(!segments_match(&segments, &path));
        assert!(started.elapsed() < Duration::from_secs(1));
    }
}
