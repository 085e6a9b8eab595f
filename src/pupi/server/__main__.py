"""``python -m pupi.server``: the same as ``pupi serve``, settings from the environment."""

from __future__ import annotations

from pupi.server.serve import serve
from pupi.server.settings import ServerSettings

if __name__ == "__main__":
    serve(ServerSettings.from_env())
