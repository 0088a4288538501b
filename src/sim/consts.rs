//! Win32 constants with the values of reference §1.

/// `PAGE_NOACCESS`.
pub const PAGE_NOACCESS: u32 = 0x01;
/// `PAGE_READONLY`.
pub const PAGE_READONLY: u32 = 0x02;
/// `PAGE_READWRITE`.
pub const PAGE_READWRITE: u32 = 0x04;
/// `PAGE_WRITECOPY` (views only).
pub const PAGE_WRITECOPY: u32 = 0x08;
/// `PAGE_EXECUTE`.
pub const PAGE_EXECUTE: u32 = 0x10;
/// `PAGE_EXECUTE_READ`.
pub const PAGE_EXECUTE_READ: u32 = 0x20;
/// `PAGE_EXECUTE_READWRITE`.
pub const PAGE_EXECUTE_READWRITE: u32 = 0x40;
/// `PAGE_EXECUTE_WRITECOPY` (views only).
pub const PAGE_EXECUTE_WRITECOPY: u32 = 0x80;
/// `PAGE_GUARD` modifier.
pub const PAGE_GUARD: u32 = 0x100;
/// `PAGE_NOCACHE` modifier.
pub const PAGE_NOCACHE: u32 = 0x200;
/// `PAGE_WRITECOMBINE` modifier.
pub const PAGE_WRITECOMBINE: u32 = 0x400;

/// `MEM_COMMIT`.
pub const MEM_COMMIT: u32 = 0x1000;
/// `MEM_RESERVE`.
pub const MEM_RESERVE: u32 = 0x2000;
/// `MEM_DECOMMIT`.
pub const MEM_DECOMMIT: u32 = 0x4000;
/// `MEM_RELEASE`.
pub const MEM_RELEASE: u32 = 0x8000;
/// `MEM_FREE` (a state).
pub const MEM_FREE: u32 = 0x1_0000;
/// `MEM_PRIVATE` (a type).
pub const MEM_PRIVATE: u32 = 0x2_0000;
/// `MEM_MAPPED` (a type).
pub const MEM_MAPPED: u32 = 0x4_0000;
/// `MEM_RESET`.
pub const MEM_RESET: u32 = 0x8_0000;
/// `MEM_TOP_DOWN`.
pub const MEM_TOP_DOWN: u32 = 0x10_0000;
/// `MEM_WRITE_WATCH`.
pub const MEM_WRITE_WATCH: u32 = 0x20_0000;
/// `MEM_PHYSICAL`.
pub const MEM_PHYSICAL: u32 = 0x40_0000;
/// `MEM_RESET_UNDO`.
pub const MEM_RESET_UNDO: u32 = 0x100_0000;
/// `MEM_IMAGE` (a type; same value as `MEM_RESET_UNDO`).
pub const MEM_IMAGE: u32 = 0x100_0000;
/// `MEM_LARGE_PAGES`.
pub const MEM_LARGE_PAGES: u32 = 0x2000_0000;
/// `AT_ROUND_TO_PAGE`.
pub const AT_ROUND_TO_PAGE: u32 = 0x4000_0000;
/// `MEM_COALESCE_PLACEHOLDERS`.
pub const MEM_COALESCE_PLACEHOLDERS: u32 = 0x1;
/// `MEM_PRESERVE_PLACEHOLDER`.
pub const MEM_PRESERVE_PLACEHOLDER: u32 = 0x2;

/// `STATUS_ACCESS_VIOLATION`.
pub const STATUS_ACCESS_VIOLATION: u32 = 0xC000_0005;
/// `STATUS_GUARD_PAGE_VIOLATION`.
pub const STATUS_GUARD_PAGE_VIOLATION: u32 = 0x8000_0001;
/// `STATUS_IN_PAGE_ERROR`.
pub const STATUS_IN_PAGE_ERROR: u32 = 0xC000_0006;

