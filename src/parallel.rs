//! When work is split across two threads: a dict load (walk and parse, see `python::pipeline`) and the JSON
//! export of a large multi-frame row. Each has a process-wide switch, on by default; off suits a process that
//! already keeps every core busy with work of its own.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::OnceLock;

/// Two-thread dict loads.
pub static LOADS: AtomicBool = AtomicBool::new(true);
/// Two-thread JSON export.
pub static EXPORT: AtomicBool = AtomicBool::new(true);

/// Sets a switch; the previous setting.
pub fn set(switch: &AtomicBool, enabled: bool) -> bool {
    switch.swap(enabled, Ordering::Relaxed)
}

/// Whether work under `switch` may take a second thread: the switch is on and the process may run on at least
/// two cores (asked once: the answer reads cgroup files on Linux).
pub fn allowed(switch: &AtomicBool) -> bool {
    static TWO: OnceLock<bool> = OnceLock::new();
    switch.load(Ordering::Relaxed)
        && *TWO.get_or_init(|| std::thread::available_parallelism().is_ok_and(|n| n.get() >= 2))
}
