//! The console's two languages: chosen from the user's kept choice (a cookie), else from
//! `Accept-Language`; every text of a page is written in both.

use actix_web::HttpRequest;

/// The language of a page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Es,
    En,
}

impl Lang {
    /// The language of a request: the kept choice, else the browser's preference.
    pub fn of(req: &HttpRequest) -> Lang {
        match req.cookie(super::session::LANG_COOKIE).as_ref().map(|c| c.value()) {
            Some("es") => Lang::Es,
            Some("en") => Lang::En,
            _ if crate::api::http::prefers_spanish(req) => Lang::Es,
            _ => Lang::En,
        }
    }

    pub fn parse(code: &str) -> Option<Lang> {
        match code {
            "es" => Some(Lang::Es),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Lang::Es => "es",
            Lang::En => "en",
        }
    }

    /// The other language (the switch offered on every page).
    pub fn other(self) -> Lang {
        match self {
            Lang::Es => Lang::En,
            Lang::En => Lang::Es,
        }
    }

    /// The name of this language, in itself.
    pub fn name(self) -> &'static str {
        match self {
            Lang::Es => "Español",
            Lang::En => "English",
        }
    }

    /// The text in this language.
    pub fn t<'a>(self, en: &'a str, es: &'a str) -> &'a str {
        match self {
            Lang::Es => es,
            Lang::En => en,
        }
    }

    pub fn spanish(self) -> bool {
        self == Lang::Es
    }
}
