import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class LegalHold(_message.Message):
    __slots__ = ("name", "reason", "end_time", "state", "creator", "create_time", "release_time", "releaser", "release_reason", "etag")
    class State(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = ()
        STATE_UNSPECIFIED: _ClassVar[LegalHold.State]
        STATE_ACTIVE: _ClassVar[LegalHold.State]
        STATE_RELEASED: _ClassVar[LegalHold.State]
        STATE_EXPIRED: _ClassVar[LegalHold.State]
    STATE_UNSPECIFIED: LegalHold.State
    STATE_ACTIVE: LegalHold.State
    STATE_RELEASED: LegalHold.State
    STATE_EXPIRED: LegalHold.State
    NAME_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    END_TIME_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    CREATOR_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    RELEASE_TIME_FIELD_NUMBER: _ClassVar[int]
    RELEASER_FIELD_NUMBER: _ClassVar[int]
    RELEASE_REASON_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    name: str
    reason: str
    end_time: _timestamp_pb2.Timestamp
    state: LegalHold.State
    creator: str
    create_time: _timestamp_pb2.Timestamp
    release_time: _timestamp_pb2.Timestamp
    releaser: str
    release_reason: str
    etag: str
    def __init__(self, name: _Optional[str] = ..., reason: _Optional[str] = ..., end_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., state: _Optional[_Union[LegalHold.State, str]] = ..., creator: _Optional[str] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., release_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., releaser: _Optional[str] = ..., release_reason: _Optional[str] = ..., etag: _Optional[str] = ...) -> None: ...

class CreateLegalHoldRequest(_message.Message):
    __slots__ = ("parent", "legal_hold", "request_id")
    PARENT_FIELD_NUMBER: _ClassVar[int]
    LEGAL_HOLD_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    parent: str
    legal_hold: LegalHold
    request_id: str
    def __init__(self, parent: _Optional[str] = ..., legal_hold: _Optional[_Union[LegalHold, _Mapping]] = ..., request_id: _Optional[str] = ...) -> None: ...

class CreateLegalHoldResponse(_message.Message):
    __slots__ = ("legal_hold",)
    LEGAL_HOLD_FIELD_NUMBER: _ClassVar[int]
    legal_hold: LegalHold
    def __init__(self, legal_hold: _Optional[_Union[LegalHold, _Mapping]] = ...) -> None: ...

class ListLegalHoldsRequest(_message.Message):
    __slots__ = ("parent", "page_size", "page_token")
    PARENT_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    parent: str
    page_size: int
    page_token: str
    def __init__(self, parent: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListLegalHoldsResponse(_message.Message):
    __slots__ = ("legal_holds", "next_page_token")
    LEGAL_HOLDS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    legal_holds: _containers.RepeatedCompositeFieldContainer[LegalHold]
    next_page_token: str
    def __init__(self, legal_holds: _Optional[_Iterable[_Union[LegalHold, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class ReleaseLegalHoldRequest(_message.Message):
    __slots__ = ("name", "etag", "reason")
    NAME_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    name: str
    etag: str
    reason: str
    def __init__(self, name: _Optional[str] = ..., etag: _Optional[str] = ..., reason: _Optional[str] = ...) -> None: ...

class ReleaseLegalHoldResponse(_message.Message):
    __slots__ = ("legal_hold",)
    LEGAL_HOLD_FIELD_NUMBER: _ClassVar[int]
    legal_hold: LegalHold
    def __init__(self, legal_hold: _Optional[_Union[LegalHold, _Mapping]] = ...) -> None: ...

class Erasure(_message.Message):
    __slots__ = ("name", "player", "trigger", "reason", "complaints", "state", "services", "requester", "create_time", "complete_time")
    class Trigger(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = ()
        TRIGGER_UNSPECIFIED: _ClassVar[Erasure.Trigger]
        TRIGGER_REQUEST: _ClassVar[Erasure.Trigger]
        TRIGGER_RETENTION: _ClassVar[Erasure.Trigger]
    TRIGGER_UNSPECIFIED: Erasure.Trigger
    TRIGGER_REQUEST: Erasure.Trigger
    TRIGGER_RETENTION: Erasure.Trigger
    class State(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = ()
        STATE_UNSPECIFIED: _ClassVar[Erasure.State]
        STATE_IN_PROGRESS: _ClassVar[Erasure.State]
        STATE_SUCCEEDED: _ClassVar[Erasure.State]
    STATE_UNSPECIFIED: Erasure.State
    STATE_IN_PROGRESS: Erasure.State
    STATE_SUCCEEDED: Erasure.State
    class ServiceProgress(_message.Message):
        __slots__ = ("service", "complete_time")
        SERVICE_FIELD_NUMBER: _ClassVar[int]
        COMPLETE_TIME_FIELD_NUMBER: _ClassVar[int]
        service: str
        complete_time: _timestamp_pb2.Timestamp
        def __init__(self, service: _Optional[str] = ..., complete_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...
    NAME_FIELD_NUMBER: _ClassVar[int]
    PLAYER_FIELD_NUMBER: _ClassVar[int]
    TRIGGER_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    COMPLAINTS_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    SERVICES_FIELD_NUMBER: _ClassVar[int]
    REQUESTER_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    COMPLETE_TIME_FIELD_NUMBER: _ClassVar[int]
    name: str
    player: str
    trigger: Erasure.Trigger
    reason: str
    complaints: _containers.RepeatedScalarFieldContainer[str]
    state: Erasure.State
    services: _containers.RepeatedCompositeFieldContainer[Erasure.ServiceProgress]
    requester: str
    create_time: _timestamp_pb2.Timestamp
    complete_time: _timestamp_pb2.Timestamp
    def __init__(self, name: _Optional[str] = ..., player: _Optional[str] = ..., trigger: _Optional[_Union[Erasure.Trigger, str]] = ..., reason: _Optional[str] = ..., complaints: _Optional[_Iterable[str]] = ..., state: _Optional[_Union[Erasure.State, str]] = ..., services: _Optional[_Iterable[_Union[Erasure.ServiceProgress, _Mapping]]] = ..., requester: _Optional[str] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., complete_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class ErasePlayerDataRequest(_message.Message):
    __slots__ = ("player", "reason", "request_id")
    PLAYER_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    player: str
    reason: str
    request_id: str
    def __init__(self, player: _Optional[str] = ..., reason: _Optional[str] = ..., request_id: _Optional[str] = ...) -> None: ...

class ErasePlayerDataResponse(_message.Message):
    __slots__ = ("erasure", "replayed")
    ERASURE_FIELD_NUMBER: _ClassVar[int]
    REPLAYED_FIELD_NUMBER: _ClassVar[int]
    erasure: Erasure
    replayed: bool
    def __init__(self, erasure: _Optional[_Union[Erasure, _Mapping]] = ..., replayed: _Optional[bool] = ...) -> None: ...

class GetErasureRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class GetErasureResponse(_message.Message):
    __slots__ = ("erasure",)
    ERASURE_FIELD_NUMBER: _ClassVar[int]
    erasure: Erasure
    def __init__(self, erasure: _Optional[_Union[Erasure, _Mapping]] = ...) -> None: ...

class ListErasuresRequest(_message.Message):
    __slots__ = ("page_size", "page_token", "player")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    PLAYER_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    player: str
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., player: _Optional[str] = ...) -> None: ...

class ListErasuresResponse(_message.Message):
    __slots__ = ("erasures", "next_page_token")
    ERASURES_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    erasures: _containers.RepeatedCompositeFieldContainer[Erasure]
    next_page_token: str
    def __init__(self, erasures: _Optional[_Iterable[_Union[Erasure, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class RetentionSweep(_message.Message):
    __slots__ = ("name", "run_time", "examined_count", "erased_count", "held_count", "erasures", "holds")
    NAME_FIELD_NUMBER: _ClassVar[int]
    RUN_TIME_FIELD_NUMBER: _ClassVar[int]
    EXAMINED_COUNT_FIELD_NUMBER: _ClassVar[int]
    ERASED_COUNT_FIELD_NUMBER: _ClassVar[int]
    HELD_COUNT_FIELD_NUMBER: _ClassVar[int]
    ERASURES_FIELD_NUMBER: _ClassVar[int]
    HOLDS_FIELD_NUMBER: _ClassVar[int]
    name: str
    run_time: _timestamp_pb2.Timestamp
    examined_count: int
    erased_count: int
    held_count: int
    erasures: _containers.RepeatedScalarFieldContainer[str]
    holds: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, name: _Optional[str] = ..., run_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., examined_count: _Optional[int] = ..., erased_count: _Optional[int] = ..., held_count: _Optional[int] = ..., erasures: _Optional[_Iterable[str]] = ..., holds: _Optional[_Iterable[str]] = ...) -> None: ...

class ListRetentionSweepsRequest(_message.Message):
    __slots__ = ("page_size", "page_token")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListRetentionSweepsResponse(_message.Message):
    __slots__ = ("retention_sweeps", "next_page_token")
    RETENTION_SWEEPS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    retention_sweeps: _containers.RepeatedCompositeFieldContainer[RetentionSweep]
    next_page_token: str
    def __init__(self, retention_sweeps: _Optional[_Iterable[_Union[RetentionSweep, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...
