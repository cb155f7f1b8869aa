//! The conversation with the player and the notes beside it: RespondToPlayer,
//! RequestInformation, AddInternalNote.

use prost::Message;
use redress_auth::Caller;
use redress_errors::{ApiError, Violations};
use redress_proto::resolution::v1::{
    AddInternalNoteRequest, AddInternalNoteResponse, RequestInformationRequest, RequestInformationResponse,
    RespondToPlayerRequest, RespondToPlayerResponse, case_event::Type,
};

use super::{MAX_BODY, ResolutionApi, SUPERVISORS, Target, convert, fingerprint, request_id};
use crate::domain::machine::Command;

impl ResolutionApi {
    pub(super) async fn respond_to_player(
        &self,
        caller: Caller,
        req: RespondToPlayerRequest,
    ) -> Result<RespondToPlayerResponse, ApiError> {
        let id = convert::case_id(&req.name, "name")?;
        let body =
            self.text_or_macro(&caller.tenant, &req.name, &req.body, &req.r#macro, None, &caller.subject).await?;
        let mut v = Violations::new();
        request_id(&mut v, &req.request_id, "request_id");
        v.text(&body, "body", true, MAX_BODY);
        v.into_result()?;
        let key = fingerprint(&req, |r| r.request_id.clear());
        self.change(
            &caller,
            "RespondToPlayer",
            Some((&req.request_id, key)),
            Target::Case { id, name: &req.name },
            &req.etag,
            req.encode_to_vec(),
            |_| Ok(Command::Respond { body: body.clone(), channel: req.channel }),
            |a| RespondToPlayerResponse { case: Some(a.case), event: a.events.into_iter().next() },
        )
        .await
    }

    pub(super) async fn request_information(
        &self,
        caller: Caller,
        req: RequestInformationRequest,
    ) -> Result<RequestInformationResponse, ApiError> {
        let id = convert::case_id(&req.name, "name")?;
        let body =
            self.text_or_macro(&caller.tenant, &req.name, &req.body, &req.r#macro, None, &caller.subject).await?;
        let mut v = Violations::new();
        request_id(&mut v, &req.request_id, "request_id");
        v.text(&body, "body", true, MAX_BODY);
        v.text(&req.reason, "reason", true, 500);
        v.into_result()?;
        let key = fingerprint(&req, |r| r.request_id.clear());
        self.change(
            &caller,
            "RequestInformation",
            Some((&req.request_id, key)),
            Target::Case { id, name: &req.name },
            &req.etag,
            req.encode_to_vec(),
            |case| {
                Ok(Command::RequestInformation {
                    body: body.clone(),
                    reason: req.reason.clone(),
                    pause_allowed: self.policy_of(case).clock_pause_allowed,
                })
            },
            |a| RequestInformationResponse {
                clock_paused: a.events.iter().any(|e| e.r#type == Type::ClockPaused as i32),
                case: Some(a.case),
            },
        )
        .await
    }

    pub(super) async fn add_internal_note(
        &self,
        caller: Caller,
        req: AddInternalNoteRequest,
    ) -> Result<AddInternalNoteResponse, ApiError> {
        let id = convert::case_id(&req.name, "name")?;
        let mut v = Violations::new();
        request_id(&mut v, &req.request_id, "request_id");
        v.text(&req.body, "body", true, MAX_BODY);
        v.into_result()?;
        if req.close_follow_up {
            caller.require_any(SUPERVISORS)?;
        }
        let key = fingerprint(&req, |r| r.request_id.clear());
        self.change(
            &caller,
            "AddInternalNote",
            Some((&req.request_id, key)),
            Target::Case { id, name: &req.name },
            &req.etag,
            req.encode_to_vec(),
            |_| Ok(Command::Note { body: req.body.clone(), close_follow_up: req.close_follow_up }),
            |a| AddInternalNoteResponse { case: Some(a.case), event: a.events.into_iter().next() },
        )
        .await
    }
}
