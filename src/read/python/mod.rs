//! Python source read with a real parser (tree-sitter's Python grammar) into plain facts:
//! imports, module-level calls, functions with their decorators and calls, the
//! `__main__` block, Django `urlpatterns` (with each entry's view or `include()`), upper-case
//! module constants (Django's settings, and lists split from an environment variable),
//! Starlette/Litestar route lists, environment reads (whether each runs at import, the name it
//! is bound to), module-level `if`s that stop the import when a value is missing, class fields
//! with their annotations, file writes (to literal paths, constants, or paths built from the
//! module's own `__file__`), SQLite URLs, and the module-level names bound to paths built from
//! `__file__`, each with its 1-based line.
//!
//! Facts only: nothing here decides what a call means for the image. The parser recovers from
//! syntax errors, so a broken file still yields the facts of its well-formed parts and the
//! lines of the broken ones. Not read: `environ`-style settings classes, f-strings with other
//! fields than names and attributes, values computed at run time.

mod extract;
mod facts;
mod scan;

pub use extract::{read_facts, ParseFailure};
pub use facts::*;
pub use scan::{
    module_path, scan_package, FileOutcome, PackageScan, ScanCut, ScanLimits, ScannedFile,
    SKIP_DIRS,
};

#[cfg(test)]
mod tests;
