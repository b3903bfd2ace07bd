//! A batch on several cores. The calling thread reads the input and splits it into
//! chunks of rows (a few hundred each, with their line numbers); `jobs` worker threads
//! each take the next chunk, parse and evaluate its rows into their own reused buffers
//! and write the chunk's results into its output buffer; the calling thread writes the
//! chunks' results in input order.
//!
//! Memory stays flat: a fixed number of chunks ([`CHUNKS_PER_JOB`] per worker, plus
//! two) goes round — read, evaluated, written, read into again — so the input is read
//! at most that many chunks ahead of the results written, and a chunk's buffers are
//! reused for the whole run. Finished chunks wait for the ones before them among those
//! same chunks.
//!
//! Everything a row's result depends on is the row itself, so the results are the ones
//! a run of one row at a time writes, byte for byte; the summary is the workers'
//! counts added up, and its first ten error lines are taken in input order. When the
//! input cannot be read, every row read before that point is still evaluated and
//! written, then the run stops with the error, as one row at a time would; when the
//! results cannot be written, the workers stop at their next chunk.
//!
//! std's threads and bounded channels do the work (docs/dependencies.md): the queue of
//! chunks to evaluate is shared by the workers behind a mutex taken once per chunk.

use std::collections::BTreeMap;
use std::io::{BufRead, Write};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};

use super::read::Chunk;
use super::write::{self, Sink};
use super::{Options, Parser, Reader, RowBuffers, Stop, Summary};
use crate::eval::Engine;

/// Chunks in circulation per worker (besides two more): enough that a worker finds the
/// next chunk ready while the calling thread writes one and reads another.
const CHUNKS_PER_JOB: usize = 2;

/// Rows per chunk: a chunk is about a millisecond of work. Handing chunks between threads
/// costs system time (futex waits and wake-ups): on a million rows, 256-row chunks took
/// 0.47 s of it, 512-row chunks 0.36 s and 1,024-row chunks 0.30 s, at 16, 19 and 24 MiB
/// of peak memory (docs/benchmarks.md).
const CHUNK_ROWS: usize = 512;

/// A chunk is closed when its rows reach this many bytes (so that a few very long rows
/// do not make one chunk hold megabytes); one row of up to `MAX_ROW_BYTES` may go past.
const CHUNK_BYTES: usize = 512 << 10;

/// A chunk on its way: its place in the input, its rows, and once evaluated its
/// results and the lines of its bad rows.
struct Work {
    seq: u64,
    rows: Chunk,
    /// The chunk's results, in the output format.
    out: Vec<u8>,
    /// The first ten line numbers of rows that could not be evaluated.
    error_lines: Vec<u64>,
}

