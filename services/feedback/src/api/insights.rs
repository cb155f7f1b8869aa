//! Reading the analytics: GetInsights and ListRecurringProblems. Both only
//! read; spike alerts come from the spike watch (`crate::spikes`).

use std::collections::BTreeMap;

use redress_auth::Caller;
use redress_db::{Stored, now};
use redress_errors::{ApiError, Violations};
use redress_proto::{
    common::v1::{Channel, ComplaintCategory},
    feedback::v1::{
        Dimension, GetInsightsRequest, GetInsightsResponse, InsightGroup, ListRecurringProblemsRequest,
        ListRecurringProblemsResponse, ReferenceKind,
    },
};

use redress_paging::filter_of;

use super::{Cursor, FeedbackApi};
use crate::{
    domain::{
        self,
        histogram::Histogram,
        insights::{self, GroupFigures, Percentiles, Tally, span},
        recurring, rollup,
    },
    store::{self, FactFilter},
};

impl FeedbackApi {
    /// The total and the groups. A window with whole UTC days inside reads
    /// them from the daily rollups and only its partial end days from the
    /// facts; the durations' percentiles then come from the merged
    /// histograms (within 1 %). A window inside one or two partial days
    /// reads the facts alone, with exact ranks.
    async fn insight_groups(
        &self,
        tenant: &str,
        w: &domain::Window,
        filter: &FactFilter,
        dim: Dimension,
    ) -> Result<(InsightGroup, Vec<InsightGroup>), ApiError> {
        let split = rollup::split(w);
        // The facts read cover at most two UTC days: found by day.
        let facts_filter = FactFilter { by_fact_days: true, ..filter.clone() };
        let groups = match split.days {
            None => self.exact_groups(tenant, w, &facts_filter, dim).await?,
            Some(days) => self.rolled_up_groups(tenant, &days, &split.edges, &facts_filter, dim).await?,
        };
        let (totals, groups): (Vec<_>, Vec<_>) = groups.into_iter().partition(|(value, _)| value.is_none());
        let total_durations =
            totals.into_iter().next().map(|(_, g)| (g.first_response, g.resolution)).unwrap_or_default();
        // A group is listed when something of it happened in the window.
        let groups = groups
            .into_iter()
            .filter_map(|(value, g)| {
                let empty = g.tally == Tally::default() && g.first_response.count == 0 && g.resolution.count == 0;
                Some((value?, g)).filter(|_| !empty)
            })
            .collect();
        Ok(insights::compute(groups, total_durations, dim))
    }

    /// The groups (keyed `Some(value)`) and the total's durations (keyed
    /// `None`) from the facts alone: the sums per group, the durations
    /// ranked per group and over all (a total's median is not a mix of the
    /// groups'), each one statement.
    async fn exact_groups(
        &self,
        tenant: &str,
        w: &domain::Window,
        filter: &FactFilter,
        dim: Dimension,
    ) -> Result<Vec<(Option<String>, GroupFigures)>, ApiError> {
        use store::DurationMetric::{FirstResponse, Resolution};
        let db = &self.readers;
        let tallies = store::insight_tallies(db, tenant, w, filter, dim).await?;
        let ranked = |dim, metric| store::duration_percentiles(db, tenant, w, filter, dim, metric);
        let total_durations =
            |ranked: Vec<(String, Percentiles)>| ranked.into_iter().next().map(|(_, p)| p).unwrap_or_default();
        let total_first = total_durations(ranked(Dimension::Unspecified, FirstResponse).await?);
        let total_resolution = total_durations(ranked(Dimension::Unspecified, Resolution).await?);
        let mut first: BTreeMap<String, Percentiles> = BTreeMap::new();
        let mut resolution: BTreeMap<String, Percentiles> = BTreeMap::new();
        if dim != Dimension::Unspecified {
            first = ranked(dim, FirstResponse).await?.into_iter().collect();
            resolution = ranked(dim, Resolution).await?.into_iter().collect();
        }
        let mut out: Vec<(Option<String>, GroupFigures)> = tallies
            .into_iter()
            .map(|(value, tally)| {
                let first_response = first.get(&value).copied().unwrap_or_default();
                let resolution = resolution.get(&value).copied().unwrap_or_default();
                (Some(value), GroupFigures { tally, first_response, resolution })
            })
            .collect();
        out.push((
            None,
            GroupFigures { tally: Tally::default(), first_response: total_first, resolution: total_resolution },
        ));
        Ok(out)
    }

