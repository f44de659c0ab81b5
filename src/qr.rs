//! QR codes for print (visitor slips now, passes later): digits only, so the code is in QR
//! numeric mode and a keyboard-wedge scanner types it right under any layout; error
//! correction level Q survives a crease or a smudge. Rendered as SVG (sharp at any printer
//! resolution) and handed to the UI as a `data:` URL for an `<img>`.
//! Called by: `visits` (slips).

use base64::Engine;
use qrcode::render::svg;
use qrcode::{EcLevel, QrCode};

use crate::error::{Error, Result};

/// An SVG QR code of `digits` as a `data:image/svg+xml;base64,…` URL.
pub fn svg_data_url(digits: &str) -> Result<String> {
    let code = QrCode::with_error_correction_level(digits.as_bytes(), EcLevel::Q).map_err(|e| Error::internal(format!("cannot make a QR code: {e}")))?;
    let svg = code.render::<svg::Color<'_>>().min_dimensions(200, 200).quiet_zone(true).build();
    Ok(format!("data:image/svg+xml;base64,{}", base64::engine::general_purpose::STANDARD.encode(svg)))
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_qr_code_is_an_svg_data_url() {
        let url = super::svg_data_url("80000000421").unwrap();
        let body = url.strip_prefix("data:image/svg+xml;base64,").unwrap();
        let svg = base64::Engine::decode(&base64::engine::general_purpose::STANDARD, body).unwrap();
        assert!(String::from_utf8(svg).unwrap().contains("<svg"));
    }
}
