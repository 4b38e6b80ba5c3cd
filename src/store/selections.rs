//! The read side of the process catalogue: which ids each numbered process works on
//! (`shared/spec/processes-2025-07.md` §3.3-§3.4), read page by page.
//!
//! The Python crawler fetched a process's whole selection into memory. Here a selection is
//! streamed with **keyset pagination**: each page is one `SELECT ... ORDER BY <sort>, <id>
//! LIMIT n` that starts strictly after the `(sort, id)` of the previous page's last row. The
//! caller stores rows between pages, which changes the selection under the reader:
//! - a stored "new" id leaves the selection (1-4, 17, 18, 31-33, ...): with `OFFSET` the
//!   following ids would shift back and be skipped; a keyset does not care;
//! - a refreshed row gets `TIM_UPDATED = now` (22, 24-27) or `TIM_CREDITS_COMPLETED = now`
//!   (11): it falls out of the cutoff filter, and even a cutoff in the future could not bring
//!   it back, since the keyset only moves forward;
//! - an id the ledger starts holding back during the run simply is not returned any more.
//!
//! Orders (every one total, so the keyset is exact):
//! - by id ascending: 1, 10, 12-18, 23, 31-33;
//! - popularity descending, NULLs last, ties by id **descending** (2-4: import
//!   `popularity`; 7-9: `POPULARITY`). Descending ties let one backward scan of the
//!   `popularity` index (InnoDB and SQLite append the primary key to it) serve a page;
//!   ids whose popularity is NULL come after all others, in the same id order, on every
//!   backend (PostgreSQL would put them first);
//! - oldest first, ties by id ascending: 22, 24-27 (`TIM_UPDATED`), 11
//!   (`TIM_CREDITS_COMPLETED`). Rows whose column is NULL are never selected.
//!
//! Corrections to the 2025-07 selections:
//! - every selection leaves out ids the not-found ledger (`T_WC_TMDB_ID_NOT_FOUND`) holds
//!   back: a row of the process's entity type whose `TIM_RETRY_AFTER` is after `now`
//!   (only when the table exists, see [`SchemaFlags`]);
//! - "not in" is written `NOT EXISTS`, which has the intended meaning even if the other side
//!   held a NULL, and which PostgreSQL plans as an anti-join (a `NOT IN` subquery larger than
//!   `work_mem` is re-scanned per row);
//! - 22, 24-27 use a rolling cutoff (`now - refresh_after_days`) instead of fixed dates;
//! - 23 also takes movies whose `ID_WIKIDATA` is NULL, and returns each movie once;
//! - 31 reads the series credits as well as the movie credits;
//! - 9, 10 and 12 use the first configured language instead of a literal `'fr'`.
//!
//! Per-run caps are counted by the cursor: [`page`] never returns, from the first page
//! (`after = None`) on, more ids in total than the process's cap (1-4, 11, 12, 17, 18:
//! `new_max_per_run`; 22, 24-27: `refresh_max_per_run`; the others have none). The caller
//! keeps no count: it passes back the cursor it got, and a run that starts over with
//! `after = None` starts a new count.
//!
//! Every value (dates, languages, entity types, cursors) is a bound parameter; table and
//! column names are this module's constants.

use chrono::{Duration, NaiveDateTime};
use sea_orm::sea_query::{Alias, Cond, Expr, ExprTrait, Order, Query, SelectStatement};
use sea_orm::{ConnectionTrait, DbErr, QueryResult, Value};

use crate::process::Cap;
use crate::records::EntityKind;
use crate::store::schema::{LEDGER_TABLE, SchemaFlags, WikidataMovies};

/// The Python crawler's per-run limit (`LIMIT 20000`) of processes 1-4, 11, 12, 17 and 18.
pub const DEFAULT_NEW_MAX_PER_RUN: u32 = 20_000;
/// Process 11 re-fetches movies whose credits were completed more than this many days ago.
pub const ROLLING_REFRESH_DAYS: i64 = 14;
/// Language of processes 9, 10 and 12 when none is configured (the Python literal).
const FALLBACK_LANGUAGE: &str = "fr";

/// What a selection needs besides the database.
#[derive(Debug, Clone)]
pub struct SelectionParams {
    /// Local wall-clock time in the configured time zone (`server_vars::local_now`), fixed
    /// for the run: the refresh cutoffs and the ledger's retry times are compared with it.
    pub now: NaiveDateTime,
    /// 22, 24-27 select rows whose `TIM_UPDATED` is older than this many days.
    pub refresh_after_days: u32,
    /// Cap per run of each of 22, 24-27.
    pub refresh_max_per_run: u32,
    /// Cap per run of each of 1-4, 11, 12, 17, 18 ([`DEFAULT_NEW_MAX_PER_RUN`]).
    pub new_max_per_run: u32,
    /// The configured languages; 9, 10 and 12 use the first one.
    pub languages: Vec<String>,
    pub schema: SchemaFlags,
}

