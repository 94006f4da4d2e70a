//! The message reader in a child process: the same binary's hidden
//! `read-message` command, fed the raw message on stdin, answering with the
//! [`Parsed`] result as JSON on stdout. It runs under a memory limit
//! (`RLIMIT_AS`), a processor-time limit (`RLIMIT_CPU`), a known stack
//! (`RLIMIT_STACK`) and a wall-clock timeout, so that a message which
//! overflows the stack, exhausts memory or never finishes costs only that
//! child: the daemon gets a [`Failure`] with the reason, quarantines the
//! message and carries on. Parsing itself stays in `crate::parse`.

use crate::form::readers::Limits;
use crate::parse::Parsed;
use std::path::PathBuf;
use std::process::Stdio;
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWriteExt};

/// How far one reader process may go.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Bounds {
    /// Its address space (`RLIMIT_AS`), in bytes.
    pub memory_bytes: u64,
    /// Its processor time (`RLIMIT_CPU`), in seconds.
    pub cpu_seconds: u64,
    /// Its life by the clock; it is killed after this.
    pub wall: Duration,
}

impl Default for Bounds {
    fn default() -> Self {
        Bounds {
            memory_bytes: 1 << 30,
            cpu_seconds: 30,
            wall: Duration::from_secs(60),
        }
    }
}

/// The reader's main-thread stack. Fixed, so that how deep a message may
/// nest before the reader dies does not depend on the daemon's `ulimit -s`.
pub const STACK_BYTES: u64 = 16 << 20;

/// The most read back from the reader: a parse result is a few kilobytes
/// (the form, its provenance, the attachment list).
const MAX_ANSWER_BYTES: usize = 16 << 20;

/// The most of the reader's stderr kept, for the reason and the log.
const MAX_STDERR_BYTES: usize = 8 << 10;

/// The name of the hidden command that reads one message.
pub const COMMAND: &str = "read-message";

/// Where and how to run the reader. One reader process serves message
/// after message (starting a process per message made a backlog several
/// times slower); it is replaced after a failure and every
/// [`MESSAGES_PER_PROCESS`] messages.
#[derive(Clone, Debug)]
pub struct Reader {
    /// The program with the `read-message` command: the daemon's own binary.
    pub program: PathBuf,
    pub bounds: Bounds,
    worker: Arc<tokio::sync::Mutex<Option<Worker>>>,
}

/// A fresh process after this many messages, so that nothing one message
/// left behind in it (fragmented memory) weighs on many more.
pub const MESSAGES_PER_PROCESS: u32 = 200;

impl Reader {
    pub fn new(program: PathBuf, bounds: Bounds) -> Reader {
        Reader {
            program,
            bounds,
            worker: Arc::default(),
        }
    }

    /// The running binary as the reader. `/proc/self/exe` rather than the
    /// path it was started from: after a package upgrade replaced the file,
    /// the daemon still starts readers of its own version.
    pub fn this_binary(bounds: Bounds) -> Reader {
        let proc_exe = PathBuf::from("/proc/self/exe");
        let program = if proc_exe.exists() {
            proc_exe
        } else {
            std::env::current_exe().unwrap_or(proc_exe)
        };
        Reader::new(program, bounds)
    }
}

/// Why the reader gave no result. The text is the quarantine reason the
/// administrators read.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Failure {
    #[error("the reader could not be started ({0})")]
    Spawn(String),
    #[error("the reader ran out of memory (limit {limit_mb} MB)")]
    OutOfMemory { limit_mb: u64 },
    #[error("the reader crashed (stack overflow, signal {0}): the message nests too deeply")]
    StackOverflow(i32),
    #[error("the reader used more than {0} s of processor time")]
    Cpu(u64),
    #[error("the reader took longer than {0} s")]
    TimedOut(u64),
    #[error("the reader crashed (signal {0})")]
    Signal(i32),
    #[error("the reader failed (panic: {0})")]
    Panic(String),
    #[error("the reader failed (exit status {code}{detail})")]
    Exit { code: i32, detail: String },
    #[error("the reader's answer was larger than {} MB", MAX_ANSWER_BYTES >> 20)]
    AnswerTooLarge,
    #[error("the reader's answer could not be understood ({0})")]
    Malformed(String),
}

