//! Running `pagelab trace` from the tests of trace mode.

use std::io::Write;
use std::process::{Command, Output, Stdio};

/// Run `pagelab trace ARGS` with `stdin` as its standard input; it must not panic.
pub fn pagelab_trace(args: &[&str], stdin: &[u8]) -> Output {
    pagelab_trace_with_env(args, stdin, &[])
}

/// [`pagelab_trace`] with environment variables set for the run.
#[allow(dead_code)] // Not every test binary that includes this module sets any.
pub fn pagelab_trace_with_env(args: &[&str], stdin: &[u8], env: &[(&str, &str)]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_pagelab"))
        .arg("trace")
        .args(args)
        .envs(env.iter().copied())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    let data = stdin.to_vec();
    // Feed from a thread so a large output cannot deadlock against a large input.
    let feeder = std::thread::spawn(move || {
        let _ = input.write_all(&data);
    });
    let output = child.wait_with_output().unwrap();
    feeder.join().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    output
}
