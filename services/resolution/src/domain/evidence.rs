//! Evidence attached to a case: the tenant's limits, the content type as
//! sniffed from the bytes (never the caller's word), the scan states, and
//! what the history records. Pure: the API feeds the bytes as they stream.

use redress_proto::resolution::v1::{evidence::State, upload_evidence_request::Header};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// Bytes per stored chunk row: large enough that a 10 MiB file is 40 rows,
/// small enough that a download holds two at a time.
pub const CHUNK_BYTES: usize = 256 * 1024;
/// The largest chunk one upload message may carry (under the server's
/// message limit, 4 MiB by default).
pub const MAX_MESSAGE_CHUNK: usize = 1024 * 1024;
/// Bytes the sniffer needs from the start of the content.
const HEAD: usize = 12;

/// The sniffed types.
pub mod types {
    pub const PNG: &str = "image/png";
    pub const JPEG: &str = "image/jpeg";
    pub const GIF: &str = "image/gif";
    pub const WEBP: &str = "image/webp";
    pub const PDF: &str = "application/pdf";
    pub const TEXT: &str = "text/plain";
    pub const OCTET_STREAM: &str = "application/octet-stream";
}

/// A tenant's evidence limits (`tenants.<id>.evidence` in resolution's
/// configuration).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct EvidencePolicy {
    /// The largest file, in bytes.
    pub max_size_bytes: u64,
    /// Sniffed media types the tenant accepts.
    pub allowed_content_types: Vec<String>,
    /// New evidence waits for a malware scanner (PENDING_SCAN) instead of
    /// being CLEAN at once.
    pub scan_required: bool,
}

impl Default for EvidencePolicy {
    fn default() -> Self {
        use types::*;
        Self {
            max_size_bytes: 10 * 1024 * 1024,
            allowed_content_types: [PNG, JPEG, GIF, WEBP, PDF, TEXT].map(String::from).to_vec(),
            scan_required: false,
        }
    }
}

impl EvidencePolicy {
    /// True when the tenant accepts content of this sniffed type.
    pub fn allows(&self, content_type: &str) -> bool {
        self.allowed_content_types.iter().any(|t| t.eq_ignore_ascii_case(content_type))
    }

    /// The state new evidence starts in.
    pub fn initial_state(&self) -> State {
        if self.scan_required { State::PendingScan } else { State::Clean }
    }
}

/// The content type of a stream of bytes, learnt as they are fed: magic
/// numbers at the start, else `text/plain` when every byte is UTF-8 text.
#[derive(Debug, Default, Clone)]
pub struct Sniffer {
    head: Vec<u8>,
    /// An incomplete UTF-8 sequence at the end of the last chunk.
    pending: Vec<u8>,
    /// False once a byte is not text.
    not_text: bool,
}

impl Sniffer {
    /// Takes the next bytes of the content.
    pub fn feed(&mut self, bytes: &[u8]) {
        if self.head.len() < HEAD {
            let take = (HEAD - self.head.len()).min(bytes.len());
            self.head.extend_from_slice(&bytes[..take]);
        }
        if self.not_text {
            return;
        }
        let joined;
        let bytes = if self.pending.is_empty() {
            bytes
        } else {
            joined = [std::mem::take(&mut self.pending).as_slice(), bytes].concat();
            joined.as_slice()
        };
        let valid = match std::str::from_utf8(bytes) {
            Ok(s) => s,
            // Cut inside a character: keep its first bytes for the next chunk.
            Err(e) if e.error_len().is_none() => {
                self.pending = bytes[e.valid_up_to()..].to_vec();
                std::str::from_utf8(&bytes[..e.valid_up_to()]).unwrap_or_default()
            }
            Err(_) => {
                self.not_text = true;
                return;
            }
        };
        if valid.chars().any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r')) {
            self.not_text = true;
        }
    }

    /// The sniffed type of everything fed.
    pub fn content_type(&self) -> &'static str {
        let h = self.head.as_slice();
        if h.starts_with(b"\x89PNG\r\n\x1a\n") {
            types::PNG
        } else if h.starts_with(b"\xff\xd8\xff") {
            types::JPEG
        } else if h.starts_with(b"GIF87a") || h.starts_with(b"GIF89a") {
            types::GIF
        } else if h.len() >= 12 && h.starts_with(b"RIFF") && &h[8..12] == b"WEBP" {
            types::WEBP
        } else if h.starts_with(b"%PDF-") {
            types::PDF
        } else if !self.not_text && self.pending.is_empty() && !h.is_empty() {
            types::TEXT
        } else {
            types::OCTET_STREAM
        }
    }
}

/// The idempotency fingerprint of an upload: the header without its key and
/// the content's SHA-256, so the same key with other bytes is a reuse.
pub fn fingerprint(header: &Header, content_sha256: &str) -> String {
    use prost::Message;
    let mut header = header.clone();
    header.request_id.clear();
    let mut hash = Sha256::new();
    hash.update(header.encode_to_vec());
    hash.update(content_sha256.as_bytes());
    hex::encode(hash.finalize())
}

/// The history's summary of an attachment.
pub fn attached_summary(filename: &str, size: i64, sha256: &str) -> String {
    format!("evidence {filename} ({size} bytes, sha256 {sha256})")
}

