//! Notes: publishing one with its pictures and tags, and sponsorship as an
//! agreement between author and shop.

use crate::AppState;
use crate::error::{AppError, AppResult};
use haul_domain::DomainError;
use haul_domain::accounts::text;
use haul_domain::ids::{NoteId, ProductId, ShopId};
use haul_store::accounts::User;
use haul_store::content::{NewNote, NoteDetail, Side, Sponsorship};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

pub const MAX_IMAGES: usize = 9;

pub const MAX_TAGS: usize = 10;

#[derive(Deserialize, Serialize, ToSchema)]
pub struct TagInput {
    pub product_id: i64,
    /// The tag earns you a commission: the note is labelled "commission link".
    #[serde(default)]
    pub commission: bool,
}

#[derive(Serialize, ToSchema)]
pub struct NoteView {
    #[serde(flatten)]
    pub detail: NoteDetail,
    pub image_urls: Vec<String>,
}

pub fn view(detail: NoteDetail) -> NoteView {
    let image_urls = detail.image_keys.iter().map(|k| crate::media::MediaStore::url(k)).collect();
    NoteView { detail, image_urls }
}

/// Validates and stores a note from its form parts; shared with the studio.
pub async fn publish(state: &AppState, user: &User, parts: Vec<(String, Vec<u8>)>) -> AppResult<NoteView> {
    let field = |name: &str| crate::media::text_field(&parts, name);
    let title = text("title", &field("title"), 100)?;
    let body = haul_domain::content::caption(&field("body"))?;
    let tags: Vec<TagInput> = match field("tags").as_str() {
        "" => Vec::new(),
        json => serde_json::from_str(json)
            .map_err(|e| DomainError::invalid("tags", format!("a JSON list of {{product_id, commission}}: {e}")))?,
    };
    if tags.len() > MAX_TAGS {
        return Err(DomainError::invalid("tags", format!("at most {MAX_TAGS}")).into());
    }
    let number = |name: &str| -> AppResult<Option<i64>> {
        match field(name).as_str() {
            "" => Ok(None),
            t => Ok(Some(t.parse().map_err(|_| DomainError::invalid("rating", format!("{name} is a number")))?)),
        }
    };
    let rating = match (number("rating")?, number("rated_product_id")?) {
        (None, None) => None,
        (Some(r), Some(p)) if (1..=5).contains(&r) => Some((p, r)),
        _ => return Err(DomainError::invalid("rating", "1 to 5 stars, with rated_product_id").into()),
    };
    let sponsored_by = number("sponsored_by_shop_id")?.map(ShopId);
    if let Some(shop) = sponsored_by {
        state.db.shop(shop).await?;
    }
    let keys = state.media.put_pictures("notes", &parts, "images", MAX_IMAGES).await?;
    // A tag on a product that pays the author commission is labelled
    // whatever the author declared.
    let mut tag_rows: Vec<(i64, bool)> = Vec::with_capacity(tags.len());
    for t in &tags {
        let pays = state.db.pays_commission(ProductId(t.product_id), user.user_id()).await?;
        tag_rows.push((t.product_id, t.commission || pays));
    }
    let new = NewNote { author: user.user_id(), title: &title, body: &body, image_keys: &keys, tags: &tag_rows, rating, sponsored_by };
    Ok(view(state.db.create_note(&new, state.clock.now()).await?))
}

/// Where a sponsorship stands: labelled once both sides agreed.
#[derive(Serialize, ToSchema)]
pub struct SponsorshipView {
    pub note_id: i64,
    pub shop_id: i64,
    pub author_agreed: bool,
    pub shop_agreed: bool,
    /// `proposed` (one side agreed) or `accepted` (the note is labelled).
    pub status: &'static str,
}

impl From<Sponsorship> for SponsorshipView {
    fn from(s: Sponsorship) -> Self {
        let (author_agreed, shop_agreed) = (s.author_agreed == 1, s.shop_agreed == 1);
        let status = if author_agreed && shop_agreed { "accepted" } else { "proposed" };
        SponsorshipView { note_id: s.note_id, shop_id: s.shop_id, author_agreed, shop_agreed, status }
    }
}

/// The caller agrees that the shop sponsors the note: as its author, or as
/// the shop's staff (or both). Shared with the note page.
pub async fn agree_sponsorship(state: &AppState, user: &User, id: i64, shop: ShopId) -> AppResult<SponsorshipView> {
    let note = state.db.note(NoteId(id)).await?.note;
    state.db.shop(shop).await?;
    let mut sides = Vec::new();
    if note.author_id == user.id {
        sides.push(Side::Author);
    }
    // The shop's own staff only: an operator may run every shop, but does
    // not agree to pay for notes in a shop's name.
    if state.db.shop_role(shop, user.user_id()).await?.is_some() {
        sides.push(Side::Shop);
    }
    if sides.is_empty() {
        return Err(AppError::forbidden());
    }
    let mut agreement = None;
    for side in sides {
        agreement = Some(state.db.agree_sponsorship(NoteId(id), shop, side, state.clock.now()).await?);
    }
    agreement.map(SponsorshipView::from).ok_or_else(AppError::forbidden)
}
