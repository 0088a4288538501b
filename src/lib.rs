//! PageLab: a step-by-step simulator of Windows-style virtual memory.
//!
//! - [`course`]: lessons, questions and homework around the simulator.
//! - [`sim`]: the pure, deterministic memory manager (no wasm, no clock).
//! - [`script`]: the C-subset script language that drives the simulator.
//! - [`view`]: pure layout of a step's picture into shapes.
//! - [`stream`]: recorded steps as JSON, from the page's worker to the page and back.
//! - `web` (wasm32 only): the wasm-bindgen façade and the canvas painter.

#![warn(missing_docs)]

pub mod course;
pub mod script;
pub mod sim;
pub mod stream;
pub mod view;

#[cfg(target_arch = "wasm32")]
pub mod web;
