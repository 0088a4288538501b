//! Several processes in one script (DESIGN §9): parsing, round-robin at waiting calls,
//! context switches as steps, and process exit.

use pagelab::script::{self, Ending, Runner};
use pagelab::sim::picture::ProcessState;
use pagelab::sim::{Event, Machine, Recording};

fn run(text: &str) -> (Machine, Vec<script::StatementResult>, Runner) {
    let program = script::parse(text).expect("parses");
    let mut machine = script::machine_for(&program, Recording::Pictures);
    let mut runner = Runner::new(program);
    let mut results = Vec::new();
    while let Some(r) = runner.step(&mut machine) {
        results.push(r);
    }
    (machine, results, runner)
}

const TWO: &str = "#pragma pagelab frames=8 working_set=4 tlb=4
char *p = VirtualAlloc(NULL, 8192, MEM_COMMIT, PAGE_READWRITE);
p[0] = 1; p[4096] = 2;
_getch();
puts(\"main\");
#pragma pagelab process b
int x = GetCurrentProcessId();
Sleep(10);
int y = 7;
";

#[test]
fn processes_take_turns_at_waits_and_end_freeing_their_memory() {
    let (m, results, runner) = run(TWO);
    // The statements' rows; the system's own (creation, switches, exits) are tested in
    // tests/script_rows.rs.
    let results: Vec<_> = results.into_iter().filter(|r| !r.system).collect();
    let order: Vec<(&str, u32)> = results
        .iter()
        .map(|r| (r.process.as_str(), r.line))
        .collect();
    assert_eq!(
        order,
        [
            ("main", 2),
            ("main", 3),
            ("main", 3),
            ("main", 4),
            ("b", 7),
            ("b", 8),
            ("main", 5),
            ("b", 9)
        ]
    );
    assert_eq!(results[4].value, Some(8), "the second process's id is 8");
    assert_eq!(results[6].out, "[main] main\n");
    assert_eq!(runner.ending(), Some(&Ending::Finished));
    assert!(m.processes().iter().all(|p| p.state == ProcessState::Ended));
    assert_eq!(m.commit_charge(), 0, "every process gave its commit back");
    let picture = m.picture();
    assert!(
        picture.frames.iter().all(|f| f.owner.is_none()),
        "no frame is owned after every process ended"
    );
    let events: Vec<&Event> = m.history().steps().iter().flat_map(|s| &s.events).collect();
    let switches = events
        .iter()
        .filter(|e| matches!(e, Event::ContextSwitch { .. }))
        .count();
    let exits = events
        .iter()
        .filter(|e| matches!(e, Event::ProcessExited { .. }))
        .count();
    // main → b (getch), b → main (Sleep), main ends → b.
    assert_eq!((switches, exits), (3, 2));
    let h = m.history();
    assert_eq!(h.picture_after(h.len() - 1), Some(m.picture()));
}

#[test]
fn an_unhandled_exception_ends_only_its_process() {
    let text = "#pragma pagelab process crasher
__try { int *z = NULL; } __finally { }
int *bad = NULL;
_getch();
*bad = 1;
puts(\"never\");
#pragma pagelab process survivor
_getch();
puts(\"still here\");
";
    let (m, results, runner) = run(text);
    let out: String = results.iter().map(|r| r.out.as_str()).collect();
    assert_eq!(out, "[survivor] still here\n");
    assert!(matches!(runner.ending(), Some(Ending::Unhandled(_))));
    let exited: Vec<u32> = m
        .history()
        .steps()
        .iter()
        .flat_map(|s| &s.events)
        .filter_map(|e| match e {
            Event::ProcessExited { code, .. } => Some(*code),
            _ => None,
        })
        .collect();
    assert_eq!(
        exited,
        [0xC000_0005, 0],
        "the crasher ends with the exception's code"
    );
}

#[test]
fn exit_ends_the_process_with_its_code() {
    let text =
        "int a = 1;\nExitProcess(3);\nputs(\"no\");\n#pragma pagelab process other\nputs(\"yes\");";
    let (m, results, _) = run(text);
    let out: String = results.iter().map(|r| r.out.as_str()).collect();
    assert_eq!(out, "[other] yes\n");
    assert!(m
        .history()
        .steps()
        .iter()
        .flat_map(|s| &s.events)
        .any(|e| matches!(e, Event::ProcessExited { code: 3, .. })));
}

#[test]
fn bad_process_pragmas_are_errors_with_lines() {
    let errors = script::parse(
        "int a;\n#pragma pagelab process\nint b;\n#pragma pagelab process two words\n",
    )
    .expect_err("two errors");
    let at: Vec<(u32, u32)> = errors.iter().map(|e| (e.line, e.col)).collect();
    assert_eq!(at, [(2, 1), (4, 1)]);
    let errors = script::parse("int a;\n#pragma pagelab process q\nint b = undefined_name;")
        .expect_err("an error in the second program");
    assert_eq!(errors[0].line, 3, "line numbers are the script's");
}

#[test]
fn one_process_scripts_do_not_exit_or_prefix() {
    let (m, results, _) = run("char *p = VirtualAlloc(NULL, 4096, MEM_COMMIT, PAGE_READWRITE);\np[0] = 1;\n_getch();\nputs(\"hi\");");
    assert_eq!(results.last().map(|r| r.out.as_str()), Some("hi\n"));
    assert_eq!(m.processes()[0].state, ProcessState::Running);
    assert_eq!(m.commit_charge(), 1);
}
