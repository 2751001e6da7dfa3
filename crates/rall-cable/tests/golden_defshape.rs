//! define_shape() on L/diam sections (nseg > 1, interior connection, siblings at one point)
//! against NEURON 9.0.2 (validation/golden/cells/defshape.json): every 3-D point (x, y, z, d as
//! f32; arc), L, and every segment's area, ri and diam must be equal.
mod common;

use rall_cable::Morphology;

#[test]
fn define_shape_matches_neuron() {
    let want = common::json("validation/golden/cells/defshape.json");
    let mut m = Morphology::new();
    let soma = m.create("soma", 0, 1);
    for p in [
        [0.3, 1.7, 0.1, 12.3],
        [5.1, 9.9, -2.2, 11.0],
        [9.7, 17.3, 0.9, 10.1],
    ] {
        m.sections[soma].pt3dadd(p[0], p[1], p[2], p[3]);
    }
    m.all.push(soma);
    let mut secs = vec![soma];
    for (name, l, d, nseg) in [
        ("ax", 30.0, 1.0, 3),
        ("d", 123.456, 1.37, 5),
        ("e", 40.0, 0.9, 2),
        ("f", 25.0, 2.2, 1),
    ] {
        let s = m.create_cable(name, 0, 3, l, d).unwrap();
        m.set_nseg(s, nseg).unwrap();
        secs.push(s);
    }
    let [_, ax, d, e, f] = secs[..] else {
        unreachable!()
    };
    m.connect(ax, soma, 0.5).unwrap();
    m.connect(d, soma, 1.0).unwrap();
    m.connect(e, d, 1.0).unwrap();
    m.connect(f, d, 1.0).unwrap();
    for &s in &secs {
        m.sections[s].ra = 100.0;
    }
    m.define_shape();
    let got = m.geometry_report();
    for (k, w) in want["sections"].as_array().unwrap().iter().enumerate() {
        let s = &m.sections[secs[k]];
        let pts = w["pt3d"].as_array().unwrap();
        assert_eq!(s.pt3d.len(), pts.len(), "{}", w["name"]);
        for (p, q) in s.pt3d.iter().zip(pts) {
            let q: Vec<f64> = q
                .as_array()
                .unwrap()
                .iter()
                .map(|x| x.as_f64().unwrap())
                .collect();
            assert_eq!(
                [p.x as f64, p.y as f64, p.z as f64, p.d as f64, p.arc],
                [q[0], q[1], q[2], q[3], q[4]],
                "{}",
                w["name"]
            );
        }
        assert_eq!(got.sections[k].l, w["L"].as_f64().unwrap());
        assert_eq!(got.sections[k].parent, w["parent"].as_i64().unwrap());
    }
    for (g, w) in got
        .segments
        .iter()
        .zip(want["segments"].as_array().unwrap())
    {
        assert_eq!(g.area, w["area"].as_f64().unwrap());
        assert_eq!(g.ri, w["ri"].as_f64().unwrap());
        assert_eq!(g.diam, w["diam"].as_f64().unwrap());
        assert_eq!(g.distance, w["distance"].as_f64().unwrap());
    }
}
