//! A production company (`/company/{id}` with its appends) → `T_WC_TMDB_COMPANY` and
//! `T_WC_TMDB_COMPANY_IMAGE` (schema-and-mapping.md §3.9, §3.10).

use super::{
    Cells, Completed, EntityKind, EntityRecord, MainRow, MappingOptions, id32, image_set, int,
    opt_text,
};
use crate::tmdb::payload::Company;

/// Sub-resources of the one request per company.
pub const APPENDS: &[&str] = &["images"];

pub fn record(company: &Company, options: &MappingOptions) -> EntityRecord {
    let id = id32(company.id);
    let mut cells = Vec::new();
    unless_empty(&mut cells, "NAME", company.name.as_ref());
    unless_empty(&mut cells, "DESCRIPTION", company.description.as_ref());
    unless_empty(&mut cells, "LOGO_PATH", company.logo_path.as_ref());
    unless_empty(&mut cells, "HOMEPAGE_URL", company.homepage.as_ref());
    unless_empty(&mut cells, "HEADQUARTERS", company.headquarters.as_ref());
    unless_empty(
        &mut cells,
        "ORIGIN_COUNTRY",
        company.origin_country.as_ref(),
    );
    cells.push((
        "ID_PARENT",
        int(company
            .parent_company
            .as_ref()
            .map_or(0, |p| i64::from(id32(p.id)))),
    ));
    options.push_raw(&mut cells, 1);

    // For a company `TIM_CREDITS_COMPLETED` means "last refreshed".
    let mut completed = vec![Completed::Credits];
    let mut children = Vec::new();
    if let Some(images) = &company.images {
        children.push(image_set(
            "T_WC_TMDB_COMPANY_IMAGE",
            ("ID_COMPANY", id),
            &[("logo", &images.logos)],
        ));
        completed.push(Completed::Images);
    }

    EntityRecord {
        kind: EntityKind::Company,
        id,
        main: Some(MainRow {
            table: "T_WC_TMDB_COMPANY",
            pk: "ID_COMPANY",
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
    use crate::records::{Stale, text};
    use crate::tmdb::payload::parse;

    fn sample(name: &str) -> Company {
        let path = format!(
            "{}/tests/fixtures/tmdb-samples/company/{name}",
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

    fn main_cells(rec: &EntityRecord) -> &Cells {
        &rec.main.as_ref().expect("main row").cells
    }

    #[test]
    fn lucasfilm_maps_the_main_row_and_omits_the_empty_description() {
        let rec = record(
            &sample("jdrouet-1-details.json"),
            &MappingOptions::default(),
        );
        assert_eq!(rec.kind, EntityKind::Company);
        let main = rec.main.as_ref().expect("main row");
        assert_eq!(
            (main.table, main.pk, main.id),
            ("T_WC_TMDB_COMPANY", "ID_COMPANY", 1)
        );
        assert_eq!(cell(&main.cells, "NAME"), &text("Lucasfilm Ltd."));
        assert_eq!(
            cell(&main.cells, "HEADQUARTERS"),
            &text("San Francisco, California")
        );
        assert_eq!(
            cell(&main.cells, "HOMEPAGE_URL"),
            &text("https://www.lucasfilm.com")
        );
        assert_eq!(
            cell(&main.cells, "LOGO_PATH"),
            &text("/tlVSws0RvvtPBwViUyOFAO0vcQS.png")
        );
        assert_eq!(cell(&main.cells, "ORIGIN_COUNTRY"), &text("US"));
        // "description": "" keeps the stored description.
        assert!(find(&main.cells, "DESCRIPTION").is_none());
        // "parent_company": null → 0.
        assert_eq!(cell(&main.cells, "ID_PARENT"), &int(0));
        assert_eq!(main.completed, vec![Completed::Credits]);
        assert!(rec.children.is_empty());
    }

    #[test]
    fn parent_company_id_is_written() {
        let rec = record(
            &sample("ahmetabdi-2013-5-details.json"),
            &MappingOptions::default(),
        );
        assert_eq!(cell(main_cells(&rec), "ID_PARENT"), &int(5752));
        assert_eq!(cell(main_cells(&rec), "NAME"), &text("Columbia Pictures"));
    }

    #[test]
    fn null_values_are_written_as_null() {
        // "description": null
        let rec = record(&sample("php-1-details.json"), &MappingOptions::default());
        assert_eq!(
            cell(main_cells(&rec), "DESCRIPTION"),
            &sea_orm::Value::String(None)
        );
        // "logo_path": null
        let rec = record(
            &sample("moviebase-145174-details.json"),
            &MappingOptions::default(),
        );
        assert_eq!(
            cell(main_cells(&rec), "LOGO_PATH"),
            &sea_orm::Value::String(None)
        );
        // "origin_country": null
        let mut company = sample("jdrouet-1-details.json");
        company.origin_country = None;
        let rec = record(&company, &MappingOptions::default());
        assert_eq!(
            cell(main_cells(&rec), "ORIGIN_COUNTRY"),
            &sea_orm::Value::String(None)
        );
    }

    #[test]
    fn empty_name_and_origin_country_are_omitted() {
        let mut company = sample("jdrouet-1-details.json");
        company.name = Some(String::new());
        company.origin_country = Some(String::new());
        let rec = record(&company, &MappingOptions::default());
        assert!(find(main_cells(&rec), "NAME").is_none());
        assert!(find(main_cells(&rec), "ORIGIN_COUNTRY").is_none());
        assert!(find(main_cells(&rec), "HEADQUARTERS").is_some());
    }

    #[test]
    fn logos_fill_the_image_set_and_stamp_images() {
        let mut company = sample("jdrouet-1-details.json");
        let images: crate::tmdb::payload::Images = {
            let path = format!(
                "{}/tests/fixtures/tmdb-samples/company/jdrouet-1-images.json",
                env!("CARGO_MANIFEST_DIR")
            );
            parse(&std::fs::read(path).expect("readable")).expect("parses")
        };
        company.images = Some(images);
        let rec = record(&company, &MappingOptions::default());
        assert_eq!(
            rec.main.as_ref().map(|m| m.completed.clone()),
            Some(vec![Completed::Credits, Completed::Images])
        );
        let [set] = rec.children.as_slice() else {
            panic!("one child set expected");
        };
        assert_eq!(set.table, "T_WC_TMDB_COMPANY_IMAGE");
        assert_eq!(set.parent, ("ID_COMPANY", 1));
        assert_eq!(set.stale, Stale::Delete);
        assert_eq!(set.rows.len(), 2);
        assert_eq!(cell(&set.rows[1], "TYPE_IMAGE"), &text("logo"));
        assert_eq!(
            cell(&set.rows[1], "IMAGE_PATH"),
            &text("/o86DbpburjxrqAzEDhXZcyE8pDb.png")
        );
        assert_eq!(cell(&set.rows[1], "DISPLAY_ORDER"), &int(2));
    }
}
