"""The Redress client: one object for the four public services.

``client.<service>.<method>(request)`` calls one RPC (method names in
snake_case, e.g. ``client.intake.submit_complaint``), with

* the bearer token from the token provider on every attempt;
* a deadline (``timeout`` seconds, per call or the client's default) that
  covers every attempt and every wait between them;
* a ``request_id`` (UUIDv7) filled in when the request has that field and the
  caller left it empty, generated once per call and reused on every retry, so a
  retry after a lost reply is answered from the server's idempotency record
  instead of filing a second complaint;
* retries on UNAVAILABLE, DEADLINE_EXCEEDED and RESOURCE_EXHAUSTED with
  exponential backoff and full jitter, waiting at least the server's
  ``RetryInfo`` delay, for reads, for calls keyed by ``request_id`` and for
  calls the proto documents as idempotent; nothing else is retried;
* a :class:`redress.errors.RedressError` subclass for every failure.

List methods return a generator that follows ``next_page_token`` and yields
the items of every page; ``<method>_page`` returns one raw page.
"""

from __future__ import annotations

import os
import random
import re
import threading
import time
import uuid
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator, Optional, Sequence, Union

import grpc
from google.protobuf import message_factory
from google.protobuf.descriptor import FieldDescriptor, MethodDescriptor, ServiceDescriptor
from google.protobuf.message import Message

from redress import errors
from redress.feedback.v1 import feedback_pb2
from redress.intake.v1 import intake_pb2
from redress.notification.v1 import notification_pb2
from redress.resolution.v1 import resolution_pb2

__all__ = ["Client", "RetryPolicy", "ServiceClient", "TokenProvider", "uuid7"]

__version__ = "0.1.0"

#: A bearer token, or a function returning the current one (called before
#: every attempt, so it may refresh a token that is about to expire).
TokenProvider = Union[str, Callable[[], str]]

#: Method name prefixes of calls that only read: always safe to repeat.
_READ_PREFIXES = ("Get", "List", "Preview", "Render", "Verify")
#: Calls without a request_id that the proto documents as idempotent.
_IDEMPOTENT = frozenset(
    {
        # "assigning the current assignee and queue again changes nothing"
        "redress.resolution.v1.ResolutionService.AssignCase",
        # "an upsert whose content equals the current version changes nothing"
        "redress.notification.v1.NotificationService.UpsertTemplate",
    }
)
_REQUEST_ID = "request_id"


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


@dataclass(frozen=True)
class RetryPolicy:
    """When and how often a failed attempt is repeated."""

    #: Attempts in all, the first included.
    max_attempts: int = 5
    #: The backoff cap before the first retry, in seconds.
    initial_backoff: float = 0.1
    #: The backoff cap never grows beyond this, in seconds.
    max_backoff: float = 5.0
    #: The cap grows by this factor after every attempt.
    multiplier: float = 2.0
    #: The codes worth another attempt.
    codes: frozenset[grpc.StatusCode] = field(
        default_factory=lambda: frozenset(
            {grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.DEADLINE_EXCEEDED, grpc.StatusCode.RESOURCE_EXHAUSTED}
        )
    )

    def backoff(self, retry: int) -> float:
        """The wait before retry number ``retry`` (1-based): full jitter."""
        cap = min(self.max_backoff, self.initial_backoff * self.multiplier ** (retry - 1))
        return random.uniform(0, cap)


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def _items_field(response: type[Message]) -> Optional[FieldDescriptor]:
    """The repeated field holding a List response's items."""
    for f in response.DESCRIPTOR.fields:
        if f.is_repeated and f.message_type is not None:
            return f
    return None


class _Method:
    """One RPC with the client's behaviour around it."""

    def __init__(self, client: "Client", channel: grpc.Channel, method: MethodDescriptor) -> None:
        self._client = client
        self.full_name = method.full_name
        self.request_type: type[Message] = message_factory.GetMessageClass(method.input_type)
        self.response_type: type[Message] = message_factory.GetMessageClass(method.output_type)
        self._keyed = _REQUEST_ID in self.request_type.DESCRIPTOR.fields_by_name
        self._safe = method.name.startswith(_READ_PREFIXES) or self.full_name in _IDEMPOTENT or self._keyed
        self._call = channel.unary_unary(
            f"/{method.containing_service.full_name}/{method.name}",
            request_serializer=self.request_type.SerializeToString,
            response_deserializer=self.response_type.FromString,
        )

    def __call__(
        self,
        request: Message,
        *,
        timeout: Optional[float] = None,
        metadata: Sequence[tuple[str, str]] = (),
    ) -> Any:
        if not isinstance(request, self.request_type):
            raise TypeError(f"{self.full_name} takes {self.request_type.__name__}, not {type(request).__name__}")
        if self._keyed and not getattr(request, _REQUEST_ID):
            # Generated once per logical call, so every retry carries the same key.
            keyed = self.request_type()
            keyed.CopyFrom(request)
            setattr(keyed, _REQUEST_ID, uuid7())
            request = keyed
        return self._client._invoke(self._call, request, timeout, metadata, retry=self._safe)


