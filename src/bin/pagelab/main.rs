//! `pagelab`: run scripts and replay traces from the command line (DESIGN §6).
//!
//! One module per subcommand: [`run`] and [`trace`].

mod run;
mod trace;

use std::process::ExitCode;

fn usage() -> ExitCode {
    eprintln!("usage:\n  pagelab run FILE [--json [--steps]]\n  pagelab trace --policy P --frames N [--per-access] [--seed S]");
    ExitCode::from(2)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("run") => run::cmd_run(&args[1..]),
        Some("trace") => trace::cmd_trace(&args[1..]),
        _ => usage(),
    }
}
