//! QR codes drawn on the server as inline SVG (a voucher's code): no
//! network call, no script.

use qrcode::render::svg;
use qrcode::{EcLevel, QrCode};

/// `text` as an SVG QR code with its quiet zone, for a page; empty if it
/// is too long for any QR code (a voucher's code never is).
pub fn svg(text: &str) -> String {
    let Ok(code) = QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M) else {
        return String::new();
    };
    let drawn = code.render::<svg::Color<'_>>().min_dimensions(180, 180).quiet_zone(true).build();
    // The XML prologue has no place inside an HTML page.
    drawn.find("<svg").map_or(drawn.clone(), |at| drawn[at..].to_owned())
}

#[cfg(test)]
mod tests {
    use haul_domain::vouchers::VoucherCode;
    use qrcode::{Color, EcLevel, QrCode};

    /// The modules a phone's camera would see, read back by an independent decoder.
    fn read_back(text: &str) -> String {
        let code = QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M).unwrap();
        let (width, colors) = (code.width(), code.to_colors());
        let (scale, quiet) = (4, 4);
        let side = (width + 2 * quiet) * scale;
        let mut image = rqrr::PreparedImage::prepare_from_greyscale(side, side, |x, y| {
            let (mx, my) = ((x / scale).wrapping_sub(quiet), (y / scale).wrapping_sub(quiet));
            if mx < width && my < width && colors[my * width + mx] == Color::Dark { 0 } else { 255 }
        });
        let grids = image.detect_grids();
        assert_eq!(grids.len(), 1);
        grids[0].decode().unwrap().1
    }

    #[test]
    fn a_vouchers_qr_code_reads_back_as_its_code() {
        for seed in [[0u8; 8], [7, 1, 200, 3, 99, 5, 6, 250], [255; 8]] {
            let code = VoucherCode::from_random(seed);
            assert_eq!(read_back(code.as_str()), code.as_str());
        }
        let drawn = super::svg("ABCD2345EFGH");
        assert!(drawn.starts_with("<svg") && drawn.contains("<path"), "{drawn}");
    }
}
