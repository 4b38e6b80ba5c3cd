//! JSON bodies of the API, modelled on the real samples in `tests/fixtures/tmdb-samples/`
//! (same keys and nesting), with the awkward real-world cases spread deterministically across
//! the catalogue: null paths, `""` dates and homepages, int-vs-float numbers, origin_country
//! as array (series, new movies) or string (companies, networks), quotes, backslashes, emoji,
//! non-Latin scripts and 20 000-character overviews.

use chrono::{Datelike, Days, NaiveDate};
use serde_json::{Map, Value, json};

use super::catalogue::{
    ADJECTIVES, Catalogue, Credit, Kind, MOVIE_GENRES, NOUNS, TV_GENRES, Titles, f,
};
use super::knobs::{CatalogFault, SnapshotFault};
use super::rng::Rng;

/// Request options that shape a body.
#[derive(Clone, Debug, Default)]
pub struct Req {
    /// `language` query parameter (e.g. "fr-FR"); `None` = en-US.
    pub language: Option<String>,
    /// `include_image_language` values ("null" matches images without language).
    pub image_languages: Option<Vec<String>>,
    /// `include_video_language` values, read like `include_image_language`.
    pub video_languages: Option<Vec<String>>,
}

impl Req {
    fn lang(&self) -> &str {
        self.language
            .as_deref()
            .map(|l| l.split('-').next().unwrap_or(l))
            .unwrap_or("en")
    }

    fn french(&self) -> bool {
        self.lang() == "fr"
    }

    fn keep_image(&self, iso: Option<&str>) -> bool {
        self.keep(&self.image_languages, iso)
    }

    /// Videos: those of the `include_video_language` list, else of `language`, else all.
    fn keep_video(&self, iso: Option<&str>) -> bool {
        self.keep(&self.video_languages, iso)
    }

    fn keep(&self, included: &Option<Vec<String>>, iso: Option<&str>) -> bool {
        match (included, &self.language) {
            (Some(list), _) => list.iter().any(|l| match iso {
                None => l == "null",
                Some(code) => l == code,
            }),
            (None, Some(_)) => iso.is_none_or(|code| code == self.lang()),
            (None, None) => true,
        }
    }
}

/// Append names accepted on each resource (others are ignored, like TMDb does).
pub const MOVIE_APPENDS: &[&str] = &[
    "credits",
    "keywords",
    "images",
    "videos",
    "external_ids",
    "translations",
    "release_dates",
    "alternative_titles",
    "similar",
    "recommendations",
    "watch/providers",
];
pub const TV_APPENDS: &[&str] = &[
    "credits",
    "aggregate_credits",
    "keywords",
    "images",
    "videos",
    "external_ids",
    "translations",
    "content_ratings",
    "similar",
    "recommendations",
    "watch/providers",
];
pub const PERSON_APPENDS: &[&str] = &[
    "combined_credits",
    "movie_credits",
    "tv_credits",
    "images",
    "external_ids",
    "translations",
];
pub const COLLECTION_APPENDS: &[&str] = &["images", "translations"];
pub const COMPANY_APPENDS: &[&str] = &["images"];
pub const SEASON_APPENDS: &[&str] = &["credits", "external_ids", "images", "translations"];

const COUNTRIES: &[(&str, &str)] = &[
    ("US", "United States of America"),
    ("FR", "France"),
    ("DE", "Germany"),
    ("GB", "United Kingdom"),
    ("JP", "Japan"),
    ("KR", "South Korea"),
    ("CA", "Canada"),
    ("IT", "Italy"),
    ("ES", "Spain"),
    ("BR", "Brazil"),
    ("RU", "Russia"),
    ("EG", "Egypt"),
    ("GR", "Greece"),
    ("CN", "China"),
    ("IL", "Israel"),
    ("IN", "India"),
    ("TH", "Thailand"),
];

const LANGUAGES: &[(&str, &str, &str)] = &[
    ("en", "English", "English"),
    ("fr", "French", "Français"),
    ("de", "German", "Deutsch"),
    ("ja", "Japanese", "日本語"),
    ("ru", "Russian", "Pусский"),
    ("ar", "Arabic", "العربية"),
    ("ko", "Korean", "한국어/조선말"),
    ("el", "Greek", "ελληνικά"),
    ("zh", "Mandarin", "普通话"),
    ("he", "Hebrew", "עִבְרִית"),
    ("hi", "Hindi", "हिन्दी"),
    ("th", "Thai", "ภาษาไทย"),
    ("es", "Spanish", "Español"),
    ("pt", "Portuguese", "Português"),
];

const DEPARTMENTS: &[(&str, &str)] = &[
    ("Directing", "Director"),
    ("Writing", "Screenplay"),
    ("Production", "Producer"),
    ("Production", "Casting"),
    ("Sound", "Original Music Composer"),
    ("Camera", "Director of Photography"),
    ("Editing", "Editor"),
    ("Art", "Production Design"),
    ("Costume & Make-Up", "Costume Design"),
    ("Crew", "Thanks"),
    ("Visual Effects", "VFX Supervisor"),
    ("Lighting", "Gaffer"),
];

const PROVIDERS: &[(u64, &str, &str)] = &[
    (8, "Netflix", "/pbpMk2JmcoNnQwx5JGpXngfoWtp.jpg"),
    (2, "Apple TV", "/9ghgSC0MA082EL6HLCW3GalykFD.jpg"),
    (3, "Google Play Movies", "/8z7rC8uIDaTM91X0ZfkRf04ydj2.jpg"),
    (
        119,
        "Amazon Prime Video",
        "/emthp39XA2YScoYL1p0sdbAH2WA.jpg",
    ),
    (381, "Canal+", "/eBXzkFEupZjKaIKY7zBUaSdCY8I.jpg"),
    (538, "Plex", "/vLZKlXUNDcZR7ilvfY9Wr9k80FZ.jpg"),
];

fn lang_name(code: &str) -> (&'static str, &'static str) {
    LANGUAGES
        .iter()
        .find(|l| l.0 == code)
        .map(|l| (l.1, l.2))
        .unwrap_or(("English", "English"))
}

fn country_of(lang: &str) -> &'static str {
    match lang {
        "fr" => "FR",
        "de" => "DE",
        "ja" => "JP",
        "ko" => "KR",
        "ru" => "RU",
        "ar" => "EG",
        "el" => "GR",
        "zh" => "CN",
        "he" => "IL",
        "hi" => "IN",
        "th" => "TH",
        _ => "US",
    }
}

fn date(r: &mut Rng, from: u64, to: u64) -> NaiveDate {
    let y = r.range(from, to) as i32;
    let m = r.range(1, 12) as u32;
    let d = r.range(1, 28) as u32;
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
}

