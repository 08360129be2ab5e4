//! The console's rows: what each list shows of a record, in the operator's
//! language.

use crate::i18n::Lang;
use haul_domain::moderation::{OperatorAction, ShopStatus, Subject};
use haul_store::accounts::User;
use haul_store::catalog::Shop;
use haul_store::moderation::{AuditEntry, Outcome, QueueEntry};

pub struct QueueRow {
    pub subject: String,
    pub subject_id: i64,
    pub kind: String,
    pub label: String,
    pub href: Option<String>,
    pub reports: i64,
    pub reasons: String,
    pub note: String,
    pub first_at: i64,
}

/// Where a reported thing can be seen, if it has a page of its own.
pub fn href(subject: Subject, id: i64) -> Option<String> {
    match subject {
        Subject::Video => Some(format!("/videos/{id}")),
        Subject::Note => Some(format!("/notes/{id}")),
        Subject::LiveRoom => Some(format!("/live/{id}")),
        Subject::Product => Some(format!("/products/{id}")),
        Subject::User => Some(format!("/creators/{id}")),
        Subject::Shop => Some(format!("/operator?tab=shops&shop_q=%23{id}")),
        Subject::AfterSale => Some(format!("/aftersales/{id}")),
        Subject::Comment | Subject::NoteComment | Subject::Review | Subject::Community | Subject::Platform => None,
    }
}

impl QueueRow {
    pub fn of(lang: Lang, e: QueueEntry, label: String) -> Self {
        QueueRow {
            subject: e.subject.as_str().to_owned(),
            subject_id: e.subject_id,
            kind: lang.t(&format!("subject-{}", e.subject)),
            label,
            href: href(e.subject, e.subject_id),
            reports: e.reports,
            reasons: super::reason_words(lang, &e.reasons),
            note: e.note,
            first_at: e.first_at,
        }
    }
}

pub struct ShopRow {
    pub id: i64,
    pub name: String,
    pub slug: String,
    pub status: ShopStatus,
    pub status_word: String,
    pub created_at: i64,
}

impl ShopRow {
    pub fn of(lang: Lang, s: Shop) -> Self {
        ShopRow {
            status_word: lang.t(&format!("shop-status-{}", s.status)),
            id: s.id,
            name: s.name,
            slug: s.slug,
            status: s.status,
            created_at: s.created_at,
        }
    }

    pub fn suspended(&self) -> bool {
        matches!(self.status, ShopStatus::Suspended | ShopStatus::Rejected)
    }
}

pub struct PersonRow {
    pub id: i64,
    pub name: String,
    pub contact: String,
    pub role: String,
    pub suspended: bool,
    /// Operators are not struck or suspended from the console.
    pub operator: bool,
}

impl PersonRow {
    pub fn of(lang: Lang, u: User) -> Self {
        PersonRow {
            id: u.id,
            contact: u.email.clone().or(u.phone.clone()).unwrap_or_default(),
            role: lang.t(&format!("role-{}", u.role)),
            operator: u.role() == haul_domain::accounts::Role::Operator,
            suspended: u.suspended_at.is_some(),
            name: u.display_name,
        }
    }
}

pub struct AuditRow {
    pub at: i64,
    pub operator: String,
    pub action: String,
    pub what: String,
    pub subject: String,
    pub subject_id: i64,
    pub reason: String,
    pub detail: String,
    /// A take-down that can be undone from the log.
    pub restorable: bool,
}

impl AuditRow {
    pub fn of(lang: Lang, e: AuditEntry) -> Self {
        AuditRow {
            at: e.created_at,
            operator: e.operator_name,
            action: lang.t(&format!("action-{}", e.action)),
            what: match e.subject {
                Subject::Platform => lang.t("subject-platform"),
                s => format!("{} #{}", lang.t(&format!("subject-{s}")), e.subject_id),
            },
            subject: e.subject.as_str().to_owned(),
            subject_id: e.subject_id,
            detail: detail_words(lang, &e.detail),
            reason: e.reason,
            restorable: e.action == OperatorAction::TakeDown && e.subject.restorable(),
        }
    }
}

/// An audit entry's detail in the operator's language: a decision's
/// effects, the policy chosen, the community decided on.
fn detail_words(lang: Lang, detail: &str) -> String {
    let value: serde_json::Value = serde_json::from_str(detail).unwrap_or_default();
    if let Some(policy) = value["policy"].as_str() {
        return lang.t(if policy == "commerce_first" { "operator-commerce-first" } else { "operator-content-first" });
    }
    if let Some(community) = value["community"].as_str() {
        return community.to_owned();
    }
    match serde_json::from_value::<Outcome>(value) {
        Ok(o) if !o.effects.changed => lang.t("operator-unchanged"),
        Ok(o) => super::effect_words(lang, &o).join(lang.t("list-separator").as_str()),
        Err(_) => String::new(),
    }
}
