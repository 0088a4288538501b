//! The machine's settings: the `#pragma pagelab` knobs (DESIGN §2, §5).

use serde::Serialize;

/// Which page a full working set gives up (DESIGN §2).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Policy {
    /// Accessed-bit aging with a clock hand (reference §8.4); the default.
    Clock,
    /// First in, first out.
    Fifo,
    /// Least recently used.
    Lru,
    /// Optimal: the page used again furthest in the future. A script is deterministic,
    /// so a first run records its page references and the real run consults them.
    Opt,
    /// A seeded pseudo-random choice.
    Random,
}

impl Policy {
    /// Parse a policy name as written in a pragma or on the command line.
    pub fn parse(name: &str) -> Option<Policy> {
        match name {
            "clock" => Some(Policy::Clock),
            "fifo" => Some(Policy::Fifo),
            "lru" => Some(Policy::Lru),
            "opt" => Some(Policy::Opt),
            "random" => Some(Policy::Random),
            _ => None,
        }
    }

    /// The name as written in a pragma.
    pub fn name(self) -> &'static str {
        match self {
            Policy::Clock => "clock",
            Policy::Fifo => "fifo",
            Policy::Lru => "lru",
            Policy::Opt => "opt",
            Policy::Random => "random",
        }
    }
}

/// Every setting of a simulated machine. Defaults follow DESIGN §2.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Config {
    /// RAM frames.
    pub frames: u32,
    /// Page-file slots. Commit limit = frames + slots (reference §8.6).
    pub pagefile: u32,
    /// `working_set=N`: a hard working-set maximum of N pages, as
    /// `SetProcessWorkingSetSizeEx(…, QUOTA_LIMITS_HARDWS_MAX_ENABLE)` sets (reference §8.4).
    /// `None` (no `working_set=`, or `working_set=soft`): Windows' soft default limits,
    /// scaled to the machine ([`Config::working_set_limits`]).
    pub working_set: Option<u32>,
    /// Replacement policy for a full working set.
    pub policy: Policy,
    /// Pages read per hard fault (1 = no clustering; reference §8.5, tunable).
    pub cluster: u32,
    /// TLB entries (fully associative, LRU).
    pub tlb: u32,
    /// Standby and modified lists on; off gives the textbook model.
    pub standby: bool,
    /// Lowest address `VirtualAlloc(NULL, …)` places a new allocation at.
    pub base: u64,
    /// Seed of the machine's own generator (random policy).
    pub seed: u64,
    /// The modified page writer runs by itself when the modified list holds this many pages.
    pub modified_threshold: u32,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            frames: 16,
            pagefile: 64,
            working_set: None,
            policy: Policy::Clock,
            cluster: 4,
            tlb: 8,
            standby: true,
            base: 0x234_5670_0000,
            seed: 1,
            modified_threshold: 4,
        }
    }
}

/// A working set's minimum and maximum in pages, and whether the maximum is hard
/// (reference §8.4, MS-SPWSSE).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct WsLimits {
    /// The minimum: the working-set manager trims a process no lower when memory runs low.
    pub min: u32,
    /// The maximum.
    pub max: u32,
    /// `QUOTA_LIMITS_HARDWS_MAX_ENABLE`: at the maximum, a fault first replaces a page of
    /// the same working set. Soft (false): the working set may grow past its maximum while
    /// memory is plentiful.
    pub hard: bool,
}

/// Limits that keep a configuration drawable and bounded in memory.
pub mod limits {
    /// Most RAM frames a machine may have.
    pub const MAX_FRAMES: u32 = 4096;
    /// Most page-file slots.
    pub const MAX_PAGEFILE: u32 = 65536;
    /// Most TLB entries.
    pub const MAX_TLB: u32 = 512;
    /// Most pages a hard fault may read.
    pub const MAX_CLUSTER: u32 = 16;
}

/// Why a setting was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigError {
    /// The setting's name.
    pub key: String,
    /// A sentence a beginner understands.
    pub message: String,
}

