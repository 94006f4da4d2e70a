//! `read-message` (hidden): the reader process of `intake::reader`. Reads
//! raw messages on stdin, each framed as its length in decimal and a
//! newline, then its bytes; answers each with the parse result as JSON,
//! framed the same way. Stops at the end of stdin. It loads no
//! configuration, opens no database and starts no runtime: a crash here
//! takes only this process.

use crate::form::readers::Limits;
use std::io::{BufRead, Read, Write};

/// Serves messages until stdin ends.
pub fn run(limits_json: &str) -> Result<(), String> {
    let limits: Limits = serde_json::from_str(limits_json).map_err(|e| format!("--limits: {e}"))?;
    let stdin = std::io::stdin();
    let mut input = stdin.lock();
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    while let Some(len) = frame_length(&mut input)? {
        // One byte over the limit is enough for parse to refuse the message.
        let keep = len.min(limits.max_message_bytes.saturating_add(1));
        let mut raw = vec![0u8; keep];
        input
            .read_exact(&mut raw)
            .map_err(|e| format!("reading the message: {e}"))?;
        std::io::copy(
            &mut (&mut input).take((len - keep) as u64),
            &mut std::io::sink(),
        )
        .map_err(|e| format!("reading the message: {e}"))?;
        let parsed = crate::parse::parse(&raw, &limits);
        drop(raw);
        let answer = serde_json::to_vec(&parsed).map_err(|e| format!("writing the result: {e}"))?;
        drop(parsed);
        writeln!(out, "{}", answer.len())
            .and_then(|()| out.write_all(&answer))
            .and_then(|()| out.flush())
            .map_err(|e| format!("writing the result: {e}"))?;
        give_memory_back();
    }
    Ok(())
}

/// The length line of the next frame; `None` at the end of input.
fn frame_length(input: &mut impl BufRead) -> Result<Option<usize>, String> {
    let mut line = String::new();
    let n = input
        .by_ref()
        .take(32)
        .read_line(&mut line)
        .map_err(|e| format!("reading a frame: {e}"))?;
    if n == 0 {
        return Ok(None);
    }
    line.trim()
        .parse()
        .map(Some)
        .map_err(|_| format!("bad frame length {line:?}"))
}

/// The next message starts with all the address space its predecessor used
/// handed back, so that the memory limit bounds each message alike.
fn give_memory_back() {
    // SAFETY: malloc_trim only walks glibc's own heap.
    unsafe {
        libc::malloc_trim(0);
    }
}
