//! ErasePlayerRecords (intake's outbox, for an erasure intake recorded):
//! pseudonymises the player's cases, their histories and evidence, keeping
//! every hash chain verifiable (see `domain::chain` for chain version 2).

use prost::Message;
use redress_auth::Caller;
use redress_db::{erasure, now};
use redress_errors::{ApiError, Violations};
use redress_idempotency::Key;
use redress_proto::resolution::v1::{ErasePlayerRecordsRequest, ErasePlayerRecordsResponse, case_event::Type};
use sea_orm::DatabaseTransaction;

use super::{ResolutionApi, convert};
use crate::{
    domain::{chain, erasure as erase, machine::NewEvent, timestamp},
    store::{self, case},
};

impl ResolutionApi {
    pub(super) async fn erase_player_records(
        &self,
        caller: Caller,
        req: ErasePlayerRecordsRequest,
    ) -> Result<ErasePlayerRecordsResponse, ApiError> {
        let mut v = Violations::new();
        v.check(!req.erasure.starts_with("erasures/"), "erasure", "must be erasures/{erasure}");
        v.text(&req.player_id, "player_id", true, 128);
        let mut complaint_ids = Vec::new();
        for (i, name) in req.complaints.iter().enumerate() {
            match name.strip_prefix("complaints/").filter(|id| !id.is_empty()) {
                Some(id) => complaint_ids.push(id.to_owned()),
                None => v.add(format!("complaints[{i}]"), "must be complaints/{complaint_id}"),
            }
        }
        v.into_result()?;
        let tenant = caller.tenant.clone();
        let key = Key::of(&tenant, "ErasePlayerRecords", &req.erasure, &req, |r| r.erasure.clear());
        let payload = req.encode_to_vec();
        let (response, _) = redress_idempotency::run(&self.db, &key, async |txn, _| {
            // Remembered before the read, so a late write waits or is read.
            erasure::remember_erased(txn, &tenant, &req.erasure, &req.complaints).await?;
            let cases = store::cases_to_erase(txn, &tenant, &req.player_id, &complaint_ids, req.all_records).await?;
            let found_complaints: Vec<String> =
                cases.iter().map(|c| format!("complaints/{}", c.complaint_id)).collect();
            erasure::remember_erased(txn, &tenant, &req.erasure, &found_complaints).await?;
            let mut found = Vec::new();
            let mut erased_count = 0;
            for row in cases {
                erased_count += self.erase_case(txn, row, &req.erasure, &caller.subject, &payload, &mut found).await?;
            }
            // Evidence uploaded to a complaint whose case is not open yet;
            // OpenCase adopts it erased.
            for evidence in store::pending_evidence(txn, &tenant, &complaint_ids).await? {
                if evidence.erased_at.is_none() {
                    found.push(evidence.filename.clone());
                    found.push(evidence.description.clone());
                    store::erase_evidence(txn, &evidence, erase::erased_filename(&evidence.id), now()).await?;
                    erased_count += 1;
                }
            }
            let needles = erasure::needles(found.iter().map(String::as_str));
            erased_count += redress_idempotency::forget_responses_containing(txn, &tenant, &needles).await? as i64;
            erased_count += redress_outbox::forget_containing(txn, &tenant, &needles).await? as i64;
            Ok(ErasePlayerRecordsResponse { erased_count })
        })
        .await?;
        tracing::info!(erasure = %req.erasure, erased = response.erased_count, "player records erased");
        Ok(response)
    }

    /// Erases one case: its body, every event's summary and payload (a
    /// version-1 history resealed first), its evidence; appends the
    /// PERSONAL_DATA_ERASED event. Adds the values erased to `found`;
    /// returns the rows changed.
    async fn erase_case(
        &self,
        txn: &DatabaseTransaction,
        row: case::Model,
        erasure: &str,
        actor: &str,
        payload: &[u8],
        found: &mut Vec<String>,
    ) -> Result<i64, ApiError> {
        let tenant = row.tenant_id.clone();
        let now = now();
        let at = timestamp(now);
        let stored = store::list_events(txn, &tenant, &row.id, 0, None).await?;
        let mut events: Vec<_> = stored.iter().map(convert::event).collect();
        let old_head = row.head_hash.clone();
        let resealed = chain::reseal(&mut events);
        let mut changed = 0;
        for (event, before) in events.iter_mut().zip(&stored) {
            // Earlier erasures' records hold no personal data, and one may
            // hold the head a resealed history had: they stay.
            let record = event.r#type() == Type::PersonalDataErased;
            let newly = event.erase_time.is_none() && !record;
            if newly {
                found.push(std::mem::take(&mut event.payload_summary));
                chain::erase(event, at);
            }
            if newly || resealed {
                let erased_at = event.erase_time.as_ref().and_then(crate::domain::from_timestamp);
                store::rewrite_event(txn, &tenant, &row.id, event, erased_at.or(before.erased_at)).await?;
                changed += 1;
            }
        }
        let head_sequence = events.last().map_or(0, |e| e.sequence);
        let head_hash = events.last().map_or_else(String::new, |e| e.hash.clone());

        let mut body = convert::body_of(&row);
        found.extend(erase::erase_case(&mut body));
        // Stored copies about the case name it or its complaint.
        found.push(convert::case_name(&row.id));
        found.push(format!("complaints/{}", row.complaint_id));
        let summary = erase::erased_summary(erasure, resealed.then_some(old_head.as_str()));
        let payload_hash = chain::sha256_hex(payload);
        let entry =
            chain::Entry { case_id: &row.id, actor, state: body.state, payload_hash: &payload_hash, create_time: at };
        let appended =
            chain::append(head_sequence, &head_hash, &entry, &[NewEvent::new(Type::PersonalDataErased, summary)]);
        body.last_event_sequence = appended.last().map_or(head_sequence, |e| e.sequence);
        body.update_time = Some(at);
        let mut next = convert::row_of(&row.id, &tenant, &body, row.version + 1, row.created_at, None);
        next.head_hash = appended.last().map_or(head_hash, |e| e.hash.clone());
        // Erasure changes no clock: the sweep time (timed by the queue's
        // hours) stays.
        next.sweep_at = row.sweep_at;
        next.disputed_at = row.disputed_at;
        next.referred_at = row.referred_at;
        if !store::update_case(txn, next, row.version).await? {
            return Err(ApiError::stale_etag(convert::case_name(&row.id)));
        }
        let models = appended.iter().map(|e| convert::event_row(&row.id, &tenant, e, payload, now)).collect();
        store::insert_events(txn, models).await?;
        for evidence in store::evidence_of_case(txn, &tenant, &row.id).await? {
            if evidence.erased_at.is_none() {
                found.push(evidence.filename.clone());
                found.push(evidence.description.clone());
                store::erase_evidence(txn, &evidence, erase::erased_filename(&evidence.id), now).await?;
                changed += 1;
            }
        }
        Ok(changed + 1)
    }
}
