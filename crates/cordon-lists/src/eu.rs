//! EU financial sanctions file.

use crate::{Error, ParsedList, Result};

pub fn read_csv(_bytes: &[u8]) -> Result<ParsedList> { Err(Error::Format("not implemented".into())) }
pub fn read_xml(_bytes: &[u8]) -> Result<ParsedList> { Err(Error::Format("not implemented".into())) }
