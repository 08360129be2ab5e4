//! The use cases that the JSON API, the pages and the workers share: each
//! orchestrates the store's transactions and keeps caches and gates in step
//! with the record, so that a rule and its side effects hold the same
//! wherever a change comes from. Adapters (`api/`, `pages/`, `workers/`)
//! parse, call one of these and shape the answer.

pub mod accounts;
pub mod affiliate;
pub mod aftersales;
pub mod analytics;
pub mod campaigns;
pub mod catalog;
pub mod comments;
pub mod community;
pub mod coupons;
pub mod deals;
pub mod deletion;
pub mod delivery;
pub mod devices;
pub mod earnings;
pub mod export;
pub mod feed;
pub mod leads;
pub mod live;
pub mod mail_notices;
pub mod moderation;
pub mod notes;
pub mod notifications;
pub mod orders;
pub mod payments;
pub mod platform;
pub mod reads;
pub mod recovery;
pub mod reviews;
pub mod shops;
pub mod teams;
pub mod two_factor;
pub mod videos;
pub mod vouchers;