    /// The same from the rollups' whole `days` and the facts of the partial
    /// days at the `edges`: their sums from the database (`insight_tallies`,
    /// as for a window inside two days), their durations added to the
    /// rollups' histograms. Every complaint is in exactly one group, so the
    /// total's histograms are the groups' merged.
    async fn rolled_up_groups(
        &self,
        tenant: &str,
        days: &domain::Window,
        edges: &[domain::Window],
        filter: &FactFilter,
        dim: Dimension,
    ) -> Result<Vec<(Option<String>, GroupFigures)>, ApiError> {
        let db = &self.readers;
        // Independent reads, concurrently on the readers.
        let edge_tallies = edges.iter().map(|edge| store::insight_tallies(db, tenant, edge, filter, dim));
        let (tallies, mut histograms, edge_tallies, edge_durations) = tokio::try_join!(
            store::rollup::rollup_tallies(db, tenant, days, filter, dim),
            store::rollup::rollup_histograms(db, tenant, days, filter, dim),
            futures::future::try_join_all(edge_tallies),
            store::rollup::edge_durations(db, tenant, edges, filter, dim),
        )?;
        let mut tallies: BTreeMap<String, Tally> = tallies.into_iter().collect();
        for (value, tally) in edge_tallies.into_iter().flatten() {
            tallies.entry(value).or_default().add(&tally);
        }
        for f in &edge_durations {
            store::decode_group_value(&f.group_value, dim)?;
            let (first, resolution) = histograms.entry(f.group_value.clone()).or_default();
            for edge in edges {
                if edge.contains(f.first_response_at)
                    && let Some(d) = span(f.submitted_at, f.first_response_at)
                {
                    first.record(d, 1);
                }
                if edge.contains(f.resolved_at)
                    && let Some(d) = span(f.submitted_at, f.resolved_at)
                {
                    resolution.record(d, 1);
                }
            }
        }
        let mut total = (Histogram::default(), Histogram::default());
        for (first, resolution) in histograms.values() {
            total.0.merge(first, 1);
            total.1.merge(resolution, 1);
        }
        for value in histograms.keys() {
            tallies.entry(value.clone()).or_default();
        }
        let mut out: Vec<(Option<String>, GroupFigures)> = tallies
            .into_iter()
            .map(|(value, tally)| {
                let (first, resolution) = histograms.remove(&value).unwrap_or_default();
                let figures = GroupFigures {
                    tally,
                    first_response: rollup::percentiles(&first),
                    resolution: rollup::percentiles(&resolution),
                };
                (Some(value), figures)
            })
            .collect();
        out.push((
            None,
            GroupFigures {
                tally: Tally::default(),
                first_response: rollup::percentiles(&total.0),
                resolution: rollup::percentiles(&total.1),
            },
        ));
        Ok(out)
    }

