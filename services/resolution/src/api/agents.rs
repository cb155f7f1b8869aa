//! Agents' availability (SetAgentAvailability, ListAgents) and the two
//! hooks OpenCase calls: routing by the tenant's queues and automatic
//! assignment.

use prost::Message;
use redress_auth::Caller;
use redress_errors::{ApiError, Violations};
use redress_proto::resolution::v1::{
    Agent, AssignCaseRequest, Case, ListAgentsRequest, ListAgentsResponse, OpenCaseRequest, Queue,
    SetAgentAvailabilityRequest, SetAgentAvailabilityResponse, queue::AssignmentMode,
};
use sea_orm::{DatabaseTransaction, TransactionTrait};

use super::{
    Applied, ResolutionApi, convert, is_supervisor, now,
    queues::{queue_id, queue_name, to_proto},
};
use crate::{
    domain::{
        assignment::{self, AUTO_ASSIGN},
        machine::{self, Command},
        routing::{self, Facts},
        timestamp,
    },
    store::queues::{self as store, agent},
};

/// Most queues an agent works.
const MAX_AGENT_QUEUES: usize = 50;

/// The id in `agents/{agent_id}`: 1 to 128 characters without "/".
fn agent_id(name: &str, field: &str) -> Result<String, ApiError> {
    name.strip_prefix("agents/")
        .filter(|id| (1..=128).contains(&id.chars().count()) && !id.contains('/'))
        .map(str::to_owned)
        .ok_or_else(|| ApiError::invalid_field(field, "must be agents/{agent_id}"))
}

fn agent_to_proto(row: &agent::Model, queues: &[String], open: i64) -> Agent {
    Agent {
        name: format!("agents/{}", row.id),
        available: row.available,
        capacity: row.capacity,
        queues: queues.iter().map(|q| queue_name(q)).collect(),
        open_assigned_cases: open,
        update_time: Some(timestamp(row.updated_at)),
    }
}

impl ResolutionApi {
    pub(super) async fn set_agent_availability(
        &self,
        caller: Caller,
        req: SetAgentAvailabilityRequest,
    ) -> Result<SetAgentAvailabilityResponse, ApiError> {
        let id = if req.agent.is_empty() { caller.subject.clone() } else { agent_id(&req.agent, "agent")? };
        let mut v = Violations::new();
        v.check(!(0..=1000).contains(&req.capacity), "capacity", "must be 0 to 1000");
        v.check(req.queues.len() > MAX_AGENT_QUEUES, "queues", "must name at most 50 queues");
        let mut queues = Vec::new();
        for (i, name) in req.queues.iter().enumerate() {
            match queue_id(name, &format!("queues[{i}]")) {
                Ok(q) if !queues.contains(&q) => queues.push(q),
                Ok(_) => {}
                Err(_) => v.add(format!("queues[{i}]"), "must be queues/{queue_id}"),
            }
        }
        v.into_result()?;
        if id != caller.subject && !is_supervisor(&caller) {
            return Err(ApiError::permission_denied("an agent may only set their own availability"));
        }
        queues.sort();
        let row = agent::Model {
            tenant_id: caller.tenant.clone(),
            id: id.clone(),
            available: req.available,
            capacity: req.capacity,
            updated_at: now(),
        };
        let txn = self.db.begin().await?;
        store::save_agent(&txn, row.clone(), &queues).await?;
        let open = store::open_assigned(&txn, &caller.tenant, std::slice::from_ref(&id)).await?;
        txn.commit().await?;
        let agent = agent_to_proto(&row, &queues, open.get(&id).copied().unwrap_or_default());
        Ok(SetAgentAvailabilityResponse { agent: Some(agent) })
    }

