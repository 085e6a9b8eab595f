"""No Chromium (nor Playwright driver) outlives the Python process that owns it."""

from __future__ import annotations

import signal
import subprocess
import sys
import textwrap
import time

import psutil
import pytest
from tests.processes import browsers_of, still_running

pytestmark = pytest.mark.browser

# Each script opens its browsers, prints "ready", then waits for a line on stdin:
# the test looks at the browser processes while they certainly exist, then either
# sends the line (the script goes on to ``{then}`` and exits) or a signal.
OPEN_INSTANCES = """
import asyncio, sys
from pupi import PupiPuppeteerSDK

async def main():
    sdk = PupiPuppeteerSDK()
    for _ in range(2):
        await sdk.execute_steps_locally([{"action": "go", "url": "data:text/html,<p>x</p>"}])
    print("ready", flush=True)
    # In a thread, so that a signal finds the event loop idle, as in a real program.
    await asyncio.to_thread(sys.stdin.readline)
    {then}

asyncio.run(main())
"""

SYNC_OPEN = """
import sys
from pupi.sync import PupiPuppeteerSDK, Puppeteer
sdk = PupiPuppeteerSDK()
sdk.execute_steps_locally([{"action": "go", "url": "data:text/html,<p>x</p>"}])
Puppeteer().go("data:text/html,<p>y</p>").run()
print("ready", flush=True)
sys.stdin.readline()
{then}
"""

# (script, what it does once told to go on, or the signal it gets instead)
CASES = {
    "normal-exit": (OPEN_INSTANCES, "pass", None),
    "uncaught-exception": (OPEN_INSTANCES, "raise RuntimeError('boom')", None),
    "sigterm": (OPEN_INSTANCES, "pass", signal.SIGTERM),
    "sync-normal-exit": (SYNC_OPEN, "pass", None),
    "sync-sigterm": (SYNC_OPEN, "pass", signal.SIGTERM),
}

SURVIVAL_GRACE_S = 15
"""How long killed processes may take to be gone (each one takes milliseconds)."""


@pytest.mark.parametrize("case", list(CASES))
def test_no_browser_process_survives_its_owner(case: str) -> None:
    template, then, send = CASES[case]
    script = textwrap.dedent(template).replace("{then}", then)
    with subprocess.Popen(
        [sys.executable, "-c", script],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    ) as child:
        try:
            assert child.stdout is not None
            assert child.stderr is not None
            line = child.stdout.readline().strip()
            if line != "ready":
                child.kill()
                pytest.fail(f"the script did not start: {child.stderr.read()}")
            # The script waits for us: its browsers are running now.
            descendants = psutil.Process(child.pid).children(recursive=True)
            assert browsers_of(child.pid), "the script should have started a browser"
            if send is None:
                _, stderr = child.communicate("go\n", timeout=60)
            else:
                # Wait before communicate(), which closes stdin: that would tell the
                # script to go on and exit by itself.
                child.send_signal(send)
                child.wait(timeout=60)
                _, stderr = child.communicate(timeout=60)
        finally:
            if child.poll() is None:
                child.kill()
    deadline = time.monotonic() + SURVIVAL_GRACE_S
    while time.monotonic() < deadline and still_running(descendants + browsers_of(child.pid)):
        time.sleep(0.1)
    survivors = still_running(descendants + browsers_of(child.pid))
    assert survivors == [], [p.cmdline()[:2] for p in survivors]
    if case == "uncaught-exception":
        assert child.returncode == 1
        assert "boom" in stderr
    else:
        assert "Traceback" not in stderr, stderr
        assert child.returncode == (0 if send is None else -send)


def test_a_closed_event_loop_does_not_leave_its_browser_running() -> None:
    # A script calling asyncio.run several times, leaving instances open each time.
    script = textwrap.dedent(
        """
        import asyncio
        from pupi import PupiPuppeteerSDK
        from pupi.browser import reaper

        async def main():
            sdk = PupiPuppeteerSDK()
            await sdk.execute_steps_locally([{"action": "go", "url": "data:text/html,x"}])
            return len(reaper.browser_pids())

        print([asyncio.run(main()) for _ in range(3)])
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[1, 1, 1]"
