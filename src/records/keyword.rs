//! A keyword (`/keyword/{id}`) → `T_WC_TMDB_KEYWORD_ID_IMPORT_LANG`.
//!
//! The keyword dictionary itself (`T_WC_TMDB_KEYWORD_ID_IMPORT`) is the daily export, so the
//! record has no main row. TMDb keywords are not translated: like the Python crawler's process
//! 12, which copied the English name under `LANG = 'fr'`, every configured language gets the
//! English name. That table's columns `id` and `name` are lower-case.

use super::{ChildSet, EntityKind, EntityRecord, MappingOptions, Stale, id32, int, text};
use crate::tmdb::payload::Keyword;

/// `/keyword/{id}` takes no appends.
pub const APPENDS: &[&str] = &[];

pub fn record(keyword: &Keyword, options: &MappingOptions) -> EntityRecord {
    let id = id32(keyword.id);
    let rows = options
        .languages
        .iter()
        .map(|lang| {
            let mut cells = vec![("id", int(id)), ("LANG", text(lang))];
            // A null name (process 12 would have crashed on it) leaves the stored one alone.
            if let Some(name) = &keyword.name {
                cells.push(("name", text(name)));
            }
            cells
        })
        .collect();
    EntityRecord {
        kind: EntityKind::Keyword,
        id,
        main: None,
        children: vec![
            ChildSet {
                table: "T_WC_TMDB_KEYWORD_ID_IMPORT_LANG",
                row_id: Some("ID_ROW"),
                parent: ("id", id),
                key: &["LANG"],
                global_key: false,
                rows,
                stale: Stale::Keep,
                dat_creat_is_last_write: false,
                written_at: None,
            }
            .dedup(),
        ],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tmdb::payload::parse;

    fn sample(name: &str) -> Keyword {
        let path = format!(
            "{}/tests/fixtures/tmdb-samples/keyword/{name}",
            env!("CARGO_MANIFEST_DIR")
        );
        let bytes = std::fs::read(&path).expect("sample readable");
        parse(&bytes).expect("sample parses")
    }

    #[test]
    fn the_english_name_is_copied_for_every_configured_language() {
        let options = MappingOptions {
            languages: vec!["fr".into(), "de".into(), "fr".into()],
            raw_json: None,
        };
        let rec = record(&sample("ceg-1701-details.json"), &options);
        assert_eq!(rec.kind, EntityKind::Keyword);
        assert_eq!(rec.id, 1701);
        assert!(rec.main.is_none());
        let [set] = rec.children.as_slice() else {
            panic!("one child set expected");
        };
        assert_eq!(set.table, "T_WC_TMDB_KEYWORD_ID_IMPORT_LANG");
        assert_eq!(set.row_id, Some("ID_ROW"));
        assert_eq!(set.parent, ("id", 1701));
        assert_eq!(set.key, &["LANG"]);
        assert_eq!(set.stale, Stale::Keep);
        assert_eq!(
            set.rows,
            vec![
                vec![
                    ("id", int(1701)),
                    ("LANG", text("de")),
                    ("name", text("hero"))
                ],
                vec![
                    ("id", int(1701)),
                    ("LANG", text("fr")),
                    ("name", text("hero"))
                ],
            ]
        );
    }

    #[test]
    fn default_options_give_one_french_row() {
        let rec = record(
            &sample("ahmetabdi-2017-818-details.json"),
            &MappingOptions::default(),
        );
        assert_eq!(
            rec.children[0].rows,
            vec![vec![
                ("id", int(818)),
                ("LANG", text("fr")),
                ("name", text("based on novel"))
            ]]
        );
    }

    #[test]
    fn a_null_name_is_not_written() {
        let mut keyword = sample("php-1721-details.json");
        keyword.name = None;
        let rec = record(&keyword, &MappingOptions::default());
        assert_eq!(
            rec.children[0].rows,
            vec![vec![("id", int(1721)), ("LANG", text("fr"))]]
        );
    }
}
