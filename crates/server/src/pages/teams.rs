//! Team-buy pages: the team page with its share link, members and countdown,
//! and the buttons that open or join a team (each leads to the order to pay).

use super::layout::{CheckedForm, CsrfToken, Layout, PageResult, SignedIn, form_key, money, render, to_order};
use crate::AppState;
use crate::auth::WebUser;
use crate::extract::Path;
use crate::services::teams::{TeamView, take_seat, team_view};
use askama::Template;
use axum::Extension;
use axum::extract::State;
use haul_domain::ids::{TeamId, TeamOfferId};
use haul_store::teams::{Team, TeamOffer};
use serde::Deserialize;

/// A team offer as the product page shows it.
pub struct OfferCard {
    pub id: i64,
    pub price: String,
    pub size: i64,
    pub hours: String,
    pub tiers: String,
    /// `(team id, members, needed)` of teams others can join.
    pub open_teams: Vec<(i64, i64, i64)>,
    pub key: String,
}

pub fn offer_cards(offers: &[(TeamOffer, Vec<Team>)]) -> Result<Vec<OfferCard>, crate::error::AppError> {
    let mut cards = Vec::with_capacity(offers.len());
    for (o, teams) in offers {
        let terms = o.terms()?;
        cards.push(OfferCard {
            id: o.id,
            price: money(o.start_price_minor, &o.currency),
            size: o.min_size,
            hours: duration(o.time_limit_seconds),
            tiers: terms
                .tiers()
                .iter()
                .map(|(m, p)| crate::i18n::current().t_args("team-tier", &[("price", money(*p, &o.currency)), ("people", m.to_string())]))
                .collect::<Vec<_>>()
                .join(" · "),
            open_teams: teams.iter().map(|t| (t.id, t.members, (o.min_size - t.members).max(0))).collect(),
            key: crate::auth::random_token()[..32].to_owned(),
        });
    }
    Ok(cards)
}

fn duration(seconds: i64) -> String {
    let lang = crate::i18n::current();
    match seconds {
        s if s % 86_400 == 0 => lang.t_with("duration-days", "n", s / 86_400),
        s if s % 3600 == 0 => lang.t_with("duration-hours", "n", s / 3600),
        s => lang.t_with("duration-minutes", "n", s / 60),
    }
}

#[derive(Template)]
#[template(path = "team.html")]
struct TeamPage {
    layout: Layout,
    v: TeamView,
    price: String,
    start_price: String,
    share_url: String,
    /// The viewer's own order in this team, if any.
    mine: Option<i64>,
    key: String,
    /// The countdown's markup; the sentence around it comes from the
    /// resource files, and team.js ticks it in the page's language.
    countdown: String,
}

/// The countdown of a forming team: `seconds` left, counted down in the page.
fn countdown(seconds: i64) -> String {
    let lang = crate::i18n::current();
    let attr = |s: String| s.replace('&', "&amp;").replace('"', "&quot;").replace('<', "&lt;").replace('>', "&gt;");
    format!(
        r#"<span class="countdown" data-left="{seconds}" data-format="{}">{}</span>"#,
        attr(lang.t_with("team-page-left", "time", "{time}")),
        attr(lang.t("team-page-time-left")),
    )
}

pub async fn team(
    State(state): State<AppState>,
    WebUser(user): WebUser,
    Extension(csrf): Extension<CsrfToken>,
    headers: axum::http::HeaderMap,
    Path(id): Path<i64>,
) -> PageResult {
    let v = team_view(&state, TeamId(id)).await?;
    let mine = match &user {
        Some(u) => state.db.team_order_of(TeamId(id), u.user_id()).await?,
        None => None,
    };
    // The configured address, else the one this browser used.
    let host = headers.get(axum::http::header::HOST).and_then(|h| h.to_str().ok()).map(|h| format!("http://{h}"));
    let base = state.config.public_url.clone().or(host).unwrap_or_default();
    let page = TeamPage {
        layout: Layout::new(user, &csrf),
        price: money(v.price_now_minor, &v.offer.currency),
        start_price: money(v.offer.start_price_minor, &v.offer.currency),
        share_url: format!("{}{}", base.trim_end_matches('/'), v.share_path),
        mine,
        key: crate::auth::random_token()[..32].to_owned(),
        countdown: countdown(v.seconds_left.unwrap_or(0)),
        v,
    };
    Ok(render(&page))
}

#[derive(Deserialize)]
pub struct KeyForm {
    key: String,
}

pub async fn open(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    Path(offer): Path<i64>,
    CheckedForm(f): CheckedForm<KeyForm>,
) -> PageResult {
    Ok(to_order(&take_seat(&state, &user, Ok(TeamOfferId(offer)), &form_key(&f.key)).await?))
}

pub async fn join(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    Path(team): Path<i64>,
    CheckedForm(f): CheckedForm<KeyForm>,
) -> PageResult {
    Ok(to_order(&take_seat(&state, &user, Err(TeamId(team)), &form_key(&f.key)).await?))
}
