//! The reservation-policy editor (country administrators): every reservable field by section,
//! shared or reserved with its legal basis, the date the version takes effect, and a preview of
//! what another member country would receive of a sample case under the edited policy before it
//! is saved. Read and written through the API's own paths (`api::policies::read_policy`,
//! `update_policy`: the same rules, refusals and audit events); the preview is the redaction of
//! `access`, applied to a fixed sample case, never to a stored one.

use std::collections::BTreeMap;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use maud::{Markup, html};

use crate::access::Role;
use crate::access::cases::{PolicyEntry, redacted, reservations};
use crate::access::matching::Participation;
use crate::console::i18n::Lang;
use crate::console::layout::{self, FieldErrors, Shell, notice};
use crate::console::render::{self, SECTIONS};
use crate::console::session::{FormFields, Member, Refused, check_session_csrf, parse_form_up_to, see_other};
use crate::error::{ApiError, FieldError};
use crate::formato::catalog::{self, Flag};
use crate::policy::{PolicyDocument, PolicyUpdate};
use crate::state::AppState;

/// The edited policy, as the form holds it.
struct Edited {
    include_in_statistics: bool,
    matching: Participation,
    effective_from: String,
    /// By path: the flag chosen (absent: the catalog default), the legal basis and the
    /// legislation topic it cites (kept as stored: the editor does not change it).
    entries: BTreeMap<String, (Option<Flag>, String, String)>,
}

impl Edited {
    fn of(doc: &PolicyDocument) -> Edited {
        let entries = doc
            .fields
            .iter()
            .map(|e| {
                let basis = e.legal_basis.clone().unwrap_or_default();
                (e.path.clone(), (Some(e.flag), basis, e.legislation_topic.clone().unwrap_or_default()))
            })
            .collect();
        Edited {
            include_in_statistics: doc.include_in_statistics,
            matching: doc.matching,
            effective_from: String::new(),
            entries,
        }
    }

    fn from_form(form: &FormFields) -> Edited {
        let mut entries: BTreeMap<String, (Option<Flag>, String, String)> = BTreeMap::new();
        for f in catalog::catalog().fields.iter().filter(|f| f.reservable) {
            let flag = match form.get(&format!("flag.{}", f.path)) {
                Some("shared") => Some(Flag::Shared),
                Some("reserved") => Some(Flag::Reserved),
                _ => None,
            };
            let basis = form.text(&format!("basis.{}", f.path));
            let topic = form.text(&format!("topic.{}", f.path));
            if flag.is_some() || !basis.is_empty() {
                entries.insert(f.path.to_owned(), (flag, basis, topic));
            }
        }
        Edited {
            include_in_statistics: form.get("include_in_statistics") == Some("true"),
            matching: Participation {
                document_numbers: form.get("matching.document_numbers") == Some("true"),
                suspects: form.get("matching.suspects") == Some("true"),
                persons_affected: form.get("matching.persons_affected") == Some("true"),
            },
            effective_from: form.text("effective_from"),
            entries,
        }
    }

    /// The entries as the API receives them (a legal basis given with "default" applies to
    /// the catalog's default flag).
    fn fields(&self) -> Vec<PolicyEntry> {
        let default = |path: &str| catalog::field(path).map_or(Flag::Reserved, |f| f.default_flag);
        self.entries
            .iter()
            .map(|(path, (flag, basis, topic))| PolicyEntry {
                path: path.clone(),
                flag: flag.unwrap_or_else(|| default(path)),
                legal_basis: Some(basis.clone()).filter(|b| !b.is_empty()),
                legislation_topic: Some(topic.clone()).filter(|t| !t.is_empty()),
            })
            .collect()
    }

    fn update(&self) -> PolicyUpdate {
        PolicyUpdate {
            include_in_statistics: self.include_in_statistics,
            fields: self.fields(),
            matching: self.matching,
            effective_from: Some(self.effective_from.clone()).filter(|t| !t.is_empty()),
        }
    }
}

