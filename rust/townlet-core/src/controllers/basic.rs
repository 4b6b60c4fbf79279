//! The controllers of Wait, GetClean, Sleep, Work and GoHome (learning.md 2.4), their
//! shared walking and object-use mechanics, and their success rules. Mirrors the
//! matching functions of `controllers.py`.

use super::{OptState, Outcome, GET_CLEAN, GET_FED, GO_HOME, SHOP, SLEEP, WAIT, WORK};
use crate::affordances::engage::{INTERACT, ROLES};
use crate::affordances::{start_check, AffResult};
use crate::state::WorldState;
use crate::targets::TargetFields;

/// A primitive triple `(kind, a, b)` of world.md 6.1.
pub type Triple = (i32, u32, usize);

/// WAIT.
pub const WAIT_TRIPLE: Triple = (0, 0, 0);

/// Index of role `name` in [`ROLES`].
pub fn role(name: &str) -> usize {
    ROLES.iter().position(|r| r.0 == name).unwrap_or(0)
}

/// The distance of agent `i`'s tile in `field` (−1 unreachable or off-grid).
pub fn dist(state: &WorldState, i: usize, field: &[i32]) -> i32 {
    let agent = &state.agents[i];
    state
        .grid
        .index(agent.x, agent.y)
        .and_then(|k| field.get(k))
        .copied()
        .unwrap_or(-1)
}

/// One walking step along `field`: MOVE by the W§2.5 path hint, WAIT on the target;
/// `None` when unreachable.
pub fn walk(state: &WorldState, i: usize, field: &[i32]) -> Option<Triple> {
    let agent = &state.agents[i];
    match dist(state, i, field) {
        d if d < 0 => None,
        0 => Some(WAIT_TRIPLE),
        _ => state
            .grid
            .path_hint(field, agent.x, agent.y)
            .map(|k| (k as i32 + 1, 0, 0)),
    }
}

/// The first affordance bound to `role` (learning.md 2.4 rule 5) offered by object
/// `obj`'s type whose W§7.4 start checks pass for agent `i`, or `None`.
pub fn bound_affordance(
    state: &WorldState,
    i: usize,
    role: usize,
    obj: usize,
    tick: i64,
) -> Option<usize> {
    let t = state.grid.objects.get(obj)?.type_index;
    let offered = state.tables.offered.get(t)?;
    state
        .tables
        .role_affordances
        .get(role)?
        .iter()
        .copied()
        .filter(|a| offered.contains(a))
        .find(|&a| start_check(state, &state.agents[i], a, Some(obj), tick).0 == 0)
}

/// Using an object (2.4 rule 2): WAIT while engaged with it, walk to it, then
/// INTERACT with the bound affordance. `None`: unreachable or unusable.
pub fn use_object(
    state: &WorldState,
    fields: &TargetFields,
    i: usize,
    obj: usize,
    role: usize,
) -> Option<Triple> {
    let agent = &state.agents[i];
    if agent.eng.object() == Some(obj) || agent.eng.is_active() {
        return Some(WAIT_TRIPLE);
    }
    let field = fields.field(obj)?;
    match dist(state, i, field) {
        d if d < 0 => None,
        0 => bound_affordance(state, i, role, obj, state.tick)
            .map(|a| (INTERACT, u32::try_from(obj).unwrap_or(u32::MAX), a)),
        _ => walk(state, i, field),
    }
}

/// GetClean's target: the nearest usable shower in the own home, else the nearest
/// usable one in a `gym` zone; ties to the lower object index; with the rival detour
/// of `fed::nearest`.
pub fn shower_target(
    state: &WorldState,
    fields: &TargetFields,
    i: usize,
    tick: i64,
) -> Option<super::fed::Pick> {
    let home = state.agents[i].home;
    let wash = role("wash");
    let shower = |o: usize, gym: bool| {
        let x = &state.grid.objects[o];
        if gym {
            x.zone
                .and_then(|z| state.grid.zones.get(z))
                .is_some_and(|z| z.kind == "gym")
                && !(x.zone.is_some() && x.zone == home)
        } else {
            x.zone.is_some() && x.zone == home
        }
    };
    let pick = |o: usize| bound_affordance(state, i, wash, o, tick);
    let showers = &fields.named.showers;
    super::fed::nearest(state, fields, i, showers, |o| shower(o, false), pick)
        .or_else(|| super::fed::nearest(state, fields, i, showers, |o| shower(o, true), pick))
}

/// Whether agent `i` stands in zone `z`.
pub fn inside(state: &WorldState, i: usize, z: usize) -> bool {
    let agent = &state.agents[i];
    state
        .grid
        .zones
        .get(z)
        .is_some_and(|z| z.contains(agent.x, agent.y))
}

/// The site zone of agent `i`'s job.
pub fn site(state: &WorldState, i: usize) -> Option<usize> {
    state.agents[i]
        .job
        .and_then(|j| state.job_sites.get(j).copied().flatten())
}

