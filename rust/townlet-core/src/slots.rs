//! Embedding slots: the stable rows the observation layer may give agents (world.md 11.4).
//!
//! A slot is free or held and remembers the tick it was last released (kept while held,
//! docs/world-state.md D10a). Allocation prefers never-used slots, then slots whose
//! cooldown has passed (oldest release first), and only then forces the reuse of the
//! oldest released slot. Mirrors `python/townlet/world/slots.py`.

/// `max_slots` slots, each with a holder uid and the tick of its last release.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SlotTable {
    /// Holder uid per slot, `None` when free.
    pub holders: Vec<Option<u32>>,
    /// Tick of the last release per slot, `None` if never released.
    pub released: Vec<Option<i64>>,
}

impl SlotTable {
    /// `max_slots` never-used slots.
    pub fn new(max_slots: usize) -> Self {
        SlotTable {
            holders: vec![None; max_slots],
            released: vec![None; max_slots],
        }
    }

    /// Chooses a free slot at `tick`: `(slot, forced)`, or `None` when every slot is held.
    /// The caller then calls [`SlotTable::hold`].
    ///
    /// ```
    /// let mut table = townlet_core::slots::SlotTable::new(1);
    /// table.hold(0, 5);
    /// table.release(0, 3);
    /// assert_eq!(table.allocate(4, 10), Some((0, true)));
    /// assert_eq!(table.allocate(13, 10), Some((0, false)));
    /// ```
    pub fn allocate(&self, tick: i64, cooldown_ticks: i64) -> Option<(usize, bool)> {
        let mut best_cool: Option<(i64, usize)> = None;
        let mut best_any: Option<(i64, usize)> = None;
        for (slot, (holder, released)) in self.holders.iter().zip(&self.released).enumerate() {
            if holder.is_some() {
                continue;
            }
            let Some(released) = *released else {
                return Some((slot, false));
            };
            if tick.saturating_sub(released) >= cooldown_ticks
                && best_cool.is_none_or(|(r, _)| released < r)
            {
                best_cool = Some((released, slot));
            }
            if best_any.is_none_or(|(r, _)| released < r) {
                best_any = Some((released, slot));
            }
        }
        match (best_cool, best_any) {
            (Some((_, slot)), _) => Some((slot, false)),
            (None, Some((_, slot))) => Some((slot, true)),
            (None, None) => None,
        }
    }

    /// Gives `slot` to agent `uid`.
    pub fn hold(&mut self, slot: usize, uid: u32) {
        if let Some(holder) = self.holders.get_mut(slot) {
            *holder = Some(uid);
        }
    }

    /// Frees `slot` at `tick` (termination, world.md 11.2).
    pub fn release(&mut self, slot: usize, tick: i64) {
        if let (Some(holder), Some(released)) =
            (self.holders.get_mut(slot), self.released.get_mut(slot))
        {
            *holder = None;
            *released = Some(tick);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn never_used_slots_come_first() {
        let mut table = SlotTable::new(3);
        table.hold(0, 0);
        table.release(0, 0);
        assert_eq!(table.allocate(10_000, 10), Some((1, false)));
    }

    #[test]
    fn cooled_slots_go_oldest_release_first() {
        let mut table = SlotTable::new(3);
        for (slot, released) in [(0, 50), (1, 20), (2, 20)] {
            table.hold(slot, 9);
            table.release(slot, released);
        }
        assert_eq!(table.allocate(100, 60), Some((1, false)));
        assert_eq!(table.allocate(100, 1_000), Some((1, true)));
    }

    #[test]
    fn a_full_table_allocates_nothing() {
        let mut table = SlotTable::new(1);
        table.hold(0, 1);
        assert_eq!(table.allocate(0, 0), None);
        assert_eq!(SlotTable::new(0).allocate(0, 0), None);
    }

    #[test]
    fn holding_keeps_the_release_tick() {
        let mut table = SlotTable::new(1);
        table.hold(0, 1);
        table.release(0, 7);
        table.hold(0, 2);
        assert_eq!(table.released[0], Some(7));
    }
}
