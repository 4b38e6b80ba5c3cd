//! Tolerant serde helpers for TMDb bodies.
//!
//! TMDb's JSON drifts over the years (see `tests/fixtures/tmdb-samples/SHAPES.md`): floats come
//! as ints or strings, "no date" is `""` or `null`, arrays turn up as objects. One odd field must
//! not cost us a whole entity, so every helper here maps an unexpected shape to "no value"
//! instead of an error. The only helpers that can fail are the required-id ones.
//!
//! Always pair a helper with `default`, so that a missing key works too:
//! `#[serde(default, deserialize_with = "de::opt_f64")]`.

use std::collections::BTreeMap;
use std::fmt;

use chrono::{NaiveDate, NaiveDateTime};
use serde::Deserialize;
use serde::de::{
    self, DeserializeOwned, Deserializer, Error as _, IgnoredAny, MapAccess, SeqAccess, Visitor,
};
use serde_json::Value;

/// One JSON value as seen by a scalar helper; containers are drained, not kept.
#[derive(Debug)]
enum Scalar {
    Null,
    Bool(bool),
    I64(i64),
    U64(u64),
    F64(f64),
    Str(String),
    Container,
}

struct ScalarVisitor;

impl<'de> Visitor<'de> for ScalarVisitor {
    type Value = Scalar;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Scalar, E> {
        Ok(Scalar::Bool(v))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Scalar, E> {
        Ok(Scalar::I64(v))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Scalar, E> {
        Ok(Scalar::U64(v))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Scalar, E> {
        Ok(Scalar::F64(v))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Scalar, E> {
        Ok(Scalar::Str(v.to_owned()))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Scalar, E> {
        Ok(Scalar::Str(v))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Scalar, E> {
        Ok(Scalar::Null)
    }
    fn visit_none<E: de::Error>(self) -> Result<Scalar, E> {
        Ok(Scalar::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Scalar, D::Error> {
        d.deserialize_any(self)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Scalar, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Scalar::Container)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Scalar, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Scalar::Container)
    }
}

impl<'de> Deserialize<'de> for Scalar {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(ScalarVisitor)
    }
}

impl Scalar {
    fn to_f64(&self) -> Option<f64> {
        let v = match self {
            Scalar::I64(v) => *v as f64,
            Scalar::U64(v) => *v as f64,
            Scalar::F64(v) => *v,
            Scalar::Str(s) => s.trim().parse::<f64>().ok()?,
            _ => return None,
        };
        v.is_finite().then_some(v)
    }

    fn to_i64(&self) -> Option<i64> {
        match self {
            Scalar::I64(v) => Some(*v),
            Scalar::U64(v) => i64::try_from(*v).ok(),
            Scalar::Str(s) => s
                .trim()
                .parse::<i64>()
                .ok()
                .or_else(|| integral_f64_to_i64(self.to_f64()?)),
            _ => integral_f64_to_i64(self.to_f64()?),
        }
    }

    fn to_bool(&self) -> Option<bool> {
        match self {
            Scalar::Bool(b) => Some(*b),
            Scalar::I64(0) | Scalar::U64(0) => Some(false),
            Scalar::I64(1) | Scalar::U64(1) => Some(true),
            Scalar::Str(s) => match s.trim().to_ascii_lowercase().as_str() {
                "true" | "1" => Some(true),
                "false" | "0" => Some(false),
                _ => None,
            },
            _ => None,
        }
    }

    fn into_string(self) -> Option<String> {
        match self {
            Scalar::Str(s) => Some(s),
            Scalar::I64(v) => Some(v.to_string()),
            Scalar::U64(v) => Some(v.to_string()),
            Scalar::F64(v) => Some(v.to_string()),
            Scalar::Null | Scalar::Bool(_) | Scalar::Container => None,
        }
    }

    /// Only non-negative whole numbers can be TMDb ids.
    fn to_id(&self) -> Option<u64> {
        match self {
            Scalar::Str(s) => s.trim().parse::<u64>().ok(),
            _ => u64::try_from(self.to_i64()?).ok(),
        }
    }

    fn kind(&self) -> &'static str {
        match self {
            Scalar::Null => "null",
            Scalar::Bool(_) => "a boolean",
            Scalar::I64(_) | Scalar::U64(_) | Scalar::F64(_) => "a number",
            Scalar::Str(_) => "a string",
            Scalar::Container => "an array or object",
        }
    }
}

/// A float that is a whole number in `i64` range, as an `i64`.
fn integral_f64_to_i64(v: f64) -> Option<i64> {
    // 2^63 as f64; `as` saturates, so check the range before converting.
    const LIMIT: f64 = 9_223_372_036_854_775_808.0;
    (v.fract() == 0.0 && (-LIMIT..LIMIT).contains(&v)).then_some(v as i64)
}

/// A float from an int, a float or a numeric string; anything else is `None`.
pub fn opt_f64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
    Ok(Scalar::deserialize(d)?.to_f64())
}

/// An integer from an int, a whole float (`5.0`) or a numeric string; anything else is `None`.
pub fn opt_i64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    Ok(Scalar::deserialize(d)?.to_i64())
}

/// A boolean from `true`/`false`, `0`/`1` or their string forms; anything else is `None`
/// (the changes lists really send `"adult": null`).
pub fn opt_bool<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
    Ok(Scalar::deserialize(d)?.to_bool())
}

/// A string, kept as sent: `""` stays `Some("")` because the database mapping treats `""` and
/// `null` differently. Numbers become their decimal text (external ids switch types); other
/// shapes are `None`.
pub fn opt_string<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(Scalar::deserialize(d)?.into_string())
}

