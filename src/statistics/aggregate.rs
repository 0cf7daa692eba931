//! PURE: counting over column segments. A `Plan` says what to count (the rows of one entity,
//! optionally only those with a flag), how to group them (up to three dimensions), which rows
//! to keep (equality filters, period bounds); `add` counts one partition's segment into an
//! `Accumulator`. Semantics, for every dimension:
//! - a single value that is missing counts as `unknown`;
//! - a multi-valued dimension counts a row once per distinct value, and not at all without one;
//! - a filter keeps a row if one of its values equals the filter's value;
//! - a period bound keeps a case whose period value is known, disclosed and within the bound.
//!
//! With `keys`, each cell also sums the record keys of the rows it counts (modulo 2³², once per
//! counted value like the count): its cell key for the perturbation of `ptable`.

use std::collections::{BTreeMap, HashMap};

use super::record::{Entity, UNKNOWN};
use super::segment::{Column, SegmentError, column_name};

/// Where a dimension's values come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Access {
    /// The partition's reporting country.
    Country,
    /// A single-valued column of the case row.
    Case(&'static str),
    /// A multi-valued column of the case row.
    CaseMulti(&'static str),
    /// A single-valued column of the counted entity.
    Single(&'static str),
    /// A multi-valued column of the counted entity.
    Multi(&'static str),
    /// `from_country > to_country` of the counted route legs.
    Route,
}

/// A period bound on a case column (`year`, `semester` or `month`).
#[derive(Debug, Clone)]
pub struct PeriodBound {
    pub column: &'static str,
    /// `true`: value ≥ bound; `false`: value ≤ bound.
    pub lower: bool,
    pub value: String,
}

#[derive(Debug, Clone)]
pub struct Plan {
    pub entity: &'static Entity,
    pub flag: Option<&'static str>,
    pub groups: Vec<Access>,
    pub filters: Vec<(Access, String)>,
    pub periods: Vec<PeriodBound>,
    /// Sum the counted rows' record keys (for figures published under the cell key method).
    pub keys: bool,
}

/// Most cells one partition's dense count array may have.
const MAX_LOCAL_CELLS: usize = 1 << 20;

impl Plan {
    /// The stored columns the plan reads.
    pub fn columns(&self) -> Vec<String> {
        let mut cols = vec![column_name(self.entity.name, "rows")];
        if self.keys {
            cols.push(column_name(self.entity.name, "key"));
        }
        if let Some(f) = self.flag {
            cols.push(column_name(self.entity.name, f));
        }
        let accesses = self.groups.iter().chain(self.filters.iter().map(|(a, _)| a));
        for a in accesses {
            match a {
                Access::Country => {}
                Access::Case(c) | Access::CaseMulti(c) => cols.push(column_name("case", c)),
                Access::Single(c) | Access::Multi(c) => cols.push(column_name(self.entity.name, c)),
                Access::Route => {
                    cols.push(column_name(self.entity.name, "from_country"));
                    cols.push(column_name(self.entity.name, "to_country"));
                }
            }
        }
        cols.extend(self.periods.iter().map(|p| column_name("case", p.column)));
        cols.sort();
        cols.dedup();
        cols
    }
}

/// One partition's segment in one form: the columns a plan needs.
pub struct Segment {
    pub country: String,
    pub columns: HashMap<String, Column>,
}

/// A cell: how many rows it counts and the sum of their record keys modulo 2³² (its cell key).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Tally {
    pub n: u64,
    pub key: u32,
}

impl Tally {
    pub fn add(&mut self, other: Tally) {
        self.n += other.n;
        self.key = self.key.wrapping_add(other.key);
    }
}

/// Counts of every cell seen so far, keyed by the values of the grouping dimensions.
#[derive(Debug, Default)]
pub struct Accumulator {
    names: Vec<Vec<String>>,
    ids: Vec<HashMap<String, u32>>,
    counts: HashMap<[u32; 3], Tally>,
}

impl Accumulator {
    pub fn new(dimensions: usize) -> Self {
        Accumulator { names: vec![vec![]; dimensions], ids: vec![HashMap::new(); dimensions], counts: HashMap::new() }
    }

    fn id(&mut self, dim: usize, name: &str) -> u32 {
        if let Some(id) = self.ids[dim].get(name) {
            return *id;
        }
        let id = self.names[dim].len() as u32;
        self.names[dim].push(name.to_owned());
        self.ids[dim].insert(name.to_owned(), id);
        id
    }

    /// The non-zero cells.
    pub fn cells(&self) -> BTreeMap<Vec<String>, Tally> {
        self.counts
            .iter()
            .filter(|(_, t)| t.n > 0)
            .map(|(key, t)| {
                let k = key.iter().zip(&self.names).map(|(id, names)| names[*id as usize].clone()).collect();
                (k, *t)
            })
            .collect()
    }
}

/// Where a dimension's values are found for a row.
#[derive(Clone, Copy, PartialEq)]
enum Level {
    /// The same value for every row of the partition.
    Partition,
    /// A value (or values) of the row's case.
    Case,
    /// A value (or values) of the row itself.
    Row,
}

/// The names of a dimension's local codes.
enum Names<'a> {
    /// The partition's country.
    One(&'a str),
    /// A dictionary of single values (a missing one is `unknown`).
    Single(&'a [Option<String>]),
    Multi(&'a [String]),
    /// Code `f * to.len() + t`: `from[f] > to[t]`.
    Route {
        from: &'a [Option<String>],
        to: &'a [Option<String>],
    },
}

impl Names<'_> {
    fn len(&self) -> usize {
        match self {
            Names::One(_) => 1,
            Names::Single(d) => d.len(),
            Names::Multi(d) => d.len(),
            Names::Route { from, to } => from.len() * to.len(),
        }
    }

    fn name(&self, code: usize) -> std::borrow::Cow<'_, str> {
        fn single(v: Option<&Option<String>>) -> &str {
            v.and_then(Option::as_deref).unwrap_or(UNKNOWN)
        }
        match self {
            Names::One(c) => (*c).into(),
            Names::Single(d) => single(d.get(code)).into(),
            Names::Multi(d) => d.get(code).map_or(UNKNOWN, String::as_str).into(),
            Names::Route { from, to } => {
                let (f, t) = (code / to.len().max(1), code % to.len().max(1));
                format!("{} > {}", single(from.get(f)), single(to.get(t))).into()
            }
        }
    }
}

/// A dimension resolved against one segment: local codes and their names.
struct Local<'a> {
    level: Level,
    names: Names<'a>,
    codes: std::borrow::Cow<'a, [u16]>,
    /// For multi-valued columns, where each row's codes start (one more entry than rows).
    starts: Option<Vec<usize>>,
}

const ZERO: [u16; 1] = [0];

impl Local<'_> {
    fn values(&self, case: usize, row: usize) -> &[u16] {
        let i = match self.level {
            Level::Partition => return &ZERO,
            Level::Case => case,
            Level::Row => row,
        };
        match &self.starts {
            None => self.codes.get(i..i + 1).unwrap_or(&[]),
            Some(s) => match (s.get(i), s.get(i + 1)) {
                (Some(a), Some(b)) => self.codes.get(*a..*b).unwrap_or(&[]),
                _ => &[],
            },
        }
    }

    fn len(&self, cases: usize, rows: usize) -> usize {
        match self.level {
            Level::Partition => 1,
            Level::Case => cases,
            Level::Row => rows,
        }
    }

    fn rows_covered(&self) -> usize {
        match &self.starts {
            None => self.codes.len(),
            Some(s) => s.len().saturating_sub(1),
        }
    }
}

