//! Batched structure-of-arrays bytecode VM.
use crate::error::ExecError;
use crate::runtime::{Ctx, EventSink, MechInstances};

/// Per-type scratch registers (allocated once).
#[derive(Debug, Default)]
pub struct Scratch {}
/// Extra per-instance storage (hidden columns).
#[derive(Debug, Default)]
pub struct Extra {}

/// A compiled mechanism program.
#[derive(Debug)]
pub struct Compiled {}

impl Compiled {
    pub fn new_scratch(&self) -> Scratch {
        Scratch {}
    }
    pub fn new_extra(&self, _n: usize) -> Extra {
        Extra {}
    }
    pub fn run_init(
        &self,
        _m: &mut MechInstances,
        _c: &mut Ctx<'_>,
        _s: &mut dyn EventSink,
    ) -> Result<(), ExecError> {
        Err(ExecError::Internal("not yet implemented".into()))
    }
    pub fn run_current(&self, _m: &mut MechInstances, _c: &mut Ctx<'_>) -> Result<(), ExecError> {
        Err(ExecError::Internal("not yet implemented".into()))
    }
    pub fn run_state(&self, _m: &mut MechInstances, _c: &mut Ctx<'_>) -> Result<(), ExecError> {
        Err(ExecError::Internal("not yet implemented".into()))
    }
    pub fn run_net_receive(
        &self,
        _m: &mut MechInstances,
        _c: &mut Ctx<'_>,
        _i: usize,
        _w: &mut [f64],
        _f: f64,
        _s: &mut dyn EventSink,
    ) -> Result<(), ExecError> {
        Err(ExecError::Internal("not yet implemented".into()))
    }
    pub fn run_net_receive_init(
        &self,
        _m: &mut MechInstances,
        _c: &mut Ctx<'_>,
        _i: usize,
        _w: &mut [f64],
    ) -> Result<(), ExecError> {
        Err(ExecError::Internal("not yet implemented".into()))
    }
}
