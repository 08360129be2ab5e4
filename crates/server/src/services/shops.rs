//! Opening a shop: its owner becomes its first member.

use crate::AppState;
use crate::error::AppResult;
use haul_domain::Currency;
use haul_domain::accounts::{optional_text, text};
use haul_domain::catalog::slug;
use haul_domain::ids::UserId;
use haul_store::catalog::Shop;
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
    Ok(state.db.create_shop(owner, &slug, &name, &description, currency.as_str(), state.clock.now()).await?)
}
