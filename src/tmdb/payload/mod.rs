//! Typed TMDb API v3 bodies.
//!
//! The types follow the bodies actually seen over a decade (`tests/fixtures/tmdb-samples/`),
//! not the documentation, and are deliberately forgiving (helpers in [`de`]):
//! - only the entity `id` is required; every other field is an `Option` or a list that
//!   defaults to empty, so an absent key, `null` or an odd shape never fails an entity;
//! - numbers are read from ints, floats or numeric strings; dates from `YYYY-MM-DD` only,
//!   anything else (including `""`) being `None`;
//! - strings are kept as sent, so `""` stays `Some("")` (the database mapping sometimes treats
//!   it differently from `null`); use [`non_empty`] to treat both alike;
//! - list entries that cannot be read (no id) are dropped, arrays sent as objects are empty;
//! - unknown keys are ignored.
//!
//! Parse with [`parse`], which names the type that failed but never echoes the body.
//!
//! Appended seasons (`append_to_response=season/1,...`) of a series are collected by
//! [`TvSeries::appended_seasons`].

pub mod de;

mod catalog;
mod changes;
mod collection;
mod common;
mod company;
mod configuration;
mod credits;
mod episode;
mod export;
mod keyword;
mod list;
mod media;
mod movie;
mod network;
mod person;
mod season;
mod snapshot;
mod status;
mod tv;

use serde::de::DeserializeOwned;

pub use catalog::{OrderedJson, WatchProviderCatalog};
pub use changes::{ChangeGroup, ChangeItem, ChangedId, ChangesList, ItemChanges};
pub use collection::Collection;
pub use common::{CompanySummary, Genre, MediaSummary, Page, ProductionCountry, SpokenLanguage};
pub use company::Company;
pub use configuration::{Configuration, GenreList, ImagesConfiguration, WatchProviderList};
pub use credits::{
    AggregateCast, AggregateCredits, AggregateCrew, AggregateJob, AggregateRole, CastCredit,
    Creator, Credits, CrewCredit, PersonCredit, PersonCredits,
};
pub use de::non_empty;
pub use episode::TvEpisode;
pub use export::{
    CollectionExportLine, CompanyExportLine, KeywordExportLine, MovieExportLine, NamedExportLine,
    NetworkExportLine, PersonExportLine, TvSeriesExportLine,
};
pub use keyword::{Keyword, Keywords};
pub use list::List;
pub use media::{
    AlternativeName, AlternativeNames, AlternativeTitle, AlternativeTitles, ContentRating,
    ContentRatings, CountryReleaseDates, ExternalIds, Image, Images, ReleaseDate, ReleaseDates,
    Translation, TranslationData, Translations, Video, Videos, WatchProvider, WatchProviderCountry,
    WatchProviders,
};
pub use movie::{CollectionRef, Movie};
pub use network::Network;
pub use person::Person;
pub use season::TvSeason;
pub use snapshot::{Malformed, PROVIDER_BUCKETS};
pub use status::TmdbStatus;
pub use tv::{AppendedSeasons, SeasonSummary, TvSeries};

/// Longest serde message kept in a [`PayloadError`]; serde quotes offending values, and a
/// quoted overview must not turn an error into a copy of the body.
const MAX_REASON_CHARS: usize = 160;

/// What went wrong, coarsely, so callers can decide whether a retry may help.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PayloadErrorKind {
    /// The body ends early: a truncated transfer, worth retrying.
    Truncated,
    /// The body is not JSON.
    Syntax,
    /// Valid JSON that does not fit the type (in practice: a missing or unusable `id`).
    Shape,
    /// The reader failed (only with non-slice input).
    Io,
}

/// A body that could not be read as the expected type. Carries the type, the position and a
/// short reason, never the body itself (bodies can be megabytes and are not ours to log).
#[derive(Debug, Clone, thiserror::Error)]
#[error("cannot read a TMDb {type_name} ({kind:?}) at line {line}, column {column}: {reason}")]
pub struct PayloadError {
    pub type_name: String,
    pub kind: PayloadErrorKind,
    pub line: usize,
    pub column: usize,
    pub reason: String,
}

