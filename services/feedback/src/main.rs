//! `redress-feedback`: the feedback service as its own process (one Kubernetes
//! workload). `serve` runs it; `migrate` applies the schema and exits (for a
//! Kubernetes Job that runs once per rollout).

use std::{path::PathBuf, process::ExitCode};

use clap::{Parser, Subcommand};
use redress_feedback::{FeedbackConfig, app::SERVICE_NAME, store::migration::Migrator};

#[derive(Parser)]
#[command(name = "redress-feedback", version, about = "Redress feedback service")]
struct Cli {
    /// Optional TOML configuration file (environment variables REDRESS_FEEDBACK__… override it).
    #[arg(long, env = "REDRESS_FEEDBACK_CONFIG")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Serve gRPC (the default).
    Serve,
    /// Apply database migrations and exit.
    Migrate,
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let sources = redress_config::Sources { file: cli.config, env: None };
    let config: FeedbackConfig = match redress_config::load(SERVICE_NAME, &FeedbackConfig::default(), &sources) {
        Ok(config) => config,
        Err(err) => {
            eprintln!("redress-feedback: {err}");
            return ExitCode::from(78); // EX_CONFIG
        }
    };
    let _telemetry = redress_telemetry::init(SERVICE_NAME, &config.log);
    let result = match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => redress_feedback::run(config).await,
        Command::Migrate => {
            async {
                let db = redress_db::connect(&config.database).await?;
                redress_db::migrate::<Migrator>(&db).await?;
                tracing::info!("migrations applied");
                Ok(())
            }
            .await
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            tracing::error!(error = format!("{err:#}"), "redress-feedback failed");
            eprintln!("redress-feedback: {err:#}");
            ExitCode::FAILURE
        }
    }
}
