//! Demo videos: short test-pattern clips made with ffmpeg (when it is
//! installed; otherwise the demo has no videos and says so), posted by three
//! creators through the same path as an upload, each with a product card.
//! One caption sells hard, to show what the content-first policy does.

use super::Result;
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
pub fn clips(who: Creators, fruit: &[SkuId], tea: &[SkuId], coats: &[SkuId]) -> Vec<Clip> {
    vec![
        Clip {
            creator: who.farmer,
            source: "testsrc2",
            caption: "Sunrise harvest in Ganzhou: how we pick navel oranges #oranges #farm",
            sku: fruit[0],
        },
        Clip { creator: who.tea, source: "smptebars", caption: "Rolling green tea leaves by hand, one morning #tea #craft", sku: tea[0] },
        Clip { creator: who.stylist, source: "mandelbrot", caption: "Three ways to layer for minus twenty #winter #outfit", sku: coats[0] },
        Clip { creator: who.farmer, source: "rgbtestsrc", caption: "Mango season: ripen them on the counter #mango #fruit", sku: fruit[4] },
        Clip { creator: who.stylist, source: "testsrc", caption: "ONLY ¥9.9 TODAY!!! Buy now, link below, 50% off #deal", sku: fruit[0] },
        Clip { creator: who.tea, source: "cellauto", caption: "What makes oolong taste roasted? #tea #oolong", sku: tea[1] },
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
