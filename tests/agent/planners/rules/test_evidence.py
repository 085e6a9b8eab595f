"""Grounding by evidence: closed tabs and sections looked in, landmarks and role words
weighed rather than matched as names.

Decisions on hand-built observations: no browser.
"""

from __future__ import annotations

from pupi.agent.observe.model import Element, ItemList, Observation
from pupi.agent.planners.base import Action, HistoryEntry
from pupi.agent.planners.rules import decide
from pupi.agent.planners.rules.ground import ground
from pupi.agent.planners.rules.parse import parse_task


def _tab(index: int, name: str, *, selected: bool) -> Element:
    return Element(index=index, role="tab", name=name, selected=selected, selector=f"#t{index}")


def _guides(shown: str) -> Observation:
    """A tab per city; only the selected tab's panel is on the page."""
    cities = ["Seville", "Dublin", "Osaka"]
    links = [
        Element(
            index=10 + n,
            role="link",
            name=f"{kind} in {shown}",
            href=f"/visit/{shown}-{kind}",
            context=shown,
            item=(0, n),
            selector=f"#l{n}",
        )
        for n, kind in enumerate(["Hotels", "Museums"])
    ]
    panel = ItemList(
        selector="#panel li",
        label=shown,
        items=[{"title": link.name, "text": link.name} for link in links],
        total=2,
    )
    tabs = [_tab(n + 1, city, selected=city == shown) for n, city in enumerate(cities)]
    return Observation(url="http://x.test/", elements=[*tabs, *links], lists=[panel])


def _entry(action: Action) -> HistoryEntry:
    return HistoryEntry(
        action=action,
        step={"action": action.kind},
        ok=True,
        url_before="http://x.test/",
        url_after="http://x.test/",
    )


def test_a_link_in_a_closed_tab_is_looked_for_there_first() -> None:
    task = "Open the guide to museums in Dublin."
    first = decide(task, _guides("Seville"), [])
    # Never Seville's museums: the tab whose name the clause holds is opened instead.
    assert [(a.kind, a.element) for a in first.actions] == [("click", 2)]
    then = decide(task, _guides("Dublin"), [_entry(a) for a in first.actions])
    assert [(a.kind, a.element) for a in then.actions] == [("click", 11)]


def test_the_search_ends_once_every_tab_was_looked_in() -> None:
    task = "Open the guide to parks in Lima."
    names = {1: "Seville", 2: "Dublin", 3: "Osaka"}
    shown = "Seville"
    history: list[HistoryEntry] = []
    opened: list[int] = []
    for _ in range(8):
        decision = decide(task, _guides(shown), history)
        if decision.failed:
            break
        action = decision.actions[0]
        if action.kind == "click":
            assert action.element is not None
            opened.append(action.element)
            shown = names[action.element]
        history.append(_entry(action))
    assert decision.failed
    # Each tab not shown at first is opened once; then the usual waits, then the reason.
    assert sorted(opened) == [1, 2, 3] and len(history) == 3 + 2
    assert "looked in 'Dublin', 'Seville', 'Osaka' too" in (decision.reason or "")


def test_the_landmark_named_picks_among_links_of_the_same_name() -> None:
    links = [
        Element(index=1, role="link", name="Events", region="nav", selector="#n"),
        Element(index=2, role="link", name="Events", region="footer", selector="#f"),
    ]
    observation = Observation(url="http://x.test/", elements=links)
    for task, wanted in (("Open Events from the footer", 2), ("Open Events in the navigation", 1)):
        (intent,) = parse_task(task)
        assert intent.target is not None
        assert ground(observation, intent.target).index == wanted, task


def test_a_role_word_may_be_the_end_of_a_name() -> None:
    buttons = [
        Element(index=1, role="button", name="Share", selector="#s"),
        Element(index=2, role="button", name="Share link", selector="#l"),
    ]
    observation = Observation(url="http://x.test/", elements=buttons)
    (intent,) = parse_task("Please click Share link.")
    assert intent.target is not None
    assert ground(observation, intent.target).index == 2
    (quoted,) = parse_task('Click the "Share" link')
    assert quoted.target is not None and not quoted.target.whole
    assert ground(observation, quoted.target).index == 1


def _menu(opened: bool) -> Observation:
    """A menu bar whose File > Export as submenu is open or closed."""
    items = [
        Element(index=1, role="menuitem", name="File", expanded=opened, selector="#file"),
        Element(index=2, role="menuitem", name="Export as", expanded=opened, selector="#ex"),
    ]
    if opened:
        items += [
            Element(index=3, role="menuitem", name="PDF document", selector="#pdf"),
            Element(index=4, role="menuitem", name="Word document", selector="#doc"),
        ]
    return Observation(url="http://x.test/", elements=items)


def test_words_an_opened_menu_said_are_not_needed_again() -> None:
    task = "Export the document as PDF"
    opening = decide(task, _menu(False), [])
    assert [a.element for a in opening.actions] == [2]  # "Export as" shares the words
    history = [_entry(a) for a in opening.actions]
    done = decide(task, _menu(True), history)
    assert [(a.kind, a.element) for a in done.actions] == [("click", 3)]
    # A format the submenu lacks is not some other document.
    other = decide("Export the document as Markdown", _menu(True), history)
    assert all(a.element != 4 and a.element != 3 for a in other.actions)


def _orders(numbers: list[str]) -> Observation:
    """An order per row: its link, and icon buttons named only by their titles."""
    elements, items = [], []
    for n, number in enumerate(numbers):
        subject = ["Blue mug", "Desk lamp", "Wool scarf"][n]
        items.append({"title": subject, "text": f"{number} {subject}"})
        elements.append(
            Element(index=10 * n + 5, role="link", name=subject, item=(0, n), selector=f"#l{n}")
        )
        for k, title in enumerate(["Cancel order", "Flag"]):
            elements.append(
                Element(
                    index=10 * n + k + 1,
                    role="button",
                    name="⚠✓"[k],
                    context=subject,
                    item=(0, n),
                    selector=f"#b{n}{k}",
                    fingerprint={"title": title},
                )
            )
    queue = ItemList(selector="#orders li", items=items, total=len(items))
    return Observation(url="http://x.test/", elements=elements, lists=[queue])


def test_a_number_the_page_shows_names_its_item_rather_than_counting() -> None:
    orders = _orders(["#5517", "#5521", "#5530"])
    for task in ("Cancel order #5521.", "Click Cancel order for #5521", "Cancel order number 5521"):
        assert [(a.kind, a.element) for a in decide(task, orders, []).actions] == [("click", 11)], (
            task
        )


def test_a_number_the_page_does_not_show_counts_items() -> None:
    # Rows without numbers: "#2" is the second.
    plain = _orders(["", "", ""])
    assert [(a.kind, a.element) for a in decide("Cancel order #2.", plain, []).actions] == [
        ("click", 11)
    ]


def test_an_ordinal_counts_icon_buttons_by_their_titles() -> None:
    orders = _orders(["#5517", "#5521", "#5530"])
    decision = decide("Click the 3rd Flag button", orders, [])
    assert [(a.kind, a.element) for a in decision.actions] == [("click", 22)]
