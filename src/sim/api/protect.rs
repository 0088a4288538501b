//! `VirtualProtect` (reference §5).
use super::super::machine::Machine;
use super::{Done, Refusal};

impl Machine {
    /// `VirtualProtect` without the step bookkeeping.
    pub(crate) fn protect(
        &mut self,
        _a: u64,
        _s: u64,
        _p: u32,
        _o: bool,
    ) -> Result<Done<u32>, Refusal> {
        super::refuse(super::super::error::Win32Error::InvalidParameter, "todo")
    }
}
