"""Seed twin: each execute_steps_locally call leaves its instance open; close them all.

From "Local Browser Instance Management > executeStepsLocally" in the seed.
"""

from __future__ import annotations

import asyncio

from _site import demo_site

from pupi import PupiPuppeteerSDK


async def main(base_url: str) -> None:
    sdk = PupiPuppeteerSDK()
    steps1 = [{"action": "go", "url": f"{base_url}/shop"}]
    steps2 = [{"action": "go", "url": f"{base_url}/table"}]
    try:
        # This call will leave a browser instance running.
        run1 = await sdk.execute_steps_locally(steps1)
        print(f"Instance {run1.instance_id} is running.")

        # You can run another one in parallel.
        run2 = await sdk.execute_steps_locally(steps2)
        print(f"Instance {run2.instance_id} is also running.")
        print(f"{len(sdk.list_instances())} instances open.")
    finally:
        # It's crucial to close all instances at the end.
        await sdk.close_all_instances()
        print("All local instances closed.")
        print(f"{len(sdk.list_instances())} instances open.")


if __name__ == "__main__":
    with demo_site() as url:
        asyncio.run(main(url))
