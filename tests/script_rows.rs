//! Every step a script's run records belongs to exactly one row, in step order: a
//! statement's steps before a call of the script's functions, or before its exception
//! goes to a `__try` block's filter, are a row of their own, marked `partial` (and
//! `raised`), that is not a run. In a run of several processes, each process created,
//! context switch and exit is a `system` row of its own.

use pagelab::script::{self, Runner, StatementResult};
use pagelab::sim::Recording;

/// The rows of a run of `text` with its steps recorded, and how many steps it recorded.
fn rows(text: &str) -> (Vec<StatementResult>, usize, u64) {
    let program = script::parse(text).unwrap_or_else(|e| panic!("{text}\n{e:?}"));
    let mut machine = script::machine_for(&program, Recording::Steps);
    let mut runner = Runner::new(program);
    let mut results = Vec::new();
    while let Some(r) = runner.step(&mut machine) {
        results.push(r);
    }
    (results, machine.history().len(), runner.executed())
}

/// The rows' steps, one after another, are the whole history, in order; the rows
/// marked `partial` are not counted as executed statements. Gives the rows.
fn assert_rows_hold_every_step(name: &str, text: &str) -> Vec<StatementResult> {
    let (results, len, executed) = rows(text);
    let mut next = 0;
    for r in &results {
        assert_eq!(
            r.steps.start, next,
            "{name}: the row of line {} ({:?}) starts at step {}, not {next}",
            r.line, r.text, r.steps.start
        );
        next = r.steps.end;
    }
    assert_eq!(next, len, "{name}: the rows end at step {next} of {len}");
    let runs = results.iter().filter(|r| r.is_run()).count();
    assert!(results.iter().all(|r| r.partial || r.raised.is_none()));
    assert!(results.iter().all(|r| !(r.partial && r.system)));
    assert_eq!(runs as u64, executed, "{name}: runs of statements");
    results
}

const HEAD: &str = "#include <windows.h>\nchar *p;\n";

/// A filter function that commits the faulting page and continues execution.
const COMMIT: &str = "int Commit(DWORD code) {\n  if (code != EXCEPTION_ACCESS_VIOLATION) return EXCEPTION_CONTINUE_SEARCH;\n  VirtualAlloc(p, 4096, MEM_COMMIT, PAGE_READWRITE);\n  return EXCEPTION_CONTINUE_EXECUTION;\n}\n";

#[test]
fn a_filter_that_continues_execution_leaves_no_step_out() {
    let text = format!(
        "{HEAD}{COMMIT}int main(void) {{\n  p = VirtualAlloc(NULL, 4096, MEM_RESERVE, PAGE_READWRITE);\n  __try {{\n    p[5] = 'x';\n  }}\n  __except (Commit(GetExceptionCode())) {{\n    puts(\"handled\");\n  }}\n  return p[5];\n}}\n"
    );
    let results = assert_rows_hold_every_step("continue", &text);
    let write: Vec<&StatementResult> = results.iter().filter(|r| r.text == "p[5] = 'x';").collect();
    assert_eq!(write.len(), 2, "{results:#?}");
    // The attempt: the fault and the access violation, passed to the filter.
    let raised = write[0].raised.as_ref().expect("the attempt row is marked");
    assert_eq!(raised.code, 0xC000_0005);
    assert_eq!(raised.info[0], 1, "a write");
    assert!(
        !write[0].steps.is_empty(),
        "the fault's steps are the attempt's"
    );
    assert!(write[0].partial && write[0].exception.is_none() && write[0].value.is_none());
    // Then the filter's statements, then the retry, which ran.
    let at = |r: &StatementResult| results.iter().position(|x| std::ptr::eq(x, r));
    let commit = results
        .iter()
        .position(|r| r.text.starts_with("VirtualAlloc(p"))
        .expect("the filter's VirtualAlloc ran");
    assert!(at(write[0]) < Some(commit) && Some(commit) < at(write[1]));
    assert!(!write[1].partial && write[1].value == Some(i128::from(b'x')));
    assert!(
        !write[1].steps.is_empty(),
        "the retried write has its steps"
    );
}

#[test]
fn a_filter_that_runs_the_handler_leaves_no_step_out() {
    let text = format!(
        "{HEAD}int Note(void) {{\n  VirtualAlloc(NULL, 4096, MEM_COMMIT, PAGE_READWRITE);\n  return EXCEPTION_EXECUTE_HANDLER;\n}}\nint main(void) {{\n  p = VirtualAlloc(NULL, 4096, MEM_RESERVE, PAGE_READWRITE);\n  __try {{\n    p[1] = 'y';\n  }}\n  __except (Note()) {{\n    puts(\"handled\");\n  }}\n  return 0;\n}}\n"
    );
    let results = assert_rows_hold_every_step("handler", &text);
    let write: Vec<&StatementResult> = results.iter().filter(|r| r.text == "p[1] = 'y';").collect();
    assert_eq!(write.len(), 2, "{results:#?}");
    assert!(write[0].raised.is_some() && !write[0].steps.is_empty());
    // The statement's own row: aborted, handled (not an unhandled exception).
    assert!(!write[1].partial && write[1].exception.is_none());
    assert!(results.iter().any(|r| r.out == "handled\n"));
}