/// `FILE_MAP_COPY` (docs/windows-sections.md §1).
pub const FILE_MAP_COPY: u32 = 0x1;
/// `FILE_MAP_WRITE`.
pub const FILE_MAP_WRITE: u32 = 0x2;
/// `FILE_MAP_READ`.
pub const FILE_MAP_READ: u32 = 0x4;
/// `FILE_MAP_EXECUTE`.
pub const FILE_MAP_EXECUTE: u32 = 0x20;
/// `FILE_MAP_ALL_ACCESS` (= `SECTION_ALL_ACCESS`).
pub const FILE_MAP_ALL_ACCESS: u32 = 0xF001F;
/// `SEC_FILE`.
pub const SEC_FILE: u32 = 0x80_0000;
/// `SEC_IMAGE`.
pub const SEC_IMAGE: u32 = 0x100_0000;
/// `SEC_RESERVE`.
pub const SEC_RESERVE: u32 = 0x400_0000;
/// `SEC_COMMIT`.
pub const SEC_COMMIT: u32 = 0x800_0000;
/// `INVALID_HANDLE_VALUE`: `(HANDLE)-1`.
pub const INVALID_HANDLE_VALUE: u64 = u64::MAX;
/// `QUOTA_LIMITS_HARDWS_MIN_ENABLE` (MS-SPWSSE; docs/windows-sections.md §1).
pub const QUOTA_LIMITS_HARDWS_MIN_ENABLE: u32 = 0x1;
/// `QUOTA_LIMITS_HARDWS_MIN_DISABLE`.
pub const QUOTA_LIMITS_HARDWS_MIN_DISABLE: u32 = 0x2;
/// `QUOTA_LIMITS_HARDWS_MAX_ENABLE`.
pub const QUOTA_LIMITS_HARDWS_MAX_ENABLE: u32 = 0x4;
/// `QUOTA_LIMITS_HARDWS_MAX_DISABLE`.
pub const QUOTA_LIMITS_HARDWS_MAX_DISABLE: u32 = 0x8;

/// `GENERIC_READ` (docs/windows-sections.md §1, MS-CF).
pub const GENERIC_READ: u32 = 0x8000_0000;
/// `GENERIC_WRITE`.
pub const GENERIC_WRITE: u32 = 0x4000_0000;
/// `GENERIC_EXECUTE`.
pub const GENERIC_EXECUTE: u32 = 0x2000_0000;
/// `FILE_SHARE_READ`.
pub const FILE_SHARE_READ: u32 = 1;
/// `FILE_SHARE_WRITE`.
pub const FILE_SHARE_WRITE: u32 = 2;
/// `FILE_SHARE_DELETE`.
pub const FILE_SHARE_DELETE: u32 = 4;
/// `CREATE_NEW`.
pub const CREATE_NEW: u32 = 1;
/// `CREATE_ALWAYS`.
pub const CREATE_ALWAYS: u32 = 2;
/// `OPEN_EXISTING`.
pub const OPEN_EXISTING: u32 = 3;
/// `OPEN_ALWAYS`.
pub const OPEN_ALWAYS: u32 = 4;
/// `TRUNCATE_EXISTING`.
pub const TRUNCATE_EXISTING: u32 = 5;
/// `INVALID_SET_FILE_POINTER` and `INVALID_FILE_SIZE` (MS-SFP).
pub const INVALID_FILE_SIZE: u32 = 0xFFFF_FFFF;

/// `sizeof(MEMORY_BASIC_INFORMATION)` on x64 (reference §6).
pub const MBI_SIZE: u64 = 48;

