//! QEMU's compatibility rules (docs/devel/qapi-code-gen.rst, "Compatibility considerations"), per direction.
//!
//! Sending (command arguments): adding opt-in things is compatible (commands, optional members, enum values,
//! branches, making a mandatory member optional, turning a type into an alternate that has it); taking anything
//! away or demanding more is breaking. Receiving (returns, event data): adding is compatible, as clients ignore
//! what they do not know; removing what clients may rely on (mandatory members) or sending values they cannot
//! expect is breaking; removing what may be absent anyway (optional members, enum values, events) is not.

use crate::change::{ChangeKind, Class, Direction, Relation};

/// The class of `kind` for an item travelling in `direction`, ignoring stability (the caller decides whether
/// the item is outside the stable API).
pub fn rule(kind: &ChangeKind, direction: Direction) -> Class {
    use ChangeKind as K;
    use Direction::{Receive, Send};
    let breaking = match (kind, direction) {
        (K::CommandAdded | K::EventAdded, _) => false,
        (K::CommandRemoved { .. }, _) => true,
        // Events that cannot be triggered any more make no difference to a client.
        (K::EventRemoved { .. }, _) => false,
        (K::MemberAdded { optional }, Send) => !optional,
        (K::MemberAdded { .. }, Receive) => false,
        (K::MemberRemoved { .. }, Send) => true,
        (K::MemberRemoved { optional, .. }, Receive) => !optional,
        (K::MemberNowOptional, dir) => dir == Receive,
        (K::MemberNowMandatory, dir) => dir == Send,
        (K::ValueAdded { .. } | K::BranchAdded { .. }, _) => false,
        (K::ValueRemoved { .. } | K::BranchRemoved { .. }, dir) => dir == Send,
        // A client cannot read a value of a JSON type it does not expect.
        (K::AlternateBranchAdded { .. }, dir) => dir == Receive,
        (K::AlternateBranchRemoved { .. }, dir) => dir == Send,
        (K::TypeChanged { relation, .. }, dir) => match relation {
            Relation::Incompatible => true,
            Relation::Widened => dir == Receive,
            Relation::Narrowed => dir == Send,
        },
        (K::TagChanged { .. }, _) => true,
        // Leaving the stable API breaks the promise stable clients rely on.
        (K::FeatureAdded { feature, .. }, _) => feature == "unstable",
        // A feature flag announces behaviour; dropping it withdraws the behaviour a client may ask for.
        (K::FeatureRemoved { feature, .. }, dir) => {
            dir == Send && feature != "deprecated" && feature != "unstable"
        }
        // A condition decides which builds have an item; a build without it failed the same request at run time
        // before (QEMU makes things conditional on what a build can do). Reported, for checking one's builds.
        (K::ConditionChanged { .. }, _) => false,
        (K::AllowOob { now } | K::AllowPreconfig { now }, _) => !now,
        (K::TypeRenamed { .. }, _) => false,
    };
    if breaking {
        Class::Breaking
    } else {
        Class::Compatible
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Direction::{Receive, Send};

    #[test]
    fn members_follow_qemu_rules() {
        let added_opt = ChangeKind::MemberAdded { optional: true };
        let added_mand = ChangeKind::MemberAdded { optional: false };
        assert_eq!(rule(&added_opt, Send), Class::Compatible);
        assert_eq!(rule(&added_mand, Send), Class::Breaking);
        assert_eq!(rule(&added_mand, Receive), Class::Compatible);
        let removed_opt = ChangeKind::MemberRemoved {
            optional: true,
            deprecated: false,
        };
        assert_eq!(rule(&removed_opt, Send), Class::Breaking);
        assert_eq!(rule(&removed_opt, Receive), Class::Compatible);
        assert_eq!(
            rule(&ChangeKind::MemberNowOptional, Send),
            Class::Compatible
        );
        assert_eq!(
            rule(&ChangeKind::MemberNowOptional, Receive),
            Class::Breaking
        );
        assert_eq!(rule(&ChangeKind::MemberNowMandatory, Send), Class::Breaking);
        assert_eq!(
            rule(&ChangeKind::MemberNowMandatory, Receive),
            Class::Compatible
        );
    }

    #[test]
    fn values_and_types() {
        let removed = ChangeKind::ValueRemoved {
            value: "v".into(),
            deprecated: false,
        };
        assert_eq!(rule(&removed, Send), Class::Breaking);
        assert_eq!(rule(&removed, Receive), Class::Compatible);
        let widened = ChangeKind::TypeChanged {
            old: "int8".into(),
            new: "int64".into(),
            relation: Relation::Widened,
        };
        assert_eq!(rule(&widened, Send), Class::Compatible);
        assert_eq!(rule(&widened, Receive), Class::Breaking);
        assert_eq!(
            rule(&ChangeKind::EventRemoved { deprecated: false }, Receive),
            Class::Compatible
        );
        assert_eq!(
            rule(&ChangeKind::CommandRemoved { deprecated: true }, Send),
            Class::Breaking
        );
    }
}
