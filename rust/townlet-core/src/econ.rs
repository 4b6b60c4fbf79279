//! Economy: prices, rent, restock and utilities (world.md 8, docs/rules/economy-and-jobs.md).
//!
//! Prices live on the state as `base_prices` and `prices` (effective), one entry per key
//! of `economy.prices` in config order. [`effective_price`] and [`utility_up`] are the
//! two readers other rules use (costs, preconditions). Mirrors `econ.py`.
//!
//! ```
//! use townlet_core::{econ::{effective_price, utility_up, Utility}, settings::WorldSettings, World};
//! let text = include_str!("../../../python/townlet/data/configs/towns/default.map");
//! let mut world = World::new(WorldSettings::default_town("towns/default.map", text)).unwrap();
//! world.reset(0);
//! assert_eq!(effective_price(world.state(), 1), 1.0); // meal
//! assert!(utility_up(world.state(), Utility::Power));
//! ```

use crate::canonical::StateValue;
use crate::error::{py_float, Error};
use crate::events::EventData;
use crate::state::WorldState;

/// The default `economy.rent_per_day` (world.md 8.1).
pub fn default_rent_per_day() -> f64 {
    2.0
}

/// The default `economy.restock_minute` (05:00).
pub fn default_restock_minute() -> i64 {
    300
}

/// The two utilities of world.md 8.4.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Utility {
    /// `power` (blackouts).
    Power,
    /// `water` (water outages).
    Water,
}

impl Utility {
    /// The utility's name.
    pub fn as_str(self) -> &'static str {
        match self {
            Utility::Power => "power",
            Utility::Water => "water",
        }
    }

    /// The utility named `name`.
    pub fn parse(name: &str) -> Option<Utility> {
        match name {
            "power" => Some(Utility::Power),
            "water" => Some(Utility::Water),
            _ => None,
        }
    }
}

/// The effective price of price key `key` (index in `economy.prices`); 0.0 past the end.
pub fn effective_price(state: &WorldState, key: usize) -> f64 {
    state.prices.get(key).copied().unwrap_or(0.0)
}

/// Whether `utility` is up: no active outage of it exists (world.md 8.4).
///
/// Derived state, never stored: true while no blackout (power) or water outage
/// (water) perturbation is active (world.md 12).
pub fn utility_up(state: &WorldState, utility: Utility) -> bool {
    !crate::perturb::outage_active(state, utility)
}

/// Index of price key `key` in `economy.prices`.
pub fn price_index(state: &WorldState, key: &str) -> Option<usize> {
    state
        .settings
        .economy
        .prices
        .iter()
        .position(|(k, _)| k == key)
}

/// Recomputes every effective price from its base and the active spikes (world.md 8.1),
/// emitting one `price_changed {cause}` per changed key in `economy.prices` order.
pub fn recompute_prices(state: &mut WorldState, cause: &str) {
    for k in 0..state.base_prices.len() {
        let base = state.base_prices.get(k).copied().unwrap_or(0.0);
        let effective = crate::perturb::spike_factor_applied(state, k, base);
        let Some(slot) = state.prices.get_mut(k) else {
            continue;
        };
        if *slot != effective {
            *slot = effective;
            let key = state
                .settings
                .economy
                .prices
                .get(k)
                .map_or(String::new(), |(name, _)| name.clone());
            state.events.emit(EventData::PriceChanged(Box::new((
                key,
                base,
                effective,
                cause.to_string(),
            ))));
        }
    }
}

/// Console `price`: sets the base price of key `index` and recomputes (cause `console`).
pub fn set_base_price(state: &mut WorldState, index: usize, value: f64) {
    if let Some(slot) = state.base_prices.get_mut(index) {
        *slot = if value == 0.0 { 0.0 } else { value };
    }
    recompute_prices(state, "console");
}

