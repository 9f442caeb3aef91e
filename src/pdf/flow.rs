//! A cursor flowing down the pages of a sheet inside its margins, with wrapped paragraphs and a
//! ruled table that breaks across pages and repeats its header row.

use super::layout::{Align, Margins, Sheet, Span};
use super::text::{Font, baseline_in_line, width, wrap};

/// A column of a table: its heading, how its cells align, and the least width it may have
/// (room to sign in); otherwise columns are sized by their content.
#[derive(Clone, Debug, PartialEq)]
pub struct Column {
    pub title: String,
    pub align: Align,
    /// Points; 0 to size the column by its content alone.
    pub min_width: f32,
}

impl Column {
    pub fn new(title: &str, align: Align) -> Self {
        Column { title: title.to_owned(), align, min_width: 0.0 }
    }

    /// The column is at least `points` wide.
    pub fn at_least(self, points: f32) -> Self {
        Column { min_width: points, ..self }
    }
}

/// A table of text cells: the header row is repeated on every page the table runs onto.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Table {
    pub columns: Vec<Column>,
    pub rows: Vec<Vec<String>>,
    /// The least height of a body row in points (room to sign in), 0 for the text's height.
    pub min_row_height: f32,
}

/// A cursor flowing down the pages of a sheet inside its margins.
pub struct Flow {
    pub sheet: Sheet,
    pub margins: Margins,
    /// The top of what is drawn next.
    pub y: f32,
}

const CELL_PAD_X: f32 = 4.0;
const CELL_PAD_Y: f32 = 3.5;
const RULE: f32 = 0.6;

impl Flow {
    pub fn new(sheet: Sheet, margins: Margins) -> Self {
        let y = margins.top;
        Flow { sheet, margins, y }
    }

    pub fn left(&self) -> f32 {
        self.margins.left
    }

    pub fn right(&self) -> f32 {
        self.sheet.width() - self.margins.right
    }

    pub fn width(&self) -> f32 {
        self.right() - self.left()
    }

    pub fn bottom(&self) -> f32 {
        self.sheet.height() - self.margins.bottom
    }

    pub fn new_page(&mut self) {
        self.sheet.add_page();
        self.y = self.margins.top;
    }

    /// Breaks the page unless `height` still fits under the cursor (or the page is empty).
    pub fn ensure(&mut self, height: f32) {
        if self.y + height > self.bottom() && self.y > self.margins.top {
            self.new_page();
        }
    }

    /// Wrapped text across the content width, breaking pages between lines.
    pub fn paragraph(&mut self, text: &str, font: Font, align: Align) {
        let leading = font.leading();
        for line in wrap(text, font, self.width()) {
            self.ensure(leading);
            let baseline = self.y + baseline_in_line(font, leading);
            let (left, width) = (self.left(), self.width());
            self.sheet.text(Span::new(left, width), baseline, &line, font, align);
            self.y += leading;
        }
    }

    /// Draws a ruled table across the content width with `font` for the body and the bold face
    /// of its size for the header row; rows never split, the header row starts every page, and
    /// the last row moves to a new page with what follows the table when `keep_with_last`
    /// points of it would not fit under the row (so signatures never stand alone on a page).
    pub fn table(&mut self, table: &Table, font: Font, keep_with_last: f32) {
        let header_font = Font::bold(font.size);
        let widths = column_widths(table, font, header_font, self.width());
        let titles: Vec<String> = table.columns.iter().map(|c| c.title.clone()).collect();
        let header = CellRow::new(&titles, &widths, header_font, 0.0);
        let centred = vec![Align::Center; widths.len()];
        let aligns: Vec<Align> = table.columns.iter().map(|c| c.align).collect();

        self.ensure(header.height + table.rows.first().map_or(0.0, |_| font.leading() + 2.0 * CELL_PAD_Y));
        self.draw_row(&header, &widths, &centred, true);
        let last = table.rows.len().saturating_sub(1);
        let mut rows_on_page = 0;
        for (i, cells) in table.rows.iter().enumerate() {
            let row = CellRow::new(cells, &widths, font, table.min_row_height);
            let keep = if i == last && rows_on_page > 0 { keep_with_last } else { 0.0 };
            if self.y + row.height + keep > self.bottom() {
                rows_on_page = 0;
                self.new_page();
                self.draw_row(&header, &widths, &centred, true);
            }
            self.draw_row(&row, &widths, &aligns, false);
            rows_on_page += 1;
        }
    }

    fn draw_row(&mut self, row: &CellRow, widths: &[f32], aligns: &[Align], first: bool) {
        let (top, bottom) = (self.y, self.y + row.height);
        let leading = row.font.leading();
        let mut x = self.left();
        for ((lines, &width), &align) in row.cells.iter().zip(widths).zip(aligns) {
            let block = lines.len() as f32 * leading;
            let mut baseline = top + (row.height - block) / 2.0 + baseline_in_line(row.font, leading);
            for line in lines {
                self.sheet.text(Span::new(x + CELL_PAD_X, width - 2.0 * CELL_PAD_X), baseline, line, row.font, align);
                baseline += leading;
            }
            self.sheet.line((x, top), (x, bottom), RULE);
            x += width;
        }
        self.sheet.line((x, top), (x, bottom), RULE);
        if first {
            self.sheet.line((self.left(), top), (x, top), RULE);
        }
        self.sheet.line((self.left(), bottom), (x, bottom), RULE);
        self.y = bottom;
    }
}

