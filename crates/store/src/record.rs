//! `record!` declares a row struct and reads it from a query result by column
//! name, so the same struct works for rows of either backend. A status field
//! holds its domain enum: stored as text, parsed as the row is read.

macro_rules! record {
    ($(#[$m:meta])* $v:vis struct $name:ident { $($(#[$fm:meta])* pub $f:ident : $t:ty),* $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
        $v struct $name { $($(#[$fm])* pub $f: $t),* }

        impl<'r> sqlx::FromRow<'r, sqlx::any::AnyRow> for $name {
            fn from_row(row: &'r sqlx::any::AnyRow) -> Result<Self, sqlx::Error> {
                Ok(Self { $($f: <$t as $crate::record::Column>::read(row, stringify!($f))?),* })
            }
        }
    };
}

/// A value a row field can hold.
pub(crate) trait Column: Sized {
    fn read(row: &sqlx::any::AnyRow, name: &str) -> Result<Self, sqlx::Error>;
}

macro_rules! plain_columns {
    ($($t:ty),*) => {$(
        impl Column for $t {
            fn read(row: &sqlx::any::AnyRow, name: &str) -> Result<Self, sqlx::Error> {
                sqlx::Row::try_get(row, name)
            }
        }
    )*};
}

plain_columns!(i64, Option<i64>, String, Option<String>);

macro_rules! status_columns {
    ($($t:ty),*) => {$(
        impl Column for $t {
            fn read(row: &sqlx::any::AnyRow, name: &str) -> Result<Self, sqlx::Error> {
                let text: String = sqlx::Row::try_get(row, name)?;
                <$t>::parse(&text).map_err(|e| undecodable(name, e))
            }
        }

        impl Column for Option<$t> {
            fn read(row: &sqlx::any::AnyRow, name: &str) -> Result<Self, sqlx::Error> {
                let text: Option<String> = sqlx::Row::try_get(row, name)?;
                text.map(|t| <$t>::parse(&t).map_err(|e| undecodable(name, e))).transpose()
            }
        }
    )*};
}

fn undecodable(column: &str, e: haul_domain::DomainError) -> sqlx::Error {
    sqlx::Error::ColumnDecode { index: column.to_owned(), source: Box::new(e) }
}

/// A status read by hand rather than through a row struct: a value the code
/// does not know is the record's fault (a server error), not the caller's.
pub(crate) fn stored<T>(parsed: Result<T, haul_domain::DomainError>) -> crate::Result<T> {
    parsed.map_err(|e| crate::StoreError::Db(undecodable("status", e)))
}

/// An address kept with an order, as JSON.
impl Column for Option<haul_domain::delivery::Address> {
    fn read(row: &sqlx::any::AnyRow, name: &str) -> Result<Self, sqlx::Error> {
        let text: Option<String> = sqlx::Row::try_get(row, name)?;
        text.map(|t| serde_json::from_str(&t).map_err(|e| sqlx::Error::ColumnDecode { index: name.to_owned(), source: Box::new(e) }))
            .transpose()
    }
}

/// A list kept as JSON text (an after-sales case's pictures).
impl Column for Vec<String> {
    fn read(row: &sqlx::any::AnyRow, name: &str) -> Result<Self, sqlx::Error> {
        let text: String = sqlx::Row::try_get(row, name)?;
        serde_json::from_str(&text).map_err(|e| sqlx::Error::ColumnDecode { index: name.to_owned(), source: Box::new(e) })
    }
}

use haul_domain::affiliate::{CommissionStatus, PayoutStatus, PlanStatus, TouchKind};
use haul_domain::aftersales::{CaseKind, CaseStatus};
use haul_domain::catalog::ProductStatus;
use haul_domain::community::{CampaignItemStatus, CampaignStatus, CommunityStatus};
use haul_domain::content::{NotificationKind, VideoStatus};
use haul_domain::coupons::CouponKind;
use haul_domain::deals::DealStatus;
use haul_domain::delivery::Fulfilment;
use haul_domain::group_buy::{TeamOfferStatus, TeamStatus};
use haul_domain::leads::LeadStatus;
use haul_domain::live::RoomStatus;
use haul_domain::moderation::{OperatorAction, ReportReason, ReportStatus, ShopStatus, Subject};
use haul_domain::orders::{OrderStatus, PaymentStatus};
use haul_domain::outbound::DeliveryStatus;
use haul_domain::vouchers::VoucherStatus;

status_columns!(
    OrderStatus,
    PaymentStatus,
    ProductStatus,
    CommunityStatus,
    CampaignStatus,
    CampaignItemStatus,
    TeamOfferStatus,
    TeamStatus,
    DealStatus,
    VideoStatus,
    DeliveryStatus,
    RoomStatus,
    Fulfilment,
    Subject,
    ReportReason,
    ReportStatus,
    OperatorAction,
    ShopStatus,
    VoucherStatus,
    PlanStatus,
    TouchKind,
    CommissionStatus,
    PayoutStatus,
    NotificationKind,
    CaseKind,
    CaseStatus,
    CouponKind,
    LeadStatus
);
