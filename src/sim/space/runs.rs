//! Run-length storage of per-page attributes inside one allocation, so that a huge
//! reservation (a terabyte) costs a few map entries, not one entry per page.

/// What one page of an allocation is: committed or only reserved, and its protection.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PageAttr {
    /// True when the page is committed; false when it is only reserved.
    pub committed: bool,
    /// Current protection including modifiers; 0 for a reserved page (reference §2, §6).
    pub protect: u32,
}

impl PageAttr {
    /// A reserved page: no protection (reference §6: Protect 0).
    pub const RESERVED: PageAttr = PageAttr {
        committed: false,
        protect: 0,
    };

    /// A committed page with `protect`.
    pub fn committed(protect: u32) -> PageAttr {
        PageAttr {
            committed: true,
            protect,
        }
    }
}

/// One run of pages with equal attributes: pages `start..end` (offsets in the allocation).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Run {
    /// First page offset.
    pub start: u64,
    /// One past the last page offset.
    pub end: u64,
    /// Their attributes.
    pub attr: PageAttr,
}

impl Run {
    /// Pages in the run.
    pub fn len(&self) -> u64 {
        self.end - self.start
    }

    /// True for an empty run (never stored).
    pub fn is_empty(&self) -> bool {
        self.end == self.start
    }
}

/// Attributes of pages `0..len`, stored as maximal runs: each entry starts a run that
/// lasts until the next entry's start (or `len`), and neighbouring runs always differ.
/// A `Vec` sorted by start, searched by bisection, rather than a B-tree map: an allocation
/// holds a few runs, and the wasm module then carries no B-tree code for this key and
/// value pairing (the page's download budget).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Runs {
    len: u64,
    starts: Vec<(u64, PageAttr)>,
}

impl Runs {
    /// `len` pages (at least 1), all with `attr`.
    pub fn new(len: u64, attr: PageAttr) -> Runs {
        Runs {
            len,
            starts: vec![(0, attr)],
        }
    }

    /// Pages covered.
    pub fn len(&self) -> u64 {
        self.len
    }

    /// True when no pages are covered (never the case for a live allocation).
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Index of the first entry starting at or after `offset`.
    fn first_from(&self, offset: u64) -> usize {
        self.starts.partition_point(|&(s, _)| s < offset)
    }

    /// Index of the run holding page `offset` (the entry starting at 0 always exists).
    fn index_at(&self, offset: u64) -> usize {
        self.starts
            .partition_point(|&(s, _)| s <= offset)
            .saturating_sub(1)
    }

    /// Where the run at index `i` ends: the next run's start, or `len`.
    fn end_of(&self, i: usize) -> u64 {
        self.starts.get(i + 1).map_or(self.len, |&(s, _)| s)
    }

    /// The run holding page `offset` (which must be `< len`). O(log runs).
    pub fn run_at(&self, offset: u64) -> Run {
        let i = self.index_at(offset);
        let (start, attr) = self
            .starts
            .get(i)
            .copied()
            .unwrap_or((0, PageAttr::RESERVED));
        Run {
            start,
            end: self.end_of(i),
            attr,
        }
    }

    /// Attributes of page `offset`. O(log runs).
    pub fn get(&self, offset: u64) -> PageAttr {
        self.starts
            .get(self.index_at(offset))
            .map_or(PageAttr::RESERVED, |&(_, attr)| attr)
    }

    /// The runs overlapping pages `start..end`, clipped to that range, in order.
    pub fn runs_in(&self, start: u64, end: u64) -> Vec<Run> {
        let end = end.min(self.len);
        let mut out = Vec::new();
        if start >= end {
            return out;
        }
        let mut i = self.index_at(start);
        while let Some(&(s, attr)) = self.starts.get(i) {
            if s >= end {
                break;
            }
            out.push(Run {
                start: s.max(start),
                end: self.end_of(i).min(end),
                attr,
            });
            i += 1;
        }
        out
    }

