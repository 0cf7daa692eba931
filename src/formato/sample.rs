//! Deterministic sample cases for tests, demo data and benchmarks.
//!
//! [`full_case`] fills every field of the format (every optional field set somewhere in the case,
//! every list non-empty), [`typical_case`] a smaller, more common case. Both vary with the seed
//! (case type, corridor and countries, sexes, ages, dates within 2019–2026) and are valid
//! according to [`validate`](super::validate::validate) for any date from 2026-11-23 on. The
//! generator is a small splitmix64 PRNG, so the same seed always gives the same case.

use time::{Date, Duration, macros::date};
use uuid::Uuid;

use super::codes::{CRM_MEMBERS, icao_of};
use super::derive::age_on;
use super::enums::*;
use super::record::*;

/// splitmix64: tiny, fast, good enough for sample data.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Self {
        Self(seed ^ 0x5DEE_CE66_D1A4_F87D)
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `lo..=hi`.
    fn range(&mut self, lo: i64, hi: i64) -> i64 {
        let span = (hi - lo).max(0) as u64 + 1;
        lo + (self.next() % span) as i64
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[(self.next() % items.len() as u64) as usize]
    }

    fn uuid(&mut self) -> Uuid {
        let mut bytes = [0u8; 16];
        bytes[..8].copy_from_slice(&self.next().to_le_bytes());
        bytes[8..].copy_from_slice(&self.next().to_le_bytes());
        uuid::Builder::from_random_bytes(bytes).into_uuid()
    }
}

fn add_days(d: Date, days: i64) -> Date {
    d.checked_add(Duration::days(days)).unwrap_or(d)
}

fn iso(d: Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

fn iso_month(d: Date) -> String {
    format!("{:04}-{:02}", d.year(), u8::from(d.month()))
}

fn s(text: &str) -> Option<String> {
    Some(text.to_string())
}

/// Regional corridors, origin first.
const CORRIDORS: &[&[&str]] = &[
    &["HN", "GT", "MX", "US"],
    &["SV", "GT", "MX", "US"],
    &["NI", "HN", "GT", "MX", "US"],
    &["GT", "MX", "US", "CA"],
    &["VE", "CO", "PA", "CR", "NI", "HN", "GT", "MX", "US"],
    &["CU", "NI", "HN", "GT", "MX", "US"],
    &["EC", "CO", "PA", "CR", "NI", "HN", "GT", "MX"],
    &["CN", "EC", "CO", "PA", "CR", "NI", "HN", "GT"],
    &["DO", "PA", "CR", "NI"],
    &["HT", "NI", "HN", "GT", "MX"],
];

const FEMALE_NAMES: &[&str] =
    &["María José", "Ana", "Sofía", "Daniela", "Karla", "Yessenia", "Gabriela", "Lucía", "Dayana", "Wendy"];
const MALE_NAMES: &[&str] =
    &["José", "Carlos", "Luis", "Kevin", "Brayan", "Jorge", "Miguel", "Óscar", "Wilmer", "Elvin"];
const SURNAMES: &[&str] = &[
    "Hernández",
    "López",
    "García",
    "Martínez",
    "Ramírez",
    "Flores",
    "Cruz",
    "Reyes",
    "Mejía",
    "Castillo",
    "Pérez",
    "Morales",
    "Aguilar",
    "Sánchez",
];

/// A town or city of the country, for places of the route.
fn place(country: &str, n: u64) -> &'static str {
    let options: &[&str] = match country {
        "HN" => &["San Pedro Sula", "Tegucigalpa", "Agua Caliente", "Corinto"],
        "GT" => &["Ciudad de Guatemala", "Tecún Umán", "El Florido", "La Mesilla"],
        "MX" => &["Tapachula", "Ciudad Juárez", "Reynosa", "Tijuana"],
        "US" => &["Houston", "El Paso", "Los Ángeles", "McAllen"],
        "SV" => &["San Salvador", "San Miguel", "La Hachadura"],
        "NI" => &["Managua", "Peñas Blancas", "El Guasaule"],
        "CR" => &["San José", "Paso Canoas", "Los Chiles"],
        "PA" => &["Ciudad de Panamá", "Metetí", "Bajo Chiquito"],
        "CO" => &["Necoclí", "Cali", "Bogotá"],
        "VE" => &["Caracas", "Maracaibo"],
        "CU" => &["La Habana"],
        "EC" => &["Quito", "Guayaquil"],
        "CN" => &["Guangzhou", "Fuzhou"],
        "CA" => &["Toronto", "Montreal"],
        "DO" => &["Santo Domingo", "Santiago de los Caballeros"],
        "BZ" => &["Belize City", "Benque Viejo"],
        "HT" => &["Puerto Príncipe"],
        _ => &["Capital"],
    };
    options[(n % options.len() as u64) as usize]
}

/// A known crossing point between two countries of a corridor.
fn border_point(from: &str, to: &str) -> String {
    let known = match (from, to) {
        ("HN", "GT") | ("GT", "HN") => "Agua Caliente",
        ("SV", "GT") | ("GT", "SV") => "La Hachadura – Pedro de Alvarado",
        ("GT", "MX") | ("MX", "GT") => "Tecún Umán – Ciudad Hidalgo",
        ("MX", "US") | ("US", "MX") => "Ciudad Juárez – El Paso",
        ("NI", "HN") | ("HN", "NI") => "El Guasaule",
        ("CR", "NI") | ("NI", "CR") => "Peñas Blancas",
        ("PA", "CR") | ("CR", "PA") => "Paso Canoas",
        ("CO", "PA") | ("PA", "CO") => "Selva del Darién (Capurganá – Bajo Chiquito)",
        ("US", "CA") | ("CA", "US") => "Champlain – Lacolle",
        ("EC", "CO") | ("CO", "EC") => "Puente de Rumichaca",
        ("VE", "CO") | ("CO", "VE") => "Puente Simón Bolívar",
        ("CU", _) | ("HT", _) | ("DO", _) | ("CN", _) => "Aeropuerto internacional de llegada",
        _ => "",
    };
    if known.is_empty() { format!("Frontera {from}–{to}") } else { known.to_string() }
}

