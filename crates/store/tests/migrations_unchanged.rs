//! Migrations never change once released: every file listed in
//! `migrations/CHECKSUMS` still hashes as listed, and every migration file
//! is listed (a new one is appended when it is added).

#![allow(clippy::unwrap_used)]

use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::path::Path;

const HOW_TO_ADD: &str = "(cd crates/store/migrations && sha256sum sqlite/NNNN_name.sql postgres/NNNN_name.sql >> CHECKSUMS)";

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

#[test]
fn released_migrations_are_unchanged_and_every_migration_is_listed() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations");
    let listed: BTreeMap<String, String> = std::fs::read_to_string(root.join("CHECKSUMS"))
        .unwrap()
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| {
            let (hash, file) = l.split_once("  ").unwrap_or_else(|| panic!("CHECKSUMS: not `<sha256>  <file>`: {l}"));
            (file.trim().to_owned(), hash.to_owned())
        })
        .collect();
    for (file, hash) in &listed {
        let bytes = std::fs::read(root.join(file)).unwrap_or_else(|e| panic!("{file}, a released migration, is gone: {e}"));
        assert_eq!(
            &sha256_hex(&bytes),
            hash,
            "{file} changed after it was released. Migrations are never edited once released: put the change in a new migration"
        );
    }
    for backend in ["sqlite", "postgres"] {
        for entry in std::fs::read_dir(root.join(backend)).unwrap() {
            let name = format!("{backend}/{}", entry.unwrap().file_name().to_string_lossy());
            assert!(listed.contains_key(&name), "{name} is not in migrations/CHECKSUMS: add it at the end with\n  {HOW_TO_ADD}");
        }
    }
}
