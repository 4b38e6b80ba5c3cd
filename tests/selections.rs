//! Process selections (`store::selections`) read page by page on every backend: exactly which
//! ids come back and in which order, the not-found ledger, the refresh cutoff and cap, and
//! rows written between pages (as the fetchers do) neither coming back nor shifting the rest.

mod support;

use chrono::{NaiveDate, NaiveDateTime};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Query, SimpleExpr, Table};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, Statement, Value};
use support::db::{Backend, TestDb};
use tmdb_crawler::store::schema::SchemaFlags;
use tmdb_crawler::store::selections::{self, Cursor, DEFAULT_NEW_MAX_PER_RUN, SelectionParams};

const PAGE: u64 = 2;

fn at(y: i32, m: u32, d: u32, h: u32, mi: u32, s: u32) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(y, m, d)
        .and_then(|d| d.and_hms_opt(h, mi, s))
        .expect("valid datetime")
}

fn now() -> NaiveDateTime {
    at(2026, 3, 1, 12, 0, 0)
}

fn future() -> NaiveDateTime {
    at(2026, 3, 8, 0, 0, 0)
}

fn past() -> NaiveDateTime {
    at(2026, 2, 20, 0, 0, 0)
}

/// Recent enough to stay out of the refresh selections (cutoff: now - 30 days).
fn recent() -> NaiveDateTime {
    at(2026, 2, 28, 12, 0, 0)
}

fn params(schema: SchemaFlags) -> SelectionParams {
    SelectionParams {
        now: now(),
        refresh_after_days: 30,
        refresh_max_per_run: 5_000,
        backfill_max_per_run: 5_000,
        new_max_per_run: DEFAULT_NEW_MAX_PER_RUN,
        languages: vec!["fr".into()],
        schema,
    }
}

fn v<T: Into<Value>>(x: T) -> Value {
    x.into()
}

fn insert_stmt(backend: DbBackend, table: &str, cells: &[(&str, Value)]) -> Statement {
    let mut q = Query::insert();
    q.into_table(Alias::new(table))
        .columns(cells.iter().map(|(c, _)| Alias::new(*c)));
    q.values(cells.iter().map(|(_, v)| SimpleExpr::from(v.clone())))
        .expect("values");
    backend.build(&q)
}

async fn insert(conn: &DatabaseConnection, table: &str, cells: &[(&str, Value)]) {
    conn.execute_raw(insert_stmt(conn.get_database_backend(), table, cells))
        .await
        .unwrap_or_else(|e| panic!("insert into {table}: {e}"));
}

/// A stored entity row (movie, person, ...): live, credit-complete, updated recently unless
/// `extra` says otherwise.
async fn entity(
    conn: &DatabaseConnection,
    table: &str,
    pk: &str,
    id: i32,
    extra: &[(&str, Value)],
) {
    let mut cells: Vec<(&str, Value)> = vec![(pk, v(id))];
    for (name, value) in [
        ("DELETED", v(0)),
        ("TIM_CREDITS_COMPLETED", v(recent())),
        ("TIM_UPDATED", v(recent())),
    ] {
        if !extra.iter().any(|(c, _)| *c == name) {
            cells.push((name, value));
        }
    }
    cells.extend(extra.iter().cloned());
    insert(conn, table, &cells).await;
}

async fn movie(conn: &DatabaseConnection, id: i32, extra: &[(&str, Value)]) {
    let mut cells = extra.to_vec();
    if !cells.iter().any(|(c, _)| *c == "ADULT") {
        cells.push(("ADULT", v(0)));
    }
    entity(conn, "T_WC_TMDB_MOVIE", "ID_MOVIE", id, &cells).await;
}

async fn ledger(conn: &DatabaseConnection, entity_type: &str, id: i32, retry_after: NaiveDateTime) {
    insert(
        conn,
        "T_WC_TMDB_ID_NOT_FOUND",
        &[
            ("ENTITY_TYPE", v(entity_type)),
            ("ID_ENTITY", v(id)),
            ("ATTEMPT_COUNT", v(1)),
            ("TIM_RETRY_AFTER", v(retry_after)),
        ],
    )
    .await;
}

