//! `redress-feedback`: the feedback service as its own process (one Kubernetes
//! workload). `serve` (the default) runs it; `migrate` applies the schema and
//! exits (for a Kubernetes Job that runs once per rollout).

fn main() -> std::process::ExitCode {
    redress_service::main::<redress_feedback::Feedback>()
}
