"""Article search with numbered pagination, and one page per article."""

from __future__ import annotations

from urllib.parse import urlencode

from pupi.demo.app import Routes, Site
from pupi.demo.articles import ARTICLES_BY_ID, Article, search
from pupi.demo.render import esc
from pupi.demo.web import Request, Response

routes = Routes()

PER_PAGE = 5


def _page_url(query: str, page: int) -> str:
    params = {"q": query, "page": str(page)} if query else {"page": str(page)}
    return f"/search?{urlencode(params)}"


def _pagination(query: str, page: int, pages: int) -> str:
    if pages <= 1:
        return ""
    parts = []
    if page > 1:
        parts.append(f'<a href="{esc(_page_url(query, page - 1))}" rel="prev">Previous</a>')
    for number in range(1, pages + 1):
        current = ' aria-current="page" class="current"' if number == page else ""
        label = f' aria-label="Page {number}"'
        parts.append(f'<a href="{esc(_page_url(query, number))}"{label}{current}>{number}</a>')
    if page < pages:
        parts.append(f'<a href="{esc(_page_url(query, page + 1))}" rel="next">Next</a>')
    return f'<nav aria-label="Pagination" class="pagination">{" ".join(parts)}</nav>'


def _result(article: Article) -> str:
    return (
        f'<li class="result" data-article-id="{article.id}">'
        f'<h2><a href="/articles/{article.id}">{esc(article.title)}</a></h2>'
        f'<p class="meta">By <span class="author">{esc(article.author)}</span> · '
        f'<time datetime="{article.date}">{article.date}</time></p>'
        f'<p class="snippet">{esc(article.snippet)}</p></li>'
    )


@routes.get("/search")
def search_page(request: Request, site: Site) -> Response:
    query = request.arg("q").strip()
    found = search(query)
    pages = max(1, -(-len(found) // PER_PAGE))
    page_arg = request.arg("page", "1")
    page = min(max(int(page_arg), 1), pages) if page_arg.isdigit() else 1
    shown = found[(page - 1) * PER_PAGE : page * PER_PAGE]
    if not found:
        summary = f'<p id="search-summary" role="status">No results for "{esc(query)}".</p>'
    else:
        what = f'for "{esc(query)}"' if query else "(all articles)"
        start = (page - 1) * PER_PAGE + 1
        summary = (
            f'<p id="search-summary" role="status">{len(found)} result'
            f"{'' if len(found) == 1 else 's'} {what}. "
            f"Showing {start}-{start + len(shown) - 1}, page {page} of {pages}.</p>"
        )
    body = f"""<h1>Search articles</h1>
<form method="get" action="/search" role="search" class="inline-form">
<label for="q">Search articles</label>
<input id="q" name="q" type="search" value="{esc(query)}">
<button type="submit">Search</button>
</form>
{summary}
<ol class="results" aria-label="Search results">{"".join(map(_result, shown))}</ol>
{_pagination(query, page, pages)}"""
    return site.page(request, "Search articles", body)


@routes.get(r"/articles/(?P<id>\d+)")
def article_page(request: Request, site: Site) -> Response:
    article = ARTICLES_BY_ID.get(int(request.params["id"]))
    if article is None:
        return site.not_found(request, "article")
    body = f"""<article>
<h1>{esc(article.title)}</h1>
<p class="meta">By {esc(article.author)} · <time datetime="{article.date}">{article.date}</time></p>
<p>{esc(article.snippet)}</p>
</article>
<p><a href="/search">Back to search</a></p>"""
    return site.page(request, article.title, body)
