//! `haul backup` and `haul restore` on the real binary, SQLite only (the
//! commands refuse PostgreSQL, which pg_dump backs up): a backup taken in
//! the middle of a flash-deal burst restores with every order acknowledged
//! before it began; restore's refusals; and a database left by the previous
//! release upgraded by this one, its rows still served.

#![allow(clippy::unwrap_used)]

#[allow(dead_code)]
mod common;

use common::{free_port, post};
use haul_domain::ids::{DealId, OrderId};
use haul_store::{Db, sqlite_file};
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// A new folder for one test.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("haul-backup-{name}-{}-{}", std::process::id(), free_port()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Runs `haul --data-dir <dir> <args>` to its end.
async fn haul(dir: &Path, args: &[&str]) -> std::process::Output {
    tokio::process::Command::new(env!("CARGO_BIN_EXE_haul"))
        .arg("--data-dir")
        .arg(dir)
        .args(args)
        .env("RUST_LOG", "off")
        .output()
        .await
        .unwrap()
}

fn said(out: &std::process::Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
}

fn sqlite_url(dir: &Path) -> String {
    format!("sqlite://{}", dir.join("haul.db").display())
}

const QUANTITY: i64 = 300;
const SHOPPERS: usize = 20;
const TAPS_PER_SHOPPER: usize = 15;
const ACKS_BEFORE_BACKUP: usize = 40;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_taken_during_a_flash_deal_burst_restores_every_order_acknowledged_before_it() {
    let root = scratch("burst");
    let (dir, restored_dir, archive) = (root.join("live"), root.join("restored"), root.join("haul-backup.tar"));
    std::fs::create_dir_all(dir.join("media/backup-test")).unwrap();
    // Media as Haul writes it: a finished file, and one still being written.
    std::fs::write(dir.join("media/backup-test/placed.jpg"), b"a picture's bytes").unwrap();
    std::fs::write(dir.join("media/backup-test/half.part"), b"half").unwrap();
    let client = common::client();
    let (mut server, base) = common::serve(free_port(), &dir, &[]).await;

    let deal_id = common::live_deal(&client, [&base, &base], "backup-shop", 1000, QUANTITY, 99).await;
    let mut tokens = Vec::new();
    for i in 0..SHOPPERS {
        let body = json!({"login": format!("b{i}@example.com"), "password": "long enough", "display_name": "B"});
        tokens.push(post(&client, format!("{base}/api/v1/accounts"), None, body).await["token"].as_str().unwrap().to_owned());
    }

    // The backup starts once a part of the burst is acknowledged, so that
    // orders are acknowledged both before it and while it runs.
    let acks = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let enough_acks = std::sync::Arc::new(tokio::sync::Notify::new());
    let mut burst = tokio::task::JoinSet::new();
    for (s, token) in tokens.iter().enumerate() {
        for t in 0..TAPS_PER_SHOPPER {
            let request = client
                .post(format!("{base}/api/v1/deals/{deal_id}/purchase"))
                .bearer_auth(token)
                .header("Idempotency-Key", format!("s{s}-t{t}"))
                .json(&json!({}));
            let (acks, enough_acks) = (acks.clone(), enough_acks.clone());
            burst.spawn(async move {
                let r = request.send().await.ok().filter(|r| r.status() == StatusCode::CREATED)?;
                // Taken when the 201 arrived, before the body is read: an
                // order acknowledged before the backup began has an earlier time.
                let acknowledged_at = Instant::now();
                if acks.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1 == ACKS_BEFORE_BACKUP {
                    enough_acks.notify_one();
                }
                let id = r.json::<Value>().await.ok()?["id"].as_i64()?;
                Some((acknowledged_at, id))
            });
        }
    }
    let _ = tokio::time::timeout(Duration::from_secs(20), enough_acks.notified()).await;
    let backup_began = Instant::now();
    let out = haul(&dir, &["backup", archive.to_str().unwrap()]).await;
    let backup_ended = Instant::now();
    assert!(out.status.success(), "haul backup failed: {}", said(&out));
    assert!(said(&out).contains("1 media files"), "{}", said(&out));
    let acknowledged: Vec<(Instant, i64)> = burst.join_all().await.into_iter().flatten().collect();
    server.kill().await.unwrap();
    assert!(!root.join("haul-backup.tar.partial").exists() && archive.is_file());

    let before: Vec<i64> = acknowledged.iter().filter(|(at, _)| *at < backup_began).map(|(_, id)| *id).collect();
    let during = acknowledged.iter().filter(|(at, _)| *at >= backup_began && *at <= backup_ended).count();
    println!(
        "{} orders acknowledged: {} before the backup began, {during} while it ran, {} after",
        acknowledged.len(),
        before.len(),
        acknowledged.len() - before.len() - during
    );
    assert!(!before.is_empty(), "no order was acknowledged before the backup began");

    let out = haul(&restored_dir, &["restore", archive.to_str().unwrap()]).await;
    assert!(out.status.success(), "haul restore failed: {}", said(&out));
    assert_eq!(sqlite_file::integrity(&restored_dir.join("haul.db")).await.unwrap(), "ok");
    assert!(!restored_dir.join("media/backup-test/half.part").exists(), "a file still being written was backed up");
    let (mut restored, base) = common::serve(free_port(), &restored_dir, &[]).await;
    let db = Db::connect(&sqlite_url(&restored_dir)).await.unwrap();
    for id in &before {
        db.order(OrderId(*id)).await.unwrap_or_else(|e| panic!("order {id}, acknowledged before the backup began, is not in it: {e}"));
    }
    let mut later_kept = 0;
    for (_, id) in acknowledged.iter().filter(|(at, _)| *at >= backup_began) {
        later_kept += usize::from(db.order(OrderId(*id)).await.is_ok());
    }
    println!("{later_kept} of the orders acknowledged after the backup began are in it too");
    let held: i64 = db.deal_holdings(DealId(deal_id)).await.unwrap().iter().map(|(_, n)| n).sum();
    assert!(held >= before.len() as i64 && held <= QUANTITY, "{held} units held of {QUANTITY}");
    let shown: Value = client.get(format!("{base}/api/v1/deals/{deal_id}")).send().await.unwrap().json().await.unwrap();
    assert_eq!(shown["remaining"].as_i64().unwrap(), QUANTITY - held);
    let picture = client.get(format!("{base}/media/backup-test/placed.jpg")).send().await.unwrap();
    assert_eq!(picture.status(), StatusCode::OK);
    assert_eq!(&picture.bytes().await.unwrap()[..], b"a picture's bytes");
    db.close().await;
    restored.kill().await.unwrap();
    let _ = std::fs::remove_dir_all(&root);
}

