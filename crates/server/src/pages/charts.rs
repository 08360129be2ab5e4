//! Charts drawn on the server as SVG (no script, no CDN): a line per series
//! over days, and horizontal bars that fit a phone. Every text is escaped
//! here, so templates may print the result as is.

use std::fmt::Write;

const WIDTH: i64 = 360;
const HEIGHT: i64 = 160;
const LEFT: i64 = 4;
const TOP: i64 = 16;
const BOTTOM: i64 = 22;

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A chart over time: its frame, its axis, and its highest value above.
fn open(title: &str, max: &str) -> String {
    let axis = HEIGHT - BOTTOM;
    format!(
        "<svg class=\"chart\" viewBox=\"0 0 {WIDTH} {HEIGHT}\" role=\"img\" aria-label=\"{}\"><line class=\"axis\" x1=\"{LEFT}\" y1=\"{axis}\" x2=\"{}\" y2=\"{axis}\"/>\
         <text x=\"{LEFT}\" y=\"11\">{}</text>",
        escape(title),
        WIDTH - LEFT,
        escape(max)
    )
}

/// The first and last labels below, and the end.
fn close(mut svg: String, labels: &[String]) -> String {
    if let (Some(first), Some(last)) = (labels.first(), labels.last()) {
        let _ = write!(svg, "<text x=\"{LEFT}\" y=\"{}\">{}</text>", HEIGHT - 6, escape(first));
        let _ = write!(svg, "<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>", WIDTH - LEFT, HEIGHT - 6, escape(last));
    }
    svg.push_str("</svg>");
    svg
}

/// A series to draw: its CSS class (its colour) and one value per label.
pub struct Series<'a> {
    pub class: &'a str,
    pub values: Vec<i64>,
}

/// Lines over `labels` (days), the first and last labelled below and the
/// highest value above; each point says its label and value on hover.
pub fn lines(title: &str, labels: &[String], series: &[Series<'_>], format: impl Fn(i64) -> String) -> String {
    let max = series.iter().flat_map(|s| s.values.iter().copied()).max().unwrap_or(0).max(1);
    let n = labels.len().max(2) as i64 - 1;
    let x = |i: usize| LEFT + (i as i64) * (WIDTH - 2 * LEFT) / n;
    let y = |v: i64| TOP + (HEIGHT - TOP - BOTTOM) * (max - v.clamp(0, max)) / max;
    let mut svg = open(title, &format(max));
    for s in series {
        let points: Vec<String> = s.values.iter().enumerate().map(|(i, v)| format!("{},{}", x(i), y(*v))).collect();
        let _ = write!(svg, "<polyline class=\"{}\" points=\"{}\"/>", escape(s.class), points.join(" "));
        for (i, v) in s.values.iter().enumerate() {
            let label = labels.get(i).map(String::as_str).unwrap_or_default();
            let _ = write!(
                svg,
                "<circle class=\"{}\" cx=\"{}\" cy=\"{}\" r=\"2\"><title>{} · {}</title></circle>",
                escape(s.class),
                x(i),
                y(*v),
                escape(label),
                escape(&format(*v))
            );
        }
    }
    close(svg, labels)
}

/// A column per label (minutes of a live session), the first and last
/// labelled below and the highest value above; each says its value on hover.
pub fn columns(title: &str, labels: &[String], values: &[i64]) -> String {
    let max = values.iter().copied().max().unwrap_or(0).max(1);
    let step = (WIDTH - 2 * LEFT) as f64 / values.len().max(1) as f64;
    let plot = HEIGHT - TOP - BOTTOM;
    let mut svg = open(title, &max.to_string());
    for (i, v) in values.iter().enumerate().filter(|(_, v)| **v > 0) {
        let height = plot * v.min(&max) / max;
        let label = labels.get(i).map(String::as_str).unwrap_or_default();
        let _ = write!(
            svg,
            "<rect class=\"bar\" x=\"{:.1}\" y=\"{}\" width=\"{:.1}\" height=\"{height}\"><title>{} · {v}</title></rect>",
            LEFT as f64 + i as f64 * step,
            HEIGHT - BOTTOM - height,
            (step * 0.8).max(1.0),
            escape(label)
        );
    }
    close(svg, labels)
}

/// Horizontal bars, one row each: its label, its bar, its value in words.
pub fn bars(title: &str, rows: &[(String, i64)], format: impl Fn(i64) -> String) -> String {
    const ROW: i64 = 26;
    const LABEL: i64 = 120;
    const VALUE: i64 = 80;
    let max = rows.iter().map(|r| r.1).max().unwrap_or(0).max(1);
    let height = ROW * rows.len().max(1) as i64;
    let mut svg = format!("<svg class=\"chart\" viewBox=\"0 0 {WIDTH} {height}\" role=\"img\" aria-label=\"{}\">", escape(title));
    for (i, (label, value)) in rows.iter().enumerate() {
        let top = i as i64 * ROW;
        let width = (WIDTH - LABEL - VALUE) * value.clamp(&0, &max) / max;
        let _ = write!(
            svg,
            "<text x=\"0\" y=\"{}\">{}</text><rect class=\"bar\" x=\"{LABEL}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"3\"/><text x=\"{}\" y=\"{}\">{}</text>",
            top + 17,
            escape(label),
            top + 5,
            width.max(1),
            ROW - 10,
            LABEL + width + 6,
            top + 17,
            escape(&format(*value))
        );
    }
    svg.push_str("</svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_in_a_chart_is_escaped() {
        let svg = bars("<t>", &[("<script>".into(), 5)], |v| v.to_string());
        assert!(!svg.contains("<script>") && svg.contains("&lt;script&gt;") && svg.contains("aria-label=\"&lt;t&gt;\""));
        let svg = lines("x", &["a\"b".into()], &[Series { class: "net", values: vec![3] }], |v| v.to_string());
        assert!(svg.contains("a&quot;b") && svg.starts_with("<svg") && svg.ends_with("</svg>"));
    }

    #[test]
    fn the_tallest_column_reaches_the_top_and_empty_minutes_draw_nothing() {
        let svg = columns("<orders>", &["09:35".into(), "09:36".into()], &[0, 4]);
        assert_eq!(svg.matches("<rect").count(), 1, "{svg}");
        assert!(svg.contains(&format!("y=\"{TOP}\" width")) && svg.contains("aria-label=\"&lt;orders&gt;\""), "{svg}");
    }

    #[test]
    fn the_highest_point_reaches_the_top_and_nothing_the_bottom() {
        let svg = lines("x", &["d1".into(), "d2".into()], &[Series { class: "gross", values: vec![0, 10] }], |v| v.to_string());
        assert!(svg.contains(&format!("points=\"{LEFT},{} {},{TOP}\"", HEIGHT - BOTTOM, WIDTH - LEFT)), "{svg}");
    }
}
