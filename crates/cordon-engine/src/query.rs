//! The one validation of a screening query, whatever door it came through
//! (`cordon screen`, `cordon batch`, `POST /v1/screen`, the customer
//! register): loose fields in, a [`cordon_match::Query`] out, or an error
//! naming the field.

use cordon_match::Query;
use cordon_model::{country, dates, Schema};
use std::fmt;

/// Longest name accepted, in bytes: far above any real name, low enough that
/// one request cannot make the scorer's alignment work quadratic on junk.
pub const MAX_NAME_BYTES: usize = 1024;

/// A query as typed: every field still text.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct QueryInput<'a> {
    /// The name, in any script (required).
    pub name: &'a str,
    /// Date of birth, loosely written (1969, 1969-07-16, 16.07.1969...).
    pub dob: Option<&'a str>,
    /// Nationality or country: ISO code or name.
    pub country: Option<&'a str>,
    /// `person`, `organization`, `vessel` or `aircraft`.
    pub schema: Option<&'a str>,
    /// Passport, national id or registration numbers.
    pub identifiers: &'a [String],
}

/// The query field an error is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    /// `name`.
    Name,
    /// `dob`.
    Dob,
    /// `country`.
    Country,
    /// `type`.
    Type,
}

impl Field {
    /// The field's name as the API and the files spell it (`name`, `dob`, `country`, `type`).
    pub fn as_str(self) -> &'static str {
        match self {
            Field::Name => "name",
            Field::Dob => "dob",
            Field::Country => "country",
            Field::Type => "type",
        }
    }
}

/// A field that cannot be read, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// Which field.
    pub field: Field,
    /// Why, including the value as given.
    pub reason: String,
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field.as_str(), self.reason)
    }
}

impl std::error::Error for FieldError {}

/// Blank optional fields count as absent.
fn present(value: Option<&str>) -> Option<&str> {
    value.filter(|v| !v.trim().is_empty())
}

/// Whether a name keeps a letter or digit once normalised (invisible and
/// format characters dropped): `"  "`, `"--"` or `"()"` name nobody, and
/// would only match on qualifiers.
pub use cordon_match::has_name_content;

fn check_name(name: &str) -> Result<(), FieldError> {
    let error = |reason: String| FieldError {
        field: Field::Name,
        reason,
    };
    if name.len() > MAX_NAME_BYTES {
        return Err(error(format!("longer than {MAX_NAME_BYTES} bytes")));
    }
    if !has_name_content(name) {
        return Err(error(
            "has no letter or digit (only punctuation, control or invisible characters)".into(),
        ));
    }
    Ok(())
}

fn parse_dob(dob: &str) -> Result<cordon_model::BirthDate, FieldError> {
    dates::parse_loose(dob).ok_or_else(|| FieldError {
        field: Field::Dob,
        reason: format!("{dob:?} is not a date (try 1969, 1969-07-16, 16.07.1969)"),
    })
}

fn parse_country(text: &str) -> Result<String, FieldError> {
    country::to_code(text)
        .map(str::to_string)
        .ok_or_else(|| FieldError {
            field: Field::Country,
            reason: format!("{text:?} is not a country name or ISO code"),
        })
}

fn parse_schema(text: &str) -> Result<Schema, FieldError> {
    Schema::parse(text).ok_or_else(|| FieldError {
        field: Field::Type,
        reason: format!("{text:?} is not person, organization, vessel or aircraft"),
    })
}

/// The value of a field that was read; a field that was not is noted in `dropped`.
fn keep<T>(field: Option<Result<T, FieldError>>, dropped: &mut Vec<FieldError>) -> Option<T> {
    match field? {
        Ok(value) => Some(value),
        Err(error) => {
            dropped.push(error);
            None
        }
    }
}

impl QueryInput<'_> {
    /// The query, or the first field that cannot be read.
    pub fn validate(&self) -> Result<Query, FieldError> {
        check_name(self.name)?;
        let mut query = Query::name(self.name);
        query.birth_date = present(self.dob).map(parse_dob).transpose()?;
        query.country = present(self.country).map(parse_country).transpose()?;
        query.schema = present(self.schema).map(parse_schema).transpose()?;
        query.identifiers = self.identifiers.to_vec();
        Ok(query)
    }

    /// The query with unreadable optional fields left out, and what was left
    /// out: for records accepted earlier as written (stored customers, batch
    /// rows), where one odd date must not stop the screening. The name is
    /// still required.
    pub fn validate_lenient(&self) -> Result<(Query, Vec<FieldError>), FieldError> {
        check_name(self.name)?;
        let mut dropped = Vec::new();
        let mut query = Query::name(self.name);
        query.birth_date = keep(present(self.dob).map(parse_dob), &mut dropped);
        query.country = keep(present(self.country).map(parse_country), &mut dropped);
        query.schema = keep(present(self.schema).map(parse_schema), &mut dropped);
        query.identifiers = self.identifiers.to_vec();
        Ok((query, dropped))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn input(name: &str) -> QueryInput<'_> {
        QueryInput {
            name,
            ..QueryInput::default()
        }
    }

    #[test]
    fn every_field_is_read_or_named_in_the_error() {
        let ids = vec!["A123".to_string()];
        let query = QueryInput {
            name: "Doku Umarov",
            dob: Some("1964"),
            country: Some("Russia"),
            schema: Some("person"),
            identifiers: &ids,
        }
        .validate()
        .unwrap();
        assert_eq!(query.country.as_deref(), Some("RU"));
        assert_eq!(query.schema, Some(Schema::Person));
        assert!(query.birth_date.is_some());
        assert_eq!(query.identifiers, ids);
        for (bad, field) in [
            (
                QueryInput {
                    dob: Some("yesterday"),
                    ..input("X")
                },
                Field::Dob,
            ),
            (
                QueryInput {
                    country: Some("Atlantis"),
                    ..input("X")
                },
                Field::Country,
            ),
            (
                QueryInput {
                    schema: Some("boat"),
                    ..input("X")
                },
                Field::Type,
            ),
            (input("  "), Field::Name),
            (input("-- ()"), Field::Name),
        ] {
            let error = bad.validate().unwrap_err();
            assert_eq!(error.field, field, "{error}");
            assert!(error.to_string().starts_with(field.as_str()), "{error}");
        }
    }

    #[test]
    fn blank_optional_fields_are_absent() {
        let query = QueryInput {
            dob: Some(" "),
            country: Some(""),
            ..input("X")
        }
        .validate()
        .unwrap();
        assert_eq!(query.birth_date, None);
        assert_eq!(query.country, None);
    }

    #[test]
    fn lenient_validation_drops_bad_optional_fields_but_not_the_name() {
        let (query, dropped) = QueryInput {
            dob: Some("yesterday"),
            country: Some("KZ"),
            ..input("Ivan")
        }
        .validate_lenient()
        .unwrap();
        assert_eq!(query.country.as_deref(), Some("KZ"));
        assert_eq!(dropped.len(), 1);
        assert_eq!(dropped[0].field, Field::Dob);
        assert!(input("...").validate_lenient().is_err());
    }

    proptest! {
        /// Accepted names always keep a letter or digit; the two validations agree on names.
        #[test]
        fn accepted_names_have_content(name in "\\PC{0,40}") {
            let strict = input(&name).validate();
            prop_assert_eq!(strict.is_ok(), input(&name).validate_lenient().is_ok());
            prop_assert_eq!(strict.is_ok(), has_name_content(&name) && name.len() <= MAX_NAME_BYTES);
        }
    }
}
