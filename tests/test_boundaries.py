"""The package's boundaries, read from the source: who may import what.

The agent reaches pages only through the engine (``pupi.engine.PageView``),
which alone translates Playwright's errors; the CLI's token commands keep no
token logic of their own, only the store the server uses.
"""

from __future__ import annotations

import ast
import importlib.util
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

import pupi.agent

AGENT = Path(pupi.agent.__file__).parent

# Phrases of Playwright's error messages; only pupi.engine.translate may read them.
PLAYWRIGHT_ERROR_TEXTS = (
    "Execution context was destroyed",
    "Target closed",
    "has been closed",
    "strict mode violation",
    "net::ERR_",
    "Timeout ",
)


def imported_modules(tree: ast.AST) -> Iterator[tuple[int, str]]:
    """``(line, module)`` for every import anywhere in ``tree``, ``TYPE_CHECKING`` ones too."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.lineno, node.module


def agent_modules() -> list[Path]:
    modules = sorted(AGENT.rglob("*.py"))
    assert len(modules) > 10, "the walk should see the whole agent package"
    return modules


@pytest.mark.parametrize("path", agent_modules(), ids=lambda path: str(path.relative_to(AGENT)))
def test_no_agent_module_imports_playwright(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    offending = [
        f"line {line}: {module}"
        for line, module in imported_modules(tree)
        if module == "playwright" or module.startswith("playwright.")
    ]
    assert not offending, f"{path.name} imports Playwright; use pupi.engine.PageView"


@pytest.mark.parametrize("path", agent_modules(), ids=lambda path: str(path.relative_to(AGENT)))
def test_no_agent_module_reads_playwright_error_texts(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    offending = [
        f"line {node.lineno}: {node.value!r}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in docstrings
        and any(text in node.value for text in PLAYWRIGHT_ERROR_TEXTS)
    ]
    assert not offending, f"{path.name} matches Playwright's error texts: {offending}"


def test_the_imports_check_sees_imports_in_every_form() -> None:
    source = (
        "import playwright\n"
        "from playwright.async_api import Page\n"
        "if TYPE_CHECKING:\n"
        "    import playwright.sync_api as sync\n"
        "def f():\n"
        "    from playwright import async_api\n"
    )
    assert sorted(module for _, module in imported_modules(ast.parse(source))) == [
        "playwright",
        "playwright",
        "playwright.async_api",
        "playwright.sync_api",
    ]


def test_the_token_commands_use_the_servers_token_store_and_no_sql_of_their_own() -> None:
    spec = importlib.util.find_spec("pupi.cli.tokens")
    assert spec is not None and spec.origin is not None
    path = Path(spec.origin)
    tree = ast.parse(path.read_text(encoding="utf-8"))
    runtime_imports = {
        module
        for node in tree.body
        if not (isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test))
        for _, module in imported_modules(node)
    }
    assert "pupi.server.db.tokens" in runtime_imports
    assert not {m for m in runtime_imports if m.split(".")[0] == "sqlalchemy"}
    assert "pupi.server.db.models" not in runtime_imports
    names = {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}
    attributes = {node.attr for node in ast.walk(tree) if isinstance(node, ast.Attribute)}
    assert not {"TokenRow", "hash_token", "token_hash", "select", "update"} & (names | attributes)


# What a script that only runs steps locally must not load (issue 14: a colder start).
NOT_FOR_A_LOCAL_RUN = ("pupi.agent.loop", "pupi.agent.observe", "pupi.agent.result", "pupi.server")
_LOADED = """
import json, sys
from pupi import PupiPuppeteerSDK, RunResult, StepFailed
print(json.dumps(sorted(m for m in sys.modules if m.startswith(("pupi.", "httpx")))))
"""


def test_a_local_run_imports_neither_the_agent_nor_the_server() -> None:
    # A fresh interpreter: this one has imported everything the suite touches.
    out = subprocess.run(
        [sys.executable, "-c", _LOADED], capture_output=True, text=True, check=True
    ).stdout
    loaded = set(json.loads(out))
    assert "pupi.sdk" in loaded, "the probe should have loaded the SDK"
    assert not {name for name in loaded if name.startswith(NOT_FOR_A_LOCAL_RUN)}
    assert "httpx" not in loaded


def test_every_public_name_loads_on_first_use() -> None:
    import pupi

    assert set(pupi.__all__) == set(pupi._HOMES)
    for name in pupi.__all__:
        assert getattr(pupi, name) is not None, name
    assert pupi.PupiSDK is pupi.PupiPuppeteerSDK
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        pupi.nope  # noqa: B018
