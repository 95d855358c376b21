//! Name tokens as the scorer sees them, and token-to-token similarity.
//!
//! Every comparison runs on romanised lowercase tokens (`cordon_names::romanize`),
//! so a Cyrillic query and a Latin list name meet on the same alphabet.

use cordon_names::TokenKind;
use serde::Serialize;
use smallvec::SmallVec;

/// The rule through which two tokens were found to correspond.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Rule {
    /// Same token.
    Exact,
    /// Same token once both sides are romanised (the query or list name is in another script or has diacritics).
    Transliteration,
    /// Different spellings of one name in the name-equivalence table (Muhammad / Mohammed).
    Equivalence,
    /// Same phonetic key (Usama / Osama).
    Phonetic,
    /// A few edits apart (typos, transliteration drift).
    EditDistance,
    /// An initial (`J`) standing for a full token (`John`).
    Initial,
    /// Two adjacent tokens on one side written as one token on the other (Abdul Rahman / Abdulrahman).
    Compound,
}

/// Lowest token similarity that counts as a correspondence at all.
pub(crate) const MIN_TOKEN_SIM: f32 = 0.70;
/// Similarity of a shared equivalence group.
const EQUIVALENCE_SIM: f32 = 0.95;
/// Similarity of two different legal forms (Corp / Inc): they say little either way.
const LEGAL_FORM_SIM: f32 = 0.9;
/// Similarity of an initial against a full token.
const INITIAL_SIM: f32 = 0.90;
/// Floor similarity of a phonetic-key match.
const PHONETIC_SIM: f32 = 0.86;
/// Floor similarity of a phonetic-key match on a short key (two consonants: ali / eli).
const WEAK_PHONETIC_SIM: f32 = 0.78;
/// Discount of a compound join against a plain match.
const COMPOUND_FACTOR: f32 = 0.97;
/// Tokens longer than this are compared for equality only.
const MAX_EDIT_LEN: usize = 48;

/// A borrowed view of one token with what the scorer needs.
#[derive(Debug, Clone, Copy)]
pub(crate) struct TokenView<'a> {
    pub text: &'a str,
    pub kind: TokenKind,
    /// Evidence weight (kind factor times rarity).
    pub weight: f32,
    /// Hash of the phonetic key; 0 when the key is too short to mean anything.
    pub phon: u64,
    pub groups: &'a [u32],
    /// [`group_bits`] of `groups`.
    pub group_bits: u64,
    /// Hash of the consonant skeleton; 0 when it has fewer than two consonants.
    pub skel: u64,
    /// Romanised from a script that leaves short vowels unwritten (Arabic, Hebrew):
    /// its vowels are guesses, so a shared consonant skeleton is strong evidence.
    pub vowelless: bool,
    /// The set of letters in `text` ([`letter_set`]), for a cheap edit-distance bound.
    pub letters: u32,
    /// Information of the token agreeing by chance ([`crate::commonness::bits`]).
    pub bits: f32,
    /// What the nisba rule needs ([`NisbaFacts`]).
    pub nisba: NisbaFacts,
}

/// An owned token of a prepared name.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct OwnedToken {
    pub text: String,
    pub kind: TokenKind,
    pub weight: f32,
    pub phon: u64,
    pub groups: SmallVec<[u32; 4]>,
    /// [`group_bits`] of `groups`.
    pub group_bits: u64,
    pub skel: u64,
    pub vowelless: bool,
    pub letters: u32,
    /// Information of the token agreeing by chance ([`crate::commonness::bits`]).
    pub bits: f32,
    /// What the nisba rule needs ([`NisbaFacts`]).
    pub nisba: NisbaFacts,
    /// Romanised from a Chinese, Korean or Japanese syllable (query side): one of a
    /// few hundred syllables, so a loose correspondence is weak evidence.
    pub syllabic: bool,
    /// The token's id in the index vocabulary, when it was looked up there and found
    /// (so the index need not hash the text again).
    pub vocab_id: Option<u32>,
}

