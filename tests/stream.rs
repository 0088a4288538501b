//! The steps the page's worker sends read back exactly: every step and picture delta of
//! every bundled lesson and scenario script, through `stream::write_chunk` and
//! `stream::read_chunk`, and a history rebuilt from them gives the same pictures.

use pagelab::script;
use pagelab::sim::{History, Machine};
use pagelab::stream;

fn scripts() -> Vec<(String, String)> {
    let mut found = Vec::new();
    for dir in ["www/lessons", "tests/scripts"] {
        let mut names: Vec<_> = std::fs::read_dir(dir)
            .expect("the folder exists")
            .map(|e| e.expect("an entry").path())
            .filter(|p| p.extension().is_some_and(|x| x == "c"))
            .collect();
        names.sort();
        for path in names {
            let text = std::fs::read_to_string(&path).expect("a script");
            found.push((path.display().to_string(), text));
        }
    }
    assert!(found.len() > 20, "the lessons and scenarios are found");
    found
}

#[test]
fn every_recorded_step_reads_back_exactly() {
    let mut total = 0;
    for (name, text) in scripts() {
        let Ok(program) = script::parse(&text) else {
            continue;
        };
        let config = script::machine_config(&program);
        let config_tree = stream::config(&config).expect("writes");
        assert_eq!(
            stream::read_config(&config_tree),
            Ok(config.clone()),
            "{name}"
        );
        let mut machine = Machine::new(config.clone());
        let whole = {
            let mut m = machine.clone();
            script::run(&program, &mut m);
            m
        };
        let mut copy = Machine::new(config);
        let mut runner = script::Runner::new(program);
        while runner.step(&mut machine).is_some() {
            let history = machine.history_mut();
            let (steps, deltas) = history.take_before(history.len());
            let pairs: Vec<_> = steps.into_iter().zip(deltas).collect();
            let tree = stream::chunk(&pairs).expect("writes");
            let back = stream::read_chunk(&tree).unwrap_or_else(|e| panic!("{name}: {e}\n{tree}"));
            assert_eq!(back, pairs, "{name}");
            for (step, delta) in back {
                copy.history_mut().append(step, delta);
            }
        }
        let (a, b): (&History, &History) = (whole.history(), copy.history());
        assert_eq!(a.len(), b.len(), "{name}");
        assert_eq!(a.steps(), b.steps(), "{name}");
        for i in (0..a.len()).step_by(7).chain(a.len().checked_sub(1)) {
            assert_eq!(
                a.picture_after(i),
                b.picture_after(i),
                "{name}: picture {i}"
            );
        }
        total += a.len();
    }
    assert!(total > 1000, "the scripts record steps ({total})");
}

#[test]
fn a_broken_chunk_is_an_error_not_a_panic() {
    for text in [
        "null",
        "{}",
        "[[{}]]",
        r#"[[{"events":[{"kind":"nonsense"}],"narration":"x","line":null},{}]]"#,
        r#"[[{"events":[],"narration":"x","line":-1},{}]]"#,
    ] {
        let tree: serde_json::Value = serde_json::from_str(text).expect("JSON");
        assert!(stream::read_chunk(&tree).is_err(), "{text}");
    }
}

#[test]
fn integers_past_2_to_the_53_read_back_from_their_hex_text() {
    // The page's crossing writes them as exact hex strings (web::crossing).
    let tree: serde_json::Value = serde_json::from_str(
        r#"[[{"events":[{"kind":"call","name":"VirtualAlloc","args":[0,"0xffffffffffffffff",4096,4]}],"narration":"n","line":1},[]]]"#,
    )
    .expect("JSON");
    let back = stream::read_chunk(&tree).expect("reads");
    assert_eq!(
        back[0].0.events[0],
        pagelab::sim::Event::Call {
            name: "VirtualAlloc".into(),
            args: vec![0, u64::MAX, 4096, 4]
        }
    );
}
