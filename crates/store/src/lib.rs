//! Haul's storage. One implementation over both SQLite (the embedded default)
//! and PostgreSQL, through sqlx's `Any` driver: queries are written once in
//! the SQL both understand (`$1` placeholders, `RETURNING`, integers for ids,
//! times and money), and each domain adds an `impl Db` block in its module.

mod changes;
mod db;
mod error;
mod holds;
mod migrate;
#[macro_use]
mod record;

pub mod accounts;
pub mod affiliate;
pub mod aftersales;
pub mod analytics;
pub mod catalog;
pub mod community;
pub mod content;
pub mod coupons;
pub mod deals;
pub mod deletion;
pub mod delivery;
pub mod export;
pub mod leads;
pub mod ledger;
pub mod live;
pub mod moderation;
pub mod notifications;
pub mod one_time;
pub mod orders;
pub mod outbox;
pub mod payments;
pub mod refunds;
pub mod reviews;
pub mod sqlite_file;
pub mod teams;
pub mod two_factor;
pub mod vouchers;
pub mod webhooks;

pub use changes::Changes;
pub use db::{Backend, Db};
pub use error::StoreError;
pub use migrate::latest_migration;

pub type Result<T, E = StoreError> = std::result::Result<T, E>;
