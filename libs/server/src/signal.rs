//! Shutdown signals: the first SIGTERM or SIGINT starts a graceful shutdown;
//! a second one exits at once.

/// Waits for SIGTERM or SIGINT and returns its name. After it returns, a
/// second signal ends the process immediately with status 130.
pub async fn shutdown_signal() -> &'static str {
    let reason = wait_for_signal().await;
    tracing::info!(signal = reason, "shutting down; send the signal again to exit at once");
    tokio::spawn(async {
        let again = wait_for_signal().await;
        eprintln!("received {again} again; exiting now");
        std::process::exit(130);
    });
    reason
}

#[cfg(unix)]
async fn wait_for_signal() -> &'static str {
    use tokio::signal::unix::{SignalKind, signal};
    let (Ok(mut term), Ok(mut int)) = (signal(SignalKind::terminate()), signal(SignalKind::interrupt())) else {
        // Without signal handlers the process can only be killed; wait forever.
        return std::future::pending().await;
    };
    tokio::select! {
        _ = term.recv() => "SIGTERM",
        _ = int.recv() => "SIGINT",
    }
}

#[cfg(not(unix))]
async fn wait_for_signal() -> &'static str {
    let _ = tokio::signal::ctrl_c().await;
    "ctrl-c"
}
