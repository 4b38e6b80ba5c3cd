//! Daily ID exports (`/p/exports/{kind}_ids_MM_DD_YYYY.json.gz`): gzip'd JSON lines, generated
//! lazily and compressed chunk by chunk, so a 4.74 M-line file never sits in memory.

use std::io::Write;
use std::pin::Pin;
use std::task::{Context, Poll};

use actix_web::body::{BodySize, MessageBody};
use actix_web::web::Bytes;
use chrono::NaiveDate;
use flate2::Compression;
use flate2::write::GzEncoder;

use super::catalogue::{ADJECTIVES, Catalogue, Kind, NOUNS};
use super::knobs::{ExportFault, ExportOrder, Knobs};

/// The export files TMDb publishes every day.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ExportKind {
    Movie,
    AdultMovie,
    TvSeries,
    AdultTvSeries,
    Person,
    AdultPerson,
    Collection,
    Keyword,
    TvNetwork,
    ProductionCompany,
}

impl ExportKind {
    pub const ALL: [ExportKind; 10] = [
        ExportKind::Movie,
        ExportKind::AdultMovie,
        ExportKind::TvSeries,
        ExportKind::AdultTvSeries,
        ExportKind::Person,
        ExportKind::AdultPerson,
        ExportKind::Collection,
        ExportKind::Keyword,
        ExportKind::TvNetwork,
        ExportKind::ProductionCompany,
    ];

    /// `movie_ids`, `tv_series_ids`, … (the file name without the date).
    pub fn file_prefix(self) -> &'static str {
        match self {
            ExportKind::Movie => "movie_ids",
            ExportKind::AdultMovie => "adult_movie_ids",
            ExportKind::TvSeries => "tv_series_ids",
            ExportKind::AdultTvSeries => "adult_tv_series_ids",
            ExportKind::Person => "person_ids",
            ExportKind::AdultPerson => "adult_person_ids",
            ExportKind::Collection => "collection_ids",
            ExportKind::Keyword => "keyword_ids",
            ExportKind::TvNetwork => "tv_network_ids",
            ExportKind::ProductionCompany => "production_company_ids",
        }
    }

    pub fn from_prefix(prefix: &str) -> Option<ExportKind> {
        ExportKind::ALL
            .into_iter()
            .find(|k| k.file_prefix() == prefix)
    }

    /// `movie_ids_05_15_2024.json.gz`.
    pub fn file_name(self, date: NaiveDate) -> String {
        format!("{}_{}.json.gz", self.file_prefix(), date.format("%m_%d_%Y"))
    }

    /// `/p/exports/movie_ids_05_15_2024.json.gz`.
    pub fn path(self, date: NaiveDate) -> String {
        format!("/p/exports/{}", self.file_name(date))
    }

    /// The catalogue kind behind the file (adult files have their own id space, not served
    /// by the API).
    pub fn kind(self) -> Kind {
        match self {
            ExportKind::Movie | ExportKind::AdultMovie => Kind::Movie,
            ExportKind::TvSeries | ExportKind::AdultTvSeries => Kind::Tv,
            ExportKind::Person | ExportKind::AdultPerson => Kind::Person,
            ExportKind::Collection => Kind::Collection,
            ExportKind::Keyword => Kind::Keyword,
            ExportKind::TvNetwork => Kind::Network,
            ExportKind::ProductionCompany => Kind::Company,
        }
    }

    pub fn is_adult(self) -> bool {
        matches!(
            self,
            ExportKind::AdultMovie | ExportKind::AdultTvSeries | ExportKind::AdultPerson
        )
    }

    /// Parses `movie_ids_05_15_2024.json.gz`.
    pub fn parse_file_name(file: &str) -> Option<(ExportKind, NaiveDate)> {
        let stem = file.strip_suffix(".json.gz")?;
        let (kind, date) = stem.rsplit_once("_ids_")?;
        let kind = ExportKind::from_prefix(&format!("{kind}_ids"))?;
        let date = NaiveDate::parse_from_str(date, "%m_%d_%Y").ok()?;
        Some((kind, date))
    }
}