fn get<'a>(seg: &'a Segment, name: &str) -> Result<&'a Column, SegmentError> {
    seg.columns.get(name).ok_or(SegmentError::Corrupt)
}

fn starts(counts: &[u16]) -> Vec<usize> {
    let mut s = Vec::with_capacity(counts.len() + 1);
    let mut at = 0;
    s.push(0);
    for c in counts {
        at += *c as usize;
        s.push(at);
    }
    s
}

fn resolve<'a>(seg: &'a Segment, entity: &Entity, access: &Access) -> Result<Local<'a>, SegmentError> {
    let (level, name) = match access {
        Access::Country => {
            return Ok(Local {
                level: Level::Partition,
                names: Names::One(&seg.country),
                codes: ZERO.to_vec().into(),
                starts: None,
            });
        }
        Access::Route => return route(seg, entity),
        Access::Case(c) | Access::CaseMulti(c) => (Level::Case, column_name("case", c)),
        Access::Single(c) | Access::Multi(c) => (Level::Row, column_name(entity.name, c)),
    };
    // For the case entity, its own rows are its cases.
    let level = if entity.name == "case" { Level::Case } else { level };
    Ok(match get(seg, &name)? {
        Column::Single { dict, codes } => {
            Local { level, names: Names::Single(dict), codes: codes.as_slice().into(), starts: None }
        }
        Column::Multi { dict, counts, codes } => {
            Local { level, names: Names::Multi(dict), codes: codes.as_slice().into(), starts: Some(starts(counts)) }
        }
        Column::Flags(_) | Column::Rows(_) | Column::Keys(_) => return Err(SegmentError::Corrupt),
    })
}

