"""Two loopback sites for the egress tests: a target that counts, and an attacker.

``CountingTarget`` is what an attacker wants to reach (think: an admin page on
localhost). It counts every TCP connection accepted and every UDP datagram
received on its port, before reading a byte, so a connection counts even if no
HTTP request follows; it answers HTTP with a secret. ``AttackerSite`` is the
page the fetch policy lets the browser open: each ``/v/NAME`` page tries one
way to reach the target and, when the attempt has settled (succeeded or
failed, by the browser's own events), sets its title to ``settled``.
Both run on threads of their own, so a blocked event loop cannot hide a hit.
"""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from string import Template

SECRET = "TARGET-SECRET-7f3a"

# Each vector's body; $target is "127.0.0.1:PORT" of the target, $port its port.
# settle() marks the attempt finished for the test; none of them can succeed
# without a connection to the target being counted.
_VECTORS: dict[str, str] = {
    "fetch-redirect": """
        fetch('/redirect').then(r => r.text()).then(t => show(t), e => show(String(e)))
          .finally(settle);""",
    "fetch-direct": """
        fetch('http://$target/', {mode: 'no-cors'})
          .then(() => show('fetched'), e => show(String(e))).finally(settle);""",
    "xhr-redirect": """
        const xhr = new XMLHttpRequest(); xhr.open('GET', '/redirect');
        xhr.onloadend = () => { show(xhr.responseText); settle(); }; xhr.send();""",
    "img-redirect": """
        const img = new Image(); img.onload = img.onerror = settle; img.src = '/redirect?img';
        document.body.append(img);""",
    "iframe-redirect": """
        const frame = document.createElement('iframe'); frame.onload = settle;
        frame.src = '/redirect?frame'; document.body.append(frame);""",
    "form-post": """
        const frame = document.createElement('iframe'); frame.name = 'sink'; frame.onload = () => {
          frame.onload = settle;
          const form = document.createElement('form'); form.method = 'post';
          form.action = 'http://$target/submit'; form.target = 'sink';
          form.innerHTML = '<input name=q value=1>'; document.body.append(form); form.submit();
        }; document.body.append(frame);""",
    "websocket": """
        const ws = new WebSocket('ws://$target/'); ws.onopen = () => show('open');
        ws.onclose = settle;""",
    "websocket-worker": """
        const code = "const ws = new WebSocket('ws://$target/');"
          + "ws.onopen = () => postMessage('open'); ws.onclose = () => postMessage('closed');";
        const worker = new Worker(URL.createObjectURL(new Blob([code])));
        worker.onmessage = e => { show(e.data); if (e.data === 'closed') settle(); };""",
    "eventsource": """
        const source = new EventSource('http://$target/events');
        source.onerror = () => { source.close(); settle(); };""",
    "beacon": """
        show(String(navigator.sendBeacon('/redirect?beacon', 'x'))); settle();""",
    "service-worker": """
        navigator.serviceWorker.register('/sw.js').then(() => navigator.serviceWorker.ready)
          .then(() => navigator.serviceWorker.controller ? null : new Promise(r =>
            navigator.serviceWorker.addEventListener('controllerchange', r)))
          .then(() => new Promise(r => {
            navigator.serviceWorker.onmessage = e => { show(e.data); r(); };
            navigator.serviceWorker.controller.postMessage('go');
          })).catch(e => show(String(e))).finally(settle);""",
    "webtransport": """
        try {
          const wt = new WebTransport('https://$target/'); wt.closed.catch(() => {});
          wt.ready.then(() => show('ready'), e => show(String(e))).finally(settle);
        } catch (e) { show(String(e)); settle(); }""",
    "webrtc": """
        const pc = new RTCPeerConnection({iceServers: [
          {urls: 'stun:$target'},
          {urls: 'turn:$target?transport=tcp', username: 'u', credential: 'p'},
          {urls: 'turn:$target?transport=udp', username: 'u', credential: 'p'}]});
        pc.createDataChannel('x');
        pc.onicegatheringstatechange = () => {
          if (pc.iceGatheringState === 'complete') settle(); };
        pc.createOffer().then(offer => pc.setLocalDescription(offer));""",
}

