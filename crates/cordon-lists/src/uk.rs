//! UK HM Treasury consolidated list CSV.

use crate::{Error, ParsedList, Result};

pub fn read(_bytes: &[u8]) -> Result<ParsedList> { Err(Error::Format("not implemented".into())) }
