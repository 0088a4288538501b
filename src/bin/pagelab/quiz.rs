//! `pagelab quiz --seed N [--answers]`: the homework set of `?quiz=N`, as text.

use std::process::ExitCode;

use pagelab::course::quiz::homework;

/// What `pagelab quiz --help` prints.
const HELP: &str = "\
usage: pagelab quiz --seed N [--answers]

Print three homework problems, the same as the page's ?quiz=N: which accesses of a
reference string miss under FIFO, LRU or clock; the PML4, PDPT, PD and PT indices and the
offset of an address; what a VirtualAlloc or VirtualFree call returns and leaves.
--answers prints the simulator's answers and why.";

/// Print the problems of a seed, with their answers when asked.
pub fn cmd_quiz(args: &[String]) -> ExitCode {
    let mut seed = None;
    let mut answers = false;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--answers" => answers = true,
            "-h" | "--help" => {
                println!("{HELP}");
                return ExitCode::SUCCESS;
            }
            "--seed" => {
                match it.next().map(|s| s.parse::<u64>()) {
                    Some(Ok(n)) => seed = Some(n),
                    _ => {
                        eprintln!("pagelab quiz: --seed needs a whole number from 0 to 18446744073709551615");
                        return ExitCode::from(2);
                    }
                }
            }
            other => {
                eprintln!("pagelab quiz: unknown option '{other}' (use --seed N [--answers])");
                return ExitCode::from(2);
            }
        }
    }
    let Some(seed) = seed else {
        eprintln!("pagelab quiz: give a seed: pagelab quiz --seed N [--answers]");
        return ExitCode::from(2);
    };
    let set = homework(seed);
    println!("Homework {seed} (the page: ?quiz={seed})");
    for (i, p) in set.problems.iter().enumerate() {
        println!("\n{}. {}", i + 1, p.prompt);
        for f in &p.fields {
            if answers {
                println!("   {}: {}", f.name, f.answer);
            } else {
                println!("   {}: ?", f.name);
            }
        }
        if answers {
            println!("   Why: {}", p.explanation);
        }
    }
    if !answers {
        println!("\nAnswers: pagelab quiz --seed {seed} --answers");
    }
    ExitCode::SUCCESS
}
