//! `pagelab --help`, `pagelab run --help` and `pagelab run --summary`.

use std::process::{Command, Output};

fn pagelab(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_pagelab"))
        .args(args)
        .output()
        .expect("the pagelab binary runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn lesson(name: &str) -> String {
    format!("{}/www/lessons/{name}", env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn help_is_offered_for_the_tool_and_each_command() {
    for args in [
        &["--help"][..],
        &["-h"],
        &["help"],
        &["help", "run"],
        &["run", "--help"],
    ] {
        let o = pagelab(args);
        assert!(o.status.success(), "pagelab {args:?} exits 0");
        assert!(
            stdout(&o).contains("usage"),
            "pagelab {args:?} prints a usage"
        );
    }
    assert!(stdout(&pagelab(&["run", "--help"])).contains("--summary"));
    assert!(stdout(&pagelab(&["help", "trace"])).contains("--policy"));
}

#[test]
fn an_unknown_command_is_named_and_fails() {
    let o = pagelab(&["rnu"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("unknown command 'rnu'"));
}

/// The summary's counts agree with the events of the same run, counted from `--steps`.
#[test]
fn the_summary_counts_what_the_steps_show() {
    for name in [
        "thrashing.c",
        "demand-paging.c",
        "guard-page.c",
        "clustering.c",
    ] {
        let file = lesson(name);
        let steps = pagelab(&["run", &file, "--json", "--steps"]);
        assert!(steps.status.success());
        let (mut faults, mut reads, mut writes, mut guards) = (0u64, 0u64, 0u64, 0u64);
        let (mut hits, mut misses) = (0u64, 0u64);
        let mut peak = 0u64;
        let mut statements = 0u64;
        for line in stdout(&steps).lines() {
            let row: serde_json::Value = serde_json::from_str(line).expect("a JSON row");
            statements += 1;
            for step in row["steps"].as_array().expect("steps") {
                for event in step["events"].as_array().expect("events") {
                    match event["kind"].as_str() {
                        Some("page_fault") => faults += 1,
                        Some("page_file_read") => reads += 1,
                        Some("page_file_write") => writes += 1,
                        Some("tlb_hit") => hits += 1,
                        Some("tlb_miss") => misses += 1,
                        Some("exception") if event["name"] == "STATUS_GUARD_PAGE_VIOLATION" => {
                            guards += 1
                        }
                        Some("commit_charge") => {
                            peak = peak.max(event["new"].as_u64().expect("new charge"))
                        }
                        _ => {}
                    }
                }
            }
        }
        let o = pagelab(&["run", &file, "--json", "--summary"]);
        assert!(o.status.success());
        let text = stdout(&o);
        let last = text.lines().last().expect("a summary row");
        let s: serde_json::Value = serde_json::from_str(last).expect("JSON");
        let s = &s["summary"];
        assert_eq!(s["statements"], statements, "{name}: statements");
        let kinds = [
            "demand_zero",
            "transition",
            "hard",
            "access_violation",
            "guard",
        ];
        let counted: u64 = kinds.iter().map(|k| s[k].as_u64().expect(k)).sum();
        assert_eq!(counted, faults, "{name}: page faults of every kind");
        assert_eq!(s["guard"], guards, "{name}: guard-page violations");
        assert_eq!(s["pagefile_reads"], reads, "{name}: page-file reads");
        assert_eq!(s["pagefile_writes"], writes, "{name}: page-file writes");
        assert_eq!(s["tlb_hits"], hits, "{name}: TLB hits");
        assert_eq!(s["tlb_misses"], misses, "{name}: TLB misses");
        assert_eq!(s["peak_commit_pages"], peak, "{name}: peak commit");
        // The readable form says the same numbers.
        let plain = stdout(&pagelab(&["run", &file, "--summary"]));
        assert!(
            plain.contains(&format!("TLB: {hits} hits, {misses} misses")),
            "{plain}"
        );
    }
}

/// `--json --steps` streams its rows, yet a row comes out only once its steps are final:
/// the steps of all rows, in order, are exactly the steps of the whole run recorded at
/// once, grown steps (docs/steps.md) included, and each is printed once.
#[test]
fn streamed_steps_are_the_whole_runs_steps() {
    let text = "char *p = VirtualAlloc(NULL, 8192, MEM_COMMIT, PAGE_READWRITE);\n\
                for (int i = 0; i < 8192; i++) {\n\
                    p[i] = 1;\n\
                    if (i % 3000 == 0) printf(\"%d\\n\", i);\n\
                }\n\
                printf(\"%d\\n\", p[5]);\n";
    let dir = std::env::temp_dir().join(format!("pagelab-cli-run-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join("stream.c");
    std::fs::write(&path, text).expect("write");
    let o = pagelab(&["run", path.to_str().expect("a path"), "--json", "--steps"]);
    assert!(o.status.success());
    let mut streamed = Vec::new();
    for line in stdout(&o).lines() {
        let row: serde_json::Value = serde_json::from_str(line).expect("a JSON row");
        streamed.extend(row["steps"].as_array().expect("steps").iter().cloned());
    }
    let program = pagelab::script::parse(text).expect("it parses");
    let mut machine = pagelab::script::machine_for(&program, pagelab::sim::Recording::Steps);
    let mut runner = pagelab::script::Runner::new(program);
    while runner.step(&mut machine).is_some() {}
    let whole = serde_json::to_value(machine.history().steps()).expect("steps as JSON");
    assert_eq!(serde_json::Value::Array(streamed), whole);
    let grown = stdout(&o).matches("\"kind\":\"repeated\"").count();
    assert_eq!(grown, 4, "each page's writes, cut in two by a printf");
}
