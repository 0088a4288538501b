//! The C types a script may name, as far as PageLab needs them: sizes for `sizeof`,
//! pointer arithmetic and `*p`, and the truncation a store into a narrow variable does.
//! Windows is LLP64: `int` and `long` are 32 bits, pointers and `SIZE_T` 64.

use std::fmt;

/// A C type.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Ty {
    /// An integer of `size` bytes (1, 2, 4 or 8).
    Int {
        /// Bytes.
        size: u8,
        /// Signed or unsigned.
        signed: bool,
    },
    /// A pointer to a value of this type.
    Ptr(Box<Ty>),
    /// `void` (only behind a pointer).
    Void,
    /// `MEMORY_BASIC_INFORMATION`.
    Mbi,
    /// A string literal (it has no simulated address; see the module docs of `script`).
    Str,
    /// A structure of Windows' headers that lives outside simulated memory.
    Record(Record),
}

/// The structures besides `MEMORY_BASIC_INFORMATION` that scripts use. Like locals, they
/// live outside simulated memory; a pointer to one (`LPEXCEPTION_POINTERS ep`) holds the
/// structure itself, so `ep->ExceptionRecord` reads it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[allow(clippy::enum_variant_names)] // the names of Windows' structures
pub enum Record {
    /// `SYSTEM_INFO`, filled by `GetSystemInfo(&si)`.
    SystemInfo,
    /// `EXCEPTION_POINTERS`, from `GetExceptionInformation()`.
    ExceptionPointers,
    /// `EXCEPTION_RECORD`.
    ExceptionRecord,
    /// `ExceptionRecord->ExceptionInformation`, an array of 15 `ULONG_PTR`.
    ExceptionInformation,
}

impl Record {
    /// The C name of the structure.
    pub fn name(self) -> &'static str {
        match self {
            Record::SystemInfo => "SYSTEM_INFO",
            Record::ExceptionPointers => "EXCEPTION_POINTERS",
            Record::ExceptionRecord => "EXCEPTION_RECORD",
            Record::ExceptionInformation => "ULONG_PTR[15]",
        }
    }

    /// `sizeof` the structure on x64 Windows.
    fn size(self) -> u64 {
        match self {
            Record::SystemInfo => 48,
            Record::ExceptionPointers => 16,
            Record::ExceptionRecord => 152,
            Record::ExceptionInformation => 120,
        }
    }
}

impl Ty {
    /// `long long`: the type of integer literals and arithmetic (64-bit, like `SIZE_T`).
    pub const LONG_LONG: Ty = Ty::Int {
        size: 8,
        signed: true,
    };
    /// `SIZE_T`.
    pub const SIZE_T: Ty = Ty::Int {
        size: 8,
        signed: false,
    };
    /// `DWORD`.
    pub const DWORD: Ty = Ty::Int {
        size: 4,
        signed: false,
    };
    /// `int` (also `BOOL`).
    pub const INT: Ty = Ty::Int {
        size: 4,
        signed: true,
    };

    /// `void *` (`LPVOID`).
    pub fn void_ptr() -> Ty {
        Ty::Ptr(Box::new(Ty::Void))
    }

    /// `sizeof` this type, if it has one.
    pub fn size(&self) -> Option<u64> {
        match self {
            Ty::Int { size, .. } => Some(u64::from(*size)),
            Ty::Ptr(_) => Some(8),
            Ty::Mbi => Some(super::super::sim::consts::MBI_SIZE),
            Ty::Record(r) => Some(r.size()),
            Ty::Void | Ty::Str => None,
        }
    }

    /// True for signed integers (they compare and print as signed).
    pub fn is_signed(&self) -> bool {
        matches!(self, Ty::Int { signed: true, .. })
    }

    /// The pointed-to type of a pointer.
    pub fn pointee(&self) -> Option<&Ty> {
        match self {
            Ty::Ptr(t) => Some(t),
            _ => None,
        }
    }

    /// The step `p + 1` moves a pointer of this type: the pointee's size (1 for `void *`,
    /// as GCC and Clang do).
    pub fn stride(&self) -> u64 {
        self.pointee().and_then(Ty::size).unwrap_or(1)
    }

    /// `value` stored into a variable of this type: integers are cut to their size and
    /// sign-extended back to 64 bits when signed, as C's conversions do.
    pub fn convert(&self, value: u64) -> u64 {
        match self {
            Ty::Int { size, signed } if *size < 8 => {
                let bits = u32::from(*size) * 8;
                let low = value & ((1u64 << bits) - 1);
                if *signed && low >> (bits - 1) & 1 == 1 {
                    low | !((1u64 << bits) - 1)
                } else {
                    low
                }
            }
            _ => value,
        }
    }

