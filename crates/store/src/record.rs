//! `record!` declares a row struct and reads it from a query result by column
//! name, so the same struct works for rows of either backend.

macro_rules! record {
    ($(#[$m:meta])* $v:vis struct $name:ident { $($(#[$fm:meta])* pub $f:ident : $t:ty),* $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
        $v struct $name { $($(#[$fm])* pub $f: $t),* }

        impl<'r> sqlx::FromRow<'r, sqlx::any::AnyRow> for $name {
            fn from_row(row: &'r sqlx::any::AnyRow) -> Result<Self, sqlx::Error> {
                use sqlx::Row;
                Ok(Self { $($f: row.try_get(stringify!($f))?),* })
            }
        }
    };
}
