//! The private subject query: RFC 9497 OPRF mode over ristretto255-SHA512
//! (the `voprf` crate), used as an OPRF-based private set intersection.
//!
//! 1. The asker (FIU A) builds the match keys of its subjects, blinds each
//!    one with a fresh random scalar and sends only the blinded points.
//! 2. The holder (FIU B) multiplies each point by its secret key (it sees
//!    random-looking points: it learns how many keys were asked, nothing of
//!    them) and sends them back with the PRF outputs of its own subjects'
//!    keys, sorted (so their order says nothing).
//! 3. The asker unblinds, finishes the PRF of its own keys and looks them up
//!    among the holder's outputs. It learns which of its subjects meet (and
//!    how many outputs the holder sent); the outputs of subjects it did not
//!    ask about are pseudorandom to it.
//!
//! The holder's key never leaves it and is fresh for each run of the
//! service, so outputs cannot be compared across runs. Every query is
//! counted against the asker's allowance ([`RateLimit`]): without a limit an
//! asker could test a whole population one guess at a time.

use std::collections::{BTreeMap, HashSet};
use std::time::{Duration, Instant};

use rand_core::OsRng;
use serde::{Deserialize, Serialize};
use voprf::{BlindedElement, EvaluationElement, OprfClient, OprfServer};

use crate::match_keys::{held_keys, match_keys, MatchKey, Subject};
use crate::{Error, Result};

/// RFC 9497's ristretto255-SHA512 suite.
pub type Suite = voprf::Ristretto255;

/// Bytes of each PRF output the holder sends: 128 bits keep accidental
/// collisions out of reach (birthday bound 2^64 outputs) at a quarter of
/// the full 64-byte output's size on the wire.
pub const OUTPUT_BYTES: usize = 16;

/// The largest query one message may carry (match keys, not subjects):
/// bounds the holder's work and memory per request.
pub const MAX_KEYS_PER_QUERY: usize = 100_000;

/// The protocol version both sides speak.
pub const PROTOCOL_VERSION: u32 = 1;

/// What the asker sends.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QueryRequest {
    /// [`PROTOCOL_VERSION`].
    pub version: u32,
    /// Blinded points (32 bytes each, hex).
    pub blinded: Vec<String>,
}

/// What the holder answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QueryResponse {
    /// The evaluated points, in the request's order (hex).
    pub evaluated: Vec<String>,
    /// The holder's own PRF outputs, truncated to [`OUTPUT_BYTES`], sorted (hex).
    pub holdings: Vec<String>,
}

/// One line on the wire from the holder: the answer, or why it was refused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reply {
    /// The query was answered.
    Answer(QueryResponse),
    /// The query was refused (rate limit, malformed request): the reason.
    Refused {
        /// Why, in words.
        error: String,
    },
}

/// Reads the asker's request line as it arrives on the wire (JSON).
pub fn parse_request(line: &[u8]) -> Result<QueryRequest> {
    crate::keys::parse_json(line, "request")
}

/// Reads the holder's reply line as it arrives on the wire (JSON).
pub fn parse_reply(line: &[u8]) -> Result<Reply> {
    crate::keys::parse_json(line, "reply")
}

/// The holder's side: a secret OPRF key and its own subjects' outputs.
pub struct Holder {
    server: OprfServer<Suite>,
    holdings: Vec<String>,
    subjects: usize,
}

fn oprf_error(what: &str, error: voprf::Error) -> Error {
    Error::invalid(what, format!("{error:?}"))
}

fn truncated(output: &[u8]) -> String {
    hex::encode(&output[..OUTPUT_BYTES.min(output.len())])
}

impl Holder {
    /// A holder with a fresh random key over `subjects`.
    pub fn new(subjects: &[Subject]) -> Result<Holder> {
        let server =
            OprfServer::<Suite>::new(&mut OsRng).map_err(|e| oprf_error("the holder's key", e))?;
        let mut holdings = Vec::new();
        for subject in subjects {
            for key in held_keys(subject) {
                let output = server
                    .evaluate(&key.input)
                    .map_err(|e| oprf_error(&subject.id, e))?;
                holdings.push(truncated(&output));
            }
        }
        holdings.sort_unstable();
        holdings.dedup();
        Ok(Holder {
            server,
            holdings,
            subjects: subjects.len(),
        })
    }

