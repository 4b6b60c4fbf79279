//! The option mask of learning.md 2.2 and the commitment lock of 2.3. Mirrors
//! `option_mask` of `controllers.py`.

use super::basic::{dist, inside, shower_target, site};
use super::{GET_CLEAN, GET_FED, GO_HOME, SHOP, SLEEP, WORK};
use crate::state::WorldState;
use crate::targets::TargetFields;

/// Whether agent `i`'s commitment lock is open at the end of the current tick:
/// an active option, `tick < lock_end` (or `commitment: until_done`), and no need
/// below `actions.critical_need` (2.3 rules 2-4).
pub fn locked(state: &WorldState, i: usize) -> bool {
    let agent = &state.agents[i];
    let o = &agent.opt;
    let a = &state.settings.actions;
    o.active >= 0
        && (a.commitment == "until_done" || state.tick < o.lock_end)
        && agent.needs.iter().all(|&n| n >= a.critical_need)
}

/// The 8 option columns of alive agent `i` (learning.md 2.2, 2.3): the one-hot of
/// the active option while locked, else each option's rule. Wait is always allowed
/// outside a lock; ShopGroceries and Socialise are not built (D20-opt-b).
pub fn option_mask(state: &WorldState, fields: &TargetFields, i: usize) -> [bool; 8] {
    let mut row = [false; 8];
    let agent = &state.agents[i];
    if locked(state, i) {
        if let Some(cell) = usize::try_from(agent.opt.active)
            .ok()
            .and_then(|a| row.get_mut(a))
        {
            *cell = true;
            return row;
        }
    }
    row[0] = true;
    let tick = state.tick + 1;
    let [hunger, hygiene, energy] = agent.needs;
    row[GET_FED as usize] = hunger < 0.95 && super::fed::choose(state, fields, i, tick).is_some();
    let water = crate::econ::utility_up(state, crate::econ::Utility::Water);
    row[GET_CLEAN as usize] =
        hygiene < 0.95 && water && shower_target(state, fields, i, tick).is_some();
    row[SLEEP as usize] = energy < 0.95
        && agent
            .bed
            .and_then(|b| fields.field(b))
            .is_some_and(|f| dist(state, i, f) >= 0);
    row[WORK as usize] = work_allowed(state, i);
    row[SHOP as usize] = super::shop::allowed(state, fields, i, tick);
    row[super::SOCIALISE as usize] = super::social::allowed(state, fields, i);
    row[GO_HOME as usize] = agent.home.is_some_and(|h| {
        !inside(state, i, h)
            && state
                .grid
                .zone_fields
                .get(h)
                .is_some_and(|f| dist(state, i, f) >= 0)
    });
    row
}

/// Work's rule: employed, within `work_lead_ticks` before the shift until its end,
/// not absent, site reachable.
fn work_allowed(state: &WorldState, i: usize) -> bool {
    let agent = &state.agents[i];
    let Some(job) = agent.job.and_then(|j| state.settings.jobs.get(j)) else {
        return false;
    };
    let lead = state.settings.actions.work_lead_ticks;
    let tpd = state.settings.time.ticks_per_day;
    let window = (state.minute() - job.shift_start + lead).rem_euclid(tpd);
    window < lead + job.shift_length
        && agent.shift.state != crate::employment::ShiftState::Absent
        && site(state, i)
            .and_then(|z| state.grid.zone_fields.get(z))
            .is_some_and(|f| dist(state, i, f) >= 0)
}