/// Rent (world.md 8.2): every alive agent with a home pays `rent_per_day` or misses it.
pub fn collect_rent(state: &mut WorldState) {
    let amount = state.settings.economy.rent_per_day;
    let limit = state.settings.exits.rent_missed_limit;
    for index in 0..state.agents.len() {
        let Some(agent) = state.agents.get_mut(index) else {
            continue;
        };
        if !agent.alive || agent.home.is_none() {
            continue;
        }
        let paid = agent.wallet >= amount;
        if paid {
            agent.wallet -= amount;
            agent.rent_missed_streak = 0;
        } else {
            agent.rent_missed_streak = agent.rent_missed_streak.saturating_add(1);
        }
        let (uid, streak) = (agent.uid, agent.rent_missed_streak);
        state.events.emit(if paid {
            EventData::RentPaid {
                uid,
                amount,
                streak,
            }
        } else {
            EventData::RentMissed {
                uid,
                amount,
                streak,
            }
        });
        if !paid && streak >= limit {
            crate::exits::trigger_exit(state, index, crate::exits::ExitReason::Rent);
        }
    }
}

/// Restock (world.md 8.3): every object (object order), every item with a restock level
/// (item order) below that level is raised to it, emitting `stock_restocked`.
pub fn restock(state: &mut WorldState) {
    let s = &state.settings;
    for (object, stock) in state.grid.objects.iter().zip(state.stock.iter_mut()) {
        let Some(kind) = s.manifest.object_types.get(object.type_index) else {
            continue;
        };
        for (k, item) in s.manifest.items.iter().enumerate() {
            let Some(&(_, level)) = kind.restock.iter().find(|(name, _)| *name == item.name) else {
                continue;
            };
            let Some(count) = stock.get_mut(k) else {
                continue;
            };
            if *count < level {
                let before = *count;
                *count = level;
                state.events.emit(EventData::StockRestocked(Box::new((
                    object.id.clone(),
                    item.name.clone(),
                    before,
                    level,
                ))));
            }
        }
    }
}

/// The economy part of step 4: rent at `rent_minute`, then restock at `restock_minute`.
pub fn calendar(state: &mut WorldState) {
    let minute = state.minute();
    if minute == state.settings.economy.rent_minute {
        collect_rent(state);
    }
    if minute == state.settings.economy.restock_minute {
        restock(state);
    }
}

/// `{key: float}` in `economy.prices` order.
fn price_dict(state: &WorldState, values: &[f64]) -> StateValue {
    StateValue::dict(
        state
            .settings
            .economy
            .prices
            .iter()
            .zip(values)
            .map(|((key, _), v)| (key.as_str(), StateValue::Float(*v))),
    )
}

/// The `economy` subtree of the state (docs/world-state.md 3).
pub fn export_economy(state: &WorldState) -> StateValue {
    StateValue::dict([
        ("base_prices", price_dict(state, &state.base_prices)),
        ("prices", price_dict(state, &state.prices)),
    ])
}

/// Reads the `economy` subtree of a checked tree back into `state`.
pub fn import_economy(state: &mut WorldState, node: &StateValue) {
    let read = |key: &str| -> Vec<f64> {
        let sub = node.get(key);
        state
            .settings
            .economy
            .prices
            .iter()
            .map(|(name, _)| match sub.and_then(|d| d.get(name)) {
                Some(StateValue::Float(x)) => *x,
                _ => 0.0,
            })
            .collect()
    };
    let (base, prices) = (read("base_prices"), read("prices"));
    state.base_prices = base;
    state.prices = prices;
}