/// An optional TMDb id: a non-negative integer or a numeric string.
pub fn opt_id<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    Ok(Scalar::deserialize(d)?.to_id())
}

/// A required TMDb id: the one field whose absence or garbage fails the object, because an
/// entity without an id cannot be stored.
pub fn id<'de, D: Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
    let s = Scalar::deserialize(d)?;
    s.to_id().ok_or_else(|| {
        D::Error::custom(format_args!(
            "expected a non-negative integer id, found {}",
            s.kind()
        ))
    })
}

/// A required id that may be a string (v3 list ids such as `"509ec17b19c2950a0600050d"`) or an
/// integer (`1`); both end up as text.
pub fn string_id<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    let s = Scalar::deserialize(d)?;
    let kind = s.kind();
    match s.into_string() {
        Some(text) if !text.is_empty() => Ok(text),
        _ => Err(D::Error::custom(format_args!(
            "expected a string or integer id, found {kind}"
        ))),
    }
}

/// A calendar date from exactly `YYYY-MM-DD`. `""`, `null`, other formats and impossible dates
/// (`2023-02-30`) are `None`: for the crawler they all mean "date unknown".
pub fn opt_date<'de, D: Deserializer<'de>>(d: D) -> Result<Option<NaiveDate>, D::Error> {
    Ok(match Scalar::deserialize(d)? {
        Scalar::Str(s) => parse_date(&s),
        _ => None,
    })
}

/// Parses exactly `YYYY-MM-DD` (chrono alone would also take `2010-1-8`).
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    let b = s.as_bytes();
    let shape_ok = b.len() == 10
        && b.iter().enumerate().all(|(i, c)| match i {
            4 | 7 => *c == b'-',
            _ => c.is_ascii_digit(),
        });
    if !shape_ok {
        return None;
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
}

/// Parses the timestamp spellings TMDb uses, all in UTC: `2010-12-08T00:00:00.000Z`,
/// `2022-10-10 17:09:48 UTC`, and a bare `YYYY-MM-DD` (midnight). Anything else is `None`.
pub fn parse_timestamp(s: &str) -> Option<NaiveDateTime> {
    let s = s.trim();
    if let Some(rest) = s.strip_suffix('Z') {
        return NaiveDateTime::parse_from_str(rest, "%Y-%m-%dT%H:%M:%S%.f").ok();
    }
    if let Some(rest) = s.strip_suffix(" UTC") {
        return NaiveDateTime::parse_from_str(rest, "%Y-%m-%d %H:%M:%S").ok();
    }
    parse_date(s).and_then(|d| d.and_hms_opt(0, 0, 0))
}

