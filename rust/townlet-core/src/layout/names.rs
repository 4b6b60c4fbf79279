//! The fixed names of the observation layout (learning.md 1.3, 1.4, 2.1, 2.5, 3.1).
//!
//! Only the social block depends on settings; everything here is fixed by
//! `OBS_SCHEMA_VERSION`. `python/townlet/world/layout.py` holds the same tables.

/// Full map channels, in order (learning.md 1.3, C = 18).
pub const FULL_CHANNELS: [&str; 18] = [
    "self",
    "agents",
    "wall",
    "door",
    "outdoor",
    "obj_food",
    "obj_hygiene",
    "obj_rest",
    "obj_work",
    "obj_shop",
    "obj_other",
    "interact",
    "in_use",
    "queue",
    "rival",
    "friend",
    "home",
    "workplace",
];

/// Hybrid map channels, in order (learning.md 1.3, C = 6).
pub const HYBRID_CHANNELS: [&str; 6] = ["self", "agents", "blocked", "interact", "in_use", "rival"];

/// Object categories of the map channels, in channel order; unlisted types are `other`.
pub const CATEGORIES: [&str; 5] = ["food", "hygiene", "rest", "work", "shop"];

/// Option names in id order (learning.md 2.1, A = 8).
pub const OPTION_ACTIONS: [&str; 8] = [
    "Wait",
    "GetFed",
    "GetClean",
    "Sleep",
    "Work",
    "ShopGroceries",
    "Socialise",
    "GoHome",
];

/// Primitive action names in id order (learning.md 2.5, A = 19).
pub const PRIMITIVE_ACTIONS: [&str; 19] = [
    "wait",
    "move_n",
    "move_e",
    "move_s",
    "move_w",
    "sleep",
    "wash",
    "cook",
    "take_meal",
    "take_raw_food",
    "store_meal",
    "store_raw_food",
    "buy_meal",
    "buy_raw_food",
    "rest",
    "eat_meal",
    "eat_raw_food",
    "chat",
    "release",
];

/// Reward components in assembly order (learning.md 3.1-3.2, K = 12).
pub const REWARD_COMPONENTS: [&str; 12] = [
    "survival",
    "homeostasis",
    "shaping",
    "wage",
    "punctuality",
    "lateness",
    "chat",
    "chat_fail",
    "avoid",
    "guard_adj",
    "clip_adj",
    "terminal",
];

/// Features 0-9 (block `self`), all in [0, 1].
pub const SELF_FEATURES: [&str; 10] = [
    "hunger",
    "hygiene",
    "energy",
    "wallet",
    "carry_raw_food",
    "carry_meal",
    "home_raw_food",
    "home_meal",
    "faint_countdown",
    "busy",
];

/// Features 10-12 (block `time`); `time_sin` and `time_cos` lie in [-1, 1].
pub const TIME_FEATURES: [&str; 3] = ["time_sin", "time_cos", "time_linear"];

/// Features 13-24 (block `work`), all in [0, 1].
pub const WORK_FEATURES: [&str; 12] = [
    "has_job",
    "on_shift",
    "shift_off",
    "shift_awaiting",
    "shift_on_time",
    "shift_late",
    "shift_absent",
    "until_shift_start",
    "shift_progress",
    "rent_missed",
    "absences_7d",
    "exit_pending",
];

/// Features 25-40 (block `control`), all in [0, 1].
pub const CONTROL_FEATURES: [&str; 16] = [
    "opt_get_fed",
    "opt_get_clean",
    "opt_sleep",
    "opt_work",
    "opt_shop",
    "opt_socialise",
    "opt_go_home",
    "option_age",
    "option_locked",
    "last_option_failed",
    "last_action_ok",
    "in_queue",
    "queue_position",
    "reservation_active",
    "since_chat",
    "ctx_reset",
];

/// Target kinds of features 41-80 (block `targets`, k-major), learning.md 1.5.
pub const TARGET_KINDS: [&str; 8] = [
    "home", "fridge", "stove", "shower", "work", "grocer", "cafe", "park",
];

/// Per-target suffixes, in order: path hint N, E, S, W, then distance.
pub const TARGET_SUFFIXES: [&str; 5] = ["n", "e", "s", "w", "dist"];

/// Features 81-90 (block `local`), all in [0, 1].
pub const LOCAL_FEATURES: [&str; 10] = [
    "blocked_n",
    "blocked_e",
    "blocked_s",
    "blocked_w",
    "agents_here",
    "agents_near",
    "nearest_agent",
    "rival_near",
    "rival_at_target",
    "friend_near",
];

/// Features 91-94 (block `world`), all in [0, 1].
pub const WORLD_FEATURES: [&str; 4] = ["price_spike", "power_out", "water_out", "meet_invite"];

/// Features 95-97 (block `personality`), in [-1, 1].
pub const PERSONALITY_FEATURES: [&str; 3] = ["extroversion", "forgiveness", "ambition"];

/// Per-slot tie values after the embedding, in order.
pub const SLOT_TIE_SUFFIXES: [&str; 3] = ["trust", "fam", "riv"];

/// The last four features (block `social_agg`), in [-1, 1].
pub const SOCIAL_AGG_FEATURES: [&str; 4] = [
    "soc_trust_mean",
    "soc_trust_max",
    "soc_riv_mean",
    "soc_riv_max",
];
