"""Redress client SDK for casino backends.

``redress.Client`` calls the four public services (intake, resolution,
notification, feedback) with tokens, deadlines, safe retries, typed errors and
paging (``redress.aio.Client`` is its asyncio twin); the generated messages
live in ``redress.<service>.v1.<service>_pb2`` (resolution's, split by
resource, in ``case_pb2``, ``macro_pb2``, ``regulatory_return_pb2`` and
``resolution_service_pb2``).
"""

from redress import errors
from redress.client import Client, RetryPolicy, TokenProvider, __version__, uuid7
from redress.errors import FieldViolation, RedressError

__all__ = [
    "Client",
    "FieldViolation",
    "RedressError",
    "RetryPolicy",
    "TokenProvider",
    "__version__",
    "errors",
    "uuid7",
]
