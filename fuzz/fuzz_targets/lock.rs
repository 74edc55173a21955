//! `uv.lock`: `lock::parse` must never panic on any text. It is also checked against the full
//! TOML parse of the same text: the fast path is only ever a shortcut, so when
//! it reads a lock, the full parse must read the same lock, and never reject the text.
#![no_main]

use libfuzzer_sys::fuzz_target;
use uv_rootless::read::lock::{self, Lock};
use uv_rootless::read::project::normalize;

/// Known bugs of the fast path, each with an ignored test in `tests/fuzz_regressions.rs`:
/// inputs of these classes skip the comparison with the full parse (they are still checked
/// for panics). Delete each line when its fix lands in `src/read/lock.rs`.
/// - an integer with a leading zero (`size = 01`) in a wheel line, which TOML forbids.
fn known_divergence(text: &str) -> bool {
    text.lines().any(|line| {
        line.starts_with("    { ")
            && line
                .split(" = 0")
                .skip(1)
                .any(|rest| rest.starts_with(|ch: char| ch.is_ascii_digit()))
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(parsed) = lock::parse(text) else {
        return;
    };
    assert_eq!(parsed.version, lock::SUPPORTED_VERSION);
    for package in &parsed.package {
        let _ = package.source.kind();
        assert!(parsed.package(&normalize(&package.name)).is_some());
    }
    if known_divergence(text) {
        return;
    }
    match toml::from_str::<Lock>(text) {
        Ok(full) => {
            let (fast, full) = (format!("{parsed:#?}"), format!("{full:#?}"));
            assert!(
                fast == full,
                "the fast path and the full parse read different locks\n--- fast\n{fast}\n--- full\n{full}"
            );
        }
        Err(error) => panic!("the fast path read a lock from text that is not TOML: {error}"),
    }
});
