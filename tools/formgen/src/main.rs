//! `formgen --seed S --count N --out DIR` writes a generated corpus;
//! `formgen score DIR --bin PATH` scores a corpus with the reader.

use std::path::PathBuf;
use std::process::ExitCode;

const USAGE: &str = "usage: formgen --seed S --count N --out DIR [--plain | --one-off]\n       formgen score DIR [--bin PATH] [--quiet] [--json-out FILE]";

fn value(args: &[String], name: &str) -> Option<String> {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .cloned()
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().is_some_and(|a| a == "score") {
        return score(&args[1..]);
    }
    let (Some(seed), Some(out)) = (value(&args, "--seed"), value(&args, "--out")) else {
        eprintln!("{USAGE}");
        return ExitCode::from(2);
    };
    let count = value(&args, "--count").unwrap_or_else(|| "1000".into());
    let (Ok(seed), Ok(count)) = (seed.parse::<u64>(), count.parse::<u64>()) else {
        eprintln!("--seed and --count take whole numbers\n{USAGE}");
        return ExitCode::from(2);
    };
    let mode = if args.iter().any(|a| a == "--plain") {
        formgen::Mode::Plain
    } else if args.iter().any(|a| a == "--one-off") {
        formgen::Mode::OneOff
    } else {
        formgen::Mode::Drawn
    };
    match formgen::generate_with(seed, count, &PathBuf::from(&out), mode) {
        Ok(()) => {
            println!("wrote {count} samples (seed {seed}) to {out}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("formgen: writing {out}: {e}");
            ExitCode::FAILURE
        }
    }
}

fn score(args: &[String]) -> ExitCode {
    let Some(dir) = args.iter().find(|a| {
        !a.starts_with("--")
            && Some(*a) != value(args, "--bin").as_ref()
            && Some(*a) != value(args, "--json-out").as_ref()
    }) else {
        eprintln!("{USAGE}");
        return ExitCode::from(2);
    };
    let bin = value(args, "--bin").unwrap_or_else(|| "target/release/sponsor-intake".into());
    let quiet = args.iter().any(|a| a == "--quiet");
    let report = match formgen::score::score_dir(&PathBuf::from(dir), &bin) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("formgen score: {e}");
            return ExitCode::FAILURE;
        }
    };
    if !quiet {
        for s in report.samples.iter().filter(|s| !s.notes.is_empty()) {
            println!("--- {}", s.name);
            for n in &s.notes {
                println!("    {n}");
            }
        }
    }
    if !report.by_dimension.is_empty() {
        println!("{}", report.dimension_table());
    }
    print!("{}", report.summary());
    if let Some(path) = value(args, "--json-out") {
        let t = &report.totals;
        let j = serde_json::json!({
            "samples": t.samples, "fields": t.fields, "fields_ok": t.fields_ok,
            "findings_exact": t.findings_exact, "field_accuracy": report.field_accuracy(),
            "findings_exact_pct": report.findings_exact(),
        });
        if let Err(e) = std::fs::write(&path, j.to_string()) {
            eprintln!("formgen score: writing {path}: {e}");
            return ExitCode::FAILURE;
        }
    }
    ExitCode::SUCCESS
}
