//! A person (`/person/{id}` with its appends) → `T_WC_TMDB_PERSON`, the person side of
//! `T_WC_TMDB_PERSON_MOVIE` / `T_WC_TMDB_PERSON_SERIE`, and `T_WC_TMDB_PERSON_IMAGE`
//! (schema-and-mapping.md §3.3, §3.6, §3.8, §3.10).

use chrono::{Datelike, NaiveDate, NaiveTime};

use super::{
    Cells, ChildSet, Completed, CreditRow, EntityKind, EntityRecord, MainRow, MappingOptions,
    credit_set, double, flag, id32, image_set, non_empty, opt_int, opt_text, or_empty, pipe_list,
    text,
};
use crate::tmdb::payload::{Person, PersonCredit, PersonCredits};

/// Sub-resources of the one request per person.
pub const APPENDS: &[&str] = &["combined_credits", "external_ids", "images"];

/// What the Python crawler stored for a `null` place of birth (`str(None).strip()`).
const NO_PLACE_OF_BIRTH: &str = "None";

pub fn record(person: &Person, options: &MappingOptions) -> EntityRecord {
    let id = id32(person.id);
    let parent = ("ID_PERSON", id);
    let mut cells = vec![
        ("NAME", text(person.name.as_deref().unwrap_or(""))),
        ("ID_IMDB", or_empty(person.imdb_id.as_ref())),
        (
            "ID_WIKIDATA",
            or_empty(
                person
                    .external_ids
                    .as_ref()
                    .and_then(|e| e.wikidata_id.as_ref()),
            ),
        ),
        ("BIOGRAPHY", text(person.biography.as_deref().unwrap_or(""))),
    ];
    // The datetime columns are left alone when the date is unknown; the parts are always
    // written, 0 when unknown.
    push_date(&mut cells, person.birthday, "BIRTHDAY", BIRTH_PARTS);
    push_date(&mut cells, person.deathday, "DEATHDAY", DEATH_PARTS);
    cells.extend([
        ("GENDER", opt_int(person.gender)),
        ("PROFILE_PATH", opt_text(person.profile_path.as_deref())),
        ("HOMEPAGE_URL", opt_text(person.homepage.as_deref())),
        (
            "PLACE_OF_BIRTH",
            text(
                person
                    .place_of_birth
                    .as_deref()
                    .map_or(NO_PLACE_OF_BIRTH, str::trim),
            ),
        ),
        ("POPULARITY", double(person.popularity.unwrap_or(0.0))),
        (
            "KNOWN_FOR_DEPARTMENT",
            opt_text(person.known_for_department.as_deref()),
        ),
        ("ADULT", flag(person.adult)),
        (
            "ALSO_KNOWN_AS",
            text(&pipe_list(
                person
                    .also_known_as
                    .as_ref()
                    .map(|names| names.iter().map(String::as_str)),
            )),
        ),
    ]);
    options.push_raw(&mut cells, 3);

    let mut children = Vec::new();
    let mut completed = Vec::new();

    if let Some(credits) = &person.combined_credits {
        let (movies, series) = credit_sets(person.id, credits);
        children.push(movies);
        children.push(series);
        completed.push(Completed::Credits);
    }
    if let Some(images) = &person.images {
        children.push(image_set(
            "T_WC_TMDB_PERSON_IMAGE",
            parent,
            &[("profile", &images.profiles)],
        ));
        completed.push(Completed::Images);
    }

    EntityRecord {
        kind: EntityKind::Person,
        id,
        main: Some(MainRow {
            table: "T_WC_TMDB_PERSON",
            pk: "ID_PERSON",
            id,
            cells,
            completed,
            stamps_only: false,
        }),
        children,
    }
}

const BIRTH_PARTS: [&str; 3] = ["BIRTH_DAY", "BIRTH_MONTH", "BIRTH_YEAR"];
const DEATH_PARTS: [&str; 3] = ["DEATH_DAY", "DEATH_MONTH", "DEATH_YEAR"];

