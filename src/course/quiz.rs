//! Homework (`?quiz=SEED`, `pagelab quiz --seed N`): reproducible problems in the spirit of
//! OSTEP's homework simulators. The same seed gives the same problems in the page and on
//! the command line; every answer is computed by the simulator, never written by hand.

use serde::Serialize;

use crate::sim::consts::{
    MEM_COMMIT, MEM_DECOMMIT, MEM_FREE, MEM_RELEASE, MEM_RESERVE, PAGE_READWRITE,
};
use crate::sim::rng::SplitMix64;
use crate::sim::trace::{check_frames, Clock, Fifo, Lru, Outcome, Replacer};
use crate::sim::{Config, Machine, Policy};

/// One value to find, with the engine's answer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Field {
    /// What to write (`PML4 index`, `GetLastError()`, …).
    pub name: String,
    /// The right answer as text: a number, a name, or numbers separated by spaces.
    pub answer: String,
}

/// One problem of a homework set.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// `replacement`, `address` or `virtualalloc`.
    pub kind: &'static str,
    /// The problem as the student reads it.
    pub prompt: String,
    /// The values to find.
    pub fields: Vec<Field>,
    /// How the answer comes about, shown with the answers.
    pub explanation: String,
}

/// A homework set: one problem of each kind.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Homework {
    /// The seed that made it.
    pub seed: u64,
    /// The problems.
    pub problems: Vec<Problem>,
}

fn field(name: &str, answer: impl ToString) -> Field {
    Field {
        name: name.to_string(),
        answer: answer.to_string(),
    }
}

/// Which accesses of a reference string miss under a policy, replayed by the trace engine's
/// policies (DESIGN §6), as `pagelab trace` does.
fn replacement(rng: &mut SplitMix64) -> Problem {
    let policies = [Policy::Fifo, Policy::Lru, Policy::Clock];
    let policy = policies[rng.below(3) as usize];
    let frames = 3 + rng.below(2);
    let pages: Vec<u64> = (0..12).map(|_| rng.below(frames + 3)).collect();
    let mut misses = Vec::new();
    let mut evictions = Vec::new();
    let count = check_frames(frames).expect("3 or 4 frames is a valid frame count");
    let mut memory: Box<dyn Replacer> = match policy {
        Policy::Lru => Box::new(Lru::new(count)),
        Policy::Clock => Box::new(Clock::new(count)),
        _ => Box::new(Fifo::new(count)),
    };
    for (i, &page) in pages.iter().enumerate() {
        if let Outcome::Miss { evicted } = memory.access(page) {
            misses.push((i + 1).to_string());
            if let Some(e) = evicted {
                evictions.push(format!("access {} (page {page}) evicts page {e}", i + 1));
            }
        }
    }
    let string: Vec<String> = pages.iter().map(u64::to_string).collect();
    Problem {
        kind: "replacement",
        prompt: format!(
            "A process with {frames} frames, all empty, references the pages {} under {} replacement. Which accesses miss (number them from 1), and how many misses are there?",
            string.join(" "),
            policy.name()
        ),
        fields: vec![field("accesses that miss", misses.join(" ")), field("misses", misses.len())],
        explanation: if evictions.is_empty() {
            "Every miss found a free frame: only first touches miss.".to_string()
        } else {
            format!("A first touch always misses. Then: {}.", evictions.join("; "))
        },
    }
}

/// An address's four table indices and offset (9/9/9/9/12 bits).
fn address(rng: &mut SplitMix64) -> Problem {
    let va = 0x10000 + rng.below(0x7FFF_FFFE_FFFF - 0x10000);
    let index = |shift: u32| (va >> shift) & 0x1FF;
    Problem {
        kind: "address",
        prompt: format!(
            "Split the user-mode address {va:#x} as an x86-64 CPU does with 4 KB pages: what are its PML4, PDPT, PD and PT indices and its byte offset (in decimal)?"
        ),
        fields: vec![
            field("PML4 index", index(39)),
            field("PDPT index", index(30)),
            field("PD index", index(21)),
            field("PT index", index(12)),
            field("offset", va & 0xFFF),
        ],
        explanation: "Bits 47–39 give the PML4 index, 38–30 the PDPT index, 29–21 the PD index, 20–12 the PT index and 11–0 the offset (each index is 9 bits: 0 to 511).".to_string(),
    }
}

fn state_name(state: u32) -> &'static str {
    match state {
        MEM_COMMIT => "MEM_COMMIT",
        MEM_RESERVE => "MEM_RESERVE",
        _ => "MEM_FREE",
    }
}

