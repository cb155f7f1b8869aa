import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from redress.common.v1 import common_pb2 as _common_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Regulator(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    REGULATOR_UNSPECIFIED: _ClassVar[Regulator]
    REGULATOR_UKGC: _ClassVar[Regulator]
    REGULATOR_MGA: _ClassVar[Regulator]
REGULATOR_UNSPECIFIED: Regulator
REGULATOR_UKGC: Regulator
REGULATOR_MGA: Regulator

class UkgcReturn(_message.Message):
    __slots__ = ("complaints", "disputes", "disputes_referred_to_adr", "categories")
    COMPLAINTS_FIELD_NUMBER: _ClassVar[int]
    DISPUTES_FIELD_NUMBER: _ClassVar[int]
    DISPUTES_REFERRED_TO_ADR_FIELD_NUMBER: _ClassVar[int]
    CATEGORIES_FIELD_NUMBER: _ClassVar[int]
    complaints: int
    disputes: int
    disputes_referred_to_adr: int
    categories: _containers.RepeatedCompositeFieldContainer[UkgcCategoryCount]
    def __init__(self, complaints: _Optional[int] = ..., disputes: _Optional[int] = ..., disputes_referred_to_adr: _Optional[int] = ..., categories: _Optional[_Iterable[_Union[UkgcCategoryCount, _Mapping]]] = ...) -> None: ...

class UkgcCategoryCount(_message.Message):
    __slots__ = ("category", "complaints", "disputes", "disputes_referred_to_adr")
    CATEGORY_FIELD_NUMBER: _ClassVar[int]
    COMPLAINTS_FIELD_NUMBER: _ClassVar[int]
    DISPUTES_FIELD_NUMBER: _ClassVar[int]
    DISPUTES_REFERRED_TO_ADR_FIELD_NUMBER: _ClassVar[int]
    category: _common_pb2.ComplaintCategory
    complaints: int
    disputes: int
    disputes_referred_to_adr: int
    def __init__(self, category: _Optional[_Union[_common_pb2.ComplaintCategory, str]] = ..., complaints: _Optional[int] = ..., disputes: _Optional[int] = ..., disputes_referred_to_adr: _Optional[int] = ...) -> None: ...

class MgaAdrReport(_message.Message):
    __slots__ = ("entries",)
    ENTRIES_FIELD_NUMBER: _ClassVar[int]
    entries: _containers.RepeatedCompositeFieldContainer[MgaAdrEntry]
    def __init__(self, entries: _Optional[_Iterable[_Union[MgaAdrEntry, _Mapping]]] = ...) -> None: ...

class MgaAdrEntry(_message.Message):
    __slots__ = ("player_id", "subject", "category", "outcome", "conclusion", "adr_body", "adr_reference", "referral_time", "case", "complaint_reference")
    PLAYER_ID_FIELD_NUMBER: _ClassVar[int]
    SUBJECT_FIELD_NUMBER: _ClassVar[int]
    CATEGORY_FIELD_NUMBER: _ClassVar[int]
    OUTCOME_FIELD_NUMBER: _ClassVar[int]
    CONCLUSION_FIELD_NUMBER: _ClassVar[int]
    ADR_BODY_FIELD_NUMBER: _ClassVar[int]
    ADR_REFERENCE_FIELD_NUMBER: _ClassVar[int]
    REFERRAL_TIME_FIELD_NUMBER: _ClassVar[int]
    CASE_FIELD_NUMBER: _ClassVar[int]
    COMPLAINT_REFERENCE_FIELD_NUMBER: _ClassVar[int]
    player_id: str
    subject: str
    category: _common_pb2.ComplaintCategory
    outcome: _common_pb2.Outcome
    conclusion: str
    adr_body: str
    adr_reference: str
    referral_time: _timestamp_pb2.Timestamp
    case: str
    complaint_reference: str
    def __init__(self, player_id: _Optional[str] = ..., subject: _Optional[str] = ..., category: _Optional[_Union[_common_pb2.ComplaintCategory, str]] = ..., outcome: _Optional[_Union[_common_pb2.Outcome, str]] = ..., conclusion: _Optional[str] = ..., adr_body: _Optional[str] = ..., adr_reference: _Optional[str] = ..., referral_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., case: _Optional[str] = ..., complaint_reference: _Optional[str] = ...) -> None: ...
