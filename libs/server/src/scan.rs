//! Every string field of every request, checked by the one text rule
//! ([`redress_errors::text`]) before a handler sees it: the request bytes
//! are walked with the descriptors of the proto files, so no field can be
//! forgotten by a handler's validation.

use std::collections::HashMap;

use prost_types::{DescriptorProto, FileDescriptorSet, field_descriptor_proto::Type};
use redress_errors::{Violations, text};

/// Fields that hold free text over several lines; every other string field
/// is one line (no line breaks or tabs).
const MULTILINE: [&str; 16] = [
    "answer",
    "body",
    "body_html",
    "body_text",
    "comment",
    "conclusion",
    "description",
    "detail",
    "enquiry_answer",
    "final_response",
    "guidance",
    "message",
    "player_comment",
    "player_message",
    "rationale",
    "text",
];

/// Message descriptors by full name (`.redress.intake.v1.Player`).
#[derive(Debug, Default)]
pub struct Messages(HashMap<String, DescriptorProto>);

impl Messages {
    /// Every message of `set`, nested ones (map entries) included.
    pub fn of(set: &FileDescriptorSet) -> Self {
        fn add(map: &mut HashMap<String, DescriptorProto>, scope: &str, message: &DescriptorProto) {
            let name = format!("{scope}.{}", message.name());
            for nested in &message.nested_type {
                add(map, &name, nested);
            }
            map.insert(name, message.clone());
        }
        let mut map = HashMap::new();
        for file in &set.file {
            let scope = if file.package().is_empty() { String::new() } else { format!(".{}", file.package()) };
            for message in &file.message_type {
                add(&mut map, &scope, message);
            }
        }
        Self(map)
    }

    /// Checks the strings of an encoded message of type `type_name`.
    /// Malformed bytes end the walk quietly: decoding rejects them later.
    pub fn check(&self, type_name: &str, bytes: &[u8], v: &mut Violations) {
        self.walk(type_name, bytes, "", v, 0);
    }

    fn walk(&self, type_name: &str, mut buf: &[u8], prefix: &str, v: &mut Violations, depth: usize) {
        let Some(message) = self.0.get(type_name) else { return };
        if depth > 32 {
            return;
        }
        while !buf.is_empty() {
            let Some(key) = varint(&mut buf) else { return };
            let (number, wire) = ((key >> 3) as i32, key & 7);
            match wire {
                0 => {
                    if varint(&mut buf).is_none() {
                        return;
                    }
                }
                1 | 5 => {
                    let n = if wire == 1 { 8 } else { 4 };
                    if buf.len() < n {
                        return;
                    }
                    buf = &buf[n..];
                }
                2 => {
                    let Some(len) = varint(&mut buf).and_then(|l| usize::try_from(l).ok()) else { return };
                    if buf.len() < len {
                        return;
                    }
                    let (value, rest) = buf.split_at(len);
                    buf = rest;
                    let Some(field) = message.field.iter().find(|f| f.number() == number) else { continue };
                    let path =
                        if prefix.is_empty() { field.name().to_owned() } else { format!("{prefix}.{}", field.name()) };
                    match field.r#type() {
                        Type::String => {
                            let Ok(value) = std::str::from_utf8(value) else { continue };
                            // Map values (template variables) are free text.
                            let map_value =
                                field.name() == "value" && message.options.as_ref().is_some_and(|o| o.map_entry());
                            let multiline = map_value || MULTILINE.contains(&field.name());
                            if let Some(problem) = text::problem(value, multiline) {
                                v.add(path, problem);
                            }
                        }
                        Type::Message => self.walk(field.type_name(), value, &path, v, depth + 1),
                        _ => {}
                    }
                }
                // Groups are not used by Redress; stop rather than guess.
                _ => return,
            }
        }
    }
}

fn varint(buf: &mut &[u8]) -> Option<u64> {
    let mut value = 0u64;
    for shift in 0..10 {
        let (&byte, rest) = buf.split_first()?;
        *buf = rest;
        value |= u64::from(byte & 0x7f) << (shift * 7);
        if byte & 0x80 == 0 {
            return Some(value);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use prost::Message;
    use redress_proto::common::v1::Player;

    use super::*;

    fn messages() -> Messages {
        Messages::of(&FileDescriptorSet::decode(redress_proto::FILE_DESCRIPTOR_SET).unwrap())
    }

    #[test]
    fn every_string_field_nested_or_not_meets_the_text_rule() {
        let request = redress_proto::intake::v1::SubmitComplaintRequest {
            player: Some(Player { player_id: "p\0".into(), display_name: "Anna".into(), ..Default::default() }),
            subject: "two\nlines".into(),
            description: "two\nlines\tare fine here".into(),
            request_id: "r\u{1b}[2J".into(),
            ..Default::default()
        };
        let mut v = Violations::new();
        messages().check(".redress.intake.v1.SubmitComplaintRequest", &request.encode_to_vec(), &mut v);
        let status: tonic::Status = v.into_result().unwrap_err().into();
        let bad = tonic_types::StatusExt::get_details_bad_request(&status).unwrap();
        let mut fields: Vec<_> = bad.field_violations.iter().map(|f| f.field.as_str()).collect();
        fields.sort();
        assert_eq!(fields, ["player.player_id", "request_id", "subject"]);
    }

    #[test]
    fn garbage_ends_the_walk_without_a_verdict() {
        let mut v = Violations::new();
        messages().check(".redress.intake.v1.SubmitComplaintRequest", &[0xff, 0xff, 0xff], &mut v);
        messages().check(".redress.intake.v1.SubmitComplaintRequest", &[0x0a, 0x7f], &mut v);
        assert!(v.is_empty());
    }
}
