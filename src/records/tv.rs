//! A series (`/tv/{id}` with its appends) → `T_WC_TMDB_SERIE` and its child tables
//! (schema-and-mapping.md §3.5-§3.7, §3.10).

use chrono::Datelike;

use super::snapshots::{self, Malformed};
use super::{
    Cells, ChildSet, Completed, CreditRow, EntityKind, EntityRecord, LangSource, MainRow,
    MappingOptions, Stale, credit_set, double, flag, id32, image_set, int, lang_set, link_set,
    media_credit_rows, non_empty, opt_double, opt_int, opt_text, or_empty, pipe_list, text,
};
use sea_orm::Value;

use crate::process::Snapshot;
use crate::tmdb::payload::{TvEpisode, TvSeries};

/// Sub-resources of the one request per series (no `aggregate_credits`: the Python crawler
/// stored the series-level `credits`; no `alternative_titles`: no table holds them, L18).
pub const APPENDS: &[&str] = &[
    "credits",
    "keywords",
    "images",
    "translations",
    "external_ids",
    "watch/providers",
    "similar",
    "recommendations",
    "videos",
];

/// `CREW_DEPARTMENT` and `CREW_JOB` of the rows built from `created_by[]`.
const CREATOR: &str = "Creator";

pub fn record(series: &TvSeries, options: &MappingOptions) -> EntityRecord {
    let id = id32(series.id);
    let parent = ("ID_SERIE", id);
    let cells = main_cells(series, options);
    let mut children = link_sets(series, parent);
    let mut completed = Vec::new();
    stamped_sets(series, parent, &mut children, &mut completed);
    title_level_sets(series, parent, &mut children, &mut completed);
    if let Some(translations) = &series.translations {
        let source = LangSource {
            table: "T_WC_TMDB_SERIE_LANG",
            parent,
            title: |d| d.name.as_ref(),
            posters: series.images.as_ref().map_or(&[], |i| i.posters.as_slice()),
            poster_path: series.poster_path.as_deref(),
            backdrop_path: series.backdrop_path.as_deref(),
        };
        children.push(lang_set(source, translations, options));
    }

    EntityRecord {
        kind: EntityKind::Series,
        id,
        main: Some(MainRow {
            table: "T_WC_TMDB_SERIE",
            pk: "ID_SERIE",
            id,
            cells,
            completed,
            stamps_only: false,
        }),
        children,
    }
}

/// The series' own columns (without its key).
fn main_cells(series: &TvSeries, options: &MappingOptions) -> Cells {
    let external = series.external_ids.as_ref();
    let mut cells = vec![
        ("TITLE", text(series.name.as_deref().unwrap_or(""))),
        (
            "ID_IMDB",
            or_empty(external.and_then(|e| e.imdb_id.as_ref())),
        ),
        (
            "ID_WIKIDATA",
            or_empty(external.and_then(|e| e.wikidata_id.as_ref())),
        ),
        ("OVERVIEW", text(series.overview.as_deref().unwrap_or(""))),
        ("POSTER_PATH", opt_text(series.poster_path.as_deref())),
        ("HOMEPAGE_URL", opt_text(series.homepage.as_deref())),
        ("ORIGINAL_TITLE", opt_text(series.original_name.as_deref())),
        ("POPULARITY", double(series.popularity.unwrap_or(0.0))),
        (
            "ORIGINAL_LANGUAGE",
            opt_text(series.original_language.as_deref()),
        ),
        ("ADULT", flag(series.adult)),
        ("STATUS", opt_text(series.status.as_deref())),
        (
            "GENRES",
            text(&pipe_list(
                series
                    .genres
                    .as_ref()
                    .map(|g| g.iter().map(|g| g.name.as_deref().unwrap_or(""))),
            )),
        ),
        ("BACKDROP_PATH", opt_text(series.backdrop_path.as_deref())),
        ("TAGLINE", opt_text(series.tagline.as_deref())),
        ("VOTE_AVERAGE", opt_double(series.vote_average)),
        ("VOTE_COUNT", opt_int(series.vote_count)),
        (
            "COUNTRIES",
            text(&pipe_list(series.production_countries.as_ref().map(|c| {
                c.iter().map(|c| c.iso_3166_1.as_deref().unwrap_or(""))
            }))),
        ),
        (
            "SPOKEN_LANGUAGES",
            text(&pipe_list(series.spoken_languages.as_ref().map(|l| {
                l.iter().map(|l| l.iso_639_1.as_deref().unwrap_or(""))
            }))),
        ),
        ("NUMBER_OF_EPISODES", opt_int(series.number_of_episodes)),
        ("NUMBER_OF_SEASONS", opt_int(series.number_of_seasons)),
        ("SERIE_TYPE", opt_text(series.kind.as_deref())),
    ];
    // An unknown or malformed date leaves the stored date and its parts alone.
    if let Some(date) = series.first_air_date {
        cells.push(("DAT_FIRST_AIR", sea_orm::Value::ChronoDate(Some(date))));
        cells.push(("FIRST_AIR_YEAR", int(date.year())));
        cells.push(("FIRST_AIR_MONTH", int(date.month())));
        cells.push(("FIRST_AIR_DAY", int(date.day())));
    }
    if let Some(date) = series.last_air_date {
        cells.push(("DAT_LAST_AIR", sea_orm::Value::ChronoDate(Some(date))));
        cells.push(("LAST_AIR_YEAR", int(date.year())));
        cells.push(("LAST_AIR_MONTH", int(date.month())));
        cells.push(("LAST_AIR_DAY", int(date.day())));
    }
    cells.extend(activity_cells(series));
    options.push_raw(&mut cells, 3);
    cells
}

