"""The asyncio twin of :class:`redress.Client` (``grpc.aio``).

Same services, methods, deadlines, request ids, retries and errors; methods
are coroutines and List methods async iterators::

    async with redress.aio.Client(intake="127.0.0.1:50051", token=token) as client:
        reply = await client.intake.submit_complaint(request)
        async for complaint in client.intake.list_complaints(intake_pb2.ListComplaintsRequest()):
            ...

The token provider may also be a coroutine function.
"""

from __future__ import annotations

import asyncio
import inspect
import time
from typing import Any, Awaitable, Callable, Optional, Sequence, Union

import grpc
import grpc.aio
from google.protobuf.message import Message

from redress import errors
from redress.client import RetryPolicy, __version__, attempt_timeout, retry_wait
from redress.services import AsyncFeedbackClient, AsyncIntakeClient, AsyncNotificationClient, AsyncResolutionClient

__all__ = ["AsyncTokenProvider", "Client"]

#: A bearer token, or a function (plain or async) returning the current one,
#: called before every attempt.
AsyncTokenProvider = Union[str, Callable[[], Union[str, Awaitable[str]]]]

_SERVICES = {
    "intake": AsyncIntakeClient,
    "resolution": AsyncResolutionClient,
    "notification": AsyncNotificationClient,
    "feedback": AsyncFeedbackClient,
}


class Client:
    """An asyncio client for a Redress deployment; see :class:`redress.Client`
    for the arguments. Use it as an async context manager, or ``await
    client.close()``."""

    intake: AsyncIntakeClient
    resolution: AsyncResolutionClient
    notification: AsyncNotificationClient
    feedback: AsyncFeedbackClient

    def __init__(
        self,
        *,
        intake: Optional[str] = None,
        resolution: Optional[str] = None,
        notification: Optional[str] = None,
        feedback: Optional[str] = None,
        token: Optional[AsyncTokenProvider] = None,
        timeout: float = 30.0,
        attempt_timeout: Optional[float] = None,
        retry: RetryPolicy = RetryPolicy(),
        credentials: Optional[grpc.ChannelCredentials] = None,
        options: Sequence[tuple[str, Any]] = (),
    ) -> None:
        self._token = token
        self.timeout = timeout
        self.attempt_timeout = attempt_timeout
        self.retry = retry
        self._channels: list[grpc.aio.Channel] = []
        targets = {"intake": intake, "resolution": resolution, "notification": notification, "feedback": feedback}
        channel_options = [("grpc.primary_user_agent", f"redress-sdk-python/{__version__}"), *options]
        for name, target in targets.items():
            if target is None:
                continue
            if credentials is None:
                channel = grpc.aio.insecure_channel(target, options=channel_options)
            else:
                channel = grpc.aio.secure_channel(target, credentials, options=channel_options)
            self._channels.append(channel)
            setattr(self, name, _SERVICES[name](self._invoke, channel))

    def __getattr__(self, name: str) -> Any:
        if name in _SERVICES:
            raise AttributeError(f"no address configured for the {name} service: pass {name}=\"host:port\"")
        raise AttributeError(name)

    async def close(self) -> None:
        """Closes every channel."""
        channels, self._channels = self._channels, []
        for channel in channels:
            await channel.close()

    async def __aenter__(self) -> "Client":
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def _metadata(self, extra: Sequence[tuple[str, str]]) -> list[tuple[str, str]]:
        md = list(extra)
        if self._token is not None:
            token = self._token() if callable(self._token) else self._token
            if inspect.isawaitable(token):
                token = await token
            md.append(("authorization", f"Bearer {token}"))
        return md

    async def _invoke(
        self,
        call: Any,
        request: Message,
        timeout: Optional[float],
        metadata: Sequence[tuple[str, str]],
        retry: bool,
    ) -> Any:
        deadline = time.monotonic() + (self.timeout if timeout is None else timeout)
        attempt = 0
        last: Optional[errors.RedressError] = None
        while True:
            attempt += 1
            per_attempt = attempt_timeout(deadline, self.attempt_timeout, last)
            try:
                return await call(request, timeout=per_attempt, metadata=await self._metadata(metadata))
            except grpc.RpcError as rpc_err:
                last = errors.from_rpc_error(rpc_err)
            await asyncio.sleep(retry_wait(self.retry, last, attempt, deadline, retry))
