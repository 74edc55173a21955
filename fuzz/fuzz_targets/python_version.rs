//! `.python-version`: `python_version::parse` must never panic, and what it accepts is a
//! plain `X.Y` or `X.Y.Z`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use uv_rootless::read::python_version;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(pinned) = python_version::parse(text) {
        assert!(
            python_version::is_version(&pinned.version),
            "accepted {:?} as {:?}",
            text,
            pinned.version
        );
    }
});
