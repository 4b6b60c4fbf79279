//! The names of world.md 3.6, their static types, and their resolution to ids.
//!
//! The checker turns every dotted path into a [`Name`] once, at manifest load: a
//! [`NameKind`] plus, for `agent.items.<item>`, `object.stock.<item>` and `price.<key>`,
//! the item or price index. The world then answers ids through
//! [`super::eval::ExprEnv`] without looking at a string on the hot path.

/// The static type of a name, a literal or an operand.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Type {
    /// A string.
    Str,
    /// A string or null (`str?`).
    OptStr,
    /// A number (f64).
    Num,
    /// A boolean.
    Bool,
    /// The type of the `null` literal.
    Null,
}

impl Type {
    /// The type as messages write it: `str`, `str?`, `num`, `bool`, `null`.
    pub fn as_str(self) -> &'static str {
        match self {
            Type::Str => "str",
            Type::OptStr => "str?",
            Type::Num => "num",
            Type::Bool => "bool",
            Type::Null => "null",
        }
    }
}

/// Which value a name reads; `AgentItem`, `ObjectStock` and `Price` also need an index.
#[allow(missing_docs)] // each variant spells its name: `ObjectZoneKind` is `object.zone_kind`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum NameKind {
    AgentId,
    AgentName,
    AgentProfile,
    AgentHome,
    AgentJob,
    AgentHunger,
    AgentHygiene,
    AgentEnergy,
    AgentWallet,
    AgentItem,
    AgentExtroversion,
    AgentForgiveness,
    AgentAmbition,
    AgentOnShift,
    ObjectId,
    ObjectType,
    ObjectZone,
    ObjectZoneKind,
    ObjectOwner,
    ObjectStock,
    ObjectHolders,
    ObjectWaiting,
    ObjectCapacity,
    WorldTick,
    WorldDay,
    WorldMinute,
    WorldHour,
    UtilityPower,
    UtilityWater,
    Price,
}

/// The names without a key, with their kind and type (world.md 3.6).
pub const FIXED_NAMES: [(&str, NameKind, Type); 27] = [
    ("agent.id", NameKind::AgentId, Type::Str),
    ("agent.name", NameKind::AgentName, Type::Str),
    ("agent.profile", NameKind::AgentProfile, Type::Str),
    ("agent.home", NameKind::AgentHome, Type::OptStr),
    ("agent.job", NameKind::AgentJob, Type::OptStr),
    ("agent.hunger", NameKind::AgentHunger, Type::Num),
    ("agent.hygiene", NameKind::AgentHygiene, Type::Num),
    ("agent.energy", NameKind::AgentEnergy, Type::Num),
    ("agent.wallet", NameKind::AgentWallet, Type::Num),
    ("agent.extroversion", NameKind::AgentExtroversion, Type::Num),
    ("agent.forgiveness", NameKind::AgentForgiveness, Type::Num),
    ("agent.ambition", NameKind::AgentAmbition, Type::Num),
    ("agent.on_shift", NameKind::AgentOnShift, Type::Bool),
    ("object.id", NameKind::ObjectId, Type::Str),
    ("object.type", NameKind::ObjectType, Type::Str),
    ("object.zone", NameKind::ObjectZone, Type::OptStr),
    ("object.zone_kind", NameKind::ObjectZoneKind, Type::OptStr),
    ("object.owner", NameKind::ObjectOwner, Type::OptStr),
    ("object.holders", NameKind::ObjectHolders, Type::Num),
    ("object.waiting", NameKind::ObjectWaiting, Type::Num),
    ("object.capacity", NameKind::ObjectCapacity, Type::Num),
    ("world.tick", NameKind::WorldTick, Type::Num),
    ("world.day", NameKind::WorldDay, Type::Num),
    ("world.minute", NameKind::WorldMinute, Type::Num),
    ("world.hour", NameKind::WorldHour, Type::Num),
    ("utility.power", NameKind::UtilityPower, Type::Bool),
    ("utility.water", NameKind::UtilityWater, Type::Bool),
];

/// A resolved name: its kind and, for keyed names, the item or price index (else 0).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Name {
    /// Which value.
    pub kind: NameKind,
    /// Item index (`AgentItem`, `ObjectStock`) or price index (`Price`); 0 otherwise.
    pub index: usize,
}

/// What a manifest declares, which decides the names an expression may use.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Context {
    /// Item names in item index order (world.md 3.1).
    pub items: Vec<String>,
    /// Price keys in `economy.prices` order (world.md 8.1).
    pub price_keys: Vec<String>,
    /// Whether `object.*` names are allowed (false for item-use affordances).
    pub allow_object: bool,
}

