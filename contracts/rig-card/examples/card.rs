//! Writes the README's sample rig card: `cargo run -p rig-card --example card` writes
//! `figures/rig-card.svg` (the card exactly as the contract renders it) and, when librsvg's
//! `rsvg-convert` is installed (Debian: `librsvg2-bin`), `figures/rig-card.png`, the screenshot
//! the README shows, rendered at twice the card's size. The test
//! `sample_card_figure_is_current` keeps the SVG equal to the renderer's output.

use std::{path::Path, process::Command};

fn main() {
    let figures = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../figures");
    let svg_path = figures.join("rig-card.svg");
    std::fs::write(&svg_path, rig_card::render::sample_card_svg()).expect("writing figures/rig-card.svg");
    eprintln!("wrote {}", svg_path.display());
    let png_path = figures.join("rig-card.png");
    match Command::new("rsvg-convert").args(["--zoom", "2", "--output"]).arg(&png_path).arg(&svg_path).status() {
        Ok(s) if s.success() => eprintln!("wrote {} (rsvg-convert)", png_path.display()),
        _ => eprintln!("rsvg-convert is not available (apt-get install librsvg2-bin): figures/rig-card.png left as it was"),
    }
}
