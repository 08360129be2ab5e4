//! Sales leads for goods sold by quote (a used tractor, a machine for a
//! workshop): what a buyer's request must hold and the statuses a merchant
//! moves it through. A lead is not an order: it is in no GMV and no sales
//! figure.

use crate::DomainError;
use crate::accounts::Login;
use crate::delivery::text;

crate::status_enum! {
    /// Where a lead stands with the merchant.
    pub enum LeadStatus { New = "new", Contacted = "contacted", Quoted = "quoted", Won = "won", Lost = "lost" }
}

impl LeadStatus {
    /// Open until won or lost: a buyer has one open lead per product.
    pub fn is_open(self) -> bool {
        !matches!(self, LeadStatus::Won | LeadStatus::Lost)
    }

    /// A merchant moves an open lead forward or closes it; a closed lead stays closed.
    pub fn may_become(self, next: LeadStatus) -> bool {
        self.is_open() && next != self && (next as u8 > self as u8)
    }
}

crate::status_enum! {
    /// When the buyer would rather be called.
    pub enum ContactTime { Any = "any", Morning = "morning", Afternoon = "afternoon", Evening = "evening" }
}

/// The most a buyer may ask a quote for, in units.
pub const MAX_LEAD_QUANTITY: i64 = 10_000;
/// The largest budget a form takes, in minor units (a hundred million yuan).
pub const MAX_BUDGET_MINOR: i64 = 10_000_000_000;
pub const MAX_MESSAGE_CHARS: usize = 1_000;

/// What a buyer sends to ask for a quote.
#[derive(Debug, Clone, Default)]
pub struct LeadForm {
    pub quantity: i64,
    pub province: String,
    pub city: String,
    pub budget_min_minor: Option<i64>,
    pub budget_max_minor: Option<i64>,
    pub contact: String,
    pub contact_time: Option<String>,
    pub message: String,
}

/// A request checked: every field within bounds, the contact a phone number
/// or an e-mail address in shape.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeadRequest {
    pub quantity: i64,
    pub province: String,
    pub city: String,
    pub budget_min_minor: Option<i64>,
    pub budget_max_minor: Option<i64>,
    /// `+8613800138000`, `13800138000` or `li@example.com`, as `Login` keeps them.
    pub contact: String,
    pub contact_time: ContactTime,
    pub message: String,
}

impl LeadForm {
    pub fn check(&self) -> Result<LeadRequest, DomainError> {
        if !(1..=MAX_LEAD_QUANTITY).contains(&self.quantity) {
            return Err(DomainError::invalid("quantity", format!("between 1 and {MAX_LEAD_QUANTITY}")));
        }
        let budget = |field, v: Option<i64>| match v {
            Some(v) if !(0..=MAX_BUDGET_MINOR).contains(&v) => Err(DomainError::invalid(field, "an amount from 0 to 100 million yuan")),
            v => Ok(v),
        };
        let (low, high) = (budget("budget_min_minor", self.budget_min_minor)?, budget("budget_max_minor", self.budget_max_minor)?);
        if let (Some(low), Some(high)) = (low, high)
            && high < low
        {
            return Err(DomainError::invalid("budget_max_minor", "at least the lowest budget"));
        }
        let contact = Login::parse(&self.contact)
            .map_err(|_| DomainError::invalid("contact", "a phone number (6 to 15 digits) or an e-mail address"))?;
        let contact_time = match self.contact_time.as_deref().map(str::trim) {
            None | Some("") => ContactTime::Any,
            Some(t) => ContactTime::parse(t).map_err(|_| DomainError::invalid("contact_time", "any, morning, afternoon or evening"))?,
        };
        let message = text_block("message", &self.message, 0)?;
        Ok(LeadRequest {
            quantity: self.quantity,
            province: text("province", &self.province, 1, 40)?,
            city: text("city", &self.city, 1, 40)?,
            budget_min_minor: low,
            budget_max_minor: high,
            contact: contact.as_str().to_owned(),
            contact_time,
            message,
        })
    }
}