fn ymd(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

fn path_or_null(r: &mut Rng, null: bool, ext: &str) -> Value {
    let p = r.image_path(ext);
    if null { Value::Null } else { Value::String(p) }
}

/// `7` (int literal) for some entities, `7.234` for others, `0` for new records.
fn vote_average(r: &mut Rng, index: u64, sparse: bool) -> Value {
    let v = r.decimal(10, 3);
    if sparse {
        json!(0)
    } else if index.is_multiple_of(3) {
        json!(v.round() as i64)
    } else if index % 3 == 1 {
        json!((v * 10.0).round() / 10.0)
    } else {
        json!(v)
    }
}

fn popularity(r: &mut Rng, index: u64, sparse: bool) -> Value {
    let v = r.decimal(200, 3);
    if sparse {
        if index.is_multiple_of(2) {
            json!(0)
        } else {
            json!(0.0)
        }
    } else if index % 10 == 7 {
        json!(v.round() as i64)
    } else {
        json!(v)
    }
}

fn paged(results: Vec<Value>, total_results: u64, per_page: u64) -> Value {
    let total_pages = total_results.div_ceil(per_page);
    json!({
        "page": 1,
        "results": results,
        "total_pages": total_pages,
        "total_results": total_results,
    })
}

fn obj(v: Value) -> Map<String, Value> {
    match v {
        Value::Object(m) => m,
        _ => Map::new(),
    }
}

/// A 20 000+ character overview built from sentences.
fn long_text(title: &str) -> String {
    let mut s = String::with_capacity(22_000);
    let mut chars = 0;
    let mut k = 0u64;
    while chars < 20_000 {
        let sentence = format!(
            "Chapter {k}: in \"{title}\", the {} {} keeps its promise — ça continue, 続く. ",
            ADJECTIVES[(k % ADJECTIVES.len() as u64) as usize].to_lowercase(),
            NOUNS[(k % NOUNS.len() as u64) as usize].to_lowercase()
        );
        chars += sentence.chars().count();
        s.push_str(&sentence);
        k += 1;
    }
    s
}

/// Values shared by a movie's details and every list item that shows it.
struct MovieCore {
    titles: Titles,
    overview_en: String,
    overview_fr: String,
    has_fr: bool,
    release_date: String,
    poster: Value,
    backdrop: Value,
    popularity: Value,
    vote_average: Value,
    vote_count: u64,
    video: bool,
    genre_ids: Vec<u64>,
}

struct TvCore {
    titles: Titles,
    overview_en: String,
    overview_fr: String,
    has_fr: bool,
    first_air: Option<NaiveDate>,
    poster: Value,
    backdrop: Value,
    popularity: Value,
    vote_average: Value,
    vote_count: u64,
    origin_country: Vec<&'static str>,
    genre_ids: Vec<u64>,
}

struct PersonCore {
    name: String,
    gender: u64,
    department: Value,
    popularity: Value,
    profile: Value,
}

impl Catalogue {
    // ================================================================ movie

    fn movie_core(&self, i: u64) -> MovieCore {
        let sparse = self.movie_is_sparse(i);
        let titles = self.movie_titles(i);
        let mut r = self.rng(Kind::Movie, i, f::DETAILS);
        let release = date(&mut r, 1920, 2025);
        let poster = path_or_null(&mut r, sparse || i % 11 == 5, ".jpg");
        let backdrop = path_or_null(&mut r, sparse || i % 11 == 5 || i % 7 == 6, ".jpg");
        let popularity = popularity(&mut r, i, sparse);
        let vote_average = vote_average(&mut r, i, sparse);
        let vote_count = if sparse { 0 } else { r.below(30_000) };
        let overview_en = if sparse {
            String::new()
        } else if i % 97 == 13 {
            long_text(&titles.english)
        } else {
            let mut o = format!(
                "{}: when a {} arrives in {}, {} must face the past. ",
                titles.english,
                NOUNS[(i % NOUNS.len() as u64) as usize].to_lowercase(),
                ["Paris", "Tōkyō", "São Paulo", "Zürich", "New York"][(i % 5) as usize],
                self.person_name(i % self.count(Kind::Person).max(1)),
            );
            if i % 19 == 2 {
                o.push_str("He said \"never\".\r\nShe replied: C:\\path\\to\\nowhere.");
            }
            o
        };
        let has_fr = i % 17 != 3;
        let overview_fr = if !has_fr || sparse || i % 5 == 2 {
            String::new()
        } else {
            format!(
                "Quand « {} » arrive à Montréal, tout bascule. Été, forêt, cœur brisé.",
                if titles.french.is_empty() {
                    &titles.english
                } else {
                    &titles.french
                }
            )
        };
        MovieCore {
            release_date: if sparse { String::new() } else { ymd(release) },
            titles,
            overview_en,
            overview_fr,
            has_fr,
            poster,
            backdrop,
            popularity,
            vote_average,
            vote_count,
            video: i % 31 == 30,
            genre_ids: self
                .movie_genres(i)
                .into_iter()
                .map(|g| MOVIE_GENRES[g as usize].0)
                .collect(),
        }
    }

    fn movie_localized(&self, core: &MovieCore, req: &Req) -> (String, String) {
        if req.french() {
            let title = if core.has_fr && !core.titles.french.is_empty() {
                core.titles.french.clone()
            } else {
                core.titles.english.clone()
            };
            (title, core.overview_fr.clone())
        } else {
            (core.titles.english.clone(), core.overview_en.clone())
        }
    }

    /// Export-line popularity (4 decimals; 0.0 for new records).
    pub(crate) fn export_popularity(&self, kind: Kind, i: u64) -> f64 {
        let mut r = self.rng(kind, i, f::POPULARITY);
        let v = r.decimal(100, 4);
        match i % 9 {
            4 => 0.0,
            6 => 0.6,
            _ => v,
        }
    }

    pub(crate) fn movie_video(&self, i: u64) -> bool {
        i % 31 == 30
    }

    /// A movie list item (similar, recommendations, collection parts, list items, person credits).
    fn movie_item(&self, i: u64, req: &Req, media_type: bool) -> Map<String, Value> {
        let core = self.movie_core(i);
        let (title, overview) = self.movie_localized(&core, req);
        let mut m = obj(json!({
            "adult": false,
            "backdrop_path": core.backdrop,
            "genre_ids": core.genre_ids,
            "id": self.id_at(Kind::Movie, i),
            "original_language": core.titles.language,
            "original_title": core.titles.original,
            "overview": overview,
            "popularity": core.popularity,
            "poster_path": core.poster,
            "release_date": core.release_date,
            "title": title,
            "video": core.video,
            "vote_average": core.vote_average,
            "vote_count": core.vote_count,
        }));
        if media_type {
            m.insert("media_type".into(), json!("movie"));
        }
        m
    }

    fn company_brief(&self, c: u64) -> Value {
        let mut r = self.rng(Kind::Company, c, f::DETAILS);
        let logo = path_or_null(&mut r, c % 4 == 3, ".png");
        json!({
            "id": self.id_at(Kind::Company, c),
            "logo_path": logo,
            "name": self.company_name(c),
            "origin_country": self.company_country(c),
        })
    }

    fn company_country(&self, c: u64) -> &'static str {
        if c % 3 == 1 {
            ""
        } else {
            COUNTRIES[(c % COUNTRIES.len() as u64) as usize].0
        }
    }

    fn network_country(&self, n: u64) -> &'static str {
        if n % 4 == 2 {
            ""
        } else {
            COUNTRIES[(n % COUNTRIES.len() as u64) as usize].0
        }
    }

    fn network_brief(&self, n: u64) -> Value {
        let mut r = self.rng(Kind::Network, n, f::DETAILS);
        let logo = path_or_null(&mut r, n % 5 == 4, ".png");
        json!({
            "id": self.id_at(Kind::Network, n),
            "logo_path": logo,
            "name": self.network_name(n),
            "origin_country": self.network_country(n),
        })
    }

    /// `GET /3/movie/{id}` for a live index, with appends.
    pub fn movie_json(&self, i: u64, req: &Req, appends: &[&str]) -> Value {
        let sparse = self.movie_is_sparse(i);
        let core = self.movie_core(i);
        let (title, overview) = self.movie_localized(&core, req);
        let id = self.id_at(Kind::Movie, i);
        let mut r = self.rng(Kind::Movie, i, f::DETAILS ^ 0xFF);
        let budget = if sparse || r.chance(1, 4) {
            0
        } else if i % 53 == 7 {
            5
        } else {
            r.range(1, 200) * 1_000_000
        };
        let revenue = if budget == 0 || r.chance(1, 3) {
            0
        } else if i % 41 == 9 {
            2_800_000_000u64
        } else {
            budget * r.range(0, 8) + r.below(1_000_000)
        };
        let runtime = if sparse {
            json!(0)
        } else if i % 47 == 11 {
            Value::Null
        } else {
            json!(r.range(3, 240))
        };
        let collection = self.movie_collection(i).map(|c| {
            let mut cr = self.rng(Kind::Collection, c, f::DETAILS);
            let poster = path_or_null(&mut cr, c % 5 == 4, ".jpg");
            let backdrop = path_or_null(&mut cr, c % 3 == 2, ".jpg");
            json!({
                "id": self.id_at(Kind::Collection, c),
                "name": self.collection_name(c),
                "poster_path": poster,
                "backdrop_path": backdrop,
            })
        });
        let genres: Vec<Value> = self
            .movie_genres(i)
            .into_iter()
            .map(|g| {
                let (gid, en, fr) = MOVIE_GENRES[g as usize];
                json!({"id": gid, "name": if req.french() { fr } else { en }})
            })
            .collect();
        let companies: Vec<Value> = self
            .movie_companies(i)
            .into_iter()
            .map(|c| self.company_brief(c))
            .collect();
        let main_country = country_of(core.titles.language);
        let countries: Vec<Value> = if sparse {
            Vec::new()
        } else {
            let mut v = vec![
                json!({"iso_3166_1": main_country, "name": COUNTRIES.iter().find(|c| c.0 == main_country).map(|c| c.1).unwrap_or("Other")}),
            ];
            if i % 4 == 1 {
                v.push(json!({"iso_3166_1": "FR", "name": "France"}));
            }
            v
        };
        let spoken: Vec<Value> = if sparse {
            Vec::new()
        } else {
            let (english, native) = lang_name(core.titles.language);
            vec![
                json!({"english_name": english, "iso_639_1": core.titles.language, "name": native}),
            ]
        };
        let status = if sparse {
            "In Production"
        } else {
            [
                "Released",
                "Released",
                "Released",
                "Released",
                "Released",
                "Released",
                "Rumored",
                "Planned",
                "Post Production",
                "Canceled",
            ][(i % 10) as usize]
        };
        let tagline = if sparse || i % 3 == 2 {
            String::new()
        } else if req.french() {
            if i.is_multiple_of(2) {
                String::new()
            } else {
                "Une histoire vraie… ou presque.".into()
            }
        } else {
            format!(
                "Every {} has a secret.",
                NOUNS[(i % 27) as usize].to_lowercase()
            )
        };
        let mut m = obj(json!({
            "adult": false,
            "backdrop_path": core.backdrop,
            "belongs_to_collection": collection,
            "budget": budget,
            "genres": genres,
            "homepage": if sparse || i.is_multiple_of(2) { String::new() } else { format!("https://movie-{id}.example.com/") },
            "id": id,
            "imdb_id": if sparse { Value::Null } else { json!(format!("tt{:07}", 100_000 + i * 17)) },
            "original_language": core.titles.language,
            "original_title": core.titles.original,
            "overview": overview,
            "popularity": core.popularity,
            "poster_path": core.poster,
            "production_companies": companies,
            "production_countries": countries,
            "release_date": core.release_date,
            "revenue": revenue,
            "runtime": runtime,
            "spoken_languages": spoken,
            "status": status,
            "tagline": tagline,
            "title": title,
            "video": core.video,
            "vote_average": core.vote_average,
            "vote_count": core.vote_count,
        }));
        if i.is_multiple_of(2) {
            // Newer key (2025): an array on movies.
            let mut oc = vec![json!(main_country)];
            if i % 8 == 2 {
                oc.push(json!("FR"));
            }
            m.insert("origin_country".into(), Value::Array(oc));
        }
        for a in appends {
            if let Some(v) = self.movie_append(i, a, req) {
                m.insert((*a).to_string(), v);
            }
        }
        Value::Object(m)
    }

    /// The `credit_id` the API gives credit `slot` of movie (`Kind::Movie`) or series
    /// (`Kind::Tv`) index `work`, e.g. to seed credit rows as a crawl would have written them.
    pub fn credit_id(&self, kind: Kind, work: u64, slot: u64) -> String {
        self.rng2(kind, work, f::CREDIT_ID, slot).hex24()
    }

    fn movie_credit_detail(&self, c: &Credit) -> (String, String, &'static str, &'static str) {
        let mut r = self.rng2(Kind::Movie, c.work, f::CREDIT_ID, c.slot);
        let credit_id = r.hex24();
        let character = match r.below(8) {
            0 => String::new(),
            1 => "Self".into(),
            2 => format!(
                "{} / Young {}",
                self.person_name(c.person),
                NOUNS[(c.slot % 27) as usize]
            ),
            _ => format!(
                "{} {}",
                ADJECTIVES[(r.below(26)) as usize],
                NOUNS[(r.below(27)) as usize]
            ),
        };
        let (dept, job) = DEPARTMENTS[(r.below(DEPARTMENTS.len() as u64)) as usize];
        (credit_id, character, dept, job)
    }

    fn tv_credit_detail(&self, c: &Credit) -> (String, String, &'static str, &'static str, u64) {
        let mut r = self.rng2(Kind::Tv, c.work, f::CREDIT_ID, c.slot);
        let credit_id = r.hex24();
        let character = if r.chance(1, 6) {
            String::new()
        } else {
            format!(
                "{} {}",
                ADJECTIVES[(r.below(26)) as usize],
                NOUNS[(r.below(27)) as usize]
            )
        };
        let (dept, job) = DEPARTMENTS[(r.below(DEPARTMENTS.len() as u64)) as usize];
        let total: u64 = self
            .tv_season_numbers(c.work)
            .into_iter()
            .map(|s| self.tv_episode_count(c.work, s))
            .sum();
        let episodes = 1 + r.below(total.max(1));
        (credit_id, character, dept, job, episodes)
    }

    fn movie_append(&self, i: u64, name: &str, req: &Req) -> Option<Value> {
        let sparse = self.movie_is_sparse(i);
        let id = self.id_at(Kind::Movie, i);
        Some(match name {
            "credits" => {
                let mut cast = Vec::new();
                let mut crew = Vec::new();
                for c in self.movie_credits(i) {
                    let (credit_id, character, dept, job) = self.movie_credit_detail(&c);
                    let mut m = self.person_brief(c.person);
                    m.insert("credit_id".into(), json!(credit_id));
                    if c.cast {
                        m.insert("cast_id".into(), json!(c.slot + 1));
                        m.insert("character".into(), json!(character));
                        m.insert("order".into(), json!(c.order));
                        cast.push(Value::Object(m));
                    } else {
                        m.insert("department".into(), json!(dept));
                        m.insert("job".into(), json!(job));
                        crew.push(Value::Object(m));
                    }
                }
                json!({"cast": cast, "crew": crew})
            }
            "keywords" => {
                let kws: Vec<Value> = self
                    .movie_keywords(i)
                    .into_iter()
                    .map(|k| json!({"id": self.id_at(Kind::Keyword, k), "name": self.keyword_name(k)}))
                    .collect();
                json!({ "keywords": kws })
            }
            "images" => {
                let mut r = self.rng(Kind::Movie, i, f::IMAGES);
                let n = if sparse { 0 } else { 4 };
                json!({
                    "backdrops": self.image_list(&mut r, n, 1.778, req, &[None, None, None, Some("en")]),
                    "logos": self.image_list(&mut r, n.min(2), 3.5, req, &[Some("en"), Some("fr")]),
                    "posters": self.image_list(&mut r, n, 0.667, req, &[Some("en"), Some("fr"), None, Some("xx"), Some("de")]),
                })
            }
            "videos" => self.videos(Kind::Movie, i, sparse, req),
            "external_ids" => {
                let mut r = self.rng(Kind::Movie, i, f::EXTERNAL);
                json!({
                    "imdb_id": if sparse { Value::Null } else { json!(format!("tt{:07}", 100_000 + i * 17)) },
                    "wikidata_id": if r.chance(1, 3) { Value::Null } else { json!(format!("Q{}", 100_000 + i)) },
                    "facebook_id": if r.chance(1, 2) { Value::Null } else { json!(format!("movie{id}")) },
                    "instagram_id": if r.chance(2, 3) { Value::Null } else { json!(format!("movie_{id}")) },
                    "twitter_id": match r.below(3) { 0 => Value::Null, 1 => json!(""), _ => json!(format!("Movie{id}")) },
                })
            }
            "translations" => {
                let core = self.movie_core(i);
                let mut r = self.rng(Kind::Movie, i, f::TRANSLATIONS);
                let runtime = if sparse { 0 } else { r.range(60, 180) };
                let mut list = vec![json!({
                    "iso_3166_1": "US", "iso_639_1": "en", "name": "English", "english_name": "English",
                    "data": {
                        "homepage": if i.is_multiple_of(2) { String::new() } else { format!("https://movie-{id}.example.com/") },
                        "overview": core.overview_en, "runtime": runtime,
                        "tagline": if sparse { "" } else { "Every story has a secret." },
                        "title": if core.titles.language == "en" { String::new() } else { core.titles.english.clone() },
                    }
                })];
                if core.has_fr {
                    list.push(json!({
                        "iso_3166_1": "FR", "iso_639_1": "fr", "name": "Français", "english_name": "French",
                        "data": {
                            "homepage": "", "overview": core.overview_fr,
                            "runtime": if i.is_multiple_of(4) { 0 } else { runtime },
                            "tagline": if i.is_multiple_of(2) { "" } else { "Une histoire vraie… ou presque." },
                            "title": core.titles.french,
                        }
                    }));
                }
                if i.is_multiple_of(3) {
                    list.push(json!({
                        "iso_3166_1": "DE", "iso_639_1": "de", "name": "Deutsch", "english_name": "German",
                        "data": {"homepage": "", "overview": "", "runtime": 0, "tagline": "", "title": format!("Der {}", core.titles.english)}
                    }));
                }
                if i % 4 == 1 {
                    list.push(json!({
                        "iso_3166_1": "JP", "iso_639_1": "ja", "name": "日本語", "english_name": "Japanese",
                        "data": {"homepage": "", "overview": "物語はここから始まる。", "runtime": runtime, "tagline": "", "title": "静かな港"}
                    }));
                }
                json!({ "translations": list })
            }
            "release_dates" => {
                let mut r = self.rng(Kind::Movie, i, f::RELEASES);
                let core = self.movie_core(i);
                let base = NaiveDate::parse_from_str(&core.release_date, "%Y-%m-%d").ok();
                let results: Vec<Value> = match base {
                    None => Vec::new(),
                    Some(d) => ["US", "FR", "DE", "BR"]
                        .iter()
                        .take(1 + r.below(4) as usize)
                        .map(|cc| {
                            let n = 1 + r.below(2);
                            let dates: Vec<Value> = (0..n)
                                .map(|k| {
                                    let day = d
                                        .checked_add_days(Days::new(r.below(120) + k * 200))
                                        .unwrap_or(d);
                                    let cert = match *cc {
                                        "US" => *r.pick(&["PG-13", "R", "", "G"]),
                                        "FR" => *r.pick(&["", "U", "12", "16"]),
                                        "DE" => *r.pick(&["12", "16", ""]),
                                        _ => *r.pick(&["L", "14", ""]),
                                    };
                                    json!({
                                        "certification": cert,
                                        "descriptors": [],
                                        "iso_639_1": if r.chance(1, 8) { "fr" } else { "" },
                                        "note": if k == 1 { "Blu-ray" } else { "" },
                                        "release_date": format!("{}T00:00:00.000Z", ymd(day)),
                                        "type": if k == 0 { 3 } else { 1 + r.below(6) },
                                    })
                                })
                                .collect();
                            json!({"iso_3166_1": cc, "release_dates": dates})
                        })
                        .collect(),
                };
                json!({ "results": results })
            }
            "alternative_titles" => {
                let mut r = self.rng(Kind::Movie, i, f::ALT_TITLES);
                let n = r.below(4);
                let titles: Vec<Value> = (0..n)
                    .map(|k| {
                        let (cc, t) = [
                            ("RU", "Бойцовский клуб"),
                            ("RS", "Borilački klub"),
                            ("IL", "Mo'adon Krav"),
                            ("FR", "L'Étrange \"Club\""),
                        ][((i + k) % 4) as usize];
                        json!({"iso_3166_1": cc, "title": t, "type": if k == 2 { "romanization" } else { "" }})
                    })
                    .collect();
                json!({ "titles": titles })
            }
            "similar" | "recommendations" => {
                let mut r = self.rng(Kind::Movie, i, f::SIMILAR + u64::from(name == "similar"));
                let movies = self.count(Kind::Movie);
                let n = if sparse {
                    0
                } else {
                    r.below(9).min(movies.saturating_sub(1))
                };
                // Like TMDb, a deleted movie is nobody's neighbour.
                let items: Vec<Value> = (0..n)
                    .filter_map(|_| {
                        let j = (i + 1 + r.below(movies.max(2) - 1)) % movies;
                        (!self.deleted_index(Kind::Movie, j)).then(|| {
                            Value::Object(self.movie_item(j, req, name == "recommendations"))
                        })
                    })
                    .collect();
                let total = if n == 0 { 0 } else { n + r.below(200) };
                paged(items, total, 20)
            }
            "watch/providers" => self.providers(Kind::Movie, i, sparse),
            _ => return None,
        })
    }

    fn image_list(
        &self,
        r: &mut Rng,
        n: u64,
        ratio: f64,
        req: &Req,
        langs: &[Option<&'static str>],
    ) -> Vec<Value> {
        (0..n)
            .filter_map(|k| {
                let iso = langs[(k % langs.len() as u64) as usize];
                let width = [1920u64, 1280, 2000, 3840][(r.below(4)) as usize];
                let height = (width as f64 / ratio).round() as u64;
                let aspect = if k == 3 { json!(2) } else { json!(ratio) };
                let entry = json!({
                    "aspect_ratio": aspect,
                    "height": height,
                    "iso_639_1": iso,
                    "file_path": r.image_path(if ratio > 3.0 { ".png" } else { ".jpg" }),
                    "vote_average": if k % 2 == 0 { json!(0) } else { json!(r.decimal(10, 3)) },
                    "vote_count": r.below(40),
                    "width": width,
                });
                req.keep_image(iso).then_some(entry)
            })
            .collect()
    }

    fn videos(&self, kind: Kind, i: u64, sparse: bool, req: &Req) -> Value {
        let mut r = self.rng(kind, i, f::VIDEOS);
        let n = if sparse { 0 } else { r.below(4) };
        let results: Vec<Value> = (0..n)
            .filter_map(|k| {
                let published = date(&mut r, 2008, 2025);
                let iso = if k == 2 { "fr" } else { "en" };
                let video = json!({
                    "iso_639_1": iso,
                    "iso_3166_1": if k == 2 { "FR" } else { "US" },
                    "name": (["Official Trailer", "Teaser \"Final\"", "Bande-annonce VF 🎬"][k as usize % 3]),
                    "key": format!("{:011x}", r.next_u64() & 0xFFF_FFFF_FFFF),
                    "site": "YouTube",
                    "size": if k == 1 { 720 } else { 1080 },
                    "type": (["Trailer", "Teaser", "Featurette", "Clip"][(r.below(4)) as usize]),
                    "official": r.chance(1, 2),
                    "published_at": if k == 1 {
                        format!("{} 23:26:16 UTC", ymd(published))
                    } else {
                        format!("{}T04:36:14.000Z", ymd(published))
                    },
                    "id": r.hex24(),
                });
                req.keep_video(Some(iso)).then_some(video)
            })
            .collect();
        json!({ "results": results })
    }

    fn providers(&self, kind: Kind, i: u64, sparse: bool) -> Value {
        let mut r = self.rng(kind, i, f::PROVIDERS);
        let mut results = Map::new();
        if !sparse && !i.is_multiple_of(6) {
            let slug = if kind == Kind::Movie { "movie" } else { "tv" };
            let id = self.id_at(kind, i);
            for cc in ["FR", "US", "DE", "CA"] {
                if r.chance(1, 3) {
                    continue;
                }
                let mut entry = Map::new();
                entry.insert(
                    "link".into(),
                    json!(format!(
                        "https://www.themoviedb.org/{slug}/{id}/watch?locale={cc}"
                    )),
                );
                for bucket in ["flatrate", "rent", "buy", "free", "ads"] {
                    if r.chance(1, 2) {
                        continue;
                    }
                    // A provider appears once per bucket, as on TMDb.
                    let n = 1 + r.below(3);
                    let first = r.below(PROVIDERS.len() as u64);
                    let list: Vec<Value> = (0..n)
                        .map(|k| {
                            let (pid, pname, logo) =
                                PROVIDERS[((first + k) % PROVIDERS.len() as u64) as usize];
                            json!({"logo_path": logo, "provider_id": pid, "provider_name": pname, "display_priority": r.below(60)})
                        })
                        .collect();
                    entry.insert(bucket.into(), Value::Array(list));
                }
                results.insert(cc.into(), Value::Object(entry));
            }
        }
        json!({ "results": results })
    }

    // ================================================================ person

    fn person_core(&self, p: u64) -> PersonCore {
        let mut r = self.rng(Kind::Person, p, f::DETAILS);
        let gender = match p % 9 {
            0 => 0,
            _ if p % 41 == 5 => 3,
            _ => 1 + r.below(2),
        };
        let department = if p % 29 == 28 {
            Value::Null
        } else {
            json!(
                ([
                    "Acting",
                    "Acting",
                    "Directing",
                    "Writing",
                    "Production",
                    "Sound",
                    "Camera",
                    "Crew",
                    "Editing",
                    "Art",
                    "Creator",
                    "Visual Effects",
                    "Costume & Make-Up",
                    "Lighting"
                ][(r.below(14)) as usize])
            )
        };
        let popularity = popularity(&mut r, p, p % 29 == 28);
        let profile = path_or_null(&mut r, p % 4 == 3, ".jpg");
        PersonCore {
            name: self.person_name(p),
            gender,
            department,
            popularity,
            profile,
        }
    }

    /// The person fields repeated in every credit entry.
    fn person_brief(&self, p: u64) -> Map<String, Value> {
        let core = self.person_core(p);
        obj(json!({
            "adult": false,
            "gender": core.gender,
            "id": self.id_at(Kind::Person, p),
            "known_for_department": core.department,
            "name": core.name,
            "original_name": core.name,
            "popularity": core.popularity,
            "profile_path": core.profile,
        }))
    }

    fn biography_en(&self, p: u64, name: &str) -> String {
        match p % 10 {
            4 => String::new(),
            7 => long_text(name),
            _ => format!(
                "{name} (born in {}) is known for \"{}\" roles.\n\nAlso credited as {}\\{}.",
                ["Shawnee, Oklahoma, USA", "Lyon, France", "大阪", "Kraków"][(p % 4) as usize],
                ADJECTIVES[(p % 26) as usize].to_lowercase(),
                name.split(' ').next().unwrap_or(name),
                p
            ),
        }
    }

    fn biography_fr(&self, p: u64, name: &str) -> String {
        if p.is_multiple_of(3) {
            String::new()
        } else {
            format!("{name} est une personnalité née à Québec. Rôles célèbres : « L'été ».")
        }
    }

    /// `GET /3/person/{id}` for a live index, with appends.
    pub fn person_json(&self, p: u64, req: &Req, appends: &[&str]) -> Value {
        let core = self.person_core(p);
        let newish = p % 29 == 28;
        let mut r = self.rng(Kind::Person, p, f::DETAILS ^ 0xFF);
        let birthday = date(&mut r, 1900, 2005);
        let deathday = if p % 8 == 3 {
            json!(ymd(birthday
                .checked_add_days(Days::new(365 * 60))
                .unwrap_or(birthday)))
        } else {
            Value::Null
        };
        let aka: Vec<Value> = match p % 5 {
            0 | 1 => Vec::new(),
            2 => vec![json!(core.name.to_uppercase())],
            3 => vec![json!("Андрей"), json!("アンドレイ"), json!("Ανδρέας")],
            _ => vec![json!(format!("{} Jr.", core.name))],
        };
        let biography = if req.french() {
            self.biography_fr(p, &core.name)
        } else {
            self.biography_en(p, &core.name)
        };
        let mut m = obj(json!({
            "adult": false,
            "also_known_as": aka,
            "biography": biography,
            "birthday": if newish || p % 6 == 5 { Value::Null } else { json!(ymd(birthday)) },
            "deathday": deathday,
            "gender": core.gender,
            "homepage": if p % 7 == 2 { json!(format!("https://person-{}.example.org/", self.id_at(Kind::Person, p))) } else { Value::Null },
            "id": self.id_at(Kind::Person, p),
            "imdb_id": if newish { Value::Null } else { json!(format!("nm{:07}", 1000 + p * 13)) },
            "known_for_department": core.department,
            "name": core.name,
            "place_of_birth": if p % 5 == 1 { Value::Null } else { json!((["Shawnee, Oklahoma, USA", "Lyon, France", "大阪府, 日本", "Kraków, Polska"][(p % 4) as usize])) },
            "popularity": core.popularity,
            "profile_path": core.profile,
        }));
        for a in appends {
            if let Some(v) = self.person_append(p, a, req) {
                m.insert((*a).to_string(), v);
            }
        }
        Value::Object(m)
    }

    fn person_credit_lists(&self, p: u64, req: &Req, movies: bool, tv: bool, media: bool) -> Value {
        let mut cast = Vec::new();
        let mut crew = Vec::new();
        if movies {
            for c in self.person_movie_credits(p) {
                let (credit_id, character, dept, job) = self.movie_credit_detail(&c);
                let mut m = self.movie_item(c.work, req, false);
                if c.work % 11 == 3 {
                    // 2014-style null date inside combined credits
                    m.insert(
                        "release_date".into(),
                        if media { Value::Null } else { json!("") },
                    );
                }
                m.insert("credit_id".into(), json!(credit_id));
                if c.cast {
                    m.insert("character".into(), json!(character));
                    m.insert("order".into(), json!(c.order));
                } else {
                    m.insert("department".into(), json!(dept));
                    m.insert("job".into(), json!(job));
                }
                if media {
                    m.insert("media_type".into(), json!("movie"));
                }
                if c.cast {
                    cast.push(Value::Object(m))
                } else {
                    crew.push(Value::Object(m))
                }
            }
        }
        if tv {
            for c in self.person_tv_credits(p) {
                let (credit_id, character, dept, job, episodes) = self.tv_credit_detail(&c);
                let mut m = self.tv_item(c.work, req, false);
                if c.work % 4 == 3 {
                    m.insert("first_air_date".into(), Value::Null);
                }
                m.insert("credit_id".into(), json!(credit_id));
                m.insert("episode_count".into(), json!(episodes));
                if c.cast {
                    m.insert("character".into(), json!(character));
                } else {
                    m.insert("department".into(), json!(dept));
                    m.insert("job".into(), json!(job));
                }
                if media {
                    m.insert("media_type".into(), json!("tv"));
                }
                if c.cast {
                    cast.push(Value::Object(m))
                } else {
                    crew.push(Value::Object(m))
                }
            }
        }
        json!({"cast": cast, "crew": crew})
    }

    fn person_append(&self, p: u64, name: &str, req: &Req) -> Option<Value> {
        Some(match name {
            "combined_credits" => self.person_credit_lists(p, req, true, true, true),
            "movie_credits" => self.person_credit_lists(p, req, true, false, false),
            "tv_credits" => self.person_credit_lists(p, req, false, true, false),
            "images" => {
                let mut r = self.rng(Kind::Person, p, f::IMAGES);
                let n = if p % 4 == 3 { 0 } else { 1 + r.below(3) };
                let all = Req::default();
                json!({ "profiles": self.image_list(&mut r, n, 0.667, &all, &[None]) })
            }
            "external_ids" => {
                let mut r = self.rng(Kind::Person, p, f::EXTERNAL);
                let newish = p % 29 == 28;
                json!({
                    "freebase_mid": if r.chance(1, 2) { Value::Null } else { json!(format!("/m/0{:x}", p + 4096)) },
                    "freebase_id": if r.chance(1, 2) { Value::Null } else { json!(format!("/en/person_{p}")) },
                    "imdb_id": if newish { Value::Null } else { json!(format!("nm{:07}", 1000 + p * 13)) },
                    "tvrage_id": if r.chance(1, 2) { Value::Null } else { json!(10_000 + p) },
                    "wikidata_id": if r.chance(1, 3) { Value::Null } else { json!(format!("Q{}", 5000 + p)) },
                    "facebook_id": if r.chance(1, 2) { Value::Null } else { json!(format!("person{p}")) },
                    "instagram_id": if r.chance(1, 2) { Value::Null } else { json!(format!("person.{p}")) },
                    "tiktok_id": if r.chance(3, 4) { Value::Null } else { json!(format!("p{p}")) },
                    "twitter_id": match r.below(3) { 0 => Value::Null, 1 => json!(""), _ => json!(format!("Person{p}")) },
                    "youtube_id": if r.chance(3, 4) { Value::Null } else { json!(format!("UC{p:08}")) },
                })
            }
            "translations" => {
                let name = self.person_name(p);
                let mut list = vec![json!({
                    "iso_3166_1": "US", "iso_639_1": "en", "name": "English", "english_name": "English",
                    "data": {"biography": self.biography_en(p, &name)}
                })];
                if p % 11 != 10 {
                    list.push(json!({
                        "iso_3166_1": "FR", "iso_639_1": "fr", "name": "Français", "english_name": "French",
                        "data": {"biography": self.biography_fr(p, &name)}
                    }));
                }
                if p % 3 == 1 {
                    list.push(json!({
                        "iso_3166_1": "DE", "iso_639_1": "de", "name": "Deutsch", "english_name": "German",
                        "data": {"biography": ""}
                    }));
                }
                json!({ "translations": list })
            }
            _ => return None,
        })
    }

    // ================================================================ tv

    fn tv_core(&self, j: u64) -> TvCore {
        let titles = self.tv_titles(j);
        let brand_new = j % 11 == 10;
        let mut r = self.rng(Kind::Tv, j, f::DETAILS);
        let first = date(&mut r, 1960, 2020);
        let poster = path_or_null(&mut r, brand_new, ".jpg");
        let backdrop = path_or_null(&mut r, brand_new || j % 7 == 4, ".jpg");
        let popularity = popularity(&mut r, j, brand_new);
        let vote_average = vote_average(&mut r, j, brand_new);
        let vote_count = if brand_new { 0 } else { r.below(25_000) };
        let main = country_of(titles.language);
        let origin_country = if j % 5 == 3 {
            vec![main, "GB"]
        } else {
            vec![main]
        };
        let overview_en = if brand_new {
            String::new()
        } else if j % 23 == 13 {
            long_text(&titles.english)
        } else {
            format!(
                "Seven families fight for the {} of the {} — \"winter\" is coming.",
                NOUNS[(j % 27) as usize].to_lowercase(),
                titles.english
            )
        };
        let has_fr = j % 17 != 3;
        TvCore {
            overview_fr: if has_fr && j % 5 != 2 {
                format!(
                    "Sept familles se disputent « {} ». L'hiver arrive.",
                    titles.english
                )
            } else {
                String::new()
            },
            titles,
            overview_en,
            has_fr,
            first_air: (!brand_new).then_some(first),
            poster,
            backdrop,
            popularity,
            vote_average,
            vote_count,
            origin_country,
            genre_ids: self
                .tv_genres(j)
                .into_iter()
                .map(|g| TV_GENRES[g as usize].0)
                .collect(),
        }
    }

    fn tv_localized(&self, core: &TvCore, req: &Req) -> (String, String) {
        if req.french() {
            let name = if core.has_fr && !core.titles.french.is_empty() {
                core.titles.french.clone()
            } else {
                core.titles.english.clone()
            };
            (name, core.overview_fr.clone())
        } else {
            (core.titles.english.clone(), core.overview_en.clone())
        }
    }

    fn tv_item(&self, j: u64, req: &Req, media_type: bool) -> Map<String, Value> {
        let core = self.tv_core(j);
        let (name, overview) = self.tv_localized(&core, req);
        let mut m = obj(json!({
            "adult": false,
            "backdrop_path": core.backdrop,
            "first_air_date": core.first_air.map(ymd).unwrap_or_default(),
            "genre_ids": core.genre_ids,
            "id": self.id_at(Kind::Tv, j),
            "name": name,
            "origin_country": core.origin_country,
            "original_language": core.titles.language,
            "original_name": core.titles.original,
            "overview": overview,
            "popularity": core.popularity,
            "poster_path": core.poster,
            "vote_average": core.vote_average,
            "vote_count": core.vote_count,
        }));
        if media_type {
            m.insert("media_type".into(), json!("tv"));
        }
        m
    }

    fn season_air_date(&self, j: u64, season: u64) -> Option<NaiveDate> {
        let first = self.tv_core(j).first_air?;
        let s = season.max(1) - 1;
        first.checked_add_days(Days::new(s * 371))
    }

    fn episode_air_date(&self, j: u64, season: u64, e: u64) -> Option<NaiveDate> {
        if self.tv_in_production(j) && season == self.tv_regular_seasons(j) {
            // the current season: the last episode airs in the future
            let count = self.tv_episode_count(j, season);
            if e == count {
                return NaiveDate::from_ymd_opt(2031, 1, 1 + (j % 28) as u32);
            }
        }
        self.season_air_date(j, season)?
            .checked_add_days(Days::new((e.max(1) - 1) * 7))
    }

    fn episode_name(&self, j: u64, season: u64, e: u64, req: &Req) -> String {
        if req.french() {
            return if (j + e).is_multiple_of(3) {
                String::new()
            } else {
                format!("Épisode {e}")
            };
        }
        match (j + season + e) % 9 {
            1 => format!("The \"{}\" Job", NOUNS[(e % 27) as usize]),
            4 => "第1話 始まり".into(),
            6 => format!("Part {e}: Nobody's {} \\o/", NOUNS[(j % 27) as usize]),
            _ => format!("Episode {e}"),
        }
    }

    /// Episode fields common to season lists, episode details and `last_episode_to_air`.
    fn episode_core(&self, j: u64, season: u64, e: u64, req: &Req) -> Map<String, Value> {
        let mut r = self.rng2(Kind::Tv, j, f::EPISODES, season * 1000 + e);
        let count = self.tv_episode_count(j, season);
        let air = self.episode_air_date(j, season, e);
        let future = air.is_some_and(|d| d.year() >= 2030);
        let episode_type = if e == count && season > 0 {
            "finale"
        } else if count >= 4 && e == count / 2 {
            "mid_season"
        } else {
            "standard"
        };
        let overview = if future || (j + e) % 5 == 4 {
            String::new()
        } else if req.french() {
            if e.is_multiple_of(2) {
                String::new()
            } else {
                "Tout commence ici, à l'aube.".into()
            }
        } else {
            format!(
                "In episode {e}, the {} changes everything.",
                NOUNS[(e % 27) as usize].to_lowercase()
            )
        };
        obj(json!({
            "air_date": air.map(ymd),
            "episode_number": e,
            "episode_type": episode_type,
            "id": self.episode_id(j, season, e),
            "name": self.episode_name(j, season, e, req),
            "overview": overview,
            "production_code": if (j + e).is_multiple_of(3) { String::new() } else { format!("{season}{e:02}") },
            "runtime": if future || e % 7 == 6 { Value::Null } else { json!(20 + r.below(60)) },
            "season_number": season,
            "show_id": self.id_at(Kind::Tv, j),
            "still_path": path_or_null(&mut r, future || e % 6 == 5, ".jpg"),
            "vote_average": if future { json!(0) } else if e.is_multiple_of(2) { json!(r.below(10)) } else { json!(r.decimal(10, 3)) },
            "vote_count": if future { 0 } else { r.below(400) },
        }))
    }

    fn episode_people(&self, j: u64, season: u64, e: u64) -> (Vec<Value>, Vec<Value>) {
        let np = self.api_count(Kind::Person);
        if np == 0 {
            return (Vec::new(), Vec::new());
        }
        let mut r = self.rng2(Kind::Tv, j, f::CREDITS, season * 1000 + e);
        let crew: Vec<Value> = self
            .tv_credits(j)
            .into_iter()
            .filter(|c| !c.cast)
            .take(2)
            .map(|c| {
                let (credit_id, _, dept, job, _) = self.tv_credit_detail(&c);
                let mut m = self.person_brief(c.person);
                m.insert("credit_id".into(), json!(credit_id));
                m.insert("department".into(), json!(dept));
                m.insert("job".into(), json!(job));
                Value::Object(m)
            })
            .collect();
        let guests = r.below(3);
        let guest_stars: Vec<Value> = (0..guests)
            .map(|k| {
                let p = r.below(self.count(Kind::Person).max(1));
                let mut m = self.person_brief(p);
                m.insert(
                    "character".into(),
                    json!(if k == 1 {
                        String::new()
                    } else {
                        format!("Guest {}", NOUNS[(p % 27) as usize])
                    }),
                );
                m.insert("credit_id".into(), json!(r.hex24()));
                m.insert("order".into(), json!(500 + k));
                Value::Object(m)
            })
            .collect();
        (crew, guest_stars)
    }

    fn season_summary(&self, j: u64, season: u64, req: &Req) -> Value {
        let mut r = self.rng2(Kind::Tv, j, f::SEASONS, season);
        json!({
            "air_date": if season == 0 && j % 8 == 1 { None } else { self.season_air_date(j, season).map(ymd) },
            "episode_count": self.tv_episode_count(j, season),
            "id": self.season_id(j, season),
            "name": self.season_name(season, req),
            "overview": if season.is_multiple_of(2) { String::new() } else { format!("Season {season} raises the stakes.") },
            "poster_path": path_or_null(&mut r, season == 0, ".jpg"),
            "season_number": season,
            "vote_average": if season == 0 { json!(0) } else { json!(r.decimal(10, 1)) },
        })
    }

    fn season_name(&self, season: u64, req: &Req) -> String {
        match (season, req.french()) {
            (0, false) => "Specials".into(),
            (0, true) => "Épisodes spéciaux".into(),
            (n, false) => format!("Season {n}"),
            (n, true) => format!("Saison {n}"),
        }
    }

    /// `GET /3/tv/{id}` for a live index, with appends (including `season/N`).
    pub fn tv_json(&self, j: u64, req: &Req, appends: &[&str]) -> Value {
        let core = self.tv_core(j);
        let (name, overview) = self.tv_localized(&core, req);
        let id = self.id_at(Kind::Tv, j);
        let mut r = self.rng(Kind::Tv, j, f::DETAILS ^ 0xFF);
        let seasons = self.tv_season_numbers(j);
        let regular = self.tv_regular_seasons(j);
        let in_production = self.tv_in_production(j);
        let total_episodes: u64 = seasons.iter().map(|&s| self.tv_episode_count(j, s)).sum();
        let last_count = self.tv_episode_count(j, regular);
        let (last, next) = if core.first_air.is_none() {
            (Value::Null, Value::Null)
        } else if in_production {
            let last_e = last_count.saturating_sub(1);
            let last = if last_e == 0 {
                Value::Null
            } else {
                Value::Object(self.episode_core(j, regular, last_e, req))
            };
            (
                last,
                Value::Object(self.episode_core(j, regular, last_count, req)),
            )
        } else {
            (
                Value::Object(self.episode_core(j, regular, last_count, req)),
                Value::Null,
            )
        };
        let last_air = match &last {
            Value::Object(m) => m.get("air_date").cloned().unwrap_or(Value::Null),
            _ => Value::Null,
        };
        let created_by: Vec<Value> = self
            .tv_credits(j)
            .into_iter()
            .filter(|c| !c.cast)
            .take(2)
            .map(|c| {
                let b = self.person_core(c.person);
                let (credit_id, ..) = self.tv_credit_detail(&c);
                json!({"id": self.id_at(Kind::Person, c.person), "credit_id": credit_id, "name": b.name, "original_name": b.name, "gender": b.gender, "profile_path": b.profile})
            })
            .collect();
        let genres: Vec<Value> = self
            .tv_genres(j)
            .into_iter()
            .map(|g| {
                let (gid, en, fr) = TV_GENRES[g as usize];
                json!({"id": gid, "name": if req.french() { fr } else { en }})
            })
            .collect();
        let (english, native) = lang_name(core.titles.language);
        let mut m = obj(json!({
            "adult": false,
            "backdrop_path": core.backdrop,
            "created_by": created_by,
            "episode_run_time": if j.is_multiple_of(3) { vec![] } else { vec![20 + r.below(40)] },
            "first_air_date": core.first_air.map(ymd).unwrap_or_default(),
            "genres": genres,
            "homepage": if j.is_multiple_of(2) { String::new() } else { format!("https://series-{id}.example.com/") },
            "id": id,
            "in_production": in_production,
            "languages": [core.titles.language],
            "last_air_date": last_air,
            "last_episode_to_air": last,
            "name": name,
            "next_episode_to_air": next,
            "networks": self.tv_networks(j).into_iter().map(|n| self.network_brief(n)).collect::<Vec<_>>(),
            "number_of_episodes": total_episodes,
            "number_of_seasons": regular,
            "origin_country": core.origin_country,
            "original_language": core.titles.language,
            "original_name": core.titles.original,
            "overview": overview,
            "popularity": core.popularity,
            "poster_path": core.poster,
            "production_companies": self.tv_companies(j).into_iter().map(|c| self.company_brief(c)).collect::<Vec<_>>(),
            "production_countries": [{"iso_3166_1": core.origin_country[0], "name": COUNTRIES.iter().find(|c| c.0 == core.origin_country[0]).map(|c| c.1).unwrap_or("Other")}],
            "seasons": seasons.iter().map(|&s| self.season_summary(j, s, req)).collect::<Vec<_>>(),
            "spoken_languages": [{"english_name": english, "iso_639_1": core.titles.language, "name": native}],
            "status": if in_production { "Returning Series" } else if j % 7 == 5 { "Canceled" } else { "Ended" },
            "tagline": if j % 2 == 1 { String::new() } else { "Winter is coming.".to_string() },
            "type": (["Scripted", "Miniseries", "Documentary", "Reality", "Scripted"][(j % 5) as usize]),
            "vote_average": core.vote_average,
            "vote_count": core.vote_count,
        }));
        for a in appends {
            if let Some(n) = a.strip_prefix("season/") {
                if let Ok(n) = n.parse::<u64>()
                    && seasons.contains(&n)
                {
                    m.insert((*a).to_string(), self.season_json(j, n, req, &[]));
                }
                continue;
            }
            if let Some(v) = self.tv_append(j, a, req) {
                m.insert((*a).to_string(), v);
            }
        }
        Value::Object(m)
    }

    fn tv_append(&self, j: u64, name: &str, req: &Req) -> Option<Value> {
        let brand_new = j % 11 == 10;
        let id = self.id_at(Kind::Tv, j);
        Some(match name {
            "credits" => {
                let mut cast = Vec::new();
                let mut crew = Vec::new();
                for c in self.tv_credits(j) {
                    let (credit_id, character, dept, job, _) = self.tv_credit_detail(&c);
                    let mut m = self.person_brief(c.person);
                    m.insert("credit_id".into(), json!(credit_id));
                    if c.cast {
                        m.insert("character".into(), json!(character));
                        m.insert("order".into(), json!(c.order));
                        cast.push(Value::Object(m));
                    } else {
                        m.insert("department".into(), json!(dept));
                        m.insert("job".into(), json!(job));
                        crew.push(Value::Object(m));
                    }
                }
                json!({"cast": cast, "crew": crew})
            }
            "aggregate_credits" => {
                let mut cast = Vec::new();
                let mut crew = Vec::new();
                for c in self.tv_credits(j) {
                    let (credit_id, character, dept, job, episodes) = self.tv_credit_detail(&c);
                    let mut m = self.person_brief(c.person);
                    m.insert("total_episode_count".into(), json!(episodes));
                    if c.cast {
                        m.insert("roles".into(), json!([{"credit_id": credit_id, "character": character, "episode_count": episodes}]));
                        m.insert("order".into(), json!(c.order));
                        cast.push(Value::Object(m));
                    } else {
                        m.insert("jobs".into(), json!([{"credit_id": credit_id, "job": job, "episode_count": episodes}]));
                        m.insert("department".into(), json!(dept));
                        crew.push(Value::Object(m));
                    }
                }
                json!({"cast": cast, "crew": crew})
            }
            "keywords" => {
                let kws: Vec<Value> = self
                    .tv_keywords(j)
                    .into_iter()
                    .map(|k| json!({"id": self.id_at(Kind::Keyword, k), "name": self.keyword_name(k)}))
                    .collect();
                json!({ "results": kws })
            }
            "images" => {
                let mut r = self.rng(Kind::Tv, j, f::IMAGES);
                let n = if brand_new { 0 } else { 3 };
                json!({
                    "backdrops": self.image_list(&mut r, n, 1.778, req, &[None, Some("en"), None]),
                    "logos": self.image_list(&mut r, n.min(2), 2.4, req, &[Some("en"), Some("fr")]),
                    "posters": self.image_list(&mut r, n, 0.667, req, &[Some("fr"), Some("en"), None]),
                })
            }
            "videos" => self.videos(Kind::Tv, j, brand_new, req),
            "external_ids" => {
                let mut r = self.rng(Kind::Tv, j, f::EXTERNAL);
                json!({
                    "imdb_id": if brand_new { Value::Null } else { json!(format!("tt{:07}", 900_000 + j * 31)) },
                    "freebase_mid": if r.chance(1, 2) { Value::Null } else { json!(format!("/m/0{:x}", j + 65536)) },
                    "freebase_id": if r.chance(2, 3) { Value::Null } else { json!(format!("/en/series_{j}")) },
                    "tvdb_id": if brand_new { Value::Null } else { json!(70_000 + j) },
                    "tvrage_id": if r.chance(1, 2) { Value::Null } else { json!(20_000 + j) },
                    "wikidata_id": if r.chance(1, 3) { Value::Null } else { json!(format!("Q{}", 200_000 + j)) },
                    "facebook_id": if r.chance(1, 2) { Value::Null } else { json!(format!("series{id}")) },
                    "instagram_id": if r.chance(1, 2) { Value::Null } else { json!(format!("series.{id}")) },
                    "twitter_id": match r.below(3) { 0 => Value::Null, 1 => json!(""), _ => json!(format!("Series{id}")) },
                })
            }
            "translations" => {
                let core = self.tv_core(j);
                let mut list = vec![json!({
                    "iso_3166_1": "US", "iso_639_1": "en", "name": "English", "english_name": "English",
                    "data": {"name": if core.titles.language == "en" { String::new() } else { core.titles.english.clone() }, "overview": core.overview_en, "homepage": "", "tagline": if j % 2 == 1 { "" } else { "Winter is coming." }}
                })];
                if core.has_fr {
                    list.push(json!({
                        "iso_3166_1": "FR", "iso_639_1": "fr", "name": "Français", "english_name": "French",
                        "data": {"name": core.titles.french, "overview": core.overview_fr, "homepage": "", "tagline": ""}
                    }));
                }
                if j.is_multiple_of(2) {
                    list.push(json!({
                        "iso_3166_1": "BR", "iso_639_1": "pt", "name": "Português", "english_name": "Portuguese",
                        "data": {"name": "", "overview": "", "homepage": "", "tagline": ""}
                    }));
                }
                json!({ "translations": list })
            }
            "content_ratings" => {
                let mut r = self.rng(Kind::Tv, j, f::RATINGS);
                let table: [(&str, &[&str]); 4] = [
                    ("US", &["TV-14", "TV-MA", "TV-PG"]),
                    ("FR", &["12", "16", "10"]),
                    ("DE", &["12", "16", "0"]),
                    ("AU", &["M", "MA15+", "R18+"]),
                ];
                let mut results = Vec::new();
                for (cc, ratings) in table {
                    if r.chance(1, 4) {
                        continue;
                    }
                    results.push(
                        json!({"descriptors": [], "iso_3166_1": cc, "rating": *r.pick(ratings)}),
                    );
                }
                json!({ "results": results })
            }
            "similar" | "recommendations" => {
                let mut r = self.rng(Kind::Tv, j, f::SIMILAR + u64::from(name == "similar"));
                let series = self.count(Kind::Tv);
                let n = if brand_new {
                    0
                } else {
                    r.below(6).min(series.saturating_sub(1))
                };
                let items: Vec<Value> = (0..n)
                    .filter_map(|_| {
                        let k = (j + 1 + r.below(series.max(2) - 1)) % series;
                        (!self.deleted_index(Kind::Tv, k))
                            .then(|| Value::Object(self.tv_item(k, req, name == "recommendations")))
                    })
                    .collect();
                let total = if n == 0 { 0 } else { n + r.below(100) };
                paged(items, total, 20)
            }
            "watch/providers" => self.providers(Kind::Tv, j, brand_new),
            _ => return None,
        })
    }

    /// `GET /3/tv/{id}/season/{n}`; `None` when the season does not exist.
    pub fn season_json(&self, j: u64, season: u64, req: &Req, appends: &[&str]) -> Value {
        let mut r = self.rng2(Kind::Tv, j, f::SEASONS, season);
        let episodes: Vec<Value> = (1..=self.tv_episode_count(j, season))
            .map(|e| {
                let mut m = self.episode_core(j, season, e, req);
                let (crew, guests) = self.episode_people(j, season, e);
                m.insert("crew".into(), Value::Array(crew));
                m.insert("guest_stars".into(), Value::Array(guests));
                Value::Object(m)
            })
            .collect();
        let mut m = obj(json!({
            "_id": r.hex24(),
            "air_date": if season == 0 && j % 8 == 1 { None } else { self.season_air_date(j, season).map(ymd) },
            "episodes": episodes,
            "name": self.season_name(season, req),
            "overview": if season.is_multiple_of(2) { String::new() } else if req.french() { "La saison où tout change.".into() } else { format!("Season {season} raises the stakes.") },
            "id": self.season_id(j, season),
            "poster_path": path_or_null(&mut r, season == 0, ".jpg"),
            "season_number": season,
            "vote_average": if season == 0 { json!(0) } else { json!(r.decimal(10, 1)) },
        }));
        if j.is_multiple_of(2) {
            let nets: Vec<Value> = self
                .tv_networks(j)
                .into_iter()
                .map(|n| self.network_brief(n))
                .collect();
            m.insert("networks".into(), Value::Array(nets));
        }
        for a in appends {
            if let Some(v) = self.sub_append(j, season, None, a, req) {
                m.insert((*a).to_string(), v);
            }
        }
        Value::Object(m)
    }

    /// `GET /3/tv/{id}/season/{n}/episode/{m}`.
    pub fn episode_json(&self, j: u64, season: u64, e: u64, req: &Req, appends: &[&str]) -> Value {
        let mut m = self.episode_core(j, season, e, req);
        m.remove("show_id");
        let (crew, guests) = self.episode_people(j, season, e);
        m.insert("crew".into(), Value::Array(crew));
        m.insert("guest_stars".into(), Value::Array(guests));
        for a in appends {
            if let Some(v) = self.sub_append(j, season, Some(e), a, req) {
                m.insert((*a).to_string(), v);
            }
        }
        Value::Object(m)
    }

    fn sub_append(
        &self,
        j: u64,
        season: u64,
        e: Option<u64>,
        name: &str,
        req: &Req,
    ) -> Option<Value> {
        let key = season * 1000 + e.unwrap_or(0);
        Some(match name {
            "credits" => {
                let (crew, guests) = self.episode_people(j, season, e.unwrap_or(1));
                let cast: Vec<Value> = self
                    .tv_credits(j)
                    .into_iter()
                    .filter(|c| c.cast)
                    .map(|c| {
                        let (credit_id, character, ..) = self.tv_credit_detail(&c);
                        let mut m = self.person_brief(c.person);
                        m.insert("character".into(), json!(character));
                        m.insert("credit_id".into(), json!(credit_id));
                        m.insert("order".into(), json!(c.order));
                        Value::Object(m)
                    })
                    .collect();
                let mut v = json!({"cast": cast, "crew": crew});
                if e.is_some() {
                    v["guest_stars"] = Value::Array(guests);
                }
                v
            }
            "external_ids" => {
                let mut r = self.rng2(Kind::Tv, j, f::EXTERNAL, key);
                match e {
                    Some(_) => json!({
                        "imdb_id": if r.chance(1, 3) { Value::Null } else { json!(format!("tt{:07}", 5_000_000 + key + j * 7919)) },
                        "freebase_mid": Value::Null,
                        "freebase_id": Value::Null,
                        "tvdb_id": if r.chance(1, 4) { Value::Null } else { json!(3_000_000 + key + j * 7919) },
                        "tvrage_id": Value::Null,
                        "wikidata_id": if r.chance(1, 2) { Value::Null } else { json!(format!("Q{}", 9_000_000 + key)) },
                    }),
                    None => json!({
                        "freebase_mid": if r.chance(1, 2) { Value::Null } else { json!(format!("/m/0s{key:x}")) },
                        "freebase_id": Value::Null,
                        "tvdb_id": 300_000 + key + j * 101,
                        "tvrage_id": Value::Null,
                        "wikidata_id": Value::Null,
                    }),
                }
            }
            "images" => {
                let mut r = self.rng2(Kind::Tv, j, f::IMAGES, key);
                match e {
                    Some(_) => {
                        json!({"stills": self.image_list(&mut r, 2, 1.778, req, &[None, Some("en")])})
                    }
                    None => {
                        json!({"posters": self.image_list(&mut r, 2, 0.667, req, &[Some("en"), Some("fr")])})
                    }
                }
            }
            "translations" => json!({"translations": [
                {"iso_3166_1": "US", "iso_639_1": "en", "name": "English", "english_name": "English",
                 "data": {"name": self.episode_name(j, season, e.unwrap_or(1), &Req::default()), "overview": ""}},
                {"iso_3166_1": "FR", "iso_639_1": "fr", "name": "Français", "english_name": "French",
                 "data": {"name": if e.is_some_and(|e| e % 2 == 0) { String::new() } else { format!("Saison {season}") }, "overview": ""}},
            ]}),
            _ => return None,
        })
    }

    // ================================================================ collection, company, network, keyword, list

    /// `GET /3/collection/{id}`.
    pub fn collection_json(&self, c: u64, req: &Req, appends: &[&str]) -> Value {
        let mut r = self.rng(Kind::Collection, c, f::DETAILS);
        let poster = path_or_null(&mut r, c % 5 == 4, ".jpg");
        let backdrop = path_or_null(&mut r, c % 3 == 2, ".jpg");
        let name = self.collection_name(c);
        let parts: Vec<Value> = self
            .collection_parts(c)
            .into_iter()
            .map(|i| Value::Object(self.movie_item(i, req, c.is_multiple_of(2))))
            .collect();
        let overview = if req.french() {
            if c.is_multiple_of(2) {
                String::new()
            } else {
                format!("La saga « {name} » réunie.")
            }
        } else if c % 4 == 3 {
            String::new()
        } else {
            format!("An epic series: {name}.")
        };
        let mut m = obj(json!({
            "id": self.id_at(Kind::Collection, c),
            "name": name,
            "overview": overview,
            "poster_path": poster,
            "backdrop_path": backdrop,
            "parts": parts,
        }));
        if c.is_multiple_of(2) {
            m.insert("original_language".into(), json!("en"));
            m.insert("original_name".into(), json!(self.collection_name(c)));
        }
        for a in appends {
            let v = match *a {
                "images" => {
                    let mut r = self.rng(Kind::Collection, c, f::IMAGES);
                    json!({
                        "backdrops": self.image_list(&mut r, 2, 1.778, req, &[None, Some("xx")]),
                        "posters": self.image_list(&mut r, 3, 0.667, req, &[Some("en"), Some("fr"), Some("pl")]),
                    })
                }
                "translations" => json!({"translations": [
                    {"iso_3166_1": "US", "iso_639_1": "en", "name": "English", "english_name": "English",
                     "data": {"title": "", "overview": format!("An epic series: {}.", self.collection_name(c)), "homepage": ""}},
                    {"iso_3166_1": "FR", "iso_639_1": "fr", "name": "Français", "english_name": "French",
                     "data": {"title": if c.is_multiple_of(3) { String::new() } else { format!("{} - La Saga", self.collection_name(c)) }, "overview": "", "homepage": ""}},
                    {"iso_3166_1": "AE", "iso_639_1": "ar", "name": "العربية", "english_name": "Arabic",
                     "data": {"title": "", "overview": "", "homepage": ""}},
                ]}),
                _ => continue,
            };
            m.insert((*a).to_string(), v);
        }
        Value::Object(m)
    }

    fn logos(&self, kind: Kind, i: u64) -> Vec<Value> {
        let mut r = self.rng(kind, i, f::IMAGES);
        let n = if i % 4 == 3 { 0 } else { 1 + r.below(2) };
        (0..n)
            .map(|k| {
                json!({
                    "aspect_ratio": r.decimal(4, 6) + 1.0,
                    "file_path": r.image_path(".png"),
                    "height": 100 + r.below(300),
                    "id": r.hex24(),
                    "file_type": if k == 0 { ".svg" } else { ".png" },
                    "vote_average": if k == 0 { json!(0) } else { json!(r.decimal(10, 3)) },
                    "vote_count": r.below(5),
                    "width": 200 + r.below(800),
                })
            })
            .collect()
    }

    /// `GET /3/company/{id}`.
    pub fn company_json(&self, c: u64, appends: &[&str]) -> Value {
        let mut r = self.rng(Kind::Company, c, f::DETAILS);
        let logo = path_or_null(&mut r, c % 4 == 3, ".png");
        let parent = (c % 5 == 3 && c > 0).then(|| {
            let pc = c / 2;
            let mut pr = self.rng(Kind::Company, pc, f::DETAILS);
            json!({"id": self.id_at(Kind::Company, pc), "logo_path": path_or_null(&mut pr, pc % 4 == 3, ".png"), "name": self.company_name(pc)})
        });
        let mut m = obj(json!({
            "description": if c % 5 < 3 { String::new() } else { format!("{} is a film studio.", self.company_name(c)) },
            "headquarters": (["Los Angeles, California", "Paris, France", "", "東京都"][(c % 4) as usize]),
            "homepage": if c.is_multiple_of(2) { String::new() } else { format!("https://company-{}.example.com", self.id_at(Kind::Company, c)) },
            "id": self.id_at(Kind::Company, c),
            "logo_path": logo,
            "name": self.company_name(c),
            "origin_country": self.company_country(c),
            "parent_company": parent,
        }));
        if appends.contains(&"images") {
            m.insert(
                "images".into(),
                json!({"logos": self.logos(Kind::Company, c)}),
            );
        }
        Value::Object(m)
    }

    /// `GET /3/network/{id}`.
    pub fn network_json(&self, n: u64, appends: &[&str]) -> Value {
        let mut r = self.rng(Kind::Network, n, f::DETAILS);
        let logo = path_or_null(&mut r, n % 5 == 4, ".png");
        let mut m = obj(json!({
            "headquarters": (["New York City, New York", "", "Tōkyō", "Paris"][(n % 4) as usize]),
            "homepage": if n % 3 == 1 { String::new() } else { format!("https://network-{}.example.com", self.id_at(Kind::Network, n)) },
            "id": self.id_at(Kind::Network, n),
            "logo_path": logo,
            "name": self.network_name(n),
            "origin_country": self.network_country(n),
        }));
        if appends.contains(&"images") {
            m.insert(
                "images".into(),
                json!({"logos": self.logos(Kind::Network, n)}),
            );
        }
        Value::Object(m)
    }

    /// `GET /3/keyword/{id}`.
    pub fn keyword_json(&self, k: u64) -> Value {
        json!({"id": self.id_at(Kind::Keyword, k), "name": self.keyword_name(k)})
    }

    /// `GET /3/list/{id}?page=N` (20 items per page).
    pub fn list_json(&self, l: u64, page: u64, req: &Req) -> Value {
        let total = self.list_item_count(l);
        let items: Vec<Value> = ((page - 1) * 20..(page * 20).min(total))
            .map(|k| {
                let (tv, idx) = self.list_item(l, k);
                Value::Object(if tv {
                    self.tv_item(idx, req, true)
                } else {
                    self.movie_item(idx, req, true)
                })
            })
            .collect();
        let mut r = self.rng(Kind::List, l, f::DETAILS);
        json!({
            "created_by": (["travisbell", "Élodie 🎞", "user_42"][(l % 3) as usize]),
            "description": if l % 2 == 1 { String::new() } else { format!("The idea behind this list is to collect \"{}\".", self.list_name(l)) },
            "favorite_count": r.below(50),
            "id": self.id_at(Kind::List, l).to_string(),
            "items": items,
            "item_count": total,
            "iso_639_1": if l % 3 == 1 { "fr" } else { "en" },
            "name": self.list_name(l),
            "page": page,
            "poster_path": path_or_null(&mut r, l % 4 == 3, ".jpg"),
            "total_pages": total.div_ceil(20),
            "total_results": total,
        })
    }

    /// The standalone form of an append (`GET /3/movie/{id}/credits` …): the block plus `id`.
    pub fn standalone(&self, kind: Kind, i: u64, name: &str, req: &Req) -> Option<Value> {
        let block = match kind {
            Kind::Movie if MOVIE_APPENDS.contains(&name) => self.movie_append(i, name, req),
            Kind::Tv if TV_APPENDS.contains(&name) => self.tv_append(i, name, req),
            Kind::Person if PERSON_APPENDS.contains(&name) => self.person_append(i, name, req),
            Kind::Collection if COLLECTION_APPENDS.contains(&name) => {
                self.collection_json(i, req, &[name]).get(name).cloned()
            }
            Kind::Company if name == "images" => {
                Some(json!({"logos": self.logos(Kind::Company, i)}))
            }
            Kind::Network if name == "images" => {
                Some(json!({"logos": self.logos(Kind::Network, i)}))
            }
            _ => None,
        }?;
        let mut m = obj(block);
        m.insert("id".into(), json!(self.id_at(kind, i)));
        Some(Value::Object(m))
    }
}

