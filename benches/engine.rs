//! The interactive engine's speed: faulting accesses per second with every step and
//! picture recorded, and with recording off; the cost of reaching any step of a
//! 100,000-step run; and the recording cost on a large machine (4096 frames, 65,536
//! page-file slots), where a step changes little of a big picture, measured against the
//! same run with recording off. The history's memory per step is printed.
//!
//! Run with `cargo bench --bench engine`.

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use pagelab::script::{self, Program};
use pagelab::sim::consts::{MEM_COMMIT, MEM_RESERVE, PAGE_READWRITE};
use pagelab::sim::history::CHECKPOINT_INTERVAL;
use pagelab::sim::{Config, Machine, Recording};

/// Committed pages cycled over (the commit limit is 16 frames + 32 slots = 48).
const PAGES: u64 = 48;
const ACCESSES: u64 = 1000;

/// A default machine (16 frames, working set 8) with `PAGES` committed pages, each written
/// once so later faults are soft or hard rather than demand-zero.
fn machine(mode: Recording) -> (Machine, u64) {
    let mut m = Machine::with_recording(Config::default(), mode);
    let base = m.virtual_alloc(0, PAGES * 0x1000, MEM_COMMIT | MEM_RESERVE, PAGE_READWRITE);
    assert_ne!(base, 0);
    for i in 0..PAGES {
        m.write(base + i * 0x1000, &[i as u8; 8])
            .expect("warm-up write");
    }
    (m, base)
}

/// `ACCESSES` accesses cycling over the pages with a working set of 8: every one faults.
fn faulting_accesses(m: &mut Machine, base: u64) {
    let mut buf = [0u8; 8];
    for i in 0..ACCESSES {
        let va = base + (i * 7 % PAGES) * 0x1000 + (i % 512) * 8;
        if i % 3 == 0 {
            m.write(va, &buf).expect("write");
        } else {
            m.read(va, &mut buf).expect("read");
        }
    }
}

fn engine(c: &mut Criterion) {
    let mut group = c.benchmark_group("faulting_accesses");
    group.sample_size(10);
    group.throughput(Throughput::Elements(ACCESSES));
    for (name, mode) in [
        ("pictures", Recording::Pictures),
        ("steps", Recording::Steps),
        ("off", Recording::Off),
    ] {
        group.bench_function(name, |b| {
            b.iter_batched(
                || machine(mode),
                |(mut m, base)| {
                    faulting_accesses(&mut m, base);
                    m
                },
                BatchSize::LargeInput,
            )
        });
    }
    group.finish();

    // Reaching a step of a 100,000-step run: the worst case is the step just before a
    // checkpoint, which replays CHECKPOINT_INTERVAL - 1 deltas.
    let (mut m, base) = machine(Recording::Pictures);
    while m.history().len() < 100_000 {
        faulting_accesses(&mut m, base);
    }
    let worst = 99 * CHECKPOINT_INTERVAL + CHECKPOINT_INTERVAL - 2;
    let mut group = c.benchmark_group("reach_step_of_100k_run");
    group.sample_size(20);
    group.bench_function("worst_case", |b| {
        b.iter(|| m.history().picture_after(worst).expect("recorded"))
    });
    group.finish();
}

/// The large machine's settings for both large workloads.
const LARGE: &str = "#pragma pagelab frames=4096 working_set=4096 pagefile=65536\n\
                     char *p = VirtualAlloc(NULL, 16777216, MEM_COMMIT, PAGE_READWRITE);\n";

/// One 16 MiB `memset` over a committed 16 MiB region: a demand-zero fault per page
/// (about 20,490 steps).
fn memset_script() -> String {
    format!("{LARGE}memset(p, 1, 16777216);\n")
}

/// A store loop touching one byte per page, round the 16 MiB region; it runs to the
/// default statement limit (83,202 steps).
fn store_loop_script() -> String {
    format!("{LARGE}for (int i = 0; i < 200000; i++) {{ p[i * 4096 % 16777216] = 1; }}\n")
}

/// Run `program` on a fresh machine recording as `mode`.
fn run_script(program: &Program, mode: Recording) -> Machine {
    let mut m = Machine::with_recording(script::machine_config(program), mode);
    script::run(program, &mut m);
    m
}

fn large_machine(c: &mut Criterion) {
    let mut group = c.benchmark_group("large_machine");
    group.sample_size(10);
    for (name, text) in [
        ("memset_16mib", memset_script()),
        ("store_loop", store_loop_script()),
    ] {
        let program = script::parse(&text).expect("the benchmark script parses");
        let m = run_script(&program, Recording::Pictures);
        let h = m.history();
        println!(
            "{name}: {} steps, history {} bytes ({} per step), {} checkpoints",
            h.len(),
            h.heap_bytes(),
            h.heap_bytes() / h.len().max(1),
            h.checkpoints()
        );
        for (mode_name, mode) in [("pictures", Recording::Pictures), ("off", Recording::Off)] {
            group.bench_function(format!("{name}/{mode_name}"), |b| {
                b.iter(|| run_script(&program, mode))
            });
        }
    }
    group.finish();
}

/// OPT against clock on the same store loop, recording off, a hard working set of 1,024
/// pages over 4,096 touched: under `policy=opt` a first run records the reference string
/// and the real run consults it (`script::machine_for`), so the ratio is OPT's price.
fn opt_future(c: &mut Criterion) {
    let mut group = c.benchmark_group("opt_future");
    group.sample_size(10);
    for policy in ["clock", "opt"] {
        let text = format!(
            "#pragma pagelab frames=4096 working_set=1024 pagefile=65536 policy={policy}\n\
             char *p = VirtualAlloc(NULL, 16777216, MEM_COMMIT, PAGE_READWRITE);\n\
             for (int i = 0; i < 20000; i++) {{ p[i * 4096 % 16777216] = 1; }}\n"
        );
        let program = script::parse(&text).expect("the benchmark script parses");
        group.bench_function(format!("store_loop/{policy}"), |b| {
            b.iter(|| {
                let mut m = script::machine_for(&program, Recording::Off);
                script::run(&program, &mut m);
                m
            })
        });
    }
    group.finish();
}

criterion_group!(benches, engine, large_machine, opt_future);
criterion_main!(benches);
