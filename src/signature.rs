//! Handwritten signatures drawn on screen (handover): checked with the `image` crate and
//! stored normalised.
//!
//! The UI sends the drawing pad as a PNG. It must be at most 2,000 x 1,000 pixels (the
//! largest pad; read from the PNG header before anything is decoded, and the decoder runs
//! under `image::Limits`) and 1 MB, decode, and carry real ink: enough dark pixels spread over a box big enough to be a
//! signature, so a blank pad or a single dot is refused. It is stored cropped to the ink
//! with a small margin, scaled to fit 600 x 200, as a grey PNG with transparency.
//! Called by: `handover`.

use std::io::Cursor;

use image::imageops::FilterType;
use image::{DynamicImage, GenericImageView, ImageFormat, LumaA};
use sha2::{Digest, Sha256};

use crate::error::{Error, ErrorCode, Result};

const MAX_BYTES: usize = 1024 * 1024;
const MAX_WIDTH: u32 = 2000;
const MAX_HEIGHT: u32 = 1000;
/// Ink must cover at least this many pixels and span a box at least this big. The UI's
/// signature pad checks the same figures (generated into `form-rules.ts`, see `bindings`).
pub(crate) const MIN_INK_PIXELS: u64 = 150;
pub(crate) const MIN_INK_WIDTH: u32 = 40;
pub(crate) const MIN_INK_HEIGHT: u32 = 12;
/// A pixel is ink when more opaque than this and darker (luma, 0–255) than `INK_MAX_LUMA`.
pub(crate) const INK_MIN_ALPHA: u8 = 128;
pub(crate) const INK_MAX_LUMA: u32 = 160;
/// Luma from red, green and blue, in thousandths (ITU-R BT.601).
pub(crate) const LUMA_WEIGHTS_PER_MILLE: [u32; 3] = [299, 587, 114];
const OUT_WIDTH: u32 = 600;
const OUT_HEIGHT: u32 = 200;
const MARGIN: u32 = 8;

/// A signature as stored: the normalised PNG and its SHA-256 (hex).
#[derive(Debug, Clone)]
pub struct Signature {
    pub png: Vec<u8>,
    pub sha256: String,
}

/// A pixel counts as ink when it is opaque enough and dark enough.
fn is_ink(pixel: image::Rgba<u8>) -> bool {
    let [r, g, b, a] = pixel.0;
    let [wr, wg, wb] = LUMA_WEIGHTS_PER_MILLE;
    let luma = (u32::from(r) * wr + u32::from(g) * wg + u32::from(b) * wb) / 1000;
    a > INK_MIN_ALPHA && luma < INK_MAX_LUMA
}

