"""Secrets: values a run types into pages but never shows, written ``{{secret.name}}``.

Steps and prompts name a secret by its placeholder; the engine fills the value
in only as the step runs, so the steps as recorded keep the placeholder and
replay with the same ``secrets``. Everything else that leaves a run (outputs,
answers, errors, step results, what a planner is shown) goes through
:meth:`Secrets.redact`, which writes each value that appears in it back as its
placeholder: a page that echoes a password, an ``extract`` that reads one, an
error message that quotes one.

Redaction replaces every occurrence of a value, wherever it is: a secret as
short as a common word would be replaced in every text that has the word.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator, Mapping
from typing import Any, TypeAlias, TypeVar

from pydantic import BaseModel, ValidationError

from pupi.errors import InvalidSteps, StepError
from pupi.steps.templating import find_references

__all__ = ["SECRET_ROOT", "Secrets", "SecretsLike", "secret_problems"]

SECRET_ROOT = "secret"
"""The placeholder root of secrets: ``{{secret.password}}``."""

_NAME = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_Value = TypeVar("_Value")


def secret_problems(value: Any, names: Collection[str]) -> Iterator[tuple[str, str]]:
    """``(field_path, message)`` for each ``{{secret...}}`` in ``value`` not among ``names``."""
    for field, root, keys in find_references(value):
        if root != SECRET_ROOT:
            continue
        if len(keys) != 1:
            yield field, "a secret is written {{secret.NAME}}, one name after 'secret.'"
        elif keys[0] not in names:
            yield field, f"unknown secret {{{{secret.{keys[0]}}}}}: pass it in secrets"


class Secrets:
    """Named values to type into pages, kept out of everything a run returns or logs.

    ```python
    secrets = Secrets({"password": "lovelace"})
    secrets.redact({"typed": "lovelace!"})   # {'typed': '{{secret.password}}!'}
    ```

    The public API takes a plain mapping (``secrets={"password": ...}``) and makes
    one of these. Names are letters, digits, ``_`` and ``-``; values non-empty
    strings; anything else raises :class:`~pupi.InvalidSteps` naming the secret
    (never its value). The ``repr`` shows the names only.
    """

    __slots__ = ("_ordered", "_values")

    def __init__(self, values: Mapping[str, str] | None = None) -> None:
        given = dict(values or {})
        errors = [
            StepError(-1, None, f"secrets.{name}", problem)
            for name, value in given.items()
            if (problem := _problem(name, value))
        ]
        if errors:
            raise InvalidSteps(errors)
        self._values: dict[str, str] = given
        # Longest first, so that a secret containing another is replaced whole.
        self._ordered = sorted(given.items(), key=lambda item: -len(item[1]))

    @classmethod
    def of(cls, secrets: SecretsLike | None) -> Secrets:
        """``secrets`` as a :class:`Secrets` (itself when it is one already)."""
        return secrets if isinstance(secrets, Secrets) else cls(secrets)

    @property
    def names(self) -> frozenset[str]:
        """The secrets' names, which placeholders may use."""
        return frozenset(self._values)

    def __bool__(self) -> bool:
        return bool(self._values)

    def __repr__(self) -> str:
        return f"<Secrets {', '.join(sorted(self._values)) or '(none)'}>"

    def context(self) -> dict[str, Any]:
        """The values as placeholders look them up (``{"secret": {...}}``), for rendering."""
        return {SECRET_ROOT: dict(self._values)} if self._values else {}

    def check(self, text: str, field: str) -> None:
        """Raise :class:`~pupi.InvalidSteps` when ``text`` names a secret not given."""
        errors = [
            StepError(-1, None, field, message)
            for _path, message in secret_problems(text, self.names)
        ]
        if errors:
            raise InvalidSteps(errors)

    def redact(self, value: _Value) -> _Value:
        """``value`` with each secret's value replaced by its placeholder, at any depth.

        Strings, and the strings inside mappings, lists, tuples and pydantic
        models, are redacted; a model comes back as a new one of its class. Keys
        and non-string values are left as they are.
        """
        if not self._values:
            return value
        result: Any = self._redact(value)
        return result  # type: ignore[no-any-return]

    def _redact(self, value: Any) -> Any:
        if isinstance(value, str):
            for name, secret in self._ordered:
                if secret in value:
                    value = value.replace(secret, "{{" + f"{SECRET_ROOT}.{name}" + "}}")
            return value
        if isinstance(value, BaseModel):
            dumped = value.model_dump(by_alias=True)
            redacted = self._redact(dumped)
            if redacted == dumped:
                return value
            try:
                return type(value).model_validate(redacted)
            except ValidationError:
                # A field whose placeholder its model would refuse: show none of it.
                return type(value).model_construct(**redacted)
        if isinstance(value, Mapping):
            return {key: self._redact(item) for key, item in value.items()}
        if isinstance(value, list):
            return [self._redact(item) for item in value]
        if isinstance(value, tuple):
            return tuple(self._redact(item) for item in value)
        return value


SecretsLike: TypeAlias = Secrets | Mapping[str, str]
"""What the public API takes for ``secrets=``: a mapping of names to values."""


def _problem(name: object, value: object) -> str | None:
    if not isinstance(name, str) or not _NAME.match(name):
        return "a secret's name is 1 to 64 letters, digits, '_' or '-'"
    if not isinstance(value, str) or not value:
        return "a secret's value must be a non-empty string"
    return None