/// Every named constant a script may use, with its value (reference §1).
pub const NAMED: &[(&str, u64)] = &[
    ("PAGE_NOACCESS", PAGE_NOACCESS as u64),
    ("PAGE_READONLY", PAGE_READONLY as u64),
    ("PAGE_READWRITE", PAGE_READWRITE as u64),
    ("PAGE_WRITECOPY", PAGE_WRITECOPY as u64),
    ("PAGE_EXECUTE", PAGE_EXECUTE as u64),
    ("PAGE_EXECUTE_READ", PAGE_EXECUTE_READ as u64),
    ("PAGE_EXECUTE_READWRITE", PAGE_EXECUTE_READWRITE as u64),
    ("PAGE_EXECUTE_WRITECOPY", PAGE_EXECUTE_WRITECOPY as u64),
    ("PAGE_GUARD", PAGE_GUARD as u64),
    ("PAGE_NOCACHE", PAGE_NOCACHE as u64),
    ("PAGE_WRITECOMBINE", PAGE_WRITECOMBINE as u64),
    ("MEM_COMMIT", MEM_COMMIT as u64),
    ("MEM_RESERVE", MEM_RESERVE as u64),
    ("MEM_DECOMMIT", MEM_DECOMMIT as u64),
    ("MEM_RELEASE", MEM_RELEASE as u64),
    ("MEM_FREE", MEM_FREE as u64),
    ("MEM_PRIVATE", MEM_PRIVATE as u64),
    ("MEM_MAPPED", MEM_MAPPED as u64),
    ("MEM_RESET", MEM_RESET as u64),
    ("MEM_TOP_DOWN", MEM_TOP_DOWN as u64),
    ("MEM_WRITE_WATCH", MEM_WRITE_WATCH as u64),
    ("MEM_PHYSICAL", MEM_PHYSICAL as u64),
    ("MEM_RESET_UNDO", MEM_RESET_UNDO as u64),
    ("MEM_IMAGE", MEM_IMAGE as u64),
    ("MEM_LARGE_PAGES", MEM_LARGE_PAGES as u64),
    (
        "MEM_COALESCE_PLACEHOLDERS",
        MEM_COALESCE_PLACEHOLDERS as u64,
    ),
    ("MEM_PRESERVE_PLACEHOLDER", MEM_PRESERVE_PLACEHOLDER as u64),
    ("AT_ROUND_TO_PAGE", AT_ROUND_TO_PAGE as u64),
    // MessageBox types and results, and the waits (WinUser.h, WinBase.h).
    ("MB_OK", 0),
    ("MB_OKCANCEL", 1),
    ("MB_ICONINFORMATION", 0x40),
    ("IDOK", 1),
    ("INFINITE", 0xFFFF_FFFF),
    ("WAIT_OBJECT_0", 0),
    ("WAIT_TIMEOUT", 0x102),
    ("WAIT_FAILED", 0xFFFF_FFFF),
    ("FILE_MAP_COPY", FILE_MAP_COPY as u64),
    ("FILE_MAP_WRITE", FILE_MAP_WRITE as u64),
    ("FILE_MAP_READ", FILE_MAP_READ as u64),
    ("FILE_MAP_EXECUTE", FILE_MAP_EXECUTE as u64),
    ("FILE_MAP_ALL_ACCESS", FILE_MAP_ALL_ACCESS as u64),
    ("SEC_FILE", SEC_FILE as u64),
    ("SEC_IMAGE", SEC_IMAGE as u64),
    ("SEC_RESERVE", SEC_RESERVE as u64),
    ("SEC_COMMIT", SEC_COMMIT as u64),
    ("INVALID_HANDLE_VALUE", INVALID_HANDLE_VALUE),
    ("ERROR_FILE_NOT_FOUND", 2),
    ("GENERIC_READ", GENERIC_READ as u64),
    ("GENERIC_WRITE", GENERIC_WRITE as u64),
    ("GENERIC_EXECUTE", GENERIC_EXECUTE as u64),
    ("FILE_SHARE_READ", 1),
    ("FILE_SHARE_WRITE", 2),
    ("FILE_SHARE_DELETE", 4),
    ("CREATE_NEW", 1),
    ("CREATE_ALWAYS", 2),
    ("OPEN_EXISTING", 3),
    ("OPEN_ALWAYS", 4),
    ("TRUNCATE_EXISTING", 5),
    ("FILE_ATTRIBUTE_NORMAL", 0x80),
    ("FILE_BEGIN", 0),
    ("FILE_CURRENT", 1),
    ("FILE_END", 2),
    ("INVALID_SET_FILE_POINTER", 0xFFFF_FFFF),
    ("INVALID_FILE_SIZE", 0xFFFF_FFFF),
    ("ERROR_SHARING_VIOLATION", 32),
    ("ERROR_FILE_EXISTS", 80),
    ("ERROR_DISK_FULL", 112),
    ("ERROR_NEGATIVE_SEEK", 131),
    ("ERROR_FILE_INVALID", 1006),
    ("ERROR_USER_MAPPED_FILE", 1224),
    ("ERROR_ALREADY_EXISTS", 183),
    ("ERROR_BAD_EXE_FORMAT", 193),
    ("ERROR_SUCCESS", 0),
    ("ERROR_ACCESS_DENIED", 5),
    ("ERROR_INVALID_HANDLE", 6),
    ("ERROR_NOT_ENOUGH_MEMORY", 8),
    ("ERROR_BAD_LENGTH", 24),
    ("ERROR_INVALID_PARAMETER", 87),
    ("ERROR_PARTIAL_COPY", 299),
    ("ERROR_INVALID_ADDRESS", 487),
    ("ERROR_NOACCESS", 998),
    ("ERROR_MAPPED_ALIGNMENT", 1132),
    ("ERROR_COMMITMENT_LIMIT", 1455),
    ("ERROR_MOD_NOT_FOUND", 126),
    (
        "QUOTA_LIMITS_HARDWS_MIN_ENABLE",
        QUOTA_LIMITS_HARDWS_MIN_ENABLE as u64,
    ),
    (
        "QUOTA_LIMITS_HARDWS_MIN_DISABLE",
        QUOTA_LIMITS_HARDWS_MIN_DISABLE as u64,
    ),
    (
        "QUOTA_LIMITS_HARDWS_MAX_ENABLE",
        QUOTA_LIMITS_HARDWS_MAX_ENABLE as u64,
    ),
    (
        "QUOTA_LIMITS_HARDWS_MAX_DISABLE",
        QUOTA_LIMITS_HARDWS_MAX_DISABLE as u64,
    ),
    ("STATUS_ACCESS_VIOLATION", STATUS_ACCESS_VIOLATION as u64),
    (
        "STATUS_GUARD_PAGE_VIOLATION",
        STATUS_GUARD_PAGE_VIOLATION as u64,
    ),
    ("EXCEPTION_ACCESS_VIOLATION", STATUS_ACCESS_VIOLATION as u64),
    ("EXCEPTION_GUARD_PAGE", STATUS_GUARD_PAGE_VIOLATION as u64),
];

