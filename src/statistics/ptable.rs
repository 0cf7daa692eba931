//! PURE: the perturbation table of the cell key method (SPEC §8; the method of the ABS
//! TableBuilder and of the 2021 census tables of Eurostat's recommendation, as in the R packages
//! `cellKey` and `ptable` of sdcTools).
//!
//! Every statistical unit has a fixed uniform key (`record::unit_key`); a cell's key is the sum
//! of its units' keys modulo 2³² (the fractional part of a sum of keys in [0, 1)); the published
//! count of a cell of true count n is n + p(n, cell key), where p is read from this table:
//! - for each n (all n ≥ `cap` share the row of `cap`), a distribution of the noise over
//!   −D…D with mean 0 (unbiased) and variance V where the other rules allow it, and no
//!   published value in 1…js nor below 0; zero stays zero (an empty cell has no units);
//! - the distribution is the one of maximum entropy under those rules (p(d) ∝ e^(a·d + b·d²));
//!   where the rules leave no room for variance V (small n), the feasible variance closest to V;
//! - the cell key picks the noise whose interval of [0, 2³²) contains it, the intervals laid out
//!   in the order of the noise, each as wide as its probability.
//!
//! The same units give the same cell key and so the same noise, whatever query produced the cell:
//! repeating or rephrasing queries reveals nothing new, and differencing two cells yields noise.
//! The table is generated from (D, V, js) when the service starts and checked (`check`).

/// The deployment's perturbation parameters.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Params {
    /// Maximum deviation D of a published count from the true count.
    pub max_deviation: u32,
    /// Target variance V of the noise.
    pub variance: f64,
    /// No published value lies in 1…js.
    pub js: u32,
}

/// One row: the noise values of count `n` and where each one's interval of cell keys ends.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub n: u64,
    /// (noise, probability, exclusive upper end of its cell-key interval); ascending noise.
    pub entries: Vec<(i64, f64, u64)>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PTable {
    pub params: Params,
    /// Rows for n = 1…cap (`rows[n - 1]`).
    pub rows: Vec<Row>,
}

const SPAN: u64 = 1 << 32;

/// The noise values allowed for a count `n`: |d| ≤ D, n + d = 0 or n + d > js.
fn allowed(n: u64, p: &Params) -> Vec<i64> {
    let d = i64::from(p.max_deviation);
    (-d..=d).filter(|x| (n as i64 + x) == 0 || (n as i64 + x) > i64::from(p.js)).collect()
}

fn moments(values: &[i64], probs: &[f64]) -> (f64, f64) {
    let mean: f64 = values.iter().zip(probs).map(|(v, p)| *v as f64 * p).sum();
    let var: f64 = values.iter().zip(probs).map(|(v, p)| (*v as f64 - mean).powi(2) * p).sum();
    (mean, var)
}

/// p(d) ∝ exp(a·d + b·d²), normalised (log-sum-exp for stability).
fn gibbs(values: &[i64], a: f64, b: f64) -> Vec<f64> {
    let e: Vec<f64> = values.iter().map(|v| a * *v as f64 + b * (*v as f64).powi(2)).collect();
    let m = e.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
    let w: Vec<f64> = e.iter().map(|x| (x - m).exp()).collect();
    let s: f64 = w.iter().sum();
    w.iter().map(|x| x / s).collect()
}

