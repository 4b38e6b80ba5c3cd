//! Typed TMDb payloads → the rows the crawler owns in the `T_WC_*` tables.
//!
//! Pure logic, no database: each kind's module turns one fetched payload into an
//! [`EntityRecord`] (the main row, every child set, the completion stamps), following
//! `shared/spec/schema-and-mapping.md` §2-§4. The DbWriter applies a record in one transaction
//! (`store::entities`). A record only carries what the crawler owns: columns that other
//! programs maintain are never named here, so an update cannot touch them.

pub mod collection;
pub mod company;
pub mod list;
pub mod movie;
pub mod network;
pub mod person;
pub mod provider_catalog;
pub mod snapshots;
pub mod tv;

use std::fmt;

use sea_orm::Value;

/// The kinds of TMDb entity the crawler mirrors.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EntityKind {
    Movie,
    Series,
    Person,
    Collection,
    Company,
    Network,
    Keyword,
    List,
}

impl EntityKind {
    pub const ALL: [EntityKind; 8] = [
        EntityKind::Movie,
        EntityKind::Series,
        EntityKind::Person,
        EntityKind::Collection,
        EntityKind::Company,
        EntityKind::Network,
        EntityKind::Keyword,
        EntityKind::List,
    ];

    /// `ENTITY_TYPE` in the not-found ledger, as the later Python crawler wrote it; also the
    /// token of process listings and logs.
    pub fn ledger_name(self) -> &'static str {
        self.token()
    }

    /// Lower-case token: series are "serie", like the `T_WC_TMDB_SERIE` tables and the
    /// inherited server-variable names.
    pub fn token(self) -> &'static str {
        match self {
            EntityKind::Movie => "movie",
            EntityKind::Series => "serie",
            EntityKind::Person => "person",
            EntityKind::Collection => "collection",
            EntityKind::Company => "company",
            EntityKind::Network => "network",
            EntityKind::Keyword => "keyword",
            EntityKind::List => "list",
        }
    }

    /// The TMDb API path segment (`/3/{segment}/{id}`).
    pub fn api_segment(self) -> &'static str {
        match self {
            EntityKind::Movie => "movie",
            EntityKind::Series => "tv",
            EntityKind::Person => "person",
            EntityKind::Collection => "collection",
            EntityKind::Company => "company",
            EntityKind::Network => "network",
            EntityKind::Keyword => "keyword",
            EntityKind::List => "list",
        }
    }

    /// The entity table and its primary key column.
    pub fn table(self) -> (&'static str, &'static str) {
        match self {
            EntityKind::Movie => ("T_WC_TMDB_MOVIE", "ID_MOVIE"),
            EntityKind::Series => ("T_WC_TMDB_SERIE", "ID_SERIE"),
            EntityKind::Person => ("T_WC_TMDB_PERSON", "ID_PERSON"),
            EntityKind::Collection => ("T_WC_TMDB_COLLECTION", "ID_COLLECTION"),
            EntityKind::Company => ("T_WC_TMDB_COMPANY", "ID_COMPANY"),
            EntityKind::Network => ("T_WC_TMDB_NETWORK", "ID_NETWORK"),
            EntityKind::Keyword => ("T_WC_TMDB_KEYWORD_ID_IMPORT", "id"),
            EntityKind::List => ("T_WC_TMDB_LIST", "ID_LIST"),
        }
    }

    /// Every table holding rows that belong to an entity of this kind, with the column that
    /// points at it; `DeleteEntity` removes them all, skipping what the live database lacks
    /// (`T_WC_TMDB_MOVIE_LANG_META` is gone in 2026-08, the neighbour tables only came then).
    /// A table appears twice when two columns point at the kind: a deleted movie leaves no
    /// `SIMILAR` row of its own, nor one naming it as another movie's neighbour. Tables of
    /// other programs that merely mention the id (Plex matches, Wikidata) are not the
    /// crawler's and are left alone.
    pub fn owned_tables(self) -> &'static [(&'static str, &'static str)] {
        match self {
            EntityKind::Movie => &[
                ("T_WC_TMDB_MOVIE", "ID_MOVIE"),
                ("T_WC_TMDB_MOVIE_LANG", "ID_MOVIE"),
                ("T_WC_TMDB_MOVIE_LANG_META", "ID_MOVIE"),
                ("T_WC_TMDB_MOVIE_LEMME", "ID_MOVIE"),
                ("T_WC_TMDB_MOVIE_LIST", "ID_MOVIE"),
                ("T_WC_TMDB_MOVIE_GENRE", "ID_MOVIE"),
                ("T_WC_TMDB_MOVIE_KEYWORD", "ID_MOVIE"),
                ("T_WC_TMDB_MOVIE_COMPANY", "ID_MOVIE"),
                ("T_WC_TMDB_MOVIE_PRODUCTION_COUNTRY", "ID_MOVIE"),
                ("T_WC_TMDB_MOVIE_SPOKEN_LANGUAGE", "ID_MOVIE"),
                ("T_WC_TMDB_MOVIE_IMAGE", "ID_MOVIE"),
                ("T_WC_TMDB_MOVIE_TITLE", "ID_MOVIE"),
                ("T_WC_TMDB_MOVIE_VIDEO", "ID_MOVIE"),
                ("T_WC_TMDB_MOVIE_RELEASE_DATE", "ID_MOVIE"),
                ("T_WC_TMDB_MOVIE_WATCH_PROVIDER", "ID_MOVIE"),
                ("T_WC_TMDB_MOVIE_SIMILAR", "ID_MOVIE"),
                ("T_WC_TMDB_MOVIE_SIMILAR", "ID_MOVIE_SIMILAR"),
                ("T_WC_TMDB_MOVIE_RECOMMENDATION", "ID_MOVIE"),
                ("T_WC_TMDB_MOVIE_RECOMMENDATION", "ID_MOVIE_RECOMMENDED"),
                ("T_WC_TMDB_PERSON_MOVIE", "ID_MOVIE"),
            ],
            EntityKind::Series => &[
                ("T_WC_TMDB_SERIE", "ID_SERIE"),
                ("T_WC_TMDB_SERIE_LANG", "ID_SERIE"),
                ("T_WC_TMDB_SERIE_LIST", "ID_SERIE"),
                ("T_WC_TMDB_SERIE_GENRE", "ID_SERIE"),
                ("T_WC_TMDB_SERIE_KEYWORD", "ID_SERIE"),
                ("T_WC_TMDB_SERIE_COMPANY", "ID_SERIE"),
                ("T_WC_TMDB_SERIE_NETWORK", "ID_SERIE"),
                ("T_WC_TMDB_SERIE_PRODUCTION_COUNTRY", "ID_SERIE"),
                ("T_WC_TMDB_SERIE_SPOKEN_LANGUAGE", "ID_SERIE"),
                ("T_WC_TMDB_SERIE_IMAGE", "ID_SERIE"),
                ("T_WC_TMDB_SERIE_VIDEO", "ID_SERIE"),
                ("T_WC_TMDB_SERIE_WATCH_PROVIDER", "ID_SERIE"),
                ("T_WC_TMDB_SERIE_SIMILAR", "ID_SERIE"),
                ("T_WC_TMDB_SERIE_SIMILAR", "ID_SERIE_SIMILAR"),
                ("T_WC_TMDB_SERIE_RECOMMENDATION", "ID_SERIE"),
                ("T_WC_TMDB_SERIE_RECOMMENDATION", "ID_SERIE_RECOMMENDED"),
                ("T_WC_TMDB_PERSON_SERIE", "ID_SERIE"),
            ],
            EntityKind::Person => &[
                ("T_WC_TMDB_PERSON", "ID_PERSON"),
                ("T_WC_TMDB_PERSON_MOVIE", "ID_PERSON"),
                ("T_WC_TMDB_PERSON_SERIE", "ID_PERSON"),
                ("T_WC_TMDB_PERSON_IMAGE", "ID_PERSON"),
            ],
            EntityKind::Collection => &[
                ("T_WC_TMDB_COLLECTION", "ID_COLLECTION"),
                ("T_WC_TMDB_COLLECTION_LANG", "ID_COLLECTION"),
                ("T_WC_TMDB_COLLECTION_IMAGE", "ID_COLLECTION"),
            ],
            EntityKind::Company => &[
                ("T_WC_TMDB_COMPANY", "ID_COMPANY"),
                ("T_WC_TMDB_COMPANY_IMAGE", "ID_COMPANY"),
            ],
            EntityKind::Network => &[
                ("T_WC_TMDB_NETWORK", "ID_NETWORK"),
                ("T_WC_TMDB_NETWORK_IMAGE", "ID_NETWORK"),
            ],
            EntityKind::Keyword => &[("T_WC_TMDB_KEYWORD_ID_IMPORT_LANG", "id")],
            EntityKind::List => &[
                ("T_WC_TMDB_LIST", "ID_LIST"),
                ("T_WC_TMDB_MOVIE_LIST", "ID_LIST"),
                ("T_WC_TMDB_SERIE_LIST", "ID_LIST"),
            ],
        }
    }
}