fn route<'a>(seg: &'a Segment, entity: &Entity) -> Result<Local<'a>, SegmentError> {
    let single = |c: &str| match get(seg, &column_name(entity.name, c))? {
        Column::Single { dict, codes } => Ok((dict, codes)),
        _ => Err(SegmentError::Corrupt),
    };
    let ((from_dict, from), (to_dict, to)) = (single("from_country")?, single("to_country")?);
    if from.len() != to.len() || from_dict.len().saturating_mul(to_dict.len()) > u16::MAX as usize {
        return Err(SegmentError::Corrupt);
    }
    let codes = from.iter().zip(to).map(|(f, t)| f * to_dict.len() as u16 + t).collect::<Vec<u16>>();
    Ok(Local {
        level: Level::Row,
        names: Names::Route { from: from_dict, to: to_dict },
        codes: codes.into(),
        starts: None,
    })
}

/// For each local code of a period column, whether a case with that value is within the bound.
fn period_pass<'a>(seg: &'a Segment, p: &PeriodBound) -> Result<(Vec<bool>, &'a [u16]), SegmentError> {
    match get(seg, &column_name("case", p.column))? {
        Column::Single { dict, codes } => {
            let pass = dict
                .iter()
                .map(|v| {
                    v.as_deref().is_some_and(|v| {
                        v != super::facts::NOT_DISCLOSED
                            && if p.lower { v >= p.value.as_str() } else { v <= p.value.as_str() }
                    })
                })
                .collect();
            Ok((pass, codes.as_slice()))
        }
        _ => Err(SegmentError::Corrupt),
    }
}

/// Count one partition's segment into the accumulator.
pub fn add(seg: &Segment, plan: &Plan, acc: &mut Accumulator) -> Result<(), SegmentError> {
    let Column::Rows(rows_per_case) = get(seg, &column_name(plan.entity.name, "rows"))? else {
        return Err(SegmentError::Corrupt);
    };
    let cases = rows_per_case.len();
    let rows: usize = rows_per_case.iter().map(|n| *n as usize).sum();
    let flag = match plan.flag {
        Some(f) => match get(seg, &column_name(plan.entity.name, f))? {
            Column::Flags(bits) if bits.len() == rows => Some(bits),
            _ => return Err(SegmentError::Corrupt),
        },
        None => None,
    };
    let keys = match plan.keys {
        true => match get(seg, &column_name(plan.entity.name, "key"))? {
            Column::Keys(k) if k.len() == rows => Some(k.as_slice()),
            _ => return Err(SegmentError::Corrupt),
        },
        false => None,
    };
    let groups: Vec<Local> = plan.groups.iter().map(|a| resolve(seg, plan.entity, a)).collect::<Result<_, _>>()?;
    let filters: Vec<(Local, Vec<bool>)> = plan
        .filters
        .iter()
        .map(|(a, v)| {
            let local = resolve(seg, plan.entity, a)?;
            let matches = (0..local.names.len()).map(|c| local.names.name(c) == v.as_str()).collect();
            Ok((local, matches))
        })
        .collect::<Result<_, SegmentError>>()?;
    if groups.iter().chain(filters.iter().map(|(l, _)| l)).any(|l| l.rows_covered() != l.len(cases, rows)) {
        return Err(SegmentError::Corrupt);
    }

    // Cases kept by the period bounds and the case-level filters.
    let mut case_ok = vec![true; cases];
    for p in &plan.periods {
        let (pass, codes) = period_pass(seg, p)?;
        if codes.len() != cases {
            return Err(SegmentError::Corrupt);
        }
        for (ok, code) in case_ok.iter_mut().zip(codes) {
            *ok &= pass.get(*code as usize).copied().unwrap_or(false);
        }
    }
    for (local, matches) in filters.iter().filter(|(l, _)| l.level != Level::Row) {
        for (c, ok) in case_ok.iter_mut().enumerate() {
            *ok &= local.values(c, 0).iter().any(|v| matches.get(*v as usize).copied().unwrap_or(false));
        }
    }
    let row_filters: Vec<&(Local, Vec<bool>)> = filters.iter().filter(|(l, _)| l.level == Level::Row).collect();

    let sizes: Vec<usize> = groups.iter().map(|g| g.names.len().max(1)).collect();
    let cells = sizes.iter().try_fold(1usize, |a, s| a.checked_mul(*s).filter(|n| *n <= MAX_LOCAL_CELLS));
    let Some(cells) = cells else { return Err(SegmentError::TooManyValues) };
    let mut dense = vec![Tally::default(); cells];
    let mut row = 0;
    for (case, n) in rows_per_case.iter().enumerate() {
        let n = *n as usize;
        if case_ok.get(case).copied().unwrap_or(false) {
            for r in row..row + n {
                if flag.is_some_and(|bits| !bits.get(r).copied().unwrap_or(false)) {
                    continue;
                }
                let kept = row_filters.iter().all(|(local, matches)| {
                    local.values(case, r).iter().any(|v| matches.get(*v as usize).copied().unwrap_or(false))
                });
                if kept {
                    let key = keys.and_then(|k| k.get(r)).copied().unwrap_or(0);
                    count(&groups, &sizes, case, r, key, &mut dense);
                }
            }
        }
        row += n;
    }
    merge(&groups, &sizes, &dense, acc);
    Ok(())
}

