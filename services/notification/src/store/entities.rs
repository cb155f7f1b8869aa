//! sea-orm entities of notification's tables.

/// A notification: one message to one recipient, from acceptance to proof.
pub mod notification {
    use redress_db::{Encoded, Stored};
    use redress_proto::{
        common::v1::{Channel, Player},
        notification::v1::{MessagePurpose, NotificationEvent, notification::State},
    };
    use sea_orm::entity::prelude::*;

    /// One row per notification.
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "notifications")]
    pub struct Model {
        /// UUIDv7: sorts by creation time, so it is also the list cursor.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: String,
        pub tenant_id: String,
        /// Unique per tenant: the caller's idempotency key.
        pub dedupe_key: String,
        /// SHA-256 of the request without its key; a reuse with another payload differs.
        pub fingerprint: String,
        pub event: Stored<NotificationEvent>,
        pub purpose: Stored<MessagePurpose>,
        /// `common.v1.Player`, prost-encoded (empty: none).
        pub recipient: Encoded<Player>,
        pub player_id: String,
        /// `complaints/{id}` or empty.
        pub complaint: String,
        pub complaint_reference: String,
        /// The caller's variables, a JSON object of strings, without the
        /// secret ones (see `domain::is_secret_variable`): what staff may read.
        pub variables: String,
        /// The secret variables (the survey token and URL), a JSON object;
        /// read only to render and deliver, never returned by the API.
        pub secret_variables: String,
        /// When the message holds a secret: the message as delivered, a JSON
        /// `{subject, body_text, body_html}`. `subject`/`body_*` then hold the
        /// redacted rendering staff see. Never returned by the API.
        pub sealed_message: Option<String>,
        /// The channel after routing.
        pub channel: Stored<Channel>,
        /// Set once rendered.
        pub locale: String,
        pub template_name: String,
        pub template_version: i32,
        pub subject: Option<String>,
        pub body_text: Option<String>,
        pub body_html: Option<String>,
        pub state: Stored<State>,
        /// A `SuppressionReason` name, or empty: none.
        pub suppression_reason: String,
        /// A `DeadLetterReason` name, or empty: none.
        pub dead_letter_reason: String,
        pub attempt_count: i32,
        pub max_attempts: i32,
        pub next_attempt_at: Option<DateTimeUtc>,
        /// While set and in the future, one sender owns the notification.
        pub lease_until: Option<DateTimeUtc>,
        pub redrive_count: i32,
        pub resend_of: String,
        pub creator: String,
        /// Proof of delivery: when the provider accepted it.
        pub accepted_at: Option<DateTimeUtc>,
        /// Proof of delivery: the accepting attempt's id.
        pub accepted_attempt: String,
        pub provider_message_id: String,
        pub destination: String,
        pub content_sha256: String,
        /// W3C trace context (`traceparent`, `tracestate`) of the request
        /// that accepted the notification, as JSON: every delivery attempt's
        /// span is its child. `None` for rows accepted before it was kept.
        pub trace_context: Option<String>,
        /// Bumped on every change; the etag.
        pub version: i64,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// Delivery attempts: written before the send (so a crash leaves a trace),
/// completed after it.
pub mod attempt {
    use redress_db::Stored;
    use redress_proto::{common::v1::Channel, notification::v1::delivery_attempt::Result as AttemptResult};
    use sea_orm::entity::prelude::*;

    /// One row per attempt.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "delivery_attempts")]
    pub struct Model {
        /// UUIDv7, so attempts sort by id.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: String,
        pub tenant_id: String,
        pub notification_id: String,
        pub attempt_number: i32,
        pub channel: Stored<Channel>,
        pub destination: String,
        pub started_at: DateTimeUtc,
        pub ended_at: Option<DateTimeUtc>,
        /// `None` while in flight (or when the sender died mid-attempt).
        pub result: Option<Stored<AttemptResult>>,
        pub provider_status_code: i32,
        pub provider_response: String,
        pub provider_message_id: String,
        pub error_message: String,
        /// The webhook endpoint's id; empty for e-mail and for the TOML
        /// bootstrap endpoint.
        pub webhook_endpoint_id: String,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// Templates in their current version.
pub mod template {
    use redress_db::Stored;
    use redress_proto::notification::v1::NotificationEvent;
    use sea_orm::entity::prelude::*;

    /// One row per (tenant, event, locale).
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "templates")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: String,
        pub tenant_id: String,
        pub event: Stored<NotificationEvent>,
        /// Lowercase BCP 47 tag.
        pub locale: String,
        pub version: i32,
        pub subject: String,
        pub body_text: String,
        pub body_html: String,
        pub updater: String,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// Every version of every template, kept for the regulator.
pub mod template_version {
    use sea_orm::entity::prelude::*;

    /// One row per (template, version).
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "template_versions")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub template_id: String,
        #[sea_orm(primary_key, auto_increment = false)]
        pub version: i32,
        pub tenant_id: String,
        pub subject: String,
        pub body_text: String,
        pub body_html: String,
        pub updater: String,
        pub created_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// Webhook endpoints registered through the API.
pub mod webhook_endpoint {
    use redress_db::Stored;
    use redress_proto::notification::v1::delivery_attempt::Result as AttemptResult;
    use sea_orm::entity::prelude::*;

    /// One row per endpoint.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "webhook_endpoints")]
    pub struct Model {
        /// UUIDv7: the routing order (oldest first) and the list cursor.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: String,
        pub tenant_id: String,
        pub url: String,
        pub description: String,
        /// The subscribed `NotificationEvent` names, a JSON array; empty: all.
        pub events: String,
        pub disabled: bool,
        /// The current signing secret, sealed (see `crate::sealing`).
        pub secret_sealed: Vec<u8>,
        pub secret_hint: String,
        pub secret_created_at: DateTimeUtc,
        /// The secret before the last rotation, sealed, while it still signs.
        pub previous_secret_sealed: Option<Vec<u8>>,
        pub previous_secret_expires_at: Option<DateTimeUtc>,
        /// Statistics, changed by the sender without touching `version`.
        pub delivered_count: i64,
        pub failed_attempt_count: i64,
        pub last_attempt_at: Option<DateTimeUtc>,
        pub last_status_code: i32,
        pub last_result: Option<Stored<AttemptResult>>,
        /// Bumped by every change of configuration or secret; the etag.
        pub version: i64,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}
