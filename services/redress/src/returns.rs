//! `redress returns export`: a regulator's return for a period, as CSV.
//!
//! Calls `ResolutionService/GetRegulatoryReturn` (roles analyst, supervisor
//! or admin) for whole UTC days: `--from` is the first day (from 00:00 UTC),
//! `--to` the day after the last (exclusive), so `--from 2026-10-01 --to
//! 2026-11-01` is October 2026. The CSV follows RFC 4180 (CRLF line ends; a
//! field with a comma, quote, CR or LF is quoted, inner quotes doubled), with
//! a header row whose column names are the proto field names:
//!
//! - UKGC: `category,complaints,disputes,disputes_referred_to_adr`, one row
//!   per category the service returned, then a `TOTAL` row with the return's
//!   overall figures.
//! - MGA: one row per dispute referred to ADR, in the service's order (by
//!   referral time), with every `MgaAdrEntry` field in field-number order.
//!
//! Enum values are the proto names without their type prefix (`WITHDRAWAL`,
//! `PARTIALLY_UPHELD`); an ADR outcome not decided yet is `PENDING`; times
//! are RFC 3339 in UTC.

use std::{fmt::Write as _, path::PathBuf};

use anyhow::{Context, bail};
use chrono::NaiveDate;
use clap::{Args, Subcommand, ValueEnum};
use redress_sdk::proto::{
    common::v1::{ComplaintCategory, Outcome},
    resolution::v1::{
        GetRegulatoryReturnRequest, GetRegulatoryReturnResponse, MgaAdrReport, Regulator, UkgcReturn,
        get_regulatory_return_response::Report,
    },
};

use crate::remote::{Remote, format_time, midnight_utc, parse_date};

/// The longest period the service accepts, in days.
const MAX_PERIOD_DAYS: i64 = 366;

/// Arguments of `redress returns`.
#[derive(Debug, Args)]
pub struct ReturnsArgs {
    #[command(subcommand)]
    command: ReturnsCommand,
    #[command(flatten)]
    remote: Remote,
}

#[derive(Debug, Subcommand)]
enum ReturnsCommand {
    /// Writes a regulator's return for a period as CSV. Needs an analyst,
    /// supervisor or admin token.
    Export(ExportArgs),
}

/// The regulators a return can be built for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum RegulatorArg {
    /// UK Gambling Commission: counts per category, for GB players.
    Ukgc,
    /// Malta Gaming Authority: disputes referred to ADR, for MT players.
    Mga,
}

impl RegulatorArg {
    fn label(self) -> &'static str {
        match self {
            RegulatorArg::Ukgc => "UKGC",
            RegulatorArg::Mga => "MGA",
        }
    }

    fn proto(self) -> Regulator {
        match self {
            RegulatorArg::Ukgc => Regulator::Ukgc,
            RegulatorArg::Mga => Regulator::Mga,
        }
    }
}

#[derive(Debug, Args)]
struct ExportArgs {
    /// The regulator.
    #[arg(long, value_enum)]
    regulator: RegulatorArg,
    /// First day of the period, YYYY-MM-DD (inclusive, from 00:00 UTC).
    #[arg(long, value_parser = parse_date)]
    from: NaiveDate,
    /// End of the period, YYYY-MM-DD (exclusive: the day after the last day).
    #[arg(long, value_parser = parse_date)]
    to: NaiveDate,
    /// Write the CSV to this file instead of stdout.
    #[arg(long = "file", short = 'f')]
    file: Option<PathBuf>,
}

/// Runs a returns subcommand.
pub async fn run(args: ReturnsArgs) -> anyhow::Result<()> {
    match args.command {
        ReturnsCommand::Export(export_args) => {
            let csv = export(&args.remote, &export_args).await?;
            let args = export_args;
            match &args.file {
                None => print!("{csv}"),
                Some(path) => {
                    std::fs::write(path, &csv).with_context(|| format!("cannot write {}", path.display()))?;
                    eprintln!(
                        "wrote the {} return for {} to {} (exclusive) to {}",
                        args.regulator.label(),
                        args.from,
                        args.to,
                        path.display()
                    );
                }
            }
            Ok(())
        }
    }
}

