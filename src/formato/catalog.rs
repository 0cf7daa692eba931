//! The field catalog served by the API (sections 5 and 9): every field path of a case with its
//! section, Spanish and English labels, type, enumeration, limits, personal-data class, default
//! legal-reservation flag and whether it is a system, derived or required field; plus every
//! enumeration with its values and labels.
//!
//! Paths use the catalog notation: `persons[].date_of_birth`, `smuggling.fee_amount`,
//! `sharing.scope`. A list of objects inside an entity (`suspects[].identifiers`) is one field.
//! The limits given here (`max_length`, `max_items`, `min_value`, `max_value`) are the ones
//! [`validate`](mod@super::validate) enforces.

use std::collections::HashMap;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::FORMAT_VERSION;
use super::enums::{self as e, ALL_ENUMS, FormatoEnum};

/// Type of a catalog field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum FieldType {
    /// Short free text.
    Text,
    /// Long free text.
    LongText,
    /// Integer.
    Int,
    /// Decimal number.
    Decimal,
    /// Boolean.
    Bool,
    /// Full date `YYYY-MM-DD`.
    Date,
    /// Date that may be partial: `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
    PartialDate,
    /// Timestamp (RFC 3339), system fields only.
    Datetime,
    /// ISO 3166-1 alpha-2 country.
    Country,
    /// List of ISO 3166-1 alpha-2 countries.
    CountryList,
    /// ICAO Doc 9303 three-letter code.
    IcaoCountry,
    /// ISO 4217 currency.
    Currency,
    /// ISO 639 language.
    Language,
    /// UUID.
    Uuid,
    /// List of UUIDs.
    UuidList,
    /// One value of an enumeration.
    Enum,
    /// Several values of an enumeration.
    EnumList,
    /// Identifier of another entity (see `ref_target`).
    Reference,
    /// Identifiers of other entities (see `ref_target`).
    ReferenceList,
    /// List of small objects, handled as one field.
    ObjectList,
    /// List of short texts.
    TextList,
}

impl FieldType {
    /// Whether the field holds a list.
    pub fn is_list(self) -> bool {
        matches!(
            self,
            Self::CountryList
                | Self::UuidList
                | Self::EnumList
                | Self::ReferenceList
                | Self::ObjectList
                | Self::TextList
        )
    }
}

/// Legal-reservation flag of a field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Flag {
    /// Shown to the countries the case is shared with.
    Shared,
    /// Withheld from every other country.
    Reserved,
}

/// One field of the catalog.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct FieldDef {
    /// Catalog path, e.g. `persons[].date_of_birth`, `smuggling.fee_amount`, `sharing.scope`.
    pub path: &'static str,
    /// Section `A`…`L`.
    pub section: &'static str,
    /// Spanish label (authoritative).
    pub label_es: &'static str,
    /// English label.
    pub label_en: &'static str,
    /// Type of the field.
    pub field_type: FieldType,
    /// Name of the enumeration of `enum`/`enum_list` fields (and of `suspects[].identifiers`'
    /// `kind`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enum_name: Option<&'static str>,
    /// What a reference points to: `persons`, `suspects`, `persons|suspects`, `documents`,
    /// `cases`, `directory`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ref_target: Option<&'static str>,
    /// Maximum length of a text (of each item for text lists), in characters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_length: Option<u32>,
    /// Maximum number of items of a list.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_items: Option<u32>,
    /// Minimum value of a number.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_value: Option<i64>,
    /// Maximum value of a number.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_value: Option<i64>,
    /// Personal-data class: `D` direct identifier, `Q` quasi-identifier, `S` special category,
    /// `N` not personal, or a combination such as `Q,S`.
    pub personal_data: &'static str,
    /// Default legal-reservation flag.
    pub default_flag: Flag,
    /// Set by the server, rejected if sent.
    pub system: bool,
    /// Derived by the server from other fields, rejected if sent.
    pub derived: bool,
    /// Required on input.
    pub required: bool,
    /// Whether a country policy or a case may reserve the field: `false` for system fields,
    /// entity identifiers (references need them) and the handling and evaluation codes.
    pub reservable: bool,
    /// A handling or evaluation code (SPEC §3: handling codes, conditions of use, source
    /// reliability, information accuracy): it tells a recipient what it may do with the case and
    /// how far to trust it, so it travels with every case and every recipient sees it.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub handling: bool,
    /// For a `*_other` companion, the path of the enumeration field it completes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub other_of: Option<&'static str>,
}

/// Default maximum length of short texts.
pub const SHORT_TEXT_MAX: u32 = 200;
/// Default maximum length of long texts.
pub const LONG_TEXT_MAX: u32 = 10_000;
/// Maximum length of a name.
pub const NAME_MAX: u32 = 100;
/// Default maximum number of items of a multi-valued field.
pub const LIST_MAX: u32 = 50;

impl FieldDef {
    /// A field with the default limits of its type.
    pub const fn new(
        path: &'static str,
        section: &'static str,
        label_es: &'static str,
        label_en: &'static str,
        field_type: FieldType,
        personal_data: &'static str,
        default_flag: Flag,
    ) -> Self {
        let max_length = match field_type {
            FieldType::Text | FieldType::TextList => Some(SHORT_TEXT_MAX),
            FieldType::LongText => Some(LONG_TEXT_MAX),
            _ => None,
        };
        let max_items = match field_type {
            FieldType::CountryList
            | FieldType::UuidList
            | FieldType::EnumList
            | FieldType::ReferenceList
            | FieldType::ObjectList
            | FieldType::TextList => Some(LIST_MAX),
            _ => None,
        };
        let min_value = match field_type {
            FieldType::Int | FieldType::Decimal => Some(0),
            _ => None,
        };
        Self {
            path,
            section,
            label_es,
            label_en,
            field_type,
            enum_name: None,
            ref_target: None,
            max_length,
            max_items,
            min_value,
            max_value: None,
            personal_data,
            default_flag,
            system: false,
            derived: false,
            required: false,
            reservable: true,
            handling: false,
            other_of: None,
        }
    }

