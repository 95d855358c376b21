//! Japan Ministry of Finance asset-freeze list (資産凍結等経済制裁対象者リスト),
//! an xlsx workbook of one overview sheet and one sheet per programme.
//!
//! Each programme sheet has a title, notes, then a header row with at least
//! `告示日付` (notice date), `告示番号` (notice number), `日本語表記`
//! (Japanese name, katakana) and `英語表記` (English name); the other columns
//! differ by sheet and are found by their header text: aliases (`別名`,
//! `別称`, `別名・別称`, `確定可能な別名`), weak aliases (`確定に十分でない別名`,
//! "aliases not sufficient to identify"), former names (`旧称`, `過去の別名`),
//! date of birth (`生年月日`), place of birth (`出生地`), nationality
//! (`国籍`), passport (`旅券番号`), identity numbers (`ID番号`, `身分登録番号`,
//! `身分証番号`), address (`住所`, `所在地`), titles and positions (`称号`,
//! `肩書`, `役職`) and other information (`その他の情報`, `詳細`).
//!
//! An entity is one row; its id is `SHEET-NUMBER` (the sheet's programme
//! number and the notice number). Rows whose notice was withdrawn (`削除`)
//! hold no name and are skipped; sheets without such a header (the overview,
//! the revoked programmes) are skipped. A row is a person on a sheet for
//! individuals (`個人`), an organisation on one for entities or banks (`団体`,
//! `銀行`), and elsewhere a person when it gives a date of birth, title,
//! nationality or passport. The English name is primary, the katakana name an
//! original-script name. Dates are read from Japanese (`1941年8月20日`,
//! `1963年頃` circa, `1955年-1958年` ranges, `1965年又は1966年`), English or
//! Excel serial form. Nationalities are read where the cell holds an English
//! country name (`エジプトEgypt`); katakana country names are kept in the
//! remarks only.

use crate::generic::loose_date;
use crate::text::{self, non_empty, push_unique, scripted};
use crate::uk::{document, split_numbered};
use crate::xlsx::{self, Sheet};
use crate::{Error, ParsedList, Result};
use cordon_model::{
    dates, Address, BirthDate, DateQualifier, Entity, IdentifierKind, Name, NameKind, NameQuality,
    PartialDate, Place, Schema,
};

/// Reads the MOF workbook.
pub fn read(bytes: &[u8]) -> Result<ParsedList> {
    let sheets = xlsx::sheets(bytes)?;
    let mut list = ParsedList {
        source: "jp_mof".into(),
        ..ParsedList::default()
    };
    let mut read_sheets = 0;
    let mut newest_notice = None;
    for sheet in &sheets {
        if read_sheet(sheet, &mut list, &mut newest_notice)? {
            read_sheets += 1;
        }
    }
    if read_sheets == 0 {
        return Err(Error::Format(
            "not the Japan MOF asset-freeze list: no sheet has the 告示番号/日本語表記/英語表記 header".into(),
        ));
    }
    list.version = newest_notice.map(|d: PartialDate| d.to_string());
    Ok(list)
}

/// The publication date the Ministry gives a release in its file name
/// (`shisantouketsu20260305.xlsx` -> `2026-03-05`), the list's true version
/// date; `None` for any other name.
pub fn publication_date(file_name: &str) -> Option<String> {
    let lower = file_name.to_ascii_lowercase();
    let digits = lower
        .strip_prefix("shisantouketsu")?
        .strip_suffix(".xlsx")?;
    if digits.len() != 8 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let number = |range: std::ops::Range<usize>| digits.get(range)?.parse::<u8>().ok();
    let year = digits.get(..4)?.parse::<i32>().ok()?;
    // `new` refuses a month or day that no calendar has.
    PartialDate::new(year, Some(number(4..6)?), Some(number(6..8)?)).map(|d| d.to_string())
}

/// Whether a row is a programme sheet's header.
pub(crate) fn is_header(row: &[String]) -> bool {
    ["告示番号", "日本語表記", "英語表記"]
        .iter()
        .all(|column| row.iter().any(|c| c.trim() == *column))
}

/// Column positions of one sheet, by header text.
struct Layout {
    date: Option<usize>,
    number: usize,
    japanese: usize,
    english: usize,
    aliases: Vec<usize>,
    weak_aliases: Vec<usize>,
    former: Vec<usize>,
    birth_date: Option<usize>,
    birth_place: Option<usize>,
    nationality: Option<usize>,
    passport: Option<usize>,
    national_id: Option<usize>,
    address: Option<usize>,
    titles: Vec<usize>,
    other: Vec<usize>,
}

