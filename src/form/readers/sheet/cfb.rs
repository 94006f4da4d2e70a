//! A check of a legacy Office (OLE compound file) container before calamine
//! reads it: calamine follows sector chains without bounds, so a file whose
//! chain loops back on itself makes it allocate until the process dies. Here
//! every chain of the allocation table must end, within the file, without a
//! loop.

use crate::form::readers::ReadError;

const END_OF_CHAIN: u32 = 0xFFFF_FFFE;
const FREE: u32 = 0xFFFF_FFFF;
const FAT_SECTOR: u32 = 0xFFFF_FFFD;
const DIFAT_SECTOR: u32 = 0xFFFF_FFFC;

fn u32_at(bytes: &[u8], at: usize) -> Option<u32> {
    bytes
        .get(at..at + 4)
        .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
}

fn corrupt(why: &str) -> ReadError {
    ReadError::Corrupt(format!("the Excel 97-2003 file is damaged ({why})"))
}

/// Refuses a compound file whose allocation chains loop or leave the file.
pub fn check(bytes: &[u8]) -> Result<(), ReadError> {
    let shift = bytes
        .get(0x1E..0x20)
        .map(|b| u16::from_le_bytes([b[0], b[1]]))
        .ok_or_else(|| corrupt("no header"))?;
    if !(7..=16).contains(&shift) {
        return Err(corrupt("bad sector size"));
    }
    let size = 1usize << shift;
    let sectors = bytes.len().saturating_sub(512).div_ceil(size);
    let sector = |n: u32| -> Option<&[u8]> {
        let start = 512usize.checked_add((n as usize).checked_mul(size)?)?;
        bytes.get(start..start.checked_add(size)?.min(bytes.len()))
    };
    // The FAT's own sectors: 109 in the header, then the DIFAT chain.
    let mut fat_sectors: Vec<u32> = (0..109)
        .filter_map(|i| u32_at(bytes, 0x4C + 4 * i))
        .filter(|&s| s < FAT_SECTOR)
        .collect();
    let mut next = u32_at(bytes, 0x44).unwrap_or(END_OF_CHAIN);
    let mut hops = 0;
    while next < FAT_SECTOR {
        hops += 1;
        if hops > sectors {
            return Err(corrupt("the sector table loops"));
        }
        let s = sector(next).ok_or_else(|| corrupt("the sector table leaves the file"))?;
        let entries = size / 4;
        fat_sectors.extend(
            (0..entries - 1)
                .filter_map(|i| u32_at(s, 4 * i))
                .filter(|&x| x < FAT_SECTOR),
        );
        next = u32_at(s, 4 * (entries - 1)).unwrap_or(END_OF_CHAIN);
    }
    let mut fat = Vec::new();
    for &n in &fat_sectors {
        let s = sector(n).ok_or_else(|| corrupt("the sector table leaves the file"))?;
        fat.extend((0..s.len() / 4).filter_map(|i| u32_at(s, 4 * i)));
    }
    check_chains(&fat, sectors)
}

/// Every entry's chain must reach its end without a loop and inside the file.
fn check_chains(fat: &[u32], sectors: usize) -> Result<(), ReadError> {
    // 0 unknown, 1 on the current path, 2 known to end.
    let mut state = vec![0u8; fat.len()];
    for start in 0..fat.len() {
        let mut path = Vec::new();
        let mut at = start;
        loop {
            match state.get(at) {
                Some(2) => break,
                Some(1) => return Err(corrupt("a sector chain loops")),
                Some(_) => {}
                None => return Err(corrupt("a sector chain leaves the file")),
            }
            state[at] = 1;
            path.push(at);
            match fat[at] {
                END_OF_CHAIN | FREE | FAT_SECTOR | DIFAT_SECTOR => break,
                n if (n as usize) < sectors.max(fat.len()) => at = n as usize,
                _ => return Err(corrupt("a sector chain leaves the file")),
            }
        }
        for p in path {
            state[p] = 2;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chains_that_end_pass_and_loops_fail() {
        assert!(check_chains(&[1, 2, END_OF_CHAIN, FREE], 4).is_ok());
        assert!(check_chains(&[1, 2, 0], 3).is_err());
        assert!(
            check_chains(&[0], 1).is_err(),
            "a sector pointing at itself"
        );
        assert!(check_chains(&[9], 1).is_err(), "a chain out of the file");
    }

    #[test]
    fn the_project_fixture_passes() {
        let xls = std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/xls/form.xls"
        ))
        .unwrap();
        assert!(check(&xls).is_ok());
    }

    #[test]
    fn the_fuzzer_found_loop_is_refused() {
        let bad = std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/fuzz/regressions/cyclic-dir-chain.xls"
        ))
        .unwrap();
        assert!(matches!(check(&bad), Err(ReadError::Corrupt(_))));
    }
}
