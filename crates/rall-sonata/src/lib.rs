//! rall-sonata (see ARCHITECTURE.md).
