//! Paging of list endpoints: bounded page sizes so that no request can ask for a whole province at once.
use crate::AppError;
use serde::{Deserialize, Serialize};

pub const MAX_PER_PAGE: u32 = 200;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Page {
    pub page: u32,
    pub per_page: u32,
}

impl Page {
    /// The first page of one item: for a list asked only for its total.
    pub const TOTAL_ONLY: Page = Page {
        page: 1,
        per_page: 1,
    };

    pub fn parse(page: Option<u32>, per_page: Option<u32>) -> Result<Page, AppError> {
        let page = page.unwrap_or(1);
        let per_page = per_page.unwrap_or(50);
        if page == 0 || page > 1_000_000 {
            return Err(AppError::invalid("page", "应为1至1000000之间的整数"));
        }
        if per_page == 0 || per_page > MAX_PER_PAGE {
            return Err(AppError::invalid(
                "per_page",
                &format!("应为1至{MAX_PER_PAGE}之间的整数"),
            ));
        }
        Ok(Page { page, per_page })
    }

    pub fn limit(self) -> i64 {
        i64::from(self.per_page)
    }

    pub fn offset(self) -> i64 {
        i64::from(self.page - 1) * i64::from(self.per_page)
    }
}

impl Default for Page {
    fn default() -> Self {
        Page {
            page: 1,
            per_page: 50,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Paged<T> {
    pub items: Vec<T>,
    pub total: i64,
    pub page: u32,
    pub per_page: u32,
}

impl<T> Paged<T> {
    pub fn new(items: Vec<T>, total: i64, page: Page) -> Self {
        Paged {
            items,
            total,
            page: page.page,
            per_page: page.per_page,
        }
    }

    pub fn pages(&self) -> i64 {
        (self.total + i64::from(self.per_page) - 1) / i64::from(self.per_page.max(1))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_absurd_pages() {
        assert!(Page::parse(Some(0), None).is_err());
        assert!(Page::parse(None, Some(10_000)).is_err());
        let p = Page::parse(Some(3), Some(20)).unwrap();
        assert_eq!((p.limit(), p.offset()), (20, 40));
    }
}
