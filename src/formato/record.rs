//! The case record as a client sends it (sections A–L of the catalog, without system and derived
//! fields). Every struct denies unknown fields, so system fields (`case_id`, `version`, …),
//! server-derived fields (`age_band`, `is_minor`, …) and data that must never leave a country
//! (phone, address, photographs, biometrics, DNA) are rejected at deserialization: they simply do
//! not exist here.
//!
//! Conventions: optional values are `Option<T>` and omitted when `None`; multi-valued fields are
//! `Vec<T>` and omitted when empty; dates are ISO 8601 strings checked by
//! [`validate`](mod@super::validate) (`YYYY-MM-DD`, or `YYYY`/`YYYY-MM` where the catalog says
//! partial); decimals are `f64`; fields the catalog marks required are still `Option` here so
//! that [`validate`](super::validate::validate) reports them with the other issues. Every enum
//! field that accepts `other` has a free-text `*_other` companion.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::enums::*;

/// A case as sent by a client: header (A), detection (B), the repeated entities (C–L) and the
/// officer's per-case field reservations.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CaseInput {
    // ---- A. Case header ----
    /// Reporting institution (≤ 200 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reporting_agency: Option<String>,
    /// National case file number (≤ 100 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub national_case_reference: Option<String>,
    /// Type of case (E01). Required.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub case_type: Option<CaseType>,
    /// Status of the case (E02). Required.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub case_status: Option<CaseStatus>,
    /// Reason the case was closed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closure_reason: Option<String>,
    /// Date the case was registered (`YYYY-MM-DD`). Required.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(example = "2025-03-14")]
    pub date_opened: Option<String>,
    /// Date the facts were detected (`YYYY`, `YYYY-MM` or `YYYY-MM-DD`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date_detected: Option<String>,
    /// Summary of the facts (≤ 10,000 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    /// Reliability of the source (SIENA A/B/C/X).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_reliability: Option<SourceReliability>,
    /// Accuracy of the information (SIENA 1–4).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub information_accuracy: Option<InformationAccuracy>,
    /// Handling codes; must contain `h0`. Defaults to `[h0, h2]` when omitted.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub handling_codes: Vec<HandlingCode>,
    /// Conditions of use; required with handling code `h3`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub handling_conditions: Option<String>,
    /// Who sees the case at all. Required (`sharing.scope`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sharing: Option<Sharing>,
    /// Consent of the persons to share the case.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub consent_to_share: Option<ConsentToShare>,
    /// Include in regional statistics (default from the country policy).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub include_in_statistics: Option<bool>,
    /// Regional identifiers of related cases.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schema(value_type = Vec<String>)]
    pub related_case_ids: Vec<Uuid>,

    // ---- B. Detection ----
    /// Country of detection (ISO 3166-1 alpha-2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detection_country: Option<String>,
    /// First-level subdivision (ISO 3166-2 code or text, ≤ 200 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detection_admin1: Option<String>,
    /// Locality or border post (≤ 200 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detection_locality: Option<String>,
    /// Detection setting (E03).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detection_setting: Option<DetectionSetting>,
    /// Text for `detection_setting = other`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detection_setting_other: Option<String>,
    /// Source of the detection (E04).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detection_source: Option<DetectionSource>,
    /// Text for `detection_source = other`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detection_source_other: Option<String>,
    /// Authority that identified the persons (E05).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identifying_authority: Option<IdentifyingAuthority>,
    /// Text for `identifying_authority = other`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identifying_authority_other: Option<String>,
    /// Offences involved (E06).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub offence_types: Vec<OffenceType>,
    /// Text for `other` in `offence_types`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offence_types_other: Option<String>,
    /// Aggravating circumstances (E07).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aggravating_circumstances: Vec<AggravatingCircumstance>,
    /// Text for `other` in `aggravating_circumstances`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aggravating_circumstances_other: Option<String>,
    /// International borders were crossed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transnational: Option<bool>,
    /// Involvement of an organized criminal group.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organized_crime_involvement: Option<OrganizedCrimeInvolvement>,
    /// Number of persons affected (≥ number of `persons`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub persons_affected_count: Option<i64>,
    /// Number of trafficking victims (≥ itemized victims).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub victims_count: Option<i64>,
    /// Number of smuggled migrants (≥ itemized smuggled migrants).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub smuggled_persons_count: Option<i64>,
    /// Number of minors (≥ itemized minors).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub minors_count: Option<i64>,
    /// Number of suspects (≥ number of `suspects`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suspects_count: Option<i64>,
    /// Traveller evaluation indicators (E53).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub traveller_indicators: Vec<TravellerIndicator>,
    /// Text for `other` in `traveller_indicators`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub traveller_indicators_other: Option<String>,
    /// Form of interception.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interception_type: Option<InterceptionType>,
    /// Text for `interception_type = other`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interception_type_other: Option<String>,

    // ---- C–L. Repeated entities ----
    /// Victims and smuggled migrants (C, with exploitation D).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub persons: Vec<Person>,
    /// The smuggling service (E).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub smuggling: Option<Smuggling>,
    /// Traffickers and smugglers (F).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub suspects: Vec<Suspect>,
    /// Minors travelling with adults without a family tie (G).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub minor_companions: Vec<MinorCompanion>,
    /// Travel and identity documents (H).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub documents: Vec<Document>,
    /// Route legs (I).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub route: Vec<RouteLeg>,
    /// Modus operandi (J).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub modus_operandi: Option<ModusOperandi>,
    /// Judicial status per suspect (K).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub proceedings: Vec<Proceeding>,
    /// Assistance and repatriation per person (L).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub assistance: Vec<Assistance>,
    /// Fields the reporting officer reserves on this case, with a reason.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub field_reservations: Vec<FieldReservation>,
}

