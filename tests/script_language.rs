//! The script language through its library entry points (DESIGN §5): what parses, what
//! each error says, and what statements do on a machine.

use pagelab::script::{self, Program, Runner, ScriptError, StatementResult};
use pagelab::sim::{Machine, Policy, Recording};

fn program(text: &str) -> Program {
    match script::parse(text) {
        Ok(p) => p,
        Err(errors) => panic!("{text}\n{errors:?}"),
    }
}

fn errors(text: &str) -> Vec<String> {
    match script::parse(text) {
        Ok(_) => panic!("expected errors in {text}"),
        Err(errors) => errors.iter().map(ScriptError::to_string).collect(),
    }
}

fn run(text: &str) -> Vec<StatementResult> {
    let p = program(text);
    let mut machine = Machine::with_recording(script::machine_config(&p), Recording::Off);
    script::run(&p, &mut machine)
}

fn printed(results: &[StatementResult]) -> String {
    results.iter().map(|r| r.out.as_str()).collect()
}

#[test]
fn beginner_mistakes_get_plain_messages() {
    let e = errors("int *pointer = VirtuaAlloc(NULL, 8, MEM_COMMIT, PAGE_READWRITE);");
    assert_eq!(
        e,
        ["1:16: unknown function 'VirtuaAlloc' — did you mean 'VirtualAlloc'?"]
    );
    let e = errors("int *pointer = 0;\nprintf(\"%p\", pointr);");
    assert_eq!(
        e,
        ["2:14: 'pointr' is not defined — did you mean 'pointer'?"]
    );
    let e = errors("VirtualFree(p, 8);");
    assert!(
        e.contains(
            &"1:1: VirtualFree takes 3 arguments (address, size, free type) but got 2".to_string()
        ),
        "{e:?}"
    );
    let e = errors("x = malloc(10);");
    assert!(
        e[0].starts_with("1:5: unknown function 'malloc'; scripts can call VirtualAlloc"),
        "{e:?}"
    );
    let e = errors("x = PAGE_READWRTE;");
    assert_eq!(
        e,
        ["1:5: 'PAGE_READWRTE' is not defined — did you mean 'PAGE_READWRITE'?"]
    );
    let e = errors("MEMORY_BASIC_INFORMATION mbi;\nx = mbi.Stat;");
    assert!(
        e[0].starts_with(
            "2:5: MEMORY_BASIC_INFORMATION has no field 'Stat' — did you mean 'State'?"
        ),
        "{e:?}"
    );
    let e = errors("printf(\"%d %d\", 1);");
    assert_eq!(e, ["1:8: printf's format uses 2 values but got 1"]);
    let e = errors("printf(\"%d\", \"text\");");
    assert_eq!(e, ["1:14: %d needs a number, but this is a string"]);
    let e = errors("LPVOID p = 0;\np[0] = 1;");
    assert!(
        e[0].starts_with("2:1: cannot read or write through a void pointer"),
        "{e:?}"
    );
    let e = errors("DWORD old;\nx = &old;");
    assert!(
        e[0].starts_with("2:5: '&' is only used for out-parameters"),
        "{e:?}"
    );
    let e = errors("VirtualProtect(0, 1, PAGE_READONLY, 5);");
    assert!(e[0].contains("must be &variable"), "{e:?}");
    let e = errors("x = read(0, 9);");
    assert_eq!(e, ["1:13: read moves 1 to 8 bytes, but the count is 9"]);
    let e = errors("x = 1.5;");
    assert!(e[0].contains("decimal point"), "{e:?}");
    let e = errors("x = \"abc\" + 1;");
    assert!(e[0].contains("not a string"), "{e:?}");
}

#[test]
fn every_error_is_reported_in_order() {
    let e = errors("a = 1;\nb = nope;\nc = VirtualAlloc(1);\nd = \"open\n");
    assert_eq!(e.len(), 3, "{e:?}");
    assert!(e[0].starts_with("2:5: 'nope' is not defined"));
    assert!(e[1].starts_with("3:5: VirtualAlloc takes 4 arguments"));
    assert!(e[2].starts_with("4:5: this string is never closed"));
}

#[test]
fn a_variable_must_exist_before_it_is_read() {
    let e = errors("x = y;\ny = 1;");
    assert_eq!(e, ["1:5: 'y' is not defined"]);
    // Assignment creates a variable; so does an out-parameter.
    let results = run("p = VirtualAlloc(NULL, 4096, MEM_COMMIT, PAGE_READWRITE);\nVirtualProtect(p, 1, PAGE_READONLY, &old);\nprintf(\"%lx\", old);");
    assert_eq!(printed(&results), "4");
}

