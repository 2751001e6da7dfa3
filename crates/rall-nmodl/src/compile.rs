//! From NMODL text to a [`Mechanism`].
use crate::error::NmodlError;
use crate::runtime::Mechanism;

/// Compile one mechanism from NMODL text.
pub fn compile(file: &str, _text: &str) -> Result<Mechanism, NmodlError> {
    Err(NmodlError::Internal(format!(
        "{file}: compiler not yet implemented"
    )))
}