fn admin1(country: &str) -> &'static str {
    match country {
        "MX" => "Chiapas",
        "GT" => "San Marcos",
        "HN" => "Ocotepeque",
        "US" => "Texas",
        "SV" => "La Unión",
        "NI" => "Rivas",
        "CR" => "Guanacaste",
        "PA" => "Darién",
        "DO" => "Santo Domingo",
        "BZ" => "Cayo",
        "CA" => "Ontario",
        _ => "Capital",
    }
}

fn agency(country: &str) -> &'static str {
    match country {
        "MX" => "Instituto Nacional de Migración",
        "GT" => "Instituto Guatemalteco de Migración",
        "HN" => "Instituto Nacional de Migración",
        "SV" => "Dirección General de Migración y Extranjería",
        "NI" => "Dirección General de Migración y Extranjería",
        "CR" => "Dirección General de Migración y Extranjería",
        "PA" => "Servicio Nacional de Migración",
        "DO" => "Dirección General de Migración",
        "BZ" => "Immigration and Nationality Department",
        "CA" => "Canada Border Services Agency",
        "US" => "U.S. Department of Homeland Security",
        _ => "Autoridad migratoria",
    }
}

fn child_protection_agency(country: &str) -> &'static str {
    match country {
        "MX" => "Sistema Nacional DIF",
        "GT" => "Procuraduría General de la Nación",
        "HN" => "Dirección de Niñez, Adolescencia y Familia (DINAF)",
        "SV" => "Consejo Nacional de la Primera Infancia, Niñez y Adolescencia",
        "NI" => "Ministerio de la Familia, Adolescencia y Niñez",
        "CR" => "Patronato Nacional de la Infancia (PANI)",
        "PA" => "Secretaría Nacional de Niñez, Adolescencia y Familia (SENNIAF)",
        "DO" => "Consejo Nacional para la Niñez y la Adolescencia (CONANI)",
        "BZ" => "Department of Human Services",
        "CA" => "Provincial child protection services",
        "US" => "Office of Refugee Resettlement",
        _ => "Institución de protección de la niñez",
    }
}

fn currency(country: &str) -> &'static str {
    match country {
        "HN" => "HNL",
        "GT" => "GTQ",
        "MX" => "MXN",
        "NI" => "NIO",
        "CR" => "CRC",
        "CO" => "COP",
        "DO" => "DOP",
        "BZ" => "BZD",
        "CA" => "CAD",
        _ => "USD",
    }
}

fn icao(country: &str) -> Option<String> {
    icao_of(country).map(str::to_string)
}

fn legal_system(country: &str) -> LegalSystem {
    match country {
        "US" | "BZ" => LegalSystem::CommonLaw,
        "CA" => LegalSystem::Mixed,
        _ => LegalSystem::CivilLaw,
    }
}

/// Member countries of the corridor other than the reporting country (at least one).
fn recipients(corridor: &[&str], reporting_country: &str) -> Vec<String> {
    let mut out: Vec<String> = corridor
        .iter()
        .filter(|c| CRM_MEMBERS.contains(c) && **c != reporting_country)
        .map(|c| c.to_string())
        .collect();
    if out.is_empty() {
        let fallback = if reporting_country == "MX" { "GT" } else { "MX" };
        out.push(fallback.to_string());
    }
    out
}

struct Names {
    given: &'static str,
    first: &'static str,
    second: &'static str,
}

fn names(rng: &mut Rng, sex: Sex) -> Names {
    let given = if sex == Sex::Female { rng.pick(FEMALE_NAMES) } else { rng.pick(MALE_NAMES) };
    Names { given, first: rng.pick(SURNAMES), second: rng.pick(SURNAMES) }
}

/// A date of birth giving an age between `min` and `max` at `at`, and that age.
fn birth(rng: &mut Rng, at: Date, min: i64, max: i64) -> (Date, i64) {
    let age = rng.range(min, max);
    let dob = add_days(at, -(age * 365 + age / 4 + rng.range(1, 300)));
    (dob, age_on(dob, at))
}

/// Plan of one person of the full case.
struct PersonPlan {
    role: PersonRole,
    sex: Sex,
    min_age: i64,
    max_age: i64,
    citizenship: &'static str,
}

