//! The functions a script may call, with their argument counts and result types.

use super::types::Ty;

/// A function a script may call (DESIGN §5).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Builtin {
    /// `VirtualAlloc(address, size, type, protect)`.
    VirtualAlloc,
    /// `VirtualFree(address, size, free type)`.
    VirtualFree,
    /// `VirtualProtect(address, size, new protect, &old | NULL)`.
    VirtualProtect,
    /// `VirtualQuery(address, &mbi, sizeof(mbi))`.
    VirtualQuery,
    /// `GetLastError()`.
    GetLastError,
    /// `SetLastError(code)`.
    SetLastError,
    /// `memmove(dst, src, n)`.
    Memmove,
    /// `memcpy(dst, src, n)` (behaves as `memmove`).
    Memcpy,
    /// `memset(dst, byte, n)`.
    Memset,
    /// `printf(format, …)` (also spelled `_tprintf` and `wprintf`).
    Printf,
    /// `ZeroMemory(dst, n)`: `memset(dst, 0, n)`.
    ZeroMemory,
    /// `FillMemory(dst, n, byte)`: `memset(dst, byte, n)`.
    FillMemory,
    /// `CopyMemory(dst, src, n)`: `memcpy`.
    CopyMemory,
    /// `MoveMemory(dst, src, n)`: `memmove`.
    MoveMemory,
    /// `read(addr, n)`: n ≤ 8 bytes as an unsigned little-endian value.
    Read,
    /// `write(addr, "bytes")` or `write(addr, value, n)`.
    Write,
    /// `execute(addr)`: an instruction fetch.
    Execute,
    /// `PageOut(addr[, size])`: trim those pages from the working set.
    PageOut,
    /// `EmptyWorkingSet()` or `EmptyWorkingSet(GetCurrentProcess())`: trim every page.
    EmptyWorkingSet,
    /// `GetCurrentProcess()`: the pseudo-handle -1, so tutorial code that passes it runs.
    GetCurrentProcess,
    /// `WriteModifiedPages()`: run the modified page writer.
    WriteModifiedPages,
    /// `puts(s)`: print a string and a newline.
    Puts,
    /// `putchar(c)`: print one character.
    Putchar,
    /// `exit(code)` (also `ExitProcess`): end the program.
    Exit,
    /// `GetSystemInfo(&si)`: fill a `SYSTEM_INFO`.
    GetSystemInfo,
    /// `strcpy(dst, src)` (also `lstrcpy`, `_tcscpy`): copy a NUL-terminated string.
    Strcpy,
    /// `strlen(s)` (also `lstrlen`, `_tcslen`): the bytes before the NUL.
    Strlen,
    /// `GetExceptionCode()`: in a filter or handler, the code of the exception.
    GetExceptionCode,
    /// `GetExceptionInformation()`: in a filter, the exception's `EXCEPTION_POINTERS`.
    GetExceptionInformation,
    /// `VirtualLock(address, size)`.
    VirtualLock,
    /// `VirtualUnlock(address, size)`.
    VirtualUnlock,
    /// `_getch()`: wait for a key (another process runs, DESIGN §9); returns Enter, 13.
    Getch,
    /// `getchar()`: wait for a line (another process runs); returns `'\n'`, 10.
    Getchar,
    /// `Sleep(ms)`: wait (another process runs).
    Sleep,
    /// `WaitForSingleObject(handle, ms)`: wait (another process runs).
    WaitForSingleObject,
    /// `MessageBox(hwnd, text, caption, type)`: the text goes to the output; waits for OK.
    MessageBox,
    /// `GetCurrentProcessId()`: the running process's id (a multiple of 4).
    GetCurrentProcessId,
    /// `CreateFileMapping(file, attrs, protect, sizeHigh, sizeLow, name)`.
    CreateFileMapping,
    /// `OpenFileMapping(access, inherit, name)`.
    OpenFileMapping,
    /// `MapViewOfFile(h, access, offHigh, offLow, bytes)`.
    MapViewOfFile,
    /// `MapViewOfFileEx(h, access, offHigh, offLow, bytes, base)`.
    MapViewOfFileEx,
    /// `UnmapViewOfFile(p)`.
    UnmapViewOfFile,
    /// `FlushViewOfFile(p, n)`.
    FlushViewOfFile,
    /// `CloseHandle(h)`.
    CloseHandle,
    /// `CreateFile(name, access, share, NULL, disposition, flags, NULL)`.
    CreateFile,
    /// `ReadFile(h, buf, n, &read, NULL)`.
    ReadFile,
    /// `WriteFile(h, buf or "text", n, &written, NULL)`.
    WriteFile,
    /// `SetFilePointer(h, distance, NULL, method)`.
    SetFilePointer,
    /// `GetFileSize(h, &high or NULL)`.
    GetFileSize,
    /// `DeleteFile(name)`.
    DeleteFile,
    /// `SetProcessWorkingSetSize(h, min, max)`.
    SetProcessWorkingSetSize,
    /// `SetProcessWorkingSetSizeEx(h, min, max, flags)`.
    SetProcessWorkingSetSizeEx,
    /// `GetProcessWorkingSetSize(h, &min, &max)`.
    GetProcessWorkingSetSize,
    /// `GetModuleHandle(name | NULL)`.
    GetModuleHandle,
}

