//! `redress queues`: the tenant's queues (routing rules, assignment mode,
//! load) and the agents of automatic assignment, through `redress-sdk`:
//! list, get, create, update, delete, set-availability and agents.

use anyhow::Context;
use clap::{Args, Subcommand};
use futures::{StreamExt, TryStreamExt};
use redress_sdk::{
    new_request_id,
    proto::{
        common::v1::{Channel, ComplaintCategory},
        resolution::v1::{
            Agent, CreateQueueRequest, DeleteQueueRequest, Queue, QueueStats, RoutingRule, SetAgentAvailabilityRequest,
            UpdateQueueRequest, queue::AssignmentMode,
        },
    },
};
use serde_json::json;

use crate::remote::{Record, Remote, exit, format_time, parse_enum, render_list, render_one};

/// Arguments of `redress queues`.
#[derive(Debug, Args)]
pub struct QueuesArgs {
    #[command(subcommand)]
    command: QueuesCommand,
    #[command(flatten)]
    remote: Remote,
}

#[derive(Debug, Subcommand)]
enum QueuesCommand {
    /// Lists the tenant's queues in routing order, with their load.
    List(ListArgs),
    /// Shows one queue with its load.
    Get(NameArg),
    /// Defines a queue; the rule flags make its one routing rule (none: a
    /// catch-all).
    Create(CreateArgs),
    /// Changes a queue's display name, priority or assignment mode.
    Update(UpdateArgs),
    /// Deletes a queue that holds no open case.
    Delete(EtagArgs),
    /// Sets an agent's availability, capacity and queues (yours by default).
    SetAvailability(AvailabilityArgs),
    /// Lists the agents of automatic assignment with their open cases.
    Agents(AgentsArgs),
}

#[derive(Debug, Args)]
struct ListArgs {
    /// At most this many queues.
    #[arg(long, default_value_t = 100)]
    limit: usize,
}

#[derive(Debug, Args)]
struct NameArg {
    /// The queue, `queues/{id}` (a bare id works too).
    #[arg(value_name = "QUEUE")]
    name: String,
}

#[derive(Debug, Args)]
struct EtagArgs {
    /// The queue, `queues/{id}` (a bare id works too).
    #[arg(value_name = "QUEUE")]
    name: String,
    /// Fail if the queue changed since this etag was read.
    #[arg(long, default_value = "")]
    etag: String,
}

#[derive(Debug, Args)]
struct CreateArgs {
    /// The queue id: lowercase letters, digits and hyphens, e.g. malta-bonus.
    #[arg(value_name = "ID")]
    id: String,
    /// A title shown to staff.
    #[arg(long, default_value = "")]
    display_name: String,
    /// Routing order: smaller first.
    #[arg(long, default_value_t = 100)]
    priority: i32,
    /// none, round-robin or least-loaded.
    #[arg(long, default_value = "none")]
    mode: String,
    /// Rule: these categories, e.g. bonus (repeat or comma-separate).
    #[arg(long = "category", value_delimiter = ',')]
    categories: Vec<String>,
    /// Rule: these jurisdictions, e.g. MT (repeat or comma-separate).
    #[arg(long = "jurisdiction", value_delimiter = ',')]
    jurisdictions: Vec<String>,
    /// Rule: only cases with (true) or without (false) the
    /// responsible-gambling flag.
    #[arg(long)]
    responsible_gambling: Option<bool>,
    /// The rule routes escalations only (EscalateCase without a queue, and
    /// breaches), never new or recategorised cases.
    #[arg(long)]
    escalations: bool,
    /// Rule: player language prefixes, e.g. pt (repeat or comma-separate).
    #[arg(long = "language", value_delimiter = ',')]
    languages: Vec<String>,
    /// Rule: these channels, e.g. live-chat (repeat or comma-separate).
    #[arg(long = "channel", value_delimiter = ',')]
    channels: Vec<String>,
    /// Supervisors' e-mail addresses or ids (repeat or comma-separate).
    #[arg(long = "supervisor", value_delimiter = ',')]
    supervisors: Vec<String>,
}

#[derive(Debug, Args)]
struct UpdateArgs {
    #[command(flatten)]
    target: EtagArgs,
    /// A new title.
    #[arg(long)]
    display_name: Option<String>,
    /// A new routing priority.
    #[arg(long)]
    priority: Option<i32>,
    /// A new assignment mode: none, round-robin or least-loaded.
    #[arg(long)]
    mode: Option<String>,
}

#[derive(Debug, Args)]
struct AvailabilityArgs {
    /// The agent's id; default: the token's subject.
    #[arg(long, default_value = "")]
    agent: String,
    /// Stop taking new cases automatically.
    #[arg(long)]
    unavailable: bool,
    /// The most open assigned cases to take automatically.
    #[arg(long, default_value_t = 10)]
    capacity: i32,
    /// The queues worked (repeat or comma-separate); replaces the list.
    #[arg(long = "queue", value_delimiter = ',')]
    queues: Vec<String>,
}

#[derive(Debug, Args)]
struct AgentsArgs {
    /// Only the agents of this queue.
    #[arg(long, default_value = "")]
    queue: String,
    /// At most this many agents.
    #[arg(long, default_value_t = 100)]
    limit: usize,
}

fn queue_name(arg: &str) -> String {
    let arg = arg.trim();
    if arg.starts_with("queues/") { arg.to_owned() } else { format!("queues/{arg}") }
}

fn mode(text: &str) -> anyhow::Result<i32> {
    Ok(parse_enum(text, "ASSIGNMENT_MODE_", AssignmentMode::from_str_name)?.into())
}