/// Text of several lines as a browser sends it (`\r\n`), kept with `\n`;
/// no other control character.
fn text_block(field: &'static str, raw: &str, min: usize) -> Result<String, DomainError> {
    let s = raw.replace("\r\n", "\n");
    let s = s.trim();
    if s.chars().any(|c| c.is_control() && c != '\n') {
        return Err(DomainError::invalid(field, "text without control characters"));
    }
    let n = s.chars().count();
    if n < min || n > MAX_MESSAGE_CHARS {
        return Err(DomainError::invalid(field, format!("{min} to {MAX_MESSAGE_CHARS} characters")));
    }
    Ok(s.to_owned())
}

/// A staff member's note on a lead, or a reply that reaches the buyer.
pub fn check_note(raw: &str) -> Result<String, DomainError> {
    text_block("text", raw, 1)
}

/// The most notes and replies one lead keeps: a conversation, not a chat room.
pub const MAX_LEAD_MESSAGES: i64 = 200;

#[cfg(test)]
mod tests {
    use super::*;

    fn form() -> LeadForm {
        LeadForm {
            quantity: 1,
            province: " 山东 ".into(),
            city: "潍坊".into(),
            budget_min_minor: Some(2_000_000),
            budget_max_minor: Some(5_000_000),
            contact: "+86 138-0013-8000".into(),
            contact_time: Some("evening".into()),
            message: "Does it come with a plough?".into(),
        }
    }

    #[test]
    fn a_request_is_checked_field_by_field() {
        let r = form().check().unwrap();
        assert_eq!((r.province.as_str(), r.contact.as_str(), r.contact_time), ("山东", "+8613800138000", ContactTime::Evening));
        let email =
            LeadForm { contact: "Farm@Example.com".into(), contact_time: None, message: "two lines\r\nfrom a browser".into(), ..form() }
                .check()
                .unwrap();
        assert_eq!(email.message, "two lines\nfrom a browser");
        assert_eq!((email.contact.as_str(), email.contact_time), ("farm@example.com", ContactTime::Any));
        type Spoils = fn(&mut LeadForm);
        let cases: [(&str, Spoils); 8] = [
            ("quantity", |f| f.quantity = 0),
            ("quantity", |f| f.quantity = MAX_LEAD_QUANTITY + 1),
            ("budget_min_minor", |f| f.budget_min_minor = Some(-1)),
            ("budget_max_minor", |f| f.budget_max_minor = Some(1)),
            ("contact", |f| f.contact = "call me".into()),
            ("contact_time", |f| f.contact_time = Some("midnight".into())),
            ("province", |f| f.province = "  ".into()),
            ("message", |f| f.message = "x".repeat(MAX_MESSAGE_CHARS + 1)),
        ];
        for (field, spoil) in cases {
            let mut f = form();
            spoil(&mut f);
            match f.check() {
                Err(DomainError::Invalid { field: got, .. }) => assert_eq!(got, field),
                other => panic!("{field}: {other:?}"),
            }
        }
    }

    #[test]
    fn notes_take_lines_but_no_other_control_character() {
        assert_eq!(check_note(" call\r\nafter 7 ").unwrap(), "call\nafter 7");
        assert!(check_note("nul\u{0}").is_err() && check_note("  ").is_err() && check_note(&"x".repeat(MAX_MESSAGE_CHARS + 1)).is_err());
    }

    #[test]
    fn a_lead_moves_forward_until_it_is_won_or_lost() {
        use LeadStatus::*;
        assert!(New.may_become(Contacted) && New.may_become(Lost) && Contacted.may_become(Quoted) && Quoted.may_become(Won));
        assert!(!Quoted.may_become(New) && !Won.may_become(Lost) && !Lost.may_become(Won) && !New.may_become(New));
        assert!(New.is_open() && Quoted.is_open() && !Won.is_open() && !Lost.is_open());
    }
}
