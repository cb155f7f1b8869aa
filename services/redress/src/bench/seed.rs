//! `redress bench seed`: synthetic complaints (intake's database) and cases
//! (resolution's) written straight into the tables, for list benchmarks at
//! sizes no SubmitComplaint run reaches in reasonable time.
//!
//! The schema is the services' own: the seeder runs their migrators first
//! and fills their sea-orm entities, and the case rows come from resolution's
//! own `row_of`. Rows go in as multi-row INSERTs of [`ROWS_PER_STATEMENT`],
//! committed every `--batch` rows.
//!
//! Every value is a function of `(--seed, row number)` (a SplitMix64 hash),
//! so two runs with the same arguments write the same rows. Case `i` belongs
//! to complaint `i` when both are seeded with the same seed. The
//! distributions, in per mille of rows:
//!
//! - category: withdrawal 450, verification 200, bonus 180, deposit 100, game
//!   malfunction 49, responsible gambling 20, account closure 1 (the rare one);
//! - channel: e-mail 400, live chat 350, in-app 150, phone 80, SMS 15, post 5;
//! - jurisdiction: GB 450, MT 300, PL 150, CW 90, SE 10;
//! - player: `bench-player-<k>` with `k` uniform over rows / 20 players (about
//!   20 complaints each, at every size);
//! - case state: open 200 (new 60, in progress 80, awaiting player 30,
//!   resolution proposed 20, escalated 10), resolved 550, closed 250; open
//!   cases are due 14 days after they were opened, closed ones never;
//! - assignee: `agent-0` … `agent-9` for every case past NEW (NEW cases are
//!   unassigned); queue by category (payments, accounts, bonuses, games,
//!   responsible-gambling); follow-up pending: 10 of resolved and closed cases.
//!
//! Creation times are spread evenly over the 365 days before 2026-11-01, in
//! row order, and ids are UUIDv7 of those times.

use std::time::Instant;

use anyhow::{Context, bail};
use chrono::{DateTime, Duration, TimeZone, Utc};
use clap::Args;
use redress_db::{DatabaseConfig, Encoded, Stored};
use redress_intake::store::complaint;
use redress_proto::{
    common::v1::{
        Channel, ComplaintCategory, ComplaintKind, ComplaintStatus, Outcome, Player, Priority, TransactionReferences,
    },
    resolution::v1::{Case, case::State},
};
use redress_resolution::store::case;
use sea_orm::{ConnectionTrait, DatabaseConnection, EntityTrait, IntoActiveModel, TransactionTrait};

/// Rows per INSERT: under SQLite's 32,766 and PostgreSQL's 65,535 bound
/// parameters for the widest table (complaints, 33 columns).
const ROWS_PER_STATEMENT: usize = 500;

/// Arguments of `redress bench seed`.
#[derive(Debug, Args)]
pub struct SeedArgs {
    /// Intake's database (`sqlite://file.db?mode=rwc` or `postgres://…`).
    #[arg(long, requires = "complaints")]
    intake_db: Option<String>,
    /// Complaints to write into `--intake-db`.
    #[arg(long, default_value_t = 0)]
    complaints: u64,
    /// Resolution's database.
    #[arg(long, requires = "cases")]
    resolution_db: Option<String>,
    /// Cases to write into `--resolution-db`.
    #[arg(long, default_value_t = 0)]
    cases: u64,
    /// The tenant that owns every row.
    #[arg(long, default_value = "bench-casino")]
    tenant: String,
    /// Rows per transaction.
    #[arg(long, default_value_t = 5_000, value_parser = clap::value_parser!(u64).range(1..=1_000_000))]
    batch: u64,
    /// Varies the data; the same seed writes the same rows.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// The first row number, to add rows to an earlier seeding of the same seed.
    #[arg(long, default_value_t = 0)]
    start: u64,
}

/// `redress bench seed`.
pub async fn run(args: SeedArgs) -> anyhow::Result<()> {
    if args.intake_db.is_none() && args.resolution_db.is_none() {
        bail!("nothing to seed: give --intake-db with --complaints and/or --resolution-db with --cases");
    }
    let data = Data::new(args.seed, args.start + args.complaints.max(args.cases));
    if let Some(url) = &args.intake_db {
        let db = redress_db::connect_and_migrate::<redress_intake::store::migration::Migrator>(
            &DatabaseConfig::for_url(url.clone()),
        )
        .await
        .context("--intake-db")?;
        let tenant = args.tenant.as_str();
        fill(&db, "complaints", args.complaints, &args, |i| complaint::Entity::insert_many(data.complaints(tenant, i)))
            .await?;
    }
    if let Some(url) = &args.resolution_db {
        let db = redress_db::connect_and_migrate::<redress_resolution::store::migration::Migrator>(
            &DatabaseConfig::for_url(url.clone()),
        )
        .await
        .context("--resolution-db")?;
        let tenant = args.tenant.as_str();
        fill(&db, "cases", args.cases, &args, |i| case::Entity::insert_many(data.cases(tenant, i))).await?;
    }
    Ok(())
}