/// Sharing scope of the case and, for `listed`, the member countries that see it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Sharing {
    /// `network`, `listed` or `national`. Required.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<SharingScope>,
    /// CRM member countries (alpha-2); required and only allowed when `scope = listed`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub countries: Vec<String>,
}

/// A per-case legal reservation added by the reporting officer.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FieldReservation {
    /// Catalog path of the reserved field, e.g. `persons[].given_names`.
    #[schema(example = "persons[].date_of_birth")]
    pub path: String,
    /// Reason of the reservation (≤ 500 characters). Required.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// A victim or smuggled migrant (section C).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Person {
    /// Client-stable identifier, unique in the case. Required.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>, format = "uuid")]
    pub id: Option<Uuid>,
    /// Role of the person in the case (E08). Required.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub person_role: Option<PersonRole>,
    /// Text for `person_role = other`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub person_role_other: Option<String>,
    /// Trafficking-victim status (E09).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trafficking_status: Option<TraffickingStatus>,
    /// Given name(s) (≤ 100 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub given_names: Option<String>,
    /// First surname (≤ 100 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_surname: Option<String>,
    /// Second surname (≤ 100 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub second_surname: Option<String>,
    /// Name as written in the travel document (≤ 100 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name_as_in_document: Option<String>,
    /// Aliases (≤ 20, each ≤ 100 characters).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    /// Sex as in documents (E10).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sex: Option<Sex>,
    /// Gender (E11).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gender: Option<Gender>,
    /// Date of birth (`YYYY`, `YYYY-MM` or `YYYY-MM-DD`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date_of_birth: Option<String>,
    /// Age at detection, 0–120.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub age_years: Option<i64>,
    /// The age is an estimate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub age_is_estimated: Option<bool>,
    /// Age when the exploitation started, 0–120.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub age_at_exploitation_start: Option<i64>,
    /// Citizenship(s) (ISO 3166-1 alpha-2).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub citizenship: Vec<String>,
    /// Country of birth (alpha-2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country_of_birth: Option<String>,
    /// Country of habitual residence (alpha-2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country_of_residence: Option<String>,
    /// Place of origin (≤ 200 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub place_of_origin_admin1: Option<String>,
    /// Main language (ISO 639-1, or ISO 639-3).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub primary_language: Option<String>,
    /// Marital status.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub marital_status: Option<MaritalStatus>,
    /// Number of children, 0–50.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub number_of_children: Option<i64>,
    /// Education level (ISCED 2011).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub education_level: Option<EducationLevel>,
    /// Migration status (E14).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub migration_status: Option<MigrationStatus>,
    /// Text for `migration_status = other`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub migration_status_other: Option<String>,
    /// International protection status (E15).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub protection_status: Option<ProtectionStatus>,
    /// Text for `protection_status = other`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub protection_status_other: Option<String>,
    /// Vulnerability profiles (E16).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub vulnerability_profiles: Vec<VulnerabilityProfile>,
    /// Text for `other` in `vulnerability_profiles`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vulnerability_profiles_other: Option<String>,
    /// The person is deceased.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deceased: Option<bool>,
    /// Exploitation suffered (section D).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exploitation: Option<Exploitation>,
}