    const fn enumeration(mut self, name: &'static str) -> Self {
        self.enum_name = Some(name);
        self
    }
    const fn refers_to(mut self, target: &'static str) -> Self {
        self.ref_target = Some(target);
        self
    }
    const fn max_len(mut self, n: u32) -> Self {
        self.max_length = Some(n);
        self
    }
    const fn max_items(mut self, n: u32) -> Self {
        self.max_items = Some(n);
        self
    }
    const fn range(mut self, min: i64, max: Option<i64>) -> Self {
        self.min_value = Some(min);
        self.max_value = max;
        self
    }
    const fn required(mut self) -> Self {
        self.required = true;
        self
    }
    const fn system(mut self) -> Self {
        self.system = true;
        self.reservable = false;
        self
    }
    /// A handling or evaluation code: shown to every recipient, never reservable.
    const fn handling(mut self) -> Self {
        self.handling = true;
        self.reservable = false;
        self
    }
    const fn derived(mut self) -> Self {
        self.derived = true;
        self
    }
    const fn other_of(mut self, path: &'static str) -> Self {
        self.other_of = Some(path);
        self
    }
}

/// One value of an enumeration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct EnumValue {
    /// Code, as sent and stored.
    pub code: &'static str,
    /// Spanish label (authoritative).
    pub label_es: &'static str,
    /// English label.
    pub label_en: &'static str,
}

/// One enumeration of the catalog.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct EnumDef {
    /// Name, as in `FieldDef::enum_name`.
    pub name: &'static str,
    /// Specification number (`E01`…`E53`); absent for inline lists.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<&'static str>,
    /// Spanish label.
    pub label_es: &'static str,
    /// English label.
    pub label_en: &'static str,
    /// `other` requires a free-text `*_other` companion (⊕).
    pub other_text: bool,
    /// The values, in display order.
    pub values: Vec<EnumValue>,
}

/// A repeated entity or nested object of the record (not a field itself).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct EntityDef {
    /// Path of the list or object, e.g. `persons`, `persons[].exploitation`, `smuggling`.
    pub path: &'static str,
    /// Section `A`…`L`.
    pub section: &'static str,
    /// Spanish label.
    pub label_es: &'static str,
    /// English label.
    pub label_en: &'static str,
    /// Maximum number of entries, for lists.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_items: Option<u32>,
}

/// The catalog of a format version.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Catalog {
    /// Format version, e.g. `2026.1`.
    pub version: &'static str,
    /// Every field, in record order.
    pub fields: Vec<FieldDef>,
    /// Every enumeration.
    pub enums: Vec<EnumDef>,
    /// The repeated entities and nested objects that contain the fields.
    pub entities: Vec<EntityDef>,
}

/// Maximum number of persons in a case.
pub const MAX_PERSONS: u32 = 500;
/// Maximum number of suspects in a case.
pub const MAX_SUSPECTS: u32 = 200;
/// Maximum number of minor–adult pairs in a case.
pub const MAX_MINOR_COMPANIONS: u32 = 500;
/// Maximum number of documents in a case.
pub const MAX_DOCUMENTS: u32 = 500;
/// Maximum number of route legs in a case.
pub const MAX_ROUTE_LEGS: u32 = 100;
/// Maximum number of proceedings in a case.
pub const MAX_PROCEEDINGS: u32 = 1000;
/// Maximum number of assistance entries in a case.
pub const MAX_ASSISTANCE: u32 = 1000;
/// Maximum number of per-case field reservations.
pub const MAX_FIELD_RESERVATIONS: u32 = 500;
/// Maximum length of a field reservation's reason.
pub const RESERVATION_REASON_MAX: u32 = 500;

const ENTITIES: &[EntityDef] = &[
    entity("sharing", "A", "Intercambio", "Sharing", None),
    entity("persons", "C", "Personas afectadas", "Persons affected", Some(MAX_PERSONS)),
    entity("persons[].exploitation", "D", "Explotación", "Exploitation", None),
    entity("smuggling", "E", "Servicio de tráfico ilícito", "Smuggling service", None),
    entity("suspects", "F", "Presuntos responsables", "Suspects", Some(MAX_SUSPECTS)),
    entity(
        "minor_companions",
        "G",
        "NNA acompañados por adultos sin vínculo familiar",
        "Minors travelling with adults without a family tie",
        Some(MAX_MINOR_COMPANIONS),
    ),
    entity("documents", "H", "Documentos de viaje e identidad", "Travel and identity documents", Some(MAX_DOCUMENTS)),
    entity("route", "I", "Tramos de ruta", "Route legs", Some(MAX_ROUTE_LEGS)),
    entity("modus_operandi", "J", "Modus operandi", "Modus operandi", None),
    entity("proceedings", "K", "Situación judicial", "Judicial and procedural status", Some(MAX_PROCEEDINGS)),
    entity("assistance", "L", "Asistencia y repatriación", "Assistance and repatriation", Some(MAX_ASSISTANCE)),
    entity("field_reservations", "A", "Reservas del caso", "Per-case field reservations", Some(MAX_FIELD_RESERVATIONS)),
];

const fn entity(
    path: &'static str,
    section: &'static str,
    label_es: &'static str,
    label_en: &'static str,
    max_items: Option<u32>,
) -> EntityDef {
    EntityDef { path, section, label_es, label_en, max_items }
}

/// A plain field.
macro_rules! fld {
    ($v:ident, $p:literal, $s:literal, $ty:ident, $pd:literal, $fl:ident, $es:literal, $en:literal
     $(, $m:ident ( $($a:expr),* ))* $(,)?) => {
        $v.push(
            FieldDef::new($p, $s, $es, $en, FieldType::$ty, $pd, Flag::$fl) $(.$m($($a),*))*
        );
    };
}

/// An enumeration field (`Enum` or `EnumList`) of Rust type `$e`, followed by its `*_other`
/// companion when the enumeration takes one (⊕).
macro_rules! enm {
    ($v:ident, $p:literal, $s:literal, $ty:ident, $e:ty, $pd:literal, $fl:ident, $es:literal,
     $en:literal $(, $m:ident ( $($a:expr),* ))* $(,)?) => {
        $v.push(
            FieldDef::new($p, $s, $es, $en, FieldType::$ty, $pd, Flag::$fl)
                .enumeration(<$e as FormatoEnum>::INFO.name) $(.$m($($a),*))*
        );
        if <$e as FormatoEnum>::INFO.other_text {
            $v.push(
                FieldDef::new(
                    concat!($p, "_other"),
                    $s,
                    concat!($es, ": otro (especifique)"),
                    concat!($en, ": other (specify)"),
                    FieldType::Text,
                    $pd,
                    Flag::Reserved,
                )
                .other_of($p),
            );
        }
    };
}

