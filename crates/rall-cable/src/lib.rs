//! rall-cable (see ARCHITECTURE.md).
