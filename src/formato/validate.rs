//! Validation of a [`CaseInput`] against the catalog rules, collecting every issue with its
//! concrete path (`persons[2].date_of_birth`), a stable code and messages in English and Spanish.
//!
//! Limits (text lengths, list sizes, number ranges) are read from the [`catalog`](mod@super::catalog),
//! so the served catalog and the checks cannot disagree. Messages never repeat the offending
//! value. [`apply_defaults`] fills the server defaults before validation.

use std::collections::{HashMap, HashSet};

use serde::Serialize;
use time::Date;
use utoipa::ToSchema;
use uuid::Uuid;

use super::catalog::{self, FieldType};
use super::codes::{CRM_MEMBERS, is_country, is_crm_member, is_currency, is_icao_code, is_language};
use super::derive::{PartialDate, is_minor, is_smuggled_migrant, is_trafficking_victim, reference_date};
use super::enums::{FormatoEnum, HandlingCode, SharingScope};
use super::record::*;

/// Stable issue codes.
pub mod issue {
    /// A required field is missing.
    pub const REQUIRED: &str = "required";
    /// A date is malformed (or partial where a full date is required).
    pub const INVALID_DATE: &str = "invalid_date";
    /// A date is after the current date.
    pub const IN_FUTURE: &str = "in_future";
    /// An end date is before its start date.
    pub const DATE_ORDER: &str = "date_order";
    /// Not an ISO 3166-1 alpha-2 code.
    pub const INVALID_COUNTRY: &str = "invalid_country";
    /// A country that must be a CRM member is not.
    pub const NOT_A_MEMBER: &str = "not_a_member";
    /// Not an accepted ISO 4217 code.
    pub const INVALID_CURRENCY: &str = "invalid_currency";
    /// Not an accepted ISO 639 code.
    pub const INVALID_LANGUAGE: &str = "invalid_language";
    /// Not an ICAO Doc 9303 code.
    pub const INVALID_ICAO: &str = "invalid_icao";
    /// A number is negative.
    pub const NEGATIVE: &str = "negative";
    /// A number is outside its range.
    pub const OUT_OF_RANGE: &str = "out_of_range";
    /// A text is too long.
    pub const TOO_LONG: &str = "too_long";
    /// A list has too many items.
    pub const TOO_MANY: &str = "too_many";
    /// A count is lower than the entities listed in the case.
    pub const COUNT_BELOW_ITEMIZED: &str = "count_below_itemized";
    /// A reference does not resolve inside the case.
    pub const DANGLING_REFERENCE: &str = "dangling_reference";
    /// `minor_person_id` refers to a person who is not (known to be) a minor.
    pub const NOT_A_MINOR: &str = "not_a_minor";
    /// Two entities share an id.
    pub const DUPLICATE_ID: &str = "duplicate_id";
    /// Two route legs share a `seq`.
    pub const DUPLICATE_SEQ: &str = "duplicate_seq";
    /// `other` was chosen without its `*_other` text.
    pub const OTHER_REQUIRES_TEXT: &str = "other_requires_text";
    /// A `*_other` text was given without `other`.
    pub const TEXT_WITHOUT_OTHER: &str = "text_without_other";
    /// `sharing.scope = listed` without countries.
    pub const COUNTRIES_REQUIRED_FOR_LISTED: &str = "countries_required_for_listed";
    /// `sharing.countries` with a scope other than `listed`.
    pub const COUNTRIES_ONLY_FOR_LISTED: &str = "countries_only_for_listed";
    /// A field reservation names a field that cannot be reserved.
    pub const NOT_RESERVABLE: &str = "not_reservable";
    /// A field reservation names a handling or evaluation code, which every recipient sees.
    pub const NEVER_RESERVABLE: &str = "never_reservable";
    /// A field reservation names no catalog field.
    pub const UNKNOWN_PATH: &str = "unknown_path";
    /// A field reservation has no reason.
    pub const REASON_REQUIRED: &str = "reason_required";
    /// The same field is reserved twice on the case.
    pub const DUPLICATE_PATH: &str = "duplicate_path";
    /// `handling_codes` lacks `h0`.
    pub const MISSING_H0: &str = "missing_h0";

    /// Every issue code.
    pub const ALL: &[&str] = &[
        REQUIRED,
        INVALID_DATE,
        IN_FUTURE,
        DATE_ORDER,
        INVALID_COUNTRY,
        NOT_A_MEMBER,
        INVALID_CURRENCY,
        INVALID_LANGUAGE,
        INVALID_ICAO,
        NEGATIVE,
        OUT_OF_RANGE,
        TOO_LONG,
        TOO_MANY,
        COUNT_BELOW_ITEMIZED,
        DANGLING_REFERENCE,
        NOT_A_MINOR,
        DUPLICATE_ID,
        DUPLICATE_SEQ,
        OTHER_REQUIRES_TEXT,
        TEXT_WITHOUT_OTHER,
        COUNTRIES_REQUIRED_FOR_LISTED,
        COUNTRIES_ONLY_FOR_LISTED,
        NOT_RESERVABLE,
        NEVER_RESERVABLE,
        UNKNOWN_PATH,
        REASON_REQUIRED,
        DUPLICATE_PATH,
        MISSING_H0,
    ];
}