/// Add one row (and its record key) to every cell its values fall in (a multi-valued dimension:
/// once per value).
fn count(groups: &[Local], sizes: &[usize], case: usize, row: usize, key: u32, dense: &mut [Tally]) {
    let mut bump = |i: usize| {
        if let Some(c) = dense.get_mut(i) {
            c.add(Tally { n: 1, key });
        }
    };
    match groups {
        [] => bump(0),
        [a] => a.values(case, row).iter().for_each(|x| bump(*x as usize)),
        [a, b] => {
            for x in a.values(case, row) {
                for y in b.values(case, row) {
                    bump(*x as usize * sizes[1] + *y as usize);
                }
            }
        }
        [a, b, c] => {
            for x in a.values(case, row) {
                for y in b.values(case, row) {
                    for z in c.values(case, row) {
                        bump((*x as usize * sizes[1] + *y as usize) * sizes[2] + *z as usize);
                    }
                }
            }
        }
        _ => {}
    }
}

/// Move the partition's dense counts into the accumulator under the values' names (looked up
/// only for the codes that were counted).
fn merge(groups: &[Local], sizes: &[usize], dense: &[Tally], acc: &mut Accumulator) {
    let mut global: Vec<Vec<Option<u32>>> = sizes.iter().map(|s| vec![None; *s]).collect();
    for (i, n) in dense.iter().enumerate().filter(|(_, t)| t.n > 0) {
        let mut key = [0u32; 3];
        let mut rest = i;
        for d in (0..groups.len()).rev() {
            let local = rest % sizes[d];
            rest /= sizes[d];
            let id = match global[d].get(local).copied().flatten() {
                Some(id) => id,
                None => {
                    let id = acc.id(d, &groups[d].names.name(local));
                    if let Some(slot) = global[d].get_mut(local) {
                        *slot = Some(id);
                    }
                    id
                }
            };
            key[d] = id;
        }
        acc.counts.entry(key).or_default().add(*n);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::statistics::record::{CASE, LEG, PERSON};

    fn single(values: &[Option<&str>]) -> Column {
        let mut dict: Vec<Option<String>> = vec![];
        let mut codes = vec![];
        for v in values {
            let v = v.map(str::to_owned);
            let c = dict.iter().position(|d| *d == v).unwrap_or_else(|| {
                dict.push(v.clone());
                dict.len() - 1
            });
            codes.push(c as u16);
        }
        Column::Single { dict, codes }
    }

    fn multi(values: &[&[&str]]) -> Column {
        let mut dict: Vec<String> = vec![];
        let (mut counts, mut codes) = (vec![], vec![]);
        for row in values {
            counts.push(row.len() as u16);
            for v in *row {
                let c = dict.iter().position(|d| d == v).unwrap_or_else(|| {
                    dict.push(v.to_string());
                    dict.len() - 1
                });
                codes.push(c as u16);
            }
        }
        Column::Multi { dict, counts, codes }
    }

    /// Two cases: the first with two persons, the second with one.
    fn segment() -> Segment {
        let mut columns = HashMap::new();
        columns.insert("case.rows".into(), Column::Rows(vec![1, 1]));
        columns.insert("case.year".into(), single(&[Some("2024"), Some("not_disclosed")]));
        columns.insert("case.offence_type".into(), multi(&[&["a", "b"], &[]]));
        columns.insert("person.rows".into(), Column::Rows(vec![2, 1]));
        columns.insert("person.sex".into(), single(&[Some("female"), None, Some("female")]));
        columns.insert("person.is_victim".into(), Column::Flags(vec![true, true, false]));
        columns.insert("person.citizenship".into(), multi(&[&["GT", "MX"], &["GT"], &[]]));
        columns.insert("person.key".into(), Column::Keys(vec![10, u32::MAX, 7]));
        columns.insert("leg.rows".into(), Column::Rows(vec![1, 0]));
        columns.insert("leg.from_country".into(), single(&[Some("GT")]));
        columns.insert("leg.to_country".into(), single(&[None]));
        Segment { country: "GT".into(), columns }
    }

    fn run(plan: &Plan) -> BTreeMap<Vec<String>, u64> {
        tallies(plan).into_iter().map(|(k, t)| (k, t.n)).collect()
    }

    fn tallies(plan: &Plan) -> BTreeMap<Vec<String>, Tally> {
        let mut acc = Accumulator::new(plan.groups.len());
        add(&segment(), plan, &mut acc).unwrap();
        acc.cells()
    }

    fn key(k: &[&str]) -> Vec<String> {
        k.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn rows_are_counted_by_their_values_and_their_case_values() {
        let plan = Plan {
            entity: &PERSON,
            flag: None,
            groups: vec![Access::Single("sex"), Access::Case("year")],
            filters: vec![],
            periods: vec![],
            keys: false,
        };
        let cells = run(&plan);
        assert_eq!(cells[&key(&["female", "2024"])], 1);
        assert_eq!(cells[&key(&["unknown", "2024"])], 1, "a missing value counts as unknown");
        assert_eq!(cells[&key(&["female", "not_disclosed"])], 1);
        let victims = Plan { flag: Some("is_victim"), ..plan.clone() };
        assert_eq!(run(&victims).values().sum::<u64>(), 2);
    }

    #[test]
    fn multi_valued_dimensions_count_once_per_value_and_filters_match_any_value() {
        let plan = Plan {
            entity: &PERSON,
            flag: None,
            groups: vec![Access::Multi("citizenship"), Access::Country],
            filters: vec![],
            periods: vec![],
            keys: false,
        };
        let cells = run(&plan);
        assert_eq!(cells[&key(&["GT", "GT"])], 2);
        assert_eq!(cells[&key(&["MX", "GT"])], 1);
        assert_eq!(cells.len(), 2, "a person without a citizenship is not in this table");
        let filtered = Plan {
            groups: vec![Access::Single("sex")],
            filters: vec![(Access::CaseMulti("offence_type"), "b".into())],
            ..plan
        };
        assert_eq!(run(&filtered), BTreeMap::from([(key(&["female"]), 1), (key(&["unknown"]), 1)]));
    }

    #[test]
    fn period_bounds_keep_known_disclosed_values_within_the_bound() {
        let plan = Plan {
            entity: &CASE,
            flag: None,
            groups: vec![],
            filters: vec![],
            periods: vec![PeriodBound { column: "year", lower: true, value: "2020".into() }],
            keys: false,
        };
        assert_eq!(run(&plan), BTreeMap::from([(vec![], 1)]), "not_disclosed is outside every bound");
        let upper = Plan { periods: vec![PeriodBound { column: "year", lower: false, value: "2023".into() }], ..plan };
        assert!(run(&upper).is_empty());
    }

    #[test]
    fn cells_sum_the_record_keys_of_what_they_count() {
        let plan = Plan {
            entity: &PERSON,
            flag: None,
            groups: vec![Access::Multi("citizenship")],
            filters: vec![],
            periods: vec![],
            keys: true,
        };
        let cells = tallies(&plan);
        // GT counts persons 0 and 1 (keys 10 and 2^32 − 1, summed modulo 2^32), MX person 0.
        assert_eq!(cells[&key(&["GT"])], Tally { n: 2, key: 9 });
        assert_eq!(cells[&key(&["MX"])], Tally { n: 1, key: 10 });
        let mut seg = segment();
        seg.columns.insert("person.key".into(), Column::Keys(vec![1]));
        assert_eq!(add(&seg, &plan, &mut Accumulator::new(1)), Err(SegmentError::Corrupt), "one key per row");
    }

    #[test]
    fn routes_join_both_ends() {
        let plan = Plan {
            entity: &LEG,
            flag: None,
            groups: vec![Access::Route],
            filters: vec![],
            periods: vec![],
            keys: false,
        };
        assert_eq!(run(&plan), BTreeMap::from([(key(&["GT > unknown"]), 1)]));
    }

    #[test]
    fn inconsistent_segments_are_refused_not_miscounted() {
        let mut seg = segment();
        seg.columns.insert("person.sex".into(), single(&[Some("female")]));
        let plan = Plan {
            entity: &PERSON,
            flag: None,
            groups: vec![Access::Single("sex")],
            filters: vec![],
            periods: vec![],
            keys: false,
        };
        assert_eq!(add(&seg, &plan, &mut Accumulator::new(1)), Err(SegmentError::Corrupt));
    }
}