/// How a reader process ended, as far as judging it goes.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Ending {
    /// The exit code, when it exited.
    pub code: Option<i32>,
    /// The signal that ended it, when one did.
    pub signal: Option<i32>,
    /// The start of what it wrote to stderr.
    pub stderr: String,
    /// We killed it because its time was up.
    pub timed_out: bool,
    /// It wrote more than [`MAX_ANSWER_BYTES`] to stdout.
    pub answer_too_large: bool,
}

/// What an ending means: `None` for a clean exit, else the failure.
pub fn judge(end: &Ending, bounds: &Bounds) -> Option<Failure> {
    if end.timed_out {
        return Some(Failure::TimedOut(bounds.wall.as_secs().max(1)));
    }
    let out_of_memory = end.stderr.contains("memory allocation of")
        || end.stderr.contains("out of memory")
        || end.stderr.contains("Cannot allocate memory");
    if let Some(signal) = end.signal {
        return Some(match signal {
            libc::SIGXCPU => Failure::Cpu(bounds.cpu_seconds),
            _ if out_of_memory => Failure::OutOfMemory {
                limit_mb: bounds.memory_bytes >> 20,
            },
            _ if end.stderr.contains("overflowed its stack") => Failure::StackOverflow(signal),
            // Without a handler's message, a segmentation fault in a reader
            // that has no unsafe code of its own is the stack guard page.
            libc::SIGSEGV => Failure::StackOverflow(signal),
            other => Failure::Signal(other),
        });
    }
    match end.code {
        Some(0) if end.answer_too_large => Some(Failure::AnswerTooLarge),
        Some(0) => None,
        _ if out_of_memory => Some(Failure::OutOfMemory {
            limit_mb: bounds.memory_bytes >> 20,
        }),
        Some(code) => Some(match panic_message(&end.stderr) {
            Some(message) => Failure::Panic(message),
            None => Failure::Exit {
                code,
                detail: first_line(&end.stderr)
                    .map(|l| format!(": {l}"))
                    .unwrap_or_default(),
            },
        }),
        None => Some(Failure::Signal(0)),
    }
}

/// The message of a Rust panic report (`thread 'main' panicked at f.rs:1:2:\nmessage`).
fn panic_message(stderr: &str) -> Option<String> {
    let mut lines = stderr.lines();
    lines.find(|l| l.contains("panicked at"))?;
    lines
        .next()
        .map(|l| l.trim().chars().take(300).collect())
        .filter(|l: &String| !l.is_empty())
}

fn first_line(stderr: &str) -> Option<String> {
    stderr
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .map(|l| l.chars().take(300).collect())
}

/// Reads one message in the reader process and returns what it found.
pub async fn read(reader: &Reader, limits: &Limits, raw: Arc<Vec<u8>>) -> Result<Parsed, Failure> {
    let mut slot = reader.worker.lock().await;
    let retire = slot.as_mut().is_some_and(|w| {
        w.served >= MESSAGES_PER_PROCESS || !matches!(w.child.try_wait(), Ok(None))
    });
    if retire && let Some(old) = slot.take() {
        old.stop().await;
    }
    let reused = slot.is_some();
    match attempt(reader, limits, &raw, &mut slot).await {
        // A process that had read earlier messages may have died before
        // this one came (killed while idle, say by the OOM killer it is
        // first in line for): a fresh process judges the message. The
        // clock limit is per message, so a timeout is the message's own.
        Err(failure) if reused && !matches!(failure, Failure::TimedOut(_) | Failure::Spawn(_)) => {
            tracing::warn!(%failure, "the reader process failed; the message is read again by a fresh one");
            attempt(reader, limits, &raw, &mut slot).await
        }
        other => other,
    }
}

/// One reading, in the process in `slot` (started if there is none); a
/// process that failed is taken out of `slot`.
async fn attempt(
    reader: &Reader,
    limits: &Limits,
    raw: &[u8],
    slot: &mut Option<Worker>,
) -> Result<Parsed, Failure> {
    let bounds = &reader.bounds;
    let worker = match slot.as_mut() {
        Some(w) => w,
        None => slot.insert(Worker::spawn(reader, limits)?),
    };
    worker.allow_cpu(bounds.cpu_seconds);
    let exchange = worker.exchange(raw);
    let answer = match tokio::time::timeout(bounds.wall, exchange).await {
        Ok(Ok(answer)) => answer,
        Ok(Err(broken)) => {
            let end = match slot.take() {
                Some(w) => w.ending(false, broken.too_large).await,
                None => Ending::default(),
            };
            return Err(judge(&end, bounds).unwrap_or(Failure::Malformed(broken.reason)));
        }
        Err(_) => {
            if let Some(w) = slot.take() {
                w.ending(true, false).await;
            }
            return Err(Failure::TimedOut(bounds.wall.as_secs().max(1)));
        }
    };
    worker.served += 1;
    serde_json::from_slice(&answer).map_err(|e| {
        // It answered, but not in the protocol: it is not trusted again.
        slot.take();
        Failure::Malformed(e.to_string())
    })
}