/// Countries, spoken languages, networks, companies and genres: replaced when TMDb returned
/// any.
fn link_sets(series: &TvSeries, parent: (&'static str, i32)) -> Vec<ChildSet> {
    let mut children = Vec::new();
    if let Some(countries) = &series.production_countries {
        children.push(link_set(
            "T_WC_TMDB_SERIE_PRODUCTION_COUNTRY",
            parent,
            &["COUNTRY_CODE"],
            countries
                .iter()
                .filter_map(|c| non_empty(c.iso_3166_1.as_ref()).map(text))
                .collect(),
            Stale::DeleteIfAnyReturned,
        ));
    }
    if let Some(languages) = &series.spoken_languages {
        children.push(link_set(
            "T_WC_TMDB_SERIE_SPOKEN_LANGUAGE",
            parent,
            &["SPOKEN_LANGUAGE"],
            languages
                .iter()
                .filter_map(|l| non_empty(l.iso_639_1.as_ref()).map(text))
                .collect(),
            Stale::DeleteIfAnyReturned,
        ));
    }
    children.push(link_set(
        "T_WC_TMDB_SERIE_NETWORK",
        parent,
        &["ID_NETWORK"],
        series.networks.iter().map(|n| int(id32(n.id))).collect(),
        Stale::DeleteIfAnyReturned,
    ));
    children.push(link_set(
        "T_WC_TMDB_SERIE_COMPANY",
        parent,
        &["ID_COMPANY"],
        series
            .production_companies
            .iter()
            .map(|c| int(id32(c.id)))
            .collect(),
        Stale::DeleteIfAnyReturned,
    ));
    if let Some(genres) = &series.genres {
        children.push(link_set(
            "T_WC_TMDB_SERIE_GENRE",
            parent,
            &["ID_GENRE"],
            genres.iter().map(|g| int(id32(g.id))).collect(),
            Stale::DeleteIfAnyReturned,
        ));
    }
    children
}

/// Keywords, credits (with the creators) and images, each with its completion stamp when its
/// append came back.
fn stamped_sets(
    series: &TvSeries,
    parent: (&'static str, i32),
    children: &mut Vec<ChildSet>,
    completed: &mut Vec<Completed>,
) {
    if let Some(keywords) = &series.keywords {
        children.push(link_set(
            "T_WC_TMDB_SERIE_KEYWORD",
            parent,
            &["ID_KEYWORD"],
            keywords.all().iter().map(|k| int(id32(k.id))).collect(),
            Stale::Keep,
        ));
        completed.push(Completed::Keywords);
    }
    // The creator rows ride with the credits: without the `credits` append the set is not
    // known complete, and a set of creators alone would delete every cast and crew row.
    if let Some(credits) = &series.credits {
        children.push(credits_set(series, credits));
        completed.push(Completed::Credits);
    }
    if let Some(images) = &series.images {
        children.push(image_set(
            "T_WC_TMDB_SERIE_IMAGE",
            parent,
            &[
                ("backdrop", &images.backdrops),
                ("poster", &images.posters),
                ("logo", &images.logos),
            ],
        ));
        completed.push(Completed::Images);
    }
}

/// `ID_TVDB` and the activity signals the season selection reads (S7): `IN_PRODUCTION` and
/// the air date and numbers of the next and last episodes. Always written, NULL when TMDb has
/// none, so a series whose next episode aired no longer claims one.
fn activity_cells(series: &TvSeries) -> Cells {
    let episode = |e: Option<&TvEpisode>| {
        (
            Value::ChronoDate(e.and_then(|e| e.air_date)),
            opt_int(e.and_then(|e| e.season_number)),
            opt_int(e.and_then(|e| e.episode_number)),
        )
    };
    let (next_air, next_season, next_number) = episode(series.next_episode_to_air.as_ref());
    let (last_air, last_season, last_number) = episode(series.last_episode_to_air.as_ref());
    let mut cells = vec![
        (
            "IN_PRODUCTION",
            opt_int(series.in_production.map(i64::from)),
        ),
        ("NEXT_EPISODE_DAT_AIR", next_air),
        ("NEXT_EPISODE_SEASON_NUMBER", next_season),
        ("NEXT_EPISODE_NUMBER", next_number),
        ("LAST_EPISODE_DAT_AIR", last_air),
        ("LAST_EPISODE_SEASON_NUMBER", last_season),
        ("LAST_EPISODE_NUMBER", last_number),
    ];
    // Without the external_ids append the stored id is left alone.
    if let Some(external) = &series.external_ids {
        cells.push(("ID_TVDB", opt_int(external.tvdb_id)));
    }
    cells
}

/// Providers, neighbours and videos (series have no release dates nor title table). A
/// malformed snapshot is left out (the stored one stays, unstamped) and logged.
fn title_level_sets(
    series: &TvSeries,
    parent: (&'static str, i32),
    children: &mut Vec<ChildSet>,
    completed: &mut Vec<Completed>,
) {
    let mut record = snapshots::Stamped {
        kind: EntityKind::Series,
        id: parent.1,
        children,
        completed,
    };
    if let Some(block) = &series.watch_providers {
        let set = snapshots::watch_provider_set("T_WC_TMDB_SERIE_WATCH_PROVIDER", parent, block);
        record.snapshot("watch/providers", set, Completed::WatchProviders);
    }
    if let Some(block) = &series.videos {
        let set = snapshots::video_set("T_WC_TMDB_SERIE_VIDEO", parent, block);
        record.snapshot("videos", set, Completed::Videos);
    }
    if let Some(page) = &series.similar {
        record.children.push(snapshots::neighbour_set(
            "T_WC_TMDB_SERIE_SIMILAR",
            parent,
            &["ID_SERIE_SIMILAR"],
            page,
        ));
    }
    if let Some(page) = &series.recommendations {
        record.children.push(snapshots::neighbour_set(
            "T_WC_TMDB_SERIE_RECOMMENDATION",
            parent,
            &["ID_SERIE_RECOMMENDED"],
            page,
        ));
    }
}

/// Process 36: the series' watch providers and their stamp, nothing else
/// ([`snapshots::backfill_record`]); `Err` when the block is malformed or absent (series have
/// no release dates).
pub fn snapshot_record(series: &TvSeries, snapshot: Snapshot) -> Result<EntityRecord, Malformed> {
    let id = id32(series.id);
    let parent = ("ID_SERIE", id);
    let set = match snapshot {
        Snapshot::WatchProviders => series
            .watch_providers
            .as_ref()
            .ok_or(Malformed::Absent)
            .and_then(|block| {
                snapshots::watch_provider_set("T_WC_TMDB_SERIE_WATCH_PROVIDER", parent, block)
            }),
        Snapshot::ReleaseDates => Err(Malformed::Absent),
    };
    snapshots::backfill_record(EntityKind::Series, id, snapshot, set)
}

/// `T_WC_TMDB_PERSON_SERIE` from the series side: cast then crew, `DISPLAY_ORDER` the 1-based
/// position of the person's first entry in that list (as for movies), then one `Creator` crew
/// row per `created_by[]` entry, without `DISPLAY_ORDER`. Entries without a `credit_id` (2014
/// bodies) cannot be keyed and are skipped; a creator whose `credit_id` repeats a crew entry's
/// ends as the `Creator` row (each entry is an upsert on `ID_CREDIT`; the last wins).
fn credits_set(series: &TvSeries, credits: &crate::tmdb::payload::Credits) -> ChildSet {
    let series_id = series.id;
    let mut rows = media_credit_rows(series_id, "ID_SERIE", credits);
    for creator in &series.created_by {
        let Some(credit_id) = non_empty(creator.credit_id.as_ref()) else {
            continue;
        };
        rows.push(
            CreditRow {
                person: creator.id,
                media: series_id,
                credit_id,
                cast: false,
                character: "",
                department: CREATOR,
                job: CREATOR,
                display_order: None,
            }
            .cells("ID_SERIE"),
        );
    }
    credit_set(
        "T_WC_TMDB_PERSON_SERIE",
        "ID_TMDB_PERSON_SERIE",
        ("ID_SERIE", id32(series_id)),
        rows,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::records::Cells;
    use crate::tmdb::payload::parse;
    use chrono::NaiveDate;
    use sea_orm::Value;

    fn sample(name: &str) -> TvSeries {
        let path = format!(
            "{}/tests/fixtures/tmdb-samples/tv/{name}",
            env!("CARGO_MANIFEST_DIR")
        );
        let bytes = std::fs::read(&path).expect("sample readable");
        parse(&bytes).expect("sample parses")
    }

    fn find<'a>(cells: &'a Cells, name: &str) -> Option<&'a Value> {
        cells.iter().find(|(c, _)| *c == name).map(|(_, v)| v)
    }

    fn cell<'a>(cells: &'a Cells, name: &str) -> &'a Value {
        find(cells, name).unwrap_or_else(|| panic!("no {name}"))
    }

    fn child<'a>(rec: &'a EntityRecord, table: &str) -> &'a ChildSet {
        rec.children
            .iter()
            .find(|c| c.table == table)
            .unwrap_or_else(|| panic!("no {table}"))
    }

    fn row_with<'a>(set: &'a ChildSet, column: &str, value: &Value) -> &'a Cells {
        set.rows
            .iter()
            .find(|r| find(r, column) == Some(value))
            .unwrap_or_else(|| panic!("no row with {column} = {value:?}"))
    }

    /// The values of `column` over the rows, in order.
    fn column(set: &ChildSet, column: &str) -> Vec<Value> {
        set.rows.iter().map(|r| cell(r, column).clone()).collect()
    }

    #[test]
    fn game_of_thrones_main_row() {
        let rec = record(
            &sample("ceg-1399-details-append-all.json"),
            &MappingOptions::default(),
        );
        assert_eq!(rec.kind, EntityKind::Series);
        let main = rec.main.as_ref().expect("main row");
        assert_eq!(
            (main.table, main.pk, main.id),
            ("T_WC_TMDB_SERIE", "ID_SERIE", 1399)
        );
        let c = &main.cells;
        assert_eq!(cell(c, "TITLE"), &text("Game of Thrones"));
        assert_eq!(cell(c, "ORIGINAL_TITLE"), &text("Game of Thrones"));
        assert_eq!(cell(c, "ORIGINAL_LANGUAGE"), &text("en"));
        assert_eq!(cell(c, "ID_IMDB"), &text("tt2934286"));
        assert_eq!(cell(c, "ID_WIKIDATA"), &text("Q55279915"));
        assert_eq!(
            cell(c, "GENRES"),
            &text("|Sci-Fi & Fantasy|Drama|Action & Adventure|")
        );
        assert_eq!(cell(c, "COUNTRIES"), &text("|GB|US|"));
        assert_eq!(cell(c, "SPOKEN_LANGUAGES"), &text("|en|"));
        assert_eq!(cell(c, "NUMBER_OF_EPISODES"), &int(73));
        assert_eq!(cell(c, "NUMBER_OF_SEASONS"), &int(8));
        assert_eq!(cell(c, "SERIE_TYPE"), &text("Scripted"));
        assert_eq!(cell(c, "STATUS"), &text("Ended"));
        assert_eq!(cell(c, "ADULT"), &int(0));
        assert_eq!(cell(c, "POPULARITY"), &double(346.098));
        assert_eq!(cell(c, "VOTE_AVERAGE"), &double(8.438));
        assert_eq!(cell(c, "VOTE_COUNT"), &int(21390));
        assert_eq!(
            cell(c, "HOMEPAGE_URL"),
            &text("http://www.hbo.com/game-of-thrones")
        );
        assert_eq!(cell(c, "TAGLINE"), &text("Winter Is Coming"));
        assert_eq!(
            cell(c, "POSTER_PATH"),
            &text("/1XS1oqL89opfnbLl8WnZY1O1uJx.jpg")
        );
        assert_eq!(
            cell(c, "BACKDROP_PATH"),
            &text("/6LWy0jvMpmjoS9fojNgHIKoWL05.jpg")
        );
        assert_eq!(
            cell(c, "DAT_FIRST_AIR"),
            &Value::ChronoDate(NaiveDate::from_ymd_opt(2011, 4, 17))
        );
        assert_eq!(cell(c, "FIRST_AIR_YEAR"), &int(2011));
        assert_eq!(cell(c, "FIRST_AIR_MONTH"), &int(4));
        assert_eq!(cell(c, "FIRST_AIR_DAY"), &int(17));
        assert_eq!(
            cell(c, "DAT_LAST_AIR"),
            &Value::ChronoDate(NaiveDate::from_ymd_opt(2019, 5, 19))
        );
        assert_eq!(cell(c, "LAST_AIR_YEAR"), &int(2019));
        assert_eq!(cell(c, "LAST_AIR_MONTH"), &int(5));
        assert_eq!(cell(c, "LAST_AIR_DAY"), &int(19));
        assert!(find(c, "API_RESULT").is_none(), "raw JSON off by default");
        assert_eq!(
            main.completed,
            vec![
                Completed::Keywords,
                Completed::Credits,
                Completed::Images,
                Completed::WatchProviders,
                Completed::Videos
            ]
        );
        // Activity signals and the TVDB id.
        let ended_on = Value::ChronoDate(NaiveDate::from_ymd_opt(2019, 5, 19));
        assert_eq!(cell(c, "IN_PRODUCTION"), &int(0));
        assert_eq!(cell(c, "ID_TVDB"), &int(366524));
        assert_eq!(cell(c, "LAST_EPISODE_DAT_AIR"), &ended_on);
        assert_eq!(cell(c, "LAST_EPISODE_SEASON_NUMBER"), &int(8));
        assert_eq!(cell(c, "LAST_EPISODE_NUMBER"), &int(6));
        // This capture repeats the last episode as the next one.
        assert_eq!(cell(c, "NEXT_EPISODE_DAT_AIR"), &ended_on);
        assert_eq!(cell(c, "NEXT_EPISODE_NUMBER"), &int(6));
    }

    #[test]
    fn game_of_thrones_title_level_sets() {
        let series = sample("ceg-1399-details-append-all.json");
        let rec = record(&series, &MappingOptions::default());
        let similar = child(&rec, "T_WC_TMDB_SERIE_SIMILAR");
        assert_eq!(similar.rows.len(), 20);
        assert_eq!(similar.stale, Stale::DeleteIfAnyReturned);
        let first = series.similar.as_ref().map(|p| p.results[0].id);
        assert_eq!(
            cell(&similar.rows[0], "ID_SERIE_SIMILAR"),
            &int(first.map_or(0, id32))
        );
        assert_eq!(
            child(&rec, "T_WC_TMDB_SERIE_RECOMMENDATION").rows.len(),
            21,
            "page 1 as sent"
        );
        let videos = child(&rec, "T_WC_TMDB_SERIE_VIDEO");
        assert_eq!(videos.rows.len(), 5);
        assert_eq!(videos.stale, Stale::Delete);
        let providers = child(&rec, "T_WC_TMDB_SERIE_WATCH_PROVIDER");
        let expected: usize = series.watch_providers.as_ref().map_or(0, |w| {
            w.results
                .values()
                .map(|c| c.flatrate.len() + c.free.len() + c.ads.len() + c.rent.len() + c.buy.len())
                .sum()
        });
        assert!(expected > 0);
        assert_eq!(providers.rows.len(), expected);
        assert!(
            rec.children
                .iter()
                .all(|c| c.table != "T_WC_TMDB_MOVIE_TITLE"),
            "series alternative titles have no table"
        );
    }

    #[test]
    fn a_malformed_provider_block_is_left_out_unstamped() {
        let body =
            br#"{"id": 7, "name": "x", "watch/providers": {"results": {"FR": {"flatrate": {}}}},
                        "videos": {"results": []}, "next_episode_to_air": null}"#;
        let series: TvSeries = parse(body).expect("parses");
        let rec = record(&series, &MappingOptions::default());
        let main = rec.main.as_ref().expect("main");
        assert_eq!(main.completed, vec![Completed::Videos]);
        assert!(
            rec.children
                .iter()
                .all(|c| c.table != "T_WC_TMDB_SERIE_WATCH_PROVIDER")
        );
        assert!(child(&rec, "T_WC_TMDB_SERIE_VIDEO").rows.is_empty());
        assert_eq!(
            cell(&main.cells, "NEXT_EPISODE_DAT_AIR"),
            &Value::ChronoDate(None)
        );
        assert_eq!(cell(&main.cells, "IN_PRODUCTION"), &Value::Int(None));
        assert!(
            find(&main.cells, "ID_TVDB").is_none(),
            "no external_ids append"
        );
    }

    #[test]
    fn game_of_thrones_link_tables_and_keywords() {
        let rec = record(
            &sample("ceg-1399-details-append-all.json"),
            &MappingOptions::default(),
        );
        let genres = child(&rec, "T_WC_TMDB_SERIE_GENRE");
        assert_eq!(genres.stale, Stale::DeleteIfAnyReturned);
        assert_eq!(
            column(genres, "ID_GENRE"),
            vec![int(10765), int(18), int(10759)]
        );
        assert_eq!(
            column(genres, "DISPLAY_ORDER"),
            vec![int(1), int(2), int(3)]
        );
        assert_eq!(column(genres, "ID_SERIE"), vec![int(1399); 3]);

        let networks = child(&rec, "T_WC_TMDB_SERIE_NETWORK");
        assert_eq!(networks.stale, Stale::DeleteIfAnyReturned);
        assert_eq!(column(networks, "ID_NETWORK"), vec![int(49)]);

        let companies = child(&rec, "T_WC_TMDB_SERIE_COMPANY");
        assert_eq!(
            column(companies, "ID_COMPANY"),
            vec![int(76043), int(12525), int(5820), int(12526)]
        );
        assert_eq!(
            column(
                child(&rec, "T_WC_TMDB_SERIE_PRODUCTION_COUNTRY"),
                "COUNTRY_CODE"
            ),
            vec![text("GB"), text("US")]
        );
        assert_eq!(
            column(
                child(&rec, "T_WC_TMDB_SERIE_SPOKEN_LANGUAGE"),
                "SPOKEN_LANGUAGE"
            ),
            vec![text("en")]
        );

        let keywords = child(&rec, "T_WC_TMDB_SERIE_KEYWORD");
        assert_eq!(keywords.stale, Stale::Keep);
        assert_eq!(
            column(keywords, "ID_KEYWORD"),
            [3801, 9951, 10834, 11239, 41645, 162484, 186497]
                .into_iter()
                .map(int)
                .collect::<Vec<_>>()
        );
    }

    #[test]
    fn game_of_thrones_credits_include_creators() {
        let rec = record(
            &sample("ceg-1399-details-append-all.json"),
            &MappingOptions::default(),
        );
        let credits = child(&rec, "T_WC_TMDB_PERSON_SERIE");
        assert_eq!(credits.row_id, Some("ID_TMDB_PERSON_SERIE"));
        assert_eq!(credits.parent, ("ID_SERIE", 1399));
        assert_eq!(credits.stale, Stale::Delete);
        assert!(credits.global_key);
        // 1 cast + 1 crew + 2 creators.
        assert_eq!(credits.rows.len(), 4);

        let cast = row_with(credits, "ID_CREDIT", &text("5cb77e3e92514108d5f63436"));
        assert_eq!(cell(cast, "ID_PERSON"), &int(59254));
        assert_eq!(cell(cast, "ID_SERIE"), &int(1399));
        assert_eq!(cell(cast, "CREDIT_TYPE"), &text("cast"));
        assert_eq!(
            cell(cast, "CAST_CHARACTER"),
            &text("Master Chief, Spartan-117 / John-117")
        );
        assert_eq!(cell(cast, "DISPLAY_ORDER"), &int(1));

        let crew = row_with(credits, "ID_CREDIT", &text("6578420f7a3c5200ca7a16bc"));
        assert_eq!(cell(crew, "ID_PERSON"), &int(1107908));
        assert_eq!(cell(crew, "CREDIT_TYPE"), &text("crew"));
        assert_eq!(cell(crew, "CREW_DEPARTMENT"), &text("Production"));
        assert_eq!(cell(crew, "CREW_JOB"), &text("Executive Producer"));
        assert_eq!(cell(crew, "CAST_CHARACTER"), &text(""));
        assert_eq!(cell(crew, "DISPLAY_ORDER"), &int(1));

        for (credit_id, person) in [
            ("5256c8c219c2956ff604858a", 9813),
            ("552e611e9251413fea000901", 228068),
        ] {
            let creator = row_with(credits, "ID_CREDIT", &text(credit_id));
            assert_eq!(cell(creator, "ID_PERSON"), &int(person));
            assert_eq!(cell(creator, "ID_SERIE"), &int(1399));
            assert_eq!(cell(creator, "CAST_CHARACTER"), &text(""));
            assert_eq!(cell(creator, "CREW_DEPARTMENT"), &text("Creator"));
            assert_eq!(cell(creator, "CREW_JOB"), &text("Creator"));
            assert_eq!(cell(creator, "CREDIT_TYPE"), &text("crew"));
            assert!(find(creator, "DISPLAY_ORDER").is_none());
        }
    }

    #[test]
    fn game_of_thrones_images_and_language_rows() {
        let options = MappingOptions {
            languages: vec!["fr".into(), "pt".into()],
            raw_json: None,
        };
        let rec = record(&sample("ceg-1399-details-append-all.json"), &options);
        let images = child(&rec, "T_WC_TMDB_SERIE_IMAGE");
        assert_eq!(images.parent, ("ID_SERIE", 1399));
        assert_eq!(images.stale, Stale::Delete);
        assert_eq!(
            column(images, "TYPE_IMAGE"),
            vec![text("backdrop"), text("poster"), text("logo")]
        );
        let logo = row_with(images, "TYPE_IMAGE", &text("logo"));
        assert_eq!(
            cell(logo, "IMAGE_PATH"),
            &text("/c1KLulrIhUqY5fT42nmC5aERGCp.png")
        );
        assert_eq!(cell(logo, "LANG"), &text("he"));

        let langs = child(&rec, "T_WC_TMDB_SERIE_LANG");
        assert_eq!(langs.stale, Stale::Keep);
        assert_eq!(langs.key, &["LANG"]);
        let fr = row_with(langs, "LANG", &text("fr"));
        // The French name is "": TITLE is left alone.
        assert!(find(fr, "TITLE").is_none());
        assert_eq!(
            cell(fr, "TAGLINE"),
            &text("Trouvez le Halo, gagnez la guerre.")
        );
        let Value::String(Some(overview)) = cell(fr, "OVERVIEW") else {
            panic!("overview is text")
        };
        assert!(overview.starts_with("Se déroulant au XXVIème siècle"));
        // No French poster: the main one.
        assert_eq!(
            cell(fr, "POSTER_PATH"),
            &text("/1XS1oqL89opfnbLl8WnZY1O1uJx.jpg")
        );
        assert_eq!(
            cell(fr, "BACKDROP_PATH"),
            &text("/6LWy0jvMpmjoS9fojNgHIKoWL05.jpg")
        );
        // A Portuguese poster exists; the pt-PT translation (preferred over pt-BR) is empty.
        let pt = row_with(langs, "LANG", &text("pt"));
        assert_eq!(cell(pt, "TAGLINE"), &text(""));
        assert_eq!(
            cell(pt, "POSTER_PATH"),
            &text("/r3pPehX4ik8NLYPpbDRAh0YRtMb.jpg")
        );
        assert_eq!(cell(pt, "ID_SERIE"), &int(1399));
    }

    #[test]
    fn breaking_bad_2014_shape_absent_keys_and_missing_credit_ids() {
        let rec = record(
            &sample("php-1396-details-append.json"),
            &MappingOptions::default(),
        );
        let main = rec.main.as_ref().expect("main row");
        let c = &main.cells;
        assert_eq!(main.id, 1396);
        assert_eq!(cell(c, "TITLE"), &text("Breaking Bad"));
        assert_eq!(cell(c, "ID_IMDB"), &text("tt0903747"));
        // external_ids has no wikidata_id.
        assert_eq!(cell(c, "ID_WIKIDATA"), &text(""));
        // Absent keys: empty pipe columns, NULL type and tagline.
        assert_eq!(cell(c, "COUNTRIES"), &text(""));
        assert_eq!(cell(c, "SPOKEN_LANGUAGES"), &text(""));
        assert_eq!(cell(c, "GENRES"), &text("|Drama|"));
        assert_eq!(cell(c, "SERIE_TYPE"), &Value::String(None));
        assert_eq!(cell(c, "TAGLINE"), &Value::String(None));
        assert_eq!(cell(c, "ADULT"), &int(0));
        assert_eq!(cell(c, "NUMBER_OF_EPISODES"), &int(62));
        assert_eq!(cell(c, "FIRST_AIR_YEAR"), &int(2008));
        assert_eq!(cell(c, "LAST_AIR_YEAR"), &int(2013));
        // No keywords append: no keyword set, no keyword stamp.
        assert_eq!(
            main.completed,
            vec![
                Completed::Credits,
                Completed::Images,
                Completed::WatchProviders
            ]
        );
        assert_eq!(cell(c, "ID_TVDB"), &int(81189));
        assert_eq!(cell(c, "LAST_EPISODE_DAT_AIR"), &Value::ChronoDate(None));
        assert_eq!(cell(c, "NEXT_EPISODE_NUMBER"), &Value::Int(None));
        let tables: Vec<&str> = rec.children.iter().map(|c| c.table).collect();
        for absent in [
            "T_WC_TMDB_SERIE_KEYWORD",
            "T_WC_TMDB_SERIE_PRODUCTION_COUNTRY",
            "T_WC_TMDB_SERIE_SPOKEN_LANGUAGE",
        ] {
            assert!(!tables.contains(&absent), "{absent} in {tables:?}");
        }
        // An absent companies list gives an empty set, which deletes nothing.
        let companies = child(&rec, "T_WC_TMDB_SERIE_COMPANY");
        assert!(companies.rows.is_empty());
        assert_eq!(companies.stale, Stale::DeleteIfAnyReturned);
        assert_eq!(
            column(child(&rec, "T_WC_TMDB_SERIE_NETWORK"), "ID_NETWORK"),
            vec![int(174)]
        );

        // 7 cast with credit ids; 2014 crew and creator have none and are skipped.
        let credits = child(&rec, "T_WC_TMDB_PERSON_SERIE");
        assert_eq!(credits.rows.len(), 7);
        assert!(
            credits
                .rows
                .iter()
                .all(|r| cell(r, "CREDIT_TYPE") == &text("cast"))
        );
        let walter = row_with(credits, "ID_CREDIT", &text("52542282760ee313280017f9"));
        assert_eq!(cell(walter, "ID_PERSON"), &int(17419));
        assert_eq!(cell(walter, "CAST_CHARACTER"), &text("Walter White"));
        assert_eq!(cell(walter, "DISPLAY_ORDER"), &int(1));
        let jesse = row_with(credits, "ID_CREDIT", &text("52542282760ee31328001845"));
        assert_eq!(cell(jesse, "DISPLAY_ORDER"), &int(3));

        // French translation without data: no TITLE, empty texts, main poster.
        let fr = row_with(child(&rec, "T_WC_TMDB_SERIE_LANG"), "LANG", &text("fr"));
        assert!(find(fr, "TITLE").is_none());
        assert_eq!(cell(fr, "OVERVIEW"), &text(""));
        assert_eq!(cell(fr, "TAGLINE"), &text(""));
        assert_eq!(
            cell(fr, "POSTER_PATH"),
            &text("/iRDNn9EHKuBhGa77UBteazvsZa1.jpg")
        );

        let images = child(&rec, "T_WC_TMDB_SERIE_IMAGE");
        assert_eq!(images.rows.len(), 63 + 34);
        let first = &images.rows[0];
        assert_eq!(cell(first, "TYPE_IMAGE"), &text("backdrop"));
        assert_eq!(
            cell(first, "IMAGE_PATH"),
            &text("/sIJyCJedGlZf1TId41gCtkblBGo.jpg")
        );
    }

    #[test]
    fn unknown_air_dates_are_omitted_and_raw_json_is_opt_in() {
        let mut series = sample("php-1396-details-append.json");
        series.first_air_date = None;
        series.last_air_date = None;
        series.credits = None;
        let options = MappingOptions {
            raw_json: Some(crate::records::RawJson {
                url: "3/tv/1396?append_to_response=credits".into(),
                body: "{}".into(),
            }),
            ..MappingOptions::default()
        };
        let rec = record(&series, &options);
        let main = rec.main.as_ref().expect("main row");
        for omitted in [
            "DAT_FIRST_AIR",
            "FIRST_AIR_YEAR",
            "FIRST_AIR_MONTH",
            "FIRST_AIR_DAY",
            "DAT_LAST_AIR",
            "LAST_AIR_YEAR",
            "LAST_AIR_MONTH",
            "LAST_AIR_DAY",
        ] {
            assert!(find(&main.cells, omitted).is_none(), "{omitted} written");
        }
        assert_eq!(cell(&main.cells, "CRAWLER_VERSION"), &int(3));
        assert_eq!(
            cell(&main.cells, "API_URL"),
            &text("3/tv/1396?append_to_response=credits")
        );
        // Without the credits append: no credit set (creators included), no credit stamp.
        assert!(
            rec.children
                .iter()
                .all(|c| c.table != "T_WC_TMDB_PERSON_SERIE")
        );
        assert!(!main.completed.contains(&Completed::Credits));
    }
}