/// `GET /3/configuration`.
pub fn configuration_json() -> Value {
    json!({
        "change_keys": [
            "adult", "air_date", "also_known_as", "alternative_titles", "biography", "birthday",
            "budget", "cast", "certifications", "character_names", "created_by", "crew",
            "deathday", "episode", "episode_number", "episode_run_time", "freebase_id",
            "freebase_mid", "general", "genres", "guest_stars", "homepage", "images", "imdb_id",
            "languages", "name", "network", "origin_country", "original_name", "original_title",
            "overview", "parts", "place_of_birth", "plot_keywords", "production_code",
            "production_companies", "production_countries", "releases", "revenue", "runtime",
            "season", "season_number", "season_regular", "spoken_languages", "status", "tagline",
            "title", "translations", "tvdb_id", "tvrage_id", "type", "video", "videos"
        ],
        "images": {
            "base_url": "http://image.tmdb.org/t/p/",
            "secure_base_url": "https://image.tmdb.org/t/p/",
            "backdrop_sizes": ["w300", "w780", "w1280", "original"],
            "logo_sizes": ["w45", "w92", "w154", "w185", "w300", "w500", "original"],
            "poster_sizes": ["w92", "w154", "w185", "w342", "w500", "w780", "original"],
            "profile_sizes": ["w45", "w185", "h632", "original"],
            "still_sizes": ["w92", "w185", "w300", "original"],
        }
    })
}

