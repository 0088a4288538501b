//! Typed Win32 errors and exception records (reference §1, §7).

use serde::Serialize;

use super::consts::{STATUS_ACCESS_VIOLATION, STATUS_GUARD_PAGE_VIOLATION};

/// A Win32 error code as `GetLastError()` reports it (reference §1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Win32Error {
    /// 5: e.g. `STATUS_ALREADY_COMMITTED`.
    AccessDenied,
    /// 6: a NULL process handle.
    InvalidHandle,
    /// 8: no free hole large enough (`STATUS_NO_MEMORY`).
    NotEnoughMemory,
    /// 24: a buffer too small for the structure.
    BadLength,
    /// 87: a bad parameter or protection.
    InvalidParameter,
    /// 299: partial copy.
    PartialCopy,
    /// 487: conflicting, unallocated or uncommitted addresses.
    InvalidAddress,
    /// 998: an invalid pointer (e.g. NULL `lpflOldProtect`).
    NoAccess,
    /// 1132: a mapped view not at 64 KB alignment.
    MappedAlignment,
    /// 1455: the commit limit would be exceeded.
    CommitmentLimit,
    /// 2: no object or file of that name (docs/windows-sections.md §3).
    FileNotFound,
    /// 183: a section of that name exists (docs/windows-sections.md §2.4).
    AlreadyExists,
    /// 193: `SEC_IMAGE` without a PE image (docs/windows-sections.md §2.1).
    BadExeFormat,
    /// 32: an open handle did not share the access asked for (docs/windows-sections.md §7.1).
    SharingViolation,
    /// 80: `CREATE_NEW` on a file that exists (§7.1).
    FileExists,
    /// 112: the disk cannot hold the file (§2.3).
    DiskFull,
    /// 131: `SetFilePointer` before the start of the file (§7.2).
    NegativeSeek,
    /// 1006: mapping an empty file with size 0 (§2.3).
    FileInvalid,
    /// 1224: truncating a file that a section maps (§7.1).
    UserMappedFile,
    /// 126: no module of that name is loaded (docs/windows-sections.md §10).
    ModNotFound,
}

impl Win32Error {
    /// Every error the simulator reports.
    pub const ALL: [Win32Error; 20] = [
        Win32Error::AccessDenied,
        Win32Error::InvalidHandle,
        Win32Error::NotEnoughMemory,
        Win32Error::BadLength,
        Win32Error::InvalidParameter,
        Win32Error::PartialCopy,
        Win32Error::InvalidAddress,
        Win32Error::NoAccess,
        Win32Error::MappedAlignment,
        Win32Error::CommitmentLimit,
        Win32Error::FileNotFound,
        Win32Error::AlreadyExists,
        Win32Error::SharingViolation,
        Win32Error::FileExists,
        Win32Error::DiskFull,
        Win32Error::NegativeSeek,
        Win32Error::FileInvalid,
        Win32Error::UserMappedFile,
        Win32Error::BadExeFormat,
        Win32Error::ModNotFound,
    ];

    /// The error with numeric code `code`, if the simulator reports it.
    pub fn from_code(code: u32) -> Option<Win32Error> {
        Win32Error::ALL.into_iter().find(|e| e.code() == code)
    }

    /// The numeric code.
    pub fn code(self) -> u32 {
        match self {
            Win32Error::AccessDenied => 5,
            Win32Error::InvalidHandle => 6,
            Win32Error::NotEnoughMemory => 8,
            Win32Error::BadLength => 24,
            Win32Error::InvalidParameter => 87,
            Win32Error::PartialCopy => 299,
            Win32Error::InvalidAddress => 487,
            Win32Error::NoAccess => 998,
            Win32Error::MappedAlignment => 1132,
            Win32Error::CommitmentLimit => 1455,
            Win32Error::FileNotFound => 2,
            Win32Error::AlreadyExists => 183,
            Win32Error::BadExeFormat => 193,
            Win32Error::SharingViolation => 32,
            Win32Error::FileExists => 80,
            Win32Error::DiskFull => 112,
            Win32Error::NegativeSeek => 131,
            Win32Error::FileInvalid => 1006,
            Win32Error::UserMappedFile => 1224,
            Win32Error::ModNotFound => 126,
        }
    }