/// A case with every field of the format filled: every optional field is set in at least one
/// entity, every list is non-empty; it holds a minor travelling with an unrelated adult (a
/// suspect), a false passport, a route along a regional corridor, smuggling and exploitation.
pub fn full_case(seed: u64, reporting_country: &str) -> CaseInput {
    let mut rng = Rng::new(seed);
    let corridor = rng.pick(CORRIDORS);
    let origin = corridor[0];
    let destination = corridor[corridor.len() - 1];
    let detected = add_days(date!(2019 - 01 - 01), rng.range(0, 2550));
    let opened = add_days(detected, rng.range(0, 5));
    let rc = reporting_country;

    // ---- persons ----
    let plans = [
        PersonPlan {
            role: PersonRole::TraffickingVictim,
            sex: Sex::Female,
            min_age: 19,
            max_age: 35,
            citizenship: origin,
        },
        PersonPlan {
            role: PersonRole::AccompaniedMinor,
            sex: rng.pick(&[Sex::Female, Sex::Male]),
            min_age: 4,
            max_age: 16,
            citizenship: origin,
        },
        PersonPlan {
            role: PersonRole::TraffickingAndSmuggled,
            sex: rng.pick(&[Sex::Male, Sex::Female]),
            min_age: 18,
            max_age: 45,
            citizenship: corridor[1],
        },
        PersonPlan {
            role: PersonRole::SmuggledMigrant,
            sex: rng.pick(&[Sex::Male, Sex::Female, Sex::Unspecified]),
            min_age: 20,
            max_age: 60,
            citizenship: origin,
        },
        PersonPlan {
            role: PersonRole::Other,
            sex: rng.pick(&[Sex::Female, Sex::Male]),
            min_age: 30,
            max_age: 70,
            citizenship: origin,
        },
    ];
    let mut persons = Vec::new();
    for (i, plan) in plans.iter().enumerate() {
        persons.push(full_person(&mut rng, i, plan, corridor, detected, rc));
    }
    let minor_id = persons[1].id;

    // ---- suspects ----
    let guide_id = rng.uuid();
    let company_id = rng.uuid();
    let guide_sex = rng.pick(&[Sex::Male, Sex::Female]);
    let guide_names = names(&mut rng, guide_sex);
    let suspects = vec![
        Suspect {
            id: Some(guide_id),
            kind: Some(SuspectKind::NaturalPerson),
            given_names: s(guide_names.given),
            first_surname: s(guide_names.first),
            second_surname: s(guide_names.second),
            aliases: vec![format!("El {}", rng.pick(&["Chele", "Flaco", "Tío", "Güero"]))],
            legal_person_name: None,
            sex: Some(guide_sex),
            age_years: Some(rng.range(25, 55)),
            citizenship: vec![corridor[1].to_string()],
            roles: vec![PerpetratorRole::Guide, PerpetratorRole::Smuggler, PerpetratorRole::Other],
            roles_other: s("Se hacía pasar por familiar del NNA"),
            relationship_to_victims: Some(RelationshipToPerpetrator::Stranger),
            relationship_to_victims_other: None,
            group_structure: Some(rng.pick(&[GroupStructure::LooseNetwork, GroupStructure::OrganizedCriminalGroup])),
            group_alias: s("Los del Norte"),
            identifiers: vec![
                SuspectIdentifier {
                    kind: Some(IdentifierKind::Phone),
                    value: Some(format!("+502 5{:03} {:04}", rng.range(0, 999), rng.range(0, 9999))),
                },
                SuspectIdentifier {
                    kind: Some(IdentifierKind::OnlineProfile),
                    value: Some(format!("facebook.com/viajes.seguros.{}", rng.range(100, 999))),
                },
                SuspectIdentifier {
                    kind: Some(IdentifierKind::VehiclePlate),
                    value: Some(format!("C-{:03}BCD", rng.range(0, 999))),
                },
            ],
            operating_countries: corridor[..corridor.len().min(4)].iter().map(|c| c.to_string()).collect(),
            procedural_status: Some(ProceduralStatus::Convicted),
            procedural_status_other: None,
            source_reliability: Some(rng.pick(&[SourceReliability::A, SourceReliability::B])),
            information_accuracy: Some(
                rng.pick(&[InformationAccuracy::KnownWithoutReservation, InformationAccuracy::KnownToSource]),
            ),
        },
        Suspect {
            id: Some(company_id),
            kind: Some(SuspectKind::LegalPerson),
            legal_person_name: Some(format!(
                "Agencia de Empleos {} S.A.",
                rng.pick(&["Futuro", "Horizonte", "Oportunidad", "Norte"])
            )),
            aliases: vec!["Empleos USA".to_string()],
            citizenship: vec![destination.to_string()],
            roles: vec![PerpetratorRole::RecruiterOrIntermediary, PerpetratorRole::Exploiter],
            relationship_to_victims: Some(RelationshipToPerpetrator::Other),
            relationship_to_victims_other: s("Empresa que ofreció empleo en el extranjero"),
            group_structure: Some(GroupStructure::OrganizedCriminalGroup),
            identifiers: vec![
                SuspectIdentifier {
                    kind: Some(IdentifierKind::Account),
                    value: Some(format!("Cuenta {:010}", rng.range(0, 9_999_999_999))),
                },
                SuspectIdentifier {
                    kind: Some(IdentifierKind::Document),
                    value: Some(format!("Registro mercantil {:06}", rng.range(0, 999_999))),
                },
            ],
            operating_countries: vec![origin.to_string(), destination.to_string()],
            procedural_status: Some(ProceduralStatus::Other),
            procedural_status_other: s("Cierre administrativo y orden de captura del representante"),
            source_reliability: Some(SourceReliability::C),
            information_accuracy: Some(InformationAccuracy::Corroborated),
            ..Default::default()
        },
    ];

    // ---- documents ----
    let passport_id = rng.uuid();
    let id_card_id = rng.uuid();
    let other_doc_id = rng.uuid();
    let issue_date = |rng: &mut Rng| add_days(detected, -rng.range(200, 3000));
    let passport_issue = issue_date(&mut rng);
    let card_issue = issue_date(&mut rng);
    let other_issue = issue_date(&mut rng);
    let fake_state = rng.pick(&["MX", "GT", "US", "SV", "HN"]);
    let documents = vec![
        Document {
            id: Some(passport_id),
            holder_ref: minor_id,
            document_type: Some(DocumentType::Passport),
            document_type_other: None,
            passport_subtype: Some(PassportSubtype::Ordinary),
            issuing_state: icao(fake_state),
            document_number: Some(format!("{}{:07}", rng.pick(&["A", "G", "E", "P"]), rng.range(0, 9_999_999))),
            nationality_in_document: icao(fake_state),
            date_of_issue: Some(iso(passport_issue)),
            date_of_expiry: Some(iso(add_days(passport_issue, 365 * 5 + 1))),
            fraud_type: Some(rng.pick(&[
                DocumentFraudType::Counterfeit,
                DocumentFraudType::Forged,
                DocumentFraudType::Impostor,
                DocumentFraudType::FraudulentlyObtainedGenuine,
                DocumentFraudType::StolenBlank,
            ])),
            forgery_techniques: vec![
                ForgeryTechnique::PhotoSubstitution,
                ForgeryTechnique::DataAlteration,
                ForgeryTechnique::Other,
            ],
            forgery_techniques_other: s("Reimpresión de la página de datos con impresora de inyección"),
            fraudulent_acquisition: vec![FraudulentAcquisition::BoughtFromSmuggler, FraudulentAcquisition::Other],
            fraudulent_acquisition_other: s("Incluido en el pago al guía"),
            detection_setting: Some(rng.pick(&[DetectionSetting::AirBcp, DetectionSetting::LandBcp])),
            detection_setting_other: None,
            detection_date: Some(iso(detected)),
            embarkation_point: Some(place(corridor[corridor.len() - 2], rng.next()).to_string()),
            destination_country: Some(destination.to_string()),
            sltd_checked: Some(true),
            sltd_hit: Some(rng.chance(30)),
            security_features_notes: s(
                "Laminado con burbujas, microimpresión ausente y tinta ópticamente variable imitada.",
            ),
        },
        Document {
            id: Some(id_card_id),
            holder_ref: persons[0].id,
            document_type: Some(DocumentType::IdentityCard),
            issuing_state: icao(origin),
            document_number: Some(format!(
                "{:04}-{:04}-{:05}",
                rng.range(0, 9999),
                rng.range(1960, 2008),
                rng.range(0, 99_999)
            )),
            nationality_in_document: icao(origin),
            date_of_issue: Some(iso(card_issue)),
            date_of_expiry: Some(iso(add_days(card_issue, 365 * 10 + 2))),
            fraud_type: Some(DocumentFraudType::GenuineNoFraud),
            detection_setting: Some(DetectionSetting::InlandCheckpoint),
            detection_date: Some(iso(detected)),
            embarkation_point: Some(place(origin, rng.next()).to_string()),
            destination_country: Some(destination.to_string()),
            sltd_checked: Some(true),
            sltd_hit: Some(false),
            ..Default::default()
        },
        Document {
            id: Some(other_doc_id),
            holder_ref: Some(guide_id),
            document_type: Some(DocumentType::Other),
            document_type_other: s("Constancia de tránsito emitida por autoridad local"),
            issuing_state: icao(corridor[1]),
            document_number: Some(format!("CT-{:06}", rng.range(0, 999_999))),
            nationality_in_document: icao(corridor[1]),
            date_of_issue: Some(iso(other_issue)),
            date_of_expiry: Some(iso(add_days(other_issue, 90))),
            fraud_type: Some(DocumentFraudType::PseudoDocument),
            forgery_techniques: vec![ForgeryTechnique::StampFalsification],
            fraudulent_acquisition: vec![FraudulentAcquisition::CorruptOfficial],
            detection_setting: Some(DetectionSetting::Other),
            detection_setting_other: s("Terminal de autobuses internacionales"),
            detection_date: Some(iso(detected)),
            embarkation_point: Some(place(corridor[1], rng.next()).to_string()),
            destination_country: Some(destination.to_string()),
            sltd_checked: Some(false),
            sltd_hit: Some(false),
            security_features_notes: s("Sello húmedo falsificado."),
            ..Default::default()
        },
    ];

    // ---- route ----
    let legs = corridor.len() - 1;
    let mut route = Vec::new();
    let mut leg_start = add_days(detected, -(legs as i64) * 12 - rng.range(0, 30));
    for i in 0..legs {
        let (from, to) = (corridor[i], corridor[i + 1]);
        let leg_end = add_days(leg_start, rng.range(1, 10));
        let unofficial = rng.chance(60);
        let (transport, transport_other) = if i == 0 {
            (TransportMeans::Other, s("Mototaxi hasta la frontera"))
        } else {
            (
                rng.pick(&[
                    TransportMeans::Bus,
                    TransportMeans::TruckOrTrailer,
                    TransportMeans::OnFoot,
                    TransportMeans::PrivateVehicle,
                    TransportMeans::RiverCrossing,
                ]),
                None,
            )
        };
        let (concealment, concealment_other) = if i == legs - 1 {
            (Concealment::Other, s("Vestidos como trabajadores agrícolas"))
        } else {
            (rng.pick(&[Concealment::None, Concealment::HiddenCompartment, Concealment::AmongCargo]), None)
        };
        route.push(RouteLeg {
            seq: Some(i as i64 + 1),
            stage: Some(if i == 0 {
                LegStage::Departure
            } else if i == legs - 1 {
                LegStage::Arrival
            } else {
                LegStage::Transit
            }),
            from_country: Some(from.to_string()),
            to_country: Some(to.to_string()),
            from_place: Some(place(from, rng.next()).to_string()),
            to_place: Some(place(to, rng.next()).to_string()),
            border_crossing_type: Some(if unofficial {
                BorderCrossingType::UnofficialCrossing
            } else {
                BorderCrossingType::OfficialBcp
            }),
            border_crossing_point: Some(border_point(from, to)),
            transport_means: Some(transport),
            transport_means_other: transport_other,
            concealment: Some(concealment),
            concealment_other,
            start_date: Some(iso(leg_start)),
            end_date: Some(iso(leg_end)),
            facilitator_refs: vec![guide_id],
            fee_amount: Some(rng.range(50, 2500) as f64),
            fee_currency: Some(currency(from).to_string()),
        });
        leg_start = add_days(leg_end, rng.range(0, 3));
    }

    // ---- minor companion ----
    let minor_companions = vec![MinorCompanion {
        minor_person_id: minor_id,
        adult_ref: Some(guide_id),
        child_status: Some(ChildStatus::AccompaniedByUnrelatedAdult),
        claimed_relationship: Some(rng.pick(&[
            CompanionRelationship::UncleAunt,
            CompanionRelationship::Father,
            CompanionRelationship::Mother,
            CompanionRelationship::OtherRelative,
        ])),
        verified_relationship: Some(CompanionRelationship::None),
        verification_methods: vec![
            VerificationMethod::DocumentCheck,
            VerificationMethod::Interview,
            VerificationMethod::Other,
        ],
        verification_methods_other: s("Videollamada con la madre en el país de origen"),
        verification_outcome: Some(VerificationOutcome::Fraudulent),
        exit_authorization_presented: Some(true),
        exit_authorization_authentic: Some(ExitAuthorizationAuthentic::No),
        document_fraud_involved: Some(true),
        document_ref: Some(passport_id),
        child_protection_agency: s(child_protection_agency(rc)),
        child_protection_referral_date: Some(iso(add_days(detected, 1))),
        best_interest_assessment_done: Some(true),
        previous_crossings_with_other_minors: Some(rng.chance(50)),
    }];

    // ---- proceedings ----
    let decision = add_days(opened, rng.range(90, 250));
    let proceedings = vec![
        Proceeding {
            suspect_ref: Some(guide_id),
            procedural_status: Some(ProceduralStatus::Convicted),
            procedural_status_other: None,
            legal_system: Some(legal_system(rc)),
            charges: vec![OffenceType::SomEnablingIllegalEntry, OffenceType::TipSexualExploitation, OffenceType::Other],
            charges_other: s("Falsedad ideológica en documento de menor"),
            charges_legal_reference: s("Arts. 318 y 342 del Código Penal"),
            stage: Some(ProceedingStage::FirstInstance),
            court_name: Some(format!("Tribunal de Sentencia de {}", place(rc, 0))),
            decision_date: Some(iso(decision)),
            verdict: Some(rng.pick(&[Verdict::Guilty, Verdict::PartlyGuilty])),
            sentence_months: Some(rng.range(24, 180)),
            fine_amount: Some(rng.range(1, 50) as f64 * 1000.0),
            fine_currency: Some(currency(rc).to_string()),
            assets_seized: Some(rng.chance(50)),
            international_cooperation: vec![
                InternationalCooperation::MutualLegalAssistance,
                InternationalCooperation::InformationExchangeCrm,
                InternationalCooperation::Other,
            ],
            international_cooperation_other: s("Reunión bilateral de fiscales"),
        },
        Proceeding {
            suspect_ref: Some(company_id),
            procedural_status: Some(ProceduralStatus::Other),
            procedural_status_other: s("Proceso contra la persona jurídica suspendido"),
            legal_system: Some(legal_system(rc)),
            charges: vec![OffenceType::TipForcedLabour, OffenceType::MoneyLaundering],
            stage: Some(ProceedingStage::FirstInstance),
            ..Default::default()
        },
    ];

    // ---- assistance ----
    let mut assistance = Vec::new();
    for (i, p) in persons.iter().enumerate() {
        let start = add_days(detected, rng.range(0, 3));
        let end = add_days(start, rng.range(30, 120));
        let minor = i == 1;
        let back_home = p.citizenship.first().cloned();
        let (reason, reason_other) = if i == 4 {
            (ReferralReason::Other, s("Solicitud de la familia"))
        } else {
            (ReferralReason::AdditionalServicesRequired, None)
        };
        assistance.push(Assistance {
            person_ref: p.id,
            assistance_types: vec![AssistanceType::Shelter, AssistanceType::Psychosocial, AssistanceType::Other],
            assistance_types_other: s("Acompañamiento a audiencias"),
            provider_type: Some(rng.pick(&[
                ProviderType::Ngo,
                ProviderType::CentralGovernment,
                ProviderType::InternationalOrganization,
            ])),
            start: Some(iso(start)),
            end: Some(iso(end)),
            reflection_period_granted: Some(!minor),
            immigration_relief: s(if rc == "US" {
                "Visa T en trámite"
            } else {
                "Residencia temporal por razones humanitarias"
            }),
            referral_in_org: s(agency(rc)),
            referral_in_date: Some(iso(start)),
            referral_out_org: s(if minor {
                child_protection_agency(rc)
            } else {
                "Organización Internacional para las Migraciones"
            }),
            referral_out_date: Some(iso(add_days(start, 5))),
            referral_reason: Some(reason),
            referral_reason_other: reason_other,
            return_type: Some(if minor {
                ReturnType::ChildRepatriationCrmGuidelines
            } else {
                rng.pick(&[ReturnType::AssistedVoluntaryReturn, ReturnType::RepatriationVictimProtocol])
            }),
            return_status: Some(ReturnStatus::Completed),
            return_date: Some(iso(add_days(end, 5))),
            receiving_country: back_home,
            receiving_liaison_id: Some(rng.uuid()),
            child_guidelines_applied: Some(minor),
            reintegration_plan: s("Reinserción escolar, apoyo psicosocial y seguimiento mensual por seis meses."),
        });
    }

    let victims = persons
        .iter()
        .filter(|p| matches!(p.person_role, Some(PersonRole::TraffickingVictim | PersonRole::TraffickingAndSmuggled)))
        .count() as i64;
    let smuggled = persons
        .iter()
        .filter(|p| matches!(p.person_role, Some(PersonRole::SmuggledMigrant | PersonRole::TraffickingAndSmuggled)))
        .count() as i64;
    let extra = rng.range(0, 12);
    let case_type =
        rng.pick(&[CaseType::Mixed, CaseType::Trafficking, CaseType::Smuggling, CaseType::MinorWithUnrelatedAdult]);
    let fee = rng.range(3, 15) as f64 * 1000.0;

    CaseInput {
        reporting_agency: s(agency(rc)),
        national_case_reference: Some(format!("{rc}-{}-{:05}", opened.year(), rng.range(1, 99_999))),
        case_type: Some(case_type),
        case_status: Some(rng.pick(&[CaseStatus::Closed, CaseStatus::ClosedReferred])),
        closure_reason: s("Sentencia firme y repatriación de las víctimas concluida."),
        date_opened: Some(iso(opened)),
        date_detected: Some(if rng.chance(20) { iso_month(detected) } else { iso(detected) }),
        summary: Some(format!(
            "Grupo de {} personas de origen {} detectado en {} con un guía que viajaba con un NNA sin vínculo familiar y pasaporte falso. Varias personas fueron captadas con ofertas de empleo falsas.",
            persons.len() as i64 + extra,
            origin,
            place(rc, 0)
        )),
        source_reliability: Some(rng.pick(&[SourceReliability::A, SourceReliability::B])),
        information_accuracy: Some(
            rng.pick(&[InformationAccuracy::KnownWithoutReservation, InformationAccuracy::Corroborated]),
        ),
        handling_codes: vec![HandlingCode::H0, HandlingCode::H2, HandlingCode::H3],
        handling_conditions: s("Consultar a la autoridad remitente antes de contactar a las víctimas."),
        sharing: Some(Sharing { scope: Some(SharingScope::Listed), countries: recipients(corridor, rc) }),
        consent_to_share: Some(rng.pick(&[ConsentToShare::Given, ConsentToShare::NotApplicable])),
        include_in_statistics: Some(true),
        related_case_ids: vec![rng.uuid(), rng.uuid()],
        detection_country: s(rc),
        detection_admin1: s(admin1(rc)),
        detection_locality: s(place(rc, rng.next())),
        detection_setting: Some(DetectionSetting::Other),
        detection_setting_other: s("Terminal de autobuses internacionales"),
        detection_source: Some(DetectionSource::Other),
        detection_source_other: s("Denuncia de un conductor de transporte público"),
        identifying_authority: Some(IdentifyingAuthority::Other),
        identifying_authority_other: s("Unidad conjunta de migración y fiscalía"),
        offence_types: vec![
            OffenceType::SomEnablingIllegalEntry,
            OffenceType::TipSexualExploitation,
            OffenceType::Other,
        ],
        offence_types_other: s("Uso de documento falso"),
        aggravating_circumstances: vec![
            AggravatingCircumstance::MinorInvolved,
            AggravatingCircumstance::EndangeringLifeOrSafety,
            AggravatingCircumstance::Other,
        ],
        aggravating_circumstances_other: s("Abandono del grupo en zona despoblada"),
        transnational: Some(true),
        organized_crime_involvement: Some(
            rng.pick(&[OrganizedCrimeInvolvement::Yes, OrganizedCrimeInvolvement::Suspected]),
        ),
        persons_affected_count: Some(persons.len() as i64 + extra),
        victims_count: Some(victims + rng.range(0, 3)),
        smuggled_persons_count: Some(smuggled + extra),
        minors_count: Some(1 + rng.range(0, 2)),
        suspects_count: Some(suspects.len() as i64 + rng.range(0, 3)),
        traveller_indicators: vec![
            TravellerIndicator::MinorWithUnrelatedAdult,
            TravellerIndicator::DocumentAnomaly,
            TravellerIndicator::Other,
        ],
        traveller_indicators_other: s("Boletos comprados en efectivo el mismo día"),
        interception_type: Some(InterceptionType::Other),
        interception_type_other: s("Revisión rutinaria de autobús"),
        persons,
        smuggling: Some(Smuggling {
            intended_destination_country: s(destination),
            modes: vec![SmugglingMode::Land, SmugglingMode::Sea],
            fee_amount: Some(fee),
            fee_currency: s("USD"),
            fee_scope: Some(rng.pick(&[FeeScope::FullJourney, FeeScope::PerGroup])),
            payment_methods: vec![PaymentMethod::Cash, PaymentMethod::MoneyTransferService, PaymentMethod::Other],
            payment_methods_other: s("Entrega de escritura de un terreno"),
            payment_timing: Some(rng.pick(&[PaymentTiming::Upfront, PaymentTiming::Instalments, PaymentTiming::Mixed])),
            payer: Some(Payer::Other),
            payer_other: s("Préstamo de un prestamista local"),
            services_included: vec![ServiceIncluded::Transport, ServiceIncluded::Guide, ServiceIncluded::Other],
            services_included_other: s("Tres intentos de cruce"),
            harm_in_transit: vec![HarmInTransit::Extortion, HarmInTransit::Abandonment, HarmInTransit::Other],
            harm_in_transit_other: s("Deshidratación"),
            corruption_suspected: Some(rng.chance(40)),
            linked_to_trafficking: Some(true),
        }),
        suspects,
        minor_companions,
        documents,
        route,
        modus_operandi: Some(ModusOperandi {
            deception_types: vec![DeceptionType::FalseJobOffer, DeceptionType::MigrationPromise, DeceptionType::Other],
            deception_types_other: s("Promesa de asilo garantizado"),
            document_strategy: vec![DocumentStrategy::FraudulentDocuments, DocumentStrategy::Other],
            document_strategy_other: s("Actas de nacimiento de otros niños"),
            technology_used: vec![
                TechnologyUsed::Facebook,
                TechnologyUsed::Whatsapp,
                TechnologyUsed::EncryptedMessaging,
                TechnologyUsed::Other,
            ],
            technology_used_other: s("Aplicación de geolocalización compartida"),
            recruitment_summary: s("Ofertas de empleo en restaurantes publicadas en grupos de redes sociales."),
            transport_summary: s("Traslado en autobús y a pie con cruces por pasos no habilitados."),
            financial_flows_summary: s("Pagos por remesadora a nombre de terceros en el país de destino."),
            tags: vec![
                "oferta_laboral_falsa".to_string(),
                "casa_de_seguridad".to_string(),
                "pasaporte_falso".to_string(),
            ],
        }),
        proceedings,
        assistance,
        field_reservations: vec![
            FieldReservation {
                path: "persons[].place_of_origin_admin1".to_string(),
                reason: s("Riesgo de represalias contra la familia (Ley de protección de víctimas, art. 12)"),
            },
            FieldReservation {
                path: "suspects[].legal_person_name".to_string(),
                reason: s("Investigación patrimonial en curso"),
            },
        ],
    }
}