/// [`super::run`] on `options.jobs` worker threads (at least 2).
pub(super) fn run(
    engine: &Engine<'_>,
    options: &Options<'_>,
    input: &mut dyn BufRead,
    out: &mut dyn Write,
) -> Result<Summary, Stop> {
    let mut reader = Reader::new(input, options.input_format)?;
    let parser = Parser::new(engine, &reader)?;
    write::header(out, options.output_format)?;
    let jobs = options.jobs.max(1);
    let chunks = CHUNKS_PER_JOB * jobs + 2;
    let stop = AtomicBool::new(false);
    let (todo_tx, todo_rx) = sync_channel::<Work>(chunks);
    let todo_rx = Mutex::new(todo_rx);
    // `None` says that a worker panicked (its chunk will never come).
    let (done_tx, done_rx) = sync_channel::<Option<Work>>(chunks + jobs);

    std::thread::scope(|scope| {
        let workers: Vec<_> = (0..jobs)
            .map(|_| {
                let done_tx = done_tx.clone();
                // Each worker reads with its own parser: a parser keeps the row being
                // read's state (which facts it has given) in cells of its own.
                let parser = parser.clone();
                let (todo_rx, stop) = (&todo_rx, &stop);
                scope.spawn(move || worker(engine, &parser, options, todo_rx, &done_tx, stop))
            })
            .collect();
        drop(done_tx);

        let written = pump(&mut reader, out, chunks, &todo_tx, &done_rx);
        if written.is_err() {
            stop.store(true, Ordering::Relaxed);
        }
        // The workers end when the queue is empty and closed; results still on their
        // way after a failure are dropped.
        drop(todo_tx);
        drop(done_rx);
        let mut summary = Summary::default();
        for w in workers {
            match w.join() {
                Ok(s) => summary.merge(s),
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
        let error_lines = written?;
        summary.error_lines = error_lines;
        out.flush().map_err(Stop::write)?;
        Ok(summary)
    })
}

/// The calling thread's part: reads chunks while there are free ones, hands them to the
/// workers, and writes finished chunks in input order. Returns the first ten error
/// lines, in input order; an `Err` when the input cannot be read (after every row read
/// before it is written) or the results cannot be written (at once).
fn pump(
    reader: &mut Reader<'_>,
    out: &mut dyn Write,
    chunks: usize,
    todo: &SyncSender<Work>,
    done: &Receiver<Option<Work>>,
) -> Result<Vec<u64>, Stop> {
    let mut free: Vec<Work> = Vec::with_capacity(chunks);
    let mut made = 0;
    // Finished chunks that wait for an earlier one, by their place in the input.
    let mut waiting: BTreeMap<u64, Work> = BTreeMap::new();
    let (mut read, mut written) = (0u64, 0u64);
    let mut more = true;
    let mut failed: Option<Stop> = None;
    let mut error_lines = Vec::new();
    loop {
        // Write what is finished, in order.
        while let Some(w) = waiting.remove(&written) {
            out.write_all(&w.out).map_err(Stop::write)?;
            let room = 10usize.saturating_sub(error_lines.len());
            error_lines.extend(w.error_lines.iter().take(room));
            written += 1;
            free.push(w);
        }
        // Ctrl-C or SIGTERM: stop between chunks, so that the results file being written
        // (case data) is removed rather than left behind half-written.
        if crate::interrupt::requested() {
            return Err(Stop::Failed(crate::interrupt::INTERRUPTED.to_string()));
        }
        // Read the next chunk while one is free.
        if more {
            let next = free.pop().or_else(|| {
                (made < chunks).then(|| {
                    made += 1;
                    Work {
                        seq: 0,
                        rows: Chunk::default(),
                        out: Vec::new(),
                        error_lines: Vec::new(),
                    }
                })
            });
            if let Some(mut w) = next {
                match reader.fill(&mut w.rows, CHUNK_ROWS, CHUNK_BYTES) {
                    Ok(m) => more = m,
                    Err(e) => {
                        more = false;
                        failed = Some(e);
                    }
                }
                if w.rows.len() == 0 {
                    free.push(w);
                } else {
                    w.seq = read;
                    read += 1;
                    // The workers hold the receiving end until this thread drops the
                    // sender, and at most `chunks` chunks exist: this never blocks.
                    todo.send(w).expect("the workers wait for chunks");
                }
                // Take finished chunks as they come, without waiting.
                while let Ok(w) = done.try_recv() {
                    let w = w.ok_or_else(panicked)?;
                    waiting.insert(w.seq, w);
                }
                continue;
            }
        }
        if written == read {
            return match failed {
                Some(e) => Err(e),
                None => Ok(error_lines),
            };
        }
        // Every chunk is out: wait for the next to finish.
        let w = done.recv().ok().flatten().ok_or_else(panicked)?;
        waiting.insert(w.seq, w);
    }
}

/// Why a run stopped when a worker panicked (the panic itself is raised again when
/// the workers are joined).
fn panicked() -> Stop {
    Stop::Failed("a worker thread failed".into())
}

/// Tells the calling thread, when a worker panics, that its chunk will never come.
struct Alarm<'a>(&'a SyncSender<Option<Work>>);

impl Drop for Alarm<'_> {
    fn drop(&mut self) {
        if std::thread::panicking() {
            let _ = self.0.send(None);
        }
    }
}

/// A worker: parses and evaluates chunk after chunk until the queue is closed, with
/// its own case, result buffers and counts. Returns its counts (without error lines:
/// those travel with each chunk, to be kept in input order).
fn worker(
    engine: &Engine<'_>,
    parser: &Parser<'_, '_>,
    options: &Options<'_>,
    todo: &Mutex<Receiver<Work>>,
    done: &SyncSender<Option<Work>>,
    stop: &AtomicBool,
) -> Summary {
    let _alarm = Alarm(done);
    let mut buffers = RowBuffers::new(engine);
    let mut summary = Summary::default();
    let mut sink = Sink::body(Vec::new(), options.output_format);
    loop {
        // The lock is held only while taking a chunk; a poisoned lock means another
        // worker panicked, which the scope reports.
        let next = match todo.lock() {
            Ok(rx) => rx.recv(),
            Err(_) => return summary,
        };
        let Ok(mut w) = next else {
            return summary;
        };
        if stop.load(Ordering::Relaxed) {
            continue;
        }
        std::mem::swap(&mut sink.out, &mut w.out);
        sink.out.clear();
        for row in w.rows.rows() {
            buffers
                .one(engine, parser, options, &row, &mut sink, &mut summary)
                .expect("results are written into memory");
        }
        std::mem::swap(&mut sink.out, &mut w.out);
        w.error_lines.clear();
        w.error_lines.append(&mut summary.error_lines);
        if done.send(Some(w)).is_err() {
            // The calling thread stopped: nothing more is wanted.
            return summary;
        }
    }
}
