//! The `perturbations` settings of world.md 12.1 (docs/world-state.md 1).

use serde::Deserialize;

/// The four kinds of perturbation.
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum PertKind {
    /// Prices of the targets rise by a magnitude.
    PriceSpike,
    /// Power is down.
    Blackout,
    /// Water is down.
    WaterOutage,
    /// Two agents are moved to a zone's anchor.
    ArrangedMeet,
}

impl PertKind {
    /// The kind's name.
    pub fn as_str(self) -> &'static str {
        match self {
            PertKind::PriceSpike => "price_spike",
            PertKind::Blackout => "blackout",
            PertKind::WaterOutage => "water_outage",
            PertKind::ArrangedMeet => "arranged_meet",
        }
    }

    /// The utility an outage kind takes down.
    pub fn utility(self) -> Option<crate::econ::Utility> {
        match self {
            PertKind::Blackout => Some(crate::econ::Utility::Power),
            PertKind::WaterOutage => Some(crate::econ::Utility::Water),
            _ => None,
        }
    }
}

/// One spec (world.md 12.1).
#[derive(Clone, Debug, Deserialize, PartialEq)]
pub struct PertSpec {
    /// The spec's name (config key).
    pub name: String,
    /// Its kind.
    pub kind: PertKind,
    /// Expected activations per day before gates.
    pub prob_per_day: f64,
    /// Inclusive `[min, max]` duration in ticks.
    pub duration: (i64, i64),
    /// Ticks after an event of this spec ends before the next may start.
    pub cooldown_ticks: i64,
    /// `[from, to)` minutes of random activation; the whole day when `None`.
    #[serde(default)]
    pub active_hours: Option<(i64, i64)>,
    /// Price spikes: `[min, max]` factor.
    #[serde(default)]
    pub magnitude: Option<(f64, f64)>,
    /// Price spikes: price keys or group names.
    #[serde(default)]
    pub targets: Option<Vec<String>>,
    /// Arranged meets: the zone (`cafe` when `None`).
    #[serde(default)]
    pub location: Option<String>,
    /// Arranged meets: `top_rivals` (default) or `random`.
    #[serde(default)]
    pub pairing: Option<String>,
}

/// The `perturbations` section; absent means disabled with no specs.
#[derive(Clone, Debug, Deserialize, PartialEq)]
pub struct PertSettings {
    /// Random scheduling on/off (manual events always work).
    pub enabled: bool,
    /// Active events at once (>= 1).
    pub max_concurrent: u32,
    /// Minimum spacing between two activations.
    pub global_cooldown_ticks: i64,
    /// Per-agent eligibility pause after an arranged meet ends.
    pub per_agent_cooldown_ticks: i64,
    /// Window of the per-spec activation limit; 0 = unlimited.
    pub window_ticks: i64,
    /// Activations per spec within the window; 0 = unlimited.
    pub max_events_per_window: u32,
    /// Specs in config order.
    pub specs: Vec<PertSpec>,
}

impl Default for PertSettings {
    fn default() -> Self {
        PertSettings {
            enabled: false,
            max_concurrent: 2,
            global_cooldown_ticks: 240,
            per_agent_cooldown_ticks: 360,
            window_ticks: 1440,
            max_events_per_window: 2,
            specs: Vec::new(),
        }
    }
}
