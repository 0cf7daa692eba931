//! Every enumeration of the format: E01–E53 of the specification (section 6) and the inline value
//! lists of the field catalog (section 5), each as a Rust enum whose serde codes are the exact
//! spec codes, with Spanish (authoritative) and English labels.
//!
//! One macro invocation defines all of them, so that the Rust type, its serde codes, its labels
//! and the catalog's value list can never drift apart. Every enum accepts `unknown`; enums whose
//! [`EnumInfo::other_text`] is true accept `other` with a free-text `*_other` companion field.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Description of one enumeration, for the served catalog.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EnumInfo {
    /// Catalog name of the enumeration, e.g. `case_type`, `offence_type`, `source_reliability`.
    pub name: &'static str,
    /// Specification number (`E01`…`E53`), `None` for the catalog's inline lists.
    pub code: Option<&'static str>,
    /// Name of the Rust type (and of its OpenAPI schema).
    pub rust_name: &'static str,
    /// Spanish label of the enumeration.
    pub label_es: &'static str,
    /// English label of the enumeration.
    pub label_en: &'static str,
    /// Whether the value `other` requires a free-text `*_other` companion (⊕).
    pub other_text: bool,
    /// `(code, Spanish label, English label)` of every value, in catalog order.
    pub values: &'static [(&'static str, &'static str, &'static str)],
}

/// Behaviour shared by every enumeration of the format.
pub trait FormatoEnum: Copy + Eq + 'static {
    /// Catalog description of the enumeration.
    const INFO: EnumInfo;
    /// The serde code of this value.
    fn code(self) -> &'static str;
    /// Whether this value is `other` (needs its `*_other` text when [`EnumInfo::other_text`]).
    fn is_other(self) -> bool {
        self.code() == "other"
    }
    /// Whether this value is `unknown`.
    fn is_unknown(self) -> bool {
        self.code() == "unknown"
    }
}

macro_rules! formato_enums {
    ($(
        $(#[doc = $doc:literal])*
        $name:ident = $cname:literal, $code:expr, $other:literal, $les:literal, $len:literal {
            $( $var:ident = $vcode:tt, $ves:literal, $ven:literal; )+
        }
    )+) => {
        $(
            $(#[doc = $doc])*
            // Every variant carries its exact code in `#[serde(rename)]`, because codes such as
            // `0_8`, `4sale` or `self` cannot be derived from a Rust name. The codes are taken
            // as `tt`, not `literal`: utoipa does not see a `literal` fragment and would fall
            // back to `rename_all` in the OpenAPI schema.
            #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
            #[serde(rename_all = "snake_case")]
            pub enum $name {
                $(
                    #[doc = $ven]
                    #[serde(rename = $vcode)]
                    $var,
                )+
            }

            impl $name {
                /// `(code, Spanish label, English label)` of every value.
                pub const VALUES: &'static [(&'static str, &'static str, &'static str)] =
                    &[$(($vcode, $ves, $ven),)+];
                /// Every value, in catalog order.
                pub const ALL: &'static [Self] = &[$(Self::$var,)+];

                /// The serde code of this value.
                pub const fn code(self) -> &'static str {
                    match self { $(Self::$var => $vcode,)+ }
                }

                /// The value with this serde code.
                pub fn from_code(code: &str) -> Option<Self> {
                    match code { $($vcode => Some(Self::$var),)+ _ => None }
                }

                /// Spanish label of this value.
                pub const fn label_es(self) -> &'static str {
                    match self { $(Self::$var => $ves,)+ }
                }

                /// English label of this value.
                pub const fn label_en(self) -> &'static str {
                    match self { $(Self::$var => $ven,)+ }
                }
            }

            impl FormatoEnum for $name {
                const INFO: EnumInfo = EnumInfo {
                    name: $cname,
                    code: $code,
                    rust_name: stringify!($name),
                    label_es: $les,
                    label_en: $len,
                    other_text: $other,
                    values: $name::VALUES,
                };
                fn code(self) -> &'static str {
                    $name::code(self)
                }
            }

            impl std::fmt::Display for $name {
                fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                    f.write_str(self.code())
                }
            }
        )+

        /// Every enumeration of the format, in specification order (E01–E53, then inline lists).
        pub const ALL_ENUMS: &[EnumInfo] = &[$(<$name as FormatoEnum>::INFO,)+];

        /// Test support: every code that does not survive a serde round trip, or whose
        /// `from_code`/`code` disagree, as `"enum.code"`.
        #[cfg(test)]
        pub(crate) fn serde_roundtrip_failures() -> Vec<String> {
            let mut failures = Vec::new();
            $(
                for (code, _, _) in $name::VALUES {
                    let parsed: Result<$name, _> =
                        serde_json::from_value(serde_json::Value::String((*code).to_string()));
                    let ok = match parsed {
                        Ok(v) => {
                            serde_json::to_value(v).ok()
                                == Some(serde_json::Value::String((*code).to_string()))
                                && $name::from_code(code) == Some(v)
                                && v.code() == *code
                        }
                        Err(_) => false,
                    };
                    if !ok {
                        failures.push(format!("{}.{}", $cname, code));
                    }
                }
                if $name::ALL.len() != $name::VALUES.len() {
                    failures.push(format!("{}: ALL and VALUES differ", $cname));
                }
            )+
            failures
        }
    };
}

