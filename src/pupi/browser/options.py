"""How a new instance's browser looks and behaves: saved logins, a profile, a proxy, emulation.

:class:`BrowserOptions` is the one definition. Local calls take its fields as
keyword arguments (``execute_steps_locally(steps, device="iPhone 15")``, typed by
:class:`BrowserArgs`), ``POST /v1/sessions`` takes them as body fields, and both
validate them before any browser starts: a bad value raises
:class:`~pupi.errors.InvalidBrowserOptions` naming each field (locally) or
answers 422 (the server). Every option maps onto one of Playwright's own
``new_context`` options; ``profile`` onto a persistent context.

Storage states and proxy passwords are secrets: they are kept out of ``repr``,
logs and errors, and the server seals them at rest.
"""

from __future__ import annotations

import json
import re
import zoneinfo
from functools import cache
from pathlib import Path
from typing import Any, Literal, TypedDict
from urllib.parse import SplitResult, urlsplit

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)

from pupi.errors import InvalidBrowserOptions, OptionError

__all__ = [
    "BrowserArgs",
    "BrowserOptions",
    "ColorScheme",
    "Geolocation",
    "Permission",
    "ProxySettings",
    "StorageState",
    "check_storage_state",
    "device_names",
    "options_for",
    "parse_browser_options",
]

StorageState = dict[str, Any]
"""Playwright's storage state: ``{"cookies": [...], "origins": [...]}``."""

ColorScheme = Literal["light", "dark", "no-preference"]
Permission = Literal[
    "accelerometer",
    "ambient-light-sensor",
    "background-sync",
    "camera",
    "clipboard-read",
    "clipboard-write",
    "geolocation",
    "gyroscope",
    "local-fonts",
    "magnetometer",
    "microphone",
    "midi",
    "midi-sysex",
    "notifications",
    "payment-handler",
    "storage-access",
]
"""The permissions Chromium lets Playwright grant."""

PROFILE_NAME = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"
_DEVICES = Path(__file__).with_name("devices.json")
_PROXY_SCHEMES = {"http", "https", "socks5"}
_LOCALE = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")


def check_storage_state(value: Any) -> Any:
    """``value`` when it looks like a storage state (else ValueError saying why)."""
    if isinstance(value, dict):
        extra = set(value) - {"cookies", "origins"}
        if extra:
            raise ValueError(f"a storage state has cookies and origins, not {sorted(extra)}")
        for key in ("cookies", "origins"):
            if not isinstance(value.get(key, []), list):
                raise ValueError(f"{key} must be a list")
    return value


@cache
def _device_table() -> dict[str, dict[str, Any]]:
    table: dict[str, dict[str, Any]] = json.loads(_DEVICES.read_text())
    return table


def device_names() -> list[str]:
    """Every name ``device=`` accepts: Playwright's device descriptors (``"iPhone 15"``)."""
    return list(_device_table())


def _proxy_url(server: str) -> SplitResult:
    # Playwright reads a bare "host:port" as http://.
    return urlsplit(server if "://" in server else f"http://{server}")