#[test]
fn pragmas_configure_the_machine() {
    let p = program("#pragma pagelab frames=16 pagefile=32 working_set=8 policy=clock cluster=4 tlb=8 standby=on base=0x23456700000\nx = 1;");
    let c = script::machine_config(&p);
    assert_eq!(
        (c.frames, c.pagefile, c.working_set, c.cluster, c.tlb),
        (16, 32, Some(8), 4, 8)
    );
    assert_eq!(
        (c.policy, c.standby, c.base),
        (Policy::Clock, true, 0x234_5670_0000)
    );
    let p = program("#pragma pagelab frames=4 policy=lru standby=off base=0x10000000\n");
    let c = p.config();
    assert_eq!(
        (c.frames, c.policy, c.standby, c.base),
        (4, Policy::Lru, false, 0x1000_0000)
    );
    let results = run(
        "#pragma pagelab base=0x10000000\np = VirtualAlloc(NULL, 1, MEM_COMMIT, PAGE_READWRITE);",
    );
    assert_eq!(results[0].value, Some(0x1000_0000));
    let e = errors(
        "#pragma pagelab frames=lots  tlb=0\n#pragma pagelab colour=red\n#pragma pagelab frames\n",
    );
    assert_eq!(e.len(), 4, "{e:?}");
    assert!(
        e[0].starts_with("1:24: #pragma pagelab: 'lots' is not a number"),
        "{e:?}"
    );
    assert!(
        e[1].starts_with("1:34: #pragma pagelab: tlb must be between"),
        "{e:?}"
    );
    assert!(
        e[2].starts_with("2:17: #pragma pagelab: unknown setting 'colour'"),
        "{e:?}"
    );
    assert!(e[3].starts_with("3:17: 'frames' is not a setting"), "{e:?}");
}

#[test]
fn the_first_allocation_is_at_the_default_base() {
    let results = run("int *p = VirtualAlloc(NULL, 8, MEM_COMMIT, PAGE_READWRITE);\nprintf(\"%x %p %llx\", p, p, p);");
    assert_eq!(results[0].value, Some(0x234_5670_0000));
    assert_eq!(results[0].last_error, 0);
    assert_eq!(printed(&results), "56700000 0000023456700000 23456700000");
}

#[test]
fn c_program_scaffolding_is_ignored() {
    let results = run(
        "#include <windows.h>\n#define SIZE 4096\nint main(int argc, char **argv)\n{\n    /* comment */ unsigned long long n = 4096; // more\n    const char *s = (const char *)\"hi\";\n    LPVOID p = (LPVOID)VirtualAlloc(NULL, n, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);\n    printf(\"%s\", s);\n    return 0;\n}\n}\n",
    );
    assert_eq!(results.len(), 4);
    assert_eq!(results[2].value, Some(0x234_5670_0000));
    assert_eq!(printed(&results), "hi");
}

#[test]
fn values_follow_c_types() {
    let r =
        run("int x = -1;\nDWORD d = -1;\nSIZE_T s = 0 - 1;\nchar c = 0x141;\ny = 0xFFFFFFFF + 1;");
    let values: Vec<Option<i128>> = r.iter().map(|r| r.value).collect();
    assert_eq!(
        values,
        [
            Some(-1),
            Some(0xFFFF_FFFF),
            Some(u64::MAX as i128),
            Some(0x41),
            Some(0x1_0000_0000)
        ]
    );
    // DWORD parameters take the low 32 bits, as C passes them.
    let r = run("p = VirtualAlloc(NULL, 4096, MEM_COMMIT | 0x100000000, PAGE_READWRITE);");
    assert_eq!(r[0].value, Some(0x234_5670_0000));
}

#[test]
fn pointers_read_and_write_their_element_size() {
    let r = run(
        "int *q = VirtualAlloc(NULL, 4096, MEM_COMMIT, PAGE_READWRITE);\nq[1] = 0x11223344;\n*q = -1;\nchar *c = (char *)q;\nprintf(\"%x %d %d %x\", read(c + 4, 4), *q, c[0], *(q + 1));\nq++;\nprintf(\" %llx\", q);",
    );
    assert_eq!(printed(&r), "11223344 -1 -1 11223344 23456700004");
}

