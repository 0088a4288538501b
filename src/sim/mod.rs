//! The pure, deterministic memory manager: no wasm, no clock, no global randomness.
//!
//! [`Machine`] is the entry point. Win32 calls live in [`api`], the page-level state of the
//! address space in [`space`], and everything physical (page tables, TLB, frames, page file,
//! working set, faults) in [`paging`]. [`trace`] is the fast textbook replacement model.

pub mod addr;
pub mod api;
pub mod config;
pub mod consts;
pub mod error;
pub mod event;
pub mod history;
pub mod machine;
pub mod paging;
pub mod picture;
pub mod protection;
pub mod rng;
pub mod space;
pub mod trace;
pub mod words;

pub use config::{Config, Policy};
pub use error::{Access, ExceptionRecord, Win32Error};
pub use event::{Event, FaultKind, FrameList, Pte, Step};
pub use history::{History, Recording};
pub use machine::Machine;
pub use picture::Picture;
