"""``python -m pupi.demo [--host H] [--port N] [--variant V]``: serve the demo site until Ctrl-C."""

from __future__ import annotations

import argparse

from pupi.demo.server import DemoServer


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m pupi.demo", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument(
        "--port", type=int, default=8000, help="port, 0 for a free one (default 8000)"
    )
    parser.add_argument(
        "--variant",
        type=int,
        default=0,
        help="serve a redesigned variant: ids, classes and layout changed (default 0: none)",
    )
    args = parser.parse_args(argv)
    server = DemoServer(host=args.host, port=args.port, variant=args.variant)
    server.start()
    print(f"Pupi demo site at {server.url} (Ctrl-C to stop)", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()


if __name__ == "__main__":
    main()
