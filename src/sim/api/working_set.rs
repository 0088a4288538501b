//! `SetProcessWorkingSetSize(Ex)` and `GetProcessWorkingSetSize`: the working set's limits
//! (docs/windows-sections.md §11.3, MS-SPWSSE; reference §8.4).
//!
//! Sizes are in bytes and count whole pages (rounded down, as the NT service shifts them).
//! Windows' page floors (a minimum below 20 pages is raised to 20; a maximum must be at
//! least 13 pages) are scaled to PageLab's small machine the way its default limits are
//! (`Config::working_set_limits`: Windows' 345-page default maximum becomes half of RAM),
//! and a maximum must fit in RAM **[derived]**: Windows bounds it by the available pages
//! minus 512, which a machine of a few frames never has.

use super::super::config::WsLimits;
use super::super::consts::*;
use super::super::error::Win32Error;
use super::super::journal::Op;
use super::super::machine::Machine;
use super::{refuse, Done, Refusal};
use crate::sim::addr::PAGE_SHIFT;

/// `GetCurrentProcess()`'s pseudo-handle, the only process handle a script holds.
const CURRENT_PROCESS: u64 = u64::MAX;

/// What a successful call asks the engine to do after its step.
enum Then {
    /// Nothing: the working set fits.
    Nothing,
    /// Trim to the new, lower maximum.
    Trim,
    /// (SIZE_T)-1 twice: empty the working set.
    Empty,
}

impl Machine {
    /// `SetProcessWorkingSetSizeEx(h, min, max, flags)` (`ex`), or
    /// `SetProcessWorkingSetSize(h, min, max)`, which is the Ex form with flags 0
    /// (§11.3 **[derived]**): TRUE, or FALSE with the last error. A lower maximum trims the
    /// working set at once, as steps of their own after the call's.
    pub fn set_process_working_set_size(
        &mut self,
        process: u64,
        min: u64,
        max: u64,
        flags: u32,
        ex: bool,
    ) -> bool {
        let args = [process, min, max, u64::from(flags), u64::from(ex)];
        self.note(Op::SetProcessWorkingSetSize, &args, &[]);
        let name = if ex {
            "SetProcessWorkingSetSizeEx"
        } else {
            "SetProcessWorkingSetSize"
        };
        let shown = if ex { &args[..4] } else { &args[..3] };
        let then = self.api_step(name, shown, |m| m.set_limits(process, min, max, flags));
        match then {
            Some(Then::Trim) => {
                self.engine().trim_to_limit();
            }
            Some(Then::Empty) => {
                self.engine().empty_working_set();
            }
            Some(Then::Nothing) => {}
            None => return false,
        }
        true
    }

    fn set_limits(
        &mut self,
        process: u64,
        min: u64,
        max: u64,
        flags: u32,
    ) -> Result<Done<Then>, Refusal> {
        if process != CURRENT_PROCESS {
            return refuse(
                Win32Error::InvalidHandle,
                "only GetCurrentProcess() names a process here",
            );
        }
        // MS-SPWSSE: (SIZE_T)-1 for both removes as many pages as possible; the flags
        // are not applied then **[derived]**.
        if min == u64::MAX && max == u64::MAX {
            return Ok(Done {
                out: Then::Empty,
                value: 1,
                story: "Both sizes are (SIZE_T)-1: the working set is emptied.".into(),
            });
        }
        // §11.3: undefined flag bits, or ENABLE with DISABLE of one limit: 87.
        let both = |e: u32, d: u32| flags & (e | d) == e | d;
        if flags & !0xF != 0
            || both(
                QUOTA_LIMITS_HARDWS_MIN_ENABLE,
                QUOTA_LIMITS_HARDWS_MIN_DISABLE,
            )
            || both(
                QUOTA_LIMITS_HARDWS_MAX_ENABLE,
                QUOTA_LIMITS_HARDWS_MAX_DISABLE,
            )
        {
            return refuse(
                Win32Error::InvalidParameter,
                "the flags are not a valid QUOTA_LIMITS_HARDWS_* combination",
            );
        }
        // MS-SPWSSE: the minimum must be greater than zero and at most the maximum.
        if min == 0 || min > max {
            return refuse(
                Win32Error::InvalidParameter,
                "the minimum must be greater than zero and no more than the maximum",
            );
        }
        let frames = u64::from(self.config().frames);
        let default_max = u64::from(self.config().working_set_limits().max.max(1));
        // Windows' floors, 20 and 13 of its 345-page default maximum, scaled.
        let min_floor = (default_max * 20).div_ceil(345);
        let max_floor = (default_max * 13).div_ceil(345);
        let min_pages = (min >> PAGE_SHIFT).max(min_floor);
        let max_pages = max >> PAGE_SHIFT;
        if max_pages < max_floor || max_pages > frames || min_pages > max_pages {
            return refuse(
                Win32Error::InvalidParameter,
                "the maximum must be at least the minimum and fit in RAM",
            );
        }
        let hard = flags & QUOTA_LIMITS_HARDWS_MAX_ENABLE != 0;
        let limits = WsLimits {
            min: min_pages as u32,
            max: max_pages as u32,
            hard,
        };
        self.process_mut().mmu.ws.set_limits(limits);
        let trim = self.process().mmu.ws.len() as u64 > max_pages;
        Ok(Done {
            out: if trim { Then::Trim } else { Then::Nothing },
            value: 1,
            story: format!(
                "The working set's limits are now {min_pages} to {max_pages} pages, the maximum {}.",
                if hard { "hard" } else { "soft" }
            ),
        })
    }

    /// `GetProcessWorkingSetSize(h, &min, &max)`: the limits in bytes, or `None` for a
    /// handle that is not the current process's (the caller sets ERROR_INVALID_HANDLE, 6,
    /// **[derived]**). A query: no step, nothing to replay.
    pub fn working_set_size(&self, process: u64) -> Option<(u64, u64)> {
        let l = self.process().mmu.ws.limits();
        (process == CURRENT_PROCESS).then(|| {
            (
                u64::from(l.min) << PAGE_SHIFT,
                u64::from(l.max) << PAGE_SHIFT,
            )
        })
    }
}
