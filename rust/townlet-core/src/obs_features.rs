//! The feature vector of one row (learning.md 1.4-1.7; F = 146 with the defaults).
//!
//! [`write_features`] fills one row in the layout order of `layout::observation_layout`.
//! Every value is computed in f64 and cast to f32 once, on write. Facts owned by other
//! branches come from [`crate::obs_facts`]. Local counts read the per-tile agent counts
//! of the call ([`crate::obs_context::ObsScratch::counts`]); ties are read in ascending
//! other uid. Allocates nothing. The Python twin is `townlet/world/obs_features.py`.

use crate::agents::Agent;
use crate::grid::Grid;
use crate::obs_context::{FieldRef, ObsContext};
use crate::obs_facts;
use crate::state::WorldState;
use crate::targets::TargetHint;
use crate::ties::Tie;

/// `cnt(n, k) = min(n, k) / k` (learning.md 1.2).
///
/// ```
/// assert_eq!(townlet_core::obs_features::cnt(5, 4), 1.0);
/// ```
#[inline]
pub fn cnt(n: i64, k: i64) -> f64 {
    n.min(k) as f64 / k as f64
}

#[inline]
fn clamp01(x: f64) -> f64 {
    x.clamp(0.0, 1.0)
}

#[inline]
fn flag(b: bool) -> f64 {
    if b {
        1.0
    } else {
        0.0
    }
}

/// The other alive agent of uid `uid`, if any.
pub fn alive_agent(state: &WorldState, uid: u32) -> Option<&Agent> {
    let i = state.agents.binary_search_by_key(&uid, |a| a.uid).ok()?;
    state.agents.get(i).filter(|a| a.alive)
}

fn chebyshev(a: &Agent, b: &Agent) -> i32 {
    (a.x - b.x).abs().max((a.y - b.y).abs())
}

/// Up to 4 friend and 4 rival slot ties (learning.md 1.6), without allocating.
pub struct SocialSlots<'a> {
    /// Friend slots in rank order (`None` = unfilled).
    pub friends: [Option<&'a Tie>; 4],
    /// Rival slots in rank order.
    pub rivals: [Option<&'a Tie>; 4],
}

/// The observer's social slots: friends by `trust + familiarity` (> 0) descending, then
/// the rest with rivalry > 0 by rivalry descending; equal keys go to the lower uid.
pub fn social_slots<'a>(agent: &'a Agent, friends: usize, rivals: usize) -> SocialSlots<'a> {
    let mut out = SocialSlots {
        friends: [None; 4],
        rivals: [None; 4],
    };
    let taken = |out: &SocialSlots<'_>, uid: u32| {
        out.friends
            .iter()
            .chain(&out.rivals)
            .flatten()
            .any(|t| t.other == uid)
    };
    for k in 0..friends.min(4) {
        let mut best: Option<&Tie> = None;
        for tie in agent.ties.iter() {
            let key = tie.trust + tie.familiarity;
            if key > 0.0
                && !taken(&out, tie.other)
                && best.is_none_or(|b| key > b.trust + b.familiarity)
            {
                best = Some(tie);
            }
        }
        out.friends[k] = best;
    }
    for k in 0..rivals.min(4) {
        let mut best: Option<&Tie> = None;
        for tie in agent.ties.iter() {
            if tie.rivalry > 0.0
                && !taken(&out, tie.other)
                && best.is_none_or(|b| tie.rivalry > b.rivalry)
            {
                best = Some(tie);
            }
        }
        out.rivals[k] = best;
    }
    out
}

/// The counts plane value at grid tile `(x, y)` (0 off the padded plane).
#[inline]
fn count_at(ctx: &ObsContext, counts: &[u16], x: i32, y: i32) -> i64 {
    if x < -ctx.pad || y < -ctx.pad || x >= ctx.pw - ctx.pad || y >= ctx.ph - ctx.pad {
        return 0;
    }
    counts.get(ctx.padded(x, y)).map_or(0, |&c| i64::from(c))
}

