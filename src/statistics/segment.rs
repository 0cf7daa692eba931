//! PURE: column segments. The records of one partition, in one form, are turned into columns —
//! per entity, one dictionary-coded column per field and one `rows` column (how many rows of the
//! entity each case has) — so that a query reads only the few columns it needs, a few bytes per
//! row, instead of every fact row of every case. Stored in `stat_columns`, one blob per column,
//! by the compaction; built in memory from the records for a partition changed since.

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};

use super::record::{CaseRecord, ENTITIES};

/// One column of a segment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Column {
    /// One value per row: an index into `dict` (`None`: no value).
    Single { dict: Vec<Option<String>>, codes: Vec<u16> },
    /// Any number of values per row: row `r` has the next `counts[r]` codes.
    Multi { dict: Vec<String>, counts: Vec<u16>, codes: Vec<u16> },
    /// One flag per row.
    Flags(Vec<bool>),
    /// How many rows of the entity each case has (the case row itself: 1).
    Rows(Vec<u32>),
    /// One record key per row (the cell key method).
    Keys(Vec<u32>),
}

#[derive(Debug, PartialEq, Eq)]
pub enum SegmentError {
    /// More distinct values in one column of one partition than a code can hold.
    TooManyValues,
    /// A stored blob that does not decode, or whose lengths disagree.
    Corrupt,
}

/// The name of a column in `stat_columns`: `person.sex`, `case.rows`.
pub fn column_name(entity: &str, column: &str) -> String {
    format!("{entity}.{column}")
}

struct Dict<K> {
    index: HashMap<K, u16>,
    values: Vec<K>,
}

impl<K: std::hash::Hash + Eq + Clone> Dict<K> {
    fn new() -> Self {
        Dict { index: HashMap::new(), values: vec![] }
    }

    fn code(&mut self, v: &K) -> Result<u16, SegmentError> {
        if let Some(c) = self.index.get(v) {
            return Ok(*c);
        }
        let c = u16::try_from(self.values.len()).map_err(|_| SegmentError::TooManyValues)?;
        self.index.insert(v.clone(), c);
        self.values.push(v.clone());
        Ok(c)
    }
}

/// Build every column of the partition's segment in one form (0 raw, 1 shared) from its records,
/// which must be in a fixed order (by case id) so that the segment is deterministic.
pub fn build(records: &[CaseRecord], form: usize) -> Result<BTreeMap<String, Column>, SegmentError> {
    let mut out = BTreeMap::new();
    for (e, entity) in ENTITIES.iter().enumerate() {
        let per_case: Vec<&[super::record::RowRecord]> =
            records.iter().map(|r| r.forms[form].rows.get(e).map(Vec::as_slice).unwrap_or(&[])).collect();
        let rows = per_case.iter().map(|r| u32::try_from(r.len()).map_err(|_| SegmentError::TooManyValues));
        out.insert(column_name(entity.name, "rows"), Column::Rows(rows.collect::<Result<_, _>>()?));
        let all = || per_case.iter().flat_map(|rows| rows.iter());
        out.insert(column_name(entity.name, "key"), Column::Keys(all().map(|r| r.key).collect()));
        for (j, name) in entity.singles.iter().enumerate() {
            let mut dict = Dict::new();
            let codes = all().map(|r| dict.code(&r.singles.get(j).cloned().flatten())).collect::<Result<_, _>>()?;
            out.insert(column_name(entity.name, name), Column::Single { dict: dict.values, codes });
        }
        for (j, name) in entity.flags.iter().enumerate() {
            let flags = all().map(|r| r.flags.get(j).copied().unwrap_or(false)).collect();
            out.insert(column_name(entity.name, name), Column::Flags(flags));
        }
        for (j, name) in entity.multis.iter().enumerate() {
            let mut dict = Dict::new();
            let (mut counts, mut codes) = (vec![], vec![]);
            for r in all() {
                let values = r.multis.get(j).map(Vec::as_slice).unwrap_or(&[]);
                counts.push(u16::try_from(values.len()).map_err(|_| SegmentError::TooManyValues)?);
                for v in values {
                    codes.push(dict.code(v)?);
                }
            }
            out.insert(column_name(entity.name, name), Column::Multi { dict: dict.values, counts, codes });
        }
    }
    Ok(out)
}

impl Column {
    pub fn encode(&self) -> Result<Vec<u8>, SegmentError> {
        postcard::to_allocvec(self).map_err(|_| SegmentError::Corrupt)
    }

    pub fn decode(bytes: &[u8]) -> Result<Column, SegmentError> {
        let c: Column = postcard::from_bytes(bytes).map_err(|_| SegmentError::Corrupt)?;
        c.well_formed().then_some(c).ok_or(SegmentError::Corrupt)
    }

    /// Codes within their dictionary and counts that add up.
    fn well_formed(&self) -> bool {
        match self {
            Column::Single { dict, codes } => codes.iter().all(|c| (*c as usize) < dict.len()),
            Column::Multi { dict, counts, codes } => {
                counts.iter().map(|c| *c as usize).sum::<usize>() == codes.len()
                    && codes.iter().all(|c| (*c as usize) < dict.len())
            }
            Column::Flags(_) | Column::Rows(_) | Column::Keys(_) => true,
        }
    }

    /// The number of rows the column covers.
    pub fn len(&self) -> usize {
        match self {
            Column::Single { codes, .. } => codes.len(),
            Column::Multi { counts, .. } => counts.len(),
            Column::Flags(f) => f.len(),
            Column::Rows(r) => r.len(),
            Column::Keys(k) => k.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::statistics::record::{CASE, PERSON};

    fn records() -> Vec<CaseRecord> {
        (0..5)
            .map(|seed| {
                let input = crate::formato::sample::full_case(seed, "GT");
                let mut doc = crate::formato::derive::stored_document(&input, "GT");
                doc["reporting_country"] = serde_json::Value::from("GT");
                crate::statistics::record::of_facts(&crate::statistics::facts::of_case(&doc, &[]), b"salt").unwrap()
            })
            .collect()
    }

    #[test]
    fn columns_cover_every_row_and_round_trip() {
        let recs = records();
        let cols = build(&recs, 1).unwrap();
        let Column::Rows(cases) = &cols["case.rows"] else { panic!() };
        assert_eq!(cases, &vec![1; recs.len()]);
        let Column::Rows(persons) = &cols["person.rows"] else { panic!() };
        let n: u32 = persons.iter().sum();
        assert_eq!(n as usize, recs.iter().map(|r| r.forms[1].rows[1].len()).sum::<usize>());
        for name in PERSON.singles.iter().chain(PERSON.flags).chain(PERSON.multis).chain(&["key"]) {
            assert_eq!(cols[&column_name("person", name)].len(), n as usize, "{name}");
        }
        for name in CASE.singles.iter().chain(CASE.multis) {
            assert_eq!(cols[&column_name("case", name)].len(), recs.len(), "{name}");
        }
        for c in cols.values() {
            assert_eq!(&Column::decode(&c.encode().unwrap()).unwrap(), c);
        }
    }

    #[test]
    fn malformed_blobs_are_refused() {
        let bad = Column::Single { dict: vec![None], codes: vec![0, 1] };
        assert_eq!(Column::decode(&bad.encode().unwrap()), Err(SegmentError::Corrupt));
        let bad = Column::Multi { dict: vec!["a".into()], counts: vec![2], codes: vec![0] };
        assert_eq!(Column::decode(&bad.encode().unwrap()), Err(SegmentError::Corrupt));
        assert_eq!(Column::decode(&[0xff, 0xff, 0xff]), Err(SegmentError::Corrupt));
    }
}