/// `GET /3/genre/movie/list` and `/3/genre/tv/list`.
pub fn genres_json(tv: bool, req: &Req) -> Value {
    let table = if tv { TV_GENRES } else { MOVIE_GENRES };
    let genres: Vec<Value> = table
        .iter()
        .map(|(id, en, fr)| json!({"id": id, "name": if req.french() { fr } else { en }}))
        .collect();
    json!({ "genres": genres })
}

/// The providers of the two catalogues: id, name, logo, and in which catalogue (1 movie, 2 TV,
/// 3 both). Every provider the title blocks use ([`PROVIDERS`]) is in both; some are in one
/// only; 2 has another name and logo in the TV catalogue ([`TV_CATALOG_VARIANTS`]); 1899 lists
/// no country yet (an empty `display_priorities`, which is valid).
const CATALOG_PROVIDERS: &[(u64, &str, &str, u8)] = &[
    (8, "Netflix", "/pbpMk2JmcoNnQwx5JGpXngfoWtp.jpg", 3),
    (2, "Apple TV", "/9ghgSC0MA082EL6HLCW3GalykFD.jpg", 3),
    (
        3,
        "Google Play Movies",
        "/8z7rC8uIDaTM91X0ZfkRf04ydj2.jpg",
        3,
    ),
    (
        119,
        "Amazon Prime Video",
        "/emthp39XA2YScoYL1p0sdbAH2WA.jpg",
        3,
    ),
    (381, "Canal+", "/eBXzkFEupZjKaIKY7zBUaSdCY8I.jpg", 3),
    (538, "Plex", "/vLZKlXUNDcZR7ilvfY9Wr9k80FZ.jpg", 3),
    (10, "Amazon Video", "/seGSXajazLMCKGB5hnRCidtjay1.jpg", 1),
    (192, "YouTube", "/pTnn5JwWr4p3pG8H6VrpiQo7Vs0.jpg", 1),
    (1899, "Max", "/6Q3ZYUNA9Hsgj6iWnVsw2gR5V6z.jpg", 1),
    (283, "Crunchyroll", "/fzN5Jok5Ig1eJ7gyNGoMhnLSCfh.jpg", 2),
    (531, "Paramount Plus", "/h5DcR0J2EESLitnhR8xLG1QymTE.jpg", 2),
    (337, "Disney Plus", "/97yvRBw1GzX7fXprcF80er19ot.jpg", 3),
];

