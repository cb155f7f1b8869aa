//! `redress player export` and `redress player export-status`: a
//! subject-access export of one player's data through `redress-sdk`; with
//! `--wait` it polls until the archive is built and, with `--output`, writes
//! the tar to a file, streamed to disk and checked against its SHA-256.

use std::{path::PathBuf, time::Duration};

use anyhow::{Context, bail};
use clap::Args;
use redress_sdk::{
    intake::IntakeClient,
    proto::intake::v1::{PlayerDataExport, player_data_export::State},
};
use serde_json::json;
use sha2::{Digest, Sha256};
use tokio::io::AsyncWriteExt;

use crate::remote::{Output, Record, exit, format_time, render_one};

/// Arguments of `redress player export`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// The casino's id of the player.
    player_id: String,
    /// The idempotency key: the same key returns the same export (default:
    /// a new UUIDv7).
    #[arg(long)]
    request_id: Option<String>,
    /// Waits until the archive is built (or the export failed).
    #[arg(long)]
    wait: bool,
    /// Writes the archive (a tar) to this file once built; implies --wait.
    #[arg(long)]
    output_file: Option<PathBuf>,
    /// How long --wait waits at most, in seconds.
    #[arg(long, default_value_t = 600)]
    wait_secs: u64,
}

/// Arguments of `redress player export-status`.
#[derive(Debug, Args)]
pub struct ExportStatusArgs {
    /// The export, `exports/{id}` (a bare id works too).
    name: String,
    /// Writes the archive (a tar) to this file when it is built.
    #[arg(long)]
    output_file: Option<PathBuf>,
}

/// Runs `player export`.
pub async fn export(client: &IntakeClient, output: Output, args: &ExportArgs) -> anyhow::Result<(String, u8)> {
    let mut export =
        client.export_player_data(&args.player_id, args.request_id.as_deref()).await.context("ExportPlayerData")?;
    if args.wait || args.output_file.is_some() {
        export = wait(client, &export.name, Duration::from_secs(args.wait_secs)).await?;
    }
    finish(client, output, export, args.output_file.as_ref()).await
}

/// Runs `player export-status`.
pub async fn status(client: &IntakeClient, output: Output, args: &ExportStatusArgs) -> anyhow::Result<(String, u8)> {
    let name = export_name(&args.name);
    let export = client.get_player_data_export(&name).await.context("GetPlayerDataExport")?;
    finish(client, output, export, args.output_file.as_ref()).await
}

fn export_name(name: &str) -> String {
    let name = name.trim();
    if name.starts_with("exports/") { name.to_owned() } else { format!("exports/{name}") }
}

/// Polls until the export is SUCCEEDED or FAILED, at most `limit`.
async fn wait(client: &IntakeClient, name: &str, limit: Duration) -> anyhow::Result<PlayerDataExport> {
    let deadline = tokio::time::Instant::now() + limit;
    let mut delay = Duration::from_millis(200);
    loop {
        let export = client.get_player_data_export(name).await.context("GetPlayerDataExport")?;
        if !matches!(export.state(), State::Pending | State::Running) {
            return Ok(export);
        }
        if tokio::time::Instant::now() + delay > deadline {
            bail!("{name} is still {} after {}s", export.state().as_str_name(), limit.as_secs());
        }
        tokio::time::sleep(delay).await;
        delay = (delay * 2).min(Duration::from_secs(5));
    }
}

/// Prints the export, writing its archive first when asked; a FAILED export
/// exits non-zero.
async fn finish(
    client: &IntakeClient,
    output: Output,
    export: PlayerDataExport,
    file: Option<&PathBuf>,
) -> anyhow::Result<(String, u8)> {
    if let Some(file) = file {
        if export.state() != State::Succeeded {
            bail!("{} is {}, not downloadable: {}", export.name, export.state().as_str_name(), export.error);
        }
        download(client, &export, file).await?;
    }
    let code = if export.state() == State::Failed { exit::NEGATIVE } else { exit::OK };
    Ok((render_one(output, &record(&export, file)), code))
}

/// Streams the archive to `out` (through `out.part`, renamed once the bytes
/// hash to the export's SHA-256).
async fn download(client: &IntakeClient, export: &PlayerDataExport, out: &PathBuf) -> anyhow::Result<()> {
    let mut part = out.as_os_str().to_owned();
    part.push(".part");
    let part = PathBuf::from(part);
    let result = async {
        let mut download =
            client.download_player_data_export(&export.name).await.context("DownloadPlayerDataExport")?;
        let mut file =
            tokio::fs::File::create(&part).await.with_context(|| format!("cannot create {}", part.display()))?;
        let (mut hash, mut size) = (Sha256::new(), 0i64);
        while let Some(chunk) = download.chunk().await.context("DownloadPlayerDataExport")? {
            hash.update(&chunk);
            size += chunk.len() as i64;
            file.write_all(&chunk).await.with_context(|| format!("cannot write {}", part.display()))?;
        }
        file.flush().await?;
        let local = hex::encode(hash.finalize());
        if local != download.export.archive_sha256 || size != download.export.archive_size_bytes {
            bail!("the archive hashes to {local} ({size} bytes), not the recorded {}", download.export.archive_sha256);
        }
        tokio::fs::rename(&part, out).await.with_context(|| format!("cannot write {}", out.display()))
    }
    .await;
    if result.is_err() {
        let _ = tokio::fs::remove_file(&part).await;
    }
    result
}

fn record(export: &PlayerDataExport, file: Option<&PathBuf>) -> Record {
    let progress = export.progress.clone().unwrap_or_default();
    vec![
        ("name", json!(export.name)),
        ("player_id", json!(export.player_id)),
        ("state", json!(export.state().as_str_name().trim_start_matches("STATE_"))),
        (
            "parts_done",
            json!(format!("{}/{} {}", progress.parts_done.len(), progress.parts_total, progress.parts_done.join(","))),
        ),
        ("records", json!(progress.records_gathered)),
        ("created", json!(format_time(export.create_time.as_ref()))),
        ("completed", json!(format_time(export.complete_time.as_ref()))),
        ("expires", json!(format_time(export.expire_time.as_ref()))),
        ("size_bytes", json!(export.archive_size_bytes)),
        ("sha256", json!(export.archive_sha256)),
        ("error", json!(export.error)),
        ("file", json!(file.map(|f| f.display().to_string()).unwrap_or_default())),
    ]
}
