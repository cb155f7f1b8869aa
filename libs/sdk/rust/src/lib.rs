//! `redress-sdk`: the Rust client that casino backends, agent tools and
//! analysts use to call Redress.
//!
//! It wraps the generated gRPC stubs ([`proto`], from `redress-proto` with
//! only its `client` feature) and does, once and safely, what every caller
//! would otherwise re-implement:
//!
//! - **Authentication**: a bearer token on every call, static or from a
//!   [`auth::TokenProvider`] that refreshes before expiry
//!   ([`auth::RefreshingToken`]).
//! - **Deadlines**: every call has one (30 s by default), sent to the server
//!   as `grpc-timeout`; retries never go past it.
//! - **Retries and idempotency**: UNAVAILABLE, RESOURCE_EXHAUSTED and a
//!   per-attempt DEADLINE_EXCEEDED are retried with exponential backoff and
//!   jitter, honouring the server's `google.rpc.RetryInfo`. Methods with a
//!   `request_id` get a UUIDv7 one when the caller leaves it empty, generated
//!   once per logical call and sent on every retry, so a retry after a lost
//!   reply never files a second complaint. Methods without a key are retried
//!   only where the proto says they are safe; every method's doc says which
//!   ([`Idempotency`]).
//! - **Errors**: [`Error`] decodes `google.rpc.ErrorInfo` and `BadRequest`
//!   into variants (`InvalidArgument { violations }`, `NotFound`,
//!   `FailedPrecondition { reason, metadata }`, ...), keeping the raw status.
//! - **Paging**: List calls return a [`futures::Stream`] ([`ItemStream`])
//!   that follows page tokens.
//! - **Names**: typed resource names ([`ComplaintName`], [`CaseName`], ...).
//! - **Tracing** (feature `otel`, on by default): the caller's current
//!   OpenTelemetry context is injected as W3C trace context through the
//!   global propagator.
//! - **Connections**: one endpoint or several per service (balanced on the
//!   client side), TLS with the system roots or a given CA (feature `tls`,
//!   on by default, rustls), HTTP/2 keepalive, user agent
//!   `redress-sdk-rust/<version>`.
//!
//! # Quickstart
//!
//! ```no_run
//! use redress_sdk::{Client, Service, proto::{common::v1::*, intake::v1::SubmitComplaintRequest}};
//!
//! # async fn run() -> redress_sdk::Result<()> {
//! let client = Client::builder()
//!     .service_endpoints(Service::Intake, ["http://127.0.0.1:50051"])
//!     .service_endpoints(Service::Resolution, ["http://127.0.0.1:50052"])
//!     .service_endpoints(Service::Notification, ["http://127.0.0.1:50053"])
//!     .service_endpoints(Service::Feedback, ["http://127.0.0.1:50054"])
//!     .token(std::env::var("REDRESS_TOKEN").unwrap_or_default())
//!     .build()?;
//! let filed = client
//!     .intake()
//!     .submit_complaint(SubmitComplaintRequest {
//!         player: Some(Player { player_id: "p-42".into(), jurisdiction: "GB".into(), ..Default::default() }),
//!         transaction_references: Some(TransactionReferences { withdrawal_id: "W-1".into(), ..Default::default() }),
//!         subject: "Withdrawal not received".into(),
//!         description: "My withdrawal has been pending for a week.".into(),
//!         channel: Channel::LiveChat.into(),
//!         ..Default::default()
//!     })
//!     .await?;
//! println!("{:?}", filed.complaint.map(|c| c.reference));
//! # Ok(())
//! # }
//! ```

#![deny(missing_docs)]
#![forbid(unsafe_code)]

pub mod auth;
mod client;
mod error;
pub mod evidence;
pub mod feedback;
pub mod intake;
mod names;
pub mod notification;
mod paging;
pub mod resolution;
mod trace;

pub use client::{CallOptions, Client, ClientBuilder, Idempotency, RetryPolicy, Service, USER_AGENT, new_request_id};
pub use error::{Error, FieldViolation, Result};
pub use names::{CaseName, ComplaintName, MacroName, NotificationName, TemplateName};
pub use paging::ItemStream;
/// Protobuf's well-known types (`Timestamp`, `Duration`, `FieldMask`) that
/// requests and responses use.
pub use prost_types as types;
/// The generated messages and clients, for every request and response type.
pub use redress_proto as proto;

/// A response field the contract always sets, or an error saying it was
/// missing.
fn required<T>(value: Option<T>, what: &str) -> Result<T> {
    value.ok_or_else(|| Error::Other {
        reason: String::new(),
        status: Box::new(tonic::Status::internal(format!("the response has no {what}"))),
    })
}
