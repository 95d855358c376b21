//! Fund transfers: the canonical [`Transfer`] every payment format is read into.
//!
//! ISO 20022 (pacs.008, pacs.009, pain.001, pacs.004) and SWIFT MT (103, 202COV) messages carry
//! the same facts under different names; `cordon-payments` maps both onto this one model so that
//! screening and the FATF Recommendation 16 checks are written once. Element names in the docs
//! below are the ISO 20022 ones, with the MT field in brackets.
//!
//! Money is never a float: an [`Amount`] is an exact decimal (integer mantissa + scale) and a
//! [`Currency`] is checked against the table of active ISO 4217 codes.
//!
//! ```
//! use cordon_model::transfer::{Amount, Currency, Money, Party, Transfer};
//!
//! let mut transfer = Transfer::default();
//! transfer.amount = Some(Money {
//!     amount: Amount::parse("15669.38", b'.').unwrap(),
//!     currency: Currency::parse("EUR").unwrap(),
//! });
//! transfer.debtor = Some(Party { name: Some("C Consumer".into()), ..Party::default() });
//! assert_eq!(transfer.amount.as_ref().unwrap().to_string(), "15669.38 EUR");
//! assert_eq!(Amount::parse("500000,", b',').unwrap(), Amount::parse("500000.00", b'.').unwrap());
//! assert!(Currency::parse("XYZ").is_none());
//! assert_eq!(transfer.parties().count(), 1);
//! ```

use serde::{Deserialize, Serialize};
use std::cmp::Ordering;
use std::fmt;

/// Most significant digits an [`Amount`] may have (ISO 20022 allows 18, MT 14).
pub const MAX_AMOUNT_DIGITS: usize = 20;
/// Most digits after the decimal separator an [`Amount`] may have.
pub const MAX_AMOUNT_SCALE: u8 = 18;

/// An exact, non-negative decimal amount: `mantissa / 10^scale`.
///
/// Trailing fractional zeros are dropped on construction, so `500000`, `500000.00` and the MT
/// `500000,` are the same value and compare equal with `==`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Amount {
    mantissa: i128,
    scale: u8,
}

/// Why a text is not an [`Amount`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AmountError {
    /// Nothing but blanks.
    Empty,
    /// A minus sign: amounts on the wire are never negative.
    Negative,
    /// The decimal separator appears more than once.
    SeveralSeparators,
    /// A character that is neither a digit nor the separator.
    BadCharacter(char),
    /// No digit before the separator (`,5`) or no digit at all.
    NoIntegerDigit,
    /// More than [`MAX_AMOUNT_DIGITS`] digits or [`MAX_AMOUNT_SCALE`] decimals.
    TooLong,
}

impl fmt::Display for AmountError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AmountError::Empty => write!(f, "the amount is empty"),
            AmountError::Negative => write!(f, "the amount is negative"),
            AmountError::SeveralSeparators => write!(f, "the decimal separator appears twice"),
            AmountError::BadCharacter(c) => write!(f, "unexpected character {c:?} in amount"),
            AmountError::NoIntegerDigit => write!(f, "no digit before the decimal separator"),
            AmountError::TooLong => write!(f, "too many digits in amount"),
        }
    }
}

impl std::error::Error for AmountError {}

impl Amount {
    /// Reads a plain decimal (`15669.38` with `separator = b'.'`, `15669,38` with `b','`).
    /// No sign, no exponent, no thousands separator; the separator is optional.
    pub fn parse(text: &str, separator: u8) -> Result<Amount, AmountError> {
        let text = text.trim();
        if text.is_empty() {
            return Err(AmountError::Empty);
        }
        let (int_part, frac_part) = split_decimal(text, separator)?;
        if int_part.is_empty() {
            return Err(AmountError::NoIntegerDigit);
        }
        let digits = int_part.trim_start_matches('0').len() + frac_part.len();
        if digits > MAX_AMOUNT_DIGITS || frac_part.len() > usize::from(MAX_AMOUNT_SCALE) {
            return Err(AmountError::TooLong);
        }
        let mut mantissa: i128 = 0;
        for b in int_part.bytes().chain(frac_part.bytes()) {
            mantissa = mantissa * 10 + i128::from(b - b'0');
        }
        let scale = u8::try_from(frac_part.len()).map_err(|_| AmountError::TooLong)?;
        Ok(Amount::from_parts(mantissa, scale))
    }

