//! `redress cases evidence`: attach a file to a case, list a case's
//! evidence, download one — through the SDK's typed evidence methods. Files
//! stream from and to disk in 256 KiB pieces, never whole in memory, and
//! both directions check the SHA-256 the service recorded against the bytes
//! on disk.

use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::{Args, Subcommand};
use futures::TryStreamExt;
use redress_sdk::proto::resolution::v1::{Evidence, ListEvidenceRequest, upload_evidence_request::Header};
use serde_json::json;

use crate::remote::{Record, Remote, exit, format_time, render_list, render_one};

/// Arguments of `redress cases evidence`.
#[derive(Debug, Args)]
pub struct EvidenceArgs {
    #[command(subcommand)]
    command: EvidenceCommand,
}

#[derive(Debug, Subcommand)]
enum EvidenceCommand {
    /// Attaches a file to a case, or to a complaint whose case may not be
    /// open yet (its type is sniffed by the service).
    Upload(UploadArgs),
    /// Lists a case's evidence (`-` for every case of the tenant).
    List(ListArgs),
    /// Downloads an evidence's content to a file, checking its SHA-256.
    Download(DownloadArgs),
}

#[derive(Debug, Args)]
struct UploadArgs {
    /// The case, `cases/{case_id}` (a bare case id works too), or the
    /// complaint, `complaints/{complaint_id}`.
    case: String,
    /// The file to attach.
    file: PathBuf,
    /// What the file shows.
    #[arg(long, default_value = "")]
    description: String,
    /// The media type to declare (recorded, not trusted).
    #[arg(long, default_value = "")]
    content_type: String,
    /// The idempotency key; the same key and file again return the same
    /// evidence (default: a new UUIDv7).
    #[arg(long)]
    request_id: Option<String>,
}

#[derive(Debug, Args)]
struct ListArgs {
    /// The case, `cases/{case_id}`, a bare case id, `-` for every case, or
    /// a complaint, `complaints/{complaint_id}`.
    case: String,
}

#[derive(Debug, Args)]
struct DownloadArgs {
    /// The evidence, `cases/{case_id}/evidence/{evidence_id}` or
    /// `complaints/{complaint_id}/evidence/{evidence_id}`.
    evidence: String,
    /// Where to write the content; written to `<file>.part` first and
    /// renamed once the SHA-256 matches.
    out: PathBuf,
}

/// The parent as the service names it: a case or complaint name as given,
/// a bare id as a case.
fn case_name(text: &str) -> String {
    let text = text.trim();
    if text.starts_with("cases/") || text.starts_with("complaints/") {
        text.to_owned()
    } else {
        format!("cases/{text}")
    }
}

fn record(e: &Evidence) -> Record {
    let by = e.uploaded_by.clone().unwrap_or_default();
    vec![
        ("name", json!(e.name)),
        ("filename", json!(e.filename)),
        ("content_type", json!(e.content_type)),
        ("size_bytes", json!(e.size_bytes)),
        ("sha256", json!(e.sha256)),
        ("state", json!(e.state().as_str_name().trim_start_matches("STATE_"))),
        ("uploaded_by", json!(format!("{} ({})", by.subject, by.role))),
        ("created", json!(format_time(e.create_time.as_ref()))),
    ]
}

/// Runs an evidence subcommand and returns what it prints and its exit code.
pub async fn execute(remote: &Remote, args: &EvidenceArgs) -> anyhow::Result<(String, u8)> {
    let output = remote.output;
    let text = match &args.command {
        EvidenceCommand::Upload(u) => render_one(output, &record(&upload(remote, u).await?)),
        EvidenceCommand::List(l) => {
            let evidence = list(remote, &case_name(&l.case)).await?;
            render_list(output, &evidence.iter().map(record).collect::<Vec<_>>())
        }
        EvidenceCommand::Download(d) => render_one(output, &record(&download(remote, &d.evidence, &d.out).await?)),
    };
    Ok((text, exit::OK))
}

