//! A dict load on two threads. The walk of the Python label dict left its frames and answers dicts for later
//! (see [`super::walk`]); here both threads walk them, in chunks, with the plain walk of [`super::plain`] (which
//! needs no GIL of its own while the calling thread keeps it and runs no Python code), and a second thread
//! parses the walked values into the row. The calling thread only walks; the parsing thread, whenever the chunk
//! it needs next is being walked elsewhere, walks a later one meanwhile. Walking and parsing cost about the
//! same, so on a machine with two free cores the load takes a little over half the time of one thread's.
//!
//! The parse meets those values in a known order (the source's `parse_order`: frames in the order the walk
//! left them, then `object_answers`, `object_actions`, `classification_answers`), so chunks are claimed in that
//! order, and the parse takes the trees of a chunk as it reaches them (skipping values it never reads, such as
//! an image's frame-level `classifications`). Only rows whose parse reads each value once, in that order, go
//! this way: rows with spaces and scenes read unit labels again later and stay on the one-thread path, as does
//! any load this path cannot finish exactly as that one would (see [`Pipelined`]): a value the plain walk does
//! not read, or one the parse asks for out of order.

use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};

use parking_lot::{Condvar, Mutex};

use pyo3::prelude::*;

use crate::error::LabelError;
use crate::row::{DataType, MediaInfo, RowStore};
use crate::spaces::SpaceDef;
use crate::tree::{Buffers, Deferred, SharedSource, Tree, Val};

/// Frames are walked in chunks of this many: one hand-over per frame (a wake-up of the other thread each
/// time) cost as much as a small frame's parse.
const CHUNK: usize = 16;

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
        && source.shared().is_some()
        && crate::parallel::allowed(&crate::parallel::LOADS)
        && reads_deferred_in_order(tree.root(), spaces)
}

/// The trees of a chunk's values, in order (`None`: a value the plain walk does not read).
type Walked = Vec<Option<Tree<'static>>>;

/// What the two threads share: the values in parse order, cut into chunks, and the chunks walked so far.
struct Board<'s> {
    source: &'s dyn SharedSource,
    /// The source's value indices in parse order (by position).
    order: Vec<u32>,
    /// Chunk `c` holds the positions `bounds[c]..bounds[c + 1]`.
    bounds: Vec<usize>,
    /// The chunk of each position.
    chunk_of: Vec<u32>,
    /// The first chunk no thread has claimed.
    next: AtomicUsize,
    /// Chunks walked and not yet taken by the parse.
    walked: Mutex<Vec<Option<Walked>>>,
    ready: Condvar,
    /// Trees the parse is done with, for the walks to reuse.
    spent: Mutex<Vec<Tree<'static>>>,
    /// The parse is over: nothing more needs walking.
    parse_over: AtomicBool,
    /// The calling thread walks no more (every chunk it claimed is in `walked`, unless it is unwinding).
    walker_gone: AtomicBool,
}

/// Where the answers dicts (the last three values at most) may start in the parse order; the values before are
/// frames.
fn answers_from(order: &[u32]) -> usize {
    order.len().saturating_sub(3)
}

impl<'s> Board<'s> {
    fn new(source: &'s dyn SharedSource, order: Vec<u32>) -> Self {
        // Frames go in chunks; the answers dicts one by one, as each is large.
        let frames = answers_from(&order);
        let mut bounds: Vec<usize> = (0..frames).step_by(CHUNK).collect();
        bounds.extend(frames..=order.len());
        let mut chunk_of = vec![0u32; order.len()];
        for (c, w) in (0u32..).zip(bounds.windows(2)) {
            chunk_of[w[0]..w[1]].fill(c);
        }
        let chunks = bounds.len() - 1;
        Self {
            source,
            order,
            bounds,
            chunk_of,
            next: AtomicUsize::new(0),
            walked: Mutex::new((0..chunks).map(|_| None).collect()),
            ready: Condvar::new(),
            spent: Mutex::new(Vec::new()),
            parse_over: AtomicBool::new(false),
            walker_gone: AtomicBool::new(false),
        }
    }

    fn chunks(&self) -> usize {
        self.bounds.len() - 1
    }

    /// Claims chunk `c` unless a thread has; the unclaimed chunks before it (which the parse has passed) are
    /// then never walked.
    fn claim(&self, c: usize) -> bool {
        let mut n = self.next.load(Ordering::Acquire);
        while n <= c {
            match self
                .next
                .compare_exchange_weak(n, c + 1, Ordering::AcqRel, Ordering::Acquire)
            {
                Ok(_) => return true,
                Err(now) => n = now,
            }
        }
        false
    }

    /// Claims the first chunk nobody has claimed, if one is left.
    fn claim_next(&self) -> Option<usize> {
        let c = self.next.fetch_add(1, Ordering::AcqRel);
        (c < self.chunks()).then_some(c)
    }

    /// Walks chunk `c`, which this thread claimed.
    ///
    /// # Safety
    /// As [`SharedSource::build_shared`]: the calling thread of the load holds the GIL and runs no Python code.
    unsafe fn walk(&self, c: usize, local: &mut Buffers) -> Walked {
        let range = self.bounds[c]..self.bounds[c + 1];
        let mut reuse = {
            let mut spent = self.spent.lock();
            let keep = spent.len().saturating_sub(range.len());
            spent.split_off(keep)
        };
        range
            .map(|pos| {
                if let Some(tree) = reuse.pop() {
                    local.recycle(tree);
                }
                // SAFETY: the caller's contract.
                unsafe { self.source.build_shared(self.order[pos], local) }
            })
            .collect()
    }

