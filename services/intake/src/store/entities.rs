//! sea-orm entities of intake's tables.

/// A complaint as filed, with triage and the status the player sees.
pub mod complaint {
    use redress_db::{Encoded, Stored};
    use redress_proto::common::v1::{
        Channel, ComplaintCategory, ComplaintKind, ComplaintStatus, Outcome, Player, Priority, TransactionReferences,
    };
    use sea_orm::entity::prelude::*;

    /// One row per complaint.
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "complaints")]
    pub struct Model {
        /// UUIDv7: sorts by creation time, so it is also the list cursor.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: String,
        pub tenant_id: String,
        pub reference: String,
        pub player_id: String,
        pub jurisdiction: String,
        /// `common.v1.Player`, prost-encoded.
        pub player: Encoded<Player>,
        /// `common.v1.TransactionReferences`, prost-encoded.
        pub transaction_references: Encoded<TransactionReferences>,
        /// Strongest transaction reference, e.g. `withdrawal:W-1`; duplicates match on it.
        pub duplicate_key: Option<String>,
        pub category: Stored<ComplaintCategory>,
        pub category_inferred: bool,
        /// The category as filed; `category` changes when resolution
        /// recategorises the case.
        pub original_category: Stored<ComplaintCategory>,
        pub subject: String,
        pub description: String,
        pub channel: Stored<Channel>,
        pub incident_at: DateTimeUtc,
        pub disputed_amount_minor: Option<i64>,
        pub disputed_currency: Option<String>,
        pub status: Stored<ComplaintStatus>,
        pub priority: Stored<Priority>,
        pub kind: Stored<ComplaintKind>,
        pub responsible_gambling: bool,
        /// Harm indicator ids, comma-separated.
        pub harm_indicators: String,
        /// The open complaint this one repeats (its id).
        pub duplicate_of: Option<String>,
        pub acknowledge_due_at: DateTimeUtc,
        pub final_response_due_at: DateTimeUtc,
        pub policy_jurisdiction: String,
        pub policy_version: String,
        pub outcome: Stored<Outcome>,
        pub case_name: Option<String>,
        /// Highest resolution case-event sequence applied.
        pub last_case_sequence: i64,
        /// Bumped on every change; the etag.
        pub version: i64,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
        /// When the complaint's personal data was erased.
        pub erased_at: Option<DateTimeUtc>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// The history of a complaint: every message in and out, every status change.
pub mod interaction {
    use redress_db::Stored;
    use redress_proto::{
        common::v1::{Channel, ComplaintStatus},
        intake::v1::interaction::{Direction, Kind},
    };
    use sea_orm::entity::prelude::*;

    /// One row per interaction.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "interactions")]
    pub struct Model {
        /// UUIDv7, so history sorts by id.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: String,
        pub tenant_id: String,
        pub complaint_id: String,
        pub kind: Stored<Kind>,
        pub direction: Stored<Direction>,
        pub channel: Stored<Channel>,
        pub body: String,
        pub author: String,
        pub status: Option<Stored<ComplaintStatus>>,
        pub created_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}
