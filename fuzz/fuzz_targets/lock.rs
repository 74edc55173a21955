//! `uv.lock`: `lock::parse` must never panic on any text. It is also checked against the full
//! TOML parse of the same text: the fast path is only ever a shortcut, so when
//! it reads a lock, the full parse must read the same lock, and never reject the text. Every
//! marker of a lock it reads must parse without a panic of pep508_rs: the reader's screen
//! for the markers pep508_rs panics on must catch them all.
#![no_main]

use libfuzzer_sys::fuzz_target;
use uv_rootless::read::lock::{self, Lock};
use uv_rootless::read::names::{marker_would_panic, parse_marker, PackageName};

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
        let markers = package
            .dependencies
            .iter()
            .chain(package.optional_dependencies.values().flatten())
            .chain(package.dev_dependencies.values().flatten())
            .filter_map(|dep| dep.marker.as_deref());
        for marker in markers {
            assert!(!marker_would_panic(marker), "the reader let {marker:?} through");
            assert!(
                parse_marker(marker).is_ok(),
                "pep508_rs panicked on the marker {marker:?}"
            );
        }
        assert!(parsed.package(PackageName::new(&package.name).as_str()).is_some());
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
