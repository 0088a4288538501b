//! The pure, deterministic memory manager: no wasm, no clock, no global randomness.
//!
//! [`Machine`] is the entry point: a [`system::System`] (RAM, page file, commit, sections,
//! disk) and its [`process::Process`]es, with the recorder. Win32 calls live in [`api`],
//! the VADs of an address space in [`space`], the paging engine (faults, trimming, the
//! modified page writer) in [`paging`], the step recorder in [`record`] and [`history`].
//! [`trace`] is the fast textbook replacement model. Each module's docs say whom it uses.

pub mod addr;
pub mod api;
pub mod changes;
pub mod config;
pub mod consts;
mod draw;
pub mod error;
pub mod event;
pub mod history;
pub mod journal;
pub mod machine;
pub mod order;
pub mod paging;
pub mod picture;
pub mod process;
pub mod protection;
pub mod record;
pub mod rng;
pub mod space;
pub mod system;
pub mod trace;
pub mod words;

pub use config::{Config, Policy, WsLimits};
pub use error::{Access, ExceptionRecord, Win32Error};
pub use event::{Event, FaultKind, FrameList, Pte, Step};
pub use history::{History, Recording};
pub use machine::Machine;
pub use picture::Picture;
