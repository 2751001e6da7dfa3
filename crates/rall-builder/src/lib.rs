//! rall-builder (see ARCHITECTURE.md).