impl fmt::Display for EntityKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.ledger_name())
    }
}

/// Column name → value, in the order they are written.
pub type Cells = Vec<(&'static str, Value)>;

/// The completion timestamps a record stamps when its part of the payload was present.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Completed {
    /// `TIM_CREDITS_COMPLETED` (also "last refreshed" for collections, companies, networks,
    /// lists); the Python crawler set `TIM_UPDATED` to the same instant.
    Credits,
    Keywords,
    Images,
    /// The videos snapshot replaced the stored one (an empty list included).
    Videos,
    /// The release-date snapshot replaced the stored one (an empty list included).
    ReleaseDates,
    /// The watch-provider snapshot replaced the stored one (an empty list included).
    WatchProviders,
}

impl Completed {
    pub fn column(self) -> &'static str {
        match self {
            Completed::Credits => "TIM_CREDITS_COMPLETED",
            Completed::Keywords => "TIM_KEYWORDS_COMPLETED",
            Completed::Images => "TIM_IMAGES_COMPLETED",
            Completed::Videos => "TIM_VIDEOS_COMPLETED",
            Completed::ReleaseDates => "TIM_RELEASE_DATES_COMPLETED",
            Completed::WatchProviders => "TIM_WATCH_PROVIDERS_COMPLETED",
        }
    }

    /// The child tables whose set this stamp vouches for: a stamp is never written when its
    /// set was not (a database without the table).
    pub fn tables(self) -> &'static [&'static str] {
        match self {
            Completed::Videos => &["T_WC_TMDB_MOVIE_VIDEO", "T_WC_TMDB_SERIE_VIDEO"],
            Completed::ReleaseDates => &["T_WC_TMDB_MOVIE_RELEASE_DATE"],
            Completed::WatchProviders => &[
                "T_WC_TMDB_MOVIE_WATCH_PROVIDER",
                "T_WC_TMDB_SERIE_WATCH_PROVIDER",
            ],
            Completed::Credits | Completed::Keywords | Completed::Images => &[],
        }
    }
}

