import datetime

from google.protobuf import duration_pb2 as _duration_pb2
from google.protobuf import field_mask_pb2 as _field_mask_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from redress.common.v1 import common_pb2 as _common_pb2
from redress.notification.v1 import erasure_pb2 as _erasure_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class NotificationEvent(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    NOTIFICATION_EVENT_UNSPECIFIED: _ClassVar[NotificationEvent]
    NOTIFICATION_EVENT_COMPLAINT_RECEIVED: _ClassVar[NotificationEvent]
    NOTIFICATION_EVENT_INFORMATION_REQUESTED: _ClassVar[NotificationEvent]
    NOTIFICATION_EVENT_AGENT_MESSAGE: _ClassVar[NotificationEvent]
    NOTIFICATION_EVENT_RESOLUTION_PROPOSED: _ClassVar[NotificationEvent]
    NOTIFICATION_EVENT_FINAL_RESPONSE: _ClassVar[NotificationEvent]
    NOTIFICATION_EVENT_ADR_RIGHTS_NOTICE: _ClassVar[NotificationEvent]
    NOTIFICATION_EVENT_SURVEY_INVITATION: _ClassVar[NotificationEvent]
    NOTIFICATION_EVENT_OPERATIONS_ALERT: _ClassVar[NotificationEvent]
    NOTIFICATION_EVENT_DEADLINE_WARNING: _ClassVar[NotificationEvent]

class MessagePurpose(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    MESSAGE_PURPOSE_UNSPECIFIED: _ClassVar[MessagePurpose]
    MESSAGE_PURPOSE_LEGALLY_REQUIRED: _ClassVar[MessagePurpose]
    MESSAGE_PURPOSE_SERVICE: _ClassVar[MessagePurpose]
    MESSAGE_PURPOSE_SURVEY: _ClassVar[MessagePurpose]
    MESSAGE_PURPOSE_PROMOTIONAL: _ClassVar[MessagePurpose]
NOTIFICATION_EVENT_UNSPECIFIED: NotificationEvent
NOTIFICATION_EVENT_COMPLAINT_RECEIVED: NotificationEvent
NOTIFICATION_EVENT_INFORMATION_REQUESTED: NotificationEvent
NOTIFICATION_EVENT_AGENT_MESSAGE: NotificationEvent
NOTIFICATION_EVENT_RESOLUTION_PROPOSED: NotificationEvent
NOTIFICATION_EVENT_FINAL_RESPONSE: NotificationEvent
NOTIFICATION_EVENT_ADR_RIGHTS_NOTICE: NotificationEvent
NOTIFICATION_EVENT_SURVEY_INVITATION: NotificationEvent
NOTIFICATION_EVENT_OPERATIONS_ALERT: NotificationEvent
NOTIFICATION_EVENT_DEADLINE_WARNING: NotificationEvent
MESSAGE_PURPOSE_UNSPECIFIED: MessagePurpose
MESSAGE_PURPOSE_LEGALLY_REQUIRED: MessagePurpose
MESSAGE_PURPOSE_SERVICE: MessagePurpose
MESSAGE_PURPOSE_SURVEY: MessagePurpose
MESSAGE_PURPOSE_PROMOTIONAL: MessagePurpose

class Notification(_message.Message):
    __slots__ = ("name", "dedupe_key", "event", "purpose", "recipient", "complaint", "complaint_reference", "variables", "channel", "locale", "template", "template_version", "rendered", "state", "suppression_reason", "dead_letter_reason", "attempt_count", "max_attempts", "next_attempt_time", "last_attempt", "delivery", "resend_of", "redrive_count", "creator", "create_time", "update_time", "etag")
    class State(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = ()
        STATE_UNSPECIFIED: _ClassVar[Notification.State]
        STATE_PENDING: _ClassVar[Notification.State]
        STATE_DELIVERED: _ClassVar[Notification.State]
        STATE_RETRYING: _ClassVar[Notification.State]
        STATE_DEAD_LETTER: _ClassVar[Notification.State]
        STATE_SUPPRESSED: _ClassVar[Notification.State]
    STATE_UNSPECIFIED: Notification.State
    STATE_PENDING: Notification.State
    STATE_DELIVERED: Notification.State
    STATE_RETRYING: Notification.State
    STATE_DEAD_LETTER: Notification.State
    STATE_SUPPRESSED: Notification.State
    class SuppressionReason(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = ()
        SUPPRESSION_REASON_UNSPECIFIED: _ClassVar[Notification.SuppressionReason]
        SUPPRESSION_REASON_SELF_EXCLUDED: _ClassVar[Notification.SuppressionReason]
        SUPPRESSION_REASON_AT_RISK: _ClassVar[Notification.SuppressionReason]
        SUPPRESSION_REASON_PLAYER_DATA_ERASED: _ClassVar[Notification.SuppressionReason]
    SUPPRESSION_REASON_UNSPECIFIED: Notification.SuppressionReason
    SUPPRESSION_REASON_SELF_EXCLUDED: Notification.SuppressionReason
    SUPPRESSION_REASON_AT_RISK: Notification.SuppressionReason
    SUPPRESSION_REASON_PLAYER_DATA_ERASED: Notification.SuppressionReason
    class DeadLetterReason(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = ()
        DEAD_LETTER_REASON_UNSPECIFIED: _ClassVar[Notification.DeadLetterReason]
        DEAD_LETTER_REASON_ATTEMPTS_EXHAUSTED: _ClassVar[Notification.DeadLetterReason]
        DEAD_LETTER_REASON_PERMANENT_FAILURE: _ClassVar[Notification.DeadLetterReason]
        DEAD_LETTER_REASON_RENDER_FAILED: _ClassVar[Notification.DeadLetterReason]
        DEAD_LETTER_REASON_NO_DESTINATION: _ClassVar[Notification.DeadLetterReason]
    DEAD_LETTER_REASON_UNSPECIFIED: Notification.DeadLetterReason
    DEAD_LETTER_REASON_ATTEMPTS_EXHAUSTED: Notification.DeadLetterReason
    DEAD_LETTER_REASON_PERMANENT_FAILURE: Notification.DeadLetterReason
    DEAD_LETTER_REASON_RENDER_FAILED: Notification.DeadLetterReason
    DEAD_LETTER_REASON_NO_DESTINATION: Notification.DeadLetterReason
    class VariablesEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    NAME_FIELD_NUMBER: _ClassVar[int]
    DEDUPE_KEY_FIELD_NUMBER: _ClassVar[int]
    EVENT_FIELD_NUMBER: _ClassVar[int]
    PURPOSE_FIELD_NUMBER: _ClassVar[int]
    RECIPIENT_FIELD_NUMBER: _ClassVar[int]
    COMPLAINT_FIELD_NUMBER: _ClassVar[int]
    COMPLAINT_REFERENCE_FIELD_NUMBER: _ClassVar[int]
    VARIABLES_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    LOCALE_FIELD_NUMBER: _ClassVar[int]
    TEMPLATE_FIELD_NUMBER: _ClassVar[int]
    TEMPLATE_VERSION_FIELD_NUMBER: _ClassVar[int]
    RENDERED_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    SUPPRESSION_REASON_FIELD_NUMBER: _ClassVar[int]
    DEAD_LETTER_REASON_FIELD_NUMBER: _ClassVar[int]
    ATTEMPT_COUNT_FIELD_NUMBER: _ClassVar[int]
    MAX_ATTEMPTS_FIELD_NUMBER: _ClassVar[int]
    NEXT_ATTEMPT_TIME_FIELD_NUMBER: _ClassVar[int]
    LAST_ATTEMPT_FIELD_NUMBER: _ClassVar[int]
    DELIVERY_FIELD_NUMBER: _ClassVar[int]
    RESEND_OF_FIELD_NUMBER: _ClassVar[int]
    REDRIVE_COUNT_FIELD_NUMBER: _ClassVar[int]
    CREATOR_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    name: str
    dedupe_key: str
    event: NotificationEvent
    purpose: MessagePurpose
    recipient: _common_pb2.Player
    complaint: str
    complaint_reference: str
    variables: _containers.ScalarMap[str, str]
    channel: _common_pb2.Channel
    locale: str
    template: str
    template_version: int
    rendered: RenderedMessage
    state: Notification.State
    suppression_reason: Notification.SuppressionReason
    dead_letter_reason: Notification.DeadLetterReason
    attempt_count: int
    max_attempts: int
    next_attempt_time: _timestamp_pb2.Timestamp
    last_attempt: DeliveryAttempt
    delivery: DeliveryProof
    resend_of: str
    redrive_count: int
    creator: str
    create_time: _timestamp_pb2.Timestamp
    update_time: _timestamp_pb2.Timestamp
    etag: str
    def __init__(self, name: _Optional[str] = ..., dedupe_key: _Optional[str] = ..., event: _Optional[_Union[NotificationEvent, str]] = ..., purpose: _Optional[_Union[MessagePurpose, str]] = ..., recipient: _Optional[_Union[_common_pb2.Player, _Mapping]] = ..., complaint: _Optional[str] = ..., complaint_reference: _Optional[str] = ..., variables: _Optional[_Mapping[str, str]] = ..., channel: _Optional[_Union[_common_pb2.Channel, str]] = ..., locale: _Optional[str] = ..., template: _Optional[str] = ..., template_version: _Optional[int] = ..., rendered: _Optional[_Union[RenderedMessage, _Mapping]] = ..., state: _Optional[_Union[Notification.State, str]] = ..., suppression_reason: _Optional[_Union[Notification.SuppressionReason, str]] = ..., dead_letter_reason: _Optional[_Union[Notification.DeadLetterReason, str]] = ..., attempt_count: _Optional[int] = ..., max_attempts: _Optional[int] = ..., next_attempt_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., last_attempt: _Optional[_Union[DeliveryAttempt, _Mapping]] = ..., delivery: _Optional[_Union[DeliveryProof, _Mapping]] = ..., resend_of: _Optional[str] = ..., redrive_count: _Optional[int] = ..., creator: _Optional[str] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., etag: _Optional[str] = ...) -> None: ...

class RenderedMessage(_message.Message):
    __slots__ = ("subject", "body_text", "body_html")
    SUBJECT_FIELD_NUMBER: _ClassVar[int]
    BODY_TEXT_FIELD_NUMBER: _ClassVar[int]
    BODY_HTML_FIELD_NUMBER: _ClassVar[int]
    subject: str
    body_text: str
    body_html: str
    def __init__(self, subject: _Optional[str] = ..., body_text: _Optional[str] = ..., body_html: _Optional[str] = ...) -> None: ...

class DeliveryAttempt(_message.Message):
    __slots__ = ("name", "attempt_number", "channel", "destination", "start_time", "end_time", "result", "provider_status_code", "provider_response", "provider_message_id", "error_message", "webhook_endpoint")
    class Result(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = ()
        RESULT_UNSPECIFIED: _ClassVar[DeliveryAttempt.Result]
        RESULT_ACCEPTED: _ClassVar[DeliveryAttempt.Result]
        RESULT_TRANSIENT_FAILURE: _ClassVar[DeliveryAttempt.Result]
        RESULT_PERMANENT_FAILURE: _ClassVar[DeliveryAttempt.Result]
    RESULT_UNSPECIFIED: DeliveryAttempt.Result
    RESULT_ACCEPTED: DeliveryAttempt.Result
    RESULT_TRANSIENT_FAILURE: DeliveryAttempt.Result
    RESULT_PERMANENT_FAILURE: DeliveryAttempt.Result
    NAME_FIELD_NUMBER: _ClassVar[int]
    ATTEMPT_NUMBER_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    DESTINATION_FIELD_NUMBER: _ClassVar[int]
    START_TIME_FIELD_NUMBER: _ClassVar[int]
    END_TIME_FIELD_NUMBER: _ClassVar[int]
    RESULT_FIELD_NUMBER: _ClassVar[int]
    PROVIDER_STATUS_CODE_FIELD_NUMBER: _ClassVar[int]
    PROVIDER_RESPONSE_FIELD_NUMBER: _ClassVar[int]
    PROVIDER_MESSAGE_ID_FIELD_NUMBER: _ClassVar[int]
    ERROR_MESSAGE_FIELD_NUMBER: _ClassVar[int]
    WEBHOOK_ENDPOINT_FIELD_NUMBER: _ClassVar[int]
    name: str
    attempt_number: int
    channel: _common_pb2.Channel
    destination: str
    start_time: _timestamp_pb2.Timestamp
    end_time: _timestamp_pb2.Timestamp
    result: DeliveryAttempt.Result
    provider_status_code: int
    provider_response: str
    provider_message_id: str
    error_message: str
    webhook_endpoint: str
    def __init__(self, name: _Optional[str] = ..., attempt_number: _Optional[int] = ..., channel: _Optional[_Union[_common_pb2.Channel, str]] = ..., destination: _Optional[str] = ..., start_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., end_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., result: _Optional[_Union[DeliveryAttempt.Result, str]] = ..., provider_status_code: _Optional[int] = ..., provider_response: _Optional[str] = ..., provider_message_id: _Optional[str] = ..., error_message: _Optional[str] = ..., webhook_endpoint: _Optional[str] = ...) -> None: ...

class DeliveryProof(_message.Message):
    __slots__ = ("accept_time", "attempt", "provider_message_id", "channel", "destination", "locale", "template", "template_version", "content_sha256")
    ACCEPT_TIME_FIELD_NUMBER: _ClassVar[int]
    ATTEMPT_FIELD_NUMBER: _ClassVar[int]
    PROVIDER_MESSAGE_ID_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    DESTINATION_FIELD_NUMBER: _ClassVar[int]
    LOCALE_FIELD_NUMBER: _ClassVar[int]
    TEMPLATE_FIELD_NUMBER: _ClassVar[int]
    TEMPLATE_VERSION_FIELD_NUMBER: _ClassVar[int]
    CONTENT_SHA256_FIELD_NUMBER: _ClassVar[int]
    accept_time: _timestamp_pb2.Timestamp
    attempt: str
    provider_message_id: str
    channel: _common_pb2.Channel
    destination: str
    locale: str
    template: str
    template_version: int
    content_sha256: str
    def __init__(self, accept_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., attempt: _Optional[str] = ..., provider_message_id: _Optional[str] = ..., channel: _Optional[_Union[_common_pb2.Channel, str]] = ..., destination: _Optional[str] = ..., locale: _Optional[str] = ..., template: _Optional[str] = ..., template_version: _Optional[int] = ..., content_sha256: _Optional[str] = ...) -> None: ...

class WebhookPayload(_message.Message):
    __slots__ = ("notification", "event", "purpose", "channel", "recipient", "locale", "complaint", "complaint_reference", "message", "variables", "template", "template_version", "attempt_number", "create_time")
    class VariablesEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    NOTIFICATION_FIELD_NUMBER: _ClassVar[int]
    EVENT_FIELD_NUMBER: _ClassVar[int]
    PURPOSE_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    RECIPIENT_FIELD_NUMBER: _ClassVar[int]
    LOCALE_FIELD_NUMBER: _ClassVar[int]
    COMPLAINT_FIELD_NUMBER: _ClassVar[int]
    COMPLAINT_REFERENCE_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    VARIABLES_FIELD_NUMBER: _ClassVar[int]
    TEMPLATE_FIELD_NUMBER: _ClassVar[int]
    TEMPLATE_VERSION_FIELD_NUMBER: _ClassVar[int]
    ATTEMPT_NUMBER_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    notification: str
    event: NotificationEvent
    purpose: MessagePurpose
    channel: _common_pb2.Channel
    recipient: _common_pb2.Player
    locale: str
    complaint: str
    complaint_reference: str
    message: RenderedMessage
    variables: _containers.ScalarMap[str, str]
    template: str
    template_version: int
    attempt_number: int
    create_time: _timestamp_pb2.Timestamp
    def __init__(self, notification: _Optional[str] = ..., event: _Optional[_Union[NotificationEvent, str]] = ..., purpose: _Optional[_Union[MessagePurpose, str]] = ..., channel: _Optional[_Union[_common_pb2.Channel, str]] = ..., recipient: _Optional[_Union[_common_pb2.Player, _Mapping]] = ..., locale: _Optional[str] = ..., complaint: _Optional[str] = ..., complaint_reference: _Optional[str] = ..., message: _Optional[_Union[RenderedMessage, _Mapping]] = ..., variables: _Optional[_Mapping[str, str]] = ..., template: _Optional[str] = ..., template_version: _Optional[int] = ..., attempt_number: _Optional[int] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class Template(_message.Message):
    __slots__ = ("name", "event", "locale", "subject", "body_text", "body_html", "version", "builtin", "updater", "create_time", "update_time", "etag")
    NAME_FIELD_NUMBER: _ClassVar[int]
    EVENT_FIELD_NUMBER: _ClassVar[int]
    LOCALE_FIELD_NUMBER: _ClassVar[int]
    SUBJECT_FIELD_NUMBER: _ClassVar[int]
    BODY_TEXT_FIELD_NUMBER: _ClassVar[int]
    BODY_HTML_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    BUILTIN_FIELD_NUMBER: _ClassVar[int]
    UPDATER_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    name: str
    event: NotificationEvent
    locale: str
    subject: str
    body_text: str
    body_html: str
    version: int
    builtin: bool
    updater: str
    create_time: _timestamp_pb2.Timestamp
    update_time: _timestamp_pb2.Timestamp
    etag: str
    def __init__(self, name: _Optional[str] = ..., event: _Optional[_Union[NotificationEvent, str]] = ..., locale: _Optional[str] = ..., subject: _Optional[str] = ..., body_text: _Optional[str] = ..., body_html: _Optional[str] = ..., version: _Optional[int] = ..., builtin: _Optional[bool] = ..., updater: _Optional[str] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., etag: _Optional[str] = ...) -> None: ...

class GetNotificationRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class GetNotificationResponse(_message.Message):
    __slots__ = ("notification",)
    NOTIFICATION_FIELD_NUMBER: _ClassVar[int]
    notification: Notification
    def __init__(self, notification: _Optional[_Union[Notification, _Mapping]] = ...) -> None: ...

class ListNotificationsRequest(_message.Message):
    __slots__ = ("page_size", "page_token", "complaint", "states", "player_id", "event", "channel", "create_time_start", "create_time_end")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    COMPLAINT_FIELD_NUMBER: _ClassVar[int]
    STATES_FIELD_NUMBER: _ClassVar[int]
    PLAYER_ID_FIELD_NUMBER: _ClassVar[int]
    EVENT_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_START_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_END_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    complaint: str
    states: _containers.RepeatedScalarFieldContainer[Notification.State]
    player_id: str
    event: NotificationEvent
    channel: _common_pb2.Channel
    create_time_start: _timestamp_pb2.Timestamp
    create_time_end: _timestamp_pb2.Timestamp
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., complaint: _Optional[str] = ..., states: _Optional[_Iterable[_Union[Notification.State, str]]] = ..., player_id: _Optional[str] = ..., event: _Optional[_Union[NotificationEvent, str]] = ..., channel: _Optional[_Union[_common_pb2.Channel, str]] = ..., create_time_start: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., create_time_end: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class ListNotificationsResponse(_message.Message):
    __slots__ = ("notifications", "next_page_token")
    NOTIFICATIONS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    notifications: _containers.RepeatedCompositeFieldContainer[Notification]
    next_page_token: str
    def __init__(self, notifications: _Optional[_Iterable[_Union[Notification, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class ListDeliveryAttemptsRequest(_message.Message):
    __slots__ = ("parent", "page_size", "page_token")
    PARENT_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    parent: str
    page_size: int
    page_token: str
    def __init__(self, parent: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListDeliveryAttemptsResponse(_message.Message):
    __slots__ = ("attempts", "next_page_token")
    ATTEMPTS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    attempts: _containers.RepeatedCompositeFieldContainer[DeliveryAttempt]
    next_page_token: str
    def __init__(self, attempts: _Optional[_Iterable[_Union[DeliveryAttempt, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class RedriveNotificationRequest(_message.Message):
    __slots__ = ("name", "request_id", "etag", "reason")
    NAME_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    name: str
    request_id: str
    etag: str
    reason: str
    def __init__(self, name: _Optional[str] = ..., request_id: _Optional[str] = ..., etag: _Optional[str] = ..., reason: _Optional[str] = ...) -> None: ...

class RedriveNotificationResponse(_message.Message):
    __slots__ = ("notification",)
    NOTIFICATION_FIELD_NUMBER: _ClassVar[int]
    notification: Notification
    def __init__(self, notification: _Optional[_Union[Notification, _Mapping]] = ...) -> None: ...

class ResendNotificationRequest(_message.Message):
    __slots__ = ("name", "request_id", "recipient", "channel", "reason")
    NAME_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    RECIPIENT_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    name: str
    request_id: str
    recipient: _common_pb2.Player
    channel: _common_pb2.Channel
    reason: str
    def __init__(self, name: _Optional[str] = ..., request_id: _Optional[str] = ..., recipient: _Optional[_Union[_common_pb2.Player, _Mapping]] = ..., channel: _Optional[_Union[_common_pb2.Channel, str]] = ..., reason: _Optional[str] = ...) -> None: ...

class ResendNotificationResponse(_message.Message):
    __slots__ = ("notification",)
    NOTIFICATION_FIELD_NUMBER: _ClassVar[int]
    notification: Notification
    def __init__(self, notification: _Optional[_Union[Notification, _Mapping]] = ...) -> None: ...

class UpdateTemplateRequest(_message.Message):
    __slots__ = ("template", "etag", "allow_missing")
    TEMPLATE_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    ALLOW_MISSING_FIELD_NUMBER: _ClassVar[int]
    template: Template
    etag: str
    allow_missing: bool
    def __init__(self, template: _Optional[_Union[Template, _Mapping]] = ..., etag: _Optional[str] = ..., allow_missing: _Optional[bool] = ...) -> None: ...

class UpdateTemplateResponse(_message.Message):
    __slots__ = ("template", "created")
    TEMPLATE_FIELD_NUMBER: _ClassVar[int]
    CREATED_FIELD_NUMBER: _ClassVar[int]
    template: Template
    created: bool
    def __init__(self, template: _Optional[_Union[Template, _Mapping]] = ..., created: _Optional[bool] = ...) -> None: ...

class ListTemplatesRequest(_message.Message):
    __slots__ = ("page_size", "page_token", "event", "locale", "include_builtin")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    EVENT_FIELD_NUMBER: _ClassVar[int]
    LOCALE_FIELD_NUMBER: _ClassVar[int]
    INCLUDE_BUILTIN_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    event: NotificationEvent
    locale: str
    include_builtin: bool
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., event: _Optional[_Union[NotificationEvent, str]] = ..., locale: _Optional[str] = ..., include_builtin: _Optional[bool] = ...) -> None: ...

class ListTemplatesResponse(_message.Message):
    __slots__ = ("templates", "next_page_token")
    TEMPLATES_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    templates: _containers.RepeatedCompositeFieldContainer[Template]
    next_page_token: str
    def __init__(self, templates: _Optional[_Iterable[_Union[Template, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class PreviewTemplateRequest(_message.Message):
    __slots__ = ("template", "draft", "selection", "variables", "recipient", "complaint_reference")
    class Selection(_message.Message):
        __slots__ = ("event", "language_code")
        EVENT_FIELD_NUMBER: _ClassVar[int]
        LANGUAGE_CODE_FIELD_NUMBER: _ClassVar[int]
        event: NotificationEvent
        language_code: str
        def __init__(self, event: _Optional[_Union[NotificationEvent, str]] = ..., language_code: _Optional[str] = ...) -> None: ...
    class VariablesEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    TEMPLATE_FIELD_NUMBER: _ClassVar[int]
    DRAFT_FIELD_NUMBER: _ClassVar[int]
    SELECTION_FIELD_NUMBER: _ClassVar[int]
    VARIABLES_FIELD_NUMBER: _ClassVar[int]
    RECIPIENT_FIELD_NUMBER: _ClassVar[int]
    COMPLAINT_REFERENCE_FIELD_NUMBER: _ClassVar[int]
    template: str
    draft: Template
    selection: PreviewTemplateRequest.Selection
    variables: _containers.ScalarMap[str, str]
    recipient: _common_pb2.Player
    complaint_reference: str
    def __init__(self, template: _Optional[str] = ..., draft: _Optional[_Union[Template, _Mapping]] = ..., selection: _Optional[_Union[PreviewTemplateRequest.Selection, _Mapping]] = ..., variables: _Optional[_Mapping[str, str]] = ..., recipient: _Optional[_Union[_common_pb2.Player, _Mapping]] = ..., complaint_reference: _Optional[str] = ...) -> None: ...

class PreviewTemplateResponse(_message.Message):
    __slots__ = ("rendered", "template", "template_version", "locale", "missing_variables")
    RENDERED_FIELD_NUMBER: _ClassVar[int]
    TEMPLATE_FIELD_NUMBER: _ClassVar[int]
    TEMPLATE_VERSION_FIELD_NUMBER: _ClassVar[int]
    LOCALE_FIELD_NUMBER: _ClassVar[int]
    MISSING_VARIABLES_FIELD_NUMBER: _ClassVar[int]
    rendered: RenderedMessage
    template: str
    template_version: int
    locale: str
    missing_variables: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, rendered: _Optional[_Union[RenderedMessage, _Mapping]] = ..., template: _Optional[str] = ..., template_version: _Optional[int] = ..., locale: _Optional[str] = ..., missing_variables: _Optional[_Iterable[str]] = ...) -> None: ...

class SendNotificationRequest(_message.Message):
    __slots__ = ("dedupe_key", "event", "purpose", "recipient", "complaint", "complaint_reference", "variables", "channel")
    class VariablesEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    DEDUPE_KEY_FIELD_NUMBER: _ClassVar[int]
    EVENT_FIELD_NUMBER: _ClassVar[int]
    PURPOSE_FIELD_NUMBER: _ClassVar[int]
    RECIPIENT_FIELD_NUMBER: _ClassVar[int]
    COMPLAINT_FIELD_NUMBER: _ClassVar[int]
    COMPLAINT_REFERENCE_FIELD_NUMBER: _ClassVar[int]
    VARIABLES_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    dedupe_key: str
    event: NotificationEvent
    purpose: MessagePurpose
    recipient: _common_pb2.Player
    complaint: str
    complaint_reference: str
    variables: _containers.ScalarMap[str, str]
    channel: _common_pb2.Channel
    def __init__(self, dedupe_key: _Optional[str] = ..., event: _Optional[_Union[NotificationEvent, str]] = ..., purpose: _Optional[_Union[MessagePurpose, str]] = ..., recipient: _Optional[_Union[_common_pb2.Player, _Mapping]] = ..., complaint: _Optional[str] = ..., complaint_reference: _Optional[str] = ..., variables: _Optional[_Mapping[str, str]] = ..., channel: _Optional[_Union[_common_pb2.Channel, str]] = ...) -> None: ...

class SendNotificationResponse(_message.Message):
    __slots__ = ("notification", "replayed")
    NOTIFICATION_FIELD_NUMBER: _ClassVar[int]
    REPLAYED_FIELD_NUMBER: _ClassVar[int]
    notification: Notification
    replayed: bool
    def __init__(self, notification: _Optional[_Union[Notification, _Mapping]] = ..., replayed: _Optional[bool] = ...) -> None: ...

class WebhookEndpoint(_message.Message):
    __slots__ = ("name", "url", "description", "events", "disabled", "secret_hint", "previous_secret_expire_time", "secret_create_time", "stats", "create_time", "update_time", "etag")
    NAME_FIELD_NUMBER: _ClassVar[int]
    URL_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    EVENTS_FIELD_NUMBER: _ClassVar[int]
    DISABLED_FIELD_NUMBER: _ClassVar[int]
    SECRET_HINT_FIELD_NUMBER: _ClassVar[int]
    PREVIOUS_SECRET_EXPIRE_TIME_FIELD_NUMBER: _ClassVar[int]
    SECRET_CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    STATS_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    name: str
    url: str
    description: str
    events: _containers.RepeatedScalarFieldContainer[NotificationEvent]
    disabled: bool
    secret_hint: str
    previous_secret_expire_time: _timestamp_pb2.Timestamp
    secret_create_time: _timestamp_pb2.Timestamp
    stats: WebhookEndpointStats
    create_time: _timestamp_pb2.Timestamp
    update_time: _timestamp_pb2.Timestamp
    etag: str
    def __init__(self, name: _Optional[str] = ..., url: _Optional[str] = ..., description: _Optional[str] = ..., events: _Optional[_Iterable[_Union[NotificationEvent, str]]] = ..., disabled: _Optional[bool] = ..., secret_hint: _Optional[str] = ..., previous_secret_expire_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., secret_create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., stats: _Optional[_Union[WebhookEndpointStats, _Mapping]] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., etag: _Optional[str] = ...) -> None: ...

class WebhookEndpointStats(_message.Message):
    __slots__ = ("delivered_count", "failed_attempt_count", "last_attempt_time", "last_status_code", "last_result")
    DELIVERED_COUNT_FIELD_NUMBER: _ClassVar[int]
    FAILED_ATTEMPT_COUNT_FIELD_NUMBER: _ClassVar[int]
    LAST_ATTEMPT_TIME_FIELD_NUMBER: _ClassVar[int]
    LAST_STATUS_CODE_FIELD_NUMBER: _ClassVar[int]
    LAST_RESULT_FIELD_NUMBER: _ClassVar[int]
    delivered_count: int
    failed_attempt_count: int
    last_attempt_time: _timestamp_pb2.Timestamp
    last_status_code: int
    last_result: DeliveryAttempt.Result
    def __init__(self, delivered_count: _Optional[int] = ..., failed_attempt_count: _Optional[int] = ..., last_attempt_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., last_status_code: _Optional[int] = ..., last_result: _Optional[_Union[DeliveryAttempt.Result, str]] = ...) -> None: ...

class CreateWebhookEndpointRequest(_message.Message):
    __slots__ = ("request_id", "webhook_endpoint")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    WEBHOOK_ENDPOINT_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    webhook_endpoint: WebhookEndpoint
    def __init__(self, request_id: _Optional[str] = ..., webhook_endpoint: _Optional[_Union[WebhookEndpoint, _Mapping]] = ...) -> None: ...

class CreateWebhookEndpointResponse(_message.Message):
    __slots__ = ("webhook_endpoint", "secret")
    WEBHOOK_ENDPOINT_FIELD_NUMBER: _ClassVar[int]
    SECRET_FIELD_NUMBER: _ClassVar[int]
    webhook_endpoint: WebhookEndpoint
    secret: str
    def __init__(self, webhook_endpoint: _Optional[_Union[WebhookEndpoint, _Mapping]] = ..., secret: _Optional[str] = ...) -> None: ...

class GetWebhookEndpointRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class GetWebhookEndpointResponse(_message.Message):
    __slots__ = ("webhook_endpoint",)
    WEBHOOK_ENDPOINT_FIELD_NUMBER: _ClassVar[int]
    webhook_endpoint: WebhookEndpoint
    def __init__(self, webhook_endpoint: _Optional[_Union[WebhookEndpoint, _Mapping]] = ...) -> None: ...

class ListWebhookEndpointsRequest(_message.Message):
    __slots__ = ("page_size", "page_token")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListWebhookEndpointsResponse(_message.Message):
    __slots__ = ("webhook_endpoints", "next_page_token")
    WEBHOOK_ENDPOINTS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    webhook_endpoints: _containers.RepeatedCompositeFieldContainer[WebhookEndpoint]
    next_page_token: str
    def __init__(self, webhook_endpoints: _Optional[_Iterable[_Union[WebhookEndpoint, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class UpdateWebhookEndpointRequest(_message.Message):
    __slots__ = ("webhook_endpoint", "update_mask", "etag")
    WEBHOOK_ENDPOINT_FIELD_NUMBER: _ClassVar[int]
    UPDATE_MASK_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    webhook_endpoint: WebhookEndpoint
    update_mask: _field_mask_pb2.FieldMask
    etag: str
    def __init__(self, webhook_endpoint: _Optional[_Union[WebhookEndpoint, _Mapping]] = ..., update_mask: _Optional[_Union[_field_mask_pb2.FieldMask, _Mapping]] = ..., etag: _Optional[str] = ...) -> None: ...

class UpdateWebhookEndpointResponse(_message.Message):
    __slots__ = ("webhook_endpoint",)
    WEBHOOK_ENDPOINT_FIELD_NUMBER: _ClassVar[int]
    webhook_endpoint: WebhookEndpoint
    def __init__(self, webhook_endpoint: _Optional[_Union[WebhookEndpoint, _Mapping]] = ...) -> None: ...

class DeleteWebhookEndpointRequest(_message.Message):
    __slots__ = ("name", "etag")
    NAME_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    name: str
    etag: str
    def __init__(self, name: _Optional[str] = ..., etag: _Optional[str] = ...) -> None: ...

class DeleteWebhookEndpointResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class RotateWebhookEndpointSecretRequest(_message.Message):
    __slots__ = ("name", "request_id", "overlap", "etag")
    NAME_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    OVERLAP_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    name: str
    request_id: str
    overlap: _duration_pb2.Duration
    etag: str
    def __init__(self, name: _Optional[str] = ..., request_id: _Optional[str] = ..., overlap: _Optional[_Union[datetime.timedelta, _duration_pb2.Duration, _Mapping]] = ..., etag: _Optional[str] = ...) -> None: ...

class RotateWebhookEndpointSecretResponse(_message.Message):
    __slots__ = ("webhook_endpoint", "secret")
    WEBHOOK_ENDPOINT_FIELD_NUMBER: _ClassVar[int]
    SECRET_FIELD_NUMBER: _ClassVar[int]
    webhook_endpoint: WebhookEndpoint
    secret: str
    def __init__(self, webhook_endpoint: _Optional[_Union[WebhookEndpoint, _Mapping]] = ..., secret: _Optional[str] = ...) -> None: ...

class TestWebhookEndpointRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class TestWebhookEndpointResponse(_message.Message):
    __slots__ = ("result", "status_code", "response", "error_message", "start_time", "latency")
    RESULT_FIELD_NUMBER: _ClassVar[int]
    STATUS_CODE_FIELD_NUMBER: _ClassVar[int]
    RESPONSE_FIELD_NUMBER: _ClassVar[int]
    ERROR_MESSAGE_FIELD_NUMBER: _ClassVar[int]
    START_TIME_FIELD_NUMBER: _ClassVar[int]
    LATENCY_FIELD_NUMBER: _ClassVar[int]
    result: DeliveryAttempt.Result
    status_code: int
    response: str
    error_message: str
    start_time: _timestamp_pb2.Timestamp
    latency: _duration_pb2.Duration
    def __init__(self, result: _Optional[_Union[DeliveryAttempt.Result, str]] = ..., status_code: _Optional[int] = ..., response: _Optional[str] = ..., error_message: _Optional[str] = ..., start_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., latency: _Optional[_Union[datetime.timedelta, _duration_pb2.Duration, _Mapping]] = ...) -> None: ...

class ExportPlayerRecordsRequest(_message.Message):
    __slots__ = ("player_id", "complaints")
    PLAYER_ID_FIELD_NUMBER: _ClassVar[int]
    COMPLAINTS_FIELD_NUMBER: _ClassVar[int]
    player_id: str
    complaints: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, player_id: _Optional[str] = ..., complaints: _Optional[_Iterable[str]] = ...) -> None: ...

class ExportPlayerRecordsResponse(_message.Message):
    __slots__ = ("notification", "attempt")
    NOTIFICATION_FIELD_NUMBER: _ClassVar[int]
    ATTEMPT_FIELD_NUMBER: _ClassVar[int]
    notification: Notification
    attempt: DeliveryAttempt
    def __init__(self, notification: _Optional[_Union[Notification, _Mapping]] = ..., attempt: _Optional[_Union[DeliveryAttempt, _Mapping]] = ...) -> None: ...
