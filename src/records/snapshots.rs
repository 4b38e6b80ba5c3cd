//! Title-level child sets of the 2026-08 schema, shared by movies and series: release dates
//! (S4), watch providers (S5), videos (S3), neighbours (S11) and alternative titles.
//!
//! Snapshots (release dates, providers, videos) replace the stored set whole, an empty list
//! included; a malformed block ([`Malformed`]) yields no set at all, so the stored one stays
//! and its completion stamp is not written (R-26). Neighbours only replace on a non-empty page
//! (R-22: an empty page deletes nothing).

use sea_orm::Value;

use super::{
    Cells, ChildSet, Completed, EntityKind, EntityRecord, MainRow, Stale, flag, id32, int,
    link_set, opt_int, opt_text, text, truncate_chars,
};
use crate::process::Snapshot;
use crate::tmdb::payload::{
    AlternativeTitles, MediaSummary, PROVIDER_BUCKETS, Page, ReleaseDate, ReleaseDates, Video,
    Videos, WatchProviders,
};

pub use crate::tmdb::payload::Malformed;

/// `T_WC_TMDB_MOVIE_RELEASE_DATE.RELEASE_DATE_RAW` holds at most this many characters.
const RELEASE_DATE_RAW_CHARS: usize = 40;

fn snapshot(
    table: &'static str,
    parent: (&'static str, i32),
    key: &'static [&'static str],
    rows: Vec<Cells>,
) -> ChildSet {
    ChildSet {
        table,
        row_id: Some("ID_ROW"),
        parent,
        key,
        global_key: false,
        rows,
        stale: Stale::Delete,
        dat_creat_is_last_write: false,
        written_at: None,
    }
    .dedup()
}

