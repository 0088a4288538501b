//! Pure layout of a step's picture into shapes (DESIGN §1). SKELETON: to be replaced by the page work.