    /// How many subjects it holds.
    pub fn subjects(&self) -> usize {
        self.subjects
    }

    /// How many distinct outputs it sends with each answer.
    pub fn outputs(&self) -> usize {
        self.holdings.len()
    }

    /// Evaluates a query. Malformed points are refused, naming the index.
    pub fn answer(&self, request: &QueryRequest) -> Result<QueryResponse> {
        if request.version != PROTOCOL_VERSION {
            return Err(Error::invalid(
                "query",
                format!(
                    "protocol version {}, expected {PROTOCOL_VERSION}",
                    request.version
                ),
            ));
        }
        if request.blinded.len() > MAX_KEYS_PER_QUERY {
            return Err(Error::invalid(
                "query",
                format!(
                    "{} keys, at most {MAX_KEYS_PER_QUERY} per query",
                    request.blinded.len()
                ),
            ));
        }
        let mut evaluated = Vec::with_capacity(request.blinded.len());
        for (index, point) in request.blinded.iter().enumerate() {
            let bytes = hex::decode(point)
                .map_err(|_| Error::invalid("query", format!("blinded[{index}] is not hex")))?;
            let blinded = BlindedElement::<Suite>::deserialize(&bytes).map_err(|_| {
                Error::invalid(
                    "query",
                    format!("blinded[{index}] is not a ristretto255 point"),
                )
            })?;
            evaluated.push(hex::encode(
                self.server.blind_evaluate(&blinded).serialize(),
            ));
        }
        Ok(QueryResponse {
            evaluated,
            holdings: self.holdings.clone(),
        })
    }
}

/// The asker's state between request and response.
pub struct Pending {
    /// Per blinded point: the subject index, its key and the client state.
    entries: Vec<(usize, MatchKey, OprfClient<Suite>)>,
    ids: Vec<String>,
}

/// What the asker learns about one of its own subjects.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Answer {
    /// The asker's own id.
    pub id: String,
    /// True when the holder holds the subject under at least one key.
    pub known: bool,
    /// The key kinds that met (sorted).
    pub keys: Vec<String>,
}

/// Blinds every match key of `subjects`.
pub fn prepare(subjects: &[Subject]) -> Result<(Pending, QueryRequest)> {
    let mut entries = Vec::new();
    let mut blinded = Vec::new();
    for (index, subject) in subjects.iter().enumerate() {
        for key in match_keys(subject) {
            let result = OprfClient::<Suite>::blind(&key.input, &mut OsRng)
                .map_err(|e| oprf_error(&subject.id, e))?;
            blinded.push(hex::encode(result.message.serialize()));
            entries.push((index, key, result.state));
        }
    }
    let ids = subjects.iter().map(|s| s.id.clone()).collect();
    Ok((
        Pending { entries, ids },
        QueryRequest {
            version: PROTOCOL_VERSION,
            blinded,
        },
    ))
}

/// Unblinds the holder's answer and says, per subject in order, whether it
/// is held and under which key kinds.
pub fn conclude(pending: Pending, response: &QueryResponse) -> Result<Vec<Answer>> {
    if response.evaluated.len() != pending.entries.len() {
        return Err(Error::invalid(
            "answer",
            format!(
                "{} evaluated points for {} asked",
                response.evaluated.len(),
                pending.entries.len()
            ),
        ));
    }
    let holdings: HashSet<&str> = response.holdings.iter().map(String::as_str).collect();
    let mut met: BTreeMap<usize, Vec<String>> = BTreeMap::new();
    for ((subject, key, client), point) in pending.entries.iter().zip(&response.evaluated) {
        let bytes = hex::decode(point)
            .map_err(|_| Error::invalid("answer", "an evaluated point is not hex"))?;
        let element = EvaluationElement::<Suite>::deserialize(&bytes).map_err(|_| {
            Error::invalid("answer", "an evaluated point is not a ristretto255 point")
        })?;
        let output = client
            .finalize(&key.input, &element)
            .map_err(|e| oprf_error("answer", e))?;
        if holdings.contains(truncated(&output).as_str()) {
            met.entry(*subject).or_default().push(key.kind.to_string());
        }
    }
    Ok(pending
        .ids
        .into_iter()
        .enumerate()
        .map(|(index, id)| {
            let mut keys = met.remove(&index).unwrap_or_default();
            keys.sort();
            keys.dedup();
            Answer {
                id,
                known: !keys.is_empty(),
                keys,
            }
        })
        .collect())
}