/// Inserts the rows `args.start..args.start + count` of `table`, `insert(range)`
/// building one statement.
async fn fill<A, F>(db: &DatabaseConnection, table: &str, count: u64, args: &SeedArgs, insert: F) -> anyhow::Result<()>
where
    A: sea_orm::ActiveModelTrait + Send,
    F: Fn(std::ops::Range<u64>) -> sea_orm::InsertMany<A>,
{
    let (from, to) = (args.start, args.start + count);
    let started = Instant::now();
    let mut next = from;
    while next < to {
        let batch_end = (next + args.batch).min(to);
        let txn = db.begin().await?;
        while next < batch_end {
            let end = (next + ROWS_PER_STATEMENT as u64).min(batch_end);
            insert(next..end).exec_without_returning(&txn).await.with_context(|| format!("{table} {next}..{end}"))?;
            next = end;
        }
        txn.commit().await?;
        if (next - from) % 100_000 < args.batch || next == to {
            eprintln!("{table}: {} of {count} in {:.1} s", next - from, started.elapsed().as_secs_f64());
        }
    }
    let secs = started.elapsed().as_secs_f64().max(f64::EPSILON);
    println!("{table}: {count} rows in {secs:.1} s ({:.0} rows/s)", count as f64 / secs);
    // Fresh statistics, as after any bulk load: before autovacuum gets to a
    // million new rows, the planner still sees an empty table and picks scans
    // that sort every match (ListCases took 0.5 s a page at 1 M rows).
    db.execute_unprepared(&format!("ANALYZE {table}")).await.with_context(|| format!("ANALYZE {table}"))?;
    Ok(())
}

/// The synthetic data set: row `i` of each table is a function of the seed and `i`.
struct Data {
    seed: u64,
    players: u64,
    first: DateTime<Utc>,
    /// Microseconds between consecutive rows.
    step_us: i64,
}

const CATEGORIES: [(u64, ComplaintCategory); 7] = [
    (450, ComplaintCategory::Withdrawal),
    (200, ComplaintCategory::Verification),
    (180, ComplaintCategory::Bonus),
    (100, ComplaintCategory::Deposit),
    (49, ComplaintCategory::GameMalfunction),
    (20, ComplaintCategory::ResponsibleGambling),
    (1, ComplaintCategory::AccountClosure),
];
const CHANNELS: [(u64, Channel); 6] = [
    (400, Channel::Email),
    (350, Channel::LiveChat),
    (150, Channel::InApp),
    (80, Channel::Phone),
    (15, Channel::Sms),
    (5, Channel::Post),
];
const JURISDICTIONS: [(u64, &str); 5] = [(450, "GB"), (300, "MT"), (150, "PL"), (90, "CW"), (10, "SE")];
const STATES: [(u64, State); 8] = [
    (60, State::New),
    (80, State::InProgress),
    (30, State::AwaitingPlayer),
    (20, State::ResolutionProposed),
    (10, State::Escalated),
    (550, State::Resolved),
    (250, State::Closed),
    (0, State::ReferredToAdr),
];
const PRIORITIES: [(u64, Priority); 4] =
    [(20, Priority::Urgent), (100, Priority::High), (780, Priority::Normal), (100, Priority::Low)];
const COMPLAINT_STATUSES: [(u64, ComplaintStatus); 6] = [
    (100, ComplaintStatus::Received),
    (150, ComplaintStatus::InProgress),
    (50, ComplaintStatus::AwaitingPlayer),
    (50, ComplaintStatus::ResolutionProposed),
    (550, ComplaintStatus::Resolved),
    (100, ComplaintStatus::Closed),
];

/// The entry of a per-mille table that `draw` (0..1000) falls in.
fn pick<T: Copy>(table: &[(u64, T)], draw: u64) -> T {
    let mut left = draw % 1000;
    for (weight, value) in table {
        if left < *weight {
            return *value;
        }
        left -= weight;
    }
    table[0].1
}

