#![allow(dead_code)]
pub mod sim;
use std::path::PathBuf;

/// BMTK's copy of the Allen mod files. Never skipped: panics (test failure) when not found.
pub fn bmtk_modfiles() -> PathBuf {
    if let Ok(p) = std::env::var("RALL_BMTK_MODFILES") {
        let p = PathBuf::from(p);
        assert!(
            p.join("NaTs.mod").exists(),
            "RALL_BMTK_MODFILES={} has no NaTs.mod",
            p.display()
        );
        return p;
    }
    let rel = "lib/python3.11/site-packages/bmtk/utils/scripts/bionet/mechanisms/modfiles";
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut cands = vec![
        PathBuf::from("/opt/ref").join(rel),
        root.join(".venv-ref").join(rel),
    ];
    // any python version inside .venv-ref
    if let Ok(rd) = std::fs::read_dir(root.join(".venv-ref/lib")) {
        for e in rd.flatten() {
            cands.push(
                e.path()
                    .join("site-packages/bmtk/utils/scripts/bionet/mechanisms/modfiles"),
            );
        }
    }
    for c in &cands {
        if c.join("NaTs.mod").exists() {
            return c.clone();
        }
    }
    panic!(
        "BMTK's Allen mod files not found (set RALL_BMTK_MODFILES or install bmtk into /opt/ref or .venv-ref); tried {cands:?}"
    );
}

/// Rall's own `.mod` files for the Allen channel set (examples/components/mechanisms/modfiles).
pub fn own_modfiles() -> PathBuf {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples/components/mechanisms/modfiles");
    assert!(
        p.join("NaTs.mod").exists(),
        "Rall's own mod files not found in {}",
        p.display()
    );
    p
}

/// Load every `.mod` file of `dir` into `cat`, in file-name order (NEURON's `mod_func` order).
pub fn load_mod_dir(cat: &mut rall_nmodl::Catalogue, dir: &std::path::Path) {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "mod"))
        .collect();
    files.sort();
    for f in files {
        cat.load_file(&f).unwrap_or_else(|e| panic!("{e}"));
    }
}
