"""Fixtures for the LLM planner tests: protocol stubs, the scripted server process and
a hand-made page snapshot."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest
from tests.llm_server import LLMServer

from pupi.agent.observe.model import Element, ItemList, Observation

from .stubs import AnthropicStub, OpenAIStub

Serve = Callable[[list[dict[str, Any]]], LLMServer]
"""``serve(replies)``: a running :class:`LLMServer` process with that script."""


@pytest.fixture
def openai_stub() -> Iterator[OpenAIStub]:
    """A running OpenAI-compatible stub, stopped after the test."""
    with OpenAIStub() as stub:
        yield stub


@pytest.fixture
def anthropic_stub() -> Iterator[AnthropicStub]:
    """A running Anthropic Messages API stub, stopped after the test."""
    with AnthropicStub() as stub:
        yield stub


@pytest.fixture
def serve(tmp_path: Path) -> Iterator[Serve]:
    """Start OpenAI-compatible server processes with scripts; all stop after the test."""
    numbers = itertools.count()
    with ExitStack() as running:

        def start(replies: list[dict[str, Any]]) -> LLMServer:
            folder = tmp_path / f"llm-server-{next(numbers)}"
            folder.mkdir()
            return running.enter_context(LLMServer(replies, folder))

        yield start


@pytest.fixture
def shop_page() -> Observation:
    """A small shop page: a search box, a button, a link and a product list."""
    return Observation(
        url="http://127.0.0.1:8000/shop",
        title="Shop",
        headings=["Products"],
        texts=["Welcome to the shop."],
        elements=[
            Element(index=1, role="textbox", name="Search", tag="input", selector="#q"),
            Element(index=2, role="button", name="Add to cart", tag="button", selector="#add"),
            Element(index=3, role="link", name="Blue mug", href="/p/1", selector="a.mug"),
        ],
        lists=[ItemList(selector=".card", items=[{"title": "Blue mug", "price": "$12.00"}])],
    )
