//! `redress`: the Redress platform's development runner and operator CLI.
//!
//! - `redress dev` runs every Redress service (intake, resolution,
//!   notification, feedback) in
//!   one process, each on its own port with its own SQLite file in a data
//!   folder, all trusting one HS256 development secret that is generated on
//!   the first start and kept in `<data-dir>/dev-secret`. It prints each
//!   service's address, a 30-day token per role for tenant `demo-casino` and a
//!   ready-to-paste grpcurl call, and stops gracefully on Ctrl-C or SIGTERM.
//! - `redress token` mints an HS256 token for any tenant and roles, with the
//!   secret from `--secret`, `REDRESS_DEV_SECRET` or the data folder.
//! - The operator subcommands talk to a running deployment through
//!   `redress-sdk` with a token (`--token` or `REDRESS_TOKEN`), printing
//!   tables by default and JSON with `--output json`:
//!   `complaints` (submit, show, list, history), `cases` (queue, show,
//!   assign, respond, request-info, propose, resolve, escalate, refer-to-adr,
//!   history, verify, evidence upload|list|download), `notifications` (list,
//!   dead-letters, redrive, resend), `webhooks` (create, list, get, update,
//!   delete, rotate, test), `queues` (list, get, create, update, delete,
//!   set-availability, agents), `player story`, `insights` (show,
//!   recurring-problems) and `returns export` (a
//!   regulator's return as CSV). They exit by error class; see
//!   [`remote::exit`].
//! - `redress bench submit` is a time-bounded load generator for
//!   `IntakeService/SubmitComplaint` that reports throughput, errors by gRPC
//!   code and latency percentiles.

mod bench;
mod case;
#[cfg(test)]
mod cli_tests;
mod complaints;
mod dev;
mod evidence;
mod insights;
mod notifications;
mod player;
mod player_export;
mod queues;
mod remote;
mod returns;
mod sample;
mod secret;
#[cfg(test)]
mod testing;
mod token;
mod webhooks;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(name = "redress", version, about = "Redress: development runner and operator CLI", after_help = remote::EXIT_CODES_HELP)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run every Redress service in one process on SQLite, for development.
    Dev(dev::DevArgs),
    /// Print an HS256 bearer token for a tenant and roles.
    Token(token::TokenArgs),
    /// Generate load against a running service.
    Bench(bench::BenchArgs),
    /// File, show, list and follow complaints.
    #[command(after_help = remote::EXIT_CODES_HELP)]
    Complaints(complaints::ComplaintsArgs),
    /// Work the case queue: assign, respond, propose, resolve, escalate,
    /// verify the history.
    #[command(alias = "case", after_help = remote::EXIT_CODES_HELP)]
    Cases(case::CaseArgs),
    /// Deliveries to players, dead letters, redrives and resends.
    #[command(after_help = remote::EXIT_CODES_HELP)]
    Notifications(notifications::NotificationsArgs),
    /// Complaint-handling figures and recurring problems.
    #[command(after_help = remote::EXIT_CODES_HELP)]
    Insights(insights::InsightsArgs),
    /// Everything Redress holds about one player: their story.
    #[command(after_help = remote::EXIT_CODES_HELP)]
    Player(player::PlayerArgs),
    /// Export a regulator's return from a running resolution service.
    #[command(after_help = remote::EXIT_CODES_HELP)]
    Returns(returns::ReturnsArgs),
    /// The tenant's webhook endpoints: register, rotate secrets, test.
    #[command(after_help = remote::EXIT_CODES_HELP)]
    Webhooks(webhooks::WebhooksArgs),
    /// The tenant's queues, routing and automatic assignment.
    #[command(after_help = remote::EXIT_CODES_HELP)]
    Queues(queues::QueuesArgs),
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let done = remote::exit::OK;
    let result = match cli.command {
        Command::Dev(args) => dev::run(args).await.map(|()| done),
        Command::Token(args) => token::run(args).map(|()| done),
        Command::Bench(args) => bench::run(args).await.map(|()| done),
        Command::Complaints(args) => complaints::run(args).await,
        Command::Cases(args) => case::run(args).await,
        Command::Notifications(args) => notifications::run(args).await,
        Command::Insights(args) => insights::run(args).await,
        Command::Player(args) => player::run(args).await,
        Command::Returns(args) => returns::run(args).await.map(|()| done),
        Command::Webhooks(args) => webhooks::run(args).await,
        Command::Queues(args) => queues::run(args).await,
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(err) => remote::report_failure(&err),
    }
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    #[test]
    fn the_cli_definition_is_consistent() {
        super::Cli::command().debug_assert();
    }
}