/// Name and logo a provider has in the TV catalogue when they differ from the movie one's.
const TV_CATALOG_VARIANTS: &[(u64, &str, &str)] =
    &[(2, "Apple TV Store", "/2E03IAZsX4ZaUqM7tXlctEPMGWS.jpg")];

/// Countries a catalogue's providers may be listed in (TMDb's own list starts with CA, AE, AR).
const CATALOG_COUNTRIES: [&str; 8] = ["CA", "AE", "AR", "FR", "GB", "US", "DE", "JP"];

/// `GET /3/watch/providers/movie` (`Kind::Movie`) and `/tv` (`Kind::Tv`): one unpaged list of
/// `{display_priorities: {CC: int}, display_priority, logo_path, provider_id, provider_name}`,
/// the same on every call, broken as `fault` says.
pub fn watch_provider_catalog_json(kind: Kind, fault: Option<CatalogFault>) -> Value {
    let tv = kind == Kind::Tv;
    let bit = if tv { 2 } else { 1 };
    let mut results: Vec<Value> = CATALOG_PROVIDERS
        .iter()
        .filter(|p| p.3 & bit != 0)
        .map(|&(id, name, logo, _)| {
            let (name, logo) = TV_CATALOG_VARIANTS
                .iter()
                .find(|v| tv && v.0 == id)
                .map_or((name, logo), |v| (v.1, v.2));
            let mut priorities = Map::new();
            for (c, country) in CATALOG_COUNTRIES.iter().enumerate() {
                let c = c as u64;
                if id != 1899 && !(id + c).is_multiple_of(3) {
                    let priority = (id * 7 + c * 3 + u64::from(tv)) % 40 + 1;
                    priorities.insert((*country).to_owned(), json!(priority));
                }
            }
            json!({
                "display_priorities": priorities,
                "display_priority": id % 50,
                "logo_path": logo,
                "provider_id": id,
                "provider_name": name,
            })
        })
        .collect();
    if let Some(fault) = fault {
        break_catalog(&mut results, fault);
    }
    json!({ "results": results })
}

