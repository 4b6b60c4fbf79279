use super::*;

fn layout(variant: &str, mode: &str) -> ObservationLayout {
    observation_layout(&LayoutParams::default(), variant, mode).unwrap()
}

#[test]
fn default_layout_has_146_features_and_spec_indices() {
    let layout = layout("full", "primitive");
    assert_eq!(layout.features.len(), 146);
    assert_eq!(layout.features[41], "home_n");
    assert_eq!(layout.features[80], "park_dist");
    assert_eq!(layout.features[98], "soc_friend0_e0");
    assert_eq!(layout.features[141], "soc_rival1_riv");
    assert_eq!(layout.features[145], "soc_riv_max");
    assert_eq!(layout.map_shape, Some([18, 11, 11]));
    assert_eq!(layout.action_names.len(), 19);
}

#[test]
fn blocks_tile_the_feature_vector() {
    let layout = layout("hybrid", "option");
    let mut next = 0;
    for (_, (start, stop)) in &layout.blocks {
        assert_eq!(*start, next);
        next = *stop;
    }
    assert_eq!(next, layout.features.len());
    let blocks: Vec<&str> = layout.blocks.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        blocks,
        [
            "self",
            "time",
            "work",
            "control",
            "targets",
            "local",
            "world",
            "personality",
            "social",
            "social_agg"
        ]
    );
}

#[test]
fn bounds_are_signed_only_for_time_waves_personality_and_social() {
    let layout = layout("compact", "option");
    let signed: Vec<usize> = (0..146)
        .filter(|&i| layout.feature_bounds[i].0 < 0.0)
        .collect();
    let expected: Vec<usize> = [10, 11].into_iter().chain(95..146).collect();
    assert_eq!(signed, expected);
    assert!(layout.feature_bounds.iter().all(|&(_, hi)| hi == 1.0));
    assert_eq!(layout.map_shape, None);
}

#[test]
fn width_follows_social_params() {
    let params =
        LayoutParams::from_json(r#"{"window": 7, "embed_dim": 4, "top_friends": 1}"#).unwrap();
    let layout = observation_layout(&params, "full", "option").unwrap();
    assert_eq!(layout.features.len(), 98 + 3 * (4 + 3) + 4);
    assert_eq!(layout.map_shape, Some([18, 7, 7]));
    assert_ne!(
        layout.fingerprint,
        self::layout("full", "option").fingerprint
    );
}

#[test]
fn fingerprint_is_sha256_of_canonical_json() {
    let layout = layout("hybrid", "primitive");
    assert_eq!(
        layout.fingerprint,
        hex_sha256(layout.canonical_json().as_bytes())
    );
    assert!(!layout.canonical_json().contains(' '));
    assert_eq!(layout.to_json()["fingerprint"], layout.fingerprint.as_str());
}

#[test]
fn bad_params_variant_and_mode_are_errors() {
    assert!(LayoutParams::from_json(r#"{"window": 8}"#).is_err());
    assert!(LayoutParams::from_json(r#"{"embed_dim": 33}"#).is_err());
    assert!(LayoutParams::from_json(r#"{"object_categories": {"toys": []}}"#).is_err());
    let err = observation_layout(&LayoutParams::default(), "tiny", "option").unwrap_err();
    assert_eq!(
        err.to_string(),
        "observation variant: expected one of full, hybrid, compact, got 'tiny'"
    );
    assert!(observation_layout(&LayoutParams::default(), "full", "fast").is_err());
}

#[test]
fn embedding_row_zero_is_pinned_and_no_row_is_zero() {
    let row: Vec<u8> = slot_embedding(0, 32)
        .iter()
        .map(|v| (v * 255.0).round() as u8)
        .collect();
    assert_eq!(row[..8], PINNED_ROW_ZERO);
    for row in embedding_table(64, 32) {
        assert!(row.iter().any(|&v| v != 0.0));
    }
}

/// First bytes of BLAKE2s-256(b"townlet.slot.0"), as Python's hashlib.blake2s gives them.
const PINNED_ROW_ZERO: [u8; 8] = [42, 105, 6, 198, 189, 30, 153, 134];
