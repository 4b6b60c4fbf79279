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
    /// The affordance checks of `parse_settings` (settings.py), in its order.
    fn validate_affordances(&self, p: &mut Problems) {
        let affordances = &self.manifest.affordances;
        let known_item = |name: &str| self.item_index(name).is_some();
        for (i, a) in affordances.iter().enumerate() {
            let path = format!("manifest.affordances[{i}]");
            if affordances[..i].iter().any(|other| other.id == a.id) {
                p.add(
                    format!("{path}.id"),
                    format!("duplicate affordance '{}'", a.id),
                );
            }
            if let Some(t) = &a.object_type {
                if !self.manifest.object_types.iter().any(|s| &s.name == t) {
                    p.add(
                        format!("{path}.object_type"),
                        format!("unknown object type '{t}'"),
                    );
                }
            }
            if let Some(item) = &a.item {
                if !known_item(item) {
                    p.add(format!("{path}.item"), format!("unknown item '{item}'"));
                }
            }
            if a.object_type.is_some() == a.item.is_some() {
                p.add(path.clone(), "expected exactly one of object_type and item");
            }
            match (&a.cost.amount, &a.cost.price) {
                (Some(amount), None) => p.float(format!("{path}.cost.amount"), *amount, 0.0, None),
                (None, Some(key)) => {
                    if !self.economy.prices.iter().any(|(k, _)| k == key) {
                        p.add(
                            format!("{path}.cost.price"),
                            format!("unknown price key '{key}'"),
                        );
                    }
                }
                _ => p.add(
                    format!("{path}.cost"),
                    "expected {'amount': float} or {'price': key}",
                ),
            }
            p.int(format!("{path}.duration"), a.duration, 1, Some(10080));
            p.items(self, &format!("{path}.consume"), &a.consume, false);
            p.items(self, &format!("{path}.take"), &a.take, false);
            p.needs(
                &format!("{path}.per_tick.needs"),
                a.per_tick.needs,
                f64::NEG_INFINITY,
                None,
            );
            p.float(
                format!("{path}.per_tick.money"),
                a.per_tick.money,
                0.0,
                None,
            );
            let done = &a.on_complete;
            p.needs(
                &format!("{path}.on_complete.needs"),
                done.needs,
                f64::NEG_INFINITY,
                None,
            );
            p.float(format!("{path}.on_complete.money"), done.money, 0.0, None);
            p.items(
                self,
                &format!("{path}.on_complete.items"),
                &done.items,
                false,
            );
            p.items(
                self,
                &format!("{path}.on_complete.stock"),
                &done.stock,
                false,
            );
            p.needs(
                &format!("{path}.decay_multipliers"),
                a.decay_multipliers,
                0.0,
                Some(4.0),
            );
            if let Some(item) = &a.sells {
                if !known_item(item) {
                    p.add(format!("{path}.sells"), format!("unknown item '{item}'"));
                }
            }
        }
    }

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
        let prices = &self.economy.prices;
        for (i, (key, price)) in prices.iter().enumerate() {
            if prices[..i].iter().any(|(other, _)| other == key) {
                p.add(
                    format!("economy.prices[{i}][0]"),
                    format!("duplicate price key '{key}'"),
                );
            }
            p.float(format!("economy.prices[{i}][1]"), *price, 0.0, None);
        }
        self.validate_affordances(&mut p);
        let tpd = self.time.ticks_per_day;
        p.int("time.ticks_per_day", tpd, 1, None);
        p.int(
            "time.start_minute",
            self.time.start_minute,
            0,
            Some(tpd.max(1) - 1),
        );
        for (i, job) in self.jobs.iter().enumerate() {
            let path = format!("jobs[{i}]");
            if self.jobs[..i].iter().any(|other| other.id == job.id) {
                p.add(format!("{path}.id"), format!("duplicate job '{}'", job.id));
            }
            p.int(
                format!("{path}.shift_start"),
                job.shift_start,
                0,
                Some(tpd.max(1) - 1),
            );
            p.int(
                format!("{path}.shift_length"),
                job.shift_length,
                60,
                Some((tpd - 1 - job.shift_start).max(60)),
            );
            p.float(
                format!("{path}.wage_per_tick"),
                job.wage_per_tick,
                0.0,
                None,
            );
            p.int(
                "employment.absent_after_ticks",
                self.employment.absent_after_ticks,
                1,
                Some(job.shift_length - 1),
            );
        }
        p.int(
            "employment.grace_ticks",
            self.employment.grace_ticks,
            0,
            None,
        );
        p.int(
            "employment.absent_after_ticks",
            self.employment.absent_after_ticks,
            1,
            None,
        );
        p.float(
            "employment.lateness_fine",
            self.employment.lateness_fine,
            0.0,
            None,
        );
        let pert = &self.perturbations;
        p.int(
            "perturbations.max_concurrent",
            i64::from(pert.max_concurrent),
            1,
            None,
        );
        for (key, value) in [
            ("global_cooldown_ticks", pert.global_cooldown_ticks),
            ("per_agent_cooldown_ticks", pert.per_agent_cooldown_ticks),
            ("window_ticks", pert.window_ticks),
        ] {
            p.int(format!("perturbations.{key}"), value, 0, None);
        }
        for (i, spec) in pert.specs.iter().enumerate() {
            let path = format!("perturbations.specs[{i}]");
            p.float(
                format!("{path}.prob_per_day"),
                spec.prob_per_day,
                0.0,
                Some(24.0),
            );
            p.int(format!("{path}.duration[0]"), spec.duration.0, 0, None);
            p.int(format!("{path}.duration[1]"), spec.duration.1, 0, None);
            p.int(
                format!("{path}.cooldown_ticks"),
                spec.cooldown_ticks,
                0,
                None,
            );
        }
        let x = &self.exits;
        p.int("exits.absence_window_days", x.absence_window_days, 1, None);
        p.int("exits.max_absences", i64::from(x.max_absences), 1, None);
        p.int(
            "exits.rent_missed_limit",
            i64::from(x.rent_missed_limit),
            1,
            None,
        );
        p.int("exits.exit_cooldown_ticks", x.exit_cooldown_ticks, 0, None);
        let e = &self.economy;
        p.float("economy.rent_per_day", e.rent_per_day, 0.0, None);
        p.int(
            "economy.rent_minute",
            e.rent_minute,
            0,
            Some(tpd.max(1) - 1),
        );
        p.int(
            "economy.restock_minute",
            e.restock_minute,
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
        let max = Some(crate::state::MAX_TICK);
        let a = &self.actions;
        p.int("actions.commit_ticks", a.commit_ticks, 0, max);
        if !matches!(a.commitment.as_str(), "ticks" | "until_done") {
            p.add(
                "actions.commitment",
                format!("expected 'ticks' or 'until_done', got '{}'", a.commitment),
            );
        }
        p.float("actions.critical_need", a.critical_need, 0.0, Some(1.0));
        p.int("actions.work_lead_ticks", a.work_lead_ticks, 0, max);
        let c = &self.controllers;
        p.int("controllers.rival_detour", c.rival_detour, 0, max);
        p.int("controllers.max_queue_wait", c.max_queue_wait, 1, max);
        let q = &self.queues;
        p.int("queues.queue_radius", q.queue_radius, 0, Some(256));
        p.int("queues.ghost_step_after", q.ghost_step_after, 0, max);
        p.float(
            "queues.age_priority_weight",
            q.age_priority_weight,
            0.0,
            None,
        );
        p.float("queues.handover_weight", q.handover_weight, 0.0, None);
        p.int(
            "queues.cut_in_cooldown_ticks",
            q.cut_in_cooldown_ticks,
            0,
            max,
        );
        if let Err((path, what)) = crate::affordances::engage::check_roles(&self.roles) {
            p.add(path, what);
        }
        if p.0.is_empty() {
            Ok(())
        } else {
            Err(Error::settings(p.0))
        }
    }
}
