"""A tiny request/response layer between ``http.server`` and the route handlers.

Handlers are plain functions ``(Request, Site) -> Response``; this module holds
the value types and the body parsers (form-encoded, JSON, multipart).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from email.message import Message
from email.parser import BytesParser
from email.policy import HTTP
from http.cookies import CookieError, SimpleCookie
from typing import Any
from urllib.parse import parse_qs

HTML = "text/html; charset=utf-8"
JSON = "application/json"


@dataclass(frozen=True)
class UploadedFile:
    filename: str
    content_type: str
    data: bytes


@dataclass
class Request:
    """One parsed HTTP request; ``params`` holds the route's named groups."""

    method: str
    path: str
    query: dict[str, list[str]]
    headers: Message
    body: bytes = b""
    params: dict[str, str] = field(default_factory=dict)

    def arg(self, name: str, default: str = "") -> str:
        """The first value of query parameter ``name``."""
        values = self.query.get(name)
        return values[0] if values else default

    @property
    def cookies(self) -> dict[str, str]:
        jar: SimpleCookie = SimpleCookie()
        try:
            jar.load(self.headers.get("Cookie", ""))
        except CookieError:  # a malformed Cookie header means no cookies, not a 500
            return {}
        return {name: morsel.value for name, morsel in jar.items()}

    def form(self) -> dict[str, list[str]]:
        """The body as ``application/x-www-form-urlencoded``."""
        return parse_qs(self.body.decode("utf-8", "replace"), keep_blank_values=True)

    def json(self) -> Any:
        """The body as JSON; ``None`` when it is empty or not JSON."""
        try:
            return json.loads(self.body or b"null")
        except ValueError:
            return None

    def multipart(self) -> tuple[dict[str, list[str]], dict[str, UploadedFile]]:
        """The body as ``multipart/form-data``: (text fields, files by field name)."""
        head = f"Content-Type: {self.headers.get('Content-Type', '')}\r\n\r\n".encode()
        message = BytesParser(policy=HTTP).parsebytes(head + self.body)
        fields: dict[str, list[str]] = {}
        files: dict[str, UploadedFile] = {}
        if not message.is_multipart():
            return fields, files
        for part in message.iter_parts():
            name = part.get_param("name", header="content-disposition")
            if not isinstance(name, str):
                continue
            payload = part.get_payload(decode=True)
            data = payload if isinstance(payload, bytes) else b""
            filename = part.get_filename()
            if filename is None:
                fields.setdefault(name, []).append(data.decode("utf-8", "replace"))
            elif filename:
                files[name] = UploadedFile(filename, part.get_content_type(), data)
        return fields, files


@dataclass
class Response:
    status: int = 200
    body: bytes = b""
    content_type: str = HTML
    headers: list[tuple[str, str]] = field(default_factory=list)


def html(text: str, status: int = 200) -> Response:
    return Response(status, text.encode("utf-8"))


def json_response(data: Any, status: int = 200) -> Response:
    return Response(status, json.dumps(data).encode("utf-8"), JSON)


def json_error(message: str, status: int) -> Response:
    return json_response({"error": {"message": message}}, status)


def redirect(location: str, status: int = 303) -> Response:
    """See Other by default, so that a POSTed form is followed by a GET (no resubmit)."""
    return Response(status, b"", "text/plain", [("Location", location)])


def first(values: dict[str, list[str]], name: str) -> str:
    """The first value of ``name`` in parsed form data, stripped."""
    found = values.get(name)
    return found[0].strip() if found else ""
