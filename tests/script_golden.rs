//! Golden tests of `pagelab run` on the scripts in `tests/scripts/` (DESIGN §6).
//!
//! For each `NAME.c` the expected standard output, standard error and `--json` rows are
//! kept beside it as `NAME.stdout`, `NAME.stderr` and `NAME.jsonl`. Run with `BLESS=1`
//! to rewrite them after checking the new output by hand. Scripts whose name starts
//! with `errors` must fail to parse (exit status 2); all others must run (status 0).
//! The `--json` rows are also parsed and checked field by field against DESIGN §6.
//! Scripts whose name ends with `_sample` are full-size programs (a million statements):
//! they keep no `.jsonl` (a row per statement) and their rows are not parsed here.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

fn scripts_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("scripts")
}

fn scripts() -> Vec<PathBuf> {
    let mut list: Vec<PathBuf> = std::fs::read_dir(scripts_dir())
        .expect("tests/scripts exists")
        .map(|e| e.expect("directory entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "c"))
        .collect();
    list.sort();
    assert!(
        list.len() >= 4,
        "expected the tutorial scripts, found {list:?}"
    );
    list
}

fn pagelab(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_pagelab"))
        .args(args)
        .current_dir(scripts_dir())
        .output()
        .expect("pagelab runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).expect("output is UTF-8")
}

fn name_of(script: &Path) -> String {
    script
        .file_stem()
        .and_then(|s| s.to_str())
        .expect("script name")
        .to_string()
}

#[test]
fn scripts_match_their_golden_output() {
    let mut failures = Vec::new();
    for script in scripts() {
        let name = name_of(&script);
        let file = format!("{name}.c");
        let plain = pagelab(&["run", &file]);
        let expected_status = if name.starts_with("errors") { 2 } else { 0 };
        if plain.status.code() != Some(expected_status) {
            failures.push(format!("{name}: exit status {:?}", plain.status.code()));
        }
        let dir = scripts_dir();
        let mut check = |ext: &str, actual: String| {
            if let Err(e) = common::golden_file(&dir.join(format!("{name}.{ext}")), &actual) {
                failures.push(e);
            }
        };
        check("stdout", text(&plain.stdout));
        check("stderr", text(&plain.stderr));
        if expected_status == 0 && !name.ends_with("_sample") {
            let json = pagelab(&["run", &file, "--json"]);
            check("jsonl", text(&json.stdout));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The fields of one row, in DESIGN §6 order, and the process's name (DESIGN §9).
const FIELDS: [&str; 7] = [
    "line",
    "text",
    "value",
    "last_error",
    "exception",
    "out",
    "process",
];

fn check_row(row: &Value, source_lines: &[&str], with_steps: bool) {
    let object = row.as_object().expect("a row is a JSON object");
    let mut keys: Vec<&str> = object.keys().map(String::as_str).collect();
    let mut expected: Vec<&str> = FIELDS.to_vec();
    // A part of a statement (before a call, or before its exception went to a
    // `__try` filter: `raised`), not a run.
    if row["partial"] == true {
        expected.push("partial");
        assert!(row["exception"].is_null(), "a part is not unhandled: {row}");
        assert!(row["value"].is_null(), "a part has no value: {row}");
        assert_eq!(row["out"], "", "a part prints nothing: {row}");
    }
    let raised = &row["raised"];
    if !raised.is_null() {
        expected.push("raised");
        assert_eq!(row["partial"], true, "{row}");
        assert!(
            raised["code"].is_u64() && raised["name"].is_string(),
            "{row}"
        );
        assert_eq!(raised["info"].as_array().map(Vec::len), Some(2), "{row}");
    }
    if with_steps {
        expected.push("steps");
    }
    // The system's own steps in a run of several processes: no statement's.
    let system = row["system"] == true;
    if system {
        expected.push("system");
    }
    keys.sort_unstable();
    expected.sort_unstable();
    assert_eq!(keys, expected, "fields of {row}");
    if system {
        check_system_row(row, with_steps);
        return;
    }

    let line = row["line"].as_u64().expect("line is an integer");
    assert!(
        line >= 1 && line as usize <= source_lines.len(),
        "line {line}"
    );
    let text = row["text"].as_str().expect("text is a string");
    let first_line = text.lines().next().unwrap_or("");
    assert!(
        source_lines[line as usize - 1].contains(first_line),
        "text {text:?} is not on line {line}"
    );
    assert!(
        row["value"].is_null() || row["value"].is_i64() || row["value"].is_u64(),
        "value {}",
        row["value"]
    );
    assert!(
        row["last_error"].is_u64(),
        "last_error {}",
        row["last_error"]
    );
    assert!(row["out"].is_string(), "out {}", row["out"]);
    assert!(
        row["process"].as_str().is_some_and(|p| !p.is_empty()),
        "process {}",
        row["process"]
    );
    let exception = &row["exception"];
    if !exception.is_null() {
        let code = exception["code"].as_u64().expect("exception code");
        let name = exception["name"].as_str().expect("exception name");
        let info = exception["info"].as_array().expect("exception info");
        assert!(
            (code, name) == (0xC000_0005, "STATUS_ACCESS_VIOLATION")
                || (code, name) == (0x8000_0001, "STATUS_GUARD_PAGE_VIOLATION"),
            "exception {exception}"
        );
        assert_eq!(info.len(), 2);
        assert!(
            matches!(info[0].as_u64(), Some(0 | 1 | 8)),
            "info {exception}"
        );
        assert!(info[1].is_u64());
        assert!(row["value"].is_null(), "an aborted statement has no value");
    }
    if with_steps {
        let steps = row["steps"].as_array().expect("steps is an array");
        for step in steps {
            assert!(step["events"].is_array(), "step {step}");
            assert!(step["narration"].is_string(), "step {step}");
            assert_eq!(step["line"].as_u64(), Some(line), "a step carries its line");
        }
    }
}

/// A row of the system's own steps: line 0, no value, nothing printed, and steps of
/// no line (docs/script-language.md).
fn check_system_row(row: &Value, with_steps: bool) {
    assert_eq!(row["line"], 0, "{row}");
    assert!(
        row["value"].is_null() && row["exception"].is_null(),
        "{row}"
    );
    assert_eq!(row["out"], "", "{row}");
    let text = row["text"].as_str().unwrap_or("");
    let process = row["process"].as_str().unwrap_or("");
    assert!(
        !process.is_empty()
            && [
                format!("process {process} is created"),
                format!("context switch to {process}"),
            ]
            .iter()
            .any(|t| t == text)
            || text.starts_with(&format!("process {process} exits with code ")),
        "{row}"
    );
    if with_steps {
        let steps = row["steps"].as_array().expect("steps is an array");
        assert_eq!(steps.len(), 1, "one step: {row}");
        assert!(steps[0]["line"].is_null(), "{row}");
    }
}

#[test]
fn json_rows_follow_the_contract() {
    for script in scripts() {
        let name = name_of(&script);
        if name.starts_with("errors") || name.ends_with("_sample") {
            continue;
        }
        let source = std::fs::read_to_string(&script).expect("script");
        let lines: Vec<&str> = source.lines().collect();
        let file = format!("{name}.c");
        let plain = pagelab(&["run", &file]);
        for with_steps in [false, true] {
            let args: &[&str] = if with_steps {
                &["run", &file, "--json", "--steps"]
            } else {
                &["run", &file, "--json"]
            };
            let output = pagelab(args);
            assert_eq!(output.status.code(), Some(0), "{name}");
            let stdout = text(&output.stdout);
            let rows: Vec<Value> = stdout
                .lines()
                .map(|l| serde_json::from_str(l).expect("each line is JSON"))
                .collect();
            assert!(!rows.is_empty(), "{name}: no rows");
            for row in &rows {
                check_row(row, &lines, with_steps);
            }
            // The printed text of all rows is exactly what the plain run prints.
            let printed: String = rows.iter().filter_map(|r| r["out"].as_str()).collect();
            assert_eq!(printed, text(&plain.stdout), "{name}");
            // Every exception of the rows is reported on stderr by the plain run.
            let exceptions = rows.iter().filter(|r| !r["exception"].is_null()).count();
            let reported = text(&plain.stderr).matches("exception").count();
            assert_eq!(exceptions, reported, "{name}");
            if with_steps {
                let total: usize = rows
                    .iter()
                    .map(|r| r["steps"].as_array().map_or(0, Vec::len))
                    .sum();
                assert!(total > 0, "{name}: --steps recorded nothing");
            }
        }
    }
}

#[test]
fn the_published_tutorial_example_prints_as_published() {
    let output = pagelab(&["run", "tutorial_commit.c"]);
    assert_eq!(output.status.code(), Some(0));
    // VirtualAlloc(NULL, …) places the first allocation at the default base
    // 0x23456700000; %x prints its low 32 bits. The published strings have no newlines.
    assert_eq!(
        text(&output.stdout),
        "The base address of allocated memory is: 56700000The data which is stored in the memory is 1337"
    );
    assert_eq!(text(&output.stderr), "");
    let json = pagelab(&["run", "tutorial_commit.c", "--json"]);
    let first: Value =
        serde_json::from_str(text(&json.stdout).lines().next().unwrap_or("")).expect("first row");
    assert_eq!(first["line"], 5);
    assert_eq!(first["value"].as_u64(), Some(0x234_5670_0000));
    assert_eq!(first["last_error"], 0);
}
