//! A movie (`/movie/{id}` with its appends) → `T_WC_TMDB_MOVIE` and its child tables
//! (schema-and-mapping.md §3.1-§3.4, §3.10).

use chrono::Datelike;

use super::snapshots::{self, Malformed};
use super::{
    Cells, ChildSet, Completed, EntityKind, EntityRecord, LangSource, MainRow, MappingOptions,
    Stale, credit_set, double, flag, id32, image_set, int, lang_set, link_set, media_credit_rows,
    non_empty, opt_double, opt_int, opt_text, or_empty, pipe_list, text,
};
use crate::process::Snapshot;
use crate::tmdb::payload::Movie;

/// Sub-resources of the one request per movie (TMDb accepts at most 20).
pub const APPENDS: &[&str] = &[
    "credits",
    "keywords",
    "images",
    "translations",
    "external_ids",
    "alternative_titles",
    "release_dates",
    "watch/providers",
    "similar",
    "recommendations",
    "videos",
];

/// `T_WC_TMDB_MOVIE.IS_SHORT_FILM`: a known runtime of at most 58 minutes.
const SHORT_FILM_MAX_MINUTES: i64 = 58;

pub fn record(movie: &Movie, options: &MappingOptions) -> EntityRecord {
    let id = id32(movie.id);
    let parent = ("ID_MOVIE", id);
    let cells = main_cells(movie, options);
    let mut children = link_sets(movie, parent);
    let mut completed = Vec::new();
    stamped_sets(movie, parent, &mut children, &mut completed);
    title_level_sets(movie, parent, &mut children, &mut completed);
    if let Some(translations) = &movie.translations {
        let source = LangSource {
            table: "T_WC_TMDB_MOVIE_LANG",
            parent,
            title: |d| d.title.as_ref(),
            posters: movie.images.as_ref().map_or(&[], |i| i.posters.as_slice()),
            poster_path: movie.poster_path.as_deref(),
            backdrop_path: movie.backdrop_path.as_deref(),
        };
        children.push(lang_set(source, translations, options));
    }

    EntityRecord {
        kind: EntityKind::Movie,
        id,
        main: Some(MainRow {
            table: "T_WC_TMDB_MOVIE",
            pk: "ID_MOVIE",
            id,
            cells,
            completed,
            stamps_only: false,
        }),
        children,
    }
}

/// The movie's own columns (without its key).
fn main_cells(movie: &Movie, options: &MappingOptions) -> Cells {
    let mut cells = vec![
        ("TITLE", text(movie.title.as_deref().unwrap_or(""))),
        ("ID_IMDB", or_empty(movie.imdb_id.as_ref())),
        (
            "ID_WIKIDATA",
            or_empty(
                movie
                    .external_ids
                    .as_ref()
                    .and_then(|e| e.wikidata_id.as_ref()),
            ),
        ),
        ("OVERVIEW", text(movie.overview.as_deref().unwrap_or(""))),
        ("POSTER_PATH", opt_text(movie.poster_path.as_deref())),
        ("HOMEPAGE_URL", opt_text(movie.homepage.as_deref())),
        ("ORIGINAL_TITLE", opt_text(movie.original_title.as_deref())),
        ("POPULARITY", double(movie.popularity.unwrap_or(0.0))),
        (
            "ORIGINAL_LANGUAGE",
            opt_text(movie.original_language.as_deref()),
        ),
        ("ADULT", flag(movie.adult)),
        ("STATUS", opt_text(movie.status.as_deref())),
        (
            "GENRES",
            text(&pipe_list(
                movie
                    .genres
                    .as_ref()
                    .map(|g| g.iter().map(|g| g.name.as_deref().unwrap_or(""))),
            )),
        ),
        (
            "ID_COLLECTION",
            int(movie
                .belongs_to_collection
                .as_ref()
                .map_or(0, |c| i64::from(id32(c.id)))),
        ),
        ("BUDGET", opt_double(movie.budget.map(|b| b as f64))),
        ("RUNTIME", int(movie.runtime.unwrap_or(0))),
        ("BACKDROP_PATH", opt_text(movie.backdrop_path.as_deref())),
        ("REVENUE", opt_double(movie.revenue.map(|r| r as f64))),
        ("TAGLINE", opt_text(movie.tagline.as_deref())),
        ("VIDEO", flag(movie.video)),
        ("VOTE_AVERAGE", opt_double(movie.vote_average)),
        ("VOTE_COUNT", opt_int(movie.vote_count)),
        (
            "COUNTRIES",
            text(&pipe_list(movie.production_countries.as_ref().map(|c| {
                c.iter().map(|c| c.iso_3166_1.as_deref().unwrap_or(""))
            }))),
        ),
        (
            "SPOKEN_LANGUAGES",
            text(&pipe_list(movie.spoken_languages.as_ref().map(|l| {
                l.iter().map(|l| l.iso_639_1.as_deref().unwrap_or(""))
            }))),
        ),
    ];
    // An unknown or malformed date leaves the stored date alone (NULL on insert).
    if let Some(date) = movie.release_date {
        cells.push(("DAT_RELEASE", sea_orm::Value::ChronoDate(Some(date))));
        cells.push(("RELEASE_YEAR", int(date.year())));
        cells.push(("RELEASE_MONTH", int(date.month())));
        cells.push(("RELEASE_DAY", int(date.day())));
    }
    let documentary = movie
        .genres
        .as_ref()
        .is_some_and(|g| g.iter().any(|g| g.name.as_deref() == Some("Documentary")));
    cells.push(("IS_DOCUMENTARY", int(i64::from(documentary))));
    cells.push(("IS_MOVIE", int(i64::from(!documentary))));
    let runtime = movie.runtime.unwrap_or(0);
    let short = runtime > 0 && runtime <= SHORT_FILM_MAX_MINUTES;
    cells.push(("IS_SHORT_FILM", int(i64::from(short))));
    options.push_raw(&mut cells, 3);
    cells
}

