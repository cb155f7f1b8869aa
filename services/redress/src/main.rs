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
//! - `redress bench submit` is a time-bounded load generator for
//!   `IntakeService/SubmitComplaint` that reports throughput, errors by gRPC
//!   code and latency percentiles.
//! - `redress case verify cases/{id}` asks a running resolution service to
//!   recompute a case's hash-chained history and prints whether it is intact
//!   or the first modified, deleted or reordered event; `--history` also
//!   lists the events. Exits 0 when intact, 1 when broken, 2 when it could
//!   not check.
//! - `redress returns export --regulator ukgc|mga --from YYYY-MM-DD --to
//!   YYYY-MM-DD` writes a regulator's return for the period (`--to`
//!   exclusive) as CSV, to stdout or `--output`: the UKGC counts per category
//!   with a total row, or the MGA list of disputes referred to ADR.

mod bench;
mod case;
mod dev;
mod remote;
mod returns;
mod sample;
mod secret;
#[cfg(test)]
mod testing;
mod token;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(name = "redress", version, about = "Redress: development runner and operator CLI")]
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
    /// Check a case on a running resolution service.
    Case(case::CaseArgs),
    /// Export a regulator's return from a running resolution service.
    Returns(returns::ReturnsArgs),
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    // `case verify` keeps 1 for "broken", so it fails with 2.
    let failure = match cli.command {
        Command::Case(_) => ExitCode::from(case::ERROR_EXIT),
        _ => ExitCode::FAILURE,
    };
    let done = ExitCode::SUCCESS;
    let result = match cli.command {
        Command::Dev(args) => dev::run(args).await.map(|()| done),
        Command::Token(args) => token::run(args).map(|()| done),
        Command::Bench(args) => bench::run(args).await.map(|()| done),
        Command::Case(args) => case::run(args).await,
        Command::Returns(args) => returns::run(args).await.map(|()| done),
    };
    match result {
        Ok(code) => code,
        Err(err) => {
            eprintln!("redress: {err:#}");
            failure
        }
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
