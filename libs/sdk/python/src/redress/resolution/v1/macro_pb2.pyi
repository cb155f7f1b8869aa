import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from redress.common.v1 import common_pb2 as _common_pb2
from redress.resolution.v1 import case_pb2 as _case_pb2
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Macro(_message.Message):
    __slots__ = ("name", "key", "display_name", "purpose", "category", "language_code", "resolution_type", "body", "active", "create_time", "update_time", "etag")
    class Purpose(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = ()
        PURPOSE_UNSPECIFIED: _ClassVar[Macro.Purpose]
        PURPOSE_RESPONSE: _ClassVar[Macro.Purpose]
        PURPOSE_INFORMATION_REQUEST: _ClassVar[Macro.Purpose]
        PURPOSE_PROPOSAL: _ClassVar[Macro.Purpose]
        PURPOSE_FINAL_RESPONSE: _ClassVar[Macro.Purpose]
    PURPOSE_UNSPECIFIED: Macro.Purpose
    PURPOSE_RESPONSE: Macro.Purpose
    PURPOSE_INFORMATION_REQUEST: Macro.Purpose
    PURPOSE_PROPOSAL: Macro.Purpose
    PURPOSE_FINAL_RESPONSE: Macro.Purpose
    NAME_FIELD_NUMBER: _ClassVar[int]
    KEY_FIELD_NUMBER: _ClassVar[int]
    DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    PURPOSE_FIELD_NUMBER: _ClassVar[int]
    CATEGORY_FIELD_NUMBER: _ClassVar[int]
    LANGUAGE_CODE_FIELD_NUMBER: _ClassVar[int]
    RESOLUTION_TYPE_FIELD_NUMBER: _ClassVar[int]
    BODY_FIELD_NUMBER: _ClassVar[int]
    ACTIVE_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    name: str
    key: str
    display_name: str
    purpose: Macro.Purpose
    category: _common_pb2.ComplaintCategory
    language_code: str
    resolution_type: _case_pb2.ResolutionType
    body: str
    active: bool
    create_time: _timestamp_pb2.Timestamp
    update_time: _timestamp_pb2.Timestamp
    etag: str
    def __init__(self, name: _Optional[str] = ..., key: _Optional[str] = ..., display_name: _Optional[str] = ..., purpose: _Optional[_Union[Macro.Purpose, str]] = ..., category: _Optional[_Union[_common_pb2.ComplaintCategory, str]] = ..., language_code: _Optional[str] = ..., resolution_type: _Optional[_Union[_case_pb2.ResolutionType, str]] = ..., body: _Optional[str] = ..., active: _Optional[bool] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., etag: _Optional[str] = ...) -> None: ...