impl SelectionParams {
    fn language(&self) -> &str {
        self.languages
            .first()
            .map_or(FALLBACK_LANGUAGE, String::as_str)
    }

    fn refresh_cutoff(&self) -> NaiveDateTime {
        self.now - Duration::days(i64::from(self.refresh_after_days))
    }
}

/// Where the previous page stopped. Only meaningful for the process (and run) that returned
/// it; opaque to callers.
#[derive(Debug, Clone, PartialEq)]
pub struct Cursor {
    process: u16,
    /// The ordering column's value on the last row (NULL for id-ordered selections, and for
    /// the NULL-popularity tail).
    sort: Value,
    id: i64,
    /// Ids returned so far in this run, for the cap.
    taken: u64,
}

impl Cursor {
    /// The cursor of an id-ordered selection (31-33) after `id`, with nothing taken yet.
    pub fn after_id(process: u16, id: i64) -> Cursor {
        Cursor {
            process,
            sort: Value::BigInt(None),
            id,
            taken: 0,
        }
    }
}

/// One page of a selection: `next` is `None` once the selection (or the run's cap) is
/// exhausted.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Page {
    pub ids: Vec<u64>,
    pub next: Option<Cursor>,
}

/// The entity kind whose fetcher handles the ids of `process`; `None` for numbers that are
/// not id selections (exports 41-47, changes 51-53) or do not exist.
pub fn selection_kind(process: u16) -> Option<EntityKind> {
    crate::process::id_process(process).map(|(kind, _)| kind)
}

/// The next page of at most `size` ids (0 counts as 1) of `process`, after `after` (`None`:
/// from the start of the run).
pub async fn page<C: ConnectionTrait>(
    db: &C,
    process: u16,
    params: &SelectionParams,
    after: Option<&Cursor>,
    size: u64,
) -> Result<Page, DbErr> {
    if let Some(c) = after
        && c.process != process
    {
        return Err(DbErr::Custom(format!(
            "selection cursor of process {} used for process {process}",
            c.process
        )));
    }
    let Some(plan) = plan(process, params) else {
        return Ok(Page::default());
    };
    let taken = after.map_or(0, |c| c.taken);
    let limit = page_limit(plan.cap, taken, size);
    if limit == 0 {
        return Ok(Page::default());
    }
    let rows = match plan.shape {
        Shape::ById(sources) => by_id(db, plan.kind, params, sources, after, limit).await?,
        Shape::Sorted(source, sort) => {
            sorted(db, plan.kind, params, source, sort, after, limit).await?
        }
    };
    let full = rows.len() as u64 == limit;
    let taken = taken + rows.len() as u64;
    let next = match rows.last() {
        Some(last) if full && plan.cap.is_none_or(|cap| taken < cap) => Some(Cursor {
            process,
            sort: last.sort.clone(),
            id: last.id,
            taken,
        }),
        _ => None,
    };
    let mut ids = Vec::with_capacity(rows.len());
    for row in rows {
        match u64::try_from(row.id) {
            Ok(id) => ids.push(id),
            Err(_) => tracing::warn!(process, id = row.id, "negative id skipped"),
        }
    }
    Ok(Page { ids, next })
}

/// Ids the page may still return: `size` (at least 1), within what the cap leaves.
fn page_limit(cap: Option<u64>, taken: u64, size: u64) -> u64 {
    let size = Ord::max(size, 1);
    cap.map_or(size, |cap| Ord::min(size, cap.saturating_sub(taken)))
}

// ---- plans ----

/// One table the ids come from: `table.id` for the rows matching `filter`.
struct Source {
    table: &'static str,
    id: &'static str,
    filter: Cond,
    /// The table may hold an id several times (credit link tables).
    distinct: bool,
}