/// A Haul database at the newest migration, holding a setting `key`.
async fn database_with(dir: &Path, key: &str, value: &str) -> Db {
    std::fs::create_dir_all(dir).unwrap();
    let db = Db::connect(&sqlite_url(dir)).await.unwrap();
    db.migrate().await.unwrap();
    db.setting_or(key, value).await.unwrap();
    db
}

/// Marks the database in `dir` as migrated by a Haul newer than this one.
async fn from_the_future(dir: &Path) {
    use sqlx::Connection;
    let mut conn = sqlx::AnyConnection::connect(&sqlite_url(dir)).await.unwrap();
    sqlx::query("INSERT INTO haul_migrations (version, name, applied_at) VALUES ($1, 'future', 0)")
        .bind(haul_store::latest_migration() + 1)
        .execute(&mut conn)
        .await
        .unwrap();
    conn.close().await.unwrap();
}

/// A tar file with the entries given, names written as they are.
fn raw_archive(path: &Path, entries: &[(&str, &[u8])]) {
    let mut tar = tar::Builder::new(std::fs::File::create(path).unwrap());
    for (name, bytes) in entries {
        let mut header = tar::Header::new_gnu();
        header.as_gnu_mut().unwrap().name[..name.len()].copy_from_slice(name.as_bytes());
        header.set_size(bytes.len() as u64);
        header.set_mode(0o644);
        header.set_entry_type(tar::EntryType::Regular);
        header.set_cksum();
        tar.append(&header, *bytes).unwrap();
    }
    tar.finish().unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn restore_refuses_what_would_lose_or_endanger_data_and_force_keeps_the_old_database() {
    let root = scratch("refusals");
    let archive = root.join("a.tar");
    let a = root.join("a");
    database_with(&a, "made_in", "a").await.close().await;
    let out = haul(&a, &["backup", archive.to_str().unwrap()]).await;
    assert!(out.status.success(), "{}", said(&out));
    let archive_arg = archive.to_str().unwrap();

    // A database in place: refused without --force; moved aside with it.
    let b = root.join("b");
    database_with(&b, "made_in", "b").await.close().await;
    let out = haul(&b, &["restore", archive_arg]).await;
    assert!(!out.status.success() && said(&out).contains("--force"), "{}", said(&out));
    let out = haul(&b, &["restore", "--force", archive_arg]).await;
    assert!(out.status.success(), "{}", said(&out));
    let kept: Vec<PathBuf> = std::fs::read_dir(&b)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_name().unwrap().to_string_lossy().starts_with("haul.db.before-restore-"))
        .collect();
    assert_eq!(kept.len(), 1, "the old database is kept aside: {kept:?}");
    let old = Db::connect(&format!("sqlite://{}", kept[0].display())).await.unwrap();
    assert_eq!(old.setting_or("made_in", "?").await.unwrap(), "b", "the database kept aside is the one that was in place");
    old.close().await;
    let now = Db::connect(&sqlite_url(&b)).await.unwrap();
    assert_eq!(now.setting_or("made_in", "?").await.unwrap(), "a");
    now.close().await;

    // A database a running Haul has open, idle or not.
    let (mut server, _) = common::serve(free_port(), &b, &[]).await;
    let out = haul(&b, &["restore", "--force", archive_arg]).await;
    assert!(!out.status.success() && said(&out).contains("stop it before restoring"), "{}", said(&out));
    server.kill().await.unwrap();
    server.wait().await.unwrap();

    // A database in place that a newer Haul migrated: refused even with --force.
    from_the_future(&b).await;
    let out = haul(&b, &["restore", "--force", archive_arg]).await;
    assert!(!out.status.success() && said(&out).contains("newer than the backup's"), "{}", said(&out));
    assert_eq!(sqlite_file::newest_migration(&b.join("haul.db")).await.unwrap(), Some(haul_store::latest_migration() + 1));

    // A backup a newer Haul took.
    let newer_archive = root.join("newer.tar");
    from_the_future(&a).await;
    let out = haul(&a, &["backup", newer_archive.to_str().unwrap()]).await;
    assert!(out.status.success(), "{}", said(&out));
    let fresh = root.join("fresh-newer");
    let out = haul(&fresh, &["restore", newer_archive.to_str().unwrap()]).await;
    assert!(!out.status.success() && said(&out).contains("newer than this Haul knows"), "{}", said(&out));
    assert!(!fresh.join("haul.db").exists());

    // Damaged archives: a database page overwritten, or the file cut short.
    let bytes = std::fs::read(&archive).unwrap();
    let mut garbled = bytes.clone();
    garbled[512 + 4096..512 + 3 * 4096].fill(0xAB);
    let cut = &bytes[..bytes.len() / 2];
    for (name, damaged) in [("garbled.tar", &garbled[..]), ("cut.tar", cut)] {
        let path = root.join(name);
        std::fs::write(&path, damaged).unwrap();
        let fresh = root.join(format!("fresh-{name}"));
        let out = haul(&fresh, &["restore", path.to_str().unwrap()]).await;
        assert!(!out.status.success(), "{name} restored: {}", said(&out));
        assert!(!fresh.join("haul.db").exists(), "{name}: a database was put in place");
        println!("{name}: {}", said(&out).trim());
    }

    // An entry that would be written outside the data folder.
    let evil = root.join("evil.tar");
    raw_archive(&evil, &[("manifest.json", b"{}"), ("../evil", b"owned")]);
    let fresh = root.join("fresh-evil");
    let out = haul(&fresh, &["restore", evil.to_str().unwrap()]).await;
    assert!(!out.status.success() && said(&out).contains("outside the data folder"), "{}", said(&out));
    assert!(!root.join("evil").exists() && !fresh.join("haul.db").exists());
    let _ = std::fs::remove_dir_all(&root);
}

