//! `redress player`: everything Redress holds about one player, through
//! `redress-sdk`.

use anyhow::Context;
use clap::{Args, Subcommand};
use futures::TryStreamExt;
use redress_sdk::intake::IntakeClient;
use redress_sdk::proto::{
    intake::v1::{
        ComplaintStory, CreateLegalHoldRequest, ErasePlayerDataRequest, Erasure, GetPlayerStoryRequest,
        GetPlayerStoryResponse, LegalHold, ReleaseLegalHoldRequest,
    },
    notification::v1::notification::State as NotificationState,
};
use serde_json::json;

use crate::remote::{Output, Record, Remote, exit, format_time, render_list, render_one, to_object};

/// Arguments of `redress player`.
#[derive(Debug, Args)]
pub struct PlayerArgs {
    #[command(subcommand)]
    command: PlayerCommand,
    #[command(flatten)]
    remote: Remote,
}

#[derive(Debug, Subcommand)]
enum PlayerCommand {
    /// The player's story: every complaint newest first, with its channel,
    /// case, interactions, notifications and survey, and the player's
    /// complaint-frequency signal (GetPlayerStory).
    Story(StoryArgs),
    /// Erases the player's personal data in every service
    /// (ErasePlayerData); refused while a legal hold is active.
    Erase(EraseArgs),
    /// The player's legal holds: add, list, release.
    Hold(HoldArgs),
    /// Starts a subject-access export of everything Redress holds about the
    /// player (roles dpo, admin); `--wait` polls until it is built,
    /// `--output-file` writes the archive (ExportPlayerData).
    Export(crate::player_export::ExportArgs),
    /// An export's state and progress; `--output-file` writes its archive
    /// (GetPlayerDataExport, DownloadPlayerDataExport).
    ExportStatus(crate::player_export::ExportStatusArgs),
}

#[derive(Debug, Args)]
struct StoryArgs {
    /// The casino's id of the player.
    player_id: String,
    /// Complaints per page (1 to 20).
    #[arg(long, default_value_t = 20)]
    page_size: i32,
}

/// Runs a player subcommand.
pub async fn run(args: PlayerArgs) -> anyhow::Result<u8> {
    let (text, code) = execute(&args).await?;
    print!("{text}");
    Ok(code)
}

/// Runs a subcommand and returns what it prints and its exit code.
pub async fn execute(args: &PlayerArgs) -> anyhow::Result<(String, u8)> {
    let client = args.remote.client()?.intake();
    match &args.command {
        PlayerCommand::Story(s) => {
            let request =
                GetPlayerStoryRequest { player_id: s.player_id.clone(), page_size: s.page_size, ..Default::default() };
            let page = client.get_player_story(request).await.context("GetPlayerStory")?;
            Ok((story(args.remote.output, &page), exit::OK))
        }
        PlayerCommand::Erase(e) => erase(args.remote.output, &client, e).await,
        PlayerCommand::Hold(h) => hold(args.remote.output, &client, h).await,
        PlayerCommand::Export(e) => crate::player_export::export(&client, args.remote.output, e).await,
        PlayerCommand::ExportStatus(e) => crate::player_export::status(&client, args.remote.output, e).await,
    }
}

/// The first page of a story: the whole response as JSON, or the risk line,
/// one row per complaint and the missing parts as tables.
fn story(output: Output, page: &GetPlayerStoryResponse) -> String {
    let risk = page.risk.unwrap_or_default();
    let summary: Record = vec![
        ("recent_complaints", json!(risk.recent_complaint_count)),
        ("window_days", json!(risk.window_days)),
        ("threshold", json!(risk.threshold)),
        ("at_risk", json!(risk.at_risk)),
        (
            "missing",
            json!(
                page.missing_parts.iter().map(|m| format!("{} ({})", m.part, m.reason)).collect::<Vec<_>>().join(", ")
            ),
        ),
        ("more", json!(!page.next_page_token.is_empty())),
    ];
    let rows: Vec<Record> = page.complaints.iter().map(complaint_record).collect();
    match output {
        Output::Json => {
            let value =
                json!({ "risk": to_object(&summary), "complaints": rows.iter().map(to_object).collect::<Vec<_>>() });
            format!("{}\n", serde_json::to_string_pretty(&value).unwrap_or_default())
        }
        Output::Table => format!("{}\n{}", render_one(output, &summary), render_list(output, &rows)),
    }
}

fn complaint_record(story: &ComplaintStory) -> Record {
    let complaint = story.complaint.clone().unwrap_or_default();
    let case = story.case.clone().unwrap_or_default();
    let delivered = story.notifications.iter().filter(|n| n.state() == NotificationState::Delivered).count();
    vec![
        ("reference", json!(complaint.reference)),
        ("filed", json!(format_time(complaint.create_time.as_ref()))),
        ("channel", json!(complaint.channel().as_str_name().trim_start_matches("CHANNEL_"))),
        ("category", json!(complaint.category().as_str_name().trim_start_matches("COMPLAINT_CATEGORY_"))),
        ("status", json!(complaint.status().as_str_name().trim_start_matches("COMPLAINT_STATUS_"))),
        ("case", json!(case.name)),
        ("queue", json!(case.queue)),
        ("interactions", json!(story.interactions.len())),
        ("case_events", json!(story.case_events.len())),
        ("notifications", json!(format!("{delivered}/{} delivered", story.notifications.len()))),
        ("survey", json!(story.survey.as_ref().map(|s| s.state().as_str_name().trim_start_matches("STATE_")))),
    ]
}

