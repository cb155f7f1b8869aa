//! A casino backend on Redress: it files a player's complaint from live
//! chat, follows the status the player sees (to show it in the player's
//! account page), relays the player's answer when a resolution is proposed,
//! and forwards the survey link to the player's in-app inbox once the
//! complaint is resolved.
//!
//! Run it against `redress dev` (which prints the endpoints and tokens), and
//! play the agent meanwhile with `redress cases ...`:
//!
//! ```text
//! REDRESS_TOKEN=$(redress token --tenant demo-casino --role backend) \
//!   cargo run -p redress-sdk --example casino_backend
//! ```
//!
//! `REDRESS_INTAKE`, `REDRESS_NOTIFICATION` and `REDRESS_FEEDBACK` override
//! the endpoints (default: `redress dev`'s ports).

use std::time::{Duration, Instant};

use futures::TryStreamExt;
use redress_sdk::{
    Client, ComplaintName, Service,
    proto::{
        common::v1::{Channel, ComplaintCategory, ComplaintStatus, Player, PlayerDecision, TransactionReferences},
        intake::v1::{SubmitComplaintRequest, SubmitPlayerDecisionRequest},
        notification::v1::{ListNotificationsRequest, NotificationEvent},
    },
};

fn env_or(name: &str, default: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| default.to_owned())
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = Client::builder()
        .service_endpoints(Service::Intake, [env_or("REDRESS_INTAKE", "http://127.0.0.1:50051")])
        .service_endpoints(Service::Resolution, [env_or("REDRESS_RESOLUTION", "http://127.0.0.1:50052")])
        .service_endpoints(Service::Notification, [env_or("REDRESS_NOTIFICATION", "http://127.0.0.1:50053")])
        .service_endpoints(Service::Feedback, [env_or("REDRESS_FEEDBACK", "http://127.0.0.1:50054")])
        .token(std::env::var("REDRESS_TOKEN").map_err(|_| "set REDRESS_TOKEN (see `redress token`)")?)
        .build()?;

    // 1. File the complaint on the player's behalf. The chat ticket id is the
    //    request_id, so even a restart of this backend cannot file it twice.
    let ticket = format!("chat-{}", redress_sdk::new_request_id());
    let filed = client
        .intake()
        .submit_complaint(SubmitComplaintRequest {
            request_id: ticket,
            player: Some(Player {
                player_id: "player-1001".into(),
                display_name: "Anna".into(),
                email: "anna@example.com".into(),
                language_code: "en".into(),
                jurisdiction: "GB".into(),
                preferred_channel: Channel::InApp.into(),
                ..Default::default()
            }),
            transaction_references: Some(TransactionReferences {
                withdrawal_id: "W-88231".into(),
                payment_method: "visa".into(),
                ..Default::default()
            }),
            category: ComplaintCategory::Withdrawal.into(),
            subject: "Withdrawal not received".into(),
            description: "I withdrew 250 GBP eight days ago and it has not arrived.".into(),
            channel: Channel::LiveChat.into(),
            ..Default::default()
        })
        .await?;
    let complaint = filed.complaint.ok_or("no complaint in the response")?;
    let name = ComplaintName::parse(&complaint.name)?;
    println!("filed {} ({name}), status {:?}", complaint.reference, complaint.status());

    // 2. Follow the status the player sees, for up to an hour.
    let until = Instant::now() + Duration::from_secs(3600);
    let mut last = complaint.status();
    while Instant::now() < until {
        let now = client.intake().get_complaint(&name).await?;
        if now.status() != last {
            last = now.status();
            println!("status: {last:?}");
            match last {
                // 3. Relay the player's answer (here: accepted) to the proposal.
                ComplaintStatus::ResolutionProposed => {
                    client
                        .intake()
                        .submit_player_decision(SubmitPlayerDecisionRequest {
                            name: name.to_string(),
                            decision: PlayerDecision::Accept.into(),
                            comment: "Thanks, that works for me.".into(),
                            channel: Channel::InApp.into(),
                            ..Default::default()
                        })
                        .await?;
                    println!("relayed the player's acceptance");
                }
                ComplaintStatus::Resolved | ComplaintStatus::Closed | ComplaintStatus::Withdrawn => break,
                _ => {}
            }
        }
        tokio::time::sleep(Duration::from_secs(2)).await;
    }

    // 4. Forward the survey link to the player's in-app inbox.
    let invitations: Vec<_> = client
        .notification()
        .list_notifications(ListNotificationsRequest {
            complaint: name.to_string(),
            event: NotificationEvent::SurveyInvitation.into(),
            ..Default::default()
        })
        .try_collect()
        .await?;
    match invitations.iter().find_map(|n| n.variables.get("survey_url")) {
        Some(url) => println!("inbox message to the player: tell us how we did: {url}"),
        None => println!("no survey invitation (yet, or suppressed for this player)"),
    }
    Ok(())
}