impl OwnedToken {
    /// Builds a token from a romanised lowercase token with the kind-only weight.
    pub fn new(text: &str) -> OwnedToken {
        // The query constructor with the skeleton computed, then not vowelless.
        let mut token = OwnedToken::new_query(text, true);
        token.vowelless = false;
        token
    }

    /// A query token: as [`OwnedToken::new`], the consonant skeleton only where it is
    /// used (spellings from a vowelless script; see [`token_sim`]).
    pub fn new_query(text: &str, vowelless: bool) -> OwnedToken {
        let kind = cordon_names::token_kind(text);
        let groups = cordon_names::equivalence_groups(text);
        OwnedToken {
            text: text.to_string(),
            kind,
            weight: kind_weight(kind, text),
            phon: phonetic_hash(text),
            groups: groups.iter().copied().collect(),
            group_bits: group_bits(groups),
            skel: if vowelless { skeleton_hash(text) } else { 0 },
            vowelless,
            letters: letter_set(text),
            bits: crate::commonness::bits(text),
            nisba: NisbaFacts::of(text),
            syllabic: false,
            vocab_id: None,
        }
    }

    /// The borrowed view.
    pub fn view(&self) -> TokenView<'_> {
        TokenView {
            text: &self.text,
            kind: self.kind,
            weight: self.weight,
            phon: self.phon,
            groups: &self.groups,
            group_bits: self.group_bits,
            skel: self.skel,
            vowelless: self.vowelless,
            letters: self.letters,
            bits: self.bits,
            nisba: self.nisba,
        }
    }
}

/// True for tokens that identify on their own (not legal forms, particles, titles, generic words).
pub(crate) fn is_distinctive(kind: TokenKind) -> bool {
    kind == TokenKind::Name
}

/// How much a token of this kind weighs before rarity is considered.
pub(crate) fn kind_weight(kind: TokenKind, text: &str) -> f32 {
    match kind {
        TokenKind::Name if text.len() == 1 => 0.3,
        // A number (hull, IMO, registration) identifies as much as a name token.
        TokenKind::Name if text.bytes().all(|b| b.is_ascii_digit()) => 1.0,
        TokenKind::Name => 1.0,
        TokenKind::Generic => 0.3,
        TokenKind::Particle => 0.2,
        TokenKind::LegalForm | TokenKind::Honorific => 0.1,
    }
}

/// A stable 64-bit hash of a tagged key (stable across runs so indexes are reproducible).
pub(crate) fn key_hash(tag: u8, text: &[u8]) -> u64 {
    key_hash_parts(tag, text, &[])
}

