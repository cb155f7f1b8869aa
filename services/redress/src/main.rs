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

mod bench;
mod dev;
mod sample;
mod secret;
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
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Dev(args) => dev::run(args).await,
        Command::Token(args) => token::run(args),
        Command::Bench(args) => bench::run(args).await,
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("redress: {err:#}");
            ExitCode::FAILURE
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
