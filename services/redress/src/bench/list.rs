//! `redress bench list-complaints` and `list-cases`: one List page per
//! request, closed loop.
//!
//! `--filter key=value` (repeatable, combined) sets the request's filters;
//! enum values take their short names (`category=bonus`, `channel=live_chat`,
//! `state=in_progress`). Each worker follows the page tokens for `--pages`
//! pages and then starts from the first page again, so `--pages 1` measures
//! first pages and a larger value deep pages too. Every page is one request
//! in the figures.

use anyhow::{Context, bail};
use clap::Args;
use redress_sdk::{
    CaseName, Client,
    proto::{
        common::v1::{Channel, ComplaintCategory, ComplaintStatus},
        intake::v1::{ListComplaintsRequest, intake_service_client::IntakeServiceClient},
        resolution::v1::{ListCasesRequest, case::State, resolution_service_client::ResolutionServiceClient},
    },
};
use tonic::transport::Channel as GrpcChannel;

use super::{Call, LoadArgs, check_reachable, closed_loop};
use crate::remote::parse_enum;

/// Arguments of `redress bench list-complaints` and `list-cases`.
#[derive(Debug, Args)]
pub struct ListArgs {
    #[command(flatten)]
    load: LoadArgs,
    /// A filter, `key=value`; repeat to combine. ListComplaints: status,
    /// category, channel, jurisdiction, player. ListCases: state, category,
    /// jurisdiction, player, assignee, unassigned, queue, follow-up.
    #[arg(long = "filter", value_name = "KEY=VALUE")]
    filters: Vec<String>,
    /// Items per page.
    #[arg(long, default_value_t = 50, value_parser = clap::value_parser!(i32).range(1..=1000))]
    page_size: i32,
    /// Pages each worker follows before it starts from the first again.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u64).range(1..))]
    pages: u64,
}

fn split(filter: &str) -> anyhow::Result<(&str, &str)> {
    filter
        .split_once('=')
        .map(|(k, v)| (k.trim(), v.trim()))
        .with_context(|| format!("--filter {filter:?}: want key=value"))
}

fn category(value: &str) -> anyhow::Result<i32> {
    parse_enum(value, "COMPLAINT_CATEGORY_", ComplaintCategory::from_str_name).map(i32::from)
}

fn boolean(value: &str) -> anyhow::Result<bool> {
    match value {
        "true" | "yes" | "1" => Ok(true),
        "false" | "no" | "0" => Ok(false),
        _ => bail!("want true or false, got {value:?}"),
    }
}

/// A ListComplaints request with the filters of `--filter`.
pub(crate) fn complaints_request(filters: &[String], page_size: i32) -> anyhow::Result<ListComplaintsRequest> {
    let mut request = ListComplaintsRequest { page_size, ..Default::default() };
    for filter in filters {
        let (key, value) = split(filter)?;
        let context = || format!("--filter {filter}");
        match key {
            "status" => {
                request.status = parse_enum(value, "COMPLAINT_STATUS_", ComplaintStatus::from_str_name)
                    .map(i32::from)
                    .with_context(context)?
            }
            "category" => request.category = category(value).with_context(context)?,
            "channel" => {
                request.channel =
                    parse_enum(value, "CHANNEL_", Channel::from_str_name).map(i32::from).with_context(context)?
            }
            "jurisdiction" => request.jurisdiction = value.to_owned(),
            "player" | "player_id" => request.player_id = value.to_owned(),
            _ => bail!("--filter {filter}: ListComplaints has no filter {key:?}"),
        }
    }
    Ok(request)
}

/// A ListCases request with the filters of `--filter`.
pub(crate) fn cases_request(filters: &[String], page_size: i32) -> anyhow::Result<ListCasesRequest> {
    let mut request = ListCasesRequest { page_size, ..Default::default() };
    for filter in filters {
        let (key, value) = split(filter)?;
        let context = || format!("--filter {filter}");
        match key {
            "state" => request
                .states
                .push(parse_enum(value, "STATE_", State::from_str_name).map(i32::from).with_context(context)?),
            "category" => request.categories.push(category(value).with_context(context)?),
            "jurisdiction" => request.jurisdiction = value.to_owned(),
            "player" | "player_id" => request.player_id = value.to_owned(),
            "assignee" => request.assignee = value.to_owned(),
            "unassigned" => request.unassigned = boolean(value).with_context(context)?,
            "queue" => request.queue = value.to_owned(),
            "follow-up" | "follow_up" | "follow_up_pending" => {
                request.follow_up_pending = Some(boolean(value).with_context(context)?)
            }
            _ => bail!("--filter {filter}: ListCases has no filter {key:?}"),
        }
    }
    Ok(request)
}

/// Pages through one list: the request, the token of the next page, and
/// how many pages of the current walk were read.
struct Walk<R> {
    first: R,
    token: String,
    page: u64,
    pages: u64,
}

impl<R: Clone> Walk<R> {
    fn new(first: R, pages: u64) -> Self {
        Self { first, token: String::new(), page: 0, pages }
    }

