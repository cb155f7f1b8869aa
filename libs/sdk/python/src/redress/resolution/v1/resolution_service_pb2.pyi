import datetime

from google.protobuf import field_mask_pb2 as _field_mask_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from redress.common.v1 import common_pb2 as _common_pb2
from redress.resolution.v1 import case_pb2 as _case_pb2
from redress.resolution.v1 import evidence_pb2 as _evidence_pb2
from redress.resolution.v1 import macro_pb2 as _macro_pb2
from redress.resolution.v1 import queue_pb2 as _queue_pb2
from redress.resolution.v1 import regulatory_return_pb2 as _regulatory_return_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class GetCaseRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class GetCaseResponse(_message.Message):
    __slots__ = ("case",)
    CASE_FIELD_NUMBER: _ClassVar[int]
    case: _case_pb2.Case
    def __init__(self, case: _Optional[_Union[_case_pb2.Case, _Mapping]] = ...) -> None: ...

class ListCasesRequest(_message.Message):
    __slots__ = ("page_size", "page_token", "assignee", "unassigned", "states", "priorities", "categories", "jurisdiction", "responsible_gambling", "deadline_risk", "queue", "player_id", "complaint", "follow_up_pending")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    ASSIGNEE_FIELD_NUMBER: _ClassVar[int]
    UNASSIGNED_FIELD_NUMBER: _ClassVar[int]
    STATES_FIELD_NUMBER: _ClassVar[int]
    PRIORITIES_FIELD_NUMBER: _ClassVar[int]
    CATEGORIES_FIELD_NUMBER: _ClassVar[int]
    JURISDICTION_FIELD_NUMBER: _ClassVar[int]
    RESPONSIBLE_GAMBLING_FIELD_NUMBER: _ClassVar[int]
    DEADLINE_RISK_FIELD_NUMBER: _ClassVar[int]
    QUEUE_FIELD_NUMBER: _ClassVar[int]
    PLAYER_ID_FIELD_NUMBER: _ClassVar[int]
    COMPLAINT_FIELD_NUMBER: _ClassVar[int]
    FOLLOW_UP_PENDING_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    assignee: str
    unassigned: bool
    states: _containers.RepeatedScalarFieldContainer[_case_pb2.Case.State]
    priorities: _containers.RepeatedScalarFieldContainer[_common_pb2.Priority]
    categories: _containers.RepeatedScalarFieldContainer[_common_pb2.ComplaintCategory]
    jurisdiction: str
    responsible_gambling: bool
    deadline_risk: _case_pb2.DeadlineRisk
    queue: str
    player_id: str
    complaint: str
    follow_up_pending: bool
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., assignee: _Optional[str] = ..., unassigned: _Optional[bool] = ..., states: _Optional[_Iterable[_Union[_case_pb2.Case.State, str]]] = ..., priorities: _Optional[_Iterable[_Union[_common_pb2.Priority, str]]] = ..., categories: _Optional[_Iterable[_Union[_common_pb2.ComplaintCategory, str]]] = ..., jurisdiction: _Optional[str] = ..., responsible_gambling: _Optional[bool] = ..., deadline_risk: _Optional[_Union[_case_pb2.DeadlineRisk, str]] = ..., queue: _Optional[str] = ..., player_id: _Optional[str] = ..., complaint: _Optional[str] = ..., follow_up_pending: _Optional[bool] = ...) -> None: ...

