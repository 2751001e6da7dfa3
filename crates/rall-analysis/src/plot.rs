//! Raster, firing-rate and trace plots as PNG or SVG (chosen by the file extension).
//!
//! Text is drawn with the bundled DejaVu Sans (`fonts/`, through `ab_glyph`), so no system font
//! library is needed. Images are written to a temporary file beside the target and renamed, so
//! a failed plot never leaves a half-written image in place of a good one.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::{register_font, FontStyle};

use crate::groups::NodeGroup;
use crate::spikes::Spikes;
use crate::traces::Traces;
use crate::AnalysisError;

static FONT: &[u8] = include_bytes!("../fonts/DejaVuSans.ttf");
const FAMILY: &str = "sans-serif";

fn ensure_font() -> Result<(), String> {
    static DONE: OnceLock<Result<(), String>> = OnceLock::new();
    DONE.get_or_init(|| {
        register_font(FAMILY, FontStyle::Normal, FONT)
            .map_err(|_| "the bundled DejaVu Sans font could not be loaded".to_string())
    })
    .clone()
}

/// Image type, from the output file's extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageFormat {
    Png,
    Svg,
}

impl ImageFormat {
    pub fn from_path(path: &Path) -> Result<ImageFormat, AnalysisError> {
        match path
            .extension()
            .map(|e| e.to_string_lossy().to_ascii_lowercase())
            .as_deref()
        {
            Some("png") => Ok(ImageFormat::Png),
            Some("svg") => Ok(ImageFormat::Svg),
            _ => Err(AnalysisError::ImageFormat {
                path: path.to_path_buf(),
            }),
        }
    }
}

/// Image size and title.
#[derive(Debug, Clone)]
pub struct PlotOptions {
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// Title; each plot has a default (BMTK's).
    pub title: Option<String>,
}

impl Default for PlotOptions {
    fn default() -> Self {
        PlotOptions {
            width: 1000,
            height: 600,
            title: None,
        }
    }
}

type DrawResult = Result<(), String>;

/// matplotlib's default colour cycle (tab10), for node groups.
const TAB10: [RGBColor; 10] = [
    RGBColor(0x1f, 0x77, 0xb4),
    RGBColor(0xff, 0x7f, 0x0e),
    RGBColor(0x2c, 0xa0, 0x2c),
    RGBColor(0xd6, 0x27, 0x28),
    RGBColor(0x94, 0x67, 0xbd),
    RGBColor(0x8c, 0x56, 0x4b),
    RGBColor(0xe3, 0x77, 0xc2),
    RGBColor(0x7f, 0x7f, 0x7f),
    RGBColor(0xbc, 0xbd, 0x22),
    RGBColor(0x17, 0xbe, 0xcf),
];

/// Index of each node's group (`None` without groups: everything in one blue series).
fn group_index(groups: &[NodeGroup]) -> std::collections::HashMap<u64, usize> {
    let mut m = std::collections::HashMap::new();
    for (i, g) in groups.iter().enumerate() {
        for &n in &g.node_ids {
            m.entry(n).or_insert(i);
        }
    }
    m
}

fn group_color(groups: &[NodeGroup], i: usize) -> RGBColor {
    if groups.is_empty() {
        BLUE
    } else {
        TAB10[i % TAB10.len()]
    }
}

/// Draws the legend of the series that got labels.
fn legend<'a, DB: DrawingBackend + 'a, CT: plotters::coord::CoordTranslate>(
    chart: &mut ChartContext<'a, DB, CT>,
) -> DrawResult {
    chart
        .configure_series_labels()
        .label_font(font(14))
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK)
        .position(SeriesLabelPosition::UpperRight)
        .draw()
        .map_err(err)
}

fn err<E: std::fmt::Display>(e: E) -> String {
    e.to_string()
}

