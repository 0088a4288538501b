//! The simulated disk: named files with real bytes (DESIGN §9, `#pragma pagelab file`).
//! Files are kept in creation order, so listings are deterministic.

/// One file of the disk.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DiskFile {
    /// Its name as the script writes it.
    pub name: String,
    /// Its contents.
    pub bytes: Vec<u8>,
}

/// The files of the disk.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Disk {
    files: Vec<DiskFile>,
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

    /// Create `name` with `bytes`, or replace its contents when it exists.
    pub fn put(&mut self, name: &str, bytes: Vec<u8>) {
        match self.file_mut(name) {
            Some(f) => f.bytes = bytes,
            None => self.files.push(DiskFile {
                name: name.to_string(),
                bytes,
            }),
        }
    }

    /// Delete `name`; false when there was no such file.
    pub fn delete(&mut self, name: &str) -> bool {
        let before = self.files.len();
        self.files.retain(|f| !f.name.eq_ignore_ascii_case(name));
        self.files.len() != before
    }

    /// Every file, in creation order.
    pub fn files(&self) -> &[DiskFile] {
        &self.files
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
}
