//! The queries GetInsights runs: each group's sums in one statement, and
//! the durations ranked with window functions, so a response reads one row
//! per group, never one per complaint.

use redress_proto::{
    common::v1::{Channel, ComplaintCategory, Outcome},
    feedback::v1::Dimension,
};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbBackend, DbErr, FromQueryResult,
    sea_query::{Asterisk, Expr, ExprTrait, Func, Order, OverStatement, Query, SimpleExpr, WindowStatement},
};

use super::{FactFilter, complaint_fact};
use crate::domain::{
    Window,
    insights::{self, ClockTally, Percentiles, Tally},
};

/// The fact column that holds a dimension's value (category for none).
pub fn dimension_column(dim: Dimension) -> complaint_fact::Column {
    use complaint_fact::Column as Col;
    match dim {
        Dimension::Unspecified | Dimension::Category => Col::Category,
        Dimension::Channel => Col::Channel,
        Dimension::Jurisdiction => Col::Jurisdiction,
        Dimension::Agent => Col::Agent,
        Dimension::Game => Col::GameId,
        Dimension::GameProvider => Col::GameProvider,
        Dimension::PaymentMethod => Col::PaymentMethod,
    }
}

/// `group_value`: the grouped dimension's column, or '' for no grouping.
pub(super) fn group_value(dim: Dimension) -> Expr {
    match dim {
        Dimension::Unspecified => Expr::cust("''"),
        _ => Expr::col(dimension_column(dim)),
    }
}

/// The facts of the complaints with any activity in `w` (events, a survey
/// sent, an answer): those whose activity span meets the window, found
/// through the (tenant, last activity) index, or with `by_fact_days` those
/// with a moment on the window's days, looked up by id (for an edge day a
/// year back, the activity span would match nearly every fact); and the
/// request's filters.
fn active_in(backend: DbBackend, tenant: &str, w: &Window, filter: &FactFilter) -> Condition {
    use complaint_fact::Column as Col;
    let c = matching(tenant, filter);
    if filter.by_fact_days {
        c.add(super::rollup::on_days(backend, tenant, std::slice::from_ref(w)))
    } else {
        c.add(Col::LastActivityAt.gte(w.start)).add(Col::FirstActivityAt.lt(w.end))
    }
}

/// The facts of `tenant` that pass the request's filters.
pub(super) fn matching(tenant: &str, filter: &FactFilter) -> Condition {
    use complaint_fact::Column as Col;
    let mut c = Condition::all().add(Col::TenantId.eq(tenant));
    if let Some(v) = filter.category {
        c = c.add(Col::Category.eq(v));
    }
    if let Some(v) = filter.channel {
        c = c.add(Col::Channel.eq(v));
    }
    if let Some(v) = &filter.jurisdiction {
        c = c.add(Col::Jurisdiction.eq(v.as_str()));
    }
    c
}

pub(super) fn within(col: complaint_fact::Column, w: &Window) -> SimpleExpr {
    Expr::col(col).gte(w.start).and(Expr::col(col).lt(w.end))
}

/// SUM(CASE WHEN cond THEN value ELSE 0 END), 0 over no rows.
fn sum_of(cond: SimpleExpr, value: Expr) -> Expr {
    Func::coalesce([Func::sum(Expr::case(cond, value).finally(Expr::val(0))).into(), Expr::val(0)]).into()
}

fn count_of(cond: SimpleExpr) -> Expr {
    sum_of(cond, Expr::val(1))
}

/// One group's sums, as [`insight_tallies`] selects them.
#[derive(Debug, FromQueryResult)]
struct TallyRow {
    group_value: String,
    submitted: i64,
    resolved: i64,
    escalated: i64,
    referred_to_adr: i64,
    reopened: i64,
    recategorised: i64,
    withdrawn: i64,
    closed: i64,
    responsible_gambling: i64,
    ack_met: i64,
    ack_breached: i64,
    ack_warned: i64,
    final_met: i64,
    final_breached: i64,
    final_warned: i64,
    adr_met: i64,
    adr_breached: i64,
    adr_warned: i64,
    survey_sent: i64,
    answered: i64,
    csat_sum: i64,
    csat_count: i64,
    fairness_sum: i64,
    fairness_count: i64,
    solved: i64,
    not_solved: i64,
    upheld: i64,
    partially_upheld: i64,
    not_upheld: i64,
    /// An outcome name the code does not know, if any row has one.
    unknown_outcome: Option<String>,
}

