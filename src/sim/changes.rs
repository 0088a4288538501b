//! [`Changed`]: the numbers of the elements of a structure (TLB entries, page-file slots,
//! PTEs) changed since the recorder last asked, so that a step's picture delta costs what
//! the step changed (see `super::record`).

/// Element numbers noted as changed, each given back once by [`Changed::take`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Changed(Vec<u64>);

impl Changed {
    /// Note that element `i` changed.
    pub fn note(&mut self, i: u64) {
        self.0.push(i);
    }

    /// The elements changed since the last call, ascending, each once; start afresh.
    pub fn take(&mut self) -> Vec<u64> {
        let mut out = std::mem::take(&mut self.0);
        out.sort_unstable();
        out.dedup();
        out
    }

    /// [`Changed::take`] for elements numbered by `u32` (TLB entries, page-file slots).
    pub fn take_u32(&mut self) -> Vec<u32> {
        let all = self.take();
        let mut out = Vec::with_capacity(all.len());
        for i in all {
            out.push(i as u32);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_change_once_in_order() {
        let mut c = Changed::default();
        for i in [5, 1, 5, 3] {
            c.note(i);
        }
        assert_eq!(c.take(), vec![1, 3, 5]);
        assert!(c.take().is_empty());
    }
}
