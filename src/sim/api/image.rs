//! kernel32.dll in every process, and `GetModuleHandle` (DESIGN §9,
//! docs/windows-sections.md §10; the image section is `system::image`).

use super::super::addr::{Vpn, PAGE_SHIFT};
use super::super::consts::{MEM_IMAGE, PAGE_EXECUTE_WRITECOPY};
use super::super::error::Win32Error;
use super::super::journal::Op;
use super::super::machine::Machine;
use super::super::space::views::ViewLink;
use super::super::space::{AddressSpace, PageAttr};
use super::super::system::image::{
    KERNEL32_BASE, KERNEL32_NAME, KERNEL32_SECTION, PAGE_PROTECTIONS,
};
use super::super::system::System;
use super::{refuse, Done};

/// Map kernel32.dll's image view into `space` at [`KERNEL32_BASE`], as the loader does
/// when a process starts: no step, no page touched. Type MEM_IMAGE, AllocationProtect
/// PAGE_EXECUTE_WRITECOPY, each page with its section's protection (§10).
pub(crate) fn map_kernel32(system: &mut System, space: &mut AddressSpace) {
    match system.section_mut(KERNEL32_SECTION) {
        Some(s) => s.views += 1,
        None => return,
    }
    let base = Vpn(KERNEL32_BASE >> PAGE_SHIFT);
    let link = ViewLink {
        base,
        pages: PAGE_PROTECTIONS.len() as u64,
        section: KERNEL32_SECTION,
        first: 0,
    };
    space.insert_view(link, PAGE_EXECUTE_WRITECOPY, PageAttr::RESERVED);
    space.set_kind(base, MEM_IMAGE);
    for (i, &protect) in PAGE_PROTECTIONS.iter().enumerate() {
        let vpn = Vpn(base.0 + i as u64);
        space.set(vpn, Vpn(vpn.0 + 1), PageAttr::committed(protect));
    }
}

impl Machine {
    /// `GetModuleHandle(name)`: kernel32.dll's base (its module handle, MS-GMH), or 0 with
    /// ERROR_MOD_NOT_FOUND (126) for any other name (§10 **[derived]**). The name is
    /// compared without regard to case, and ".dll" may be left out (MS-GMH). `None` is
    /// `GetModuleHandle(NULL)`: Windows returns the .exe's base, but PageLab's programs have
    /// no .exe image mapped, so it fails the same way, and says so.
    pub fn get_module_handle(&mut self, name: Option<&str>) -> u64 {
        let args = [u64::from(name.is_some())];
        self.note(Op::GetModuleHandle, &args, name.unwrap_or("").as_bytes());
        self.api_step("GetModuleHandle", &args, |m| {
            let Some(name) = name else {
                return refuse(Win32Error::ModNotFound, "PageLab maps no .exe image");
            };
            let known =
                name.eq_ignore_ascii_case(KERNEL32_NAME) || name.eq_ignore_ascii_case("kernel32");
            if !known {
                return refuse(Win32Error::ModNotFound, "only kernel32.dll is loaded");
            }
            m.set_focus(Some(KERNEL32_BASE));
            Ok(Done {
                out: KERNEL32_BASE,
                value: KERNEL32_BASE,
                story: "kernel32.dll's module handle is its base, the same in every process."
                    .into(),
            })
        })
        .unwrap_or(0)
    }
}