/// Countries, spoken languages, companies and genres: replaced when TMDb returned any.
fn link_sets(movie: &Movie, parent: (&'static str, i32)) -> Vec<ChildSet> {
    let mut children = Vec::new();
    if let Some(countries) = &movie.production_countries {
        children.push(link_set(
            "T_WC_TMDB_MOVIE_PRODUCTION_COUNTRY",
            parent,
            &["COUNTRY_CODE"],
            countries
                .iter()
                .filter_map(|c| non_empty(c.iso_3166_1.as_ref()).map(text))
                .collect(),
            Stale::DeleteIfAnyReturned,
        ));
    }
    if let Some(languages) = &movie.spoken_languages {
        children.push(link_set(
            "T_WC_TMDB_MOVIE_SPOKEN_LANGUAGE",
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
        "T_WC_TMDB_MOVIE_COMPANY",
        parent,
        &["ID_COMPANY"],
        movie
            .production_companies
            .iter()
            .map(|c| int(id32(c.id)))
            .collect(),
        Stale::DeleteIfAnyReturned,
    ));
    if let Some(genres) = &movie.genres {
        children.push(link_set(
            "T_WC_TMDB_MOVIE_GENRE",
            parent,
            &["ID_GENRE"],
            genres.iter().map(|g| int(id32(g.id))).collect(),
            Stale::DeleteIfAnyReturned,
        ));
    }
    children
}

/// Keywords, credits and images, each with its completion stamp when its append came back.
fn stamped_sets(
    movie: &Movie,
    parent: (&'static str, i32),
    children: &mut Vec<ChildSet>,
    completed: &mut Vec<Completed>,
) {
    if let Some(keywords) = &movie.keywords {
        children.push(link_set(
            "T_WC_TMDB_MOVIE_KEYWORD",
            parent,
            &["ID_KEYWORD"],
            keywords.all().iter().map(|k| int(id32(k.id))).collect(),
            Stale::Keep,
        ));
        completed.push(Completed::Keywords);
    }
    if let Some(credits) = &movie.credits {
        children.push(credit_set(
            "T_WC_TMDB_PERSON_MOVIE",
            "ID_TMDB_PERSON_MOVIE",
            parent,
            media_credit_rows(movie.id, "ID_MOVIE", credits),
        ));
        completed.push(Completed::Credits);
    }
    if let Some(images) = &movie.images {
        children.push(image_set(
            "T_WC_TMDB_MOVIE_IMAGE",
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

/// The 2026-08 sets: alternative titles, release dates, providers, neighbours, videos. A
/// malformed snapshot is left out (the stored one stays, unstamped) and logged.
fn title_level_sets(
    movie: &Movie,
    parent: (&'static str, i32),
    children: &mut Vec<ChildSet>,
    completed: &mut Vec<Completed>,
) {
    let mut record = snapshots::Stamped {
        kind: EntityKind::Movie,
        id: parent.1,
        children,
        completed,
    };
    if let Some(block) = &movie.release_dates {
        let set = snapshots::release_date_set(parent, block);
        record.snapshot("release_dates", set, Completed::ReleaseDates);
    }
    if let Some(block) = &movie.watch_providers {
        let set = snapshots::watch_provider_set("T_WC_TMDB_MOVIE_WATCH_PROVIDER", parent, block);
        record.snapshot("watch/providers", set, Completed::WatchProviders);
    }
    if let Some(block) = &movie.videos {
        let set = snapshots::video_set("T_WC_TMDB_MOVIE_VIDEO", parent, block);
        record.snapshot("videos", set, Completed::Videos);
    }
    if let Some(block) = &movie.alternative_titles {
        record.children.push(snapshots::title_set(parent, block));
    }
    if let Some(page) = &movie.similar {
        record.children.push(snapshots::neighbour_set(
            "T_WC_TMDB_MOVIE_SIMILAR",
            parent,
            &["ID_MOVIE_SIMILAR"],
            page,
        ));
    }
    if let Some(page) = &movie.recommendations {
        record.children.push(snapshots::neighbour_set(
            "T_WC_TMDB_MOVIE_RECOMMENDATION",
            parent,
            &["ID_MOVIE_RECOMMENDED"],
            page,
        ));
    }
}

/// Process 34 or 35: the movie's one snapshot and its stamp, nothing else
/// ([`snapshots::backfill_record`]); `Err` when the block is malformed or absent.
pub fn snapshot_record(movie: &Movie, snapshot: Snapshot) -> Result<EntityRecord, Malformed> {
    let id = id32(movie.id);
    let parent = ("ID_MOVIE", id);
    let set = match snapshot {
        Snapshot::ReleaseDates => movie
            .release_dates
            .as_ref()
            .ok_or(Malformed::Absent)
            .and_then(|block| snapshots::release_date_set(parent, block)),
        Snapshot::WatchProviders => movie
            .watch_providers
            .as_ref()
            .ok_or(Malformed::Absent)
            .and_then(|block| {
                snapshots::watch_provider_set("T_WC_TMDB_MOVIE_WATCH_PROVIDER", parent, block)
            }),
    };
    snapshots::backfill_record(EntityKind::Movie, id, snapshot, set)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tmdb::payload::parse;

    fn sample(name: &str) -> Movie {
        let path = format!(
            "{}/tests/fixtures/tmdb-samples/movie/{name}",
            env!("CARGO_MANIFEST_DIR")
        );
        let bytes = std::fs::read(&path).expect("sample readable");
        parse(&bytes).expect("sample parses")
    }

    fn cell<'a>(cells: &'a super::super::Cells, name: &str) -> &'a sea_orm::Value {
        &cells
            .iter()
            .find(|(c, _)| *c == name)
            .unwrap_or_else(|| panic!("no {name}"))
            .1
    }

    #[test]
    fn fight_club_with_appends_maps_main_row_and_children() {
        let movie = sample("ceg-12313-details-append-all.json");
        let rec = record(&movie, &MappingOptions::default());
        let main = rec.main.as_ref().expect("main row");
        assert_eq!(main.id, 12313);
        assert_eq!(
            cell(&main.cells, "TITLE"),
            &text(movie.title.as_deref().unwrap_or(""))
        );
        let tables: Vec<&str> = rec.children.iter().map(|c| c.table).collect();
        for t in [
            "T_WC_TMDB_MOVIE_GENRE",
            "T_WC_TMDB_PERSON_MOVIE",
            "T_WC_TMDB_MOVIE_IMAGE",
            "T_WC_TMDB_MOVIE_KEYWORD",
        ] {
            assert!(tables.contains(&t), "{t} missing from {tables:?}");
        }
        let credits = rec
            .children
            .iter()
            .find(|c| c.table == "T_WC_TMDB_PERSON_MOVIE")
            .expect("credits");
        let expected = movie
            .credits
            .as_ref()
            .map_or(0, |c| c.cast.len() + c.crew.len());
        assert!(credits.rows.len() <= expected && !credits.rows.is_empty());
    }

    #[test]
    fn every_title_level_append_of_a_real_movie_becomes_a_set() {
        let movie = sample("ceg-12313-details-append-all.json");
        let rec = record(&movie, &MappingOptions::default());
        let set = |table: &str| {
            rec.children
                .iter()
                .find(|c| c.table == table)
                .unwrap_or_else(|| panic!("no {table}"))
        };
        let releases: usize = movie
            .release_dates
            .as_ref()
            .map_or(0, |r| r.results.iter().map(|c| c.release_dates.len()).sum());
        assert!(releases > 0);
        assert_eq!(set("T_WC_TMDB_MOVIE_RELEASE_DATE").rows.len(), releases);
        assert!(!set("T_WC_TMDB_MOVIE_WATCH_PROVIDER").rows.is_empty());
        assert_eq!(
            set("T_WC_TMDB_MOVIE_SIMILAR").rows.len(),
            movie.similar.as_ref().map_or(0, |p| p.results.len())
        );
        assert_eq!(
            set("T_WC_TMDB_MOVIE_RECOMMENDATION").rows.len(),
            movie
                .recommendations
                .as_ref()
                .map_or(0, |p| p.results.len())
        );
        assert_eq!(
            set("T_WC_TMDB_MOVIE_VIDEO").rows.len(),
            movie.videos.as_ref().map_or(0, |v| v.results.len())
        );
        assert_eq!(
            set("T_WC_TMDB_MOVIE_TITLE").rows.len(),
            movie
                .alternative_titles
                .as_ref()
                .map_or(0, |t| t.all().len())
        );
        let main = rec.main.as_ref().expect("main row");
        for stamp in [
            Completed::ReleaseDates,
            Completed::WatchProviders,
            Completed::Videos,
        ] {
            assert!(main.completed.contains(&stamp), "{stamp:?} missing");
        }
    }

    #[test]
    fn a_malformed_release_block_keeps_the_rest_of_the_movie() {
        let body = br#"{"id": 9, "title": "x",
            "release_dates": {"results": [{"iso_3166_1": "FR", "release_dates": [{"release_date": "2001-01-01T00:00:00.000Z", "type": "theatrical"}]}]},
            "watch/providers": {"results": {}},
            "similar": {"page": 1, "results": []}}"#;
        let movie: Movie = parse(body).expect("parses");
        let rec = record(&movie, &MappingOptions::default());
        let main = rec.main.as_ref().expect("main row");
        assert_eq!(main.completed, vec![Completed::WatchProviders]);
        let tables: Vec<&str> = rec.children.iter().map(|c| c.table).collect();
        assert!(!tables.contains(&"T_WC_TMDB_MOVIE_RELEASE_DATE"));
        assert!(tables.contains(&"T_WC_TMDB_MOVIE_WATCH_PROVIDER"));
        let similar = rec
            .children
            .iter()
            .find(|c| c.table == "T_WC_TMDB_MOVIE_SIMILAR")
            .expect("similar set");
        assert!(similar.rows.is_empty());
        assert_eq!(similar.stale, Stale::DeleteIfAnyReturned);
    }

    #[test]
    fn appends_stay_within_tmdb_limit() {
        assert!(APPENDS.len() <= 20);
        for append in [
            "release_dates",
            "watch/providers",
            "similar",
            "recommendations",
            "videos",
        ] {
            assert!(APPENDS.contains(&append), "{append}");
        }
    }

    #[test]
    fn details_without_appends_stamp_nothing_and_touch_no_child_set_they_lack() {
        let movie = sample("ceg-550-details.json");
        let rec = record(&movie, &MappingOptions::default());
        let main = rec.main.as_ref().expect("main row");
        assert!(main.completed.is_empty());
        assert!(
            rec.children
                .iter()
                .all(|c| c.table != "T_WC_TMDB_PERSON_MOVIE" && c.table != "T_WC_TMDB_MOVIE_IMAGE")
        );
        assert_eq!(cell(&main.cells, "RELEASE_YEAR"), &int(1999));
        assert_eq!(cell(&main.cells, "IS_SHORT_FILM"), &int(0));
        assert_eq!(
            cell(&main.cells, "GENRES"),
            &text("|Drama|Thriller|Comedy|")
        );
    }
}
