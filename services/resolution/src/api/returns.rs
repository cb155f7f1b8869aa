//! Regulatory returns: GetRegulatoryReturn.

use redress_auth::Caller;
use redress_errors::{ApiError, Violations};
use redress_proto::resolution::v1::{GetRegulatoryReturnRequest, GetRegulatoryReturnResponse};

use super::{ResolutionApi, convert, now};
use crate::{domain::timestamp, store};

impl ResolutionApi {
    pub(super) async fn get_regulatory_return(
        &self,
        caller: Caller,
        req: GetRegulatoryReturnRequest,
    ) -> Result<GetRegulatoryReturnResponse, ApiError> {
        use redress_proto::resolution::v1::{
            MgaAdrEntry, MgaAdrReport, Regulator, UkgcCategoryCount, UkgcReturn, get_regulatory_return_response::Report,
        };
        let mut v = Violations::new();
        let regulator = Regulator::try_from(req.regulator).unwrap_or(Regulator::Unspecified);
        v.check(regulator == Regulator::Unspecified, "regulator", "must be UKGC or MGA");
        let start = v.timestamp(req.period_start_time.as_ref(), "period_start_time");
        let end = v.timestamp(req.period_end_time.as_ref(), "period_end_time");
        v.check(req.period_start_time.is_none(), "period_start_time", "is required");
        v.check(req.period_end_time.is_none(), "period_end_time", "is required");
        if let (Some(s), Some(e)) = (start, end) {
            v.check(e <= s, "period_end_time", "must be after period_start_time");
            v.check(e - s > chrono::Duration::days(366), "period_end_time", "must be at most 366 days after the start");
        }
        v.into_result()?;
        let (Some(start), Some(end)) = (start, end) else {
            return Err(ApiError::invalid_field("period_start_time", "is required"));
        };
        let within = |t: Option<chrono::DateTime<chrono::Utc>>| t.is_some_and(|t| t >= start && t < end);
        let jurisdiction = if regulator == Regulator::Ukgc { "GB" } else { "MT" };
        let rows = store::cases_in_period(&self.db, &caller.tenant, jurisdiction, start, end).await?;
        let report = match regulator {
            Regulator::Ukgc => {
                let mut total = UkgcReturn::default();
                let mut by_category: std::collections::BTreeMap<i32, UkgcCategoryCount> = Default::default();
                for row in &rows {
                    let body = convert::body_of(row);
                    let counts =
                        [within(Some(row.created_at)), within(row.disputed_at), within(row.referred_at)].map(i64::from);
                    let entry = by_category
                        .entry(body.category)
                        .or_insert_with(|| UkgcCategoryCount { category: body.category, ..Default::default() });
                    entry.complaints += counts[0];
                    entry.disputes += counts[1];
                    entry.disputes_referred_to_adr += counts[2];
                    total.complaints += counts[0];
                    total.disputes += counts[1];
                    total.disputes_referred_to_adr += counts[2];
                }
                total.categories = by_category.into_values().collect();
                Report::Ukgc(total)
            }
            _ => {
                let mut entries: Vec<(chrono::DateTime<chrono::Utc>, MgaAdrEntry)> = rows
                    .iter()
                    .filter(|row| within(row.referred_at))
                    .filter_map(|row| {
                        let body = convert::body_of(row);
                        let referral = body.adr_referral.clone()?;
                        Some((
                            row.referred_at?,
                            MgaAdrEntry {
                                player_id: row.player_id.clone(),
                                subject: body.subject.clone(),
                                category: body.category,
                                outcome: referral.outcome,
                                conclusion: referral.conclusion,
                                adr_body: referral.adr_body,
                                adr_reference: referral.adr_reference,
                                referral_time: referral.enquiry_receive_time,
                                case: convert::case_name(&row.id),
                                complaint_reference: body.complaint_reference,
                            },
                        ))
                    })
                    .collect();
                entries.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.case.cmp(&b.1.case)));
                Report::Mga(MgaAdrReport { entries: entries.into_iter().map(|(_, e)| e).collect() })
            }
        };
        Ok(GetRegulatoryReturnResponse {
            regulator: regulator.into(),
            period_start_time: req.period_start_time,
            period_end_time: req.period_end_time,
            generate_time: Some(timestamp(now())),
            report: Some(report),
        })
    }
}