    /// Builds `mantissa / 10^scale`, dropping trailing fractional zeros. A negative mantissa
    /// becomes zero and a scale above [`MAX_AMOUNT_SCALE`] is clamped.
    pub fn from_parts(mantissa: i128, scale: u8) -> Amount {
        let (mut mantissa, mut scale) = (mantissa.max(0), scale.min(MAX_AMOUNT_SCALE));
        while scale > 0 && mantissa % 10 == 0 {
            mantissa /= 10;
            scale -= 1;
        }
        Amount { mantissa, scale }
    }

    /// The integer mantissa (`1566938` for `15669.38`).
    pub fn mantissa(&self) -> i128 {
        self.mantissa
    }

    /// Digits after the decimal point once trailing zeros are dropped (`2` for `15669.38`).
    pub fn scale(&self) -> u8 {
        self.scale
    }

    /// True for zero.
    pub fn is_zero(&self) -> bool {
        self.mantissa == 0
    }

    /// The mantissa rescaled to `scale` digits, `None` on overflow or if digits would be lost.
    pub fn mantissa_at_scale(&self, scale: u8) -> Option<i128> {
        let up = scale.checked_sub(self.scale)?;
        10i128
            .checked_pow(u32::from(up))
            .and_then(|f| self.mantissa.checked_mul(f))
    }
}

/// Splits at the separator after checking every character; the fraction may be empty.
fn split_decimal(text: &str, separator: u8) -> Result<(&str, &str), AmountError> {
    let mut sep_at = None;
    for (i, b) in text.bytes().enumerate() {
        match b {
            b'0'..=b'9' => {}
            b'-' => return Err(AmountError::Negative),
            _ if b == separator => {
                if sep_at.replace(i).is_some() {
                    return Err(AmountError::SeveralSeparators);
                }
            }
            _ => {
                let c = text[i..].chars().next().unwrap_or('?');
                return Err(AmountError::BadCharacter(c));
            }
        }
    }
    Ok(match sep_at {
        Some(i) => (&text[..i], &text[i + 1..]),
        None => (text, ""),
    })
}

impl Ord for Amount {
    fn cmp(&self, other: &Amount) -> Ordering {
        let scale = self.scale.max(other.scale);
        // Both fit: at most 20 digits times 10^18 stays below i128::MAX.
        let a = self.mantissa_at_scale(scale).unwrap_or(i128::MAX);
        let b = other.mantissa_at_scale(scale).unwrap_or(i128::MAX);
        a.cmp(&b)
    }
}

impl PartialOrd for Amount {
    fn partial_cmp(&self, other: &Amount) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for Amount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let digits = self.mantissa.to_string();
        let scale = usize::from(self.scale);
        if scale == 0 {
            return f.write_str(&digits);
        }
        let padded = format!("{digits:0>width$}", width = scale + 1);
        let (int_part, frac_part) = padded.split_at(padded.len() - scale);
        write!(f, "{int_part}.{frac_part}")
    }
}

impl Serialize for Amount {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Amount {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Amount, D::Error> {
        let text = String::deserialize(deserializer)?;
        Amount::parse(&text, b'.').map_err(serde::de::Error::custom)
    }
}

/// An active ISO 4217 currency code, checked against [`ACTIVE_CURRENCIES`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Currency([u8; 3]);

impl Currency {
    /// The US dollar.
    pub const USD: Currency = Currency(*b"USD");
    /// The euro.
    pub const EUR: Currency = Currency(*b"EUR");

    /// The code if it is an active ISO 4217 code (upper case, exactly three letters).
    pub fn parse(code: &str) -> Option<Currency> {
        let bytes: [u8; 3] = code.as_bytes().try_into().ok()?;
        ACTIVE_CURRENCIES
            .binary_search_by(|(c, _)| c.as_bytes().cmp(&bytes[..]))
            .ok()
            .map(|_| Currency(bytes))
    }