impl Context {
    /// A context from borrowed names.
    ///
    /// ```
    /// let ctx = townlet_core::expr::Context::new(&["meal"], &["meal"], false);
    /// assert_eq!((ctx.items.len(), ctx.allow_object), (1, false));
    /// ```
    pub fn new(items: &[&str], price_keys: &[&str], allow_object: bool) -> Self {
        Context {
            items: items.iter().map(|s| s.to_string()).collect(),
            price_keys: price_keys.iter().map(|s| s.to_string()).collect(),
            allow_object,
        }
    }
}

/// Resolves a dotted path to its [`Name`] and static type.
///
/// ```
/// use townlet_core::expr::names::{resolve, Context, NameKind, Type};
/// let ctx = Context::new(&["raw_food", "meal"], &[], true);
/// let (name, ty) = resolve("agent.items.meal", &ctx).unwrap();
/// assert_eq!((name.kind, name.index, ty), (NameKind::AgentItem, 1, Type::Num));
/// ```
///
/// # Errors
///
/// The message of a [`super::error::NAME`] error (without column), checked in this
/// order: an unknown name, an undeclared item or price key, an `object.*` name where
/// `context.allow_object` is false.
pub fn resolve(path: &str, context: &Context) -> Result<(Name, Type), String> {
    let name = match FIXED_NAMES.iter().find(|(p, _, _)| *p == path) {
        Some(&(_, kind, ty)) => (Name { kind, index: 0 }, ty),
        None => keyed(path, context)?,
    };
    if !context.allow_object && path.starts_with("object.") {
        return Err(format!(
            "'{path}' is not available in an item-use affordance"
        ));
    }
    Ok(name)
}

/// `agent.items.<item>`, `object.stock.<item>` or `price.<key>`.
fn keyed(path: &str, context: &Context) -> Result<(Name, Type), String> {
    let prefixes = [
        ("agent.items.", NameKind::AgentItem, &context.items, "item"),
        (
            "object.stock.",
            NameKind::ObjectStock,
            &context.items,
            "item",
        ),
        ("price.", NameKind::Price, &context.price_keys, "price key"),
    ];
    for (prefix, kind, keys, noun) in prefixes {
        let Some(key) = path.strip_prefix(prefix) else {
            continue;
        };
        if key.contains('.') {
            break;
        }
        return match keys.iter().position(|k| k == key) {
            Some(index) => Ok((Name { kind, index }, Type::Num)),
            None => {
                let declared = if keys.is_empty() {
                    "none".to_string()
                } else {
                    keys.join(", ")
                };
                Err(format!(
                    "unknown {noun} '{key}' in '{path}' (declared: {declared})"
                ))
            }
        };
    }
    Err(format!("unknown name '{path}'"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx(allow_object: bool) -> Context {
        Context::new(
            &["raw_food", "meal"],
            &["raw_food", "meal", "shower_fee"],
            allow_object,
        )
    }

    #[test]
    fn every_fixed_name_resolves_to_its_own_kind() {
        for (path, kind, ty) in FIXED_NAMES {
            assert_eq!(resolve(path, &ctx(true)), Ok((Name { kind, index: 0 }, ty)));
        }
    }

    #[test]
    fn keyed_names_carry_the_declared_index() {
        let (name, _) = resolve("object.stock.meal", &ctx(true)).unwrap();
        assert_eq!((name.kind, name.index), (NameKind::ObjectStock, 1));
        let (name, _) = resolve("price.shower_fee", &ctx(true)).unwrap();
        assert_eq!((name.kind, name.index), (NameKind::Price, 2));
    }

    #[test]
    fn unknown_names_and_keys_are_refused() {
        let err = |path| resolve(path, &ctx(true)).unwrap_err();
        assert_eq!(err("agent"), "unknown name 'agent'");
        assert_eq!(err("agent.items"), "unknown name 'agent.items'");
        assert_eq!(
            err("agent.items.meal.x"),
            "unknown name 'agent.items.meal.x'"
        );
        assert_eq!(
            err("agent.items.pizza"),
            "unknown item 'pizza' in 'agent.items.pizza' (declared: raw_food, meal)"
        );
        let empty = Context::new(&[], &[], true);
        assert_eq!(
            resolve("price.meal", &empty).unwrap_err(),
            "unknown price key 'meal' in 'price.meal' (declared: none)"
        );
    }

    #[test]
    fn object_names_are_refused_in_item_use() {
        assert_eq!(
            resolve("object.stock.meal", &ctx(false)).unwrap_err(),
            "'object.stock.meal' is not available in an item-use affordance"
        );
        assert_eq!(
            resolve("object.nope", &ctx(false)).unwrap_err(),
            "unknown name 'object.nope'"
        );
        assert!(resolve("agent.items.meal", &ctx(false)).is_ok());
    }
}
