//! The reporting entity's settings, from a TOML file (format in `docs/goaml.md`):
//!
//! ```toml
//! rentity_id = 101                 # the FIU's registration number of the reporting entity
//! rentity_branch = "DXB-MAIN"      # optional
//! currency_code_local = "AED"      # amounts are reported in it (amount_local)
//! indicators = ["STRUC"]           # report indicator codes the FIU defined
//! submission_code = "E"            # optional: E electronic (default), M manual
//! transaction_location = "Head office, Dubai"  # optional
//! action = "Payment held"          # optional: the action taken, reported with each STR
//!
//! [reporting_person]               # optional: the MLRO filing the report
//! first_name = "Sara"
//! last_name = "Khan"
//! email = "mlro@example.com"       # optional
//! occupation = "MLRO"              # optional
//! ```

use crate::codes::{CURRENCIES, INDICATORS};
use crate::{Error, Result};
use serde::Deserialize;

/// Who files the reports: the settings every report repeats.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReportingEntity {
    /// `rentity_id`: the reporting entity's number at the FIU (at least 1).
    pub rentity_id: u32,
    /// `rentity_branch`.
    #[serde(default)]
    pub rentity_branch: Option<String>,
    /// `currency_code_local`: the currency amounts are reported in.
    pub currency_code_local: String,
    /// `report_indicators`: at least one code of the schema's list.
    pub indicators: Vec<String>,
    /// `submission_code`: `E` (electronic, the default) or `M` (manual).
    #[serde(default = "electronic")]
    pub submission_code: String,
    /// `transaction_location` of every transaction (empty when absent).
    #[serde(default)]
    pub transaction_location: Option<String>,
    /// `action`: what the entity did about it.
    #[serde(default)]
    pub action: Option<String>,
    /// `reporting_person`.
    #[serde(default)]
    pub reporting_person: Option<ReportingPerson>,
}

/// The person filing the report (`reporting_person`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReportingPerson {
    /// `first_name`.
    pub first_name: String,
    /// `last_name`.
    pub last_name: String,
    /// `email`.
    #[serde(default)]
    pub email: Option<String>,
    /// `occupation`.
    #[serde(default)]
    pub occupation: Option<String>,
}

fn electronic() -> String {
    "E".into()
}

impl ReportingEntity {
    /// Reads and checks the settings; `file` names the config file in every error.
    pub fn from_toml(text: &str, file: &str) -> Result<ReportingEntity> {
        let fail = |message: String| Error::Config {
            file: file.to_string(),
            message,
        };
        let entity: ReportingEntity =
            toml::from_str(text).map_err(|e| fail(e.to_string().trim_end().replace('\n', " ")))?;
        entity.check().map_err(fail)?;
        Ok(entity)
    }

    /// The checks serde cannot express, each naming its key.
    fn check(&self) -> std::result::Result<(), String> {
        if self.rentity_id == 0 {
            return Err("rentity_id: must be at least 1".into());
        }
        if CURRENCIES
            .binary_search(&self.currency_code_local.as_str())
            .is_err()
        {
            return Err(format!(
                "currency_code_local: {:?} is not a goAML currency code",
                self.currency_code_local
            ));
        }
        if self.indicators.is_empty() {
            return Err("indicators: at least one report indicator code is required".into());
        }
        if let Some(code) = self
            .indicators
            .iter()
            .find(|c| INDICATORS.binary_search(&c.as_str()).is_err())
        {
            return Err(format!(
                "indicators: {code:?} is not a goAML report indicator"
            ));
        }
        if !matches!(self.submission_code.as_str(), "E" | "M") {
            return Err(format!(
                "submission_code: {:?} (expected E or M)",
                self.submission_code
            ));
        }
        self.check_person()
    }

    fn check_person(&self) -> std::result::Result<(), String> {
        match &self.reporting_person {
            Some(p) if p.first_name.trim().is_empty() => {
                Err("reporting_person.first_name: must not be empty".into())
            }
            Some(p) if p.last_name.trim().is_empty() => {
                Err("reporting_person.last_name: must not be empty".into())
            }
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"
rentity_id = 101
currency_code_local = "AED"
indicators = ["STRUC"]
[reporting_person]
first_name = "Sara"
last_name = "Khan"
"#;

    fn error(text: &str) -> String {
        ReportingEntity::from_toml(text, "entity.toml")
            .unwrap_err()
            .to_string()
    }

    #[test]
    fn a_complete_file_reads() {
        let entity = ReportingEntity::from_toml(GOOD, "entity.toml").unwrap();
        assert_eq!(entity.rentity_id, 101);
        assert_eq!(entity.submission_code, "E");
        assert_eq!(entity.reporting_person.unwrap().last_name, "Khan");
    }

    #[test]
    fn a_missing_key_is_named_with_the_file() {
        let message = error("rentity_id = 101\nindicators = [\"STRUC\"]\n");
        assert!(
            message.starts_with("goAML config entity.toml:"),
            "{message}"
        );
        assert!(message.contains("currency_code_local"), "{message}");
        let message = error(&GOOD.replace("last_name = \"Khan\"", ""));
        assert!(message.contains("last_name"), "{message}");
    }

    #[test]
    fn values_outside_the_schema_lists_are_refused_by_key() {
        assert!(error(&GOOD.replace("AED", "XYZ")).contains("currency_code_local: \"XYZ\""));
        assert!(error(&GOOD.replace("STRUC", "NOPE")).contains("indicators: \"NOPE\""));
        assert!(error(&GOOD.replace("[\"STRUC\"]", "[]")).contains("indicators: at least one"));
        assert!(error(&GOOD.replace("101", "0")).contains("rentity_id: must be at least 1"));
        assert!(
            error(&format!("submission_code = \"X\"\n{GOOD}")).contains("submission_code: \"X\"")
        );
        assert!(error(&format!("{GOOD}\nphone = \"1\"")).contains("unknown field `phone`"));
        let message = error("rentity_id = \n");
        assert!(message.contains("line 1"), "{message}");
    }
}
