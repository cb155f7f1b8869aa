//! Service binaries started as real child processes: their output kept in a
//! log file that every failure message quotes, killed when the test ends
//! however it ends, and waited on through `grpc.health.v1` rather than by
//! guessing when they are up.

use std::{
    collections::HashSet,
    net::SocketAddr,
    process::{Child, Command, ExitStatus, Stdio},
    sync::Mutex,
    time::Duration,
};

use tonic_health::pb::{HealthCheckRequest, health_check_response::ServingStatus, health_client::HealthClient};

/// A loopback address with a port nobody listens on, for a process or a peer
/// the test starts later. The port is released before it is returned, so
/// the kernel may hand it out again: every port this process has returned is
/// remembered and never returned twice, which keeps one test's processes
/// from colliding with each other.
pub fn free_port() -> SocketAddr {
    static GIVEN: Mutex<Option<HashSet<u16>>> = Mutex::new(None);
    loop {
        let addr = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .unwrap_or_else(|e| panic!("no free loopback port: {e}"));
        let mut given = GIVEN.lock().unwrap_or_else(|e| e.into_inner());
        if given.get_or_insert_with(HashSet::new).insert(addr.port()) {
            return addr;
        }
    }
}

/// A running service binary.
pub struct ServiceProcess {
    name: String,
    child: Child,
    log: tempfile::NamedTempFile,
}

impl ServiceProcess {
    /// Starts `command` with its stdout and stderr in a log file.
    pub fn spawn(mut command: Command) -> ServiceProcess {
        let name = command.get_program().to_string_lossy().rsplit('/').next().unwrap_or_default().to_string();
        let log = tempfile::NamedTempFile::new().unwrap_or_else(|e| panic!("log file for {name}: {e}"));
        let out = log.reopen().unwrap_or_else(|e| panic!("log file for {name}: {e}"));
        let err = log.reopen().unwrap_or_else(|e| panic!("log file for {name}: {e}"));
        let child = command
            .stdin(Stdio::null())
            .stdout(out)
            .stderr(err)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {name}: {e}"));
        ServiceProcess { name, child, log }
    }

    /// The process id (for signals).
    pub fn id(&self) -> u32 {
        self.child.id()
    }

    /// Everything the process has written so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.log.path()).unwrap_or_default()
    }

    /// The exit status, when the process has exited.
    pub fn exited(&mut self) -> Option<ExitStatus> {
        self.child.try_wait().ok().flatten()
    }

    /// Waits for the process to exit on its own.
    pub fn wait(&mut self) -> ExitStatus {
        self.child.wait().unwrap_or_else(|e| panic!("waiting for {}: {e}", self.name))
    }

    /// SIGKILL, as a crash would, and reaps the process.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// Waits until the process reports SERVING on `addr` (the overall health
    /// name: listening, database reachable and migrated). Panics with the
    /// exit status and the process's log when it exits first or `timeout`
    /// passes.
    pub async fn serving(&mut self, addr: SocketAddr, timeout: Duration) {
        let mut health = HealthClient::new(crate::channel(addr));
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            if let Some(status) = self.exited() {
                panic!("{} exited with {status} before serving on {addr}; its log:\n{}", self.name, self.log());
            }
            let check = tokio::time::timeout(
                Duration::from_secs(2),
                health.check(HealthCheckRequest { service: String::new() }),
            )
            .await;
            let last = match check {
                Ok(Ok(reply)) if reply.get_ref().status == ServingStatus::Serving as i32 => return,
                Ok(Ok(reply)) => format!("health status {}", reply.get_ref().status),
                Ok(Err(status)) => format!("{}: {}", status.code(), status.message()),
                Err(_) => "health check timed out".into(),
            };
            if tokio::time::Instant::now() >= deadline {
                panic!("{} not serving on {addr} after {timeout:?} ({last}); its log:\n{}", self.name, self.log());
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

impl Drop for ServiceProcess {
    fn drop(&mut self) {
        self.kill();
    }
}

/// A peer that accepts TCP connections and never writes a byte: a hung
/// service, collector or load balancer.
pub struct HungPeer {
    /// Where it listens.
    pub addr: SocketAddr,
    accepted: std::sync::Arc<std::sync::atomic::AtomicUsize>,
}

impl HungPeer {
    /// Starts listening on a free loopback port.
    pub async fn start() -> HungPeer {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap_or_else(|e| panic!("hung peer: {e}"));
        let addr = listener.local_addr().unwrap_or_else(|e| panic!("hung peer: {e}"));
        let accepted = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let count = std::sync::Arc::clone(&accepted);
        tokio::spawn(async move {
            let mut held = Vec::new();
            while let Ok((stream, _)) = listener.accept().await {
                count.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                held.push(stream);
            }
        });
        HungPeer { addr, accepted }
    }

    /// How many connections it has accepted.
    pub fn accepted(&self) -> usize {
        self.accepted.load(std::sync::atomic::Ordering::SeqCst)
    }
}
