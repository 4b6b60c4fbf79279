//! The `relationships` settings of world.md 10, with the spec defaults.
//!
//! Plain values: the world builds them from its settings, and the Python twin
//! (`TieSettings` in `townlet.world.ties`) is filled from `RelationshipsConfig`.
//! The world reads them from the `relationships` section of its settings
//! (docs/world-state.md 1).

use serde::Deserialize;

/// Personality modifiers of relationship deltas (`relationships.modifiers`).
#[derive(Clone, Copy, Debug, Deserialize, PartialEq)]
pub struct Modifiers {
    /// Whether the modifiers apply (default true).
    pub enabled: bool,
    /// Forgiveness factor on harmful deltas and rivalry decay (default 0.5).
    pub c_forgive: f64,
    /// Ambition factor on rivalry from work and queue conflicts (default 0.3).
    pub c_ambition: f64,
    /// Extroversion bonus to familiarity from good chats (default 0.02).
    pub c_ext_fam: f64,
}

/// Chat success probability, cooldown and reach (`relationships.chat`, world.md 10.4).
#[derive(Clone, Copy, Debug, Deserialize, PartialEq)]
pub struct ChatParams {
    /// Base success probability (default 0.7).
    pub base_p: f64,
    /// Weight of the listener's trust (default 0.3).
    pub trust_coeff: f64,
    /// Weight of the listener's familiarity (default 0.2).
    pub fam_coeff: f64,
    /// Weight of the listener's extroversion (default 0.1).
    pub ext_coeff: f64,
    /// Lower clamp of the probability (default 0.05).
    pub p_min: f64,
    /// Upper clamp of the probability (default 0.95).
    pub p_max: f64,
    /// Ticks before the same speaker may chat to the same listener (default 30).
    pub cooldown_ticks: i64,
    /// Max Chebyshev distance between speaker and listener (default 1).
    pub max_distance: u32,
}

/// The `relationships` settings (world.md 10), with the spec defaults.
///
/// ```
/// assert_eq!(townlet_core::ties::TieSettings::default().max_ties, 6);
/// ```
#[derive(Clone, Copy, Debug, Deserialize, PartialEq)]
pub struct TieSettings {
    /// K, the ties kept per owner (default 6).
    pub max_ties: usize,
    /// Minimum delta magnitude to evict the weakest tie of a full owner (default 0.2).
    pub admission_threshold: f64,
    /// Hourly decay of trust, familiarity, rivalry (default 0.002, 0.002, 0.01).
    pub decay_per_hour: [f64; 3],
    /// A tie whose components are all below this in absolute value fades (default 0.01).
    pub drop_below: f64,
    /// Trait modifiers.
    pub modifiers: Modifiers,
    /// Rivalry from which policies treat the other as avoided (default 0.7; not enforced).
    pub avoid_threshold: f64,
    /// Chat rules.
    pub chat: ChatParams,
}

impl Default for TieSettings {
    fn default() -> Self {
        TieSettings {
            max_ties: 6,
            admission_threshold: 0.2,
            decay_per_hour: [0.002, 0.002, 0.01],
            drop_below: 0.01,
            modifiers: Modifiers {
                enabled: true,
                c_forgive: 0.5,
                c_ambition: 0.3,
                c_ext_fam: 0.02,
            },
            avoid_threshold: 0.7,
            chat: ChatParams {
                base_p: 0.7,
                trust_coeff: 0.3,
                fam_coeff: 0.2,
                ext_coeff: 0.1,
                p_min: 0.05,
                p_max: 0.95,
                cooldown_ticks: 30,
                max_distance: 1,
            },
        }
    }
}