/// Each group's [`Tally`] over the facts active in `w`, summed in the
/// database: one statement, one row per group. Grouped by category or
/// channel, a stored name the code does not know fails loudly, as does an
/// unknown outcome: neither counts as "none".
pub async fn insight_tallies<C: ConnectionTrait>(
    c: &C,
    tenant: &str,
    w: &Window,
    filter: &FactFilter,
    dim: Dimension,
) -> Result<Vec<(String, Tally)>, DbErr> {
    use complaint_fact::Column as Col;
    let known_outcomes: Vec<&str> =
        [Outcome::Unspecified, Outcome::Upheld, Outcome::PartiallyUpheld, Outcome::NotUpheld]
            .iter()
            .map(|o| o.as_str_name())
            .chain([""])
            .collect();
    let answered = || within(Col::AnsweredAt, w);
    let resolved_as = |o: Outcome| within(Col::ResolvedAt, w).and(Col::Outcome.eq(o.as_str_name()));
    let clock = |ended: Col, met: Col, warned: Col| {
        [
            count_of(within(ended, w).and(Expr::col(met).eq(true))),
            count_of(within(ended, w).and(Expr::col(met).eq(false))),
            count_of(within(warned, w)),
        ]
    };
    let [ack_met, ack_breached, ack_warned] = clock(Col::AckEndedAt, Col::AckMet, Col::AckWarnedAt);
    let [final_met, final_breached, final_warned] = clock(Col::FinalEndedAt, Col::FinalMet, Col::FinalWarnedAt);
    let [adr_met, adr_breached, adr_warned] = clock(Col::AdrEndedAt, Col::AdrMet, Col::AdrWarnedAt);
    let sums: Vec<(&str, Expr)> = vec![
        ("submitted", count_of(within(Col::SubmittedAt, w))),
        ("resolved", count_of(within(Col::ResolvedAt, w))),
        ("escalated", count_of(within(Col::EscalatedAt, w))),
        ("referred_to_adr", count_of(within(Col::AdrReferredAt, w))),
        ("reopened", count_of(within(Col::ReopenedAt, w))),
        ("recategorised", count_of(within(Col::RecategorisedAt, w))),
        ("withdrawn", count_of(within(Col::WithdrawnAt, w))),
        ("closed", count_of(within(Col::ClosedAt, w))),
        (
            "responsible_gambling",
            count_of(within(Col::SubmittedAt, w).and(Expr::col(Col::ResponsibleGambling).eq(true))),
        ),
        ("ack_met", ack_met),
        ("ack_breached", ack_breached),
        ("ack_warned", ack_warned),
        ("final_met", final_met),
        ("final_breached", final_breached),
        ("final_warned", final_warned),
        ("adr_met", adr_met),
        ("adr_breached", adr_breached),
        ("adr_warned", adr_warned),
        ("survey_sent", count_of(within(Col::SurveySentAt, w))),
        ("answered", count_of(answered())),
        ("csat_sum", sum_of(answered().and(Expr::col(Col::Csat).is_not_null()), Expr::col(Col::Csat))),
        ("csat_count", count_of(answered().and(Expr::col(Col::Csat).is_not_null()))),
        ("fairness_sum", sum_of(answered().and(Expr::col(Col::Fairness).gt(0)), Expr::col(Col::Fairness))),
        ("fairness_count", count_of(answered().and(Expr::col(Col::Fairness).gt(0)))),
        ("solved", count_of(answered().and(Expr::col(Col::Solved).eq(true)))),
        ("not_solved", count_of(answered().and(Expr::col(Col::Solved).eq(false)))),
        ("upheld", count_of(resolved_as(Outcome::Upheld))),
        ("partially_upheld", count_of(resolved_as(Outcome::PartiallyUpheld))),
        ("not_upheld", count_of(resolved_as(Outcome::NotUpheld))),
    ];
    let mut query = Query::select();
    query.expr_as(group_value(dim), "group_value");
    for (alias, sum) in sums {
        query.expr_as(sum, alias);
    }
    query
        .expr_as(
            Func::max(
                Expr::case(Expr::col(Col::Outcome).is_not_in(known_outcomes), Expr::col(Col::Outcome))
                    .finally(Expr::null()),
            ),
            "unknown_outcome",
        )
        .from(complaint_fact::Entity)
        .cond_where(active_in(c.get_database_backend(), tenant, w, filter));
    if dim != Dimension::Unspecified {
        query.group_by_col(dimension_column(dim));
    }
    let rows = TallyRow::find_by_statement(c.get_database_backend().build(&query)).all(c).await?;
    rows.into_iter()
        .map(|r| {
            decode_group_value(&r.group_value, dim)?;
            if let Some(outcome) = &r.unknown_outcome {
                redress_db::number_or_empty::<Outcome>(outcome)?;
            }
            let tally = Tally {
                submitted: r.submitted,
                resolved: r.resolved,
                escalated: r.escalated,
                referred_to_adr: r.referred_to_adr,
                reopened: r.reopened,
                recategorised: r.recategorised,
                withdrawn: r.withdrawn,
                closed: r.closed,
                responsible_gambling: r.responsible_gambling,
                acknowledge: ClockTally { met: r.ack_met, breached: r.ack_breached, warned: r.ack_warned },
                final_response: ClockTally { met: r.final_met, breached: r.final_breached, warned: r.final_warned },
                adr_enquiry: ClockTally { met: r.adr_met, breached: r.adr_breached, warned: r.adr_warned },
                survey_sent: r.survey_sent,
                answered: r.answered,
                csat_sum: r.csat_sum,
                csat_count: r.csat_count,
                fairness_sum: r.fairness_sum,
                fairness_count: r.fairness_count,
                solved: r.solved,
                not_solved: r.not_solved,
                upheld: r.upheld,
                partially_upheld: r.partially_upheld,
                not_upheld: r.not_upheld,
            };
            Ok((r.group_value, tally))
        })
        .collect()
}

