//! [`PteMap`]: a picture's non-empty leaf PTEs, keyed by virtual page number.

use std::ops::{Index, Range};

use serde::{Serialize, Serializer};

use crate::sim::event::Pte;

/// PTEs by virtual page number, in page order: a sorted list rather than a `BTreeMap`. A
/// picture holds at most a few thousand PTEs, and the B-tree's code was the only one of its
/// kind in the page's wasm (the download budget). Serialises as the map it is.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PteMap(Vec<(u64, Pte)>);

/// The iterator over a [`PteMap`]'s entries, in page order.
pub type Entries<'a> = std::iter::Map<std::slice::Iter<'a, (u64, Pte)>, Entry<'a>>;

/// One entry, as a pair of references (the shape `BTreeMap::iter` gives).
type Entry<'a> = fn(&'a (u64, Pte)) -> (&'a u64, &'a Pte);

impl PteMap {
    /// Where `vpn` is, or where it would go.
    fn find(&self, vpn: u64) -> Result<usize, usize> {
        self.0.binary_search_by_key(&vpn, |&(k, _)| k)
    }

    /// Set the PTE of page `vpn`; the one it replaces.
    pub fn insert(&mut self, vpn: u64, pte: Pte) -> Option<Pte> {
        match self.find(vpn) {
            Ok(i) => Some(std::mem::replace(&mut self.0[i].1, pte)),
            Err(i) => {
                self.0.insert(i, (vpn, pte));
                None
            }
        }
    }

    /// Take out the PTE of page `vpn`.
    pub fn remove(&mut self, vpn: &u64) -> Option<Pte> {
        let i = self.find(*vpn).ok()?;
        Some(self.0.remove(i).1)
    }

    /// The PTE of page `vpn`, when it has one.
    pub fn get(&self, vpn: &u64) -> Option<&Pte> {
        let i = self.find(*vpn).ok()?;
        self.0.get(i).map(|(_, pte)| pte)
    }

    /// Whether page `vpn` has a PTE here.
    pub fn contains_key(&self, vpn: &u64) -> bool {
        self.find(*vpn).is_ok()
    }

    /// How many PTEs there are.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Every entry, in page order.
    pub fn iter(&self) -> Entries<'_> {
        self.0.iter().map(|(vpn, pte)| (vpn, pte))
    }

    /// The page numbers, in order.
    pub fn keys(&self) -> impl Iterator<Item = &u64> {
        self.0.iter().map(|(vpn, _)| vpn)
    }

    /// The PTEs, in page order.
    pub fn values(&self) -> impl Iterator<Item = &Pte> {
        self.0.iter().map(|(_, pte)| pte)
    }

    /// The entries of the pages in `pages`, in page order.
    pub fn range(&self, pages: Range<u64>) -> Entries<'_> {
        let start = self.find(pages.start).unwrap_or_else(|i| i);
        let end = self.find(pages.end).unwrap_or_else(|i| i).max(start);
        self.0
            .get(start..end)
            .unwrap_or_default()
            .iter()
            .map(|(vpn, pte)| (vpn, pte))
    }
}

impl<'a> IntoIterator for &'a PteMap {
    type Item = (&'a u64, &'a Pte);
    type IntoIter = Entries<'a>;

    fn into_iter(self) -> Entries<'a> {
        self.iter()
    }
}

impl Index<&u64> for PteMap {
    type Output = Pte;

    /// The PTE of a page that has one; panics otherwise, as a map's index does.
    fn index(&self, vpn: &u64) -> &Pte {
        self.get(vpn).expect("the page has a PTE")
    }
}

impl Serialize for PteMap {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.iter())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::addr::Pfn;

    #[test]
    fn keeps_page_order_and_answers_like_a_map() {
        let mut m = PteMap::default();
        assert_eq!(m.insert(7, Pte::DemandZero), None);
        assert_eq!(m.insert(2, Pte::DemandZero), None);
        let valid = Pte::Valid {
            pfn: Pfn(3),
            writable: true,
            dirty: false,
            accessed: true,
        };
        assert_eq!(m.insert(7, valid), Some(Pte::DemandZero));
        m.insert(5, Pte::DemandZero);
        assert_eq!(m.keys().copied().collect::<Vec<_>>(), [2, 5, 7]);
        assert_eq!(m[&7], valid);
        assert_eq!(m.range(3..7).map(|(k, _)| *k).collect::<Vec<_>>(), [5]);
        assert_eq!(m.range(0..100).count(), 3);
        assert_eq!(m.range(8..9).count(), 0);
        assert_eq!(m.remove(&5), Some(Pte::DemandZero));
        assert_eq!(m.remove(&5), None);
        assert!(!m.contains_key(&5) && m.contains_key(&2) && m.len() == 2);
        assert_eq!(
            serde_json::to_string(&m).unwrap(),
            serde_json::to_string(&std::collections::BTreeMap::from([
                (2u64, Pte::DemandZero),
                (7, valid)
            ]))
            .unwrap()
        );
    }
}
