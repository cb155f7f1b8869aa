//! `redress complaints`: file, show, list and follow complaints, through
//! `redress-sdk`.

use anyhow::Context;
use clap::{Args, Subcommand};
use futures::{StreamExt, TryStreamExt};
use redress_sdk::{
    ComplaintName,
    proto::{
        common::v1::{Channel, ComplaintCategory, ComplaintStatus, Player, TransactionReferences},
        intake::v1::{Complaint, Interaction, ListComplaintsRequest, SubmitComplaintRequest},
    },
};
use serde_json::json;

use crate::remote::{Record, Remote, exit, format_time, parse_enum, render_list, render_one};

/// Arguments of `redress complaints`.
#[derive(Debug, Args)]
pub struct ComplaintsArgs {
    #[command(subcommand)]
    command: ComplaintsCommand,
    #[command(flatten)]
    remote: Remote,
}

#[derive(Debug, Subcommand)]
enum ComplaintsCommand {
    /// Files a complaint on a player's behalf (needs a backend, agent,
    /// supervisor or admin token). Safe to retry: give `--request-id`.
    Submit(Box<SubmitArgs>),
    /// Shows one complaint.
    Show(ComplaintRef),
    /// Lists the tenant's complaints, newest first.
    List(ListArgs),
    /// Lists a complaint's interactions (messages both ways, status
    /// changes), oldest first.
    History(ComplaintRef),
}

#[derive(Debug, Args)]
struct ComplaintRef {
    /// The complaint, `complaints/{complaint_id}` (a bare id works too).
    complaint: String,
}

#[derive(Debug, Args)]
struct SubmitArgs {
    /// The casino's player id.
    #[arg(long)]
    player: String,
    /// The player's jurisdiction (ISO 3166-1 alpha-2), e.g. GB.
    #[arg(long)]
    jurisdiction: String,
    /// The player's e-mail address.
    #[arg(long, default_value = "")]
    email: String,
    /// The player's language (BCP 47).
    #[arg(long, default_value = "en")]
    language: String,
    /// withdrawal, verification, bonus, game-malfunction, account-closure,
    /// responsible-gambling, ... (default: inferred from the text).
    #[arg(long)]
    category: Option<String>,
    /// The channel the complaint arrived on: email, live-chat, phone, in-app or sms.
    #[arg(long, default_value = "email")]
    channel: String,
    /// A one-line summary.
    #[arg(long)]
    subject: String,
    /// The whole problem in the player's words.
    #[arg(long)]
    description: String,
    /// The withdrawal the complaint is about.
    #[arg(long, default_value = "")]
    withdrawal: String,
    /// The deposit the complaint is about.
    #[arg(long, default_value = "")]
    deposit: String,
    /// The bonus the complaint is about.
    #[arg(long, default_value = "")]
    bonus: String,
    /// The game the complaint is about.
    #[arg(long, default_value = "")]
    game: String,
    /// The idempotency key (default: a fresh UUIDv7; reuse one to retry safely).
    #[arg(long, default_value = "")]
    request_id: String,
}

#[derive(Debug, Args)]
struct ListArgs {
    /// Only complaints in this status, e.g. received, in-progress, resolved.
    #[arg(long)]
    status: Option<String>,
    /// Only complaints of this player.
    #[arg(long)]
    player: Option<String>,
    /// Only complaints in this category.
    #[arg(long)]
    category: Option<String>,
    /// Only complaints under this jurisdiction.
    #[arg(long)]
    jurisdiction: Option<String>,
    /// At most this many complaints.
    #[arg(long, default_value_t = 50)]
    limit: usize,
}

/// Runs a complaints subcommand.
pub async fn run(args: ComplaintsArgs) -> anyhow::Result<u8> {
    let (text, code) = execute(&args).await?;
    print!("{text}");
    Ok(code)
}

