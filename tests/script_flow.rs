//! The C of memory tutorials (control flow, functions, structured exceptions) and the
//! limits of a run, through the library entry points.

use pagelab::script::{self, Ending, LimitHit, Limits, Runner, StatementResult};
use pagelab::sim::{Machine, Recording};

fn errors(text: &str) -> Vec<String> {
    match script::parse(text) {
        Ok(_) => panic!("expected errors in {text}"),
        Err(errors) => errors.iter().map(ToString::to_string).collect(),
    }
}

fn run_with(text: &str, limits: Limits) -> (Vec<StatementResult>, Runner) {
    let p = script::parse(text).unwrap_or_else(|e| panic!("{text}\n{e:?}"));
    let mut machine = Machine::with_recording(script::machine_config(&p), Recording::Off);
    let mut runner = Runner::with_limits(p, limits);
    let mut results = Vec::new();
    while let Some(r) = runner.step(&mut machine) {
        results.push(r);
    }
    (results, runner)
}

fn printed(text: &str) -> String {
    let (results, _) = run_with(text, Limits::DEFAULT);
    results.iter().map(|r| r.out.as_str()).collect()
}

#[test]
fn control_flow_runs_as_c_does() {
    let src = "int n = 0;\nfor (int i = 0; i < 10; i++) {\n  if (i == 2) continue;\n  if (i == 6) break;\n  n += i;\n}\nwhile (n < 100) n *= 2;\ndo { n--; } while (n % 7 != 0);\nprintf(\"%d\", n);";
    // 0+1+3+4+5 = 13; doubled to 104; down to 98.
    assert_eq!(printed(src), "98");
    let sw = "int out = 0;\nfor (int i = 0; i < 4; i++) {\n switch (i) {\n case 0: out += 1;\n case 1: out += 10; break;\n default: out += 100;\n }\n}\nprintf(\"%d\", out);";
    // 0 falls through to case 1: 11; 1: 10; 2 and 3: 100 each.
    assert_eq!(printed(sw), "221");
    assert_eq!(printed("printf(\"%s\", 1 > 2 ? \"yes\" : \"no\");"), "no");
}

#[test]
fn functions_globals_and_defines() {
    let src = "#define BASE 10\n#define TWICE (BASE * 2)\nint calls = 0;\nint fib(int n) {\n  calls++;\n  if (n < 2) return n;\n  return fib(n - 1) + fib(n - 2);\n}\ntypedef struct { int a; } IGNORED;\nint main() {\n  printf(\"%d %d %d\", fib(BASE), calls, TWICE);\n}";
    assert_eq!(printed(src), "55 177 20");
    // Recursion deeper than the limit is a clear runtime error, not a crash.
    let deep = "int down(int n) { return down(n + 1); }\nx = down(0);\nputs(\"after\");";
    let (results, runner) = run_with(deep, Limits::DEFAULT);
    let error = results
        .iter()
        .find_map(|r| r.error.as_ref())
        .map(ToString::to_string);
    assert!(
        error
            .as_deref()
            .is_some_and(|e| e.contains("calls nested more than 64 deep")),
        "{error:?}"
    );
    assert_eq!(results.last().map(|r| r.out.as_str()), Some("after\n"));
    assert_eq!(runner.ending(), Some(&Ending::Finished));
}

#[test]
fn deep_recursion_fits_a_small_stack() {
    // Recursion at the limit must not overflow a small stack (4 MiB here in a debug
    // build, whose frames are several times larger than the release wasm build's).
    let handle = std::thread::Builder::new()
        .stack_size(4 << 20)
        .spawn(|| {
            let deep = "int down(int n) { return down(n + 1) + 1; }\nx = down(0);";
            let (results, _) = run_with(deep, Limits::DEFAULT);
            results.len()
        })
        .expect("thread");
    assert!(handle.join().expect("no stack overflow") > 64);
}

#[test]
fn recursion_inside_long_expressions_stops_before_the_stack_is_full() {
    // Each call sits 95 operators deep: the call depth limit alone would let the stack
    // grow to several MiB (the wasm stack is 1 MiB), so the stack budget stops it first.
    let handle = std::thread::Builder::new()
        .stack_size(64 << 20)
        .spawn(|| {
            let nested = format!("{}down(n + 1){}", "-(".repeat(95), ")".repeat(95));
            let deep = format!("int down(int n) {{ return {nested} + 1; }}\nx = down(0);");
            let (results, _) = run_with(&deep, Limits::DEFAULT);
            results
                .iter()
                .find_map(|r| r.error.as_ref())
                .map(ToString::to_string)
        })
        .expect("thread");
    let error = handle.join().expect("no stack overflow");
    assert!(
        error
            .as_deref()
            .is_some_and(|e| e.contains("calls nested too deeply")),
        "{error:?}"
    );
}