/// Writes the F features of `agent` into `out` (`out.len() == ctx.features`).
pub fn write_features(
    state: &WorldState,
    ctx: &ObsContext,
    agent: &Agent,
    counts: &[u16],
    out: &mut [f32],
) {
    let mut i = 0usize;
    let mut put = |v: f64| {
        if let Some(cell) = out.get_mut(i) {
            *cell = v as f32;
        }
        i += 1;
    };
    let grid = &state.grid;
    let settings = &state.settings;
    let obs = &ctx.settings;
    // self: needs, wallet, carry, home stock, faint countdown, busy.
    for v in agent.needs {
        put(v);
    }
    put(clamp01(agent.wallet / obs.wallet_scale));
    for carry in ctx.carry {
        put(match carry {
            Some((item, limit)) if limit > 0 => {
                f64::from(agent.items.get(item).copied().unwrap_or(0)) / f64::from(limit)
            }
            _ => 0.0,
        });
    }
    for (k, carry) in ctx.carry.iter().enumerate() {
        let limit = ctx.fridge_limit[k];
        let value = match (carry, agent.home) {
            (Some((item, _)), Some(home)) if limit > 0 => {
                let mut stock: u64 = 0;
                for &f in ctx.fridges.get(home).map_or(&[][..], Vec::as_slice) {
                    stock += u64::from(
                        state
                            .stock
                            .get(f)
                            .and_then(|s| s.get(*item))
                            .copied()
                            .unwrap_or(0),
                    );
                }
                stock.min(u64::from(limit)) as f64 / f64::from(limit)
            }
            _ => 0.0,
        };
        put(value);
    }
    let faint = settings.lifecycle.faint_ticks;
    put(if faint == 0 {
        flag(agent.hunger_low_ticks > 0)
    } else {
        clamp01(f64::from(agent.hunger_low_ticks) / f64::from(faint))
    });
    let engagement = obs_facts::engagement(state, agent);
    put(flag(engagement.busy));
    // time
    let minute = state.minute();
    let tpd = settings.time.ticks_per_day;
    let angle = std::f64::consts::TAU * minute as f64 / tpd as f64;
    put(angle.sin());
    put(angle.cos());
    put(minute as f64 / tpd as f64);
    // work
    let job = obs_facts::job(state, agent);
    put(flag(job.is_some()));
    put(flag(job.is_some_and(|j| j.on_shift)));
    for s in 0..5 {
        put(flag(job.is_some_and(|j| j.shift_state == s)));
    }
    put(job.map_or(0.0, |j| {
        (j.shift_start - minute).rem_euclid(tpd) as f64 / tpd as f64
    }));
    put(job.map_or(0.0, |j| {
        let e = minute - j.shift_start;
        if 0 <= e && e < j.shift_length {
            e as f64 / j.shift_length as f64
        } else {
            0.0
        }
    }));
    let (streak, limit) = obs_facts::rent_missed(state, agent);
    put(if limit > 0 {
        clamp01(streak as f64 / limit as f64)
    } else {
        0.0
    });
    put(job.map_or(0.0, |j| {
        if j.max_absences > 0 {
            clamp01(j.absences as f64 / j.max_absences as f64)
        } else {
            0.0
        }
    }));
    put(flag(obs_facts::exit_pending(state, agent)));
    // control
    let option = obs_facts::option(state, agent);
    for o in 0..7 {
        put(flag(option.active == Some(o)));
    }
    put(option.active.map_or(0.0, |_| cnt(option.age, 120)));
    put(flag(option.locked));
    put(flag(option.last_failed));
    put(flag(agent.last_ok));
    put(flag(engagement.queue_position.is_some()));
    put(engagement
        .queue_position
        .map_or(0.0, |p| cnt(i64::from(p), 8)));
    put(flag(engagement.holding));
    put(if agent.last_chat_tick < 0 {
        1.0
    } else {
        cnt(state.tick - agent.last_chat_tick, 120)
    });
    put(flag(agent.alive && agent.ctx_reset));
    // targets
    let site = job.map(|j| j.site);
    for (d, dir) in target_hints(grid, ctx, agent.x, agent.y, agent.home, site) {
        for k in 0..4 {
            put(flag(dir == Some(k)));
        }
        put(if d < 0 {
            1.0
        } else {
            f64::from(d).min(ctx.distance_scale) / ctx.distance_scale
        });
    }
    // local
    for (dx, dy) in [(0, -1), (1, 0), (0, 1), (-1, 0)] {
        put(flag(!grid.is_walkable(agent.x + dx, agent.y + dy)));
    }
    let me = i64::from(agent.alive);
    put(cnt(count_at(ctx, counts, agent.x, agent.y) - me, 4));
    let l = obs.local_radius;
    let (near, nearest) = if state.agents.len() <= SCAN_AGENTS {
        neighbours_by_scan(state, agent, l)
    } else {
        neighbours_by_plane(ctx, counts, agent, me, l)
    };
    put(cnt(near, 8));
    put(cnt(nearest, 10));
    let slots = social_slots(agent, obs.layout.top_friends, obs.layout.top_rivals);
    let avoid = settings.relationships.avoid_threshold;
    let mut rival_near = false;
    let mut friend_near = false;
    let (mut n, mut trust_sum, mut trust_max, mut riv_sum, mut riv_max) =
        (0u32, 0.0, 0.0, 0.0, 0.0);
    for tie in agent.ties.iter() {
        let Some(other) = alive_agent(state, tie.other) else {
            continue;
        };
        if chebyshev(agent, other) > l {
            continue;
        }
        rival_near |= tie.rivalry >= avoid;
        friend_near |= slots.friends.iter().flatten().any(|f| f.other == tie.other);
        if n == 0 {
            (trust_max, riv_max) = (tie.trust, tie.rivalry);
        } else {
            trust_max = if tie.trust > trust_max {
                tie.trust
            } else {
                trust_max
            };
            riv_max = if tie.rivalry > riv_max {
                tie.rivalry
            } else {
                riv_max
            };
        }
        trust_sum += tie.trust;
        riv_sum += tie.rivalry;
        n += 1;
    }
    put(flag(rival_near));
    put(flag(obs_facts::rival_at_target(state, agent)));
    put(flag(friend_near));
    // world
    let flags = obs_facts::world_flags(state);
    put(flag(flags.price_spike));
    put(flag(flags.power_out));
    put(flag(flags.water_out));
    put(flag(obs_facts::meet_invite(state, agent)));
    // personality
    put(agent.extroversion);
    put(agent.forgiveness);
    put(agent.ambition);
    // social slots
    let e = obs.layout.embed_dim;
    let filled = slots.friends[..obs.layout.top_friends.min(4)]
        .iter()
        .chain(&slots.rivals[..obs.layout.top_rivals.min(4)]);
    for slot in filled {
        let embedding = slot.and_then(|t| {
            let other = state
                .agents
                .binary_search_by_key(&t.other, |a| a.uid)
                .ok()?;
            let s = state.agents.get(other)?.slot as usize;
            ctx.embed.get(s * e..(s + 1) * e)
        });
        for k in 0..e {
            put(embedding.and_then(|row| row.get(k)).copied().unwrap_or(0.0));
        }
        put(slot.map_or(0.0, |t| t.trust));
        put(slot.map_or(0.0, |t| t.familiarity));
        put(slot.map_or(0.0, |t| t.rivalry));
    }
    // social aggregates
    if n == 0 {
        for _ in 0..4 {
            put(0.0);
        }
    } else {
        put(trust_sum / f64::from(n));
        put(trust_max);
        put(riv_sum / f64::from(n));
        put(riv_max);
    }
}

