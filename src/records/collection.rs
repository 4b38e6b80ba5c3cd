//! A collection (`/collection/{id}` with its appends) → `T_WC_TMDB_COLLECTION`,
//! `T_WC_TMDB_COLLECTION_LANG` and `T_WC_TMDB_COLLECTION_IMAGE` (schema-and-mapping.md §3.9,
//! §3.10). Member movies (`parts`) are not stored: movies point to their collection.

use super::{
    ChildSet, Completed, EntityKind, EntityRecord, MainRow, MappingOptions, Stale, id32, image_in,
    image_set, int, non_empty, opt_text, text, translation_for,
};
use crate::tmdb::payload::{Collection, Translations};

/// Sub-resources of the one request per collection.
pub const APPENDS: &[&str] = &["images", "translations"];

pub fn record(collection: &Collection, options: &MappingOptions) -> EntityRecord {
    let id = id32(collection.id);
    let parent = ("ID_COLLECTION", id);
    let mut cells = Vec::new();
    // An empty name is omitted: the stored one is kept.
    if let Some(name) = non_empty(collection.name.as_ref()) {
        cells.push(("NAME", text(name)));
    }
    cells.push(("OVERVIEW", opt_text(collection.overview.as_deref())));
    cells.push(("POSTER_PATH", opt_text(collection.poster_path.as_deref())));
    cells.push((
        "BACKDROP_PATH",
        opt_text(collection.backdrop_path.as_deref()),
    ));
    options.push_raw(&mut cells, 1);

    // For a collection `TIM_CREDITS_COMPLETED` means "last refreshed".
    let mut completed = vec![Completed::Credits];
    let mut children = Vec::new();
    if let Some(images) = &collection.images {
        children.push(image_set(
            "T_WC_TMDB_COLLECTION_IMAGE",
            parent,
            &[("backdrop", &images.backdrops), ("poster", &images.posters)],
        ));
        completed.push(Completed::Images);
    }
    if let Some(translations) = &collection.translations {
        children.push(lang_set(collection, translations, options));
    }

    EntityRecord {
        kind: EntityKind::Collection,
        id,
        main: Some(MainRow {
            table: "T_WC_TMDB_COLLECTION",
            pk: "ID_COLLECTION",
            id,
            cells,
            completed,
            stamps_only: false,
        }),
        children,
    }
}