/// The entity's own row. Written with the audit block on insert; on update only `cells`
/// (plus `TIM_UPDATED` and the stamps) change.
#[derive(Debug, Clone, PartialEq)]
pub struct MainRow {
    pub table: &'static str,
    pub pk: &'static str,
    pub id: i32,
    /// Owned columns, without the primary key.
    pub cells: Cells,
    pub completed: Vec<Completed>,
    /// The row gets its stamps and nothing else, not even `TIM_UPDATED` (a backfill of one
    /// snapshot, 34-36: the title is not refreshed, so the 30-day refresh must still find it).
    /// A row that no longer exists is not created, and then the record writes nothing.
    pub stamps_only: bool,
}

/// What happens to existing child rows of the parent that the payload no longer returns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stale {
    /// Always deleted (credits, images): an empty list empties the set.
    Delete,
    /// Deleted only when the payload returned at least one row (genres, countries, companies,
    /// networks, spoken languages, list items): an empty list is treated as "unknown".
    DeleteIfAnyReturned,
    /// Never deleted (keywords, language rows).
    Keep,
}

/// One child table's rows for the parent, replaced authoritatively (see [`Stale`]).
#[derive(Debug, Clone, PartialEq)]
pub struct ChildSet {
    pub table: &'static str,
    /// The surrogate key (`ID_ROW`...), used to update and delete single rows; `None` for
    /// tables without one (`T_WC_TMDB_COLLECTION_LANG`).
    pub row_id: Option<&'static str>,
    /// The parent column and id: the scope of the set.
    pub parent: (&'static str, i32),
    /// Columns that identify a row within the parent's set (the Python crawler's upsert key).
    pub key: &'static [&'static str],
    /// The key identifies a row across all parents (`ID_CREDIT`): existing rows are matched
    /// by key alone, as the Python crawler did, and re-attached to this parent.
    pub global_key: bool,
    /// Every owned cell of each row, including the parent and key columns.
    pub rows: Vec<Cells>,
    pub stale: Stale,
    /// Image tables: `DAT_CREAT` is the date of the last write, as the Python crawler set it.
    pub dat_creat_is_last_write: bool,
    /// A column set to the write time whenever a row is inserted or changed (a provider row's
    /// `TIM_PROVIDER_UPDATED`); an unchanged row keeps it.
    pub written_at: Option<&'static str>,
}

