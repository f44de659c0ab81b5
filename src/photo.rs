//! Photos (visitors, pass holders): checked with the `image` crate and stored small.
//!
//! Input is whatever a webcam frame or a chosen file gives (JPEG or PNG, at most 10 MB);
//! it is decoded (so a file that is not an image is refused), scaled to fit 480 x 640 and
//! stored as JPEG: enough for a face check at the gate, small enough for a million rows.
//! Its size in pixels is read from the header first and must be at most 4096 x 4096; the
//! decoder then runs under `image::Limits` too, so a small file claiming 30,000 x 30,000
//! pixels is refused without allocating them. Camera frames (pass scans) get the same pixel
//! check and a byte cap (`check_camera_frame`).
//! Called by: `visits`, `passes` (photos and camera frames).

use std::io::Cursor;

use image::imageops::FilterType;
use image::{ImageFormat, ImageReader};

use crate::error::{Error, ErrorCode, Result};

const MAX_INPUT_BYTES: usize = 10 * 1024 * 1024;
const MAX_WIDTH: u32 = 480;
const MAX_HEIGHT: u32 = 640;
const JPEG_QUALITY: u8 = 80;
/// The largest photo or camera frame decoded, in pixels, and what decoding may allocate
/// (4096 x 4096 at 16-bit RGBA would be 128 MiB).
pub const MAX_DECODED_SIDE: u32 = 4096;
const MAX_DECODE_ALLOC: u64 = 128 * 1024 * 1024;
/// The largest camera frame accepted (a webcam JPEG is well under 1 MB).
pub const MAX_FRAME_BYTES: usize = 8 * 1024 * 1024;

/// Decoding limits for an image at most `max_width` x `max_height`.
pub(crate) fn limits(max_width: u32, max_height: u32, max_alloc: u64) -> image::Limits {
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(max_width);
    limits.max_image_height = Some(max_height);
    limits.max_alloc = Some(max_alloc);
    limits
}

fn too_many_pixels(field: &'static str) -> Error {
    Error::invalid(field, ErrorCode::PhotoDimensions, format!("the picture is larger than {MAX_DECODED_SIDE} x {MAX_DECODED_SIDE} pixels: use a smaller photo"))
        .with_param("maxWidth", MAX_DECODED_SIDE)
        .with_param("maxHeight", MAX_DECODED_SIDE)
}

/// A JPEG or PNG reader over `bytes` whose header says at most 4096 x 4096 pixels, with
/// decoding limits set: nothing is decoded or allocated for a larger picture.
fn limited_reader<'a>(field: &'static str, bytes: &'a [u8], not_an_image: impl Fn() -> Error) -> Result<ImageReader<Cursor<&'a [u8]>>> {
    let reader = ImageReader::new(Cursor::new(bytes)).with_guessed_format().map_err(|_| not_an_image())?;
    if !matches!(reader.format(), Some(ImageFormat::Jpeg | ImageFormat::Png)) {
        return Err(not_an_image());
    }
    let (width, height) = reader.into_dimensions().map_err(|_| not_an_image())?;
    if width > MAX_DECODED_SIDE || height > MAX_DECODED_SIDE {
        return Err(too_many_pixels(field));
    }
    let mut reader = ImageReader::new(Cursor::new(bytes)).with_guessed_format().map_err(|_| not_an_image())?;
    reader.limits(limits(MAX_DECODED_SIDE, MAX_DECODED_SIDE, MAX_DECODE_ALLOC));
    Ok(reader)
}

/// Checks a camera frame before it is decoded for a QR code (field `camera`): at most
/// 8 MB, a JPEG or PNG, at most 4096 x 4096 pixels by its header.
pub fn check_camera_frame(bytes: &[u8]) -> Result<()> {
    const FIELD: &str = "camera";
    if bytes.len() > MAX_FRAME_BYTES {
        return Err(
            Error::invalid(FIELD, ErrorCode::PhotoTooLarge, "the camera picture is larger than 8 MB: lower the camera's resolution").with_param("maxMb", 8)
        );
    }
    limited_reader(FIELD, bytes, || Error::invalid(FIELD, ErrorCode::PhotoInvalid, "the camera picture cannot be read")).map(|_| ())
}

/// Decodes, downsizes and re-encodes a photo as JPEG.
pub fn normalise(field: &'static str, bytes: &[u8]) -> Result<Vec<u8>> {
    if bytes.len() > MAX_INPUT_BYTES {
        return Err(Error::invalid(field, ErrorCode::PhotoTooLarge, "the photo is larger than 10 MB: choose a smaller file").with_param("maxMb", 10));
    }
    let not_an_image = || Error::invalid(field, ErrorCode::PhotoInvalid, "this file is not a JPEG or PNG photo");
    let reader = limited_reader(field, bytes, not_an_image)?;
    let image = reader.decode().map_err(|e| match e {
        image::ImageError::Limits(_) => too_many_pixels(field),
        _ => not_an_image(),
    })?;
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