fn break_catalog(results: &mut Vec<Value>, fault: CatalogFault) {
    match fault {
        CatalogFault::Empty => results.clear(),
        CatalogFault::DuplicateProviderId => {
            let first = results[0]["provider_id"].clone();
            results[1]["provider_id"] = first;
        }
        CatalogFault::NonPositiveProviderId => {
            if let Some(last) = results.last_mut() {
                last["provider_id"] = json!(0);
            }
        }
        CatalogFault::PrioritiesNotObject => results[0]["display_priorities"] = json!([]),
        CatalogFault::MalformedRegion => results[0]["display_priorities"]["USA"] = json!(3),
    }
}

/// The appends [`SnapshotFault`]s apply to.
pub const SNAPSHOT_APPENDS: &[&str] = &[
    "release_dates",
    "watch/providers",
    "videos",
    "similar",
    "recommendations",
];

/// Breaks or empties one snapshot block in place (see [`SnapshotFault`]).
pub fn apply_snapshot_fault(block: &mut Value, append: &str, fault: SnapshotFault) {
    let providers = append == "watch/providers";
    let Some(body) = block.as_object_mut() else {
        return;
    };
    match fault {
        SnapshotFault::Empty => {
            let empty = if providers { json!({}) } else { json!([]) };
            body.insert("results".into(), empty);
            if body.contains_key("total_results") {
                body.insert("total_results".into(), json!(0));
                body.insert("total_pages".into(), json!(0));
            }
        }
        SnapshotFault::WrongContainer => {
            let wrong = if providers { json!([]) } else { json!({}) };
            body.insert("results".into(), wrong);
        }
        SnapshotFault::EntryWithoutKey => match body.get_mut("results") {
            Some(Value::Object(countries)) => {
                countries.insert(
                    "ZZ".into(),
                    json!({"link": "https://www.themoviedb.org/", "flatrate": [{"provider_name": "Unnamed"}]}),
                );
            }
            Some(Value::Array(items)) => items.push(match append {
                "release_dates" => json!({"iso_3166_1": "ZZ", "release_dates": [
                    {"certification": "", "descriptors": [], "iso_639_1": "", "note": "",
                     "release_date": "2001-01-01T00:00:00.000Z"}
                ]}),
                "videos" => json!({"iso_639_1": "en", "key": "no-id", "site": "YouTube"}),
                _ => json!({"title": "No id"}),
            }),
            _ => {}
        },
    }
}