    fn publish(&self, c: usize, trees: Walked) {
        self.walked.lock()[c] = Some(trees);
        self.ready.notify_all();
    }
}

/// Marks the calling thread's walking over, also when it unwinds, so that the parse never waits for a chunk
/// nobody will walk.
struct WalkerGone<'b, 's>(&'b Board<'s>);

impl Drop for WalkerGone<'_, '_> {
    fn drop(&mut self) {
        let _walked = self.0.walked.lock();
        self.0.walker_gone.store(true, Ordering::Release);
        self.0.ready.notify_all();
    }
}

/// The parser's end of the board.
struct Incoming<'b, 's> {
    board: &'b Board<'s>,
    /// Where each value comes in the parse order (by index).
    position: Vec<u32>,
    /// The source's size hints of the answers dicts, asked on the calling thread (by index).
    hints: Vec<(u32, usize)>,
    /// The chunk the parse reads from, and the trees it has not taken yet.
    held: Option<(usize, Walked)>,
    /// This thread's builder buffers, for the chunks it walks itself.
    local: Buffers,
    /// The parse asked for something the walk cannot give in order (see [`Pipelined`]).
    broken: bool,
}

impl Incoming<'_, '_> {
    /// The tree of value `index`; `None` if this path cannot give it (see [`Pipelined`]).
    fn take(&mut self, index: u32) -> Option<Tree<'static>> {
        let pos = *self.position.get(index as usize)? as usize;
        let c = self.board.chunk_of[pos] as usize;
        match self.held.as_ref().map(|(h, _)| *h) {
            Some(h) if h == c => {}
            Some(h) if h > c => return None,
            _ => {
                self.release_held();
                let trees = self.fetch(c)?;
                self.held = Some((c, trees));
            }
        }
        let (_, trees) = self.held.as_mut()?;
        trees.get_mut(pos - self.board.bounds[c])?.take()
    }

    /// Hands the trees of the held chunk the parse skipped to the walks for reuse.
    fn release_held(&mut self) {
        if let Some((_, trees)) = self.held.take() {
            self.board.spent.lock().extend(trees.into_iter().flatten());
        }
    }

    /// Chunk `c`: walked here if nobody has claimed it; otherwise taken once the calling thread has walked it,
    /// and while it has not, this thread walks a later chunk.
    fn fetch(&mut self, c: usize) -> Option<Walked> {
        let board = self.board;
        loop {
            if let Some(trees) = board.walked.lock()[c].take() {
                return Some(trees);
            }
            if board.claim(c) {
                // SAFETY: `parse_pipelined`'s calling thread holds the GIL and only walks until this thread ends.
                return Some(unsafe { board.walk(c, &mut self.local) });
            }
            if let Some(later) = board.claim_next() {
                // SAFETY: as above.
                let trees = unsafe { board.walk(later, &mut self.local) };
                board.publish(later, trees);
                continue;
            }
            let mut walked = board.walked.lock();
            loop {
                if let Some(trees) = walked[c].take() {
                    return Some(trees);
                }
                if board.walker_gone.load(Ordering::Acquire) {
                    return None;
                }
                board.ready.wait(&mut walked);
            }
        }
    }
}

impl Deferred for Incoming<'_, '_> {
    fn build(&mut self, index: u32) -> Result<Tree<'static>, LabelError> {
        self.take(index).ok_or_else(|| {
            // A value the plain walk does not read, or the parse went back to a value it passed: no answer here
            // is the exact one.
            self.broken = true;
            LabelError::value(format!("value {index} is not available in order"))
        })
    }

    fn recycle(&mut self, tree: Tree<'static>) {
        self.board.spent.lock().push(tree);
    }

    fn count(&self) -> u32 {
        0
    }

    fn len_hint(&self, index: u32) -> usize {
        self.hints.iter().find(|(i, _)| *i == index).map_or(0, |(_, n)| *n)
    }
}

/// Parses `tree` on a second thread while both threads walk the deferred values of `source` (see the module
/// notes). The date strings the core cannot read are only noted, as in `parse_row`'s first attempt. The caller
/// holds the GIL (`_py`) for the whole call.
pub(super) fn parse_pipelined(
    _py: Python<'_>,
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
    // The parse sizes its object table from `object_answers`.
    let hints: Vec<(u32, usize)> = order[answers_from(&order)..]
        .iter()
        .map(|&i| (i, source.len_hint(i)))
        .collect();
    let shared = source.shared()?;
    let board = Board::new(shared, order);
    let outcome = std::thread::scope(|scope| {
        let board = &board;
        let parser = scope.spawn(move || {
            let mut incoming = Incoming {
                board,
                position,
                hints,
                held: None,
                local: Buffers::default(),
                broken: false,
            };
            let parsed = super::row::parse_noting_dates(tree, onto, media, spaces, now, Some(&mut incoming));
            board.parse_over.store(true, Ordering::Release);
            (!incoming.broken).then_some(parsed)
        });
        {
            let _gone = WalkerGone(board);
            let mut local = Buffers::default();
            while !board.parse_over.load(Ordering::Acquire) {
                let Some(c) = board.claim_next() else { break };
                // SAFETY: this thread holds the GIL (`_py`) and runs no Python code until the parsing thread is
                // joined: it only walks, and the parsing thread only parses and walks.
                let trees = unsafe { board.walk(c, &mut local) };
                board.publish(c, trees);
            }
        }
        match parser.join() {
            Ok(out) => out,
            Err(panic) => std::panic::resume_unwind(panic),
        }
    });
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