/// `T_WC_TMDB_MOVIE_RELEASE_DATE`: one row per release of each country, `COUNTRY_DISPLAY_ORDER`
/// the country's 1-based position in `results` and `DISPLAY_ORDER` the release's within its
/// country (the unique key with the country code).
pub fn release_date_set(
    parent: (&'static str, i32),
    block: &ReleaseDates,
) -> Result<ChildSet, Malformed> {
    if let Some(problem) = block.malformed {
        return Err(problem);
    }
    let mut rows = Vec::new();
    for (country_index, country) in block.results.iter().enumerate() {
        let code = country.iso_3166_1.as_deref().unwrap_or_default();
        for (index, release) in country.release_dates.iter().enumerate() {
            let mut cells = vec![
                (parent.0, int(parent.1)),
                ("COUNTRY_CODE", text(code)),
                ("DISPLAY_ORDER", int(index as i64 + 1)),
                ("COUNTRY_DISPLAY_ORDER", int(country_index as i64 + 1)),
            ];
            cells.extend(release_cells(release));
            rows.push(cells);
        }
    }
    Ok(snapshot(
        "T_WC_TMDB_MOVIE_RELEASE_DATE",
        parent,
        &["COUNTRY_CODE", "DISPLAY_ORDER"],
        rows,
    ))
}

fn release_cells(release: &ReleaseDate) -> Cells {
    let raw = release.release_date.as_deref().unwrap_or_default();
    vec![
        ("LANG", opt_text(release.iso_639_1.as_deref())),
        ("CERTIFICATION", opt_text(release.certification.as_deref())),
        ("NOTE", opt_text(release.note.as_deref())),
        (
            "RELEASE_DATE_RAW",
            text(truncate_chars(raw, RELEASE_DATE_RAW_CHARS).0),
        ),
        ("TIM_RELEASE", Value::ChronoDateTime(release.released())),
        ("RELEASE_TYPE", opt_int(release.kind)),
        (
            "DESCRIPTORS_JSON",
            text(&descriptors_json(&release.descriptors)),
        ),
    ]
}

/// The descriptors as Python's `json.dumps` wrote them: `[]`, `["Violence", "Language"]`.
pub fn descriptors_json(descriptors: &[String]) -> String {
    let items: Vec<String> = descriptors
        .iter()
        .map(|d| serde_json::Value::from(d.as_str()).to_string())
        .collect();
    format!("[{}]", items.join(", "))
}

/// `T_WC_TMDB_{MOVIE|SERIE}_WATCH_PROVIDER`: per country (in code order, as TMDb sends them)
/// and per bucket in [`PROVIDER_BUCKETS`] order, one row per provider; `DISPLAY_ORDER` is the
/// provider's 1-based position in its bucket, `TMDB_LINK` the country's JustWatch page link.
pub fn watch_provider_set(
    table: &'static str,
    parent: (&'static str, i32),
    block: &WatchProviders,
) -> Result<ChildSet, Malformed> {
    if let Some(problem) = block.malformed {
        return Err(problem);
    }
    let mut rows = Vec::new();
    for (country_index, (code, country)) in block.results.iter().enumerate() {
        let buckets = [
            &country.flatrate,
            &country.free,
            &country.ads,
            &country.rent,
            &country.buy,
        ];
        for (bucket, providers) in PROVIDER_BUCKETS.iter().zip(buckets) {
            for (index, provider) in providers.iter().enumerate() {
                rows.push(vec![
                    (parent.0, int(parent.1)),
                    ("COUNTRY_CODE", text(code)),
                    ("MONETIZATION_TYPE", text(bucket)),
                    ("ID_PROVIDER", int(id32(provider.provider_id))),
                    ("PROVIDER_NAME", opt_text(provider.provider_name.as_deref())),
                    ("LOGO_PATH", opt_text(provider.logo_path.as_deref())),
                    (
                        "PROVIDER_DISPLAY_PRIORITY",
                        opt_int(provider.display_priority),
                    ),
                    ("TMDB_LINK", opt_text(country.link.as_deref())),
                    ("COUNTRY_DISPLAY_ORDER", int(country_index as i64 + 1)),
                    ("DISPLAY_ORDER", int(index as i64 + 1)),
                ]);
            }
        }
    }
    let mut set = snapshot(
        table,
        parent,
        &["COUNTRY_CODE", "MONETIZATION_TYPE", "ID_PROVIDER"],
        rows,
    );
    set.written_at = Some("TIM_PROVIDER_UPDATED");
    Ok(set)
}

/// `T_WC_TMDB_{MOVIE|SERIE}_VIDEO`: one row per video, keyed by TMDb's video id (`ID_CREDIT`)
/// with `LANG` the video's own language. The Python crawler keyed by the language it had asked
/// for and stored the video's, so a video whose two differed was duplicated on every refresh
/// (L6); here one request carries every language and a video is one row.
pub fn video_set(
    table: &'static str,
    parent: (&'static str, i32),
    block: &Videos,
) -> Result<ChildSet, Malformed> {
    if let Some(problem) = block.malformed {
        return Err(problem);
    }
    let rows = block
        .results
        .iter()
        .enumerate()
        .map(|(index, video)| video_cells(parent, index, video))
        .collect();
    Ok(snapshot(table, parent, &["ID_CREDIT"], rows))
}

fn video_cells(parent: (&'static str, i32), index: usize, video: &Video) -> Cells {
    vec![
        (parent.0, int(parent.1)),
        ("ID_CREDIT", opt_text(video.id.as_deref())),
        ("DISPLAY_ORDER", int(index as i64 + 1)),
        ("LANG", opt_text(video.iso_639_1.as_deref())),
        ("COUNTRY_CODE", opt_text(video.iso_3166_1.as_deref())),
        ("VIDEO_KEY", opt_text(video.key.as_deref())),
        ("VIDEO_NAME", opt_text(video.name.as_deref())),
        ("VIDEO_SITE", opt_text(video.site.as_deref())),
        ("VIDEO_TYPE", opt_text(video.kind.as_deref())),
        ("QUALITY", opt_int(video.size)),
        (
            "QUALITY_TEXT",
            Value::String(video.size.map(|s| format!("{s}p"))),
        ),
        ("DAT_PUBLISHED", Value::ChronoDateTime(video.published())),
        ("OFFICIAL", flag(video.official)),
    ]
}

/// `T_WC_TMDB_{MOVIE|SERIE}_{SIMILAR|RECOMMENDATION}`: page 1 of the list, `DISPLAY_ORDER` the
/// 1-based position. An empty page deletes nothing; a non-empty one prunes the neighbours it
/// no longer lists (S11).
pub fn neighbour_set(
    table: &'static str,
    parent: (&'static str, i32),
    neighbour: &'static [&'static str],
    page: &Page<MediaSummary>,
) -> ChildSet {
    link_set(
        table,
        parent,
        neighbour,
        page.results.iter().map(|m| int(id32(m.id))).collect(),
        Stale::DeleteIfAnyReturned,
    )
}

/// `T_WC_TMDB_MOVIE_TITLE`: the alternative titles, replaced per movie (an empty list clears
/// them; the Python crawler requested them and stored nothing, L18).
pub fn title_set(parent: (&'static str, i32), block: &AlternativeTitles) -> ChildSet {
    let rows = block
        .all()
        .iter()
        .enumerate()
        .map(|(index, title)| {
            vec![
                (parent.0, int(parent.1)),
                ("ISO_3166_1", opt_text(title.iso_3166_1.as_deref())),
                ("TITLE_TYPE", opt_text(title.kind.as_deref())),
                ("TITLE", opt_text(title.title.as_deref())),
                ("DISPLAY_ORDER", int(index as i64 + 1)),
            ]
        })
        .collect();
    let mut set = snapshot(
        "T_WC_TMDB_MOVIE_TITLE",
        parent,
        &["ISO_3166_1", "TITLE_TYPE", "TITLE"],
        rows,
    );
    set.row_id = Some("ID_MOVIE_TITLE");
    set
}

/// The stamp vouching for a snapshot.
pub fn stamp_of(snapshot: Snapshot) -> Completed {
    match snapshot {
        Snapshot::ReleaseDates => Completed::ReleaseDates,
        Snapshot::WatchProviders => Completed::WatchProviders,
    }
}

/// What a backfill (34-36) writes for one title: the snapshot's set and its stamp, on a
/// stamps-only main row. The record names no other column and no other set, so the title's
/// other content, stamps and `TIM_UPDATED` stay as they are.
pub fn backfill_record(
    kind: EntityKind,
    id: i32,
    snapshot: Snapshot,
    set: Result<ChildSet, Malformed>,
) -> Result<EntityRecord, Malformed> {
    let set = set?;
    let (table, pk) = kind.table();
    Ok(EntityRecord {
        kind,
        id,
        main: Some(MainRow {
            table,
            pk,
            id,
            cells: Vec::new(),
            completed: vec![stamp_of(snapshot)],
            stamps_only: true,
        }),
        children: vec![set],
    })
}

/// The sets and stamps of one entity's record, as a fetch assembles them.
pub struct Stamped<'a> {
    pub kind: super::EntityKind,
    pub id: i32,
    pub children: &'a mut Vec<ChildSet>,
    pub completed: &'a mut Vec<super::Completed>,
}

impl Stamped<'_> {
    /// A validated snapshot joins the record with its stamp; a malformed one is logged and
    /// left out, so the stored one stays, unstamped.
    pub fn snapshot(
        &mut self,
        append: &str,
        set: Result<ChildSet, Malformed>,
        stamp: super::Completed,
    ) {
        match set {
            Ok(set) => {
                self.children.push(set);
                self.completed.push(stamp);
            }
            Err(problem) => warn_malformed(self.kind, self.id, append, problem),
        }
    }
}

/// Logs a snapshot left as stored; the entity itself is written.
pub fn warn_malformed(kind: super::EntityKind, id: i32, append: &str, problem: Malformed) {
    tracing::warn!(
        %kind,
        id,
        append,
        %problem,
        "malformed snapshot: the stored one is kept and its completion is not stamped"
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tmdb::payload::parse;

    fn cell<'a>(cells: &'a Cells, name: &str) -> &'a Value {
        &cells
            .iter()
            .find(|(c, _)| *c == name)
            .unwrap_or_else(|| panic!("no {name}"))
            .1
    }

    fn timestamp(s: &str) -> Value {
        Value::ChronoDateTime(chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S").ok())
    }

    #[test]
    fn release_dates_number_countries_and_releases_from_one() {
        let block: ReleaseDates = parse(
            br#"{"results": [
                {"iso_3166_1": "US", "release_dates": [
                    {"certification": "R", "descriptors": ["Violence", "Language"], "iso_639_1": "",
                     "note": "", "release_date": "1999-10-15T00:00:00.000Z", "type": 3},
                    {"certification": "", "descriptors": [], "iso_639_1": "en",
                     "note": "Blu-ray", "release_date": "2000-06-06T12:30:00.000Z", "type": 5}]},
                {"iso_3166_1": "FR", "release_dates": [
                    {"certification": "16", "descriptors": [], "note": "",
                     "release_date": "1999-11-10T00:00:00.000Z", "type": 3}]}
            ]}"#,
        )
        .expect("parses");
        let set = release_date_set(("ID_MOVIE", 550), &block).expect("well formed");
        assert_eq!(set.rows.len(), 3);
        assert_eq!(set.stale, Stale::Delete);
        let second = &set.rows[1];
        assert_eq!(cell(second, "COUNTRY_CODE"), &text("US"));
        assert_eq!(cell(second, "DISPLAY_ORDER"), &int(2));
        assert_eq!(cell(second, "COUNTRY_DISPLAY_ORDER"), &int(1));
        assert_eq!(cell(second, "NOTE"), &text("Blu-ray"));
        assert_eq!(cell(second, "RELEASE_TYPE"), &int(5));
        assert_eq!(
            cell(second, "TIM_RELEASE"),
            &timestamp("2000-06-06 12:30:00")
        );
        assert_eq!(
            cell(second, "RELEASE_DATE_RAW"),
            &text("2000-06-06T12:30:00.000Z")
        );
        assert_eq!(
            cell(&set.rows[0], "DESCRIPTORS_JSON"),
            &text(r#"["Violence", "Language"]"#)
        );
        assert_eq!(cell(&set.rows[1], "DESCRIPTORS_JSON"), &text("[]"));
        let france = &set.rows[2];
        assert_eq!(cell(france, "COUNTRY_DISPLAY_ORDER"), &int(2));
        assert_eq!(cell(france, "DISPLAY_ORDER"), &int(1));
        assert_eq!(cell(france, "LANG"), &Value::String(None));
    }

    #[test]
    fn a_malformed_release_block_gives_no_set_and_an_empty_one_clears() {
        let bad: ReleaseDates =
            parse(br#"{"results": [{"iso_3166_1": "FR", "release_dates": [{"type": 3}]}]}"#)
                .expect("parses");
        assert_eq!(
            release_date_set(("ID_MOVIE", 1), &bad),
            Err(Malformed::ReleaseWithoutDate)
        );
        let empty: ReleaseDates = parse(br#"{"results": []}"#).expect("parses");
        let set = release_date_set(("ID_MOVIE", 1), &empty).expect("empty is valid");
        assert!(set.rows.is_empty());
        assert_eq!(set.stale, Stale::Delete);
    }

    #[test]
    fn providers_follow_bucket_order_and_keep_the_country_link() {
        let block: WatchProviders = parse(
            br#"{"results": {
                "FR": {"link": "https://tmdb/fr", "buy": [{"provider_id": 2, "provider_name": "Apple TV",
                        "logo_path": "/a.jpg", "display_priority": 4}],
                       "flatrate": [{"provider_id": 381, "provider_name": "Canal+", "display_priority": 1},
                                    {"provider_id": 8, "provider_name": "Netflix", "display_priority": 0}]},
                "DE": {"link": "https://tmdb/de", "rent": [{"provider_id": 2}]}
            }}"#,
        )
        .expect("parses");
        let set = watch_provider_set("T_WC_TMDB_MOVIE_WATCH_PROVIDER", ("ID_MOVIE", 550), &block)
            .expect("well formed");
        let summary: Vec<(Value, Value, Value, Value, Value)> = set
            .rows
            .iter()
            .map(|r| {
                (
                    cell(r, "COUNTRY_CODE").clone(),
                    cell(r, "MONETIZATION_TYPE").clone(),
                    cell(r, "ID_PROVIDER").clone(),
                    cell(r, "COUNTRY_DISPLAY_ORDER").clone(),
                    cell(r, "DISPLAY_ORDER").clone(),
                )
            })
            .collect();
        assert_eq!(
            summary,
            vec![
                (text("DE"), text("rent"), int(2), int(1), int(1)),
                (text("FR"), text("flatrate"), int(381), int(2), int(1)),
                (text("FR"), text("flatrate"), int(8), int(2), int(2)),
                (text("FR"), text("buy"), int(2), int(2), int(1)),
            ]
        );
        assert_eq!(cell(&set.rows[3], "TMDB_LINK"), &text("https://tmdb/fr"));
        assert_eq!(cell(&set.rows[3], "PROVIDER_DISPLAY_PRIORITY"), &int(4));
        assert_eq!(set.written_at, Some("TIM_PROVIDER_UPDATED"));
        let bad: WatchProviders =
            parse(br#"{"results": {"FR": {"flatrate": [{"provider_name": "x"}]}}}"#)
                .expect("parses");
        assert_eq!(
            watch_provider_set("T", ("ID_MOVIE", 1), &bad),
            Err(Malformed::ProviderWithoutId)
        );
    }

    #[test]
    fn videos_are_keyed_by_their_id_with_their_own_language() {
        let block: Videos = parse(
            br#"{"results": [
                {"iso_639_1": "fr", "iso_3166_1": "FR", "name": "Bande-annonce", "key": "k1",
                 "site": "YouTube", "size": 1080, "type": "Trailer", "official": true,
                 "published_at": "2019-10-15T18:59:47.000Z", "id": "64fb"},
                {"iso_639_1": "en", "iso_3166_1": "US", "name": "Teaser", "key": "k2",
                 "site": "YouTube", "size": 720, "type": "Teaser", "official": false,
                 "published_at": "2015-02-26 03:19:25 UTC", "id": "653b"}
            ]}"#,
        )
        .expect("parses");
        let set = video_set("T_WC_TMDB_MOVIE_VIDEO", ("ID_MOVIE", 550), &block).expect("valid");
        assert_eq!(set.key, &["ID_CREDIT"]);
        let first = &set.rows[0];
        assert_eq!(cell(first, "ID_CREDIT"), &text("64fb"));
        assert_eq!(cell(first, "LANG"), &text("fr"));
        assert_eq!(cell(first, "QUALITY"), &int(1080));
        assert_eq!(cell(first, "QUALITY_TEXT"), &text("1080p"));
        assert_eq!(cell(first, "OFFICIAL"), &int(1));
        assert_eq!(
            cell(first, "DAT_PUBLISHED"),
            &timestamp("2019-10-15 18:59:47")
        );
        let second = &set.rows[1];
        assert_eq!(cell(second, "DISPLAY_ORDER"), &int(2));
        assert_eq!(cell(second, "OFFICIAL"), &int(0));
        assert_eq!(
            cell(second, "DAT_PUBLISHED"),
            &timestamp("2015-02-26 03:19:25")
        );
    }

    #[test]
    fn an_empty_neighbour_page_prunes_nothing() {
        let page: Page<MediaSummary> =
            parse(br#"{"page": 1, "results": [{"id": 16958}, {"id": 16998}, {"id": 16958}]}"#)
                .expect("parses");
        let set = neighbour_set(
            "T_WC_TMDB_MOVIE_SIMILAR",
            ("ID_MOVIE", 550),
            &["ID_MOVIE_SIMILAR"],
            &page,
        );
        assert_eq!(set.stale, Stale::DeleteIfAnyReturned);
        let ids: Vec<(Value, Value)> = set
            .rows
            .iter()
            .map(|r| {
                (
                    cell(r, "ID_MOVIE_SIMILAR").clone(),
                    cell(r, "DISPLAY_ORDER").clone(),
                )
            })
            .collect();
        assert_eq!(ids, vec![(int(16998), int(2)), (int(16958), int(3))]);
    }

    #[test]
    fn a_backfill_record_names_only_its_snapshot_and_stamp() {
        use crate::tmdb::payload::{Movie, TvSeries};
        let movie: Movie = parse(
            br#"{"id": 550, "title": "Fight Club", "popularity": 61.4, "poster_path": "/p.jpg",
                 "release_dates": {"results": [{"iso_3166_1": "FR", "release_dates": [
                     {"certification": "16", "release_date": "1999-11-10T00:00:00.000Z", "type": 3}]}]},
                 "watch/providers": {"results": {}}}"#,
        )
        .expect("parses");
        let rec = crate::records::movie::snapshot_record(&movie, Snapshot::ReleaseDates)
            .expect("well formed");
        let main = rec.main.as_ref().expect("stamps row");
        assert!(main.stamps_only);
        assert!(main.cells.is_empty(), "no title column: {:?}", main.cells);
        assert_eq!(main.completed, vec![Completed::ReleaseDates]);
        assert_eq!(
            (main.table, main.pk, main.id),
            ("T_WC_TMDB_MOVIE", "ID_MOVIE", 550)
        );
        let tables: Vec<&str> = rec.children.iter().map(|c| c.table).collect();
        assert_eq!(tables, vec!["T_WC_TMDB_MOVIE_RELEASE_DATE"]);
        assert_eq!(rec.children[0].rows.len(), 1);

        // An empty provider snapshot clears and stamps.
        let rec = crate::records::movie::snapshot_record(&movie, Snapshot::WatchProviders)
            .expect("empty is valid");
        assert_eq!(rec.children.len(), 1);
        assert!(rec.children[0].rows.is_empty());
        assert_eq!(rec.children[0].stale, Stale::Delete);
        assert_eq!(
            rec.main.map(|m| m.completed),
            Some(vec![Completed::WatchProviders])
        );

        // Malformed or absent: no record at all.
        let bad: Movie = parse(
            br#"{"id": 551, "watch/providers": {"results": {"FR": {"rent": [{"provider_name": "x"}]}}}}"#,
        )
        .expect("parses");
        assert_eq!(
            crate::records::movie::snapshot_record(&bad, Snapshot::WatchProviders),
            Err(Malformed::ProviderWithoutId)
        );
        assert_eq!(
            crate::records::movie::snapshot_record(&bad, Snapshot::ReleaseDates),
            Err(Malformed::Absent)
        );
        let series: TvSeries = parse(
            br#"{"id": 1399, "name": "GoT", "watch/providers": {"results": {"FR": {"link": "l",
                 "flatrate": [{"provider_id": 8, "provider_name": "Netflix"}]}}}}"#,
        )
        .expect("parses");
        let rec = crate::records::tv::snapshot_record(&series, Snapshot::WatchProviders)
            .expect("well formed");
        assert_eq!(rec.kind, EntityKind::Series);
        assert_eq!(
            rec.children.iter().map(|c| c.table).collect::<Vec<_>>(),
            vec!["T_WC_TMDB_SERIE_WATCH_PROVIDER"]
        );
        assert!(
            rec.main
                .as_ref()
                .is_some_and(|m| m.cells.is_empty() && m.stamps_only)
        );
        assert_eq!(
            crate::records::tv::snapshot_record(&series, Snapshot::ReleaseDates),
            Err(Malformed::Absent)
        );
    }

    #[test]
    fn alternative_titles_fill_the_title_table() {
        let block: AlternativeTitles = parse(
            br#"{"titles": [{"iso_3166_1": "IL", "title": "Mo'adon Krav", "type": "romanization"},
                            {"iso_3166_1": "RS", "title": "Borilacki klub", "type": ""}]}"#,
        )
        .expect("parses");
        let set = title_set(("ID_MOVIE", 550), &block);
        assert_eq!(set.row_id, Some("ID_MOVIE_TITLE"));
        assert_eq!(set.stale, Stale::Delete);
        assert_eq!(cell(&set.rows[0], "TITLE_TYPE"), &text("romanization"));
        assert_eq!(cell(&set.rows[1], "ISO_3166_1"), &text("RS"));
        assert_eq!(cell(&set.rows[1], "DISPLAY_ORDER"), &int(2));
    }
}
