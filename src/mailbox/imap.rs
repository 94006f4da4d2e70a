//! The nominated mailbox over IMAP (async-imap on tokio, rustls).

use super::{Destination, Handle, MailboxError, Pending, Woken, tls};
use crate::config::{Backlog, Config, Imap, Tls};
use crate::store::{MailboxState, Store, timestamp};
use async_imap::extensions::idle::IdleResponse;
use futures_util::TryStreamExt;
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;
use tracing::{debug, info, warn};

/// Any stream async-imap can run over (plain TCP on loopback, or TLS).
pub trait Io: AsyncRead + AsyncWrite + Unpin + Send + std::fmt::Debug {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send + std::fmt::Debug> Io for T {}

type Session = async_imap::Session<Box<dyn Io>>;

/// A signed-in IMAP connection with the incoming folder selected.
pub struct ImapSource {
    session: Option<Session>,
    settings: Imap,
    processed: String,
    quarantine: String,
    backlog: Backlog,
    can_idle: bool,
    can_move: bool,
    uid_validity: u32,
    name: String,
    /// When the access token this connection signed in with is due for
    /// renewal (OAuth2 only): the connection signs in again by then.
    renew_at: Option<std::time::Instant>,
}

impl std::fmt::Debug for ImapSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ImapSource")
            .field("mailbox", &self.name)
            .finish_non_exhaustive()
    }
}

const CONNECT_TIMEOUT: Duration = Duration::from_secs(30);
const COMMAND_TIMEOUT: Duration = Duration::from_secs(120);

async fn timed<T>(
    what: &str,
    fut: impl std::future::Future<Output = Result<T, MailboxError>>,
) -> Result<T, MailboxError> {
    tokio::time::timeout(COMMAND_TIMEOUT, fut)
        .await
        .map_err(|_| MailboxError::Imap(format!("{what} timed out")))?
}

/// `imap:<user>@<host>/<folder>`: the folder's name in the database.
pub(super) fn name(settings: &Imap) -> String {
    format!(
        "imap:{}@{}/{}",
        settings.username, settings.host, settings.folder
    )
}

