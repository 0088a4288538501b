//! `pagelab trace` beyond one policy: the input formats (page numbers, byte addresses,
//! Valgrind Lackey output; detected or chosen), malformed input, `--compare`, `--curve`,
//! `--json`, and OPT's two readings of a file agreeing with the in-memory replay.

mod trace_cli;

use pagelab::sim::trace::{self, parse_trace, Format, InputErrorKind, SplitMix64};
use pagelab::sim::Policy;

use trace_cli::{pagelab_trace, pagelab_trace_with_env};

const BELADY: &str = "1 2 3 4 1 2 5 1 2 3 4 5";

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A file in the target directory, unique to the test.
fn temp_file(name: &str, contents: &str) -> std::path::PathBuf {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"));
    let path = dir.join(format!("trace-formats-{name}"));
    std::fs::write(&path, contents).unwrap();
    path
}

#[test]
fn belady_fifo_three_and_four_frames() {
    for (frames, misses) in [("3", 9), ("4", 10)] {
        let out = pagelab_trace(&["--policy", "fifo", "--frames", frames], BELADY.as_bytes());
        assert_eq!(
            text(&out.stdout),
            format!(
                "{{\"accesses\":12,\"hits\":{},\"misses\":{misses}}}\n",
                12 - misses
            )
        );
    }
}

#[test]
fn the_three_formats_read_the_same_string() {
    let pages = "1 2 3 1";
    let addresses = "0x1000\n0x2010\n0x3fff\n0x1abc\n";
    let lackey = "==77== Lackey, an example Valgrind tool\n==77== Command: ./a\nI  00001000,3\n L 00002010,8\n S 00003ff8,8\n M 00001abc,4\n==77== \n";
    for (input, format) in [
        (pages, Format::Pages),
        (addresses, Format::Addresses),
        (lackey, Format::Lackey),
    ] {
        assert_eq!(
            parse_trace(input, None, 12).unwrap(),
            (vec![1, 2, 3, 1], format)
        );
        assert_eq!(
            parse_trace(input, Some(format), 12).unwrap().0,
            vec![1, 2, 3, 1]
        );
        let out = pagelab_trace(&["--policy", "lru", "--frames", "2"], input.as_bytes());
        assert_eq!(
            text(&out.stdout),
            "{\"accesses\":4,\"hits\":0,\"misses\":4}\n",
            "{format:?}"
        );
        let name = format.name();
        let out = pagelab_trace(
            &["--format", name, "--policy", "lru", "--frames", "3"],
            input.as_bytes(),
        );
        assert_eq!(
            text(&out.stdout),
            "{\"accesses\":4,\"hits\":1,\"misses\":3}\n",
            "{format:?}"
        );
    }
}

#[test]
fn page_size_changes_the_pages() {
    let out = pagelab_trace(
        &[
            "--format",
            "addresses",
            "--page-size",
            "65536",
            "--policy",
            "fifo",
            "--frames",
            "1",
            "--per-access",
        ],
        b"1000 2000 10000 1ffff",
    );
    assert_eq!(
        text(&out.stdout),
        "0 miss\n0 hit\n1 miss evict 0\n1 hit\n{\"accesses\":4,\"hits\":2,\"misses\":2}\n"
    );
    let out = pagelab_trace(
        &["--page-size", "3000", "--policy", "fifo", "--frames", "1"],
        b"1",
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("power of two"));
}

#[test]
fn lackey_access_across_two_pages_touches_both() {
    let out = pagelab_trace(
        &["--policy", "fifo", "--frames", "4", "--per-access"],
        b"==1== start\n L 0ffc,8\n S 1000,4\n",
    );
    assert_eq!(
        text(&out.stdout),
        "0 miss\n1 miss\n1 hit\n{\"accesses\":3,\"hits\":1,\"misses\":2}\n"
    );
}

#[test]
fn malformed_input_names_its_line() {
    let cases: [(&[&str], &str, &str); 4] = [
        (&[], "1 2\n3 x4\n", "line 2, column 3"),
        (
            &["--format", "addresses"],
            "1000\n2000\nfoo\n",
            "line 3, column 1",
        ),
        (&[], "==1== hi\nI  1000,4\n L 1000\n", "line 3 \" L 1000\""),
        (
            &["--format", "lackey"],
            "I  1000,4\nsomething else\n",
            "line 2 \"something else\"",
        ),
    ];
    for (extra, input, place) in cases {
        let mut args = extra.to_vec();
        args.extend(["--policy", "lru", "--frames", "2"]);
        let out = pagelab_trace(&args, input.as_bytes());
        assert_eq!(out.status.code(), Some(2), "{input}");
        assert!(out.stdout.is_empty(), "{input}");
        assert!(
            text(&out.stderr).contains(place),
            "{input}: {}",
            text(&out.stderr)
        );
    }
    let e = parse_trace("I  10,4\n L 10,4,5\n", None, 12).unwrap_err();
    assert_eq!((e.kind, e.line), (InputErrorKind::NotALackeyLine, 2));
}

