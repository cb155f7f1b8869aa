"""Typed errors decoded from the server's ``google.rpc.Status``.

Every Redress error carries a ``google.rpc.ErrorInfo`` whose ``reason`` is a
stable UPPER_SNAKE code (see the proto files); INVALID_ARGUMENT also carries a
``google.rpc.BadRequest`` with one field violation per bad field, and
RESOURCE_EXHAUSTED may carry a ``google.rpc.RetryInfo``. The SDK raises one
subclass of :class:`RedressError` per gRPC code so callers can ``except`` the
case they handle and read the details as plain data.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

import grpc
from google.rpc import error_details_pb2, status_pb2
from grpc_status import rpc_status

__all__ = [
    "FieldViolation",
    "RedressError",
    "Cancelled",
    "InvalidArgument",
    "DeadlineExceeded",
    "NotFound",
    "AlreadyExists",
    "PermissionDenied",
    "ResourceExhausted",
    "FailedPrecondition",
    "Aborted",
    "OutOfRange",
    "Unimplemented",
    "Internal",
    "Unavailable",
    "Unauthenticated",
]


@dataclass(frozen=True)
class FieldViolation:
    """One bad field of a request, from ``google.rpc.BadRequest``."""

    #: The field path, e.g. ``player.jurisdiction``.
    field: str
    #: What is wrong with it, for a human.
    description: str
    #: A stable code for the violation, when the server gives one.
    reason: str = ""


@dataclass
class RedressError(Exception):
    """A failed call. Subclasses name the gRPC code; this base class is raised
    for codes without a subclass of their own."""

    #: The gRPC status code.
    code: grpc.StatusCode
    #: The server's (or the SDK's) message.
    message: str
    #: ``ErrorInfo.reason``: a stable UPPER_SNAKE code, e.g. ``IDEMPOTENCY_KEY_REUSED``.
    reason: str = ""
    #: ``ErrorInfo.domain``.
    domain: str = ""
    #: ``ErrorInfo.metadata``: facts about the error, e.g. the current state.
    metadata: dict[str, str] = field(default_factory=dict)
    #: ``BadRequest.field_violations``, for INVALID_ARGUMENT.
    violations: list[FieldViolation] = field(default_factory=list)
    #: ``RetryInfo.retry_delay`` in seconds, when the server asked to wait.
    retry_after: Optional[float] = None
    #: The raw ``google.rpc.Status``, when the server sent one.
    status: Optional[status_pb2.Status] = None
    #: The grpc error this was decoded from (``None`` when the SDK raised it).
    cause: Optional[grpc.RpcError] = field(default=None, repr=False)

    def __post_init__(self) -> None:
        super().__init__(str(self))

    def __str__(self) -> str:
        text = f"{self.code.name.lower()}: {self.message}"
        if self.reason:
            text += f" ({self.reason})"
        for v in self.violations:
            text += f"; {v.field}: {v.description}"
        return text

    __hash__ = object.__hash__


class Cancelled(RedressError):
    """CANCELLED: the call was cancelled."""


class InvalidArgument(RedressError):
    """INVALID_ARGUMENT: see :attr:`violations` for the bad fields."""


class DeadlineExceeded(RedressError):
    """DEADLINE_EXCEEDED: the call's deadline passed (after any retries)."""


class NotFound(RedressError):
    """NOT_FOUND: no such resource for the caller's tenant (another tenant's
    resource answers the same way)."""


class AlreadyExists(RedressError):
    """ALREADY_EXISTS, e.g. reason ``IDEMPOTENCY_KEY_REUSED``."""


class PermissionDenied(RedressError):
    """PERMISSION_DENIED: the token's roles do not allow the call."""


class ResourceExhausted(RedressError):
    """RESOURCE_EXHAUSTED, e.g. a rate limit; :attr:`retry_after` says how long
    to wait."""


class FailedPrecondition(RedressError):
    """FAILED_PRECONDITION: the resource is not in a state that allows the call;
    :attr:`reason` and :attr:`metadata` say which."""


class Aborted(RedressError):
    """ABORTED: a stale ``etag``; read the resource again and retry."""


class OutOfRange(RedressError):
    """OUT_OF_RANGE."""


class Unimplemented(RedressError):
    """UNIMPLEMENTED: the server does not offer this method."""


class Internal(RedressError):
    """INTERNAL: a server fault."""


class Unavailable(RedressError):
    """UNAVAILABLE: the server could not be reached (after any retries)."""


class Unauthenticated(RedressError):
    """UNAUTHENTICATED: no token, or an invalid or expired one."""


_BY_CODE: dict[grpc.StatusCode, type[RedressError]] = {
    grpc.StatusCode.CANCELLED: Cancelled,
    grpc.StatusCode.INVALID_ARGUMENT: InvalidArgument,
    grpc.StatusCode.DEADLINE_EXCEEDED: DeadlineExceeded,
    grpc.StatusCode.NOT_FOUND: NotFound,
    grpc.StatusCode.ALREADY_EXISTS: AlreadyExists,
    grpc.StatusCode.PERMISSION_DENIED: PermissionDenied,
    grpc.StatusCode.RESOURCE_EXHAUSTED: ResourceExhausted,
    grpc.StatusCode.FAILED_PRECONDITION: FailedPrecondition,
    grpc.StatusCode.ABORTED: Aborted,
    grpc.StatusCode.OUT_OF_RANGE: OutOfRange,
    grpc.StatusCode.UNIMPLEMENTED: Unimplemented,
    grpc.StatusCode.INTERNAL: Internal,
    grpc.StatusCode.UNAVAILABLE: Unavailable,
    grpc.StatusCode.UNAUTHENTICATED: Unauthenticated,
}


def error_for(code: grpc.StatusCode, message: str, **kwargs: object) -> RedressError:
    """The :class:`RedressError` subclass for ``code``."""
    return _BY_CODE.get(code, RedressError)(code, message, **kwargs)  # type: ignore[arg-type]


def from_rpc_error(err: grpc.RpcError) -> RedressError:
    """Decodes a grpc error, with its ``grpc-status-details-bin`` details."""
    # grpc.Call, or grpc.aio.AioRpcError, which has the same methods but is no grpc.Call.
    is_call = all(hasattr(err, m) for m in ("code", "details", "trailing_metadata"))
    code: grpc.StatusCode = err.code() if is_call else grpc.StatusCode.UNKNOWN
    message: str = (err.details() or "") if is_call else str(err)
    try:
        status = rpc_status.from_call(err) if is_call else None
    except ValueError:
        # Details that contradict the status line: keep the status line.
        status = None
    info = error_details_pb2.ErrorInfo()
    bad = error_details_pb2.BadRequest()
    retry = error_details_pb2.RetryInfo()
    found_info = False
    found_retry = False
    if status is not None:
        for detail in status.details:
            if detail.Is(info.DESCRIPTOR):
                found_info = detail.Unpack(info)
            elif detail.Is(bad.DESCRIPTOR):
                detail.Unpack(bad)
            elif detail.Is(retry.DESCRIPTOR):
                found_retry = detail.Unpack(retry)
    return error_for(
        code,
        message,
        reason=info.reason if found_info else "",
        domain=info.domain if found_info else "",
        metadata=dict(info.metadata) if found_info else {},
        violations=[
            FieldViolation(field=v.field, description=v.description, reason=v.reason) for v in bad.field_violations
        ],
        retry_after=retry.retry_delay.ToTimedelta().total_seconds() if found_retry else None,
        status=status,
        cause=err,
    )
