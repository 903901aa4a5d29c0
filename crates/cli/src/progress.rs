//! A progress bar on standard error for long imports, shown only on a terminal.

use std::io::{IsTerminal, Write};
use std::time::{Duration, Instant};

pub struct Bar {
    total: usize,
    shown: Option<Instant>,
    on: bool,
}

impl Bar {
    /// A bar for the rows of `bytes`: its lines, less the header (an estimate for XLSX).
    pub fn new(bytes: &[u8]) -> Bar {
        let total = bytes.iter().filter(|b| **b == b'\n').count().max(1);
        Bar { total, shown: None, on: std::io::stderr().is_terminal() && bytes.len() > 1_000_000 }
    }

    pub fn show(&mut self, rows: usize) {
        if !self.on || self.shown.is_some_and(|t| t.elapsed() < Duration::from_millis(200)) {
            return;
        }
        self.shown = Some(Instant::now());
        let share = (rows as f64 / self.total as f64).min(1.0);
        let filled = (share * 30.0).round() as usize;
        eprint!("\r[{}{}] {:>3}% {rows} rows", "#".repeat(filled), "-".repeat(30 - filled), (share * 100.0) as u32);
        std::io::stderr().flush().ok();
    }

    pub fn done(&mut self) {
        if self.on && self.shown.is_some() {
            eprintln!();
        }
    }
}