/// Runs a subcommand and returns what it prints and its exit code.
pub async fn execute(args: &ComplaintsArgs) -> anyhow::Result<(String, u8)> {
    let mut out = String::new();
    let remote = &args.remote;
    let output = remote.output;
    match &args.command {
        ComplaintsCommand::Submit(s) => {
            let response =
                remote.client()?.intake().submit_complaint(submit_request(s)?).await.context("SubmitComplaint")?;
            let mut record = complaint_record(&response.complaint.unwrap_or_default());
            record.push(("replayed", json!(response.replayed)));
            out.push_str(&render_one(output, &record));
        }
        ComplaintsCommand::Show(c) => {
            let name = complaint_name(&c.complaint)?;
            let complaint = remote.client()?.intake().get_complaint(&name).await.context("GetComplaint")?;
            out.push_str(&render_one(output, &complaint_record(&complaint)));
        }
        ComplaintsCommand::List(l) => {
            let request = ListComplaintsRequest {
                status: l
                    .status
                    .as_deref()
                    .map(|s| parse_enum(s, "COMPLAINT_STATUS_", ComplaintStatus::from_str_name))
                    .transpose()?
                    .map_or(0, i32::from),
                category: l
                    .category
                    .as_deref()
                    .map(|c| parse_enum(c, "COMPLAINT_CATEGORY_", ComplaintCategory::from_str_name))
                    .transpose()?
                    .map_or(0, i32::from),
                player_id: l.player.clone().unwrap_or_default(),
                jurisdiction: l.jurisdiction.clone().unwrap_or_default(),
                page_size: i32::try_from(l.limit.clamp(1, 1000)).unwrap_or(1000),
                ..Default::default()
            };
            let client = remote.client()?;
            let complaints: Vec<Complaint> =
                client.intake().list_complaints(request).take(l.limit).try_collect().await.context("ListComplaints")?;
            out.push_str(&render_list(output, &complaints.iter().map(complaint_record).collect::<Vec<_>>()));
        }
        ComplaintsCommand::History(c) => {
            let name = complaint_name(&c.complaint)?;
            let client = remote.client()?;
            let items: Vec<Interaction> =
                client.intake().list_interactions(&name).try_collect().await.context("ListInteractions")?;
            out.push_str(&render_list(output, &items.iter().map(interaction_record).collect::<Vec<_>>()));
        }
    }
    Ok((out, exit::OK))
}

fn submit_request(s: &SubmitArgs) -> anyhow::Result<SubmitComplaintRequest> {
    let channel = parse_enum(&s.channel, "CHANNEL_", Channel::from_str_name)?;
    Ok(SubmitComplaintRequest {
        request_id: s.request_id.clone(),
        player: Some(Player {
            player_id: s.player.clone(),
            email: s.email.clone(),
            language_code: s.language.clone(),
            jurisdiction: s.jurisdiction.clone(),
            preferred_channel: if s.email.is_empty() { 0 } else { Channel::Email.into() },
            ..Default::default()
        }),
        transaction_references: Some(TransactionReferences {
            withdrawal_id: s.withdrawal.clone(),
            deposit_id: s.deposit.clone(),
            bonus_id: s.bonus.clone(),
            game_id: s.game.clone(),
            ..Default::default()
        }),
        category: s
            .category
            .as_deref()
            .map(|c| parse_enum(c, "COMPLAINT_CATEGORY_", ComplaintCategory::from_str_name))
            .transpose()?
            .map_or(0, i32::from),
        subject: s.subject.clone(),
        description: s.description.clone(),
        channel: channel.into(),
        ..Default::default()
    })
}

fn complaint_name(arg: &str) -> anyhow::Result<ComplaintName> {
    ComplaintName::parse_or_id(arg).map_err(|_| {
        anyhow::anyhow!("expected a complaint name like complaints/{{complaint_id}}, got {:?}", arg.trim())
    })
}

/// A complaint as a row.
fn complaint_record(c: &Complaint) -> Record {
    let player = c.player.clone().unwrap_or_default();
    vec![
        ("name", json!(c.name)),
        ("reference", json!(c.reference)),
        ("status", json!(c.status().as_str_name().trim_start_matches("COMPLAINT_STATUS_"))),
        ("category", json!(c.category().as_str_name().trim_start_matches("COMPLAINT_CATEGORY_"))),
        ("priority", json!(c.priority().as_str_name().trim_start_matches("PRIORITY_"))),
        ("player", json!(player.player_id)),
        ("jurisdiction", json!(player.jurisdiction)),
        ("case", json!(c.case)),
        ("created", json!(format_time(c.create_time.as_ref()))),
        ("subject", json!(c.subject)),
    ]
}

fn interaction_record(i: &Interaction) -> Record {
    vec![
        ("time", json!(format_time(i.create_time.as_ref()))),
        ("kind", json!(i.kind().as_str_name().trim_start_matches("KIND_"))),
        ("direction", json!(i.direction().as_str_name().trim_start_matches("DIRECTION_"))),
        ("channel", json!(i.channel().as_str_name().trim_start_matches("CHANNEL_"))),
        ("author", json!(i.author)),
        ("body", json!(i.body)),
    ]
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn submit_arguments_become_a_request() {
        let args = SubmitArgs {
            player: "p1".into(),
            jurisdiction: "GB".into(),
            email: "p1@example.com".into(),
            language: "en".into(),
            category: Some("withdrawal".into()),
            channel: "live-chat".into(),
            subject: "s".into(),
            description: "d".into(),
            withdrawal: "W-1".into(),
            deposit: String::new(),
            bonus: String::new(),
            game: String::new(),
            request_id: String::new(),
        };
        let request = submit_request(&args).unwrap();
        assert_eq!(request.channel(), Channel::LiveChat);
        assert_eq!(request.category(), ComplaintCategory::Withdrawal);
        assert_eq!(request.player.unwrap().preferred_channel(), Channel::Email);
        assert!(submit_request(&SubmitArgs { channel: "pigeon".into(), ..args }).is_err());
    }
}
