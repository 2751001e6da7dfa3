//! `cargo +nightly fuzz run parse`: the lexer and parser never panic on arbitrary input.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(s) = std::str::from_utf8(data) {
        let _ = rall_nmodl::parser::parse("fuzz.mod", s);
    }
});