#[rustfmt::skip]
fn build_fields() -> Vec<FieldDef> {
    let mut v: Vec<FieldDef> = Vec::with_capacity(320);

    // ---- A. Case header ----
    fld!(v, "case_id", "A", Uuid, "N", Shared, "Identificador regional", "Regional case identifier", system());
    fld!(v, "format_version", "A", Text, "N", Shared, "Versión del formato", "Format version", system(), max_len(20));
    fld!(v, "version", "A", Int, "N", Shared, "Versión del registro", "Record version", system());
    fld!(v, "reporting_country", "A", Country, "N", Shared, "País que reporta", "Reporting country", system());
    fld!(v, "reporting_agency", "A", Text, "N", Shared, "Institución que reporta", "Reporting agency");
    fld!(v, "national_case_reference", "A", Text, "Q", Reserved, "N.º de expediente nacional", "National case reference", max_len(100));
    enm!(v, "case_type", "A", Enum, e::CaseType, "N", Shared, "Tipo de caso", "Case type", required());
    enm!(v, "case_status", "A", Enum, e::CaseStatus, "N", Shared, "Estado del caso", "Case status", required());
    fld!(v, "closure_reason", "A", LongText, "Q", Reserved, "Motivo de cierre", "Closure reason");
    fld!(v, "date_opened", "A", Date, "N", Shared, "Fecha de registro", "Date opened", required());
    fld!(v, "date_detected", "A", PartialDate, "Q", Shared, "Fecha de detección", "Date detected");
    fld!(v, "summary", "A", LongText, "D", Reserved, "Resumen de los hechos", "Summary of the facts");
    enm!(v, "source_reliability", "A", Enum, e::SourceReliability, "N", Shared, "Fiabilidad de la fuente", "Source reliability", handling());
    enm!(v, "information_accuracy", "A", Enum, e::InformationAccuracy, "N", Shared, "Exactitud de la información", "Information accuracy", handling());
    enm!(v, "handling_codes", "A", EnumList, e::HandlingCode, "N", Shared, "Códigos de manejo", "Handling codes", max_items(5), handling());
    fld!(v, "handling_conditions", "A", LongText, "N", Shared, "Condiciones de uso (H3)", "Conditions of use (H3)", handling());
    enm!(v, "sharing.scope", "A", Enum, e::SharingScope, "N", Shared, "Alcance de intercambio", "Sharing scope", required());
    fld!(v, "sharing.countries", "A", CountryList, "N", Shared, "Países destinatarios", "Recipient countries", max_items(11));
    enm!(v, "consent_to_share", "A", Enum, e::ConsentToShare, "Q", Shared, "Consentimiento para compartir", "Consent to share");
    fld!(v, "include_in_statistics", "A", Bool, "N", Shared, "Incluir en estadísticas regionales", "Include in regional statistics");
    fld!(v, "related_case_ids", "A", UuidList, "N", Shared, "Casos relacionados", "Related cases", refers_to("cases"), max_items(100));
    fld!(v, "reporting_semester", "A", Text, "N", Shared, "Semestre de reporte", "Reporting semester", derived(), max_len(7));
    fld!(v, "created_at", "A", Datetime, "Q", Shared, "Fecha de creación", "Created at", system());
    fld!(v, "created_by", "A", Text, "Q", Shared, "Creado por", "Created by", system());
    fld!(v, "updated_at", "A", Datetime, "Q", Shared, "Fecha de última modificación", "Updated at", system());
    fld!(v, "updated_by", "A", Text, "Q", Shared, "Modificado por", "Updated by", system());

    // ---- B. Detection ----
    fld!(v, "detection_country", "B", Country, "N", Shared, "País de detección", "Country of detection");
    fld!(v, "detection_admin1", "B", Text, "Q", Shared, "Departamento/Estado/Provincia", "Department/State/Province");
    fld!(v, "detection_locality", "B", Text, "Q", Shared, "Localidad / puesto", "Locality / post");
    enm!(v, "detection_setting", "B", Enum, e::DetectionSetting, "N", Shared, "Lugar de detección", "Detection setting");
    enm!(v, "detection_source", "B", Enum, e::DetectionSource, "N", Shared, "Origen de la detección", "Detection source");
    enm!(v, "identifying_authority", "B", Enum, e::IdentifyingAuthority, "N", Shared, "Autoridad que identificó", "Identifying authority");
    enm!(v, "offence_types", "B", EnumList, e::OffenceType, "N", Shared, "Delitos involucrados", "Offences involved");
    enm!(v, "aggravating_circumstances", "B", EnumList, e::AggravatingCircumstance, "Q,S", Shared, "Circunstancias agravantes", "Aggravating circumstances");
    fld!(v, "transnational", "B", Bool, "N", Shared, "Cruce de fronteras internacionales", "International borders crossed");
    enm!(v, "organized_crime_involvement", "B", Enum, e::OrganizedCrimeInvolvement, "N", Shared, "Grupo delictivo organizado", "Organized criminal group involved");
    fld!(v, "persons_affected_count", "B", Int, "N", Shared, "N.º de personas afectadas", "Number of persons affected");
    fld!(v, "victims_count", "B", Int, "N", Shared, "N.º de víctimas de trata", "Number of trafficking victims");
    fld!(v, "smuggled_persons_count", "B", Int, "N", Shared, "N.º de migrantes objeto de tráfico", "Number of smuggled migrants");
    fld!(v, "minors_count", "B", Int, "N", Shared, "N.º de niñas, niños y adolescentes", "Number of minors");
    fld!(v, "suspects_count", "B", Int, "N", Shared, "N.º de presuntos responsables", "Number of suspects");
    enm!(v, "traveller_indicators", "B", EnumList, e::TravellerIndicator, "Q", Shared, "Indicadores de evaluación de viajeros", "Traveller evaluation indicators");
    enm!(v, "interception_type", "B", Enum, e::InterceptionType, "N", Shared, "Forma de intercepción", "Interception type");

    // ---- C. Persons ----
    fld!(v, "persons[].id", "C", Uuid, "N", Shared, "Identificador", "Identifier", required());
    enm!(v, "persons[].person_role", "C", Enum, e::PersonRole, "Q", Shared, "Calidad", "Role of the person", required());
    enm!(v, "persons[].trafficking_status", "C", Enum, e::TraffickingStatus, "Q,S", Shared, "Estatus de víctima de trata", "Trafficking victim status");
    fld!(v, "persons[].given_names", "C", Text, "D", Reserved, "Nombre(s)", "Given name(s)", max_len(NAME_MAX));
    fld!(v, "persons[].first_surname", "C", Text, "D", Reserved, "Primer apellido", "First surname", max_len(NAME_MAX));
    fld!(v, "persons[].second_surname", "C", Text, "D", Reserved, "Segundo apellido", "Second surname", max_len(NAME_MAX));
    fld!(v, "persons[].name_as_in_document", "C", Text, "D", Reserved, "Nombre según documento", "Name as in document", max_len(NAME_MAX));
    fld!(v, "persons[].aliases", "C", TextList, "D", Reserved, "Alias", "Aliases", max_len(NAME_MAX), max_items(20));
    enm!(v, "persons[].sex", "C", Enum, e::Sex, "Q", Shared, "Sexo", "Sex");
    enm!(v, "persons[].gender", "C", Enum, e::Gender, "Q,S", Shared, "Género", "Gender");
    fld!(v, "persons[].date_of_birth", "C", PartialDate, "D", Reserved, "Fecha de nacimiento", "Date of birth");
    fld!(v, "persons[].age_years", "C", Int, "Q", Shared, "Edad a la detección", "Age at detection", range(0, Some(120)));
    fld!(v, "persons[].age_is_estimated", "C", Bool, "N", Shared, "Edad estimada", "Age is estimated");
    enm!(v, "persons[].age_band", "C", Enum, e::AgeBand, "Q", Shared, "Grupo de edad", "Age band", derived());
    fld!(v, "persons[].is_minor", "C", Bool, "Q,S", Shared, "Menor de 18", "Under 18", derived());
    fld!(v, "persons[].age_at_exploitation_start", "C", Int, "Q", Shared, "Edad al inicio de la explotación", "Age at start of exploitation", range(0, Some(120)));
    fld!(v, "persons[].citizenship", "C", CountryList, "Q", Shared, "Nacionalidad(es)", "Citizenship(s)", max_items(10));
    fld!(v, "persons[].country_of_birth", "C", Country, "Q", Shared, "País de nacimiento", "Country of birth");
    fld!(v, "persons[].country_of_residence", "C", Country, "Q", Shared, "País de residencia habitual", "Country of habitual residence");
    enm!(v, "persons[].origin_class", "C", Enum, e::OriginClass, "N", Shared, "Origen intra/extrarregional", "Intra/extra-regional origin", derived());
    fld!(v, "persons[].place_of_origin_admin1", "C", Text, "Q", Shared, "Lugar de origen", "Place of origin");
    fld!(v, "persons[].primary_language", "C", Language, "Q", Shared, "Idioma principal", "Primary language");
    enm!(v, "persons[].marital_status", "C", Enum, e::MaritalStatus, "Q", Shared, "Estado civil", "Marital status");
    fld!(v, "persons[].number_of_children", "C", Int, "Q", Shared, "N.º de hijos", "Number of children", range(0, Some(50)));
    enm!(v, "persons[].education_level", "C", Enum, e::EducationLevel, "Q", Shared, "Nivel educativo", "Education level");
    enm!(v, "persons[].migration_status", "C", Enum, e::MigrationStatus, "Q", Shared, "Situación migratoria", "Migration status");
    enm!(v, "persons[].protection_status", "C", Enum, e::ProtectionStatus, "Q,S", Reserved, "Protección internacional", "International protection");
    enm!(v, "persons[].vulnerability_profiles", "C", EnumList, e::VulnerabilityProfile, "Q,S", Shared, "Perfiles de vulnerabilidad", "Vulnerability profiles");
    fld!(v, "persons[].deceased", "C", Bool, "Q", Shared, "Fallecida", "Deceased");

    // ---- D. Exploitation ----
    enm!(v, "persons[].exploitation.types", "D", EnumList, e::ExploitationType, "Q,S", Shared, "Finalidad(es) de explotación", "Type(s) of exploitation");
    enm!(v, "persons[].exploitation.forced_labour_industry", "D", Enum, e::ForcedLabourIndustry, "Q", Shared, "Sector económico", "Economic sector");
    enm!(v, "persons[].exploitation.sexual_exploitation_types", "D", EnumList, e::SexualExploitationType, "Q,S", Shared, "Modalidad de explotación sexual", "Form of sexual exploitation");
    enm!(v, "persons[].exploitation.means_of_control", "D", EnumList, e::MeansOfControl, "Q,S", Shared, "Medios de control", "Means of control");
    enm!(v, "persons[].exploitation.recruitment_methods", "D", EnumList, e::RecruitmentMethod, "Q", Shared, "Forma de captación", "Recruitment methods");
    enm!(v, "persons[].exploitation.recruitment_platforms", "D", EnumList, e::OnlinePlatform, "N", Shared, "Plataformas de captación", "Recruitment platforms");
    enm!(v, "persons[].exploitation.exploitation_platforms", "D", EnumList, e::OnlinePlatform, "N", Shared, "Plataformas de explotación", "Exploitation platforms");
    enm!(v, "persons[].exploitation.relationship_to_recruiter", "D", Enum, e::RelationshipToPerpetrator, "Q,S", Shared, "Relación con el captador", "Relationship to recruiter");
    fld!(v, "persons[].exploitation.abduction", "D", Bool, "Q,S", Shared, "Hubo sustracción o secuestro", "Abduction or kidnapping");
    fld!(v, "persons[].exploitation.recruitment_country", "D", Country, "Q", Shared, "País de captación", "Country of recruitment");
    fld!(v, "persons[].exploitation.recruitment_admin1", "D", Text, "Q", Shared, "Lugar de captación", "Place of recruitment");
    fld!(v, "persons[].exploitation.exploitation_country", "D", Country, "Q", Shared, "País de explotación", "Country of exploitation");
    fld!(v, "persons[].exploitation.exploitation_admin1", "D", Text, "Q", Shared, "Lugar de explotación", "Place of exploitation");
    fld!(v, "persons[].exploitation.start", "D", PartialDate, "Q", Shared, "Inicio", "Start");
    fld!(v, "persons[].exploitation.end", "D", PartialDate, "Q", Shared, "Fin", "End");
    fld!(v, "persons[].exploitation.duration_months", "D", Int, "Q", Shared, "Duración (meses)", "Duration (months)", derived());
    fld!(v, "persons[].exploitation.debt_amount", "D", Decimal, "Q", Shared, "Deuda exigida (monto)", "Debt demanded (amount)");
    fld!(v, "persons[].exploitation.debt_currency", "D", Currency, "Q", Shared, "Deuda exigida (moneda)", "Debt demanded (currency)");

    // ---- E. Smuggling ----
    fld!(v, "smuggling.intended_destination_country", "E", Country, "Q", Shared, "País de destino pretendido", "Intended destination country");
    enm!(v, "smuggling.modes", "E", EnumList, e::SmugglingMode, "N", Shared, "Modalidad", "Smuggling modes");
    fld!(v, "smuggling.fee_amount", "E", Decimal, "Q", Shared, "Monto pagado o acordado", "Amount paid or agreed");
    fld!(v, "smuggling.fee_currency", "E", Currency, "Q", Shared, "Moneda del monto pagado o acordado", "Currency of the amount paid or agreed");
    enm!(v, "smuggling.fee_scope", "E", Enum, e::FeeScope, "N", Shared, "Cobertura del pago", "Fee scope");
    enm!(v, "smuggling.payment_methods", "E", EnumList, e::PaymentMethod, "Q", Shared, "Forma de pago", "Payment methods");
    enm!(v, "smuggling.payment_timing", "E", Enum, e::PaymentTiming, "N", Shared, "Momento del pago", "Payment timing");
    enm!(v, "smuggling.payer", "E", Enum, e::Payer, "Q", Shared, "Quién pagó", "Payer");
    enm!(v, "smuggling.services_included", "E", EnumList, e::ServiceIncluded, "N", Shared, "Servicios incluidos", "Services included");
    enm!(v, "smuggling.harm_in_transit", "E", EnumList, e::HarmInTransit, "Q,S", Shared, "Daños sufridos en el trayecto", "Harm suffered in transit");
    fld!(v, "smuggling.corruption_suspected", "E", Bool, "N", Reserved, "Sospecha de corrupción de funcionarios", "Corruption of officials suspected");
    fld!(v, "smuggling.linked_to_trafficking", "E", Bool, "Q", Shared, "Indicios de trata asociada", "Signs of associated trafficking");

    // ---- F. Suspects ----
    fld!(v, "suspects[].id", "F", Uuid, "N", Shared, "Identificador", "Identifier", required());
    enm!(v, "suspects[].kind", "F", Enum, e::SuspectKind, "N", Shared, "Persona física o jurídica", "Natural or legal person");
    fld!(v, "suspects[].given_names", "F", Text, "D", Reserved, "Nombre(s)", "Given name(s)", max_len(NAME_MAX));
    fld!(v, "suspects[].first_surname", "F", Text, "D", Reserved, "Primer apellido", "First surname", max_len(NAME_MAX));
    fld!(v, "suspects[].second_surname", "F", Text, "D", Reserved, "Segundo apellido", "Second surname", max_len(NAME_MAX));
    fld!(v, "suspects[].aliases", "F", TextList, "D", Reserved, "Alias", "Aliases", max_len(NAME_MAX), max_items(20));
    fld!(v, "suspects[].legal_person_name", "F", Text, "Q", Shared, "Razón social", "Legal person name");
    enm!(v, "suspects[].sex", "F", Enum, e::Sex, "Q", Shared, "Sexo", "Sex");
    fld!(v, "suspects[].age_years", "F", Int, "Q", Shared, "Edad", "Age", range(0, Some(120)));
    enm!(v, "suspects[].age_band", "F", Enum, e::AgeBand, "Q", Shared, "Grupo de edad", "Age band", derived());
    fld!(v, "suspects[].citizenship", "F", CountryList, "Q", Shared, "Nacionalidad(es)", "Citizenship(s)", max_items(10));
    enm!(v, "suspects[].roles", "F", EnumList, e::PerpetratorRole, "Q", Shared, "Rol en el proceso", "Roles in the process");
    enm!(v, "suspects[].relationship_to_victims", "F", Enum, e::RelationshipToPerpetrator, "Q", Shared, "Relación con las víctimas", "Relationship to victims");
    enm!(v, "suspects[].group_structure", "F", Enum, e::GroupStructure, "N", Shared, "Estructura", "Group structure");
    fld!(v, "suspects[].group_alias", "F", Text, "Q", Reserved, "Nombre o alias del grupo", "Group name or alias");
    fld!(v, "suspects[].identifiers", "F", ObjectList, "D", Reserved, "Identificadores", "Identifiers", enumeration(e::IdentifierKind::INFO.name), max_len(SHORT_TEXT_MAX));
    fld!(v, "suspects[].operating_countries", "F", CountryList, "Q", Shared, "Países donde opera", "Operating countries");
    enm!(v, "suspects[].procedural_status", "F", Enum, e::ProceduralStatus, "Q", Shared, "Situación procesal", "Procedural status");
    enm!(v, "suspects[].source_reliability", "F", Enum, e::SourceReliability, "N", Shared, "Fiabilidad de la fuente", "Source reliability", handling());
    enm!(v, "suspects[].information_accuracy", "F", Enum, e::InformationAccuracy, "N", Shared, "Exactitud de la información", "Information accuracy", handling());

    // ---- G. Minors with unrelated adults ----
    fld!(v, "minor_companions[].minor_person_id", "G", Reference, "D", Shared, "NNA", "Minor", refers_to("persons"), required());
    fld!(v, "minor_companions[].adult_ref", "G", Reference, "D", Shared, "Adulto acompañante", "Accompanying adult", refers_to("persons|suspects"), required());
    enm!(v, "minor_companions[].child_status", "G", Enum, e::ChildStatus, "Q,S", Shared, "Situación del NNA", "Child status");
    enm!(v, "minor_companions[].claimed_relationship", "G", Enum, e::CompanionRelationship, "Q,S", Shared, "Parentesco declarado", "Claimed relationship");
    enm!(v, "minor_companions[].verified_relationship", "G", Enum, e::CompanionRelationship, "Q,S", Shared, "Parentesco verificado", "Verified relationship");
    enm!(v, "minor_companions[].verification_methods", "G", EnumList, e::VerificationMethod, "Q,S", Shared, "Métodos de verificación", "Verification methods");
    enm!(v, "minor_companions[].verification_outcome", "G", Enum, e::VerificationOutcome, "Q,S", Shared, "Resultado", "Verification outcome");
    fld!(v, "minor_companions[].exit_authorization_presented", "G", Bool, "Q", Shared, "Presentó autorización de salida", "Exit authorization presented");
    enm!(v, "minor_companions[].exit_authorization_authentic", "G", Enum, e::ExitAuthorizationAuthentic, "Q", Shared, "Autorización auténtica", "Exit authorization authentic");
    fld!(v, "minor_companions[].document_fraud_involved", "G", Bool, "Q", Shared, "Fraude documental", "Document fraud involved");
    fld!(v, "minor_companions[].document_ref", "G", Reference, "Q", Shared, "Documento involucrado", "Document involved", refers_to("documents"));
    fld!(v, "minor_companions[].child_protection_agency", "G", Text, "N", Shared, "Institución de protección referida", "Child protection agency referred to");
    fld!(v, "minor_companions[].child_protection_referral_date", "G", Date, "Q", Shared, "Fecha de referencia", "Referral date");
    fld!(v, "minor_companions[].best_interest_assessment_done", "G", Bool, "Q,S", Shared, "Determinación del interés superior", "Best-interest determination done");
    fld!(v, "minor_companions[].previous_crossings_with_other_minors", "G", Bool, "Q", Reserved, "Antecedente con otros NNA", "Previous crossings with other minors");

    // ---- H. Documents ----
    fld!(v, "documents[].id", "H", Uuid, "N", Shared, "Identificador", "Identifier", required());
    fld!(v, "documents[].holder_ref", "H", Reference, "Q", Shared, "Portador", "Holder", refers_to("persons|suspects"));
    enm!(v, "documents[].document_type", "H", Enum, e::DocumentType, "N", Shared, "Tipo de documento", "Document type");
    enm!(v, "documents[].passport_subtype", "H", Enum, e::PassportSubtype, "N", Shared, "Subtipo de pasaporte", "Passport subtype");
    fld!(v, "documents[].issuing_state", "H", IcaoCountry, "N", Shared, "Estado emisor", "Issuing state");
    fld!(v, "documents[].document_number", "H", Text, "D", Reserved, "Número de documento", "Document number", max_len(NAME_MAX));
    fld!(v, "documents[].nationality_in_document", "H", IcaoCountry, "Q", Shared, "Nacionalidad en el documento", "Nationality in the document");
    fld!(v, "documents[].date_of_issue", "H", Date, "Q", Shared, "Fecha de emisión", "Date of issue");
    fld!(v, "documents[].date_of_expiry", "H", Date, "Q", Shared, "Fecha de vencimiento", "Date of expiry");
    enm!(v, "documents[].fraud_type", "H", Enum, e::DocumentFraudType, "N", Shared, "Tipo de fraude", "Type of fraud");
    enm!(v, "documents[].forgery_techniques", "H", EnumList, e::ForgeryTechnique, "N", Shared, "Técnicas de alteración", "Forgery techniques");
    enm!(v, "documents[].fraudulent_acquisition", "H", EnumList, e::FraudulentAcquisition, "Q", Shared, "Forma de obtención fraudulenta", "Fraudulent acquisition");
    enm!(v, "documents[].detection_setting", "H", Enum, e::DetectionSetting, "N", Shared, "Punto de detección", "Detection point");
    fld!(v, "documents[].detection_date", "H", Date, "N", Shared, "Fecha de detección", "Detection date");
    fld!(v, "documents[].embarkation_point", "H", Text, "Q", Shared, "Último punto de embarque", "Last embarkation point");
    fld!(v, "documents[].destination_country", "H", Country, "Q", Shared, "Destino", "Destination");
    fld!(v, "documents[].sltd_checked", "H", Bool, "N", Shared, "Consulta en SLTD", "SLTD checked");
    fld!(v, "documents[].sltd_hit", "H", Bool, "N", Shared, "Coincidencia en SLTD", "SLTD hit");
    fld!(v, "documents[].security_features_notes", "H", LongText, "N", Shared, "Elementos de seguridad vulnerados", "Security features defeated");

    // ---- I. Route ----
    fld!(v, "route[].seq", "I", Int, "N", Shared, "Orden del tramo", "Leg order", range(1, None));
    enm!(v, "route[].stage", "I", Enum, e::LegStage, "N", Shared, "Etapa", "Stage");
    fld!(v, "route[].from_country", "I", Country, "Q", Shared, "País de salida", "Country of departure");
    fld!(v, "route[].to_country", "I", Country, "Q", Shared, "País de llegada", "Country of arrival");
    fld!(v, "route[].from_place", "I", Text, "Q", Shared, "Localidad de salida", "Place of departure");
    fld!(v, "route[].to_place", "I", Text, "Q", Shared, "Localidad de llegada", "Place of arrival");
    enm!(v, "route[].border_crossing_type", "I", Enum, e::BorderCrossingType, "N", Shared, "Tipo de cruce", "Border crossing type");
    fld!(v, "route[].border_crossing_point", "I", Text, "N", Shared, "Punto de cruce", "Border crossing point");
    enm!(v, "route[].transport_means", "I", Enum, e::TransportMeans, "N", Shared, "Medio de transporte", "Means of transport");
    enm!(v, "route[].concealment", "I", Enum, e::Concealment, "N", Shared, "Ocultamiento", "Concealment");
    fld!(v, "route[].start_date", "I", PartialDate, "Q", Shared, "Fecha de inicio del tramo", "Leg start date");
    fld!(v, "route[].end_date", "I", PartialDate, "Q", Shared, "Fecha de fin del tramo", "Leg end date");
    fld!(v, "route[].facilitator_refs", "I", ReferenceList, "D", Reserved, "Facilitadores", "Facilitators", refers_to("suspects"));
    fld!(v, "route[].fee_amount", "I", Decimal, "Q", Shared, "Pago por el tramo (monto)", "Fee for the leg (amount)");
    fld!(v, "route[].fee_currency", "I", Currency, "Q", Shared, "Pago por el tramo (moneda)", "Fee for the leg (currency)");

    // ---- J. Modus operandi ----
    enm!(v, "modus_operandi.deception_types", "J", EnumList, e::DeceptionType, "N", Shared, "Tipo de engaño", "Deception types");
    enm!(v, "modus_operandi.document_strategy", "J", EnumList, e::DocumentStrategy, "N", Shared, "Estrategia documental", "Document strategy");
    enm!(v, "modus_operandi.technology_used", "J", EnumList, e::TechnologyUsed, "N", Shared, "Tecnología usada", "Technology used");
    fld!(v, "modus_operandi.recruitment_summary", "J", LongText, "Q", Reserved, "Resumen de la captación", "Recruitment summary");
    fld!(v, "modus_operandi.transport_summary", "J", LongText, "Q", Reserved, "Resumen del traslado", "Transport summary");
    fld!(v, "modus_operandi.financial_flows_summary", "J", LongText, "Q", Reserved, "Flujos financieros", "Financial flows");
    fld!(v, "modus_operandi.tags", "J", TextList, "N", Shared, "Etiquetas de modus operandi", "Modus operandi tags", max_len(NAME_MAX));

    // ---- K. Proceedings ----
    fld!(v, "proceedings[].suspect_ref", "K", Reference, "D", Shared, "Imputado", "Accused", refers_to("suspects"), required());
    enm!(v, "proceedings[].procedural_status", "K", Enum, e::ProceduralStatus, "Q", Shared, "Situación procesal", "Procedural status");
    enm!(v, "proceedings[].legal_system", "K", Enum, e::LegalSystem, "N", Shared, "Sistema jurídico", "Legal system");
    enm!(v, "proceedings[].charges", "K", EnumList, e::OffenceType, "Q", Shared, "Cargos", "Charges");
    fld!(v, "proceedings[].charges_legal_reference", "K", Text, "Q", Shared, "Artículos imputados", "Articles charged");
    enm!(v, "proceedings[].stage", "K", Enum, e::ProceedingStage, "N", Shared, "Instancia", "Instance");
    fld!(v, "proceedings[].court_name", "K", Text, "N", Shared, "Tribunal", "Court");
    fld!(v, "proceedings[].decision_date", "K", Date, "Q", Shared, "Fecha de la decisión", "Decision date");
    enm!(v, "proceedings[].verdict", "K", Enum, e::Verdict, "Q", Shared, "Fallo", "Verdict");
    fld!(v, "proceedings[].sentence_months", "K", Int, "Q", Shared, "Pena de prisión (meses)", "Prison sentence (months)");
    fld!(v, "proceedings[].fine_amount", "K", Decimal, "Q", Shared, "Multa (monto)", "Fine (amount)");
    fld!(v, "proceedings[].fine_currency", "K", Currency, "Q", Shared, "Multa (moneda)", "Fine (currency)");
    fld!(v, "proceedings[].assets_seized", "K", Bool, "N", Shared, "Bienes decomisados", "Assets seized");
    enm!(v, "proceedings[].international_cooperation", "K", EnumList, e::InternationalCooperation, "N", Shared, "Cooperación internacional", "International cooperation");

    // ---- L. Assistance ----
    fld!(v, "assistance[].person_ref", "L", Reference, "D", Shared, "Persona", "Person", refers_to("persons"), required());
    enm!(v, "assistance[].assistance_types", "L", EnumList, e::AssistanceType, "Q,S", Shared, "Asistencia recibida", "Assistance received");
    enm!(v, "assistance[].provider_type", "L", Enum, e::ProviderType, "N", Shared, "Tipo de proveedor", "Provider type");
    fld!(v, "assistance[].start", "L", Date, "Q", Shared, "Inicio del periodo", "Start of the period");
    fld!(v, "assistance[].end", "L", Date, "Q", Shared, "Fin del periodo", "End of the period");
    fld!(v, "assistance[].reflection_period_granted", "L", Bool, "Q", Shared, "Periodo de reflexión", "Reflection period granted");
    fld!(v, "assistance[].immigration_relief", "L", Text, "Q,S", Reserved, "Regularización o visa de víctima", "Regularization or victim visa");
    fld!(v, "assistance[].referral_in_org", "L", Text, "Q", Shared, "Referido por (organización)", "Referred by (organization)");
    fld!(v, "assistance[].referral_in_date", "L", Date, "Q", Shared, "Referido por (fecha)", "Referred by (date)");
    fld!(v, "assistance[].referral_out_org", "L", Text, "Q", Shared, "Referido a (organización)", "Referred to (organization)");
    fld!(v, "assistance[].referral_out_date", "L", Date, "Q", Shared, "Referido a (fecha)", "Referred to (date)");
    enm!(v, "assistance[].referral_reason", "L", Enum, e::ReferralReason, "Q", Shared, "Motivo de la referencia", "Referral reason");
    enm!(v, "assistance[].return_type", "L", Enum, e::ReturnType, "Q", Shared, "Tipo de retorno", "Return type");
    enm!(v, "assistance[].return_status", "L", Enum, e::ReturnStatus, "Q", Shared, "Estado de la repatriación", "Return status");
    fld!(v, "assistance[].return_date", "L", Date, "Q", Shared, "Fecha de retorno", "Return date");
    fld!(v, "assistance[].receiving_country", "L", Country, "Q", Shared, "País receptor", "Receiving country");
    fld!(v, "assistance[].receiving_liaison_id", "L", Reference, "N", Shared, "Enlace receptor", "Receiving liaison", refers_to("directory"));
    fld!(v, "assistance[].child_guidelines_applied", "L", Bool, "Q,S", Shared, "Se aplicaron los lineamientos regionales NNA", "Regional child guidelines applied");
    fld!(v, "assistance[].reintegration_plan", "L", LongText, "Q,S", Reserved, "Plan de reintegración", "Reintegration plan");

    // Entity identifiers: references inside the case resolve through them.
    for f in v.iter_mut().filter(|f| f.path.ends_with("[].id")) {
        f.reservable = false;
    }
    v
}

