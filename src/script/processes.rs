//! Several programs in one script (DESIGN §9): `#pragma pagelab process NAME` starts the
//! program of another process. The text before the first such line is the first process,
//! named `main`, unless it holds no code.
//!
//! Each program is parsed from a copy of the whole text in which every line that is not
//! its own is blank, so line and column numbers stay those of the script. The machine's
//! `#pragma pagelab key=value` lines apply to the whole system; they are kept in the
//! first program's copy only.

use super::error::ScriptError;

/// One process's program text: its name and the script with other lines blanked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Part {
    /// The process's name.
    pub name: String,
    /// The script with every line that is not this process's blank.
    pub text: String,
}

/// What a line of the script is, for the split.
enum Line<'a> {
    /// `#pragma pagelab process NAME` (the name, or an error message).
    Process(Result<&'a str, String>),
    /// Another `#pragma pagelab` line: a machine setting.
    Setting,
    /// Anything else.
    Code,
}

/// Classify one line.
fn classify(line: &str) -> Line<'_> {
    let Some(rest) = line.trim_start().strip_prefix('#') else {
        return Line::Code;
    };
    let mut words = rest.split_whitespace();
    if (words.next(), words.next()) != (Some("pragma"), Some("pagelab")) {
        return Line::Code;
    }
    if words.clone().next() != Some("process") {
        return Line::Setting;
    }
    words.next();
    let name = match (words.next(), words.next()) {
        (Some(name), None) if valid_name(name) => Ok(name),
        (Some(name), None) => Err(format!(
            "a process name is letters, digits and _, at most 32, not \"{name}\""
        )),
        (None, _) => Err("#pragma pagelab process needs a name".to_string()),
        (Some(_), Some(_)) => Err("#pragma pagelab process takes one name".to_string()),
    };
    Line::Process(name)
}

fn valid_name(name: &str) -> bool {
    name.len() <= 32
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

/// Split `text` into its processes' parts. `None` when it has no process pragma (one
/// process, the text as it is). `has_code` says whether a part's text holds code.
pub fn split(
    text: &str,
    has_code: impl Fn(&str) -> bool,
) -> Option<Result<Vec<Part>, Vec<ScriptError>>> {
    let lines: Vec<&str> = text.split('\n').collect();
    let mut kinds = Vec::with_capacity(lines.len());
    let mut any = false;
    for l in &lines {
        let kind = classify(l);
        any |= matches!(kind, Line::Process(_));
        kinds.push(kind);
    }
    if !any {
        return None;
    }
    let mut errors = Vec::new();
    // Which part each line belongs to: 0 is the text before the first process pragma.
    let mut owner = Vec::with_capacity(lines.len());
    let mut names = vec!["main".to_string()];
    for (i, kind) in kinds.iter().enumerate() {
        if let Line::Process(name) = kind {
            let line = i as u32 + 1;
            match name {
                Ok(name) if names[1..].iter().any(|n| n.eq_ignore_ascii_case(name)) => {
                    errors.push(ScriptError::new(
                        line,
                        1,
                        format!("there is already a process named \"{name}\""),
                    ))
                }
                Ok(name) => names.push(name.to_string()),
                Err(message) => errors.push(ScriptError::new(line, 1, message.clone())),
            }
        }
        owner.push(names.len() - 1);
    }
    if !errors.is_empty() {
        return Some(Err(errors));
    }
    let part_text = |k: usize| -> String {
        let mut kept = Vec::with_capacity(lines.len());
        for (i, line) in lines.iter().enumerate() {
            kept.push(match kinds[i] {
                Line::Setting if k == 0 => *line,
                Line::Code if owner[i] == k => *line,
                _ => "",
            });
        }
        kept.join("\n")
    };
    let mut parts = Vec::with_capacity(names.len());
    for (k, name) in names.iter().enumerate() {
        parts.push(Part {
            name: name.clone(),
            text: part_text(k),
        });
    }
    if !has_code(&parts[0].text) {
        // The script starts with its own process pragma: the settings go to its part.
        let settings = parts.remove(0).text;
        let first = &mut parts[0];
        first.text = merge(&settings, &first.text);
    }
    if let Some(main) = parts[1..]
        .iter()
        .find(|p| p.name.eq_ignore_ascii_case("main"))
    {
        if parts[0].name == "main" {
            let line = lines
                .iter()
                .position(|l| matches!(classify(l), Line::Process(Ok(n)) if n == main.name))
                .unwrap_or(0);
            return Some(Err(vec![ScriptError::new(
                line as u32 + 1,
                1,
                "there is already a process named \"main\" (the code before the first process pragma)",
            )]));
        }
    }
    Some(Ok(parts))
}

/// Line by line, the non-blank line of `a` or `b` (they never both have one).
fn merge(a: &str, b: &str) -> String {
    let mut out = Vec::new();
    for (x, y) in a.split('\n').zip(b.split('\n')) {
        out.push(if x.is_empty() { y } else { x });
    }
    out.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(text: &str) -> bool {
        text.lines()
            .any(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
    }

    #[test]
    fn parts_keep_line_numbers() {
        let text = "#pragma pagelab frames=4\nint a;\n#pragma pagelab process reader\nint b;\n";
        let parts = split(text, code).expect("split").expect("parts");
        assert_eq!(parts.len(), 2);
        assert_eq!(parts[0].name, "main");
        assert_eq!(parts[0].text, "#pragma pagelab frames=4\nint a;\n\n\n");
        assert_eq!(parts[1].name, "reader");
        assert_eq!(parts[1].text, "\n\n\nint b;\n");
        assert!(split("int a;", code).is_none());
    }

    #[test]
    fn a_script_may_start_with_its_own_process() {
        let text = "#pragma pagelab process writer\n#pragma pagelab tlb=2\nint a;\n#pragma pagelab process reader\nint b;";
        let parts = split(text, code).expect("split").expect("parts");
        let names: Vec<_> = parts.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["writer", "reader"]);
        assert_eq!(parts[0].text, "\n#pragma pagelab tlb=2\nint a;\n\n");
    }

    #[test]
    fn bad_names_are_errors_with_lines() {
        let text = "int a;\n#pragma pagelab process\n#pragma pagelab process x y\n#pragma pagelab process b!\n#pragma pagelab process r\n#pragma pagelab process R";
        let errors = split(text, code).expect("split").expect_err("errors");
        let lines: Vec<_> = errors.iter().map(|e| e.line).collect();
        assert_eq!(lines, [2, 3, 4, 6]);
        assert!(errors[3].message.contains("already"));
        let clash = split("int a;\n#pragma pagelab process main\nint b;", code)
            .expect("split")
            .expect_err("main twice");
        assert_eq!(clash[0].line, 2);
    }
}
