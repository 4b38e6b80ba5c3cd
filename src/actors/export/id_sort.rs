//! An external sort of import rows by id, in bounded memory.
//!
//! Rows are gathered into runs of `run_rows`; a full run is sorted and written to an anonymous
//! temporary file (deleted by the system when closed, even after a crash). At the end the runs
//! are merged, smallest id first. A file that fits in one run never touches the disk.
//!
//! A row is written as: id (i32 LE), a flags byte, popularity (f64 LE) when present, the text
//! length (u16 LE) and bytes when present. Texts are at most 250 characters, so a u16 holds
//! their length.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::fs::File;
use std::io::{self, BufReader, BufWriter, Read, Seek, Write};

use crate::store::imports::ImportRow;

/// Rows per run.
pub const RUN_ROWS: usize = 100_000;
/// Encoded bytes per run: a run of long names is written out sooner (about 3 MB for 100,000 of
/// TMDb's rows).
const RUN_BYTES: usize = 8 * 1024 * 1024;
/// Read buffer per run during the merge.
const MERGE_BUFFER_BYTES: usize = 64 * 1024;

const HAS_TEXT: u8 = 1;
const HAS_POPULARITY: u8 = 1 << 1;
const HAS_ADULT: u8 = 1 << 2;
const ADULT: u8 = 1 << 3;
const HAS_VIDEO: u8 = 1 << 4;
const VIDEO: u8 = 1 << 5;

/// Where a row of the current run lies in its bytes.
#[derive(Debug, Clone, Copy)]
struct Slot {
    id: i32,
    start: u32,
    len: u32,
}

/// Gathers rows in any order; [`IdSorter::finish`] gives them back by id. A run is kept encoded
/// (one buffer, no allocation per row) and sorted through an index of (id, place) slots.
pub struct IdSorter {
    run_rows: usize,
    bytes: Vec<u8>,
    slots: Vec<Slot>,
    spilled: Vec<File>,
    spilled_bytes: u64,
}

impl IdSorter {
    pub fn new(run_rows: usize) -> Self {
        IdSorter {
            run_rows: run_rows.max(1),
            bytes: Vec::new(),
            slots: Vec::new(),
            spilled: Vec::new(),
            spilled_bytes: 0,
        }
    }

    /// Runs written to disk so far.
    pub fn spilled_runs(&self) -> usize {
        self.spilled.len()
    }

    pub fn push(&mut self, row: &ImportRow) -> io::Result<()> {
        let start = self.bytes.len();
        write_row(&mut self.bytes, row)?;
        self.slots.push(Slot {
            id: row.id,
            start: u32::try_from(start).map_err(|_| too_large())?,
            len: u32::try_from(self.bytes.len() - start).map_err(|_| too_large())?,
        });
        if self.slots.len() >= self.run_rows || self.bytes.len() >= RUN_BYTES {
            self.spill()?;
        }
        Ok(())
    }

    fn spill(&mut self) -> io::Result<()> {
        self.slots
            .sort_unstable_by_key(|slot| (slot.id, slot.start));
        let mut out = BufWriter::with_capacity(MERGE_BUFFER_BYTES, tempfile::tempfile()?);
        for slot in &self.slots {
            let start = slot.start as usize;
            out.write_all(&self.bytes[start..start + slot.len as usize])?;
        }
        self.spilled_bytes += self.bytes.len() as u64;
        self.slots.clear();
        self.bytes.clear();
        let mut file = out.into_inner().map_err(io::IntoInnerError::into_error)?;
        file.rewind()?;
        self.spilled.push(file);
        Ok(())
    }

