//! The C-subset script language (DESIGN §5). SKELETON: to be replaced by the script work.
