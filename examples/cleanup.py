"""Seed twin: close every local instance at the end, even when the script fails.

From "Local Browser Instance Management > Cleaning Up Local Instances" in the seed,
written with the blocking API.
"""

from __future__ import annotations

from _site import demo_site

from pupi.sync import PupiPuppeteerSDK


def main(base_url: str) -> None:
    sdk = PupiPuppeteerSDK()
    try:
        # Your automation code...
        run = sdk.execute_steps_locally(
            [
                {"action": "go", "url": f"{base_url}/login"},
                {"action": "type", "selector": "#username", "text": "ada"},
                {"action": "type", "selector": "#password", "text": "lovelace"},
                {"action": "click", "selector": "role=button[name='Log in']"},
                {"action": "extract", "selector": "h1", "as": "greeting"},
            ]
        )
        print(run.raise_for_status().outputs["greeting"])
    finally:
        sdk.close_all_instances()
        print(f"{len(sdk.list_instances())} instances open.")


if __name__ == "__main__":
    with demo_site() as url:
        main(url)