#[test]
fn memmove_from_a_literal_copies_its_bytes_then_nul_then_zeros() {
    let r = run(
        "char *p = VirtualAlloc(NULL, 4096, MEM_COMMIT, PAGE_READWRITE);\nmemset(p, 0xFF, 16);\nmemmove(p, \"AB\", 5);\nprintf(\"%llx\", read(p, 8));\nmemcpy(p, \"xyz\", 2);\nprintf(\" %s\", p);",
    );
    assert_eq!(printed(&r), "ffffff0000004241 xy");
}

#[test]
fn memmove_handles_overlap_and_write_writes_raw_bytes() {
    let r = run(
        "char *p = VirtualAlloc(NULL, 8192, MEM_COMMIT, PAGE_READWRITE);\nwrite(p, \"ABCDEFGH\");\nmemmove(p + 1, p, 4);\nprintf(\"%.8s \", p);\nmemmove(p, p + 1, 4);\nprintf(\"%.8s \", p);\nwrite(p + 4094, 0x4443, 2);\nprintf(\"%.2s\", p + 4094);",
    );
    assert_eq!(printed(&r), "AABCDFGH ABCDDFGH CD");
}

#[test]
fn percent_s_stops_at_nul_or_the_cap() {
    let r = run(
        "char *p = VirtualAlloc(NULL, 16384, MEM_COMMIT, PAGE_READWRITE);\nmemset(p, 'A', 10000);\nprintf(\"%s\", p);\nprintf(\"|%s|\", NULL);",
    );
    let out = printed(&r);
    assert_eq!(out.len(), 4096 + "|(null)|".len());
    assert!(out.ends_with("A|(null)|"));
}

#[test]
fn exceptions_skip_the_statement_and_the_script_goes_on() {
    let r = run(
        "char *p = VirtualAlloc(NULL, 4096, MEM_RESERVE, PAGE_READWRITE);\np[0] = 1;\nx = read(p, 1);\nexecute(0x10000);\nprintf(\"on\");",
    );
    let codes: Vec<Option<(u32, u64)>> = r
        .iter()
        .map(|r| r.exception.as_ref().map(|e| (e.code, e.info[0])))
        .collect();
    assert_eq!(
        codes,
        [
            None,
            Some((0xC000_0005, 1)),
            Some((0xC000_0005, 0)),
            Some((0xC000_0005, 8)),
            None
        ]
    );
    assert_eq!(
        r[1].exception.as_ref().map(|e| e.info[1]),
        Some(0x234_5670_0000)
    );
    assert!(r[1..4].iter().all(|r| r.value.is_none()));
    assert_eq!(printed(&r), "on");
}

#[test]
fn runtime_errors_skip_the_statement() {
    let r =
        run("n = 9;\nx = 10 / (n - 9);\ny = read(0x10000, n);\nz = 2;\nmemset(0x10000, 0, 0 - 1);");
    assert_eq!(r.len(), 5);
    let e1 = r[1].error.as_ref().map(ToString::to_string);
    assert_eq!(e1.as_deref(), Some("2:5: division by zero"));
    let e2 = r[2].error.as_ref().map(ToString::to_string);
    assert_eq!(
        e2.as_deref(),
        Some("3:19: read moves 1 to 8 bytes, but the count is 9")
    );
    assert_eq!(r[3].value, Some(2));
    assert!(r[4]
        .error
        .as_ref()
        .is_some_and(|e| e.message.contains("at most 16 MiB")));
}

#[test]
fn win32_calls_and_last_error() {
    let r = run(
        "MEMORY_BASIC_INFORMATION mbi;\nSetLastError(1234);\ne = GetLastError();\np = VirtualAlloc(NULL, 0, MEM_COMMIT, PAGE_READWRITE);\nq = VirtualAlloc(NULL, 0x20000, MEM_RESERVE, PAGE_READWRITE);\nn = VirtualQuery(q + 0x1000, &mbi, sizeof(mbi));\nprintf(\"%p %p %llx %lx %lx %lx %lx\", mbi.BaseAddress, mbi.AllocationBase, mbi.RegionSize, mbi.State, mbi.Protect, mbi.AllocationProtect, mbi.Type);\nok = VirtualProtect(q, 4096, PAGE_READONLY, NULL);",
    );
    assert_eq!(r[1].value, Some(1234));
    assert_eq!((r[2].value, r[2].last_error), (Some(0), 87));
    assert_eq!(r[4].value, Some(48));
    assert_eq!(
        r[4].text,
        "n = VirtualQuery(q + 0x1000, &mbi, sizeof(mbi));"
    );
    assert_eq!(
        printed(&r),
        "0000023456701000 0000023456700000 1f000 2000 0 4 20000"
    );
    // A NULL lpflOldProtect fails with ERROR_NOACCESS (reference 5).
    assert_eq!((r[6].value, r[6].last_error), (Some(0), 998));
}

