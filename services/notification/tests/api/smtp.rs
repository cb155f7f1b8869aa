//! A small but real SMTP server (RFC 5321: EHLO/HELO, MAIL, RCPT, DATA with
//! dot-unstuffing, RSET, NOOP, QUIT) that keeps what it accepts, and can be
//! told to refuse or to stall before answering the data.

use std::{
    net::SocketAddr,
    sync::{Arc, Mutex},
    time::Duration,
};

use tokio::{
    io::{AsyncBufReadExt, AsyncWriteExt, BufReader},
    net::TcpListener,
};

/// How the server answers the end of a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// 250 and keep it.
    Accept,
    /// 451: try again later.
    Transient,
    /// 550: mailbox unavailable.
    Permanent,
    /// Never answer (the message is not kept).
    Stall,
    /// Keep the message but never answer: the client cannot know it was
    /// accepted (the at-least-once window).
    KeepAndStall,
    /// 250 and keep it, then close the session (a relay dropping a client).
    AcceptAndHangUp,
}

/// One accepted message.
#[derive(Debug, Clone)]
pub struct Received {
    pub mail_from: String,
    pub rcpt_to: Vec<String>,
    /// The message bytes as sent: dot-unstuffed, without the terminating
    /// CRLF "." CRLF.
    pub data: Vec<u8>,
}

impl Received {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.data).into_owned()
    }

    /// The header section.
    pub fn headers(&self) -> String {
        self.text().split("\r\n\r\n").next().unwrap_or_default().to_owned()
    }

    pub fn message_id(&self) -> String {
        self.headers().lines().find_map(|l| l.strip_prefix("Message-ID: ")).map(str::to_owned).unwrap_or_default()
    }
}

#[derive(Default)]
struct State {
    mode: Option<Mode>,
    received: Vec<Received>,
    stalled: usize,
    sessions: usize,
}

/// A running SMTP server.
#[derive(Clone)]
pub struct SmtpServer {
    pub addr: SocketAddr,
    state: Arc<Mutex<State>>,
}

impl SmtpServer {
    /// Listens on `addr` (port 0 for any).
    pub async fn start(addr: SocketAddr) -> SmtpServer {
        let listener = TcpListener::bind(addr).await.unwrap();
        let addr = listener.local_addr().unwrap();
        let state = Arc::new(Mutex::new(State { mode: Some(Mode::Accept), ..State::default() }));
        let shared = Arc::clone(&state);
        tokio::spawn(async move {
            let mut queue = 0u64;
            while let Ok((stream, _)) = listener.accept().await {
                queue += 1;
                shared.lock().unwrap().sessions += 1;
                tokio::spawn(session(stream, Arc::clone(&shared), queue));
            }
        });
        SmtpServer { addr, state }
    }

    pub fn set_mode(&self, mode: Mode) {
        self.state.lock().unwrap().mode = Some(mode);
    }

    pub fn received(&self) -> Vec<Received> {
        self.state.lock().unwrap().received.clone()
    }

    pub fn stalled(&self) -> usize {
        self.state.lock().unwrap().stalled
    }

    /// SMTP sessions (connections) accepted so far.
    pub fn sessions(&self) -> usize {
        self.state.lock().unwrap().sessions
    }
}

async fn session(stream: tokio::net::TcpStream, state: Arc<Mutex<State>>, queue: u64) {
    let (read, mut write) = stream.into_split();
    let mut reader = BufReader::new(read);
    let mut mail_from = String::new();
    let mut rcpt_to = Vec::new();
    if write.write_all(b"220 test.local ESMTP ready\r\n").await.is_err() {
        return;
    }
    loop {
        let mut line = Vec::new();
        match reader.read_until(b'\n', &mut line).await {
            Ok(0) | Err(_) => return,
            Ok(_) => {}
        }
        let text = String::from_utf8_lossy(&line).trim_end().to_owned();
        let verb = text.split([' ', ':']).next().unwrap_or_default().to_ascii_uppercase();
        let reply: &[u8] = match verb.as_str() {
            "EHLO" => b"250-test.local\r\n250-8BITMIME\r\n250-SMTPUTF8\r\n250 PIPELINING\r\n",
            "HELO" => b"250 test.local\r\n",
            "MAIL" => {
                mail_from = text.clone();
                rcpt_to.clear();
                b"250 2.1.0 Ok\r\n"
            }
            "RCPT" => {
                rcpt_to.push(text.clone());
                b"250 2.1.5 Ok\r\n"
            }
            "DATA" => {
                if write.write_all(b"354 End data with <CR><LF>.<CR><LF>\r\n").await.is_err() {
                    return;
                }
                let mut data = Vec::new();
                loop {
                    let mut l = Vec::new();
                    match reader.read_until(b'\n', &mut l).await {
                        Ok(0) | Err(_) => return,
                        Ok(_) => {}
                    }
                    if l == b".\r\n" {
                        // The CRLF before the "." belongs to the terminator.
                        if data.ends_with(b"\r\n") {
                            data.truncate(data.len() - 2);
                        }
                        break;
                    }
                    // Dot-unstuffing (RFC 5321 4.5.2).
                    if l.starts_with(b"..") {
                        l.remove(0);
                    }
                    data.extend_from_slice(&l);
                }
                let mode = state.lock().unwrap().mode.unwrap_or(Mode::Accept);
                match mode {
                    Mode::Accept | Mode::AcceptAndHangUp => {
                        state.lock().unwrap().received.push(Received {
                            mail_from: mail_from.clone(),
                            rcpt_to: rcpt_to.clone(),
                            data,
                        });
                        let reply = format!("250 2.0.0 Ok: queued as Q{queue}\r\n");
                        if write.write_all(reply.as_bytes()).await.is_err() || mode == Mode::AcceptAndHangUp {
                            return;
                        }
                        continue;
                    }
                    Mode::Transient => b"451 4.3.0 Temporary failure, try again later\r\n",
                    Mode::Permanent => b"550 5.1.1 Mailbox unavailable\r\n",
                    Mode::Stall | Mode::KeepAndStall => {
                        {
                            let mut s = state.lock().unwrap();
                            s.stalled += 1;
                            if mode == Mode::KeepAndStall {
                                s.received.push(Received {
                                    mail_from: mail_from.clone(),
                                    rcpt_to: rcpt_to.clone(),
                                    data,
                                });
                            }
                        }
                        // Hold the session open without an answer until the
                        // client goes away.
                        let mut rest = Vec::new();
                        let _ =
                            tokio::time::timeout(Duration::from_secs(120), reader.read_until(b'\n', &mut rest)).await;
                        return;
                    }
                }
            }
            "RSET" => b"250 2.0.0 Ok\r\n",
            "NOOP" => b"250 2.0.0 Ok\r\n",
            "QUIT" => {
                let _ = write.write_all(b"221 2.0.0 Bye\r\n").await;
                return;
            }
            _ => b"502 5.5.2 Command not recognised\r\n",
        };
        if write.write_all(reply).await.is_err() {
            return;
        }
    }
}
