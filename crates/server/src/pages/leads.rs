//! Requests for a quote as people use them: the buyer's form (from the
//! product page, a video's card or a live room's bag, errors beside their
//! fields), the buyer's requests and each one's conversation, and the
//! shop's inbox with its figures by province and by video.

use super::layout::{CheckedForm, CsrfToken, Layout, PageResult, SignedIn, money, render, see_other_saying};
use crate::AppState;
use crate::error::AppError;
use crate::extract::{Path, Query};
use crate::services::leads::{self, LeadInput};
use askama::Template;
use axum::Extension;
use axum::extract::State;
use haul_domain::ErrorCode;
use haul_domain::delivery::PROVINCES;
use haul_domain::ids::ShopId;
use haul_domain::leads::{ContactTime, LeadStatus};
use haul_domain::page::PageRequest;
use haul_store::accounts::User;
use haul_store::leads::{Lead, LeadCount, LeadMessage};
use serde::Deserialize;

/// The form's fields, as typed (kept when a field is refused).
#[derive(Deserialize, Default, Clone)]
pub struct QuoteForm {
    #[serde(default)]
    quantity: String,
    #[serde(default)]
    province: String,
    #[serde(default)]
    city: String,
    /// Yuan, as typed.
    #[serde(default)]
    budget_min: String,
    #[serde(default)]
    budget_max: String,
    #[serde(default)]
    contact: String,
    #[serde(default)]
    contact_time: String,
    #[serde(default)]
    message: String,
    video_id: Option<i64>,
    room_id: Option<i64>,
}

const FIELDS: &[&str] = &["quantity", "province", "city", "budget_min_minor", "budget_max_minor", "contact", "contact_time", "message"];

impl QuoteForm {
    fn input(&self) -> Result<LeadInput, AppError> {
        let yuan = |field: &'static str, raw: &str| -> Result<Option<i64>, AppError> {
            let raw = raw.trim().replace(',', "");
            if raw.is_empty() {
                return Ok(None);
            }
            let bad = || haul_domain::DomainError::invalid(field, "an amount in yuan");
            let value: f64 = raw.parse().map_err(|_| bad())?;
            if !value.is_finite() {
                return Err(bad().into());
            }
            Ok(Some((value * 100.0).round() as i64))
        };
        Ok(LeadInput {
            quantity: self.quantity.trim().parse().map_err(|_| haul_domain::DomainError::invalid("quantity", "a number"))?,
            province: self.province.clone(),
            city: self.city.clone(),
            budget_min_minor: yuan("budget_min_minor", &self.budget_min)?,
            budget_max_minor: yuan("budget_max_minor", &self.budget_max)?,
            contact: self.contact.clone(),
            contact_time: Some(self.contact_time.clone()),
            message: self.message.clone(),
            video_id: self.video_id,
            room_id: self.room_id,
        })
    }
}

