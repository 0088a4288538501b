//! Addresses, page numbers, who owns a page, and the x86-64 four-level split (reference §2).

use serde::Serialize;

/// Bytes in a page (reference §2: 4 KB pages).
pub const PAGE_SIZE: u64 = 0x1000;
/// log2 of [`PAGE_SIZE`].
pub const PAGE_SHIFT: u32 = 12;
/// Allocation granularity: reservations start on 64 KB boundaries (reference §2).
pub const ALLOCATION_GRANULARITY: u64 = 0x1_0000;
/// Lowest address a program may allocate (reference §2: lpMinimumApplicationAddress).
pub const MIN_USER_ADDRESS: u64 = 0x1_0000;
/// Highest address a program may allocate (reference §2: lpMaximumApplicationAddress, 8.1+).
pub const MAX_USER_ADDRESS: u64 = 0x7FFF_FFFE_FFFF;
/// Last byte of the lower canonical half, which Windows gives to user mode (reference §2).
pub const USER_SPACE_END: u64 = 0x7FFF_FFFF_FFFF;

/// A virtual page number: a virtual address shifted right by [`PAGE_SHIFT`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct Vpn(pub u64);

impl Vpn {
    /// The page holding virtual address `va`.
    pub fn of(va: u64) -> Vpn {
        Vpn(va >> PAGE_SHIFT)
    }
    /// The first address of this page.
    pub fn base(self) -> u64 {
        self.0 << PAGE_SHIFT
    }
}

/// A physical frame number: an index into RAM frames (the PFN database).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct Pfn(pub u32);

/// A page-file slot number.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct Slot(pub u32);

/// A process id, as `GetCurrentProcessId()` would report it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct ProcessId(pub u32);

/// A section object (file mapping) of the system, by number.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct SectionId(pub u32);

/// Whose page a frame (or a page-file slot) holds (reference §8.7, DESIGN §9).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Owner {
    /// A private page: one process's virtual page, mapped by that process's PTE.
    Private {
        /// The process.
        process: ProcessId,
        /// Its virtual page.
        vpn: Vpn,
    },
    /// A shared page: a prototype PTE of a section, from which every PTE that maps it
    /// is found.
    Shared {
        /// The section object.
        section: SectionId,
        /// The page's index in the section (its prototype PTE).
        index: u32,
    },
}

impl Owner {
    /// The virtual page of a private owner (`None` for a shared page).
    pub fn private_vpn(self) -> Option<Vpn> {
        match self {
            Owner::Private { vpn, .. } => Some(vpn),
            Owner::Shared { .. } => None,
        }
    }

    /// The process of a private owner (`None` for a shared page).
    pub fn process(self) -> Option<ProcessId> {
        match self {
            Owner::Private { process, .. } => Some(process),
            Owner::Shared { .. } => None,
        }
    }
}

/// The four table levels of x86-64 paging, top first (reference §2, SDM).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Level {
    /// Page-map level 4, indexed by bits 47:39.
    Pml4,
    /// Page-directory-pointer table, bits 38:30.
    Pdpt,
    /// Page directory, bits 29:21.
    Pd,
    /// Page table, bits 20:12.
    Pt,
}

impl Level {
    /// All levels in walk order.
    pub const ALL: [Level; 4] = [Level::Pml4, Level::Pdpt, Level::Pd, Level::Pt];

    /// The bit position of this level's 9-bit index.
    pub fn shift(self) -> u32 {
        match self {
            Level::Pml4 => 39,
            Level::Pdpt => 30,
            Level::Pd => 21,
            Level::Pt => 12,
        }
    }

    /// The short name shown on screen.
    pub fn name(self) -> &'static str {
        match self {
            Level::Pml4 => "PML4",
            Level::Pdpt => "PDPT",
            Level::Pd => "PD",
            Level::Pt => "PT",
        }
    }
}

/// A virtual address split into its 9/9/9/9/12-bit fields (reference §2 helper).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct AddressSplit {
    /// Bits 47:39.
    pub pml4: u16,
    /// Bits 38:30.
    pub pdpt: u16,
    /// Bits 29:21.
    pub pd: u16,
    /// Bits 20:12.
    pub pt: u16,
    /// Bits 11:0.
    pub offset: u16,
}

impl AddressSplit {
    /// Split `va` the way the MMU does.
    pub fn of(va: u64) -> AddressSplit {
        let idx = |shift: u32| ((va >> shift) & 0x1FF) as u16;
        AddressSplit {
            pml4: idx(39),
            pdpt: idx(30),
            pd: idx(21),
            pt: idx(12),
            offset: (va & 0xFFF) as u16,
        }
    }

    /// The index used at `level`.
    pub fn index(&self, level: Level) -> u16 {
        match level {
            Level::Pml4 => self.pml4,
            Level::Pdpt => self.pdpt,
            Level::Pd => self.pd,
            Level::Pt => self.pt,
        }
    }
}

/// True when `va` is in canonical form: bits 63:48 equal bit 47 (reference §2, SDM).
pub fn is_canonical(va: u64) -> bool {
    let top = va >> 47;
    top == 0 || top == 0x1_FFFF
}

/// Round `value` down to a multiple of `align` (a power of two).
pub fn align_down(value: u64, align: u64) -> u64 {
    value & !(align - 1)
}

/// Round `value` up to a multiple of `align` (a power of two); `None` on overflow.
pub fn align_up(value: u64, align: u64) -> Option<u64> {
    value.checked_add(align - 1).map(|v| v & !(align - 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_matches_reference_helper() {
        let va = 0x0000_2345_6700_0ABC_u64;
        let s = AddressSplit::of(va);
        assert_eq!(s.pml4 as u64, (va >> 39) & 0x1FF);
        assert_eq!(s.pdpt as u64, (va >> 30) & 0x1FF);
        assert_eq!(s.pd as u64, (va >> 21) & 0x1FF);
        assert_eq!(s.pt as u64, (va >> 12) & 0x1FF);
        assert_eq!(s.offset, 0xABC);
        assert_ne!(s.pml4, 0, "default base exercises a non-zero PML4 index");
    }

    #[test]
    fn canonical_halves() {
        assert!(is_canonical(0x7FFF_FFFF_FFFF));
        assert!(!is_canonical(0x8000_0000_0000));
        assert!(is_canonical(0xFFFF_8000_0000_0000));
        assert!(!is_canonical(0x0001_0000_0000_0000));
    }

    #[test]
    fn rounding() {
        assert_eq!(align_down(0x12345, ALLOCATION_GRANULARITY), 0x10000);
        assert_eq!(align_up(0x1001, PAGE_SIZE), Some(0x2000));
        assert_eq!(align_up(u64::MAX, PAGE_SIZE), None);
    }
}