/// Sizes the columns to their content, as a browser lays out an automatic table: a column never
/// gets less than its longest word (so "01/01/1980" or "STT" never break) or its `min_width`;
/// the room beyond that goes first to the columns that need little more to keep their cells on
/// one line (names), and what is left is shared by the rest (long unit names), which wrap.
fn column_widths(table: &Table, font: Font, header_font: Font, total_width: f32) -> Vec<f32> {
    let pad = 2.0 * CELL_PAD_X + 0.5;
    let words = |text: &str, font: Font| text.split_whitespace().map(|w| width(w, font)).fold(0.0, f32::max);
    let (mut least, mut wanted) = (Vec::new(), Vec::new());
    for (i, column) in table.columns.iter().enumerate() {
        // A heading may wrap to the width of its longest word: "Vắng không phép" over a "0".
        let mut min = words(&column.title, header_font);
        let mut max = min;
        for cell in table.rows.iter().filter_map(|row| row.get(i)) {
            min = min.max(words(cell, font));
            max = max.max(width(cell, font));
        }
        let min = (min + pad).max(column.min_width);
        least.push(min);
        wanted.push((max + pad).max(min));
    }
    let (sum_least, sum_wanted): (f32, f32) = (least.iter().sum(), wanted.iter().sum());
    if sum_wanted <= total_width {
        // Everything fits on one line: share the rest in proportion.
        return wanted.iter().map(|w| w * total_width / sum_wanted).collect();
    }
    if sum_least <= total_width {
        // Fill up to a common level: columns that need a little (a name) get all of it, the
        // rest (a long unit name) share what is left equally and wrap.
        let demands: Vec<f32> = least.iter().zip(&wanted).map(|(l, w)| w - l).collect();
        let level = fill_level(&demands, total_width - sum_least);
        return least.iter().zip(&demands).map(|(l, d)| l + d.min(level)).collect();
    }
    // Not even the longest words fit: scale down, and the longest words break.
    least.iter().map(|l| l * total_width / sum_least).collect()
}

/// The level L at which the demands, each capped at L, add up to `room` (less than their sum).
fn fill_level(demands: &[f32], room: f32) -> f32 {
    let mut sorted = demands.to_vec();
    sorted.sort_by(f32::total_cmp);
    let mut room = room;
    for (i, demand) in sorted.iter().enumerate() {
        let sharing = (sorted.len() - i) as f32;
        if demand * sharing > room {
            return room / sharing;
        }
        room -= demand;
    }
    f32::MAX
}

struct CellRow {
    cells: Vec<Vec<String>>,
    font: Font,
    height: f32,
}

impl CellRow {
    fn new(cells: &[String], widths: &[f32], font: Font, min_height: f32) -> Self {
        let cells: Vec<Vec<String>> = widths
            .iter()
            .enumerate()
            .map(|(i, width)| wrap(cells.get(i).map_or("", String::as_str), font, width - 2.0 * CELL_PAD_X))
            .collect();
        let lines = cells.iter().map(Vec::len).max().unwrap_or(0).max(1);
        let height = (lines as f32 * font.leading() + 2.0 * CELL_PAD_Y).max(min_height);
        CellRow { cells, font, height }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_are_sized_by_their_content() {
        let font = Font::regular(11.0);
        let bold = Font::bold(11.0);
        let table = |rows: Vec<Vec<&str>>| Table {
            columns: vec![
                Column::new("STT", Align::Center),
                Column::new("Họ và tên", Align::Left),
                Column::new("Chi bộ", Align::Left),
                Column::new("Ký tên", Align::Center).at_least(80.0),
            ],
            rows: rows.into_iter().map(|r| r.into_iter().map(String::from).collect()).collect(),
            min_row_height: 0.0,
        };
        // Short content: every column on one line, the width shared out, the signing column wide.
        let short = table(vec![vec!["1", "Nguyễn Văn An", "Chi bộ thôn 1", ""]]);
        let widths = column_widths(&short, font, bold, 460.0);
        assert!((widths.iter().sum::<f32>() - 460.0).abs() < 0.01, "{widths:?}");
        assert!(widths[0] >= width("STT", bold) + 2.0 * CELL_PAD_X && widths[0] < widths[1], "{widths:?}");
        assert!(widths[3] >= 80.0, "{widths:?}");
        // Long content: the long column wraps, but no column is narrower than its longest word.
        let unit = "Chi bộ Trường Trung học phổ thông chuyên Nguyễn Du — Đảng bộ Khối các cơ quan và doanh nghiệp tỉnh";
        let long = table(vec![vec!["200", "Tôn Nữ Thị Phương Thảo", unit, ""]]);
        let widths = column_widths(&long, font, bold, 460.0);
        assert!((widths.iter().sum::<f32>() - 460.0).abs() < 0.01, "{widths:?}");
        assert!(widths[2] < width(unit, font), "the unit wraps: {widths:?}");
        assert!(
            widths[1] >= width("Tôn Nữ Thị Phương Thảo", font) + 2.0 * CELL_PAD_X,
            "the name stays on one line: {widths:?}"
        );
        assert!(widths[3] >= 80.0, "{widths:?}");
    }
}
