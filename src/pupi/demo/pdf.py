"""A one-page PDF of plain text lines, written by hand: the demo needs no PDF library.

The file is the smallest valid layout: a catalog, one page tree with one page,
its content stream and a standard font, then the cross-reference table whose
byte offsets readers use to find each object.
"""

from __future__ import annotations

__all__ = ["text_pdf"]

_FONT_SIZE = 12
_LEADING = 18
_TOP = 800
_LEFT = 72


def text_pdf(lines: list[str], *, title: str = "") -> bytes:
    """A valid one-page A4 PDF showing ``lines`` in Helvetica, top to bottom."""
    text = "\n".join(
        f"BT /F1 {_FONT_SIZE} Tf {_LEFT} {_TOP - index * _LEADING} Td ({_escape(line)}) Tj ET"
        for index, line in enumerate(lines)
    ).encode("latin-1", "replace")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(text), text),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Title (%s) >>" % _escape(title).encode("latin-1", "replace"),
    ]
    # The binary comment line tells transfer tools the file is not plain text.
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R /Info %d 0 R >>\n" % (
        len(objects) + 1,
        len(objects),
    )
    out += b"startxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


def _escape(text: str) -> str:
    # In a PDF string literal, backslash and unbalanced parentheses must be escaped.
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
