//! The commands of the `sponsor-intake` binary, one module each. The binary
//! only parses arguments and maps errors to exit codes.

pub mod parse;
