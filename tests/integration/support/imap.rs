//! The sponsor's mailbox over IMAP, as a mail client sees it (plain IMAP on
//! loopback; the daemon itself uses STARTTLS or implicit TLS).

use super::{password, servers};
use std::time::{Duration, Instant};
use tokio::net::TcpStream;

pub struct Imap {
    session: async_imap::Session<TcpStream>,
}

impl Imap {
    pub async fn login(user: &str) -> Imap {
        let s = servers();
        let tcp = TcpStream::connect((s.host.as_str(), s.imap_port))
            .await
            .unwrap_or_else(|e| panic!("cannot connect to IMAP {}:{}: {e}", s.host, s.imap_port));
        let mut client = async_imap::Client::new(tcp);
        client
            .read_response()
            .await
            .expect("IMAP greeting")
            .expect("IMAP greeting");
        let session = client
            .login(user, password(user))
            .await
            .map_err(|(e, _)| e)
            .unwrap_or_else(|e| panic!("IMAP login as {user}: {e}"));
        Imap { session }
    }

    /// Creates a test's own folder. Under many parallel sessions Dovecot
    /// has (rarely, as seen in CI) answered a first CREATE of a new name
    /// with ALREADYEXISTS; the name carries a random tag, so an existing
    /// folder is taken as ours when it is empty.
    pub async fn create(&mut self, folder: &str) {
        match self.session.create(folder).await {
            Ok(()) => {}
            Err(e) if e.to_string().contains("ALREADYEXISTS") => {
                let status = self
                    .session
                    .status(folder, "(MESSAGES)")
                    .await
                    .unwrap_or_else(|e| panic!("IMAP STATUS {folder}: {e}"));
                assert_eq!(status.exists, 0, "{folder} already exists and is not empty");
            }
            Err(e) => panic!("IMAP CREATE {folder}: {e}"),
        }
    }

    /// APPENDs a whole message to a folder.
    pub async fn append(&mut self, folder: &str, raw: &[u8]) {
        self.session
            .append(folder, None, None, raw)
            .await
            .unwrap_or_else(|e| panic!("IMAP APPEND to {folder}: {e}"));
    }

    /// UIDs of the messages in `folder` whose Message-ID is `message_id`
    /// (an absent folder holds nothing).
    pub async fn find(&mut self, folder: &str, message_id: &str) -> Vec<u32> {
        if self.session.examine(folder).await.is_err() {
            return Vec::new();
        }
        let mut uids: Vec<u32> = self
            .session
            .uid_search(format!("HEADER Message-ID \"{message_id}\""))
            .await
            .unwrap_or_else(|e| panic!("IMAP SEARCH in {folder}: {e}"))
            .into_iter()
            .collect();
        uids.sort_unstable();
        drain(&mut self.session);
        uids
    }

    /// How many messages `folder` holds.
    pub async fn count(&mut self, folder: &str) -> u32 {
        let m = self
            .session
            .examine(folder)
            .await
            .unwrap_or_else(|e| panic!("IMAP EXAMINE {folder}: {e}"));
        drain(&mut self.session);
        m.exists
    }

    /// Waits for a message to arrive in `from` (by Message-ID), then moves it to `to`.
    pub async fn move_arrived(&mut self, from: &str, message_id: &str, to: &str) {
        let deadline = Instant::now() + Duration::from_secs(20);
        let uids = loop {
            let uids = self.find(from, message_id).await;
            if !uids.is_empty() {
                break uids;
            }
            assert!(
                Instant::now() < deadline,
                "{message_id} did not arrive in the sponsor's {from} within 20 s"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        };
        self.session
            .select(from)
            .await
            .unwrap_or_else(|e| panic!("IMAP SELECT {from}: {e}"));
        let set: Vec<String> = uids.iter().map(u32::to_string).collect();
        self.session
            .uid_mv(set.join(","), to)
            .await
            .unwrap_or_else(|e| panic!("IMAP MOVE to {to}: {e}"));
        drain(&mut self.session);
    }

    /// Moves the messages of `from` with a UID above `after` that match the
    /// IMAP search `criteria` into `to`, as a mail rule would; returns the
    /// highest UID looked at (pass it back as `after` next time).
    pub async fn move_new_matching(
        &mut self,
        from: &str,
        after: u32,
        criteria: &str,
        to: &str,
    ) -> u32 {
        self.session
            .select(from)
            .await
            .unwrap_or_else(|e| panic!("IMAP SELECT {from}: {e}"));
        let uids: Vec<u32> = self
            .session
            .uid_search(format!("UID {}:* {criteria}", after + 1))
            .await
            .unwrap_or_else(|e| panic!("IMAP SEARCH in {from}: {e}"))
            .into_iter()
            .filter(|u| *u > after)
            .collect();
        drain(&mut self.session);
        if uids.is_empty() {
            return after;
        }
        let set: Vec<String> = uids.iter().map(u32::to_string).collect();
        self.session
            .uid_mv(set.join(","), to)
            .await
            .unwrap_or_else(|e| panic!("IMAP MOVE to {to}: {e}"));
        drain(&mut self.session);
        uids.into_iter().max().unwrap_or(after)
    }

    pub async fn logout(mut self) {
        let _ = self.session.logout().await;
    }
}

fn drain(session: &mut async_imap::Session<TcpStream>) {
    while session.unsolicited_responses.try_recv().is_ok() {}
}
