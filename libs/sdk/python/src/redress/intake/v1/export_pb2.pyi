import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class PlayerDataExport(_message.Message):
    __slots__ = ("name", "player_id", "state", "progress", "requested_by", "create_time", "complete_time", "expire_time", "archive_size_bytes", "archive_sha256", "error", "format_version")
    class State(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = ()
        STATE_UNSPECIFIED: _ClassVar[PlayerDataExport.State]
        STATE_PENDING: _ClassVar[PlayerDataExport.State]
        STATE_RUNNING: _ClassVar[PlayerDataExport.State]
        STATE_SUCCEEDED: _ClassVar[PlayerDataExport.State]
        STATE_FAILED: _ClassVar[PlayerDataExport.State]
        STATE_EXPIRED: _ClassVar[PlayerDataExport.State]
    STATE_UNSPECIFIED: PlayerDataExport.State
    STATE_PENDING: PlayerDataExport.State
    STATE_RUNNING: PlayerDataExport.State
    STATE_SUCCEEDED: PlayerDataExport.State
    STATE_FAILED: PlayerDataExport.State
    STATE_EXPIRED: PlayerDataExport.State
    class Progress(_message.Message):
        __slots__ = ("parts_done", "parts_total", "records_gathered", "bytes_written")
        PARTS_DONE_FIELD_NUMBER: _ClassVar[int]
        PARTS_TOTAL_FIELD_NUMBER: _ClassVar[int]
        RECORDS_GATHERED_FIELD_NUMBER: _ClassVar[int]
        BYTES_WRITTEN_FIELD_NUMBER: _ClassVar[int]
        parts_done: _containers.RepeatedScalarFieldContainer[str]
        parts_total: int
        records_gathered: int
        bytes_written: int
        def __init__(self, parts_done: _Optional[_Iterable[str]] = ..., parts_total: _Optional[int] = ..., records_gathered: _Optional[int] = ..., bytes_written: _Optional[int] = ...) -> None: ...
    NAME_FIELD_NUMBER: _ClassVar[int]
    PLAYER_ID_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    PROGRESS_FIELD_NUMBER: _ClassVar[int]
    REQUESTED_BY_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    COMPLETE_TIME_FIELD_NUMBER: _ClassVar[int]
    EXPIRE_TIME_FIELD_NUMBER: _ClassVar[int]
    ARCHIVE_SIZE_BYTES_FIELD_NUMBER: _ClassVar[int]
    ARCHIVE_SHA256_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    FORMAT_VERSION_FIELD_NUMBER: _ClassVar[int]
    name: str
    player_id: str
    state: PlayerDataExport.State
    progress: PlayerDataExport.Progress
    requested_by: str
    create_time: _timestamp_pb2.Timestamp
    complete_time: _timestamp_pb2.Timestamp
    expire_time: _timestamp_pb2.Timestamp
    archive_size_bytes: int
    archive_sha256: str
    error: str
    format_version: int
    def __init__(self, name: _Optional[str] = ..., player_id: _Optional[str] = ..., state: _Optional[_Union[PlayerDataExport.State, str]] = ..., progress: _Optional[_Union[PlayerDataExport.Progress, _Mapping]] = ..., requested_by: _Optional[str] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., complete_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., expire_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., archive_size_bytes: _Optional[int] = ..., archive_sha256: _Optional[str] = ..., error: _Optional[str] = ..., format_version: _Optional[int] = ...) -> None: ...

class ExportPlayerDataRequest(_message.Message):
    __slots__ = ("player_id", "request_id")
    PLAYER_ID_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    player_id: str
    request_id: str
    def __init__(self, player_id: _Optional[str] = ..., request_id: _Optional[str] = ...) -> None: ...

class ExportPlayerDataResponse(_message.Message):
    __slots__ = ("export",)
    EXPORT_FIELD_NUMBER: _ClassVar[int]
    export: PlayerDataExport
    def __init__(self, export: _Optional[_Union[PlayerDataExport, _Mapping]] = ...) -> None: ...

class GetPlayerDataExportRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class GetPlayerDataExportResponse(_message.Message):
    __slots__ = ("export",)
    EXPORT_FIELD_NUMBER: _ClassVar[int]
    export: PlayerDataExport
    def __init__(self, export: _Optional[_Union[PlayerDataExport, _Mapping]] = ...) -> None: ...

class DownloadPlayerDataExportRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class DownloadPlayerDataExportResponse(_message.Message):
    __slots__ = ("export", "chunk")
    EXPORT_FIELD_NUMBER: _ClassVar[int]
    CHUNK_FIELD_NUMBER: _ClassVar[int]
    export: PlayerDataExport
    chunk: bytes
    def __init__(self, export: _Optional[_Union[PlayerDataExport, _Mapping]] = ..., chunk: _Optional[bytes] = ...) -> None: ...
