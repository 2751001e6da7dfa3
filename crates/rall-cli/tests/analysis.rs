//! `rall spikes`, `rall stats` and `rall plot …` end to end on the BMTK-built tutorial
//! (`validation/golden/ch02`), against BMTK's own analyzer (`validation/golden/analysis/
//! analyzer.json`, made by `validation/analysis/make_golden.py`). A missing reference fails.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn ch02() -> PathBuf {
    root().join("validation/golden/ch02")
}

fn golden() -> Value {
    let p = root().join("validation/golden/analysis/analyzer.json");
    let text = std::fs::read_to_string(&p).unwrap_or_else(|e| {
        panic!(
            "{}: {e} — the BMTK analyzer reference is missing; run \
             `/opt/ref/bin/python validation/analysis/make_golden.py`",
            p.display()
        )
    });
    serde_json::from_str(&text).expect("analyzer.json parses")
}

fn case(name: &str) -> Value {
    golden()["cases"][name].clone()
}

fn rall(args: &[&str]) -> (bool, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_rall"))
        .args(args)
        .output()
        .expect("rall runs");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn ok(args: &[&str]) -> String {
    let (good, out, err) = rall(args);
    assert!(good, "rall {args:?} failed: {err}");
    out
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// Input of a golden case as the CLI takes it (the config for the simulation output).
fn input_of(c: &Value) -> PathBuf {
    root().join(c["config"].as_str().or(c["spikes_file"].as_str()).unwrap())
}

/// (timestamps, node_ids, populations) of `rall spikes --csv`.
fn parse_csv(out: &str) -> (Vec<f64>, Vec<u64>, Vec<String>) {
    let mut lines = out.lines();
    assert_eq!(lines.next(), Some("timestamps,node_ids,population"));
    let (mut t, mut n, mut p) = (vec![], vec![], vec![]);
    for l in lines {
        let c: Vec<&str> = l.split(',').collect();
        assert_eq!(c.len(), 3, "line {l:?}");
        t.push(c[0].parse().unwrap());
        n.push(c[1].parse().unwrap());
        p.push(c[2].to_string());
    }
    (t, n, p)
}

fn f64s(v: &Value) -> Vec<f64> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap())
        .collect()
}

/// Timestamps must be the very same doubles, in the same order: both sides read the same file
/// and print shortest round-trip reprs (tolerance 0).
fn check_table(name: &str) {
    let c = case(name);
    let df = &c["to_dataframe"];
    let out = ok(&["spikes", s(&input_of(&c)), "--csv"]);
    let (t, n, p) = parse_csv(&out);
    let gt = f64s(&df["timestamps"]);
    assert_eq!(t.len(), gt.len(), "{name}: number of spikes");
    for (i, (a, b)) in t.iter().zip(&gt).enumerate() {
        assert_eq!(a.to_bits(), b.to_bits(), "{name}: row {i}: {a} vs BMTK {b}");
    }
    let gn: Vec<u64> = df["node_ids"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_u64().unwrap())
        .collect();
    assert_eq!(n, gn, "{name}: node_ids");
    let gp: Vec<String> = df["population"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_str().unwrap().to_string())
        .collect();
    assert_eq!(p, gp, "{name}: population");
}

#[test]
fn spikes_of_the_tutorial_equal_bmtk_to_dataframe() {
    check_table("ch02_output");
    let c = case("ch02_output");
    assert_eq!(
        c["to_dataframe"]["timestamps"].as_array().unwrap().len(),
        44
    );
    // The text table holds the same values, with a row index.
    let out = ok(&["spikes", s(&ch02().join("config.json"))]);
    let mut lines = out.lines();
    let head: Vec<&str> = lines.next().unwrap().split_whitespace().collect();
    assert_eq!(head, ["timestamps", "node_ids", "population"]);
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split_whitespace().collect()).collect();
    assert_eq!(rows.len(), 44);
    let gt = f64s(&c["to_dataframe"]["timestamps"]);
    for (i, r) in rows.iter().enumerate() {
        assert_eq!(r[0], i.to_string());
        assert_eq!(r[1].parse::<f64>().unwrap().to_bits(), gt[i].to_bits());
        assert_eq!((r[2], r[3]), ("0", "mcortex"));
    }
}

#[test]
fn spikes_of_spike_files_equal_bmtk_to_dataframe() {
    check_table("mthalamus_input_h5");
    check_table("mthalamus_input_csv");
}

