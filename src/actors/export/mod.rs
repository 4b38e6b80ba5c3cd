//! ExportDownloader: a daily ID export from HTTP to the import table, streamed.
//!
//! HTTP body chunks → (bounded channel) → a blocking thread: gunzip, split lines, parse typed
//! rows, batch → (bounded channel) → `DbWriter::ImportBatch`, awaited one at a time. Every
//! channel is bounded, so memory stays flat whatever the file size: a slow database slows the
//! parser, which slows the download.
//!
//! The rows land in a staging table. Only when the whole file decompressed cleanly, held at
//! least one line and at most 0.1 % unparsable lines does `FinishImport` swap it in; any
//! failure sends `AbortImport` and yesterday's import stays.

use std::io::{BufRead, BufReader, Read};
use std::time::{Duration, Instant};

use actix::prelude::*;
use bytes::Bytes;
use chrono::NaiveDate;
use flate2::read::MultiGzDecoder;
use futures_util::StreamExt;
use tokio::sync::{mpsc, oneshot};
use tracing::Instrument;

use crate::actors::writer::{AbortImport, BeginImport, DbWriter, FinishImport, ImportBatch};
use crate::store::imports::{ExportKind, ImportError, ImportRow, LoadOrder, TextField};
use id_sort::{IdSorter, RUN_ROWS};

mod id_sort;

use crate::tmdb::payload::{
    MovieExportLine, NamedExportLine, PersonExportLine, TvSeriesExportLine,
};

/// A line longer than this is not an export line (the longest real ones are a few hundred bytes).
const MAX_LINE_BYTES: u64 = 64 * 1024;
/// Rows handed to the writer at once.
pub const BATCH_ROWS: usize = 8_000;
/// Import statements running at once.
const WRITES_IN_FLIGHT: usize = 2;

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("{file}: not published (HTTP 404)")]
    NotPublished { file: String },
    #[error("{file}: HTTP {status}")]
    HttpStatus { file: String, status: u16 },
    #[error("{file}: download failed: {reason}")]
    Download { file: String, reason: String },
    #[error("{file}: not a valid gzip stream: {reason}")]
    Gzip { file: String, reason: String },
    #[error("{file}: the file holds no lines")]
    Empty { file: String },
    #[error(
        "{file}: {bad} of {lines} lines are unparsable (more than 0.1 %); {overlong} of them \
         longer than 64 KiB, skipped unread"
    )]
    TooManyBadLines {
        file: String,
        bad: u64,
        lines: u64,
        overlong: u64,
    },
    #[error("{file}: temporary sort file: {reason}")]
    SortSpill { file: String, reason: String },
    #[error("{kind}: {source}")]
    Import {
        kind: &'static str,
        #[source]
        source: ImportError,
    },
    #[error("the database writer stopped")]
    WriterGone,
}

/// What one import did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ExportReport {
    pub lines: u64,
    pub rows: u64,
    pub bad_lines: u64,
    /// Bad lines longer than `MAX_LINE_BYTES`, skipped without being held in memory.
    pub overlong_lines: u64,
    /// Text values cut to the column length.
    pub truncated: u64,
    pub compressed_bytes: u64,
    pub seconds: f64,
}

/// `<kind>_ids_MM_DD_YYYY.json.gz`
pub fn file_name(stem: &str, date: NaiveDate) -> String {
    format!("{stem}_ids_{}.json.gz", date.format("%m_%d_%Y"))
}

/// Imports several kinds of one day (each with its adult file when asked). One file loads at a time: loading keeps both cores busy.
/// With `overlap_index_builds`, a file's index build and swap (mostly one core and disk on
/// MariaDB and PostgreSQL) run while the next file loads; SQLite has one writer, so there each
/// import finishes before the next starts. Events report each kind's start and end, in the
/// order they happen; the reply comes when every kind has ended.
#[derive(Message)]
#[rtype(result = "()")]
pub struct DownloadExports {
    pub kinds: Vec<ExportKind>,
    pub date: NaiveDate,
    pub overlap_index_builds: bool,
    /// Sorted by the crawler, or loaded as filed ([`LoadOrder::for_backend`]).
    pub load_order: LoadOrder,
    pub events: mpsc::UnboundedSender<ExportEvent>,
    /// Beaten by every batch written (the run's stall watchdog).
    pub heartbeat: crate::watchdog::Heartbeat,
    /// Cancels every import still under way when its sender is dropped (the run ended: a stop,
    /// a stall): nothing is swapped in after that, and nothing runs on behind the next run.
    pub cancelled: tokio::sync::watch::Receiver<()>,
}

