//! Stored rows to proto messages and back.

use redress_db::Stored;
use redress_proto::{
    common::v1::{Deadlines, Money},
    intake::v1::{Complaint, Interaction},
};

use crate::store::{complaint, interaction as interaction_row};

// The one conversion of times, in the chassis.
pub use redress_errors::{from_timestamp, timestamp};

/// The etag of a stored version.
pub fn etag(version: i64) -> String {
    format!("\"{version}\"")
}

/// The resource name of a complaint id.
pub fn complaint_name(id: &str) -> String {
    format!("complaints/{id}")
}

/// A stored complaint as the proto resource.
pub fn complaint(row: &complaint::Model) -> Complaint {
    Complaint {
        name: complaint_name(&row.id),
        reference: row.reference.clone(),
        player: Some(row.player.get().clone()),
        transaction_references: Some(row.transaction_references.get().clone()),
        category: row.category.number(),
        category_inferred: row.category_inferred,
        original_category: row.original_category.number(),
        subject: row.subject.clone(),
        description: row.description.clone(),
        channel: row.channel.number(),
        incident_time: Some(timestamp(row.incident_at)),
        disputed_amount: match (row.disputed_amount_minor, &row.disputed_currency) {
            (Some(amount_minor), Some(currency_code)) => {
                Some(Money { amount_minor, currency_code: currency_code.clone() })
            }
            _ => None,
        },
        status: row.status.number(),
        priority: row.priority.number(),
        kind: row.kind.number(),
        responsible_gambling: row.responsible_gambling,
        harm_indicators: row.harm_indicators.split(',').filter(|s| !s.is_empty()).map(str::to_owned).collect(),
        duplicate_of: row.duplicate_of.as_deref().map(complaint_name).unwrap_or_default(),
        deadlines: Some(Deadlines {
            acknowledge_due_time: Some(timestamp(row.acknowledge_due_at)),
            final_response_due_time: Some(timestamp(row.final_response_due_at)),
            policy_jurisdiction: row.policy_jurisdiction.clone(),
            policy_version: row.policy_version.clone(),
        }),
        outcome: row.outcome.number(),
        case: row.case_name.clone().unwrap_or_default(),
        create_time: Some(timestamp(row.created_at)),
        update_time: Some(timestamp(row.updated_at)),
        etag: etag(row.version),
    }
}

/// A stored interaction as the proto resource.
pub fn interaction(row: &interaction_row::Model) -> Interaction {
    Interaction {
        name: format!("complaints/{}/interactions/{}", row.complaint_id, row.id),
        kind: row.kind.number(),
        direction: row.direction.number(),
        channel: row.channel.number(),
        body: row.body.clone(),
        author: row.author.clone(),
        status: row.status.map(Stored::number).unwrap_or(0),
        create_time: Some(timestamp(row.created_at)),
    }
}
