//! A voucher's terms as the merchant's forms carry them: in the new-product
//! form of the shop page and on the voucher's own page, where they change
//! for vouchers sold from then on.

use crate::AppState;
use crate::extract::Path;
use crate::pages::layout::{CheckedForm, CsrfToken, PageResult, SignedIn, see_other};
use crate::services::catalog::VoucherInput;
use axum::Extension;
use axum::extract::State;
use haul_domain::ids::ProductId;
use haul_store::vouchers::VoucherOffer;
use serde::Deserialize;

/// The fields as typed (dates `YYYY-MM-DD`, times `HH:MM`).
#[derive(Deserialize)]
pub(crate) struct TermsFields {
    #[serde(default)]
    pub covers: String,
    #[serde(default)]
    pub valid_from: String,
    #[serde(default)]
    pub valid_until: String,
    #[serde(default)]
    pub opens: String,
    #[serde(default)]
    pub closes: String,
    #[serde(default)]
    pub per_person: String,
    pub refund_unused: Option<String>,
}

impl Default for TermsFields {
    /// A new voucher's: open 10:00 to 22:00, two per person, refunded if unused.
    fn default() -> Self {
        TermsFields {
            covers: String::new(),
            valid_from: String::new(),
            valid_until: String::new(),
            opens: "10:00".into(),
            closes: "22:00".into(),
            per_person: "2".into(),
            refund_unused: Some("on".into()),
        }
    }
}

impl TermsFields {
    pub fn of(offer: &VoucherOffer) -> TermsFields {
        let terms = offer.terms();
        let (first, last) = terms.days();
        let hm = |m: i64| format!("{:02}:{:02}", m / 60, m % 60);
        TermsFields {
            covers: offer.covers.clone(),
            valid_from: first,
            valid_until: last,
            opens: hm(offer.opens_minute),
            closes: hm(offer.closes_minute),
            per_person: offer.per_person.to_string(),
            refund_unused: terms.refund_unused.then(|| "on".into()),
        }
    }

    pub fn input(self) -> VoucherInput {
        VoucherInput {
            covers: self.covers,
            valid_from: self.valid_from,
            valid_until: self.valid_until,
            opens: self.opens,
            closes: self.closes,
            per_person: Some(self.per_person.trim().parse().unwrap_or(0)),
            refund_unused: Some(self.refund_unused.is_some()),
            utc_offset_minutes: None,
        }
    }
}

/// New terms for vouchers sold from now on.
pub(super) async fn set_terms(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    Extension(csrf): Extension<CsrfToken>,
    Path(id): Path<i64>,
    CheckedForm(f): CheckedForm<TermsFields>,
) -> PageResult {
    match crate::services::vouchers::set_terms(&state, &user, ProductId(id), &f.input()).await {
        Ok(()) => Ok(see_other(&format!("/merchant/products/{id}"))),
        Err(e) if e.status().is_client_error() => {
            super::products::product_page(&state, user, &csrf, ProductId(id), Some(e.localized_message())).await
        }
        Err(e) => Err(e.into()),
    }
}
