//! Parses every `.eml` in a directory N times on one thread and prints
//! emails per second, then the time spent in each reader by format.
//!
//! ```text
//! cargo run --release --example parse_timing -- /work/shared/corpus 24
//! ```

use sponsor_intake::form::readers::{self, Format, Limits, tnef};
use sponsor_intake::message::walk;
use sponsor_intake::parse::parse;
use std::collections::BTreeMap;
use std::time::Duration;

/// CPU time this thread has run, so that other work on a shared machine
/// does not count (`CLOCK_THREAD_CPUTIME_ID`, Linux).
fn cpu() -> Duration {
    #[repr(C)]
    struct Timespec {
        sec: i64,
        nsec: i64,
    }
    unsafe extern "C" {
        fn clock_gettime(clock: i32, ts: *mut Timespec) -> i32;
    }
    const CLOCK_THREAD_CPUTIME_ID: i32 = 3;
    let mut ts = Timespec { sec: 0, nsec: 0 };
    // SAFETY: `ts` is a valid timespec for the call to fill in.
    unsafe { clock_gettime(CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    Duration::new(ts.sec as u64, ts.nsec as u32)
}

fn main() {
    let mut args = std::env::args().skip(1);
    let dir = args.next().unwrap_or_else(|| "/work/shared/corpus".into());
    let rounds: usize = args.next().and_then(|n| n.parse().ok()).unwrap_or(24);
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .expect("corpus directory")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "eml"))
        .collect();
    paths.sort();
    let emails: Vec<Vec<u8>> = paths.iter().map(|p| std::fs::read(p).unwrap()).collect();
    let limits = Limits::default();

    // Warm up once, then time whole parses.
    for raw in &emails {
        std::hint::black_box(parse(raw, &limits));
    }
    let start = cpu();
    for _ in 0..rounds {
        for raw in &emails {
            std::hint::black_box(parse(raw, &limits));
        }
    }
    let elapsed = cpu() - start;
    let n = emails.len() * rounds;
    println!(
        "{n} emails ({} samples x{rounds}) in {:.3}s of CPU: {:.0} emails/s",
        emails.len(),
        elapsed.as_secs_f64(),
        n as f64 / elapsed.as_secs_f64()
    );

    // Per email and per reader: the attachments as `parse` sees them.
    let mut by_format: BTreeMap<String, (usize, Duration)> = BTreeMap::new();
    let mut by_email: Vec<(Duration, &std::path::Path)> = Vec::new();
    for (raw, path) in emails.iter().zip(&paths) {
        let t = cpu();
        for _ in 0..rounds {
            std::hint::black_box(parse(raw, &limits));
        }
        by_email.push((cpu() - t, path));
        let Some(msg) = mail_parser::MessageParser::default().parse(&raw[..]) else {
            continue;
        };
        let content = walk::walk(&msg, &limits);
        let mut files: Vec<(String, String, Vec<u8>)> = Vec::new();
        for f in content.files {
            let format = readers::detect(Some(&f.filename), &f.content_type, &f.bytes);
            if format == Format::Tnef {
                for p in tnef::unpack(&f.bytes, &limits).unwrap_or_default() {
                    files.push((p.filename, "application/octet-stream".into(), p.bytes));
                }
            }
            files.push((f.filename, f.content_type, f.bytes));
        }
        for (name, ctype, bytes) in &files {
            let format = readers::detect(Some(name), ctype, bytes);
            if matches!(format, Format::Other | Format::Tnef) {
                continue;
            }
            let t = cpu();
            for _ in 0..rounds {
                let _ = std::hint::black_box(readers::read(format, name, bytes, &limits));
            }
            let e = by_format.entry(format!("{format:?}")).or_default();
            e.0 += rounds;
            e.1 += cpu() - t;
        }
    }
    println!("\nreader     calls   total ms   share");
    for (format, (calls, total)) in &by_format {
        println!(
            "{format:<9} {calls:>6} {:>10.1} {:>6.1}%",
            total.as_secs_f64() * 1e3,
            100.0 * total.as_secs_f64() / elapsed.as_secs_f64()
        );
    }
    by_email.sort_by_key(|e| std::cmp::Reverse(e.0));
    println!("\nslowest emails (ms per parse)");
    for (d, p) in by_email.iter().take(12) {
        println!(
            "{:>8.3}  {}",
            d.as_secs_f64() * 1e3 / rounds as f64,
            p.file_name().unwrap().to_string_lossy()
        );
    }
}