    pub(crate) async fn get_insights(
        &self,
        caller: Caller,
        req: GetInsightsRequest,
    ) -> Result<GetInsightsResponse, ApiError> {
        let now = now();
        let mut w = domain::window(req.window.as_ref(), now)?;
        let size = redress_paging::page_size(req.page_size, 100, 1000)?;
        let mut v = Violations::new();
        let dim = Dimension::try_from(req.group_by).unwrap_or_else(|_| {
            v.add("group_by", "is not a known dimension");
            Dimension::Unspecified
        });
        v.text(&req.jurisdiction, "jurisdiction", false, 8);
        let filter = FactFilter {
            category: v.enum_filter::<ComplaintCategory>(req.category, "category").map(Stored),
            channel: v.enum_filter::<Channel>(req.channel, "channel").map(Stored),
            jurisdiction: Some(req.jurisdiction.trim().to_ascii_uppercase()).filter(|s| !s.is_empty()),
            by_fact_days: false,
        };
        v.into_result()?;
        let bound = filter_of(&req, |r| {
            r.page_size = 0;
            r.page_token.clear();
        });
        let offset = match self.page_tokens.decode::<Cursor>(&req.page_token, &caller.tenant, &bound)? {
            Some(cursor) => {
                w = cursor.window().unwrap_or(w);
                cursor.offset
            }
            None => 0,
        };
        let (total, groups) = self.insight_groups(&caller.tenant, &w, &filter, dim).await?;
        let (page, next) = domain::paginate(groups, offset, size);
        let next_page_token = next
            .map(|offset| self.page_tokens.encode(&caller.tenant, &bound, &Cursor::new(offset, &w)))
            .unwrap_or_default();
        Ok(GetInsightsResponse {
            window: Some(w.to_proto()),
            group_by: dim.into(),
            total: Some(total),
            groups: page,
            next_page_token,
            as_of_time: Some(domain::timestamp(now)),
        })
    }

    /// A read only: `spike_factor` shapes which clusters are flagged (and
    /// with `spikes_only`, listed); it never alerts anybody.
    pub(crate) async fn list_recurring_problems(
        &self,
        caller: Caller,
        req: ListRecurringProblemsRequest,
    ) -> Result<ListRecurringProblemsResponse, ApiError> {
        let tenant = caller.tenant.as_str();
        let now = now();
        let mut w = domain::window(req.window.as_ref(), now)?;
        let size = redress_paging::page_size(req.page_size, 50, 1000)?;
        let settings = self.config.tenant(tenant);
        let mut v = Violations::new();
        v.check(req.min_count < 0, "min_count", "must not be negative");
        v.check(
            req.spike_factor.is_nan() || (req.spike_factor != 0.0 && req.spike_factor < 1.0),
            "spike_factor",
            "must be 0 (the tenant setting) or at least 1",
        );
        v.check(ComplaintCategory::try_from(req.category).is_err(), "category", "is not a known category");
        let kind = ReferenceKind::try_from(req.reference_kind).unwrap_or_else(|_| {
            v.add("reference_kind", "is not a known reference kind");
            ReferenceKind::Unspecified
        });
        v.into_result()?;
        let (min_count, spike_factor) =
            recurring::thresholds(req.min_count, req.spike_factor, settings.recurring_min_count, settings.spike_factor);

        let bound = filter_of(&req, |r| {
            r.page_size = 0;
            r.page_token.clear();
        });
        let offset = match self.page_tokens.decode::<Cursor>(&req.page_token, tenant, &bound)? {
            Some(cursor) => {
                w = cursor.window().unwrap_or(w);
                cursor.offset
            }
            None => 0,
        };
        let previous = w.previous();
        let subs = store::submissions(&self.readers, tenant, previous.start, w.end).await?;
        let params = recurring::Params {
            window: w,
            previous,
            min_count: i64::from(min_count),
            spike_factor,
            category: (req.category != 0).then_some(req.category),
            reference_kind: (kind != ReferenceKind::Unspecified).then_some(kind),
            spikes_only: req.spikes_only,
        };
        let problems = recurring::clusters(&subs, &params);
        let (page, next) = domain::paginate(problems, offset, size);
        let next_page_token =
            next.map(|offset| self.page_tokens.encode(tenant, &bound, &Cursor::new(offset, &w))).unwrap_or_default();
        Ok(ListRecurringProblemsResponse {
            recurring_problems: page,
            next_page_token,
            window: Some(w.to_proto()),
            previous_window: Some(previous.to_proto()),
            min_count,
            spike_factor,
        })
    }
}
