//! The binary: parse the command line, call [`app`], print what it returns, and map the
//! outcome to an exit code: 0 done (or current), 1 `check` found stale files or a `verify`
//! check failed, 2 bad input or failure.

mod cli;

use clap::Parser;
use cli::{CheckFormat, Cli, Command, Format};
use std::io::{IsTerminal, Write};
use std::process::ExitCode;
use std::time::Duration;
use uv_rootless::error::{printable, UserError};
use uv_rootless::output::{self, Status};
use uv_rootless::{app, explain, verify};

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(error) => {
            report(&error);
            ExitCode::from(2)
        }
    }
}

fn colour(stream_is_terminal: bool) -> bool {
    stream_is_terminal && std::env::var_os("NO_COLOR").is_none_or(|value| value.is_empty())
}

fn report(error: &UserError) {
    let colour = colour(std::io::stderr().is_terminal());
    let _ = std::io::stderr().write_all(error.render(colour).as_bytes());
}

fn note(message: &str) {
    let _ = writeln!(std::io::stderr(), "{}", printable(message));
}

fn run(cli: Cli) -> Result<ExitCode, UserError> {
    match cli.command {
        Command::Init {
            project,
            choices,
            force,
            pin_digests,
        } => {
            let (loaded, report) = app::init(&project.path, choices.into(), force, pin_digests)?;
            summarise("init", &loaded.plan, &report);
            Ok(ExitCode::SUCCESS)
        }
        Command::Generate {
            project,
            check: true,
            ..
        } => check(&project.path, CheckFormat::Diff),
        Command::Check { project, format } => {
            check(&project.path, format).inspect_err(|error| {
                // An annotation for the run's error too, on the file it is about.
                if format == CheckFormat::Github {
                    let _ = std::io::stdout()
                        .write_all(output::github_error(&project.path, error).as_bytes());
                }
            })
        }
        Command::Generate {
            project,
            force,
            pin_digests,
            ..
        } => {
            let (loaded, report) = app::generate(&project.path, force, pin_digests)?;
            summarise("generate", &loaded.plan, &report);
            Ok(ExitCode::SUCCESS)
        }
        Command::Completions { shell } => {
            let mut command = <Cli as clap::CommandFactory>::command();
            clap_complete::generate(shell, &mut command, "uv-rootless", &mut std::io::stdout());
            Ok(ExitCode::SUCCESS)
        }
        Command::Verify { project, verify } => run_verify(&project.path, &verify_options(verify)),
        Command::Explain {
            project,
            choices,
            format,
        } => {
            let loaded = app::load(&project.path, choices.into())?;
            let text = match format {
                Format::Text => printable(&explain::text(&loaded.plan)),
                Format::Json => explain::json(&loaded.plan)?,
            };
            let _ = std::io::stdout().write_all(text.as_bytes());
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// The library's options from the flags of `verify`.
fn verify_options(args: cli::VerifyArgs) -> verify::Options {
    verify::Options {
        compose: args.compose,
        keep: args.keep,
        tag: args.tag,
        secrets: args.secret,
        env: args.env,
        env_files: args.env_file,
        network: args.network,
        no_cache: args.no_cache,
        dockerfile: args.dockerfile,
        build_timeout: Duration::from_secs(args.build_timeout),
        run_timeout: Duration::from_secs(args.timeout),
    }
}

fn run_verify(path: &std::path::Path, options: &verify::Options) -> Result<ExitCode, UserError> {
    let colour = colour(std::io::stdout().is_terminal());
    let report = app::verify(path, options, &mut |progress| match progress {
        app::Progress::Stale(file) => note(&format!(
            "warning: `{}` differs from what `uv-rootless generate` writes; \
             verifying the file on disk",
            file.path
        )),
        app::Progress::Building(Some(tag)) => {
            note(&format!("verify: building `{tag}` with docker"))
        }
        app::Progress::Building(None) => {
            note("verify: building with docker, untagged (removed afterwards; `--keep` tags it)")
        }
        app::Progress::Warning(warning) => note(&format!("warning: {warning}")),
        app::Progress::Hint(hint) => note(&format!("hint: {hint}")),
        app::Progress::Check(check) => print_check(check, colour),
    })?;
    let failed = report.failed();
    if failed == 0 {
        note(&format!(
            "verify: all {} checks passed",
            report.checks.len()
        ));
        Ok(ExitCode::SUCCESS)
    } else {
        note(&format!(
            "verify: {failed} of {} checks failed",
            report.checks.len()
        ));
        Ok(ExitCode::from(1))
    }
}

/// One line of the verify report on stdout, flushed so each shows as its check completes.
fn print_check(check: &verify::Check, colour: bool) {
    let mark = match (check.passed, colour) {
        (true, true) => "\x1b[32mok  \x1b[0m",
        (true, false) => "ok  ",
        (false, true) => "\x1b[1;31mFAIL\x1b[0m",
        (false, false) => "FAIL",
    };
    let mut out = std::io::stdout();
    let _ = writeln!(out, "{mark} {:<20} {}", check.name, check.detail);
    let _ = out.flush();
}

fn summarise(command: &str, plan: &uv_rootless::model::Plan, report: &app::WriteReport) {
    for path in &report.written {
        note(&format!("wrote {path}"));
    }
    if report.written.is_empty() {
        note(&format!("{command}: every file is already current"));
    }
    note(&format!(
        "{} on {} with Python {}, running {} as {}:{}",
        plan.project.name,
        plan.base.value.id,
        plan.python.value.version,
        serde_json::to_string(&plan.command.value).unwrap_or_default(),
        plan.user.value.uid,
        plan.user.value.gid
    ));
    // Last, where they are seen.
    for warning in &plan.warnings {
        note(&format!("warning: {warning}"));
    }
    for hint in &plan.runtime.hints {
        note(&format!("hint: {hint}"));
    }
}

fn check(path: &std::path::Path, format: CheckFormat) -> Result<ExitCode, UserError> {
    let (loaded, stale) = app::check(path)?;
    // The process ends soon after: freeing what was read of a large lock (thousands of small
    // allocations) would only delay the answer.
    std::mem::forget(loaded);
    if stale.is_empty() {
        note("check: every generated file is current");
        return Ok(ExitCode::SUCCESS);
    }
    let colour = colour(std::io::stdout().is_terminal());
    let mut out = String::new();
    if format == CheckFormat::Github {
        for file in &stale {
            out.push_str(&output::github_annotation(
                path,
                &file.path,
                &file.status,
                &file.diff,
            ));
        }
    }
    for file in &stale {
        let diff = if colour {
            paint(&file.diff)
        } else {
            file.diff.clone()
        };
        out.push_str(&diff);
    }
    let _ = std::io::stdout().write_all(out.as_bytes());
    for file in &stale {
        let what = match file.status {
            Status::Missing => "is missing",
            Status::Foreign => "exists but was not generated by uv-rootless",
            _ => "is stale",
        };
        note(&format!("check: `{}` {what}", file.path));
    }
    if stale.iter().any(|file| file.status == Status::Foreign) {
        note("hint: run `uv-rootless generate --force` to replace the files uv-rootless did not write, and commit the result");
    } else {
        note("hint: run `uv-rootless generate` and commit the result");
    }
    Ok(ExitCode::from(1))
}

fn paint(diff: &str) -> String {
    diff.lines()
        .map(|line| {
            let colour = if line.starts_with("+++") || line.starts_with("---") {
                "\x1b[1m"
            } else if line.starts_with('+') {
                "\x1b[32m"
            } else if line.starts_with('-') {
                "\x1b[31m"
            } else if line.starts_with("@@") {
                "\x1b[36m"
            } else {
                ""
            };
            if colour.is_empty() {
                format!("{line}\n")
            } else {
                format!("{colour}{line}\x1b[0m\n")
            }
        })
        .collect()
}
