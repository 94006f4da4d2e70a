//! The `sponsor-intake` binary: parses the command line, starts logging,
//! runs one command and maps its outcome to an exit code.

use clap::{Parser, Subcommand};
use sponsor_intake::cli::{self, CliError, exit};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser, Debug)]
#[command(
    name = "sponsor-intake",
    version,
    about = "NHSmail local sponsorship intake for care homes"
)]
struct Cli {
    /// The configuration file.
    #[arg(
        long,
        global = true,
        env = "SPONSOR_INTAKE_CONFIG",
        default_value = "/etc/sponsor-intake/sponsor-intake.toml"
    )]
    config: PathBuf,
    /// Act as if it were this time (RFC 3339, e.g. 2026-12-20T09:00:00Z): for
    /// tests, and for re-running a missed period of the scheduled jobs.
    #[arg(long, global = true, value_name = "RFC3339", value_parser = parse_now)]
    now: Option<chrono::DateTime<chrono::Utc>>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Run the daemon until SIGTERM or SIGINT.
    Run,
    /// One round: fetch and process new mail, send what is due, then exit.
    Once,
    /// Check the configuration, secrets, templates and calendar; connect to nothing.
    CheckConfig {
        /// Also sign in to the mailbox and the SMTP server, and report how long the credentials have left.
        #[arg(long)]
        connect: bool,
    },
    /// Sign in to the mailbox once with OAuth2 (device code) and keep the refresh token.
    Login,
    /// Create or update the database schema.
    Migrate,
    /// Print a one-time sign-in link to the web console for an administrator (15 minutes, single use).
    AdminLink {
        /// The administrator's email (web.administrators, else administrators.addresses).
        email: String,
    },
    /// Look at cases.
    Cases {
        #[command(subcommand)]
        command: CasesCommand,
    },
    /// The scheduled jobs: overdue digest, chasers, weekly summary, canary, retention, register re-checks.
    Jobs {
        #[command(subcommand)]
        command: JobsCommand,
    },
    /// The database: copy a sponsor's data between SQLite and PostgreSQL.
    Db {
        #[command(subcommand)]
        command: DbCommand,
    },
    /// Compare the mailbox's folders with the database: anything lost, doubled or unanswered.
    Reconcile {
        /// Print the report as JSON.
        #[arg(long)]
        json: bool,
    },
    /// The reader process the daemon reads each message in: a raw message
    /// on stdin, the parse result as JSON on stdout.
    #[command(hide = true)]
    ReadMessage {
        /// The caps (`form::readers::Limits`) as JSON.
        #[arg(long)]
        limits: String,
    },
    /// Read emails (.eml files) as the daemon would and print what was found.
    Parse {
        /// Print one JSON object per file (JSON Lines), as the parse contract says.
        #[arg(long)]
        json: bool,
        /// Print the text and tables the reader saw in each body and attachment.
        #[arg(long, conflicts_with = "json")]
        documents: bool,
        /// The .eml files to read.
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
}

#[derive(Subcommand, Debug)]
enum DbCommand {
    /// Copy every table from one database to another (SQLite to PostgreSQL or
    /// back), then compare row counts and checksums. Stop the daemon first.
    Copy {
        /// The database to copy from: sqlite://PATH or postgres://...
        #[arg(long, value_name = "URL")]
        from: String,
        /// The database to copy to (created schema; must be empty unless --replace).
        #[arg(long, value_name = "URL")]
        to: String,
        /// Empty the target first if it holds data.
        #[arg(long)]
        replace: bool,
    },
}

#[derive(Subcommand, Debug)]
enum JobsCommand {
    /// Each job, its schedule, its last and next run.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Run one job now, for its current period (reminders already sent in that period are not sent again).
    Run {
        /// overdue, chasers, weekly_summary, canary, retention or registers.
        name: String,
    },
}

fn parse_now(s: &str) -> Result<chrono::DateTime<chrono::Utc>, String> {
    chrono::DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&chrono::Utc))
        .map_err(|e| format!("{s:?} is not an RFC 3339 time ({e}); e.g. 2026-12-20T09:00:00Z"))
}

#[derive(Subcommand, Debug)]
enum CasesCommand {
    /// List cases, newest first.
    List {
        /// Only cases in this state (awaiting_information, ready_for_decision, approved, rejected, registered, lapsed).
        #[arg(long)]
        state: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Show one case: its form, findings, every message in and out, and its history.
    Show {
        reference: String,
        #[arg(long)]
        json: bool,
    },
    /// Approve a case that is ready for decision; the care home is told (section 3).
    Approve {
        reference: String,
        /// A note for the history.
        #[arg(long)]
        note: Option<String>,
    },
    /// Reject a case; the care home gets the reasons and the alternatives (section 4).
    Reject {
        reference: String,
        /// The reasons, sent to the care home.
        #[arg(long)]
        reason: String,
    },
    /// What to create in the NHSmail portal for an approved case (section 5).
    Pack {
        reference: String,
        /// A CSV for bulk creation instead of the readable list.
        #[arg(long)]
        csv: bool,
    },
    /// Record that the accounts exist; sends the care home the first-login guidance.
    Registered { reference: String },
    /// Check that no case's history has been altered.
    Verify,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match dispatch(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("sponsor-intake: {}", e.message);
            ExitCode::from(e.code)
        }
    }
}

