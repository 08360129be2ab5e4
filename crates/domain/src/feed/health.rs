//! Creator health: a score from the creator's recent content quality and
//! violations. Below the threshold, a creator's videos reach followers only.

/// 0 to 100. Starts at 70 for a creator with no history; average content
/// keeps it there, better content raises it up to 100; each violation in
/// the window costs 20.
pub fn creator_health(recent_quality: &[f64], violations: i64) -> f64 {
    let content = if recent_quality.is_empty() {
        0.0
    } else {
        let mean = recent_quality.iter().sum::<f64>() / recent_quality.len() as f64;
        ((mean - 1.0) * 30.0).clamp(-30.0, 30.0)
    };
    (70.0 + content - 20.0 * violations.max(0) as f64).clamp(0.0, 100.0)
}

/// Whether strangers see the creator's videos.
pub fn reaches_strangers(health: f64, threshold: f64) -> bool {
    health >= threshold
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn health_table() {
        for (quality, violations, expected) in [
            (&[][..], 0, 70.0),
            (&[1.0, 1.0][..], 0, 70.0),
            (&[2.0][..], 0, 100.0),
            (&[0.5, 0.5][..], 0, 55.0),
            (&[1.0][..], 2, 30.0),
            (&[0.0][..], 5, 0.0),
        ] {
            assert!((creator_health(quality, violations) - expected).abs() < 1e-9, "{quality:?} {violations}");
        }
        assert!(!reaches_strangers(30.0, 40.0));
        assert!(reaches_strangers(40.0, 40.0));
    }
}