impl Builtin {
    /// True for the calls at which the running process waits and another runs (DESIGN §9).
    pub fn waits(self) -> bool {
        matches!(
            self,
            Builtin::Getch
                | Builtin::Getchar
                | Builtin::Sleep
                | Builtin::WaitForSingleObject
                | Builtin::MessageBox
        )
    }
}

/// How a builtin is called.
#[derive(Clone, Copy, Debug)]
pub struct Signature {
    /// The function.
    pub builtin: Builtin,
    /// Its name in scripts.
    pub name: &'static str,
    /// Fewest arguments.
    pub min: usize,
    /// Most arguments (`usize::MAX` for `printf`).
    pub max: usize,
    /// The parameters in words, for error messages.
    pub params: &'static str,
}

/// Every builtin, in the order "did you mean" prefers them.
pub const SIGNATURES: &[Signature] = &[
    sig(
        Builtin::VirtualAlloc,
        "VirtualAlloc",
        4,
        4,
        "address, size, allocation type, protection",
    ),
    sig(
        Builtin::VirtualFree,
        "VirtualFree",
        3,
        3,
        "address, size, free type",
    ),
    sig(
        Builtin::VirtualProtect,
        "VirtualProtect",
        4,
        4,
        "address, size, new protection, &old protection or NULL",
    ),
    sig(
        Builtin::VirtualQuery,
        "VirtualQuery",
        3,
        3,
        "address, &mbi, sizeof(mbi)",
    ),
    sig(Builtin::GetLastError, "GetLastError", 0, 0, "none"),
    sig(Builtin::SetLastError, "SetLastError", 1, 1, "error code"),
    sig(
        Builtin::Memmove,
        "memmove",
        3,
        3,
        "destination, source, byte count",
    ),
    sig(
        Builtin::Memcpy,
        "memcpy",
        3,
        3,
        "destination, source, byte count",
    ),
    sig(
        Builtin::Memset,
        "memset",
        3,
        3,
        "address, byte value, byte count",
    ),
    sig(Builtin::Printf, "printf", 1, usize::MAX, "format, values…"),
    sig(
        Builtin::ZeroMemory,
        "ZeroMemory",
        2,
        2,
        "address, byte count",
    ),
    sig(
        Builtin::FillMemory,
        "FillMemory",
        3,
        3,
        "address, byte count, byte value",
    ),
    sig(
        Builtin::CopyMemory,
        "CopyMemory",
        3,
        3,
        "destination, source, byte count",
    ),
    sig(
        Builtin::MoveMemory,
        "MoveMemory",
        3,
        3,
        "destination, source, byte count",
    ),
    sig(Builtin::Read, "read", 2, 2, "address, byte count"),
    sig(
        Builtin::Write,
        "write",
        2,
        3,
        "address, \"bytes\" — or address, value, byte count",
    ),
    sig(Builtin::Execute, "execute", 1, 1, "address"),
    sig(Builtin::PageOut, "PageOut", 1, 2, "address[, size]"),
    sig(
        Builtin::EmptyWorkingSet,
        "EmptyWorkingSet",
        0,
        1,
        "[process handle]",
    ),
    sig(
        Builtin::GetCurrentProcess,
        "GetCurrentProcess",
        0,
        0,
        "none",
    ),
    sig(
        Builtin::WriteModifiedPages,
        "WriteModifiedPages",
        0,
        0,
        "none",
    ),
    sig(Builtin::Puts, "puts", 1, 1, "string"),
    sig(Builtin::Putchar, "putchar", 1, 1, "character"),
    sig(Builtin::Exit, "exit", 1, 1, "exit code"),
    sig(Builtin::GetSystemInfo, "GetSystemInfo", 1, 1, "&si"),
    sig(Builtin::Strcpy, "strcpy", 2, 2, "destination, source"),
    sig(Builtin::Strlen, "strlen", 1, 1, "string"),
    sig(Builtin::GetExceptionCode, "GetExceptionCode", 0, 0, "none"),
    sig(Builtin::VirtualLock, "VirtualLock", 2, 2, "address, size"),
    sig(
        Builtin::VirtualUnlock,
        "VirtualUnlock",
        2,
        2,
        "address, size",
    ),
    sig(
        Builtin::GetExceptionInformation,
        "GetExceptionInformation",
        0,
        0,
        "none",
    ),
    sig(Builtin::Getch, "_getch", 0, 0, "none"),
    sig(Builtin::Getchar, "getchar", 0, 0, "none"),
    sig(Builtin::Sleep, "Sleep", 1, 1, "milliseconds"),
    sig(
        Builtin::WaitForSingleObject,
        "WaitForSingleObject",
        2,
        2,
        "handle, milliseconds",
    ),
    sig(
        Builtin::MessageBox,
        "MessageBox",
        4,
        4,
        "window, text, caption, type",
    ),
    sig(
        Builtin::GetCurrentProcessId,
        "GetCurrentProcessId",
        0,
        0,
        "none",
    ),
    sig(
        Builtin::CreateFileMapping,
        "CreateFileMapping",
        6,
        6,
        "file or INVALID_HANDLE_VALUE, NULL, protection, size high, size low, name or NULL",
    ),
    sig(
        Builtin::OpenFileMapping,
        "OpenFileMapping",
        3,
        3,
        "access, inherit, name",
    ),
    sig(
        Builtin::MapViewOfFile,
        "MapViewOfFile",
        5,
        5,
        "handle, access, offset high, offset low, bytes",
    ),
    sig(
        Builtin::MapViewOfFileEx,
        "MapViewOfFileEx",
        6,
        6,
        "handle, access, offset high, offset low, bytes, base",
    ),
    sig(Builtin::UnmapViewOfFile, "UnmapViewOfFile", 1, 1, "address"),
    sig(
        Builtin::FlushViewOfFile,
        "FlushViewOfFile",
        2,
        2,
        "address, bytes",
    ),
    sig(Builtin::CloseHandle, "CloseHandle", 1, 1, "handle"),
    sig(
        Builtin::CreateFile,
        "CreateFile",
        7,
        7,
        "name, access, share, NULL, disposition, flags, NULL",
    ),
    sig(
        Builtin::ReadFile,
        "ReadFile",
        5,
        5,
        "handle, buffer, bytes, &read, NULL",
    ),
    sig(
        Builtin::WriteFile,
        "WriteFile",
        5,
        5,
        "handle, buffer, bytes, &written, NULL",
    ),
    sig(
        Builtin::SetFilePointer,
        "SetFilePointer",
        4,
        4,
        "handle, distance, NULL, method",
    ),
    sig(
        Builtin::GetFileSize,
        "GetFileSize",
        2,
        2,
        "handle, &high or NULL",
    ),
    sig(Builtin::DeleteFile, "DeleteFile", 1, 1, "name"),
    sig(
        Builtin::SetProcessWorkingSetSize,
        "SetProcessWorkingSetSize",
        3,
        3,
        "process, minimum bytes, maximum bytes",
    ),
    sig(
        Builtin::SetProcessWorkingSetSizeEx,
        "SetProcessWorkingSetSizeEx",
        4,
        4,
        "process, minimum bytes, maximum bytes, flags",
    ),
    sig(
        Builtin::GetProcessWorkingSetSize,
        "GetProcessWorkingSetSize",
        3,
        3,
        "process, &minimum, &maximum",
    ),
    sig(
        Builtin::GetModuleHandle,
        "GetModuleHandle",
        1,
        1,
        "module name or NULL",
    ),
];

