//! [`OwnedRows`]: every vector buffer as a `Vec`, for tests, docs and Rust callers.

use crate::vector::rows::{RowShape, VectorRows};

/// Buffers of one vector, owned (the binding uses numpy arrays instead).
#[derive(Clone, Debug, Default, PartialEq)]
#[allow(missing_docs)]
pub struct OwnedRows {
    pub map: Option<Vec<f32>>,
    pub features: Vec<f32>,
    pub action_mask: Vec<i8>,
    pub ctx_reset: Vec<bool>,
    pub alive: Vec<bool>,
    pub uid: Vec<i64>,
    pub final_map: Option<Vec<f32>>,
    pub final_features: Vec<f32>,
    pub terminated: Vec<bool>,
    pub truncated: Vec<bool>,
    pub needs_before: Vec<f64>,
    pub needs_after: Vec<f64>,
    pub wages: Vec<f64>,
    pub hunger_low_ticks: Vec<i32>,
    pub exit_pending: Vec<bool>,
    pub shift_start: Vec<i8>,
    pub shift_absent: Vec<bool>,
    pub terminal: Vec<i8>,
    pub spawned: Vec<bool>,
    pub town_reset: Vec<bool>,
}

impl OwnedRows {
    /// Zeroed buffers of `shape`.
    pub fn new(shape: RowShape) -> OwnedRows {
        let n = shape.rows();
        let map = (shape.map > 0).then(|| vec![0.0; n * shape.map]);
        OwnedRows {
            final_map: map.clone(),
            map,
            features: vec![0.0; n * shape.features],
            action_mask: vec![0; n * shape.columns],
            ctx_reset: vec![false; n],
            alive: vec![false; n],
            uid: vec![0; n],
            final_features: vec![0.0; n * shape.features],
            terminated: vec![false; n],
            truncated: vec![false; n],
            needs_before: vec![0.0; n * 3],
            needs_after: vec![0.0; n * 3],
            wages: vec![0.0; n],
            hunger_low_ticks: vec![0; n],
            exit_pending: vec![false; n],
            shift_start: vec![0; n],
            shift_absent: vec![false; n],
            terminal: vec![0; n],
            spawned: vec![false; n],
            town_reset: vec![false; shape.towns],
        }
    }

    /// Borrows every buffer for one call.
    pub fn rows(&mut self) -> VectorRows<'_> {
        VectorRows {
            map: self.map.as_deref_mut(),
            features: &mut self.features,
            action_mask: &mut self.action_mask,
            ctx_reset: &mut self.ctx_reset,
            alive: &mut self.alive,
            uid: &mut self.uid,
            final_map: self.final_map.as_deref_mut(),
            final_features: &mut self.final_features,
            terminated: &mut self.terminated,
            truncated: &mut self.truncated,
            needs_before: &mut self.needs_before,
            needs_after: &mut self.needs_after,
            wages: &mut self.wages,
            hunger_low_ticks: &mut self.hunger_low_ticks,
            exit_pending: &mut self.exit_pending,
            shift_start: &mut self.shift_start,
            shift_absent: &mut self.shift_absent,
            terminal: &mut self.terminal,
            spawned: &mut self.spawned,
            town_reset: &mut self.town_reset,
        }
    }
}