fn build_enums() -> Vec<EnumDef> {
    ALL_ENUMS
        .iter()
        .map(|info| EnumDef {
            name: info.name,
            code: info.code,
            label_es: info.label_es,
            label_en: info.label_en,
            other_text: info.other_text,
            values: info.values.iter().map(|(code, es, en)| EnumValue { code, label_es: es, label_en: en }).collect(),
        })
        .collect()
}

struct Index {
    catalog: Catalog,
    by_path: HashMap<&'static str, usize>,
}

fn index() -> &'static Index {
    static INDEX: OnceLock<Index> = OnceLock::new();
    INDEX.get_or_init(|| {
        let catalog = Catalog {
            version: FORMAT_VERSION,
            fields: build_fields(),
            enums: build_enums(),
            entities: ENTITIES.to_vec(),
        };
        let by_path = catalog.fields.iter().enumerate().map(|(i, f)| (f.path, i)).collect();
        Index { catalog, by_path }
    })
}

/// The catalog of the current format version.
pub fn catalog() -> &'static Catalog {
    &index().catalog
}

/// The field with this catalog path (`persons[].given_names`, not `persons[0].given_names`).
pub fn field(path: &str) -> Option<&'static FieldDef> {
    let idx = index();
    idx.by_path.get(path).map(|&i| &idx.catalog.fields[i])
}

