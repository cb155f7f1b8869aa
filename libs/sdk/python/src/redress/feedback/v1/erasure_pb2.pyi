from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable
from typing import ClassVar as _ClassVar, Optional as _Optional

DESCRIPTOR: _descriptor.FileDescriptor

class ErasePlayerRecordsRequest(_message.Message):
    __slots__ = ("erasure", "player_id", "complaints", "all_records")
    ERASURE_FIELD_NUMBER: _ClassVar[int]
    PLAYER_ID_FIELD_NUMBER: _ClassVar[int]
    COMPLAINTS_FIELD_NUMBER: _ClassVar[int]
    ALL_RECORDS_FIELD_NUMBER: _ClassVar[int]
    erasure: str
    player_id: str
    complaints: _containers.RepeatedScalarFieldContainer[str]
    all_records: bool
    def __init__(self, erasure: _Optional[str] = ..., player_id: _Optional[str] = ..., complaints: _Optional[_Iterable[str]] = ..., all_records: _Optional[bool] = ...) -> None: ...

class ErasePlayerRecordsResponse(_message.Message):
    __slots__ = ("erased_count",)
    ERASED_COUNT_FIELD_NUMBER: _ClassVar[int]
    erased_count: int
    def __init__(self, erased_count: _Optional[int] = ...) -> None: ...
