//! Moderation: shoppers' reports, the operator's decisions on them and on
//! users and shops, and the audit log that records every operator action.
//! A decision, its effects (a refund, a cancelled team) and its audit entry
//! are one transaction.

use crate::{Db, Result, StoreError};
use haul_domain::ErrorCode;
use haul_domain::Timestamp;
use haul_domain::ids::UserId;
use haul_domain::moderation::{OperatorAction, REPORTS_PER_DAY, ReportReason, ReportStatus, Subject};
use haul_domain::page::{Page, PageRequest};
use sqlx::{Any, AssertSqlSafe, Transaction};

mod effects;

pub use effects::Effects;

record! {
    pub struct Report {
        pub id: i64,
        pub reporter_id: i64,
        #[schema(value_type = String)]
        pub subject: Subject,
        pub subject_id: i64,
        #[schema(value_type = String)]
        pub reason: ReportReason,
        pub note: String,
        #[schema(value_type = String)]
        pub status: ReportStatus,
        pub created_at: i64,
    }
}

record! {
    /// One reported thing in the operator's queue, with its open reports.
    pub struct QueueEntry {
        #[schema(value_type = String)]
        pub subject: Subject,
        pub subject_id: i64,
        pub reports: i64,
        /// The reasons given, most frequent first, comma-separated.
        pub reasons: String,
        /// The latest reporter's note (or the chat message they quoted).
        pub note: String,
        pub first_at: i64,
    }
}

record! {
    /// An operator action as recorded, never changed afterwards.
    pub struct AuditEntry {
        pub id: i64,
        pub operator_id: i64,
        pub operator_name: String,
        #[schema(value_type = String)]
        pub action: OperatorAction,
        #[schema(value_type = String)]
        pub subject: Subject,
        pub subject_id: i64,
        pub reason: String,
        /// What the action did, as JSON: a decision's outcome (`changed`,
        /// `reports_closed`, `orders_refunded`...), or the facts of another
        /// action (`{"policy": "commerce_first"}`, `{"community": "..."}`).
        pub detail: String,
        pub created_at: i64,
    }
}

/// An operator's decision, as the store carries it out.
pub struct Decision<'a> {
    pub operator: UserId,
    pub action: OperatorAction,
    pub subject: Subject,
    pub subject_id: i64,
    pub reason: &'a str,
    pub now: Timestamp,
}

/// What a decision did.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct Outcome {
    /// Open reports of the subject the decision closed.
    pub reports_closed: u64,
    #[serde(flatten)]
    pub effects: Effects,
    /// The audit entry written for it.
    #[serde(default)]
    pub audit_id: i64,
}

impl Db {
    /// Files a report; a second open report of the same thing by the same
    /// person, or more than the day's allowance, is refused.
    pub async fn file_report(
        &self,
        reporter: UserId,
        subject: Subject,
        subject_id: i64,
        reason: ReportReason,
        note: &str,
        now: Timestamp,
    ) -> Result<Report> {
        let mut tx = self.write.begin().await?;
        let (today,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM reports WHERE reporter_id = $1 AND created_at > $2")
            .bind(reporter.get())
            .bind(now.millis() - 86_400_000)
            .fetch_one(&mut *tx)
            .await?;
        if today >= REPORTS_PER_DAY {
            return Err(StoreError::conflict(ErrorCode::TooManyReports, format!("at most {REPORTS_PER_DAY} reports a day")));
        }
        let report = sqlx::query_as(
            "INSERT INTO reports (reporter_id, subject, subject_id, reason, note, status, created_at) VALUES ($1, $2, $3, $4, $5, 'open', $6) \
             RETURNING id, reporter_id, subject, subject_id, reason, note, status, created_at",
        )
        .bind(reporter.get())
        .bind(subject.as_str())
        .bind(subject_id)
        .bind(reason.as_str())
        .bind(note)
        .bind(now.millis())
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| crate::catalog::unique_or(e, ErrorCode::AlreadyReported, "you reported this already"))?;
        tx.commit().await?;
        Ok(report)
    }

    /// Reported things waiting for a decision, the most reported first.
    pub async fn report_queue(&self, limit: i64) -> Result<Vec<QueueEntry>> {
        let rows: Vec<(String, i64, i64, i64)> = sqlx::query_as(
            "SELECT subject, subject_id, COUNT(*), MIN(created_at) FROM reports WHERE status = 'open' \
             GROUP BY subject, subject_id ORDER BY COUNT(*) DESC, MIN(created_at) LIMIT $1",
        )
        .bind(limit)
        .fetch_all(&self.read)
        .await?;
        let mut queue = Vec::with_capacity(rows.len());
        for (subject, subject_id, reports, first_at) in rows {
            let details: Vec<(String, String)> = sqlx::query_as(
                "SELECT reason, note FROM reports WHERE status = 'open' AND subject = $1 AND subject_id = $2 ORDER BY id DESC LIMIT 50",
            )
            .bind(&subject)
            .bind(subject_id)
            .fetch_all(&self.read)
            .await?;
            let mut reasons: Vec<(String, usize)> = Vec::new();
            for (reason, _) in &details {
                match reasons.iter_mut().find(|(r, _)| r == reason) {
                    Some((_, n)) => *n += 1,
                    None => reasons.push((reason.clone(), 1)),
                }
            }
            reasons.sort_by_key(|r| std::cmp::Reverse(r.1));
            let note = details.iter().map(|(_, n)| n).find(|n| !n.is_empty()).cloned().unwrap_or_default();
            queue.push(QueueEntry {
                subject: crate::record::stored(Subject::parse(&subject))?,
                subject_id,
                reports,
                reasons: reasons.into_iter().map(|(r, _)| r).collect::<Vec<_>>().join(","),
                note,
                first_at,
            });
        }
        Ok(queue)
    }

