//! Generic CSV with a column mapping.

use crate::{Error, ParsedList, Result};

#[derive(Debug, Clone, Default)]
pub struct Mapping {}
pub fn read(_bytes: &[u8], _mapping: &Mapping) -> Result<ParsedList> { Err(Error::Format("not implemented".into())) }