    /// The next request: the next page, or the first after the last.
    fn next(&mut self, set_token: impl FnOnce(&mut R, String)) -> R {
        if self.page >= self.pages {
            self.page = 0;
            self.token.clear();
        }
        let mut request = self.first.clone();
        set_token(&mut request, std::mem::take(&mut self.token));
        request
    }

    /// Takes the answer's next token; an empty one ends the walk.
    fn answered(&mut self, next_page_token: String) {
        self.page = if next_page_token.is_empty() { self.pages } else { self.page + 1 };
        self.token = next_page_token;
    }
}

struct ComplaintsCall {
    client: Client,
    raw: IntakeServiceClient<GrpcChannel>,
    walk: Walk<ListComplaintsRequest>,
}

impl Call for ComplaintsCall {
    async fn call(&mut self, _: u64) -> Result<(), redress_sdk::Error> {
        let request = self.walk.next(|r, t| r.page_token = t);
        let request = self.client.request(request).await?;
        let page = self.raw.list_complaints(request).await?.into_inner();
        self.walk.answered(page.next_page_token);
        Ok(())
    }
}

struct CasesCall {
    client: Client,
    raw: ResolutionServiceClient<GrpcChannel>,
    walk: Walk<ListCasesRequest>,
}

impl Call for CasesCall {
    async fn call(&mut self, _: u64) -> Result<(), redress_sdk::Error> {
        let request = self.walk.next(|r, t| r.page_token = t);
        let request = self.client.request(request).await?;
        let page = self.raw.list_cases(request).await?.into_inner();
        self.walk.answered(page.next_page_token);
        Ok(())
    }
}

fn announce(what: &str, target: &str, args: &ListArgs, connections: usize) {
    let load = &args.load;
    println!(
        "bench {what} → {target}: filters [{}], page size {}, {} page(s) per walk, concurrency {}, {connections} \
         connection(s), warm-up {} s, measuring {} s",
        args.filters.join(", "),
        args.page_size,
        args.pages,
        load.concurrency,
        load.warmup_secs,
        load.duration_secs
    );
}

/// `redress bench list-complaints`.
pub async fn complaints(args: ListArgs) -> anyhow::Result<()> {
    let first = complaints_request(&args.filters, args.page_size)?;
    let (target, clients) = args.load.clients()?;
    let mut calls = Vec::new();
    for i in 0..args.load.concurrency as usize {
        let client = clients[i % clients.len()].clone();
        let raw = client.intake().raw()?;
        calls.push(ComplaintsCall { client, raw, walk: Walk::new(first.clone(), args.pages) });
    }
    if let Some(call) = calls.first_mut() {
        // The first page itself: proves the service, the token and the filters.
        check_reachable(&target, call.call(0)).await?;
        call.walk = Walk::new(first.clone(), args.pages);
    }
    announce("list-complaints", &target, &args, clients.len());
    closed_loop(&args.load, calls).await
}

/// `redress bench list-cases`.
pub async fn cases(args: ListArgs) -> anyhow::Result<()> {
    let first = cases_request(&args.filters, args.page_size)?;
    let (target, clients) = args.load.clients()?;
    if let Some(client) = clients.first() {
        let probe = CaseName::from_id("bench-probe")?;
        check_reachable(&target, async { client.resolution().get_case(&probe).await.map(|_| ()) }).await?;
    }
    let mut calls = Vec::new();
    for i in 0..args.load.concurrency as usize {
        let client = clients[i % clients.len()].clone();
        let raw = client.resolution().raw()?;
        calls.push(CasesCall { client, raw, walk: Walk::new(first.clone(), args.pages) });
    }
    announce("list-cases", &target, &args, clients.len());
    closed_loop(&args.load, calls).await
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn filters_become_request_fields() {
        let f = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let r = complaints_request(&f(&["category=bonus", "channel=live_chat", "jurisdiction=GB", "player=p-1"]), 50)
            .unwrap();
        assert_eq!(r.category, ComplaintCategory::Bonus as i32);
        assert_eq!(r.channel, Channel::LiveChat as i32);
        assert_eq!((r.jurisdiction.as_str(), r.player_id.as_str(), r.page_size), ("GB", "p-1", 50));
        assert!(complaints_request(&f(&["queue=x"]), 50).is_err());
        assert!(complaints_request(&f(&["category=nope"]), 50).is_err());

        let r = cases_request(&f(&["category=deposit", "queue=payments", "follow-up=true", "assignee=a"]), 10).unwrap();
        assert_eq!(r.categories, [ComplaintCategory::Deposit as i32]);
        assert_eq!((r.queue.as_str(), r.assignee.as_str(), r.follow_up_pending), ("payments", "a", Some(true)));
        assert!(cases_request(&f(&["channel=email"]), 10).is_err());
    }

    #[test]
    fn a_walk_follows_tokens_for_its_pages_then_starts_again() {
        let mut walk = Walk::new(String::new(), 2);
        let set = |r: &mut String, t: String| *r = t;
        assert_eq!(walk.next(set), "");
        walk.answered("t1".into());
        assert_eq!(walk.next(set), "t1");
        walk.answered("t2".into());
        assert_eq!(walk.next(set), "", "two pages walked");
        walk.answered(String::new());
        assert_eq!(walk.next(set), "", "the last page ends the walk");
    }
}