#[derive(Debug)]
pub enum ExportEvent {
    Started(ExportKind),
    Finished(ExportKind, Result<ExportReport, ExportError>),
}

/// Whether [`DownloadExports`] should overlap index builds with the next load: on MariaDB and
/// PostgreSQL yes, on SQLite (one writer) no. Files keep process order: measured on MariaDB
/// with a 128 MB buffer pool, "largest first" was slower, as a movie load beside the person
/// file's index build (which reads its whole table back from disk) slowed it by half.
pub fn overlaps_index_builds(backend: sea_orm::DbBackend) -> bool {
    backend != sea_orm::DbBackend::Sqlite
}

pub struct ExportDownloader {
    http: awc::Client,
    base_url: String,
    writer: Addr<DbWriter>,
    include_adult: bool,
    /// For the response head, and then for each chunk of the body (an idle timeout).
    idle_timeout: Duration,
}

/// Tries of one export kind within a run when its download fails or stalls.
const DOWNLOAD_ATTEMPTS: u32 = 3;

impl ExportDownloader {
    /// Must be created inside an actix system (awc).
    pub fn new(base_url: &str, writer: Addr<DbWriter>, include_adult: bool) -> Self {
        let defaults = crate::config::Config::default();
        ExportDownloader::with_timeouts(
            base_url,
            writer,
            include_adult,
            Duration::from_secs(u64::from(defaults.connect_timeout)),
            Duration::from_secs(u64::from(defaults.request_timeout)),
        )
    }

    /// `connect`: to open a connection; `idle`: for the response head and for each chunk of
    /// the body. The files are large: there is no overall deadline, but a download that
    /// stalls is cut and tried again.
    pub fn with_timeouts(
        base_url: &str,
        writer: Addr<DbWriter>,
        include_adult: bool,
        connect: Duration,
        idle: Duration,
    ) -> Self {
        let mut connector = awc::Connector::new().timeout(connect);
        if let Some(tls) = crate::tmdb::tls::extra_roots() {
            connector = connector.rustls_0_23(tls);
        }
        let http = awc::Client::builder()
            .disable_timeout()
            .connector(connector)
            .finish();
        ExportDownloader {
            http,
            base_url: base_url.trim_end_matches('/').to_owned(),
            writer,
            include_adult,
            idle_timeout: idle,
        }
    }
}

impl Actor for ExportDownloader {
    type Context = Context<Self>;
}

impl ExportDownloader {
    fn urls(&self, kind: ExportKind, date: NaiveDate) -> Vec<(String, String)> {
        let mut stems = vec![kind.file_stem()];
        if self.include_adult
            && let Some(adult) = kind.adult_file_stem()
        {
            stems.push(adult);
        }
        stems
            .into_iter()
            .map(|stem| {
                let name = file_name(stem, date);
                (format!("{}/{name}", self.base_url), name)
            })
            .collect()
    }
}

impl Handler<DownloadExports> for ExportDownloader {
    type Result = ResponseFuture<()>;