impl ChildSet {
    /// The key of a row, as text, for matching.
    pub fn key_of(&self, cells: &Cells) -> Vec<String> {
        self.key
            .iter()
            .map(|k| {
                cells
                    .iter()
                    .find(|(c, _)| c == k)
                    .map(|(_, v)| value_key(v))
                    .unwrap_or_default()
            })
            .collect()
    }

    /// Keeps one row per key: the last occurrence, as the Python crawler's upsert of each
    /// occurrence in turn left it (TMDb lists can repeat an entry).
    pub fn dedup(mut self) -> Self {
        let mut seen = std::collections::HashSet::new();
        let rows = std::mem::take(&mut self.rows);
        let mut kept: Vec<Cells> = rows
            .into_iter()
            .rev()
            .filter(|r| seen.insert(self.key_of(r)))
            .collect();
        kept.reverse();
        self.rows = kept;
        self
    }
}

/// A comparable text form of a value (keys are ints or strings).
pub fn value_key(v: &Value) -> String {
    match v {
        Value::Int(Some(i)) => i.to_string(),
        Value::BigInt(Some(i)) => i.to_string(),
        Value::String(Some(s)) => s.clone(),
        Value::Double(Some(d)) => d.to_string(),
        _ => String::new(),
    }
}

/// Everything one fetch produced for one entity.
#[derive(Debug, Clone, PartialEq)]
pub struct EntityRecord {
    pub kind: EntityKind,
    pub id: i32,
    pub main: Option<MainRow>,
    pub children: Vec<ChildSet>,
}

/// Options that shape the rows.
#[derive(Debug, Clone, PartialEq)]
pub struct MappingOptions {
    /// Languages of the `*_LANG` rows (default `fr`).
    pub languages: Vec<String>,
    /// Write `API_URL`, `API_RESULT` and `CRAWLER_VERSION` (the 2026 schema dropped them).
    pub raw_json: Option<RawJson>,
}

impl Default for MappingOptions {
    fn default() -> Self {
        MappingOptions {
            languages: vec!["fr".to_owned()],
            raw_json: None,
        }
    }
}

/// The request path and body, for the raw-JSON columns.
#[derive(Debug, Clone, PartialEq)]
pub struct RawJson {
    /// Relative path and query, without key or domain (`3/movie/550?append_to_response=...`).
    pub url: String,
    pub body: String,
}

impl MappingOptions {
    /// Adds the raw-JSON columns to a main row when configured.
    fn push_raw(&self, cells: &mut Cells, crawler_version: i32) {
        if let Some(raw) = &self.raw_json {
            cells.push(("API_URL", text(&raw.url)));
            cells.push(("API_RESULT", text(&raw.body)));
            cells.push(("CRAWLER_VERSION", int(crawler_version)));
        }
    }
}

// ---- value helpers ----------------------------------------------------------------------

pub fn int(v: impl Into<i64>) -> Value {
    let v: i64 = v.into();
    Value::Int(Some(v.clamp(i32::MIN as i64, i32::MAX as i64) as i32))
}

pub fn opt_int(v: Option<i64>) -> Value {
    match v {
        Some(v) => int(v),
        None => Value::Int(None),
    }
}

pub fn double(v: f64) -> Value {
    Value::Double(Some(v))
}

pub fn opt_double(v: Option<f64>) -> Value {
    Value::Double(v)
}

pub fn text(s: &str) -> Value {
    Value::String(Some(s.to_owned()))
}

