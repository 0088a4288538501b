//! `pagelab`: run scripts and replay traces from the command line (DESIGN §6).
//!
//! One module per subcommand: [`run`], [`trace`] and [`quiz`].

mod quiz;
mod run;
mod trace;

use std::process::ExitCode;

/// What `pagelab --help` prints.
const HELP: &str = "\
pagelab: a Windows-style virtual memory simulator on the command line

usage:
  pagelab run FILE [--json [--steps]] [--summary]   run a script like a C program
  pagelab trace --policy P --frames N [OPTIONS]      replay a reference string
  pagelab quiz --seed N [--answers]                  homework problems (the page's ?quiz=N)
  pagelab help [COMMAND]                             this text, or a command's own

`pagelab COMMAND --help` explains each command and its options.";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("run") => run::cmd_run(&args[1..]),
        Some("trace") => trace::cmd_trace(&args[1..]),
        Some("quiz") => quiz::cmd_quiz(&args[1..]),
        Some("help") => match args.get(1).map(String::as_str) {
            Some(command) => main_with(&[command, "--help"]),
            None => {
                println!("{HELP}");
                ExitCode::SUCCESS
            }
        },
        Some("-h" | "--help") => {
            println!("{HELP}");
            ExitCode::SUCCESS
        }
        Some(other) => {
            eprintln!("pagelab: unknown command '{other}'\n\n{HELP}");
            ExitCode::from(2)
        }
        None => {
            eprintln!("{HELP}");
            ExitCode::from(2)
        }
    }
}

/// `main` for `pagelab help COMMAND`: the command's own `--help`.
fn main_with(args: &[&str]) -> ExitCode {
    let rest: Vec<String> = args[1..].iter().map(|a| a.to_string()).collect();
    match args[0] {
        "run" => run::cmd_run(&rest),
        "trace" => trace::cmd_trace(&rest),
        "quiz" => quiz::cmd_quiz(&rest),
        other => {
            eprintln!("pagelab help: no command '{other}'\n\n{HELP}");
            ExitCode::from(2)
        }
    }
}