impl Layout {
    fn new(header: &[String]) -> Option<Layout> {
        let find = |test: &dyn Fn(&str) -> bool| header.iter().position(|h| test(h.trim()));
        let all = |test: &dyn Fn(&str) -> bool| -> Vec<usize> {
            header
                .iter()
                .enumerate()
                .filter(|(_, h)| test(h.trim()))
                .map(|(i, _)| i)
                .collect()
        };
        let weak = |h: &str| h.contains("十分でない");
        let former = |h: &str| h.starts_with("旧称") || h.starts_with("過去の");
        Some(Layout {
            date: find(&|h| h == "告示日付"),
            number: find(&|h| h == "告示番号")?,
            japanese: find(&|h| h == "日本語表記")?,
            english: find(&|h| h == "英語表記")?,
            aliases: all(&|h| (h.contains("別名") || h.contains("別称")) && !weak(h) && !former(h)),
            weak_aliases: all(&weak),
            former: all(&former),
            birth_date: find(&|h| h.starts_with("生年月日")),
            birth_place: find(&|h| h.starts_with("出生地")),
            nationality: find(&|h| h == "国籍"),
            passport: find(&|h| h == "旅券番号"),
            national_id: find(&|h| h == "ID番号" || h == "身分登録番号" || h == "身分証番号"),
            address: find(&|h| h.contains("住所") || h.contains("所在地")),
            titles: all(&|h| h == "称号" || h.starts_with("肩書") || h == "役職"),
            other: all(&|h| h == "その他の情報" || h == "詳細" || h.starts_with("指定の根拠")),
        })
    }
}

/// Reads one sheet into the list; `false` when it is not a programme sheet.
/// `newest_notice` is raised to the newest notice date of the sheet's rows,
/// withdrawn ones included: the day of the last change the file records.
fn read_sheet(
    sheet: &Sheet,
    list: &mut ParsedList,
    newest_notice: &mut Option<PartialDate>,
) -> Result<bool> {
    let Some(header_at) = sheet.rows.iter().position(|row| is_header(row)) else {
        return Ok(false);
    };
    let Some(layout) = sheet.rows.get(header_at).and_then(|h| Layout::new(h)) else {
        return Ok(false);
    };
    let (number, programme) = sheet_programme(&sheet.name);
    let kind_of_sheet = sheet_schema(&sheet.name);
    for (offset, row) in sheet.rows.iter().enumerate().skip(header_at + 1) {
        let cell = |i: Option<usize>| i.and_then(|i| row.get(i)).map_or("", String::as_str);
        let dates: Vec<PartialDate> = cell(layout.date).lines().filter_map(notice_date).collect();
        *newest_notice = dates.iter().copied().chain(*newest_notice).max();
        let english = first_line(cell(Some(layout.english)));
        let japanese = first_line(cell(Some(layout.japanese)));
        if english.is_none() && japanese.is_none() {
            continue;
        }
        let mut notice = text::clean(cell(Some(layout.number)));
        if notice.is_empty() {
            // Keep the entry under its row number rather than drop a listed name.
            notice = format!("row{}", offset + 1);
            list.warnings.push(format!(
                "sheet `{}`, row {}: `{}` has no 告示番号 (notice number); kept as id {number}-{notice}",
                sheet.name,
                offset + 1,
                english.clone().or(japanese.clone()).unwrap_or_default()
            ));
        }
        let schema = kind_of_sheet.unwrap_or_else(|| row_schema(&layout, row));
        let mut entity = Entity::new(&list.source, &format!("{number}-{notice}"), schema);
        add_names(&mut entity, &layout, row);
        add_details(&mut entity, &layout, row);
        let designation = &mut entity.designation;
        designation.programmes.push(programme.clone());
        designation.listed_on = dates.iter().min().copied();
        designation.last_updated = dates.iter().max().copied();
        list.entities.push(entity);
    }
    Ok(true)
}

/// `29.ロシア連邦(個人)` -> (`29`, `ロシア連邦(個人)`).
fn sheet_programme(name: &str) -> (String, String) {
    let name = name.trim();
    match name.split_once('.') {
        Some((number, rest)) if number.chars().all(|c| c.is_ascii_digit()) => {
            (number.to_string(), rest.trim().to_string())
        }
        _ => (text::slug(name), name.to_string()),
    }
}

/// Persons on a sheet for individuals, organisations on one for entities or banks.
fn sheet_schema(name: &str) -> Option<Schema> {
    if name.contains("個人") {
        Some(Schema::Person)
    } else if name.contains("団体") || name.contains("銀行") {
        Some(Schema::Organization)
    } else {
        None
    }
}

