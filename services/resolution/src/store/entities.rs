//! sea-orm entities of resolution's tables.

/// A case: the indexed columns the queue and the sweeper filter and sort on,
/// and the whole case as a prost-encoded `resolution.v1.Case` (`body`).
pub mod case {
    use redress_db::{Encoded, Stored};
    use redress_proto::{
        common::v1::ComplaintCategory,
        resolution::v1::{Case, case::State},
    };
    use sea_orm::entity::prelude::*;

    /// One row per case.
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "cases")]
    pub struct Model {
        /// UUIDv7.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: String,
        pub tenant_id: String,
        /// The intake complaint id; one case per complaint.
        pub complaint_id: String,
        pub state: Stored<State>,
        pub assignee: String,
        pub queue: String,
        /// 0 urgent … 4 unspecified, so the queue sorts ascending.
        pub priority_rank: i32,
        pub category: Stored<ComplaintCategory>,
        pub jurisdiction: String,
        pub player_id: String,
        pub responsible_gambling: bool,
        pub follow_up_pending: bool,
        /// The earliest due time of a running, unpaused clock, or
        /// [`crate::store::NEVER`] (so cases without a clock sort last).
        pub due_at: DateTimeUtc,
        /// When the earliest running clock reaches 75 %: the case is at risk.
        pub warn_at: DateTimeUtc,
        /// When the sweeper has work on this case next (a threshold or a breach).
        pub sweep_at: DateTimeUtc,
        /// When the complaint first became a dispute (regulatory returns).
        pub disputed_at: Option<DateTimeUtc>,
        /// When the ADR body's enquiry reached the casino (regulatory returns).
        pub referred_at: Option<DateTimeUtc>,
        pub last_event_sequence: i64,
        /// The hash of the last event: the head of the chain.
        pub head_hash: String,
        /// Bumped on every change; the etag.
        pub version: i64,
        /// `resolution.v1.Case`, prost-encoded; bytes that do not decode
        /// fail the query.
        pub body: Encoded<Case>,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// The append-only, hash-chained history of a case.
pub mod case_event {
    use redress_db::Stored;
    use redress_proto::resolution::v1::{case::State, case_event::Type};
    use sea_orm::entity::prelude::*;

    /// One row per event; never deleted, and changed only by an erasure
    /// (see `store::rewrite_event`).
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "case_events")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub case_id: String,
        #[sea_orm(primary_key, auto_increment = false)]
        pub sequence: i64,
        pub tenant_id: String,
        pub event_type: Stored<Type>,
        pub actor: String,
        pub state: Stored<State>,
        pub payload_summary: String,
        /// The request as applied (prost or JSON bytes).
        pub payload: Vec<u8>,
        pub payload_hash: String,
        pub previous_hash: String,
        pub hash: String,
        pub created_at: DateTimeUtc,
        /// 0 (the original format) or 2; see `domain::chain`.
        pub chain_version: i32,
        /// Version 2: SHA-256 of the salt and the summary.
        pub summary_hash: String,
        pub summary_salt: String,
        /// When the summary and payload were erased.
        pub erased_at: Option<DateTimeUtc>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// Response macros, per tenant, category and language.
pub mod response_macro {
    use redress_db::Stored;
    use redress_proto::resolution::v1::{ResolutionType, r#macro::Purpose};
    use sea_orm::entity::prelude::*;

    /// One row per macro.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "macros")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: String,
        #[sea_orm(primary_key, auto_increment = false)]
        pub tenant_id: String,
        pub key: String,
        pub display_name: String,
        pub purpose: Stored<Purpose>,
        /// The `ComplaintCategory` value (0: every category), so lists sort by it.
        pub category: i32,
        pub language_code: String,
        pub resolution_type: Stored<ResolutionType>,
        pub body: String,
        pub active: bool,
        /// Bumped on every change; the etag.
        pub version: i64,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// Evidence attached to a case: its metadata. The content is in
/// `evidence_chunks`, in rows of at most 256 KiB.
pub mod evidence {
    use redress_db::Stored;
    use redress_proto::resolution::v1::evidence::State;
    use sea_orm::entity::prelude::*;

    /// One row per evidence; only the scan columns ever change.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "evidence")]
    pub struct Model {
        /// UUIDv7.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: String,
        pub tenant_id: String,
        /// Empty while the evidence waits for its complaint's case (uploaded
        /// to `complaints/{complaint}` before OpenCase); set once, when
        /// OpenCase adopts it.
        pub case_id: String,
        /// The intake complaint the evidence belongs to (its case's).
        pub complaint_id: String,
        pub filename: String,
        /// Sniffed from the bytes.
        pub content_type: String,
        /// What the uploader claimed.
        pub declared_content_type: String,
        pub size_bytes: i64,
        /// Lowercase hex SHA-256 of the content.
        pub sha256: String,
        /// Number of chunk rows.
        pub chunk_count: i32,
        pub uploader_subject: String,
        pub uploader_role: String,
        pub description: String,
        pub state: Stored<State>,
        pub scan_reason: String,
        pub scan_time: Option<DateTimeUtc>,
        /// The case event that recorded the attachment.
        pub event_sequence: i64,
        pub created_at: DateTimeUtc,
        /// When the content was deleted and the name and description erased.
        pub erased_at: Option<DateTimeUtc>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// The content of evidence, chunk by chunk. Written during the upload,
/// before the evidence row exists; chunks of an upload that never completed
/// have no evidence row, are never read, and the janitor removes them.
pub mod evidence_chunk {
    use sea_orm::entity::prelude::*;

    /// One row per chunk.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "evidence_chunks")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub evidence_id: String,
        /// 0, 1, … in content order.
        #[sea_orm(primary_key, auto_increment = false)]
        pub seq: i32,
        pub tenant_id: String,
        pub data: Vec<u8>,
        pub created_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}