    fn handle(&mut self, msg: DownloadExports, _ctx: &mut Self::Context) -> Self::Result {
        let jobs: Vec<(ExportKind, Vec<(String, String)>)> = msg
            .kinds
            .iter()
            .map(|&kind| (kind, self.urls(kind, msg.date)))
            .collect();
        let shared = Downloads {
            http: self.http.clone(),
            writer: self.writer.clone(),
            idle: self.idle_timeout,
            heartbeat: msg.heartbeat.clone(),
            order: msg.load_order,
        };
        Box::pin(async move {
            let mut finishing = Vec::new();
            // The previous kind's "loaded" signal, which this kind's rows wait for.
            let mut previous_loaded = None;
            for (kind, urls) in jobs {
                if msg.cancelled.has_changed().is_err() {
                    break;
                }
                let _ = msg.events.send(ExportEvent::Started(kind));
                let (read_tx, read_rx) = oneshot::channel();
                let (loading_tx, loading_rx) = oneshot::channel();
                let (loaded_tx, loaded_rx) = oneshot::channel();
                let signals = Signals {
                    may_load: previous_loaded.take(),
                    read: Some(read_tx),
                    loading: Some(loading_tx),
                    loaded: Some(loaded_tx),
                };
                let events = msg.events.clone();
                let shared = shared.clone();
                let mut cancelled = msg.cancelled.clone();
                let span = tracing::info_span!(
                    "process",
                    number = kind.process(),
                    kind = kind.file_stem()
                );
                let import = actix_rt::spawn(
                    async move {
                        tokio::select! {
                            result = import_kind(&shared, kind, &urls, signals) => {
                                let _ = events.send(ExportEvent::Finished(kind, result));
                            }
                            // Only the sender's end comes: it is never sent to.
                            _ = cancelled.changed() => {
                                tracing::warn!(kind = kind.file_stem(), "export import cancelled: the run ended");
                            }
                        }
                    }
                    .instrument(span),
                );
                // Each signal also comes (as an error) when its sender is dropped: a kind that
                // ended early never holds the next one up.
                match (msg.overlap_index_builds, msg.load_order) {
                    (false, _) => {
                        let _ = import.await;
                    }
                    (true, LoadOrder::AsFiled) => {
                        let _ = loaded_rx.await;
                        finishing.push(import);
                    }
                    (true, LoadOrder::ById) => {
                        // Read and sorted, and loading: the next kind reads and sorts while
                        // this one loads, and loads after it. One kind reads ahead, no more:
                        // each holds a sort run in memory.
                        let _ = read_rx.await;
                        let _ = loading_rx.await;
                        previous_loaded = Some(loaded_rx);
                        finishing.push(import);
                    }
                }
            }
            for import in finishing {
                let _ = import.await;
            }
        })
    }
}

/// How one kind's import steps in with its neighbours': with [`LoadOrder::ById`], kind N+1
/// reads and sorts its file while kind N loads (the crawler's CPU beside the database's), and
/// loads once N has loaded; then N's index build runs beside N+1's load.
struct Signals {
    /// The previous kind has loaded its rows (or ended): this kind's rows may go.
    may_load: Option<oneshot::Receiver<()>>,
    /// Sent when every file of the kind has been read (and sorted).
    read: Option<oneshot::Sender<()>>,
    /// Sent when the kind's rows start to go (`may_load` came).
    loading: Option<oneshot::Sender<()>>,
    /// Sent when every row is in the staging table.
    loaded: Option<oneshot::Sender<()>>,
}

/// What the downloads of one `DownloadExports` share.
#[derive(Clone)]
struct Downloads {
    http: awc::Client,
    writer: Addr<DbWriter>,
    /// For the response head and each body chunk.
    idle: Duration,
    heartbeat: crate::watchdog::Heartbeat,
    order: LoadOrder,
}

impl ExportError {
    /// A failure the same download may not repeat: a broken or stalled connection, a 5xx.
    fn is_transient(&self) -> bool {
        match self {
            ExportError::Download { .. } => true,
            ExportError::HttpStatus { status, .. } => *status >= 500,
            _ => false,
        }
    }
}

/// One kind, tried again (from the start of its file) when the download breaks or stalls.
async fn import_kind(
    shared: &Downloads,
    kind: ExportKind,
    urls: &[(String, String)],
    mut signals: Signals,
) -> Result<ExportReport, ExportError> {
    let mut attempt = 1;
    loop {
        match import_once(shared, kind, urls, &mut signals).await {
            Err(e) if e.is_transient() && attempt < DOWNLOAD_ATTEMPTS => {
                let wait = Duration::from_secs(1 << attempt);
                tracing::warn!(kind = kind.file_stem(), attempt, error = %e, wait_seconds = wait.as_secs(), "export download failed; trying again");
                actix_rt::time::sleep(wait).await;
                attempt += 1;
            }
            result => return result,
        }
    }
}

