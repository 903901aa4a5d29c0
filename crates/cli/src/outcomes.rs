//! `accord report redundancy`: the outcomes report of redundancy support for a terminal, or
//! as CSV, JSON or XLSX.

use accord_app::redundancy::{OutcomesReport, outcome_table};
use accord_domain::Lang;
use anyhow::{Result, anyhow, bail};

/// The report in the chosen format: `table`, `csv`, `json` or `xlsx`.
pub fn render(r: &OutcomesReport, lang: Lang, format: &str) -> Result<Vec<u8>> {
    let t = |k: &str| accord_web::i18n::t(lang, k);
    match format {
        "json" => {
            let mut v = serde_json::to_vec_pretty(r)?;
            v.push(b'\n');
            Ok(v)
        }
        "table" => Ok(text(&outcome_table(r, lang, t)).into_bytes()),
        "csv" | "xlsx" => {
            let mut rows = outcome_table(r, lang, t);
            let header = rows.remove(0);
            let header: Vec<&str> = header.iter().map(String::as_str).collect();
            let f = if format == "csv" { accord_app::files::Format::Csv } else { accord_app::files::Format::Xlsx };
            accord_app::files::write_table(f, "Outcomes", &header, &rows).map_err(|e| anyhow!(e))
        }
        other => bail!("unknown format \"{other}\": use table, csv, json or xlsx"),
    }
}

/// The rows of [`outcome_table`] in aligned columns: the section named once where it starts,
/// labels to the left, figures to the right.
pub fn text(rows: &[Vec<String>]) -> String {
    use std::fmt::Write;
    let columns = rows.iter().map(Vec::len).max().unwrap_or(0);
    let mut widths = vec![0; columns];
    for row in rows {
        for (i, cell) in row.iter().enumerate() {
            widths[i] = widths[i].max(cell.chars().count());
        }
    }
    let mut out = String::new();
    let mut section = None;
    for (n, row) in rows.iter().enumerate() {
        let mut line = String::new();
        for (i, cell) in row.iter().enumerate() {
            let w = widths[i];
            let shown = if i == 0 && n > 0 && section == Some(cell) { "" } else { cell.as_str() };
            if i > 0 {
                line.push_str("  ");
            }
            if i < 2 {
                let _ = write!(line, "{shown:<w$}");
            } else {
                let _ = write!(line, "{shown:>w$}");
            }
        }
        if n > 0 {
            // A blank line between sections.
            if section.is_some_and(|s| Some(s) != row.first()) {
                out.push('\n');
            }
            section = row.first();
        }
        let _ = writeln!(out, "{}", line.trim_end());
        if n == 0 {
            let total: usize = widths.iter().sum::<usize>() + 2 * columns.saturating_sub(1);
            let _ = writeln!(out, "{}", "-".repeat(total));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn aligned_sections() {
        let row = |v: &[&str]| v.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        let rows = vec![
            row(&["Section", "Label", "Registered", "Sustained"]),
            row(&["Event", "Rover", "300", "<5"]),
            row(&["Event", "Other", "12", "0"]),
            row(&["Total", "", "312", "7"]),
        ];
        let t = super::text(&rows);
        let lines: Vec<&str> = t.lines().collect();
        assert_eq!(lines[0], "Section  Label  Registered  Sustained");
        assert!(lines[1].starts_with("-----"));
        assert_eq!(lines[2], "Event    Rover         300         <5");
        assert_eq!(lines[3], "         Other          12          0");
        assert_eq!(lines[4], "");
        assert_eq!(lines[5], "Total                  312          7");
    }
}
