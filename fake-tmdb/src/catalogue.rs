//! The deterministic catalogue: which ids exist, which are deleted, how entities reference
//! each other, and their names. Nothing is stored per entity: every value is computed on
//! demand from `(seed, kind, index, field)`, so a catalogue of any size costs a few bytes and
//! each answer costs a few microseconds.
//!
//! Ids are sparse (`id = base + stride * index`, see [`Kind::id_base`] / [`Kind::id_stride`])
//! so code cannot assume density. Person ids referenced by credits include "missing persons"
//! (indices `persons..persons + missing`), served by the API but absent from the person export.

use chrono::{Datelike, NaiveDate};

use super::rng::{Rng, mix};

/// How many entities of each kind the API catalogue holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CatalogueSizes {
    pub movies: u32,
    pub series: u32,
    /// Maximum regular seasons per series (each series has 1..=this, series index 0 exactly this).
    pub seasons_per_series: u32,
    /// Maximum episodes per regular season (1..=this, series index 0 exactly this).
    pub episodes_per_season: u32,
    /// Persons in the person export; `max(1, persons / 20)` more "missing" persons are referenced
    /// by credits and served by the API but absent from the export.
    pub persons: u32,
    pub collections: u32,
    pub companies: u32,
    pub networks: u32,
    pub keywords: u32,
    pub lists: u32,
}

impl Default for CatalogueSizes {
    fn default() -> Self {
        CatalogueSizes {
            movies: 60,
            series: 12,
            seasons_per_series: 3,
            episodes_per_season: 4,
            persons: 150,
            collections: 8,
            companies: 20,
            networks: 6,
            keywords: 40,
            lists: 3,
        }
    }
}

impl CatalogueSizes {
    /// The default sizes multiplied by `factor` (seasons and episodes per series unchanged;
    /// every count at least 1).
    pub fn scaled(factor: f64) -> CatalogueSizes {
        let d = CatalogueSizes::default();
        let f = |n: u32| ((f64::from(n) * factor).round() as u32).max(1);
        CatalogueSizes {
            movies: f(d.movies),
            series: f(d.series),
            seasons_per_series: d.seasons_per_series,
            episodes_per_season: d.episodes_per_season,
            persons: f(d.persons),
            collections: f(d.collections),
            companies: f(d.companies),
            networks: f(d.networks),
            keywords: f(d.keywords),
            lists: f(d.lists),
        }
    }
}

/// Entity kinds with their own id space.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    Movie,
    Tv,
    Person,
    Collection,
    Company,
    Network,
    Keyword,
    List,
}

impl Kind {
    pub const ALL: [Kind; 8] = [
        Kind::Movie,
        Kind::Tv,
        Kind::Person,
        Kind::Collection,
        Kind::Company,
        Kind::Network,
        Kind::Keyword,
        Kind::List,
    ];

    pub(crate) fn tag(self) -> u64 {
        self as u64 + 1
    }

    /// Id of index 0.
    pub fn id_base(self) -> u64 {
        match self {
            Kind::Movie => 2,
            Kind::Tv => 1,
            Kind::Person => 3,
            Kind::Collection => 10,
            Kind::Company => 1,
            Kind::Network => 1,
            Kind::Keyword => 5,
            Kind::List => 1001,
        }
    }

    /// Distance between consecutive ids.
    pub fn id_stride(self) -> u64 {
        match self {
            Kind::Movie => 3,
            Kind::Tv => 5,
            Kind::Person => 7,
            Kind::Collection => 11,
            Kind::Company => 4,
            Kind::Network => 6,
            Kind::Keyword => 9,
            Kind::List => 13,
        }
    }

    /// One id in `period` is deleted (answers 404 although present in the exports).
    fn deleted_period(self) -> Option<u64> {
        match self {
            Kind::Movie | Kind::Person => Some(25),
            Kind::Tv => Some(10),
            Kind::Collection | Kind::Company | Kind::Network | Kind::Keyword => Some(12),
            Kind::List => None,
        }
    }
}

/// What the API knows about an id.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lookup {
    /// Served (HTTP 200); the catalogue index.
    Live(u64),
    /// Known to the exports but deleted: HTTP 404 status_code 34.
    Deleted,
    /// Never existed: HTTP 404 status_code 34.
    Unknown,
}

// Field tags: each field family has its own random stream.
pub(crate) mod f {
    pub const TITLE: u64 = 1;
    pub const DETAILS: u64 = 2;
    pub const CREDITS: u64 = 3;
    pub const COMPANIES: u64 = 4;
    pub const GENRES: u64 = 5;
    pub const KEYWORDS: u64 = 6;
    pub const IMAGES: u64 = 7;
    pub const VIDEOS: u64 = 8;
    pub const EXTERNAL: u64 = 9;
    pub const TRANSLATIONS: u64 = 10;
    pub const RELEASES: u64 = 11;
    pub const ALT_TITLES: u64 = 12;
    pub const SIMILAR: u64 = 13;
    pub const PROVIDERS: u64 = 14;
    pub const SEASONS: u64 = 15;
    pub const EPISODES: u64 = 16;
    pub const NETWORKS: u64 = 17;
    pub const CHANGES: u64 = 18;
    pub const POPULARITY: u64 = 19;
    pub const CREDIT_ID: u64 = 20;
    pub const LIST_ITEMS: u64 = 21;
    pub const RATINGS: u64 = 22;
}