/// Fetches the return and renders it as CSV.
async fn export(remote: &Remote, args: &ExportArgs) -> anyhow::Result<String> {
    let request = return_request(args.regulator, args.from, args.to)?;
    let response = remote.client()?.resolution().get_regulatory_return(request).await.context("GetRegulatoryReturn")?;
    to_csv(args.regulator, &response)
}

/// The request for `[from, to)`, checked as the service would.
fn return_request(
    regulator: RegulatorArg,
    from: NaiveDate,
    to: NaiveDate,
) -> anyhow::Result<GetRegulatoryReturnRequest> {
    if to <= from {
        bail!("--to ({to}) must be after --from ({from}); --to is exclusive, e.g. --from 2026-10-01 --to 2026-11-01");
    }
    let days = (to - from).num_days();
    if days > MAX_PERIOD_DAYS {
        bail!("the period {from} to {to} is {days} days; the service accepts at most {MAX_PERIOD_DAYS}");
    }
    Ok(GetRegulatoryReturnRequest {
        regulator: regulator.proto().into(),
        period_start_time: Some(midnight_utc(from)),
        period_end_time: Some(midnight_utc(to)),
    })
}

/// The return as CSV; fails when the service answered for another regulator.
fn to_csv(regulator: RegulatorArg, response: &GetRegulatoryReturnResponse) -> anyhow::Result<String> {
    match (regulator, &response.report) {
        (RegulatorArg::Ukgc, Some(Report::Ukgc(ukgc))) => Ok(ukgc_csv(ukgc)),
        (RegulatorArg::Mga, Some(Report::Mga(mga))) => Ok(mga_csv(mga)),
        (_, None) => bail!("GetRegulatoryReturn answered without a report"),
        (_, Some(_)) => {
            bail!("GetRegulatoryReturn answered with another regulator's report than {}", regulator.label())
        }
    }
}

fn ukgc_csv(ukgc: &UkgcReturn) -> String {
    let mut out = String::new();
    csv_row(&mut out, &["category", "complaints", "disputes", "disputes_referred_to_adr"]);
    for c in &ukgc.categories {
        csv_row(
            &mut out,
            &[
                &category(c.category),
                &c.complaints.to_string(),
                &c.disputes.to_string(),
                &c.disputes_referred_to_adr.to_string(),
            ],
        );
    }
    csv_row(
        &mut out,
        &[
            "TOTAL",
            &ukgc.complaints.to_string(),
            &ukgc.disputes.to_string(),
            &ukgc.disputes_referred_to_adr.to_string(),
        ],
    );
    out
}

fn mga_csv(mga: &MgaAdrReport) -> String {
    let mut out = String::new();
    csv_row(
        &mut out,
        &[
            "player_id",
            "subject",
            "category",
            "outcome",
            "conclusion",
            "adr_body",
            "adr_reference",
            "referral_time",
            "case",
            "complaint_reference",
        ],
    );
    for e in &mga.entries {
        csv_row(
            &mut out,
            &[
                &e.player_id,
                &e.subject,
                &category(e.category),
                &outcome(e.outcome),
                &e.conclusion,
                &e.adr_body,
                &e.adr_reference,
                &format_time(e.referral_time.as_ref()),
                &e.case,
                &e.complaint_reference,
            ],
        );
    }
    out
}

/// A category without its `COMPLAINT_CATEGORY_` prefix, or its number when
/// unknown to this version.
fn category(value: i32) -> String {
    match ComplaintCategory::try_from(value) {
        Ok(c) => c.as_str_name().trim_start_matches("COMPLAINT_CATEGORY_").to_owned(),
        Err(_) => value.to_string(),
    }
}

/// An outcome without its `OUTCOME_` prefix; `PENDING` while undecided.
fn outcome(value: i32) -> String {
    match Outcome::try_from(value) {
        Ok(Outcome::Unspecified) => "PENDING".to_owned(),
        Ok(o) => o.as_str_name().trim_start_matches("OUTCOME_").to_owned(),
        Err(_) => value.to_string(),
    }
}

/// Appends one CSV record, CRLF-terminated.
fn csv_row(out: &mut String, fields: &[&str]) {
    for (i, field) in fields.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        let _ = write!(out, "{}", csv_field(field));
    }
    out.push_str("\r\n");
}