/// The newest migration of the previous release. Haul has no release tags
/// yet: 0029 is the last migration that landed before this release's work
/// (0030 onwards). Move it to the last migration of each release when one
/// is made.
const PREVIOUS_RELEASE_MIGRATION: i64 = 29;

/// A user, a shop, a product and a paid order as the previous release
/// wrote them: only the columns its schema had, and a session signed in
/// under it (before sessions remembered their device).
const PREVIOUS_RELEASE_ROWS: &str = "
INSERT INTO users (id, email, password_hash, display_name, role, created_at) VALUES
  (1, 'orchard@old.example', '$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA', 'Orchard', 'shopper', 1764000000000),
  (2, 'buyer@old.example', '$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA', 'Buyer', 'shopper', 1764000000000);
INSERT INTO shops (id, slug, name, description, currency, owner_id, created_at) VALUES
  (1, 'old-orchard', 'Old Orchard', 'Oranges since the last release', 'CNY', 1, 1764000000000);
INSERT INTO shop_members (shop_id, user_id, role) VALUES (1, 1, 'owner');
INSERT INTO products (id, shop_id, title, description, kind, status, created_at, updated_at) VALUES
  (1, 1, 'Last season''s oranges', 'Sweet', 'native', 'active', 1764000000000, 1764000000000);
INSERT INTO skus (id, product_id, code, options, price_minor, currency, stock) VALUES (1, 1, 'BOX5', 'Box of 5 kg', 4990, 'CNY', 20);
INSERT INTO orders (id, buyer_id, shop_id, status, total_minor, currency, pickup_code, pay_by, paid_at, created_at, updated_at) VALUES
  (1, 2, 1, 'paid', 4990, 'CNY', '482913', 1764000900000, 1764000060000, 1764000000000, 1764000060000);