/// Maximum credit slots of a movie (cast 0..=8, crew 0..=4).
pub(crate) const MOVIE_SLOTS: u64 = 12;
/// Maximum credit slots of a series (cast 0..=6, crew 0..=3).
pub(crate) const TV_SLOTS: u64 = 9;
/// Maximum movies in one collection.
const COLLECTION_PARTS: u64 = 12;
/// One id in this many changes on a given day.
const CHANGES_STEP: u64 = 10;

/// A movie or series credit seen from either side.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Credit {
    /// Index of the movie or series.
    pub work: u64,
    /// Index of the person.
    pub person: u64,
    /// Slot in the work's credits (unique per work; the missing-person credit uses the last slot).
    pub slot: u64,
    /// Cast (true) or crew (false).
    pub cast: bool,
    /// Order in the cast / crew list.
    pub order: u64,
}

/// The deterministic catalogue.
#[derive(Clone, Debug)]
pub struct Catalogue {
    seed: u64,
    sizes: CatalogueSizes,
    missing_persons: u64,
}

impl Catalogue {
    pub fn new(seed: u64, sizes: CatalogueSizes) -> Catalogue {
        let missing_persons = if sizes.persons == 0 {
            0
        } else {
            u64::from((sizes.persons / 20).max(1))
        };
        Catalogue {
            seed,
            sizes,
            missing_persons,
        }
    }

    pub fn seed(&self) -> u64 {
        self.seed
    }

    pub fn sizes(&self) -> &CatalogueSizes {
        &self.sizes
    }

    pub(crate) fn rng(&self, kind: Kind, index: u64, field: u64) -> Rng {
        Rng::new(&[self.seed, kind.tag(), index, field])
    }

    pub(crate) fn rng2(&self, kind: Kind, index: u64, field: u64, sub: u64) -> Rng {
        Rng::new(&[self.seed, kind.tag(), index, field, sub])
    }

    /// Number of entities of a kind in the exports (persons: without the missing ones).
    pub fn count(&self, kind: Kind) -> u64 {
        let s = &self.sizes;
        u64::from(match kind {
            Kind::Movie => s.movies,
            Kind::Tv => s.series,
            Kind::Person => s.persons,
            Kind::Collection => s.collections,
            Kind::Company => s.companies,
            Kind::Network => s.networks,
            Kind::Keyword => s.keywords,
            Kind::List => s.lists,
        })
    }

    /// Number of indices the API serves (persons: with the missing ones).
    pub fn api_count(&self, kind: Kind) -> u64 {
        match kind {
            Kind::Person => self.count(kind) + self.missing_persons,
            _ => self.count(kind),
        }
    }

    pub fn id_at(&self, kind: Kind, index: u64) -> u64 {
        kind.id_base() + kind.id_stride() * index
    }

    /// Catalogue index of a well-formed id, whether or not it exists.
    pub fn raw_index(&self, kind: Kind, id: u64) -> Option<u64> {
        let base = kind.id_base();
        let stride = kind.id_stride();
        (id >= base && (id - base).is_multiple_of(stride)).then(|| (id - base) / stride)
    }

    pub fn deleted_index(&self, kind: Kind, index: u64) -> bool {
        if kind == Kind::Person && index >= self.count(Kind::Person) {
            return false; // missing persons are there for recovery: never deleted
        }
        match kind.deleted_period() {
            Some(p) => (index + self.seed % p) % p == p - 1,
            None => false,
        }
    }

    /// What the API answers for an id.
    pub fn lookup(&self, kind: Kind, id: u64) -> Lookup {
        match self.raw_index(kind, id) {
            Some(i) if i < self.api_count(kind) => {
                if self.deleted_index(kind, i) {
                    Lookup::Deleted
                } else {
                    Lookup::Live(i)
                }
            }
            _ => Lookup::Unknown,
        }
    }

    /// True when the API answers 200 for this id.
    pub fn exists(&self, kind: Kind, id: u64) -> bool {
        matches!(self.lookup(kind, id), Lookup::Live(_))
    }

    pub fn is_deleted(&self, kind: Kind, id: u64) -> bool {
        self.lookup(kind, id) == Lookup::Deleted
    }

    /// Every id of the catalogue's export scope, i.e. the ids of the export file without size
    /// override: deleted ones included, missing persons not. Ascending.
    pub fn export_ids(&self, kind: Kind) -> Vec<u64> {
        (0..self.count(kind)).map(|i| self.id_at(kind, i)).collect()
    }

    /// Every id answering 200 (persons: missing persons included). Ascending.
    pub fn live_ids(&self, kind: Kind) -> Vec<u64> {
        (0..self.api_count(kind))
            .filter(|&i| !self.deleted_index(kind, i))
            .map(|i| self.id_at(kind, i))
            .collect()
    }

