//! CSV output shared by the statistics tables and the legislation matrix: cells quoted as
//! RFC 4180 asks, and safe from formula injection when opened in a spreadsheet.

/// A CSV cell: a leading `=`, `+`, `-`, `@`, tab or carriage return is neutralised with `'`;
/// a cell holding a comma, quote or line break is quoted.
pub fn cell(v: &str) -> String {
    let v = if v.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{v}") } else { v.to_owned() };
    if v.contains([',', '"', '\n', '\r']) { format!("\"{}\"", v.replace('"', "\"\"")) } else { v }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_are_formula_safe() {
        assert_eq!(cell("=SUM(A1)"), "'=SUM(A1)");
        assert_eq!(cell("+1"), "'+1");
        assert_eq!(cell("a,b"), "\"a,b\"");
        assert_eq!(cell("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(cell("GT > MX"), "GT > MX");
    }
}
