//! Requests for a quote on the demo's tractor, as Kuaishou's dealers get
//! them: the dealer films the tractor, buyers from other provinces ask from
//! the video's card; the dealer has answered one.

use super::videos::Clip;
use super::{Result, Text};
use crate::AppState;
use crate::services::leads::{self, LeadInput};
use haul_domain::ids::{ProductId, SkuId, UserId};
use haul_domain::page::PageRequest;

pub async fn fill(state: &AppState, tractor: ProductId, buyers: [UserId; 2], dealer: UserId, zh: bool) -> Result<()> {
    let sku = SkuId(state.db.skus(tractor).await?.first().ok_or("the tractor has no SKU")?.id);
    let caption = Text(
        "Our 2017 50 hp tractor on a frosty morning: ask for the price delivered to your county #tractor #farm",
        "2017 年 50 马力拖拉机，霜冻的早晨一把打着：询价送到你所在的县 #拖拉机 #二手农机",
    );
    super::videos::fill(state, &[Clip { creator: dealer, name: "tractor-0".into(), caption: caption.pick(zh), sku }]).await?;
    let filmed = state.db.videos_of_creator(dealer, &PageRequest::parse(Some(1), None)?).await?.items.first().map(|v| v.id);
    let asks = [
        (
            buyers[0],
            "SD",
            Text("Weifang", "潍坊"),
            Text("Does it come with the front loader? Can you deliver to Shouguang?", "带前装载机吗？能送到寿光吗？"),
            Some("evening"),
        ),
        (buyers[1], "HA", Text("Zhoukou", "周口"), Text("We need two before the wheat harvest.", "麦收前需要两台。"), None),
    ];
    let dealer = state.db.user(dealer).await?;
    for (i, (buyer, province, city, message, time)) in asks.into_iter().enumerate() {
        let input = LeadInput {
            quantity: 1 + i as i64,
            province: province.into(),
            city: city.pick(zh).into(),
            budget_min_minor: Some(3_500_000),
            budget_max_minor: Some(5_000_000),
            contact: format!("1390531000{i}"),
            contact_time: time.map(str::to_owned),
            message: message.pick(zh).into(),
            video_id: filmed,
            room_id: None,
        };
        let lead = leads::ask(state, &state.db.user(buyer).await?, tractor.get(), &input).await.map_err(|e| e.message)?;
        if i == 0 {
            let reply = Text(
                "Yes, loader included. ¥46,000 delivered to Shouguang; we can show it on a video call tonight.",
                "带装载机。送到寿光 46000 元，今晚可以视频看车。",
            );
            leads::write(state, &dealer, lead.id, true, reply.pick(zh)).await.map_err(|e| e.message)?;
            leads::write(state, &dealer, lead.id, false, Text("Serious buyer, call after 7 pm.", "有诚意，晚上七点后打电话。").pick(zh))
                .await
                .map_err(|e| e.message)?;
            leads::set_status(state, &dealer, lead.id, "quoted").await.map_err(|e| e.message)?;
        }
    }
    Ok(())
}
