//! The JSON form in which recorded steps travel from the page's worker to the page
//! (README "How it works"), and back into typed values.
//!
//! Writing uses the types' own `Serialize` (the tree JavaScript receives, which crosses
//! as a plain object); reading is written out by hand over a `serde_json::Value`, because
//! derived `Deserialize` code for every event and picture type (or a JSON text parser)
//! cost more of the wasm module than the page's download budget has. Integers past 2^53
//! may arrive as exact hex strings (see `web::crossing`). A host test reads back every
//! step of every bundled lesson exactly.

use serde::Serialize;
use serde_json::Value;

use crate::sim::addr::{Level, Owner, Pfn, ProcessId, SectionId, Slot, Vpn};
use crate::sim::picture::{
    Change, CommitView, FrameView, ListOp, ListsView, PictureDelta, ProcessView, RegionView,
    TableView, TlbView, WorkingSetView, WsOp, WsPageView,
};
use crate::sim::{Access, Config, Event, FaultKind, FrameList, Policy, Pte, Step};

/// What was wrong with a tree that [`chunk`] or [`config`] did not make.
pub type ReadError = &'static str;

type Read<T> = Result<T, ReadError>;

/// `steps`, each with the delta that turns the picture before it into the picture after
/// it, as a JSON tree (the form `serde` gives them).
pub fn chunk(steps: &[(Step, PictureDelta)]) -> Result<Value, String> {
    let pairs: Vec<(&Step, &[Change])> = steps.iter().map(|(s, d)| (s, d.changes())).collect();
    serde_json::to_value(pairs).map_err(|e| e.to_string())
}

/// The steps and deltas of a tree made by [`chunk`].
pub fn read_chunk(tree: &Value) -> Read<Vec<(Step, PictureDelta)>> {
    list(tree, |pair| {
        let pair = pair
            .as_array()
            .filter(|p| p.len() == 2)
            .ok_or("a step pair")?;
        Ok((step(&pair[0])?, delta(&pair[1])?))
    })
}

/// A machine's settings as a JSON tree.
pub fn config(config: &Config) -> Result<Value, String> {
    serde_json::to_value(config).map_err(|e| e.to_string())
}

/// The settings of a tree made by [`config`].
pub fn read_config(v: &Value) -> Read<Config> {
    Ok(Config {
        frames: u32_of(v, "frames")?,
        pagefile: u32_of(v, "pagefile")?,
        working_set: u32_of(v, "working_set")?,
        policy: unit(field(v, "policy")?, &POLICIES)?,
        cluster: u32_of(v, "cluster")?,
        tlb: u32_of(v, "tlb")?,
        standby: bool_of(v, "standby")?,
        base: u64_of(v, "base")?,
        seed: u64_of(v, "seed")?,
        modified_threshold: u32_of(v, "modified_threshold")?,
    })
}

const POLICIES: [Policy; 5] = [
    Policy::Clock,
    Policy::Fifo,
    Policy::Lru,
    Policy::Opt,
    Policy::Random,
];
const LISTS: [FrameList; 5] = [
    FrameList::Active,
    FrameList::Standby,
    FrameList::Modified,
    FrameList::Free,
    FrameList::Zeroed,
];
const FAULTS: [FaultKind; 5] = [
    FaultKind::DemandZero,
    FaultKind::Transition,
    FaultKind::Hard,
    FaultKind::AccessViolation,
    FaultKind::GuardPage,
];
const ACCESSES: [Access; 3] = [Access::Read, Access::Write, Access::Execute];
const LEVELS: [Level; 4] = [Level::Pml4, Level::Pdpt, Level::Pd, Level::Pt];

fn field<'a>(v: &'a Value, key: &str) -> Read<&'a Value> {
    v.get(key).ok_or("a field is missing")
}

/// A whole number, or the exact hex text of one past 2^53 (`"0xffffffffffffffff"`).
fn u64_in(v: &Value) -> Read<u64> {
    match v {
        Value::String(hex) => hex
            .strip_prefix("0x")
            .and_then(|h| u64::from_str_radix(h, 16).ok()),
        _ => v.as_u64(),
    }
    .ok_or("not a whole number")
}

fn u64_of(v: &Value, key: &str) -> Read<u64> {
    u64_in(field(v, key)?)
}

fn u32_of(v: &Value, key: &str) -> Read<u32> {
    u32::try_from(u64_of(v, key)?).map_err(|_| "a number out of range")
}

fn u16_of(v: &Value, key: &str) -> Read<u16> {
    u16::try_from(u64_of(v, key)?).map_err(|_| "a number out of range")
}

fn bool_of(v: &Value, key: &str) -> Read<bool> {
    field(v, key)?.as_bool().ok_or("not true or false")
}

