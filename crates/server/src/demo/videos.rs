//! Demo videos: short clips of the demo's products (embedded, see
//! `media.rs`), posted by three creators through the same path as an
//! upload, each with a product card and its poster. One caption sells
//! hard, to show what the content-first policy does. Captions are English
//! or Chinese, with hashtags in the same language.

use super::{Result, Text, media};
use crate::AppState;
use haul_domain::ids::{SkuId, UserId};
use std::collections::HashMap;

pub struct Clip {
    pub creator: UserId,
    /// The clip's name under `demo-media/videos/` (`.mp4`, and `.jpg` for its poster).
    pub name: String,
    pub caption: &'static str,
    pub sku: SkuId,
}

pub struct Creators {
    pub farmer: UserId,
    pub tea: UserId,
    pub stylist: UserId,
}

const FRUIT: &[Text] = &[
    Text(
        "Sunrise harvest in Ganzhou: how we pick navel oranges #oranges #farm",
        "赣州日出时分，看看脐橙是怎么摘下来的 #赣南脐橙 #果园直发",
    ),
    Text("Peeling a sugar orange in one go #oranges #snack", "一口气剥完一个砂糖橘 #砂糖橘 #零食"),
    Text("Why Yantai apples crunch: the frost before harvest #apples #orchard", "烟台苹果为什么脆？采摘前的那场霜 #红富士 #果园"),
    Text("Mango season: ripen them on the counter #mango #fruit", "芒果季：放在台面上自然催熟 #芒果 #水果"),
    Text("Strawberry greenhouse at dawn, Dandong #strawberry #greenhouse", "清晨的丹东草莓大棚 #丹东草莓 #大棚"),
    Text("Korla pears keep their scent for weeks, here is why #pears #xinjiang", "库尔勒香梨为什么能香好几周 #库尔勒香梨 #新疆"),
    Text("Opening a honey pomelo without a knife #pomelo #kitchen", "不用刀也能剥开蜜柚 #红心柚 #厨房技巧"),
    Text("Shine Muscat: thinning the bunches by hand #grapes #farm", "阳光玫瑰：手工疏果的一天 #阳光玫瑰 #果园"),
    Text("Lychees from tree to box in six hours #lychee #summer", "荔枝从树上到装箱只要六小时 #荔枝 #夏天"),
    Text("Is your kiwi ripe? The thumb test #kiwi #tips", "猕猴桃熟没熟？按一下就知道 #猕猴桃 #小技巧"),
    Text("Blueberry picking in the Yunnan hills #blueberry #yunnan", "云南山里摘蓝莓 #蓝莓 #云南"),
    Text("Cutting a dragon fruit into stars #dragonfruit #kids", "把火龙果切成星星 #火龙果 #亲子"),
];

const TEA: &[Text] = &[
    Text("Rolling green tea leaves by hand, one morning #tea #craft", "一个清晨，手工揉捻绿茶 #绿茶 #手工制茶"),
    Text("What makes oolong taste roasted? #tea #oolong", "乌龙茶的焙火香是怎么来的？ #乌龙茶 #铁观音"),
    Text("Rock tea from the Wuyi cliffs #tea #wuyi", "武夷山岩壁上的岩茶 #大红袍 #武夷山"),
    Text("Prying open a Pu'er cake the right way #puer #tea", "正确撬开一饼普洱 #普洱 #喝茶"),
    Text("Keemun at four in the afternoon #blacktea #teatime", "下午四点的一杯祁门红茶 #红茶 #下午茶"),
    Text("Jasmine pearls unfurling in slow motion #jasmine #tea", "慢镜头：茉莉龙珠在水中舒展 #茉莉花茶 #慢生活"),
    Text("White tea drying in the Fuding sun #whitetea #fuding", "福鼎阳光下晾晒白茶 #白茶 #福鼎"),
    Text("Biluochun and the apricot trees it grows under #greentea #suzhou", "碧螺春和它头顶的杏树 #碧螺春 #苏州"),
    Text("Smoke and pine: how Lapsang is made #blacktea #smoky", "松烟香：正山小种是怎么做的 #正山小种 #红茶"),
    Text("Setting up a gongfu tea table at home #gongfu #home", "在家摆一张功夫茶桌 #功夫茶 #居家"),
];

