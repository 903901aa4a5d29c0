//! Tables in and out: CSV (UTF-8, with or without BOM, `,` or `;`) and XLSX (first sheet) in;
//! CSV, JSON and XLSX out.

use std::io::Cursor;

/// A table read from a file: the header and each data row with its line number (the header
/// is line 1).
#[derive(Debug, Clone, Default)]
pub struct Table {
    pub header: Vec<String>,
    pub rows: Vec<(usize, Vec<String>)>,
}

impl Table {
    /// The position of column `name`, if present.
    pub fn col(&self, name: &str) -> Option<usize> {
        self.header.iter().position(|h| h == name)
    }
}

/// Output formats of exports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    Json,
    Xlsx,
}

impl Format {
    pub fn parse(s: &str) -> Result<Format, &'static str> {
        match s {
            "csv" => Ok(Format::Csv),
            "json" => Ok(Format::Json),
            "xlsx" => Ok(Format::Xlsx),
            _ => Err("format.unknown"),
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Format::Csv => "text/csv; charset=utf-8",
            Format::Json => "application/json",
            Format::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Json => "json",
            Format::Xlsx => "xlsx",
        }
    }
}

/// Reads a CSV or XLSX file (told apart by content, not name).
pub fn read_table(bytes: &[u8]) -> Result<Table, String> {
    let mut reader = TableReader::open(bytes)?;
    let mut table = Table { header: std::mem::take(&mut reader.header), rows: Vec::new() };
    while let Some(row) = reader.next_row() {
        table.rows.push(row?);
    }
    Ok(table)
}

/// Reads a table a row at a time, so that a CSV file of a million rows is never held as
/// strings all at once. XLSX sheets are read whole (the format allows no less).
pub struct TableReader<'a> {
    pub header: Vec<String>,
    source: Source<'a>,
}

enum Source<'a> {
    Csv {
        reader: csv::Reader<&'a [u8]>,
        text: &'a [u8],
        record: csv::StringRecord,
        /// The byte offset and line number of the last record read, to count lines onward.
        offset: usize,
        line: usize,
    },
    Rows(std::vec::IntoIter<(usize, Vec<String>)>),
}