    /// The `ERROR_*` name.
    pub fn name(self) -> &'static str {
        match self {
            Win32Error::AccessDenied => "ERROR_ACCESS_DENIED",
            Win32Error::InvalidHandle => "ERROR_INVALID_HANDLE",
            Win32Error::NotEnoughMemory => "ERROR_NOT_ENOUGH_MEMORY",
            Win32Error::BadLength => "ERROR_BAD_LENGTH",
            Win32Error::InvalidParameter => "ERROR_INVALID_PARAMETER",
            Win32Error::PartialCopy => "ERROR_PARTIAL_COPY",
            Win32Error::InvalidAddress => "ERROR_INVALID_ADDRESS",
            Win32Error::NoAccess => "ERROR_NOACCESS",
            Win32Error::MappedAlignment => "ERROR_MAPPED_ALIGNMENT",
            Win32Error::FileNotFound => "ERROR_FILE_NOT_FOUND",
            Win32Error::AlreadyExists => "ERROR_ALREADY_EXISTS",
            Win32Error::BadExeFormat => "ERROR_BAD_EXE_FORMAT",
            Win32Error::CommitmentLimit => "ERROR_COMMITMENT_LIMIT",
            Win32Error::SharingViolation => "ERROR_SHARING_VIOLATION",
            Win32Error::FileExists => "ERROR_FILE_EXISTS",
            Win32Error::DiskFull => "ERROR_DISK_FULL",
            Win32Error::NegativeSeek => "ERROR_NEGATIVE_SEEK",
            Win32Error::FileInvalid => "ERROR_FILE_INVALID",
            Win32Error::UserMappedFile => "ERROR_USER_MAPPED_FILE",
            Win32Error::ModNotFound => "ERROR_MOD_NOT_FOUND",
        }
    }
}

/// The kind of memory access the CPU attempted; `info[0]` of an exception (reference §7).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Access {
    /// A data read (info 0).
    Read,
    /// A data write (info 1).
    Write,
    /// An instruction fetch (info 8).
    Execute,
}

impl Access {
    /// `ExceptionInformation[0]` for this access (reference §7).
    pub fn info_code(self) -> u64 {
        match self {
            Access::Read => 0,
            Access::Write => 1,
            Access::Execute => 8,
        }
    }

    /// A lower-case verb for narration.
    pub fn verb(self) -> &'static str {
        match self {
            Access::Read => "read",
            Access::Write => "write",
            Access::Execute => "execute",
        }
    }
}

/// An exception raised by an access (reference §7, MS-EXC).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ExceptionRecord {
    /// The NTSTATUS code, e.g. 0xC0000005.
    pub code: u32,
    /// `ExceptionInformation`: [access kind, address].
    pub info: [u64; 2],
}

impl ExceptionRecord {
    /// `STATUS_ACCESS_VIOLATION` for `access` at `va`.
    pub fn access_violation(access: Access, va: u64) -> Self {
        ExceptionRecord {
            code: STATUS_ACCESS_VIOLATION,
            info: [access.info_code(), va],
        }
    }

    /// `STATUS_ACCESS_VIOLATION` for a non-canonical address: x86-64 raises #GP, which
    /// reports no faulting address, so the information is [0, 0xFFFFFFFFFFFFFFFF] whatever
    /// the access (reference §2; Wine's x86-64 trap handler does the same as Windows).
    pub fn general_protection() -> Self {
        ExceptionRecord {
            code: STATUS_ACCESS_VIOLATION,
            info: [0, u64::MAX],
        }
    }

    /// `STATUS_GUARD_PAGE_VIOLATION` for `access` at `va`.
    pub fn guard_page(access: Access, va: u64) -> Self {
        ExceptionRecord {
            code: STATUS_GUARD_PAGE_VIOLATION,
            info: [access.info_code(), va],
        }
    }

    /// The `STATUS_*` name of the code.
    pub fn name(&self) -> &'static str {
        match self.code {
            STATUS_ACCESS_VIOLATION => "STATUS_ACCESS_VIOLATION",
            STATUS_GUARD_PAGE_VIOLATION => "STATUS_GUARD_PAGE_VIOLATION",
            _ => "STATUS_IN_PAGE_ERROR",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Win32Error;

    #[test]
    fn every_error_is_found_by_its_code_and_no_two_share_one() {
        for e in Win32Error::ALL {
            assert_eq!(Win32Error::from_code(e.code()), Some(e), "{}", e.name());
        }
        assert_eq!(
            Win32Error::from_code(183).map(Win32Error::name),
            Some("ERROR_ALREADY_EXISTS")
        );
        assert_eq!(Win32Error::from_code(0), None);
    }
}
