//! rall-analysis (see ARCHITECTURE.md).