/// Converts a buffered value, or gives `None` if it does not fit `T`.
pub(crate) fn from_value<T: DeserializeOwned>(v: Value) -> Option<T> {
    T::deserialize(v).ok()
}

/// Elements of a JSON array that fit `T`; entries that do not fit are dropped.
pub(crate) fn vec_from_value<T: DeserializeOwned>(v: Value) -> Vec<T> {
    match v {
        Value::Array(items) => items.into_iter().filter_map(from_value).collect(),
        _ => Vec::new(),
    }
}

/// A list. `null`, a missing key or a non-array (the AniVault captures turned every array into
/// `{}`) give an empty list; an entry that does not fit `T` (say a credit without an id) is
/// dropped instead of failing its parent.
pub fn vec<'de, D, T>(d: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: DeserializeOwned,
{
    Ok(vec_from_value(Value::deserialize(d)?))
}

/// Like [`vec()`], but keeps "not sent" (`None`) apart from "sent empty" (`Some([])`): the
/// pipe-list columns (`GENRES`, `COUNTRIES`...) store `""` in the first case and `"|"` in the
/// second. `null` and non-arrays count as not sent.
pub fn opt_vec<'de, D, T>(d: D) -> Result<Option<Vec<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: DeserializeOwned,
{
    Ok(match Value::deserialize(d)? {
        v @ Value::Array(_) => Some(vec_from_value(v)),
        _ => None,
    })
}

/// A list of integers (`genre_ids`, `episode_run_time`); entries are read like [`opt_i64`] and
/// unreadable ones dropped.
pub fn i64_list<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<i64>, D::Error> {
    Ok(vec_from_value::<Value>(Value::deserialize(d)?)
        .into_iter()
        .filter_map(|v| Scalar::deserialize(v).ok()?.to_i64())
        .collect())
}

/// A list of strings that TMDb sends either as an array or as one string: `origin_country` is
/// `["US"]` on series but `"US"` (or `""`) on companies. `""` and `null` give an empty list.
pub fn string_list<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::String(s) if s.is_empty() => Vec::new(),
        Value::String(s) => vec![s],
        Value::Array(items) => items
            .into_iter()
            .filter_map(|v| match v {
                Value::String(s) => Some(s),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    })
}

/// A nested object such as an append block: `None` when missing, `null`, not an object, or
/// not readable as `T` (for instance a nested entity without its id).
pub fn object<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: DeserializeOwned,
{
    Ok(match Value::deserialize(d)? {
        v @ Value::Object(_) => from_value(v),
        _ => None,
    })
}

/// Any non-null value readable as `T`, whatever its JSON shape; for blocks whose shape varies
/// (appended `translations` is an object, but a bare array in one hand-edited capture).
pub fn lenient<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: DeserializeOwned,
{
    Ok(match Value::deserialize(d)? {
        Value::Null => None,
        v => from_value(v),
    })
}

/// A string-keyed object (`watch/providers.results` by country); entries that do not fit `V`
/// are dropped, a non-object gives an empty map.
pub fn map<'de, D, V>(d: D) -> Result<BTreeMap<String, V>, D::Error>
where
    D: Deserializer<'de>,
    V: DeserializeOwned,
{
    Ok(match Value::deserialize(d)? {
        Value::Object(entries) => entries
            .into_iter()
            .filter_map(|(k, v)| Some((k, from_value(v)?)))
            .collect(),
        _ => BTreeMap::new(),
    })
}

/// A map of integers (`display_priorities` by country), read like [`opt_i64`].
pub fn i64_map<'de, D: Deserializer<'de>>(d: D) -> Result<BTreeMap<String, i64>, D::Error> {
    Ok(map::<D, Value>(d)?
        .into_iter()
        .filter_map(|(k, v)| Some((k, Scalar::deserialize(v).ok()?.to_i64()?)))
        .collect())
}