    /// All runs, in order.
    pub fn all(&self) -> Vec<Run> {
        self.runs_in(0, self.len)
    }

    /// Give pages `start..end` the attributes `attr`, keeping runs maximal.
    pub fn set(&mut self, start: u64, end: u64, attr: PageAttr) {
        let end = end.min(self.len);
        if start >= end {
            return;
        }
        // What the page just after the range looks like before the change.
        let after = (end < self.len).then(|| self.get(end));
        // Drop every run start inside the range, then start our run.
        let lo = self.first_from(start);
        let hi = self.first_from(end);
        self.starts.drain(lo..hi);
        self.starts.insert(lo, (start, attr));
        // Restore the run that continues after the range, unless it merges with ours.
        let next = lo + 1;
        let starts_at_end = self.starts.get(next).is_some_and(|&(s, _)| s == end);
        match after {
            Some(after) if after != attr => {
                if starts_at_end {
                    self.starts[next].1 = after;
                } else {
                    self.starts.insert(next, (end, after));
                }
            }
            Some(_) if starts_at_end => {
                self.starts.remove(next);
            }
            _ => {}
        }
        // Merge with the run before when it has equal attributes.
        if lo > 0 && self.starts[lo - 1].1 == attr {
            self.starts.remove(lo);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Number of committed pages in `start..end`.
    fn committed_in(r: &Runs, start: u64, end: u64) -> u64 {
        r.runs_in(start, end)
            .iter()
            .filter(|r| r.attr.committed)
            .map(Run::len)
            .sum()
    }

    const RW: PageAttr = PageAttr {
        committed: true,
        protect: 4,
    };
    const RO: PageAttr = PageAttr {
        committed: true,
        protect: 2,
    };

    #[test]
    fn set_splits_and_merges_back() {
        let mut r = Runs::new(16, RW);
        r.set(0, 3, RO);
        assert_eq!(r.all().len(), 2);
        assert_eq!(
            r.run_at(0),
            Run {
                start: 0,
                end: 3,
                attr: RO
            }
        );
        assert_eq!(
            r.run_at(5),
            Run {
                start: 3,
                end: 16,
                attr: RW
            }
        );
        r.set(0, 3, RW);
        assert_eq!(
            r.all(),
            vec![Run {
                start: 0,
                end: 16,
                attr: RW
            }]
        );
    }

    #[test]
    fn middle_change_makes_three_runs_then_one() {
        let mut r = Runs::new(10, PageAttr::RESERVED);
        r.set(4, 6, RW);
        let runs = r.all();
        assert_eq!(runs.len(), 3);
        assert_eq!((runs[1].start, runs[1].end), (4, 6));
        assert_eq!(committed_in(&r, 0, 10), 2);
        assert_eq!(committed_in(&r, 5, 10), 1);
        r.set(0, 10, PageAttr::RESERVED);
        assert_eq!(r.all().len(), 1);
        assert_eq!(committed_in(&r, 0, 10), 0);
    }

    #[test]
    fn huge_runs_cost_no_per_page_memory() {
        let pages = 1u64 << 28; // a terabyte of 4 KB pages
        let mut r = Runs::new(pages, PageAttr::RESERVED);
        r.set(pages / 2, pages / 2 + 1, RW);
        assert_eq!(r.all().len(), 3);
        assert_eq!(r.get(pages / 2), RW);
        assert_eq!(r.get(pages - 1), PageAttr::RESERVED);
    }

    #[test]
    fn runs_in_clips_to_range() {
        let mut r = Runs::new(8, PageAttr::RESERVED);
        r.set(2, 4, RW);
        r.set(4, 6, RO);
        let got = r.runs_in(3, 5);
        assert_eq!(
            got,
            vec![
                Run {
                    start: 3,
                    end: 4,
                    attr: RW
                },
                Run {
                    start: 4,
                    end: 5,
                    attr: RO
                }
            ]
        );
        assert!(r.runs_in(5, 5).is_empty());
    }
}
