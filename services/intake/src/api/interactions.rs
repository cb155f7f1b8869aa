//! A complaint's interaction history: the player's messages and decisions
//! as the backend or staff relay them, and the history read in order.

use redress_auth::Caller;
use redress_db::now;
use redress_errors::{ApiError, Violations};
use redress_idempotency::Key;
use redress_proto::{
    common::v1::{ComplaintStatus, PlayerDecision},
    feedback::v1::EventType,
    intake::v1::{
        AddPlayerMessageRequest, AddPlayerMessageResponse, ListInteractionsRequest, ListInteractionsResponse,
        SubmitPlayerDecisionRequest, SubmitPlayerDecisionResponse, interaction,
    },
};

use super::{Entry, IntakeApi, convert, inbound_author, outbox, refuse_erased, refused_in};
use crate::{
    domain::{self, history, validate},
    store,
};

impl IntakeApi {
    pub(super) async fn add_player_message(
        &self,
        caller: Caller,
        req: AddPlayerMessageRequest,
    ) -> Result<AddPlayerMessageResponse, ApiError> {
        let mut v = Violations::new();
        validate::request_id(&mut v, &req.request_id);
        validate::channel(&mut v, req.channel, "channel");
        v.text(&req.body, "body", true, validate::MAX_BODY);
        v.into_result()?;
        let row = self.load(&caller.tenant, &req.parent, "parent").await?;
        let tenant = caller.tenant.clone();
        let key = Key::of(&tenant, "AddPlayerMessage", &req.request_id, &req, |r| r.request_id.clear());
        let (response, _) = redress_outbox::keyed_write(&self.db, &self.relay, &key, async |txn, inserts| {
            // The status decides, so it is read again under a lock.
            let row =
                store::lock_complaint(txn, &tenant, &row.id).await?.ok_or_else(|| ApiError::not_found(&req.parent))?;
            refuse_erased(&row)?;
            let status = row.status.get();
            if !domain::accepts_messages(status) {
                return Err(refused_in(status, "COMPLAINT_NOT_OPEN", "it accepts no more messages"));
            }
            let now = now();
            let author = inbound_author(&caller, &row.player_id);
            let message = Entry {
                kind: interaction::Kind::PlayerMessage,
                direction: interaction::Direction::Inbound,
                channel: req.channel,
                body: req.body.clone(),
                author: &author,
                status: None,
            }
            .row(&tenant, &row.id, now);
            store::insert_interaction(inserts, message.clone());
            // A duplicate's messages belong to the case of its original.
            let target = row.duplicate_of.clone().unwrap_or_else(|| row.id.clone());
            let complaint = convert::complaint(&row);
            let interaction = convert::interaction(&message);
            let messages = vec![
                outbox::player_message(
                    &tenant,
                    &convert::complaint_name(&target),
                    &interaction.name,
                    req.channel,
                    &req.body,
                    now,
                ),
                outbox::event(
                    &tenant,
                    format!("intake:{}:message", message.id),
                    EventType::PlayerMessage,
                    &complaint,
                    now,
                ),
            ];
            Ok((AddPlayerMessageResponse { interaction: Some(interaction) }, messages))
        })
        .await?;
        Ok(response)
    }

    pub(super) async fn submit_player_decision(
        &self,
        caller: Caller,
        req: SubmitPlayerDecisionRequest,
    ) -> Result<SubmitPlayerDecisionResponse, ApiError> {
        let mut v = Violations::new();
        validate::request_id(&mut v, &req.request_id);
        validate::channel(&mut v, req.channel, "channel");
        v.text(&req.comment, "comment", false, 2000);
        let decision = PlayerDecision::try_from(req.decision).unwrap_or(PlayerDecision::Unspecified);
        v.check(decision == PlayerDecision::Unspecified, "decision", "must be ACCEPT or REJECT");
        v.into_result()?;
        let row = self.load(&caller.tenant, &req.name, "name").await?;
        let tenant = caller.tenant.clone();
        let key = Key::of(&tenant, "SubmitPlayerDecision", &req.request_id, &req, |r| r.request_id.clear());
        let (response, _) = redress_outbox::keyed_write(&self.db, &self.relay, &key, async |txn, inserts| {
            // The status decides, so it is read again under a lock.
            let row =
                store::lock_complaint(txn, &tenant, &row.id).await?.ok_or_else(|| ApiError::not_found(&req.name))?;
            refuse_erased(&row)?;
            let status = row.status.get();
            if status != ComplaintStatus::ResolutionProposed {
                return Err(refused_in(status, "NO_PROPOSAL_PENDING", "there is no proposal to decide on"));
            }
            let now = now();
            let author = inbound_author(&caller, &row.player_id);
            let record = Entry {
                kind: interaction::Kind::PlayerDecision,
                direction: interaction::Direction::Inbound,
                channel: req.channel,
                body: history::decision_text(decision, &req.comment),
                author: &author,
                status: None,
            }
            .row(&tenant, &row.id, now);
            store::insert_interaction(inserts, record.clone());
            let interaction = convert::interaction(&record);
            let messages = vec![outbox::player_decision(
                &tenant,
                &convert::complaint_name(&row.id),
                &interaction.name,
                decision,
                &req.comment,
                now,
            )];
            Ok((SubmitPlayerDecisionResponse { interaction: Some(interaction) }, messages))
        })
        .await?;
        Ok(response)
    }

    pub(super) async fn list_interactions(
        &self,
        caller: Caller,
        req: ListInteractionsRequest,
    ) -> Result<ListInteractionsResponse, ApiError> {
        let size = redress_paging::page_size(req.page_size, 100, 1000)?;
        let row = self.load(&caller.tenant, &req.parent, "parent").await?;
        let after: Option<String> = self.page_tokens.decode(&req.page_token, &caller.tenant, &req.parent)?;
        let mut rows = store::list_interactions(&self.db, &caller.tenant, &row.id, after.as_deref(), size + 1).await?;
        let next_page_token =
            self.page_tokens.next_page(&mut rows, size, &caller.tenant, &req.parent, |last| last.id.clone());
        Ok(ListInteractionsResponse { interactions: rows.iter().map(convert::interaction).collect(), next_page_token })
    }
}
