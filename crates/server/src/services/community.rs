//! Leading a community: applying, which communities a person may see, and
//! the leader's own; where a store sits and how far it delivers.

use crate::AppState;
use crate::auth::require_shop_staff;
use crate::error::{AppError, AppResult};
use haul_domain::accounts::{Role, text};
use haul_domain::community::CommunityStatus;
use haul_domain::community::{GeoPoint, check_offset};
use haul_domain::ids::{CommunityId, ShopId};
use haul_domain::moderation::{OperatorAction, Subject};
use haul_store::accounts::User;
use haul_store::community::{Community, NewCommunity};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// China Standard Time, the default for leaders' cut-offs.
pub const DEFAULT_UTC_OFFSET_MINUTES: i64 = 8 * 60;

pub const MAX_RADIUS_M: i64 = 100_000;

#[derive(Deserialize, ToSchema)]
pub struct ApplyInput {
    pub name: String,
    /// The neighbourhood, e.g. "Chaoyang, Sanlitun".
    pub area: String,
    pub pickup_address: String,
    /// e.g. "Daily 08:00-21:00".
    pub pickup_hours: String,
    pub lat: f64,
    pub lng: f64,
    /// The leader's local time for cut-offs; +480 (UTC+8) by default.
    pub utc_offset_minutes: Option<i64>,
}

/// Validates and files an application; shared with the leader pages.
pub async fn apply_to_lead(state: &AppState, user: &User, input: &ApplyInput) -> AppResult<Community> {
    let name = text("name", &input.name, 80)?;
    let area = text("area", &input.area, 120)?;
    let address = text("pickup_address", &input.pickup_address, 200)?;
    let hours = text("pickup_hours", &input.pickup_hours, 80)?;
    let offset = input.utc_offset_minutes.unwrap_or(DEFAULT_UTC_OFFSET_MINUTES);
    check_offset(offset)?;
    let new = NewCommunity {
        name: &name,
        area: &area,
        pickup_address: &address,
        pickup_hours: &hours,
        point: GeoPoint::parse(input.lat, input.lng)?,
        utc_offset_minutes: offset,
    };
    Ok(state.db.apply_to_lead(user.user_id(), &new, state.clock.now()).await?)
}

/// A community as `viewer` may see it: approved ones are public; an
/// application only to its applicant and operators.
pub async fn visible_community(state: &AppState, viewer: Option<&User>, id: CommunityId) -> AppResult<Community> {
    let c = state.db.community(id).await?;
    let allowed = c.status == CommunityStatus::Approved || viewer.is_some_and(|u| u.id == c.leader_id || u.role() == Role::Operator);
    if allowed { Ok(c) } else { Err(AppError::not_found("community")) }
}

/// The approved community that `user` leads, or 403.
pub async fn led_by(state: &AppState, user: &User, id: CommunityId) -> AppResult<Community> {
    let c = state.db.community(id).await?;
    if c.leader_id != user.id && user.role() != Role::Operator {
        return Err(AppError::forbidden());
    }
    Ok(c)
}

/// Places a store and sets how far it delivers to pickup points; shared by
/// the API and the merchant's shop page.
pub async fn locate_shop(state: &AppState, user: &User, shop: ShopId, at: &LocationInput) -> AppResult<()> {
    require_shop_staff(state, user, shop).await?;
    let radius_m = at.delivery_radius_m.unwrap_or(3000);
    if !(0..=MAX_RADIUS_M).contains(&radius_m) {
        return Err(haul_domain::DomainError::invalid("delivery_radius_m", format!("between 0 and {MAX_RADIUS_M} metres")).into());
    }
    let point = haul_domain::places::point_or_city(at.lat, at.lng, at.city.as_deref())?;
    let address = haul_domain::accounts::optional_text("address", at.address.as_deref().unwrap_or(""), 200)?;
    Ok(state.db.set_shop_location(shop, point, &address, radius_m).await?)
}

/// Where a shop is: a city's centre to pick, or a latitude and longitude.
#[derive(Debug, Default, Deserialize, Serialize, ToSchema)]
pub struct LocationInput {
    pub lat: Option<f64>,
    pub lng: Option<f64>,
    /// A city from `GET /api/v1/places/cities` (its centre), instead of `lat` and `lng`.
    pub city: Option<String>,
    /// The street address shoppers come to (vouchers are used there).
    pub address: Option<String>,
    /// How far the store delivers to pickup points; 3000 by default.
    pub delivery_radius_m: Option<i64>,
}

/// An operator approves or rejects a leader's application, on the record.
pub async fn decide_leader(state: &AppState, operator: &User, id: CommunityId, approve: bool) -> AppResult<Community> {
    crate::services::moderation::require_operator(operator)?;
    let c = state.db.decide_community(id, approve, operator.user_id(), state.clock.now()).await?;
    state.sessions.forget_user(c.leader_id);
    let action = if approve { OperatorAction::ApproveLeader } else { OperatorAction::RejectLeader };
    let detail = serde_json::json!({"community": c.name, "pickup_address": c.pickup_address});
    crate::services::moderation::audit(state, operator, action, (Subject::Community, c.id), "", &detail).await?;
    Ok(c)
}
