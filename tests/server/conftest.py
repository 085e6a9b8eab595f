"""Service fixtures (real server processes on SQLite and PostgreSQL): see the harness."""

from tests.server.pupi_service_harness import (
    api,
    cluster,
    database_url,
    server_factory,
    shared_server,
)

__all__ = ["api", "cluster", "database_url", "server_factory", "shared_server"]
