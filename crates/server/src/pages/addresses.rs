//! The shopper's address book: add, edit, make default, delete. A refused
//! field is shown beside itself with the form as it was typed.

use super::layout::{CheckedForm, CsrfToken, Layout, NoFields, PageResult, SignedIn, local_path, render, see_other_saying};
use crate::AppState;
use crate::error::AppError;
use crate::extract::{Path, Query};
use crate::services::delivery::{add_address, update_address};
use askama::Template;
use axum::Extension;
use axum::extract::State;
use haul_domain::ErrorCode;
use haul_domain::delivery::{Address, PROVINCES};
use haul_store::accounts::User;
use serde::Deserialize;

pub struct Saved {
    pub id: i64,
    pub recipient: String,
    pub phone: String,
    pub line: String,
    pub is_default: bool,
}

#[derive(Template)]
#[template(path = "addresses.html")]
struct AddressesPage {
    layout: Layout,
    saved: Vec<Saved>,
    /// `(code, name in the page's language)`.
    provinces: Vec<(&'static str, &'static str)>,
    form: AddressForm,
    /// The address being edited, if any.
    editing: Option<i64>,
    /// The field refused (empty for the form as a whole), and why, in the
    /// page's language; no text, no refusal.
    err_field: String,
    err_text: String,
    next: String,
}

#[derive(Deserialize, Default, Clone)]
pub struct AddressForm {
    #[serde(default)]
    recipient: String,
    #[serde(default)]
    phone: String,
    #[serde(default)]
    country: String,
    #[serde(default)]
    province: String,
    /// The region, outside China.
    #[serde(default)]
    region: String,
    #[serde(default)]
    city: String,
    #[serde(default)]
    district: String,
    #[serde(default)]
    street: String,
    #[serde(default)]
    postcode: String,
    make_default: Option<String>,
    #[serde(default)]
    next: String,
}

impl AddressForm {
    fn address(&self) -> Address {
        let country = if self.country.trim().is_empty() { "CN".to_owned() } else { self.country.trim().to_owned() };
        let province = if country.eq_ignore_ascii_case("CN") { self.province.clone() } else { self.region.clone() };
        Address {
            recipient: self.recipient.clone(),
            phone: self.phone.clone(),
            country,
            province,
            city: self.city.clone(),
            district: self.district.clone(),
            street: self.street.clone(),
            postcode: self.postcode.clone(),
        }
    }

    fn of(a: &Address) -> Self {
        let china = a.country == "CN";
        AddressForm {
            recipient: a.recipient.clone(),
            phone: a.phone.clone(),
            country: a.country.clone(),
            province: if china { a.province.clone() } else { String::new() },
            region: if china { String::new() } else { a.province.clone() },
            city: a.city.clone(),
            district: a.district.clone(),
            street: a.street.clone(),
            postcode: a.postcode.clone(),
            make_default: None,
            next: String::new(),
        }
    }
}

/// The fields an address refusal can name, each with a hint in both languages.
const ADDRESS_FIELDS: [&str; 8] = ["recipient", "phone", "country", "province", "city", "district", "street", "postcode"];

#[derive(Deserialize)]
pub struct Next {
    next: Option<String>,
    edit: Option<i64>,
}

/// Where to go after saving: a path on this site, else the address book.
fn next_or_book(next: &str) -> String {
    local_path(next).unwrap_or_else(|| "/account/addresses".to_owned())
}

async fn page(
    state: &AppState,
    user: User,
    csrf: &CsrfToken,
    form: AddressForm,
    editing: Option<i64>,
    error: Option<AppError>,
) -> PageResult {
    let lang = crate::i18n::current();
    let zh = lang == crate::i18n::Lang::Zh;
    let saved = state
        .db
        .addresses(user.user_id())
        .await?
        .into_iter()
        .map(|a| Saved { id: a.id, line: a.address().one_line(zh), recipient: a.recipient, phone: a.phone, is_default: a.is_default == 1 })
        .collect();
    let provinces = PROVINCES.iter().map(|p| (p.code, if zh { p.zh } else { p.en })).collect();
    let (err_field, err_text) = match error {
        None => (String::new(), String::new()),
        Some(e) => match e.message.split_once(':') {
            Some((field, _)) if e.code == ErrorCode::ValidationFailed && ADDRESS_FIELDS.contains(&field) => {
                (field.to_owned(), lang.t(&format!("address-hint-{field}")))
            }
            _ => (String::new(), e.message_in(lang)),
        },
    };
    let next = form.next.clone();
    Ok(render(&AddressesPage { layout: Layout::new(Some(user), csrf), saved, provinces, form, editing, err_field, err_text, next }))
}

pub async fn view(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    Extension(csrf): Extension<CsrfToken>,
    Query(q): Query<Next>,
) -> PageResult {
    let mut form = match q.edit {
        Some(id) => AddressForm::of(&state.db.address(user.user_id(), id).await?.address()),
        None => AddressForm::default(),
    };
    form.next = q.next.as_deref().and_then(local_path).unwrap_or_default();
    page(&state, user, &csrf, form, q.edit, None).await
}

pub async fn add(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    Extension(csrf): Extension<CsrfToken>,
    CheckedForm(f): CheckedForm<AddressForm>,
) -> PageResult {
    match add_address(&state, &user, &f.address(), f.make_default.is_some()).await {
        Ok(_) => Ok(see_other_saying(&next_or_book(&f.next), &crate::i18n::current().t("address-saved"))),
        Err(e) if e.status().is_client_error() => page(&state, user, &csrf, f, None, Some(e)).await,
        Err(e) => Err(e.into()),
    }
}

pub async fn update(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    Extension(csrf): Extension<CsrfToken>,
    Path(id): Path<i64>,
    CheckedForm(f): CheckedForm<AddressForm>,
) -> PageResult {
    match update_address(&state, &user, id, &f.address()).await {
        Ok(_) => {
            if f.make_default.is_some() {
                state.db.set_default_address(user.user_id(), id).await?;
            }
            Ok(see_other_saying(&next_or_book(&f.next), &crate::i18n::current().t("address-saved")))
        }
        Err(e) if e.code == ErrorCode::ValidationFailed => page(&state, user, &csrf, f, Some(id), Some(e)).await,
        Err(e) => Err(e.into()),
    }
}

pub async fn make_default(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    Path(id): Path<i64>,
    CheckedForm(_): CheckedForm<NoFields>,
) -> PageResult {
    state.db.set_default_address(user.user_id(), id).await?;
    Ok(see_other_saying("/account/addresses", &crate::i18n::current().t("address-now-default")))
}

pub async fn delete(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    Path(id): Path<i64>,
    CheckedForm(_): CheckedForm<NoFields>,
) -> PageResult {
    state.db.delete_address(user.user_id(), id).await?;
    Ok(see_other_saying("/account/addresses", &crate::i18n::current().t("address-deleted")))
}