/// Something that draws itself on any plotters backend.
pub trait Figure {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>, title: &str) -> DrawResult;
    /// The title used when [`PlotOptions::title`] is `None`.
    fn default_title(&self) -> String;

    /// Draws into an RGB buffer (`width·height·3` bytes), e.g. to check a plot in tests.
    fn render_rgb(&self, opts: &PlotOptions) -> Result<Vec<u8>, AnalysisError> {
        let place = || PathBuf::from("<memory>");
        ensure_font().map_err(|detail| AnalysisError::Draw {
            path: place(),
            detail,
        })?;
        let mut buf = vec![0u8; opts.width as usize * opts.height as usize * 3];
        {
            let root =
                BitMapBackend::with_buffer(&mut buf, (opts.width, opts.height)).into_drawing_area();
            let title = opts.title.clone().unwrap_or_else(|| self.default_title());
            self.draw(&root, &title)
                .and_then(|_| root.present().map_err(err))
                .map_err(|detail| AnalysisError::Draw {
                    path: place(),
                    detail,
                })?;
        }
        Ok(buf)
    }

    /// Writes the image to `path` (PNG or SVG by extension).
    fn save(&self, path: &Path, opts: &PlotOptions) -> Result<(), AnalysisError> {
        let format = ImageFormat::from_path(path)?;
        let draw_err = |detail: String| AnalysisError::Draw {
            path: path.to_path_buf(),
            detail,
        };
        if opts.width < 200 || opts.height < 150 {
            return Err(draw_err(format!(
                "image size {}x{} is too small (at least 200x150)",
                opts.width, opts.height
            )));
        }
        ensure_font().map_err(draw_err)?;
        let title = opts.title.clone().unwrap_or_else(|| self.default_title());
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let ext = if format == ImageFormat::Png {
            "png"
        } else {
            "svg"
        };
        let tmp = path.with_file_name(format!(".{name}.rall-tmp.{ext}"));
        let result = match format {
            ImageFormat::Png => {
                let root = BitMapBackend::new(&tmp, (opts.width, opts.height)).into_drawing_area();
                self.draw(&root, &title)
                    .and_then(|_| root.present().map_err(err))
            }
            ImageFormat::Svg => {
                let mut s = String::new();
                let r = {
                    let root = SVGBackend::with_string(&mut s, (opts.width, opts.height))
                        .into_drawing_area();
                    self.draw(&root, &title)
                        .and_then(|_| root.present().map_err(err))
                };
                r.and_then(|_| std::fs::write(&tmp, s).map_err(err))
            }
        };
        let result = result.and_then(|_| std::fs::rename(&tmp, path).map_err(err));
        if let Err(detail) = result {
            let _ = std::fs::remove_file(&tmp);
            return Err(draw_err(detail));
        }
        Ok(())
    }
}

fn font(size: u32) -> TextStyle<'static> {
    (FAMILY, size).into_font().into()
}

/// Tick label with as many decimals as the axis span needs.
fn tick(v: f64, span: f64) -> String {
    let d = if span > 0.0 {
        (-(span / 10.0).log10()).ceil().clamp(0.0, 12.0) as usize
    } else {
        3
    };
    let s = format!("{v:.d$}");
    if s.starts_with('-') && s[1..].chars().all(|c| c == '0' || c == '.') {
        s[1..].to_string()
    } else {
        s
    }
}

/// Integer tick labels only (node ids).
fn int_tick(v: f64) -> String {
    if (v - v.round()).abs() < 1e-9 {
        format!("{}", v.round() as i64)
    } else {
        String::new()
    }
}

fn check_window(w: (f64, f64)) -> Result<(f64, f64), AnalysisError> {
    if w.0.partial_cmp(&w.1) == Some(std::cmp::Ordering::Less) {
        Ok(w)
    } else {
        Err(AnalysisError::BadWindow {
            start: w.0,
            stop: w.1,
        })
    }
}

/// The plotted time window: given, else the run's, else the spikes' span (+1 ms as BMTK).
fn spike_window(
    spikes: &Spikes,
    ts: &[f64],
    window: Option<(f64, f64)>,
) -> Result<(f64, f64), AnalysisError> {
    match window.or(spikes.run_window()) {
        Some(w) => check_window(w),
        None => {
            let lo = ts.iter().copied().fold(f64::INFINITY, f64::min);
            let hi = ts.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            Ok((lo, hi + 1.0))
        }
    }
}

/// Raster plot (spike times per node) with a spike-count histogram below, as BMTK's
/// `plot_raster` (title "Nodes in network '<population>'"), with a labelled time axis in ms.
#[derive(Debug, Clone)]
pub struct RasterPlot {
    pub population: String,
    pub times: Vec<f64>,
    pub node_ids: Vec<u64>,
    pub window: (f64, f64),
    /// Histogram bins over the window (BMTK: 100).
    pub bins: usize,
    /// Node groups (colour and legend each); empty: all nodes in one colour.
    pub groups: Vec<NodeGroup>,
}

