//! Section objects (file mappings) and their prototype PTEs (reference §8.7, WI6 p.133).
//!
//! A section's pages are described once, by its prototype PTEs; a process PTE that maps a
//! section page points at the prototype PTE, and a resident page's frame is owned by the
//! prototype PTE ([`super::Owner::Shared`]). The calls that create and map sections are in
//! `crate::sim::api::section` and `crate::sim::api::view`; the rules they follow are
//! docs/windows-sections.md's.

use crate::sim::addr::SectionId;
use crate::sim::event::Pte;

/// What a section's pages are backed by when they leave RAM.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Backing {
    /// The page file: the contents vanish with the last reference ("page-file-backed").
    PageFile,
    /// A file of the simulated disk, by name ("persisted").
    File(String),
    /// kernel32.dll's image file, read on first use and never written (`super::image`).
    Image,
}

/// One section object.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Section {
    /// Its number.
    pub id: SectionId,
    /// Its name, for `OpenFileMapping`, if it has one.
    pub name: Option<String>,
    /// Where its pages go when they leave RAM.
    pub backing: Backing,
    /// One prototype PTE per page of the section.
    pub prototypes: Vec<Pte>,
    /// Its size in bytes as created (docs/windows-sections.md §2.2: whole pages for a
    /// page-file section).
    pub size: u64,
    /// `flProtect` without the `SEC_*` attributes.
    pub protect: u32,
    /// Made with `SEC_RESERVE`: views start reserved (docs/windows-sections.md §4.2).
    pub reserve: bool,
    /// Open handles, in every process.
    pub handles: u32,
    /// Mapped views, in every process.
    pub views: u32,
    /// Pages of commit charge it holds (docs/windows-sections.md §2.2).
    pub charged: u64,
}

impl Section {
    /// A section of `pages` pages whose prototype PTEs all start as demand-zero.
    pub fn new(id: SectionId, name: Option<String>, backing: Backing, pages: u32) -> Section {
        Section {
            id,
            name,
            backing,
            prototypes: vec![Pte::DemandZero; pages as usize],
            size: u64::from(pages) << crate::sim::addr::PAGE_SHIFT,
            protect: 0,
            reserve: false,
            handles: 0,
            views: 0,
            charged: 0,
        }
    }

    /// An image section (`kernel32.dll`): its pages are read from the image file on first
    /// use, not demand-zero (docs/windows-sections.md §10).
    pub fn is_image(&self) -> bool {
        self.backing == Backing::Image
    }

    /// Pages in the section.
    pub fn pages(&self) -> u32 {
        self.prototypes.len() as u32
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_section_is_demand_zero() {
        let s = Section::new(SectionId(3), Some("shm".into()), Backing::PageFile, 4);
        assert_eq!(s.pages(), 4);
        assert!(s.prototypes.iter().all(|p| *p == Pte::DemandZero));
        assert_eq!(s.backing, Backing::PageFile);
    }
}