/// Why an exchange with the reader process broke off.
struct Broken {
    reason: String,
    too_large: bool,
}

impl From<std::io::Error> for Broken {
    fn from(e: std::io::Error) -> Self {
        Broken {
            reason: e.to_string(),
            too_large: false,
        }
    }
}

/// One running reader process.
#[derive(Debug)]
struct Worker {
    child: tokio::process::Child,
    stdin: tokio::process::ChildStdin,
    stdout: tokio::io::BufReader<tokio::process::ChildStdout>,
    /// The end of what it wrote to stderr (a crash report comes last).
    stderr: Arc<std::sync::Mutex<Vec<u8>>>,
    served: u32,
}

impl Worker {
    fn spawn(reader: &Reader, limits: &Limits) -> Result<Worker, Failure> {
        let limits_json =
            serde_json::to_string(limits).map_err(|e| Failure::Spawn(format!("limits: {e}")))?;
        let mut command = tokio::process::Command::new(&reader.program);
        command
            .arg(COMMAND)
            .arg("--limits")
            .arg(limits_json)
            // The reader needs nothing from the environment, and must not see
            // the secrets some deployments keep there.
            .env_clear()
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true);
        let (memory, cpu) = (reader.bounds.memory_bytes, reader.bounds.cpu_seconds);
        // SAFETY: between fork and exec only async-signal-safe calls are made
        // (getrlimit, setrlimit, prctl, open, write, close); nothing is
        // allocated or locked.
        unsafe {
            command.pre_exec(move || confine(memory, cpu));
        }
        let mut child = command
            .spawn()
            .map_err(|e| Failure::Spawn(format!("{}: {e}", reader.program.display())))?;
        let (Some(stdin), Some(stdout), Some(stderr)) =
            (child.stdin.take(), child.stdout.take(), child.stderr.take())
        else {
            return Err(Failure::Spawn("no pipes to the reader".into()));
        };
        let kept = Arc::new(std::sync::Mutex::new(Vec::new()));
        tokio::spawn(keep_tail(stderr, kept.clone()));
        Ok(Worker {
            child,
            stdin,
            stdout: tokio::io::BufReader::new(stdout),
            stderr: kept,
            served: 0,
        })
    }

    /// Lets it use `seconds` more of processor time than it has used so far.
    fn allow_cpu(&self, seconds: u64) {
        let Some(pid) = self.child.id() else {
            return;
        };
        let used = cpu_seconds_used(pid).unwrap_or(0);
        let soft = used.saturating_add(seconds);
        let wanted = libc::rlimit {
            rlim_cur: soft,
            rlim_max: soft.saturating_add(1),
        };
        // SAFETY: prlimit reads the struct we own and writes nothing back (null).
        let _ = unsafe {
            libc::prlimit(
                pid as libc::pid_t,
                libc::RLIMIT_CPU,
                &wanted,
                std::ptr::null_mut(),
            )
        };
    }

    /// Sends one message and reads its answer.
    async fn exchange(&mut self, raw: &[u8]) -> Result<Vec<u8>, Broken> {
        self.stdin
            .write_all(format!("{}\n", raw.len()).as_bytes())
            .await?;
        self.stdin.write_all(raw).await?;
        self.stdin.flush().await?;
        let mut line = String::new();
        (&mut self.stdout).take(32).read_line(&mut line).await?;
        let len: usize = line.trim().parse().map_err(|_| Broken {
            reason: if line.is_empty() {
                "it stopped without answering".into()
            } else {
                format!("a bad frame {line:?}")
            },
            too_large: false,
        })?;
        if len > MAX_ANSWER_BYTES {
            return Err(Broken {
                reason: "too large".into(),
                too_large: true,
            });
        }
        let mut answer = vec![0u8; len];
        self.stdout.read_exact(&mut answer).await?;
        Ok(answer)
    }

    /// Ends the process (killing it when `kill`) and says how it ended.
    async fn ending(mut self, kill: bool, answer_too_large: bool) -> Ending {
        if kill || answer_too_large {
            let _ = self.child.start_kill();
        }
        // A process that broke the protocol but lives on is given a moment
        // to finish dying (its crash report is being written), then killed.
        let status = match tokio::time::timeout(Duration::from_secs(5), self.child.wait()).await {
            Ok(status) => status.ok(),
            Err(_) => {
                let _ = self.child.start_kill();
                self.child.wait().await.ok()
            }
        };
        // The stderr task ends with the process; let it catch up.
        tokio::time::sleep(Duration::from_millis(20)).await;
        use std::os::unix::process::ExitStatusExt;
        let stderr = self
            .stderr
            .lock()
            .map(|k| String::from_utf8_lossy(&k).into_owned())
            .unwrap_or_default();
        if !stderr.trim().is_empty() {
            tracing::warn!(stderr = %stderr.trim(), "the reader process failed");
        }
        Ending {
            code: status.and_then(|s| s.code()),
            signal: status.and_then(|s| s.signal()),
            stderr,
            timed_out: kill,
            answer_too_large,
        }
    }

    /// Lets it finish (end of input), killing it if it does not.
    async fn stop(mut self) {
        let _ = self.stdin.shutdown().await;
        drop(self.stdin);
        if tokio::time::timeout(Duration::from_secs(2), self.child.wait())
            .await
            .is_err()
        {
            let _ = self.child.start_kill();
            let _ = self.child.wait().await;
        }
    }
}