/// SplitMix64: a fast, well-mixed hash of a counter.
fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Independent draws for row `i`: one per attribute.
struct Draws([u64; 4]);

impl Draws {
    fn of(seed: u64, i: u64) -> Self {
        let base = mix(seed ^ mix(i));
        Self([base, mix(base), mix(base ^ 1), mix(base ^ 2)])
    }
    /// A draw in 0..1000 from slot `slot` (four per u64).
    fn mille(&self, slot: usize) -> u64 {
        ((self.0[slot / 4] >> ((slot % 4) * 16)) & 0xFFFF) % 1000
    }
}

impl Data {
    fn new(seed: u64, rows: u64) -> Self {
        let last = Utc.with_ymd_and_hms(2026, 11, 1, 0, 0, 0).single().unwrap_or_else(Utc::now);
        let year_us = 365 * 86_400 * 1_000_000_i64;
        let step_us = (year_us / rows.max(1) as i64).max(1);
        Self { seed, players: (rows / 20).max(1), first: last - Duration::microseconds(year_us), step_us }
    }

    fn created_at(&self, i: u64) -> DateTime<Utc> {
        self.first + Duration::microseconds(self.step_us * i as i64)
    }

    /// A UUIDv7 of `at` whose random bits come from `(salt, i)`.
    fn id(&self, salt: u64, i: u64, at: DateTime<Utc>) -> String {
        let random = mix(self.seed ^ mix(i ^ salt)).to_le_bytes();
        let mut bytes = [0u8; 10];
        bytes[..8].copy_from_slice(&random);
        bytes[8..].copy_from_slice(&mix(i).to_le_bytes()[..2]);
        uuid::Builder::from_unix_timestamp_millis(at.timestamp_millis() as u64, &bytes).into_uuid().to_string()
    }

    fn complaint_id(&self, i: u64) -> String {
        self.id(0xC0, i, self.created_at(i))
    }

    fn player(&self, d: &Draws) -> String {
        format!("bench-player-{}", d.0[3] % self.players)
    }

    fn complaints(&self, tenant: &str, rows: std::ops::Range<u64>) -> Vec<complaint::ActiveModel> {
        rows.map(|i| self.complaint(tenant, i).into_active_model()).collect()
    }

    fn complaint(&self, tenant: &str, i: u64) -> complaint::Model {
        let d = Draws::of(self.seed, i);
        let created_at = self.created_at(i);
        let category = pick(&CATEGORIES, d.mille(0));
        let jurisdiction = pick(&JURISDICTIONS, d.mille(2)).to_owned();
        let player_id = self.player(&d);
        let player = Player { player_id: player_id.clone(), jurisdiction: jurisdiction.clone(), ..Default::default() };
        let withdrawal = format!("W-{}-{i}", self.seed);
        let refs = TransactionReferences { withdrawal_id: withdrawal.clone(), ..Default::default() };
        complaint::Model {
            id: self.complaint_id(i),
            tenant_id: tenant.to_owned(),
            reference: format!("BENCH-{}-{i:08}", self.seed),
            player_id,
            policy_jurisdiction: if jurisdiction == "SE" { "default".into() } else { jurisdiction.clone() },
            jurisdiction,
            player: Encoded(player),
            transaction_references: Encoded(refs),
            duplicate_key: Some(format!("withdrawal:{withdrawal}")),
            category: Stored(category),
            category_inferred: false,
            original_category: Stored(category),
            subject: "My withdrawal has not arrived".into(),
            description: "I requested a withdrawal a week ago and it is still pending; support has not answered \
                          my messages. Please pay out or tell me what is missing."
                .into(),
            channel: Stored(pick(&CHANNELS, d.mille(1))),
            incident_at: created_at - Duration::days(2),
            disputed_amount_minor: Some(1_000 + (d.0[2] % 500_000) as i64),
            disputed_currency: Some("EUR".into()),
            status: Stored(pick(&COMPLAINT_STATUSES, d.mille(3))),
            priority: Stored(pick(&PRIORITIES, d.mille(4))),
            kind: Stored(ComplaintKind::Complaint),
            responsible_gambling: category == ComplaintCategory::ResponsibleGambling,
            harm_indicators: String::new(),
            duplicate_of: None,
            acknowledge_due_at: created_at + Duration::days(1),
            final_response_due_at: created_at + Duration::weeks(8),
            policy_version: "bench".into(),
            outcome: Stored(Outcome::Unspecified),
            case_name: None,
            last_case_sequence: 0,
            version: 1,
            created_at,
            updated_at: created_at,
            erased_at: None,
        }
    }

