mod common;

#[test]
fn parse_all_bmtk_mods() {
    let dir = common::bmtk_modfiles();
    let mut n = 0;
    for e in std::fs::read_dir(&dir).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "mod") {
            let s = std::fs::read_to_string(&p).unwrap();
            rall_nmodl::parser::parse(&p.display().to_string(), &s).unwrap();
            n += 1;
        }
    }
    assert_eq!(n, 17);
}