    /// The three-letter code.
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).unwrap_or("XXX")
    }

    /// Digits after the decimal point (2 for EUR, 0 for JPY, 3 for KWD); `None` for codes
    /// without minor units (funds, metals, SDR).
    pub fn minor_units(&self) -> Option<u8> {
        ACTIVE_CURRENCIES
            .binary_search_by(|(c, _)| c.as_bytes().cmp(&self.0[..]))
            .ok()
            .and_then(|i| ACTIVE_CURRENCIES.get(i))
            .and_then(|(_, units)| *units)
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Currency {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Currency {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Currency, D::Error> {
        let text = String::deserialize(deserializer)?;
        Currency::parse(&text).ok_or_else(|| {
            serde::de::Error::custom(format!("{text:?} is not an active ISO 4217 code"))
        })
    }
}

/// Active ISO 4217 codes (list 1, 2025 edition) with their minor units, sorted by code.
///
/// Withdrawn codes are left out (HRK 2023, SLL, ZWL 2024, ANG after XCG replaced it in 2025),
/// as is XXX ("no currency"). XTS (the testing code) is kept: test messages use it. BGN is kept
/// while payments initiated before Bulgaria's euro changeover are still being settled.
#[rustfmt::skip]
pub const ACTIVE_CURRENCIES: &[(&str, Option<u8>)] = &[
    ("AED", Some(2)), ("AFN", Some(2)), ("ALL", Some(2)), ("AMD", Some(2)), ("AOA", Some(2)),
    ("ARS", Some(2)), ("AUD", Some(2)), ("AWG", Some(2)), ("AZN", Some(2)), ("BAM", Some(2)),
    ("BBD", Some(2)), ("BDT", Some(2)), ("BGN", Some(2)), ("BHD", Some(3)), ("BIF", Some(0)),
    ("BMD", Some(2)), ("BND", Some(2)), ("BOB", Some(2)), ("BOV", Some(2)), ("BRL", Some(2)),
    ("BSD", Some(2)), ("BTN", Some(2)), ("BWP", Some(2)), ("BYN", Some(2)), ("BZD", Some(2)),
    ("CAD", Some(2)), ("CDF", Some(2)), ("CHE", Some(2)), ("CHF", Some(2)), ("CHW", Some(2)),
    ("CLF", Some(4)), ("CLP", Some(0)), ("CNY", Some(2)), ("COP", Some(2)), ("COU", Some(2)),
    ("CRC", Some(2)), ("CUP", Some(2)), ("CVE", Some(2)), ("CZK", Some(2)), ("DJF", Some(0)),
    ("DKK", Some(2)), ("DOP", Some(2)), ("DZD", Some(2)), ("EGP", Some(2)), ("ERN", Some(2)),
    ("ETB", Some(2)), ("EUR", Some(2)), ("FJD", Some(2)), ("FKP", Some(2)), ("GBP", Some(2)),
    ("GEL", Some(2)), ("GHS", Some(2)), ("GIP", Some(2)), ("GMD", Some(2)), ("GNF", Some(0)),
    ("GTQ", Some(2)), ("GYD", Some(2)), ("HKD", Some(2)), ("HNL", Some(2)), ("HTG", Some(2)),
    ("HUF", Some(2)), ("IDR", Some(2)), ("ILS", Some(2)), ("INR", Some(2)), ("IQD", Some(3)),
    ("IRR", Some(2)), ("ISK", Some(0)), ("JMD", Some(2)), ("JOD", Some(3)), ("JPY", Some(0)),
    ("KES", Some(2)), ("KGS", Some(2)), ("KHR", Some(2)), ("KMF", Some(0)), ("KPW", Some(2)),
    ("KRW", Some(0)), ("KWD", Some(3)), ("KYD", Some(2)), ("KZT", Some(2)), ("LAK", Some(2)),
    ("LBP", Some(2)), ("LKR", Some(2)), ("LRD", Some(2)), ("LSL", Some(2)), ("LYD", Some(3)),
    ("MAD", Some(2)), ("MDL", Some(2)), ("MGA", Some(2)), ("MKD", Some(2)), ("MMK", Some(2)),
    ("MNT", Some(2)), ("MOP", Some(2)), ("MRU", Some(2)), ("MUR", Some(2)), ("MVR", Some(2)),
    ("MWK", Some(2)), ("MXN", Some(2)), ("MXV", Some(2)), ("MYR", Some(2)), ("MZN", Some(2)),
    ("NAD", Some(2)), ("NGN", Some(2)), ("NIO", Some(2)), ("NOK", Some(2)), ("NPR", Some(2)),
    ("NZD", Some(2)), ("OMR", Some(3)), ("PAB", Some(2)), ("PEN", Some(2)), ("PGK", Some(2)),
    ("PHP", Some(2)), ("PKR", Some(2)), ("PLN", Some(2)), ("PYG", Some(0)), ("QAR", Some(2)),
    ("RON", Some(2)), ("RSD", Some(2)), ("RUB", Some(2)), ("RWF", Some(0)), ("SAR", Some(2)),
    ("SBD", Some(2)), ("SCR", Some(2)), ("SDG", Some(2)), ("SEK", Some(2)), ("SGD", Some(2)),
    ("SHP", Some(2)), ("SLE", Some(2)), ("SOS", Some(2)), ("SRD", Some(2)), ("SSP", Some(2)),
    ("STN", Some(2)), ("SVC", Some(2)), ("SYP", Some(2)), ("SZL", Some(2)), ("THB", Some(2)),
    ("TJS", Some(2)), ("TMT", Some(2)), ("TND", Some(3)), ("TOP", Some(2)), ("TRY", Some(2)),
    ("TTD", Some(2)), ("TWD", Some(2)), ("TZS", Some(2)), ("UAH", Some(2)), ("UGX", Some(0)),
    ("USD", Some(2)), ("USN", Some(2)), ("UYI", Some(0)), ("UYU", Some(2)), ("UYW", Some(4)),
    ("UZS", Some(2)), ("VED", Some(2)), ("VES", Some(2)), ("VND", Some(0)), ("VUV", Some(0)),
    ("WST", Some(2)), ("XAF", Some(0)), ("XAG", None), ("XAU", None), ("XBA", None),
    ("XBB", None), ("XBC", None), ("XBD", None), ("XCD", Some(2)), ("XCG", Some(2)),
    ("XDR", None), ("XOF", Some(0)), ("XPD", None), ("XPF", Some(0)), ("XPT", None),
    ("XSU", None), ("XTS", None), ("XUA", None), ("YER", Some(2)), ("ZAR", Some(2)),
    ("ZMW", Some(2)), ("ZWG", Some(2)),
];

/// An amount in a currency.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Money {
    /// The exact amount.
    pub amount: Amount,
    /// Its currency.
    pub currency: Currency,
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.amount, self.currency)
    }
}

