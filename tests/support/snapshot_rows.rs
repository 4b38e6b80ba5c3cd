//! Expected rows of the snapshot tables (S4 release dates, S5 watch providers), derived from
//! the JSON the fake TMDb sends with the tests' own reading of the spec, not from `src/records`.

#![allow(dead_code)]

use std::collections::BTreeMap;

use serde_json::Value as Json;

use super::rows::{Cell, chars, row};

type Row = BTreeMap<String, Cell>;

pub fn js(v: &Json) -> Cell {
    Cell::json_str(v)
}

pub fn list(v: &Json) -> &[Json] {
    v.as_array().map_or(&[], Vec::as_slice)
}

/// TMDb's UTC timestamp (`2019-10-15T18:59:47.000Z` or `2019-10-15 18:59:47 UTC`), as stored.
pub fn utc(v: &Json) -> Cell {
    let s = v.as_str().unwrap_or_default();
    let parsed = chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.fZ")
        .or_else(|_| chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S UTC"));
    parsed.map_or(Cell::Null, |t| {
        Cell::D(t.format("%Y-%m-%d %H:%M:%S").to_string())
    })
}

/// S4: one row per release, countries and releases numbered from 1 in the order sent.
pub fn release_dates(m: &Json) -> Vec<Row> {
    let mut rows = Vec::new();
    for (ci, country) in list(&m["release_dates"]["results"]).iter().enumerate() {
        for (ri, r) in list(&country["release_dates"]).iter().enumerate() {
            let descriptors: Vec<String> = list(&r["descriptors"])
                .iter()
                .map(|d| d.to_string())
                .collect();
            rows.push(row(vec![
                ("COUNTRY_CODE", js(&country["iso_3166_1"])),
                ("COUNTRY_DISPLAY_ORDER", Cell::I(ci as i64 + 1)),
                ("DISPLAY_ORDER", Cell::I(ri as i64 + 1)),
                ("LANG", js(&r["iso_639_1"])),
                ("CERTIFICATION", js(&r["certification"])),
                ("NOTE", js(&r["note"])),
                (
                    "RELEASE_DATE_RAW",
                    Cell::S(chars(r["release_date"].as_str().unwrap_or(""), 40)),
                ),
                ("TIM_RELEASE", utc(&r["release_date"])),
                ("RELEASE_TYPE", Cell::json_int(&r["type"])),
                (
                    "DESCRIPTORS_JSON",
                    Cell::S(format!("[{}]", descriptors.join(", "))),
                ),
            ]));
        }
    }
    rows
}

/// S5: per country (code order, as TMDb and a JSON object give them), per bucket in the order
/// flatrate, free, ads, rent, buy, one row per provider.
pub fn watch_providers(m: &Json) -> Vec<Row> {
    let mut rows = Vec::new();
    let countries = m["watch/providers"]["results"].as_object();
    for (ci, (code, country)) in countries.into_iter().flatten().enumerate() {
        for bucket in ["flatrate", "free", "ads", "rent", "buy"] {
            for (pi, p) in list(&country[bucket]).iter().enumerate() {
                rows.push(row(vec![
                    ("COUNTRY_CODE", Cell::s(code)),
                    ("MONETIZATION_TYPE", Cell::s(bucket)),
                    ("ID_PROVIDER", Cell::json_int(&p["provider_id"])),
                    ("PROVIDER_NAME", js(&p["provider_name"])),
                    ("LOGO_PATH", js(&p["logo_path"])),
                    (
                        "PROVIDER_DISPLAY_PRIORITY",
                        Cell::json_int(&p["display_priority"]),
                    ),
                    ("TMDB_LINK", js(&country["link"])),
                    ("COUNTRY_DISPLAY_ORDER", Cell::I(ci as i64 + 1)),
                    ("DISPLAY_ORDER", Cell::I(pi as i64 + 1)),
                ]));
            }
        }
    }
    rows
}
