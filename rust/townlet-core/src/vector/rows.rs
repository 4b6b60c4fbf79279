//! The flat, seat-indexed buffers of the vector API (learning.md 1.8 and 4.4).
//!
//! Row `i * S + s` is seat `s` of town `i`; N = towns × S. The caller owns every
//! buffer (numpy arrays in the binding) and the core writes them in place. Besides the
//! observations, each step writes the reward inputs of every seat (the needs at the
//! start and end of the tick, the wage credited and the row flags of the shared
//! contract), so that rewards for all towns are one array call in Python. A row whose
//! seat had no resident before the step reads as `spawned` with zero inputs, so the
//! reward engine pays it nothing.

use crate::error::Error;

/// Every buffer of one vector step, all N rows (`T` entries for `town_reset`).
#[derive(Debug)]
pub struct VectorRows<'a> {
    /// `(N, C, W, W)` map, `None` for the compact variant.
    pub map: Option<&'a mut [f32]>,
    /// `(N, F)` features.
    pub features: &'a mut [f32],
    /// `(N, A)` action mask, 1 = allowed.
    pub action_mask: &'a mut [i8],
    /// `(N,)` the world's `ctx_reset` flag.
    pub ctx_reset: &'a mut [bool],
    /// `(N,)` the seat holds a live resident.
    pub alive: &'a mut [bool],
    /// `(N,)` the seat's uid, −1 when vacant.
    pub uid: &'a mut [i64],
    /// `(N, C, W, W)` last map of a resident that ended this step (`None`: compact).
    pub final_map: Option<&'a mut [f32]>,
    /// `(N, F)` last features of a resident that ended this step.
    pub final_features: &'a mut [f32],
    /// `(N,)` the seat's resident terminated this step.
    pub terminated: &'a mut [bool],
    /// `(N,)` the seat's resident was truncated this step (town rollover).
    pub truncated: &'a mut [bool],
    /// `(N, 3)` needs at the start of the tick.
    pub needs_before: &'a mut [f64],
    /// `(N, 3)` needs at the end of the tick.
    pub needs_after: &'a mut [f64],
    /// `(N,)` wage credited this tick.
    pub wages: &'a mut [f64],
    /// `(N,)` `hunger_low_ticks` after the tick.
    pub hunger_low_ticks: &'a mut [i32],
    /// `(N,)` `exit_pending` after the tick.
    pub exit_pending: &'a mut [bool],
    /// `(N,)` 0 none, 1 on time, 2 late: a shift started this tick.
    pub shift_start: &'a mut [i8],
    /// `(N,)` a `shift_absent` this tick.
    pub shift_absent: &'a mut [bool],
    /// `(N,)` 0 none, 1 faint, 2 eviction, 3 killed.
    pub terminal: &'a mut [i8],
    /// `(N,)` the row had no resident before the step (vacant or newly seated).
    pub spawned: &'a mut [bool],
    /// `(T,)` the town rolled over this step.
    pub town_reset: &'a mut [bool],
}

/// The shape of the rows: sizes that every buffer is checked against.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RowShape {
    /// T, the number of towns.
    pub towns: usize,
    /// S, seats per town.
    pub seats: usize,
    /// F, features per row.
    pub features: usize,
    /// A, mask columns per row.
    pub columns: usize,
    /// C × W × W map values per row (0 for compact).
    pub map: usize,
}

impl RowShape {
    /// N = T × S.
    pub fn rows(&self) -> usize {
        self.towns * self.seats
    }

    /// Checks every buffer length; the error names the first buffer that differs.
    ///
    /// ```
    /// use townlet_core::vector::RowShape;
    /// let shape = RowShape { towns: 2, seats: 3, features: 4, columns: 8, map: 0 };
    /// assert!(shape.check("features", 24, 4).is_ok());
    /// assert_eq!(
    ///     shape.check("features", 20, 4).unwrap_err().to_string(),
    ///     "features: expected 24 values (6 rows of 4), got 20"
    /// );
    /// ```
    pub fn check(&self, name: &str, len: usize, per_row: usize) -> Result<(), Error> {
        let want = self.rows() * per_row;
        if len == want {
            return Ok(());
        }
        Err(Error::provider(format!(
            "{name}: expected {want} values ({} rows of {per_row}), got {len}",
            self.rows()
        )))
    }

