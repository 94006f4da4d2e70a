//! Case references such as `LSM-2026-0001`: what care homes quote back.

use std::fmt;

/// A case reference: the year the case opened and a number within it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CaseRef {
    pub year: i32,
    pub number: u32,
}

impl CaseRef {
    pub fn new(year: i32, number: u32) -> Self {
        CaseRef { year, number }
    }

    /// Reads a reference written exactly (`LSM-2026-0001`, any case).
    pub fn parse(s: &str) -> Option<CaseRef> {
        let s = s.trim().to_ascii_uppercase();
        let rest = s.strip_prefix("LSM-")?;
        let (year, number) = rest.split_once('-')?;
        if year.len() != 4
            || number.len() < 4
            || !year
                .bytes()
                .chain(number.bytes())
                .all(|b| b.is_ascii_digit())
        {
            return None;
        }
        Some(CaseRef {
            year: year.parse().ok()?,
            number: number.parse().ok()?,
        })
    }

    /// Every reference written in a text such as a subject line.
    pub fn find_all(text: &str) -> Vec<CaseRef> {
        let upper = text.to_ascii_uppercase();
        let mut found = Vec::new();
        let mut rest = upper.as_str();
        while let Some(i) = rest.find("LSM-") {
            let tail = &rest[i..];
            let len = tail
                .char_indices()
                .skip(4)
                .find(|(_, c)| !(c.is_ascii_digit() || *c == '-'))
                .map_or(tail.len(), |(j, _)| j);
            if let Some(r) = CaseRef::parse(&tail[..len]) {
                found.push(r);
            }
            rest = &tail[4..];
        }
        found
    }
}

impl fmt::Display for CaseRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "LSM-{}-{:04}", self.year, self.number)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_and_reads_back() {
        let r = CaseRef::new(2026, 7);
        assert_eq!(r.to_string(), "LSM-2026-0007");
        assert_eq!(CaseRef::parse("lsm-2026-0007"), Some(r));
        assert_eq!(CaseRef::new(2026, 12345).to_string(), "LSM-2026-12345");
    }

    #[test]
    fn finds_references_in_a_subject() {
        let found = CaseRef::find_all(
            "RE: [LSM-2026-0042] We have received your application (LSM-2026-0043)",
        );
        assert_eq!(found, vec![CaseRef::new(2026, 42), CaseRef::new(2026, 43)]);
        assert!(CaseRef::find_all("LSM-26-1 and LSM-2026-").is_empty());
    }
}
