"""Seed twin: one Puppeteer object, one browser instance for all its actions.

From "Local Browser Instance Management > Puppeteer Class" in the seed.
"""

from __future__ import annotations

import asyncio

from _site import demo_site

from pupi import PupiPuppeteerSDK, Puppeteer


async def main(base_url: str) -> None:
    # A new browser instance is created for this 'browser' object.
    browser = Puppeteer()

    # All these actions run in the same browser instance.
    first = await browser.go(url=f"{base_url}/shop").run()
    second = await browser.go(url=f"{base_url}/table").run()
    print(f"Both runs used instance {first.instance_id}: {first.instance_id == second.instance_id}")

    # The instance is closed when it's no longer needed (e.g., garbage collected)
    # or by calling sdk.close_all_instances().
    await PupiPuppeteerSDK().close_all_instances()
    print(f"{len(PupiPuppeteerSDK().list_instances())} instances open.")


if __name__ == "__main__":
    with demo_site() as url:
        asyncio.run(main(url))
