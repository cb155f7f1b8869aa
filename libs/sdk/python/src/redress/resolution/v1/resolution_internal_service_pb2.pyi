import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from redress.common.v1 import common_pb2 as _common_pb2
from redress.resolution.v1 import case_pb2 as _case_pb2
from redress.resolution.v1 import erasure_pb2 as _erasure_pb2
from redress.resolution.v1 import evidence_pb2 as _evidence_pb2
from redress.resolution.v1 import export_pb2 as _export_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class OpenCaseRequest(_message.Message):
    __slots__ = ("complaint", "complaint_reference", "player", "transaction_references", "category", "priority", "kind", "responsible_gambling", "harm_indicators", "channel", "subject", "description", "disputed_amount", "deadlines", "submit_time", "incident_time")
    COMPLAINT_FIELD_NUMBER: _ClassVar[int]
    COMPLAINT_REFERENCE_FIELD_NUMBER: _ClassVar[int]
    PLAYER_FIELD_NUMBER: _ClassVar[int]
    TRANSACTION_REFERENCES_FIELD_NUMBER: _ClassVar[int]
    CATEGORY_FIELD_NUMBER: _ClassVar[int]
    PRIORITY_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    RESPONSIBLE_GAMBLING_FIELD_NUMBER: _ClassVar[int]
    HARM_INDICATORS_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    SUBJECT_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    DISPUTED_AMOUNT_FIELD_NUMBER: _ClassVar[int]
    DEADLINES_FIELD_NUMBER: _ClassVar[int]
    SUBMIT_TIME_FIELD_NUMBER: _ClassVar[int]
    INCIDENT_TIME_FIELD_NUMBER: _ClassVar[int]
    complaint: str
    complaint_reference: str
    player: _common_pb2.Player
    transaction_references: _common_pb2.TransactionReferences
    category: _common_pb2.ComplaintCategory
    priority: _common_pb2.Priority
    kind: _common_pb2.ComplaintKind
    responsible_gambling: bool
    harm_indicators: _containers.RepeatedScalarFieldContainer[str]
    channel: _common_pb2.Channel
    subject: str
    description: str
    disputed_amount: _common_pb2.Money
    deadlines: _common_pb2.Deadlines
    submit_time: _timestamp_pb2.Timestamp
    incident_time: _timestamp_pb2.Timestamp
    def __init__(self, complaint: _Optional[str] = ..., complaint_reference: _Optional[str] = ..., player: _Optional[_Union[_common_pb2.Player, _Mapping]] = ..., transaction_references: _Optional[_Union[_common_pb2.TransactionReferences, _Mapping]] = ..., category: _Optional[_Union[_common_pb2.ComplaintCategory, str]] = ..., priority: _Optional[_Union[_common_pb2.Priority, str]] = ..., kind: _Optional[_Union[_common_pb2.ComplaintKind, str]] = ..., responsible_gambling: _Optional[bool] = ..., harm_indicators: _Optional[_Iterable[str]] = ..., channel: _Optional[_Union[_common_pb2.Channel, str]] = ..., subject: _Optional[str] = ..., description: _Optional[str] = ..., disputed_amount: _Optional[_Union[_common_pb2.Money, _Mapping]] = ..., deadlines: _Optional[_Union[_common_pb2.Deadlines, _Mapping]] = ..., submit_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., incident_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class OpenCaseResponse(_message.Message):
    __slots__ = ("case",)
    CASE_FIELD_NUMBER: _ClassVar[int]
    case: _case_pb2.Case
    def __init__(self, case: _Optional[_Union[_case_pb2.Case, _Mapping]] = ...) -> None: ...

class RecordPlayerMessageRequest(_message.Message):
    __slots__ = ("complaint", "message_id", "channel", "body", "create_time")
    COMPLAINT_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_ID_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    BODY_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    complaint: str
    message_id: str
    channel: _common_pb2.Channel
    body: str
    create_time: _timestamp_pb2.Timestamp
    def __init__(self, complaint: _Optional[str] = ..., message_id: _Optional[str] = ..., channel: _Optional[_Union[_common_pb2.Channel, str]] = ..., body: _Optional[str] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class RecordPlayerMessageResponse(_message.Message):
    __slots__ = ("case",)
    CASE_FIELD_NUMBER: _ClassVar[int]
    case: _case_pb2.Case
    def __init__(self, case: _Optional[_Union[_case_pb2.Case, _Mapping]] = ...) -> None: ...

class RecordPlayerDecisionRequest(_message.Message):
    __slots__ = ("complaint", "decision_id", "decision", "comment", "create_time", "proposal_id")
    COMPLAINT_FIELD_NUMBER: _ClassVar[int]
    DECISION_ID_FIELD_NUMBER: _ClassVar[int]
    DECISION_FIELD_NUMBER: _ClassVar[int]
    COMMENT_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    PROPOSAL_ID_FIELD_NUMBER: _ClassVar[int]
    complaint: str
    decision_id: str
    decision: _common_pb2.PlayerDecision
    comment: str
    create_time: _timestamp_pb2.Timestamp
    proposal_id: str
    def __init__(self, complaint: _Optional[str] = ..., decision_id: _Optional[str] = ..., decision: _Optional[_Union[_common_pb2.PlayerDecision, str]] = ..., comment: _Optional[str] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., proposal_id: _Optional[str] = ...) -> None: ...

class RecordPlayerDecisionResponse(_message.Message):
    __slots__ = ("case",)
    CASE_FIELD_NUMBER: _ClassVar[int]
    case: _case_pb2.Case
    def __init__(self, case: _Optional[_Union[_case_pb2.Case, _Mapping]] = ...) -> None: ...

class RecordWithdrawalRequest(_message.Message):
    __slots__ = ("complaint", "withdrawal_id", "reason", "create_time")
    COMPLAINT_FIELD_NUMBER: _ClassVar[int]
    WITHDRAWAL_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    complaint: str
    withdrawal_id: str
    reason: str
    create_time: _timestamp_pb2.Timestamp
    def __init__(self, complaint: _Optional[str] = ..., withdrawal_id: _Optional[str] = ..., reason: _Optional[str] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class RecordWithdrawalResponse(_message.Message):
    __slots__ = ("case",)
    CASE_FIELD_NUMBER: _ClassVar[int]
    case: _case_pb2.Case
    def __init__(self, case: _Optional[_Union[_case_pb2.Case, _Mapping]] = ...) -> None: ...

class FlagFollowUpRequest(_message.Message):
    __slots__ = ("name", "feedback_id", "reason", "score", "comment", "create_time")
    NAME_FIELD_NUMBER: _ClassVar[int]
    FEEDBACK_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    SCORE_FIELD_NUMBER: _ClassVar[int]
    COMMENT_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    name: str
    feedback_id: str
    reason: _case_pb2.FollowUpReason
    score: int
    comment: str
    create_time: _timestamp_pb2.Timestamp
    def __init__(self, name: _Optional[str] = ..., feedback_id: _Optional[str] = ..., reason: _Optional[_Union[_case_pb2.FollowUpReason, str]] = ..., score: _Optional[int] = ..., comment: _Optional[str] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class FlagFollowUpResponse(_message.Message):
    __slots__ = ("case",)
    CASE_FIELD_NUMBER: _ClassVar[int]
    case: _case_pb2.Case
    def __init__(self, case: _Optional[_Union[_case_pb2.Case, _Mapping]] = ...) -> None: ...

class RecordEvidenceScanRequest(_message.Message):
    __slots__ = ("name", "verdict", "reason")
    NAME_FIELD_NUMBER: _ClassVar[int]
    VERDICT_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    name: str
    verdict: _evidence_pb2.Evidence.State
    reason: str
    def __init__(self, name: _Optional[str] = ..., verdict: _Optional[_Union[_evidence_pb2.Evidence.State, str]] = ..., reason: _Optional[str] = ...) -> None: ...

class RecordEvidenceScanResponse(_message.Message):
    __slots__ = ("evidence",)
    EVIDENCE_FIELD_NUMBER: _ClassVar[int]
    evidence: _evidence_pb2.Evidence
    def __init__(self, evidence: _Optional[_Union[_evidence_pb2.Evidence, _Mapping]] = ...) -> None: ...