#[test]
fn exit_ends_the_program() {
    assert_eq!(printed("puts(\"a\");\nexit(3);\nputs(\"b\");"), "a\n");
    let (_, runner) = run_with("ExitProcess(7);\nx = 1;", Limits::DEFAULT);
    assert_eq!(runner.ending(), Some(&Ending::Exited(7)));
    assert!(runner.stopped().is_none());
}

#[test]
fn exceptions_reach_filters_and_handlers() {
    let src = "char *p = VirtualAlloc(NULL, 8192, MEM_RESERVE, PAGE_READWRITE);\nint tries = 0;\nint commit(char *at) { tries++; VirtualAlloc(at, 1, MEM_COMMIT, PAGE_READWRITE); return EXCEPTION_CONTINUE_EXECUTION; }\n__try { memset(p, 'x', 8192); }\n__except (commit((char *)GetExceptionInformation()->ExceptionRecord->ExceptionInformation[1])) { puts(\"no\"); }\nprintf(\"%d %c%c\", tries, p[0], p[8191]);";
    // memset resumes at the faulting byte after each commit: two pages, two retries.
    assert_eq!(printed(src), "2 xx");
    // Unhandled: the process ends, as on Windows.
    let (results, runner) = run_with(
        "char *p = 0;\n__try { x = 1; } __finally { puts(\"f\"); }\np[0] = 1;\nputs(\"not reached\");",
        Limits::DEFAULT,
    );
    assert!(matches!(runner.ending(), Some(Ending::Unhandled(_))));
    assert!(results.last().and_then(|r| r.exception.as_ref()).is_some());
    let stop = runner
        .stopped()
        .map(ToString::to_string)
        .unwrap_or_default();
    assert!(
        stop.contains("no __except handler took STATUS_ACCESS_VIOLATION"),
        "{stop}"
    );
    // Without __try each statement still has a handler of its own (DESIGN §5).
    assert_eq!(
        printed("char *p = 0;\np[0] = 1;\nputs(\"goes on\");"),
        "goes on\n"
    );
}

#[test]
fn unsupported_c_gets_a_clear_error_with_position() {
    // Each script, and how its first error starts (line:col, then the construct).
    let cases = [
        (
            "int x = 0;\nstruct S { int a; };",
            "2:1: struct definitions are not supported",
        ),
        ("x = 0;\n  goto end;", "2:3: goto is not supported"),
        (
            "end: x = 1;",
            "1:1: labels such as 'end:' are not supported",
        ),
        (
            "#define SQUARE(x) ((x) * (x))\n",
            "1:9: function-like macros",
        ),
        ("break;", "1:1: 'break' outside a loop or switch"),
        (
            "x = GetExceptionCode();",
            "1:5: GetExceptionCode() can only be called",
        ),
        (
            "__try { x = 1; }\nx = 2;",
            "2:1: expected '__except (filter)' or '__finally'",
        ),
        (
            "switch (1) { case 1: case 1: break; }",
            "1:22: this case value appears twice",
        ),
        (
            "int f(int a) { return a; }\nx = f(1, 2);",
            "2:5: f takes 1 argument but got 2",
        ),
        (
            "int f(int a) { int g(int b) { return b; } }",
            "1:20: 'g' is declared inside a function",
        ),
        (
            "union U { int a; } u;",
            "1:1: union definitions are not supported",
        ),
    ];
    for (text, start) in cases {
        let e = errors(text);
        assert!(e[0].starts_with(start), "{text}: {e:?}");
    }
}