/// Checks the `economy` subtree and each agent's `rent_missed_streak` of a tree whose
/// shape is sound (docs/world-state.md 3): both price dicts list exactly the price keys,
/// every price is >= 0, every streak fits a u32.
pub fn check_economy(state: &WorldState, tree: &StateValue) -> Result<(), Error> {
    let keys: Vec<&str> = state
        .settings
        .economy
        .prices
        .iter()
        .map(|(k, _)| k.as_str())
        .collect();
    let economy = tree.get("economy");
    for part in ["base_prices", "prices"] {
        let path = format!("economy.{part}");
        let node = economy.and_then(|e| e.get(part));
        let got: Vec<&str> = match node {
            Some(StateValue::Dict(pairs)) => pairs.iter().map(|(k, _)| k.as_str()).collect(),
            _ => Vec::new(),
        };
        let (mut a, mut b) = (got.clone(), keys.clone());
        a.sort_unstable();
        b.sort_unstable();
        if a != b {
            return Err(Error::snapshot(
                path,
                format!("expected the price keys {}", keys.join(", ")),
            ));
        }
        for key in &keys {
            if let Some(StateValue::Float(x)) = node.and_then(|d| d.get(key)) {
                if *x < 0.0 {
                    return Err(Error::snapshot(
                        format!("{path}.{key}"),
                        format!("must be >= 0.0, got {}", py_float(*x)),
                    ));
                }
            }
        }
    }
    if let Some(StateValue::List(agents)) = tree.get("agents") {
        for (i, agent) in agents.iter().enumerate() {
            if let Some(StateValue::Int(n)) = agent.get("rent_missed_streak") {
                if *n < 0 || *n > i64::from(u32::MAX) {
                    return Err(Error::snapshot(
                        format!("agents[{i}].rent_missed_streak"),
                        format!("must be in [0, {}], got {n}", u32::MAX),
                    ));
                }
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::perturb::{PertKind, PertSettings, PertSpec};
    use crate::settings::WorldSettings;
    use crate::World;

    fn spec(name: &str, kind: PertKind) -> PertSpec {
        PertSpec {
            name: name.into(),
            kind,
            prob_per_day: 0.0,
            duration: (3, 3),
            cooldown_ticks: 0,
            active_hours: None,
            magnitude: (kind == PertKind::PriceSpike).then_some((2.0, 2.0)),
            targets: (kind == PertKind::PriceSpike).then(|| vec!["cafe".to_string()]),
            location: None,
            pairing: None,
        }
    }

    fn town() -> WorldState {
        let text = include_str!("../../../python/townlet/data/configs/towns/default.map");
        let mut settings = WorldSettings::default_town("towns/default.map", text);
        settings.economy.price_groups = vec![("cafe".into(), vec!["meal".into()])];
        settings.perturbations = PertSettings {
            specs: vec![
                spec("spike", PertKind::PriceSpike),
                spec("blackout", PertKind::Blackout),
            ],
            ..PertSettings::default()
        };
        let mut world = World::new(settings).unwrap();
        world.reset(1);
        world.state().clone()
    }

    fn trigger(state: &mut WorldState, spec: &str) {
        let command = serde_json::json!({
            "cmd_id": "c", "name": "perturbation_trigger", "args": {"spec": spec}
        });
        assert!(crate::console::apply_command(state, &command).ok);
    }

    #[test]
    fn readers_see_spikes_and_outages_until_they_end() {
        let mut state = town();
        assert_eq!(effective_price(&state, 1), 1.0);
        trigger(&mut state, "spike");
        trigger(&mut state, "blackout");
        crate::tick::step(&mut state, &[0; 10], &[]);
        assert_eq!(effective_price(&state, 1), 2.0);
        assert_eq!(effective_price(&state, 0), 0.5);
        assert!(!utility_up(&state, Utility::Power));
        assert!(utility_up(&state, Utility::Water));
        for _ in 0..3 {
            crate::tick::step(&mut state, &[0; 10], &[]);
        }
        assert_eq!(effective_price(&state, 1), 1.0);
        assert!(utility_up(&state, Utility::Power));
    }

    #[test]
    fn on_shift_needs_an_arrival_and_presence() {
        let mut state = town();
        let clerk = state.agents.iter().position(|a| a.job == Some(0)).unwrap();
        assert!(!crate::employment::on_shift(&state, clerk));
        let office = state.grid.zone_index("office").unwrap();
        let anchor = state.grid.zones[office].anchor;
        // Start of the clerk shift (08:00) is 120 ticks after 06:00.
        for _ in 0..119 {
            crate::tick::step(&mut state, &[0; 10], &[]);
        }
        (state.agents[clerk].x, state.agents[clerk].y) = anchor;
        crate::tick::step(&mut state, &[0; 10], &[]);
        assert_eq!(state.minute(), 480);
        assert!(crate::employment::on_shift(&state, clerk));
        assert_eq!(crate::employment::job_id(&state, 0), "clerk");
    }
}
