//! Catalogue of the crawler's numbered processes.
//!
//! The numbers are inherited from the Python crawler (2025-07 version) so that run lists, server
//! variables and operator habits keep working. This module is the only place that knows which
//! numbers exist, what each one picks up and where it sits in a default run. It feeds the
//! `tmdb-crawler processes` listing, the `--process` run-list parser and the coordinator.
//!
//! A default run follows the 2026-08 Python crawler's order ([`DEFAULT_ORDER`]): the daily ID
//! exports (41-47), the numbered database processes, the change feeds (51-53), then the large
//! refreshes (22, 28, 24) and the backfills (34-36). Processes 7-11 are kept but only run when
//! named with `--process`.

use std::collections::HashSet;

pub use crate::records::EntityKind;
pub use crate::store::imports::ExportKind;

/// Broad family a process belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProcessGroup {
    /// Loads one of the daily TMDb ID export files (41-47).
    Export,
    /// Fetches ids present in an export but not yet stored locally (1-4, 17, 18).
    New,
    /// Re-reads the lists already known locally (13).
    List,
    /// Removes local records that TMDb no longer serves (14-16).
    Deleted,
    /// Re-fetches stored records that have gone stale (11, 22, 24-27).
    Refresh,
    /// Repairs a known data defect (23).
    Fix,
    /// Fetches ids referenced by stored credits but absent locally (31-33).
    Missing,
    /// Follows the TMDb change feeds (51-53).
    Changes,
    /// Fills a part that older crawler versions left out (7-10, 12 off by default; 34-36).
    Backfill,
    /// Replaces reference data TMDb serves whole, once per run (19).
    Reference,
}

/// One numbered process.
#[derive(Debug)]
pub struct Process {
    pub number: u16,
    /// Short token, reusing the Python description token (spaces removed) where one exists.
    pub name: &'static str,
    /// The entity kind it fetches or loads. Process 19 fetches none: it has `Movie`, the
    /// catalogue whose values win, and is listed as `provider` ([`Process::kind_token`]).
    pub kind: EntityKind,
    pub group: ProcessGroup,
    /// One sentence saying which ids the process picks up.
    pub selects: &'static str,
    pub in_default_scope: bool,
    /// How it runs.
    pub workflow: Workflow,
}

/// How a process runs: the one place that says what a number does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Workflow {
    /// Loads a daily ID export file into its import table.
    Export(ExportKind),
    /// Follows a TMDb change feed and re-fetches what it lists.
    Changes(ChangesKind),
    /// Selects ids from the database (`store::selections`) and fetches each.
    Ids(IdProcess),
    /// Copies the keyword export's names into `T_WC_TMDB_KEYWORD`, with no request (12).
    KeywordNames,
    /// Fetches the movie and TV watch-provider catalogues and replaces the stored ones
    /// (`actors::catalogs`): two requests per run, no id selection.
    ProviderCatalogs,
}

/// What the pipeline must know of an id selection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IdProcess {
    /// At most this many ids per run.
    pub cap: Cap,
    /// Runs only on the first run of a new export day (the Python crawler's rule).
    pub once_per_export_day: bool,
    /// An id TMDb answers "not found" for is deleted with all its rows.
    pub deletes_gone: bool,
    /// Entity kinds whose rows the selection reads: it selects only once the earlier
    /// processes of these kinds have completed.
    pub reads_rows_of: &'static [EntityKind],
    /// The selection may be scanned ahead, while the processes it reads still run, and
    /// rechecked once they have completed (`store::selections::snapshot`).
    pub selects_ahead: bool,
    /// 34-36: each selected title is asked for this one snapshot only, and only that snapshot
    /// and its stamp are written; `None`: the whole entity is fetched and written.
    pub backfill: Option<Snapshot>,
}

/// A title-level snapshot a backfill (34-36) fills for titles stored before it existed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Snapshot {
    /// `release_dates` (movies): `T_WC_TMDB_MOVIE_RELEASE_DATE`, `TIM_RELEASE_DATES_COMPLETED`.
    ReleaseDates,
    /// `watch/providers`: `T_WC_TMDB_{MOVIE|SERIE}_WATCH_PROVIDER`,
    /// `TIM_WATCH_PROVIDERS_COMPLETED`.
    WatchProviders,
}

/// A per-run cap of an id selection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cap {
    None,
    /// `new_max_per_run` (the Python crawler's `LIMIT 20000`).
    New,
    /// `refresh_max_per_run`.
    Refresh,
    /// `backfill_max_per_run` (the Python crawler's `LIMIT 5000` of 34-36).
    Backfill,
}

/// An id selection with the usual flags.
const fn ids(cap: Cap) -> Workflow {
    Workflow::Ids(IdProcess {
        cap,
        once_per_export_day: false,
        deletes_gone: false,
        reads_rows_of: &[],
        selects_ahead: false,
        backfill: None,
    })
}

/// 34-36: stored titles lacking `snapshot`, each asked for that snapshot alone.
const fn backfill(snapshot: Snapshot) -> Workflow {
    Workflow::Ids(IdProcess {
        cap: Cap::Backfill,
        once_per_export_day: false,
        deletes_gone: false,
        reads_rows_of: &[],
        selects_ahead: false,
        backfill: Some(snapshot),
    })
}

