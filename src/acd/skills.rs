//! Skills as bits, so "does this agent have every skill this call needs" is one AND.

/// How many distinct skill names one ACD can tell apart. The last bit is kept for skills named
/// after the table was full (see [`SkillSet::UNSATISFIABLE`]); `check` refuses a center with more
/// (E0802), so in practice nothing reaches it.
pub const MAX_SKILLS: usize = WORDS * 64 - 1;
const _: () = assert!(MAX_SKILLS == crate::model::bounds::SKILLS_MAX);

/// 64-bit words per set: 255 skills, enough for large multi-skill centers (the WFM scenarios
/// use hundreds of skill combinations), at four ANDs per match.
const WORDS: usize = 4;

/// A set of interned skills.
///
/// A bitset rather than a list so that matching a call to an agent costs a few instructions on
/// the hot path; the price is the [`MAX_SKILLS`] limit.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct SkillSet([u64; WORDS]);

impl SkillSet {
    /// No skill required: every agent of the queue may take the entry.
    pub const EMPTY: SkillSet = SkillSet([0; WORDS]);

    /// A requirement no agent can meet. A call that names a skill past [`MAX_SKILLS`] gets it, so
    /// it waits (and can still abandon or be removed) rather than being served by an agent who
    /// may lack the skill.
    pub const UNSATISFIABLE: SkillSet = {
        let mut words = [0; WORDS];
        words[WORDS - 1] = 1 << 63;
        SkillSet(words)
    };

    /// Every skill: what the agents of a queue with no agents have in common.
    pub(crate) const ALL: SkillSet = SkillSet([u64::MAX; WORDS]);

    fn bit(bit: usize) -> SkillSet {
        let mut words = [0; WORDS];
        words[bit / 64] = 1 << (bit % 64);
        SkillSet(words)
    }

    pub fn is_empty(self) -> bool {
        self.0.iter().all(|w| *w == 0)
    }

    /// Whether an agent with `self` may take an entry that requires `required`.
    #[inline]
    pub fn covers(self, required: SkillSet) -> bool {
        self.0.iter().zip(required.0).all(|(have, need)| have & need == need)
    }

    pub fn union(self, other: SkillSet) -> SkillSet {
        let mut words = self.0;
        for (w, o) in words.iter_mut().zip(other.0) {
            *w |= o;
        }
        SkillSet(words)
    }

    pub(crate) fn intersection(self, other: SkillSet) -> SkillSet {
        let mut words = self.0;
        for (w, o) in words.iter_mut().zip(other.0) {
            *w &= o;
        }
        SkillSet(words)
    }

    /// The skills in the set, as bit numbers, lowest first.
    pub(crate) fn each(self) -> impl Iterator<Item = usize> {
        self.0.into_iter().enumerate().flat_map(|(i, mut w)| {
            std::iter::from_fn(move || {
                (w != 0).then(|| {
                    let b = w.trailing_zeros() as usize;
                    w &= w - 1;
                    i * 64 + b
                })
            })
        })
    }

    /// The raw bits, for callers that hash or print sets.
    pub fn bits(self) -> [u64; WORDS] {
        self.0
    }
}

/// Skill names and their bits. Public only because [`RequiredSkills`] names it; it has no public
/// methods, so the table stays the ACD's.
#[derive(Debug, Clone, Default)]
pub struct SkillTable {
    /// FxHash: a call's skills are looked up by name whenever a flow sets them (SipHash was
    /// 0.3% of acme x100), and the table never holds more than `MAX_SKILLS` names, so no choice
    /// of names can flood it.
    by_name: crate::fast_hash::FastMap<String, u16>,
}

impl SkillTable {
    /// The bit of `name`, assigning the next one the first time; `None` once the table is full.
    pub(crate) fn intern(&mut self, name: &str) -> Option<SkillSet> {
        if let Some(&bit) = self.by_name.get(name) {
            return Some(SkillSet::bit(bit as usize));
        }
        let bit = self.by_name.len();
        if bit >= MAX_SKILLS {
            return None;
        }
        self.by_name.insert(name.to_string(), bit as u16);
        Some(SkillSet::bit(bit))
    }

    /// The bit of `name` if some entry or agent has named it, without assigning one.
    pub(crate) fn lookup(&self, name: &str) -> Option<SkillSet> {
        self.by_name.get(name).map(|&bit| SkillSet::bit(bit as usize))
    }

    /// The set for `names`, where a name that no longer fits makes the set unsatisfiable.
    pub(crate) fn required<S: AsRef<str>>(&mut self, names: &[S]) -> SkillSet {
        names.iter().fold(SkillSet::EMPTY, |set, name| {
            set.union(self.intern(name.as_ref()).unwrap_or(SkillSet::UNSATISFIABLE))
        })
    }
}

/// What an entry needs from its agent: skill names (interned on the way in, convenient for the
/// interpreter) or a [`SkillSet`] interned once up front (free on the simulator's hot path).
pub trait RequiredSkills {
    fn resolve(self, table: &mut SkillTable) -> SkillSet;
}

impl RequiredSkills for SkillSet {
    fn resolve(self, _: &mut SkillTable) -> SkillSet {
        self
    }
}

impl<S: AsRef<str>> RequiredSkills for &[S] {
    fn resolve(self, table: &mut SkillTable) -> SkillSet {
        if self.is_empty() { SkillSet::EMPTY } else { table.required(self) }
    }
}

impl<S: AsRef<str>> RequiredSkills for &Vec<S> {
    fn resolve(self, table: &mut SkillTable) -> SkillSet {
        self.as_slice().resolve(table)
    }
}

impl<S: AsRef<str>, const N: usize> RequiredSkills for &[S; N] {
    fn resolve(self, table: &mut SkillTable) -> SkillSet {
        self.as_slice().resolve(table)
    }
}