impl Catalogue {
    /// Lines of an export kind without size override (adult files: empty).
    pub fn default_export_lines(&self, kind: ExportKind) -> u64 {
        if kind.is_adult() {
            0
        } else {
            self.count(kind.kind())
        }
    }

    /// Catalogue index of export line number `j` of `n`, in `order`.
    pub(crate) fn export_index(&self, kind: ExportKind, j: u64, n: u64, order: ExportOrder) -> u64 {
        let k = match order {
            ExportOrder::NearlySorted => {
                // Each block of 8 lines, and the last partial block, is reversed.
                let block = j & !7;
                if (j | 7) < n {
                    block | (7 - (j & 7))
                } else {
                    block + (n - 1 - j)
                }
            }
            ExportOrder::Sorted => j,
            ExportOrder::Shuffled(seed) => shuffled_position(j, n, seed),
        };
        // Regular person lines beyond the catalogue skip the missing-person range.
        if kind == ExportKind::Person && k >= self.count(Kind::Person) {
            k + (self.api_count(Kind::Person) - self.count(Kind::Person))
        } else {
            k
        }
    }

    /// Id of a line's entity.
    pub(crate) fn export_id(&self, kind: ExportKind, index: u64) -> u64 {
        let k = kind.kind();
        if kind.is_adult() {
            // Own id space, interleaved with the regular one but never equal to it.
            k.id_base() + k.id_stride() * index + 1
        } else {
            self.id_at(k, index)
        }
    }

    /// Appends one JSON line (with `\n`) for catalogue index `index`.
    pub fn write_export_line(&self, kind: ExportKind, index: u64, out: &mut Vec<u8>) {
        let id = self.export_id(kind, index);
        let name = if kind.is_adult() {
            format!(
                "{} {} #{index}",
                ADJECTIVES[(index % ADJECTIVES.len() as u64) as usize],
                NOUNS[(index % NOUNS.len() as u64) as usize]
            )
        } else {
            self.name_at(kind.kind(), index)
        };
        let popularity = self.export_popularity(kind.kind(), index);
        match kind {
            ExportKind::Movie | ExportKind::AdultMovie => {
                out.extend_from_slice(b"{\"adult\":");
                out.extend_from_slice(if kind.is_adult() { b"true" } else { b"false" });
                out.extend_from_slice(format!(",\"id\":{id},\"original_title\":").as_bytes());
                put_str(out, &name);
                out.extend_from_slice(b",\"popularity\":");
                put_f64(out, popularity);
                out.extend_from_slice(b",\"video\":");
                let video = !kind.is_adult() && self.movie_video(index);
                out.extend_from_slice(if video { b"true" } else { b"false" });
                out.extend_from_slice(b"}\n");
            }
            ExportKind::TvSeries | ExportKind::AdultTvSeries => {
                out.extend_from_slice(format!("{{\"id\":{id},\"original_name\":").as_bytes());
                put_str(out, &name);
                out.extend_from_slice(b",\"popularity\":");
                put_f64(out, popularity);
                out.extend_from_slice(b"}\n");
            }
            ExportKind::Person | ExportKind::AdultPerson => {
                out.extend_from_slice(b"{\"adult\":");
                out.extend_from_slice(if kind.is_adult() { b"true" } else { b"false" });
                out.extend_from_slice(format!(",\"id\":{id},\"name\":").as_bytes());
                put_str(out, &name);
                out.extend_from_slice(b",\"popularity\":");
                put_f64(out, popularity);
                out.extend_from_slice(b"}\n");
            }
            ExportKind::Collection
            | ExportKind::Keyword
            | ExportKind::TvNetwork
            | ExportKind::ProductionCompany => {
                out.extend_from_slice(format!("{{\"id\":{id},\"name\":").as_bytes());
                put_str(out, &name);
                out.extend_from_slice(b"}\n");
            }
        }
    }
}