/// 14-16: stored ids absent from the export, deleted when TMDb confirms they are gone.
const fn deletes_gone(once_per_export_day: bool) -> Workflow {
    Workflow::Ids(IdProcess {
        cap: Cap::None,
        once_per_export_day,
        deletes_gone: true,
        reads_rows_of: &[],
        selects_ahead: false,
        backfill: None,
    })
}

/// 31-33: ids named in credit rows, which the earlier processes of these kinds write.
const fn missing(reads_rows_of: &'static [EntityKind]) -> Workflow {
    Workflow::Ids(IdProcess {
        cap: Cap::None,
        once_per_export_day: false,
        deletes_gone: false,
        reads_rows_of,
        selects_ahead: true,
        backfill: None,
    })
}

/// The three change feeds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ChangesKind {
    Movie,
    Person,
    Tv,
}

/// Appends the not-found ledger rule, which applies to every id selection.
macro_rules! ledgered {
    ($s:literal) => {
        concat!(
            $s,
            ", minus ids the not-found ledger (T_WC_TMDB_ID_NOT_FOUND) is still holding back."
        )
    };
}

/// Every process, sorted by number.
pub const CATALOGUE: &[Process] = &[
    Process {
        number: 1,
        name: "newcollections",
        kind: EntityKind::Collection,
        group: ProcessGroup::New,
        selects: ledgered!(
            "Collection ids of the ID export with no stored collection that is live and credit-complete, lowest id first, capped per run"
        ),
        workflow: ids(Cap::New),
        in_default_scope: true,
    },
    Process {
        number: 2,
        name: "newmovies",
        kind: EntityKind::Movie,
        group: ProcessGroup::New,
        selects: ledgered!(
            "Movie ids of the ID export with no stored movie that is live and credit-complete, most popular first, capped per run"
        ),
        workflow: ids(Cap::New),
        in_default_scope: true,
    },
    Process {
        number: 3,
        name: "newpersons",
        kind: EntityKind::Person,
        group: ProcessGroup::New,
        selects: ledgered!(
            "Person ids of the ID export with no stored person that is live and credit-complete, most popular first, capped per run"
        ),
        workflow: ids(Cap::New),
        in_default_scope: true,
    },
    Process {
        number: 4,
        name: "newseries",
        kind: EntityKind::Series,
        group: ProcessGroup::New,
        selects: ledgered!(
            "Series ids of the ID export with no stored series that is live and credit-complete, most popular first, capped per run"
        ),
        workflow: ids(Cap::New),
        in_default_scope: true,
    },
    Process {
        number: 7,
        name: "backfillmoviekeywords",
        kind: EntityKind::Movie,
        group: ProcessGroup::Backfill,
        selects: ledgered!(
            "Stored movies whose keywords were never fetched (TIM_KEYWORDS_COMPLETED unset), most popular first"
        ),
        workflow: ids(Cap::None),
        in_default_scope: false,
    },
    Process {
        number: 8,
        name: "backfillpersons",
        kind: EntityKind::Person,
        group: ProcessGroup::Backfill,
        selects: ledgered!(
            "Stored persons written by crawler version 2 or older, most popular first"
        ),
        workflow: ids(Cap::None),
        in_default_scope: false,
    },
    Process {
        number: 9,
        name: "backfillmoviesfr",
        kind: EntityKind::Movie,
        group: ProcessGroup::Backfill,
        selects: ledgered!(
            "Stored movies that have no live French translation row, most popular first"
        ),
        workflow: ids(Cap::None),
        in_default_scope: false,
    },
    Process {
        number: 10,
        name: "backfillcollectionsfr",
        kind: EntityKind::Collection,
        group: ProcessGroup::Backfill,
        selects: ledgered!("Stored collections that have no live French translation row"),
        workflow: ids(Cap::None),
        in_default_scope: false,
    },
    Process {
        number: 11,
        name: "rollingrefreshmovies",
        kind: EntityKind::Movie,
        group: ProcessGroup::Refresh,
        selects: ledgered!(
            "Stored movies whose credits were completed more than 14 days ago, oldest first, capped per run"
        ),
        workflow: ids(Cap::New),
        in_default_scope: false,
    },
    Process {
        number: 12,
        name: "newkeywords",
        kind: EntityKind::Keyword,
        group: ProcessGroup::New,
        selects: "Keywords of the ID export without a completed T_WC_TMDB_KEYWORD row: their export name is stored and stamped, with no request to TMDb.",
        workflow: Workflow::KeywordNames,
        in_default_scope: true,
    },
    Process {
        number: 13,
        name: "refreshlists",
        kind: EntityKind::List,
        group: ProcessGroup::List,
        selects: ledgered!(
            "Every list already stored locally, on runs that bring in a new daily export"
        ),
        workflow: Workflow::Ids(IdProcess {
            cap: Cap::None,
            once_per_export_day: true,
            deletes_gone: false,
            reads_rows_of: &[],
            selects_ahead: false,
            backfill: None,
        }),
        in_default_scope: true,
    },
    Process {
        number: 14,
        name: "deletedmovies",
        kind: EntityKind::Movie,
        group: ProcessGroup::Deleted,
        selects: ledgered!(
            "Stored non-adult movies absent from the movie ID export and not fetched today, each confirmed gone at TMDb before it and its child rows are deleted"
        ),
        workflow: deletes_gone(false),
        in_default_scope: true,
    },
    Process {
        number: 15,
        name: "deletedpersons",
        kind: EntityKind::Person,
        group: ProcessGroup::Deleted,
        selects: ledgered!(
            "Stored non-adult persons absent from the person ID export and not fetched today, each confirmed gone at TMDb before it and its child rows are deleted"
        ),
        workflow: deletes_gone(false),
        in_default_scope: true,
    },
    Process {
        number: 16,
        name: "deletedseries",
        kind: EntityKind::Series,
        group: ProcessGroup::Deleted,
        selects: ledgered!(
            "Stored series (adult or not) absent from the TV series ID export and not fetched today, once per export day, each confirmed gone at TMDb before it and its child rows are deleted"
        ),
        workflow: deletes_gone(true),
        in_default_scope: true,
    },
    Process {
        number: 17,
        name: "newcompanies",
        kind: EntityKind::Company,
        group: ProcessGroup::New,
        selects: ledgered!(
            "Production company ids of the ID export with no live stored company, lowest id first, capped per run"
        ),
        workflow: ids(Cap::New),
        in_default_scope: true,
    },
    Process {
        number: 18,
        name: "newnetworks",
        kind: EntityKind::Network,
        group: ProcessGroup::New,
        selects: ledgered!(
            "TV network ids of the ID export with no live stored network, lowest id first, capped per run"
        ),
        workflow: ids(Cap::New),
        in_default_scope: true,
    },
    Process {
        number: 19,
        name: "watchprovidercatalogs",
        kind: EntityKind::Movie,
        group: ProcessGroup::Reference,
        selects: "No ids: fetches the movie and TV watch-provider catalogues (/watch/providers/movie and /tv, 2 requests) and replaces each valid one in T_WC_TMDB_WATCH_PROVIDER_CATALOG and _REGION, rebuilding the provider identities (T_WC_TMDB_WATCH_PROVIDER); a malformed catalogue keeps the stored one.",
        workflow: Workflow::ProviderCatalogs,
        in_default_scope: true,
    },
    Process {
        number: 22,
        name: "refreshingmovies",
        kind: EntityKind::Movie,
        group: ProcessGroup::Refresh,
        selects: ledgered!(
            "Stored movies last updated (TIM_UPDATED) more than refresh_after_days ago (default 30), oldest first, capped per run"
        ),
        workflow: ids(Cap::Refresh),
        in_default_scope: true,
    },
    Process {
        number: 23,
        name: "wikidatamovieidfix",
        kind: EntityKind::Movie,
        group: ProcessGroup::Fix,
        selects: ledgered!(
            "Stored movies with ID_WIKIDATA NULL or empty whose IMDb id (tt...) matches a Wikidata movie item, on runs that bring in a new daily export"
        ),
        workflow: Workflow::Ids(IdProcess {
            cap: Cap::None,
            once_per_export_day: true,
            deletes_gone: false,
            reads_rows_of: &[EntityKind::Movie],
            selects_ahead: false,
            backfill: None,
        }),
        in_default_scope: true,
    },
    Process {
        number: 24,
        name: "refreshingpersons",
        kind: EntityKind::Person,
        group: ProcessGroup::Refresh,
        selects: ledgered!(
            "Stored persons last updated (TIM_UPDATED) more than refresh_after_days ago (default 30), oldest first, capped per run"
        ),
        workflow: ids(Cap::Refresh),
        in_default_scope: true,
    },
    Process {
        number: 25,
        name: "refreshingcollections",
        kind: EntityKind::Collection,
        group: ProcessGroup::Refresh,
        selects: ledgered!(
            "Stored collections last updated (TIM_UPDATED) more than refresh_after_days ago (default 30), oldest first, capped per run"
        ),
        workflow: ids(Cap::Refresh),
        in_default_scope: true,
    },
    Process {
        number: 26,
        name: "refreshingcompanies",
        kind: EntityKind::Company,
        group: ProcessGroup::Refresh,
        selects: ledgered!(
            "Stored companies last updated (TIM_UPDATED) more than refresh_after_days ago (default 30), oldest first, capped per run"
        ),
        workflow: ids(Cap::Refresh),
        in_default_scope: true,
    },
    Process {
        number: 27,
        name: "refreshingnetworks",
        kind: EntityKind::Network,
        group: ProcessGroup::Refresh,
        selects: ledgered!(
            "Stored networks last updated (TIM_UPDATED) more than refresh_after_days ago (default 30), oldest first, capped per run"
        ),
        workflow: ids(Cap::Refresh),
        in_default_scope: true,
    },
    Process {
        number: 28,
        name: "refreshingseries",
        kind: EntityKind::Series,
        group: ProcessGroup::Refresh,
        selects: ledgered!(
            "Stored series last updated (TIM_UPDATED) more than refresh_after_days ago (default 30), oldest first, capped per run"
        ),
        workflow: ids(Cap::Refresh),
        in_default_scope: true,
    },
    Process {
        number: 31,
        name: "missingpersons",
        kind: EntityKind::Person,
        group: ProcessGroup::Missing,
        selects: ledgered!(
            "Person ids named in movie credits (T_WC_TMDB_PERSON_MOVIE) or series credits (T_WC_TMDB_PERSON_SERIE) that have no stored person"
        ),
        workflow: missing(&[EntityKind::Movie, EntityKind::Series, EntityKind::Person]),
        in_default_scope: true,
    },
    Process {
        number: 32,
        name: "missingmovies",
        kind: EntityKind::Movie,
        group: ProcessGroup::Missing,
        selects: ledgered!(
            "Movie ids named in movie credits (T_WC_TMDB_PERSON_MOVIE) that have no stored movie"
        ),
        workflow: missing(&[EntityKind::Movie, EntityKind::Person]),
        in_default_scope: true,
    },
    Process {
        number: 33,
        name: "missingseries",
        kind: EntityKind::Series,
        group: ProcessGroup::Missing,
        selects: ledgered!(
            "Series ids named in series credits (T_WC_TMDB_PERSON_SERIE) that have no stored series"
        ),
        workflow: missing(&[EntityKind::Series, EntityKind::Person]),
        in_default_scope: true,
    },
    Process {
        number: 34,
        name: "backfillmoviereleasedates",
        kind: EntityKind::Movie,
        group: ProcessGroup::Backfill,
        selects: ledgered!(
            "Live credit-complete movies whose release dates were never fetched (TIM_RELEASE_DATES_COMPLETED unset), most popular first then lowest id, capped per run; each is asked for its release_dates only"
        ),
        workflow: backfill(Snapshot::ReleaseDates),
        in_default_scope: true,
    },
    Process {
        number: 35,
        name: "backfillmoviewatchproviders",
        kind: EntityKind::Movie,
        group: ProcessGroup::Backfill,
        selects: ledgered!(
            "Live credit-complete movies whose watch providers were never fetched (TIM_WATCH_PROVIDERS_COMPLETED unset), most popular first then lowest id, capped per run; each is asked for its watch/providers only"
        ),
        workflow: backfill(Snapshot::WatchProviders),
        in_default_scope: true,
    },
    Process {
        number: 36,
        name: "backfillseriewatchproviders",
        kind: EntityKind::Series,
        group: ProcessGroup::Backfill,
        selects: ledgered!(
            "Live credit-complete series whose watch providers were never fetched (TIM_WATCH_PROVIDERS_COMPLETED unset), most popular first then lowest id, capped per run; each is asked for its watch/providers only"
        ),
        workflow: backfill(Snapshot::WatchProviders),
        in_default_scope: true,
    },
    Process {
        number: 41,
        name: "importmovieids",
        kind: EntityKind::Movie,
        group: ProcessGroup::Export,
        selects: "No ids: loads the daily movie_ids export file into T_WC_TMDB_MOVIE_ID_IMPORT.",
        workflow: Workflow::Export(ExportKind::Movie),
        in_default_scope: true,
    },
    Process {
        number: 42,
        name: "importpersonids",
        kind: EntityKind::Person,
        group: ProcessGroup::Export,
        selects: "No ids: loads the daily person_ids export file into T_WC_TMDB_PERSON_ID_IMPORT.",
        workflow: Workflow::Export(ExportKind::Person),
        in_default_scope: true,
    },
    Process {
        number: 43,
        name: "importcollectionids",
        kind: EntityKind::Collection,
        group: ProcessGroup::Export,
        selects: "No ids: loads the daily collection_ids export file into T_WC_TMDB_COLLECTION_ID_IMPORT.",
        workflow: Workflow::Export(ExportKind::Collection),
        in_default_scope: true,
    },
    Process {
        number: 44,
        name: "importtvseriesids",
        kind: EntityKind::Series,
        group: ProcessGroup::Export,
        selects: "No ids: loads the daily tv_series_ids export file into T_WC_TMDB_TV_SERIE_ID_IMPORT.",
        workflow: Workflow::Export(ExportKind::TvSeries),
        in_default_scope: true,
    },
    Process {
        number: 45,
        name: "importkeywordids",
        kind: EntityKind::Keyword,
        group: ProcessGroup::Export,
        selects: "No ids: loads the daily keyword_ids export file into T_WC_TMDB_KEYWORD_ID_IMPORT.",
        workflow: Workflow::Export(ExportKind::Keyword),
        in_default_scope: true,
    },
    Process {
        number: 46,
        name: "importtvnetworkids",
        kind: EntityKind::Network,
        group: ProcessGroup::Export,
        selects: "No ids: loads the daily tv_network_ids export file into T_WC_TMDB_TV_NETWORK_ID_IMPORT.",
        workflow: Workflow::Export(ExportKind::TvNetwork),
        in_default_scope: true,
    },
    Process {
        number: 47,
        name: "importproductioncompanyids",
        kind: EntityKind::Company,
        group: ProcessGroup::Export,
        selects: "No ids: loads the daily production_company_ids export file into T_WC_TMDB_PRODUCTION_COMPANY_ID_IMPORT.",
        workflow: Workflow::Export(ExportKind::ProductionCompany),
        in_default_scope: true,
    },
    Process {
        number: 51,
        name: "changesmovie",
        kind: EntityKind::Movie,
        group: ProcessGroup::Changes,
        selects: ledgered!(
            "Movie ids reported by TMDb /movie/changes from the saved cursor day through yesterday (UTC), in windows of at most 14 days, unless stored after the window"
        ),
        workflow: Workflow::Changes(ChangesKind::Movie),
        in_default_scope: true,
    },
    Process {
        number: 52,
        name: "changesperson",
        kind: EntityKind::Person,
        group: ProcessGroup::Changes,
        selects: ledgered!(
            "Person ids reported by TMDb /person/changes from the saved cursor day through yesterday (UTC), in windows of at most 14 days, unless stored after the window"
        ),
        workflow: Workflow::Changes(ChangesKind::Person),
        in_default_scope: true,
    },
    Process {
        number: 53,
        name: "changesserie",
        kind: EntityKind::Series,
        group: ProcessGroup::Changes,
        selects: ledgered!(
            "Series ids reported by TMDb /tv/changes from the saved cursor day through yesterday (UTC), in windows of at most 14 days, unless stored after the window"
        ),
        workflow: Workflow::Changes(ChangesKind::Tv),
        in_default_scope: true,
    },
];

