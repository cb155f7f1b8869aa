import datetime

from google.protobuf import field_mask_pb2 as _field_mask_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from redress.common.v1 import common_pb2 as _common_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Queue(_message.Message):
    __slots__ = ("name", "display_name", "priority", "rules", "supervisors", "business_hours", "assignment_mode", "create_time", "update_time", "etag")
    class AssignmentMode(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = ()
        ASSIGNMENT_MODE_UNSPECIFIED: _ClassVar[Queue.AssignmentMode]
        ASSIGNMENT_MODE_NONE: _ClassVar[Queue.AssignmentMode]
        ASSIGNMENT_MODE_ROUND_ROBIN: _ClassVar[Queue.AssignmentMode]
        ASSIGNMENT_MODE_LEAST_LOADED: _ClassVar[Queue.AssignmentMode]
    ASSIGNMENT_MODE_UNSPECIFIED: Queue.AssignmentMode
    ASSIGNMENT_MODE_NONE: Queue.AssignmentMode
    ASSIGNMENT_MODE_ROUND_ROBIN: Queue.AssignmentMode
    ASSIGNMENT_MODE_LEAST_LOADED: Queue.AssignmentMode
    NAME_FIELD_NUMBER: _ClassVar[int]
    DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    PRIORITY_FIELD_NUMBER: _ClassVar[int]
    RULES_FIELD_NUMBER: _ClassVar[int]
    SUPERVISORS_FIELD_NUMBER: _ClassVar[int]
    BUSINESS_HOURS_FIELD_NUMBER: _ClassVar[int]
    ASSIGNMENT_MODE_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    name: str
    display_name: str
    priority: int
    rules: _containers.RepeatedCompositeFieldContainer[RoutingRule]
    supervisors: _containers.RepeatedScalarFieldContainer[str]
    business_hours: BusinessHours
    assignment_mode: Queue.AssignmentMode
    create_time: _timestamp_pb2.Timestamp
    update_time: _timestamp_pb2.Timestamp
    etag: str
    def __init__(self, name: _Optional[str] = ..., display_name: _Optional[str] = ..., priority: _Optional[int] = ..., rules: _Optional[_Iterable[_Union[RoutingRule, _Mapping]]] = ..., supervisors: _Optional[_Iterable[str]] = ..., business_hours: _Optional[_Union[BusinessHours, _Mapping]] = ..., assignment_mode: _Optional[_Union[Queue.AssignmentMode, str]] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., etag: _Optional[str] = ...) -> None: ...

class RoutingRule(_message.Message):
    __slots__ = ("categories", "jurisdictions", "responsible_gambling", "language_prefixes", "channels", "escalated")
    CATEGORIES_FIELD_NUMBER: _ClassVar[int]
    JURISDICTIONS_FIELD_NUMBER: _ClassVar[int]
    RESPONSIBLE_GAMBLING_FIELD_NUMBER: _ClassVar[int]
    LANGUAGE_PREFIXES_FIELD_NUMBER: _ClassVar[int]
    CHANNELS_FIELD_NUMBER: _ClassVar[int]
    ESCALATED_FIELD_NUMBER: _ClassVar[int]
    categories: _containers.RepeatedScalarFieldContainer[_common_pb2.ComplaintCategory]
    jurisdictions: _containers.RepeatedScalarFieldContainer[str]
    responsible_gambling: bool
    language_prefixes: _containers.RepeatedScalarFieldContainer[str]
    channels: _containers.RepeatedScalarFieldContainer[_common_pb2.Channel]
    escalated: bool
    def __init__(self, categories: _Optional[_Iterable[_Union[_common_pb2.ComplaintCategory, str]]] = ..., jurisdictions: _Optional[_Iterable[str]] = ..., responsible_gambling: _Optional[bool] = ..., language_prefixes: _Optional[_Iterable[str]] = ..., channels: _Optional[_Iterable[_Union[_common_pb2.Channel, str]]] = ..., escalated: _Optional[bool] = ...) -> None: ...

class BusinessHours(_message.Message):
    __slots__ = ("time_zone", "ranges")
    class Range(_message.Message):
        __slots__ = ("weekday", "start_minute", "end_minute")
        WEEKDAY_FIELD_NUMBER: _ClassVar[int]
        START_MINUTE_FIELD_NUMBER: _ClassVar[int]
        END_MINUTE_FIELD_NUMBER: _ClassVar[int]
        weekday: int
        start_minute: int
        end_minute: int
        def __init__(self, weekday: _Optional[int] = ..., start_minute: _Optional[int] = ..., end_minute: _Optional[int] = ...) -> None: ...
    TIME_ZONE_FIELD_NUMBER: _ClassVar[int]
    RANGES_FIELD_NUMBER: _ClassVar[int]
    time_zone: str
    ranges: _containers.RepeatedCompositeFieldContainer[BusinessHours.Range]
    def __init__(self, time_zone: _Optional[str] = ..., ranges: _Optional[_Iterable[_Union[BusinessHours.Range, _Mapping]]] = ...) -> None: ...

class QueueStats(_message.Message):
    __slots__ = ("open_cases", "oldest_due_time", "breach_risk_cases", "unassigned_cases")
    OPEN_CASES_FIELD_NUMBER: _ClassVar[int]
    OLDEST_DUE_TIME_FIELD_NUMBER: _ClassVar[int]
    BREACH_RISK_CASES_FIELD_NUMBER: _ClassVar[int]
    UNASSIGNED_CASES_FIELD_NUMBER: _ClassVar[int]
    open_cases: int
    oldest_due_time: _timestamp_pb2.Timestamp
    breach_risk_cases: int
    unassigned_cases: int
    def __init__(self, open_cases: _Optional[int] = ..., oldest_due_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., breach_risk_cases: _Optional[int] = ..., unassigned_cases: _Optional[int] = ...) -> None: ...

class Agent(_message.Message):
    __slots__ = ("name", "available", "capacity", "queues", "open_assigned_cases", "update_time")
    NAME_FIELD_NUMBER: _ClassVar[int]
    AVAILABLE_FIELD_NUMBER: _ClassVar[int]
    CAPACITY_FIELD_NUMBER: _ClassVar[int]
    QUEUES_FIELD_NUMBER: _ClassVar[int]
    OPEN_ASSIGNED_CASES_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    name: str
    available: bool
    capacity: int
    queues: _containers.RepeatedScalarFieldContainer[str]
    open_assigned_cases: int
    update_time: _timestamp_pb2.Timestamp
    def __init__(self, name: _Optional[str] = ..., available: _Optional[bool] = ..., capacity: _Optional[int] = ..., queues: _Optional[_Iterable[str]] = ..., open_assigned_cases: _Optional[int] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class CreateQueueRequest(_message.Message):
    __slots__ = ("request_id", "queue_id", "queue")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    QUEUE_ID_FIELD_NUMBER: _ClassVar[int]
    QUEUE_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    queue_id: str
    queue: Queue
    def __init__(self, request_id: _Optional[str] = ..., queue_id: _Optional[str] = ..., queue: _Optional[_Union[Queue, _Mapping]] = ...) -> None: ...

class CreateQueueResponse(_message.Message):
    __slots__ = ("queue",)
    QUEUE_FIELD_NUMBER: _ClassVar[int]
    queue: Queue
    def __init__(self, queue: _Optional[_Union[Queue, _Mapping]] = ...) -> None: ...

class GetQueueRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class GetQueueResponse(_message.Message):
    __slots__ = ("queue", "stats")
    QUEUE_FIELD_NUMBER: _ClassVar[int]
    STATS_FIELD_NUMBER: _ClassVar[int]
    queue: Queue
    stats: QueueStats
    def __init__(self, queue: _Optional[_Union[Queue, _Mapping]] = ..., stats: _Optional[_Union[QueueStats, _Mapping]] = ...) -> None: ...

class ListQueuesRequest(_message.Message):
    __slots__ = ("page_size", "page_token")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListQueuesResponse(_message.Message):
    __slots__ = ("queues", "next_page_token")
    class Entry(_message.Message):
        __slots__ = ("queue", "stats")
        QUEUE_FIELD_NUMBER: _ClassVar[int]
        STATS_FIELD_NUMBER: _ClassVar[int]
        queue: Queue
        stats: QueueStats
        def __init__(self, queue: _Optional[_Union[Queue, _Mapping]] = ..., stats: _Optional[_Union[QueueStats, _Mapping]] = ...) -> None: ...
    QUEUES_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    queues: _containers.RepeatedCompositeFieldContainer[ListQueuesResponse.Entry]
    next_page_token: str
    def __init__(self, queues: _Optional[_Iterable[_Union[ListQueuesResponse.Entry, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class UpdateQueueRequest(_message.Message):
    __slots__ = ("queue", "update_mask", "etag")
    QUEUE_FIELD_NUMBER: _ClassVar[int]
    UPDATE_MASK_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    queue: Queue
    update_mask: _field_mask_pb2.FieldMask
    etag: str
    def __init__(self, queue: _Optional[_Union[Queue, _Mapping]] = ..., update_mask: _Optional[_Union[_field_mask_pb2.FieldMask, _Mapping]] = ..., etag: _Optional[str] = ...) -> None: ...

class UpdateQueueResponse(_message.Message):
    __slots__ = ("queue",)
    QUEUE_FIELD_NUMBER: _ClassVar[int]
    queue: Queue
    def __init__(self, queue: _Optional[_Union[Queue, _Mapping]] = ...) -> None: ...

class DeleteQueueRequest(_message.Message):
    __slots__ = ("name", "etag")
    NAME_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    name: str
    etag: str
    def __init__(self, name: _Optional[str] = ..., etag: _Optional[str] = ...) -> None: ...

class DeleteQueueResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class SetAgentAvailabilityRequest(_message.Message):
    __slots__ = ("agent", "available", "capacity", "queues")
    AGENT_FIELD_NUMBER: _ClassVar[int]
    AVAILABLE_FIELD_NUMBER: _ClassVar[int]
    CAPACITY_FIELD_NUMBER: _ClassVar[int]
    QUEUES_FIELD_NUMBER: _ClassVar[int]
    agent: str
    available: bool
    capacity: int
    queues: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, agent: _Optional[str] = ..., available: _Optional[bool] = ..., capacity: _Optional[int] = ..., queues: _Optional[_Iterable[str]] = ...) -> None: ...

class SetAgentAvailabilityResponse(_message.Message):
    __slots__ = ("agent",)
    AGENT_FIELD_NUMBER: _ClassVar[int]
    agent: Agent
    def __init__(self, agent: _Optional[_Union[Agent, _Mapping]] = ...) -> None: ...

class ListAgentsRequest(_message.Message):
    __slots__ = ("queue", "page_size", "page_token")
    QUEUE_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    queue: str
    page_size: int
    page_token: str
    def __init__(self, queue: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListAgentsResponse(_message.Message):
    __slots__ = ("agents", "next_page_token")
    AGENTS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    agents: _containers.RepeatedCompositeFieldContainer[Agent]
    next_page_token: str
    def __init__(self, agents: _Optional[_Iterable[_Union[Agent, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...
