"""The server's settings: defaults, then the environment, then the command line.

Every value can be given as ``PUPI_<NAME>`` in the environment; ``pupi serve``
passes its options on top. ``runner`` is not a user setting: tests and embedders
put their own "run one session" coroutine there instead of the real agent.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pupi.server.sealing import Sealer
    from pupi.server.workers.runner import SessionRunner

__all__ = ["MetricsExposure", "ServerSettings", "default_concurrency", "default_database_url"]


def default_database_url() -> str:
    """SQLite in the current working directory."""
    return f"sqlite:///{Path.cwd() / 'pupi.db'}"


def default_concurrency() -> int:
    """How many sessions run at once when nobody says: one Chromium per core, at least 2.

    Each session drives one headless Chromium, which wants about a core while it
    renders, so more than a few per core only makes every session slower.
    """
    return max(2, min(16, os.cpu_count() or 2))


class MetricsExposure(StrEnum):
    """Who may read ``GET /metrics`` (``PUPI_METRICS``).

    The figures are server-wide (every token's sessions together), so they stay
    hidden unless the operator says otherwise.
    """

    OFF = "off"
    """404, as if there were no such route."""
    TOKEN = "token"
    """Any valid access token; 401 without one."""
    PUBLIC = "public"
    """Anyone who can reach the port (a scraper on a private network)."""


def _split_hosts(value: str) -> tuple[str, ...]:
    return tuple(host.strip() for host in value.replace(";", ",").split(",") if host.strip())


@dataclass(frozen=True, slots=True)
class ServerSettings:
    """Everything the server needs to know; immutable once the app is built.

    >>> settings = ServerSettings.from_env(port=8401, allow_hosts=("127.0.0.1",))
    >>> app = create_app(settings)
    """

    host: str = "127.0.0.1"
    port: int = 8400
    database_url: str = field(default_factory=default_database_url)
    allow_hosts: tuple[str, ...] = ()
    """Hosts the agent may reach even though they are loopback or private."""
    concurrency: int = field(default_factory=default_concurrency)
    """Sessions running at once in this process (``pupi serve`` or ``pupi worker``)."""
    worker: bool = True
    """Whether ``pupi serve`` runs sessions itself; False (``--no-worker``) makes an
    API-only node, which needs PostgreSQL and ``pupi worker`` processes."""
    cdp_url: str | None = None
    """Run sessions on the remote Chromium at this DevTools endpoint instead of launching one."""
    webhook_backoff_s: float = 2.0
    """Wait after a webhook's first failed attempt; it doubles each time (at most 10 min)."""
    webhook_max_attempts: int = 8
    """Attempts at one delivery before it is given up (about 8 minutes with the defaults)."""
    worker_heartbeat_s: float = 5.0
    """How often a worker tells the database it is alive (PostgreSQL)."""
    worker_lost_after_s: float = 30.0
    """A worker silent this long is lost: its running sessions fail as ``worker_lost``."""
    max_queued_per_token: int = 32
    """Sessions one token may have waiting; past it, 429 with Retry-After."""
    run_timeout_s: float = 300.0
    """Default and upper bound of a session's run time."""
    max_idle_timeout_s: float = 1800.0
    """The longest a session's browser may stay open, idle, between runs."""
    max_steps: int = 30
    """Default number of agent steps; a request may ask for up to ``max_steps_limit``."""
    max_steps_limit: int = 200
    idle_expiry_s: float = 3600.0
    """A finished session nobody closed is closed this long after it finished."""
    retention_s: float = 7 * 24 * 3600.0
    """A closed session's record is deleted this long after it was closed."""
    sweep_interval_s: float = 30.0
    max_body_bytes: int = 64 * 1024
    """The largest request body, except those with files or a storage state (below)."""
    max_upload_bytes: int = 1024 * 1024
    """Files and storage states one request may carry (decoded); such bodies may
    be this much larger than ``max_body_bytes``, base64 included."""
    max_file_bytes: int = 50 * 1024 * 1024
    """The largest file a session's download may keep; a larger one is listed, not kept."""
    max_files: int = 50
    """Downloads kept per session; later ones are listed, not kept."""
    secret_key: str | None = field(default=None, repr=False)
    """Seals storage states, proxy credentials and profiles at rest (see
    :mod:`pupi.server.sealing`); every node of a deployment needs the same one."""
    secret_key_file: str | None = None
    """Where the key is kept when ``secret_key`` is unset (created on first use)."""
    max_prompt_chars: int = 8000
    header_timeout_s: float = 10.0
    """A connection must send a request's complete headers within this; else it is closed."""
    body_timeout_s: float = 30.0
    """A request body that stalls this long between two reads gets 408 and a close."""
    max_connections: int = 1000
    """Open connections served at once; a request on one more gets 503."""
    default_planner: str = "rules"
    screenshots: bool = True
    """Keep a screenshot after each step."""
    token_cache_s: float = 2.0
    """How long a checked token is trusted before the database is asked again;
    this bounds how late a revocation takes effect."""
    shutdown_grace_s: float = 8.0
    """On SIGTERM, how long running sessions may go on before they are failed as
    interrupted; below Docker's default 10 s stop timeout, so they are recorded."""
    metrics: MetricsExposure = MetricsExposure.OFF
    """Who may read ``GET /metrics``."""
    runner: SessionRunner | None = None
    """What opens a session's browser and runs its runs; None means the real browser agent."""

    @property
    def sealer(self) -> Sealer:
        """What seals storage states, proxies and profiles with this deployment's key."""
        from pupi.server.sealing import sealer_for

        return sealer_for(self.secret_key, self.secret_key_file)

    @property
    def distributed(self) -> bool:
        """Whether sessions go through the distributed queue: always on PostgreSQL.

        On PostgreSQL any number of nodes may share the database, so no single
        process may hold the queue; SQLite is one machine's file.
        """
        return self.database_url.split(":", 1)[0].split("+", 1)[0] in {"postgresql", "postgres"}

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: Any) -> ServerSettings:
        """Defaults, overridden by ``PUPI_*`` variables, overridden by ``overrides``.

        Overrides that are None are ignored, so a CLI can pass every option through.
        """
        env = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for spec in fields(cls):
            if spec.name == "runner":
                continue
            raw = env.get(f"PUPI_{spec.name.upper()}")
            if raw is None or raw == "":
                continue
            values[spec.name] = _parse(spec.name, raw)
        values.update({key: value for key, value in overrides.items() if value is not None})
        if "allow_hosts" in values and isinstance(values["allow_hosts"], str):
            values["allow_hosts"] = _split_hosts(values["allow_hosts"])
        if "allow_hosts" in values:
            values["allow_hosts"] = tuple(values["allow_hosts"])
        return replace(cls(), **values)


