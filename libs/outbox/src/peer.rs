//! Peer addresses and the channels the relay calls them over.
//!
//! A peer is either one address (`http://resolution:50051`: one HTTP/2
//! connection, which a Kubernetes ClusterIP Service pins to ONE pod) or a DNS
//! name whose every address is a replica (`dns:///resolution-headless:50051`,
//! the headless Service): the relay then resolves the name periodically,
//! connects to every address and balances calls over them (tower's
//! power-of-two-choices balancer inside tonic), adding and dropping replicas
//! as pods come and go.

use std::{collections::HashSet, net::SocketAddr, sync::Arc, time::Duration};

use futures::future::BoxFuture;

use tokio::sync::mpsc::Sender;
use tonic::transport::{Channel, Endpoint, channel::Change};

/// A peer's address, as configured in `outbox.peers.<name>.url`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PeerAddress {
    /// `http://host:port` or `https://host:port`: one connection.
    Direct(String),
    /// `dns:///host:port`: every address the name resolves to, balanced.
    Dns {
        /// The name to resolve.
        host: String,
        /// The port every replica listens on.
        port: u16,
    },
}

impl PeerAddress {
    /// Parses a peer URL; the error says what a valid one looks like.
    pub fn parse(url: &str) -> Result<Self, String> {
        if let Some(rest) = url.strip_prefix("dns:") {
            // `dns:///host:port`, or `dns://authority/host:port` whose DNS
            // server authority is ignored: the system resolver is used.
            let target = rest.strip_prefix("//").map_or(rest, |r| r.split_once('/').map_or("", |(_, t)| t));
            let (host, port) = target
                .rsplit_once(':')
                .ok_or_else(|| format!("{url:?}: a dns URL needs a port, e.g. dns:///resolution-headless:50051"))?;
            let port = port.parse::<u16>().map_err(|_| format!("{url:?}: the port must be a number"))?;
            if host.is_empty() || port == 0 {
                return Err(format!("{url:?}: expected dns:///<host>:<port>"));
            }
            return Ok(Self::Dns { host: host.trim_matches(['[', ']']).to_owned(), port });
        }
        let uri: http::Uri = url.parse().map_err(|e| format!("{url:?}: {e}"))?;
        match (uri.scheme_str(), uri.host()) {
            (Some("http" | "https"), Some(_)) => Ok(Self::Direct(url.to_owned())),
            _ => Err(format!(
                "{url:?}: expected http://<host>:<port>, https://<host>:<port> or dns:///<host>:<port> (balanced)"
            )),
        }
    }

    /// A lazily connecting channel to the peer. For a DNS peer this spawns
    /// the resolver loop (the system resolver), which ends when the channel
    /// is dropped.
    pub fn channel(&self, connect_timeout: Duration, refresh: Duration) -> Result<Channel, String> {
        self.channel_with(Arc::new(SystemResolver), connect_timeout, refresh)
    }

    /// Like [`PeerAddress::channel`], resolving DNS peers with `resolver`.
    pub fn channel_with(
        &self,
        resolver: Arc<dyn Resolve>,
        connect_timeout: Duration,
        refresh: Duration,
    ) -> Result<Channel, String> {
        match self {
            Self::Direct(url) => Ok(endpoint(url, connect_timeout)?.connect_lazy()),
            Self::Dns { host, port } => {
                let (channel, changes) = Channel::balance_channel::<SocketAddr>(64);
                tokio::spawn(resolve_loop(resolver, host.clone(), *port, changes, connect_timeout, refresh));
                Ok(channel)
            }
        }
    }
}

/// Where the addresses of a DNS peer come from.
pub trait Resolve: Send + Sync + 'static {
    /// Every address `host` has now, each with `port`.
    fn resolve<'a>(&'a self, host: &'a str, port: u16) -> BoxFuture<'a, std::io::Result<Vec<SocketAddr>>>;
}

/// The operating system's resolver (`getaddrinfo`): in Kubernetes, one A/AAAA
/// record per ready pod of a headless Service.
pub struct SystemResolver;

impl Resolve for SystemResolver {
    fn resolve<'a>(&'a self, host: &'a str, port: u16) -> BoxFuture<'a, std::io::Result<Vec<SocketAddr>>> {
        Box::pin(async move { tokio::net::lookup_host((host, port)).await.map(Iterator::collect) })
    }
}

fn endpoint(url: &str, connect_timeout: Duration) -> Result<Endpoint, String> {
    Ok(Endpoint::from_shared(url.to_owned())
        .map_err(|e| format!("{url:?}: {e}"))?
        .connect_timeout(connect_timeout)
        .tcp_nodelay(true))
}

/// Keeps the balancer's set of replicas equal to what `host` resolves to.
/// A failed lookup keeps the last known set (a resolver hiccup must not take
/// every replica away).
async fn resolve_loop(
    resolver: Arc<dyn Resolve>,
    host: String,
    port: u16,
    changes: Sender<Change<SocketAddr, Endpoint>>,
    connect_timeout: Duration,
    refresh: Duration,
) {
    let mut current: HashSet<SocketAddr> = HashSet::new();
    loop {
        match resolver.resolve(&host, port).await {
            Ok(addrs) => {
                let found: HashSet<SocketAddr> = addrs.into_iter().collect();
                for gone in current.difference(&found) {
                    tracing::info!(peer = %host, addr = %gone, "peer replica gone");
                    if changes.send(Change::Remove(*gone)).await.is_err() {
                        return;
                    }
                }
                for new in found.difference(&current) {
                    let Ok(endpoint) = endpoint(&format!("http://{new}"), connect_timeout) else { continue };
                    tracing::info!(peer = %host, addr = %new, "peer replica found");
                    if changes.send(Change::Insert(*new, endpoint)).await.is_err() {
                        return;
                    }
                }
                current = found;
            }
            Err(err) => {
                tracing::warn!(peer = %host, error = %err, "peer name does not resolve; keeping known replicas")
            }
        }
        tokio::select! {
            () = changes.closed() => return,
            () = tokio::time::sleep(refresh) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn peer_urls_parse_or_say_what_is_expected() {
        assert_eq!(
            PeerAddress::parse("dns:///resolution-headless:50051"),
            Ok(PeerAddress::Dns { host: "resolution-headless".into(), port: 50051 })
        );
        assert_eq!(
            PeerAddress::parse("dns://10.0.0.10/intake-headless.redress.svc:7"),
            Ok(PeerAddress::Dns { host: "intake-headless.redress.svc".into(), port: 7 })
        );
        assert_eq!(
            PeerAddress::parse("http://resolution:50051"),
            Ok(PeerAddress::Direct("http://resolution:50051".into()))
        );
        for bad in ["resolution:50051", "dns:///resolution", "dns:///:50051", "ftp://x:1", "http://", "dns:///a:b"] {
            let err = PeerAddress::parse(bad).unwrap_err();
            assert!(err.contains(bad), "{bad}: {err}");
        }
    }
}