fn full_person(
    rng: &mut Rng,
    index: usize,
    plan: &PersonPlan,
    corridor: &[&str],
    detected: Date,
    reporting_country: &str,
) -> Person {
    let (dob, age) = birth(rng, detected, plan.min_age, plan.max_age);
    let n = names(rng, plan.sex);
    let exploitation_start = add_days(detected, -rng.range(60, 720));
    let exploitation_end = add_days(detected, -rng.range(0, 30));
    let destination = corridor[corridor.len() - 1];
    let sexual = plan.sex == Sex::Female && index == 0;
    let minor = age < 18;
    let is_other = plan.role == PersonRole::Other;
    Person {
        id: Some(rng.uuid()),
        person_role: Some(plan.role),
        person_role_other: is_other.then(|| "Familiar que denunció los hechos".to_string()),
        trafficking_status: Some(match plan.role {
            PersonRole::TraffickingVictim | PersonRole::TraffickingAndSmuggled => TraffickingStatus::IdentifiedVictim,
            PersonRole::AccompaniedMinor => TraffickingStatus::PossibleVictim,
            _ => TraffickingStatus::NotAVictim,
        }),
        given_names: s(n.given),
        first_surname: s(n.first),
        second_surname: s(n.second),
        name_as_in_document: Some(format!("{} {} {}", n.given, n.first, n.second).to_uppercase()),
        aliases: vec![format!(
            "{}{}",
            n.given.chars().take(3).collect::<String>(),
            if plan.sex == Sex::Female { "ita" } else { "ito" }
        )],
        sex: Some(plan.sex),
        gender: Some(match plan.sex {
            Sex::Female => Gender::Feminine,
            Sex::Male => Gender::Masculine,
            _ => Gender::NotSpecified,
        }),
        // One person has only a year of birth (a partial date).
        date_of_birth: Some(if index == 3 { dob.year().to_string() } else { iso(dob) }),
        age_years: Some(age),
        age_is_estimated: Some(index == 3),
        age_at_exploitation_start: Some(age_on(dob, exploitation_start).max(0)),
        citizenship: vec![plan.citizenship.to_string()],
        country_of_birth: s(plan.citizenship),
        country_of_residence: s(plan.citizenship),
        place_of_origin_admin1: s(place(plan.citizenship, rng.next())),
        primary_language: s(if plan.citizenship == "CN" {
            "zh"
        } else if rng.chance(15) {
            "quc"
        } else {
            "es"
        }),
        marital_status: Some(if minor {
            MaritalStatus::Single
        } else {
            rng.pick(&[MaritalStatus::Single, MaritalStatus::Married, MaritalStatus::Separated])
        }),
        number_of_children: Some(if minor { 0 } else { rng.range(0, 4) }),
        education_level: Some(if minor {
            EducationLevel::Primary
        } else {
            rng.pick(&[EducationLevel::Primary, EducationLevel::LowerSecondary, EducationLevel::UpperSecondary])
        }),
        migration_status: Some(if index == 3 { MigrationStatus::Other } else { MigrationStatus::Irregular }),
        migration_status_other: (index == 3).then(|| "Permiso de tránsito vencido".to_string()),
        protection_status: Some(if is_other { ProtectionStatus::Other } else { ProtectionStatus::None }),
        protection_status_other: is_other.then(|| "Medidas de protección como testigo".to_string()),
        vulnerability_profiles: if minor {
            vec![VulnerabilityProfile::SeparatedChild, VulnerabilityProfile::Other]
        } else {
            vec![VulnerabilityProfile::VictimOfCrimeInTransit, VulnerabilityProfile::Other]
        },
        vulnerability_profiles_other: s("Sin redes de apoyo en el país de detección"),
        deceased: Some(false),
        exploitation: Some(Exploitation {
            types: if sexual {
                vec![ExploitationType::SexualExploitation, ExploitationType::Other]
            } else {
                vec![ExploitationType::ForcedLabour, ExploitationType::Other]
            },
            types_other: s("Cobro de deudas a familiares"),
            forced_labour_industry: Some(rng.pick(&[
                ForcedLabourIndustry::Agriculture,
                ForcedLabourIndustry::AccommodationAndFood,
                ForcedLabourIndustry::Households,
                ForcedLabourIndustry::Construction,
            ])),
            sexual_exploitation_types: vec![if sexual {
                SexualExploitationType::Prostitution
            } else {
                SexualExploitationType::Unknown
            }],
            means_of_control: vec![
                MeansOfControl::DebtBondage,
                MeansOfControl::WithholdsDocuments,
                MeansOfControl::Threats,
                MeansOfControl::Other,
            ],
            means_of_control_other: s("Vigilancia por cámaras"),
            recruitment_methods: vec![RecruitmentMethod::OnlineSocialNetwork, RecruitmentMethod::Other],
            recruitment_methods_other: s("Contacto en la iglesia de la comunidad"),
            recruitment_platforms: vec![OnlinePlatform::Facebook, OnlinePlatform::Other],
            recruitment_platforms_other: s("Grupo de empleos local"),
            exploitation_platforms: vec![OnlinePlatform::Whatsapp, OnlinePlatform::Other],
            exploitation_platforms_other: s("Sitio de anuncios clasificados"),
            relationship_to_recruiter: Some(if index == 2 {
                RelationshipToPerpetrator::Other
            } else {
                RelationshipToPerpetrator::Acquaintance
            }),
            relationship_to_recruiter_other: (index == 2).then(|| "Excompañero de trabajo".to_string()),
            abduction: Some(false),
            recruitment_country: s(plan.citizenship),
            recruitment_admin1: s(place(plan.citizenship, rng.next())),
            exploitation_country: s(if index == 0 { reporting_country } else { destination }),
            exploitation_admin1: s(admin1(if index == 0 { reporting_country } else { destination })),
            start: Some(if index == 2 { iso_month(exploitation_start) } else { iso(exploitation_start) }),
            end: Some(iso(exploitation_end)),
            debt_amount: Some(rng.range(1, 20) as f64 * 500.0),
            debt_currency: s("USD"),
        }),
    }
}