#[test]
fn bad_sizes_and_addresses_give_win32_errors() {
    let r = run(
        "a = VirtualAlloc(NULL, -1, MEM_COMMIT, PAGE_READWRITE);\nb = VirtualAlloc(0xFFFF800000000000, 4096, MEM_RESERVE, PAGE_READWRITE);\nc = VirtualAlloc(NULL, 0xFFFFFFFFFFFFF000, MEM_RESERVE, PAGE_READWRITE);",
    );
    for row in &r {
        assert_eq!(row.value, Some(0), "{}", row.text);
        assert_ne!(row.last_error, 0, "{}", row.text);
    }
}

#[test]
fn for_loops_run_with_a_statement_limit() {
    let r =
        run("int sum = 0;\nfor (int i = 0; i < 4; i++) {\n    sum += i;\n}\nprintf(\"%d\", sum);");
    assert_eq!(printed(&r), "6");
    let texts: Vec<&str> = r.iter().map(|r| r.text.as_str()).collect();
    assert_eq!(
        &texts[..4],
        ["int sum = 0;", "int i = 0;", "i < 4", "sum += i;"]
    );

    let p = program("for (;;) {\n    x = 1;\n}");
    let mut machine = Machine::with_recording(script::machine_config(&p), Recording::Off);
    let mut runner = Runner::new(p).with_limit(50);
    let mut count = 0;
    while runner.step(&mut machine).is_some() {
        count += 1;
    }
    assert!(runner.finished());
    // The count of statements handed out is the limit, and the message says so.
    assert_eq!(count, 50);
    let stop = runner
        .stopped()
        .map(ToString::to_string)
        .unwrap_or_default();
    assert!(
        stop.contains("stopped after 50 statements: the statement limit (50) was reached"),
        "{stop}"
    );
    // An empty endless loop stops too: each pass of `for (;;)` is a statement.
    let p = program("for (;;);");
    let mut runner = Runner::new(p).with_limit(1000);
    let mut passes = 0;
    while let Some(r) = runner.step(&mut machine) {
        assert_eq!(r.text, "for (;;)");
        passes += 1;
    }
    assert_eq!(passes, 1000);
    assert!(runner.stopped().is_some());
}

#[test]
fn steps_carry_their_statement_line() {
    let p = program("p = VirtualAlloc(NULL, 8, MEM_COMMIT, PAGE_READWRITE);\n\nmemmove(p, \"1337\", 4);\nprintf(\"%s\", p);");
    let mut machine = Machine::with_recording(script::machine_config(&p), Recording::Steps);
    let results = script::run(&p, &mut machine);
    let steps = machine.history().steps();
    let mut covered = 0;
    for r in &results {
        assert!(!r.steps.is_empty(), "{} has steps", r.text);
        for step in &steps[r.steps.clone()] {
            assert_eq!(step.line, Some(r.line));
        }
        covered += r.steps.len();
    }
    assert_eq!(covered, steps.len());
    let last = &steps[results[2].steps.end - 1];
    assert!(matches!(&last.events[..], [pagelab::sim::Event::Output { text }] if text == "1337"));
}

#[test]
fn only_variables_and_memory_can_be_assigned() {
    for (text, expected) in [
        ("0 = 1;", "1:1: only a variable, *pointer or pointer[index] can be assigned"),
        ("MEM_COMMIT = 1;", "1:1: 'MEM_COMMIT' is a constant and cannot be assigned"),
        ("MEMORY_BASIC_INFORMATION mbi;\nmbi.State = 1;", "2:1: the fields of a MEMORY_BASIC_INFORMATION are filled by VirtualQuery and cannot be assigned"),
        ("x += 1;", "1:1: 'x' is not defined"),
        ("y++;", "1:1: 'y' is not defined"),
    ] {
        assert_eq!(errors(text), [expected], "{text}");
    }
}

#[test]
fn windows_sample_spellings_run() {
    let r = run(
        "LPBYTE p = (LPBYTE)VirtualAlloc(NULL, 4096, MEM_COMMIT, PAGE_READWRITE);\nFillMemory(p, 4, 'z');\nZeroMemory(p + 2, 1);\n_tprintf(TEXT(\"%s \"), p);\nCopyMemory(p, _T(\"ab\"), 2);\nMoveMemory(p + 1, p, 2);\nwprintf(L\"%s\", p);",
    );
    assert_eq!(printed(&r), "zz aabz");
    assert!(r.iter().all(|r| r.exception.is_none() && r.error.is_none()));
}
