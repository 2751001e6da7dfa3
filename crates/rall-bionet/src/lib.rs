//! rall-bionet (see ARCHITECTURE.md).