const COATS: &[Text] = &[
    Text("Three ways to layer for minus twenty #winter #outfit", "零下二十度的三种叠穿法 #冬季穿搭 #保暖"),
    Text("A long coat that still lets you ride a bike #winter #commute", "能骑车的长款羽绒服 #通勤穿搭 #冬天"),
    Text("Packing a down jacket into its own pocket #travel #packing", "把羽绒服塞进自己的口袋 #旅行 #收纳"),
    Text("Oversized puffer, three sizes compared #puffer #fit", "宽松面包服，三个尺码对比 #面包服 #尺码"),
    Text("The down vest that goes under everything #layering #winter", "什么都能叠穿的羽绒马甲 #叠穿 #冬季穿搭"),
    Text("Dressing a toddler for snow in five minutes #kids #snow", "五分钟给娃穿好出门玩雪 #儿童穿搭 #下雪"),
    Text("Fleece on the mountain trail #hiking #outdoor", "穿摇粒绒走山路 #徒步 #户外"),
    Text("Windbreaker test on a windy pier #wind #outdoor", "在大风的码头上测试防风外套 #防风 #户外"),
    Text("Five ways to tie a cashmere scarf #scarf #style", "羊绒围巾的五种系法 #围巾 #穿搭"),
    Text("Touchscreen gloves at minus fifteen #gloves #winter", "零下十五度试触屏手套 #手套 #冬天"),
];

const HARD_SELL: Text =
    Text("ONLY ¥9.9 TODAY!!! Buy now, link below, 50% off #deal", "今天只要 ¥9.9！！！立即下单，点击下方链接，全场5折 #福利");

/// What the demo posts: one clip for each of the first products of the
/// orchard, the tea house and the outerwear shop, and one hard sell.
pub fn clips(who: Creators, zh: bool, fruit: &[SkuId], tea: &[SkuId], coats: &[SkuId]) -> Vec<Clip> {
    let mut out = Vec::new();
    for (group, creator, captions, skus) in
        [("fruit", who.farmer, FRUIT, fruit), ("tea", who.tea, TEA, tea), ("jackets", who.stylist, COATS, coats)]
    {
        for (i, (caption, sku)) in captions.iter().zip(skus).enumerate() {
            out.push(Clip { creator, name: format!("{group}-{i}"), caption: caption.pick(zh), sku: *sku });
        }
    }
    out.push(Clip { creator: who.stylist, name: "fruit-0-sale".into(), caption: HARD_SELL.pick(zh), sku: fruit[0] });
    out
}

/// Posts the clips whose media is embedded; returns how many were posted.
pub async fn fill(state: &AppState, clips: &[Clip]) -> Result<usize> {
    let mut made = 0;
    for clip in clips {
        let Some(video) = media::file(&format!("videos/{}.mp4", clip.name)) else { continue };
        let product = state.db.sku(clip.sku).await?.product_id;
        let mut fields: HashMap<String, Vec<u8>> = HashMap::new();
        fields.insert("file".into(), video.to_vec());
        if let Some(poster) = media::file(&format!("videos/{}.jpg", clip.name)) {
            fields.insert("poster".into(), poster.to_vec());
        }
        fields.insert("caption".into(), clip.caption.as_bytes().to_vec());
        fields.insert(
            "anchors".into(),
            serde_json::json!([{"product_id": product, "sku_id": clip.sku.get(), "at_ms": 1000}]).to_string().into_bytes(),
        );
        let user = state.db.user(clip.creator).await?;
        crate::services::videos::publish(state, &user, fields).await.map_err(|e| e.message)?;
        made += 1;
    }
    Ok(made)
}

#[cfg(test)]
mod tests {
    use super::*;
    use haul_domain::content::hashtags;
    use haul_domain::feed::hard_sell::hard_sell;

    /// In both languages every caption has two hashtags, and only the hard
    /// sell is one; every clip's media is embedded.
    #[test]
    fn captions_have_tags_one_hard_sell_and_their_media() {
        let who = || Creators { farmer: UserId(1), tea: UserId(2), stylist: UserId(3) };
        let skus: Vec<SkuId> = (1..=15).map(SkuId).collect();
        for zh in [false, true] {
            let clips = clips(who(), zh, &skus, &skus, &skus);
            assert!(clips.len() >= 30);
            for clip in clips {
                let hard = clip.name.ends_with("sale");
                assert_eq!(hashtags(clip.caption).len(), if hard { 1 } else { 2 }, "{}", clip.caption);
                let score = hard_sell(clip.caption, 1, 8_000).score;
                if hard {
                    assert!(score >= 0.85, "{}: {score}", clip.caption);
                } else {
                    assert_eq!(score, 0.0, "{}", clip.caption);
                }
                assert!(media::file(&format!("videos/{}.mp4", clip.name)).is_some(), "{} is not embedded", clip.name);
                assert!(media::file(&format!("videos/{}.jpg", clip.name)).is_some(), "{} has no poster", clip.name);
            }
        }
    }
}
