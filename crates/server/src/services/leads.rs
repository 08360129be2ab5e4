//! Asking a shop for a quote, and the shop's lead inbox: the buyer asks
//! from the product page, a video's card or a live room's bag; the shop's
//! staff see the contact, move the lead on, keep notes and reply. A lead is
//! never a sale (docs/ANALYTICS.md).

use crate::AppState;
use crate::auth::{can_manage_shop, require_shop_staff};
use crate::error::{AppError, AppResult};
use haul_domain::affiliate::TouchKind;
use haul_domain::catalog::{ListingKind, ProductStatus};
use haul_domain::ids::{ProductId, RoomId, ShopId};
use haul_domain::leads::{LeadForm, LeadStatus, check_note};
use haul_domain::live::RoomStatus;
use haul_domain::page::PageRequest;
use haul_domain::{DomainError, ErrorCode};
use haul_store::accounts::User;
use haul_store::leads::{Asked, Lead, LeadCount, LeadMessage};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct LeadInput {
    pub quantity: i64,
    pub province: String,
    pub city: String,
    pub budget_min_minor: Option<i64>,
    pub budget_max_minor: Option<i64>,
    /// A phone number or an e-mail address.
    pub contact: String,
    /// `any` (the default), `morning`, `afternoon` or `evening`.
    pub contact_time: Option<String>,
    #[serde(default)]
    pub message: String,
    /// Asked from this video's product card: the video is credited.
    pub video_id: Option<i64>,
    /// Asked from this live room's bag: the room is credited.
    pub room_id: Option<i64>,
}

/// A lead with what its reader may see of its conversation.
#[derive(Debug, Serialize, ToSchema)]
pub struct LeadView {
    #[serde(flatten)]
    pub lead: Lead,
    /// Replies (and, for the shop's staff, notes), oldest first.
    pub messages: Vec<LeadMessage>,
}

/// A product that can be asked about: on sale, and sold by quote.
pub async fn quotable(state: &AppState, product: i64) -> AppResult<haul_store::catalog::Product> {
    let p = state.db.product(ProductId(product)).await?;
    if p.status != ProductStatus::Active {
        return Err(AppError::not_found("product"));
    }
    if p.kind() != ListingKind::Quote {
        return Err(DomainError::invalid("product_id", "a product sold by quote (this one is bought: add it to the cart)").into());
    }
    crate::services::shops::require_selling(state, ShopId(p.shop_id)).await?;
    Ok(p)
}

/// A buyer asks for a quote; one open request per product, a few an hour
/// (only asks that would be recorded count against the hour).
pub async fn ask(state: &AppState, user: &User, product: i64, input: &LeadInput) -> AppResult<Lead> {
    let form = LeadForm {
        quantity: input.quantity,
        province: input.province.clone(),
        city: input.city.clone(),
        budget_min_minor: input.budget_min_minor,
        budget_max_minor: input.budget_max_minor,
        contact: input.contact.clone(),
        contact_time: input.contact_time.clone(),
        message: input.message.clone(),
    };
    let request = form.check()?;
    let p = quotable(state, product).await?;
    let live_room = match input.room_id {
        Some(id) => {
            let room = state.db.room(RoomId(id)).await?;
            if room.status != RoomStatus::Live || !state.db.in_bag(RoomId(id), p.id).await? {
                return Err(AppError::new(ErrorCode::NotInBag, "this product is not in a live room's bag"));
            }
            Some((room.id, room.host_id))
        }
        None => None,
    };
    if state.db.has_open_lead(user.user_id(), ProductId(p.id)).await? {
        return Err(AppError::new(ErrorCode::LeadOpen, "you have an open request for a quote on this product"));
    }
    if !state.lead_limiter.take(&format!("u:{}", user.id)) {
        return Err(AppError::new(ErrorCode::RateLimited, "too many requests for a quote: try again later"));
    }
    if let Some(video) = input.video_id {
        crate::services::earnings::record_touch(state, user, p.id, TouchKind::Video, video).await?;
    }
    let asked = Asked { buyer: user.user_id(), product: ProductId(p.id), live_room };
    let mut lead = state.db.create_lead(asked, &request, state.clock.now()).await?;
    lead.hide_attribution();
    Ok(lead)
}

/// A lead, for its buyer (replies only, not what produced it) or whoever
/// manages the shop: its staff and the operators (notes too); nobody else.
pub async fn read(state: &AppState, user: &User, id: i64) -> AppResult<LeadView> {
    let mut lead = state.db.lead(id).await.map_err(|_| AppError::not_found("lead"))?;
    let staff = can_manage_shop(state, user, ShopId(lead.shop_id)).await?;
    if !staff && lead.buyer_id != user.id {
        return Err(AppError::not_found("lead"));
    }
    if !staff {
        lead.hide_attribution();
    }
    let messages = state.db.lead_messages(id, !staff).await?;
    Ok(LeadView { lead, messages })
}

/// A shop's leads, newest first, for its staff.
pub async fn inbox(
    state: &AppState,
    user: &User,
    shop: ShopId,
    status: Option<&str>,
    page: &PageRequest,
) -> AppResult<haul_domain::page::Page<Lead>> {
    require_shop_staff(state, user, shop).await?;
    let status = match status {
        None | Some("") => None,
        Some(s) => Some(LeadStatus::parse(s).map_err(|_| DomainError::invalid("status", "new, contacted, quoted, won or lost"))?),
    };
    Ok(state.db.shop_leads(shop, status, page).await?)
}

/// The staff move a lead on (from the status they saw).
pub async fn set_status(state: &AppState, user: &User, id: i64, to: &str) -> AppResult<Lead> {
    let lead = read(state, user, id).await?.lead;
    require_shop_staff(state, user, ShopId(lead.shop_id)).await?;
    let to = LeadStatus::parse(to).map_err(|_| DomainError::invalid("status", "contacted, quoted, won or lost"))?;
    Ok(state.db.set_lead_status(id, lead.status, to, state.clock.now()).await?)
}

/// A note (staff only) or a reply (the buyer or the staff); a staff reply tells the buyer.
pub async fn write(state: &AppState, user: &User, id: i64, reply: bool, text: &str) -> AppResult<LeadMessage> {
    let lead = read(state, user, id).await?.lead;
    let staff = can_manage_shop(state, user, ShopId(lead.shop_id)).await?;
    if !reply && !staff {
        return Err(AppError::not_found("lead"));
    }
    let body = check_note(text)?;
    if !state.lead_message_limiter.take(&format!("u:{}", user.id)) {
        return Err(AppError::new(ErrorCode::RateLimited, "too many messages: wait a minute"));
    }
    let message = state.db.add_lead_message(id, user.user_id(), reply, &body, state.clock.now()).await?;
    if reply && staff {
        crate::services::notifications::lead_answered(state, user, lead.buyer_id, id, &body).await;
    }
    Ok(message)
}

/// A shop's leads over the span, by province and by the content that produced them.
#[derive(Debug, Serialize, ToSchema)]
pub struct LeadFigures {
    pub by_region: Vec<LeadCount>,
    pub by_content: Vec<LeadCount>,
}

pub async fn figures(state: &AppState, user: &User, shop: ShopId, from: i64, to: i64) -> AppResult<LeadFigures> {
    require_shop_staff(state, user, shop).await?;
    let (by_region, by_content) = state.db.lead_counts(shop, from, to).await?;
    Ok(LeadFigures { by_region, by_content })
}
