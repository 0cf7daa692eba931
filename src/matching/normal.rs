//! PURE: identifiers in the one form that both sides of a match compute, whatever the spelling.
//!
//! - Names: compatibility-decomposed, accents dropped, lower-cased; every character that is not
//!   a letter or digit (spaces, hyphens, apostrophes, dots) separates words. Given names keep
//!   their order; the words of both surnames are sorted, so double surnames match in either
//!   order and whether the second one was written in its own field or after the first.
//! - Document numbers: letters and digits only, upper-cased; the issuing state as its ICAO code.
//! - Dates of birth: exact (`YYYY-MM-DD`), and the year alone for a query that allows ±1 year.
//!
//! Each identifier becomes one *material* string per way it can match, prefixed by its kind so
//! that no two kinds can produce the same material; only its keyed digest is ever stored.

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// How strongly an identifier matched, strongest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Strength {
    /// Document number and issuing state.
    DocumentNumber,
    /// Names and exact date of birth.
    DateOfBirth,
    /// Names and year of birth within ±1 year.
    YearOfBirth,
    /// Names alone (suspects, whose date of birth the Formato does not record).
    Name,
}

impl Strength {
    pub fn as_str(self) -> &'static str {
        match self {
            Strength::DocumentNumber => "document_number",
            Strength::DateOfBirth => "date_of_birth",
            Strength::YearOfBirth => "year_of_birth",
            Strength::Name => "name",
        }
    }

    pub fn parse(s: &str) -> Option<Strength> {
        [Strength::DocumentNumber, Strength::DateOfBirth, Strength::YearOfBirth, Strength::Name]
            .into_iter()
            .find(|k| k.as_str() == s)
    }
}

/// Separator of the parts of a material (a control character no normalised part contains).
const SEP: char = '\u{1f}';

fn folded(s: &str) -> impl Iterator<Item = char> + '_ {
    s.nfkd().filter(|c| !is_combining_mark(*c))
}

/// The words of a name, folded.
fn words(s: &str) -> Vec<String> {
    let lower: String = folded(s).flat_map(char::to_lowercase).collect();
    lower.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(str::to_owned).collect()
}

/// A document number as compared: letters and digits only, upper-cased.
pub fn document_number(s: &str) -> String {
    folded(s).filter(|c| c.is_alphanumeric()).flat_map(char::to_uppercase).collect()
}

/// A person's name as compared.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Name {
    given: String,
    surnames: String,
}

/// The compared form of a name; `None` without a given name or a surname.
pub fn name(given: &str, first_surname: &str, second_surname: Option<&str>) -> Option<Name> {
    let given = words(given).join(" ");
    let mut surnames = words(first_surname);
    surnames.extend(words(second_surname.unwrap_or("")));
    surnames.sort();
    (!given.is_empty() && !surnames.is_empty()).then(|| Name { given, surnames: surnames.join(" ") })
}

/// A document's material; `None` when either part is empty.
pub fn document_material(issuing_state: &str, number: &str) -> Option<String> {
    let state = issuing_state.trim().to_uppercase();
    let number = document_number(number);
    (!state.is_empty() && !number.is_empty()).then(|| format!("document{SEP}{state}{SEP}{number}"))
}

fn is_full_date(d: &str) -> bool {
    let b = d.as_bytes();
    b.len() == 10 && b.iter().enumerate().all(|(i, c)| if i == 4 || i == 7 { *c == b'-' } else { c.is_ascii_digit() })
}

fn year_of(d: &str) -> Option<i32> {
    let y = d.get(..4)?;
    if !y.bytes().all(|c| c.is_ascii_digit()) || d.len() > 4 && d.as_bytes()[4] != b'-' {
        return None;
    }
    y.parse().ok()
}

fn date_material(n: &Name, date: &str) -> String {
    format!("person{SEP}{}{SEP}{}{SEP}{date}", n.given, n.surnames)
}

fn year_material(n: &Name, year: i32) -> String {
    format!("person-year{SEP}{}{SEP}{}{SEP}{year:04}", n.given, n.surnames)
}

fn name_material(n: &Name) -> String {
    format!("name{SEP}{}{SEP}{}", n.given, n.surnames)
}

/// What a stored person affected (names and a date of birth, full or partial) is indexed by:
/// the exact date when it is full, and its year.
pub fn person_materials(n: &Name, date_of_birth: &str) -> Vec<(Strength, String)> {
    let mut out = vec![];
    if is_full_date(date_of_birth) {
        out.push((Strength::DateOfBirth, date_material(n, date_of_birth)));
    }
    if let Some(y) = year_of(date_of_birth) {
        out.push((Strength::YearOfBirth, year_material(n, y)));
    }
    out
}

/// What a stored suspect is indexed by: the names.
pub fn suspect_material(n: &Name) -> (Strength, String) {
    (Strength::Name, name_material(n))
}

/// What a query for a person probes: the exact date (if given) and, when asked, the years
/// around it; and always the names alone, which only suspects' entries carry.
pub fn person_probes(n: &Name, date_of_birth: Option<&str>, year_tolerance: bool) -> Vec<(Strength, String)> {
    let mut out = vec![];
    if let Some(d) = date_of_birth {
        out.push((Strength::DateOfBirth, date_material(n, d)));
        if year_tolerance && let Some(y) = year_of(d) {
            out.extend((y - 1..=y + 1).map(|y| (Strength::YearOfBirth, year_material(n, y))));
        }
    }
    out.push((Strength::Name, name_material(n)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spelling_does_not_matter() {
        let a = name("María José", "Pérez-García", Some("López")).unwrap();
        let b = name("  MARIA  jose ", "lopez", Some("Perez Garcia")).unwrap();
        assert_eq!(a, b, "accents, case, hyphens, spaces and surname order");
        let c = name("Maria Jose", "Pérez García López", None).unwrap();
        assert_eq!(a, c, "both surnames written in the first field");
        assert_ne!(a, name("José María", "Pérez García", Some("López")).unwrap(), "given names keep their order");
        assert!(name("", "Pérez", None).is_none() && name("Ana", " - ", None).is_none());
        assert_eq!(document_number(" a12-345 67.8/9 "), "A123456789");
        assert_eq!(document_material("gtm", "a 1"), document_material("GTM", "A-1"));
        assert!(document_material("GTM", " - ").is_none());
    }

    #[test]
    fn dates_exact_or_by_year() {
        let n = name("Ana", "Ruiz", None).unwrap();
        let stored = person_materials(&n, "1990-05-01");
        assert_eq!(stored.len(), 2);
        assert_eq!(person_materials(&n, "1990").len(), 1, "a partial date gives its year only");
        assert_eq!(person_materials(&n, "1990-05").len(), 1);
        let exact = person_probes(&n, Some("1990-05-01"), false);
        assert!(exact.iter().any(|p| p == &stored[0]));
        assert!(!exact.iter().any(|p| p == &stored[1]), "the year only when asked");
        let near = person_probes(&n, Some("1991-01-01"), true);
        assert!(near.iter().any(|p| p == &stored[1]), "one year off");
        assert!(!person_probes(&n, Some("1992-01-01"), true).iter().any(|p| p == &stored[1]), "two years off");
        assert!(person_probes(&n, None, false).contains(&suspect_material(&n)));
        let kinds: std::collections::BTreeSet<String> =
            [stored[0].1.clone(), stored[1].1.clone(), suspect_material(&n).1].into_iter().collect();
        assert_eq!(kinds.len(), 3, "kinds never collide");
    }
}
