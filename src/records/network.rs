//! A TV network (`/network/{id}` with its appends) → `T_WC_TMDB_NETWORK` and
//! `T_WC_TMDB_NETWORK_IMAGE` (schema-and-mapping.md §3.9, §3.10).

use super::{
    Cells, Completed, EntityKind, EntityRecord, MainRow, MappingOptions, id32, image_set, opt_text,
};
use crate::tmdb::payload::Network;

/// Sub-resources of the one request per network.
pub const APPENDS: &[&str] = &["images"];

/// `headquarters` is not stored, and `ID_PARENT` is never written (the Python crawler computed
/// it but left it out of the row).
pub fn record(network: &Network, options: &MappingOptions) -> EntityRecord {
    let id = id32(network.id);
    let mut cells = Vec::new();
    unless_empty(&mut cells, "NAME", network.name.as_ref());
    unless_empty(&mut cells, "LOGO_PATH", network.logo_path.as_ref());
    unless_empty(&mut cells, "HOMEPAGE_URL", network.homepage.as_ref());
    unless_empty(
        &mut cells,
        "ORIGIN_COUNTRY",
        network.origin_country.as_ref(),
    );
    options.push_raw(&mut cells, 1);

    // For a network `TIM_CREDITS_COMPLETED` means "last refreshed".
    let mut completed = vec![Completed::Credits];
    let mut children = Vec::new();
    if let Some(images) = &network.images {
        children.push(image_set(
            "T_WC_TMDB_NETWORK_IMAGE",
            ("ID_NETWORK", id),
            &[("logo", &images.logos)],
        ));
        completed.push(Completed::Images);
    }

    EntityRecord {
        kind: EntityKind::Network,
        id,
        main: Some(MainRow {
            table: "T_WC_TMDB_NETWORK",
            pk: "ID_NETWORK",
            id,
            cells,
            completed,
            stamps_only: false,
        }),
        children,
    }
}

/// The Python crawler's `!= ""` test: `""` omits the cell (the stored value is kept), `null`
/// writes NULL, anything else is written as sent.
fn unless_empty(cells: &mut Cells, column: &'static str, value: Option<&String>) {
    if value.is_none_or(|v| !v.is_empty()) {
        cells.push((column, opt_text(value.map(String::as_str))));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::records::{RawJson, Stale, int, text};
    use crate::tmdb::payload::{Images, parse};

    fn sample<T: serde::de::DeserializeOwned>(name: &str) -> T {
        let path = format!(
            "{}/tests/fixtures/tmdb-samples/network/{name}",
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

    #[test]
    fn hbo_maps_owned_columns_only() {
        let rec = record(
            &sample::<Network>("ceg-49-details.json"),
            &MappingOptions::default(),
        );
        assert_eq!(rec.kind, EntityKind::Network);
        let main = rec.main.as_ref().expect("main row");
        assert_eq!(
            (main.table, main.pk, main.id),
            ("T_WC_TMDB_NETWORK", "ID_NETWORK", 49)
        );
        let columns: Vec<&str> = main.cells.iter().map(|(c, _)| *c).collect();
        assert_eq!(
            columns,
            ["NAME", "LOGO_PATH", "HOMEPAGE_URL", "ORIGIN_COUNTRY"]
        );
        assert_eq!(cell(&main.cells, "NAME"), &text("HBO"));
        assert_eq!(
            cell(&main.cells, "HOMEPAGE_URL"),
            &text("https://www.hbo.com")
        );
        assert_eq!(cell(&main.cells, "ORIGIN_COUNTRY"), &text("US"));
        assert_eq!(main.completed, vec![Completed::Credits]);
        assert!(rec.children.is_empty());
    }

    #[test]
    fn netflix_empty_origin_country_is_omitted() {
        let rec = record(
            &sample::<Network>("anivault-213-details.json"),
            &MappingOptions::default(),
        );
        let main = rec.main.as_ref().expect("main row");
        assert!(find(&main.cells, "ORIGIN_COUNTRY").is_none());
        assert_eq!(cell(&main.cells, "NAME"), &text("Netflix"));
    }

    #[test]
    fn null_origin_country_is_written_as_null_and_empty_name_omitted() {
        let mut network: Network = sample("ceg-49-details.json");
        network.origin_country = None;
        network.name = Some(String::new());
        let rec = record(&network, &MappingOptions::default());
        let main = rec.main.as_ref().expect("main row");
        assert_eq!(
            cell(&main.cells, "ORIGIN_COUNTRY"),
            &sea_orm::Value::String(None)
        );
        assert!(find(&main.cells, "NAME").is_none());
    }

    #[test]
    fn logos_and_raw_json() {
        let mut network: Network = sample("ceg-49-details.json");
        network.images = Some(sample::<Images>("ceg-49-images.json"));
        let options = MappingOptions {
            raw_json: Some(RawJson {
                url: "3/network/49?append_to_response=images".into(),
                body: "{}".into(),
            }),
            ..MappingOptions::default()
        };
        let rec = record(&network, &options);
        let main = rec.main.as_ref().expect("main row");
        assert_eq!(cell(&main.cells, "CRAWLER_VERSION"), &int(1));
        assert!(find(&main.cells, "ID_PARENT").is_none());
        assert_eq!(main.completed, vec![Completed::Credits, Completed::Images]);
        let [set] = rec.children.as_slice() else {
            panic!("one child set expected");
        };
        assert_eq!(set.table, "T_WC_TMDB_NETWORK_IMAGE");
        assert_eq!(set.parent, ("ID_NETWORK", 49));
        assert_eq!(set.stale, Stale::Delete);
        assert_eq!(set.rows.len(), 2);
        assert_eq!(cell(&set.rows[0], "TYPE_IMAGE"), &text("logo"));
        assert_eq!(
            cell(&set.rows[0], "IMAGE_PATH"),
            &text("/tuomPhY2UtuPTqqFnKMVHvSb724.png")
        );
        assert_eq!(cell(&set.rows[1], "WIDTH"), &int(1200));
    }
}
