//! Charts of a statistics table, drawn as SVG by the server from the published cells only:
//! bars for one dimension, a line for a period, a heat map for two dimensions. A withheld cell
//! is drawn as a marked gap labelled `<k`, never as a value. Presentation attributes only (no
//! `style`), so the Content-Security-Policy holds; the table beside it is the text alternative.

use maud::{Markup, html};

use crate::statistics::disclosure::{Entry, Published, SUPPRESSED};

const W: f64 = 720.0;
const ACCENT: &str = "#0b4f8a";
const WITHHELD: &str = "#6b4500";

fn count(e: &Entry) -> Option<u64> {
    match e.value {
        Published::Count(n) => Some(n),
        Published::Suppressed => None,
    }
}

fn key(e: &Entry, i: usize) -> &str {
    e.key.get(i).and_then(|k| k.as_deref()).unwrap_or("")
}

/// Whether a dimension orders its values in time.
pub fn is_period(dimension: &str) -> bool {
    matches!(dimension, "year" | "semester" | "month")
}

/// The chart of a table's cells, if its shape has one.
pub fn chart(
    title: &str,
    dimensions: &[String],
    cells: &[Entry],
    label: &dyn Fn(usize, &str) -> String,
) -> Option<Markup> {
    match dimensions.len() {
        1 if is_period(&dimensions[0]) => Some(line(title, cells, label)),
        1 => Some(bars(title, cells, label)),
        2 => Some(heat_map(title, cells, label)),
        _ => None,
    }
}

fn frame(title: &str, height: f64, body: Markup) -> Markup {
    html! {
        svg xmlns="http://www.w3.org/2000/svg" viewBox={ "0 0 " (W) " " (height) } width=(W) height=(height)
            role="img" aria-labelledby="chart-title" font-family="system-ui, sans-serif" font-size="13" {
            title #chart-title { (title) }
            rect x="0" y="0" width=(W) height=(height) fill="#ffffff" {}
            (body)
        }
    }
}

fn bars(title: &str, cells: &[Entry], label: &dyn Fn(usize, &str) -> String) -> Markup {
    let (left, right, row) = (220.0, 60.0, 26.0);
    let max = cells.iter().filter_map(count).max().unwrap_or(0).max(1) as f64;
    let height = 16.0 + row * cells.len() as f64;
    let body = html! {
        @for (i, e) in cells.iter().enumerate() {
            @let y = 8.0 + row * i as f64;
            text x=(left - 8.0) y=(y + 17.0) text-anchor="end" fill="#1b1f24" { (label(0, key(e, 0))) }
            @match count(e) {
                Some(n) => {
                    @let w = (W - left - right) * n as f64 / max;
                    rect x=(left) y=(y + 3.0) width=(w.max(1.0)) height=(row - 8.0) fill=(ACCENT) { title { (n) } }
                    text x=(left + w + 6.0) y=(y + 17.0) fill="#1b1f24" { (n) }
                },
                None => {
                    rect x=(left) y=(y + 3.0) width="28" height=(row - 8.0) fill="none" stroke=(WITHHELD) stroke-dasharray="4 3" {}
                    text x=(left + 36.0) y=(y + 17.0) fill=(WITHHELD) data-suppressed="true" { (SUPPRESSED) }
                },
            }
        }
    };
    frame(title, height, body)
}

