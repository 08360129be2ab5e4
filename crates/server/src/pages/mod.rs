//! Server-rendered pages for shoppers and merchants. Forms work without
//! JavaScript; every POST carries the CSRF token. Handlers reuse the API's
//! shared functions, so a rule holds the same on a page and in the API.

mod account;
mod addresses;
mod affiliate;
mod aftersales;
mod analytics;
mod cart;
mod charts;
mod comments;
mod community;
mod coupons;
mod dashboard;
mod devices;
mod earnings;
mod home;
pub mod layout;
mod leads;
mod live;
mod merchant;
pub mod near;
mod notes;
mod notifications;
mod operator;
mod orders;
mod outbox;
mod pending;
mod recovery;
mod report;
mod reviews;
mod sandbox;
mod security;
mod shop;
mod teams;
mod vouchers;
mod watch;

use crate::AppState;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::header;
use axum::routing::{get, post};

pub fn router(state: &AppState) -> Router<AppState> {
    Router::new()
        .route("/", get(home::home))
        .route("/products", get(shop::catalog))
        .route("/near", get(near::near))
        .route("/vouchers", get(vouchers::mine))
        .route("/vouchers/{id}/refund", post(vouchers::refund))
        .route("/merchant/shops/{id}/redeem", get(vouchers::counter).post(vouchers::redeem))
        .route("/notes", get(notes::list))
        .route("/me", get(account::me))
        .route("/continue", get(pending::resume))
        .route("/notifications", get(notifications::list))
        .route("/live/{id}/remind", post(live::remind))
        .route("/manifest.webmanifest", get(manifest))
        .route("/static/icon.svg", get(icon))
        .route("/favicon.ico", get(icon))
        .route("/shops/{slug}", get(shop::shop))
        .route("/products/{id}", get(shop::product))
        .route("/products/{id}/out", get(shop::out))
        .route("/signin", get(account::sign_in_page).post(account::sign_in))
        .route("/signup", get(account::sign_up_page).post(account::sign_up))
        .route("/signin/sms", get(recovery::sms_sign_in_page).post(recovery::sms_sign_in))
        .route("/forgot-password", get(recovery::forgot_page).post(recovery::forgot))
        .route("/reset-password", get(recovery::reset_page).post(recovery::reset))
        .route("/verify-email", get(recovery::verify_email_link))
        .route("/signin/second-step", post(security::second_step))
        .route("/account/security", get(security::view))
        .route("/account/two-factor/start", post(security::start))
        .route("/account/two-factor/confirm", post(security::confirm))
        .route("/account/two-factor/recovery-codes", post(security::renew_codes))
        .route("/account/two-factor/disable", post(security::disable))
        .route("/account/mails", post(security::set_mails))
        .route("/account/export", get(security::export))
        .route("/account/delete", post(security::delete))
        .route("/account/verify", post(recovery::send_verification))
        .route("/account/verify/phone", post(recovery::verify_phone))
        .route("/sandbox/messages", get(outbox::page))
        .route("/signout", post(account::sign_out))
        .route("/lang/{tag}", get(account::switch_language))
        .route("/cart", get(cart::view))
        .route("/cart/add", post(cart::add))
        .route("/cart/update", post(cart::update))
        .route("/checkout", post(cart::checkout))
        .route("/deals/{id}/buy", post(cart::buy_deal))
        .route("/team-offers/{id}/open", post(teams::open))
        .route("/teams/{id}", get(teams::team))
        .route("/teams/{id}/join", post(teams::join))
        .route("/communities", get(community::list))
        .route("/communities/{id}", get(community::community))
        .route("/communities/{id}/join", post(community::join))
        .route("/campaigns/{id}", get(community::campaign))
        .route("/campaigns/{id}/order", post(community::order))
        .route("/leader", get(community::leader::index))
        .route("/leader/apply", post(community::leader::apply))
        .route("/leader/campaigns", post(community::leader::create))
        .route("/leader/campaigns/{id}", get(community::leader::campaign))
        .route("/leader/campaigns/{id}/arrived", post(community::leader::arrived))
        .route("/leader/campaigns/{id}/pickups", post(community::leader::pickup))
        .route("/report", get(report::form).post(report::file))
        .route("/operator", get(operator::console))
        .route("/operator/analytics", get(operator::analytics::page))
        .route("/operator/analytics.csv", get(operator::analytics::export))
        .route("/operator/decide", post(operator::decide_form))
        .route("/operator/communities", get(operator::leaders))
        .route("/operator/communities/{id}", post(operator::leader))
        .route("/operator/policy", post(operator::policy))
        .route("/operator/violations", post(operator::strike))
        .route("/operator/people/{id}/request", post(operator::on_request))
        .route("/watch", get(watch::watch))
        .route("/watch/more", get(watch::more))
        .route("/videos/{id}", get(watch::video))
        .route("/videos/{id}/react", post(watch::react))
        .route("/videos/{id}/event", post(watch::event))
        .route("/videos/{id}/comments", get(comments::page).post(comments::post))
        .route("/comments/{id}/like", post(comments::like))
        .route("/comments/{id}/pin", post(comments::pin))
        .route("/comments/{id}/delete", post(comments::remove))
        .route("/creators/{id}", get(watch::creator))
        .route("/creators/{id}/follow", post(watch::follow))
        .route("/notes/{id}", get(notes::note))
        .route("/notes/{id}/like", post(notes::like))
        .route("/notes/{id}/comments", post(notes::comment))
        .route("/notes/{id}/sponsor", post(notes::sponsor))
        .route("/studio/notes", post(notes::create).layer(DefaultBodyLimit::max(64 * 1024 * 1024)))
        .route("/studio", get(watch::studio))
        .route("/studio/marketplace", get(affiliate::marketplace))
        .route("/studio/invitations/{id}", post(affiliate::answer))
        .route("/studio/showcase", post(affiliate::showcase))
        .route("/studio/earnings", get(earnings::page))
        .route("/studio/payouts", post(earnings::payout))
        .route("/merchant/shops/{id}/payouts", post(earnings::shop_payout))
        .route("/studio/statement.csv", get(earnings::statement))
        .route("/studio/content.csv", get(earnings::content_csv))
        .route("/merchant/shops/{id}/statement.csv", get(earnings::shop_statement))
        .route("/studio/share-links", post(earnings::new_link))
        .route("/r/{code}", get(earnings::follow))
        .route("/studio/rooms", post(live::create))
        .route("/live", get(live::list))
        .route("/live/{id}", get(live::room))
        .route("/live/{id}/host", get(live::host))
        .route("/live/{id}/report.csv", get(live::report_csv))
        .route("/live/{id}/bag", post(live::bag))
        .route("/live/{id}/pin", post(live::pin))
        .route("/live/{id}/end", post(live::end))
        .route("/live/{id}/cover", post(live::cover).layer(DefaultBodyLimit::max(8 * 1024 * 1024)))
        .route("/studio/videos", post(watch::upload).layer(DefaultBodyLimit::max(256 * 1024 * 1024)))
        .route("/orders", get(orders::list))
        .route("/orders/{id}", get(orders::view))
        .route("/orders/{id}/pay", post(orders::pay))
        .route("/orders/{id}/cancel", post(orders::cancel))
        .route("/orders/{id}/address", post(orders::set_address))
        .route("/orders/{id}/shipment", post(orders::ship))
        .route("/orders/{id}/received", post(orders::received))
        .route("/orders/{id}/aftersales/new", get(aftersales::new_form))
        .route("/orders/{id}/aftersales", post(aftersales::create).layer(DefaultBodyLimit::max(64 * 1024 * 1024)))
        .route("/orders/{id}/reviews/new", get(reviews::new_form))
        .route("/reviews", post(reviews::create).layer(DefaultBodyLimit::max(64 * 1024 * 1024)))
        .route("/reviews/{id}/follow-up", post(reviews::follow_up))
        .route("/reviews/{id}/reply", post(reviews::reply))
        .route("/products/{id}/reviews", get(reviews::all))
        .route("/coupons/{id}/claim", post(coupons::claim))
        .route("/best-sellers", get(analytics::best_sellers))
        .route("/merchant/shops/{id}/dashboard", get(dashboard::dashboard))
        .route("/merchant/shops/{id}/sales.csv", get(dashboard::export))
        .route("/merchant/shops/{id}/leads", get(leads::inbox))
        .route("/products/{id}/quote", get(leads::new).post(leads::create))
        .route("/leads", get(leads::mine))
        .route("/leads/{id}", get(leads::view))
        .route("/leads/{id}/messages", post(leads::write))
        .route("/leads/{id}/status", post(leads::set_status))
        .route("/aftersales", get(aftersales::list))
        .route("/aftersales/{id}", get(aftersales::view))
        .route("/aftersales/{id}/act", post(aftersales::act))
        .route("/account/addresses", get(addresses::view).post(addresses::add))
        .route("/account/addresses/{id}", post(addresses::update))
        .route("/account/addresses/{id}/default", post(addresses::make_default))
        .route("/account/addresses/{id}/delete", post(addresses::delete))
        .route("/account/devices", get(devices::view))
        .route("/account/devices/sign-out-others", post(devices::sign_out_others))
        .route("/account/devices/{handle}/sign-out", post(devices::sign_out_one))
        .route("/sandbox/pay/{reference}", get(sandbox::page).post(sandbox::submit))
        .merge(merchant::router())
        .layer(axum::middleware::from_fn_with_state(state.clone(), pending::capture))
        .layer(axum::middleware::from_fn(layout::csrf_cookie))
        .layer(axum::middleware::from_fn(layout::notice_cookie))
        .route(
            "/static/hls.js",
            get(|| async {
                (
                    [(header::CONTENT_TYPE, "text/javascript"), (header::CACHE_CONTROL, "public, max-age=86400")],
                    include_str!("../../static/vendor/hls.light.min.js"),
                )
            }),
        )
        .route("/static/js/{file}", get(script))
        .route("/static/haul.css", get(|| async { ([(header::CONTENT_TYPE, "text/css")], include_str!("../../static/haul.css")) }))
}