const fn sig(
    builtin: Builtin,
    name: &'static str,
    min: usize,
    max: usize,
    params: &'static str,
) -> Signature {
    Signature {
        builtin,
        name,
        min,
        max,
        params,
    }
}

impl Signature {
    /// The signature of the function called `name`.
    pub fn find(name: &str) -> Option<&'static Signature> {
        // The TCHAR and wide spellings of printf in Windows samples.
        let name = match name {
            "_tprintf" | "wprintf" => "printf",
            "ExitProcess" => "exit",
            "lstrcpy" | "lstrcpyA" | "_tcscpy" => "strcpy",
            "lstrlen" | "lstrlenA" | "_tcslen" => "strlen",
            "_putts" => "puts",
            "_puttchar" => "putchar",
            "getch" => "_getch",
            "MessageBoxA" | "MessageBoxW" => "MessageBox",
            "CreateFileMappingA" | "CreateFileMappingW" => "CreateFileMapping",
            "OpenFileMappingA" | "OpenFileMappingW" => "OpenFileMapping",
            "CreateFileA" | "CreateFileW" => "CreateFile",
            "DeleteFileA" | "DeleteFileW" => "DeleteFile",
            "GetModuleHandleA" | "GetModuleHandleW" => "GetModuleHandle",
            other => other,
        };
        SIGNATURES.iter().find(|s| s.name == name)
    }

    /// The message for a call with `got` arguments, or `None` when the count is right.
    pub fn arity_error(&self, got: usize) -> Option<String> {
        if (self.min..=self.max).contains(&got) {
            return None;
        }
        let count = match (self.min, self.max) {
            (0, 0) => "no arguments".to_string(),
            (1, 1) => "1 argument".to_string(),
            (a, b) if a == b => format!("{a} arguments"),
            (a, usize::MAX) => format!("at least {a} argument{}", if a == 1 { "" } else { "s" }),
            (a, b) => format!("{a} or {b} arguments"),
        };
        let params = if self.params == "none" {
            String::new()
        } else {
            format!(" ({})", self.params)
        };
        Some(format!("{} takes {count}{params} but got {got}", self.name))
    }
}