/// Problems with an upload header, as (field, description).
pub fn header_problems(header: &Header) -> Vec<(&'static str, &'static str)> {
    let mut out = Vec::new();
    if header.filename.contains(['/', '\\']) {
        out.push(("header.filename", "must be a file name without directories"));
    }
    if header.filename == "." || header.filename == ".." {
        out.push(("header.filename", "must be a file name"));
    }
    out
}

/// What a scanner's verdict does to an evidence in `current`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScanOutcome {
    /// PENDING_SCAN moves to the verdict.
    Changed,
    /// The same verdict again: nothing to do (a retried report).
    Unchanged,
}

/// Decides a scanner's verdict (CLEAN or REJECTED, checked by the caller):
/// only PENDING_SCAN evidence moves; a repeat of the verdict it already has
/// is a no-op; anything else is refused (`EVIDENCE_ALREADY_SCANNED`).
pub fn record_scan(current: State, verdict: State, scanned_before: bool) -> Result<ScanOutcome, State> {
    match current {
        State::PendingScan => Ok(ScanOutcome::Changed),
        s if s == verdict && scanned_before => Ok(ScanOutcome::Unchanged),
        s => Err(s),
    }
}

/// True when staff and the backend may download evidence in `state`; the
/// scanner (role `service`) may in every state.
pub fn downloadable(state: State, scanner: bool) -> bool {
    scanner || state == State::Clean
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sniff(chunks: &[&[u8]]) -> &'static str {
        let mut s = Sniffer::default();
        for c in chunks {
            s.feed(c);
        }
        s.content_type()
    }

    #[test]
    fn magic_numbers_decide_over_anything_declared() {
        assert_eq!(sniff(&[b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"]), types::PNG);
        assert_eq!(sniff(&[b"\xff\xd8", b"\xff\xe0rest"]), types::JPEG, "magic across chunks");
        assert_eq!(sniff(&[b"GIF89a..."]), types::GIF);
        assert_eq!(sniff(&[b"RIFF\x10\0\0\0WEBPVP8 "]), types::WEBP);
        assert_eq!(sniff(&[b"RIFF\x10\0\0\0WAVEfmt "]), types::OCTET_STREAM);
        assert_eq!(sniff(&[b"%PDF-1.7\n"]), types::PDF);
        assert_eq!(sniff(&[b"MZ\x90\0\x03\0\0\0"]), types::OCTET_STREAM);
    }

    #[test]
    fn text_is_utf8_without_control_characters_even_cut_mid_character() {
        let text = "Zażółć gęślą jaźń\r\n\tkwota: 500 €".as_bytes();
        assert_eq!(sniff(&[text]), types::TEXT);
        // "ż" is two bytes: cut between them.
        assert_eq!(sniff(&[&text[..3], &text[3..]]), types::TEXT);
        assert_eq!(sniff(&[b"hello\0world"]), types::OCTET_STREAM);
        assert_eq!(sniff(&[b"hello \xff"]), types::OCTET_STREAM);
        assert_eq!(sniff(&[b"ends cut \xc5"]), types::OCTET_STREAM, "an unfinished character at the end");
        assert_eq!(sniff(&[b"plain", b"\x1b[31m escape"]), types::OCTET_STREAM);
    }

    #[test]
    fn the_default_policy_allows_the_common_evidence_types() {
        let p = EvidencePolicy::default();
        assert!(p.allows("image/png") && p.allows("IMAGE/PNG") && p.allows("text/plain"));
        assert!(!p.allows(types::OCTET_STREAM));
        assert_eq!(p.initial_state(), State::Clean);
        assert_eq!(EvidencePolicy { scan_required: true, ..p }.initial_state(), State::PendingScan);
    }

    #[test]
    fn only_pending_evidence_takes_a_verdict() {
        assert_eq!(record_scan(State::PendingScan, State::Clean, false), Ok(ScanOutcome::Changed));
        assert_eq!(record_scan(State::Rejected, State::Rejected, true), Ok(ScanOutcome::Unchanged));
        assert_eq!(record_scan(State::Rejected, State::Clean, true), Err(State::Rejected));
        assert_eq!(record_scan(State::Clean, State::Clean, false), Err(State::Clean), "never pending");
        assert!(downloadable(State::Clean, false) && !downloadable(State::PendingScan, false));
        assert!(downloadable(State::Rejected, true));
    }

    #[test]
    fn the_fingerprint_covers_the_header_and_the_bytes_but_not_the_key() {
        let h = Header {
            parent: "cases/c".into(),
            request_id: "r1".into(),
            filename: "a.png".into(),
            ..Default::default()
        };
        let other_key = Header { request_id: "r2".into(), ..h.clone() };
        assert_eq!(fingerprint(&h, "ab"), fingerprint(&other_key, "ab"));
        assert_ne!(fingerprint(&h, "ab"), fingerprint(&h, "cd"));
        let renamed = Header { filename: "b.png".into(), ..h.clone() };
        assert_ne!(fingerprint(&h, "ab"), fingerprint(&renamed, "ab"));
        assert_eq!(header_problems(&Header { filename: "../x".into(), ..h }).len(), 1);
    }
}
