//! "Near me": shops with a location, nearest first, from the shopper's
//! position (asked in the browser) or a city they pick.

use super::layout::{CsrfToken, Layout, PageResult, money, render};
use crate::AppState;
use crate::auth::WebUser;
use crate::extract::Query;
use crate::i18n::Lang;
use askama::Template;
use axum::Extension;
use axum::extract::State;
use haul_domain::places::{CITIES, distance_text, point_or_city};
use serde::Deserialize;

/// Each listed city as `(slug, name in the page's language)`.
pub fn city_names(lang: Lang) -> Vec<(&'static str, &'static str)> {
    CITIES.iter().map(|c| (c.slug, if lang == Lang::Zh { c.name_zh } else { c.name_en })).collect()
}

#[derive(Deserialize, Default)]
pub struct NearQuery {
    pub lat: Option<f64>,
    pub lng: Option<f64>,
    pub city: Option<String>,
}

struct NearRow {
    href: String,
    name: String,
    address: String,
    distance: String,
    vouchers: String,
}

#[derive(Template)]
#[template(path = "near.html")]
struct NearPage {
    layout: Layout,
    cities: Vec<(&'static str, &'static str)>,
    city: String,
    /// Where the list is measured from, once the shopper said.
    from: Option<String>,
    rows: Vec<NearRow>,
    error: String,
}

/// `/near`: without a position, the page asks for one.
pub async fn near(
    State(state): State<AppState>,
    WebUser(user): WebUser,
    Extension(csrf): Extension<CsrfToken>,
    Query(q): Query<NearQuery>,
) -> PageResult {
    let lang = crate::i18n::current();
    let city = q.city.clone().unwrap_or_default();
    let asked = q.lat.is_some() || q.lng.is_some() || !city.trim().is_empty();
    let (mut rows, mut from, mut error) = (Vec::new(), None, String::new());
    if asked {
        match point_or_city(q.lat, q.lng, q.city.as_deref()) {
            Ok(origin) => {
                from = Some(match city_names(lang).into_iter().find(|c| c.0 == city.trim()) {
                    Some((_, name)) => name.to_owned(),
                    None => lang.t("near-your-position"),
                });
                for s in crate::services::vouchers::near(&state, origin).await? {
                    let vouchers = match s.shop.voucher_from_minor {
                        Some(from) if s.shop.vouchers > 0 => {
                            lang.t_args("near-vouchers", &[("n", s.shop.vouchers.to_string()), ("price", money(from, &s.shop.currency))])
                        }
                        _ => String::new(),
                    };
                    rows.push(NearRow {
                        href: format!("/shops/{}", s.shop.slug),
                        name: s.shop.name,
                        address: s.shop.address,
                        distance: distance_text(s.distance_m as f64),
                        vouchers,
                    });
                }
            }
            Err(e) => error = crate::error::AppError::from(e).message_in(lang),
        }
    }
    Ok(render(&NearPage { layout: Layout::new(user, &csrf), cities: city_names(lang), city, from, rows, error }))
}
