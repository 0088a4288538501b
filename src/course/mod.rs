//! The course around the simulator (DESIGN §10): what a lesson file says besides its code
//! (prose tied to lines, a takeaway, predict-then-reveal questions) and the homework
//! problems of `?quiz=SEED` and `pagelab quiz`.
//!
//! Everything here is pure and host-tested. It reads a script's text in its own pass (the
//! C parser ignores comments, so the lesson syntax never reaches it) and answers questions
//! from the steps that the engine recorded, never from text typed by hand.

pub mod outline;
pub mod question;
pub mod quiz;
pub mod study;

pub use outline::{outline, Directive, Note, Outline};
pub use question::{Answer, AnswerKind, Question};
pub use study::{study, Study};
