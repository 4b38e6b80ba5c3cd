//! Request handling: counting, latency, authentication, rate limit, faults, routing.

use std::collections::{HashMap, VecDeque};
use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use actix_web::body::{BodySize, MessageBody};
use actix_web::http::StatusCode;
use actix_web::web::{self, Bytes};
use actix_web::{HttpRequest, HttpResponse};
use chrono::NaiveDate;
use serde::Serialize;
use serde_json::{Value, json};

use super::catalogue::{Catalogue, Kind, Lookup};
use super::exports::{ExportBody, ExportKind, FileBody, LineGen};
use super::knobs::{ExportFault, FaultKind, Knobs};
use super::payloads::{self, Req};

/// At most this many `append_to_response` items, like TMDb.
pub const MAX_APPENDS: usize = 20;
/// Changes windows longer than this many days are refused (status_code 20).
pub const MAX_CHANGES_DAYS: i64 = 14;

/// One request as the server saw it (see [`super::FakeTmdb::request_log`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequestRecord {
    /// Arrival at the handler (before the latency knob's delay).
    pub at: Instant,
    /// The counter key ([`route_key`]).
    pub route: String,
    /// The `append_to_response` items as sent, in order (empty without the parameter).
    pub appends: Vec<String>,
    /// Answered 429 by the rate-limit knob.
    pub rate_limited: bool,
}

/// Per-route request counters and arrival times.
#[derive(Default)]
pub(crate) struct Counters {
    total: AtomicU64,
    routes: Mutex<HashMap<String, u64>>,
    times: Mutex<Vec<Instant>>,
    log: Mutex<Vec<RequestRecord>>,
}

impl Counters {
    /// Counts a request; returns its log position and arrival (for [`Counters::rate_limited`]).
    fn record(&self, path: &str, appends: Vec<String>) -> (usize, Instant) {
        let now = Instant::now();
        let key = route_key(path);
        self.total.fetch_add(1, Ordering::Relaxed);
        *self
            .routes
            .lock()
            .expect("counters lock poisoned")
            .entry(key.clone())
            .or_insert(0) += 1;
        self.times.lock().expect("times lock poisoned").push(now);
        let mut log = self.log.lock().expect("log lock poisoned");
        log.push(RequestRecord {
            at: now,
            route: key,
            appends,
            rate_limited: false,
        });
        (log.len() - 1, now)
    }

    /// Marks the request `record` returned `(position, at)` for as answered 429.
    fn rate_limited(&self, (position, at): (usize, Instant)) {
        let mut log = self.log.lock().expect("log lock poisoned");
        // A reset in between would have emptied the log (or refilled it with later requests).
        if let Some(r) = log.get_mut(position).filter(|r| r.at == at) {
            r.rate_limited = true;
        }
    }

    pub(crate) fn log(&self) -> Vec<RequestRecord> {
        self.log.lock().expect("log lock poisoned").clone()
    }

    pub(crate) fn total(&self) -> u64 {
        self.total.load(Ordering::Relaxed)
    }

    pub(crate) fn requests_to(&self, prefix: &str) -> u64 {
        self.routes
            .lock()
            .expect("counters lock poisoned")
            .iter()
            .filter(|(k, _)| k.starts_with(prefix))
            .map(|(_, v)| v)
            .sum()
    }

    pub(crate) fn routes(&self) -> Vec<(String, u64)> {
        let mut v: Vec<(String, u64)> = self
            .routes
            .lock()
            .expect("counters lock poisoned")
            .iter()
            .map(|(k, v)| (k.clone(), *v))
            .collect();
        v.sort();
        v
    }

    pub(crate) fn times(&self) -> Vec<Instant> {
        self.times.lock().expect("times lock poisoned").clone()
    }

    pub(crate) fn reset(&self) {
        self.total.store(0, Ordering::Relaxed);
        self.routes.lock().expect("counters lock poisoned").clear();
        self.times.lock().expect("times lock poisoned").clear();
        self.log.lock().expect("log lock poisoned").clear();
    }
}