    /// Carries out an operator's decision with its effects, closes the open
    /// reports it answers and records it, in one transaction.
    pub async fn decide(&self, d: Decision<'_>) -> Result<Outcome> {
        let mut tx = self.write.begin().await?;
        let effects = effects::apply(&mut tx, &d).await?;
        let closing = match d.action {
            OperatorAction::TakeDown | OperatorAction::SuspendUser | OperatorAction::SuspendShop | OperatorAction::RejectShop => {
                Some(ReportStatus::TakenDown)
            }
            OperatorAction::Dismiss | OperatorAction::Restore | OperatorAction::ReinstateUser | OperatorAction::ReinstateShop => {
                Some(ReportStatus::Dismissed)
            }
            _ => None,
        };
        let reports_closed = match closing {
            Some(status) => sqlx::query(
                "UPDATE reports SET status = $1, decided_at = $2, decided_by = $3 WHERE status = 'open' AND subject = $4 AND subject_id = $5",
            )
            .bind(status.as_str())
            .bind(d.now.millis())
            .bind(d.operator.get())
            .bind(d.subject.as_str())
            .bind(d.subject_id)
            .execute(&mut *tx)
            .await?
            .rows_affected(),
            None => 0,
        };
        let mut outcome = Outcome { reports_closed, effects, audit_id: 0 };
        outcome.audit_id = audit_in(&mut tx, &d, &serde_json::to_string(&outcome).unwrap_or_default()).await?;
        tx.commit().await?;
        self.wrote();
        Ok(outcome)
    }

    /// Records an operator action that another module carried out (a
    /// leader's application decided, the feed's policy, a strike).
    pub async fn audit(&self, d: Decision<'_>, detail: &str) -> Result<i64> {
        let mut tx = self.write.begin().await?;
        let id = audit_in(&mut tx, &d, detail).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// The audit log, newest first; optionally of one subject.
    pub async fn audit_log(&self, subject: Option<(Subject, i64)>, page: &PageRequest) -> Result<Page<AuditEntry>> {
        let select = "SELECT a.id, a.operator_id, u.display_name AS operator_name, a.action, a.subject, a.subject_id, a.reason, a.detail, a.created_at \
             FROM audit_log a JOIN users u ON u.id = a.operator_id WHERE a.id < $1";
        let rows = match subject {
            Some((subject, id)) => {
                let sql = format!("{select} AND a.subject = $2 AND a.subject_id = $3 ORDER BY a.id DESC LIMIT $4");
                sqlx::query_as(AssertSqlSafe(sql))
                    .bind(page.before_id())
                    .bind(subject.as_str())
                    .bind(id)
                    .bind(page.fetch())
                    .fetch_all(&self.read)
                    .await?
            }
            None => {
                let sql = format!("{select} ORDER BY a.id DESC LIMIT $2");
                sqlx::query_as(AssertSqlSafe(sql)).bind(page.before_id()).bind(page.fetch()).fetch_all(&self.read).await?
            }
        };
        Ok(Page::from_batch(rows, page, |e: &AuditEntry| e.id))
    }

    /// What a reported thing is called, and whether it exists.
    pub async fn subject_label(&self, subject: Subject, id: i64) -> Result<Option<String>> {
        let Some((table, label)) = subject_table(subject) else { return Ok(None) };
        let sql = format!("SELECT {label} FROM {table} WHERE id = $1");
        let row: Option<(String,)> = sqlx::query_as(AssertSqlSafe(sql)).bind(id).fetch_optional(&self.read).await?;
        Ok(row.map(|(label,)| label))
    }
}

/// Where a subject is kept, and the column that names it (the platform's
/// own settings are kept nowhere one can point at).
fn subject_table(subject: Subject) -> Option<(&'static str, &'static str)> {
    Some(match subject {
        Subject::Video => ("videos", "caption"),
        Subject::Note => ("notes", "title"),
        Subject::Comment => ("video_comments", "body"),
        Subject::NoteComment => ("note_comments", "body"),
        Subject::Review => ("reviews", "body"),
        Subject::LiveRoom => ("live_rooms", "title"),
        Subject::Product => ("products", "title"),
        Subject::Shop => ("shops", "name"),
        Subject::User => ("users", "display_name"),
        Subject::Community => ("communities", "name"),
        Subject::AfterSale => ("aftersales_cases", "reason"),
        Subject::Platform => return None,
    })
}

pub(crate) async fn audit_in(tx: &mut Transaction<'_, Any>, d: &Decision<'_>, detail: &str) -> Result<i64> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO audit_log (operator_id, action, subject, subject_id, reason, detail, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(d.operator.get())
    .bind(d.action.as_str())
    .bind(d.subject.as_str())
    .bind(d.subject_id)
    .bind(d.reason)
    .bind(detail)
    .bind(d.now.millis())
    .fetch_one(&mut **tx)
    .await?;
    Ok(id)
}
