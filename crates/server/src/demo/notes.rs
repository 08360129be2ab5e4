//! Demo notes: guides and reviews with pictures (embedded, see `media.rs`),
//! published through the same path as the studio's form. Buyers rate what
//! they bought; the tea house's tags earn commission and say so; one note
//! is sponsored, agreed by its author and by the shop.

use super::{Result, Text, media};
use crate::AppState;
use haul_domain::ids::{ProductId, ShopId, UserId};

pub struct Draft {
    pub author: UserId,
    pub title: Text,
    pub body: Text,
    /// Tagged products; the first is rated when `rating` is set.
    pub tags: Vec<ProductId>,
    pub rating: Option<i64>,
    /// The shop that paid for it: the author proposes, the shop accepts.
    pub sponsor: Option<(ShopId, UserId)>,
}

/// Publishes the drafts in order, the n-th with the pictures
/// `notes/<n>-*.jpg`; returns how many were published.
pub async fn fill(state: &AppState, drafts: Vec<Draft>, zh: bool) -> Result<usize> {
    let mut made = 0;
    for (n, d) in drafts.into_iter().enumerate() {
        let mut parts: Vec<(String, Vec<u8>)> = vec![
            ("title".into(), d.title.pick(zh).into()),
            ("body".into(), d.body.pick(zh).into()),
            (
                "tags".into(),
                serde_json::json!(d.tags.iter().map(|p| serde_json::json!({"product_id": p.get()})).collect::<Vec<_>>())
                    .to_string()
                    .into_bytes(),
            ),
        ];
        if let (Some(r), Some(p)) = (d.rating, d.tags.first()) {
            parts.push(("rating".into(), r.to_string().into_bytes()));
            parts.push(("rated_product_id".into(), p.get().to_string().into_bytes()));
        }
        if let Some((shop, _)) = d.sponsor {
            parts.push(("sponsored_by_shop_id".into(), shop.get().to_string().into_bytes()));
        }
        parts.extend(
            media::under("notes").filter(|(name, _)| name.starts_with(&format!("notes/{n}-"))).map(|(_, b)| ("images".into(), b.to_vec())),
        );
        let author = state.db.user(d.author).await?;
        let note = crate::services::notes::publish(state, &author, parts).await.map_err(|e| e.message)?;
        if let Some((shop, staff)) = d.sponsor {
            let staff = state.db.user(staff).await?;
            crate::services::notes::agree_sponsorship(state, &staff, note.detail.note.id, shop).await.map_err(|e| e.message)?;
        }
        made += 1;
    }
    Ok(made)
}