/// The counter key of a path: numbers become `{id}`, export files lose their date
/// (`/3/movie/{id}`, `/3/tv/{id}/season/{id}`, `/3/movie/changes`, `/p/exports/movie_ids`).
pub fn route_key(path: &str) -> String {
    if let Some(file) = path.strip_prefix("/p/exports/") {
        let kind = file.split("_ids_").next().unwrap_or(file);
        return format!("/p/exports/{kind}_ids");
    }
    let mut key = String::with_capacity(path.len());
    for (i, seg) in path.split('/').filter(|s| !s.is_empty()).enumerate() {
        key.push('/');
        // The first segment is the API version ("3"); any later number is an id.
        if i > 0 && seg.bytes().all(|b| b.is_ascii_digit()) {
            key.push_str("{id}");
        } else {
            key.push_str(seg);
        }
    }
    key
}

/// State shared by the workers and the [`super::FakeTmdb`] handle.
pub(crate) struct Shared {
    pub(crate) catalogue: Catalogue,
    pub(crate) api_key: String,
    pub(crate) api_token: String,
    pub(crate) knobs: Knobs,
    pub(crate) counters: Counters,
    rate_window: Mutex<VecDeque<Instant>>,
    /// Export files written ahead of time (see `FakeTmdb::prepare_exports`), served as they are.
    pub(crate) prepared_exports: Mutex<Option<std::path::PathBuf>>,
    /// Requests that came over HTTP/2.
    pub(crate) http2_requests: std::sync::atomic::AtomicU64,
}

impl Shared {
    pub(crate) fn new(
        catalogue: Catalogue,
        api_key: String,
        api_token: String,
        knobs: Knobs,
    ) -> Shared {
        Shared {
            catalogue,
            api_key,
            api_token,
            knobs,
            counters: Counters::default(),
            rate_window: Mutex::new(VecDeque::new()),
            prepared_exports: Mutex::new(None),
            http2_requests: std::sync::atomic::AtomicU64::new(0),
        }
    }

    /// Sliding one-second window over accepted requests: `Some(n)` (the would-be count) when
    /// this request is over the limit.
    fn over_rate(&self, limit: u32) -> Option<usize> {
        let now = Instant::now();
        let mut q = self.rate_window.lock().expect("rate window lock poisoned");
        while q
            .front()
            .is_some_and(|&t| now.duration_since(t) >= Duration::from_secs(1))
        {
            q.pop_front();
        }
        if q.len() >= limit as usize {
            Some(q.len() + 1)
        } else {
            q.push_back(now);
            None
        }
    }

    pub(crate) fn reset_rate_window(&self) {
        self.rate_window
            .lock()
            .expect("rate window lock poisoned")
            .clear();
    }
}

// ---------------------------------------------------------------------- responses

fn error(status: StatusCode, code: u32, message: &str) -> HttpResponse {
    HttpResponse::build(status)
        .content_type("application/json;charset=utf-8")
        .body(json!({"status_code": code, "status_message": message, "success": false}).to_string())
}

pub(crate) fn not_found() -> HttpResponse {
    error(
        StatusCode::NOT_FOUND,
        34,
        "The resource you requested could not be found.",
    )
}

fn invalid_key() -> HttpResponse {
    error(
        StatusCode::UNAUTHORIZED,
        7,
        "Invalid API key: You must be granted a valid key.",
    )
}

fn invalid_page() -> HttpResponse {
    error(
        StatusCode::BAD_REQUEST,
        22,
        "Invalid page: Pages start at 1 and max at 500. They are expected to be an integer.",
    )
}

/// A JSON value, serialised with raw UTF-8 or (when `ascii`) with every non-ASCII character
/// as a `\uXXXX` escape and `/` as `\/` — both valid JSON that parsers must accept.
fn to_body(value: &Value, ascii: bool) -> Vec<u8> {
    let mut out = Vec::with_capacity(4096);
    if ascii {
        let mut ser = serde_json::Serializer::with_formatter(&mut out, AsciiFormatter);
        value
            .serialize(&mut ser)
            .expect("serialize a JSON value into a Vec");
    } else {
        serde_json::to_writer(&mut out, value).expect("serialize a JSON value into a Vec");
    }
    out
}

struct AsciiFormatter;

