//! The sea-orm entities against the schema the Migrator builds, on every backend: each entity
//! names its table and columns exactly, selects decode, and typed values round-trip.

mod support;

use chrono::{NaiveDate, NaiveDateTime};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, IdenStatic, Iterable, QueryFilter, Set, SqlErr,
};
use support::crawler_ok;
use support::db::{Backend, TestDb};

/// Calls `$then!` with every entity module of the crate.
macro_rules! with_entity_modules {
    ($then:ident) => {
        $then!(
            t_wc_server_variable,
            t_wc_tmdb_collection,
            t_wc_tmdb_collection_id_import,
            t_wc_tmdb_collection_image,
            t_wc_tmdb_collection_lang,
            t_wc_tmdb_company,
            t_wc_tmdb_company_image,
            t_wc_tmdb_id_not_found,
            t_wc_tmdb_keyword,
            t_wc_tmdb_keyword_id_import,
            t_wc_tmdb_keyword_id_import_lang,
            t_wc_tmdb_list,
            t_wc_tmdb_movie,
            t_wc_tmdb_movie_company,
            t_wc_tmdb_movie_genre,
            t_wc_tmdb_movie_id_import,
            t_wc_tmdb_movie_image,
            t_wc_tmdb_movie_keyword,
            t_wc_tmdb_movie_lang,
            t_wc_tmdb_movie_lemme,
            t_wc_tmdb_movie_list,
            t_wc_tmdb_movie_production_country,
            t_wc_tmdb_movie_recommendation,
            t_wc_tmdb_movie_release_date,
            t_wc_tmdb_movie_similar,
            t_wc_tmdb_movie_spoken_language,
            t_wc_tmdb_movie_title,
            t_wc_tmdb_movie_video,
            t_wc_tmdb_movie_watch_provider,
            t_wc_tmdb_network,
            t_wc_tmdb_network_image,
            t_wc_tmdb_person,
            t_wc_tmdb_person_id_import,
            t_wc_tmdb_person_image,
            t_wc_tmdb_person_movie,
            t_wc_tmdb_person_serie,
            t_wc_tmdb_production_company_id_import,
            t_wc_tmdb_serie,
            t_wc_tmdb_serie_company,
            t_wc_tmdb_serie_genre,
            t_wc_tmdb_serie_image,
            t_wc_tmdb_serie_keyword,
            t_wc_tmdb_serie_lang,
            t_wc_tmdb_serie_list,
            t_wc_tmdb_serie_network,
            t_wc_tmdb_serie_production_country,
            t_wc_tmdb_serie_recommendation,
            t_wc_tmdb_serie_similar,
            t_wc_tmdb_serie_spoken_language,
            t_wc_tmdb_serie_video,
            t_wc_tmdb_serie_watch_provider,
            t_wc_tmdb_tv_network_id_import,
            t_wc_tmdb_tv_serie_id_import,
            t_wc_tmdb_watch_provider,
            t_wc_tmdb_watch_provider_catalog,
            t_wc_tmdb_watch_provider_catalog_state,
            t_wc_tmdb_watch_provider_region,
        )
    };
}

/// `(table name, column names)` of every entity.
macro_rules! entity_columns {
    ($($module:ident,)*) => {
        vec![$(columns_of::<entity::$module::Entity>(),)*]
    };
}

fn columns_of<E: EntityTrait>() -> (String, Vec<String>) {
    let name = E::default().table_name().to_owned();
    let columns = E::Column::iter().map(|c| c.as_str().to_owned()).collect();
    (name, columns)
}

#[test]
fn every_entity_names_a_reference_table_and_its_columns_in_order() {
    let entities = with_entity_modules!(entity_columns);
    assert_eq!(entities.len(), entity::TABLES_WITH_ENTITY.len());
    for (table, columns) in entities {
        let def = migration::reference_table(&table)
            .unwrap_or_else(|| panic!("{table} is not a table of the Migrator"));
        let want: Vec<&str> = def.columns.iter().map(|c| c.name).collect();
        assert_eq!(columns, want, "{table}");
        assert!(entity::TABLES_WITH_ENTITY.contains(&table.as_str()));
    }
}