class ProxySettings(BaseModel):
    """A proxy for one instance's traffic: ``http://``, ``https://`` or ``socks5://``.

    ``bypass`` lists hosts that go direct (``".example.com, 10.0.0.5"``). Loopback
    goes through the proxy unless the bypass list names a loopback host, which
    (Chromium's rule) sends all of loopback direct. The password never appears
    in ``repr``, results, events, logs or errors.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    server: str = Field(max_length=2048, description="http://host:port or socks5://host:port.")
    username: str | None = Field(None, max_length=512)
    password: SecretStr | None = Field(None, max_length=512)
    bypass: str | None = Field(None, max_length=4096)

    @field_validator("server")
    @classmethod
    def _server(cls, value: str) -> str:
        parts = _proxy_url(value)
        if parts.scheme not in _PROXY_SCHEMES:
            raise ValueError(f"the scheme must be one of {sorted(_PROXY_SCHEMES)}")
        if not parts.hostname:
            raise ValueError("the server has no host")
        if parts.username or parts.password:
            raise ValueError("give the credentials as username and password, not in the URL")
        if parts.path not in {"", "/"} or parts.query:
            raise ValueError("a proxy server is scheme://host:port, with no path")
        try:
            parts.port  # noqa: B018  # urlsplit only checks the port when asked for it
        except ValueError:
            raise ValueError("the port must be a number from 0 to 65535") from None
        return value

    @model_validator(mode="after")
    def _credentials(self) -> ProxySettings:
        if (self.username is None) != (self.password is None):
            raise ValueError("give both username and password, or neither")
        # The scheme as urlsplit reads it: "SOCKS5://" is SOCKS5 too.
        if self.username is not None and _proxy_url(self.server).scheme == "socks5":
            raise ValueError("Chromium cannot authenticate to a SOCKS5 proxy; use one without")
        return self

    def playwright(self) -> dict[str, str]:
        """The ``proxy=`` value Playwright takes."""
        proxy = {"server": self.server}
        if self.username is not None and self.password is not None:
            proxy |= {"username": self.username, "password": self.password.get_secret_value()}
        if self.bypass:
            proxy["bypass"] = self.bypass
        return proxy


class Geolocation(BaseModel):
    """Where ``navigator.geolocation`` says the browser is (grant the permission too)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    latitude: float = Field(ge=-90, le=90)
    longitude: float = Field(ge=-180, le=180)
    accuracy: float = Field(0, ge=0)


class BrowserOptions(BaseModel):
    """What a new instance starts with; every field is optional.

    ``storage_state`` and ``profile`` exclude each other: a profile already
    carries its own cookies and storage.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    storage_state: StorageState | None = Field(
        None,
        repr=False,
        description="Cookies and local storage to start with: a state saved by "
        "save_storage_state or a save_state step (locally also a path to its JSON file).",
    )
    profile: str | None = Field(
        None,
        pattern=PROFILE_NAME,
        description="A named profile kept between runs (cookies, storage; locally the cache "
        "too). One instance or session at a time.",
    )
    proxy: ProxySettings | None = Field(
        None, description="Send this instance's traffic through a proxy."
    )
    device: str | None = Field(
        None, description='Emulate a device by its Playwright name, e.g. "iPhone 15".'
    )
    user_agent: str | None = Field(None, min_length=1, max_length=1024)
    locale: str | None = Field(None, max_length=35, description='e.g. "de-DE".')
    timezone_id: str | None = Field(None, max_length=64, description='e.g. "Europe/Berlin".')
    geolocation: Geolocation | None = None
    permissions: list[Permission] | None = Field(
        None, description="Permissions granted to every origin, e.g. ['geolocation']."
    )
    color_scheme: ColorScheme | None = None
    extra_http_headers: dict[str, str] | None = Field(
        None, description="Headers sent with every request the instance makes."
    )

    @field_validator("storage_state", mode="before")
    @classmethod
    def _load_state(cls, value: Any) -> Any:
        if isinstance(value, str | Path):
            path = Path(value)
            try:
                value = json.loads(path.read_text())
            except OSError as exc:
                raise ValueError(f"cannot read {path}: {exc.strerror}") from None
            except json.JSONDecodeError:
                raise ValueError(f"{path} is not a storage state (not JSON)") from None
        return check_storage_state(value)

    @field_validator("device")
    @classmethod
    def _device(cls, value: str | None) -> str | None:
        if value is not None and value not in _device_table():
            known = ", ".join(device_names())
            raise ValueError(f"unknown device {value!r}; known devices: {known}")
        return value

    @field_validator("locale")
    @classmethod
    def _locale(cls, value: str | None) -> str | None:
        if value is not None and not _LOCALE.match(value):
            raise ValueError(f"{value!r} is not a BCP 47 language tag such as 'de-DE'")
        return value

    @field_validator("timezone_id")
    @classmethod
    def _timezone(cls, value: str | None) -> str | None:
        if value is not None and value not in _timezones():
            raise ValueError(f"unknown time zone {value!r}; use an IANA name like 'Europe/Berlin'")
        return value

    @model_validator(mode="after")
    def _exclusive(self) -> BrowserOptions:
        if self.profile is not None and self.storage_state is not None:
            raise ValueError("give a profile or a storage_state, not both")
        return self

    @property
    def plain(self) -> bool:
        """True when nothing is set: any fresh context will do (a warm spare, too)."""
        return not self.model_fields_set or self == BrowserOptions()

    def context_kwargs(self) -> dict[str, Any]:
        """The keyword arguments of Playwright's ``new_context`` (profile and proxy aside)."""
        kwargs: dict[str, Any] = {}
        if self.device is not None:
            kwargs |= _device_table()[self.device]
        for name in ("user_agent", "locale", "timezone_id", "color_scheme", "extra_http_headers"):
            value = getattr(self, name)
            if value is not None:
                kwargs[name] = value
        if self.storage_state is not None:
            kwargs["storage_state"] = self.storage_state
        if self.geolocation is not None:
            kwargs["geolocation"] = self.geolocation.model_dump()
        if self.permissions is not None:
            kwargs["permissions"] = list(self.permissions)
        return kwargs

    def revealed(self) -> dict[str, Any]:
        """The options as JSON with the secrets in clear: only to be sealed."""
        shown = self.model_dump(mode="json", exclude_none=True, include=_OWN_FIELDS)
        if self.proxy is not None and self.proxy.password is not None:
            shown["proxy"]["password"] = self.proxy.password.get_secret_value()
        return shown

    def public(self) -> dict[str, Any]:
        """The options as JSON with the secrets left out: what a result or a log may show."""
        shown = self.model_dump(
            mode="json", exclude_none=True, include=_OWN_FIELDS - {"storage_state"}
        )
        if self.proxy is not None:
            shown["proxy"] = {"server": self.proxy.server}
        if self.storage_state is not None:
            shown["storage_state"] = "(given)"
        if self.extra_http_headers is not None:  # an Authorization header is a secret
            shown["extra_http_headers"] = sorted(self.extra_http_headers)
        return shown


