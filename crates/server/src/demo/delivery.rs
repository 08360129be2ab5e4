//! The demo's addresses and shipping: each shopper has a home address, the
//! orchard charges a fee (free from ¥99, more to the far west) and the tea
//! house lets buyers collect at its shop.

use crate::AppState;
use haul_domain::Timestamp;
use haul_domain::delivery::Address;
use haul_domain::ids::{OrderId, ShopId, UserId};
use haul_store::delivery::{RegionFee, ShopShipping};
use haul_store::orders::Shipment;
use std::collections::HashMap;

type Result<T> = std::result::Result<T, crate::app::StartError>;

/// Saves the shoppers' addresses and the shops' fees; each shopper's address.
pub async fn fill(state: &AppState, shoppers: [UserId; 2], shops: [ShopId; 2], now: Timestamp) -> Result<HashMap<UserId, Address>> {
    let homes = [
        ("小美", "13800138001", "SH", "上海市", "徐汇区", "漕溪北路 88 号 2 栋 1201 室", "200030"),
        ("老王", "13800138000", "GD", "深圳市", "南山区", "科技园科苑路 15 号", "518057"),
    ];
    let mut saved = HashMap::new();
    for (user, (recipient, phone, province, city, district, street, postcode)) in shoppers.into_iter().zip(homes) {
        let a = Address::parse(&Address {
            recipient: recipient.into(),
            phone: phone.into(),
            country: "CN".into(),
            province: province.into(),
            city: city.into(),
            district: district.into(),
            street: street.into(),
            postcode: postcode.into(),
        })?;
        state.db.add_address(user, &a, true, now).await?;
        saved.insert(user, a);
    }
    let [orchard, tea] = shops;
    let far_west = ["XZ", "XJ", "QH"].map(|p| RegionFee { province: p.into(), fee_minor: 2000 });
    let orchard_rates = ShopShipping { flat_minor: 800, free_above_minor: Some(9900), regions: far_west.into(), pickup_point: None };
    state.db.set_shop_shipping(orchard, &orchard_rates).await?;
    let tea_rates = ShopShipping {
        flat_minor: 1000,
        free_above_minor: Some(19900),
        regions: Vec::new(),
        pickup_point: Some("杭州市西湖区龙井路 1 号 · Longjing Road 1, Hangzhou".into()),
    };
    state.db.set_shop_shipping(tea, &tea_rates).await?;
    Ok(saved)
}

/// Ships a demo order with SF Express.
pub async fn ship(state: &AppState, order: OrderId, now: Timestamp) -> Result<()> {
    let tracking = format!("SF{:010}", 1_402_000_000 + order.get());
    let notes = (haul_domain::orders::event_notes::BY_THE_SHOP, haul_domain::orders::event_notes::SHIPPED);
    let shipment = Shipment { carrier: "顺丰速运", tracking_no: Some(&tracking), actor: None, prepared_note: notes.0, note: notes.1 };
    state.db.ship_order(order, shipment, now).await?;
    Ok(())
}