/// [`key_hash`] of the concatenation of two byte strings, without building it.
pub(crate) fn key_hash_parts(tag: u8, first: &[u8], second: &[u8]) -> u64 {
    // FNV-1a: tiny, stable and fast on short keys.
    let mut h: u64 = 0xcbf2_9ce4_8422_2325 ^ u64::from(tag);
    for &b in first.iter().chain(second) {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h | 1
}

/// Hash of the token's phonetic key, or 0 when the key carries too little
/// (fewer than two consonants). The lowest bit tells a strong key (three
/// consonants or more), whose agreement is good evidence on its own.
pub(crate) fn phonetic_hash(text: &str) -> u64 {
    let key = cordon_names::phonetic(text);
    let consonants = key.chars().filter(|&c| c != 'A').count();
    if consonants < 2 || text.len() < 3 {
        return 0;
    }
    let h = key_hash(2, key.as_bytes()) & !1;
    if consonants >= 3 {
        h | 1
    } else {
        h | 2
    }
}

/// Hash of the token's consonant skeleton (vowels dropped, digraphs folded), or 0
/// when it has fewer than two consonants. The lowest bit tells three or more.
pub(crate) fn skeleton_hash(text: &str) -> u64 {
    let skel = loose_skeleton(text);
    let consonants = skel.chars().filter(|&c| c != NISBA_MARK).count();
    if consonants < 2 || text.len() < 3 {
        return 0;
    }
    let h = key_hash(4, skel.as_bytes()) & !1;
    if consonants >= 3 {
        h | 1
    } else {
        h | 2
    }
}

/// Marks a skeleton whose token ends in a long -i (a written ya, not a guessed
/// vowel): the nisba that makes a family name of a given name (Karim / Karimi,
/// Jafar / Jafari, Hossein / Hosseini) keeps the two apart.
const NISBA_MARK: char = 'Y';

/// True when a token ends in a long -i as Arabic and Persian names are romanised
/// (`-i`, `-y`, `-ee`): the ya is written in Arabic script, so it is part of
/// the name, unlike the short vowels.
fn ends_in_long_i(text: &str) -> bool {
    text.ends_with(['i', 'y'])
        || text.ends_with("ee")
        || text.ends_with("ie")
        // Slavic and Turkic spellings of the same ending (Sergej, Andrej, Nikolaj).
        || ["aj", "ej", "ij", "oj"].iter().any(|e| text.ends_with(e))
}

/// The consonant skeleton with the ambiguities of Arabic romanisation folded:
/// a final -a/-ah (ta marbuta) dropped, ch = sh (French Alouche), q = k = g
/// (Qadir, Kadir, Ghedeir), p = b; a final long -i kept as [`NISBA_MARK`].
fn loose_skeleton(text: &str) -> String {
    let nisba = ends_in_long_i(text);
    let trimmed = stem(text);
    let mut out = String::with_capacity(trimmed.len());
    for c in cordon_names::consonant_skeleton(trimmed).chars() {
        let c = match c {
            'C' => 'S',
            'q' | 'g' => 'k',
            'p' => 'b',
            c => c,
        };
        if !out.ends_with(c) {
            out.push(c);
        }
    }
    if nisba {
        out.push(NISBA_MARK);
    }
    out
}

/// What [`is_nisba_pair`] needs of one token, computed once per token (at index
/// build for list tokens, at query preparation for query tokens): the rule runs
/// on every pair retrieval and alignment compare, and computing skeletons and
/// table look-ups there cost about a tenth of batch screening (round 3).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(crate) struct NisbaFacts {
    /// Ends in a long -i ([`ends_in_long_i`]): the family-name side of a pair.
    long_i: bool,
    /// A known given name: [`NISBA_MIN_STEM`] letters or more, and the commonness table holds it.
    known: bool,
    /// Letters left without the final vowels (and, for a long -i form, a final -j first).
    stem_len: u16,
    /// Hash of the loose consonant skeleton without the nisba mark.
    skeleton: u64,
}

/// Given names shorter than this are too short to tell a nisba from a typo.
const NISBA_MIN_STEM: usize = 3;

impl NisbaFacts {
    /// The facts of one romanised lowercase token.
    pub(crate) fn of(text: &str) -> NisbaFacts {
        let long_i = ends_in_long_i(text);
        let stem = if long_i {
            text.strip_suffix('j').unwrap_or(text)
        } else {
            text
        };
        let skeleton = loose_skeleton(text);
        let skeleton = skeleton.strip_suffix(NISBA_MARK).unwrap_or(&skeleton);
        NisbaFacts {
            long_i,
            known: text.len() >= NISBA_MIN_STEM && crate::commonness::per_million(text).is_some(),
            stem_len: u16::try_from(stem.trim_end_matches(VOWELS).len()).unwrap_or(u16::MAX),
            skeleton: key_hash(5, skeleton.as_bytes()),
        }
    }
}

