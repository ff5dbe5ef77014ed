//! Benchmarks record what they measured in `figures/<name>.md` (the README copies the files in,
//! see `rigshare readme`), with the command and the date, so no figure is pasted by hand.

use std::path::PathBuf;

/// The workspace's `figures/` directory.
pub fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../figures")
}

/// Prints `body` and writes it to `figures/<name>.md` under a line naming `command` and today.
pub fn record(name: &str, command: &str, body: &str) {
    print!("{body}");
    let text = format!("Measured with `{command}` on {} ({} cores):\n\n{body}", today(), cores());
    let root = dir().join("..");
    match rigshare_cli::pipeline::figures::write(&root, name, &text) {
        Ok(path) => eprintln!("wrote {} (`scripts/rigshare readme` copies it into README.md)", path.display()),
        Err(e) => eprintln!("could not record the figure: {e:#}"),
    }
}

/// The rows of the Markdown table in `figures/<name>.md`, each as its cells.
pub fn table_rows(name: &str) -> Vec<Vec<String>> {
    let path = dir().join(format!("{name}.md"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    text.lines()
        .filter(|l| l.starts_with('|') && !l.starts_with("|--") && !l.starts_with("|:"))
        .skip(1)
        .map(|l| l.trim_matches('|').split('|').map(|c| c.trim().to_owned()).collect())
        .collect()
}

fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, usize::from)
}

/// Today's date (UTC) as YYYY-MM-DD, from the system clock (civil-from-days, proleptic Gregorian).
fn today() -> String {
    let days = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs() / 86_400) as i64;
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

#[cfg(test)]
mod tests {
    #[test]
    fn today_is_a_date() {
        let d = super::today();
        assert_eq!(d.len(), 10);
        assert!(d.starts_with("20"), "{d}");
    }
}