/// The order of a run without `--process`, the 2026-08 Python crawler's: exports, the new,
/// deleted, missing and small refreshes, the change feeds, and last the 30-day refreshes of
/// movies, series and persons, so new content and changes are never starved by them.
pub const DEFAULT_ORDER: &[u16] = &[
    // Loop 1: daily ID exports.
    41, 42, 43, 44, 45, 46, 47, //
    // Loop 2. 19 and 12 select no ids: first, so the id processes form one pipeline (the
    // Python crawler ran them after 17 and 18; nothing depends on either order).
    19, 12, 17, 18, 1, 2, 3, 4, 13, 14, 15, 16, 23, 31, 32, 33, 25, 26, 27, //
    // Loop 3: change feeds.
    51, 52, 53, //
    // Loop 5: the large refreshes, then the backfills (a title refreshed there is complete).
    22, 28, 24, 34, 35, 36,
];

/// The process with this number, if it exists.
impl Process {
    /// The `Kind` column of `tmdb-crawler processes`.
    pub fn kind_token(&self) -> &'static str {
        match self.workflow {
            Workflow::ProviderCatalogs => "provider",
            _ => self.kind.token(),
        }
    }
}

pub fn find(number: u16) -> Option<&'static Process> {
    CATALOGUE
        .binary_search_by_key(&number, |p| p.number)
        .ok()
        .and_then(|i| CATALOGUE.get(i))
}

