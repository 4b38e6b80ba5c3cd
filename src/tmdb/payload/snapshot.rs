//! Validation of the append blocks the crawler stores as snapshots (release dates, watch
//! providers, videos).
//!
//! Everywhere else the payload types are forgiving: an odd entry is dropped and the rest
//! stored. A snapshot replaces every stored row of its title, so a dropped entry would delete
//! a stored row that is still true; the Python crawler therefore validated the whole block in
//! memory first and kept the stored snapshot when anything was off (spec S4, R-26). These
//! functions look at the raw JSON before the forgiving parse and name the first problem found.

use serde_json::Value;

/// Why a snapshot block cannot replace the stored one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Malformed {
    #[error("results is not a list")]
    ResultsNotList,
    #[error("results is not an object keyed by country")]
    ResultsNotObject,
    #[error("an entry is not an object")]
    EntryNotObject,
    #[error("a country entry has no iso_3166_1")]
    CountryWithoutCode,
    #[error("a country's release_dates is not a list")]
    ReleaseDatesNotList,
    #[error("a release has no release_date")]
    ReleaseWithoutDate,
    #[error("a release's type is not an integer")]
    ReleaseTypeNotInteger,
    #[error("a country's provider bucket is not a list")]
    BucketNotList,
    #[error("a country's link is not a string")]
    LinkNotString,
    #[error("a provider has no positive integer provider_id")]
    ProviderWithoutId,
    #[error("a video has no id")]
    VideoWithoutId,
    /// The answer lacks the appended block, or it is not an object.
    #[error("the block is missing from the answer")]
    Absent,
}

/// An integer as the forgiving parse reads it (`3`, `3.0`, `"3"`), so a body whose numbers come
/// as strings validates like the same body with numbers.
fn integer(value: &Value) -> Option<i64> {
    super::de::opt_i64(value.clone()).ok().flatten()
}

/// A non-empty JSON string.
fn has_text(value: Option<&Value>) -> bool {
    value.and_then(Value::as_str).is_some_and(|s| !s.is_empty())
}

/// The monetization buckets of a country's watch providers, in the order the Python crawler
/// stored them.
pub const PROVIDER_BUCKETS: [&str; 5] = ["flatrate", "free", "ads", "rent", "buy"];

/// `{results: [{iso_3166_1, release_dates: [{release_date, type, ...}]}]}`: every country has
/// a code, every release a date and an integer type (S4; an integer sent as a string counts,
/// as everywhere in the payloads).
pub fn release_dates_problem(body: &Value) -> Option<Malformed> {
    let Some(countries) = body.get("results").and_then(Value::as_array) else {
        return Some(Malformed::ResultsNotList);
    };
    for country in countries {
        let Some(country) = country.as_object() else {
            return Some(Malformed::EntryNotObject);
        };
        if !has_text(country.get("iso_3166_1")) {
            return Some(Malformed::CountryWithoutCode);
        }
        let Some(releases) = country.get("release_dates").and_then(Value::as_array) else {
            return Some(Malformed::ReleaseDatesNotList);
        };
        for release in releases {
            let Some(release) = release.as_object() else {
                return Some(Malformed::EntryNotObject);
            };
            if !has_text(release.get("release_date")) {
                return Some(Malformed::ReleaseWithoutDate);
            }
            if release.get("type").and_then(integer).is_none() {
                return Some(Malformed::ReleaseTypeNotInteger);
            }
        }
    }
    None
}

/// `{results: {CC: {link, flatrate: [...], ...}}}`: every country an object, every bucket
/// present a list, every provider an object with a positive integer id (the checks of the
/// provider catalogue, S6, applied per title).
pub fn watch_providers_problem(body: &Value) -> Option<Malformed> {
    let Some(countries) = body.get("results").and_then(Value::as_object) else {
        return Some(Malformed::ResultsNotObject);
    };
    for (code, country) in countries {
        if code.is_empty() {
            return Some(Malformed::CountryWithoutCode);
        }
        let Some(country) = country.as_object() else {
            return Some(Malformed::EntryNotObject);
        };
        if country
            .get("link")
            .is_some_and(|l| !(l.is_string() || l.is_null()))
        {
            return Some(Malformed::LinkNotString);
        }
        for bucket in PROVIDER_BUCKETS {
            let providers = match country.get(bucket) {
                None | Some(Value::Null) => continue,
                Some(Value::Array(list)) => list,
                Some(_) => return Some(Malformed::BucketNotList),
            };
            for provider in providers {
                let id = provider.get("provider_id").and_then(integer);
                if id.is_none_or(|id| id <= 0) {
                    return Some(Malformed::ProviderWithoutId);
                }
            }
        }
    }
    None
}