/// One try: a fresh staging table, every file of the kind, then the swap.
async fn import_once(
    shared: &Downloads,
    kind: ExportKind,
    urls: &[(String, String)],
    signals: &mut Signals,
) -> Result<ExportReport, ExportError> {
    let Downloads { writer, order, .. } = shared;
    let started = Instant::now();
    let import_err = |source| ExportError::Import {
        kind: kind.file_stem(),
        source,
    };
    writer
        .send(BeginImport {
            kind,
            order: *order,
        })
        .await
        .map_err(|_| ExportError::WriterGone)?
        .map_err(import_err)?;
    let mut report = ExportReport::default();
    let mut outcome = Ok(());
    for (i, (url, name)) in urls.iter().enumerate() {
        let last = i + 1 == urls.len();
        match stream_file(shared, kind, (url, name), signals, last).await {
            Ok(part) => {
                report.lines += part.lines;
                report.rows += part.rows;
                report.bad_lines += part.bad_lines;
                report.overlong_lines += part.overlong_lines;
                report.truncated += part.truncated;
                report.compressed_bytes += part.compressed_bytes;
                if part.lines == 0 && name.starts_with(kind.file_stem()) {
                    outcome = Err(ExportError::Empty { file: name.clone() });
                    break;
                }
                if part.bad_lines * 1000 > part.lines {
                    outcome = Err(ExportError::TooManyBadLines {
                        file: name.clone(),
                        bad: part.bad_lines,
                        lines: part.lines,
                        overlong: part.overlong_lines,
                    });
                    break;
                }
            }
            Err(e) => {
                outcome = Err(e);
                break;
            }
        }
    }
    if outcome.is_ok()
        && let Some(loaded) = signals.loaded.take()
    {
        let _ = loaded.send(());
    }
    let finished = match outcome {
        Ok(()) => writer
            .send(FinishImport {
                kind,
                order: *order,
            })
            .await
            .map_err(|_| ExportError::WriterGone)?
            .map_err(import_err),
        Err(e) => Err(e),
    };
    if let Err(e) = finished {
        // Best effort: a leftover staging table is dropped by the next BeginImport anyway.
        if let Ok(Err(abort)) = writer.send(AbortImport { kind }).await {
            tracing::warn!(kind = kind.file_stem(), error = %abort, "could not drop the staging table");
        }
        return Err(e);
    }
    report.seconds = started.elapsed().as_secs_f64();
    Ok(report)
}

/// One file: download, and in parallel parse (blocking thread) and write batches.
async fn stream_file(
    shared: &Downloads,
    kind: ExportKind,
    (url, name): (&str, &str),
    signals: &mut Signals,
    last_file: bool,
) -> Result<ExportReport, ExportError> {
    let Downloads {
        http,
        writer,
        idle,
        heartbeat,
        order,
    } = shared;
    let idle = *idle;
    let file = name.to_owned();
    let stalled = || format!("no data for {} s", idle.as_secs_f64());
    let sent = actix_rt::time::timeout(idle, http.get(url).no_decompress().send()).await;
    let mut response = match sent {
        Ok(Ok(response)) => response,
        Ok(Err(e)) => {
            return Err(ExportError::Download {
                file,
                reason: e.to_string(),
            });
        }
        Err(_) => {
            return Err(ExportError::Download {
                file,
                reason: stalled(),
            });
        }
    };
    match response.status().as_u16() {
        200 => {}
        404 => return Err(ExportError::NotPublished { file }),
        status => return Err(ExportError::HttpStatus { file, status }),
    }

    let (chunk_tx, chunk_rx) = mpsc::channel::<Bytes>(16);
    let (batch_tx, mut batch_rx) = mpsc::channel::<Vec<ImportRow>>(2);
    let mut job = ParseJob {
        kind,
        file: file.clone(),
        order: *order,
        heartbeat: heartbeat.clone(),
        read: if last_file { signals.read.take() } else { None },
    };
    let may_load = signals.may_load.take();
    let loading = signals.loading.take();
    let parser = tokio::task::spawn_blocking(move || {
        parse_stream(&mut job, ChannelReader::new(chunk_rx), &batch_tx)
    });

    let pump = async move {
        let mut bytes = 0u64;
        loop {
            let chunk = match actix_rt::time::timeout(idle, response.next()).await {
                Ok(Some(chunk)) => chunk.map_err(|e| e.to_string())?,
                Ok(None) => break,
                Err(_) => return Err(stalled()),
            };
            bytes += chunk.len() as u64;
            if chunk_tx.send(chunk).await.is_err() {
                // The parser stopped (bad gzip, or the writer failed): its error tells why.
                break;
            }
        }
        Ok::<u64, String>(bytes)
    };
    let write_kind = kind;
    let drain = async move {
        if let Some(may_load) = may_load {
            let _ = may_load.await;
        }
        if let Some(loading) = loading {
            let _ = loading.send(());
        }
        // Two statements in flight: the database works on one batch while the next is sent.
        let mut pending = std::collections::VecDeque::with_capacity(WRITES_IN_FLIGHT);
        let finish = |sent: Result<Result<(), ImportError>, MailboxError>| {
            sent.map_err(|_| ExportError::WriterGone)?
                .map_err(|source| ExportError::Import {
                    kind: write_kind.file_stem(),
                    source,
                })
        };
        while let Some(rows) = batch_rx.recv().await {
            if pending.len() >= WRITES_IN_FLIGHT
                && let Some(oldest) = pending.pop_front()
            {
                finish(oldest.await)?;
                heartbeat.beat();
            }
            pending.push_back(writer.send(ImportBatch {
                kind: write_kind,
                rows,
            }));
        }
        while let Some(oldest) = pending.pop_front() {
            finish(oldest.await)?;
        }
        Ok::<(), ExportError>(())
    };
    let (pumped, drained) = futures_util::join!(pump, drain);
    let parsed = parser.await.map_err(|e| ExportError::Download {
        file: file.clone(),
        reason: format!("the parser thread failed: {e}"),
    })?;
    // Report the first cause: a broken download explains a gzip error, a write error
    // explains a stopped parser.
    let bytes = pumped.map_err(|reason| ExportError::Download {
        file: file.clone(),
        reason,
    })?;
    drained?;
    let mut report = parsed?;
    report.compressed_bytes = bytes;
    Ok(report)
}

