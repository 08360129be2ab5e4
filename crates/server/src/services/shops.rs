//! Opening a shop: its owner becomes its first member.

use crate::AppState;
use crate::error::{AppError, AppResult};
use haul_domain::Currency;
use haul_domain::ErrorCode;
use haul_domain::accounts::{optional_text, text};
use haul_domain::catalog::slug;
use haul_domain::ids::{ShopId, UserId};
use haul_domain::moderation::ShopStatus;
use haul_store::catalog::{Shop, ShopOpening};
use serde::Deserialize;
use utoipa::ToSchema;

#[derive(Deserialize, ToSchema)]
pub struct NewShop {
    pub slug: String,
    pub name: String,
    #[serde(default)]
    pub description: String,
    /// ISO 4217; CNY by default.
    pub currency: Option<String>,
}

/// Validates and creates a shop owned by `owner`; shared with the merchant pages.
pub async fn open_shop(state: &AppState, owner: UserId, input: NewShop) -> AppResult<Shop> {
    let slug = slug(&input.slug)?;
    let name = text("name", &input.name, 60)?;
    let description = optional_text("description", &input.description, 2000)?;
    let currency = match input.currency.as_deref() {
        Some(c) => Currency::parse(c)?,
        None => Currency::CNY,
    };
    let status = if state.config.shops_open_before_review { ShopStatus::Active } else { ShopStatus::Pending };
    let opening = ShopOpening { owner, slug: &slug, name: &name, description: &description, currency: currency.as_str(), status };
    Ok(state.db.create_shop(&opening, state.clock.now()).await?)
}

/// A shop that may sell: approved and not suspended.
pub async fn require_selling(state: &AppState, shop: ShopId) -> AppResult<()> {
    if state.db.shop(shop).await?.status == ShopStatus::Active {
        Ok(())
    } else {
        Err(AppError::new(ErrorCode::ShopNotSelling, "the shop is awaiting approval or suspended, and sells nothing"))
    }
}
