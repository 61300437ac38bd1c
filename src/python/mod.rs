//! The PyO3 bindings: thin unpack-and-call wrappers over the core, plus the one error mapping.

use pyo3::prelude::*;

mod answers;
mod arrays;
mod bitmask;
mod bulk;
mod classifications;
mod convert;
mod coords;
mod coords_out;
mod dict_out;
mod errors;
mod events;
mod json_out;
mod medical;
mod objects;
mod ontology;
mod pipeline;
#[cfg(not(any(Py_GIL_DISABLED, Py_LIMITED_API, PyPy, GraalPy)))]
mod plain;
mod point_cloud;
mod row;
mod space_ranges;
mod spaces;
mod tree;
#[cfg(not(any(Py_GIL_DISABLED, Py_LIMITED_API, PyPy, GraalPy)))]
mod walk;

#[pymodule]
mod _core {
    use pyo3::prelude::*;

    #[pymodule_export]
    use super::bitmask::{rle_decode, rle_encode};
    #[pymodule_export]
    use super::classifications::PyClassificationCell;
    #[pymodule_export]
    use super::coords::register_coordinate_classes;
    #[pymodule_export]
    use super::events::{
        event_answers_within, event_based, event_delete, event_interpolated, event_intersects, event_list, event_marks,
        event_ranges, event_remove, event_resolve, event_upsert, mcap_add_space, mcap_spaces, mcap_trust,
    };
    #[pymodule_export]
    use super::objects::PyObjectCell;
    #[pymodule_export]
    use super::ontology::PyOntology;
    #[pymodule_export]
    use super::pipeline::{pipelined_load_counts, set_parallel_export, set_pipelined_loads};
    #[pymodule_export]
    use super::point_cloud::{
        point_cloud_meta, point_cloud_put, point_cloud_ranges, point_cloud_remove_object, point_cloud_remove_ranges,
        point_cloud_set_meta, point_cloud_set_ranges, rle_to_point_ranges,
    };
    #[pymodule_export]
    use super::row::PyRow;

    #[pymodule_init]
    fn init(m: &Bound<'_, PyModule>) -> PyResult<()> {
        super::keep_freed_memory_a_while();
        m.add("__version__", env!("CARGO_PKG_VERSION"))
    }
}

/// How long the allocator keeps memory freed by a dropped row before returning it to the system (unless the
/// `MIMALLOC_PURGE_DELAY` environment variable says otherwise). A load writes tens of megabytes into fresh
/// memory, and on the machines this was measured on the kernel's zeroing of returned-then-refaulted pages
/// cost 10-15% of a load; jobs that load row after row reuse the last row's memory instead. mimalloc's own
/// default is one second.
const PURGE_DELAY_MS: std::os::raw::c_long = 10_000;

/// `mi_option_purge_delay` in mimalloc's option enum (v2 and v3), which `libmimalloc-sys` does not name.
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

fn keep_freed_memory_a_while() {
    if std::env::var_os("MIMALLOC_PURGE_DELAY").is_none() {
        // SAFETY: setting an option only stores a value mimalloc reads on its next purge decision.
        unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, PURGE_DELAY_MS) };
    }
}
