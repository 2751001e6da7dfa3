//! rall-spikes (see ARCHITECTURE.md).