impl PayloadError {
    fn new<T>(err: &serde_json::Error) -> Self {
        use serde_json::error::Category;
        let kind = match err.classify() {
            Category::Eof => PayloadErrorKind::Truncated,
            Category::Syntax => PayloadErrorKind::Syntax,
            Category::Data => PayloadErrorKind::Shape,
            Category::Io => PayloadErrorKind::Io,
        };
        let full = err.to_string();
        let position = format!(" at line {} column {}", err.line(), err.column());
        let whole_reason = full.strip_suffix(&position).unwrap_or(&full);
        let mut reason: String = whole_reason.chars().take(MAX_REASON_CHARS).collect();
        if reason.len() < whole_reason.len() {
            reason.push('…');
        }
        PayloadError {
            type_name: short_type_name(std::any::type_name::<T>()),
            kind,
            line: err.line(),
            column: err.column(),
            reason,
        }
    }
}

/// Parses one TMDb body (or one export line) as `T`.
pub fn parse<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, PayloadError> {
    serde_json::from_slice(bytes).map_err(|e| PayloadError::new::<T>(&e))
}

/// `a::b::Page<a::c::ChangedId>` → `Page<ChangedId>`.
fn short_type_name(full: &str) -> String {
    let mut out = String::with_capacity(full.len());
    let mut path = String::new();
    let flush = |path: &mut String, out: &mut String| {
        out.push_str(path.rsplit("::").next().unwrap_or_default());
        path.clear();
    };
    for c in full.chars() {
        if c.is_alphanumeric() || c == '_' || c == ':' {
            path.push(c);
        } else {
            flush(&mut path, &mut out);
            out.push(c);
        }
    }
    flush(&mut path, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_type_name_drops_module_paths() {
        assert_eq!(
            short_type_name(
                "tmdb_crawler::tmdb::payload::common::Page<tmdb_crawler::x::ChangedId>"
            ),
            "Page<ChangedId>"
        );
        assert_eq!(short_type_name("u64"), "u64");
    }

    #[test]
    fn parse_error_names_the_type_and_position_but_not_the_body() {
        let secret_text = "x".repeat(10_000);
        let body = format!(r#"{{"title": "{secret_text}", "id": "{secret_text}"}}"#);
        let err = parse::<Movie>(body.as_bytes()).expect_err("the id is unusable");
        let msg = err.to_string();
        assert!(msg.contains("Movie"), "{msg}");
        assert!(msg.contains("line 1"), "{msg}");
        assert_eq!(err.kind, PayloadErrorKind::Shape);
        assert!(msg.len() < 400, "{msg}");
    }

    #[test]
    fn parse_error_tells_truncation_from_garbage() {
        let truncated = parse::<Movie>(br#"{"id": 550, "title": "Fight"#).err();
        assert_eq!(truncated.map(|e| e.kind), Some(PayloadErrorKind::Truncated));
        let garbage = parse::<Movie>(b"<html>502 Bad Gateway</html>").err();
        assert_eq!(garbage.map(|e| e.kind), Some(PayloadErrorKind::Syntax));
        let missing_id = parse::<Movie>(br#"{"title": "x"}"#).err();
        let missing_id = missing_id.map(|e| e.to_string()).unwrap_or_default();
        assert!(missing_id.contains("missing field `id`"), "{missing_id}");
    }

    /// Every type must accept a body holding nothing but its required id: this catches a
    /// tolerant field that forgot `#[serde(default)]`.
    #[test]
    fn every_type_accepts_a_minimal_body() {
        fn ok<T: DeserializeOwned>(body: &str) {
            if let Err(e) = parse::<T>(body.as_bytes()) {
                panic!("{body}: {e}");
            }
        }
        let id = r#"{"id": 1}"#;
        ok::<Movie>(id);
        ok::<TvSeries>(id);
        ok::<TvSeason>(id);
        ok::<TvEpisode>(id);
        ok::<Person>(id);
        ok::<Collection>(id);
        ok::<Company>(id);
        ok::<Network>(id);
        ok::<Keyword>(id);
        ok::<List>(r#"{"id": "509ec17b19c2950a0600050d"}"#);
        ok::<MovieExportLine>(id);
        ok::<PersonExportLine>(id);
        ok::<TvSeriesExportLine>(id);
        ok::<NamedExportLine>(id);
        ok::<Genre>(id);
        ok::<CompanySummary>(id);
        ok::<MediaSummary>(id);
        ok::<CastCredit>(id);
        ok::<CrewCredit>(id);
        ok::<AggregateCast>(id);
        ok::<AggregateCrew>(id);
        ok::<PersonCredit>(id);
        ok::<Creator>(id);
        ok::<CollectionRef>(id);
        ok::<ChangedId>(id);
        ok::<WatchProvider>(r#"{"provider_id": 8}"#);
        let empty = "{}";
        ok::<ChangesList>(empty);
        ok::<ItemChanges>(empty);
        ok::<ChangeGroup>(empty);
        ok::<ChangeItem>(empty);
        ok::<Configuration>(empty);
        ok::<ImagesConfiguration>(empty);
        ok::<GenreList>(empty);
        ok::<WatchProviderList>(empty);
        ok::<TmdbStatus>(empty);
        ok::<Credits>(empty);
        ok::<AggregateCredits>(empty);
        ok::<AggregateRole>(empty);
        ok::<AggregateJob>(empty);
        ok::<PersonCredits>(empty);
        ok::<Images>(empty);
        ok::<Image>(empty);
        ok::<Videos>(empty);
        ok::<Video>(empty);
        ok::<Translations>(empty);
        ok::<Translation>(empty);
        ok::<TranslationData>(empty);
        ok::<ExternalIds>(empty);
        ok::<AlternativeTitles>(empty);
        ok::<AlternativeTitle>(empty);
        ok::<AlternativeNames>(empty);
        ok::<AlternativeName>(empty);
        ok::<ReleaseDates>(empty);
        ok::<CountryReleaseDates>(empty);
        ok::<ReleaseDate>(empty);
        ok::<ContentRatings>(empty);
        ok::<ContentRating>(empty);
        ok::<WatchProviders>(empty);
        ok::<WatchProviderCountry>(empty);
        ok::<Keywords>(empty);
        ok::<Page<MediaSummary>>(empty);
        ok::<SeasonSummary>(empty);
        ok::<ProductionCountry>(empty);
        ok::<SpokenLanguage>(empty);
    }

    #[test]
    fn main_objects_require_their_id() {
        assert!(parse::<Movie>(b"{}").is_err());
        assert!(parse::<TvSeries>(br#"{"id": null}"#).is_err());
        assert!(parse::<Person>(br#"{"id": "abc"}"#).is_err());
        assert!(parse::<List>(br#"{"id": ""}"#).is_err());
        assert!(parse::<Movie>(b"[]").is_err());
    }

    #[test]
    fn appended_seasons_are_collected_by_number() {
        let body = br#"{
            "id": 1399,
            "name": "Game of Thrones",
            "season/2": {"id": 3625, "season_number": 2, "episodes": [{"id": 1}, {"id": 2}]},
            "season/1": {"id": 3624, "season_number": 1, "episodes": [{"id": 63056}]},
            "season/x": {"id": 1},
            "season/3": {"name": "no id, dropped"},
            "reviews": {"results": []}
        }"#;
        let tv = parse::<TvSeries>(body).expect("valid series");
        let seasons = tv.appended_seasons();
        let numbers: Vec<u32> = seasons.iter().map(|(n, _)| *n).collect();
        assert_eq!(numbers, vec![1, 2]);
        assert_eq!(tv.appended_season(2).map(|s| s.episodes.len()), Some(2));
        assert_eq!(tv.appended_season(1).map(|s| s.id), Some(3624));
        assert_eq!(tv.name.as_deref(), Some("Game of Thrones"));
    }
}
