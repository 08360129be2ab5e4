//! Embeds the demo's pictures and clips (made once by
//! `scripts/make-demo-media`, committed under `demo-media/`) in the binary,
//! so that a fresh machine shows them without ffmpeg or any other package.

use std::path::{Path, PathBuf};

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            walk(&path, out);
        } else if path.extension().is_some_and(|e| ["jpg", "mp4", "m3u8", "ts"].contains(&e.to_string_lossy().as_ref())) {
            out.push(path);
        }
    }
}

fn main() {
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets it")).join("demo-media");
    println!("cargo:rerun-if-changed=demo-media");
    let mut files = Vec::new();
    walk(&root, &mut files);
    let mut named: Vec<(String, PathBuf)> = files
        .into_iter()
        .map(|path| (path.strip_prefix(&root).expect("under the root").to_string_lossy().replace('\\', "/"), path))
        .collect();
    named.sort();
    let mut code = String::from("/// `(path under demo-media/, bytes)`, sorted by path.\npub static FILES: &[(&str, &[u8])] = &[\n");
    for (name, path) in named {
        code.push_str(&format!("    ({name:?}, include_bytes!({:?})),\n", path.display().to_string()));
    }
    code.push_str("];\n");
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets it")).join("demo_media.rs");
    std::fs::write(out, code).expect("OUT_DIR is writable");
}
