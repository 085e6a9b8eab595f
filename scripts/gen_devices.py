"""Write ``src/pupi/browser/devices.json``: Playwright's device descriptors.

``device="iPhone 15"`` is validated before any browser starts, and Playwright
only hands its descriptors out from a running driver, so the table is copied
here from the installed Playwright. Run this after upgrading Playwright;
``tests/browser/test_options.py`` runs ``--check`` and fails when the copy differs.

    .venv/bin/python scripts/gen_devices.py           # rewrite devices.json
    .venv/bin/python scripts/gen_devices.py --check   # exit 1 if it is not current
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from pathlib import Path
from typing import Any

from playwright.async_api import async_playwright

TARGET = Path(__file__).resolve().parent.parent / "src" / "pupi" / "browser" / "devices.json"
# Only Playwright's test runner reads this; new_context does not take it. ("screen"
# stays: without it window.screen is the viewport, 393x659 for an iPhone 15, not 393x852.)
DROPPED = {"default_browser_type"}


async def _descriptors() -> dict[str, Any]:
    async with async_playwright() as playwright:
        return {
            name: {key: value for key, value in descriptor.items() if key not in DROPPED}
            for name, descriptor in sorted(playwright.devices.items())
        }


def render() -> str:
    """The text ``devices.json`` should have."""
    return json.dumps(asyncio.run(_descriptors()), indent=1, sort_keys=True) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if the file is not current")
    text = render()
    if parser.parse_args().check:
        if TARGET.read_text() != text:
            print(f"{TARGET} is out of date: run scripts/gen_devices.py", file=sys.stderr)
            return 1
        return 0
    TARGET.write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