enum Sort {
    /// A datetime column ascending (NULL never selected), ties by id ascending.
    OldestFirst(&'static str),
    /// A double column descending, NULLs last, ties by id descending.
    MostPopularFirst(&'static str),
}

enum Shape {
    /// Id ascending; several sources are merged (process 31).
    ById(Vec<Source>),
    Sorted(Source, Sort),
}

struct Plan {
    /// The ledger's entity type.
    kind: EntityKind,
    shape: Shape,
    cap: Option<u64>,
}

fn col(table: &str, column: &str) -> Expr {
    Expr::col((Alias::new(table), Alias::new(column)))
}

/// `NOT EXISTS (SELECT table.column FROM table WHERE table.column = outer AND extra...)`.
fn none_in(
    table: &str,
    column: &str,
    outer: (&str, &str),
    extra: impl IntoIterator<Item = Expr>,
) -> Expr {
    Expr::not_exists(correlated(table, column, outer, extra))
}

fn correlated(
    table: &str,
    column: &str,
    outer: (&str, &str),
    extra: impl IntoIterator<Item = Expr>,
) -> SelectStatement {
    let mut cond =
        Cond::all().add(col(table, column).equals((Alias::new(outer.0), Alias::new(outer.1))));
    for e in extra {
        cond = cond.add(e);
    }
    Query::select()
        .column((Alias::new(table), Alias::new(column)))
        .from(Alias::new(table))
        .cond_where(cond)
        .to_owned()
}

/// 23: stored movies whose `ID_WIKIDATA` is NULL or empty and whose `tt…` IMDb id the
/// Wikidata table knows under another (or any) Wikidata id.
fn wikidata_fix(wikidata: WikidataMovies) -> Shape {
    let movie = "T_WC_TMDB_MOVIE";
    let w = wikidata.table;
    let movie_side = |column: &str| -> Expr {
        let outer = Expr::col((Alias::new(movie), Alias::new(column)));
        match wikidata.collate {
            // Set on MariaDB/MySQL only, whose placeholder `?` marks the operand; the name is
            // one of `KNOWN_COLLATIONS`, never data.
            Some(collation) => Expr::cust_with_expr(format!("? COLLATE {collation}"), outer),
            None => outer,
        }
    };
    let matching_item = Query::select()
        .column((Alias::new(w), Alias::new("ID_IMDB")))
        .from(Alias::new(w))
        .cond_where(
            Cond::all()
                .add(col(w, "ID_IMDB").eq(movie_side("ID_IMDB")))
                .add(col(w, "ID_IMDB").like("tt%"))
                .add(
                    col(movie, "ID_WIKIDATA")
                        .is_null()
                        .or(col(w, "ID_WIKIDATA").eq(movie_side("ID_WIKIDATA")).not()),
                ),
        )
        .to_owned();
    let movie_qid = col(movie, "ID_WIKIDATA");
    Shape::ById(vec![stored(
        EntityKind::Movie,
        Cond::all()
            .add(movie_qid.clone().is_null().or(movie_qid.eq("")))
            .add(Expr::exists(matching_item)),
    )])
}

/// 1-4, 17, 18: ids of the export missing from the entity table. "Present" means a live row
/// (`DELETED = 0`), and for 1-4 also credit-complete.
fn new_ids(import: &'static str, kind: EntityKind, credits_completed: bool) -> Source {
    let (table, pk) = kind.table();
    let mut present = vec![col(table, "DELETED").eq(0)];
    if credits_completed {
        present.push(col(table, "TIM_CREDITS_COMPLETED").is_not_null());
    }
    Source {
        table: import,
        id: "id",
        filter: Cond::all().add(none_in(table, pk, (import, "id"), present)),
        distinct: false,
    }
}

/// Every row of the entity table matching `filter`.
fn stored(kind: EntityKind, filter: Cond) -> Source {
    let (table, pk) = kind.table();
    Source {
        table,
        id: pk,
        filter,
        distinct: false,
    }
}

/// 14-16: stored ids absent from the export.
///
/// Rows written today are skipped: they were fetched from TMDb after the export's day began,
/// so their absence from the export proves nothing (persons recovered by 31, for instance, are
/// often not in the person export), and probing them again on every run would cost a request
/// each time.
fn absent_from_export(
    kind: EntityKind,
    import: &'static str,
    adult_filter: bool,
    params: &SelectionParams,
) -> Source {
    let (table, pk) = kind.table();
    let today = params.now.date().and_time(chrono::NaiveTime::MIN);
    let mut filter = Cond::all().add(none_in(import, "id", (table, pk), [])).add(
        Cond::any()
            .add(col(table, "TIM_UPDATED").is_null())
            .add(col(table, "TIM_UPDATED").lt(today)),
    );
    if adult_filter {
        filter = filter.add(col(table, "ADULT").eq(0));
    }
    stored(kind, filter)
}

/// 31-33: ids named in a credit link table with no stored entity (whatever its `DELETED`).
fn missing(link: &'static str, column: &'static str, kind: EntityKind) -> Source {
    let (table, pk) = kind.table();
    Source {
        table: link,
        id: column,
        filter: Cond::all().add(none_in(table, pk, (link, column), [])),
        distinct: true,
    }
}

/// 22, 24-27: stored rows not updated since the cutoff, oldest first.
fn refresh(kind: EntityKind, params: &SelectionParams) -> Shape {
    let (table, _) = kind.table();
    Shape::Sorted(
        stored(
            kind,
            Cond::all().add(col(table, "TIM_UPDATED").lt(params.refresh_cutoff())),
        ),
        Sort::OldestFirst("TIM_UPDATED"),
    )
}

fn plan(process: u16, params: &SelectionParams) -> Option<Plan> {
    use EntityKind as K;
    let (kind, ids) = crate::process::id_process(process)?;
    let cap = match ids.cap {
        Cap::None => None,
        Cap::New => Some(u64::from(params.new_max_per_run)),
        Cap::Refresh => Some(u64::from(params.refresh_max_per_run)),
    };
    let (movie, _) = K::Movie.table();
    let (person, _) = K::Person.table();
    let shape = match process {
        1 => Shape::ById(vec![new_ids(
            "T_WC_TMDB_COLLECTION_ID_IMPORT",
            K::Collection,
            true,
        )]),
        2..=4 => {
            let import = match process {
                2 => "T_WC_TMDB_MOVIE_ID_IMPORT",
                3 => "T_WC_TMDB_PERSON_ID_IMPORT",
                _ => "T_WC_TMDB_TV_SERIE_ID_IMPORT",
            };
            Shape::Sorted(
                new_ids(import, kind, true),
                Sort::MostPopularFirst("popularity"),
            )
        }
        7 => Shape::Sorted(
            stored(
                K::Movie,
                Cond::all().add(col(movie, "TIM_KEYWORDS_COMPLETED").is_null()),
            ),
            Sort::MostPopularFirst("POPULARITY"),
        ),
        8 => {
            if !params.schema.person_crawler_version {
                return None;
            }
            Shape::Sorted(
                stored(
                    K::Person,
                    Cond::all().add(col(person, "CRAWLER_VERSION").lte(2)),
                ),
                Sort::MostPopularFirst("POPULARITY"),
            )
        }
        9 => Shape::Sorted(
            stored(
                K::Movie,
                Cond::all().add(none_in(
                    "T_WC_TMDB_MOVIE_LANG",
                    "ID_MOVIE",
                    (movie, "ID_MOVIE"),
                    [
                        col("T_WC_TMDB_MOVIE_LANG", "LANG").eq(params.language()),
                        col("T_WC_TMDB_MOVIE_LANG", "DELETED").eq(0),
                    ],
                )),
            ),
            Sort::MostPopularFirst("POPULARITY"),
        ),
        10 => {
            let (collection, pk) = K::Collection.table();
            Shape::ById(vec![stored(
                K::Collection,
                Cond::all().add(none_in(
                    "T_WC_TMDB_COLLECTION_LANG",
                    "ID_COLLECTION",
                    (collection, pk),
                    [
                        col("T_WC_TMDB_COLLECTION_LANG", "LANG").eq(params.language()),
                        col("T_WC_TMDB_COLLECTION_LANG", "DELETED").eq(0),
                    ],
                )),
            )])
        }
        11 => Shape::Sorted(
            stored(
                K::Movie,
                Cond::all().add(
                    col(movie, "TIM_CREDITS_COMPLETED")
                        .lt(params.now - Duration::days(ROLLING_REFRESH_DAYS)),
                ),
            ),
            Sort::OldestFirst("TIM_CREDITS_COMPLETED"),
        ),
        12 => {
            let import = "T_WC_TMDB_KEYWORD_ID_IMPORT";
            let lang = "T_WC_TMDB_KEYWORD_ID_IMPORT_LANG";
            Shape::ById(vec![Source {
                table: import,
                id: "id",
                filter: Cond::all().add(none_in(
                    lang,
                    "id",
                    (import, "id"),
                    [col(lang, "LANG").eq(params.language())],
                )),
                distinct: false,
            }])
        }
        13 => Shape::ById(vec![stored(K::List, Cond::all())]),
        14 => Shape::ById(vec![absent_from_export(
            K::Movie,
            "T_WC_TMDB_MOVIE_ID_IMPORT",
            true,
            params,
        )]),
        15 => Shape::ById(vec![absent_from_export(
            K::Person,
            "T_WC_TMDB_PERSON_ID_IMPORT",
            true,
            params,
        )]),
        16 => Shape::ById(vec![absent_from_export(
            K::Series,
            "T_WC_TMDB_TV_SERIE_ID_IMPORT",
            false,
            params,
        )]),
        17 => Shape::ById(vec![new_ids(
            "T_WC_TMDB_PRODUCTION_COMPANY_ID_IMPORT",
            K::Company,
            false,
        )]),
        18 => Shape::ById(vec![new_ids(
            "T_WC_TMDB_TV_NETWORK_ID_IMPORT",
            K::Network,
            false,
        )]),
        22 | 24 | 25 | 26 | 27 => refresh(kind, params),
        23 => wikidata_fix(params.schema.wikidata_movies?),
        31 => Shape::ById(vec![
            missing("T_WC_TMDB_PERSON_MOVIE", "ID_PERSON", K::Person),
            missing("T_WC_TMDB_PERSON_SERIE", "ID_PERSON", K::Person),
        ]),
        32 => Shape::ById(vec![missing(
            "T_WC_TMDB_PERSON_MOVIE",
            "ID_MOVIE",
            K::Movie,
        )]),
        33 => Shape::ById(vec![missing(
            "T_WC_TMDB_PERSON_SERIE",
            "ID_SERIE",
            K::Series,
        )]),
        _ => return None,
    };
    Some(Plan { kind, shape, cap })
}

// ---- statements ----

/// `SELECT [DISTINCT] source.id FROM source WHERE filter AND <not held back by the ledger>`.
fn base(source: &Source, kind: EntityKind, params: &SelectionParams) -> SelectStatement {
    let mut cond = source
        .filter
        .clone()
        .add(col(source.table, source.id).is_not_null());
    if params.schema.ledger {
        cond = cond.add(none_in(
            LEDGER_TABLE,
            "ID_ENTITY",
            (source.table, source.id),
            [
                col(LEDGER_TABLE, "ENTITY_TYPE").eq(kind.ledger_name()),
                col(LEDGER_TABLE, "TIM_RETRY_AFTER").gt(params.now),
            ],
        ));
    }
    let mut q = Query::select();
    q.column((Alias::new(source.table), Alias::new(source.id)))
        .from(Alias::new(source.table))
        .cond_where(cond);
    if source.distinct {
        q.distinct();
    }
    q
}

fn id_ref(source: &Source) -> (Alias, Alias) {
    (Alias::new(source.table), Alias::new(source.id))
}

struct Row {
    id: i64,
    sort: Value,
}

/// Every id column is a 32-bit INT (PostgreSQL refuses to read INT4 as i64).
fn read_id(row: &QueryResult) -> Result<Option<i64>, DbErr> {
    Ok(row.try_get_by_index::<Option<i32>>(0)?.map(i64::from))
}

fn mismatch(process_sort: &str) -> DbErr {
    DbErr::Custom(format!(
        "selection cursor does not hold a {process_sort} value"
    ))
}

async fn by_id<C: ConnectionTrait>(
    db: &C,
    kind: EntityKind,
    params: &SelectionParams,
    sources: Vec<Source>,
    after: Option<&Cursor>,
    limit: u64,
) -> Result<Vec<Row>, DbErr> {
    // The sources are read at once: each is a scan of a large link table (31 reads two), and
    // on a pool they run on separate connections.
    let queries: Vec<SelectStatement> = sources
        .iter()
        .map(|source| {
            let mut q = base(source, kind, params);
            if let Some(c) = after {
                q.and_where(col(source.table, source.id).gt(c.id));
            }
            q.order_by(id_ref(source), Order::Asc).limit(limit);
            q
        })
        .collect();
    // Each source gave its `limit` smallest ids: the `limit` smallest of the union are among
    // them.
    let mut ids = union_of_ids(db, &queries).await?;
    ids.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
    Ok(ids
        .into_iter()
        .map(|id| Row {
            id,
            sort: Value::BigInt(None),
        })
        .collect())
}

/// 31-33 (ids named in credit rows with no stored entity) can be selected ahead: a
/// [`snapshot`] while the processes whose writes they read still run, then a cheap [`recheck`]
/// once those have completed, instead of scanning the credit tables at that moment.
///
/// The two give exactly what [`page`] would give then. An id the selection returns at that
/// moment is named by a credit row that either existed unchanged when the snapshot was taken
/// (its entity was missing then too: an entity row is only ever removed together with its
/// credit rows), so it is in the snapshot, or was written since, so its `TIM_UPDATED` is at
/// least the run's start.
pub fn selects_ahead(process: u16) -> bool {
    crate::process::id_process(process).is_some_and(|(_, ids)| ids.selects_ahead)
}

/// What a scan ahead found: every id the selection holds up to `through` (`None`: all of them),
/// ascending. A scan stops at its `max_ids` smallest ids, so the run never holds the whole
/// credit tables' worth; the ids after `through` are paged as usual later.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Ahead {
    pub ids: Vec<i64>,
    pub through: Option<i64>,
}

/// The ids a [`selects_ahead`] process would select now, at most about `max_ids`. The
/// not-found ledger's filter applies already: its retry times are compared with the run's fixed
/// `now`, and a held id stops being held only when its entity is stored, so a held id is not
/// selected later in the run either. Empty for other processes.
pub async fn snapshot<C: ConnectionTrait>(
    db: &C,
    process: u16,
    params: &SelectionParams,
    max_ids: u64,
) -> Result<Ahead, DbErr> {
    let Some((kind, sources)) = ahead_sources(process, params) else {
        return Ok(Ahead::default());
    };
    let queries: Vec<SelectStatement> = sources
        .iter()
        .map(|source| smallest(base(source, kind, params), source, max_ids))
        .collect();
    limited_union(db, &queries, max_ids, None).await
}

/// What a [`selects_ahead`] process selects now, given what it found `ahead` earlier in the run:
/// the ids found then and those of credit rows written since `written_since` (at or before the
/// run's start), each checked against the full filter, up to `through` (which may come down
/// when many rows were written since). The caller pages on after `through`.
pub async fn recheck<C: ConnectionTrait>(
    db: &C,
    process: u16,
    params: &SelectionParams,
    ahead: &Ahead,
    written_since: NaiveDateTime,
    max_ids: u64,
) -> Result<Ahead, DbErr> {
    /// Bound values per statement, well within every backend's limit.
    const IDS_PER_QUERY: usize = 1_000;
    let Some((kind, sources)) = ahead_sources(process, params) else {
        return Ok(Ahead::default());
    };
    let written: Vec<SelectStatement> = sources
        .iter()
        .map(|source| {
            let mut q = base(source, kind, params);
            q.and_where(col(source.table, "TIM_UPDATED").gte(written_since));
            if let Some(through) = ahead.through {
                q.and_where(col(source.table, source.id).lte(through));
            }
            smallest(q, source, max_ids)
        })
        .collect();
    let mut found = limited_union(db, &written, max_ids, ahead.through).await?;
    let known: Vec<i64> = ahead
        .ids
        .iter()
        .copied()
        .filter(|id| found.through.is_none_or(|t| *id <= t))
        .collect();
    let mut queries = Vec::new();
    for source in &sources {
        for chunk in known.chunks(IDS_PER_QUERY) {
            let mut q = base(source, kind, params);
            q.and_where(col(source.table, source.id).is_in(chunk.iter().copied()));
            queries.push(q);
        }
    }
    found.ids.extend(union_of_ids(db, &queries).await?);
    found.ids.sort_unstable();
    found.ids.dedup();
    Ok(found)
}

/// `query` ordered by id, cut to its `limit` smallest.
fn smallest(mut query: SelectStatement, source: &Source, limit: u64) -> SelectStatement {
    query.order_by(id_ref(source), Order::Asc).limit(limit);
    query
}

/// The union of queries that each return their `limit` smallest ids: complete up to the
/// smallest last id of a query that was cut (and `through`, if given).
async fn limited_union<C: ConnectionTrait>(
    db: &C,
    queries: &[SelectStatement],
    limit: u64,
    mut through: Option<i64>,
) -> Result<Ahead, DbErr> {
    let mut ids = Vec::new();
    for query in queries {
        let mut part = Vec::new();
        for row in db.query_all(query).await? {
            part.extend(read_id(&row)?);
        }
        if part.len() as u64 >= limit
            && let Some(last) = part.iter().max()
        {
            through = Some(through.map_or(*last, |t| Ord::min(t, *last)));
        }
        ids.extend(part);
    }
    ids.retain(|id| through.is_none_or(|t| *id <= t));
    ids.sort_unstable();
    ids.dedup();
    Ok(Ahead { ids, through })
}

/// The credit-table sources of a [`selects_ahead`] process.
fn ahead_sources(process: u16, params: &SelectionParams) -> Option<(EntityKind, Vec<Source>)> {
    if !selects_ahead(process) {
        return None;
    }
    match plan(process, params)? {
        Plan {
            kind,
            shape: Shape::ById(sources),
            ..
        } => Some((kind, sources)),
        _ => None,
    }
}

/// Queries of one selection read that run at once (on a pool, on separate connections): the
/// two credit tables of process 31; more would only queue on the pool.
pub const QUERIES_AT_ONCE: usize = 2;

/// The ids the queries return, [`QUERIES_AT_ONCE`] at a time; ascending, each once.
async fn union_of_ids<C: ConnectionTrait>(
    db: &C,
    queries: &[SelectStatement],
) -> Result<Vec<i64>, DbErr> {
    use futures_util::{StreamExt, TryStreamExt};
    let mut answers = futures_util::stream::iter(queries.iter().map(|q| db.query_all(q)))
        .buffered(QUERIES_AT_ONCE);
    let mut ids = Vec::new();
    while let Some(rows) = answers.try_next().await? {
        for row in rows {
            ids.extend(read_id(&row)?);
        }
    }
    ids.sort_unstable();
    ids.dedup();
    Ok(ids)
}

async fn sorted<C: ConnectionTrait>(
    db: &C,
    kind: EntityKind,
    params: &SelectionParams,
    source: Source,
    sort: Sort,
    after: Option<&Cursor>,
    limit: u64,
) -> Result<Vec<Row>, DbErr> {
    let id = || col(source.table, source.id);
    let mut rows = Vec::new();
    match sort {
        Sort::OldestFirst(column) => {
            let key = || col(source.table, column);
            let mut q = base(&source, kind, params);
            q.column((Alias::new(source.table), Alias::new(column)));
            if let Some(c) = after {
                let Value::ChronoDateTime(Some(s)) = c.sort else {
                    return Err(mismatch("datetime"));
                };
                q.and_where(key().gte(s))
                    .and_where(key().gt(s).or(id().gt(c.id)));
            }
            q.order_by((Alias::new(source.table), Alias::new(column)), Order::Asc)
                .order_by(id_ref(&source), Order::Asc)
                .limit(limit);
            for row in db.query_all(&q).await? {
                let sort: Option<NaiveDateTime> = row.try_get_by_index(1)?;
                if let Some(id) = read_id(&row)? {
                    rows.push(Row {
                        id,
                        sort: Value::ChronoDateTime(sort),
                    });
                }
            }
        }
        Sort::MostPopularFirst(column) => {
            let key = || col(source.table, column);
            // `Some(Some(s))`: within the non-NULL part; `Some(None)`: within the NULL tail.
            let position = match after.map(|c| &c.sort) {
                None => None,
                Some(Value::Double(s)) => Some(*s),
                Some(_) => return Err(mismatch("popularity")),
            };
            if !matches!(position, Some(None)) {
                let mut q = base(&source, kind, params);
                q.column((Alias::new(source.table), Alias::new(column)))
                    .and_where(key().is_not_null());
                if let (Some(c), Some(Some(s))) = (after, position) {
                    q.and_where(key().lte(s))
                        .and_where(key().lt(s).or(id().lt(c.id)));
                }
                q.order_by((Alias::new(source.table), Alias::new(column)), Order::Desc)
                    .order_by(id_ref(&source), Order::Desc)
                    .limit(limit);
                for row in db.query_all(&q).await? {
                    let sort: Option<f64> = row.try_get_by_index(1)?;
                    if let Some(id) = read_id(&row)? {
                        rows.push(Row {
                            id,
                            sort: Value::Double(sort),
                        });
                    }
                }
            }
            let remaining = limit - rows.len() as u64;
            if remaining > 0 {
                let mut q = base(&source, kind, params);
                q.and_where(key().is_null());
                if let (Some(c), Some(None)) = (after, position) {
                    q.and_where(id().lt(c.id));
                }
                q.order_by(id_ref(&source), Order::Desc).limit(remaining);
                for row in db.query_all(&q).await? {
                    if let Some(id) = read_id(&row)? {
                        rows.push(Row {
                            id,
                            sort: Value::Double(None),
                        });
                    }
                }
            }
        }
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::process::{CATALOGUE, ProcessGroup};
    use sea_orm::DbBackend;

    fn params() -> SelectionParams {
        SelectionParams {
            now: chrono::NaiveDate::from_ymd_opt(2026, 3, 1)
                .and_then(|d| d.and_hms_opt(12, 0, 0))
                .expect("valid"),
            refresh_after_days: 30,
            refresh_max_per_run: 5_000,
            new_max_per_run: DEFAULT_NEW_MAX_PER_RUN,
            languages: vec!["fr".into()],
            schema: SchemaFlags {
                ledger: true,
                person_crawler_version: true,
                wikidata_movies: Some(WikidataMovies {
                    table: "T_WC_WIKIDATA_MOVIE_V1",
                    collate: None,
                }),
            },
        }
    }

    /// The first statement a page of `process` runs, as the backend would receive it.
    fn first_statement(process: u16, params: &SelectionParams) -> sea_orm::Statement {
        let plan = plan(process, params).expect("plan");
        let q = match &plan.shape {
            Shape::ById(sources) => base(&sources[0], plan.kind, params),
            Shape::Sorted(source, _) => base(source, plan.kind, params),
        };
        DbBackend::MySql.build(&q)
    }

    #[test]
    fn every_id_selection_of_the_catalogue_has_a_kind_and_a_plan() {
        let p = params();
        for process in CATALOGUE {
            let selects = !matches!(
                process.group,
                ProcessGroup::Export | ProcessGroup::Changes | ProcessGroup::Reference
            );
            let kind = selection_kind(process.number);
            assert_eq!(kind.is_some(), selects, "process {}", process.number);
            if let Some(kind) = kind {
                assert_eq!(
                    kind.ledger_name(),
                    process.kind.token(),
                    "process {}",
                    process.number
                );
                assert!(plan(process.number, &p).is_some(), "{}", process.number);
            }
        }
        for n in [0, 5, 6, 19, 21, 28, 30, 34, 41, 47, 51, 53] {
            assert_eq!(selection_kind(n), None, "{n}");
            assert!(plan(n, &p).is_none(), "{n}");
        }
    }

    #[test]
    fn caps_follow_the_process_family() {
        let mut p = params();
        p.new_max_per_run = 7;
        p.refresh_max_per_run = 9;
        let cap = |n| plan(n, &p).expect("plan").cap;
        for n in [1, 2, 3, 4, 11, 12, 17, 18] {
            assert_eq!(cap(n), Some(7), "{n}");
        }
        for n in [22, 24, 25, 26, 27] {
            assert_eq!(cap(n), Some(9), "{n}");
        }
        for n in [7, 8, 9, 10, 13, 14, 15, 16, 23, 31, 32, 33] {
            assert_eq!(cap(n), None, "{n}");
        }
    }

    #[test]
    fn page_limit_stays_within_the_cap() {
        assert_eq!(page_limit(None, 0, 0), 1);
        assert_eq!(page_limit(None, 100, 50), 50);
        assert_eq!(page_limit(Some(10), 0, 50), 10);
        assert_eq!(page_limit(Some(10), 8, 50), 2);
        assert_eq!(page_limit(Some(10), 10, 50), 0);
        assert_eq!(page_limit(Some(10), 12, 50), 0);
        assert_eq!(page_limit(Some(0), 0, 50), 0);
    }

    #[test]
    fn process_8_selects_nothing_without_the_crawler_version_column() {
        let mut p = params();
        assert!(plan(8, &p).is_some());
        p.schema.person_crawler_version = false;
        assert!(plan(8, &p).is_none());
    }

    #[test]
    fn process_23_reads_the_wikidata_table_the_database_has_or_selects_nothing() {
        let mut p = params();
        assert!(
            first_statement(23, &p)
                .sql
                .contains("`T_WC_WIKIDATA_MOVIE_V1`")
        );
        p.schema.wikidata_movies = Some(WikidataMovies {
            table: "T_WC_WIKIDATA_MOVIE",
            collate: Some("utf8mb4_unicode_ci"),
        });
        let sql = first_statement(23, &p).sql;
        assert!(
            sql.contains("`T_WC_WIKIDATA_MOVIE`") && !sql.contains("_V1"),
            "{sql}"
        );
        assert!(
            sql.contains("= (`T_WC_TMDB_MOVIE`.`ID_IMDB` COLLATE utf8mb4_unicode_ci)"),
            "{sql}"
        );
        p.schema.wikidata_movies = None;
        assert!(plan(23, &p).is_none());
    }

    #[test]
    fn values_are_bound_never_spliced() {
        let mut p = params();
        p.languages = vec!["x'); DROP TABLE t; --".into()];
        p.refresh_after_days = 30;
        for n in [12, 9, 10] {
            let stmt = first_statement(n, &p);
            assert!(!stmt.sql.contains("DROP"), "{}", stmt.sql);
            let values = stmt.values.expect("bound values").0;
            assert!(
                values.contains(&Value::from("x'); DROP TABLE t; --")),
                "{n}: {values:?}"
            );
        }
        let stmt = first_statement(22, &p);
        assert!(!stmt.sql.contains("2026"), "{}", stmt.sql);
        let values = stmt.values.expect("bound values").0;
        let cutoff = p.now - Duration::days(30);
        assert!(values.contains(&Value::from(cutoff)), "{values:?}");
        assert!(values.contains(&Value::from(p.now)), "{values:?}");
        assert!(values.contains(&Value::from("movie")), "{values:?}");
    }

    #[test]
    fn the_ledger_rule_is_only_added_when_the_table_exists() {
        let mut p = params();
        assert!(first_statement(13, &p).sql.contains(LEDGER_TABLE));
        p.schema.ledger = false;
        assert!(!first_statement(13, &p).sql.contains(LEDGER_TABLE));
    }

    #[test]
    fn process_23_accepts_null_and_empty_wikidata_ids() {
        let sql = first_statement(23, &params()).sql;
        assert!(
            sql.contains("`T_WC_TMDB_MOVIE`.`ID_WIKIDATA` IS NULL"),
            "{sql}"
        );
        assert!(sql.contains("EXISTS"), "{sql}");
        assert!(sql.contains("LIKE"), "{sql}");
    }
}
