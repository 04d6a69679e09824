//! An agent's name as an outcome carries it: the agent's place in the run's table of names.
//!
//! Not an `Rc<str>` per agent: cloning one into every answered call's outcome and dropping it
//! again touched that agent's own reference count, a cache miss per call once the center has
//! thousands of agents (14% of the time at 10,000; README, "Speed"). The table's one count is
//! shared by every outcome and stays in cache; the name itself is read only when printed.

use std::fmt;
use std::ops::Deref;
use std::rc::Rc;

/// Derefs to the name, prints as the name, and compares by it.
#[derive(Clone)]
pub struct AgentName(Repr);

#[derive(Clone)]
enum Repr {
    /// One of the agents the engine was built with: an index into its table.
    Listed(Rc<[Box<str>]>, u32),
    /// An agent the ACD learnt of later (the table is fixed when the engine is built).
    Own(Rc<str>),
}

impl AgentName {
    /// The `index`-th name of `names`; `None` past the table's end.
    pub(crate) fn listed(names: &Rc<[Box<str>]>, index: usize) -> Option<AgentName> {
        (index < names.len()).then(|| AgentName(Repr::Listed(names.clone(), index as u32)))
    }

    pub(crate) fn own(name: &str) -> AgentName {
        AgentName(Repr::Own(Rc::from(name)))
    }
}

impl Deref for AgentName {
    type Target = str;

    fn deref(&self) -> &str {
        match &self.0 {
            Repr::Listed(names, i) => &names[*i as usize],
            Repr::Own(name) => name,
        }
    }
}

impl fmt::Display for AgentName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self)
    }
}

impl fmt::Debug for AgentName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, f)
    }
}

impl PartialEq for AgentName {
    fn eq(&self, other: &AgentName) -> bool {
        **self == **other
    }
}

impl Eq for AgentName {}

#[cfg(test)]
mod tests {
    use super::AgentName;
    use std::rc::Rc;

    #[test]
    fn reads_prints_and_compares_as_the_name() {
        let names: Rc<[Box<str>]> = vec!["alice".into(), "bob".into()].into();
        let bob = AgentName::listed(&names, 1).unwrap();
        assert_eq!(&*bob, "bob");
        assert_eq!(bob.to_string(), "bob");
        assert_eq!(format!("{bob:?}"), "\"bob\"");
        assert_eq!(bob, AgentName::own("bob"));
        assert_ne!(bob, AgentName::listed(&names, 0).unwrap());
        assert!(AgentName::listed(&names, 2).is_none());
    }
}
