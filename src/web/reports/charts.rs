//! The reports' charts, drawn on the server as SVG with plotters (SVG backend only; its text is
//! escaped by the backend). Each chart is inlined with role="img" and a <title>, and the page
//! shows the same numbers in a table beside it for screen readers and for copying.

use plotters::prelude::*;

/// Size of the drawing; CSS scales it down to the page (a phone's 390 px included).
const SIZE: (u32, u32) = (640, 320);
const BAR: RGBColor = RGBColor(0xA5, 0x1C, 0x24);
const AXIS_FONT: (&str, u32) = ("sans-serif", 14);

fn drawing_error<E: std::fmt::Display>(e: E) -> anyhow::Error {
    anyhow::anyhow!("chart: {e}")
}

/// Puts role="img", an accessible name and a <title> on the drawing's <svg> element.
fn accessible(svg: String, id: &str, title: &str) -> String {
    let escaped = title.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;");
    let Some(end) = svg.find('>') else { return svg };
    let (open, rest) = svg.split_at(end);
    format!(
        r#"{open} role="img" aria-labelledby="{id}-title" class="chart"><title id="{id}-title">{escaped}</title>{}"#,
        &rest[1..]
    )
}

/// A bar per label (counts), e.g. learners per band.
pub fn bars(id: &str, title: &str, labels: &[String], counts: &[i64]) -> anyhow::Result<String> {
    let mut buf = String::new();
    {
        let root = SVGBackend::with_string(&mut buf, SIZE).into_drawing_area();
        root.fill(&WHITE).map_err(drawing_error)?;
        let top = counts.iter().copied().max().unwrap_or(0).max(1);
        let headroom = top + (top / 10).max(1);
        let n = labels.len().max(1);
        let mut chart = ChartBuilder::on(&root)
            .margin(12)
            .x_label_area_size(36)
            .y_label_area_size(48)
            .build_cartesian_2d((0..n).into_segmented(), 0i64..headroom)
            .map_err(drawing_error)?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_labels(n)
            .y_labels(6)
            .label_style(AXIS_FONT)
            .x_label_formatter(&|v| match v {
                SegmentValue::CenterOf(i) => labels.get(*i).cloned().unwrap_or_default(),
                _ => String::new(),
            })
            .y_label_formatter(&|v| crate::domain::numbers::format_int(*v))
            .draw()
            .map_err(drawing_error)?;
        chart
            .draw_series(
                Histogram::vertical(&chart)
                    .style(BAR.filled())
                    .margin(16)
                    .data(counts.iter().enumerate().map(|(i, c)| (i, *c))),
            )
            .map_err(drawing_error)?;
        root.present().map_err(drawing_error)?;
    }
    Ok(accessible(buf, id, title))
}

/// A line through one value per label, in percent (0–100), e.g. the pass rate of each class in
/// the order they ended.
pub fn line_percent(id: &str, title: &str, labels: &[String], percents: &[f64]) -> anyhow::Result<String> {
    let mut buf = String::new();
    {
        let root = SVGBackend::with_string(&mut buf, SIZE).into_drawing_area();
        root.fill(&WHITE).map_err(drawing_error)?;
        let n = labels.len().max(1);
        let mut chart = ChartBuilder::on(&root)
            .margin(12)
            .x_label_area_size(36)
            .y_label_area_size(52)
            .build_cartesian_2d((0..n).into_segmented(), 0f64..105f64)
            .map_err(drawing_error)?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_labels(n)
            .y_labels(6)
            .label_style(AXIS_FONT)
            .x_label_formatter(&|v| match v {
                SegmentValue::CenterOf(i) => labels.get(*i).cloned().unwrap_or_default(),
                _ => String::new(),
            })
            .y_label_formatter(&|v| format!("{}%", v.round() as i64))
            .draw()
            .map_err(drawing_error)?;
        let points: Vec<(SegmentValue<usize>, f64)> =
            percents.iter().enumerate().map(|(i, p)| (SegmentValue::CenterOf(i), *p)).collect();
        chart.draw_series(LineSeries::new(points.clone(), BAR.stroke_width(3))).map_err(drawing_error)?;
        chart.draw_series(points.into_iter().map(|p| Circle::new(p, 5, BAR.filled()))).map_err(drawing_error)?;
        root.present().map_err(drawing_error)?;
    }
    Ok(accessible(buf, id, title))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The charts are inlined unescaped ({{{svg}}}), so every text in them must be escaped here:
    /// class names typed by staff reach the axis labels and the title.
    #[test]
    fn typed_names_cannot_open_tags_in_a_chart() {
        let evil = r#"Khóa <script>alert("x")</script> & 'co'"#.to_owned();
        for svg in [
            bars("b", &evil, std::slice::from_ref(&evil), &[3]).unwrap(),
            line_percent("l", &evil, &[evil.clone(), "Khóa II".into()], &[50.0, 75.0]).unwrap(),
        ] {
            assert!(!svg.contains("<script"), "{svg}");
            assert!(svg.contains("&lt;script&gt;"), "the name is still there, escaped");
            assert!(svg.starts_with("<svg") && svg.contains(r#"role="img""#));
        }
    }
}