    /// Ids present in the exports but answering 404 status_code 34.
    pub fn deleted_ids(&self, kind: Kind) -> Vec<u64> {
        (0..self.count(kind))
            .filter(|&i| self.deleted_index(kind, i))
            .map(|i| self.id_at(kind, i))
            .collect()
    }

    /// Movie ids answering 200 (ascending).
    pub fn movie_ids(&self) -> Vec<u64> {
        self.live_ids(Kind::Movie)
    }

    /// Series ids answering 200 (ascending).
    pub fn series_ids(&self) -> Vec<u64> {
        self.live_ids(Kind::Tv)
    }

    /// Person ids answering 200, missing persons included (ascending).
    pub fn person_ids(&self) -> Vec<u64> {
        self.live_ids(Kind::Person)
    }

    /// Collection ids answering 200 (ascending).
    pub fn collection_ids(&self) -> Vec<u64> {
        self.live_ids(Kind::Collection)
    }

    /// Movie ids in the export but answering 404 status_code 34.
    pub fn deleted_movie_ids(&self) -> Vec<u64> {
        self.deleted_ids(Kind::Movie)
    }

    /// Series ids in the export but answering 404 status_code 34.
    pub fn deleted_series_ids(&self) -> Vec<u64> {
        self.deleted_ids(Kind::Tv)
    }

    /// Person ids in the export but answering 404 status_code 34.
    pub fn deleted_person_ids(&self) -> Vec<u64> {
        self.deleted_ids(Kind::Person)
    }

    /// Person ids referenced by movie/series credits, served by the API, absent from the export.
    pub fn missing_person_ids(&self) -> Vec<u64> {
        let np = self.count(Kind::Person);
        (np..np + self.missing_persons)
            .map(|i| self.id_at(Kind::Person, i))
            .collect()
    }

    /// The export name of an entity (movie `original_title`, series `original_name`, else
    /// `name`), for any id of the catalogue scope, deleted or not.
    pub fn name(&self, kind: Kind, id: u64) -> Option<String> {
        let i = self.raw_index(kind, id)?;
        (i < self.api_count(kind)).then(|| self.name_at(kind, i))
    }

    pub(crate) fn name_at(&self, kind: Kind, i: u64) -> String {
        match kind {
            Kind::Movie => self.movie_titles(i).original,
            Kind::Tv => self.tv_titles(i).original,
            Kind::Person => self.person_name(i),
            Kind::Collection => self.collection_name(i),
            Kind::Company => self.company_name(i),
            Kind::Network => self.network_name(i),
            Kind::Keyword => self.keyword_name(i),
            Kind::List => self.list_name(i),
        }
    }

    // ------------------------------------------------------------------ movies

    /// "New record" style movie: no date, no images, no votes, no credits.
    pub(crate) fn movie_is_sparse(&self, i: u64) -> bool {
        i % 13 == 4
    }

    pub(crate) fn movie_cast_crew_len(&self, i: u64) -> (u64, u64) {
        if self.movie_is_sparse(i) || self.count(Kind::Person) == 0 {
            return (0, 0);
        }
        let mut r = self.rng(Kind::Movie, i, f::CREDITS);
        (r.below(9), r.below(5))
    }

    fn person_stride(&self, slots: u64) -> u64 {
        (self.count(Kind::Person) / slots).max(1)
    }

    fn movie_slot_person(&self, i: u64, s: u64) -> u64 {
        let np = self.count(Kind::Person);
        (i + s * self.person_stride(MOVIE_SLOTS)) % np
    }

    /// Credits of movie index `i`: cast first (by order), then crew.
    pub fn movie_credits(&self, i: u64) -> Vec<Credit> {
        let (cast, crew) = self.movie_cast_crew_len(i);
        let mut out = Vec::with_capacity((cast + crew + 1) as usize);
        for s in 0..cast + crew {
            out.push(Credit {
                work: i,
                person: self.movie_slot_person(i, s),
                slot: s,
                cast: s < cast,
                order: if s < cast { s } else { s - cast },
            });
        }
        if let Some(p) = self.movie_missing_person(i) {
            out.insert(
                cast as usize,
                Credit {
                    work: i,
                    person: p,
                    slot: MOVIE_SLOTS,
                    cast: true,
                    order: cast,
                },
            );
        }
        out
    }

    fn movie_missing_person(&self, i: u64) -> Option<u64> {
        let m = self.missing_persons;
        (m > 0 && i.is_multiple_of(5)).then(|| self.count(Kind::Person) + (i / 5) % m)
    }

    pub(crate) fn movie_collection(&self, i: u64) -> Option<u64> {
        let c = self.count(Kind::Collection);
        if c == 0 || !i.is_multiple_of(4) {
            return None;
        }
        let q = i / 4;
        (q / c < COLLECTION_PARTS).then_some(q % c)
    }

    pub(crate) fn collection_parts(&self, c: u64) -> Vec<u64> {
        let cc = self.count(Kind::Collection);
        (0..COLLECTION_PARTS)
            .map(|k| 4 * (c + k * cc))
            .take_while(|&i| i < self.count(Kind::Movie))
            .collect()
    }

