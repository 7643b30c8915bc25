"""HTTP connections that must send their request in time, and that are closed so that a client still sending reads
its answer: uvicorn's h11 protocol with a header timeout and a lingering close.

uvicorn closes idle keep-alive connections, but not a connection that has not yet sent a whole request: a client
that opens connections and sends their headers a byte at a time ("slowloris") would keep each open for ever.
Here a connection has `header_timeout` seconds, from when it opens or its previous answer ends, to send its
request line and headers; then it is answered 408 and closed. (The body has its own timeout, in the app.)

A request refused before its body was read (413: too large) is answered at once. Closing the socket then, with
the client's bytes still arriving, makes the kernel reset the connection, and a client still sending (urllib,
SPARQLWrapper: they send the whole body before reading) sees "connection reset" instead of the 413. So, as Apache
and nginx do ("lingering close"), the answer is sent, the writing side shut down, and what the client still sends
read and thrown away until it closes its side, for at most LINGER_SECONDS, or LINGER_IDLE_SECONDS without a byte.
"""

from __future__ import annotations

import asyncio
import sys

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

LINGER_SECONDS = 10.0       # at most this long after the answer (nginx: lingering_time 30 s)
LINGER_IDLE_SECONDS = 2.0   # ... and no longer than this without a byte from the client (nginx: 5 s, Apache: 2 s)

REQUEST_TIMEOUT = (b"HTTP/1.1 408 Request Timeout\r\ncontent-type: text/plain; charset=utf-8\r\n"
                   b"connection: close\r\ncontent-length: %d\r\n\r\n%s")


def protocol_with_header_timeout(seconds: float, *, linger: float = LINGER_SECONDS,
                                 linger_idle: float = LINGER_IDLE_SECONDS) -> type[H11Protocol]:
    """An asyncio protocol class for uvicorn.Config(http=…)."""

    class HeaderTimeoutProtocol(H11Protocol):
        header_timeout = seconds
        _header_timer: asyncio.TimerHandle | None = None
        _received = False   # bytes of an unfinished request line or headers have arrived
        _lingering: _LingeringTransport | None = None

        def connection_made(self, transport) -> None:  # type: ignore[override]
            # uvicorn, and the request cycles it starts, close the connection through this wrapper.
            self._lingering = _LingeringTransport(transport, self, linger=linger, idle=linger_idle)
            super().connection_made(self._lingering)
            self._follow_state()

        def data_received(self, data: bytes) -> None:
            if self._lingering is not None and self._lingering.lingering:
                self._lingering.received()  # the rest of a refused body: not parsed, not kept
                return
            super().data_received(data)
            self._follow_state()

        def eof_received(self) -> bool | None:
            if self._lingering is not None and self._lingering.lingering:
                self._lingering.finish()  # the client has sent everything: close now
            return super().eof_received()

        def on_response_complete(self) -> None:
            super().on_response_complete()
            self._follow_state()

        def connection_lost(self, exc) -> None:
            self._stop_timer()
            if self._lingering is not None:
                self._lingering.stop_timers()
            super().connection_lost(exc)

        def client_still_sending(self) -> bool:
            return self.conn.their_state is h11.SEND_BODY

        def _follow_state(self) -> None:
            # IDLE: the client owes us (the rest of) a request line and headers. Any other state: headers are
            # in, the request is being answered, however long that takes.
            if self.conn.their_state is h11.IDLE and not self.transport.is_closing():
                # Only bytes of a new request count: the end of a body drained after its answer does not.
                self._received = bool(self.conn.trailing_data[0])
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
            if self._received or self.conn.trailing_data[0]:
                message = f"the request line and headers did not arrive within {self.header_timeout:g} s\n"
                body = message.encode("utf-8")
                self.transport.write(REQUEST_TIMEOUT % (len(body), body))
                client = f"{self.client[0]}:{self.client[1]}" if self.client else "a client"
                print(f"kg serve: {client} sent no complete request within {self.header_timeout:g} s: "
                      "answered 408 and closed", file=sys.stderr, flush=True)
            self.transport.close()

    return HeaderTimeoutProtocol


class _LingeringTransport:
    """The connection's transport as uvicorn sees it: close() while the client is still sending its body shuts
    down our writing side (the answer already written goes out first) and keeps reading, to throw away, until the
    client closes or a time limit passes; every other call goes to the real transport."""

    def __init__(self, transport: asyncio.Transport, protocol, *, linger: float, idle: float):
        self._transport = transport
        self._protocol = protocol
        self._linger, self._idle = linger, idle
        self.lingering = False
        self._deadline: asyncio.TimerHandle | None = None
        self._idle_timer: asyncio.TimerHandle | None = None

    def __getattr__(self, name: str):
        return getattr(self._transport, name)

    def is_closing(self) -> bool:
        return self.lingering or self._transport.is_closing()

    def write(self, data: bytes) -> None:
        if not self.lingering:  # nothing is written after the answer (the writing side is shut down)
            self._transport.write(data)

    def close(self) -> None:
        if self.lingering or self._transport.is_closing() or not self._protocol.client_still_sending() \
                or not self._transport.can_write_eof():
            self.finish()
            return
        self.lingering = True
        self._transport.write_eof()      # FIN once the answer is out: the client can read it to its end
        self._transport.resume_reading()  # flow control may have paused reading while the body piled up
        loop = asyncio.get_running_loop()
        self._deadline = loop.call_later(self._linger, self.finish)
        self._idle_timer = loop.call_later(self._idle, self.finish)

    def received(self) -> None:
        if self._idle_timer is not None:
            self._idle_timer.cancel()
            self._idle_timer = asyncio.get_running_loop().call_later(self._idle, self.finish)

    def finish(self) -> None:
        self.stop_timers()
        self._transport.close()

    def stop_timers(self) -> None:
        for timer in (self._deadline, self._idle_timer):
            if timer is not None:
                timer.cancel()
        self._deadline = self._idle_timer = None