#[derive(Template)]
#[template(path = "lead_new.html")]
struct QuotePage {
    layout: Layout,
    product_id: i64,
    title: String,
    shop_name: String,
    form: QuoteForm,
    provinces: Vec<(&'static str, &'static str)>,
    /// `(value, words)` of each time to call.
    times: Vec<(&'static str, String)>,
    err_field: String,
    err_text: String,
}

/// A province's name in the page's language, from its code (or as it was typed).
fn province_name(code: &str) -> String {
    let zh = crate::i18n::current() == crate::i18n::Lang::Zh;
    PROVINCES.iter().find(|p| p.code == code).map_or_else(|| code.to_owned(), |p| (if zh { p.zh } else { p.en }).to_owned())
}

async fn quote_page(state: &AppState, user: User, csrf: &CsrfToken, product: i64, form: QuoteForm, error: Option<AppError>) -> PageResult {
    let lang = crate::i18n::current();
    let p = leads::quotable(state, product).await?;
    let shop_name = state.db.shop(ShopId(p.shop_id)).await?.name;
    let (err_field, err_text) = match error {
        None => (String::new(), String::new()),
        Some(e) => match e.message.split_once(':') {
            Some((field, _)) if e.code == ErrorCode::ValidationFailed && FIELDS.contains(&field) => {
                (field.to_owned(), lang.t(&format!("lead-hint-{}", field.trim_end_matches("_minor").replace('_', "-"))))
            }
            _ => (String::new(), e.message_in(lang)),
        },
    };
    let zh = lang == crate::i18n::Lang::Zh;
    let provinces = PROVINCES.iter().map(|p| (p.code, if zh { p.zh } else { p.en })).collect();
    let times = ContactTime::ALL.iter().map(|t| (t.as_str(), lang.t(&format!("lead-time-{}", t.as_str())))).collect();
    Ok(render(&QuotePage {
        layout: Layout::new(Some(user), csrf),
        product_id: p.id,
        title: p.title,
        shop_name,
        form,
        provinces,
        times,
        err_field,
        err_text,
    }))
}

#[derive(Deserialize)]
pub struct Origin {
    video_id: Option<i64>,
    room_id: Option<i64>,
}

/// `/products/{id}/quote`: the form, with where it was opened from.
pub async fn new(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    Extension(csrf): Extension<CsrfToken>,
    Path(id): Path<i64>,
    Query(origin): Query<Origin>,
) -> PageResult {
    let form = QuoteForm { quantity: "1".into(), video_id: origin.video_id, room_id: origin.room_id, ..QuoteForm::default() };
    quote_page(&state, user, &csrf, id, form, None).await
}

pub async fn create(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    Extension(csrf): Extension<CsrfToken>,
    Path(id): Path<i64>,
    CheckedForm(f): CheckedForm<QuoteForm>,
) -> PageResult {
    let asked = match f.input() {
        Ok(input) => leads::ask(&state, &user, id, &input).await,
        Err(e) => Err(e),
    };
    match asked {
        Ok(lead) => Ok(see_other_saying(&format!("/leads/{}", lead.id), &crate::i18n::current().t("lead-sent"))),
        Err(e) if e.status().is_client_error() => quote_page(&state, user, &csrf, id, f, Some(e)).await,
        Err(e) => Err(e.into()),
    }
}

/// A lead as a row of a list.
pub struct LeadRow {
    pub id: i64,
    pub title: String,
    pub who: String,
    pub region: String,
    pub status: String,
    pub status_class: &'static str,
    pub when: i64,
}

fn row(l: &Lead) -> LeadRow {
    LeadRow {
        id: l.id,
        title: l.title.clone(),
        who: l.buyer_name.clone(),
        region: format!("{} {}", province_name(&l.province), l.city),
        status: status_word(l.status),
        status_class: match l.status {
            LeadStatus::Won => "ok",
            LeadStatus::Lost => "muted",
            _ => "",
        },
        when: l.created_at,
    }
}

fn status_word(s: LeadStatus) -> String {
    crate::i18n::current().t(&format!("lead-status-{}", s.as_str()))
}

#[derive(Template)]
#[template(path = "leads.html")]
struct LeadsPage {
    layout: Layout,
    /// The shop's inbox (its id and name), or the buyer's own requests.
    shop: Option<(i64, String)>,
    status: String,
    tabs: Vec<(&'static str, String)>,
    leads: Vec<LeadRow>,
    next: Option<String>,
    by_region: Vec<(String, i64, i64)>,
    by_content: Vec<(String, String, i64, i64)>,
}

#[derive(Deserialize)]
pub struct ListQuery {
    status: Option<String>,
    cursor: Option<String>,
}

/// `/leads`: the requests for a quote the person sent.
pub async fn mine(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    Extension(csrf): Extension<CsrfToken>,
    Query(q): Query<ListQuery>,
) -> PageResult {
    let page = state.db.buyer_leads(user.user_id(), &PageRequest::parse(Some(20), q.cursor.as_deref())?).await?;
    Ok(render(&LeadsPage {
        layout: Layout::new(Some(user), &csrf),
        shop: None,
        status: String::new(),
        tabs: Vec::new(),
        leads: page.items.iter().map(row).collect(),
        next: page.next_cursor,
        by_region: Vec::new(),
        by_content: Vec::new(),
    }))
}

/// `/merchant/shops/{id}/leads`: the shop's inbox, by status, with the last 30 days' figures.
pub async fn inbox(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    Extension(csrf): Extension<CsrfToken>,
    Path(shop): Path<i64>,
    Query(q): Query<ListQuery>,
) -> PageResult {
    let lang = crate::i18n::current();
    let page = PageRequest::parse(Some(20), q.cursor.as_deref())?;
    let list = leads::inbox(&state, &user, ShopId(shop), q.status.as_deref(), &page).await?;
    let span = haul_domain::analytics::DaySpan::parse(None, None, crate::services::analytics::DEFAULT_OFFSET_MINUTES, state.clock.now())?;
    let figures = leads::figures(&state, &user, ShopId(shop), span.from, span.to).await?;
    let counts = |c: &LeadCount| (c.leads, c.won);
    let mut by_content = Vec::new();
    for c in &figures.by_content {
        let (name, href) = match (haul_domain::affiliate::TouchKind::parse(&c.key), c.key_id) {
            (Ok(kind), Some(id)) => {
                let (label, href) = super::earnings::content_link(lang, kind, id);
                (crate::services::earnings::content_title(&state, kind, id).await.unwrap_or(label), href)
            }
            _ => (lang.t("lead-direct"), String::new()),
        };
        let (leads, won) = counts(c);
        by_content.push((name, href, leads, won));
    }
    let mut tabs = vec![("", lang.t("lead-all"))];
    tabs.extend(LeadStatus::ALL.iter().map(|s| (s.as_str(), status_word(*s))));
    Ok(render(&LeadsPage {
        layout: Layout::new(Some(user), &csrf),
        shop: Some((shop, state.db.shop(ShopId(shop)).await?.name)),
        status: q.status.unwrap_or_default(),
        tabs,
        leads: list.items.iter().map(row).collect(),
        next: list.next_cursor,
        by_region: figures.by_region.iter().map(|c| (province_name(&c.key), c.leads, c.won)).collect(),
        by_content,
    }))
}

#[derive(Template)]
#[template(path = "lead.html")]
struct LeadPage {
    layout: Layout,
    lead: Lead,
    staff: bool,
    region: String,
    status: String,
    budget: String,
    contact_time: String,
    /// Where it came from (a video, a room...), with its link.
    source: Option<(String, String)>,
    messages: Vec<LeadMessage>,
    /// The statuses the staff may move it to.
    next: Vec<(&'static str, String)>,
}

/// `/leads/{id}`: the request and its conversation, for its buyer or the shop's staff.
pub async fn view(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    Extension(csrf): Extension<CsrfToken>,
    Path(id): Path<i64>,
) -> PageResult {
    let lang = crate::i18n::current();
    let v = leads::read(&state, &user, id).await?;
    let staff = crate::auth::can_manage_shop(&state, &user, ShopId(v.lead.shop_id)).await?;
    let l = &v.lead;
    let budget = match (l.budget_min_minor, l.budget_max_minor) {
        (Some(a), Some(b)) => format!("{} – {}", money(a, &l.currency), money(b, &l.currency)),
        (Some(a), None) => format!("≥ {}", money(a, &l.currency)),
        (None, Some(b)) => format!("≤ {}", money(b, &l.currency)),
        (None, None) => "—".to_owned(),
    };
    let source = match (l.touch_kind.as_deref().map(haul_domain::affiliate::TouchKind::parse), l.touch_id) {
        (Some(Ok(kind)), Some(id)) if staff => {
            let (label, href) = super::earnings::content_link(lang, kind, id);
            Some((crate::services::earnings::content_title(&state, kind, id).await.unwrap_or(label), href))
        }
        _ => None,
    };
    let next = if staff {
        LeadStatus::ALL.iter().filter(|s| l.status.may_become(**s)).map(|s| (s.as_str(), status_word(*s))).collect()
    } else {
        Vec::new()
    };
    Ok(render(&LeadPage {
        layout: Layout::new(Some(user), &csrf),
        region: format!("{} {}", province_name(&l.province), l.city),
        status: status_word(l.status),
        contact_time: lang.t(&format!("lead-time-{}", l.contact_time)),
        budget,
        source,
        next,
        staff,
        messages: v.messages,
        lead: v.lead,
    }))
}

#[derive(Deserialize)]
pub struct MessageForm {
    text: String,
    kind: Option<String>,
}

pub async fn write(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    Path(id): Path<i64>,
    CheckedForm(f): CheckedForm<MessageForm>,
) -> PageResult {
    let reply = f.kind.as_deref() != Some("note");
    leads::write(&state, &user, id, reply, &f.text).await?;
    let said = crate::i18n::current().t(if reply { "lead-replied" } else { "lead-noted" });
    Ok(see_other_saying(&format!("/leads/{id}#messages"), &said))
}

#[derive(Deserialize)]
pub struct StatusForm {
    status: String,
}

pub async fn set_status(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    Path(id): Path<i64>,
    CheckedForm(f): CheckedForm<StatusForm>,
) -> PageResult {
    let lead = leads::set_status(&state, &user, id, &f.status).await?;
    Ok(see_other_saying(&format!("/leads/{id}"), &status_word(lead.status)))
}
