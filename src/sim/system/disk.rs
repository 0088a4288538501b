//! The simulated disk: named files with real bytes (DESIGN §9, `#pragma pagelab file`).
//! Files are kept in creation order, so listings are deterministic. A file's pages are
//! what a file-backed section reads and writes (docs/windows-sections.md §7.4, §8.1).

use crate::sim::addr::PAGE_SIZE;

/// Most bytes one file may hold (a `size=` or a growth past it is refused).
pub const MAX_FILE_BYTES: u64 = 1 << 24;

/// Most bytes all the disk's files may hold together: a growth past it fails with
/// ERROR_DISK_FULL, as on a full disk, and `#pragma pagelab file` lines past it are
/// refused. Two files of the largest size; it bounds the memory a run can fill.
pub const MAX_DISK_BYTES: u64 = 2 * MAX_FILE_BYTES;

/// One file of the disk.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DiskFile {
    /// Its number, which handles refer to.
    pub id: u32,
    /// Its name as the script writes it.
    pub name: String,
    /// Its contents.
    pub bytes: Vec<u8>,
    /// `DeleteFile` succeeded while handles were open: it goes with the last one
    /// (docs/windows-sections.md §7.3).
    pub deleting: bool,
}

/// The files of the disk.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Disk {
    files: Vec<DiskFile>,
    next_id: u32,
}

impl Disk {
    /// The file called `name` (names compare without case, as on Windows).
    pub fn file(&self, name: &str) -> Option<&DiskFile> {
        self.files
            .iter()
            .find(|f| f.name.eq_ignore_ascii_case(name))
    }

    /// The file called `name`, to change.
    pub fn file_mut(&mut self, name: &str) -> Option<&mut DiskFile> {
        self.files
            .iter_mut()
            .find(|f| f.name.eq_ignore_ascii_case(name))
    }

    /// The file numbered `id`.
    pub fn by_id(&self, id: u32) -> Option<&DiskFile> {
        self.files.iter().find(|f| f.id == id)
    }

    /// The file numbered `id`, to change.
    pub fn by_id_mut(&mut self, id: u32) -> Option<&mut DiskFile> {
        self.files.iter_mut().find(|f| f.id == id)
    }

    /// Create `name` with `bytes`, or replace its contents when it exists; its number.
    pub fn put(&mut self, name: &str, bytes: Vec<u8>) -> u32 {
        if let Some(f) = self.file_mut(name) {
            f.bytes = bytes;
            return f.id;
        }
        self.next_id += 1;
        self.files.push(DiskFile {
            id: self.next_id,
            name: name.to_string(),
            bytes,
            deleting: false,
        });
        self.next_id
    }

    /// Delete `name`; false when there was no such file.
    pub fn delete(&mut self, name: &str) -> bool {
        let before = self.files.len();
        self.files.retain(|f| !f.name.eq_ignore_ascii_case(name));
        self.files.len() != before
    }

    /// True when file `id` can grow to `len` bytes without the disk passing
    /// [`MAX_DISK_BYTES`].
    pub fn has_room(&self, id: u32, len: u64) -> bool {
        let mut others = 0;
        for f in &self.files {
            if f.id != id {
                others += f.bytes.len() as u64;
            }
        }
        others + len <= MAX_DISK_BYTES
    }

    /// Every file, in creation order.
    pub fn files(&self) -> &[DiskFile] {
        &self.files
    }

    /// Fill `out` (one page) with page `index` of file `name`: its bytes, then zeros past
    /// the end (docs/windows-sections.md §7.4). Returns the file bytes read.
    pub fn read_page(&self, name: &str, index: u32, out: &mut [u8]) -> u64 {
        out.fill(0);
        let Some(f) = self.file(name) else {
            return 0;
        };
        let start = (u64::from(index) * PAGE_SIZE) as usize;
        let src = f.bytes.get(start..).unwrap_or_default();
        let mut n = 0;
        for (d, s) in out.iter_mut().zip(src) {
            *d = *s;
            n += 1;
        }
        n
    }

    /// Write page `index` of file `name` from `page`, but never past the file's end: the
    /// tail of the last page is not part of the file (docs/windows-sections.md §7.4).
    /// Returns the bytes written.
    pub fn write_page(&mut self, name: &str, index: u32, page: &[u8]) -> u64 {
        let Some(f) = self.file_mut(name) else {
            return 0;
        };
        let start = (u64::from(index) * PAGE_SIZE) as usize;
        let dst = f.bytes.get_mut(start..).unwrap_or_default();
        let mut n = 0;
        for (d, s) in dst.iter_mut().zip(page) {
            *d = *s;
            n += 1;
        }
        n
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_by_name_without_case() {
        let mut d = Disk::default();
        d.put("Data.txt", b"abc".to_vec());
        d.put("other", vec![0; 4]);
        assert_eq!(d.file("data.TXT").map(|f| f.bytes.len()), Some(3));
        d.put("DATA.txt", b"x".to_vec());
        assert_eq!(d.files().len(), 2);
        assert_eq!(d.files()[0].bytes, b"x");
        assert!(d.delete("data.txt"));
        assert!(!d.delete("data.txt"));
        assert_eq!(d.files()[0].name, "other");
    }

    #[test]
    fn pages_stop_at_the_end_of_the_file() {
        let mut d = Disk::default();
        d.put("f", vec![7; 4100]);
        let mut page = vec![1; 4096];
        assert_eq!(d.read_page("f", 1, &mut page), 4);
        assert_eq!(&page[..5], &[7, 7, 7, 7, 0]);
        assert_eq!(d.write_page("f", 1, &[9; 4096]), 4);
        assert_eq!(d.file("f").map(|f| f.bytes.len()), Some(4100));
        assert_eq!(d.read_page("f", 5, &mut page), 0);
        assert!(page.iter().all(|&b| b == 0));
    }
}