/// On a mixed sheet: a person when the row gives personal details.
fn row_schema(at: &Layout, row: &[String]) -> Schema {
    let personal = [at.birth_date, at.nationality, at.passport]
        .into_iter()
        .chain(at.titles.iter().copied().map(Some))
        .flatten()
        .any(|i| row.get(i).is_some_and(|c| !c.trim().is_empty()));
    if personal {
        Schema::Person
    } else {
        Schema::Organization
    }
}

fn first_line(text: &str) -> Option<String> {
    text.lines().find_map(non_empty)
}

fn add_names(entity: &mut Entity, at: &Layout, row: &[String]) {
    let cell = |i: usize| row.get(i).map_or("", String::as_str);
    let english = cell(at.english);
    let mut lines = english.lines().filter_map(non_empty);
    if let Some(primary) = lines.next() {
        entity.push_name(scripted(Name::new(primary, NameKind::Primary)));
    }
    // Further lines: `(original script: ...)` or more English spellings.
    for line in lines {
        let inner = line
            .trim_start_matches(['(', '（'])
            .trim_end_matches([')', '）'])
            .trim();
        let (kind, value) = match inner.split_once(':').or_else(|| inner.split_once('：')) {
            Some((label, value)) if label.to_ascii_lowercase().contains("original") => {
                (NameKind::OriginalScript, value.trim())
            }
            _ => (NameKind::Alias, inner),
        };
        if let Some(value) = non_empty(value) {
            entity.push_name(scripted(Name::new(value, kind)));
        }
    }
    if let Some(japanese) = first_line(cell(at.japanese)) {
        let mut name = scripted(Name::new(japanese, NameKind::OriginalScript));
        name.lang = Some("jpn".into());
        entity.push_name(name);
    }
    for (columns, kind, quality) in [
        (&at.aliases, NameKind::Alias, NameQuality::Strong),
        (&at.weak_aliases, NameKind::Alias, NameQuality::Weak),
        (&at.former, NameKind::Former, NameQuality::Strong),
    ] {
        for &column in columns {
            for alias in name_list(cell(column)) {
                let kind = if kind == NameKind::Alias
                    && text::script_of(&alias).is_some_and(|s| s != "Latn")
                {
                    NameKind::OriginalScript
                } else {
                    kind
                };
                entity.push_name(scripted(Name::new(alias, kind)).with_quality(quality));
            }
        }
    }
}

/// Names in a cell: one per line, `(a)`/`（b）` item or `;`, with `a.k.a.:`
/// labels and wrapping parentheses removed; `不明` (unknown) is no name.
fn name_list(cell: &str) -> Vec<String> {
    let cell = halfwidth(cell);
    let mut names = Vec::new();
    for line in cell.lines() {
        for item in split_numbered(line) {
            for piece in item.split([';', '；']) {
                let piece = piece
                    .trim()
                    .trim_start_matches('(')
                    .trim_end_matches(')')
                    .trim();
                let piece = ["a.k.a.:", "a.k.a.", "f.k.a.:", "f.k.a.", "aka:"]
                    .iter()
                    .find_map(|label| piece.strip_prefix(label))
                    .unwrap_or(piece);
                if let Some(name) = non_empty(piece).filter(|n| n != "不明") {
                    push_unique(&mut names, name);
                }
            }
        }
    }
    names
}

fn add_details(entity: &mut Entity, at: &Layout, row: &[String]) {
    let cell = |i: Option<usize>| i.and_then(|i| row.get(i)).map_or("", String::as_str);
    for date in birth_dates(cell(at.birth_date)) {
        push_unique(&mut entity.birth_dates, date);
    }
    if let Some(place) = known(cell(at.birth_place)) {
        push_unique(
            &mut entity.birth_places,
            Place {
                country: english_country(&place),
                text: place,
            },
        );
    }
    if let Some(nationality) = known(cell(at.nationality)) {
        for item in split_numbered(&halfwidth(&nationality)) {
            if let Some(code) = english_country(&item) {
                push_unique(&mut entity.nationalities, code);
            }
        }
    }
    for (column, kind) in [
        (at.passport, IdentifierKind::Passport),
        (at.national_id, IdentifierKind::NationalId),
    ] {
        let Some(value) = known(cell(column)) else {
            continue;
        };
        for item in split_numbered(&halfwidth(&value)) {
            push_unique(&mut entity.identifiers, document(kind.clone(), item));
        }
    }
    if let Some(address) = known(cell(at.address)) {
        let country = english_country(&address);
        push_unique(
            &mut entity.addresses,
            Address {
                text: address,
                city: None,
                country,
            },
        );
    }
    let remarks: Vec<String> = at
        .titles
        .iter()
        .chain(&at.other)
        .filter_map(|&i| known(cell(Some(i))))
        .collect();
    if !remarks.is_empty() {
        entity.designation.remarks = Some(remarks.join("\n"));
    }
    if let Some(nationality) = known(cell(at.nationality)) {
        if entity.nationalities.is_empty() {
            let remark = format!("国籍 (nationality): {nationality}");
            let remarks = entity.designation.remarks.get_or_insert_with(String::new);
            if !remarks.is_empty() {
                remarks.push('\n');
            }
            remarks.push_str(&remark);
        }
    }
}

