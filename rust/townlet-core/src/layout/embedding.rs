//! Identity embeddings of the social snippet (learning.md 1.6).
//!
//! Slot `s` embeds as a fixed row: component `k` is byte `k` of BLAKE2s-256 of the
//! ASCII string `townlet.slot.<s>` (decimal `s`), divided by 255. A hash rather than a
//! seeded draw keeps the table identical in every language and every run, with no
//! RNG stream to keep in step. `python/townlet/world/layout.py` mirrors it with
//! `hashlib.blake2s`.

use blake2::{Blake2s256, Digest};

/// Widest embedding: one BLAKE2s-256 digest has 32 bytes.
pub const MAX_EMBED_DIM: usize = 32;

/// Returns the first `embed_dim` components of slot `slot`'s embedding, each in [0, 1].
///
/// `embed_dim` is capped at [`MAX_EMBED_DIM`].
///
/// ```
/// let row = townlet_core::layout::slot_embedding(0, 8);
/// assert_eq!(row.len(), 8);
/// assert!(row.iter().all(|v| (0.0..=1.0).contains(v)));
/// ```
pub fn slot_embedding(slot: usize, embed_dim: usize) -> Vec<f64> {
    let digest = Blake2s256::digest(format!("townlet.slot.{slot}").as_bytes());
    digest
        .iter()
        .take(embed_dim.min(MAX_EMBED_DIM))
        .map(|&byte| f64::from(byte) / 255.0)
        .collect()
}

/// Returns the embedding table: one row of `embed_dim` components per slot.
///
/// ```
/// let table = townlet_core::layout::embedding_table(64, 8);
/// assert_eq!((table.len(), table[63].len()), (64, 8));
/// ```
pub fn embedding_table(slots: usize, embed_dim: usize) -> Vec<Vec<f64>> {
    (0..slots).map(|s| slot_embedding(s, embed_dim)).collect()
}
