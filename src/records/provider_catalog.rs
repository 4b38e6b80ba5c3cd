//! Process 19: a `/watch/providers/{movie|tv}` body → the rows of one provider catalogue
//! (spec S6), and the provider identities both catalogues together give.
//!
//! Pure logic. [`judge`] validates the whole body before anything is written: an empty list, a
//! missing, non-positive or repeated `provider_id`, a `display_priorities` that is not an
//! object, or a region that is not a two-letter code with an integer priority rejects the
//! catalogue, and the stored one stays (R-26, R-27: a global catalogue is never empty, unlike a
//! title's availability). [`identities`] merges the stored catalogues into
//! `T_WC_TMDB_WATCH_PROVIDER`, the movie catalogue winning each column it has a value for.

use std::collections::{BTreeMap, HashSet};

use chrono::NaiveDateTime;

use crate::records::truncate_chars;
use crate::tmdb::payload::OrderedJson;

/// `PROVIDER_NAME varchar(250)`, `LOGO_PATH varchar(200)`.
pub const NAME_CHARS: usize = 250;
pub const LOGO_CHARS: usize = 200;

/// The two catalogues, in the order process 19 fetches and writes them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CatalogType {
    Movie,
    Serie,
}

impl CatalogType {
    pub const ALL: [CatalogType; 2] = [CatalogType::Movie, CatalogType::Serie];

    /// `CONTENT_TYPE` as the Python crawler wrote it: `movie`, `serie`.
    pub fn content_type(self) -> &'static str {
        match self {
            CatalogType::Movie => "movie",
            CatalogType::Serie => "serie",
        }
    }

    pub fn api_path(self) -> &'static str {
        match self {
            CatalogType::Movie => "/3/watch/providers/movie",
            CatalogType::Serie => "/3/watch/providers/tv",
        }
    }

    /// `strtmdbcrawlerwatchprovidercatalog{movie|serie}updated`: the last replacement's time.
    pub fn updated_var(self) -> String {
        format!(
            "strtmdbcrawlerwatchprovidercatalog{}updated",
            self.content_type()
        )
    }

    /// The precedence of a stored `CONTENT_TYPE` in the identity merge: movie first.
    fn rank(content_type: &str) -> u8 {
        match content_type {
            "movie" => 0,
            "serie" => 1,
            _ => 2,
        }
    }
}

impl std::fmt::Display for CatalogType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.content_type())
    }
}

/// One `T_WC_TMDB_WATCH_PROVIDER_CATALOG` row: a provider's membership of a catalogue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CatalogProvider {
    pub provider: i32,
    pub name: Option<String>,
    pub logo_path: Option<String>,
    /// 1-based position in TMDb's list.
    pub display_order: i32,
}

/// One `T_WC_TMDB_WATCH_PROVIDER_REGION` row: a provider's priority in one country.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegionPriority {
    pub provider: i32,
    /// Upper-case ISO 3166-1 code.
    pub country: String,
    pub priority: i32,
    /// 1-based position in the provider's `display_priorities`, in TMDb's order.
    pub display_order: i32,
}

/// A validated catalogue, ready to replace the stored one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CatalogSnapshot {
    pub catalog: CatalogType,
    pub providers: Vec<CatalogProvider>,
    pub regions: Vec<RegionPriority>,
}