/// `(d, direction)` per target kind at `(x, y)`, exactly as
/// [`crate::targets::target_hints`] computes them, from the candidate table of `ctx`
/// (no allocation).
pub fn target_hints(
    grid: &Grid,
    ctx: &ObsContext,
    x: i32,
    y: i32,
    home: Option<usize>,
    site: Option<usize>,
) -> [TargetHint; 8] {
    let mut out = [(-1, None); 8];
    let (Some(tile), true) = (grid.index(x, y), grid.is_walkable(x, y)) else {
        return out;
    };
    let home = home.map_or(0, |z| z + 1);
    for (kind, slot) in out.iter_mut().enumerate() {
        let mut best: Option<(i32, &[i32])> = None;
        let mut consider = |f: FieldRef| {
            if let Some(field) = ctx.field(grid, f) {
                let d = field.get(tile).copied().unwrap_or(-1);
                if d >= 0 && best.is_none_or(|(b, _)| d < b) {
                    best = Some((d, field));
                }
            }
        };
        if kind == 4 {
            if let Some(site) = site {
                consider(FieldRef::Zone(site));
            }
        } else if let Some(list) = ctx.candidates.get(home).and_then(|c| c.get(kind)) {
            for &f in list {
                consider(f);
            }
        }
        if let Some((d, field)) = best {
            *slot = (d, grid.path_hint(field, x, y));
        }
    }
    out
}