#[test]
fn nested_filters_and_calls_leave_no_step_out() {
    // The fault is in a function; the inner filter searches on, the outer one (in main)
    // commits through a function and continues; an expression filter in a loop too.
    let text = format!(
        "{HEAD}{COMMIT}int Touch(int i) {{\n  __try {{\n    p[i] = 'a';\n  }}\n  __except (EXCEPTION_CONTINUE_SEARCH) {{\n    puts(\"never\");\n  }}\n  return p[i];\n}}\nint main(void) {{\n  p = VirtualAlloc(NULL, 8192, MEM_RESERVE, PAGE_READWRITE);\n  __try {{\n    Touch(3);\n  }}\n  __except (Commit(GetExceptionCode())) {{\n    puts(\"never\");\n  }}\n  char *q = VirtualAlloc(NULL, 4096, MEM_COMMIT, PAGE_READONLY);\n  DWORD old;\n  for (int i = 0; i < 3; i++) {{\n    __try {{\n      q[i] = 1;\n    }}\n    __except (VirtualProtect(q, 4096, PAGE_READWRITE, &old) ? EXCEPTION_CONTINUE_EXECUTION : EXCEPTION_EXECUTE_HANDLER) {{\n      puts(\"never\");\n    }}\n  }}\n  return 0;\n}}\n"
    );
    let results = assert_rows_hold_every_step("nested", &text);
    // One attempt row per filter the exception went to: two for the write in Touch.
    let attempts = results
        .iter()
        .filter(|r| r.raised.is_some() && r.text == "p[i] = 'a';")
        .count();
    assert_eq!(attempts, 2, "{results:#?}");
    assert!(results.iter().all(|r| r.out != "never\n"));
}

#[test]
fn a_statements_steps_before_a_call_are_a_part_of_it() {
    // Without __try: the read of p[0] faults before f's statement runs.
    let text = "#include <windows.h>\nint f(int x) {\n  return x;\n}\nint main(void) {\n  char *p = VirtualAlloc(NULL, 4096, MEM_COMMIT, PAGE_READWRITE);\n  int y = p[0] + f(1) + f(2);\n  return y;\n}\n";
    let results = assert_rows_hold_every_step("call", text);
    let texts: Vec<(&str, bool)> = results
        .iter()
        .map(|r| (r.text.as_str(), r.partial))
        .collect();
    let sum = "int y = p[0] + f(1) + f(2);";
    assert_eq!(
        texts[1..],
        [
            (sum, true),
            ("return x;", false),
            ("return x;", false),
            (sum, false),
        ],
        "{results:#?}"
    );
    // The part holds the read's fault; the read comes before the calls.
    assert!(results[1].raised.is_none() && !results[1].steps.is_empty());
}

/// Every script of a folder holds every step in its rows; gives how
/// many were checked.
fn check_folder(folder: &str) -> usize {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(folder);
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{folder}: {e}"))
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "c"))
        .collect();
    paths.sort();
    let mut checked = 0;
    for path in paths {
        let name = path.display().to_string();
        let text = std::fs::read_to_string(&path).expect("script");
        // Scripts that do not parse.
        if name.contains("errors") {
            continue;
        }
        assert_rows_hold_every_step(&name, &text);
        checked += 1;
    }
    checked
}

#[test]
fn the_golden_scripts_and_lessons_rows_hold_every_step() {
    let scripts = check_folder("tests/scripts");
    assert!(scripts >= 8, "{scripts} scripts checked");
    let lessons = check_folder("www/lessons");
    assert!(lessons >= 10, "{lessons} lessons checked");
}

#[test]
fn a_process_back_from_a_switch_keeps_no_step_of_the_other() {
    // Main's call of f after the reader ran records nothing before the call: no part.
    let text = "int f(int x) {\n  return x;\n}\nchar *p = VirtualAlloc(NULL, 4096, MEM_COMMIT, PAGE_READWRITE);\np[0] = 1;\n_getch();\nint y = f(1);\n#pragma pagelab process reader\nchar *q = VirtualAlloc(NULL, 4096, MEM_COMMIT, PAGE_READWRITE);\nq[0] = 2;\n";
    let (results, _, _) = rows(text);
    let mut next = 0;
    for r in &results {
        assert!(
            r.steps.start >= next,
            "the row of line {} ({:?}, {}) overlaps the row before: {results:#?}",
            r.line,
            r.text,
            r.process
        );
        next = r.steps.end;
    }
    assert!(results.iter().all(|r| !r.partial), "{results:#?}");
    assert!(results
        .iter()
        .any(|r| r.text == "q[0] = 2;" && !r.steps.is_empty()));
}

#[test]
fn the_systems_steps_of_several_processes_are_rows_of_their_own() {
    let text = "char *p = VirtualAlloc(NULL, 4096, MEM_COMMIT, PAGE_READWRITE);\np[0] = 1;\n_getch();\np[0] = 3;\n#pragma pagelab process reader\nchar *q = VirtualAlloc(NULL, 4096, MEM_COMMIT, PAGE_READWRITE);\nq[0] = 2;\n";
    let results = assert_rows_hold_every_step("two processes", text);
    let system: Vec<(&str, &str, usize)> = results
        .iter()
        .filter(|r| r.system)
        .map(|r| (r.text.as_str(), r.process.as_str(), r.steps.len()))
        .collect();
    assert_eq!(
        system,
        [
            ("process reader is created", "reader", 1),
            ("context switch to reader", "reader", 1),
            ("process reader exits with code 0", "reader", 1),
            ("context switch to main", "main", 1),
            ("process main exits with code 0", "main", 1),
        ],
        "{results:#?}"
    );
    assert!(results
        .iter()
        .filter(|r| r.system)
        .all(|r| r.line == 0 && r.value.is_none() && r.out.is_empty() && !r.partial));
    // The switch comes right after the waiting call, the reader's rows after the switch.
    let at = |t: &str| results.iter().position(|r| r.text == t).expect(t);
    assert_eq!(at("context switch to reader"), at("_getch();") + 1);
    assert!(at("context switch to reader") < at("q[0] = 2;"));
    assert!(at("q[0] = 2;") < at("process reader exits with code 0"));
    assert!(at("context switch to main") < at("p[0] = 3;"));
}