impl RasterPlot {
    /// The spikes of the (single) population within the window — `window`, else the run's
    /// `(tstart, tstop)`, else the spikes' span.
    pub fn new(spikes: &Spikes, window: Option<(f64, f64)>) -> Result<RasterPlot, AnalysisError> {
        let p = spikes.single()?;
        let window = spike_window(spikes, &p.timestamps, window)?;
        let (times, node_ids) = p
            .timestamps
            .iter()
            .zip(&p.node_ids)
            .filter(|(&t, _)| t >= window.0 && t <= window.1)
            .map(|(&t, &n)| (t, n))
            .unzip();
        Ok(RasterPlot {
            population: p.name.clone(),
            times,
            node_ids,
            window,
            bins: 100,
            groups: Vec::new(),
        })
    }

    /// Only the spikes of nodes in `groups`, each group in its own colour (BMTK's
    /// `group_by`); the node axis spans every node of the groups, silent ones included.
    pub fn with_groups(mut self, groups: Vec<NodeGroup>) -> RasterPlot {
        let idx = group_index(&groups);
        let (times, node_ids) = self
            .times
            .iter()
            .zip(&self.node_ids)
            .filter(|(_, n)| idx.contains_key(n))
            .map(|(&t, &n)| (t, n))
            .unzip();
        self.times = times;
        self.node_ids = node_ids;
        self.groups = groups;
        self
    }

    /// Spikes per histogram bin.
    pub fn histogram(&self) -> Vec<u64> {
        let (a, b) = self.window;
        let mut h = vec![0u64; self.bins.max(1)];
        let w = (b - a) / h.len() as f64;
        for &t in &self.times {
            let i = (((t - a) / w).floor().max(0.0) as usize).min(h.len() - 1);
            h[i] += 1;
        }
        h
    }
}

impl Figure for RasterPlot {
    fn default_title(&self) -> String {
        format!("Nodes in network '{}'", self.population)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>, title: &str) -> DrawResult {
        root.fill(&WHITE).map_err(err)?;
        let (_, h) = root.dim_in_pixel();
        let (upper, lower) = root.split_vertically((h as f64 * 0.76) as u32);
        let (t0, t1) = self.window;
        let all_ids = self
            .node_ids
            .iter()
            .chain(self.groups.iter().flat_map(|g| &g.node_ids));
        let (lo, hi) = match (all_ids.clone().min(), all_ids.max()) {
            (Some(&a), Some(&b)) => (a as f64, b as f64),
            _ => (0.0, 0.0),
        };
        let mut chart = ChartBuilder::on(&upper)
            .caption(title, font(22))
            .margin_left(10)
            .margin_right(25)
            .margin_top(5)
            .x_label_area_size(25)
            .y_label_area_size(70)
            .build_cartesian_2d(t0..t1, (lo - 0.5)..(hi + 0.5))
            .map_err(err)?;
        let span = t1 - t0;
        chart
            .configure_mesh()
            .disable_y_mesh()
            .label_style(font(14))
            .axis_desc_style(font(16))
            .y_desc("node_ids")
            .y_label_formatter(&|v| int_tick(*v))
            .x_label_formatter(&|v| tick(*v, span))
            .draw()
            .map_err(err)?;
        let plot_h = chart.plotting_area().dim_in_pixel().1 as f64;
        let row_px = plot_h / (hi - lo + 1.0);
        let half = (row_px * 0.35).clamp(3.0, 9.0) as i32;
        let idx = group_index(&self.groups);
        for g in 0..self.groups.len().max(1) {
            let color = group_color(&self.groups, g);
            let style = ShapeStyle::from(&color).stroke_width(1);
            let series = chart
                .draw_series(
                    self.times
                        .iter()
                        .zip(&self.node_ids)
                        .filter(|(_, n)| self.groups.is_empty() || idx.get(n) == Some(&g))
                        .map(|(&t, &n)| {
                            EmptyElement::at((t, n as f64))
                                + PathElement::new(vec![(0, -half), (0, half)], style)
                        }),
                )
                .map_err(err)?;
            if let Some(grp) = self.groups.get(g) {
                series.label(grp.label.clone()).legend(move |(x, y)| {
                    PathElement::new(
                        vec![(x + 10, y - 6), (x + 10, y + 6)],
                        color.stroke_width(2),
                    )
                });
            }
        }
        if !self.groups.is_empty() {
            legend(&mut chart)?;
        }

        let hist = self.histogram();
        let top = hist.iter().copied().max().unwrap_or(0).max(1) as f64 * 1.1;
        let mut hchart = ChartBuilder::on(&lower)
            .margin_left(10)
            .margin_right(25)
            .margin_bottom(5)
            .x_label_area_size(45)
            .y_label_area_size(70)
            .build_cartesian_2d(t0..t1, 0.0..top)
            .map_err(err)?;
        hchart
            .configure_mesh()
            .disable_mesh()
            .y_labels(3)
            .label_style(font(14))
            .axis_desc_style(font(16))
            .x_desc("time (ms)")
            .y_desc("spikes")
            .y_label_formatter(&|v| int_tick(*v))
            .x_label_formatter(&|v| tick(*v, span))
            .draw()
            .map_err(err)?;
        let w = (t1 - t0) / hist.len() as f64;
        hchart
            .draw_series(
                hist.iter()
                    .enumerate()
                    .filter(|(_, &c)| c > 0)
                    .map(|(i, &c)| {
                        let a = t0 + i as f64 * w;
                        Rectangle::new([(a, 0.0), (a + w, c as f64)], BLUE.mix(0.6).filled())
                    }),
            )
            .map_err(err)?;
        Ok(())
    }
}