/// The server names entries by position (`fields[3].legal_basis`); the form by path.
fn by_path(edited: &Edited, e: &ApiError) -> FieldErrors {
    let paths: Vec<&String> = edited.entries.keys().collect();
    let FieldErrors(list) = FieldErrors::of(e);
    FieldErrors(
        list.into_iter()
            .map(|mut fe| {
                let moved = fe.field.strip_prefix("fields[").and_then(|r| r.split_once(']')).and_then(|(i, rest)| {
                    let path = paths.get(i.parse::<usize>().ok()?)?;
                    let input = if rest == ".legal_basis" { "basis" } else { "flag" };
                    Some(format!("{input}.{path}"))
                });
                if let Some(name) = moved {
                    fe.field = name;
                }
                fe
            })
            .collect(),
    )
}

fn flag_label(lang: Lang, flag: Flag) -> &'static str {
    match flag {
        Flag::Shared => lang.t("Shared", "Compartido"),
        Flag::Reserved => lang.t("Reserved", "Reservado"),
    }
}

/// The editor: one row per reservable field, by section.
fn editor(m: &Member, doc: &PolicyDocument, etag: &str, edited: &Edited, errors: &FieldErrors) -> Markup {
    let lang = m.lang;
    let cat = catalog::catalog();
    html! {
        form.policy-form method="post" action="/policy" novalidate {
            input type="hidden" name="csrf" value=(m.csrf);
            input type="hidden" name="etag" value=(etag);
            div.field {
                label for="include_in_statistics" { (lang.t("New cases count in regional statistics", "Los casos nuevos cuentan en las estadísticas regionales")) }
                select #include_in_statistics name="include_in_statistics" {
                    option value="true" selected[edited.include_in_statistics] { (lang.t("Yes", "Sí")) }
                    option value="false" selected[!edited.include_in_statistics] { (lang.t("No", "No")) }
                }
            }
            fieldset.field {
                legend { (lang.t("Take part in hit/no-hit checks of other countries", "Participar en las consultas de coincidencia de otros países")) }
                @for (name, on, en, es) in [
                    ("document_numbers", edited.matching.document_numbers, "Document numbers", "Números de documento"),
                    ("suspects", edited.matching.suspects, "Suspects' names", "Nombres de presuntos responsables"),
                    ("persons_affected", edited.matching.persons_affected, "Names and dates of birth of persons affected", "Nombres y fechas de nacimiento de personas afectadas"),
                ] {
                    div {
                        input type="checkbox" id={ "matching-" (name) } name={ "matching." (name) } value="true" checked[on];
                        " "
                        label for={ "matching-" (name) } { (lang.t(en, es)) }
                    }
                }
            }
            div.field.invalid[errors.has("effective_from")] {
                label for="effective_from" {
                    (lang.t("Takes effect", "Entra en vigor"))
                    span.hint { (lang.t("Empty: at once. Or a time up to 366 days ahead, e.g. 2027-01-01T00:00:00Z", "Vacío: de inmediato. O una fecha y hora hasta 366 días después, p. ej. 2027-01-01T00:00:00Z")) }
                }
                input #effective_from name="effective_from" type="text" value=(edited.effective_from)
                    aria-invalid=[errors.has("effective_from").then_some("true")]
                    aria-describedby=[errors.has("effective_from").then_some("err-effective_from")];
                (errors.show(lang, "effective_from"))
            }
            p {
                button type="submit" name="action" value="preview" { (lang.t("Preview what other countries see", "Vista previa de lo que ven otros países")) } " "
                button.secondary type="submit" name="action" value="save" { (lang.t("Save the policy", "Guardar la política")) }
            }
            @for (code, en, es) in SECTIONS {
                @let fields: Vec<_> = cat.fields.iter().filter(|f| f.reservable && f.section == code).collect();
                @if !fields.is_empty() {
                    details open[code == "A" || fields.iter().any(|f| errors.has(&format!("basis.{}", f.path)) || errors.has(&format!("flag.{}", f.path)))] {
                        summary { (code) ". " (lang.t(en, es)) " (" (fields.len()) ")" }
                        div.table-wrap {
                            table {
                                thead { tr {
                                    th scope="col" { (lang.t("Field", "Campo")) }
                                    th scope="col" { (lang.t("Catalog default", "Por defecto")) }
                                    th scope="col" #{ "set-" (code) } { (lang.t("Your country", "Su país")) }
                                    th scope="col" #{ "basis-" (code) } { (lang.t("Legal basis", "Fundamento legal")) }
                                } }
                                tbody {
                                    @for (i, f) in fields.iter().enumerate() {
                                        @let (flag, basis, topic) = edited.entries.get(f.path).cloned().unwrap_or((None, String::new(), String::new()));
                                        @let (fname, bname) = (format!("flag.{}", f.path), format!("basis.{}", f.path));
                                        @let row = format!("{code}{i}");
                                        tr {
                                            th scope="row" #(row) { (render::label(lang, f.path)) span.hint { code { (f.path) } } }
                                            td { (flag_label(lang, f.default_flag)) }
                                            td {
                                                select name=(fname) aria-labelledby={ (row) " set-" (code) } {
                                                    option value="" { (lang.t("Default", "Por defecto")) }
                                                    option value="shared" selected[flag == Some(Flag::Shared)] { (flag_label(lang, Flag::Shared)) }
                                                    option value="reserved" selected[flag == Some(Flag::Reserved)] { (flag_label(lang, Flag::Reserved)) }
                                                }
                                                (errors.show(lang, &fname))
                                            }
                                            td {
                                                input name=(bname) type="text" maxlength="300" value=(basis)
                                                    aria-labelledby={ (row) " basis-" (code) }
                                                    aria-invalid=[errors.has(&bname).then_some("true")];
                                                @if !topic.is_empty() { input type="hidden" name={ "topic." (f.path) } value=(topic); }
                                                (errors.show(lang, &bname))
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            p { (lang.t("In force", "En vigor")) ": " (lang.t("version", "versión")) " " (doc.version)
                @if let Some(since) = &doc.effective_from { " · " (since) }
                @for s in &doc.scheduled { " · " (lang.t("scheduled", "programada")) " " (s.version) ": " (s.effective_from) } }
        }
    }
}

/// The preview: the sample case as another member country would receive it under `edited`,
/// and the edited policy carried in hidden inputs to be saved or edited further.
fn preview(m: &Member, etag: &str, edited: &Edited) -> Markup {
    let lang = m.lang;
    let party = &m.p.record.party.code;
    let document = crate::cases::service::sample_document(party);
    let per_case = crate::policy::case_reservations(&document);
    let (view, withheld) = redacted(document, &reservations(&edited.fields(), &per_case));
    html! {
        (notice(&match lang {
            Lang::En => format!("Not saved yet. A sample case of {party} as another member country would receive it under the edited policy: {} fields withheld.", withheld.len()),
            Lang::Es => format!("Aún no guardada. Un caso de ejemplo de {party} tal como lo recibiría otro país miembro con la política editada: {} campos reservados.", withheld.len()),
        }, false))
        form method="post" action="/policy" {
            input type="hidden" name="csrf" value=(m.csrf);
            input type="hidden" name="etag" value=(etag);
            input type="hidden" name="include_in_statistics" value=(edited.include_in_statistics);
            input type="hidden" name="effective_from" value=(edited.effective_from);
            @for (path, (flag, basis, topic)) in &edited.entries {
                @if let Some(flag) = flag {
                    input type="hidden" name={ "flag." (path) } value=(if *flag == Flag::Reserved { "reserved" } else { "shared" });
                }
                input type="hidden" name={ "basis." (path) } value=(basis);
                @if !topic.is_empty() { input type="hidden" name={ "topic." (path) } value=(topic); }
            }
            p {
                button type="submit" name="action" value="save" { (lang.t("Save the policy", "Guardar la política")) } " "
                button.secondary type="submit" name="action" value="edit" { (lang.t("Back to editing", "Volver a editar")) }
            }
        }
        section.preview aria-label=(lang.t("Preview", "Vista previa")) {
            (render::case(lang, view.as_value()))
        }
    }
}

fn shell<'a>(m: &'a Member) -> Shell<'a> {
    Shell { lang: m.lang, user: Some(&m.p.0), csrf: Some(&m.csrf), path: "/policy" }
}

fn title(lang: Lang) -> &'static str {
    lang.t("Reservation policy", "Política de reservas")
}

#[derive(serde::Deserialize)]
pub struct PolicyQuery {
    done: Option<String>,
}

/// The caller's country's policy in the editor (its users may read it; only its country
/// administrators may save, as the service decides).
#[get("/policy")]
pub async fn page(
    state: web::Data<AppState>,
    req: HttpRequest,
    m: Member,
    q: web::Query<PolicyQuery>,
) -> Result<HttpResponse, Refused> {
    let code = m.p.record.party.code.clone();
    let (doc, etag) = crate::api::policies::read_policy(&state, &m.p, code).await.map_err(|e| Refused::of(&req, e))?;
    let lang = m.lang;
    let admin = m.p.record.roles.contains(&Role::CountryAdmin);
    let body = html! {
        @if q.done.as_deref() == Some("saved") {
            (notice(lang.t("The policy was saved. Every case of your country is shown to other countries under it from the time it takes effect.", "La política se guardó. Cada caso de su país se muestra a otros países según ella desde que entra en vigor."), false))
        }
        @if !admin {
            p.muted { (lang.t("Only your country's administrators may change it.", "Solo los administradores de su país pueden cambiarla.")) }
        }
        (editor(&m, &doc, &etag, &Edited::of(&doc), &FieldErrors::none()))
    };
    Ok(layout::ok(&shell(&m), title(lang), body))
}

#[post("/policy")]
pub async fn submit(
    state: web::Data<AppState>,
    req: HttpRequest,
    m: Member,
    body: web::Bytes,
) -> Result<HttpResponse, Refused> {
    let form = parse_form_up_to(&req, &body, state.settings.max_body_bytes)?;
    check_session_csrf(&state, &req, &m.p.ctx, &form, &m.csrf).await?;
    let lang = m.lang;
    let code = m.p.record.party.code.clone();
    let edited = Edited::from_form(&form);
    let etag = form.text("etag");
    let again = |errors: FieldErrors, status: StatusCode, doc: PolicyDocument| {
        let body = html! {
            @if !errors.0.is_empty() {
                div.notice.error role="alert" {
                    p { strong { (lang.t("The policy was not saved.", "La política no se guardó.")) } }
                    ul { @for e in &errors.0 { li { code { (e.field) } ": " (if lang.spanish() { &e.message_es } else { &e.message }) } } }
                }
            }
            (editor(&m, &doc, &etag, &edited, &errors))
        };
        layout::respond(status, lang, layout::page(&shell(&m), title(lang), body))
    };
    let read = || crate::api::policies::read_policy(&state, &m.p, code.clone());
    match form.get("action").unwrap_or("save") {
        "preview" => {
            // Read first: the preview is for those who may read the policy.
            read().await.map_err(|e| Refused::of(&req, e))?;
            let body = preview(&m, &etag, &edited);
            Ok(layout::ok(&shell(&m), lang.t("Preview of the policy", "Vista previa de la política"), body))
        }
        "edit" => {
            let (doc, _) = read().await.map_err(|e| Refused::of(&req, e))?;
            Ok(again(FieldErrors::none(), StatusCode::OK, doc))
        }
        _ => {
            let tag = Some(etag.clone()).filter(|t| !t.is_empty());
            match crate::api::policies::update_policy(&state, &m.p, code.clone(), tag, edited.update()).await {
                Ok(_) => Ok(see_other("/policy?done=saved")),
                Err(e @ (ApiError::Validation(_) | ApiError::Malformed(_))) => {
                    let (doc, _) = read().await.map_err(|e| Refused::of(&req, e))?;
                    Ok(again(by_path(&edited, &e), StatusCode::UNPROCESSABLE_ENTITY, doc))
                }
                Err(ApiError::PreconditionFailed) => {
                    let (doc, _) = read().await.map_err(|e| Refused::of(&req, e))?;
                    let changed = FieldError::new(
                        "",
                        "changed",
                        "another version was saved since this page was opened: open the policy again",
                        "se guardó otra versión desde que se abrió esta página: abra la política de nuevo",
                    );
                    Ok(again(FieldErrors(vec![changed]), StatusCode::PRECONDITION_FAILED, doc))
                }
                Err(e) => Err(Refused::of(&req, e)),
            }
        }
    }
}