/// True when one token is the other with the long -i of a nisba added, and the
/// shorter one is a known name (the commonness table holds it): `karim` /
/// `karimi`, `reza` / `rezaei`, `muhammad` / `mohammadi`, `hossein` / `hosseini`.
/// In Arabic and Persian names the ending makes another name, a family name from
/// a given name, not a spelling of the same one, so neither sound, spelling nor
/// skeleton makes them correspond; forms the equivalence table lists as one name
/// still do.
///
/// When both tokens were written with their vowels, only the ending may differ:
/// without it, the -i form has the given name's consonant skeleton and is no
/// shorter than the given name without its final vowels (`salehi` / `saleh`,
/// `rezaei` / `reza`, `mohammadi` / `mohamed`). A typo elsewhere in the word that
/// happens to leave an -i at the end (`ibrahmi` for `ibrahim`, `sali` for `salim`,
/// `hafzi` for `hafiz`, `mohammaj` for `mohammad`) is a typo, and keeps its near
/// spellings; a real name shaped like such a typo (`salmi` / `salim`) then meets
/// it, and is left to the rest of the name and the qualifiers. A spelling
/// romanised from Arabic script guesses its vowels (`krymy`), so there the
/// written ya alone tells the nisba. A token the table does not know keeps its
/// near spellings (`zawahir` is a typo of `zawahiri`).
fn is_nisba_pair(a: &TokenView<'_>, b: &TokenView<'_>) -> bool {
    let (given, family) = match (a.nisba.long_i, b.nisba.long_i) {
        (true, false) => (&b.nisba, &a.nisba),
        (false, true) => (&a.nisba, &b.nisba),
        _ => return false,
    };
    if !given.known {
        return false;
    }
    if a.vowelless || b.vowelless {
        return true;
    }
    // The skeleton keeps the ending as a mark: without it, the stems must agree.
    family.stem_len >= given.stem_len && family.skeleton == given.skeleton
}

const VOWELS: [char; 6] = ['a', 'e', 'i', 'o', 'u', 'y'];

/// A token without its final vowels, nor a final -h after one (ta marbuta).
fn stem(text: &str) -> &str {
    let trimmed = text.trim_end_matches(VOWELS);
    trimmed
        .strip_suffix('h')
        .filter(|t| t.ends_with(['a', 'e']))
        .unwrap_or(trimmed)
}

/// Similarity of tokens that share a consonant skeleton when one side was
/// romanised from a script without short vowels (three consonants or more).
const SKELETON_SIM: f32 = 0.88;
/// The same on a two-consonant skeleton (Emad / Imed, Mekki / Makki).
const SHORT_SKELETON_SIM: f32 = 0.83;

/// Similarity of two tokens and the rule behind it, or `None` below [`MIN_TOKEN_SIM`].
pub(crate) fn token_sim(a: &TokenView<'_>, b: &TokenView<'_>) -> Option<(f32, Rule)> {
    if !may_correspond(a, b) {
        return None;
    }
    if is_nisba_pair(a, b) {
        return shares_group(a, b).then_some((EQUIVALENCE_SIM, Rule::Equivalence));
    }
    let plain = plain_sim(a, b);
    if !(a.vowelless || b.vowelless) || a.skel == 0 || a.skel != b.skel {
        return plain;
    }
    if !lengths_close(a.text, b.text) {
        return plain;
    }
    let floor = if a.skel & 1 == 1 {
        SKELETON_SIM
    } else {
        SHORT_SKELETON_SIM
    };
    match plain {
        Some((s, rule)) if s >= floor => Some((s, rule)),
        _ => Some((floor, Rule::Phonetic)),
    }
}

/// False when no rule of [`token_sim`] can make the tokens correspond: each rule
/// needs one of these (the same text has the same letters). The scorer and
/// retrieval compare mostly pairs that share nothing; the cheapest tests come
/// first, so those are refused before any string or table is read.
fn may_correspond(a: &TokenView<'_>, b: &TokenView<'_>) -> bool {
    letter_sets_allow(a, b)
        || (a.phon != 0 && a.phon == b.phon)
        || ((a.vowelless || b.vowelless) && a.skel != 0 && a.skel == b.skel)
        || a.text.len() == 1
        || b.text.len() == 1
        || (a.kind == TokenKind::LegalForm && b.kind == TokenKind::LegalForm)
        || shares_group(a, b)
}

