"""The egress proxy's cost: the same page loads direct and through the proxy, interleaved.

Each round loads the demo site's /shop page (HTML, CSS, images) in a fresh
instance of each kind, in alternating order, and records the time from
``goto`` to the load event. The ratio is proxied / direct, per round, so both
see the same machine load.

    .venv/bin/python bench/egress.py --rounds 30
"""

from __future__ import annotations

import argparse
import asyncio
import json

from _common import machine, median, now_ms

from pupi.browser.instances import get_manager
from pupi.demo import DemoServer
from pupi.server.egress import EgressProxy


async def load_ms(url: str, *, egress_proxy: str | None) -> float:
    manager = get_manager()
    instance = await manager.open(egress_proxy=egress_proxy)
    try:
        start = now_ms()
        await instance.page.goto(url, wait_until="load")
        return now_ms() - start
    finally:
        await manager.close(instance.id)


async def main(rounds: int) -> dict[str, object]:
    with DemoServer(host="127.0.0.1", port=0) as site:
        url = f"{site.url}/shop"
        async with EgressProxy(allow_hosts=(f"127.0.0.1:{site.port}",)) as proxy:
            # Warm both browsers (launch, first renderer) before measuring.
            await load_ms(url, egress_proxy=None)
            await load_ms(url, egress_proxy=proxy.url)
            direct: list[float] = []
            proxied: list[float] = []
            for index in range(rounds):
                order = [None, proxy.url] if index % 2 == 0 else [proxy.url, None]
                for egress in order:
                    (direct if egress is None else proxied).append(
                        await load_ms(url, egress_proxy=egress)
                    )
        await get_manager().shutdown()
    ratios = [p / d for p, d in zip(proxied, direct, strict=True)]
    return {
        "machine": machine(),
        "rounds": rounds,
        "direct_median_ms": round(median(direct), 1),
        "proxied_median_ms": round(median(proxied), 1),
        "median_ratio": round(median(ratios), 3),
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=30)
    print(json.dumps(asyncio.run(main(parser.parse_args().rounds)), indent=2))
