//! The Rust quickstart of docs/sdk.md, kept here so it compiles as written.

use redress_sdk::proto::{common::v1::*, intake::v1::SubmitComplaintRequest};
use redress_sdk::{Client, Service};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = Client::builder()
        .service_endpoints(Service::Intake, ["http://127.0.0.1:50051"])
        .token(std::env::var("REDRESS_TOKEN")?)
        .build()?;
    let request = SubmitComplaintRequest {
        player: Some(Player { player_id: "p-42".into(), jurisdiction: "GB".into(), ..Default::default() }),
        transaction_references: Some(TransactionReferences { withdrawal_id: "W-1".into(), ..Default::default() }),
        subject: "Withdrawal not received".into(),
        description: "My withdrawal has been pending for a week.".into(),
        channel: Channel::LiveChat.into(),
        ..Default::default()
    };
    let filed = client.intake().submit_complaint(request).await?;
    println!("filed {:?}", filed.complaint.map(|c| c.reference));
    Ok(())
}
