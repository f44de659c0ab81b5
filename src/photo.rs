//! Photos (visitors, pass holders): checked with the `image` crate and stored small.
//!
//! Input is whatever a webcam frame or a chosen file gives (JPEG or PNG, at most 10 MB);
//! it is decoded (so a file that is not an image is refused), scaled to fit 480 x 640 and
//! stored as JPEG: enough for a face check at the gate, small enough for a million rows.
//! Called by: `visits` (and later passes).

use std::io::Cursor;

use image::imageops::FilterType;
use image::{ImageFormat, ImageReader};

use crate::error::{Error, ErrorCode, Result};

const MAX_INPUT_BYTES: usize = 10 * 1024 * 1024;
const MAX_WIDTH: u32 = 480;
const MAX_HEIGHT: u32 = 640;
const JPEG_QUALITY: u8 = 80;

/// Decodes, downsizes and re-encodes a photo as JPEG.
pub fn normalise(field: &'static str, bytes: &[u8]) -> Result<Vec<u8>> {
    if bytes.len() > MAX_INPUT_BYTES {
        return Err(Error::invalid(field, ErrorCode::PhotoTooLarge, "the photo is larger than 10 MB: choose a smaller file").with_param("maxMb", 10));
    }
    let not_an_image = || Error::invalid(field, ErrorCode::PhotoInvalid, "this file is not a JPEG or PNG photo");
    let reader = ImageReader::new(Cursor::new(bytes)).with_guessed_format().map_err(|_| not_an_image())?;
    if !matches!(reader.format(), Some(ImageFormat::Jpeg | ImageFormat::Png)) {
        return Err(not_an_image());
    }
    let image = reader.decode().map_err(|_| not_an_image())?;
    let image = if image.width() > MAX_WIDTH || image.height() > MAX_HEIGHT { image.resize(MAX_WIDTH, MAX_HEIGHT, FilterType::Triangle) } else { image };
    let mut out = Vec::new();
    let encoder = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, JPEG_QUALITY);
    image.to_rgb8().write_with_encoder(encoder).map_err(|e| Error::internal(format!("cannot encode the photo: {e}")))?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(width: u32, height: u32) -> Vec<u8> {
        let image = image::RgbImage::from_pixel(width, height, image::Rgb([200, 120, 40]));
        let mut out = Vec::new();
        image.write_to(&mut Cursor::new(&mut out), ImageFormat::Png).unwrap();
        out
    }

    #[test]
    fn a_large_photo_is_scaled_down_to_a_jpeg() {
        let stored = normalise("photo", &png(1200, 1600)).unwrap();
        let decoded = image::load_from_memory(&stored).unwrap();
        assert_eq!((decoded.width(), decoded.height()), (480, 640));
        assert_eq!(image::guess_format(&stored).unwrap(), ImageFormat::Jpeg);
    }

    #[test]
    fn bytes_that_are_not_a_photo_are_refused() {
        assert_eq!(normalise("photo", b"<html>not a photo</html>").unwrap_err().code(), ErrorCode::PhotoInvalid);
        let mut truncated = png(50, 50);
        truncated.truncate(40);
        assert_eq!(normalise("photo", &truncated).unwrap_err().code(), ErrorCode::PhotoInvalid);
    }
}