    pub(super) async fn list_agents(
        &self,
        caller: Caller,
        req: ListAgentsRequest,
    ) -> Result<ListAgentsResponse, ApiError> {
        let size = redress_paging::page_size(req.page_size, 100, 1000)?;
        let queue = if req.queue.is_empty() { None } else { Some(queue_id(&req.queue, "queue")?) };
        let filter_key = redress_paging::filter_of(&req, |r| {
            r.page_size = 0;
            r.page_token.clear();
        });
        let after: Option<String> = self.page_tokens.decode(&req.page_token, &caller.tenant, &filter_key)?;
        let mut rows =
            store::list_agents(&self.db, &caller.tenant, queue.as_deref(), after.as_deref(), size + 1).await?;
        let next_page_token =
            self.page_tokens.next_page(&mut rows, size, &caller.tenant, &filter_key, |(a, _)| a.id.clone());
        let ids: Vec<String> = rows.iter().map(|(a, _)| a.id.clone()).collect();
        let open = store::open_assigned(&self.db, &caller.tenant, &ids).await?;
        let agents =
            rows.iter().map(|(a, q)| agent_to_proto(a, q, open.get(&a.id).copied().unwrap_or_default())).collect();
        Ok(ListAgentsResponse { agents, next_page_token })
    }

    /// The queue a new case goes to by the tenant's queue definitions, read
    /// inside the opening's transaction; `None` when the tenant has none or
    /// none matches (the built-in routing applies).
    pub(super) async fn routed_queue(
        &self,
        txn: &DatabaseTransaction,
        tenant: &str,
        req: &OpenCaseRequest,
    ) -> Result<Option<String>, ApiError> {
        Ok(routing::route(&self.queue_definitions(txn, tenant).await?, &Facts::of_request(req)))
    }

    /// The tenant's queue definitions, for routing.
    pub(crate) async fn queue_definitions<C: sea_orm::ConnectionTrait>(
        &self,
        c: &C,
        tenant: &str,
    ) -> Result<Vec<Queue>, ApiError> {
        Ok(store::all_queues(c, tenant).await?.iter().map(to_proto).collect())
    }

    /// Where `case` goes when it escalates without a named queue: the first
    /// queue with a matching escalation rule, else the escalation queue.
    pub(crate) fn escalation_queue_for(&self, queues: &[Queue], case: &Case) -> String {
        routing::route(queues, &Facts::of_case(case).escalating()).unwrap_or_else(|| self.escalation_queue.clone())
    }

    /// Assigns a just-opened case automatically when its queue says so:
    /// an ordinary ASSIGNED event by [`AUTO_ASSIGN`], in the opening's
    /// transaction. Without a queue definition, in mode NONE, or with
    /// nobody available below capacity, the case stays unassigned.
    pub(super) async fn auto_assign(
        &self,
        txn: &DatabaseTransaction,
        opened: Applied,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<Applied, ApiError> {
        let tenant = opened.row.tenant_id.clone();
        // Locked on PostgreSQL: round-robin reads and moves `last_assignee`.
        let Some(q) = store::lock_queue(txn, &tenant, &opened.row.queue).await? else {
            return Ok(opened);
        };
        let mode = q.assignment_mode.get();
        if matches!(mode, AssignmentMode::None | AssignmentMode::Unspecified) {
            return Ok(opened);
        }
        let candidates = store::candidates(txn, &tenant, &q.id).await?;
        let Some(agent) = assignment::pick(mode, &candidates, &q.last_assignee) else {
            return Ok(opened);
        };
        let body = convert::body_of(&opened.row);
        let command = Command::Assign { assignee: agent.clone(), queue: String::new() };
        let decision = machine::decide(&body, command, AUTO_ASSIGN, now).map_err(|r| ApiError::internal(r.message))?;
        let payload = AssignCaseRequest { name: body.name.clone(), assignee: agent.clone(), ..Default::default() }
            .encode_to_vec();
        let mut assigned = self.apply(txn, opened.row.clone(), decision, AUTO_ASSIGN, &payload, now).await?;
        store::set_last_assignee(txn, &tenant, &q.id, &agent).await?;
        let mut events = opened.events;
        events.append(&mut assigned.events);
        let mut messages = opened.messages;
        messages.append(&mut assigned.messages);
        Ok(Applied { events, messages, ..assigned })
    }
}