/// Checks a drawn signature (`field` names it in errors) and returns it normalised.
pub fn normalise(field: &'static str, png: &[u8]) -> Result<Signature> {
    let invalid = |code: ErrorCode, message: &str| Error::invalid(field, code, message.to_string());
    if png.is_empty() {
        return Err(Error::required(field));
    }
    if png.len() > MAX_BYTES {
        return Err(invalid(ErrorCode::SignatureInvalid, "the signature image is too large"));
    }
    if image::guess_format(png).ok() != Some(ImageFormat::Png) {
        return Err(invalid(ErrorCode::SignatureInvalid, "the signature is not a PNG image"));
    }
    let unreadable = || invalid(ErrorCode::SignatureInvalid, "the signature image cannot be read");
    let too_large = || {
        invalid(ErrorCode::SignatureTooLarge, "the signature image is larger than the signing pad: sign again on the pad")
            .with_param("maxWidth", MAX_WIDTH)
            .with_param("maxHeight", MAX_HEIGHT)
    };
    // The header's size first: a PNG claiming a huge canvas is refused before decoding.
    let (width, height) = image::ImageReader::with_format(Cursor::new(png), ImageFormat::Png).into_dimensions().map_err(|_| unreadable())?;
    if width > MAX_WIDTH || height > MAX_HEIGHT {
        return Err(too_large());
    }
    let mut reader = image::ImageReader::with_format(Cursor::new(png), ImageFormat::Png);
    reader.limits(crate::photo::limits(MAX_WIDTH, MAX_HEIGHT, u64::from(MAX_WIDTH) * u64::from(MAX_HEIGHT) * 8));
    let image = reader.decode().map_err(|e| if matches!(e, image::ImageError::Limits(_)) { too_large() } else { unreadable() })?;
    let (mut min_x, mut min_y, mut max_x, mut max_y, mut ink) = (u32::MAX, u32::MAX, 0, 0, 0u64);
    for (x, y, pixel) in image.pixels() {
        if is_ink(pixel) {
            ink += 1;
            min_x = min_x.min(x);
            min_y = min_y.min(y);
            max_x = max_x.max(x);
            max_y = max_y.max(y);
        }
    }
    if ink < MIN_INK_PIXELS || max_x - min_x + 1 < MIN_INK_WIDTH || max_y - min_y + 1 < MIN_INK_HEIGHT {
        return Err(invalid(ErrorCode::SignatureBlank, "the signature is blank or too small: sign across the pad"));
    }
    let x0 = min_x.saturating_sub(MARGIN);
    let y0 = min_y.saturating_sub(MARGIN);
    let x1 = (max_x + MARGIN).min(width - 1);
    let y1 = (max_y + MARGIN).min(height - 1);
    let cropped = image.crop_imm(x0, y0, x1 - x0 + 1, y1 - y0 + 1);
    let scaled =
        if cropped.width() > OUT_WIDTH || cropped.height() > OUT_HEIGHT { cropped.resize(OUT_WIDTH, OUT_HEIGHT, FilterType::Triangle) } else { cropped };
    // Ink becomes dark grey, everything else transparent: the pad's background colour and
    // any anti-aliasing noise do not survive.
    let rgba = scaled.to_rgba8();
    let clean = image::ImageBuffer::from_fn(rgba.width(), rgba.height(), |x, y| {
        let pixel = *rgba.get_pixel(x, y);
        if is_ink(pixel) {
            LumaA([20u8, 255u8])
        } else {
            LumaA([255u8, 0u8])
        }
    });
    let mut out = Vec::new();
    DynamicImage::ImageLumaA8(clean)
        .write_to(&mut Cursor::new(&mut out), ImageFormat::Png)
        .map_err(|e| Error::internal(format!("cannot encode the signature: {e}")))?;
    let sha256 = hex::encode(Sha256::digest(&out));
    Ok(Signature { png: out, sha256 })
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A white pad with a dark zig-zag stroke across it (a stand-in for a signature).
    pub fn drawn(width: u32, height: u32) -> Vec<u8> {
        let mut pad = image::RgbaImage::from_pixel(width, height, image::Rgba([255, 255, 255, 255]));
        for x in 20..width.saturating_sub(20) {
            let y = height / 2 + ((x as f32 / 9.0).sin() * (height as f32 / 4.0)) as u32;
            for dy in 0..3 {
                pad.put_pixel(x, (y + dy).min(height - 1), image::Rgba([0, 0, 0, 255]));
            }
        }
        let mut out = Vec::new();
        pad.write_to(&mut Cursor::new(&mut out), ImageFormat::Png).unwrap();
        out
    }

    fn with_dot() -> Vec<u8> {
        let mut pad = image::RgbaImage::from_pixel(400, 150, image::Rgba([255, 255, 255, 255]));
        for dx in 0..3 {
            for dy in 0..3 {
                pad.put_pixel(200 + dx, 75 + dy, image::Rgba([0, 0, 0, 255]));
            }
        }
        let mut out = Vec::new();
        pad.write_to(&mut Cursor::new(&mut out), ImageFormat::Png).unwrap();
        out
    }

    #[test]
    fn a_drawn_signature_is_cropped_and_hashed() {
        let signature = normalise("outgoing_signature", &drawn(800, 300)).unwrap();
        let stored = image::load_from_memory(&signature.png).unwrap();
        assert!(stored.width() <= OUT_WIDTH && stored.height() <= OUT_HEIGHT);
        assert_eq!(signature.sha256.len(), 64);
    }

    #[test]
    fn blank_dot_and_non_images_are_refused() {
        let blank = {
            let pad = image::RgbaImage::from_pixel(400, 150, image::Rgba([255, 255, 255, 0]));
            let mut out = Vec::new();
            pad.write_to(&mut Cursor::new(&mut out), ImageFormat::Png).unwrap();
            out
        };
        assert_eq!(normalise("s", &blank).unwrap_err().code(), ErrorCode::SignatureBlank);
        assert_eq!(normalise("s", &with_dot()).unwrap_err().code(), ErrorCode::SignatureBlank);
        assert_eq!(normalise("s", b"GIF89a").unwrap_err().code(), ErrorCode::SignatureInvalid);
        assert_eq!(normalise("s", &[]).unwrap_err().code(), ErrorCode::Required);
        assert_eq!(normalise("s", &drawn(2400, 300)).unwrap_err().code(), ErrorCode::SignatureTooLarge);
    }
}
