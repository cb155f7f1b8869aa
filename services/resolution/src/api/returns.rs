//! Regulatory returns: GetRegulatoryReturn.

use redress_auth::Caller;
use redress_errors::{ApiError, Violations};
use redress_proto::resolution::v1::{GetRegulatoryReturnRequest, GetRegulatoryReturnResponse, Regulator};

use super::{ResolutionApi, convert, now};
use crate::{
    domain::{returns, timestamp},
    store,
};

impl ResolutionApi {
    pub(super) async fn get_regulatory_return(
        &self,
        caller: Caller,
        req: GetRegulatoryReturnRequest,
    ) -> Result<GetRegulatoryReturnResponse, ApiError> {
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
        let rows =
            store::cases_in_period(&self.db, &caller.tenant, returns::jurisdiction(regulator), start, end).await?;
        let cases: Vec<_> = rows.iter().map(convert::counted).collect();
        let report = returns::report(regulator, &cases, returns::Period { start, end });
        Ok(GetRegulatoryReturnResponse {
            regulator: regulator.into(),
            period_start_time: req.period_start_time,
            period_end_time: req.period_end_time,
            generate_time: Some(timestamp(now())),
            report: Some(report),
        })
    }
}