/// The family of message a transfer was read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MessageFormat {
    /// ISO 20022 XML (MX).
    #[default]
    Iso20022,
    /// SWIFT MT FIN.
    SwiftMt,
}

/// Who pays the charges (ISO 20022 codes; MT 71A `OUR`/`SHA`/`BEN` map to `DEBT`/`SHAR`/`CRED`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum ChargeBearer {
    /// The debtor pays all charges (`DEBT`, MT `OUR`).
    Debt,
    /// The creditor pays all charges (`CRED`, MT `BEN`).
    Cred,
    /// Shared (`SHAR`, MT `SHA`).
    Shar,
    /// Following the service level (`SLEV`).
    Slev,
}

impl ChargeBearer {
    /// Reads an ISO 20022 code or an MT 71A code.
    pub fn parse(code: &str) -> Option<ChargeBearer> {
        match code.trim() {
            "DEBT" | "OUR" => Some(ChargeBearer::Debt),
            "CRED" | "BEN" => Some(ChargeBearer::Cred),
            "SHAR" | "SHA" => Some(ChargeBearer::Shar),
            "SLEV" => Some(ChargeBearer::Slev),
            _ => None,
        }
    }
}

/// A postal address, structured (ISO 20022 `PstlAdr`) and/or as free lines.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct PostalAddress {
    /// `Dept`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub department: Option<String>,
    /// `StrtNm`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub street_name: Option<String>,
    /// `BldgNb`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub building_number: Option<String>,
    /// `BldgNm`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub building_name: Option<String>,
    /// `PstCd`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub post_code: Option<String>,
    /// `TwnNm` (MT 50F/59F line 3 after the country).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub town_name: Option<String>,
    /// `CtrySubDvsn`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country_subdivision: Option<String>,
    /// `Ctry`, ISO 3166-1 alpha-2.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    /// `AdrLine` (MT free address lines, 50F/59F line 2).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub lines: Vec<String>,
}

impl PostalAddress {
    /// True when no field carries text.
    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
            && [
                &self.department,
                &self.street_name,
                &self.building_number,
                &self.building_name,
                &self.post_code,
                &self.town_name,
                &self.country_subdivision,
                &self.country,
            ]
            .iter()
            .all(|f| f.is_none())
    }

    /// Every text of the address except the country, in document order.
    pub fn texts(&self) -> impl Iterator<Item = &str> {
        [
            &self.department,
            &self.street_name,
            &self.building_number,
            &self.building_name,
            &self.post_code,
            &self.town_name,
            &self.country_subdivision,
        ]
        .into_iter()
        .filter_map(|f| f.as_deref())
        .chain(self.lines.iter().map(String::as_str))
    }
}

/// An account: an IBAN or another identifier (`Othr/Id`, MT `/account` line).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Account {
    /// The identifier as written.
    pub id: String,
    /// True when it came as an IBAN.
    #[serde(default)]
    pub iban: bool,
}

/// An identifier with its scheme (`Othr` in ISO 20022; MT 50F codes such as `NIDN`, `CUST`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct OtherId {
    /// The identifier.
    pub id: String,
    /// Scheme code (`NIDN`, `CUST`, `CCPT`, `TXID`, ...) or proprietary scheme name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scheme: Option<String>,
    /// Issuer (MT: issuing country, or country/issuer for `CUST`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issuer: Option<String>,
}