    fn distinct(&self, r: &mut Rng, n: u64, below: u64) -> Vec<u64> {
        let mut out: Vec<u64> = Vec::new();
        if below == 0 {
            return out;
        }
        for _ in 0..n {
            let v = r.below(below);
            if !out.contains(&v) {
                out.push(v);
            }
        }
        out
    }

    pub(crate) fn movie_companies(&self, i: u64) -> Vec<u64> {
        if self.movie_is_sparse(i) {
            return Vec::new();
        }
        let mut r = self.rng(Kind::Movie, i, f::COMPANIES);
        let n = r.below(4);
        self.distinct(&mut r, n, self.count(Kind::Company))
    }

    pub(crate) fn movie_genres(&self, i: u64) -> Vec<u64> {
        if self.movie_is_sparse(i) {
            return Vec::new();
        }
        let mut r = self.rng(Kind::Movie, i, f::GENRES);
        let n = r.range(1, 3);
        self.distinct(&mut r, n, MOVIE_GENRES.len() as u64)
    }

    pub(crate) fn movie_keywords(&self, i: u64) -> Vec<u64> {
        let mut r = self.rng(Kind::Movie, i, f::KEYWORDS);
        let n = r.below(6);
        self.distinct(&mut r, n, self.count(Kind::Keyword))
    }

    // ------------------------------------------------------------------ series

    /// Regular seasons of series `j` (1..=max; series 0 has exactly max).
    pub(crate) fn tv_regular_seasons(&self, j: u64) -> u64 {
        let max = u64::from(self.sizes.seasons_per_series.max(1));
        if j == 0 {
            return max;
        }
        1 + self.rng(Kind::Tv, j, f::SEASONS).below(max)
    }

    pub(crate) fn tv_has_specials(&self, j: u64) -> bool {
        j % 4 == 1
    }

    /// Season numbers of series `j` (0 = specials when present).
    pub(crate) fn tv_season_numbers(&self, j: u64) -> Vec<u64> {
        let start = if self.tv_has_specials(j) { 0 } else { 1 };
        (start..=self.tv_regular_seasons(j)).collect()
    }

    pub(crate) fn tv_episode_count(&self, j: u64, season: u64) -> u64 {
        let max = u64::from(self.sizes.episodes_per_season.max(1));
        let mut r = self.rng2(Kind::Tv, j, f::EPISODES, season);
        if season == 0 {
            1 + r.below(2)
        } else if j == 0 {
            max
        } else {
            1 + r.below(max)
        }
    }

    pub(crate) fn season_id(&self, j: u64, season: u64) -> u64 {
        let per = u64::from(self.sizes.seasons_per_series) + 1;
        500_000 + j * per + season
    }

    pub(crate) fn episode_id(&self, j: u64, season: u64, episode: u64) -> u64 {
        let per_s = u64::from(self.sizes.seasons_per_series) + 1;
        let per_e = u64::from(self.sizes.episodes_per_season) + 3;
        4_000_000 + ((j * per_s + season) * per_e + episode) * 2
    }

    pub(crate) fn tv_in_production(&self, j: u64) -> bool {
        j % 5 == 2
    }

    pub(crate) fn tv_cast_crew_len(&self, j: u64) -> (u64, u64) {
        if self.count(Kind::Person) == 0 {
            return (0, 0);
        }
        let mut r = self.rng(Kind::Tv, j, f::CREDITS);
        (r.below(7), r.below(4))
    }

    fn tv_slot_person(&self, j: u64, s: u64) -> u64 {
        let np = self.count(Kind::Person);
        (j + np / 2 + s * self.person_stride(TV_SLOTS)) % np
    }

    fn tv_missing_person(&self, j: u64) -> Option<u64> {
        let m = self.missing_persons;
        (m > 0 && j.is_multiple_of(3)).then(|| self.count(Kind::Person) + (j / 3) % m)
    }

    /// Credits of series index `j`: cast, then crew (the missing person, if any, is last crew).
    pub fn tv_credits(&self, j: u64) -> Vec<Credit> {
        let (cast, crew) = self.tv_cast_crew_len(j);
        let mut out = Vec::with_capacity((cast + crew + 1) as usize);
        for s in 0..cast + crew {
            out.push(Credit {
                work: j,
                person: self.tv_slot_person(j, s),
                slot: s,
                cast: s < cast,
                order: if s < cast { s } else { s - cast },
            });
        }
        if let Some(p) = self.tv_missing_person(j) {
            out.push(Credit {
                work: j,
                person: p,
                slot: TV_SLOTS,
                cast: false,
                order: crew,
            });
        }
        out
    }

    pub(crate) fn tv_networks(&self, j: u64) -> Vec<u64> {
        if j % 10 == 9 {
            return Vec::new();
        }
        let mut r = self.rng(Kind::Tv, j, f::NETWORKS);
        let n = r.range(1, 2);
        self.distinct(&mut r, n, self.count(Kind::Network))
    }

