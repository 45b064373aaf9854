"""A TCP proxy that a test can cut and restore: the database "goes away" mid-transaction.

proxy = await CuttableProxy.start("127.0.0.1", 5432)   # listens on 127.0.0.1:proxy.port
proxy.cut()       # every connection through it is closed; new ones are refused
proxy.restore()   # new connections go through again
"""

from __future__ import annotations

import asyncio
import contextlib


class CuttableProxy:
    def __init__(self, host: str, port: int) -> None:
        self._target = (host, port)
        self._server: asyncio.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()
        self.up = True
        self.port = 0

    @classmethod
    async def start(cls, host: str, port: int) -> CuttableProxy:
        proxy = cls(host, port)
        proxy._server = await asyncio.start_server(proxy._client, "127.0.0.1", 0)
        proxy.port = proxy._server.sockets[0].getsockname()[1]
        return proxy

    def cut(self) -> None:
        self.up = False
        for writer in list(self._writers):
            writer.transport.abort()  # a reset, as when a network link drops
        self._writers.clear()

    def restore(self) -> None:
        self.up = True

    async def close(self) -> None:
        self.cut()
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()

    async def _client(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if not self.up:
            writer.transport.abort()
            return
        try:
            up_reader, up_writer = await asyncio.open_connection(*self._target)
        except OSError:
            writer.transport.abort()
            return
        self._writers.update((writer, up_writer))
        await asyncio.gather(self._pipe(reader, up_writer), self._pipe(up_reader, writer))

    async def _pipe(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(OSError, asyncio.IncompleteReadError):
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        writer.transport.abort()
        self._writers.discard(writer)
