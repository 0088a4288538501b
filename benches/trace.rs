//! Trace mode throughput (DESIGN §6): 1M accesses at 64 and 1024 frames for fifo, lru,
//! clock, random and opt (in one block, and in 64 Ki-access blocks as from a file), the
//! naive specification as the baseline, and the text reader; and the Compare view's
//! curves (five policies at 1 to 64 frames over 100,000 accesses, `compare_pages`, what
//! its worker runs) against the streaming comparison of `pagelab trace --compare`.
//!
//! Run with `cargo bench --bench trace`; every figure is per access (criterion's
//! "elements"). The naive baseline runs on a prefix of the same string, because it is
//! O(frames) per access (and OPT's naive version scans the future on every miss).

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};

#[path = "common/reference_string.rs"]
mod reference_string;
use pagelab::sim::trace::{self, naive, PageReader};
use pagelab::sim::Policy;
use reference_string::reference_string;

const ACCESSES: usize = 1_000_000;
const FRAMES: [u64; 2] = [64, 1024];

fn run(policy: Policy, frames: u64, pages: &[u64]) -> trace::Summary {
    trace::simulate(policy, frames, 1, pages.iter().copied(), |_, _| {}).unwrap_or_default()
}

fn fast(c: &mut Criterion) {
    let pages = reference_string(ACCESSES);
    let mut group = c.benchmark_group("trace");
    group.throughput(Throughput::Elements(ACCESSES as u64));
    for policy in [
        Policy::Fifo,
        Policy::Lru,
        Policy::Clock,
        Policy::Random,
        Policy::Opt,
    ] {
        for frames in FRAMES {
            let summary = run(policy, frames, &pages);
            eprintln!(
                "{} {frames} frames: {:.1}% misses",
                policy.name(),
                100.0 * summary.misses as f64 / summary.accesses as f64
            );
            group.bench_with_input(
                BenchmarkId::new(policy.name(), frames),
                &frames,
                |b, &frames| b.iter(|| run(policy, frames, black_box(&pages))),
            );
        }
    }
    // OPT as it runs on a file: two readings in blocks of 64 Ki accesses (16 blocks here),
    // to show what the bounded memory costs against the one-block run above.
    for frames in FRAMES {
        let size = [trace::check_frames(frames).unwrap_or(std::num::NonZeroU32::MIN)];
        group.bench_with_input(BenchmarkId::new("opt-blocks", frames), &size, |b, size| {
            b.iter(|| {
                let read = |visit: &mut dyn FnMut(u64)| -> Result<(), ()> {
                    black_box(&pages).iter().for_each(|&p| visit(p));
                    Ok(())
                };
                trace::opt::simulate_twice(size, 1 << 16, read, |_, _, _| {})
            })
        });
    }
    group.finish();
}

fn baseline(c: &mut Criterion) {
    let pages = reference_string(ACCESSES);
    let mut group = c.benchmark_group("naive");
    for policy in [Policy::Fifo, Policy::Lru, Policy::Clock, Policy::Opt] {
        for frames in FRAMES {
            let len = match (policy, frames) {
                (Policy::Opt, 64) => 20_000,
                (Policy::Opt, _) => 5_000,
                (_, 64) => 200_000,
                _ => 50_000,
            };
            let prefix = &pages[..len];
            group.throughput(Throughput::Elements(len as u64));
            group.bench_with_input(
                BenchmarkId::new(policy.name(), frames),
                &frames,
                |b, &frames| {
                    b.iter(|| {
                        naive::summary(policy, frames, 1, black_box(prefix)).unwrap_or_default()
                    })
                },
            );
        }
    }
    group.finish();
}

fn curves(c: &mut Criterion) {
    // The Compare view's benchmark string (tests/bench/compare.mjs): 100,000 accesses
    // drawn from 400 pages.
    let mut rng = trace::SplitMix64::new(7);
    let pages: Vec<u64> = (0..100_000).map(|_| rng.below(400)).collect();
    let policies = [
        Policy::Fifo,
        Policy::Lru,
        Policy::Clock,
        Policy::Opt,
        Policy::Random,
    ];
    let frames: Vec<u64> = (1..=64).collect();
    let mut group = c.benchmark_group("curves");
    // Accesses replayed: every policy at every frame count.
    group.throughput(Throughput::Elements(
        (pages.len() * policies.len() * frames.len()) as u64,
    ));
    group.bench_function("5x64 in memory", |b| {
        b.iter(|| trace::compare_pages(&policies, &frames, 1, black_box(&pages)).ok())
    });
    group.bench_function("5x64 streamed", |b| {
        b.iter(|| {
            let read = |visit: &mut dyn FnMut(u64)| -> Result<(), ()> {
                black_box(&pages).iter().for_each(|&p| visit(p));
                Ok(())
            };
            trace::compare(&policies, &frames, 1, read).ok()
        })
    });
    group.finish();
}

fn reader(c: &mut Criterion) {
    let pages = reference_string(ACCESSES);
    let text: String = pages.iter().map(|p| format!("{p}\n")).collect();
    let mut group = c.benchmark_group("read");
    group.throughput(Throughput::Elements(ACCESSES as u64));
    group.bench_function("1M pages from text", |b| {
        b.iter(|| PageReader::new(black_box(text.as_bytes())).fold(0u64, u64::wrapping_add))
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    targets = fast, baseline, curves, reader
}
criterion_main!(benches);
