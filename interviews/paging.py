"""Long lists a page at a time, with the list's filters kept in every page link.

Shared by the applications, people and follow-up lists, and drawn by the one
include templates/_pagination.html.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.utils.http import urlencode

# Rows per page on the site's lists: a screen or two, and a page of well
# under 60 KB even with long names.
PER_PAGE = 25


@dataclass
class PageLink:
    number: int | None  # None: the gap between far-apart numbers
    url: str = ""
    current: bool = False


@dataclass
class Paging:
    page: Page
    query: str  # the filters, without the page: for links that keep them

    @property
    def rows(self):
        return self.page.object_list

    @property
    def count(self):
        return self.page.paginator.count

    @property
    def summary(self):
        """ "Showing 26–50 of 1,000", or "Showing 3 of 3" when one page holds them all."""
        if not self.page.has_other_pages():
            return f"Showing {self.count:,} of {self.count:,}"
        start, end = self.page.start_index(), self.page.end_index()
        return f"Showing {start:,}–{end:,} of {self.count:,}"

    def url(self, number):
        return "?" + "&".join(filter(None, [self.query, f"page={number}"]))

    @property
    def links(self):
        numbers = self.page.paginator.get_elided_page_range(
            self.page.number, on_each_side=1, on_ends=1
        )
        return [
            PageLink(None)
            if number == Paginator.ELLIPSIS
            else PageLink(number, self.url(number), number == self.page.number)
            for number in numbers
        ]

    @property
    def previous_url(self):
        return self.url(self.page.previous_page_number()) if self.page.has_previous() else ""

    @property
    def next_url(self):
        return self.url(self.page.next_page_number()) if self.page.has_next() else ""


def paginate(request, rows, *, filters=None, per_page=None):
    """The requested page of `rows` (an ordered queryset).

    A page number that is not a number gives the first page, one past the end
    the last (Paginator.get_page): an old or edited link still shows a list.
    `filters` are the list's own query parameters, empty ones left out.
    """
    paginator = Paginator(rows, per_page or PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    query = urlencode({key: value for key, value in (filters or {}).items() if value})
    return Paging(page=page, query=query)