fn plain_sim(a: &TokenView<'_>, b: &TokenView<'_>) -> Option<(f32, Rule)> {
    if a.text == b.text {
        return Some((1.0, Rule::Exact));
    }
    if a.text.is_empty() || b.text.is_empty() {
        return None;
    }
    if a.text.len() == 1 || b.text.len() == 1 {
        return initial_sim(a.text, b.text);
    }
    if a.kind == TokenKind::LegalForm && b.kind == TokenKind::LegalForm {
        return Some((LEGAL_FORM_SIM, Rule::Equivalence));
    }
    if shares_group(a, b) {
        return Some((EQUIVALENCE_SIM, Rule::Equivalence));
    }
    // Most pairs a scorer meets share few letters: the set bound rejects them
    // before any counting or dynamic programme (same outcome as `edit_sim`).
    let edit = if letter_sets_allow(a, b) {
        edit_sim(a.text, b.text)
    } else {
        None
    };
    if a.phon != 0 && a.phon == b.phon && lengths_close(a.text, b.text) {
        let floor = if a.phon & 1 == 1 {
            PHONETIC_SIM
        } else {
            WEAK_PHONETIC_SIM
        };
        let s = edit.unwrap_or(0.0).max(floor);
        return Some((s, Rule::Phonetic));
    }
    edit.filter(|s| *s >= MIN_TOKEN_SIM)
        .map(|s| (s, Rule::EditDistance))
}

/// Similarity of a joined pair of tokens against one token (edit-based only).
pub(crate) fn compound_sim(joined: &str, token: &str) -> Option<f32> {
    if joined == token {
        return Some(COMPOUND_FACTOR);
    }
    let s = edit_sim(joined, token)?;
    let s = s * COMPOUND_FACTOR;
    (s >= MIN_TOKEN_SIM).then_some(s)
}

fn initial_sim(a: &str, b: &str) -> Option<(f32, Rule)> {
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    (short.len() == 1 && long.len() > 1 && long.as_bytes().first() == short.as_bytes().first())
        .then_some((INITIAL_SIM, Rule::Initial))
}

/// True when the tokens share a name-equivalence group. Most pairs share no bit
/// of [`group_bits`], and are told so without reading either list of groups.
fn shares_group(a: &TokenView<'_>, b: &TokenView<'_>) -> bool {
    a.group_bits & b.group_bits != 0 && a.groups.iter().any(|g| b.groups.contains(g))
}

/// A 64-bit summary of equivalence groups (bit `g mod 64` for each group `g`):
/// tokens sharing a group share a bit, so no shared bit means no shared group.
pub(crate) fn group_bits(groups: &[u32]) -> u64 {
    groups.iter().fold(0, |bits, g| bits | 1 << (g % 64))
}

fn lengths_close(a: &str, b: &str) -> bool {
    let (la, lb) = (a.len().min(b.len()), a.len().max(b.len()));
    la * 3 >= lb * 2
}

/// The letters of a token as a bit set: bit `i` for the `i`-th ASCII lowercase letter,
/// bit 26 for digits, bit 27 for anything else. Coarse classes keep the bound below valid.
pub(crate) fn letter_set(text: &str) -> u32 {
    text.bytes().fold(0u32, |set, b| {
        set | match b {
            b'a'..=b'z' => 1 << (b - b'a'),
            b'0'..=b'9' => 1 << 26,
            _ => 1 << 27,
        }
    })
}

/// False when the letter sets alone prove the tokens more edits apart than
/// [`edit_sim`] allows: every letter class present on one side only needs an edit
/// of its own, and one edit touches at most one letter on each side.
fn letter_sets_allow(a: &TokenView<'_>, b: &TokenView<'_>) -> bool {
    let allowed = allowed_edits(a.text.len().max(b.text.len()));
    at_most_bits(a.letters & !b.letters, allowed) && at_most_bits(b.letters & !a.letters, allowed)
}

/// True when at most `k` bits of `x` are set. Clears the lowest set bit `k` times:
/// for the few edits a token allows, cheaper than counting every bit (the
/// portable build has no population-count instruction).
pub(crate) fn at_most_bits(mut x: u32, k: usize) -> bool {
    for _ in 0..k {
        x &= x.wrapping_sub(1);
    }
    x == 0
}