async fn round_trip(backend: Backend) {
    let Some(db) = TestDb::create(backend, "entities").await else {
        return;
    };
    crawler_ok(&db.url, &["migrate", "up"]);
    let conn = db.connect().await;

    // Every entity selects from its table (names and types line up).
    macro_rules! select_all {
        ($($module:ident,)*) => {
            $(
                entity::$module::Entity::find()
                    .all(&conn)
                    .await
                    .unwrap_or_else(|e| panic!("{}: {e}", stringify!($module)));
            )*
        };
    }
    with_entity_modules!(select_all);

    use entity::{t_wc_server_variable as sv, t_wc_tmdb_collection_lang as cl};
    use entity::{t_wc_tmdb_movie as movie, t_wc_tmdb_movie_id_import as import};

    let title = r#"He said \"hi\" \u00e9 🎬"#;
    let updated = NaiveDateTime::parse_from_str("2025-07-03 12:34:56", "%Y-%m-%d %H:%M:%S")
        .expect("datetime");
    let released = NaiveDate::from_ymd_opt(1999, 10, 15).expect("date");
    movie::ActiveModel {
        id_movie: Set(550),
        title: Set(Some(title.to_owned())),
        popularity: Set(Some(61.416)),
        dat_release: Set(Some(released)),
        tim_updated: Set(Some(updated)),
        ..Default::default()
    }
    .insert(&conn)
    .await
    .expect("insert movie");
    let stored = movie::Entity::find_by_id(550)
        .one(&conn)
        .await
        .expect("select movie")
        .expect("movie 550");
    assert_eq!(stored.title.as_deref(), Some(title));
    assert_eq!(stored.popularity, Some(61.416));
    assert_eq!(stored.dat_release, Some(released));
    assert_eq!(stored.tim_updated, Some(updated));
    assert_eq!(stored.id_wikidata, None);

    import::ActiveModel {
        id: Set(550),
        adult: Set(Some(false)),
        video: Set(Some(true)),
        original_title: Set(Some("Fight Club".to_owned())),
        popularity: Set(Some(0.6)),
    }
    .insert(&conn)
    .await
    .expect("insert import row");
    let row = import::Entity::find_by_id(550)
        .one(&conn)
        .await
        .expect("select import")
        .expect("row 550");
    assert_eq!((row.adult, row.video), (Some(false), Some(true)));

    // The reference has no key here; the entity's key is (ID_COLLECTION, LANG).
    cl::ActiveModel {
        id_collection: Set(10),
        lang: Set("fr".to_owned()),
        name: Set(Some("Star Wars - La Saga".to_owned())),
        ..Default::default()
    }
    .insert(&conn)
    .await
    .expect("insert collection lang");
    let lang = cl::Entity::find_by_id((10, "fr".to_owned()))
        .one(&conn)
        .await
        .expect("select collection lang");
    assert!(lang.is_some());

    // AUTO_INCREMENT keys are generated by the database.
    let first = sv::ActiveModel {
        var_name: Set(Some("strtmdbcrawlerdatetime".to_owned())),
        var_value: Set(Some("2025-07-03 12:34:56".to_owned())),
        ..Default::default()
    }
    .insert(&conn)
    .await
    .expect("insert server variable");
    let second = sv::ActiveModel {
        var_name: Set(Some("strtmdbcrawlerprocessesexecuted".to_owned())),
        ..Default::default()
    }
    .insert(&conn)
    .await
    .expect("insert server variable");
    assert!(second.id_server_variable > first.id_server_variable);
    let found = sv::Entity::find()
        .filter(sv::Column::VarName.eq("strtmdbcrawlerdatetime"))
        .all(&conn)
        .await
        .expect("filter");
    assert_eq!(found.len(), 1);

    // The not-found ledger: generated key, typed times, one row per (ENTITY_TYPE, ID_ENTITY).
    use entity::t_wc_tmdb_id_not_found as ledger;
    let retry = NaiveDateTime::parse_from_str("2026-08-10 08:00:00", "%Y-%m-%d %H:%M:%S")
        .expect("datetime");
    let gone = ledger::ActiveModel {
        entity_type: Set("movie".to_owned()),
        id_entity: Set(999_999_999),
        attempt_count: Set(Some(1)),
        tim_first_seen: Set(Some(updated)),
        tim_last_seen: Set(Some(updated)),
        tim_retry_after: Set(Some(retry)),
        last_context: Set(Some("process 14".to_owned())),
        ..Default::default()
    }
    .insert(&conn)
    .await
    .expect("insert ledger row");
    let stored = ledger::Entity::find()
        .filter(ledger::Column::EntityType.eq("movie"))
        .filter(ledger::Column::IdEntity.eq(999_999_999))
        .one(&conn)
        .await
        .expect("select ledger")
        .expect("ledger row");
    assert_eq!(stored, gone);
    assert_eq!(stored.tim_retry_after, Some(retry));
    let duplicate = ledger::ActiveModel {
        entity_type: Set("movie".to_owned()),
        id_entity: Set(999_999_999),
        ..Default::default()
    }
    .insert(&conn)
    .await
    .expect_err("duplicate ledger entry");
    assert!(
        matches!(
            duplicate.sql_err(),
            Some(SqlErr::UniqueConstraintViolation(_))
        ),
        "{duplicate}"
    );
}

#[tokio::test]
async fn entities_round_trip_on_sqlite() {
    round_trip(Backend::Sqlite).await;
}

#[tokio::test]
#[cfg_attr(
    not(tmdbc_test_mysql),
    ignore = "needs TMDB_CRAWLER_TEST_MYSQL_URL (a MariaDB server)"
)]
async fn entities_round_trip_on_mariadb() {
    round_trip(Backend::MySql).await;
}

#[tokio::test]
#[cfg_attr(
    not(tmdbc_test_postgres),
    ignore = "needs TMDB_CRAWLER_TEST_POSTGRES_URL (a PostgreSQL server)"
)]
async fn entities_round_trip_on_postgres() {
    round_trip(Backend::Postgres).await;
}