/// A field as RFC 4180 writes it: quoted when it holds a comma, a quote, CR
/// or LF, with inner quotes doubled; otherwise as is.
fn csv_field(value: &str) -> std::borrow::Cow<'_, str> {
    if value.contains([',', '"', '\r', '\n']) {
        format!("\"{}\"", value.replace('"', "\"\"")).into()
    } else {
        value.into()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use prost_types::Timestamp;
    use redress_sdk::proto::resolution::v1::{MgaAdrEntry, UkgcCategoryCount};

    use super::*;

    #[test]
    fn csv_fields_are_quoted_only_when_needed() {
        assert_eq!(csv_field("plain text"), "plain text");
        assert_eq!(csv_field(""), "");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("\""), "\"\"\"\"");
        assert_eq!(csv_field("line\nbreak"), "\"line\nbreak\"");
        assert_eq!(csv_field("cr\rhere"), "\"cr\rhere\"");
        assert_eq!(csv_field("zł 1 200,50 – ok"), "\"zł 1 200,50 – ok\"");
        let mut out = String::new();
        csv_row(&mut out, &["a", "b,c", ""]);
        assert_eq!(out, "a,\"b,c\",\r\n");
    }

    #[test]
    fn dates_are_utc_midnights_and_to_is_exclusive() {
        let from = parse_date("2026-10-01").unwrap();
        let to = parse_date("2026-11-01").unwrap();
        let request = return_request(RegulatorArg::Ukgc, from, to).unwrap();
        assert_eq!(request.regulator(), Regulator::Ukgc);
        // 2026-10-01T00:00:00Z and 2026-11-01T00:00:00Z.
        assert_eq!(request.period_start_time.unwrap().seconds, 1_790_812_800);
        assert_eq!(request.period_end_time.unwrap().seconds, 1_793_491_200);
        for bad in ["2026-13-01", "01/10/2026", "2026-10", ""] {
            assert!(parse_date(bad).is_err(), "{bad:?}");
        }
        let err = return_request(RegulatorArg::Mga, to, from).unwrap_err();
        assert!(err.to_string().contains("must be after --from"), "{err}");
        assert!(return_request(RegulatorArg::Mga, from, from).is_err());
        // 366 days is the longest period; 367 is refused before any call.
        assert!(return_request(RegulatorArg::Mga, from, parse_date("2027-10-02").unwrap()).is_ok());
        let too_long = return_request(RegulatorArg::Mga, from, parse_date("2027-10-03").unwrap()).unwrap_err();
        assert!(too_long.to_string().contains("is 367 days; the service accepts at most 366"), "{too_long}");
    }

    fn response(report: Report) -> GetRegulatoryReturnResponse {
        GetRegulatoryReturnResponse { report: Some(report), ..Default::default() }
    }

    #[test]
    fn the_ukgc_return_has_a_row_per_category_and_a_total() {
        let ukgc = UkgcReturn {
            complaints: 12,
            disputes: 3,
            disputes_referred_to_adr: 1,
            categories: vec![
                UkgcCategoryCount {
                    category: ComplaintCategory::Withdrawal.into(),
                    complaints: 10,
                    disputes: 2,
                    disputes_referred_to_adr: 0,
                },
                UkgcCategoryCount {
                    category: ComplaintCategory::Bonus.into(),
                    complaints: 2,
                    disputes: 1,
                    disputes_referred_to_adr: 1,
                },
            ],
        };
        assert_eq!(
            to_csv(RegulatorArg::Ukgc, &response(Report::Ukgc(ukgc))).unwrap(),
            "category,complaints,disputes,disputes_referred_to_adr\r\n\
             WITHDRAWAL,10,2,0\r\n\
             BONUS,2,1,1\r\n\
             TOTAL,12,3,1\r\n"
        );
        let empty = to_csv(RegulatorArg::Ukgc, &response(Report::Ukgc(UkgcReturn::default()))).unwrap();
        assert_eq!(empty, "category,complaints,disputes,disputes_referred_to_adr\r\nTOTAL,0,0,0\r\n");
    }

    #[test]
    fn the_mga_report_has_a_row_per_dispute_with_every_field() {
        let mga = MgaAdrReport {
            entries: vec![
                MgaAdrEntry {
                    player_id: "p-1".into(),
                    subject: "Withdrawal \"pending\", 10 days".into(),
                    category: ComplaintCategory::Withdrawal.into(),
                    outcome: Outcome::PartiallyUpheld.into(),
                    conclusion: "Half is due.\nPay within 14 days.".into(),
                    adr_body: "MGA Player Support".into(),
                    adr_reference: "MGA-1".into(),
                    referral_time: Some(Timestamp { seconds: 1_790_812_800, nanos: 0 }),
                    case: "cases/c1".into(),
                    complaint_reference: "RDR-2026-000123".into(),
                },
                MgaAdrEntry { player_id: "p-2".into(), subject: "bonus".into(), ..Default::default() },
            ],
        };
        assert_eq!(
            to_csv(RegulatorArg::Mga, &response(Report::Mga(mga))).unwrap(),
            "player_id,subject,category,outcome,conclusion,adr_body,adr_reference,referral_time,case,\
             complaint_reference\r\n\
             p-1,\"Withdrawal \"\"pending\"\", 10 days\",WITHDRAWAL,PARTIALLY_UPHELD,\"Half is due.\nPay within 14 \
             days.\",MGA Player Support,MGA-1,2026-10-01T00:00:00.000000Z,cases/c1,RDR-2026-000123\r\n\
             p-2,bonus,UNSPECIFIED,PENDING,,,,,,\r\n"
        );
        let empty = to_csv(RegulatorArg::Mga, &response(Report::Mga(MgaAdrReport::default()))).unwrap();
        assert_eq!(empty.lines().count(), 1);
    }

    #[test]
    fn a_report_for_another_regulator_or_none_is_an_error() {
        assert!(to_csv(RegulatorArg::Mga, &response(Report::Ukgc(UkgcReturn::default()))).is_err());
        assert!(to_csv(RegulatorArg::Ukgc, &GetRegulatoryReturnResponse::default()).is_err());
        assert_eq!(category(999), "999");
        assert_eq!(outcome(Outcome::NotUpheld.into()), "NOT_UPHELD");
    }

    #[tokio::test]
    async fn a_real_service_exports_both_returns() {
        use redress_auth::Role;
        use redress_sdk::proto::{
            common::v1::RootCause,
            resolution::v1::{ReferToAdrRequest, ResolveCaseRequest},
        };

        let running = crate::testing::RunningResolution::start().await;
        running.open_case("g1", "GB").await;
        let m1 = running.open_case("m1", "MT").await;
        // Final response, then the player goes to ADR.
        let client = running.target(&[Role::Agent]).client().unwrap().resolution();
        let request = ResolveCaseRequest {
            name: m1.name.clone(),
            request_id: "final".into(),
            outcome: Outcome::NotUpheld.into(),
            root_cause: RootCause::Policy.into(),
            final_response: "we cannot refund this".into(),
            ..Default::default()
        };
        client.resolve_case(request).await.unwrap();
        let request = ReferToAdrRequest {
            name: m1.name.clone(),
            request_id: "adr".into(),
            adr_body: "MGA Player Support".into(),
            adr_reference: "MGA-7".into(),
            ..Default::default()
        };
        client.refer_to_adr(request).await.unwrap();

        // Today (UTC) to tomorrow covers both cases.
        let today = chrono::Utc::now().date_naive();
        let args = |regulator| ExportArgs { regulator, from: today, to: today + chrono::Days::new(1), file: None };
        let ukgc = export(&running.target(&[Role::Analyst]), &args(RegulatorArg::Ukgc)).await.unwrap();
        assert_eq!(
            ukgc,
            "category,complaints,disputes,disputes_referred_to_adr\r\nWITHDRAWAL,1,0,0\r\nTOTAL,1,0,0\r\n"
        );
        let mga = export(&running.target(&[Role::Supervisor]), &args(RegulatorArg::Mga)).await.unwrap();
        let rows: Vec<&str> = mga.split_terminator("\r\n").collect();
        assert_eq!(rows.len(), 2, "{mga}");
        let prefix = "player-m1,\"withdrawal missing, 10 days\",WITHDRAWAL,PENDING,,MGA Player Support,MGA-7,";
        assert!(rows[1].starts_with(prefix), "{mga}");
        assert!(rows[1].ends_with(&format!(",{},RDR-2026-m1", m1.name)), "{mga}");

        // Agents may not build returns.
        let err = export(&running.target(&[Role::Agent]), &args(RegulatorArg::Ukgc)).await.unwrap_err();
        assert!(format!("{err:#}").contains("PermissionDenied"), "{err:#}");
        running.resolution.shutdown().await;
    }
}