    /// Checks all of `rows` against this shape.
    pub fn check_rows(&self, rows: &VectorRows<'_>) -> Result<(), Error> {
        let map_len = |m: &Option<&mut [f32]>| m.as_ref().map(|m| m.len());
        match (map_len(&rows.map), map_len(&rows.final_map), self.map) {
            (None, None, 0) => {}
            (Some(a), Some(b), m) if m > 0 => {
                self.check("map", a, m)?;
                self.check("final_map", b, m)?;
            }
            _ => {
                return Err(Error::provider(
                    "map, final_map: both must be given for the full and hybrid variants \
                     and both absent for compact",
                ))
            }
        }
        self.check("features", rows.features.len(), self.features)?;
        self.check("final_features", rows.final_features.len(), self.features)?;
        self.check("action_mask", rows.action_mask.len(), self.columns)?;
        self.check("needs_before", rows.needs_before.len(), 3)?;
        self.check("needs_after", rows.needs_after.len(), 3)?;
        let singles = [
            ("ctx_reset", rows.ctx_reset.len()),
            ("alive", rows.alive.len()),
            ("uid", rows.uid.len()),
            ("terminated", rows.terminated.len()),
            ("truncated", rows.truncated.len()),
            ("wages", rows.wages.len()),
            ("hunger_low_ticks", rows.hunger_low_ticks.len()),
            ("exit_pending", rows.exit_pending.len()),
            ("shift_start", rows.shift_start.len()),
            ("shift_absent", rows.shift_absent.len()),
            ("terminal", rows.terminal.len()),
            ("spawned", rows.spawned.len()),
        ];
        for (name, len) in singles {
            self.check(name, len, 1)?;
        }
        if rows.town_reset.len() != self.towns {
            return Err(Error::provider(format!(
                "town_reset: expected {} values, got {}",
                self.towns,
                rows.town_reset.len()
            )));
        }
        Ok(())
    }
}

/// The observation rows of one town (`S` rows each).
#[derive(Debug)]
pub struct TownObs<'a> {
    /// `(S, C, W, W)` or `None`.
    pub map: Option<&'a mut [f32]>,
    /// `(S, F)`.
    pub features: &'a mut [f32],
    /// `(S, A)`.
    pub action_mask: &'a mut [i8],
    /// `(S,)`.
    pub ctx_reset: &'a mut [bool],
    /// `(S,)`.
    pub alive: &'a mut [bool],
    /// `(S,)`.
    pub uid: &'a mut [i64],
}

/// The final-observation rows of one town.
#[derive(Debug)]
pub struct TownFinals<'a> {
    /// `(S, C, W, W)` or `None`.
    pub map: Option<&'a mut [f32]>,
    /// `(S, F)`.
    pub features: &'a mut [f32],
}

/// The outcome and reward-input rows of one town.
#[derive(Debug)]
pub struct TownInputs<'a> {
    /// `(S,)`.
    pub terminated: &'a mut [bool],
    /// `(S,)`.
    pub truncated: &'a mut [bool],
    /// `(S, 3)`.
    pub needs_before: &'a mut [f64],
    /// `(S, 3)`.
    pub needs_after: &'a mut [f64],
    /// `(S,)`.
    pub wages: &'a mut [f64],
    /// `(S,)`.
    pub hunger_low_ticks: &'a mut [i32],
    /// `(S,)`.
    pub exit_pending: &'a mut [bool],
    /// `(S,)`.
    pub shift_start: &'a mut [i8],
    /// `(S,)`.
    pub shift_absent: &'a mut [bool],
    /// `(S,)`.
    pub terminal: &'a mut [i8],
    /// `(S,)`.
    pub spawned: &'a mut [bool],
}

impl TownInputs<'_> {
    /// Every row as a seat with no resident before the step: zero inputs, `spawned`.
    pub fn clear(&mut self) {
        self.terminated.fill(false);
        self.truncated.fill(false);
        self.needs_before.fill(0.0);
        self.needs_after.fill(0.0);
        self.wages.fill(0.0);
        self.hunger_low_ticks.fill(0);
        self.exit_pending.fill(false);
        self.shift_start.fill(0);
        self.shift_absent.fill(false);
        self.terminal.fill(0);
        self.spawned.fill(true);
    }
}
