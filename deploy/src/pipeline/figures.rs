//! The figures the README shows (code sizes, gas, speed), never pasted by hand: the command
//! that measures one writes it to `figures/<name>.md`, `rigshare readme` copies every figure
//! into README.md between `<!-- figures/<name>.md -->` and `<!-- end figures/<name>.md -->`,
//! and `deploy/tests/readme.rs` fails when the README and the files disagree or when a figure
//! that can be recomputed (sizes, gas) no longer matches the code.

use std::{
    fs,
    path::{Path, PathBuf},
};

use anyhow::{bail, Context, Result};

/// `figures/` under the workspace root.
pub fn dir(root: &Path) -> PathBuf {
    root.join("figures")
}

/// Writes `figures/<name>.md`.
pub fn write(root: &Path, name: &str, text: &str) -> Result<PathBuf> {
    let path = dir(root).join(format!("{name}.md"));
    fs::create_dir_all(dir(root)).with_context(|| format!("creating {}", dir(root).display()))?;
    fs::write(&path, text).with_context(|| format!("writing {}", path.display()))?;
    Ok(path)
}

/// Every figure file: (name, contents), by name.
pub fn all(root: &Path) -> Result<Vec<(String, String)>> {
    let mut out = Vec::new();
    for entry in fs::read_dir(dir(root)).with_context(|| format!("reading {}", dir(root).display()))? {
        let path = entry?.path();
        if path.extension().is_some_and(|e| e == "md") {
            let name = path.file_stem().and_then(|s| s.to_str()).context("figure file name")?.to_owned();
            out.push((name, fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?));
        }
    }
    out.sort();
    Ok(out)
}

fn markers(name: &str) -> (String, String) {
    (format!("<!-- figures/{name}.md -->\n"), format!("<!-- end figures/{name}.md -->"))
}

/// `readme` with figure `name`'s block holding `text`; the block must exist.
pub fn embed(readme: &str, name: &str, text: &str) -> Result<String> {
    let (open, close) = markers(name);
    let Some(start) = readme.find(&open) else { bail!("README.md has no {} marker", open.trim()) };
    let body = start + open.len();
    let Some(len) = readme[body..].find(&close) else { bail!("README.md has no {close} after {}", open.trim()) };
    Ok(format!("{}{}{}", &readme[..body], text, &readme[body + len..]))
}

/// The text between figure `name`'s markers in `readme`.
pub fn embedded<'r>(readme: &'r str, name: &str) -> Option<&'r str> {
    let (open, close) = markers(name);
    let body = readme.find(&open)? + open.len();
    let len = readme[body..].find(&close)?;
    Some(&readme[body..body + len])
}

/// The README with every figure file copied in.
pub fn refreshed_readme(root: &Path) -> Result<String> {
    let mut readme = fs::read_to_string(root.join("README.md")).context("reading README.md")?;
    for (name, text) in all(root)? {
        readme = embed(&readme, &name, &text)?;
    }
    Ok(readme)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embeds_between_markers_and_reads_back() {
        let readme = "intro\n<!-- figures/gas.md -->\nold\n<!-- end figures/gas.md -->\nrest\n";
        let new = embed(readme, "gas", "| a |\n").unwrap();
        assert_eq!(new, "intro\n<!-- figures/gas.md -->\n| a |\n<!-- end figures/gas.md -->\nrest\n");
        assert_eq!(embedded(&new, "gas"), Some("| a |\n"));
        assert!(embed(readme, "speed", "x").unwrap_err().to_string().contains("figures/speed.md"));
    }
}