/// `Read` over the chunks the async side receives; end of stream when the sender is dropped.
struct ChannelReader {
    rx: mpsc::Receiver<Bytes>,
    current: Bytes,
}

impl ChannelReader {
    fn new(rx: mpsc::Receiver<Bytes>) -> Self {
        ChannelReader {
            rx,
            current: Bytes::new(),
        }
    }
}

impl Read for ChannelReader {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        while self.current.is_empty() {
            match self.rx.blocking_recv() {
                Some(chunk) => self.current = chunk,
                None => return Ok(0),
            }
        }
        let n = buf.len().min(self.current.len());
        buf[..n].copy_from_slice(&self.current.split_to(n));
        Ok(n)
    }
}

/// Whether the reader should go on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Flow {
    Continue,
    /// The writer side is gone: its error tells why.
    Stop,
}

/// Rows into batches of `BATCH_ROWS` for the writer.
struct Batcher<'a> {
    out: &'a mpsc::Sender<Vec<ImportRow>>,
    batch: Vec<ImportRow>,
    sent: u64,
}

impl<'a> Batcher<'a> {
    fn new(out: &'a mpsc::Sender<Vec<ImportRow>>) -> Self {
        Batcher {
            out,
            batch: Vec::with_capacity(BATCH_ROWS),
            sent: 0,
        }
    }

    fn push(&mut self, row: ImportRow) -> Flow {
        self.batch.push(row);
        if self.batch.len() < BATCH_ROWS {
            return Flow::Continue;
        }
        self.sent += self.batch.len() as u64;
        let full = std::mem::replace(&mut self.batch, Vec::with_capacity(BATCH_ROWS));
        match self.out.blocking_send(full) {
            Ok(()) => Flow::Continue,
            Err(_) => Flow::Stop,
        }
    }

    /// Sends the last partial batch; the rows sent in all.
    fn finish(mut self) -> u64 {
        if !self.batch.is_empty() {
            self.sent += self.batch.len() as u64;
            let _ = self.out.blocking_send(std::mem::take(&mut self.batch));
        }
        self.sent
    }
}

/// What a parser thread needs besides its input and output.
struct ParseJob {
    kind: ExportKind,
    file: String,
    order: LoadOrder,
    /// Beaten as sorted runs are written: sorting sends no batch for a while.
    heartbeat: crate::watchdog::Heartbeat,
    /// Sent once the whole input has been read (and, by id, sorted).
    read: Option<oneshot::Sender<()>>,
}