/// Bisection on an increasing function for its root in [lo, hi].
fn bisect(mut lo: f64, mut hi: f64, f: impl Fn(f64) -> f64) -> f64 {
    for _ in 0..200 {
        let mid = (lo + hi) / 2.0;
        if f(mid) < 0.0 {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    (lo + hi) / 2.0
}

/// The maximum-entropy distribution over `values` with mean 0 and variance `target` (clamped to
/// what mean 0 allows over these values).
fn distribution(values: &[i64], target: f64) -> Result<Vec<f64>, String> {
    if values == [0] {
        return Ok(vec![1.0]);
    }
    let neg = values.iter().copied().filter(|v| *v < 0).max();
    let pos = values.iter().copied().filter(|v| *v > 0).min();
    let (Some(near_neg), Some(near_pos)) = (neg, pos) else {
        return if values.contains(&0) {
            Ok(values.iter().map(|v| if *v == 0 { 1.0 } else { 0.0 }).collect())
        } else {
            Err("no unbiased noise exists for a count: raise the maximum deviation or lower js".into())
        };
    };
    let (lo_v, hi_v) = (values[0], values[values.len() - 1]);
    let min_var = if values.contains(&0) { 0.0 } else { (-near_neg * near_pos) as f64 };
    let max_var = (-lo_v * hi_v) as f64;
    let two_point = |x: i64, y: i64| -> Vec<f64> {
        // Mean 0 on {x < 0 < y}: p(x) = y / (y − x).
        let px = y as f64 / (y - x) as f64;
        values
            .iter()
            .map(|v| {
                if *v == x {
                    px
                } else if *v == y {
                    1.0 - px
                } else {
                    0.0
                }
            })
            .collect()
    };
    const EPS: f64 = 1e-9;
    if target <= min_var + EPS {
        return Ok(if values.contains(&0) {
            values.iter().map(|v| if *v == 0 { 1.0 } else { 0.0 }).collect()
        } else {
            two_point(near_neg, near_pos)
        });
    }
    if target >= max_var - EPS {
        return Ok(two_point(lo_v, hi_v));
    }
    // For a given b, the a that centres the distribution (the mean increases with a); then the
    // b that gives the variance (which increases with b once centred).
    let centred = |b: f64| -> Vec<f64> {
        let a = bisect(-60.0, 60.0, |a| moments(values, &gibbs(values, a, b)).0);
        gibbs(values, a, b)
    };
    let b = bisect(-30.0, 30.0, |b| moments(values, &centred(b)).1 - target);
    Ok(centred(b))
}

/// Lay the probabilities out on [0, 2³²): integer widths summing to 2³², then the mean made
/// exactly zero in those units where two neighbouring noise values allow it.
fn intervals(values: &[i64], probs: &[f64]) -> Vec<u64> {
    let mut widths: Vec<u64> = probs.iter().map(|p| (p * SPAN as f64).round() as u64).collect();
    let total: u64 = widths.iter().sum();
    if let Some((i, _)) = widths.iter().enumerate().max_by_key(|(_, w)| **w) {
        widths[i] = (widths[i] + SPAN).saturating_sub(total);
    }
    let residual: i128 = values.iter().zip(&widths).map(|(v, w)| i128::from(*v) * i128::from(*w)).sum();
    if residual != 0 {
        // Moving one unit of width from d + 1 to d lowers the sum by 1 (and the reverse raises it).
        let pair = (0..values.len().saturating_sub(1))
            .filter(|i| values[i + 1] == values[*i] + 1 && widths[*i] > 0 && widths[i + 1] > 0)
            .max_by_key(|i| widths[*i].min(widths[i + 1]));
        if let Some(i) = pair {
            let units = residual.unsigned_abs() as u64;
            let (from, to) = if residual > 0 { (i + 1, i) } else { (i, i + 1) };
            if widths[from] >= units {
                widths[from] -= units;
                widths[to] += units;
            }
        }
    }
    let mut end = 0;
    widths
        .iter()
        .map(|w| {
            end += w;
            end
        })
        .collect()
}

impl PTable {
    /// The row of every count from 1 up to `cap`: from `cap` on, every noise value of −D…D is
    /// allowed, so all larger counts share that row.
    pub fn cap(params: &Params) -> u64 {
        u64::from(params.js) + u64::from(params.max_deviation) + 1
    }

    pub fn generate(params: Params) -> Result<PTable, String> {
        if params.max_deviation == 0 || params.max_deviation > 10 {
            return Err("the maximum deviation D must be between 1 and 10".into());
        }
        if !(params.variance > 0.0 && params.variance <= f64::from(params.max_deviation).powi(2)) {
            return Err("the variance V must be above 0 and at most D²".into());
        }
        if params.js > params.max_deviation {
            return Err("js must not exceed D: a count of js could not be perturbed without bias".into());
        }
        let mut rows = vec![];
        for n in 1..=Self::cap(&params) {
            let values = allowed(n, &params);
            let probs = distribution(&values, params.variance)?;
            let ends = intervals(&values, &probs);
            let entries = values
                .iter()
                .zip(&probs)
                .zip(&ends)
                .filter(|((_, p), _)| **p > 0.0)
                .map(|((v, p), e)| (*v, *p, *e))
                .collect();
            rows.push(Row { n, entries });
        }
        let table = PTable { params, rows };
        table.check()?;
        Ok(table)
    }

    fn row(&self, n: u64) -> Option<&Row> {
        if n == 0 {
            return None;
        }
        let i = n.min(self.rows.len() as u64) as usize - 1;
        self.rows.get(i)
    }

    /// The noise of a cell of true count `n` and cell key `key`.
    pub fn noise(&self, n: u64, key: u32) -> i64 {
        let Some(row) = self.row(n) else { return 0 };
        let k = u64::from(key);
        row.entries.iter().find(|(_, _, end)| k < *end).or(row.entries.last()).map_or(0, |(d, _, _)| *d)
    }

    /// The published count of a cell.
    pub fn perturb(&self, n: u64, key: u32) -> u64 {
        (n as i64 + self.noise(n, key)).max(0) as u64
    }

    /// The table's promises: each row a distribution whose intervals cover [0, 2³²) exactly, of
    /// mean 0 (in its probabilities, and within 10⁻⁸ in its integer intervals), never beyond
    /// D, never publishing a value in 1…js or below 0.
    pub fn check(&self) -> Result<(), String> {
        let p = &self.params;
        for row in &self.rows {
            let fail = |what: &str| Err(format!("perturbation table row {}: {what}", row.n));
            let sum: f64 = row.entries.iter().map(|e| e.1).sum();
            if (sum - 1.0).abs() > 1e-9 {
                return fail("probabilities do not add up to 1");
            }
            let (mean, _) = moments(
                &row.entries.iter().map(|e| e.0).collect::<Vec<_>>(),
                &row.entries.iter().map(|e| e.1).collect::<Vec<_>>(),
            );
            if mean.abs() > 1e-9 {
                return fail("biased");
            }
            if row.entries.last().map(|e| e.2) != Some(SPAN) {
                return fail("cell-key intervals do not cover [0, 2^32)");
            }
            if self.interval_mean(row).abs() > 1e-8 {
                return fail("biased cell-key intervals");
            }
            for (d, _, _) in &row.entries {
                let published = row.n as i64 + d;
                if d.unsigned_abs() > u64::from(p.max_deviation) || published < 0 {
                    return fail("noise beyond the maximum deviation");
                }
                if published >= 1 && published <= i64::from(p.js) {
                    return fail("publishes a value in 1..js");
                }
            }
        }
        Ok(())
    }

    /// The mean noise of a row as the cell keys select it (each key of [0, 2³²) equally likely).
    pub fn interval_mean(&self, row: &Row) -> f64 {
        let mut start = 0u64;
        let mut sum = 0f64;
        for (d, _, end) in &row.entries {
            sum += *d as f64 * (end - start) as f64;
            start = *end;
        }
        sum / SPAN as f64
    }

    /// The variance of the noise of a count (for the description of a result).
    pub fn variance_of(&self, n: u64) -> f64 {
        self.row(n).map_or(0.0, |r| {
            moments(
                &r.entries.iter().map(|e| e.0).collect::<Vec<_>>(),
                &r.entries.iter().map(|e| e.1).collect::<Vec<_>>(),
            )
            .1
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn default() -> PTable {
        PTable::generate(Params { max_deviation: 2, variance: 1.0, js: 2 }).unwrap()
    }

    #[test]
    fn rows_are_unbiased_bounded_and_never_publish_small_values() {
        for (d, v, js) in [(2, 1.0, 2), (3, 2.0, 2), (1, 0.5, 0), (3, 1.0, 3), (4, 4.0, 1), (2, 4.0, 0)] {
            let t = PTable::generate(Params { max_deviation: d, variance: v, js }).unwrap();
            t.check().unwrap();
            for row in &t.rows {
                assert!(t.interval_mean(row).abs() <= 1e-8, "{d} {v} {js}: row {}", row.n);
            }
            // Far above the cap, the variance is the one asked for.
            assert!((t.variance_of(1000) - v).abs() < 1e-6, "{d} {v} {js}: {}", t.variance_of(1000));
        }
    }

    #[test]
    fn the_default_table() {
        let t = default();
        assert_eq!(PTable::cap(&t.params), 5);
        // A count of 1 may only become 0 or 3 (2/3 and 1/3 for mean 0).
        let one: Vec<(i64, f64)> = t.rows[0].entries.iter().map(|e| (e.0, e.1)).collect();
        assert_eq!(one.iter().map(|e| e.0).collect::<Vec<_>>(), [-1, 2]);
        assert!((one[0].1 - 2.0 / 3.0).abs() < 1e-12);
        // A count of 3 cannot move without leaving 3..: published exactly (it is below k anyway).
        assert_eq!(t.rows[2].entries.iter().map(|e| e.0).collect::<Vec<_>>(), [0]);
        assert_eq!(t.perturb(0, 12345), 0, "an empty cell stays empty");
        // Every key picks a noise within D, and the keys spread over the whole row.
        let mut seen = std::collections::BTreeSet::new();
        for k in (0..u32::MAX).step_by(1 << 20) {
            let p = t.perturb(50, k) as i64;
            assert!((p - 50).abs() <= 2);
            seen.insert(p);
            for n in 1..20u64 {
                let p = t.perturb(n, k);
                assert!(p == 0 || p > 2, "{n} published as {p}");
            }
        }
        assert_eq!(seen.len(), 5, "all of 48..=52 occur");
    }

    #[test]
    fn infeasible_parameters_are_refused() {
        assert!(PTable::generate(Params { max_deviation: 1, variance: 1.0, js: 2 }).is_err());
        assert!(PTable::generate(Params { max_deviation: 0, variance: 1.0, js: 0 }).is_err());
        assert!(PTable::generate(Params { max_deviation: 2, variance: 0.0, js: 1 }).is_err());
        assert!(PTable::generate(Params { max_deviation: 2, variance: 5.0, js: 1 }).is_err());
    }
}