    /// Every row pushed, smallest id first (equal ids side by side), and what went to disk.
    pub fn finish(mut self) -> io::Result<(SortedRows, Spilled)> {
        if self.spilled.is_empty() {
            self.slots
                .sort_unstable_by_key(|slot| (slot.id, slot.start));
            let nothing = Spilled { runs: 0, bytes: 0 };
            let rows = SortedRows(Source::InMemory {
                bytes: self.bytes,
                slots: self.slots.into_iter(),
            });
            return Ok((rows, nothing));
        }
        if !self.slots.is_empty() {
            self.spill()?;
        }
        let spilled = Spilled {
            runs: self.spilled.len(),
            bytes: self.spilled_bytes,
        };
        let mut runs = Vec::with_capacity(self.spilled.len());
        let mut heads = BinaryHeap::with_capacity(self.spilled.len());
        for (index, file) in self.spilled.into_iter().enumerate() {
            let mut reader = BufReader::with_capacity(MERGE_BUFFER_BYTES, file);
            if let Some(row) = read_row(&mut reader)? {
                heads.push(Reverse(Head { row, run: index }));
            }
            runs.push(reader);
        }
        Ok((SortedRows(Source::Merged { runs, heads }), spilled))
    }
}

fn too_large() -> io::Error {
    io::Error::new(io::ErrorKind::InvalidInput, "a sort run over 4 GiB")
}

/// Sorted runs written to temporary files, and their bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Spilled {
    pub runs: usize,
    pub bytes: u64,
}

/// The rows of an [`IdSorter`], by id.
pub struct SortedRows(Source);

enum Source {
    InMemory {
        bytes: Vec<u8>,
        slots: std::vec::IntoIter<Slot>,
    },
    Merged {
        runs: Vec<BufReader<File>>,
        /// The smallest unread row of each run not yet exhausted.
        heads: BinaryHeap<Reverse<Head>>,
    },
}

/// A run's next row, ordered by id (then run, so the order is total).
struct Head {
    row: ImportRow,
    run: usize,
}

impl PartialEq for Head {
    fn eq(&self, other: &Self) -> bool {
        (self.row.id, self.run) == (other.row.id, other.run)
    }
}

impl Eq for Head {}

impl PartialOrd for Head {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Head {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        (self.row.id, self.run).cmp(&(other.row.id, other.run))
    }
}

impl Iterator for SortedRows {
    type Item = io::Result<ImportRow>;

    fn next(&mut self) -> Option<Self::Item> {
        match &mut self.0 {
            Source::InMemory { bytes, slots } => {
                let slot = slots.next()?;
                let mut record = &bytes[slot.start as usize..];
                Some(read_row(&mut record).and_then(|row| {
                    row.ok_or_else(|| io::Error::from(io::ErrorKind::UnexpectedEof))
                }))
            }
            Source::Merged { runs, heads } => {
                let Reverse(Head { row, run }) = heads.pop()?;
                match read_row(&mut runs[run]) {
                    Ok(Some(next)) => heads.push(Reverse(Head { row: next, run })),
                    Ok(None) => {}
                    Err(e) => return Some(Err(e)),
                }
                Some(Ok(row))
            }
        }
    }
}

fn write_row(out: &mut Vec<u8>, row: &ImportRow) -> io::Result<()> {
    let mut flags = 0u8;
    if row.text.is_some() {
        flags |= HAS_TEXT;
    }
    if row.popularity.is_some() {
        flags |= HAS_POPULARITY;
    }
    if let Some(adult) = row.adult {
        flags |= HAS_ADULT | if adult { ADULT } else { 0 };
    }
    if let Some(video) = row.video {
        flags |= HAS_VIDEO | if video { VIDEO } else { 0 };
    }
    out.extend_from_slice(&row.id.to_le_bytes());
    out.push(flags);
    if let Some(popularity) = row.popularity {
        out.extend_from_slice(&popularity.to_le_bytes());
    }
    if let Some(text) = &row.text {
        let len = u16::try_from(text.len()).map_err(|_| {
            io::Error::new(io::ErrorKind::InvalidInput, "import text over 65535 bytes")
        })?;
        out.extend_from_slice(&len.to_le_bytes());
        out.extend_from_slice(text.as_bytes());
    }
    Ok(())
}

