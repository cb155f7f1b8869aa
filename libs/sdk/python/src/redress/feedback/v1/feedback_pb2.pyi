import datetime

from google.protobuf import duration_pb2 as _duration_pb2
from google.protobuf import struct_pb2 as _struct_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from redress.common.v1 import common_pb2 as _common_pb2
from redress.feedback.v1 import erasure_pb2 as _erasure_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class EventType(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    EVENT_TYPE_UNSPECIFIED: _ClassVar[EventType]
    EVENT_TYPE_SUBMITTED: _ClassVar[EventType]
    EVENT_TYPE_ACKNOWLEDGED: _ClassVar[EventType]
    EVENT_TYPE_FIRST_RESPONSE: _ClassVar[EventType]
    EVENT_TYPE_INFORMATION_REQUESTED: _ClassVar[EventType]
    EVENT_TYPE_RESOLUTION_PROPOSED: _ClassVar[EventType]
    EVENT_TYPE_RESOLVED: _ClassVar[EventType]
    EVENT_TYPE_ESCALATED: _ClassVar[EventType]
    EVENT_TYPE_REFERRED_TO_ADR: _ClassVar[EventType]
    EVENT_TYPE_REOPENED: _ClassVar[EventType]
    EVENT_TYPE_DEADLINE_WARNED: _ClassVar[EventType]
    EVENT_TYPE_DEADLINE_BREACHED: _ClassVar[EventType]
    EVENT_TYPE_WITHDRAWN: _ClassVar[EventType]
    EVENT_TYPE_PLAYER_MESSAGE: _ClassVar[EventType]
    EVENT_TYPE_CLOSED: _ClassVar[EventType]
    EVENT_TYPE_RECATEGORISED: _ClassVar[EventType]

class Dimension(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    DIMENSION_UNSPECIFIED: _ClassVar[Dimension]
    DIMENSION_CATEGORY: _ClassVar[Dimension]
    DIMENSION_CHANNEL: _ClassVar[Dimension]
    DIMENSION_JURISDICTION: _ClassVar[Dimension]
    DIMENSION_AGENT: _ClassVar[Dimension]
    DIMENSION_GAME: _ClassVar[Dimension]
    DIMENSION_GAME_PROVIDER: _ClassVar[Dimension]
    DIMENSION_PAYMENT_METHOD: _ClassVar[Dimension]

class ReferenceKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    REFERENCE_KIND_UNSPECIFIED: _ClassVar[ReferenceKind]
    REFERENCE_KIND_GAME: _ClassVar[ReferenceKind]
    REFERENCE_KIND_GAME_PROVIDER: _ClassVar[ReferenceKind]
    REFERENCE_KIND_PAYMENT_METHOD: _ClassVar[ReferenceKind]
    REFERENCE_KIND_BONUS: _ClassVar[ReferenceKind]
EVENT_TYPE_UNSPECIFIED: EventType
EVENT_TYPE_SUBMITTED: EventType
EVENT_TYPE_ACKNOWLEDGED: EventType
EVENT_TYPE_FIRST_RESPONSE: EventType
EVENT_TYPE_INFORMATION_REQUESTED: EventType
EVENT_TYPE_RESOLUTION_PROPOSED: EventType
EVENT_TYPE_RESOLVED: EventType
EVENT_TYPE_ESCALATED: EventType
EVENT_TYPE_REFERRED_TO_ADR: EventType
EVENT_TYPE_REOPENED: EventType
EVENT_TYPE_DEADLINE_WARNED: EventType
EVENT_TYPE_DEADLINE_BREACHED: EventType
EVENT_TYPE_WITHDRAWN: EventType
EVENT_TYPE_PLAYER_MESSAGE: EventType
EVENT_TYPE_CLOSED: EventType
EVENT_TYPE_RECATEGORISED: EventType
DIMENSION_UNSPECIFIED: Dimension
DIMENSION_CATEGORY: Dimension
DIMENSION_CHANNEL: Dimension
DIMENSION_JURISDICTION: Dimension
DIMENSION_AGENT: Dimension
DIMENSION_GAME: Dimension
DIMENSION_GAME_PROVIDER: Dimension
DIMENSION_PAYMENT_METHOD: Dimension
REFERENCE_KIND_UNSPECIFIED: ReferenceKind
REFERENCE_KIND_GAME: ReferenceKind
REFERENCE_KIND_GAME_PROVIDER: ReferenceKind
REFERENCE_KIND_PAYMENT_METHOD: ReferenceKind
REFERENCE_KIND_BONUS: ReferenceKind

class TimeWindow(_message.Message):
    __slots__ = ("start_time", "end_time")
    START_TIME_FIELD_NUMBER: _ClassVar[int]
    END_TIME_FIELD_NUMBER: _ClassVar[int]
    start_time: _timestamp_pb2.Timestamp
    end_time: _timestamp_pb2.Timestamp
    def __init__(self, start_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., end_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class Survey(_message.Message):
    __slots__ = ("name", "state", "complaint", "complaint_reference", "case", "player_id", "player_display_name", "language_code", "category", "outcome", "answer", "follow_up_flagged", "create_time", "expire_time", "follow_up_time")
    class State(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = ()
        STATE_UNSPECIFIED: _ClassVar[Survey.State]
        STATE_OPEN: _ClassVar[Survey.State]
        STATE_ANSWERED: _ClassVar[Survey.State]
        STATE_EXPIRED: _ClassVar[Survey.State]
        STATE_SUPPRESSED: _ClassVar[Survey.State]
    STATE_UNSPECIFIED: Survey.State
    STATE_OPEN: Survey.State
    STATE_ANSWERED: Survey.State
    STATE_EXPIRED: Survey.State
    STATE_SUPPRESSED: Survey.State
    NAME_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    COMPLAINT_FIELD_NUMBER: _ClassVar[int]
    COMPLAINT_REFERENCE_FIELD_NUMBER: _ClassVar[int]
    CASE_FIELD_NUMBER: _ClassVar[int]
    PLAYER_ID_FIELD_NUMBER: _ClassVar[int]
    PLAYER_DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    LANGUAGE_CODE_FIELD_NUMBER: _ClassVar[int]
    CATEGORY_FIELD_NUMBER: _ClassVar[int]
    OUTCOME_FIELD_NUMBER: _ClassVar[int]
    ANSWER_FIELD_NUMBER: _ClassVar[int]
    FOLLOW_UP_FLAGGED_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    EXPIRE_TIME_FIELD_NUMBER: _ClassVar[int]
    FOLLOW_UP_TIME_FIELD_NUMBER: _ClassVar[int]
    name: str
    state: Survey.State
    complaint: str
    complaint_reference: str
    case: str
    player_id: str
    player_display_name: str
    language_code: str
    category: _common_pb2.ComplaintCategory
    outcome: _common_pb2.Outcome
    answer: SurveyAnswer
    follow_up_flagged: bool
    create_time: _timestamp_pb2.Timestamp
    expire_time: _timestamp_pb2.Timestamp
    follow_up_time: _timestamp_pb2.Timestamp
    def __init__(self, name: _Optional[str] = ..., state: _Optional[_Union[Survey.State, str]] = ..., complaint: _Optional[str] = ..., complaint_reference: _Optional[str] = ..., case: _Optional[str] = ..., player_id: _Optional[str] = ..., player_display_name: _Optional[str] = ..., language_code: _Optional[str] = ..., category: _Optional[_Union[_common_pb2.ComplaintCategory, str]] = ..., outcome: _Optional[_Union[_common_pb2.Outcome, str]] = ..., answer: _Optional[_Union[SurveyAnswer, _Mapping]] = ..., follow_up_flagged: _Optional[bool] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., expire_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., follow_up_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class SurveyAnswer(_message.Message):
    __slots__ = ("csat", "problem_solved", "fairness", "comment", "answer_time")
    class ProblemSolved(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = ()
        PROBLEM_SOLVED_UNSPECIFIED: _ClassVar[SurveyAnswer.ProblemSolved]
        PROBLEM_SOLVED_YES: _ClassVar[SurveyAnswer.ProblemSolved]
        PROBLEM_SOLVED_NO: _ClassVar[SurveyAnswer.ProblemSolved]
    PROBLEM_SOLVED_UNSPECIFIED: SurveyAnswer.ProblemSolved
    PROBLEM_SOLVED_YES: SurveyAnswer.ProblemSolved
    PROBLEM_SOLVED_NO: SurveyAnswer.ProblemSolved
    CSAT_FIELD_NUMBER: _ClassVar[int]
    PROBLEM_SOLVED_FIELD_NUMBER: _ClassVar[int]
    FAIRNESS_FIELD_NUMBER: _ClassVar[int]
    COMMENT_FIELD_NUMBER: _ClassVar[int]
    ANSWER_TIME_FIELD_NUMBER: _ClassVar[int]
    csat: int
    problem_solved: SurveyAnswer.ProblemSolved
    fairness: int
    comment: str
    answer_time: _timestamp_pb2.Timestamp
    def __init__(self, csat: _Optional[int] = ..., problem_solved: _Optional[_Union[SurveyAnswer.ProblemSolved, str]] = ..., fairness: _Optional[int] = ..., comment: _Optional[str] = ..., answer_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class GetSurveyRequest(_message.Message):
    __slots__ = ("token",)
    TOKEN_FIELD_NUMBER: _ClassVar[int]
    token: str
    def __init__(self, token: _Optional[str] = ...) -> None: ...

class GetSurveyResponse(_message.Message):
    __slots__ = ("survey",)
    SURVEY_FIELD_NUMBER: _ClassVar[int]
    survey: Survey
    def __init__(self, survey: _Optional[_Union[Survey, _Mapping]] = ...) -> None: ...

class ListSurveysRequest(_message.Message):
    __slots__ = ("player_id", "page_size", "page_token")
    PLAYER_ID_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    player_id: str
    page_size: int
    page_token: str
    def __init__(self, player_id: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListSurveysResponse(_message.Message):
    __slots__ = ("surveys", "next_page_token")
    SURVEYS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    surveys: _containers.RepeatedCompositeFieldContainer[Survey]
    next_page_token: str
    def __init__(self, surveys: _Optional[_Iterable[_Union[Survey, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class SubmitSurveyResponseRequest(_message.Message):
    __slots__ = ("token", "request_id", "answer")
    TOKEN_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    ANSWER_FIELD_NUMBER: _ClassVar[int]
    token: str
    request_id: str
    answer: SurveyAnswer
    def __init__(self, token: _Optional[str] = ..., request_id: _Optional[str] = ..., answer: _Optional[_Union[SurveyAnswer, _Mapping]] = ...) -> None: ...

class SubmitSurveyResponseResponse(_message.Message):
    __slots__ = ("survey", "replayed")
    SURVEY_FIELD_NUMBER: _ClassVar[int]
    REPLAYED_FIELD_NUMBER: _ClassVar[int]
    survey: Survey
    replayed: bool
    def __init__(self, survey: _Optional[_Union[Survey, _Mapping]] = ..., replayed: _Optional[bool] = ...) -> None: ...

class GetInsightsRequest(_message.Message):
    __slots__ = ("window", "group_by", "page_size", "page_token", "category", "channel", "jurisdiction")
    WINDOW_FIELD_NUMBER: _ClassVar[int]
    GROUP_BY_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    CATEGORY_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    JURISDICTION_FIELD_NUMBER: _ClassVar[int]
    window: TimeWindow
    group_by: Dimension
    page_size: int
    page_token: str
    category: _common_pb2.ComplaintCategory
    channel: _common_pb2.Channel
    jurisdiction: str
    def __init__(self, window: _Optional[_Union[TimeWindow, _Mapping]] = ..., group_by: _Optional[_Union[Dimension, str]] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., category: _Optional[_Union[_common_pb2.ComplaintCategory, str]] = ..., channel: _Optional[_Union[_common_pb2.Channel, str]] = ..., jurisdiction: _Optional[str] = ...) -> None: ...

class GetInsightsResponse(_message.Message):
    __slots__ = ("window", "group_by", "total", "groups", "next_page_token", "as_of_time")
    WINDOW_FIELD_NUMBER: _ClassVar[int]
    GROUP_BY_FIELD_NUMBER: _ClassVar[int]
    TOTAL_FIELD_NUMBER: _ClassVar[int]
    GROUPS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    AS_OF_TIME_FIELD_NUMBER: _ClassVar[int]
    window: TimeWindow
    group_by: Dimension
    total: InsightGroup
    groups: _containers.RepeatedCompositeFieldContainer[InsightGroup]
    next_page_token: str
    as_of_time: _timestamp_pb2.Timestamp
    def __init__(self, window: _Optional[_Union[TimeWindow, _Mapping]] = ..., group_by: _Optional[_Union[Dimension, str]] = ..., total: _Optional[_Union[InsightGroup, _Mapping]] = ..., groups: _Optional[_Iterable[_Union[InsightGroup, _Mapping]]] = ..., next_page_token: _Optional[str] = ..., as_of_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class GroupKey(_message.Message):
    __slots__ = ("category", "channel", "jurisdiction", "agent", "game_id", "game_provider", "payment_method")
    CATEGORY_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    JURISDICTION_FIELD_NUMBER: _ClassVar[int]
    AGENT_FIELD_NUMBER: _ClassVar[int]
    GAME_ID_FIELD_NUMBER: _ClassVar[int]
    GAME_PROVIDER_FIELD_NUMBER: _ClassVar[int]
    PAYMENT_METHOD_FIELD_NUMBER: _ClassVar[int]
    category: _common_pb2.ComplaintCategory
    channel: _common_pb2.Channel
    jurisdiction: str
    agent: str
    game_id: str
    game_provider: str
    payment_method: str
    def __init__(self, category: _Optional[_Union[_common_pb2.ComplaintCategory, str]] = ..., channel: _Optional[_Union[_common_pb2.Channel, str]] = ..., jurisdiction: _Optional[str] = ..., agent: _Optional[str] = ..., game_id: _Optional[str] = ..., game_provider: _Optional[str] = ..., payment_method: _Optional[str] = ...) -> None: ...

class InsightGroup(_message.Message):
    __slots__ = ("key", "volumes", "time_to_first_response", "time_to_resolution", "clock_compliance", "satisfaction", "outcomes", "adr_referral_rate", "reopen_rate")
    KEY_FIELD_NUMBER: _ClassVar[int]
    VOLUMES_FIELD_NUMBER: _ClassVar[int]
    TIME_TO_FIRST_RESPONSE_FIELD_NUMBER: _ClassVar[int]
    TIME_TO_RESOLUTION_FIELD_NUMBER: _ClassVar[int]
    CLOCK_COMPLIANCE_FIELD_NUMBER: _ClassVar[int]
    SATISFACTION_FIELD_NUMBER: _ClassVar[int]
    OUTCOMES_FIELD_NUMBER: _ClassVar[int]
    ADR_REFERRAL_RATE_FIELD_NUMBER: _ClassVar[int]
    REOPEN_RATE_FIELD_NUMBER: _ClassVar[int]
    key: GroupKey
    volumes: Volumes
    time_to_first_response: DurationStats
    time_to_resolution: DurationStats
    clock_compliance: _containers.RepeatedCompositeFieldContainer[ClockCompliance]
    satisfaction: Satisfaction
    outcomes: _containers.RepeatedCompositeFieldContainer[OutcomeCount]
    adr_referral_rate: float
    reopen_rate: float
    def __init__(self, key: _Optional[_Union[GroupKey, _Mapping]] = ..., volumes: _Optional[_Union[Volumes, _Mapping]] = ..., time_to_first_response: _Optional[_Union[DurationStats, _Mapping]] = ..., time_to_resolution: _Optional[_Union[DurationStats, _Mapping]] = ..., clock_compliance: _Optional[_Iterable[_Union[ClockCompliance, _Mapping]]] = ..., satisfaction: _Optional[_Union[Satisfaction, _Mapping]] = ..., outcomes: _Optional[_Iterable[_Union[OutcomeCount, _Mapping]]] = ..., adr_referral_rate: _Optional[float] = ..., reopen_rate: _Optional[float] = ...) -> None: ...

class Volumes(_message.Message):
    __slots__ = ("submitted_count", "resolved_count", "escalated_count", "referred_to_adr_count", "reopened_count", "withdrawn_count", "closed_count", "responsible_gambling_count", "recategorised_count")
    SUBMITTED_COUNT_FIELD_NUMBER: _ClassVar[int]
    RESOLVED_COUNT_FIELD_NUMBER: _ClassVar[int]
    ESCALATED_COUNT_FIELD_NUMBER: _ClassVar[int]
    REFERRED_TO_ADR_COUNT_FIELD_NUMBER: _ClassVar[int]
    REOPENED_COUNT_FIELD_NUMBER: _ClassVar[int]
    WITHDRAWN_COUNT_FIELD_NUMBER: _ClassVar[int]
    CLOSED_COUNT_FIELD_NUMBER: _ClassVar[int]
    RESPONSIBLE_GAMBLING_COUNT_FIELD_NUMBER: _ClassVar[int]
    RECATEGORISED_COUNT_FIELD_NUMBER: _ClassVar[int]
    submitted_count: int
    resolved_count: int
    escalated_count: int
    referred_to_adr_count: int
    reopened_count: int
    withdrawn_count: int
    closed_count: int
    responsible_gambling_count: int
    recategorised_count: int
    def __init__(self, submitted_count: _Optional[int] = ..., resolved_count: _Optional[int] = ..., escalated_count: _Optional[int] = ..., referred_to_adr_count: _Optional[int] = ..., reopened_count: _Optional[int] = ..., withdrawn_count: _Optional[int] = ..., closed_count: _Optional[int] = ..., responsible_gambling_count: _Optional[int] = ..., recategorised_count: _Optional[int] = ...) -> None: ...

class DurationStats(_message.Message):
    __slots__ = ("median", "p90", "sample_count")
    MEDIAN_FIELD_NUMBER: _ClassVar[int]
    P90_FIELD_NUMBER: _ClassVar[int]
    SAMPLE_COUNT_FIELD_NUMBER: _ClassVar[int]
    median: _duration_pb2.Duration
    p90: _duration_pb2.Duration
    sample_count: int
    def __init__(self, median: _Optional[_Union[datetime.timedelta, _duration_pb2.Duration, _Mapping]] = ..., p90: _Optional[_Union[datetime.timedelta, _duration_pb2.Duration, _Mapping]] = ..., sample_count: _Optional[int] = ...) -> None: ...

class ClockCompliance(_message.Message):
    __slots__ = ("clock", "met_count", "breached_count", "warned_count", "compliance_rate")
    CLOCK_FIELD_NUMBER: _ClassVar[int]
    MET_COUNT_FIELD_NUMBER: _ClassVar[int]
    BREACHED_COUNT_FIELD_NUMBER: _ClassVar[int]
    WARNED_COUNT_FIELD_NUMBER: _ClassVar[int]
    COMPLIANCE_RATE_FIELD_NUMBER: _ClassVar[int]
    clock: str
    met_count: int
    breached_count: int
    warned_count: int
    compliance_rate: float
    def __init__(self, clock: _Optional[str] = ..., met_count: _Optional[int] = ..., breached_count: _Optional[int] = ..., warned_count: _Optional[int] = ..., compliance_rate: _Optional[float] = ...) -> None: ...

class Satisfaction(_message.Message):
    __slots__ = ("sent_count", "answered_count", "response_rate", "csat_average", "csat_count", "fairness_average", "fairness_count", "solved_count", "not_solved_count")
    SENT_COUNT_FIELD_NUMBER: _ClassVar[int]
    ANSWERED_COUNT_FIELD_NUMBER: _ClassVar[int]
    RESPONSE_RATE_FIELD_NUMBER: _ClassVar[int]
    CSAT_AVERAGE_FIELD_NUMBER: _ClassVar[int]
    CSAT_COUNT_FIELD_NUMBER: _ClassVar[int]
    FAIRNESS_AVERAGE_FIELD_NUMBER: _ClassVar[int]
    FAIRNESS_COUNT_FIELD_NUMBER: _ClassVar[int]
    SOLVED_COUNT_FIELD_NUMBER: _ClassVar[int]
    NOT_SOLVED_COUNT_FIELD_NUMBER: _ClassVar[int]
    sent_count: int
    answered_count: int
    response_rate: float
    csat_average: float
    csat_count: int
    fairness_average: float
    fairness_count: int
    solved_count: int
    not_solved_count: int
    def __init__(self, sent_count: _Optional[int] = ..., answered_count: _Optional[int] = ..., response_rate: _Optional[float] = ..., csat_average: _Optional[float] = ..., csat_count: _Optional[int] = ..., fairness_average: _Optional[float] = ..., fairness_count: _Optional[int] = ..., solved_count: _Optional[int] = ..., not_solved_count: _Optional[int] = ...) -> None: ...

class OutcomeCount(_message.Message):
    __slots__ = ("outcome", "count", "share")
    OUTCOME_FIELD_NUMBER: _ClassVar[int]
    COUNT_FIELD_NUMBER: _ClassVar[int]
    SHARE_FIELD_NUMBER: _ClassVar[int]
    outcome: _common_pb2.Outcome
    count: int
    share: float
    def __init__(self, outcome: _Optional[_Union[_common_pb2.Outcome, str]] = ..., count: _Optional[int] = ..., share: _Optional[float] = ...) -> None: ...

class ListRecurringProblemsRequest(_message.Message):
    __slots__ = ("window", "page_size", "page_token", "min_count", "spike_factor", "category", "reference_kind", "spikes_only")
    WINDOW_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    MIN_COUNT_FIELD_NUMBER: _ClassVar[int]
    SPIKE_FACTOR_FIELD_NUMBER: _ClassVar[int]
    CATEGORY_FIELD_NUMBER: _ClassVar[int]
    REFERENCE_KIND_FIELD_NUMBER: _ClassVar[int]
    SPIKES_ONLY_FIELD_NUMBER: _ClassVar[int]
    window: TimeWindow
    page_size: int
    page_token: str
    min_count: int
    spike_factor: float
    category: _common_pb2.ComplaintCategory
    reference_kind: ReferenceKind
    spikes_only: bool
    def __init__(self, window: _Optional[_Union[TimeWindow, _Mapping]] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., min_count: _Optional[int] = ..., spike_factor: _Optional[float] = ..., category: _Optional[_Union[_common_pb2.ComplaintCategory, str]] = ..., reference_kind: _Optional[_Union[ReferenceKind, str]] = ..., spikes_only: _Optional[bool] = ...) -> None: ...

class ListRecurringProblemsResponse(_message.Message):
    __slots__ = ("recurring_problems", "next_page_token", "window", "previous_window", "min_count", "spike_factor")
    RECURRING_PROBLEMS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    WINDOW_FIELD_NUMBER: _ClassVar[int]
    PREVIOUS_WINDOW_FIELD_NUMBER: _ClassVar[int]
    MIN_COUNT_FIELD_NUMBER: _ClassVar[int]
    SPIKE_FACTOR_FIELD_NUMBER: _ClassVar[int]
    recurring_problems: _containers.RepeatedCompositeFieldContainer[RecurringProblem]
    next_page_token: str
    window: TimeWindow
    previous_window: TimeWindow
    min_count: int
    spike_factor: float
    def __init__(self, recurring_problems: _Optional[_Iterable[_Union[RecurringProblem, _Mapping]]] = ..., next_page_token: _Optional[str] = ..., window: _Optional[_Union[TimeWindow, _Mapping]] = ..., previous_window: _Optional[_Union[TimeWindow, _Mapping]] = ..., min_count: _Optional[int] = ..., spike_factor: _Optional[float] = ...) -> None: ...

class RecurringProblem(_message.Message):
    __slots__ = ("category", "reference_kind", "reference", "count", "previous_count", "trend", "change_ratio", "spike", "first_submit_time", "last_submit_time", "example_complaints")
    class Trend(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = ()
        TREND_UNSPECIFIED: _ClassVar[RecurringProblem.Trend]
        TREND_NEW: _ClassVar[RecurringProblem.Trend]
        TREND_RISING: _ClassVar[RecurringProblem.Trend]
        TREND_STABLE: _ClassVar[RecurringProblem.Trend]
        TREND_FALLING: _ClassVar[RecurringProblem.Trend]
    TREND_UNSPECIFIED: RecurringProblem.Trend
    TREND_NEW: RecurringProblem.Trend
    TREND_RISING: RecurringProblem.Trend
    TREND_STABLE: RecurringProblem.Trend
    TREND_FALLING: RecurringProblem.Trend
    CATEGORY_FIELD_NUMBER: _ClassVar[int]
    REFERENCE_KIND_FIELD_NUMBER: _ClassVar[int]
    REFERENCE_FIELD_NUMBER: _ClassVar[int]
    COUNT_FIELD_NUMBER: _ClassVar[int]
    PREVIOUS_COUNT_FIELD_NUMBER: _ClassVar[int]
    TREND_FIELD_NUMBER: _ClassVar[int]
    CHANGE_RATIO_FIELD_NUMBER: _ClassVar[int]
    SPIKE_FIELD_NUMBER: _ClassVar[int]
    FIRST_SUBMIT_TIME_FIELD_NUMBER: _ClassVar[int]
    LAST_SUBMIT_TIME_FIELD_NUMBER: _ClassVar[int]
    EXAMPLE_COMPLAINTS_FIELD_NUMBER: _ClassVar[int]
    category: _common_pb2.ComplaintCategory
    reference_kind: ReferenceKind
    reference: str
    count: int
    previous_count: int
    trend: RecurringProblem.Trend
    change_ratio: float
    spike: bool
    first_submit_time: _timestamp_pb2.Timestamp
    last_submit_time: _timestamp_pb2.Timestamp
    example_complaints: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, category: _Optional[_Union[_common_pb2.ComplaintCategory, str]] = ..., reference_kind: _Optional[_Union[ReferenceKind, str]] = ..., reference: _Optional[str] = ..., count: _Optional[int] = ..., previous_count: _Optional[int] = ..., trend: _Optional[_Union[RecurringProblem.Trend, str]] = ..., change_ratio: _Optional[float] = ..., spike: _Optional[bool] = ..., first_submit_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., last_submit_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., example_complaints: _Optional[_Iterable[str]] = ...) -> None: ...

class RecordCaseOutcomeRequest(_message.Message):
    __slots__ = ("case", "complaint", "complaint_reference", "player", "category", "outcome", "agent", "resolve_time", "channel", "transaction_references", "responsible_gambling")
    CASE_FIELD_NUMBER: _ClassVar[int]
    COMPLAINT_FIELD_NUMBER: _ClassVar[int]
    COMPLAINT_REFERENCE_FIELD_NUMBER: _ClassVar[int]
    PLAYER_FIELD_NUMBER: _ClassVar[int]
    CATEGORY_FIELD_NUMBER: _ClassVar[int]
    OUTCOME_FIELD_NUMBER: _ClassVar[int]
    AGENT_FIELD_NUMBER: _ClassVar[int]
    RESOLVE_TIME_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    TRANSACTION_REFERENCES_FIELD_NUMBER: _ClassVar[int]
    RESPONSIBLE_GAMBLING_FIELD_NUMBER: _ClassVar[int]
    case: str
    complaint: str
    complaint_reference: str
    player: _common_pb2.Player
    category: _common_pb2.ComplaintCategory
    outcome: _common_pb2.Outcome
    agent: str
    resolve_time: _timestamp_pb2.Timestamp
    channel: _common_pb2.Channel
    transaction_references: _common_pb2.TransactionReferences
    responsible_gambling: bool
    def __init__(self, case: _Optional[str] = ..., complaint: _Optional[str] = ..., complaint_reference: _Optional[str] = ..., player: _Optional[_Union[_common_pb2.Player, _Mapping]] = ..., category: _Optional[_Union[_common_pb2.ComplaintCategory, str]] = ..., outcome: _Optional[_Union[_common_pb2.Outcome, str]] = ..., agent: _Optional[str] = ..., resolve_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., channel: _Optional[_Union[_common_pb2.Channel, str]] = ..., transaction_references: _Optional[_Union[_common_pb2.TransactionReferences, _Mapping]] = ..., responsible_gambling: _Optional[bool] = ...) -> None: ...

class RecordCaseOutcomeResponse(_message.Message):
    __slots__ = ("survey", "replayed")
    SURVEY_FIELD_NUMBER: _ClassVar[int]
    REPLAYED_FIELD_NUMBER: _ClassVar[int]
    survey: Survey
    replayed: bool
    def __init__(self, survey: _Optional[_Union[Survey, _Mapping]] = ..., replayed: _Optional[bool] = ...) -> None: ...

class RecordEventRequest(_message.Message):
    __slots__ = ("event_id", "type", "occur_time", "complaint", "case", "category", "channel", "jurisdiction", "agent", "transaction_references", "priority", "responsible_gambling", "outcome", "clock", "clock_met", "original_category")
    EVENT_ID_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    OCCUR_TIME_FIELD_NUMBER: _ClassVar[int]
    COMPLAINT_FIELD_NUMBER: _ClassVar[int]
    CASE_FIELD_NUMBER: _ClassVar[int]
    CATEGORY_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    JURISDICTION_FIELD_NUMBER: _ClassVar[int]
    AGENT_FIELD_NUMBER: _ClassVar[int]
    TRANSACTION_REFERENCES_FIELD_NUMBER: _ClassVar[int]
    PRIORITY_FIELD_NUMBER: _ClassVar[int]
    RESPONSIBLE_GAMBLING_FIELD_NUMBER: _ClassVar[int]
    OUTCOME_FIELD_NUMBER: _ClassVar[int]
    CLOCK_FIELD_NUMBER: _ClassVar[int]
    CLOCK_MET_FIELD_NUMBER: _ClassVar[int]
    ORIGINAL_CATEGORY_FIELD_NUMBER: _ClassVar[int]
    event_id: str
    type: EventType
    occur_time: _timestamp_pb2.Timestamp
    complaint: str
    case: str
    category: _common_pb2.ComplaintCategory
    channel: _common_pb2.Channel
    jurisdiction: str
    agent: str
    transaction_references: _common_pb2.TransactionReferences
    priority: _common_pb2.Priority
    responsible_gambling: bool
    outcome: _common_pb2.Outcome
    clock: str
    clock_met: bool
    original_category: _common_pb2.ComplaintCategory
    def __init__(self, event_id: _Optional[str] = ..., type: _Optional[_Union[EventType, str]] = ..., occur_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., complaint: _Optional[str] = ..., case: _Optional[str] = ..., category: _Optional[_Union[_common_pb2.ComplaintCategory, str]] = ..., channel: _Optional[_Union[_common_pb2.Channel, str]] = ..., jurisdiction: _Optional[str] = ..., agent: _Optional[str] = ..., transaction_references: _Optional[_Union[_common_pb2.TransactionReferences, _Mapping]] = ..., priority: _Optional[_Union[_common_pb2.Priority, str]] = ..., responsible_gambling: _Optional[bool] = ..., outcome: _Optional[_Union[_common_pb2.Outcome, str]] = ..., clock: _Optional[str] = ..., clock_met: _Optional[bool] = ..., original_category: _Optional[_Union[_common_pb2.ComplaintCategory, str]] = ...) -> None: ...

class RecordEventResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ExportPlayerRecordsRequest(_message.Message):
    __slots__ = ("player_id", "complaints")
    PLAYER_ID_FIELD_NUMBER: _ClassVar[int]
    COMPLAINTS_FIELD_NUMBER: _ClassVar[int]
    player_id: str
    complaints: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, player_id: _Optional[str] = ..., complaints: _Optional[_Iterable[str]] = ...) -> None: ...

class ExportPlayerRecordsResponse(_message.Message):
    __slots__ = ("survey", "event", "fact")
    SURVEY_FIELD_NUMBER: _ClassVar[int]
    EVENT_FIELD_NUMBER: _ClassVar[int]
    FACT_FIELD_NUMBER: _ClassVar[int]
    survey: Survey
    event: _struct_pb2.Struct
    fact: _struct_pb2.Struct
    def __init__(self, survey: _Optional[_Union[Survey, _Mapping]] = ..., event: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ..., fact: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ...) -> None: ...