class ListCasesResponse(_message.Message):
    __slots__ = ("cases", "next_page_token")
    CASES_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    cases: _containers.RepeatedCompositeFieldContainer[_case_pb2.Case]
    next_page_token: str
    def __init__(self, cases: _Optional[_Iterable[_Union[_case_pb2.Case, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class AssignCaseRequest(_message.Message):
    __slots__ = ("name", "assignee", "queue", "etag")
    NAME_FIELD_NUMBER: _ClassVar[int]
    ASSIGNEE_FIELD_NUMBER: _ClassVar[int]
    QUEUE_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    name: str
    assignee: str
    queue: str
    etag: str
    def __init__(self, name: _Optional[str] = ..., assignee: _Optional[str] = ..., queue: _Optional[str] = ..., etag: _Optional[str] = ...) -> None: ...

class AssignCaseResponse(_message.Message):
    __slots__ = ("case",)
    CASE_FIELD_NUMBER: _ClassVar[int]
    case: _case_pb2.Case
    def __init__(self, case: _Optional[_Union[_case_pb2.Case, _Mapping]] = ...) -> None: ...

class RespondToPlayerRequest(_message.Message):
    __slots__ = ("name", "request_id", "body", "macro", "channel", "etag")
    NAME_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    BODY_FIELD_NUMBER: _ClassVar[int]
    MACRO_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    name: str
    request_id: str
    body: str
    macro: str
    channel: _common_pb2.Channel
    etag: str
    def __init__(self, name: _Optional[str] = ..., request_id: _Optional[str] = ..., body: _Optional[str] = ..., macro: _Optional[str] = ..., channel: _Optional[_Union[_common_pb2.Channel, str]] = ..., etag: _Optional[str] = ...) -> None: ...

class RespondToPlayerResponse(_message.Message):
    __slots__ = ("case", "event")
    CASE_FIELD_NUMBER: _ClassVar[int]
    EVENT_FIELD_NUMBER: _ClassVar[int]
    case: _case_pb2.Case
    event: _case_pb2.CaseEvent
    def __init__(self, case: _Optional[_Union[_case_pb2.Case, _Mapping]] = ..., event: _Optional[_Union[_case_pb2.CaseEvent, _Mapping]] = ...) -> None: ...

class RequestInformationRequest(_message.Message):
    __slots__ = ("name", "request_id", "body", "macro", "reason", "etag")
    NAME_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    BODY_FIELD_NUMBER: _ClassVar[int]
    MACRO_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    name: str
    request_id: str
    body: str
    macro: str
    reason: str
    etag: str
    def __init__(self, name: _Optional[str] = ..., request_id: _Optional[str] = ..., body: _Optional[str] = ..., macro: _Optional[str] = ..., reason: _Optional[str] = ..., etag: _Optional[str] = ...) -> None: ...

class RequestInformationResponse(_message.Message):
    __slots__ = ("case", "clock_paused")
    CASE_FIELD_NUMBER: _ClassVar[int]
    CLOCK_PAUSED_FIELD_NUMBER: _ClassVar[int]
    case: _case_pb2.Case
    clock_paused: bool
    def __init__(self, case: _Optional[_Union[_case_pb2.Case, _Mapping]] = ..., clock_paused: _Optional[bool] = ...) -> None: ...

class AddInternalNoteRequest(_message.Message):
    __slots__ = ("name", "request_id", "body", "close_follow_up", "etag")
    NAME_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    BODY_FIELD_NUMBER: _ClassVar[int]
    CLOSE_FOLLOW_UP_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    name: str
    request_id: str
    body: str
    close_follow_up: bool
    etag: str
    def __init__(self, name: _Optional[str] = ..., request_id: _Optional[str] = ..., body: _Optional[str] = ..., close_follow_up: _Optional[bool] = ..., etag: _Optional[str] = ...) -> None: ...

class AddInternalNoteResponse(_message.Message):
    __slots__ = ("case", "event")
    CASE_FIELD_NUMBER: _ClassVar[int]
    EVENT_FIELD_NUMBER: _ClassVar[int]
    case: _case_pb2.Case
    event: _case_pb2.CaseEvent
    def __init__(self, case: _Optional[_Union[_case_pb2.Case, _Mapping]] = ..., event: _Optional[_Union[_case_pb2.CaseEvent, _Mapping]] = ...) -> None: ...

class ProposeResolutionRequest(_message.Message):
    __slots__ = ("name", "request_id", "resolution_type", "amount", "message", "macro", "rationale", "etag")
    NAME_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    RESOLUTION_TYPE_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    MACRO_FIELD_NUMBER: _ClassVar[int]
    RATIONALE_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    name: str
    request_id: str
    resolution_type: _case_pb2.ResolutionType
    amount: _common_pb2.Money
    message: str
    macro: str
    rationale: str
    etag: str
    def __init__(self, name: _Optional[str] = ..., request_id: _Optional[str] = ..., resolution_type: _Optional[_Union[_case_pb2.ResolutionType, str]] = ..., amount: _Optional[_Union[_common_pb2.Money, _Mapping]] = ..., message: _Optional[str] = ..., macro: _Optional[str] = ..., rationale: _Optional[str] = ..., etag: _Optional[str] = ...) -> None: ...

class ProposeResolutionResponse(_message.Message):
    __slots__ = ("case", "proposal")
    CASE_FIELD_NUMBER: _ClassVar[int]
    PROPOSAL_FIELD_NUMBER: _ClassVar[int]
    case: _case_pb2.Case
    proposal: _case_pb2.Proposal
    def __init__(self, case: _Optional[_Union[_case_pb2.Case, _Mapping]] = ..., proposal: _Optional[_Union[_case_pb2.Proposal, _Mapping]] = ...) -> None: ...

class ResolveCaseRequest(_message.Message):
    __slots__ = ("name", "request_id", "outcome", "root_cause", "final_response", "macro", "adr_body", "applied_proposal_id", "etag")
    NAME_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    OUTCOME_FIELD_NUMBER: _ClassVar[int]
    ROOT_CAUSE_FIELD_NUMBER: _ClassVar[int]
    FINAL_RESPONSE_FIELD_NUMBER: _ClassVar[int]
    MACRO_FIELD_NUMBER: _ClassVar[int]
    ADR_BODY_FIELD_NUMBER: _ClassVar[int]
    APPLIED_PROPOSAL_ID_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    name: str
    request_id: str
    outcome: _common_pb2.Outcome
    root_cause: _common_pb2.RootCause
    final_response: str
    macro: str
    adr_body: str
    applied_proposal_id: str
    etag: str
    def __init__(self, name: _Optional[str] = ..., request_id: _Optional[str] = ..., outcome: _Optional[_Union[_common_pb2.Outcome, str]] = ..., root_cause: _Optional[_Union[_common_pb2.RootCause, str]] = ..., final_response: _Optional[str] = ..., macro: _Optional[str] = ..., adr_body: _Optional[str] = ..., applied_proposal_id: _Optional[str] = ..., etag: _Optional[str] = ...) -> None: ...

class ResolveCaseResponse(_message.Message):
    __slots__ = ("case",)
    CASE_FIELD_NUMBER: _ClassVar[int]
    case: _case_pb2.Case
    def __init__(self, case: _Optional[_Union[_case_pb2.Case, _Mapping]] = ...) -> None: ...

class EscalateCaseRequest(_message.Message):
    __slots__ = ("name", "request_id", "reason", "comment", "queue", "assignee", "mark_as_dispute", "etag")
    NAME_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    COMMENT_FIELD_NUMBER: _ClassVar[int]
    QUEUE_FIELD_NUMBER: _ClassVar[int]
    ASSIGNEE_FIELD_NUMBER: _ClassVar[int]
    MARK_AS_DISPUTE_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    name: str
    request_id: str
    reason: _case_pb2.Escalation.Reason
    comment: str
    queue: str
    assignee: str
    mark_as_dispute: bool
    etag: str
    def __init__(self, name: _Optional[str] = ..., request_id: _Optional[str] = ..., reason: _Optional[_Union[_case_pb2.Escalation.Reason, str]] = ..., comment: _Optional[str] = ..., queue: _Optional[str] = ..., assignee: _Optional[str] = ..., mark_as_dispute: _Optional[bool] = ..., etag: _Optional[str] = ...) -> None: ...

class EscalateCaseResponse(_message.Message):
    __slots__ = ("case",)
    CASE_FIELD_NUMBER: _ClassVar[int]
    case: _case_pb2.Case
    def __init__(self, case: _Optional[_Union[_case_pb2.Case, _Mapping]] = ...) -> None: ...

class ReferToAdrRequest(_message.Message):
    __slots__ = ("name", "request_id", "adr_body", "adr_reference", "enquiry_receive_time", "etag")
    NAME_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    ADR_BODY_FIELD_NUMBER: _ClassVar[int]
    ADR_REFERENCE_FIELD_NUMBER: _ClassVar[int]
    ENQUIRY_RECEIVE_TIME_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    name: str
    request_id: str
    adr_body: str
    adr_reference: str
    enquiry_receive_time: _timestamp_pb2.Timestamp
    etag: str
    def __init__(self, name: _Optional[str] = ..., request_id: _Optional[str] = ..., adr_body: _Optional[str] = ..., adr_reference: _Optional[str] = ..., enquiry_receive_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., etag: _Optional[str] = ...) -> None: ...

class ReferToAdrResponse(_message.Message):
    __slots__ = ("case",)
    CASE_FIELD_NUMBER: _ClassVar[int]
    case: _case_pb2.Case
    def __init__(self, case: _Optional[_Union[_case_pb2.Case, _Mapping]] = ...) -> None: ...

class AnswerAdrEnquiryRequest(_message.Message):
    __slots__ = ("name", "request_id", "answer", "send_time", "etag")
    NAME_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    ANSWER_FIELD_NUMBER: _ClassVar[int]
    SEND_TIME_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    name: str
    request_id: str
    answer: str
    send_time: _timestamp_pb2.Timestamp
    etag: str
    def __init__(self, name: _Optional[str] = ..., request_id: _Optional[str] = ..., answer: _Optional[str] = ..., send_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., etag: _Optional[str] = ...) -> None: ...

class AnswerAdrEnquiryResponse(_message.Message):
    __slots__ = ("case",)
    CASE_FIELD_NUMBER: _ClassVar[int]
    case: _case_pb2.Case
    def __init__(self, case: _Optional[_Union[_case_pb2.Case, _Mapping]] = ...) -> None: ...

class RecordAdrOutcomeRequest(_message.Message):
    __slots__ = ("name", "request_id", "outcome", "binding", "award", "conclusion", "decision_time", "etag")
    NAME_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    OUTCOME_FIELD_NUMBER: _ClassVar[int]
    BINDING_FIELD_NUMBER: _ClassVar[int]
    AWARD_FIELD_NUMBER: _ClassVar[int]
    CONCLUSION_FIELD_NUMBER: _ClassVar[int]
    DECISION_TIME_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    name: str
    request_id: str
    outcome: _common_pb2.Outcome
    binding: bool
    award: _common_pb2.Money
    conclusion: str
    decision_time: _timestamp_pb2.Timestamp
    etag: str
    def __init__(self, name: _Optional[str] = ..., request_id: _Optional[str] = ..., outcome: _Optional[_Union[_common_pb2.Outcome, str]] = ..., binding: _Optional[bool] = ..., award: _Optional[_Union[_common_pb2.Money, _Mapping]] = ..., conclusion: _Optional[str] = ..., decision_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., etag: _Optional[str] = ...) -> None: ...

class RecordAdrOutcomeResponse(_message.Message):
    __slots__ = ("case",)
    CASE_FIELD_NUMBER: _ClassVar[int]
    case: _case_pb2.Case
    def __init__(self, case: _Optional[_Union[_case_pb2.Case, _Mapping]] = ...) -> None: ...

class ReopenCaseRequest(_message.Message):
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

class ReopenCaseResponse(_message.Message):
    __slots__ = ("case",)
    CASE_FIELD_NUMBER: _ClassVar[int]
    case: _case_pb2.Case
    def __init__(self, case: _Optional[_Union[_case_pb2.Case, _Mapping]] = ...) -> None: ...

class CloseCaseRequest(_message.Message):
    __slots__ = ("name", "request_id", "reason", "comment", "etag")
    NAME_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    COMMENT_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    name: str
    request_id: str
    reason: _case_pb2.CloseReason
    comment: str
    etag: str
    def __init__(self, name: _Optional[str] = ..., request_id: _Optional[str] = ..., reason: _Optional[_Union[_case_pb2.CloseReason, str]] = ..., comment: _Optional[str] = ..., etag: _Optional[str] = ...) -> None: ...

class CloseCaseResponse(_message.Message):
    __slots__ = ("case",)
    CASE_FIELD_NUMBER: _ClassVar[int]
    case: _case_pb2.Case
    def __init__(self, case: _Optional[_Union[_case_pb2.Case, _Mapping]] = ...) -> None: ...

class ListCaseEventsRequest(_message.Message):
    __slots__ = ("parent", "page_size", "page_token")
    PARENT_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    parent: str
    page_size: int
    page_token: str
    def __init__(self, parent: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListCaseEventsResponse(_message.Message):
    __slots__ = ("events", "next_page_token")
    EVENTS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    events: _containers.RepeatedCompositeFieldContainer[_case_pb2.CaseEvent]
    next_page_token: str
    def __init__(self, events: _Optional[_Iterable[_Union[_case_pb2.CaseEvent, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class VerifyCaseHistoryRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class VerifyCaseHistoryResponse(_message.Message):
    __slots__ = ("intact", "event_count", "head_hash", "first_bad_sequence", "problem", "detail", "verify_time")
    class Problem(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = ()
        PROBLEM_UNSPECIFIED: _ClassVar[VerifyCaseHistoryResponse.Problem]
        PROBLEM_MODIFIED: _ClassVar[VerifyCaseHistoryResponse.Problem]
        PROBLEM_DELETED: _ClassVar[VerifyCaseHistoryResponse.Problem]
        PROBLEM_REORDERED: _ClassVar[VerifyCaseHistoryResponse.Problem]
        PROBLEM_EVIDENCE_MISMATCH: _ClassVar[VerifyCaseHistoryResponse.Problem]
    PROBLEM_UNSPECIFIED: VerifyCaseHistoryResponse.Problem
    PROBLEM_MODIFIED: VerifyCaseHistoryResponse.Problem
    PROBLEM_DELETED: VerifyCaseHistoryResponse.Problem
    PROBLEM_REORDERED: VerifyCaseHistoryResponse.Problem
    PROBLEM_EVIDENCE_MISMATCH: VerifyCaseHistoryResponse.Problem
    INTACT_FIELD_NUMBER: _ClassVar[int]
    EVENT_COUNT_FIELD_NUMBER: _ClassVar[int]
    HEAD_HASH_FIELD_NUMBER: _ClassVar[int]
    FIRST_BAD_SEQUENCE_FIELD_NUMBER: _ClassVar[int]
    PROBLEM_FIELD_NUMBER: _ClassVar[int]
    DETAIL_FIELD_NUMBER: _ClassVar[int]
    VERIFY_TIME_FIELD_NUMBER: _ClassVar[int]
    intact: bool
    event_count: int
    head_hash: str
    first_bad_sequence: int
    problem: VerifyCaseHistoryResponse.Problem
    detail: str
    verify_time: _timestamp_pb2.Timestamp
    def __init__(self, intact: _Optional[bool] = ..., event_count: _Optional[int] = ..., head_hash: _Optional[str] = ..., first_bad_sequence: _Optional[int] = ..., problem: _Optional[_Union[VerifyCaseHistoryResponse.Problem, str]] = ..., detail: _Optional[str] = ..., verify_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class UploadEvidenceRequest(_message.Message):
    __slots__ = ("header", "chunk")
    class Header(_message.Message):
        __slots__ = ("parent", "request_id", "filename", "declared_content_type", "description")
        PARENT_FIELD_NUMBER: _ClassVar[int]
        REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
        FILENAME_FIELD_NUMBER: _ClassVar[int]
        DECLARED_CONTENT_TYPE_FIELD_NUMBER: _ClassVar[int]
        DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
        parent: str
        request_id: str
        filename: str
        declared_content_type: str
        description: str
        def __init__(self, parent: _Optional[str] = ..., request_id: _Optional[str] = ..., filename: _Optional[str] = ..., declared_content_type: _Optional[str] = ..., description: _Optional[str] = ...) -> None: ...
    HEADER_FIELD_NUMBER: _ClassVar[int]
    CHUNK_FIELD_NUMBER: _ClassVar[int]
    header: UploadEvidenceRequest.Header
    chunk: bytes
    def __init__(self, header: _Optional[_Union[UploadEvidenceRequest.Header, _Mapping]] = ..., chunk: _Optional[bytes] = ...) -> None: ...

class UploadEvidenceResponse(_message.Message):
    __slots__ = ("evidence",)
    EVIDENCE_FIELD_NUMBER: _ClassVar[int]
    evidence: _evidence_pb2.Evidence
    def __init__(self, evidence: _Optional[_Union[_evidence_pb2.Evidence, _Mapping]] = ...) -> None: ...

class GetEvidenceRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class GetEvidenceResponse(_message.Message):
    __slots__ = ("evidence",)
    EVIDENCE_FIELD_NUMBER: _ClassVar[int]
    evidence: _evidence_pb2.Evidence
    def __init__(self, evidence: _Optional[_Union[_evidence_pb2.Evidence, _Mapping]] = ...) -> None: ...

class ListEvidenceRequest(_message.Message):
    __slots__ = ("parent", "page_size", "page_token", "state")
    PARENT_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    parent: str
    page_size: int
    page_token: str
    state: _evidence_pb2.Evidence.State
    def __init__(self, parent: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., state: _Optional[_Union[_evidence_pb2.Evidence.State, str]] = ...) -> None: ...

class ListEvidenceResponse(_message.Message):
    __slots__ = ("evidence", "next_page_token")
    EVIDENCE_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    evidence: _containers.RepeatedCompositeFieldContainer[_evidence_pb2.Evidence]
    next_page_token: str
    def __init__(self, evidence: _Optional[_Iterable[_Union[_evidence_pb2.Evidence, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class DownloadEvidenceRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class DownloadEvidenceResponse(_message.Message):
    __slots__ = ("evidence", "chunk")
    EVIDENCE_FIELD_NUMBER: _ClassVar[int]
    CHUNK_FIELD_NUMBER: _ClassVar[int]
    evidence: _evidence_pb2.Evidence
    chunk: bytes
    def __init__(self, evidence: _Optional[_Union[_evidence_pb2.Evidence, _Mapping]] = ..., chunk: _Optional[bytes] = ...) -> None: ...

class GetRegulatoryReturnRequest(_message.Message):
    __slots__ = ("regulator", "period_start_time", "period_end_time")
    REGULATOR_FIELD_NUMBER: _ClassVar[int]
    PERIOD_START_TIME_FIELD_NUMBER: _ClassVar[int]
    PERIOD_END_TIME_FIELD_NUMBER: _ClassVar[int]
    regulator: _regulatory_return_pb2.Regulator
    period_start_time: _timestamp_pb2.Timestamp
    period_end_time: _timestamp_pb2.Timestamp
    def __init__(self, regulator: _Optional[_Union[_regulatory_return_pb2.Regulator, str]] = ..., period_start_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., period_end_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class GetRegulatoryReturnResponse(_message.Message):
    __slots__ = ("regulator", "period_start_time", "period_end_time", "generate_time", "ukgc", "mga")
    REGULATOR_FIELD_NUMBER: _ClassVar[int]
    PERIOD_START_TIME_FIELD_NUMBER: _ClassVar[int]
    PERIOD_END_TIME_FIELD_NUMBER: _ClassVar[int]
    GENERATE_TIME_FIELD_NUMBER: _ClassVar[int]
    UKGC_FIELD_NUMBER: _ClassVar[int]
    MGA_FIELD_NUMBER: _ClassVar[int]
    regulator: _regulatory_return_pb2.Regulator
    period_start_time: _timestamp_pb2.Timestamp
    period_end_time: _timestamp_pb2.Timestamp
    generate_time: _timestamp_pb2.Timestamp
    ukgc: _regulatory_return_pb2.UkgcReturn
    mga: _regulatory_return_pb2.MgaAdrReport
    def __init__(self, regulator: _Optional[_Union[_regulatory_return_pb2.Regulator, str]] = ..., period_start_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., period_end_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., generate_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., ukgc: _Optional[_Union[_regulatory_return_pb2.UkgcReturn, _Mapping]] = ..., mga: _Optional[_Union[_regulatory_return_pb2.MgaAdrReport, _Mapping]] = ...) -> None: ...

class ListMacrosRequest(_message.Message):
    __slots__ = ("page_size", "page_token", "key", "purpose", "category", "language_code", "show_inactive")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    KEY_FIELD_NUMBER: _ClassVar[int]
    PURPOSE_FIELD_NUMBER: _ClassVar[int]
    CATEGORY_FIELD_NUMBER: _ClassVar[int]
    LANGUAGE_CODE_FIELD_NUMBER: _ClassVar[int]
    SHOW_INACTIVE_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    key: str
    purpose: _macro_pb2.Macro.Purpose
    category: _common_pb2.ComplaintCategory
    language_code: str
    show_inactive: bool
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., key: _Optional[str] = ..., purpose: _Optional[_Union[_macro_pb2.Macro.Purpose, str]] = ..., category: _Optional[_Union[_common_pb2.ComplaintCategory, str]] = ..., language_code: _Optional[str] = ..., show_inactive: _Optional[bool] = ...) -> None: ...

class ListMacrosResponse(_message.Message):
    __slots__ = ("macros", "next_page_token")
    MACROS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    macros: _containers.RepeatedCompositeFieldContainer[_macro_pb2.Macro]
    next_page_token: str
    def __init__(self, macros: _Optional[_Iterable[_Union[_macro_pb2.Macro, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class UpdateMacroRequest(_message.Message):
    __slots__ = ("request_id", "macro", "update_mask", "etag", "allow_missing")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    MACRO_FIELD_NUMBER: _ClassVar[int]
    UPDATE_MASK_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    ALLOW_MISSING_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    macro: _macro_pb2.Macro
    update_mask: _field_mask_pb2.FieldMask
    etag: str
    allow_missing: bool
    def __init__(self, request_id: _Optional[str] = ..., macro: _Optional[_Union[_macro_pb2.Macro, _Mapping]] = ..., update_mask: _Optional[_Union[_field_mask_pb2.FieldMask, _Mapping]] = ..., etag: _Optional[str] = ..., allow_missing: _Optional[bool] = ...) -> None: ...

class UpdateMacroResponse(_message.Message):
    __slots__ = ("macro", "created")
    MACRO_FIELD_NUMBER: _ClassVar[int]
    CREATED_FIELD_NUMBER: _ClassVar[int]
    macro: _macro_pb2.Macro
    created: bool
    def __init__(self, macro: _Optional[_Union[_macro_pb2.Macro, _Mapping]] = ..., created: _Optional[bool] = ...) -> None: ...

class RenderMacroRequest(_message.Message):
    __slots__ = ("name", "case", "amount")
    NAME_FIELD_NUMBER: _ClassVar[int]
    CASE_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    name: str
    case: str
    amount: _common_pb2.Money
    def __init__(self, name: _Optional[str] = ..., case: _Optional[str] = ..., amount: _Optional[_Union[_common_pb2.Money, _Mapping]] = ...) -> None: ...

class RenderMacroResponse(_message.Message):
    __slots__ = ("body", "rendered_macro", "language_code", "missing_placeholders")
    BODY_FIELD_NUMBER: _ClassVar[int]
    RENDERED_MACRO_FIELD_NUMBER: _ClassVar[int]
    LANGUAGE_CODE_FIELD_NUMBER: _ClassVar[int]
    MISSING_PLACEHOLDERS_FIELD_NUMBER: _ClassVar[int]
    body: str
    rendered_macro: str
    language_code: str
    missing_placeholders: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, body: _Optional[str] = ..., rendered_macro: _Optional[str] = ..., language_code: _Optional[str] = ..., missing_placeholders: _Optional[_Iterable[str]] = ...) -> None: ...

class RecategoriseCaseRequest(_message.Message):
    __slots__ = ("name", "request_id", "category", "root_cause", "reason", "etag")
    NAME_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    CATEGORY_FIELD_NUMBER: _ClassVar[int]
    ROOT_CAUSE_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    name: str
    request_id: str
    category: _common_pb2.ComplaintCategory
    root_cause: _common_pb2.RootCause
    reason: str
    etag: str
    def __init__(self, name: _Optional[str] = ..., request_id: _Optional[str] = ..., category: _Optional[_Union[_common_pb2.ComplaintCategory, str]] = ..., root_cause: _Optional[_Union[_common_pb2.RootCause, str]] = ..., reason: _Optional[str] = ..., etag: _Optional[str] = ...) -> None: ...

class RecategoriseCaseResponse(_message.Message):
    __slots__ = ("case",)
    CASE_FIELD_NUMBER: _ClassVar[int]
    case: _case_pb2.Case
    def __init__(self, case: _Optional[_Union[_case_pb2.Case, _Mapping]] = ...) -> None: ...
