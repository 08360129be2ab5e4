//! The Haul server: HTTP API, web pages and background workers in one
//! process. Handlers are thin: they parse input, check who may act, call the
//! store (which applies the domain rules) and shape the answer.

pub mod api;
pub mod app;
pub mod auth;
pub mod backup;
pub mod bench;
pub mod changes_bus;
pub mod clock;
pub mod config;
pub mod csv;
pub mod deals;
pub mod demo;
pub mod error;
pub mod extract;
pub mod feed;
pub mod headers;
pub mod http;
pub mod i18n;
pub mod live;
pub mod media;
pub mod messages;
pub mod metrics;
pub mod outbound;
pub mod pages;
pub mod payments;
pub mod payouts;
pub mod qr;
pub mod ratelimit;
pub mod routes;
pub mod services;
pub mod tally;
pub mod workers;

pub use app::{AppState, serve};
pub use config::Config;
