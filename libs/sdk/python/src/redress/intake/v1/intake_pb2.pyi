import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from redress.common.v1 import common_pb2 as _common_pb2
from redress.feedback.v1 import feedback_pb2 as _feedback_pb2
from redress.intake.v1 import erasure_pb2 as _erasure_pb2
from redress.intake.v1 import export_pb2 as _export_pb2
from redress.notification.v1 import notification_pb2 as _notification_pb2
from redress.resolution.v1 import case_pb2 as _case_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Complaint(_message.Message):
    __slots__ = ("name", "reference", "player", "transaction_references", "category", "category_inferred", "subject", "description", "channel", "incident_time", "disputed_amount", "status", "priority", "kind", "responsible_gambling", "harm_indicators", "duplicate_of", "deadlines", "outcome", "case", "create_time", "update_time", "etag", "original_category")
    NAME_FIELD_NUMBER: _ClassVar[int]
    REFERENCE_FIELD_NUMBER: _ClassVar[int]
    PLAYER_FIELD_NUMBER: _ClassVar[int]
    TRANSACTION_REFERENCES_FIELD_NUMBER: _ClassVar[int]
    CATEGORY_FIELD_NUMBER: _ClassVar[int]
    CATEGORY_INFERRED_FIELD_NUMBER: _ClassVar[int]
    SUBJECT_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    INCIDENT_TIME_FIELD_NUMBER: _ClassVar[int]
    DISPUTED_AMOUNT_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    PRIORITY_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    RESPONSIBLE_GAMBLING_FIELD_NUMBER: _ClassVar[int]
    HARM_INDICATORS_FIELD_NUMBER: _ClassVar[int]
    DUPLICATE_OF_FIELD_NUMBER: _ClassVar[int]
    DEADLINES_FIELD_NUMBER: _ClassVar[int]
    OUTCOME_FIELD_NUMBER: _ClassVar[int]
    CASE_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    ORIGINAL_CATEGORY_FIELD_NUMBER: _ClassVar[int]
    name: str
    reference: str
    player: _common_pb2.Player
    transaction_references: _common_pb2.TransactionReferences
    category: _common_pb2.ComplaintCategory
    category_inferred: bool
    subject: str
    description: str
    channel: _common_pb2.Channel
    incident_time: _timestamp_pb2.Timestamp
    disputed_amount: _common_pb2.Money
    status: _common_pb2.ComplaintStatus
    priority: _common_pb2.Priority
    kind: _common_pb2.ComplaintKind
    responsible_gambling: bool
    harm_indicators: _containers.RepeatedScalarFieldContainer[str]
    duplicate_of: str
    deadlines: _common_pb2.Deadlines
    outcome: _common_pb2.Outcome
    case: str
    create_time: _timestamp_pb2.Timestamp
    update_time: _timestamp_pb2.Timestamp
    etag: str
    original_category: _common_pb2.ComplaintCategory
    def __init__(self, name: _Optional[str] = ..., reference: _Optional[str] = ..., player: _Optional[_Union[_common_pb2.Player, _Mapping]] = ..., transaction_references: _Optional[_Union[_common_pb2.TransactionReferences, _Mapping]] = ..., category: _Optional[_Union[_common_pb2.ComplaintCategory, str]] = ..., category_inferred: _Optional[bool] = ..., subject: _Optional[str] = ..., description: _Optional[str] = ..., channel: _Optional[_Union[_common_pb2.Channel, str]] = ..., incident_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., disputed_amount: _Optional[_Union[_common_pb2.Money, _Mapping]] = ..., status: _Optional[_Union[_common_pb2.ComplaintStatus, str]] = ..., priority: _Optional[_Union[_common_pb2.Priority, str]] = ..., kind: _Optional[_Union[_common_pb2.ComplaintKind, str]] = ..., responsible_gambling: _Optional[bool] = ..., harm_indicators: _Optional[_Iterable[str]] = ..., duplicate_of: _Optional[str] = ..., deadlines: _Optional[_Union[_common_pb2.Deadlines, _Mapping]] = ..., outcome: _Optional[_Union[_common_pb2.Outcome, str]] = ..., case: _Optional[str] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., etag: _Optional[str] = ..., original_category: _Optional[_Union[_common_pb2.ComplaintCategory, str]] = ...) -> None: ...

