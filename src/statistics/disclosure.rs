//! PURE: disclosure control of a count table (SPEC §8).
//!
//! A table builder with free choice of dimensions and filters cannot be protected by
//! suppression alone: every pair of overlapping tables is an equation. So every count another
//! country or an observer sees is protected by the **cell key method** (`ptable`):
//! - **Perturbation**: every cell and every margin is published as n + p(n, cell key), its cell
//!   key the sum of the record keys of the units it counts. A margin is a cell of its own (its key
//!   the sum over its units), so tables are deliberately not additive; the same units give the
//!   same published value in every table, so differencing yields noise, not a count.
//! - **Suppression** of what perturbation does not protect: a perturbed count from 1 to k−1 is
//!   withheld (the fixed marker `"<k"`, never a number). Zero is published; perturbation never
//!   publishes a value in 1…js.
//! - Margins over a multi-valued dimension (which counts an entity once per value) are not
//!   published.
//! - **Deterministic**: categories and cells are sorted and the noise depends only on the units;
//!   the same table on the same data always gives the same output.
//!
//! A reporting country looking at its own cases alone gets exact figures (`Control::Exact`, which takes `access`'s proof).

use std::collections::BTreeMap;

use super::aggregate::Tally;
use super::ptable::PTable;
use crate::access::statistics::OwnFigures;

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

/// The OpenAPI schema of a published value.
/// A published statistics value: a count, or the marker of a withheld one (`"<k"`).
pub fn published_value() -> utoipa::openapi::Schema {
    use utoipa::openapi::schema::{Object, Schema, Type};
    Schema::OneOf(
        utoipa::openapi::schema::OneOfBuilder::new()
            .item(Object::builder().schema_type(Type::Integer).minimum(Some(0)).build())
            .item(Object::builder().schema_type(Type::String).build())
            .description(Some("A count, or `\"<k\"` when withheld."))
            .build(),
    )
}

/// One published cell or margin: a value per dimension (`null` for a dimension summed over).
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Entry {
    pub key: Vec<Option<String>>,
    /// The key's values labelled in the request's language (`Content-Language`), `null` where
    /// the key is.
    pub labels: Vec<Option<String>>,
    /// A count, or `"<k"` when withheld.
    #[schema(schema_with = published_value)]
    pub value: Published,
}

/// A count table after disclosure control.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Table {
    /// Every combination of the categories, zeros included.
    pub cells: Vec<Entry>,
    /// Marginal totals (summed dimensions are `null`), grand total last; each perturbed on its
    /// own (they need not equal the sum of the published cells).
    pub margins: Vec<Entry>,
    /// Cells withheld because their published count would be from 1 to k−1.
    pub suppressed_cells: usize,
    /// Margins withheld for the same reason.
    pub suppressed_margins: usize,
}

/// How a table's counts are published.
#[derive(Debug, Clone, Copy)]
pub enum Control<'a> {
    /// The reporting country's own figures: every count as it is (`access` proved it).
    Exact(OwnFigures),
    /// Perturbed by the cell key method, then counts from 1 to k−1 withheld.
    Protected { k: u64, table: &'a PTable },
}

impl Control<'_> {
    /// Whether a cell would be published as a number of at least k (not withheld, not 0).
    pub fn publishes_at_least(&self, t: Tally) -> bool {
        match (self, self.publish(t)) {
            (Control::Protected { k, .. }, Published::Count(v)) => v >= *k,
            (Control::Exact(_), Published::Count(v)) => v > 0,
            _ => false,
        }
    }

    fn publish(&self, t: Tally) -> Published {
        match self {
            Control::Exact(_) => Published::Count(t.n),
            Control::Protected { k, table } => {
                let v = table.perturb(t.n, t.key);
                if v >= 1 && v < *k { Published::Suppressed } else { Published::Count(v) }
            }
        }
    }
}

/// The input: categories per dimension, whether each is multi-valued, and the non-zero cells.
pub struct Input<'a> {
    pub categories: &'a [Vec<String>],
    pub multi_valued: &'a [bool],
    pub counts: &'a BTreeMap<Vec<String>, Tally>,
}

fn grid(categories: &[Vec<String>]) -> Vec<Vec<String>> {
    let mut keys: Vec<Vec<String>> = vec![vec![]];
    for cats in categories {
        keys = keys.into_iter().flat_map(|k| cats.iter().map(move |c| [k.clone(), vec![c.clone()]].concat())).collect();
    }
    keys
}