    /// The type a variable gets when it is created by plain assignment (`p = …;`):
    /// the value's type, with integers widened to 64 bits so nothing is cut.
    pub fn widened(&self) -> Ty {
        match self {
            Ty::Int { signed, .. } => Ty::Int {
                size: 8,
                signed: *signed,
            },
            other => other.clone(),
        }
    }
}

impl fmt::Display for Ty {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Ty::Int { size, signed } => {
                let name = match (size, signed) {
                    (1, true) => "char",
                    (1, false) => "unsigned char",
                    (2, true) => "short",
                    (2, false) => "unsigned short",
                    (4, true) => "int",
                    (4, false) => "unsigned int",
                    (_, true) => "long long",
                    (_, false) => "unsigned long long",
                };
                f.write_str(name)
            }
            Ty::Ptr(t) => write!(f, "{t} *"),
            Ty::Void => f.write_str("void"),
            Ty::Mbi => f.write_str("MEMORY_BASIC_INFORMATION"),
            Ty::Str => f.write_str("string"),
            Ty::Record(r) => f.write_str(r.name()),
        }
    }
}

const fn int(size: u8, signed: bool) -> Ty {
    Ty::Int { size, signed }
}

/// Every type name a script may use (besides the C keywords `char`, `short`, `int`,
/// `long`, `signed`, `unsigned`, `void`): the names, the type, and whether the name is a
/// pointer to that type.
const NAMED_TYPES: &[(&[&str], Ty, bool)] = &[
    (&["CHAR", "CCHAR", "INT8", "int8_t"], int(1, true), false),
    (
        &["BYTE", "UCHAR", "BOOLEAN", "UINT8", "uint8_t"],
        int(1, false),
        false,
    ),
    (&["SHORT", "INT16", "int16_t"], int(2, true), false),
    (
        &["WORD", "USHORT", "UINT16", "WCHAR", "wchar_t", "uint16_t"],
        int(2, false),
        false,
    ),
    (
        &["INT", "LONG", "BOOL", "INT32", "int32_t"],
        int(4, true),
        false,
    ),
    (
        &["DWORD", "UINT", "ULONG", "UINT32", "DWORD32", "uint32_t"],
        int(4, false),
        false,
    ),
    (
        &[
            "LONGLONG",
            "INT64",
            "LONG64",
            "__int64",
            "INT_PTR",
            "LONG_PTR",
            "SSIZE_T",
            "ptrdiff_t",
            "intptr_t",
            "int64_t",
        ],
        int(8, true),
        false,
    ),
    (
        &[
            "ULONGLONG",
            "UINT64",
            "ULONG64",
            "DWORD64",
            "QWORD",
            "SIZE_T",
            "size_t",
            "ULONG_PTR",
            "UINT_PTR",
            "DWORD_PTR",
            "uintptr_t",
            "uint64_t",
        ],
        int(8, false),
        false,
    ),
    (&["LPVOID", "PVOID", "LPCVOID", "HANDLE"], Ty::Void, true),
    (&["VOID"], Ty::Void, false),
    // PageLab compiles as if UNICODE were not defined: TCHAR is char.
    (&["TCHAR", "_TCHAR"], int(1, true), false),
    (
        &["LPTSTR", "LPCTSTR", "PTSTR", "PCTSTR", "PTCHAR"],
        int(1, true),
        true,
    ),
    (&["LPWSTR", "LPCWSTR", "PWSTR"], int(2, false), true),
    (
        &["SYSTEM_INFO", "_SYSTEM_INFO"],
        Ty::Record(Record::SystemInfo),
        false,
    ),
    (&["LPSYSTEM_INFO"], Ty::Record(Record::SystemInfo), true),
    (
        &["EXCEPTION_POINTERS", "_EXCEPTION_POINTERS"],
        Ty::Record(Record::ExceptionPointers),
        false,
    ),
    (
        &["PEXCEPTION_POINTERS", "LPEXCEPTION_POINTERS"],
        Ty::Record(Record::ExceptionPointers),
        true,
    ),
    (
        &["EXCEPTION_RECORD", "_EXCEPTION_RECORD"],
        Ty::Record(Record::ExceptionRecord),
        false,
    ),
    (
        &["PEXCEPTION_RECORD"],
        Ty::Record(Record::ExceptionRecord),
        true,
    ),
    (&["LPBYTE", "PBYTE"], int(1, false), true),
    (
        &["LPSTR", "LPCSTR", "PSTR", "PCSTR", "PCHAR"],
        int(1, true),
        true,
    ),
    (&["LPDWORD", "PDWORD"], int(4, false), true),
    (&["PSIZE_T"], int(8, false), true),
    (
        &["MEMORY_BASIC_INFORMATION", "_MEMORY_BASIC_INFORMATION"],
        Ty::Mbi,
        false,
    ),
    (&["PMEMORY_BASIC_INFORMATION"], Ty::Mbi, true),
];