/// The primitive the active option `o` of agent `i` emits (its target object, −1
/// none, lands in `o.target`); `None` when the option fails now (no feasible target).
pub fn emit(
    state: &WorldState,
    fields: &TargetFields,
    i: usize,
    o: &mut OptState,
) -> Option<Triple> {
    let agent = &state.agents[i];
    let (triple, target) = match o.active {
        -1 | WAIT => {
            let off = step_off(state, i);
            o.avoided = off.map(|(rival, _)| (rival, -1));
            (off.map_or(WAIT_TRIPLE, |(_, k)| (k as i32 + 1, 0, 0)), -1)
        }
        GET_FED => return super::fed::emit(state, fields, i, o),
        SHOP => return super::shop::emit(state, fields, i, o),
        GET_CLEAN => {
            if !crate::econ::utility_up(state, crate::econ::Utility::Water) {
                return None;
            }
            let target = match usize::try_from(o.target) {
                Ok(t) => t,
                Err(_) => {
                    let (obj, _, avoided) = shower_target(state, fields, i, state.tick)?;
                    o.avoided = avoided.map(|(rival, given_up)| (rival, given_up as i64));
                    obj
                }
            };
            (
                use_object(state, fields, i, target, role("wash"))?,
                target as i64,
            )
        }
        SLEEP => {
            let bed = agent.bed?;
            (
                use_object(state, fields, i, bed, role("sleep"))?,
                bed as i64,
            )
        }
        WORK => {
            if agent.job.is_none() || agent.shift.state == crate::employment::ShiftState::Absent {
                return None;
            }
            let field = state.grid.zone_fields.get(site(state, i)?)?;
            if crate::employment::present(state, i) {
                (WAIT_TRIPLE, -1)
            } else {
                (walk(state, i, field)?, -1)
            }
        }
        GO_HOME => {
            let field = state.grid.zone_fields.get(agent.home?)?;
            (walk(state, i, field)?, -1)
        }
        _ => return None,
    };
    o.target = target;
    Some(triple)
}

/// Success of the active option `o` of agent `i` after this tick (step 13), or
/// `None` while it runs on.
pub fn outcome(state: &WorldState, i: usize, o: &mut OptState) -> Option<Outcome> {
    let agent = &state.agents[i];
    let completed = |role_name: &str| {
        agent.last_aff.is_some_and(|l| {
            l.tick == state.tick
                && l.result == AffResult::Completed
                && state
                    .settings
                    .roles
                    .get(role(role_name))
                    .is_some_and(|(_, names)| {
                        state
                            .settings
                            .manifest
                            .affordances
                            .get(l.aff)
                            .is_some_and(|a| names.contains(&a.id))
                    })
        })
    };
    match o.active {
        GET_FED => super::fed::outcome(state, i, o),
        SHOP => super::shop::outcome(state, i, o),
        super::SOCIALISE => super::social::outcome(state, i, o),
        GET_CLEAN => completed("wash").then_some(Outcome::Success),
        SLEEP => completed("sleep").then_some(Outcome::Success),
        WORK => {
            if agent.job.is_none() || agent.shift.state == crate::employment::ShiftState::Absent {
                return Some(Outcome::Failure);
            }
            let job = agent.job.and_then(|j| state.settings.jobs.get(j))?;
            let tpd = state.settings.time.ticks_per_day;
            let e = (state.minute() - job.shift_start).rem_euclid(tpd);
            (crate::employment::present(state, i) && e == job.shift_length - 1)
                .then_some(Outcome::Success)
        }
        GO_HOME => agent
            .home
            .is_some_and(|h| inside(state, i, h))
            .then_some(Outcome::Success),
        _ => None,
    }
}

/// Whether `a` avoids `b` (its tie toward `b` has rivalry >= `avoid_threshold`).
pub fn avoids(state: &WorldState, a: &crate::agents::Agent, b: &crate::agents::Agent) -> bool {
    let avoid = state.settings.relationships.avoid_threshold;
    a.ties.get(b.uid).is_some_and(|t| t.rivalry >= avoid)
}

/// Wait's step-off (learning.md 2.4): when an avoided resident shares agent `i`'s tile
/// (and it is not running or using), `(lowest such uid, direction)` of the first
/// walkable neighbour (N, E, S, W) without one; `None` otherwise.
pub fn step_off(state: &WorldState, i: usize) -> Option<(u32, usize)> {
    let a = &state.agents[i];
    if a.eng.is_active() {
        return None;
    }
    let rival_at = |x: i32, y: i32| {
        state
            .agents
            .iter()
            .find(|b| b.alive && b.uid != a.uid && b.x == x && b.y == y && avoids(state, a, b))
            .map(|b| b.uid)
    };
    let rival = rival_at(a.x, a.y)?;
    crate::grid::DIRECTIONS
        .iter()
        .position(|&(dx, dy)| {
            let (nx, ny) = (a.x + dx, a.y + dy);
            state.grid.is_walkable(nx, ny) && rival_at(nx, ny).is_none()
        })
        .map(|k| (rival, k))
}