/// Date and place of birth (`DtAndPlcOfBirth`, MT 50F lines 4 and 5).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct BirthInfo {
    /// ISO date `YYYY-MM-DD` as written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    /// City of birth.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub city: Option<String>,
    /// Province of birth.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub province: Option<String>,
    /// Country of birth, ISO 3166-1 alpha-2.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
}

/// A party's identifiers: organisation ids (BIC, LEI, other) and private ids (birth, others).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct PartyIdentifiers {
    /// `OrgId/AnyBIC` (or a financial institution's `BICFI` when the party is a bank).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bic: Option<String>,
    /// `OrgId/LEI`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lei: Option<String>,
    /// `OrgId/Othr`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub organisation: Vec<OtherId>,
    /// `PrvtId/DtAndPlcOfBirth`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub birth: Option<BirthInfo>,
    /// `PrvtId/Othr`: national id (`NIDN`), customer id (`CUST`), passport (`CCPT`), ...
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub person: Vec<OtherId>,
}

impl PartyIdentifiers {
    /// The first private id whose scheme is `code`, or the first organisation id.
    pub fn by_scheme(&self, code: &str) -> Option<&OtherId> {
        self.person
            .iter()
            .chain(&self.organisation)
            .find(|o| o.scheme.as_deref() == Some(code))
    }

    /// The national identity number (`NIDN`).
    pub fn national_id(&self) -> Option<&OtherId> {
        self.by_scheme("NIDN")
    }

    /// The customer identification number (`CUST`).
    pub fn customer_id(&self) -> Option<&OtherId> {
        self.by_scheme("CUST")
    }

    /// True when no identifier at all is present.
    pub fn is_empty(&self) -> bool {
        self.bic.is_none()
            && self.lei.is_none()
            && self.organisation.is_empty()
            && self.birth.is_none()
            && self.person.is_empty()
    }
}

/// A person or organisation taking part in a transfer (debtor, creditor, ultimate parties,
/// initiating party). For pacs.009 and MT202 the debtor and creditor are banks: their BIC is
/// in `identifiers.bic`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct Party {
    /// `Nm` (MT: the name line of 50K/59, line `1/` of 50F/59F).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The party's account (`DbtrAcct`/`CdtrAcct`, MT `/account` line).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account: Option<Account>,
    /// `PstlAdr`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<PostalAddress>,
    /// `Id`.
    #[serde(default, skip_serializing_if = "PartyIdentifiers::is_empty")]
    pub identifiers: PartyIdentifiers,
    /// `CtryOfRes`, ISO 3166-1 alpha-2.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country_of_residence: Option<String>,
    /// Where the party was read from: the MT field with its option (`50F`, `B/59`) or the
    /// ISO 20022 element (`Dbtr`, `UndrlygCstmrCdtTrf/Cdtr`). Used to name fields in findings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

/// A financial institution in the chain (debtor agent, intermediary, ...).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct Agent {
    /// `FinInstnId/BICFI` (MT option A).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bic: Option<String>,
    /// `FinInstnId/Nm` (MT option D first line).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// `FinInstnId/ClrSysMmbId/MmbId` (MT option C, or `//` party identifier).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clearing_member_id: Option<String>,
    /// `FinInstnId/LEI`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lei: Option<String>,
    /// `FinInstnId/PstlAdr` (MT option D lines, option B location).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<PostalAddress>,
    /// The agent's account (`DbtrAgtAcct`, ..., MT `/account` party identifier line).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account: Option<Account>,
}

impl Agent {
    /// The agent's country: BIC characters 5-6, else the address country.
    pub fn country(&self) -> Option<&str> {
        self.bic
            .as_deref()
            .and_then(bic_country)
            .or_else(|| self.address.as_ref().and_then(|a| a.country.as_deref()))
    }
}

/// Characters 5-6 of a BIC when they are two ASCII letters.
pub fn bic_country(bic: &str) -> Option<&str> {
    let country = bic.get(4..6)?;
    country
        .bytes()
        .all(|b| b.is_ascii_uppercase())
        .then_some(country)
}

/// True when `text` stands for missing information: blank, or (trimmed, any case) one of the
/// placeholders senders put in mandatory fields: `NOTPROVIDED` (the SWIFT convention),
/// `NOT PROVIDED`, `UNKNOWN`, `N/A`, `NA`, `-`, `XXX`.
pub fn is_placeholder(text: &str) -> bool {
    const PLACEHOLDERS: [&str; 7] = [
        "NOTPROVIDED",
        "NOT PROVIDED",
        "UNKNOWN",
        "N/A",
        "NA",
        "-",
        "XXX",
    ];
    let text = text.trim();
    text.is_empty() || PLACEHOLDERS.iter().any(|p| text.eq_ignore_ascii_case(p))
}

