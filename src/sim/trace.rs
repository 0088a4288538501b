//! Trace mode: the classic textbook replacement model over a reference string
//! (DESIGN §6). SKELETON: to be replaced by the trace-mode work.