/// Firing rate of each node (spikes in the window / window length), as BMTK's `plot_rates`.
#[derive(Debug, Clone)]
pub struct RatesPlot {
    pub population: String,
    /// `(node_id, rate_hz)` of every node that spiked, by node id.
    pub rates: Vec<(u64, f64)>,
    pub window: (f64, f64),
    /// Node groups (colour and legend each); empty: all nodes in one colour.
    pub groups: Vec<NodeGroup>,
}

impl RatesPlot {
    pub fn new(spikes: &Spikes, window: Option<(f64, f64)>) -> Result<RatesPlot, AnalysisError> {
        let p = spikes.single()?;
        let window = match window.or(spikes.run_window()) {
            Some(w) => check_window(w)?,
            None => {
                // BMTK without `times`: the span of the spikes (not +1 here).
                let lo = p.timestamps.iter().copied().fold(f64::INFINITY, f64::min);
                let hi = p
                    .timestamps
                    .iter()
                    .copied()
                    .fold(f64::NEG_INFINITY, f64::max);
                check_window((lo, hi))?
            }
        };
        let mut counts = std::collections::BTreeMap::<u64, u64>::new();
        for (&t, &n) in p.timestamps.iter().zip(&p.node_ids) {
            if t >= window.0 && t <= window.1 {
                *counts.entry(n).or_default() += 1;
            }
        }
        let secs = (window.1 - window.0) / 1000.0;
        Ok(RatesPlot {
            population: p.name.clone(),
            rates: counts
                .into_iter()
                .map(|(n, c)| (n, c as f64 / secs))
                .collect(),
            window,
            groups: Vec::new(),
        })
    }

    /// Only the nodes in `groups`, each group in its own colour (BMTK's `group_by`).
    pub fn with_groups(mut self, groups: Vec<NodeGroup>) -> RatesPlot {
        let idx = group_index(&groups);
        self.rates.retain(|(n, _)| idx.contains_key(n));
        self.groups = groups;
        self
    }
}

impl Figure for RatesPlot {
    fn default_title(&self) -> String {
        format!("Nodes in network '{}'", self.population)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>, title: &str) -> DrawResult {
        root.fill(&WHITE).map_err(err)?;
        let ids = self
            .rates
            .iter()
            .map(|r| r.0)
            .chain(self.groups.iter().flat_map(|g| g.node_ids.iter().copied()));
        let lo = ids.clone().min().unwrap_or(0) as f64;
        let hi = ids.max().unwrap_or(0) as f64;
        let top = self.rates.iter().map(|r| r.1).fold(0.0, f64::max).max(1.0) * 1.1;
        let mut chart = ChartBuilder::on(root)
            .caption(title, font(22))
            .margin(15)
            .x_label_area_size(45)
            .y_label_area_size(70)
            .build_cartesian_2d((lo - 0.5)..(hi + 0.5), 0.0..top)
            .map_err(err)?;
        chart
            .configure_mesh()
            .max_light_lines(2)
            .light_line_style(RGBColor(238, 238, 238))
            .label_style(font(14))
            .axis_desc_style(font(16))
            .x_desc("node_ids")
            .y_desc(format!(
                "firing rate (Hz), {}–{} ms",
                tick(self.window.0, 1.0),
                tick(self.window.1, 1.0)
            ))
            .x_label_formatter(&|v| int_tick(*v))
            .y_label_formatter(&|v| tick(*v, top))
            .draw()
            .map_err(err)?;
        let idx = group_index(&self.groups);
        for g in 0..self.groups.len().max(1) {
            let color = group_color(&self.groups, g);
            let series = chart
                .draw_series(
                    self.rates
                        .iter()
                        .filter(|(n, _)| self.groups.is_empty() || idx.get(n) == Some(&g))
                        .map(|&(n, r)| Circle::new((n as f64, r), 4, color.filled())),
                )
                .map_err(err)?;
            if let Some(grp) = self.groups.get(g) {
                series
                    .label(grp.label.clone())
                    .legend(move |(x, y)| Circle::new((x + 10, y), 4, color.filled()));
            }
        }
        if !self.groups.is_empty() {
            legend(&mut chart)?;
        }
        Ok(())
    }
}

