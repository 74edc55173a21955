//! User-facing errors.
//!
//! Every error names the file, the field, the problem and the fix: a headline,
//! then `hint:` lines. `main` prints them to stderr and exits with code 2; a
//! failed run writes nothing.

use std::fmt;

/// An error caused by the project's input or the command line, shown to the user as is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserError {
    /// One sentence, no full stop, with files, fields and values in backticks.
    pub message: String,
    /// Further context: a parser's message, a list of candidates.
    pub details: Vec<String>,
    /// What to do about it.
    pub hints: Vec<String>,
    /// The project file at fault, relative to the project, when one is known.
    pub file: Option<String>,
    /// Its 1-based line, when known.
    pub line: Option<u32>,
}

impl UserError {
    pub fn new(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            details: Vec::new(),
            hints: Vec::new(),
            file: None,
            line: None,
        }
    }

    /// The file (and line) the error is about, for editors and CI annotations.
    #[must_use]
    pub fn at(mut self, file: impl Into<String>, line: Option<u32>) -> Self {
        self.file = Some(file.into());
        self.line = line;
        self
    }

    /// The file the error is about: the one set with [`UserError::at`], else the first project
    /// file the message names in backticks (`pyproject.toml`, `uv.lock`, `.python-version`, a
    /// member's `pyproject.toml`).
    pub fn located_file(&self) -> Option<String> {
        if let Some(file) = &self.file {
            return Some(file.clone());
        }
        self.message
            .split('`')
            .skip(1)
            .step_by(2)
            .find(|quoted| {
                ["pyproject.toml", "uv.lock", ".python-version"]
                    .iter()
                    .any(|name| *quoted == *name || quoted.ends_with(&format!("/{name}")))
            })
            .map(str::to_string)
    }

    #[must_use]
    pub fn detail(mut self, detail: impl Into<String>) -> Self {
        self.details.push(detail.into());
        self
    }

    #[must_use]
    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hints.push(hint.into());
        self
    }
}

impl UserError {
    /// The error as the command line prints it: `error: ...`, details, then `hint: ...` lines,
    /// every value made printable; ANSI colour only when `colour` is set.
    pub fn render(&self, colour: bool) -> String {
        let (red, cyan, bold, reset) = if colour {
            ("\x1b[1;31m", "\x1b[1;36m", "\x1b[1m", "\x1b[0m")
        } else {
            ("", "", "", "")
        };
        let mut text = format!(
            "{red}error{reset}: {bold}{}{reset}\n",
            printable(&self.message)
        );
        for detail in &self.details {
            text.push('\n');
            text.push_str(&printable(detail));
            text.push('\n');
        }
        for hint in &self.hints {
            text.push_str(&format!("\n{cyan}hint{reset}: {}", printable(hint)));
        }
        if !self.hints.is_empty() {
            text.push('\n');
        }
        text
    }
}

impl fmt::Display for UserError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.message)?;
        for detail in &self.details {
            write!(f, "\n\n{detail}")?;
        }
        Ok(())
    }
}

impl std::error::Error for UserError {}

/// Text safe to print on a terminal: control characters other than newline and tab (C0, DEL,
/// C1, and the bidirectional overrides) become `\u{..}` escapes, so values from a project's
/// files cannot move the cursor, retitle the terminal or reorder what is shown.
pub fn printable(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        let dangerous = (ch.is_control() && ch != '\n' && ch != '\t')
            || matches!(ch, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{2028}' | '\u{2029}');
        if dangerous {
            out.push_str(&format!("\\u{{{:x}}}", ch as u32));
        } else {
            out.push(ch);
        }
    }
    out
}

/// A message for a bug of ours, not of the user's input.
pub fn internal(what: impl fmt::Display) -> UserError {
    UserError::new(format!("internal error: {what}")).hint(
        "this is a bug in uv-rootless; please report it with the project files that caused it",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn printable_escapes_terminal_controls() {
        assert_eq!(
            printable("a\x1b[2Jb\u{7}\u{9b}c\u{202e}"),
            "a\\u{1b}[2Jb\\u{7}\\u{9b}c\\u{202e}"
        );
        assert_eq!(printable("line\n\tnext é"), "line\n\tnext é");
    }
}
