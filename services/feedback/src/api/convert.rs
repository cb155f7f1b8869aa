//! Stored rows to proto messages.

use chrono::{DateTime, Utc};
use redress_db::{Stored, number_or_empty};
use redress_errors::ApiError;
use redress_proto::{
    common::v1::ComplaintCategory,
    feedback::v1::{Survey, SurveyAnswer},
};

use crate::{
    domain::{effective_state, timestamp},
    store::survey,
};

/// The resource name of a complaint id.
pub fn complaint_name(id: &str) -> String {
    format!("complaints/{id}")
}

/// The stored name of a proto enum value; unspecified and unknown values are
/// empty (no value).
pub fn enum_name<E: TryFrom<i32>>(value: i32, name: fn(&E) -> &'static str) -> String {
    if value == 0 {
        return String::new();
    }
    E::try_from(value).map(|e| name(&e).to_owned()).unwrap_or_default()
}

/// A stored survey as the proto resource, as it stands at `now`.
pub fn survey(row: &survey::Model, now: DateTime<Utc>) -> Result<Survey, ApiError> {
    let answer = row.answered_at.map(|at| SurveyAnswer {
        csat: row.csat.unwrap_or_default(),
        problem_solved: row.problem_solved.map(Stored::number).unwrap_or(0),
        fairness: row.fairness.unwrap_or_default(),
        comment: row.comment.clone().unwrap_or_default(),
        answer_time: Some(timestamp(at)),
    });
    Ok(Survey {
        name: format!("surveys/{}", row.id),
        state: effective_state(row.state.get(), row.expire_at, now).into(),
        complaint: complaint_name(&row.complaint_id),
        complaint_reference: row.complaint_reference.clone(),
        case: row.case_name.clone(),
        player_id: row.player_id.clone(),
        player_display_name: row.player_display_name.clone(),
        language_code: row.language_code.clone(),
        category: number_or_empty::<ComplaintCategory>(&row.category)?,
        outcome: row.outcome.number(),
        answer,
        follow_up_flagged: row.follow_up_flagged,
        create_time: Some(timestamp(row.created_at)),
        expire_time: Some(timestamp(row.expire_at)),
        follow_up_time: Some(timestamp(row.follow_up_at)),
    })
}
