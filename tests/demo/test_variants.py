"""Demo site variants: renamed ids and classes, moved elements, the same words and scripts."""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
import pytest

from pupi.demo import DemoServer
from pupi.demo.variants import BASE, Variant

PAGES = ["/login", "/contact", "/shop", "/register", "/todos", "/faq", "/tabs", "/dialogs"]


@pytest.fixture(scope="module")
def site() -> Iterator[DemoServer]:
    """A site of this module's own, whose variant the tests change."""
    with DemoServer(host="127.0.0.1", port=0) as server:
        yield server


def _get(site: DemoServer, variant: int, path: str) -> str:
    site.variant = variant
    response = httpx.get(site.url + path, timeout=5)
    response.raise_for_status()
    return response.text


def _ids(html: str) -> list[str]:
    return re.findall(r'(?<![\w-])id="([^"]+)"', html)


def _words(html: str) -> list[str]:
    """What a person reads: the text between tags, in any order."""
    return sorted(t.strip() for t in re.findall(r">([^<>]+)<", html) if t.strip())


def _order(html: str, pattern: str) -> list[str]:
    return re.findall(pattern, html)


def test_the_base_variant_changes_nothing() -> None:
    document = '<p id="a" class="b" data-x="1">text</p>'
    assert BASE.rewrite_html(document) == document
    assert BASE.rewrite_css(".b { color: #fff }") == ".b { color: #fff }"
    assert BASE.arrange([1, 2, 3]) == [1, 2, 3]
    with pytest.raises(ValueError, match="from 0"):
        Variant(-1)


@pytest.mark.parametrize("variant", [1, 2, 3])
@pytest.mark.parametrize("path", PAGES)
def test_a_variant_renames_ids_and_every_reference_but_keeps_the_words(
    site: DemoServer, variant: int, path: str
) -> None:
    base, changed = _get(site, 0, path), _get(site, variant, path)
    ids = set(_ids(changed))
    renamed = set(_ids(base)) - ids
    assert renamed, "some ids are renamed"
    assert all(f"v{variant}-{name}" in ids for name in renamed)
    for kind in ("for", "aria-describedby", "aria-controls", "aria-labelledby"):
        for value in re.findall(rf'(?<![\w-]){kind}="([^"]+)"', changed):
            assert set(value.split()) <= ids, (kind, value)
    for target in re.findall(r'href="#([^"]+)"', changed):
        assert target in ids
    assert _words(changed) == _words(base)


def test_names_the_pages_scripts_use_are_kept(site: DemoServer) -> None:
    shop = _get(site, 2, "/shop")
    for kept in ('id="cart-count"', 'id="shop-status"', 'id="product-5-name"', "add-form"):
        assert kept in shop
    assert 'data-product-id="5"' in shop
    assert 'name="username"' in _get(site, 2, "/login")  # what the server reads stays too


@pytest.mark.parametrize("variant", [1, 2, 3])
def test_a_variant_moves_fields_products_and_links_the_same_way_each_time(
    site: DemoServer, variant: int
) -> None:
    fields = r'<label for="(?:v\d+-)?(\w+)"'
    products = r'data-product-id="(\d+)"'
    for path, pattern in [("/login", fields), ("/contact", fields), ("/shop", products)]:
        moved = _order(_get(site, variant, path), pattern)
        assert moved != _order(_get(site, 0, path), pattern), path
        assert sorted(moved) == sorted(_order(_get(site, 0, path), pattern)), path
        assert moved == _order(_get(site, variant, path), pattern), "deterministic"
    nav = re.compile(r'<nav aria-label="Main">(.*?)</nav>', re.S)
    base_nav = nav.findall(_get(site, 0, "/shop"))[0]
    assert nav.findall(_get(site, variant, "/shop"))[0] != base_nav


def test_the_stylesheet_follows_the_renames_and_leaves_declarations_alone(
    site: DemoServer,
) -> None:
    site.variant = 1
    css = httpx.get(site.url + "/static/style.css", timeout=5).text
    assert ".v1-card {" in css and ".card {" not in css
    assert "#fff" in css  # colours are not ids
    assert ".product-card" in css  # a name the shop's script relies on
    site.variant = 0
    assert ".card {" in httpx.get(site.url + "/static/style.css", timeout=5).text


def test_the_variant_can_be_chosen_when_the_server_starts() -> None:
    with DemoServer(variant=3) as server:
        assert server.variant == 3
        assert 'id="v3-username"' in httpx.get(server.url + "/login", timeout=5).text