/// Reads `process` page by page until `next` is `None`; after each page, `between` gives
/// the statements the "fetchers" run before the next page is read. Returns every page,
/// including a final empty one.
async fn drain(
    conn: &DatabaseConnection,
    process: u16,
    params: &SelectionParams,
    size: u64,
    mut between: impl FnMut(DbBackend, &[u64]) -> Vec<Statement>,
) -> Vec<Vec<u64>> {
    let mut pages = Vec::new();
    let mut cursor: Option<Cursor> = None;
    loop {
        let page = selections::page(conn, process, params, cursor.as_ref(), size)
            .await
            .unwrap_or_else(|e| panic!("process {process}: {e}"));
        for stmt in between(conn.get_database_backend(), &page.ids) {
            conn.execute_raw(stmt).await.expect("write between pages");
        }
        pages.push(page.ids);
        match page.next {
            Some(next) => cursor = Some(next),
            None => return pages,
        }
        assert!(
            pages.len() < 50,
            "process {process} does not end: {pages:?}"
        );
    }
}

async fn read_only(
    conn: &DatabaseConnection,
    process: u16,
    params: &SelectionParams,
) -> Vec<Vec<u64>> {
    drain(conn, process, params, PAGE, |_, _| Vec::new()).await
}

fn delete_stmt(backend: DbBackend, table: &str, pk: &str, id: u64) -> Statement {
    backend.build(
        Query::delete()
            .from_table(Alias::new(table))
            .and_where(Expr::col(Alias::new(pk)).eq(id as i32)),
    )
}

fn update_stmt(
    backend: DbBackend,
    table: &str,
    pk: &str,
    id: u64,
    cells: &[(&str, Value)],
) -> Statement {
    let mut q = Query::update();
    q.table(Alias::new(table));
    for (name, value) in cells {
        q.value(Alias::new(*name), SimpleExpr::from(value.clone()));
    }
    q.and_where(Expr::col(Alias::new(pk)).eq(id as i32));
    backend.build(&q)
}

/// What a fetcher's write leaves behind for a "new" id: a live, credit-complete row written
/// now (replacing a deleted or incomplete one).
fn store_new(backend: DbBackend, table: &str, pk: &str, id: u64) -> Vec<Statement> {
    vec![
        delete_stmt(backend, table, pk, id),
        insert_stmt(
            backend,
            table,
            &[
                (pk, v(id as i32)),
                ("DELETED", v(0)),
                ("TIM_CREDITS_COMPLETED", v(now())),
                ("TIM_UPDATED", v(now())),
            ],
        ),
    ]
}

