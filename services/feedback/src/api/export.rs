//! ExportPlayerRecords: a player's surveys and the analytics records of
//! their complaints, streamed to intake's subject-access export. Read-only.
//! The analytics rows have no public message, so they go out as stored,
//! column by column; a player's records are few and small, so they are read
//! at once and sent from memory.

use std::pin::Pin;

use futures::Stream;
use redress_auth::Caller;
use redress_db::now;
use redress_errors::{ApiError, Violations};
use redress_proto::feedback::v1::{
    ExportPlayerRecordsRequest, ExportPlayerRecordsResponse, export_player_records_response::Record,
};
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder};
use tonic::Status;

use super::{FeedbackApi, convert};
use crate::store::{complaint_fact, event, survey};

/// The messages of an export, as tonic sends them.
pub type ExportStream = Pin<Box<dyn Stream<Item = Result<ExportPlayerRecordsResponse, Status>> + Send>>;

/// The most complaints one request may name.
const MAX_COMPLAINTS: usize = 10_000;

impl FeedbackApi {
    pub(super) async fn export_player_records(
        &self,
        caller: Caller,
        req: ExportPlayerRecordsRequest,
    ) -> Result<ExportStream, ApiError> {
        let mut v = Violations::new();
        v.line(&req.player_id, "player_id", true, 128);
        v.check(req.complaints.len() > MAX_COMPLAINTS, "complaints", "at most 10000");
        v.into_result()?;
        let tenant = caller.tenant.as_str();
        // Complaints by name and by bare id: rows keep one or the other.
        let complaints: Vec<String> = req
            .complaints
            .iter()
            .flat_map(|name| [name.clone(), name.strip_prefix("complaints/").unwrap_or(name).to_owned()])
            .collect();
        let mut surveys_of = Condition::any().add(survey::Column::PlayerId.eq(req.player_id.as_str()));
        if !complaints.is_empty() {
            surveys_of = surveys_of.add(survey::Column::ComplaintId.is_in(complaints.iter().map(String::as_str)));
        }
        let surveys = survey::Entity::find()
            .filter(survey::Column::TenantId.eq(tenant))
            .filter(surveys_of)
            .order_by_asc(survey::Column::Id)
            .all(&self.db)
            .await?;
        let now = now();
        let mut records = Vec::new();
        for row in &surveys {
            records.push(Record::Survey(convert::survey(row, now)?));
        }
        if !complaints.is_empty() {
            let facts = complaint_fact::Entity::find()
                .filter(complaint_fact::Column::TenantId.eq(tenant))
                .filter(complaint_fact::Column::ComplaintId.is_in(complaints.iter().map(String::as_str)))
                .order_by_asc(complaint_fact::Column::ComplaintId)
                .into_json()
                .all(&self.db)
                .await?;
            records.extend(facts.into_iter().map(|row| Record::Fact(structure(row))));
            let events = event::Entity::find()
                .filter(event::Column::TenantId.eq(tenant))
                .filter(event::Column::ComplaintId.is_in(complaints.iter().map(String::as_str)))
                .order_by_asc(event::Column::ComplaintId)
                .order_by_asc(event::Column::ReceivedAt)
                .into_json()
                .all(&self.db)
                .await?;
            records.extend(events.into_iter().map(|row| Record::Event(structure(row))));
        }
        let messages = records.into_iter().map(|record| Ok(ExportPlayerRecordsResponse { record: Some(record) }));
        Ok(Box::pin(futures::stream::iter(messages)))
    }
}

/// A stored row (a JSON object of its columns) as a `google.protobuf.Struct`.
fn structure(row: serde_json::Value) -> prost_types::Struct {
    match value(row).kind {
        Some(prost_types::value::Kind::StructValue(s)) => s,
        _ => prost_types::Struct::default(),
    }
}

fn value(json: serde_json::Value) -> prost_types::Value {
    use prost_types::value::Kind;
    let kind = match json {
        serde_json::Value::Null => Kind::NullValue(0),
        serde_json::Value::Bool(b) => Kind::BoolValue(b),
        serde_json::Value::Number(n) => Kind::NumberValue(n.as_f64().unwrap_or_default()),
        serde_json::Value::String(s) => Kind::StringValue(s),
        serde_json::Value::Array(items) => {
            Kind::ListValue(prost_types::ListValue { values: items.into_iter().map(value).collect() })
        }
        serde_json::Value::Object(fields) => {
            Kind::StructValue(prost_types::Struct { fields: fields.into_iter().map(|(k, v)| (k, value(v))).collect() })
        }
    };
    prost_types::Value { kind: Some(kind) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_row_becomes_a_struct_column_by_column() {
        let row = serde_json::json!({"complaint_id": "c1", "csat": 2, "solved": null, "rg": true});
        let s = structure(row);
        assert_eq!(s.fields.len(), 4);
        assert_eq!(s.fields["complaint_id"].kind, Some(prost_types::value::Kind::StringValue("c1".into())));
        assert_eq!(s.fields["csat"].kind, Some(prost_types::value::Kind::NumberValue(2.0)));
        assert_eq!(s.fields["solved"].kind, Some(prost_types::value::Kind::NullValue(0)));
    }
}