/// Gunzip, split, parse and batch; runs on a blocking thread. With [`LoadOrder::ById`] every
/// row is read and sorted (in bounded memory) before the first batch goes out, and a repeated
/// id refuses the file.
fn parse_stream<R: Read>(
    job: &mut ParseJob,
    input: R,
    batches: &mpsc::Sender<Vec<ImportRow>>,
) -> Result<ExportReport, ExportError> {
    let mut batcher = Batcher::new(batches);
    let mut report = match job.order {
        LoadOrder::AsFiled => read_rows(job, input, |row| Ok(batcher.push(row)))?,
        LoadOrder::ById => {
            let mut sorter = IdSorter::new(RUN_ROWS);
            let report = read_rows(job, input, |row| {
                let spilled = sorter.spilled_runs();
                sorter.push(&row).map_err(|e| job.spill_error(&e))?;
                if sorter.spilled_runs() > spilled {
                    job.heartbeat.beat();
                }
                Ok(Flow::Continue)
            })?;
            job.signal_read();
            send_sorted(job, sorter, &mut batcher)?;
            report
        }
    };
    report.rows = batcher.finish();
    Ok(report)
}

/// The sorted rows into batches; a repeated id is an error.
fn send_sorted(
    job: &ParseJob,
    sorter: IdSorter,
    batcher: &mut Batcher<'_>,
) -> Result<(), ExportError> {
    let (rows, spilled) = sorter.finish().map_err(|e| job.spill_error(&e))?;
    tracing::info!(
        file = job.file.as_str(),
        runs = spilled.runs,
        spilled_bytes = spilled.bytes,
        "export sorted by id"
    );
    let mut previous = None;
    for row in rows {
        let row = row.map_err(|e| job.spill_error(&e))?;
        if previous == Some(row.id) {
            return Err(ExportError::Import {
                kind: job.kind.file_stem(),
                source: ImportError::DuplicateId(format!("id {}", row.id)),
            });
        }
        previous = Some(row.id);
        if batcher.push(row) == Flow::Stop {
            break;
        }
    }
    Ok(())
}

impl ParseJob {
    fn signal_read(&mut self) {
        if let Some(read) = self.read.take() {
            let _ = read.send(());
        }
    }

    fn spill_error(&self, e: &std::io::Error) -> ExportError {
        ExportError::SortSpill {
            file: self.file.clone(),
            reason: e.to_string(),
        }
    }
}

/// Gunzip, split and parse, handing each row to `take`; counts lines, bad lines and cuts.
fn read_rows<R: Read>(
    job: &ParseJob,
    input: R,
    mut take: impl FnMut(ImportRow) -> Result<Flow, ExportError>,
) -> Result<ExportReport, ExportError> {
    let file = job.file.as_str();
    let gzip_error = |e: std::io::Error| ExportError::Gzip {
        file: file.to_owned(),
        reason: e.to_string(),
    };
    let mut reader = BufReader::with_capacity(256 * 1024, MultiGzDecoder::new(input));
    let max_chars = job.kind.text_max_chars();
    let mut report = ExportReport::default();
    let mut line = Vec::with_capacity(1024);
    loop {
        line.clear();
        let read = (&mut reader)
            .take(MAX_LINE_BYTES)
            .read_until(b'\n', &mut line)
            .map_err(gzip_error)?;
        if read == 0 {
            break;
        }
        if line.len() as u64 == MAX_LINE_BYTES && line.last() != Some(&b'\n') {
            skip_line(&mut reader).map_err(gzip_error)?;
            report.lines += 1;
            report.bad_lines += 1;
            report.overlong_lines += 1;
            if report.overlong_lines <= 5 {
                tracing::warn!(file, line = report.lines, "export line over 64 KiB skipped");
            }
            continue;
        }
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        report.lines += 1;
        match parse_line(job.kind, &line, max_chars) {
            Some((row, cut)) => {
                report.truncated += u64::from(cut);
                if take(row)? == Flow::Stop {
                    return Ok(report);
                }
            }
            None => {
                report.bad_lines += 1;
                if report.bad_lines <= 5 {
                    tracing::warn!(file, line = report.lines, "unparsable export line skipped");
                }
            }
        }
    }
    Ok(report)
}

/// Consumes the rest of a line (through its newline, or to the end of the stream) one buffer at
/// a time: a line without end never sits in memory whole.
fn skip_line<R: BufRead>(reader: &mut R) -> std::io::Result<()> {
    loop {
        let buffer = reader.fill_buf()?;
        if buffer.is_empty() {
            return Ok(());
        }
        match buffer.iter().position(|b| *b == b'\n') {
            Some(end) => {
                reader.consume(end + 1);
                return Ok(());
            }
            None => {
                let n = buffer.len();
                reader.consume(n);
            }
        }
    }
}