class Interaction(_message.Message):
    __slots__ = ("name", "kind", "direction", "channel", "body", "author", "status", "create_time")
    class Kind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = ()
        KIND_UNSPECIFIED: _ClassVar[Interaction.Kind]
        KIND_COMPLAINT_FILED: _ClassVar[Interaction.Kind]
        KIND_PLAYER_MESSAGE: _ClassVar[Interaction.Kind]
        KIND_AGENT_MESSAGE: _ClassVar[Interaction.Kind]
        KIND_STATUS_CHANGED: _ClassVar[Interaction.Kind]
        KIND_WITHDRAWN: _ClassVar[Interaction.Kind]
        KIND_PLAYER_DECISION: _ClassVar[Interaction.Kind]
        KIND_RECATEGORISED: _ClassVar[Interaction.Kind]
    KIND_UNSPECIFIED: Interaction.Kind
    KIND_COMPLAINT_FILED: Interaction.Kind
    KIND_PLAYER_MESSAGE: Interaction.Kind
    KIND_AGENT_MESSAGE: Interaction.Kind
    KIND_STATUS_CHANGED: Interaction.Kind
    KIND_WITHDRAWN: Interaction.Kind
    KIND_PLAYER_DECISION: Interaction.Kind
    KIND_RECATEGORISED: Interaction.Kind
    class Direction(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = ()
        DIRECTION_UNSPECIFIED: _ClassVar[Interaction.Direction]
        DIRECTION_INBOUND: _ClassVar[Interaction.Direction]
        DIRECTION_OUTBOUND: _ClassVar[Interaction.Direction]
        DIRECTION_SYSTEM: _ClassVar[Interaction.Direction]
    DIRECTION_UNSPECIFIED: Interaction.Direction
    DIRECTION_INBOUND: Interaction.Direction
    DIRECTION_OUTBOUND: Interaction.Direction
    DIRECTION_SYSTEM: Interaction.Direction
    NAME_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    DIRECTION_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    BODY_FIELD_NUMBER: _ClassVar[int]
    AUTHOR_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    name: str
    kind: Interaction.Kind
    direction: Interaction.Direction
    channel: _common_pb2.Channel
    body: str
    author: str
    status: _common_pb2.ComplaintStatus
    create_time: _timestamp_pb2.Timestamp
    def __init__(self, name: _Optional[str] = ..., kind: _Optional[_Union[Interaction.Kind, str]] = ..., direction: _Optional[_Union[Interaction.Direction, str]] = ..., channel: _Optional[_Union[_common_pb2.Channel, str]] = ..., body: _Optional[str] = ..., author: _Optional[str] = ..., status: _Optional[_Union[_common_pb2.ComplaintStatus, str]] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class SubmitComplaintRequest(_message.Message):
    __slots__ = ("request_id", "player", "transaction_references", "category", "subject", "description", "channel", "incident_time", "disputed_amount")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    PLAYER_FIELD_NUMBER: _ClassVar[int]
    TRANSACTION_REFERENCES_FIELD_NUMBER: _ClassVar[int]
    CATEGORY_FIELD_NUMBER: _ClassVar[int]
    SUBJECT_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    INCIDENT_TIME_FIELD_NUMBER: _ClassVar[int]
    DISPUTED_AMOUNT_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    player: _common_pb2.Player
    transaction_references: _common_pb2.TransactionReferences
    category: _common_pb2.ComplaintCategory
    subject: str
    description: str
    channel: _common_pb2.Channel
    incident_time: _timestamp_pb2.Timestamp
    disputed_amount: _common_pb2.Money
    def __init__(self, request_id: _Optional[str] = ..., player: _Optional[_Union[_common_pb2.Player, _Mapping]] = ..., transaction_references: _Optional[_Union[_common_pb2.TransactionReferences, _Mapping]] = ..., category: _Optional[_Union[_common_pb2.ComplaintCategory, str]] = ..., subject: _Optional[str] = ..., description: _Optional[str] = ..., channel: _Optional[_Union[_common_pb2.Channel, str]] = ..., incident_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., disputed_amount: _Optional[_Union[_common_pb2.Money, _Mapping]] = ...) -> None: ...

class SubmitComplaintResponse(_message.Message):
    __slots__ = ("complaint", "replayed")
    COMPLAINT_FIELD_NUMBER: _ClassVar[int]
    REPLAYED_FIELD_NUMBER: _ClassVar[int]
    complaint: Complaint
    replayed: bool
    def __init__(self, complaint: _Optional[_Union[Complaint, _Mapping]] = ..., replayed: _Optional[bool] = ...) -> None: ...

class GetComplaintRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class GetComplaintResponse(_message.Message):
    __slots__ = ("complaint",)
    COMPLAINT_FIELD_NUMBER: _ClassVar[int]
    complaint: Complaint
    def __init__(self, complaint: _Optional[_Union[Complaint, _Mapping]] = ...) -> None: ...

class ListComplaintsRequest(_message.Message):
    __slots__ = ("page_size", "page_token", "status", "category", "player_id", "channel", "jurisdiction", "create_time_start", "create_time_end")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    CATEGORY_FIELD_NUMBER: _ClassVar[int]
    PLAYER_ID_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    JURISDICTION_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_START_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_END_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    status: _common_pb2.ComplaintStatus
    category: _common_pb2.ComplaintCategory
    player_id: str
    channel: _common_pb2.Channel
    jurisdiction: str
    create_time_start: _timestamp_pb2.Timestamp
    create_time_end: _timestamp_pb2.Timestamp
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., status: _Optional[_Union[_common_pb2.ComplaintStatus, str]] = ..., category: _Optional[_Union[_common_pb2.ComplaintCategory, str]] = ..., player_id: _Optional[str] = ..., channel: _Optional[_Union[_common_pb2.Channel, str]] = ..., jurisdiction: _Optional[str] = ..., create_time_start: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., create_time_end: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class ListComplaintsResponse(_message.Message):
    __slots__ = ("complaints", "next_page_token")
    COMPLAINTS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    complaints: _containers.RepeatedCompositeFieldContainer[Complaint]
    next_page_token: str
    def __init__(self, complaints: _Optional[_Iterable[_Union[Complaint, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class AddPlayerMessageRequest(_message.Message):
    __slots__ = ("parent", "request_id", "channel", "body")
    PARENT_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    BODY_FIELD_NUMBER: _ClassVar[int]
    parent: str
    request_id: str
    channel: _common_pb2.Channel
    body: str
    def __init__(self, parent: _Optional[str] = ..., request_id: _Optional[str] = ..., channel: _Optional[_Union[_common_pb2.Channel, str]] = ..., body: _Optional[str] = ...) -> None: ...

class AddPlayerMessageResponse(_message.Message):
    __slots__ = ("interaction",)
    INTERACTION_FIELD_NUMBER: _ClassVar[int]
    interaction: Interaction
    def __init__(self, interaction: _Optional[_Union[Interaction, _Mapping]] = ...) -> None: ...

class SubmitPlayerDecisionRequest(_message.Message):
    __slots__ = ("name", "request_id", "decision", "comment", "channel")
    NAME_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    DECISION_FIELD_NUMBER: _ClassVar[int]
    COMMENT_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    name: str
    request_id: str
    decision: _common_pb2.PlayerDecision
    comment: str
    channel: _common_pb2.Channel
    def __init__(self, name: _Optional[str] = ..., request_id: _Optional[str] = ..., decision: _Optional[_Union[_common_pb2.PlayerDecision, str]] = ..., comment: _Optional[str] = ..., channel: _Optional[_Union[_common_pb2.Channel, str]] = ...) -> None: ...

class SubmitPlayerDecisionResponse(_message.Message):
    __slots__ = ("interaction",)
    INTERACTION_FIELD_NUMBER: _ClassVar[int]
    interaction: Interaction
    def __init__(self, interaction: _Optional[_Union[Interaction, _Mapping]] = ...) -> None: ...

class WithdrawComplaintRequest(_message.Message):
    __slots__ = ("name", "request_id", "reason", "etag")
    NAME_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    name: str
    request_id: str
    reason: str
    etag: str
    def __init__(self, name: _Optional[str] = ..., request_id: _Optional[str] = ..., reason: _Optional[str] = ..., etag: _Optional[str] = ...) -> None: ...

class WithdrawComplaintResponse(_message.Message):
    __slots__ = ("complaint",)
    COMPLAINT_FIELD_NUMBER: _ClassVar[int]
    complaint: Complaint
    def __init__(self, complaint: _Optional[_Union[Complaint, _Mapping]] = ...) -> None: ...

class ListInteractionsRequest(_message.Message):
    __slots__ = ("parent", "page_size", "page_token")
    PARENT_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    parent: str
    page_size: int
    page_token: str
    def __init__(self, parent: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListInteractionsResponse(_message.Message):
    __slots__ = ("interactions", "next_page_token")
    INTERACTIONS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    interactions: _containers.RepeatedCompositeFieldContainer[Interaction]
    next_page_token: str
    def __init__(self, interactions: _Optional[_Iterable[_Union[Interaction, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class GetPlayerStoryRequest(_message.Message):
    __slots__ = ("player_id", "page_size", "page_token")
    PLAYER_ID_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    player_id: str
    page_size: int
    page_token: str
    def __init__(self, player_id: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class GetPlayerStoryResponse(_message.Message):
    __slots__ = ("complaints", "risk", "missing_parts", "next_page_token")
    COMPLAINTS_FIELD_NUMBER: _ClassVar[int]
    RISK_FIELD_NUMBER: _ClassVar[int]
    MISSING_PARTS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    complaints: _containers.RepeatedCompositeFieldContainer[ComplaintStory]
    risk: PlayerRisk
    missing_parts: _containers.RepeatedCompositeFieldContainer[MissingPart]
    next_page_token: str
    def __init__(self, complaints: _Optional[_Iterable[_Union[ComplaintStory, _Mapping]]] = ..., risk: _Optional[_Union[PlayerRisk, _Mapping]] = ..., missing_parts: _Optional[_Iterable[_Union[MissingPart, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class ComplaintStory(_message.Message):
    __slots__ = ("complaint", "interactions", "case", "case_events", "notifications", "survey")
    COMPLAINT_FIELD_NUMBER: _ClassVar[int]
    INTERACTIONS_FIELD_NUMBER: _ClassVar[int]
    CASE_FIELD_NUMBER: _ClassVar[int]
    CASE_EVENTS_FIELD_NUMBER: _ClassVar[int]
    NOTIFICATIONS_FIELD_NUMBER: _ClassVar[int]
    SURVEY_FIELD_NUMBER: _ClassVar[int]
    complaint: Complaint
    interactions: _containers.RepeatedCompositeFieldContainer[Interaction]
    case: _case_pb2.Case
    case_events: _containers.RepeatedCompositeFieldContainer[_case_pb2.CaseEvent]
    notifications: _containers.RepeatedCompositeFieldContainer[_notification_pb2.Notification]
    survey: _feedback_pb2.Survey
    def __init__(self, complaint: _Optional[_Union[Complaint, _Mapping]] = ..., interactions: _Optional[_Iterable[_Union[Interaction, _Mapping]]] = ..., case: _Optional[_Union[_case_pb2.Case, _Mapping]] = ..., case_events: _Optional[_Iterable[_Union[_case_pb2.CaseEvent, _Mapping]]] = ..., notifications: _Optional[_Iterable[_Union[_notification_pb2.Notification, _Mapping]]] = ..., survey: _Optional[_Union[_feedback_pb2.Survey, _Mapping]] = ...) -> None: ...

class PlayerRisk(_message.Message):
    __slots__ = ("recent_complaint_count", "window_days", "threshold", "at_risk")
    RECENT_COMPLAINT_COUNT_FIELD_NUMBER: _ClassVar[int]
    WINDOW_DAYS_FIELD_NUMBER: _ClassVar[int]
    THRESHOLD_FIELD_NUMBER: _ClassVar[int]
    AT_RISK_FIELD_NUMBER: _ClassVar[int]
    recent_complaint_count: int
    window_days: int
    threshold: int
    at_risk: bool
    def __init__(self, recent_complaint_count: _Optional[int] = ..., window_days: _Optional[int] = ..., threshold: _Optional[int] = ..., at_risk: _Optional[bool] = ...) -> None: ...

class MissingPart(_message.Message):
    __slots__ = ("part", "reason")
    PART_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    part: str
    reason: str
    def __init__(self, part: _Optional[str] = ..., reason: _Optional[str] = ...) -> None: ...

class ApplyCaseUpdateRequest(_message.Message):
    __slots__ = ("name", "case", "event_id", "case_event_sequence", "status", "outcome", "kind", "player_message", "channel", "actor", "category")
    NAME_FIELD_NUMBER: _ClassVar[int]
    CASE_FIELD_NUMBER: _ClassVar[int]
    EVENT_ID_FIELD_NUMBER: _ClassVar[int]
    CASE_EVENT_SEQUENCE_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    OUTCOME_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    PLAYER_MESSAGE_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    ACTOR_FIELD_NUMBER: _ClassVar[int]
    CATEGORY_FIELD_NUMBER: _ClassVar[int]
    name: str
    case: str
    event_id: str
    case_event_sequence: int
    status: _common_pb2.ComplaintStatus
    outcome: _common_pb2.Outcome
    kind: _common_pb2.ComplaintKind
    player_message: str
    channel: _common_pb2.Channel
    actor: str
    category: _common_pb2.ComplaintCategory
    def __init__(self, name: _Optional[str] = ..., case: _Optional[str] = ..., event_id: _Optional[str] = ..., case_event_sequence: _Optional[int] = ..., status: _Optional[_Union[_common_pb2.ComplaintStatus, str]] = ..., outcome: _Optional[_Union[_common_pb2.Outcome, str]] = ..., kind: _Optional[_Union[_common_pb2.ComplaintKind, str]] = ..., player_message: _Optional[str] = ..., channel: _Optional[_Union[_common_pb2.Channel, str]] = ..., actor: _Optional[str] = ..., category: _Optional[_Union[_common_pb2.ComplaintCategory, str]] = ...) -> None: ...

class ApplyCaseUpdateResponse(_message.Message):
    __slots__ = ("complaint",)
    COMPLAINT_FIELD_NUMBER: _ClassVar[int]
    complaint: Complaint
    def __init__(self, complaint: _Optional[_Union[Complaint, _Mapping]] = ...) -> None: ...
