//! `redress player`: everything Redress holds about one player, through
//! `redress-sdk`.

use anyhow::Context;
use clap::{Args, Subcommand};
use redress_sdk::proto::{
    intake::v1::{ComplaintStory, GetPlayerStoryRequest, GetPlayerStoryResponse},
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
