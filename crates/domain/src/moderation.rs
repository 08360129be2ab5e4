//! Moderation: what shoppers report, what an operator decides, and the
//! words an operator's action is recorded under.

use crate::DomainError;

crate::status_enum! {
    /// What can be reported, taken down and restored; and, in the audit
    /// log only, a leader's community, the platform's own settings and an
    /// after-sales case an operator decided.
    pub enum Subject {
        Video = "video",
        Note = "note",
        Comment = "comment",
        NoteComment = "note_comment",
        Review = "review",
        LiveRoom = "live_room",
        Product = "product",
        Shop = "shop",
        User = "user",
        Community = "community",
        Platform = "platform",
        AfterSale = "aftersale",
    }
}

crate::status_enum! {
    /// Why a shopper reports something.
    pub enum ReportReason {
        Spam = "spam",
        Fraud = "fraud",
        Offensive = "offensive",
        Prohibited = "prohibited",
        Infringement = "infringement",
        Other = "other",
    }
}

crate::status_enum! {
    /// A report waits for an operator; the decision closes every open report
    /// of the same subject.
    pub enum ReportStatus { Open = "open", TakenDown = "taken_down", Dismissed = "dismissed" }
}

crate::status_enum! {
    /// What an operator did, as the audit log records it.
    pub enum OperatorAction {
        TakeDown = "take_down",
        Restore = "restore",
        Dismiss = "dismiss",
        SuspendUser = "suspend_user",
        ReinstateUser = "reinstate_user",
        SuspendShop = "suspend_shop",
        ReinstateShop = "reinstate_shop",
        ApproveShop = "approve_shop",
        RejectShop = "reject_shop",
        ApproveLeader = "approve_leader",
        RejectLeader = "reject_leader",
        FeedPolicy = "feed_policy",
        Strike = "strike",
        DecideAfterSale = "decide_aftersale",
        DeleteAccount = "delete_account",
        ExportData = "export_data",
    }
}

crate::status_enum! {
    /// A shop sells only while active: a new one waits for an operator's
    /// approval (unless the platform opens shops before review), and a
    /// suspended or rejected one sells nothing.
    pub enum ShopStatus { Pending = "pending", Active = "active", Suspended = "suspended", Rejected = "rejected" }
}

/// The longest note a reporter or reason an operator writes.
pub const MAX_REASON_CHARS: usize = 500;

/// Reports one shopper may file in a day: enough for anyone honest, a bound
/// for a flood.
pub const REPORTS_PER_DAY: i64 = 30;

impl Subject {
    /// Whether a take-down of this subject can be undone by a restore. A
    /// live room that was ended stays ended.
    pub fn restorable(self) -> bool {
        !matches!(self, Subject::LiveRoom | Subject::Community | Subject::Platform | Subject::AfterSale)
    }

    /// Whether shoppers can report it.
    pub fn reportable(self) -> bool {
        !matches!(self, Subject::Community | Subject::Platform | Subject::AfterSale)
    }
}

impl OperatorAction {
    /// Whether the action can be taken on such a subject.
    pub fn applies_to(self, subject: Subject) -> bool {
        use OperatorAction::*;
        match self {
            TakeDown | Restore | Dismiss => subject.reportable(),
            SuspendUser | ReinstateUser | Strike => subject == Subject::User,
            SuspendShop | ReinstateShop | ApproveShop | RejectShop => subject == Subject::Shop,
            ApproveLeader | RejectLeader => subject == Subject::Community,
            FeedPolicy => subject == Subject::Platform,
            DecideAfterSale => subject == Subject::AfterSale,
            // Carried out by the deletion or export itself, which audits it.
            DeleteAccount | ExportData => false,
        }
    }
}

/// An operator's reason for an action: required, one paragraph, no control
/// characters but line breaks.
pub fn operator_reason(text: &str) -> Result<String, DomainError> {
    let text = text.trim();
    let n = text.chars().count();
    if n == 0 || n > MAX_REASON_CHARS || text.chars().any(|c| c.is_control() && c != '\n') {
        return Err(DomainError::invalid("reason", format!("why, in 1 to {MAX_REASON_CHARS} characters")));
    }
    Ok(text.to_owned())
}

/// A reporter's optional note (or the quoted chat message), cut to length.
pub fn report_note(text: &str) -> String {
    text.trim().chars().filter(|c| !c.is_control() || *c == '\n').take(MAX_REASON_CHARS).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons_are_required_and_bounded() {
        assert_eq!(operator_reason("  fake goods  ").unwrap(), "fake goods");
        assert!(operator_reason("   ").is_err());
        assert!(operator_reason(&"x".repeat(MAX_REASON_CHARS + 1)).is_err());
        assert!(operator_reason("bad\u{7}bell").is_err());
        assert_eq!(operator_reason("两行\n理由").unwrap(), "两行\n理由");
    }

    #[test]
    fn notes_are_cut_not_refused() {
        assert_eq!(report_note(&"啊".repeat(600)).chars().count(), MAX_REASON_CHARS);
        assert_eq!(report_note(" spam\u{0} link "), "spam link");
    }

    #[test]
    fn actions_fit_their_subjects() {
        assert!(OperatorAction::TakeDown.applies_to(Subject::Video));
        assert!(!OperatorAction::TakeDown.applies_to(Subject::Platform));
        assert!(!OperatorAction::ApproveShop.applies_to(Subject::Video));
        assert!(OperatorAction::FeedPolicy.applies_to(Subject::Platform));
    }

    #[test]
    fn a_live_room_once_ended_stays_ended() {
        assert!(!Subject::LiveRoom.restorable());
        assert!(Subject::ALL.iter().filter(|s| s.reportable() && **s != Subject::LiveRoom).all(|s| s.restorable()));
    }
}