    pub(crate) fn tv_companies(&self, j: u64) -> Vec<u64> {
        let mut r = self.rng(Kind::Tv, j, f::COMPANIES);
        let n = r.below(4);
        self.distinct(&mut r, n, self.count(Kind::Company))
    }

    pub(crate) fn tv_genres(&self, j: u64) -> Vec<u64> {
        let mut r = self.rng(Kind::Tv, j, f::GENRES);
        let n = r.below(4);
        self.distinct(&mut r, n, TV_GENRES.len() as u64)
    }

    pub(crate) fn tv_keywords(&self, j: u64) -> Vec<u64> {
        let mut r = self.rng(Kind::Tv, j, f::KEYWORDS);
        let n = r.below(5);
        self.distinct(&mut r, n, self.count(Kind::Keyword))
    }

    // ------------------------------------------------------------------ persons

    /// Movie credits of person index `p` (inverse of [`Catalogue::movie_credits`]).
    pub(crate) fn person_movie_credits(&self, p: u64) -> Vec<Credit> {
        let np = self.count(Kind::Person);
        let movies = self.count(Kind::Movie);
        let mut out = Vec::new();
        if np == 0 {
            return out;
        }
        if p >= np {
            let m = self.missing_persons;
            let mut k = 0;
            loop {
                let i = 5 * ((p - np) + k * m);
                if i >= movies {
                    break;
                }
                out.extend(self.movie_credits(i).into_iter().filter(|c| c.person == p));
                k += 1;
            }
            return out;
        }
        let d = self.person_stride(MOVIE_SLOTS);
        for s in 0..MOVIE_SLOTS {
            let i0 = (p + np - (s * d) % np) % np;
            let mut i = i0;
            while i < movies {
                let (cast, crew) = self.movie_cast_crew_len(i);
                if s < cast + crew {
                    out.push(Credit {
                        work: i,
                        person: p,
                        slot: s,
                        cast: s < cast,
                        order: if s < cast { s } else { s - cast },
                    });
                }
                i += np;
            }
        }
        out.sort_by_key(|c| (c.work, c.slot));
        out
    }

    /// Series credits of person index `p` (inverse of [`Catalogue::tv_credits`]).
    pub(crate) fn person_tv_credits(&self, p: u64) -> Vec<Credit> {
        let np = self.count(Kind::Person);
        let series = self.count(Kind::Tv);
        let mut out = Vec::new();
        if np == 0 {
            return out;
        }
        if p >= np {
            let m = self.missing_persons;
            let mut k = 0;
            loop {
                let j = 3 * ((p - np) + k * m);
                if j >= series {
                    break;
                }
                out.extend(self.tv_credits(j).into_iter().filter(|c| c.person == p));
                k += 1;
            }
            return out;
        }
        let d = self.person_stride(TV_SLOTS);
        for s in 0..TV_SLOTS {
            // j + np/2 + s*d ≡ p (mod np)
            let shift = (np / 2 + s * d) % np;
            let j0 = (p + np - shift) % np;
            let mut j = j0;
            while j < series {
                let (cast, crew) = self.tv_cast_crew_len(j);
                if s < cast + crew {
                    out.push(Credit {
                        work: j,
                        person: p,
                        slot: s,
                        cast: s < cast,
                        order: if s < cast { s } else { s - cast },
                    });
                }
                j += np;
            }
        }
        out.sort_by_key(|c| (c.work, c.slot));
        out
    }

    // ------------------------------------------------------------------ lists

    pub(crate) fn list_item_count(&self, l: u64) -> u64 {
        if l == 0 {
            return 45;
        }
        self.rng(Kind::List, l, f::LIST_ITEMS).range(0, 60)
    }

    /// Item `k` of list `l`: (is_tv, index).
    pub(crate) fn list_item(&self, l: u64, k: u64) -> (bool, u64) {
        let mut r = self.rng2(Kind::List, l, f::LIST_ITEMS, k);
        let series = self.count(Kind::Tv);
        let movies = self.count(Kind::Movie);
        if series > 0 && (movies == 0 || r.chance(1, 5)) {
            (true, r.below(series))
        } else {
            (false, r.below(movies.max(1)))
        }
    }

    // ------------------------------------------------------------------ changes

    /// Ids of `kind` (Movie, Tv or Person) changed between `start` and `end` inclusive,
    /// sorted ascending. One id in ten changes per day; the choice depends on the date only.
    pub fn changed_ids(&self, kind: Kind, start: NaiveDate, end: NaiveDate) -> Vec<u64> {
        self.changed_ids_every(kind, start, end, CHANGES_STEP)
    }

