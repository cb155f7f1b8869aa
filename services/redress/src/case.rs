//! `redress cases`: the agent's and supervisor's view of the case queue, the
//! steps of handling a case, and the check of its hash-chained history, all
//! through `redress-sdk`.
//!
//! `cases verify` calls `ResolutionService/VerifyCaseHistory` (roles
//! supervisor, analyst or admin) and prints whether the chain is intact or,
//! when broken, the first event the service found modified, deleted or
//! reordered; with `--history` it also lists every event. It exits 0 when
//! intact and 1 when broken; failures exit by error class (see `--help`).
//! `case` is an alias of `cases`, for scripts written before the rename.

use std::fmt::Write as _;

use anyhow::Context;
use clap::{Args, Subcommand};
use futures::{StreamExt, TryStreamExt};
use redress_sdk::{
    CaseName,
    proto::{
        common::v1::{ComplaintCategory, Outcome, RootCause},
        resolution::v1::{
            AssignCaseRequest, Case, CaseEvent, EscalateCaseRequest, ListCasesRequest, ProposeResolutionRequest,
            RecategoriseCaseRequest, ReferToAdrRequest, RequestInformationRequest, ResolutionType, ResolveCaseRequest,
            RespondToPlayerRequest, VerifyCaseHistoryResponse, case, case_event, escalation,
            verify_case_history_response::Problem,
        },
    },
};
use serde_json::json;

use crate::remote::{Record, Remote, exit, format_time, parse_enum, parse_money, printable, render_list, render_one};

/// Hex characters of a hash shown in the history listing.
const HASH_PREFIX: usize = 12;

/// Arguments of `redress cases`.
#[derive(Debug, Args)]
pub struct CaseArgs {
    #[command(subcommand)]
    command: CaseCommand,
    #[command(flatten)]
    remote: Remote,
}

#[derive(Debug, Subcommand)]
enum CaseCommand {
    /// The queue: open cases (or the given states), nearest due time first.
    Queue(QueueArgs),
    /// Shows one case.
    Show(CaseRef),
    /// Assigns a case to an agent (empty `--to` unassigns), optionally to
    /// another queue.
    Assign(AssignArgs),
    /// Sends the player a message.
    Respond(RespondArgs),
    /// Asks the player for information (may pause the final-response clock).
    RequestInfo(RequestInfoArgs),
    /// Proposes a remedy to the player.
    Propose(ProposeArgs),
    /// Gives the final response and resolves the case.
    Resolve(ResolveArgs),
    /// Escalates the case to supervisors.
    Escalate(EscalateArgs),
    /// Records that an ADR body's enquiry about the case reached the casino.
    ReferToAdr(ReferArgs),
    /// Changes the case's category (and root cause) with a reason; the
    /// original category is kept.
    Recategorise(RecategoriseArgs),
    /// Lists the case's events (ListCaseEvents): sequence, time, type,
    /// actor, hash prefix.
    #[command(alias = "history")]
    Events(CaseRef),
    /// Verifies a case's hash-chained history. Exits 0 when intact, 1 when
    /// broken. Needs a supervisor, analyst or admin token.
    Verify(VerifyArgs),
    /// Files attached to cases: upload, list, download.
    Evidence(crate::evidence::EvidenceArgs),
}

#[derive(Debug, Args)]
struct CaseRef {
    /// The case, `cases/{case_id}` (a bare case id works too).
    case: String,
}

#[derive(Debug, Args)]
struct QueueArgs {
    /// Only cases assigned to this agent (a token `sub`).
    #[arg(long)]
    assignee: Option<String>,
    /// Only unassigned cases.
    #[arg(long, conflicts_with = "assignee")]
    unassigned: bool,
    /// Only cases in these states, e.g. NEW, IN_PROGRESS, RESOLVED (repeat or
    /// comma-separate). Default: the open states.
    #[arg(long = "state", value_delimiter = ',')]
    states: Vec<String>,
    /// Only cases in this queue.
    #[arg(long)]
    queue: Option<String>,
    /// Only cases of this player.
    #[arg(long)]
    player: Option<String>,
    /// Only the case of this complaint, `complaints/{id}`.
    #[arg(long)]
    complaint: Option<String>,
    /// At most this many cases.
    #[arg(long, default_value_t = 50)]
    limit: usize,
}