INSERT INTO order_lines (order_id, sku_id, product_id, title, options, unit_price_minor, quantity) VALUES
  (1, 1, 1, 'Last season''s oranges', 'Box of 5 kg', 4990, 1);
INSERT INTO order_events (order_id, from_status, to_status, actor_id, note, created_at) VALUES
  (1, NULL, 'pending_payment', 2, '', 1764000000000), (1, 'pending_payment', 'paid', 2, '', 1764000060000);
";

/// A database as the previous release's migrations left it in `dir`.
async fn previous_release_database(dir: &Path, rows: Option<&str>) {
    std::fs::create_dir_all(dir).unwrap();
    let db = Db::connect(&sqlite_url(dir)).await.unwrap();
    db.migrate_up_to(PREVIOUS_RELEASE_MIGRATION).await.unwrap();
    db.close().await;
    if let Some(rows) = rows {
        use sqlx::Connection;
        let mut conn = sqlx::AnyConnection::connect(&sqlite_url(dir)).await.unwrap();
        sqlx::raw_sql(sqlx::AssertSqlSafe(rows.to_owned())).execute(&mut conn).await.unwrap();
        conn.close().await.unwrap();
    }
    assert_eq!(sqlite_file::newest_migration(&dir.join("haul.db")).await.unwrap(), Some(PREVIOUS_RELEASE_MIGRATION));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_database_of_the_previous_release_is_upgraded_and_its_shop_and_orders_still_served() {
    let root = scratch("upgrade");
    let client = common::client();
    let token = "token-signed-in-under-the-previous-release";

    let old = root.join("old");
    previous_release_database(&old, Some(PREVIOUS_RELEASE_ROWS)).await;
    let session = format!(
        "INSERT INTO sessions (token_hash, user_id, kind, csrf_token, created_at, expires_at) VALUES ('{}', 2, 'api', 'csrf', 1764000000000, {})",
        haul_server::auth::token_hash(token),
        common::now_ms() + 86_400_000
    );
    {
        use sqlx::Connection;
        let mut conn = sqlx::AnyConnection::connect(&sqlite_url(&old)).await.unwrap();
        sqlx::raw_sql(sqlx::AssertSqlSafe(session)).execute(&mut conn).await.unwrap();
        conn.close().await.unwrap();
    }
    let out = haul(&old, &["migrate"]).await;
    assert!(out.status.success(), "haul migrate failed on the previous release's database: {}", said(&out));
    assert_eq!(sqlite_file::newest_migration(&old.join("haul.db")).await.unwrap(), Some(haul_store::latest_migration()));
    assert_eq!(sqlite_file::integrity(&old.join("haul.db")).await.unwrap(), "ok");
    // --demo on a database with shops adds nothing and starts as usual.
    let (mut server, base) = common::serve(free_port(), &old, &["--demo"]).await;
    let product: Value = client.get(format!("{base}/api/v1/products/1")).send().await.unwrap().json().await.unwrap();
    assert_eq!(product["product"]["title"], "Last season's oranges", "{product}");
    assert_eq!(product["skus"][0]["price_minor"], 4990, "{product}");
    let listed: Value = client.get(format!("{base}/api/v1/products")).send().await.unwrap().json().await.unwrap();
    assert!(listed.to_string().contains("Last season's oranges"), "{listed}");
    assert_eq!(client.get(format!("{base}/products/1")).send().await.unwrap().status(), StatusCode::OK);
    let order = client.get(format!("{base}/api/v1/orders/1")).bearer_auth(token).send().await.unwrap();
    assert_eq!(order.status(), StatusCode::OK);
    let order: Value = order.json().await.unwrap();
    assert_eq!((order["status"].as_str(), order["total_minor"].as_i64()), (Some("paid"), Some(4990)), "{order}");
    let sessions = client.get(format!("{base}/api/v1/me/sessions")).bearer_auth(token).send().await.unwrap();
    assert_eq!(sessions.status(), StatusCode::OK, "a session from the previous release lists as a device");
    server.kill().await.unwrap();

    // The demo fills a database the previous release created empty.
    let empty = root.join("empty");
    previous_release_database(&empty, None).await;
    let (mut server, base) = common::serve(free_port(), &empty, &["--demo"]).await;
    let listed: Value = client.get(format!("{base}/api/v1/products")).send().await.unwrap().json().await.unwrap();
    assert!(listed["items"].as_array().is_some_and(|items| !items.is_empty()), "{listed}");
    server.kill().await.unwrap();
    let _ = std::fs::remove_dir_all(&root);
}