/// Up to this many agents, the neighbour features scan the agents instead of reading
/// the counts plane (121 tiles of the Chebyshev square and up to 181 ring tiles at
/// the defaults): the same answers, fewer reads.
const SCAN_AGENTS: usize = 96;

/// `(near, nearest)`: the other alive agents within Chebyshev radius `l`, and the
/// Manhattan distance to the nearest one (10 when none is nearer).
fn neighbours_by_scan(state: &WorldState, agent: &Agent, l: i32) -> (i64, i64) {
    let (mut near, mut nearest) = (0i64, 10i32);
    for other in &state.agents {
        if other.alive && other.uid != agent.uid {
            let (dx, dy) = ((other.x - agent.x).abs(), (other.y - agent.y).abs());
            near += i64::from(dx.max(dy) <= l);
            nearest = nearest.min(dx + dy);
        }
    }
    (near, i64::from(nearest))
}

/// [`neighbours_by_scan`] read off the counts plane (`me`: 1 when the agent itself is
/// counted on its tile).
fn neighbours_by_plane(
    ctx: &ObsContext,
    counts: &[u16],
    agent: &Agent,
    me: i64,
    l: i32,
) -> (i64, i64) {
    let mut near = -me;
    for y in agent.y - l..=agent.y + l {
        for x in agent.x - l..=agent.x + l {
            near += count_at(ctx, counts, x, y);
        }
    }
    for d in 0..10i32 {
        for step in 0..(4 * d).max(1) {
            // Ring d, walked from north clockwise; d = 0 is the own tile.
            let (dx, dy) = ring_offset(d, step);
            let c = count_at(ctx, counts, agent.x + dx, agent.y + dy);
            if c - if d == 0 { me } else { 0 } > 0 {
                return (near, i64::from(d));
            }
        }
    }
    (near, 10)
}

