//! JSON as enlace reads it: numbers as JSON defines them, so `3.0` is the integer 3 (the HTTP
//! layer applies this to every body; services to values they read into `serde_json::Value`).

/// Largest magnitude up to which every integer has an exact `f64` spelling.
pub const EXACT_F64_INTEGERS: f64 = 9_007_199_254_740_992.0;

/// Make every whole `f64` of a JSON value an integer (as the HTTP layer reads every JSON body), for bodies read into
/// a `serde_json::Value` first (batch items).
pub fn whole_numbers(value: &mut serde_json::Value) {
    use serde_json::Value;
    match value {
        Value::Number(n) => {
            if let Some(f) = n.as_f64().filter(|_| n.is_f64())
                && f.is_finite()
                && f.fract() == 0.0
                && f.abs() <= EXACT_F64_INTEGERS
            {
                *n = serde_json::Number::from(f as i64);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(whole_numbers),
        Value::Object(map) => map.values_mut().for_each(whole_numbers),
        _ => {}
    }
}
