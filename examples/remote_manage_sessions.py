"""Managing multiple API sessions: list the active ones, then close them all.

The Python twin of the seed's "Managing Multiple API Sessions":

    PUPI_API_URL=http://127.0.0.1:8400 PUPI_TOKEN=pupi_... python examples/remote_manage_sessions.py
"""

from __future__ import annotations

import asyncio
import os

from pupi import PupiPuppeteerSDK

API_URL = os.environ.get("PUPI_API_URL", "http://127.0.0.1:8400")
TOKEN = os.environ.get("PUPI_TOKEN", "your-secret-token")


async def main() -> None:
    async with PupiPuppeteerSDK(API_URL) as sdk:
        sdk.set_access_token(TOKEN)

        # Get a list of all active sessions.
        active = await sdk.get_active_sessions()
        print(f"There are {len(active.sessions)} active sessions.")

        # Close all sessions on the server.
        if active.sessions:
            closed = await sdk.close_all_sessions()
            print(f"All active API sessions have been closed ({closed}).")


if __name__ == "__main__":
    asyncio.run(main())