#[test]
fn limits_stop_runs_with_consistent_numbers() {
    // A big memset in a loop stops at the work limit, quickly.
    let src = "#pragma pagelab frames=4096 working_set=4096 pagefile=65536\nchar *p = VirtualAlloc(NULL, 4096 * 4096, MEM_COMMIT, PAGE_READWRITE);\nfor (int i = 0; i < 100000; i++) { memset(p, i, 4096 * 4096); }";
    let (results, runner) = run_with(src, Limits::DEFAULT);
    assert_eq!(runner.ending(), Some(&Ending::Limit(LimitHit::Bytes)));
    let stop = runner
        .stopped()
        .map(ToString::to_string)
        .unwrap_or_default();
    let expected = format!(
        "stopped after {} statements: the work limit (256 MiB",
        results.len()
    );
    assert!(stop.contains(&expected), "{stop}");
    assert_eq!(runner.executed(), results.len() as u64);
    // A runaway loop: the count handed out equals the limit named in the message.
    let limits = Limits {
        statements: 1000,
        ..Limits::DEFAULT
    };
    let (results, runner) = run_with("while (1) { x = 1; }", limits);
    assert_eq!(results.len(), 1000);
    let stop = runner
        .stopped()
        .map(ToString::to_string)
        .unwrap_or_default();
    assert!(
        stop.starts_with("1:8: stopped after 1000 statements: the statement limit (1000)"),
        "{stop}"
    );
    // Pages that hold data pile up in the page file until the storage limit; pages of
    // one value repeated (a memset) take none of it.
    let last_byte = "#pragma pagelab frames=16 pagefile=65536\nchar *p = VirtualAlloc(NULL, 60000 * 4096, MEM_COMMIT, PAGE_READWRITE);\nfor (int i = 0; i < 60000; i++) { p[i * 4096 + 4095] = 1; }";
    let (results, runner) = run_with(last_byte, Limits::DEFAULT);
    assert_eq!(runner.ending(), Some(&Ending::Limit(LimitHit::Stored)));
    let stop = runner
        .stopped()
        .map(ToString::to_string)
        .unwrap_or_default();
    let expected = format!(
        "stopped after {} statements: the storage limit (32 MiB",
        results.len()
    );
    assert!(stop.contains(&expected), "{stop}");
    let pages = results.len() / 3;
    assert!(
        (8192..8300).contains(&pages),
        "a full page each: {pages} pages"
    );
    let (_, runner) = run_with(
        &last_byte.replace("4096 + 4095] = 1", "4096] = 1"),
        Limits::DEFAULT,
    );
    assert_eq!(
        runner.ending(),
        Some(&Ending::Finished),
        "a byte at the start of each page holds one byte"
    );
    // A filter that never fixes the fault cannot loop forever.
    let (_, runner) = run_with(
        "char *p = 0;\n__try { p[0] = 1; } __except (EXCEPTION_CONTINUE_EXECUTION) { }",
        limits,
    );
    assert_eq!(runner.ending(), Some(&Ending::Limit(LimitHit::Statements)));
}

#[test]
fn the_commit_on_demand_sample_writes_every_byte() {
    // As the Win32 sample does: a byte at a time, one filter call per new page.
    let golden = include_str!("scripts/seh_commit_on_demand.c").replace("i += 1024", "i++");
    let (results, runner) = run_with(&golden, Limits::DEFAULT);
    let out: String = results.iter().map(|r| r.out.as_str()).collect();
    assert_eq!(out.matches("Allocating another page.").count(), 4);
    assert!(out.ends_with("Release succeeded.\n"), "{out}");
    assert_eq!(runner.ending(), Some(&Ending::Finished));
    // Three statements per byte (condition, write, step) for 4 pages.
    assert!(results.len() > 3 * 4 * 4096, "{}", results.len());
}

#[test]
fn finally_blocks_run_however_the_block_is_left() {
    let src = "int f(int k) {\n  __try {\n    if (k == 1) return 10;\n    if (k == 2) { __leave; }\n    k = 5;\n  } __finally { printf(\"[f%d]\", k); }\n  return k;\n}\nfor (int i = 0; i < 3; i++) {\n  __try { if (i == 1) continue; if (i == 2) break; } __finally { printf(\"[l%d]\", i); }\n}\nprintf(\"%d %d %d\", f(1), f(2), f(3));\n__try { return 0; } __finally { puts(\"end\"); }\nputs(\"not reached\");";
    assert_eq!(printed(src), "[l0][l1][l2][f1][f2][f5]10 2 5end\n");
}

#[test]
fn strings_and_system_info_on_simulated_memory() {
    let src = "char *p = VirtualAlloc(NULL, 4096, MEM_COMMIT, PAGE_READWRITE);\nstrcpy(p, \"paging\");\nlstrcpy(p + 16, p);\nCopyMemory(p + 32, p + 16, strlen(p) + 1);\nwprintf(L\"%s %d %d|\", p + 32, strlen(p + 16), lstrlen(\"abc\"));\nSYSTEM_INFO si;\nGetSystemInfo(&si);\nprintf(\"%u %u %p %p %u\", si.dwPageSize, si.dwAllocationGranularity, si.lpMinimumApplicationAddress, si.lpMaximumApplicationAddress, si.dwNumberOfProcessors);";
    assert_eq!(
        printed(src),
        "paging 6 3|4096 65536 0000000000010000 00007FFFFFFEFFFF 4"
    );
    // A string copied onto a page that is not committed faults like any other write.
    let (results, _) = run_with(
        "char *p = VirtualAlloc(NULL, 4096, MEM_RESERVE, PAGE_READWRITE);\nstrcpy(p, \"x\");",
        Limits::DEFAULT,
    );
    assert!(results[1].exception.is_some());
}