impl<'a> TableReader<'a> {
    pub fn open(bytes: &'a [u8]) -> Result<TableReader<'a>, String> {
        if bytes.starts_with(b"PK\x03\x04") {
            let t = read_xlsx(bytes)?;
            return Ok(TableReader { header: t.header, source: Source::Rows(t.rows.into_iter()) });
        }
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        let text =
            std::str::from_utf8(bytes).map_err(|e| format!("the file is not UTF-8 text (byte {})", e.valid_up_to()))?;
        // The first record as the CSV reader sees it: a lone carriage return ends it too.
        let first_line = text.split(['\r', '\n']).next().unwrap_or("");
        let delimiter = if first_line.matches(';').count() > first_line.matches(',').count() { b';' } else { b',' };
        let reader =
            csv::ReaderBuilder::new().delimiter(delimiter).has_headers(false).flexible(true).from_reader(bytes);
        let mut r = TableReader {
            header: Vec::new(),
            source: Source::Csv { reader, text: bytes, record: csv::StringRecord::new(), offset: 0, line: 1 },
        };
        if let Some(first) = r.next_any() {
            r.header = first?.1.iter().map(|h| h.trim().to_lowercase()).collect();
        }
        Ok(r)
    }

    /// The next row that has any content, with its line number (the header is line 1).
    pub fn next_row(&mut self) -> Option<Result<(usize, Vec<String>), String>> {
        loop {
            match self.next_any()? {
                Ok((_, cells)) if cells.iter().all(|c| c.trim().is_empty()) => continue,
                other => return Some(other),
            }
        }
    }

    fn next_any(&mut self) -> Option<Result<(usize, Vec<String>), String>> {
        match &mut self.source {
            Source::Rows(rows) => rows.next().map(Ok),
            Source::Csv { reader, text, record, offset, line } => match reader.read_record(record) {
                Err(e) => Some(Err(format!("the file could not be read as CSV: {e}"))),
                Ok(false) => None,
                Ok(true) => {
                    // The line the record starts on, counted from its byte offset (the csv
                    // crate's own line count does not follow CRLF files), onward from the last.
                    let mut b = record.position().map(|p| p.byte() as usize).unwrap_or(*offset).max(*offset);
                    while b < text.len() && (text[b] == b'\n' || text[b] == b'\r') {
                        b += 1;
                    }
                    *line += text[*offset..b].iter().filter(|c| **c == b'\n').count();
                    *offset = b;
                    Some(Ok((*line, record.iter().map(str::to_owned).collect())))
                }
            },
        }
    }
}

fn cell_text(d: &calamine::Data) -> String {
    use calamine::Data;
    match d {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(dt) => match dt.as_datetime() {
            Some(t) if t.time() == chrono::NaiveTime::MIN => t.date().format("%Y-%m-%d").to_string(),
            Some(t) => t.format("%Y-%m-%d %H:%M:%S").to_string(),
            None => dt.to_string(),
        },
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Error(e) => format!("#{e:?}"),
    }
}

/// The longest cell reference a workbook can hold: column XFD (3 letters), row 1,048,576
/// (7 digits).
const REF_LETTERS: u32 = 3;
const REF_DIGITS: u32 = 7;

/// Refuses a workbook whose cell references (the `r` and `ref` attributes of any part) are
/// longer than a spreadsheet's: the XLSX reader adds their letters and digits up without
/// checking, and overflows on such a file. Streams each part of the archive once.
fn check_references(bytes: &[u8]) -> Result<(), String> {
    use std::io::Read;
    let unreadable = |e: zip::result::ZipError| format!("the file could not be read as XLSX: {e}");
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(unreadable)?;
    let mut buf = vec![0u8; 64 * 1024];
    for i in 0..archive.len() {
        let mut part = archive.by_index(i).map_err(unreadable)?;
        let mut scan = RefScan::default();
        loop {
            let n = part.read(&mut buf).map_err(|e| format!("the file could not be read as XLSX: {e}"))?;
            if n == 0 {
                break;
            }
            if buf[..n].iter().any(|&b| !scan.push(b)) {
                return Err(format!(
                    "the file could not be read as XLSX: a cell reference in {} is longer than a \
                     spreadsheet's (column XFD, row 1048576 at most)",
                    part.name().unwrap_or_default()
                ));
            }
        }
    }
    Ok(())
}

/// Where a scan of XML is: outside a tag, in an attribute's name, after one, after its `=`, or
/// in its value.
#[derive(Default, PartialEq)]
enum At {
    #[default]
    Text,
    Name,
    AfterName,
    AfterEq,
    Value,
}

/// A byte-by-byte reader of XML attributes that checks the letters and digits of every
/// reference in an `r` or `ref` attribute (ranges and lists of them too).
#[derive(Default)]
struct RefScan {
    at: At,
    name: Vec<u8>,
    quote: u8,
    checking: bool,
    letters: u32,
    digits: u32,
}

impl RefScan {
    /// Takes the next byte; false when a reference is longer than a spreadsheet's.
    fn push(&mut self, b: u8) -> bool {
        match self.at {
            At::Text => {
                if b == b'<' {
                    self.at = At::Name;
                    self.name.clear();
                }
            }
            At::Name | At::AfterName if b == b'>' => self.at = At::Text,
            At::Name | At::AfterName if b == b'=' => self.at = At::AfterEq,
            At::Name if b.is_ascii_whitespace() => self.at = At::AfterName,
            At::Name => {
                if self.name.len() < 8 {
                    self.name.push(b);
                }
            }
            At::AfterName if b.is_ascii_whitespace() => {}
            At::AfterName => {
                self.name.clear();
                self.name.push(b);
                self.at = At::Name;
            }
            At::AfterEq if b.is_ascii_whitespace() => {}
            At::AfterEq if b == b'"' || b == b'\'' => {
                self.quote = b;
                self.checking = self.name == b"r" || self.name == b"ref";
                self.letters = 0;
                self.digits = 0;
                self.at = At::Value;
            }
            At::AfterEq if b == b'>' => self.at = At::Text,
            At::AfterEq => {
                self.name.clear();
                self.at = At::Name;
            }
            At::Value if b == self.quote => {
                self.name.clear();
                self.at = At::AfterName;
            }
            At::Value if self.checking => {
                if b.is_ascii_alphabetic() {
                    self.letters += 1;
                } else if b.is_ascii_digit() {
                    self.digits += 1;
                } else if b == b':' || b.is_ascii_whitespace() {
                    self.letters = 0;
                    self.digits = 0;
                }
                return self.letters <= REF_LETTERS && self.digits <= REF_DIGITS;
            }
            At::Value => {}
        }
        true
    }
}

fn read_xlsx(bytes: &[u8]) -> Result<Table, String> {
    use calamine::Reader;
    check_references(bytes)?;
    let mut wb: calamine::Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(bytes))
        .map_err(|e| format!("the file could not be read as XLSX: {e}"))?;
    let range = wb
        .worksheet_range_at(0)
        .ok_or_else(|| "the workbook has no sheet".to_owned())?
        .map_err(|e| format!("the first sheet could not be read: {e}"))?;
    let start_row = range.start().map(|(r, _)| r as usize).unwrap_or(0);
    let mut table = Table::default();
    for (i, row) in range.rows().enumerate() {
        let cells: Vec<String> = row.iter().map(cell_text).collect();
        if i == 0 {
            table.header = cells.iter().map(|h| h.trim().to_lowercase()).collect();
        } else if cells.iter().any(|c| !c.trim().is_empty()) {
            table.rows.push((start_row + i + 1, cells));
        }
    }
    Ok(table)
}