#[derive(Debug, Args)]
struct AssignArgs {
    /// The case.
    case: String,
    /// The agent to assign (a token `sub`); empty unassigns.
    #[arg(long, default_value = "")]
    to: String,
    /// Move the case to this queue.
    #[arg(long, default_value = "")]
    queue: String,
}

#[derive(Debug, Args)]
struct RespondArgs {
    /// The case.
    case: String,
    /// The message to the player.
    #[arg(long)]
    body: String,
}

#[derive(Debug, Args)]
struct RequestInfoArgs {
    /// The case.
    case: String,
    /// The question to the player.
    #[arg(long)]
    body: String,
    /// Why it is needed (kept with the clock pause), e.g. "awaiting proof of address".
    #[arg(long)]
    reason: String,
}

#[derive(Debug, Args)]
struct ProposeArgs {
    /// The case.
    case: String,
    /// What is proposed: refund, bonus-credit, account-correction,
    /// explanation, goodwill or rejection.
    #[arg(long = "type")]
    resolution_type: String,
    /// The amount, e.g. 25.50 (refund, bonus-credit and goodwill need one).
    #[arg(long)]
    amount: Option<String>,
    /// The amount's currency (ISO 4217).
    #[arg(long, default_value = "EUR")]
    currency: String,
    /// The message to the player explaining the proposal.
    #[arg(long)]
    message: String,
}

#[derive(Debug, Args)]
struct ResolveArgs {
    /// The case.
    case: String,
    /// upheld, partially-upheld or not-upheld.
    #[arg(long)]
    outcome: String,
    /// technical-error, bonus-misunderstanding, kyc-delay,
    /// payment-provider-failure, agent-error, player-error or policy.
    #[arg(long)]
    root_cause: String,
    /// The final response to the player.
    #[arg(long)]
    response: String,
    /// The ADR body the final response names (default: the tenant's).
    #[arg(long, default_value = "")]
    adr_body: String,
}

#[derive(Debug, Args)]
struct EscalateArgs {
    /// The case.
    case: String,
    /// agent-request, player-request, responsible-gambling or legal.
    #[arg(long, default_value = "agent-request")]
    reason: String,
    /// The explanation for the supervisor.
    #[arg(long)]
    comment: String,
    /// The queue (default: the tenant's escalation queue).
    #[arg(long, default_value = "")]
    queue: String,
    /// Record the complaint as a dispute.
    #[arg(long)]
    dispute: bool,
}

#[derive(Debug, Args)]
struct ReferArgs {
    /// The case.
    case: String,
    /// The ADR body, e.g. IBAS.
    #[arg(long)]
    adr_body: String,
    /// The ADR body's reference for the dispute.
    #[arg(long)]
    adr_reference: String,
}

#[derive(Debug, Args)]
struct RecategoriseArgs {
    /// The case.
    case: String,
    /// The new category: withdrawal, verification, bonus, game-malfunction,
    /// account-closure, responsible-gambling, deposit, marketing,
    /// customer-service, terms-and-conditions, complaints-procedure or other.
    #[arg(long)]
    category: String,
    /// The new root cause (default: keep the current one); as for `resolve`.
    #[arg(long)]
    root_cause: Option<String>,
    /// Why the category changes (up to 2000 characters; staff-only).
    #[arg(long)]
    reason: String,
}

#[derive(Debug, Args)]
struct VerifyArgs {
    /// The case, `cases/{case_id}` (a bare case id works too).
    case: String,
    /// Also list the events: sequence, time, type, actor and hash prefix.
    #[arg(long)]
    history: bool,
}

/// Runs a cases subcommand; `verify` exits 1 when the history is broken.
pub async fn run(args: CaseArgs) -> anyhow::Result<u8> {
    let (text, code) = execute(&args).await?;
    print!("{text}");
    Ok(code)
}