impl Builtin {
    /// The type of the call's value; `None` for functions that return nothing.
    pub fn returns(self) -> Option<Ty> {
        match self {
            Builtin::VirtualAlloc | Builtin::Memmove | Builtin::Memcpy | Builtin::Memset => {
                Some(Ty::void_ptr())
            }
            Builtin::VirtualFree | Builtin::VirtualProtect | Builtin::Printf => Some(Ty::INT),
            Builtin::GetLastError => Some(Ty::DWORD),
            Builtin::VirtualQuery
            | Builtin::Read
            | Builtin::PageOut
            | Builtin::EmptyWorkingSet
            | Builtin::WriteModifiedPages => Some(Ty::SIZE_T),
            Builtin::GetCurrentProcess => Some(Ty::void_ptr()),
            Builtin::Puts | Builtin::Putchar | Builtin::VirtualLock | Builtin::VirtualUnlock => {
                Some(Ty::INT)
            }
            Builtin::Strcpy => Some(Ty::Ptr(Box::new(Ty::Int {
                size: 1,
                signed: true,
            }))),
            Builtin::Strlen => Some(Ty::SIZE_T),
            Builtin::GetExceptionCode => Some(Ty::DWORD),
            Builtin::GetExceptionInformation => Some(Ty::Ptr(Box::new(Ty::Record(
                super::types::Record::ExceptionPointers,
            )))),
            Builtin::Getch | Builtin::Getchar | Builtin::MessageBox => Some(Ty::INT),
            Builtin::WaitForSingleObject | Builtin::GetCurrentProcessId => Some(Ty::DWORD),
            Builtin::CreateFileMapping
            | Builtin::OpenFileMapping
            | Builtin::MapViewOfFile
            | Builtin::MapViewOfFileEx
            | Builtin::CreateFile => Some(Ty::void_ptr()),
            Builtin::UnmapViewOfFile
            | Builtin::FlushViewOfFile
            | Builtin::CloseHandle
            | Builtin::ReadFile
            | Builtin::WriteFile
            | Builtin::DeleteFile
            | Builtin::SetProcessWorkingSetSize
            | Builtin::SetProcessWorkingSetSizeEx
            | Builtin::GetProcessWorkingSetSize => Some(Ty::INT),
            Builtin::GetModuleHandle => Some(Ty::void_ptr()),
            Builtin::SetFilePointer | Builtin::GetFileSize => Some(Ty::DWORD),
            Builtin::Exit | Builtin::GetSystemInfo | Builtin::Sleep => None,
            Builtin::SetLastError
            | Builtin::Write
            | Builtin::Execute
            | Builtin::ZeroMemory
            | Builtin::FillMemory
            | Builtin::CopyMemory
            | Builtin::MoveMemory => None,
        }
    }
}

/// Names of all builtins, for "did you mean" hints.
pub fn names() -> Vec<&'static str> {
    let mut out = Vec::with_capacity(SIGNATURES.len());
    for s in SIGNATURES {
        out.push(s.name);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arity_messages() {
        let free = Signature::find("VirtualFree").map(|s| s.arity_error(2));
        assert_eq!(
            free,
            Some(Some(
                "VirtualFree takes 3 arguments (address, size, free type) but got 2".to_string()
            ))
        );
        let page_out = Signature::find("PageOut").and_then(|s| s.arity_error(3));
        assert_eq!(
            page_out.as_deref(),
            Some("PageOut takes 1 or 2 arguments (address[, size]) but got 3")
        );
        let gle = Signature::find("GetLastError").and_then(|s| s.arity_error(1));
        assert_eq!(
            gle.as_deref(),
            Some("GetLastError takes no arguments but got 1")
        );
        assert!(Signature::find("printf")
            .and_then(|s| s.arity_error(9))
            .is_none());
    }
}