/// A cell a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab, carriage return at
/// the start) is written with a leading apostrophe; import removes it again.
pub fn neutralise(cell: &str) -> String {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{cell}") } else { cell.to_owned() }
}

/// Undoes [`neutralise`].
pub fn unneutralise(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if rest.starts_with(['=', '+', '-', '@', '\t', '\r']) => rest,
        _ => cell,
    }
}

/// Writes a table in the chosen format. Empty cells are empty (CSV, XLSX) or null (JSON).
pub fn write_table(format: Format, sheet: &str, header: &[&str], rows: &[Vec<String>]) -> Result<Vec<u8>, String> {
    match format {
        Format::Csv => {
            let mut w = csv::Writer::from_writer(Vec::new());
            w.write_record(header).map_err(|e| e.to_string())?;
            for r in rows {
                w.write_record(r.iter().map(|c| neutralise(c))).map_err(|e| e.to_string())?;
            }
            w.into_inner().map_err(|e| e.to_string())
        }
        Format::Json => {
            let items: Vec<serde_json::Value> = rows
                .iter()
                .map(|r| {
                    let mut o = serde_json::Map::new();
                    for (h, c) in header.iter().zip(r) {
                        o.insert(
                            (*h).to_owned(),
                            if c.is_empty() { serde_json::Value::Null } else { c.clone().into() },
                        );
                    }
                    serde_json::Value::Object(o)
                })
                .collect();
            serde_json::to_vec_pretty(&items).map_err(|e| e.to_string())
        }
        Format::Xlsx => {
            let mut wb = rust_xlsxwriter::Workbook::new();
            let ws = wb.add_worksheet();
            ws.set_name(sheet).map_err(|e| e.to_string())?;
            let bold = rust_xlsxwriter::Format::new().set_bold();
            for (c, h) in header.iter().enumerate() {
                ws.write_string_with_format(0, c as u16, *h, &bold).map_err(|e| e.to_string())?;
            }
            for (r, row) in rows.iter().enumerate() {
                for (c, cell) in row.iter().enumerate() {
                    if !cell.is_empty() {
                        // Strings throughout: identifiers keep their leading zeros.
                        ws.write_string((r + 1) as u32, c as u16, cell).map_err(|e| e.to_string())?;
                    }
                }
            }
            ws.set_freeze_panes(1, 0).map_err(|e| e.to_string())?;
            wb.save_to_buffer().map_err(|e| e.to_string())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_with_bom_and_semicolons() {
        let t = read_table("\u{feff}ref;name\r\nA1;\"Jensen; Søn\"\r\n\r\nA2;Brdr. Holm\r\n".as_bytes()).unwrap();
        assert_eq!(t.header, vec!["ref", "name"]);
        assert_eq!(t.rows.len(), 2);
        assert_eq!(t.rows[0], (2, vec!["A1".to_owned(), "Jensen; Søn".to_owned()]));
        assert_eq!(t.rows[1].0, 4, "line numbers count blank lines");
    }

    #[test]
    fn xlsx_round_trip() {
        let bytes =
            write_table(Format::Xlsx, "organisations", &["ref", "cvr"], &[vec!["A1".into(), "03595471".into()]])
                .unwrap();
        let t = read_table(&bytes).unwrap();
        assert_eq!(t.header, vec!["ref", "cvr"]);
        assert_eq!(t.rows, vec![(2, vec!["A1".to_owned(), "03595471".to_owned()])]);
    }

    #[test]
    fn formulas_are_neutralised_and_restored() {
        let bytes =
            write_table(Format::Csv, "x", &["name"], &[vec!["=HYPERLINK(\"x\")".into()], vec!["-5".into()]]).unwrap();
        let text = String::from_utf8(bytes.clone()).unwrap();
        assert!(text.contains("'=HYPERLINK"));
        let t = read_table(&bytes).unwrap();
        assert_eq!(unneutralise(&t.rows[0].1[0]), "=HYPERLINK(\"x\")");
        assert_eq!(unneutralise(&t.rows[1].1[0]), "-5");
        assert_eq!(unneutralise("'plain"), "'plain");
    }

    fn scan(xml: &str) -> bool {
        let mut s = RefScan::default();
        xml.bytes().all(|b| s.push(b))
    }

    #[test]
    fn cell_references_longer_than_a_sheet_are_found() {
        assert!(scan(r#"<row r="1048576"><c r="XFD1048576" t="s"><v>1</v></c></row>"#));
        assert!(scan(r#"<dimension ref="A1:XFD1048576"/><mergeCell ref='B2:C3'/>"#));
        assert!(scan("<is><t>ABCDEFGHIJ12345678901</t></is>"), "text is not a reference");
        assert!(scan(r#"<c s="ABCDEFGHIJ" t="1234567890">"#), "other attributes are not references");
        assert!(!scan(r#"<c r="ABCDEFG1">"#));
        assert!(!scan(r#"<c r = 'A12345678'>"#), "either quote, spaces around =");
        assert!(!scan(r#"<dimension ref="A1:AAAA1"/>"#));
        assert!(!scan(r#"<row r="99999999999">"#));
    }

    #[test]
    fn a_workbook_whose_references_overflow_is_refused_not_read() {
        // Found by the fuzzer: a column of letters long enough to overflow the reader's count.
        let bytes = include_bytes!("../../../fuzz/corpus/import_table/xlsx-cell-reference-overflow");
        let err = read_table(bytes).unwrap_err();
        assert!(err.contains("could not be read as XLSX"), "{err}");
    }

    #[test]
    fn not_utf8_is_named() {
        assert!(read_table(b"ref,name\nA,\xff\xfe").unwrap_err().contains("UTF-8"));
    }
}