async fn upload(remote: &Remote, args: &UploadArgs) -> anyhow::Result<Evidence> {
    let client = remote.client()?;
    let file =
        tokio::fs::File::open(&args.file).await.with_context(|| format!("cannot open {}", args.file.display()))?;
    let filename = args.file.file_name().and_then(|n| n.to_str()).context("the file has no usable name")?.to_owned();
    let header = Header {
        parent: case_name(&args.case),
        request_id: args.request_id.clone().unwrap_or_default(),
        filename,
        declared_content_type: args.content_type.clone(),
        description: args.description.clone(),
    };
    // The SDK streams the file in pieces and checks the recorded SHA-256
    // against the bytes read.
    client
        .resolution()
        .upload_evidence(header, file)
        .await
        .with_context(|| format!("UploadEvidence of {}", args.file.display()))
}

async fn list(remote: &Remote, parent: &str) -> anyhow::Result<Vec<Evidence>> {
    let request = ListEvidenceRequest { parent: parent.to_owned(), page_size: 1000, ..Default::default() };
    remote.client()?.resolution().list_evidence(request).try_collect().await.context("ListEvidence")
}

async fn download(remote: &Remote, name: &str, out: &Path) -> anyhow::Result<Evidence> {
    let client = remote.client()?;
    let download = client.resolution().download_evidence(name.trim()).await.context("DownloadEvidence")?;
    let mut part = out.as_os_str().to_owned();
    part.push(".part");
    let part = PathBuf::from(part);
    let result = async {
        let mut file =
            tokio::fs::File::create(&part).await.with_context(|| format!("cannot create {}", part.display()))?;
        // Written and checked against the recorded SHA-256 and size.
        let evidence = download.write_to(&mut file).await.context("DownloadEvidence")?;
        tokio::fs::rename(&part, out).await.with_context(|| format!("cannot write {}", out.display()))?;
        Ok(evidence)
    }
    .await;
    if result.is_err() {
        let _ = tokio::fs::remove_file(&part).await;
    }
    result
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use redress_auth::Role;

    use super::*;
    use crate::{remote::Output, testing::RunningResolution};

    fn args(words: &[&str]) -> EvidenceArgs {
        use clap::Parser;
        #[derive(Debug, Parser)]
        struct Wrapper {
            #[command(flatten)]
            evidence: EvidenceArgs,
        }
        Wrapper::try_parse_from(std::iter::once("evidence").chain(words.iter().copied())).unwrap().evidence
    }

    #[tokio::test]
    async fn a_file_goes_up_and_comes_back_byte_for_byte() {
        let running = RunningResolution::start().await;
        let case = running.open_case("c-ev", "GB").await;
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("statement.pdf");
        let mut content = b"%PDF-1.7\n".to_vec();
        content.extend((0..700_000u32).map(|i| (i % 253) as u8));
        std::fs::write(&file, &content).unwrap();
        let mut remote = running.target(&[Role::Agent]);
        remote.output = Output::Json;

        let upload = args(&["upload", &case.name, file.to_str().unwrap(), "--description", "bank statement"]);
        let (text, code) = execute(&remote, &upload).await.unwrap();
        assert_eq!(code, exit::OK);
        let uploaded: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(uploaded["content_type"], "application/pdf");
        assert_eq!(uploaded["size_bytes"], content.len());
        let name = uploaded["name"].as_str().unwrap().to_owned();

        let (text, _) = execute(&remote, &args(&["list", case.name.trim_start_matches("cases/")])).await.unwrap();
        let listed: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(listed.as_array().unwrap().len(), 1);

        let out = dir.path().join("copy.pdf");
        let (_, code) = execute(&remote, &args(&["download", &name, out.to_str().unwrap()])).await.unwrap();
        assert_eq!(code, exit::OK);
        assert_eq!(std::fs::read(&out).unwrap(), content);

        let missing = format!("{}/evidence/0190aaaa-0000-7000-8000-000000000000", case.name);
        let err = execute(&remote, &args(&["download", &missing, out.to_str().unwrap()])).await.unwrap_err();
        assert_eq!(crate::remote::exit_code(&err), exit::NOT_FOUND, "{err:#}");
        running.resolution.shutdown().await;
    }
}