/// 1-based position of `number` in [`DEFAULT_ORDER`], or `None` when it is off by default.
pub fn default_position(number: u16) -> Option<usize> {
    DEFAULT_ORDER
        .iter()
        .position(|&n| n == number)
        .map(|i| i + 1)
}

impl ChangesKind {
    pub const ALL: [ChangesKind; 3] = [ChangesKind::Movie, ChangesKind::Person, ChangesKind::Tv];

    /// 51, 52, 53.
    pub fn process(self) -> u16 {
        number_of(Workflow::Changes(self))
    }

    pub fn from_process(number: u16) -> Option<ChangesKind> {
        match find(number)?.workflow {
            Workflow::Changes(kind) => Some(kind),
            _ => None,
        }
    }

    /// The API path segment: `movie`, `person`, `tv`.
    pub fn api_segment(self) -> &'static str {
        self.entity().api_segment()
    }

    /// The token of the server-variable names: `movie`, `person`, `serie`.
    pub fn var_token(self) -> &'static str {
        match self {
            ChangesKind::Movie => "movie",
            ChangesKind::Person => "person",
            ChangesKind::Tv => "serie",
        }
    }

    /// The entity kind the feed lists (its table, key and ledger name).
    pub fn entity(self) -> EntityKind {
        match self {
            ChangesKind::Movie => EntityKind::Movie,
            ChangesKind::Person => EntityKind::Person,
            ChangesKind::Tv => EntityKind::Series,
        }
    }

    /// `strtmdbcrawlerchanges<token>date`: the next day to poll.
    pub fn date_var(self) -> String {
        format!("strtmdbcrawlerchanges{}date", self.var_token())
    }

    /// `strtmdbcrawlerchanges<token>count`: ids re-fetched in the last completed window.
    pub fn count_var(self) -> String {
        format!("strtmdbcrawlerchanges{}count", self.var_token())
    }
}