/// The dimensions are grouping keys (enum names beside free text), so they
/// stay strings; an enum name the code does not know fails here rather than
/// counting as "none".
pub fn decode_group_value(value: &str, dim: Dimension) -> Result<(), DbErr> {
    match dim {
        Dimension::Category => redress_db::number_or_empty::<ComplaintCategory>(value).map(|_| ()),
        Dimension::Channel => redress_db::number_or_empty::<Channel>(value).map(|_| ()),
        _ => Ok(()),
    }
}

/// The durations GetInsights ranks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DurationMetric {
    /// Submitted to first response, of complaints first answered in the window.
    FirstResponse,
    /// Submitted to resolution, of complaints resolved in the window.
    Resolution,
}

#[derive(Debug, FromQueryResult)]
struct RankRow {
    group_value: String,
    v: i64,
    rn: i64,
    n: i64,
}

/// Each group's nearest-rank median and p90 of `metric` (one group, '',
/// for [`Dimension::Unspecified`]), ranked in the database with window
/// functions: only the two ranked values of each group come back.
pub async fn duration_percentiles<C: ConnectionTrait>(
    c: &C,
    tenant: &str,
    w: &Window,
    filter: &FactFilter,
    dim: Dimension,
    metric: DurationMetric,
) -> Result<Vec<(String, Percentiles)>, DbErr> {
    use complaint_fact::Column as Col;
    let (at, value) = match metric {
        DurationMetric::FirstResponse => (Col::FirstResponseAt, Col::FirstResponseMicros),
        DurationMetric::Resolution => (Col::ResolvedAt, Col::ResolutionMicros),
    };
    let partition = || {
        let mut window = WindowStatement::new();
        if dim != Dimension::Unspecified {
            window.add_partition_by(Expr::col(dimension_column(dim)));
        }
        window
    };
    let mut ordered = partition();
    ordered.order_by(value, Order::Asc);
    let ranked = Query::select()
        .expr_as(group_value(dim), "group_value")
        .expr_as(Expr::col(value), "v")
        .expr_window_as(Func::cust("ROW_NUMBER"), ordered, "rn")
        .expr_window_as(Func::count(Expr::col(Asterisk)), partition(), "n")
        .from(complaint_fact::Entity)
        .cond_where(
            active_in(c.get_database_backend(), tenant, w, filter)
                .add(within(at, w))
                .add(Expr::col(value).is_not_null()),
        )
        .to_owned();
    let n = || Expr::col("n");
    let median_rank = n().add(1).div(2);
    let p90_rank = n().mul(9).add(9).div(10);
    let query = Query::select()
        .columns(["group_value", "v", "rn", "n"])
        .from_subquery(ranked, "ranked")
        .cond_where(Condition::any().add(Expr::col("rn").eq(median_rank)).add(Expr::col("rn").eq(p90_rank)))
        .to_owned();
    let rows = RankRow::find_by_statement(c.get_database_backend().build(&query)).all(c).await?;
    let mut out: std::collections::BTreeMap<String, Percentiles> = std::collections::BTreeMap::new();
    for r in rows {
        let p = out.entry(r.group_value).or_default();
        p.count = r.n;
        let (median, p90) = insights::percentile_ranks(r.n);
        if r.rn == median {
            p.median = r.v;
        }
        if r.rn == p90 {
            p.p90 = r.v;
        }
    }
    Ok(out.into_iter().collect())
}