fn str_of(v: &Value, key: &str) -> Read<String> {
    field(v, key)?
        .as_str()
        .map(str::to_string)
        .ok_or("not text")
}

fn list<T>(v: &Value, item: impl Fn(&Value) -> Read<T>) -> Read<Vec<T>> {
    v.as_array().ok_or("not a list")?.iter().map(item).collect()
}

fn maybe<T>(v: &Value, item: impl Fn(&Value) -> Read<T>) -> Read<Option<T>> {
    if v.is_null() {
        Ok(None)
    } else {
        item(v).map(Some)
    }
}

/// A unit variant, found by its serialised name among `all`.
fn unit<T: Serialize + Copy>(v: &Value, all: &[T]) -> Read<T> {
    all.iter()
        .copied()
        .find(|x| serde_json::to_value(x).ok().as_ref() == Some(v))
        .ok_or("an unknown name")
}

fn vpn(v: &Value) -> Read<Vpn> {
    u64_in(v).map(Vpn)
}

fn pfn(v: &Value) -> Read<Pfn> {
    u32::try_from(u64_in(v)?)
        .map(Pfn)
        .map_err(|_| "a number out of range")
}

fn vpn_of(v: &Value, key: &str) -> Read<Vpn> {
    vpn(field(v, key)?)
}

fn pfn_of(v: &Value, key: &str) -> Read<Pfn> {
    pfn(field(v, key)?)
}

fn slot_of(v: &Value, key: &str) -> Read<Slot> {
    u32_of(v, key).map(Slot)
}

fn step(v: &Value) -> Read<Step> {
    Ok(Step {
        events: list(field(v, "events")?, event)?,
        narration: str_of(v, "narration")?,
        line: maybe(field(v, "line")?, |l| {
            u32::try_from(u64_in(l)?).map_err(|_| "a number out of range")
        })?,
    })
}

fn pte(v: &Value) -> Read<Pte> {
    Ok(match field(v, "kind")?.as_str().unwrap_or("") {
        "empty" => Pte::Empty,
        "valid" => Pte::Valid {
            pfn: pfn_of(v, "pfn")?,
            accessed: bool_of(v, "accessed")?,
            dirty: bool_of(v, "dirty")?,
            writable: bool_of(v, "writable")?,
        },
        "demand_zero" => Pte::DemandZero,
        "transition" => Pte::Transition {
            pfn: pfn_of(v, "pfn")?,
        },
        "page_file" => Pte::PageFile {
            slot: slot_of(v, "slot")?,
        },
        "prototype" => Pte::Prototype {
            index: u32_of(v, "index")?,
        },
        _ => return Err("an unknown PTE kind"),
    })
}