/// `column` as `YYYY-MM-DD 00:00:00`, then its day, month and year parts; all NULL when the
/// date is unknown (R-08: the 2026 Python crawler stores NULL, not 0, and clears a date TMDb
/// no longer gives).
fn push_date(
    cells: &mut Cells,
    date: Option<NaiveDate>,
    column: &'static str,
    [day, month, year]: [&'static str; 3],
) {
    cells.push((
        column,
        sea_orm::Value::ChronoDateTime(date.map(|d| d.and_time(NaiveTime::MIN))),
    ));
    cells.push((day, opt_int(date.map(|d| i64::from(d.day())))));
    cells.push((month, opt_int(date.map(|d| i64::from(d.month())))));
    cells.push((year, opt_int(date.map(|d| i64::from(d.year())))));
}

/// The person side of the credit tables, from `combined_credits`: `media_type` "movie" →
/// `T_WC_TMDB_PERSON_MOVIE`, "tv" → `T_WC_TMDB_PERSON_SERIE`, both scoped by `ID_PERSON`.
/// No `DISPLAY_ORDER` (the media side owns it). Both sets are always returned, so a title the
/// person no longer has loses its row, and an empty list empties the set.
fn credit_sets(person_id: u64, credits: &PersonCredits) -> (ChildSet, ChildSet) {
    let mut movies = Vec::new();
    let mut series = Vec::new();
    let entries = credits
        .cast
        .iter()
        .map(|c| (c, true))
        .chain(credits.crew.iter().map(|c| (c, false)));
    for (c, cast) in entries {
        let Some(credit_id) = non_empty(c.credit_id.as_ref()) else {
            continue;
        };
        let Some(is_tv) = media_is_tv(c) else {
            continue;
        };
        let row = CreditRow {
            person: person_id,
            media: c.id,
            credit_id,
            cast,
            character: if cast {
                c.character.as_deref().unwrap_or("")
            } else {
                ""
            },
            department: if cast {
                ""
            } else {
                c.department.as_deref().unwrap_or("")
            },
            job: if cast {
                ""
            } else {
                c.job.as_deref().unwrap_or("")
            },
            display_order: None,
        };
        if is_tv {
            series.push(row.cells("ID_SERIE"));
        } else {
            movies.push(row.cells("ID_MOVIE"));
        }
    }
    let parent = ("ID_PERSON", id32(person_id));
    (
        credit_set(
            "T_WC_TMDB_PERSON_MOVIE",
            "ID_TMDB_PERSON_MOVIE",
            parent,
            movies,
        ),
        credit_set(
            "T_WC_TMDB_PERSON_SERIE",
            "ID_TMDB_PERSON_SERIE",
            parent,
            series,
        ),
    )
}

/// `Some(true)` for a series credit, `Some(false)` for a movie credit, `None` for any other
/// `media_type`. `combined_credits` always sends it; without it, the title keys decide.
fn media_is_tv(credit: &PersonCredit) -> Option<bool> {
    match credit.media_type.as_deref() {
        Some("movie") => Some(false),
        Some("tv") => Some(true),
        Some(_) => None,
        None => Some(credit.is_tv()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::records::{Stale, int};
    use crate::tmdb::payload::parse;
    use sea_orm::Value;

    fn sample(name: &str) -> Person {
        let path = format!(
            "{}/tests/fixtures/tmdb-samples/person/{name}",
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

    fn datetime(y: i32, m: u32, d: u32) -> Value {
        Value::ChronoDateTime(NaiveDate::from_ymd_opt(y, m, d).and_then(|d| d.and_hms_opt(0, 0, 0)))
    }

    #[test]
    fn richard_anderson_main_row() {
        let rec = record(
            &sample("ceg-12312-details-append-all.json"),
            &MappingOptions::default(),
        );
        assert_eq!(rec.kind, EntityKind::Person);
        let main = rec.main.as_ref().expect("main row");
        assert_eq!(
            (main.table, main.pk, main.id),
            ("T_WC_TMDB_PERSON", "ID_PERSON", 12312)
        );
        let c = &main.cells;
        assert_eq!(cell(c, "NAME"), &text("Richard Anderson"));
        // Top-level imdb_id, not external_ids.imdb_id (which this sample sets to nm0000158).
        assert_eq!(cell(c, "ID_IMDB"), &text("nm0027323"));
        assert_eq!(cell(c, "ID_WIKIDATA"), &text("Q2263"));
        let Value::String(Some(bio)) = cell(c, "BIOGRAPHY") else {
            panic!("biography is text")
        };
        // The sample has a no-break space before "(born".
        assert!(bio.starts_with("Richard Norman Anderson\u{a0}(born August 8, 1926)"));
        assert_eq!(cell(c, "BIRTHDAY"), &datetime(1926, 8, 8));
        assert_eq!(cell(c, "BIRTH_DAY"), &int(8));
        assert_eq!(cell(c, "BIRTH_MONTH"), &int(8));
        assert_eq!(cell(c, "BIRTH_YEAR"), &int(1926));
        assert_eq!(cell(c, "DEATHDAY"), &datetime(2017, 8, 31));
        assert_eq!(cell(c, "DEATH_DAY"), &int(31));
        assert_eq!(cell(c, "DEATH_MONTH"), &int(8));
        assert_eq!(cell(c, "DEATH_YEAR"), &int(2017));
        assert_eq!(cell(c, "GENDER"), &int(2));
        assert_eq!(
            cell(c, "PROFILE_PATH"),
            &text("/AiAPSDhMNu7zoZRngj8dISNk1rA.jpg")
        );
        assert_eq!(cell(c, "HOMEPAGE_URL"), &text("http://www.bionik.com/"));
        assert_eq!(
            cell(c, "PLACE_OF_BIRTH"),
            &text("Long Branch, New Jersey, USA")
        );
        assert_eq!(cell(c, "POPULARITY"), &double(15.829));
        assert_eq!(cell(c, "KNOWN_FOR_DEPARTMENT"), &text("Acting"));
        assert_eq!(cell(c, "ADULT"), &int(0));
        assert_eq!(
            cell(c, "ALSO_KNOWN_AS"),
            &text("|Dick Anderson|Richard Norman Anderson|Ричард Андерсон|Дик Андерсон|")
        );
        assert_eq!(main.completed, vec![Completed::Credits, Completed::Images]);
    }

    #[test]
    fn richard_anderson_credits_have_no_display_order() {
        let rec = record(
            &sample("ceg-12312-details-append-all.json"),
            &MappingOptions::default(),
        );
        let movies = child(&rec, "T_WC_TMDB_PERSON_MOVIE");
        assert_eq!(movies.row_id, Some("ID_TMDB_PERSON_MOVIE"));
        assert_eq!(movies.parent, ("ID_PERSON", 12312));
        assert_eq!(movies.stale, Stale::Delete);
        assert!(movies.global_key);
        // 7 cast + 37 crew, all movies.
        assert_eq!(movies.rows.len(), 44);
        assert!(
            movies
                .rows
                .iter()
                .all(|r| find(r, "DISPLAY_ORDER").is_none())
        );
        assert!(
            movies
                .rows
                .iter()
                .all(|r| cell(r, "ID_PERSON") == &int(12312))
        );

        let cast = row_with(movies, "ID_CREDIT", &text("58fcce1692514163df022fa7"));
        assert_eq!(cell(cast, "ID_MOVIE"), &int(453779));
        assert_eq!(cell(cast, "CREDIT_TYPE"), &text("cast"));
        assert_eq!(cell(cast, "CAST_CHARACTER"), &text("Self"));
        assert_eq!(cell(cast, "CREW_JOB"), &text(""));

        let crew = row_with(movies, "ID_CREDIT", &text("5faf6541c15f89003e825d20"));
        assert_eq!(cell(crew, "ID_MOVIE"), &int(41558));
        assert_eq!(cell(crew, "CREDIT_TYPE"), &text("crew"));
        assert_eq!(cell(crew, "CREW_DEPARTMENT"), &text("Crew"));
        assert_eq!(cell(crew, "CREW_JOB"), &text("Thanks"));
        assert_eq!(cell(crew, "CAST_CHARACTER"), &text(""));

        // No TV credit: the series set is still there, empty, so it empties the person's rows.
        let series = child(&rec, "T_WC_TMDB_PERSON_SERIE");
        assert_eq!(series.parent, ("ID_PERSON", 12312));
        assert_eq!(series.row_id, Some("ID_TMDB_PERSON_SERIE"));
        assert!(series.rows.is_empty());
        assert_eq!(series.stale, Stale::Delete);

        let images = child(&rec, "T_WC_TMDB_PERSON_IMAGE");
        assert_eq!(images.parent, ("ID_PERSON", 12312));
        assert_eq!(images.rows.len(), 1);
        let profile = &images.rows[0];
        assert_eq!(cell(profile, "TYPE_IMAGE"), &text("profile"));
        assert_eq!(
            cell(profile, "IMAGE_PATH"),
            &text("/50rqDkmvXwjwVhFH7q6ph2Rkw7S.jpg")
        );
        assert_eq!(cell(profile, "DISPLAY_ORDER"), &int(1));
    }

    #[test]
    fn gary_sinise_splits_movie_and_tv_credits() {
        let rec = record(
            &sample("php-33-details-append.json"),
            &MappingOptions::default(),
        );
        let main = rec.main.as_ref().expect("main row");
        let c = &main.cells;
        // deathday "" (2014): DEATHDAY and its parts NULL.
        assert_eq!(cell(c, "DEATHDAY"), &Value::ChronoDateTime(None));
        assert_eq!(cell(c, "DEATH_DAY"), &Value::Int(None));
        assert_eq!(cell(c, "DEATH_MONTH"), &Value::Int(None));
        assert_eq!(cell(c, "DEATH_YEAR"), &Value::Int(None));
        assert_eq!(cell(c, "BIRTHDAY"), &datetime(1955, 3, 17));
        assert_eq!(cell(c, "ALSO_KNOWN_AS"), &text("|"));
        assert_eq!(cell(c, "HOMEPAGE_URL"), &text(""));
        assert_eq!(cell(c, "KNOWN_FOR_DEPARTMENT"), &Value::String(None));
        // No external_ids append.
        assert_eq!(cell(c, "ID_WIKIDATA"), &text(""));
        assert_eq!(cell(c, "ID_IMDB"), &text("nm0000641"));

        // 2014 movie credits carry no credit_id and are skipped; the 21 + 3 TV ones are kept.
        let movies = child(&rec, "T_WC_TMDB_PERSON_MOVIE");
        assert!(movies.rows.is_empty());
        let series = child(&rec, "T_WC_TMDB_PERSON_SERIE");
        assert_eq!(series.rows.len(), 24);
        assert!(
            series
                .rows
                .iter()
                .all(|r| find(r, "DISPLAY_ORDER").is_none())
        );
        assert!(series.rows.iter().all(|r| find(r, "ID_MOVIE").is_none()));

        let csi = row_with(series, "ID_CREDIT", &text("52570e1e760ee3776a096611"));
        assert_eq!(cell(csi, "ID_SERIE"), &int(1620));
        assert_eq!(cell(csi, "ID_PERSON"), &int(33));
        assert_eq!(cell(csi, "CREDIT_TYPE"), &text("cast"));
        assert_eq!(cell(csi, "CAST_CHARACTER"), &text(""));

        let directing = row_with(series, "ID_CREDIT", &text("525704e6760ee3776a0087ae"));
        assert_eq!(cell(directing, "ID_SERIE"), &int(1448));
        assert_eq!(cell(directing, "CREDIT_TYPE"), &text("crew"));
        assert_eq!(cell(directing, "CREW_DEPARTMENT"), &text("Directing"));
        assert_eq!(cell(directing, "CREW_JOB"), &text("Director"));

        let images = child(&rec, "T_WC_TMDB_PERSON_IMAGE");
        assert_eq!(images.rows.len(), 4);
        // iso_639_1 null → NULL.
        assert_eq!(cell(&images.rows[0], "LANG"), &Value::String(None));
    }

    #[test]
    fn brad_pitt_without_combined_credits_or_death() {
        let rec = record(
            &sample("moviebase-287-details-append.json"),
            &MappingOptions::default(),
        );
        let main = rec.main.as_ref().expect("main row");
        let c = &main.cells;
        assert_eq!(cell(c, "NAME"), &text("Brad Pitt"));
        assert_eq!(cell(c, "BIRTHDAY"), &datetime(1963, 12, 18));
        assert_eq!(cell(c, "BIRTH_YEAR"), &int(1963));
        assert_eq!(cell(c, "DEATHDAY"), &Value::ChronoDateTime(None));
        assert_eq!(cell(c, "DEATH_YEAR"), &Value::Int(None));
        assert_eq!(cell(c, "HOMEPAGE_URL"), &Value::String(None));
        assert_eq!(cell(c, "PLACE_OF_BIRTH"), &text("Shawnee, Oklahoma, USA"));
        // external_ids present without wikidata_id.
        assert_eq!(cell(c, "ID_WIKIDATA"), &text(""));
        // movie_credits / tv_credits are not ours: no credit sets, no credit stamp.
        assert_eq!(main.completed, vec![Completed::Images]);
        assert!(
            rec.children
                .iter()
                .all(|s| s.table != "T_WC_TMDB_PERSON_MOVIE" && s.table != "T_WC_TMDB_PERSON_SERIE")
        );
        assert_eq!(child(&rec, "T_WC_TMDB_PERSON_IMAGE").rows.len(), 15);
    }

    #[test]
    fn null_place_of_birth_is_the_string_none_and_unknown_dates_are_null() {
        let rec = record(
            &sample("openapi-latest-4064343.json"),
            &MappingOptions::default(),
        );
        let main = rec.main.as_ref().expect("main row");
        let c = &main.cells;
        assert_eq!(cell(c, "NAME"), &text("Ángel Cruz"));
        assert_eq!(cell(c, "PLACE_OF_BIRTH"), &text("None"));
        assert_eq!(cell(c, "ID_IMDB"), &text(""));
        assert_eq!(cell(c, "ID_WIKIDATA"), &text(""));
        assert_eq!(cell(c, "BIOGRAPHY"), &text(""));
        assert_eq!(cell(c, "GENDER"), &int(0));
        assert_eq!(cell(c, "PROFILE_PATH"), &Value::String(None));
        for date in ["BIRTHDAY", "DEATHDAY"] {
            assert_eq!(cell(c, date), &Value::ChronoDateTime(None), "{date}");
        }
        for unknown in [
            "BIRTH_DAY",
            "BIRTH_MONTH",
            "BIRTH_YEAR",
            "DEATH_DAY",
            "DEATH_MONTH",
            "DEATH_YEAR",
        ] {
            assert_eq!(cell(c, unknown), &Value::Int(None), "{unknown}");
        }
        assert!(main.completed.is_empty());
        assert!(rec.children.is_empty());
    }

    #[test]
    fn place_of_birth_is_trimmed_and_unknown_media_types_are_skipped() {
        let mut person = sample("ceg-12312-details-append-all.json");
        person.place_of_birth = Some("  Paris, France \n".into());
        let credits = person.combined_credits.as_mut().expect("combined credits");
        credits.cast[0].media_type = Some("tv".into());
        credits.cast[1].media_type = Some("person".into());
        let moved = credits.cast[0].credit_id.clone().expect("credit id");
        let rec = record(&person, &MappingOptions::default());
        let main = rec.main.as_ref().expect("main row");
        assert_eq!(cell(&main.cells, "PLACE_OF_BIRTH"), &text("Paris, France"));
        assert_eq!(child(&rec, "T_WC_TMDB_PERSON_MOVIE").rows.len(), 42);
        let series = child(&rec, "T_WC_TMDB_PERSON_SERIE");
        assert_eq!(series.rows.len(), 1);
        assert_eq!(cell(&series.rows[0], "ID_CREDIT"), &text(&moved));
        assert_eq!(cell(&series.rows[0], "ID_SERIE"), &int(453779));
    }
}