fn line(title: &str, cells: &[Entry], label: &dyn Fn(usize, &str) -> String) -> Markup {
    let (left, right, top, bottom, height) = (50.0, 20.0, 20.0, 50.0, 300.0);
    let max = cells.iter().filter_map(count).max().unwrap_or(0).max(1) as f64;
    let n = cells.len().max(2) as f64 - 1.0;
    let x = |i: usize| left + (W - left - right) * i as f64 / n;
    let y = |v: u64| top + (height - top - bottom) * (1.0 - v as f64 / max);
    // The line is broken at every withheld period, so no value is implied for it.
    let mut segments: Vec<Vec<(f64, f64)>> = vec![Vec::new()];
    for (i, e) in cells.iter().enumerate() {
        match count(e) {
            Some(v) => segments.last_mut().into_iter().for_each(|s| s.push((x(i), y(v)))),
            None => segments.push(Vec::new()),
        }
    }
    let body = html! {
        line x1=(left) y1=(height - bottom) x2=(W - right) y2=(height - bottom) stroke="#4a5360" {}
        line x1=(left) y1=(top) x2=(left) y2=(height - bottom) stroke="#4a5360" {}
        text x=(left - 6.0) y=(top + 4.0) text-anchor="end" fill="#1b1f24" { (max as u64) }
        text x=(left - 6.0) y=(height - bottom + 4.0) text-anchor="end" fill="#1b1f24" { "0" }
        @for s in segments.iter().filter(|s| !s.is_empty()) {
            polyline fill="none" stroke=(ACCENT) stroke-width="2.5"
                points=(s.iter().map(|(a, b)| format!("{a:.1},{b:.1}")).collect::<Vec<_>>().join(" ")) {}
        }
        @for (i, e) in cells.iter().enumerate() {
            text x=(x(i)) y=(height - bottom + 20.0) text-anchor="middle" fill="#1b1f24" { (label(0, key(e, 0))) }
            @match count(e) {
                Some(v) => circle cx=(x(i)) cy=(y(v)) r="4" fill=(ACCENT) { title { (v) } },
                None => text x=(x(i)) y=(height - bottom - 8.0) text-anchor="middle" fill=(WITHHELD) data-suppressed="true" { (SUPPRESSED) },
            }
        }
    };
    frame(title, height, body)
}

fn heat_map(title: &str, cells: &[Entry], label: &dyn Fn(usize, &str) -> String) -> Markup {
    let mut rows: Vec<&str> = Vec::new();
    let mut cols: Vec<&str> = Vec::new();
    for e in cells {
        if !rows.contains(&key(e, 0)) {
            rows.push(key(e, 0));
        }
        if !cols.contains(&key(e, 1)) {
            cols.push(key(e, 1));
        }
    }
    let (left, top, cell_h) = (200.0, 110.0, 28.0);
    let cell_w = ((W - left - 10.0) / cols.len().max(1) as f64).min(90.0);
    let height = top + cell_h * rows.len() as f64 + 10.0;
    let max = cells.iter().filter_map(count).max().unwrap_or(0).max(1) as f64;
    let body = html! {
        @for (j, c) in cols.iter().enumerate() {
            @let cx = left + cell_w * j as f64 + cell_w / 2.0;
            text x=(cx) y=(top - 8.0) text-anchor="start" fill="#1b1f24"
                transform={ "rotate(-40 " (cx) " " (top - 8.0) ")" } { (label(1, c)) }
        }
        @for (i, r) in rows.iter().enumerate() {
            text x=(left - 8.0) y=(top + cell_h * i as f64 + 19.0) text-anchor="end" fill="#1b1f24" { (label(0, r)) }
        }
        @for e in cells {
            @let i = rows.iter().position(|r| *r == key(e, 0)).unwrap_or(0);
            @let j = cols.iter().position(|c| *c == key(e, 1)).unwrap_or(0);
            @let (x, y) = (left + cell_w * j as f64, top + cell_h * i as f64);
            @match count(e) {
                Some(v) => {
                    @let t = v as f64 / max;
                    rect x=(x) y=(y) width=(cell_w - 2.0) height=(cell_h - 2.0) fill=(ACCENT)
                        fill-opacity=(format!("{:.2}", 0.08 + 0.92 * t)) { title { (v) } }
                    text x=(x + cell_w / 2.0) y=(y + 18.0) text-anchor="middle" fill=(if t > 0.5 { "#ffffff" } else { "#1b1f24" }) { (v) }
                },
                None => {
                    rect x=(x) y=(y) width=(cell_w - 2.0) height=(cell_h - 2.0) fill="#fff4d6" stroke=(WITHHELD) stroke-dasharray="4 3" {}
                    text x=(x + cell_w / 2.0) y=(y + 18.0) text-anchor="middle" fill=(WITHHELD) data-suppressed="true" { (SUPPRESSED) }
                },
            }
        }
    };
    frame(title, height, body)
}