/// Runs a queues subcommand.
pub async fn run(args: QueuesArgs) -> anyhow::Result<u8> {
    let (text, code) = execute(&args).await?;
    print!("{text}");
    Ok(code)
}

/// Runs a subcommand and returns what it prints and its exit code.
pub async fn execute(args: &QueuesArgs) -> anyhow::Result<(String, u8)> {
    let output = args.remote.output;
    let client = args.remote.client()?.resolution();
    let text = match &args.command {
        QueuesCommand::List(l) => {
            let all: Vec<(Queue, QueueStats)> =
                client.list_queues().take(l.limit).try_collect().await.context("ListQueues")?;
            let rows: Vec<Record> = all.iter().map(|(q, stats)| queue_record(q, Some(*stats))).collect();
            render_list(output, &rows)
        }
        QueuesCommand::Get(g) => {
            let (queue, stats) = client.get_queue(&queue_name(&g.name)).await.context("GetQueue")?;
            render_one(output, &queue_record(&queue, Some(stats)))
        }
        QueuesCommand::Create(c) => {
            let categories = c
                .categories
                .iter()
                .map(|n| parse_enum(n, "COMPLAINT_CATEGORY_", ComplaintCategory::from_str_name).map(i32::from))
                .collect::<anyhow::Result<Vec<_>>>()?;
            let channels = c
                .channels
                .iter()
                .map(|n| parse_enum(n, "CHANNEL_", Channel::from_str_name).map(i32::from))
                .collect::<anyhow::Result<Vec<_>>>()?;
            let rule = RoutingRule {
                categories,
                jurisdictions: c.jurisdictions.clone(),
                responsible_gambling: c.responsible_gambling,
                language_prefixes: c.languages.clone(),
                channels,
                escalated: c.escalations.then_some(true),
            };
            let rules = if rule == RoutingRule::default() { Vec::new() } else { vec![rule] };
            let request = CreateQueueRequest {
                request_id: new_request_id(),
                queue_id: c.id.clone(),
                queue: Some(Queue {
                    display_name: c.display_name.clone(),
                    priority: c.priority,
                    rules,
                    supervisors: c.supervisors.clone(),
                    assignment_mode: mode(&c.mode)?,
                    ..Default::default()
                }),
            };
            let created = client.create_queue(request).await.context("CreateQueue")?;
            render_one(output, &queue_record(&created, None))
        }
        QueuesCommand::Update(u) => {
            let mut paths = Vec::new();
            let mut queue = Queue { name: queue_name(&u.target.name), ..Default::default() };
            if let Some(display_name) = &u.display_name {
                queue.display_name = display_name.clone();
                paths.push("display_name".to_owned());
            }
            if let Some(priority) = u.priority {
                queue.priority = priority;
                paths.push("priority".to_owned());
            }
            if let Some(m) = &u.mode {
                queue.assignment_mode = mode(m)?;
                paths.push("assignment_mode".to_owned());
            }
            if paths.is_empty() {
                anyhow::bail!("nothing to change: give --display-name, --priority or --mode");
            }
            let request = UpdateQueueRequest {
                queue: Some(queue),
                update_mask: Some(prost_types::FieldMask { paths }),
                etag: u.target.etag.clone(),
            };
            let updated = client.update_queue(request).await.context("UpdateQueue")?;
            render_one(output, &queue_record(&updated, None))
        }
        QueuesCommand::Delete(d) => {
            let name = queue_name(&d.name);
            let request = DeleteQueueRequest { name: name.clone(), etag: d.etag.clone() };
            client.delete_queue(request).await.context("DeleteQueue")?;
            render_one(output, &vec![("deleted", json!(name))])
        }
        QueuesCommand::SetAvailability(a) => {
            let request = SetAgentAvailabilityRequest {
                agent: if a.agent.is_empty() { String::new() } else { format!("agents/{}", a.agent) },
                available: !a.unavailable,
                capacity: a.capacity,
                queues: a.queues.iter().filter(|q| !q.trim().is_empty()).map(|q| queue_name(q)).collect(),
            };
            let set = client.set_agent_availability(request).await.context("SetAgentAvailability")?;
            render_one(output, &agent_record(&set))
        }
        QueuesCommand::Agents(a) => {
            let queue = if a.queue.is_empty() { String::new() } else { queue_name(&a.queue) };
            let agents: Vec<Agent> =
                client.list_agents(&queue).take(a.limit).try_collect().await.context("ListAgents")?;
            render_list(output, &agents.iter().map(agent_record).collect::<Vec<_>>())
        }
    };
    Ok((text, exit::OK))
}

/// A queue (with its load, when read) as a row.
fn queue_record(q: &Queue, stats: Option<QueueStats>) -> Record {
    let stats = stats.unwrap_or_default();
    let mode = q.assignment_mode().as_str_name().trim_start_matches("ASSIGNMENT_MODE_").to_lowercase();
    vec![
        ("name", json!(q.name)),
        ("display_name", json!(q.display_name)),
        ("priority", json!(q.priority)),
        ("rules", json!(q.rules.len())),
        ("mode", json!(mode)),
        ("open", json!(stats.open_cases)),
        ("unassigned", json!(stats.unassigned_cases)),
        ("breach_risk", json!(stats.breach_risk_cases)),
        ("oldest_due", json!(format_time(stats.oldest_due_time.as_ref()))),
        ("etag", json!(q.etag)),
    ]
}

/// An agent as a row.
fn agent_record(a: &Agent) -> Record {
    vec![
        ("name", json!(a.name)),
        ("available", json!(a.available)),
        ("capacity", json!(a.capacity)),
        ("open", json!(a.open_assigned_cases)),
        ("queues", json!(a.queues.join(","))),
    ]
}
