//! The subject-access export's archive, without I/O: where each record goes
//! ([`layout`]), the tar stream it is written as ([`Archive`]), and the
//! manifest that lists every file with its size and SHA-256 ([`Manifest`]).
//!
//! The archive is built in parts (intake, resolution, notification,
//! feedback), each ending on an entry boundary, so a job that crashed after
//! a part resumes with the next one: the manifest entries so far are saved
//! with the job, the bytes so far are in chunk rows.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The manifest's format version; bump it when the layout changes.
pub const FORMAT_VERSION: i32 = 1;
/// The size of the archive's chunk rows (as evidence's in resolution).
pub const CHUNK_BYTES: usize = 256 * 1024;
/// The parts of an export, in the order they are gathered.
pub const PARTS: [&str; 4] = ["intake", "resolution", "notification", "feedback"];
/// The manifest's path: the last file of every archive.
pub const MANIFEST_PATH: &str = "manifest.json";

const BLOCK: usize = 512;

/// Paths of the records in the archive. Ids come from resource names, so
/// every path component is safe; a file name given by an uploader is made
/// safe by [`safe_component`].
pub mod layout {
    use super::safe_component;

    /// The last segment of a resource name (`cases/c1` → `c1`).
    pub fn id_of(name: &str) -> &str {
        name.rsplit('/').next().unwrap_or(name)
    }

    pub fn complaint(id: &str) -> String {
        format!("intake/complaints/{}.json", safe_component(id))
    }
    pub fn interaction(complaint_id: &str, id: &str) -> String {
        format!("intake/complaints/{}/interactions/{}.json", safe_component(complaint_id), safe_component(id))
    }
    pub fn case(id: &str) -> String {
        format!("resolution/cases/{}.json", safe_component(id))
    }
    /// The case's whole hash-chained history, one JSON array oldest first
    /// (the chain reads as one record).
    pub fn case_events(case_id: &str) -> String {
        format!("resolution/cases/{}/events.json", safe_component(case_id))
    }
    pub fn evidence(id: &str) -> String {
        format!("resolution/evidence/{}.json", safe_component(id))
    }
    /// The evidence's content under the name it was uploaded with.
    pub fn evidence_content(id: &str, filename: &str) -> String {
        format!("resolution/evidence/{}/{}", safe_component(id), safe_component(filename))
    }
    pub fn notification(id: &str) -> String {
        format!("notification/notifications/{}.json", safe_component(id))
    }
    pub fn attempt(notification_id: &str, id: &str) -> String {
        format!("notification/notifications/{}/attempts/{}.json", safe_component(notification_id), safe_component(id))
    }
    pub fn survey(id: &str) -> String {
        format!("feedback/surveys/{}.json", safe_component(id))
    }
    pub fn fact(complaint_id: &str) -> String {
        format!("feedback/facts/{}.json", safe_component(complaint_id))
    }
    pub fn feedback_event(id: &str) -> String {
        format!("feedback/events/{}.json", safe_component(id))
    }
}

/// A record in the proto3 JSON mapping of its message `full_name` (e.g.
/// `redress.resolution.v1.Case`): the proto field names, every field present
/// (defaults too, so a reader sees what is empty), enums by name,
/// timestamps in RFC 3339, bytes in base64.
pub fn record_json<M: prost::Message>(message: &M, full_name: &str) -> Result<serde_json::Value, String> {
    use prost_reflect::{DescriptorPool, DynamicMessage, SerializeOptions};
    static POOL: std::sync::OnceLock<Result<DescriptorPool, String>> = std::sync::OnceLock::new();
    let pool = POOL
        .get_or_init(|| DescriptorPool::decode(redress_proto::FILE_DESCRIPTOR_SET).map_err(|e| e.to_string()))
        .as_ref()
        .map_err(Clone::clone)?;
    let descriptor = pool.get_message_by_name(full_name).ok_or_else(|| format!("no message {full_name}"))?;
    let dynamic = DynamicMessage::decode(descriptor, message.encode_to_vec().as_slice()).map_err(|e| e.to_string())?;
    let options = SerializeOptions::new().use_proto_field_name(true).skip_default_fields(false);
    dynamic.serialize_with_options(serde_json::value::Serializer, &options).map_err(|e| e.to_string())
}

/// A JSON document as a file's content, pretty-printed.
pub fn json_bytes(value: &serde_json::Value) -> Vec<u8> {
    serde_json::to_vec_pretty(value).unwrap_or_default()
}

