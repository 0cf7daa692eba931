//! Labels of statistics dimensions and of their values in Spanish or English, read from the
//! Formato catalog: one source for the API's labelled tables and the console's.

use crate::formato::catalog;

/// The label of a dimension.
pub fn dimension(spanish: bool, d: &str) -> String {
    let t = |en: &str, es: &str| if spanish { es.to_owned() } else { en.to_owned() };
    match d {
        "reporting_country" => t("Reporting country", "País que informa"),
        "year" => t("Year", "Año"),
        "semester" => t("Semester", "Semestre"),
        "month" => t("Month", "Mes"),
        "route" => t("Route (from > to)", "Ruta (desde > hasta)"),
        "origin_class" => t("Origin", "Origen"),
        _ => [d.to_owned(), format!("persons[].{d}"), format!("suspects[].{d}"), format!("documents[].{d}")]
            .iter()
            .find_map(|p| catalog::field(p))
            .map(|f| t(f.label_en, f.label_es))
            .unwrap_or_else(|| d.replace('_', " ")),
    }
}

/// The label of one value of a dimension (enumeration values in the reader's language; codes,
/// years and routes as they are).
pub fn value(spanish: bool, d: &str, v: &str) -> String {
    let t = |en: &str, es: &str| if spanish { es.to_owned() } else { en.to_owned() };
    match v {
        "not_disclosed" => t("not disclosed", "no divulgado"),
        "unknown" => t("unknown", "desconocido"),
        _ => catalog::enum_def(d)
            .and_then(|e| e.values.iter().find(|x| x.code == v))
            .map(|x| t(x.label_en, x.label_es))
            .unwrap_or_else(|| v.to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_follow_the_language_and_the_catalog() {
        assert_eq!(dimension(true, "year"), "Año");
        assert_eq!(dimension(false, "reporting_country"), "Reporting country");
        assert_eq!(value(true, "sex", "not_disclosed"), "no divulgado");
        assert_ne!(value(true, "sex", "female"), "female", "an enumeration value gets its label");
        assert_eq!(value(false, "route", "GT > MX"), "GT > MX");
    }
}