#[test]
fn compare_table_and_json() {
    let out = pagelab_trace(
        &["--compare", "fifo,lru,clock,opt,random", "--frames", "1..5"],
        BELADY.as_bytes(),
    );
    assert_eq!(
        text(&out.stdout),
        "frames  fifo  lru  clock  opt  random
     1    12   12     12   12      12
     2    12   12     12    9      10
     3     9   10      9    7      10
     4   10*    8    10*    6       7
     5     5    5      5    5       5
faults (page misses, cold misses included) over 12 accesses
* more faults than with fewer frames: Belady's anomaly
"
    );
    let out = pagelab_trace(
        &["--compare", "fifo,opt", "--frames", "3,4", "--json"],
        BELADY.as_bytes(),
    );
    assert_eq!(
        text(&out.stdout),
        "{\"accesses\":12,\"frames\":[3,4],\"policies\":[{\"policy\":\"fifo\",\"faults\":[9,10],\"anomalies\":[4]},{\"policy\":\"opt\",\"faults\":[7,6],\"anomalies\":[]}]}\n"
    );
}

#[test]
fn curve_marks_the_anomaly() {
    let out = pagelab_trace(
        &["--policy", "fifo", "--frames", "3..4", "--curve"],
        BELADY.as_bytes(),
    );
    assert_eq!(
        text(&out.stdout),
        "fifo (faults per frame count, 12 accesses)\n3  9 #############################################\n4 10 ##################################################  <- more faults with more frames (Belady's anomaly)\n"
    );
}

#[test]
fn bad_option_combinations_exit_2() {
    for args in [
        &["--policy", "lru", "--frames", "1..3"][..],
        &["--policy", "lru", "--compare", "fifo", "--frames", "3"],
        &["--compare", "fifo,nope", "--frames", "3"],
        &["--compare", "fifo", "--frames", "5..2"],
        &["--compare", "fifo", "--frames", "0..2"],
        &["--policy", "lru", "--frames", "2", "--json"],
        &["--format", "csv", "--policy", "lru", "--frames", "2"],
        &["--policy", "lru", "--frames", "2", "a", "b"],
    ] {
        let out = pagelab_trace(args, b"1 2");
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(out.stdout.is_empty(), "{args:?}");
    }
    let out = pagelab_trace(&["--policy", "lru", "--frames", "2", "/no/such/file"], b"");
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("/no/such/file"));
}

#[test]
fn help_states_formats_and_the_opt_bound() {
    let out = pagelab_trace(&["--help"], b"");
    let help = text(&out.stdout);
    for needle in [
        "--format",
        "lackey",
        "--page-size",
        "--compare",
        "--curve",
        "reads the input twice",
        "not with its length",
    ] {
        assert!(help.contains(needle), "{needle}");
    }
}

/// OPT from a file (two readings, blocks) gives the same per-access lines as OPT from
/// standard input (copied to a temporary file first), and as the library.
#[test]
fn opt_from_a_file_matches_opt_in_memory() {
    let mut rng = SplitMix64::new(11);
    let pages: Vec<u64> = (0..20_000).map(|_| rng.below(300)).collect();
    let input: String = pages.iter().map(|p| format!("{p}\n")).collect();
    let path = temp_file("opt.txt", &input);
    let path = path.to_str().unwrap();
    let args = ["--policy", "opt", "--frames", "37", "--per-access"];
    let from_stdin = pagelab_trace(&args, input.as_bytes());
    let mut with_file = args.to_vec();
    with_file.push(path);
    let from_file = pagelab_trace(&with_file, b"");
    assert!(from_file.status.success());
    assert_eq!(text(&from_file.stdout), text(&from_stdin.stdout));
    let mut expected = Vec::new();
    let summary = trace::simulate(Policy::Opt, 37, 1, pages.iter().copied(), |p, o| {
        trace::write_access_line(&mut expected, p, o)
    })
    .unwrap();
    expected.extend(format!("{}\n", summary.to_json()).bytes());
    assert_eq!(text(&from_file.stdout), text(&expected));
    // --compare from the file equals the in-memory runs too.
    let out = pagelab_trace(
        &["--compare", "opt,lru", "--frames", "8,64", "--json", path],
        b"",
    );
    let lru8 = trace::simulate(Policy::Lru, 8, 1, pages.iter().copied(), |_, _| {}).unwrap();
    assert!(text(&out.stdout).contains(&format!("\"policy\":\"lru\",\"faults\":[{},", lru8.misses)));
}

/// OPT from standard input copies it to a temporary file in TMPDIR, reads that twice, and
/// leaves nothing behind; a temporary directory that cannot be written is a clear error.
#[test]
fn opt_from_stdin_spools_to_a_temporary_file() {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("trace-spool");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let tmpdir = dir.to_str().unwrap();
    let args = ["--compare", "opt,fifo", "--frames", "3..4"];
    let out = pagelab_trace_with_env(&args, BELADY.as_bytes(), &[("TMPDIR", tmpdir)]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let table = text(&out.stdout);
    assert!(
        table.starts_with("frames  opt  fifo\n     3    7     9\n     4    6   10*\n"),
        "{table}"
    );
    assert_eq!(
        std::fs::read_dir(&dir).unwrap().count(),
        0,
        "spool left behind"
    );
    let missing = dir.join("missing");
    let out = pagelab_trace_with_env(
        &["--policy", "opt", "--frames", "3"],
        BELADY.as_bytes(),
        &[("TMPDIR", missing.to_str().unwrap())],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("copying it to a temporary file for opt"),
        "{}",
        text(&out.stderr)
    );
}