/// One path component that cannot leave its directory or hide: no `/`,
/// `\`, control characters, leading dots; never empty; at most 200 bytes.
pub fn safe_component(name: &str) -> String {
    let mut out: String =
        name.chars().map(|c| if c == '/' || c == '\\' || c.is_control() || c == ':' { '_' } else { c }).collect();
    while out.starts_with('.') {
        out.replace_range(..1, "_");
    }
    if out.is_empty() {
        out.push('_');
    }
    if out.len() > 200 {
        let mut end = 200;
        while !out.is_char_boundary(end) {
            end -= 1;
        }
        out.truncate(end);
    }
    out
}

/// One file of the archive, as the manifest lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManifestEntry {
    pub path: String,
    pub size_bytes: u64,
    /// Lowercase hex SHA-256 of the file's content.
    pub sha256: String,
}

/// `manifest.json`: what the archive is and every other file in it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    pub format_version: i32,
    pub tenant: String,
    pub player_id: String,
    /// `exports/{id}`.
    pub export: String,
    /// RFC 3339, when the archive was completed.
    pub create_time: String,
    /// The parts gathered, in order.
    pub parts: Vec<String>,
    pub files: Vec<ManifestEntry>,
}

impl Manifest {
    /// The manifest's JSON, pretty-printed.
    pub fn to_json(&self) -> Vec<u8> {
        serde_json::to_vec_pretty(self).unwrap_or_default()
    }
}

/// An entry's content did not match the size announced in its header.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ArchiveError {
    #[error("{path}: {written} bytes written, {declared} declared")]
    SizeMismatch { path: String, declared: u64, written: u64 },
    #[error("{0}: a file is already open")]
    FileOpen(String),
    #[error("no file is open")]
    NoFileOpen,
}

struct OpenFile {
    path: String,
    declared: u64,
    written: u64,
    hash: Sha256,
}

/// A tar stream written entry by entry into memory, taken out in chunks of
/// [`CHUNK_BYTES`] as it fills, so an attachment of any size passes through
/// in pieces. Records every finished file for the manifest.
pub struct Archive {
    buf: Vec<u8>,
    mtime: u64,
    open: Option<OpenFile>,
    /// Files finished since the archive (or the part) started.
    pub entries: Vec<ManifestEntry>,
    /// Bytes produced since the archive (or the part) started.
    pub bytes: u64,
}

impl Archive {
    /// An archive whose entries carry `mtime` (seconds since the epoch).
    pub fn new(mtime: i64) -> Self {
        Self { buf: Vec::new(), mtime: mtime.max(0) as u64, open: None, entries: Vec::new(), bytes: 0 }
    }

    /// A whole file at once (a JSON record).
    pub fn file(&mut self, path: &str, content: &[u8]) -> Result<(), ArchiveError> {
        self.begin(path, content.len() as u64)?;
        self.write(content)?;
        self.end()
    }

    /// Starts a file of `size` bytes; its content follows in [`Self::write`].
    pub fn begin(&mut self, path: &str, size: u64) -> Result<(), ArchiveError> {
        if let Some(open) = &self.open {
            return Err(ArchiveError::FileOpen(open.path.clone()));
        }
        let headers = headers(path, size, self.mtime);
        self.push(&headers);
        self.open = Some(OpenFile { path: path.to_owned(), declared: size, written: 0, hash: Sha256::new() });
        Ok(())
    }

    /// A piece of the open file's content.
    pub fn write(&mut self, data: &[u8]) -> Result<(), ArchiveError> {
        let open = self.open.as_mut().ok_or(ArchiveError::NoFileOpen)?;
        open.written += data.len() as u64;
        if open.written > open.declared {
            return Err(ArchiveError::SizeMismatch {
                path: open.path.clone(),
                declared: open.declared,
                written: open.written,
            });
        }
        open.hash.update(data);
        self.push(data);
        Ok(())
    }

    /// Ends the open file: pads it to the block size and records it.
    pub fn end(&mut self) -> Result<(), ArchiveError> {
        let open = self.open.take().ok_or(ArchiveError::NoFileOpen)?;
        if open.written != open.declared {
            return Err(ArchiveError::SizeMismatch { path: open.path, declared: open.declared, written: open.written });
        }
        self.push(&vec![0; padding(open.declared)]);
        self.entries.push(ManifestEntry {
            path: open.path,
            size_bytes: open.declared,
            sha256: hex::encode(open.hash.finalize()),
        });
        Ok(())
    }

    /// Ends the archive: two zero blocks.
    pub fn finish(&mut self) {
        self.push(&[0; 2 * BLOCK]);
    }