impl Config {
    /// Set one knob from its pragma spelling, e.g. `("frames", "16")`.
    pub fn set(&mut self, key: &str, value: &str) -> Result<(), ConfigError> {
        let err = |message: String| ConfigError {
            key: key.to_string(),
            message,
        };
        let number = |lo: u64, hi: u64| -> Result<u64, ConfigError> {
            let parsed =
                parse_number(value).ok_or_else(|| err(format!("'{value}' is not a number")))?;
            if parsed < lo || parsed > hi {
                return Err(err(format!("{key} must be between {lo} and {hi}")));
            }
            Ok(parsed)
        };
        match key {
            "frames" => self.frames = number(1, limits::MAX_FRAMES as u64)? as u32,
            "pagefile" => self.pagefile = number(0, limits::MAX_PAGEFILE as u64)? as u32,
            "working_set" if value == "soft" => self.working_set = None,
            "working_set" => self.working_set = Some(number(1, limits::MAX_FRAMES as u64)? as u32),
            "cluster" => self.cluster = number(1, limits::MAX_CLUSTER as u64)? as u32,
            "tlb" => self.tlb = number(1, limits::MAX_TLB as u64)? as u32,
            "seed" => self.seed = number(0, u64::MAX)?,
            "modified_threshold" => {
                self.modified_threshold = number(1, limits::MAX_FRAMES as u64)? as u32
            }
            "base" => {
                let b = number(super::addr::MIN_USER_ADDRESS, super::addr::MAX_USER_ADDRESS)?;
                if b % super::addr::ALLOCATION_GRANULARITY != 0 {
                    return Err(err("base must be a multiple of 64 KB (0x10000)".into()));
                }
                self.base = b;
            }
            "policy" => {
                self.policy = Policy::parse(value).ok_or_else(|| {
                    err(format!(
                        "unknown policy '{value}'; use clock, fifo, lru, opt or random"
                    ))
                })?
            }
            "standby" => {
                self.standby = match value {
                    "on" | "1" | "true" => true,
                    "off" | "0" | "false" => false,
                    _ => return Err(err("standby must be on or off".into())),
                }
            }
            _ => {
                return Err(err(format!(
                    "unknown setting '{key}'; known: frames, pagefile, working_set, policy, cluster, tlb, standby, base, seed, modified_threshold"
                )))
            }
        }
        Ok(())
    }

    /// The working-set limits a new process gets (reference §8.4). `working_set=N` gives a
    /// hard maximum of N (minimum 1). Otherwise the limits are soft, Windows' defaults of
    /// 50 and 345 pages (WI7) scaled to the small machine: the maximum is half of RAM (at
    /// least 1 page) and the minimum keeps Windows' ratio, max × 50 / 345 rounded up.
    pub fn working_set_limits(&self) -> WsLimits {
        match self.working_set {
            Some(max) => WsLimits {
                min: 1,
                max,
                hard: true,
            },
            None => {
                let max = (self.frames / 2).max(1);
                WsLimits {
                    min: (max * 50).div_ceil(345).max(1),
                    max,
                    hard: false,
                }
            }
        }
    }

    /// The commit limit in pages: RAM frames plus page-file slots (reference §8.6).
    pub fn commit_limit(&self) -> u64 {
        self.frames as u64 + self.pagefile as u64
    }
}

/// Parse a decimal or `0x` hexadecimal number.
pub fn parse_number(text: &str) -> Option<u64> {
    let t = text.trim();
    if let Some(hex) = t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")) {
        u64::from_str_radix(hex, 16).ok()
    } else {
        t.parse().ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pragma_knobs() {
        let mut c = Config::default();
        c.set("frames", "8").unwrap();
        c.set("policy", "fifo").unwrap();
        c.set("standby", "off").unwrap();
        c.set("base", "0x10000").unwrap();
        assert_eq!(
            (c.frames, c.policy, c.standby, c.base),
            (8, Policy::Fifo, false, 0x10000)
        );
        assert!(c.set("frames", "0").is_err());
        assert!(c.set("base", "0x12345").is_err());
        assert!(c.set("colour", "1").is_err());
        assert!(c.set("frames", "99999999999999999999999").is_err());
        assert!(!c.working_set_limits().hard, "soft by default");
        assert_eq!(
            (c.working_set_limits().min, c.working_set_limits().max),
            (1, 4),
            "8 frames: soft maximum 4, minimum 4 × 50 / 345 rounded up"
        );
        c.set("working_set", "3").unwrap();
        assert_eq!(
            c.working_set_limits(),
            WsLimits {
                min: 1,
                max: 3,
                hard: true
            }
        );
        c.set("working_set", "soft").unwrap();
        assert_eq!(c.working_set, None);
        let big = Config::default();
        assert_eq!(big.working_set_limits().max, 8);
    }
}
