//! The pager under every paged list: "Trang 2/5" with links to the previous and next pages that
//! keep the list's filters. A view model carries a `Pager` as its `pager` field and the template
//! shows it with `{{> pager pager}}` (`templates/partials/pager.hbs`).

use serde::Serialize;

use crate::store::Paged;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Pager {
    pub total: i64,
    pub page: i64,
    pub pages: i64,
    pub prev: Option<String>,
    pub next: Option<String>,
}

impl Pager {
    /// The pager of one page of a list; `link(n)` is the address of page n.
    pub fn new<T>(paged: &Paged<T>, link: impl Fn(i64) -> String) -> Self {
        let pages = paged.pages();
        // Past the end (an old link after rows left the filter), "previous" leads back to the last page.
        let prev = (paged.page > 1).then(|| link((paged.page - 1).min(pages)));
        let next = (paged.page < pages).then(|| link(paged.page + 1));
        Self { total: paged.total, page: paged.page, pages, prev, next }
    }
}

/// A list's address with its filters: `path?name=value&…&page=n`. Empty filters and page 1 are
/// left out, so each page has one address and the first page is the plain path.
#[derive(Debug, Clone)]
pub struct ListLink {
    path: &'static str,
    filters: Vec<(&'static str, String)>,
}

impl ListLink {
    pub fn new(path: &'static str) -> Self {
        Self { path, filters: Vec::new() }
    }

    /// Keeps a filter (trimmed) in every link, unless it is empty.
    pub fn filter(mut self, name: &'static str, value: &str) -> Self {
        let value = value.trim();
        if !value.is_empty() {
            self.filters.push((name, value.to_owned()));
        }
        self
    }

    /// The address of page `n`.
    pub fn page(&self, n: i64) -> String {
        let mut pairs: Vec<(&str, String)> = self.filters.iter().map(|(k, v)| (*k, v.clone())).collect();
        if n > 1 {
            pairs.push(("page", n.to_string()));
        }
        if pairs.is_empty() {
            return self.path.to_owned();
        }
        format!("{}?{}", self.path, serde_urlencoded::to_string(pairs).expect("strings encode"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paged(page: i64, total: i64) -> Paged<()> {
        Paged { items: Vec::new(), total, page, per_page: 50 }
    }

    #[test]
    fn links_keep_the_filters_and_page_one_is_the_plain_path() {
        let link =
            ListLink::new("/mail").filter("status", "failed").filter("recipient", " Hà & Bình ").filter("person", "");
        assert_eq!(link.page(1), "/mail?status=failed&recipient=H%C3%A0+%26+B%C3%ACnh");
        assert_eq!(link.page(3), "/mail?status=failed&recipient=H%C3%A0+%26+B%C3%ACnh&page=3");
        assert_eq!(ListLink::new("/mail").page(1), "/mail");
        assert_eq!(ListLink::new("/mail").page(2), "/mail?page=2");
    }

    #[test]
    fn previous_and_next_exist_only_where_there_is_a_page() {
        let link = ListLink::new("/x");
        let first = Pager::new(&paged(1, 120), |n| link.page(n));
        assert_eq!((first.pages, first.prev, first.next.as_deref()), (3, None, Some("/x?page=2")));
        let middle = Pager::new(&paged(2, 120), |n| link.page(n));
        assert_eq!((middle.prev.as_deref(), middle.next.as_deref()), (Some("/x"), Some("/x?page=3")));
        let last = Pager::new(&paged(3, 120), |n| link.page(n));
        assert_eq!(last.next, None);
        let past = Pager::new(&paged(9, 120), |n| link.page(n));
        assert_eq!((past.prev.as_deref(), past.next), (Some("/x?page=3"), None));
        let empty = Pager::new(&paged(1, 0), |n| link.page(n));
        assert_eq!((empty.pages, empty.prev, empty.next), (1, None, None));
    }
}