/// Exploitation suffered by a person (section D).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Exploitation {
    /// Types of exploitation (E17).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub types: Vec<ExploitationType>,
    /// Text for `other` in `types`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub types_other: Option<String>,
    /// Economic sector of forced labour (E18, ISIC section).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub forced_labour_industry: Option<ForcedLabourIndustry>,
    /// Forms of sexual exploitation (E19).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sexual_exploitation_types: Vec<SexualExploitationType>,
    /// Means of control (E20).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub means_of_control: Vec<MeansOfControl>,
    /// Text for `other` in `means_of_control`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub means_of_control_other: Option<String>,
    /// Recruitment methods (E21).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub recruitment_methods: Vec<RecruitmentMethod>,
    /// Text for `other` in `recruitment_methods`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recruitment_methods_other: Option<String>,
    /// Online platforms used to recruit (E22).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub recruitment_platforms: Vec<OnlinePlatform>,
    /// Text for `other` in `recruitment_platforms`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recruitment_platforms_other: Option<String>,
    /// Online platforms used to exploit (E22).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub exploitation_platforms: Vec<OnlinePlatform>,
    /// Text for `other` in `exploitation_platforms`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exploitation_platforms_other: Option<String>,
    /// Relationship to the recruiter (E23).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub relationship_to_recruiter: Option<RelationshipToPerpetrator>,
    /// Text for `relationship_to_recruiter = other`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub relationship_to_recruiter_other: Option<String>,
    /// There was abduction or kidnapping.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub abduction: Option<bool>,
    /// Country of recruitment (alpha-2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recruitment_country: Option<String>,
    /// Place of recruitment (≤ 200 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recruitment_admin1: Option<String>,
    /// Country of exploitation (alpha-2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exploitation_country: Option<String>,
    /// Place of exploitation (≤ 200 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exploitation_admin1: Option<String>,
    /// Start of the exploitation (partial date).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<String>,
    /// End of the exploitation (partial date, ≥ start).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end: Option<String>,
    /// Debt demanded (≥ 0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub debt_amount: Option<f64>,
    /// Currency of the debt (ISO 4217); required with an amount.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub debt_currency: Option<String>,
}

/// The smuggling service (section E).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Smuggling {
    /// Intended destination country (alpha-2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub intended_destination_country: Option<String>,
    /// Smuggling modes (E26).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub modes: Vec<SmugglingMode>,
    /// Amount paid or agreed (≥ 0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fee_amount: Option<f64>,
    /// Currency of the fee (ISO 4217); required with an amount.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fee_currency: Option<String>,
    /// What the fee covered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fee_scope: Option<FeeScope>,
    /// Payment methods (E31).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub payment_methods: Vec<PaymentMethod>,
    /// Text for `other` in `payment_methods`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_methods_other: Option<String>,
    /// Payment timing (E32).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_timing: Option<PaymentTiming>,
    /// Who paid (E33).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payer: Option<Payer>,
    /// Text for `payer = other`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payer_other: Option<String>,
    /// Services included (E34).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub services_included: Vec<ServiceIncluded>,
    /// Text for `other` in `services_included`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub services_included_other: Option<String>,
    /// Harm suffered in transit (E35).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub harm_in_transit: Vec<HarmInTransit>,
    /// Text for `other` in `harm_in_transit`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub harm_in_transit_other: Option<String>,
    /// Corruption of officials is suspected.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub corruption_suspected: Option<bool>,
    /// There are signs of associated trafficking.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub linked_to_trafficking: Option<bool>,
}