async fn seed(conn: &DatabaseConnection) {
    // Process 2: movie export ids with their popularity.
    for (id, popularity) in [
        (101, Some(50.0)),
        (102, Some(40.0)),
        (103, Some(40.0)),
        (104, Some(30.0)),
        (105, Some(20.0)),
        (106, Some(10.0)),
        (107, Some(5.0)),
        (108, Some(5.0)),
        (109, None),
        (110, None),
        (111, Some(60.0)),
    ] {
        insert(
            conn,
            "T_WC_TMDB_MOVIE_ID_IMPORT",
            &[("id", v(id)), ("popularity", v(popularity))],
        )
        .await;
    }
    movie(conn, 104, &[]).await; // done
    movie(conn, 105, &[("DELETED", v(1))]).await; // deleted: new again
    movie(
        conn,
        106,
        &[("TIM_CREDITS_COMPLETED", v(None::<NaiveDateTime>))],
    )
    .await;
    ledger(conn, "movie", 107, future()).await;
    ledger(conn, "movie", 108, past()).await;
    ledger(conn, "person", 111, future()).await; // another entity type

    // Process 14: stored movies absent from the export (the export holds 1xx, 3xx, 4xx).
    movie(conn, 201, &[]).await;
    movie(conn, 202, &[("ADULT", v(1))]).await;
    movie(conn, 203, &[]).await;
    movie(conn, 204, &[]).await;
    movie(conn, 205, &[]).await;
    movie(conn, 206, &[("ADULT", v(None::<i32>))]).await;
    ledger(conn, "movie", 204, future()).await;
    ledger(conn, "movie", 205, past()).await;

    // Process 22: cutoff now - 30 days = 2026-01-30 12:00:00.
    for (id, updated) in [
        (301, Some(at(2025, 12, 1, 10, 0, 0))),
        (302, Some(at(2025, 11, 1, 10, 0, 0))),
        (303, Some(at(2025, 11, 1, 10, 0, 0))),
        (304, Some(at(2026, 1, 30, 12, 0, 0))),
        (305, Some(at(2026, 1, 30, 11, 59, 59))),
        (306, None),
        (307, Some(at(2025, 10, 1, 0, 0, 0))),
        (308, Some(at(2025, 9, 1, 0, 0, 0))),
    ] {
        movie(conn, id, &[("TIM_UPDATED", v(updated))]).await;
    }
    ledger(conn, "movie", 307, future()).await;
    ledger(conn, "movie", 308, past()).await;

    // Process 23: (movie, IMDb id, movie's Wikidata id) and the Wikidata items.
    for (id, imdb, qid) in [
        (401, "tt0401", None),
        (402, "tt0402", Some("")),
        (403, "tt0403", Some("Q403")),
        (404, "nm0404", None),
        (405, "tt0405", None),
        (406, "tt0406", None),
        (407, "tt0407", Some("")),
    ] {
        movie(conn, id, &[("ID_IMDB", v(imdb)), ("ID_WIKIDATA", v(qid))]).await;
    }
    // 2026-08 has no Wikidata movie table: the Wikidata crawler writes T_WC_WIKIDATA_MOVIE_V1.
    conn.execute(
        &sea_orm::sea_query::Table::create()
            .table(sea_orm::sea_query::Alias::new("T_WC_WIKIDATA_MOVIE_V1"))
            .col(
                sea_orm::sea_query::ColumnDef::new(sea_orm::sea_query::Alias::new("ID_WIKIDATA"))
                    .string_len(50),
            )
            .col(
                sea_orm::sea_query::ColumnDef::new(sea_orm::sea_query::Alias::new("ID_MOVIE"))
                    .integer(),
            )
            .col(
                sea_orm::sea_query::ColumnDef::new(sea_orm::sea_query::Alias::new("ID_IMDB"))
                    .string_len(50),
            )
            .to_owned(),
    )
    .await
    .expect("create the Wikidata movie table");
    for (qid, movie_id, imdb) in [
        ("Q401", 401, "tt0401"),
        ("Q402a", 402, "tt0402"),
        ("Q402b", 402, "tt0402"),
        ("Q403x", 403, "tt0403"),
        ("Q404", 404, "nm0404"),
        ("Q406", 406, "tt0406"),
        ("Q407", 407, "tt0407"),
    ] {
        insert(
            conn,
            "T_WC_WIKIDATA_MOVIE_V1",
            &[
                ("ID_WIKIDATA", v(qid)),
                ("ID_MOVIE", v(movie_id)),
                ("ID_IMDB", v(imdb)),
            ],
        )
        .await;
    }
    ledger(conn, "movie", 406, future()).await;
    // Every 3xx and 4xx movie is in the export and done, so only 14/22/23 see them.
    for id in (301..=308).chain(401..=407) {
        insert(
            conn,
            "T_WC_TMDB_MOVIE_ID_IMPORT",
            &[("id", v(id)), ("popularity", v(1.0))],
        )
        .await;
    }

    // Process 3: person export.
    for (id, popularity) in [(601, 9.0), (602, 8.0), (603, 7.0), (604, 7.0), (605, 1.0)] {
        insert(
            conn,
            "T_WC_TMDB_PERSON_ID_IMPORT",
            &[("id", v(id)), ("popularity", v(popularity))],
        )
        .await;
    }
    entity(conn, "T_WC_TMDB_PERSON", "ID_PERSON", 602, &[]).await;
    ledger(conn, "person", 605, future()).await;

    // Process 17: company export.
    for id in 501..=507 {
        insert(
            conn,
            "T_WC_TMDB_PRODUCTION_COMPANY_ID_IMPORT",
            &[("id", v(id))],
        )
        .await;
    }
    // Live but not credit-complete: present for 17.
    entity(
        conn,
        "T_WC_TMDB_COMPANY",
        "ID_COMPANY",
        502,
        &[("TIM_CREDITS_COMPLETED", v(None::<NaiveDateTime>))],
    )
    .await;
    entity(
        conn,
        "T_WC_TMDB_COMPANY",
        "ID_COMPANY",
        503,
        &[("DELETED", v(1))],
    )
    .await;
    ledger(conn, "company", 504, future()).await;
    ledger(conn, "company", 505, past()).await;
    ledger(conn, "movie", 507, future()).await;

    // Processes 31 and 33: credits naming persons and series.
    entity(conn, "T_WC_TMDB_PERSON", "ID_PERSON", 701, &[]).await;
    for (person, movie_id) in [(701, 101), (702, 101), (702, 102), (704, 103), (602, 104)] {
        insert(
            conn,
            "T_WC_TMDB_PERSON_MOVIE",
            &[("ID_PERSON", v(person)), ("ID_MOVIE", v(movie_id))],
        )
        .await;
    }
    for (person, serie) in [
        (703, 801),
        (704, 801),
        (705, 802),
        (706, 805),
        (707, 806),
        (708, 803),
        (709, 804),
    ] {
        insert(
            conn,
            "T_WC_TMDB_PERSON_SERIE",
            &[("ID_PERSON", v(person)), ("ID_SERIE", v(serie))],
        )
        .await;
    }
    entity(conn, "T_WC_TMDB_SERIE", "ID_SERIE", 802, &[]).await;
    ledger(conn, "person", 706, future()).await;
    ledger(conn, "person", 707, past()).await;
    ledger(conn, "serie", 803, future()).await;

    // Process 13: lists.
    for id in [901, 902, 903] {
        entity(conn, "T_WC_TMDB_LIST", "ID_LIST", id, &[]).await;
    }
    ledger(conn, "list", 902, future()).await;
}

