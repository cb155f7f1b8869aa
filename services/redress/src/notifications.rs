//! `redress notifications`: what was sent to players, the dead-letter queue,
//! redrives and resends, through `redress-sdk`.

use anyhow::Context;
use clap::{Args, Subcommand};
use futures::{StreamExt, TryStreamExt};
use redress_sdk::{
    NotificationName,
    proto::{
        common::v1::Channel,
        notification::v1::{
            ListNotificationsRequest, Notification, RedriveNotificationRequest, ResendNotificationRequest, notification,
        },
    },
};
use serde_json::json;

use crate::remote::{Record, Remote, exit, format_time, parse_enum, render_list, render_one};

/// Arguments of `redress notifications`.
#[derive(Debug, Args)]
pub struct NotificationsArgs {
    #[command(subcommand)]
    command: NotificationsCommand,
    #[command(flatten)]
    remote: Remote,
}

#[derive(Debug, Subcommand)]
enum NotificationsCommand {
    /// Lists notifications, newest first.
    List(ListArgs),
    /// Lists the dead letters: notifications that ran out of attempts.
    DeadLetters(LimitArgs),
    /// Sends a dead letter again once the cause is fixed (supervisor or admin).
    Redrive(RedriveArgs),
    /// Sends a notification again as a new one, maybe to a corrected address
    /// or on another channel (supervisor or admin).
    Resend(ResendArgs),
}

#[derive(Debug, Args)]
struct LimitArgs {
    /// At most this many notifications.
    #[arg(long, default_value_t = 50)]
    limit: usize,
}

#[derive(Debug, Args)]
struct ListArgs {
    /// Only notifications about this complaint, `complaints/{id}`.
    #[arg(long)]
    complaint: Option<String>,
    /// Only notifications to this player.
    #[arg(long)]
    player: Option<String>,
    /// Only notifications in these states: pending, retrying, delivered,
    /// dead-letter, suppressed, ... (repeat or comma-separate).
    #[arg(long = "state", value_delimiter = ',')]
    states: Vec<String>,
    #[command(flatten)]
    limit: LimitArgs,
}

#[derive(Debug, Args)]
struct RedriveArgs {
    /// The dead letter, `notifications/{id}` (a bare id works too).
    notification: String,
    /// Why, e.g. "webhook endpoint restored" (kept with the audit record).
    #[arg(long, default_value = "")]
    reason: String,
}

#[derive(Debug, Args)]
struct ResendArgs {
    /// The notification, `notifications/{id}` (a bare id works too).
    notification: String,
    /// Why, e.g. "player says the e-mail never arrived". Required.
    #[arg(long)]
    reason: String,
    /// Another channel: email, live-chat, phone, in-app or sms.
    #[arg(long)]
    channel: Option<String>,
    /// A corrected e-mail address (replaces the recorded one).
    #[arg(long)]
    email: Option<String>,
}

/// Runs a notifications subcommand.
pub async fn run(args: NotificationsArgs) -> anyhow::Result<u8> {
    let (text, code) = execute(&args).await?;
    print!("{text}");
    Ok(code)
}

/// Runs a subcommand and returns what it prints and its exit code.
pub async fn execute(args: &NotificationsArgs) -> anyhow::Result<(String, u8)> {
    let mut out = String::new();
    let remote = &args.remote;
    let output = remote.output;
    let client = remote.client()?.notification();
    match &args.command {
        NotificationsCommand::List(l) => {
            let states = l
                .states
                .iter()
                .map(|s| parse_enum(s, "STATE_", notification::State::from_str_name).map(i32::from))
                .collect::<anyhow::Result<Vec<_>>>()?;
            let request = ListNotificationsRequest {
                complaint: l.complaint.clone().unwrap_or_default(),
                player_id: l.player.clone().unwrap_or_default(),
                states,
                page_size: i32::try_from(l.limit.limit.clamp(1, 1000)).unwrap_or(1000),
                ..Default::default()
            };
            let list: Vec<Notification> = client
                .list_notifications(request)
                .take(l.limit.limit)
                .try_collect()
                .await
                .context("ListNotifications")?;
            out.push_str(&render_list(output, &list.iter().map(notification_record).collect::<Vec<_>>()));
        }
        NotificationsCommand::DeadLetters(l) => {
            let list: Vec<Notification> =
                client.list_dead_letters().take(l.limit).try_collect().await.context("ListNotifications")?;
            out.push_str(&render_list(output, &list.iter().map(notification_record).collect::<Vec<_>>()));
        }
        NotificationsCommand::Redrive(r) => {
            let request = RedriveNotificationRequest {
                name: notification_name(&r.notification)?.into(),
                reason: r.reason.clone(),
                ..Default::default()
            };
            let n = client.redrive_notification(request).await.context("RedriveNotification")?;
            out.push_str(&render_one(output, &notification_record(&n)));
        }
        NotificationsCommand::Resend(r) => {
            let name = notification_name(&r.notification)?;
            // A corrected address replaces the recipient as a whole, so start
            // from the recorded one.
            let recipient = match &r.email {
                Some(email) => {
                    let original = client.get_notification(&name).await.context("GetNotification")?;
                    let mut player = original.recipient.unwrap_or_default();
                    player.email = email.clone();
                    Some(player)
                }
                None => None,
            };
            let request = ResendNotificationRequest {
                name: name.into(),
                reason: r.reason.clone(),
                channel: r
                    .channel
                    .as_deref()
                    .map(|c| parse_enum(c, "CHANNEL_", Channel::from_str_name))
                    .transpose()?
                    .map_or(0, i32::from),
                recipient,
                ..Default::default()
            };
            let n = client.resend_notification(request).await.context("ResendNotification")?;
            out.push_str(&render_one(output, &notification_record(&n)));
        }
    }
    Ok((out, exit::OK))
}

fn notification_name(arg: &str) -> anyhow::Result<NotificationName> {
    NotificationName::parse_or_id(arg).map_err(|_| {
        anyhow::anyhow!("expected a notification name like notifications/{{notification_id}}, got {:?}", arg.trim())
    })
}

/// A notification as a row.
fn notification_record(n: &Notification) -> Record {
    vec![
        ("name", json!(n.name)),
        ("event", json!(n.event().as_str_name().trim_start_matches("NOTIFICATION_EVENT_"))),
        ("channel", json!(n.channel().as_str_name().trim_start_matches("CHANNEL_"))),
        ("state", json!(n.state().as_str_name().trim_start_matches("STATE_"))),
        ("attempts", json!(format!("{}/{}", n.attempt_count, n.max_attempts))),
        ("complaint", json!(n.complaint_reference)),
        ("next_attempt", json!(format_time(n.next_attempt_time.as_ref()))),
        (
            "dead_letter_reason",
            json!(
                n.dead_letter_reason()
                    .as_str_name()
                    .trim_start_matches("DEAD_LETTER_REASON_")
                    .replace("UNSPECIFIED", "")
            ),
        ),
    ]
}
