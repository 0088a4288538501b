//! Page-protection values: which are valid (reference §3.1 rule 6) and what each allows
//! (reference §7).

use super::consts::*;
use super::error::Access;

/// The modifier bits that may accompany a base protection.
const MODIFIERS: u32 = PAGE_GUARD | PAGE_NOCACHE | PAGE_WRITECOMBINE;

/// The base protection without modifiers.
pub fn base(protect: u32) -> u32 {
    protect & 0xFF
}

/// True when `protect` carries `PAGE_GUARD`.
pub fn is_guard(protect: u32) -> bool {
    protect & PAGE_GUARD != 0
}

/// Whether `protect` is a valid protection for private memory (`VirtualAlloc`,
/// `VirtualProtect` on private pages), by reference §3.1 rule 6.
pub fn valid_for_private(protect: u32) -> bool {
    // Unknown bits are invalid.
    if protect & !(0xFF | MODIFIERS) != 0 {
        return false;
    }
    let b = base(protect);
    // Exactly one bit in exactly one nibble (reference §3.1 rule 6): 0, 0x03, 0x12 … fail.
    if b.count_ones() != 1 {
        return false;
    }
    // WRITECOPY kinds are never valid for private memory (reference §3.1 rule 6, MS-PROT).
    if b == PAGE_WRITECOPY || b == PAGE_EXECUTE_WRITECOPY {
        return false;
    }
    // PAGE_GUARD cannot go with PAGE_NOACCESS (MS-PROT, MS-GUARD).
    if protect & PAGE_GUARD != 0 && b == PAGE_NOACCESS {
        return false;
    }
    // PAGE_NOCACHE cannot go with GUARD, NOACCESS or WRITECOMBINE (MS-PROT).
    if protect & PAGE_NOCACHE != 0
        && (protect & (PAGE_GUARD | PAGE_WRITECOMBINE) != 0 || b == PAGE_NOACCESS)
    {
        return false;
    }
    // WRITECOMBINE follows the same exclusions as NOCACHE (MS-PROT).
    if protect & PAGE_WRITECOMBINE != 0 && (protect & PAGE_GUARD != 0 || b == PAGE_NOACCESS) {
        return false;
    }
    true
}

/// Whether a committed page with protection `protect` (guard already handled) allows
/// `access`, by the table of reference §7. x86 cannot express execute-only, so
/// `PAGE_EXECUTE` also allows reads.
pub fn allows(protect: u32, access: Access) -> bool {
    let b = base(protect);
    match access {
        Access::Read => b != PAGE_NOACCESS && b != 0,
        Access::Write => matches!(
            b,
            PAGE_READWRITE | PAGE_EXECUTE_READWRITE | PAGE_WRITECOPY | PAGE_EXECUTE_WRITECOPY
        ),
        Access::Execute => matches!(
            b,
            PAGE_EXECUTE | PAGE_EXECUTE_READ | PAGE_EXECUTE_READWRITE | PAGE_EXECUTE_WRITECOPY
        ),
    }
}

/// Whether pages with `protect` are mapped writable in their PTE. A copy-on-write page's
/// PTE is read-only: its first write faults and makes a private copy (reference §8.1
/// software bits, §8.7; docs/windows-sections.md §9).
pub fn writable(protect: u32) -> bool {
    allows(protect, Access::Write) && !is_writecopy(protect)
}

/// True for `PAGE_WRITECOPY` and `PAGE_EXECUTE_WRITECOPY` (MS-PROT).
pub fn is_writecopy(protect: u32) -> bool {
    matches!(base(protect), PAGE_WRITECOPY | PAGE_EXECUTE_WRITECOPY)
}

/// The protection a copy-on-write page has once copied: WRITECOPY → READWRITE,
/// EXECUTE_WRITECOPY → EXECUTE_READWRITE (MS-PROT; docs/windows-sections.md §9).
pub fn after_copy(protect: u32) -> u32 {
    match base(protect) {
        PAGE_WRITECOPY => (protect & !0xFF) | PAGE_READWRITE,
        PAGE_EXECUTE_WRITECOPY => (protect & !0xFF) | PAGE_EXECUTE_READWRITE,
        _ => protect,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validity_follows_reference_3_1_rule_6() {
        for ok in [
            PAGE_NOACCESS,
            PAGE_READONLY,
            PAGE_READWRITE,
            PAGE_EXECUTE,
            PAGE_EXECUTE_READ,
            PAGE_EXECUTE_READWRITE,
            PAGE_READWRITE | PAGE_GUARD,
            PAGE_READWRITE | PAGE_NOCACHE,
        ] {
            assert!(valid_for_private(ok), "{ok:#x} should be valid");
        }
        for bad in [
            0,
            0x03,
            0x06,
            0x30,
            PAGE_READONLY | PAGE_EXECUTE,
            PAGE_WRITECOPY,
            PAGE_EXECUTE_WRITECOPY,
            PAGE_NOACCESS | PAGE_GUARD,
            PAGE_READWRITE | PAGE_NOCACHE | PAGE_GUARD,
            PAGE_NOACCESS | PAGE_NOCACHE,
            0x800 | PAGE_READWRITE,
        ] {
            assert!(!valid_for_private(bad), "{bad:#x} should be invalid");
        }
    }

    #[test]
    fn access_table_of_reference_7() {
        use Access::*;
        let row = |p| (allows(p, Read), allows(p, Write), allows(p, Execute));
        assert_eq!(row(PAGE_NOACCESS), (false, false, false));
        assert_eq!(row(PAGE_READONLY), (true, false, false));
        assert_eq!(row(PAGE_READWRITE), (true, true, false));
        assert_eq!(row(PAGE_EXECUTE), (true, false, true));
        assert_eq!(row(PAGE_EXECUTE_READ), (true, false, true));
        assert_eq!(row(PAGE_EXECUTE_READWRITE), (true, true, true));
    }
}
