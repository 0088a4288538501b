//! The interactive engine's speed: faulting accesses per second with every step and
//! picture recorded, and with recording off; and the cost of reaching any step of a
//! 100,000-step run.
//!
//! Run with `cargo bench --bench engine`.

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
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

criterion_group!(benches, engine);
criterion_main!(benches);