/// One JSON line to a row; `None` when it is not a usable line. The bool says whether the
/// text was cut to the column length.
pub fn parse_line(kind: ExportKind, line: &[u8], max_chars: usize) -> Option<(ImportRow, bool)> {
    let (id, text, popularity, adult, video) = match kind.text_field() {
        TextField::OriginalTitle => {
            let l: MovieExportLine = serde_json::from_slice(line).ok()?;
            (l.id, l.original_title, l.popularity, l.adult, l.video)
        }
        TextField::OriginalName => {
            let l: TvSeriesExportLine = serde_json::from_slice(line).ok()?;
            (l.id, l.original_name, l.popularity, None, None)
        }
        TextField::Name if kind == ExportKind::Person => {
            let l: PersonExportLine = serde_json::from_slice(line).ok()?;
            (l.id, l.name, l.popularity, l.adult, None)
        }
        TextField::Name => {
            let l: NamedExportLine = serde_json::from_slice(line).ok()?;
            (l.id, l.name, None, None, None)
        }
    };
    let id = i32::try_from(id).ok()?;
    let (text, cut) = match text {
        Some(t) => {
            let (t, cut) = cut_chars(t, max_chars);
            (Some(t), cut)
        }
        None => (None, false),
    };
    Some((
        ImportRow {
            id,
            text,
            popularity,
            adult,
            video,
        },
        cut,
    ))
}

