"""A TCP proxy between the application and PostgreSQL that the load test can cut.

Every process of the layout (gunicorn's workers, the task workers, the scheduler) reaches the
database through it. `cut()` closes every open connection at once — what the application sees
when the database server goes away — and, until `restore()`, closes each new connection as soon
as it is accepted, so connecting fails ("server closed the connection unexpectedly"). That is the
database being unreachable for the clients, without touching the PostgreSQL server others use.

Runs its asyncio loop in a thread of the calling process (run.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import threading


class PausableProxy:
    def __init__(self, upstream_host: str, upstream_port: int) -> None:
        self.upstream = (upstream_host, upstream_port)
        self.port = 0
        self.cut_now = False
        self.connections = 0
        self.refused = 0
        self._writers: set[asyncio.StreamWriter] = set()
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True, name="pg-proxy")

    def start(self) -> int:
        self._thread.start()
        self._ready.wait(10)
        return self.port

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        server = self._loop.run_until_complete(asyncio.start_server(self._handle, "127.0.0.1", 0))
        self.port = server.sockets[0].getsockname()[1]
        self._ready.set()
        self._loop.run_forever()

    async def _pipe(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        except (ConnectionError, OSError):
            pass
        finally:
            with contextlib.suppress(Exception):
                writer.close()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if self.cut_now:
            self.refused += 1
            writer.transport.abort()
            return
        try:
            up_reader, up_writer = await asyncio.open_connection(*self.upstream)
        except OSError:
            writer.transport.abort()
            return
        self.connections += 1
        self._writers.update((writer, up_writer))
        try:
            await asyncio.gather(self._pipe(reader, up_writer), self._pipe(up_reader, writer))
        finally:
            self._writers.discard(writer)
            self._writers.discard(up_writer)

    def _cut(self) -> None:
        self.cut_now = True
        for writer in list(self._writers):
            writer.transport.abort()  # a reset, as when the server or the network goes away
        self._writers.clear()

    def cut(self) -> None:
        self._loop.call_soon_threadsafe(self._cut)

    def restore(self) -> None:
        self.cut_now = False

    def stop(self) -> None:
        self._loop.call_soon_threadsafe(self._loop.stop)
