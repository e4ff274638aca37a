"""HTTP for outgoing deliveries (webhooks, the national portal): the standard library's client."""

from __future__ import annotations

import urllib.error
import urllib.request
from collections.abc import Mapping

MAX_ANSWER = 2000


class UrllibTransport:
    """POSTs one request and reads the start of the answer; only http(s) URLs."""

    def post(
        self, url: str, body: bytes, headers: Mapping[str, str], timeout: float
    ) -> tuple[int, str]:
        """Status and the first characters of the body; OSError when unreachable."""
        if not url.startswith(("http://", "https://")):
            raise OSError(f"not an http(s) URL: {url!r}")
        request = urllib.request.Request(url, data=body, headers=dict(headers), method="POST")
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
                text = response.read(MAX_ANSWER).decode("utf-8", "replace")
                return int(response.status), text
        except urllib.error.HTTPError as exc:  # an answer, just not a 2xx one
            text = exc.read(MAX_ANSWER).decode("utf-8", "replace") if exc.fp else ""
            return int(exc.code), text
