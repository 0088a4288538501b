//! `pagelab quiz --seed N [--answers]` prints the homework set the page shows for
//! `?quiz=N`: the same problems and, when asked, the simulator's answers.

use std::process::Command;

use pagelab::course::quiz::homework;

fn quiz(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_pagelab"))
        .arg("quiz")
        .args(args)
        .output()
        .expect("pagelab runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn the_command_line_prints_the_pages_problems() {
    let set = homework(42);
    let (code, hidden, _) = quiz(&["--seed", "42"]);
    assert_eq!(code, 0);
    let (_, shown, _) = quiz(&["--seed", "42", "--answers"]);
    for p in &set.problems {
        assert!(
            hidden.contains(&p.prompt) && shown.contains(&p.prompt),
            "{}",
            p.prompt
        );
        for f in &p.fields {
            assert!(
                hidden.contains(&format!("   {}: ?\n", f.name)),
                "the answer stays hidden"
            );
            assert!(
                shown.contains(&format!("   {}: {}\n", f.name, f.answer)),
                "{}",
                f.name
            );
        }
    }
    assert_eq!(
        quiz(&["--seed", "42"]).1,
        hidden,
        "the same seed, the same text"
    );
}

#[test]
fn bad_arguments_are_explained() {
    let (code, _, err) = quiz(&["--seed", "-1"]);
    assert_eq!(code, 2);
    assert!(err.contains("--seed needs a whole number"), "{err}");
    let (code, _, err) = quiz(&[]);
    assert_eq!((code, err.contains("give a seed")), (2, true));
    let (code, _, err) = quiz(&["--seeds", "3"]);
    assert_eq!((code, err.contains("unknown option '--seeds'")), (2, true));
    let (code, out, _) = quiz(&["--help"]);
    assert_eq!((code, out.starts_with("usage: pagelab quiz")), (0, true));
}