/// Runs a subcommand and returns what it prints and its exit code.
pub async fn execute(args: &CaseArgs) -> anyhow::Result<(String, u8)> {
    let mut out = String::new();
    let remote = &args.remote;
    let output = remote.output;
    let case_text = |case: &Case| render_one(output, &case_record(case));
    match &args.command {
        CaseCommand::Queue(q) => {
            let cases = queue(remote, q).await?;
            out.push_str(&render_list(output, &cases.iter().map(case_record).collect::<Vec<_>>()));
        }
        CaseCommand::Show(c) => {
            let name = case_name(&c.case)?;
            out.push_str(&case_text(&remote.client()?.resolution().get_case(&name).await.context("GetCase")?));
        }
        CaseCommand::Assign(a) => {
            let request = AssignCaseRequest {
                name: case_name(&a.case)?.into(),
                assignee: a.to.clone(),
                queue: a.queue.clone(),
                etag: String::new(),
            };
            out.push_str(&case_text(&remote.client()?.resolution().assign_case(request).await.context("AssignCase")?));
        }
        CaseCommand::Respond(r) => {
            let request =
                RespondToPlayerRequest { name: case_name(&r.case)?.into(), body: r.body.clone(), ..Default::default() };
            let response = remote.client()?.resolution().respond_to_player(request).await.context("RespondToPlayer")?;
            out.push_str(&case_text(&response.case.unwrap_or_default()));
        }
        CaseCommand::RequestInfo(r) => {
            let request = RequestInformationRequest {
                name: case_name(&r.case)?.into(),
                body: r.body.clone(),
                reason: r.reason.clone(),
                ..Default::default()
            };
            let response =
                remote.client()?.resolution().request_information(request).await.context("RequestInformation")?;
            out.push_str(&case_text(&response.case.unwrap_or_default()));
        }
        CaseCommand::Propose(p) => {
            let amount = p.amount.as_deref().map(|a| parse_money(a, &p.currency)).transpose()?;
            let request = ProposeResolutionRequest {
                name: case_name(&p.case)?.into(),
                resolution_type: parse_enum(&p.resolution_type, "RESOLUTION_TYPE_", ResolutionType::from_str_name)?
                    .into(),
                amount,
                message: p.message.clone(),
                ..Default::default()
            };
            let response =
                remote.client()?.resolution().propose_resolution(request).await.context("ProposeResolution")?;
            out.push_str(&case_text(&response.case.unwrap_or_default()));
        }
        CaseCommand::Resolve(r) => {
            let request = ResolveCaseRequest {
                name: case_name(&r.case)?.into(),
                outcome: parse_enum(&r.outcome, "OUTCOME_", Outcome::from_str_name)?.into(),
                root_cause: parse_enum(&r.root_cause, "ROOT_CAUSE_", RootCause::from_str_name)?.into(),
                final_response: r.response.clone(),
                adr_body: r.adr_body.clone(),
                ..Default::default()
            };
            out.push_str(&case_text(
                &remote.client()?.resolution().resolve_case(request).await.context("ResolveCase")?,
            ));
        }
        CaseCommand::Escalate(e) => {
            let request = EscalateCaseRequest {
                name: case_name(&e.case)?.into(),
                reason: parse_enum(&e.reason, "REASON_", escalation::Reason::from_str_name)?.into(),
                comment: e.comment.clone(),
                queue: e.queue.clone(),
                mark_as_dispute: e.dispute,
                ..Default::default()
            };
            out.push_str(&case_text(
                &remote.client()?.resolution().escalate_case(request).await.context("EscalateCase")?,
            ));
        }
        CaseCommand::ReferToAdr(r) => {
            let request = ReferToAdrRequest {
                name: case_name(&r.case)?.into(),
                adr_body: r.adr_body.clone(),
                adr_reference: r.adr_reference.clone(),
                ..Default::default()
            };
            out.push_str(&case_text(&remote.client()?.resolution().refer_to_adr(request).await.context("ReferToAdr")?));
        }
        CaseCommand::Recategorise(r) => {
            let root_cause = match &r.root_cause {
                Some(cause) => parse_enum(cause, "ROOT_CAUSE_", RootCause::from_str_name)?,
                None => RootCause::Unspecified,
            };
            let request = RecategoriseCaseRequest {
                name: case_name(&r.case)?.into(),
                category: parse_enum(&r.category, "COMPLAINT_CATEGORY_", ComplaintCategory::from_str_name)?.into(),
                root_cause: root_cause.into(),
                reason: r.reason.clone(),
                ..Default::default()
            };
            out.push_str(&case_text(
                &remote.client()?.resolution().recategorise_case(request).await.context("RecategoriseCase")?,
            ));
        }
        CaseCommand::Events(c) => {
            let name = case_name(&c.case)?;
            let events = history(remote, &name, 0).await?;
            match output {
                crate::remote::Output::Json => {
                    out.push_str(&render_list(output, &events.iter().map(event_record).collect::<Vec<_>>()));
                }
                crate::remote::Output::Table => out.push_str(&format_history(&events, &intact_placeholder())),
            }
        }
        CaseCommand::Evidence(e) => return crate::evidence::execute(remote, e).await,
        CaseCommand::Verify(v) => {
            let verdict = verify(remote, v).await?;
            out.push_str(&verdict.text);
            return Ok((out, verdict.exit_status()));
        }
    }
    Ok((out, exit::OK))
}