impl serde_json::ser::Formatter for AsciiFormatter {
    fn write_string_fragment<W: ?Sized + io::Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        let bytes = fragment.as_bytes();
        let mut start = 0;
        for (i, ch) in fragment.char_indices() {
            if ch.is_ascii() && ch != '/' {
                continue;
            }
            writer.write_all(&bytes[start..i])?;
            if ch == '/' {
                writer.write_all(b"\\/")?;
            } else {
                let mut units = [0u16; 2];
                for u in ch.encode_utf16(&mut units) {
                    write!(writer, "\\u{u:04x}")?;
                }
            }
            start = i + ch.len_utf8();
        }
        writer.write_all(&bytes[start..])
    }
}

/// A body that fails before its first byte: actix drops the connection without writing the
/// (still buffered) response head, so the client sees the connection closed with no answer.
struct ResetBody;

impl MessageBody for ResetBody {
    type Error = io::Error;

    fn size(&self) -> BodySize {
        BodySize::Stream
    }

    fn poll_next(
        self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Bytes, Self::Error>>> {
        Poll::Ready(Some(Err(io::Error::new(
            io::ErrorKind::ConnectionReset,
            "fake TMDb: connection reset fault",
        ))))
    }
}

/// Announces `declared` bytes, sends `first`, waits a little (so the bytes are flushed), then
/// fails: the connection closes in the middle of the body.
struct IncompleteBody {
    first: Option<Bytes>,
    declared: u64,
    /// How long the rest of the body is held back before the connection fails.
    hold: Duration,
    pause: Option<Pin<Box<actix_rt::time::Sleep>>>,
}

impl MessageBody for IncompleteBody {
    type Error = io::Error;

    fn size(&self) -> BodySize {
        BodySize::Sized(self.declared)
    }

    fn poll_next(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Bytes, Self::Error>>> {
        let this = self.get_mut();
        if let Some(first) = this.first.take() {
            return Poll::Ready(Some(Ok(first)));
        }
        let pause = this
            .pause
            .get_or_insert_with(|| Box::pin(actix_rt::time::sleep(this.hold)));
        match pause.as_mut().poll(cx) {
            Poll::Pending => Poll::Pending,
            Poll::Ready(()) => Poll::Ready(Some(Err(io::Error::new(
                io::ErrorKind::ConnectionAborted,
                "fake TMDb: incomplete body fault",
            )))),
        }
    }
}

// ---------------------------------------------------------------------- handler

struct Query {
    params: Vec<(String, String)>,
}

impl Query {
    fn parse(qs: &str) -> Query {
        Query {
            params: url::form_urlencoded::parse(qs.as_bytes())
                .into_owned()
                .collect(),
        }
    }

