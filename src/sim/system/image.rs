//! `kernel32.dll`, the one image every process has mapped (DESIGN §9, docs/windows-sections.md
//! §10).
//!
//! The system holds one image section for it, section 0, whose prototype PTEs every
//! process's view shares. Its four pages follow a PE image's layout: the header
//! (`PAGE_READONLY`), two code pages (`PAGE_EXECUTE_READ`, shared) and a data page
//! (`PAGE_WRITECOPY`, shared until a process writes it, then private to that process).
//! A page is read from the image file on its first use anywhere (a hard fault); when no
//! process maps it, it goes to standby, and is read again once its frame is reused
//! (docs/windows-sections.md §8.2). The image section never goes.
//!
//! The base is the same in every process (docs/windows-sections.md §10, NYN): Windows picks
//! it once per boot with ASLR, high in the user range; PageLab uses one fixed value of that
//! kind, [`KERNEL32_BASE`].

use super::section::{Backing, Section};
use crate::sim::addr::SectionId;
use crate::sim::consts::{PAGE_EXECUTE_READ, PAGE_READONLY, PAGE_WRITECOPY};

/// Where `kernel32.dll` is mapped in every process: a 64 KB-aligned address near the top of
/// the user range, where 64-bit Windows places system DLLs (0x7FF8… to 0x7FFF…).
pub const KERNEL32_BASE: u64 = 0x7FF9_E8A0_0000;

/// The image's name, as `GetModuleHandle` compares it (without regard to case).
pub const KERNEL32_NAME: &str = "kernel32.dll";

/// The image section's id: 0, below every section a script creates.
pub const KERNEL32_SECTION: SectionId = SectionId(0);

/// The protection of each page of the image: header, code, code, data.
pub const PAGE_PROTECTIONS: [u32; 4] = [
    PAGE_READONLY,
    PAGE_EXECUTE_READ,
    PAGE_EXECUTE_READ,
    PAGE_WRITECOPY,
];

/// The image section, all of its pages still in the image file.
pub fn kernel32_section() -> Section {
    let mut s = Section::new(
        KERNEL32_SECTION,
        None,
        Backing::Image,
        PAGE_PROTECTIONS.len() as u32,
    );
    s.protect = crate::sim::consts::PAGE_EXECUTE_WRITECOPY;
    // The system's own reference (the loader's): the image section never goes.
    s.handles = 1;
    // Not read yet: the pages are in the image file, not demand-zero.
    s.prototypes.fill(crate::sim::event::Pte::Empty);
    s
}

/// The bytes of page `index` of the image, as the image file holds them.
pub fn page_bytes(index: u32, out: &mut [u8]) {
    out.fill(0);
    let text: &[u8] = match index {
        // The header: the DOS stub's "MZ" and, at e_lfanew, the PE signature.
        0 => b"MZ",
        // Code: "sub rsp, 0x28; ...; add rsp, 0x28; ret", padded with int3.
        1 | 2 => {
            let code = [0x48, 0x83, 0xEC, 0x28, 0x48, 0x83, 0xC4, 0x28, 0xC3, 0xCC];
            for (i, b) in out.iter_mut().enumerate() {
                *b = code[i % code.len()];
            }
            return;
        }
        // Data: an initialised global the lesson reads and writes.
        _ => b"kernel32 data",
    };
    out[..text.len()].copy_from_slice(text);
    if index == 0 {
        out[0xF0..0xF4].copy_from_slice(b"PE\0\0");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::addr::PAGE_SIZE;

    #[test]
    fn pages_hold_a_header_code_and_data() {
        let mut page = vec![0u8; PAGE_SIZE as usize];
        page_bytes(0, &mut page);
        assert_eq!(
            (&page[..2], &page[0xF0..0xF4]),
            (&b"MZ"[..], &b"PE\0\0"[..])
        );
        page_bytes(1, &mut page);
        assert_eq!(page[8], 0xC3);
        page_bytes(3, &mut page);
        assert!(page.starts_with(b"kernel32 data\0"));
        assert_eq!(KERNEL32_BASE % crate::sim::addr::ALLOCATION_GRANULARITY, 0);
        let s = kernel32_section();
        assert_eq!((s.pages(), s.is_image(), s.id), (4, true, SectionId(0)));
    }
}