impl ImapSource {
    pub async fn connect(
        config: &Config,
        store: &Store,
        oauth: Option<&crate::oauth::TokenSource>,
    ) -> Result<ImapSource, MailboxError> {
        let SignedIn {
            settings,
            mut session,
            caps,
            renew_at,
        } = sign_in(config, oauth).await?;
        let can_idle = settings.idle && caps.has_str("IDLE");
        let can_move = caps.has_str("MOVE");
        for folder in [
            &config.mailbox.processed_folder,
            &config.mailbox.quarantine_folder,
        ] {
            ensure_folder(&mut session, folder).await?;
        }
        let selected = timed("SELECT", async {
            Ok(session.select(&settings.folder).await?)
        })
        .await?;
        let uid_validity = selected.uid_validity.unwrap_or(0);
        let name = name(&settings);
        let mut source = ImapSource {
            session: Some(session),
            processed: config.mailbox.processed_folder.clone(),
            quarantine: config.mailbox.quarantine_folder.clone(),
            backlog: config.mailbox.backlog,
            can_idle,
            can_move,
            uid_validity,
            name,
            settings,
            renew_at,
        };
        source
            .note_state(store, selected.uid_next.unwrap_or(1))
            .await?;
        info!(mailbox = %source.name, idle = can_idle, r#move = can_move, auth = source.settings.auth.mechanism(), "signed in to the mailbox");
        Ok(source)
    }

    /// Records the mailbox the first time, and notices a changed UIDVALIDITY.
    async fn note_state(&mut self, store: &Store, uid_next: u32) -> Result<(), MailboxError> {
        match store.mailbox_state(&self.name).await? {
            None => {
                let state = MailboxState {
                    mailbox: self.name.clone(),
                    uid_validity: i64::from(self.uid_validity),
                    baseline_uid: i64::from(uid_next),
                    first_seen_at: timestamp(chrono::Utc::now()),
                };
                info!(mailbox = %self.name, backlog = super::Source::describe_backlog(self.backlog), "first look at this mailbox");
                store.save_mailbox_state(&state).await?;
            }
            Some(mut state) if state.uid_validity != i64::from(self.uid_validity) => {
                // UIDs of the old generation mean nothing now. Every message
                // still in the folder is looked at again; the content hash
                // keeps anything already taken in from being taken in twice.
                warn!(mailbox = %self.name, old = state.uid_validity, new = self.uid_validity, "UIDVALIDITY changed; rescanning the folder");
                state.uid_validity = i64::from(self.uid_validity);
                state.baseline_uid = if self.backlog == Backlog::StartFromNow {
                    i64::from(uid_next)
                } else {
                    0
                };
                store.save_mailbox_state(&state).await?;
            }
            Some(_) => {}
        }
        Ok(())
    }

    fn session(&mut self) -> Result<&mut Session, MailboxError> {
        self.session
            .as_mut()
            .ok_or_else(|| MailboxError::Imap("connection lost".into()))
    }

    pub async fn pending(&mut self, store: &Store) -> Result<Vec<Pending>, MailboxError> {
        let state = store.mailbox_state(&self.name).await?;
        let baseline = state.map_or(0, |s| s.baseline_uid);
        let session = self.session()?;
        // Announcements from before this search are answered by it.
        drain(session);
        let mut uids: Vec<u32> =
            timed("UID SEARCH", async { Ok(session.uid_search("ALL").await?) })
                .await?
                .into_iter()
                .collect();
        uids.sort_unstable();
        let mut out = Vec::new();
        for uid in uids {
            let backlog = i64::from(uid) < baseline;
            if backlog && self.backlog == Backlog::StartFromNow {
                continue;
            }
            out.push(Pending {
                key: format!("{}:{}:{}", self.name, self.uid_validity, uid),
                handle: Handle::Uid(uid),
                size: None,
                backlog,
            });
        }
        Ok(out)
    }

    pub async fn fetch(&mut self, p: &Pending) -> Result<Option<Vec<u8>>, MailboxError> {
        let Handle::Uid(uid) = p.handle else {
            return Ok(None);
        };
        let session = self.session()?;
        fetch_body(session, uid).await
    }

    /// Moves messages in commands of up to 200 UIDs each.
    pub async fn file_all(&mut self, ps: &[Pending], to: Destination) -> Result<(), MailboxError> {
        let uids: Vec<u32> = ps
            .iter()
            .filter_map(|p| match p.handle {
                Handle::Uid(uid) => Some(uid),
                Handle::File(_) => None,
            })
            .collect();
        for chunk in uids.chunks(200) {
            let set = chunk
                .iter()
                .map(u32::to_string)
                .collect::<Vec<_>>()
                .join(",");
            self.move_set(&set, to).await?;
        }
        Ok(())
    }

    async fn move_set(&mut self, set: &str, to: Destination) -> Result<(), MailboxError> {
        let folder = match to {
            Destination::Processed => self.processed.clone(),
            Destination::Quarantine => self.quarantine.clone(),
        };
        let can_move = self.can_move;
        let session = self.session()?;
        timed("MOVE", async {
            if can_move {
                session.uid_mv(set, &folder).await?;
            } else {
                session.uid_copy(set, &folder).await?;
                let _: Vec<_> = session
                    .uid_store(set, "+FLAGS.SILENT (\\Deleted)")
                    .await?
                    .try_collect()
                    .await?;
                let _: Vec<_> = session.uid_expunge(set).await?.try_collect().await?;
            }
            Ok(())
        })
        .await?;
        debug!(imap.uids = %set, folder = %folder, "messages filed");
        Ok(())
    }

    /// Waits in IDLE (re-issued before servers drop it) or sleeps when IDLE is not offered.
    pub async fn wait(
        &mut self,
        timeout: Duration,
        shutdown: &mut tokio::sync::watch::Receiver<bool>,
    ) -> Result<Woken, MailboxError> {
        // Mail that arrived while we fetched and filed was announced then;
        // IDLE would not announce it again.
        if drain(self.session()?) {
            return Ok(Woken::NewMail);
        }
        let timeout = match self.renew_at {
            Some(at) => {
                let left = at.saturating_duration_since(std::time::Instant::now());
                if left.is_zero() {
                    info!("the access token is due for renewal; signing in to the mailbox again");
                    return Ok(Woken::Reauthenticate);
                }
                timeout.min(left)
            }
            None => timeout,
        };
        if !self.can_idle {
            tokio::select! {
                _ = tokio::time::sleep(timeout) => {}
                _ = shutdown.changed() => return Ok(Woken::Shutdown),
            }
            // A NOOP lets the server tell us of new mail and proves the connection lives.
            let session = self.session()?;
            timed("NOOP", async { Ok(session.noop().await?) }).await?;
            return Ok(Woken::Timeout);
        }
        let limit = timeout.min(Duration::from_secs(self.settings.idle_renew_seconds));
        let session = self
            .session
            .take()
            .ok_or_else(|| MailboxError::Imap("connection lost".into()))?;
        let mut idle = session.idle();
        timed("IDLE", async { Ok(idle.init().await?) }).await?;
        let (wait, stop) = idle.wait_with_timeout(limit);
        let outcome = tokio::select! {
            r = wait => r.map_err(MailboxError::from),
            _ = shutdown.changed() => Ok(IdleResponse::ManualInterrupt),
        };
        drop(stop);
        let session = timed("DONE", async { Ok(idle.done().await?) }).await?;
        self.session = Some(session);
        Ok(match outcome? {
            IdleResponse::NewData(_) => Woken::NewMail,
            IdleResponse::Timeout => Woken::Timeout,
            IdleResponse::ManualInterrupt => {
                if *shutdown.borrow() {
                    Woken::Shutdown
                } else {
                    Woken::Timeout
                }
            }
        })
    }

    pub async fn logout(mut self) {
        if let Some(mut s) = self.session.take() {
            let _ = tokio::time::timeout(Duration::from_secs(5), s.logout()).await;
        }
    }
}

/// A signed-in connection.
struct SignedIn {
    settings: Imap,
    session: Session,
    caps: async_imap::types::Capabilities,
    /// When its access token is due for renewal (OAuth2).
    renew_at: Option<std::time::Instant>,
}

/// Connects and signs in (password, or an OAuth2 token with XOAUTH2/OAUTHBEARER).
async fn sign_in(
    config: &Config,
    oauth: Option<&crate::oauth::TokenSource>,
) -> Result<SignedIn, MailboxError> {
    let settings = config
        .mailbox
        .imap
        .clone()
        .ok_or_else(|| MailboxError::Setup {
            key: "mailbox.imap".into(),
            reason: "missing".into(),
        })?;
    let ca = settings.ca_file.as_ref().map(|p| config.path(p));
    let (mut session, renew_at) = if settings.auth.is_oauth() {
        let oauth = oauth.ok_or_else(|| MailboxError::Setup {
            key: "mailbox.imap.auth".into(),
            reason: "an [oauth2] section is needed to sign in with a token".into(),
        })?;
        let (session, renew_at) = oauth_sign_in(&settings, ca.as_deref(), oauth).await?;
        (session, Some(renew_at))
    } else {
        let password = settings
            .password
            .load("mailbox.imap")
            .map_err(|e| MailboxError::Setup {
                key: "mailbox.imap".into(),
                reason: e.to_string(),
            })?;
        let stream = open_stream(&settings, ca.as_deref()).await?;
        let client = async_imap::Client::new(stream);
        let session = timed("login", async {
            client
                .login(&settings.username, password.expose())
                .await
                .map_err(|(e, _)| MailboxError::Auth {
                    user: settings.username.clone(),
                    reason: e.to_string(),
                })
        })
        .await?;
        (session, None)
    };
    let caps = timed("CAPABILITY", async { Ok(session.capabilities().await?) }).await?;
    Ok(SignedIn {
        settings,
        session,
        caps,
        renew_at,
    })
}

/// Signs in with the current access token; when the server refuses it, once
/// more on the same connection with a renewed one. Returns when to renew.
async fn oauth_sign_in(
    settings: &Imap,
    ca: Option<&std::path::Path>,
    oauth: &crate::oauth::TokenSource,
) -> Result<(Session, std::time::Instant), MailboxError> {
    let mut token = oauth.access_token().await?;
    let stream = open_stream(settings, ca).await?;
    let mut client = async_imap::Client::new(stream);
    let mechanism = settings.auth.mechanism();
    for attempt in 0..2 {
        let response = match settings.auth {
            crate::config::Auth::Oauthbearer => crate::oauth::sasl::oauthbearer(
                &settings.username,
                &settings.host,
                settings.port,
                token.token.expose(),
            ),
            _ => crate::oauth::sasl::xoauth2(&settings.username, token.token.expose()),
        };
        let outcome = timed("AUTHENTICATE", async {
            Ok(client
                .authenticate(mechanism, TokenAuthenticator::new(response))
                .await)
        })
        .await?;
        match outcome {
            Ok(session) => return Ok((session, token.renew_at)),
            Err((async_imap::error::Error::No(reason), back)) if attempt == 0 => {
                debug!(reason = %reason, "the mailbox refused the access token; renewing it once");
                client = back;
                token = oauth.renew_after_refusal(&token.token).await?;
            }
            Err((e, _)) => {
                return Err(MailboxError::Auth {
                    user: settings.username.clone(),
                    reason: format!(
                        "{mechanism} with a renewed access token: {e}. Check that the app registration has the IMAP permission (IMAP.AccessAsUser.All, or for an application the mailbox access granted in Exchange Online) and that oauth2 signs in as this mailbox"
                    ),
                });
            }
        }
    }
    unreachable!("the loop returns on its second attempt")
}

/// Sends the token once; answers any later challenge (the server's error
/// report, in XOAUTH2 and OAUTHBEARER) with an empty response, as the
/// mechanisms ask, so that the server then says NO.
struct TokenAuthenticator {
    response: Option<String>,
}

impl TokenAuthenticator {
    fn new(response: String) -> Self {
        TokenAuthenticator {
            response: Some(response),
        }
    }
}

impl async_imap::Authenticator for TokenAuthenticator {
    type Response = String;

