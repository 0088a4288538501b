//! The system: everything the processes share (DESIGN §9, reference §8.3, §8.6, §8.7).
//!
//! [`System`] owns the RAM frames and their lists (the PFN database, with a share count
//! and an [`Owner`] per frame), the page file, the commit charge and limit, the seeded
//! generator, the logical clock, the section objects with their prototype PTEs and the
//! files of the simulated disk. It knows nothing of processes beyond their ids (in frame
//! owners) and nothing of the paging engine that drives it.

pub mod disk;
pub mod frames;
pub mod future;
pub mod image;
pub mod mapped;
pub mod pagefile;
pub mod section;

use serde::Serialize;

use super::config::Config;
use super::rng::SplitMix64;
use disk::Disk;
pub use frames::{Frame, FrameDb, Owner};
use future::Future;
use pagefile::PageFile;
use section::Section;

/// Page-file traffic of the whole system (shown with the counters, DESIGN §4).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Io {
    /// Pages read from the page file.
    pub pagefile_reads: u64,
    /// Pages written to the page file.
    pub pagefile_writes: u64,
}

/// The memory manager's system-wide settings.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Tuning {
    /// Pages read around a hard fault (1 = no clustering, reference §8.5).
    pub cluster: u32,
    /// Standby and modified lists on (off = the textbook model).
    pub standby: bool,
    /// Modified-list length that wakes the modified page writer (reference §8.3).
    pub modified_threshold: u32,
}

/// RAM, page file, commit, sections and disk: what every process shares.
#[derive(Clone, Debug)]
pub struct System {
    /// RAM frames, their lists and their bytes (the PFN database).
    pub frames: FrameDb,
    /// The page file.
    pub pagefile: PageFile,
    /// Pages of commit charge (reference §8.6).
    pub commit_charge: u64,
    /// The commit limit in pages: frames plus page-file slots (reference §8.6).
    pub commit_limit: u64,
    /// The seeded generator (the random policy).
    pub rng: SplitMix64,
    /// Logical time: one tick per page access or load (FIFO and LRU stamps).
    pub now: u64,
    /// Page-file traffic.
    pub io: Io,
    /// Settings of the memory manager.
    pub tuning: Tuning,
    /// Section objects (file mappings) with their prototype PTEs (reference §8.7).
    pub sections: Vec<Section>,
    /// The files of the simulated disk.
    pub disk: Disk,
    /// OPT's recorded reference strings (or the first run recording them).
    pub future: Future,
    /// The id the next section gets.
    pub next_section: u32,
    /// Bumped whenever a section may have changed (for the picture).
    pub sections_version: u64,
}

impl System {
    /// RAM, page file and settings as `config` gives them; no sections but kernel32.dll's
    /// image; an empty disk.
    pub fn new(config: &Config) -> System {
        System {
            frames: FrameDb::new(config.frames),
            pagefile: PageFile::new(config.pagefile),
            commit_charge: 0,
            commit_limit: config.commit_limit(),
            rng: SplitMix64::new(config.seed),
            now: 0,
            io: Io::default(),
            tuning: Tuning {
                cluster: config.cluster.max(1),
                standby: config.standby,
                modified_threshold: config.modified_threshold.max(1),
            },
            // kernel32.dll's image section, which every process maps (image.rs).
            sections: vec![image::kernel32_section()],
            disk: Disk::default(),
            future: Future::default(),
            next_section: 1,
            sections_version: 0,
        }
    }

    /// The living section with id `id`.
    pub fn section(&self, id: super::addr::SectionId) -> Option<&Section> {
        self.sections.iter().find(|s| s.id == id)
    }

    /// The living section with id `id`, to change.
    pub fn section_mut(&mut self, id: super::addr::SectionId) -> Option<&mut Section> {
        self.sections_version += 1;
        self.sections.iter_mut().find(|s| s.id == id)
    }

    /// Add a section.
    pub fn add_section(&mut self, section: Section) {
        self.sections_version += 1;
        self.sections.push(section);
    }

    /// Remove section `id` (its frames are the caller's business).
    pub fn remove_section(&mut self, id: super::addr::SectionId) {
        self.sections_version += 1;
        self.sections.retain(|s| s.id != id);
    }

    /// The sections as the picture shows them.
    pub fn section_pictures(&self) -> Vec<super::picture::SectionPicture> {
        let mut out = Vec::with_capacity(self.sections.len());
        for s in &self.sections {
            // The image is drawn once a page of it is in RAM (a script used it).
            if s.is_image() {
                let mut used = false;
                for p in &s.prototypes {
                    used |= matches!(p, crate::sim::event::Pte::Valid { .. });
                }
                if !used {
                    continue;
                }
            }
            out.push(super::picture::SectionPicture {
                id: s.id.0,
                name: s.name.clone(),
                backing: match &s.backing {
                    section::Backing::PageFile => "pagefile".to_string(),
                    section::Backing::File(name) => name.clone(),
                    section::Backing::Image => image::KERNEL32_NAME.to_string(),
                },
                prototypes: s.prototypes.clone(),
                handles: s.handles,
                views: s.views,
            });
        }
        out
    }

    /// The disk's files as the picture shows them.
    pub fn file_pictures(&self) -> Vec<super::picture::FilePicture> {
        let mut out = Vec::with_capacity(self.disk.files().len());
        for f in self.disk.files() {
            out.push(super::picture::FilePicture {
                name: f.name.clone(),
                size: f.bytes.len() as u64,
            });
        }
        out
    }

    /// One tick of the logical clock; returns the new time.
    pub fn tick(&mut self) -> u64 {
        self.now += 1;
        self.now
    }
}
