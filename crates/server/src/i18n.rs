//! The two languages of the pages: Simplified Chinese and English. Strings
//! live in Fluent files (`crates/server/locales/<lang>/*.ftl`), compiled into
//! the binary. A request's language is the browser's choice made with the
//! switch in the page (the `haul_lang` cookie), else the first supported
//! language of `Accept-Language`, else English.

use crate::auth::cookie;
use axum::extract::Request;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;
use fluent_templates::{Loader, static_loader};
use std::borrow::Cow;
use std::collections::HashMap;

static_loader! {
    static LOCALES = {
        locales: "./locales",
        fallback_language: "en",
        // Fluent wraps arguments in Unicode isolation marks by default;
        // they show up as stray characters in form values and titles.
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

pub const LANG_COOKIE: &str = "haul_lang";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    Zh,
    #[default]
    En,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::Zh, Lang::En];

    /// The BCP 47 tag: the page's `lang` attribute and the cookie's value.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::Zh => "zh-CN",
            Lang::En => "en",
        }
    }

    /// The language the switch offers.
    pub fn other(self) -> Lang {
        match self {
            Lang::Zh => Lang::En,
            Lang::En => Lang::Zh,
        }
    }

    pub fn from_tag(tag: &str) -> Option<Lang> {
        let primary = tag.trim().split(['-', '_']).next()?.to_ascii_lowercase();
        match primary.as_str() {
            "zh" => Some(Lang::Zh),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// The best supported language of an `Accept-Language` header: the one
    /// with the highest weight, the earlier one on a tie.
    pub fn negotiate(accept_language: &str) -> Option<Lang> {
        let mut best: Option<(Lang, f32)> = None;
        for part in accept_language.split(',').take(32) {
            let mut pieces = part.split(';');
            let Some(lang) = pieces.next().and_then(Lang::from_tag) else { continue };
            let weight = pieces
                .find_map(|p| p.trim().strip_prefix("q="))
                .map_or(Some(1.0), |q| q.trim().parse::<f32>().ok().filter(|q| (0.0..=1.0).contains(q)))
                .unwrap_or(0.0);
            if weight > 0.0 && best.is_none_or(|(_, w)| weight > w) {
                best = Some((lang, weight));
            }
        }
        best.map(|(lang, _)| lang)
    }

    /// The language of a request: the switch's cookie, else the browser's.
    pub fn of(headers: &HeaderMap) -> Lang {
        cookie(headers, LANG_COOKIE)
            .and_then(Lang::from_tag)
            .or_else(|| headers.get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()).and_then(Lang::negotiate))
            .unwrap_or_default()
    }

    fn id(self) -> fluent_templates::LanguageIdentifier {
        match self {
            Lang::Zh => fluent_templates::langid!("zh-CN"),
            Lang::En => fluent_templates::langid!("en"),
        }
    }

    /// The text for `key`; the key itself if no language has it (a test
    /// keeps every key present in both).
    pub fn t(self, key: &str) -> String {
        LOCALES.try_lookup(&self.id(), key).unwrap_or_else(|| key.to_owned())
    }

    /// What an error code means, in this language.
    pub fn code(self, code: haul_domain::ErrorCode) -> String {
        self.t(&format!("code-{}", code.as_str()))
    }

    /// An order's status as a word, never its wire name.
    pub fn order_status(self, status: haul_domain::orders::OrderStatus) -> String {
        self.t(&format!("order-status-{}", status.as_str()))
    }

    /// The button that moves an order to `status`.
    pub fn order_step(self, status: haul_domain::orders::OrderStatus) -> String {
        self.t(&format!("order-step-{}", status.as_str()))
    }

    /// The text for `key` with one argument, e.g. `Results for “{ $q }”`.
    pub fn t_with(self, key: &str, name: &'static str, value: impl ToString) -> String {
        self.t_args(key, &[(name, value.to_string())])
    }

    /// The text for `key` with its arguments, by name.
    pub fn t_args(self, key: &str, args: &[(&'static str, String)]) -> String {
        let args: HashMap<Cow<'static, str>, fluent_templates::fluent_bundle::FluentValue<'_>> =
            args.iter().map(|(name, value)| (Cow::Borrowed(*name), argument(value))).collect();
        LOCALES.try_lookup_with_args(&self.id(), key, &args).unwrap_or_else(|| key.to_owned())
    }
}

/// A whole number goes to Fluent as a number, so that plural selectors
/// (`{ $n -> [one] … }`) choose by it; anything else, a pickup code with
/// leading zeros or a decimal included, as the text it is.
fn argument(value: &str) -> fluent_templates::fluent_bundle::FluentValue<'_> {
    use fluent_templates::fluent_bundle::FluentValue;
    match value.parse::<i64>() {
        Ok(n) if n.to_string() == value && n.unsigned_abs() < 1 << 53 => FluentValue::try_number(value),
        _ => value.into(),
    }
}

tokio::task_local! {
    /// The language of the request being answered. Set once per request by
    /// [`language`], so that every page, notice and error page below it is
    /// in that language without each handler passing it along.
    static CURRENT: Lang;
}

/// The language of the request this task is answering (English outside one).
pub fn current() -> Lang {
    CURRENT.try_with(|l| *l).unwrap_or_default()
}

/// Runs `work` in `lang`: for a task that outlives its request, such as a
/// live room's WebSocket connection.
pub async fn scope<F: std::future::Future>(lang: Lang, work: F) -> F::Output {
    CURRENT.scope(lang, work).await
}

/// Middleware: settles the request's language for everything below it.
pub async fn language(req: Request, next: Next) -> Response {
    let lang = Lang::of(req.headers());
    let mut response = CURRENT.scope(lang, next.run(req)).await;
    response.headers_mut().append(header::VARY, HeaderValue::from_static("accept-language"));
    response
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;
    use std::path::Path;

    fn keys_of(lang: Lang) -> BTreeSet<String> {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("locales").join(lang.tag());
        let mut keys = BTreeSet::new();
        for entry in std::fs::read_dir(dir).unwrap() {
            let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
            keys.extend(
                text.lines()
                    .filter_map(|l| l.split_once(" ="))
                    .map(|(k, _)| k.trim().to_owned())
                    .filter(|k| k.chars().next().is_some_and(|c| c.is_ascii_lowercase()) && !k.contains(' ')),
            );
        }
        keys
    }

    /// The keys the code and the templates ask for: `t("…")`, `t_with("…"` and `t_args("…"`.
    fn keys_used() -> BTreeSet<String> {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut files = Vec::new();
        let mut dirs = vec![root.join("src"), root.join("templates")];
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() { dirs.push(path) } else { files.push(path) }
            }
        }
        let mut used = BTreeSet::new();
        for file in files.iter().filter(|f| !f.ends_with("i18n.rs")) {
            let text = std::fs::read_to_string(file).unwrap();
            for call in ["t(\"", "t_with(\"", "t_args(\""] {
                for (i, _) in text.match_indices(call).filter(|(i, _)| text[..*i].ends_with('.')) {
                    let rest = &text[i + call.len()..];
                    used.extend(rest.split('"').next().map(str::to_owned));
                }
            }
        }
        used
    }

    #[test]
    fn every_order_status_has_a_word_and_a_step_in_both_languages() {
        for lang in Lang::ALL {
            let keys = keys_of(lang);
            for s in haul_domain::orders::OrderStatus::ALL {
                assert!(keys.contains(&format!("order-status-{}", s.as_str())), "{lang:?} {s}");
                for step in haul_domain::delivery::Fulfilment::ALL.iter().flat_map(|f| f.merchant_steps(*s)) {
                    assert!(keys.contains(&format!("order-step-{}", step.as_str())), "{lang:?} {step}");
                }
            }
        }
        assert_eq!(Lang::Zh.order_status(haul_domain::orders::OrderStatus::PendingPayment), "待付款");
    }

    #[test]
    fn every_moderation_word_is_in_both_languages() {
        use haul_domain::moderation::{OperatorAction, ReportReason, ShopStatus, Subject};
        let names = Subject::ALL
            .iter()
            .map(|s| format!("subject-{s}"))
            .chain(OperatorAction::ALL.iter().map(|a| format!("action-{a}")))
            .chain(ReportReason::ALL.iter().map(|r| format!("report-reason-{r}")))
            .chain(ShopStatus::ALL.iter().map(|s| format!("shop-status-{s}")))
            .chain(["shopper", "creator", "group_leader", "operator"].iter().map(|r| format!("role-{r}")));
        let names: Vec<String> = names.collect();
        for lang in Lang::ALL {
            let keys = keys_of(lang);
            for name in &names {
                assert!(keys.contains(name), "{lang:?} {name}");
            }
        }
    }

    #[test]
    fn every_error_code_has_a_meaning_in_both_languages() {
        for lang in Lang::ALL {
            let keys = keys_of(lang);
            for code in haul_domain::ErrorCode::ALL {
                assert!(keys.contains(&format!("code-{}", code.as_str())), "{lang:?} {}", code.as_str());
            }
        }
        assert_eq!(Lang::Zh.code(haul_domain::ErrorCode::DealSoldOut), "已抢光。");
    }

    #[test]
    fn every_key_exists_in_both_languages() {
        let (zh, en) = (keys_of(Lang::Zh), keys_of(Lang::En));
        assert!(en.contains("nav-cart"), "the scan reads the files: {en:?}");
        assert_eq!(zh.difference(&en).collect::<Vec<_>>(), Vec::<&String>::new(), "in Chinese only");
        assert_eq!(en.difference(&zh).collect::<Vec<_>>(), Vec::<&String>::new(), "in English only");
        let used = keys_used();
        assert!(used.contains("nav-cart"), "the scan sees the templates: {used:?}");
        assert_eq!(used.difference(&en).collect::<Vec<_>>(), Vec::<&String>::new(), "used but not translated");
    }

    #[test]
    fn plural_selectors_choose_by_the_number_and_other_arguments_stay_text() {
        assert_eq!(Lang::En.t_with("duration-days", "n", 1), "1 day");
        assert_eq!(Lang::En.t_with("duration-days", "n", 2), "2 days");
        assert_eq!(Lang::En.t_with("note-comments", "n", 0), "0 comments");
        assert_eq!(Lang::Zh.t_with("duration-days", "n", 1), "1 天");
        // Leading zeros (pickup codes) and decimals are shown as they came.
        assert_eq!(Lang::En.t_with("order-number", "id", "007"), "Order #007");
        assert_eq!(Lang::En.t_with("order-number", "id", 1234567), "Order #1234567");
        assert_eq!(Lang::En.t_with("studio-health-low", "threshold", "40.50"), "below 40.50: your videos reach followers only");
    }

    #[test]
    fn accept_language_picks_the_best_supported_language() {
        assert_eq!(Lang::negotiate("zh-CN,zh;q=0.9,en;q=0.8"), Some(Lang::Zh));
        assert_eq!(Lang::negotiate("en-US,en;q=0.9,zh-CN;q=0.8"), Some(Lang::En));
        assert_eq!(Lang::negotiate("fr-FR, zh-TW;q=0.5, en;q=0.4"), Some(Lang::Zh));
        assert_eq!(Lang::negotiate("en;q=0.2, zh_CN;q=0.7"), Some(Lang::Zh));
        assert_eq!(Lang::negotiate("zh;q=0, en"), Some(Lang::En));
        assert_eq!(Lang::negotiate("fr, de"), None);
        assert_eq!(Lang::negotiate(""), None);
        assert_eq!(Lang::negotiate("zh;q=banana"), None);
    }

    #[test]
    fn a_translated_key_differs_by_language_and_an_unknown_key_shows_itself() {
        assert_eq!(Lang::En.t("nav-cart"), "Cart");
        assert_eq!(Lang::Zh.t("nav-cart"), "购物车");
        assert_eq!(Lang::Zh.t("no-such-key"), "no-such-key");
        assert_eq!(Lang::En.t_with("home-results", "q", "tea"), "Results for “tea”");
        assert_eq!(Lang::Zh.t_with("home-results", "q", "tea"), "“tea”的搜索结果");
    }
}
