//! API tests: each spawns its own Haul on a free port with a fresh database.
//! The same suite runs on SQLite and, with `HAUL_TEST_DATABASE_URL`, on
//! PostgreSQL.

// A test that meets the unexpected should stop there and say where.
#![allow(clippy::unwrap_used)]

mod accounts;
mod affiliate;
mod aftersales;
mod analytics;
mod bad_input;
mod catalog;
mod comments;
mod community;
mod coupons;
mod deals;
mod deletion;
mod delivery;
mod devices;
mod earnings;
mod export;
mod leads;
mod live;
mod mail_notices;
mod moderation;
mod notes;
mod notifications;
mod orders;
mod pages;
mod payments;
mod recovery;
mod reviews;
mod teams;
mod two_factor;
mod videos;
mod vouchers;
mod webhooks;
