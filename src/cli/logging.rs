//! Log output: readable text or JSON lines on stderr (journald keeps them).
//! `RUST_LOG` overrides the configured level.

use tracing_subscriber::EnvFilter;

/// Targets that write the wire protocol (the IMAP LOGIN command with its
/// password, the messages themselves) at TRACE: never below DEBUG, whatever
/// the configured level or `RUST_LOG` say.
const WIRE: &[&str] = &["async_imap::imap_stream=debug"];

pub fn init(level: &str, json: bool) {
    let mut filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(level));
    for directive in WIRE {
        if let Ok(d) = directive.parse() {
            filter = filter.add_directive(d);
        }
    }
    // Colour only for a person at a terminal: under systemd, or written to
    // a file, escape codes are noise in every line.
    let colour = std::io::IsTerminal::is_terminal(&std::io::stderr())
        && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(colour)
        .with_writer(std::io::stderr);
    let _ = if json {
        builder.json().try_init()
    } else {
        builder.compact().try_init()
    };
}
