//! TNEF (`winmail.dat`, MS-OXTNEF): Outlook's wrapper around a message's
//! attachments. Only the attachments are taken out: each begins at an
//! `attAttachRendData` record; its name comes from `attAttachTitle` or,
//! better, the long file name in the `attAttachment` MAPI properties.
//!
//! Every length in the file is checked against what is left of the input
//! before it is used, so a hostile file can neither panic nor over-read.

use encoding_rs::{Encoding, UTF_8, WINDOWS_1252};

use super::{Limits, ReadError};

/// A file carried inside a TNEF container.
#[derive(Clone, Debug, PartialEq)]
pub struct Packed {
    pub filename: String,
    pub bytes: Vec<u8>,
}

const SIGNATURE: u32 = 0x223E_9F78;
const LEVEL_ATTACHMENT: u8 = 2;
const ATT_OEM_CODEPAGE: u32 = 0x0006_9007;
const ATT_ATTACH_REND_DATA: u32 = 0x0006_9002;
const ATT_ATTACH_TITLE: u32 = 0x0001_8010;
const ATT_ATTACH_DATA: u32 = 0x0006_800F;
const ATT_ATTACHMENT: u32 = 0x0006_9005;

const PR_ATTACH_DATA_BIN: u16 = 0x3701;
const PR_ATTACH_FILENAME: u16 = 0x3704;
const PR_ATTACH_LONG_FILENAME: u16 = 0x3707;

/// Takes the attachments out of a `winmail.dat`.
pub fn unpack(bytes: &[u8], limits: &Limits) -> Result<Vec<Packed>, ReadError> {
    let mut input = Bytes::new(bytes);
    if input.u32()? != SIGNATURE {
        return Err(ReadError::Corrupt("not a winmail.dat (TNEF) file".into()));
    }
    input.u16()?; // legacy key, meaningless to a reader
    let mut codepage = WINDOWS_1252;
    let mut found: Vec<Found> = Vec::new();
    let mut total = 0usize;
    while !input.is_empty() {
        let level = input.u8()?;
        let id = input.u32()?;
        let len = input.u32()? as usize;
        let data = input.take(len)?;
        input.u16()?; // checksum: a bad one does not make the data unusable
        match id {
            ATT_OEM_CODEPAGE => {
                codepage = Bytes::new(data).u32().map_or(WINDOWS_1252, encoding_for);
            }
            ATT_ATTACH_REND_DATA if level == LEVEL_ATTACHMENT => found.push(Found::default()),
            ATT_ATTACH_TITLE => current(&mut found).title = Some(decode(data, codepage)),
            ATT_ATTACH_DATA => {
                total = total.saturating_add(data.len());
                check_total(total, limits)?;
                current(&mut found).data = Some(data.to_vec());
            }
            ATT_ATTACHMENT => {
                let attachment = current(&mut found);
                // Damaged properties only cost us the long name.
                if let Ok(props) = mapi_props(data) {
                    attachment.apply(props, codepage, &mut total, limits)?;
                }
            }
            _ => {}
        }
    }
    Ok(found
        .into_iter()
        .enumerate()
        .filter_map(|(i, f)| f.into_packed(i + 1))
        .collect())
}

fn check_total(total: usize, limits: &Limits) -> Result<(), ReadError> {
    if total > limits.max_attachment_bytes {
        return Err(ReadError::TooLarge(
            "the winmail.dat holds more than the attachment limit".into(),
        ));
    }
    Ok(())
}

/// The attachment being assembled, created on demand for files that put
/// data before the record that should open it.
fn current(found: &mut Vec<Found>) -> &mut Found {
    if found.is_empty() {
        found.push(Found::default());
    }
    let last = found.len().saturating_sub(1);
    &mut found[last]
}

#[derive(Debug, Default)]
struct Found {
    title: Option<String>,
    long_name: Option<String>,
    short_name: Option<String>,
    data: Option<Vec<u8>>,
}

impl Found {
    fn apply(
        &mut self,
        props: Vec<Prop<'_>>,
        codepage: &'static Encoding,
        total: &mut usize,
        limits: &Limits,
    ) -> Result<(), ReadError> {
        for prop in props {
            match prop.id {
                PR_ATTACH_LONG_FILENAME => self.long_name = prop.text(codepage),
                PR_ATTACH_FILENAME => self.short_name = prop.text(codepage),
                PR_ATTACH_DATA_BIN if self.data.is_none() => {
                    *total = total.saturating_add(prop.value.len());
                    check_total(*total, limits)?;
                    self.data = Some(prop.value.to_vec());
                }
                _ => {}
            }
        }
        Ok(())
    }

