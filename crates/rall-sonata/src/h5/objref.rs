//! Object-reference attributes, patched into a finished HDF5 image.
//!
//! `hdf5-pure` 0.47 resolves object references (`H5T_STD_REF_OBJ`) only for dataset elements
//! (`DatasetBuilder::with_path_references`); an attribute value cannot be one. NWB needs exactly
//! that (`VectorIndex.target`), so [`super::H5Writer`] writes an 8-byte fixed-length string
//! placeholder in the reference's place and [`patch`] then rewrites, in the finished image:
//! the attribute's datatype (string class 3 → reference class 7, object-reference kind, size 8
//! both — the two datatype messages have the same length, no properties), its 8 data bytes
//! (the target's object-header address), and the checksum of the object-header chunk holding
//! the attribute. Nothing moves, so every other address in the file stays valid.
//!
//! Only what `hdf5-pure`'s writer produces is handled, and anything else is refused by name:
//! superblock version 2/3 with 8-byte offsets and lengths at file offset 0, version-2 object
//! headers (`OHDR`, continuation chunks `OCHK`), links stored as compact link messages, and the
//! attribute message versions 1–3. The layouts follow the HDF5 File Format Specification
//! (superblock, object header v2 prefix, Link message 0x0006, Attribute message 0x000C,
//! Datatype message classes 3 and 7, Object Header Continuation 0x0010); the checksum is Bob
//! Jenkins' lookup3 `hashlittle` with initial value 0, as the specification prescribes.

type Res<T> = std::result::Result<T, String>;

const MSG_LINK: u8 = 0x06;
const MSG_ATTRIBUTE: u8 = 0x0C;
const MSG_CONTINUATION: u8 = 0x10;

/// Rewrites attribute `name` of the object at `holder` (an 8-byte string equal to
/// `placeholder`) into an object reference to the object at `target`.
pub(super) fn patch(
    img: &mut [u8],
    holder: &str,
    name: &str,
    target: &str,
    placeholder: &str,
) -> Res<()> {
    let root = root_address(img)?;
    let target_addr = resolve(img, root, target)?;
    let holder_addr = resolve(img, root, holder)?;
    for chunk in chunks(img, holder_addr)? {
        for msg in messages(img, &chunk)? {
            if msg.kind != MSG_ATTRIBUTE {
                continue;
            }
            let Some(a) = attribute(img, msg.start, msg.end)? else {
                continue;
            };
            if a.name != name.as_bytes() {
                continue;
            }
            if a.shared_datatype {
                return Err("the placeholder's datatype is shared; expected it inline".into());
            }
            let (dt, data_at) = (a.datatype, a.data);
            let class = img[dt] & 0x0f;
            let size = u32_at(img, dt + 4)?;
            let data = img
                .get(data_at..data_at + 8)
                .ok_or("attribute data cut short")?;
            if class != 3 || size != 8 || data != placeholder.as_bytes() {
                return Err(format!(
                    "attribute is not the 8-byte placeholder (class {class}, size {size})"
                ));
            }
            // Datatype message: version 1, class 7 (reference); class bits 0 = object
            // reference; size 8 (unchanged).
            img[dt] = 0x17;
            img[dt + 1..dt + 4].fill(0);
            img[data_at..data_at + 8].copy_from_slice(&target_addr.to_le_bytes());
            let sum = lookup3(&img[chunk.sum_from..chunk.sum_at], 0);
            img[chunk.sum_at..chunk.sum_at + 4].copy_from_slice(&sum.to_le_bytes());
            return Ok(());
        }
    }
    Err(format!("no attribute '{name}' on '{holder}'"))
}

fn u16_at(img: &[u8], at: usize) -> Res<u16> {
    img.get(at..at + 2)
        .map(|b| u16::from_le_bytes([b[0], b[1]]))
        .ok_or_else(|| format!("offset {at} past the end of the image"))
}

fn u32_at(img: &[u8], at: usize) -> Res<u32> {
    img.get(at..at + 4)
        .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
        .ok_or_else(|| format!("offset {at} past the end of the image"))
}

