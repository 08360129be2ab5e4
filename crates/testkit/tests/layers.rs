//! The layering rules of `docs/ARCHITECTURE.md`, checked on the source so
//! that a change which breaks one fails here instead of in a review.

#![allow(clippy::unwrap_used)]

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

fn crate_dir(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(name).join("src")
}

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(rust_files(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
    files.sort();
    files
}

/// The top-level module a file belongs to: `orders` for `orders/write.rs`.
fn module_of(root: &Path, file: &Path) -> String {
    let rel = file.strip_prefix(root).unwrap();
    let first = rel.components().next().unwrap().as_os_str().to_string_lossy().into_owned();
    first.trim_end_matches(".rs").to_owned()
}

/// The names `lib.rs` re-exports from its modules: `pub use db::{Backend, Db};`
/// makes `crate::Db` a use of `db`.
fn reexports(root: &Path) -> BTreeMap<String, String> {
    let lib = fs::read_to_string(root.join("lib.rs")).unwrap();
    let mut names = BTreeMap::new();
    for line in lib.lines().filter_map(|l| l.trim().strip_prefix("pub use ")) {
        let Some((module, items)) = line.trim_end_matches(';').split_once("::") else { continue };
        for item in items.trim_matches(['{', '}']).split(',') {
            names.insert(item.trim().to_owned(), module.to_owned());
        }
    }
    names
}

/// The path segments right after `crate::`, with `crate::{a::X, Y}` read as
/// `a` and `Y`.
fn first_segments(text: &str) -> Vec<String> {
    let ident = |s: &str| s.trim().chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect::<String>();
    let mut found = Vec::new();
    for (i, m) in text.match_indices("crate::").filter(|(i, _)| !text[..*i].ends_with('$')) {
        let rest = &text[i + m.len()..];
        let Some(group) = rest.strip_prefix('{') else {
            found.push(ident(rest));
            continue;
        };
        let (mut depth, mut start) = (0, 0);
        for (j, c) in group.char_indices() {
            match c {
                '{' => depth += 1,
                '}' if depth == 0 => {
                    found.push(ident(&group[start..j]));
                    break;
                }
                '}' => depth -= 1,
                ',' if depth == 0 => {
                    found.push(ident(&group[start..j]));
                    start = j + 1;
                }
                _ => {}
            }
        }
    }
    found
}

/// The top-level modules a file uses through `crate::`, directly or through
/// a name `lib.rs` re-exports.
fn uses(text: &str, reexported: &BTreeMap<String, String>) -> BTreeSet<String> {
    first_segments(text)
        .into_iter()
        .filter_map(|s| if s.starts_with(|c: char| c.is_ascii_lowercase()) { Some(s) } else { reexported.get(&s).cloned() })
        .collect()
}

fn graph(root: &Path) -> BTreeMap<String, BTreeSet<String>> {
    let reexported = reexports(root);
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for file in rust_files(root).into_iter().filter(|f| !f.ends_with("lib.rs")) {
        let from = module_of(root, &file);
        let to = uses(&fs::read_to_string(&file).unwrap(), &reexported);
        edges.entry(from.clone()).or_default().extend(to.into_iter().filter(|m| *m != from));
    }
    edges
}

/// A cycle in `edges`, if there is one, as the path that closes it.
fn cycle(edges: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        node: &str,
        edges: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(start) = path.iter().position(|n| n == node) {
            let mut found = path[start..].to_vec();
            found.push(node.to_owned());
            return Some(found);
        }
        if done.contains(node) {
            return None;
        }
        path.push(node.to_owned());
        for next in edges.get(node).into_iter().flatten() {
            if let Some(found) = visit(next, edges, path, done) {
                return Some(found);
            }
        }
        path.pop();
        done.insert(node.to_owned());
        None
    }
    let mut done = BTreeSet::new();
    edges.keys().find_map(|n| visit(n, edges, &mut Vec::new(), &mut done))
}

#[test]
fn the_stores_modules_import_each_other_without_a_cycle() {
    let edges = graph(&crate_dir("store"));
    assert!(edges.get("payments").is_some_and(|m| m.contains("orders")), "the scan sees imports: {edges:?}");
    assert!(edges.get("migrate").is_some_and(|m| m.contains("db")), "the scan sees re-exported names: {edges:?}");
    assert_eq!(cycle(&edges), None);
}

#[test]
fn grouped_and_re_exported_imports_are_seen() {
    let reexported = BTreeMap::from([("Db".to_owned(), "db".to_owned())]);
    let text = "use crate::{Db, Result, orders::{Order, NewOrder}, ledger};\nlet x = crate::teams::leave();";
    let seen: Vec<String> = uses(text, &reexported).into_iter().collect();
    assert_eq!(seen, ["db", "ledger", "orders", "teams"]);
}

#[test]
fn the_cycle_finder_finds_a_cycle() {
    let edges: BTreeMap<String, BTreeSet<String>> =
        [("a", "b"), ("b", "c"), ("c", "a")].into_iter().map(|(from, to)| (from.to_owned(), BTreeSet::from([to.to_owned()]))).collect();
    assert_eq!(cycle(&edges).map(|c| c.len()), Some(4));
}

#[test]
fn api_and_pages_are_adapters_that_do_not_import_each_other_and_nothing_below_imports_them() {
    let edges = graph(&crate_dir("server"));
    assert!(edges["api"].contains("services"), "the scan sees imports: {edges:?}");
    let imports = |from: &str, to: &str| edges.get(from).is_some_and(|m| m.contains(to));
    assert!(!imports("api", "pages"));
    assert!(!imports("pages", "api"));
    for below in ["services", "workers", "feed", "live", "deals", "payments", "demo"] {
        assert!(!imports(below, "api") && !imports(below, "pages"), "{below} reaches up into an adapter");
    }
}

#[test]
fn the_error_type_that_use_cases_and_workers_share_knows_nothing_of_http() {
    let error = fs::read_to_string(crate_dir("server").join("error.rs")).unwrap();
    assert!(!error.contains("axum") && !error.contains("StatusCode"));
    for file in rust_files(&crate_dir("server").join("workers")) {
        let text = fs::read_to_string(&file).unwrap();
        assert!(!text.contains("axum") && !text.contains("IntoResponse"), "{} speaks HTTP", file.display());
    }
}

#[test]
fn exactly_one_module_inserts_into_orders() {
    let writers: Vec<PathBuf> = ["domain", "store", "server"]
        .into_iter()
        .flat_map(|c| rust_files(&crate_dir(c)))
        .filter(|f| {
            let text = fs::read_to_string(f).unwrap();
            text.contains("INSERT INTO orders ") || text.contains("INSERT INTO orders(")
        })
        .collect();
    assert_eq!(writers, vec![crate_dir("store").join("orders").join("write.rs")]);
}

#[test]
fn rows_hold_statuses_as_domain_enums() {
    for file in rust_files(&crate_dir("store")) {
        let text = fs::read_to_string(&file).unwrap();
        assert!(!text.contains("status: String"), "{} keeps a status as text", file.display());
    }
}