/// The cell's text unless empty or `不明` (unknown).
fn known(cell: &str) -> Option<String> {
    let cleaned = text::clean(&cell.replace("\r\n", "\n").replace('\n', " / "));
    non_empty(&cleaned).filter(|c| c != "不明")
}

/// A country from the English words in a cell (`エジプトEgypt`, `Tehran, Iran`).
fn english_country(text: &str) -> Option<String> {
    let latin: String = text
        .chars()
        .map(|c| if c.is_ascii() { c } else { ' ' })
        .collect();
    let latin = text::clean(&latin);
    if latin.is_empty() {
        return None;
    }
    text::country_code(&latin).or_else(|| {
        let parts: Vec<&str> = latin.split([',', '/', '(']).collect();
        parts
            .into_iter()
            .rev()
            .find_map(|part| text::country_code(part.trim().trim_end_matches(')')))
    })
}

/// Fullwidth digits, letters, parentheses and spaces as ASCII.
fn halfwidth(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            '\u{3000}' => ' ',
            _ => c,
        })
        .collect()
}

/// `2002.3.1`, `2008.6.25改訂` (amended), `2011.11.18削除` (withdrawn).
fn notice_date(line: &str) -> Option<PartialDate> {
    let line = halfwidth(line);
    let digits: String = line
        .trim()
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '.')
        .collect();
    let mut parts = digits.split('.').map(|p| p.parse::<i32>().ok());
    let (Some(Some(year)), Some(Some(month)), Some(Some(day))) =
        (parts.next(), parts.next(), parts.next())
    else {
        return loose_date(&line);
    };
    PartialDate::new(year, u8::try_from(month).ok(), u8::try_from(day).ok())
}

/// Dates of birth in any of the forms the sheets use: Japanese lines (items
/// `(a)`, `(b)` may each have their own line) first, English lines
/// (`Born on 10 July 1942`) when no Japanese date is found.
fn birth_dates(cell: &str) -> Vec<BirthDate> {
    let cell = halfwidth(cell);
    if let Ok(serial) = cell.trim().parse::<i64>() {
        return xlsx::date_of_serial(serial)
            .map(BirthDate::exact)
            .into_iter()
            .collect();
    }
    let mut out = Vec::new();
    for line in cell.lines().filter(|l| l.contains('年')) {
        for item in split_numbered(line) {
            for alternative in item.split("又は") {
                if let Some(date) = japanese_date(alternative) {
                    push_unique(&mut out, date);
                }
            }
        }
    }
    if out.is_empty() {
        for line in cell.lines() {
            let line = line
                .trim()
                .trim_start_matches("Born on")
                .trim_start_matches("Born");
            for item in split_numbered(line) {
                if let Some(date) = dates::parse_loose(item.trim()) {
                    push_unique(&mut out, date);
                }
            }
        }
    }
    out
}

/// `1941年8月20日`, `1970年`, `1963年頃` (circa), `1955年-1958年頃` (a range).
fn japanese_date(text: &str) -> Option<BirthDate> {
    let approximate = text.contains('頃');
    let (first, second) = match text.split_once(['-', '～', '〜', '－']) {
        Some((a, b)) => (a, Some(b)),
        None => (text, None),
    };
    let from = ymd(first)?;
    if let Some(to) = second.and_then(ymd) {
        return (from <= to).then_some(BirthDate {
            qualifier: DateQualifier::Between,
            date: from,
            to: Some(to),
        });
    }
    Some(BirthDate {
        qualifier: if approximate {
            DateQualifier::Approximate
        } else {
            DateQualifier::Exact
        },
        date: from,
        to: None,
    })
}

