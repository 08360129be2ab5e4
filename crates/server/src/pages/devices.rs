//! The devices page: where the person is signed in, and signing any of those
//! sessions out, or all but this one.

use super::layout::{CheckedForm, CsrfToken, Layout, NoFields, PageResult, SignedIn, render, see_other_saying};
use crate::AppState;
use crate::auth::{SESSION_COOKIE, cookie};
use crate::extract::Path;
use crate::services::devices::{DeviceView, devices, end_device, end_other_devices};
use askama::Template;
use axum::Extension;
use axum::extract::State;
use axum::http::HeaderMap;

#[derive(Template)]
#[template(path = "devices.html")]
struct DevicesPage {
    layout: Layout,
    sessions: Vec<DeviceView>,
}

fn this_token(headers: &HeaderMap) -> &str {
    cookie(headers, SESSION_COOKIE).unwrap_or_default()
}

pub async fn view(
    State(state): State<AppState>,
    Extension(csrf): Extension<CsrfToken>,
    headers: HeaderMap,
    SignedIn(user): SignedIn,
) -> PageResult {
    let sessions = devices(&state, &user, this_token(&headers)).await?;
    Ok(render(&DevicesPage { layout: Layout::new(Some(user), &csrf), sessions }))
}

pub async fn sign_out_one(
    State(state): State<AppState>,
    headers: HeaderMap,
    SignedIn(user): SignedIn,
    Path(handle): Path<String>,
    CheckedForm(_): CheckedForm<NoFields>,
) -> PageResult {
    end_device(&state, &user, &handle, this_token(&headers)).await?;
    Ok(see_other_saying("/account/devices", &crate::i18n::current().t("devices-ended-one")))
}

pub async fn sign_out_others(
    State(state): State<AppState>,
    headers: HeaderMap,
    SignedIn(user): SignedIn,
    CheckedForm(_): CheckedForm<NoFields>,
) -> PageResult {
    let ended = end_other_devices(&state, &user, this_token(&headers)).await?;
    Ok(see_other_saying("/account/devices", &crate::i18n::current().t_with("devices-ended-others", "n", ended)))
}