/// Line `j` of a seeded permutation of `0..n`, without holding the permutation (the bench's
/// memory figure includes this process): an affine map `j -> (a j + c) mod n` with `a` coprime
/// to `n` is a bijection, and a large `a` sends neighbouring lines far apart across the file.
fn shuffled_position(j: u64, n: u64, seed: u64) -> u64 {
    if n < 2 {
        return j;
    }
    let mut a = (seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1) % n;
    // Any unit of Z/n will do; 1 (the identity) only when n leaves no other (n = 2).
    while gcd(a, n) != 1 || (a < 2 && n > 2) {
        a = (a + 1) % n;
    }
    let c = seed % n;
    ((u128::from(a) * u128::from(j) + u128::from(c)) % u128::from(n)) as u64
}

fn gcd(mut a: u64, mut b: u64) -> u64 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

fn put_str(out: &mut Vec<u8>, s: &str) {
    serde_json::to_writer(out, s).expect("serialize a string into a Vec");
}

fn put_f64(out: &mut Vec<u8>, v: f64) {
    serde_json::to_writer(out, &v).expect("serialize a float into a Vec");
}

/// Generates the lines of one export file.
pub(crate) struct LineGen {
    catalogue: Catalogue,
    kind: ExportKind,
    lines: u64,
    next: u64,
    fault: Option<ExportFault>,
    exclude_deleted: bool,
    order: ExportOrder,
}

impl LineGen {
    pub(crate) fn new(catalogue: Catalogue, kind: ExportKind, knobs: &Knobs) -> LineGen {
        let lines = knobs
            .export_size(kind)
            .unwrap_or_else(|| catalogue.default_export_lines(kind));
        let fault = knobs.export_fault(kind);
        let lines = match fault {
            Some(ExportFault::Empty) => 0,
            Some(ExportFault::TruncatedGzip | ExportFault::CorruptGzip) => lines.div_ceil(2),
            _ => lines,
        };
        LineGen {
            catalogue,
            kind,
            lines,
            next: 0,
            fault,
            exclude_deleted: knobs.exports_exclude_deleted(),
            order: knobs.export_order(),
        }
    }

    fn finished(&self) -> bool {
        self.next >= self.lines
    }

    /// Appends the next line(s) to `out`; false when there is none left.
    fn next_into(&mut self, out: &mut Vec<u8>) -> bool {
        while self.next < self.lines {
            let j = self.next;
            self.next += 1;
            let index = self
                .catalogue
                .export_index(self.kind, j, self.lines, self.order);
            if self.exclude_deleted
                && !self.kind.is_adult()
                && self.catalogue.deleted_index(self.kind.kind(), index)
            {
                continue;
            }
            if self.fault == Some(ExportFault::InvalidJsonLine) && j == self.lines / 2 {
                let id = self.catalogue.export_id(self.kind, index);
                out.extend_from_slice(format!("{{\"id\":{id},\"name\":\"broken\n").as_bytes());
                return true;
            }
            let start = out.len();
            self.catalogue.write_export_line(self.kind, index, out);
            if self.fault == Some(ExportFault::DuplicateIds) && j % 10 == 9 {
                let line = out[start..].to_vec();
                out.extend_from_slice(&line);
            }
            return true;
        }
        false
    }
}

/// The streaming gzip body of an export file.
pub(crate) struct ExportBody {
    source: LineGen,
    encoder: Option<GzEncoder<Vec<u8>>>,
    lines: Vec<u8>,
}

const RAW_BATCH: usize = 128 * 1024;
const OUT_CHUNK: usize = 32 * 1024;

impl ExportBody {
    pub(crate) fn new(source: LineGen) -> ExportBody {
        ExportBody {
            source,
            encoder: Some(GzEncoder::new(
                Vec::with_capacity(OUT_CHUNK * 2),
                Compression::fast(),
            )),
            lines: Vec::with_capacity(RAW_BATCH + 1024),
        }
    }