/// A trafficker or smuggler, natural or legal person (section F).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Suspect {
    /// Client-stable identifier, unique in the case. Required.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>, format = "uuid")]
    pub id: Option<Uuid>,
    /// Natural or legal person.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<SuspectKind>,
    /// Given name(s) (≤ 100 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub given_names: Option<String>,
    /// First surname (≤ 100 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_surname: Option<String>,
    /// Second surname (≤ 100 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub second_surname: Option<String>,
    /// Aliases (≤ 20, each ≤ 100 characters).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    /// Name of a legal person (≤ 200 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub legal_person_name: Option<String>,
    /// Sex (E10).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sex: Option<Sex>,
    /// Age, 0–120.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub age_years: Option<i64>,
    /// Citizenship(s) (alpha-2).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub citizenship: Vec<String>,
    /// Roles in the process (E24).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub roles: Vec<PerpetratorRole>,
    /// Text for `other` in `roles`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub roles_other: Option<String>,
    /// Relationship to the victims (E23).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub relationship_to_victims: Option<RelationshipToPerpetrator>,
    /// Text for `relationship_to_victims = other`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub relationship_to_victims_other: Option<String>,
    /// Structure of the group (E25).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group_structure: Option<GroupStructure>,
    /// Name or alias of the group (≤ 200 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group_alias: Option<String>,
    /// Identifiers (phone, account, online profile, plate, document).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub identifiers: Vec<SuspectIdentifier>,
    /// Countries where the suspect operates (alpha-2).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub operating_countries: Vec<String>,
    /// Procedural status (E44).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub procedural_status: Option<ProceduralStatus>,
    /// Text for `procedural_status = other`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub procedural_status_other: Option<String>,
    /// Reliability of the source of this statement.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_reliability: Option<SourceReliability>,
    /// Accuracy of this statement.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub information_accuracy: Option<InformationAccuracy>,
}

/// An identifier of a suspect.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SuspectIdentifier {
    /// Kind of identifier.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<IdentifierKind>,
    /// The identifier (≤ 200 characters). Required.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
}

/// A minor travelling with an adult without a family tie (section G): one per (minor, adult).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MinorCompanion {
    /// The minor: `id` of a `persons[]` entry who is under 18. Required.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>, format = "uuid")]
    pub minor_person_id: Option<Uuid>,
    /// The adult: `id` of a `persons[]` or `suspects[]` entry. Required.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>, format = "uuid")]
    pub adult_ref: Option<Uuid>,
    /// Status of the child (E39).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub child_status: Option<ChildStatus>,
    /// Relationship claimed by the adult (E36).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub claimed_relationship: Option<CompanionRelationship>,
    /// Relationship verified by the authorities (E36).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verified_relationship: Option<CompanionRelationship>,
    /// Verification methods (E37).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub verification_methods: Vec<VerificationMethod>,
    /// Text for `other` in `verification_methods`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verification_methods_other: Option<String>,
    /// Outcome of the verification (E38).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verification_outcome: Option<VerificationOutcome>,
    /// An exit authorization was presented.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exit_authorization_presented: Option<bool>,
    /// The exit authorization was authentic.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exit_authorization_authentic: Option<ExitAuthorizationAuthentic>,
    /// Document fraud was involved.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub document_fraud_involved: Option<bool>,
    /// The document involved: `id` of a `documents[]` entry.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>, format = "uuid")]
    pub document_ref: Option<Uuid>,
    /// Child protection agency the minor was referred to (≤ 200 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub child_protection_agency: Option<String>,
    /// Date of the referral (`YYYY-MM-DD`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub child_protection_referral_date: Option<String>,
    /// A best-interest determination was made.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub best_interest_assessment_done: Option<bool>,
    /// The adult previously crossed with other minors.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous_crossings_with_other_minors: Option<bool>,
}