pub fn opt_text(s: Option<&str>) -> Value {
    Value::String(s.map(str::to_owned))
}

pub fn flag(b: Option<bool>) -> Value {
    int(i64::from(b.unwrap_or(false)))
}

/// A TMDb id as the `int(11)` columns hold it.
pub fn id32(id: u64) -> i32 {
    i32::try_from(id).unwrap_or(i32::MAX)
}

/// `|a|b|`; `|` for an empty list; `""` when the key was absent.
pub fn pipe_list<'a>(values: Option<impl IntoIterator<Item = &'a str>>) -> String {
    match values {
        None => String::new(),
        Some(values) => {
            let mut out = String::from("|");
            for v in values {
                out.push_str(v);
                out.push('|');
            }
            out
        }
    }
}

/// `Some(s)` when `s` is a non-empty string.
pub fn non_empty(s: Option<&String>) -> Option<&str> {
    s.map(String::as_str).filter(|s| !s.is_empty())
}

/// The value, or `""` when absent or null (external ids).
pub fn or_empty(s: Option<&String>) -> Value {
    text(s.map(String::as_str).unwrap_or(""))
}

/// Cuts `s` to at most `max` characters (never inside a UTF-8 sequence).
pub fn truncate_chars(s: &str, max: usize) -> (&str, bool) {
    match s.char_indices().nth(max) {
        Some((byte, _)) => (&s[..byte], true),
        None => (s, false),
    }
}

/// The configured languages as TMDb's `include_image_language` wants them: the main language,
/// each configured language, and `null` (images without text).
pub fn image_languages(options: &MappingOptions) -> String {
    let mut langs = vec!["en".to_owned()];
    for l in &options.languages {
        if !langs.contains(l) {
            langs.push(l.clone());
        }
    }
    langs.push("null".to_owned());
    langs.join(",")
}

/// The languages of the `videos` append (`include_video_language`, which TMDb reads like
/// `include_image_language`): English and each configured language, as the Python crawler's
/// one call per language fetched them, plus `null` so a video without a language is not lost.
pub fn video_languages(options: &MappingOptions) -> String {
    image_languages(options)
}

