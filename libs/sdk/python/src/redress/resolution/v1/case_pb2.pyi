import datetime

from google.protobuf import duration_pb2 as _duration_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from redress.common.v1 import common_pb2 as _common_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class ResolutionType(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    RESOLUTION_TYPE_UNSPECIFIED: _ClassVar[ResolutionType]
    RESOLUTION_TYPE_REFUND: _ClassVar[ResolutionType]
    RESOLUTION_TYPE_BONUS_CREDIT: _ClassVar[ResolutionType]
    RESOLUTION_TYPE_ACCOUNT_CORRECTION: _ClassVar[ResolutionType]
    RESOLUTION_TYPE_EXPLANATION: _ClassVar[ResolutionType]
    RESOLUTION_TYPE_GOODWILL: _ClassVar[ResolutionType]
    RESOLUTION_TYPE_REJECTION: _ClassVar[ResolutionType]

class DeadlineRisk(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    DEADLINE_RISK_UNSPECIFIED: _ClassVar[DeadlineRisk]
    DEADLINE_RISK_ON_TRACK: _ClassVar[DeadlineRisk]
    DEADLINE_RISK_AT_RISK: _ClassVar[DeadlineRisk]
    DEADLINE_RISK_BREACHED: _ClassVar[DeadlineRisk]

class CloseReason(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    CLOSE_REASON_UNSPECIFIED: _ClassVar[CloseReason]
    CLOSE_REASON_RESOLVED: _ClassVar[CloseReason]
    CLOSE_REASON_WITHDRAWN: _ClassVar[CloseReason]
    CLOSE_REASON_DUPLICATE: _ClassVar[CloseReason]
    CLOSE_REASON_NO_PLAYER_RESPONSE: _ClassVar[CloseReason]

class FollowUpReason(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    FOLLOW_UP_REASON_UNSPECIFIED: _ClassVar[FollowUpReason]
    FOLLOW_UP_REASON_LOW_CSAT: _ClassVar[FollowUpReason]
    FOLLOW_UP_REASON_NOT_SOLVED: _ClassVar[FollowUpReason]
    FOLLOW_UP_REASON_FOLLOW_UP_UNANSWERED: _ClassVar[FollowUpReason]
RESOLUTION_TYPE_UNSPECIFIED: ResolutionType
RESOLUTION_TYPE_REFUND: ResolutionType
RESOLUTION_TYPE_BONUS_CREDIT: ResolutionType
RESOLUTION_TYPE_ACCOUNT_CORRECTION: ResolutionType
RESOLUTION_TYPE_EXPLANATION: ResolutionType
RESOLUTION_TYPE_GOODWILL: ResolutionType
RESOLUTION_TYPE_REJECTION: ResolutionType
DEADLINE_RISK_UNSPECIFIED: DeadlineRisk
DEADLINE_RISK_ON_TRACK: DeadlineRisk
DEADLINE_RISK_AT_RISK: DeadlineRisk
DEADLINE_RISK_BREACHED: DeadlineRisk
CLOSE_REASON_UNSPECIFIED: CloseReason
CLOSE_REASON_RESOLVED: CloseReason
CLOSE_REASON_WITHDRAWN: CloseReason
CLOSE_REASON_DUPLICATE: CloseReason
CLOSE_REASON_NO_PLAYER_RESPONSE: CloseReason
FOLLOW_UP_REASON_UNSPECIFIED: FollowUpReason
FOLLOW_UP_REASON_LOW_CSAT: FollowUpReason
FOLLOW_UP_REASON_NOT_SOLVED: FollowUpReason
FOLLOW_UP_REASON_FOLLOW_UP_UNANSWERED: FollowUpReason

class Case(_message.Message):
    __slots__ = ("name", "complaint", "complaint_reference", "player", "transaction_references", "category", "priority", "kind", "responsible_gambling", "harm_indicators", "channel", "subject", "description", "disputed_amount", "state", "assignee", "queue", "clocks", "next_due_time", "deadline_risk", "deadlines", "proposals", "outcome", "root_cause", "final_response", "escalation", "adr_referral", "playbook", "follow_ups", "follow_up_pending", "has_unanswered_player_message", "deemed_accepted", "close_reason", "submit_time", "first_response_time", "resolve_time", "close_time", "create_time", "update_time", "last_event_sequence", "etag", "original_category")
    class State(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = ()
        STATE_UNSPECIFIED: _ClassVar[Case.State]
        STATE_NEW: _ClassVar[Case.State]
        STATE_IN_PROGRESS: _ClassVar[Case.State]
        STATE_AWAITING_PLAYER: _ClassVar[Case.State]
        STATE_RESOLUTION_PROPOSED: _ClassVar[Case.State]
        STATE_RESOLVED: _ClassVar[Case.State]
        STATE_ESCALATED: _ClassVar[Case.State]
        STATE_REFERRED_TO_ADR: _ClassVar[Case.State]
        STATE_CLOSED: _ClassVar[Case.State]
    STATE_UNSPECIFIED: Case.State
    STATE_NEW: Case.State
    STATE_IN_PROGRESS: Case.State
    STATE_AWAITING_PLAYER: Case.State
    STATE_RESOLUTION_PROPOSED: Case.State
    STATE_RESOLVED: Case.State
    STATE_ESCALATED: Case.State
    STATE_REFERRED_TO_ADR: Case.State
    STATE_CLOSED: Case.State
    NAME_FIELD_NUMBER: _ClassVar[int]
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
    STATE_FIELD_NUMBER: _ClassVar[int]
    ASSIGNEE_FIELD_NUMBER: _ClassVar[int]
    QUEUE_FIELD_NUMBER: _ClassVar[int]
    CLOCKS_FIELD_NUMBER: _ClassVar[int]
    NEXT_DUE_TIME_FIELD_NUMBER: _ClassVar[int]
    DEADLINE_RISK_FIELD_NUMBER: _ClassVar[int]
    DEADLINES_FIELD_NUMBER: _ClassVar[int]
    PROPOSALS_FIELD_NUMBER: _ClassVar[int]
    OUTCOME_FIELD_NUMBER: _ClassVar[int]
    ROOT_CAUSE_FIELD_NUMBER: _ClassVar[int]
    FINAL_RESPONSE_FIELD_NUMBER: _ClassVar[int]
    ESCALATION_FIELD_NUMBER: _ClassVar[int]
    ADR_REFERRAL_FIELD_NUMBER: _ClassVar[int]
    PLAYBOOK_FIELD_NUMBER: _ClassVar[int]
    FOLLOW_UPS_FIELD_NUMBER: _ClassVar[int]
    FOLLOW_UP_PENDING_FIELD_NUMBER: _ClassVar[int]
    HAS_UNANSWERED_PLAYER_MESSAGE_FIELD_NUMBER: _ClassVar[int]
    DEEMED_ACCEPTED_FIELD_NUMBER: _ClassVar[int]
    CLOSE_REASON_FIELD_NUMBER: _ClassVar[int]
    SUBMIT_TIME_FIELD_NUMBER: _ClassVar[int]
    FIRST_RESPONSE_TIME_FIELD_NUMBER: _ClassVar[int]
    RESOLVE_TIME_FIELD_NUMBER: _ClassVar[int]
    CLOSE_TIME_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    LAST_EVENT_SEQUENCE_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    ORIGINAL_CATEGORY_FIELD_NUMBER: _ClassVar[int]
    name: str
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
    state: Case.State
    assignee: str
    queue: str
    clocks: _containers.RepeatedCompositeFieldContainer[Clock]
    next_due_time: _timestamp_pb2.Timestamp
    deadline_risk: DeadlineRisk
    deadlines: _common_pb2.Deadlines
    proposals: _containers.RepeatedCompositeFieldContainer[Proposal]
    outcome: _common_pb2.Outcome
    root_cause: _common_pb2.RootCause
    final_response: FinalResponse
    escalation: Escalation
    adr_referral: AdrReferral
    playbook: Playbook
    follow_ups: _containers.RepeatedCompositeFieldContainer[FollowUp]
    follow_up_pending: bool
    has_unanswered_player_message: bool
    deemed_accepted: bool
    close_reason: CloseReason
    submit_time: _timestamp_pb2.Timestamp
    first_response_time: _timestamp_pb2.Timestamp
    resolve_time: _timestamp_pb2.Timestamp
    close_time: _timestamp_pb2.Timestamp
    create_time: _timestamp_pb2.Timestamp
    update_time: _timestamp_pb2.Timestamp
    last_event_sequence: int
    etag: str
    original_category: _common_pb2.ComplaintCategory
    def __init__(self, name: _Optional[str] = ..., complaint: _Optional[str] = ..., complaint_reference: _Optional[str] = ..., player: _Optional[_Union[_common_pb2.Player, _Mapping]] = ..., transaction_references: _Optional[_Union[_common_pb2.TransactionReferences, _Mapping]] = ..., category: _Optional[_Union[_common_pb2.ComplaintCategory, str]] = ..., priority: _Optional[_Union[_common_pb2.Priority, str]] = ..., kind: _Optional[_Union[_common_pb2.ComplaintKind, str]] = ..., responsible_gambling: _Optional[bool] = ..., harm_indicators: _Optional[_Iterable[str]] = ..., channel: _Optional[_Union[_common_pb2.Channel, str]] = ..., subject: _Optional[str] = ..., description: _Optional[str] = ..., disputed_amount: _Optional[_Union[_common_pb2.Money, _Mapping]] = ..., state: _Optional[_Union[Case.State, str]] = ..., assignee: _Optional[str] = ..., queue: _Optional[str] = ..., clocks: _Optional[_Iterable[_Union[Clock, _Mapping]]] = ..., next_due_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., deadline_risk: _Optional[_Union[DeadlineRisk, str]] = ..., deadlines: _Optional[_Union[_common_pb2.Deadlines, _Mapping]] = ..., proposals: _Optional[_Iterable[_Union[Proposal, _Mapping]]] = ..., outcome: _Optional[_Union[_common_pb2.Outcome, str]] = ..., root_cause: _Optional[_Union[_common_pb2.RootCause, str]] = ..., final_response: _Optional[_Union[FinalResponse, _Mapping]] = ..., escalation: _Optional[_Union[Escalation, _Mapping]] = ..., adr_referral: _Optional[_Union[AdrReferral, _Mapping]] = ..., playbook: _Optional[_Union[Playbook, _Mapping]] = ..., follow_ups: _Optional[_Iterable[_Union[FollowUp, _Mapping]]] = ..., follow_up_pending: _Optional[bool] = ..., has_unanswered_player_message: _Optional[bool] = ..., deemed_accepted: _Optional[bool] = ..., close_reason: _Optional[_Union[CloseReason, str]] = ..., submit_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., first_response_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., resolve_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., close_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., last_event_sequence: _Optional[int] = ..., etag: _Optional[str] = ..., original_category: _Optional[_Union[_common_pb2.ComplaintCategory, str]] = ...) -> None: ...

class Clock(_message.Message):
    __slots__ = ("kind", "start_time", "due_time", "paused", "pause_reason", "pause_time", "paused_duration", "stop_time", "met", "warned_thresholds", "breached", "breach_time", "working_days", "breach_consequence")
    class Kind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = ()
        KIND_UNSPECIFIED: _ClassVar[Clock.Kind]
        KIND_ACKNOWLEDGE: _ClassVar[Clock.Kind]
        KIND_FINAL_RESPONSE: _ClassVar[Clock.Kind]
        KIND_ADR_ENQUIRY: _ClassVar[Clock.Kind]
    KIND_UNSPECIFIED: Clock.Kind
    KIND_ACKNOWLEDGE: Clock.Kind
    KIND_FINAL_RESPONSE: Clock.Kind
    KIND_ADR_ENQUIRY: Clock.Kind
    KIND_FIELD_NUMBER: _ClassVar[int]
    START_TIME_FIELD_NUMBER: _ClassVar[int]
    DUE_TIME_FIELD_NUMBER: _ClassVar[int]
    PAUSED_FIELD_NUMBER: _ClassVar[int]
    PAUSE_REASON_FIELD_NUMBER: _ClassVar[int]
    PAUSE_TIME_FIELD_NUMBER: _ClassVar[int]
    PAUSED_DURATION_FIELD_NUMBER: _ClassVar[int]
    STOP_TIME_FIELD_NUMBER: _ClassVar[int]
    MET_FIELD_NUMBER: _ClassVar[int]
    WARNED_THRESHOLDS_FIELD_NUMBER: _ClassVar[int]
    BREACHED_FIELD_NUMBER: _ClassVar[int]
    BREACH_TIME_FIELD_NUMBER: _ClassVar[int]
    WORKING_DAYS_FIELD_NUMBER: _ClassVar[int]
    BREACH_CONSEQUENCE_FIELD_NUMBER: _ClassVar[int]
    kind: Clock.Kind
    start_time: _timestamp_pb2.Timestamp
    due_time: _timestamp_pb2.Timestamp
    paused: bool
    pause_reason: str
    pause_time: _timestamp_pb2.Timestamp
    paused_duration: _duration_pb2.Duration
    stop_time: _timestamp_pb2.Timestamp
    met: bool
    warned_thresholds: _containers.RepeatedScalarFieldContainer[int]
    breached: bool
    breach_time: _timestamp_pb2.Timestamp
    working_days: bool
    breach_consequence: str
    def __init__(self, kind: _Optional[_Union[Clock.Kind, str]] = ..., start_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., due_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., paused: _Optional[bool] = ..., pause_reason: _Optional[str] = ..., pause_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., paused_duration: _Optional[_Union[datetime.timedelta, _duration_pb2.Duration, _Mapping]] = ..., stop_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., met: _Optional[bool] = ..., warned_thresholds: _Optional[_Iterable[int]] = ..., breached: _Optional[bool] = ..., breach_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., working_days: _Optional[bool] = ..., breach_consequence: _Optional[str] = ...) -> None: ...

class Proposal(_message.Message):
    __slots__ = ("proposal_id", "resolution_type", "amount", "message", "rationale", "macro", "state", "proposer", "create_time", "decision_time", "player_comment")
    class State(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = ()
        STATE_UNSPECIFIED: _ClassVar[Proposal.State]
        STATE_OPEN: _ClassVar[Proposal.State]
        STATE_ACCEPTED: _ClassVar[Proposal.State]
        STATE_REJECTED: _ClassVar[Proposal.State]
        STATE_SUPERSEDED: _ClassVar[Proposal.State]
    STATE_UNSPECIFIED: Proposal.State
    STATE_OPEN: Proposal.State
    STATE_ACCEPTED: Proposal.State
    STATE_REJECTED: Proposal.State
    STATE_SUPERSEDED: Proposal.State
    PROPOSAL_ID_FIELD_NUMBER: _ClassVar[int]
    RESOLUTION_TYPE_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    RATIONALE_FIELD_NUMBER: _ClassVar[int]
    MACRO_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    PROPOSER_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    DECISION_TIME_FIELD_NUMBER: _ClassVar[int]
    PLAYER_COMMENT_FIELD_NUMBER: _ClassVar[int]
    proposal_id: str
    resolution_type: ResolutionType
    amount: _common_pb2.Money
    message: str
    rationale: str
    macro: str
    state: Proposal.State
    proposer: str
    create_time: _timestamp_pb2.Timestamp
    decision_time: _timestamp_pb2.Timestamp
    player_comment: str
    def __init__(self, proposal_id: _Optional[str] = ..., resolution_type: _Optional[_Union[ResolutionType, str]] = ..., amount: _Optional[_Union[_common_pb2.Money, _Mapping]] = ..., message: _Optional[str] = ..., rationale: _Optional[str] = ..., macro: _Optional[str] = ..., state: _Optional[_Union[Proposal.State, str]] = ..., proposer: _Optional[str] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., decision_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., player_comment: _Optional[str] = ...) -> None: ...

class FinalResponse(_message.Message):
    __slots__ = ("text", "adr_body", "macro", "applied_proposal_id", "channel", "responder", "send_time")
    TEXT_FIELD_NUMBER: _ClassVar[int]
    ADR_BODY_FIELD_NUMBER: _ClassVar[int]
    MACRO_FIELD_NUMBER: _ClassVar[int]
    APPLIED_PROPOSAL_ID_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    RESPONDER_FIELD_NUMBER: _ClassVar[int]
    SEND_TIME_FIELD_NUMBER: _ClassVar[int]
    text: str
    adr_body: str
    macro: str
    applied_proposal_id: str
    channel: _common_pb2.Channel
    responder: str
    send_time: _timestamp_pb2.Timestamp
    def __init__(self, text: _Optional[str] = ..., adr_body: _Optional[str] = ..., macro: _Optional[str] = ..., applied_proposal_id: _Optional[str] = ..., channel: _Optional[_Union[_common_pb2.Channel, str]] = ..., responder: _Optional[str] = ..., send_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class Escalation(_message.Message):
    __slots__ = ("reason", "comment", "escalator", "previous_queue", "escalate_time")
    class Reason(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = ()
        REASON_UNSPECIFIED: _ClassVar[Escalation.Reason]
        REASON_AGENT_REQUEST: _ClassVar[Escalation.Reason]
        REASON_PLAYER_REQUEST: _ClassVar[Escalation.Reason]
        REASON_SLA_BREACH: _ClassVar[Escalation.Reason]
        REASON_RESPONSIBLE_GAMBLING: _ClassVar[Escalation.Reason]
        REASON_LEGAL: _ClassVar[Escalation.Reason]
    REASON_UNSPECIFIED: Escalation.Reason
    REASON_AGENT_REQUEST: Escalation.Reason
    REASON_PLAYER_REQUEST: Escalation.Reason
    REASON_SLA_BREACH: Escalation.Reason
    REASON_RESPONSIBLE_GAMBLING: Escalation.Reason
    REASON_LEGAL: Escalation.Reason
    REASON_FIELD_NUMBER: _ClassVar[int]
    COMMENT_FIELD_NUMBER: _ClassVar[int]
    ESCALATOR_FIELD_NUMBER: _ClassVar[int]
    PREVIOUS_QUEUE_FIELD_NUMBER: _ClassVar[int]
    ESCALATE_TIME_FIELD_NUMBER: _ClassVar[int]
    reason: Escalation.Reason
    comment: str
    escalator: str
    previous_queue: str
    escalate_time: _timestamp_pb2.Timestamp
    def __init__(self, reason: _Optional[_Union[Escalation.Reason, str]] = ..., comment: _Optional[str] = ..., escalator: _Optional[str] = ..., previous_queue: _Optional[str] = ..., escalate_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class AdrReferral(_message.Message):
    __slots__ = ("adr_body", "adr_reference", "enquiry_receive_time", "enquiry_answer_time", "enquiry_answer", "outcome", "binding", "award", "conclusion", "decision_time", "recorder")
    ADR_BODY_FIELD_NUMBER: _ClassVar[int]
    ADR_REFERENCE_FIELD_NUMBER: _ClassVar[int]
    ENQUIRY_RECEIVE_TIME_FIELD_NUMBER: _ClassVar[int]
    ENQUIRY_ANSWER_TIME_FIELD_NUMBER: _ClassVar[int]
    ENQUIRY_ANSWER_FIELD_NUMBER: _ClassVar[int]
    OUTCOME_FIELD_NUMBER: _ClassVar[int]
    BINDING_FIELD_NUMBER: _ClassVar[int]
    AWARD_FIELD_NUMBER: _ClassVar[int]
    CONCLUSION_FIELD_NUMBER: _ClassVar[int]
    DECISION_TIME_FIELD_NUMBER: _ClassVar[int]
    RECORDER_FIELD_NUMBER: _ClassVar[int]
    adr_body: str
    adr_reference: str
    enquiry_receive_time: _timestamp_pb2.Timestamp
    enquiry_answer_time: _timestamp_pb2.Timestamp
    enquiry_answer: str
    outcome: _common_pb2.Outcome
    binding: bool
    award: _common_pb2.Money
    conclusion: str
    decision_time: _timestamp_pb2.Timestamp
    recorder: str
    def __init__(self, adr_body: _Optional[str] = ..., adr_reference: _Optional[str] = ..., enquiry_receive_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., enquiry_answer_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., enquiry_answer: _Optional[str] = ..., outcome: _Optional[_Union[_common_pb2.Outcome, str]] = ..., binding: _Optional[bool] = ..., award: _Optional[_Union[_common_pb2.Money, _Mapping]] = ..., conclusion: _Optional[str] = ..., decision_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., recorder: _Optional[str] = ...) -> None: ...

class Playbook(_message.Message):
    __slots__ = ("category", "checks", "backend_facts", "usual_remedies", "guidance")
    CATEGORY_FIELD_NUMBER: _ClassVar[int]
    CHECKS_FIELD_NUMBER: _ClassVar[int]
    BACKEND_FACTS_FIELD_NUMBER: _ClassVar[int]
    USUAL_REMEDIES_FIELD_NUMBER: _ClassVar[int]
    GUIDANCE_FIELD_NUMBER: _ClassVar[int]
    category: _common_pb2.ComplaintCategory
    checks: _containers.RepeatedScalarFieldContainer[str]
    backend_facts: _containers.RepeatedScalarFieldContainer[str]
    usual_remedies: _containers.RepeatedScalarFieldContainer[ResolutionType]
    guidance: str
    def __init__(self, category: _Optional[_Union[_common_pb2.ComplaintCategory, str]] = ..., checks: _Optional[_Iterable[str]] = ..., backend_facts: _Optional[_Iterable[str]] = ..., usual_remedies: _Optional[_Iterable[_Union[ResolutionType, str]]] = ..., guidance: _Optional[str] = ...) -> None: ...

class FollowUp(_message.Message):
    __slots__ = ("feedback_id", "reason", "score", "comment", "flag_time")
    FEEDBACK_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    SCORE_FIELD_NUMBER: _ClassVar[int]
    COMMENT_FIELD_NUMBER: _ClassVar[int]
    FLAG_TIME_FIELD_NUMBER: _ClassVar[int]
    feedback_id: str
    reason: FollowUpReason
    score: int
    comment: str
    flag_time: _timestamp_pb2.Timestamp
    def __init__(self, feedback_id: _Optional[str] = ..., reason: _Optional[_Union[FollowUpReason, str]] = ..., score: _Optional[int] = ..., comment: _Optional[str] = ..., flag_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class CaseEvent(_message.Message):
    __slots__ = ("name", "sequence", "type", "actor", "create_time", "state", "payload_summary", "payload_hash", "previous_hash", "hash", "chain_version", "summary_hash", "summary_salt", "erase_time")
    class Type(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = ()
        TYPE_UNSPECIFIED: _ClassVar[CaseEvent.Type]
        TYPE_CASE_OPENED: _ClassVar[CaseEvent.Type]
        TYPE_ASSIGNED: _ClassVar[CaseEvent.Type]
        TYPE_PLAYER_MESSAGE_RECEIVED: _ClassVar[CaseEvent.Type]
        TYPE_RESPONDED_TO_PLAYER: _ClassVar[CaseEvent.Type]
        TYPE_INFORMATION_REQUESTED: _ClassVar[CaseEvent.Type]
        TYPE_NOTE_ADDED: _ClassVar[CaseEvent.Type]
        TYPE_RESOLUTION_PROPOSED: _ClassVar[CaseEvent.Type]
        TYPE_PLAYER_DECISION_RECORDED: _ClassVar[CaseEvent.Type]
        TYPE_RESOLVED: _ClassVar[CaseEvent.Type]
        TYPE_ESCALATED: _ClassVar[CaseEvent.Type]
        TYPE_REFERRED_TO_ADR: _ClassVar[CaseEvent.Type]
        TYPE_ADR_ENQUIRY_ANSWERED: _ClassVar[CaseEvent.Type]
        TYPE_ADR_OUTCOME_RECORDED: _ClassVar[CaseEvent.Type]
        TYPE_REOPENED: _ClassVar[CaseEvent.Type]
        TYPE_CLOSED: _ClassVar[CaseEvent.Type]
        TYPE_WITHDRAWN: _ClassVar[CaseEvent.Type]
        TYPE_FOLLOW_UP_FLAGGED: _ClassVar[CaseEvent.Type]
        TYPE_CLOCK_PAUSED: _ClassVar[CaseEvent.Type]
        TYPE_CLOCK_RESUMED: _ClassVar[CaseEvent.Type]
        TYPE_CLOCK_WARNED: _ClassVar[CaseEvent.Type]
        TYPE_CLOCK_BREACHED: _ClassVar[CaseEvent.Type]
        TYPE_EVIDENCE_ATTACHED: _ClassVar[CaseEvent.Type]
        TYPE_EVIDENCE_SCANNED: _ClassVar[CaseEvent.Type]
        TYPE_RECATEGORISED: _ClassVar[CaseEvent.Type]
        TYPE_PERSONAL_DATA_ERASED: _ClassVar[CaseEvent.Type]
    TYPE_UNSPECIFIED: CaseEvent.Type
    TYPE_CASE_OPENED: CaseEvent.Type
    TYPE_ASSIGNED: CaseEvent.Type
    TYPE_PLAYER_MESSAGE_RECEIVED: CaseEvent.Type
    TYPE_RESPONDED_TO_PLAYER: CaseEvent.Type
    TYPE_INFORMATION_REQUESTED: CaseEvent.Type
    TYPE_NOTE_ADDED: CaseEvent.Type
    TYPE_RESOLUTION_PROPOSED: CaseEvent.Type
    TYPE_PLAYER_DECISION_RECORDED: CaseEvent.Type
    TYPE_RESOLVED: CaseEvent.Type
    TYPE_ESCALATED: CaseEvent.Type
    TYPE_REFERRED_TO_ADR: CaseEvent.Type
    TYPE_ADR_ENQUIRY_ANSWERED: CaseEvent.Type
    TYPE_ADR_OUTCOME_RECORDED: CaseEvent.Type
    TYPE_REOPENED: CaseEvent.Type
    TYPE_CLOSED: CaseEvent.Type
    TYPE_WITHDRAWN: CaseEvent.Type
    TYPE_FOLLOW_UP_FLAGGED: CaseEvent.Type
    TYPE_CLOCK_PAUSED: CaseEvent.Type
    TYPE_CLOCK_RESUMED: CaseEvent.Type
    TYPE_CLOCK_WARNED: CaseEvent.Type
    TYPE_CLOCK_BREACHED: CaseEvent.Type
    TYPE_EVIDENCE_ATTACHED: CaseEvent.Type
    TYPE_EVIDENCE_SCANNED: CaseEvent.Type
    TYPE_RECATEGORISED: CaseEvent.Type
    TYPE_PERSONAL_DATA_ERASED: CaseEvent.Type
    NAME_FIELD_NUMBER: _ClassVar[int]
    SEQUENCE_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    ACTOR_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    PAYLOAD_SUMMARY_FIELD_NUMBER: _ClassVar[int]
    PAYLOAD_HASH_FIELD_NUMBER: _ClassVar[int]
    PREVIOUS_HASH_FIELD_NUMBER: _ClassVar[int]
    HASH_FIELD_NUMBER: _ClassVar[int]
    CHAIN_VERSION_FIELD_NUMBER: _ClassVar[int]
    SUMMARY_HASH_FIELD_NUMBER: _ClassVar[int]
    SUMMARY_SALT_FIELD_NUMBER: _ClassVar[int]
    ERASE_TIME_FIELD_NUMBER: _ClassVar[int]
    name: str
    sequence: int
    type: CaseEvent.Type
    actor: str
    create_time: _timestamp_pb2.Timestamp
    state: Case.State
    payload_summary: str
    payload_hash: str
    previous_hash: str
    hash: str
    chain_version: int
    summary_hash: str
    summary_salt: str
    erase_time: _timestamp_pb2.Timestamp
    def __init__(self, name: _Optional[str] = ..., sequence: _Optional[int] = ..., type: _Optional[_Union[CaseEvent.Type, str]] = ..., actor: _Optional[str] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., state: _Optional[_Union[Case.State, str]] = ..., payload_summary: _Optional[str] = ..., payload_hash: _Optional[str] = ..., previous_hash: _Optional[str] = ..., hash: _Optional[str] = ..., chain_version: _Optional[int] = ..., summary_hash: _Optional[str] = ..., summary_salt: _Optional[str] = ..., erase_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...
