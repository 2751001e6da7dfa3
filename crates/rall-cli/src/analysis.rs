//! `rall spikes`, `rall stats` and `rall plot …`: thin wrappers over `rall-analysis`.

use std::path::PathBuf;

use anyhow::Context;
use clap::{Args, Subcommand};
use rall_analysis::plot::{self, PlotOptions};
use rall_analysis::{group_nodes, load_spikes_with, load_traces, spike_statistics, TraceOptions};
use rall_sonata::pyfmt::py_float;

/// Where the spikes come from.
#[derive(Args)]
pub struct SpikesInput {
    /// A simulation config (its output.spikes_file, else output.spikes_file_csv) or a spike file
    /// (SONATA .h5 or BMTK .csv).
    pub input: PathBuf,
    /// Node population (needed when the file holds several).
    #[arg(long)]
    pub population: Option<String>,
    /// With a config: read this spike file instead of the config's output spikes (BMTK's
    /// `spikes_file`); the config still gives the run window and node properties.
    #[arg(long)]
    pub spikes_file: Option<PathBuf>,
}

impl SpikesInput {
    fn load(&self) -> anyhow::Result<rall_analysis::Spikes> {
        Ok(load_spikes_with(
            &self.input,
            self.spikes_file.as_deref(),
            self.population.as_deref(),
        )?)
    }
}

/// Node grouping for raster and rates plots.
#[derive(Args)]
pub struct GroupArgs {
    /// Colour nodes by this node property (needs a config), e.g. `pop_name`.
    #[arg(long)]
    pub group_by: Option<String>,
    /// Leave out nodes with these values of the --group-by property (comma separated).
    #[arg(long, requires = "group_by", value_delimiter = ',')]
    pub group_excludes: Vec<String>,
}

impl GroupArgs {
    fn groups(
        &self,
        spikes: &rall_analysis::Spikes,
    ) -> anyhow::Result<Vec<rall_analysis::NodeGroup>> {
        let Some(key) = &self.group_by else {
            return Ok(Vec::new());
        };
        let pop = spikes.single()?.name.clone();
        Ok(group_nodes(spikes, &pop, key, &self.group_excludes)?)
    }
}

#[derive(Args)]
pub struct SpikesArgs {
    #[command(flatten)]
    pub src: SpikesInput,
    /// Print CSV (`timestamps,node_ids,population`, as pandas' `to_csv(index=False)`).
    #[arg(long)]
    pub csv: bool,
}

#[derive(Args)]
pub struct StatsArgs {
    #[command(flatten)]
    pub src: SpikesInput,
    /// Rate window in ms, `START,STOP` (default: the config's run.tstart,run.tstop; for a spike
    /// file, first to last spike).
    #[arg(long)]
    pub times: Option<String>,
    /// Print CSV.
    #[arg(long)]
    pub csv: bool,
}

/// Image options shared by the plots.
#[derive(Args)]
pub struct ImageArgs {
    /// Output image; .png or .svg.
    #[arg(short, long)]
    pub output: PathBuf,
    /// Width in pixels.
    #[arg(long, default_value_t = 1000)]
    pub width: u32,
    /// Height in pixels.
    #[arg(long, default_value_t = 600)]
    pub height: u32,
    /// Title (default as BMTK's).
    #[arg(long)]
    pub title: Option<String>,
    /// Time window in ms, `START,STOP` (default: the config's run.tstart,run.tstop).
    #[arg(long)]
    pub times: Option<String>,
}

#[derive(Subcommand)]
pub enum PlotCommand {
    /// Raster of spike times per node with a spike-count histogram (time axis in ms).
    Raster {
        #[command(flatten)]
        src: SpikesInput,
        #[command(flatten)]
        group: GroupArgs,
        #[command(flatten)]
        image: ImageArgs,
    },
    /// Trace of a membrane report at each node's first element (the soma), against the true
    /// sample times (row k is at t = (k+1)·dt).
    Traces {
        /// A simulation config (the report's file from `reports`) or a report .h5 file.
        input: PathBuf,
        /// Report name in the config (needed when it has several membrane reports).
        #[arg(long)]
        report: Option<String>,
        /// Report population (needed when the file has several).
        #[arg(long)]
        population: Option<String>,
        /// Node ids, e.g. `0` or `0,2,5-7` (default: every node of the report).
        #[arg(long)]
        node_ids: Option<String>,
        /// Draw the nodes in grey and their mean in black.
        #[arg(long)]
        average: bool,
        #[command(flatten)]
        image: ImageArgs,
    },
    /// Firing rate of each node (spikes in the window / its length).
    Rates {
        #[command(flatten)]
        src: SpikesInput,
        #[command(flatten)]
        group: GroupArgs,
        #[command(flatten)]
        image: ImageArgs,
    },
}