    fn process(&mut self, _challenge: &[u8]) -> String {
        self.response.take().unwrap_or_default()
    }
}

/// A read-only look at the mailbox's folders (for `reconcile`): nothing is
/// selected for writing, created or recorded.
pub struct ImapSurvey {
    session: Session,
    examined: Option<String>,
}

impl std::fmt::Debug for ImapSurvey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ImapSurvey").finish_non_exhaustive()
    }
}

impl ImapSurvey {
    pub async fn open(
        config: &Config,
        oauth: Option<&crate::oauth::TokenSource>,
    ) -> Result<ImapSurvey, MailboxError> {
        let SignedIn { session, .. } = sign_in(config, oauth).await?;
        Ok(ImapSurvey {
            session,
            examined: None,
        })
    }

    /// Every message of `folder` (opened read-only with EXAMINE): its UID and header block.
    /// A folder that does not exist is empty.
    pub async fn headers(&mut self, folder: &str) -> Result<Vec<(u32, Vec<u8>)>, MailboxError> {
        self.examined = None;
        let session = &mut self.session;
        let exists = match timed("EXAMINE", async { Ok(session.examine(folder).await) }).await? {
            Ok(m) => m.exists,
            Err(async_imap::error::Error::No(_)) => return Ok(Vec::new()),
            Err(e) => return Err(e.into()),
        };
        self.examined = Some(folder.to_string());
        if exists == 0 {
            return Ok(Vec::new());
        }
        let fetched: Vec<_> = timed("UID FETCH", async {
            Ok(session
                .fetch("1:*", "(UID BODY.PEEK[HEADER])")
                .await?
                .try_collect()
                .await?)
        })
        .await?;
        Ok(fetched
            .iter()
            .filter_map(|f| Some((f.uid?, f.header().unwrap_or_default().to_vec())))
            .collect())
    }

