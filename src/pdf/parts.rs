//! The parts every printable shares, laid out as Party documents are (Hướng dẫn 36-HD/VPTW):
//! the heading with the issuing body on the left and "ĐẢNG CỘNG SẢN VIỆT NAM" on the right, the
//! place and date, the title, and the signature blocks.

use serde::{Deserialize, Serialize};
use time::Date;

use super::layout::{Align, Sheet, Span};
use super::text::{self, Font, baseline_in_line};
use crate::domain::dates;

/// Who issues a document, where and when.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Letterhead {
    /// The body above the issuer ("Đảng bộ tỉnh Đắk Lắk"); may be empty.
    pub superior: String,
    /// The issuing body ("Trường Chính trị tỉnh Đắk Lắk"); printed in capitals.
    pub issuer: String,
    /// The document's number ("Số 15-QĐ/TCT"); may be empty.
    pub number: String,
    /// The place documents are dated with ("Buôn Ma Thuột").
    pub place: String,
    /// The date in the long form: "ngày 05 tháng 6 năm 2026".
    pub date: String,
}

impl Letterhead {
    pub fn new(superior: &str, issuer: &str, place: &str, date: Date) -> Self {
        Letterhead {
            superior: superior.to_owned(),
            issuer: issuer.to_owned(),
            number: String::new(),
            place: place.to_owned(),
            date: dates::format_long(date),
        }
    }

    /// "Buôn Ma Thuột, ngày 05 tháng 6 năm 2026".
    pub fn place_and_date(&self) -> String {
        match (self.place.is_empty(), self.date.is_empty()) {
            (false, false) => format!("{}, {}", self.place, self.date),
            (true, _) => upper_first(&self.date),
            (false, true) => self.place.clone(),
        }
    }
}

fn upper_first(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

/// Who signs: "KT. HIỆU TRƯỞNG" / "PHÓ HIỆU TRƯỞNG" / the name; or a preparer's "NGƯỜI LẬP BIỂU"
/// with a name.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Signer {
    /// The delegation line ("KT. HIỆU TRƯỞNG", "T/M BAN THƯỜNG VỤ"); may be empty.
    pub delegation: String,
    /// The signer's title ("PHÓ HIỆU TRƯỞNG", "NGƯỜI LẬP BIỂU").
    pub title: String,
    /// The signer's name, printed in bold under the space for signature and seal; may be empty
    /// (written by hand).
    pub name: String,
}

/// The heading's size (Party documents use 13–14 pt) and whether the place and date go under
/// "ĐẢNG CỘNG SẢN VIỆT NAM" (documents) or elsewhere (a certificate puts them over its
/// signature).
pub struct HeadingStyle {
    pub size: f32,
    pub dated: bool,
}

/// The share of the width the issuing body's column takes; the Party's name takes the rest.
pub const LEFT_SHARE: f32 = 0.44;

/// Where the issuing body's column ends: its usual share, widened (up to half the width) so the
/// body's name fits on one line when it can.
fn heading_split(left: f32, right: f32, head: &Letterhead, size: f32) -> f32 {
    let width = right - left;
    let needed = text::width(&head.issuer.to_uppercase(), Font::bold(size))
        .max(text::width(&head.superior.to_uppercase(), Font::regular(size)))
        + size;
    left + needed.clamp(width * LEFT_SHARE, width * 0.5)
}