    fn cases(&self, tenant: &str, rows: std::ops::Range<u64>) -> Vec<case::ActiveModel> {
        rows.map(|i| self.case(tenant, i).into_active_model()).collect()
    }

    fn case(&self, tenant: &str, i: u64) -> case::Model {
        let d = Draws::of(self.seed, i);
        let created_at = self.created_at(i);
        let category = pick(&CATEGORIES, d.mille(0));
        let state = pick(&STATES, d.mille(5));
        let open = redress_resolution::domain::OPEN_STATES.contains(&state);
        let queue = match category {
            ComplaintCategory::Withdrawal | ComplaintCategory::Deposit => "payments",
            ComplaintCategory::Verification | ComplaintCategory::AccountClosure => "accounts",
            ComplaintCategory::Bonus => "bonuses",
            ComplaintCategory::ResponsibleGambling => "responsible-gambling",
            _ => "games",
        };
        let due_at = created_at + Duration::days(14);
        let id = self.id(0xCA5E, i, created_at);
        let body = Case {
            name: format!("cases/{id}"),
            complaint: format!("complaints/{}", self.complaint_id(i)),
            complaint_reference: format!("BENCH-{}-{i:08}", self.seed),
            player: Some(Player {
                player_id: self.player(&d),
                jurisdiction: pick(&JURISDICTIONS, d.mille(2)).to_owned(),
                ..Default::default()
            }),
            category: category.into(),
            priority: pick(&PRIORITIES, d.mille(4)).into(),
            kind: ComplaintKind::Complaint.into(),
            responsible_gambling: category == ComplaintCategory::ResponsibleGambling,
            channel: pick(&CHANNELS, d.mille(1)).into(),
            subject: "My withdrawal has not arrived".into(),
            state: state.into(),
            assignee: if state == State::New { String::new() } else { format!("agent-{}", d.0[2] % 10) },
            queue: queue.into(),
            next_due_time: open.then(|| prost_types::Timestamp { seconds: due_at.timestamp(), nanos: 0 }),
            follow_up_pending: !open && d.mille(6) < 10,
            last_event_sequence: 1,
            ..Default::default()
        };
        let mut row = redress_resolution::api::convert::row_of(&id, tenant, &body, 1, created_at, None);
        if open {
            // The body carries no clocks; the queue columns get the
            // acknowledge-to-final-response window of an open case.
            row.due_at = due_at;
            row.warn_at = due_at - Duration::days(3);
            row.sweep_at = row.warn_at;
        }
        row
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn rows_are_deterministic_and_ordered_like_their_ids() {
        let data = Data::new(7, 1_000);
        assert_eq!(data.complaint("t", 5), data.complaint("t", 5));
        assert_eq!(data.case("t", 5), data.case("t", 5));
        let ids: Vec<String> = (0..1_000).map(|i| data.complaint_id(i)).collect();
        assert!(ids.windows(2).all(|w| w[0] < w[1]), "UUIDv7 ids sort in row order");
        assert_eq!(data.case("t", 9).complaint_id, ids[9]);
    }

    #[test]
    fn distributions_match_their_tables() {
        let data = Data::new(1, 100_000);
        let rows: Vec<_> = (0..100_000).map(|i| data.complaint("t", i)).collect();
        let count = |f: &dyn Fn(&complaint::Model) -> bool| rows.iter().filter(|r| f(r)).count();
        let rare = count(&|r| r.category == Stored(ComplaintCategory::AccountClosure));
        assert!((50..=150).contains(&rare), "about 0.1 %: {rare}");
        let gb = count(&|r| r.jurisdiction == "GB");
        assert!((43_000..=47_000).contains(&gb), "about 45 %: {gb}");
        let cases: Vec<_> = (0..10_000).map(|i| data.case("t", i)).collect();
        let open = cases.iter().filter(|c| c.due_at < store_never()).count();
        assert!((1_700..=2_300).contains(&open), "about 20 % open: {open}");
        let flagged = cases.iter().filter(|c| c.follow_up_pending).count();
        assert!((50..=110).contains(&flagged), "10 ‰ of the 80 % closed: {flagged}");
    }

    fn store_never() -> DateTime<Utc> {
        redress_resolution::store::never()
    }
}
