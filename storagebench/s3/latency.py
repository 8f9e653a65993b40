"""Injected cloud latency on a local S3 endpoint: the cloud's per-request costs, made real.

On loopback a request costs ~1 ms, so a client's request pattern (pyarrow's pre_buffer
coalescing, s3fs read-ahead, ORC's many small reads) barely shows in wall time.  This WSGI
middleware sits in front of moto (or the counting proxy) and makes every S3 request cost what a
labelled profile from ``storagebench/data/cloud_profiles.json`` says it costs in the cloud:

* **first byte**: the response's first byte (and its headers) leaves no earlier than
  ``first_byte_s`` after the request arrived (plus the upload time below);
* **per-connection byte rate**: the request body is read and the response body is sent at no
  more than ``bytes_per_s_per_connection``; deadlines are absolute (``start + bytes / rate``),
  so Python's own overhead does not add up slice after slice.

Only the thread serving the request sleeps: the server is threaded (one thread per connection,
moto's werkzeug server and the counting proxy alike), so a client that overlaps requests on
several connections gains from it exactly as it would in the cloud, and a client that waits for
each response pays every first byte in turn.  The profile ``none`` injects nothing.

With the counter outside this middleware (the order :class:`storagebench.s3.endpoint.S3Target`
uses) the counted time to first / last byte includes the injected costs, as a client sees them.
"""

from __future__ import annotations

import threading
import time
from typing import Any, Callable, Iterable, Iterator

from storagebench.s3.cloud_model import CloudProfile, get_profile, profiles
from storagebench.s3.counting import close_wrapped

WsgiApp = Callable[..., Any]

NONE = "none"
# Slices of the response body between pacing sleeps: 64 KiB is 0.7 ms at 90 MB/s, fine
# enough against a 20 ms first byte and coarse enough to cost few sleeps per MB.
SLICE_BYTES = 64 * 1024
_CONTROL_PREFIXES = ("/moto-api",)


def choices() -> list[str]:
    """What ``--s3-latency`` accepts: ``none`` and every profile of cloud_profiles.json."""
    return [NONE, *profiles()]


def resolve_profile(name: str | CloudProfile | None) -> CloudProfile | None:
    """The profile named on the command line, None for ``none`` (unknown names: a clear error).
    A :class:`CloudProfile` is taken as it is (tests use fixed, exaggerated profiles)."""
    if isinstance(name, CloudProfile):
        return name
    if not name or name == NONE:
        return None
    return get_profile(name)


def _sleep_until(deadline: float) -> None:
    remaining = deadline - time.perf_counter()
    if remaining > 0:
        time.sleep(remaining)


class _PacedInput:
    """``wsgi.input`` read at no more than the profile's byte rate (the upload's transfer time)."""

    def __init__(self, stream: Any, started: float, rate: float):
        self._stream, self._started, self._rate = stream, started, rate
        self.count = 0

    def _paced(self, n: int) -> None:
        self.count += n
        _sleep_until(self._started + self.count / self._rate)

    def read(self, *args: Any) -> bytes:
        data = self._stream.read(*args)
        self._paced(len(data))
        return data

    def readinto(self, buffer: Any) -> int:
        n = self._stream.readinto(buffer)
        self._paced(n or 0)
        return n

    def read1(self, *args: Any) -> bytes:
        data = self._stream.read1(*args)
        self._paced(len(data))
        return data

    def readline(self, *args: Any) -> bytes:
        data = self._stream.readline(*args)
        self._paced(len(data))
        return data

    def __iter__(self) -> Iterator[bytes]:
        for line in self._stream:
            self._paced(len(line))
            yield line

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


class _PacedBody:
    """The response iterable: nothing before the first-byte deadline, then paced slices."""

    def __init__(self, iterable: Iterable[bytes], first_byte_at: Callable[[], float], rate: float,
                 done: Callable[[], None]):
        self._iterable, self._first_byte_at, self._rate, self._done = iterable, first_byte_at, rate, done

    def __iter__(self) -> Iterator[bytes]:
        # werkzeug sends the status line and headers with the first body write (or at the end
        # for an empty body), so waiting here delays the client's first byte as the cloud does.
        start = self._first_byte_at()
        _sleep_until(start)
        sent = 0
        for chunk in self._iterable:
            for i in range(0, len(chunk), SLICE_BYTES):
                piece = bytes(chunk[i:i + SLICE_BYTES])
                sent += len(piece)
                # The slice's last byte leaves at start + sent / rate: the response's last byte
                # at exactly first_byte_s + bytes / rate, the model's request time.
                _sleep_until(start + sent / self._rate)
                yield piece

    def close(self) -> None:
        close_wrapped(self._iterable, self._done)


class LatencyInjector:
    """WSGI middleware factory applying one cloud profile to every S3 request.

    ``profile`` None injects nothing; ``paused()`` suspends injection for requests that start
    inside the block (the suite's untimed counted run uses it so the cloud model's input is the
    loopback run it always had).  ``max_in_flight`` is the most requests ever delayed at the
    same moment: proof that a sleeping request does not block the others.
    """

    def __init__(self, profile: CloudProfile | None):
        self.profile = profile
        self._paused = 0
        self._lock = threading.Lock()
        self._in_flight = 0
        self.max_in_flight = 0
        self.delayed_requests = 0

    @property
    def name(self) -> str:
        return self.profile.name if self.profile is not None else NONE

    @property
    def active(self) -> bool:
        return self.profile is not None and not self._paused

    def paused(self) -> "_Paused":
        return _Paused(self)

    def _enter(self) -> None:
        with self._lock:
            self._in_flight += 1
            self.delayed_requests += 1
            self.max_in_flight = max(self.max_in_flight, self._in_flight)

    def _leave(self) -> None:
        with self._lock:
            self._in_flight -= 1

    def middleware(self, app: WsgiApp) -> WsgiApp:
        def delayed(environ: dict, start_response: Callable) -> Iterable[bytes]:
            profile = self.profile
            if profile is None or self._paused or environ.get("PATH_INFO", "").startswith(_CONTROL_PREFIXES):
                return app(environ, start_response)
            started = time.perf_counter()
            rate = profile.bytes_per_s_per_connection
            body = _PacedInput(environ["wsgi.input"], started, rate)
            environ["wsgi.input"] = body
            self._enter()
            try:
                iterable = app(environ, start_response)
            except BaseException:
                self._leave()
                raise
            # First byte: the latency after the request (and its body) arrived.
            return _PacedBody(iterable, lambda: started + profile.first_byte_s + body.count / rate, rate,
                              self._leave)

        return delayed


class _Paused:
    def __init__(self, injector: LatencyInjector):
        self._injector = injector

    def __enter__(self) -> None:
        with self._injector._lock:
            self._injector._paused += 1

    def __exit__(self, *exc: Any) -> None:
        with self._injector._lock:
            self._injector._paused -= 1


def describe(injector: LatencyInjector | None) -> dict[str, Any]:
    """What results record about the injected latency (``s3_latency_profile`` is always there)."""
    if injector is None or injector.profile is None:
        return {"s3_latency_profile": NONE}
    p = injector.profile
    return {"s3_latency_profile": p.name, "s3_latency_label": p.label.replace("modelled: ", "injected: ", 1),
            "s3_latency_first_byte_s": p.first_byte_s,
            "s3_latency_bytes_per_s_per_connection": p.bytes_per_s_per_connection}
