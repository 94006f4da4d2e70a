//! The renderers: each format writes the laid-out form as its bytes.

pub mod csv;
pub mod docx;
pub mod html;
pub mod ods;
pub mod pdf;
pub mod xlsx;
pub mod zip;