/// Keeps the last [`MAX_STDERR_BYTES`] of a pipe until it ends.
async fn keep_tail(mut from: impl AsyncRead + Unpin, kept: Arc<std::sync::Mutex<Vec<u8>>>) {
    let mut buf = vec![0u8; 8 * 1024];
    loop {
        match from.read(&mut buf).await {
            Ok(0) | Err(_) => break,
            Ok(n) => {
                if let Ok(mut k) = kept.lock() {
                    k.extend_from_slice(&buf[..n]);
                    let over = k.len().saturating_sub(MAX_STDERR_BYTES);
                    k.drain(..over);
                }
            }
        }
    }
}

/// Processor seconds a process has used (user and system), rounded up.
fn cpu_seconds_used(pid: u32) -> Option<u64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name may hold spaces; the fields after it may not.
    let rest = stat.rsplit_once(')')?.1;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks: u64 = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    // SAFETY: sysconf reads a constant.
    let per_second = u64::try_from(unsafe { libc::sysconf(libc::_SC_CLK_TCK) })
        .ok()
        .filter(|&t| t > 0)?;
    Some(ticks.div_ceil(per_second))
}

/// In the child before exec: the limits, no core dumps, first in line for
/// the OOM killer, and death with the daemon (a reader left running by a
/// killed daemon would hold its memory).
fn confine(memory: u64, cpu: u64) -> std::io::Result<()> {
    limit(libc::RLIMIT_AS, memory, memory)?;
    // SIGXCPU at the soft limit; the hard limit a second later kills it
    // should it catch that.
    limit(libc::RLIMIT_CPU, cpu, cpu + 1)?;
    limit(libc::RLIMIT_STACK, STACK_BYTES, STACK_BYTES)?;
    limit(libc::RLIMIT_CORE, 0, 0)?;
    prefer_for_oom_killer();
    // The signal comes when the thread that started the reader ends: the
    // reader is started from async code, on a runtime thread, which lives
    // as long as the daemon (never from a blocking-pool thread, which
    // would retire when idle).
    // SAFETY: prctl with PR_SET_PDEATHSIG takes a signal number and touches no memory.
    if unsafe { libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL) } != 0 {
        return Err(std::io::Error::last_os_error());
    }
    Ok(())
}

/// Should the machine run out of memory all the same, the kernel kills the
/// reader rather than the daemon. Best effort: without /proc, nothing.
fn prefer_for_oom_killer() {
    const WORST: &[u8] = b"1000";
    // SAFETY: open, write and close on a static path and buffer; no allocation.
    unsafe {
        let fd = libc::open(c"/proc/self/oom_score_adj".as_ptr(), libc::O_WRONLY);
        if fd >= 0 {
            let _ = libc::write(fd, WORST.as_ptr().cast(), WORST.len());
            libc::close(fd);
        }
    }
}