/// A fixed-window allowance of match keys per asker: at most `keys` in any
/// `window`. Time is passed in, so the rule is testable without waiting.
pub struct RateLimit {
    keys: usize,
    window: Duration,
    used: BTreeMap<String, (Instant, usize)>,
}

impl RateLimit {
    /// At most `keys` match keys per asker per `window`.
    pub fn new(keys: usize, window: Duration) -> RateLimit {
        RateLimit {
            keys,
            window,
            used: BTreeMap::new(),
        }
    }

    /// Counts `n` keys for `asker` at `now`, or refuses (counting nothing).
    pub fn take(&mut self, asker: &str, n: usize, now: Instant) -> Result<()> {
        let entry = self.used.entry(asker.to_string()).or_insert((now, 0));
        if now.duration_since(entry.0) >= self.window {
            *entry = (now, 0);
        }
        if entry.1 + n > self.keys {
            return Err(Error::RateLimited(format!(
                "{asker} asked {} keys of {} allowed per {} s; {n} more refused",
                entry.1,
                self.keys,
                self.window.as_secs()
            )));
        }
        entry.1 += n;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn person(id: &str, name: &str, dob: &str) -> Subject {
        Subject {
            id: id.into(),
            name: name.into(),
            dob: Some(dob.into()),
            ..Subject::default()
        }
    }

    #[test]
    fn the_asker_learns_which_of_its_subjects_are_held() {
        let holder = Holder::new(&[
            person("b1", "Гулмурод Ҳалимов", "1975-05-14"),
            person("b2", "Rustam Nazarov", "1980-01-01"),
        ])
        .unwrap();
        let asked = [
            person("a1", "Gulmurod Khalimov", "1975-05-14"),
            person("a2", "Aziz Karimov", "1975-05-14"),
        ];
        let (pending, request) = prepare(&asked).unwrap();
        let response = holder.answer(&request).unwrap();
        let answers = conclude(pending, &response).unwrap();
        assert_eq!(
            answers[0],
            Answer {
                id: "a1".into(),
                known: true,
                keys: vec!["name_dob".into()]
            }
        );
        assert!(!answers[1].known);
    }

    #[test]
    fn a_malformed_point_is_refused_by_index() {
        let holder = Holder::new(&[]).unwrap();
        let request = QueryRequest {
            version: 1,
            blinded: vec!["00".repeat(32), "ff".repeat(32)],
        };
        let error = holder.answer(&request).unwrap_err().to_string();
        assert!(
            error.contains("blinded[0]") || error.contains("blinded[1]"),
            "{error}"
        );
    }

    #[test]
    fn the_allowance_refuses_and_then_renews() {
        let mut limit = RateLimit::new(10, Duration::from_secs(60));
        let start = Instant::now();
        limit.take("a", 8, start).unwrap();
        assert!(matches!(
            limit.take("a", 3, start),
            Err(Error::RateLimited(_))
        ));
        limit.take("b", 10, start).unwrap();
        limit
            .take("a", 10, start + Duration::from_secs(61))
            .unwrap();
    }

    proptest::proptest! {
        #[test]
        fn no_query_makes_the_holder_panic(points in proptest::collection::vec("[0-9a-f]{0,70}", 0..8), version in 0u32..3) {
            let holder = Holder::new(&[person("b1", "Rustam Nazarov", "1980-01-01")]).unwrap();
            let request = QueryRequest { version, blinded: points };
            if let Ok(response) = holder.answer(&request) {
                proptest::prop_assert_eq!(response.evaluated.len(), request.blinded.len());
            }
        }

        #[test]
        fn no_answer_makes_the_asker_panic(points in proptest::collection::vec("[0-9a-f]{0,70}", 0..4)) {
            let (pending, _) = prepare(&[person("a1", "Aziz Karimov", "1975-05-14")]).unwrap();
            let response = QueryResponse { evaluated: points, holdings: vec!["00".repeat(16)] };
            let _ = conclude(pending, &response);
        }
    }
}