/// Traces of a compartment report against true time (ms): one line per node, or with
/// `average` the nodes in grey and their mean in black (what BMTK's `plot_traces` shows
/// without `node_ids`).
#[derive(Debug, Clone)]
pub struct TracesPlot<'a> {
    pub traces: &'a Traces,
    pub average: bool,
}

/// Keeps the shape of a long series at `width` pixels: the first, min, max and last point of
/// each pixel column, in time order.
fn decimate(t: &[f64], v: &[f64], width: usize) -> Vec<(f64, f64)> {
    let n = t.len().min(v.len());
    if n <= 4 * width.max(1) {
        return t.iter().copied().zip(v.iter().copied()).take(n).collect();
    }
    let per = n.div_ceil(width);
    let mut out = Vec::with_capacity(4 * width);
    for start in (0..n).step_by(per) {
        let end = (start + per).min(n);
        let (mut imin, mut imax) = (start, start);
        for i in start..end {
            if v[i] < v[imin] {
                imin = i;
            }
            if v[i] > v[imax] {
                imax = i;
            }
        }
        let mut idx = vec![start, imin, imax, end - 1];
        idx.sort_unstable();
        idx.dedup();
        out.extend(idx.into_iter().map(|i| (t[i], v[i])));
    }
    out
}

impl Figure for TracesPlot<'_> {
    fn default_title(&self) -> String {
        format!("{} ({})", self.traces.report_name, self.traces.population)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>, title: &str) -> DrawResult {
        let tr = self.traces;
        root.fill(&WHITE).map_err(err)?;
        let (t0, t1) = match (tr.times.first(), tr.times.last()) {
            (Some(&a), Some(&b)) if a < b => (a, b),
            (Some(&a), _) => (a - 0.5, a + 0.5),
            _ => return Err("no samples in the time window".into()),
        };
        let mut lo = f64::INFINITY;
        let mut hi = f64::NEG_INFINITY;
        for s in &tr.values {
            for &x in s {
                if x.is_finite() {
                    lo = lo.min(x);
                    hi = hi.max(x);
                }
            }
        }
        if !lo.is_finite() {
            (lo, hi) = (0.0, 1.0);
        }
        let pad = if hi > lo {
            (hi - lo) * 0.05
        } else {
            lo.abs().max(1.0) * 0.05
        };
        let (lo, hi) = (lo - pad, hi + pad);
        let mut chart = ChartBuilder::on(root)
            .caption(title, font(22))
            .margin(15)
            .x_label_area_size(45)
            .y_label_area_size(85)
            .build_cartesian_2d(t0..t1, lo..hi)
            .map_err(err)?;
        let var = tr.variable.clone().unwrap_or_else(|| "value".into());
        let ydesc = match &tr.units {
            Some(u) => format!("{var} ({u})"),
            None => var,
        };
        let (tspan, yspan) = (t1 - t0, hi - lo);
        chart
            .configure_mesh()
            .max_light_lines(2)
            .light_line_style(RGBColor(238, 238, 238))
            .label_style(font(14))
            .axis_desc_style(font(16))
            .x_desc("time (ms)")
            .y_desc(ydesc)
            .x_label_formatter(&|v| tick(*v, tspan))
            .y_label_formatter(&|v| tick(*v, yspan))
            .draw()
            .map_err(err)?;
        let width = chart.plotting_area().dim_in_pixel().0 as usize;
        let legend = !self.average && tr.node_ids.len() <= 10;
        if self.average {
            let grey = RGBColor(190, 190, 190);
            for s in &tr.values {
                chart
                    .draw_series(LineSeries::new(decimate(&tr.times, s, width), &grey))
                    .map_err(err)?;
            }
            let n = tr.values.len() as f64;
            let mean: Vec<f64> = (0..tr.times.len())
                .map(|k| tr.values.iter().map(|s| s[k]).sum::<f64>() / n)
                .collect();
            chart
                .draw_series(LineSeries::new(
                    decimate(&tr.times, &mean, width),
                    BLACK.stroke_width(2),
                ))
                .map_err(err)?
                .label(format!("average of {} nodes", tr.values.len()))
                .legend(|(x, y)| {
                    PathElement::new(vec![(x, y), (x + 20, y)], BLACK.stroke_width(2))
                });
        } else {
            for (i, (s, id)) in tr.values.iter().zip(&tr.node_ids).enumerate() {
                let color = Palette99::pick(i).to_rgba();
                let series = chart
                    .draw_series(LineSeries::new(
                        decimate(&tr.times, s, width),
                        color.stroke_width(1),
                    ))
                    .map_err(err)?;
                if legend {
                    series.label(format!("node {id}")).legend(move |(x, y)| {
                        PathElement::new(vec![(x, y), (x + 20, y)], color.stroke_width(2))
                    });
                }
            }
        }
        if legend || self.average {
            self::legend(&mut chart)?;
        }
        Ok(())
    }
}