/// Lowers a limit; never tries to raise one above the hard limit already in
/// force (an unprivileged process may not).
fn limit(resource: libc::__rlimit_resource_t, soft: u64, hard: u64) -> std::io::Result<()> {
    let mut now = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit writes into the struct we own.
    if unsafe { libc::getrlimit(resource, &mut now) } != 0 {
        return Err(std::io::Error::last_os_error());
    }
    let hard = hard.min(now.rlim_max);
    let wanted = libc::rlimit {
        rlim_cur: soft.min(hard),
        rlim_max: hard,
    };
    // SAFETY: setrlimit reads the struct we own.
    if unsafe { libc::setrlimit(resource, &wanted) } != 0 {
        return Err(std::io::Error::last_os_error());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bounds() -> Bounds {
        Bounds {
            memory_bytes: 1024 << 20,
            cpu_seconds: 30,
            wall: Duration::from_secs(60),
        }
    }

    fn ended(code: Option<i32>, signal: Option<i32>, stderr: &str) -> Ending {
        Ending {
            code,
            signal,
            stderr: stderr.into(),
            ..Ending::default()
        }
    }

    #[test]
    fn a_clean_exit_is_no_failure() {
        assert_eq!(judge(&ended(Some(0), None, ""), &bounds()), None);
    }

    #[test]
    fn each_ending_has_its_reason() {
        let b = bounds();
        let cases: Vec<(Ending, &str)> = vec![
            (
                ended(
                    None,
                    Some(6),
                    "memory allocation of 1073741824 bytes failed\n",
                ),
                "the reader ran out of memory (limit 1024 MB)",
            ),
            (
                ended(
                    None,
                    Some(6),
                    "\nthread 'main' has overflowed its stack\nfatal runtime error: stack overflow\n",
                ),
                "the reader crashed (stack overflow, signal 6): the message nests too deeply",
            ),
            (
                ended(None, Some(11), ""),
                "the reader crashed (stack overflow, signal 11): the message nests too deeply",
            ),
            (
                ended(None, Some(24), ""),
                "the reader used more than 30 s of processor time",
            ),
            (ended(None, Some(9), ""), "the reader crashed (signal 9)"),
            (
                ended(
                    Some(101),
                    None,
                    "\nthread 'main' panicked at src/form/x.rs:1:2:\nindex out of bounds\nnote: run with RUST_BACKTRACE=1\n",
                ),
                "the reader failed (panic: index out of bounds)",
            ),
            (
                ended(Some(2), None, "error: unexpected argument\n"),
                "the reader failed (exit status 2: error: unexpected argument)",
            ),
            (
                Ending {
                    timed_out: true,
                    ..Ending::default()
                },
                "the reader took longer than 60 s",
            ),
            (
                Ending {
                    code: Some(0),
                    answer_too_large: true,
                    ..Ending::default()
                },
                "the reader's answer was larger than 16 MB",
            ),
        ];
        for (end, want) in cases {
            let got = judge(&end, &b).map(|f| f.to_string());
            assert_eq!(got.as_deref(), Some(want), "{end:?}");
        }
    }

    #[test]
    fn the_memory_limit_is_named_as_configured() {
        let b = Bounds {
            memory_bytes: 256 << 20,
            ..bounds()
        };
        let end = ended(Some(134), None, "memory allocation of 8 bytes failed");
        assert_eq!(
            judge(&end, &b),
            Some(Failure::OutOfMemory { limit_mb: 256 })
        );
    }

    /// A reader that does not exist fails to start, with its path named.
    #[tokio::test]
    async fn a_missing_program_is_a_spawn_failure() {
        let reader = Reader::new("/nonexistent/sponsor-intake".into(), bounds());
        let err = read(&reader, &Limits::default(), Arc::new(b"x".to_vec()))
            .await
            .unwrap_err();
        assert!(
            matches!(err, Failure::Spawn(ref m) if m.contains("/nonexistent")),
            "{err}"
        );
    }

    /// A stand-in reader: a shell script (the test harness is not the binary).
    fn script(body: &str) -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("reader");
        let body = body.replace("@DIR@", &dir.path().display().to_string());
        std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).unwrap();
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
        (dir, path)
    }

    /// Answers every message with `json`, as the real reader frames it.
    fn serving(json: &str) -> String {
        format!(
            "echo started >> @DIR@/starts\nwhile read -r len; do head -c \"$len\" >/dev/null; printf '%s\\n%s' {} '{json}'; done",
            json.len()
        )
    }

    /// Real processes standing in for the reader: how each ending is seen.
    #[tokio::test]
    async fn real_endings_of_a_stand_in_reader() {
        let run = |path: PathBuf, wall: u64| async move {
            let reader = Reader::new(
                path,
                Bounds {
                    wall: Duration::from_secs(wall),
                    ..bounds()
                },
            );
            read(&reader, &Limits::default(), Arc::new(vec![b'x'; 1 << 20])).await
        };
        let (_d, slow) = script("exec sleep 30");
        let started = std::time::Instant::now();
        assert_eq!(run(slow, 1).await.unwrap_err(), Failure::TimedOut(1));
        assert!(started.elapsed() < Duration::from_secs(10));
        let (_d, abort) = script("kill -ABRT $$");
        assert_eq!(run(abort, 60).await.unwrap_err(), Failure::Signal(6));
        let (_d, junk) = script(&serving("not json"));
        assert!(matches!(
            run(junk, 60).await.unwrap_err(),
            Failure::Malformed(_)
        ));
        let (_d, silent) = script("read -r len; exit 0");
        assert!(matches!(
            run(silent, 60).await.unwrap_err(),
            Failure::Malformed(_)
        ));
    }

    /// One process serves message after message.
    #[tokio::test]
    async fn one_process_reads_many_messages() {
        let parsed = crate::parse::parse(b"Subject: hi\r\n\r\nhello\r\n", &Limits::default());
        let (dir, path) = script(&serving(&serde_json::to_string(&parsed).unwrap()));
        let reader = Reader::new(path, bounds());
        for _ in 0..3 {
            let got = read(&reader, &Limits::default(), Arc::new(b"x".to_vec()))
                .await
                .unwrap();
            assert_eq!(got.envelope.subject, "hi");
        }
        let starts = std::fs::read_to_string(dir.path().join("starts")).unwrap();
        assert_eq!(starts.lines().count(), 1, "{starts}");
    }

    /// A reader process killed while idle costs the next message nothing:
    /// it is read by a fresh process.
    #[tokio::test]
    async fn a_reader_killed_while_idle_costs_the_next_message_nothing() {
        let parsed = crate::parse::parse(b"Subject: hi\r\n\r\nhello\r\n", &Limits::default());
        let (dir, path) = script(&serving(&serde_json::to_string(&parsed).unwrap()));
        let reader = Reader::new(path, bounds());
        let limits = Limits::default();
        let one = || read(&reader, &limits, Arc::new(b"x".to_vec()));
        one().await.unwrap();
        let pid = reader
            .worker
            .lock()
            .await
            .as_ref()
            .unwrap()
            .child
            .id()
            .unwrap();
        // SAFETY: a signal to our own child.
        unsafe { libc::kill(pid as libc::pid_t, libc::SIGKILL) };
        tokio::time::sleep(Duration::from_millis(100)).await;
        assert_eq!(one().await.unwrap().envelope.subject, "hi");
        let starts = std::fs::read_to_string(dir.path().join("starts")).unwrap();
        assert_eq!(starts.lines().count(), 2, "{starts}");
    }

    /// The limits are in force in the reader, and nothing of the daemon's
    /// environment reaches it.
    #[tokio::test]
    async fn the_reader_runs_confined() {
        let (dir, path) = script(
            "{ ulimit -v; ulimit -t; ulimit -s; ulimit -c; cat /proc/self/oom_score_adj; env | grep -c SECRET; } > @DIR@/seen\nexit 3",
        );
        // SAFETY: a test of its own; nothing else reads this variable.
        unsafe { std::env::set_var("SI_TEST_SECRET", "x") };
        let reader = Reader::new(
            path,
            Bounds {
                memory_bytes: 512 << 20,
                cpu_seconds: 7,
                wall: Duration::from_secs(30),
            },
        );
        let err = read(&reader, &Limits::default(), Arc::new(b"x".to_vec()))
            .await
            .unwrap_err();
        assert_eq!(
            err,
            Failure::Exit {
                code: 3,
                detail: String::new()
            }
        );
        let seen = std::fs::read_to_string(dir.path().join("seen")).unwrap();
        let lines: Vec<&str> = seen.lines().collect();
        // The processor time is the per-message allowance over what it has used.
        assert_eq!(
            lines,
            [
                "524288",
                "7",
                &(STACK_BYTES / 1024).to_string(),
                "0",
                "1000",
                "0"
            ],
            "{seen}"
        );
    }
}