    /// [`Catalogue::changed_ids`] with one id in `step` (at least 1) changing per day instead
    /// of one in ten ([`super::Knobs::set_changes_step`]).
    pub fn changed_ids_every(
        &self,
        kind: Kind,
        start: NaiveDate,
        end: NaiveDate,
        step: u64,
    ) -> Vec<u64> {
        let step = step.max(1);
        let n = self.api_count(kind);
        let mut set = std::collections::BTreeSet::new();
        let mut day = start;
        while day <= end {
            let dn = u64::try_from(day.num_days_from_ce()).unwrap_or(0);
            let offset = mix(&[self.seed, kind.tag(), f::CHANGES, dn]) % step;
            let mut i = offset;
            while i < n {
                set.insert(self.id_at(kind, i));
                i += step;
            }
            match day.succ_opt() {
                Some(d) => day = d,
                None => break,
            }
        }
        set.into_iter().collect()
    }

    // ------------------------------------------------------------------ public relations (by id)

    fn live(&self, kind: Kind, id: u64) -> Option<u64> {
        match self.lookup(kind, id) {
            Lookup::Live(i) => Some(i),
            _ => None,
        }
    }

    /// Collection id of a movie, if it belongs to one.
    pub fn movie_collection_id(&self, movie_id: u64) -> Option<u64> {
        let i = self.raw_index(Kind::Movie, movie_id)?;
        self.movie_collection(i)
            .map(|c| self.id_at(Kind::Collection, c))
    }