/// Remittance information (`RmtInf`, MT 70).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct Remittance {
    /// `Ustrd` lines (MT 70 lines).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unstructured: Vec<String>,
    /// Structured references: creditor reference (`Strd/CdtrRefInf/Ref`), referred document
    /// numbers (`Strd/RfrdDocInf/Nb`), additional remittance text (`Strd/AddtlRmtInf`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub structured: Vec<String>,
}

impl Remittance {
    /// True when there is no remittance information.
    pub fn is_empty(&self) -> bool {
        self.unstructured.is_empty() && self.structured.is_empty()
    }
}

/// What a pacs.004 return refers to, and why.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct ReturnInfo {
    /// `RtrId`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub return_id: Option<String>,
    /// `OrgnlGrpInf/OrgnlMsgId`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub original_message_id: Option<String>,
    /// `OrgnlGrpInf/OrgnlMsgNmId` (e.g. `pacs.008.001.08`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub original_message_type: Option<String>,
    /// `OrgnlInstrId`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub original_instruction_id: Option<String>,
    /// `OrgnlEndToEndId`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub original_end_to_end_id: Option<String>,
    /// `OrgnlTxId`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub original_transaction_id: Option<String>,
    /// `OrgnlUETR`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub original_uetr: Option<String>,
    /// `RtrRsnInf/Rsn/Cd` or `Prtry`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// `RtrRsnInf/AddtlInf`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub additional_info: Vec<String>,
}

/// One credit transfer, whatever message it came in.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Transfer {
    /// ISO 20022 or SWIFT MT.
    pub format: MessageFormat,
    /// `pacs.008.001.08`, `pacs.009.001.08`, `pain.001.001.09`, `pacs.004.001.09`, `MT103`,
    /// `MT202COV`, ...
    pub message_type: String,
    /// Business service of the application header (`swift.cbprplus.03`) or MT 119 (`COV`, `STP`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub business_service: Option<String>,
    /// Unique end-to-end transaction reference, a UUID v4 (`PmtId/UETR`, MT block 3 field 121).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uetr: Option<String>,
    /// `GrpHdr/MsgId` or the AppHdr `BizMsgIdr` (MT: block 3 field 108, the MUR).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_id: Option<String>,
    /// `PmtId/EndToEndId` (MT103: 70 `/ROC/`; MT202COV: 21).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_to_end_id: Option<String>,
    /// `PmtId/InstrId` (MT: 20, the sender's reference).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instruction_id: Option<String>,
    /// `PmtId/TxId`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transaction_id: Option<String>,
    /// Interbank settlement amount (`IntrBkSttlmAmt`, MT 32A); for pain.001 the instructed
    /// amount; for pacs.004 the returned amount.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount: Option<Money>,
    /// `InstdAmt` (MT 33B).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instructed_amount: Option<Money>,
    /// `IntrBkSttlmDt` (MT 32A date), or `ReqdExctnDt` for pain.001: ISO `YYYY-MM-DD`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub settlement_date: Option<String>,
    /// `CreDtTm` as written (MT: the block 2 date and time, `YYYY-MM-DDTHH:MM`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub creation_time: Option<String>,
    /// `Dbtr` (MT 50a; MT202 52a ordering institution).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub debtor: Option<Party>,
    /// `Cdtr` (MT 59a; MT202 58a beneficiary institution).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub creditor: Option<Party>,
    /// `UltmtDbtr`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ultimate_debtor: Option<Party>,
    /// `UltmtCdtr`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ultimate_creditor: Option<Party>,
    /// `InitgPty` (pain.001).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub initiating_party: Option<Party>,
    /// `DbtrAgt` (MT 52a).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub debtor_agent: Option<Agent>,
    /// `CdtrAgt` (MT 57a).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub creditor_agent: Option<Agent>,
    /// `IntrmyAgt1..3` in order (MT 56a is the first).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub intermediary_agents: Vec<Agent>,
    /// `InstgAgt` (MT: the sender, from block 1 or 2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instructing_agent: Option<Agent>,
    /// `InstdAgt` (MT: the receiver, from block 1 or 2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instructed_agent: Option<Agent>,
    /// `PrvsInstgAgt1..3` (MT 72 `/INS/`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub previous_instructing_agents: Vec<Agent>,
    /// `SttlmInf/InstgRmbrsmntAgt` (MT 53a, sender's correspondent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instructing_reimbursement_agent: Option<Agent>,
    /// `SttlmInf/InstdRmbrsmntAgt` (MT 54a, receiver's correspondent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instructed_reimbursement_agent: Option<Agent>,
    /// `RmtInf` (MT 70).
    #[serde(default, skip_serializing_if = "Remittance::is_empty")]
    pub remittance: Remittance,
    /// `Purp/Cd` or `Purp/Prtry`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub purpose: Option<String>,
    /// `ChrgBr` (MT 71A).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub charge_bearer: Option<ChargeBearer>,
    /// `InstrForNxtAgt/InstrInf`, `InstrForCdtrAgt/InstrInf` (MT 72 lines).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub instructions: Vec<String>,
    /// For pacs.004: what is returned and why.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub return_info: Option<ReturnInfo>,
    /// For a cover payment (pacs.009 COV `UndrlygCstmrCdtTrf`, MT202COV sequence B): the
    /// customer credit transfer it covers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub underlying: Option<Box<Transfer>>,
    /// Faults the reader worked around without losing a party (a stray `}` after a FIN
    /// message, an unclosed trailer, a placeholder date, an MT202 with customer fields but no
    /// `{119:COV}`, an unknown message version, a transcoded encoding...): the transfer was
    /// still read and screened, and these say what to look at.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
}

