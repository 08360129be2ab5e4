//! Keyset pagination: lists are ordered by id, newest first, and a cursor is
//! the last id seen. Stable under inserts, unlike offsets.

use crate::DomainError;
use serde::Serialize;

pub const DEFAULT_LIMIT: i64 = 20;
pub const MAX_LIMIT: i64 = 100;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageRequest {
    pub limit: i64,
    /// Items with an id below this one; `None` starts at the newest.
    pub before: Option<i64>,
}

impl PageRequest {
    pub fn parse(limit: Option<i64>, cursor: Option<&str>) -> Result<Self, DomainError> {
        let limit = limit.unwrap_or(DEFAULT_LIMIT);
        if !(1..=MAX_LIMIT).contains(&limit) {
            return Err(DomainError::invalid("limit", format!("between 1 and {MAX_LIMIT}")));
        }
        let before = match cursor.filter(|c| !c.is_empty()) {
            None => None,
            Some(c) => Some(
                c.parse::<i64>().ok().filter(|n| *n > 0).ok_or_else(|| DomainError::invalid("cursor", "not a cursor this API gave out"))?,
            ),
        };
        Ok(PageRequest { limit, before })
    }

    /// The upper id bound to query with.
    pub fn before_id(&self) -> i64 {
        self.before.unwrap_or(i64::MAX)
    }

    /// How many rows to fetch: one more than the page, to know if another follows.
    pub fn fetch(&self) -> i64 {
        self.limit + 1
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// Pass as `cursor` to get the next page; absent on the last one.
    pub next_cursor: Option<String>,
}

impl<T> Page<T> {
    /// Cut a fetched batch (of up to `fetch()` rows) down to a page.
    pub fn from_batch(mut rows: Vec<T>, req: &PageRequest, id_of: impl Fn(&T) -> i64) -> Self {
        let more = rows.len() as i64 > req.limit;
        rows.truncate(req.limit as usize);
        let next_cursor = if more { rows.last().map(|r| id_of(r).to_string()) } else { None };
        Page { items: rows, next_cursor }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_and_cursors_are_validated() {
        assert_eq!(PageRequest::parse(None, None).unwrap(), PageRequest { limit: DEFAULT_LIMIT, before: None });
        assert!(PageRequest::parse(Some(0), None).is_err());
        assert!(PageRequest::parse(Some(MAX_LIMIT + 1), None).is_err());
        assert!(PageRequest::parse(None, Some("abc")).is_err());
        assert!(PageRequest::parse(None, Some("-3")).is_err());
        assert_eq!(PageRequest::parse(Some(5), Some("42")).unwrap().before, Some(42));
    }

    #[test]
    fn a_batch_with_an_extra_row_has_a_next_cursor() {
        let req = PageRequest::parse(Some(2), None).unwrap();
        let page = Page::from_batch(vec![9, 8, 7], &req, |n| *n);
        assert_eq!(page.items, vec![9, 8]);
        assert_eq!(page.next_cursor.as_deref(), Some("8"));
        let last = Page::from_batch(vec![9, 8], &req, |n| *n);
        assert_eq!(last.next_cursor, None);
    }
}
