//! Compressed rows: postings of vocabulary tokens.

/// Compressed rows: row `i` is `data[offsets[i]..offsets[i + 1]]`.
#[derive(Debug, Default)]
pub(super) struct Csr {
    pub(super) offsets: Vec<u32>,
    pub(super) data: Vec<u32>,
}

impl Csr {
    pub(super) fn from_pairs(rows: usize, pairs: &mut [(u32, u32)]) -> Csr {
        pairs.sort_unstable();
        Csr::from_unique(rows, pairs)
    }

    pub(super) fn from_unique(rows: usize, sorted: &[(u32, u32)]) -> Csr {
        let mut offsets = Vec::with_capacity(rows + 1);
        let mut data = Vec::with_capacity(sorted.len());
        let mut iter = sorted.iter().peekable();
        for r in 0..rows as u32 {
            offsets.push(data.len() as u32);
            while let Some(&&(row, v)) = iter.peek() {
                if row != r {
                    break;
                }
                if data.len() as u32 == *offsets.last().unwrap_or(&0) || data.last() != Some(&v) {
                    data.push(v);
                }
                iter.next();
            }
        }
        offsets.push(data.len() as u32);
        Csr { offsets, data }
    }

    pub(super) fn row(&self, i: u32) -> &[u32] {
        let i = i as usize;
        match (self.offsets.get(i), self.offsets.get(i + 1)) {
            (Some(&a), Some(&b)) => self.data.get(a as usize..b as usize).unwrap_or(&[]),
            _ => &[],
        }
    }
}
