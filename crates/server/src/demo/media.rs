//! The demo's pictures, clips and replay, embedded by `build.rs`.

include!(concat!(env!("OUT_DIR"), "/demo_media.rs"));

/// The embedded file at `path` under `demo-media/`.
pub fn file(path: &str) -> Option<&'static [u8]> {
    FILES.binary_search_by(|(name, _)| name.cmp(&path)).ok().map(|i| FILES[i].1)
}

/// Every embedded file under `dir/`, in order.
pub fn under(dir: &str) -> impl Iterator<Item = (&'static str, &'static [u8])> {
    let prefix = format!("{dir}/");
    FILES.iter().filter(move |(name, _)| name.starts_with(&prefix)).map(|(n, b)| (*n, *b))
}