/// Why a catalogue body cannot replace the stored catalogue. Never echoes the body.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CatalogProblem {
    #[error("the body has no results list (results is {0})")]
    ResultsNotList(&'static str),
    #[error("the catalogue is empty")]
    Empty,
    #[error("entry {position} is {found}, not an object")]
    EntryNotObject {
        position: usize,
        found: &'static str,
    },
    #[error("entry {position} has no integer provider_id")]
    ProviderWithoutId { position: usize },
    #[error("entry {position} has provider_id {id}, not a positive 32-bit integer")]
    InvalidProviderId { position: usize, id: i64 },
    #[error("provider_id {0} appears more than once")]
    DuplicateProviderId(i32),
    #[error("provider {provider}: display_priorities is {found}, not an object")]
    PrioritiesNotObject { provider: i32, found: &'static str },
    #[error("provider {provider}: region {position} of display_priorities {reason}")]
    MalformedRegion {
        provider: i32,
        position: usize,
        reason: &'static str,
    },
}

/// Validates a whole catalogue body and maps it to its rows, or names the first problem.
pub fn judge(catalog: CatalogType, body: &OrderedJson) -> Result<CatalogSnapshot, CatalogProblem> {
    let entries = match body.get("results") {
        Some(OrderedJson::Array(entries)) => entries,
        Some(other) => return Err(CatalogProblem::ResultsNotList(other.type_name())),
        None => return Err(CatalogProblem::ResultsNotList("missing")),
    };
    if entries.is_empty() {
        return Err(CatalogProblem::Empty);
    }
    let mut seen = HashSet::new();
    let mut snapshot = CatalogSnapshot {
        catalog,
        providers: Vec::with_capacity(entries.len()),
        regions: Vec::new(),
    };
    for (index, entry) in entries.iter().enumerate() {
        let position = index + 1;
        let provider = provider_id(entry, position)?;
        if !seen.insert(provider) {
            return Err(CatalogProblem::DuplicateProviderId(provider));
        }
        snapshot
            .regions
            .extend(regions(provider, entry.get("display_priorities"))?);
        snapshot.providers.push(CatalogProvider {
            provider,
            name: text(entry.get("provider_name"), NAME_CHARS),
            logo_path: text(entry.get("logo_path"), LOGO_CHARS),
            display_order: i32::try_from(position).unwrap_or(i32::MAX),
        });
    }
    Ok(snapshot)
}

fn provider_id(entry: &OrderedJson, position: usize) -> Result<i32, CatalogProblem> {
    if !matches!(entry, OrderedJson::Object(_)) {
        return Err(CatalogProblem::EntryNotObject {
            position,
            found: entry.type_name(),
        });
    }
    let id = entry
        .get("provider_id")
        .and_then(OrderedJson::as_integer)
        .ok_or(CatalogProblem::ProviderWithoutId { position })?;
    // `ID_PROVIDER int(11)`: an id beyond it could not be stored as sent.
    i32::try_from(id)
        .ok()
        .filter(|id| *id > 0)
        .ok_or(CatalogProblem::InvalidProviderId { position, id })
}

/// A provider's `display_priorities`, in TMDb's order. An empty object is valid: a provider
/// listed with no country yet.
fn regions(
    provider: i32,
    priorities: Option<&OrderedJson>,
) -> Result<Vec<RegionPriority>, CatalogProblem> {
    let members = match priorities {
        Some(OrderedJson::Object(members)) => members,
        other => {
            return Err(CatalogProblem::PrioritiesNotObject {
                provider,
                found: other.map_or("missing", OrderedJson::type_name),
            });
        }
    };
    let mut countries = HashSet::new();
    let mut out = Vec::with_capacity(members.len());
    for (index, (code, priority)) in members.iter().enumerate() {
        let position = index + 1;
        let malformed = |reason| CatalogProblem::MalformedRegion {
            provider,
            position,
            reason,
        };
        if code.len() != 2 || !code.bytes().all(|b| b.is_ascii_alphabetic()) {
            return Err(malformed("is not a two-letter country code"));
        }
        let country = code.to_ascii_uppercase();
        let priority = priority
            .as_integer()
            .and_then(|p| i32::try_from(p).ok())
            .ok_or(malformed("has no 32-bit integer priority"))?;
        // The unique key (ID_PROVIDER, CONTENT_TYPE, COUNTRY_CODE) holds one priority per country.
        if !countries.insert(country.clone()) {
            return Err(malformed("repeats a country"));
        }
        out.push(RegionPriority {
            provider,
            country,
            priority,
            display_order: i32::try_from(position).unwrap_or(i32::MAX),
        });
    }
    Ok(out)
}

/// A string field cut to its column; any other JSON type is NULL, as the Python crawler did.
fn text(value: Option<&OrderedJson>, max: usize) -> Option<String> {
    value
        .and_then(OrderedJson::as_str)
        .map(|s| truncate_chars(s, max).0.to_owned())
}

/// A stored `T_WC_TMDB_WATCH_PROVIDER_CATALOG` row, as the identity merge reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredMembership {
    pub provider: i32,
    pub content_type: String,
    pub name: Option<String>,
    pub logo_path: Option<String>,
    pub display_order: Option<i32>,
    pub updated: Option<NaiveDateTime>,
}

/// One `T_WC_TMDB_WATCH_PROVIDER` row's owned values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    pub provider: i32,
    pub name: Option<String>,
    pub logo_path: Option<String>,
    pub display_order: Option<i32>,
    /// The newest `TIM_PROVIDER_UPDATED` of its memberships.
    pub updated: Option<NaiveDateTime>,
}