fn parse_window(s: &Option<String>) -> anyhow::Result<Option<(f64, f64)>> {
    let Some(s) = s else { return Ok(None) };
    let parts: Vec<&str> = s.split(',').map(str::trim).collect();
    let bad = || anyhow::anyhow!("--times '{s}': expected START,STOP in ms, e.g. 0,3000");
    match parts.as_slice() {
        [a, b] => {
            let (a, b): (f64, f64) = (a.parse().map_err(|_| bad())?, b.parse().map_err(|_| bad())?);
            if a < b {
                Ok(Some((a, b)))
            } else {
                Err(anyhow::anyhow!("--times '{s}': START must be below STOP"))
            }
        }
        _ => Err(bad()),
    }
}

fn opts(image: &ImageArgs) -> PlotOptions {
    PlotOptions {
        width: image.width,
        height: image.height,
        title: image.title.clone(),
    }
}

/// `rall spikes`: the table, as text or CSV.
pub fn spikes(args: &SpikesArgs) -> anyhow::Result<String> {
    let s = args.src.load()?;
    Ok(if args.csv { s.to_csv() } else { s.to_text() })
}

/// `rall stats`: per-node count, rate and mean ISI.
pub fn stats(args: &StatsArgs) -> anyhow::Result<String> {
    let s = args.src.load()?;
    let window = parse_window(&args.times)?;
    let (rows, windows) = spike_statistics(&s, window)?;
    let rate = |r: Option<f64>| r.map(py_float).unwrap_or_else(|| "nan".into());
    let mut out = String::new();
    if args.csv {
        out.push_str("population,node_id,count,rate_hz,mean_isi_ms\n");
        for r in &rows {
            out.push_str(&format!(
                "{},{},{},{},{}\n",
                r.population,
                r.node_id,
                r.count,
                rate(r.rate_hz),
                py_float(r.mean_isi)
            ));
        }
        return Ok(out);
    }
    for (pop, w) in &windows {
        match w {
            Some((a, b)) => out.push_str(&format!(
                "# {pop}: rates over {} to {} ms\n",
                py_float(*a),
                py_float(*b)
            )),
            None => out.push_str(&format!("# {pop}: no rate window (one spike time)\n")),
        }
    }
    let mut table = vec![[
        "population".to_string(),
        "node_id".into(),
        "count".into(),
        "rate_hz".into(),
        "mean_isi_ms".into(),
    ]];
    for r in &rows {
        table.push([
            r.population.clone(),
            r.node_id.to_string(),
            r.count.to_string(),
            rate(r.rate_hz),
            py_float(r.mean_isi),
        ]);
    }
    let mut w = [0usize; 5];
    for r in &table {
        for (k, c) in r.iter().enumerate() {
            w[k] = w[k].max(c.len());
        }
    }
    for r in &table {
        out.push_str(&format!(
            "{:<w0$}  {:>w1$}  {:>w2$}  {:>w3$}  {:>w4$}\n",
            r[0],
            r[1],
            r[2],
            r[3],
            r[4],
            w0 = w[0],
            w1 = w[1],
            w2 = w[2],
            w3 = w[3],
            w4 = w[4]
        ));
    }
    if rows.is_empty() {
        out.push_str(&format!("# no spikes in {}\n", s.file.display()));
    }
    Ok(out)
}

/// `rall plot …`: writes the image and says what it drew.
pub fn plot(cmd: &PlotCommand) -> anyhow::Result<String> {
    match cmd {
        PlotCommand::Raster { src, group, image } => {
            let s = src.load()?;
            let fig = plot::plot_raster(
                &s,
                parse_window(&image.times)?,
                group.groups(&s)?,
                &image.output,
                &opts(image),
            )?;
            Ok(format!(
                "wrote raster of {} spikes of '{}' ({} to {} ms) to {}\n",
                fig.times.len(),
                fig.population,
                py_float(fig.window.0),
                py_float(fig.window.1),
                image.output.display()
            ))
        }
        PlotCommand::Rates { src, group, image } => {
            let s = src.load()?;
            let fig = plot::plot_rates(
                &s,
                parse_window(&image.times)?,
                group.groups(&s)?,
                &image.output,
                &opts(image),
            )?;
            Ok(format!(
                "wrote firing rates of {} nodes of '{}' ({} to {} ms) to {}\n",
                fig.rates.len(),
                fig.population,
                py_float(fig.window.0),
                py_float(fig.window.1),
                image.output.display()
            ))
        }
        PlotCommand::Traces {
            input,
            report,
            population,
            node_ids,
            average,
            image,
        } => {
            let node_ids = node_ids
                .as_deref()
                .map(rall_spikes::parse_node_ids)
                .transpose()
                .context("--node-ids")?;
            let topts = TraceOptions {
                report: report.clone(),
                population: population.clone(),
                node_ids,
                window: parse_window(&image.times)?,
            };
            let tr = load_traces(input, &topts)?;
            plot::plot_traces(&tr, *average, &image.output, &opts(image))?;
            Ok(format!(
                "wrote {} ({}) of {} node(s) of '{}', {} samples ({} to {} ms), to {}\n",
                tr.report_name,
                tr.variable.as_deref().unwrap_or("?"),
                tr.node_ids.len(),
                tr.population,
                tr.times.len(),
                tr.times.first().map_or("-".into(), |t| py_float(*t)),
                tr.times.last().map_or("-".into(), |t| py_float(*t)),
                image.output.display()
            ))
        }
    }
}