    fn step(&mut self) -> std::io::Result<Option<Bytes>> {
        loop {
            let Some(encoder) = self.encoder.as_mut() else {
                return Ok(None);
            };
            if !self.source.finished() {
                self.lines.clear();
                while self.lines.len() < RAW_BATCH && self.source.next_into(&mut self.lines) {}
                encoder.write_all(&self.lines)?;
                if encoder.get_ref().len() >= OUT_CHUNK {
                    return Ok(Some(Bytes::from(std::mem::take(encoder.get_mut()))));
                }
                continue;
            }
            // Every line is written: end the file (properly or not).
            let mut encoder = self.encoder.take().expect("encoder present");
            let out = match self.source.fault {
                Some(ExportFault::TruncatedGzip) => {
                    encoder.flush()?;
                    std::mem::take(encoder.get_mut())
                }
                Some(ExportFault::CorruptGzip) => {
                    encoder.flush()?;
                    let mut out = std::mem::take(encoder.get_mut());
                    // After a sync flush the deflate stream is byte-aligned: 0xFF starts a
                    // block of the reserved type 3, which every inflater rejects.
                    out.extend_from_slice(&[0xFF; 512]);
                    out
                }
                _ => encoder.finish()?,
            };
            return Ok(Some(Bytes::from(out)));
        }
    }
}

impl ExportBody {
    /// The whole file, written to `out` (the bench prepares files before it times downloads).
    pub(crate) fn write_all_to(mut self, out: &mut impl Write) -> std::io::Result<u64> {
        let mut bytes = 0u64;
        while let Some(chunk) = self.step()? {
            out.write_all(&chunk)?;
            bytes += chunk.len() as u64;
        }
        Ok(bytes)
    }
}

/// An export file served from disk, chunk by chunk.
pub(crate) struct FileBody {
    file: std::fs::File,
}

impl FileBody {
    pub(crate) fn open(path: &std::path::Path) -> std::io::Result<FileBody> {
        Ok(FileBody {
            file: std::fs::File::open(path)?,
        })
    }
}

impl MessageBody for FileBody {
    type Error = std::io::Error;

    fn size(&self) -> BodySize {
        BodySize::Stream
    }

    fn poll_next(
        self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Bytes, Self::Error>>> {
        let mut buf = vec![0u8; OUT_CHUNK * 2];
        match std::io::Read::read(&mut self.get_mut().file, &mut buf) {
            Ok(0) => Poll::Ready(None),
            Ok(n) => {
                buf.truncate(n);
                Poll::Ready(Some(Ok(Bytes::from(buf))))
            }
            Err(e) => Poll::Ready(Some(Err(e))),
        }
    }
}

impl MessageBody for ExportBody {
    type Error = std::io::Error;

    fn size(&self) -> BodySize {
        BodySize::Stream
    }

    fn poll_next(
        self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Bytes, Self::Error>>> {
        Poll::Ready(self.get_mut().step().transpose())
    }
}

/// Gunzips and splits an export body into lines (a helper for tests).
pub fn gunzip_lines(gz: &[u8]) -> std::io::Result<Vec<String>> {
    use std::io::Read;
    let mut text = String::new();
    flate2::read::GzDecoder::new(gz).read_to_string(&mut text)?;
    Ok(text.lines().map(str::to_owned).collect())
}

#[cfg(test)]
mod order_tests {
    use super::shuffled_position;

    #[test]
    fn a_shuffled_file_holds_every_line_once_in_no_order() {
        for (n, seed) in [(1_000u64, 42u64), (4_740_000 / 1_000, 7), (2, 1), (1, 9)] {
            let positions: Vec<u64> = (0..n).map(|j| shuffled_position(j, n, seed)).collect();
            let mut sorted = positions.clone();
            sorted.sort_unstable();
            assert_eq!(
                sorted,
                (0..n).collect::<Vec<_>>(),
                "n={n}: not a permutation"
            );
            if n >= 1_000 {
                let descents = positions.windows(2).filter(|w| w[1] < w[0]).count();
                assert!(descents as u64 > n / 4, "n={n}: only {descents} descents");
            }
        }
    }
}
