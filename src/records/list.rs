//! A user list (`/list/{id}?page=n`, every page) → `T_WC_TMDB_LIST`, `T_WC_TMDB_MOVIE_LIST`
//! and `T_WC_TMDB_SERIE_LIST` (schema-and-mapping.md §3.9, §4.5).

use super::{
    Cells, ChildSet, Completed, EntityKind, EntityRecord, MainRow, MappingOptions, Stale, id32,
    int, non_empty, opt_text, text,
};
use crate::tmdb::payload::{List, MediaSummary};

/// `/list/{id}` takes no appends: its items are paged instead.
pub const APPENDS: &[&str] = &[];

/// `id` is the `T_WC_TMDB_LIST` id the list was fetched by; `pages` are the pages in order
/// (page 1 first). The main row comes from page 1 (and the raw JSON, when configured, is page
/// 1's); the items of every page go to the link tables, `DISPLAY_ORDER` being one running
/// 1-based counter across movies and series and across pages, as the Python crawler counted.
/// Without any page there is nothing to write.
pub fn record(id: u64, pages: &[List], options: &MappingOptions) -> EntityRecord {
    let id = id32(id);
    let Some(first) = pages.first() else {
        return EntityRecord {
            kind: EntityKind::List,
            id,
            main: None,
            children: Vec::new(),
        };
    };
    let mut cells = vec![("DESCRIPTION", opt_text(first.description.as_deref()))];
    // Empty values are omitted: the stored ones are kept (a list's poster never goes back to
    // empty, as the 2026 Python crawler learned).
    if let Some(poster) = non_empty(first.poster_path.as_ref()) {
        cells.push(("POSTER_PATH", text(poster)));
    }
    if let Some(name) = non_empty(first.name.as_ref()) {
        cells.push(("NAME", text(name)));
    }
    if let Some(created_by) = non_empty(first.created_by.as_ref()) {
        cells.push(("CREATED_BY", text(created_by)));
    }
    options.push_raw(&mut cells, 1);

    let parent = ("ID_LIST", id);
    let mut movies: Vec<Cells> = Vec::new();
    let mut series: Vec<Cells> = Vec::new();
    for (position, item) in pages.iter().flat_map(|p| &p.items).enumerate() {
        let order = int(position as i64 + 1);
        if is_movie(item) {
            movies.push(vec![
                (parent.0, int(id)),
                ("ID_MOVIE", int(id32(item.id))),
                ("DISPLAY_ORDER", order),
            ]);
        } else {
            series.push(vec![
                (parent.0, int(id)),
                ("ID_SERIE", int(id32(item.id))),
                ("DISPLAY_ORDER", order),
            ]);
        }
    }

    EntityRecord {
        kind: EntityKind::List,
        id,
        main: Some(MainRow {
            table: "T_WC_TMDB_LIST",
            pk: "ID_LIST",
            id,
            cells,
            // For a list `TIM_CREDITS_COMPLETED` means "last refreshed".
            completed: vec![Completed::Credits],
            stamps_only: false,
        }),
        children: vec![
            items_set(
                "T_WC_TMDB_MOVIE_LIST",
                "ID_TMDB_MOVIE_LIST",
                parent,
                &["ID_MOVIE"],
                movies,
            ),
            items_set(
                "T_WC_TMDB_SERIE_LIST",
                "ID_TMDB_SERIE_LIST",
                parent,
                &["ID_SERIE"],
                series,
            ),
        ],
    }
}

/// `media_type == "movie"` is a movie, any other `media_type` a series (the Python crawler's
/// rule). Old list bodies have no `media_type`: the item's keys tell (`title` → movie).
fn is_movie(item: &MediaSummary) -> bool {
    match item.media_type.as_deref() {
        Some(kind) => kind == "movie",
        None => !item.is_tv(),
    }
}

