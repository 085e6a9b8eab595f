"""Remote API session workflow: send a prompt, poll until it is done, close the session.

The Python twin of the seed's "Example API Session Workflow". Needs a running
server (`pupi serve`) and a token (`pupi token create --name me`):

    PUPI_API_URL=http://127.0.0.1:8400 PUPI_TOKEN=pupi_... python examples/remote_session.py

PUPI_PROMPT replaces the prompt (the server must be allowed to reach the site it
names: `pupi serve --allow-host 127.0.0.1` for a site on this machine).
"""

from __future__ import annotations

import asyncio
import os

from pupi import PupiError, PupiPuppeteerSDK

API_URL = os.environ.get("PUPI_API_URL", "http://127.0.0.1:8400")
TOKEN = os.environ.get("PUPI_TOKEN", "your-secret-token")
PROMPT = os.environ.get(
    "PUPI_PROMPT", "Find the price of the first product on http://127.0.0.1:8000/shop"
)


async def run_api_task() -> int:
    sdk = PupiPuppeteerSDK(API_URL)
    sdk.set_access_token(TOKEN)
    session_id = None
    try:
        # 1. Start the session by sending a prompt.
        started = await sdk.send_prompt_to_ai(PROMPT)
        session_id = started.session_id
        print(f"API Session started with ID: {session_id}")

        # 2. Poll for the result until it is completed, failed or cancelled.
        result = await sdk.get_session_result(session_id)
        print("Current session status:", result.status)
        result = await sdk.wait_for_session(session_id, timeout_s=120)
        print("Final session result:", result)
        print("Answer:", result.answer if result.status == "completed" else result.error)
        return 0
    except PupiError as error:
        print("API task failed:", error)
        return 1
    finally:
        # 3. Close the session on the server.
        if session_id:
            await sdk.close_session(session_id)
            print(f"API Session {session_id} closed.")
        await sdk.aclose()


if __name__ == "__main__":
    raise SystemExit(asyncio.run(run_api_task()))