/// Draws the heading across `span` from `top`; returns the top of what comes next.
pub fn heading(sheet: &mut Sheet, span: Span, top: f32, head: &Letterhead, style: &HeadingStyle) -> f32 {
    let (left, right) = (span.left, span.left + span.width);
    let size = style.size;
    let leading = size * 1.35;
    let split = heading_split(left, right, head, size);
    let (left_width, right_width) = (split - left, right - split);

    // Left: the superior body upright, the issuer bold in capitals, a star under it (the Party's
    // mark between the body and the number), the number.
    let mut y = top;
    if !head.superior.trim().is_empty() {
        y = sheet.block(
            Span::new(left, left_width),
            y,
            &head.superior.to_uppercase(),
            Font::regular(size),
            Align::Center,
            leading,
        );
    }
    y = sheet.block(
        Span::new(left, left_width),
        y,
        &head.issuer.to_uppercase(),
        Font::bold(size),
        Align::Center,
        leading,
    );
    y = sheet.block(Span::new(left, left_width), y, "*", Font::regular(size), Align::Center, leading);
    if !head.number.trim().is_empty() {
        y = sheet.block(Span::new(left, left_width), y, &head.number, Font::regular(size), Align::Center, leading);
    }

    // Right: the Party's name, bold and underlined, then the place and date in italics.
    let party_font = Font::bold(size + 0.5);
    let baseline = top + baseline_in_line(party_font, leading);
    let party_width =
        sheet.text(Span::new(split, right_width), baseline, "ĐẢNG CỘNG SẢN VIỆT NAM", party_font, Align::Center);
    let rule_y = baseline + size * 0.4;
    let rule_left = Align::Center.start(split, right_width, party_width);
    sheet.line((rule_left, rule_y), (rule_left + party_width, rule_y), 0.7);
    let mut right_y = top + leading;
    if style.dated {
        // On the line of the star, as the number and the date face each other in the original.
        right_y = right_y.max(y - leading);
        // A long place name may reach back over the issuer's column, whose line here holds
        // only the star or the short number at its centre.
        let date_left = left + left_width * 0.6;
        let date = head.place_and_date();
        right_y =
            sheet.block(Span::between(date_left, right), right_y, &date, Font::italic(size), Align::Right, leading);
    }
    y.max(right_y)
}

/// The title in bold capitals centred, then each subtitle line centred (the first bold, the
/// others upright); returns the top of what comes next.
pub fn title(sheet: &mut Sheet, span: Span, top: f32, title: &str, subtitles: &[String], size: f32) -> f32 {
    let title_font = Font::bold(size + 2.0);
    let mut y = sheet.block(span, top, &title.to_uppercase(), title_font, Align::Center, title_font.leading());
    for (i, line) in subtitles.iter().enumerate() {
        let font = if i == 0 { Font::bold(size) } else { Font::regular(size) };
        y = sheet.block(span, y, line, font, Align::Center, font.leading());
    }
    y
}

/// Space left for the handwritten signature and the seal.
pub const SIGNATURE_SPACE: f32 = 70.0;

/// The height of a signature block.
pub fn signature_height(signer: &Signer, size: f32) -> f32 {
    let lines = title_lines(signer) + usize::from(!signer.name.is_empty());
    lines as f32 * size * 1.3 + SIGNATURE_SPACE
}

/// How many lines a signer's delegation and title take.
pub fn title_lines(signer: &Signer) -> usize {
    usize::from(!signer.delegation.is_empty()) + 1
}

/// Draws a signature block centred in `span` from `top`, with the
/// name under `lines` lines of title (so two blocks side by side put their names on one line);
/// returns the top of what comes next.
pub fn signature(sheet: &mut Sheet, span: Span, top: f32, signer: &Signer, size: f32, lines: usize) -> f32 {
    let leading = size * 1.3;
    let mut y = top;
    for line in [&signer.delegation, &signer.title] {
        if !line.is_empty() {
            y = sheet.block(span, y, &line.to_uppercase(), Font::bold(size), Align::Center, leading);
        }
    }
    y = y.max(top + lines as f32 * leading) + SIGNATURE_SPACE;
    if !signer.name.is_empty() {
        y = sheet.block(span, y, &signer.name, Font::bold(size), Align::Center, leading);
    }
    y
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn place_and_date_in_the_long_form() {
        let head = Letterhead::new("", "Trường Chính trị tỉnh Đắk Lắk", "Buôn Ma Thuột", date!(2026 - 06 - 05));
        assert_eq!(head.place_and_date(), "Buôn Ma Thuột, ngày 05 tháng 6 năm 2026");
        let nowhere = Letterhead { place: String::new(), ..head };
        assert_eq!(nowhere.place_and_date(), "Ngày 05 tháng 6 năm 2026");
    }

    #[test]
    fn signature_height_counts_its_lines() {
        let full = Signer {
            delegation: "KT. HIỆU TRƯỞNG".into(),
            title: "PHÓ HIỆU TRƯỞNG".into(),
            name: "Lê Văn Hùng".into(),
        };
        let preparer = Signer { delegation: String::new(), title: "NGƯỜI LẬP BIỂU".into(), name: String::new() };
        assert!(signature_height(&full, 13.0) > signature_height(&preparer, 13.0));
        assert_eq!(signature_height(&preparer, 10.0), 13.0 + SIGNATURE_SPACE);
    }
}
