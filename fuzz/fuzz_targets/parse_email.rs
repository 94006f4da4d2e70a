//! The whole reading of one email, on arbitrary bytes, with the default
//! limits. `parse` promises never to panic on bad input.
#![no_main]

#[path = "common.rs"]
mod common;

use libfuzzer_sys::fuzz_target;
use sponsor_intake::form::readers::Limits;

fuzz_target!(
    init: common::panic_policy(),
    |data: &[u8]| {
        let limits = Limits::default();
        let _ = sponsor_intake::parse::parse(data, &limits);
    }
);
