//! The person on the phone: what they press, how long they wait.

use crate::time::Micros;

/// What the flow is asking for.
#[derive(Debug, Clone, Copy)]
pub enum Prompt<'a> {
    Menu {
        name: &'a str,
    },
    /// `terminator`: a key that ends the input early (it is pressed, then stripped by the flow).
    Ask {
        variable: &'a str,
        max_digits: u32,
        terminator: Option<char>,
    },
}

/// The caller's answer to a prompt.
#[derive(Debug, Clone, PartialEq)]
pub enum Keys {
    /// Keys pressed, the first one `after` the prompt finished playing.
    Digits { digits: String, after: Micros },
    /// Nothing: the prompt times out.
    Silence,
}

/// A caller model. `run` uses a DTMF script; `simulate` draws from the scenario's probabilities.
pub trait Caller {
    fn respond(&mut self, prompt: Prompt<'_>, uniform: &mut dyn FnMut() -> f64) -> Keys;
    /// A person on a live line (the web phone) answers in real time instead of at once.
    fn line(&mut self) -> Option<&mut super::live_line::LiveLine> {
        None
    }
}

/// Key presses from a script such as `1w2`, as in Twilio's `sendDigits`: each `w` waits half a
/// second before the next key. A menu takes one key; an `ask` takes up to its digit count, stopping
/// at a `w` or after its terminator key. An exhausted script means silence.
#[derive(Debug, Clone, Default)]
pub struct DtmfScript {
    keys: Vec<char>,
    next: usize,
}

pub const SCRIPT_PAUSE: Micros = 500_000;

impl DtmfScript {
    /// Parses a script; returns the offending character when it is not a DTMF key or `w`.
    pub fn parse(script: &str) -> Result<Self, char> {
        let keys: Vec<char> = script.chars().filter(|c| !c.is_whitespace() && *c != ',').collect();
        if let Some(bad) = keys.iter().find(|c| !(c.is_ascii_digit() || matches!(c, '*' | '#' | 'w' | 'W'))) {
            return Err(*bad);
        }
        Ok(DtmfScript { keys: keys.into_iter().map(|c| c.to_ascii_lowercase()).collect(), next: 0 })
    }
}

impl Caller for DtmfScript {
    fn respond(&mut self, prompt: Prompt<'_>, _uniform: &mut dyn FnMut() -> f64) -> Keys {
        let mut after = 0;
        while self.keys.get(self.next) == Some(&'w') {
            after += SCRIPT_PAUSE;
            self.next += 1;
        }
        let (max, terminator) = match prompt {
            Prompt::Menu { .. } => (1, None),
            Prompt::Ask { max_digits, terminator, .. } => (max_digits.max(1) as usize, terminator),
        };
        let mut digits = String::new();
        let mut taken = 0;
        loop {
            match self.keys.get(self.next) {
                Some('w') | None => break,
                // The terminator ends the input, also right after the last key the ask takes
                // (so `12345678#` answers `digits 8 terminator "#"` and leaves nothing behind).
                Some(&c) if Some(c) == terminator => {
                    digits.push(c);
                    self.next += 1;
                    break;
                }
                Some(_) if taken == max => break,
                Some(&c) => {
                    digits.push(c);
                    taken += 1;
                    self.next += 1;
                }
            }
        }
        if digits.is_empty() { Keys::Silence } else { Keys::Digits { digits, after } }
    }
}
