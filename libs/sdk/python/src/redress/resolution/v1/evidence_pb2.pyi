import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Evidence(_message.Message):
    __slots__ = ("name", "filename", "content_type", "declared_content_type", "size_bytes", "sha256", "uploaded_by", "description", "state", "scan_reason", "create_time", "scan_time", "event_sequence", "erase_time")
    class State(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = ()
        STATE_UNSPECIFIED: _ClassVar[Evidence.State]
        STATE_PENDING_SCAN: _ClassVar[Evidence.State]
        STATE_CLEAN: _ClassVar[Evidence.State]
        STATE_REJECTED: _ClassVar[Evidence.State]
    STATE_UNSPECIFIED: Evidence.State
    STATE_PENDING_SCAN: Evidence.State
    STATE_CLEAN: Evidence.State
    STATE_REJECTED: Evidence.State
    class Uploader(_message.Message):
        __slots__ = ("subject", "role")
        SUBJECT_FIELD_NUMBER: _ClassVar[int]
        ROLE_FIELD_NUMBER: _ClassVar[int]
        subject: str
        role: str
        def __init__(self, subject: _Optional[str] = ..., role: _Optional[str] = ...) -> None: ...
    NAME_FIELD_NUMBER: _ClassVar[int]
    FILENAME_FIELD_NUMBER: _ClassVar[int]
    CONTENT_TYPE_FIELD_NUMBER: _ClassVar[int]
    DECLARED_CONTENT_TYPE_FIELD_NUMBER: _ClassVar[int]
    SIZE_BYTES_FIELD_NUMBER: _ClassVar[int]
    SHA256_FIELD_NUMBER: _ClassVar[int]
    UPLOADED_BY_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    SCAN_REASON_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    SCAN_TIME_FIELD_NUMBER: _ClassVar[int]
    EVENT_SEQUENCE_FIELD_NUMBER: _ClassVar[int]
    ERASE_TIME_FIELD_NUMBER: _ClassVar[int]
    name: str
    filename: str
    content_type: str
    declared_content_type: str
    size_bytes: int
    sha256: str
    uploaded_by: Evidence.Uploader
    description: str
    state: Evidence.State
    scan_reason: str
    create_time: _timestamp_pb2.Timestamp
    scan_time: _timestamp_pb2.Timestamp
    event_sequence: int
    erase_time: _timestamp_pb2.Timestamp
    def __init__(self, name: _Optional[str] = ..., filename: _Optional[str] = ..., content_type: _Optional[str] = ..., declared_content_type: _Optional[str] = ..., size_bytes: _Optional[int] = ..., sha256: _Optional[str] = ..., uploaded_by: _Optional[_Union[Evidence.Uploader, _Mapping]] = ..., description: _Optional[str] = ..., state: _Optional[_Union[Evidence.State, str]] = ..., scan_reason: _Optional[str] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., scan_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., event_sequence: _Optional[int] = ..., erase_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...