/// count equal; mean ISI bit-identical (numpy's pairwise summation reproduced); rate equal to
/// `plot_rates`' value (same expression count / ((stop − start) / 1000)).
fn check_stats(name: &str) {
    let c = case(name);
    let [a, b] = [
        c["times"][0].as_f64().unwrap(),
        c["times"][1].as_f64().unwrap(),
    ];
    let times = format!("{a},{b}");
    let out = ok(&["stats", s(&input_of(&c)), "--csv", "--times", &times]);
    let mut lines = out.lines();
    assert_eq!(
        lines.next(),
        Some("population,node_id,count,rate_hz,mean_isi_ms")
    );
    let rows: Vec<Vec<String>> = lines
        .map(|l| l.split(',').map(str::to_string).collect())
        .collect();
    let stats = c["spike_statistics"]["rows"].as_array().unwrap();
    let rates = c["plot_rates"].as_array().unwrap();
    assert_eq!(rows.len(), stats.len(), "{name}: nodes");
    assert_eq!(rows.len(), rates.len(), "{name}: nodes with a rate");
    for ((r, g), gr) in rows.iter().zip(stats).zip(rates) {
        assert_eq!(r[0], g["population"].as_str().unwrap());
        assert_eq!(r[1].parse::<u64>().unwrap(), g["node_id"].as_u64().unwrap());
        assert_eq!(r[2].parse::<f64>().unwrap(), g["count"].as_f64().unwrap());
        assert_eq!(
            gr["node_id"].as_u64().unwrap(),
            g["node_id"].as_u64().unwrap()
        );
        let rate: f64 = r[3].parse().unwrap();
        assert_eq!(
            rate.to_bits(),
            gr["rate_hz"].as_f64().unwrap().to_bits(),
            "{name}: rate {r:?}"
        );
        let isi: f64 = r[4].parse().unwrap();
        assert_eq!(
            isi.to_bits(),
            g["isi"].as_f64().unwrap().to_bits(),
            "{name}: isi {r:?}"
        );
    }
}

#[test]
fn stats_equal_bmtk_spike_statistics() {
    check_stats("ch02_output");
    check_stats("mthalamus_input_h5");
    check_stats("mthalamus_input_csv");
    // Through the config the rate window is the run's (0–3000 ms) without --times.
    let out = ok(&["stats", s(&ch02().join("config.json"))]);
    assert!(out.contains("rates over 0.0 to 3000.0 ms"), "{out}");
    let row: Vec<&str> = out.lines().nth(2).unwrap().split_whitespace().collect();
    assert_eq!(
        row,
        [
            "mcortex",
            "0",
            "44",
            "14.666666666666666",
            "67.43488372097637"
        ]
    );
}

/// Width, height and the RGB pixels of a PNG.
fn read_png(p: &Path) -> (u32, u32, Vec<u8>) {
    let dec = png::Decoder::new(std::fs::File::open(p).unwrap());
    let mut r = dec.read_info().unwrap();
    let mut buf = vec![0; r.output_buffer_size()];
    let info = r.next_frame(&mut buf).unwrap();
    assert_eq!(info.color_type, png::ColorType::Rgb, "{}", p.display());
    buf.truncate(info.buffer_size());
    (info.width, info.height, buf)
}

/// Share of pixels that are not white, and whether some are strongly coloured (a data mark, not
/// just black text and grey grid).
fn ink(rgb: &[u8]) -> (f64, bool) {
    let px: Vec<&[u8]> = rgb.chunks_exact(3).collect();
    let non_white = px.iter().filter(|p| p.iter().any(|&c| c < 250)).count();
    let coloured = px.iter().any(|p| {
        let (mx, mn) = (*p.iter().max().unwrap(), *p.iter().min().unwrap());
        mx as i32 - mn as i32 > 100
    });
    (non_white as f64 / px.len() as f64, coloured)
}

fn check_png(p: &Path, w: u32, h: u32) {
    assert!(p.exists(), "{} not written", p.display());
    let (pw, ph, rgb) = read_png(p);
    assert_eq!((pw, ph), (w, h), "{}", p.display());
    let (share, coloured) = ink(&rgb);
    assert!(
        share > 0.01 && share < 0.9,
        "{}: {share} of pixels inked",
        p.display()
    );
    assert!(coloured, "{}: no coloured data marks", p.display());
}

#[test]
fn plots_are_written_with_the_requested_size_and_are_not_blank() {
    let d = tempfile::tempdir().unwrap();
    let cfg = ch02().join("config.json");
    let cfg = s(&cfg);
    let raster = d.path().join("raster.png");
    let out = ok(&["plot", "raster", cfg, "-o", s(&raster)]);
    assert!(
        out.contains("44 spikes of 'mcortex' (0.0 to 3000.0 ms)"),
        "{out}"
    );
    check_png(&raster, 1000, 600);

    let v = d.path().join("v.png");
    let out = ok(&[
        "plot",
        "traces",
        cfg,
        "--report",
        "v_report",
        "--node-ids",
        "0",
        "-o",
        s(&v),
        "--width",
        "800",
        "--height",
        "500",
    ]);
    // True sample times: the first row is after one step (0.1 ms), the last at tstop.
    assert!(out.contains("30000 samples (0.1 to 3000.0 ms)"), "{out}");
    check_png(&v, 800, 500);

    let rates = d.path().join("rates.png");
    let input = ch02().join("inputs/mthalamus_spikes.h5");
    let out = ok(&[
        "plot",
        "rates",
        s(&input),
        "--times",
        "0,3000",
        "-o",
        s(&rates),
    ]);
    assert!(out.contains("10 nodes of 'mthalamus'"), "{out}");
    check_png(&rates, 1000, 600);

    let cai = d.path().join("cai.svg");
    ok(&[
        "plot",
        "traces",
        cfg,
        "--report",
        "cai_report",
        "-o",
        s(&cai),
    ]);
    let svg = std::fs::read_to_string(&cai).unwrap();
    assert!(svg.starts_with("<svg"), "{}", &svg[..svg.len().min(80)]);
    assert!(svg.contains("time (ms)") && svg.contains("cai (mM)"));
    assert!(svg.contains("<polyline"), "no trace line in the SVG");
    // Nothing but the images (no temporary files left).
    let mut names: Vec<String> = std::fs::read_dir(d.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["cai.svg", "raster.png", "rates.png", "v.png"]);
}