/// Edits allowed for a token of this length before two tokens stop corresponding.
pub(crate) fn allowed_edits(len: usize) -> usize {
    match len {
        0..=3 => 0,
        4..=5 => 1,
        6..=9 => 2,
        _ => 3,
    }
}

/// Similarity lost per edit, as a share of the token length (tokens of six letters or more).
const EDIT_COST: f32 = 0.5;
/// Similarity lost per edit in tokens of five letters or fewer.
const SHORT_EDIT_COST: f32 = 0.6;

/// Edit-distance similarity `1 - k d / len`, or `None` past the allowed edits.
pub(crate) fn edit_sim(a: &str, b: &str) -> Option<f32> {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let len = a.len().max(b.len());
    let allowed = allowed_edits(len);
    if allowed == 0 || a.len().abs_diff(b.len()) > allowed || len > MAX_EDIT_LEN {
        return None;
    }
    if letter_bound(a, b) > allowed {
        return None;
    }
    let d = osa_distance(a, b, allowed)?;
    // Short tokens: one letter is a larger share of the name's identity.
    let k = if len <= 5 { SHORT_EDIT_COST } else { EDIT_COST };
    Some(1.0 - k * d as f32 / len as f32)
}

/// A lower bound of the edit distance from letter counts alone: every edit
/// (insertion, deletion, substitution) changes the counts by at most one on
/// each side, and a transposition not at all. Cheap enough to run before
/// the dynamic programme, which most candidate pairs never need.
fn letter_bound(a: &[u8], b: &[u8]) -> usize {
    let mut counts = [0u8; 128];
    for &x in a {
        if let Some(c) = counts.get_mut(usize::from(x & 0x7f)) {
            *c = c.saturating_add(1);
        }
    }
    // Letters of `b` that find a partner in `a`; every other letter of
    // either side needs an edit.
    let mut shared = 0usize;
    for &x in b {
        if let Some(c) = counts.get_mut(usize::from(x & 0x7f)) {
            if *c > 0 {
                *c -= 1;
                shared += 1;
            }
        }
    }
    a.len().max(b.len()) - shared
}

/// Optimal-string-alignment distance (Levenshtein plus adjacent transpositions),
/// `None` when it exceeds `bound`. Inputs are at most [`MAX_EDIT_LEN`] bytes.
fn osa_distance(a: &[u8], b: &[u8], bound: usize) -> Option<usize> {
    if a.len() > MAX_EDIT_LEN || b.len() > MAX_EDIT_LEN {
        return None;
    }
    let d = osa_bits(a, b);
    (d <= bound).then_some(d)
}