fn uint_at(img: &[u8], at: usize, width: usize) -> Res<u64> {
    let b = img
        .get(at..at + width)
        .ok_or_else(|| format!("offset {at} past the end of the image"))?;
    Ok(b.iter()
        .rev()
        .fold(0u64, |acc, &x| (acc << 8) | u64::from(x)))
}

fn addr(v: u64) -> Res<usize> {
    usize::try_from(v).map_err(|_| format!("address {v} does not fit in memory"))
}

/// The root group's object-header address from a version 2/3 superblock at offset 0.
fn root_address(img: &[u8]) -> Res<usize> {
    if img.get(..8) != Some(b"\x89HDF\r\n\x1a\n".as_slice()) {
        return Err("no HDF5 signature at offset 0".into());
    }
    let version = img.get(8).copied().unwrap_or(0);
    if !(2..=3).contains(&version) || img.get(9) != Some(&8) || img.get(10) != Some(&8) {
        return Err(format!(
            "superblock version {version} (or offset/length width) not the 2/3, 8-byte layout"
        ));
    }
    // signature 8, version/widths/flags 4, base address 8, extension 8, end of file 8, root.
    if uint_at(img, 12, 8)? != 0 {
        return Err("non-zero base address".into());
    }
    addr(uint_at(img, 36, 8)?)
}

/// One object-header chunk: messages in `msgs.0..msgs.1`, checksum over `sum_from..sum_at`
/// stored at `sum_at`.
struct Chunk {
    msgs: (usize, usize),
    creation_order: bool,
    sum_from: usize,
    sum_at: usize,
}

struct Msg {
    kind: u8,
    start: usize,
    end: usize,
}

/// Every chunk of the version-2 object header at `at` (continuations followed).
fn chunks(img: &[u8], at: usize) -> Res<Vec<Chunk>> {
    if img.get(at..at + 4) != Some(b"OHDR".as_slice()) || img.get(at + 4) != Some(&2) {
        return Err(format!("no version-2 object header at {at}"));
    }
    let flags = img[at + 5];
    let mut p = at + 6;
    if flags & 0x20 != 0 {
        p += 16; // access, modification, change, birth times
    }
    if flags & 0x10 != 0 {
        p += 4; // max compact / min dense attribute counts
    }
    let width = 1usize << (flags & 3);
    let size = addr(uint_at(img, p, width)?)?;
    p += width;
    let creation_order = flags & 0x04 != 0;
    let mut out = vec![Chunk {
        msgs: (p, p + size),
        creation_order,
        sum_from: at,
        sum_at: p + size,
    }];
    let mut i = 0;
    while i < out.len() {
        if out.len() > 1024 {
            return Err("too many continuation chunks".into());
        }
        for m in messages(img, &out[i])? {
            if m.kind == MSG_CONTINUATION {
                let off = addr(uint_at(img, m.start, 8)?)?;
                let len = addr(uint_at(img, m.start + 8, 8)?)?;
                if img.get(off..off + 4) != Some(b"OCHK".as_slice()) || len < 8 {
                    return Err(format!("no continuation chunk at {off}"));
                }
                out.push(Chunk {
                    msgs: (off + 4, off + len - 4),
                    creation_order,
                    sum_from: off,
                    sum_at: off + len - 4,
                });
            }
        }
        i += 1;
    }
    for c in &out {
        if c.sum_at + 4 > img.len() {
            return Err("object header past the end of the image".into());
        }
    }
    Ok(out)
}

fn messages(img: &[u8], c: &Chunk) -> Res<Vec<Msg>> {
    let head = if c.creation_order { 6 } else { 4 };
    let mut out = Vec::new();
    let mut p = c.msgs.0;
    // What is left after the last message, if shorter than a message header, is a gap.
    while p + head <= c.msgs.1 {
        let kind = img[p];
        let size = usize::from(u16_at(img, p + 1)?);
        let start = p + head;
        let end = start + size;
        if end > c.msgs.1 {
            return Err(format!("message at {p} overruns its chunk"));
        }
        out.push(Msg { kind, start, end });
        p = end;
    }
    Ok(out)
}

