//! The values a precondition reads (world.md 3.6) for one agent, object and tick.
//!
//! `object.holders`, `object.waiting` and `object.stock.<item>` read the live queue
//! and stock; `price.<key>` goes through [`super::price_of`] and `utility.*` through
//! [`super::utility_up`]. Mirrors `Env` of `python/townlet/world/affordances.py`.

use crate::agents::Agent;
use crate::expr::names::{Name, NameKind};
use crate::expr::ExprEnv;
use crate::state::WorldState;

/// One agent (and object, `None` for item uses) at `tick`.
pub struct Env<'a> {
    /// The world.
    pub state: &'a WorldState,
    /// The agent.
    pub agent: &'a Agent,
    /// The object, if any.
    pub obj: Option<usize>,
    /// The tick `world.*` names read.
    pub tick: i64,
}

impl Env<'_> {
    fn object(&self) -> Option<&crate::grid::MapObject> {
        self.obj.and_then(|o| self.state.grid.objects.get(o))
    }
}

fn count(n: usize) -> f64 {
    n as f64
}

impl ExprEnv for Env<'_> {
    fn num(&self, name: Name) -> f64 {
        let (a, s) = (self.agent, self.state);
        let c = &s.settings;
        let minute = (c.time.start_minute + self.tick).rem_euclid(c.time.ticks_per_day.max(1));
        match name.kind {
            NameKind::AgentHunger => a.needs[0],
            NameKind::AgentHygiene => a.needs[1],
            NameKind::AgentEnergy => a.needs[2],
            NameKind::AgentWallet => a.wallet,
            NameKind::AgentItem => f64::from(a.items.get(name.index).copied().unwrap_or(0)),
            NameKind::AgentExtroversion => a.extroversion,
            NameKind::AgentForgiveness => a.forgiveness,
            NameKind::AgentAmbition => a.ambition,
            NameKind::ObjectStock => f64::from(
                self.obj
                    .and_then(|o| s.stock.get(o))
                    .and_then(|st| st.get(name.index))
                    .copied()
                    .unwrap_or(0),
            ),
            NameKind::ObjectHolders => count(
                self.obj
                    .and_then(|o| s.queues.get(o))
                    .map_or(0, |q| q.holders.len()),
            ),
            NameKind::ObjectWaiting => count(
                self.obj
                    .and_then(|o| s.queues.get(o))
                    .map_or(0, |q| q.waiters.len()),
            ),
            NameKind::ObjectCapacity => f64::from(
                self.object()
                    .and_then(|o| c.manifest.object_types.get(o.type_index))
                    .map_or(0, |t| t.capacity),
            ),
            NameKind::WorldTick => self.tick as f64,
            NameKind::WorldDay => {
                (c.time.start_minute + self.tick).div_euclid(c.time.ticks_per_day.max(1)) as f64
            }
            NameKind::WorldMinute => minute as f64,
            NameKind::WorldHour => minute.div_euclid(60) as f64,
            NameKind::Price => c
                .economy
                .prices
                .get(name.index)
                .map_or(0.0, |(key, _)| super::price_of(s, key)),
            _ => 0.0,
        }
    }

    fn text(&self, name: Name) -> Option<&str> {
        let (a, s) = (self.agent, self.state);
        match name.kind {
            NameKind::AgentId => Some(a.id.as_str()),
            NameKind::AgentName => Some(a.name.as_str()),
            NameKind::AgentProfile => Some(s.profile_name(a.profile)),
            NameKind::AgentHome => s.zone_name(a.home),
            NameKind::AgentJob => a.job.map(|j| crate::employment::job_id(s, j)),
            NameKind::ObjectId => self.object().map(|o| o.id.as_str()),
            NameKind::ObjectType => self.object().map(|o| o.type_name.as_str()),
            NameKind::ObjectZone => self.object().and_then(|o| s.zone_name(o.zone)),
            NameKind::ObjectZoneKind => self
                .object()
                .and_then(|o| o.zone)
                .and_then(|z| s.grid.zones.get(z))
                .map(|z| z.kind.as_str()),
            NameKind::ObjectOwner => self
                .obj
                .and_then(|o| s.owners.get(o).copied().flatten())
                .and_then(|uid| s.agent_index(uid))
                .and_then(|i| s.agents.get(i))
                .map(|x| x.id.as_str()),
            _ => None,
        }
    }

    fn flag(&self, name: Name) -> bool {
        match name.kind {
            NameKind::UtilityPower => super::utility_up(self.state, "power"),
            NameKind::UtilityWater => super::utility_up(self.state, "water"),
            NameKind::AgentOnShift => crate::employment::agent_on_shift(self.state, self.agent),
            _ => false,
        }
    }
}