/// Why a handling or evaluation code cannot be reserved (SPEC §3), for case and policy errors.
pub const HANDLING_EN: &str =
    "is a handling or evaluation code: it travels with every case and every recipient sees it, so it is never reserved";
pub const HANDLING_ES: &str = "es un código de manejo o de evaluación: acompaña a cada caso y todo destinatario lo ve, por lo que nunca se reserva";

/// One validation issue.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct FieldIssue {
    /// Concrete path of the field, with indices: `persons[2].date_of_birth`.
    pub field: String,
    /// Stable snake_case code (see [`issue`]).
    pub code: &'static str,
    /// Message in English.
    pub message_en: String,
    /// Message in Spanish.
    pub message_es: String,
}

/// Server defaults applied before validation: `handling_codes` defaults to `[h0, h2]` when the
/// client omitted it.
pub fn apply_defaults(input: &mut CaseInput) {
    if input.handling_codes.is_empty() {
        input.handling_codes = vec![HandlingCode::H0, HandlingCode::H2];
    }
}

/// The catalog path of a concrete path: `persons[2].aliases[0]` → `persons[].aliases`.
pub fn catalog_path(concrete: &str) -> String {
    let mut out = String::with_capacity(concrete.len());
    let mut in_index = false;
    for ch in concrete.chars() {
        match ch {
            '[' => {
                in_index = true;
                out.push('[');
            }
            ']' => {
                in_index = false;
                out.push(']');
            }
            _ if in_index => {}
            _ => out.push(ch),
        }
    }
    // A trailing index designates an item of the field, not a field.
    if out.ends_with("[]") {
        out.truncate(out.len() - 2);
    }
    out
}

/// Validates a case, returning every issue found.
pub fn validate(input: &CaseInput, today: Date) -> Result<(), Vec<FieldIssue>> {
    let mut v = Validator::new(input, today);
    v.case(input);
    if v.issues.is_empty() { Ok(()) } else { Err(v.issues) }
}

/// Validates one travel document outside a case, with its sharing (fraudulent-document alerts,
/// SPEC §7 M1): the section H rules but for `holder_ref`, which an alert has not. Issues name the
/// fields `document.<field>` and `sharing.<field>`.
pub fn validate_document(document: &Document, sharing: &Sharing, today: Date) -> Vec<FieldIssue> {
    let empty = CaseInput::default();
    let mut v = Validator::new(&empty, today);
    let mut d = document.clone();
    d.holder_ref = None;
    v.document("documents[0]", &d);
    v.sharing(Some(sharing));
    for i in &mut v.issues {
        if let Some(rest) = i.field.strip_prefix("documents[0].") {
            i.field = format!("document.{rest}");
        }
    }
    v.issues
}

fn blank(text: &Option<String>) -> bool {
    text.as_deref().is_none_or(|t| t.trim().is_empty())
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum EntityKind {
    Person,
    Suspect,
    Document,
}

struct Validator<'a> {
    issues: Vec<FieldIssue>,
    today: Date,
    reference: Option<&'a str>,
    /// Every entity id of the case and what it identifies (first occurrence wins).
    ids: HashMap<Uuid, (EntityKind, usize)>,
}

impl<'a> Validator<'a> {
    fn new(input: &'a CaseInput, today: Date) -> Self {
        let mut ids = HashMap::new();
        let all = input
            .persons
            .iter()
            .enumerate()
            .map(|(i, p)| (p.id, EntityKind::Person, i))
            .chain(input.suspects.iter().enumerate().map(|(i, s)| (s.id, EntityKind::Suspect, i)))
            .chain(input.documents.iter().enumerate().map(|(i, d)| (d.id, EntityKind::Document, i)));
        for (id, kind, i) in all {
            if let Some(id) = id {
                ids.entry(id).or_insert((kind, i));
            }
        }
        Self { issues: Vec::new(), today, reference: reference_date(input), ids }
    }

    fn push(&mut self, field: impl Into<String>, code: &'static str, en: String, es: String) {
        self.issues.push(FieldIssue { field: field.into(), code, message_en: en, message_es: es });
    }

    fn required<T>(&mut self, field: &str, value: &Option<T>) -> bool {
        if value.is_none() {
            self.push(field, issue::REQUIRED, "is required".into(), "es obligatorio".into());
            false
        } else {
            true
        }
    }