impl std::fmt::Display for ChangesKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.api_segment())
    }
}

impl ExportKind {
    /// 41-47.
    pub fn process(self) -> u16 {
        number_of(Workflow::Export(self))
    }

    pub fn from_process(number: u16) -> Option<ExportKind> {
        match find(number)?.workflow {
            Workflow::Export(kind) => Some(kind),
            _ => None,
        }
    }
}

/// The number of the process with this workflow (every export kind and feed has one).
fn number_of(workflow: Workflow) -> u16 {
    CATALOGUE
        .iter()
        .find(|p| p.workflow == workflow)
        .map_or(0, |p| p.number)
}

/// The id selection of `number`, with the entity kind it fetches; `None` for the exports,
/// the change feeds and unknown numbers.
pub fn id_process(number: u16) -> Option<(EntityKind, IdProcess)> {
    let p = find(number)?;
    match p.workflow {
        Workflow::Ids(ids) => Some((p.kind, ids)),
        _ => None,
    }
}

impl Snapshot {
    /// The `append_to_response` item that carries the snapshot.
    pub fn append(self) -> &'static str {
        match self {
            Snapshot::ReleaseDates => "release_dates",
            Snapshot::WatchProviders => "watch/providers",
        }
    }
}

/// The title kind and snapshot of a backfill (34-36); `None` for every other number.
pub fn backfill_of(number: u16) -> Option<(EntityKind, Snapshot)> {
    let (kind, ids) = id_process(number)?;
    Some((kind, ids.backfill?))
}

/// Every process but the exports and 12 calls the TMDb API.
pub fn needs_api(number: u16) -> bool {
    find(number)
        .is_some_and(|p| !matches!(p.workflow, Workflow::Export(_) | Workflow::KeywordNames))
}