class ServiceClient:
    """The methods of one Redress service as snake_case attributes, e.g.
    ``client.intake.submit_complaint(request)``. List methods yield items across
    pages; ``<list method>_page`` returns one page."""

    def __init__(self, client: "Client", channel: grpc.Channel, service: ServiceDescriptor) -> None:
        self._name = service.full_name
        self._methods: dict[str, _Method] = {}
        for method in service.methods:
            m = _Method(client, channel, method)
            name = _snake(method.name)
            items = _items_field(m.response_type)
            if method.name.startswith("List") and items is not None and "next_page_token" in (
                m.response_type.DESCRIPTOR.fields_by_name
            ):
                self._methods[name + "_page"] = m
                setattr(self, name, _pager(m, items.name))
                setattr(self, name + "_page", m)
            else:
                self._methods[name] = m
                setattr(self, name, m)

    def __getattr__(self, name: str) -> Any:
        raise AttributeError(f"{self._name} has no method {name}")


def _pager(method: _Method, items: str) -> Callable[..., Iterator[Any]]:
    def pages(
        request: Message, *, timeout: Optional[float] = None, metadata: Sequence[tuple[str, str]] = ()
    ) -> Iterator[Any]:
        """Yields every item of every page, following ``next_page_token``;
        each page is one call with its own deadline and retries."""
        page_request = method.request_type()
        page_request.CopyFrom(request)
        while True:
            page = method(page_request, timeout=timeout, metadata=metadata)
            yield from getattr(page, items)
            if not page.next_page_token:
                return
            page_request.page_token = page.next_page_token

    pages.__name__ = _snake(method.full_name.rsplit(".", 1)[1])
    return pages


_SERVICES: dict[str, ServiceDescriptor] = {
    "intake": intake_pb2.DESCRIPTOR.services_by_name["IntakeService"],
    "resolution": resolution_pb2.DESCRIPTOR.services_by_name["ResolutionService"],
    "notification": notification_pb2.DESCRIPTOR.services_by_name["NotificationService"],
    "feedback": feedback_pb2.DESCRIPTOR.services_by_name["FeedbackService"],
}


class Client:
    """A client for a Redress deployment.

    Each service has its own address (``host:port``); give those you call::

        client = redress.Client(intake="127.0.0.1:50051", token=token)

    ``token`` is a bearer token or a function returning one. ``credentials``
    (``grpc.ssl_channel_credentials()``) switches to TLS; the default is
    plaintext, as ``redress dev`` serves. ``timeout`` is the default deadline
    of a call in seconds, retries included; ``attempt_timeout`` optionally
    bounds each attempt within it. Close the client (or use it as a context
    manager) to close its channels.
    """

    intake: ServiceClient
    resolution: ServiceClient
    notification: ServiceClient
    feedback: ServiceClient

    def __init__(
        self,
        *,
        intake: Optional[str] = None,
        resolution: Optional[str] = None,
        notification: Optional[str] = None,
        feedback: Optional[str] = None,
        token: Optional[TokenProvider] = None,
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
        self._sleep = time.sleep
        self._lock = threading.Lock()
        self._channels: list[grpc.Channel] = []
        targets = {"intake": intake, "resolution": resolution, "notification": notification, "feedback": feedback}
        channel_options = [("grpc.primary_user_agent", f"redress-sdk-python/{__version__}"), *options]
        for name, target in targets.items():
            if target is None:
                continue
            if credentials is None:
                channel = grpc.insecure_channel(target, options=channel_options)
            else:
                channel = grpc.secure_channel(target, credentials, options=channel_options)
            self._channels.append(channel)
            setattr(self, name, ServiceClient(self, channel, _SERVICES[name]))

    def __getattr__(self, name: str) -> Any:
        if name in _SERVICES:
            raise AttributeError(f"no address configured for the {name} service: pass {name}=\"host:port\"")
        raise AttributeError(name)

    def close(self) -> None:
        """Closes every channel."""
        with self._lock:
            for channel in self._channels:
                channel.close()
            self._channels.clear()

    def __enter__(self) -> "Client":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _metadata(self, extra: Sequence[tuple[str, str]]) -> list[tuple[str, str]]:
        md = list(extra)
        if self._token is not None:
            token = self._token() if callable(self._token) else self._token
            md.append(("authorization", f"Bearer {token}"))
        return md

    def _invoke(
        self,
        call: grpc.UnaryUnaryMultiCallable,
        request: Message,
        timeout: Optional[float],
        metadata: Sequence[tuple[str, str]],
        *,
        retry: bool,
    ) -> Any:
        deadline = time.monotonic() + (self.timeout if timeout is None else timeout)
        attempt = 0
        while True:
            attempt += 1
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise errors.DeadlineExceeded(grpc.StatusCode.DEADLINE_EXCEEDED, "deadline exceeded before the call")
            per_attempt = remaining if self.attempt_timeout is None else min(remaining, self.attempt_timeout)
            try:
                return call(request, timeout=per_attempt, metadata=self._metadata(metadata))
            except grpc.RpcError as rpc_err:
                err = errors.from_rpc_error(rpc_err)
            if not retry or err.code not in self.retry.codes or attempt >= self.retry.max_attempts:
                raise err
            wait = self.retry.backoff(attempt)
            if err.retry_after is not None:
                wait = max(wait, err.retry_after)
            if time.monotonic() + wait >= deadline:
                # No time left for another attempt: the caller gets the real cause.
                raise err
            self._sleep(wait)
