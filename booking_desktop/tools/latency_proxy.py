"""A TCP proxy that delays each direction by half a round-trip time, to
measure the desk as if its PostgreSQL server were across a network (`python
main.py bench-ui --rtt 10`). It listens on 127.0.0.1 only and forwards to
one upstream address.

It also counts round trips: a message the client sends after the server has
answered (or the first one) begins a new round trip. psycopg's pipeline mode
and a statement's several protocol messages sent together count once, as
the network would see them.
"""
import heapq
import socket
import threading
from urllib.parse import urlsplit, urlunsplit
import time

_CHUNK = 65536


class _DelayedPipe:
    """Copies one direction of one connection, each chunk `delay` seconds late."""

    def __init__(self, source: socket.socket, target: socket.socket, delay: float,
                 on_chunk) -> None:
        self.source, self.target, self.delay, self.on_chunk = source, target, delay, on_chunk
        self._queue: list[tuple[float, int, bytes]] = []
        self._order = 0
        self._ready = threading.Condition()
        self._closed = False
        threading.Thread(target=self._read, daemon=True).start()
        threading.Thread(target=self._write, daemon=True).start()

    def _read(self) -> None:
        try:
            while chunk := self.source.recv(_CHUNK):
                self.on_chunk()
                with self._ready:
                    self._order += 1
                    heapq.heappush(self._queue, (time.monotonic() + self.delay, self._order,
                                                 chunk))
                    self._ready.notify()
        except OSError:
            pass
        with self._ready:
            self._closed = True
            self._ready.notify()

    def _write(self) -> None:
        while True:
            with self._ready:
                while not self._queue and not self._closed:
                    self._ready.wait()
                if not self._queue:
                    break
                due, _, chunk = self._queue[0]
                wait = due - time.monotonic()
                if wait > 0:
                    self._ready.wait(wait)
                    continue
                heapq.heappop(self._queue)
            try:
                self.target.sendall(chunk)
            except OSError:
                break
        for sock in (self.target, self.source):
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


class LatencyProxy:
    """`with LatencyProxy(host, port, rtt_ms) as proxy:` then connect to
    `proxy.port` on 127.0.0.1. `proxy.round_trips` counts since `reset()`."""

    def __init__(self, host: str, port: int, rtt_ms: float) -> None:
        self.upstream = (host, port)
        self.delay = rtt_ms / 2000.0
        self.round_trips = 0
        self._lock = threading.Lock()
        self._client_turn = {}  # connection number -> the client spoke last
        self._listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(64)
        self.port = self._listener.getsockname()[1]
        self._connections = 0
        threading.Thread(target=self._accept, daemon=True).start()

    @classmethod
    def before(cls, url: str, rtt_ms: float) -> "LatencyProxy":
        """A proxy in front of the PostgreSQL server that `url` names."""
        parts = urlsplit(url)
        return cls(parts.hostname or "127.0.0.1", parts.port or 5432, rtt_ms)

    def url_for(self, url: str) -> str:
        """`url` with its host and port replaced by the proxy's."""
        parts = urlsplit(url)
        user = parts.netloc.rsplit("@", 1)[0] + "@" if "@" in parts.netloc else ""
        return urlunsplit(parts._replace(netloc=f"{user}127.0.0.1:{self.port}"))

    def reset(self) -> None:
        with self._lock:
            self.round_trips = 0

    def _client_spoke(self, number: int) -> None:
        with self._lock:
            if not self._client_turn.get(number):
                self.round_trips += 1
                self._client_turn[number] = True

    def _server_spoke(self, number: int) -> None:
        with self._lock:
            self._client_turn[number] = False

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            try:
                server = socket.create_connection(self.upstream)
            except OSError:
                client.close()
                continue
            for sock in (client, server):
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            self._connections += 1
            number = self._connections
            _DelayedPipe(client, server, self.delay, lambda n=number: self._client_spoke(n))
            _DelayedPipe(server, client, self.delay, lambda n=number: self._server_spoke(n))

    def close(self) -> None:
        self._listener.close()

    def __enter__(self) -> "LatencyProxy":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
