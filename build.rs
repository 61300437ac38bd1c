//! Lets the bindings tell the Python builds apart (`cfg(Py_GIL_DISABLED)` for free-threaded CPython, ...): the
//! direct dict walk relies on the GIL and on CPython's C API.

fn main() {
    #[cfg(feature = "python")]
    pyo3_build_config::use_pyo3_cfgs();
}
