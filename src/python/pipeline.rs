//! A dict load on two threads: the calling thread walks the values the walk of the Python label dict left for
//! later (frames, then the answers dicts; walking needs the GIL) while a second thread parses the ones already
//! walked into the row (which does not). Walking and parsing cost about the same, so on a machine with two free
//! cores the load takes about half the time.
//!
//! The parse meets those values in a known order (the source's `parse_order`: frames in the order the walk
//! left them, then `object_answers`, `object_actions`, `classification_answers`), so the walk can run ahead of
//! it: it builds each value's tree in that order and sends it over a bounded channel; the parser asks for value
//! `i` and takes trees off the channel until it has it (skipping values it never reads, such as an image's
//! frame-level `classifications`). Only rows whose parse reads each value once, in that order, go this way:
//! rows with spaces and scenes read unit labels again later and stay on the one-thread path, as does any load
//! this path cannot finish exactly as that one would (see [`Pipelined`]).

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{channel, sync_channel, Receiver, Sender};

use pyo3::prelude::*;

use crate::error::LabelError;
use crate::row::{DataType, MediaInfo, RowStore};
use crate::spaces::SpaceDef;
use crate::tree::{Deferred, Tree, Val};

/// Frames travel to the parser in batches of this many: one hand-over per frame (a wake-up of the other thread
/// each time) cost as much as a small frame's parse.
const BATCH: usize = 16;

/// Batches walked ahead of the parser at most: enough to ride out a slow frame, few enough that the trees in
/// flight stay in cache.
const DEPTH: usize = 4;

type Built = (u32, Result<Tree<'static>, LabelError>);

/// Loads with fewer frames than this are not worth a thread.
const MIN_FRAMES: u32 = 8;

/// Turns two-thread dict loads on or off for the process (on by default); returns the previous setting. Off
/// suits a process that already keeps every core busy with loads of its own.
#[pyfunction]
pub fn set_pipelined_loads(enabled: bool) -> bool {
    crate::parallel::set(&crate::parallel::LOADS, enabled)
}

/// Turns the two-thread JSON export of large multi-frame rows on or off for the process (on by default);
/// returns the previous setting.
#[pyfunction]
pub fn set_parallel_export(enabled: bool) -> bool {
    crate::parallel::set(&crate::parallel::EXPORT, enabled)
}

/// A two-thread load's answer: the parse's result, and whether a date string needed the Python fallback (as in
/// `parse_row`). Where the parse failed on a frame whose walk raised, the source still holds that exception: it
/// is the answer. `None`: the parse asked for a frame the walk had passed or could not build, and only the
/// one-thread path gives the exact answer.
pub(super) type Pipelined = Option<(Result<RowStore, LabelError>, bool)>;

/// Whether the parse of `root` reads each deferred value at most once, in the source's parse order.
fn reads_deferred_in_order(root: Val<'_>, spaces: &[std::sync::Arc<SpaceDef>]) -> bool {
    let data_type = root.get("data_type").and_then(Val::as_str).and_then(DataType::parse);
    let plain = matches!(
        data_type,
        Some(
            DataType::Video
                | DataType::Image
                | DataType::ImgGroup
                | DataType::Pdf
                | DataType::Dicom
                | DataType::DicomStudy
                | DataType::Nifti
        )
    );
    let no_spaces = root
        .get("spaces")
        .is_none_or(|s| s.is_null() || s.as_map().is_some_and(|m| m.keys().next().is_none()));
    plain && no_spaces && spaces.is_empty()
}

/// Whether this load should run on two threads.
pub(super) fn worth_it(tree: &Tree<'_>, source: &dyn Deferred, spaces: &[std::sync::Arc<SpaceDef>]) -> bool {
    source.count() >= MIN_FRAMES
        && crate::parallel::allowed(&crate::parallel::LOADS)
        && reads_deferred_in_order(tree.root(), spaces)
}

/// The parser's end of the channel.
struct Incoming {
    /// Where each deferred value comes in the walk's order (by index).
    position: Vec<u32>,
    /// The source's size hints of the answers dicts, asked on the walking thread (by index).
    hints: Vec<(u32, usize)>,
    frames: Receiver<Vec<Built>>,
    /// The rest of the batch last received, in walk order.
    batch: std::vec::IntoIter<Built>,
    spent: Sender<Tree<'static>>,
    /// The parse asked for something the walk cannot give in order (see [`Pipelined`]).
    broken: bool,
    /// The parse was handed the failed walk of the frame it asked for.
    took_walk_error: bool,
}

impl Deferred for Incoming {
    fn build(&mut self, index: u32) -> Result<Tree<'static>, LabelError> {
        loop {
            let next = match self.batch.next() {
                Some(built) => Some(built),
                None => self.frames.recv().ok().and_then(|batch| {
                    self.batch = batch.into_iter();
                    self.batch.next()
                }),
            };
            match next {
                Some((i, built)) if i == index => {
                    self.took_walk_error = built.is_err();
                    return built;
                }
                Some((i, Ok(tree))) if self.position.get(i as usize) < self.position.get(index as usize) => {
                    self.recycle(tree);
                }
                _ => {
                    // A frame the parse skipped failed to walk (the one-thread path never walks it), the parse
                    // went back to a frame it passed, or the walk stopped: no answer here is the exact one.
                    self.broken = true;
                    return Err(LabelError::value(format!("value {index} is not available in order")));
                }
            }
        }
    }

    fn recycle(&mut self, tree: Tree<'static>) {
        // The walk may be done already; the buffers are then simply freed.
        let _ = self.spent.send(tree);
    }

    fn count(&self) -> u32 {
        0
    }

    fn len_hint(&self, index: u32) -> usize {
        self.hints.iter().find(|(i, _)| *i == index).map_or(0, |(_, n)| *n)
    }
}

