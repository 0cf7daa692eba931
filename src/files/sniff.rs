//! PURE (but for reading a ZIP's central directory): what a file is, by its content. PNG and JPEG
//! images are rebuilt without their metadata; reports must be PDF, DOCX or ODT.

use std::io::{Read, Seek, SeekFrom};

/// An accepted image type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageType {
    Png,
    Jpeg,
}

impl ImageType {
    pub fn content_type(self) -> &'static str {
        match self {
            ImageType::Png => "image/png",
            ImageType::Jpeg => "image/jpeg",
        }
    }
}

const PNG_SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";

pub fn sniff_image(b: &[u8]) -> Option<ImageType> {
    if b.starts_with(PNG_SIGNATURE) {
        Some(ImageType::Png)
    } else if b.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(ImageType::Jpeg)
    } else {
        None
    }
}

/// The image without metadata, or `None` if it is not a well-formed PNG or JPEG.
/// PNG keeps only IHDR, PLTE, tRNS, IDAT and IEND (text, EXIF, time, ICC… chunks dropped).
/// JPEG drops every APPn segment except APP0 "JFIF" and APP14 "Adobe" (colour transform), and
/// every comment, up to the start of scan; the scan data is copied as is.
pub fn strip_image(b: &[u8]) -> Option<(ImageType, Vec<u8>)> {
    match sniff_image(b)? {
        ImageType::Png => strip_png(b).map(|v| (ImageType::Png, v)),
        ImageType::Jpeg => strip_jpeg(b).map(|v| (ImageType::Jpeg, v)),
    }
}

fn strip_png(b: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(b.len());
    out.extend_from_slice(PNG_SIGNATURE);
    let mut i = PNG_SIGNATURE.len();
    let mut first = true;
    let mut saw_idat = false;
    loop {
        let len = u32::from_be_bytes(b.get(i..i + 4)?.try_into().ok()?) as usize;
        let kind = b.get(i + 4..i + 8)?;
        let end = i.checked_add(12)?.checked_add(len)?;
        let chunk = b.get(i..end)?;
        if first && kind != b"IHDR" {
            return None;
        }
        first = false;
        if matches!(kind, b"IHDR" | b"PLTE" | b"tRNS" | b"IDAT" | b"IEND") {
            out.extend_from_slice(chunk);
        }
        saw_idat |= kind == b"IDAT";
        i = end;
        if kind == b"IEND" {
            return saw_idat.then_some(out);
        }
    }
}

fn strip_jpeg(b: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(b.len());
    out.extend_from_slice(&b[..2]); // SOI
    let mut i = 2;
    loop {
        if *b.get(i)? != 0xFF {
            return None;
        }
        // Fill bytes (0xFF padding) before a marker.
        let mut m = i + 1;
        while *b.get(m)? == 0xFF {
            m += 1;
        }
        let marker = *b.get(m)?;
        let seg_start = m + 1;
        match marker {
            // Standalone markers (TEM, RSTn) carry no length.
            0x01 | 0xD0..=0xD7 => {
                out.extend_from_slice(&[0xFF, marker]);
                i = seg_start;
            }
            0xD9 => return None, // EOI before any scan
            _ => {
                let len = u16::from_be_bytes(b.get(seg_start..seg_start + 2)?.try_into().ok()?) as usize;
                if len < 2 {
                    return None;
                }
                let seg_end = seg_start.checked_add(len)?;
                let payload = b.get(seg_start + 2..seg_end)?;
                let keep = match marker {
                    0xE0 => payload.starts_with(b"JFIF\0"),
                    0xEE => payload.starts_with(b"Adobe"),
                    0xE1..=0xEF | 0xFE => false,
                    _ => true,
                };
                if keep {
                    out.push(0xFF);
                    out.push(marker);
                    out.extend_from_slice(&b[seg_start..seg_end]);
                }
                if marker == 0xDA {
                    // Start of scan: the rest (entropy-coded data, further scans, EOI) as is.
                    out.extend_from_slice(&b[seg_end..]);
                    return Some(out);
                }
                i = seg_end;
            }
        }
    }
}

/// An accepted report type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocType {
    Pdf,
    Docx,
    Odt,
}

impl DocType {
    pub fn as_str(self) -> &'static str {
        match self {
            DocType::Pdf => "pdf",
            DocType::Docx => "docx",
            DocType::Odt => "odt",
        }
    }

    pub fn parse(s: &str) -> Option<DocType> {
        [DocType::Pdf, DocType::Docx, DocType::Odt].into_iter().find(|d| d.as_str() == s)
    }

    pub fn content_type(self) -> &'static str {
        match self {
            DocType::Pdf => "application/pdf",
            DocType::Docx => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            DocType::Odt => "application/vnd.oasis.opendocument.text",
        }
    }
}

const ZIP_LOCAL: &[u8] = b"PK\x03\x04";
const ODT_MIME: &[u8] = b"application/vnd.oasis.opendocument.text";

/// Decide a report's type from its first bytes and, for a ZIP, its central directory.
pub fn sniff_document(head: &[u8], file: &mut (impl Read + Seek), size: u64) -> Option<DocType> {
    if head.starts_with(b"%PDF-") {
        return Some(DocType::Pdf);
    }
    if !head.starts_with(ZIP_LOCAL) {
        return None;
    }
    // ODF: the first entry is `mimetype`, stored uncompressed, holding the media type.
    let name_len = u16::from_le_bytes(head.get(26..28)?.try_into().ok()?) as usize;
    let extra_len = u16::from_le_bytes(head.get(28..30)?.try_into().ok()?) as usize;
    if head.get(30..30 + name_len) == Some(b"mimetype".as_slice()) {
        let data = 30 + name_len + extra_len;
        let method = u16::from_le_bytes(head.get(8..10)?.try_into().ok()?);
        let is_odt = method == 0 && head.get(data..data + ODT_MIME.len()) == Some(ODT_MIME);
        return (is_odt && zip_names(file, size)?.iter().any(|n| n == "content.xml")).then_some(DocType::Odt);
    }
    // OOXML word processing: `[Content_Types].xml` and `word/document.xml`.
    let names = zip_names(file, size)?;
    let has = |n: &str| names.iter().any(|x| x == n);
    (has("[Content_Types].xml") && has("word/document.xml")).then_some(DocType::Docx)
}

