//! The live hub's wire protocol, version 1. Every frame the server sends is
//! one JSON object `{"v":1, "type":..., ...}`. Room events also carry an
//! `"id"` that grows through the room's life: a client that reconnects with
//! `?after=<last id>` gets what it missed, or a fresh snapshot when too much
//! has passed. Updates (viewer count, likes, stock) carry no id: each one
//! replaces the last, so nothing is replayed.

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

pub const VERSION: u32 = 1;

/// A room event: sequenced, kept in the room's ring for resuming, and the
/// same on every node.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Event {
    Chat {
        user_id: i64,
        name: String,
        text: String,
        at: i64,
    },
    /// A moderator removed the chat message with this id.
    Deleted {
        message_id: u64,
    },
    /// `kind` is mute (until a time) or ban.
    Sanctioned {
        user_id: i64,
        kind: String,
        until: Option<i64>,
    },
    ModeratorAdded {
        user_id: i64,
    },
    /// The whole bag, in order (products with their SKUs). A `Value`, not
    /// raw JSON: an internally tagged enum cannot hold raw JSON.
    Bag {
        products: serde_json::Value,
    },
    Pinned {
        product_id: Option<i64>,
    },
    Deal {
        deal: DealCard,
    },
    /// A coupon dropped in the room, claimable while it is live.
    Coupon {
        coupon: RoomCoupon,
    },
    /// How many of a room's coupon are left, after a claim.
    CouponLeft {
        coupon_id: i64,
        left: i64,
    },
    Purchase {
        name: String,
        title: String,
        quantity: i64,
    },
    /// scheduled, live or ended; `replay` once an ended room can be replayed.
    Status {
        status: String,
        replay: bool,
    },
}

/// A live coupon as a room shows it (pages word it in the viewer's language).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct RoomCoupon {
    pub id: i64,
    pub title: String,
    pub amount_off_minor: Option<i64>,
    pub percent_off_bps: Option<i64>,
    pub min_spend_minor: i64,
    pub currency: String,
    pub left: i64,
    pub ends_at: i64,
}

impl From<&haul_store::coupons::Coupon> for RoomCoupon {
    fn from(c: &haul_store::coupons::Coupon) -> RoomCoupon {
        RoomCoupon {
            id: c.id,
            title: c.title.clone(),
            amount_off_minor: c.amount_off_minor,
            percent_off_bps: c.percent_off_bps,
            min_spend_minor: c.min_spend_minor,
            currency: c.currency.clone(),
            left: c.total - c.claimed,
            ends_at: c.ends_at,
        }
    }
}

/// A flash deal as a room shows it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct DealCard {
    pub id: i64,
    pub product_id: i64,
    pub sku_id: i64,
    pub title: String,
    pub price_minor: i64,
    pub currency: String,
    pub quantity: i64,
    pub per_shopper_cap: i64,
    pub starts_at: i64,
    pub ends_at: i64,
}

impl From<&haul_store::deals::Deal> for DealCard {
    fn from(d: &haul_store::deals::Deal) -> DealCard {
        DealCard {
            id: d.id,
            product_id: d.product_id,
            sku_id: d.sku_id,
            title: d.title.clone(),
            price_minor: d.price_minor,
            currency: d.currency.clone(),
            quantity: d.quantity,
            per_shopper_cap: d.per_shopper_cap,
            starts_at: d.starts_at,
            ends_at: d.ends_at,
        }
    }
}

/// Frames without an id: sent to one client, or state that replaces itself.
#[derive(Debug, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Update<'a> {
    /// The first frame of every connection.
    Snapshot {
        room_id: i64,
        status: &'a str,
        replay: bool,
        title: &'a str,
        host_id: i64,
        /// Where the player loads the stream (live or replay), if anywhere yet.
        hls: Option<String>,
        bag: &'a RawValue,
        pinned_product_id: Option<i64>,
        deals: &'a [DealCard],
        coupons: &'a [RoomCoupon],
        viewers: i64,
        likes: i64,
        /// The last event id so far: resume from here.
        last_id: u64,
        /// `true` when the events after the client's `after` follow in
        /// full; `false` when the client must start over from this snapshot.
        resumed: bool,
        /// What this connection may do.
        you: You,
    },
    Viewers {
        count: i64,
    },
    Likes {
        total: i64,
    },
    Stock {
        deal_id: i64,
        remaining: i64,
    },
    /// This connection fell behind and `count` batches (each up to 50 ms of
    /// the room's frames) were dropped for it; reconnect with `after` to
    /// fetch the events again.
    Skipped {
        count: u64,
    },
    Error {
        code: &'a str,
        message: &'a str,
    },
}

#[derive(Debug, Serialize, Clone, Copy)]
pub struct You {
    pub user_id: Option<i64>,
    pub moderator: bool,
}

/// What a client may send.
#[derive(Debug, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Command {
    Chat {
        text: String,
    },
    Like {
        #[serde(default = "one")]
        count: i64,
    },
    Share,
    Delete {
        message_id: u64,
    },
    Mute {
        user_id: i64,
        minutes: i64,
    },
    Ban {
        user_id: i64,
    },
}

fn one() -> i64 {
    1
}

/// `{"v":1,"id":N,<the event's fields>}` from the event's own JSON.
pub fn event_frame(id: u64, body: &str) -> String {
    format!("{{\"v\":{VERSION},\"id\":{id},{}", &body[1..])
}

/// `{"v":1,<the update's fields>}`.
pub fn update_frame(update: &Update<'_>) -> String {
    let body = serde_json::to_string(update).unwrap_or_else(|_| "{}".into());
    format!("{{\"v\":{VERSION},{}", &body[1..])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_carry_the_version_and_the_id() {
        let body = serde_json::to_string(&Event::Deleted { message_id: 7 }).unwrap();
        let frame: serde_json::Value = serde_json::from_str(&event_frame(42, &body)).unwrap();
        assert_eq!(frame["v"], 1);
        assert_eq!(frame["id"], 42);
        assert_eq!(frame["type"], "deleted");
        assert_eq!(frame["message_id"], 7);
        let update: serde_json::Value = serde_json::from_str(&update_frame(&Update::Viewers { count: 3 })).unwrap();
        assert_eq!(update, serde_json::json!({"v": 1, "type": "viewers", "count": 3}));
    }

    #[test]
    fn commands_parse_and_unknown_ones_do_not() {
        let like: Command = serde_json::from_str(r#"{"type":"like"}"#).unwrap();
        assert!(matches!(like, Command::Like { count: 1 }));
        assert!(serde_json::from_str::<Command>(r#"{"type":"shout","text":"x"}"#).is_err());
        assert!(serde_json::from_str::<Command>(r#"{"type":"chat"}"#).is_err());
    }
}
