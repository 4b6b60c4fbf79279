//! Random numbers shared bit for bit with the Python world (architecture.md 5.4, world.md 14).
//!
//! SplitMix64 seeds xoshiro256**; a named stream (`world`, `events`, ...) is seeded with
//! `master_seed XOR fnv1a64(name)`. The helpers make exactly one draw each, so both worlds
//! consume their streams in lockstep. Stream states travel in snapshots as four lowercase
//! 16-digit hex strings.

/// One SplitMix64 step: advances `state` and returns the next output.
///
/// ```
/// let mut state = 0;
/// assert_eq!(townlet_core::rng::splitmix64(&mut state), 0xe220a8397b1dcdaf);
/// ```
pub fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// FNV-1a 64-bit hash of `bytes` (offset basis 0xcbf29ce484222325, prime 0x100000001b3).
///
/// ```
/// assert_eq!(townlet_core::rng::fnv1a64(b"world"), 0x4f59ff5e730c8af3);
/// ```
pub fn fnv1a64(bytes: &[u8]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for &byte in bytes {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    hash
}

/// `2^-53`, the spacing of `rand_f64` outputs.
const TWO_POW_MINUS_53: f64 = 1.0 / 9_007_199_254_740_992.0;

/// Exact `x mod d` without a hardware division, for the divisors 1..=n of a shuffle.
///
/// For a divisor `d` the table keeps `m = floor((2^128 - 1) / d) + 1` (mod 2^128);
/// then for every 64-bit `x`, `x mod d = ((m * x mod 2^128) * d) >> 128` (Lemire, Kaser
/// and Kurz, "Faster remainder by direct computation", 2019: exact when the fraction
/// has at least 64 + log2(d) bits, here 128). A shuffle of n items divides by n, n-1,
/// ..., 2 every tick, so the table is filled once and a draw costs three multiplies.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Divisors {
    reciprocals: Vec<u128>,
}

impl Divisors {
    /// Makes sure the divisors 1..=n have their reciprocals.
    pub fn reserve(&mut self, n: usize) {
        for d in self.reciprocals.len()..=n {
            // d = 0 keeps a placeholder; d = 1 wraps to m = 0, and x mod 1 = 0.
            let m = match d {
                0 => 0,
                d => (u128::MAX / d as u128).wrapping_add(1),
            };
            self.reciprocals.push(m);
        }
    }

    /// `x mod d`; `0` for `d = 0`. Divisors past [`Divisors::reserve`] use `%`.
    ///
    /// ```
    /// let mut divisors = townlet_core::rng::Divisors::default();
    /// divisors.reserve(7);
    /// assert_eq!(divisors.rem(u64::MAX, 7), u64::MAX % 7);
    /// ```
    pub fn rem(&self, x: u64, d: u64) -> u64 {
        let m = usize::try_from(d)
            .ok()
            .filter(|&i| i > 0)
            .and_then(|i| self.reciprocals.get(i));
        let Some(&m) = m else {
            return x.checked_rem(d).unwrap_or(0);
        };
        let low = m.wrapping_mul(u128::from(x));
        // (low * d) >> 128 from two 128-bit products; the sum stays below 2^128.
        let d = u128::from(d);
        let bottom = (low & u128::from(u64::MAX)) * d;
        let top = (low >> 64) * d;
        ((top + (bottom >> 64)) >> 64) as u64
    }
}

/// A xoshiro256** generator: one named random stream of the world.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rng {
    s: [u64; 4],
}

impl Rng {
    /// A generator whose state is four successive SplitMix64 outputs of `seed`.
    pub fn from_seed(seed: u64) -> Self {
        let mut state = seed;
        let s = [
            splitmix64(&mut state),
            splitmix64(&mut state),
            splitmix64(&mut state),
            splitmix64(&mut state),
        ];
        Rng { s }
    }

    /// The named stream `name` of a town with `master_seed` (architecture.md 5.4).
    ///
    /// ```
    /// let mut rng = townlet_core::rng::Rng::for_stream(0, "world");
    /// assert_eq!(rng.next_u64(), 0x78d3cf7f913164f6);
    /// ```
    pub fn for_stream(master_seed: u64, name: &str) -> Self {
        Rng::from_seed(master_seed ^ fnv1a64(name.as_bytes()))
    }

    /// A generator with exactly this state (s0..s3).
    pub fn from_state(s: [u64; 4]) -> Self {
        Rng { s }
    }

    /// The state words s0..s3.
    pub fn state(&self) -> [u64; 4] {
        self.s
    }

    /// The next 64-bit output (xoshiro256**).
    pub fn next_u64(&mut self) -> u64 {
        let s = &mut self.s;
        let result = s[1].wrapping_mul(5).rotate_left(7).wrapping_mul(9);
        let t = s[1] << 17;
        s[2] ^= s[0];
        s[3] ^= s[1];
        s[1] ^= s[2];
        s[0] ^= s[3];
        s[2] ^= t;
        s[3] = s[3].rotate_left(45);
        result
    }

