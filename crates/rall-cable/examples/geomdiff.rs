//! Debug helper: compare rall's geometry with a NEURON dump that has `pt3d` arrays.
//! usage: cargo run -p rall-cable --example geomdiff -- CELL.swc NEURON.json [peri RA]
use rall_cable::read_swc;

fn main() {
    let a: Vec<String> = std::env::args().collect();
    let text = std::fs::read_to_string(&a[1]).unwrap();
    let mut m = read_swc(&a[1], &text).unwrap();
    if a.len() > 3 && a[3] == "peri" {
        m.fix_axon_perisomatic().unwrap();
    }
    let want: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&a[2]).unwrap()).unwrap();
    let got = m.geometry_report();
    for (k, w) in want["sections"].as_array().unwrap().iter().enumerate() {
        let id = m.all[k];
        let s = &m.sections[id];
        let gl = got.sections[k].l;
        let wl = w["L"].as_f64().unwrap();
        if gl != wl || s.name() != w["name"].as_str().unwrap() {
            println!("sec {k} {} vs {}: L {gl} vs {wl}", s.name(), w["name"]);
            let wp = w["pt3d"].as_array().unwrap();
            for (i, p) in wp.iter().enumerate() {
                let q = s.pt3d.get(i);
                println!("  {i} neuron {p} rall {:?}", q);
            }
            if s.pt3d.len() != wp.len() {
                println!("  npts {} vs {}", s.pt3d.len(), wp.len());
            }
        }
    }
}