#[test]
fn grouped_plots_use_the_config_circuit() {
    let d = tempfile::tempdir().unwrap();
    let cfg = ch02().join("config.json");
    let input = ch02().join("inputs/mthalamus_spikes.h5");
    let (cfg, input) = (s(&cfg), s(&input));
    let r = d.path().join("raster.png");
    let out = ok(&[
        "plot",
        "raster",
        cfg,
        "--spikes-file",
        input,
        "--group-by",
        "pop_name",
        "-o",
        s(&r),
    ]);
    assert!(
        out.contains("283 spikes of 'mthalamus' (0.0 to 3000.0 ms)"),
        "{out}"
    );
    check_png(&r, 1000, 600);
    // Nodes 3 and 4 left out: 283 - 26 - 19 spikes.
    let out = ok(&[
        "plot",
        "raster",
        cfg,
        "--spikes-file",
        input,
        "--group-by",
        "node_id",
        "--group-excludes",
        "3,4",
        "-o",
        s(&r),
    ]);
    assert!(out.contains("238 spikes"), "{out}");
    let q = d.path().join("rates.svg");
    let out = ok(&[
        "plot",
        "rates",
        cfg,
        "--spikes-file",
        input,
        "--group-by",
        "node_id",
        "--group-excludes",
        "9",
        "-o",
        s(&q),
    ]);
    assert!(out.contains("9 nodes"), "{out}");
    // Grouping needs the node properties of a config.
    let (good, _, err) = rall(&[
        "plot",
        "raster",
        input,
        "--group-by",
        "pop_name",
        "-o",
        s(&r),
    ]);
    assert!(!good && err.contains("needs the node properties"), "{err}");
    let (good, _, err) = rall(&["plot", "raster", cfg, "--group-by", "nope", "-o", s(&r)]);
    assert!(!good && err.contains("'nope'"), "{err}");
}

#[test]
fn bad_requests_fail_with_a_message_naming_the_place() {
    let d = tempfile::tempdir().unwrap();
    let cfg = ch02().join("config.json");
    let cfg = s(&cfg);
    let img = d.path().join("x.png");

    // Image type by extension.
    let (good, _, err) = rall(&["plot", "raster", cfg, "-o", s(&d.path().join("x.jpg"))]);
    assert!(
        !good && err.contains("x.jpg") && err.contains(".png or .svg"),
        "{err}"
    );
    // Unknown report name: lists the membrane reports.
    let (good, _, err) = rall(&["plot", "traces", cfg, "--report", "nope", "-o", s(&img)]);
    assert!(
        !good && err.contains("'nope'") && err.contains("v_report"),
        "{err}"
    );
    // Several reports and none chosen.
    let (good, _, err) = rall(&["plot", "traces", cfg, "-o", s(&img)]);
    assert!(!good && err.contains("--report"), "{err}");
    // A node the report does not record.
    let (good, _, err) = rall(&[
        "plot",
        "traces",
        cfg,
        "--report",
        "v_report",
        "--node-ids",
        "7",
        "-o",
        s(&img),
    ]);
    assert!(
        !good && err.contains("v_report.h5") && err.contains("no node 7"),
        "{err}"
    );
    // Unknown population.
    let (good, _, err) = rall(&["spikes", cfg, "--population", "lgn"]);
    assert!(
        !good && err.contains("spikes.h5") && err.contains("'lgn'"),
        "{err}"
    );
    // Bad window.
    let (good, _, err) = rall(&["stats", cfg, "--times", "5,1"]);
    assert!(!good && err.contains("--times"), "{err}");
    assert!(!img.exists());

    // A config whose simulation has not run: names the missing spikes file.
    let cdir = d.path().join("sim");
    std::fs::create_dir_all(&cdir).unwrap();
    std::fs::write(
        cdir.join("config.json"),
        r#"{"run": {"tstop": 100.0, "dt": 0.1}, "output": {"output_dir": "out", "spikes_file": "spikes.h5"}}"#,
    )
    .unwrap();
    let (good, _, err) = rall(&["spikes", s(&cdir.join("config.json"))]);
    assert!(
        !good && err.contains("spikes.h5") && err.contains("does not exist"),
        "{err}"
    );
    // A spike file that is not one.
    let junk = d.path().join("junk.h5");
    std::fs::write(&junk, b"not hdf5").unwrap();
    let (good, _, err) = rall(&["stats", s(&junk)]);
    assert!(!good && err.contains("junk.h5"), "{err}");
}
