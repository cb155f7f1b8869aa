//! `redress cases evidence`: attach a file to a case, list a case's
//! evidence, download one — on the generated resolution client with the
//! SDK's channel and token. Files stream from and to disk in 256 KiB pieces,
//! never whole in memory, and both directions check the SHA-256 the service
//! recorded against the bytes on disk.

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use clap::{Args, Subcommand};
use futures::StreamExt;
use redress_sdk::{
    Service,
    proto::resolution::v1::{
        DownloadEvidenceRequest, Evidence, ListEvidenceRequest, UploadEvidenceRequest, download_evidence_response,
        resolution_service_client::ResolutionServiceClient, upload_evidence_request,
    },
};
use serde_json::json;
use sha2::{Digest, Sha256};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::remote::{Record, Remote, exit, format_time, render_list, render_one};

/// Bytes per upload message.
const PIECE: usize = 256 * 1024;

/// Arguments of `redress cases evidence`.
#[derive(Debug, Args)]
pub struct EvidenceArgs {
    #[command(subcommand)]
    command: EvidenceCommand,
}

#[derive(Debug, Subcommand)]
enum EvidenceCommand {
    /// Attaches a file to a case (its type is sniffed by the service).
    Upload(UploadArgs),
    /// Lists a case's evidence (`-` for every case of the tenant).
    List(ListArgs),
    /// Downloads an evidence's content to a file, checking its SHA-256.
    Download(DownloadArgs),
}

#[derive(Debug, Args)]
struct UploadArgs {
    /// The case, `cases/{case_id}` (a bare case id works too).
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
    /// The case, `cases/{case_id}`, a bare case id, or `-` for every case.
    case: String,
}

#[derive(Debug, Args)]
struct DownloadArgs {
    /// The evidence, `cases/{case_id}/evidence/{evidence_id}`.
    evidence: String,
    /// Where to write the content; written to `<file>.part` first and
    /// renamed once the SHA-256 matches.
    out: PathBuf,
}

fn case_name(text: &str) -> String {
    let text = text.trim();
    if text.starts_with("cases/") { text.to_owned() } else { format!("cases/{text}") }
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

/// The messages of an upload: the header, then the file in pieces, hashed as
/// they are read. A read error mid-file sends a message without a part, so
/// the service refuses the upload instead of storing a truncated file.
fn messages(
    header: upload_evidence_request::Header,
    file: tokio::fs::File,
    hash: std::sync::Arc<std::sync::Mutex<(Sha256, Option<std::io::Error>)>>,
) -> impl futures::Stream<Item = UploadEvidenceRequest> + Send + 'static {
    let first = UploadEvidenceRequest { part: Some(upload_evidence_request::Part::Header(header)) };
    let rest = futures::stream::unfold(Some(file), move |file| {
        let hash = std::sync::Arc::clone(&hash);
        async move {
            let mut file = file?;
            let mut piece = vec![0u8; PIECE];
            let mut filled = 0;
            // Fill a whole piece (reads may return less) unless the file ends.
            while filled < PIECE {
                match file.read(&mut piece[filled..]).await {
                    Ok(0) => break,
                    Ok(n) => filled += n,
                    Err(err) => {
                        if let Ok(mut h) = hash.lock() {
                            h.1 = Some(err);
                        }
                        return Some((UploadEvidenceRequest { part: None }, None));
                    }
                }
            }
            if filled == 0 {
                return None;
            }
            piece.truncate(filled);
            if let Ok(mut h) = hash.lock() {
                h.0.update(&piece);
            }
            Some((UploadEvidenceRequest { part: Some(upload_evidence_request::Part::Chunk(piece)) }, Some(file)))
        }
    });
    futures::stream::once(async move { first }).chain(rest)
}