async fn queue(remote: &Remote, q: &QueueArgs) -> anyhow::Result<Vec<Case>> {
    let states = q
        .states
        .iter()
        .map(|s| parse_enum(s, "STATE_", case::State::from_str_name).map(i32::from))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let request = ListCasesRequest {
        assignee: q.assignee.clone().unwrap_or_default(),
        unassigned: q.unassigned,
        states,
        queue: q.queue.clone().unwrap_or_default(),
        player_id: q.player.clone().unwrap_or_default(),
        complaint: q.complaint.clone().unwrap_or_default(),
        page_size: i32::try_from(q.limit.clamp(1, 1000)).unwrap_or(1000),
        ..Default::default()
    };
    let client = remote.client()?;
    let cases = client.resolution().list_cases(request).take(q.limit).try_collect().await.context("ListCases")?;
    Ok(cases)
}

/// A case as a row: what an agent scans a queue for.
fn case_record(case: &Case) -> Record {
    vec![
        ("name", json!(case.name)),
        ("reference", json!(case.complaint_reference)),
        ("state", json!(case.state().as_str_name().trim_start_matches("STATE_"))),
        ("priority", json!(case.priority().as_str_name().trim_start_matches("PRIORITY_"))),
        ("category", json!(case.category().as_str_name().trim_start_matches("COMPLAINT_CATEGORY_"))),
        ("queue", json!(case.queue)),
        ("assignee", json!(case.assignee)),
        ("next_due", json!(format_time(case.next_due_time.as_ref()))),
        ("subject", json!(case.subject)),
    ]
}