/// A travel or identity document (section H).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Document {
    /// Client-stable identifier, unique in the case. Required.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>, format = "uuid")]
    pub id: Option<Uuid>,
    /// Holder: `id` of a `persons[]` or `suspects[]` entry.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>, format = "uuid")]
    pub holder_ref: Option<Uuid>,
    /// Type of document (E40).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub document_type: Option<DocumentType>,
    /// Text for `document_type = other`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub document_type_other: Option<String>,
    /// Passport subtype (E40).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub passport_subtype: Option<PassportSubtype>,
    /// Issuing state (ICAO 9303 three-letter code).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(example = "HND")]
    pub issuing_state: Option<String>,
    /// Document number (≤ 100 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub document_number: Option<String>,
    /// Nationality in the document (ICAO 9303 three-letter code).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nationality_in_document: Option<String>,
    /// Date of issue (`YYYY-MM-DD`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date_of_issue: Option<String>,
    /// Date of expiry (`YYYY-MM-DD`, ≥ date of issue; may be in the future).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date_of_expiry: Option<String>,
    /// Type of fraud (E41).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fraud_type: Option<DocumentFraudType>,
    /// Forgery techniques (E42).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub forgery_techniques: Vec<ForgeryTechnique>,
    /// Text for `other` in `forgery_techniques`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub forgery_techniques_other: Option<String>,
    /// Methods of fraudulent acquisition (E43).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fraudulent_acquisition: Vec<FraudulentAcquisition>,
    /// Text for `other` in `fraudulent_acquisition`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fraudulent_acquisition_other: Option<String>,
    /// Where the document was detected (E03).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detection_setting: Option<DetectionSetting>,
    /// Text for `detection_setting = other`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detection_setting_other: Option<String>,
    /// Date the document was detected (`YYYY-MM-DD`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detection_date: Option<String>,
    /// Last embarkation point (≤ 200 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub embarkation_point: Option<String>,
    /// Destination country (alpha-2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub destination_country: Option<String>,
    /// INTERPOL SLTD was queried.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sltd_checked: Option<bool>,
    /// INTERPOL SLTD returned a hit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sltd_hit: Option<bool>,
    /// Security features defeated (≤ 10,000 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub security_features_notes: Option<String>,
}

/// A leg of the route (section I).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RouteLeg {
    /// Order of the leg, ≥ 1 and unique in the case.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seq: Option<i64>,
    /// Stage (E30).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stage: Option<LegStage>,
    /// Country of departure (alpha-2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from_country: Option<String>,
    /// Country of arrival (alpha-2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to_country: Option<String>,
    /// Place of departure (≤ 200 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from_place: Option<String>,
    /// Place of arrival (≤ 200 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to_place: Option<String>,
    /// Type of border crossing (E29).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub border_crossing_type: Option<BorderCrossingType>,
    /// Border crossing point (≤ 200 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub border_crossing_point: Option<String>,
    /// Means of transport (E27).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transport_means: Option<TransportMeans>,
    /// Text for `transport_means = other`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transport_means_other: Option<String>,
    /// Concealment (E28).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub concealment: Option<Concealment>,
    /// Text for `concealment = other`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub concealment_other: Option<String>,
    /// Start of the leg (partial date).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_date: Option<String>,
    /// End of the leg (partial date, ≥ start).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_date: Option<String>,
    /// Facilitators: `id`s of `suspects[]` entries.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schema(value_type = Vec<String>)]
    pub facilitator_refs: Vec<Uuid>,
    /// Amount paid for the leg (≥ 0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fee_amount: Option<f64>,
    /// Currency of the leg fee (ISO 4217); required with an amount.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fee_currency: Option<String>,
}

