//! `#pragma pagelab file NAME "text"` and `#pragma pagelab file NAME size=N`: a file on
//! the simulated disk before the first process starts (DESIGN §9).

use crate::sim::system::disk::MAX_FILE_BYTES;

/// Longest file name.
const MAX_NAME: usize = 64;

/// A file the script puts on the disk.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileItem {
    /// Its name.
    pub name: String,
    /// Its contents.
    pub bytes: Vec<u8>,
}

/// Parse what follows `file` (`rest`); an error is (byte offset in `rest`, message).
pub fn parse(rest: &str) -> Result<FileItem, (usize, String)> {
    let lead = rest.len() - rest.trim_start().len();
    let body = rest.trim_start();
    let name_len = body.find(char::is_whitespace).unwrap_or(body.len());
    let name = body.get(..name_len).unwrap_or_default();
    if name.is_empty() {
        return Err((
            lead,
            "#pragma pagelab file needs a name, then \"text\" or size=N".into(),
        ));
    }
    if name.len() > MAX_NAME || name.bytes().any(|b| b"\"\\/:*?<>|".contains(&b)) {
        return Err((
            lead,
            format!("a file name is at most {MAX_NAME} characters without \" \\ / : * ? < > |"),
        ));
    }
    let after = body.get(name_len..).unwrap_or_default();
    let at = lead + name_len + (after.len() - after.trim_start().len());
    let value = after.trim();
    let bytes = if let Some(quoted) = value.strip_prefix('"') {
        text(quoted).map_err(|(o, m)| (at + 1 + o, m))?
    } else if let Some(n) = value.strip_prefix("size=") {
        let size = super::super::super::sim::config::parse_number(n)
            .ok_or_else(|| (at + 5, format!("'{n}' is not a number")))?;
        if size > MAX_FILE_BYTES {
            return Err((
                at + 5,
                format!("size={n} is more than {MAX_FILE_BYTES} bytes (16 MiB), the largest file the disk holds"),
            ));
        }
        vec![0; size as usize]
    } else {
        return Err((at, "after the name comes \"text\" or size=N".into()));
    };
    Ok(FileItem {
        name: name.to_string(),
        bytes,
    })
}

/// The bytes of a C string literal's body up to its closing quote, which must end it.
fn text(s: &str) -> Result<Vec<u8>, (usize, String)> {
    let mut out = Vec::new();
    let mut chars = s.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' if s.get(i + 1..).is_some_and(|t| t.trim().is_empty()) => return Ok(out),
            '"' => return Err((i + 1, "nothing may follow the closing \"".into())),
            '\\' => {
                let b = match chars.next().map(|(_, e)| e) {
                    Some('n') => b'\n',
                    Some('t') => b'\t',
                    Some('r') => b'\r',
                    Some('0') => 0,
                    Some('\\') => b'\\',
                    Some('"') => b'"',
                    _ => return Err((i, "use \\n, \\t, \\r, \\0, \\\\ or \\\" here".into())),
                };
                out.push(b);
            }
            c => {
                let mut buf = [0; 4];
                out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
            }
        }
    }
    Err((s.len(), "the text has no closing \"".into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_and_sizes() {
        let f = parse(" data.txt \"hi\\n\"").expect("text");
        assert_eq!(
            (f.name.as_str(), f.bytes.as_slice()),
            ("data.txt", &b"hi\n"[..])
        );
        assert_eq!(parse(" big size=0x2000").map(|f| f.bytes.len()), Ok(0x2000));
        assert_eq!(parse(" e \"\"").map(|f| f.bytes.len()), Ok(0));
    }

    #[test]
    fn errors_point_at_the_problem() {
        assert_eq!(
            parse(" f size=9223372036854775808").map_err(|e| e.0),
            Err(8)
        );
        assert!(parse(" f size=9223372036854775808").is_err_and(|e| e.1.contains("16 MiB")));
        assert_eq!(parse(" f \"open").map_err(|e| e.0), Err(8));
        assert_eq!(parse(" f 12").map_err(|e| e.0), Err(3));
        assert_eq!(parse("").map_err(|e| e.0), Err(0));
        assert!(parse(" a\"b \"x\"").is_err());
        assert!(parse(" f \"a\" b").is_err());
    }
}
