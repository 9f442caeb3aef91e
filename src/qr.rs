//! QR codes for the certificate's verification URL and the check-in link: the module matrix
//! (drawn as vector squares in PDFs) and an SVG for web pages.

use qrcode::{EcLevel, QrCode};

/// Light modules a reader needs around the code (ISO/IEC 18004: four).
pub const QUIET_ZONE: usize = 4;

/// The dark and light modules of a QR code, row by row, without the quiet zone.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QrMatrix {
    width: usize,
    dark: Vec<bool>,
}

impl QrMatrix {
    /// Encodes text at error-correction level M (15 %: survives a fold or a stain). None when
    /// the text is too long for any QR version.
    pub fn encode(text: &str) -> Option<Self> {
        let code = QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M).ok()?;
        let width = code.width();
        let dark = code.to_colors().into_iter().map(|c| c == qrcode::Color::Dark).collect();
        Some(QrMatrix { width, dark })
    }

    /// Modules per side.
    pub fn width(&self) -> usize {
        self.width
    }

    pub fn is_dark(&self, x: usize, y: usize) -> bool {
        x < self.width && y < self.width && self.dark[y * self.width + x]
    }

    /// Horizontal runs of dark modules as (row, first column, length): one rectangle each, so a
    /// drawing has a few hundred squares instead of a thousand.
    pub fn dark_runs(&self) -> Vec<(usize, usize, usize)> {
        let mut runs = Vec::new();
        for y in 0..self.width {
            let mut x = 0;
            while x < self.width {
                if self.is_dark(x, y) {
                    let start = x;
                    while x < self.width && self.is_dark(x, y) {
                        x += 1;
                    }
                    runs.push((y, start, x - start));
                } else {
                    x += 1;
                }
            }
        }
        runs
    }
}

/// The code as an inline SVG element (with its quiet zone, `module_px` pixels a module, scalable
/// with CSS). None when the text is too long for a QR code.
pub fn svg(text: &str, module_px: u32) -> Option<String> {
    let code = QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M).ok()?;
    let svg = code
        .render::<qrcode::render::svg::Color<'_>>()
        .quiet_zone(true)
        .module_dimensions(module_px, module_px)
        .build();
    // The XML prolog is for standalone files; inside HTML it would be a stray comment.
    Some(match svg.find("<svg") {
        Some(start) => svg[start..].to_owned(),
        None => svg,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode(matrix: &QrMatrix) -> String {
        let scale = 4;
        let side = (matrix.width() + 2 * QUIET_ZONE) * scale;
        let mut image = rqrr::PreparedImage::prepare_from_greyscale(side, side, |x, y| {
            let (mx, my) = (x / scale, y / scale);
            let dark = mx >= QUIET_ZONE && my >= QUIET_ZONE && matrix.is_dark(mx - QUIET_ZONE, my - QUIET_ZONE);
            if dark { 0 } else { 255 }
        });
        let grids = image.detect_grids();
        assert_eq!(grids.len(), 1);
        grids[0].decode().expect("the code decodes").1
    }

    #[test]
    fn encodes_a_url_that_decodes_back() {
        let url = "https://boiduong.truongchinhtri.daklak.vn/verify/0123456789ABCDEF";
        let matrix = QrMatrix::encode(url).unwrap();
        assert_eq!(matrix.width() % 4, 1, "a QR code is 17 + 4·version modules wide");
        assert_eq!(decode(&matrix), url);
    }

    #[test]
    fn runs_cover_exactly_the_dark_modules() {
        let matrix = QrMatrix::encode("https://example.vn/verify/ABCD").unwrap();
        let mut from_runs = vec![false; matrix.width() * matrix.width()];
        for (y, x, len) in matrix.dark_runs() {
            for i in x..x + len {
                assert!(!from_runs[y * matrix.width() + i], "runs do not overlap");
                from_runs[y * matrix.width() + i] = true;
            }
        }
        assert_eq!(from_runs, matrix.dark);
        assert!(matrix.dark_runs().len() < matrix.dark.iter().filter(|d| **d).count());
    }

    #[test]
    fn svg_for_pages_is_an_inline_element() {
        let svg = svg("https://example.vn/checkin/abc", 4).unwrap();
        assert!(svg.starts_with("<svg"), "{svg}");
        assert!(svg.ends_with("</svg>"));
        assert!(svg.contains("<path"));
    }

    #[test]
    fn refuses_text_too_long_for_a_code() {
        assert_eq!(QrMatrix::encode(&"x".repeat(5000)), None);
        assert_eq!(svg(&"x".repeat(5000), 4), None);
    }
}
