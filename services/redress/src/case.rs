//! `redress case verify`: checks a case's hash-chained history on a running
//! resolution service.
//!
//! Calls `ResolutionService/VerifyCaseHistory` (roles supervisor, analyst or
//! admin) and prints whether the chain is intact or, when broken, the first
//! event the service found modified, deleted or reordered. With `--history`
//! it also lists every event, read page by page with `GetCaseHistory`.
//!
//! Exit status, for scripts: 0 when the history is intact, 1 when it is
//! broken, 2 when it could not be checked (bad arguments, connection or call
//! failure).

use std::{fmt::Write as _, process::ExitCode};

use anyhow::bail;
use clap::{Args, Subcommand};
use redress_proto::resolution::v1::{
    CaseEvent, GetCaseHistoryRequest, VerifyCaseHistoryRequest, VerifyCaseHistoryResponse, case_event,
    resolution_service_client::ResolutionServiceClient, verify_case_history_response::Problem,
};

use crate::remote::{Connection, ResolutionTarget, call_failed, format_time};

/// The exit status when the history is broken.
pub const BROKEN_EXIT: u8 = 1;
/// The exit status when the history could not be checked.
pub const ERROR_EXIT: u8 = 2;

/// Events read per `GetCaseHistory` call.
const HISTORY_PAGE_SIZE: i32 = 500;
/// Hex characters of a hash shown in the history listing.
const HASH_PREFIX: usize = 12;

/// Arguments of `redress case`.
#[derive(Debug, Args)]
pub struct CaseArgs {
    #[command(subcommand)]
    command: CaseCommand,
}

#[derive(Debug, Subcommand)]
enum CaseCommand {
    /// Verifies a case's hash-chained history. Exits 0 when intact, 1 when
    /// broken, 2 when it could not be checked. Needs a supervisor, analyst or
    /// admin token.
    Verify(VerifyArgs),
}

#[derive(Debug, Args)]
struct VerifyArgs {
    /// The case, `cases/{case_id}` (a bare case id works too).
    case: String,
    /// Also list the events: sequence, time, type, actor and hash prefix.
    #[arg(long)]
    history: bool,
    #[command(flatten)]
    remote: ResolutionTarget,
}

/// Runs a case subcommand; the exit code says whether the history is intact.
pub async fn run(args: CaseArgs) -> anyhow::Result<ExitCode> {
    match args.command {
        CaseCommand::Verify(args) => {
            let verdict = verify(&args).await?;
            print!("{}", verdict.text);
            Ok(ExitCode::from(verdict.exit_status()))
        }
    }
}

/// What `case verify` found.
#[derive(Debug)]
struct Verdict {
    /// True when the service found the chain intact.
    intact: bool,
    /// The report to print.
    text: String,
}

impl Verdict {
    fn exit_status(&self) -> u8 {
        if self.intact { 0 } else { BROKEN_EXIT }
    }
}

async fn verify(args: &VerifyArgs) -> anyhow::Result<Verdict> {
    let name = case_name(&args.case)?;
    let connection = Connection::open(&args.remote).await?;
    let mut client = ResolutionServiceClient::new(connection.channel.clone());
    let response = client
        .verify_case_history(connection.request(VerifyCaseHistoryRequest { name: name.clone() }))
        .await
        .map_err(|status| call_failed(&format!("VerifyCaseHistory {name}"), &status))?
        .into_inner();
    let mut text = String::new();
    if args.history {
        let events = history(&connection, &mut client, &name, HISTORY_PAGE_SIZE).await?;
        text.push_str(&format_history(&events, &response));
    }
    text.push_str(&format_verdict(&name, &response));
    Ok(Verdict { intact: response.intact, text })
}

/// Every event of the case, oldest first, page by page.
async fn history(
    connection: &Connection,
    client: &mut ResolutionServiceClient<tonic::transport::Channel>,
    name: &str,
    page_size: i32,
) -> anyhow::Result<Vec<CaseEvent>> {
    let mut events = Vec::new();
    let mut page_token = String::new();
    loop {
        let request = connection.request(GetCaseHistoryRequest {
            name: name.to_owned(),
            page_size,
            page_token: page_token.clone(),
        });
        let page = client
            .get_case_history(request)
            .await
            .map_err(|status| call_failed(&format!("GetCaseHistory {name}"), &status))?
            .into_inner();
        if page.next_page_token.is_empty() {
            events.extend(page.events);
            return Ok(events);
        }
        if page.events.is_empty() || page.next_page_token == page_token {
            bail!("GetCaseHistory {name}: the service returned a page that does not advance; stopped paging");
        }
        events.extend(page.events);
        page_token = page.next_page_token;
    }
}