/// The enumeration with this name.
pub fn enum_def(name: &str) -> Option<&'static EnumDef> {
    catalog().enums.iter().find(|e| e.name == name)
}

/// Whether a field may be reserved (by a country policy or on a case): every catalog field
/// except system fields, entity `id` fields (which references need) and the handling and
/// evaluation codes (which every recipient must see).
pub fn reservable(path: &str) -> bool {
    field(path).is_some_and(|f| f.reservable)
}

/// Whether a path names a handling or evaluation code (never reservable).
pub fn is_handling(path: &str) -> bool {
    field(path).is_some_and(|f| f.handling)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn paths_are_unique_and_well_formed() {
        let c = catalog();
        let paths: HashSet<&str> = c.fields.iter().map(|f| f.path).collect();
        assert_eq!(paths.len(), c.fields.len());
        for f in &c.fields {
            assert!(["A", "B", "C", "D", "E", "F", "G", "H", "I", "J", "K", "L"].contains(&f.section));
            assert!(!f.label_es.is_empty() && !f.label_en.is_empty(), "{}", f.path);
            let pd_ok = f.personal_data.split(',').all(|p| ["D", "Q", "S", "N"].contains(&p));
            assert!(pd_ok, "{}", f.path);
            assert!(!(f.system && f.derived), "{}", f.path);
            assert!(!(f.required && (f.system || f.derived)), "{}", f.path);
            assert_eq!(field(f.path), Some(f));
        }
        assert!(field("field_reservations").is_none());
        assert!(field("field_reservations[].path").is_none());
    }

    #[test]
    fn enum_fields_name_catalog_enums_and_companions_match() {
        let c = catalog();
        for f in &c.fields {
            if matches!(f.field_type, FieldType::Enum | FieldType::EnumList) {
                let def = enum_def(f.enum_name.unwrap_or_default());
                assert!(def.is_some(), "{} names no enum", f.path);
                let companion = format!("{}_other", f.path);
                let other = field(&companion);
                assert_eq!(other.is_some(), def.is_some_and(|d| d.other_text), "{companion}");
                if let Some(o) = other {
                    assert_eq!(o.other_of, Some(f.path));
                    assert_eq!(o.default_flag, Flag::Reserved);
                    assert_eq!(o.field_type, FieldType::Text);
                }
            }
            if let Some(base) = f.other_of {
                assert_eq!(format!("{base}_other"), f.path);
            }
            if matches!(f.field_type, FieldType::Text | FieldType::LongText | FieldType::TextList) {
                assert!(f.max_length.is_some(), "{} lacks max_length", f.path);
            }
            if f.field_type.is_list() {
                assert!(f.max_items.is_some(), "{} lacks max_items", f.path);
            }
        }
        // Every enumeration is used by some field.
        for e in &c.enums {
            assert!(c.fields.iter().any(|f| f.enum_name == Some(e.name)), "{} is used by no field", e.name);
        }
    }

    #[test]
    fn spec_limits_and_flags() {
        assert_eq!(field("reporting_agency").and_then(|f| f.max_length), Some(200));
        assert_eq!(field("national_case_reference").and_then(|f| f.max_length), Some(100));
        assert_eq!(field("summary").and_then(|f| f.max_length), Some(10_000));
        assert_eq!(field("detection_locality").and_then(|f| f.max_length), Some(200));
        assert_eq!(field("summary").map(|f| f.default_flag), Some(Flag::Reserved));
        assert_eq!(field("persons[].protection_status").map(|f| f.default_flag), Some(Flag::Reserved));
        assert_eq!(field("persons[].person_role_other").map(|f| f.default_flag), Some(Flag::Reserved));
        assert_eq!(field("sharing.scope").map(|f| f.required), Some(true));
        assert!(reservable("persons[].given_names"));
        assert!(reservable("persons[].age_band"));
        assert!(!reservable("persons[].id"));
        assert!(!reservable("documents[].id"));
        assert!(!reservable("case_id"));
        assert!(!reservable("created_by"));
        assert!(!reservable("persons[0].given_names"));
        assert!(!reservable("nonexistent"));
        for handling in [
            "handling_codes",
            "handling_conditions",
            "source_reliability",
            "information_accuracy",
            "suspects[].source_reliability",
            "suspects[].information_accuracy",
        ] {
            assert!(!reservable(handling) && is_handling(handling), "{handling}");
        }
        assert_eq!(catalog().fields.iter().filter(|f| f.handling).count(), 6);
        assert_eq!(catalog().version, FORMAT_VERSION);
    }

    #[test]
    fn catalog_serializes() {
        let json = serde_json::to_value(catalog()).unwrap();
        assert_eq!(json["version"], FORMAT_VERSION);
        let first = &json["fields"][0];
        assert_eq!(first["path"], "case_id");
        assert_eq!(first["default_flag"], "shared");
        assert_eq!(first["field_type"], "uuid");
        assert!(json["enums"].as_array().is_some_and(|a| a.len() == ALL_ENUMS.len()));
    }
}