/// A typical, smaller case: 3 persons (one of them a minor), 1 suspect, 2 documents (one a false
/// passport), 3 route legs, and only the commonly filled fields; network-wide sharing and the
/// default handling codes.
pub fn typical_case(seed: u64, reporting_country: &str) -> CaseInput {
    let mut rng = Rng::new(seed.wrapping_mul(31).wrapping_add(7));
    let corridor = rng.pick(CORRIDORS);
    let origin = corridor[0];
    let detected = add_days(date!(2019 - 01 - 01), rng.range(0, 2800));
    let opened = add_days(detected, rng.range(0, 3));
    let case_type = rng.pick(&[CaseType::Smuggling, CaseType::Trafficking, CaseType::Mixed]);
    let adult_role = match case_type {
        CaseType::Trafficking => PersonRole::TraffickingVictim,
        CaseType::Mixed => PersonRole::TraffickingAndSmuggled,
        _ => PersonRole::SmuggledMigrant,
    };

    let mut persons = Vec::new();
    for i in 0..3 {
        let sex = rng.pick(&[Sex::Female, Sex::Male]);
        let (min, max) = if i == 2 { (3, 17) } else { (18, 50) };
        let (dob, age) = birth(&mut rng, detected, min, max);
        let citizenship = if rng.chance(80) { origin } else { corridor[1] };
        persons.push(Person {
            id: Some(rng.uuid()),
            person_role: Some(if i == 2 { PersonRole::AccompaniedMinor } else { adult_role }),
            sex: Some(sex),
            date_of_birth: rng.chance(50).then(|| iso(dob)),
            age_years: Some(age),
            citizenship: vec![citizenship.to_string()],
            vulnerability_profiles: if i == 2 {
                vec![VulnerabilityProfile::SeparatedChild]
            } else {
                vec![VulnerabilityProfile::VictimOfCrimeInTransit]
            },
            ..Default::default()
        });
    }
    let suspect_id = rng.uuid();
    let suspect = Suspect {
        id: Some(suspect_id),
        kind: Some(SuspectKind::NaturalPerson),
        sex: Some(Sex::Male),
        age_years: Some(rng.range(22, 60)),
        citizenship: vec![corridor[1].to_string()],
        roles: vec![PerpetratorRole::Smuggler, PerpetratorRole::Guide],
        procedural_status: Some(rng.pick(&[
            ProceduralStatus::UnderInvestigation,
            ProceduralStatus::Charged,
            ProceduralStatus::Convicted,
        ])),
        ..Default::default()
    };
    let issued = add_days(detected, -rng.range(100, 2000));
    let fake = rng.pick(&["MX", "US", "GT"]);
    let documents = vec![
        Document {
            id: Some(rng.uuid()),
            holder_ref: persons[0].id,
            document_type: Some(DocumentType::Passport),
            passport_subtype: Some(PassportSubtype::Ordinary),
            issuing_state: icao(fake),
            nationality_in_document: icao(fake),
            fraud_type: Some(rng.pick(&[DocumentFraudType::Counterfeit, DocumentFraudType::Impostor])),
            detection_setting: Some(DetectionSetting::LandBcp),
            detection_date: Some(iso(detected)),
            ..Default::default()
        },
        Document {
            id: Some(rng.uuid()),
            holder_ref: persons[1].id,
            document_type: Some(DocumentType::IdentityCard),
            issuing_state: icao(origin),
            date_of_issue: Some(iso(issued)),
            date_of_expiry: Some(iso(add_days(issued, 3650))),
            fraud_type: Some(DocumentFraudType::GenuineNoFraud),
            ..Default::default()
        },
    ];
    let mut route = Vec::new();
    let mut start = add_days(detected, -rng.range(20, 60));
    for i in 0..3 {
        let end = add_days(start, rng.range(1, 6));
        route.push(RouteLeg {
            seq: Some(i + 1),
            from_country: Some(corridor[i as usize].to_string()),
            to_country: Some(corridor[i as usize + 1].to_string()),
            border_crossing_type: Some(
                rng.pick(&[BorderCrossingType::OfficialBcp, BorderCrossingType::UnofficialCrossing]),
            ),
            transport_means: Some(rng.pick(&[
                TransportMeans::Bus,
                TransportMeans::OnFoot,
                TransportMeans::TruckOrTrailer,
            ])),
            start_date: Some(iso(start)),
            end_date: Some(iso(end)),
            ..Default::default()
        });
        start = end;
    }
    CaseInput {
        reporting_agency: s(agency(reporting_country)),
        case_type: Some(case_type),
        case_status: Some(rng.pick(&[CaseStatus::Active, CaseStatus::FollowUp, CaseStatus::Closed])),
        date_opened: Some(iso(opened)),
        date_detected: Some(iso(detected)),
        handling_codes: vec![HandlingCode::H0, HandlingCode::H2],
        sharing: Some(Sharing { scope: Some(SharingScope::Network), countries: Vec::new() }),
        detection_country: s(reporting_country),
        detection_setting: Some(rng.pick(&[
            DetectionSetting::LandBcp,
            DetectionSetting::InlandCheckpoint,
            DetectionSetting::UnofficialCrossing,
        ])),
        offence_types: vec![OffenceType::SomEnablingIllegalEntry],
        persons_affected_count: Some(3 + rng.range(0, 10)),
        minors_count: Some(1),
        suspects_count: Some(1),
        persons,
        smuggling: Some(Smuggling {
            intended_destination_country: s(corridor[corridor.len() - 1]),
            fee_amount: Some(rng.range(2, 15) as f64 * 1000.0),
            fee_currency: s("USD"),
            ..Default::default()
        }),
        suspects: vec![suspect],
        documents,
        route,
        proceedings: vec![Proceeding {
            suspect_ref: Some(suspect_id),
            charges: vec![OffenceType::SomEnablingIllegalEntry],
            ..Default::default()
        }],
        ..Default::default()
    }
}