/// `{results: [{id, ...}]}`: a list of objects each carrying the TMDb video id the rows are
/// keyed by.
pub fn videos_problem(body: &Value) -> Option<Malformed> {
    let Some(videos) = body.get("results").and_then(Value::as_array) else {
        return Some(Malformed::ResultsNotList);
    };
    for video in videos {
        let Some(video) = video.as_object() else {
            return Some(Malformed::EntryNotObject);
        };
        if !has_text(video.get("id")) {
            return Some(Malformed::VideoWithoutId);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn release(date: Value, kind: Value) -> Value {
        json!({"results": [{"iso_3166_1": "FR", "release_dates": [
            {"certification": "", "release_date": date, "type": kind}
        ]}]})
    }

    #[test]
    fn release_dates_follow_the_python_validation() {
        assert_eq!(release_dates_problem(&json!({"results": []})), None);
        assert_eq!(
            release_dates_problem(&release(json!("1999-11-10T00:00:00.000Z"), json!(3))),
            None
        );
        assert_eq!(
            release_dates_problem(&json!({"results": {}})),
            Some(Malformed::ResultsNotList)
        );
        assert_eq!(
            release_dates_problem(&json!({})),
            Some(Malformed::ResultsNotList)
        );
        assert_eq!(
            release_dates_problem(&json!({"results": [{"release_dates": []}]})),
            Some(Malformed::CountryWithoutCode)
        );
        assert_eq!(
            release_dates_problem(&release(Value::Null, json!(3))),
            Some(Malformed::ReleaseWithoutDate)
        );
        assert_eq!(
            release_dates_problem(&release(json!("1999-11-10T00:00:00.000Z"), json!("3"))),
            None
        );
        assert_eq!(
            release_dates_problem(&release(json!("1999-11-10T00:00:00.000Z"), json!("three"))),
            Some(Malformed::ReleaseTypeNotInteger)
        );
        assert_eq!(
            release_dates_problem(&release(json!("1999-11-10T00:00:00.000Z"), Value::Null)),
            Some(Malformed::ReleaseTypeNotInteger)
        );
        assert_eq!(
            release_dates_problem(&release(json!("1999-11-10T00:00:00.000Z"), json!(3.5))),
            Some(Malformed::ReleaseTypeNotInteger)
        );
    }

    #[test]
    fn watch_providers_need_objects_lists_and_ids() {
        let netflix = json!({"provider_id": 8, "provider_name": "Netflix"});
        assert_eq!(watch_providers_problem(&json!({"results": {}})), None);
        assert_eq!(
            watch_providers_problem(
                &json!({"results": {"FR": {"link": "l", "flatrate": [netflix]}}})
            ),
            None
        );
        assert_eq!(
            watch_providers_problem(&json!({"results": []})),
            Some(Malformed::ResultsNotObject)
        );
        assert_eq!(
            watch_providers_problem(&json!({"results": {"FR": []}})),
            Some(Malformed::EntryNotObject)
        );
        assert_eq!(
            watch_providers_problem(&json!({"results": {"FR": {"buy": {}}}})),
            Some(Malformed::BucketNotList)
        );
        assert_eq!(
            watch_providers_problem(&json!({"results": {"FR": {"rent": [{"provider_id": 0}]}}})),
            Some(Malformed::ProviderWithoutId)
        );
        assert_eq!(
            watch_providers_problem(&json!({"results": {"FR": {"rent": [{"provider_id": "8"}]}}})),
            None
        );
        assert_eq!(
            watch_providers_problem(&json!({"results": {"FR": {"ads": [{"provider_name": "x"}]}}})),
            Some(Malformed::ProviderWithoutId)
        );
    }

    #[test]
    fn videos_need_a_list_of_keyed_objects() {
        assert_eq!(videos_problem(&json!({"results": []})), None);
        assert_eq!(videos_problem(&json!({"results": [{"id": "64fb"}]})), None);
        assert_eq!(
            videos_problem(&json!({"results": null})),
            Some(Malformed::ResultsNotList)
        );
        assert_eq!(
            videos_problem(&json!({"results": [{"key": "abc"}]})),
            Some(Malformed::VideoWithoutId)
        );
    }
}
