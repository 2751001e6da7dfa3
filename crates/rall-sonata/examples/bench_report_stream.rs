//! Benchmark: stream a compartment report of STEPS × ELEMENTS (default 30,000 × 10,000, i.e.
//! 2.4 GB of f64) through `ReportWriter`, then read back every 1000th row and print a checksum.
//! Run through `bench/report_stream.sh`, which measures wall time and peak RSS.
//!
//! usage: bench_report_stream OUT.h5 [STEPS] [ELEMENTS]

use rall_sonata::{ReportMapping, ReportReader, ReportWriter};

fn value(step: u64, col: u64) -> f64 {
    -65.0 + ((step * 31 + col * 17) % 1000) as f64 * 0.01
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let out = args
        .get(1)
        .ok_or("usage: bench_report_stream OUT.h5 [STEPS] [ELEMENTS]")?;
    let steps: u64 = args.get(2).map_or(Ok(30_000), |s| s.parse())?;
    let cols: u64 = args.get(3).map_or(Ok(10_000), |s| s.parse())?;
    // 100 cells × (cols/100) segments each.
    let cells = 100.min(cols.max(1));
    let per = cols / cells;
    let mapping = ReportMapping {
        node_ids: (0..cells).collect(),
        index_pointer: (0..=cells).map(|i| i * per).collect(),
        element_ids: (0..cells * per).map(|i| i % per).collect(),
        element_pos: (0..cells * per).map(|_| 0.5).collect(),
        time: [0.0, steps as f64 * 0.1, 0.1],
        extra: Vec::new(),
    };
    let cols = cells * per;
    let t0 = std::time::Instant::now();
    let mut w = ReportWriter::create(
        out,
        &[("net".into(), mapping)],
        steps,
        "v",
        Some("mV"),
        5000,
    )?;
    let mut row = vec![0.0; cols as usize];
    for s in 0..steps {
        for (c, x) in row.iter_mut().enumerate() {
            *x = value(s, c as u64);
        }
        w.push_row(0, &row)?;
    }
    w.finish()?;
    let write_s = t0.elapsed().as_secs_f64();
    let r = ReportReader::open(out)?;
    let mut checksum = 0.0;
    let mut mismatches = 0u64;
    for s in (0..steps).step_by(1000) {
        let got = r.rows("net", s, 1)?;
        for (c, &x) in got.iter().enumerate() {
            if x != value(s, c as u64) {
                mismatches += 1;
            }
            checksum += x;
        }
    }
    println!("steps={steps} elements={cols} write_seconds={write_s:.2} checksum={checksum:.6} mismatches={mismatches}");
    if mismatches > 0 {
        return Err("read-back mismatch".into());
    }
    Ok(())
}
