//! How the engine names things in narration: pages by their first address (like the
//! pointers in the reader's program), frames and slots by number, PTEs in words.

use crate::sim::addr::{Slot, Vpn};
use crate::sim::event::Pte;
use crate::sim::system::section::Section;

use crate::sim::process::tables::Walk;

/// A page, named by its first address, e.g. `0x23456700000`.
pub fn page(vpn: Vpn) -> String {
    format!("{:#x}", vpn.base())
}

/// A section's page: `shared page 2 of section "shm"` (or of section 3 when it has no
/// name).
pub fn section_page(section: Option<&Section>, index: u32) -> String {
    match section {
        Some(Section {
            name: Some(name), ..
        }) => format!("shared page {index} of section \"{name}\""),
        Some(s) => format!("shared page {index} of section {}", s.id.0),
        None => format!("shared page {index}"),
    }
}

/// A list of pages: `0x1000, 0x2000 and 0x3000`.
pub fn pages(vpns: &[Vpn]) -> String {
    let mut names = Vec::with_capacity(vpns.len());
    for v in vpns {
        names.push(page(*v));
    }
    join(&names)
}

/// A list of numbers: `3, 5 and 7`.
pub fn numbers(numbers: &[u64]) -> String {
    let mut names = Vec::with_capacity(numbers.len());
    for n in numbers {
        names.push(n.to_string());
    }
    join(&names)
}

/// A list of slot numbers, with runs collapsed: `6–9` or `3, 5 and 7`.
pub fn slots(slots: &[Slot]) -> String {
    // u64, as every other sort of numbers: one sort routine in the wasm module.
    let mut sorted: Vec<u64> = Vec::with_capacity(slots.len());
    for s in slots {
        sorted.push(u64::from(s.0));
    }
    sorted.sort_unstable();
    let mut contiguous = true;
    for w in sorted.windows(2) {
        contiguous &= w[1] == w[0] + 1;
    }
    match sorted.as_slice() {
        [] => String::new(),
        [one] => one.to_string(),
        [first, .., last] if contiguous && sorted.len() > 2 => format!("{first}–{last}"),
        _ => numbers(&sorted),
    }
}

/// `a`, `a and b`, `a, b and c`.
pub fn join(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {}", rest.join(", "), last),
    }
}

/// A PTE in words.
pub fn pte(pte: Pte) -> String {
    match pte {
        Pte::Empty => "empty (zero)".into(),
        Pte::Valid { pfn, .. } => format!("valid and points to frame {}", pfn.0),
        Pte::DemandZero => "a demand-zero PTE".into(),
        Pte::Transition { pfn } => format!("a transition PTE pointing to frame {}", pfn.0),
        Pte::PageFile { slot } => format!("a page-file PTE pointing to slot {}", slot.0),
        Pte::Prototype { index } => format!("a pointer to prototype PTE {index}"),
    }
}

/// The walk path, e.g. `PML4[70] → PDPT[141] → PD[179] → PT[256]`.
pub fn walk_path(walk: &Walk) -> String {
    let mut path = String::new();
    for l in walk.levels.iter().flatten() {
        if !path.is_empty() {
            path.push_str(" → ");
        }
        path.push_str(l.level.name());
        path.push('[');
        path.push_str(&l.index.to_string());
        path.push(']');
    }
    path
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words() {
        assert_eq!(page(Vpn(0x2345_6700)), "0x23456700000");
        assert_eq!(slots(&[Slot(9), Slot(6), Slot(7), Slot(8)]), "6–9");
        assert_eq!(slots(&[Slot(3), Slot(7)]), "3 and 7");
        assert_eq!(slots(&[Slot(3), Slot(5), Slot(7)]), "3, 5 and 7");
        assert_eq!(join(&["a".into()]), "a");
        assert_eq!(
            pte(Pte::PageFile { slot: Slot(7) }),
            "a page-file PTE pointing to slot 7"
        );
    }
}
