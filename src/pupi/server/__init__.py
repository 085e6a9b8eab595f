"""The Pupi AI API server: ``create_app(settings)``, run by ``pupi serve``.

Nothing outside this package imports it; the client talks to it over HTTP.
"""

from pupi.server.app import create_app
from pupi.server.settings import ServerSettings

__all__ = ["ServerSettings", "create_app"]