fn dispatch(cli: Cli) -> Result<(), CliError> {
    match cli.command {
        Command::ReadMessage { limits } => {
            cli::read_message::run(&limits).map_err(|e| CliError::new(exit::FAILURE, e))
        }
        Command::Parse {
            json,
            documents,
            files,
        } => {
            let stdout = std::io::stdout();
            let show = if json {
                cli::parse::Show::Json
            } else if documents {
                cli::parse::Show::Documents
            } else {
                cli::parse::Show::Report
            };
            cli::parse::run(&files, show, &mut stdout.lock())
                .map_err(|e| CliError::new(exit::FAILURE, e))
        }
        Command::CheckConfig { connect } => cli::check_config::run(&cli.config, connect),
        Command::Login => {
            let config = cli::load_config(&cli.config)?;
            cli::logging::init(&config.logging.level, config.logging.format == "json");
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .map_err(|e| CliError::new(exit::FAILURE, e))?;
            let stdout = std::io::stdout();
            runtime.block_on(cli::login::run(&config, &mut stdout.lock()))
        }
        Command::Db {
            command: DbCommand::Copy { from, to, replace },
        } => {
            cli::logging::init("info", false);
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .enable_all()
                .build()
                .map_err(|e| CliError::new(exit::FAILURE, e))?;
            let stdout = std::io::stdout();
            runtime.block_on(cli::db::copy(&from, &to, replace, &mut stdout.lock()))
        }
        command => {
            let config = cli::load_config(&cli.config)?;
            cli::logging::init(&config.logging.level, config.logging.format == "json");
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .enable_all()
                .build()
                .map_err(|e| CliError::new(exit::FAILURE, e))?;
            runtime.block_on(run_async(command, config, cli.now))
        }
    }
}

async fn run_async(
    command: Command,
    config: sponsor_intake::config::Config,
    now: Option<chrono::DateTime<chrono::Utc>>,
) -> Result<(), CliError> {
    let mut app = sponsor_intake::app::App::start(config).await?;
    if let Some(t) = now {
        app.set_clock(std::sync::Arc::new(sponsor_intake::clock::FixedClock::new(
            t,
        )));
    }
    if matches!(command, Command::Run | Command::Once | Command::Jobs { .. }) {
        app.start_registers()?;
    }
    let stdout = std::io::stdout();
    let result = match command {
        Command::Run => cli::run::run(app.clone()).await,
        Command::Once => cli::run::once(&app).await,
        Command::Migrate => {
            println!("the database schema is up to date");
            Ok(())
        }
        Command::AdminLink { email } => {
            cli::admin_link::run(&app, &email, &mut stdout.lock()).await
        }
        Command::Cases {
            command: CasesCommand::List { state, json },
        } => cli::cases::list(&app, state.as_deref(), json, &mut stdout.lock()).await,
        Command::Cases {
            command: CasesCommand::Show { reference, json },
        } => cli::cases::show(&app, &reference, json, &mut stdout.lock()).await,
        Command::Cases {
            command: CasesCommand::Approve { reference, note },
        } => {
            let verdict = sponsor_intake::case::decision::Verdict::Approve;
            cli::decide::decide(
                &app,
                &reference,
                verdict,
                note.as_deref(),
                &mut stdout.lock(),
            )
            .await
        }
        Command::Cases {
            command: CasesCommand::Reject { reference, reason },
        } => {
            let verdict = sponsor_intake::case::decision::Verdict::Reject;
            cli::decide::decide(&app, &reference, verdict, Some(&reason), &mut stdout.lock()).await
        }
        Command::Cases {
            command: CasesCommand::Pack { reference, csv },
        } => cli::decide::pack(&app, &reference, csv, &mut stdout.lock()).await,
        Command::Cases {
            command: CasesCommand::Registered { reference },
        } => cli::decide::registered(&app, &reference, &mut stdout.lock()).await,
        Command::Cases {
            command: CasesCommand::Verify,
        } => cli::decide::verify(&app, &mut stdout.lock()).await,
        Command::Jobs {
            command: JobsCommand::List { json },
        } => cli::jobs::list(&app, json, &mut stdout.lock()).await,
        Command::Jobs {
            command: JobsCommand::Run { name },
        } => cli::jobs::run(&app, &name, &mut stdout.lock()).await,
        Command::Reconcile { json } => cli::reconcile::run(&app, json, &mut stdout.lock()).await,
        Command::Parse { .. }
        | Command::ReadMessage { .. }
        | Command::CheckConfig { .. }
        | Command::Login
        | Command::Db { .. } => Ok(()),
    };
    app.store.close().await;
    result
}