/// One kind of list item; an empty set deletes nothing (the list is then "unknown").
fn items_set(
    table: &'static str,
    row_id: &'static str,
    parent: (&'static str, i32),
    key: &'static [&'static str],
    rows: Vec<Cells>,
) -> ChildSet {
    ChildSet {
        table,
        row_id: Some(row_id),
        parent,
        key,
        global_key: false,
        rows,
        stale: Stale::DeleteIfAnyReturned,
        dat_creat_is_last_write: false,
        written_at: None,
    }
    .dedup()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::records::RawJson;
    use crate::tmdb::payload::parse;

    fn sample(name: &str) -> List {
        let path = format!(
            "{}/tests/fixtures/tmdb-samples/list/{name}",
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

    fn child<'a>(rec: &'a EntityRecord, table: &str) -> &'a ChildSet {
        rec.children
            .iter()
            .find(|c| c.table == table)
            .unwrap_or_else(|| panic!("no {table}"))
    }

    /// (item id, DISPLAY_ORDER) of each row.
    fn orders(set: &ChildSet, column: &str) -> Vec<(sea_orm::Value, sea_orm::Value)> {
        set.rows
            .iter()
            .map(|r| (cell(r, column).clone(), cell(r, "DISPLAY_ORDER").clone()))
            .collect()
    }

    #[test]
    fn page_one_gives_the_main_row_and_numbered_movies() {
        let page = sample("ceg-1-details.json");
        let rec = record(1, std::slice::from_ref(&page), &MappingOptions::default());
        assert_eq!(rec.kind, EntityKind::List);
        let main = rec.main.as_ref().expect("main row");
        assert_eq!(
            (main.table, main.pk, main.id),
            ("T_WC_TMDB_LIST", "ID_LIST", 1)
        );
        assert_eq!(cell(&main.cells, "NAME"), &text("The Marvel Universe"));
        assert_eq!(cell(&main.cells, "CREATED_BY"), &text("travisbell"));
        assert_eq!(
            cell(&main.cells, "POSTER_PATH"),
            &text("/coJVIUEOToAEGViuhclM7pXC75R.jpg")
        );
        assert!(
            matches!(cell(&main.cells, "DESCRIPTION"), sea_orm::Value::String(Some(s)) if s.starts_with("The idea behind this list"))
        );
        assert_eq!(main.completed, vec![Completed::Credits]);

        let movies = child(&rec, "T_WC_TMDB_MOVIE_LIST");
        assert_eq!(movies.row_id, Some("ID_TMDB_MOVIE_LIST"));
        assert_eq!(movies.parent, ("ID_LIST", 1));
        assert_eq!(movies.key, &["ID_MOVIE"]);
        assert_eq!(movies.stale, Stale::DeleteIfAnyReturned);
        assert_eq!(movies.rows.len(), 59);
        assert_eq!(
            movies.rows[0],
            vec![
                ("ID_LIST", int(1)),
                ("ID_MOVIE", int(634649)),
                ("DISPLAY_ORDER", int(1))
            ]
        );
        assert_eq!(cell(&movies.rows[58], "ID_MOVIE"), &int(10658));
        assert_eq!(cell(&movies.rows[58], "DISPLAY_ORDER"), &int(59));
        let series = child(&rec, "T_WC_TMDB_SERIE_LIST");
        assert!(series.rows.is_empty());
        assert_eq!(series.stale, Stale::DeleteIfAnyReturned);
    }

    #[test]
    fn display_order_runs_across_kinds_and_pages() {
        let mut page1 = sample("ceg-1-details.json");
        page1.items.truncate(3);
        page1.items[1].media_type = Some("tv".into());
        page1.items[1].id = 1399;
        let mut page2 = page1.clone();
        page2.name = Some("ignored: not page 1".into());
        page2.items = vec![page1.items[0].clone(), page1.items[1].clone()];
        page2.items[0].id = 550;
        page2.items[1].id = 1396;

        let rec = record(1, &[page1, page2], &MappingOptions::default());
        assert_eq!(
            cell(&rec.main.as_ref().expect("main").cells, "NAME"),
            &text("The Marvel Universe")
        );
        assert_eq!(
            orders(child(&rec, "T_WC_TMDB_MOVIE_LIST"), "ID_MOVIE"),
            vec![
                (int(634649), int(1)),
                (int(566525), int(3)),
                (int(550), int(4)),
            ]
        );
        assert_eq!(
            orders(child(&rec, "T_WC_TMDB_SERIE_LIST"), "ID_SERIE"),
            vec![(int(1399), int(2)), (int(1396), int(5))]
        );
        let series = child(&rec, "T_WC_TMDB_SERIE_LIST");
        assert_eq!(series.row_id, Some("ID_TMDB_SERIE_LIST"));
        assert_eq!(series.key, &["ID_SERIE"]);
        assert_eq!(series.parent, ("ID_LIST", 1));
    }

    #[test]
    fn a_repeated_item_keeps_its_last_position() {
        let mut page1 = sample("ceg-1-details.json");
        page1.items.truncate(2);
        let mut page2 = page1.clone();
        page2.items.truncate(1);
        let rec = record(1, &[page1, page2], &MappingOptions::default());
        assert_eq!(
            orders(child(&rec, "T_WC_TMDB_MOVIE_LIST"), "ID_MOVIE"),
            vec![(int(524434), int(2)), (int(634649), int(3))]
        );
    }

    #[test]
    fn items_without_media_type_are_told_apart_by_their_keys() {
        let mut page = sample("php-509ec17b-details.json");
        let mut show = page.items[0].clone();
        show.title = None;
        show.original_title = None;
        show.name = Some("Breaking Bad".into());
        show.id = 1396;
        page.items.push(show);
        let rec = record(42, &[page], &MappingOptions::default());
        let movies = child(&rec, "T_WC_TMDB_MOVIE_LIST");
        assert_eq!(movies.rows.len(), 85);
        assert_eq!(movies.parent, ("ID_LIST", 42));
        assert_eq!(cell(&movies.rows[0], "ID_MOVIE"), &int(68734));
        assert_eq!(
            orders(child(&rec, "T_WC_TMDB_SERIE_LIST"), "ID_SERIE"),
            vec![(int(1396), int(86))]
        );
    }

    #[test]
    fn empty_name_creator_and_poster_are_omitted_and_raw_json_is_version_1() {
        let mut page = sample("openapi-1-details.json");
        page.name = Some(String::new());
        page.created_by = Some(String::new());
        page.poster_path = None;
        let options = MappingOptions {
            raw_json: Some(RawJson {
                url: "3/list/1?page=1".into(),
                body: "{}".into(),
            }),
            ..MappingOptions::default()
        };
        let rec = record(1, &[page], &options);
        let main = rec.main.as_ref().expect("main row");
        assert!(find(&main.cells, "NAME").is_none());
        assert!(find(&main.cells, "CREATED_BY").is_none());
        assert!(find(&main.cells, "POSTER_PATH").is_none());
        assert_eq!(cell(&main.cells, "API_URL"), &text("3/list/1?page=1"));
        assert_eq!(cell(&main.cells, "CRAWLER_VERSION"), &int(1));
    }

    #[test]
    fn no_page_writes_nothing() {
        let rec = record(7, &[], &MappingOptions::default());
        assert_eq!(rec.id, 7);
        assert!(rec.main.is_none());
        assert!(rec.children.is_empty());
    }
}