    fn limits(field: &str) -> Option<&'static catalog::FieldDef> {
        catalog::field(&catalog_path(field))
    }

    fn max_length(field: &str) -> usize {
        let max = Self::limits(field).and_then(|f| f.max_length);
        max.unwrap_or(catalog::SHORT_TEXT_MAX) as usize
    }

    fn text_len(&mut self, field: &str, text: &str, max: usize) {
        if text.chars().count() > max {
            self.push(
                field,
                issue::TOO_LONG,
                format!("must be at most {max} characters"),
                format!("debe tener como máximo {max} caracteres"),
            );
        }
    }

    fn text(&mut self, field: &str, text: &Option<String>) {
        if let Some(t) = text {
            self.text_len(field, t, Self::max_length(field));
        }
    }

    /// Checks a list's size against the catalog's `max_items` (or `max`); false when too long.
    fn list_len(&mut self, field: &str, len: usize, max: Option<u32>) -> bool {
        let max = max.or_else(|| Self::limits(field).and_then(|f| f.max_items)).unwrap_or(catalog::LIST_MAX) as usize;
        if len > max {
            self.push(
                field,
                issue::TOO_MANY,
                format!("must have at most {max} items"),
                format!("debe tener como máximo {max} elementos"),
            );
            false
        } else {
            true
        }
    }

    fn texts(&mut self, field: &str, items: &[String]) {
        if self.list_len(field, items.len(), None) {
            let max = Self::max_length(field);
            for (i, t) in items.iter().enumerate() {
                self.text_len(&format!("{field}[{i}]"), t, max);
            }
        }
    }

    fn date(&mut self, field: &str, value: &Option<String>) -> Option<PartialDate> {
        let text = value.as_deref()?;
        let partial = Self::limits(field).is_some_and(|f| f.field_type == FieldType::PartialDate);
        let parsed = PartialDate::parse(text).filter(|d| partial || d.precision == super::derive::DatePrecision::Day);
        let Some(date) = parsed else {
            let (en, es) = if partial {
                ("must be a date YYYY-MM-DD, YYYY-MM or YYYY", "debe ser una fecha AAAA-MM-DD, AAAA-MM o AAAA")
            } else {
                ("must be a date YYYY-MM-DD", "debe ser una fecha AAAA-MM-DD")
            };
            self.push(field, issue::INVALID_DATE, en.into(), es.into());
            return None;
        };
        // Expiry dates of documents legitimately lie in the future.
        if date.earliest > self.today && !field.ends_with(".date_of_expiry") {
            let today = self.today;
            self.push(
                field,
                issue::IN_FUTURE,
                format!("must not be after today ({today})"),
                format!("no puede ser posterior a la fecha actual ({today})"),
            );
        }
        Some(date)
    }

    fn date_pair(&mut self, start_field: &str, start: &Option<String>, end_field: &str, end: &Option<String>) {
        let s = self.date(start_field, start);
        let e = self.date(end_field, end);
        if let (Some(s), Some(e)) = (s, e)
            && s.earliest > e.latest
        {
            let name = start_field.rsplit('.').next().unwrap_or(start_field);
            self.push(
                end_field,
                issue::DATE_ORDER,
                format!("must not be before {name}"),
                format!("no puede ser anterior a {name}"),
            );
        }
    }

    fn country(&mut self, field: &str, value: &Option<String>) {
        if let Some(c) = value {
            self.country_code(field, c);
        }
    }

    fn country_code(&mut self, field: &str, code: &str) -> bool {
        if is_country(code) {
            return true;
        }
        self.push(
            field,
            issue::INVALID_COUNTRY,
            "must be an ISO 3166-1 alpha-2 country code (upper case)".into(),
            "debe ser un código de país ISO 3166-1 alfa-2 (en mayúsculas)".into(),
        );
        false
    }

    fn countries(&mut self, field: &str, items: &[String]) {
        if self.list_len(field, items.len(), None) {
            for (i, c) in items.iter().enumerate() {
                self.country_code(&format!("{field}[{i}]"), c);
            }
        }
    }

    fn icao(&mut self, field: &str, value: &Option<String>) {
        if let Some(c) = value
            && !is_icao_code(c)
        {
            self.push(
                field,
                issue::INVALID_ICAO,
                "must be an ICAO Doc 9303 three-letter code (e.g. HND, D, XXA)".into(),
                "debe ser un código OACI Doc 9303 de tres letras (p. ej. HND, D, XXA)".into(),
            );
        }
    }

    fn language(&mut self, field: &str, value: &Option<String>) {
        if let Some(c) = value
            && !is_language(c)
        {
            self.push(
                field,
                issue::INVALID_LANGUAGE,
                "must be an ISO 639-1 code (or a three-letter ISO 639-3 code), lower case".into(),
                "debe ser un código ISO 639-1 (o ISO 639-3 de tres letras), en minúsculas".into(),
            );
        }
    }

    fn int(&mut self, field: &str, value: Option<i64>) {
        let Some(n) = value else { return };
        let def = Self::limits(field);
        let min = def.and_then(|f| f.min_value);
        let max = def.and_then(|f| f.max_value);
        if n < 0 && min.is_some_and(|m| m >= 0) {
            self.push(field, issue::NEGATIVE, "must not be negative".into(), "no puede ser negativo".into());
        } else if min.is_some_and(|m| n < m) || max.is_some_and(|m| n > m) {
            let (en, es) = match (min, max) {
                (Some(lo), Some(hi)) => {
                    (format!("must be between {lo} and {hi}"), format!("debe estar entre {lo} y {hi}"))
                }
                (Some(lo), None) => (format!("must be at least {lo}"), format!("debe ser como mínimo {lo}")),
                (None, Some(hi)) => (format!("must be at most {hi}"), format!("debe ser como máximo {hi}")),
                (None, None) => return,
            };
            self.push(field, issue::OUT_OF_RANGE, en, es);
        }
    }

    /// An amount (≥ 0) and its currency, required when the amount is given.
    fn money(&mut self, amount_field: &str, amount: Option<f64>, cur_field: &str, cur: &Option<String>) {
        if let Some(a) = amount
            && (a < 0.0 || !a.is_finite())
        {
            self.push(
                amount_field,
                issue::NEGATIVE,
                "must be a non-negative amount".into(),
                "debe ser un monto no negativo".into(),
            );
        }
        match cur {
            Some(c) if !is_currency(c) => self.push(
                cur_field,
                issue::INVALID_CURRENCY,
                "must be an ISO 4217 currency code (upper case)".into(),
                "debe ser un código de moneda ISO 4217 (en mayúsculas)".into(),
            ),
            None if amount.is_some() => self.push(
                cur_field,
                issue::REQUIRED,
                "is required when an amount is given".into(),
                "es obligatorio cuando se indica un monto".into(),
            ),
            _ => {}
        }
    }

    fn other_text(&mut self, base: &str, has_other: bool, text: &Option<String>) {
        let field = format!("{base}_other");
        let name = base.rsplit('.').next().unwrap_or(base).to_string();
        match (has_other, blank(text)) {
            (true, true) => self.push(
                field,
                issue::OTHER_REQUIRES_TEXT,
                format!("is required when {name} is 'other'"),
                format!("es obligatorio cuando {name} es 'other'"),
            ),
            (false, false) => self.push(
                field,
                issue::TEXT_WITHOUT_OTHER,
                format!("is only allowed when {name} is 'other'"),
                format!("solo se admite cuando {name} es 'other'"),
            ),
            (true, false) => self.text(&field, text),
            (false, true) => {}
        }
    }

    /// A single-valued ⊕ enumeration and its `*_other` companion.
    fn one<E: FormatoEnum>(&mut self, base: &str, value: Option<E>, other: &Option<String>) {
        self.other_text(base, value.is_some_and(E::is_other), other);
    }

    /// A multi-valued enumeration (with its `*_other` companion when ⊕).
    fn many<E: FormatoEnum>(&mut self, base: &str, values: &[E], other: Option<&Option<String>>) {
        self.list_len(base, values.len(), None);
        if let Some(other) = other {
            self.other_text(base, values.iter().any(|v| v.is_other()), other);
        }
    }

    fn reference(&mut self, field: &str, id: Option<Uuid>, kinds: &[EntityKind], what: (&str, &str)) {
        let Some(id) = id else { return };
        let ok = self.ids.get(&id).is_some_and(|(k, _)| kinds.contains(k));
        if !ok {
            self.push(
                field,
                issue::DANGLING_REFERENCE,
                format!("does not match the id of any {} of the case", what.0),
                format!("no corresponde al identificador de ningún {} del caso", what.1),
            );
        }
    }

    fn count(&mut self, field: &str, value: Option<i64>, itemized: usize, what: (&str, &str)) {
        self.int(field, value);
        if let Some(n) = value
            && n >= 0
            && (n as u64) < itemized as u64
        {
            self.push(
                field,
                issue::COUNT_BELOW_ITEMIZED,
                format!("must be at least {itemized}, the number of {} listed in the case", what.0),
                format!("debe ser al menos {itemized}, el número de {} registrados en el caso", what.1),
            );
        }
    }

    // ---------------------------------------------------------------- the record

    fn case(&mut self, c: &CaseInput) {
        // A. Header
        self.text("reporting_agency", &c.reporting_agency);
        self.text("national_case_reference", &c.national_case_reference);
        self.required("case_type", &c.case_type);
        self.required("case_status", &c.case_status);
        self.text("closure_reason", &c.closure_reason);
        if self.required("date_opened", &c.date_opened) {
            self.date("date_opened", &c.date_opened);
        }
        self.date("date_detected", &c.date_detected);
        self.text("summary", &c.summary);
        self.many("handling_codes", &c.handling_codes, None);
        if !c.handling_codes.is_empty() && !c.handling_codes.contains(&HandlingCode::H0) {
            self.push(
                "handling_codes",
                issue::MISSING_H0,
                "must include h0 (purpose-limited use)".into(),
                "debe incluir h0 (uso limitado a la finalidad)".into(),
            );
        }
        if c.handling_codes.contains(&HandlingCode::H3) && blank(&c.handling_conditions) {
            self.push(
                "handling_conditions",
                issue::REQUIRED,
                "is required with handling code h3".into(),
                "es obligatorio con el código de manejo h3".into(),
            );
        }
        self.text("handling_conditions", &c.handling_conditions);
        self.sharing(c.sharing.as_ref());
        self.list_len("related_case_ids", c.related_case_ids.len(), None);

        // B. Detection
        self.country("detection_country", &c.detection_country);
        self.text("detection_admin1", &c.detection_admin1);
        self.text("detection_locality", &c.detection_locality);
        self.one("detection_setting", c.detection_setting, &c.detection_setting_other);
        self.one("detection_source", c.detection_source, &c.detection_source_other);
        self.one("identifying_authority", c.identifying_authority, &c.identifying_authority_other);
        self.many("offence_types", &c.offence_types, Some(&c.offence_types_other));
        self.many("aggravating_circumstances", &c.aggravating_circumstances, Some(&c.aggravating_circumstances_other));
        let reference = self.reference;
        let victims = c.persons.iter().filter(|p| is_trafficking_victim(p.person_role)).count();
        let smuggled = c.persons.iter().filter(|p| is_smuggled_migrant(p.person_role)).count();
        let minors = c.persons.iter().filter(|p| is_minor(p, reference) == Some(true)).count();
        self.count("persons_affected_count", c.persons_affected_count, c.persons.len(), ("persons", "personas"));
        self.count("victims_count", c.victims_count, victims, ("trafficking victims", "víctimas de trata"));
        self.count(
            "smuggled_persons_count",
            c.smuggled_persons_count,
            smuggled,
            ("smuggled migrants", "migrantes objeto de tráfico"),
        );
        self.count("minors_count", c.minors_count, minors, ("minors", "NNA"));
        self.count("suspects_count", c.suspects_count, c.suspects.len(), ("suspects", "presuntos responsables"));
        self.many("traveller_indicators", &c.traveller_indicators, Some(&c.traveller_indicators_other));
        self.one("interception_type", c.interception_type, &c.interception_type_other);

        // C–L
        self.entity_ids(c);
        if self.list_len("persons", c.persons.len(), Some(catalog::MAX_PERSONS)) {
            for (i, p) in c.persons.iter().enumerate() {
                self.person(&format!("persons[{i}]"), p);
            }
        }
        if let Some(s) = &c.smuggling {
            self.smuggling(s);
        }
        if self.list_len("suspects", c.suspects.len(), Some(catalog::MAX_SUSPECTS)) {
            for (i, s) in c.suspects.iter().enumerate() {
                self.suspect(&format!("suspects[{i}]"), s);
            }
        }
        if self.list_len("minor_companions", c.minor_companions.len(), Some(catalog::MAX_MINOR_COMPANIONS)) {
            for (i, m) in c.minor_companions.iter().enumerate() {
                self.minor_companion(&format!("minor_companions[{i}]"), m, c);
            }
        }
        if self.list_len("documents", c.documents.len(), Some(catalog::MAX_DOCUMENTS)) {
            for (i, d) in c.documents.iter().enumerate() {
                self.document(&format!("documents[{i}]"), d);
            }
        }
        if self.list_len("route", c.route.len(), Some(catalog::MAX_ROUTE_LEGS)) {
            let mut seqs = HashSet::new();
            for (i, r) in c.route.iter().enumerate() {
                let at = format!("route[{i}]");
                self.route_leg(&at, r);
                if let Some(seq) = r.seq
                    && !seqs.insert(seq)
                {
                    self.push(
                        format!("{at}.seq"),
                        issue::DUPLICATE_SEQ,
                        "repeats the order of another route leg".into(),
                        "repite el orden de otro tramo".into(),
                    );
                }
            }
        }
        if let Some(m) = &c.modus_operandi {
            self.modus_operandi(m);
        }
        if self.list_len("proceedings", c.proceedings.len(), Some(catalog::MAX_PROCEEDINGS)) {
            for (i, p) in c.proceedings.iter().enumerate() {
                self.proceeding(&format!("proceedings[{i}]"), p);
            }
        }
        if self.list_len("assistance", c.assistance.len(), Some(catalog::MAX_ASSISTANCE)) {
            for (i, a) in c.assistance.iter().enumerate() {
                self.assistance(&format!("assistance[{i}]"), a);
            }
        }
        if self.list_len("field_reservations", c.field_reservations.len(), Some(catalog::MAX_FIELD_RESERVATIONS)) {
            self.field_reservations(&c.field_reservations);
        }
    }

    fn sharing(&mut self, sharing: Option<&Sharing>) {
        let scope = sharing.and_then(|s| s.scope);
        match scope {
            None => {
                self.push("sharing.scope", issue::REQUIRED, "is required".into(), "es obligatorio".into());
            }
            Some(SharingScope::Unknown) => self.push(
                "sharing.scope",
                issue::REQUIRED,
                "must be network, listed or national".into(),
                "debe ser network, listed o national".into(),
            ),
            Some(_) => {}
        }
        let countries: &[String] = sharing.map_or(&[], |s| &s.countries);
        if scope == Some(SharingScope::Listed) && countries.is_empty() {
            self.push(
                "sharing.countries",
                issue::COUNTRIES_REQUIRED_FOR_LISTED,
                "must name at least one member country when the scope is 'listed'".into(),
                "debe indicar al menos un país miembro cuando el alcance es 'listed'".into(),
            );
        }
        if scope != Some(SharingScope::Listed) && !countries.is_empty() {
            self.push(
                "sharing.countries",
                issue::COUNTRIES_ONLY_FOR_LISTED,
                "is only allowed when the scope is 'listed'".into(),
                "solo se admite cuando el alcance es 'listed'".into(),
            );
        }
        if self.list_len("sharing.countries", countries.len(), None) {
            for (i, c) in countries.iter().enumerate() {
                let field = format!("sharing.countries[{i}]");
                if self.country_code(&field, c) && !is_crm_member(c) {
                    let members = CRM_MEMBERS.join(", ");
                    self.push(
                        field,
                        issue::NOT_A_MEMBER,
                        format!("must be a CRM member country ({members})"),
                        format!("debe ser un país miembro de la CRM ({members})"),
                    );
                }
            }
        }
    }

    /// Entity ids: required, and unique across persons, suspects and documents.
    fn entity_ids(&mut self, c: &CaseInput) {
        let mut seen = HashSet::new();
        let all = c
            .persons
            .iter()
            .enumerate()
            .map(|(i, p)| (format!("persons[{i}].id"), p.id))
            .chain(c.suspects.iter().enumerate().map(|(i, s)| (format!("suspects[{i}].id"), s.id)))
            .chain(c.documents.iter().enumerate().map(|(i, d)| (format!("documents[{i}].id"), d.id)));
        for (field, id) in all {
            match id {
                None => self.push(field, issue::REQUIRED, "is required".into(), "es obligatorio".into()),
                Some(id) if !seen.insert(id) => self.push(
                    field,
                    issue::DUPLICATE_ID,
                    "repeats the id of another person, suspect or document of the case".into(),
                    "repite el identificador de otra persona, presunto responsable o documento del caso".into(),
                ),
                Some(_) => {}
            }
        }
    }

    fn person(&mut self, at: &str, p: &Person) {
        let f = |name: &str| format!("{at}.{name}");
        self.required(&f("person_role"), &p.person_role);
        self.one(&f("person_role"), p.person_role, &p.person_role_other);
        self.text(&f("given_names"), &p.given_names);
        self.text(&f("first_surname"), &p.first_surname);
        self.text(&f("second_surname"), &p.second_surname);
        self.text(&f("name_as_in_document"), &p.name_as_in_document);
        self.texts(&f("aliases"), &p.aliases);
        self.date(&f("date_of_birth"), &p.date_of_birth);
        self.int(&f("age_years"), p.age_years);
        self.int(&f("age_at_exploitation_start"), p.age_at_exploitation_start);
        self.countries(&f("citizenship"), &p.citizenship);
        self.country(&f("country_of_birth"), &p.country_of_birth);
        self.country(&f("country_of_residence"), &p.country_of_residence);
        self.text(&f("place_of_origin_admin1"), &p.place_of_origin_admin1);
        self.language(&f("primary_language"), &p.primary_language);
        self.int(&f("number_of_children"), p.number_of_children);
        self.one(&f("migration_status"), p.migration_status, &p.migration_status_other);
        self.one(&f("protection_status"), p.protection_status, &p.protection_status_other);
        self.many(&f("vulnerability_profiles"), &p.vulnerability_profiles, Some(&p.vulnerability_profiles_other));
        if let Some(e) = &p.exploitation {
            self.exploitation(&f("exploitation"), e);
        }
    }

    fn exploitation(&mut self, at: &str, e: &Exploitation) {
        let f = |name: &str| format!("{at}.{name}");
        self.many(&f("types"), &e.types, Some(&e.types_other));
        self.many(&f("sexual_exploitation_types"), &e.sexual_exploitation_types, None);
        self.many(&f("means_of_control"), &e.means_of_control, Some(&e.means_of_control_other));
        self.many(&f("recruitment_methods"), &e.recruitment_methods, Some(&e.recruitment_methods_other));
        self.many(&f("recruitment_platforms"), &e.recruitment_platforms, Some(&e.recruitment_platforms_other));
        self.many(&f("exploitation_platforms"), &e.exploitation_platforms, Some(&e.exploitation_platforms_other));
        self.one(&f("relationship_to_recruiter"), e.relationship_to_recruiter, &e.relationship_to_recruiter_other);
        self.country(&f("recruitment_country"), &e.recruitment_country);
        self.text(&f("recruitment_admin1"), &e.recruitment_admin1);
        self.country(&f("exploitation_country"), &e.exploitation_country);
        self.text(&f("exploitation_admin1"), &e.exploitation_admin1);
        self.date_pair(&f("start"), &e.start, &f("end"), &e.end);
        self.money(&f("debt_amount"), e.debt_amount, &f("debt_currency"), &e.debt_currency);
    }

    fn smuggling(&mut self, s: &Smuggling) {
        self.country("smuggling.intended_destination_country", &s.intended_destination_country);
        self.many("smuggling.modes", &s.modes, None);
        self.money("smuggling.fee_amount", s.fee_amount, "smuggling.fee_currency", &s.fee_currency);
        self.many("smuggling.payment_methods", &s.payment_methods, Some(&s.payment_methods_other));
        self.one("smuggling.payer", s.payer, &s.payer_other);
        self.many("smuggling.services_included", &s.services_included, Some(&s.services_included_other));
        self.many("smuggling.harm_in_transit", &s.harm_in_transit, Some(&s.harm_in_transit_other));
    }

    fn suspect(&mut self, at: &str, s: &Suspect) {
        let f = |name: &str| format!("{at}.{name}");
        self.text(&f("given_names"), &s.given_names);
        self.text(&f("first_surname"), &s.first_surname);
        self.text(&f("second_surname"), &s.second_surname);
        self.texts(&f("aliases"), &s.aliases);
        self.text(&f("legal_person_name"), &s.legal_person_name);
        self.int(&f("age_years"), s.age_years);
        self.countries(&f("citizenship"), &s.citizenship);
        self.many(&f("roles"), &s.roles, Some(&s.roles_other));
        self.one(&f("relationship_to_victims"), s.relationship_to_victims, &s.relationship_to_victims_other);
        self.text(&f("group_alias"), &s.group_alias);
        let ids = f("identifiers");
        if self.list_len(&ids, s.identifiers.len(), None) {
            let max = Self::max_length(&ids);
            for (i, id) in s.identifiers.iter().enumerate() {
                let field = format!("{ids}[{i}].value");
                if self.required(&field, &id.value)
                    && let Some(v) = &id.value
                {
                    self.text_len(&field, v, max);
                }
            }
        }
        self.countries(&f("operating_countries"), &s.operating_countries);
        self.one(&f("procedural_status"), s.procedural_status, &s.procedural_status_other);
    }

    fn minor_companion(&mut self, at: &str, m: &MinorCompanion, c: &CaseInput) {
        let f = |name: &str| format!("{at}.{name}");
        let minor_field = f("minor_person_id");
        if self.required(&minor_field, &m.minor_person_id)
            && let Some(id) = m.minor_person_id
        {
            match self.ids.get(&id) {
                Some((EntityKind::Person, i)) => {
                    let person = &c.persons[*i];
                    if is_minor(person, self.reference) != Some(true) {
                        self.push(
                            minor_field,
                            issue::NOT_A_MINOR,
                            "must refer to a person under 18 at detection (from age_years or date_of_birth)"
                                .into(),
                            "debe referirse a una persona menor de 18 años a la detección (según age_years o date_of_birth)"
                                .into(),
                        );
                    }
                }
                _ => self.reference(&minor_field, Some(id), &[EntityKind::Person], ("person", "persona")),
            }
        }
        let adult = f("adult_ref");
        self.required(&adult, &m.adult_ref);
        self.reference(
            &adult,
            m.adult_ref,
            &[EntityKind::Person, EntityKind::Suspect],
            ("person or suspect", "persona o presunto responsable"),
        );
        self.many(&f("verification_methods"), &m.verification_methods, Some(&m.verification_methods_other));
        self.reference(&f("document_ref"), m.document_ref, &[EntityKind::Document], ("document", "documento"));
        self.text(&f("child_protection_agency"), &m.child_protection_agency);
        self.date(&f("child_protection_referral_date"), &m.child_protection_referral_date);
    }

    fn document(&mut self, at: &str, d: &Document) {
        let f = |name: &str| format!("{at}.{name}");
        self.reference(
            &f("holder_ref"),
            d.holder_ref,
            &[EntityKind::Person, EntityKind::Suspect],
            ("person or suspect", "persona o presunto responsable"),
        );
        self.one(&f("document_type"), d.document_type, &d.document_type_other);
        self.icao(&f("issuing_state"), &d.issuing_state);
        self.text(&f("document_number"), &d.document_number);
        self.icao(&f("nationality_in_document"), &d.nationality_in_document);
        self.date_pair(&f("date_of_issue"), &d.date_of_issue, &f("date_of_expiry"), &d.date_of_expiry);
        self.many(&f("forgery_techniques"), &d.forgery_techniques, Some(&d.forgery_techniques_other));
        self.many(&f("fraudulent_acquisition"), &d.fraudulent_acquisition, Some(&d.fraudulent_acquisition_other));
        self.one(&f("detection_setting"), d.detection_setting, &d.detection_setting_other);
        self.date(&f("detection_date"), &d.detection_date);
        self.text(&f("embarkation_point"), &d.embarkation_point);
        self.country(&f("destination_country"), &d.destination_country);
        self.text(&f("security_features_notes"), &d.security_features_notes);
    }

    fn route_leg(&mut self, at: &str, r: &RouteLeg) {
        let f = |name: &str| format!("{at}.{name}");
        self.int(&f("seq"), r.seq);
        self.country(&f("from_country"), &r.from_country);
        self.country(&f("to_country"), &r.to_country);
        self.text(&f("from_place"), &r.from_place);
        self.text(&f("to_place"), &r.to_place);
        self.text(&f("border_crossing_point"), &r.border_crossing_point);
        self.one(&f("transport_means"), r.transport_means, &r.transport_means_other);
        self.one(&f("concealment"), r.concealment, &r.concealment_other);
        self.date_pair(&f("start_date"), &r.start_date, &f("end_date"), &r.end_date);
        let refs = f("facilitator_refs");
        if self.list_len(&refs, r.facilitator_refs.len(), None) {
            for (i, id) in r.facilitator_refs.iter().enumerate() {
                self.reference(
                    &format!("{refs}[{i}]"),
                    Some(*id),
                    &[EntityKind::Suspect],
                    ("suspect", "presunto responsable"),
                );
            }
        }
        self.money(&f("fee_amount"), r.fee_amount, &f("fee_currency"), &r.fee_currency);
    }

    fn modus_operandi(&mut self, m: &ModusOperandi) {
        let f = |name: &str| format!("modus_operandi.{name}");
        self.many(&f("deception_types"), &m.deception_types, Some(&m.deception_types_other));
        self.many(&f("document_strategy"), &m.document_strategy, Some(&m.document_strategy_other));
        self.many(&f("technology_used"), &m.technology_used, Some(&m.technology_used_other));
        self.text(&f("recruitment_summary"), &m.recruitment_summary);
        self.text(&f("transport_summary"), &m.transport_summary);
        self.text(&f("financial_flows_summary"), &m.financial_flows_summary);
        self.texts(&f("tags"), &m.tags);
    }

    fn proceeding(&mut self, at: &str, p: &Proceeding) {
        let f = |name: &str| format!("{at}.{name}");
        let suspect = f("suspect_ref");
        self.required(&suspect, &p.suspect_ref);
        self.reference(&suspect, p.suspect_ref, &[EntityKind::Suspect], ("suspect", "presunto responsable"));
        self.one(&f("procedural_status"), p.procedural_status, &p.procedural_status_other);
        self.many(&f("charges"), &p.charges, Some(&p.charges_other));
        self.text(&f("charges_legal_reference"), &p.charges_legal_reference);
        self.text(&f("court_name"), &p.court_name);
        self.date(&f("decision_date"), &p.decision_date);
        self.int(&f("sentence_months"), p.sentence_months);
        self.money(&f("fine_amount"), p.fine_amount, &f("fine_currency"), &p.fine_currency);
        self.many(
            &f("international_cooperation"),
            &p.international_cooperation,
            Some(&p.international_cooperation_other),
        );
    }

    fn assistance(&mut self, at: &str, a: &Assistance) {
        let f = |name: &str| format!("{at}.{name}");
        let person = f("person_ref");
        self.required(&person, &a.person_ref);
        self.reference(&person, a.person_ref, &[EntityKind::Person], ("person", "persona"));
        self.many(&f("assistance_types"), &a.assistance_types, Some(&a.assistance_types_other));
        self.date_pair(&f("start"), &a.start, &f("end"), &a.end);
        self.text(&f("immigration_relief"), &a.immigration_relief);
        self.text(&f("referral_in_org"), &a.referral_in_org);
        self.date(&f("referral_in_date"), &a.referral_in_date);
        self.text(&f("referral_out_org"), &a.referral_out_org);
        self.date(&f("referral_out_date"), &a.referral_out_date);
        self.one(&f("referral_reason"), a.referral_reason, &a.referral_reason_other);
        self.date(&f("return_date"), &a.return_date);
        self.country(&f("receiving_country"), &a.receiving_country);
        self.text(&f("reintegration_plan"), &a.reintegration_plan);
    }

    fn field_reservations(&mut self, reservations: &[FieldReservation]) {
        let mut seen = HashSet::new();
        for (i, r) in reservations.iter().enumerate() {
            let path_field = format!("field_reservations[{i}].path");
            let reason_field = format!("field_reservations[{i}].reason");
            match catalog::field(&r.path) {
                None => self.push(
                    path_field,
                    issue::UNKNOWN_PATH,
                    "is not a field path of the catalog (use e.g. persons[].given_names)".into(),
                    "no es una ruta de campo del catálogo (use p. ej. persons[].given_names)".into(),
                ),
                Some(_) if catalog::is_handling(&r.path) => {
                    self.push(path_field, issue::NEVER_RESERVABLE, HANDLING_EN.into(), HANDLING_ES.into())
                }
                Some(_) if !catalog::reservable(&r.path) => self.push(
                    path_field,
                    issue::NOT_RESERVABLE,
                    "cannot be reserved (system field or entity identifier)".into(),
                    "no puede reservarse (campo de sistema o identificador de entidad)".into(),
                ),
                Some(_) if !seen.insert(r.path.as_str()) => self.push(
                    path_field,
                    issue::DUPLICATE_PATH,
                    "is already reserved on this case".into(),
                    "ya está reservado en este caso".into(),
                ),
                Some(_) => {}
            }
            if blank(&r.reason) {
                self.push(
                    reason_field,
                    issue::REASON_REQUIRED,
                    "a reason is required".into(),
                    "se requiere un motivo".into(),
                );
            } else if let Some(reason) = &r.reason {
                self.text_len(&reason_field, reason, catalog::RESERVATION_REASON_MAX as usize);
            }
        }
    }
}