/// Why a `--process` list was rejected.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ProcessError {
    #[error("empty process list (give numbers such as `41,2,51` or ranges such as `41-47`)")]
    Empty,
    #[error("empty entry in process list '{0}'")]
    EmptyEntry(String),
    #[error("invalid process number '{0}'")]
    InvalidNumber(String),
    #[error("invalid process range '{0}' (expected `start-end` with start <= end)")]
    InvalidRange(String),
    #[error("unknown process {0} (see `tmdb-crawler processes`)")]
    Unknown(u16),
    #[error("process {0} is listed more than once")]
    Duplicate(u16),
}

fn parse_number(s: &str) -> Result<u16, ProcessError> {
    let t = s.trim();
    if t.is_empty() || !t.bytes().all(|b| b.is_ascii_digit()) {
        return Err(ProcessError::InvalidNumber(t.to_string()));
    }
    t.parse::<u16>()
        .map_err(|_| ProcessError::InvalidNumber(t.to_string()))
}

/// Parses a run list such as `"41,2,51"` or `"41-47, 17"`.
///
/// The given order is kept. Items are trimmed. A range `a-b` expands to `a..=b`, and every
/// number in it must be a known process. Unknown numbers and numbers given twice (including
/// through overlapping ranges) are rejected.
pub fn parse_list(s: &str) -> Result<Vec<u16>, ProcessError> {
    if s.trim().is_empty() {
        return Err(ProcessError::Empty);
    }
    let mut out = Vec::new();
    let mut seen = HashSet::new();
    let mut push = |n: u16| -> Result<(), ProcessError> {
        if find(n).is_none() {
            return Err(ProcessError::Unknown(n));
        }
        if !seen.insert(n) {
            return Err(ProcessError::Duplicate(n));
        }
        out.push(n);
        Ok(())
    };
    for item in s.split(',') {
        let item = item.trim();
        if item.is_empty() {
            return Err(ProcessError::EmptyEntry(s.trim().to_string()));
        }
        match item.split_once('-') {
            Some((a, b)) => {
                if a.trim().is_empty() || b.trim().is_empty() {
                    return Err(ProcessError::InvalidRange(item.to_string()));
                }
                let start = parse_number(a)?;
                let end = parse_number(b)?;
                if start > end {
                    return Err(ProcessError::InvalidRange(item.to_string()));
                }
                for n in start..=end {
                    push(n)?;
                }
            }
            None => push(parse_number(item)?)?,
        }
    }
    Ok(out)
}