    /// Movie ids of a collection's `parts`.
    pub fn collection_movie_ids(&self, collection_id: u64) -> Vec<u64> {
        self.raw_index(Kind::Collection, collection_id)
            .map(|c| {
                self.collection_parts(c)
                    .into_iter()
                    .map(|i| self.id_at(Kind::Movie, i))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Person ids credited on a movie (cast then crew, may repeat).
    pub fn movie_person_ids(&self, movie_id: u64) -> Vec<u64> {
        self.live(Kind::Movie, movie_id)
            .map(|i| {
                self.movie_credits(i)
                    .into_iter()
                    .map(|c| self.id_at(Kind::Person, c.person))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Person ids credited on a series (cast then crew, may repeat).
    pub fn series_person_ids(&self, series_id: u64) -> Vec<u64> {
        self.live(Kind::Tv, series_id)
            .map(|j| {
                self.tv_credits(j)
                    .into_iter()
                    .map(|c| self.id_at(Kind::Person, c.person))
                    .collect()
            })
            .unwrap_or_default()
    }

    pub fn movie_company_ids(&self, movie_id: u64) -> Vec<u64> {
        self.live(Kind::Movie, movie_id)
            .map(|i| {
                self.movie_companies(i)
                    .into_iter()
                    .map(|c| self.id_at(Kind::Company, c))
                    .collect()
            })
            .unwrap_or_default()
    }

    pub fn movie_keyword_ids(&self, movie_id: u64) -> Vec<u64> {
        self.live(Kind::Movie, movie_id)
            .map(|i| {
                self.movie_keywords(i)
                    .into_iter()
                    .map(|k| self.id_at(Kind::Keyword, k))
                    .collect()
            })
            .unwrap_or_default()
    }

    pub fn movie_genre_ids(&self, movie_id: u64) -> Vec<u64> {
        self.live(Kind::Movie, movie_id)
            .map(|i| {
                self.movie_genres(i)
                    .into_iter()
                    .map(|g| MOVIE_GENRES[g as usize].0)
                    .collect()
            })
            .unwrap_or_default()
    }

    pub fn series_network_ids(&self, series_id: u64) -> Vec<u64> {
        self.live(Kind::Tv, series_id)
            .map(|j| {
                self.tv_networks(j)
                    .into_iter()
                    .map(|n| self.id_at(Kind::Network, n))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Season numbers of a series (0 = specials when present).
    pub fn season_numbers(&self, series_id: u64) -> Vec<u64> {
        self.live(Kind::Tv, series_id)
            .map(|j| self.tv_season_numbers(j))
            .unwrap_or_default()
    }

    /// Episodes in a season (0 when the season does not exist).
    pub fn episode_count(&self, series_id: u64, season: u64) -> u64 {
        match self.live(Kind::Tv, series_id) {
            Some(j) if self.tv_season_numbers(j).contains(&season) => {
                self.tv_episode_count(j, season)
            }
            _ => 0,
        }
    }

    /// Items in a list (0 for an unknown list).
    pub fn list_item_count_of(&self, list_id: u64) -> u64 {
        self.live(Kind::List, list_id)
            .map(|l| self.list_item_count(l))
            .unwrap_or(0)
    }

    // ------------------------------------------------------------------ names

    pub(crate) fn movie_titles(&self, i: u64) -> Titles {
        let mut r = self.rng(Kind::Movie, i, f::TITLE);
        titles(&mut r, i)
    }

    pub(crate) fn tv_titles(&self, j: u64) -> Titles {
        let mut r = self.rng(Kind::Tv, j, f::TITLE);
        let mut t = titles(&mut r, j + 7);
        if j.is_multiple_of(6) {
            t.english = format!("{} Chronicles", t.english);
            if t.language == "en" {
                t.original = t.english.clone();
            }
        }
        t
    }

    pub(crate) fn person_name(&self, p: u64) -> String {
        let mut r = self.rng(Kind::Person, p, f::TITLE);
        match p % 23 {
            3 => r
                .pick(&["周星驰", "宮崎 駿", "송강호", "是枝 裕和", "巩俐"])
                .to_string(),
            7 => r
                .pick(&["Андрей Тарковский", "Σοφία Βέμπο", "محمد رسول‌اف", "אבי נשר"])
                .to_string(),
            11 => format!("{} O'{}", r.pick(FIRST_NAMES), r.pick(LAST_NAMES)),
            13 => format!("DJ 🎧 {}", r.pick(LAST_NAMES)),
            17 => format!(
                "{} \"{}\" {}",
                r.pick(FIRST_NAMES),
                r.pick(NICKNAMES),
                r.pick(LAST_NAMES)
            ),
            _ => format!("{} {}", r.pick(FIRST_NAMES), r.pick(LAST_NAMES)),
        }
    }

    pub(crate) fn collection_name(&self, c: u64) -> String {
        let parts = self.collection_parts(c);
        match parts.first() {
            Some(&i) => format!("{} Collection", self.movie_titles(i).english),
            None => {
                let mut r = self.rng(Kind::Collection, c, f::TITLE);
                format!("The {} {} Collection", r.pick(ADJECTIVES), r.pick(NOUNS))
            }
        }
    }

    pub(crate) fn company_name(&self, c: u64) -> String {
        let mut r = self.rng(Kind::Company, c, f::TITLE);
        match c % 9 {
            2 => format!("Société {} Films", r.pick(LAST_NAMES)),
            5 => r
                .pick(&["東宝", "CJ 엔터테인먼트", "Мосфильм", "Ливень & Co"])
                .to_string(),
            7 => format!("{} \\ {} Studios", r.pick(NOUNS), r.pick(NOUNS)),
            _ => format!("{} {}", r.pick(NOUNS), r.pick(COMPANY_SUFFIXES)),
        }
    }

    pub(crate) fn network_name(&self, n: u64) -> String {
        let mut r = self.rng(Kind::Network, n, f::TITLE);
        match n % 5 {
            1 => format!("{} TV", r.pick(NOUNS)),
            3 => r.pick(&["フジテレビ", "TV Ō", "Канал Один"]).to_string(),
            _ => format!("{}{}", r.pick(NETWORK_PREFIXES), n),
        }
    }

    pub(crate) fn keyword_name(&self, k: u64) -> String {
        let mut r = self.rng(Kind::Keyword, k, f::TITLE);
        let base = format!(
            "{} {}",
            r.pick(ADJECTIVES).to_lowercase(),
            r.pick(NOUNS).to_lowercase()
        );
        match k % 13 {
            5 => format!("{base}   "),
            8 => format!(" {base}"),
            11 => r.pick(&["スパイ", "héros", "мафия", "ñandú"]).to_string(),
            _ => base,
        }
    }

    pub(crate) fn list_name(&self, l: u64) -> String {
        let mut r = self.rng(Kind::List, l, f::TITLE);
        format!("My {} {} picks", r.pick(ADJECTIVES), r.pick(NOUNS))
    }
}

/// The title family of a movie or series.
#[derive(Clone, Debug)]
pub struct Titles {
    /// English (default-language) title.
    pub english: String,
    /// Title in the original language.
    pub original: String,
    /// ISO 639-1 original language.
    pub language: &'static str,
    /// French title ("" when untranslated).
    pub french: String,
}

fn titles(r: &mut Rng, i: u64) -> Titles {
    let adj = *r.pick(ADJECTIVES);
    let noun = *r.pick(NOUNS);
    let plain = format!("The {adj} {noun}");
    let (english, original, language): (String, String, &'static str) = match i % 20 {
        1 => {
            let t = format!("The \"Quoted\" {noun}");
            (t.clone(), t, "en")
        }
        2 => {
            let t = format!("Back\\slash {noun}");
            (t.clone(), t, "en")
        }
        3 => {
            let t = format!("Say \\\"{noun}\\\"");
            (t.clone(), t, "en")
        }
        4 => (
            format!("Amelie and the {noun}"),
            format!("Amélie et le {}", noun.to_lowercase()),
            "fr",
        ),
        5 => {
            let t = format!("{noun} 🚀🎬");
            (t.clone(), t, "en")
        }
        6 => (
            format!("Spirited {noun}"),
            "千と千尋の神隠し".to_string(),
            "ja",
        ),
        7 => (
            format!("The {noun} Bridge"),
            "Мост через реку".to_string(),
            "ru",
        ),
        8 => (
            format!("The Long {noun}"),
            "الطريق الطويل".to_string(),
            "ar",
        ),
        9 => (format!("{adj} Parasite"), "기생충의 밤".to_string(), "ko"),
        10 => (format!("{noun} Club"), "Κλαμπ μάχης".to_string(), "el"),
        11 => {
            let t = format!("Bob's & Mary's <{noun}>");
            (t.clone(), t, "en")
        }
        12 => {
            let t = format!(" {plain} ");
            (t.clone(), t, "en")
        }
        13 => (format!("Crouching {noun}"), "卧虎藏龙".to_string(), "zh"),
        14 => (format!("The {noun} Keeper"), "שומר הסף".to_string(), "he"),
        15 => (format!("{noun} of Dreams"), "सपनों का शहर".to_string(), "hi"),
        16 => {
            let t = format!("100% {noun} — Director’s Cut");
            (t.clone(), t, "en")
        }
        17 => (format!("{noun} in Bangkok"), "ฟ้าทะลายโจร".to_string(), "th"),
        18 => (
            format!("{plain}: Part {}", 2 + i % 3),
            format!("{} – Teil {}", noun, 2 + i % 3),
            "de",
        ),
        _ => (plain.clone(), plain, "en"),
    };
    let french = if i % 6 == 1 {
        String::new()
    } else if language == "fr" {
        original.clone()
    } else {
        format!(
            "Le {} {}",
            noun.to_lowercase(),
            FRENCH_ADJECTIVES[(i % 7) as usize]
        )
    };
    Titles {
        english,
        original,
        language,
        french,
    }
}

pub(crate) const MOVIE_GENRES: &[(u64, &str, &str)] = &[
    (28, "Action", "Action"),
    (12, "Adventure", "Aventure"),
    (16, "Animation", "Animation"),
    (35, "Comedy", "Comédie"),
    (80, "Crime", "Crime"),
    (99, "Documentary", "Documentaire"),
    (18, "Drama", "Drame"),
    (10751, "Family", "Familial"),
    (14, "Fantasy", "Fantastique"),
    (36, "History", "Histoire"),
    (27, "Horror", "Horreur"),
    (10402, "Music", "Musique"),
    (9648, "Mystery", "Mystère"),
    (10749, "Romance", "Romance"),
    (878, "Science Fiction", "Science-Fiction"),
    (10770, "TV Movie", "Téléfilm"),
    (53, "Thriller", "Thriller"),
    (10752, "War", "Guerre"),
    (37, "Western", "Western"),
];

pub(crate) const TV_GENRES: &[(u64, &str, &str)] = &[
    (10759, "Action & Adventure", "Action & Aventure"),
    (16, "Animation", "Animation"),
    (35, "Comedy", "Comédie"),
    (80, "Crime", "Crime"),
    (99, "Documentary", "Documentaire"),
    (18, "Drama", "Drame"),
    (10751, "Family", "Familial"),
    (10762, "Kids", "Kids"),
    (9648, "Mystery", "Mystère"),
    (10763, "News", "News"),
    (10764, "Reality", "Réalité"),
    (10765, "Sci-Fi & Fantasy", "Science-Fiction & Fantastique"),
    (10766, "Soap", "Feuilleton"),
    (10767, "Talk", "Talk"),
    (10768, "War & Politics", "Guerre & Politique"),
    (37, "Western", "Western"),
];

pub(crate) const ADJECTIVES: &[&str] = &[
    "Silent", "Crimson", "Last", "Hidden", "Broken", "Golden", "Frozen", "Wild", "Distant",
    "Electric", "Lonely", "Secret", "Burning", "Endless", "Quiet", "Savage", "Velvet", "Hollow",
    "Bright", "Fallen", "Midnight", "Restless", "Iron", "Paper", "Glass", "Northern",
];

pub(crate) const NOUNS: &[&str] = &[
    "Harbor", "Garden", "River", "Empire", "Signal", "Mirror", "Horizon", "Machine", "Orchard",
    "Station", "Kingdom", "Lantern", "Voyage", "Storm", "Circus", "Frontier", "Island", "Canyon",
    "Letter", "Summer", "Winter", "Shadow", "Engine", "Desert", "Compass", "Tower", "Meadow",
];

const FRENCH_ADJECTIVES: &[&str] = &[
    "perdu",
    "éternel",
    "secret",
    "brûlant",
    "silencieux",
    "doré",
    "oublié",
];

pub(crate) const FIRST_NAMES: &[&str] = &[
    "Aki", "Zoë", "Björn", "José", "Chloé", "Renée", "Søren", "Łukasz", "Ana", "John", "Mary",
    "Ahmed", "Mei", "Kenji", "Olga", "Pierre", "Íñigo", "Nuno", "Ewa", "Tom", "Sarah", "Dmitri",
];

pub(crate) const LAST_NAMES: &[&str] = &[
    "Kaurismäki",
    "Müller",
    "García",
    "Smith",
    "Nguyen",
    "Dubois",
    "Østergaard",
    "Kowalski",
    "Brown",
    "Ferreira",
    "Yamamoto",
    "Hansen",
    "Rossi",
    "Johnson",
    "Petrov",
    "Çelik",
    "Lefèvre",
    "Brien",
    "Doe",
    "Martin",
];

const NICKNAMES: &[&str] = &["The Rock", "Kid", "Doc", "Slim", "Ace"];

const COMPANY_SUFFIXES: &[&str] = &[
    "Pictures",
    "Films",
    "Entertainment",
    "Studios",
    "Productions",
    "Media",
    "Ltd.",
];

const NETWORK_PREFIXES: &[&str] = &["Channel ", "Net ", "Stream+", "TV-"];