    /// A float in [0, 1): `(next_u64() >> 11) * 2^-53`; one draw.
    ///
    /// ```
    /// let mut rng = townlet_core::rng::Rng::for_stream(0, "world");
    /// assert_eq!(rng.rand_f64(), 0.4719819723551999);
    /// ```
    pub fn rand_f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * TWO_POW_MINUS_53
    }

    /// `next_u64() mod n`; one draw. `n` must be at least 1 (0 yields 0 after the draw).
    ///
    /// ```
    /// let mut rng = townlet_core::rng::Rng::for_stream(0, "world");
    /// assert_eq!(rng.rand_index(7), 3);
    /// ```
    pub fn rand_index(&mut self, n: u64) -> u64 {
        self.next_u64().checked_rem(n).unwrap_or(0)
    }

    /// Fisher-Yates from the last index down to 1 with `j = rand_index(i + 1)`
    /// (`len - 1` draws, none for fewer than two items).
    ///
    /// ```
    /// let mut rng = townlet_core::rng::Rng::for_stream(0, "world");
    /// let mut items = [0, 1, 2];
    /// rng.shuffle(&mut items);
    /// assert_eq!(items.len(), 3);
    /// ```
    pub fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            // j <= i < len, so the cast back to usize is lossless.
            let j = self.rand_index(i as u64 + 1) as usize;
            items.swap(i, j);
        }
    }

    /// [`Rng::shuffle`] with the remainders of `divisors` instead of hardware divisions:
    /// the same draws, the same order (the shuffle of every tick's action order).
    ///
    /// ```
    /// use townlet_core::rng::{Divisors, Rng};
    /// let (mut a, mut b) = (Rng::for_stream(0, "world"), Rng::for_stream(0, "world"));
    /// let (mut x, mut y) = ([0, 1, 2, 3], [0, 1, 2, 3]);
    /// a.shuffle(&mut x);
    /// b.shuffle_with(&mut y, &mut Divisors::default());
    /// assert_eq!(x, y);
    /// ```
    pub fn shuffle_with<T>(&mut self, items: &mut [T], divisors: &mut Divisors) {
        divisors.reserve(items.len());
        for i in (1..items.len()).rev() {
            // j <= i < len, so the cast back to usize is lossless.
            let j = divisors.rem(self.next_u64(), i as u64 + 1) as usize;
            items.swap(i, j);
        }
    }

    /// The state as four lowercase 16-digit hex strings (the snapshot form).
    ///
    /// ```
    /// let rng = townlet_core::rng::Rng::from_state([1, 2, 3, u64::MAX]);
    /// assert_eq!(rng.state_hex()[3], "ffffffffffffffff");
    /// ```
    pub fn state_hex(&self) -> [String; 4] {
        self.s.map(|word| format!("{word:016x}"))
    }

    /// A generator from its snapshot form (four words of 16 lowercase hex digits);
    /// `None` if a word is malformed or there are not exactly four.
    ///
    /// ```
    /// use townlet_core::rng::Rng;
    /// let rng = Rng::for_stream(1, "events");
    /// assert_eq!(Rng::from_state_hex(&rng.state_hex()), Some(rng));
    /// ```
    pub fn from_state_hex<S: AsRef<str>>(words: &[S]) -> Option<Self> {
        match words {
            [a, b, c, d] => Some(Rng::from_state([
                Rng::parse_state_word(a.as_ref())?,
                Rng::parse_state_word(b.as_ref())?,
                Rng::parse_state_word(c.as_ref())?,
                Rng::parse_state_word(d.as_ref())?,
            ])),
            _ => None,
        }
    }

    /// Parses one state word: exactly 16 lowercase hex digits.
    ///
    /// ```
    /// assert_eq!(townlet_core::rng::Rng::parse_state_word("00000000000000ff"), Some(255));
    /// assert_eq!(townlet_core::rng::Rng::parse_state_word("FF"), None);
    /// ```
    pub fn parse_state_word(text: &str) -> Option<u64> {
        let valid = text.len() == 16
            && text
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
        if valid {
            u64::from_str_radix(text, 16).ok()
        } else {
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    fn vectors() -> Value {
        let text = include_str!("../../../tests/data/vectors/rng.json");
        serde_json::from_str(text).expect("rng.json parses")
    }

    fn hex(value: &Value) -> u64 {
        let text = value.as_str().expect("hex string");
        Rng::parse_state_word(text).expect("16 hex digits")
    }

    #[test]
    fn splitmix64_matches_vectors() {
        let v = vectors();
        for (seed, key) in [
            (0u64, "seed_0_first_5"),
            (1_234_567, "seed_1234567_first_5"),
        ] {
            let mut state = seed;
            for expected in v["splitmix64"][key].as_array().expect("list") {
                assert_eq!(splitmix64(&mut state), hex(expected), "{key}");
            }
        }
    }

    #[test]
    fn fnv1a64_matches_vectors() {
        let v = vectors();
        for (name, expected) in v["fnv1a64"].as_object().expect("map") {
            assert_eq!(fnv1a64(name.as_bytes()), hex(expected), "{name:?}");
        }
    }

    #[test]
    fn streams_match_every_vector() {
        let v = vectors();
        let streams = v["streams"].as_array().expect("list");
        assert!(!streams.is_empty());
        for case in streams {
            let seed: u64 = case["master_seed"]
                .as_str()
                .expect("seed string")
                .parse()
                .expect("u64 seed");
            let name = case["name"].as_str().expect("name");
            let mut rng = Rng::for_stream(seed, name);
            let initial: Vec<u64> = case["initial_state"]
                .as_array()
                .expect("list")
                .iter()
                .map(hex)
                .collect();
            assert_eq!(rng.state().to_vec(), initial, "{seed} {name} initial");
            for expected in case["next_u64_first_8"].as_array().expect("list") {
                assert_eq!(rng.next_u64(), hex(expected), "{seed} {name} next_u64");
            }
            for expected in case["rand_f64_next_4"].as_array().expect("list") {
                let expected: f64 = expected.as_str().expect("repr").parse().expect("f64");
                assert_eq!(
                    rng.rand_f64().to_bits(),
                    expected.to_bits(),
                    "{seed} {name}"
                );
            }
            for expected in case["rand_index_7_next_10"].as_array().expect("list") {
                assert_eq!(Some(rng.rand_index(7)), expected.as_u64(), "{seed} {name}");
            }
            let mut items: Vec<u64> = (0..10).collect();
            rng.shuffle(&mut items);
            let shuffled: Vec<u64> = case["shuffle_range_10"]
                .as_array()
                .expect("list")
                .iter()
                .filter_map(Value::as_u64)
                .collect();
            assert_eq!(items, shuffled, "{seed} {name} shuffle");
            let after: Vec<String> = case["state_after"]
                .as_array()
                .expect("list")
                .iter()
                .map(|w| w.as_str().expect("hex").to_string())
                .collect();
            assert_eq!(rng.state_hex().to_vec(), after, "{seed} {name} state_after");
        }
    }

    #[test]
    fn state_roundtrips_through_hex() {
        let mut rng = Rng::for_stream(42, "events");
        rng.next_u64();
        let words = rng.state_hex();
        let parsed = words
            .clone()
            .map(|w| Rng::parse_state_word(&w).expect("hex"));
        assert_eq!(Rng::from_state(parsed), rng);
    }

    #[test]
    fn state_word_rejects_bad_text() {
        for bad in [
            "",
            "0123456789abcde",
            "0123456789ABCDEF",
            "0123456789abcdeg",
            "+123456789abcdef",
        ] {
            assert_eq!(Rng::parse_state_word(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn divisor_remainders_are_exact() {
        let mut divisors = Divisors::default();
        divisors.reserve(5_000);
        let mut rng = Rng::for_stream(9, "divisors");
        let edges = [
            0,
            1,
            2,
            u64::MAX,
            u64::MAX - 1,
            1 << 63,
            (1 << 63) - 1,
            u64::from(u32::MAX),
        ];
        for d in 1..=5_000u64 {
            let near = [
                d - 1,
                d,
                d + 1,
                d * d,
                u64::MAX - u64::MAX % d,
                u64::MAX / d * d - 1,
            ];
            for x in edges.into_iter().chain(near) {
                assert_eq!(divisors.rem(x, d), x % d, "{x} mod {d}");
            }
            for _ in 0..200 {
                let x = rng.next_u64();
                assert_eq!(divisors.rem(x, d), x % d, "{x} mod {d}");
            }
        }
        for d in [5_001, 1 << 32, (1 << 63) + 7, u64::MAX] {
            assert_eq!(
                divisors.rem(u64::MAX - 3, d),
                (u64::MAX - 3) % d,
                "past the table"
            );
        }
        assert_eq!(divisors.rem(7, 0), 0);
    }

    #[test]
    fn shuffle_with_divisors_matches_shuffle() {
        let mut divisors = Divisors::default();
        for len in [0, 1, 2, 3, 10, 100, 1_000] {
            let (mut a, mut b) = (Rng::for_stream(3, "world"), Rng::for_stream(3, "world"));
            let mut x: Vec<usize> = (0..len).collect();
            let mut y = x.clone();
            a.shuffle(&mut x);
            b.shuffle_with(&mut y, &mut divisors);
            assert_eq!((x, a), (y, b), "{len}");
        }
    }

    #[test]
    fn shuffle_of_short_lists_makes_no_draw() {
        let mut rng = Rng::for_stream(7, "world");
        let before = rng.clone();
        rng.shuffle::<u8>(&mut []);
        rng.shuffle(&mut [1]);
        assert_eq!(rng, before);
    }
}