_OWN_FIELDS = set(BrowserOptions.model_fields)
"""A subclass's fields besides these (a request's prompt) are not browser options."""


class BrowserArgs(TypedDict, total=False):
    """The keyword arguments local calls take for a new instance; see :class:`BrowserOptions`.

    ``tests/browser/test_options.py`` checks that these are the model's fields.
    """

    storage_state: StorageState | str | Path
    profile: str
    proxy: ProxySettings | dict[str, Any]
    device: str
    user_agent: str
    locale: str
    timezone_id: str
    geolocation: Geolocation | dict[str, float]
    permissions: list[Permission]
    color_scheme: ColorScheme
    extra_http_headers: dict[str, str]


@cache
def _timezones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones()) | {"UTC"}


def parse_browser_options(args: BrowserArgs | dict[str, Any]) -> BrowserOptions:
    """Validate keyword arguments into options, or raise ``InvalidBrowserOptions`` naming each."""
    try:
        return BrowserOptions.model_validate(dict(args))
    except ValidationError as exc:
        raise InvalidBrowserOptions(
            [
                OptionError(
                    field=".".join(str(part) for part in error["loc"]) or None,
                    message=error["msg"].removeprefix("Value error, "),
                )
                for error in exc.errors(include_input=False)
            ]
        ) from None


def options_for(instance_id: str | None, args: BrowserArgs) -> BrowserOptions | None:
    """The validated options of a call that may name an open instance instead.

    Options set up a new instance; given with ``instance_id`` they would be
    silently ignored, so that is refused too.
    """
    if not args:
        return None
    if instance_id is not None:
        names = ", ".join(sorted(args))
        raise InvalidBrowserOptions(
            [OptionError(None, f"{names}: options set up a new instance, not {instance_id!r}")]
        )
    return parse_browser_options(args)
