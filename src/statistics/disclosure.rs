//! PURE: disclosure control of a count table (SPEC §8).
//!
//! - **Primary suppression**: an interior cell with a count from 1 to k−1 is withheld (shown as
//!   the fixed marker `"<k"`, never a number). Zero is published.
//! - **Margins**: a marginal total (over single-valued dimensions only — a multi-valued
//!   dimension counts an entity once per value, so its cells do not add up) is published only if
//!   every interior cell it covers is published. Every published total is then the sum of
//!   published cells, so no equation links a withheld cell to published numbers: a withheld
//!   cell can take any value from 0 upwards (its feasible range is [0, ∞)), and nothing is
//!   recoverable — this is the complementary suppression, in its simplest provable form.
//! - **Deterministic**: categories and cells are sorted; the same table always gives the same
//!   output.

use std::collections::BTreeMap;

use serde::Serialize;
use utoipa::ToSchema;

/// The marker of a withheld count.
pub const SUPPRESSED: &str = "<k";

/// A published count, or the marker.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Published {
    Count(u64),
    Suppressed,
}

impl Serialize for Published {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Published::Count(n) => s.serialize_u64(*n),
            Published::Suppressed => s.serialize_str(SUPPRESSED),
        }
    }
}

impl Published {
    pub fn as_text(&self) -> String {
        match self {
            Published::Count(n) => n.to_string(),
            Published::Suppressed => SUPPRESSED.to_owned(),
        }
    }
}

/// One published cell or margin: a value per dimension (`null` for a dimension summed over).
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Entry {
    pub key: Vec<Option<String>>,
    /// A count, or `"<k"` when withheld.
    #[schema(schema_with = crate::api::schemas::published_value)]
    pub value: Published,
}

/// A count table after disclosure control.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Table {
    /// Every combination of the categories, zeros included.
    pub cells: Vec<Entry>,
    /// Marginal totals (summed dimensions are `null`), grand total last; only those that can be
    /// published.
    pub margins: Vec<Entry>,
    /// Cells withheld because their count is from 1 to k−1.
    pub suppressed_cells: usize,
    /// Margins withheld because they cover a withheld cell.
    pub suppressed_margins: usize,
}

/// The input: categories per dimension, whether each is multi-valued, and the non-zero counts.
pub struct Input<'a> {
    pub categories: &'a [Vec<String>],
    pub multi_valued: &'a [bool],
    pub counts: &'a BTreeMap<Vec<String>, u64>,
}

fn grid(categories: &[Vec<String>]) -> Vec<Vec<String>> {
    let mut keys: Vec<Vec<String>> = vec![vec![]];
    for cats in categories {
        keys = keys.into_iter().flat_map(|k| cats.iter().map(move |c| [k.clone(), vec![c.clone()]].concat())).collect();
    }
    keys
}

/// Apply disclosure control with threshold `k` (`k = None`: publish everything exactly, for a
/// reporting country's own figures).
pub fn publish(input: &Input, k: Option<u64>) -> Table {
    let n = input.categories.len();
    let suppressed = |v: u64| k.is_some_and(|k| v >= 1 && v < k);
    let cells_keys = grid(input.categories);
    let mut cells = Vec::with_capacity(cells_keys.len());
    let mut withheld = 0;
    for key in &cells_keys {
        let v = input.counts.get(key).copied().unwrap_or(0);
        let value = if suppressed(v) {
            withheld += 1;
            Published::Suppressed
        } else {
            Published::Count(v)
        };
        cells.push(Entry { key: key.iter().cloned().map(Some).collect(), value });
    }
    // Margins: every subset of dimensions kept (bit set) whose summed-out dimensions are all
    // single-valued, from the largest subsets down to the grand total.
    let mut margins = vec![];
    let mut withheld_margins = 0;
    let mut subsets: Vec<u32> = (0..(1u32 << n) - 1).collect();
    subsets.sort_by_key(|m| (std::cmp::Reverse(m.count_ones()), *m));
    for mask in subsets {
        if (0..n).any(|d| mask & (1 << d) == 0 && input.multi_valued.get(d).copied().unwrap_or(false)) {
            continue;
        }
        let mut totals: BTreeMap<Vec<Option<String>>, (u64, bool)> = BTreeMap::new();
        for (key, cell) in cells_keys.iter().zip(&cells) {
            let mkey: Vec<Option<String>> =
                key.iter().enumerate().map(|(d, c)| (mask & (1 << d) != 0).then(|| c.clone())).collect();
            let e = totals.entry(mkey).or_insert((0, false));
            e.0 += input.counts.get(key).copied().unwrap_or(0);
            e.1 |= cell.value == Published::Suppressed;
        }
        for (key, (total, covers_withheld)) in totals {
            let value = if covers_withheld || suppressed(total) {
                withheld_margins += 1;
                Published::Suppressed
            } else {
                Published::Count(total)
            };
            margins.push(Entry { key, value });
        }
    }
    Table { cells, margins, suppressed_cells: withheld, suppressed_margins: withheld_margins }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(cats: &[&[&str]], counts: &[(&[&str], u64)]) -> (Vec<Vec<String>>, BTreeMap<Vec<String>, u64>) {
        (
            cats.iter().map(|c| c.iter().map(|s| s.to_string()).collect()).collect(),
            counts.iter().map(|(k, v)| (k.iter().map(|s| s.to_string()).collect(), *v)).collect(),
        )
    }

    #[test]
    fn small_cells_and_the_margins_covering_them_are_withheld() {
        let (cats, counts) = table(
            &[&["f", "m"], &["2024", "2025"]],
            &[(&["f", "2024"], 3), (&["f", "2025"], 40), (&["m", "2024"], 25), (&["m", "2025"], 0)],
        );
        let t = publish(&Input { categories: &cats, multi_valued: &[false, false], counts: &counts }, Some(10));
        assert_eq!(t.suppressed_cells, 1);
        assert_eq!(t.cells[0].value, Published::Suppressed);
        assert_eq!(t.cells[3].value, Published::Count(0));
        let margin = |key: [Option<&str>; 2]| {
            t.margins
                .iter()
                .find(|m| m.key == key.iter().map(|k| k.map(str::to_owned)).collect::<Vec<_>>())
                .unwrap()
                .value
        };
        assert_eq!(margin([Some("f"), None]), Published::Suppressed);
        assert_eq!(margin([None, Some("2024")]), Published::Suppressed);
        assert_eq!(margin([Some("m"), None]), Published::Count(25));
        assert_eq!(margin([None, Some("2025")]), Published::Count(40));
        assert_eq!(margin([None, None]), Published::Suppressed);
        let own = publish(&Input { categories: &cats, multi_valued: &[false, false], counts: &counts }, None);
        assert_eq!(own.suppressed_cells + own.suppressed_margins, 0);
        assert_eq!(serde_json::to_value(&t.cells[0]).unwrap()["value"], "<k");
    }

    #[test]
    fn multi_valued_dimensions_have_no_sum_margins() {
        let (cats, counts) = table(&[&["a", "b"], &["x"]], &[(&["a", "x"], 20), (&["b", "x"], 30)]);
        let t = publish(&Input { categories: &cats, multi_valued: &[true, false], counts: &counts }, Some(10));
        assert!(t.margins.iter().all(|m| m.key[0].is_some()), "no total over the multi-valued dimension");
    }
}
