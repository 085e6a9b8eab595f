"""The prompt cache: the steps a prompt took on a site, kept to replay without a planner.

``run_prompt_locally(prompt, cache=...)`` looks up a :class:`CacheKey` (the
prompt with its blanks normalised, the site, the planner's name); on a hit it
replays the cached steps with healing, and on a miss or a failed replay it plans
and stores the steps of a completed run. A cache is anything with ``get`` and
``put`` (:class:`PromptCache`); :class:`DirectoryCache` keeps one JSON file per
key in a folder, which is what a path given as ``cache=`` becomes::

    result = await sdk.run_prompt_locally("Log in as ada ...", cache="~/.cache/pupi")
    result.cached    # False the first time, True the next

Files are written whole and then renamed into place, so a reader never sees
half an entry. They hold the steps as recorded, typed text included: keep the
folder as private as the prompts.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import re
import tempfile
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, TypeAlias, runtime_checkable

__all__ = ["CacheKey", "CacheLike", "DirectoryCache", "MemoryCache", "PromptCache", "as_cache"]

logger = logging.getLogger("pupi.agent")

_BLANKS = re.compile(r"\s+")
_FORMAT = 1
"""The version of a cache file's layout; files of another version are misses."""


@dataclass(frozen=True, slots=True)
class CacheKey:
    """What a cached run is filed under: the prompt, the site, the planner.

    ``prompt`` is normalised (Unicode NFC, blanks collapsed, ends trimmed) but not
    lower-cased: "type Ada" and "type ada" type different text. ``site`` is the
    run's start URL, or the origin of the page it started on ("" for a blank page).
    """

    prompt: str
    site: str
    planner: str

    @classmethod
    def of(cls, prompt: str, *, site: str, planner: str) -> CacheKey:
        """The key for ``prompt`` on ``site`` with ``planner``, the prompt normalised."""
        text = _BLANKS.sub(" ", unicodedata.normalize("NFC", prompt)).strip()
        return cls(prompt=text, site=site.strip(), planner=planner.strip().lower())

    @property
    def digest(self) -> str:
        """A stable hex digest of the key, fit for a file name."""
        encoded = json.dumps([self.prompt, self.site, self.planner], ensure_ascii=False)
        return hashlib.sha256(encoded.encode()).hexdigest()[:32]


@runtime_checkable
class PromptCache(Protocol):
    """What ``run_prompt_locally(cache=...)`` needs of a cache."""

    def get(self, key: CacheKey) -> list[dict[str, Any]] | None:
        """The steps stored under ``key``, or None."""
        ...

    def put(self, key: CacheKey, steps: list[dict[str, Any]]) -> None:
        """Store ``steps`` under ``key``, replacing what was there."""
        ...


class DirectoryCache:
    """A :class:`PromptCache` in a folder: ``<digest>.json`` per key, made on first write.

    >>> cache = DirectoryCache("~/.cache/pupi/prompts")
    >>> cache.get(CacheKey.of("Log in as ada", site="http://127.0.0.1:8000/login", planner="rules"))
    [{'action': 'go', 'url': 'http://127.0.0.1:8000/login'}, ...]
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path).expanduser()

    def __repr__(self) -> str:
        return f"<DirectoryCache {str(self.path)!r}>"

    def file(self, key: CacheKey) -> Path:
        """Where ``key``'s entry is (or would be) kept."""
        return self.path / f"{key.digest}.json"

    def get(self, key: CacheKey) -> list[dict[str, Any]] | None:
        """The steps stored under ``key``; None when there are none or the file is unreadable."""
        try:
            entry = json.loads(self.file(key).read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as exc:
            logger.warning("ignoring the unreadable cache entry %s: %s", self.file(key), exc)
            return None
        # A digest collision, or an entry of another layout, is a miss, not a wrong replay.
        if not isinstance(entry, dict) or entry.get("format") != _FORMAT:
            return None
        if entry.get("key") != [key.prompt, key.site, key.planner]:
            return None
        steps = entry.get("steps")
        return steps if isinstance(steps, list) and steps else None

    def put(self, key: CacheKey, steps: list[dict[str, Any]]) -> None:
        """Write ``steps`` under ``key`` (owner-only permissions), atomically."""
        self.path.mkdir(parents=True, exist_ok=True)
        entry = {"format": _FORMAT, "key": [key.prompt, key.site, key.planner], "steps": steps}
        handle, temporary = tempfile.mkstemp(dir=self.path, prefix=".entry-", suffix=".json")
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                json.dump(entry, out, ensure_ascii=False, indent=1)
            os.replace(temporary, self.file(key))
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
            raise

    def delete(self, key: CacheKey) -> None:
        """Forget ``key``'s entry, if there is one."""
        self.file(key).unlink(missing_ok=True)


class MemoryCache:
    """A :class:`PromptCache` in a dict, which remembers what was put in it.

    The server's sessions load the token's entry into one, run the prompt, and
    write :attr:`kept` back to the database.

    >>> cache = MemoryCache()
    >>> cache.put(key, [{"action": "reload"}])
    >>> cache.kept
    {CacheKey(prompt='Log in', site='', planner='rules'): [{'action': 'reload'}]}
    """

    def __init__(self, entries: dict[CacheKey, list[dict[str, Any]]] | None = None) -> None:
        self.entries: dict[CacheKey, list[dict[str, Any]]] = dict(entries or {})
        self.kept: dict[CacheKey, list[dict[str, Any]]] = {}
        """What was put since it was made, the latest steps for each key."""

    def __repr__(self) -> str:
        return f"<MemoryCache entries={len(self.entries)} kept={len(self.kept)}>"

    def get(self, key: CacheKey) -> list[dict[str, Any]] | None:
        """The steps held under ``key``, or None."""
        return self.entries.get(key) or None

    def put(self, key: CacheKey, steps: list[dict[str, Any]]) -> None:
        """Hold ``steps`` under ``key``, and remember them as kept."""
        self.entries[key] = self.kept[key] = list(steps)


CacheLike: TypeAlias = "str | os.PathLike[str] | PromptCache"
"""What ``cache=`` takes: a folder's path (a :class:`DirectoryCache`), or any cache."""


def as_cache(cache: CacheLike) -> PromptCache:
    """``cache`` itself when it is a cache, else a :class:`DirectoryCache` on the path."""
    if isinstance(cache, str | os.PathLike):
        return DirectoryCache(cache)
    return cache
