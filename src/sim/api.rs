//! The Win32 virtual-memory API with the reference's exact semantics (reference §3–§6).
//! SKELETON: to be replaced by the VM-API work.

use serde::Serialize;

use super::machine::Machine;

/// `MEMORY_BASIC_INFORMATION` as `VirtualQuery` fills it (reference §6).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[allow(non_snake_case)]
pub struct MemoryBasicInformation {
    /// Page-rounded query address.
    pub BaseAddress: u64,
    /// Base of the containing allocation (0 for free).
    pub AllocationBase: u64,
    /// Protection given at allocation (0 for free).
    pub AllocationProtect: u32,
    /// Bytes from `BaseAddress` with the same attributes.
    pub RegionSize: u64,
    /// `MEM_COMMIT`, `MEM_RESERVE` or `MEM_FREE`.
    pub State: u32,
    /// Current protection (0 reserved, `PAGE_NOACCESS` free).
    pub Protect: u32,
    /// `MEM_PRIVATE`, `MEM_MAPPED`, `MEM_IMAGE` or 0.
    pub Type: u32,
}

impl Machine {
    /// `VirtualAlloc`: the page-aligned base, or 0 with the last error set (reference §3).
    pub fn virtual_alloc(
        &mut self,
        _address: u64,
        _size: u64,
        _allocation_type: u32,
        _protect: u32,
    ) -> u64 {
        self.last_error = 87;
        0
    }

    /// `VirtualFree`: TRUE, or FALSE with the last error set (reference §4).
    pub fn virtual_free(&mut self, _address: u64, _size: u64, _free_type: u32) -> bool {
        self.last_error = 87;
        false
    }

    /// `VirtualProtect`: `Some(old protection of the first page)` on success, `None` on
    /// failure with the last error set. `old_out` is false when the script passed NULL
    /// for `lpflOldProtect` (reference §5: 998).
    pub fn virtual_protect(
        &mut self,
        _address: u64,
        _size: u64,
        _new_protect: u32,
        _old_out: bool,
    ) -> Option<u32> {
        self.last_error = 87;
        None
    }

    /// `VirtualQuery`: the structure, or `None` (the call returns 0) with the last error set
    /// (reference §6). `length` is the caller's buffer size.
    pub fn virtual_query(&mut self, _address: u64, _length: u64) -> Option<MemoryBasicInformation> {
        self.last_error = 87;
        None
    }
}
