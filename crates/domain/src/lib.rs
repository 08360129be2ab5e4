//! Haul's business rules as plain values and functions: no I/O, no clock, no
//! database. Everything here is unit- or property-tested; the store and the
//! server only move these values in and out.

pub mod accounts;
pub mod affiliate;
pub mod aftersales;
pub mod analytics;
pub mod catalog;
pub mod community;
pub mod content;
pub mod coupons;
pub mod deals;
pub mod delivery;
pub mod devices;
pub mod error;
pub mod error_code;
pub mod feed;
pub mod group_buy;
pub mod ids;
pub mod inventory;
pub mod leads;
pub mod ledger;
pub mod live;
pub mod moderation;
pub mod money;
pub mod one_time;
pub mod orders;
pub mod outbound;
pub mod page;
pub mod places;
pub mod readable_code;
pub mod reviews;
pub mod signing;
pub mod status;
pub mod time;
pub mod two_factor;
pub mod vouchers;

pub use error::DomainError;
pub use error_code::ErrorCode;
pub use money::{Currency, Money};
pub use time::Timestamp;