    /// The bytes that fill whole chunks, taken out.
    pub fn full_chunks(&mut self) -> Vec<Vec<u8>> {
        let mut chunks = Vec::new();
        while self.buf.len() >= CHUNK_BYTES {
            let rest = self.buf.split_off(CHUNK_BYTES);
            chunks.push(std::mem::replace(&mut self.buf, rest));
        }
        chunks
    }

    /// Everything not yet taken out (a part's last, shorter chunk).
    pub fn rest(&mut self) -> Option<Vec<u8>> {
        (!self.buf.is_empty()).then(|| std::mem::take(&mut self.buf))
    }

    fn push(&mut self, data: &[u8]) {
        self.bytes += data.len() as u64;
        self.buf.extend_from_slice(data);
    }
}

/// Zero bytes after `size` bytes of content up to the block size.
fn padding(size: u64) -> usize {
    ((BLOCK as u64 - size % BLOCK as u64) % BLOCK as u64) as usize
}

/// The header block(s) of a regular file: a GNU long-name entry first when
/// the path does not fit the 100 bytes of the name field.
fn headers(path: &str, size: u64, mtime: u64) -> Vec<u8> {
    let mut out = Vec::with_capacity(2 * BLOCK);
    let name = path.as_bytes();
    if name.len() > 100 {
        let mut long = header(b"././@LongLink", name.len() as u64 + 1, mtime, tar::EntryType::GNULongName);
        long.set_cksum();
        out.extend_from_slice(long.as_bytes());
        out.extend_from_slice(name);
        out.push(0);
        out.extend(std::iter::repeat_n(0, padding(name.len() as u64 + 1)));
    }
    let mut file = header(&name[..name.len().min(100)], size, mtime, tar::EntryType::Regular);
    file.set_cksum();
    out.extend_from_slice(file.as_bytes());
    out
}

fn header(name: &[u8], size: u64, mtime: u64, kind: tar::EntryType) -> tar::Header {
    let mut header = tar::Header::new_gnu();
    if let Some(gnu) = header.as_gnu_mut() {
        gnu.name[..name.len()].copy_from_slice(name);
    }
    header.set_entry_type(kind);
    header.set_size(size);
    header.set_mode(0o644);
    header.set_mtime(mtime);
    header.set_uid(0);
    header.set_gid(0);
    let _ = header.set_username("redress");
    let _ = header.set_groupname("redress");
    header
}

#[cfg(test)]
mod tests {
    use std::io::Read;

    use super::*;

    fn read_back(bytes: &[u8]) -> Vec<(String, Vec<u8>)> {
        let mut archive = tar::Archive::new(bytes);
        let mut out = Vec::new();
        for entry in archive.entries().unwrap() {
            let mut entry = entry.unwrap();
            let path = entry.path().unwrap().to_string_lossy().into_owned();
            let mut data = Vec::new();
            entry.read_to_end(&mut data).unwrap();
            out.push((path, data));
        }
        out
    }

    fn all_bytes(archive: &mut Archive) -> Vec<u8> {
        let mut bytes: Vec<u8> = archive.full_chunks().concat();
        bytes.extend(archive.rest().unwrap_or_default());
        bytes
    }

    #[test]
    fn files_read_back_with_their_bytes_and_the_manifest_hashes() {
        let mut archive = Archive::new(1_764_633_600);
        archive.file(&layout::complaint("c1"), b"{\"name\":\"complaints/c1\"}").unwrap();
        let big: Vec<u8> = (0..CHUNK_BYTES * 2 + 777).map(|i| (i % 251) as u8).collect();
        let long_name = "a-very-long-file-name-".repeat(8) + ".png";
        let path = layout::evidence_content("e1", &long_name);
        assert!(path.len() > 100);
        archive.begin(&path, big.len() as u64).unwrap();
        for piece in big.chunks(1000) {
            archive.write(piece).unwrap();
        }
        archive.end().unwrap();
        archive.file(MANIFEST_PATH, b"{}").unwrap();
        archive.finish();
        let chunks = archive.full_chunks();
        assert_eq!(chunks.len(), 2, "two full chunks taken out as the archive filled");
        assert!(chunks.iter().all(|c| c.len() == CHUNK_BYTES));
        let mut bytes = chunks.concat();
        bytes.extend(archive.rest().unwrap());
        assert_eq!(bytes.len() as u64, archive.bytes);
        assert_eq!(bytes.len() % BLOCK, 0);

        let files = read_back(&bytes);
        let paths: Vec<_> = files.iter().map(|(p, _)| p.as_str()).collect();
        assert_eq!(paths, ["intake/complaints/c1.json", path.as_str(), "manifest.json"]);
        assert_eq!(files[1].1, big);
        for ((_, data), entry) in files.iter().zip(&archive.entries) {
            assert_eq!(entry.size_bytes, data.len() as u64);
            assert_eq!(entry.sha256, hex::encode(Sha256::digest(data)));
        }
    }

