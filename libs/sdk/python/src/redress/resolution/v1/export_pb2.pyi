from redress.resolution.v1 import case_pb2 as _case_pb2
from redress.resolution.v1 import evidence_pb2 as _evidence_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class ExportPlayerRecordsRequest(_message.Message):
    __slots__ = ("player_id", "complaints")
    PLAYER_ID_FIELD_NUMBER: _ClassVar[int]
    COMPLAINTS_FIELD_NUMBER: _ClassVar[int]
    player_id: str
    complaints: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, player_id: _Optional[str] = ..., complaints: _Optional[_Iterable[str]] = ...) -> None: ...

class ExportPlayerRecordsResponse(_message.Message):
    __slots__ = ("case", "event", "evidence", "evidence_chunk")
    CASE_FIELD_NUMBER: _ClassVar[int]
    EVENT_FIELD_NUMBER: _ClassVar[int]
    EVIDENCE_FIELD_NUMBER: _ClassVar[int]
    EVIDENCE_CHUNK_FIELD_NUMBER: _ClassVar[int]
    case: _case_pb2.Case
    event: _case_pb2.CaseEvent
    evidence: _evidence_pb2.Evidence
    evidence_chunk: bytes
    def __init__(self, case: _Optional[_Union[_case_pb2.Case, _Mapping]] = ..., event: _Optional[_Union[_case_pb2.CaseEvent, _Mapping]] = ..., evidence: _Optional[_Union[_evidence_pb2.Evidence, _Mapping]] = ..., evidence_chunk: _Optional[bytes] = ...) -> None: ...
