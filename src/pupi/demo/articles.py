"""The fixed set of 40 articles behind ``/search``."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Article:
    id: int
    title: str
    author: str
    date: str  # ISO 8601
    snippet: str

    def matches(self, query: str) -> bool:
        """Case-insensitive match of every word of ``query`` in title, author or snippet."""
        haystack = f"{self.title} {self.author} {self.snippet}".lower()
        return all(word in haystack for word in query.lower().split())


_RAW: tuple[tuple[str, str, str, str], ...] = (
    ("Getting started with Python", "Ada Lovelace", "2024-01-08",
     "Install Python, create a virtual environment and run your first script."),
    ("Python type hints in practice", "Alan Turing", "2024-01-15",
     "How gradual typing catches bugs early without slowing you down."),
    ("Async Python explained", "Grace Hopper", "2024-01-22",
     "Event loops, coroutines and tasks, with examples you can run."),
    ("Testing Python code with pytest", "Ada Lovelace", "2024-01-29",
     "Fixtures, parametrisation and markers for a fast, readable test suite."),
    ("Packaging a Python library", "Margaret Hamilton", "2024-02-05",
     "From pyproject.toml to a wheel on the package index."),
    ("How browsers render a page", "Katherine Johnson", "2024-02-12",
     "Parsing, style, layout and paint: the pipeline behind every page."),
    ("Browser automation for beginners", "Grace Hopper", "2024-02-19",
     "Open a browser from code, click buttons and fill forms."),
    ("Choosing robust selectors", "Alan Turing", "2024-02-26",
     "Roles, labels and test ids survive redesigns better than CSS paths."),
    ("Waiting for the right moment", "Ada Lovelace", "2024-03-04",
     "Auto-waiting, network idle and why fixed sleeps make tests flaky."),
    ("Headless browsers in CI", "Margaret Hamilton", "2024-03-11",
     "Run a headless browser in continuous integration without surprises."),
    ("Accessible forms", "Katherine Johnson", "2024-03-18",
     "Labels, fieldsets and error messages that screen readers announce."),
    ("Keyboard navigation basics", "Grace Hopper", "2024-03-25",
     "Focus order, visible focus and shortcuts for keyboard users."),
    ("ARIA roles without the confusion", "Alan Turing", "2024-04-01",
     "When to use a role, and when native HTML already says it."),
    ("Designing data tables", "Ada Lovelace", "2024-04-08",
     "Captions, header cells and sorting that everyone can use."),
    ("Web scraping responsibly", "Margaret Hamilton", "2024-04-15",
     "Respect robots rules, rate limits and the terms of the site."),
    ("Python data classes", "Katherine Johnson", "2024-04-22",
     "Less boilerplate for classes that mostly hold data."),
    ("Pattern matching in Python", "Grace Hopper", "2024-04-29",
     "Structural pattern matching with match and case statements."),
    ("Debugging flaky tests", "Alan Turing", "2024-05-06",
     "Find the race, reproduce it, and fix the cause instead of retrying."),
    ("Screenshots as test evidence", "Ada Lovelace", "2024-05-13",
     "Capture full pages and single elements when a browser test fails."),
    ("Cookies and sessions", "Margaret Hamilton", "2024-05-20",
     "How a site remembers who you are between requests."),
    ("HTTP caching in ten minutes", "Katherine Johnson", "2024-05-27",
     "Cache-Control, ETags and what the browser really stores."),
    ("Shadow DOM for the curious", "Grace Hopper", "2024-06-03",
     "Encapsulated components and how automation tools pierce them."),
    ("Working with iframes", "Alan Turing", "2024-06-10",
     "Frames, origins and how to reach an element inside one."),
    ("Handling dialogs and alerts", "Ada Lovelace", "2024-06-17",
     "Accept or dismiss confirm, alert and prompt dialogs from code."),
    ("File uploads from the browser", "Margaret Hamilton", "2024-06-24",
     "Multipart forms, file inputs and progress feedback."),
    ("Date and time inputs", "Katherine Johnson", "2024-07-01",
     "Native date pickers, time zones and text formats like DD/MM/YYYY."),
    ("Python logging done right", "Grace Hopper", "2024-07-08",
     "Loggers, handlers and levels that make incidents easier to debug."),
    ("Writing a command-line tool in Python", "Alan Turing", "2024-07-15",
     "Arguments, subcommands and helpful error messages."),
    ("Performance budgets for web pages", "Ada Lovelace", "2024-07-22",
     "Decide what fast means and measure it on every change."),
    ("Infinite scroll versus pagination", "Margaret Hamilton", "2024-07-29",
     "Trade-offs for users, search engines and browser automation."),
    ("Large language models as web agents", "Katherine Johnson", "2024-08-05",
     "Give a model a page snapshot and let it plan the next click."),
    ("Prompting an agent to shop online", "Grace Hopper", "2024-08-12",
     "From a plain-language request to items in the cart."),
    ("Evaluating browser agents", "Alan Turing", "2024-08-19",
     "Tasks, checkers and server-side state as the ground truth."),
    ("Python virtual environments", "Ada Lovelace", "2024-08-26",
     "Why every project deserves its own isolated set of packages."),
    ("Security basics for web forms", "Margaret Hamilton", "2024-09-02",
     "Escaping output, CSRF tokens and validating on the server."),
    ("Progressive enhancement today", "Katherine Johnson", "2024-09-09",
     "Start with HTML that works, then add JavaScript where it helps."),
    ("A tour of the Python standard library", "Grace Hopper", "2024-09-16",
     "Batteries included: http.server, json, pathlib and friends."),
    ("Recording browser sessions", "Alan Turing", "2024-09-23",
     "Turn clicks in DevTools into replayable automation steps."),
    ("Responsive layouts with CSS grid", "Ada Lovelace", "2024-09-30",
     "Product grids that adapt from phones to wide screens."),
    ("Retiring old browsers gracefully", "Margaret Hamilton", "2024-10-07",
     "Feature detection and clear messages instead of broken pages."),
)  # fmt: skip

ARTICLES: tuple[Article, ...] = tuple(
    Article(index, title, author, date, snippet)
    for index, (title, author, date, snippet) in enumerate(_RAW, start=1)
)
ARTICLES_BY_ID: dict[int, Article] = {article.id: article for article in ARTICLES}


def search(query: str) -> list[Article]:
    """Articles matching ``query`` in their fixed order; all of them for a blank query."""
    if not query.strip():
        return list(ARTICLES)
    return [article for article in ARTICLES if article.matches(query)]
