//! The shared parts of a list page: headers that sort by their column, numbered pages, the
//! refusal of a page past the end, and the "nothing matches these filters" text. Each list
//! hands over its filters (as they stand in the query), its order and its total; the links
//! made here keep all of them.

use super::Pager;
use crate::ctx::{Page, ReqCtx};
use accord_app::Paging;
use accord_domain::{Order, SortColumn};
use askama::Template;
use axum::http::StatusCode;
use axum::response::Response;

/// A list page's sorting, paging and filter state, for its template.
pub struct Listing {
    base: String,
    filters: Vec<(String, String)>,
    /// The code of the column sorted by, and which way.
    column: &'static str,
    descending: bool,
    /// The order as the query names it; empty for the list's default.
    sort_param: String,
    pub pager: Pager,
    /// Whether any filter narrows the list.
    pub filtered: bool,
}

/// A column header that sorts: where it leads, and how it marks the current order.
pub struct SortHeader {
    pub href: String,
    /// `ascending` or `descending` on the column the list is sorted by; empty on the others.
    pub aria_sort: &'static str,
}

#[derive(Template)]
#[template(path = "no_page.html")]
struct NoPageTemplate {
    page: Page,
    message: String,
    last: String,
    last_label: String,
}

fn link(base: &str, pairs: &[(&str, &str)]) -> String {
    let mut ser = url::form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs {
        if !v.is_empty() {
            ser.append_pair(k, v);
        }
    }
    let query = ser.finish();
    if query.is_empty() { base.to_owned() } else { format!("{base}?{query}") }
}

impl Listing {
    /// The list at `base`, narrowed by `filters` (`(name, value)` as in the query; empty values
    /// are unset), sorted by `order`, showing `paging` of `total` records. `Err` is the page that
    /// refuses a page number past the end, with a link to the last page.
    pub fn new<C: SortColumn>(
        ctx: &ReqCtx,
        base: &str,
        filters: &[(&str, &str)],
        order: Order<C>,
        paging: Paging,
        total: u64,
    ) -> Result<Listing, Box<Response>> {
        let filters: Vec<(String, String)> = filters
            .iter()
            .filter(|(_, v)| !v.trim().is_empty())
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        let sort = order.code();
        let mut query: Vec<(&str, &str)> = filters.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        if order != Order::default() {
            query.push(("sort", &sort));
        }
        let pages = paging.pages(total);
        if paging.page > pages {
            return Err(Box::new(past_end(ctx, base, &query, paging.page, pages)));
        }
        Ok(Listing {
            base: base.to_owned(),
            pager: Pager::new(ctx.lang, base, &query, paging, total),
            filtered: !filters.is_empty(),
            filters,
            sort_param: if order == Order::default() { String::new() } else { sort.clone() },
            column: order.column.code(),
            descending: order.descending,
        })
    }

    /// The header of the column whose code is `column`: a link that sorts by it ascending, or
    /// the other way when the list is already sorted by it. Paging starts again at the first page.
    pub fn header(&self, column: &str) -> SortHeader {
        let current = self.column == column;
        let target = if current && !self.descending { format!("-{column}") } else { column.to_owned() };
        let mut pairs: Vec<(&str, &str)> = self.filters.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        pairs.push(("sort", &target));
        SortHeader {
            href: link(&self.base, &pairs),
            aria_sort: match (current, self.descending) {
                (false, _) => "",
                (true, false) => "ascending",
                (true, true) => "descending",
            },
        }
    }

    /// The order as the query names it, for a filter form to keep; empty for the default.
    pub fn sort_param(&self) -> &str {
        &self.sort_param
    }

    /// The list without its filters, in the same order.
    pub fn clear_href(&self) -> String {
        link(&self.base, &[("sort", &self.sort_param)])
    }
}

fn past_end(ctx: &ReqCtx, base: &str, query: &[(&str, &str)], asked: u64, pages: u64) -> Response {
    let lang = ctx.lang;
    let (asked, last) = (asked.to_string(), pages.to_string());
    let key = if pages == 1 { "list.no_page_one" } else { "list.no_page" };
    let message = crate::i18n::t_args(lang, key, &[("page", &asked), ("pages", &last)]);
    let mut pairs = query.to_vec();
    pairs.push(("page", &last));
    let t = NoPageTemplate {
        page: ctx.page(crate::i18n::t(lang, "list.no_page_title")),
        message,
        last: link(base, &pairs),
        last_label: crate::i18n::t_value(lang, "list.last_page", &last),
    };
    let mut res = super::render(&t);
    *res.status_mut() = StatusCode::NOT_FOUND;
    res
}