/// The next row, or `None` at the end of the run.
fn read_row<R: Read>(input: &mut R) -> io::Result<Option<ImportRow>> {
    let mut id = [0u8; 4];
    match input.read_exact(&mut id) {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => return Ok(None),
        Err(e) => return Err(e),
    }
    let mut flags = [0u8; 1];
    input.read_exact(&mut flags)?;
    let flags = flags[0];
    let popularity = if flags & HAS_POPULARITY != 0 {
        let mut bytes = [0u8; 8];
        input.read_exact(&mut bytes)?;
        Some(f64::from_le_bytes(bytes))
    } else {
        None
    };
    let text = if flags & HAS_TEXT != 0 {
        let mut len = [0u8; 2];
        input.read_exact(&mut len)?;
        let mut bytes = vec![0u8; usize::from(u16::from_le_bytes(len))];
        input.read_exact(&mut bytes)?;
        Some(String::from_utf8(bytes).map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))?)
    } else {
        None
    };
    Ok(Some(ImportRow {
        id: i32::from_le_bytes(id),
        text,
        popularity,
        adult: (flags & HAS_ADULT != 0).then_some(flags & ADULT != 0),
        video: (flags & HAS_VIDEO != 0).then_some(flags & VIDEO != 0),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(id: i32) -> ImportRow {
        ImportRow {
            id,
            text: (id % 3 != 0).then(|| format!("name é {id}")),
            popularity: (id % 2 == 0).then_some(f64::from(id) / 7.0),
            adult: (id % 5 != 0).then_some(id % 4 == 0),
            video: (id % 7 != 0).then_some(id % 3 == 1),
        }
    }

    /// A permutation of 0..n that is far from sorted (n and the step coprime).
    fn shuffled(n: i32) -> Vec<i32> {
        (0..n).map(|i| (i * 7_919 + 13) % n).collect()
    }

    fn sorted(ids: &[i32], run_rows: usize) -> (Vec<ImportRow>, usize) {
        let mut sorter = IdSorter::new(run_rows);
        for &id in ids {
            sorter.push(&row(id)).expect("push");
        }
        let (rows, spilled) = sorter.finish().expect("finish");
        let rows = rows.collect::<io::Result<Vec<_>>>().expect("read back");
        // At least an id and a flags byte per row on disk, or nothing.
        let on_disk = if spilled.runs == 0 { 0 } else { ids.len() };
        assert!(spilled.bytes >= 5 * on_disk as u64 && (spilled.bytes == 0) == (on_disk == 0));
        (rows, spilled.runs)
    }

    #[test]
    fn rows_come_back_by_id_with_every_field_whether_spilled_or_not() {
        let ids = shuffled(10_007);
        let expected: Vec<ImportRow> = (0..10_007).map(row).collect();
        // (rows per run, runs on disk): a run is written when it fills, the last one at the end
        // when something was written before.
        for (run_rows, runs) in [(1_000, 11), (999, 11), (10_007, 1), (50_000, 0)] {
            let (rows, spilled) = sorted(&ids, run_rows);
            assert_eq!(spilled, runs, "runs of {run_rows}");
            assert!(rows == expected, "runs of {run_rows}: rows differ");
        }
    }

    #[test]
    fn equal_ids_come_out_side_by_side() {
        let mut ids = shuffled(500);
        ids.extend([42, 499, 0]);
        let (rows, spilled) = sorted(&ids, 64);
        assert!(spilled > 1);
        let ids: Vec<i32> = rows.iter().map(|r| r.id).collect();
        let mut expected: Vec<i32> = (0..500).collect();
        expected.extend([0, 42, 499]);
        expected.sort_unstable();
        assert_eq!(ids, expected);
    }

    #[test]
    fn nothing_pushed_gives_nothing() {
        let (rows, spilled) = sorted(&[], 10);
        assert_eq!((rows.len(), spilled), (0, 0));
    }

    #[test]
    fn extreme_values_survive_the_disk() {
        let extremes = [
            ImportRow {
                id: i32::MAX,
                text: Some("🎬".repeat(250)),
                popularity: Some(f64::MIN_POSITIVE),
                adult: Some(true),
                video: Some(false),
            },
            ImportRow {
                id: i32::MIN,
                text: Some(String::new()),
                popularity: Some(-0.0),
                adult: None,
                video: None,
            },
        ];
        let mut sorter = IdSorter::new(1);
        for row in &extremes {
            sorter.push(row).expect("push");
        }
        let rows: Vec<ImportRow> = sorter
            .finish()
            .expect("finish")
            .0
            .collect::<io::Result<_>>()
            .expect("read back");
        assert_eq!(rows, vec![extremes[1].clone(), extremes[0].clone()]);
    }
}