    fn into_packed(self, number: usize) -> Option<Packed> {
        let bytes = self.data?;
        let filename = [self.long_name, self.title, self.short_name]
            .into_iter()
            .flatten()
            .map(|n| n.trim().to_string())
            .find(|n| !n.is_empty())
            .unwrap_or_else(|| format!("attachment {number}"));
        Some(Packed { filename, bytes })
    }
}

/// The Windows code pages a TNEF writer may name; anything else is read as
/// Windows-1252, which at least keeps ASCII names intact.
fn encoding_for(codepage: u32) -> &'static Encoding {
    match codepage {
        65001 => UTF_8,
        1250 => encoding_rs::WINDOWS_1250,
        1251 => encoding_rs::WINDOWS_1251,
        1253 => encoding_rs::WINDOWS_1253,
        1254 => encoding_rs::WINDOWS_1254,
        1255 => encoding_rs::WINDOWS_1255,
        1256 => encoding_rs::WINDOWS_1256,
        1257 => encoding_rs::WINDOWS_1257,
        1258 => encoding_rs::WINDOWS_1258,
        932 => encoding_rs::SHIFT_JIS,
        936 => encoding_rs::GBK,
        _ => WINDOWS_1252,
    }
}

/// An 8-bit string up to its first NUL.
fn decode(data: &[u8], codepage: &'static Encoding) -> String {
    let end = data.iter().position(|&b| b == 0).unwrap_or(data.len());
    let text = data.get(..end).unwrap_or_default();
    codepage.decode_without_bom_handling(text).0.into_owned()
}

/// One MAPI property value (the first, for multi-valued ones).
#[derive(Debug)]
struct Prop<'a> {
    id: u16,
    kind: u16,
    value: &'a [u8],
}

const PT_STRING8: u16 = 0x001E;
const PT_UNICODE: u16 = 0x001F;
const PT_BINARY: u16 = 0x0102;
const PT_OBJECT: u16 = 0x000D;
const MV_FLAG: u16 = 0x1000;

impl Prop<'_> {
    fn text(&self, codepage: &'static Encoding) -> Option<String> {
        let text = match self.kind {
            PT_UNICODE => {
                let units: Vec<u16> = self
                    .value
                    .chunks_exact(2)
                    .filter_map(|c| c.try_into().ok().map(u16::from_le_bytes))
                    .take_while(|&u| u != 0)
                    .collect();
                String::from_utf16_lossy(&units)
            }
            PT_STRING8 => decode(self.value, codepage),
            _ => return None,
        };
        Some(text)
    }
}

/// Parses an `attAttachment` MAPI property list (MS-OXTNEF 2.1.3.4).
fn mapi_props(data: &[u8]) -> Result<Vec<Prop<'_>>, ReadError> {
    let mut input = Bytes::new(data);
    let count = input.u32()?;
    let mut props = Vec::new();
    for _ in 0..count {
        if input.is_empty() {
            break;
        }
        let kind = input.u16()?;
        let id = input.u16()?;
        if id >= 0x8000 {
            skip_property_name(&mut input)?;
        }
        let base = kind & !MV_FLAG;
        let variable = matches!(base, PT_STRING8 | PT_UNICODE | PT_BINARY | PT_OBJECT);
        let values = if kind & MV_FLAG != 0 || variable {
            input.u32()?
        } else {
            1
        };
        let mut first: Option<&[u8]> = None;
        for _ in 0..values {
            let value = if variable {
                let len = input.u32()? as usize;
                let value = input.take(len)?;
                input.take(padding(len))?;
                value
            } else {
                input.take(fixed_size(base)?)?
            };
            first.get_or_insert(value);
        }
        props.push(Prop {
            id,
            kind: base,
            value: first.unwrap_or_default(),
        });
    }
    Ok(props)
}

/// A named property's GUID and name or number, which we do not need.
fn skip_property_name(input: &mut Bytes<'_>) -> Result<(), ReadError> {
    input.take(16)?;
    if input.u32()? == 0 {
        input.u32()?;
    } else {
        let len = input.u32()? as usize;
        input.take(len)?;
        input.take(padding(len))?;
    }
    Ok(())
}

