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

import random
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Optional, Sequence, Union

import grpc
from google.protobuf.message import Message

from redress import errors
from redress._base import uuid7
from redress.services import FeedbackClient, IntakeClient, NotificationClient, ResolutionClient

__all__ = ["Client", "RetryPolicy", "TokenProvider", "uuid7"]

__version__ = "0.1.0"

#: A bearer token, or a function returning the current one (called before
#: every attempt, so it may refresh a token that is about to expire).
TokenProvider = Union[str, Callable[[], str]]


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


_SERVICES = {
    "intake": IntakeClient,
    "resolution": ResolutionClient,
    "notification": NotificationClient,
    "feedback": FeedbackClient,
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

    intake: IntakeClient
    resolution: ResolutionClient
    notification: NotificationClient
    feedback: FeedbackClient

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
            setattr(self, name, _SERVICES[name](self._invoke, channel))

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
        retry: bool,
    ) -> Any:
        deadline = time.monotonic() + (self.timeout if timeout is None else timeout)
        attempt = 0
        last: Optional[errors.RedressError] = None
        while True:
            attempt += 1
            per_attempt = attempt_timeout(deadline, self.attempt_timeout, last)
            try:
                return call(request, timeout=per_attempt, metadata=self._metadata(metadata))
            except grpc.RpcError as rpc_err:
                last = errors.from_rpc_error(rpc_err)
            self._sleep(retry_wait(self.retry, last, attempt, deadline, retry))


def attempt_timeout(deadline: float, bound: Optional[float], last: Optional[errors.RedressError]) -> float:
    """The next attempt's timeout: what is left of the deadline, at most ``bound``."""
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        # A wait that overran the deadline: the caller gets the real cause.
        raise last or errors.DeadlineExceeded(grpc.StatusCode.DEADLINE_EXCEEDED, "deadline exceeded")
    return remaining if bound is None else min(remaining, bound)


def retry_wait(policy: RetryPolicy, err: errors.RedressError, attempt: int, deadline: float, retry: bool) -> float:
    """How long to wait before the next attempt; raises ``err`` when there is none."""
    if not retry or err.code not in policy.codes or attempt >= policy.max_attempts:
        raise err
    wait = policy.backoff(attempt)
    if err.retry_after is not None:
        wait = max(wait, err.retry_after)
    if time.monotonic() + wait >= deadline:
        # No time left for another attempt: the caller gets the real cause.
        raise err
    return wait