/// The six image tables share one shape; one row per image of each array, `DISPLAY_ORDER`
/// being the 1-based position within its array. Entries without a `file_path` are skipped.
pub fn image_set(
    table: &'static str,
    parent: (&'static str, i32),
    arrays: &[(&'static str, &[crate::tmdb::payload::Image])],
) -> ChildSet {
    let mut rows = Vec::new();
    for (kind, images) in arrays {
        for (position, image) in images.iter().enumerate() {
            let Some(path) = image.file_path.as_deref().filter(|p| !p.is_empty()) else {
                continue;
            };
            rows.push(vec![
                (parent.0, int(parent.1)),
                ("TYPE_IMAGE", text(kind)),
                ("IMAGE_PATH", text(path)),
                ("DISPLAY_ORDER", int(position as i64 + 1)),
                ("LANG", opt_text(image.iso_639_1.as_deref())),
                ("ASPECT_RATIO", opt_double(image.aspect_ratio)),
                ("WIDTH", opt_int(image.width)),
                ("HEIGHT", opt_int(image.height)),
                ("VOTE_AVERAGE", opt_double(image.vote_average)),
                ("VOTE_COUNT", opt_int(image.vote_count)),
            ]);
        }
    }
    ChildSet {
        table,
        row_id: Some("ID_ROW"),
        parent,
        key: &["TYPE_IMAGE", "IMAGE_PATH"],
        global_key: false,
        rows,
        stale: Stale::Delete,
        dat_creat_is_last_write: true,
        written_at: None,
    }
    .dedup()
}

/// A link table (`ID_ROW`, parent, child, audit): one row per child, `DISPLAY_ORDER` its
/// 1-based position in the payload's list.
pub fn link_set(
    table: &'static str,
    parent: (&'static str, i32),
    child: &'static [&'static str],
    values: Vec<Value>,
    stale: Stale,
) -> ChildSet {
    let rows = values
        .into_iter()
        .enumerate()
        .map(|(position, v)| {
            vec![
                (parent.0, int(parent.1)),
                (child[0], v),
                ("DISPLAY_ORDER", int(position as i64 + 1)),
            ]
        })
        .collect();
    ChildSet {
        table,
        row_id: Some("ID_ROW"),
        parent,
        key: child,
        global_key: false,
        rows,
        stale,
        dat_creat_is_last_write: false,
        written_at: None,
    }
    .dedup()
}

/// A credit row of `T_WC_TMDB_PERSON_MOVIE` / `T_WC_TMDB_PERSON_SERIE`.
pub struct CreditRow<'a> {
    pub person: u64,
    pub media: u64,
    pub credit_id: &'a str,
    pub cast: bool,
    pub character: &'a str,
    pub department: &'a str,
    pub job: &'a str,
    /// Set by the media side only.
    pub display_order: Option<i64>,
}

impl CreditRow<'_> {
    pub fn cells(&self, media_column: &'static str) -> Cells {
        let mut cells = vec![
            ("ID_PERSON", int(id32(self.person))),
            (media_column, int(id32(self.media))),
            ("ID_CREDIT", text(self.credit_id)),
            ("CAST_CHARACTER", text(self.character)),
            ("CREDIT_TYPE", text(if self.cast { "cast" } else { "crew" })),
            ("CREW_DEPARTMENT", text(self.department)),
            ("CREW_JOB", text(self.job)),
        ];
        if let Some(order) = self.display_order {
            cells.push(("DISPLAY_ORDER", int(order)));
        }
        cells
    }
}

/// A credit set keyed by `ID_CREDIT` (global), stale rows of the parent always deleted.
pub fn credit_set(
    table: &'static str,
    row_id: &'static str,
    parent: (&'static str, i32),
    rows: Vec<Cells>,
) -> ChildSet {
    ChildSet {
        table,
        row_id: Some(row_id),
        parent,
        key: &["ID_CREDIT"],
        global_key: true,
        rows,
        stale: Stale::Delete,
        dat_creat_is_last_write: false,
        written_at: None,
    }
    .dedup()
}

/// Credit rows of a movie or series (`credits` append): cast then crew, `DISPLAY_ORDER` the
/// 1-based position of the person's first entry in that list. Entries without a `credit_id`
/// cannot be keyed and are skipped.
pub fn media_credit_rows(
    media_id: u64,
    media_column: &'static str,
    credits: &crate::tmdb::payload::Credits,
) -> Vec<Cells> {
    let mut rows = Vec::new();
    let cast_orders = first_positions(credits.cast.iter().map(|c| c.id));
    for (c, order) in credits.cast.iter().zip(cast_orders) {
        let Some(credit_id) = non_empty(c.credit_id.as_ref()) else {
            continue;
        };
        rows.push(
            CreditRow {
                person: c.id,
                media: media_id,
                credit_id,
                cast: true,
                character: c.character.as_deref().unwrap_or(""),
                department: "",
                job: "",
                display_order: Some(order),
            }
            .cells(media_column),
        );
    }
    let crew_orders = first_positions(credits.crew.iter().map(|c| c.id));
    for (c, order) in credits.crew.iter().zip(crew_orders) {
        let Some(credit_id) = non_empty(c.credit_id.as_ref()) else {
            continue;
        };
        rows.push(
            CreditRow {
                person: c.id,
                media: media_id,
                credit_id,
                cast: false,
                character: "",
                department: c.department.as_deref().unwrap_or(""),
                job: c.job.as_deref().unwrap_or(""),
                display_order: Some(order),
            }
            .cells(media_column),
        );
    }
    rows
}

/// What a movie or series contributes to its `*_LANG` rows besides the translations.
pub struct LangSource<'a> {
    pub table: &'static str,
    pub parent: (&'static str, i32),
    /// The translated title: `title` for movies, `name` for series.
    pub title: fn(&crate::tmdb::payload::TranslationData) -> Option<&String>,
    pub posters: &'a [crate::tmdb::payload::Image],
    pub poster_path: Option<&'a str>,
    pub backdrop_path: Option<&'a str>,
}

/// `T_WC_TMDB_MOVIE_LANG` / `T_WC_TMDB_SERIE_LANG`: one row per configured language from the
/// `translations` and `images` appends (the Python crawler made a second request with
/// `language=fr`). An empty translated title is omitted, so the stored one is kept; the poster
/// is the best one in that language, else the main one.
pub fn lang_set(
    source: LangSource<'_>,
    translations: &crate::tmdb::payload::Translations,
    options: &MappingOptions,
) -> ChildSet {
    let rows = options
        .languages
        .iter()
        .map(|lang| {
            let data = translation_for(translations, lang);
            let mut cells = vec![
                (source.parent.0, int(source.parent.1)),
                ("LANG", text(lang)),
            ];
            if let Some(title) = data.and_then(|d| non_empty((source.title)(d))) {
                cells.push(("TITLE", text(title)));
            }
            cells.push((
                "OVERVIEW",
                text(data.and_then(|d| d.overview.as_deref()).unwrap_or("")),
            ));
            cells.push((
                "POSTER_PATH",
                opt_text(image_in(source.posters, lang).or(source.poster_path)),
            ));
            cells.push(("BACKDROP_PATH", opt_text(source.backdrop_path)));
            cells.push((
                "TAGLINE",
                text(data.and_then(|d| d.tagline.as_deref()).unwrap_or("")),
            ));
            cells
        })
        .collect();
    ChildSet {
        table: source.table,
        row_id: Some("ID_ROW"),
        parent: source.parent,
        key: &["LANG"],
        global_key: false,
        rows,
        stale: Stale::Keep,
        dat_creat_is_last_write: false,
        written_at: None,
    }
    .dedup()
}

/// 1-based position of each person's first appearance in a credit list (the Python crawler's
/// `DISPLAY_ORDER`: a person listed twice gets the index of his first entry).
pub fn first_positions(person_ids: impl Iterator<Item = u64>) -> Vec<i64> {
    let mut first = std::collections::HashMap::new();
    person_ids
        .enumerate()
        .map(|(i, p)| *first.entry(p).or_insert(i as i64 + 1))
        .collect()
}

/// The best image of `images` in `lang` (TMDb sorts by vote), for a language row's poster.
pub fn image_in<'a>(images: &'a [crate::tmdb::payload::Image], lang: &str) -> Option<&'a str> {
    images
        .iter()
        .find(|i| i.iso_639_1.as_deref() == Some(lang))
        .and_then(|i| i.file_path.as_deref())
}