/// Optimal-string-alignment distance by Hyyrö's bit-vector algorithm ("A
/// bit-vector algorithm for computing Levenshtein and Damerau edit distances",
/// 2003): one column of the distance matrix is two words of vertical deltas, so a
/// letter of `a` costs a dozen word operations instead of a row of cells. `b` is
/// at most 64 bytes.
fn osa_bits(a: &[u8], b: &[u8]) -> usize {
    let m = b.len();
    if m == 0 {
        return a.len();
    }
    // Positions of each byte value in `b`.
    let mut peq = [0u64; 256];
    for (i, &c) in b.iter().enumerate().take(64) {
        if let Some(mask) = peq.get_mut(usize::from(c)) {
            *mask |= 1 << i;
        }
    }
    let width = if m >= 64 { u64::MAX } else { (1u64 << m) - 1 };
    let last = 1u64 << (m.min(64) - 1);
    let (mut vp, mut vn) = (width, 0u64);
    let (mut d0_prev, mut pm_prev) = (0u64, 0u64);
    let mut distance = m;
    for &c in a {
        let pm = peq.get(usize::from(c)).copied().unwrap_or(0);
        // An adjacent transposition: this letter matches at j, the previous at j + 1,
        // where the previous column had no free diagonal.
        let transposed = ((!d0_prev & pm) << 1) & pm_prev;
        let d0 = ((((pm & vp).wrapping_add(vp)) ^ vp) | pm | vn | transposed) & width;
        let hp = vn | !(d0 | vp);
        let hn = d0 & vp;
        if hp & last != 0 {
            distance += 1;
        } else if hn & last != 0 {
            distance -= 1;
        }
        let x = (hp << 1) | 1;
        vn = x & d0;
        vp = ((hn << 1) | !(x | d0)) & width;
        d0_prev = d0;
        pm_prev = pm;
    }
    distance
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sim(a: &str, b: &str) -> Option<(f32, Rule)> {
        let (a, b) = (OwnedToken::new(a), OwnedToken::new(b));
        token_sim(&a.view(), &b.view())
    }

    /// Plain full-matrix optimal string alignment distance, for reference.
    fn reference_osa(a: &[u8], b: &[u8]) -> usize {
        let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
        for (i, row) in d.iter_mut().enumerate() {
            row[0] = i;
        }
        for (j, cell) in d[0].iter_mut().enumerate() {
            *cell = j;
        }
        for i in 1..=a.len() {
            for j in 1..=b.len() {
                let cost = usize::from(a[i - 1] != b[j - 1]);
                let mut v = (d[i - 1][j] + 1)
                    .min(d[i][j - 1] + 1)
                    .min(d[i - 1][j - 1] + cost);
                if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                    v = v.min(d[i - 2][j - 2] + 1);
                }
                d[i][j] = v;
            }
        }
        d[a.len()][b.len()]
    }

    proptest::proptest! {
        /// The bit summary never hides a shared group (group ids spread wide and
        /// packed close, so that bits collide both ways).
        #[test]
        fn shares_group_is_sharing_a_group(
            a in proptest::collection::vec(proptest::prop_oneof![0u32..200, 0u32..u32::MAX], 0..5),
            b in proptest::collection::vec(proptest::prop_oneof![0u32..200, 0u32..u32::MAX], 0..5),
        ) {
            let view = |groups: &[u32]| {
                let mut t = OwnedToken::new("x");
                t.groups = groups.iter().copied().collect();
                t.group_bits = group_bits(groups);
                t
            };
            let (ta, tb) = (view(&a), view(&b));
            let shared = a.iter().any(|g| b.contains(g));
            proptest::prop_assert_eq!(shares_group(&ta.view(), &tb.view()), shared);
        }
    }

    proptest::proptest! {
        /// The rolling-row distance equals the full matrix (within the bound), and the
        /// letter-set and letter-count bounds never exceed it, so the cheap rejections
        /// change no outcome.
        #[test]
        fn bounds_and_rolling_rows_agree_with_the_full_matrix(
            a in "[a-f0-9 -]{0,14}",
            b in "[a-f0-9 -]{0,14}",
        ) {
            let d = reference_osa(a.as_bytes(), b.as_bytes());
            let bound = 6;
            let rolled = osa_distance(a.as_bytes(), b.as_bytes(), bound);
            proptest::prop_assert_eq!(rolled, (d <= bound).then_some(d));
            proptest::prop_assert!(letter_bound(a.as_bytes(), b.as_bytes()) <= d);
            let (ta, tb) = (OwnedToken::new(&a), OwnedToken::new(&b));
            let only_a = (ta.letters & !tb.letters).count_ones() as usize;
            let only_b = (tb.letters & !ta.letters).count_ones() as usize;
            proptest::prop_assert!(only_a.max(only_b) <= d);
            for k in 0..4 {
                proptest::prop_assert_eq!(at_most_bits(ta.letters & !tb.letters, k), only_a <= k);
            }
        }

        /// The bit-vector distance equals the full matrix on a two-letter alphabet
        /// (transpositions everywhere) and on long tokens.
        #[test]
        fn bit_vector_distance_agrees_with_the_full_matrix(
            a in "[ab]{0,20}|[a-z]{30,48}",
            b in "[ab]{0,20}|[a-z]{30,48}",
        ) {
            proptest::prop_assert_eq!(osa_bits(a.as_bytes(), b.as_bytes()), reference_osa(a.as_bytes(), b.as_bytes()));
        }
    }

    #[test]
    fn letter_bound_never_exceeds_distance() {
        for (a, b) in [
            ("scholz", "scholze"),
            ("abcd", "abdc"),
            ("muhammad", "mohamed"),
            ("x", "yy"),
        ] {
            let d = osa_distance(a.as_bytes(), b.as_bytes(), 8).unwrap_or(usize::MAX);
            assert!(letter_bound(a.as_bytes(), b.as_bytes()) <= d, "{a} {b}");
        }
    }

    #[test]
    fn distances() {
        assert_eq!(osa_distance(b"scholz", b"scholze", 2), Some(1));
        assert_eq!(osa_distance(b"abcd", b"abdc", 2), Some(1));
        assert_eq!(osa_distance(b"kitten", b"sitting", 2), None);
        assert_eq!(osa_distance(b"kitten", b"sitting", 3), Some(3));
    }

    #[test]
    fn skeletons_count_only_for_vowelless_romanisations() {
        let arabic = |t: &str| {
            let mut o = OwnedToken::new(t);
            o.vowelless = true;
            o
        };
        let (q, l) = (arabic("alush"), OwnedToken::new("alouche"));
        assert!(token_sim(&q.view(), &l.view()).is_some_and(|s| s.0 >= SKELETON_SIM - 0.1));
        let (q, l) = (arabic("astankazi"), OwnedToken::new("stanekzai"));
        assert!(token_sim(&q.view(), &l.view()).is_some());
        assert!(sim("astankazi", "stanekzai").is_none());
    }

    #[test]
    fn a_nisba_is_another_name() {
        let arabic = |t: &str| {
            let mut o = OwnedToken::new(t);
            o.vowelless = true;
            o
        };
        for (given, family) in [
            ("karim", "karimi"),
            ("jafar", "jafari"),
            ("hossein", "hosseini"),
            ("reza", "rezaei"),
            ("muhammad", "mohammadi"),
            ("hashim", "hashemi"),
            ("saleh", "salehi"),
            ("mohamed", "mohammadi"),
        ] {
            assert!(sim(given, family).is_none(), "{given} {family}");
            let (q, l) = (arabic(family), OwnedToken::new(given));
            assert!(
                token_sim(&q.view(), &l.view()).is_none(),
                "{family} {given}"
            );
        }
        // The long -i is kept in the skeleton, so a vowelless spelling of the
        // family name does not meet the given name either.
        assert_ne!(skeleton_hash("krymy"), skeleton_hash("karim"));
        assert_eq!(skeleton_hash("krymy"), skeleton_hash("karimi"));
        // Spellings of one name that end alike still meet, and so does a typo of a
        // name the commonness table does not know.
        assert!(sim("hashimi", "hashemi").is_some());
        assert!(sim("zawahir", "zawahiri").is_some());
        // A typo that leaves an -i at the end, elsewhere in the word, is a typo.
        for (typo, name) in [
            ("ibrahmi", "ibrahim"),
            ("sali", "salim"),
            ("hafzi", "hafiz"),
            ("yassni", "yassin"),
            ("mohammaj", "mohammad"),
            ("adli", "adil"),
        ] {
            assert!(sim(typo, name).is_some(), "{typo} {name}");
        }
        assert_eq!(skeleton_hash("fatimah"), skeleton_hash("fatima"));
    }

    #[test]
    fn token_rules() {
        assert_eq!(sim("olaf", "olaf"), Some((1.0, Rule::Exact)));
        assert_eq!(sim("j", "john").map(|s| s.1), Some(Rule::Initial));
        assert!(sim("scholze", "scholz").is_some());
        assert!(sim("ante", "andrej").is_none());
        assert!(
            sim("kim", "gim").is_none() || sim("kim", "gim").map(|s| s.1) == Some(Rule::Phonetic)
        );
        assert_eq!(
            compound_sim("abdulrahman", "abdulrahman"),
            Some(COMPOUND_FACTOR)
        );
    }
}
