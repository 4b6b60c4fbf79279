//! Simulated time: tick, day, minute and hour (world.md 1).
//!
//! One tick is one minute. `clock(t) = start_minute + t`; day and minute use floor division
//! and the non-negative remainder (`div_euclid`/`rem_euclid`, Python `//` and `%`).

/// The zero-based day that a clock minute falls in.
///
/// ```
/// assert_eq!(townlet_core::clock::day_of(2_000, 1_440), 1);
/// assert_eq!(townlet_core::clock::day_of(-1, 1_440), -1);
/// ```
pub fn day_of(clock_minute: i64, ticks_per_day: i64) -> i64 {
    clock_minute.checked_div_euclid(ticks_per_day).unwrap_or(0)
}

/// The minute of the day of a clock minute, in `[0, ticks_per_day)`.
///
/// ```
/// assert_eq!(townlet_core::clock::minute_of(-1, 1_440), 1_439);
/// ```
pub fn minute_of(clock_minute: i64, ticks_per_day: i64) -> i64 {
    clock_minute.checked_rem_euclid(ticks_per_day).unwrap_or(0)
}

/// The hour of a minute of the day.
///
/// ```
/// assert_eq!(townlet_core::clock::hour_of(359), 5);
/// ```
pub fn hour_of(minute: i64) -> i64 {
    minute.div_euclid(60)
}

/// The town's calendar: day length and the clock minute of tick 0.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Clock {
    /// Ticks (minutes) per day.
    pub ticks_per_day: i64,
    /// Clock minute of tick 0.
    pub start_minute: i64,
}

impl Clock {
    /// `start_minute + tick`.
    pub fn clock_minute(&self, tick: i64) -> i64 {
        self.start_minute.saturating_add(tick)
    }

    /// The day of `tick`.
    ///
    /// ```
    /// let clock = townlet_core::clock::Clock { ticks_per_day: 1440, start_minute: 360 };
    /// assert_eq!((clock.day(1079), clock.day(1080)), (0, 1));
    /// ```
    pub fn day(&self, tick: i64) -> i64 {
        day_of(self.clock_minute(tick), self.ticks_per_day)
    }

    /// The minute of the day of `tick`.
    pub fn minute(&self, tick: i64) -> i64 {
        minute_of(self.clock_minute(tick), self.ticks_per_day)
    }

    /// The hour of `tick`.
    pub fn hour(&self, tick: i64) -> i64 {
        hour_of(self.minute(tick))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DEFAULT: Clock = Clock {
        ticks_per_day: 1440,
        start_minute: 360,
    };

    #[test]
    fn tick_zero_is_six_in_the_morning_of_day_zero() {
        assert_eq!(
            (DEFAULT.day(0), DEFAULT.minute(0), DEFAULT.hour(0)),
            (0, 360, 6)
        );
    }

    #[test]
    fn tick_1080_is_midnight_of_day_one() {
        assert_eq!((DEFAULT.day(1080), DEFAULT.minute(1080)), (1, 0));
    }

    #[test]
    fn zero_day_length_does_not_panic() {
        assert_eq!((day_of(5, 0), minute_of(5, 0)), (0, 0));
    }
}
