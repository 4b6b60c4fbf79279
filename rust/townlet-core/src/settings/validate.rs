//! Semantic checks of the settings, in the words of the Python world (`settings.py`, D8).
//!
//! Serde already refused wrong kinds; these are the ranges and references both worlds
//! refuse, so that both accept exactly the same settings. Every problem is listed, the
//! first one names the `key`.

use super::{NeedValues, WorldSettings};
use crate::error::{py_float, Error};

/// Collects `(dotted path, what)` problems.
#[derive(Default)]
struct Problems(Vec<(String, String)>);

impl Problems {
    fn add(&mut self, path: impl Into<String>, what: impl Into<String>) {
        self.0.push((path.into(), what.into()));
    }

    fn int(&mut self, path: impl Into<String>, value: i64, lo: i64, hi: Option<i64>) {
        if value < lo || hi.is_some_and(|hi| value > hi) {
            let bound = hi.map_or_else(|| format!(">= {lo}"), |hi| format!("[{lo}, {hi}]"));
            self.add(path, format!("must be {bound}, got {value}"));
        }
    }

    fn float(&mut self, path: impl Into<String>, value: f64, lo: f64, hi: Option<f64>) {
        let path = path.into();
        if !value.is_finite() {
            self.add(path, format!("must be finite, got {}", py_float(value)));
        } else if value < lo || hi.is_some_and(|hi| value > hi) {
            let bound = match hi {
                Some(hi) => format!("[{}, {}]", py_float(lo), py_float(hi)),
                None => format!(">= {}", py_float(lo)),
            };
            self.add(path, format!("must be {bound}, got {}", py_float(value)));
        }
    }

    fn needs(&mut self, path: &str, needs: NeedValues, lo: f64, hi: Option<f64>) {
        for (name, value) in super::NEED_NAMES.iter().zip(needs.to_array()) {
            self.float(format!("{path}.{name}"), value, lo, hi);
        }
    }

    fn items(&mut self, s: &WorldSettings, path: &str, pairs: &[(String, u32)], check_limit: bool) {
        for (i, (name, count)) in pairs.iter().enumerate() {
            match s.manifest.items.iter().find(|item| &item.name == name) {
                None => self.add(format!("{path}[{i}][0]"), format!("unknown item '{name}'")),
                Some(item) if check_limit && *count > item.carry_limit => {
                    self.add(
                        format!("{path}[{i}][1]"),
                        format!("must be <= {}, got {count}", item.carry_limit),
                    );
                }
                Some(_) => {}
            }
        }
    }
}

impl WorldSettings {
    /// Checks ranges and references; every problem as `(dotted path, what)` (D8).
    pub fn validate(&self) -> Result<(), Error> {
        let mut p = Problems::default();
        for (i, item) in self.manifest.items.iter().enumerate() {
            if self.manifest.items[..i]
                .iter()
                .any(|other| other.name == item.name)
            {
                p.add(
                    format!("manifest.items[{i}].name"),
                    format!("duplicate item '{}'", item.name),
                );
            }
            p.int(
                format!("manifest.items[{i}].carry_limit"),
                i64::from(item.carry_limit),
                0,
                Some(99),
            );
        }
        let types = &self.manifest.object_types;
        for (i, spec) in types.iter().enumerate() {
            let path = format!("manifest.object_types[{i}]");
            if types[..i].iter().any(|other| other.name == spec.name) {
                p.add(
                    format!("{path}.name"),
                    format!("duplicate object type '{}'", spec.name),
                );
            }
            p.int(
                format!("{path}.capacity"),
                i64::from(spec.capacity),
                0,
                Some(16),
            );
            for (key, pairs) in [
                ("stock", &spec.stock),
                ("stock_limit", &spec.stock_limit),
                ("restock", &spec.restock),
            ] {
                p.items(self, &format!("{path}.{key}"), pairs, false);
            }
        }
        let tpd = self.time.ticks_per_day;
        p.int("time.ticks_per_day", tpd, 1, None);
        p.int(
            "time.start_minute",
            self.time.start_minute,
            0,
            Some(tpd.max(1) - 1),
        );
        p.needs("needs.decay", self.needs.decay, 0.0, None);
        if self.agents.names.is_empty() {
            p.add("agents.names", "must not be empty");
        }
        p.needs("agents.needs", self.agents.needs, 0.0, Some(1.0));
        p.float("agents.wallet", self.agents.wallet, 0.0, None);
        p.items(self, "agents.items", &self.agents.items, true);
        let profiles = &self.personalities.profiles;
        for (i, profile) in profiles.iter().enumerate() {
            let path = format!("personalities.profiles[{i}]");
            if profiles[..i].iter().any(|other| other.name == profile.name) {
                p.add(
                    format!("{path}.name"),
                    format!("duplicate profile '{}'", profile.name),
                );
            }
            for (name, value) in [
                ("extroversion", profile.extroversion),
                ("forgiveness", profile.forgiveness),
                ("ambition", profile.ambition),
            ] {
                p.float(format!("{path}.{name}"), value, -1.0, Some(1.0));
            }
            p.needs(
                &format!("{path}.decay_multipliers"),
                profile.decay_multipliers,
                0.0,
                None,
            );
        }
        let distribution = &self.personalities.distribution;
        for (i, (name, weight)) in distribution.iter().enumerate() {
            if self.profile_index(name).is_none() {
                p.add(
                    format!("personalities.distribution[{i}][0]"),
                    format!("unknown profile '{name}'"),
                );
            }
            p.float(
                format!("personalities.distribution[{i}][1]"),
                *weight,
                0.0,
                None,
            );
        }
        if !distribution.iter().any(|(_, w)| *w > 0.0) {
            p.add(
                "personalities.distribution",
                "needs at least one positive weight",
            );
        }
        let life = &self.lifecycle;
        let (dmin, dmax) = life.spawn_delay_ticks;
        p.int(
            "lifecycle.spawn_delay_ticks[0]",
            dmin,
            0,
            Some(crate::state::MAX_TICK),
        );
        p.int(
            "lifecycle.spawn_delay_ticks[1]",
            dmax,
            dmin,
            Some(crate::state::MAX_TICK),
        );
        p.float(
            "lifecycle.faint_threshold",
            life.faint_threshold,
            0.0,
            Some(1.0),
        );
        p.needs(
            "lifecycle.newcomer.needs",
            life.newcomer.needs,
            0.0,
            Some(1.0),
        );
        p.float("lifecycle.newcomer.wallet", life.newcomer.wallet, 0.0, None);
        p.items(self, "lifecycle.newcomer.items", &life.newcomer.items, true);
        let target = i64::from(life.population_target);
        p.int(
            "embedding.max_slots",
            i64::from(self.embedding.max_slots),
            target.max(1),
            None,
        );
        p.int(
            "embedding.cooldown_ticks",
            self.embedding.cooldown_ticks,
            0,
            None,
        );
        if !matches!(self.actions.mode.as_str(), "option" | "primitive") {
            p.add(
                "actions.mode",
                format!(
                    "expected 'option' or 'primitive', got '{}'",
                    self.actions.mode
                ),
            );
        }
        if p.0.is_empty() {
            Ok(())
        } else {
            Err(Error::settings(p.0))
        }
    }
}