_PAGE = Template("""<!doctype html><html><head><title>probing</title></head><body>
<h1>Vector $name</h1><pre id="out"></pre>
<script>
function show(text) { document.getElementById('out').textContent += text + '\\n'; }
function settle() { document.title = 'settled'; }
$body
</script></body></html>""")

_SERVICE_WORKER = Template("""
self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', e => e.waitUntil(self.clients.claim()));
self.addEventListener('message', e => {
  const reply = text => e.source.postMessage(text);
  fetch('http://$target/from-worker', {mode: 'no-cors'})
    .then(() => reply('worker fetched'), err => reply('worker: ' + err));
});
""")


class CountingTarget:
    """A loopback port that counts TCP connections and UDP datagrams."""

    def __init__(self) -> None:
        self._tcp = socket.create_server(("127.0.0.1", 0))
        self.port: int = self._tcp.getsockname()[1]
        self._udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self._udp.bind(("127.0.0.1", self.port))
        self.connections = 0
        self.datagrams = 0
        self._counted = threading.Condition()
        self._closed = False
        self._threads = [
            threading.Thread(target=self._accept, daemon=True),
            threading.Thread(target=self._receive, daemon=True),
        ]
        for thread in self._threads:
            thread.start()

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    def _accept(self) -> None:
        while not self._closed:
            try:
                conn, _ = self._tcp.accept()
            except OSError:
                return
            with self._counted:
                self.connections += 1
                self._counted.notify_all()
            threading.Thread(target=self._answer, args=(conn,), daemon=True).start()

    def _answer(self, conn: socket.socket) -> None:
        with conn:
            conn.settimeout(5)
            try:
                conn.recv(65536)
                body = f"<h1>{SECRET}</h1>".encode()
                conn.sendall(
                    b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nAccess-Control-Allow-Origin: *"
                    b"\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s" % (len(body), body)
                )
            except OSError:
                pass

    def _receive(self) -> None:
        while not self._closed:
            try:
                self._udp.recvfrom(65536)
            except OSError:
                return
            with self._counted:
                self.datagrams += 1
                self._counted.notify_all()

    def wait_for(self, *, connections: int, datagrams: int, timeout_s: float = 60.0) -> bool:
        """Whether the counts reach these numbers within ``timeout_s`` (an upper bound)."""
        with self._counted:
            return self._counted.wait_for(
                lambda: self.connections >= connections and self.datagrams >= datagrams,
                timeout=timeout_s,
            )

    def close(self) -> None:
        self._closed = True
        for sock in (self._tcp, self._udp):
            # shutdown wakes the thread blocked in accept()/recvfrom().
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()
        for thread in self._threads:
            thread.join(timeout=5)


class AttackerSite:
    """The allowed site: ``/v/NAME`` pages, ``/redirect`` (302 to the target), ``/sw.js``."""

    def __init__(self, target: CountingTarget) -> None:
        fill = {"target": target.address, "port": str(target.port)}
        pages = {
            f"/v/{name}": _PAGE.substitute(name=name, body=Template(body).substitute(fill))
            for name, body in _VECTORS.items()
        }
        worker = _SERVICE_WORKER.substitute(fill)
        redirect_to = f"http://{target.address}/"

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                path = self.path.split("?", 1)[0]
                if path == "/redirect":
                    self.send_response(302)
                    self.send_header("Location", redirect_to)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                if path == "/sw.js":
                    self._send(200, "text/javascript", worker)
                elif path == "/":
                    self._send(200, "text/html", "<title>attacker</title><h1>Attacker</h1>")
                elif path in pages:
                    self._send(200, "text/html", pages[path])
                else:
                    self._send(404, "text/plain", "not found")

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                self.rfile.read(length)
                self.send_response(307)
                self.send_header("Location", redirect_to)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def _send(self, status: int, kind: str, text: str) -> None:
                body = text.encode()
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *_: object) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.port: int = self._server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()


VECTORS = tuple(_VECTORS)
NOT_PROXIED = frozenset({"webtransport"})
"""Vectors Chromium does not even try through an HTTP proxy (WebTransport is QUIC):
no refusal to wait for, only the page's own failure event."""


def sites() -> Iterator[tuple[CountingTarget, AttackerSite]]:
    """A target and an attacker site aimed at it, closed afterwards (for fixtures)."""
    target = CountingTarget()
    attacker = AttackerSite(target)
    try:
        yield target, attacker
    finally:
        attacker.close()
        target.close()
