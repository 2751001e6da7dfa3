//! rall-nmodl (see ARCHITECTURE.md).
