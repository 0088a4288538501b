//! `pagelab run` on bad input: missing files, bad options, text that is not UTF-8,
//! huge and hostile scripts. Nothing panics; status 2 means "did not parse".

use std::io::Write;
use std::process::{Command, Output};

fn run_with(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_pagelab"))
        .args(args)
        .output()
        .expect("pagelab runs")
}

fn temp_script(name: &str, bytes: &[u8]) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("pagelab-script-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join(name);
    let mut f = std::fs::File::create(&path).expect("temp file");
    f.write_all(bytes).expect("write");
    path
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn a_missing_file_is_a_clear_error() {
    let o = run_with(&["run", "no-such-script.c"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("cannot read 'no-such-script.c'"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn bad_options_are_refused() {
    for args in [
        &["run"][..],
        &["run", "a.c", "--steps"],
        &["run", "a.c", "--jsn"],
        &["run", "a.c", "b.c"],
    ] {
        let o = run_with(args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert!(
            stderr(&o).contains("usage: pagelab run"),
            "{args:?}: {}",
            stderr(&o)
        );
    }
}

#[test]
fn invalid_utf8_is_reported_with_its_position() {
    let path = temp_script("latin1.c", b"x = 1;\ny = \"caf\xE9\";\n");
    let o = run_with(&["run", path.to_str().unwrap_or_default()]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.contains(":2:9: the file is not UTF-8 text (byte 0xE9 here)"),
        "{err}"
    );
}

#[test]
fn parse_errors_name_the_file_line_and_column() {
    let path = temp_script(
        "typo.c",
        b"p = VirtualAloc(NULL, 8, MEM_COMMIT, PAGE_READWRITE);\n",
    );
    let file = path.to_str().unwrap_or_default();
    let o = run_with(&["run", file, "--json"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(o.stdout.is_empty());
    assert_eq!(
        stderr(&o),
        format!("{file}:1:5: unknown function 'VirtualAloc' — did you mean 'VirtualAlloc'?\n")
    );
}

#[test]
fn a_ten_megabyte_script_runs_without_trouble() {
    let line = "p = VirtualAlloc(NULL, 4096, MEM_COMMIT, PAGE_READWRITE); // some words\n";
    let mut text = String::new();
    while text.len() < 10 << 20 {
        text.push_str(line);
    }
    let path = temp_script("big.c", text.as_bytes());
    let o = run_with(&["run", path.to_str().unwrap_or_default()]);
    // It parses and runs to its end: its 145,636 statements are under the statement
    // limit (the commits past the commit limit fail quietly, as they would on Windows).
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stderr(&o), "", "no statement is stopped or skipped");
    assert_eq!(text.lines().count(), 145_636);
}

#[test]
fn hostile_scripts_give_errors_not_panics() {
    let cases: Vec<(&str, Vec<u8>)> = vec![
        (
            "parens.c",
            format!("x = {}1{};", "(".repeat(50_000), ")".repeat(50_000)).into_bytes(),
        ),
        ("braces.c", "{".repeat(50_000).into_bytes()),
        ("control.c", b"x = 1;\x01\x02\x7f\n".to_vec()),
        ("garbage.c", (0u8..=127).cycle().take(100_000).collect()),
        ("ops.c", "+-*/%&|^~!<>=?:;,.".repeat(5000).into_bytes()),
    ];
    for (name, bytes) in cases {
        let path = temp_script(name, &bytes);
        let o = run_with(&["run", path.to_str().unwrap_or_default()]);
        assert_eq!(o.status.code(), Some(2), "{name}: {}", stderr(&o));
        assert!(!stderr(&o).contains("panicked"), "{name}");
        assert!(
            stderr(&o).lines().count() <= 101,
            "{name}: errors are capped"
        );
    }
}