/// Offset of the `step`-th tile of the Manhattan ring of radius `d`.
#[inline]
fn ring_offset(d: i32, step: i32) -> (i32, i32) {
    if d == 0 {
        return (0, 0);
    }
    let side = step / d;
    let k = step % d;
    match side {
        0 => (k, -d + k),
        1 => (d - k, k),
        2 => (-k, d - k),
        _ => (-d + k, -k),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mapfile::load_map;
    use crate::settings::WorldSettings;
    use crate::targets::{AgentPlace, TargetFields};

    /// The candidate table gives exactly `targets::target_hints` on every tile, for
    /// every home and job site of the default town.
    #[test]
    fn table_hints_equal_the_targets_module_everywhere() {
        let text = include_str!("../../../python/townlet/data/configs/towns/default.map");
        let settings = WorldSettings::default_town("towns/default.map", text);
        let grid =
            load_map("towns/default.map", text, &settings.manifest.object_types).expect("map");
        let ctx = ObsContext::new(&settings, &grid).expect("ctx");
        let fields = TargetFields::new(&grid);
        let zones: Vec<Option<usize>> = std::iter::once(None)
            .chain((0..grid.zones.len()).map(Some))
            .collect();
        let mut checked = 0;
        for y in -1..=grid.height {
            for x in -1..=grid.width {
                for &home in &zones {
                    for &site in &zones[..3] {
                        let place = AgentPlace { x, y, home, site };
                        let want = crate::targets::target_hints(&grid, &fields, &place);
                        assert_eq!(target_hints(&grid, &ctx, x, y, home, site), want);
                        checked += 1;
                    }
                }
            }
        }
        assert!(checked > 10_000);
    }

    /// The agent scan and the counts plane give the same neighbour features for every
    /// agent of a crowded town (60 on the 10-bed map) moving at random.
    #[test]
    fn neighbour_scan_equals_the_counts_plane() {
        let text = include_str!("../../../python/townlet/data/configs/towns/default.map");
        let mut settings = WorldSettings::default_town("t.map", text);
        settings.lifecycle.population_target = 60;
        let mut world = crate::World::new(settings).expect("world");
        world.reset(3);
        let mut lcg = 7u64;
        let mut near = 0;
        for _ in 0..60 {
            let actions: Vec<i32> = (0..world.agents().len())
                .map(|_| {
                    lcg = lcg.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
                    (lcg >> 33) as i32 % 5
                })
                .collect();
            world
                .step(&actions, crate::actions::ActionMode::Primitive)
                .expect("step");
            let state = world.state();
            let ctx = world.obs_context();
            let mut scratch = crate::obs_context::ObsScratch::default();
            crate::obs_map::prepare(state, ctx, &mut scratch);
            for agent in &state.agents {
                let me = i64::from(agent.alive);
                for l in [1, 5, 10] {
                    let want = neighbours_by_plane(ctx, &scratch.counts, agent, me, l);
                    let got = neighbours_by_scan(state, agent, l);
                    assert_eq!(got, want, "agent {} radius {l}", agent.uid);
                    near += usize::from(want.1 < 10 && want.0 > 0);
                }
            }
        }
        assert!(near > 1_000, "too few agents within 10 tiles: {near}");
    }

    #[test]
    fn social_slots_rank_like_the_ties_module() {
        use crate::ties::Ties;
        let mut agent_ties = Ties::new();
        for (other, t, f, r) in [
            (1, 0.25, 0.25, 0.0),
            (2, 0.5, 0.0, 0.9),
            (3, 0.125, 0.25, 0.5),
            (4, -0.5, 0.0, 0.75),
        ] {
            let mut tie = Tie::fresh(other, 0);
            (tie.trust, tie.familiarity, tie.rivalry) = (t, f, r);
            agent_ties.insert(tie);
        }
        let (friends, rivals) = crate::ties::social_slots(&agent_ties, 2, 2);
        let want: Vec<u32> = friends.iter().chain(&rivals).map(|t| t.other).collect();
        let text = include_str!("../../../python/townlet/data/configs/towns/default.map");
        let mut world =
            crate::World::new(WorldSettings::default_town("t.map", text)).expect("world");
        world.reset(0);
        let mut agent = world.agents()[0].clone();
        agent.ties = agent_ties;
        let slots = social_slots(&agent, 2, 2);
        let got: Vec<u32> = slots
            .friends
            .iter()
            .chain(&slots.rivals)
            .flatten()
            .map(|t| t.other)
            .collect();
        assert_eq!(got, want);
        // Equal friend keys go to the lower uid; friends are never rivals too.
        assert_eq!(got, vec![1, 2, 4, 3]);
    }
}