/// Parses `tree` on a second thread while this one walks the deferred values of `source` (see the module notes). The
/// date strings the core cannot read are only noted, as in `parse_row`'s first attempt.
pub(super) fn parse_pipelined(
    tree: &Tree<'_>,
    source: &mut dyn Deferred,
    onto: &std::sync::Arc<crate::ontology::Ontology>,
    media: &MediaInfo,
    spaces: &[std::sync::Arc<SpaceDef>],
    now: i64,
) -> Pipelined {
    let order = source.parse_order();
    let mut position = vec![0u32; order.len()];
    for (pos, &i) in (0u32..).zip(&order) {
        position[i as usize] = pos;
    }
    // The answers dicts come last in the walk's order; the parse sizes its object table from `object_answers`.
    let frames_first = order.len().saturating_sub(3);
    let hints: Vec<(u32, usize)> = order[frames_first..].iter().map(|&i| (i, source.len_hint(i))).collect();
    let (to_parser, frames) = sync_channel(DEPTH);
    let (spent, from_parser) = channel();
    let (outcome, took_walk_error) = std::thread::scope(|scope| {
        let parser = scope.spawn(move || {
            let mut incoming = Incoming {
                position,
                hints,
                frames,
                batch: Vec::new().into_iter(),
                spent,
                broken: false,
                took_walk_error: false,
            };
            let parsed = super::row::parse_noting_dates(tree, onto, media, spaces, now, Some(&mut incoming));
            let outcome = (!incoming.broken).then_some(parsed);
            (outcome, incoming.took_walk_error)
        });
        let mut batch = Vec::with_capacity(BATCH);
        for (pos, &i) in order.iter().enumerate() {
            while let Ok(spent) = from_parser.try_recv() {
                source.recycle(spent);
            }
            let built = source.build(i);
            let failed = built.is_err();
            batch.push((i, built));
            if batch.len() == BATCH || failed || pos + 1 == order.len() {
                let full = std::mem::replace(&mut batch, Vec::with_capacity(BATCH));
                // A closed channel: the parse is over (done or failed) and wants no more frames.
                if to_parser.send(full).is_err() {
                    break;
                }
            }
            if failed {
                break;
            }
        }
        drop(to_parser);
        match parser.join() {
            Ok(out) => out,
            Err(panic) => std::panic::resume_unwind(panic),
        }
    });
    if !took_walk_error {
        // A frame walked ahead failed, but the parse never took it (it failed before, or skips that value): the
        // one-thread path would not have walked it, so its exception is not the answer.
        source.forget_error();
    }
    let counter = if outcome.is_some() { &FINISHED } else { &GAVE_UP };
    counter.fetch_add(1, Ordering::Relaxed);
    outcome
}

/// Two-thread loads finished, and given up (redone on one thread), in this process.
static FINISHED: AtomicU64 = AtomicU64::new(0);
static GAVE_UP: AtomicU64 = AtomicU64::new(0);

/// How many two-thread dict loads this process finished, and how many it gave up and redid on one thread (a
/// load the two-thread path cannot answer exactly; on well-formed rows, none).
#[pyfunction]
pub fn pipelined_load_counts() -> (u64, u64) {
    (FINISHED.load(Ordering::Relaxed), GAVE_UP.load(Ordering::Relaxed))
}
