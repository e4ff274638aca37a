"""A system outside motcua for the scenarios: a real HTTP server on 127.0.0.1 in a thread.

It records every POST (path, headers, JSON body), answers 200, and can go down (its socket is
closed: connections are refused) and come back on the same port.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass(frozen=True)
class Received:
    """One request the receiver took."""

    path: str
    headers: dict[str, str]
    raw: bytes

    @property
    def body(self) -> Any:
        """The JSON body."""
        return json.loads(self.raw)

    def signed_with(self, key: str) -> bool:
        """True when X-Motcua-Signature is the HMAC-SHA256 of timestamp.body under `key`."""
        stamp = self.headers.get("X-Motcua-Timestamp", "")
        mac = hmac.new(key.encode(), stamp.encode() + b"." + self.raw, hashlib.sha256)
        return hmac.compare_digest(
            "sha256=" + mac.hexdigest(), self.headers.get("X-Motcua-Signature", "")
        )


class FakeReceiver:
    """Records requests; `go_down()` / `come_back()` make it unreachable and reachable again."""

    def __init__(self) -> None:
        self.received: list[Received] = []
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self.port = 0

    @property
    def url(self) -> str:
        """Base URL."""
        return f"http://127.0.0.1:{self.port}"

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
                length = int(self.headers.get("Content-Length", "0"))
                raw = self.rfile.read(length)
                with receiver._lock:
                    receiver.received.append(Received(self.path, dict(self.headers), raw))
                answer = b'{"ok": true}'
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
                return

        return Handler

    def start(self) -> FakeReceiver:
        """Listen (on a free port the first time, then on the same one)."""
        ThreadingHTTPServer.allow_reuse_address = True
        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), self._handler())
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def go_down(self) -> None:
        """Stop listening: the next connections are refused."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def come_back(self) -> None:
        """Listen again on the same port."""
        if self._server is None:
            self.start()

    def stop(self) -> None:
        """Shut down for good."""
        self.go_down()

    def posted(self, path_suffix: str) -> list[Received]:
        """Requests whose path ends with the suffix, in arrival order."""
        with self._lock:
            return [r for r in self.received if r.path.endswith(path_suffix)]