/// The entry names of a ZIP file, from its central directory (bounded to 4 MiB and 10,000 entries).
fn zip_names(file: &mut (impl Read + Seek), size: u64) -> Option<Vec<String>> {
    const EOCD: &[u8] = b"PK\x05\x06";
    let tail_len = size.min(22 + 65_535);
    file.seek(SeekFrom::Start(size - tail_len)).ok()?;
    let mut tail = vec![0u8; tail_len as usize];
    file.read_exact(&mut tail).ok()?;
    let at = (0..tail.len().saturating_sub(21)).rev().find(|&i| tail[i..].starts_with(EOCD))?;
    let eocd = &tail[at..];
    let entries = u16::from_le_bytes(eocd.get(10..12)?.try_into().ok()?) as usize;
    let cd_size = u32::from_le_bytes(eocd.get(12..16)?.try_into().ok()?) as u64;
    let cd_offset = u32::from_le_bytes(eocd.get(16..20)?.try_into().ok()?) as u64;
    if cd_size > 4 * 1024 * 1024 || entries > 10_000 || cd_offset.checked_add(cd_size)? > size {
        return None;
    }
    file.seek(SeekFrom::Start(cd_offset)).ok()?;
    let mut cd = vec![0u8; cd_size as usize];
    file.read_exact(&mut cd).ok()?;
    let mut names = Vec::with_capacity(entries);
    let mut i = 0;
    while names.len() < entries {
        if cd.get(i..i + 4)? != b"PK\x01\x02" {
            return None;
        }
        let n = u16::from_le_bytes(cd.get(i + 28..i + 30)?.try_into().ok()?) as usize;
        let e = u16::from_le_bytes(cd.get(i + 30..i + 32)?.try_into().ok()?) as usize;
        let c = u16::from_le_bytes(cd.get(i + 32..i + 34)?.try_into().ok()?) as usize;
        names.push(String::from_utf8_lossy(cd.get(i + 46..i + 46 + n)?).into_owned());
        i += 46 + n + e + c;
    }
    Some(names)
}

#[cfg(test)]
pub mod tests {
    use super::*;

    /// A minimal valid PNG (1×1) with a tEXt chunk carrying `secret`.
    pub fn png_with_text(secret: &str) -> Vec<u8> {
        fn chunk(out: &mut Vec<u8>, kind: &[u8], data: &[u8]) {
            out.extend_from_slice(&(data.len() as u32).to_be_bytes());
            out.extend_from_slice(kind);
            out.extend_from_slice(data);
            out.extend_from_slice(&[0, 0, 0, 0]); // CRC not checked here
        }
        let mut v = PNG_SIGNATURE.to_vec();
        chunk(&mut v, b"IHDR", &[0, 0, 0, 1, 0, 0, 0, 1, 8, 0, 0, 0, 0]);
        chunk(&mut v, b"tEXt", format!("Author\0{secret}").as_bytes());
        chunk(&mut v, b"IDAT", &[1, 2, 3]);
        chunk(&mut v, b"IEND", &[]);
        v
    }

    #[test]
    fn png_metadata_is_dropped() {
        let (t, out) = strip_image(&png_with_text("GPS 14.1,-87.2")).unwrap();
        assert_eq!(t, ImageType::Png);
        assert!(!out.windows(4).any(|w| w == b"tEXt"));
        assert!(out.windows(4).any(|w| w == b"IDAT"));
        assert!(strip_image(b"\x89PNG\r\n\x1a\n\0\0").is_none(), "truncated");
    }

    #[test]
    fn jpeg_app_segments_and_comments_are_dropped() {
        let mut j = vec![0xFF, 0xD8];
        j.extend_from_slice(&[0xFF, 0xE0, 0, 7, b'J', b'F', b'I', b'F', 0]);
        j.extend_from_slice(&[0xFF, 0xE1, 0, 8, b'E', b'x', b'i', b'f', 0, 0]);
        j.extend_from_slice(&[0xFF, 0xFE, 0, 6, b'h', b'o', b'l', b'a']);
        j.extend_from_slice(&[0xFF, 0xDB, 0, 3, 9]);
        j.extend_from_slice(&[0xFF, 0xDA, 0, 3, 1, 0x12, 0x34, 0xFF, 0xD9]);
        let (t, out) = strip_image(&j).unwrap();
        assert_eq!(t, ImageType::Jpeg);
        assert!(!out.windows(4).any(|w| w == b"Exif") && !out.windows(4).any(|w| w == b"hola"));
        assert!(out.windows(4).any(|w| w == b"JFIF"));
        assert!(out.ends_with(&[0x12, 0x34, 0xFF, 0xD9]));
        assert!(strip_image(b"%PDF-1.7").is_none());
    }

    #[test]
    fn documents_by_content() {
        let pdf = b"%PDF-1.7\n".to_vec();
        assert_eq!(sniff_document(&pdf, &mut std::io::Cursor::new(&pdf), pdf.len() as u64), Some(DocType::Pdf));
        let png = png_with_text("x");
        assert_eq!(sniff_document(&png, &mut std::io::Cursor::new(&png), png.len() as u64), None);
    }
}
