//! API tests: each spawns its own Haul on a free port with a fresh database.
//! The same suite runs on SQLite and, with `HAUL_TEST_DATABASE_URL`, on
//! PostgreSQL.

mod accounts;
mod bad_input;
mod catalog;
mod orders;
mod pages;
mod payments;
mod webhooks;