/// The role a [`Party`] plays in a transfer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PartyRole {
    /// `Dbtr`: the originator.
    Debtor,
    /// `Cdtr`: the beneficiary.
    Creditor,
    /// `UltmtDbtr`.
    UltimateDebtor,
    /// `UltmtCdtr`.
    UltimateCreditor,
    /// `InitgPty`.
    InitiatingParty,
}

/// The role an [`Agent`] plays in a transfer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AgentRole {
    /// `DbtrAgt`.
    DebtorAgent,
    /// `CdtrAgt`.
    CreditorAgent,
    /// `IntrmyAgtN`.
    IntermediaryAgent,
    /// `InstgAgt`.
    InstructingAgent,
    /// `InstdAgt`.
    InstructedAgent,
    /// `PrvsInstgAgtN`.
    PreviousInstructingAgent,
    /// `InstgRmbrsmntAgt`.
    InstructingReimbursementAgent,
    /// `InstdRmbrsmntAgt`.
    InstructedReimbursementAgent,
}

impl Transfer {
    /// Every party present, with its role (not those of the underlying transfer).
    pub fn parties(&self) -> impl Iterator<Item = (PartyRole, &Party)> {
        [
            (PartyRole::Debtor, &self.debtor),
            (PartyRole::Creditor, &self.creditor),
            (PartyRole::UltimateDebtor, &self.ultimate_debtor),
            (PartyRole::UltimateCreditor, &self.ultimate_creditor),
            (PartyRole::InitiatingParty, &self.initiating_party),
        ]
        .into_iter()
        .filter_map(|(role, party)| party.as_ref().map(|p| (role, p)))
    }

    /// Every agent present, with its role (not those of the underlying transfer).
    pub fn agents(&self) -> impl Iterator<Item = (AgentRole, &Agent)> {
        let single = [
            (AgentRole::DebtorAgent, &self.debtor_agent),
            (AgentRole::CreditorAgent, &self.creditor_agent),
            (AgentRole::InstructingAgent, &self.instructing_agent),
            (AgentRole::InstructedAgent, &self.instructed_agent),
            (
                AgentRole::InstructingReimbursementAgent,
                &self.instructing_reimbursement_agent,
            ),
            (
                AgentRole::InstructedReimbursementAgent,
                &self.instructed_reimbursement_agent,
            ),
        ]
        .into_iter()
        .filter_map(|(role, agent)| agent.as_ref().map(|a| (role, a)));
        let intermediaries = self
            .intermediary_agents
            .iter()
            .map(|a| (AgentRole::IntermediaryAgent, a));
        let previous = self
            .previous_instructing_agents
            .iter()
            .map(|a| (AgentRole::PreviousInstructingAgent, a));
        single.chain(intermediaries).chain(previous)
    }

    /// True for a cover payment (pacs.009 COV, MT202COV, MT205COV).
    pub fn is_cover(&self) -> bool {
        self.underlying.is_some()
    }

