//! The demo store: what a newcomer sees first.

use crate::AppState;
use crate::app::anyhow_like::Result;

pub async fn fill(_state: &AppState) -> Result<()> {
    Ok(())
}