async fn upload(remote: &Remote, args: &UploadArgs) -> anyhow::Result<Evidence> {
    let client = remote.client()?;
    let file =
        tokio::fs::File::open(&args.file).await.with_context(|| format!("cannot open {}", args.file.display()))?;
    let filename = args.file.file_name().and_then(|n| n.to_str()).context("the file has no usable name")?.to_owned();
    let header = upload_evidence_request::Header {
        parent: case_name(&args.case),
        request_id: args.request_id.clone().unwrap_or_else(redress_sdk::new_request_id),
        filename,
        declared_content_type: args.content_type.clone(),
        description: args.description.clone(),
    };
    let hash = std::sync::Arc::new(std::sync::Mutex::new((Sha256::new(), None)));
    let request = client.request(messages(header, file, std::sync::Arc::clone(&hash))).await?;
    let mut grpc = ResolutionServiceClient::new(client.channel(Service::Resolution)?)
        .max_encoding_message_size(usize::MAX)
        .max_decoding_message_size(usize::MAX);
    let result = grpc.upload_evidence(request).await;
    let (local, read_error) = match std::sync::Arc::try_unwrap(hash).ok().and_then(|m| m.into_inner().ok()) {
        Some((h, err)) => (hex::encode(h.finalize()), err),
        None => bail!("the upload's hash is still in use"),
    };
    if let Some(err) = read_error {
        return Err(err).with_context(|| format!("cannot read {}", args.file.display()));
    }
    let evidence = result.map_err(redress_sdk::Error::from_status).context("UploadEvidence")?.into_inner();
    let evidence = evidence.evidence.unwrap_or_default();
    if evidence.sha256 != local {
        bail!("the service recorded sha256 {} but the file hashes to {local}", evidence.sha256);
    }
    Ok(evidence)
}

async fn list(remote: &Remote, parent: &str) -> anyhow::Result<Vec<Evidence>> {
    let client = remote.client()?;
    let mut all = Vec::new();
    let mut page_token = String::new();
    loop {
        let request =
            ListEvidenceRequest { parent: parent.to_owned(), page_size: 1000, page_token, ..Default::default() };
        let page = client
            .call(Service::Resolution, redress_sdk::Idempotency::Safe, request, |channel, request| async move {
                ResolutionServiceClient::new(channel).list_evidence(request).await
            })
            .await
            .context("ListEvidence")?;
        all.extend(page.evidence);
        if page.next_page_token.is_empty() {
            return Ok(all);
        }
        page_token = page.next_page_token;
    }
}

async fn download(remote: &Remote, name: &str, out: &Path) -> anyhow::Result<Evidence> {
    let client = remote.client()?;
    let request = client.request(DownloadEvidenceRequest { name: name.trim().to_owned() }).await?;
    let mut grpc = ResolutionServiceClient::new(client.channel(Service::Resolution)?);
    let mut stream = grpc
        .download_evidence(request)
        .await
        .map_err(redress_sdk::Error::from_status)
        .context("DownloadEvidence")?
        .into_inner();
    let mut part = out.as_os_str().to_owned();
    part.push(".part");
    let part = PathBuf::from(part);
    let result = async {
        let mut file =
            tokio::fs::File::create(&part).await.with_context(|| format!("cannot create {}", part.display()))?;
        let (mut evidence, mut hash, mut size) = (None, Sha256::new(), 0i64);
        while let Some(message) =
            stream.message().await.map_err(redress_sdk::Error::from_status).context("DownloadEvidence")?
        {
            match message.part {
                Some(download_evidence_response::Part::Evidence(e)) => evidence = Some(e),
                Some(download_evidence_response::Part::Chunk(chunk)) => {
                    hash.update(&chunk);
                    size += chunk.len() as i64;
                    file.write_all(&chunk).await.with_context(|| format!("cannot write {}", part.display()))?;
                }
                None => {}
            }
        }
        file.flush().await?;
        let evidence = evidence.context("the service sent no evidence metadata")?;
        let local = hex::encode(hash.finalize());
        if local != evidence.sha256 || size != evidence.size_bytes {
            bail!("the downloaded bytes hash to {local} ({size} bytes), not the recorded {}", evidence.sha256);
        }
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