/// The hard-link address of `path` (absolute), walking compact link messages from `root`.
fn resolve(img: &[u8], root: usize, path: &str) -> Res<usize> {
    let mut at = root;
    for part in path.split('/').filter(|s| !s.is_empty()) {
        let mut found = None;
        'search: for c in chunks(img, at)? {
            for m in messages(img, &c)? {
                if m.kind == MSG_LINK {
                    if let Some((name, a)) = link(img, m.start, m.end)? {
                        if name == part.as_bytes() {
                            found = Some(a);
                            break 'search;
                        }
                    }
                }
            }
        }
        at = addr(found.ok_or_else(|| {
            format!("'{path}': no hard link '{part}' (links must be compact link messages)")
        })?)?;
    }
    Ok(at)
}

/// A Link message's name and hard-link address (`None` for soft/external links).
fn link(img: &[u8], start: usize, end: usize) -> Res<Option<(&[u8], u64)>> {
    if img[start] != 1 {
        return Err(format!("link message version {} at {start}", img[start]));
    }
    let flags = img[start + 1];
    let mut p = start + 2;
    let mut kind = 0u8;
    if flags & 0x08 != 0 {
        kind = img[p];
        p += 1;
    }
    if flags & 0x04 != 0 {
        p += 8; // creation order
    }
    if flags & 0x10 != 0 {
        p += 1; // character set
    }
    let width = 1usize << (flags & 3);
    let len = addr(uint_at(img, p, width)?)?;
    p += width;
    let name = img.get(p..p + len).ok_or("link name cut short")?;
    p += len;
    if kind != 0 {
        return Ok(None);
    }
    if p + 8 > end {
        return Err(format!("link message at {start} cut short"));
    }
    Ok(Some((name, uint_at(img, p, 8)?)))
}

struct AttrMsg<'a> {
    name: &'a [u8],
    shared_datatype: bool,
    datatype: usize,
    data: usize,
}

/// An Attribute message's name (without its terminating NUL) and where its datatype and data
/// start.
fn attribute(img: &[u8], start: usize, end: usize) -> Res<Option<AttrMsg<'_>>> {
    let version = img[start];
    let flags = img[start + 1];
    let name_len = usize::from(u16_at(img, start + 2)?);
    let dt_len = usize::from(u16_at(img, start + 4)?);
    let ds_len = usize::from(u16_at(img, start + 6)?);
    let pad8 = |n: usize| n.div_ceil(8) * 8;
    let (name_at, name_sz, dt_sz, ds_sz) = match version {
        1 => (start + 8, pad8(name_len), pad8(dt_len), pad8(ds_len)),
        2 => (start + 8, name_len, dt_len, ds_len),
        3 => (start + 9, name_len, dt_len, ds_len),
        v => return Err(format!("attribute message version {v} at {start}")),
    };
    let datatype = name_at + name_sz;
    let data = datatype + dt_sz + ds_sz;
    if data > end || name_len == 0 {
        return Ok(None);
    }
    let raw = &img[name_at..name_at + name_len];
    let name = raw.strip_suffix(&[0]).unwrap_or(raw);
    Ok(Some(AttrMsg {
        name,
        shared_datatype: version > 1 && flags & 0x01 != 0,
        datatype,
        data,
    }))
}

