//! `VirtualFree` (reference §4).
use super::super::machine::Machine;
use super::{Done, Refusal};

impl Machine {
    /// `VirtualFree` without the step bookkeeping.
    pub(crate) fn free(&mut self, _a: u64, _s: u64, _t: u32) -> Result<Done<()>, Refusal> {
        super::refuse(super::super::error::Win32Error::InvalidParameter, "todo")
    }
}