/// The identities of every provider some catalogue lists: each column from the movie
/// membership when it has a value there, else from the series one (the Python crawler's
/// `COALESCE(movie, serie)`); by provider id.
pub fn identities(memberships: &[StoredMembership]) -> Vec<Identity> {
    let mut sorted: Vec<&StoredMembership> = memberships.iter().collect();
    sorted.sort_by_key(|m| (m.provider, CatalogType::rank(&m.content_type)));
    let mut out: BTreeMap<i32, Identity> = BTreeMap::new();
    for m in sorted {
        let identity = out.entry(m.provider).or_insert_with(|| Identity {
            provider: m.provider,
            name: None,
            logo_path: None,
            display_order: None,
            updated: None,
        });
        identity.name = identity.name.take().or_else(|| m.name.clone());
        identity.logo_path = identity.logo_path.take().or_else(|| m.logo_path.clone());
        identity.display_order = identity.display_order.or(m.display_order);
        identity.updated = identity.updated.max(m.updated);
    }
    out.into_values().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(json: &str) -> OrderedJson {
        serde_json::from_str(json).expect("valid JSON")
    }

    fn judged(json: &str) -> Result<CatalogSnapshot, CatalogProblem> {
        judge(CatalogType::Movie, &body(json))
    }

    #[test]
    fn a_catalogue_maps_to_membership_and_regions_in_tmdb_order() {
        let snapshot = judged(
            r#"{"results": [
                {"display_priorities": {"CA": 6, "AE": 1, "fr": 4}, "display_priority": 6,
                 "logo_path": "/n.jpg", "provider_id": 8, "provider_name": "Netflix"},
                {"display_priorities": {}, "logo_path": null, "provider_id": "2",
                 "provider_name": 7}
            ]}"#,
        )
        .expect("a valid catalogue");
        assert_eq!(
            snapshot.providers,
            vec![
                CatalogProvider {
                    provider: 8,
                    name: Some("Netflix".into()),
                    logo_path: Some("/n.jpg".into()),
                    display_order: 1,
                },
                CatalogProvider {
                    provider: 2,
                    name: None,
                    logo_path: None,
                    display_order: 2,
                },
            ]
        );
        let regions: Vec<(i32, &str, i32, i32)> = snapshot
            .regions
            .iter()
            .map(|r| (r.provider, r.country.as_str(), r.priority, r.display_order))
            .collect();
        // Not sorted: "CA" first, as TMDb sends it; "fr" upper-cased.
        assert_eq!(regions, [(8, "CA", 6, 1), (8, "AE", 1, 2), (8, "FR", 4, 3)]);
    }

    #[test]
    fn long_names_and_logos_are_cut_to_their_columns() {
        let long = "é".repeat(300);
        let snapshot = judged(&format!(
            r#"{{"results": [{{"display_priorities": {{}}, "provider_id": 1,
                 "provider_name": "{long}", "logo_path": "{long}"}}]}}"#
        ))
        .expect("valid");
        let p = &snapshot.providers[0];
        assert_eq!(p.name.as_deref().map(|s| s.chars().count()), Some(250));
        assert_eq!(p.logo_path.as_deref().map(|s| s.chars().count()), Some(200));
    }

    #[test]
    fn every_malformed_catalogue_is_rejected_with_its_reason() {
        let entry = |id: &str, prio: &str| {
            format!(
                r#"{{"provider_id": {id}, "provider_name": "P", "display_priorities": {prio}}}"#
            )
        };
        let list = |entries: &[String]| format!(r#"{{"results": [{}]}}"#, entries.join(","));
        let ok = entry("8", r#"{"US": 1}"#);
        let cases: Vec<(String, CatalogProblem)> = vec![
            ("{}".into(), CatalogProblem::ResultsNotList("missing")),
            (
                r#"{"results": {}}"#.into(),
                CatalogProblem::ResultsNotList("an object"),
            ),
            (list(&[]), CatalogProblem::Empty),
            (
                list(&[ok.clone(), "3".into()]),
                CatalogProblem::EntryNotObject {
                    position: 2,
                    found: "a number",
                },
            ),
            (
                list(&[r#"{"provider_name": "x", "display_priorities": {}}"#.into()]),
                CatalogProblem::ProviderWithoutId { position: 1 },
            ),
            (
                list(&[entry("1.5", "{}")]),
                CatalogProblem::ProviderWithoutId { position: 1 },
            ),
            (
                list(&[entry("0", "{}")]),
                CatalogProblem::InvalidProviderId { position: 1, id: 0 },
            ),
            (
                list(&[ok.clone(), entry("-4", "{}")]),
                CatalogProblem::InvalidProviderId {
                    position: 2,
                    id: -4,
                },
            ),
            (
                list(&[entry("4294967296", "{}")]),
                CatalogProblem::InvalidProviderId {
                    position: 1,
                    id: 4_294_967_296,
                },
            ),
            (
                list(&[ok.clone(), entry("8", "{}")]),
                CatalogProblem::DuplicateProviderId(8),
            ),
            (
                list(&[entry("8", "[]")]),
                CatalogProblem::PrioritiesNotObject {
                    provider: 8,
                    found: "a list",
                },
            ),
            (
                list(&[r#"{"provider_id": 8}"#.into()]),
                CatalogProblem::PrioritiesNotObject {
                    provider: 8,
                    found: "missing",
                },
            ),
            (
                list(&[entry("8", r#"{"US": 1, "USA": 2}"#)]),
                CatalogProblem::MalformedRegion {
                    provider: 8,
                    position: 2,
                    reason: "is not a two-letter country code",
                },
            ),
            (
                list(&[entry("8", r#"{"U1": 2}"#)]),
                CatalogProblem::MalformedRegion {
                    provider: 8,
                    position: 1,
                    reason: "is not a two-letter country code",
                },
            ),
            (
                list(&[entry("8", r#"{"US": "first"}"#)]),
                CatalogProblem::MalformedRegion {
                    provider: 8,
                    position: 1,
                    reason: "has no 32-bit integer priority",
                },
            ),
            (
                list(&[entry("8", r#"{"US": null}"#)]),
                CatalogProblem::MalformedRegion {
                    provider: 8,
                    position: 1,
                    reason: "has no 32-bit integer priority",
                },
            ),
            (
                list(&[entry("8", r#"{"US": 1, "us": 2}"#)]),
                CatalogProblem::MalformedRegion {
                    provider: 8,
                    position: 2,
                    reason: "repeats a country",
                },
            ),
        ];
        for (json, expected) in cases {
            assert_eq!(judged(&json), Err(expected), "{json}");
        }
        assert!(judged(&list(&[ok])).is_ok());
    }

    #[test]
    fn the_real_catalogue_samples_are_accepted() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/tmdb-samples/other");
        for (file, catalog) in [
            ("jdrouet-watch-providers-movie.json", CatalogType::Movie),
            ("jdrouet-watch-providers-tv.json", CatalogType::Serie),
        ] {
            let text =
                std::fs::read_to_string(dir.join(file)).expect("the sample is in the repository");
            let raw: serde_json::Value = serde_json::from_str(&text).expect("sample JSON");
            let snapshot = judge(catalog, &body(&text)).expect("a valid sample");
            let results = raw["results"].as_array().expect("results");
            let regions: usize = results
                .iter()
                .map(|p| p["display_priorities"].as_object().map_or(0, |o| o.len()))
                .sum();
            assert_eq!(snapshot.providers.len(), results.len(), "{file}");
            assert_eq!(snapshot.regions.len(), regions, "{file}");
        }
    }

    fn membership(
        provider: i32,
        content: &str,
        name: Option<&str>,
        minute: u32,
    ) -> StoredMembership {
        StoredMembership {
            provider,
            content_type: content.into(),
            name: name.map(Into::into),
            logo_path: Some(format!("/{content}.jpg")),
            display_order: Some(minute as i32),
            updated: chrono::NaiveDate::from_ymd_opt(2026, 8, 19)
                .and_then(|d| d.and_hms_opt(10, minute, 0)),
        }
    }

    #[test]
    fn identities_take_the_movie_values_first_and_the_newest_time() {
        let merged = identities(&[
            membership(8, "serie", Some("Netflix TV"), 30),
            membership(8, "movie", None, 10),
            membership(3, "serie", Some("Only TV"), 5),
        ]);
        assert_eq!(merged.len(), 2);
        assert_eq!(merged[0].provider, 3);
        assert_eq!(merged[0].name.as_deref(), Some("Only TV"));
        let netflix = &merged[1];
        // The movie row has no name: the series one fills it, as COALESCE(movie, serie) did.
        assert_eq!(netflix.name.as_deref(), Some("Netflix TV"));
        assert_eq!(netflix.logo_path.as_deref(), Some("/movie.jpg"));
        assert_eq!(netflix.display_order, Some(10));
        assert_eq!(netflix.updated, membership(0, "", None, 30).updated);
    }
}