/// Modus operandi (section J).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ModusOperandi {
    /// Types of deception.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub deception_types: Vec<DeceptionType>,
    /// Text for `other` in `deception_types`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deception_types_other: Option<String>,
    /// Documentary strategy.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub document_strategy: Vec<DocumentStrategy>,
    /// Text for `other` in `document_strategy`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub document_strategy_other: Option<String>,
    /// Technology used (E22 codes plus `online_payment`, `encrypted_messaging`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub technology_used: Vec<TechnologyUsed>,
    /// Text for `other` in `technology_used`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub technology_used_other: Option<String>,
    /// Summary of the recruitment (≤ 10,000 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recruitment_summary: Option<String>,
    /// Summary of the transport (≤ 10,000 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transport_summary: Option<String>,
    /// Financial flows (≤ 10,000 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub financial_flows_summary: Option<String>,
    /// Modus operandi tags from a versioned vocabulary (≤ 50, each ≤ 100 characters).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
}

/// Judicial status of one suspect (section K).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Proceeding {
    /// The accused: `id` of a `suspects[]` entry. Required.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>, format = "uuid")]
    pub suspect_ref: Option<Uuid>,
    /// Procedural status (E44).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub procedural_status: Option<ProceduralStatus>,
    /// Text for `procedural_status = other`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub procedural_status_other: Option<String>,
    /// Legal system.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub legal_system: Option<LegalSystem>,
    /// Charges (E06).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub charges: Vec<OffenceType>,
    /// Text for `other` in `charges`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub charges_other: Option<String>,
    /// Articles charged (≤ 200 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub charges_legal_reference: Option<String>,
    /// Instance (E45).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stage: Option<ProceedingStage>,
    /// Court (≤ 200 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub court_name: Option<String>,
    /// Date of the decision (`YYYY-MM-DD`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decision_date: Option<String>,
    /// Verdict (E46).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verdict: Option<Verdict>,
    /// Prison sentence in months (≥ 0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sentence_months: Option<i64>,
    /// Fine (≥ 0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fine_amount: Option<f64>,
    /// Currency of the fine (ISO 4217); required with an amount.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fine_currency: Option<String>,
    /// Assets were seized.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assets_seized: Option<bool>,
    /// International cooperation (E47).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub international_cooperation: Vec<InternationalCooperation>,
    /// Text for `other` in `international_cooperation`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub international_cooperation_other: Option<String>,
}

/// Assistance and repatriation of one person (section L).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Assistance {
    /// The person: `id` of a `persons[]` entry. Required.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>, format = "uuid")]
    pub person_ref: Option<Uuid>,
    /// Assistance received (E48).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub assistance_types: Vec<AssistanceType>,
    /// Text for `other` in `assistance_types`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assistance_types_other: Option<String>,
    /// Type of provider (E49).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider_type: Option<ProviderType>,
    /// Start of the assistance (`YYYY-MM-DD`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<String>,
    /// End of the assistance (`YYYY-MM-DD`, ≥ start).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end: Option<String>,
    /// A reflection period was granted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reflection_period_granted: Option<bool>,
    /// Regularization or victim visa (≤ 200 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub immigration_relief: Option<String>,
    /// Organization that referred the person (≤ 200 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub referral_in_org: Option<String>,
    /// Date of the incoming referral (`YYYY-MM-DD`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub referral_in_date: Option<String>,
    /// Organization the person was referred to (≤ 200 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub referral_out_org: Option<String>,
    /// Date of the outgoing referral (`YYYY-MM-DD`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub referral_out_date: Option<String>,
    /// Reason of the outgoing referral (E52).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub referral_reason: Option<ReferralReason>,
    /// Text for `referral_reason = other`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub referral_reason_other: Option<String>,
    /// Type of return (E50).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub return_type: Option<ReturnType>,
    /// Status of the return (E51).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub return_status: Option<ReturnStatus>,
    /// Date of return (`YYYY-MM-DD`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub return_date: Option<String>,
    /// Receiving country (alpha-2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub receiving_country: Option<String>,
    /// Receiving liaison: identifier of a contact of the liaison directory (M3).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>, format = "uuid")]
    pub receiving_liaison_id: Option<Uuid>,
    /// The regional guidelines for children were applied.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub child_guidelines_applied: Option<bool>,
    /// Reintegration plan (≤ 10,000 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reintegration_plan: Option<String>,
}