/// The first `Y年[M月[D日]]` in the text.
fn ymd(text: &str) -> Option<PartialDate> {
    let (year_text, rest) = text.split_once('年')?;
    let year: i32 = year_text
        .chars()
        .rev()
        .take_while(char::is_ascii_digit)
        .collect::<String>()
        .chars()
        .rev()
        .collect::<String>()
        .parse()
        .ok()?;
    let number_before = |text: &str, mark: char| -> Option<u8> {
        let (head, _) = text.split_once(mark)?;
        head.trim().parse().ok()
    };
    let month = number_before(rest, '月');
    let day = month.and_then(|_| {
        let (_, after_month) = rest.split_once('月')?;
        number_before(after_month, '日')
    });
    PartialDate::new(year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    const MOF: &str = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/data/lists/public/jp/jp_mof_asset_freeze_list_2026-03-05.xlsx"
    );

    fn mof() -> ParsedList {
        read(&std::fs::read(MOF).unwrap()).unwrap()
    }

    #[test]
    fn japanese_dates() {
        let exact = japanese_date("1941年8月20日セルビア共和国生").unwrap();
        assert_eq!(exact.date.to_string(), "1941-08-20");
        let circa = japanese_date("1963年頃").unwrap();
        assert_eq!(
            (circa.qualifier, circa.date.to_string()),
            (DateQualifier::Approximate, "1963".into())
        );
        let range = japanese_date("1955年-1958年頃").unwrap();
        assert_eq!(range.year_range(), (1955, 1958));
        assert_eq!(birth_dates("1965年又は1966年").len(), 2);
        assert_eq!(
            birth_dates("(a)1955年-1958年頃\n(b)１945年-1950年頃").len(),
            2
        );
        // Excel serial: Saddam Hussein, 28 April 1937.
        assert_eq!(birth_dates("13633")[0].date.to_string(), "1937-04-28");
        assert_eq!(
            notice_date("2008.6.25改訂").unwrap().to_string(),
            "2008-06-25"
        );
        assert_eq!(japanese_date("不明"), None);
    }

    #[test]
    fn the_version_is_the_day_of_the_last_notice_withdrawals_included() {
        // The workbook's newest notice is the withdrawal `2026.3.5削除`
        // (found in its shared strings by a python scan); the newest notice
        // of a listed row is 2025-11-25, the date this reader gave before.
        assert_eq!(mof().version.as_deref(), Some("2026-03-05"));
        assert!(mof()
            .entities
            .iter()
            .filter_map(|e| e.designation.last_updated)
            .all(|d| d.to_string().as_str() <= "2025-11-25"));
    }

    #[test]
    fn the_publication_date_is_in_the_ministrys_file_name() {
        assert_eq!(
            publication_date("shisantouketsu20260305.xlsx").as_deref(),
            Some("2026-03-05")
        );
        assert_eq!(
            publication_date("SHISANTOUKETSU20251120.XLSX").as_deref(),
            Some("2025-11-20")
        );
        for other in [
            "shisantouketsu20261305.xlsx",
            "shisantouketsu20260230.xlsx",
            "shisantouketsu2026035.xlsx",
            "shisantouketsu20260305.pdf",
            "jp_mof_asset_freeze_list_2026-03-05.xlsx",
            "shisantouketsu+2026030.xlsx",
        ] {
            assert_eq!(publication_date(other), None, "{other}");
        }
    }

    #[test]
    fn counts_match_the_workbook() {
        let list = mof();
        // Rows with an English or Japanese name under each sheet's header,
        // counted from the workbook's raw XML by a python scan.
        assert_eq!(list.entities.len(), 2862);
        let ids: std::collections::HashSet<&str> =
            list.entities.iter().map(|e| e.id.as_str()).collect();
        assert_eq!(ids.len(), list.entities.len(), "ids are unique");
    }

    #[test]
    fn putin_and_akhund() {
        let list = mof();
        let putin = list
            .entities
            .iter()
            .find(|e| e.caption() == "Vladimir Putin")
            .unwrap();
        assert_eq!(putin.schema, Schema::Person);
        assert_eq!(putin.birth_dates[0].date.to_string(), "1952-10-07");
        assert!(putin
            .names
            .iter()
            .any(|n| n.full == "ウラジーミル・プーチン" && n.kind == NameKind::OriginalScript));
        assert_eq!(putin.designation.programmes, ["ロシア連邦(個人)"]);
        let akhund = list
            .entities
            .iter()
            .find(|e| e.caption() == "MOHAMMAD HASSAN AKHUND")
            .unwrap();
        assert_eq!(akhund.id, "jp_mof:2-2");
        assert_eq!(akhund.birth_dates.len(), 2);
        insta::assert_json_snapshot!("jp_mof_akhund", akhund);
    }
}
