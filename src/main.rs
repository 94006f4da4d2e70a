//! The `sponsor-intake` binary: parses the command line, starts logging,
//! runs one command and maps its outcome to an exit code.

use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser, Debug)]
#[command(
    name = "sponsor-intake",
    version,
    about = "NHSmail local sponsorship intake for care homes"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Read emails (.eml files) as the daemon would and print what was found.
    Parse {
        /// Print one JSON object per file (JSON Lines), as the parse contract says.
        #[arg(long)]
        json: bool,
        /// The .eml files to read.
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Parse { json, files } => {
            let stdout = std::io::stdout();
            sponsor_intake::cli::parse::run(&files, json, &mut stdout.lock())
                .map_err(anyhow::Error::from)
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("sponsor-intake: {e:#}");
            ExitCode::FAILURE
        }
    }
}