fn event(v: &Value) -> Read<Event> {
    let list_of = |key: &str| unit(field(v, key)?, &LISTS);
    let access = || unit(field(v, "access")?, &ACCESSES);
    let level = || unit(field(v, "level")?, &LEVELS);
    let kind = field(v, "kind")?.as_str().unwrap_or("");
    Ok(match kind {
        "call" => Event::Call {
            name: str_of(v, "name")?,
            args: list(field(v, "args")?, u64_in)?,
        },
        "return" => Event::Return {
            value: u64_of(v, "value")?,
            last_error: u32_of(v, "last_error")?,
        },
        "address_split" => Event::AddressSplit {
            va: u64_of(v, "va")?,
            pml4: u16_of(v, "pml4")?,
            pdpt: u16_of(v, "pdpt")?,
            pd: u16_of(v, "pd")?,
            pt: u16_of(v, "pt")?,
            offset: u16_of(v, "offset")?,
            access: access()?,
        },
        "tlb_hit" => Event::TlbHit {
            vpn: vpn_of(v, "vpn")?,
            pfn: pfn_of(v, "pfn")?,
        },
        "tlb_miss" => Event::TlbMiss {
            vpn: vpn_of(v, "vpn")?,
        },
        "tlb_fill" => Event::TlbFill {
            vpn: vpn_of(v, "vpn")?,
            pfn: pfn_of(v, "pfn")?,
            evicted: maybe(field(v, "evicted")?, vpn)?,
        },
        "tlb_flush" => Event::TlbFlush {
            vpn: vpn_of(v, "vpn")?,
        },
        "table_created" => Event::TableCreated {
            level: level()?,
            covers: u64_of(v, "covers")?,
        },
        "walk" => Event::Walk {
            level: level()?,
            index: u16_of(v, "index")?,
            present: bool_of(v, "present")?,
        },
        "pte_read" => Event::PteRead {
            vpn: vpn_of(v, "vpn")?,
            pte: pte(field(v, "pte")?)?,
        },
        "pte_written" => Event::PteWritten {
            vpn: vpn_of(v, "vpn")?,
            old: pte(field(v, "old")?)?,
            new: pte(field(v, "new")?)?,
        },
        "page_fault" => Event::PageFault {
            va: u64_of(v, "va")?,
            fault: unit(field(v, "fault")?, &FAULTS)?,
            access: access()?,
        },
        "frame_taken" => Event::FrameTaken {
            pfn: pfn_of(v, "pfn")?,
            from: list_of("from")?,
        },
        "frame_zeroed" => Event::FrameZeroed {
            pfn: pfn_of(v, "pfn")?,
        },
        "list_move" => Event::ListMove {
            pfn: pfn_of(v, "pfn")?,
            from: list_of("from")?,
            to: list_of("to")?,
        },
        "page_trimmed" => Event::PageTrimmed {
            vpn: vpn_of(v, "vpn")?,
            pfn: pfn_of(v, "pfn")?,
            policy: maybe(field(v, "policy")?, |p| unit(p, &POLICIES))?,
            to: list_of("to")?,
        },
        "page_file_write" | "page_file_read" => {
            let (slot, pfn, vpn) = (slot_of(v, "slot")?, pfn_of(v, "pfn")?, vpn_of(v, "vpn")?);
            if kind == "page_file_write" {
                Event::PageFileWrite { slot, pfn, vpn }
            } else {
                Event::PageFileRead { slot, pfn, vpn }
            }
        }
        "slot_freed" => Event::SlotFreed {
            slot: slot_of(v, "slot")?,
        },
        "cluster_read" => Event::ClusterRead {
            vpns: list(field(v, "vpns")?, vpn)?,
        },
        "commit_charge" => Event::CommitCharge {
            old: u64_of(v, "old")?,
            new: u64_of(v, "new")?,
            limit: u64_of(v, "limit")?,
        },
        "region_change" => Event::RegionChange {
            base: u64_of(v, "base")?,
            size: u64_of(v, "size")?,
            state: u32_of(v, "state")?,
            protect: u32_of(v, "protect")?,
        },
        "data_read" => Event::DataRead {
            va: u64_of(v, "va")?,
            len: u64_of(v, "len")?,
        },
        "data_written" => Event::DataWritten {
            va: u64_of(v, "va")?,
            len: u64_of(v, "len")?,
        },
        "exception" => Event::Exception {
            code: u32_of(v, "code")?,
            name: str_of(v, "name")?,
            info: list(field(v, "info")?, u64_in)?,
        },
        "instruction_restarted" => Event::InstructionRestarted {
            va: u64_of(v, "va")?,
        },
        "output" => Event::Output {
            text: str_of(v, "text")?,
        },
        _ => return Err("an unknown event kind"),
    })
}

fn u32_in(v: &Value) -> Read<u32> {
    u32::try_from(u64_in(v)?).map_err(|_| "a number out of range")
}

/// The `[a, b, …]` of a tuple variant, with exactly `n` items.
fn tuple(v: &Value, n: usize) -> Read<&[Value]> {
    v.as_array()
        .map(Vec::as_slice)
        .filter(|t| t.len() == n)
        .ok_or("a tuple of the wrong length")
}

fn region(v: &Value) -> Read<RegionView> {
    Ok(RegionView {
        base: u64_of(v, "base")?,
        size: u64_of(v, "size")?,
        state: u32_of(v, "state")?,
        protect: u32_of(v, "protect")?,
        allocation_base: u64_of(v, "allocation_base")?,
        allocation_protect: u32_of(v, "allocation_protect")?,
        kind: u32_of(v, "kind")?,
    })
}

fn owner(v: &Value) -> Read<Owner> {
    Ok(match field(v, "kind")?.as_str().unwrap_or("") {
        "private" => Owner::Private {
            process: ProcessId(u32_of(v, "process")?),
            vpn: vpn_of(v, "vpn")?,
        },
        "shared" => Owner::Shared {
            section: SectionId(u32_of(v, "section")?),
            index: u32_of(v, "index")?,
        },
        _ => return Err("an unknown owner kind"),
    })
}

fn frame(v: &Value) -> Read<FrameView> {
    Ok(FrameView {
        list: unit(field(v, "list")?, &LISTS)?,
        vpn: maybe(field(v, "vpn")?, vpn)?,
        dirty: bool_of(v, "dirty")?,
        owner: maybe(field(v, "owner")?, owner)?,
        share_count: u32_of(v, "share_count")?,
    })
}

fn ws_page(v: &Value) -> Read<WsPageView> {
    Ok(WsPageView {
        vpn: vpn_of(v, "vpn")?,
        accessed: bool_of(v, "accessed")?,
        loaded: u64_of(v, "loaded")?,
        last_use: u64_of(v, "last_use")?,
    })
}