// `redress player erase` and `redress player hold` (legal holds, erasure).

#[derive(Debug, Args)]
struct EraseArgs {
    /// The casino's id of the player.
    player_id: String,
    /// Why (kept with the erasure; no personal data).
    #[arg(long, default_value = "")]
    reason: String,
    /// Idempotency key; a fresh one by default.
    #[arg(long, default_value = "")]
    request_id: String,
}

#[derive(Debug, Args)]
struct HoldArgs {
    #[command(subcommand)]
    command: HoldCommand,
}

#[derive(Debug, Subcommand)]
enum HoldCommand {
    /// Places a legal hold (CreateLegalHold).
    Add {
        /// The casino's id of the player.
        player_id: String,
        /// Why the data must be kept, e.g. "ADR case open".
        #[arg(long)]
        reason: String,
        /// When the hold ends, RFC 3339 (e.g. 2032-12-31T00:00:00Z).
        #[arg(long)]
        until: String,
    },
    /// Lists the player's holds (ListLegalHolds).
    List {
        /// The casino's id of the player.
        player_id: String,
    },
    /// Releases a hold (ReleaseLegalHold).
    Release {
        /// The hold, players/{player}/legalHolds/{id}.
        name: String,
        /// Why it is released.
        #[arg(long, default_value = "")]
        reason: String,
        /// Fail if the hold changed since this etag.
        #[arg(long, default_value = "")]
        etag: String,
    },
}

async fn erase(output: Output, client: &IntakeClient, args: &EraseArgs) -> anyhow::Result<(String, u8)> {
    let request = ErasePlayerDataRequest {
        player: format!("players/{}", args.player_id),
        reason: args.reason.clone(),
        request_id: args.request_id.clone(),
    };
    let response = client.erase_player_data(request).await.context("ErasePlayerData")?;
    let erasure = response.erasure.unwrap_or_default();
    Ok((render_one(output, &erasure_record(&erasure)), exit::OK))
}

async fn hold(output: Output, client: &IntakeClient, args: &HoldArgs) -> anyhow::Result<(String, u8)> {
    match &args.command {
        HoldCommand::Add { player_id, reason, until } => {
            let end = chrono::DateTime::parse_from_rfc3339(until).context("--until must be RFC 3339")?;
            let request = CreateLegalHoldRequest {
                parent: format!("players/{player_id}"),
                legal_hold: Some(LegalHold {
                    reason: reason.clone(),
                    end_time: Some(prost_types::Timestamp { seconds: end.timestamp(), nanos: 0 }),
                    ..Default::default()
                }),
                request_id: String::new(),
            };
            let hold = client.create_legal_hold(request).await.context("CreateLegalHold")?;
            Ok((render_one(output, &hold_record(&hold)), exit::OK))
        }
        HoldCommand::List { player_id } => {
            let holds: Vec<LegalHold> = client.legal_holds(player_id).try_collect().await.context("ListLegalHolds")?;
            Ok((render_list(output, &holds.iter().map(hold_record).collect::<Vec<_>>()), exit::OK))
        }
        HoldCommand::Release { name, reason, etag } => {
            let request = ReleaseLegalHoldRequest { name: name.clone(), etag: etag.clone(), reason: reason.clone() };
            let hold = client.release_legal_hold(request).await.context("ReleaseLegalHold")?;
            Ok((render_one(output, &hold_record(&hold)), exit::OK))
        }
    }
}

fn hold_record(hold: &LegalHold) -> Record {
    vec![
        ("name", json!(hold.name)),
        ("state", json!(hold.state().as_str_name().trim_start_matches("STATE_"))),
        ("reason", json!(hold.reason)),
        ("until", json!(format_time(hold.end_time.as_ref()))),
        ("creator", json!(hold.creator)),
        ("released", json!(format_time(hold.release_time.as_ref()))),
        ("etag", json!(hold.etag)),
    ]
}

fn erasure_record(erasure: &Erasure) -> Record {
    let progress = erasure
        .services
        .iter()
        .map(|p| format!("{} {}", p.service, if p.complete_time.is_some() { "done" } else { "pending" }))
        .collect::<Vec<_>>()
        .join(", ");
    vec![
        ("name", json!(erasure.name)),
        ("player", json!(erasure.player)),
        ("state", json!(erasure.state().as_str_name().trim_start_matches("STATE_"))),
        ("complaints", json!(erasure.complaints.len())),
        ("services", json!(progress)),
        ("created", json!(format_time(erasure.create_time.as_ref()))),
    ]
}
