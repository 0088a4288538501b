//! Random input never panics the script language: arbitrary text only gives errors,
//! and random mixes of valid statements run to the end on a real machine.

use pagelab::script;
use pagelab::sim::{Machine, Recording};
use proptest::prelude::*;

const PIECES: &[&str] = &[
    "p = VirtualAlloc(NULL, 0x3000, MEM_RESERVE, PAGE_READWRITE);",
    "q = VirtualAlloc(p, 0x1000, MEM_COMMIT, PAGE_READWRITE);",
    "r = VirtualAlloc(NULL, 8, MEM_COMMIT, PAGE_EXECUTE_READ);",
    "VirtualFree(p, 0, MEM_RELEASE);",
    "VirtualFree(q, 0x1000, MEM_DECOMMIT);",
    "VirtualProtect(q, 1, PAGE_READONLY | PAGE_GUARD, &old);",
    "VirtualProtect(p, 0x2000, PAGE_NOACCESS, NULL);",
    "VirtualQuery(q, &mbi, sizeof(mbi));",
    "printf(\"%p %llx %x %s|\", mbi.BaseAddress, mbi.RegionSize, old, q);",
    "memmove(q, \"hello\", 9);",
    "memmove(q + 1, q, 4095);",
    "memset(q, 65, 0x1800);",
    "x = read(q + 4090, 8);",
    "write(r, x, 8);",
    "execute(r);",
    "PageOut(q, 0x10000);",
    "EmptyWorkingSet();",
    "WriteModifiedPages();",
    "SetLastError(GetLastError() + 1);",
    "for (i = 0; i < 3; i++) write(q + i * 4096, i, 1);",
];

/// Pieces with loops, functions and handlers (each a whole statement at the top level).
const FLOW_PIECES: &[&str] = &[
    "while (n < 5) { n++; if (n == 3) continue; }",
    "do { n--; } while (n > 0 && n % 2);",
    "switch (n % 3) { case 0: n += 2; case 1: n++; break; default: n = 0; }",
    "n = twice(n) % 7;",
    "n = depth(n % 5);",
    "__try { memset(q, n, 0x1800); } __except (fix(GetExceptionCode())) { n = 9; }",
    "__try { write(p, n, 1); } __finally { n++; }",
    "__try { __try { execute(q); } __finally { n += 2; } } __except (EXCEPTION_EXECUTE_HANDLER) { n--; }",
    "for (int i = 0; i < 3; i++) { if (i == n) break; q[i] = 'a'; }",
    "printf(\"%d %s|\", n, n > 2 ? \"big\" : \"small\");",
    "VirtualFree(q, 0x1000, MEM_DECOMMIT);",
    "q = VirtualAlloc(p, 0x2000, MEM_COMMIT, PAGE_READWRITE);",
];

fn flow_setup() -> &'static str {
    "char *p = VirtualAlloc(NULL, 0x4000, MEM_RESERVE, PAGE_READWRITE);\nchar *q = p;\nint n = 1;\nint twice(int x) { return x * 2; }\nint depth(int x) { if (x <= 0) return 0; return 1 + depth(x - 1); }\nint fix(DWORD code) { if (n > 4) return EXCEPTION_EXECUTE_HANDLER; n++; VirtualAlloc(p, 0x4000, MEM_COMMIT, PAGE_READWRITE); return EXCEPTION_CONTINUE_EXECUTION; }\n"
}

/// Every row of a run, as text, for comparing two runs byte for byte.
fn transcript(text: &str) -> Result<String, TestCaseError> {
    let program = script::parse(text).map_err(|e| TestCaseError::fail(format!("{e:?}")))?;
    let mut machine = Machine::with_recording(script::machine_config(&program), Recording::Steps);
    let mut runner = script::Runner::new(program);
    let mut out = String::new();
    while let Some(r) = runner.step(&mut machine) {
        out.push_str(&format!("{r:?}\n"));
    }
    out.push_str(&format!("{:?} {:?}", runner.ending(), runner.stopped()));
    Ok(out)
}

fn setup() -> &'static str {
    "DWORD old;\nMEMORY_BASIC_INFORMATION mbi;\nchar *p = 0;\nchar *q = 0;\nchar *r = 0;\nx = 0;\n"
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn arbitrary_text_gives_errors_not_panics(text in "\\PC{0,300}") {
        let _ = script::parse(&text);
    }

    #[test]
    fn token_soup_gives_errors_not_panics(words in proptest::collection::vec(
        prop::sample::select(vec!["(", ")", "{", "}", ";", ",", "*", "&", "-", "=", "x", "p", "0x10", "\"s\"", "'c'", "VirtualAlloc", "printf", "int", "for", "while", "if", "else", "do", "switch", "case", ":", "break", "__try", "__except", "__finally", "return", "f", "mbi", ".", "State", "[", "]", "#pragma pagelab frames=2\n", "/*", "//", "\n"]),
        0..80,
    )) {
        let text = words.join(" ");
        if let Ok(program) = script::parse(&text) {
            let mut machine = Machine::with_recording(script::machine_config(&program), Recording::Off);
            let _ = script::run(&program, &mut machine);
        }
    }

    #[test]
    fn random_programs_with_loops_functions_and_handlers_are_deterministic(
        picks in proptest::collection::vec(0..FLOW_PIECES.len(), 1..30),
    ) {
        let mut text = flow_setup().to_string();
        for i in &picks {
            text.push_str(FLOW_PIECES[*i]);
            text.push('\n');
        }
        let first = transcript(&text)?;
        let second = transcript(&text)?;
        prop_assert_eq!(first, second);
    }

    #[test]
    fn random_statement_mixes_run_to_the_end(picks in proptest::collection::vec(0..PIECES.len(), 1..40)) {
        let mut text = setup().to_string();
        for i in &picks {
            text.push_str(PIECES[*i]);
            text.push('\n');
        }
        let program = script::parse(&text).map_err(|e| TestCaseError::fail(format!("{e:?}")))?;
        let mut machine = Machine::with_recording(script::machine_config(&program), Recording::Steps);
        let results = script::run(&program, &mut machine);
        prop_assert!(results.len() >= picks.len());
        for r in &results {
            prop_assert!(r.steps.end <= machine.history().len());
            prop_assert!(r.exception.is_none() || r.value.is_none());
        }
    }
}
