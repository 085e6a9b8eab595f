"""The bundled demo web site: realistic, deterministic pages for automation.

Used by the README demo, the tests, the benchmarks and the agent evaluation
suite. The server is stdlib only and keeps JSON-able state that checkers read::

    from pupi.demo import DemoServer

    with DemoServer(host="127.0.0.1", port=0) as site:
        site.url        # "http://127.0.0.1:PORT"
        site.state()    # deep copy: logins, submissions, cart, todos, ...
        site.reset()    # back to the initial state

Run it by hand with ``python -m pupi.demo --port 8000``.
"""

from __future__ import annotations

from pupi.demo.server import DemoServer

__all__ = ["DemoServer"]