/// A translation for `lang`, preferring the country of the same code (`fr-FR`, `de-DE`).
pub fn translation_for<'a>(
    translations: &'a crate::tmdb::payload::Translations,
    lang: &str,
) -> Option<&'a crate::tmdb::payload::TranslationData> {
    let country = lang.to_uppercase();
    translations
        .find(lang, Some(&country))
        .or_else(|| translations.find(lang, None))
        .and_then(|t| t.data.as_ref())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pipe_list_distinguishes_absent_from_empty() {
        assert_eq!(pipe_list(None::<Vec<&str>>), "");
        assert_eq!(pipe_list(Some(Vec::<&str>::new())), "|");
        assert_eq!(pipe_list(Some(vec!["Action", "Drama"])), "|Action|Drama|");
    }

    #[test]
    fn truncation_counts_characters_not_bytes() {
        let (cut, was) = truncate_chars("é🎬abc", 2);
        assert_eq!(cut, "é🎬");
        assert!(was);
        let (same, was) = truncate_chars("abc", 3);
        assert_eq!(same, "abc");
        assert!(!was);
    }

    #[test]
    fn first_positions_repeat_the_first_index() {
        assert_eq!(
            first_positions([7u64, 8, 7, 9, 8].into_iter()),
            vec![1, 2, 1, 4, 2]
        );
    }

    #[test]
    fn image_languages_lists_main_configured_and_null() {
        let o = MappingOptions {
            languages: vec!["fr".into(), "de".into()],
            raw_json: None,
        };
        assert_eq!(image_languages(&o), "en,fr,de,null");
    }

    #[test]
    fn dedup_keeps_the_last_row_of_a_key() {
        let set = link_set(
            "T_WC_TMDB_MOVIE_GENRE",
            ("ID_MOVIE", 1),
            &["ID_GENRE"],
            vec![int(18), int(35), int(18)],
            Stale::DeleteIfAnyReturned,
        );
        assert_eq!(set.rows.len(), 2);
        assert_eq!(set.rows[0][1].1, int(35));
        assert_eq!(set.rows[1][2].1, int(3));
    }
}
