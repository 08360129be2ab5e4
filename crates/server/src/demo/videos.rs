//! Demo videos: short test-pattern clips made with ffmpeg (when it is
//! installed; otherwise the demo has no videos and says so), posted by three
//! creators through the same path as an upload, each with a product card.
//! One caption sells hard, to show what the content-first policy does.
//! Captions are English or Chinese, with hashtags in the same language.

use super::{Result, Text};
use crate::AppState;
use haul_domain::ids::{SkuId, UserId};
use std::collections::HashMap;

pub struct Clip {
    pub creator: UserId,
    pub source: &'static str,
    pub caption: &'static str,
    pub sku: SkuId,
}

pub struct Creators {
    pub farmer: UserId,
    pub tea: UserId,
    pub stylist: UserId,
}

/// What the demo posts: one video per product card, one of them a hard sell.
pub fn clips(who: Creators, zh: bool, fruit: &[SkuId], tea: &[SkuId], coats: &[SkuId]) -> Vec<Clip> {
    let clip = |creator, source, caption: Text, sku| Clip { creator, source, caption: caption.pick(zh), sku };
    vec![
        clip(
            who.farmer,
            "testsrc2",
            Text(
                "Sunrise harvest in Ganzhou: how we pick navel oranges #oranges #farm",
                "赣州日出时分，看看脐橙是怎么摘下来的 #赣南脐橙 #果园直发",
            ),
            fruit[0],
        ),
        clip(
            who.tea,
            "smptebars",
            Text("Rolling green tea leaves by hand, one morning #tea #craft", "一个清晨，手工揉捻绿茶 #绿茶 #手工制茶"),
            tea[0],
        ),
        clip(
            who.stylist,
            "mandelbrot",
            Text("Three ways to layer for minus twenty #winter #outfit", "零下二十度的三种叠穿法 #冬季穿搭 #保暖"),
            coats[0],
        ),
        clip(
            who.farmer,
            "rgbtestsrc",
            Text("Mango season: ripen them on the counter #mango #fruit", "芒果季：放在台面上自然催熟 #芒果 #水果"),
            fruit[4],
        ),
        clip(
            who.stylist,
            "testsrc",
            Text("ONLY ¥9.9 TODAY!!! Buy now, link below, 50% off #deal", "今天只要 ¥9.9！！！立即下单，点击下方链接，全场5折 #福利"),
            fruit[0],
        ),
        clip(
            who.tea,
            "cellauto",
            Text("What makes oolong taste roasted? #tea #oolong", "乌龙茶的焙火香是怎么来的？ #乌龙茶 #铁观音"),
            tea[1],
        ),
    ]
}

async fn make(source: &str, path: &std::path::Path) -> bool {
    tokio::process::Command::new("ffmpeg")
        .args(["-y", "-loglevel", "error", "-f", "lavfi", "-i"])
        .arg(format!("{source}=size=360x640:rate=24"))
        .args(["-f", "lavfi", "-i", "sine=frequency=330", "-t", "8", "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"])
        .args(["-c:a", "aac", "-shortest", "-movflags", "+faststart"])
        .arg(path)
        .status()
        .await
        .is_ok_and(|s| s.success())
}

/// Posts the clips; returns how many were made.
pub async fn fill(state: &AppState, clips: &[Clip]) -> Result<usize> {
    let dir = state.config.data_dir.join("demo-videos");
    tokio::fs::create_dir_all(&dir).await?;
    let mut made = 0;
    for (i, clip) in clips.iter().enumerate() {
        let path = dir.join(format!("clip{i}.mp4"));
        if !make(clip.source, &path).await {
            println!(
                "ffmpeg is not installed (or failed): the demo has no videos. Install ffmpeg and run `haul demo` on a fresh data dir."
            );
            break;
        }
        let bytes = tokio::fs::read(&path).await?;
        let _ = tokio::fs::remove_file(&path).await;
        let product = state.db.sku(clip.sku).await?.product_id;
        let mut fields: HashMap<String, Vec<u8>> = HashMap::new();
        fields.insert("file".into(), bytes);
        fields.insert("caption".into(), clip.caption.as_bytes().to_vec());
        fields.insert(
            "anchors".into(),
            serde_json::json!([{"product_id": product, "sku_id": clip.sku.get(), "at_ms": 1000}]).to_string().into_bytes(),
        );
        let user = state.db.user(clip.creator).await?;
        crate::services::videos::publish(state, &user, fields).await.map_err(|e| e.message)?;
        made += 1;
    }
    let _ = tokio::fs::remove_dir(&dir).await;
    Ok(made)
}

#[cfg(test)]
mod tests {
    use super::*;
    use haul_domain::content::hashtags;
    use haul_domain::feed::hard_sell::hard_sell;

    /// In both languages every caption has two hashtags, and only the hard
    /// sell is one.
    #[test]
    fn captions_have_tags_and_one_hard_sell_in_both_languages() {
        let who = || Creators { farmer: UserId(1), tea: UserId(2), stylist: UserId(3) };
        let skus: Vec<SkuId> = (1..=6).map(SkuId).collect();
        for zh in [false, true] {
            for clip in clips(who(), zh, &skus, &skus, &skus) {
                let hard = clip.source == "testsrc";
                assert_eq!(hashtags(clip.caption).len(), if hard { 1 } else { 2 }, "{}", clip.caption);
                let score = hard_sell(clip.caption, 1, 8_000).score;
                if hard {
                    assert!(score >= 0.85, "{}: {score}", clip.caption);
                } else {
                    assert_eq!(score, 0.0, "{}", clip.caption);
                }
            }
        }
    }
}