/// `cases/{id}` from `cases/{id}` or a bare id.
fn case_name(arg: &str) -> anyhow::Result<String> {
    let arg = arg.trim();
    let id = arg.strip_prefix("cases/").unwrap_or(arg);
    if id.is_empty() || id.contains('/') || id.chars().any(|c| c.is_whitespace() || c.is_control()) {
        bail!("expected a case name like cases/{{case_id}}, got {arg:?}");
    }
    Ok(format!("cases/{id}"))
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

/// Server text with control characters replaced, so it cannot break the
/// terminal or the layout.
fn printable(text: &str) -> String {
    text.chars().map(|c| if c.is_control() { '?' } else { c }).collect()
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
        assert_eq!(case_name("cases/abc").unwrap(), "cases/abc");
        assert_eq!(case_name(" abc ").unwrap(), "cases/abc");
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
        assert_eq!(Verdict { intact: false, text }.exit_status(), BROKEN_EXIT);

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
        use redress_proto::resolution::v1::AddInternalNoteRequest;
        let target = running.target(&[redress_auth::Role::Agent]);
        let connection = Connection::open(&target).await.unwrap();
        let mut client = ResolutionServiceClient::new(connection.channel.clone());
        for i in 0..n {
            let request = connection.request(AddInternalNoteRequest {
                name: name.into(),
                request_id: format!("note-{i}"),
                body: format!("note {i}"),
                ..Default::default()
            });
            client.add_internal_note(request).await.unwrap();
        }
    }

    #[tokio::test]
    async fn a_real_case_verifies_intact_then_broken_after_tampering() {
        use redress_auth::Role;
        use sea_orm::ConnectionTrait;

        let running = crate::testing::RunningResolution::start().await;
        let case = running.open_case("c1", "GB").await;
        add_notes(&running, &case.name, 3).await;
        let args = |case: &str, history: bool, roles: &[Role]| VerifyArgs {
            case: case.into(),
            history,
            remote: running.target(roles),
        };

        // Intact: exit 0, with the history of four events.
        let verdict = verify(&args(&case.name, true, &[Role::Supervisor])).await.unwrap();
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
        assert!(verify(&args(bare, false, &[Role::Analyst])).await.unwrap().intact);

        // Paging: pages of 3 over 4 events give every event once, in order.
        let target = running.target(&[Role::Agent]);
        let connection = Connection::open(&target).await.unwrap();
        let mut client = ResolutionServiceClient::new(connection.channel.clone());
        let events = history(&connection, &mut client, &case.name, 3).await.unwrap();
        assert_eq!(events.iter().map(|e| e.sequence).collect::<Vec<_>>(), [1, 2, 3, 4]);

        // Agents may read but not verify: an error (exit 2), not a verdict.
        let err = verify(&args(&case.name, false, &[Role::Agent])).await.unwrap_err();
        assert!(format!("{err:#}").contains("PermissionDenied"), "{err:#}");

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
        let verdict = verify(&args(&case.name, true, &[Role::Supervisor])).await.unwrap();
        assert!(!verdict.intact, "{}", verdict.text);
        assert_eq!(verdict.exit_status(), BROKEN_EXIT);
        assert!(
            verdict.text.contains("history BROKEN\n  first bad event  2\n  problem          MODIFIED"),
            "{}",
            verdict.text
        );
        assert!(verdict.text.contains("<- first bad event"), "{}", verdict.text);

        // An unknown case is an error, not a verdict.
        let err = verify(&args("cases/no-such-case", false, &[Role::Supervisor])).await.unwrap_err();
        assert!(format!("{err:#}").contains("NotFound"), "{err:#}");
        running.resolution.shutdown().await;
    }

    #[tokio::test]
    async fn an_unreachable_service_is_an_error() {
        let remote = ResolutionTarget { target: "127.0.0.1:1".into(), token: "t".into(), timeout_secs: 1 };
        let err = verify(&VerifyArgs { case: "cases/x".into(), history: false, remote }).await.unwrap_err();
        assert!(format!("{err:#}").contains("cannot connect to http://127.0.0.1:1"), "{err:#}");
    }
}