fn working_set(v: &Value) -> Read<WorkingSetView> {
    Ok(WorkingSetView {
        policy: unit(field(v, "policy")?, &POLICIES)?,
        limit: u32_of(v, "limit")?,
        pages: list(field(v, "pages")?, ws_page)?,
        hand: u32_of(v, "hand")?,
    })
}

fn lists(v: &Value) -> Read<ListsView> {
    Ok(ListsView {
        zeroed: list(field(v, "zeroed")?, pfn)?,
        free: list(field(v, "free")?, pfn)?,
        standby: list(field(v, "standby")?, pfn)?,
        modified: list(field(v, "modified")?, pfn)?,
    })
}

fn delta(v: &Value) -> Read<PictureDelta> {
    list(v, change).map(PictureDelta::new)
}

fn change(v: &Value) -> Read<Change> {
    let (name, v) = variant(v)?;
    Ok(match name {
        "Regions" => Change::Regions(list(v, region)?.into_boxed_slice()),
        "Table" => Change::Table(TableView {
            level: unit(field(v, "level")?, &LEVELS)?,
            covers: u64_of(v, "covers")?,
        }),
        "Pte" => {
            let t = tuple(v, 2)?;
            Change::Pte(u64_in(&t[0])?, maybe(&t[1], pte)?)
        }
        "Tlb" => {
            let t = tuple(v, 2)?;
            let entry = maybe(&t[1], |e| {
                Ok(TlbView {
                    vpn: vpn_of(e, "vpn")?,
                    pfn: pfn_of(e, "pfn")?,
                    last_use: u64_of(e, "last_use")?,
                })
            })?;
            Change::Tlb(u32_in(&t[0])?, entry)
        }
        "FrameCount" => Change::FrameCount(u32_in(v)?),
        "Frame" => {
            let t = tuple(v, 2)?;
            Change::Frame(u32_in(&t[0])?, frame(&t[1])?)
        }
        "List" => Change::List(list_op(v)?),
        "Lists" => Change::Lists(Box::new(lists(v)?)),
        "SlotCount" => Change::SlotCount(u32_in(v)?),
        "Slot" => {
            let t = tuple(v, 2)?;
            Change::Slot(u32_in(&t[0])?, maybe(&t[1], vpn)?)
        }
        "Ws" => Change::Ws(ws_op(v)?),
        "WorkingSet" => Change::WorkingSet(Box::new(working_set(v)?)),
        "WsState" => {
            let t = tuple(v, 3)?;
            Change::WsState(unit(&t[0], &POLICIES)?, u32_in(&t[1])?, u32_in(&t[2])?)
        }
        "Counter" => {
            let t = tuple(v, 2)?;
            let index = u8::try_from(u64_in(&t[0])?).map_err(|_| "a number out of range")?;
            Change::Counter(index, u64_in(&t[1])?)
        }
        "Commit" => Change::Commit(CommitView {
            charge: u64_of(v, "charge")?,
            limit: u64_of(v, "limit")?,
        }),
        "Focus" => Change::Focus(maybe(v, u64_in)?),
        "Process" => Change::Process(Box::new(ProcessView {
            id: ProcessId(u32_of(v, "id")?),
            name: str_of(v, "name")?,
            cr3: u64_of(v, "cr3")?,
        })),
        _ => return Err("an unknown change"),
    })
}

/// The one `{"Name": {fields}}` of a struct variant.
fn variant(v: &Value) -> Read<(&str, &Value)> {
    v.as_object()
        .filter(|o| o.len() == 1)
        .and_then(|o| o.iter().next())
        .map(|(k, v)| (k.as_str(), v))
        .ok_or("not a variant")
}

fn list_op(v: &Value) -> Read<ListOp> {
    let (name, v) = variant(v)?;
    let (list, pfn) = (unit(field(v, "list")?, &LISTS)?, pfn_of(v, "pfn")?);
    match name {
        "Push" => Ok(ListOp::Push { list, pfn }),
        "Unlink" => Ok(ListOp::Unlink { list, pfn }),
        _ => Err("an unknown list move"),
    }
}

fn ws_op(v: &Value) -> Read<WsOp> {
    let (name, v) = variant(v)?;
    let at = u32_of(v, "at")?;
    match name {
        "Insert" => Ok(WsOp::Insert {
            at,
            vpn: vpn_of(v, "vpn")?,
        }),
        "Remove" => Ok(WsOp::Remove { at }),
        "Set" => Ok(WsOp::Set {
            at,
            page: ws_page(field(v, "page")?)?,
        }),
        _ => Err("an unknown working-set change"),
    }
}
