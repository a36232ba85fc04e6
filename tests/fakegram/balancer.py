"""The load balancer in front of several bot replicas: Telegram posts every update to one
webhook URL, and something spreads them over the replicas. This one goes round-robin, so
consecutive steps of one person's dialogue land on different replicas, and records which
replica got which update."""

from __future__ import annotations

import itertools

from aiohttp import ClientSession, web


class Balancer:
    def __init__(self, targets: list[str]) -> None:
        self.targets = targets  # base URLs of the replicas: http://127.0.0.1:<port>
        self.routed: list[int] = []  # the replica each update went to, in order
        self._next = itertools.cycle(range(len(targets)))
        self._runner: web.AppRunner | None = None
        self._client: ClientSession | None = None
        self.url = ""

    async def start(self) -> str:
        app = web.Application()
        app.router.add_post("/{path:.*}", self._forward)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self._client = ClientSession()
        self.url = f"http://127.0.0.1:{port}"
        return self.url

    async def stop(self) -> None:
        if self._client:
            await self._client.close()
        if self._runner:
            await self._runner.cleanup()

    async def _forward(self, request: web.Request) -> web.Response:
        replica = next(self._next)
        self.routed.append(replica)
        assert self._client is not None
        headers = {k: v for k, v in request.headers.items() if k.lower().startswith("x-telegram")}
        async with self._client.post(
            f"{self.targets[replica]}/{request.match_info['path']}",
            data=await request.read(),
            headers={"Content-Type": "application/json", **headers},
        ) as answer:
            return web.Response(status=answer.status, body=await answer.read())