    #[test]
    fn an_attachment_shorter_or_longer_than_declared_is_refused() {
        let mut archive = Archive::new(0);
        archive.begin("x", 3).unwrap();
        assert!(matches!(archive.write(b"abcd"), Err(ArchiveError::SizeMismatch { .. })));
        let mut archive = Archive::new(0);
        archive.begin("x", 3).unwrap();
        archive.write(b"ab").unwrap();
        assert!(matches!(archive.end(), Err(ArchiveError::SizeMismatch { .. })));
        let mut archive = Archive::new(0);
        archive.begin("x", 3).unwrap();
        assert!(matches!(archive.begin("y", 1), Err(ArchiveError::FileOpen(_))));
    }

    #[test]
    fn parts_written_apart_make_one_archive() {
        let mut first = Archive::new(0);
        first.file("intake/a.json", b"1").unwrap();
        let mut bytes = all_bytes(&mut first);
        let mut second = Archive::new(0);
        second.file("feedback/b.json", b"22").unwrap();
        second.finish();
        bytes.extend(all_bytes(&mut second));
        let files = read_back(&bytes);
        assert_eq!(files, [("intake/a.json".into(), b"1".to_vec()), ("feedback/b.json".into(), b"22".to_vec())]);
    }

    #[test]
    fn uploaded_names_stay_in_their_directory() {
        assert_eq!(safe_component("../../etc/passwd"), "_._.._etc_passwd");
        assert_eq!(safe_component(".hidden"), "_hidden");
        assert_eq!(safe_component(""), "_");
        assert_eq!(safe_component("zrzut ekranu.png"), "zrzut ekranu.png");
        assert!(safe_component(&"ż".repeat(300)).len() <= 200);
        assert_eq!(layout::evidence_content("e1", "a/b.pdf"), "resolution/evidence/e1/a_b.pdf");
        assert_eq!(layout::id_of("cases/c1/evidence/e9"), "e9");
    }

    #[test]
    fn records_are_json_by_their_proto_field_names() {
        use redress_proto::{common::v1::ComplaintCategory, intake::v1::Complaint};
        let complaint = Complaint {
            name: "complaints/c1".into(),
            category: ComplaintCategory::Withdrawal.into(),
            create_time: Some(prost_types::Timestamp { seconds: 1_764_633_600, nanos: 0 }),
            ..Default::default()
        };
        let json = record_json(&complaint, "redress.intake.v1.Complaint").unwrap();
        assert_eq!(json["name"], "complaints/c1");
        assert_eq!(json["category"], "COMPLAINT_CATEGORY_WITHDRAWAL");
        assert_eq!(json["create_time"], "2025-12-02T00:00:00Z");
        assert_eq!(json["subject"], "", "defaults are present");
        assert!(record_json(&complaint, "redress.intake.v1.Nothing").is_err());
        let mut row = prost_types::Struct::default();
        row.fields.insert("csat".into(), prost_types::Value { kind: Some(prost_types::value::Kind::NumberValue(2.0)) });
        assert_eq!(record_json(&row, "google.protobuf.Struct").unwrap(), serde_json::json!({"csat": 2.0}));
    }

    #[test]
    fn the_manifest_names_the_player_tenant_and_version() {
        let manifest = Manifest {
            format_version: FORMAT_VERSION,
            tenant: "t".into(),
            player_id: "p".into(),
            export: "exports/x".into(),
            create_time: "2026-12-02T00:00:00Z".into(),
            parts: PARTS.iter().map(|p| p.to_string()).collect(),
            files: vec![ManifestEntry { path: "a".into(), size_bytes: 1, sha256: "00".into() }],
        };
        let json: serde_json::Value = serde_json::from_slice(&manifest.to_json()).unwrap();
        assert_eq!(json["format_version"], 1);
        assert_eq!(json["player_id"], "p");
        assert_eq!(json["files"][0]["size_bytes"], 1);
        assert_eq!(serde_json::from_slice::<Manifest>(&manifest.to_json()).unwrap(), manifest);
    }
}