fn event_record(event: &CaseEvent) -> Record {
    vec![
        ("sequence", json!(event.sequence)),
        ("time", json!(format_time(event.create_time.as_ref()))),
        ("type", json!(event_type(event.r#type))),
        ("actor", json!(event.actor)),
        ("hash", json!(event.hash)),
    ]
}

/// A verdict that marks no event, for listing a history without verifying.
fn intact_placeholder() -> VerifyCaseHistoryResponse {
    VerifyCaseHistoryResponse { intact: true, ..Default::default() }
}

/// What `cases verify` found.
#[derive(Debug)]
struct Verdict {
    /// True when the service found the chain intact.
    intact: bool,
    /// The report to print.
    text: String,
}

impl Verdict {
    fn exit_status(&self) -> u8 {
        if self.intact { exit::OK } else { exit::NEGATIVE }
    }
}

async fn verify(remote: &Remote, args: &VerifyArgs) -> anyhow::Result<Verdict> {
    let name = case_name(&args.case)?;
    let client = remote.client()?;
    let response =
        client.resolution().verify_case_history(&name).await.with_context(|| format!("VerifyCaseHistory {name}"))?;
    if remote.output == crate::remote::Output::Json {
        let mut record: Record = vec![
            ("name", json!(name.as_str())),
            ("intact", json!(response.intact)),
            ("event_count", json!(response.event_count)),
            ("head_hash", json!(response.head_hash)),
            ("first_bad_sequence", json!(response.first_bad_sequence)),
            ("problem", json!(Problem::try_from(response.problem).map(|p| p.as_str_name()).unwrap_or("UNKNOWN"))),
            ("detail", json!(response.detail)),
            ("verify_time", json!(format_time(response.verify_time.as_ref()))),
        ];
        if args.history {
            let events = history(remote, &name, 0).await?;
            let events: Vec<_> = events
                .iter()
                .map(|e| {
                    serde_json::Value::Object(event_record(e).into_iter().map(|(k, v)| (k.to_owned(), v)).collect())
                })
                .collect();
            record.push(("events", json!(events)));
        }
        return Ok(Verdict { intact: response.intact, text: render_one(crate::remote::Output::Json, &record) });
    }
    let mut text = String::new();
    if args.history {
        let events = history(remote, &name, 0).await?;
        text.push_str(&format_history(&events, &response));
    }
    text.push_str(&format_verdict(name.as_str(), &response));
    Ok(Verdict { intact: response.intact, text })
}

/// Every event of the case, oldest first, `page_size` per call (0: the
/// server's default).
async fn history(remote: &Remote, name: &CaseName, page_size: i32) -> anyhow::Result<Vec<CaseEvent>> {
    let client = remote.client()?;
    client
        .resolution()
        .list_case_events_paged(name, page_size)
        .try_collect()
        .await
        .with_context(|| format!("ListCaseEvents {name}"))
}

/// `cases/{id}` from `cases/{id}` or a bare id.
fn case_name(arg: &str) -> anyhow::Result<CaseName> {
    CaseName::parse_or_id(arg)
        .map_err(|_| anyhow::anyhow!("expected a case name like cases/{{case_id}}, got {:?}", arg.trim()))
}

/// The verdict lines.
fn format_verdict(name: &str, response: &VerifyCaseHistoryResponse) -> String {
    let mut out = String::new();
    if response.intact {
        let _ = writeln!(out, "{name}: history intact");
    } else {
        let _ = writeln!(out, "{name}: history BROKEN");
        let _ = writeln!(out, "  first bad event  {}", response.first_bad_sequence);
        let _ = writeln!(out, "  problem          {}", describe_problem(response.problem));
        if !response.detail.is_empty() {
            let _ = writeln!(out, "  detail           {}", printable(&response.detail));
        }
    }
    let _ = writeln!(out, "  events checked   {}", response.event_count);
    let head = if response.head_hash.is_empty() { "(none)" } else { response.head_hash.as_str() };
    let _ = writeln!(out, "  head hash        {}", printable(head));
    let verified = format_time(response.verify_time.as_ref());
    if !verified.is_empty() {
        let _ = writeln!(out, "  verified at      {verified}");
    }
    out
}

/// A problem as the contract describes it.
fn describe_problem(problem: i32) -> String {
    match Problem::try_from(problem) {
        Ok(Problem::Modified) => "MODIFIED: the event's content no longer matches its hash".into(),
        Ok(Problem::Deleted) => "DELETED: an event is missing (a gap in the sequence, a previous_hash that matches \
                                 no event, or fewer events than the case recorded)"
            .into(),
        Ok(Problem::Reordered) => "REORDERED: the event's previous_hash points to another event than the one \
                                   with the previous sequence"
            .into(),
        Ok(Problem::EvidenceMismatch) => "EVIDENCE_MISMATCH: an attached evidence's stored bytes (or its \
                                          recorded event payload) no longer match the sha256 the history holds"
            .into(),
        Ok(Problem::Unspecified) => "not specified by the service".into(),
        Err(_) => format!("problem {problem} (unknown to this version of redress)"),
    }
}

/// The history as a table, the first bad event marked.
fn format_history(events: &[CaseEvent], response: &VerifyCaseHistoryResponse) -> String {
    let rows: Vec<[String; 5]> = events
        .iter()
        .map(|e| {
            [
                e.sequence.to_string(),
                format_time(e.create_time.as_ref()),
                event_type(e.r#type),
                printable(&e.actor),
                e.hash.chars().take(HASH_PREFIX).collect(),
            ]
        })
        .collect();
    let header = ["SEQ", "TIME", "TYPE", "ACTOR", "HASH"];
    let mut widths = header.map(str::len);
    for row in &rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let line = |out: &mut String, cells: [&str; 5], mark: &str| {
        let [seq, time, kind, actor, hash] = cells;
        let [w0, w1, w2, w3, _] = widths;
        let text = format!("{seq:>w0$}  {time:<w1$}  {kind:<w2$}  {actor:<w3$}  {hash}{mark}");
        let _ = writeln!(out, "{}", text.trim_end());
    };
    let mut out = String::new();
    line(&mut out, header, "");
    let bad = (!response.intact).then_some(response.first_bad_sequence);
    for (event, row) in events.iter().zip(&rows) {
        let mark = if bad == Some(event.sequence) { "  <- first bad event" } else { "" };
        line(&mut out, [&row[0], &row[1], &row[2], &row[3], &row[4]], mark);
    }
    if let Some(bad) = bad
        && bad > 0
        && !events.iter().any(|e| e.sequence == bad)
    {
        let _ = writeln!(out, "(event {bad} is not in the history)");
    }
    let _ = writeln!(out, "{} event(s)", events.len());
    out.push('\n');
    out
}

/// An event type without the `TYPE_` prefix, or its number when unknown.
fn event_type(value: i32) -> String {
    match case_event::Type::try_from(value) {
        Ok(t) => t.as_str_name().trim_start_matches("TYPE_").to_owned(),
        Err(_) => value.to_string(),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use prost_types::Timestamp;

    use super::*;

    fn event(sequence: i64, kind: case_event::Type, actor: &str, hash: &str) -> CaseEvent {
        CaseEvent {
            name: format!("cases/c1/events/e{sequence}"),
            sequence,
            r#type: kind.into(),
            actor: actor.into(),
            create_time: Some(Timestamp { seconds: 1_790_000_000 + sequence, nanos: 5_000 }),
            hash: hash.into(),
            ..Default::default()
        }
    }

    fn intact() -> VerifyCaseHistoryResponse {
        VerifyCaseHistoryResponse {
            intact: true,
            event_count: 2,
            head_hash: "b".repeat(64),
            verify_time: Some(Timestamp { seconds: 1_790_000_100, nanos: 0 }),
            ..Default::default()
        }
    }

    fn modified_at_2() -> VerifyCaseHistoryResponse {
        VerifyCaseHistoryResponse {
            intact: false,
            first_bad_sequence: 2,
            problem: Problem::Modified.into(),
            detail: "event 2: hash mismatch".into(),
            ..intact()
        }
    }

    #[test]
    fn case_names_are_normalised_and_checked() {
        assert_eq!(case_name("cases/abc").unwrap().as_str(), "cases/abc");
        assert_eq!(case_name(" abc ").unwrap().as_str(), "cases/abc");
        for bad in ["", "cases/", "cases/a/events/1", "complaints/x", "a b"] {
            assert!(case_name(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn an_intact_history_reads_intact_and_exits_0() {
        let text = format_verdict("cases/c1", &intact());
        assert_eq!(
            text,
            format!(
                "cases/c1: history intact\n  events checked   2\n  head hash        {}\n  verified at      \
                 2026-09-21T14:15:00.000000Z\n",
                "b".repeat(64)
            )
        );
        assert_eq!(Verdict { intact: true, text }.exit_status(), 0);
    }

    #[test]
    fn a_broken_history_names_the_first_bad_event_and_exits_1() {
        let text = format_verdict("cases/c1", &modified_at_2());
        assert!(text.starts_with("cases/c1: history BROKEN\n  first bad event  2\n"), "{text}");
        assert!(text.contains("problem          MODIFIED: the event's content no longer matches its hash\n"), "{text}");
        assert!(text.contains("detail           event 2: hash mismatch\n"), "{text}");
        assert_eq!(Verdict { intact: false, text }.exit_status(), exit::NEGATIVE);

        let deleted =
            VerifyCaseHistoryResponse { problem: Problem::Deleted.into(), detail: String::new(), ..modified_at_2() };
        let text = format_verdict("cases/c1", &deleted);
        assert!(text.contains("problem          DELETED: an event is missing"), "{text}");
        assert!(!text.contains("detail"), "{text}");
        let reordered = VerifyCaseHistoryResponse { problem: Problem::Reordered.into(), ..modified_at_2() };
        assert!(format_verdict("cases/c1", &reordered).contains("REORDERED: "));
        let unknown = VerifyCaseHistoryResponse { problem: 42, ..modified_at_2() };
        assert!(format_verdict("cases/c1", &unknown).contains("problem 42 (unknown"));
    }

    #[test]
    fn the_history_lists_events_and_marks_the_first_bad_one() {
        let events = [
            event(1, case_event::Type::CaseOpened, "intake", &"a".repeat(64)),
            event(2, case_event::Type::RespondedToPlayer, "agent\n17", "0123456789abcdef"),
        ];
        let text = format_history(&events, &modified_at_2());
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines,
            [
                "SEQ  TIME                         TYPE                 ACTOR     HASH",
                "  1  2026-09-21T14:13:21.000005Z  CASE_OPENED          intake    aaaaaaaaaaaa",
                "  2  2026-09-21T14:13:22.000005Z  RESPONDED_TO_PLAYER  agent?17  0123456789ab  <- first bad event",
                "2 event(s)",
                "",
            ]
        );
        // Intact: nothing marked; a deleted event that is absent is named.
        assert!(!format_history(&events, &intact()).contains("<-"));
        let gone =
            VerifyCaseHistoryResponse { first_bad_sequence: 3, problem: Problem::Deleted.into(), ..modified_at_2() };
        assert!(format_history(&events, &gone).contains("(event 3 is not in the history)"));
        assert_eq!(event_type(99), "99");
    }

    /// Adds `n` staff notes to the case, so it has `n + 1` events.
    async fn add_notes(running: &crate::testing::RunningResolution, name: &str, n: usize) {
        use redress_sdk::proto::resolution::v1::AddInternalNoteRequest;
        let client = running.target(&[redress_auth::Role::Agent]).client().unwrap();
        for i in 0..n {
            let request = AddInternalNoteRequest {
                name: name.into(),
                request_id: format!("note-{i}"),
                body: format!("note {i}"),
                ..Default::default()
            };
            client.resolution().add_internal_note(request).await.unwrap();
        }
    }

    #[tokio::test]
    async fn recategorise_changes_the_category_and_the_history_still_verifies() {
        use redress_auth::Role;

        let running = crate::testing::RunningResolution::start().await;
        let case = running.open_case("c1", "GB").await;
        let args = |category: &str| CaseArgs {
            command: CaseCommand::Recategorise(RecategoriseArgs {
                case: case.name.trim_start_matches("cases/").into(),
                category: category.into(),
                root_cause: Some("payment-provider-failure".into()),
                reason: "the bonus was paid; the withdrawal is missing".into(),
            }),
            remote: running.target(&[Role::Agent]),
        };
        let (text, code) = execute(&args("bonus")).await.unwrap();
        assert_eq!(code, exit::OK);
        assert!(text.contains("BONUS"), "{text}");
        let changed = running.target(&[Role::Agent]).client().unwrap().resolution();
        let changed = changed.get_case(&CaseName::parse(&case.name).unwrap()).await.unwrap();
        assert_eq!(changed.category(), ComplaintCategory::Bonus);
        assert_eq!(changed.original_category(), ComplaintCategory::Withdrawal);
        assert_eq!(changed.root_cause(), RootCause::PaymentProviderFailure);
        // An unknown category never reaches the service.
        let err = execute(&args("lottery")).await.unwrap_err();
        assert!(format!("{err:#}").contains("unknown value"), "{err:#}");
        let supervisor = running.target(&[Role::Supervisor]);
        let verdict = verify(&supervisor, &VerifyArgs { case: case.name.clone(), history: true }).await.unwrap();
        assert!(verdict.intact, "{}", verdict.text);
        assert!(verdict.text.contains("RECATEGORISED"), "{}", verdict.text);
    }

    #[tokio::test]
    async fn a_real_case_verifies_intact_then_broken_after_tampering() {
        use redress_auth::Role;
        use sea_orm::ConnectionTrait;

        let running = crate::testing::RunningResolution::start().await;
        let case = running.open_case("c1", "GB").await;
        add_notes(&running, &case.name, 3).await;
        let args = |case: &str, history: bool| VerifyArgs { case: case.into(), history };
        let supervisor = running.target(&[Role::Supervisor]);

        // Intact: exit 0, with the history of four events.
        let verdict = verify(&supervisor, &args(&case.name, true)).await.unwrap();
        assert!(verdict.intact, "{}", verdict.text);
        assert_eq!(verdict.exit_status(), 0);
        assert!(
            verdict.text.contains(&format!("{}: history intact\n  events checked   4\n", case.name)),
            "{}",
            verdict.text
        );
        assert!(verdict.text.contains("CASE_OPENED"), "{}", verdict.text);
        assert_eq!(verdict.text.matches("NOTE_ADDED").count(), 3, "{}", verdict.text);
        assert!(verdict.text.contains("4 event(s)"), "{}", verdict.text);
        // A bare id works too; analysts may verify.
        let bare = case.name.trim_start_matches("cases/");
        assert!(verify(&running.target(&[Role::Analyst]), &args(bare, false)).await.unwrap().intact);

        // Paging: pages of 3 over 4 events give every event once, in order.
        let name = CaseName::parse(&case.name).unwrap();
        let events = history(&running.target(&[Role::Agent]), &name, 3).await.unwrap();
        assert_eq!(events.iter().map(|e| e.sequence).collect::<Vec<_>>(), [1, 2, 3, 4]);

        // Agents may read but not verify: an error (exit 6), not a verdict.
        let err = verify(&running.target(&[Role::Agent]), &args(&case.name, false)).await.unwrap_err();
        assert!(format!("{err:#}").contains("PermissionDenied"), "{err:#}");
        assert_eq!(crate::remote::exit_code(&err), exit::AUTH);

        // Tampered with in the database: broken at event 2, exit 1.
        let id = case.name.trim_start_matches("cases/");
        running
            .resolution
            .db()
            .execute_unprepared(&format!(
                "UPDATE case_events SET payload_summary = 'refund 1000000' WHERE case_id = '{id}' AND sequence = 2"
            ))
            .await
            .unwrap();
        let verdict = verify(&supervisor, &args(&case.name, true)).await.unwrap();
        assert!(!verdict.intact, "{}", verdict.text);
        assert_eq!(verdict.exit_status(), exit::NEGATIVE);
        assert!(
            verdict.text.contains("history BROKEN\n  first bad event  2\n  problem          MODIFIED"),
            "{}",
            verdict.text
        );
        assert!(verdict.text.contains("<- first bad event"), "{}", verdict.text);

        // An unknown case is an error, not a verdict.
        let err = verify(&supervisor, &args("cases/no-such-case", false)).await.unwrap_err();
        assert!(format!("{err:#}").contains("NotFound"), "{err:#}");
        assert_eq!(crate::remote::exit_code(&err), exit::NOT_FOUND);

        // JSON for scripts.
        let json = Remote { output: crate::remote::Output::Json, ..supervisor.clone() };
        let verdict = verify(&json, &args(&case.name, true)).await.unwrap();
        let value: serde_json::Value = serde_json::from_str(&verdict.text).unwrap();
        assert_eq!(value["intact"], false);
        assert_eq!(value["first_bad_sequence"], 2);
        assert_eq!(value["events"].as_array().unwrap().len(), 4);
        running.resolution.shutdown().await;
    }

    #[tokio::test]
    async fn an_unreachable_service_is_an_error() {
        let remote = Remote { resolution: "127.0.0.1:1".into(), timeout_secs: 1, ..Remote::with_token("t") };
        let err = verify(&remote, &VerifyArgs { case: "cases/x".into(), history: false }).await.unwrap_err();
        assert!(format!("{err:#}").contains("Unavailable"), "{err:#}");
        assert_eq!(crate::remote::exit_code(&err), exit::UNAVAILABLE);
    }
}