    fn get(&self, key: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    fn req(&self) -> Req {
        Req {
            language: self
                .get("language")
                .filter(|l| !l.is_empty())
                .map(str::to_owned),
            image_languages: self.list("include_image_language"),
            video_languages: self.list("include_video_language"),
        }
    }

    /// A comma-separated parameter.
    fn list(&self, key: &str) -> Option<Vec<String>> {
        self.get(key).map(|v| {
            v.split(',')
                .map(|s| s.trim().to_owned())
                .filter(|s| !s.is_empty())
                .collect()
        })
    }

    /// `page` (default 1); `Err` when not an integer in 1..=500.
    fn page(&self) -> Result<u64, ()> {
        match self.get("page") {
            None => Ok(1),
            Some(p) => match p.parse::<u64>() {
                Ok(n) if (1..=500).contains(&n) => Ok(n),
                _ => Err(()),
            },
        }
    }
}

/// The single entry point: every request lands here.
pub(crate) async fn handle(req: HttpRequest, state: web::Data<Shared>) -> HttpResponse {
    let path = req.path().to_owned();
    let query = Query::parse(req.query_string());
    let sent_appends = query
        .get("append_to_response")
        .map(|list| list.split(',').map(|a| a.trim().to_owned()).collect())
        .unwrap_or_default();
    let recorded = state.counters.record(&path, sent_appends);
    if req.version() == actix_web::http::Version::HTTP_2 {
        state
            .http2_requests
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    }
    let knobs = &state.knobs;
    let refused = knobs.invalid_key() || !authorized(&req, &query, &state);
    // The rate is counted on arrival, as a real server's gate does; counted after the latency
    // delay, it would see the timer's jitter on top of the client's spacing.
    let over_rate = match knobs.rate_limit_per_second() {
        Some(limit) if path.starts_with("/3/") && !refused => {
            state.over_rate(limit).map(|count| (count, limit))
        }
        _ => None,
    };
    let latency = knobs.latency();
    if !latency.is_zero() {
        actix_rt::time::sleep(latency).await;
    }

    if let Some(file) = path.strip_prefix("/p/exports/") {
        return export(&state, file);
    }
    if !path.starts_with("/3/") {
        return not_found();
    }

    if refused {
        return invalid_key();
    }
    if let Some((count, limit)) = over_rate {
        state.counters.rate_limited(recorded);
        let mut res = error(
            StatusCode::TOO_MANY_REQUESTS,
            25,
            &format!("Your request count ({count}) is over the allowed limit of ({limit})."),
        );
        if knobs.retry_after() {
            res.headers_mut().insert(
                actix_web::http::header::RETRY_AFTER,
                actix_web::http::header::HeaderValue::from_static("1"),
            );
        }
        return res;
    }

    let fault = knobs.next_fault();
    match fault {
        Some(FaultKind::ServerError) => {
            return error(
                StatusCode::INTERNAL_SERVER_ERROR,
                11,
                "Internal error: Something went wrong, contact TMDb.",
            );
        }
        Some(FaultKind::BadGateway) => {
            return HttpResponse::BadGateway()
                .content_type("text/html")
                .body("<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center></body></html>\n");
        }
        Some(FaultKind::ProxyNotFound) => {
            return HttpResponse::NotFound()
                .content_type("text/html")
                .body("<html><head><title>404 Not Found</title></head><body><center><h1>404 Not Found</h1></center><hr><center>nginx</center></body></html>\n");
        }
        Some(FaultKind::EmptyNotFound) => return HttpResponse::NotFound().finish(),
        Some(FaultKind::ConnectionReset) => {
            return HttpResponse::Ok()
                .content_type("application/json;charset=utf-8")
                .body(ResetBody);
        }
        Some(FaultKind::Slow) => actix_rt::time::sleep(knobs.slow_duration()).await,
        _ => {}
    }

    let (status, body) = match route(&state.catalogue, knobs, &path, &query) {
        Ok((value, ascii)) => (StatusCode::OK, to_body(&value, ascii)),
        Err(e) => return e.response(),
    };
    let mut builder = HttpResponse::build(status);
    builder.content_type("application/json;charset=utf-8");
    match fault {
        Some(FaultKind::TruncatedJson) => {
            let mut body = body;
            body.truncate(body.len() / 2);
            builder.body(body)
        }
        Some(FaultKind::IncompleteBody) => {
            let declared = body.len() as u64;
            let mut body = body;
            body.truncate(body.len() / 2);
            builder.body(IncompleteBody {
                first: Some(Bytes::from(body)),
                declared,
                hold: Duration::from_millis(50),
                pause: None,
            })
        }
        Some(FaultKind::StalledBody) => {
            let declared = body.len() as u64;
            let mut body = body;
            body.truncate(body.len() / 2);
            builder.body(IncompleteBody {
                first: Some(Bytes::from(body)),
                declared,
                hold: Duration::from_secs(3600),
                pause: None,
            })
        }
        _ => builder.body(body),
    }
}

fn authorized(req: &HttpRequest, query: &Query, state: &Shared) -> bool {
    if query.get("api_key").is_some_and(|k| k == state.api_key) {
        return true;
    }
    req.headers()
        .get(actix_web::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .is_some_and(|t| t.trim() == state.api_token)
}

fn export(state: &Shared, file: &str) -> HttpResponse {
    let Some((kind, date)) = ExportKind::parse_file_name(file) else {
        return export_missing(file);
    };
    if !state.knobs.export_date_available(date)
        || state.knobs.export_fault(kind) == Some(ExportFault::Missing)
    {
        return export_missing(file);
    }
    let prepared = state
        .prepared_exports
        .lock()
        .expect("prepared exports lock")
        .as_ref()
        .map(|dir| dir.join(file));
    if let Some(path) = prepared
        && state.knobs.export_fault(kind).is_none()
        && let Ok(body) = FileBody::open(&path)
    {
        return HttpResponse::Ok()
            .content_type("application/octet-stream")
            .body(body);
    }
    if let Some(ExportFault::EndlessLine { mib }) = state.knobs.export_fault(kind) {
        return endless_line(mib);
    }
    // The counters hold this request already: 1 means the first download of the file.
    let first = state
        .counters
        .requests_to(&route_key(&format!("/p/exports/{file}")))
        <= 1;
    let stalls = match state.knobs.export_fault(kind) {
        Some(ExportFault::Stalled) => true,
        Some(ExportFault::StalledOnce) => first,
        _ => false,
    };
    let source = LineGen::new(state.catalogue.clone(), kind, &state.knobs);
    if stalls {
        let mut file = Vec::new();
        if ExportBody::new(source).write_all_to(&mut file).is_err() {
            return HttpResponse::InternalServerError().finish();
        }
        let declared = file.len() as u64;
        file.truncate(file.len() / 2);
        return HttpResponse::Ok()
            .content_type("application/octet-stream")
            .body(IncompleteBody {
                first: Some(Bytes::from(file)),
                declared,
                hold: Duration::from_secs(3600),
                pause: None,
            });
    }
    HttpResponse::Ok()
        .content_type("application/octet-stream")
        .body(ExportBody::new(source))
}

/// `mib` MiB of one JSON line that never ends: a gzip member of 1 MiB sent `mib` times (a
/// multi-member gzip stream, as `gzip` itself writes when files are concatenated).
fn endless_line(mib: u32) -> HttpResponse {
    use std::io::Write as _;
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    let mut chunk = b"{\"id\":1,\"original_title\":\"".to_vec();
    chunk.resize(1 << 20, b'a');
    let member = encoder
        .write_all(&chunk)
        .and_then(|()| encoder.finish())
        .map(Bytes::from)
        .expect("gzip into memory");
    let members = (0..mib).map(move |_| Ok::<_, std::convert::Infallible>(member.clone()));
    HttpResponse::Ok()
        .content_type("application/octet-stream")
        .streaming(futures_util::stream::iter(members))
}

fn export_missing(file: &str) -> HttpResponse {
    HttpResponse::NotFound()
        .content_type("application/xml")
        .body(format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message><Key>p/exports/{file}</Key></Error>"
        ))
}

/// Why a `/3/` request fails (kept small; turned into a response at the end).
#[derive(Debug)]
enum ApiError {
    NotFound,
    InvalidPage,
    TooManyAppends,
    DateRange,
    BadDate(&'static str),
}

impl ApiError {
    fn response(self) -> HttpResponse {
        match self {
            ApiError::NotFound => not_found(),
            ApiError::InvalidPage => invalid_page(),
            ApiError::TooManyAppends => error(
                StatusCode::BAD_REQUEST,
                18,
                "Validation failed: append_to_response accepts at most 20 items.",
            ),
            ApiError::DateRange => error(
                StatusCode::UNPROCESSABLE_ENTITY,
                20,
                "Invalid date range: Should be a range no longer than 14 days.",
            ),
            ApiError::BadDate(name) => HttpResponse::UnprocessableEntity()
                .content_type("application/json;charset=utf-8")
                .body(json!({"errors": [format!("{name} must be a date")]}).to_string()),
        }
    }
}

type Routed = Result<(Value, bool), ApiError>;

fn parse_id(s: &str) -> Option<u64> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

fn appends(query: &Query) -> Result<Vec<String>, ApiError> {
    let mut out: Vec<String> = Vec::new();
    if let Some(list) = query.get("append_to_response") {
        for a in list.split(',').map(str::trim).filter(|a| !a.is_empty()) {
            if !out.iter().any(|o| o == a) {
                out.push(a.to_owned());
            }
        }
    }
    if out.len() > MAX_APPENDS {
        return Err(ApiError::TooManyAppends);
    }
    Ok(out)
}

fn live(catalogue: &Catalogue, kind: Kind, seg: &str) -> Result<u64, ApiError> {
    match parse_id(seg).map(|id| catalogue.lookup(kind, id)) {
        Some(Lookup::Live(i)) => Ok(i),
        _ => Err(ApiError::NotFound),
    }
}

/// Routes `/3/...`; the bool asks for the ASCII-escaped serialisation (about one entity in
/// four, chosen by a hash of the id).
fn route(catalogue: &Catalogue, knobs: &Knobs, path: &str, query: &Query) -> Routed {
    let segs: Vec<&str> = path
        .trim_start_matches("/3/")
        .split('/')
        .filter(|s| !s.is_empty())
        .collect();
    let req = query.req();
    let ascii = |id: u64| super::rng::mix(&[id, 0xA5C1]).is_multiple_of(4);
    match segs.as_slice() {
        ["configuration"] => Ok((payloads::configuration_json(), false)),
        ["genre", "movie", "list"] => Ok((payloads::genres_json(false, &req), false)),
        ["genre", "tv", "list"] => Ok((payloads::genres_json(true, &req), false)),
        ["watch", "providers", kind @ ("movie" | "tv")] => {
            let kind = if *kind == "tv" { Kind::Tv } else { Kind::Movie };
            let body = payloads::watch_provider_catalog_json(kind, knobs.catalog_fault(kind));
            Ok((body, false))
        }
        [kind @ ("movie" | "tv" | "person"), "changes"] => {
            let kind = match *kind {
                "movie" => Kind::Movie,
                "tv" => Kind::Tv,
                _ => Kind::Person,
            };
            let step = knobs.changes_step(kind);
            changes(catalogue, kind, step, query).map(|v| (v, false))
        }
        ["movie", id] => {
            let i = live(catalogue, Kind::Movie, id)?;
            let a = appends(query)?;
            let a: Vec<&str> = a.iter().map(String::as_str).collect();
            Ok((
                with_snapshot_faults(knobs, catalogue.movie_json(i, &req, &a)),
                ascii(catalogue.id_at(Kind::Movie, i)),
            ))
        }
        ["tv", id] => {
            let j = live(catalogue, Kind::Tv, id)?;
            let a = appends(query)?;
            let a: Vec<&str> = a.iter().map(String::as_str).collect();
            Ok((
                with_snapshot_faults(knobs, catalogue.tv_json(j, &req, &a)),
                ascii(catalogue.id_at(Kind::Tv, j)),
            ))
        }
        ["tv", id, "season", n] => {
            let j = live(catalogue, Kind::Tv, id)?;
            let n = parse_id(n).ok_or(ApiError::NotFound)?;
            if !catalogue.tv_season_numbers(j).contains(&n) {
                return Err(ApiError::NotFound);
            }
            let a = appends(query)?;
            let a: Vec<&str> = a.iter().map(String::as_str).collect();
            Ok((catalogue.season_json(j, n, &req, &a), false))
        }
        ["tv", id, "season", n, "episode", e] => {
            let j = live(catalogue, Kind::Tv, id)?;
            let n = parse_id(n).ok_or(ApiError::NotFound)?;
            let e = parse_id(e).ok_or(ApiError::NotFound)?;
            if !catalogue.tv_season_numbers(j).contains(&n)
                || e == 0
                || e > catalogue.tv_episode_count(j, n)
            {
                return Err(ApiError::NotFound);
            }
            let a = appends(query)?;
            let a: Vec<&str> = a.iter().map(String::as_str).collect();
            Ok((catalogue.episode_json(j, n, e, &req, &a), ascii(e)))
        }
        ["person", id] => {
            let p = live(catalogue, Kind::Person, id)?;
            let a = appends(query)?;
            let a: Vec<&str> = a.iter().map(String::as_str).collect();
            Ok((
                catalogue.person_json(p, &req, &a),
                ascii(catalogue.id_at(Kind::Person, p)),
            ))
        }
        ["collection", id] => {
            let c = live(catalogue, Kind::Collection, id)?;
            let a = appends(query)?;
            let a: Vec<&str> = a.iter().map(String::as_str).collect();
            Ok((catalogue.collection_json(c, &req, &a), ascii(c)))
        }
        ["company", id] => {
            let c = live(catalogue, Kind::Company, id)?;
            let a = appends(query)?;
            let a: Vec<&str> = a.iter().map(String::as_str).collect();
            let a = if knobs.company_appends_ignored() {
                &[][..]
            } else {
                &a[..]
            };
            Ok((catalogue.company_json(c, a), ascii(c)))
        }
        ["network", id] => {
            let n = live(catalogue, Kind::Network, id)?;
            let a = appends(query)?;
            let a: Vec<&str> = a.iter().map(String::as_str).collect();
            let a = if knobs.company_appends_ignored() {
                &[][..]
            } else {
                &a[..]
            };
            Ok((catalogue.network_json(n, a), ascii(n)))
        }
        ["keyword", id] => {
            let k = live(catalogue, Kind::Keyword, id)?;
            Ok((catalogue.keyword_json(k), ascii(k)))
        }
        ["list", id] => {
            let l = live(catalogue, Kind::List, id)?;
            let page = query.page().map_err(|()| ApiError::InvalidPage)?;
            Ok((catalogue.list_json(l, page, &req), false))
        }
        [kind, id, rest @ ..] if !rest.is_empty() => {
            // Standalone sub-resources: /3/movie/{id}/credits, /3/movie/{id}/watch/providers…
            let kind = match *kind {
                "movie" => Kind::Movie,
                "tv" => Kind::Tv,
                "person" => Kind::Person,
                "collection" => Kind::Collection,
                "company" => Kind::Company,
                "network" => Kind::Network,
                _ => return Err(ApiError::NotFound),
            };
            let i = live(catalogue, kind, id)?;
            let name = rest.join("/");
            let mut body = catalogue
                .standalone(kind, i, &name, &req)
                .ok_or(ApiError::NotFound)?;
            if matches!(kind, Kind::Movie | Kind::Tv)
                && let Some(fault) = knobs.snapshot_fault(&name)
            {
                payloads::apply_snapshot_fault(&mut body, &name, fault);
            }
            Ok((body, false))
        }
        _ => Err(ApiError::NotFound),
    }
}

/// A movie or series body with its snapshot appends broken as the knobs say.
fn with_snapshot_faults(knobs: &Knobs, mut body: Value) -> Value {
    for append in payloads::SNAPSHOT_APPENDS {
        if let (Some(fault), Some(block)) = (knobs.snapshot_fault(append), body.get_mut(*append)) {
            payloads::apply_snapshot_fault(block, append, fault);
        }
    }
    body
}

fn changes(
    catalogue: &Catalogue,
    kind: Kind,
    step: Option<u64>,
    query: &Query,
) -> Result<Value, ApiError> {
    let parse = |name: &'static str| -> Result<Option<NaiveDate>, ApiError> {
        match query.get(name).filter(|v| !v.is_empty()) {
            None => Ok(None),
            Some(v) => NaiveDate::parse_from_str(v, "%Y-%m-%d")
                .map(Some)
                .map_err(|_| ApiError::BadDate(name)),
        }
    };
    let start = parse("start_date")?;
    let end = parse("end_date")?;
    let today = chrono::Utc::now().date_naive();
    let end = end.unwrap_or(today);
    let start = start.unwrap_or_else(|| end.pred_opt().unwrap_or(end));
    let days = (end - start).num_days();
    if !(0..=MAX_CHANGES_DAYS).contains(&days) {
        return Err(ApiError::DateRange);
    }
    let page = query.page().map_err(|()| ApiError::InvalidPage)?;
    let ids = match step {
        Some(step) => catalogue.changed_ids_every(kind, start, end, step),
        None => catalogue.changed_ids(kind, start, end),
    };
    let total = ids.len() as u64;
    let from = ((page - 1) * 100).min(total) as usize;
    let to = (page * 100).min(total) as usize;
    let results: Vec<Value> = ids[from..to]
        .iter()
        .map(|&id| {
            let h = super::rng::mix(&[catalogue.seed(), id, 0xAD]);
            let adult = match h % 50 {
                0 => Value::Null,
                1 => json!(true),
                _ => json!(false),
            };
            json!({"id": id, "adult": adult})
        })
        .collect();
    Ok(json!({
        "results": results,
        "page": page,
        "total_pages": total.div_ceil(100),
        "total_results": total,
    }))
}
