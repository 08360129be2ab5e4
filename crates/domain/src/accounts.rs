//! Who people are: sign-in identifiers, passwords' minimum rules and roles.

use crate::DomainError;
use serde::{Deserialize, Serialize};

/// What a person signs in with: an email address or a mobile number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Login {
    Email(String),
    Phone(String),
}

impl Login {
    /// Emails are lower-cased; phones keep a leading `+` and digits only, so
    /// "+86 138-0013-8000" and "+8613800138000" are one account.
    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        let raw = raw.trim();
        if raw.contains('@') {
            let email = raw.to_lowercase();
            let valid = email.len() <= 254
                && email.split_once('@').is_some_and(|(local, domain)| {
                    !local.is_empty() && domain.contains('.') && !domain.starts_with('.') && !domain.ends_with('.')
                })
                && !email.chars().any(|c| c.is_whitespace() || c.is_control())
                && email.matches('@').count() == 1;
            if !valid {
                return Err(DomainError::invalid("login", "not a valid email address"));
            }
            return Ok(Login::Email(email));
        }
        let plus = raw.starts_with('+');
        let digits: String = raw.chars().filter(char::is_ascii_digit).collect();
        let only_phone_chars = raw.chars().all(|c| c.is_ascii_digit() || " +-()".contains(c));
        if !only_phone_chars || !(6..=15).contains(&digits.len()) {
            return Err(DomainError::invalid("login", "an email address or a phone number of 6 to 15 digits"));
        }
        Ok(Login::Phone(if plus { format!("+{digits}") } else { digits }))
    }

    pub fn as_str(&self) -> &str {
        match self {
            Login::Email(s) | Login::Phone(s) => s,
        }
    }
}

pub const MIN_PASSWORD_CHARS: usize = 8;
pub const MAX_PASSWORD_BYTES: usize = 256;

/// Length is what makes a password strong; composition rules only annoy.
pub fn check_password(password: &str) -> Result<(), DomainError> {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(DomainError::invalid("password", format!("at least {MIN_PASSWORD_CHARS} characters")));
    }
    if password.len() > MAX_PASSWORD_BYTES {
        return Err(DomainError::invalid("password", format!("at most {MAX_PASSWORD_BYTES} bytes")));
    }
    Ok(())
}

/// A person's primary role. Merchant staff is not a role here but a
/// membership of a shop, so one person can run two shops and still shop.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Shopper,
    Creator,
    GroupLeader,
    Operator,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Shopper => "shopper",
            Role::Creator => "creator",
            Role::GroupLeader => "group_leader",
            Role::Operator => "operator",
        }
    }

    pub fn parse(s: &str) -> Result<Self, DomainError> {
        match s {
            "shopper" => Ok(Role::Shopper),
            "creator" => Ok(Role::Creator),
            "group_leader" => Ok(Role::GroupLeader),
            "operator" => Ok(Role::Operator),
            _ => Err(DomainError::invalid("role", "shopper, creator, group_leader or operator")),
        }
    }

    /// Roles a person may choose at sign-up. Operators are made by operators;
    /// group leaders are approved by one.
    pub fn self_service(self) -> bool {
        matches!(self, Role::Shopper | Role::Creator)
    }
}

/// A trimmed, non-empty, bounded piece of text such as a name or title.
pub fn text(field: &'static str, raw: &str, max_chars: usize) -> Result<String, DomainError> {
    let t = raw.trim();
    if t.is_empty() {
        return Err(DomainError::invalid(field, "must not be empty"));
    }
    if t.chars().count() > max_chars {
        return Err(DomainError::invalid(field, format!("at most {max_chars} characters")));
    }
    if t.chars().any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t') {
        return Err(DomainError::invalid(field, "must not contain control characters"));
    }
    Ok(t.to_owned())
}

/// Like [`text`], but blank is allowed and becomes the empty string.
pub fn optional_text(field: &'static str, raw: &str, max_chars: usize) -> Result<String, DomainError> {
    if raw.trim().is_empty() { Ok(String::new()) } else { text(field, raw, max_chars) }
}

/// Free text used only to look things up (a search box): control characters
/// are dropped and the length bounded, never refused.
pub fn search_terms(raw: &str, max_chars: usize) -> String {
    raw.chars().filter(|c| !c.is_control()).take(max_chars).collect::<String>().trim().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn logins_are_normalised() {
        assert_eq!(Login::parse(" Li.Na@Example.COM ").unwrap(), Login::Email("li.na@example.com".into()));
        assert_eq!(Login::parse("+86 138-0013-8000").unwrap(), Login::Phone("+8613800138000".into()));
        assert_eq!(Login::parse("13800138000").unwrap(), Login::Phone("13800138000".into()));
    }

    #[test]
    fn bad_logins_are_refused() {
        for bad in ["", "@", "a@b", "a@.com", "a b@c.com", "a@@b.com", "12345", "1234567890123456", "abc", "138x0013"] {
            assert!(Login::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn passwords_need_length() {
        assert!(check_password("short").is_err());
        assert!(check_password("long enough").is_ok());
        assert!(check_password(&"x".repeat(300)).is_err());
    }

    #[test]
    fn only_shoppers_and_creators_sign_themselves_up() {
        assert!(Role::Shopper.self_service());
        assert!(Role::Creator.self_service());
        assert!(!Role::Operator.self_service());
        assert!(!Role::GroupLeader.self_service());
    }

    #[test]
    fn search_terms_drop_control_characters() {
        assert_eq!(search_terms(" tea\u{0}pot ", 10), "teapot");
        assert_eq!(search_terms("一二三", 2), "一二");
        assert_eq!(optional_text("d", "  ", 5).unwrap(), "");
        assert!(optional_text("d", "a\u{0}", 5).is_err());
    }

    #[test]
    fn text_is_trimmed_and_bounded() {
        assert_eq!(text("name", "  茶  ", 10).unwrap(), "茶");
        assert!(text("name", "   ", 10).is_err());
        assert!(text("name", "一二三四五六七八九十十", 10).is_err());
        assert!(text("name", "a\u{0}b", 10).is_err());
    }
}