formato_enums! {
    /// E01 Type of case.
    CaseType = "case_type", Some("E01"), false, "Tipo de caso", "Case type" {
        Trafficking = "trafficking", "Trata de personas", "Trafficking in persons";
        Smuggling = "smuggling", "Tráfico ilícito de migrantes", "Smuggling of migrants";
        Mixed = "mixed", "Trata y tráfico", "Trafficking and smuggling";
        MinorWithUnrelatedAdult = "minor_with_unrelated_adult",
            "NNA con adulto sin vínculo familiar, sin delito determinado aún",
            "Minor with an unrelated adult, no offence determined yet";
        Unknown = "unknown", "Desconocido", "Unknown";
    }

    /// E02 Status of the case.
    CaseStatus = "case_status", Some("E02"), false, "Estado del caso", "Case status" {
        Active = "active", "Activo", "Active";
        FollowUp = "follow_up", "Seguimiento", "Follow-up";
        Closed = "closed", "Cerrado", "Closed";
        ClosedReferred = "closed_referred", "Cerrado – referido", "Closed – referred";
        Unknown = "unknown", "Desconocido", "Unknown";
    }

    /// E03 Place where the facts or the document were detected.
    DetectionSetting = "detection_setting", Some("E03"), true, "Lugar de detección",
        "Detection setting" {
        AirBcp = "air_bcp", "Puesto fronterizo aéreo", "Air border crossing point";
        LandBcp = "land_bcp", "Puesto fronterizo terrestre", "Land border crossing point";
        SeaPort = "sea_port", "Puesto marítimo o fluvial", "Sea or river port";
        UnofficialCrossing = "unofficial_crossing", "Paso no habilitado (punto ciego)",
            "Unofficial crossing (blind spot)";
        InlandCheckpoint = "inland_checkpoint", "Control interno", "Inland checkpoint";
        Workplace = "workplace", "Centro de trabajo", "Workplace";
        Residence = "residence", "Vivienda", "Residence";
        PublicSpace = "public_space", "Espacio público", "Public space";
        Online = "online", "En línea", "Online";
        Consulate = "consulate", "Consulado", "Consulate";
        ShelterOrService = "shelter_or_service", "Albergue o servicio de atención",
            "Shelter or service provider";
        Other = "other", "Otro", "Other";
        Unknown = "unknown", "Desconocido", "Unknown";
    }

    /// E04 Source of the detection.
    DetectionSource = "detection_source", Some("E04"), true, "Origen de la detección",
        "Detection source" {
        MigrationControl = "migration_control", "Control migratorio", "Migration control";
        PoliceOperation = "police_operation", "Operativo policial", "Police operation";
        LabourInspection = "labour_inspection", "Inspección laboral", "Labour inspection";
        Prosecutor = "prosecutor", "Fiscalía", "Prosecutor";
        VictimSelfReport = "victim_self_report", "Denuncia de la víctima", "Victim self-report";
        ThirdPartyReport = "third_party_report", "Denuncia de terceros", "Third-party report";
        Hotline = "hotline", "Línea de denuncia", "Hotline";
        NgoReferral = "ngo_referral", "Referencia de ONG", "NGO referral";
        ConsularReferral = "consular_referral", "Referencia consular", "Consular referral";
        HealthService = "health_service", "Servicio de salud", "Health service";
        ForeignAuthorityAlert = "foreign_authority_alert", "Alerta de otro país",
            "Alert from a foreign authority";
        Other = "other", "Otro", "Other";
        Unknown = "unknown", "Desconocido", "Unknown";
    }

    /// E05 Authority that determined the status of the persons.
    IdentifyingAuthority = "identifying_authority", Some("E05"), true,
        "Autoridad que identificó", "Identifying authority" {
        Police = "police", "Policía", "Police";
        Ngo = "ngo", "Organización no gubernamental", "Non-governmental organization";
        CourtOrProsecution = "court_or_prosecution", "Tribunal o fiscalía",
            "Court or prosecution";
        NonPoliceGovernment = "non_police_government", "Institución pública no policial",
            "Non-police government agency";
        ImmigrationService = "immigration_service", "Servicio de migración",
            "Immigration service";
        Other = "other", "Otra", "Other";
        Unknown = "unknown", "Desconocida", "Unknown";
    }

    /// E06 Offence involved (also the charges of a proceeding).
    OffenceType = "offence_type", Some("E06"), true, "Delito", "Offence" {
        TipSexualExploitation = "tip_sexual_exploitation",
            "Trata con fines de explotación sexual",
            "Trafficking for sexual exploitation";
        TipForcedLabour = "tip_forced_labour", "Trata con fines de trabajo forzoso",
            "Trafficking for forced labour";
        TipOrganRemoval = "tip_organ_removal", "Trata con fines de extracción de órganos",
            "Trafficking for organ removal";
        TipOtherPurpose = "tip_other_purpose", "Trata con otros fines",
            "Trafficking for other purposes";
        SomEnablingIllegalEntry = "som_enabling_illegal_entry",
            "Tráfico ilícito: facilitar la entrada ilegal",
            "Smuggling: enabling illegal entry";
        SomEnablingIllegalStay = "som_enabling_illegal_stay",
            "Tráfico ilícito: facilitar la permanencia ilegal",
            "Smuggling: enabling illegal stay";
        SomDocumentFraud = "som_document_fraud",
            "Producir, procurar, facilitar o poseer documentos fraudulentos para el tráfico",
            "Producing, procuring, providing or possessing fraudulent documents for smuggling";
        Corruption = "corruption", "Corrupción", "Corruption";
        MoneyLaundering = "money_laundering", "Lavado de activos", "Money laundering";
        OtherRelated = "other_related", "Otro delito conexo", "Other related offence";
        Other = "other", "Otro", "Other";
        Unknown = "unknown", "Desconocido", "Unknown";
    }

    /// E07 Aggravating circumstance.
    AggravatingCircumstance = "aggravating_circumstance", Some("E07"), true,
        "Circunstancia agravante", "Aggravating circumstance" {
        EndangeringLifeOrSafety = "endangering_life_or_safety",
            "Puso en peligro la vida o la seguridad", "Endangering life or safety";
        InhumanOrDegradingTreatment = "inhuman_or_degrading_treatment",
            "Trato inhumano o degradante", "Inhuman or degrading treatment";
        Exploitation = "exploitation", "Explotación", "Exploitation";
        MinorInvolved = "minor_involved", "Participación de NNA", "Minor involved";
        Death = "death", "Muerte", "Death";
        SeriousInjury = "serious_injury", "Lesiones graves", "Serious injury";
        SexualViolence = "sexual_violence", "Violencia sexual", "Sexual violence";
        KidnappingOrExtortion = "kidnapping_or_extortion", "Secuestro o extorsión",
            "Kidnapping or extortion";
        PublicOfficialInvolved = "public_official_involved", "Participación de funcionario público",
            "Public official involved";
        Other = "other", "Otra", "Other";
        Unknown = "unknown", "Desconocida", "Unknown";
    }

    /// E08 Role of an affected person in the case.
    PersonRole = "person_role", Some("E08"), true, "Calidad de la persona", "Role of the person" {
        TraffickingVictim = "trafficking_victim", "Víctima de trata", "Trafficking victim";
        SmuggledMigrant = "smuggled_migrant", "Migrante objeto de tráfico", "Smuggled migrant";
        TraffickingAndSmuggled = "trafficking_and_smuggled",
            "Víctima de trata y migrante objeto de tráfico",
            "Trafficking victim and smuggled migrant";
        AccompaniedMinor = "accompanied_minor", "NNA acompañado", "Accompanied minor";
        Witness = "witness", "Testigo", "Witness";
        Other = "other", "Otra", "Other";
        Unknown = "unknown", "Desconocida", "Unknown";
    }

    /// E09 Trafficking-victim status.
    TraffickingStatus = "trafficking_status", Some("E09"), false,
        "Estatus de víctima de trata", "Trafficking victim status" {
        PossibleVictim = "possible_victim", "Posible víctima", "Possible victim";
        IdentifiedVictim = "identified_victim", "Víctima identificada", "Identified victim";
        NotAVictim = "not_a_victim", "No es víctima", "Not a victim";
        Unknown = "unknown", "Desconocido", "Unknown";
    }

    /// E10 Sex as in travel documents (ICAO F/M/X).
    Sex = "sex", Some("E10"), false, "Sexo", "Sex" {
        Female = "female", "Femenino (F)", "Female (F)";
        Male = "male", "Masculino (M)", "Male (M)";
        Unspecified = "unspecified", "No especificado (X)", "Unspecified (X)";
        Unknown = "unknown", "Desconocido", "Unknown";
    }

    /// E11 Gender (HTCDS list).
    Gender = "gender", Some("E11"), false, "Género", "Gender" {
        Feminine = "feminine", "Femenino", "Feminine";
        Masculine = "masculine", "Masculino", "Masculine";
        TransgenderFeminine = "transgender_feminine", "Mujer trans", "Transgender feminine";
        TransgenderMasculine = "transgender_masculine", "Hombre trans", "Transgender masculine";
        NonConforming = "non_conforming", "No conforme / no binario",
            "Gender non-conforming";
        NotSpecified = "not_specified", "No especificado", "Not specified";
        Unknown = "unknown", "Desconocido", "Unknown";
    }

    /// E12 Age band (derived by the server; CTDC ageBroad).
    AgeBand = "age_band", Some("E12"), false, "Grupo de edad", "Age band" {
        Age0To8 = "0_8", "0 a 8 años", "0–8 years";
        Age9To17 = "9_17", "9 a 17 años", "9–17 years";
        Age18To20 = "18_20", "18 a 20 años", "18–20 years";
        Age21To23 = "21_23", "21 a 23 años", "21–23 years";
        Age24To26 = "24_26", "24 a 26 años", "24–26 years";
        Age27To29 = "27_29", "27 a 29 años", "27–29 years";
        Age30To38 = "30_38", "30 a 38 años", "30–38 years";
        Age39To47 = "39_47", "39 a 47 años", "39–47 years";
        Age48Plus = "48_plus", "48 años o más", "48 years or more";
        Unknown = "unknown", "Desconocido", "Unknown";
    }

    /// E13 Origin class (derived by the server).
    OriginClass = "origin_class", Some("E13"), false, "Origen intra/extrarregional",
        "Intra/extra-regional origin" {
        National = "national", "Nacional (país que reporta)", "National (reporting country)";
        IntraRegional = "intra_regional", "Intrarregional (país miembro de la CRM)",
            "Intra-regional (CRM member country)";
        ExtraRegional = "extra_regional", "Extrarregional (país no miembro)",
            "Extra-regional (non-member country)";
        Unknown = "unknown", "Desconocido", "Unknown";
    }

    /// E14 Migration status.
    MigrationStatus = "migration_status", Some("E14"), true, "Situación migratoria",
        "Migration status" {
        RegularVisitor = "regular_visitor", "Regular: visitante", "Regular: visitor";
        RegularLabour = "regular_labour", "Regular: trabajador", "Regular: labour";
        RegularStudent = "regular_student", "Regular: estudiante", "Regular: student";
        RegularFamily = "regular_family", "Regular: reunificación familiar", "Regular: family";
        Irregular = "irregular", "Irregular", "Irregular";
        Returnee = "returnee", "Retornado", "Returnee";
        Deportee = "deportee", "Deportado", "Deportee";
        Stranded = "stranded", "Varado", "Stranded";
        Other = "other", "Otra", "Other";
        Unknown = "unknown", "Desconocida", "Unknown";
    }

    /// E15 International protection status.
    ProtectionStatus = "protection_status", Some("E15"), true, "Protección internacional",
        "International protection" {
        None = "none", "Ninguna", "None";
        AsylumSeeker = "asylum_seeker", "Solicitante de asilo", "Asylum seeker";
        Refugee = "refugee", "Refugiado", "Refugee";
        ComplementaryProtection = "complementary_protection", "Protección complementaria",
            "Complementary protection";
        Stateless = "stateless", "Apátrida", "Stateless";
        Other = "other", "Otra", "Other";
        Unknown = "unknown", "Desconocida", "Unknown";
    }

    /// E16 Vulnerability profile (CRM regional profiles).
    VulnerabilityProfile = "vulnerability_profile", Some("E16"), true,
        "Perfil de vulnerabilidad", "Vulnerability profile" {
        TraffickingVictim = "trafficking_victim", "Víctima de trata", "Trafficking victim";
        UnaccompaniedChild = "unaccompanied_child", "NNA no acompañado", "Unaccompanied child";
        SeparatedChild = "separated_child", "NNA separado", "Separated child";
        VictimOfCrimeInTransit = "victim_of_crime_in_transit",
            "Víctima de delito en el trayecto (robo, violación, abuso, secuestro)",
            "Victim of crime in transit (robbery, rape, abuse, kidnapping)";
        AsylumSeekerOrRefugee = "asylum_seeker_or_refugee", "Solicitante de asilo o refugiado",
            "Asylum seeker or refugee";
        ExtraRegionalMigrant = "extra_regional_migrant", "Migrante extrarregional",
            "Extra-regional migrant";
        Pregnant = "pregnant", "Embarazada", "Pregnant";
        PersonWithDisability = "person_with_disability", "Persona con discapacidad",
            "Person with disability";
        OlderPerson = "older_person", "Persona adulta mayor", "Older person";
        Other = "other", "Otro", "Other";
        Unknown = "unknown", "Desconocido", "Unknown";
    }

    /// E17 Type of exploitation.
    ExploitationType = "type_of_exploitation", Some("E17"), true, "Finalidad de explotación",
        "Type of exploitation" {
        ForcedLabour = "forced_labour", "Trabajo forzoso", "Forced labour";
        SexualExploitation = "sexual_exploitation", "Explotación sexual", "Sexual exploitation";
        ChildLabour = "child_labour", "Trabajo infantil", "Child labour";
        ForcedMarriage = "forced_marriage", "Matrimonio forzado", "Forced marriage";
        Servitude = "servitude", "Servidumbre", "Servitude";
        ForcedMilitaryNonState = "forced_military_non_state",
            "Reclutamiento forzado por grupos armados no estatales",
            "Forced recruitment by non-state armed groups";
        OrganRemoval = "organ_removal", "Extracción de órganos", "Organ removal";
        ForcedBegging = "forced_begging", "Mendicidad forzada", "Forced begging";
        ForcedAdoption = "forced_adoption", "Adopción irregular o forzada", "Forced adoption";
        Surrogacy = "surrogacy", "Gestación subrogada forzada", "Forced surrogacy";
        ForcedCriminality = "forced_criminality", "Actividades delictivas forzadas",
            "Forced criminality";
        Other = "other", "Otra", "Other";
        Unknown = "unknown", "Desconocida", "Unknown";
    }

    /// E18 Economic sector of forced labour (ISIC Rev. 4 section letter).
    ForcedLabourIndustry = "forced_labour_industry", Some("E18"), false, "Sector económico",
        "Economic sector" {
        Agriculture = "a", "A. Agricultura, ganadería, silvicultura y pesca",
            "A. Agriculture, forestry and fishing";
        Mining = "b", "B. Explotación de minas y canteras", "B. Mining and quarrying";
        Manufacturing = "c", "C. Industrias manufactureras", "C. Manufacturing";
        Energy = "d", "D. Suministro de electricidad, gas, vapor y aire acondicionado",
            "D. Electricity, gas, steam and air conditioning supply";
        WaterAndWaste = "e",
            "E. Suministro de agua; evacuación de aguas residuales, gestión de desechos y descontaminación",
            "E. Water supply; sewerage, waste management and remediation activities";
        Construction = "f", "F. Construcción", "F. Construction";
        Trade = "g",
            "G. Comercio al por mayor y al por menor; reparación de vehículos automotores y motocicletas",
            "G. Wholesale and retail trade; repair of motor vehicles and motorcycles";
        TransportAndStorage = "h", "H. Transporte y almacenamiento",
            "H. Transportation and storage";
        AccommodationAndFood = "i", "I. Actividades de alojamiento y de servicio de comidas",
            "I. Accommodation and food service activities";
        InformationAndCommunication = "j", "J. Información y comunicaciones",
            "J. Information and communication";
        Finance = "k", "K. Actividades financieras y de seguros",
            "K. Financial and insurance activities";
        RealEstate = "l", "L. Actividades inmobiliarias", "L. Real estate activities";
        Professional = "m", "M. Actividades profesionales, científicas y técnicas",
            "M. Professional, scientific and technical activities";
        AdministrativeSupport = "n", "N. Actividades de servicios administrativos y de apoyo",
            "N. Administrative and support service activities";
        PublicAdministration = "o",
            "O. Administración pública y defensa; planes de seguridad social de afiliación obligatoria",
            "O. Public administration and defence; compulsory social security";
        Education = "p", "P. Enseñanza", "P. Education";
        HealthAndSocialWork = "q", "Q. Actividades de atención de la salud humana y de asistencia social",
            "Q. Human health and social work activities";
        ArtsAndEntertainment = "r", "R. Actividades artísticas, de entretenimiento y recreativas",
            "R. Arts, entertainment and recreation";
        OtherServices = "s", "S. Otras actividades de servicios", "S. Other service activities";
        Households = "t", "T. Actividades de los hogares como empleadores (trabajo doméstico)",
            "T. Activities of households as employers (domestic work)";
        Extraterritorial = "u", "U. Actividades de organizaciones y órganos extraterritoriales",
            "U. Activities of extraterritorial organizations and bodies";
        Unknown = "unknown", "Desconocido", "Unknown";
    }

    /// E19 Form of sexual exploitation.
    SexualExploitationType = "sexual_exploitation_type", Some("E19"), false,
        "Modalidad de explotación sexual", "Form of sexual exploitation" {
        Prostitution = "prostitution", "Explotación de la prostitución ajena",
            "Exploitation of prostitution";
        Pornography = "pornography", "Pornografía", "Pornography";
        RemoteInteractiveServices = "remote_interactive_services",
            "Servicios sexuales interactivos a distancia", "Remote interactive sexual services";
        PrivateSexualServices = "private_sexual_services", "Servicios sexuales privados",
            "Private sexual services";
        Unknown = "unknown", "Desconocida", "Unknown";
    }

    /// E20 Means of control.
    MeansOfControl = "means_of_control", Some("E20"), true, "Medio de control",
        "Means of control" {
        DebtBondage = "debt_bondage", "Servidumbre por deudas", "Debt bondage";
        TakesEarnings = "takes_earnings", "Retención de ganancias", "Takes earnings";
        RestrictsFinancialAccess = "restricts_financial_access", "Restricción del acceso a dinero",
            "Restricts financial access";
        Threats = "threats", "Amenazas", "Threats";
        ThreatsLawEnforcement = "threats_law_enforcement",
            "Amenaza de denuncia a la policía o a migración",
            "Threat of reporting to police or immigration";
        ThreatensChildrenFamily = "threatens_children_family", "Amenazas a hijos o familia",
            "Threatens children or family";
        PsychologicalAbuse = "psychological_abuse", "Abuso psicológico", "Psychological abuse";
        PhysicalAbuse = "physical_abuse", "Abuso físico", "Physical abuse";
        SexualAbuse = "sexual_abuse", "Abuso sexual", "Sexual abuse";
        FalsePromises = "false_promises", "Falsas promesas", "False promises";
        PsychoactiveSubstances = "psychoactive_substances", "Sustancias psicoactivas",
            "Psychoactive substances";
        RestrictsMovement = "restricts_movement", "Restricción de movimiento",
            "Restricts movement";
        RestrictsMedicalCare = "restricts_medical_care", "Restricción de atención médica",
            "Restricts medical care";
        ExcessiveWorkingHours = "excessive_working_hours", "Jornadas excesivas",
            "Excessive working hours";
        UsesChildren = "uses_children", "Utiliza a los hijos", "Uses children";
        WithholdsNecessities = "withholds_necessities", "Privación de necesidades básicas",
            "Withholds necessities";
        WithholdsDocuments = "withholds_documents", "Retención de documentos",
            "Withholds documents";
        Other = "other", "Otro", "Other";
        Unknown = "unknown", "Desconocido", "Unknown";
    }

    /// E21 Recruitment method.
    RecruitmentMethod = "recruitment_method", Some("E21"), true, "Forma de captación",
        "Recruitment method" {
        PlaceOfBusiness = "place_of_business", "Establecimiento comercial", "Place of business";
        EducationalInstitution = "educational_institution", "Centro educativo",
            "Educational institution";
        AtWork = "at_work", "En el trabajo", "At work";
        OnlineSocialNetwork = "online_social_network", "Red social en línea",
            "Online social network";
        OnlineAdvertisement = "online_advertisement", "Anuncio en línea", "Online advertisement";
        TvAdvert = "tv_advert", "Anuncio en televisión", "TV advertisement";
        NewspaperAdvert = "newspaper_advert", "Anuncio en periódico", "Newspaper advertisement";
        FamilyOrFamilyEvent = "family_or_family_event", "Familia o evento familiar",
            "Family or family event";
        FriendsOrSocialEvent = "friends_or_social_event", "Amistades o evento social",
            "Friends or social event";
        Other = "other", "Otra", "Other";
        Unknown = "unknown", "Desconocida", "Unknown";
    }

    /// E22 Online platform (HTCDS application list).
    OnlinePlatform = "online_platform", Some("E22"), true, "Plataforma en línea",
        "Online platform" {
        Facebook = "facebook", "Facebook", "Facebook";
        Instagram = "instagram", "Instagram", "Instagram";
        Whatsapp = "whatsapp", "WhatsApp", "WhatsApp";
        Telegram = "telegram", "Telegram", "Telegram";
        FacebookMessenger = "facebook_messenger", "Facebook Messenger", "Facebook Messenger";
        Viber = "viber", "Viber", "Viber";
        Snapchat = "snapchat", "Snapchat", "Snapchat";
        Line = "line", "LINE", "LINE";
        FourSale = "4sale", "4Sale", "4Sale";
        Wechat = "wechat", "WeChat", "WeChat";
        Qq = "qq", "QQ", "QQ";
        Qzone = "qzone", "Qzone", "Qzone";
        Tiktok = "tiktok", "TikTok", "TikTok";
        TwitterX = "twitter_x", "X (Twitter)", "X (Twitter)";
        Other = "other", "Otra", "Other";
        Unknown = "unknown", "Desconocida", "Unknown";
    }

    /// E23 Relationship to the recruiter or perpetrator.
    RelationshipToPerpetrator = "relationship_to_perpetrator", Some("E23"), true,
        "Relación con el responsable", "Relationship to perpetrator" {
        IntimatePartner = "intimate_partner", "Pareja sentimental", "Intimate partner";
        Family = "family", "Familiar", "Family member";
        Friend = "friend", "Amistad", "Friend";
        Acquaintance = "acquaintance", "Conocido", "Acquaintance";
        Stranger = "stranger", "Desconocido sin relación previa", "Stranger";
        Employer = "employer", "Empleador", "Employer";
        Other = "other", "Otra", "Other";
        Unknown = "unknown", "Desconocida", "Unknown";
    }

    /// E24 Role of a suspect in the process.
    PerpetratorRole = "perpetrator_role", Some("E24"), true, "Rol en el proceso",
        "Role in the process" {
        TravellingPartner = "travelling_partner", "Acompañante de viaje", "Travelling partner";
        Transporter = "transporter", "Transportista", "Transporter";
        RecruiterOrIntermediary = "recruiter_or_intermediary", "Captador o intermediario",
            "Recruiter or intermediary";
        BrokerTravelAgent = "broker_travel_agent", "Gestor o agente de viajes",
            "Broker or travel agent";
        Transferred = "transferred", "Trasladó", "Transferred";
        Harboured = "harboured", "Acogió u ocultó", "Harboured";
        Sold = "sold", "Vendió", "Sold";
        Bought = "bought", "Compró", "Bought";
        Received = "received", "Recibió", "Received";
        Controlled = "controlled", "Controló", "Controlled";
        Smuggler = "smuggler", "Traficante de migrantes", "Smuggler";
        Abuser = "abuser", "Agresor", "Abuser";
        Kidnapper = "kidnapper", "Secuestrador", "Kidnapper";
        Exploiter = "exploiter", "Explotador", "Exploiter";
        Organizer = "organizer", "Organizador", "Organizer";
        Guide = "guide", "Guía (coyote)", "Guide (coyote)";
        Driver = "driver", "Conductor", "Driver";
        BoatOperator = "boat_operator", "Lanchero o capitán", "Boat operator";
        DocumentProvider = "document_provider", "Falsificador o proveedor de documentos",
            "Document forger or provider";
        SafeHouseKeeper = "safe_house_keeper", "Encargado de casa de seguridad",
            "Safe-house keeper";
        MoneyCollector = "money_collector", "Cobrador", "Money collector";
        PublicOfficial = "public_official", "Funcionario público", "Public official";
        Other = "other", "Otro", "Other";
        Unknown = "unknown", "Desconocido", "Unknown";
    }

    /// E25 Structure of the criminal group.
    GroupStructure = "group_structure", Some("E25"), false, "Estructura", "Group structure" {
        Individual = "individual", "Individual", "Individual";
        LooseNetwork = "loose_network", "Red informal", "Loose network";
        OrganizedCriminalGroup = "organized_criminal_group",
            "Grupo delictivo organizado (Convención de Palermo)",
            "Organized criminal group (UNTOC definition)";
        Unknown = "unknown", "Desconocida", "Unknown";
    }

    /// E26 Smuggling mode.
    SmugglingMode = "smuggling_mode", Some("E26"), false, "Modalidad de tráfico",
        "Smuggling mode" {
        Land = "land", "Terrestre", "Land";
        Sea = "sea", "Marítima", "Sea";
        Air = "air", "Aérea", "Air";
        Unknown = "unknown", "Desconocida", "Unknown";
    }

    /// E27 Means of transport.
    TransportMeans = "transport_means", Some("E27"), true, "Medio de transporte",
        "Means of transport" {
        OnFoot = "on_foot", "A pie", "On foot";
        PrivateVehicle = "private_vehicle", "Vehículo particular", "Private vehicle";
        Bus = "bus", "Autobús", "Bus";
        TruckOrTrailer = "truck_or_trailer", "Camión o tráiler", "Truck or trailer";
        Train = "train", "Tren (incluido de carga)", "Train (including freight)";
        SmallBoat = "small_boat", "Embarcación menor (lancha)", "Small boat";
        LargeVessel = "large_vessel", "Buque", "Large vessel";
        CommercialFlight = "commercial_flight", "Vuelo comercial", "Commercial flight";
        PrivateAircraft = "private_aircraft", "Aeronave privada", "Private aircraft";
        RiverCrossing = "river_crossing", "Cruce de río", "River crossing";
        Other = "other", "Otro", "Other";
        Unknown = "unknown", "Desconocido", "Unknown";
    }

    /// E28 Concealment during transport.
    Concealment = "concealment", Some("E28"), true, "Ocultamiento", "Concealment" {
        None = "none", "Ninguno", "None";
        HiddenCompartment = "hidden_compartment", "Compartimiento oculto", "Hidden compartment";
        Container = "container", "Contenedor", "Container";
        AmongCargo = "among_cargo", "Entre la carga", "Among cargo";
        FalseIdentityOnly = "false_identity_only", "Solo identidad falsa",
            "False identity only";
        Other = "other", "Otro", "Other";
        Unknown = "unknown", "Desconocido", "Unknown";
    }

    /// E29 Type of border crossing.
    BorderCrossingType = "border_crossing_type", Some("E29"), false, "Tipo de cruce",
        "Border crossing type" {
        OfficialBcp = "official_bcp", "Puesto fronterizo oficial", "Official border crossing point";
        UnofficialCrossing = "unofficial_crossing", "Paso no habilitado (punto ciego)",
            "Unofficial crossing (blind spot)";
        NoBorder = "no_border", "Sin cruce de frontera (tramo interno)",
            "No border (domestic leg)";
        Unknown = "unknown", "Desconocido", "Unknown";
    }

    /// E30 Stage of a route leg.
    LegStage = "leg_stage", Some("E30"), false, "Etapa", "Stage" {
        Recruitment = "recruitment", "Captación", "Recruitment";
        Departure = "departure", "Salida", "Departure";
        Transit = "transit", "Tránsito", "Transit";
        Exploitation = "exploitation", "Explotación", "Exploitation";
        Arrival = "arrival", "Llegada", "Arrival";
        Return = "return", "Retorno", "Return";
        Unknown = "unknown", "Desconocida", "Unknown";
    }

    /// E31 Payment method.
    PaymentMethod = "payment_method", Some("E31"), true, "Forma de pago", "Payment method" {
        Cash = "cash", "Efectivo", "Cash";
        BankTransfer = "bank_transfer", "Transferencia bancaria", "Bank transfer";
        MoneyTransferService = "money_transfer_service", "Remesadora",
            "Money transfer service";
        InformalValueTransfer = "informal_value_transfer",
            "Sistema informal de transferencia de valores", "Informal value transfer";
        MobileMoney = "mobile_money", "Dinero móvil", "Mobile money";
        VirtualAssets = "virtual_assets", "Activos virtuales", "Virtual assets";
        InKindOrLabour = "in_kind_or_labour", "En especie o con trabajo", "In kind or labour";
        Debt = "debt", "Deuda", "Debt";
        Other = "other", "Otra", "Other";
        Unknown = "unknown", "Desconocida", "Unknown";
    }

    /// E32 Payment timing.
    PaymentTiming = "payment_timing", Some("E32"), false, "Momento del pago",
        "Payment timing" {
        Upfront = "upfront", "Por adelantado", "Upfront";
        Instalments = "instalments", "En cuotas", "In instalments";
        OnArrival = "on_arrival", "A la llegada", "On arrival";
        Mixed = "mixed", "Mixto", "Mixed";
        Unknown = "unknown", "Desconocido", "Unknown";
    }

    /// E33 Who paid for the smuggling service.
    Payer = "payer", Some("E33"), true, "Quién pagó", "Payer" {
        SelfPaid = "self", "La propia persona", "The person themself";
        FamilyOrigin = "family_origin", "Familia en el país de origen",
            "Family in the country of origin";
        FamilyDestination = "family_destination", "Familia en el país de destino",
            "Family in the country of destination";
        ThirdPartyEmployer = "third_party_employer", "Tercero o empleador",
            "Third party or employer";
        Other = "other", "Otro", "Other";
        Unknown = "unknown", "Desconocido", "Unknown";
    }

    /// E34 Service included in the smuggling fee.
    ServiceIncluded = "service_included", Some("E34"), true, "Servicio incluido",
        "Service included" {
        Transport = "transport", "Transporte", "Transport";
        Guide = "guide", "Guía", "Guide";
        Accommodation = "accommodation", "Alojamiento", "Accommodation";
        Food = "food", "Alimentación", "Food";
        FraudulentDocuments = "fraudulent_documents", "Documentos fraudulentos",
            "Fraudulent documents";
        Bribes = "bribes", "Sobornos", "Bribes";
        RepeatAttemptGuarantee = "repeat_attempt_guarantee", "Garantía de nuevo intento",
            "Repeat-attempt guarantee";
        Other = "other", "Otro", "Other";
        Unknown = "unknown", "Desconocido", "Unknown";
    }

    /// E35 Harm suffered in transit.
    HarmInTransit = "harm_in_transit", Some("E35"), true, "Daño sufrido en el trayecto",
        "Harm in transit" {
        Robbery = "robbery", "Robo", "Robbery";
        Extortion = "extortion", "Extorsión", "Extortion";
        Kidnapping = "kidnapping", "Secuestro", "Kidnapping";
        SexualViolence = "sexual_violence", "Violencia sexual", "Sexual violence";
        PhysicalViolence = "physical_violence", "Violencia física", "Physical violence";
        Abandonment = "abandonment", "Abandono", "Abandonment";
        Injury = "injury", "Lesiones", "Injury";
        DeathOfCompanion = "death_of_companion", "Muerte de un acompañante",
            "Death of a companion";
        DetentionByCriminals = "detention_by_criminals", "Retención por grupos criminales",
            "Detention by criminals";
        Other = "other", "Otro", "Other";
        Unknown = "unknown", "Desconocido", "Unknown";
    }

    /// E36 Relationship between a minor and the accompanying adult (claimed or verified).
    CompanionRelationship = "companion_relationship", Some("E36"), false,
        "Parentesco entre NNA y adulto", "Minor–adult relationship" {
        Mother = "mother", "Madre", "Mother";
        Father = "father", "Padre", "Father";
        LegalGuardian = "legal_guardian", "Tutor legal", "Legal guardian";
        Grandparent = "grandparent", "Abuelo o abuela", "Grandparent";
        Sibling = "sibling", "Hermano o hermana", "Sibling";
        UncleAunt = "uncle_aunt", "Tío o tía", "Uncle or aunt";
        OtherRelative = "other_relative", "Otro familiar", "Other relative";
        FamilyFriend = "family_friend", "Amigo de la familia", "Family friend";
        None = "none", "Ninguno", "None";
        Unknown = "unknown", "Desconocido", "Unknown";
    }

    /// E37 Method used to verify the minor–adult relationship.
    VerificationMethod = "relationship_verification_method", Some("E37"), true,
        "Método de verificación", "Verification method" {
        DocumentCheck = "document_check", "Revisión de documentos (acta de nacimiento, pasaporte)",
            "Document check (birth certificate, passport)";
        ExitPermitCheck = "exit_permit_check",
            "Revisión del permiso de salida de menores o autorización notarial",
            "Check of the minor's exit permit or notarial authorization";
        ConsularVerification = "consular_verification", "Verificación consular",
            "Consular verification";
        Interview = "interview", "Entrevista", "Interview";
        DnaTestWithConsent = "dna_test_with_consent", "Prueba de ADN con consentimiento",
            "DNA test with consent";
        CivilRegistryQuery = "civil_registry_query", "Consulta al registro civil",
            "Civil registry query";
        Other = "other", "Otro", "Other";
        Unknown = "unknown", "Desconocido", "Unknown";
    }

    /// E38 Outcome of the relationship verification.
    VerificationOutcome = "verification_outcome", Some("E38"), false, "Resultado",
        "Verification outcome" {
        Confirmed = "confirmed", "Confirmado", "Confirmed";
        NotConfirmed = "not_confirmed", "No confirmado", "Not confirmed";
        Fraudulent = "fraudulent", "Fraudulento", "Fraudulent";
        Pending = "pending", "Pendiente", "Pending";
        Unknown = "unknown", "Desconocido", "Unknown";
    }

    /// E39 Status of the child.
    ChildStatus = "child_status", Some("E39"), false, "Situación del NNA", "Child status" {
        Unaccompanied = "unaccompanied", "No acompañado", "Unaccompanied";
        Separated = "separated", "Separado", "Separated";
        AccompaniedByUnrelatedAdult = "accompanied_by_unrelated_adult",
            "Acompañado por adulto sin vínculo familiar",
            "Accompanied by an unrelated adult";
        AccompaniedByFamily = "accompanied_by_family", "Acompañado por familiar",
            "Accompanied by family";
        Unknown = "unknown", "Desconocida", "Unknown";
    }

    /// E40 Type of travel or identity document.
    DocumentType = "document_type", Some("E40"), true, "Tipo de documento", "Document type" {
        Passport = "passport", "Pasaporte (P)", "Passport (P)";
        IdentityCard = "identity_card", "Documento de identidad (I/A/C)", "Identity card (I/A/C)";
        Visa = "visa", "Visa (V)", "Visa (V)";
        ResidencePermit = "residence_permit", "Permiso de residencia", "Residence permit";
        BorderCrossingCard = "border_crossing_card", "Tarjeta de cruce fronterizo",
            "Border crossing card";
        BirthCertificate = "birth_certificate", "Acta o partida de nacimiento",
            "Birth certificate";
        SeafarerId = "seafarer_id", "Documento de identidad de la gente de mar",
            "Seafarer's identity document";
        TravelDocumentOther = "travel_document_other", "Otro documento de viaje",
            "Other travel document";
        Other = "other", "Otro", "Other";
        Unknown = "unknown", "Desconocido", "Unknown";
    }

    /// E40 Passport subtype (ICAO document codes).
    PassportSubtype = "passport_subtype", Some("E40"), false, "Subtipo de pasaporte",
        "Passport subtype" {
        Ordinary = "ordinary", "Ordinario (PP)", "Ordinary (PP)";
        Diplomatic = "diplomatic", "Diplomático (PD)", "Diplomatic (PD)";
        OfficialService = "official_service", "Oficial o de servicio (PO)",
            "Official or service (PO)";
        Emergency = "emergency", "De emergencia (PE)", "Emergency (PE)";
        Refugee = "refugee", "Documento de viaje para refugiados (PR)",
            "Refugee travel document (PR)";
        Alien = "alien", "Pasaporte para extranjeros (PT)", "Alien's passport (PT)";
        Stateless = "stateless", "Documento de viaje para apátridas (PS)",
            "Stateless person's travel document (PS)";
        LaissezPasser = "laissez_passer", "Salvoconducto (PL)", "Laissez-passer (PL)";
        Unknown = "unknown", "Desconocido", "Unknown";
    }

    /// E41 Type of document fraud.
    DocumentFraudType = "document_fraud_type", Some("E41"), false, "Tipo de fraude",
        "Type of fraud" {
        GenuineNoFraud = "genuine_no_fraud", "Auténtico, sin fraude", "Genuine, no fraud";
        Counterfeit = "counterfeit", "Falsificación total", "Counterfeit";
        Forged = "forged", "Alterado", "Forged (altered)";
        PseudoDocument = "pseudo_document", "Documento de fantasía", "Pseudo-document";
        FraudulentlyObtainedGenuine = "fraudulently_obtained_genuine",
            "Auténtico obtenido fraudulentamente", "Fraudulently obtained genuine";
        Impostor = "impostor", "Suplantación (uso por otra persona)",
            "Impostor (used by another person)";
        StolenBlank = "stolen_blank", "En blanco sustraído", "Stolen blank";
        ReportedLostOrStolen = "reported_lost_or_stolen",
            "Reportado perdido o robado (coincidencia SLTD)",
            "Reported lost or stolen (SLTD hit)";
        Unknown = "unknown", "Desconocido", "Unknown";
    }

    /// E42 Forgery technique.
    ForgeryTechnique = "forgery_technique", Some("E42"), true, "Técnica de alteración",
        "Forgery technique" {
        PhotoSubstitution = "photo_substitution", "Sustitución de fotografía",
            "Photo substitution";
        PageSubstitution = "page_substitution", "Sustitución de páginas", "Page substitution";
        DataAlteration = "data_alteration", "Alteración de datos", "Data alteration";
        VisaAlteration = "visa_alteration", "Alteración de visa", "Visa alteration";
        StampFalsification = "stamp_falsification", "Falsificación de sellos",
            "Stamp falsification";
        MrzAlteration = "mrz_alteration", "Alteración de la zona de lectura mecánica (ZLM)",
            "Machine-readable zone alteration";
        LaminateOrChipTampering = "laminate_or_chip_tampering",
            "Manipulación del laminado o del chip", "Laminate or chip tampering";
        Other = "other", "Otra", "Other";
        Unknown = "unknown", "Desconocida", "Unknown";
    }

    /// E43 Method of fraudulent acquisition of a document.
    FraudulentAcquisition = "fraudulent_acquisition", Some("E43"), true,
        "Forma de obtención fraudulenta", "Fraudulent acquisition method" {
        BoughtFromSmuggler = "bought_from_smuggler", "Comprado al traficante",
            "Bought from a smuggler";
        CorruptOfficial = "corrupt_official", "Funcionario corrupto", "Corrupt official";
        FalseBreederDocuments = "false_breeder_documents",
            "Documentos base falsos (acta de nacimiento u otros)", "False breeder documents";
        IdentityTheft = "identity_theft", "Robo de identidad", "Identity theft";
        BorrowedOrRented = "borrowed_or_rented", "Prestado o alquilado", "Borrowed or rented";
        Stolen = "stolen", "Robado", "Stolen";
        Other = "other", "Otra", "Other";
        Unknown = "unknown", "Desconocida", "Unknown";
    }

    /// E44 Procedural status of a suspect.
    ProceduralStatus = "procedural_status", Some("E44"), true, "Situación procesal",
        "Procedural status" {
        PreliminaryInquiry = "preliminary_inquiry", "Diligencias preliminares",
            "Preliminary inquiry";
        UnderInvestigation = "under_investigation", "En investigación", "Under investigation";
        Charged = "charged", "Imputado o acusado", "Charged";
        AtTrial = "at_trial", "En juicio", "At trial";
        Convicted = "convicted", "Condenado", "Convicted";
        Acquitted = "acquitted", "Absuelto", "Acquitted";
        DismissedOrArchived = "dismissed_or_archived", "Sobreseído o archivado",
            "Dismissed or archived";
        ExtraditionRequested = "extradition_requested", "Extradición solicitada",
            "Extradition requested";
        Extradited = "extradited", "Extraditado", "Extradited";
        Fugitive = "fugitive", "Prófugo", "Fugitive";
        Other = "other", "Otra", "Other";
        Unknown = "unknown", "Desconocida", "Unknown";
    }

    /// E45 Stage (instance) of a proceeding.
    ProceedingStage = "proceeding_stage", Some("E45"), false, "Instancia", "Proceeding stage" {
        FirstInstance = "first_instance", "Primera instancia", "First instance";
        Appeal = "appeal", "Apelación", "Appeal";
        CassationOrSupreme = "cassation_or_supreme", "Casación o corte suprema",
            "Cassation or supreme court";
        Unknown = "unknown", "Desconocida", "Unknown";
    }

    /// E46 Verdict.
    Verdict = "verdict", Some("E46"), false, "Fallo", "Verdict" {
        Guilty = "guilty", "Condenatorio", "Guilty";
        NotGuilty = "not_guilty", "Absolutorio", "Not guilty";
        PartlyGuilty = "partly_guilty", "Parcialmente condenatorio", "Partly guilty";
        Unknown = "unknown", "Desconocido", "Unknown";
    }

    /// E47 Form of international cooperation.
    InternationalCooperation = "international_cooperation", Some("E47"), true,
        "Cooperación internacional", "International cooperation" {
        MutualLegalAssistance = "mutual_legal_assistance", "Asistencia judicial recíproca",
            "Mutual legal assistance";
        Extradition = "extradition", "Extradición", "Extradition";
        JointInvestigation = "joint_investigation", "Investigación conjunta",
            "Joint investigation";
        LiaisonOfficerChannel = "liaison_officer_channel", "Canal de oficiales de enlace",
            "Liaison officer channel";
        InterpolNotice = "interpol_notice", "Notificación de INTERPOL", "INTERPOL notice";
        ControlledDelivery = "controlled_delivery", "Entrega vigilada", "Controlled delivery";
        InformationExchangeCrm = "information_exchange_crm",
            "Intercambio de información en la red CRM",
            "Information exchange through the CRM network";
        Other = "other", "Otra", "Other";
        Unknown = "unknown", "Desconocida", "Unknown";
    }

    /// E48 Type of assistance received.
    AssistanceType = "assistance_type", Some("E48"), true, "Asistencia recibida",
        "Assistance type" {
        Shelter = "shelter", "Albergue", "Shelter";
        Health = "health", "Salud", "Health";
        Psychosocial = "psychosocial", "Atención psicosocial", "Psychosocial";
        Legal = "legal", "Asesoría legal", "Legal";
        Education = "education", "Educación", "Education";
        Financial = "financial", "Apoyo económico", "Financial";
        Livelihood = "livelihood", "Medios de vida", "Livelihood";
        RightsBasedTraining = "rights_based_training", "Formación en derechos",
            "Rights-based training";
        SocialCare = "social_care", "Atención social", "Social care";
        Interpretation = "interpretation", "Interpretación", "Interpretation";
        ConsularAssistance = "consular_assistance", "Asistencia consular",
            "Consular assistance";
        LabourExploitationRehabilitation = "labour_exploitation_rehabilitation",
            "Rehabilitación tras explotación laboral",
            "Rehabilitation after labour exploitation";
        SexualExploitationRehabilitation = "sexual_exploitation_rehabilitation",
            "Rehabilitación tras explotación sexual",
            "Rehabilitation after sexual exploitation";
        Other = "other", "Otra", "Other";
        Unknown = "unknown", "Desconocida", "Unknown";
    }

    /// E49 Type of assistance provider.
    ProviderType = "provider_type", Some("E49"), false, "Tipo de proveedor",
        "Provider type" {
        Ngo = "ngo", "Organización no gubernamental", "Non-governmental organization";
        LawEnforcement = "law_enforcement", "Fuerzas del orden", "Law enforcement";
        HealthService = "health_service", "Servicio de salud", "Health service";
        CentralGovernment = "central_government", "Gobierno central", "Central government";
        LocalGovernment = "local_government", "Gobierno local", "Local government";
        ImmigrationService = "immigration_service", "Servicio de migración",
            "Immigration service";
        LegalService = "legal_service", "Servicio jurídico", "Legal service";
        CorporateBusiness = "corporate_business", "Empresa privada", "Corporate business";
        SchoolOrCollege = "school_or_college", "Centro educativo", "School or college";
        InternationalOrganization = "international_organization", "Organismo internacional",
            "International organization";
        Consulate = "consulate", "Consulado", "Consulate";
        Unknown = "unknown", "Desconocido", "Unknown";
    }

    /// E50 Type of return.
    ReturnType = "return_type", Some("E50"), false, "Tipo de retorno", "Return type" {
        AssistedVoluntaryReturn = "assisted_voluntary_return", "Retorno voluntario asistido",
            "Assisted voluntary return";
        RepatriationVictimProtocol = "repatriation_victim_protocol",
            "Protocolo de repatriación de víctimas", "Victim repatriation protocol";
        ChildRepatriationCrmGuidelines = "child_repatriation_crm_guidelines",
            "Repatriación de NNA según los lineamientos regionales de la CRM",
            "Child repatriation under the CRM regional guidelines";
        Deportation = "deportation", "Deportación", "Deportation";
        StaysInDestination = "stays_in_destination", "Permanece en el país de destino",
            "Stays in the destination country";
        ThirdCountryResettlement = "third_country_resettlement", "Reasentamiento en tercer país",
            "Third-country resettlement";
        Unknown = "unknown", "Desconocido", "Unknown";
    }

    /// E51 Status of the return or repatriation.
    ReturnStatus = "return_status", Some("E51"), false, "Estado de la repatriación",
        "Return status" {
        NotRequested = "not_requested", "No solicitada", "Not requested";
        Requested = "requested", "Solicitada", "Requested";
        InProcess = "in_process", "En trámite", "In process";
        Completed = "completed", "Concluida", "Completed";
        Cancelled = "cancelled", "Cancelada", "Cancelled";
        Unknown = "unknown", "Desconocido", "Unknown";
    }

    /// E52 Reason for referring a person to another organization.
    ReferralReason = "referral_reason", Some("E52"), true, "Motivo de la referencia",
        "Referral reason" {
        AdditionalServicesRequired = "additional_services_required",
            "Requiere servicios adicionales", "Additional services required";
        MigrationOrChangeOfLocation = "migration_or_change_of_location",
            "Migración o cambio de ubicación", "Migration or change of location";
        Other = "other", "Otro", "Other";
        Unknown = "unknown", "Desconocido", "Unknown";
    }

    /// E53 Traveller-evaluation indicator.
    TravellerIndicator = "traveller_indicator", Some("E53"), true,
        "Indicador de evaluación de viajeros", "Traveller evaluation indicator" {
        InconsistentTravelPurpose = "inconsistent_travel_purpose",
            "Propósito del viaje incoherente", "Inconsistent travel purpose";
        ThirdPartyPaidTicket = "third_party_paid_ticket", "Boleto pagado por un tercero",
            "Ticket paid by a third party";
        OneWayTicketNoFunds = "one_way_ticket_no_funds", "Boleto de ida sin fondos suficientes",
            "One-way ticket without funds";
        DocumentAnomaly = "document_anomaly", "Anomalía documental", "Document anomaly";
        ControlledByCompanion = "controlled_by_companion", "Controlado por un acompañante",
            "Controlled by a companion";
        MinorWithUnrelatedAdult = "minor_with_unrelated_adult",
            "NNA con adulto sin vínculo familiar", "Minor with an unrelated adult";
        UnverifiableJobOffer = "unverifiable_job_offer", "Oferta de trabajo no verificable",
            "Unverifiable job offer";
        GroupSameItinerary = "group_same_itinerary", "Grupo con el mismo itinerario",
            "Group with the same itinerary";
        PriorRefusalOrRemoval = "prior_refusal_or_removal", "Inadmisión o expulsión previa",
            "Prior refusal of entry or removal";
        UnableToStateDestination = "unable_to_state_destination",
            "No puede indicar su destino", "Unable to state destination";
        Other = "other", "Otro", "Other";
        Unknown = "unknown", "Desconocido", "Unknown";
    }

    /// Reliability of the source (Europol/SIENA 4×4 evaluation).
    SourceReliability = "source_reliability", None, false, "Fiabilidad de la fuente",
        "Source reliability" {
        A = "a", "A: fiable sin reservas", "A: completely reliable";
        B = "b", "B: fiable en la mayoría de los casos", "B: usually reliable";
        C = "c", "C: no fiable en la mayoría de los casos", "C: usually not reliable";
        X = "x", "X: fiabilidad no evaluable", "X: reliability cannot be assessed";
        Unknown = "unknown", "Desconocida", "Unknown";
    }

    /// Accuracy of the information (Europol/SIENA 4×4 evaluation).
    InformationAccuracy = "information_accuracy", None, false, "Exactitud de la información",
        "Information accuracy" {
        KnownWithoutReservation = "1", "1: exactitud sin duda",
            "1: known to be true without reservation";
        KnownToSource = "2", "2: conocida personalmente por la fuente",
            "2: known personally to the source";
        Corroborated = "3", "3: no conocida por la fuente, pero corroborada",
            "3: not known personally to the source but corroborated";
        NotCorroborated = "4", "4: no conocida por la fuente ni corroborada",
            "4: cannot be judged or corroborated";
        Unknown = "unknown", "Desconocida", "Unknown";
    }

    /// Handling code (Europol/SIENA).
    HandlingCode = "handling_code", None, false, "Código de manejo", "Handling code" {
        H0 = "h0", "H0: uso limitado a la finalidad", "H0: purpose-limited use";
        H1 = "h1", "H1: no usar en procesos judiciales sin permiso del proveedor",
            "H1: not for judicial proceedings without the provider's permission";
        H2 = "h2", "H2: no difundir sin permiso del proveedor",
            "H2: no onward dissemination without the provider's permission";
        H3 = "h3", "H3: otras condiciones", "H3: other conditions";
        Unknown = "unknown", "Desconocido", "Unknown";
    }

    /// Sharing scope of a case (section 3).
    SharingScope = "sharing_scope", None, false, "Alcance de intercambio", "Sharing scope" {
        Network = "network", "Toda la red (todos los países miembros)",
            "Whole network (every member country)";
        Listed = "listed", "Países miembros listados", "Listed member countries";
        National = "national", "Solo uso nacional", "National use only";
        Unknown = "unknown", "Desconocido", "Unknown";
    }

    /// Consent of the person(s) to share the case.
    ConsentToShare = "consent_to_share", None, false, "Consentimiento para compartir",
        "Consent to share" {
        Given = "given", "Otorgado", "Given";
        Refused = "refused", "Negado", "Refused";
        NotObtained = "not_obtained", "No obtenido", "Not obtained";
        NotApplicable = "not_applicable", "No aplica", "Not applicable";
        Unknown = "unknown", "Desconocido", "Unknown";
    }

    /// Involvement of an organized criminal group.
    OrganizedCrimeInvolvement = "organized_crime_involvement", None, false,
        "Grupo delictivo organizado", "Organized crime involvement" {
        Yes = "yes", "Sí", "Yes";
        No = "no", "No", "No";
        Suspected = "suspected", "Se sospecha", "Suspected";
        Unknown = "unknown", "Desconocido", "Unknown";
    }

    /// Form of interception.
    InterceptionType = "interception_type", None, true, "Forma de intercepción",
        "Interception type" {
        BorderInterception = "border_interception", "Intercepción en frontera",
            "Border interception";
        RescueAtSea = "rescue_at_sea", "Rescate en el mar", "Rescue at sea";
        FoundAbandoned = "found_abandoned", "Encontrados abandonados", "Found abandoned";
        SelfPresented = "self_presented", "Se presentaron ante la autoridad",
            "Self-presented to the authorities";
        Raid = "raid", "Allanamiento u operativo", "Raid";
        Other = "other", "Otra", "Other";
        Unknown = "unknown", "Desconocida", "Unknown";
    }

    /// Marital status.
    MaritalStatus = "marital_status", None, false, "Estado civil", "Marital status" {
        Single = "single", "Soltero(a)", "Single";
        Married = "married", "Casado(a)", "Married";
        Widowed = "widowed", "Viudo(a)", "Widowed";
        Divorced = "divorced", "Divorciado(a)", "Divorced";
        Separated = "separated", "Separado(a)", "Separated";
        RegisteredPartnership = "registered_partnership", "Unión registrada",
            "Registered partnership";
        Unknown = "unknown", "Desconocido", "Unknown";
    }

    /// Highest education level attained (ISCED 2011 levels).
    EducationLevel = "education_level", None, false, "Nivel educativo", "Education level" {
        NoFormalEducation = "no_formal_education", "Sin educación formal",
            "No formal education";
        EarlyChildhood = "early_childhood", "CINE 0: educación de la primera infancia",
            "ISCED 0: early childhood education";
        Primary = "primary", "CINE 1: educación primaria", "ISCED 1: primary education";
        LowerSecondary = "lower_secondary", "CINE 2: educación secundaria baja",
            "ISCED 2: lower secondary education";
        UpperSecondary = "upper_secondary", "CINE 3: educación secundaria alta",
            "ISCED 3: upper secondary education";
        PostSecondaryNonTertiary = "post_secondary_non_tertiary",
            "CINE 4: educación postsecundaria no terciaria",
            "ISCED 4: post-secondary non-tertiary education";
        ShortCycleTertiary = "short_cycle_tertiary", "CINE 5: educación terciaria de ciclo corto",
            "ISCED 5: short-cycle tertiary education";
        Bachelor = "bachelor", "CINE 6: grado en educación terciaria o equivalente",
            "ISCED 6: bachelor's or equivalent";
        Master = "master", "CINE 7: maestría, especialización o equivalente",
            "ISCED 7: master's or equivalent";
        Doctoral = "doctoral", "CINE 8: doctorado o equivalente",
            "ISCED 8: doctoral or equivalent";
        Unknown = "unknown", "Desconocido", "Unknown";
    }

    /// Natural or legal person (suspects).
    SuspectKind = "suspect_kind", None, false, "Persona física o jurídica",
        "Natural or legal person" {
        NaturalPerson = "natural_person", "Persona física", "Natural person";
        LegalPerson = "legal_person", "Persona jurídica", "Legal person";
        Unknown = "unknown", "Desconocido", "Unknown";
    }

    /// What the smuggling fee covered.
    FeeScope = "fee_scope", None, false, "Cobertura del pago", "Fee scope" {
        FullJourney = "full_journey", "Todo el trayecto", "Full journey";
        SingleLeg = "single_leg", "Un tramo", "Single leg";
        PerGroup = "per_group", "Por grupo", "Per group";
        Unknown = "unknown", "Desconocida", "Unknown";
    }

    /// Legal system of the proceeding.
    LegalSystem = "legal_system", None, false, "Sistema jurídico", "Legal system" {
        CivilLaw = "civil_law", "Derecho continental (civil law)", "Civil law";
        CommonLaw = "common_law", "Derecho anglosajón (common law)", "Common law";
        Mixed = "mixed", "Mixto", "Mixed";
        Unknown = "unknown", "Desconocido", "Unknown";
    }

    /// Whether the exit authorization presented for a minor was authentic.
    ExitAuthorizationAuthentic = "exit_authorization_authentic", None, false,
        "Autorización auténtica", "Exit authorization authentic" {
        Yes = "yes", "Sí", "Yes";
        No = "no", "No", "No";
        Unknown = "unknown", "Desconocido", "Unknown";
    }

    /// Kind of a suspect identifier.
    IdentifierKind = "identifier_kind", None, false, "Tipo de identificador",
        "Identifier kind" {
        Phone = "phone", "Teléfono", "Phone";
        Account = "account", "Cuenta bancaria o financiera", "Bank or financial account";
        OnlineProfile = "online_profile", "Perfil en línea", "Online profile";
        VehiclePlate = "vehicle_plate", "Placa de vehículo", "Vehicle plate";
        Document = "document", "Documento", "Document";
        Unknown = "unknown", "Desconocido", "Unknown";
    }

    /// Type of deception used.
    DeceptionType = "deception_type", None, true, "Tipo de engaño", "Deception type" {
        FalseJobOffer = "false_job_offer", "Oferta de trabajo falsa", "False job offer";
        RomanceOrMarriage = "romance_or_marriage", "Relación sentimental o matrimonio",
            "Romance or marriage";
        StudyOffer = "study_offer", "Oferta de estudios", "Study offer";
        MigrationPromise = "migration_promise", "Promesa de migración", "Migration promise";
        None = "none", "Ninguno", "None";
        Other = "other", "Otro", "Other";
        Unknown = "unknown", "Desconocido", "Unknown";
    }

    /// Documentary strategy of the perpetrators.
    DocumentStrategy = "document_strategy", None, true, "Estrategia documental",
        "Document strategy" {
        FraudulentDocuments = "fraudulent_documents", "Documentos fraudulentos",
            "Fraudulent documents";
        GenuineFraudulentlyObtained = "genuine_fraudulently_obtained",
            "Documentos auténticos obtenidos fraudulentamente",
            "Genuine documents fraudulently obtained";
        VisaMisuseOrOverstay = "visa_misuse_or_overstay", "Uso indebido de visa o permanencia excedida",
            "Visa misuse or overstay";
        NoDocuments = "no_documents", "Sin documentos", "No documents";
        Impostor = "impostor", "Suplantación de identidad", "Impostor";
        Other = "other", "Otra", "Other";
        Unknown = "unknown", "Desconocida", "Unknown";
    }

    /// Technology used by the perpetrators (E22 platforms plus payment and messaging).
    TechnologyUsed = "technology_used", None, true, "Tecnología usada", "Technology used" {
        Facebook = "facebook", "Facebook", "Facebook";
        Instagram = "instagram", "Instagram", "Instagram";
        Whatsapp = "whatsapp", "WhatsApp", "WhatsApp";
        Telegram = "telegram", "Telegram", "Telegram";
        FacebookMessenger = "facebook_messenger", "Facebook Messenger", "Facebook Messenger";
        Viber = "viber", "Viber", "Viber";
        Snapchat = "snapchat", "Snapchat", "Snapchat";
        Line = "line", "LINE", "LINE";
        FourSale = "4sale", "4Sale", "4Sale";
        Wechat = "wechat", "WeChat", "WeChat";
        Qq = "qq", "QQ", "QQ";
        Qzone = "qzone", "Qzone", "Qzone";
        Tiktok = "tiktok", "TikTok", "TikTok";
        TwitterX = "twitter_x", "X (Twitter)", "X (Twitter)";
        OnlinePayment = "online_payment", "Pagos en línea", "Online payment";
        EncryptedMessaging = "encrypted_messaging", "Mensajería cifrada", "Encrypted messaging";
        Other = "other", "Otra", "Other";
        Unknown = "unknown", "Desconocida", "Unknown";
    }
}

