//! `cargo +nightly fuzz run compile`: parse + analysis + lowering never panic.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(s) = std::str::from_utf8(data) {
        let _ = rall_nmodl::compile::compile("fuzz.mod", s);
    }
});