/// Aligned text table of the catalogue: `No | Name | Kind | Default | Selects`.
///
/// The Default column shows the 1-based position in the default run, or `off`.
pub fn render_table() -> String {
    let headers = ["No", "Name", "Kind", "Default", "Selects"];
    let rows: Vec<[String; 5]> = CATALOGUE
        .iter()
        .map(|p| {
            [
                p.number.to_string(),
                p.name.to_string(),
                p.kind_token().to_string(),
                default_position(p.number).map_or_else(|| "off".to_string(), |i| i.to_string()),
                p.selects.to_string(),
            ]
        })
        .collect();

    // Width of the four padded columns; Selects is last and left ragged.
    let mut widths = [0usize; 4];
    for (w, h) in widths.iter_mut().zip(headers.iter()) {
        *w = h.chars().count();
    }
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row.iter()) {
            *w = (*w).max(cell.chars().count());
        }
    }

    let line = |cells: [&str; 5]| -> String {
        format!(
            "{:>w0$} | {:<w1$} | {:<w2$} | {:>w3$} | {}",
            cells[0],
            cells[1],
            cells[2],
            cells[3],
            cells[4],
            w0 = widths[0],
            w1 = widths[1],
            w2 = widths[2],
            w3 = widths[3],
        )
    };

    let mut out = String::new();
    out.push_str(&line(headers));
    out.push('\n');
    let rule = format!(
        "{}-+-{}-+-{}-+-{}-+-{}",
        "-".repeat(widths[0]),
        "-".repeat(widths[1]),
        "-".repeat(widths[2]),
        "-".repeat(widths[3]),
        "-".repeat(headers[4].len()),
    );
    out.push_str(&rule);
    out.push('\n');
    for row in &rows {
        out.push_str(&line([&row[0], &row[1], &row[2], &row[3], &row[4]]));
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_order_and_flags_agree() {
        for &n in DEFAULT_ORDER {
            let p = find(n).unwrap_or_else(|| panic!("{n} in DEFAULT_ORDER but not in CATALOGUE"));
            assert!(
                p.in_default_scope,
                "{n} is in DEFAULT_ORDER but flagged off"
            );
        }
        for p in CATALOGUE {
            assert_eq!(
                p.in_default_scope,
                DEFAULT_ORDER.contains(&p.number),
                "flag and DEFAULT_ORDER disagree for {}",
                p.number
            );
        }
        let unique: HashSet<u16> = DEFAULT_ORDER.iter().copied().collect();
        assert_eq!(
            unique.len(),
            DEFAULT_ORDER.len(),
            "DEFAULT_ORDER repeats a number"
        );
    }

    #[test]
    fn default_order_is_the_2026_08_one() {
        let expected: &[u16] = &[
            41, 42, 43, 44, 45, 46, 47, 19, 12, 17, 18, 1, 2, 3, 4, 13, 14, 15, 16, 23, 31, 32, 33,
            25, 26, 27, 51, 52, 53, 22, 28, 24, 34, 35, 36,
        ];
        assert_eq!(DEFAULT_ORDER, expected);
        assert_eq!(default_position(41), Some(1));
        assert_eq!(default_position(19), Some(8));
        assert_eq!(default_position(12), Some(9));
        assert_eq!(default_position(36), Some(DEFAULT_ORDER.len()));
        for n in 7..=11 {
            assert_eq!(default_position(n), None, "{n} should be off by default");
        }
    }

    #[test]
    fn catalogue_sorted_unique() {
        for pair in CATALOGUE.windows(2) {
            assert!(
                pair[0].number < pair[1].number,
                "CATALOGUE not strictly sorted at {} / {}",
                pair[0].number,
                pair[1].number
            );
        }
        let names: HashSet<&str> = CATALOGUE.iter().map(|p| p.name).collect();
        assert_eq!(names.len(), CATALOGUE.len(), "duplicate process name");
    }

    #[test]
    fn catalogue_has_exact_numbers() {
        let mut expected: Vec<u16> = vec![1, 2, 3, 4];
        expected.extend(7..=19);
        expected.extend(22..=28);
        expected.extend([31, 32, 33, 34, 35, 36]);
        expected.extend(41..=47);
        expected.extend([51, 52, 53]);
        let actual: Vec<u16> = CATALOGUE.iter().map(|p| p.number).collect();
        assert_eq!(actual, expected);
        assert!(find(5).is_none());
        assert_eq!(find(25).map(|p| p.name), Some("refreshingcollections"));
    }

    #[test]
    fn python_tokens_kept() {
        let expected = [
            (17, "newcompanies"),
            (18, "newnetworks"),
            (1, "newcollections"),
            (2, "newmovies"),
            (3, "newpersons"),
            (4, "newseries"),
            (13, "refreshlists"),
            (14, "deletedmovies"),
            (15, "deletedpersons"),
            (16, "deletedseries"),
            (23, "wikidatamovieidfix"),
            (31, "missingpersons"),
            (32, "missingmovies"),
            (33, "missingseries"),
            (22, "refreshingmovies"),
            (24, "refreshingpersons"),
            (25, "refreshingcollections"),
            (26, "refreshingcompanies"),
            (27, "refreshingnetworks"),
            (12, "newkeywords"),
        ];
        for (n, name) in expected {
            assert_eq!(find(n).map(|p| p.name), Some(name), "name of {n}");
        }
    }

    #[test]
    fn backfills_34_to_36_ask_one_snapshot_each_and_close_the_default_order() {
        assert_eq!(
            backfill_of(34),
            Some((EntityKind::Movie, Snapshot::ReleaseDates))
        );
        assert_eq!(
            backfill_of(35),
            Some((EntityKind::Movie, Snapshot::WatchProviders))
        );
        assert_eq!(
            backfill_of(36),
            Some((EntityKind::Series, Snapshot::WatchProviders))
        );
        for n in [2, 7, 22, 33, 41, 51] {
            assert_eq!(backfill_of(n), None, "{n}");
        }
        for n in 34..=36 {
            let (_, ids) = id_process(n).unwrap_or_else(|| panic!("{n} selects ids"));
            assert_eq!(ids.cap, Cap::Backfill, "{n}");
            assert!(!ids.deletes_gone, "{n} never deletes a title");
            assert_eq!(find(n).map(|p| p.group), Some(ProcessGroup::Backfill));
            assert_eq!(
                default_position(n),
                Some(DEFAULT_ORDER.len() + usize::from(n) - 36),
                "{n}"
            );
            assert!(needs_api(n));
        }
        assert_eq!(parse_list("34,35,36"), Ok(vec![34, 35, 36]));
        assert_eq!(Snapshot::ReleaseDates.append(), "release_dates");
        assert_eq!(Snapshot::WatchProviders.append(), "watch/providers");
    }

    #[test]
    fn parse_keeps_order() {
        assert_eq!(parse_list("41,2,51"), Ok(vec![41, 2, 51]));
        assert_eq!(parse_list(" 51 , 2,41 "), Ok(vec![51, 2, 41]));
        assert_eq!(parse_list("7"), Ok(vec![7]));
    }

    #[test]
    fn parse_ranges() {
        assert_eq!(parse_list("41-47"), Ok(vec![41, 42, 43, 44, 45, 46, 47]));
        assert_eq!(parse_list("2, 51 - 53, 1"), Ok(vec![2, 51, 52, 53, 1]));
        assert_eq!(parse_list("14-14"), Ok(vec![14]));
        assert!(matches!(
            parse_list("47-41"),
            Err(ProcessError::InvalidRange(_))
        ));
        assert!(matches!(
            parse_list("41-"),
            Err(ProcessError::InvalidRange(_))
        ));
        assert_eq!(parse_list("1-5"), Err(ProcessError::Unknown(5)));
    }

    #[test]
    fn parse_unknown_mentions_number() {
        let err = parse_list("41,5,2");
        assert_eq!(err, Err(ProcessError::Unknown(5)));
        let msg = err.err().map(|e| e.to_string()).unwrap_or_default();
        assert!(msg.contains('5'), "{msg}");
        assert_eq!(msg, "unknown process 5 (see `tmdb-crawler processes`)");
    }

    #[test]
    fn parse_duplicates() {
        assert_eq!(parse_list("2,41,2"), Err(ProcessError::Duplicate(2)));
        assert_eq!(parse_list("41-47,42"), Err(ProcessError::Duplicate(42)));
    }

    #[test]
    fn parse_garbage() {
        assert_eq!(
            parse_list("x"),
            Err(ProcessError::InvalidNumber("x".to_string()))
        );
        assert_eq!(
            parse_list("x").err().map(|e| e.to_string()),
            Some("invalid process number 'x'".to_string())
        );
        assert!(matches!(
            parse_list("2,abc"),
            Err(ProcessError::InvalidNumber(_))
        ));
        assert!(matches!(
            parse_list("+2"),
            Err(ProcessError::InvalidNumber(_))
        ));
        assert!(matches!(
            parse_list("99999"),
            Err(ProcessError::InvalidNumber(_))
        ));
        assert!(matches!(
            parse_list("2 3"),
            Err(ProcessError::InvalidNumber(_))
        ));
        assert!(matches!(
            parse_list("-5"),
            Err(ProcessError::InvalidRange(_))
        ));
        assert!(matches!(
            parse_list("2,,3"),
            Err(ProcessError::EmptyEntry(_))
        ));
        assert!(matches!(parse_list("2,"), Err(ProcessError::EmptyEntry(_))));
    }

    #[test]
    fn parse_empty() {
        assert_eq!(parse_list(""), Err(ProcessError::Empty));
        assert_eq!(parse_list("  "), Err(ProcessError::Empty));
        assert!(
            ProcessError::Empty.to_string().contains("empty"),
            "message should say the list is empty"
        );
    }

    #[test]
    fn table_has_a_row_per_process() {
        let table = render_table();
        let lines: Vec<&str> = table.lines().collect();
        assert_eq!(lines.len(), CATALOGUE.len() + 2, "header + rule + rows");
        let header = lines.first().copied().unwrap_or_default();
        for col in ["No", "Name", "Kind", "Default", "Selects"] {
            assert!(header.contains(col), "header lacks {col}");
        }
        for p in CATALOGUE {
            let row = lines
                .iter()
                .find(|l| {
                    let mut cells = l.split(" | ");
                    cells.next().map(str::trim) == Some(p.number.to_string().as_str())
                        && cells.next().map(str::trim) == Some(p.name)
                })
                .unwrap_or_else(|| panic!("no row for process {}", p.number));
            let cells: Vec<&str> = row.split(" | ").map(str::trim).collect();
            assert_eq!(cells.get(2).copied(), Some(p.kind_token()));
            let default =
                default_position(p.number).map_or_else(|| "off".to_string(), |i| i.to_string());
            assert_eq!(cells.get(3).copied(), Some(default.as_str()));
            assert!(row.ends_with(p.selects), "selects missing for {}", p.number);
        }
        // Columns line up: the separator sits at the same offset on every line.
        let offsets: HashSet<Option<usize>> = lines
            .iter()
            .filter(|l| !l.starts_with('-'))
            .map(|l| l.find(" | "))
            .collect();
        assert_eq!(offsets.len(), 1, "first column is not aligned");
    }

    #[test]
    fn selects_are_single_sentences() {
        for p in CATALOGUE {
            assert!(
                p.selects.ends_with('.'),
                "{} selects lacks a full stop",
                p.number
            );
            let inner = &p.selects[..p.selects.len() - 1];
            assert!(
                !inner.contains(". "),
                "{} selects has more than one sentence",
                p.number
            );
        }
    }

    #[test]
    fn kinds_and_groups() {
        assert_eq!(EntityKind::Series.token(), "serie");
        assert_eq!(find(53).map(|p| p.kind), Some(EntityKind::Series));
        assert_eq!(find(13).map(|p| p.kind), Some(EntityKind::List));
        for n in 41..=47 {
            assert_eq!(find(n).map(|p| p.group), Some(ProcessGroup::Export));
        }
        for n in 51..=53 {
            assert_eq!(find(n).map(|p| p.group), Some(ProcessGroup::Changes));
        }
        for n in [22, 24, 25, 26, 27, 28] {
            let p = find(n).unwrap_or_else(|| panic!("{n} missing"));
            assert_eq!(p.group, ProcessGroup::Refresh);
            assert!(p.selects.contains("refresh_after_days"));
        }
        // The ledger rule is stated on every id-selecting process.
        for p in CATALOGUE
            .iter()
            .filter(|p| matches!(p.workflow, Workflow::Ids(_) | Workflow::Changes(_)))
        {
            assert!(
                p.selects.contains("T_WC_TMDB_ID_NOT_FOUND"),
                "{} does not mention the not-found ledger",
                p.number
            );
        }
    }

    #[test]
    fn process_19_replaces_the_provider_catalogues_on_request_only() {
        let p = find(19).expect("process 19");
        assert_eq!(p.name, "watchprovidercatalogs");
        assert_eq!(p.workflow, Workflow::ProviderCatalogs);
        assert_eq!(p.group, ProcessGroup::Reference);
        assert_eq!(p.kind_token(), "provider");
        assert!(needs_api(19), "it calls TMDb");
        assert_eq!(id_process(19), None, "it selects no ids");
        assert_eq!(parse_list("19"), Ok(vec![19]));
        assert_eq!(parse_list("18-19"), Ok(vec![18, 19]));
        // First of loop 2 in the 2026-08 default order, right after the exports.
        assert_eq!(default_position(19), Some(8));
        let table = render_table();
        let row: Vec<&str> = table
            .lines()
            .find(|l| l.contains("watchprovidercatalogs"))
            .map(|l| l.split(" | ").map(str::trim).collect())
            .unwrap_or_default();
        assert_eq!(
            row.get(..4),
            Some(&["19", "watchprovidercatalogs", "provider", "8"][..])
        );
    }
}
