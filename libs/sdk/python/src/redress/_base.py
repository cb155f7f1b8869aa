"""What every generated service class (``redress.services``) shares: one
RPC with the request id rule around it, and paging."""

from __future__ import annotations

import os
import time
import uuid
from typing import Any, AsyncIterator, Callable, Iterator, Optional, Sequence

import grpc
from google.protobuf import descriptor_pool, message_factory
from google.protobuf.descriptor import MethodDescriptor
from google.protobuf.message import Message

#: Method name prefixes of calls that only read: always safe to repeat.
_READ_PREFIXES = ("Get", "List", "Preview", "Render", "Verify")
#: Calls without a request_id that the proto documents as idempotent.
_IDEMPOTENT = frozenset(
    {
        # "assigning the current assignee and queue again changes nothing"
        "redress.resolution.v1.ResolutionService.AssignCase",
        # "an update whose content equals the current version changes nothing"
        "redress.notification.v1.NotificationService.UpdateTemplate",
    }
)
_REQUEST_ID = "request_id"

#: Runs one call with deadline and retries: (rpc, request, timeout, metadata, retry?).
Invoker = Callable[[grpc.UnaryUnaryMultiCallable, Message, Optional[float], Sequence[tuple[str, str]], bool], Any]


def uuid7() -> str:
    """A new UUIDv7 (RFC 9562): 48 bits of Unix milliseconds, then random bits."""
    ms = time.time_ns() // 1_000_000
    rand = int.from_bytes(os.urandom(10), "big")
    value = (
        (ms & ((1 << 48) - 1)) << 80
        | 0x7 << 76
        | ((rand >> 62) & 0xFFF) << 64
        | 0b10 << 62
        | (rand & ((1 << 62) - 1))
    )
    return str(uuid.UUID(int=value))


class _Method:
    """One RPC: its types, whether it is safe to repeat, and its request id rule."""

    def __init__(self, invoke: Invoker, channel: grpc.Channel, method: MethodDescriptor) -> None:
        self._invoke = invoke
        self.full_name = method.full_name
        self.request_type: type[Message] = message_factory.GetMessageClass(method.input_type)
        self.response_type: type[Message] = message_factory.GetMessageClass(method.output_type)
        self._keyed = _REQUEST_ID in self.request_type.DESCRIPTOR.fields_by_name
        self._safe = method.name.startswith(_READ_PREFIXES) or self.full_name in _IDEMPOTENT or self._keyed
        self._rpc = channel.unary_unary(
            f"/{method.containing_service.full_name}/{method.name}",
            request_serializer=self.request_type.SerializeToString,
            response_deserializer=self.response_type.FromString,
        )

    def __call__(self, request: Message, timeout: Optional[float], metadata: Sequence[tuple[str, str]]) -> Any:
        if not isinstance(request, self.request_type):
            raise TypeError(f"{self.full_name} takes {self.request_type.__name__}, not {type(request).__name__}")
        if self._keyed and not getattr(request, _REQUEST_ID):
            # Generated once per logical call, so every retry carries the same key.
            keyed = self.request_type()
            keyed.CopyFrom(request)
            setattr(keyed, _REQUEST_ID, uuid7())
            request = keyed
        return self._invoke(self._rpc, request, timeout, metadata, self._safe)


class ServiceBase:
    """The base of the generated service classes."""

    #: The service's full proto name, set by each generated class.
    _service: str

    def __init__(self, invoke: Invoker, channel: grpc.Channel) -> None:
        service = descriptor_pool.Default().FindServiceByName(self._service)
        self._methods = {m.name: _Method(invoke, channel, m) for m in service.methods}

    def _call(self, name: str, request: Message, timeout: Optional[float], metadata: Sequence[tuple[str, str]]) -> Any:
        return self._methods[name](request, timeout, metadata)

    def _pages(
        self, name: str, items: str, request: Message, timeout: Optional[float], metadata: Sequence[tuple[str, str]]
    ) -> Iterator[Any]:
        """Follows ``next_page_token``; each page is one call with its own deadline and retries."""
        method = self._methods[name]
        page_request = method.request_type()
        page_request.CopyFrom(request)
        while True:
            page = method(page_request, timeout, metadata)
            yield from getattr(page, items)
            if not page.next_page_token:
                return
            page_request.page_token = page.next_page_token  # type: ignore[attr-defined]


class AsyncServiceBase(ServiceBase):
    """The base of the generated asyncio service classes (``redress.aio``)."""

    async def _apages(
        self, name: str, items: str, request: Message, timeout: Optional[float], metadata: Sequence[tuple[str, str]]
    ) -> AsyncIterator[Any]:
        """Follows ``next_page_token``; each page is one call with its own deadline and retries."""
        method = self._methods[name]
        page_request = method.request_type()
        page_request.CopyFrom(request)
        while True:
            page = await method(page_request, timeout, metadata)
            for item in getattr(page, items):
                yield item
            if not page.next_page_token:
                return
            page_request.page_token = page.next_page_token  # type: ignore[attr-defined]