/// The description of the enumeration with this catalog name.
pub fn enum_info(name: &str) -> Option<&'static EnumInfo> {
    ALL_ENUMS.iter().find(|e| e.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn every_code_round_trips_through_serde() {
        assert_eq!(serde_roundtrip_failures(), Vec::<String>::new());
    }

    #[test]
    fn every_enum_accepts_unknown_and_other_text_enums_accept_other() {
        for e in ALL_ENUMS {
            let codes: Vec<&str> = e.values.iter().map(|v| v.0).collect();
            assert!(codes.contains(&"unknown"), "{} lacks unknown", e.name);
            assert_eq!(codes.contains(&"other"), e.other_text, "{} other/other_text", e.name);
            let unique: HashSet<&str> = codes.iter().copied().collect();
            assert_eq!(unique.len(), codes.len(), "{} has duplicate codes", e.name);
            for (code, es, en) in e.values {
                assert!(!es.is_empty() && !en.is_empty(), "{}.{code} lacks a label", e.name);
            }
        }
    }

    #[test]
    fn enum_names_and_spec_numbers_are_unique_and_complete() {
        let names: HashSet<&str> = ALL_ENUMS.iter().map(|e| e.name).collect();
        assert_eq!(names.len(), ALL_ENUMS.len());
        let rust: HashSet<&str> = ALL_ENUMS.iter().map(|e| e.rust_name).collect();
        assert_eq!(rust.len(), ALL_ENUMS.len());
        for n in 1..=53 {
            let code = format!("E{n:02}");
            assert!(ALL_ENUMS.iter().any(|e| e.code == Some(code.as_str())), "{code} missing");
        }
    }

    #[test]
    fn unknown_deserializes_everywhere_and_bad_codes_do_not() {
        let v: AgeBand = serde_json::from_str("\"0_8\"").unwrap();
        assert_eq!(v, AgeBand::Age0To8);
        let v: InformationAccuracy = serde_json::from_str("\"3\"").unwrap();
        assert_eq!(v, InformationAccuracy::Corroborated);
        assert_eq!(Payer::SelfPaid.code(), "self");
        assert!(serde_json::from_str::<CaseType>("\"Trafficking\"").is_err());
        assert!(serde_json::from_str::<SourceReliability>("\"A\"").is_err());
        assert_eq!(enum_info("online_platform").map(|e| e.code), Some(Some("E22")));
    }
}
