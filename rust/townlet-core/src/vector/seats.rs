//! Seats of one town (learning.md 4.4): `S` rows, each vacant or held by one resident.
//!
//! After each step the seats of residents that ended are freed first, then the step's
//! newcomers, in uid order, take the lowest free seats. A lookup is a scan of `S`
//! entries (S is the population target, about 10), which costs less than a map.

use crate::error::Error;

/// The uid in each seat, `None` when vacant.
#[derive(Clone, Debug)]
pub struct Seats {
    uids: Vec<Option<u32>>,
}

impl Seats {
    /// `count` vacant seats.
    ///
    /// ```
    /// let seats = townlet_core::vector::Seats::new(3);
    /// assert_eq!((seats.len(), seats.uid(0)), (3, None));
    /// ```
    pub fn new(count: usize) -> Seats {
        Seats {
            uids: vec![None; count],
        }
    }

    /// S, the number of seats.
    pub fn len(&self) -> usize {
        self.uids.len()
    }

    /// Whether there are no seats at all.
    pub fn is_empty(&self) -> bool {
        self.uids.is_empty()
    }

    /// The uid in seat `seat`, `None` when vacant (or out of range).
    pub fn uid(&self, seat: usize) -> Option<u32> {
        self.uids.get(seat).copied().flatten()
    }

    /// The seat of `uid`, if it holds one.
    pub fn seat_of(&self, uid: u32) -> Option<usize> {
        self.uids.iter().position(|held| *held == Some(uid))
    }

    /// Frees every seat.
    pub fn clear(&mut self) {
        self.uids.fill(None);
    }

    /// Frees the seat of `uid` (nothing when it holds none).
    pub fn free(&mut self, uid: u32) {
        if let Some(seat) = self.seat_of(uid) {
            self.uids[seat] = None;
        }
    }

    /// Seats `uid` in the lowest free seat and returns it.
    ///
    /// Errors (`Provider`) when every seat is taken: `env.max_population` is too small.
    ///
    /// ```
    /// let mut seats = townlet_core::vector::Seats::new(2);
    /// assert_eq!(seats.take(7).unwrap(), 0);
    /// assert_eq!(seats.take(9).unwrap(), 1);
    /// seats.free(7);
    /// assert_eq!(seats.take(11).unwrap(), 0);
    /// assert!(seats.take(12).is_err());
    /// ```
    pub fn take(&mut self, uid: u32) -> Result<usize, Error> {
        match self.uids.iter().position(Option::is_none) {
            Some(seat) => {
                self.uids[seat] = Some(uid);
                Ok(seat)
            }
            None => Err(Error::provider(format!(
                "vector seats: no free seat for agent_{uid}: all {} seats are taken \
                 (raise env.max_population)",
                self.uids.len()
            ))),
        }
    }
}