/// The value of a named constant, if `name` is one.
pub fn lookup(name: &str) -> Option<u64> {
    NAMED.iter().find(|(n, _)| *n == name).map(|(_, v)| *v)
}

/// A readable name for a protection value, e.g. `PAGE_READWRITE|PAGE_GUARD`.
pub fn protection_name(protect: u32) -> String {
    if protect == 0 {
        return "0".to_string();
    }
    let mut parts = Vec::new();
    let base = protect & 0xFF;
    let base_name = match base {
        PAGE_NOACCESS => Some("PAGE_NOACCESS"),
        PAGE_READONLY => Some("PAGE_READONLY"),
        PAGE_READWRITE => Some("PAGE_READWRITE"),
        PAGE_WRITECOPY => Some("PAGE_WRITECOPY"),
        PAGE_EXECUTE => Some("PAGE_EXECUTE"),
        PAGE_EXECUTE_READ => Some("PAGE_EXECUTE_READ"),
        PAGE_EXECUTE_READWRITE => Some("PAGE_EXECUTE_READWRITE"),
        PAGE_EXECUTE_WRITECOPY => Some("PAGE_EXECUTE_WRITECOPY"),
        _ => None,
    };
    match base_name {
        Some(n) => parts.push(n.to_string()),
        None if base != 0 => parts.push(format!("0x{base:X}")),
        None => {}
    }
    for (bit, name) in [
        (PAGE_GUARD, "PAGE_GUARD"),
        (PAGE_NOCACHE, "PAGE_NOCACHE"),
        (PAGE_WRITECOMBINE, "PAGE_WRITECOMBINE"),
    ] {
        if protect & bit != 0 {
            parts.push(name.to_string());
        }
    }
    let rest = protect & !0x7FF;
    if rest != 0 {
        parts.push(format!("0x{rest:X}"));
    }
    parts.join("|")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        assert_eq!(lookup("PAGE_READWRITE"), Some(4));
        assert_eq!(lookup("MEM_COMMIT"), Some(0x1000));
        assert_eq!(lookup("PAGE_READWRTE"), None);
        assert_eq!(
            protection_name(PAGE_READWRITE | PAGE_GUARD),
            "PAGE_READWRITE|PAGE_GUARD"
        );
        assert_eq!(protection_name(0), "0");
    }
}