/// Publish a table under `control`.
pub fn publish(input: &Input, control: Control) -> Table {
    let n = input.categories.len();
    let cells_keys = grid(input.categories);
    let tally = |key: &Vec<String>| input.counts.get(key).copied().unwrap_or_default();
    let mut cells = Vec::with_capacity(cells_keys.len());
    let mut withheld = 0;
    for key in &cells_keys {
        let value = control.publish(tally(key));
        withheld += usize::from(value == Published::Suppressed);
        cells.push(Entry { key: key.iter().cloned().map(Some).collect(), labels: vec![], value });
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
        let mut totals: BTreeMap<Vec<Option<String>>, Tally> = BTreeMap::new();
        for key in &cells_keys {
            let mkey: Vec<Option<String>> =
                key.iter().enumerate().map(|(d, c)| (mask & (1 << d) != 0).then(|| c.clone())).collect();
            totals.entry(mkey).or_default().add(tally(key));
        }
        for (key, total) in totals {
            let value = control.publish(total);
            withheld_margins += usize::from(value == Published::Suppressed);
            margins.push(Entry { key, labels: vec![], value });
        }
    }
    Table { cells, margins, suppressed_cells: withheld, suppressed_margins: withheld_margins }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::statistics::ptable::Params;

    fn table(cats: &[&[&str]], counts: &[(&[&str], u64, u32)]) -> (Vec<Vec<String>>, BTreeMap<Vec<String>, Tally>) {
        (
            cats.iter().map(|c| c.iter().map(|s| s.to_string()).collect()).collect(),
            counts
                .iter()
                .map(|(k, n, key)| (k.iter().map(|s| s.to_string()).collect(), Tally { n: *n, key: *key }))
                .collect(),
        )
    }

    fn ptable() -> PTable {
        PTable::generate(Params { max_deviation: 2, variance: 1.0, js: 2 }).unwrap()
    }

    #[test]
    fn counts_are_perturbed_within_d_and_small_ones_withheld() {
        let (cats, counts) = table(
            &[&["f", "m"], &["2024", "2025"]],
            &[(&["f", "2024"], 3, 7), (&["f", "2025"], 40, 1 << 31), (&["m", "2024"], 25, 99), (&["m", "2025"], 0, 0)],
        );
        let p = ptable();
        let input = Input { categories: &cats, multi_valued: &[false, false], counts: &counts };
        let t = publish(&input, Control::Protected { k: 10, table: &p });
        assert_eq!(t.cells[0].value, Published::Suppressed);
        assert_eq!(t.cells[3].value, Published::Count(0), "an empty cell is published as 0");
        let Published::Count(v) = t.cells[1].value else { panic!() };
        assert!((38..=42).contains(&v) && v == p.perturb(40, 1 << 31));
        // A margin is perturbed as a cell of its own: its key is the sum of its cells' keys.
        let margin = |key: [Option<&str>; 2]| {
            t.margins
                .iter()
                .find(|m| m.key == key.iter().map(|k| k.map(str::to_owned)).collect::<Vec<_>>())
                .unwrap()
                .value
        };
        assert_eq!(margin([Some("f"), None]), Published::Count(p.perturb(43, 7u32.wrapping_add(1 << 31))));
        assert_eq!(margin([None, None]), Published::Count(p.perturb(68, 7u32.wrapping_add(1 << 31).wrapping_add(99))));
        let gt = crate::access::Subject {
            user_id: "u".into(),
            party: "GT".into(),
            party_kind: crate::access::PartyKind::Member,
            roles: vec![crate::access::Role::Analyst],
        };
        let own_filter = [("reporting_country".to_owned(), "GT".to_owned())];
        let Ok(crate::access::statistics::Figures::Own(proof)) = crate::access::statistics::figures(&gt, &own_filter)
        else {
            panic!("GT's own figures are exact")
        };
        let own = publish(&input, Control::Exact(proof));
        assert_eq!(own.suppressed_cells + own.suppressed_margins, 0);
        assert_eq!(own.cells[1].value, Published::Count(40));
        assert_eq!(serde_json::to_value(&t.cells[0]).unwrap()["value"], "<k");
    }

    #[test]
    fn multi_valued_dimensions_have_no_sum_margins() {
        let (cats, counts) = table(&[&["a", "b"], &["x"]], &[(&["a", "x"], 20, 1), (&["b", "x"], 30, 2)]);
        let p = ptable();
        let input = Input { categories: &cats, multi_valued: &[true, false], counts: &counts };
        let t = publish(&input, Control::Protected { k: 10, table: &p });
        assert!(t.margins.iter().all(|m| m.key[0].is_some()), "no total over the multi-valued dimension");
    }
}
