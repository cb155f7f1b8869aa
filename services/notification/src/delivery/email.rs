//! E-mail: a MIME message built with lettre's typed headers (so no player
//! text can ever start a header of its own), sent over a pooled SMTP session,
//! or written to a folder as an `.eml` file in development.

use std::{
    sync::{Mutex, PoisonError},
    time::{Duration, Instant},
};

use lettre::{
    Address, Message,
    address::Envelope,
    message::{Mailbox, MultiPart, SinglePart, header::ContentType},
    transport::smtp::{
        authentication::{Credentials, Mechanism},
        client::{AsyncSmtpConnection, Certificate, TlsParameters},
        extension::ClientId,
    },
};

use super::Outcome;
use crate::{
    config::{EmailConfig, EmailTransport, SmtpTls},
    domain,
};

/// The parts of an e-mail.
pub struct Email<'a> {
    /// The notification id; the Message-ID derives from it, identical on
    /// every attempt, so a receiver that got it twice can tell.
    pub notification_id: &'a str,
    pub from: &'a str,
    pub to: &'a str,
    pub to_name: &'a str,
    pub subject: &'a str,
    pub body_text: &'a str,
    pub body_html: &'a str,
}

/// The Message-ID of a notification's e-mail.
pub fn message_id(notification_id: &str) -> String {
    format!("<{notification_id}@notification.redress>")
}

/// Builds the MIME message: the bytes to send and the SMTP envelope. An error
/// means the addresses are unusable: there is nowhere to deliver.
pub fn build(email: &Email<'_>) -> Result<(Vec<u8>, Envelope), String> {
    let from: Mailbox = email.from.parse().map_err(|e| format!("sender address {:?}: {e}", email.from))?;
    let to_address: Address = email.to.trim().parse().map_err(|e| format!("recipient address: {e}"))?;
    let name = domain::header_safe(email.to_name);
    let to = Mailbox::new(if name.is_empty() { None } else { Some(name) }, to_address);
    let builder = Message::builder()
        .from(from)
        .to(to)
        .subject(domain::header_safe(email.subject))
        .message_id(Some(message_id(email.notification_id)));
    let text = SinglePart::builder().header(ContentType::TEXT_PLAIN).body(email.body_text.to_owned());
    let message = if email.body_html.is_empty() {
        builder.singlepart(text)
    } else {
        let html = SinglePart::builder().header(ContentType::TEXT_HTML).body(email.body_html.to_owned());
        builder.multipart(MultiPart::alternative().singlepart(text).singlepart(html))
    }
    .map_err(|e| format!("cannot build the message: {e}"))?;
    Ok((message.formatted(), message.envelope().clone()))
}

/// Delivers built messages with the configured transport, keeping SMTP
/// sessions open between messages: one session carries many messages instead
/// of a connect, EHLO, STARTTLS and AUTH (and QUIT) for each.
pub struct Mailer {
    config: EmailConfig,
    idle: Mutex<Vec<(AsyncSmtpConnection, Instant)>>,
}

impl Mailer {
    /// A mailer for `config`; no connection is opened before the first message.
    pub fn new(config: EmailConfig) -> Self {
        Self { config, idle: Mutex::new(Vec::new()) }
    }

    /// Delivers one message. The whole conversation, including a connect,
    /// has `email.smtp_timeout_ms`.
    pub async fn send(&self, notification_id: &str, bytes: &[u8], envelope: &Envelope) -> Outcome {
        match self.config.transport {
            EmailTransport::File => write_file(&self.config, notification_id, bytes).await,
            EmailTransport::Smtp => {
                let timeout = Duration::from_millis(self.config.smtp_timeout_ms);
                // A conversation cut off here drops its connection with it:
                // only `smtp` puts a connection back, after a complete one.
                match tokio::time::timeout(timeout, self.smtp(bytes, envelope, timeout)).await {
                    Ok(outcome) => outcome,
                    Err(_) => Outcome::transient(0, "", "smtp conversation timed out"),
                }
            }
        }
    }

    async fn smtp(&self, bytes: &[u8], envelope: &Envelope, timeout: Duration) -> Outcome {
        let mut conn = match self.reuse().await {
            Some(conn) => conn,
            None => match connect(&self.config, timeout).await {
                Ok(conn) => conn,
                Err(outcome) => return outcome,
            },
        };
        match conn.send(envelope, bytes).await {
            Ok(response) => {
                self.put_back(conn).await;
                let code: i32 = response.code().to_string().parse().unwrap_or(250);
                let line = format!("{} {}", response.code(), response.message().collect::<Vec<_>>().join(" "));
                // Postfix-style replies name the queue id last: "Ok: queued as 4XYZ".
                let queue_id = line.rsplit_once("queued as ").map(|(_, id)| id.trim().to_owned()).unwrap_or_default();
                Outcome::accepted(code, line, queue_id)
            }
            Err(err) => {
                // A failed transaction leaves the session in a state not
                // worth repairing (lettre marks it broken): close it.
                conn.abort().await;
                failure(&err)
            }
        }
    }

    /// The most recently used open session that still answers a NOOP; older
    /// ones than `smtp_idle_timeout_ms` are closed (relays drop idle clients
    /// after a while, and a dead socket would fail the next message).
    async fn reuse(&self) -> Option<AsyncSmtpConnection> {
        let max_idle = Duration::from_millis(self.config.smtp_idle_timeout_ms);
        loop {
            let (mut conn, since) = self.idle.lock().unwrap_or_else(PoisonError::into_inner).pop()?;
            if since.elapsed() <= max_idle && conn.test_connected().await {
                return Some(conn);
            }
            conn.abort().await;
        }
    }