/// What a VirtualAlloc/VirtualFree call returns and leaves.
fn virtual_alloc(rng: &mut SplitMix64) -> Problem {
    let mut m = Machine::new(Config::default());
    let pages = 2 + rng.below(6);
    let extra = rng.below(4096);
    let size = (pages - 1) * 4096 + 1 + extra.min(4095);
    let base = m.virtual_alloc(0, size, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
    let setup = format!("p = VirtualAlloc(NULL, {size}, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE) returns {base:#x}.");
    let offset = rng.below(pages) * 4096;
    let (call, returned, query_at) = match rng.below(4) {
        0 => {
            let ok = m.virtual_free(base + offset, 4096, MEM_DECOMMIT);
            (
                format!("VirtualFree(p + {offset:#x}, 4096, MEM_DECOMMIT)"),
                u64::from(ok),
                base + offset,
            )
        }
        1 => {
            let ok = m.virtual_free(base, size, MEM_RELEASE);
            (
                format!("VirtualFree(p, {size}, MEM_RELEASE)"),
                u64::from(ok),
                base,
            )
        }
        2 => {
            let ok = m.virtual_free(base, 0, MEM_RELEASE);
            (
                "VirtualFree(p, 0, MEM_RELEASE)".to_string(),
                u64::from(ok),
                base,
            )
        }
        _ => {
            let inside = base + offset + 0x10 + rng.below(0xF00);
            let v = m.virtual_alloc(inside, 8, MEM_COMMIT, PAGE_READWRITE);
            (
                format!("VirtualAlloc({inside:#x}, 8, MEM_COMMIT, PAGE_READWRITE)"),
                v,
                base + offset,
            )
        }
    };
    let error = m.last_error();
    let mbi = m.virtual_query(query_at, 48);
    let (state, region) = mbi.map_or((MEM_FREE, 0), |i| (i.State, i.RegionSize));
    let returned_text = if returned > 1 {
        format!("{returned:#x}")
    } else {
        returned.to_string()
    };
    Problem {
        kind: "virtualalloc",
        prompt: format!(
            "{setup} Then the program calls {call}. What does the call return (0 for NULL or FALSE, 1 for TRUE, else the address), what is GetLastError() after it, and what do VirtualQuery({query_at:#x}) State and RegionSize say?"
        ),
        fields: vec![
            field("returns", returned_text),
            field("GetLastError()", error),
            field("State", state_name(state)),
            field("RegionSize", format!("{region:#x}")),
        ],
        explanation: "Sizes round up to whole 4 KB pages; MEM_RELEASE needs size 0 and the allocation's base (else ERROR_INVALID_PARAMETER, 87); MEM_DECOMMIT keeps the addresses reserved; a commit inside a committed region returns its page-rounded address; a released range is MEM_FREE up to the next allocation.".to_string(),
    }
}

/// The homework set of `seed`.
pub fn homework(seed: u64) -> Homework {
    let mut rng = SplitMix64::new(seed);
    Homework {
        seed,
        problems: vec![
            replacement(&mut rng),
            address(&mut rng),
            virtual_alloc(&mut rng),
        ],
    }
}

/// Whether `given` is `answer`: numbers compare by value (decimal or `0x` hex), names
/// without regard to case, lists item by item.
pub fn check(answer: &str, given: &str) -> bool {
    let norm = |s: &str| -> Vec<String> {
        s.split(|c: char| c.is_whitespace() || c == ',')
            .filter(|t| !t.is_empty())
            .map(|t| {
                let lower = t.to_ascii_lowercase();
                let number = match lower.strip_prefix("0x") {
                    Some(h) => u128::from_str_radix(h, 16).ok(),
                    None => lower.parse::<u128>().ok(),
                };
                number.map_or(lower, |n| n.to_string())
            })
            .collect()
    };
    let (a, g) = (norm(answer), norm(given));
    !a.is_empty() && a == g
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_set() {
        assert_eq!(homework(7), homework(7));
        assert_ne!(homework(7), homework(8));
        for seed in 0..50 {
            let h = homework(seed);
            assert_eq!(h.problems.len(), 3);
            assert!(h
                .problems
                .iter()
                .all(|p| p.fields.iter().all(|f| !f.answer.is_empty())));
        }
    }

    #[test]
    fn address_indices_rebuild_the_address() {
        for seed in 0..50 {
            let p = &homework(seed).problems[1];
            let n: Vec<u64> = p.fields.iter().map(|f| f.answer.parse().unwrap()).collect();
            let va = (n[0] << 39) | (n[1] << 30) | (n[2] << 21) | (n[3] << 12) | n[4];
            assert!(p.prompt.contains(&format!("{va:#x}")), "{}", p.prompt);
        }
    }

    #[test]
    fn checking_is_by_value() {
        assert!(check("0x10000", "65536"));
        assert!(check("1 2 5", " 1, 2 5 "));
        assert!(check("MEM_COMMIT", "mem_commit"));
        assert!(!check("1 2 5", "1 2"));
        assert!(!check("87", ""));
    }

    #[test]
    fn a_bad_release_is_invalid_parameter() {
        // Find a seed with the sized MEM_RELEASE and check the engine's answer (reference §4.1).
        let p = (0..200)
            .map(|s| homework(s).problems[2].clone())
            .find(|p| p.prompt.contains("MEM_RELEASE)") && !p.prompt.contains("(p, 0,"))
            .expect("some seed asks it");
        assert_eq!(
            (p.fields[0].answer.as_str(), p.fields[1].answer.as_str()),
            ("0", "87")
        );
        assert_eq!(p.fields[2].answer, "MEM_COMMIT");
    }
}