/// The text of an optional string when it is not empty: TMDb spells "unset" both `""` and
/// `null`, and most consumers want to treat them alike.
pub fn non_empty(s: &Option<String>) -> Option<&str> {
    s.as_deref().filter(|s| !s.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// Runs one helper on one JSON value through a one-field struct, like real use (with
    /// `default`, or without it for the required-id helpers).
    macro_rules! probe {
        ($helper:literal, $ty:ty, $json:expr) => {{
            #[derive(Deserialize)]
            struct Probe {
                #[serde(default, deserialize_with = $helper)]
                v: $ty,
            }
            serde_json::from_value::<Probe>($json).map(|p| p.v)
        }};
        (required $helper:literal, $ty:ty, $json:expr) => {{
            #[derive(Deserialize)]
            struct Probe {
                #[serde(deserialize_with = $helper)]
                v: $ty,
            }
            serde_json::from_value::<Probe>($json).map(|p| p.v)
        }};
    }

    #[test]
    fn opt_f64_accepts_ints_floats_and_numeric_strings() {
        let f = |j| probe!("opt_f64", Option<f64>, j).expect("never fails");
        assert_eq!(f(json!({"v": 7})), Some(7.0));
        assert_eq!(f(json!({"v": 7.25})), Some(7.25));
        assert_eq!(
            f(json!({"v": "27.4343975493607"})),
            Some(27.434_397_549_360_7)
        );
        assert_eq!(f(json!({"v": " 5 "})), Some(5.0));
        assert_eq!(f(json!({"v": "n/a"})), None);
        assert_eq!(f(json!({"v": "NaN"})), None);
        assert_eq!(f(json!({"v": ""})), None);
        assert_eq!(f(json!({"v": null})), None);
        assert_eq!(f(json!({"v": true})), None);
        assert_eq!(f(json!({"v": [1]})), None);
        assert_eq!(f(json!({"v": {"a": 1}})), None);
        assert_eq!(f(json!({})), None);
    }

    #[test]
    fn opt_i64_accepts_whole_numbers_in_any_spelling() {
        let f = |j| probe!("opt_i64", Option<i64>, j).expect("never fails");
        assert_eq!(f(json!({"v": 2_800_000_000_i64})), Some(2_800_000_000));
        assert_eq!(f(json!({"v": 136.0})), Some(136));
        assert_eq!(f(json!({"v": "139"})), Some(139));
        assert_eq!(f(json!({"v": "1.5e8"})), Some(150_000_000));
        assert_eq!(f(json!({"v": -3})), Some(-3));
        assert_eq!(f(json!({"v": 7.5})), None);
        assert_eq!(f(json!({"v": u64::MAX})), None);
        assert_eq!(f(json!({"v": 1e300})), None);
        assert_eq!(f(json!({"v": "x"})), None);
        assert_eq!(f(json!({"v": null})), None);
        assert_eq!(f(json!({})), None);
    }

    #[test]
    fn opt_bool_accepts_bools_bits_and_words() {
        let f = |j| probe!("opt_bool", Option<bool>, j).expect("never fails");
        assert_eq!(f(json!({"v": true})), Some(true));
        assert_eq!(f(json!({"v": false})), Some(false));
        assert_eq!(f(json!({"v": 1})), Some(true));
        assert_eq!(f(json!({"v": 0})), Some(false));
        assert_eq!(f(json!({"v": "True"})), Some(true));
        assert_eq!(f(json!({"v": "0"})), Some(false));
        assert_eq!(f(json!({"v": 2})), None);
        assert_eq!(f(json!({"v": "yes"})), None);
        assert_eq!(f(json!({"v": null})), None);
        assert_eq!(f(json!({})), None);
    }

    #[test]
    fn opt_string_keeps_empty_apart_from_null() {
        let f = |j| probe!("opt_string", Option<String>, j).expect("never fails");
        assert_eq!(f(json!({"v": ""})), Some(String::new()));
        assert_eq!(f(json!({"v": "tt0137523"})), Some("tt0137523".to_owned()));
        assert_eq!(f(json!({"v": 81189})), Some("81189".to_owned()));
        assert_eq!(f(json!({"v": null})), None);
        assert_eq!(f(json!({"v": false})), None);
        assert_eq!(f(json!({"v": ["a"]})), None);
        assert_eq!(f(json!({})), None);
    }

    #[test]
    fn non_empty_hides_empty_strings() {
        assert_eq!(non_empty(&Some("x".to_owned())), Some("x"));
        assert_eq!(non_empty(&Some(String::new())), None);
        assert_eq!(non_empty(&None), None);
    }

    #[test]
    fn id_is_required_and_must_be_a_whole_number() {
        let f = |j| probe!(required "id", u64, j);
        assert_eq!(f(json!({"v": 550})).ok(), Some(550));
        assert_eq!(f(json!({"v": "550"})).ok(), Some(550));
        assert_eq!(f(json!({"v": 550.0})).ok(), Some(550));
        assert!(f(json!({"v": -1})).is_err());
        assert!(f(json!({"v": 1.5})).is_err());
        assert!(f(json!({"v": "abc"})).is_err());
        assert!(f(json!({"v": null})).is_err());
        let missing = f(json!({}))
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(missing.contains("missing field"), "{missing}");
    }

    #[test]
    fn opt_id_never_fails() {
        let f = |j| probe!("opt_id", Option<u64>, j).expect("never fails");
        assert_eq!(f(json!({"v": 10})), Some(10));
        assert_eq!(f(json!({"v": "10"})), Some(10));
        assert_eq!(f(json!({"v": -10})), None);
        assert_eq!(f(json!({"v": "x"})), None);
        assert_eq!(f(json!({})), None);
    }

    #[test]
    fn string_id_takes_strings_and_integers() {
        let f = |j| probe!(required "string_id", String, j);
        assert_eq!(
            f(json!({"v": "509ec17b19c2950a0600050d"})).ok().as_deref(),
            Some("509ec17b19c2950a0600050d")
        );
        assert_eq!(f(json!({"v": 1})).ok().as_deref(), Some("1"));
        assert!(f(json!({"v": ""})).is_err());
        assert!(f(json!({"v": null})).is_err());
        assert!(f(json!({"v": {}})).is_err());
        assert!(f(json!({})).is_err());
    }

    #[test]
    fn opt_date_reads_only_real_calendar_dates() {
        let f = |j| probe!("opt_date", Option<NaiveDate>, j).expect("never fails");
        assert_eq!(
            f(json!({"v": "1999-10-15"})),
            NaiveDate::from_ymd_opt(1999, 10, 15)
        );
        assert_eq!(f(json!({"v": ""})), None);
        assert_eq!(f(json!({"v": null})), None);
        assert_eq!(f(json!({"v": "2023-02-30"})), None);
        assert_eq!(f(json!({"v": "1999-1-5"})), None);
        assert_eq!(f(json!({"v": "2010-12-08T00:00:00.000Z"})), None);
        assert_eq!(f(json!({"v": 19991015})), None);
        assert_eq!(f(json!({})), None);
    }

    #[test]
    fn parse_timestamp_knows_the_three_spellings() {
        let at = |y, mo, d, h, mi, s| {
            NaiveDate::from_ymd_opt(y, mo, d).and_then(|x| x.and_hms_opt(h, mi, s))
        };
        assert_eq!(
            parse_timestamp("2019-02-24T04:36:14.000Z"),
            at(2019, 2, 24, 4, 36, 14)
        );
        assert_eq!(
            parse_timestamp("2019-02-24T04:36:14Z"),
            at(2019, 2, 24, 4, 36, 14)
        );
        assert_eq!(
            parse_timestamp("2010-06-16 23:26:16 UTC"),
            at(2010, 6, 16, 23, 26, 16)
        );
        assert_eq!(parse_timestamp("1999-10-15"), at(1999, 10, 15, 0, 0, 0));
        assert_eq!(parse_timestamp(""), None);
        assert_eq!(parse_timestamp("yesterday"), None);
    }

    #[derive(Debug, Deserialize, PartialEq)]
    struct Item {
        #[serde(deserialize_with = "id")]
        id: u64,
    }

    #[test]
    fn vec_drops_bad_entries_and_survives_mangled_arrays() {
        let f = |j| probe!("vec", Vec<Item>, j).expect("never fails");
        assert_eq!(
            f(json!({"v": [{"id": 1}, {"name": "no id"}, 7, {"id": "3"}]})),
            vec![Item { id: 1 }, Item { id: 3 }]
        );
        assert_eq!(f(json!({"v": {}})), vec![]);
        assert_eq!(f(json!({"v": null})), vec![]);
        assert_eq!(f(json!({"v": "x"})), vec![]);
        assert_eq!(f(json!({})), vec![]);
    }

    #[test]
    fn opt_vec_keeps_absent_apart_from_empty() {
        let f = |j| probe!("opt_vec", Option<Vec<Item>>, j).expect("never fails");
        assert_eq!(f(json!({"v": [{"id": 1}]})), Some(vec![Item { id: 1 }]));
        assert_eq!(f(json!({"v": []})), Some(vec![]));
        assert_eq!(f(json!({"v": {}})), None);
        assert_eq!(f(json!({"v": null})), None);
        assert_eq!(f(json!({})), None);
    }

    #[test]
    fn i64_list_reads_each_entry_leniently() {
        let f = |j| probe!("i64_list", Vec<i64>, j).expect("never fails");
        assert_eq!(
            f(json!({"v": [60, "45", 30.0, "x", null]})),
            vec![60, 45, 30]
        );
        assert_eq!(f(json!({"v": {}})), Vec::<i64>::new());
        assert_eq!(f(json!({})), Vec::<i64>::new());
    }

    #[test]
    fn string_list_takes_a_string_or_an_array() {
        let f = |j| probe!("string_list", Vec<String>, j).expect("never fails");
        assert_eq!(f(json!({"v": ["US", "GB"]})), vec!["US", "GB"]);
        assert_eq!(f(json!({"v": "US"})), vec!["US"]);
        assert_eq!(f(json!({"v": ""})), Vec::<String>::new());
        assert_eq!(f(json!({"v": ["US", 3, null]})), vec!["US"]);
        assert_eq!(f(json!({"v": null})), Vec::<String>::new());
        assert_eq!(f(json!({"v": {}})), Vec::<String>::new());
        assert_eq!(f(json!({})), Vec::<String>::new());
    }

    #[test]
    fn object_gives_none_for_anything_but_a_fitting_object() {
        let f = |j| probe!("object", Option<Item>, j).expect("never fails");
        assert_eq!(f(json!({"v": {"id": 10}})), Some(Item { id: 10 }));
        assert_eq!(f(json!({"v": {"name": "no id"}})), None);
        assert_eq!(f(json!({"v": [{"id": 10}]})), None);
        assert_eq!(f(json!({"v": null})), None);
        assert_eq!(f(json!({})), None);
    }

    #[test]
    fn lenient_takes_any_fitting_shape() {
        let f = |j| probe!("lenient", Option<u64>, j).expect("never fails");
        assert_eq!(f(json!({"v": 5})), Some(5));
        assert_eq!(f(json!({"v": "5"})), None);
        assert_eq!(f(json!({"v": null})), None);
        assert_eq!(f(json!({})), None);
    }

    #[test]
    fn map_drops_bad_entries() {
        let f = |j| probe!("map", BTreeMap<String, Item>, j).expect("never fails");
        let got = f(json!({"v": {"US": {"id": 1}, "FR": {"x": 1}}}));
        assert_eq!(got.len(), 1);
        assert_eq!(got.get("US"), Some(&Item { id: 1 }));
        assert!(f(json!({"v": []})).is_empty());
        assert!(f(json!({})).is_empty());
    }

    #[test]
    fn i64_map_reads_values_leniently() {
        let f = |j| probe!("i64_map", BTreeMap<String, i64>, j).expect("never fails");
        let got = f(json!({"v": {"US": 3, "FR": "4", "DE": "x"}}));
        assert_eq!(got.get("US"), Some(&3));
        assert_eq!(got.get("FR"), Some(&4));
        assert_eq!(got.len(), 2);
        assert!(f(json!({"v": null})).is_empty());
    }
}
