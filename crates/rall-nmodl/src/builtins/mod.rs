//! Built-in mechanisms (our own `.mod` sources and native Rust).
use crate::runtime::{Ctx, EventSink, MechInstances};

pub(crate) fn vecstim_init(_m: &mut MechInstances, _c: &mut Ctx<'_>, _s: &mut dyn EventSink) {}
pub(crate) fn vecstim_receive(
    _m: &mut MechInstances,
    _c: &mut Ctx<'_>,
    _i: usize,
    _f: f64,
    _s: &mut dyn EventSink,
) {
}

/// The built-in catalogue.
pub fn catalogue() -> crate::Catalogue {
    crate::Catalogue::empty()
}