/// Bytes one value of a fixed-size type takes (short values are padded to 4).
fn fixed_size(kind: u16) -> Result<usize, ReadError> {
    Ok(match kind {
        0x0000 | 0x0001 | 0x0002 | 0x0003 | 0x0004 | 0x000A | 0x000B => 4,
        0x0005 | 0x0006 | 0x0007 | 0x0014 | 0x0040 => 8,
        0x0048 => 16,
        _ => return Err(ReadError::Corrupt(format!("unknown MAPI type {kind:#x}"))),
    })
}

fn padding(len: usize) -> usize {
    (4 - len % 4) % 4
}

/// A little-endian reader over a slice that refuses to read past its end.
struct Bytes<'a> {
    rest: &'a [u8],
}

impl<'a> Bytes<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        Bytes { rest: bytes }
    }

    fn is_empty(&self) -> bool {
        self.rest.is_empty()
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8], ReadError> {
        if n > self.rest.len() {
            return Err(ReadError::Corrupt("the winmail.dat is cut short".into()));
        }
        let (head, tail) = self.rest.split_at(n);
        self.rest = tail;
        Ok(head)
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N], ReadError> {
        self.take(N)?
            .try_into()
            .map_err(|_| ReadError::Corrupt("the winmail.dat is cut short".into()))
    }

    fn u8(&mut self) -> Result<u8, ReadError> {
        Ok(u8::from_le_bytes(self.array()?))
    }

    fn u16(&mut self) -> Result<u16, ReadError> {
        Ok(u16::from_le_bytes(self.array()?))
    }

    fn u32(&mut self) -> Result<u32, ReadError> {
        Ok(u32::from_le_bytes(self.array()?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::form::document::Block;
    use crate::form::readers::{Format, detect, read};

    fn fixture() -> Vec<u8> {
        std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/tnef/winmail.dat"
        ))
        .unwrap()
    }

    #[test]
    fn unpacks_a_docx_with_its_long_name() {
        let packed = unpack(&fixture(), &Limits::default()).unwrap();
        assert_eq!(packed.len(), 2);
        assert_eq!(packed[0].filename, "Application form – Rose Court.docx");
        assert_eq!(packed[1].filename, "notes.txt");
        assert_eq!(packed[1].bytes, b"hello");
        let format = detect(Some(&packed[0].filename), "", &packed[0].bytes);
        assert_eq!(format, Format::Docx);
        let doc = read(
            format,
            &packed[0].filename,
            &packed[0].bytes,
            &Limits::default(),
        )
        .unwrap();
        assert!(doc.blocks.iter().any(|b| matches!(b, Block::Table { .. })));
    }

    #[test]
    fn limits_the_total_size() {
        let limits = Limits {
            max_attachment_bytes: 1000,
            ..Limits::default()
        };
        assert!(matches!(
            unpack(&fixture(), &limits),
            Err(ReadError::TooLarge(_))
        ));
    }

    #[test]
    fn hostile_input_is_an_error_never_a_panic() {
        let bytes = fixture();
        assert!(unpack(b"", &Limits::default()).is_err());
        assert!(unpack(b"not tnef at all", &Limits::default()).is_err());
        for cut in [5, 7, 20, 100, bytes.len() / 2, bytes.len() - 1] {
            assert!(
                unpack(&bytes[..cut], &Limits::default()).is_err(),
                "cut at {cut}"
            );
        }
        // A record claiming 4 GB.
        let mut huge = bytes[..6].to_vec();
        huge.extend([2, 0x0F, 0x80, 0x06, 0x00, 0xFF, 0xFF, 0xFF, 0xFF]);
        assert!(unpack(&huge, &Limits::default()).is_err());
        // Every byte flipped in turn must not panic.
        for i in 0..bytes.len().min(400) {
            let mut damaged = bytes.clone();
            damaged[i] ^= 0xA5;
            let _ = unpack(&damaged, &Limits::default());
        }
        assert!(mapi_props(&[255, 255, 255, 255, 0x1F, 0, 0x07, 0x37, 9, 9, 9, 9]).is_err());
    }

    proptest::proptest! {
        #[test]
        fn any_bytes_after_the_signature_never_panic(tail in proptest::collection::vec(proptest::num::u8::ANY, 0..512)) {
            let mut bytes = vec![0x78, 0x9F, 0x3E, 0x22, 0x01, 0x00];
            bytes.extend(tail);
            let _ = unpack(&bytes, &Limits::default());
        }
    }
}
