//! A TCP proxy on an ephemeral loopback port between the daemon and one of
//! the shared mail servers, so that a test can take "the server" away
//! without stopping the real one (other tests use it at the same time).
//!
//! - [`Proxy::refuse`]: every live connection is cut and new ones are
//!   accepted and closed at once, before the server's greeting, as a server
//!   that is down or restarting looks to a client.
//! - [`Proxy::cut`]: every live connection is cut (a server restart); new
//!   connections go through.
//! - [`Proxy::cut_after`]: the next connection that carries more than `n`
//!   bytes from the server is cut at that point (a restart in the middle of
//!   a large FETCH).
//!
//! TLS (STARTTLS or implicit) passes through untouched: the proxy sees bytes only.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

struct State {
    target: (String, u16),
    open: AtomicBool,
    /// Bumped to cut every live connection.
    cuts: watch::Sender<u64>,
    /// 0: off; otherwise cut a connection once it carried this many bytes from the server.
    cut_after: AtomicU64,
    /// Connections cut by `cut_after`.
    cut_mid_transfer: AtomicU32,
    /// Connections accepted (including refused ones).
    accepted: AtomicU32,
}

/// The proxy; it stops when dropped.
pub struct Proxy {
    pub port: u16,
    state: Arc<State>,
    task: tokio::task::JoinHandle<()>,
}

impl Proxy {
    /// Starts a proxy to `host:port` of the test servers.
    pub async fn start(target_port: u16) -> Proxy {
        let host = super::servers().host.clone();
        let listener = TcpListener::bind((host.as_str(), 0))
            .await
            .expect("bind the proxy");
        let port = listener.local_addr().expect("proxy address").port();
        let state = Arc::new(State {
            target: (host, target_port),
            open: AtomicBool::new(true),
            cuts: watch::channel(0).0,
            cut_after: AtomicU64::new(0),
            cut_mid_transfer: AtomicU32::new(0),
            accepted: AtomicU32::new(0),
        });
        let s = state.clone();
        let task = tokio::spawn(async move {
            loop {
                let Ok((client, _)) = listener.accept().await else {
                    continue;
                };
                s.accepted.fetch_add(1, Ordering::Relaxed);
                if !s.open.load(Ordering::SeqCst) {
                    drop(client);
                    continue;
                }
                tokio::spawn(relay(client, s.clone()));
            }
        });
        Proxy { port, state, task }
    }

    /// The server is down: live connections are cut, new ones closed at once.
    pub fn refuse(&self) {
        self.state.open.store(false, Ordering::SeqCst);
        self.cut();
    }

    /// The server is back.
    pub fn reopen(&self) {
        self.state.open.store(true, Ordering::SeqCst);
    }

    /// Cuts every live connection (new ones go through).
    pub fn cut(&self) {
        self.state.cuts.send_modify(|n| *n += 1);
    }

    /// Cuts the next connection that carries more than `bytes` from the server, once.
    pub fn cut_after(&self, bytes: u64) {
        self.state.cut_after.store(bytes, Ordering::SeqCst);
    }

    /// How many connections `cut_after` cut.
    pub fn cut_mid_transfer(&self) -> u32 {
        self.state.cut_mid_transfer.load(Ordering::SeqCst)
    }

    /// How many connections were made to the proxy.
    pub fn accepted(&self) -> u32 {
        self.state.accepted.load(Ordering::SeqCst)
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.cut();
        self.task.abort();
    }
}

async fn relay(mut client: TcpStream, s: Arc<State>) {
    let mut cuts = s.cuts.subscribe();
    cuts.borrow_and_update();
    let Ok(mut server) = TcpStream::connect((s.target.0.as_str(), s.target.1)).await else {
        return;
    };
    let (mut cr, mut cw) = client.split();
    let (mut sr, mut sw) = server.split();
    let mut up = vec![0u8; 16 * 1024];
    let mut down = vec![0u8; 16 * 1024];
    let mut from_server: u64 = 0;
    loop {
        tokio::select! {
            _ = cuts.changed() => return,
            r = cr.read(&mut up) => match r {
                Ok(0) | Err(_) => return,
                Ok(n) => if sw.write_all(&up[..n]).await.is_err() { return },
            },
            r = sr.read(&mut down) => match r {
                Ok(0) | Err(_) => return,
                Ok(n) => {
                    from_server += n as u64;
                    let limit = s.cut_after.load(Ordering::SeqCst);
                    if limit > 0
                        && from_server > limit
                        && s.cut_after.compare_exchange(limit, 0, Ordering::SeqCst, Ordering::SeqCst).is_ok()
                    {
                        s.cut_mid_transfer.fetch_add(1, Ordering::SeqCst);
                        return;
                    }
                    if cw.write_all(&down[..n]).await.is_err() { return }
                }
            },
        }
    }
}