    /// Keeps a session that just completed a transaction for the next
    /// message, up to `smtp_pool_size`; ends it otherwise.
    async fn put_back(&self, conn: AsyncSmtpConnection) {
        let surplus = {
            let mut idle = self.idle.lock().unwrap_or_else(PoisonError::into_inner);
            if idle.len() < self.config.smtp_pool_size as usize {
                idle.push((conn, Instant::now()));
                None
            } else {
                Some(conn)
            }
        };
        if let Some(mut conn) = surplus {
            // The 250 after the data was the acceptance; a failing QUIT
            // after it changes nothing.
            let _ = conn.quit().await;
        }
    }
}

/// Opens one SMTP session: connect (implicit TLS for `tls`), STARTTLS for
/// `starttls`, AUTH when a user name is configured.
async fn connect(config: &EmailConfig, timeout: Duration) -> Result<AsyncSmtpConnection, Outcome> {
    let hello = ClientId::default();
    let host = config.smtp_host.as_str();
    let tls = || tls_parameters(config).map_err(|err| Outcome::transient(0, "", err));
    let wrapper = if config.smtp_tls == SmtpTls::Tls { Some(tls()?) } else { None };
    let mut conn = AsyncSmtpConnection::connect_tokio1((host, config.smtp_port), Some(timeout), &hello, wrapper, None)
        .await
        .map_err(|err| failure(&err))?;
    if config.smtp_tls == SmtpTls::Starttls {
        conn.starttls(tls()?, &hello).await.map_err(|err| failure(&err))?;
    }
    if !config.smtp_username.is_empty() {
        let credentials = Credentials::new(config.smtp_username.clone(), config.smtp_password.expose().to_owned());
        conn.auth(&[Mechanism::Plain, Mechanism::Login], &credentials).await.map_err(|err| failure(&err))?;
    }
    Ok(conn)
}

/// One file per notification, named after it: a retry overwrites the same
/// file, so the folder holds each message once.
async fn write_file(config: &EmailConfig, notification_id: &str, bytes: &[u8]) -> Outcome {
    let name = format!("{notification_id}.eml");
    let path = config.file_dir.join(&name);
    let result = async {
        tokio::fs::create_dir_all(&config.file_dir).await?;
        let partial = config.file_dir.join(format!(".{name}.partial"));
        tokio::fs::write(&partial, bytes).await?;
        // A rename is atomic: a reader never sees half a message.
        tokio::fs::rename(&partial, &path).await
    }
    .await;
    match result {
        Ok(()) => Outcome::accepted(0, format!("written to {}", path.display()), name),
        Err(err) => Outcome::transient(0, "", format!("cannot write {}: {err}", path.display())),
    }
}

/// TLS towards the relay: the public roots plus `email.smtp_ca_file`.
pub fn tls_parameters(config: &EmailConfig) -> Result<TlsParameters, String> {
    let mut builder = TlsParameters::builder(config.smtp_host.clone());
    if let Some(path) = &config.smtp_ca_file {
        let pem = std::fs::read(path).map_err(|e| format!("email.smtp_ca_file {}: {e}", path.display()))?;
        let roots = Certificate::from_pem(&pem).map_err(|e| format!("email.smtp_ca_file {}: {e}", path.display()))?;
        builder = builder.add_root_certificate(roots);
    }
    builder.build_rustls().map_err(|e| format!("tls setup: {e}"))
}

fn failure(err: &lettre::transport::smtp::Error) -> Outcome {
    let code: i32 = err.status().and_then(|c| c.to_string().parse().ok()).unwrap_or(0);
    let text = err.to_string();
    if err.is_permanent() {
        Outcome::permanent(code, text)
    } else if code != 0 {
        Outcome::transient(code, text, "")
    } else {
        Outcome::transient(0, "", text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn email<'a>(subject: &'a str, name: &'a str, html: &'a str) -> Email<'a> {
        Email {
            notification_id: "0190-n",
            from: "Casino <support@casino.example>",
            to: "anna@example.pl",
            to_name: name,
            subject,
            body_text: "Treść\r\nBcc: evil@example.com\r\n\r\nmore",
            body_html: html,
        }
    }

    fn headers(bytes: &[u8]) -> String {
        let text = String::from_utf8_lossy(bytes).to_string();
        text.split("\r\n\r\n").next().unwrap_or_default().to_owned()
    }

    #[test]
    fn hostile_subjects_and_names_stay_inside_their_headers() {
        let (bytes, envelope) =
            build(&email("Hi\r\nBcc: evil@example.com\r\nX-Evil: 1", "Anna\r\nBcc: evil2@example.com", "")).unwrap();
        let head = headers(&bytes);
        assert!(!head.lines().any(|l| l.starts_with("Bcc:") || l.starts_with("X-Evil:")), "{head}");
        assert_eq!(envelope.to().len(), 1);
        assert!(head.contains("Message-ID: <0190-n@notification.redress>"), "{head}");
    }

    #[test]
    fn a_very_long_subject_is_folded_not_truncated_into_headers() {
        let long = "ż".repeat(5000);
        let (bytes, _) = build(&email(&long, "", "<p>x</p>")).unwrap();
        let head = headers(&bytes);
        assert!(head.lines().all(|l| l.len() <= 998), "no header line beyond the RFC 5322 limit");
        assert!(String::from_utf8_lossy(&bytes).contains("multipart/alternative"));
    }

    #[test]
    fn an_address_with_line_breaks_is_refused() {
        let mut e = email("s", "", "");
        e.to = "anna@example.pl\r\nBcc: evil@example.com";
        assert!(build(&e).is_err());
    }
}