/// Cuts at `max` characters (never inside a UTF-8 sequence).
pub fn cut_chars(mut text: String, max: usize) -> (String, bool) {
    match text.char_indices().nth(max) {
        Some((byte, _)) => {
            text.truncate(byte);
            (text, true)
        }
        None => (text, false),
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use flate2::Compression;
    use flate2::write::GzEncoder;

    use super::*;

    fn gz(text: &str) -> Vec<u8> {
        let mut enc = GzEncoder::new(Vec::new(), Compression::default());
        enc.write_all(text.as_bytes()).expect("gzip");
        enc.finish().expect("gzip")
    }

    fn parse_all(
        kind: ExportKind,
        bytes: Vec<u8>,
    ) -> (Result<ExportReport, ExportError>, Vec<ImportRow>) {
        parse_all_in(LoadOrder::AsFiled, kind, bytes)
    }

    fn parse_all_in(
        order: LoadOrder,
        kind: ExportKind,
        bytes: Vec<u8>,
    ) -> (Result<ExportReport, ExportError>, Vec<ImportRow>) {
        let (tx, mut rx) = mpsc::channel(1000);
        let mut job = ParseJob {
            kind,
            file: "test.json.gz".to_owned(),
            order,
            heartbeat: crate::watchdog::Heartbeat::default(),
            read: None,
        };
        let result = parse_stream(&mut job, bytes.as_slice(), &tx);
        drop(tx);
        let mut rows = Vec::new();
        while let Ok(batch) = rx.try_recv() {
            rows.extend(batch);
        }
        (result, rows)
    }

    #[test]
    fn an_overlong_line_is_skipped_and_the_next_lines_are_read() {
        let long = "x".repeat(3 * MAX_LINE_BYTES as usize);
        let text = format!(
            "{{\"id\":1,\"name\":\"a\"}}\n{{\"id\":2,\"name\":\"{long}\"}}\n{{\"id\":3,\"name\":\"c\"}}\n{long}"
        );
        let (report, rows) = parse_all(ExportKind::Keyword, gz(&text));
        let report = report.expect("a readable file");
        assert_eq!(
            (
                report.lines,
                report.rows,
                report.bad_lines,
                report.overlong_lines
            ),
            (4, 2, 2, 2)
        );
        assert_eq!(rows.iter().map(|r| r.id).collect::<Vec<_>>(), vec![1, 3]);
    }

    #[test]
    fn file_names_follow_tmdb() {
        let date = NaiveDate::from_ymd_opt(2026, 11, 3).expect("date");
        assert_eq!(
            file_name("tv_series", date),
            "tv_series_ids_11_03_2026.json.gz"
        );
    }

    #[test]
    fn escaped_text_is_stored_exactly() {
        let line = br#"{"adult":false,"id":7,"original_title":"He said \"hi\" \u00e9 \ud83c\udfac \\o/","popularity":1.5,"video":true}"#;
        let (row, cut) = parse_line(ExportKind::Movie, line, 250).expect("row");
        assert!(!cut);
        assert_eq!(row.text.as_deref(), Some("He said \"hi\" é 🎬 \\o/"));
        assert_eq!(
            (row.id, row.popularity, row.adult, row.video),
            (7, Some(1.5), Some(false), Some(true))
        );
    }

    #[test]
    fn names_are_not_trimmed_and_long_ones_are_cut_by_characters() {
        let name = format!("  {}", "é".repeat(300));
        let line = serde_json::json!({"id": 1, "name": name, "popularity": 1}).to_string();
        let (row, cut) = parse_line(ExportKind::Person, line.as_bytes(), 200).expect("row");
        assert!(cut);
        let text = row.text.expect("name");
        assert_eq!(text.chars().count(), 200);
        assert!(text.starts_with("  é"));
    }

    #[test]
    fn unusable_lines_are_none() {
        assert!(parse_line(ExportKind::Keyword, b"{\"id\":", 250).is_none());
        assert!(parse_line(ExportKind::Keyword, b"{\"name\":\"no id\"}", 250).is_none());
        assert!(
            parse_line(
                ExportKind::Keyword,
                b"{\"id\":3000000000,\"name\":\"x\"}",
                250
            )
            .is_none()
        );
    }

    #[test]
    fn a_stream_parses_counts_and_batches() {
        let text = "{\"id\":1,\"name\":\"a\"}\n{\"id\":2,\"name\":\"b\"}\n\nnot json\n{\"id\":3,\"name\":\"c\"}";
        let (report, rows) = parse_all(ExportKind::Keyword, gz(text));
        let report = report.expect("parsed");
        assert_eq!((report.lines, report.rows, report.bad_lines), (4, 3, 1));
        assert_eq!(rows.iter().map(|r| r.id).collect::<Vec<_>>(), vec![1, 2, 3]);
    }

    #[test]
    fn by_id_the_rows_come_sorted_and_a_repeated_id_refuses_the_file() {
        let ids = [5, 3, 9, 1, 7];
        let text: String = ids
            .iter()
            .map(|id| format!("{{\"id\":{id},\"name\":\"n{id}\"}}\nnot json\n"))
            .collect();
        let (report, rows) = parse_all_in(LoadOrder::ById, ExportKind::Keyword, gz(&text));
        let report = report.expect("parsed");
        assert_eq!((report.lines, report.rows, report.bad_lines), (10, 5, 5));
        let got: Vec<(i32, Option<String>)> = rows.into_iter().map(|r| (r.id, r.text)).collect();
        let expected: Vec<(i32, Option<String>)> = [1, 3, 5, 7, 9]
            .map(|id| (id, Some(format!("n{id}"))))
            .to_vec();
        assert_eq!(got, expected);

        let repeated = format!("{text}{{\"id\":3,\"name\":\"again\"}}\n");
        let (report, _) = parse_all_in(LoadOrder::ById, ExportKind::Keyword, gz(&repeated));
        match report {
            Err(ExportError::Import {
                source: ImportError::DuplicateId(detail),
                ..
            }) => assert_eq!(detail, "id 3"),
            other => panic!("a repeated id was accepted: {other:?}"),
        }
    }

    #[test]
    fn corrupt_and_truncated_gzip_are_errors() {
        let (corrupt, _) = parse_all(ExportKind::Keyword, b"this is not gzip".to_vec());
        assert!(
            matches!(corrupt, Err(ExportError::Gzip { .. })),
            "{corrupt:?}"
        );
        let full = gz(&"{\"id\":1,\"name\":\"a\"}\n".repeat(1000));
        let (truncated, _) = parse_all(ExportKind::Keyword, full[..full.len() / 2].to_vec());
        assert!(
            matches!(truncated, Err(ExportError::Gzip { .. })),
            "{truncated:?}"
        );
    }

    #[test]
    fn cut_never_splits_a_character() {
        assert_eq!(cut_chars("🎬🎬🎬".to_owned(), 2), ("🎬🎬".to_owned(), true));
        assert_eq!(cut_chars("abc".to_owned(), 3), ("abc".to_owned(), false));
    }
}
