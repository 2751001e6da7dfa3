//! `rall run` and `rall check`: BioNet simulations through rall-bionet.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use anyhow::Context;
use rall_bionet::{Observer, Plan, PlanOptions, RunOptions};

/// Options of `rall run` (see main.rs for their help texts).
#[derive(Debug, Clone, Default)]
pub struct RunArgs {
    pub config: PathBuf,
    pub threads: Option<usize>,
    pub quiet: bool,
    pub dump_synapses: Option<PathBuf>,
    pub mechanisms: Option<PathBuf>,
    pub output: Option<PathBuf>,
}

fn mechanisms_dir(arg: Option<PathBuf>) -> Option<PathBuf> {
    arg.or_else(|| std::env::var_os("RALL_MECHANISMS_DIR").map(PathBuf::from))
}

struct Console {
    quiet: bool,
    bar: Option<indicatif::ProgressBar>,
}

impl Observer for Console {
    fn log(&mut self, line: &str) {
        if self.quiet {
            return;
        }
        match &self.bar {
            Some(b) => b.println(line),
            None => println!("{line}"),
        }
    }
    fn progress(&mut self, step: u64, nsteps: u64) {
        if let Some(b) = &self.bar {
            b.set_length(nsteps);
            b.set_position(step);
        }
    }
}

/// `rall run CONFIG`.
pub fn run(a: RunArgs) -> anyhow::Result<()> {
    if let Some(n) = a.threads {
        anyhow::ensure!(n >= 1, "--threads must be at least 1");
    }
    let opts = RunOptions {
        plan: PlanOptions {
            mechanisms_dir: mechanisms_dir(a.mechanisms),
            output_dir: a.output,
        },
        threads: a.threads,
        dump_synapses: a.dump_synapses,
        ..Default::default()
    };
    let plan = Plan::from_file(&a.config, &opts.plan)
        .with_context(|| format!("checking {}", a.config.display()))?;
    let bar = (!a.quiet && std::io::stderr().is_terminal()).then(|| {
        let b = indicatif::ProgressBar::new(plan.cfg.run.nsteps());
        b.set_style(
            indicatif::ProgressStyle::with_template(
                "{bar:40} {pos}/{len} steps  {elapsed_precise} (eta {eta})",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        b
    });
    let mut console = Console {
        quiet: a.quiet,
        bar,
    };
    let r = rall_bionet::run(&plan, &opts, &mut console);
    if let Some(b) = &console.bar {
        b.finish_and_clear();
    }
    let s = r.with_context(|| format!("running {}", a.config.display()))?;
    if !a.quiet {
        println!(
            "{} spikes, {} synapses, {} steps in {:.3} s; output in {}",
            s.spikes.len(),
            s.synapses.len(),
            s.n_steps,
            s.seconds,
            s.output_dir.display()
        );
    }
    Ok(())
}

/// `rall check CONFIG`: the validated plan, nothing run.
pub fn check(config: &Path, mechanisms: Option<PathBuf>) -> anyhow::Result<String> {
    let opts = PlanOptions {
        mechanisms_dir: mechanisms_dir(mechanisms),
        output_dir: None,
    };
    let plan =
        Plan::from_file(config, &opts).with_context(|| format!("checking {}", config.display()))?;
    let mut s = format!("{}: OK\n{}\n", config.display(), plan.summary());
    for w in &plan.warnings {
        s.push_str(&format!("warning: {w}\n"));
    }
    Ok(s)
}
