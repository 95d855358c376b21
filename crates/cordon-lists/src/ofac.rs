//! OFAC legacy CSV set and sdnList XML.

use crate::{Error, ParsedList, Result};

pub fn read_csv_set(_sdn: &[u8], _add: Option<&[u8]>, _alt: Option<&[u8]>, _comments: Option<&[u8]>) -> Result<ParsedList> { Err(Error::Format("not implemented".into())) }
pub fn read_xml(_bytes: &[u8]) -> Result<ParsedList> { Err(Error::Format("not implemented".into())) }