/// `rall plot raster`: see [`RasterPlot`].
/// `groups` empty: every node in one colour.
pub fn plot_raster(
    spikes: &Spikes,
    window: Option<(f64, f64)>,
    groups: Vec<NodeGroup>,
    path: &Path,
    opts: &PlotOptions,
) -> Result<RasterPlot, AnalysisError> {
    ImageFormat::from_path(path)?;
    let mut fig = RasterPlot::new(spikes, window)?;
    if !groups.is_empty() {
        fig = fig.with_groups(groups);
    }
    fig.save(path, opts)?;
    Ok(fig)
}

/// `rall plot rates`: see [`RatesPlot`].
/// `groups` empty: every node in one colour.
pub fn plot_rates(
    spikes: &Spikes,
    window: Option<(f64, f64)>,
    groups: Vec<NodeGroup>,
    path: &Path,
    opts: &PlotOptions,
) -> Result<RatesPlot, AnalysisError> {
    ImageFormat::from_path(path)?;
    let mut fig = RatesPlot::new(spikes, window)?;
    if !groups.is_empty() {
        fig = fig.with_groups(groups);
    }
    fig.save(path, opts)?;
    Ok(fig)
}

/// `rall plot traces`: see [`TracesPlot`].
pub fn plot_traces(
    traces: &Traces,
    average: bool,
    path: &Path,
    opts: &PlotOptions,
) -> Result<(), AnalysisError> {
    TracesPlot { traces, average }.save(path, opts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks() {
        assert_eq!(tick(1500.0, 3000.0), "1500");
        assert_eq!(tick(-0.0, 3000.0), "0");
        assert_eq!(tick(0.00042, 0.001), "0.0004");
        assert_eq!(int_tick(3.0), "3");
        assert_eq!(int_tick(2.5), "");
    }

    #[test]
    fn decimation_keeps_extremes() {
        let t: Vec<f64> = (0..10_000).map(|i| i as f64).collect();
        let mut v = vec![0.0; 10_000];
        v[5003] = 40.0;
        v[7001] = -90.0;
        let d = decimate(&t, &v, 100);
        assert!(d.len() <= 400);
        assert!(d.contains(&(5003.0, 40.0)));
        assert!(d.contains(&(7001.0, -90.0)));
        assert!(d.windows(2).all(|w| w[0].0 < w[1].0));
    }

    #[test]
    fn format_by_extension() {
        assert_eq!(
            ImageFormat::from_path(Path::new("a.PNG")).unwrap(),
            ImageFormat::Png
        );
        assert_eq!(
            ImageFormat::from_path(Path::new("a.svg")).unwrap(),
            ImageFormat::Svg
        );
        assert!(ImageFormat::from_path(Path::new("a.jpg")).is_err());
    }
}
