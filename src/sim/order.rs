//! The one stable sort of the page's wasm module: positions ordered by a `u64` key. The
//! working set orders pages by age with it and the script orders its errors by place, so
//! the module holds one copy of the standard library's stable sort, not one per caller.

/// The positions of `keys` in ascending key order, equal keys in their given order (the
/// standard library's stable sort).
pub fn stable_order(keys: &[u64]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..keys.len()).collect();
    order.sort_by_key(|&i| keys[i]);
    order
}

#[cfg(test)]
mod tests {
    use super::stable_order;

    #[test]
    fn equal_keys_keep_their_order() {
        assert_eq!(stable_order(&[3, 1, 3, 0, 1]), [3, 1, 4, 0, 2]);
        assert_eq!(stable_order(&[]), Vec::<usize>::new());
    }
}
