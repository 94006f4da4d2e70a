//! Every reader on arbitrary bytes, through `readers::read` for every
//! `Format`, plus the TNEF unpacker. Readers promise to return a
//! `ReadError` rather than panic.
#![no_main]

#[path = "common.rs"]
mod common;

use libfuzzer_sys::fuzz_target;
use sponsor_intake::form::readers::{self, Format, Limits, tnef};

const FORMATS: [Format; 12] = [
    Format::Docx,
    Format::Odt,
    Format::Xlsx,
    Format::Xls,
    Format::Ods,
    Format::Csv,
    Format::Pdf,
    Format::Html,
    Format::Text,
    Format::Tnef,
    Format::LegacyDoc,
    Format::Other,
];

fuzz_target!(
    init: common::panic_policy(),
    |data: &[u8]| {
        let limits = Limits::default();
        for format in FORMATS {
            let _ = readers::read(format, "fuzz", data, &limits);
        }
        let _ = tnef::unpack(data, &limits);
    }
);