/// The type a script's type name stands for (see [`NAMED_TYPES`]).
pub fn named_type(name: &str) -> Option<Ty> {
    let (_, ty, pointer) = NAMED_TYPES
        .iter()
        .find(|(names, ..)| names.contains(&name))?;
    Some(if *pointer {
        Ty::Ptr(Box::new(ty.clone()))
    } else {
        ty.clone()
    })
}

/// The named types, for "did you mean" hints.
pub const TYPE_NAMES: &[&str] = &[
    "DWORD",
    "SIZE_T",
    "LPVOID",
    "PVOID",
    "BOOL",
    "BYTE",
    "WORD",
    "UINT",
    "ULONG",
    "LONG",
    "ULONG_PTR",
    "LPBYTE",
    "PBYTE",
    "LPDWORD",
    "PDWORD",
    "MEMORY_BASIC_INFORMATION",
    "PMEMORY_BASIC_INFORMATION",
    "SYSTEM_INFO",
    "EXCEPTION_POINTERS",
    "LPTSTR",
    "TCHAR",
    "size_t",
    "uint8_t",
    "uint32_t",
    "uint64_t",
    "uintptr_t",
];

/// C keywords that make up built-in type names.
const KEYWORDS: &[&str] = &["void", "char", "short", "int", "long", "signed", "unsigned"];

/// Words that may accompany a type and are ignored.
const QUALIFIERS: &[&str] = &[
    "const", "volatile", "static", "register", "extern", "struct", "auto",
];

/// True when `word` can start or continue a type name.
pub fn is_type_word(word: &str) -> bool {
    KEYWORDS.contains(&word) || QUALIFIERS.contains(&word) || named_type(word).is_some()
}

/// True when `word` is a qualifier such as `const` (ignored).
pub fn is_qualifier(word: &str) -> bool {
    QUALIFIERS.contains(&word)
}

/// Builds a type from the words of a declaration, e.g. `unsigned long long`.
#[derive(Debug, Default)]
pub struct TypeWords {
    named: Option<Ty>,
    void: bool,
    char: bool,
    short: bool,
    longs: u8,
    unsigned: bool,
    int: bool,
}

impl TypeWords {
    /// Add one word; false when it is not a type word.
    pub fn add(&mut self, word: &str) -> bool {
        match word {
            "void" => self.void = true,
            "char" => self.char = true,
            "short" => self.short = true,
            "long" => self.longs = self.longs.saturating_add(1),
            "unsigned" => self.unsigned = true,
            "signed" => {}
            "int" => self.int = true,
            w if is_qualifier(w) => {}
            w => match named_type(w) {
                Some(t) => self.named = Some(t),
                None => return false,
            },
        }
        true
    }

    /// The type the words name (`int` when only qualifiers were given, as old C did).
    pub fn build(&self) -> Ty {
        if let Some(t) = &self.named {
            return t.clone();
        }
        if self.void {
            return Ty::Void;
        }
        let signed = !self.unsigned;
        let size = if self.char {
            1
        } else if self.short {
            2
        } else if self.longs >= 2 {
            8
        } else {
            // `int`, `long` (32-bit on Windows), or bare `unsigned`.
            let _ = self.int;
            4
        };
        int(size, signed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ptr(t: Ty) -> Ty {
        Ty::Ptr(Box::new(t))
    }

    fn build(words: &[&str]) -> Ty {
        let mut w = TypeWords::default();
        for word in words {
            assert!(w.add(word), "{word}");
        }
        w.build()
    }

    #[test]
    fn windows_sizes() {
        assert_eq!(build(&["unsigned", "long", "long"]), Ty::SIZE_T);
        assert_eq!(build(&["long"]).size(), Some(4));
        assert_eq!(build(&["const", "char"]), int(1, true));
        assert_eq!(build(&["DWORD"]), Ty::DWORD);
        assert_eq!(
            build(&["struct", "_MEMORY_BASIC_INFORMATION"]).size(),
            Some(48)
        );
        assert_eq!(build(&["LPVOID"]).stride(), 1);
        assert_eq!(ptr(Ty::INT).stride(), 4);
    }

    #[test]
    fn conversions() {
        assert_eq!(Ty::INT.convert(0xFFFF_FFFF), u64::MAX);
        assert_eq!(Ty::DWORD.convert(u64::MAX), 0xFFFF_FFFF);
        assert_eq!(int(1, false).convert(0x1234), 0x34);
        assert_eq!(Ty::SIZE_T.convert(u64::MAX), u64::MAX);
        assert_eq!(Ty::INT.widened(), Ty::LONG_LONG);
        assert_eq!(ptr(Ty::INT).to_string(), "int *");
    }
}
