//! sea-orm entities of feedback's tables.

/// The raw analytics events, one row per event id.
pub mod event {
    use redress_db::Stored;
    use redress_proto::feedback::v1::EventType;
    use sea_orm::entity::prelude::*;

    /// One row per (tenant, event id).
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "events")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub tenant_id: String,
        #[sea_orm(primary_key, auto_increment = false)]
        pub event_id: String,
        pub complaint_id: String,
        pub case_name: String,
        pub kind: Stored<EventType>,
        pub occur_at: DateTimeUtc,
        pub category: String,
        pub channel: String,
        pub jurisdiction: String,
        pub agent: String,
        pub game_id: String,
        pub game_provider: String,
        pub payment_method: String,
        pub bonus_id: String,
        pub priority: String,
        pub responsible_gambling: bool,
        pub outcome: String,
        pub clock: String,
        pub clock_met: bool,
        pub received_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// One row per complaint: its events folded into what insights read.
pub mod complaint_fact {
    use sea_orm::entity::prelude::*;

    /// One row per (tenant, complaint).
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "complaint_facts")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub tenant_id: String,
        #[sea_orm(primary_key, auto_increment = false)]
        pub complaint_id: String,
        pub case_name: String,
        pub category: String,
        /// The category as filed (`category` is the current one).
        pub original_category: String,
        pub recategorised_at: Option<DateTimeUtc>,
        pub channel: String,
        pub jurisdiction: String,
        pub agent: String,
        pub game_id: String,
        pub game_provider: String,
        pub payment_method: String,
        pub bonus_id: String,
        pub priority: String,
        pub dims_at: Option<DateTimeUtc>,
        pub responsible_gambling: bool,
        pub submitted_at: Option<DateTimeUtc>,
        pub first_response_at: Option<DateTimeUtc>,
        pub resolved_at: Option<DateTimeUtc>,
        pub outcome: String,
        pub outcome_at: Option<DateTimeUtc>,
        pub escalated_at: Option<DateTimeUtc>,
        pub adr_referred_at: Option<DateTimeUtc>,
        pub reopened_at: Option<DateTimeUtc>,
        pub reopen_count: i32,
        pub withdrawn_at: Option<DateTimeUtc>,
        pub closed_at: Option<DateTimeUtc>,
        pub ack_ended_at: Option<DateTimeUtc>,
        pub ack_met: Option<bool>,
        pub ack_warned_at: Option<DateTimeUtc>,
        pub final_ended_at: Option<DateTimeUtc>,
        pub final_met: Option<bool>,
        pub final_warned_at: Option<DateTimeUtc>,
        pub adr_ended_at: Option<DateTimeUtc>,
        pub adr_met: Option<bool>,
        pub adr_warned_at: Option<DateTimeUtc>,
        pub survey_sent_at: Option<DateTimeUtc>,
        pub answered_at: Option<DateTimeUtc>,
        pub csat: Option<i32>,
        pub fairness: Option<i32>,
        pub solved: Option<bool>,
        pub first_activity_at: Option<DateTimeUtc>,
        pub last_activity_at: Option<DateTimeUtc>,
        pub updated_at: DateTimeUtc,
        /// Submitted to first response and to resolution, in microseconds
        /// (none when either end is unknown or they are out of order):
        /// kept with the times so the database ranks durations itself.
        pub first_response_micros: Option<i64>,
        pub resolution_micros: Option<i64>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// Satisfaction surveys, one per case.
pub mod survey {
    use redress_db::Stored;
    use redress_proto::{
        common::v1::Outcome,
        feedback::v1::{survey::State, survey_answer::ProblemSolved},
    };
    use sea_orm::entity::prelude::*;

    /// One row per survey.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "surveys")]
    pub struct Model {
        /// UUIDv7.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: String,
        pub tenant_id: String,
        /// `cases/{id}`; one survey per case.
        pub case_name: String,
        pub complaint_id: String,
        pub complaint_reference: String,
        pub player_id: String,
        pub player_display_name: String,
        pub language_code: String,
        /// A `ComplaintCategory` name, or empty: unspecified.
        pub category: String,
        pub outcome: Stored<Outcome>,
        /// SHA-256 of the token, hex; `None` when suppressed.
        pub token_hash: Option<String>,
        /// OPEN, ANSWERED or SUPPRESSED (expiry is computed on read).
        pub state: Stored<State>,
        pub csat: Option<i32>,
        pub problem_solved: Option<Stored<ProblemSolved>>,
        pub fairness: Option<i32>,
        pub comment: Option<String>,
        pub answered_at: Option<DateTimeUtc>,
        pub follow_up_flagged: bool,
        pub created_at: DateTimeUtc,
        pub expire_at: DateTimeUtc,
        pub follow_up_at: DateTimeUtc,
        /// The follow-up check ran.
        pub follow_up_done: bool,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// Spike alerts sent, so each spike alerts once.
pub mod spike_alert {
    use sea_orm::entity::prelude::*;

    /// One row per alert.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "spike_alerts")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: String,
        pub tenant_id: String,
        /// `category:kind:reference`.
        pub cluster: String,
        pub window_start: DateTimeUtc,
        pub window_end: DateTimeUtc,
        pub count: i64,
        pub created_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}
