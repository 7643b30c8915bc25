"""HTTP connections that must send their request in time: uvicorn's h11 protocol with a header timeout.

uvicorn closes idle keep-alive connections, but not a connection that has not yet sent a whole request: a client
that opens connections and sends their headers a byte at a time ("slowloris") would keep each open for ever.
Here a connection has `header_timeout` seconds, from when it opens or its previous answer ends, to send its
request line and headers; then it is answered 408 and closed. (The body has its own timeout, in the app.)
"""

from __future__ import annotations

import asyncio
import sys

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

REQUEST_TIMEOUT = (b"HTTP/1.1 408 Request Timeout\r\ncontent-type: text/plain; charset=utf-8\r\n"
                   b"connection: close\r\ncontent-length: %d\r\n\r\n%s")


def protocol_with_header_timeout(seconds: float) -> type[H11Protocol]:
    """An asyncio protocol class for uvicorn.Config(http=…)."""

    class HeaderTimeoutProtocol(H11Protocol):
        header_timeout = seconds
        _header_timer: asyncio.TimerHandle | None = None
        _received = False   # bytes of an unfinished request have arrived

        def connection_made(self, transport) -> None:  # type: ignore[override]
            super().connection_made(transport)
            self._follow_state()

        def data_received(self, data: bytes) -> None:
            self._received = True
            super().data_received(data)
            self._follow_state()

        def on_response_complete(self) -> None:
            super().on_response_complete()
            self._received = False
            self._follow_state()

        def connection_lost(self, exc) -> None:
            self._stop_timer()
            super().connection_lost(exc)

        def _follow_state(self) -> None:
            # IDLE: the client owes us (the rest of) a request line and headers. Any other state: headers are
            # in, the request is being answered, however long that takes.
            if self.conn.their_state is h11.IDLE and not self.transport.is_closing():
                if self._header_timer is None:
                    self._header_timer = self.loop.call_later(self.header_timeout, self._headers_too_slow)
            else:
                self._stop_timer()

        def _stop_timer(self) -> None:
            if self._header_timer is not None:
                self._header_timer.cancel()
                self._header_timer = None

        def _headers_too_slow(self) -> None:
            self._header_timer = None
            if self.transport.is_closing() or self.conn.their_state is not h11.IDLE:
                return
            if self._received:
                message = f"the request line and headers did not arrive within {self.header_timeout:g} s\n"
                body = message.encode("utf-8")
                self.transport.write(REQUEST_TIMEOUT % (len(body), body))
                client = f"{self.client[0]}:{self.client[1]}" if self.client else "a client"
                print(f"kg serve: {client} sent no complete request within {self.header_timeout:g} s: "
                      "answered 408 and closed", file=sys.stderr, flush=True)
            self.transport.close()

    return HeaderTimeoutProtocol
