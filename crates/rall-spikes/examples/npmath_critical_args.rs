//! Arguments on which a model of numpy's AVX-512 math is most fragile, for the golden script
//! `validation/psg/numpy_math_golden.py` (numpy then supplies the true results).
//!
//! usage: cargo run --release -p rall-spikes --example npmath_critical_args -- \
//!            exp SEED COUNT LO HI MARGIN > args.bin
//!
//! Draws COUNT uniform arguments in [LO, HI) from a xorshift64 stream seeded with SEED and
//! writes (little-endian f64) those whose rounding margin (`exp_x86v4_rounding_margin`: distance
//! of some internal fused multiply-add from a rounding tie, in ulps) is below MARGIN.

use std::io::Write;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.len() != 6 {
        eprintln!("usage: npmath_critical_args exp SEED COUNT LO HI MARGIN > args.bin");
        std::process::exit(2);
    }
    let margin_of: fn(f64) -> f64 = match args[0].as_str() {
        "exp" => rall_spikes::npmath::exp_x86v4_rounding_margin,
        other => {
            eprintln!("unknown function {other:?} (expected exp)");
            std::process::exit(2);
        }
    };
    let num = |i: usize| -> f64 {
        args[i].parse().unwrap_or_else(|_| {
            eprintln!("argument {}: expected a number, got {:?}", i + 1, args[i]);
            std::process::exit(2)
        })
    };
    let (mut state, count) = (num(1) as u64 | 1, num(2) as u64);
    let (lo, hi, margin) = (num(3), num(4), num(5));
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    for _ in 0..count {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        let x = lo + (hi - lo) * ((state >> 11) as f64 * 2f64.powi(-53));
        if margin_of(x) < margin {
            out.write_all(&x.to_le_bytes()).expect("writing to stdout");
        }
    }
}
