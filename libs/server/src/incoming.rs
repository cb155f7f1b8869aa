//! Accepted connections, guarded before tonic sees them: a connection whose
//! HTTP/2 preface does not arrive within the handshake timeout is dropped
//! (half a preface otherwise held a socket forever), and at most
//! `max_connections` are open at once (more are closed at accept), so file
//! descriptors cannot be exhausted by idle or slow clients.

use std::{
    io,
    pin::Pin,
    sync::{
        Arc,
        atomic::{AtomicUsize, Ordering},
    },
    task::{Context, Poll},
    time::Duration,
};

use tokio::{
    io::{AsyncRead, AsyncWrite, ReadBuf},
    net::{TcpListener, TcpStream},
    sync::mpsc,
};
use tonic::transport::server::{Connected, TcpConnectInfo};

/// The client connection preface every HTTP/2 connection starts with.
const PREFACE: &[u8; 24] = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";

/// An accepted connection that counts itself out when closed.
#[derive(Debug)]
pub struct GuardedStream {
    inner: TcpStream,
    open: Arc<AtomicUsize>,
}

impl Drop for GuardedStream {
    fn drop(&mut self) {
        self.open.fetch_sub(1, Ordering::AcqRel);
    }
}

impl Connected for GuardedStream {
    type ConnectInfo = TcpConnectInfo;
    fn connect_info(&self) -> Self::ConnectInfo {
        self.inner.connect_info()
    }
}

impl AsyncRead for GuardedStream {
    fn poll_read(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl AsyncWrite for GuardedStream {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }
    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }
    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write_vectored(cx, bufs)
    }
    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }
}

/// Limits on accepted connections.
#[derive(Debug, Clone, Copy)]
pub struct Guard {
    /// Time for the 24-byte HTTP/2 preface to arrive.
    pub handshake_timeout: Duration,
    /// Connections open at once.
    pub max_connections: usize,
}

/// Accepts on `listener` in the background; connections that pass the guard
/// come out of the returned stream. The accept task ends when the stream is
/// dropped.
pub fn guarded(
    listener: TcpListener,
    guard: Guard,
) -> tokio_stream::wrappers::ReceiverStream<io::Result<GuardedStream>> {
    let (tx, rx) = mpsc::channel::<io::Result<GuardedStream>>(64);
    let open = Arc::new(AtomicUsize::new(0));
    tokio::spawn(async move {
        loop {
            let (stream, peer) = tokio::select! {
                accepted = listener.accept() => match accepted {
                    Ok(pair) => pair,
                    Err(err) => {
                        // EMFILE and friends: back off a little instead of spinning.
                        tracing::warn!(error = %err, "accept failed");
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        continue;
                    }
                },
                () = tx.closed() => return,
            };
            if open.fetch_add(1, Ordering::AcqRel) >= guard.max_connections {
                open.fetch_sub(1, Ordering::AcqRel);
                tracing::warn!(%peer, max = guard.max_connections, "connection limit reached; closing a new connection");
                drop(stream);
                continue;
            }
            // Without nodelay every unary reply waited ~40 ms for a delayed ACK.
            let _ = stream.set_nodelay(true);
            let guarded = GuardedStream { inner: stream, open: Arc::clone(&open) };
            let tx = tx.clone();
            tokio::spawn(async move {
                match tokio::time::timeout(guard.handshake_timeout, preface(&guarded.inner)).await {
                    Ok(Ok(true)) => {
                        let _ = tx.send(Ok(guarded)).await;
                    }
                    Ok(Ok(false)) => tracing::debug!(%peer, "not an http/2 client; closing"),
                    Ok(Err(err)) => tracing::debug!(%peer, error = %err, "connection failed before its preface"),
                    Err(_) => tracing::info!(%peer, "no http/2 preface within the handshake timeout; closing"),
                }
            });
        }
    });
    tokio_stream::wrappers::ReceiverStream::new(rx)
}

/// Waits (without consuming) until the preface has arrived; false when the
/// peer sends something else or closes first.
async fn preface(stream: &TcpStream) -> io::Result<bool> {
    let mut buf = [0u8; 24];
    loop {
        let n = stream.peek(&mut buf).await?;
        if n == 0 || buf[..n] != PREFACE[..n] {
            return Ok(false);
        }
        if n == PREFACE.len() {
            return Ok(true);
        }
        // Part of the preface is here: wait for more bytes to arrive.
        stream.readable().await?;
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}
