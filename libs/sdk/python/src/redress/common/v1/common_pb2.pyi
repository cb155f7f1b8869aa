import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Channel(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    CHANNEL_UNSPECIFIED: _ClassVar[Channel]
    CHANNEL_EMAIL: _ClassVar[Channel]
    CHANNEL_LIVE_CHAT: _ClassVar[Channel]
    CHANNEL_PHONE: _ClassVar[Channel]
    CHANNEL_IN_APP: _ClassVar[Channel]
    CHANNEL_SMS: _ClassVar[Channel]
    CHANNEL_POST: _ClassVar[Channel]

class ComplaintCategory(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    COMPLAINT_CATEGORY_UNSPECIFIED: _ClassVar[ComplaintCategory]
    COMPLAINT_CATEGORY_WITHDRAWAL: _ClassVar[ComplaintCategory]
    COMPLAINT_CATEGORY_VERIFICATION: _ClassVar[ComplaintCategory]
    COMPLAINT_CATEGORY_BONUS: _ClassVar[ComplaintCategory]
    COMPLAINT_CATEGORY_GAME_MALFUNCTION: _ClassVar[ComplaintCategory]
    COMPLAINT_CATEGORY_ACCOUNT_CLOSURE: _ClassVar[ComplaintCategory]
    COMPLAINT_CATEGORY_RESPONSIBLE_GAMBLING: _ClassVar[ComplaintCategory]
    COMPLAINT_CATEGORY_DEPOSIT: _ClassVar[ComplaintCategory]
    COMPLAINT_CATEGORY_MARKETING: _ClassVar[ComplaintCategory]
    COMPLAINT_CATEGORY_CUSTOMER_SERVICE: _ClassVar[ComplaintCategory]
    COMPLAINT_CATEGORY_TERMS_AND_CONDITIONS: _ClassVar[ComplaintCategory]
    COMPLAINT_CATEGORY_COMPLAINTS_PROCEDURE: _ClassVar[ComplaintCategory]
    COMPLAINT_CATEGORY_OTHER: _ClassVar[ComplaintCategory]

class Priority(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    PRIORITY_UNSPECIFIED: _ClassVar[Priority]
    PRIORITY_LOW: _ClassVar[Priority]
    PRIORITY_NORMAL: _ClassVar[Priority]
    PRIORITY_HIGH: _ClassVar[Priority]
    PRIORITY_URGENT: _ClassVar[Priority]

class ComplaintKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    COMPLAINT_KIND_UNSPECIFIED: _ClassVar[ComplaintKind]
    COMPLAINT_KIND_COMPLAINT: _ClassVar[ComplaintKind]
    COMPLAINT_KIND_DISPUTE: _ClassVar[ComplaintKind]

class ComplaintStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    COMPLAINT_STATUS_UNSPECIFIED: _ClassVar[ComplaintStatus]
    COMPLAINT_STATUS_RECEIVED: _ClassVar[ComplaintStatus]
    COMPLAINT_STATUS_IN_PROGRESS: _ClassVar[ComplaintStatus]
    COMPLAINT_STATUS_AWAITING_PLAYER: _ClassVar[ComplaintStatus]
    COMPLAINT_STATUS_RESOLUTION_PROPOSED: _ClassVar[ComplaintStatus]
    COMPLAINT_STATUS_RESOLVED: _ClassVar[ComplaintStatus]
    COMPLAINT_STATUS_REFERRED_TO_ADR: _ClassVar[ComplaintStatus]
    COMPLAINT_STATUS_CLOSED: _ClassVar[ComplaintStatus]
    COMPLAINT_STATUS_WITHDRAWN: _ClassVar[ComplaintStatus]

class Outcome(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    OUTCOME_UNSPECIFIED: _ClassVar[Outcome]
    OUTCOME_UPHELD: _ClassVar[Outcome]
    OUTCOME_PARTIALLY_UPHELD: _ClassVar[Outcome]
    OUTCOME_NOT_UPHELD: _ClassVar[Outcome]

class RootCause(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    ROOT_CAUSE_UNSPECIFIED: _ClassVar[RootCause]
    ROOT_CAUSE_TECHNICAL_ERROR: _ClassVar[RootCause]
    ROOT_CAUSE_BONUS_MISUNDERSTANDING: _ClassVar[RootCause]
    ROOT_CAUSE_KYC_DELAY: _ClassVar[RootCause]
    ROOT_CAUSE_PAYMENT_PROVIDER_FAILURE: _ClassVar[RootCause]
    ROOT_CAUSE_AGENT_ERROR: _ClassVar[RootCause]
    ROOT_CAUSE_PLAYER_ERROR: _ClassVar[RootCause]
    ROOT_CAUSE_POLICY: _ClassVar[RootCause]

class PlayerDecision(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    PLAYER_DECISION_UNSPECIFIED: _ClassVar[PlayerDecision]
    PLAYER_DECISION_ACCEPT: _ClassVar[PlayerDecision]
    PLAYER_DECISION_REJECT: _ClassVar[PlayerDecision]
CHANNEL_UNSPECIFIED: Channel
CHANNEL_EMAIL: Channel
CHANNEL_LIVE_CHAT: Channel
CHANNEL_PHONE: Channel
CHANNEL_IN_APP: Channel
CHANNEL_SMS: Channel
CHANNEL_POST: Channel
COMPLAINT_CATEGORY_UNSPECIFIED: ComplaintCategory
COMPLAINT_CATEGORY_WITHDRAWAL: ComplaintCategory
COMPLAINT_CATEGORY_VERIFICATION: ComplaintCategory
COMPLAINT_CATEGORY_BONUS: ComplaintCategory
COMPLAINT_CATEGORY_GAME_MALFUNCTION: ComplaintCategory
COMPLAINT_CATEGORY_ACCOUNT_CLOSURE: ComplaintCategory
COMPLAINT_CATEGORY_RESPONSIBLE_GAMBLING: ComplaintCategory
COMPLAINT_CATEGORY_DEPOSIT: ComplaintCategory
COMPLAINT_CATEGORY_MARKETING: ComplaintCategory
COMPLAINT_CATEGORY_CUSTOMER_SERVICE: ComplaintCategory
COMPLAINT_CATEGORY_TERMS_AND_CONDITIONS: ComplaintCategory
COMPLAINT_CATEGORY_COMPLAINTS_PROCEDURE: ComplaintCategory
COMPLAINT_CATEGORY_OTHER: ComplaintCategory
PRIORITY_UNSPECIFIED: Priority
PRIORITY_LOW: Priority
PRIORITY_NORMAL: Priority
PRIORITY_HIGH: Priority
PRIORITY_URGENT: Priority
COMPLAINT_KIND_UNSPECIFIED: ComplaintKind
COMPLAINT_KIND_COMPLAINT: ComplaintKind
COMPLAINT_KIND_DISPUTE: ComplaintKind
COMPLAINT_STATUS_UNSPECIFIED: ComplaintStatus
COMPLAINT_STATUS_RECEIVED: ComplaintStatus
COMPLAINT_STATUS_IN_PROGRESS: ComplaintStatus
COMPLAINT_STATUS_AWAITING_PLAYER: ComplaintStatus
COMPLAINT_STATUS_RESOLUTION_PROPOSED: ComplaintStatus
COMPLAINT_STATUS_RESOLVED: ComplaintStatus
COMPLAINT_STATUS_REFERRED_TO_ADR: ComplaintStatus
COMPLAINT_STATUS_CLOSED: ComplaintStatus
COMPLAINT_STATUS_WITHDRAWN: ComplaintStatus
OUTCOME_UNSPECIFIED: Outcome
OUTCOME_UPHELD: Outcome
OUTCOME_PARTIALLY_UPHELD: Outcome
OUTCOME_NOT_UPHELD: Outcome
ROOT_CAUSE_UNSPECIFIED: RootCause
ROOT_CAUSE_TECHNICAL_ERROR: RootCause
ROOT_CAUSE_BONUS_MISUNDERSTANDING: RootCause
ROOT_CAUSE_KYC_DELAY: RootCause
ROOT_CAUSE_PAYMENT_PROVIDER_FAILURE: RootCause
ROOT_CAUSE_AGENT_ERROR: RootCause
ROOT_CAUSE_PLAYER_ERROR: RootCause
ROOT_CAUSE_POLICY: RootCause
PLAYER_DECISION_UNSPECIFIED: PlayerDecision
PLAYER_DECISION_ACCEPT: PlayerDecision
PLAYER_DECISION_REJECT: PlayerDecision

class Money(_message.Message):
    __slots__ = ("amount_minor", "currency_code")
    AMOUNT_MINOR_FIELD_NUMBER: _ClassVar[int]
    CURRENCY_CODE_FIELD_NUMBER: _ClassVar[int]
    amount_minor: int
    currency_code: str
    def __init__(self, amount_minor: _Optional[int] = ..., currency_code: _Optional[str] = ...) -> None: ...

class Player(_message.Message):
    __slots__ = ("player_id", "display_name", "email", "language_code", "jurisdiction", "preferred_channel", "self_excluded", "at_risk")
    PLAYER_ID_FIELD_NUMBER: _ClassVar[int]
    DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    EMAIL_FIELD_NUMBER: _ClassVar[int]
    LANGUAGE_CODE_FIELD_NUMBER: _ClassVar[int]
    JURISDICTION_FIELD_NUMBER: _ClassVar[int]
    PREFERRED_CHANNEL_FIELD_NUMBER: _ClassVar[int]
    SELF_EXCLUDED_FIELD_NUMBER: _ClassVar[int]
    AT_RISK_FIELD_NUMBER: _ClassVar[int]
    player_id: str
    display_name: str
    email: str
    language_code: str
    jurisdiction: str
    preferred_channel: Channel
    self_excluded: bool
    at_risk: bool
    def __init__(self, player_id: _Optional[str] = ..., display_name: _Optional[str] = ..., email: _Optional[str] = ..., language_code: _Optional[str] = ..., jurisdiction: _Optional[str] = ..., preferred_channel: _Optional[_Union[Channel, str]] = ..., self_excluded: _Optional[bool] = ..., at_risk: _Optional[bool] = ...) -> None: ...

class TransactionReferences(_message.Message):
    __slots__ = ("deposit_id", "withdrawal_id", "payment_method", "bet_id", "round_id", "game_id", "game_provider", "bonus_id", "kyc_case_id")
    DEPOSIT_ID_FIELD_NUMBER: _ClassVar[int]
    WITHDRAWAL_ID_FIELD_NUMBER: _ClassVar[int]
    PAYMENT_METHOD_FIELD_NUMBER: _ClassVar[int]
    BET_ID_FIELD_NUMBER: _ClassVar[int]
    ROUND_ID_FIELD_NUMBER: _ClassVar[int]
    GAME_ID_FIELD_NUMBER: _ClassVar[int]
    GAME_PROVIDER_FIELD_NUMBER: _ClassVar[int]
    BONUS_ID_FIELD_NUMBER: _ClassVar[int]
    KYC_CASE_ID_FIELD_NUMBER: _ClassVar[int]
    deposit_id: str
    withdrawal_id: str
    payment_method: str
    bet_id: str
    round_id: str
    game_id: str
    game_provider: str
    bonus_id: str
    kyc_case_id: str
    def __init__(self, deposit_id: _Optional[str] = ..., withdrawal_id: _Optional[str] = ..., payment_method: _Optional[str] = ..., bet_id: _Optional[str] = ..., round_id: _Optional[str] = ..., game_id: _Optional[str] = ..., game_provider: _Optional[str] = ..., bonus_id: _Optional[str] = ..., kyc_case_id: _Optional[str] = ...) -> None: ...

class Deadlines(_message.Message):
    __slots__ = ("acknowledge_due_time", "final_response_due_time", "policy_jurisdiction", "policy_version")
    ACKNOWLEDGE_DUE_TIME_FIELD_NUMBER: _ClassVar[int]
    FINAL_RESPONSE_DUE_TIME_FIELD_NUMBER: _ClassVar[int]
    POLICY_JURISDICTION_FIELD_NUMBER: _ClassVar[int]
    POLICY_VERSION_FIELD_NUMBER: _ClassVar[int]
    acknowledge_due_time: _timestamp_pb2.Timestamp
    final_response_due_time: _timestamp_pb2.Timestamp
    policy_jurisdiction: str
    policy_version: str
    def __init__(self, acknowledge_due_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., final_response_due_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., policy_jurisdiction: _Optional[str] = ..., policy_version: _Optional[str] = ...) -> None: ...