/// The pages' scripts: files, never inline, so the Content-Security-Policy
/// can refuse inline script.
async fn icon() -> impl axum::response::IntoResponse {
    ([(header::CONTENT_TYPE, "image/svg+xml"), (header::CACHE_CONTROL, "max-age=86400")], include_str!("../../static/icon.svg"))
}

/// Lets a phone add Haul to its home screen as an app.
async fn manifest() -> impl axum::response::IntoResponse {
    let lang = crate::i18n::current();
    let body = serde_json::json!({
        "name": "Haul",
        "short_name": "Haul",
        "description": lang.t("manifest-description"),
        "lang": lang.tag(),
        "start_url": "/",
        "display": "standalone",
        "background_color": "#f7f7f8",
        "theme_color": "#fe2c55",
        "icons": [{"src": "/static/icon.svg", "sizes": "any", "type": "image/svg+xml", "purpose": "any"}],
    });
    ([(header::CONTENT_TYPE, "application/manifest+json")], body.to_string())
}

async fn script(axum::extract::Path(file): axum::extract::Path<String>) -> axum::response::Response {
    use axum::response::IntoResponse;
    let body = match file.as_str() {
        "community.js" => include_str!("../../static/js/community.js"),
        "time.js" => include_str!("../../static/js/time.js"),
        "forms.js" => include_str!("../../static/js/forms.js"),
        "live_room.js" => include_str!("../../static/js/live_room.js"),
        "near.js" => include_str!("../../static/js/near.js"),
        "product.js" => include_str!("../../static/js/product.js"),
        "redeem.js" => include_str!("../../static/js/redeem.js"),
        "studio.js" => include_str!("../../static/js/studio.js"),
        "team.js" => include_str!("../../static/js/team.js"),
        "watch.js" => include_str!("../../static/js/watch.js"),
        _ => return axum::http::StatusCode::NOT_FOUND.into_response(),
    };
    ([(header::CONTENT_TYPE, "text/javascript"), (header::CACHE_CONTROL, "no-cache")], body).into_response()
}

/// "2026-11-23 14:05 UTC" for a millisecond timestamp.
pub fn when(ms: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(ms / 1000)
        .ok()
        .and_then(|t| t.format(time::macros::format_description!("[year]-[month]-[day] [hour]:[minute] UTC")).ok())
        .unwrap_or_default()
}
