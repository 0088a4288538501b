//! The wasm-bindgen façade and the canvas painter (DESIGN §1). SKELETON: to be replaced by the page work.
