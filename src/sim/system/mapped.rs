//! Pages of file-backed sections and their file (docs/windows-sections.md §8.1): a page
//! is read from its file on first touch and written back to it, never to the page file.

use super::disk::Disk;
use super::section::Backing;
use super::{Owner, System};
use crate::sim::addr::{Pfn, SectionId, PAGE_SHIFT};
use crate::sim::event::{Event, FrameList, Pte};

impl System {
    /// The file behind section `id`, if it is file-backed.
    pub fn backing_file(&self, id: SectionId) -> Option<String> {
        match &self.section(id)?.backing {
            Backing::File(name) => Some(name.clone()),
            Backing::PageFile | Backing::Image => None,
        }
    }

    /// Fill frame `pfn` with page `index` of section `id`'s file (zeros past its end);
    /// the `FileRead` event, or `None` for a page-file section.
    pub(crate) fn read_in(&mut self, id: SectionId, index: u32, pfn: Pfn) -> Option<Event> {
        let file = self.backing_file(id)?;
        let System { disk, frames, .. } = self;
        let bytes = disk.read_page(&file, index, frames.bytes_mut(pfn));
        Some(Event::FileRead {
            file,
            offset: u64::from(index) << PAGE_SHIFT,
            bytes,
            pfn: Some(pfn),
        })
    }

    /// Write frame `pfn` back to its file when it is a changed page of a file-backed
    /// section; a frame on the modified list moves to standby (§8.1). Pushes the events;
    /// true when it wrote.
    pub(crate) fn write_back(&mut self, pfn: Pfn, events: &mut Vec<Event>) -> bool {
        let f = *self.frames.get(pfn);
        let Some(Owner::Shared { section, index }) = f.owner else {
            return false;
        };
        let Some(file) = self.backing_file(section).filter(|_| f.modified) else {
            return false;
        };
        let System { disk, frames, .. } = self;
        let bytes = disk.write_page(&file, index, frames.bytes(pfn));
        frames.get_mut(pfn).modified = false;
        self.sections_version += 1;
        events.push(Event::FileWrite {
            file,
            offset: u64::from(index) << PAGE_SHIFT,
            bytes,
            pfn: Some(pfn),
        });
        if f.list == FrameList::Modified {
            self.frames.push_tail(pfn, FrameList::Standby);
            events.push(Event::ListMove {
                pfn,
                from: FrameList::Modified,
                to: FrameList::Standby,
            });
        }
        true
    }

    /// The disk as it will be once every process has ended (docs/windows-sections.md
    /// §11.2): the changed pages of every living file section written to their files, and
    /// the files pending deletion gone. A script with one process leaves it running, so
    /// `pagelab run --summary` shows this.
    pub fn disk_at_exit(&self) -> Disk {
        let mut disk = self.disk.clone();
        for s in &self.sections {
            let Backing::File(name) = &s.backing else {
                continue;
            };
            for (i, p) in s.prototypes.iter().enumerate() {
                if let Pte::Valid { pfn, .. } | Pte::Transition { pfn } = *p {
                    if self.frames.get(pfn).modified {
                        disk.write_page(name, i as u32, self.frames.bytes(pfn));
                    }
                }
            }
        }
        let mut gone: Vec<String> = Vec::new();
        for f in disk.files() {
            if f.deleting {
                gone.push(f.name.clone());
            }
        }
        for name in gone {
            disk.delete(&name);
        }
        disk
    }
}