    /// The whole message `uid` of `folder`.
    pub async fn raw(&mut self, folder: &str, uid: u32) -> Result<Option<Vec<u8>>, MailboxError> {
        let session = &mut self.session;
        if self.examined.as_deref() != Some(folder) {
            timed("EXAMINE", async { Ok(session.examine(folder).await?) }).await?;
            self.examined = Some(folder.to_string());
        }
        fetch_body(session, uid).await
    }

    pub async fn logout(mut self) {
        let _ = tokio::time::timeout(Duration::from_secs(5), self.session.logout()).await;
    }
}

/// A message is fetched this much at a time: a 25 MB attachment is then
/// never held twice whole (once in the client's buffer, once in ours).
const FETCH_CHUNK: usize = 4 << 20;

/// The whole message with this UID in the selected folder (read without
/// setting \Seen), in partial fetches of `FETCH_CHUNK` bytes.
async fn fetch_body(session: &mut Session, uid: u32) -> Result<Option<Vec<u8>>, MailboxError> {
    let mut body: Vec<u8> = Vec::new();
    let mut size: Option<usize> = None;
    loop {
        let query = format!(
            "(UID RFC822.SIZE BODY.PEEK[]<{}.{FETCH_CHUNK}>)",
            body.len()
        );
        let fetched: Vec<_> = timed("UID FETCH", async {
            Ok(session
                .uid_fetch(uid.to_string(), &query)
                .await?
                .try_collect()
                .await?)
        })
        .await?;
        let Some(f) = fetched.iter().find(|f| f.uid == Some(uid)) else {
            return Ok(None);
        };
        let Some(part) = f.body() else {
            return Ok((!body.is_empty()).then_some(body));
        };
        if size.is_none() {
            size = f.size.and_then(|s| usize::try_from(s).ok());
            body.reserve_exact(size.unwrap_or(part.len()).max(part.len()));
        }
        body.extend_from_slice(part);
        let got = part.len();
        drop(fetched);
        if got < FETCH_CHUNK || size.is_some_and(|s| body.len() >= s) {
            return Ok(Some(body));
        }
    }
}