async fn selections_on(backend: Backend) {
    let Some(db) = TestDb::create(backend, "selections").await else {
        return;
    };
    let conn = db.connect().await;
    {
        use sea_orm_migration::MigratorTrait;
        migration::Migrator::up(&conn, None)
            .await
            .expect("migrate up");
    }
    seed(&conn).await;
    let schema = SchemaFlags::probe(&conn).await.expect("probe");
    // 2026-08 dropped `T_WC_TMDB_PERSON.CRAWLER_VERSION`.
    assert!(schema.ledger && !schema.person_crawler_version);
    let wikidata = schema.wikidata_movies.expect("the Wikidata movie table");
    assert_eq!(wikidata.table, "T_WC_WIKIDATA_MOVIE_V1");
    // On MariaDB the table above has the server's default collation, not the movies'
    // utf8mb4_unicode_ci: 23 must compare across the two.
    assert_eq!(
        wikidata.collate.is_some(),
        backend == Backend::MySql,
        "{wikidata:?}"
    );
    let p = params(schema);

    // 13: every list, minus the one the ledger holds back.
    assert_eq!(read_only(&conn, 13, &p).await, vec![vec![901, 903], vec![]]);

    // 2: popularity descending, ties by id descending, NULL popularity last.
    let expected_2 = vec![
        vec![111, 101],
        vec![103, 102],
        vec![105, 106],
        vec![108, 110],
        vec![109],
    ];
    assert_eq!(read_only(&conn, 2, &p).await, expected_2);
    // Storing each page's movies (as the fetchers do) shifts nothing.
    let stored = drain(&conn, 2, &p, PAGE, |b, ids| {
        ids.iter()
            .flat_map(|id| store_new(b, "T_WC_TMDB_MOVIE", "ID_MOVIE", *id))
            .collect()
    })
    .await;
    assert_eq!(stored, expected_2);
    assert_eq!(read_only(&conn, 2, &p).await, vec![Vec::<u64>::new()]);

    // 3: same rule for persons.
    assert_eq!(
        read_only(&conn, 3, &p).await,
        vec![vec![601, 604], vec![603]]
    );

    // 14: non-adult stored movies absent from the export; deleting them between pages.
    assert_eq!(
        read_only(&conn, 14, &p).await,
        vec![vec![201, 203], vec![205]]
    );
    let deleted = drain(&conn, 14, &p, PAGE, |b, ids| {
        ids.iter()
            .map(|id| delete_stmt(b, "T_WC_TMDB_MOVIE", "ID_MOVIE", *id))
            .collect()
    })
    .await;
    assert_eq!(deleted, vec![vec![201, 203], vec![205]]);

    // 17: lowest id first; a live company counts as present even without credits.
    assert_eq!(
        read_only(&conn, 17, &p).await,
        vec![vec![501, 503], vec![505, 506], vec![507]]
    );
    let mut capped = p.clone();
    capped.new_max_per_run = 3;
    assert_eq!(
        read_only(&conn, 17, &capped).await,
        vec![vec![501, 503], vec![505]]
    );
    let stored = drain(&conn, 17, &p, PAGE, |b, ids| {
        ids.iter()
            .flat_map(|id| store_new(b, "T_WC_TMDB_COMPANY", "ID_COMPANY", *id))
            .collect()
    })
    .await;
    assert_eq!(stored, vec![vec![501, 503], vec![505, 506], vec![507]]);

    // 22: strictly before the cutoff, oldest first, ties by id.
    assert_eq!(
        read_only(&conn, 22, &p).await,
        vec![vec![308, 302], vec![303, 301], vec![305]]
    );
    let mut capped = p.clone();
    capped.refresh_max_per_run = 4;
    assert_eq!(
        drain(&conn, 22, &capped, 3, |_, _| Vec::new()).await,
        vec![vec![308, 302, 303], vec![301]]
    );
    let mut later = p.clone();
    later.refresh_after_days = 120; // cutoff 2025-11-01 12:00
    assert_eq!(
        read_only(&conn, 22, &later).await,
        vec![vec![308, 302], vec![303]]
    );
    // Each refreshed row gets TIM_UPDATED = now; 301 is refreshed by someone else (the
    // changes feed) after the first page: neither comes back.
    let mut first = true;
    let refreshed = drain(&conn, 22, &p, PAGE, |b, ids| {
        let mut stmts: Vec<Statement> = ids
            .iter()
            .map(|id| {
                update_stmt(
                    b,
                    "T_WC_TMDB_MOVIE",
                    "ID_MOVIE",
                    *id,
                    &[("TIM_UPDATED", v(now()))],
                )
            })
            .collect();
        if std::mem::take(&mut first) {
            stmts.push(update_stmt(
                b,
                "T_WC_TMDB_MOVIE",
                "ID_MOVIE",
                301,
                &[("TIM_UPDATED", v(now()))],
            ));
        }
        stmts
    })
    .await;
    assert_eq!(refreshed, vec![vec![308, 302], vec![303, 305], vec![]]);
    assert_eq!(read_only(&conn, 22, &p).await, vec![Vec::<u64>::new()]);

    // 23: NULL or empty Wikidata id, a tt... IMDb id known to Wikidata; each movie once.
    assert_eq!(
        read_only(&conn, 23, &p).await,
        vec![vec![401, 402], vec![407]]
    );

    // 31: persons named in movie or series credits, each once.
    let expected_31 = vec![vec![702, 703], vec![704, 705], vec![707, 708], vec![709]];
    assert_eq!(read_only(&conn, 31, &p).await, expected_31);

    // 31 selected ahead: after the run's writes (703 stored, a credit naming a new person 710,
    // a hold on 711 named by another new credit) the recheck gives what a selection made now
    // gives.
    let all_31: Vec<i64> = expected_31.concat().iter().map(|&id| id as i64).collect();
    let snapshot = selections::snapshot(&conn, 31, &p, 1_000)
        .await
        .expect("snapshot");
    assert_eq!(snapshot.ids, all_31);
    assert_eq!(
        snapshot.through, None,
        "a scan that was not cut covers everything"
    );
    // A scan cut at 3 ids per credit table holds every id up to where it stopped, no more.
    let cut = selections::snapshot(&conn, 31, &p, 3)
        .await
        .expect("cut snapshot");
    let through = cut.through.expect("a cut scan says how far it covers");
    let up_to: Vec<i64> = all_31.iter().copied().filter(|id| *id <= through).collect();
    assert_eq!(cut.ids, up_to);
    assert!(
        cut.ids.len() >= 3 && cut.ids.len() < all_31.len(),
        "{cut:?}"
    );
    let b = conn.get_database_backend();
    for stmt in store_new(b, "T_WC_TMDB_PERSON", "ID_PERSON", 703) {
        conn.execute_raw(stmt).await.expect("store 703");
    }
    for (person, movie_id) in [(710, 105), (711, 106)] {
        insert(
            &conn,
            "T_WC_TMDB_PERSON_MOVIE",
            &[
                ("ID_PERSON", v(person)),
                ("ID_MOVIE", v(movie_id)),
                ("TIM_UPDATED", v(now())),
            ],
        )
        .await;
    }
    ledger(&conn, "person", 711, future()).await;
    let since = now() - chrono::Duration::hours(2);
    let rechecked = selections::recheck(&conn, 31, &p, &snapshot, since, 1_000)
        .await
        .expect("recheck");
    assert_eq!(rechecked.through, None);
    let rechecked = rechecked.ids;
    assert_eq!(rechecked, [702, 704, 705, 707, 708, 709, 710]);
    // The cut scan rechecked, then paged on after its end, gives the same ids.
    let partial = selections::recheck(&conn, 31, &p, &cut, since, 3)
        .await
        .expect("recheck of a cut scan");
    let mut joined = partial.ids.clone();
    let mut cursor = partial.through.map(|t| selections::Cursor::after_id(31, t));
    while let Some(after) = cursor {
        let page = selections::page(&conn, 31, &p, Some(&after), 2)
            .await
            .expect("page after the scan");
        joined.extend(page.ids.iter().map(|&id| id as i64));
        cursor = page.next;
    }
    assert_eq!(
        joined, rechecked,
        "a cut scan with its pages lost or repeated ids"
    );
    let fresh: Vec<i64> = read_only(&conn, 31, &p)
        .await
        .concat()
        .into_iter()
        .map(|id| id as i64)
        .collect();
    assert_eq!(rechecked, fresh);
    // Without the rows written since, only the snapshot's ids remain.
    let later = selections::recheck(
        &conn,
        31,
        &p,
        &snapshot,
        now() + chrono::Duration::seconds(1),
        1_000,
    )
    .await
    .expect("recheck");
    assert_eq!(later.ids, [702, 704, 705, 707, 708, 709]);
    // Back to the seeded state for what follows.
    conn.execute_raw(delete_stmt(b, "T_WC_TMDB_PERSON", "ID_PERSON", 703))
        .await
        .expect("unstore 703");
    for person in [710, 711] {
        conn.execute_raw(delete_stmt(
            b,
            "T_WC_TMDB_PERSON_MOVIE",
            "ID_PERSON",
            person,
        ))
        .await
        .expect("drop credit");
    }
    assert_eq!(read_only(&conn, 31, &p).await, expected_31);
    let stored = drain(&conn, 31, &p, PAGE, |b, ids| {
        ids.iter()
            .flat_map(|id| store_new(b, "T_WC_TMDB_PERSON", "ID_PERSON", *id))
            .collect()
    })
    .await;
    assert_eq!(stored, expected_31);
    assert_eq!(read_only(&conn, 31, &p).await, vec![Vec::<u64>::new()]);

    // 33: series named in credits; a full last page is followed by an empty one.
    assert_eq!(
        read_only(&conn, 33, &p).await,
        vec![vec![801, 804], vec![805, 806], vec![]]
    );

    // A cursor only continues the process that returned it.
    let page = selections::page(&conn, 33, &p, None, PAGE)
        .await
        .expect("page");
    let cursor = page.next.expect("more");
    assert!(
        selections::page(&conn, 32, &p, Some(&cursor), PAGE)
            .await
            .is_err()
    );

    // Without the ledger table every id is selected again.
    conn.execute(
        &Table::drop()
            .table(Alias::new("T_WC_TMDB_ID_NOT_FOUND"))
            .to_owned(),
    )
    .await
    .expect("drop ledger");
    let schema = SchemaFlags::probe(&conn).await.expect("probe");
    assert!(!schema.ledger);
    let p = params(schema);
    assert_eq!(
        read_only(&conn, 13, &p).await,
        vec![vec![901, 902], vec![903]]
    );
    conn.close().await.ok();
}

#[tokio::test]
async fn selections_on_sqlite() {
    selections_on(Backend::Sqlite).await;
}

#[tokio::test]
#[cfg_attr(
    not(tmdbc_test_mysql),
    ignore = "needs TMDB_CRAWLER_TEST_MYSQL_URL (a MariaDB server)"
)]
async fn selections_on_mariadb() {
    selections_on(Backend::MySql).await;
}

#[tokio::test]
#[cfg_attr(
    not(tmdbc_test_postgres),
    ignore = "needs TMDB_CRAWLER_TEST_POSTGRES_URL (a PostgreSQL server)"
)]
async fn selections_on_postgres() {
    selections_on(Backend::Postgres).await;
}
