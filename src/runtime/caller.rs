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
        /// The longest pause between keys that does not end the input (`interdigit`); `None`: any
        /// pause in a script ends it.
        interdigit: Option<Micros>,
    },
}

/// The caller's answer to a prompt.
#[derive(Debug, Clone, PartialEq)]
pub enum Keys {
    /// Keys pressed, the first one `after` the prompt finished playing.
    Digits { digits: String, after: Micros },
    /// Words spoken (speech recognition's text), `after` the prompt finished playing.
    Speech { words: String, after: Micros },
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
/// at a `w` or after its terminator key. `[lost card]` is the caller saying those words, which
/// answer one menu or ask. An exhausted script means silence.
#[derive(Debug, Clone, Default)]
pub struct DtmfScript {
    keys: Vec<char>,
    /// The words of each `[...]`, in order; `keys` holds a `\u{0}` where each was said.
    said: Vec<String>,
    next: usize,
}

/// Marks an utterance's place among a script's keys.
const SAID: char = '\u{0}';

pub const SCRIPT_PAUSE: Micros = 500_000;

impl DtmfScript {
    /// Parses a script; returns the offending character when it is not a DTMF key or `w`.
    pub fn parse(script: &str) -> Result<Self, char> {
        let (mut keys, mut said) = (Vec::new(), Vec::new());
        let mut chars = script.chars();
        while let Some(c) = chars.next() {
            match c {
                '[' => {
                    let words: String = chars.by_ref().take_while(|c| *c != ']').collect();
                    said.push(words.trim().to_string());
                    keys.push(SAID);
                }
                c if c.is_whitespace() || c == ',' => {}
                c if c.is_ascii_digit() || matches!(c, '*' | '#' | 'w' | 'W') => {
                    keys.push(c.to_ascii_lowercase())
                }
                bad => return Err(bad),
            }
        }
        Ok(DtmfScript { keys, said, next: 0 })
    }

    /// The script with `words` said before its keys (`run --say`).
    pub fn saying_first(mut self, words: &[String]) -> Self {
        let n = words.len();
        self.said.splice(0..0, words.iter().cloned());
        self.keys.splice(0..0, std::iter::repeat_n(SAID, n));
        self
    }
}

impl Caller for DtmfScript {
    fn respond(&mut self, prompt: Prompt<'_>, _uniform: &mut dyn FnMut() -> f64) -> Keys {
        let mut after = 0;
        while self.keys.get(self.next) == Some(&'w') {
            after += SCRIPT_PAUSE;
            self.next += 1;
        }
        let (max, terminator, interdigit) = match prompt {
            Prompt::Menu { .. } => (1, None, None),
            Prompt::Ask { max_digits, terminator, interdigit, .. } => {
                (max_digits.max(1) as usize, terminator, interdigit)
            }
        };
        if self.keys.get(self.next) == Some(&SAID) {
            let index = self.keys[..self.next].iter().filter(|c| **c == SAID).count();
            self.next += 1;
            let words = self.said.get(index).cloned().unwrap_or_default();
            return Keys::Speech { words, after };
        }
        let mut digits = String::new();
        let mut taken = 0;
        loop {
            match self.keys.get(self.next) {
                // A pause shorter than the ask's `interdigit` is the caller still keying in.
                Some('w') if !digits.is_empty() && taken < max => {
                    let pauses = self.keys[self.next..].iter().take_while(|c| **c == 'w').count();
                    let resumes = matches!(self.keys.get(self.next + pauses), Some(c) if *c != SAID);
                    match interdigit {
                        Some(limit) if resumes && (pauses as Micros) * SCRIPT_PAUSE < limit => {
                            self.next += pauses
                        }
                        _ => break,
                    }
                }
                Some('w') | Some(&SAID) | None => break,
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