/// `T_WC_TMDB_COLLECTION_LANG`, one row per configured language, from the `translations` and
/// `images` appends (the Python crawler made a second request with `language=fr`). The table
/// has neither primary key nor `ID_ROW`: rows are found by (`ID_COLLECTION`, `LANG`).
fn lang_set(
    collection: &Collection,
    translations: &Translations,
    options: &MappingOptions,
) -> ChildSet {
    let id = id32(collection.id);
    let posters = collection
        .images
        .as_ref()
        .map(|i| i.posters.as_slice())
        .unwrap_or(&[]);
    let rows = options
        .languages
        .iter()
        .map(|lang| {
            let data = translation_for(translations, lang);
            let mut cells = vec![("ID_COLLECTION", int(id)), ("LANG", text(lang))];
            // Collection translations carry `title`; `name` is a fallback. An empty one is
            // omitted: the stored name is kept.
            if let Some(name) =
                data.and_then(|d| non_empty(d.title.as_ref()).or(non_empty(d.name.as_ref())))
            {
                cells.push(("NAME", text(name)));
            }
            cells.push((
                "OVERVIEW",
                text(data.and_then(|d| d.overview.as_deref()).unwrap_or("")),
            ));
            cells.push((
                "POSTER_PATH",
                opt_text(image_in(posters, lang).or(collection.poster_path.as_deref())),
            ));
            cells.push((
                "BACKDROP_PATH",
                opt_text(collection.backdrop_path.as_deref()),
            ));
            cells
        })
        .collect();
    ChildSet {
        table: "T_WC_TMDB_COLLECTION_LANG",
        row_id: None,
        parent: ("ID_COLLECTION", id),
        key: &["LANG"],
        global_key: false,
        rows,
        stale: Stale::Keep,
        dat_creat_is_last_write: false,
        written_at: None,
    }
    .dedup()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::records::{Cells, RawJson};
    use crate::tmdb::payload::parse;

    fn sample<T: serde::de::DeserializeOwned>(name: &str) -> T {
        let path = format!(
            "{}/tests/fixtures/tmdb-samples/collection/{name}",
            env!("CARGO_MANIFEST_DIR")
        );
        let bytes = std::fs::read(&path).expect("sample readable");
        parse(&bytes).expect("sample parses")
    }

    fn find<'a>(cells: &'a Cells, name: &str) -> Option<&'a sea_orm::Value> {
        cells.iter().find(|(c, _)| *c == name).map(|(_, v)| v)
    }

    fn cell<'a>(cells: &'a Cells, name: &str) -> &'a sea_orm::Value {
        find(cells, name).unwrap_or_else(|| panic!("no {name}"))
    }

    fn child<'a>(rec: &'a EntityRecord, table: &str) -> Option<&'a ChildSet> {
        rec.children.iter().find(|c| c.table == table)
    }

    fn languages(langs: &[&str]) -> MappingOptions {
        MappingOptions {
            languages: langs.iter().map(|l| (*l).to_owned()).collect(),
            raw_json: None,
        }
    }

    #[test]
    fn details_without_appends_map_the_main_row_and_stamp_only_credits() {
        let collection: Collection = sample("ceg-10-details.json");
        let rec = record(&collection, &MappingOptions::default());
        assert_eq!(rec.kind, EntityKind::Collection);
        let main = rec.main.as_ref().expect("main row");
        assert_eq!(
            (main.table, main.pk, main.id),
            ("T_WC_TMDB_COLLECTION", "ID_COLLECTION", 10)
        );
        assert_eq!(cell(&main.cells, "NAME"), &text("Star Wars Collection"));
        assert_eq!(
            cell(&main.cells, "POSTER_PATH"),
            &text("/r8Ph5MYXL04Qzu4QBbq2KjqwtkQ.jpg")
        );
        assert_eq!(
            cell(&main.cells, "BACKDROP_PATH"),
            &text("/d8duYyyC9J5T825Hg7grmaabfxQ.jpg")
        );
        assert!(find(&main.cells, "API_RESULT").is_none());
        assert_eq!(main.completed, vec![Completed::Credits]);
        assert!(rec.children.is_empty(), "{:?}", rec.children);
    }

    #[test]
    fn empty_name_is_omitted_and_null_paths_are_written_as_null() {
        let mut collection: Collection = sample("ceg-10-details.json");
        collection.name = Some(String::new());
        collection.poster_path = None;
        let rec = record(&collection, &MappingOptions::default());
        let main = rec.main.as_ref().expect("main row");
        assert!(find(&main.cells, "NAME").is_none());
        assert_eq!(
            cell(&main.cells, "POSTER_PATH"),
            &sea_orm::Value::String(None)
        );
    }

    #[test]
    fn raw_json_is_written_with_crawler_version_1() {
        let collection: Collection = sample("ceg-10-details.json");
        let options = MappingOptions {
            raw_json: Some(RawJson {
                url: "3/collection/10?append_to_response=images,translations".into(),
                body: "{}".into(),
            }),
            ..MappingOptions::default()
        };
        let rec = record(&collection, &options);
        let main = rec.main.as_ref().expect("main row");
        assert_eq!(cell(&main.cells, "CRAWLER_VERSION"), &int(1));
        assert_eq!(cell(&main.cells, "API_RESULT"), &text("{}"));
    }

    #[test]
    fn appends_give_images_and_a_lang_row_per_configured_language() {
        let collection: Collection = sample("php-10-details-append.json");
        let rec = record(&collection, &languages(&["fr", "de"]));
        let main = rec.main.as_ref().expect("main row");
        assert_eq!(main.completed, vec![Completed::Credits, Completed::Images]);

        let images = child(&rec, "T_WC_TMDB_COLLECTION_IMAGE").expect("images");
        assert_eq!(images.parent, ("ID_COLLECTION", 10));
        assert_eq!(images.stale, Stale::Delete);
        assert_eq!(images.rows.len(), 26 + 97);
        assert_eq!(images.rows[0][1].1, text("backdrop"));
        assert_eq!(images.rows[26][1].1, text("poster"));
        assert_eq!(images.rows[26][3].1, int(1));

        let lang = child(&rec, "T_WC_TMDB_COLLECTION_LANG").expect("lang rows");
        assert_eq!(lang.row_id, None);
        assert_eq!(lang.key, &["LANG"]);
        assert_eq!(lang.stale, Stale::Keep);
        assert_eq!(lang.rows.len(), 2);
        let fr = &lang.rows[0];
        assert_eq!(cell(fr, "LANG"), &text("fr"));
        // fr-FR is preferred over fr-CA ("Collection Star Wars").
        assert_eq!(cell(fr, "NAME"), &text("Star Wars - Saga"));
        assert!(
            matches!(cell(fr, "OVERVIEW"), sea_orm::Value::String(Some(s)) if s.starts_with("Luke Skywalker, la Princesse Leia"))
        );
        // The best French poster, not the main one.
        assert_eq!(
            cell(fr, "POSTER_PATH"),
            &text("/6mHkagjziBPth2Mx0VpEercocm4.jpg")
        );
        assert_eq!(
            cell(fr, "BACKDROP_PATH"),
            &text("/d8duYyyC9J5T825Hg7grmaabfxQ.jpg")
        );
        let de = &lang.rows[1];
        assert_eq!(cell(de, "NAME"), &text("Star Wars Filmreihe"));
        assert_eq!(
            cell(de, "POSTER_PATH"),
            &text("/fv8llFOMoOGigxRZbACkBpSe9D5.jpg")
        );
    }

    #[test]
    fn lang_row_from_a_translations_body_falls_back_to_the_main_poster() {
        let mut collection: Collection = sample("ceg-10-details.json");
        collection.translations = Some(sample::<Translations>("ceg-10-translations.json"));
        let rec = record(&collection, &languages(&["fr", "en", "zz"]));
        let lang = child(&rec, "T_WC_TMDB_COLLECTION_LANG").expect("lang rows");
        assert_eq!(lang.parent, ("ID_COLLECTION", 10));
        let [fr, en, zz] = lang.rows.as_slice() else {
            panic!("three rows expected: {:?}", lang.rows);
        };
        assert_eq!(cell(fr, "ID_COLLECTION"), &int(10));
        assert_eq!(cell(fr, "NAME"), &text("Star Wars - Saga"));
        // No images append: the main poster.
        assert_eq!(
            cell(fr, "POSTER_PATH"),
            &text("/r8Ph5MYXL04Qzu4QBbq2KjqwtkQ.jpg")
        );
        // en-US has an empty title: omitted; its overview is still written.
        assert!(find(en, "NAME").is_none());
        assert!(
            matches!(cell(en, "OVERVIEW"), sea_orm::Value::String(Some(s)) if s.starts_with("An epic space-opera"))
        );
        // No translation at all: no name, empty overview.
        assert!(find(zz, "NAME").is_none());
        assert_eq!(cell(zz, "OVERVIEW"), &text(""));
        // No images append: no image set, no images stamp.
        assert!(child(&rec, "T_WC_TMDB_COLLECTION_IMAGE").is_none());
        assert_eq!(
            rec.main.as_ref().map(|m| m.completed.clone()),
            Some(vec![Completed::Credits])
        );
    }

    #[test]
    fn translation_name_is_the_fallback_for_title() {
        let mut collection: Collection = sample("ceg-10-details.json");
        let mut translations: Translations = sample("ceg-10-translations.json");
        for t in &mut translations.translations {
            if let Some(d) = t.data.as_mut() {
                d.name = d.title.take();
            }
        }
        collection.translations = Some(translations);
        let rec = record(&collection, &MappingOptions::default());
        let lang = child(&rec, "T_WC_TMDB_COLLECTION_LANG").expect("lang rows");
        assert_eq!(cell(&lang.rows[0], "NAME"), &text("Star Wars - Saga"));
    }
}
