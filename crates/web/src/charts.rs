//! Charts drawn on the server as SVG: the geometry is worked out here and the templates
//! (`partials/charts.html`) write it out, escaped like any other text. Every chart stands
//! beside a table of the same figures, for screen readers and for copying, and reads well
//! printed in black and white (values are written at the end of each bar).

/// One bar of a bar chart.
pub struct Bar {
    pub x: u32,
    pub y: u32,
    pub w: u32,
    pub h: u32,
    /// `chart-a` (this period) or `chart-b` (the one compared with).
    pub class: &'static str,
    pub value: String,
    pub tx: u32,
    pub ty: u32,
}

/// A category of a bar chart with one bar per series.
pub struct BarGroup {
    pub label: String,
    pub ty: u32,
    pub bars: Vec<Bar>,
}

pub struct LegendItem {
    pub class: &'static str,
    pub text: String,
    pub x: u32,
    pub tx: u32,
    /// The baseline of the legend's text.
    pub y: u32,
}

/// Horizontal bars, grouped by category: this year against last year, say.
pub struct BarChart {
    pub id: String,
    pub title: String,
    pub width: u32,
    pub height: u32,
    pub label_x: u32,
    pub groups: Vec<BarGroup>,
    pub legend: Vec<LegendItem>,
}

const WIDTH: u32 = 720;
const LABEL: u32 = 230;
const BAR: u32 = 16;
const GAP: u32 = 4;
const GROUP_GAP: u32 = 14;

/// A grouped bar chart: `series` names the bars of each group (at most two), `rows` give
/// each category's label and values, written with `fmt`.
pub fn bars(
    id: &str,
    title: &str,
    series: &[String],
    rows: &[(String, Vec<u64>)],
    fmt: impl Fn(u64) -> String,
) -> BarChart {
    let max = rows.iter().flat_map(|(_, v)| v.iter().copied()).max().unwrap_or(0).max(1);
    let span = WIDTH - LABEL - 70;
    let classes = ["chart-a", "chart-b"];
    let legend_y = 14;
    // One line per series in the legend, then the bars.
    let mut y = legend_y + 20 * series.len().min(2) as u32;
    let mut groups = Vec::with_capacity(rows.len());
    for (label, values) in rows {
        let top = y;
        let bars = values
            .iter()
            .take(2)
            .enumerate()
            .map(|(i, v)| {
                let w = ((*v as f64 / max as f64) * span as f64).round() as u32;
                let by = top + i as u32 * (BAR + GAP);
                Bar {
                    x: LABEL,
                    y: by,
                    w: w.max(if *v > 0 { 1 } else { 0 }),
                    h: BAR,
                    class: classes[i],
                    value: fmt(*v),
                    tx: LABEL + w + 6,
                    ty: by + BAR - 3,
                }
            })
            .collect::<Vec<_>>();
        let n = bars.len() as u32;
        let height = n * BAR + n.saturating_sub(1) * GAP;
        groups.push(BarGroup { label: label.clone(), ty: top + height / 2 + 5, bars });
        y = top + height + GROUP_GAP;
    }
    let legend = series
        .iter()
        .take(2)
        .enumerate()
        .map(|(i, s)| LegendItem {
            class: classes[i],
            text: s.clone(),
            x: LABEL,
            tx: LABEL + 20,
            y: legend_y + 20 * i as u32,
        })
        .collect();
    BarChart {
        id: id.to_owned(),
        title: title.to_owned(),
        width: WIDTH,
        height: y.max(60),
        label_x: LABEL - 8,
        groups,
        legend,
    }
}

/// A labelled mark on an axis.
pub struct Tick {
    pub at: u32,
    pub text: String,
}

/// A target's trajectory: its value at the end of each month, the threshold, and the steady
/// pace from zero to the threshold over the period.
pub struct LineChart {
    pub id: String,
    pub title: String,
    pub width: u32,
    pub height: u32,
    pub points: String,
    pub dots: Vec<(u32, u32)>,
    pub threshold_y: u32,
    pub threshold_text: String,
    pub pace: Option<(u32, u32, u32, u32)>,
    pub x_ticks: Vec<Tick>,
    pub y_ticks: Vec<Tick>,
    pub left: u32,
    pub right: u32,
    pub bottom: u32,
}

/// What a line chart shows: `values` are `(day number within the period, value)`, `days` the
/// period's length; `pace` draws the steady line from zero to the threshold.
pub struct LineInput<'a> {
    pub id: &'a str,
    pub title: &'a str,
    pub values: &'a [(u32, i64)],
    pub days: u32,
    pub threshold: i64,
    pub threshold_text: String,
    pub pace: bool,
    pub x_ticks: Vec<(u32, String)>,
}

pub fn line(input: LineInput, fmt: impl Fn(i64) -> String) -> LineChart {
    let LineInput { id, title, values, days, threshold, threshold_text, pace, x_ticks } = input;
    let (width, height, left, right, top, bottom) = (720u32, 260u32, 70u32, 680u32, 20u32, 220u32);
    let max = values.iter().map(|(_, v)| *v).chain([threshold]).max().unwrap_or(1).max(1) as f64 * 1.1;
    let x = |d: u32| left + ((d as f64 / days.max(1) as f64) * (right - left) as f64).round() as u32;
    let y = |v: i64| bottom - ((v.max(0) as f64 / max) * (bottom - top) as f64).round() as u32;
    let dots: Vec<(u32, u32)> = values.iter().map(|(d, v)| (x(*d), y(*v))).collect();
    let mut points = format!("{},{}", left, bottom);
    for (px, py) in &dots {
        points.push_str(&format!(" {px},{py}"));
    }
    let y_ticks = (0..=4)
        .map(|i| {
            let v = (max / 1.1 * i as f64 / 4.0).round() as i64;
            Tick { at: y(v), text: fmt(v) }
        })
        .collect();
    LineChart {
        id: id.to_owned(),
        title: title.to_owned(),
        width,
        height,
        points,
        dots,
        threshold_y: y(threshold),
        threshold_text,
        pace: pace.then(|| (left, bottom, right, y(threshold))),
        x_ticks: x_ticks.into_iter().map(|(d, text)| Tick { at: x(d), text }).collect(),
        y_ticks,
        left,
        right,
        bottom,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_scale_to_the_largest_value() {
        let c = bars(
            "c",
            "Title",
            &["2023".into(), "2022".into()],
            &[("A".into(), vec![100, 50]), ("B".into(), vec![0, 25])],
            |v| v.to_string(),
        );
        assert_eq!(c.groups.len(), 2);
        let a = &c.groups[0].bars;
        assert_eq!(a[0].w, WIDTH - LABEL - 70);
        assert_eq!(a[1].w, (WIDTH - LABEL - 70) / 2);
        assert_eq!(c.groups[1].bars[0].w, 0, "a zero draws no bar");
        assert_eq!(c.groups[1].bars[0].value, "0");
        assert!(c.height > c.groups[1].bars[1].y);
    }

    #[test]
    fn line_points_rise_with_the_values() {
        let input = LineInput {
            id: "t",
            title: "T",
            values: &[(31, 10), (59, 40)],
            days: 365,
            threshold: 300,
            threshold_text: "300".into(),
            pace: true,
            x_ticks: vec![],
        };
        let c = line(input, |v| v.to_string());
        assert_eq!(c.dots.len(), 2);
        assert!(c.dots[1].1 < c.dots[0].1, "a larger value is drawn higher");
        assert!(c.threshold_y < c.dots[1].1);
        assert!(c.points.starts_with("70,220 "));
    }
}