    /// The reference that tells this transaction from the others of its file, for alerts and
    /// audit: the UETR, else (ISO 20022) `EndToEndId`, `TxId`, `InstrId`, and only then the
    /// message id, which every transaction of a multi-transaction message shares. An MT
    /// message holds one transaction, so its message id (the MUR, field 108) comes before
    /// field 20, which senders reuse. Blank and placeholder values ([`is_placeholder`]) are
    /// skipped.
    pub fn reference(&self) -> Option<&str> {
        let order = match self.format {
            MessageFormat::SwiftMt => [
                &self.uetr,
                &self.message_id,
                &self.instruction_id,
                &self.end_to_end_id,
                &self.transaction_id,
            ],
            MessageFormat::Iso20022 => [
                &self.uetr,
                &self.end_to_end_id,
                &self.transaction_id,
                &self.instruction_id,
                &self.message_id,
            ],
        };
        order
            .into_iter()
            .flatten()
            .map(|s| s.trim())
            .find(|s| !is_placeholder(s))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_are_exact_and_normalised() {
        let a = Amount::parse("15669.38", b'.').unwrap();
        assert_eq!((a.mantissa(), a.scale()), (1566938, 2));
        assert_eq!(a.to_string(), "15669.38");
        assert_eq!(Amount::parse("0.05", b'.').unwrap().to_string(), "0.05");
        assert_eq!(Amount::parse("1417,8", b',').unwrap().to_string(), "1417.8");
        assert_eq!(
            Amount::parse("500000,", b',').unwrap().to_string(),
            "500000"
        );
        assert!(Amount::parse("9.99", b'.').unwrap() < Amount::parse("10", b'.').unwrap());
    }

    #[test]
    fn bad_amounts_are_refused() {
        assert_eq!(
            Amount::parse("1,0,0", b','),
            Err(AmountError::SeveralSeparators)
        );
        assert_eq!(Amount::parse("-5", b'.'), Err(AmountError::Negative));
        assert_eq!(Amount::parse(",5", b','), Err(AmountError::NoIntegerDigit));
        assert_eq!(
            Amount::parse("1e5", b'.'),
            Err(AmountError::BadCharacter('e'))
        );
        assert_eq!(Amount::parse("", b'.'), Err(AmountError::Empty));
        assert_eq!(
            Amount::parse(&"9".repeat(21), b'.'),
            Err(AmountError::TooLong)
        );
    }

    #[test]
    fn currency_table_is_sorted_and_checked() {
        assert!(ACTIVE_CURRENCIES.windows(2).all(|w| w[0].0 < w[1].0));
        assert_eq!(Currency::parse("KWD").unwrap().minor_units(), Some(3));
        assert_eq!(Currency::parse("JPY").unwrap().minor_units(), Some(0));
        assert!(Currency::parse("usd").is_none());
        assert!(Currency::parse("HRK").is_none());
    }

    #[test]
    fn serde_round_trip_keeps_money_exact() {
        let money = Money {
            amount: Amount::parse("26546464", b'.').unwrap(),
            currency: Currency::parse("RON").unwrap(),
        };
        let json = serde_json::to_string(&money).unwrap();
        assert_eq!(json, r#"{"amount":"26546464","currency":"RON"}"#);
        assert_eq!(serde_json::from_str::<Money>(&json).unwrap(), money);
    }

    #[test]
    fn reference_prefers_the_transaction_ids_to_the_message_id() {
        let mut t = Transfer {
            message_id: Some("MSG".into()),
            instruction_id: Some("INSTR".into()),
            end_to_end_id: Some("NOTPROVIDED".into()),
            ..Transfer::default()
        };
        assert_eq!(t.reference(), Some("INSTR"));
        t.transaction_id = Some(" TX ".into());
        assert_eq!(t.reference(), Some("TX"));
        t.end_to_end_id = Some("E2E".into());
        assert_eq!(t.reference(), Some("E2E"));
        t.uetr = Some("8a562c67-ca16-48ba-b074-65581be6f001".into());
        assert_eq!(t.reference(), t.uetr.as_deref());
        let only_message = Transfer {
            message_id: Some("MSG".into()),
            ..Transfer::default()
        };
        assert_eq!(only_message.reference(), Some("MSG"));
        assert_eq!(Transfer::default().reference(), None);
        let mt = Transfer {
            format: MessageFormat::SwiftMt,
            message_id: Some("MUR1".into()),
            instruction_id: Some("REF20".into()),
            ..Transfer::default()
        };
        assert_eq!(mt.reference(), Some("MUR1"));
    }

    #[test]
    fn bic_country_reads_characters_five_and_six() {
        assert_eq!(bic_country("WPACAU2S"), Some("AU"));
        assert_eq!(bic_country("AB"), None);
        assert_eq!(bic_country("ABCD12XX"), None);
    }
}
