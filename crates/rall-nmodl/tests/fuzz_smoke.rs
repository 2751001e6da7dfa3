//! Stable-toolchain smoke version of the cargo-fuzz targets (fuzz/): seeded random mutations of
//! real mod files must never panic the parser or the compiler.
mod common;

struct XorShift(u64);
impl XorShift {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

const PIECES: &[&str] = &[
    "{",
    "}",
    "(",
    ")",
    "~",
    "<->",
    "^",
    "'",
    "=",
    "VERBATIM",
    "ENDVERBATIM",
    "COMMENT",
    ":",
    "\n",
    "SOLVE",
    "TABLE",
    "FROM",
    "if",
    "else",
    "-",
    "1e",
    ".",
    "\"",
    "NET_RECEIVE",
    "INITIAL",
    "[",
    "]",
    "FUNCTION f(x) { f = f(x) }",
    "LOCAL",
    ",",
    "CONSERVE",
    "<<",
    "WITH",
    "é",
    "0x",
    "1e400",
];

#[test]
fn mutated_mods_never_panic() {
    let mut files = vec![];
    for dir in [
        common::bmtk_modfiles(),
        std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/mods"),
    ] {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.extension().is_some_and(|x| x == "mod") {
                files.push(std::fs::read_to_string(p).unwrap());
            }
        }
    }
    let mut rng = XorShift(0x9e3779b97f4a7c15);
    for it in 0..3000 {
        let mut s: Vec<char> = files[it % files.len()].chars().collect();
        for _ in 0..1 + rng.below(6) {
            if s.is_empty() {
                break;
            }
            let at = rng.below(s.len());
            match rng.below(4) {
                0 => {
                    let n = rng.below(40).min(s.len() - at);
                    s.drain(at..at + n);
                }
                1 => {
                    let piece = PIECES[rng.below(PIECES.len())];
                    for (k, c) in piece.chars().enumerate() {
                        s.insert(at + k, c);
                    }
                }
                2 => s.truncate(at),
                _ => {
                    let b = rng.below(s.len());
                    s.swap(at, b);
                }
            }
        }
        let text: String = s.into_iter().collect();
        let _ = rall_nmodl::compile::compile("fuzz.mod", &text);
    }
}

#[test]
fn deep_nesting_is_an_error_not_a_crash() {
    let deep = format!(
        "NEURON {{ SUFFIX d }} BREAKPOINT {{ x = {}1{} }}",
        "(".repeat(100_000),
        ")".repeat(100_000)
    );
    assert!(rall_nmodl::compile::compile("deep.mod", &deep).is_err());
    let neg = format!(
        "NEURON {{ SUFFIX d }} BREAKPOINT {{ x = {}1 }}",
        "-".repeat(100_000)
    );
    assert!(rall_nmodl::compile::compile("deep.mod", &neg).is_err());
    let blocks = format!(
        "NEURON {{ SUFFIX d }} BREAKPOINT {}{}",
        "{".repeat(100_000),
        "}".repeat(100_000)
    );
    assert!(rall_nmodl::compile::compile("deep.mod", &blocks).is_err());
}