_INTS = {
    "port",
    "concurrency",
    "max_queued_per_token",
    "max_steps",
    "max_steps_limit",
    "max_body_bytes",
    "max_upload_bytes",
    "max_file_bytes",
    "max_files",
    "max_prompt_chars",
    "max_connections",
    "webhook_max_attempts",
}
_FLOATS = {
    "run_timeout_s",
    "idle_expiry_s",
    "retention_s",
    "sweep_interval_s",
    "token_cache_s",
    "shutdown_grace_s",
    "header_timeout_s",
    "body_timeout_s",
    "worker_heartbeat_s",
    "max_idle_timeout_s",
    "webhook_backoff_s",
    "worker_lost_after_s",
}
_BOOLS = {"screenshots", "worker"}


def _parse(name: str, raw: str) -> Any:
    try:
        if name in _INTS:
            return int(raw)
        if name in _FLOATS:
            return float(raw)
    except ValueError as exc:
        raise ValueError(f"PUPI_{name.upper()} must be a number, not {raw!r}") from exc
    if name == "allow_hosts":
        return _split_hosts(raw)
    if name in _BOOLS:
        return raw.strip().lower() not in {"0", "false", "no", "off"}
    if name == "metrics":
        try:
            return MetricsExposure(raw.strip().lower())
        except ValueError:
            choices = ", ".join(member.value for member in MetricsExposure)
            raise ValueError(f"PUPI_METRICS must be one of {choices}, not {raw!r}") from None
    return raw