/// Bob Jenkins' lookup3 `hashlittle` (byte-wise form: words are read little-endian and a short
/// last block is zero-padded), the checksum of HDF5's version-2 metadata.
pub(super) fn lookup3(key: &[u8], init: u32) -> u32 {
    fn mix(a: &mut u32, b: &mut u32, c: &mut u32) {
        *a = a.wrapping_sub(*c);
        *a ^= c.rotate_left(4);
        *c = c.wrapping_add(*b);
        *b = b.wrapping_sub(*a);
        *b ^= a.rotate_left(6);
        *a = a.wrapping_add(*c);
        *c = c.wrapping_sub(*b);
        *c ^= b.rotate_left(8);
        *b = b.wrapping_add(*a);
        *a = a.wrapping_sub(*c);
        *a ^= c.rotate_left(16);
        *c = c.wrapping_add(*b);
        *b = b.wrapping_sub(*a);
        *b ^= a.rotate_left(19);
        *a = a.wrapping_add(*c);
        *c = c.wrapping_sub(*b);
        *c ^= b.rotate_left(4);
        *b = b.wrapping_add(*a);
    }
    fn fin(a: &mut u32, b: &mut u32, c: &mut u32) {
        *c ^= *b;
        *c = c.wrapping_sub(b.rotate_left(14));
        *a ^= *c;
        *a = a.wrapping_sub(c.rotate_left(11));
        *b ^= *a;
        *b = b.wrapping_sub(a.rotate_left(25));
        *c ^= *b;
        *c = c.wrapping_sub(b.rotate_left(16));
        *a ^= *c;
        *a = a.wrapping_sub(c.rotate_left(4));
        *b ^= *a;
        *b = b.wrapping_sub(a.rotate_left(14));
        *c ^= *b;
        *c = c.wrapping_sub(b.rotate_left(24));
    }
    let word = |w: &[u8]| {
        let mut b = [0u8; 4];
        b[..w.len()].copy_from_slice(w);
        u32::from_le_bytes(b)
    };
    // The length is folded in modulo 2^32, as the reference's `uint32_t` arithmetic does.
    let mut a = 0xdead_beefu32
        .wrapping_add(key.len() as u32)
        .wrapping_add(init);
    let (mut b, mut c) = (a, a);
    let mut k = key;
    while k.len() > 12 {
        a = a.wrapping_add(word(&k[0..4]));
        b = b.wrapping_add(word(&k[4..8]));
        c = c.wrapping_add(word(&k[8..12]));
        mix(&mut a, &mut b, &mut c);
        k = &k[12..];
    }
    if k.is_empty() {
        return c;
    }
    let part = |r: std::ops::Range<usize>| word(&k[r.start.min(k.len())..r.end.min(k.len())]);
    a = a.wrapping_add(part(0..4));
    b = b.wrapping_add(part(4..8));
    c = c.wrapping_add(part(8..12));
    fin(&mut a, &mut b, &mut c);
    c
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookup3_known_values() {
        // Values published with lookup3.c's self-test (driver5): hashlittle("", 0) and
        // hashlittle("Four score and seven years ago", 0).
        assert_eq!(lookup3(b"", 0), 0xdead_beef);
        assert_eq!(lookup3(b"Four score and seven years ago", 0), 0x1777_0551);
        assert_eq!(lookup3(b"Four score and seven years ago", 1), 0xcd62_8161);
    }

    #[test]
    fn checksums_of_written_headers_verify() {
        // Every object-header chunk hdf5-pure writes carries a lookup3 checksum; ours must agree
        // with all of them, or a patched header would fail libhdf5's check.
        let mut fb = hdf5_pure::FileBuilder::new();
        fb.set_attr("a", hdf5_pure::AttrValue::I64(3));
        let mut g = fb.create_group("g");
        g.create_dataset("d").with_f64_data(&[1.0, 2.0]);
        g.set_attr("s", hdf5_pure::AttrValue::AsciiString("RALL-REF".into()));
        fb.add_group(g.finish());
        let img = fb.finish().unwrap();
        let root = root_address(&img).unwrap();
        let mut n = 0;
        for path in ["/", "/g", "/g/d"] {
            let at = resolve(&img, root, path).unwrap();
            for c in chunks(&img, at).unwrap() {
                let stored = u32_at(&img, c.sum_at).unwrap();
                assert_eq!(lookup3(&img[c.sum_from..c.sum_at], 0), stored, "{path}");
                n += 1;
            }
        }
        assert!(n >= 3);
    }

    #[test]
    fn refuses_what_is_not_the_placeholder() {
        let mut fb = hdf5_pure::FileBuilder::new();
        fb.create_dataset("d").with_f64_data(&[1.0]);
        let mut g = fb.create_group("g");
        g.set_attr("s", hdf5_pure::AttrValue::AsciiString("other-8b".into()));
        fb.add_group(g.finish());
        let mut img = fb.finish().unwrap();
        let e = patch(&mut img, "/g", "s", "/d", "RALL-REF").unwrap_err();
        assert!(e.contains("placeholder"), "{e}");
        let e = patch(&mut img, "/g", "nope", "/d", "RALL-REF").unwrap_err();
        assert!(e.contains("no attribute"), "{e}");
        let e = patch(&mut img, "/g", "s", "/missing", "RALL-REF").unwrap_err();
        assert!(e.contains("missing"), "{e}");
    }
}