/// Unsolicited responses pile up in a bounded channel; we look for new mail ourselves.
/// Empties them, telling whether any announced new mail.
fn drain(session: &mut Session) -> bool {
    let mut exists = false;
    while let Ok(r) = session.unsolicited_responses.try_recv() {
        exists |= matches!(
            r,
            async_imap::types::UnsolicitedResponse::Exists(_)
                | async_imap::types::UnsolicitedResponse::Recent(_)
        );
    }
    exists
}

async fn ensure_folder(session: &mut Session, folder: &str) -> Result<(), MailboxError> {
    let names: Vec<_> = timed("LIST", async {
        Ok(session.list(None, Some("*")).await?.try_collect().await?)
    })
    .await?;
    if names.iter().any(|n| n.name() == folder) {
        return Ok(());
    }
    timed("CREATE", async { Ok(session.create(folder).await?) }).await?;
    info!(folder, "created the mailbox folder");
    Ok(())
}

async fn open_stream(s: &Imap, ca: Option<&std::path::Path>) -> Result<Box<dyn Io>, MailboxError> {
    let server = format!("{}:{}", s.host, s.port);
    let connect_err = |reason: String| MailboxError::Connect {
        server: server.clone(),
        reason,
    };
    let tcp = tokio::time::timeout(
        CONNECT_TIMEOUT,
        TcpStream::connect((s.host.as_str(), s.port)),
    )
    .await
    .map_err(|_| connect_err("timed out".into()))?
    .map_err(|e| connect_err(e.to_string()))?;
    let _ = tcp.set_nodelay(true);
    match s.tls {
        Tls::None => {
            let mut client = async_imap::Client::new(Box::new(tcp) as Box<dyn Io>);
            read_greeting(&mut client, &server).await?;
            Ok(client.into_inner())
        }
        Tls::Implicit => {
            let tls = handshake(tcp, &s.host, ca, &server).await?;
            let mut client = async_imap::Client::new(Box::new(tls) as Box<dyn Io>);
            read_greeting(&mut client, &server).await?;
            Ok(client.into_inner())
        }
        Tls::Starttls => {
            let mut client = async_imap::Client::new(tcp);
            read_greeting(&mut client, &server).await?;
            timed("STARTTLS", async {
                Ok(client.run_command_and_check_ok("STARTTLS", None).await?)
            })
            .await?;
            let tls = handshake(client.into_inner(), &s.host, ca, &server).await?;
            Ok(Box::new(tls))
        }
    }
}

async fn read_greeting<T: Io>(
    client: &mut async_imap::Client<T>,
    server: &str,
) -> Result<(), MailboxError> {
    let greeting = tokio::time::timeout(CONNECT_TIMEOUT, client.read_response()).await;
    match greeting {
        Ok(Ok(Some(_))) => Ok(()),
        Ok(Ok(None)) => Err(MailboxError::Connect {
            server: server.into(),
            reason: "closed before greeting".into(),
        }),
        Ok(Err(e)) => Err(MailboxError::Connect {
            server: server.into(),
            reason: e.to_string(),
        }),
        Err(_) => Err(MailboxError::Connect {
            server: server.into(),
            reason: "no greeting".into(),
        }),
    }
}

async fn handshake(
    tcp: TcpStream,
    host: &str,
    ca: Option<&std::path::Path>,
    server: &str,
) -> Result<tokio_rustls::client::TlsStream<TcpStream>, MailboxError> {
    let connector = tls::connector(ca)?;
    let name =
        tokio_rustls::rustls::pki_types::ServerName::try_from(host.to_string()).map_err(|e| {
            MailboxError::Setup {
                key: "mailbox.imap.host".into(),
                reason: e.to_string(),
            }
        })?;
    tokio::time::timeout(CONNECT_TIMEOUT, connector.connect(name, tcp))
        .await
        .map_err(|_| MailboxError::Connect {
            server: server.into(),
            reason: "TLS handshake timed out".into(),
        })?
        .map_err(|e| MailboxError::Connect {
            server: server.into(),
            reason: format!("TLS: {e}"),
        })
}
